"""Customer-level prediction intervals from Python: the delta method recomputed here with
numpy from the fit's covariance and central differences of the plain predictions, pandas
in and out, and errors. Coverage on simulated data is tested in tests/check_interval.c."""
import os
import unittest

import numpy as np
import pandas as pd
from statistics import NormalDist

import cxm
from cxm import core

DATA = os.path.join(os.environ.get("top_srcdir", ".."), "tests", "data")


def cdnow():
    """CDNOW's summary with mean spend (lifetimes' names for the columns)."""
    d = pd.read_csv(os.path.join(DATA, "cdnow_customers_summary_with_transactions.csv"))
    return d.rename(columns={"ID": "customer_id", "x": "frequency", "t_x": "recency",
                             "zbar": "monetary_value"})


def delta_interval(fitter, predict, transform, inverse, level):
    """The delta-method interval of predict(model handle) on the transform's scale, with
    the gradient in log-parameters by central differences of step 1e-3 (not the library's
    step), and the covariance of the log-parameters from the fit's covariance."""
    theta = fitter.params_.values
    cov = fitter.variance_matrix_.values / np.outer(theta, theta)
    kind = core.model_get_kind(fitter._model)
    centre = transform(predict(fitter._model))
    grads = []
    for j in range(theta.size):
        values = []
        for sign in (1, -1):
            shifted = theta.copy()
            shifted[j] = theta[j] * np.exp(sign * 1e-3)
            model = core.model_create(kind)
            core.model_set_params(model, shifted)
            values.append(transform(predict(model)))
        grads.append((values[0] - values[1]) / 2e-3)
    g = np.array(grads)
    sd = np.sqrt(np.einsum("in,ij,jn->n", g, cov, g))
    z = NormalDist().inv_cdf(0.5 + level / 2)
    return inverse(centre - z * sd), inverse(centre + z * sd)


def logit(p):
    return np.log(p) - np.log1p(-p)


def expit(v):
    return 1 / (1 + np.exp(-v))


class Intervals(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = cdnow()
        cls.repeat = cls.data[cls.data["frequency"] > 0].head(200)
        cls.bgf = cxm.BetaGeoFitter().fit(cls.data["frequency"], cls.data["recency"],
                                          cls.data["T"])

    def test_p_alive_matches_an_independent_delta_method(self):
        d = self.repeat
        x, tx, T = (np.ascontiguousarray(d[c], dtype=float) for c in ("frequency", "recency", "T"))

        def predict(model):
            out = np.empty(x.size)
            core.model_p_alive(model, out, x, tx, T)
            return out

        want_lo, want_hi = delta_interval(self.bgf, predict, logit, expit, 0.9)
        lo, hi = self.bgf.conditional_probability_alive_interval(x, tx, T, level=0.9)
        np.testing.assert_allclose(lo, want_lo, rtol=1e-5)
        np.testing.assert_allclose(hi, want_hi, rtol=1e-5)

    def test_expected_purchases_match_an_independent_delta_method(self):
        d = self.repeat
        x, tx, T = (np.ascontiguousarray(d[c], dtype=float) for c in ("frequency", "recency", "T"))
        t = np.full(x.size, 39.0)

        def predict(model):
            out = np.empty(x.size)
            core.model_conditional_purchases(model, out, t, x, tx, T)
            return out

        want_lo, want_hi = delta_interval(self.bgf, predict, np.log, np.exp, 0.95)
        lo, hi = self.bgf.conditional_expected_number_of_purchases_up_to_time_interval(
            39, x, tx, T)
        np.testing.assert_allclose(lo, want_lo, rtol=1e-5)
        np.testing.assert_allclose(hi, want_hi, rtol=1e-5)

    def test_pandas_in_pandas_out(self):
        d = self.data.set_index("customer_id").head(50)
        lo, hi = self.bgf.conditional_probability_alive_interval(d["frequency"], d["recency"],
                                                                 d["T"])
        self.assertIsInstance(lo, pd.Series)
        self.assertIsInstance(hi, pd.Series)
        self.assertTrue(lo.index.equals(d.index) and hi.index.equals(d.index))
        p = self.bgf.conditional_probability_alive(d["frequency"], d["recency"], d["T"])
        self.assertTrue(((lo <= p) & (p <= hi) & (lo >= 0) & (hi <= 1)).all())
        # No repeat purchase: P(alive) is 1 for every BG/NBD, a point.
        zero = d["frequency"] == 0
        self.assertTrue((lo[zero] == 1).all() and (hi[zero] == 1).all())
        a, b = self.bgf.conditional_probability_alive_interval(2, 30.43, 38.86)
        self.assertIsInstance(a, float)
        self.assertLess(a, b)

    def test_lifetime_value_interval_surrounds_the_value(self):
        d = self.repeat
        ggf = cxm.GammaGammaFitter().fit(d["frequency"], d["monetary_value"])
        args = (self.bgf, d["frequency"], d["recency"], d["T"], d["monetary_value"])
        value = ggf.customer_lifetime_value(*args, time=12, freq="W")
        lo, hi = ggf.customer_lifetime_value_interval(*args, time=12, freq="W")
        self.assertTrue(((lo < value) & (value < hi)).all())
        lo99, hi99 = ggf.customer_lifetime_value_interval(*args, time=12, freq="W", level=0.99)
        self.assertTrue(((lo99 < lo) & (hi < hi99)).all())

    def test_pareto_nbd(self):
        pnbd = cxm.ParetoNBDFitter().fit(self.data["frequency"], self.data["recency"],
                                         self.data["T"])
        lo, hi = pnbd.conditional_probability_alive_interval([0, 2, 7], [0, 30.43, 35], 38.86)
        p = pnbd.conditional_probability_alive([0, 2, 7], [0, 30.43, 35], 38.86)
        self.assertTrue(np.all((lo < p) & (p < hi)))

    def test_errors(self):
        for level in (0, 1, -1, 2, float("nan")):
            with self.assertRaises(cxm.InvalidArgumentError) as caught:
                self.bgf.conditional_probability_alive_interval(2, 30.43, 38.86, level=level)
            self.assertIn("level", str(caught.exception))
        with self.assertRaises(cxm.Error):
            self.bgf.conditional_probability_alive_interval(2, 30.43, 38.86, level="high")
        with self.assertRaises(cxm.InvalidArgumentError):
            self.bgf.conditional_probability_alive_interval(2, 40, 38.86)
        given = cxm.BetaGeoFitter()
        given._model = core.model_create(core.MODEL_BGNBD)
        core.model_set_params(given._model, self.bgf.params_.values)
        with self.assertRaises(cxm.StateError) as caught:
            given.conditional_probability_alive_interval(2, 30.43, 38.86)
        self.assertIn("covariance", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
