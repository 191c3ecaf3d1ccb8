#!/usr/bin/python3
"""Make tests/data/hyp2f1_reference.csv: reference values of ln|2F1(a, b; c; z)|.

Run with Debian's python3-mpmath:  /usr/bin/python3 tests/hyp2f1_reference.py > tests/data/hyp2f1_reference.csv

Every value is computed twice, independently:
  1. mpmath.hyp2f1 at 60 significant digits;
  2. either a direct summation at 60 digits of whichever Kummer form of the
     series (F, its Euler transform, or one of the two Pfaff transforms at
     z/(z-1)) converges fastest, or, when no form converges in 400,000 terms,
     Euler's integral  Γ(c)/(Γ(b)Γ(c-b)) ∫ t^(b-1) (1-t)^(c-b-1) (1-zt)^(-a) dt
     by tanh-sinh quadrature split at the peak and geometrically towards t = 1,
     or, failing both, the 1 - z connection formula summed at 100 digits.
A row is written only when the two agree to 1e-20 (relative, in F); rows where
they disagree are listed on stderr (mpmath 1.2 returns a negative value for
2F1(13151.8, 3141.1; 13152.8; 0.846), whose terms are all positive).

The inputs are doubles written with repr(), so the C test reads back exactly
the numbers mpmath used. The cases cover what the lifetime-value models need:
Pareto/NBD F(r+s+x, s+1; r+s+x+1; z) and its Pfaff form at negative z, BG/NBD
F(r+x, b+x; a+b+x-1; z), sBG and BG/BB F(1, b+n; a+b+n; 1/(1+d)), with
parameters 1e-4..1e4, x up to 1e4 and z within 1e-12 of 1; plus near-integer
and integer c-a-b, negative parameters, polynomial cases and large negative z.
"""
import math
import random
import sys

import mpmath as mp

DPS = 60
MAX_TERMS = 400000


def series(A, B, C, x):
    """Σ (A)_n (B)_n / ((C)_n n!) x^n at the working precision, or None."""
    t = mp.mpf(1)
    s = mp.mpf(1)
    sabs = mp.mpf(1)
    tiny = mp.mpf(10) ** (-(DPS + 5))
    for n in range(MAX_TERMS):
        t = t * (A + n) * (B + n) / ((C + n) * (n + 1)) * x
        if t == 0:
            return s, sabs
        s += t
        sabs += abs(t)
        ratio = abs((A + n + 1) * (B + n + 1) / ((C + n + 1) * (n + 2)) * x)
        if n > abs(A) + abs(B) + abs(C) and ratio < 1 and abs(t) * ratio / (1 - ratio) < tiny * abs(s):
            return s, sabs
    return None


def terms_needed(A, B, C, x):
    if x == 0:
        return 0
    if abs(x) >= 1:
        return math.inf
    qa, qb, qc = float(x) - 1, float(x) * float(A + B) - float(C) - 1, float(x * A * B) - float(C)
    peak = 0.0
    if qa != 0:
        disc = qb * qb - 4 * qa * qc
        if disc > 0:
            peak = max(peak, (-qb - math.sqrt(disc)) / (2 * qa))
    return peak + 140 / -math.log(abs(float(x)))


def by_series(a, b, c, z):
    """The Kummer form that converges fastest, summed directly."""
    forms = []
    if 0 <= z < 1:
        forms.append((a, b, c, z, mp.mpf(1)))
        forms.append((c - a, c - b, c, z, (1 - z) ** (c - a - b)))
    y = z / (z - 1)
    if abs(y) < 1:
        forms.append((a, c - b, c, y, (1 - z) ** (-a)))
        forms.append((c - a, b, c, y, (1 - z) ** (-b)))
    if z < 0 and abs(z) < 1:
        forms.append((a, b, c, z, mp.mpf(1)))
    best = None
    for A, B, C, x, pre in forms:
        if any(v <= 0 and v == int(v) for v in (C,)) and not any(v <= 0 and v == int(v) and v > C for v in (A, B)):
            continue
        cost = terms_needed(A, B, C, x)
        for v in (A, B):
            if v <= 0 and v == int(v):
                cost = min(cost, -float(v))
        if cost < MAX_TERMS and (best is None or cost < best[0]):
            best = (cost, A, B, C, x, pre)
    if best is None:
        return None
    _, A, B, C, x, pre = best
    r = series(A, B, C, x)
    if r is None:
        return None
    s, sabs = r
    if s == 0 or sabs / abs(s) > mp.mpf(10) ** 30:
        return None
    return pre * s


def _quad_peaked(logf, lo, hi, extra):
    """∫_lo^hi exp(logf) by tanh-sinh, split at the integrand's peak (found on a
    grid), around it, and at the given extra points."""
    grid = [lo + (hi - lo) * mp.mpf(k) / 400 for k in range(1, 400)] + [p for p in extra if lo < p < hi]
    top = max(grid, key=logf)
    width = hi - lo
    pts = [lo, hi, top] + [p for p in extra if lo < p < hi]
    for d in (0.2, 0.05, 0.01, 0.002, 0.0004):
        for q in (top - d * width, top + d * width):
            if lo < q < hi:
                pts.append(q)
    pts = sorted(set(pts))
    shift = logf(top)
    return shift, mp.quad(lambda t: mp.exp(logf(t) - shift), pts)


def by_integral(a, b, c, z):
    """Euler's integral of the first Kummer form (F, its Euler transform, the
    two Pfaff transforms) that has one: see euler_integral."""
    forms = [(a, b, c, z, mp.mpf(1)), (c - a, c - b, c, z, (1 - z) ** (c - a - b))]
    if z < 0:
        y = z / (z - 1)
        forms = [(a, c - b, c, y, (1 - z) ** (-a)), (c - a, b, c, y, (1 - z) ** (-b))] + forms
    for A, B, C, x, pre in forms:
        if (C > B > 0 or C > A > 0) and x < 1:
            return pre * euler_integral(A, B, C, x)
    return None


def euler_integral(a, b, c, z):
    """Euler's integral, for c > b > 0 (or with a and b swapped). The endpoint
    singularities t^(b-1) and (1-t)^(c-b-1) are removed by substitution
    (t = u^(1/b), 1-t = v^(1/(c-b))) when the exponents are below 0."""
    if not (c > b > 0):
        a, b = b, a
    if not (c > b > 0) or z >= 1:
        return None
    e = c - b
    zc = 1 - z
    half = mp.mpf(1) / 2
    near1 = [mp.mpf(10) ** (-k) for k in range(1, 17)]      # values of 1 - t
    parts = []
    # [0, 1/2]
    if b < 1:
        def lf0(u):
            t = u ** (1 / b)
            return -mp.log(b) + (e - 1) * mp.log(1 - t) - a * mp.log(1 - z * t)
        parts.append(_quad_peaked(lf0, mp.mpf(0), half ** b, []))
    else:
        def lf0(t):
            return (b - 1) * mp.log(t) + (e - 1) * mp.log(1 - t) - a * mp.log(1 - z * t)
        parts.append(_quad_peaked(lf0, mp.mpf(0), half, []))
    # [1/2, 1], in terms of 1 - t so that 1 - z t = (1 - z) + z (1 - t) stays exact.
    if e < 1:
        def lf1(v):
            om = v ** (1 / e)
            return -mp.log(e) + (b - 1) * mp.log(1 - om) - a * mp.log(zc + z * om)
        parts.append(_quad_peaked(lf1, mp.mpf(0), half ** e, [p ** e for p in near1]))
    else:
        def lf1(om):
            return (b - 1) * mp.log(1 - om) + (e - 1) * mp.log(om) - a * mp.log(zc + z * om)
        parts.append(_quad_peaked(lf1, mp.mpf(0), half, near1))
    total = sum(mp.exp(sh) * v for sh, v in parts)
    return mp.exp(mp.loggamma(c) - mp.loggamma(b) - mp.loggamma(e)) * total


def by_connection(a, b, c, z):
    """The 1 - z connection formula (DLMF 15.8.4), summed at 40 extra digits:
    for z in (1/2, 1) when c - a - b is not within 1e-6 of an integer."""
    if not (0.5 < z < 1):
        return None
    s = c - a - b
    if abs(s - mp.nint(s)) < 1e-6:
        return None
    if any(v <= 0 and v == int(v) for v in (a, b, c - a, c - b)):
        return None
    old = mp.mp.dps
    mp.mp.dps = DPS + 40
    try:
        w = 1 - z
        r1 = series(a, b, 1 - s, w)
        r2 = series(c - a, c - b, 1 + s, w)
        if r1 is None or r2 is None:
            return None
        v = (mp.gamma(c) * mp.gamma(s) / (mp.gamma(c - a) * mp.gamma(c - b)) * r1[0] +
             w ** s * mp.gamma(c) * mp.gamma(-s) / (mp.gamma(a) * mp.gamma(b)) * r2[0])
        return +v
    finally:
        mp.mp.dps = old


def reference(a, b, c, z):
    mp.mp.dps = DPS
    A, B, C, Z = mp.mpf(a), mp.mpf(b), mp.mpf(c), mp.mpf(z)
    try:
        v1 = mp.hyp2f1(A, B, C, Z, maxterms=10**6)
    except Exception as e:  # noqa: BLE001 - any mpmath failure means "no reference"
        v1 = None
        print("mpmath.hyp2f1 failed %r: %s" % ((a, b, c, z), e), file=sys.stderr)
    v2 = by_series(A, B, C, Z)
    how = "series"
    if v2 is None:
        v2 = by_integral(A, B, C, Z)
        how = "integral"
    if v2 is None:
        v2 = by_connection(A, B, C, Z)
        how = "connection"
    if v2 is None:
        print("no independent method for %r: skipped" % ((a, b, c, z),), file=sys.stderr)
        return None
    if v1 is None or abs(v1 - v2) > mp.mpf(10) ** -20 * abs(v2):
        keep = how == "series"
        print("disagree %r: mpmath.hyp2f1 %s, %s %s: %s" %
              ((a, b, c, z), mp.nstr(v1, 15) if v1 is not None else None, how, mp.nstr(v2, 15),
               "direct series kept" if keep else "row skipped"), file=sys.stderr)
        if not keep:
            return None
    return v2


def lu(rng, lo, hi):
    return 10 ** rng.uniform(math.log10(lo), math.log10(hi))


def cases():
    rng = random.Random(20240505)
    near1 = lambda: 1 - lu(rng, 1e-12, 0.5)
    out = []
    # Hand-picked: identities, the heavy buyer, known hard spots.
    out += [(1.0, 1.0, 2.0, z) for z in (0.5, 0.999999, -0.5, -1000.0, 1 - 2.0**-40)]
    out += [(0.5, 0.3, 0.8, 0.999999), (2.0, 3.0, 5.0, 0.99), (2.0, 3.0, 4.0, 0.99),
            (-3.0, 2.0, 5.0, 0.7), (-3.0, 2.0, 5.0, -7.0), (1.5, 2.0, -0.5, 0.95),
            (3.0, 4.0, 2.5, -1e8), (0.7, 1.2, 1.9, -1e8), (1.0, 1.5, 3.5, 0.999),
            (13151.84661855292, 3141.1014274472295, 13152.84661855292, 0.8462680666010907)]
    # Pareto/NBD heavy buyer x=221, t_x=103.4, T=103.6 at CDNOW-like parameters.
    r, al, s, be = 0.553, 10.578, 0.606, 11.669
    for x, t in ((221, 103.4), (221, 103.6), (0, 38.86), (2, 30.43)):
        k = r + s + x
        out.append((k, s + 1, k + 1, (be - al) / (be + t)))   # α < β form, negative z
        out.append((k, r + x, k + 1, (be - al) / (be + t)))
        out.append((k, r + x + 1, k + 1, (al - be) / (al + t)))
    # Pareto/NBD, α >= β form: F(k, q; k+1; z), k = r+s+x, q in {s, s+1}.
    for _ in range(120):
        r, s = lu(rng, 1e-4, 1e4), lu(rng, 1e-4, 1e4)
        x = rng.choice([0, 1, 3, 20, 221, 1000, 10000])
        q = rng.choice([s, s + 1])
        k = r + s + x
        out.append((k, q, k + 1, rng.choice([rng.uniform(0, 1), near1()])))
    # Its Pfaff form at negative z: F(p, k; k+1; -w).
    for _ in range(60):
        r, s = lu(rng, 1e-4, 1e4), lu(rng, 1e-4, 1e4)
        x = rng.choice([0, 1, 20, 221, 10000])
        k = r + s + x
        out.append((r + x, k, k + 1, -lu(rng, 1e-6, 1e8)))
    # BG/NBD: F(r+x, b+x; a+b+x-1; z).
    for _ in range(100):
        r, a, b = lu(rng, 1e-3, 1e3), lu(rng, 1e-3, 1e3), lu(rng, 1e-3, 1e3)
        x = rng.choice([0, 1, 3, 20, 221, 1000, 10000])
        out.append((r + x, b + x, a + b + x - 1, rng.choice([rng.uniform(0, 1), near1()])))
    # sBG DEL/DERL and BG/BB DERT: F(1, b+n; a+b+n; 1/(1+d)).
    for _ in range(60):
        al, be = lu(rng, 1e-3, 1e3), lu(rng, 1e-3, 1e3)
        n = rng.choice([0, 1, 5, 50, 1000])
        d = lu(rng, 1e-6, 1)
        out.append((1.0, be + n, al + be + n, 1 / (1 + d)))
    # Generic parameters of both signs.
    for _ in range(150):
        a, b, c = (rng.uniform(-15, 15) for _ in range(3))
        z = rng.choice([rng.uniform(0, 1), near1(), -lu(rng, 1e-3, 1e8), rng.uniform(-1, 0)])
        out.append((a, b, c, z))
    # c - a - b an integer or within 1e-15..0.3 of one (the logarithmic cases).
    for _ in range(100):
        a, b = rng.uniform(-5, 10), rng.uniform(-5, 10)
        m = rng.choice([0, 1, 2, 3, -1, -2, 7])
        e = rng.choice([0.0, 1e-15, -1e-12, 1e-8, 1e-4, -0.3])
        z = rng.choice([near1(), rng.uniform(0.5, 1), -lu(rng, 1, 1e6)])
        out.append((a, b, a + b + m + e, z))
    return out


def main():
    print("# ln|2F1(a,b;c;z)| by tests/hyp2f1_reference.py (mpmath %s, %d digits, two methods)" %
          (mp.__version__, DPS))
    print("a,b,c,z,log_abs,sign")
    kept = 0
    for a, b, c, z in cases():
        v = reference(a, b, c, z)
        if v is None:
            continue
        mp.mp.dps = DPS
        sign = 0 if v == 0 else (1 if v > 0 else -1)
        la = mp.log(abs(v)) if v != 0 else mp.ninf
        print("%r,%r,%r,%r,%s,%d" % (a, b, c, z, mp.nstr(la, 20, min_fixed=-mp.inf, max_fixed=mp.inf), sign))
        kept += 1
    print("%d rows" % kept, file=sys.stderr)


if __name__ == "__main__":
    main()
