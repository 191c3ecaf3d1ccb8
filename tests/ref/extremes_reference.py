#!/usr/bin/python3
"""Reference values at extreme arguments (python3-mpmath, 50 digits).

Run: /usr/bin/python3 tests/ref/extremes_reference.py > tests/ref/extremes_reference.h

Each value is what a prediction should return where libcxm takes a path made
for huge or tiny arguments (an overflowing t/(alpha+T), a quadrature in log
scale, an asymptotic expansion, the quadrature form of a hypergeometric sum).
None of it uses libcxm or its formulas: the textbook closed forms with
mpmath's hyp2f1, betainc and expint at 50 digits, where two independent forms
exist both (they must agree to 1e-20), and sums done term by term.
"""
import mpmath as mp

mp.mp.dps = 50


def D(v):
    """The double a C test passes, exactly."""
    return mp.mpf(float(v))


def fmt(v):
    return mp.nstr(mp.mpf(v), 17, min_fixed=-4, max_fixed=4).replace("e+", "e")


def agree(x, y, what):
    if abs(x - y) > mp.mpf(10) ** -20 * abs(x):
        raise SystemExit(f"{what}: {x} and {y} disagree")
    return x


# ---------------------------------------------------------------- BG/NBD

def q_hyp(A, B, a, u):
    """Q = E[(1 - (1+p u)^-A)/p], p ~ Beta(a, B): (a+B-1)/(a-1) [1 - 2F1(A, a-1; a+B-1; -u)]."""
    return (a + B - 1) / (a - 1) * (1 - mp.hyp2f1(A, a - 1, a + B - 1, -u))


def q_integral(A, B, a, u):
    """The same mean by quadrature over p, broken at powers of ten below 1/u."""
    lb = mp.log(mp.beta(a, B))
    f = lambda p: mp.exp((a - 1) * mp.log(p) + (B - 1) * mp.log1p(-p) - lb) * \
        -mp.expm1(-A * mp.log1p(p * u)) / p
    pts = [mp.mpf(0)]
    k = 1 / u
    while k < 1:
        pts.append(k)
        k *= 100
    pts.append(mp.mpf(1))
    return mp.quad(f, pts)


def q_ref(A, B, a, u):
    return agree(q_hyp(A, B, a, u), q_integral(A, B, a, u), f"Q({A}, {B}, {a}, {u})")


def bg_alive(p, shift, x, tx, T):
    r, al, a, b = p
    if shift == 0 and x == 0:
        return mp.mpf(1)
    odds = a / (b + x + shift - 1) * ((al + T) / (al + tx)) ** (r + x)
    return 1 / (1 + odds)


def bg_dert_alive(A, B, a, kappa):
    """E_p E_G[G/(pG + kappa)] = A/kappa * int_0^inf e^-w 2F1(A+1, a; a+B; -w/kappa) dw
    (G/(pG+kappa) = int_0^inf G e^-(pG+kappa)s ds, E_G[G e^-pGs] = A (1+ps)^-(A+1)).
    For tiny kappa (a < 1) the integrand is singular at w = 0 and the mean comes from
    p ~ kappa: with p = kappa q, (1-p)^(B-1) = 1 + O(kappa) and
    int_0^inf q^(a-1) G/(qG+1) dq = G^(1-a) pi/sin(pi a), it is
    kappa^(a-1) pi/(sin(pi a) B(a, B)) Gamma(A+1-a)/Gamma(A), up to a relative
    O(kappa^(1-a)) (1e-41 at kappa = 4e-199)."""
    if kappa < mp.mpf(10) ** -100 and a < 1:
        return kappa ** (a - 1) * mp.pi / (mp.sin(mp.pi * a) * mp.beta(a, B)) * \
            mp.gamma(A + 1 - a) / mp.gamma(A)
    f = lambda w: mp.exp(-w) * mp.hyp2f1(A + 1, a, a + B, -w / kappa)
    return A / kappa * mp.quad(f, [0, 1, 10, 100, mp.inf])


def bg_probability(p, shift, k, t):
    """Equation 8 of Fader, Hardie & Lee (2005), MBG with b + 1."""
    r, al, a, b = p
    lb = mp.beta(a, b)
    nbd = mp.gamma(r + k) / (mp.gamma(r) * mp.factorial(k)) * (al / (al + t)) ** r * \
        (t / (al + t)) ** k
    first = mp.beta(a, b + k + shift) / lb * nbd
    second = 0
    if k > 0 or shift > 0:
        tail = mp.betainc(k, r, 0, t / (al + t), regularized=True) if k > 0 else 1
        second = mp.beta(a + 1, b + k + shift - 1) / lb * tail
    return first + second


CDNOW_BG = (0.242593, 4.413532, 0.792886, 2.425752)
# alpha = 1e-10: t/alpha overflows a double for t = 1e308 (a > 1: E[X] stays bounded).
TINY_ALPHA = ((0.5, 1e-10, 2.5, 3.0), (0.5, 1e-10, 0.5, 3.0))


def bgnbd_rows():
    rows = []
    for params in (CDNOW_BG,) + TINY_ALPHA:
        p = tuple(D(v) for v in params)
        r, al, a, b = p
        for shift in (0, 1):
            for t in (1e15, 1e100, 1e300, 1e308):
                tt = D(t)
                if shift:
                    e = b / (a + b) * q_ref(r, b + 1, a, tt / al)
                else:
                    e = q_ref(r, b, a, tt / al)
                rows.append(("expected", shift, params, (t,), e))
    p = tuple(D(v) for v in CDNOW_BG)
    r, al, a, b = p
    for shift in (0, 1):
        x, tx, T = 2, 30.43, 38.86
        hx, htx, hT = D(x), D(tx), D(T)
        alive = bg_alive(p, shift, hx, htx, hT)
        for t in (1e100, 1e308):
            e = alive * q_ref(r + hx, b + hx + shift, a, D(t) / (al + hT))
            rows.append(("conditional", shift, CDNOW_BG, (t, x, tx, T), e))
        for rate in (1e-200, 1e12, 1e300):
            kappa = D(rate) * (al + hT)
            e = alive * bg_dert_alive(r + hx, b + hx + shift, a, kappa)
            rows.append(("dert", shift, CDNOW_BG, (rate, x, tx, T), e))
        for k, t in ((1e6, 2e7), (1e15, 1e300), (9e15, 1e16), (1, 1e308)):
            e = bg_probability(p, shift, D(k), D(t))
            rows.append(("probability", shift, CDNOW_BG, (k, t), e))
    return rows


# ---------------------------------------------------------------- Pareto/NBD

def pnbd_expected(p, t):
    """E[X(t)] = r beta/(alpha (s-1)) [1 - (beta/(beta+t))^(s-1)]."""
    r, al, s, be = p
    return r * be / (al * (s - 1)) * (1 - (be / (be + t)) ** (s - 1))


def pnbd_dert_new(p, rate):
    """DERT of a customer just acquired (x = t_x = T = 0, alive):
    r/alpha * E[1/(mu + delta)], mu ~ Gamma(s, beta) = r/alpha * beta e^z E_s(z), z = delta beta."""
    r, al, s, be = p
    z = rate * be
    return r / al * be * mp.exp(z) * mp.expint(s, z)


def pnbd_probability(p, k, t):
    """P(X(t) = k): alive through t, plus death at tau < t after k purchases."""
    r, al, s, be = p
    c = mp.gamma(r + k) / (mp.gamma(r) * mp.factorial(k))
    alive = c * (al / (al + t)) ** r * (t / (al + t)) ** k * (be / (be + t)) ** s
    f = lambda tau: tau ** k * (al + tau) ** (-(r + k)) * (be + tau) ** (-(s + 1))
    pts = [mp.mpf(0)]
    edge = min(al, be) * mp.mpf(10) ** -12
    while edge < t:
        pts.append(edge)
        edge *= 1000
    pts.append(t)
    dead = c * al ** r * be ** s * s * mp.quad(f, pts)
    return alive + dead


def pnbd_rows():
    rows = []
    cdnow = (0.553, 10.578, 0.606, 11.669)
    # beta = 1e-10 and s near 0: t/beta overflows and (1 + t/beta)^(1-s) alone would.
    tiny = (0.5, 2.0, 1e-3, 1e-10)
    for params in (cdnow, tiny):
        p = tuple(D(v) for v in params)
        for t in (1e15, 1e300, 1e308):
            rows.append(("expected", params, (t,), pnbd_expected(p, D(t))))
    p = tuple(D(v) for v in cdnow)
    for rate in (1e-200, 1e12, 1e20, 1e300):
        rows.append(("dert_new", cdnow, (rate,), pnbd_dert_new(p, D(rate))))
    zero = (1e-3, 1e-10, 0.5, 1.0)
    rows.append(("probability", zero, (0, 1e308), pnbd_probability(tuple(D(v) for v in zero),
                                                                    0, D(1e308))))
    rows.append(("probability", cdnow, (1e3, 1e4), pnbd_probability(p, D(1e3), D(1e4))))
    return rows


# ---------------------------------------------------------------- BG/BB, sBG

def discounted_2f1(a, B, d, survive):
    """sum_k E[(1-theta)^(k+j)]/(1+d)^k, theta ~ Beta(a, B): (B/(a+B))^j 2F1(1, B+j; a+B+j; 1/(1+d)),
    with enough digits that 1/(1+d) is not 1."""
    with mp.workdps(50 + int(max(0, -mp.log10(d)))):
        z = 1 / (1 + d)
        if survive:
            value = B / (a + B) * mp.hyp2f1(1, B + 1, a + B + 1, z)
        else:
            value = mp.hyp2f1(1, B, a + B, z)
    return +value


def discounted_integral(a, B, d, survive):
    """The same as E[(1+d)(1-theta)^j/(d+theta)] by quadrature over theta."""
    lb = mp.log(mp.beta(a, B))
    f = lambda th: mp.exp((a - 1) * mp.log(th) + (B - 1) * mp.log1p(-th) - lb) * \
        (1 + d) * (1 - th) ** survive / (d + th)
    # every power of ten from d up, and around the bulk of the Beta
    pts = {mp.mpf(0), mp.mpf(1), 1 / B, 10 / B, 100 / B, 1000 / B}
    k = int(mp.floor(mp.log10(d))) - 1
    while k < 0:
        pts.add(mp.mpf(10) ** k)
        k += 1
    pts = sorted(v for v in pts if v <= 1)
    return mp.quad(f, pts)


def discounted(a, B, d, survive):
    """Both forms where mpmath's 2F1 converges (it gives up on 2F1(1, 1e9; ...; 1/1.1))."""
    integral = discounted_integral(a, B, d, survive)
    try:
        series = discounted_2f1(a, B, d, survive)
    except mp.libmp.NoConvergence:
        return integral
    return agree(series, integral, f"discounted sum ({a}, {B}, {d}, {survive})")


def sbg_rows():
    rows = []
    for params in ((0.704, 1.182), (1.5, 0.7)):
        a, b = D(params[0]), D(params[1])
        for d in (1e-300, 1e-100, 1e-12):
            rows.append(("del", params, (d, 0), discounted(a, b, D(d), 0)))
        for d, renewals in ((1e-12, 1e15), (0.1, 1e9), (1e-9, 1e6), (1e-100, 1e12)):
            B = b + D(renewals)
            value = discounted(a, B, D(d), 1) if renewals < 1e13 else discounted_2f1(a, B, D(d), 1)
            rows.append(("derl", params, (d, renewals), value))
    return rows


def bgbb_rows():
    """DERT of a donor who gave at each of n opportunities (alive through n with
    probability 1): (alpha+n)/(alpha+beta+n) sum_j>=1 z^j E[(1-theta)^j],
    theta ~ Beta(gamma, delta+n), z = 1/(1+d) = e^-rate."""
    rows = []
    al, be, ga, de = (D(v) for v in (1.204, 0.750, 0.657, 2.783))
    for n, rate in ((1e5, 0.0953101798043249), (1e6, 1e-9), (1e4, 1e-100)):
        N = D(n)
        d = mp.expm1(D(rate))
        value = (al + N) / (al + be + N) * discounted(ga, de + N, d, 1) / (1 + d)
        rows.append(("dert", (1.204, 0.750, 0.657, 2.783), (n, rate), value))
    return rows


# ---------------------------------------------------------------- closed forms, spend, value

def closed_rows():
    rows = []
    for m, r, d, H, prepaid in ((10, 1.0, 1e-300, 1e9, 0), (10, 1 - 2 ** -52, 1e-300, 1e12, 1),
                                (3, 0.9, 1e-12, 1.8446744073709552e19, 0)):
        q = D(r) / (1 + D(d))
        # sum_{t=1..H} q^t (end) or sum_{t=0..H-1} q^t (prepaid), as exact geometric series
        s = -mp.expm1(D(H) * (mp.log(D(r)) - mp.log1p(D(d)))) / ((1 - D(r) + D(d)) / (1 + D(d)))
        v = D(m) * (s if prepaid else q * s)
        rows.append(("horizon", (m, r, d, H, prepaid), v))
    return rows


def spend_rows():
    p, q, g = D(6.25), D(3.74), D(15.44)
    rows = []
    for x, m in ((1e12, 1e308), (9e15, 1e300), (1, 1e308)):
        X, M = D(x), D(m)
        rows.append(("spend", (x, m), p * (g + M * X) / (p * X + q - 1)))
    return rows


def value_rows():
    """Lifetime value of a Pareto/NBD customer just acquired (alive, E[Y] = E[X]):
    sum_i (E[X(i k)] - E[X((i-1) k)]) / (1+d)^i, summed until the terms are below 1e-40
    of the total; without discount E[X(H k)]."""
    cdnow = (0.553, 10.578, 0.606, 11.669)
    p = tuple(D(v) for v in cdnow)
    rows = []
    for period, periods, discount in ((1.0, 4e9, 0.05), (30.0, 12, 0.01), (1e290, 4e9, 0.0),
                                      (7.0, 1e6, 0.1)):
        k, d = D(period), D(discount)
        if discount == 0:
            total = pnbd_expected(p, k * D(periods))
        else:
            total, prev, i = mp.mpf(0), mp.mpf(0), 1
            while i <= periods:
                cur = pnbd_expected(p, k * i)
                term = (cur - prev) / (1 + d) ** i
                total += term
                prev = cur
                if term < mp.mpf(10) ** -40 * total:
                    break
                i += 1
        rows.append(("value", cdnow, (period, periods, discount), total))
    return rows


def gamma_rows():
    """Regularised incomplete gamma P(s, z), Q(s, z) (the NBD tail at huge counts)."""
    rows = []
    for s in (1e-10, 0.242593, 1.0, 30.5, 1e5):
        for z in ((0.99 * s, s, 1.01 * s) if s > 100 else (1e-5, s, 10 * s + 1)):
            S, Z = D(s), D(z)
            rows.append((s, z, mp.gammainc(S, 0, Z, regularized=True),
                         mp.gammainc(S, Z, mp.inf, regularized=True)))
    return rows


def main():
    print("/* Generated by tests/ref/extremes_reference.py (mpmath); do not edit. */")
    print("#ifndef EXTREMES_REFERENCE_H")
    print("#define EXTREMES_REFERENCE_H")
    print()
    print("/* Each test program uses some of the tables. */")
    print("#define EXTREMES_TABLE static const __attribute__((unused))")
    print()
    print("/* BG/NBD (shift 0) and MBG/NBD (shift 1): what, shift, r, alpha, a, b, arguments")
    print(" * (expected: t; conditional: t, x, t_x, T; dert: rate, x, t_x, T; probability: k, t), value. */")
    print("EXTREMES_TABLE struct { const char *what; int shift; double p[4], arg[4], value; } "
          "bgnbd_extreme[] = {")
    for what, shift, params, args, value in bgnbd_rows():
        a = list(args) + [0] * (4 - len(args))
        print(f'    {{ "{what}", {shift}, {{ {", ".join(fmt(D(v)) for v in params)} }}, '
              f'{{ {", ".join(fmt(D(v)) for v in a)} }}, {fmt(value)} }},')
    print("};")
    print()
    print("/* Pareto/NBD: what (expected: t; dert_new: rate, of x = t_x = T = 0; probability: k, t),")
    print(" * r, alpha, s, beta, arguments, value. */")
    print("EXTREMES_TABLE struct { const char *what; double p[4], arg[2], value; } pnbd_extreme[] = {")
    for what, params, args, value in pnbd_rows():
        a = list(args) + [0] * (2 - len(args))
        print(f'    {{ "{what}", {{ {", ".join(fmt(D(v)) for v in params)} }}, '
              f'{{ {", ".join(fmt(D(v)) for v in a)} }}, {fmt(value)} }},')
    print("};")
    print()
    print("/* sBG: what (del: discount; derl: discount, renewals), alpha, beta, arguments, value. */")
    print("EXTREMES_TABLE struct { const char *what; double p[2], arg[2], value; } sbg_extreme[] = {")
    for what, params, args, value in sbg_rows():
        print(f'    {{ "{what}", {{ {fmt(D(params[0]))}, {fmt(D(params[1]))} }}, '
              f'{{ {fmt(D(args[0]))}, {fmt(D(args[1]))} }}, {fmt(value)} }},')
    print("};")
    print()
    print("/* BG/BB DERT of x = t_x = n: alpha, beta, gamma, delta, n, rate, value. */")
    print("EXTREMES_TABLE struct { double p[4], n, rate, value; } bgbb_extreme[] = {")
    for what, params, args, value in bgbb_rows():
        print(f'    {{ {{ {", ".join(fmt(D(v)) for v in params)} }}, {fmt(D(args[0]))}, '
              f'{fmt(D(args[1]))}, {fmt(value)} }},')
    print("};")
    print()
    print("/* cxm_clv_horizon: margin, retention, discount, horizon, prepaid, value. */")
    print("EXTREMES_TABLE struct { double margin, retention, discount, horizon; int prepaid; "
          "double value; } horizon_extreme[] = {")
    for what, (m, r, d, H, prepaid), value in closed_rows():
        print(f"    {{ {fmt(D(m))}, {fmt(D(r))}, {fmt(D(d))}, {fmt(D(H))}, {prepaid}, "
              f"{fmt(value)} }},")
    print("};")
    print()
    print("/* Regularised incomplete gamma: s, z, P(s, z), Q(s, z). */")
    print("EXTREMES_TABLE struct { double s, z, p, q; } gamma_extreme[] = {")
    for s_, z, P, Q in gamma_rows():
        print(f"    {{ {fmt(D(s_))}, {fmt(D(z))}, {fmt(P)}, {fmt(Q)} }},")
    print("};")
    print()
    print("/* Gamma-Gamma p = 6.25, q = 3.74, gamma = 15.44: x, mean spend, E[M | x, m]. */")
    print("EXTREMES_TABLE struct { double x, m, value; } spend_extreme[] = {")
    for what, (x, m), value in spend_rows():
        print(f"    {{ {fmt(D(x))}, {fmt(D(m))}, {fmt(value)} }},")
    print("};")
    print()
    print("/* Lifetime value (margin and value 1) of a Pareto/NBD customer with x = t_x = T = 0:")
    print(" * r, alpha, s, beta, period, periods, discount, value. */")
    print("EXTREMES_TABLE struct { double p[4], period, periods, discount, value; } value_extreme[] = {")
    for what, params, (k, H, d), value in value_rows():
        print(f'    {{ {{ {", ".join(fmt(D(v)) for v in params)} }}, {fmt(D(k))}, {fmt(D(H))}, '
              f'{fmt(D(d))}, {fmt(value)} }},')
    print("};")
    print()
    print("#endif")


if __name__ == "__main__":
    main()
