"""numpy and pandas at the edges: check and convert arguments, broadcast, call C once, shape
the result.

Every argument a user gives goes through one of the converters below, which
refuse it with a :class:`cxm.Error` naming it (lifetimes' names where they
exist): :class:`cxm.ArgumentTypeError` (also a TypeError) for None, text,
complex numbers and other non-numbers, :class:`cxm.InvalidArgumentError` for
values (NaN, infinities, negative or fractional counts, empty arrays,
mismatched lengths, NUL bytes in text).
"""

from __future__ import annotations

import contextlib
import numbers
from typing import (TYPE_CHECKING, Any, Callable, Iterable, Iterator, List, Mapping,
                    Optional, Tuple, TypeVar, Union, cast)

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._errors import ArgumentTypeError, Error, InvalidArgumentError

if TYPE_CHECKING:
    import os

    import pandas as pd

# The types of the public API's hints. Inputs are numbers, sequences, numpy arrays or
# pandas Series (ArrayLike); elementwise results are a float for numbers, a pandas Series
# for a Series and a numpy array otherwise.
FloatArray = NDArray[np.float64]
Values = Union[float, FloatArray, "pd.Series"]
PathLike = Union[str, "os.PathLike[str]"]
_T = TypeVar("_T")


def _pandas_index(values: Iterable[Any]) -> Optional[Tuple[Any, Any]]:
    """The index of the first pandas Series among values, or None."""
    for value in values:
        if type(value).__module__.startswith("pandas") and hasattr(value, "index"):
            return value.index, getattr(value, "name", None)
    return None


def _who(index: Any, position: int) -> str:
    """'customer 10244' for a position of a pandas index: its label, called after what
    the index's name says ('respondent 7'); 'row 5' for an index without a name."""
    name = index.name if isinstance(index.name, str) else ""
    plain = name.lower().replace("_", "")
    if not plain:
        kind = "row"
    elif "customer" in plain or plain in ("id", "cust", "custid", "client", "clientid"):
        kind = "customer"
    else:
        kind = name
    return f"{kind} {index[position]}"


def _named(exc: Error, index: Any, position: int) -> Error:
    """A library error about element ``position`` (exc.element), as the same error naming
    the customer index[position] in place of the position."""
    prefix = f"element {position}: "
    text = str(exc)
    who = _who(index, position)
    message = f"{who}: {text[len(prefix):]}" if text.startswith(prefix) else f"{who}: {text}"
    named = type(exc)(message)
    named.code, named.element, named.customer = exc.code, position, index[position]
    return named


@contextlib.contextmanager
def customers_named(*values: Any) -> Iterator[None]:
    """Library errors about one element name the customer instead of the position when
    one of ``values`` is a pandas Series (or DataFrame) of as many rows: its index label."""
    found = _pandas_index(values)
    try:
        yield
    except Error as exc:
        if found is None or exc.element is None or not 0 <= exc.element < len(found[0]):
            raise
        raise _named(exc, found[0], exc.element) from None


def _describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _object_elements(raw: NDArray[Any], name: str) -> FloatArray:
    """Object arrays (pandas columns of mixed Python values): text and complex
    numbers are refused; None and pandas.NA are missing values (NaN)."""
    flat: List[Any] = [None if type(item).__name__ == "NAType" else item
                       for item in raw.reshape(-1)]
    for i, item in enumerate(flat):
        if isinstance(item, (str, bytes)):
            raise ArgumentTypeError(f"{name}{_at(raw.shape, i)} is text ({_describe(item)}), "
                                    "not a number")
        if isinstance(item, complex) or np.iscomplexobj(item):
            raise ArgumentTypeError(f"{name}{_at(raw.shape, i)} is a complex number "
                                    f"({_describe(item)}), not a real number")
        if item is not None and not isinstance(item, (numbers.Real, np.generic)):
            raise ArgumentTypeError(f"{name}{_at(raw.shape, i)} is a {type(item).__name__}, "
                                    "not a number")
    return np.array([np.nan if item is None else item for item in flat],
                    dtype=np.float64).reshape(raw.shape)


def _at(shape: Tuple[int, ...], flat_index: int) -> str:
    """'[3]' or '[1, 2]' for an element, '' for a scalar."""
    if not shape:
        return ""
    position = np.unravel_index(flat_index, shape)
    return "[" + ", ".join(str(int(k)) for k in position) + "]"


def _real(value: Any, name: str) -> FloatArray:
    """value as a float64 array of real numbers, or ArgumentTypeError."""
    if value is None:
        raise ArgumentTypeError(f"{name} must be numbers, got None")
    if isinstance(value, (str, bytes)):
        raise ArgumentTypeError(f"{name} must be numbers, got text ({_describe(value)})")
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as exc:  # e.g. ragged nested lists
        raise ArgumentTypeError(f"{name} must be numbers: {exc}") from None
    kind = raw.dtype.kind
    if kind == "c":
        raise ArgumentTypeError(f"{name} must be real numbers, got complex numbers")
    if kind in "USa":
        raise ArgumentTypeError(f"{name} must be numbers, got text")
    if kind in "mM":
        raise ArgumentTypeError(f"{name} must be numbers, got dates or durations")
    if kind == "O":
        return _object_elements(raw, name)
    if kind not in "biuf":
        raise ArgumentTypeError(f"{name} must be numbers, got {raw.dtype}")
    return raw.astype(np.float64, copy=False)


def _check_values(array: FloatArray, name: str, finite: bool, minimum: Optional[float],
                  whole: bool, positive: bool, index: Any = None) -> None:
    """The first element that is not finite, below minimum, not positive or
    fractional: a message naming it (by its label in ``index``, a pandas index of
    a 1-D array's rows, else by its position)."""
    rule = "a whole number" if whole else "a finite number" if finite or positive else "a number"
    if positive:
        rule += " > 0"
    elif minimum is not None:
        rule += f" >= {minimum:g}"
    bad = np.zeros(array.shape, dtype=bool)
    if finite or whole or positive:
        bad |= ~np.isfinite(array)
    with np.errstate(invalid="ignore"):
        if minimum is not None:
            bad |= array < minimum
        if positive:
            bad |= ~(array > 0)
        if whole:
            bad |= array != np.floor(array)
    if bad.any():
        i = int(np.flatnonzero(bad.reshape(-1))[0])
        value = array.reshape(-1)[i]
        where = (f"{_who(index, i)}: {name}" if index is not None and array.ndim == 1
                 and len(index) == array.size else f"{name}{_at(array.shape, i)}")
        if np.isnan(value):
            raise _labelled(InvalidArgumentError(f"{where} is missing (NaN): it must be {rule}"),
                            index, i, array)
        raise _labelled(InvalidArgumentError(f"{where} = {value:g} must be {rule}"), index, i,
                        array)


def _labelled(exc: Error, index: Any, i: int, array: FloatArray) -> Error:
    """exc with its element (and customer, for a pandas index of the rows) set."""
    if array.ndim == 1:
        exc.element = i
        if index is not None and len(index) == array.size:
            exc.customer = index[i]
    return exc


def as_float_array(value: Any, name: str, *, finite: bool = False,
                   minimum: Optional[float] = None, whole: bool = False, positive: bool = False,
                   empty: bool = True) -> FloatArray:
    """A contiguous float64 numpy array of ``value`` (a number, sequence,
    numpy array or pandas object), refused with a message naming ``name``
    when it is not real numbers. ``finite``: no NaN or infinity; ``minimum``:
    no smaller element; ``positive``: finite and > 0; ``whole``: whole numbers
    (finite); ``empty=False``: at least one element."""
    array = np.ascontiguousarray(_real(value, name))
    if not empty and array.size == 0:
        raise InvalidArgumentError(f"{name} is empty: give at least one value")
    if finite or whole or positive or minimum is not None:
        found = _pandas_index([value])
        _check_values(array, name, finite, minimum, whole, positive,
                      found[0] if found is not None else None)
    return array


def as_vector(value: Any, name: str, **checks: Any) -> FloatArray:
    """as_float_array flattened to one dimension."""
    return np.ascontiguousarray(as_float_array(value, name, **checks).reshape(-1))


def as_float(value: Any, name: str, *, finite: bool = True, minimum: Optional[float] = None,
             positive: bool = False) -> float:
    """One real number (finite unless ``finite=False``) as a float."""
    array = as_float_array(value, name, finite=finite, minimum=minimum, positive=positive)
    if array.size != 1:
        raise InvalidArgumentError(f"{name} must be one number, got {array.size} values")
    return float(array.reshape(-1)[0])


def as_count(value: Any, name: str, *, minimum: int = 0, maximum: Optional[int] = None) -> int:
    """A whole number in [minimum, maximum] as an int (exact for large
    Python and numpy integers, e.g. 64-bit seeds)."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, bytes)) \
            or isinstance(value, (complex, np.complexfloating)) \
            or not isinstance(value, (numbers.Real, np.generic)):
        raise ArgumentTypeError(f"{name} must be a whole number, got {_describe(value)}")
    if isinstance(value, (numbers.Integral, np.integer)):
        number = int(value)
    else:
        real = float(cast(Any, value))
        if not np.isfinite(real) or real != np.floor(real):
            raise InvalidArgumentError(f"{name} = {real:g} must be a whole number")
        number = int(real)
    if number < minimum or (maximum is not None and number > maximum):
        upper = f" and <= {maximum}" if maximum is not None else ""
        raise InvalidArgumentError(f"{name} = {number} must be a whole number >= {minimum}"
                                   f"{upper}")
    return number


def as_seed(value: Any, name: str = "seed") -> int:
    """A random seed: a whole number in [0, 2^64)."""
    return as_count(value, name, maximum=2**64 - 1)


def as_text(value: Any, name: str, *, optional: bool = False) -> Any:
    """A str without NUL bytes (a C string would end there); None when
    ``optional``."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be a string, got {_describe(value)}")
    if "\0" in value:
        raise InvalidArgumentError(f"{name} contains a NUL byte at position {value.index(chr(0))}:"
                                   f" {_describe(value)}")
    return value


def as_path(value: Any, name: str) -> str:
    """A file or directory name (str or os.PathLike) as a str."""
    import os
    if not isinstance(value, (str, os.PathLike)):
        raise ArgumentTypeError(f"{name} must be a file name, got {_describe(value)}")
    path = os.fspath(value)
    if isinstance(path, bytes):
        raise ArgumentTypeError(f"{name} must be a str file name, got bytes")
    return as_text(path, name)


def as_choice(value: Any, choices: Iterable[str], name: str) -> str:
    """One of the strings ``choices`` (a dict or a sequence)."""
    if not isinstance(value, str) or value not in choices:
        raise InvalidArgumentError(f"{name} must be one of {', '.join(map(str, choices))}, got "
                                   f"{_describe(value)}")
    return value


def as_texts(values: Any, name: str, *, optional: bool = True) -> List[Any]:
    """A list of str (None kept when ``optional``) from a sequence, each
    without NUL bytes."""
    if values is None:
        raise ArgumentTypeError(f"{name} must be a sequence of strings, got None")
    if isinstance(values, (str, bytes)):
        raise ArgumentTypeError(f"{name} must be a sequence of strings, not one string")
    try:
        items = list(values)
    except TypeError:
        raise ArgumentTypeError(f"{name} must be a sequence of strings, got "
                                f"{_describe(values)}") from None
    return [as_text(item, f"{name}[{i}]", optional=optional) for i, item in enumerate(items)]


def same_length(*named_arrays: Tuple[str, Any]) -> None:
    """Every (name, array) pair has as many elements as the first."""
    first_name, first = named_arrays[0]
    for name, array in named_arrays[1:]:
        if np.size(array) != np.size(first):
            raise InvalidArgumentError(f"{name} has {np.size(array)} elements where "
                                       f"{first_name} has {np.size(first)}")


def named(name: str, call: Callable[..., _T], *args: Any, of: Any = None) -> _T:
    """``call(*args)``, with ``name: `` in front of a cxm.Error's message: the library
    names the element ("element 3: score 11 is outside ..."), the caller the argument.
    ``of``: the argument as given; a pandas Series names the element by its label."""
    try:
        with customers_named(*(() if of is None else (of,))):
            return call(*args)
    except Error as error:
        renamed = type(error)(f"{name}: {error}")
        renamed.code, renamed.element, renamed.customer = error.code, error.element, \
            error.customer
        raise renamed from None


def elementwise(call: Callable[..., Any], named_inputs: Mapping[str, Any], name: str = "value",
                checks: Optional[Mapping[str, Mapping[str, Any]]] = None) -> Values:
    """Broadcast the inputs, call ``call(dst, *flat_inputs)`` once, reshape.

    ``checks`` maps an input's name to as_float_array's keywords (finite,
    minimum, whole). Returns a float when every input is a scalar, a pandas
    Series when an input is a Series (with its index), and a numpy array
    otherwise.
    """
    names = list(named_inputs)
    checks = checks or {}
    arrays = [as_float_array(named_inputs[key], key, **checks.get(key, {})) for key in names]
    try:
        broadcast = np.broadcast_arrays(*arrays)
    except ValueError:
        shapes = ", ".join(f"{key} {arr.shape}" for key, arr in zip(names, arrays))
        raise InvalidArgumentError(f"shapes do not broadcast: {shapes}") from None
    shape = broadcast[0].shape
    flat = [np.ascontiguousarray(arr.reshape(-1)) for arr in broadcast]
    dst = np.empty(flat[0].size if flat else 0, dtype=np.float64)
    # A 1-D result is indexed like the Series among the inputs: positions are its rows.
    with customers_named(*(named_inputs.values() if len(shape) == 1 else ())):
        call(dst, *flat)
    if not shape:
        return float(dst[0])
    result = dst.reshape(shape)
    index = _pandas_index(named_inputs.values())
    if index is not None and result.ndim == 1:
        import pandas as pd
        return pd.Series(result, index=index[0], name=name)
    return result
