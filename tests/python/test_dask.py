"""cxm.dask on a distributed.LocalCluster of two worker processes started here:
the summary, every BTYD fit and the attribution equal the single-machine
results, and predictions survive a worker killed while they run.

Skipped (exit 77, with the reason printed) only when python3-distributed is
not installed; CI installs it (scripts/install-deps.sh)."""
import faulthandler
import glob
import logging
import os
import signal
import sys
import tempfile
import time
import unittest

try:
    import dask
    import dask.dataframe as dd
    from dask import delayed
    from distributed import Client, LocalCluster
except ImportError as exc:  # pragma: no cover - the one reason to skip
    print(f"SKIP: cxm.dask tests need python3-dask and python3-distributed ({exc})")
    sys.exit(77)

import numpy as np
import pandas as pd

import cxm
import cxm.dask as cd
from cxm import core

# Parameters the test data are drawn from, per kind (kinds not listed, or not
# implemented by this libcxm, are reported and left out).
PURCHASE_TRUTH = {"bgnbd": (0.5, 20.0, 0.8, 2.5), "mbgnbd": (0.5, 20.0, 0.8, 2.5),
                  "pareto-nbd": (0.55, 10.58, 0.61, 11.67), "bgbb": (1.2, 0.75, 0.66, 2.78)}
RELATIVE = 1e-9

CLUSTER = CLIENT = None
# Small workers; a sanitizer runtime (make check in an --enable-sanitizers
# build preloads ASan into the interpreters) doubles an idle worker's memory.
SANITIZED = "asan" in os.environ.get("LD_PRELOAD", "")
MEMORY_LIMIT = "1.5GiB" if SANITIZED else "400MiB"


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


def make_log(customers, seed):
    """A transaction log drawn from BG/NBD (days) with Gamma-Gamma amounts."""
    rng = np.random.default_rng(seed)
    truth = cxm.BetaGeoFitter().set_params(r=0.5, alpha=20, a=0.8, b=2.5)
    T = np.floor(rng.uniform(30, 700, customers))
    _, repeat = truth.generate_new_data(T, seed=seed, transactions=True)
    who = repeat["customer"].to_numpy()
    end = pd.Timestamp("2021-01-01")
    first = end - pd.to_timedelta(T, unit="D")
    ids = np.concatenate([np.arange(customers), who])
    when = np.concatenate([first.values,
                           (first[who] + pd.to_timedelta(np.floor(repeat["time"].to_numpy() * 24)
                                                         , unit="h")).values])
    nu = rng.gamma(4.0, 1 / 15.0, customers)
    amount = rng.gamma(3.0, 1 / nu[ids]).round(2)
    log = pd.DataFrame({"customer": [f"c{i:05d}" for i in ids], "date": when, "amount": amount})
    return log.sample(frac=1, random_state=seed).reset_index(drop=True)


def close(a, b, rel=RELATIVE):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.all(np.abs(a - b) <= rel * np.maximum(np.abs(a), np.abs(b)))


class Summary(unittest.TestCase):
    def test_summary_equals_single_machine(self):
        log = make_log(3000, seed=3)
        local = cxm.summary_data_from_transaction_data(log, "customer", "date", "amount",
                                                       freq="D")
        dlog = dd.from_pandas(log, npartitions=6)
        got = cd.summary_data_from_transaction_data(dlog, "customer", "date", "amount",
                                                    freq="D", npartitions=4).compute()
        self.assertEqual(len(got), len(local))
        self.assertFalse(got.index.has_duplicates)
        got = got.sort_index()
        pd.testing.assert_index_equal(got.index, local.index)
        for column in ("frequency", "recency", "T"):
            np.testing.assert_array_equal(got[column].values, local[column].values)
        self.assertTrue(close(got["monetary_value"], local["monetary_value"], 1e-12))

    def test_calibration_and_holdout_equal_single_machine(self):
        log = make_log(1500, seed=4)
        args = dict(calibration_period_end="2020-09-01", freq="W", freq_multiplier=1,
                    monetary_value_col="amount")
        local = cxm.calibration_and_holdout_data(log, "customer", "date", **args)
        got = cd.calibration_and_holdout_data(dd.from_pandas(log, npartitions=5), "customer",
                                              "date", **args).compute().sort_index()
        self.assertEqual(list(got.columns), list(local.columns))
        pd.testing.assert_index_equal(got.index, local.index)
        for column in local.columns:
            self.assertTrue(close(got[column], local[column], 1e-12), column)
        # A holdout period without purchases is refused, as on one machine.
        early = log[log["date"] < "2020-06-01"]
        with self.assertRaises(cxm.InvalidArgumentError):
            cxm.calibration_and_holdout_data(early, "customer", "date", "2020-09-01")
        with self.assertRaises(cxm.InvalidArgumentError):
            cd.calibration_and_holdout_data(dd.from_pandas(early, npartitions=2), "customer",
                                            "date", "2020-09-01").compute()


def purchase_data(kind, customers, seed):
    """(x, t_x, T) rows drawn from the kind itself."""
    model = core.model_create_named(kind)
    core.model_set_params(model, np.array(PURCHASE_TRUTH[kind]))
    rng = np.random.default_rng(seed)
    # Whole opportunities for the discrete-time kind, days otherwise.
    T = np.floor(rng.uniform(5, 40, customers)) if kind == "bgbb" else rng.uniform(30, 700, customers)
    x, t_x = np.empty(customers), np.empty(customers)
    core.model_simulate(model, x, t_x, np.ascontiguousarray(T), seed)
    return x, t_x, T


class Fits(unittest.TestCase):
    def check_same_fit(self, kind, frame, columns, weights=None, partitions=5, **options):
        handle = core.model_create_named(kind)
        local = cd._fitter_class(core.model_get_kind(handle))()
        data = [np.ascontiguousarray(frame[c], dtype=float) for c in columns]
        w = np.empty(0) if weights is None else np.ascontiguousarray(frame[weights], dtype=float)
        if len(columns) == 2:
            core.model_fit_spend(local._model, data[0], data[1], w, 0.0, 0, 0.0, 0, 0)
        else:
            core.model_fit(local._model, data[0], data[1], data[2], w, 0.0, 0, 0.0, 0, 0)
        remote = cd.fit(kind, dd.from_pandas(frame, npartitions=partitions), columns=columns,
                        weights=weights, **options)
        self.assertTrue(close(remote._values(), local._values()),
                        f"{kind}: {remote._values()} vs {local._values()}")
        self.assertTrue(close(remote.variance_matrix_.values, local.variance_matrix_.values,
                              1e-7), kind)
        self.assertTrue(close(remote.log_likelihood_, local.log_likelihood_, 1e-12), kind)
        a, b = remote.fit_report_, local.fit_report_
        self.assertEqual(a["observations"], b["observations"])
        return a, b

    def test_every_purchase_model_equals_single_machine(self):
        covered = []
        for kind in sorted(PURCHASE_TRUTH):
            try:
                handle = core.model_create_named(kind)
            except cxm.UnsupportedError:
                print(f"note: {kind} is not implemented by this libcxm: not tested", flush=True)
                continue
            x, t_x, T = purchase_data(kind, 4000, seed=11)
            names = [core.model_column_name(handle, i)
                     for i in range(core.model_column_count(handle))]
            frame = pd.DataFrame({names[0]: x, names[1]: t_x, names[2]: T})
            a, b = self.check_same_fit(kind, frame, names)
            # The same start and steps: the same iterations and passes.
            self.assertEqual(a["iterations"], b["iterations"], kind)
            self.assertEqual(a["evaluations"], b["evaluations"], kind)
            covered.append(kind)
        self.assertIn("bgnbd", covered)
        self.assertIn("mbgnbd", covered)

    def test_gamma_gamma_and_weights_equal_single_machine(self):
        log = make_log(3000, seed=5)
        summary = cxm.summary_data_from_transaction_data(log, "customer", "date", "amount")
        repeat = summary[summary["frequency"] > 0].reset_index(drop=True)
        a, b = self.check_same_fit("gg", repeat, ["frequency", "monetary_value"])
        self.assertEqual(a["iterations"], b["iterations"])
        # Compressed rows with weights, and rows the kind skips (x = 0).
        x, t_x, T = purchase_data("bgnbd", 3000, seed=6)
        frame = pd.DataFrame({"frequency": x, "recency": np.round(t_x), "T": np.round(T)})
        frame["recency"] = np.minimum(frame["recency"], frame["T"])
        frame.loc[frame["frequency"] == 0, "recency"] = 0.0
        counted = frame.value_counts().rename("customers").reset_index()
        self.check_same_fit("bgnbd", counted, ["frequency", "recency", "T"], weights="customers",
                            partitions=3)

    def test_sampled_start_reaches_the_same_estimate(self):
        x, t_x, T = purchase_data("bgnbd", 6000, seed=8)
        frame = pd.DataFrame({"frequency": x, "recency": t_x, "T": T})
        remote = cd.fit(cxm.BetaGeoFitter(), dd.from_pandas(frame, npartitions=4),
                        sample_size=700)
        local = cxm.BetaGeoFitter().fit(x, t_x, T)
        self.assertTrue(close(remote._values(), local._values()),
                        f"{remote._values()} vs {local._values()}")

    def test_failures_are_the_fits_failures(self):
        frame = dd.from_pandas(pd.DataFrame({"frequency": [0.0] * 50, "recency": [0.0] * 50,
                                             "T": np.linspace(1, 9, 50)}), npartitions=2)
        with self.assertRaises(cxm.ConvergenceError):
            cxm.BetaGeoFitter().fit(np.zeros(50), np.zeros(50), np.linspace(1, 9, 50))
        with self.assertRaises(cxm.ConvergenceError):
            cd.fit(cxm.BetaGeoFitter(), frame)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "no column 'monetary_value'"):
            cd.fit("gg", frame)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "dask DataFrame"):
            cd.fit("bgnbd", frame.compute())
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "t_x"):
            cd.fit("bgnbd", frame.assign(recency=5.0)).params_


class Predictions(unittest.TestCase):
    def test_predictions_survive_a_killed_worker(self):
        x, t_x, T = purchase_data("bgnbd", 8000, seed=9)
        spend = cxm.GammaGammaFitter().set_params(p=6.25, q=3.74, v=15.44)
        summary = pd.DataFrame({"frequency": x, "recency": t_x, "T": T,
                                "monetary_value": spend.generate_new_data(x, seed=9)},
                               index=pd.Index([f"c{i}" for i in range(len(x))], name="id"))
        bgf = cxm.BetaGeoFitter().fit(x, t_x, T)
        ggf = cxm.GammaGammaFitter().fit(summary["frequency"][x > 0],
                                         summary["monetary_value"][x > 0])
        expected = ggf.customer_lifetime_value(bgf, summary["frequency"], summary["recency"],
                                               summary["T"], summary["monetary_value"], time=6)
        alive = bgf.conditional_probability_alive(summary["frequency"], summary["recency"],
                                                  summary["T"])

        # Partitions that take a while to make, and leave a mark each time they
        # are made: the computation is still running when a worker dies.
        marks = tempfile.mkdtemp(prefix="cxm-dask-")
        bounds = np.linspace(0, len(summary), 9).astype(int)
        parts = [delayed(slow_partition)(summary.iloc[a:b], i, marks)
                 for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:]))]
        frame = dd.from_delayed(parts, meta=summary.iloc[:0])
        clv = cd.customer_lifetime_value(ggf, bgf, frame, time=6)
        p_alive = cd.conditional_probability_alive(bgf, frame)
        future = CLIENT.compute(dd.concat([clv, p_alive], axis=1, ignore_unknown_divisions=True))

        # Kill a worker process while it is making a partition (its mark is there).
        pids = CLIENT.run(os.getpid)
        victim = pids[sorted(pids)[0]]
        deadline = time.time() + 60
        while not glob.glob(os.path.join(marks, f"*-{victim}-*")) and time.time() < deadline:
            time.sleep(0.01)
        self.assertTrue(glob.glob(os.path.join(marks, f"*-{victim}-*")),
                        "the victim never made a partition")
        os.kill(victim, signal.SIGKILL)

        result = future.result(timeout=120)
        made = glob.glob(os.path.join(marks, "*"))
        self.assertGreater(len(made), 8, "no partition was made again after the kill")
        self.assertEqual(len(result), len(summary))
        result = result.loc[summary.index]
        np.testing.assert_array_equal(result["clv"].values, expected.values)
        np.testing.assert_array_equal(result["p_alive"].values, alive.values)
        for path in made:
            os.unlink(path)
        os.rmdir(marks)

    def test_every_prediction_matches(self):
        x, t_x, T = purchase_data("mbgnbd", 2000, seed=10)
        summary = pd.DataFrame({"frequency": x, "recency": t_x, "T": T})
        model = cxm.ModifiedBetaGeoFitter().fit(x, t_x, T)
        frame = dd.from_pandas(summary, npartitions=3)
        for got, want in (
                (cd.predict(model, 30, frame),
                 model.predict(30, summary["frequency"], summary["recency"], summary["T"])),
                (cd.discounted_expected_residual_transactions(model, frame, 0.001),
                 model.discounted_expected_residual_transactions(
                     summary["frequency"], summary["recency"], summary["T"], 0.001))):
            np.testing.assert_array_equal(got.compute().loc[summary.index].values, want.values)
        with self.assertRaises(cxm.StateError):
            cd.conditional_probability_alive(cxm.BetaGeoFitter(), frame)


def slow_partition(frame, index, marks):
    with open(os.path.join(marks, f"{index}-{os.getpid()}-{time.monotonic_ns()}"), "w"):
        pass
    time.sleep(0.3)
    return frame


class Attribution(unittest.TestCase):
    def test_attribution_equals_single_machine(self):
        rng = np.random.default_rng(12)
        channels = np.array(["search", "email", "display", "social", "direct", "video"])
        paths = [" > ".join(rng.choice(channels[:4 if i < 1500 else 6], rng.integers(1, 6)))
                 for i in range(3000)]
        frame = pd.DataFrame({"path": paths, "conversions": rng.integers(0, 3, 3000) * 1.0,
                              "nulls": rng.integers(0, 4, 3000) * 1.0})
        frame["value"] = frame["conversions"] * rng.integers(5, 50, 3000)
        dframe = dd.from_pandas(frame, npartitions=7)
        for order in (1, 3):
            local = cxm.journey.markov_attribution(frame["path"], frame["conversions"],
                                                   frame["nulls"], frame["value"], order=order)
            got = cd.markov_attribution(dframe, nulls="nulls", values="value", order=order,
                                        split_every=3)
            self.assertEqual(list(got["channel"]), list(local["channel"]))
            for column in ("removal_effect", "conversions", "value_removal_effect", "value"):
                self.assertTrue(close(got[column], local[column], 1e-11), (order, column))
            self.assertEqual(got.attrs["states"], local.attrs["states"])
        bad = frame.copy()
        bad.loc[17, "path"] = None
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "path is missing in row 17"):
            cd.markov_attribution(dd.from_pandas(bad, npartitions=3))
        local = cxm.journey.transition_matrix(frame["path"], frame["conversions"], order=2)
        got = cd.transition_matrix(dframe, order=2)
        self.assertEqual(list(got["from"]), list(local["from"]))
        self.assertTrue(close(got["probability"], local["probability"], 1e-12))


if __name__ == "__main__":
    unittest.main()
