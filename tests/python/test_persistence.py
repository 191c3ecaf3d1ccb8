"""Fitters that pickle and save with their data (lifetimes' save_model/load_model): every
fitter class of cxm.btyd and cxm.ltv2, fitted, given and empty; the round trip gives
identical predictions, summaries and data."""
import json
import os
import pickle
import tempfile
import unittest

import numpy as np
import pandas as pd

import cxm
from cxm import btyd
from cxm import generate_data as gd

T = np.repeat(np.arange(27.0, 40.0), 200)


def fitted_fitters():
    """One fitted instance of every fitter class, on simulated data with a customer index."""
    bg = gd.beta_geometric_nbd_model(T, r=0.243, alpha=4.414, a=0.793, b=2.426, seed=1)
    index = pd.Index([f"c{i}" for i in range(T.size)], name="customer")
    args = (bg["frequency"], bg["recency"], bg["T"])
    fitters = {
        "BetaGeoFitter": cxm.BetaGeoFitter().fit(*args, index=index),
        "ModifiedBetaGeoFitter": cxm.ModifiedBetaGeoFitter().fit(*args),
        "ParetoNBDFitter": cxm.ParetoNBDFitter().fit(*args, index=index),
    }
    repeat = bg[bg["frequency"] > 0]
    spend = cxm.GammaGammaFitter().set_params(p=6.25, q=3.74, v=15.44).generate_new_data(
        repeat["frequency"], seed=2)
    fitters["GammaGammaFitter"] = cxm.GammaGammaFitter().fit(repeat["frequency"], spend)
    bb = gd.beta_geometric_beta_binom_model(6, alpha=1.2, beta=0.75, gamma=0.66, delta=2.78,
                                            size=3000, seed=3)
    fitters["BetaGeoBetaBinomFitter"] = cxm.BetaGeoBetaBinomFitter().fit(
        bb["frequency"], bb["recency"], bb["n_periods"])
    fitters["ShiftedBetaGeometric"] = cxm.ShiftedBetaGeometric().fit_survivors(
        [1000, 631, 468, 382, 326, 289, 262, 241])
    return fitters


def predictions(fitter):
    """A few predictions of each kind of fitter, as one array."""
    if isinstance(fitter, btyd._PurchaseFitter):
        return np.concatenate([
            fitter.conditional_probability_alive([0, 2, 7], [0, 30.4, 20.0], [38.9, 38.9, 39]),
            fitter.conditional_expected_number_of_purchases_up_to_time(39, [0, 2], [0, 30.4],
                                                                       [38.9, 38.9]),
            fitter.probability_of_n_purchases_up_to_time(39, np.arange(5))])
    if isinstance(fitter, cxm.GammaGammaFitter):
        return fitter.conditional_expected_average_profit([1, 5], [20.0, 35.0])
    if isinstance(fitter, cxm.BetaGeoBetaBinomFitter):
        return np.concatenate([
            fitter.conditional_expected_number_of_purchases_up_to_time(5, [0, 3], [0, 5], [6, 6]),
            fitter.probability_of_n_purchases_up_to_time(6, np.arange(7))])
    return fitter.survival(np.arange(13.0))


class Pickle(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fitters = fitted_fitters()

    def test_every_fitter_class_is_covered(self):
        classes = {name for module in (cxm.btyd, cxm.ltv2) for name in module.__all__
                   if isinstance(getattr(module, name), type)}
        self.assertEqual(classes, set(self.fitters))

    def test_fitted_round_trip(self):
        for name, fitter in self.fitters.items():
            with self.subTest(fitter=name):
                back = pickle.loads(pickle.dumps(fitter))
                self.assertIs(type(back), type(fitter))
                np.testing.assert_array_equal(predictions(back), predictions(fitter))
                pd.testing.assert_frame_equal(back.summary, fitter.summary)
                self.assertEqual(back.log_likelihood_, fitter.log_likelihood_)
                if hasattr(fitter, "data"):
                    pd.testing.assert_frame_equal(back.data, fitter.data)
                self.assertEqual(repr(back), repr(fitter))
                # The copy is independent of the original.
                self.assertIsNot(back._model, fitter._model)

    def test_given_and_empty(self):
        given = cxm.ParetoNBDFitter(penalizer_coef=0.1).set_params(0.55, 10.6, 0.61, 11.7)
        back = pickle.loads(pickle.dumps(given))
        np.testing.assert_array_equal(predictions(back), predictions(given))
        self.assertEqual(back.penalizer_coef, 0.1)
        with self.assertRaises(cxm.StateError):
            back.log_likelihood_
        empty = pickle.loads(pickle.dumps(cxm.BetaGeoFitter()))
        with self.assertRaises(cxm.StateError):
            empty.params_
        # and it fits like a new one
        data = self.fitters["BetaGeoFitter"].data
        empty.fit(data["frequency"], data["recency"], data["T"])
        np.testing.assert_allclose(empty.params_, self.fitters["BetaGeoFitter"].params_,
                                   rtol=1e-8)


class SaveModel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fitters = fitted_fitters()

    def round_trip(self, fitter, **kwargs):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.json")
            fitter.save_model(path, **kwargs)
            by_function = cxm.load_model(path) if type(fitter) in btyd._FITTERS.values() \
                else None
            by_method = type(fitter)().load_model(path)
            with open(path) as f:
                doc = json.load(f)
            return by_function, by_method, doc

    def test_data_kept_when_asked(self):
        for name, fitter in self.fitters.items():
            with self.subTest(fitter=name):
                by_function, by_method, doc = self.round_trip(fitter)
                for back in (by_function, by_method):
                    if back is None:
                        continue
                    self.assertIs(type(back), type(fitter))
                    np.testing.assert_array_equal(predictions(back), predictions(fitter))
                    pd.testing.assert_frame_equal(back.summary, fitter.summary)
                    if hasattr(fitter, "data"):
                        pd.testing.assert_frame_equal(back.data, fitter.data)
                    else:
                        self.assertFalse(hasattr(back, "data"))
                self.assertEqual("data" in doc, hasattr(fitter, "data"))

    def test_data_left_out_when_asked(self):
        fitter = self.fitters["ParetoNBDFitter"]
        by_function, by_method, doc = self.round_trip(fitter, save_data=False,
                                                      save_generate_data_method=False,
                                                      values_to_save=[None])
        self.assertNotIn("data", doc)
        for back in (by_function, by_method):
            self.assertFalse(hasattr(back, "data"))
            np.testing.assert_array_equal(predictions(back), predictions(fitter))

    def test_files_beyond_the_c_reader_limit(self):
        fitter = self.fitters["BetaGeoFitter"]
        limit = btyd._C_READ_LIMIT
        btyd._C_READ_LIMIT = 100  # every file goes through Python's reader
        try:
            _, back, _ = self.round_trip(fitter)
            np.testing.assert_array_equal(predictions(back), predictions(fitter))
            pd.testing.assert_frame_equal(back.data, fitter.data)
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "model.json")
                with open(path, "w") as f:
                    f.write('{"kind": "bgnbd", "state": "given", "parameters": {"r": -1}}')
                with self.assertRaisesRegex(cxm.ParseError, "model.json: .*r"):
                    cxm.load_model(path)
                with open(path, "w") as f:
                    f.write("frequency,recency,T\n" * 20)
                with self.assertRaisesRegex(cxm.ParseError, "model.json: not a model JSON"):
                    cxm.load_model(path)
        finally:
            btyd._C_READ_LIMIT = limit

    def test_unwritable_path_leaves_nothing(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "missing", "model.json")
            with self.assertRaisesRegex(cxm.FileError, "missing"):
                self.fitters["BetaGeoFitter"].save_model(path)
            self.assertEqual(os.listdir(tmp), [])


if __name__ == "__main__":
    unittest.main()
