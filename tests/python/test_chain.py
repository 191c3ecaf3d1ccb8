"""The emotion chain from Python: docs/models.md §2.5 and §3.1–§3.4 exact values."""
import doctest
import math
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
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "moments is empty"):
            cxm.chain.peak_end([])
        with self.assertRaisesRegex(cxm.InvalidArgumentError, r"moments\[1\] is empty"):
            cxm.chain.peak_end([[1, 2], []])


class NetPromoterScore(unittest.TestCase):
    def test_published_cases(self):
        r = cxm.chain.nps_counts(50, 30, 20)
        self.assertAlmostEqual(r.nps, 30.0, places=12)
        self.assertAlmostEqual(r.std_error, 7.8102, places=4)
        self.assertAlmostEqual(r.wald_lower, 14.692, places=3)
        self.assertAlmostEqual(r.wald_upper, 45.308, places=3)
        self.assertAlmostEqual(r.adjusted_lower, 14.051, places=3)
        self.assertAlmostEqual(r.adjusted_upper, 44.201, places=3)
        r = cxm.chain.nps_counts(291, 476, 395)
        self.assertAlmostEqual(r.nps, -8.950, places=3)
        self.assertAlmostEqual(r.std_error, 2.2387, places=4)
        r = cxm.chain.nps_counts(5, 3, 2)
        self.assertAlmostEqual(r.wald_lower, -18.41, places=2)
        self.assertAlmostEqual(r.wald_upper, 78.41, places=2)
        self.assertAlmostEqual(r.adjusted_lower, -19.05, places=2)
        self.assertAlmostEqual(r.adjusted_upper, 65.20, places=2)

    def test_scores_series_frames_and_groups(self):
        scores = pd.Series([10, 9, 9, 8, 7, 3, 10, 6, 9, 10, np.nan])
        r = cxm.chain.nps(scores)
        self.assertEqual((r.promoters, r.passives, r.detractors), (6, 2, 2))
        self.assertAlmostEqual(r.nps, 40.0)
        self.assertEqual(r.to_series()["nps"], r.nps)
        frame = pd.DataFrame({"web": [10, 10, 3], "store": [9, 7, 8]})
        table = cxm.chain.nps(frame)
        self.assertEqual(list(table.index), ["web", "store"])
        self.assertAlmostEqual(table.loc["web", "nps"], 100 / 3)
        by = cxm.chain.nps([10, 3, 9, 9], by=["a", "a", "b", "b"])
        self.assertEqual(by.loc["a", "nps"], 0.0)
        self.assertEqual(by.loc["b", "nps"], 100.0)

    def test_compare(self):
        c = cxm.chain.nps_compare((50, 30, 20), cxm.chain.nps_counts(291, 476, 395))
        self.assertAlmostEqual(c.difference, 30 + 104 / 11.62, places=9)
        self.assertLess(c.p_value, 1e-5)
        same = cxm.chain.nps_compare([10, 9, 3], [10, 9, 3])
        self.assertEqual(same.difference, 0.0)

    def test_errors(self):
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "element 1: score 11"):
            cxm.chain.nps([3, 11])
        with self.assertRaisesRegex(cxm.DomainError, "every score is missing"):
            cxm.chain.nps([np.nan])
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "confidence level"):
            cxm.chain.nps([3], level=2)


class CsatCes(unittest.TestCase):
    def test_csat_and_ces(self):
        r = cxm.chain.csat([5, 4, 3, 5, 1, np.nan, 4, 2, 5, 4])
        self.assertAlmostEqual(r.csat, 200 / 3)
        self.assertTrue(r.lower < r.csat < r.upper)
        e = cxm.chain.ces([2, 3, 4, np.nan, 3])
        self.assertAlmostEqual(e.mean, 3.0)
        self.assertAlmostEqual(e.upper - e.mean, 3.182446305284263 * math.sqrt(2 / 3) / 2, places=9)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "outside the scale"):
            cxm.chain.csat([6])


class Servqual(unittest.TestCase):
    def example(self):
        e = [6] * 4 + [7] * 5 + [6] * 13
        p = [6] * 4 + [5] * 5 + [4] * 4 + [5] * 9
        return e, p

    def test_published_case(self):
        e, p = self.example()
        r = cxm.chain.servqual(e, p, weights=[11, 32, 22, 19, 16])
        self.assertEqual(list(r.dimension_gaps), [0, -2, -2, -1, -1])
        self.assertEqual(list(r.dimension_gaps.index),
                         ["tangibles", "reliability", "responsiveness", "assurance", "empathy"])
        self.assertAlmostEqual(r.unweighted, -1.2, places=14)
        self.assertAlmostEqual(r.weighted, -1.43, places=14)
        self.assertAlmostEqual(r.item_mean, -27 / 22, places=14)
        self.assertAlmostEqual(r.respondents_table["weighted"].iloc[0], -1.43, places=14)
        weights = {"tangibles": 11, "reliability": 32, "responsiveness": 22, "assurance": 19,
                   "empathy": 16}
        self.assertAlmostEqual(cxm.chain.servqual(e, p, weights=weights).weighted, -1.43)

    def test_frames_and_custom_dimensions(self):
        e = pd.DataFrame({"q1": [5, 4], "q2": [5, np.nan], "q3": [5, 6]})
        p = pd.DataFrame({"q3": [7, 3], "q2": [4, 3], "q1": [6, 6]})
        r = cxm.chain.servqual(e, p, dimensions={"service": ["q1", "q2"], "price": ["q3"]},
                               weights=pd.DataFrame({"service": [1, 3], "price": [3, 1]}))
        self.assertEqual(list(r.item_gaps.index), ["q1", "q2", "q3"])
        self.assertEqual(r.item_gaps["q1"], 1.5)
        self.assertEqual(r.dimension_gaps["service"], 0.25)
        self.assertEqual(list(r.respondents_table["unweighted"]), [1.0, -0.5])
        self.assertAlmostEqual(r.weighted, (1.5 + 0.75) / 2)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "22 items"):
            cxm.chain.servqual(e, p)


class Kano(unittest.TestCase):
    def test_published_case(self):
        f = [1] * 12 + [1] * 8 + [2] * 5 + [3] * 3 + [5, 1]
        d = [3] * 12 + [5] * 8 + [5] * 5 + [3] * 3 + [1, 1]
        k = cxm.chain.kano(f, d)
        self.assertEqual((k.A, k.O, k.M, k.I, k.R, k.Q), (12, 8, 5, 3, 1, 1))
        self.assertEqual(k.category, "A")
        self.assertAlmostEqual(k.better, 5 / 7, places=15)
        self.assertAlmostEqual(k.worse, -13 / 28, places=15)
        letters = cxm.chain.kano_classify(["like", "must-be", None], ["dislike", "dislike", 3])
        self.assertEqual(list(letters), ["O", "M", None])

    def test_frames_and_ties(self):
        f = pd.DataFrame({"wifi": [1, 1, 2, 3], "lounge": [1, 3, 3, 3]})
        d = pd.DataFrame({"wifi": [2, 5, 5, 3], "lounge": [3, 3, 3, 3]})
        table = cxm.chain.kano(f, d)
        self.assertEqual(table.loc["wifi", "category"], "M")  # A, O, M, I tie: M wins
        self.assertEqual(table.loc["lounge", "category"], "I")
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "not like, must-be"):
            cxm.chain.kano(["love"], ["like"])


class Primitives(unittest.TestCase):
    def test_adaptive_expectations(self):
        e = cxm.chain.adaptive_expectations([8, 8, 6], initial=7, lam=0.3)
        np.testing.assert_allclose(e, [7.3, 7.51, 7.057], rtol=0, atol=1e-13)
        s = cxm.chain.adaptive_expectations(pd.Series([8, 8, 6], index=[3, 4, 5]), 7, 0.3)
        self.assertEqual(list(s.index), [3, 4, 5])

    def test_disconfirmation_and_delight(self):
        d = cxm.chain.disconfirmation([8, 5, 9], [7, 6, 6])
        np.testing.assert_array_equal(d, [1, -1, 3])
        labels = cxm.chain.delight(pd.Series([2, -2, 0.5, -0.5]), [1.5, -1.5, 0, 0])
        self.assertEqual(list(labels), ["delighted", "outraged", "satisfied", "dissatisfied"])
        self.assertTrue(labels.cat.ordered)

    def test_valence(self):
        v = [1, -3, 2, 4, 1]
        self.assertEqual(cxm.chain.valence(v), 1.0)
        self.assertEqual(cxm.chain.valence(v, "peak-end"), 2.5)
        self.assertAlmostEqual(cxm.chain.valence(v, "negativity", parameter=2), 1 / 3)
        np.testing.assert_array_equal(cxm.chain.valence([[1, -3], v], "min"), [-3, -3])
        self.assertEqual(cxm.chain.valence(v, "sum", durations=[1, 2, 1, 1, 1]), 2.0)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "rule must be one of mean, peak-end"):
            cxm.chain.valence(v, "median")


class ValueLink(unittest.TestCase):
    def test_published_case(self):
        v = cxm.chain.value_of_improvement(cxm.chain.RetentionModel(-2, 0.5), 7, 0.5,
                                           margin=100, discount=0.12, customers=10000)
        self.assertAlmostEqual(v.retention, 0.817574, places=6)
        self.assertAlmostEqual(v.clv, 270.3391, places=4)
        self.assertAlmostEqual(v.improved_retention, 0.851953, places=6)
        self.assertAlmostEqual(v.improved_clv, 317.8369, places=4)
        self.assertAlmostEqual(v.gain_per_customer, 47.4977, places=4)
        self.assertAlmostEqual(v.gain, 474977.49, places=1)
        q = cxm.chain.return_on_quality(v.gain, [200000, 112000], discount=0.12)
        self.assertAlmostEqual(q.cost, 300000)
        self.assertAlmostEqual(q.return_on_quality, v.gain / 300000)
        self.assertAlmostEqual(cxm.chain.satisfaction_index([0.3885, 0.3190, 0.2925], [8, 7, 7.5]),
                               72.6083, places=4)

    def test_fit_retention_matches_reference(self):
        # tests/reference/logit_mpmath.py
        x = [2, 3, 3, 4, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 10, 10, 4]
        y = [0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]
        m = cxm.chain.fit_retention(pd.Series(x), np.array(y, dtype=bool))
        self.assertAlmostEqual(m.intercept, -2.778517706143917, places=9)
        self.assertAlmostEqual(m.slope, 0.62528980593745998, places=10)
        self.assertAlmostEqual(m.slope_se, 0.305027611619909, places=10)
        self.assertAlmostEqual(m.predict(7), 1 / (1 + math.exp(-(m.intercept + 7 * m.slope))))
        self.assertEqual(m.predict(np.array([1.0, 2.0])).shape, (2,))
        with self.assertRaisesRegex(cxm.DomainError, "separates the outcomes"):
            cxm.chain.fit_retention([1, 2, 3, 4], [0, 0, 1, 1])


class Example(unittest.TestCase):
    def test_chain_example_runs(self):
        import os
        import subprocess
        import sys
        src = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "..", ".."))
        out = subprocess.run([sys.executable, os.path.join(src, "examples", "chain.py")],
                             check=True, capture_output=True, text=True).stdout
        self.assertIn("NPS 30.0, 95% adjusted-Wald [14.05, 44.20]", out)
        self.assertIn("Emotion Satisfaction", out)
        self.assertRegex(out, r"\+1 point of emotion: [0-9.]+ per customer")


def load_tests(loader, tests, ignore):
    tests.addTests(doctest.DocTestSuite(cxm.chain, globs={"cxm": cxm, "np": np}))
    return tests


if __name__ == "__main__":
    unittest.main()
