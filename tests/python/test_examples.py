"""The README's examples run as written."""
import os
import subprocess
import sys
import unittest

SRC = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "..", ".."))


class Examples(unittest.TestCase):
    def test_python_example(self):
        out = subprocess.run([sys.executable, os.path.join(SRC, "examples", "clv.py")],
                             check=True, capture_output=True, text=True).stdout
        self.assertIn("250.00\n", out)
        self.assertIn("retention 1.5 is outside [0, 1]", out)


if __name__ == "__main__":
    unittest.main()
