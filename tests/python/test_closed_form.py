"""Closed-form lifetime value from Python: docs/models.md §1.1 values, numpy and pandas."""
import unittest

import numpy as np
import pandas as pd

import cxm


class ClosedForm(unittest.TestCase):
    def test_published_values(self):
        self.assertAlmostEqual(cxm.clv(margin=100, retention=0.8, discount=0.12), 250.0, places=10)
        self.assertAlmostEqual(cxm.clv(100, 0.85, 0.12), 314.814815, places=6)
        self.assertAlmostEqual(cxm.clv(100, 0.90, 0.12), 409.090909, places=6)
        self.assertAlmostEqual(cxm.clv(100, 0.8, 0.12, prepaid=True), 350.0, places=10)
        self.assertIsInstance(cxm.clv(100, 0.8, 0.12), float)

    def test_elasticities(self):
        np.testing.assert_allclose(cxm.clv_elasticity([0.8, 0.85, 0.9], 0.12),
                                   [3.5, 4.148148, 5.090909], atol=5e-7)
        self.assertAlmostEqual(cxm.clv_elasticity(0.8, 0.12, prepaid=True), 2.5)

    def test_arrays_broadcast_without_loops(self):
        retention = np.array([[0.8, 0.85], [0.9, 0.5]])
        values = cxm.clv(100, retention, 0.12)
        self.assertEqual(values.shape, (2, 2))
        expected = 100 * retention / (1.12 - retention)
        np.testing.assert_allclose(values, expected, rtol=1e-14)
        many = cxm.clv(np.full(100000, 100.0), np.linspace(0, 0.99, 100000), 0.1)
        self.assertEqual(many.shape, (100000,))
        self.assertTrue(np.all(np.diff(many) > 0))

    def test_integer_and_list_inputs(self):
        np.testing.assert_allclose(cxm.clv([100, 200], [0.8, 0.8], [0.12, 0.12]), [250, 500])

    def test_pandas_series_in_series_out(self):
        customers = pd.DataFrame({"margin": [100.0, 50.0], "retention": [0.8, 0.9]},
                                 index=["ann", "bob"])
        values = cxm.clv(customers["margin"], customers["retention"], 0.12)
        self.assertIsInstance(values, pd.Series)
        self.assertEqual(list(values.index), ["ann", "bob"])
        self.assertAlmostEqual(values["ann"], 250.0)

    def test_horizon(self):
        direct = sum(100 * 0.8 ** t / 1.12 ** t for t in range(1, 6))
        self.assertAlmostEqual(cxm.clv(100, 0.8, 0.12, horizon=5), direct, places=10)
        np.testing.assert_allclose(cxm.clv([100, 100], 0.8, 0.12, horizon=5), [direct, direct])
        with self.assertRaises(cxm.InvalidArgumentError):
            cxm.clv(100, 0.8, 0.12, horizon=2.5)

    def test_schedule_and_equity(self):
        self.assertAlmostEqual(cxm.clv_schedule([50, 80, 120], [0.5, 0.6, 0.9], 0.1),
                               50 * 0.5 / 1.1 + 80 * 0.3 / 1.21 + 120 * 0.27 / 1.331)
        self.assertAlmostEqual(cxm.customer_equity([1000, 1200], [250, 250], 120, 0.1),
                               1000 * 130 + 1200 * 130 / 1.1)
        self.assertAlmostEqual(cxm.customer_equity([10], [5]), 50)

    def test_version(self):
        self.assertRegex(cxm.__version__, r"^\d+\.\d+\.\d+$")
        self.assertEqual(cxm.__version__, "%d.%d.%d" % cxm.version_info)


if __name__ == "__main__":
    unittest.main()
