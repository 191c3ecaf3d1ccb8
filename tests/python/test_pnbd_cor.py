"""Pareto/NBD with correlated purchase and dropout rates (docs/models.md section 1.6.1):
omega = 0 is the Pareto/NBD exactly; the likelihood equals a direct numerical
integration over (lambda, mu) of the Sarmanov density written here; known parameters are
recovered from simulation; predictions and errors."""
import math
import os
import pickle
import unittest

import numpy as np
import pandas as pd

import cxm
from cxm import core

DATA = os.path.join(os.environ.get("top_srcdir", ".."), "tests", "data")
TRUTH = np.array([0.5, 1.0, 0.5, 1.0, 2.0])  # r, alpha, s, beta, omega


def model(kind, params):
    m = core.model_create(kind)
    core.model_set_params(m, np.asarray(params, dtype=float))
    return m


def direct_likelihood(params, x, t_x, big_t, points=2500):
    """The Sarmanov mixture of the individual Pareto/NBD likelihood by a product
    trapezoid rule in (ln lambda, ln mu), independent of the library. The range reaches
    e^-70: with shapes of 0.5 the mass below e^u is about e^(u/2)."""
    r, alpha, s, beta, omega = params
    u = np.linspace(-70.0, 6.0, points)
    lam, mu = np.exp(u)[:, None], np.exp(u)[None, :]
    g = np.exp(r * np.log(alpha) + r * u[:, None] - alpha * lam - math.lgamma(r))
    h = np.exp(s * np.log(beta) + s * u[None, :] - beta * mu - math.lgamma(s))
    l1, l2 = (alpha / (alpha + 1)) ** r, (beta / (beta + 1)) ** s
    f = g * h * (1 + omega * (np.exp(-lam) - l1) * (np.exp(-mu) - l2))
    total = lam + mu
    individual = lam ** x * (np.exp(-total * big_t)
                             + mu / total * (np.exp(-total * t_x) - np.exp(-total * big_t)))
    du = u[1] - u[0]
    return float(np.sum(f * individual) * du * du)


class Correlated(unittest.TestCase):
    def test_omega_zero_is_pareto_nbd(self):
        d = pd.read_csv(os.path.join(DATA, "cdnow_customers_summary.csv"))
        x, t_x, big_t = (np.ascontiguousarray(d[c], dtype=float)
                         for c in ("frequency", "recency", "T"))
        p = [0.553, 10.578, 0.606, 11.669]
        cor, plain = model(core.MODEL_PARETO_NBD_COR, p + [0.0]), model(core.MODEL_PARETO_NBD, p)
        none = np.empty(0)
        self.assertEqual(core.model_log_likelihood_of(cor, x, t_x, big_t, none),
                         core.model_log_likelihood_of(plain, x, t_x, big_t, none))
        a, b = np.empty(x.size), np.empty(x.size)
        core.model_p_alive(a, cor, x, t_x, big_t)
        core.model_p_alive(b, plain, x, t_x, big_t)
        np.testing.assert_array_equal(a, b)

    def test_likelihood_matches_direct_integration(self):
        cor = model(core.MODEL_PARETO_NBD_COR, TRUTH)
        for x, t_x, big_t in ((0.0, 0.0, 30.0), (2.0, 10.0, 30.0), (7.0, 28.0, 30.0)):
            got = core.model_log_likelihood_of(cor, np.array([x]), np.array([t_x]),
                                               np.array([big_t]), np.empty(0))
            want = math.log(direct_likelihood(TRUTH, x, t_x, big_t))
            self.assertAlmostEqual(got, want, delta=1e-6, msg=(x, t_x, big_t))

    def test_recovery_from_simulation(self):
        n = 20000
        big_t = np.full(n, 52.0)
        x, t_x = np.empty(n), np.empty(n)
        core.model_simulate(model(core.MODEL_PARETO_NBD_COR, TRUTH), x, t_x, big_t, 7)
        fitted = cxm.ParetoNBDFitter(use_cor=True).fit(x, t_x, big_t)
        p, se = fitted.params_, fitted.standard_errors_
        self.assertEqual(list(p.index), ["r", "alpha", "s", "beta", "omega"])
        for name, value in zip(p.index, TRUTH):
            self.assertLessEqual(abs(p[name] - value), 3 * se[name], name)
        # Corr = omega·L1·L2·sqrt(rs)/((alpha+1)(beta+1)) = 2·(1/2)·(1/2)/4 at the truth,
        # and the simulated rates' correlation agrees.
        truth_model = cxm.ParetoNBDFitter(use_cor=True)
        truth_model._adopt(model(core.MODEL_PARETO_NBD_COR, TRUTH))
        self.assertAlmostEqual(truth_model.correlation_, 0.125, places=12)
        m = 400000
        lam, mu, alive = np.empty(m), np.empty(m), np.empty(m)
        core.model_simulate_latent(truth_model._model, lam, mu, alive, np.full(m, 10.0), 5)
        self.assertLess(abs(np.corrcoef(lam, mu)[0, 1] - 0.125), 4 / math.sqrt(m) * 3)
        plain = cxm.ParetoNBDFitter().fit(x, t_x, big_t)
        statistic, df, p_value = cxm.likelihood_ratio_test(plain, fitted)
        self.assertEqual(df, 1.0)
        self.assertLess(p_value, 1e-6)
        # E[X(t)] of a new customer against the simulation's mean.
        xs, txs = np.empty(m), np.empty(m)
        core.model_simulate(model(core.MODEL_PARETO_NBD_COR, TRUTH), xs, txs, np.full(m, 10.0), 3)
        expected = truth_model.expected_number_of_purchases_up_to_time(10.0)
        self.assertLess(abs(expected - xs.mean()), 4 * xs.std() / math.sqrt(m))
        # set_params(use_cor=...) chooses the model of the next fit.
        switched = cxm.ParetoNBDFitter().set_params(use_cor=True).fit(x, t_x, big_t)
        self.assertEqual(list(switched.params_.index), list(p.index))
        self.assertEqual(switched.set_params(use_cor=False).fit(x, t_x, big_t).params_.size, 4)
        # Pickling and the scikit-learn parameters keep use_cor.
        back = pickle.loads(pickle.dumps(fitted))
        self.assertTrue(back.use_cor)
        self.assertEqual(back.get_params()["use_cor"], True)
        self.assertEqual(list(back.params_), list(p))

    def test_predictions_in_range_and_errors(self):
        cor = cxm.ParetoNBDFitter(use_cor=True)
        cor._adopt(model(core.MODEL_PARETO_NBD_COR, TRUTH))
        alive = cor.conditional_probability_alive([0, 2, 10], [0, 20, 50], 52)
        self.assertTrue(np.all((alive >= 0) & (alive <= 1)))
        more = cor.conditional_expected_number_of_purchases_up_to_time(26, [0, 2, 10],
                                                                       [0, 20, 50], 52)
        self.assertTrue(np.all(np.isfinite(more) & (more >= 0)))
        with self.assertRaises(cxm.InvalidArgumentError) as caught:
            core.model_set_params(core.model_create(core.MODEL_PARETO_NBD_COR),
                                  np.array([0.5, 1.0, 0.5, 1.0, 50.0]))
        self.assertIn("omega", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
