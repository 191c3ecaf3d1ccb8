"""Benchmark of cxm.dask (issue 9): a customer base generated on disk,
summarised, fitted and scored through Dask on a LocalCluster of worker
processes with a memory limit each.

    python3 bench/bench_dask.py [--customers N] [--workers W] [--memory-limit 1.5GiB]
                                [--partition-customers K] [--dir DIR] [--keep]

Steps, each timed (wall clock):

1. generate: BG/NBD customers (r 0.25, alpha 28, a 0.8, b 2.4; first purchases
   spread over two years of days, about 2.5 transactions each) with
   Gamma-Gamma amounts, K customers per task, written as .npy files of
   (customer int64, date datetime64[ns], amount float64) in random row order;
2. summary: cxm.dask.summary_data_from_transaction_data (reduce each file to
   (customer, day) rows, shuffle by a hash of the customer, summarise whole
   customers; observation end = the log's last day), written as .npy files;
3. fit: BG/NBD and Gamma-Gamma with cxm.dask.fit on the summary read back and
   persisted in the workers' memory;
4. score: P(alive) and 12-month lifetime value of every customer with
   map_partitions, written as .npy files.

Then the cost per chunk, measured in this process on one partition: the
reduce, the summary and a likelihood pass (value, gradient and Hessian),
which is what docs/dask.md scales from. Peak memory is each worker process's
peak resident set (getrusage), and the scheduler's and this client's.

make bench runs it with CXM_BENCH_DASK_CUSTOMERS customers (default 10^6);
the issue's 10^7 run is `--customers 10000000` (docs/dask.md has its numbers).
"""
import argparse
import logging
import os
import resource
import shutil
import sys
import tempfile
import time

import numpy as np
import pandas as pd

import dask
import dask.dataframe as dd
from dask import delayed
from distributed import Client, LocalCluster, wait

import cxm
import cxm.dask as cd

TRUTH = dict(r=0.25, alpha=28.0, a=0.8, b=2.4)
SPEND = dict(p=6.0, q=4.0, gamma=15.0)
END = np.datetime64("2024-01-01T00:00:00", "ns")
DAY_NS = 86_400_000_000_000


def generate(index, customers, first_id, directory):
    """Customers first_id .. first_id + customers - 1, as a log file; returns its rows."""
    rng = np.random.default_rng(1000 + index)
    model = cxm.BetaGeoFitter().set_params(**TRUTH)
    T = rng.uniform(0.0, 730.0, customers)
    frame, repeat = model.generate_new_data(T, seed=index, transactions=True)
    who = repeat["customer"].to_numpy()
    first = END - (T * DAY_NS).astype("timedelta64[ns]")
    dates = np.concatenate([first, first[who] + (repeat["time"].to_numpy() * DAY_NS)
                            .astype("timedelta64[ns]")])
    ids = np.concatenate([np.arange(customers), who])
    nu = rng.gamma(SPEND["q"], 1.0 / SPEND["gamma"], customers)
    amounts = np.round(rng.gamma(SPEND["p"], 1.0 / nu[ids]), 2)
    order = rng.permutation(len(ids))
    np.save(os.path.join(directory, f"customer-{index:05d}.npy"), ids[order] + first_id)
    np.save(os.path.join(directory, f"date-{index:05d}.npy"), dates[order])
    np.save(os.path.join(directory, f"amount-{index:05d}.npy"), amounts[order])
    return len(ids)


def load_log(directory, index):
    return pd.DataFrame({
        "customer": np.load(os.path.join(directory, f"customer-{index:05d}.npy")),
        "date": np.load(os.path.join(directory, f"date-{index:05d}.npy")),
        "amount": np.load(os.path.join(directory, f"amount-{index:05d}.npy"))})


def save_frame(frame, directory, index):
    path = os.path.join(directory, f"part-{index:05d}.npz")
    np.savez(path, index=frame.index.to_numpy(),
             **{c: frame[c].to_numpy() for c in frame.columns})
    return len(frame)


def load_frame(directory, index):
    data = np.load(os.path.join(directory, f"part-{index:05d}.npz"))
    columns = {k: data[k] for k in data.files if k != "index"}
    return pd.DataFrame(columns, index=pd.Index(data["index"], name="customer"))


def peak_rss():
    """This process's peak resident set, bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def mib(n):
    return f"{n / 2**20:.0f} MiB"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int,
                        default=int(os.environ.get("CXM_BENCH_DASK_CUSTOMERS", 1_000_000)))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="1.5GiB")
    parser.add_argument("--partition-customers", type=int, default=100_000)
    parser.add_argument("--dir", default=None, help="working directory (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()

    work = args.dir or tempfile.mkdtemp(prefix="cxm-bench-dask-")
    dirs = {k: os.path.join(work, k) for k in ("log", "summary", "scores", "dask")}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                           memory_limit=args.memory_limit, local_directory=dirs["dask"],
                           dashboard_address=None, silence_logs=logging.ERROR)
    client = Client(cluster)
    pids = client.run(os.getpid)
    print(f"cxm.dask benchmark: {args.customers} customers, {args.workers} worker processes x 1 "
          f"thread, memory limit {args.memory_limit} each, {os.cpu_count()} processors, "
          f"load average {os.getloadavg()[0]:.1f}; files in {work}", flush=True)
    times = {}

    # 1. The log on disk.
    blocks = [(i, min(args.partition_customers, args.customers - start), start)
              for i, start in enumerate(range(0, args.customers, args.partition_customers))]
    t = time.perf_counter()
    rows = sum(dask.compute(*[delayed(generate)(i, n, s, dirs["log"]) for i, n, s in blocks]))
    times["generate"] = time.perf_counter() - t
    size = sum(os.path.getsize(os.path.join(dirs["log"], f)) for f in os.listdir(dirs["log"]))
    print(f"generate: {rows} transactions in {len(blocks)} files ({mib(size)}) "
          f"in {times['generate']:.1f} s", flush=True)

    # 2. The summary.
    meta = load_log(dirs["log"], 0).iloc[:0]
    log = dd.from_delayed([delayed(load_log)(dirs["log"], i) for i, _, _ in blocks], meta=meta)
    t = time.perf_counter()
    summary = cd.summary_data_from_transaction_data(log, "customer", "date", "amount")
    written = dask.compute(*[delayed(save_frame)(p, dirs["summary"], i)
                             for i, p in enumerate(summary.to_delayed())])
    times["summary"] = time.perf_counter() - t
    customers = sum(written)
    print(f"summary: {customers} customers in {len(written)} partitions in "
          f"{times['summary']:.1f} s ({rows / times['summary']:.3g} transactions/s)", flush=True)
    if customers != args.customers:
        sys.exit(f"bench_dask: {customers} customers in the summary, {args.customers} generated")

    # 3. The fits, on the summary persisted in the workers.
    meta = load_frame(dirs["summary"], 0).iloc[:0]
    stored = dd.from_delayed([delayed(load_frame)(dirs["summary"], i)
                              for i in range(len(written))], meta=meta)
    t = time.perf_counter()
    stored = stored.persist()
    wait(stored)
    times["load"] = time.perf_counter() - t
    t = time.perf_counter()
    bgf = cd.fit(cxm.BetaGeoFitter(), stored, persist=False)
    times["fit BG/NBD"] = time.perf_counter() - t
    report, timing = bgf.fit_report_, bgf.dask_report_
    print(f"fit BG/NBD: {times['fit BG/NBD']:.1f} s: start from {timing['sample_rows']} sampled "
          f"rows {timing['start_seconds']:.1f} s, {report['iterations']} iterations, "
          f"{report['evaluations']} passes of " +
          " ".join(f"{s:.2f}" for s in timing["pass_seconds"]) + f" s; {bgf}", flush=True)
    print(bgf.summary.to_string(), flush=True)
    t = time.perf_counter()
    ggf = cd.fit(cxm.GammaGammaFitter(), stored, persist=False)
    times["fit Gamma-Gamma"] = time.perf_counter() - t
    timing = ggf.dask_report_
    print(f"fit Gamma-Gamma: {times['fit Gamma-Gamma']:.1f} s: start "
          f"{timing['start_seconds']:.1f} s, {ggf.fit_report_['evaluations']} passes of " +
          " ".join(f"{s:.2f}" for s in timing["pass_seconds"]) + f" s; {ggf}", flush=True)

    # 4. Scores.
    t = time.perf_counter()
    scores = stored.assign(p_alive=cd.conditional_probability_alive(bgf, stored),
                           clv=cd.customer_lifetime_value(ggf, bgf, stored, time=12, freq="D"))
    dask.compute(*[delayed(save_frame)(p[["p_alive", "clv"]], dirs["scores"], i)
                   for i, p in enumerate(scores.to_delayed())])
    times["score"] = time.perf_counter() - t
    print(f"score: P(alive) and 12-month CLV of {customers} customers in {times['score']:.1f} s",
          flush=True)

    # Peak memory: each worker's process (restarted workers would show new pids).
    peaks = client.run(peak_rss)
    restarted = set(client.run(os.getpid).values()) != set(pids.values())
    scheduler_peak = client.run_on_scheduler(peak_rss)
    del stored
    client.close()
    cluster.close()

    # The cost per chunk, here, on one partition of each kind.
    part = load_log(dirs["log"], 0)
    unit = (1.0, 0, -3.0)
    t = time.perf_counter()
    reduced = cd._reduce_partition(part, "customer", "date", "amount", None, unit)
    c_reduce = time.perf_counter() - t
    options = (1.0, 0, -3.0, 1.0, float("nan"), float("nan"), 0)
    last = float(reduced["_time"].max())
    t = time.perf_counter()
    one = cd._summarise_partition(reduced, "customer", True, options, last)
    c_summary = time.perf_counter() - t
    kind = cxm.core.MODEL_BGNBD
    names = ["frequency", "recency", "T"]
    params = bgf._values()
    cd._chunk_loglik(one, kind, names, None, params, 2, 1)
    t = time.perf_counter()
    for _ in range(5):
        cd._chunk_loglik(one, kind, names, None, params, 2, 1)
    c_pass = (time.perf_counter() - t) / 5
    print(f"per chunk (one core): reduce {len(part) / c_reduce:.3g} transactions/s, "
          f"summarise {len(reduced) / c_summary:.3g} rows/s, likelihood pass with Hessian "
          f"{len(one) / c_pass:.3g} customers/s", flush=True)

    print(f"\nLoad average at the end {os.getloadavg()[0]:.1f}. Total {sum(times.values()):.1f} s: " +
          ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))
    print("Peak resident memory: " +
          ", ".join(f"worker {i + 1} {mib(v)}" for i, v in enumerate(peaks.values())) +
          f", scheduler {mib(scheduler_peak)}, client {mib(peak_rss())}" +
          ("; a worker was restarted" if restarted else "; no worker restarted"))
    if not args.keep and args.dir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
