"""Pareto/NBD with time-varying covariates from Python (docs/models.md section 1.13):
the likelihood against an independent scipy.integrate.quad evaluation of the formula,
every effect 0 against the Pareto/NBD, the segments built from a transaction log,
recovery of known effects, predictions with future covariates, errors naming the
customer."""

import math
import unittest

import numpy as np
import pandas as pd

import cxm

try:
    from scipy import integrate
    from scipy.special import gammaln
except ImportError:  # pragma: no cover - scipy is a development dependency
    integrate = None


def fitter_with(params, purchase=("p1", "p2"), dropout=("d1",)):
    """A ParetoNBDFitter with covariates and given parameters."""
    f = cxm.ParetoNBDFitter().set_covariates(purchase, dropout)
    f.params_ = list(params)
    return f


def random_customers(rng, n, kp=2, kd=1, extra=0.0):
    """Customers with irregular segments and made-up purchases."""
    x, t_x, T, per, ends, counts, zp, zd = [], [], [], [], [], [], [], []
    for _ in range(n):
        T_i = float(rng.uniform(2.0, 30.0))
        cuts = np.cumsum(rng.uniform(0.2, 4.0, size=40))
        cuts = cuts[: np.searchsorted(cuts, T_i + extra) + 1]
        k = len(cuts)
        c = np.zeros(k)
        x_i = int(rng.poisson(3.0))
        t_x_i = float(rng.uniform(0.0, T_i)) if x_i else 0.0
        if x_i:
            last = int(np.searchsorted(cuts, t_x_i))
            c[last] += 1
            for _ in range(x_i - 1):
                c[int(rng.integers(0, last + 1))] += 1
        x.append(x_i), t_x.append(t_x_i), T.append(T_i), per.append(k)
        ends += list(cuts)
        counts += list(c)
        zp.append(rng.normal(size=(k, kp))), zd.append(rng.normal(size=(k, kd)))
    return cxm.DynamicCovariates(x, t_x, T, per, ends, counts, np.vstack(zp), np.vstack(zd),
                                 [f"p{j + 1}" for j in range(kp)],
                                 [f"d{j + 1}" for j in range(kd)])


def reference_loglik(params, data, i):
    """ln L of customer i straight from the formula (natural scale, scipy quad per
    segment): Γ(r+x)α^r/Γ(r) Π_j e^(g_p'x(t_j)) [(α+B(T))^-(r+x) (β/(β+D(T)))^s
    + ∫_{t_x}^T (α+B)^-(r+x) s β^s e^(g_d'z) (β+D)^-(s+1) dτ]."""
    r, alpha, s, beta = params[:4]
    kp, kd = data.purchase.shape[1], data.dropout.shape[1]
    gp, gd = np.asarray(params[4:4 + kp]), np.asarray(params[4 + kp:4 + kp + kd])
    o = int(data.segments[:i].sum())
    k = int(data.segments[i])
    ends = data.ends[o:o + k]
    a = np.exp(data.purchase[o:o + k] @ gp)
    d = np.exp(data.dropout[o:o + k] @ gd)
    starts = np.concatenate([[0.0], ends[:-1]])
    B0 = np.concatenate([[0.0], np.cumsum(a * (ends - starts))[:-1]])
    D0 = np.concatenate([[0.0], np.cumsum(d * (ends - starts))[:-1]])
    x, t_x, T = data.frequency[i], data.recency[i], data.T[i]
    m = r + x

    def where(tau):
        j = min(int(np.searchsorted(ends, tau)), k - 1)
        return j, B0[j] + a[j] * (tau - starts[j]), D0[j] + d[j] * (tau - starts[j])

    def integrand(tau):
        j, B, D = where(tau)
        return (alpha + B) ** -m * s * beta ** s * d[j] * (beta + D) ** -(s + 1)

    _, B_T, D_T = where(T)
    total = (alpha + B_T) ** -m * (beta / (beta + D_T)) ** s
    for j in range(k):
        lo, hi = max(starts[j], t_x), min(ends[j], T)
        if hi > lo:
            total += integrate.quad(integrand, lo, hi, epsabs=0.0, epsrel=1e-13, limit=200)[0]
    product = float(data.counts[o:o + k] @ (data.purchase[o:o + k] @ gp))
    return gammaln(r + x) - gammaln(r) + r * math.log(alpha) + product + math.log(total)


class Likelihood(unittest.TestCase):
    @unittest.skipIf(integrate is None, "scipy is not installed")
    def test_matches_scipy_quadrature(self):
        rng = np.random.default_rng(17)
        data = random_customers(rng, 25)
        for params in ([0.7, 4.0, 0.6, 9.0, 0.5, -0.3, 0.8],
                       [2.5, 1.5, 1.8, 30.0, -1.2, 0.4, -1.5],
                       [0.3, 12.0, 0.2, 2.0, 0.1, 1.0, 0.3]):
            got = fitter_with(params).dynamic_log_likelihood(data).to_numpy()
            want = np.array([reference_loglik(params, data, i) for i in range(len(data))])
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)

    def test_zero_effects_are_the_pareto_nbd(self):
        rng = np.random.default_rng(5)
        data = random_customers(rng, 40, extra=12.0)
        params = [0.55, 10.5, 0.6, 11.7]
        dynamic = fitter_with(params + [0.0, 0.0, 0.0])
        plain = cxm.ParetoNBDFitter()
        plain.params_ = params
        np.testing.assert_allclose(
            dynamic.conditional_probability_alive(data).to_numpy(),
            plain.conditional_probability_alive(data.frequency, data.recency, data.T),
            rtol=1e-11, atol=1e-13)
        np.testing.assert_allclose(
            dynamic.conditional_expected_number_of_purchases_up_to_time(12.0, data).to_numpy(),
            plain.conditional_expected_number_of_purchases_up_to_time(
                12.0, data.frequency, data.recency, data.T), rtol=1e-11)

    def test_extreme_effects_stay_in_range(self):
        rng = np.random.default_rng(8)
        data = random_customers(rng, 30, extra=20.0)
        for e in (-5.0, -2.0, 0.0, 2.0, 5.0):
            f = fitter_with([0.8, 5.0, 0.7, 12.0, e, -e, e])
            p = f.conditional_probability_alive(data).to_numpy()
            y = f.conditional_expected_number_of_purchases_up_to_time(20.0, data).to_numpy()
            self.assertTrue(np.all((p >= 0) & (p <= 1)))
            self.assertTrue(np.all(np.isfinite(y) & (y >= 0)))


class FromTransactions(unittest.TestCase):
    def test_segments_of_a_small_log(self):
        tx = pd.DataFrame({"id": ["a", "a", "a", "a", "b", "b"],
                           "date": pd.to_datetime(["2024-01-03", "2024-01-03", "2024-01-09",
                                                   "2024-01-22", "2024-01-15", "2024-02-20"])})
        weeks = pd.date_range("2024-01-01", periods=8, freq="7D")  # Mondays
        cov = pd.DataFrame({"week": weeks, "promo": np.arange(8.0)})
        d = cxm.DynamicCovariates.from_transactions(
            tx, cov, "id", "date", period_col="week", purchase_covariates=["promo"],
            observation_period_end="2024-01-31", freq="D")
        self.assertEqual(list(d.index), ["a", "b"])
        # a: first purchase Jan 3 (the same day twice counts once), repeats Jan 9 and 22,
        # T = 28 days; b: first Jan 15, the Feb 20 purchase is after the end.
        np.testing.assert_array_equal(d.frequency, [2, 0])
        np.testing.assert_array_equal(d.recency, [19, 0])
        np.testing.assert_array_equal(d.T, [28, 16])
        np.testing.assert_array_equal(d.segments, [5, 3])
        # a's weeks start Jan 1, 8, 15, 22, 29: ends 5, 12, 19, 26, 33 days after Jan 3.
        np.testing.assert_array_equal(d.ends, [5, 12, 19, 26, 33, 7, 14, 21])
        np.testing.assert_array_equal(d.counts, [0, 1, 0, 1, 0, 0, 0, 0])
        np.testing.assert_array_equal(d.purchase[:, 0], [0, 1, 2, 3, 4, 2, 3, 4])
        self.assertEqual(d.dropout.shape, (8, 0))

    def test_gaps_and_late_covariates_name_the_customer(self):
        tx = pd.DataFrame({"id": [1, 1, 2], "date": pd.to_datetime(
            ["2024-01-03", "2024-01-10", "2024-01-04"])})
        weeks = pd.date_range("2024-01-01", periods=6, freq="7D")
        cov = pd.DataFrame({"id": [1] * 6 + [2] * 5,
                            "week": list(weeks) + [weeks[0]] + list(weeks[2:]),
                            "z": np.zeros(11)})
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "customer 2: .*gap"):
            cxm.DynamicCovariates.from_transactions(
                tx, cov, "id", "date", period_col="week", dropout_covariates=["z"],
                observation_period_end="2024-02-01")
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "customer 1: covariates end"):
            cxm.DynamicCovariates.from_transactions(
                tx, cov, "id", "date", period_col="week", dropout_covariates=["z"],
                observation_period_end="2024-02-01", until="2024-03-01")

    def test_library_errors_name_the_customer(self):
        rng = np.random.default_rng(2)
        data = random_customers(rng, 5)
        data.index = pd.Index(["u", "v", "w", "x", "y"], name="customer")
        data.counts = data.counts.copy()
        data.counts[int(data.segments[:2].sum())] += 1.0  # w's counts no longer add up to x
        f = fitter_with([0.8, 5.0, 0.7, 12.0, 0.1, 0.2, 0.3])
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "customer w: .*add up to"):
            f.dynamic_log_likelihood(data)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "customer .: the segments end"):
            f.conditional_expected_number_of_purchases_up_to_time(1000.0, data)


class Recovery(unittest.TestCase):
    def test_known_effects_within_three_standard_errors(self):
        rng = np.random.default_rng(23)
        n, weeks = 6000, 40
        join = rng.uniform(0, 8, n)
        T = weeks - join
        seg = []
        for j, t in zip(join, T):
            e = np.arange(1, weeks + 2) - (j - np.floor(j))  # week ends after joining
            e = e[e > 0]
            seg.append(e[: np.searchsorted(e, t) + 1])      # up to the first reaching T
        per = np.array([len(e) for e in seg], dtype=float)
        ends = np.concatenate(seg)
        rows = int(per.sum())
        zp = np.column_stack([np.sin(np.arange(rows) / 4.0) + 0.3 * rng.normal(size=rows),
                              np.repeat(np.arange(n) % 2, per.astype(int))])
        zd = rng.normal(size=(rows, 1))
        shell = cxm.DynamicCovariates(np.zeros(n), np.zeros(n), T, per, ends, np.zeros(rows),
                                      zp, zd, ["season", "group"], ["z"])
        truth = [0.8, 6.0, 0.7, 15.0, 0.5, -0.4, 0.6]
        data, _ = fitter_with(truth, ("season", "group"), ("z",)).simulate_dynamic(shell, 3)
        fit = cxm.ParetoNBDFitter().fit_dynamic(data)
        summary = fit.summary
        for name, value in zip(summary.index, truth):
            z = (summary.loc[name, "coef"] - value) / summary.loc[name, "se(coef)"]
            self.assertLess(abs(z), 3.0, f"{name}: {summary.loc[name].to_dict()}")


if __name__ == "__main__":
    unittest.main()
