"""The journey model from Python: every exact value of docs/models.md §2.2-§2.6,
ChannelAttribution's heuristics on its GPL PathData set (read from
../shared/data when present), DataFrames out."""
import os
import sys
import unittest
from fractions import Fraction as F

import numpy as np
import pandas as pd

import cxm
import cxm.journey as cj

TOP = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLES = os.path.join(TOP, "examples", "journey")
# ChannelAttribution's PathData: a GPL data set, never shipped; read from
# ../shared/data beside the source tree (or $CXM_PATHDATA) when present.
PATHDATA = os.environ.get("CXM_PATHDATA") or os.path.join(TOP, "..", "shared", "data", "paths",
                                                           "PathData.csv")
PATHDATA_ABSENT = (f"GPL data set not shipped: {PATHDATA} is not here "
                   "(set CXM_PATHDATA to ChannelAttribution's PathData.csv to run the check)")
if not os.path.exists(PATHDATA):
    print(f"test_journey: SKIP the PathData checks: {PATHDATA_ABSENT}", file=sys.stderr)

PATHS = ["A > B", "B", "A > C", "C > B > C", "A > A > C"]
CONV = [3, 1, 2, 1, 1]
NULLS = [2, 4, 1, 1, 1]


def by_channel(frame, column):
    return dict(zip(frame["channel"], frame[column]))


class Attribution(unittest.TestCase):
    def assertExact(self, got, expected, places=12):
        self.assertAlmostEqual(float(got), float(expected), places=places)

    def test_order_1(self):
        frame = cj.markov_attribution(PATHS, CONV, nulls=NULLS)
        self.assertEqual(list(frame.columns),
                         ["channel", "removal_effect", "conversions", "value_removal_effect", "value"])
        re, conv = by_channel(frame, "removal_effect"), by_channel(frame, "conversions")
        self.assertExact(frame.attrs["conversion_probability"], F(8, 17))
        self.assertExact(re["A"], F(125, 208))
        self.assertExact(re["B"], F(11, 18))
        self.assertExact(re["C"], F(7, 12))
        self.assertExact(conv["A"], F(9000, 3361))
        self.assertExact(conv["B"], F(9152, 3361))
        self.assertExact(conv["C"], F(8736, 3361))
        self.assertEqual(frame.attrs["self_loop_weight"], 2)

    def test_order_2_and_no_nulls(self):
        frame = cj.markov_attribution(PATHS, CONV, nulls=NULLS, order=2)
        re, conv = by_channel(frame, "removal_effect"), by_channel(frame, "conversions")
        for channel, value in (("A", F(3, 4)), ("B", F(5, 8)), ("C", F(1, 2))):
            self.assertExact(re[channel], value)
        for channel, value in (("A", F(16, 5)), ("B", F(8, 3)), ("C", F(32, 15))):
            self.assertExact(conv[channel], value)
        conv = by_channel(cj.markov_attribution(PATHS, CONV), "conversions")
        for channel, value in (("A", F(40, 13)), ("B", F(32, 13)), ("C", F(32, 13))):
            self.assertExact(conv[channel], value)

    def test_three_paths(self):
        frame = cj.markov_attribution(["C1 > C2 > C3", "C1", "C2 > C3"], [1, 0, 0], nulls=[0, 1, 1])
        np.testing.assert_allclose(frame["removal_effect"], [0.5, 1, 1], atol=1e-14)
        np.testing.assert_allclose(frame["conversions"], [0.2, 0.4, 0.4], atol=1e-14)

    def test_self_loops_change_nothing_but_the_matrix(self):
        kept = cj.markov_attribution(PATHS, CONV, nulls=NULLS, self_loops=True)
        base = cj.markov_attribution(PATHS, CONV, nulls=NULLS)
        np.testing.assert_allclose(kept["removal_effect"], base["removal_effect"], atol=1e-14)
        wide = cj.transition_matrix(PATHS, CONV, nulls=NULLS, self_loops=True, wide=True)
        self.assertExact(wide.loc["A", "A"], F(2, 12))
        self.assertExact(wide.loc["(start)", "A"], F(10, 17))
        long = cj.transition_matrix(PATHS, CONV, nulls=NULLS)
        self.assertFalse(((long["from"] == long["to"])).any())

    def test_heuristics_and_shapley(self):
        frame = cj.heuristic_attribution(PATHS, CONV)
        get = lambda column: by_channel(frame, column)
        self.assertEqual(get("first_touch"), {"A": 6, "B": 1, "C": 1})
        self.assertEqual(get("last_touch"), {"A": 0, "B": 4, "C": 4})
        for channel, value in (("A", F(19, 6)), ("B", F(17, 6)), ("C", 2)):
            self.assertExact(get("linear")[channel], value)
        for channel, value in (("A", F(31, 10)), ("B", F(27, 10)), ("C", F(11, 5))):
            self.assertExact(get("position_based")[channel], value)
        shapley = by_channel(cj.shapley_attribution(PATHS, CONV), "shapley")
        self.assertEqual(shapley, {"A": 3, "B": 3, "C": 2})

    def test_time_decay(self):
        frame = cj.heuristic_attribution([["x", "y", "z"]], [1], ages=[[14, 7, 0]], half_life=7)
        np.testing.assert_allclose(frame["time_decay"], [1 / 7, 2 / 7, 4 / 7], atol=1e-15)

    def test_value(self):
        values = [30, 10, 20, 10, 10]
        frame = cj.markov_attribution(PATHS, CONV, nulls=NULLS, values=values)
        self.assertExact(frame.attrs["expected_value"], F(80, 17))
        self.assertExact(by_channel(frame, "value")["A"], F(90000, 3361))

    def test_paths_file(self):
        paths = cj.read_paths(os.path.join(EXAMPLES, "paths.csv"))
        self.assertEqual(len(paths), 5)
        self.assertEqual(paths.channels, 3)
        frame = cj.markov_attribution(paths)
        self.assertExact(by_channel(frame, "removal_effect")["A"], F(125, 208))

    def test_errors(self):
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "path 1: touch 2 of 'A > > B' is empty"):
            cj.markov_attribution(["A", "A > > B"], [1, 1])
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "order 7 is outside 1..4"):
            cj.markov_attribution(PATHS, CONV, order=7)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "conversions has 2 elements"):
            cj.markov_attribution(PATHS, [1, 2])
        with self.assertRaises(cxm.DomainError):
            cj.markov_attribution(["A"], [0], nulls=[1])
        with self.assertRaises(cxm.FileError):
            cj.read_paths("/nonexistent/paths.csv")
        with self.assertRaises(TypeError):
            cj.markov_attribution([1, 2], [1, 1])

    @unittest.skipUnless(os.path.exists(PATHDATA), PATHDATA_ABSENT)
    def test_pathdata(self):
        paths = cj.read_paths(PATHDATA)
        heuristics = cj.heuristic_attribution(paths).set_index("channel")
        self.assertEqual(heuristics.loc["alpha", "first_touch"], 6308)
        self.assertEqual(heuristics.loc["alpha", "last_touch"], 8447)
        self.assertAlmostEqual(heuristics.loc["alpha", "linear"], 7574.718594, places=6)
        self.assertEqual(heuristics.loc["iota", "first_touch"], 4606)
        self.assertEqual(heuristics.loc["iota", "last_touch"], 3355)
        self.assertAlmostEqual(heuristics.loc["iota", "linear"], 3857.096221, places=6)
        markov = cj.markov_attribution(paths)
        attrs = markov.attrs
        self.assertAlmostEqual(attrs["conversion_probability"],
                               attrs["total_conversions"] / attrs["paths"], places=14)
        self.assertAlmostEqual(markov["conversions"].sum(), attrs["total_conversions"], places=6)
        # the same through pandas, as a data scientist would
        data = pd.read_csv(PATHDATA, sep=";")
        again = cj.markov_attribution(data["path"], data["total_conversions"],
                                      nulls=data["total_null"], values=data["total_conversion_value"])
        np.testing.assert_allclose(again["removal_effect"], markov["removal_effect"], atol=1e-14)


class ClosedForms(unittest.TestCase):
    def test_decision_chain(self):
        chain = cj.decision_chain([[F(1, 5), F(2, 5), 0, F(2, 5)], [0, F(3, 10), F(1, 5), F(1, 2)]])
        self.assertAlmostEqual(chain.loc["EXPLORE", "n_explore"], 5 / 4, places=14)
        self.assertAlmostEqual(chain.loc["EXPLORE", "n_buy"], 5 / 7, places=14)
        self.assertAlmostEqual(chain.loc["BUY", "n_buy"], 10 / 7, places=14)
        self.assertEqual(chain.loc["BUY", "n_explore"], 0)
        self.assertAlmostEqual(chain.loc["EXPLORE", "promote"], 1 / 7, places=14)
        self.assertAlmostEqual(chain.loc["EXPLORE", "leave"], 6 / 7, places=14)
        self.assertAlmostEqual(chain.loc["EXPLORE", "steps"], 55 / 28, places=14)
        self.assertAlmostEqual(chain.loc["BUY", "promote"], 2 / 7, places=14)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "2x4"):
            cj.decision_chain([1, 2, 3])

    def test_importance_performance(self):
        ipa = cj.importance_performance(pd.Series([4.5, 4.2, 2.5, 2.8], index=["T1", "T2", "T3", "T4"]),
                                        [3.0, 4.4, 2.8, 4.6])
        self.assertEqual(list(ipa["quadrant"]),
                         ["pain point", "bright spot", "low priority", "possible overkill"])
        self.assertEqual(list(ipa["label"]), ["T1", "T2", "T3", "T4"])
        self.assertAlmostEqual(ipa.attrs["importance_mean"], 3.5, places=14)
        self.assertAlmostEqual(ipa.attrs["performance_mean"], 3.7, places=14)


class JourneyModel(unittest.TestCase):
    def setUp(self):
        self.map = cj.JourneyMap.load(os.path.join(EXAMPLES, "map.json"))
        self.events = pd.read_csv(os.path.join(EXAMPLES, "events.csv"), parse_dates=["timestamp"])
        self.journeys = cj.Journeys(self.map, self.events, segment="segment")

    def test_map(self):
        tps = self.map.touchpoints
        self.assertEqual(list(tps["id"]), ["ad", "site", "store", "review"])
        self.assertEqual(tps.loc[2, "employee_mean"], 4.6)
        built = cj.JourneyMap([{"id": "a", "decision": "explore", "rung": "KNOW", "importance": 3},
                               {"id": "b", "decision": "BUY", "rung": "DO"}], rating_scale=(1, 5))
        self.assertEqual(len(built), 2)
        self.assertEqual(list(built.touchpoints["decision"]), ["EXPLORE", "BUY"])
        with self.assertRaisesRegex(cxm.ParseError, "key 'rung' must be one of"):
            cj.JourneyMap.parse('{"touchpoints": [{"id": "a", "decision": "BUY", "rung": "BUY"}]}')
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "decision must be one of"):
            built.add_touchpoint("c", "LEAVE", "DO")

    def test_same_journeys_from_csv_and_pandas(self):
        read = cj.Journeys.read_csv(self.map, os.path.join(EXAMPLES, "events.csv"), segment="segment")
        a, b = read.customers(), self.journeys.customers()
        pd.testing.assert_frame_equal(a, b)
        self.assertEqual(len(read), 9)

    def test_customers(self):
        c = self.journeys.customers().set_index("customer")
        self.assertEqual(c.loc["c1", "journey"], "ad > site > store > store > store > review")
        self.assertEqual(c.loc["c1", "furthest_decision"], "PROMOTE")
        self.assertEqual(c.loc["c1", "highest_rung"], "CREATE")
        self.assertEqual(c.loc["c1", "time_to_buy"], 2)
        self.assertEqual(c.loc["c1", "remembered"], 5)
        self.assertEqual(c.loc["c1", "valence_peak_end"], 2.5)  # docs/models.md §2.5

    def test_remembered_models(self):
        # docs/models.md §2.5 through journeys (no rating scale: ratings as they are)
        m = cj.JourneyMap([{"id": "visit", "decision": "EXPLORE", "rung": "KNOW"}])
        pain = [2, 4, 6, 7, 8, 8, 7.5, 7, 6.5]
        events = pd.DataFrame({"customer": ["short"] * 6 + ["long"] * 9,
                               "timestamp": list(range(6)) + list(range(9)),
                               "touchpoint": "visit", "rating": pain[:6] + pain})
        c = cj.Journeys(m, events).customers().set_index("customer")
        self.assertEqual(c.loc["short", "remembered"], 8)
        self.assertEqual(c.loc["long", "remembered"], 7.25)

    def test_funnel(self):
        f = self.journeys.funnel()
        overall = f[f["segment"] == "(all)"].set_index("decision")
        self.assertEqual(list(overall["customers"]), [9, 7, 2])
        self.assertAlmostEqual(overall.loc["BUY", "rate"], 7 / 9, places=14)
        self.assertAlmostEqual(overall.loc["BUY", "rate_lower"], 0.4525889691069889, places=12)
        self.assertEqual(overall.loc["EXPLORE", "next_q75"], 1)
        same = cj.funnel(self.events, self.map, segment="segment")
        pd.testing.assert_frame_equal(same, f)

    def test_decision_chain(self):
        chain = self.journeys.decision_chain()
        self.assertAlmostEqual(chain.loc["EXPLORE", "steps"], 55 / 28, places=14)
        self.assertAlmostEqual(chain.loc["BUY", "promote"], 2 / 7, places=14)
        self.assertEqual(chain.loc["BUY", "count_leave"], 5)

    def test_gaps(self):
        gap = self.journeys.touchpoint_gap().set_index("touchpoint")
        self.assertAlmostEqual(gap.loc["store", "t"], 2.597626522693719, places=10)
        self.assertAlmostEqual(gap.loc["store", "p_value"], 0.03230787353574114, places=9)
        remembered = self.journeys.remembered_gap()
        self.assertEqual(remembered.attrs["share_below_all"], 0.5)
        self.assertEqual(len(remembered), 4)

    def test_experience_map_and_ladder(self):
        xm = self.journeys.experience_map().set_index("touchpoint")
        self.assertEqual(xm.loc["ad", "quadrant"], "pain point")
        self.assertEqual(xm.loc["store", "traffic"], 7)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "importance must be one of"):
            self.journeys.experience_map("felt")
        ladder = self.journeys.ladder()
        self.assertEqual(list(ladder.index), ["KNOW", "DO", "SUGGEST", "CREATE"])
        self.assertEqual(list(ladder["reached"]), [3, 2, 7, 2])
        self.assertAlmostEqual(ladder.loc["KNOW", "promote_rate"], 2 / 3, places=14)

    def test_attribution_of_journeys(self):
        frame = self.journeys.markov_attribution()
        self.assertAlmostEqual(frame.attrs["conversion_probability"], 7 / 9, places=14)
        self.assertIn("(direct)", list(frame["channel"]))
        paths = self.journeys.paths(by_channel=True)
        shapley = by_channel(paths.shapley(), "shapley")
        self.assertEqual(shapley["display"], 1.5)

    def test_bad_events(self):
        events = self.events.copy()
        events.loc[3, "touchpoint"] = "chekout"
        with self.assertRaisesRegex(cxm.NotFoundError, "event 3: touchpoint 'chekout' is not in the journey map"):
            cj.Journeys(self.map, events)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "no column 'when'"):
            cj.Journeys(self.map, self.events, time="when")


if __name__ == "__main__":
    unittest.main()
