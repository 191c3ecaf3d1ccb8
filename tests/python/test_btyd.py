"""The lifetimes-compatible BTYD fitters: CDNOW (docs/models.md §1.4, §1.7), pandas in and out,
errors as cxm exceptions, persistence, simulation and lifetime value."""
import os
import re
import subprocess
import tempfile
import unittest

import numpy as np
import pandas as pd

import cxm

DATA = os.path.join(os.environ.get("top_srcdir", ".."), "tests", "data")


def cdnow():
    return pd.read_csv(os.path.join(DATA, "cdnow_customers_summary_with_transactions.csv"))


class BetaGeo(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = pd.read_csv(os.path.join(DATA, "cdnow_customers_summary.csv"))
        cls.bgf = cxm.BetaGeoFitter().fit(cls.data["frequency"], cls.data["recency"],
                                          cls.data["T"])

    def test_published_estimates(self):
        p = self.bgf.params_
        self.assertEqual(list(p.index), ["r", "alpha", "a", "b"])
        for name, value in (("r", 0.243), ("alpha", 4.414), ("a", 0.793), ("b", 2.426)):
            self.assertAlmostEqual(p[name], value, delta=5e-4)
        self.assertAlmostEqual(self.bgf.log_likelihood_, -9582.4, delta=0.1)
        self.assertAlmostEqual(self.bgf._negative_log_likelihood_, 9582.43 / 2357, delta=1e-4)

    def test_summary_and_standard_errors(self):
        s = self.bgf.summary
        self.assertEqual(list(s.columns),
                         ["coef", "se(coef)", "lower 95% bound", "upper 95% bound"])
        self.assertTrue((s["lower 95% bound"] > 0).all())
        self.assertTrue((s["lower 95% bound"] < s["coef"]).all())
        self.assertTrue((s["coef"] < s["upper 95% bound"]).all())
        se = self.bgf.standard_errors_
        cov = self.bgf.variance_matrix_
        np.testing.assert_allclose(np.sqrt(np.diag(cov.values)), se.values, rtol=1e-12)
        self.assertAlmostEqual(self.bgf.AIC_, 8 + 2 * 9582.4256, delta=1e-3)
        self.assertEqual(self.bgf.fit_report_["reason"], "converged")

    def test_published_predictions(self):
        f = self.bgf
        ey = f.conditional_expected_number_of_purchases_up_to_time(39, 2, 30.43, 38.86)
        self.assertIsInstance(ey, float)
        self.assertAlmostEqual(ey, 1.226, delta=5e-4)
        ex = f.expected_number_of_purchases_up_to_time(np.array([0.1429, 1, 3, 31.8571, 32, 78]))
        np.testing.assert_allclose(ex, [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576], atol=5e-4)
        self.assertEqual(f.predict(39, 2, 30.43, 38.86), ey)

    def test_pandas_in_pandas_out(self):
        d = self.data.set_index("ID")
        alive = self.bgf.conditional_probability_alive(d["frequency"], d["recency"], d["T"])
        self.assertIsInstance(alive, pd.Series)
        self.assertTrue(alive.index.equals(d.index))
        self.assertTrue(((alive >= 0) & (alive <= 1)).all())
        self.assertEqual(alive.loc[3], 1.0)   # no repeat purchase: alive for sure (BG/NBD)
        ey = self.bgf.conditional_expected_number_of_purchases_up_to_time(
            52, d["frequency"].values, d["recency"].values, d["T"].values)
        self.assertIsInstance(ey, np.ndarray)
        self.assertEqual(ey.shape, (2357,))

    def test_alive_matrix(self):
        m = self.bgf.conditional_probability_alive_matrix(max_frequency=10, max_recency=39)
        self.assertEqual(m.shape, (40, 11))
        self.assertTrue(np.all((m >= 0) & (m <= 1)))
        self.assertTrue(np.all(m[:, 0] == 1.0))
        self.assertTrue(np.all(np.diff(m[:, 5]) >= 0))  # more recent: more alive

    def test_probabilities_of_n_purchases(self):
        p = self.bgf.probability_of_n_purchases_up_to_time(39, np.arange(2000))
        self.assertAlmostEqual(p.sum(), 1.0, places=9)
        self.assertAlmostEqual((np.arange(2000) * p).sum(),
                               self.bgf.expected_number_of_purchases_up_to_time(39), places=7)

    def test_conditional_probabilities_of_n_purchases(self):
        # Summed over n they are 1; their mean is E[Y(t) | history] (the hypergeometric
        # ratio of FHL 2005 equation 10, computed otherwise); a new customer's are the
        # unconditional ones. MBG/NBD as well.
        n = np.arange(3000)
        mbg = cxm.ModifiedBetaGeoFitter().set_params(r=0.525, alpha=6.183, a=0.891, b=1.614)
        for m in (self.bgf, mbg):
            for x, t_x, T in ((0, 0, 38.86), (2, 30.43, 38.86), (50, 38.0, 39.0), (3, 1.0, 78)):
                with self.subTest(model=type(m).__name__, history=(x, t_x, T)):
                    p = m.conditional_probability_of_n_purchases_up_to_time(n, 39, x, t_x, T)
                    self.assertTrue(np.all((p >= 0) & (p <= 1)))
                    self.assertAlmostEqual(p.sum(), 1.0, delta=1e-10)
                    ey = m.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, T)
                    self.assertAlmostEqual((n * p).sum(), ey, delta=1e-8 * max(ey, 1.0))
            np.testing.assert_allclose(
                m.conditional_probability_of_n_purchases_up_to_time(n[:20], 39, 0, 0, 0),
                m.probability_of_n_purchases_up_to_time(39, n[:20]), rtol=1e-14)

    def test_dert_tracking_and_holdout(self):
        f = self.bgf
        d = self.data
        dert = f.discounted_expected_residual_transactions(d["frequency"], d["recency"], d["T"],
                                                           np.log(1.15) / 52)
        self.assertTrue((dert > 0).all())
        curve = f.expected_cumulative_transactions(39 - d["T"].values, [13, 26, 39, 78])
        self.assertTrue(np.all(np.diff(curve) > 0))
        self.assertAlmostEqual(curve[2], d["frequency"].sum(), delta=0.05 * d["frequency"].sum())
        table = f.calibration_holdout(d["frequency"], d["recency"], d["T"], 39,
                                      np.minimum(d["frequency"], 3), bins=5)
        self.assertEqual(list(table.index), ["0", "1", "2", "3", "4+"])
        self.assertEqual(table["customers"].sum(), 2357)

    def test_save_and_load(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "bgf.json")
            self.bgf.save_model(path)
            back = cxm.BetaGeoFitter().load_model(path)
            pd.testing.assert_series_equal(back.params_, self.bgf.params_)
            pd.testing.assert_frame_equal(back.summary, self.bgf.summary)
            again = cxm.load_model(path)
            self.assertIsInstance(again, cxm.BetaGeoFitter)
            with self.assertRaises(cxm.InvalidArgumentError):
                cxm.GammaGammaFitter().load_model(path)
            with open(path) as f:
                self.assertIn('"library_version"', f.read())

    def test_weights_match_repeated_rows(self):
        d = self.data
        grouped = d.groupby(["frequency", "recency", "T"]).size().reset_index(name="n")
        w = cxm.BetaGeoFitter().fit(grouped["frequency"], grouped["recency"], grouped["T"],
                                    weights=grouped["n"])
        np.testing.assert_allclose(w.params_.values, self.bgf.params_.values, rtol=1e-8)


class Failures(unittest.TestCase):
    def test_divergence_is_an_exception(self):
        f = cxm.BetaGeoFitter()
        with self.assertRaises(cxm.ConvergenceError) as caught:
            f.fit(np.zeros(40), np.zeros(40), np.arange(10.0, 50.0))
        self.assertIn("fit failed", str(caught.exception))
        self.assertIsInstance(caught.exception, RuntimeError)
        with self.assertRaises(cxm.StateError):
            f.params_

    def test_bad_rows_are_named(self):
        with self.assertRaises(cxm.InvalidArgumentError) as caught:
            cxm.BetaGeoFitter().fit([1, 2], [1, 6], [5, 5])
        self.assertIn("element 1: t_x 6 is greater than T 5", str(caught.exception))
        with self.assertRaises(ValueError):
            cxm.BetaGeoFitter().fit([1, 2], [1, 2], [5, 5, 5])

    def test_unfitted(self):
        with self.assertRaises(cxm.StateError):
            cxm.BetaGeoFitter().conditional_probability_alive(1, 1, 2)


class ModifiedBetaGeo(unittest.TestCase):
    def test_fit_and_alive(self):
        d = cdnow()
        m = cxm.ModifiedBetaGeoFitter().fit(d["x"], d["t_x"], d["T"])
        self.assertLess(m.log_likelihood_, -9500)
        alive = m.conditional_probability_alive(0, 0, 38.86)
        self.assertLess(alive, 1.0)          # MBG: a customer may leave after the first purchase
        self.assertGreater(m.expected_number_of_purchases_up_to_time(39), 0)


class GammaGamma(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = cdnow()
        repeat = cls.d[cls.d["x"] > 0]
        cls.ggf = cxm.GammaGammaFitter().fit(repeat["x"], repeat["zbar"])

    def test_published_estimates(self):
        p = self.ggf.params_
        self.assertEqual(list(p.index), ["p", "q", "v"])
        self.assertAlmostEqual(p["p"], 6.2488, delta=1e-4)
        self.assertAlmostEqual(p["q"], 3.7446, delta=1e-4)
        self.assertAlmostEqual(p["v"], 15.4477, delta=1e-4)

    def test_expected_profit(self):
        em = self.ggf.conditional_expected_average_profit(self.d["x"], self.d["zbar"])
        np.testing.assert_allclose(em.values[:10], [24.65, 18.91, 35.17, 35.17, 35.17, 71.46,
                                                    18.91, 35.17, 27.28, 35.17], atol=0.01)
        self.assertAlmostEqual(self.ggf.population_mean_spend(), em[2], places=10)

    def test_q_below_one_is_an_error(self):
        g = cxm.GammaGammaFitter().set_params(p=2.0, q=0.8, v=10.0)
        with self.assertRaises(cxm.DomainError):
            g.conditional_expected_average_profit(0, 0)
        with self.assertRaises(ArithmeticError):
            g.population_mean_spend()
        self.assertGreater(g.conditional_expected_average_profit(3, 20.0), 0)

    def test_lifetime_value(self):
        d = cdnow()
        bgf = cxm.BetaGeoFitter().fit(d["x"], d["t_x"], d["T"])
        monthly = self.ggf.customer_lifetime_value(bgf, d["x"], d["t_x"], d["T"], d["zbar"],
                                                   time=12, discount_rate=0.01,
                                                   period=52 / 12)
        self.assertEqual(monthly.shape, (2357,))
        self.assertTrue((monthly > 0).all())
        # The same by hand for the first customer.
        em = self.ggf.conditional_expected_average_profit(2, 22.35)
        previous, value = 0.0, 0.0
        for i in range(1, 13):
            ey = bgf.conditional_expected_number_of_purchases_up_to_time(i * 52 / 12, 2, 30.43, 38.86)
            value += em * (ey - previous) / 1.01 ** i
            previous = ey
        self.assertAlmostEqual(monthly.iloc[0], value, places=9)
        # freq='W' means months of 365.2425/12/7 weeks, not a hard-coded 30 days.
        weekly = self.ggf.customer_lifetime_value(bgf, d["x"], d["t_x"], d["T"], d["zbar"],
                                                  freq="W")
        self.assertNotAlmostEqual(weekly.iloc[0], monthly.iloc[0], places=3)
        with self.assertRaises(cxm.InvalidArgumentError):
            self.ggf.customer_lifetime_value(bgf, 1, 1, 2, 10, freq="fortnight")


class Simulation(unittest.TestCase):
    def test_reproducible_and_recoverable(self):
        truth = cxm.BetaGeoFitter().set_params(r=0.25, alpha=4.4, a=0.8, b=2.4)
        T = np.linspace(1, 52, 20000)
        one = truth.generate_new_data(T, seed=7)
        two = truth.generate_new_data(T, seed=7)
        pd.testing.assert_frame_equal(one, two)
        customers, log = truth.generate_new_data(T[:100], seed=7, transactions=True)
        self.assertEqual(len(log), customers["frequency"].sum())
        fit = cxm.BetaGeoFitter().fit(one["frequency"], one["recency"], one["T"])
        z = (fit.params_ - truth.params_).abs() / fit.standard_errors_
        self.assertTrue((z < 4).all(), z)


class DemoAgrees(unittest.TestCase):
    """cxm demo's value of the next 12 months is the API's: same customers, same month
    (cxm.core.DAYS_PER_MONTH / 7 weeks with freq="W"), same discount."""

    def test_cohort_and_top_customer_values(self):
        program = os.environ.get("CXM")
        if not program:
            self.skipTest("CXM (the built cxm program) is not set")
        self.assertAlmostEqual(cxm.core.DAYS_PER_MONTH, 365.2425 / 12, places=12)
        data = os.path.join(os.environ.get("top_srcdir", ".."), "data")
        log = pd.read_csv(os.path.join(data, "cdnow", "CDNOW_sample.txt"), sep=r"\s+",
                          header=None, names=["master", "customer", "date", "cds", "dollars"],
                          dtype={"customer": str, "date": str})
        s = cxm.calibration_and_holdout_data(
            log, "customer", "date", calibration_period_end="1997-09-30",
            observation_period_end="1998-06-30", freq="D", freq_multiplier=7,
            datetime_format="%Y%m%d", monetary_value_col="dollars")
        bgf = cxm.BetaGeoFitter().fit(s["frequency_cal"], s["recency_cal"], s["T_cal"])
        repeat = s[s["frequency_cal"] > 0]
        ggf = cxm.GammaGammaFitter().fit(repeat["frequency_cal"], repeat["monetary_value_cal"])
        value = ggf.customer_lifetime_value(bgf, s["frequency_cal"], s["recency_cal"],
                                            s["T_cal"], s["monetary_value_cal"], time=12,
                                            discount_rate=0.01, freq="W")
        done = subprocess.run([program, "demo", "--quiet", "--bootstrap", "0",
                               "--cdnow", os.path.join(data, "cdnow", "CDNOW_sample.txt")],
                              capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stderr)
        cohort = re.search(r"next 12 months: \$([0-9,]+) for the cohort", done.stdout)
        self.assertIsNotNone(cohort, done.stdout)
        self.assertEqual(int(cohort.group(1).replace(",", "")), round(value.sum()))
        # The first row of the top customers: its id and value (whole dollars).
        top = value.sort_values(ascending=False)
        row = re.search(r"^ +%s +.* \$([0-9,]+)$" % re.escape(top.index[0]), done.stdout, re.M)
        self.assertIsNotNone(row, done.stdout)
        self.assertEqual(int(row.group(1).replace(",", "")), round(top.iloc[0]))


if __name__ == "__main__":
    unittest.main()
