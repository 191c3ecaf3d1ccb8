"""GGompertz/NBD (Bemmaor & Glady 2012; docs/models.md section 1.6.2).

* the log-likelihood equals an independent computation written here from the paper,
  L = G(r+x)/G(r) alpha^r [ (alpha+T)^-(r+x) S(T) + Int_{t_x}^T (alpha+tau)^-(r+x) f(tau) dtau ],
  S(tau) = (beta/(beta + e^(b tau) - 1))^s, f = -S', the integral by scipy.integrate.quad,
  to 1e-9;
* b -> 0 with beta/b fixed is the Pareto/NBD with that beta (its own kind in the library);
* 10^5 simulated customers with known parameters, and with known covariate effects, are
  fitted back with every parameter within three standard errors;
* predictions against simulation (P(alive) against the simulated alive flags, E[X(t)]
  against simulated counts) and against each other (DERT as the Laplace transform of
  E[Y(t)]);
* persistence and errors.
"""
import math
import unittest

import numpy as np
import pandas as pd
from scipy import integrate, special

import cxm
from cxm import core

TRUTH = np.array([0.8, 5.0, 0.05, 1.2, 3.0])  # r, alpha, b, s, beta
NONE = np.empty(0)


def model(kind, params):
    m = core.model_create(kind)
    core.model_set_params(m, np.asarray(params, dtype=float))
    return m


def direct_log_likelihood(params, x, t_x, big_t):
    """ln L from the paper's formula, with scipy's adaptive quadrature for the integral."""
    r, alpha, b, s, beta = params
    m = r + x
    head = special.gammaln(r + x) - special.gammaln(r) + r * math.log(alpha)

    def survival(t):
        return (beta / (beta + math.expm1(b * t))) ** s

    def density(t):
        return s * beta ** s * b * math.exp(b * t) / (beta + math.expm1(b * t)) ** (s + 1)

    first = (alpha + big_t) ** -m * survival(big_t)
    second = 0.0
    if big_t > t_x:
        second = integrate.quad(lambda t: (alpha + t) ** -m * density(t), t_x, big_t,
                                epsabs=0.0, epsrel=1e-13, limit=500)[0]
    return head + math.log(first + second)


def loglik(m, x, t_x, big_t):
    one = np.ones(1)
    return core.model_log_likelihood_of(m, x * one, t_x * one, big_t * one, NONE)


def columns(n, seed):
    """T of a cohort that joined over a year and is observed for 52 to 103 weeks."""
    return np.full(n, 52.0) + (np.arange(n) % 52)


class Likelihood(unittest.TestCase):
    PARAMS = [(0.8, 5.0, 0.1, 1.2, 3.0), (2.0, 20.0, 0.02, 0.5, 0.7), (0.5, 1.0, 1.5, 3.0, 50.0),
              (1.0, 10.0, 1e-3, 2.0, 0.01), (0.3, 0.2, 0.3, 0.4, 0.05)]
    HISTORIES = [(0, 0, 50), (3, 20, 39), (10, 0.5, 100), (1, 1, 1), (5, 30, 30.5),
                 (40, 70, 104)]

    def test_matches_scipy_quad(self):
        for p in self.PARAMS:
            m = model(core.MODEL_GGOMPERTZ_NBD, p)
            for x, t_x, big_t in self.HISTORIES:
                got = loglik(m, x, t_x, big_t)
                want = direct_log_likelihood(p, x, t_x, big_t)
                self.assertLess(abs(got - want), 1e-9 * max(1.0, abs(want)),
                                f"{p} {(x, t_x, big_t)}: {got!r} against {want!r}")

    def test_pareto_nbd_limit(self):
        """b -> 0 with beta/b = 11.669 fixed: the Pareto/NBD at CDNOW's estimates, with an
        error that shrinks like b."""
        r, alpha, s, beta_p = 0.553, 10.578, 0.606, 11.669
        pnbd = model(core.MODEL_PARETO_NBD, [r, alpha, s, beta_p])
        x = np.array([0.0, 1, 2, 7, 29, 221])
        t_x = np.array([0.0, 5.2, 30.43, 35.0, 38.0, 103.4])
        big_t = np.array([38.86, 39.0, 38.86, 38.0, 38.9, 103.6])
        want = core.model_log_likelihood_of(pnbd, x, t_x, big_t, NONE)
        errors = []
        for b in (1e-7, 1e-9):
            gg = model(core.MODEL_GGOMPERTZ_NBD, [r, alpha, b, s, b * beta_p])
            got = core.model_log_likelihood_of(gg, x, t_x, big_t, NONE)
            errors.append(abs(got - want) / abs(want))
            pa, pb = np.empty(6), np.empty(6)
            core.model_p_alive(pa, gg, x, t_x, big_t)
            core.model_p_alive(pb, pnbd, x, t_x, big_t)
            np.testing.assert_allclose(pa, pb, rtol=1e3 * b, atol=1e-12)
            ya, yb = np.empty(6), np.empty(6)
            core.model_conditional_purchases(ya, gg, np.full(6, 39.0), x, t_x, big_t)
            core.model_conditional_purchases(yb, pnbd, np.full(6, 39.0), x, t_x, big_t)
            np.testing.assert_allclose(ya, yb, rtol=1e3 * b)
        self.assertLess(errors[1], 1e-9)
        self.assertLess(errors[1], errors[0] / 30)


class Recovery(unittest.TestCase):
    def within(self, fitted, truth):
        est, se = fitted.params_.to_numpy(), fitted.standard_errors_.to_numpy()
        for name, e, s, t in zip(fitted.params_.index, est, se, truth):
            self.assertLess(abs(e - t), 3 * s, f"{name}: {e} ± {s}, true {t}")

    def test_plain(self):
        n = 100000
        big_t = columns(n, 0)
        x, t_x = np.empty(n), np.empty(n)
        core.model_simulate(model(core.MODEL_GGOMPERTZ_NBD, TRUTH), x, t_x, big_t, 42)
        fitted = cxm.GGompertzNBDFitter().fit(x, t_x, big_t)
        self.within(fitted, TRUTH)
        self.assertEqual(list(fitted.params_.index), ["r", "alpha", "b", "s", "beta"])

    def test_covariates(self):
        """Two purchase and two dropout covariates (a binary one and a standardised
        five-level one), effects (0.5, -0.3) and (-0.6, 0.4)."""
        n = 100000
        rng = np.random.default_rng(7)
        gender = rng.integers(0, 2, n).astype(float)
        level = (rng.integers(0, 5, n) - 2.0) / math.sqrt(2.0)
        effects = np.array([0.5, -0.3, -0.6, 0.4])
        truth = np.concatenate([TRUTH, effects])
        m = core.model_create(core.MODEL_GGOMPERTZ_NBD)
        core.model_set_covariates(m, ["gender", "level"], ["gender", "level"])
        core.model_set_params(m, truth)
        big_t = columns(n, 1)
        x, t_x = np.empty(n), np.empty(n)
        for k, (g, lv) in enumerate(sorted(set(zip(gender, level)))):
            who = np.flatnonzero((gender == g) & (level == lv))
            customer = core.model_for_customer(m, np.array([g, lv]), np.array([g, lv]))
            xs, txs = np.empty(who.size), np.empty(who.size)
            core.model_simulate(customer, xs, txs, np.ascontiguousarray(big_t[who]), 100 + k)
            x[who], t_x[who] = xs, txs
        z = pd.DataFrame({"gender": gender, "level": level})
        fitted = cxm.GGompertzNBDFitter().fit(x, t_x, big_t, purchase_covariates=z,
                                              dropout_covariates=z)
        self.assertEqual(list(fitted.params_.index)[5:],
                         ["purchase.gender", "purchase.level", "dropout.gender", "dropout.level"])
        self.within(fitted, truth)
        # A customer's predictions are those of the model at the customer's parameters.
        one = fitted.customer_model([1.0, 0.5], [1.0, 0.5])
        p = fitted.params_.to_numpy()
        scaled = p[:5].copy()
        scaled[1] *= math.exp(-(p[5] + 0.5 * p[6]))
        scaled[4] *= math.exp(-(p[7] + 0.5 * p[8]))
        np.testing.assert_allclose(one.params_.to_numpy(), scaled, rtol=1e-14)
        plain = cxm.GGompertzNBDFitter()
        plain.params_ = scaled
        self.assertAlmostEqual(float(one.conditional_probability_alive(3, 20.0, 60.0)),
                               float(plain.conditional_probability_alive(3, 20.0, 60.0)),
                               places=14)


class Predictions(unittest.TestCase):
    def test_p_alive_and_counts_against_simulation(self):
        m = model(core.MODEL_GGOMPERTZ_NBD, TRUTH)
        n = 200000
        big_t = columns(n, 2)
        lam, eta, alive = np.empty(n), np.empty(n), np.empty(n)
        core.model_simulate_latent(m, lam, eta, alive, big_t, 5)
        x, t_x = np.empty(n), np.empty(n)
        core.model_simulate(m, x, t_x, big_t, 5)  # the same customers (same seed)
        pa = np.empty(n)
        core.model_p_alive(pa, m, x, t_x, big_t)
        self.assertTrue(((pa >= 0) & (pa <= 1)).all())
        spread = math.sqrt(np.mean(pa * (1 - pa)) / n)
        self.assertLess(abs(pa.mean() - alive.mean()), 4 * spread)
        # E[X(t)] of new customers against the simulated mean at t = 52.
        ex = np.empty(1)
        core.model_expected_purchases(ex, m, np.array([52.0]))
        y, ty = np.empty(n), np.empty(n)
        core.model_simulate(m, y, ty, np.full(n, 52.0), 9)
        self.assertLess(abs(ex[0] - y.mean()), 4 * y.std() / math.sqrt(n))

    def test_dert_is_the_laplace_transform_of_expected_purchases(self):
        """DERT(rho) = rho Int_0^inf e^(-rho t) E[Y(t)] dt (by parts)."""
        m = model(core.MODEL_GGOMPERTZ_NBD, TRUTH)
        history = (np.array([3.0]), np.array([20.0]), np.array([39.0]))

        def cet(t):
            out = np.empty(1)
            core.model_conditional_purchases(out, m, np.array([t]), *history)
            return out[0]

        for rho in (0.01, 0.1):
            dert = np.empty(1)
            core.model_dert(dert, m, rho, *history)
            laplace = rho * integrate.quad(lambda t: math.exp(-rho * t) * cet(t), 0, np.inf,
                                           epsrel=1e-11, limit=400)[0]
            self.assertAlmostEqual(dert[0] / laplace, 1.0, places=8)

    def test_conditional_is_increasing_and_alive_is_one_after_a_purchase_today(self):
        f = cxm.GGompertzNBDFitter()
        f.params_ = TRUTH
        t = np.array([0.0, 1, 10, 100, 1000])
        y = f.conditional_expected_number_of_purchases_up_to_time(t, 4, 30.0, 50.0)
        self.assertEqual(y[0], 0.0)
        self.assertTrue((np.diff(y) > 0).all())
        self.assertEqual(float(f.conditional_probability_alive(4, 50.0, 50.0)), 1.0)

    def test_persistence(self):
        f = cxm.GGompertzNBDFitter()
        n = 5000
        big_t = columns(n, 3)
        x, t_x = np.empty(n), np.empty(n)
        core.model_simulate(model(core.MODEL_GGOMPERTZ_NBD, TRUTH), x, t_x, big_t, 3)
        f.fit(x, t_x, big_t)
        back = core.model_from_json(f.to_json())
        self.assertEqual(core.model_kind_name(core.model_get_kind(back)), "ggompertz-nbd")
        g = cxm.GGompertzNBDFitter()
        g._adopt(back)
        pd.testing.assert_series_equal(f.params_, g.params_)
        pd.testing.assert_series_equal(f.standard_errors_, g.standard_errors_)
        self.assertEqual(f.log_likelihood_, g.log_likelihood_)

    def test_errors(self):
        f = cxm.GGompertzNBDFitter()
        f.params_ = TRUTH
        with self.assertRaises(cxm.UnsupportedError):
            f.probability_of_n_purchases_up_to_time(10.0, 2)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "t_x 5 is greater than T 4"):
            f.conditional_probability_alive(1, 5.0, 4.0)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "b = -1"):
            f.params_ = [0.8, 5.0, -1.0, 1.2, 3.0]


if __name__ == "__main__":
    unittest.main()
