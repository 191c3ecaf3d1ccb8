"""The BTYD fits against the baseline a user would otherwise write (issue 20 point 4): the
likelihood in numpy/scipy, maximised by scipy.optimize.minimize (L-BFGS-B on the log
parameters, gradient by finite differences, as a hand-rolled fit does), on the same
simulated customers in the same run, as a ratio.

  BG/NBD (Fader, Hardie & Lee 2005, eq. 6) with scipy.special.betaln/gammaln;
  Pareto/NBD (Fader & Hardie 2005's note, the 2F1 form) with scipy.special.hyp2f1.

Customers: drawn from each model with cxm at CDNOW-like parameters (weeks), T uniform over
1..39 weeks, continuous times; the cxm time includes its standard errors, scipy's does not.
"""
import argparse
import os
import time

import numpy as np
from scipy import optimize, special

import cxm


def bgnbd_nll(theta, x, t_x, T):
    r, alpha, a, b = np.exp(theta)
    ln_a = (special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha))
    ln_b = special.betaln(a, b + x) - special.betaln(a, b)
    first = ln_a + ln_b - (r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore"):
        second = np.where(x > 0, ln_a + special.betaln(a + 1, np.maximum(b + x - 1, 1e-300))
                          - special.betaln(a, b) - (r + x) * np.log(alpha + t_x), -np.inf)
    return -np.logaddexp(first, second).sum()


def pnbd_nll(theta, x, t_x, T):
    r, alpha, s, beta = np.exp(theta)
    big, small = (alpha, beta) if alpha >= beta else (beta, alpha)
    shape = s + 1 if alpha >= beta else r + x
    z1 = (big - small) / (big + t_x)
    z2 = (big - small) / (big + T)
    f1 = special.hyp2f1(r + s + x, shape, r + s + x + 1, z1) / (big + t_x) ** (r + s + x)
    f2 = special.hyp2f1(r + s + x, shape, r + s + x + 1, z2) / (big + T) ** (r + s + x)
    head = (special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta))
    body = (1.0 / ((alpha + T) ** (r + x) * (beta + T) ** s)
            + s / (r + s + x) * (f1 - f2))
    return -(head + np.log(body)).sum()


def compare(name, fitter, truth, nll, n, seed):
    rng = np.random.default_rng(seed)
    T = rng.uniform(1.0, 39.0, n)
    data = fitter().set_params(**truth).generate_new_data(T, seed=seed)
    x, t_x, big_t = (data[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    ours = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        model = fitter().fit(x, t_x, big_t)
        model.summary  # standard errors included
        ours = min(ours, time.perf_counter() - t)
    t = time.perf_counter()
    start = np.zeros(4)
    result = optimize.minimize(nll, start, args=(x, t_x, big_t), method="L-BFGS-B")
    theirs = time.perf_counter() - t
    ll_gap = -result.fun - model.log_likelihood_
    print(f"  {name}, {n} customers: cxm {ours:.3f} s (with standard errors), scipy "
          f"{theirs:.2f} s ({result.nfev} likelihood evaluations) -> {theirs / ours:.0f}x; "
          f"scipy's log-likelihood {'-' if ll_gap < 0 else '+'}{abs(ll_gap):.3g} from cxm's")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    print(f"bench_baselines (load average {os.getloadavg()[0]:.1f}):")
    compare("BG/NBD", cxm.BetaGeoFitter, {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
            bgnbd_nll, args.customers, 1)
    compare("Pareto/NBD", cxm.ParetoNBDFitter,
            {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}, pnbd_nll,
            args.customers, 2)


if __name__ == "__main__":
    main()
