#!/usr/bin/python3
"""Reference values for tests/check_chain.c (logistic retention model).

Maximum likelihood by Newton's method in 50-digit arithmetic (mpmath),
independent of libcxm's IRLS, and standard errors from the inverse Fisher
information. Run: /usr/bin/python3 tests/reference/logit_mpmath.py
"""
from mpmath import mp, mpf, exp, log, matrix, lu_solve, inverse, sqrt

mp.dps = 50

# Satisfaction (1-10) and whether the customer renewed: a small, non-separated sample.
X = [2, 3, 3, 4, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 10, 10, 4]
Y = [0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]
# Grouped data: satisfaction, share retained, customers.
GX = [3, 5, 7, 9]
GY = [mpf(2) / 10, mpf(9) / 20, mpf(21) / 30, mpf(18) / 20]
GW = [10, 20, 30, 20]


def fit(x, y, w):
    a, b = mpf(0), mpf(0)
    for _ in range(100):
        u = matrix(2, 1)
        info = matrix(2, 2)
        for xi, yi, wi in zip(x, y, w):
            mu = 1 / (1 + exp(-(a + b * xi)))
            u[0] += wi * (yi - mu)
            u[1] += wi * (yi - mu) * xi
            v = wi * mu * (1 - mu)
            info[0, 0] += v
            info[0, 1] += v * xi
            info[1, 0] += v * xi
            info[1, 1] += v * xi * xi
        step = lu_solve(info, u)
        a += step[0]
        b += step[1]
        if abs(step[0]) + abs(step[1]) < mpf(10) ** -40:
            break
    cov = inverse(info)
    ll = sum(wi * (yi * log(1 / (1 + exp(-(a + b * xi)))) +
                   (1 - yi) * log(1 - 1 / (1 + exp(-(a + b * xi)))))
             for xi, yi, wi in zip(x, y, w))
    return a, b, sqrt(cov[0, 0]), sqrt(cov[1, 1]), cov[0, 1], ll


for name, (x, y, w) in {"individual": (X, Y, [1] * len(X)), "grouped": (GX, GY, GW)}.items():
    a, b, sa, sb, c, ll = fit(x, y, w)
    print(f"{name}: intercept {mp.nstr(a, 17)} slope {mp.nstr(b, 17)} "
          f"se {mp.nstr(sa, 17)} {mp.nstr(sb, 17)} cov {mp.nstr(c, 17)} loglik {mp.nstr(ll, 17)}")
