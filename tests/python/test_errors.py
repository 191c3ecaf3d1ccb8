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
