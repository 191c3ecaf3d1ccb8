"""Closed-form customer lifetime value (Gupta & Lehmann 2003)."""

import numpy as np

from . import core
from ._arrays import as_float_array, elementwise

__all__ = ["clv", "clv_elasticity", "clv_schedule", "customer_equity"]


def _timing(prepaid):
    return core.CASH_START if prepaid else core.CASH_END


def clv(margin, retention, discount, *, prepaid=False, horizon=None):
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
    if horizon is not None:
        horizon = _whole_number(horizon, "horizon")
        if horizon > 2**64 - 1:
            from ._errors import DomainError
            raise DomainError(f"horizon {horizon} is beyond 2**64 - 1 periods, the most "
                              "cxm.clv takes")
        if np.ndim(margin) == np.ndim(retention) == np.ndim(discount) == 0:
            return core.clv_horizon(float(margin), float(retention), float(discount),
                                    horizon, timing)
        return elementwise(
            lambda dst, m, r, d: core.clv_horizon_many(dst, m, r, d, horizon, timing),
            {"margin": margin, "retention": retention, "discount": discount}, "clv")
    if np.ndim(margin) == np.ndim(retention) == np.ndim(discount) == 0:
        return core.clv_retention(float(margin), float(retention), float(discount), timing)
    return elementwise(
        lambda dst, m, r, d: core.clv_retention_many(dst, m, r, d, timing),
        {"margin": margin, "retention": retention, "discount": discount}, "clv")


def clv_elasticity(retention, discount, *, prepaid=False):
    """Elasticity of lifetime value to retention: % change in CLV per % change in retention.

    ``(1 + discount) / (1 + discount - retention)`` with cash at the end of each
    period, ``retention / (1 + discount - retention)`` when ``prepaid``. It does
    not depend on the margin. Broadcasts like :func:`clv`.

    >>> round(cxm.clv_elasticity(0.8, 0.12), 9)
    3.5
    """
    timing = _timing(prepaid)
    if np.ndim(retention) == np.ndim(discount) == 0:
        return core.clv_elasticity(float(retention), float(discount), timing)
    return elementwise(
        lambda dst, r, d: core.clv_elasticity_many(dst, r, d, timing),
        {"retention": retention, "discount": discount}, "elasticity")


def clv_schedule(margins, retentions, discount, *, prepaid=False):
    """Lifetime value with a margin and a retention rate for each period.

    ``margins[t]`` is earned in period t+1 and ``retentions[t]`` is the
    probability of being retained through period t+1; with cash at the end of
    each period ``CLV = sum_t m_t * r_1...r_t / (1+d)^t``. Prepaid, the margin of
    a period comes from customers who reached its start.
    """
    m = as_float_array(margins, "margins").reshape(-1)
    r = as_float_array(retentions, "retentions").reshape(-1)
    return core.clv_schedule(m, r, float(discount), _timing(prepaid))


def customer_equity(sizes, clvs, acquisition_costs=None, discount=0.0):
    """Value of a customer base built from cohorts.

    ``sum_k sizes[k] * (clvs[k] - acquisition_costs[k]) / (1 + discount)^k``:
    cohort k is acquired k periods from now. ``acquisition_costs`` is per
    customer (None for none); ``discount`` 0 values all cohorts today.
    """
    s = as_float_array(sizes, "sizes").reshape(-1)
    v = as_float_array(clvs, "clvs").reshape(-1)
    if acquisition_costs is None:
        c = np.empty(0)
    else:
        c = np.broadcast_to(as_float_array(acquisition_costs, "acquisition_costs"), s.shape)
        c = np.ascontiguousarray(c)
    return core.customer_equity(s, v, c, float(discount))


def _whole_number(value, name):
    from ._errors import InvalidArgumentError
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"{name} must be a whole number, got {value!r}") from None
    if number != value or number < 0:
        raise InvalidArgumentError(f"{name} must be a whole number >= 0, got {value!r}")
    return number
