"""Every fitter's predictions at extreme arguments (issue 14): times, horizons, T and
discount rates up to 1e308, counts up to 1e12. Each call ends within a second and
returns finite numbers in their range, or raises a cxm.Error (never another exception,
never NaN or inf). A hang fails the run: SIGALRM, left at its default action, ends the
process if the whole file takes more than ten minutes."""
import math
import os
import signal
import sys
import time
import unittest

import numpy as np
import pandas as pd

import cxm

signal.alarm(600)

DATA = os.path.join(os.environ.get("top_srcdir", ".."), "tests", "data")
CALL_SECONDS = 1.0

TIMES = [0.0, 1e-300, 1e-10, 1.0, 39.0, 1e6, 1e9, 1e12, 1e15, 1e100, 1e300, 1e308,
         sys.float_info.max]
COUNTS = [0.0, 1.0, 10.0, 1e3, 1e6, 1e9, 1e12]
RATES = [1e-300, 1e-200, 1e-12, 1e-3, 1.0, 1e12, 1e300, 1e308]
HISTORIES = [(0.0, 0.0, 0.0), (0.0, 0.0, 1e308), (2.0, 30.43, 38.86), (1e12, 1e300, 1e308),
             (1.0, 1e-300, 1e-300), (1e12, 5e11, 1e12), (1.0, 0.5, sys.float_info.max)]


def outcome(test, label, call, lo=-math.inf, hi=math.inf):
    """Run call(); within CALL_SECONDS it returns numbers in [lo, hi] or raises a cxm.Error.
    Returns the values (a numpy array) or None after an error."""
    start = time.process_time()  # the call's work, not the machine's load
    try:
        result = call()
        error = None
    except cxm.Error as exc:
        result, error = None, exc
    took = time.process_time() - start
    test.assertLessEqual(took, CALL_SECONDS, f"{label} took {took:.2f} s")
    if error is not None:
        test.assertTrue(str(error), f"{label}: {type(error).__name__} without a message")
        return None
    values = np.asarray(result, dtype=float).reshape(-1)
    test.assertTrue(np.all(np.isfinite(values)), f"{label} = {values} is not finite")
    test.assertTrue(np.all((values >= lo) & (values <= hi)),
                    f"{label} = {values} is not in [{lo}, {hi}]")
    return values


def non_decreasing(test, label, values):
    kept = [v for v in values if v is not None]
    for a, b in zip(kept, kept[1:]):
        test.assertGreaterEqual(b[0], a[0] - 1e-12 * abs(a[0]), f"{label}: {b[0]} after {a[0]}")


class PurchaseModels(unittest.TestCase):
    """BG/NBD, MBG/NBD and Pareto/NBD fitted on CDNOW, then at every extreme argument."""

    @classmethod
    def setUpClass(cls):
        data = pd.read_csv(os.path.join(DATA, "cdnow_customers_summary.csv"))
        spend = pd.read_csv(os.path.join(DATA, "cdnow_customers_summary_with_transactions.csv"))
        cls.models = {}
        for name, fitter in (("bgnbd", cxm.BetaGeoFitter), ("mbgnbd", cxm.ModifiedBetaGeoFitter),
                             ("pnbd", cxm.ParetoNBDFitter)):
            cls.models[name] = fitter().fit(data["frequency"], data["recency"], data["T"])
        repeat = spend["x"] > 0
        cls.gg = cxm.GammaGammaFitter().fit(spend["x"][repeat], spend["zbar"][repeat])

    def test_unconditional(self):
        for name, m in self.models.items():
            with self.subTest(model=name):
                expected = [outcome(self, f"{name} E[X({t})]",
                                    lambda t=t: m.expected_number_of_purchases_up_to_time(t), 0)
                            for t in TIMES]
                non_decreasing(self, f"{name} E[X(t)]", expected)
                for t in TIMES:
                    for k in COUNTS:
                        outcome(self, f"{name} P(X({t}) = {k})",
                                lambda t=t, k=k: m.probability_of_n_purchases_up_to_time(t, k),
                                0, 1)
                    probs = outcome(self, f"{name} P(X({t}) = 0..30)",
                                    lambda t=t: m.probability_of_n_purchases_up_to_time(
                                        t, np.arange(31)), 0, 1)
                    if probs is not None:
                        self.assertLessEqual(probs.sum(), 1 + 1e-9, f"{name} t={t}")

    def test_histories(self):
        for name, m in self.models.items():
            for x, tx, T in HISTORIES:
                with self.subTest(model=name, history=(x, tx, T)):
                    outcome(self, f"{name} P(alive | {x}, {tx}, {T})",
                            lambda: m.conditional_probability_alive(x, tx, T), 0, 1)
                    ey = [outcome(self, f"{name} E[Y({t}) | {x}, {tx}, {T}]",
                                  lambda t=t: m.conditional_expected_number_of_purchases_up_to_time(
                                      t, x, tx, T), 0) for t in TIMES]
                    non_decreasing(self, f"{name} E[Y(t)]", ey)
                    dert = [outcome(self, f"{name} DERT({rate} | {x}, {tx}, {T})",
                                    lambda rate=rate: m.discounted_expected_residual_transactions(
                                        x, tx, T, rate), 0) for rate in RATES]
                    non_decreasing(self, f"{name} -DERT", [None if d is None else -d for d in dert])
                    for t in TIMES:
                        for k in COUNTS:
                            outcome(self, f"{name} P(X({t}) = {k} | {x}, {tx}, {T})",
                                    lambda t=t, k=k:
                                    m.conditional_probability_of_n_purchases_up_to_time(
                                        k, t, x, tx, T), 0, 1)
                        probs = outcome(self, f"{name} P(X({t}) = 0..30 | {x}, {tx}, {T})",
                                        lambda t=t:
                                        m.conditional_probability_of_n_purchases_up_to_time(
                                            np.arange(31), t, x, tx, T), 0, 1)
                        if probs is not None:
                            self.assertLessEqual(probs.sum(), 1 + 1e-9, f"{name} t={t}")

    def test_tracking_holdout_and_simulation(self):
        for name, m in self.models.items():
            with self.subTest(model=name):
                for t in TIMES:
                    outcome(self, f"{name} tracking({t})",
                            lambda t=t: m.expected_cumulative_transactions(
                                [-1e308, 0.0, 1e300], [t]), 0)
                    outcome(self, f"{name} holdout({t})",
                            lambda t=t: m.calibration_holdout([0, 2, 1e12], [0, 30, 1e300],
                                                              [1e300, 40, 1e308], t,
                                                              [0, 1, 1e12])["predicted"], 0)
                    sim = outcome(self, f"{name} simulate(T={t})",
                                  lambda t=t: m.generate_new_data([t], seed=1)[
                                      ["frequency", "recency"]].values, 0)
                    if sim is not None:
                        self.assertLessEqual(sim[1], t)
                with self.assertRaisesRegex(cxm.RangeError, "size 1000000000000 is beyond"):
                    m.generate_new_data(1.0, seed=1, size=10**12)
        # Customers who buy 1e20 times per time unit and never leave: counts beyond 2^52
        # cannot be drawn, and 1e15 purchases are too many to return one by one.
        busy = cxm.ParetoNBDFitter().set_params(r=1e10, alpha=1e-10, s=1e-10, beta=1e10)
        for T in (1.0, 1e300):
            with self.assertRaisesRegex(cxm.RangeError, "customer 0: .* beyond 2\\^52"):
                busy.generate_new_data([T], seed=3)
        x = outcome(self, "busy customers", lambda: busy.generate_new_data([1e-5], seed=3)[
            "frequency"].values, 0)
        self.assertGreater(x.sum(), 1e14)
        with self.assertRaisesRegex(cxm.RangeError, "repeat purchases, beyond 100000000"):
            busy.generate_new_data([1e-5], seed=3, transactions=True)

    def test_lifetime_value(self):
        for name, m in self.models.items():
            for period in (1e-300, 1.0, 30.0, 1e9, 1e300, 1e308):
                for time_ in (1, 12, 1000, 10**9, 4 * 10**9, 10**12):
                    for discount in (0.0, 1e-9, 0.01, 1e308):
                        outcome(self, f"{name} CLV(period {period}, time {time_}, d {discount})",
                                lambda: self.gg.customer_lifetime_value(
                                    m, [0, 2, 1e12], [0, 30.43, 1e300], [0, 38.86, 1e308],
                                    [1.0, 20.0, 1e300], time=time_, discount_rate=discount,
                                    period=period), 0)
        with self.assertRaisesRegex(cxm.DomainError, "more than 1000 periods"):
            self.gg.customer_lifetime_value(self.models["bgnbd"], 2, 30.43, 38.86, 20.0,
                                            time=10**6, discount_rate=1e-9, period=1.0)
        with self.assertRaisesRegex(cxm.DomainError, "4294967295"):
            self.gg.customer_lifetime_value(self.models["bgnbd"], 2, 30.43, 38.86, 20.0,
                                            time=10**12, discount_rate=0.0, period=1.0)

    def test_spend(self):
        mean = self.gg.population_mean_spend()
        for x in COUNTS:
            for spend in (1e-300, 1.0, 1e12, 1e300, 1e308, sys.float_info.max):
                lo, hi = (mean, mean) if x == 0 else (min(spend, mean), max(spend, mean))
                outcome(self, f"E[M | {x}, {spend}]",
                        lambda: self.gg.conditional_expected_average_profit(x, spend),
                        lo * (1 - 1e-12), hi * (1 + 1e-12))
                outcome(self, f"spend draw({x})", lambda: self.gg.generate_new_data([x], seed=2), 0)

    def test_parameters_outside_the_fit_range_are_refused(self):
        with self.assertRaisesRegex(cxm.InvalidArgumentError, r"r = 1e\+308 is outside"):
            cxm.BetaGeoFitter().set_params(r=1e308, alpha=4.4, a=0.79, b=2.4)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "alpha = 1e-308"):
            cxm.ParetoNBDFitter().set_params(r=0.5, alpha=1e-308, s=0.6, beta=11.7)


class DiscreteAndContractual(unittest.TestCase):
    """BG/BB fitted on the donations, sBG on the regular cohort, the closed forms."""

    @classmethod
    def setUpClass(cls):
        d = pd.read_csv(os.path.join(DATA, "donations.csv"))
        cls.bgbb = cxm.BetaGeoBetaBinomFitter().fit(d["frequency"], d["recency"], d["periods"],
                                                    weights=d["weights"])
        cls.sbg = cxm.ShiftedBetaGeometric().fit_survivors(
            [1000, 631, 468, 382, 326, 289, 262, 241])

    def test_bgbb(self):
        m = self.bgbb
        expected = [outcome(self, f"BG/BB E[X({n})]",
                            lambda n=n: m.expected_number_of_purchases_up_to_time(n), 0)
                    for n in COUNTS]
        non_decreasing(self, "BG/BB E[X(n)]", expected)
        for x, tx, n in ((0, 0, 6), (3, 5, 6), (1e6, 1e6, 1e6), (1, 1, 1e6), (0, 0, 1e9),
                         (1e12, 1e12, 1e12)):
            with self.subTest(history=(x, tx, n)):
                alive = outcome(self, f"BG/BB P(alive | {x}, {tx}, {n})",
                                lambda: m.conditional_probability_alive(1, x, tx, n), 0, 1)
                if n > 1e6:
                    self.assertIsNone(alive, "more than 10^6 opportunities are refused")
                for future in COUNTS:
                    outcome(self, f"BG/BB P(alive in {future})",
                            lambda: m.conditional_probability_alive(future, x, tx, n), 0, 1)
                ey = [outcome(self, f"BG/BB E[X(n, n+{f})]",
                              lambda f=f: m.conditional_expected_number_of_purchases_up_to_time(
                                  f, x, tx, n), 0) for f in COUNTS]
                non_decreasing(self, "BG/BB E[X(n, n+m)]", ey)
                for discount in (1e-300, 1e-12, 0.1, 1e12, 1e308):
                    outcome(self, f"BG/BB DERT({discount})",
                            lambda: m.discounted_expected_residual_transactions(x, tx, n, discount),
                            0)
        for n in COUNTS:
            for k in COUNTS:
                outcome(self, f"BG/BB P(X({n}) = {k})",
                        lambda: m.probability_of_n_purchases_up_to_time(n, k), 0, 1)
        outcome(self, "BG/BB table(1000)",
                lambda: m.expected_number_of_transactions_in_first_n_periods(1000)["model"], 0)
        with self.assertRaisesRegex(cxm.DomainError, "2000"):
            m.expected_number_of_transactions_in_first_n_periods(10**7)
        with self.assertRaisesRegex(cxm.DomainError, "1000000"):
            m.generate_new_data(10**9, seed=1, size=1)

    def test_sbg(self):
        m = self.sbg
        survival = [outcome(self, f"S({t})", lambda t=t: m.survival(t), 0, 1) for t in TIMES]
        non_decreasing(self, "-S(t)", [None if s is None else -s for s in survival])
        for t in TIMES[3:]:
            outcome(self, f"retention({t})", lambda: m.retention(t), 0, 1)
        for t in COUNTS[1:]:
            outcome(self, f"churn({t})", lambda: m.churn_probability(t), 0, 1)
        for d in (0.0, 1e-300, 1e-100, 1e-12, 0.1, 1e12, 1e308):
            bound = 1 + 1 / d if d > 0 else math.inf
            outcome(self, f"DEL({d})", lambda: m.discounted_expected_lifetime(d), 1,
                    bound * (1 + 1e-12))
            derl = [outcome(self, f"DERL({d}, {n})",
                            lambda n=n: m.discounted_expected_residual_lifetime(d, n), 0,
                            bound * (1 + 1e-12)) for n in COUNTS]
            non_decreasing(self, f"DERL({d}, renewals)", derl)
            outcome(self, f"value({d})", lambda: m.customer_lifetime_value(1e308, d, 0))

    def test_closed_forms(self):
        for margin in (-1e308, 1.0, 1e308):
            for retention in (0.0, 0.5, 1 - 1e-16, 1.0):
                for discount in (0.0, 1e-300, 0.1, 1e308):
                    outcome(self, f"clv({margin}, {retention}, {discount})",
                            lambda: cxm.clv(margin, retention, discount))
                    outcome(self, f"elasticity({retention}, {discount})",
                            lambda: cxm.clv_elasticity(retention, discount), 0)
                    for horizon in (1, 10**9, 10**12, 2**64 - 1):
                        outcome(self, f"clv({margin}, {retention}, {discount}, H={horizon})",
                                lambda: cxm.clv(margin, retention, discount, horizon=horizon))
        with self.assertRaisesRegex(cxm.DomainError, r"2\*\*64 - 1"):
            cxm.clv(1.0, 0.5, 0.1, horizon=10**30)


if __name__ == "__main__":
    unittest.main()
