"""BG/CNBD-k and MBG/CNBD-k from Python (docs/models.md section 1.12): k = 1 is
BG/NBD, recovery of k and the parameters from simulated customers, the regularity
estimate, errors, and (when the GPL grocery log of BTYDplus is next to the source
tree) the paper's finding that regular buyers fit better with k > 1."""
import math
import os
import tempfile
import unittest

import numpy as np
import pandas as pd

import cxm

GROCERY = os.path.join(os.environ.get("top_srcdir", ".."), "..", "shared", "data", "grocery",
                       "groceryElog.csv")


def simulate(fitter, n, seed):
    big_t = 52.0 + 26.0 * (np.arange(n) * 7919 % 1000) / 999.0
    return fitter.generate_new_data(big_t, seed=seed, transactions=True)


class Regular(unittest.TestCase):
    def test_k1_is_bgnbd(self):
        bg = cxm.BetaGeoFitter()
        bg.params_ = {"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.4}
        c1 = cxm.BGCNBDFitter()
        c1.params_ = {"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.4, "k": 1}
        data = bg.generate_new_data(np.full(500, 39.0), seed=3)
        x, t_x = data["frequency"].to_numpy(), data["recency"].to_numpy()
        # Any litt a history allows: below x·ln(t_x/x), equal to it for one purchase.
        litt = np.where(x > 0, x * np.log(np.where(x > 0, t_x, 1.0) / np.maximum(x, 1.0))
                        - 0.1 * np.maximum(x - 1.0, 0.0), 0.0)
        l4 = bg.log_likelihood_of(data["frequency"], data["recency"], data["T"])
        l5 = c1.log_likelihood_of(data["frequency"], data["recency"], data["T"], litt)
        self.assertAlmostEqual(l4, l5, delta=1e-11 * abs(l4))
        np.testing.assert_allclose(
            c1.conditional_probability_alive(data["frequency"], data["recency"], data["T"]),
            bg.conditional_probability_alive(data["frequency"], data["recency"], data["T"]),
            rtol=0, atol=1e-12)

    def test_recovery_and_k(self):
        truth = cxm.MBGCNBDFitter()
        truth.params_ = {"r": 1.2, "alpha": 3.0, "a": 0.8, "b": 2.5, "k": 3}
        data, log = simulate(truth, 20000, 17)
        self.assertIn("litt", data.columns)
        fit = cxm.MBGCNBDFitter().fit(data["frequency"], data["recency"], data["T"],
                                      data["litt"])
        self.assertEqual(fit.k_, 3)
        se = fit.standard_errors_
        for name in ("r", "alpha", "a", "b"):
            self.assertLessEqual(abs(fit.params_[name] - truth.params_[name]), 3 * se[name],
                                 name)
        self.assertEqual(se["k"], 0.0)
        fixed = cxm.MBGCNBDFitter().fit(data["frequency"], data["recency"], data["T"],
                                        data["litt"], k=1)
        self.assertEqual(fixed.k_, 1)
        self.assertLess(fixed.log_likelihood_, fit.log_likelihood_)
        alive = fit.conditional_probability_alive(data["frequency"], data["recency"],
                                                  data["T"])
        self.assertTrue(((alive >= 0) & (alive <= 1)).all())
        ey = fit.conditional_expected_number_of_purchases_up_to_time(
            26, data["frequency"], data["recency"], data["T"])
        self.assertTrue(np.isfinite(ey).all() and (ey >= 0).all())
        # Persistence keeps k.
        with tempfile.TemporaryDirectory() as tmp:
            fit.save_model(os.path.join(tmp, "m.json"))
            back = cxm.load_model(os.path.join(tmp, "m.json"))
        self.assertIsInstance(back, cxm.MBGCNBDFitter)
        self.assertEqual(back.k_, 3)
        # The regularity estimate from the same customers' purchase times.
        first = pd.DataFrame({"customer": np.arange(len(data)), "time": 0.0})
        est = cxm.estimate_regularity(pd.concat([first, log]), "customer", "time")
        self.assertLess(abs(est - 3.0), 0.3, est)

    def test_errors(self):
        m = cxm.BGCNBDFitter()
        with self.assertRaises(cxm.InvalidArgumentError):
            m.fit([2], [10.0], [20.0], [2 * math.log(5.0) + 0.01])
        with self.assertRaises(cxm.InvalidArgumentError):
            m.fit([1, 2], [1.0, 3.0], [5.0, 5.0], [0.0, 0.0], k=0)
        with self.assertRaises(cxm.ArgumentTypeError):
            m.fit([1, 2], [1.0, 3.0], [5.0, 5.0], [0.0, 0.0], k=2.5)
        with self.assertRaises(cxm.DomainError):
            cxm.estimate_regularity(None, customer=[1, 1], time=[0.0, 1.0])

    def test_litt_from_transactions(self):
        log = pd.DataFrame({"id": ["a", "a", "a", "a", "b", "c", "c"],
                            "date": pd.to_datetime(["2020-01-01", "2020-01-03", "2020-01-03",
                                                    "2020-01-10", "2020-01-02", "2020-01-05",
                                                    "2020-02-05"])})
        litt = cxm.litt_from_transaction_data(log, "id", "date",
                                              observation_period_end="2020-01-31",
                                              freq_multiplier=7)
        self.assertAlmostEqual(litt["a"], math.log(2 / 7) + math.log(1.0), delta=1e-12)
        self.assertEqual(litt["b"], 0.0)
        self.assertEqual(litt["c"], 0.0)  # its second purchase is after the end
        summary = cxm.summary_data_from_transaction_data(
            log, "id", "date", observation_period_end="2020-01-31", freq="D",
            freq_multiplier=7)
        fit = cxm.BGCNBDFitter()
        fit.params_ = {"r": 1.0, "alpha": 1.0, "a": 1.0, "b": 2.0, "k": 2}
        ll = fit.log_likelihood_of(summary["frequency"], summary["recency"], summary["T"],
                                   litt[summary.index])
        self.assertTrue(math.isfinite(ll))

    @unittest.skipUnless(os.path.exists(GROCERY), "BTYDplus's grocery log (GPL) is not in "
                         "../shared/data/grocery: skipped")
    def test_grocery(self):
        # BTYDplus's elog2cbs with T.cal = 2006-12-31, in weeks.
        elog = pd.read_csv(GROCERY, parse_dates=["date"])
        end = "2006-12-31"
        summary = cxm.summary_data_from_transaction_data(
            elog, "cust", "date", observation_period_end=end, freq="D", freq_multiplier=7)
        litt = cxm.litt_from_transaction_data(elog, "cust", "date", observation_period_end=end,
                                              freq_multiplier=7)
        cbs = pd.DataFrame({"x": summary["frequency"], "t_x": summary["recency"],
                            "T": summary["T"], "litt": litt[summary.index]})
        bg = cxm.BetaGeoFitter().fit(cbs["x"], cbs["t_x"], cbs["T"])
        cn = cxm.BGCNBDFitter().fit(cbs["x"], cbs["t_x"], cbs["T"], cbs["litt"])
        mbg = cxm.MBGCNBDFitter().fit(cbs["x"], cbs["t_x"], cbs["T"], cbs["litt"])
        print(f"grocery: BG/NBD ln L {bg.log_likelihood_:.2f}; BG/CNBD-k k={cn.k_} "
              f"ln L {cn.log_likelihood_:.2f}; MBG/CNBD-k k={mbg.k_} ln L "
              f"{mbg.log_likelihood_:.2f}")
        self.assertGreater(cn.k_, 1)
        self.assertGreater(cn.log_likelihood_, bg.log_likelihood_)
        self.assertGreater(mbg.log_likelihood_, bg.log_likelihood_)


if __name__ == "__main__":
    unittest.main()
