"""The two-perspective journey model: attribution, funnel, decision chain,
the inside-out/outside-in gap, the experience map and ladder coverage.

The organization climbs Know -> Do -> Suggest -> Create (inside out); the
customer decides Explore -> Buy -> Promote or leaves (outside in); they meet
at touchpoints. Results are pandas DataFrames; totals and diagnostics of a
result are in ``frame.attrs`` (for example ``attrs["conversion_probability"]``).

Attribution from aggregated paths::

    >>> import cxm.journey as cj
    >>> cj.markov_attribution(["A > B", "B", "A > C", "C > B > C", "A > A > C"],
    ...                       conversions=[3, 1, 2, 1, 1], nulls=[2, 4, 1, 1, 1])
      channel  removal_effect  conversions  value_removal_effect  value
    0       A        0.600962     2.677774                   NaN    0.0
    ...

Journeys from an event log::

    >>> m = cj.JourneyMap.load("map.json")
    >>> j = cj.Journeys(m, events)            # a DataFrame: customer, timestamp, touchpoint, ...
    >>> j.funnel(); j.experience_map(); j.touchpoint_gap()

The rules (order-k states, self-loops, null paths, value, the exact solver)
are documented in the C header ``cxm/journey.h``.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike

from . import core
from ._arrays import (FloatArray, PathLike, as_choice, as_count, as_float, as_float_array, as_path,
                      as_text, as_texts, as_vector, same_length, _describe, _pandas_index)
from ._errors import ArgumentTypeError, Error, InvalidArgumentError

if TYPE_CHECKING:
    from typing import Self

    import pandas as pd

# Paths: strings "a > b > c" or sequences of touch names (or a Paths).
PathList = Iterable[Union[str, Sequence[str]]]

__all__ = [
    "Paths", "read_paths", "markov_attribution", "heuristic_attribution",
    "shapley_attribution", "transition_matrix", "decision_chain", "importance_performance",
    "JourneyMap", "Journeys", "funnel",
    "DECISIONS", "RUNGS",
]

DECISIONS = ("EXPLORE", "BUY", "PROMOTE")
RUNGS = ("KNOW", "DO", "SUGGEST", "CREATE")
_IMPORTANCE = {"auto": core.IMPORTANCE_AUTO, "stated": core.IMPORTANCE_STATED,
               "buy": core.IMPORTANCE_BUY, "promote": core.IMPORTANCE_PROMOTE}


def _frame(table: Any, index: Optional[str] = None) -> pd.DataFrame:
    """A cxm table as a pandas DataFrame; its scalars go to ``attrs``."""
    import pandas as pd
    rows = core.table_rows(table)
    data: Dict[str, Any] = {}
    for j in range(core.table_columns(table)):
        name = core.table_column_name(table, j)
        if core.table_column_type(table, j) == core.COLUMN_TEXT:
            data[name] = [core.table_text(table, i, name) for i in range(rows)]
        else:
            values = np.empty(rows)
            core.table_numbers(values, table, name)
            data[name] = values
    frame = pd.DataFrame(data)
    if index is not None:
        frame = frame.set_index(index)
    for i in range(core.table_scalars(table)):
        name = core.table_scalar_name(table, i)
        frame.attrs[name] = core.table_scalar(table, name)
    return frame


def _labels(values: Any, name: str) -> List[str]:
    """Labels (customer ids, touchpoint ids, ...) as str: numbers become their text; a
    missing value (None, NaN) or a NUL byte is refused, naming the element."""
    if values is None or isinstance(values, (str, bytes)):
        raise ArgumentTypeError(f"{name} must be a sequence of labels, got {_describe(values)}")
    out = []
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            raise InvalidArgumentError(f"{name}[{i}] is missing")
        out.append(as_text(v if isinstance(v, str) else str(v), f"{name}[{i}]"))
    return out


def _optional(values: Optional[ArrayLike], name: str, n: int, **checks: Any) -> FloatArray:
    if values is None:
        return np.empty(0)
    array = as_vector(values, name, **checks)
    if array.size != n:
        raise InvalidArgumentError(f"{name} has {array.size} elements where {n} were expected")
    return array


def _touches(path: Any, i: int, separator: str) -> List[Any]:
    """One path: a string split at the separator, or a sequence of touch names."""
    if isinstance(path, str):
        return [t.strip() for t in as_text(path, f"paths[{i}]").split(separator)]
    if isinstance(path, (bytes, numbers.Number)) or not hasattr(path, "__iter__"):
        raise ArgumentTypeError(f"paths[{i}] must be a path string or a sequence of touches, "
                                f"got {_describe(path)}")
    return as_texts(path, f"paths[{i}]", optional=False)


class Paths:
    """Journeys as paths of touches with conversions, nulls and value.

    Build one from arrays (``Paths(paths, conversions, nulls, values)``), a
    file (:func:`read_paths`) or an event log (:meth:`Journeys.paths`), then
    attribute it with the methods below or the module functions. Paths are
    strings "a > b > c" (``separator`` between touches; blanks around
    touches are ignored) or sequences of touch names.
    """

    def __init__(self, paths: Optional[PathList] = None, conversions: Optional[ArrayLike] = None,
                 nulls: Optional[ArrayLike] = None, values: Optional[ArrayLike] = None, *,
                 separator: str = ">", ages: Optional[Sequence[Any]] = None) -> None:
        self._handle = core.paths_create(as_text(separator, "separator"))
        self._separator = separator
        if paths is not None:
            self.add(paths, conversions, nulls, values, ages=ages)

    @classmethod
    def _wrap(cls, handle: Any) -> Paths:
        self = cls.__new__(cls)
        self._handle = handle
        self._separator = ">"
        return self

    def add(self, paths: PathList, conversions: Optional[ArrayLike],
            nulls: Optional[ArrayLike] = None, values: Optional[ArrayLike] = None, *,
            ages: Optional[Sequence[Any]] = None) -> Self:
        """Add paths with their conversions (and optional nulls, values).

        ``ages``, for time decay, is one sequence per path of the time from
        each touch to the conversion; it needs paths given as sequences of
        touches.
        """
        if paths is None or isinstance(paths, (str, bytes)) or not hasattr(paths, "__iter__"):
            raise ArgumentTypeError("paths must be a sequence of paths (strings or sequences of "
                                    f"touches), got {_describe(paths)}")
        paths = list(paths)
        n = len(paths)
        if conversions is None:
            raise ArgumentTypeError("conversions must be numbers (one per path), got None")
        conv = _optional(conversions, "conversions", n, finite=True, minimum=0)
        null = _optional(nulls, "nulls", n, finite=True, minimum=0)
        value = _optional(values, "values", n, finite=True)
        if ages is None and all(isinstance(p, str) for p in paths):
            core.paths_add_many(self._handle, as_texts(paths, "paths", optional=False), conv,
                                null, value)
            return self
        ages = list(ages) if ages is not None else [None] * n
        if len(ages) != n:
            raise InvalidArgumentError(f"ages has {len(ages)} elements where {n} were expected")
        for i, path in enumerate(paths):
            touches = _touches(path, i, self.separator)
            age = np.empty(0) if ages[i] is None else as_vector(ages[i], f"ages[{i}]",
                                                                finite=True, minimum=0)
            try:
                core.paths_add_touches(self._handle, touches, age, float(conv[i]),
                                       float(null[i]) if null.size else 0.0,
                                       float(value[i]) if value.size else 0.0)
            except Error as error:
                raise type(error)(f"path {i}: {error}") from None
        return self

    @property
    def separator(self) -> str:
        """The text between touches in path strings."""
        return self._separator

    def __len__(self) -> int:
        return core.paths_count(self._handle)

    @property
    def channels(self) -> int:
        """Number of distinct channels."""
        return core.paths_channel_count(self._handle)

    @property
    def skipped(self) -> Tuple[int, List[str]]:
        """Bad rows skipped while reading with ``skip_bad_rows=True`` (and their messages)."""
        messages: List[str] = []
        i = 0
        while (m := core.paths_skipped_message(self._handle, i)) is not None:
            messages.append(m)
            i += 1
        return core.paths_skipped(self._handle), messages

    def markov(self, order: int = 1, nulls: bool = True, self_loops: bool = False) -> pd.DataFrame:
        """Exact Markov removal effects; see :func:`markov_attribution`."""
        return _frame(core.attribution_markov(self._handle, _order(order), int(bool(nulls)),
                                              int(bool(self_loops))))

    def transitions(self, order: int = 1, nulls: bool = True,
                    self_loops: bool = False) -> pd.DataFrame:
        """The estimated transition matrix (long form: from, to, weight, probability)."""
        return _frame(core.attribution_transitions(self._handle, _order(order), int(bool(nulls)),
                                                   int(bool(self_loops))))

    def heuristic(self, weights: Sequence[float] = (0.4, 0.2, 0.4),
                  half_life: float = 7.0) -> pd.DataFrame:
        """First/last touch, linear, position-based and time-decay attribution."""
        shares = as_vector(weights, "weights", finite=True, minimum=0)
        if shares.size != 3:
            raise InvalidArgumentError(f"weights must be three shares (first, middle, last), "
                                       f"got {shares.size}")
        half_life = 0.0 if half_life is None else as_float(half_life, "half_life", minimum=0)
        return _frame(core.attribution_heuristic(self._handle, *map(float, shares), half_life))

    def shapley(self) -> pd.DataFrame:
        """Shapley values of the channels (v(S) = conversions of paths inside S)."""
        return _frame(core.attribution_shapley(self._handle))


def _order(order: int) -> int:
    """A Markov order: a whole number (the library says which ones it supports)."""
    return as_count(order, "order", maximum=2**32 - 1)


def _paths(paths: Union[Paths, PathList], conversions: Optional[ArrayLike],
           nulls: Optional[ArrayLike] = None, values: Optional[ArrayLike] = None,
           separator: str = ">", ages: Optional[Sequence[Any]] = None) -> Paths:
    if isinstance(paths, Paths):
        return paths
    return Paths(separator=separator).add(paths, conversions, nulls, values, ages=ages)


def read_paths(filename: PathLike, path: Optional[str] = None, conversions: Optional[str] = None,
               value: Optional[str] = None, nulls: Optional[str] = None, *, separator: str = ">",
               delimiter: Optional[str] = None, header: bool = True, skip_bad_rows: bool = False,
               threads: int = 0) -> Paths:
    """Read a path file (e.g. ChannelAttribution's ``path;total_conversions;
    total_conversion_value;total_null``) with libcxm's CSV reader.

    Columns are header names or 1-based numbers; None finds the usual names
    (path; conversions or total_conversions; value or
    total_conversion_value; nulls or total_null), "" means the file has no
    such optional column. ``delimiter`` None detects it. ``threads`` 0 lets
    a helper thread parse the paths when there is a second processor (same
    result); 1 reads in the calling thread.
    """
    p = Paths(separator=separator)
    columns = [as_text(c, n, optional=True) for c, n in ((path, "path"), (conversions, "conversions"),
                                                        (value, "value"), (nulls, "nulls"))]
    core.paths_read_csv(p._handle, as_path(filename, "filename"), *columns,
                        _delimiter(delimiter), int(bool(header)), int(bool(skip_bad_rows)),
                        as_count(threads, "threads"))
    return p


def _delimiter(delimiter: Optional[str]) -> int:
    """A one-character delimiter as its code (0: detect it)."""
    if delimiter is None:
        return 0
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter == "\0":
        raise InvalidArgumentError(f"delimiter must be one character or None, got "
                                   f"{_describe(delimiter)}")
    return ord(delimiter)


def markov_attribution(paths: Union[Paths, PathList], conversions: Optional[ArrayLike] = None,
                       nulls: Optional[ArrayLike] = None, values: Optional[ArrayLike] = None,
                       order: int = 1, *, self_loops: bool = False,
                       separator: str = ">") -> pd.DataFrame:
    """Exact Markov-chain attribution by removal effects (Anderl et al. 2016).

    ``paths`` are strings "a > b > c" (or a :class:`Paths`), with their
    ``conversions`` and optionally ``nulls`` (journeys that did not convert)
    and ``values``. ``order`` is 1 to 4. ``nulls=None`` means converting
    paths only. ``self_loops=True`` keeps repeated touches as self-loops
    (the removal effects are the same: it only changes the transition
    matrix).

    Returns a DataFrame with columns channel, removal_effect, conversions
    (attributed), value_removal_effect, value (attributed) and, in
    ``attrs``, conversion_probability, expected_value, total_conversions,
    states, self_loop_weight, solver_error_bound, ...

    Unlike ChannelAttribution, which simulates, the chain is solved exactly:
    results agree with a dense solve to about 1e-15.
    """
    use_nulls = nulls is not None or isinstance(paths, Paths)
    p = _paths(paths, conversions, nulls, values, separator)
    return p.markov(order=order, nulls=use_nulls, self_loops=self_loops)


def transition_matrix(paths: Union[Paths, PathList], conversions: Optional[ArrayLike] = None,
                      nulls: Optional[ArrayLike] = None, order: int = 1, *,
                      self_loops: bool = False, wide: bool = False,
                      separator: str = ">") -> pd.DataFrame:
    """The transition matrix of the attribution chain.

    Long form (from, to, weight, probability), or ``wide=True`` for a
    from × to matrix of probabilities (0 where there is no transition).
    """
    use_nulls = nulls is not None or isinstance(paths, Paths)
    frame = _paths(paths, conversions, nulls, None, separator).transitions(
        order=order, nulls=use_nulls, self_loops=self_loops)
    if wide:
        matrix = frame.pivot(index="from", columns="to", values="probability").fillna(0.0)
        matrix.attrs = dict(frame.attrs)
        return matrix
    return frame


def heuristic_attribution(paths: Union[Paths, PathList], conversions: Optional[ArrayLike] = None,
                          values: Optional[ArrayLike] = None, *,
                          ages: Optional[Sequence[Any]] = None,
                          weights: Sequence[float] = (0.4, 0.2, 0.4), half_life: float = 7.0,
                          separator: str = ">") -> pd.DataFrame:
    """Rule-based attribution, repeated touches counting.

    Columns: channel, first_touch, last_touch, linear, position_based
    (``weights`` = first, middle, last shares; a two-touch path splits
    first:last), time_decay (weight 2^(-age/half_life); needs ``ages``, one
    sequence per path of the time from each touch to the conversion) and the
    same with ``_value``.
    """
    return _paths(paths, conversions, None, values, separator, ages).heuristic(weights, half_life)


def shapley_attribution(paths: Union[Paths, PathList], conversions: Optional[ArrayLike] = None,
                        values: Optional[ArrayLike] = None, *,
                        separator: str = ">") -> pd.DataFrame:
    """Shapley values with v(S) = conversions (values) of the paths whose
    channels all lie in S: exactly Σ over channel sets T ∋ j of conv(T)/|T|.

    Columns: channel, shapley, shapley_value.
    """
    return _paths(paths, conversions, None, values, separator).shapley()


def decision_chain(transitions: Any) -> pd.DataFrame:
    """The absorbing decision chain EXPLORE, BUY -> PROMOTE, LEAVE (docs/models.md §2.2).

    ``transitions`` is 2×4 (rows EXPLORE, BUY; columns EXPLORE, BUY,
    PROMOTE, LEAVE): probabilities or counts, as nested lists, an array or a
    DataFrame. Returns one row per transient state (index ``from``) with the
    transition probabilities, the fundamental matrix (n_explore, n_buy),
    absorption probabilities (promote, leave) and expected steps.
    """
    array = as_float_array(transitions, "transitions", finite=True, minimum=0)
    if array.shape not in ((2, 4), (8,)):
        raise InvalidArgumentError(f"transitions must be 2x4, got shape {array.shape}")
    return _frame(core.decision_chain(np.ascontiguousarray(array.reshape(-1))), index="from")


def importance_performance(importance: Any, performance: Any,
                           labels: Optional[Iterable[Any]] = None) -> pd.DataFrame:
    """Importance-performance quadrants (Martilla & James 1977).

    Split at the mean importance and mean performance: pain point, bright
    spot, low priority, possible overkill; ``priority`` (standardized
    importance minus standardized performance) and ``rank`` within the
    quadrant. A pandas Series' index is used for labels.
    """
    index = _pandas_index([importance])
    if labels is None and index is not None:
        labels = [str(v) for v in index[0]]
    imp = as_vector(importance, "importance", finite=True, empty=False)
    perf = as_vector(performance, "performance", finite=True)
    same_length(("importance", imp), ("performance", perf))
    names = [] if labels is None else as_texts(labels, "labels", optional=False)
    if labels is not None:
        same_length(("importance", imp), ("labels", names))
    return _frame(core.importance_performance(imp, perf, names))


# ------------------------------------------------------------------ journey maps

class JourneyMap:
    """Touchpoints with the customer decision and the ladder rung they serve.

    ``JourneyMap.load("map.json")`` reads the JSON schema of
    docs/journey-map.md; or build one::

        m = JourneyMap(conversion="BUY", rating_scale=(1, 5))
        m.add_touchpoint("ad", "EXPLORE", "KNOW", channel="display", department="Marketing",
                         importance=4.5, employee_ratings=[4, 5])
    """

    def __init__(self, touchpoints: Any = None, *, conversion: str = "BUY",
                 rating_scale: Optional[Tuple[float, float]] = None) -> None:
        self._handle = core.journey_map_create()
        for tp in _records(touchpoints):
            tp = dict(tp)
            self.add_touchpoint(tp.pop("id"), tp.pop("decision"), tp.pop("rung"), **tp)
        if touchpoints is not None or conversion != "BUY":
            self.set_conversion(conversion)
        if rating_scale is not None:
            scale = as_vector(rating_scale, "rating_scale", finite=True)
            if scale.size != 2:
                raise InvalidArgumentError(f"rating_scale must be (min, max), got {scale.size} "
                                           "numbers")
            core.journey_map_set_rating_scale(self._handle, float(scale[0]), float(scale[1]))

    @classmethod
    def load(cls, filename: PathLike) -> JourneyMap:
        """Read a journey map from a JSON file."""
        self = cls.__new__(cls)
        self._handle = core.journey_map_load_json(as_path(filename, "filename"))
        return self

    @classmethod
    def parse(cls, text: str, source: str = "journey map") -> JourneyMap:
        """Read a journey map from JSON text."""
        self = cls.__new__(cls)
        self._handle = core.journey_map_parse_json(as_text(text, "text"), as_text(source, "source"))
        return self

    def add_touchpoint(self, id: str, decision: Union[str, int], rung: Union[str, int],
                       name: Optional[str] = None, channel: Optional[str] = None,
                       department: Optional[str] = None, importance: Optional[float] = None,
                       employee_ratings: Optional[ArrayLike] = None,
                       conversion: Optional[bool] = None,
                       description: Optional[str] = None) -> Self:
        """Add a touchpoint; decision EXPLORE/BUY/PROMOTE, rung KNOW/DO/SUGGEST/CREATE."""
        id = as_text(id if isinstance(id, str) else str(id), "id")
        texts = [as_text(v, k, optional=True) if not _missing(v) else None
                 for v, k in ((name, "name"), (channel, "channel"), (department, "department"))]
        stages = _enum(decision, DECISIONS, "decision"), _enum(rung, RUNGS, "rung")
        importance = None if importance is None or _missing(importance) else \
            as_float(importance, "importance")
        ratings = None if employee_ratings is None or _missing(employee_ratings) else \
            as_vector(employee_ratings, "employee_ratings", finite=True)
        core.journey_map_add_touchpoint(self._handle, id, *texts, *stages)
        if importance is not None:
            core.journey_map_set_importance(self._handle, id, importance)
        if ratings is not None:
            core.journey_map_add_employee_ratings(self._handle, id, ratings)
        if conversion:
            core.journey_map_set_conversion_touchpoint(self._handle, id, 1)
        return self

    def set_conversion(self, conversion: str) -> Self:
        """Conversion is reaching a decision ("BUY") or touching one of the given ids."""
        if isinstance(conversion, str):
            core.journey_map_set_conversion_decision(self._handle,
                                                     _enum(conversion, DECISIONS, "conversion"))
        else:
            for tp in as_texts(conversion, "conversion", optional=False):
                core.journey_map_set_conversion_touchpoint(self._handle, tp, 1)
        return self

    def add_employee_ratings(self, id: str, ratings: ArrayLike) -> Self:
        """Employees' self-ratings of a touchpoint (the inside-out view)."""
        core.journey_map_add_employee_ratings(self._handle, as_text(str(id), "id"),
                                              as_vector(ratings, "ratings", finite=True))
        return self

    def __len__(self) -> int:
        return core.journey_map_count(self._handle)

    @property
    def touchpoints(self) -> pd.DataFrame:
        """The touchpoints as a DataFrame."""
        return _frame(core.journey_map_touchpoints(self._handle))


def _records(touchpoints: Any) -> List[Any]:
    if touchpoints is None:
        return []
    if hasattr(touchpoints, "to_dict"):
        return touchpoints.to_dict("records")
    return list(touchpoints)


def _missing(x: Any) -> bool:
    return isinstance(x, float) and np.isnan(x)


def _enum(value: Any, names: Sequence[str], what: str) -> int:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) \
            and 0 <= value < len(names):
        return int(value)
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{what} must be one of {', '.join(names)}, got {value!r}")
    text = value.upper()
    if text not in names:
        raise InvalidArgumentError(f"{what} must be one of {', '.join(names)}, got {value!r}")
    return names.index(text)


# ------------------------------------------------------------------ journeys

def _times(column: Any) -> Any:
    """Event times as numbers: datetimes become days since 1970-01-01."""
    import pandas as pd
    series = pd.Series(column)
    if pd.api.types.is_datetime64_any_dtype(series):
        if getattr(series.dt, "tz", None) is not None:
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        return (series - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)
    return series


class Journeys:
    """Customers' journeys through a :class:`JourneyMap`, from an event log.

    ``events`` is a DataFrame (or a dict of columns) with one row per event:
    customer, timestamp (numbers, or datetimes which become days since
    1970-01-01), touchpoint (an id of the map) and optionally value, rating
    (the customer's rating of the touchpoint), valence (emotion) and a
    segment column (give its name). Column names are configurable.
    """

    def __init__(self, journey_map: JourneyMap, events: Optional[pd.DataFrame] = None, *,
                 customer: str = "customer", time: str = "timestamp",
                 touchpoint: str = "touchpoint", value: str = "value", rating: str = "rating",
                 valence: str = "valence", segment: Optional[str] = None) -> None:
        self.map = journey_map
        self._handle = core.journeys_create(journey_map._handle)
        if events is not None:
            self.add_events(events, customer=customer, time=time, touchpoint=touchpoint,
                            value=value, rating=rating, valence=valence, segment=segment)

    @classmethod
    def read_csv(cls, journey_map: JourneyMap, filename: PathLike, *,
                 customer: Optional[str] = None, time: Optional[str] = None,
                 touchpoint: Optional[str] = None, value: Optional[str] = None,
                 rating: Optional[str] = None, valence: Optional[str] = None,
                 segment: Optional[str] = None, delimiter: Optional[str] = None,
                 header: bool = True, date_format: Optional[str] = None,
                 skip_bad_rows: bool = False) -> Journeys:
        """Read an event log with libcxm's CSV reader (times become days since 1970-01-01)."""
        self = cls(journey_map)
        columns = [as_text(c, n, optional=True) for c, n in (
            (customer, "customer"), (time, "time"), (touchpoint, "touchpoint"), (value, "value"),
            (rating, "rating"), (valence, "valence"), (segment, "segment"))]
        core.journeys_read_csv(self._handle, as_path(filename, "filename"), *columns,
                               _delimiter(delimiter), int(bool(header)), int(bool(skip_bad_rows)),
                               as_text(date_format, "date_format", optional=True))
        return self

    def add_events(self, events: pd.DataFrame, *, customer: str = "customer",
                   time: str = "timestamp", touchpoint: str = "touchpoint", value: str = "value",
                   rating: str = "rating", valence: str = "valence",
                   segment: Optional[str] = None) -> Self:
        """Add events from a DataFrame or a dict of columns."""
        def column(name: Optional[str], required: bool) -> Any:
            if name is not None and name in events:
                return events[name]
            if required:
                raise InvalidArgumentError(f"the events have no column {name!r}")
            return None

        customers = _labels(column(customer, True), customer)
        n = len(customers)
        times = as_vector(_times(column(time, True)), time, finite=True)
        touchpoints = _labels(column(touchpoint, True), touchpoint)
        same_length((customer, customers), (time, times), (touchpoint, touchpoints))

        def numbers(name: str) -> FloatArray:
            data = column(name, False)
            return np.empty(0) if data is None else _optional(data, name, n)

        segments = column(segment, segment is not None)
        segments = [] if segments is None else [
            None if s is None or (isinstance(s, float) and np.isnan(s)) else
            as_text(str(s), f"{segment}[{i}]") for i, s in enumerate(segments)]
        core.journeys_add_events(self._handle, customers, times, touchpoints, numbers(value),
                                 numbers(rating), numbers(valence), segments)
        return self

    def __len__(self) -> int:
        return core.journeys_customer_count(self._handle)

    @property
    def skipped(self) -> Tuple[int, List[str]]:
        """Bad rows skipped by :meth:`read_csv` with ``skip_bad_rows=True``, and their messages."""
        messages: List[str] = []
        i = 0
        while (m := core.journeys_skipped_message(self._handle, i)) is not None:
            messages.append(m)
            i += 1
        return core.journeys_skipped(self._handle), messages

    def customers(self) -> pd.DataFrame:
        """Per customer: ordered journey, furthest decision, times between decisions,
        highest rung, conversion, value, remembered (peak-end) score."""
        return _frame(core.journeys_customers(self._handle))

    def funnel(self, level: float = 0.95) -> pd.DataFrame:
        """EXPLORE -> BUY -> PROMOTE overall and by segment, with Wilson intervals,
        drop-off and the time to the next decision (mean and quantiles)."""
        return _frame(core.journeys_funnel(self._handle, as_float(level, "level")))

    def decision_chain(self) -> pd.DataFrame:
        """The absorbing decision chain estimated from the journeys (docs/models.md §2.2)."""
        return _frame(core.journeys_decision_chain(self._handle), index="from")

    def paths(self, by_channel: bool = False) -> Paths:
        """Paths for attribution: touches before each customer's conversion, with ages."""
        return Paths._wrap(core.journeys_paths(self._handle, int(bool(by_channel))))

    def markov_attribution(self, order: int = 1, by_channel: bool = False) -> pd.DataFrame:
        """Exact Markov attribution of the journeys' conversions."""
        return self.paths(by_channel).markov(order=order)

    def touchpoint_gap(self, level: float = 0.95) -> pd.DataFrame:
        """Employees' self-ratings against customers' ratings per touchpoint (Welch)."""
        return _frame(core.journeys_touchpoint_gap(self._handle, as_float(level, "level")))

    def remembered_gap(self, level: float = 0.95) -> pd.DataFrame:
        """Each customer's remembered journey (peak-end) against the employees'
        ratings of its parts; ``attrs["share_below_all"]`` is the share of
        customers whose memory is below what every touchpoint owner claims."""
        return _frame(core.journeys_remembered_gap(self._handle, as_float(level, "level")))

    def experience_map(self, importance: str = "auto") -> pd.DataFrame:
        """Importance-performance per touchpoint with traffic and drop-off:
        pain points and bright spots. ``importance``: "auto", "stated",
        "buy" or "promote" (derived from the effect of ratings on the decision)."""
        importance = as_choice(importance, _IMPORTANCE, "importance")
        return _frame(core.journeys_experience_map(self._handle, _IMPORTANCE[importance]))

    def ladder(self, level: float = 0.95) -> pd.DataFrame:
        """Per rung KNOW..CREATE: customers reached and their buy and promote rates."""
        return _frame(core.journeys_ladder(self._handle, as_float(level, "level")), index="rung")


def funnel(events: pd.DataFrame, journey_map: JourneyMap, *, segment: Optional[str] = None,
           level: float = 0.95, **columns: str) -> pd.DataFrame:
    """The funnel of an event log: ``Journeys(journey_map, events, segment=...).funnel()``."""
    if not isinstance(journey_map, JourneyMap):
        journey_map = JourneyMap.load(journey_map)
    return Journeys(journey_map, events, segment=segment, **columns).funnel(level)
