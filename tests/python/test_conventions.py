"""Python conventions of the fitters (issue 16): an unknown fit() keyword is a TypeError
naming it, get_params/set_params have scikit-learn's meaning (constructor arguments), the
fitted parameters are params_."""
import contextlib
import io
import os
import unittest

import numpy as np
import pandas as pd

import cxm

DATA = os.path.join(os.environ.get("top_srcdir", ".."), "tests", "data")

# Fader & Hardie (2007), regular cohort, survivors after years 0..7.
SURVIVORS = [1000, 631, 468, 382, 326, 289, 262, 241]


def fitters():
    """(fitter class, fit arguments, published estimates) for every fitter."""
    cdnow = pd.read_csv(os.path.join(DATA, "cdnow_customers_summary.csv"))
    spend = pd.read_csv(os.path.join(DATA, "cdnow_customers_summary_with_transactions.csv"))
    spend = spend[spend["x"] > 0]
    donations = pd.read_csv(os.path.join(DATA, "donations.csv"))
    purchases = (cdnow["frequency"], cdnow["recency"], cdnow["T"])
    return [
        # docs/models.md: BG/NBD and Pareto/NBD on CDNOW, Gamma-Gamma, BG/BB donations, sBG.
        (cxm.BetaGeoFitter, purchases, {}, {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}),
        (cxm.ModifiedBetaGeoFitter, purchases, {}, None),
        (cxm.ParetoNBDFitter, purchases, {},
         {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}),
        (cxm.GammaGammaFitter, (spend["x"], spend["zbar"]), {},
         {"p": 6.25, "q": 3.74, "v": 15.44}),
        (cxm.BetaGeoBetaBinomFitter,
         (donations["frequency"], donations["recency"], donations["periods"]),
         {"weights": donations["weights"]},
         {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}),
        (cxm.ShiftedBetaGeometric, (SURVIVORS,), {}, {"alpha": 0.704, "beta": 1.182}),
    ]


class UnknownKeywords(unittest.TestCase):
    def test_each_fitter_names_the_keyword(self):
        for cls, args, kwargs, _ in fitters():
            with self.subTest(cls.__name__):
                with self.assertRaises(TypeError) as caught:
                    cls().fit(*args, purchase_covariate=[1, 2], **kwargs)
                self.assertIn("purchase_covariate", str(caught.exception))
                if cls is not cxm.ShiftedBetaGeometric:   # fit_survivors' own signature
                    self.assertIsInstance(caught.exception, cxm.ArgumentTypeError)

    def test_scipy_options_other_than_maxiter_and_disp(self):
        cdnow = pd.read_csv(os.path.join(DATA, "cdnow_customers_summary.csv"))
        with self.assertRaises(TypeError) as caught:
            cxm.BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"], gtol=1e-3)
        self.assertIn("'gtol'", str(caught.exception))
        # Pareto/NBD's lifetimes-only keywords belong to Pareto/NBD alone.
        with self.assertRaises(TypeError):
            cxm.BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"],
                                    iterative_fitting=3)

    def test_lifetimes_keywords_are_honoured(self):
        cdnow = pd.read_csv(os.path.join(DATA, "cdnow_customers_summary.csv"))
        data = (cdnow["frequency"], cdnow["recency"], cdnow["T"])
        # maxiter is scipy's max_iterations: one Newton step does not converge.
        with self.assertRaises(cxm.ConvergenceError):
            cxm.BetaGeoFitter().fit(*data, maxiter=1)
        with self.assertRaises(cxm.InvalidArgumentError):
            cxm.BetaGeoFitter().fit(*data, maxiter=50, max_iterations=50)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            cxm.BetaGeoFitter().fit(*data, disp=True)
        self.assertTrue(out.getvalue().strip())
        pnbd = cxm.ParetoNBDFitter().fit(*data, iterative_fitting=3, fit_method="Nelder-Mead",
                                         maxiter=2000)
        self.assertAlmostEqual(pnbd.params_["r"], 0.553, delta=5e-4)
        with self.assertRaises(cxm.InvalidArgumentError):
            cxm.ParetoNBDFitter().fit(*data, iterative_fitting=0)
        with self.assertRaises(TypeError):
            cxm.ParetoNBDFitter().fit(*data, fit_method=3)


class ScikitLearnParams(unittest.TestCase):
    def test_get_params_are_constructor_arguments(self):
        for cls, _, _, _ in fitters():
            with self.subTest(cls.__name__):
                f = cls(penalizer_coef=0.25)
                want = {"penalizer_coef": 0.25}
                if cls is cxm.ParetoNBDFitter:
                    want["use_cor"] = False
                self.assertEqual(f.get_params(), want)
                self.assertEqual(f.get_params(deep=False), want)

    def test_set_params_round_trip(self):
        for cls, _, _, _ in fitters():
            with self.subTest(cls.__name__):
                f = cls()
                self.assertIs(f.set_params(penalizer_coef=0.5), f)
                self.assertEqual(f.penalizer_coef, 0.5)
                g = cls().set_params(**f.get_params())
                self.assertEqual(g.get_params(), f.get_params())
                with self.assertRaises(ValueError) as caught:
                    f.set_params(penalizer=0.1)
                self.assertIn("'penalizer'", str(caught.exception))
                self.assertIsInstance(caught.exception, cxm.InvalidArgumentError)

    def test_clone_is_unfitted_with_same_arguments(self):
        # scikit-learn's clone: type(f)(**f.get_params(deep=False)).
        for cls, args, kwargs, _ in fitters():
            with self.subTest(cls.__name__):
                f = cls(penalizer_coef=0.0).fit(*args, **kwargs)
                copy = type(f)(**f.get_params(deep=False))
                self.assertIsNot(copy, f)
                self.assertEqual(copy.get_params(), f.get_params())
                with self.assertRaises(cxm.StateError):
                    copy.params_
                self.assertEqual(f.params_.index.tolist(), list(cls._public_names))

    def test_penalizer_set_by_set_params_changes_the_fit(self):
        cdnow = pd.read_csv(os.path.join(DATA, "cdnow_customers_summary.csv"))
        data = (cdnow["frequency"], cdnow["recency"], cdnow["T"])
        plain = cxm.BetaGeoFitter().fit(*data).params_
        penalized = cxm.BetaGeoFitter().set_params(penalizer_coef=0.1).fit(*data).params_
        self.assertGreater(np.abs(plain - penalized).max(), 1e-3)


class FittedParams(unittest.TestCase):
    def test_params_after_fit(self):
        for cls, args, kwargs, published in fitters():
            with self.subTest(cls.__name__):
                f = cls().fit(*args, **kwargs)
                p = f.params_
                self.assertIsInstance(p, pd.Series)
                self.assertEqual(list(p.index), list(cls._public_names))
                np.testing.assert_array_equal(p.values, f.summary["coef"].values)
                # The published estimates, rounded (Pareto/NBD's beta within 0.02: docs/models.md).
                for name, value in (published or {}).items():
                    self.assertAlmostEqual(p[name], value, delta=max(5e-3, 1.5e-3 * value))

    def test_params_assignment(self):
        f = cxm.BetaGeoFitter()
        f.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
        g = cxm.BetaGeoFitter()
        g.params_ = f.params_
        h = cxm.BetaGeoFitter()
        h.params_ = [0.243, 4.414, 0.793, 2.426]
        pd.testing.assert_series_equal(g.params_, f.params_)
        pd.testing.assert_series_equal(h.params_, f.params_)
        # Model parameters by name through set_params still work (and return self).
        k = cxm.BetaGeoFitter()
        self.assertIs(k.set_params(r=0.243, alpha=4.414, a=0.793, b=2.426), k)
        pd.testing.assert_series_equal(k.params_, f.params_)
        with self.assertRaises(cxm.InvalidArgumentError):
            cxm.BetaGeoFitter().params_ = {"r": 1.0}


class TypeHints(unittest.TestCase):
    def test_package_is_marked_typed(self):
        # PEP 561: type checkers read an installed package's hints only with py.typed.
        self.assertTrue(os.path.isfile(os.path.join(os.path.dirname(cxm.__file__), "py.typed")))

    def test_fit_signatures_are_annotated(self):
        # mypy checks every function (tests/mypy.sh); here, what users see at run time.
        for cls, _, _, _ in fitters():
            with self.subTest(cls.__name__):
                hints = cls.fit.__annotations__
                self.assertIn("return", hints)
                self.assertIn("frequency" if "frequency" in hints else "survivors", hints)


if __name__ == "__main__":
    unittest.main()
