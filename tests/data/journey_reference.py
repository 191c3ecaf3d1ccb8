#!/usr/bin/env python3
"""Reference values for tests/check_journey.c and tests/python/test_journey.py,
computed independently of libcxm with scipy (Welch's test) and exact
fractions. Run it to reproduce the numbers pasted into the tests."""
from fractions import Fraction as F

import numpy as np
from scipy import stats

# Welch's test: employees' self-ratings of the "store" touchpoint against the
# customers' ratings of it (tests: touchpoint gap).
employees = np.array([5, 5, 4, 5, 4], dtype=float)
customers = np.array([3, 4, 2, 5, 3, 3], dtype=float)
t, p = stats.ttest_ind(employees, customers, equal_var=False)
v1, v2 = employees.var(ddof=1) / len(employees), customers.var(ddof=1) / len(customers)
se = np.sqrt(v1 + v2)
df = (v1 + v2) ** 2 / (v1 ** 2 / (len(employees) - 1) + v2 ** 2 / (len(customers) - 1))
q = stats.t.ppf(0.975, df)
diff = employees.mean() - customers.mean()
print(f"welch: diff {diff!r} se {se!r} df {df!r} t {t!r} p {p!r} lower {diff - q * se!r} upper {diff + q * se!r}")

# Wilson interval for 7 of 9 at 95% (funnel EXPLORE -> BUY).
z = stats.norm.ppf(0.975)
for k, n in ((7, 9), (2, 7)):
    ph = k / n
    centre = (ph + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(ph * (1 - ph) / n + z * z / (4 * n * n))
    print(f"wilson {k}/{n}: {centre - half!r} {centre + half!r}")

# Decision chain of docs/models.md §2.2 with exact fractions.
Q = [[F(1, 5), F(2, 5)], [F(0), F(3, 10)]]
det = (1 - Q[0][0]) * (1 - Q[1][1]) - Q[0][1] * Q[1][0]
N = [[(1 - Q[1][1]) / det, Q[0][1] / det], [Q[1][0] / det, (1 - Q[0][0]) / det]]
print("N", N, "steps", [sum(r) for r in N], "P(promote)", [N[0][1] * F(1, 5), N[1][1] * F(1, 5)])
