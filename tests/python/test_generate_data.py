"""cxm.generate_data: lifetimes' generators. Simulation with known parameters: the fitters
recover them within a few standard errors, and the columns' means match exact
formulas (the latent rates' gamma and beta means, E[X(T)] by one-dimensional
quadrature of the individual-level expectation, written here without libcxm)."""
import math
import unittest

import numpy as np
import pandas as pd

import cxm
from cxm import generate_data as gd

BG = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)       # CDNOW BG/NBD
MBG = dict(r=0.525, alpha=6.183, a=0.891, b=1.614)      # CDNOW MBG/NBD
PNBD = dict(r=0.553, alpha=10.578, s=0.606, beta=11.669)  # CDNOW Pareto/NBD
BGBB = dict(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)  # donations BG/BB

COHORTS = np.repeat(np.arange(27.0, 40.0), 2000)  # 13 weekly cohorts observed to week 39


def gauss_legendre_on(lo, hi, nodes=400):
    u, w = np.polynomial.legendre.leggauss(nodes)
    return lo + (hi - lo) * (u + 1) / 2, w * (hi - lo) / 2


def bg_expected_purchases(r, alpha, a, b, t, shift):
    """E[X(t)] of a BG/NBD (shift 0) or MBG/NBD (shift 1). Given lambda and p the purchases
    before dropout are min(N(t), J): E = (1-p)^shift (1 - e^(-lambda t p))/p; over lambda ~
    Gamma(r, alpha), E[e^(-lambda t p)] = (alpha/(alpha + t p))^r; over p ~ Beta(a, b) by
    Gauss-Legendre after p = u^(1/a), which removes the p^(a-1) singularity."""
    u, w = gauss_legendre_on(0.0, 1.0)
    p = u ** (1.0 / a)
    f = (1 - p) ** shift * -np.expm1(-r * np.log1p(t * p / alpha)) / p
    log_norm = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    return float(np.sum(w * f * (1 - p) ** (b - 1)) / a / math.exp(log_norm))


def pnbd_expected_purchases(r, alpha, s, beta, t):
    """E[X(t)] of a Pareto/NBD (Schmittlein, Morrison & Colombo 1987), s != 1."""
    return r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1))


def bgbb_expected_purchases(alpha, beta, gamma, delta, n):
    """E[X(n)] of a BG/BB: sum over opportunities k = 1..n of P(alive at k) E[p], with
    P(alive at k) = B(gamma, delta + k)/B(gamma, delta)."""
    k = np.arange(1, n + 1)
    lg = np.vectorize(math.lgamma)
    alive = np.exp(lg(delta + k) - lg(gamma + delta + k) + math.lgamma(gamma + delta)
                   - math.lgamma(delta))
    return alpha / (alpha + beta) * float(alive.sum())


class Shapes(unittest.TestCase):
    def test_columns_index_and_types(self):
        df = gd.beta_geometric_nbd_model(39, size=10, seed=1, **BG)
        self.assertEqual(list(df.columns), ["frequency", "recency", "T", "lambda", "p", "alive"])
        self.assertEqual(df.index.name, "customer_id")
        self.assertEqual(list(df.index), list(range(10)))
        df = gd.modified_beta_geometric_nbd_model(39, size=10, seed=1, **MBG)
        self.assertEqual(list(df.columns), ["frequency", "recency", "T", "lambda", "p", "alive"])
        df = gd.pareto_nbd_model([10.0, 20.0, 30.0], seed=1, **PNBD)
        self.assertEqual(list(df.columns), ["frequency", "recency", "T", "lambda", "mu", "alive"])
        self.assertEqual(list(df["T"]), [10.0, 20.0, 30.0])
        df = gd.beta_geometric_beta_binom_model(6, size=10, seed=1, **BGBB)
        self.assertEqual(list(df.columns), ["frequency", "recency", "n_periods", "p", "theta",
                                            "alive", "customer_id"])
        self.assertTrue(set(df["alive"]) <= {0.0, 1.0})
        self.assertTrue((df["recency"] <= df["n_periods"]).all())

    def test_seeds(self):
        a = gd.pareto_nbd_model(39, size=100, seed=7, **PNBD)
        pd.testing.assert_frame_equal(a, gd.pareto_nbd_model(39, size=100, seed=7, **PNBD))
        self.assertFalse(a.equals(gd.pareto_nbd_model(39, size=100, seed=8, **PNBD)))
        g1 = gd.pareto_nbd_model(39, size=100, seed=np.random.default_rng(5), **PNBD)
        g2 = gd.pareto_nbd_model(39, size=100, seed=np.random.default_rng(5), **PNBD)
        pd.testing.assert_frame_equal(g1, g2)
        # The same customers as the fitter's own simulator.
        sim = cxm.ParetoNBDFitter().set_params(**PNBD).generate_new_data(39, seed=7, size=100)
        np.testing.assert_array_equal(sim["frequency"], a["frequency"])
        np.testing.assert_array_equal(sim["recency"], a["recency"])

    def test_bad_arguments(self):
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "T has 3 values but size is 5"):
            gd.beta_geometric_nbd_model([1, 2, 3], size=5, **BG)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "r"):
            gd.beta_geometric_nbd_model(39, r=-1, alpha=1, a=1, b=1)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "N"):
            gd.beta_geometric_beta_binom_model(6.5, **BGBB)
        with self.assertRaisesRegex(cxm.RangeError, "size"):
            gd.pareto_nbd_model(39, size=10**12, **PNBD)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "freq"):
            gd.beta_geometric_nbd_model_transactional_data(39, freq="fortnight", **BG)


class TransactionLog(unittest.TestCase):
    def test_summary_gives_back_the_customers(self):
        kwargs = dict(observation_period_end="2020-06-30", freq="D", seed=11, **BG)
        log = gd.beta_geometric_nbd_model_transactional_data(COHORTS[::10] * 7, size=2600,
                                                             **kwargs)
        self.assertEqual(list(log.columns), ["customer_id", "date"])
        self.assertEqual(log["customer_id"].nunique(), 2600)
        self.assertLessEqual(log["date"].max(), pd.Timestamp("2020-06-30"))
        first = log.groupby("customer_id")["date"].min()
        expected_first = pd.Timestamp("2020-06-30") - pd.to_timedelta(COHORTS[::10] * 7, "D")
        self.assertTrue((first.values == expected_first.values).all())
        # The log holds the simulated customers: same seed, same counts.
        customers = cxm.BetaGeoFitter().set_params(**BG).generate_new_data(
            COHORTS[::10] * 7, seed=11)
        counts = log.groupby("customer_id").size() - 1
        np.testing.assert_array_equal(counts.values, customers["frequency"].values)
        last = log.groupby("customer_id")["date"].max()
        recency = (last - first).dt.total_seconds() / 86400
        np.testing.assert_allclose(recency.values, customers["recency"].values, atol=1e-6)


class KnownParameters(unittest.TestCase):
    """Fits of generated data recover the parameters: |estimate - truth| < 4 se."""

    def assert_recovers(self, fitter, truth):
        est, se = fitter.params_, fitter.standard_errors_
        for name, value in truth.items():
            self.assertLess(abs(est[name] - value), 4 * se[name],
                            f"{name}: {est[name]:.4f} +- {se[name]:.4f}, truth {value}")

    def test_bgnbd(self):
        df = gd.beta_geometric_nbd_model(COHORTS, seed=21, **BG)
        self.assert_recovers(cxm.BetaGeoFitter().fit(df["frequency"], df["recency"], df["T"]), BG)

    def test_mbgnbd(self):
        df = gd.modified_beta_geometric_nbd_model(COHORTS, seed=22, **MBG)
        self.assert_recovers(
            cxm.ModifiedBetaGeoFitter().fit(df["frequency"], df["recency"], df["T"]), MBG)

    def test_pareto_nbd(self):
        df = gd.pareto_nbd_model(COHORTS, seed=23, **PNBD)
        self.assert_recovers(cxm.ParetoNBDFitter().fit(df["frequency"], df["recency"], df["T"]),
                             PNBD)

    def test_bgbb(self):
        df = gd.beta_geometric_beta_binom_model(6, size=20000, seed=24, **BGBB)
        self.assert_recovers(cxm.BetaGeoBetaBinomFitter().fit(df["frequency"], df["recency"],
                                                              df["n_periods"]), BGBB)


class Moments(unittest.TestCase):
    """Sample means within 4 standard errors of exact means."""

    SIZE = 200000

    def assert_mean(self, values, exact, label):
        values = np.asarray(values, dtype=float)
        se = values.std(ddof=1) / math.sqrt(values.size)
        self.assertLess(abs(values.mean() - exact), 4 * se,
                        f"{label}: mean {values.mean():.6g} +- {se:.2g}, exact {exact:.6g}")

    def test_bgnbd(self):
        df = gd.beta_geometric_nbd_model(39, size=self.SIZE, seed=31, **BG)
        self.assert_mean(df["lambda"], BG["r"] / BG["alpha"], "lambda")
        self.assert_mean(df["p"], BG["a"] / (BG["a"] + BG["b"]), "p")
        self.assert_mean(df["frequency"], bg_expected_purchases(**BG, t=39, shift=0), "E[X(39)]")

    def test_mbgnbd(self):
        df = gd.modified_beta_geometric_nbd_model(39, size=self.SIZE, seed=32, **MBG)
        self.assert_mean(df["frequency"], bg_expected_purchases(**MBG, t=39, shift=1),
                         "E[X(39)]")
        # Alive at T only without any dropout: the mean of alive is at most 1 - E[p].
        self.assertLess(df["alive"].mean(), 1 - MBG["a"] / (MBG["a"] + MBG["b"]))

    def test_pareto_nbd(self):
        df = gd.pareto_nbd_model(39, size=self.SIZE, seed=33, **PNBD)
        self.assert_mean(df["lambda"], PNBD["r"] / PNBD["alpha"], "lambda")
        self.assert_mean(df["mu"], PNBD["s"] / PNBD["beta"], "mu")
        self.assert_mean(df["frequency"], pnbd_expected_purchases(**PNBD, t=39), "E[X(39)]")
        # P(alive at T) = E[e^(-mu T)] = (beta/(beta+T))^s.
        self.assert_mean(df["alive"], (PNBD["beta"] / (PNBD["beta"] + 39)) ** PNBD["s"],
                         "P(alive at 39)")

    def test_bgbb(self):
        df = gd.beta_geometric_beta_binom_model(6, size=self.SIZE, seed=34, **BGBB)
        g, d = BGBB["gamma"], BGBB["delta"]
        self.assert_mean(df["p"], BGBB["alpha"] / (BGBB["alpha"] + BGBB["beta"]), "p")
        self.assert_mean(df["theta"], g / (g + d), "theta")
        self.assert_mean(df["frequency"], bgbb_expected_purchases(**BGBB, n=6), "E[X(6)]")
        # Alive at opportunity 7: B(gamma, delta + 7)/B(gamma, delta).
        alive = math.exp(math.lgamma(d + 7) - math.lgamma(g + d + 7) + math.lgamma(g + d)
                         - math.lgamma(d))
        self.assert_mean(df["alive"], alive, "P(alive at 7)")


class ConditionalAgainstSimulation(unittest.TestCase):
    """The hidden columns continue the simulated customers: those with no repeat purchase
    in (0, 39] (x = t_x = 0, T = 39), alive at 39 with their own lambda and dropout, buy in
    the next 26 time units as P(X(T, T+t) = n | 0, 0, 39) says (within 4 standard errors)."""

    def check(self, counts, fitter):
        n = np.arange(5)
        exact = fitter.conditional_probability_of_n_purchases_up_to_time(n, 26.0, 0, 0, 39.0)
        for k in n:
            share = np.mean(counts == k)
            se = math.sqrt(exact[k] * (1 - exact[k]) / counts.size)
            self.assertLess(abs(share - exact[k]), 4 * se + 1e-12,
                            f"P(X = {k}): simulated {share:.5f}, exact {exact[k]:.5f}")

    def test_pareto_nbd(self):
        df = gd.pareto_nbd_model(39, size=400000, seed=41, **PNBD)
        quiet = df[df["frequency"] == 0]
        rng = np.random.default_rng(42)
        # Alive at 39: the rest of the lifetime is Exp(mu) again (no memory).
        left = np.where(quiet["alive"] == 1, rng.exponential(1 / quiet["mu"]), 0.0)
        counts = rng.poisson(quiet["lambda"] * np.minimum(left, 26.0))
        self.check(counts, cxm.ParetoNBDFitter().set_params(**PNBD))

    def test_bgnbd(self):
        df = gd.beta_geometric_nbd_model(39, size=400000, seed=43, **BG)
        quiet = df[df["frequency"] == 0]
        self.assertTrue((quiet["alive"] == 1).all())  # dropout only after a purchase
        rng = np.random.default_rng(44)
        # Purchases until the one after which the customer drops out.
        counts = np.minimum(rng.poisson(quiet["lambda"] * 26.0), rng.geometric(quiet["p"]))
        self.check(counts, cxm.BetaGeoFitter().set_params(**BG))


if __name__ == "__main__":
    unittest.main()
