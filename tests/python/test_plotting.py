"""cxm.plotting: every plot renders to a PNG file (matplotlib's Agg backend)."""
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
        self.save(ax, "p_alive")

    def test_frequency_recency_matrix(self):
        ax = cp.plot_frequency_recency_matrix(self.bgf, T=52, max_frequency=10, max_recency=39)
        self.assertEqual(ax.images[0].get_array().shape, (40, 11))
        self.save(ax, "frequency_recency")

    def test_calibration_vs_holdout(self):
        ax = cp.plot_calibration_purchases_vs_holdout_purchases(self.bgf, self.cal, n=7)
        actual = ax.lines[0].get_ydata()
        self.assertEqual(len(actual), 7)
        self.save(ax, "calibration_holdout")
        with self.assertRaises(cxm.InvalidArgumentError):
            cp.plot_calibration_purchases_vs_holdout_purchases(self.bgf, self.cal, kind="recency_cal")

    def test_tracking(self):
        ax = cp.plot_cumulative_transactions(self.bgf, self.log, "date", "id", t=78, t_cal=39,
                                             freq="D", freq_multiplier=7)
        actual, predicted = ax.lines[0].get_ydata(), ax.lines[1].get_ydata()
        self.assertEqual(len(actual), 78)
        self.assertTrue(np.all(np.diff(actual) >= 0))
        # The fitted model tracks the calibration period within 10%.
        self.assertLess(abs(predicted[38] - actual[38]) / actual[38], 0.1)
        self.save(ax, "tracking")
        ax = cp.plot_incremental_transactions(self.bgf, self.log, "date", "id", t=78, t_cal=39,
                                              freq="D", freq_multiplier=7)
        self.save(ax, "incremental")

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
