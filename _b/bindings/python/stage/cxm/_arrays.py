"""numpy and pandas at the edges: broadcast inputs, call C once, shape the result."""

import numpy as np


def _pandas_index(values):
    """The index of the first pandas Series among values, or None."""
    for value in values:
        if type(value).__module__.startswith("pandas") and hasattr(value, "index"):
            return value.index, getattr(value, "name", None)
    return None


def as_float_array(value, name):
    """A contiguous float64 numpy array, with a clear error for non-numbers."""
    try:
        return np.ascontiguousarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        from ._errors import InvalidArgumentError
        raise InvalidArgumentError(f"{name} must be numbers: {exc}") from None


def elementwise(call, named_inputs, name="value"):
    """Broadcast the inputs, call ``call(dst, *flat_inputs)`` once, reshape.

    Returns a float when every input is a scalar, a pandas Series when an input
    is a Series (with its index), and a numpy array otherwise.
    """
    names = list(named_inputs)
    arrays = [as_float_array(named_inputs[key], key) for key in names]
    try:
        broadcast = np.broadcast_arrays(*arrays)
    except ValueError:
        from ._errors import InvalidArgumentError
        shapes = ", ".join(f"{key} {arr.shape}" for key, arr in zip(names, arrays))
        raise InvalidArgumentError(f"shapes do not broadcast: {shapes}") from None
    shape = broadcast[0].shape
    flat = [np.ascontiguousarray(arr.reshape(-1)) for arr in broadcast]
    dst = np.empty(flat[0].size if flat else 0, dtype=np.float64)
    call(dst, *flat)
    if not shape:
        return float(dst[0])
    result = dst.reshape(shape)
    index = _pandas_index(named_inputs.values())
    if index is not None and result.ndim == 1:
        import pandas as pd
        return pd.Series(result, index=index[0], name=name)
    return result
