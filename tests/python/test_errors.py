"""Errors from Python: real exceptions in the cxm.Error hierarchy with the library's message."""
import unittest

import numpy as np

import cxm


class Errors(unittest.TestCase):
    def test_bad_retention_is_an_invalid_argument(self):
        with self.assertRaises(cxm.InvalidArgumentError) as caught:
            cxm.clv(margin=100, retention=1.5, discount=0.12)
        self.assertEqual(str(caught.exception), "retention 1.5 is outside [0, 1]")
        self.assertEqual(caught.exception.code, -1)
        self.assertIsInstance(caught.exception, cxm.Error)
        self.assertIsInstance(caught.exception, ValueError)

    def test_negative_discount(self):
        with self.assertRaisesRegex(cxm.InvalidArgumentError, r"discount -0\.1 must not be negative"):
            cxm.clv(100, 0.8, -0.1)

    def test_array_error_names_the_element(self):
        with self.assertRaisesRegex(cxm.InvalidArgumentError, r"element 2: retention 1\.2"):
            cxm.clv(100, np.array([0.5, 0.6, 1.2]), 0.1)

    def test_per_customer_errors_name_the_customer(self):
        # With pandas data the customer's index label, never a position the user never saw;
        # with numpy arrays the position, which is theirs.
        pd = __import__("pandas")
        ids = pd.Index(["A", "B", "C"], name="customer_id")
        summary = pd.DataFrame({"frequency": [1, 2, 0], "recency": [1, 6, 0], "T": [5, 5, 5],
                                "monetary_value": [10.0, -3.0, 0.0]}, index=ids)
        bgf = cxm.BetaGeoFitter()
        with self.assertRaises(cxm.InvalidArgumentError) as caught:
            bgf.fit(summary["frequency"], summary["recency"], summary["T"])
        self.assertEqual(str(caught.exception), "customer B: t_x 6 is greater than T 5")
        self.assertEqual((caught.exception.element, caught.exception.customer), (1, "B"))
        bgf.set_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, r"^customer B: t_x 6 is greater"):
            bgf.conditional_probability_alive(summary["frequency"], summary["recency"],
                                              summary["T"])
        with self.assertRaisesRegex(cxm.InvalidArgumentError,
                                    r"^customer B: monetary_value = -3 must be a finite number"):
            cxm.GammaGammaFitter().fit(summary["frequency"], summary["monetary_value"])
        with self.assertRaises(cxm.InvalidArgumentError) as caught:
            bgf.conditional_probability_alive(summary["frequency"].to_numpy(),
                                              summary["recency"].to_numpy(), 5)
        self.assertTrue(str(caught.exception).startswith("element 1: t_x 6"), caught.exception)
        self.assertEqual((caught.exception.element, caught.exception.customer), (1, None))
        # An index that names other things is named after them.
        scores = pd.Series([9, 11], index=pd.Index([7, 8], name="respondent"))
        with self.assertRaisesRegex(cxm.InvalidArgumentError, r"^scores: respondent 8: score 11"):
            cxm.chain.nps(scores)

    def test_nan_is_rejected(self):
        with self.assertRaises(cxm.InvalidArgumentError):
            cxm.clv(100, float("nan"), 0.1)

    def test_infinite_value_is_a_domain_error(self):
        with self.assertRaisesRegex(cxm.DomainError, "infinite"):
            cxm.clv(100, 1.0, 0.0)

    def test_non_numbers(self):
        with self.assertRaises(cxm.InvalidArgumentError):
            cxm.clv(["a"], 0.5, 0.1)
        with self.assertRaises(cxm.InvalidArgumentError):
            cxm.clv([1, 2, 3], [0.5, 0.5], 0.1)

    def test_length_mismatch_at_the_low_level(self):
        dst = np.empty(2)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "retention has 3 elements"):
            cxm.core.clv_retention_many(dst, np.ones(2), np.ones(3) * 0.5, np.ones(2), 0)

    def test_every_status_has_a_class(self):
        for code in range(-10, 0):
            cls = cxm._errors.ERROR_CLASSES[code]
            self.assertTrue(issubclass(cls, cxm.Error))
            self.assertEqual(cls.code, code)
        self.assertEqual(cxm.core.strerror(-1), "invalid argument")


if __name__ == "__main__":
    unittest.main()
