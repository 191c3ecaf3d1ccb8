"""Hostile input (issue 14): every public entry point refuses None, NaN, infinities, empty
and mismatched arrays, text, complex and object values, negative and fractional counts
with a cxm.Error whose message names the argument (lifetimes' names), never a bare
TypeError, ValueError, OverflowError, AttributeError or OSError, a hang or a silent NaN."""
import json
import os
import re
import tempfile
import unittest

import numpy as np
import pandas as pd

import cxm
import cxm.chain as cc
import cxm.journey as cj

NAN, INF = float("nan"), float("inf")

# Values that are not real numbers, each with the class it must raise.
NOT_NUMBERS = [(None, cxm.ArgumentTypeError), ("abc", cxm.ArgumentTypeError),
               (1 + 2j, cxm.ArgumentTypeError), (np.array([1 + 0j, 2]), cxm.ArgumentTypeError),
               (np.array(["1", "2"]), cxm.ArgumentTypeError),
               (np.array([1.0, "x"], dtype=object), cxm.ArgumentTypeError),
               ([object()], cxm.ArgumentTypeError)]
NOT_FINITE = [NAN, INF, -INF, [1.0, NAN], np.array([1.0, -INF])]
NOT_COUNTS = [-1, 1.5, [1, -2], [0.5, 1]]


class Hostile(unittest.TestCase):
    """assert_refuses(call, name): call() raises a cxm.Error (of cls) naming ``name``."""

    def assert_refuses(self, call, name, cls=cxm.Error, what=""):
        try:
            result = call()
        except cxm.Error as error:
            self.assertIsInstance(error, cls, f"{what}: {type(error).__name__}: {error}")
            message = str(error)
            self.assertTrue(message, what)
            self.assertRegex(message, rf"(^|[^\w]){re.escape(name)}([^\w]|$)",
                             f"{what}: the message does not name {name!r}")
            return error
        except Exception as error:  # pragma: no cover - the failure this suite is for
            self.fail(f"{what}: {type(error).__name__} is not a cxm.Error: {error}")
        self.fail(f"{what}: accepted, returned {result!r:.200}")

    def refuses_bad_numbers(self, make_call, name, counts=False, finite=True, none_ok=False,
                            element=False):
        """make_call(value) with every non-number (and non-finite value, and non-count);
        ``none_ok``: None means a default; ``element``: value is one element of the argument,
        where None is a missing value."""
        for value, cls in NOT_NUMBERS[1:] if none_ok else NOT_NUMBERS:
            if element and value is None:
                cls = cxm.InvalidArgumentError
            error = self.assert_refuses(lambda: make_call(value), name, cls, f"{name}={value!r}")
            self.assertIsInstance(error, cls)
        for value in NOT_FINITE if finite else ():
            self.assert_refuses(lambda: make_call(value), name, cxm.InvalidArgumentError,
                                f"{name}={value!r}")
        for value in NOT_COUNTS if counts else ():
            self.assert_refuses(lambda: make_call(value), name, cxm.InvalidArgumentError,
                                f"{name}={value!r}")

    def refuses_bad_counts(self, make_call, name, none_ok=False):
        """Scalar whole-number arguments: None (unless it means a default), text, NaN, 1.5,
        -1."""
        for value in (() if none_ok else (None,)) + ("3", 1 + 0j, [1, 2]):
            self.assert_refuses(lambda: make_call(value), name, cxm.Error, f"{name}={value!r}")
        for value in (NAN, INF, 1.5, -1):
            self.assert_refuses(lambda: make_call(value), name, cxm.InvalidArgumentError,
                                f"{name}={value!r}")


CDNOW = dict(frequency=np.array([2.0, 1, 0, 0, 1, 7, 1, 0, 2, 0, 5, 0]),
             recency=np.array([30.4, 1.7, 0, 0, 20, 29.9, 5.3, 0, 25, 0, 33, 0]),
             T=np.array([38.9, 38.9, 38.9, 38.9, 38.8, 38.7, 38.6, 38.6, 38.5, 38.4, 38.3, 38.3]))


def given_bgf():
    return cxm.BetaGeoFitter().set_params(r=0.24, alpha=4.41, a=0.79, b=2.43)


class ClosedForms(Hostile):
    def test_clv(self):
        self.refuses_bad_numbers(lambda v: cxm.clv(v, 0.8, 0.1), "margin")
        self.refuses_bad_numbers(lambda v: cxm.clv(100, v, 0.1), "retention")
        self.refuses_bad_numbers(lambda v: cxm.clv([100, 90], [0.8, 0.7], v), "discount")
        self.assert_refuses(lambda: cxm.clv([100, 90, 80], [0.8, 0.7], 0.1), "retention")
        self.refuses_bad_counts(lambda v: cxm.clv(100, 0.8, 0.1, horizon=v), "horizon",
                                none_ok=True)

    def test_elasticity_schedule_equity(self):
        self.refuses_bad_numbers(lambda v: cxm.clv_elasticity(v, 0.1), "retention")
        self.refuses_bad_numbers(lambda v: cxm.clv_schedule([10, 20], [0.5, 0.5], v), "discount")
        self.refuses_bad_numbers(lambda v: cxm.clv_schedule(v, [0.5, 0.5], 0.1), "margins")
        self.assert_refuses(lambda: cxm.clv_schedule([10, 20], [0.5], 0.1), "retentions")
        self.assert_refuses(lambda: cxm.clv_schedule([], [], 0.1), "margins")
        self.refuses_bad_numbers(lambda v: cxm.customer_equity(v, [250]), "sizes")
        self.refuses_bad_numbers(lambda v: cxm.customer_equity([10], [250], discount=v),
                                 "discount")
        self.assert_refuses(lambda: cxm.customer_equity([10, 20], [250]), "clvs")
        self.assert_refuses(lambda: cxm.customer_equity([10, 20], [250, 1], [1, 2, 3]),
                            "acquisition_costs")


class Fitters(Hostile):
    def test_fit_arguments_are_named(self):
        f, r, t = CDNOW["frequency"], CDNOW["recency"], CDNOW["T"]
        for cls in (cxm.BetaGeoFitter, cxm.ModifiedBetaGeoFitter, cxm.ParetoNBDFitter):
            self.refuses_bad_numbers(lambda v: cls().fit(v, r, t), "frequency", counts=True)
            self.refuses_bad_numbers(lambda v: cls().fit(f, v, t), "recency")
            self.refuses_bad_numbers(lambda v: cls().fit(f, r, v), "T")
            self.refuses_bad_numbers(lambda v: cls().fit(f, r, t, weights=v), "weights",
                                     none_ok=True)
            self.assert_refuses(lambda: cls().fit(f, r[:-1], t), "recency")
            self.assert_refuses(lambda: cls().fit(f, r, t, weights=[1, 2]), "weights")
            self.assert_refuses(lambda: cls().fit([], [], []), "frequency")
            self.assert_refuses(lambda: cls(penalizer_coef=-1).fit(f, r, t), "penalizer_coef")
            self.assert_refuses(lambda: cls(penalizer_coef=None).fit(f, r, t), "penalizer_coef")
            self.refuses_bad_counts(lambda v: cls().fit(f, r, t, max_iterations=v),
                                    "max_iterations", none_ok=True)
            self.refuses_bad_counts(lambda v: cls().fit(f, r, t, threads=v), "threads",
                                    none_ok=True)
            self.assert_refuses(lambda: cls().fit(f, r, t, tol=NAN), "tol")
            self.assert_refuses(lambda: cls().fit(f, r, t, initial_params=[1, NAN, 1, 1]),
                                "initial_params")

    def test_frequency_none_names_frequency(self):
        error = self.assert_refuses(lambda: cxm.BetaGeoFitter().fit(None, [1], [2]), "frequency",
                                    cxm.ArgumentTypeError)
        self.assertEqual(str(error), "frequency must be numbers, got None")

    def test_complex_input_is_refused(self):
        # Used to be cast to real with a ComplexWarning and fitted.
        error = self.assert_refuses(
            lambda: cxm.BetaGeoFitter().fit(np.array([1 + 1j]), [1], [2]), "frequency",
            cxm.ArgumentTypeError)
        self.assertIsInstance(error, TypeError)

    def test_predictions(self):
        bgf = given_bgf()
        self.refuses_bad_numbers(lambda v: bgf.conditional_probability_alive(v, 1, 2),
                                 "frequency", counts=True)
        self.refuses_bad_numbers(lambda v: bgf.conditional_probability_alive(1, v, 2), "recency")
        self.refuses_bad_numbers(lambda v: bgf.conditional_probability_alive(1, 1, v), "T")
        self.refuses_bad_numbers(
            lambda v: bgf.conditional_expected_number_of_purchases_up_to_time(v, 1, 1, 2), "t")
        self.refuses_bad_numbers(lambda v: bgf.expected_number_of_purchases_up_to_time(v), "t")
        self.refuses_bad_numbers(lambda v: bgf.probability_of_n_purchases_up_to_time(5, v), "n",
                                 counts=True)
        self.refuses_bad_numbers(
            lambda v: bgf.discounted_expected_residual_transactions(1, 1, 2, v), "discount_rate")
        self.assert_refuses(lambda: bgf.conditional_probability_alive([1, 2], [1, 1, 1], 3),
                            "recency")
        self.refuses_bad_numbers(lambda v: bgf.expected_cumulative_transactions([0, 1], v),
                                 "times")
        self.refuses_bad_numbers(lambda v: bgf.expected_cumulative_transactions(v, [1, 2]),
                                 "first_purchase")
        self.refuses_bad_numbers(lambda v: bgf.log_likelihood_of(v, [1], [2]), "frequency")

    def test_simulation_arguments(self):
        bgf = given_bgf()
        self.refuses_bad_counts(lambda v: bgf.generate_new_data([10, 20], seed=v), "seed",
                                none_ok=True)
        self.refuses_bad_counts(lambda v: bgf.generate_new_data(10, size=v, seed=1), "size",
                                none_ok=True)
        self.refuses_bad_numbers(lambda v: bgf.generate_new_data(v, seed=1), "T")
        # A negative seed raised SWIG's OverflowError.
        error = self.assert_refuses(lambda: bgf.generate_new_data([1, 2], seed=-1), "seed",
                                    cxm.InvalidArgumentError)
        self.assertNotIsInstance(error, OverflowError)
        self.refuses_bad_counts(
            lambda v: bgf.calibration_holdout([1], [1], [2], [1], [1], bins=v), "bins")
        self.assert_refuses(lambda: bgf.calibration_holdout([1], [1], [2], [1], [1], bins=0),
                            "bins")

    def test_before_fitting(self):
        for cls in (cxm.BetaGeoFitter, cxm.ParetoNBDFitter, cxm.BetaGeoBetaBinomFitter,
                    cxm.GammaGammaFitter, cxm.ShiftedBetaGeometric):
            fitter = cls()
            for what in ("params_", "summary", "standard_errors_", "variance_matrix_",
                         "log_likelihood_", "AIC_", "BIC_", "confidence_intervals_"):
                error = self.assert_refuses(lambda: getattr(fitter, what), "fit", cxm.StateError,
                                            f"{cls.__name__}.{what}")
                self.assertIsInstance(error, cxm.StateError)
        # lifetimes' methods that read the fitted data raised AttributeError.
        given = given_bgf()
        self.assert_refuses(given.conditional_probability_alive_matrix, "fit", cxm.StateError)
        gg = cxm.GammaGammaFitter().set_params(p=6, q=4, v=15)
        self.assert_refuses(gg.conditional_expected_average_profit, "fit", cxm.StateError)
        self.assert_refuses(cxm.BetaGeoFitter().conditional_probability_alive_matrix, "fit",
                            cxm.StateError)

    def test_set_params(self):
        self.refuses_bad_numbers(lambda v: cxm.BetaGeoFitter().set_params(v, 1, 1, 1), "r")
        self.refuses_bad_numbers(lambda v: cxm.BetaGeoFitter().set_params(r=1, alpha=v, a=1, b=1),
                                 "alpha")
        self.assert_refuses(lambda: cxm.BetaGeoFitter().set_params(1, 1, 1), "params")

    def test_gamma_gamma(self):
        x, m = np.array([1.0, 2, 3, 1]), np.array([10.0, 20, 15, 30])
        self.refuses_bad_numbers(lambda v: cxm.GammaGammaFitter().fit(v, m), "frequency",
                                 counts=True)
        self.refuses_bad_numbers(lambda v: cxm.GammaGammaFitter().fit(x, v), "monetary_value")
        self.assert_refuses(lambda: cxm.GammaGammaFitter().fit(x, [-1, 2, 3, 4]),
                            "monetary_value")
        gg = cxm.GammaGammaFitter().set_params(p=6, q=4, v=15)
        # None means the fitted data (a StateError before fitting, tested above).
        self.refuses_bad_numbers(lambda v: gg.conditional_expected_average_profit(v, 10),
                                 "frequency", counts=True, none_ok=True)
        self.refuses_bad_numbers(lambda v: gg.conditional_expected_average_profit(1, v),
                                 "monetary_value", none_ok=True)
        bgf = given_bgf()
        clv = gg.customer_lifetime_value
        self.refuses_bad_numbers(lambda v: clv(bgf, 1, 1, 2, 10, discount_rate=v),
                                 "discount_rate")
        self.refuses_bad_counts(lambda v: clv(bgf, 1, 1, 2, 10, time=v), "time")
        self.refuses_bad_numbers(lambda v: clv(bgf, 1, 1, 2, 10, period=v), "period",
                                 none_ok=True)
        self.assert_refuses(lambda: clv(bgf, 1, 1, 2, 10, period=0), "period")
        self.assert_refuses(lambda: clv(bgf, 1, 1, 2, 10, freq=None), "freq")
        self.refuses_bad_numbers(lambda v: clv(bgf, 1, 1, 2, 10, margin=v), "margin")
        self.assert_refuses(lambda: clv(given_bgf, 1, 1, 2, 10), "transaction_prediction_model")
        self.refuses_bad_counts(lambda v: gg.generate_new_data([1, 2], seed=v), "seed",
                                none_ok=True)

    def test_bgbb(self):
        fitter = cxm.BetaGeoBetaBinomFitter().set_params(1.2, 0.75, 0.66, 2.78)
        self.refuses_bad_numbers(lambda v: cxm.BetaGeoBetaBinomFitter().fit(v, [1], [6]),
                                 "frequency", counts=True)
        self.refuses_bad_numbers(lambda v: cxm.BetaGeoBetaBinomFitter().fit([1], [1], v),
                                 "n_periods", counts=True)
        # A discount of -1 raised "ValueError: math domain error" from math.log1p.
        for discount in (-1, -2, NAN, None, "0.1"):
            error = self.assert_refuses(
                lambda: fitter.discounted_expected_residual_transactions(1, 1, 6, discount),
                "discount", what=f"discount={discount!r}")
            self.assertNotEqual(str(error), "math domain error")
        self.refuses_bad_numbers(lambda v: fitter.conditional_probability_alive(v, 1, 1, 6),
                                 "m_periods_in_future", counts=True)
        self.refuses_bad_numbers(lambda v: fitter.conditional_probability_alive(1, 1, 1, v),
                                 "n_periods", counts=True)
        self.refuses_bad_counts(fitter.expected_number_of_transactions_in_first_n_periods, "n")
        self.refuses_bad_counts(lambda v: fitter.generate_new_data(6, seed=v, size=3), "seed",
                                none_ok=True)

    def test_sbg(self):
        sbg = cxm.ShiftedBetaGeometric().set_params(0.7, 1.2)
        self.refuses_bad_numbers(lambda v: cxm.ShiftedBetaGeometric().fit_survivors(v),
                                 "survivors")
        self.assert_refuses(lambda: cxm.ShiftedBetaGeometric().fit_survivors([1000, -5]),
                            "survivors")
        self.refuses_bad_numbers(
            lambda v: cxm.ShiftedBetaGeometric().fit_durations(v, [1, 0]), "periods", counts=True)
        self.refuses_bad_numbers(
            lambda v: cxm.ShiftedBetaGeometric().fit_durations([1, 2], v), "active")
        self.refuses_bad_numbers(lambda v: sbg.survival(v), "t")
        self.refuses_bad_numbers(lambda v: sbg.discounted_expected_lifetime(v), "discount")
        self.assert_refuses(lambda: sbg.discounted_expected_lifetime(-1), "discount")
        self.refuses_bad_numbers(lambda v: sbg.discounted_expected_residual_lifetime(0.1, v),
                                 "renewals", counts=True)
        self.refuses_bad_numbers(lambda v: sbg.customer_lifetime_value(v, 0.1), "margin")
        self.refuses_bad_counts(lambda v: sbg.projection(v), "periods")
        self.refuses_bad_numbers(lambda v: sbg.projection(5, cohort=v), "cohort")

    def test_model_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.json")
            text = given_bgf().to_json()
            with open(path, "w") as f:
                f.write(text + "\ngarbage\n")
            error = self.assert_refuses(lambda: cxm.load_model(path), "garbage", cxm.ParseError)
            self.assertIn("text after the JSON document", str(error))
            doc = json.loads(text)
            doc["parameters"]["r"] = -1
            with open(path, "w") as f:
                json.dump(doc, f)
            error = self.assert_refuses(lambda: cxm.load_model(path), "r", cxm.ParseError)
            # The message was formatted into itself: "model JSON: model JSON: eter r = -1 ..."
            self.assertEqual(str(error), f"{path}: model JSON: 'parameters': BG/NBD parameter "
                                         "r = -1 must be greater than 0")
            # A model fitted on data that identify it (12 customers do not).
            fitted = cxm.BetaGeoFitter().set_params(0.243, 4.414, 0.793, 2.426)
            x, tx = fitted.generate_new_data(np.full(2000, 39.0), seed=3)[["frequency", "recency"]].T.values
            fitted.fit(x, tx, np.full(2000, 39.0))
            doc = json.loads(fitted.to_json())
            doc["fit"]["observations"] = -3
            with open(path, "w") as f:
                json.dump(doc, f)
            self.assert_refuses(lambda: cxm.load_model(path), "observations", cxm.ParseError)
            with open(path, "w") as f:
                f.write("frequency,recency,T\n1,2,3\n")
            self.assert_refuses(lambda: cxm.load_model(path), "JSON", cxm.ParseError)
            self.assert_refuses(lambda: cxm.load_model(os.path.join(tmp, "none.json")),
                                "none.json", cxm.FileError)
            self.assert_refuses(lambda: cxm.load_model(None), "path", cxm.ArgumentTypeError)


class Summaries(Hostile):
    LOG = pd.DataFrame({"id": ["a", "a", "b", "c"],
                        "date": ["2015-01-01", "2015-01-08", "2015-01-04", "2015-01-05"],
                        "amount": [10.0, 20.0, 5.0, 7.0]})

    def test_transaction_summary(self):
        summary = cxm.summary_data_from_transaction_data
        self.assert_refuses(lambda: summary(None, "id", "date"), "transactions",
                            cxm.ArgumentTypeError)
        self.assert_refuses(lambda: summary(self.LOG, "nope", "date"), "nope")
        self.assert_refuses(lambda: summary(self.LOG, "id", "date", freq_multiplier=NAN),
                            "freq_multiplier")
        self.assert_refuses(lambda: summary(self.LOG, "id", "date", freq_multiplier=0),
                            "freq_multiplier")
        self.refuses_bad_counts(lambda v: summary(self.LOG, "id", "date", threads=v), "threads")
        log = self.LOG.assign(amount=[10.0, NAN, 5.0, 7.0])
        self.assert_refuses(lambda: summary(log, "id", "date", "amount"), "amount")
        log = self.LOG.assign(amount=[10.0, 1 + 1j, 5.0, 7.0])
        self.assert_refuses(lambda: summary(log, "id", "date", "amount"), "amount")
        # pandas' factorize cut "a\0b" to "a": two customers were merged.
        log = self.LOG.assign(id=["a", "a\0b", "a", "c"])
        self.assert_refuses(lambda: summary(log, "id", "date"), "id", cxm.InvalidArgumentError)
        log = self.LOG.assign(id=[1, "a\0b", 1, 2])
        self.assert_refuses(lambda: summary(log, "id", "date"), "id", cxm.InvalidArgumentError)
        self.assert_refuses(lambda: cxm.calibration_and_holdout_data(self.LOG, "id", "date", None),
                            "calibration_period_end")

    def test_summary_from_csv(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "log.csv")
            self.LOG.to_csv(path, index=False)
            read = cxm.summary_from_csv
            self.assert_refuses(lambda: read(path, "id", "date", freq_multiplier=-1),
                                "freq_multiplier")
            self.refuses_bad_counts(lambda v: read(path, "id", "date", threads=v), "threads")
            self.assert_refuses(lambda: read(path, "i\0d", "date"), "customer_id_col")
            self.assert_refuses(lambda: read(None, "id", "date"), "path", cxm.ArgumentTypeError)


PATHS = ["A > B", "B", "A > C", "C > B > C", "A > A > C"]


class Journeys(Hostile):
    def test_attribution_arguments(self):
        for attribute in (cj.markov_attribution, cj.heuristic_attribution, cj.shapley_attribution,
                          cj.transition_matrix):
            self.refuses_bad_numbers(lambda v: attribute(PATHS, v), "conversions")
            self.assert_refuses(lambda: attribute(PATHS, [1, 2]), "conversions")
            self.assert_refuses(lambda: attribute(PATHS, [1, 2, -3, 1, 1]), "conversions")
            self.assert_refuses(lambda: attribute(None, [1]), "paths", cxm.ArgumentTypeError)
            self.assert_refuses(lambda: attribute([1, 2], [1, 1]), "paths", cxm.ArgumentTypeError)
        self.refuses_bad_numbers(lambda v: cj.markov_attribution(PATHS, [1] * 5, nulls=v), "nulls",
                                 none_ok=True)
        self.refuses_bad_numbers(lambda v: cj.markov_attribution(PATHS, [1] * 5, values=v),
                                 "values", none_ok=True)
        for order in (1.5, 0, -1, 5, None, "1", NAN):
            self.assert_refuses(lambda: cj.markov_attribution(PATHS, [1] * 5, order=order),
                                "order", what=f"order={order!r}")
        self.refuses_bad_numbers(
            lambda v: cj.heuristic_attribution(PATHS, [1] * 5, weights=(v, 0.2, 0.4)), "weights",
            element=True)
        self.refuses_bad_numbers(lambda v: cj.heuristic_attribution(PATHS, [1] * 5, half_life=v),
                                 "half_life", none_ok=True)

    def test_nul_byte_in_a_path_is_refused(self):
        # "a\0b > c" was cut to "a": the rest of the path silently disappeared.
        error = self.assert_refuses(lambda: cj.markov_attribution(["a\0b > c", "c"], [1, 1]),
                                    "paths[0]", cxm.InvalidArgumentError)
        self.assertIn("NUL byte", str(error))
        self.assert_refuses(lambda: cj.Paths(["a > b", "a > c\0x"], [1, 1]), "paths[1]")
        self.assert_refuses(lambda: cj.Paths([["a", "b\0"]], [1]), "paths[0][1]")
        self.assert_refuses(lambda: cj.Paths(["a"], [1], separator="\0"), "separator")
        self.assert_refuses(lambda: cj.read_paths("paths\0.csv"), "filename")
        m = cj.JourneyMap()
        self.assert_refuses(lambda: m.add_touchpoint("a\0b", "BUY", "DO"), "id")
        self.assert_refuses(lambda: m.add_touchpoint("ab", "BUY", "DO", channel="w\0eb"),
                            "channel")

    def test_decision_chain_and_importance_performance(self):
        self.refuses_bad_numbers(lambda v: cj.decision_chain(v), "transitions", finite=True)
        self.assert_refuses(lambda: cj.decision_chain([[1, 2], [3, 4]]), "transitions")
        # Plain lists used to fail with "'builtin_function_or_method' object is not iterable".
        frame = cj.importance_performance([4.5, 3.0, 2.0], [2.0, 4.0, 3.0])
        self.assertEqual(len(frame), 3)
        self.assertEqual(list(frame["label"]), ["1", "2", "3"])
        self.refuses_bad_numbers(lambda v: cj.importance_performance(v, [1, 2, 3]), "importance")
        self.refuses_bad_numbers(lambda v: cj.importance_performance([1, 2, 3], v), "performance")
        self.assert_refuses(lambda: cj.importance_performance([1, 2, 3], [1, 2]), "performance")
        self.assert_refuses(lambda: cj.importance_performance([1, 2], [1, 2], labels=["a"]),
                            "labels")
        self.assert_refuses(lambda: cj.importance_performance([1, 2], [1, 2], labels=["a", None]),
                            "labels[1]")

    def test_journeys(self):
        m = cj.JourneyMap([{"id": "ad", "decision": "EXPLORE", "rung": "KNOW"},
                           {"id": "shop", "decision": "BUY", "rung": "DO"}])
        events = pd.DataFrame({"customer": ["c1", "c1", "c2"], "timestamp": [1.0, 2.0, 1.0],
                               "touchpoint": ["ad", "shop", "ad"]})
        self.assertEqual(len(cj.Journeys(m, events)), 2)
        for column, value in (("timestamp", NAN), ("timestamp", "x"), ("timestamp", 1 + 1j),
                              ("customer", "c\0"), ("touchpoint", "s\0hop"), ("customer", None)):
            bad = events.copy()
            bad[column] = bad[column].astype(object)
            bad.loc[1, column] = value
            # A missing number is named by its row label, other bad values by position.
            self.assert_refuses(lambda: cj.Journeys(m, bad),
                                f"row 1: {column}" if value is NAN else f"{column}[1]",
                                what=f"{column}={value!r}")
        bad = events.assign(rating=[1.0, 1 + 1j, 2.0])
        self.assert_refuses(lambda: cj.Journeys(m, bad), "rating")
        journeys = cj.Journeys(m, events)
        self.refuses_bad_numbers(journeys.funnel, "level")
        self.assert_refuses(lambda: journeys.funnel(1.5), "level")
        # NaN importance is a missing one (pandas records); other non-numbers are refused.
        for value in (INF, "high", 1 + 2j, [1, 2]):
            self.assert_refuses(lambda: m.add_touchpoint("x", "BUY", "DO", importance=value),
                                "importance", what=f"importance={value!r}")
        self.assert_refuses(lambda: cj.JourneyMap(rating_scale=(1, NAN)), "rating_scale")
        self.assert_refuses(lambda: m.add_employee_ratings("shop", [1, 1 + 1j]), "ratings")


class Chain(Hostile):
    def test_instruments(self):
        self.refuses_bad_numbers(cc.nps, "scores", finite=False)
        self.assert_refuses(lambda: cc.nps([]), "scores")
        self.assert_refuses(lambda: cc.nps([11, 3]), "scores")
        self.refuses_bad_numbers(lambda v: cc.nps([1, 9], level=v), "level")
        for name in ("promoters", "passives", "detractors"):
            counts = {"promoters": 5, "passives": 3, "detractors": 2}
            self.refuses_bad_numbers(lambda v: cc.nps_counts(**{**counts, name: v}), name)
            self.assert_refuses(lambda: cc.nps_counts(**{**counts, name: -1}), name)
        self.refuses_bad_numbers(lambda v: cc.nps_compare([9, 10], v), "b", finite=False)
        self.refuses_bad_numbers(cc.csat, "scores", finite=False)
        self.refuses_bad_numbers(lambda v: cc.csat([4, 5], satisfied_from=v), "satisfied_from")
        self.refuses_bad_numbers(lambda v: cc.csat([4, 5], scale=(1, v)), "scale", element=True)
        self.refuses_bad_numbers(cc.ces, "scores", finite=False)
        self.assert_refuses(lambda: cc.ces([3], scale=None), "scale")

    def test_servqual_and_kano(self):
        e, p = [6] * 22, [5] * 22
        self.refuses_bad_numbers(lambda v: cc.servqual(v, p), "expectations", finite=False)
        self.refuses_bad_numbers(lambda v: cc.servqual(e, v), "perceptions", finite=False)
        self.assert_refuses(lambda: cc.servqual(e, p[:-1]), "perceptions")
        self.assert_refuses(lambda: cc.servqual(e, p, weights=[1, 2, NAN, 4, 5]), "weights")
        self.refuses_bad_numbers(lambda v: cc.kano(v, [1, 2]), "functional", finite=False)
        self.assert_refuses(lambda: cc.kano(["like", "love"], ["neutral", "dislike"]),
                            "functional")
        self.assert_refuses(lambda: cc.kano([1, 2], [1]), "dysfunctional")
        self.assert_refuses(lambda: cc.kano_classify([1, 7], [1, 2]), "functional")

    def test_primitives(self):
        self.refuses_bad_numbers(lambda v: cc.disconfirmation(v, [1, 2]), "perceptions")
        self.assert_refuses(lambda: cc.disconfirmation([1, 2, 3], [1, 2]), "expectations")
        self.refuses_bad_numbers(lambda v: cc.adaptive_expectations([8, 7], 7, v), "lam")
        self.refuses_bad_numbers(lambda v: cc.adaptive_expectations([8, 7], v, 0.3), "initial")
        self.refuses_bad_numbers(lambda v: cc.delight([1, 2], surprise=v), "surprise")
        self.assert_refuses(lambda: cc.peak_end([]), "moments")
        self.refuses_bad_numbers(cc.peak_end, "moments")
        self.refuses_bad_numbers(lambda v: cc.valence([1, 2], "recency", parameter=v),
                                 "parameter", none_ok=True)
        self.assert_refuses(lambda: cc.valence([1, 2], durations=[1]), "durations")

    def test_value_link(self):
        self.refuses_bad_numbers(lambda v: cc.fit_retention(v, [1, 0]), "satisfaction")
        self.refuses_bad_numbers(lambda v: cc.fit_retention([7, 8], v), "retained")
        self.assert_refuses(lambda: cc.fit_retention([7, 8, 9], [1, 0]), "retained")
        self.refuses_bad_numbers(lambda v: cc.RetentionModel(v, 0.5), "intercept")
        self.refuses_bad_numbers(lambda v: cc.RetentionModel(-2, 0.5).predict(v), "satisfaction")
        improve = cc.value_of_improvement
        self.refuses_bad_numbers(lambda v: improve((-2, 0.5), v, 0.5, margin=100, discount=0.1),
                                 "satisfaction")
        self.refuses_bad_numbers(lambda v: improve((-2, 0.5), 7, 0.5, margin=v, discount=0.1),
                                 "margin")
        self.refuses_bad_numbers(lambda v: improve((-2, 0.5), 7, 0.5, margin=100, discount=v),
                                 "discount")
        self.refuses_bad_numbers(lambda v: cc.return_on_quality(v, [10]), "gain")
        self.refuses_bad_numbers(lambda v: cc.return_on_quality(100, [10], discount=v),
                                 "discount")
        self.refuses_bad_numbers(lambda v: cc.satisfaction_index([1, 2], v), "means")
        self.assert_refuses(lambda: cc.satisfaction_index([1, 2], [1, 2, 3]), "means")

    def test_path_models(self):
        model = cc.PathModel({"X": ["x1", "x2"], "Y": ["y1", "y2"]}, paths=[("X", "Y")],
                             modes={"X": "B"})
        rng = np.random.default_rng(3)
        a = rng.normal(size=60)
        data = pd.DataFrame({"x1": a, "x2": rng.normal(size=60), "y1": a + rng.normal(size=60),
                             "y2": a + rng.normal(size=60)})
        model.fit(data)
        # Identical Mode B items fitted with arbitrary weights in one sample out of four.
        for seed in range(12):
            rng = np.random.default_rng(seed)
            a = rng.normal(size=50)
            twin = data.iloc[:50].assign(x1=a, x2=a.copy(), y1=a + rng.normal(size=50))
            error = self.assert_refuses(lambda: model.fit(twin), "x2", cxm.DomainError)
            self.assertEqual(str(error), "the items of Mode B construct 'X' are collinear: 'x2' "
                                         "is a linear combination of 'x1'")
        self.refuses_bad_counts(lambda v: model.fit(data, bootstrap=v), "bootstrap")
        self.refuses_bad_counts(lambda v: model.fit(data, seed=v), "seed")
        self.refuses_bad_counts(lambda v: model.fit(data, threads=v), "threads")
        self.refuses_bad_counts(lambda v: model.fit(data, max_iterations=v), "max_iterations")
        self.refuses_bad_numbers(lambda v: model.fit(data, level=v), "level")
        self.assert_refuses(lambda: model.fit(data.assign(x1="a")), "data", cxm.ArgumentTypeError)
        self.assert_refuses(lambda: model.fit(data.assign(x1=1 + 1j)), "data",
                            cxm.ArgumentTypeError)
        self.assert_refuses(lambda: model.fit(np.ones((5, 3))), "data")
        self.assert_refuses(lambda: model.fit(None), "data", cxm.ArgumentTypeError)
        # Non-JSON text raised FileNotFoundError.
        error = self.assert_refuses(lambda: cc.PathModel.from_json("hello"), "hello",
                                    cxm.FileError)
        self.assertIsInstance(error, cxm.Error)
        self.assert_refuses(lambda: cc.PathModel.from_json('{"constructs": []} x'), "JSON",
                            cxm.ParseError)
        self.assert_refuses(lambda: cc.PathModel.from_json(None), "text", cxm.ArgumentTypeError)
        self.assert_refuses(lambda: cc.PathModel({"X\0": ["x1"]}), "X")
        self.assert_refuses(lambda: cc.PathModel({"X": ["x1", "x\0"]}), "items")


class Simulation(Hostile):
    def test_simulate_arguments(self):
        self.refuses_bad_counts(lambda v: cxm.simulate(customers=v, seed=1), "customers",
                                none_ok=True)
        self.assert_refuses(lambda: cxm.simulate(customers=0), "customers")
        self.refuses_bad_counts(lambda v: cxm.simulate(customers=10, seed=v), "seed",
                                none_ok=True)
        self.assert_refuses(lambda: cxm.simulate(customers=10, seed=2**53), "seed")
        for quality in (11, -0.5, NAN, None, "7", 1 + 1j):
            self.assert_refuses(lambda: cxm.simulate(customers=10, quality={"checkout": quality}),
                                "checkout", what=f"quality={quality!r}")
        self.assert_refuses(lambda: cxm.simulate(customers=10, quality={"check\0out": 5}),
                            "quality")
        self.assert_refuses(lambda: cxm.simulate({"seed": 3, "customers": "many"}), "customers",
                            cxm.ParseError)
        self.assert_refuses(lambda: cxm.simulate('{"seed": 3} {"seed": 4}'), "JSON",
                            cxm.ParseError)
        self.assert_refuses(lambda: cxm.simulate(42), "settings", cxm.ArgumentTypeError)


class LowLevel(Hostile):
    """The SWIG layer is the net under the friendly API: its conversions raise cxm.Error
    naming the C parameter, never OverflowError or TypeError alone, never cut a string."""

    def test_integers(self):
        model = cxm.core.model_create(cxm.core.MODEL_BGNBD)
        cxm.core.model_set_params(model, np.array([0.24, 4.4, 0.79, 2.4]))
        x, t_x, big_t = np.empty(2), np.empty(2), np.array([10.0, 20.0])
        for seed, cls in ((-1, cxm.InvalidArgumentError), (2**64, cxm.InvalidArgumentError),
                          (1.5, cxm.InvalidArgumentError), ("1", cxm.ArgumentTypeError),
                          (None, cxm.ArgumentTypeError), (1 + 0j, cxm.ArgumentTypeError)):
            error = self.assert_refuses(
                lambda: cxm.core.model_simulate(model, x, t_x, big_t, seed), "seed", cls,
                f"seed={seed!r}")
            self.assertNotIsInstance(error, OverflowError)
        cxm.core.model_simulate(model, x, t_x, big_t, np.uint64(2**64 - 1))
        cxm.core.model_simulate(model, x, t_x, big_t, 7.0)

    def test_doubles_and_strings(self):
        for margin in (None, "100", 1 + 1j, np.complex64(1)):
            self.assert_refuses(lambda: cxm.core.clv_retention(margin, 0.8, 0.1, 0), "margin",
                                cxm.ArgumentTypeError, f"margin={margin!r}")
        self.assertAlmostEqual(cxm.core.clv_retention(np.float32(100), 0.8, 0.12, 0), 250.0)
        paths = cxm.core.paths_create(">")
        self.assert_refuses(lambda: cxm.core.paths_add(paths, "a\0b > c", 1, 0, 0), "path",
                            cxm.InvalidArgumentError)
        self.assert_refuses(lambda: cxm.core.paths_add(paths, 42, 1, 0, 0), "path",
                            cxm.ArgumentTypeError)
        self.assert_refuses(lambda: cxm.core.paths_add(paths, "\ud800", 1, 0, 0), "path",
                            cxm.InvalidArgumentError)
        self.assertEqual(cxm.core.paths_count(paths), 0)


if __name__ == "__main__":
    unittest.main()
