"""cxm.dask fits and predictions with static covariates on a distributed.LocalCluster of
two worker processes started here: for BG/NBD, MBG/NBD and Pareto/NBD the chunked
covariate fit equals fitter.fit with the same covariates (estimates, standard errors,
log-likelihood, iterations), penalties and shared effects included; predictions use each
customer's covariates; bad covariates are named.

Skipped (exit 77, with the reason printed) only when python3-distributed is not
installed; CI installs it (scripts/install-deps.sh)."""
import faulthandler
import logging
import os
import sys
import unittest

try:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster
except ImportError as exc:  # pragma: no cover - the one reason to skip
    print(f"SKIP: cxm.dask tests need python3-dask and python3-distributed ({exc})")
    sys.exit(77)

import numpy as np
import pandas as pd

import cxm
import cxm.dask as cd
from cxm import core

RELATIVE = 1e-9
CLUSTER = CLIENT = None
SANITIZED = "asan" in os.environ.get("LD_PRELOAD", "")
MEMORY_LIMIT = "1.5GiB" if SANITIZED else "400MiB"

# The truth per kind: the kind's own parameters (CDNOW's published estimates, Fader,
# Hardie & Lee 2005; Schmittlein et al. via CLVTools' CDNOW example), then the effects in
# the order the model names them.
CASES = {
    # Purchase g, h; dropout h: g raises the purchase rate, h lowers it and scales the
    # dropout probability's a and b.
    "bgnbd": dict(fitter=cxm.BetaGeoFitter, base=(0.243, 4.414, 0.793, 2.426),
                  purchase=["g", "h"], dropout=["h"], shared=[],
                  effects=(0.5, -0.3, 0.4), options={}),
    # One effect each, both penalised.
    "mbgnbd": dict(fitter=cxm.ModifiedBetaGeoFitter, base=(0.243, 4.414, 0.793, 2.426),
                   purchase=["g"], dropout=["h"], shared=[], effects=(0.5, 0.4),
                   options=dict(purchase_penalty=0.01, dropout_penalty=0.02)),
    # g on both processes with one shared effect, and h on dropout.
    "pareto-nbd": dict(fitter=cxm.ParetoNBDFitter, base=(0.553, 10.578, 0.606, 11.669),
                       purchase=["g"], dropout=["h", "g"], shared=["g"], effects=(0.5, 0.6),
                       options={}),
}


def setUpModule():
    global CLUSTER, CLIENT
    # A cluster that cannot work must fail the test, never hang make check.
    faulthandler.dump_traceback_later(600, exit=True)
    CLUSTER = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           memory_limit=MEMORY_LIMIT, dashboard_address=None,
                           silence_logs=logging.ERROR)
    CLIENT = Client(CLUSTER)


def tearDownModule():
    CLIENT.close()
    CLUSTER.close()
    faulthandler.cancel_dump_traceback_later()


def close(a, b, rel=RELATIVE):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.all(np.abs(a - b) <= rel * np.maximum(np.abs(a), np.abs(b)))


def with_covariates(case, fitter=None):
    """A fitter of the case's kind with its covariates named (as fit() names them)."""
    fitter = fitter or case["fitter"]()
    core.model_set_covariates(fitter._model, case["purchase"], case["dropout"])
    if case["shared"]:
        core.model_share_covariates(fitter._model, case["shared"])
    return fitter


def simulate(case, customers, seed):
    """Customers of four groups (g, h in {0, 1}), each drawn from the model of its
    covariates under the case's truth; T from 26 to 39 weeks."""
    truth = with_covariates(case)
    core.model_set_params(truth._model, np.array(case["base"] + case["effects"]))
    frames = []
    rng = np.random.default_rng(seed)
    for group in range(4):
        z = {"g": float(group % 2), "h": float(group // 2)}
        own = truth.customer_model([z[c] for c in case["purchase"]],
                                   [z[c] for c in case["dropout"]])
        T = rng.uniform(26.0, 39.0, customers // 4)
        frame = own.generate_new_data(T, seed=seed + group)
        frame["g"], frame["h"] = z["g"], z["h"]
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True).sample(frac=1.0, random_state=seed)
    data.index = pd.Index([f"c{i}" for i in range(len(data))], name="customer_id")
    return data


def local_fit(case, data, weights=None):
    return case["fitter"]().fit(
        data["frequency"], data["recency"], data["T"],
        weights=None if weights is None else data[weights],
        purchase_covariates=data[case["purchase"]], dropout_covariates=data[case["dropout"]],
        shared_covariates=case["shared"], **case["options"])


def remote_fit(case, data, partitions, **extra):
    return cd.fit(case["fitter"](), dd.from_pandas(data, npartitions=partitions),
                  purchase_covariates=case["purchase"], dropout_covariates=case["dropout"],
                  shared_covariates=case["shared"], **case["options"], **extra)


class Fits(unittest.TestCase):
    def check_same(self, remote, local, label):
        self.assertEqual(list(remote.params_.index), list(local.params_.index), label)
        self.assertTrue(close(remote._values(), local._values()),
                        f"{label}: {remote._values()} vs {local._values()}")
        self.assertTrue(close(remote.standard_errors_, local.standard_errors_), label)
        self.assertTrue(close(remote.log_likelihood_, local.log_likelihood_, 1e-12), label)
        a, b = remote.fit_report_, local.fit_report_
        self.assertEqual(a["observations"], b["observations"], label)
        return a, b

    def test_each_kind_equals_single_machine(self):
        for seed, (kind, case) in enumerate(sorted(CASES.items())):
            with self.subTest(kind=kind):
                data = simulate(case, 6000, 100 + 10 * seed)
                local = local_fit(case, data)
                remote = remote_fit(case, data, partitions=4 + seed)
                a, b = self.check_same(remote, local, kind)
                # The same start and steps: the same iterations and passes.
                self.assertEqual(a["iterations"], b["iterations"], kind)
                self.assertEqual(a["evaluations"], b["evaluations"], kind)
                self.assertEqual(remote.dask_report_["partitions"], 4 + seed)
                if case["options"]:
                    continue  # penalties shrink the effects
                truth = case["base"] + case["effects"]
                for name, value, want, se in zip(remote.params_.index, remote.params_,
                                                 truth, remote.standard_errors_):
                    self.assertLessEqual(abs(value - want), 4 * se, f"{kind} {name}")

    def test_weights_and_a_sampled_start(self):
        case = CASES["bgnbd"]
        data = simulate(case, 6000, 7)
        data["recency"] = np.round(data["recency"])
        data["T"] = np.round(data["T"])
        data.loc[data["frequency"] == 0, "recency"] = 0.0
        counted = data.value_counts(["frequency", "recency", "T", "g", "h"]).rename(
            "customers").reset_index()
        self.check_same(remote_fit(case, counted, 3, weights="customers"),
                        local_fit(case, counted, weights="customers"), "weights")
        # A start from an evenly spaced sample: the same estimate by other steps.
        local = local_fit(case, data)
        remote = remote_fit(case, data, 4, sample_size=900)
        self.assertEqual(remote.dask_report_["sample_rows"], 858)
        self.assertTrue(close(remote._values(), local._values(), 1e-7),
                        f"{remote._values()} vs {local._values()}")

    def test_a_fit_without_covariates_after_one_with(self):
        case = CASES["bgnbd"]
        data = simulate(case, 2000, 9)
        frame = dd.from_pandas(data, npartitions=2)
        fitter = cd.fit(cxm.BetaGeoFitter(), frame, purchase_covariates="g")
        self.assertEqual(list(fitter.params_.index), ["r", "alpha", "a", "b", "purchase.g"])
        cd.fit(fitter, frame)
        self.assertEqual(list(fitter.params_.index), ["r", "alpha", "a", "b"])
        plain = cxm.BetaGeoFitter().fit(data["frequency"], data["recency"], data["T"])
        self.assertTrue(close(fitter._values(), plain._values()))

    def test_bad_covariates_are_named(self):
        case = CASES["bgnbd"]
        data = simulate(case, 2000, 11)
        bad = data.copy()
        bad.loc["c17", "h"] = np.nan
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "customer c17: covariate .*h is nan"):
            remote_fit(case, bad, 3, sample_size=100)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "no column 'channel'"):
            cd.fit(cxm.BetaGeoFitter(), dd.from_pandas(data, npartitions=2),
                   purchase_covariates=["channel"])
        with self.assertRaisesRegex(cxm.InvalidArgumentError,
                                    "purchase.one has the same value for every customer"):
            cd.fit(cxm.BetaGeoFitter(), dd.from_pandas(data.assign(one=1.0), npartitions=2),
                   purchase_covariates=["one"])
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "concern covariate effects"):
            cd.fit(cxm.BetaGeoFitter(), dd.from_pandas(data, npartitions=2),
                   purchase_penalty=1.0)
        spend = pd.DataFrame({"frequency": [1.0, 2.0, 3.0], "monetary_value": [5.0, 6.0, 7.0],
                              "g": [0.0, 1.0, 0.0]})
        with self.assertRaisesRegex(cxm.Error, "takes no covariates"):
            cd.fit(cxm.GammaGammaFitter(), dd.from_pandas(spend, npartitions=1),
                   purchase_covariates=["g"])


class Predictions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.case = CASES["pareto-nbd"]
        cls.data = simulate(cls.case, 4000, 21)
        spend = cxm.GammaGammaFitter().set_params(p=6.25, q=3.74, v=15.44)
        cls.data["monetary_value"] = spend.generate_new_data(cls.data["frequency"], seed=21)
        cls.model = local_fit(cls.case, cls.data)
        repeat = cls.data[cls.data["frequency"] > 0]
        cls.spend = cxm.GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
        cls.frame = dd.from_pandas(cls.data, npartitions=3)

    def own(self, data):
        return {"purchase_covariates": data[self.case["purchase"]],
                "dropout_covariates": data[self.case["dropout"]]}

    def test_each_customer_is_predicted_with_its_covariates(self):
        d, m = self.data, self.model
        args = (d["frequency"], d["recency"], d["T"])
        for got, want in (
                (cd.conditional_probability_alive(m, self.frame),
                 m.conditional_probability_alive(*args, **self.own(d))),
                (cd.conditional_expected_number_of_purchases_up_to_time(m, 26, self.frame),
                 m.conditional_expected_number_of_purchases_up_to_time(26, *args, **self.own(d))),
                (cd.discounted_expected_residual_transactions(m, self.frame, 0.002),
                 m.discounted_expected_residual_transactions(*args, 0.002, **self.own(d))),
                (cd.customer_lifetime_value(self.spend, m, self.frame, time=6, freq="W"),
                 self.spend.customer_lifetime_value(m, *args, d["monetary_value"], time=6,
                                                    freq="W", **self.own(d)))):
            np.testing.assert_array_equal(got.compute().loc[d.index].values, want.values)
        # One customer by hand: the model of its covariates.
        row = d.iloc[5]
        own = m.customer_model([row["g"]], [row["h"], row["g"]])
        alive = cd.conditional_probability_alive(m, self.frame).compute()
        self.assertEqual(alive.loc[d.index[5]],
                         own.conditional_probability_alive(row["frequency"], row["recency"],
                                                           row["T"]))
        # The summary's columns may have other names.
        renamed = self.frame.rename(columns={"g": "web", "h": "member"})
        got = cd.conditional_probability_alive(m, renamed, purchase_covariates=["web"],
                                               dropout_covariates=["member", "web"])
        np.testing.assert_array_equal(got.compute().loc[d.index].values,
                                      alive.loc[d.index].values)

    def test_bad_prediction_covariates_are_named(self):
        bad = self.data.copy()
        bad.loc["c9", "g"] = np.nan
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "customer c9: g is missing"):
            cd.conditional_probability_alive(self.model, dd.from_pandas(bad, 2)).compute()
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "no column 'web'"):
            cd.conditional_probability_alive(self.model, self.frame, purchase_covariates="web")
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "takes 2 .*got 1"):
            cd.conditional_probability_alive(self.model, self.frame, dropout_covariates=["h"])
        plain = cxm.ParetoNBDFitter().fit(self.data["frequency"], self.data["recency"],
                                          self.data["T"])
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "fitted without covariates"):
            cd.conditional_probability_alive(plain, self.frame, purchase_covariates="g")


if __name__ == "__main__":
    unittest.main()
