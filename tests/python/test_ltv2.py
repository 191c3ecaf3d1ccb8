"""Pareto/NBD, BG/BB and sBG from Python: the published numbers (docs/models.md §1.2, §1.6,
§1.8), lifetimes' method names, pandas in and out, persistence and errors."""
import math
import os
import tempfile
import time
import unittest

import numpy as np
import pandas as pd

import cxm

DATA = os.path.join(os.environ.get("top_srcdir", ".."), "tests", "data")


class ParetoNBD(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = pd.read_csv(os.path.join(DATA, "cdnow_customers_summary.csv"))
        cls.pnbd = cxm.ParetoNBDFitter().fit(cls.data["frequency"], cls.data["recency"],
                                             cls.data["T"])

    def test_cdnow_published_estimates(self):
        p = self.pnbd.params_
        self.assertEqual(list(p.index), ["r", "alpha", "s", "beta"])
        self.assertAlmostEqual(p["r"], 0.553, delta=5e-4)
        self.assertAlmostEqual(p["alpha"], 10.578, delta=5e-4)
        self.assertAlmostEqual(p["s"], 0.606, delta=5e-4)
        self.assertAlmostEqual(p["beta"], 11.669, delta=0.02)
        self.assertAlmostEqual(self.pnbd.log_likelihood_, -9595.0, delta=0.1)
        self.assertTrue((self.pnbd.summary["se(coef)"] > 0).all())

    def test_heavy_buyer_and_series(self):
        alive = self.pnbd.conditional_probability_alive(221, 103.4, 103.6)
        self.assertIsInstance(alive, float)
        self.assertTrue(0.0 <= alive <= 1.0 and math.isfinite(alive))
        s = self.pnbd.conditional_probability_alive(self.data["frequency"], self.data["recency"],
                                                    self.data["T"])
        self.assertIsInstance(s, pd.Series)
        self.assertTrue(((s >= 0) & (s <= 1)).all())
        ey = self.pnbd.conditional_expected_number_of_purchases_up_to_time(
            39, self.data["frequency"], self.data["recency"], self.data["T"])
        self.assertTrue(np.isfinite(ey).all() and (ey >= 0).all())
        dert = self.pnbd.discounted_expected_residual_transactions(2, 30.43, 38.86,
                                                                   math.log(1.15) / 52)
        self.assertTrue(dert > 0)
        # P(X(t) = n) sums to 1 with mean E[X(t)].
        n = np.arange(200)
        probs = self.pnbd.probability_of_n_purchases_up_to_time(39, n)
        self.assertAlmostEqual(probs.sum(), 1.0, delta=1e-9)
        self.assertAlmostEqual((n * probs).sum(),
                               self.pnbd.expected_number_of_purchases_up_to_time(39), delta=1e-8)

    def test_conditional_pmf_against_quadrature(self):
        """P(X(T, T+t) = n | x, t_x, T) against a double integral over the individual
        rates (lambda, mu) of the individual-level model: nothing shared with the C code."""
        params = (0.553, 10.578, 0.606, 11.669)
        m = cxm.ParetoNBDFitter().set_params(*params)
        n = np.arange(6)
        for history in ((0, 0, 0), (0, 0, 38.86), (2, 30.43, 38.86), (7, 10.0, 39.0),
                        (25, 38.0, 39.0)):
            with self.subTest(history=history):
                exact = conditional_pmf_by_quadrature(params, *history, 39.0, n.size)
                got = m.conditional_probability_of_n_purchases_up_to_time(n, 39.0, *history)
                np.testing.assert_allclose(got, exact, rtol=1e-9, atol=1e-13)
        # A new customer (x = t_x = T = 0) is the unconditional P(X(t) = n).
        np.testing.assert_allclose(
            m.conditional_probability_of_n_purchases_up_to_time(n, 39.0, 0, 0, 0),
            m.probability_of_n_purchases_up_to_time(39.0, n), rtol=1e-14)

    def test_conditional_pmf_sums_to_one(self):
        n = np.arange(600)
        for x, t_x, T in ((0, 0, 38.86), (2, 30.43, 38.86), (221, 103.4, 103.6),
                          (1e6, 1.0, 1e3)):
            for t in (1.0, 39.0, 104.0):
                with self.subTest(history=(x, t_x, T), t=t):
                    p = self.pnbd.conditional_probability_of_n_purchases_up_to_time(
                        n, t, x, t_x, T)
                    self.assertTrue(np.all((p >= 0) & (p <= 1)))
                    self.assertAlmostEqual(p.sum(), 1.0, delta=1e-10)
                    # Its mean is E[Y(t) | history], which the C code computes otherwise.
                    ey = self.pnbd.conditional_expected_number_of_purchases_up_to_time(
                        t, x, t_x, T)
                    self.assertAlmostEqual((n * p).sum(), ey, delta=1e-8 * max(ey, 1.0))
        self.assertIsInstance(
            self.pnbd.conditional_probability_of_n_purchases_up_to_time(1, 39, 2, 30.43, 38.86),
            float)

    def test_round_trip(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "pnbd.json")
            self.pnbd.save_model(path)
            back = cxm.load_model(path)
            self.assertIsInstance(back, cxm.ParetoNBDFitter)
            pd.testing.assert_series_equal(back.params_, self.pnbd.params_)


def conditional_pmf_by_quadrature(params, x, t_x, T, t, nmax, points=1201):
    """P(X(T, T+t) = n | x, t_x, T), n < nmax, of a Pareto/NBD by the trapezoid rule over
    ln(lambda) and ln(mu) (smooth, decaying integrands: the rule converges geometrically).
    Individual level: alive at T with weight lambda^x e^-(lambda+mu)T, dead with weight
    lambda^x mu/(lambda+mu) (e^-(lambda+mu)t_x - e^-(lambda+mu)T); alive, the next t hold
    Poisson(lambda t) purchases if the customer outlives t, else Poisson(lambda tau) for a
    death at tau ~ Exp(mu), whose mixture is mu lambda^n/(lambda+mu)^(n+1) P(n+1, (lambda+mu)t)."""
    r, alpha, s, beta = params

    def axis(shape, rate):
        mode = math.log(shape / rate)
        z = np.linspace(mode - 70.0 / min(shape, 1.0), mode + 6.0, points)
        log_w = shape * math.log(rate) - math.lgamma(shape) + shape * z - rate * np.exp(z)
        return np.exp(z), log_w + math.log(z[1] - z[0])

    lam, log_wl = axis(r, alpha)
    mu, log_wm = axis(s, beta)
    L, M = np.meshgrid(lam, mu, indexing="ij")
    S = L + M
    base = log_wl[:, None] + log_wm[None, :] + x * np.log(L)
    alive = np.exp(base - S * T)
    dead = np.exp(base + np.log(M / S) - S * t_x) * -np.expm1(-S * (T - t_x))
    total = alive.sum() + dead.sum()
    z = S * t
    cdf, term = np.zeros_like(z), np.exp(-z)
    out = []
    for k in range(nmax):
        cdf = cdf + term  # P(Poisson(z) <= k)
        outlives = np.exp(k * np.log(L * t) - L * t - math.lgamma(k + 1) - M * t)
        dies = M / S * np.exp(k * np.log(L / S)) * np.clip(1.0 - cdf, 0.0, 1.0)
        out.append(((alive * (outlives + dies)).sum() + (dead.sum() if k == 0 else 0.0)) / total)
        term = term * z / (k + 1)
    return np.array(out)


def unstructured(rng, n, vectorised):
    """Customers with no structure: frequency 0-9, T uniform in [30, 60] and
    recency uniform in [0, T] for repeat buyers, drawn column by column or
    customer by customer (the order a user's loop would use)."""
    if vectorised:
        f = rng.integers(0, 10, n).astype(float)
        T = rng.uniform(30, 60, n)
        return f, np.where(f > 0, rng.uniform(0, T), 0.0), T
    rows = []
    for _ in range(n):
        f = float(rng.integers(0, 10))
        T = rng.uniform(30, 60)
        rows.append((f, rng.uniform(0, T) if f > 0 else 0.0, T))
    return tuple(np.array(column) for column in zip(*rows))


class UnidentifiedFitsEnd(unittest.TestCase):
    """Data that identify no model must fail fast: 200 such customers once
    kept ParetoNBDFitter().fit busy for minutes (BG/NBD failed in 0.03 s)."""

    # Sanitizer builds run the library several times slower.
    LIMIT = 0.5 * (10 if "asan" in os.environ.get("LD_PRELOAD", "") else 1)

    def timed_fit(self, fitter, data):
        start = time.process_time()
        try:
            fitter.fit(*data)
            outcome = None
        except cxm.ConvergenceError as error:
            outcome = error
        elapsed = time.process_time() - start
        self.assertLess(elapsed, self.LIMIT, "%s on %d customers took %.2f s"
                        % (type(fitter).__name__, len(data[0]), elapsed))
        return outcome

    def test_the_reported_case(self):
        for vectorised in (False, True):
            data = unstructured(np.random.default_rng(0), 200, vectorised)
            for fitter in (cxm.ParetoNBDFitter(), cxm.BetaGeoFitter()):
                error = self.timed_fit(fitter, data)
                self.assertIsInstance(error, cxm.ConvergenceError, type(fitter).__name__)
                self.assertIn("heading for a boundary", str(error))
            self.assertRegex(str(self.timed_fit(cxm.ParetoNBDFitter(), data)),
                             r"(s|r) → ∞.*(beta|alpha) → ∞")

    def test_random_small_data_sets(self):
        outcomes = {"fitted": 0, "failed": 0}
        for seed in range(1, 41):
            rng = np.random.default_rng(seed)
            data = unstructured(rng, int(rng.choice([1, 2, 5, 20, 50, 200])), seed % 2 == 0)
            for fitter in (cxm.ParetoNBDFitter(), cxm.BetaGeoFitter(),
                           cxm.ModifiedBetaGeoFitter()):
                error = self.timed_fit(fitter, data)
                if error is None:
                    outcomes["fitted"] += 1
                    self.assertTrue(np.isfinite(fitter.params_).all())
                    self.assertTrue(np.isfinite(fitter.standard_errors_).all())
                else:
                    outcomes["failed"] += 1
                    self.assertIn("fit failed", str(error))
        self.assertEqual(sum(outcomes.values()), 120)


class BetaGeoBetaBinom(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = pd.read_csv(os.path.join(DATA, "donations.csv"))
        cls.bgbb = cxm.BetaGeoBetaBinomFitter().fit(cls.d["frequency"], cls.d["recency"],
                                                    cls.d["periods"], weights=cls.d["weights"])

    def test_donations_published_estimates(self):
        p = self.bgbb.params_
        for name, value in (("alpha", 1.204), ("beta", 0.750), ("gamma", 0.657),
                            ("delta", 2.783)):
            self.assertAlmostEqual(p[name], value, delta=5e-4)
        self.assertAlmostEqual(self.bgbb.log_likelihood_, -33225.6, delta=0.1)

    def test_next_five_opportunities_and_alive(self):
        e = self.bgbb.conditional_expected_number_of_purchases_up_to_time(
            5, self.d["frequency"], self.d["recency"], self.d["periods"])
        self.assertAlmostEqual((e * self.d["weights"]).sum(), 12884.2, delta=0.5)
        alive = self.bgbb.conditional_probability_alive(1, [0, 2, 6], [0, 4, 6], 6)
        np.testing.assert_allclose(alive, [0.11, 0.59, 0.93], atol=0.005)
        # Later opportunities: survival keeps shrinking it.
        later = self.bgbb.conditional_probability_alive(5, 6, 6, 6)
        self.assertLess(later, alive[2])
        table = self.bgbb.expected_number_of_transactions_in_first_n_periods(6)
        self.assertAlmostEqual(table["model"].sum(), self.d["weights"].sum(), delta=1e-6)
        self.assertTrue(self.bgbb.discounted_expected_residual_transactions(6, 6, 6, 0.1) > 0)

    def test_bad_rows_raise(self):
        with self.assertRaises(cxm.InvalidArgumentError):
            cxm.BetaGeoBetaBinomFitter().fit([3], [2], [6])


class ShiftedBetaGeometricTests(unittest.TestCase):
    REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]

    def test_regular_cohort(self):
        sbg = cxm.ShiftedBetaGeometric().fit_survivors(self.REGULAR[:8])
        p = sbg.params_
        self.assertAlmostEqual(p["alpha"], 0.704, delta=5e-4)
        self.assertAlmostEqual(p["beta"], 1.182, delta=5e-4)
        self.assertAlmostEqual(sbg.log_likelihood_, -1680.27, delta=0.005)
        self.assertAlmostEqual(1000 * sbg.survival(12), 170.0, delta=0.5)
        table = sbg.projection(12)
        self.assertEqual(len(table), 13)
        self.assertAlmostEqual(table.loc[12, "survivors"], 1000 * sbg.survival(12))
        # Retention rises with tenure (heterogeneity, not loyalty).
        r = sbg.retention(np.arange(1, 13))
        self.assertTrue((np.diff(r) > 0).all())

    def test_del_and_derl_against_sums(self):
        sbg = cxm.ShiftedBetaGeometric().set_params(alpha=0.668, beta=3.806)
        d = 0.1
        t = np.arange(0, 4000)
        direct = (sbg.survival(t) / (1 + d) ** t).sum()
        self.assertAlmostEqual(sbg.discounted_expected_lifetime(d), direct, delta=1e-9 * direct)
        self.assertAlmostEqual(sbg.del_(d), direct, delta=1e-9 * direct)
        renewals = np.array([0.0, 3.0])
        derl = sbg.derl(d, renewals)
        for k, value in zip(renewals, derl):
            n = k + 1
            tt = np.arange(n, n + 4000)
            want = (sbg.survival(tt) / sbg.survival(n - 1) / (1 + d) ** (tt - n)).sum()
            self.assertAlmostEqual(value, want, delta=1e-9 * want)
        self.assertAlmostEqual(sbg.customer_lifetime_value(100, d), 100 * direct,
                               delta=1e-7 * direct)
        np.testing.assert_allclose(sbg.customer_lifetime_value(100, d, renewals), 100 * derl)

    def test_durations_equal_survivors(self):
        counts = self.REGULAR[:8]
        periods, active, weights = [], [], []
        for t in range(1, 8):
            periods.append(t), active.append(0), weights.append(counts[t - 1] - counts[t])
        periods.append(7), active.append(1), weights.append(counts[7])
        a = cxm.ShiftedBetaGeometric().fit(counts)
        b = cxm.ShiftedBetaGeometric().fit(periods=periods, active=active, weights=weights)
        pd.testing.assert_series_equal(a.params_, b.params_, rtol=1e-7)

    def test_errors(self):
        with self.assertRaises(cxm.InvalidArgumentError):
            cxm.ShiftedBetaGeometric().fit_survivors([100, 120])
        with self.assertRaises(cxm.StateError):
            cxm.ShiftedBetaGeometric().survival(1)


if __name__ == "__main__":
    unittest.main()
