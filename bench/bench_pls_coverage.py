"""Coverage of the PLS bootstrap intervals on simulated data (issue 18).

A mediation chain X -> M -> Y (plus X -> Y) with one item per construct, so
that the standardized population paths are known exactly: a = 0.3, b = 0.3,
c' = 0.1, and the indirect effect a·b = 0.09. The shocks are centred and
scaled chi-square(3) variables (skewed), where the sampling distribution of
a·b is skewed too: the case BCa is made for. Each replication draws n
respondents, bootstraps B resamples with BCa and records whether the 95%
percentile and BCa intervals hold the true values.

    bench_pls_coverage.py [--replications R] [--respondents N] [--resamples B]

Prints each interval's coverage with its Monte Carlo standard error and
exits 1 when a BCa coverage is more than 3 points from nominal. Takes about
a minute with the defaults (500 replications, n = 200, B = 1000).
"""
import argparse
import sys
import time

import numpy as np
import pandas as pd

import cxm

A, B, C_PRIME = 0.3, 0.3, 0.1
TRUTH = {("X", "M"): A, ("M", "Y"): B, ("X", "Y"): C_PRIME}
INDIRECT = A * B


def shocks(rng, n):
    """Skewed, mean 0, variance 1: (chi-square(3) - 3) / sqrt(6)."""
    return (rng.chisquare(3, size=n) - 3) / np.sqrt(6)


def simulate(rng, n):
    x = shocks(rng, n)
    m = A * x + np.sqrt(1 - A ** 2) * shocks(rng, n)
    # var(Y) = 1: the standardized paths are the structural ones.
    explained = B ** 2 + C_PRIME ** 2 + 2 * A * B * C_PRIME
    y = B * m + C_PRIME * x + np.sqrt(1 - explained) * shocks(rng, n)
    return pd.DataFrame({"x": x, "m": m, "y": y})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=500)
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--resamples", type=int, default=1000)
    args = parser.parse_args()
    model = cxm.chain.PathModel({"X": ["x"], "M": ["m"], "Y": ["y"]},
                                [("X", "M"), ("M", "Y"), ("X", "Y")])
    rng = np.random.default_rng(20240618)
    names = [f"{a} -> {b}" for a, b in TRUTH] + ["X -> M -> Y"]
    hits = {(name, kind): 0 for name in names for kind in ("percentile", "BCa")}
    start = time.process_time()
    for rep in range(args.replications):
        fit = model.fit(simulate(rng, args.respondents), bootstrap=args.resamples, bca=True,
                        seed=rep + 1)
        paths = fit.bootstrap("paths")
        indirect = fit.bootstrap("specific_indirect_effects")
        rows = [(f"{a} -> {b}", paths.loc[(a, b)], truth) for (a, b), truth in TRUTH.items()]
        rows.append(("X -> M -> Y", indirect.loc["X -> M -> Y"], INDIRECT))
        for name, row, truth in rows:
            hits[(name, "percentile")] += row["lower"] <= truth <= row["upper"]
            hits[(name, "BCa")] += row["bca_lower"] <= truth <= row["bca_upper"]
    cpu = time.process_time() - start
    r = args.replications
    se = np.sqrt(0.95 * 0.05 / r)
    print(f"PLS bootstrap coverage of 95% intervals: {r} replications, n = {args.respondents}, "
          f"B = {args.resamples}, skewed shocks (CPU {cpu:.1f} s; Monte Carlo SE {100 * se:.1f} "
          f"points)")
    print(f"  {'value':<14} {'truth':>6} {'percentile':>11} {'BCa':>8}")
    failed = False
    for name in names:
        truth = INDIRECT if name == "X -> M -> Y" else TRUTH[tuple(name.split(" -> "))]
        pct = hits[(name, "percentile")] / r
        bca = hits[(name, "BCa")] / r
        failed |= abs(bca - 0.95) > 0.03
        print(f"  {name:<14} {truth:6.3f} {100 * pct:10.1f}% {100 * bca:7.1f}%")
    print("BCa coverage within 3 points of 95%:", "no" if failed else "yes")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
