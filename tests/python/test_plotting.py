"""cxm.plotting: every plot renders to a PNG file (matplotlib's Agg backend)."""
import math
import os
import tempfile
import unittest

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import cxm  # noqa: E402
import cxm.plotting as cp  # noqa: E402

TOP = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "..", ".."))
CDNOW = os.path.join(TOP, "tests", "data", "cdnow", "CDNOW_sample.txt")
PNG = b"\x89PNG\r\n\x1a\n"


# BG/NBD closed forms (Fader, Hardie & Lee 2005, docs/models.md §1.4), summed here
# term by term: the library computes them otherwise.
def hyp2f1(a, b, c, z):
    term, total, n = 1.0, 1.0, 0
    while abs(term) > 1e-17 * abs(total):
        term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
        total += term
        n += 1
    return total


def bgnbd_expected(t, r, alpha, a, b):
    """E[X(t)] (eq. 9)."""
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r
                                    * hyp2f1(r, b, a + b - 1, t / (alpha + t)))


def bgnbd_probability(x, t, r, alpha, a, b):
    """P(X(t) = x) (eq. 8)."""
    def log_beta(p, q):
        return math.lgamma(p) + math.lgamma(q) - math.lgamma(p + q)

    def nbd(j):
        return math.exp(math.lgamma(r + j) - math.lgamma(r) - math.lgamma(j + 1)
                        + r * math.log(alpha / (alpha + t)) + j * math.log(t / (alpha + t)))
    value = math.exp(log_beta(a, b + x) - log_beta(a, b)) * nbd(x)
    if x > 0:
        value += math.exp(log_beta(a + 1, b + x - 1) - log_beta(a, b)) * (
            1 - sum(nbd(j) for j in range(x)))
    return value


def simpson(f, upper, n=20000):
    """∫0^upper f by Simpson's rule (f smooth on [0, upper])."""
    h = upper / n
    total = f(0.0) + f(upper) + sum((4 if k % 2 else 2) * f(k * h) for k in range(1, n))
    return total * h / 3


class PlottingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        log = pd.read_csv(CDNOW, sep=r"\s+", header=None,
                          names=["master", "id", "date", "cds", "amount"])
        log["date"] = pd.to_datetime(log["date"].astype(str), format="%Y%m%d")
        cls.log = log
        cls.cal = cxm.calibration_and_holdout_data(log, "id", "date", "1997-09-30", "1998-06-30",
                                                   freq="D", freq_multiplier=7)
        cls.bgf = cxm.BetaGeoFitter().fit(cls.cal["frequency_cal"], cls.cal["recency_cal"],
                                          cls.cal["T_cal"])
        cls.world = cxm.simulate(customers=1200, seed=2)
        cls.journeys = cls.world.journeys()

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def save(self, ax, name):
        self.assertIsInstance(ax, matplotlib.axes.Axes)
        path = os.path.join(self.dir.name, name + ".png")
        ax.figure.savefig(path, dpi=60)
        plt.close(ax.figure)
        with open(path, "rb") as f:
            head = f.read(8)
        self.assertEqual(head, PNG)
        self.assertGreater(os.path.getsize(path), 2000)

    def test_probability_alive_matrix(self):
        ax = cp.plot_probability_alive_matrix(self.bgf)
        image = ax.images[0].get_array()
        # Rows recency 0..max T, columns frequency 0..max frequency of the fitted data.
        self.assertEqual(image.shape, (int(self.cal["T_cal"].max()) + 1,
                                       int(self.cal["frequency_cal"].max()) + 1))
        self.assertTrue(np.all((image >= 0) & (image <= 1)))
        self.assertEqual(ax.get_title(), "Probability Customer is Alive,\nby Frequency and "
                         "Recency of a Customer")
        self.assertEqual(ax.get_xlabel(), "Customer's Historical Frequency")
        self.assertEqual(ax.get_ylabel(), "Customer's Recency")
        self.save(ax, "p_alive")

    def test_frequency_recency_matrix(self):
        ax = cp.plot_frequency_recency_matrix(self.bgf, T=52, max_frequency=10, max_recency=39)
        self.assertEqual(ax.images[0].get_array().shape, (40, 11))
        self.assertEqual(ax.get_title(), "Expected Number of Future Purchases for 52 Units of "
                         "Time,\nby Frequency and Recency of a Customer")
        self.save(ax, "frequency_recency")
        ax = cp.plot_frequency_recency_matrix(self.bgf, max_frequency=3, max_recency=5)
        self.assertTrue(ax.get_title().startswith("Expected Number of Future Purchases for 1 "
                                                  "Unit of Time,"))
        plt.close(ax.figure)

    def test_calibration_vs_holdout(self):
        ax = cp.plot_calibration_purchases_vs_holdout_purchases(self.bgf, self.cal, n=7)
        self.assertEqual([line.get_label() for line in ax.lines],
                         ["frequency_holdout", "model_predictions"])
        self.assertEqual(ax.get_title(),
                         "Actual Purchases in Holdout Period vs Predicted Purchases")
        self.assertEqual(ax.get_ylabel(), "Average of Purchases in Holdout Period")
        # Frequencies 0..6: mean holdout purchases of the customers with each.
        actual = self.cal.groupby("frequency_cal")["frequency_holdout"].mean().iloc[:7]
        np.testing.assert_allclose(ax.lines[0].get_xdata(), actual.index)
        np.testing.assert_allclose(ax.lines[0].get_ydata(), actual.to_numpy())
        self.save(ax, "calibration_holdout")
        labels = {"recency_cal": "Age of customer at last purchase",
                  "T_cal": "Age of customer at the end of calibration period",
                  "time_since_last_purchase": "Time since user made last purchase"}
        gap = self.cal["T_cal"] - self.cal["recency_cal"]
        for kind, label in labels.items():
            ax = cp.plot_calibration_purchases_vs_holdout_purchases(self.bgf, self.cal,
                                                                    kind=kind, n=5)
            self.assertEqual(ax.get_xlabel(), label)
            key = gap if kind == "time_since_last_purchase" else self.cal[kind]
            actual = self.cal["frequency_holdout"].groupby(key).mean().iloc[:5]
            np.testing.assert_allclose(ax.lines[0].get_xdata(), actual.index)
            np.testing.assert_allclose(ax.lines[0].get_ydata(), actual.to_numpy())
            self.save(ax, "holdout_" + kind)
        with self.assertRaises(cxm.InvalidArgumentError):
            cp.plot_calibration_purchases_vs_holdout_purchases(self.bgf, self.cal, kind="x")

    def test_tracking(self):
        # 78 weeks of days, a point a week; the model is in weeks.
        ax = cp.plot_cumulative_transactions(self.bgf, self.log, "date", "id", t=546, t_cal=39,
                                             freq="D", freq_multiplier=7)
        actual, predicted = ax.lines[0].get_ydata(), ax.lines[1].get_ydata()
        self.assertEqual([line.get_label() for line in ax.lines[:2]], ["actual", "predicted"])
        self.assertEqual((ax.get_title(), ax.get_xlabel(), ax.get_ylabel()),
                         ("Tracking Cumulative Transactions", "day", "Cumulative Transactions"))
        self.assertEqual(len(actual), 78)
        self.assertTrue(np.all(np.diff(actual) >= 0))
        # Points 39 and 78 end with the calibration (1997-09-30) and the holdout
        # (1998-06-30): all repeat purchases of each, counted by the summary.
        self.assertEqual(actual[38], self.cal["frequency_cal"].sum())  # 2457
        self.assertEqual(actual[77], actual[38] + self.cal["frequency_holdout"].sum())
        # The fitted model tracks the calibration period within 10%.
        self.assertLess(abs(predicted[38] - actual[38]) / actual[38], 0.1)
        self.assertEqual(list(ax.lines[2].get_xdata()), [39, 39])  # the calibration end
        self.save(ax, "tracking")
        ax = cp.plot_incremental_transactions(self.bgf, self.log, "date", "id", t=546, t_cal=39,
                                              freq="D", freq_multiplier=7)
        self.assertEqual((ax.get_title(), ax.get_xlabel(), ax.get_ylabel()),
                         ("Tracking Daily Transactions", "day", "Transactions"))
        weekly = ax.lines[0].get_ydata()
        self.assertEqual(len(weekly), 78)  # the first point has no increment
        np.testing.assert_allclose(np.asarray(weekly[1:], dtype=float), np.diff(actual))
        self.save(ax, "incremental")
        ax = cp.plot_cumulative_transactions(self.bgf, self.log, "date", "id", t=546, t_cal=39,
                                             freq="D", freq_multiplier=7, set_index_date=True)
        self.assertEqual(ax.get_xlabel(), "date")
        self.save(ax, "tracking_dates")

    def test_period_transactions(self):
        ax = cp.plot_period_transactions(self.bgf)
        self.assertEqual((ax.get_title(), ax.get_xlabel(), ax.get_ylabel()),
                         ("Frequency of Repeat Transactions",
                          "Number of Calibration Period Transactions", "Customers"))
        heights = [p.get_height() for p in ax.patches]
        self.assertEqual(len(heights), 14)  # Actual and Model for frequencies 0..6
        counts = self.cal["frequency_cal"].value_counts()
        self.assertEqual(heights[:7], [float(counts.get(k, 0)) for k in range(7)])
        r, alpha, a, b = self.bgf.params_
        for k in range(7):
            expected = sum(bgnbd_probability(k, T, r, alpha, a, b) for T in self.cal["T_cal"])
            self.assertAlmostEqual(heights[7 + k], expected, delta=1e-9 * len(self.cal))
        self.assertEqual([t.get_text() for t in ax.get_legend().get_texts()],
                         ["Actual", "Model"])
        self.save(ax, "period_transactions")

    def test_expected_repeat_purchases(self):
        ax = cp.plot_expected_repeat_purchases(self.bgf, label="BG/NBD")
        self.assertEqual((ax.get_title(), ax.get_xlabel()),
                         ("Expected Number of Repeat Purchases per Customer",
                          "Time Since First Purchase"))
        solid, dashed = ax.lines
        self.assertEqual(solid.get_color(), dashed.get_color())
        self.assertEqual(dashed.get_linestyle(), "--")
        r, alpha, a, b = self.bgf.params_
        max_t = self.cal["T_cal"].max()
        self.assertAlmostEqual(solid.get_xdata()[-1], max_t)
        self.assertAlmostEqual(dashed.get_xdata()[-1], 1.5 * max_t)
        for t, y in list(zip(solid.get_xdata(), solid.get_ydata()))[::9]:
            self.assertAlmostEqual(y, bgnbd_expected(t, r, alpha, a, b), places=10)
        self.save(ax, "expected_repeat_purchases")
        # BG/BB counts whole opportunities: donations over 6 years, then to 9.
        donations = cxm.datasets.load_donations()
        bgbb = cxm.BetaGeoBetaBinomFitter().fit(donations["frequency"], donations["recency"],
                                                donations["periods"],
                                                weights=donations["weights"])
        ax = cp.plot_expected_repeat_purchases(bgbb)
        self.assertEqual(list(ax.lines[0].get_xdata()), [0, 1, 2, 3, 4, 5, 6])
        self.assertEqual(list(ax.lines[1].get_xdata()), [6, 7, 8, 9])
        self.save(ax, "expected_repeat_purchases_bgbb")

    def test_history_alive(self):
        one = self.log[self.log["id"] == 35]
        ax = cp.plot_history_alive(self.bgf, 90, one, "date", freq="W")  # the model is in weeks
        self.assertEqual((ax.get_title(), ax.get_ylabel()), ("History of P_alive", "P_alive"))
        path = ax.lines[0].get_ydata()
        self.assertEqual(len(path), 91)
        self.assertEqual(path[0], 1.0)
        np.testing.assert_allclose(path, cxm.utils.calculate_alive_path(self.bgf, one, "date",
                                                                        90, "W"))
        self.assertEqual(ax.get_ylim(), (0.0, 1.0))
        weeks = one["date"].dt.to_period("W").nunique()
        self.assertEqual(len(ax.collections[0].get_segments()), weeks)
        self.save(ax, "history_alive")

    def test_heterogeneity(self):
        r, alpha, a, b = self.bgf.params_
        ax = cp.plot_transaction_rate_heterogeneity(self.bgf)
        self.assertEqual(ax.figure._suptitle.get_text(), "Heterogeneity in Transaction Rate")
        self.assertEqual((ax.get_xlabel(), ax.get_ylabel()), ("Transaction Rate", "Density"))
        self.assertEqual(ax.get_title(), f"mean: {r / alpha:.3f}, var: {r / alpha ** 2:.3f}")
        x, y = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()
        for xi, yi in zip(x[1:], y[1:]):
            pdf = math.exp(r * math.log(alpha) + (r - 1) * math.log(xi) - alpha * xi
                           - math.lgamma(r))
            self.assertAlmostEqual(yi / pdf, 1.0, places=12)
        # The axis ends at the 99% quantile: ∫0^x[-1] of the density, with u = x^r.
        mass = simpson(lambda u: alpha ** r / math.gamma(r + 1) * math.exp(-alpha * u ** (1 / r)),
                       x[-1] ** r)
        self.assertAlmostEqual(mass, 0.99, places=7)
        self.save(ax, "transaction_rate")

        ax = cp.plot_dropout_rate_heterogeneity(self.bgf)
        self.assertEqual(ax.figure._suptitle.get_text(), "Heterogeneity in Dropout Probability")
        self.assertEqual((ax.get_xlabel(), ax.get_ylabel()), ("Dropout Probability p", "Density"))
        var = a * b / (a + b) ** 2 / (a + b + 1)
        self.assertEqual(ax.get_title(), f"mean: {a / (a + b):.3f}, var: {var:.3f}")
        x, y = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()
        log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
        for xi, yi in zip(x[1:], y[1:]):
            pdf = math.exp((a - 1) * math.log(xi) + (b - 1) * math.log1p(-xi) - log_beta)
            self.assertAlmostEqual(yi / pdf, 1.0, places=12)
        mass = simpson(lambda u: (1 - u ** (1 / a)) ** (b - 1) / (a * math.exp(log_beta)),
                       x[-1] ** a)
        self.assertAlmostEqual(mass, 0.99, places=7)
        self.save(ax, "dropout")
        with self.assertRaises(cxm.ArgumentTypeError):
            cp.plot_dropout_rate_heterogeneity(cxm.GammaGammaFitter().set_params(6, 4, 15))

    def test_bad_arguments(self):
        with self.assertRaises(cxm.StateError):
            cp.plot_period_transactions(cxm.BetaGeoFitter().set_params(0.2, 4, 0.8, 2.4))
        with self.assertRaises(cxm.ArgumentTypeError):
            cp.plot_period_transactions(self.bgf, max_frequency="7")
        with self.assertRaises(cxm.InvalidArgumentError):
            cp.plot_history_alive(self.bgf, 10, self.log, "when")
        with self.assertRaises(cxm.StateError):
            cp.plot_transaction_rate_heterogeneity(cxm.BetaGeoFitter())
        money = cxm.datasets.load_cdnow_summary_data_with_monetary_value()
        money = money[money["frequency"] > 0]
        spend = cxm.GammaGammaFitter().fit(money["frequency"], money["monetary_value"])
        with self.assertRaises(cxm.ArgumentTypeError):
            cp.plot_period_transactions(spend)
        plt.close("all")

    def test_attribution(self):
        markov = self.journeys.markov_attribution()
        ax = cp.plot_attribution(markov)
        self.assertEqual(len(ax.patches), len(markov))
        self.save(ax, "attribution")
        both = markov.merge(self.journeys.paths().heuristic(), on="channel")
        ax = cp.plot_attribution(both, columns=["conversions", "last_touch"])
        self.assertEqual(len(ax.patches), 2 * len(markov))
        self.save(ax, "attribution_vs_last_touch")

    def test_importance_performance(self):
        emap = self.journeys.experience_map()
        ax = cp.plot_importance_performance(emap)
        self.assertEqual(len(ax.texts) - 4, len(emap))  # a label per point, 4 quadrant captions
        self.save(ax, "importance_performance")
        ipa = cxm.journey.importance_performance([4.5, 4.2, 2.5, 2.8], [3.0, 4.4, 2.8, 4.6],
                                                 labels=["T1", "T2", "T3", "T4"])
        self.save(cp.plot_importance_performance(ipa), "ipa")

    def test_gap_and_funnel(self):
        self.save(cp.plot_touchpoint_gap(self.journeys.touchpoint_gap()), "gap")
        ax = cp.plot_funnel(self.journeys.funnel())
        self.assertEqual(len(ax.patches), 3)
        self.save(ax, "funnel")

    def test_given_axes(self):
        fig, axes = plt.subplots(1, 2)
        self.assertIs(cp.plot_funnel(self.journeys.funnel(), ax=axes[0]), axes[0])
        self.assertIs(cp.plot_probability_alive_matrix(self.bgf, ax=axes[1]), axes[1])
        plt.close(fig)


if __name__ == "__main__":
    unittest.main()
