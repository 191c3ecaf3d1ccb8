"""The expectation-to-results emotion chain: how customers remember, feel and judge.

Expectations > perceptions > behaviors > actions > results, all wrapped in
emotions. This module measures each link with the libcxm C library:

* instruments: :func:`nps` (with Wald and adjusted-Wald intervals),
  :func:`nps_compare`, :func:`csat`, :func:`ces`, :func:`servqual`,
  :func:`kano`;
* chain primitives: :func:`disconfirmation`, :func:`adaptive_expectations`,
  :func:`delight`, :func:`peak_end`, :func:`valence`;
* survey files: :func:`read_survey` (libcxm's strict CSV reader);
* the structural chain from survey data: :class:`PathModel` (PLS path
  modelling with ACSI, ECSI and libcxm-chain presets, plain or consistent
  PLS) and its :class:`PathModelFit` (paths, R², indices,
  importance–performance, bootstrap t and p values with percentile and BCa
  intervals, the indirect effect along every route of the chain, the
  quality criteria: reliability, HTMT with bootstrap intervals,
  Fornell–Larcker, cross-loadings, VIFs, f², adjusted R², and
  :class:`PLSPrediction`: PLSpredict's out-of-sample accuracy);
* the value link: :func:`fit_retention` (retention as a logistic function of
  satisfaction), :func:`value_of_improvement`, :func:`return_on_quality`,
  :func:`satisfaction_index`, :meth:`PathModelFit.value_of_driver`.

Inputs are numbers, sequences, numpy arrays or pandas objects; results are
small frozen dataclasses (with ``to_series()``) or pandas objects.
"""

from __future__ import annotations

import dataclasses
import os
from typing import (TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Mapping,
                    Optional, Sequence, Tuple, Type, TypeVar, Union)

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import core
from ._arrays import (FloatArray, PathLike, as_choice, as_count, as_float, as_float_array, as_path,
                      as_seed, as_text, as_vector, named, same_length, _describe)
from ._errors import ArgumentTypeError, FileError, ParseError, InvalidArgumentError

if TYPE_CHECKING:
    from typing import Self

    import pandas as pd

# An answer scale (min, max).
Scale = Tuple[float, float]

__all__ = [
    "peak_end", "valence", "nps", "nps_counts", "nps_compare", "csat", "ces", "servqual",
    "kano", "kano_classify", "disconfirmation", "adaptive_expectations", "delight",
    "fit_retention", "RetentionModel", "value_of_improvement", "return_on_quality",
    "satisfaction_index", "NPS", "NPSComparison", "CSAT", "CES", "Servqual", "Kano",
    "ValueLink", "ReturnOnQuality", "SERVQUAL_DIMENSIONS", "KANO_CATEGORIES",
    "PathModel", "PLSModel", "PathModelFit", "PLSPrediction", "read_survey",
]

#: The five SERVQUAL dimensions of the standard 22-item instrument, with their items (1-based).
SERVQUAL_DIMENSIONS = {
    "tangibles": range(1, 5), "reliability": range(5, 10), "responsiveness": range(10, 14),
    "assurance": range(14, 18), "empathy": range(18, 23),
}

#: Kano category letters by category code (attractive, one-dimensional, must-be,
#: indifferent, reverse, questionable).
KANO_CATEGORIES = ("A", "O", "M", "I", "R", "Q")

_KANO_ANSWERS = {"like": 1, "must-be": 2, "must be": 2, "neutral": 3, "live-with": 4,
                 "live with": 4, "dislike": 5}
_DELIGHT_CLASSES = ("outraged", "dissatisfied", "satisfied", "delighted")
_VALENCE_RULES = {"mean": core.VALENCE_MEAN, "peak-end": core.VALENCE_PEAK_END,
                  "peak": core.VALENCE_PEAK, "end": core.VALENCE_END, "min": core.VALENCE_MIN,
                  "max": core.VALENCE_MAX, "sum": core.VALENCE_SUM,
                  "recency": core.VALENCE_RECENCY, "negativity": core.VALENCE_NEGATIVITY}


def _is_pandas(value: object) -> bool:
    return type(value).__module__.startswith("pandas")


def _vector(value: Any, name: str, **checks: Any) -> FloatArray:
    return as_vector(value, name, **checks)


def _scale(scale: ArrayLike, name: str = "scale") -> Tuple[float, float]:
    """An answer scale (min, max) as two finite floats."""
    values = as_vector(scale, name, finite=True)
    if values.size != 2:
        raise _invalid(f"{name} must be (min, max), got {values.size} numbers")
    return float(values[0]), float(values[1])


def _invalid(message: str) -> InvalidArgumentError:
    from ._errors import InvalidArgumentError
    return InvalidArgumentError(message)


class _Result:
    """Shared helpers of the result dataclasses."""

    def to_dict(self) -> Dict[str, Any]:
        """The fields as a plain dict."""
        return dataclasses.asdict(self)

    def to_series(self) -> pd.Series:
        """The fields as a pandas Series."""
        import pandas as pd
        return pd.Series(self.to_dict(), name=type(self).__name__)


_R = TypeVar("_R", bound=_Result)


def _from_struct(cls: Type[_R], struct: Any) -> _R:
    return cls(**{f.name: getattr(struct, f.name) for f in dataclasses.fields(cls)})


# ------------------------------------------------------------------ NPS, CSAT, CES

@dataclasses.dataclass(frozen=True)
class NPS(_Result):
    """A Net Promoter Score on the -100..100 scale with its uncertainty.

    ``wald_*`` is NPS ± z·SE; ``adjusted_*`` is the adjusted-Wald interval of
    Rocks (2016), centred on ``adjusted`` (3/4 promoter, 3/4 detractor and 3
    respondents added), which keeps its coverage in small samples.
    """
    respondents: float
    promoters: float
    passives: float
    detractors: float
    nps: float
    std_error: float
    level: float
    wald_lower: float
    wald_upper: float
    adjusted: float
    adjusted_std_error: float
    adjusted_lower: float
    adjusted_upper: float


@dataclasses.dataclass(frozen=True)
class NPSComparison(_Result):
    """The difference a − b between two Net Promoter Scores (independent samples).

    ``z`` and ``p_value`` test "no difference" with the adjusted-Wald
    difference and standard error.
    """
    difference: float
    std_error: float
    level: float
    wald_lower: float
    wald_upper: float
    adjusted: float
    adjusted_std_error: float
    adjusted_lower: float
    adjusted_upper: float
    z: float
    p_value: float


def _grouped(function: Callable[..., _Result], scores: Any, by: Any, *args: Any,
             **kwargs: Any) -> pd.DataFrame:
    """Apply a one-sample instrument per column of a DataFrame or per group."""
    import pandas as pd
    if by is not None:
        data = pd.Series(_vector(scores, "scores") if not _is_pandas(scores) else scores)
        keys = by if _is_pandas(by) else pd.Series(np.asarray(by), index=data.index)
        rows = {key: function(group, *args, **kwargs).to_dict()
                for key, group in data.groupby(keys, sort=True)}
        return pd.DataFrame.from_dict(rows, orient="index")
    rows = {column: function(scores[column], *args, **kwargs).to_dict() for column in scores.columns}
    return pd.DataFrame.from_dict(rows, orient="index")


def nps(scores: Any, *, level: float = 0.95, by: Any = None) -> Union[NPS, pd.DataFrame]:
    """Net Promoter Score of answers to "how likely are you to recommend us?" (0..10).

    Answers of 9 and 10 are promoters, 0 to 6 detractors, 7 and 8 passives;
    NaN marks a missing answer and is skipped. Returns an :class:`NPS` with
    the score, its standard error ``100*sqrt((p + d - (p - d)**2)/n)``, the
    Wald interval and the adjusted-Wald interval (Rocks 2016).

    ``scores`` may be a sequence, numpy array or pandas Series. A DataFrame
    gives a DataFrame with one row per column; ``by`` (group labels, one per
    answer) gives one row per group.

    >>> cxm.chain.nps([10, 9, 9, 8, 7, 3, 10, 6, 9, 10]).nps
    40.0

    Raises InvalidArgumentError for an answer outside 0..10, DomainError when
    every answer is missing.
    """
    if by is not None or _is_pandas(scores) and scores.ndim == 2:
        return _grouped(nps, scores, by, level=level)
    return _from_struct(NPS, named("scores", core.nps_from_scores,
                                   _vector(scores, "scores", empty=False),
                                   as_float(level, "level"), of=scores))


def nps_counts(promoters: float, passives: float, detractors: float, *,
               level: float = 0.95) -> NPS:
    """NPS from the numbers of promoters, passives and detractors.

    >>> r = cxm.chain.nps_counts(50, 30, 20)
    >>> round(r.nps, 3), round(r.std_error, 4), round(r.adjusted_lower, 3)
    (30.0, 7.8102, 14.051)
    """
    counts = [as_float(v, name, minimum=0) for v, name in
              ((promoters, "promoters"), (passives, "passives"), (detractors, "detractors"))]
    return _from_struct(NPS, core.nps_from_counts(*counts, as_float(level, "level")))


def _as_nps_struct(value: Any, level: float, name: str) -> Any:
    if isinstance(value, NPS):
        return core.nps_from_counts(value.promoters, value.passives, value.detractors, level)
    if isinstance(value, tuple) and len(value) == 3 and all(np.ndim(v) == 0 for v in value):
        counts = [as_float(v, f"{name}[{k}]", minimum=0) for k, v in enumerate(value)]
        return core.nps_from_counts(*counts, level)
    return named(name, core.nps_from_scores, _vector(value, name, empty=False), level, of=value)


def nps_compare(a: Any, b: Any, *, level: float = 0.95) -> NPSComparison:
    """Compare two Net Promoter Scores: a − b with Wald and adjusted-Wald intervals.

    ``a`` and ``b`` are each answers (0..10), an :class:`NPS`, or a
    ``(promoters, passives, detractors)`` tuple. The standard errors add in
    quadrature; ``z`` and ``p_value`` use the adjusted-Wald estimates.
    """
    level = as_float(level, "level")
    return _from_struct(NPSComparison, core.nps_compare(_as_nps_struct(a, level, "a"),
                                                        _as_nps_struct(b, level, "b"), level))


@dataclasses.dataclass(frozen=True)
class CSAT(_Result):
    """Customer satisfaction: the percentage of satisfied answers, with a Wilson interval."""
    respondents: float
    satisfied: float
    csat: float
    std_error: float
    level: float
    lower: float
    upper: float


@dataclasses.dataclass(frozen=True)
class CES(_Result):
    """Customer effort score: the mean effort answer with a Student-t interval."""
    respondents: float
    mean: float
    std_dev: float
    std_error: float
    level: float
    lower: float
    upper: float


def csat(scores: Any, *, scale: Scale = (1, 5), satisfied_from: float = 4, level: float = 0.95,
         by: Any = None) -> Union[CSAT, pd.DataFrame]:
    """CSAT: the percentage of answers at or above ``satisfied_from`` (4 and 5 on 1–5).

    Missing answers (NaN) are skipped; the interval is Wilson's score
    interval. A DataFrame gives one row per column, ``by`` one row per group.
    """
    if by is not None or _is_pandas(scores) and scores.ndim == 2:
        return _grouped(csat, scores, by, scale=scale, satisfied_from=satisfied_from, level=level)
    low, high = _scale(scale)
    return _from_struct(CSAT, named("scores", core.csat_from_scores,
                                    _vector(scores, "scores", empty=False), low, high,
                                    as_float(satisfied_from, "satisfied_from"),
                                    as_float(level, "level"), of=scores))


def ces(scores: Any, *, scale: Scale = (1, 7), level: float = 0.95,
        by: Any = None) -> Union[CES, pd.DataFrame]:
    """CES (Dixon, Freeman & Toman 2010): the mean effort answer with a t interval.

    ``scale`` is (1, 7) for CES 2.0 and (1, 5) for the original question.
    Missing answers (NaN) are skipped. A DataFrame gives one row per column,
    ``by`` one row per group.
    """
    if by is not None or _is_pandas(scores) and scores.ndim == 2:
        return _grouped(ces, scores, by, scale=scale, level=level)
    low, high = _scale(scale)
    return _from_struct(CES, named("scores", core.ces_from_scores,
                                   _vector(scores, "scores", empty=False), low, high,
                                   as_float(level, "level"), of=scores))


# ------------------------------------------------------------------ SERVQUAL

@dataclasses.dataclass(frozen=True)
class Servqual(_Result):
    """SERVQUAL of a sample (Parasuraman, Zeithaml & Berry 1988).

    ``unweighted`` is the mean over the *dimensions* of the dimension gaps
    (the SERVQUAL score: every dimension counts equally); ``item_mean`` is the
    mean over the *items* of the item gaps, which differs when dimensions
    have different numbers of items; ``weighted`` uses the importance points
    (NaN without weights). ``respondents_table`` holds each respondent's
    dimension gaps and scores.
    """
    respondents: float
    unweighted: float
    weighted: float
    item_mean: float
    item_gaps: object
    dimension_gaps: object
    respondents_table: object

    def to_dict(self) -> Dict[str, Any]:
        """The scalar results as a plain dict (the tables are attributes)."""
        return {"respondents": self.respondents, "unweighted": self.unweighted,
                "weighted": self.weighted, "item_mean": self.item_mean}


def _servqual_layout(dimensions: Any, items: Sequence[str]) -> Tuple[List[str], FloatArray]:
    """Dimension names and the 0-based dimension of each item."""
    if dimensions is None:
        if len(items) != 22:
            raise _invalid(f"the standard SERVQUAL layout has 22 items, got {len(items)}: "
                           "pass dimensions")
        names = list(SERVQUAL_DIMENSIONS)
        return names, np.empty(0)
    if isinstance(dimensions, dict):
        names = list(dimensions)
        layout = np.full(len(items), -1.0)
        positions = {item: k for k, item in enumerate(items)}
        for d, (name, members) in enumerate(dimensions.items()):
            for member in members:
                if member in positions:
                    layout[positions[member]] = d
                elif isinstance(member, (int, np.integer)) and 1 <= member <= len(items):
                    layout[member - 1] = d
                else:
                    raise _invalid(f"dimension {name!r}: item {member!r} is not a column")
        if (layout < 0).any():
            missing = [items[k] for k in np.flatnonzero(layout < 0)]
            raise _invalid(f"items without a dimension: {missing}")
        return names, layout
    labels = list(dimensions)
    if len(labels) != len(items):
        raise _invalid(f"dimensions has {len(labels)} labels for {len(items)} items")
    names = list(dict.fromkeys(labels))
    return names, np.array([names.index(label) for label in labels], dtype=float)


def servqual(expectations: Any, perceptions: Any, *,
             dimensions: Optional[Mapping[str, Iterable[int]]] = None,
             weights: Optional[Any] = None) -> Servqual:
    """SERVQUAL gaps and scores: perception − expectation, by item and dimension.

    ``expectations`` and ``perceptions`` are respondents × items (DataFrames
    with the same columns, or 2-D arrays; a 1-D sequence is one respondent).
    ``dimensions`` is None for the standard 22-item layout (tangibles 1–4,
    reliability 5–9, responsiveness 10–13, assurance 14–17, empathy 18–22), a
    dict {dimension: [columns or 1-based item numbers]}, or one dimension
    label per item. ``weights`` are importance points per dimension (a
    sequence, Series or dict: the same for everyone; or a DataFrame / 2-D
    array with one row per respondent). NaN marks an unanswered item.

    >>> e = [6] * 4 + [7] * 5 + [6] * 13
    >>> p = [6] * 4 + [5] * 5 + [4] * 4 + [5] * 9
    >>> r = cxm.chain.servqual(e, p, weights=[11, 32, 22, 19, 16])
    >>> r.unweighted, round(r.weighted, 10), round(r.item_mean * 22, 10)
    (-1.2, -1.43, -27.0)
    """
    import pandas as pd
    columns = list(expectations.columns) if _is_pandas(expectations) and expectations.ndim == 2 \
        else None
    index = expectations.index if columns is not None else None
    if columns is not None and _is_pandas(perceptions):
        perceptions = perceptions[columns]
    e = np.atleast_2d(as_float_array(expectations, "expectations"))
    p = np.atleast_2d(as_float_array(perceptions, "perceptions"))
    if e.shape != p.shape:
        raise _invalid(f"expectations {e.shape} and perceptions {p.shape} differ in shape")
    rows, n_items = e.shape
    items = columns if columns is not None else [f"item{k + 1}" for k in range(n_items)]
    names, layout = _servqual_layout(dimensions, items)
    n_dims = len(names)
    if weights is None:
        w = np.empty(0)
    elif isinstance(weights, dict) or _is_pandas(weights) and weights.ndim == 1:
        missing = [name for name in names if name not in weights]
        if missing:
            raise _invalid(f"weights has no value for the dimension {missing[0]!r}")
        w = np.array([as_float(weights[name], f"weights[{name!r}]") for name in names])
    elif _is_pandas(weights):
        w = _vector(weights[names] if set(names) <= set(weights.columns) else weights,
                    "weights", finite=True)
    else:
        w = _vector(weights, "weights", finite=True)
    e_flat, p_flat = np.ascontiguousarray(e.reshape(-1)), np.ascontiguousarray(p.reshape(-1))
    item_gaps, dim_gaps = np.empty(n_items), np.empty(n_dims)
    scores = core.servqual_summary(item_gaps, dim_gaps, e_flat, p_flat, n_items, n_dims, layout, w)
    per_dim, unweighted = np.empty(rows * n_dims), np.empty(rows)
    weighted = np.empty(rows if w.size else 0)
    core.servqual_respondents(per_dim, unweighted, weighted, e_flat, p_flat, n_items, n_dims,
                              layout, w)
    table = pd.DataFrame(per_dim.reshape(rows, n_dims), columns=names, index=index)
    table["unweighted"] = unweighted
    if w.size:
        table["weighted"] = weighted
    return Servqual(respondents=scores.respondents, unweighted=scores.unweighted,
                    weighted=scores.weighted, item_mean=scores.item_mean,
                    item_gaps=pd.Series(item_gaps, index=items, name="gap"),
                    dimension_gaps=pd.Series(dim_gaps, index=names, name="gap"),
                    respondents_table=table)


# ------------------------------------------------------------------ Kano

@dataclasses.dataclass(frozen=True)
class Kano(_Result):
    """How a sample classifies one feature (Berger et al. 1993).

    Counts of attractive (A), one-dimensional (O), must-be (M), indifferent
    (I), reverse (R) and questionable (Q) answers; ``category`` is the mode
    with ties broken M > O > A > I (then R > Q); ``better`` = (A+O)/(A+O+M+I)
    and ``worse`` = −(O+M)/(A+O+M+I).
    """
    A: float
    O: float
    M: float
    I: float
    R: float
    Q: float
    answered: float
    category: str
    better: float
    worse: float


def _kano_answers(values: Any, name: str) -> FloatArray:
    if _is_pandas(values) and values.dtype == object or (
            isinstance(values, (list, tuple)) and any(isinstance(v, str) for v in values)):
        codes = []
        for v in (values.tolist() if _is_pandas(values) else values):
            if isinstance(v, str):
                if v.strip().lower() not in _KANO_ANSWERS:
                    raise _invalid(f"{name} answer {v!r} is not like, must-be, neutral, "
                                   "live-with or dislike")
                codes.append(_KANO_ANSWERS[v.strip().lower()])
            else:
                codes.append(np.nan if v is None else v)
        return np.array(codes, dtype=float)
    return _kano_codes(_vector(values, name), name)


def _kano_codes(codes: FloatArray, name: str) -> FloatArray:
    """Answers 1..5, NaN for none."""
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(codes) & ((codes < 1) | (codes > 5) | (codes != np.floor(codes)))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _invalid(f"{name}[{i}] = {codes[i]:g} is not an answer 1 to 5 (like, must-be, "
                       "neutral, live-with, dislike)")
    return codes


def kano_classify(functional: Any,
                  dysfunctional: Any) -> Union[NDArray[np.object_], pd.Series]:
    """Kano category of each answer pair: an array (a Series for pandas input) of letters.

    Answers are 1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike, or
    those words. A pair with a missing answer (NaN/None) gives None.
    """
    f, d = _kano_answers(functional, "functional"), _kano_answers(dysfunctional, "dysfunctional")
    same_length(("functional", f), ("dysfunctional", d))
    codes = np.empty(f.size)
    core.kano_classify_many(codes, f, d)
    letters = np.array([KANO_CATEGORIES[int(c)] if c >= 0 else None for c in codes], dtype=object)
    if _is_pandas(functional):
        import pandas as pd
        return pd.Series(letters, index=functional.index, name="kano")
    return letters


def kano(functional: Any, dysfunctional: Any) -> Union[Kano, pd.DataFrame]:
    """Kano evaluation of a feature: counts, category, Better and Worse.

    ``functional``/``dysfunctional`` are the answers to "how do you feel if
    the feature is present / absent" (1..5 or words, see :func:`kano_classify`).
    DataFrames with one column per feature give a DataFrame with one row per
    feature.

    >>> f = ["like"] * 20 + ["must-be"] * 5 + ["neutral"] * 3 + ["dislike", "like"]
    >>> d = ["neutral"] * 12 + ["dislike"] * 13 + ["neutral"] * 3 + ["like", "like"]
    >>> k = cxm.chain.kano(f, d)
    >>> k.category, k.A, k.O, k.M, round(k.better * 7, 12), round(k.worse * 28, 12)
    ('A', 12.0, 8.0, 5.0, 5.0, -13.0)
    """
    if _is_pandas(functional) and functional.ndim == 2:
        import pandas as pd
        rows = {column: kano(functional[column], dysfunctional[column]).to_dict()
                for column in functional.columns}
        return pd.DataFrame.from_dict(rows, orient="index")
    f, d = _kano_answers(functional, "functional"), _kano_answers(dysfunctional, "dysfunctional")
    same_length(("functional", f), ("dysfunctional", d))
    s = core.kano_evaluate(f, d)
    return Kano(A=s.attractive, O=s.one_dimensional, M=s.must_be, I=s.indifferent, R=s.reverse,
                Q=s.questionable, answered=s.answered, category=KANO_CATEGORIES[s.category],
                better=s.better, worse=s.worse)


# ------------------------------------------------------------------ chain primitives

def _shape_like(values: Any, result: Any, name: str) -> Any:
    if _is_pandas(values) and np.ndim(values) == 1:
        import pandas as pd
        return pd.Series(result, index=values.index, name=name)
    return result


def disconfirmation(perceptions: ArrayLike,
                    expectations: ArrayLike) -> Union[FloatArray, pd.Series]:
    """Disconfirmation D = P − E (Oliver 1980): positive when experience beat expectations."""
    p = _vector(perceptions, "perceptions", finite=True)
    e = _vector(expectations, "expectations", finite=True)
    same_length(("perceptions", p), ("expectations", e))
    dst = np.empty(p.size)
    core.disconfirmation(dst, p, e)
    return _shape_like(perceptions, dst, "disconfirmation")


def adaptive_expectations(perceptions: ArrayLike, initial: float,
                          lam: float) -> Union[FloatArray, pd.Series]:
    """Expectations that adapt to experience: E[t+1] = E[t] + lam·(P[t] − E[t]).

    Returns the expectation formed after each perception.

    >>> cxm.chain.adaptive_expectations([8, 8, 6], initial=7, lam=0.3).round(3)
    array([7.3  , 7.51 , 7.057])
    """
    p = _vector(perceptions, "perceptions", finite=True)
    dst = np.empty(p.size)
    core.adaptive_expectations(dst, p, as_float(initial, "initial"), as_float(lam, "lam"))
    return _shape_like(perceptions, dst, "expectation")


def delight(disconfirmation: Any, affect: Optional[ArrayLike] = None, *, surprise: float = 1.0,
            arousal: float = 1.0) -> Union[NDArray[np.object_], pd.Series]:
    """Classify experiences as delighted, satisfied, dissatisfied or outraged.

    Delight is surprise (D >= ``surprise``) experienced with joy (affect >=
    ``arousal``), outrage its mirror (D <= −surprise with affect <=
    −arousal) (Oliver, Rust & Varki 1997); otherwise satisfied when D >= 0 and
    dissatisfied when D < 0. ``affect`` is a bipolar score (positive joy,
    negative anger) or None to classify on D alone. Returns labels (None for
    missing input); a pandas Series gives a categorical Series.
    """
    d = _vector(disconfirmation, "disconfirmation")
    a = np.empty(0) if affect is None else _vector(affect, "affect")
    if a.size:
        same_length(("disconfirmation", d), ("affect", a))
    codes = np.empty(d.size)
    core.delight_classify(codes, d, a, as_float(surprise, "surprise"),
                          as_float(arousal, "arousal"))
    labels = np.array([_DELIGHT_CLASSES[int(c)] if c >= 0 else None for c in codes], dtype=object)
    if _is_pandas(disconfirmation):
        import pandas as pd
        return pd.Series(pd.Categorical(labels, categories=_DELIGHT_CLASSES, ordered=True),
                         index=disconfirmation.index, name="delight")
    return labels


def _journeys(moments: Any, name: str = "moments") -> Tuple[FloatArray, Optional[NDArray[Any]]]:
    """(flat values, offsets) of a list of journeys, or (values, None) for one journey."""
    values = list(moments) if _is_pandas(moments) else moments
    if not _is_nested(values):
        return _vector(values, name, finite=True, empty=False), None
    journeys = [_vector(m, f"{name}[{i}]", finite=True, empty=False)
                for i, m in enumerate(values)]
    offsets = np.zeros(len(journeys) + 1, dtype=np.uintp)
    np.cumsum([len(m) for m in journeys], out=offsets[1:])
    return (np.concatenate(journeys) if journeys else np.empty(0)), offsets


def peak_end(moments: Any) -> Union[float, FloatArray, pd.Series]:
    """Remembered score of an experience by the peak-end rule (Kahneman et al. 1993).

    ``moments`` is one experience (a sequence of numbers in time order): the
    result is the mean of the most intense moment (largest magnitude, sign
    kept, the first of ties) and the last moment. A list of experiences (a
    sequence of sequences, or a pandas Series of sequences) gives a numpy
    array (a Series with the same index) of remembered scores.

    >>> cxm.chain.peak_end([2, 4, 6, 7, 8, 8, 7.5, 7, 6.5])
    7.25
    """
    index = getattr(moments, "index", None) if _is_pandas(moments) else None
    flat, offsets = _journeys(moments)
    if offsets is None:
        return core.peak_end(flat)
    dst = np.empty(len(offsets) - 1)
    core.peak_end_many(dst, offsets, flat)
    if index is not None:
        import pandas as pd
        return pd.Series(dst, index=index, name="peak_end")
    return dst


def valence(moments: Any, rule: str = "mean", *, durations: Optional[Any] = None,
            parameter: Optional[float] = None) -> Union[float, FloatArray, pd.Series]:
    """Aggregate the emotional valence of a journey's moments into one number.

    Rules: ``"mean"`` (duration-weighted), ``"peak-end"`` (durations ignored,
    Kahneman et al. 1993), ``"peak"``, ``"end"``, ``"min"``, ``"max"``,
    ``"sum"`` (Σ duration·valence), ``"recency"`` (weights decay by
    ``parameter`` = λ in (0, 1] per later moment, default 0.8) and
    ``"negativity"`` (negative moments weigh ``parameter`` >= 1 times more,
    default 2). Like :func:`peak_end`, a list of journeys gives an array (a
    Series for a pandas Series), with ``durations`` shaped like ``moments``.

    >>> cxm.chain.valence([1, -3, 2, 4, 1]), cxm.chain.valence([1, -3, 2, 4, 1], "peak-end")
    (1.0, 2.5)
    """
    rule = as_choice(rule, _VALENCE_RULES, "rule")
    if parameter is None:
        parameter = {"recency": 0.8, "negativity": 2.0}.get(rule, 0.0)
    parameter = as_float(parameter, "parameter")
    index = getattr(moments, "index", None) if _is_pandas(moments) else None
    flat, offsets = _journeys(moments)
    dur = np.empty(0) if durations is None else _journeys(durations, "durations")[0]
    if dur.size:
        same_length(("moments", flat), ("durations", dur))
    code = _VALENCE_RULES[rule]
    if offsets is None:
        dst = np.empty(1)
        core.valence_aggregate(dst, flat, dur, np.empty(0), code, parameter)
        return float(dst[0])
    dst = np.empty(len(offsets) - 1)
    core.valence_aggregate(dst, flat, dur, offsets.astype(float), code, parameter)
    if index is not None:
        import pandas as pd
        return pd.Series(dst, index=index, name=f"valence_{rule}")
    return dst


def _is_nested(values: Any) -> bool:
    """True for a collection of experiences rather than one experience."""
    if isinstance(values, np.ndarray):
        return values.ndim > 1 or values.dtype == object
    try:
        first = values[0]
    except (IndexError, KeyError, TypeError):
        return False
    return np.ndim(first) > 0 or isinstance(first, (list, tuple))


# ------------------------------------------------------------------ the value link

class RetentionModel:
    """Retention as a logistic function of satisfaction: 1/(1 + exp(−(intercept + slope·S))).

    Build one by hand (``RetentionModel(-2, 0.5)``) or fit it with
    :func:`fit_retention`. Fitted models also carry ``intercept_se``,
    ``slope_se``, ``covariance``, ``log_likelihood``, ``deviance``,
    ``null_deviance``, ``observations`` and ``iterations``.
    """

    _FIELDS = ("intercept", "slope", "intercept_se", "slope_se", "covariance", "log_likelihood",
               "deviance", "null_deviance", "observations", "iterations")

    def __init__(self, intercept: float, slope: float, **fitted: Any) -> None:
        self._struct = core.logit()
        self._struct.intercept = as_float(intercept, "intercept")
        self._struct.slope = as_float(slope, "slope")
        for key in self._FIELDS[2:]:
            setattr(self._struct, key, fitted.get(key, np.nan if key != "iterations" else 0))

    @classmethod
    def _from_struct(cls, struct: Any) -> RetentionModel:
        model = cls.__new__(cls)
        model._struct = struct
        return model

    def __getattr__(self, name: str) -> Any:
        if name in RetentionModel._FIELDS:
            return getattr(self.__dict__["_struct"], name)
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"RetentionModel(intercept={self.intercept!r}, slope={self.slope!r})"

    def predict(self, satisfaction: ArrayLike) -> Union[float, FloatArray, pd.Series]:
        """Retention probability at each satisfaction level (a float for a number)."""
        if np.ndim(satisfaction) == 0:
            return core.logit_predict(self._struct, as_float(satisfaction, "satisfaction"))
        s = _vector(satisfaction, "satisfaction", finite=True)
        result = np.array([core.logit_predict(self._struct, float(v)) for v in s])
        return _shape_like(satisfaction, result, "retention")

    def to_series(self) -> pd.Series:
        """The coefficients and fit statistics as a pandas Series."""
        import pandas as pd
        return pd.Series({key: getattr(self, key) for key in self._FIELDS}, name="retention")


def fit_retention(satisfaction: ArrayLike, retained: ArrayLike,
                  weights: Optional[ArrayLike] = None) -> RetentionModel:
    """Fit retention as a logistic function of satisfaction (Rust & Zahorik 1993).

    Maximum likelihood by IRLS with standard errors from the Fisher
    information. ``retained`` is 1/0 (True/False) per customer, or the share
    retained in a group when ``weights`` holds the group sizes.

    Raises DomainError when satisfaction does not vary or separates the
    outcomes perfectly (the slope would be infinite).
    """
    x = _vector(satisfaction, "satisfaction", finite=True, empty=False)
    y = _vector(retained, "retained", finite=True)
    same_length(("satisfaction", x), ("retained", y))
    w = np.empty(0) if weights is None else _vector(weights, "weights", finite=True, minimum=0)
    if weights is not None:
        same_length(("satisfaction", x), ("weights", w))
    return RetentionModel._from_struct(core.logit_fit(x, y, w))


@dataclasses.dataclass(frozen=True)
class ValueLink(_Result):
    """What an improvement in satisfaction is worth, per customer and for the base."""
    satisfaction: float
    improved_satisfaction: float
    retention: float
    improved_retention: float
    clv: float
    improved_clv: float
    gain_per_customer: float
    customers: float
    gain: float


def value_of_improvement(retention: Union[RetentionModel, Tuple[float, float]],
                         satisfaction: float, improvement: float, *, margin: float,
                         discount: float, customers: float = 1.0,
                         prepaid: bool = False) -> ValueLink:
    """Satisfaction → retention → lifetime value, before and after an improvement.

    ``retention`` is a :class:`RetentionModel` (or an ``(intercept, slope)``
    pair); lifetime value is the closed form ``m·r/(1+d−r)`` (``prepaid``:
    ``m·(1+d)/(1+d−r)``).

    >>> v = cxm.chain.value_of_improvement((-2, 0.5), 7, 0.5, margin=100, discount=0.12)
    >>> round(v.clv, 4), round(v.improved_clv, 4), round(v.gain_per_customer, 4)
    (270.3391, 317.8369, 47.4977)
    """
    model = _retention_model(retention)
    timing = core.CASH_START if prepaid else core.CASH_END
    return _from_struct(ValueLink, core.value_of_improvement(
        model._struct, as_float(satisfaction, "satisfaction"),
        as_float(improvement, "improvement"), as_float(margin, "margin"),
        as_float(discount, "discount"), timing, as_float(customers, "customers")))


def _retention_model(retention: Any) -> RetentionModel:
    """A RetentionModel, or one made from an (intercept, slope) pair."""
    if isinstance(retention, RetentionModel):
        return retention
    if isinstance(retention, (tuple, list)) and len(retention) == 2:
        return RetentionModel(*retention)
    raise ArgumentTypeError("retention must be a RetentionModel or an (intercept, slope) pair, "
                            f"got {_describe(retention)}")


@dataclasses.dataclass(frozen=True)
class ReturnOnQuality(_Result):
    """Return on quality (Rust, Zahorik & Keiningham 1995): gain over cost, in present values."""
    gain: float
    cost: float
    net_value: float
    return_on_quality: float


def return_on_quality(gain: ArrayLike, costs: ArrayLike, *,
                      discount: float = 0.0) -> ReturnOnQuality:
    """Present value of the gain over the present value of the cost.

    ``costs`` is one cost paid now, or a sequence where ``costs[t]`` is paid
    ``t`` periods from now (discounted at ``discount`` per period).
    """
    c = np.atleast_1d(_vector(costs, "costs", finite=True, empty=False))
    return _from_struct(ReturnOnQuality, core.return_on_quality(
        as_float(gain, "gain"), c, as_float(discount, "discount")))


def satisfaction_index(weights: ArrayLike, means: ArrayLike, *,
                       scale: Scale = (1, 10)) -> float:
    """A 0–100 index as ACSI reports it: Σ w̃(x̄ − min)/(max − min)·100, w̃ = w/Σw.

    >>> round(cxm.chain.satisfaction_index([0.3885, 0.3190, 0.2925], [8, 7, 7.5]), 4)
    72.6083
    """
    low, high = _scale(scale)
    w = _vector(weights, "weights", finite=True, empty=False)
    m = _vector(means, "means", finite=True)
    same_length(("weights", w), ("means", m))
    return core.satisfaction_index(w, m, low, high)


# ------------------------------------------------------------------ survey files

def _csv_layout(delimiter: Optional[str], header: bool,
                quote: Optional[str]) -> Tuple[int, int, int]:
    if delimiter is None or delimiter == "auto":
        d = 0
    elif delimiter in ("tab", "\t"):
        d = 9
    elif delimiter in ("space", "whitespace"):
        d = 32
    elif isinstance(delimiter, str) and len(delimiter) == 1 and delimiter != "\0":
        d = ord(delimiter)
    else:
        raise _invalid(f"delimiter {delimiter!r} must be one character, 'tab', 'space' or None")
    if quote is not None and (not isinstance(quote, str) or len(quote) != 1 or quote == "\0"):
        raise _invalid(f"quote {quote!r} must be one character or None")
    q = 0 if quote is None else ord(quote)
    return d, 1 if header else 0, q


def read_survey(path: PathLike, columns: Optional[Sequence[str]] = None, *,
                delimiter: Optional[str] = None, header: bool = True, quote: Optional[str] = '"',
                skip_bad_rows: bool = False) -> pd.DataFrame:
    """Read numeric survey answers with libcxm's strict CSV reader: a DataFrame.

    ``columns`` selects columns by header name or 1-based number (default:
    all, which must then all be numeric). Empty fields and NA, N/A, NaN,
    NULL are missing (NaN); any other non-number stops the read with a
    ParseError naming the file, line and column (``skip_bad_rows`` skips such
    rows instead). ``delimiter`` is detected from the first line by default.
    """
    import pandas as pd
    d, h, q = _csv_layout(delimiter, header, quote)
    if columns is not None and (isinstance(columns, (str, bytes)) or
                                not hasattr(columns, "__iter__")):
        raise ArgumentTypeError(f"columns must be a sequence of names or numbers, got "
                                f"{_describe(columns)}")
    names = "" if columns is None else "\n".join(
        as_text(c if isinstance(c, str) else str(c), f"columns[{i}]")
        for i, c in enumerate(columns))
    survey = core.survey_read(as_path(path, "path"), names, d, h, q, int(bool(skip_bad_rows)))
    rows = core.survey_rows(survey)
    data = {}
    for j in range(core.survey_columns(survey)):
        name = core.survey_column_name(survey, j)
        column = np.empty(rows)
        core.survey_column(column, survey, name)
        data[name] = column
    return pd.DataFrame(data)


# ------------------------------------------------------------------ PLS path modelling

_SCHEMES = {"path": 0, "centroid": 1, "factorial": 2}
_MISSING = {"listwise": 0, "mean": 1}
_QUANTITIES = {
    "weights": 0, "weights_unstandardized": 1, "index_weights": 2, "loadings": 3, "paths": 4,
    "total_effects": 5, "total_effects_index": 6, "r_squared": 7, "indices": 8,
    "construct_correlations": 9, "indicator_means": 10, "indicator_std_devs": 11,
    "indirect_effects": 12, "specific_indirect_effects": 13, "htmt": 14,
}
# Bootstrap statistics (cxm_pls_statistic) by column name.
_STATISTICS = {"mean": 0, "std_error": 1, "lower": 2, "upper": 3, "bca_lower": 4, "bca_upper": 5,
               "t_value": 6, "p_value": 7, "bias_correction": 8, "acceleration": 9}
_APPROACHES = {"earliest": 0, "direct": 1}
# The shape of each quantity (the rest are per indicator).
_KINDS = {"paths": "matrix", "total_effects": "matrix", "total_effects_index": "matrix",
          "construct_correlations": "matrix", "indirect_effects": "matrix", "htmt": "matrix",
          "r_squared": "construct", "indices": "construct", "specific_indirect_effects": "route"}
# cxm_pls_quality codes.
_QUALITY = {
    "alpha": 0, "rhoA": 1, "rhoC": 2, "AVE": 3, "cross_loadings": 4, "fornell_larcker": 5,
    "htmt": 6, "indicator_vif": 7, "structural_vif": 8, "f_squared": 9, "r_squared_adjusted": 10,
}
_QUADRANTS = {(True, False): "concentrate here", (True, True): "keep up the good work",
              (False, False): "low priority", (False, True): "possible overkill"}


class PathModel:
    """A structural path model estimated by PLS path modelling (the ACSI/ECSI method).

    Constructs (latent variables) are measured by blocks of survey items
    (data columns); paths link constructs. Build one from Python::

        model = cxm.chain.PathModel(
            {"Quality": ["q1", "q2", "q3"], "Satisfaction": ["s1", "s2"],
             "Loyalty": ["l1", "l2"]},
            paths=[("Quality", "Satisfaction"), ("Satisfaction", "Loyalty")],
            scale=(1, 10), target="Satisfaction")

    or take a preset (:meth:`preset`: ``"acsi"``, ``"ecsi"``, ``"chain"``) or
    JSON (:meth:`from_json`, the format of ``cxm survey``). ``modes`` maps
    constructs to ``"A"`` (reflective, default) or ``"B"`` (formative);
    ``scale``/``scales`` give the answer scale used for the 0–100 indices
    (default: each item's observed range). ``paths`` is a list of
    ``(from, to)`` pairs or a dict ``{from: [to, ...]}``.

    :meth:`fit` estimates the model on a DataFrame (or a 2-D array whose
    columns are :attr:`items` in order) and returns a :class:`PathModelFit`.
    """

    def __init__(self, constructs: Optional[Mapping[str, Sequence[str]]] = None,
                 paths: Union[Iterable[Tuple[str, Any]], Dict[str, Any]] = (), *,
                 modes: Optional[Mapping[str, str]] = None, scale: Optional[Scale] = None,
                 scales: Optional[Mapping[str, Scale]] = None, target: Optional[str] = None,
                 name: Optional[str] = None) -> None:
        self._handle = core.pls_model_create()
        self._name = name
        modes = modes or {}
        scales = scales or {}
        for construct, items in (constructs or {}).items():
            self.add_construct(construct, items, mode=modes.get(construct, "A"),
                               scale=scales.get(construct, scale))
        pairs = paths.items() if isinstance(paths, dict) else paths
        for source, destination in pairs:
            for d in ([destination] if isinstance(destination, str) else destination):
                self.add_path(source, d)
        if target is not None:
            core.pls_model_set_target(self._handle, as_text(target, "target"))

    @classmethod
    def _wrap(cls, handle: Any) -> Self:
        model = cls.__new__(cls)
        model._handle = handle
        model._name = None
        return model

    @classmethod
    def preset(cls, name: str) -> Self:
        """A ready-made model: ``"acsi"`` (Fornell et al. 1996), ``"ecsi"`` (Tenenhaus et
        al. 2005, the mobile-phone survey's item names) or ``"chain"`` (libcxm's expectations →
        perceptions → emotion → satisfaction → promote / complain / stay)."""
        return cls._wrap(core.pls_model_preset(as_text(name, "name")))

    @classmethod
    def from_json(cls, text: Union[str, "os.PathLike[str]"]) -> Self:
        """A model from JSON text (or a path to a JSON file); see ``cxm survey --help``."""
        if not isinstance(text, (str, os.PathLike)):
            raise ArgumentTypeError(f"text must be JSON text or a file name, got "
                                    f"{_describe(text)}")
        if not (isinstance(text, str) and text.lstrip().startswith("{")):
            path = as_path(text, "text")
            try:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
            except OSError as exc:
                raise FileError(f"{path}: not JSON text (which starts with '{{') and not a "
                                f"readable file: {exc.strerror}") from None
            except UnicodeDecodeError as exc:
                raise ParseError(f"{path}: not UTF-8 text: {exc.reason}") from None
        return cls._wrap(core.pls_model_from_json(as_text(text, "text")))

    def to_json(self) -> str:
        """The model as JSON text."""
        return core.pls_model_to_json(self._handle)

    def add_construct(self, name: str, items: Sequence[str], *, mode: str = "A",
                      scale: Optional[Scale] = None) -> Self:
        """Add a construct measured by ``items`` (column names)."""
        if mode not in ("A", "B"):
            raise _invalid(f"mode {mode!r} must be 'A' (reflective) or 'B' (formative)")
        name = as_text(name, "construct name")
        items = [items] if isinstance(items, str) else items
        if items is None or not hasattr(items, "__iter__"):
            raise ArgumentTypeError(f"items of {name!r} must be a sequence of column names, got "
                                    f"{_describe(items)}")
        items = [as_text(item if isinstance(item, str) else str(item), f"items of {name!r}")
                 for item in items]
        core.pls_model_add_construct(self._handle, name, 0 if mode == "A" else 1)
        for item in items:
            core.pls_model_add_item(self._handle, name, item)
        if scale is not None:
            core.pls_model_set_scale(self._handle, name, *_scale(scale))
        return self

    def add_path(self, source: str, destination: str) -> Self:
        """Add the path ``source → destination``."""
        core.pls_model_add_path(self._handle, as_text(source, "source"),
                                as_text(destination, "destination"))
        return self

    @property
    def constructs(self) -> List[str]:
        """Construct names in model order."""
        h = self._handle
        return [core.pls_model_construct_name(h, j) for j in range(core.pls_model_construct_count(h))]

    @property
    def modes(self) -> Dict[str, str]:
        """Mode of each construct: ``"A"`` (reflective) or ``"B"`` (formative)."""
        h = self._handle
        return {name: "AB"[core.pls_model_construct_mode(h, j)]
                for j, name in enumerate(self.constructs)}

    @property
    def items(self) -> List[str]:
        """Distinct item (column) names, in the order a data array's columns must follow."""
        h = self._handle
        return [core.pls_model_item_name(h, i) for i in range(core.pls_model_item_count(h))]

    @property
    def indicators(self) -> List[Tuple[str, str]]:
        """``(construct, item)`` pairs in the order of weights and loadings."""
        h = self._handle
        names = self.constructs
        return [(names[core.pls_model_indicator_construct(h, k)],
                 core.pls_model_indicator_name(h, k))
                for k in range(core.pls_model_indicator_count(h))]

    @property
    def paths(self) -> List[Tuple[str, ...]]:
        """``(from, to)`` pairs."""
        names = self.constructs
        return [tuple(names[j] for j in core.pls_model_path(self._handle, k))
                for k in range(core.pls_model_path_count(self._handle))]

    @property
    def target(self) -> Optional[str]:
        """The construct whose drivers reports rank, or None."""
        try:
            return self.constructs[core.pls_model_target(self._handle)]
        except Exception:  # NotFoundError: no target
            return None

    def __repr__(self) -> str:
        return (f"PathModel({len(self.constructs)} constructs, {len(self.items)} items, "
                f"{len(self.paths)} paths)")

    def _matrix(self, data: Any) -> Tuple[FloatArray, Any]:
        items = self.items
        if _is_pandas(data) and data.ndim == 2:
            missing = [item for item in items if item not in data.columns]
            if missing:
                from ._errors import NotFoundError
                raise NotFoundError(f"the data have no column {missing[0]!r} (an item of the model)")
            columns = [as_float_array(data[item], f"data[{item!r}]") for item in items]
            x = np.ascontiguousarray(np.column_stack(columns)) if columns else np.empty((0, 0))
            return x, data.index
        x = as_float_array(data, "data")
        if x.ndim != 2 or x.shape[1] != len(items):
            raise _invalid(f"the data must be a 2-D array with one column per item "
                           f"({len(items)}), got shape {x.shape}")
        return x, None

    def fit(self, data: Any, *, scheme: str = "path", bootstrap: int = 0, seed: int = 1,
            level: float = 0.95, tolerance: float = 1e-7, max_iterations: int = 300,
            threads: int = 0, missing: str = "listwise", bca: bool = False,
            consistent: bool = False) -> PathModelFit:
        """Estimate the model by PLS path modelling.

        ``scheme``: ``"path"``, ``"centroid"`` or ``"factorial"`` inner weighting;
        ``bootstrap``: resamples for standard errors, t and p values and
        percentile intervals at ``level`` (reproducible with ``seed``; split
        over ``threads``, 0 = all processors, without changing the numbers);
        ``bca``: also bias-corrected and accelerated intervals (Efron 1987),
        at the cost of a jackknife (one more estimate per respondent);
        ``missing``: ``"listwise"`` or ``"mean"`` replacement; ``consistent``:
        consistent PLS (PLSc, Dijkstra & Henseler 2015), which corrects the
        correlations of reflective (Mode A) constructs by their reliability ρA
        so that paths, R² and loadings are not attenuated by measurement error
        (each resample and :meth:`PathModelFit.predict` too). ``data`` is a
        DataFrame, a 2-D array whose columns are :attr:`items` in order, or
        the path of a survey file (read with :func:`read_survey`, only the
        model's items). Returns a :class:`PathModelFit`.
        """
        if isinstance(data, (str, os.PathLike)):
            data = read_survey(data, self.items)
        scheme = as_choice(scheme, _SCHEMES, "scheme")
        missing = as_choice(missing, _MISSING, "missing")
        settings = (as_float(tolerance, "tolerance", positive=True),
                    as_count(max_iterations, "max_iterations"), as_count(bootstrap, "bootstrap"),
                    as_seed(seed), as_float(level, "level"), as_count(threads, "threads"))
        if not isinstance(consistent, (bool, np.bool_)):
            raise ArgumentTypeError(f"consistent must be True or False, got {_describe(consistent)}")
        x, _ = self._matrix(data)
        handle = core.pls_estimate(self._handle, x, _SCHEMES[scheme], *settings,
                                   _MISSING[missing], int(bool(bca)), int(bool(consistent)))
        fit = PathModelFit(self, handle)
        fit.info["consistent"] = bool(consistent)
        fit._data = x
        fit._settings = (_SCHEMES[scheme], settings[0], settings[1], _MISSING[missing],
                         int(bool(consistent)))
        return fit

    def htmt(self, correlations: Any) -> pd.DataFrame:
        """The heterotrait–monotrait ratio (HTMT; Henseler, Ringle & Sarstedt 2015) of the
        constructs from a correlation matrix of the items (e.g. of a bootstrap resample).

        ``correlations`` is a square DataFrame whose index and columns include the
        model's :attr:`items`, or a 2-D array over :attr:`items` in order. Returns a
        constructs × constructs DataFrame, NaN on the diagonal; see
        :attr:`PathModelFit.htmt`.
        """
        import pandas as pd
        items = self.items
        if _is_pandas(correlations) and correlations.ndim == 2:
            missing = [item for item in items
                       if item not in correlations.index or item not in correlations.columns]
            if missing:
                from ._errors import NotFoundError
                raise NotFoundError(f"the correlations have no item {missing[0]!r}")
            correlations = correlations.loc[items, items]
        r = np.ascontiguousarray(as_float_array(correlations, "correlations"))
        if r.ndim != 2 or r.shape != (len(items), len(items)):
            raise _invalid(f"correlations must be a {len(items)} × {len(items)} matrix over the "
                           f"model's items, got shape {r.shape}")
        names = self.constructs
        dst = np.empty(len(names) ** 2)
        core.pls_model_htmt(dst, self._handle, r)
        return pd.DataFrame(dst.reshape(len(names), -1), index=names, columns=names)


#: Another name for :class:`PathModel`.
PLSModel = PathModel


class PathModelFit:
    """An estimated :class:`PathModel`: weights, loadings, paths, R², effects, indices.

    Tables are pandas objects; with bootstrap resamples the long tables carry
    ``std_error``, ``t_value``, ``p_value``, ``lower`` and ``upper`` columns
    (percentile intervals), and with ``bca=True`` ``bca_lower`` and
    ``bca_upper``. :meth:`bootstrap` gives the full inference table of any
    quantity (HTMT included), :attr:`indirect_effects` the effect along every
    route of the chain and :meth:`predict` the out-of-sample accuracy
    (PLSpredict). The quality of the model: :attr:`reliability`,
    :attr:`htmt` (:attr:`htmt_interval` with resamples),
    :attr:`fornell_larcker`, :attr:`cross_loadings`, :attr:`vif`,
    :attr:`structural_vif`, :attr:`f_squared`, :attr:`r_squared_adjusted`
    (docs/chain.md, "Reading the quality of a model").
    """

    def __init__(self, model: PathModel, handle: Any) -> None:
        self.model = model
        self._handle = handle
        self._constructs = model.constructs
        self._data: Optional[FloatArray] = None
        self._settings: Tuple[int, float, int, int, int] = (0, 1e-7, 300, 0, 0)
        info = core.pls_result_info(handle)
        #: rows, rows_dropped, iterations, resamples, resamples_failed, level, scheme
        self.info = {key: getattr(info, key) for key in
                     ("rows", "rows_dropped", "iterations", "resamples", "resamples_failed",
                      "level")}
        self.info["scheme"] = [k for k, v in _SCHEMES.items() if v == info.scheme][0]
        self.info["bca"] = bool(self.info["resamples"]) and self._has_bca()

    def _has_bca(self) -> bool:
        try:
            core.pls_result_bootstrap(np.empty(core.pls_result_size(self._handle, 7)),
                                      self._handle, 7, _STATISTICS["bca_lower"])
        except Exception:  # StateError: estimated without bca
            return False
        return True

    def _get(self, quantity: str, statistic: Optional[int] = None) -> FloatArray:
        code = _QUANTITIES[quantity]
        dst = np.empty(core.pls_result_size(self._handle, code))
        if statistic is None:
            core.pls_result_get(dst, self._handle, code)
        else:
            core.pls_result_bootstrap(dst, self._handle, code, statistic)
        return dst

    def _statistics(self) -> List[str]:
        """The bootstrap columns this fit has."""
        if not self.info["resamples"]:
            return []
        names = ["std_error", "t_value", "p_value", "lower", "upper"]
        return names + (["bca_lower", "bca_upper"] if self.info["bca"] else [])

    def _long(self, quantity: str, frame: pd.DataFrame) -> pd.DataFrame:
        frame["estimate"] = self._get(quantity)
        for name in self._statistics():
            frame[name] = self._get(quantity, _STATISTICS[name])
        return frame

    def _square(self, quantity: str) -> pd.DataFrame:
        import pandas as pd
        c = len(self._constructs)
        return pd.DataFrame(self._get(quantity).reshape(c, c), index=self._constructs,
                            columns=self._constructs)

    def _quality(self, name: str) -> FloatArray:
        code = _QUALITY[name]
        dst = np.empty(core.pls_result_quality_size(self._handle, code))
        core.pls_result_quality(dst, self._handle, code)
        return dst

    def _quality_square(self, name: str) -> pd.DataFrame:
        import pandas as pd
        c = len(self._constructs)
        return pd.DataFrame(self._quality(name).reshape(c, c), index=self._constructs,
                            columns=self._constructs)

    def _per_path(self, name: str, column: str) -> pd.DataFrame:
        import pandas as pd
        c = len(self._constructs)
        values = self._quality(name)
        pairs = self.model.paths
        return pd.DataFrame({
            "from": [a for a, _ in pairs], "to": [b for _, b in pairs],
            column: [values[self._constructs.index(a) * c + self._constructs.index(b)]
                     for a, b in pairs]})

    @property
    def reliability(self) -> pd.DataFrame:
        """Internal consistency and convergent validity of each construct: Cronbach's
        ``alpha`` (standardized items), ``rhoA`` (Dijkstra & Henseler 2015), composite
        reliability ``rhoC`` and average variance extracted ``AVE`` (Fornell & Larcker
        1981). Usual thresholds for reflective constructs: alpha, rhoA, rhoC > 0.7
        (below 0.95), AVE > 0.5. Single-item and Mode B constructs have rhoA = 1."""
        import pandas as pd
        return pd.DataFrame({name: self._quality(name) for name in ("alpha", "rhoA", "rhoC", "AVE")},
                            index=pd.Index(self._constructs, name="construct"))

    @property
    def htmt(self) -> pd.DataFrame:
        """Heterotrait–monotrait ratios (Henseler, Ringle & Sarstedt 2015), constructs ×
        constructs, NaN on the diagonal. Below 0.85 (conservative) or 0.90: discriminant
        validity; :attr:`htmt_interval` gives its bootstrap intervals."""
        return self._quality_square("htmt")

    @property
    def htmt_interval(self) -> pd.DataFrame:
        """HTMT of each pair of constructs (``from``, ``to``) with its bootstrap
        ``std_error``, percentile ``lower`` and ``upper`` bounds at the fit's level and,
        with ``bca=True``, ``bca_lower`` and ``bca_upper``: every resample's HTMT is
        computed from that resample's item correlations. Discriminant validity holds
        when the upper bound stays below 1 (Henseler, Ringle & Sarstedt 2015), or
        below 0.85/0.90 for the stricter tests. Needs ``fit(..., bootstrap=N)``;
        :meth:`bootstrap` ``("htmt")`` has every statistic."""
        table = self.bootstrap("htmt")
        return table[["estimate", "std_error", "lower", "upper"] +
                     (["bca_lower", "bca_upper"] if self.info["bca"] else [])]

    @property
    def fornell_larcker(self) -> pd.DataFrame:
        """The Fornell–Larcker table: √AVE on the diagonal, construct correlations elsewhere;
        each diagonal value should exceed the correlations in its row and column."""
        return self._quality_square("fornell_larcker")

    @property
    def cross_loadings(self) -> pd.DataFrame:
        """Correlations of every indicator (rows: construct, item) with every construct's
        score (columns); each item should load highest on its own construct."""
        import pandas as pd
        index = pd.MultiIndex.from_tuples(self.model.indicators, names=["construct", "item"])
        return pd.DataFrame(self._quality("cross_loadings").reshape(len(index), -1), index=index,
                            columns=self._constructs)

    @property
    def vif(self) -> pd.Series:
        """Variance inflation factor of each indicator within its block (construct, item);
        for formative (Mode B) blocks it should stay below 5, ideally 3."""
        import pandas as pd
        index = pd.MultiIndex.from_tuples(self.model.indicators, names=["construct", "item"])
        return pd.Series(self._quality("indicator_vif"), index=index, name="vif")

    @property
    def structural_vif(self) -> pd.DataFrame:
        """VIF of each path's predecessor among the predecessors of its successor, one row
        per path (``from``, ``to``, ``vif``); below 5, ideally 3."""
        return self._per_path("structural_vif", "vif")

    @property
    def f_squared(self) -> pd.DataFrame:
        """Cohen's f² of each path (``from``, ``to``, ``f_squared``): how much of its
        successor's R² it alone explains, relative to 1 − R²; 0.02 small, 0.15 medium,
        0.35 large (Cohen 1988)."""
        return self._per_path("f_squared", "f_squared")

    @property
    def r_squared_adjusted(self) -> pd.Series:
        """R² adjusted for the number of predecessors (NaN for exogenous constructs)."""
        import pandas as pd
        return pd.Series(self._quality("r_squared_adjusted"), index=self._constructs,
                         name="r_squared_adjusted")

    @property
    def weights(self) -> pd.DataFrame:
        """Outer weights by indicator: standardized (``estimate``), unstandardized (on the
        raw items), index weights (summing to 1 per construct) and loadings."""
        import pandas as pd
        index = pd.MultiIndex.from_tuples(self.model.indicators, names=["construct", "item"])
        frame = self._long("weights", pd.DataFrame(index=index))
        frame["unstandardized"] = self._get("weights_unstandardized")
        frame["index_weight"] = self._get("index_weights")
        frame["loading"] = self._get("loadings")
        frame["mean"] = self._get("indicator_means")
        frame["std_dev"] = self._get("indicator_std_devs")
        return frame

    @property
    def loadings(self) -> pd.DataFrame:
        """Loadings by indicator (correlation of each item with its construct)."""
        import pandas as pd
        index = pd.MultiIndex.from_tuples(self.model.indicators, names=["construct", "item"])
        return self._long("loadings", pd.DataFrame(index=index))

    @property
    def paths(self) -> pd.DataFrame:
        """Path coefficients, one row per path (``from``, ``to``)."""
        import pandas as pd
        c = len(self._constructs)
        pairs = self.model.paths
        full = self._long("paths", pd.DataFrame(index=range(c * c)))
        rows = [self._constructs.index(a) * c + self._constructs.index(b) for a, b in pairs]
        frame = full.iloc[rows].reset_index(drop=True)
        frame.insert(0, "to", [b for _, b in pairs])
        frame.insert(0, "from", [a for a, _ in pairs])
        return frame

    @property
    def path_matrix(self) -> pd.DataFrame:
        """Path coefficients as a constructs × constructs matrix (rows: from)."""
        return self._square("paths")

    @property
    def total_effects(self) -> pd.DataFrame:
        """Standardized total (direct + indirect) effects, rows: from."""
        return self._square("total_effects")

    @property
    def total_effects_index(self) -> pd.DataFrame:
        """Total effects in index points per index point (rows: from)."""
        return self._square("total_effects_index")

    @property
    def construct_correlations(self) -> pd.DataFrame:
        """Correlations of the construct scores, as a DataFrame."""
        return self._square("construct_correlations")

    @property
    def r_squared(self) -> pd.Series:
        """R² of each endogenous construct (NaN for exogenous ones)."""
        import pandas as pd
        return pd.Series(self._get("r_squared"), index=self._constructs, name="r_squared")

    @property
    def indices(self) -> pd.Series:
        """0–100 indices (ACSI-style, from normalised unstandardized weights)."""
        import pandas as pd
        return pd.Series(self._get("indices"), index=self._constructs, name="index")

    def _labels(self, quantity: str) -> Tuple[List[Any], List[str], NDArray[np.intp]]:
        """Row labels, index names and the positions in the quantity's vector of its
        meaningful values (paths: the model's paths; effects: pairs with a route)."""
        names = self._constructs
        c = len(names)
        kind = _KINDS.get(quantity, "indicator")
        if kind == "route":
            labels: List[Any] = [" -> ".join(route) for route in self.routes()]
            return labels, ["path"], np.arange(len(labels), dtype=np.intp)
        if kind == "construct":
            return list(names), ["construct"], np.arange(c, dtype=np.intp)
        if kind == "indicator":
            labels = list(self.model.indicators)
            return labels, ["construct", "item"], np.arange(len(labels), dtype=np.intp)
        if quantity == "paths":
            at = [names.index(a) * c + names.index(b) for a, b in self.model.paths]
        elif quantity in ("construct_correlations", "htmt"):
            at = [a * c + b for a in range(c) for b in range(a + 1, c)]
        else:
            values = self._get(quantity)
            total = self._get("total_effects")
            at = [k for k in range(c * c)
                  if total[k] != 0 and (quantity != "indirect_effects" or values[k] != 0)]
        return ([(names[k // c], names[k % c]) for k in at], ["from", "to"],
                np.asarray(at, dtype=np.intp))

    def bootstrap(self, quantity: str = "paths", *, draws: bool = False) -> pd.DataFrame:
        """The bootstrap inference table of a quantity, one row per value.

        Columns: ``estimate``, ``mean`` (over the resamples), ``std_error``,
        ``t_value`` (estimate / std_error), ``p_value`` (two-sided, Student t
        with respondents − 1 degrees of freedom), ``lower`` and ``upper``
        (percentile interval at the fit's level) and, for fits with
        ``bca=True``, ``bca_lower``, ``bca_upper`` (Efron's bias-corrected and
        accelerated interval), ``bias_correction`` (z0) and ``acceleration``
        (a). Quantities: ``"paths"``, ``"total_effects"``,
        ``"indirect_effects"`` (total indirect), ``"specific_indirect_effects"``
        (one row per route of the chain), ``"weights"``, ``"loadings"``,
        ``"r_squared"``, ``"indices"``, ``"htmt"`` (one row per pair of
        constructs), ... With ``draws=True``, the
        resamples themselves instead: one row per resample, one column per
        value.
        """
        import pandas as pd
        quantity = as_choice(quantity, _QUANTITIES, "quantity")
        if draws:
            return self._draws(quantity)
        if not self.info["resamples"]:
            raise _invalid("the fit has no bootstrap resamples: fit(..., bootstrap=N)")
        labels, index_names, at = self._labels(quantity)
        if len(index_names) > 1:
            index = pd.MultiIndex.from_tuples(labels, names=index_names)
        else:
            index = pd.Index(labels, name=index_names[0])
        frame = pd.DataFrame(index=index)
        frame["estimate"] = self._get(quantity)[at] if len(at) else []
        columns = ["mean"] + self._statistics()
        if self.info["bca"]:
            columns += ["bias_correction", "acceleration"]
        for name in columns:
            values = self._get(quantity, _STATISTICS[name])
            frame[name] = values[at] if len(at) else []
        return frame

    def _draws(self, quantity: str) -> pd.DataFrame:
        import pandas as pd
        code = _QUANTITIES[quantity]
        size = core.pls_result_size(self._handle, code)
        dst = np.empty(self.info["resamples"] * size)
        core.pls_result_bootstrap_draws(dst, self._handle, code)
        kind = _KINDS.get(quantity, "indicator")
        if kind == "route":
            columns = [" -> ".join(route) for route in self.routes()]
        elif kind == "matrix":
            columns = [f"{a} -> {b}" for a in self._constructs for b in self._constructs]
        elif kind == "construct":
            columns = self._constructs
        else:
            columns = [f"{a}:{b}" for a, b in self.model.indicators]
        return pd.DataFrame(dst.reshape(-1, size), columns=columns)

    def routes(self) -> List[Tuple[str, ...]]:
        """Every route of two or more paths through the inner model (constructs in order),
        in the order of :attr:`indirect_effects`."""
        routes = []
        for k in range(core.pls_result_indirect_count(self._handle)):
            nodes = np.empty(core.pls_result_indirect_length(self._handle, k))
            core.pls_result_indirect_path(nodes, self._handle, k)
            routes.append(tuple(self._constructs[int(j)] for j in nodes))
        return routes

    @property
    def indirect_effects(self) -> pd.DataFrame:
        """Specific indirect effects: one row per route of the chain (e.g. ``Expectation
        -> Quality -> Satisfaction``), the product of the path coefficients along it, with
        ``from``, ``to``, ``path`` and, with resamples, its bootstrap statistics. For
        every pair, the effects of its routes add up to the total indirect effect
        (:attr:`total_indirect_effects`)."""
        import pandas as pd
        routes = self.routes()
        frame = pd.DataFrame({"from": [r[0] for r in routes], "to": [r[-1] for r in routes],
                              "path": [" -> ".join(r) for r in routes]})
        return self._long("specific_indirect_effects", frame)

    @property
    def total_indirect_effects(self) -> pd.DataFrame:
        """Total indirect effects (total effects minus the direct paths), rows: from."""
        return self._square("indirect_effects")

    def predict(self, k: int = 10, *, repetitions: int = 1, seed: int = 1,
                approach: str = "earliest", threads: int = 0) -> PLSPrediction:
        """PLSpredict (Shmueli et al. 2016, 2019): k-fold out-of-sample accuracy.

        The fit's data are shuffled (``seed``) into ``k`` folds; the model,
        with this fit's settings, is estimated without each fold and predicts
        it: the indicators of every endogenous construct and the constructs
        themselves, from the exogenous constructs (``approach="earliest"``)
        or each construct's direct predecessors (``"direct"``). The split is
        redrawn ``repetitions`` times. A linear-regression benchmark (each
        indicator on every exogenous item) and the training mean (Q²_predict)
        are the yardsticks. Returns a :class:`PLSPrediction`.
        """
        if self._data is None:
            raise _invalid("this fit does not hold its data: fit the model again")
        approach = as_choice(approach, _APPROACHES, "approach")
        handle = core.pls_predict(self.model._handle, self._data, *self._settings,
                                  as_count(k, "k"), as_count(repetitions, "repetitions"),
                                  as_seed(seed), _APPROACHES[approach],
                                  as_count(threads, "threads"))
        return PLSPrediction(self.model, handle)

    def importance_performance(self, target: Optional[str] = None) -> pd.DataFrame:
        """Drivers of ``target`` (default: the model's target) by importance and performance.

        Importance is the total effect in index points per index point of the
        driver; performance is the driver's 0–100 index (Ringle & Sarstedt
        2016). Quadrants split at the mean importance and performance
        (Martilla & James 1977). Sorted by importance.
        """
        import pandas as pd
        target = target or self.model.target
        if target is None:
            raise _invalid("the model has no target: pass target=")
        self._construct(target, "target")
        effects = self.total_effects[target]
        drivers = [name for name in self._constructs if name != target and effects[name] != 0]
        frame = pd.DataFrame({
            "importance": self.total_effects_index.loc[drivers, target],
            "total_effect": effects[drivers],
            "performance": self.indices[drivers]}, index=pd.Index(drivers, name="driver"))
        high_i = frame["importance"] > frame["importance"].mean()
        high_p = frame["performance"] > frame["performance"].mean()
        frame["quadrant"] = [_QUADRANTS[(i, p)] for i, p in zip(high_i, high_p)]
        return frame.sort_values("importance", ascending=False)

    def scores(self, data: Any, *, rescaled: bool = False) -> pd.DataFrame:
        """Construct scores of respondents: standardized, or on the 0–100 index scale."""
        import pandas as pd
        x, index = self.model._matrix(data)
        dst = np.empty(x.shape[0] * len(self._constructs))
        core.pls_result_scores(dst, self._handle, x, int(bool(rescaled)))
        return pd.DataFrame(dst.reshape(x.shape[0], -1), columns=self._constructs, index=index)

    def value_of_driver(self, driver: str, retention: Union[RetentionModel, Tuple[float, float]],
                        *, target: Optional[str] = None, points: float = 1.0, margin: float,
                        discount: float, customers: float = 1.0,
                        prepaid: bool = False) -> ValueLink:
        """What +``points`` index points on ``driver`` are worth, per customer and for the base.

        The target's index rises by points × the driver's total effect (index
        scale); ``retention`` (a :class:`RetentionModel` fitted on the target's
        0–100 scores, or an ``(intercept, slope)`` pair) turns that into
        retention and lifetime value (see :func:`value_of_improvement`).
        """
        target = target or self.model.target
        if target is None:
            raise _invalid("the model has no target: pass target=")
        model = _retention_model(retention)
        j, t = self._construct(driver, "driver"), self._construct(target, "target")
        timing = core.CASH_START if prepaid else core.CASH_END
        return _from_struct(ValueLink, core.pls_value_of_driver(
            self._handle, j, t, as_float(points, "points"), model._struct,
            as_float(margin, "margin"), as_float(discount, "discount"), timing,
            as_float(customers, "customers")))

    def _construct(self, name: str, what: str) -> int:
        if not isinstance(name, str) or name not in self._constructs:
            from ._errors import NotFoundError
            raise NotFoundError(f"{what}: the model has no construct {name!r}")
        return self._constructs.index(name)

    def to_json(self) -> str:
        """The estimate as JSON (the format of ``cxm survey -o``)."""
        return core.pls_result_to_json(self._handle)

    def summary(self) -> str:
        """A readable report: paths, R², indices and drivers."""
        lines = [f"PLS path model: {self.info['rows']} respondents, {self.info['scheme']} scheme, "
                 f"{self.info['iterations']} iterations"]
        lines.append(self.paths.to_string(index=False))
        import pandas as pd
        lines.append(pd.concat([self.r_squared, self.indices], axis=1).to_string())
        if self.model.target:
            lines.append(self.importance_performance().to_string())
        return "\n\n".join(lines)

    def __repr__(self) -> str:
        return f"<PathModelFit {self.info}>"


_METRICS = ("rmse", "mae", "q2_predict")
_LEVELS = {"indicators": 0, "constructs": 1}
_SERIES = {"pls": 0, "lm": 1, "actual": 2}


class PLSPrediction:
    """Out-of-sample accuracy of a path model (PLSpredict), from :meth:`PathModelFit.predict`.

    :attr:`indicators` and :attr:`constructs` are the PLSpredict tables:
    ``rmse``, ``mae`` and ``q2_predict`` of the PLS predictions and, for
    indicators, of the linear benchmark (``lm_rmse``, ``lm_mae``,
    ``lm_q2_predict``). Q²_predict above 0 means the model predicts better
    than the training mean; PLS RMSE below the benchmark's on most indicators
    means the model's structure helps prediction (Shmueli et al. 2019).
    """

    def __init__(self, model: PathModel, handle: Any) -> None:
        self.model = model
        self._handle = handle
        info = core.pls_prediction_info(handle)
        #: rows, rows_dropped, folds, repetitions, approach
        self.info = {key: getattr(info, key) for key in
                     ("rows", "rows_dropped", "folds", "repetitions")}
        self.info["approach"] = [k for k, v in _APPROACHES.items() if v == info.approach][0]

    def _entries(self, level: int) -> List[int]:
        return [core.pls_prediction_index(self._handle, level, k)
                for k in range(core.pls_prediction_count(self._handle, level))]

    def _metric(self, level: int, metric: int) -> FloatArray:
        dst = np.empty(core.pls_prediction_count(self._handle, level))
        core.pls_prediction_metric(dst, self._handle, level, metric)
        return dst

    @property
    def indicators(self) -> pd.DataFrame:
        """Per indicator of an endogenous construct: PLS and linear-benchmark accuracy."""
        import pandas as pd
        indicators = self.model.indicators
        index = pd.MultiIndex.from_tuples([indicators[h] for h in self._entries(0)],
                                          names=["construct", "item"])
        frame = pd.DataFrame(index=index)
        for metric, name in enumerate(_METRICS):
            frame[name] = self._metric(0, metric)
        for metric, name in enumerate(_METRICS):
            frame["lm_" + name] = self._metric(0, metric + 3)
        return frame

    @property
    def constructs(self) -> pd.DataFrame:
        """Per endogenous construct: accuracy of its predicted score (standardized) against
        its score from its own answers."""
        import pandas as pd
        names = self.model.constructs
        frame = pd.DataFrame(index=pd.Index([names[j] for j in self._entries(1)],
                                            name="construct"))
        for metric, name in enumerate(_METRICS):
            frame[name] = self._metric(1, metric)
        return frame

    def values(self, series: str = "pls", *, level: str = "indicators") -> pd.DataFrame:
        """Per-respondent values, one row per data row (NaN for respondents left out):
        ``series`` ``"pls"`` (out-of-sample predictions, mean over the repetitions),
        ``"lm"`` (the benchmark's, indicators only) or ``"actual"``; ``level``
        ``"indicators"`` or ``"constructs"``."""
        import pandas as pd
        lv_code = _LEVELS[as_choice(level, _LEVELS, "level")]
        code = _SERIES[as_choice(series, _SERIES, "series")]
        count = core.pls_prediction_count(self._handle, lv_code)
        rows = self.info["rows"] + self.info["rows_dropped"]
        dst = np.empty(rows * count)
        core.pls_prediction_values(dst, self._handle, lv_code, code)
        if lv_code == 0:
            indicators = self.model.indicators
            columns = pd.MultiIndex.from_tuples([indicators[h] for h in self._entries(0)],
                                                names=["construct", "item"])
        else:
            names = self.model.constructs
            columns = pd.Index([names[j] for j in self._entries(1)], name="construct")
        return pd.DataFrame(dst.reshape(rows, count), columns=columns)

    @property
    def folds(self) -> NDArray[np.int64]:
        """The fold (0..k−1) of every data row in every repetition (rows × repetitions),
        −1 for respondents left out."""
        rows = self.info["rows"] + self.info["rows_dropped"]
        dst = np.empty(rows * self.info["repetitions"])
        core.pls_prediction_folds(dst, self._handle)
        return dst.reshape(rows, -1).astype(np.int64)

    def to_json(self) -> str:
        """The accuracy tables as JSON (the format of ``cxm survey --predict``)."""
        return core.pls_prediction_to_json(self._handle)

    def __repr__(self) -> str:
        return f"<PLSPrediction {self.info}>"
