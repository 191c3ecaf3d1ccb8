"""docs/guide.md runs as written: every ```python and ```sh block, in order,
section by section, in a scratch directory with CXM_DATA_DIR set to the
source tree's sample data and the built cxm program on PATH."""
import os
import re
import subprocess
import sys
import tempfile
import unittest

SRC = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "..", ".."))
CXM = os.environ.get("CXM")


def sections(text):
    """[(title, [(language, code), ...])] for the '## ' sections (the intro is section 0)."""
    result, title, blocks = [], "introduction", []
    for part in re.split(r"^(## .*)$", text, flags=re.M):
        if part.startswith("## "):
            result.append((title, blocks))
            title, blocks = part[3:].strip(), []
        else:
            blocks += re.findall(r"^```(python|sh)\n(.*?)^```", part, flags=re.S | re.M)
    result.append((title, blocks))
    return result


class Guide(unittest.TestCase):
    def test_every_example_runs(self):
        if not CXM:
            self.skipTest("CXM (the built cxm program) is not set")
        text = open(os.path.join(SRC, "docs", "guide.md"), encoding="utf-8").read()
        env = dict(os.environ, CXM_DATA_DIR=os.path.join(SRC, "data"),
                   PATH=os.path.dirname(CXM) + os.pathsep + os.environ["PATH"],
                   MPLBACKEND="Agg")
        here = os.getcwd()
        with tempfile.TemporaryDirectory() as work:
            os.chdir(work)
            os.environ["CXM_DATA_DIR"] = env["CXM_DATA_DIR"]
            try:
                ran = 0
                for title, blocks in sections(text):
                    namespace = {"__name__": "guide"}
                    for language, code in blocks:
                        with self.subTest(section=title, block=code.splitlines()[0]):
                            if language == "sh":
                                done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", code],
                                                      env=env, capture_output=True, text=True)
                                self.assertEqual(done.returncode, 0,
                                                 f"{title}:\n{code}\n{done.stdout}{done.stderr}")
                            else:
                                exec(compile(code, f"guide.md: {title}", "exec"), namespace)
                            ran += 1
                self.assertGreaterEqual(ran, 12)
            finally:
                os.chdir(here)


if __name__ == "__main__":
    unittest.main()
