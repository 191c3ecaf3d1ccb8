#!/usr/bin/python3
"""Gauss-Kronrod nodes and weights on [-1, 1] (lib/numeric/quadrature.c's kronrod tables).

The Kronrod extension of the n-point Gauss-Legendre rule adds the n+1 zeros of the
Stieltjes polynomial E (monic, degree n+1, orthogonal to P_n(x)*x^k for k <= n); the
weights of the 2n+1 nodes are those of the interpolatory rule (exact to degree 3n+1).
Computed in 60-digit arithmetic with mpmath; printed as C initialisers.
Usage: scripts/gen-kronrod.py [n] (default 10).
"""
import sys

import mpmath as mp

mp.mp.dps = 60
n = int(sys.argv[1]) if len(sys.argv) > 1 else 10


def legendre_coefficients(k):
    """Coefficients (ascending) of the Legendre polynomial P_k."""
    p0, p1 = [mp.mpf(1)], [mp.mpf(0), mp.mpf(1)]
    if k == 0:
        return p0
    for j in range(1, k):
        nxt = [mp.mpf(0)] * (j + 2)
        for i, c in enumerate(p1):
            nxt[i + 1] += (2 * j + 1) * c / (j + 1)
        for i, c in enumerate(p0):
            nxt[i] -= j * c / (j + 1)
        p0, p1 = p1, nxt
    return p1


def moment(power):
    """Integral of x^power over [-1, 1]."""
    return mp.mpf(0) if power % 2 else mp.mpf(2) / (power + 1)


P = legendre_coefficients(n)


def inner(j, k):
    """Integral of P_n(x) x^j x^k over [-1, 1]."""
    return mp.fsum(c * moment(i + j + k) for i, c in enumerate(P))


# E(x) = x^(n+1) + sum_{j<=n} e_j x^j with inner(E, x^k) = 0, k = 0..n.
A = mp.matrix(n + 1, n + 1)
rhs = mp.matrix(n + 1, 1)
for k in range(n + 1):
    for j in range(n + 1):
        A[k, j] = inner(j, k)
    rhs[k] = -inner(n + 1, k)
e = mp.lu_solve(A, rhs)
E = [e[j] for j in range(n + 1)] + [mp.mpf(1)]
kronrod = sorted(mp.polyroots(list(reversed(E)), maxsteps=500, extraprec=400), key=lambda z: mp.re(z))
kronrod = [mp.re(z) for z in kronrod]
gauss = sorted(mp.polyroots(list(reversed(P)), maxsteps=500, extraprec=400), key=lambda z: mp.re(z))
gauss = [mp.re(z) for z in gauss]
nodes = sorted(kronrod + gauss)
V = mp.matrix(2 * n + 1, 2 * n + 1)
b = mp.matrix(2 * n + 1, 1)
for k in range(2 * n + 1):
    for j, x in enumerate(nodes):
        V[k, j] = x ** k
    b[k] = moment(k)
wk = mp.lu_solve(V, b)
# Gauss weights: 2 / ((1 - x^2) P_n'(x)^2).
dP = [i * c for i, c in enumerate(P)][1:]
wg = {}
for x in gauss:
    d = mp.fsum(c * x ** i for i, c in enumerate(dP))
    wg[mp.nstr(x, 40)] = 2 / ((1 - x * x) * d * d)
# Check: exact to degree 3n+1.
for k in range(3 * n + 2):
    assert abs(mp.fsum(wk[j] * nodes[j] ** k for j in range(2 * n + 1)) - moment(k)) < mp.mpf(10) ** -40
half = [(x, wk[j], wg.get(mp.nstr(x, 40), mp.mpf(0))) for j, x in enumerate(nodes) if x >= -mp.mpf(10) ** -50]
print(f"/* {2 * n + 1}-point Kronrod extension of the {n}-point Gauss rule, x >= 0 (scripts/gen-kronrod.py) */")
print("static const double log_wk[] = {")
print(",\n".join(f"    {mp.nstr(mp.log(v[1]), 21, min_fixed=-1, max_fixed=1)}" for v in half))
print("};")
for name, col in (("x", 0), ("wk", 1), ("wg", 2)):
    print(f"static const double {name}[] = {{")
    print(",\n".join(f"    {mp.nstr(abs(v[col]) if col == 0 else v[col], 21, min_fixed=-1, max_fixed=1) if v[col] != 0 else '0.0'}" for v in half))
    print("};")
