"""The transaction-log summary: frequency, recency, T and monetary value.

Drop-in for lifetimes' ``summary_data_from_transaction_data`` and
``calibration_and_holdout_data`` (same arguments, same column names, a pandas
DataFrame indexed by customer id), computed by libcxm in one pass over the
log. :func:`summary_from_csv` reads a file directly and returns numpy arrays,
never building a DataFrame of the transactions, for logs larger than memory
would like.

>>> import pandas as pd, cxm
>>> log = pd.DataFrame({"id": ["a", "a", "b"], "date": ["2015-01-01", "2015-01-08", "2015-01-04"]})
>>> cxm.summary_data_from_transaction_data(log, "id", "date")  # doctest: +NORMALIZE_WHITESPACE
    frequency  recency    T
id
a         1.0      7.0  7.0
b         0.0      0.0  4.0

Differences from lifetimes (see docs/io.md): the calibration split compares
time units rather than timestamps, ``monetary_value_holdout`` averages per
time unit as ``monetary_value`` does, and bad values raise an error naming
the row instead of becoming NaN.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Dict, Hashable, List, Optional, Sequence, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike

from . import core
from ._arrays import (FloatArray, PathLike, as_count, as_float, as_float_array, as_path, as_text,
                      _describe)
from ._errors import ArgumentTypeError, Error, InvalidArgumentError

if TYPE_CHECKING:
    import pandas as pd

# A column of a CSV file: a header name or a 1-based number.
Column = Union[str, int]

__all__ = ["summary_data_from_transaction_data", "calibration_and_holdout_data",
           "summary_from_csv", "RFMSummary"]

_NS_PER_DAY = 86_400_000_000_000
_WEEKDAYS = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
_NAN = float("nan")


def _unit(freq: str) -> Tuple[float, int, float]:
    """pandas-style frequency -> (unit_days, unit_months, unit_origin)."""
    if not isinstance(freq, str):
        raise InvalidArgumentError(f"freq must be a string such as 'D' or 'W', got {freq!r}")
    match = re.fullmatch(r"(\d*)([A-Za-z]+)(?:-([A-Za-z]{3}))?", freq.strip())
    if not match:
        raise InvalidArgumentError(f"freq {freq!r} is not a frequency such as 'D', 'W' or '2W'")
    count = int(match.group(1) or 1)
    name, anchor = match.group(2), match.group(3)
    origin = -3.0  # Monday 1969-12-29: weeks run Monday to Sunday (pandas' W = W-SUN)
    if count < 1:
        raise InvalidArgumentError(f"freq {freq!r}: the multiple must be at least 1")
    if name in ("D", "B") and not anchor:
        if name == "B":
            raise InvalidArgumentError("freq 'B' (business days) is not supported; use 'D'")
        return float(count), 0, origin
    if name == "W":
        if anchor:
            end = anchor.upper()
            if end not in _WEEKDAYS:
                raise InvalidArgumentError(f"freq {freq!r}: unknown weekday {anchor!r}")
            origin = -3.0 + (_WEEKDAYS.index(end) + 1) % 7  # the week starts the day after
        return 7.0 * count, 0, origin
    if anchor:
        raise InvalidArgumentError(f"freq {freq!r}: only weeks take an anchor such as W-SUN")
    months = {"M": 1, "MS": 1, "ME": 1, "Q": 3, "QS": 3, "QE": 3,
              "A": 12, "AS": 12, "Y": 12, "YS": 12, "YE": 12}
    if name in months:
        return 1.0, months[name] * count, origin
    days = {"H": 1 / 24, "h": 1 / 24, "T": 1 / 1440, "min": 1 / 1440, "S": 1 / 86400,
            "s": 1 / 86400}
    if name in days:
        return days[name] * count, 0, origin
    raise InvalidArgumentError(f"freq {freq!r} is not supported: use D, W[-DAY], M, Q, Y, h, "
                               "min or s, optionally with a multiple such as 2W")


def _days(values: Any, name: Hashable) -> FloatArray:
    """Datetimes (numpy datetime64 or pandas) -> float days since 1970-01-01."""
    import pandas as pd
    index = pd.DatetimeIndex(values)
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    ns = index.asi8
    if index.hasnans:
        row = int(np.flatnonzero(index.isna())[0])
        raise InvalidArgumentError(f"row {row}: {name} is missing")
    whole = ns // _NS_PER_DAY
    return whole.astype(np.float64) + (ns - whole * _NS_PER_DAY) / _NS_PER_DAY


def _time(value: Any, datetime_format: Optional[str], name: str) -> float:
    """One date (string, datetime, Timestamp) -> float days, or NaN for None.

    Strings are read with ``datetime_format`` when it is given (as lifetimes
    does), else, or when that fails, as ISO 8601."""
    if value is None:
        return _NAN
    import pandas as pd
    stamp = None
    for fmt in ((datetime_format, None) if datetime_format else (None,)):
        try:
            stamp = pd.to_datetime(value, format=fmt)
            break
        except (TypeError, ValueError) as exc:
            error = exc
    if stamp is None:
        raise InvalidArgumentError(f"{name} {value!r} is not a date: {error}") from None
    return float(_days(pd.DatetimeIndex([stamp]), name)[0])


def _options(freq: str, freq_multiplier: float, calibration_end: float, observation_end: float,
             include_first: bool, threads: int) -> Tuple[Any, ...]:
    unit_days, unit_months, origin = _unit(freq)
    scale = as_float(freq_multiplier, "freq_multiplier", positive=True)
    return (unit_days, unit_months, origin, scale, calibration_end, observation_end,
            1 if include_first else 0, as_count(threads, "threads"))


def _columns(handle: Any, holdout: bool, amounts: bool) -> Dict[str, Any]:
    fields = [("frequency", core.RFM_FREQUENCY), ("recency", core.RFM_RECENCY),
              ("T", core.RFM_T)]
    if amounts:
        fields.append(("monetary_value", core.RFM_MONETARY_VALUE))
    if holdout:
        fields.append(("frequency_holdout", core.RFM_FREQUENCY_HOLDOUT))
        if amounts:
            fields.append(("monetary_value_holdout", core.RFM_MONETARY_VALUE_HOLDOUT))
        fields.append(("duration_holdout", core.RFM_DURATION_HOLDOUT))
    n = core.rfm_size(handle)
    out = {}
    for name, field in fields:
        dst = np.empty(n, dtype=np.float64)
        core.rfm_column(dst, handle, field)
        out[name] = dst
    return out


def _from_frame(transactions: pd.DataFrame, customer_id_col: Hashable, datetime_col: Hashable,
                monetary_value_col: Optional[Hashable], datetime_format: Optional[str],
                calibration_period_end: Any, observation_period_end: Any, freq: str,
                freq_multiplier: float, include_first_transaction: bool,
                threads: int) -> pd.DataFrame:
    import pandas as pd
    if not isinstance(transactions, pd.DataFrame):
        raise ArgumentTypeError(f"transactions must be a pandas DataFrame, got "
                                f"{_describe(transactions)}")
    for col in (customer_id_col, datetime_col, monetary_value_col):
        if col is not None and col not in transactions.columns:
            raise InvalidArgumentError(f"no column {col!r} in the transactions "
                                       f"({', '.join(map(str, transactions.columns))})")
    column = transactions[datetime_col]
    if not pd.api.types.is_datetime64_any_dtype(column):
        try:
            column = pd.to_datetime(column, format=datetime_format)
        except (TypeError, ValueError) as exc:
            raise InvalidArgumentError(f"{datetime_col}: {exc}") from None
    days = np.ascontiguousarray(_days(column, datetime_col))
    if monetary_value_col is not None:
        amounts = as_float_array(transactions[monetary_value_col], str(monetary_value_col),
                                 finite=True)
    else:
        amounts = np.empty(0)
    options = _options(freq, freq_multiplier,
                       _time(calibration_period_end, datetime_format, "calibration_period_end"),
                       _time(observation_period_end, datetime_format, "observation_period_end"),
                       include_first_transaction, threads)
    has_amount = monetary_value_col is not None
    ids = transactions[customer_id_col].to_numpy()
    handle: Any = None
    order: Any = None
    index: Any = None
    if ids.dtype.kind in "iu" and (ids.dtype.kind == "i" or len(ids) == 0 or ids.max() <= 2**63 - 1):
        # Integer ids are their own codes.
        handle = core.rfm_from_codes(np.ascontiguousarray(ids, dtype=np.int64), days, amounts,
                                     has_amount, *options)
        codes = np.empty(core.rfm_size(handle), dtype=np.int64)
        core.rfm_codes(codes, handle)
        index = pd.Index(codes.astype(ids.dtype), name=customer_id_col)
        order = np.argsort(codes, kind="stable")
    elif ids.dtype == object:
        # str ids go to C as they are; anything else is factorized below.
        try:
            handle = core.rfm_from_strings(ids, days, amounts, has_amount, *options)
        except InvalidArgumentError as exc:
            if "NUL byte" in str(exc):
                raise InvalidArgumentError(f"{customer_id_col}: {exc}") from None
            if "is not a str" not in str(exc):
                raise
        if handle is not None:
            names = np.array(core.rfm_ids(handle), dtype=object)
            index = pd.Index(names, name=customer_id_col)
            # lifetimes' order (by id), sorted as unicode arrays: far faster than objects.
            order = np.argsort(names.astype(str), kind="stable")
    if handle is None:
        _refuse_nul_ids(ids, customer_id_col)
        codes, uniques = pd.factorize(transactions[customer_id_col], sort=False)
        if len(codes) and codes.min() < 0:
            row = int(np.flatnonzero(codes < 0)[0])
            raise InvalidArgumentError(f"row {row}: {customer_id_col} is missing")
        handle = core.rfm_from_codes(np.ascontiguousarray(codes, dtype=np.int64), days, amounts,
                                     has_amount, *options)
        ids = np.empty(core.rfm_size(handle), dtype=np.int64)
        core.rfm_codes(ids, handle)
        index = pd.Index(uniques.take(ids), name=customer_id_col)
        try:
            order = np.argsort(index.to_numpy(), kind="stable")
        except TypeError:
            order = None  # ids that do not compare: first-appearance order
    _refuse_empty_periods(handle, days, options)
    columns = _columns(handle, calibration_period_end is not None, has_amount)
    if order is not None:
        columns = {name: values[order] for name, values in columns.items()}
        index = index[order]
    return pd.DataFrame(columns, index=index)


def _day(days: float) -> str:
    """A time in days since 1970-01-01 as its ISO date."""
    return str(np.datetime64(int(np.floor(days)), "D"))


def _refuse_empty_periods(handle: Any, days: FloatArray, options: Sequence[Any]) -> None:
    """A log whose calibration (or observation) period holds no customer is an error that
    says so, never an empty DataFrame. The C summary of arrays allows it (arrays may be one
    part of a log, as in cxm.dask); a file's summary refuses it itself."""
    calibration_end, observation_end = options[4], options[5]
    if core.rfm_size(handle) > 0 or len(days) == 0:
        if (len(days) and not np.isnan(calibration_end) and core.rfm_size(handle) > 0
                and core.rfm_stat(handle, core.RFM_HOLDOUT_ONLY) == 0):
            holdout = np.empty(core.rfm_size(handle))
            core.rfm_column(holdout, handle, core.RFM_FREQUENCY_HOLDOUT)
            if not holdout.any():
                raise InvalidArgumentError(
                    f"the holdout period is empty: no purchase after the calibration end "
                    f"{_day(calibration_end)} up to the observation end "
                    f"{_day(observation_end)} (the last is on {_day(days.max())})")
        return
    first = _day(days.min())
    if core.rfm_stat(handle, core.RFM_HOLDOUT_ONLY) > 0:
        raise InvalidArgumentError(
            f"the calibration period is empty: no purchase up to the calibration end "
            f"{_day(calibration_end)} (the first is on {first})")
    raise InvalidArgumentError(
        f"the observation period is empty: all {len(days)} transactions are after the "
        f"observation end {_day(observation_end)} (the first is on {first})")


def _refuse_nul_ids(ids: Any, name: Hashable) -> None:
    """pandas' factorize cuts text ids at a NUL byte ("a\\0b" would become "a")."""
    if ids.dtype == object:
        for row, value in enumerate(ids):
            if isinstance(value, str) and "\0" in value:
                raise InvalidArgumentError(f"{name}: row {row}: the id contains a NUL byte at "
                                           f"position {value.index(chr(0))}")


def summary_data_from_transaction_data(transactions: pd.DataFrame, customer_id_col: Hashable,
                                       datetime_col: Hashable,
                                       monetary_value_col: Optional[Hashable] = None,
                                       datetime_format: Optional[str] = None,
                                       observation_period_end: Any = None, freq: str = "D",
                                       freq_multiplier: float = 1,
                                       include_first_transaction: bool = False, *,
                                       threads: int = 0) -> pd.DataFrame:
    """Per-customer frequency, recency, T (and monetary_value) from a transaction log.

    Arguments and result as lifetimes' function of the same name: a DataFrame
    indexed by ``customer_id_col`` with float columns ``frequency`` (repeat
    purchases: time units with a purchase after the first one's), ``recency``
    (first to last purchase), ``T`` (first purchase to
    ``observation_period_end``, by default the last purchase) and, with
    ``monetary_value_col``, ``monetary_value`` (mean amount per repeat unit).
    Times are whole ``freq`` units (``'D'``, ``'W'`` = weeks Monday to Sunday,
    ``'W-SAT'``, ``'M'``, ``'Q'``, ``'Y'``, ``'h'``, multiples such as ``'2W'``)
    divided by ``freq_multiplier``: ``freq='D', freq_multiplier=7`` gives weeks
    as days/7. Purchases in one unit are merged and their amounts summed.
    ``threads=2`` uses a second thread (0: when there is a second processor).
    """
    return _from_frame(transactions, customer_id_col, datetime_col, monetary_value_col,
                       datetime_format, None, observation_period_end, freq, freq_multiplier,
                       include_first_transaction, threads)


def calibration_and_holdout_data(transactions: pd.DataFrame, customer_id_col: Hashable,
                                 datetime_col: Hashable, calibration_period_end: Any,
                                 observation_period_end: Any = None, freq: str = "D",
                                 freq_multiplier: float = 1, datetime_format: Optional[str] = None,
                                 monetary_value_col: Optional[Hashable] = None,
                                 include_first_transaction: bool = False, *,
                                 threads: int = 0) -> pd.DataFrame:
    """The summary over a calibration period plus the holdout period after it.

    As lifetimes' function of the same name: columns ``frequency_cal``,
    ``recency_cal``, ``T_cal`` (to ``calibration_period_end``),
    ``monetary_value_cal``, ``frequency_holdout`` (units with a purchase after
    the calibration end, up to ``observation_period_end``, by default the last
    purchase), ``monetary_value_holdout`` and ``duration_holdout``. Customers
    whose first purchase is after the calibration end are not included.
    """
    if calibration_period_end is None:
        raise InvalidArgumentError("calibration_period_end is required")
    frame = _from_frame(transactions, customer_id_col, datetime_col, monetary_value_col,
                        datetime_format, calibration_period_end, observation_period_end, freq,
                        freq_multiplier, include_first_transaction, threads)
    rename = {c: c + "_cal" for c in ("frequency", "recency", "T", "monetary_value")}
    return frame.rename(columns=rename)


class RFMSummary:
    """A summary read from a file: numpy arrays, one element per customer.

    Attributes: ``ids`` (list of str, in order of first appearance),
    ``frequency``, ``recency``, ``T``, ``monetary_value`` (None without
    amounts), ``first_purchase`` (numpy datetime64[us]), and with a calibration
    end ``frequency_holdout``, ``monetary_value_holdout``, ``duration_holdout``
    (else None); ``rows``, ``skipped`` and ``skipped_messages`` describe the
    input. ``unique()`` gives the compressed form, ``to_dataframe()`` a
    DataFrame with these names as columns and ``to_csv(path)`` writes the summary.
    """

    def __init__(self, handle: Any, holdout: bool, amounts: bool, customer_name: Hashable) -> None:
        self._handle = handle
        self._name = customer_name
        self.ids = core.rfm_ids(handle)
        columns = _columns(handle, holdout, amounts)
        self.frequency = columns["frequency"]
        self.recency = columns["recency"]
        self.T = columns["T"]
        self.monetary_value = columns.get("monetary_value")
        self.frequency_holdout = columns.get("frequency_holdout")
        self.monetary_value_holdout = columns.get("monetary_value_holdout")
        self.duration_holdout = columns.get("duration_holdout")
        first = np.empty(len(self.ids), dtype=np.float64)
        core.rfm_column(first, handle, core.RFM_FIRST_PURCHASE)
        self.first_purchase = (np.round(first * 86_400e6).astype(np.int64)).astype("datetime64[us]")
        self.rows = int(core.rfm_stat(handle, core.RFM_ROWS))
        self.skipped = int(core.rfm_stat(handle, core.RFM_SKIPPED))
        self.passes = int(core.rfm_stat(handle, core.RFM_PASSES))
        self.skipped_messages: List[str] = []
        while True:
            message = core.rfm_skipped_message(handle, len(self.skipped_messages))
            if message is None:
                break
            self.skipped_messages.append(message)

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return (f"<RFMSummary of {len(self)} customers from {self.rows} rows"
                f"{f', {self.skipped} skipped' if self.skipped else ''}>")

    def unique(self) -> Dict[str, FloatArray]:
        """The distinct (frequency, recency, T) rows and their customer counts, as a dict of arrays."""
        n = core.rfm_unique_size(self._handle)
        out = {}
        for name, field in (("frequency", core.RFM_FREQUENCY), ("recency", core.RFM_RECENCY),
                            ("T", core.RFM_T), ("weight", core.RFM_WEIGHT)):
            dst = np.empty(n, dtype=np.float64)
            core.rfm_unique_column(dst, self._handle, field)
            out[name] = dst
        return out

    def to_dataframe(self) -> pd.DataFrame:
        """A DataFrame indexed by customer id whose columns have the names of the object's
        attributes and of the CSV that ``to_csv`` and `cxm rfm` write: ``frequency``,
        ``recency``, ``T``, [``monetary_value``,] [``frequency_holdout``,
        [``monetary_value_holdout``,] ``duration_holdout``,] ``first_purchase``. (The
        calibration columns are not renamed ``*_cal`` as calibration_and_holdout_data names
        them: ``summary.frequency`` and ``frame["frequency"]`` are the same numbers.)"""
        import pandas as pd
        columns = {"frequency": self.frequency, "recency": self.recency, "T": self.T}
        for name in ("monetary_value", "frequency_holdout", "monetary_value_holdout",
                     "duration_holdout"):
            if getattr(self, name) is not None:
                columns[name] = getattr(self, name)
        columns["first_purchase"] = self.first_purchase
        return pd.DataFrame(columns, index=pd.Index(self.ids, name=self._name))

    def to_csv(self, path: PathLike) -> None:
        """Write the summary as CSV (see cxm_rfm_write_csv)."""
        core.rfm_write_csv(self._handle, as_path(path, "path"))


def summary_from_csv(path: PathLike, customer_id_col: Column, datetime_col: Column,
                     monetary_value_col: Optional[Column] = None, *,
                     datetime_format: Optional[str] = None, calibration_period_end: Any = None,
                     observation_period_end: Any = None, freq: str = "D",
                     freq_multiplier: float = 1, include_first_transaction: bool = False,
                     delimiter: Optional[str] = None, header: bool = True,
                     quotechar: Optional[str] = '"', skip_bad_rows: bool = False,
                     threads: int = 0) -> RFMSummary:
    """Summarise a transaction log file without loading it into pandas.

    Columns are header names or 1-based numbers (``"2"`` or ``2``).
    ``delimiter``: None to detect it from the first line, a character, or
    ``" "`` for runs of blanks. ``datetime_format``: None for ISO 8601 or
    YYYYMMDD, ``"epoch"``, or a strftime pattern such as ``"%d/%m/%Y"``;
    ``calibration_period_end`` and ``observation_period_end`` are dates in
    ISO 8601 or that format. Other arguments as
    :func:`summary_data_from_transaction_data`. With ``skip_bad_rows`` bad
    rows are skipped and reported in ``skipped_messages``; otherwise the
    first raises :class:`cxm.ParseError` naming file, line and column.
    Returns an :class:`RFMSummary`.
    """
    def column(spec: Any, name: str) -> str:
        if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
            return str(int(spec))
        if not isinstance(spec, str):
            raise ArgumentTypeError(f"{name} must be a column name or number, got {spec!r}")
        return as_text(spec, name)

    def date(value: Any, name: str) -> float:
        if value is None:
            return _NAN
        if isinstance(value, str):
            try:
                return core.time_parse(value, None)
            except Error:
                pass
            if datetime_format:
                return core.time_parse(value, datetime_format)
        return _time(value, None, name)

    if delimiter is None:
        delim = 0
    elif isinstance(delimiter, str) and len(delimiter) == 1 and delimiter != "\0":
        delim = ord(delimiter)
    else:
        raise InvalidArgumentError(f"delimiter must be one character or None, got {delimiter!r}")
    if quotechar is None:
        quote = 0
    elif isinstance(quotechar, str) and len(quotechar) == 1 and quotechar != "\0":
        quote = ord(quotechar)
    else:
        raise InvalidArgumentError(f"quotechar must be one character or None, got {quotechar!r}")
    options = _options(freq, freq_multiplier, date(calibration_period_end, "calibration_period_end"),
                       date(observation_period_end, "observation_period_end"),
                       include_first_transaction, threads)
    handle = core.rfm_read_csv(as_path(path, "path"), column(customer_id_col, "customer_id_col"),
                               column(datetime_col, "datetime_col"),
                               "" if monetary_value_col is None else column(monetary_value_col,
                                                                            "monetary_value_col"),
                               delim, quote, 1 if header else 0, 1 if skip_bad_rows else 0,
                               as_text(datetime_format or "", "datetime_format"), *options)
    name = customer_id_col if isinstance(customer_id_col, str) and header else "customer_id"
    return RFMSummary(handle, calibration_period_end is not None, monetary_value_col is not None,
                      name)
