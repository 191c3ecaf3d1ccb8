"""Static covariates on CLVTools' apparel data (a development check; issue 17's done-when).

CLVTools' apparel retailer (apparelTrans.csv: Id, Date, Price; apparelStaticCov.csv: Id,
Gender, Channel) is GPL, so it is read from ../shared/data/apparel beside the source tree
(or $CXM_APPAREL_DIR) and never shipped; without it the check is skipped with a message.

The weekly summary is built as CLVTools' clvdata(time.unit = "weeks",
estimation.split = 104) builds it (docs/models.md section 1.11):
  * transactions of one customer on the same day are one transaction;
  * the estimation period ends 104 weeks (728 days) after the first date in the data, that
    day included;
  * per customer, from the transactions up to that end: x = the number of transactions
    after the first (repeat purchases), t_x = days from the first to the last / 7,
    T = days from the first to the end of the estimation period / 7.

Pareto/NBD and BG/NBD are fitted without covariates and with Gender and Channel on both
processes. Each fit must agree, to 1e-4 in the log-likelihood, with a direct maximisation
of the likelihood written down here from the papers, independently of the library:
  * Pareto/NBD (Schmittlein, Morrison & Colombo 1987; Fader & Hardie 2005's note): given
    the rates, L = lambda^x e^-(lambda+mu)T + lambda^x mu (e^-(lambda+mu)t_x - e^-(lambda+mu)T)
    / (lambda+mu); over the gamma mixtures
    L = G(r+x) alpha^r beta^s / G(r) [ (alpha+T)^-(r+x) (beta+T)^-s
                                        + s Int_{t_x}^{T} (alpha+u)^-(r+x) (beta+u)^-(s+1) du ],
    the integral by Gauss-Legendre quadrature (no hypergeometric function);
  * BG/NBD (Fader, Hardie & Lee 2005, eq. 6):
    L = B(a, b+x)/B(a, b) G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
        + [x > 0] B(a+1, b+x-1)/B(a, b) G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x)),
  * covariates in CLVTools' parameterisation: alpha_i = alpha exp(-g_p'z), and for the
    Pareto/NBD beta_i = beta exp(-g_d'z), for the BG/NBD a_i = a exp(g_d'z),
    b_i = b exp(g_d'z);
maximised by Nelder-Mead on the log-parameters and the effects (scipy is not needed),
restarted until it no longer improves.

GGompertz/NBD (Bemmaor & Glady 2012), S(tau) = (beta/(beta + e^(b tau) - 1))^s, f = -S':
    L = G(r+x) alpha^r / G(r) [ (alpha+T)^-(r+x) S(T) + Int_{t_x}^T (alpha+tau)^-(r+x) f(tau) dtau ],
the integral by Gauss-Legendre panels in tau, maximised with scipy.optimize. On apparel its
likelihood rises towards b -> 0 with beta/b fixed, the Pareto/NBD (its limit): the direct
maximisation runs there and its supremum is the Pareto/NBD's maximum, and the library
refuses to print a point on the way (as for the BG/NBD with Channel below).
"""
import os
import sys
import unittest

import numpy as np
import pandas as pd

import cxm
from cxm import core

TOP = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "..", ".."))
APPAREL = os.environ.get("CXM_APPAREL_DIR") or os.path.join(TOP, "..", "shared", "data",
                                                            "apparel")
ABSENT = (f"CLVTools' apparel data is not here: {APPAREL} (set CXM_APPAREL_DIR to a folder "
          "with apparelTrans.csv and apparelStaticCov.csv to run the check)")
PRESENT = all(os.path.exists(os.path.join(APPAREL, name))
              for name in ("apparelTrans.csv", "apparelStaticCov.csv"))
if not PRESENT:
    print(f"test_apparel: SKIP: {ABSENT}", file=sys.stderr)

COVARIATES = ["Gender", "Channel"]


def weekly_summary(directory):
    """The estimation-period summary, as CLVTools' clvdata(..., "weeks", 104) (see above)."""
    trans = pd.read_csv(os.path.join(directory, "apparelTrans.csv"), parse_dates=["Date"])
    days = trans[["Id", "Date"]].drop_duplicates()  # same-day transactions are one
    end = days["Date"].min() + pd.Timedelta(days=7 * 104)
    days = days[days["Date"] <= end]
    g = days.groupby("Id")["Date"]
    first, last = g.min(), g.max()
    summary = pd.DataFrame({"frequency": g.count() - 1,
                            "recency": (last - first).dt.days / 7.0,
                            "T": (end - first).dt.days / 7.0})
    cov = pd.read_csv(os.path.join(directory, "apparelStaticCov.csv")).set_index("Id")
    return summary.join(cov[COVARIATES], how="inner")


def log_gamma_ratio(shape, x):
    """ln G(shape + x) - ln G(shape) for whole x >= 0, as the sum of ln(shape + k), k < x:
    exact arithmetic with no gamma function (shape: a scalar or one value per customer)."""
    k = np.arange(int(x.max()) + 1)
    shape = np.broadcast_to(np.asarray(shape, dtype=float), x.shape)
    terms = np.where(k[None, :] < x[:, None], np.log(shape[:, None] + k[None, :]), 0.0)
    return terms.sum(axis=1)


NODES, WEIGHTS = np.polynomial.legendre.leggauss(32)
PANELS = 2


def pnbd_loglik(theta, x, t_x, T, zp, zd):
    """Pareto/NBD log-likelihood of every customer; theta = ln r, ln alpha, ln s, ln beta,
    then the purchase and the dropout effects."""
    r, alpha, s, beta = np.exp(theta[:4])
    gp, gd = theta[4:4 + zp.shape[1]], theta[4 + zp.shape[1]:]
    alpha_i, beta_i = alpha * np.exp(-zp @ gp), beta * np.exp(-zd @ gd)
    rx = r + x
    # The integral over [t_x, T] in u = ln(alpha_i + tau), on PANELS panels of nodes: the
    # integrand then decays like exp(-(r + x - 1) u), smooth for the quadrature.
    lo, hi = np.log(alpha_i + t_x), np.log(alpha_i + T)
    integral = np.zeros_like(x)
    for panel in range(PANELS):
        a = lo + (hi - lo) * panel / PANELS
        b = lo + (hi - lo) * (panel + 1) / PANELS
        u = (a + b)[:, None] / 2 + (b - a)[:, None] / 2 * NODES[None, :]
        tau = np.exp(u) - alpha_i[:, None]
        f = np.exp(u * (1.0 - rx[:, None])) * (beta_i[:, None] + tau) ** (-(s + 1.0))
        integral += (b - a) / 2 * (f @ WEIGHTS)
    head = (log_gamma_ratio(r, x) + r * np.log(alpha_i) + s * np.log(beta_i))
    body = (alpha_i + T) ** (-rx) * (beta_i + T) ** (-s) + s * integral
    return head + np.log(body)


def bgnbd_loglik(theta, x, t_x, T, zp, zd):
    """BG/NBD log-likelihood of every customer; theta = ln r, ln alpha, ln a, ln b, then the
    purchase and the dropout effects."""
    r, alpha, a, b = np.exp(theta[:4])
    gp, gd = theta[4:4 + zp.shape[1]], theta[4 + zp.shape[1]:]
    alpha_i = alpha * np.exp(-zp @ gp)
    a_i, b_i = a * np.exp(zd @ gd), b * np.exp(zd @ gd)
    # B(a, b+x)/B(a, b) = G(b+x) G(a+b) / (G(b) G(a+b+x)); with a+1 and b+x-1 likewise.
    stay = log_gamma_ratio(b_i, x) - log_gamma_ratio(a_i + b_i, x)
    xm1 = np.maximum(x - 1, 0)
    drop = (np.log(a_i) - np.log(a_i + b_i + xm1) + log_gamma_ratio(b_i, xm1)
            - log_gamma_ratio(a_i + b_i, xm1))
    common = log_gamma_ratio(r, x) + r * np.log(alpha_i)
    first = stay - (r + x) * np.log(alpha_i + T)
    second = np.where(x > 0, drop - (r + x) * np.log(alpha_i + t_x), -np.inf)
    return common + np.logaddexp(first, second)


def ggomnbd_loglik(theta, x, t_x, T, zp, zd):
    """GGompertz/NBD log-likelihood of every customer; theta = ln r, ln alpha, ln b, ln s,
    ln beta, then the purchase and the dropout effects (beta_i = beta exp(-g_d'z))."""
    r, alpha, b, s, beta = np.exp(theta[:5])
    gp, gd = theta[5:5 + zp.shape[1]], theta[5 + zp.shape[1]:]
    alpha_i, beta_i = alpha * np.exp(-zp @ gp), beta * np.exp(-zd @ gd)
    rx = r + x

    def big_lambda(tau, beta_i):  # -ln S / s
        return np.log1p(np.expm1(b * tau) / beta_i)

    first = -rx * np.log(alpha_i + T) - s * big_lambda(T, beta_i)
    integral = np.zeros_like(x)
    for panel in range(4):
        a = t_x + (T - t_x) * panel / 4
        c = t_x + (T - t_x) * (panel + 1) / 4
        tau = (a + c)[:, None] / 2 + (c - a)[:, None] / 2 * NODES[None, :]
        log_f = (np.log(s * b / beta_i)[:, None] + b * tau
                 - (s + 1) * big_lambda(tau, beta_i[:, None]))
        integral += (c - a) / 2 * (np.exp(log_f - rx[:, None] * np.log(alpha_i[:, None] + tau))
                                   @ WEIGHTS)
    return (log_gamma_ratio(r, x) + r * np.log(alpha_i) + np.log(np.exp(first) + integral))


def nelder_mead(f, start, step=0.5, tol=1e-12, max_evals=40000):
    """Minimise f from start by Nelder-Mead (standard coefficients), restarted from the best
    point with a fresh simplex until a restart no longer improves by more than 1e-10."""
    best = np.asarray(start, dtype=float)
    fbest = f(best)
    evals = 0
    while evals < max_evals:
        n = best.size
        simplex = np.vstack([best] + [best + step * np.eye(n)[i] for i in range(n)])
        values = np.array([f(p) for p in simplex])
        evals += n + 1
        while evals < max_evals:
            order = np.argsort(values)
            simplex, values = simplex[order], values[order]
            if values[-1] - values[0] < tol:
                break
            centroid = simplex[:-1].mean(axis=0)
            reflected = centroid + (centroid - simplex[-1])
            fr = f(reflected)
            evals += 1
            if fr < values[0]:
                expanded = centroid + 2.0 * (centroid - simplex[-1])
                fe = f(expanded)
                evals += 1
                simplex[-1], values[-1] = (expanded, fe) if fe < fr else (reflected, fr)
            elif fr < values[-2]:
                simplex[-1], values[-1] = reflected, fr
            else:
                contracted = centroid + 0.5 * (simplex[-1] - centroid)
                fc = f(contracted)
                evals += 1
                if fc < values[-1]:
                    simplex[-1], values[-1] = contracted, fc
                else:
                    simplex[1:] = simplex[0] + 0.5 * (simplex[1:] - simplex[0])
                    values[1:] = [f(p) for p in simplex[1:]]
                    evals += n
        improved = fbest - values[0]
        best, fbest = simplex[0], values[0]
        step = 0.05
        if improved < 1e-10:
            break
    return best, fbest


def fit(fitter, data, purchase, dropout):
    kwargs = {}
    if purchase:
        kwargs["purchase_covariates"] = data[purchase]
    if dropout:
        kwargs["dropout_covariates"] = data[dropout]
    return fitter().fit(data["frequency"], data["recency"], data["T"], **kwargs)


@unittest.skipUnless(PRESENT, ABSENT)
class Apparel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = weekly_summary(APPAREL)

    def direct_maximum(self, loglik, purchase, dropout):
        """(theta, the maximal log-likelihood) by Nelder-Mead on the likelihood above."""
        d = self.data
        x, t_x, T = (d[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
        zp, zd = (d[names].to_numpy(dtype=float) for names in (purchase, dropout))

        def negative(theta):
            with np.errstate(all="ignore"):
                value = -loglik(theta, x, t_x, T, zp, zd).sum()
            return value if np.isfinite(value) else np.inf

        # A start of the papers' kind (every parameter 1, no effect), not the library's.
        theta, value = nelder_mead(negative, np.zeros(4 + len(purchase) + len(dropout)))
        return theta, -value

    def agrees(self, model, loglik, names, purchase, dropout):
        theta, maximum = self.direct_maximum(loglik, purchase, dropout)
        self.assertLess(abs(model.log_likelihood_ - maximum), 1e-4)
        # The library's estimate is the direct maximum's point too.
        p = model.params_
        got = np.concatenate([np.log([p[n] for n in names]), p.to_numpy()[4:]])
        np.testing.assert_allclose(got, theta, atol=2e-3)

    def test_summary_is_clvtools_estimation_period(self):
        d = self.data
        # One cohort: every customer's first purchase is on the first day, so T = 104.
        self.assertEqual(len(d), 600)
        np.testing.assert_array_equal(d["T"], 104.0)
        self.assertTrue((d["recency"] <= d["T"]).all())
        self.assertTrue(((d["frequency"] == 0) == (d["recency"] == 0)).all())

    def test_pareto_nbd(self):
        names = ["r", "alpha", "s", "beta"]
        plain = fit(cxm.ParetoNBDFitter, self.data, [], [])
        full = fit(cxm.ParetoNBDFitter, self.data, COVARIATES, COVARIATES)
        self.agrees(plain, pnbd_loglik, names, [], [])
        self.agrees(full, pnbd_loglik, names, COVARIATES, COVARIATES)
        self.assertGreater(full.log_likelihood_, plain.log_likelihood_ + 20)
        statistic, df, _ = cxm.likelihood_ratio_test(plain, full)
        self.assertEqual(df, 4.0)
        self.assertAlmostEqual(statistic, 2 * (full.log_likelihood_ - plain.log_likelihood_),
                               places=9)

    def test_bg_nbd(self):
        names = ["r", "alpha", "a", "b"]
        plain = fit(cxm.BetaGeoFitter, self.data, [], [])
        self.agrees(plain, bgnbd_loglik, names, [], [])
        # Gender on the dropout process: an interior maximum.
        gender = fit(cxm.BetaGeoFitter, self.data, COVARIATES, ["Gender"])
        self.agrees(gender, bgnbd_loglik, names, COVARIATES, ["Gender"])
        self.assertGreater(gender.log_likelihood_, plain.log_likelihood_ + 10)
        # Channel on the dropout process has no maximum: the likelihood keeps rising as the
        # Channel-0 customers' beta distribution of p concentrates (a, b -> infinity with
        # a/(a+b) fixed, the Channel effect -> -infinity so that Channel 1 keeps finite
        # ones). The library says so instead of printing a point on the way; the direct
        # maximisation runs off the same way, above the interior fit.
        with self.assertRaisesRegex(cxm.ConvergenceError, "a → ∞, b → ∞"):
            fit(cxm.BetaGeoFitter, self.data, COVARIATES, COVARIATES)
        theta, supremum = self.direct_maximum(bgnbd_loglik, COVARIATES, COVARIATES)
        self.assertGreater(min(theta[2], theta[3]), 15.0)   # ln a, ln b
        self.assertLess(theta[7], -10.0)                     # dropout.Channel
        self.assertGreater(supremum, gender.log_likelihood_)

    def test_ggompertz_nbd(self):
        from scipy import optimize
        d = self.data
        x, t_x, T = (d[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
        sups = []
        for purchase, dropout in (([], []), (COVARIATES, COVARIATES)):
            zp, zd = (d[names].to_numpy(dtype=float) for names in (purchase, dropout))
            with self.assertRaisesRegex(cxm.ConvergenceError, "b → 0, beta → 0"):
                fit(cxm.GGompertzNBDFitter, d, purchase, dropout)

            def negative(theta):
                with np.errstate(all="ignore"):
                    value = -ggomnbd_loglik(theta, x, t_x, T, zp, zd).sum()
                return value if np.isfinite(value) else 1e300

            # Without covariates from b = e^-3 per week and every other parameter 1; with
            # them from the point reached without (moved to b = 1e-8) and no effect.
            start = np.concatenate([[0.0, 0.0, -3.0, 0.0, 0.0] if not sups else near[:5],
                                    np.zeros(zp.shape[1] * 2)])
            # Restarted from where it stopped until a restart no longer improves.
            theta, value = start, negative(start)
            for _ in range(50):
                result = optimize.minimize(negative, theta, method="Nelder-Mead",
                                           options={"maxfev": 20000, "xatol": 1e-8,
                                                    "fatol": 1e-10})
                improved = value - result.fun
                theta, value = result.x, result.fun
                if improved < 1e-9:
                    break
            sup = -value
            pnbd = fit(cxm.ParetoNBDFitter, d, purchase, dropout)
            self.assertLess(np.exp(theta[2]), 1e-5)  # b -> 0
            self.assertLess(abs(sup - pnbd.log_likelihood_), 1e-3)
            self.assertLessEqual(sup, pnbd.log_likelihood_ + 1e-6)
            # beta/b -> the Pareto/NBD's beta.
            self.assertAlmostEqual(np.exp(theta[4] - theta[2]) / pnbd.params_["beta"], 1.0,
                                   places=2)
            # The library's likelihood is the one written above, at the start and at the
            # point reached with b moved to 1e-8 (beta/b kept), within the library's range
            # (summed over the covariate patterns' customer models).
            near = theta.copy()
            near[[2, 4]] += np.log(1e-8) - theta[2]
            for point in (start, near):
                gg = cxm.GGompertzNBDFitter()
                if purchase:
                    core.model_set_covariates(gg._model, purchase, dropout)
                core.model_set_params(gg._model, np.concatenate([np.exp(point[:5]), point[5:]]))
                total = 0.0
                for key, rows in d.groupby(purchase or (lambda _: 0)):
                    z = np.atleast_1d(np.asarray(key, dtype=float)) if purchase else None
                    one = gg.customer_model(z, z) if purchase else gg
                    total += one.log_likelihood_of(rows["frequency"], rows["recency"],
                                                   rows["T"])
                want = ggomnbd_loglik(point, x, t_x, T, zp, zd).sum()
                self.assertLess(abs(total - want), 1e-6 * abs(want))
            sups.append(sup)
        self.assertGreater(sups[1], sups[0] + 20)


if __name__ == "__main__":
    unittest.main()
