"""Closed-form customer lifetime value (Gupta & Lehmann 2003)."""

from typing import Optional

import numpy as np
from numpy.typing import ArrayLike

from . import core
from ._arrays import Values, as_count, as_float, as_vector, elementwise, same_length
from ._errors import DomainError

__all__ = ["clv", "clv_elasticity", "clv_schedule", "customer_equity"]


def _timing(prepaid: bool) -> int:
    return core.CASH_START if prepaid else core.CASH_END


_FINITE = {"margin": {"finite": True}, "retention": {"finite": True},
           "discount": {"finite": True}}


def clv(margin: ArrayLike, retention: ArrayLike, discount: ArrayLike, *, prepaid: bool = False,
        horizon: Optional[int] = None) -> Values:
    """Lifetime value from margin, retention and discount rate per period.

    ``margin * retention / (1 + discount - retention)`` with cash at the end of
    each period, ``margin * (1 + discount) / (1 + discount - retention)`` when
    ``prepaid``. With ``horizon`` (a whole number of periods) only the first
    periods count.

    Every argument may be a number, a numpy array or a pandas Series; arrays
    broadcast against each other. Returns a float for scalar inputs, otherwise
    an array (a Series when an input is a Series).

    >>> round(cxm.clv(margin=100, retention=0.8, discount=0.12), 9)
    250.0

    Raises InvalidArgumentError for retention outside [0, 1], a negative or
    non-finite discount or margin, and DomainError when the value is infinite
    (retention 1 with discount 0 over an infinite horizon) or beyond the range
    of a double, or for a horizon above ``2**64 - 1`` periods (any horizon up to
    it is one closed form).
    """
    timing = _timing(prepaid)
    inputs = {"margin": margin, "retention": retention, "discount": discount}
    scalar = np.ndim(margin) == np.ndim(retention) == np.ndim(discount) == 0
    if horizon is not None:
        horizon = as_count(horizon, "horizon")
        if horizon > 2**64 - 1:
            raise DomainError(f"horizon {horizon} is beyond 2**64 - 1 periods, the most "
                              "cxm.clv takes")
        if scalar:
            return core.clv_horizon(as_float(margin, "margin"), as_float(retention, "retention"),
                                    as_float(discount, "discount"), horizon, timing)
        return elementwise(
            lambda dst, m, r, d: core.clv_horizon_many(dst, m, r, d, horizon, timing),
            inputs, "clv", _FINITE)
    if scalar:
        return core.clv_retention(as_float(margin, "margin"), as_float(retention, "retention"),
                                  as_float(discount, "discount"), timing)
    return elementwise(
        lambda dst, m, r, d: core.clv_retention_many(dst, m, r, d, timing), inputs, "clv",
        _FINITE)


def clv_elasticity(retention: ArrayLike, discount: ArrayLike, *, prepaid: bool = False) -> Values:
    """Elasticity of lifetime value to retention: % change in CLV per % change in retention.

    ``(1 + discount) / (1 + discount - retention)`` with cash at the end of each
    period, ``retention / (1 + discount - retention)`` when ``prepaid``. It does
    not depend on the margin. Broadcasts like :func:`clv`.

    >>> round(cxm.clv_elasticity(0.8, 0.12), 9)
    3.5
    """
    timing = _timing(prepaid)
    if np.ndim(retention) == np.ndim(discount) == 0:
        return core.clv_elasticity(as_float(retention, "retention"),
                                   as_float(discount, "discount"), timing)
    return elementwise(
        lambda dst, r, d: core.clv_elasticity_many(dst, r, d, timing),
        {"retention": retention, "discount": discount}, "elasticity", _FINITE)


def clv_schedule(margins: ArrayLike, retentions: ArrayLike, discount: float, *,
                 prepaid: bool = False) -> float:
    """Lifetime value with a margin and a retention rate for each period.

    ``margins[t]`` is earned in period t+1 and ``retentions[t]`` is the
    probability of being retained through period t+1; with cash at the end of
    each period ``CLV = sum_t m_t * r_1...r_t / (1+d)^t``. Prepaid, the margin of
    a period comes from customers who reached its start.
    """
    m = as_vector(margins, "margins", finite=True, empty=False)
    r = as_vector(retentions, "retentions", finite=True)
    same_length(("margins", m), ("retentions", r))
    return core.clv_schedule(m, r, as_float(discount, "discount"), _timing(prepaid))


def customer_equity(sizes: ArrayLike, clvs: ArrayLike,
                    acquisition_costs: Optional[ArrayLike] = None,
                    discount: float = 0.0) -> float:
    """Value of a customer base built from cohorts.

    ``sum_k sizes[k] * (clvs[k] - acquisition_costs[k]) / (1 + discount)^k``:
    cohort k is acquired k periods from now. ``acquisition_costs`` is per
    customer (None for none); ``discount`` 0 values all cohorts today.
    """
    s = as_vector(sizes, "sizes", finite=True, empty=False)
    v = as_vector(clvs, "clvs", finite=True)
    same_length(("sizes", s), ("clvs", v))
    if acquisition_costs is None:
        c = np.empty(0)
    else:
        c = as_vector(acquisition_costs, "acquisition_costs", finite=True)
        if c.size == 1:
            c = np.full(s.shape, c[0])
        same_length(("sizes", s), ("acquisition_costs", c))
    return core.customer_equity(s, v, c, as_float(discount, "discount"))
