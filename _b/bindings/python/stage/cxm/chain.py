"""The expectation-to-results emotion chain: how customers remember, feel and judge."""

import numpy as np

from . import core
from ._arrays import as_float_array

__all__ = ["peak_end"]


def peak_end(moments):
    """Remembered score of an experience by the peak-end rule (Kahneman et al. 1993).

    ``moments`` is one experience (a sequence of numbers in time order): the
    result is the mean of the most intense moment (largest magnitude, sign
    kept, the first of ties) and the last moment. A list of experiences (a
    sequence of sequences, or a pandas Series of sequences) gives a numpy
    array (a Series with the same index) of remembered scores.

    >>> cxm.chain.peak_end([2, 4, 6, 7, 8, 8, 7.5, 7, 6.5])
    7.25
    """
    index = getattr(moments, "index", None) if type(moments).__module__.startswith("pandas") else None
    values = list(moments) if index is not None else moments
    if not _is_nested(values):
        return core.peak_end(as_float_array(values, "moments").reshape(-1))
    experiences = [as_float_array(m, "moments").reshape(-1) for m in values]
    lengths = np.array([len(m) for m in experiences], dtype=np.uintp)
    offsets = np.zeros(len(experiences) + 1, dtype=np.uintp)
    np.cumsum(lengths, out=offsets[1:])
    flat = np.concatenate(experiences) if experiences else np.empty(0)
    dst = np.empty(len(experiences))
    core.peak_end_many(dst, offsets, flat)
    if index is not None:
        import pandas as pd
        return pd.Series(dst, index=index, name="peak_end")
    return dst


def _is_nested(values):
    """True for a collection of experiences rather than one experience."""
    if isinstance(values, np.ndarray):
        return values.ndim > 1 or values.dtype == object
    try:
        first = values[0]
    except (IndexError, KeyError, TypeError):
        return False
    return np.ndim(first) > 0 or isinstance(first, (list, tuple))
