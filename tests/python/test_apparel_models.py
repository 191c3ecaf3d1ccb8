"""The other models of issue 17 on CLVTools' apparel data (a development check, skipped when
../shared/data/apparel is absent; see test_apparel.py for the data and the weekly summary).

Each fit must agree with a direct maximisation of a likelihood written down here from the
papers, independently of the library (Nelder-Mead of test_apparel.py):
  * (M)BG/CNBD-k (Platzer & Reutterer 2016): a customer's ticks are Poisson with rate
    lambda ~ Gamma(r, alpha), every k-th tick is a purchase (inter-purchase times
    Gamma(k, lambda)); after each purchase (MBG: also after the first) the customer drops out
    with probability p ~ Beta(a, b). Integrating lambda and p out, with m = 0 (BG) or 1 (MBG),
    A = r + kx, u = (T - t_x)/(alpha + T):
      ln L = (k-1) litt - x ln (k-1)! + ln B(a, b+x+m) - ln B(a, b)
             + ln G(A) - ln G(r) + r ln alpha - A ln(alpha + T)
             + ln( sum_{j<k} (A)_j u^j / j!  +  d a/(b+x+m-1) ((alpha+T)/(alpha+t_x))^A ),
    d = [x > 0] for BG and 1 for MBG: the sum is the last, unfinished inter-purchase time
    lasting beyond T - t_x (j ticks into it); the second term the dropout right after the
    last purchase. k = 1 is BG/NBD (MBG/NBD, Batislam et al. 2007).
    litt is each customer's sum of log inter-purchase times, in weeks, of the day-merged
    purchases in the estimation period.
  * MBG/NBD with covariates: the k = 1 case with alpha_i = alpha exp(-g_p'z) and
    a_i = a exp(g_d'z), b_i = b exp(g_d'z), as for the BG/NBD in CLVTools.
  * Pareto/NBD with correlated rates (Sarmanov; Park & Fader 2004, CLVTools' use.cor):
    f(lambda, mu) = g(lambda) h(mu) [1 + omega (e^-lambda - L1)(e^-mu - L2)] with
    L1 = (alpha/(alpha+1))^r, L2 = (beta/(beta+1))^s; since e^-lambda g(lambda; r, alpha) =
    L1 g(lambda; r, alpha+1), the likelihood is the Pareto/NBD's P(alpha, beta) as
    P(a, b) + omega L1 L2 [P(a+1, b+1) - P(a+1, b) - P(a, b+1) + P(a, b)], and f >= 0 needs
    -1/max(L1 L2, (1-L1)(1-L2)) <= omega <= 1/max(L1 (1-L2), (1-L1) L2).
"""
import math
import os
import sys
import unittest

import numpy as np
import pandas as pd

import cxm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_apparel as apparel  # noqa: E402  (the data, the summary, Nelder-Mead)

COVARIATES = apparel.COVARIATES
lgr = apparel.log_gamma_ratio


def weekly_litt(directory, summary):
    """Sum of log inter-purchase times in weeks, per customer of summary, from the day-merged
    purchases of the estimation period (the same days as the summary's)."""
    trans = pd.read_csv(os.path.join(directory, "apparelTrans.csv"), parse_dates=["Date"])
    days = trans[["Id", "Date"]].drop_duplicates()
    end = days["Date"].min() + pd.Timedelta(days=7 * 104)
    days = days[days["Date"] <= end].sort_values(["Id", "Date"])
    gaps = days.groupby("Id")["Date"].diff().dt.days / 7.0
    litt = np.log(gaps).groupby(days["Id"]).sum()
    return litt.reindex(summary.index).fillna(0.0).to_numpy()


def cnbd_loglik(theta, k, mbg, x, t_x, T, litt, zp, zd):
    """(M)BG/CNBD-k log-likelihood of every customer at regularity k (see above); theta =
    ln r, ln alpha, ln a, ln b, then the purchase and the dropout effects."""
    r, alpha, a, b = np.exp(theta[:4])
    gp, gd = theta[4:4 + zp.shape[1]], theta[4 + zp.shape[1]:]
    alpha_i = alpha * np.exp(-zp @ gp)
    a_i, b_i = a * np.exp(zd @ gd), b * np.exp(zd @ gd)
    m = 1 if mbg else 0
    big_a = r + k * x
    head = ((k - 1) * litt - x * math.lgamma(k)
            + lgr(b_i, x + m) - lgr(a_i + b_i, x + m)
            + lgr(r, k * x) + r * np.log(alpha_i) - big_a * np.log(alpha_i + T))
    u = (T - t_x) / (alpha_i + T)
    term, tail = np.ones_like(x), np.ones_like(x)
    for j in range(1, k):
        term = term * (big_a + j - 1) * u / j
        tail = tail + term
    drop = np.where(x + m > 0, a_i / np.maximum(b_i + x + m - 1, 1e-300)
                    * ((alpha_i + T) / (alpha_i + t_x)) ** big_a, 0.0)
    return head + np.log(tail + drop)


def omega_limits(r, alpha, s, beta):
    l1, l2 = (alpha / (alpha + 1)) ** r, (beta / (beta + 1)) ** s
    return (-1 / max(l1 * l2, (1 - l1) * (1 - l2)), 1 / max(l1 * (1 - l2), (1 - l1) * l2),
            l1, l2)


def cor_loglik(theta, x, t_x, T):
    """Pareto/NBD with Sarmanov-correlated rates; theta = ln r, ln alpha, ln s, ln beta,
    omega. -inf outside omega's limits."""
    r, alpha, s, beta = np.exp(theta[:4])
    omega = theta[4]
    lo, hi, l1, l2 = omega_limits(r, alpha, s, beta)
    if not lo <= omega <= hi:
        return np.full_like(x, -np.inf)
    none = np.zeros((x.size, 0))

    def pnbd(shift_alpha, shift_beta):
        shifted = np.log([r, alpha + shift_alpha, s, beta + shift_beta])
        return apparel.pnbd_loglik(shifted, x, t_x, T, none, none)

    base = pnbd(0, 0)
    combo = (np.exp(pnbd(1, 1) - base) - np.exp(pnbd(1, 0) - base)
             - np.exp(pnbd(0, 1) - base) + 1.0)
    return base + np.log1p(omega * l1 * l2 * combo)


@unittest.skipUnless(apparel.PRESENT, apparel.ABSENT)
class ApparelModels(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = apparel.weekly_summary(apparel.APPAREL)
        cls.litt = weekly_litt(apparel.APPAREL, cls.data)
        d = cls.data
        cls.x, cls.t_x, cls.T = (d[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))

    def maximise(self, loglik, size, start=None):
        def negative(theta):
            with np.errstate(all="ignore"):
                value = -loglik(theta).sum()
            return value if np.isfinite(value) else np.inf
        theta, value = apparel.nelder_mead(negative, np.zeros(size) if start is None else start)
        return theta, -value

    def cnbd_maximum(self, k, mbg, purchase=(), dropout=()):
        zp, zd = (self.data[list(names)].to_numpy(dtype=float) for names in (purchase, dropout))
        return self.maximise(lambda th: cnbd_loglik(th, k, mbg, self.x, self.t_x, self.T,
                                                    self.litt, zp, zd),
                             4 + len(purchase) + len(dropout))

    def assert_agrees(self, model, theta, maximum, extra=()):
        self.assertLess(abs(model.log_likelihood_ - maximum), 1e-4)
        p = model.params_
        got = np.concatenate([np.log([p[n] for n in ("r", "alpha", "a", "b")]),
                              [p[n] for n in extra]])
        np.testing.assert_allclose(got, theta, atol=2e-3)

    def test_litt_matches_library(self):
        trans = pd.read_csv(os.path.join(apparel.APPAREL, "apparelTrans.csv"),
                            parse_dates=["Date"])
        end = trans["Date"].min() + pd.Timedelta(days=7 * 104)
        got = cxm.litt_from_transaction_data(trans, "Id", "Date", observation_period_end=end,
                                             freq_multiplier=7)
        np.testing.assert_allclose(got.reindex(self.data.index).fillna(0.0), self.litt,
                                   rtol=1e-12, atol=1e-12)

    def test_regular_models(self):
        for fitter, mbg in ((cxm.BGCNBDFitter, False), (cxm.MBGCNBDFitter, True)):
            with self.subTest(fitter=fitter.__name__):
                chosen = fitter().fit(self.data["frequency"], self.data["recency"],
                                      self.data["T"], self.litt)
                k = chosen.k_
                theta, maximum = self.cnbd_maximum(k, mbg)
                self.assert_agrees(chosen, theta, maximum)
                # k is chosen by likelihood: the direct maxima at the neighbouring k are lower.
                for other in (k - 1, k + 1):
                    if other >= 1:
                        self.assertLess(self.cnbd_maximum(other, mbg)[1], maximum)
                # A fixed k beyond 1 (Erlang inter-purchase times) agrees as well.
                fixed = fitter().fit(self.data["frequency"], self.data["recency"],
                                     self.data["T"], self.litt, k=k + 1)
                self.assert_agrees(fixed, *self.cnbd_maximum(k + 1, mbg))

    def test_mbg_nbd_covariates(self):
        d = self.data
        plain = cxm.ModifiedBetaGeoFitter().fit(d["frequency"], d["recency"], d["T"])
        full = cxm.ModifiedBetaGeoFitter().fit(d["frequency"], d["recency"], d["T"],
                                               purchase_covariates=d[COVARIATES],
                                               dropout_covariates=d[["Gender"]])
        self.assert_agrees(plain, *self.cnbd_maximum(1, True))
        effects = [f"purchase.{c}" for c in COVARIATES] + ["dropout.Gender"]
        self.assert_agrees(full, *self.cnbd_maximum(1, True, COVARIATES, ["Gender"]), effects)
        self.assertGreater(full.log_likelihood_, plain.log_likelihood_ + 10)

    def test_pareto_nbd_correlation_at_the_edge(self):
        """On apparel the correlated model's likelihood is largest on the edge of the
        Sarmanov family (omega at its upper limit): the library says so rather than
        reporting an interior point, and the direct maximisation confirms the edge and that
        the gain over the uncorrelated fit is not significant."""
        d = self.data
        with self.assertRaisesRegex(cxm.ConvergenceError, "edge of the Sarmanov family"):
            cxm.ParetoNBDFitter(use_cor=True).fit(d["frequency"], d["recency"], d["T"])
        plain = cxm.ParetoNBDFitter().fit(d["frequency"], d["recency"], d["T"])
        start = np.r_[np.log([plain.params_[n] for n in ("r", "alpha", "s", "beta")]), 0.0]
        theta, supremum = self.maximise(lambda th: cor_loglik(th, self.x, self.t_x, self.T),
                                        5, start)
        _, hi, _, _ = omega_limits(*np.exp(theta[:4]))
        self.assertGreater(theta[4], hi * (1 - 1e-3))
        self.assertGreater(supremum, plain.log_likelihood_)
        self.assertLess(2 * (supremum - plain.log_likelihood_), 3.84)  # chi2(1) at 5%


if __name__ == "__main__":
    unittest.main()
