"""The emotion chain from Python: MODELS.md 2.5 and 3.x exact values."""
import unittest

import numpy as np
import pandas as pd

import cxm


class PeakEnd(unittest.TestCase):
    def test_published_cases(self):
        self.assertEqual(cxm.chain.peak_end([2, 4, 6, 7, 8, 8]), 8.0)
        self.assertEqual(cxm.chain.peak_end([2, 4, 6, 7, 8, 8, 7.5, 7, 6.5]), 7.25)
        self.assertEqual(cxm.chain.peak_end(np.array([1, -3, 2, 4, 1])), 2.5)

    def test_many_experiences(self):
        np.testing.assert_array_equal(
            cxm.chain.peak_end([[2, 4, 6, 7, 8, 8], [1, -3, 2, 4, 1], [-2]]), [8.0, 2.5, -2.0])
        series = pd.Series([[1, -5, 2], [3]], index=["ann", "bob"])
        result = cxm.chain.peak_end(series)
        self.assertEqual(list(result.index), ["ann", "bob"])
        self.assertEqual(result["ann"], -1.5)

    def test_errors(self):
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "at least one moment"):
            cxm.chain.peak_end([])
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "experience 1: an experience needs"):
            cxm.chain.peak_end([[1, 2], []])


if __name__ == "__main__":
    unittest.main()
