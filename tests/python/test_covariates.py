"""Static covariates from Python (docs/models.md section 1.11): known effects recovered
from customers simulated group by group, names and intervals in params_ and summary,
customers' own models, penalties and errors."""
import unittest

import numpy as np
import pandas as pd

import cxm

# CDNOW's BG/NBD (Fader, Hardie & Lee 2005) as the truth; channel doubles the purchase
# rate (effect ln 2), gender makes the dropout probabilities' a and b 1.5 times larger.
TRUTH = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PURCHASE_CHANNEL, DROPOUT_GENDER = np.log(2.0), np.log(1.5)


def simulate(n=60000, seed=0):
    """n customers in four groups, each drawn from its own BG/NBD: the covariates enter
    the parameters exactly as CLVTools' parameterisation says, computed here by hand."""
    frames = []
    for group in range(4):
        channel, gender = float(group % 2), float(group // 2)
        model = cxm.BetaGeoFitter()
        model.params_ = {"r": TRUTH["r"], "alpha": TRUTH["alpha"] * np.exp(-PURCHASE_CHANNEL * channel),
                         "a": TRUTH["a"] * np.exp(DROPOUT_GENDER * gender),
                         "b": TRUTH["b"] * np.exp(DROPOUT_GENDER * gender)}
        d = model.generate_new_data(T=39.0, size=n // 4, seed=seed + group)
        d["channel"], d["gender"] = channel, gender
        frames.append(d)
    data = pd.concat(frames, ignore_index=True)
    data.index = pd.Index([f"c{i}" for i in range(len(data))], name="customer_id")
    return data


class Covariates(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = simulate()
        d = cls.data
        cls.bgf = cxm.BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"],
                                          purchase_covariates=d[["channel"]],
                                          dropout_covariates=d[["gender"]])

    def test_known_effects_are_recovered(self):
        p, se = self.bgf.params_, self.bgf.standard_errors_
        self.assertEqual(list(p.index),
                         ["r", "alpha", "a", "b", "purchase.channel", "dropout.gender"])
        want = dict(TRUTH, **{"purchase.channel": PURCHASE_CHANNEL,
                              "dropout.gender": DROPOUT_GENDER})
        for name, value in want.items():
            self.assertLessEqual(abs(p[name] - value), 3 * se[name], name)

    def test_summary_intervals_take_each_parameter_on_its_scale(self):
        s = self.bgf.summary
        effect = s.loc["purchase.channel"]
        self.assertAlmostEqual(effect["lower 95% bound"],
                               effect["coef"] - 1.96 * effect["se(coef)"], places=12)
        r = s.loc["r"]
        self.assertAlmostEqual(r["lower 95% bound"] * r["upper 95% bound"], r["coef"] ** 2,
                               places=12)
        self.assertEqual(list(self.bgf.variance_matrix_.columns), list(s.index))

    def test_customer_model_has_the_group_parameters(self):
        p = self.bgf.params_
        both = self.bgf.customer_model([1.0], [1.0])
        q = both.params_
        self.assertIsInstance(both, cxm.BetaGeoFitter)
        self.assertAlmostEqual(q["alpha"], p["alpha"] * np.exp(-p["purchase.channel"]), places=12)
        self.assertAlmostEqual(q["a"], p["a"] * np.exp(p["dropout.gender"]), places=12)
        self.assertAlmostEqual(q["b"], p["b"] * np.exp(p["dropout.gender"]), places=12)
        lo, hi = both.conditional_probability_alive_interval(2, 30.0, 39.0)
        alive = both.conditional_probability_alive(2, 30.0, 39.0)
        self.assertTrue(lo < alive < hi)

    def test_predictions_with_each_customers_covariates(self):
        d = self.data.iloc[::97]
        args = (d["frequency"], d["recency"], d["T"])
        covariates = {"purchase_covariates": d[["channel"]], "dropout_covariates": d[["gender"]]}
        alive = self.bgf.conditional_probability_alive(*args, **covariates)
        expected = self.bgf.conditional_expected_number_of_purchases_up_to_time(39, *args,
                                                                                **covariates)
        self.assertIsInstance(alive, pd.Series)
        self.assertTrue(alive.index.equals(d.index))
        for channel in (0.0, 1.0):
            for gender in (0.0, 1.0):
                rows = (d["channel"] == channel) & (d["gender"] == gender)
                own = self.bgf.customer_model([channel], [gender])
                sub = (d["frequency"][rows], d["recency"][rows], d["T"][rows])
                np.testing.assert_array_equal(alive[rows].values,
                                              own.conditional_probability_alive(*sub).values)
                np.testing.assert_array_equal(
                    expected[rows].values,
                    own.conditional_expected_number_of_purchases_up_to_time(39, *sub).values)
        with self.assertRaises(cxm.Error) as caught:
            self.bgf.conditional_probability_alive(*args)
        self.assertIn("covariates", str(caught.exception))

    def test_value_and_dert_with_each_customers_covariates(self):
        d = self.data.iloc[::89]
        args = (d["frequency"], d["recency"], d["T"])
        covariates = {"purchase_covariates": d[["channel"]], "dropout_covariates": d[["gender"]]}
        spend = cxm.GammaGammaFitter().set_params(p=6.25, q=3.74, v=15.44)
        amounts = pd.Series(20.0 + (d["frequency"].values % 7), index=d.index)
        value = spend.customer_lifetime_value(self.bgf, *args, amounts, time=6, freq="W",
                                              **covariates)
        dert = self.bgf.discounted_expected_residual_transactions(*args, 0.01, **covariates)
        self.assertTrue(value.index.equals(d.index))
        for channel in (0.0, 1.0):
            for gender in (0.0, 1.0):
                rows = (d["channel"] == channel) & (d["gender"] == gender)
                own = self.bgf.customer_model([channel], [gender])
                sub = (d["frequency"][rows], d["recency"][rows], d["T"][rows])
                np.testing.assert_array_equal(
                    value[rows].values,
                    spend.customer_lifetime_value(own, *sub, amounts[rows], time=6,
                                                  freq="W").values)
                np.testing.assert_array_equal(
                    dert[rows].values,
                    own.discounted_expected_residual_transactions(*sub, 0.01).values)

    def test_likelihood_ratio_against_the_plain_fit(self):
        d = self.data
        plain = cxm.BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"])
        self.assertGreater(self.bgf.log_likelihood_, plain.log_likelihood_)
        self.assertLess(self.bgf.AIC_, plain.AIC_)
        statistic, df, p_value = cxm.likelihood_ratio_test(plain, self.bgf)
        self.assertEqual(df, 2.0)
        self.assertAlmostEqual(statistic, 2 * (self.bgf.log_likelihood_ - plain.log_likelihood_),
                               places=6)
        # With 2 degrees of freedom P(chi2 > s) = exp(-s/2).
        self.assertAlmostEqual(p_value, np.exp(-statistic / 2), places=15)
        self.assertLess(p_value, 1e-10)
        with self.assertRaises(cxm.InvalidArgumentError):
            cxm.likelihood_ratio_test(self.bgf, plain)

    def test_file_round_trip_keeps_the_covariates(self):
        back = cxm.BetaGeoFitter()
        back._model = cxm.core.model_from_json(self.bgf.to_json())
        self.assertEqual(list(back.params_.index), list(self.bgf.params_.index))

    def test_penalties_shrink_the_effects(self):
        d = self.data
        shrunk = cxm.BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"],
                                         purchase_covariates=d[["channel"]],
                                         dropout_covariates=d[["gender"]],
                                         purchase_penalty=1.0, dropout_penalty=1.0)
        for name in ("purchase.channel", "dropout.gender"):
            self.assertLess(abs(shrunk.params_[name]), abs(self.bgf.params_[name]))

    def test_shared_effect(self):
        d = self.data
        both = d[["gender"]]
        shared = cxm.BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"],
                                         purchase_covariates=both, dropout_covariates=both,
                                         shared_covariates=["gender"])
        self.assertEqual(list(shared.params_.index), ["r", "alpha", "a", "b", "shared.gender"])
        free = cxm.BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"],
                                       purchase_covariates=both, dropout_covariates=both)
        statistic, df, _ = cxm.likelihood_ratio_test(shared, free)
        self.assertEqual(df, 1.0)
        self.assertGreaterEqual(statistic, 0.0)
        with self.assertRaises(cxm.InvalidArgumentError):
            cxm.BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"],
                                    purchase_covariates=d[["channel"]],
                                    dropout_covariates=both, shared_covariates=["gender"])

    def test_errors_name_the_problem(self):
        d = self.data.head(400)
        with self.assertRaises(cxm.InvalidArgumentError) as caught:
            cxm.BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"],
                                    purchase_covariates=d[["channel"]].head(10))
        self.assertIn("purchase_covariates has 10 rows", str(caught.exception))
        constant = pd.DataFrame({"one": np.ones(len(d))}, index=d.index)
        with self.assertRaises(cxm.InvalidArgumentError) as caught:
            cxm.BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"],
                                    purchase_covariates=constant)
        self.assertIn("purchase.one has the same value", str(caught.exception))
        bad = d[["channel"]].copy()
        bad.iloc[5, 0] = np.nan
        with self.assertRaises(cxm.InvalidArgumentError):
            cxm.BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"],
                                    purchase_covariates=bad)
        with self.assertRaises(cxm.InvalidArgumentError):
            cxm.BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"], purchase_penalty=1.0)
        with self.assertRaises(cxm.Error):
            cxm.GammaGammaFitter().fit(d["frequency"] + 1, d["T"],
                                       purchase_covariates=d[["channel"]])


if __name__ == "__main__":
    unittest.main()
