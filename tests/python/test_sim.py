"""cxm.simulate: a simulated world as DataFrames, analysed by the other modules."""
import json
import os
import tempfile
import unittest

import numpy as np
import pandas as pd

import cxm


class SimulateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.world = cxm.simulate(customers=1500, seed=4)

    def test_frames(self):
        w = self.world
        self.assertEqual(list(w.events.columns),
                         ["customer", "timestamp", "touchpoint", "value", "rating", "valence",
                          "segment"])
        self.assertTrue(pd.api.types.is_datetime64_any_dtype(w.events["timestamp"]))
        self.assertEqual(list(w.transactions.columns), ["customer_id", "date", "amount"])
        self.assertIn("recommend", w.survey)
        self.assertIn("rate_checkout", w.survey)
        self.assertEqual(len(w.customers), 1500)
        self.assertEqual(w.customers.attrs["buyers"], w.customers["bought"].sum())
        self.assertEqual(w.customers.attrs["respondents"], len(w.survey))
        self.assertAlmostEqual(w.transactions["amount"].sum(), w.customers["revenue"].sum(),
                               places=6)
        self.assertIn("1500 customers", repr(w))

    def test_same_seed_same_world(self):
        again = cxm.simulate(customers=1500, seed=4)
        pd.testing.assert_frame_equal(self.world.events, again.events)
        other = cxm.simulate(customers=1500, seed=5)
        self.assertFalse(self.world.events["timestamp"].equals(other.events["timestamp"]))

    def test_settings(self):
        s = cxm.sim.default_settings()
        self.assertEqual(s["customers"], 4000)
        self.assertEqual(s["touchpoints"]["checkout"]["quality"], 5.2)
        small = cxm.simulate({"customers": 50, "segments": []}, seed=1)
        self.assertEqual(len(small.customers), 50)
        self.assertEqual(small.settings["customers"], 50)
        with self.assertRaises(cxm.ParseError) as caught:
            cxm.simulate({"decisions": {"explore": {"continue": 2}}})
        self.assertIn("decisions.explore: key 'continue' must be in [0, 1)", str(caught.exception))
        with self.assertRaises(cxm.NotFoundError):
            cxm.simulate(quality={"kiosk": 5})
        with self.assertRaises(cxm.InvalidArgumentError):
            cxm.simulate(settings=3)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "w.json")
            with open(path, "w") as f:
                json.dump({"customers": 30}, f)
            self.assertEqual(len(cxm.simulate(path).customers), 30)
            self.assertEqual(len(cxm.simulate('{"customers": 20}').customers), 20)

    def test_what_if(self):
        better = cxm.simulate(customers=1500, seed=4, quality={"checkout": 7.6})
        a, b = self.world.customers, better.customers
        pd.testing.assert_series_equal(a["expectation"], b["expectation"])
        self.assertGreater(b["satisfaction"].mean(), a["satisfaction"].mean() + 0.2)

    def test_models_on_the_world(self):
        w = self.world
        j = w.journeys()
        funnel = j.funnel()
        self.assertEqual(funnel.iloc[0]["customers"], 1500)
        emap = j.experience_map().set_index("touchpoint")
        self.assertEqual(emap.loc["checkout", "quadrant"], "pain point")
        gap = j.touchpoint_gap().set_index("touchpoint")
        self.assertGreater(gap.loc["checkout", "difference"], 0.8)
        summary = w.summary()
        self.assertEqual(len(summary), w.customers.attrs["buyers"])
        bgf = cxm.BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
        self.assertTrue(np.all(bgf.params_ > 0))
        nps = cxm.chain.nps(w.survey["recommend"])
        self.assertEqual(nps.respondents, len(w.survey))
        fit = cxm.chain.PathModel.preset("chain").fit(w.survey)
        self.assertGreater(fit.r_squared["Satisfaction"], 0.3)

    def test_btyd_recovered_without_the_link(self):
        w = cxm.simulate({"purchases": {"satisfaction_link": 0}}, customers=5000, seed=21)
        s = w.summary()
        bgf = cxm.BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
        truth = w.customers.attrs
        for name in ("r", "alpha", "a", "b"):
            est = bgf.summary.loc[name]
            self.assertLess(abs(est["coef"] - truth[name]), 3 * est["se(coef)"], name)

    def test_write(self):
        with tempfile.TemporaryDirectory() as d:
            target = os.path.join(d, "world")
            self.world.write(target)
            self.assertEqual(sorted(os.listdir(target)),
                             ["customers.csv", "events.csv", "map.json", "settings.json",
                              "survey.csv", "transactions.csv"])
            events = pd.read_csv(os.path.join(target, "events.csv"), parse_dates=["timestamp"])
            self.assertEqual(len(events), len(self.world.events))
            m = cxm.journey.JourneyMap.load(os.path.join(target, "map.json"))
            self.assertEqual(len(m), 9)


if __name__ == "__main__":
    unittest.main()
