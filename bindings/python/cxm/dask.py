"""libcxm past one machine: the summary, every BTYD fit, predictions and
Markov attribution on Dask DataFrames.

Dask moves the data; libcxm's C library does the work on every row, through
its chunked API (``include/cxm/chunk.h``, ``docs/chunked.md``)::

    import dask.dataframe as dd
    from dask.distributed import Client
    import cxm, cxm.dask as cd

    client = Client("scheduler:8786")                # or a LocalCluster
    log = dd.read_parquet("transactions/")           # customer, date, amount
    summary = cd.summary_data_from_transaction_data(log, "customer", "date", "amount")
    summary = summary.persist()
    bgf = cd.fit(cxm.BetaGeoFitter(), summary)        # the optimiser runs here
    ggf = cd.fit(cxm.GammaGammaFitter(), summary[summary.frequency > 0])
    alive = cd.conditional_probability_alive(bgf, summary)          # a dask Series
    clv = cd.customer_lifetime_value(ggf, bgf, summary, time=12, freq="D")

- :func:`summary_data_from_transaction_data` and
  :func:`calibration_and_holdout_data`: each partition of the log is reduced
  to one row per (customer, time unit); the rows are shuffled by a hash of
  the customer (no sort of the log); each partition then summarises whole
  customers. The result equals ``cxm.summary_data_from_transaction_data`` on
  the whole log (amounts summed in another order aside), customers hashed to
  partitions, each partition sorted by customer.
- :func:`fit`: the engine's Newton iteration runs on the client (the same C
  code as ``fitter.fit``, on the same scales, with the same stopping rule and
  covariance) and asks the workers for the likelihood, gradient and Hessian
  of their partitions at each step: one pass over the data per step, a few
  hundred bytes back per partition. The estimates equal the fit in one piece
  up to the order of the additions. Static covariates are columns of the
  summary (``purchase_covariates=["web"]``, ...), fitted as ``fitter.fit``
  fits them.
- Predictions (:func:`conditional_probability_alive`, ...): ``map_partitions``
  with the fitted model shipped as its JSON; results are dask Series indexed
  like the summary. A model fitted with covariates predicts each customer
  with the covariates in the summary's columns.
- :func:`markov_attribution`, :func:`transition_matrix`: transition counts
  per partition, merged in partition order, solved exactly on the client.

Any scheduler works (a distributed Client when one is active, else Dask's
default); nothing here starts or manages a cluster.
"""

from __future__ import annotations

import math
import time
from typing import (TYPE_CHECKING, Any, Callable, Dict, Hashable, List, Optional, Sequence, Tuple,
                    Type, Union)

import numpy as np

import dask
import dask.dataframe as dd
from dask import delayed

from . import core
from ._arrays import as_float, as_float_array, customers_named
from ._errors import InvalidArgumentError
from .btyd import _Fitter, _FITTERS, _MONTH, _PurchaseFitter
from .journey import _frame
from .rfm import _days, _time, _unit
from ._arrays import FloatArray

if TYPE_CHECKING:
    import pandas as pd

# A fitter, a fitter class or a model kind's name ("bgnbd", "pareto-nbd", ...).
Model = Union[_Fitter, Type[_Fitter], str]

__all__ = ["summary_data_from_transaction_data", "calibration_and_holdout_data", "fit",
           "conditional_probability_alive", "conditional_expected_number_of_purchases_up_to_time",
           "predict", "discounted_expected_residual_transactions",
           "conditional_expected_average_profit", "customer_lifetime_value",
           "markov_attribution", "transition_matrix"]

# lifetimes' names of the kinds' columns (others keep the kind's own name).
_LIFETIMES = {"x": "frequency", "t_x": "recency", "T": "T", "mean_spend": "monetary_value"}


def _pandas() -> Any:
    import pandas as pd
    return pd


# ------------------------------------------------------------------ models

def _fitter_class(kind: int) -> Type[_Fitter]:
    """The Python class of a kind, or a plain fitter for kinds without one."""
    if kind in _FITTERS:
        return _FITTERS[kind]
    model = core.model_create(kind)
    names = tuple(core.model_param_name(model, i) for i in range(core.model_param_count(model)))
    title = "".join(part.capitalize() for part in core.model_kind_name(kind).split("-"))
    return type(f"{title}Fitter", (_Fitter,), {"_kind": kind, "_names": names,
                                                "_public_names": names})


def _as_fitter(model: Model) -> _Fitter:
    """A fitter from a fitter, a fitter class or a kind name ("bgnbd", "pareto-nbd", ...)."""
    if isinstance(model, _Fitter):
        return model
    if isinstance(model, type) and issubclass(model, _Fitter):
        return model()
    if isinstance(model, str):
        kind = core.model_get_kind(core.model_create_named(model))
        return _fitter_class(kind)()
    raise InvalidArgumentError(f"model must be a cxm fitter (e.g. cxm.BetaGeoFitter()), a fitter "
                               f"class or a model name such as 'bgnbd', got {model!r}")


def _column_names(model_handle: Any, columns: Optional[Sequence[str]]) -> List[str]:
    """The summary's columns for the kind's data columns, in the kind's order."""
    count = core.model_column_count(model_handle)
    kind_names = [core.model_column_name(model_handle, i) for i in range(count)]
    if columns is None:
        return [_LIFETIMES.get(name, name) for name in kind_names]
    columns = list(columns)
    if len(columns) != count:
        raise InvalidArgumentError(f"the {core.model_kind_name(core.model_get_kind(model_handle))} "
                                   f"model needs {count} columns ({', '.join(kind_names)}), "
                                   f"got {len(columns)}")
    return columns


def _check_columns(frame: Any, names: Sequence[str]) -> None:
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise InvalidArgumentError(f"no column {missing[0]!r} in the summary "
                                   f"({', '.join(map(str, frame.columns))}); give columns=")


def _aligned(array: Any) -> FloatArray:
    """Contiguous, aligned doubles: arrays that travelled between processes may sit at any
    byte offset of a buffer (pickle protocol 5), and C reads doubles at 8-byte boundaries."""
    return np.require(array, dtype=np.float64, requirements=["C", "A"])


def _arrays(frame: Any, names: Sequence[Hashable]) -> List[FloatArray]:
    return [_aligned(frame[c].to_numpy(dtype=np.float64)) for c in names]


# Workers keep a few models, keyed by what built them.
_CACHE: Dict[Tuple[Any, ...], Any] = {}


def _cached(key: Tuple[Any, ...], build: Callable[[], Any]) -> Any:
    value = _CACHE.get(key)
    if value is None:
        if len(_CACHE) > 32:
            _CACHE.clear()
        value = _CACHE[key] = build()
    return value


def _fitter_from_json(text: str) -> Any:  # the fitter class of the model's kind
    def build() -> _Fitter:
        model = core.model_from_json(text)
        fitter = _fitter_class(core.model_get_kind(model))()
        fitter._model = model
        return fitter
    return _cached(("json", text), build)


def _kind_model(kind: int, threads: int) -> Any:
    def build() -> Any:
        model = core.model_create(kind)
        core.model_set_threads(model, threads)
        return model
    return _cached(("kind", kind, threads), build)


# Covariates of a fit: the summary's purchase and dropout covariate columns, in the
# order the model takes them, and those whose two effects are one.
Covariates = Tuple[Tuple[str, ...], Tuple[str, ...], Tuple[str, ...]]


def _covariate_model(kind: int, covariates: Covariates, threads: int) -> Any:
    """A model of the kind with these covariates (its chunks' likelihood needs them)."""
    def build() -> Any:
        model = core.model_create(kind)
        core.model_set_covariates(model, list(covariates[0]), list(covariates[1]))
        if covariates[2]:
            core.model_share_covariates(model, list(covariates[2]))
        core.model_set_threads(model, threads)
        return model
    return _cached(("covariates", kind, covariates, threads), build)


def _matrix(frame: pd.DataFrame, names: Sequence[str]) -> FloatArray:
    """The covariate columns ``names`` of a partition as one row-major array (empty for
    none). Text is refused here, naming the column; the library names a covariate that is
    not a finite number, and its customer."""
    if not names:
        return np.empty(0)
    columns = [as_float_array(frame[name], name) for name in names]
    return _aligned(np.column_stack(columns).reshape(-1))


# ------------------------------------------------------------------ fitting (worker side)

def _chunk_loglik(frame: pd.DataFrame, kind: int, names: Sequence[str], weights: Optional[str],
                  params: FloatArray, order: int, threads: int,
                  covariates: Optional[Covariates] = None) -> FloatArray:
    """Chunk results of one partition (runs on a worker)."""
    params = _aligned(params)
    w = _arrays(frame, [weights])[0] if weights is not None else np.empty(0)
    if covariates is None:
        model = _kind_model(kind, threads)
        cols = _arrays(frame, names) + [np.empty(0)] * (4 - len(names))
        dst = np.empty(core.model_chunk_size(model))
        core.model_chunk_loglik(model, dst, params, int(order), *cols, w)
        return dst
    model = _covariate_model(kind, covariates, threads)
    dst = np.empty(core.model_chunk_size(model))
    with customers_named(frame[names[0]]):
        core.model_chunk_loglik_covariates(
            model, dst, params, int(order), *_arrays(frame, names),
            _matrix(frame, covariates[0]), _matrix(frame, covariates[1]), w)
    return dst


def _sample(frame: pd.DataFrame, first: int, stride: int) -> pd.DataFrame:
    """Every stride-th row of a partition whose first row has global position ``first``."""
    skip = (-first) % stride
    return frame.iloc[skip::stride]


def _names_of(value: Union[None, str, Sequence[str]], what: str) -> Tuple[str, ...]:
    """Column names given as one name, a sequence of names or None (none)."""
    if value is None:
        return ()
    names = (value,) if isinstance(value, str) else tuple(value)
    for name in names:
        if not isinstance(name, str):
            raise InvalidArgumentError(f"{what} must be column names of the summary, got "
                                       f"{name!r}")
    return names


def _fit_covariates(fitter: _Fitter, purchase_covariates: Union[None, str, Sequence[str]],
                    dropout_covariates: Union[None, str, Sequence[str]],
                    purchase_penalty: float, dropout_penalty: float,
                    shared_covariates: Sequence[str]) -> Optional[Covariates]:
    """Give the fitter's model the covariates of a fit, as ``fitter.fit`` does (None for
    a fit without)."""
    purchase = _names_of(purchase_covariates, "purchase_covariates")
    dropout = _names_of(dropout_covariates, "dropout_covariates")
    shared = _names_of(shared_covariates, "shared_covariates")
    if isinstance(fitter, _PurchaseFitter):
        fitter._before_fit()  # ParetoNBDFitter's use_cor chooses the model
    handle = fitter._model
    if not purchase and not dropout:
        if purchase_penalty or dropout_penalty or shared:
            raise InvalidArgumentError("purchase_penalty, dropout_penalty and shared_covariates "
                                       "concern covariate effects: give purchase_covariates or "
                                       "dropout_covariates")
        if sum(core.model_covariate_count(handle)):
            core.model_set_covariates(handle, [], [])
        return None
    core.model_set_covariates(handle, list(purchase), list(dropout))  # refused by other kinds
    if shared:
        core.model_share_covariates(handle, list(shared))
    return purchase, dropout, shared


def _start(handle: Any, sample: pd.DataFrame, names: Sequence[str], weights: Optional[str],
           covariates: Optional[Covariates], penalties: Tuple[float, float, float]) -> FloatArray:
    """Where the fit of the sampled rows would start (on the client)."""
    w = _arrays(sample, [weights])[0] if weights is not None else np.empty(0)
    start = np.empty(core.model_param_count(handle))
    if covariates is None:
        cols = _arrays(sample, names) + [np.empty(0)] * (4 - len(names))
        core.model_start(handle, start, *cols, w, penalties[0], 0, 0)
        return start
    with customers_named(sample[names[0]]):
        core.model_start_covariates(handle, start, *_arrays(sample, names),
                                    _matrix(sample, covariates[0]),
                                    _matrix(sample, covariates[1]), w, *penalties, 0, 0)
    return start


def fit(model: Model, summary: Any, columns: Optional[Sequence[str]] = None,
        weights: Optional[str] = None, *,
        purchase_covariates: Union[None, str, Sequence[str]] = None,
        dropout_covariates: Union[None, str, Sequence[str]] = None,
        purchase_penalty: float = 0.0, dropout_penalty: float = 0.0,
        shared_covariates: Sequence[str] = (), tol: Optional[float] = None,
        max_iterations: Optional[int] = None, sample_size: int = 200_000, persist: bool = True,
        threads: int = 1, verbose: bool = False) -> _Fitter:
    """Fit a BTYD model by maximum likelihood on a dask DataFrame of summaries.

    ``model`` is a fitter (``cxm.BetaGeoFitter(penalizer_coef=0.01)``, which is
    fitted and returned), a fitter class, or a model name (``"bgnbd"``,
    ``"mbgnbd"``, ``"gg"``, and the kinds libcxm adds). ``columns`` are the
    summary's columns for the kind's data, by default lifetimes' names
    (``frequency``, ``recency``, ``T``; ``frequency``, ``monetary_value`` for
    Gamma-Gamma; other kinds' own column names); ``weights`` a column of
    customers per row.

    ``purchase_covariates`` and ``dropout_covariates`` name columns of the summary
    holding static covariates (numbers; BG/NBD, MBG/NBD and Pareto/NBD), and
    ``purchase_penalty``, ``dropout_penalty`` and ``shared_covariates`` are as for
    ``fitter.fit``: the fit is the fitter's covariate fit, with the effects in
    ``params_`` as ``purchase.<column>`` and ``dropout.<column>``.

    The starting point comes from all the rows when there are at most
    ``sample_size`` (so that the fit starts where ``fitter.fit`` does), else
    from an evenly spaced sample of that many (in which, with covariates,
    every covariate must vary). Each Newton step is one pass
    over the partitions, summed on the client in partition order; with
    ``persist`` the summary is kept in the workers' memory between passes.
    ``threads`` is the C threads per partition (1: Dask's workers already
    run in parallel). ``tol`` and ``max_iterations`` are as for
    ``fitter.fit``; ``fit_report_`` counts the passes, and ``dask_report_``
    gives the partitions, rows, sample rows, the seconds spent finding the
    start and each pass's seconds.
    """
    fitter = _as_fitter(model)
    if not isinstance(summary, dd.DataFrame):
        raise InvalidArgumentError("summary must be a dask DataFrame (for pandas, use the "
                                   "fitter's own fit method)")
    penalties = (float(fitter.penalizer_coef),
                 as_float(purchase_penalty, "purchase_penalty", minimum=0),
                 as_float(dropout_penalty, "dropout_penalty", minimum=0))
    covariates = _fit_covariates(fitter, purchase_covariates, dropout_covariates,
                                 penalties[1], penalties[2], shared_covariates)
    handle = fitter._model
    kind = core.model_get_kind(handle)
    names = _column_names(handle, columns)
    extra = ([weights] if weights is not None else []) + \
        (list(covariates[0] + covariates[1]) if covariates else [])
    _check_columns(summary, names + extra)
    if len(names) > 4:
        raise InvalidArgumentError("cxm.dask fits models of at most 4 data columns")
    used = list(dict.fromkeys(names + extra))  # each column once, in order
    frame = summary[used]
    if persist:
        frame = frame.persist()
    parts = frame.to_delayed()

    # The start: from every row of a small summary, else from a sample.
    clock = time.perf_counter()
    lengths = [int(n) for n in dask.compute(*[delayed(len)(p) for p in parts])]
    total = sum(lengths)
    if total == 0:
        raise InvalidArgumentError("the summary has no rows")
    stride = max(1, math.ceil(total / max(1, int(sample_size))))
    firsts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    pieces = dask.compute(*[delayed(_sample)(p, int(f), stride) for p, f in zip(parts, firsts)])
    sample = _pandas().concat(pieces)
    start = _start(handle, sample, names, weights, covariates, penalties)
    report: Dict[str, Any] = {"partitions": len(parts), "rows": total, "sample_rows": len(sample),
              "start_seconds": time.perf_counter() - clock, "pass_seconds": []}

    size = core.model_chunk_size(handle)

    def evaluate(params: FloatArray, order: int) -> FloatArray:
        clock = time.perf_counter()
        params = np.array(params)  # a copy the tasks own
        tasks = [delayed(_chunk_loglik, pure=True)(p, kind, names, weights, params, order, threads,
                                                   covariates)
                 for p in parts]
        sums = np.zeros(size)
        for part in dask.compute(*tasks):
            sums += part
        report["pass_seconds"].append(time.perf_counter() - clock)
        return sums

    fitter.dask_report_ = report  # type: ignore[attr-defined]  # a cxm.dask fit's own
    core.model_fit_chunked(handle, evaluate, start, penalties[0], int(max_iterations or 0),
                           float(tol) if tol is not None else 0.0, 0, penalties[1], penalties[2])
    if verbose:
        print(core.model_fit_message(handle))
    return fitter


# ------------------------------------------------------------------ predictions

# Purchase and dropout covariate columns of a prediction (a model fitted with covariates).
PredictCovariates = Tuple[Tuple[str, ...], Tuple[str, ...]]


def _customer_covariates(frame: pd.DataFrame,
                         covariates: Optional[PredictCovariates]) -> Dict[str, Any]:
    """The fitters' purchase_covariates and dropout_covariates keywords for the rows of a
    partition: n × k arrays, checked here so that a missing value names its customer and
    column."""
    if covariates is None:
        return {}
    out: Dict[str, Any] = {}
    for key, names in zip(("purchase_covariates", "dropout_covariates"), covariates):
        if names:
            columns = [as_float_array(frame[name], name, finite=True) for name in names]
            out[key] = np.column_stack(columns)
    return out


def _predict_partition(frame: pd.DataFrame, text: str, what: str, names: Sequence[str],
                       args: Sequence[Any],
                       covariates: Optional[PredictCovariates] = None) -> pd.Series:
    fitter = _fitter_from_json(text)
    arrays = _arrays(frame, names)
    by = _customer_covariates(frame, covariates)
    if by and len(frame) == 0:
        values = np.empty(0)
    elif what == "p_alive":
        values = fitter.conditional_probability_alive(*arrays, **by)
    elif what == "conditional":
        values = fitter.conditional_expected_number_of_purchases_up_to_time(args[0], *arrays,
                                                                            **by)
    elif what == "dert":
        values = fitter.discounted_expected_residual_transactions(*arrays, args[0], **by)
    elif what == "spend":
        values = fitter.conditional_expected_average_profit(*arrays)
    else:  # "clv": args = (transaction model JSON, time, discount, freq, period, margin)
        transactions = _fitter_from_json(args[0])
        values = fitter.customer_lifetime_value(transactions, *arrays, time=args[1],
                                                discount_rate=args[2], freq=args[3],
                                                period=args[4], margin=args[5], **by)
    values = np.broadcast_to(np.asarray(values, dtype=np.float64), (len(frame),))
    return _pandas().Series(values, index=frame.index, name=what)


def _prediction_covariates(model: _Fitter, purchase: Union[None, str, Sequence[str]],
                           dropout: Union[None, str, Sequence[str]]
                           ) -> Optional[PredictCovariates]:
    """The summary's columns for a model's covariates: by default the covariates' own
    names, else those given, one per covariate in the fit's order. None without."""
    handle = model._model
    counts = [int(k) for k in core.model_covariate_count(handle)]
    if not any(counts):
        if _names_of(purchase, "purchase_covariates") or _names_of(dropout, "dropout_covariates"):
            raise InvalidArgumentError("the model was fitted without covariates: give no "
                                       "purchase_covariates or dropout_covariates")
        return None
    result = []
    for set_, (given, what) in enumerate(((purchase, "purchase_covariates"),
                                          (dropout, "dropout_covariates"))):
        own = tuple(core.model_covariate_name(handle, set_, i) for i in range(counts[set_]))
        names = _names_of(given, what) if given is not None else own
        if len(names) != len(own):
            raise InvalidArgumentError(f"{what}: the model takes {len(own)} ({', '.join(own)}), "
                                       f"got {len(names)} columns")
        result.append(names)
    return result[0], result[1]


def _map(fitter: _Fitter, summary: Any, names: Sequence[str], what: str, name: str,
         args: Sequence[Any] = (), covariates: Optional[PredictCovariates] = None) -> Any:
    if not isinstance(summary, dd.DataFrame):
        raise InvalidArgumentError("summary must be a dask DataFrame")
    used = list(names) + (list(covariates[0] + covariates[1]) if covariates else [])
    _check_columns(summary, used)
    fitter._require_params()
    text = fitter.to_json()
    meta = _pandas().Series([], dtype=np.float64, name=name,
                            index=summary._meta.index[:0])
    return summary[list(dict.fromkeys(used))].map_partitions(
        _predict_partition, text, what, names, args, covariates, meta=meta).rename(name)


def _purchase_names(columns: Optional[Sequence[str]]) -> List[str]:
    return list(columns) if columns is not None else ["frequency", "recency", "T"]


def _purchase_map(model: _Fitter, summary: Any, columns: Optional[Sequence[str]], what: str,
                  name: str, args: Sequence[Any], purchase: Union[None, str, Sequence[str]],
                  dropout: Union[None, str, Sequence[str]]) -> Any:
    """_map for a purchase model's prediction, with its customers' covariates."""
    model._require_params()
    return _map(model, summary, _purchase_names(columns), what, name, args,
                _prediction_covariates(model, purchase, dropout))


def conditional_probability_alive(model: _Fitter, summary: Any,
                                  columns: Optional[Sequence[str]] = None, *,
                                  purchase_covariates: Union[None, str, Sequence[str]] = None,
                                  dropout_covariates: Union[None, str, Sequence[str]] = None
                                  ) -> Any:
    """P(alive) of every customer of a dask summary: a dask Series named ``p_alive``.

    A model fitted with covariates predicts each customer with the parameters of the
    customer's covariates, read from the summary's columns of the covariates' names
    (``purchase_covariates`` and ``dropout_covariates`` name other columns, one per
    covariate in the fit's order)."""
    return _purchase_map(model, summary, columns, "p_alive", "p_alive", (),
                         purchase_covariates, dropout_covariates)


def conditional_expected_number_of_purchases_up_to_time(
        model: _Fitter, t: float, summary: Any, columns: Optional[Sequence[str]] = None, *,
        purchase_covariates: Union[None, str, Sequence[str]] = None,
        dropout_covariates: Union[None, str, Sequence[str]] = None) -> Any:
    """E[Y(t) | frequency, recency, T] for every customer: a dask Series
    ``predicted_purchases``. ``t`` is one number (the same horizon for all). Covariates
    as for :func:`conditional_probability_alive`."""
    return _purchase_map(model, summary, columns, "conditional", "predicted_purchases",
                         (float(t),), purchase_covariates, dropout_covariates)


def predict(model: _Fitter, t: float, summary: Any, columns: Optional[Sequence[str]] = None, *,
            purchase_covariates: Union[None, str, Sequence[str]] = None,
            dropout_covariates: Union[None, str, Sequence[str]] = None) -> Any:
    """lifetimes' alias of :func:`conditional_expected_number_of_purchases_up_to_time`."""
    return conditional_expected_number_of_purchases_up_to_time(
        model, t, summary, columns, purchase_covariates=purchase_covariates,
        dropout_covariates=dropout_covariates)


def discounted_expected_residual_transactions(
        model: _Fitter, summary: Any, discount_rate: float,
        columns: Optional[Sequence[str]] = None, *,
        purchase_covariates: Union[None, str, Sequence[str]] = None,
        dropout_covariates: Union[None, str, Sequence[str]] = None) -> Any:
    """DERT of every customer (see the fitters' method): a dask Series ``dert``. Covariates
    as for :func:`conditional_probability_alive`."""
    return _purchase_map(model, summary, columns, "dert", "dert", (float(discount_rate),),
                         purchase_covariates, dropout_covariates)


def conditional_expected_average_profit(model: _Fitter, summary: Any,
                                        columns: Optional[Sequence[str]] = None) -> Any:
    """Gamma-Gamma E[M | frequency, monetary_value] of every customer: a dask Series
    ``expected_average_profit``."""
    names = list(columns) if columns is not None else ["frequency", "monetary_value"]
    return _map(model, summary, names, "spend", "expected_average_profit")


def customer_lifetime_value(model: _Fitter, transaction_prediction_model: _Fitter, summary: Any,
                            time: int = 12, discount_rate: float = 0.01, freq: str = "D",
                            period: Optional[float] = None, margin: float = 1.0,
                            columns: Optional[Sequence[str]] = None, *,
                            purchase_covariates: Union[None, str, Sequence[str]] = None,
                            dropout_covariates: Union[None, str, Sequence[str]] = None) -> Any:
    """Lifetime value of every customer (as ``GammaGammaFitter.customer_lifetime_value``):
    ``model`` a fitted Gamma-Gamma model, ``transaction_prediction_model`` a fitted
    purchase model, ``columns`` frequency, recency, T and monetary_value. A dask
    Series ``clv``. A purchase model fitted with covariates takes each customer's, as
    :func:`conditional_probability_alive` says."""
    names = list(columns) if columns is not None else ["frequency", "recency", "T",
                                                       "monetary_value"]
    if period is None and freq not in _MONTH:
        raise InvalidArgumentError(f"freq {freq!r} is not one of {sorted(_MONTH)}: give the "
                                   "period length in the model's time unit with period=")
    transaction_prediction_model._require_params()
    covariates = _prediction_covariates(transaction_prediction_model, purchase_covariates,
                                        dropout_covariates)
    args = (transaction_prediction_model.to_json(), int(time), float(discount_rate), freq,
            None if period is None else float(period), float(margin))
    return _map(model, summary, names, "clv", "clv", args, covariates)


# ------------------------------------------------------------------ the summary

def _reduce_partition(frame: pd.DataFrame, customer: Hashable, when: Hashable,
                      amount: Optional[Hashable], datetime_format: Optional[str],
                      unit: Tuple[float, int, float]) -> pd.DataFrame:
    """One row per (customer, unit) of a partition of the log (runs on a worker)."""
    pd = _pandas()
    codes, uniques = pd.factorize(frame[customer], sort=False)
    if len(codes) and codes.min() < 0:
        raise InvalidArgumentError(f"{customer} is missing in a row")
    column = frame[when]
    if not pd.api.types.is_datetime64_any_dtype(column):
        try:
            column = pd.to_datetime(column, format=datetime_format)
        except (TypeError, ValueError) as exc:
            raise InvalidArgumentError(f"{when}: {exc}") from None
    days = _aligned(_days(column, when))
    n = len(frame)
    amounts = (_aligned(frame[amount].to_numpy(dtype=np.float64))
               if amount is not None else np.empty(0))
    codes_out = np.empty(n, dtype=np.int64)
    times_out = np.empty(n)
    amounts_out = np.empty(n if amount is not None else 0)
    count = int(core.rfm_reduce(codes_out, times_out, amounts_out,
                                np.require(codes, dtype=np.int64, requirements=["C", "A"]), days, amounts,
                                amount is not None, *unit))
    out = {customer: uniques.take(codes_out[:count]), "_time": times_out[:count]}
    if amount is not None:
        out["_amount"] = amounts_out[:count]
    return pd.DataFrame(out)


def _summarise_partition(frame: pd.DataFrame, customer: Hashable, has_amount: bool,
                         options: Tuple[Any, ...], last: float) -> pd.DataFrame:
    """The summary of whole customers (runs on a worker). ``last`` is the latest
    time of the whole log (for the default observation end)."""
    pd = _pandas()
    unit_days, unit_months, origin, scale, cal, obs, include_first = options
    holdout = not math.isnan(cal)
    if math.isnan(obs):
        obs = float(last)
    names = ["frequency", "recency", "T"] + (["monetary_value"] if has_amount else [])
    if holdout:
        names = [n + "_cal" for n in names] + ["frequency_holdout"] + \
            (["monetary_value_holdout"] if has_amount else []) + ["duration_holdout"]
    if len(frame) == 0:
        return pd.DataFrame({n: np.empty(0) for n in names},
                            index=pd.Index(frame[customer].iloc[:0], name=customer))
    codes, uniques = pd.factorize(frame[customer], sort=False)
    times = _aligned(frame["_time"].to_numpy(dtype=np.float64))
    amounts = (_aligned(frame["_amount"].to_numpy(dtype=np.float64))
               if has_amount else np.empty(0))
    handle = core.rfm_from_codes(np.require(codes, dtype=np.int64, requirements=["C", "A"]), times, amounts,
                                 has_amount, unit_days, unit_months, origin, scale, cal, obs,
                                 include_first, 1)
    fields = [core.RFM_FREQUENCY, core.RFM_RECENCY, core.RFM_T] + \
        ([core.RFM_MONETARY_VALUE] if has_amount else [])
    if holdout:
        fields += [core.RFM_FREQUENCY_HOLDOUT] + \
            ([core.RFM_MONETARY_VALUE_HOLDOUT] if has_amount else []) + [core.RFM_DURATION_HOLDOUT]
    size = core.rfm_size(handle)
    data = {}
    for name, field in zip(names, fields):
        dst = np.empty(size)
        core.rfm_column(dst, handle, field)
        data[name] = dst
    ids = np.empty(size, dtype=np.int64)
    core.rfm_codes(ids, handle)
    result = pd.DataFrame(data, index=pd.Index(uniques.take(ids), name=customer))
    try:
        result = result.sort_index()
    except TypeError:
        pass
    return result


def _check_holdout(last: float, options: Tuple[Any, ...]) -> None:
    """The whole log's check that a holdout period without an observation end is not
    empty: the C summary of its last purchase says so when it is."""
    unit_days, unit_months, origin, scale, cal, obs, include_first = options
    if math.isnan(cal) or not math.isnan(obs) or last is None or math.isnan(last):
        return
    core.rfm_from_codes(np.zeros(1, dtype=np.int64), np.array([float(last)]), np.empty(0), False,
                        unit_days, unit_months, origin, scale, cal, obs, include_first, 1)


def _summary(transactions: Any, customer_id_col: Hashable, datetime_col: Hashable,
             monetary_value_col: Optional[Hashable], datetime_format: Optional[str],
             calibration_period_end: Any, observation_period_end: Any, freq: str,
             freq_multiplier: float, include_first_transaction: bool,
             npartitions: Optional[int], shuffle: Optional[str]) -> Any:
    pd = _pandas()
    if not isinstance(transactions, dd.DataFrame):
        raise InvalidArgumentError("transactions must be a dask DataFrame (for pandas, use "
                                   "cxm.summary_data_from_transaction_data)")
    for col in (customer_id_col, datetime_col, monetary_value_col):
        if col is not None and col not in transactions.columns:
            raise InvalidArgumentError(f"no column {col!r} in the transactions "
                                       f"({', '.join(map(str, transactions.columns))})")
    unit = _unit(freq)
    try:
        scale = float(freq_multiplier)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"freq_multiplier must be a number, got {freq_multiplier!r}") \
            from None
    options = (unit[0], unit[1], unit[2], scale,
               _time(calibration_period_end, datetime_format, "calibration_period_end"),
               _time(observation_period_end, datetime_format, "observation_period_end"),
               1 if include_first_transaction else 0)
    columns = [customer_id_col, datetime_col] + ([monetary_value_col] if monetary_value_col else [])
    meta_in = transactions._meta[columns]
    meta_reduced = pd.DataFrame({customer_id_col: meta_in[customer_id_col].iloc[:0],
                                 "_time": np.empty(0),
                                 **({"_amount": np.empty(0)} if monetary_value_col else {})})
    reduced = transactions[columns].map_partitions(
        _reduce_partition, customer_id_col, datetime_col, monetary_value_col, datetime_format,
        unit, meta=meta_reduced)
    # The latest time of the log, for the default observation end (a dask scalar: it
    # and the shuffle share the reduced partitions in one graph).
    last = reduced["_time"].max() if math.isnan(options[5]) else float("nan")
    hashed = reduced.shuffle(customer_id_col, npartitions=npartitions or reduced.npartitions,
                             shuffle=shuffle)
    meta = _summarise_partition(meta_reduced, customer_id_col, monetary_value_col is not None,
                                options, 0.0)
    if math.isnan(options[5]) and not math.isnan(options[4]):
        last = delayed(_checked_last)(last, options)
    return hashed.map_partitions(_summarise_partition, customer_id_col,
                                 monetary_value_col is not None, options, last, meta=meta)


def _checked_last(last: float, options: Tuple[Any, ...]) -> float:
    _check_holdout(last, options)
    return last


def summary_data_from_transaction_data(transactions: Any, customer_id_col: Hashable,
                                       datetime_col: Hashable,
                                       monetary_value_col: Optional[Hashable] = None,
                                       datetime_format: Optional[str] = None,
                                       observation_period_end: Any = None, freq: str = "D",
                                       freq_multiplier: float = 1,
                                       include_first_transaction: bool = False, *,
                                       npartitions: Optional[int] = None,
                                       shuffle: Optional[str] = None) -> Any:
    """lifetimes' summary (as ``cxm.summary_data_from_transaction_data``) of a dask
    DataFrame of transactions: a dask DataFrame indexed by customer id, columns
    ``frequency``, ``recency``, ``T`` [, ``monetary_value``].

    Customers are hashed to ``npartitions`` partitions (default: as many as the log
    has); each partition holds whole customers, sorted by id; the partitions' order
    is not the ids' (no global sort). ``shuffle`` is Dask's shuffle method
    (``"tasks"`` on a distributed cluster, the default there; ``"disk"`` on one
    machine). Without ``observation_period_end`` the observation ends at the log's
    last purchase, found in the same pass.
    """
    return _summary(transactions, customer_id_col, datetime_col, monetary_value_col,
                    datetime_format, None, observation_period_end, freq, freq_multiplier,
                    include_first_transaction, npartitions, shuffle)


def calibration_and_holdout_data(transactions: Any, customer_id_col: Hashable,
                                 datetime_col: Hashable, calibration_period_end: Any,
                                 observation_period_end: Any = None, freq: str = "D",
                                 freq_multiplier: float = 1, datetime_format: Optional[str] = None,
                                 monetary_value_col: Optional[Hashable] = None,
                                 include_first_transaction: bool = False, *,
                                 npartitions: Optional[int] = None,
                                 shuffle: Optional[str] = None) -> Any:
    """lifetimes' calibration/holdout summary (as ``cxm.calibration_and_holdout_data``)
    of a dask DataFrame of transactions; partitions as
    :func:`summary_data_from_transaction_data`."""
    if calibration_period_end is None:
        raise InvalidArgumentError("calibration_period_end is required")
    return _summary(transactions, customer_id_col, datetime_col, monetary_value_col,
                    datetime_format, calibration_period_end, observation_period_end, freq,
                    freq_multiplier, include_first_transaction, npartitions, shuffle)


# ------------------------------------------------------------------ attribution

def _count_paths(frame: pd.DataFrame, path: str, conversions: str, nulls: Optional[str],
                 values: Optional[str], separator: str, options: Tuple[Any, ...]) -> bytes:
    """Transition counts of one partition's paths, as bytes (runs on a worker)."""
    handle = core.paths_create(separator)
    missing = frame[path].isna().to_numpy()
    if missing.any():
        raise InvalidArgumentError(f"{path} is missing in row {frame.index[missing.argmax()]!r}")
    texts = [str(p) for p in frame[path].tolist()]
    conv = _aligned(frame[conversions].to_numpy(dtype=np.float64))
    null = (_aligned(frame[nulls].to_numpy(dtype=np.float64))
            if nulls is not None else np.empty(0))
    value = (_aligned(frame[values].to_numpy(dtype=np.float64))
             if values is not None else np.empty(0))
    if texts:
        core.paths_add_many(handle, texts, conv, null, value)
    return core.markov_counts_save(core.markov_counts_create(handle, *options))


def _merge_counts(*blobs: bytes) -> bytes:
    """Counts of consecutive partitions merged in their order, as bytes."""
    merged = core.markov_counts_load(blobs[0])
    for blob in blobs[1:]:
        core.markov_counts_merge(merged, core.markov_counts_load(blob))
    return core.markov_counts_save(merged)


def _counts(paths: Any, path: str, conversions: str, nulls: Optional[str], values: Optional[str],
            order: int, self_loops: bool, separator: str, split_every: int) -> Any:
    if not isinstance(paths, dd.DataFrame):
        raise InvalidArgumentError("paths must be a dask DataFrame (for pandas, use "
                                   "cxm.journey.markov_attribution)")
    names = [c for c in (path, conversions, nulls, values) if c is not None]
    missing = [c for c in names if c not in paths.columns]
    if missing:
        raise InvalidArgumentError(f"no column {missing[0]!r} in the paths "
                                   f"({', '.join(map(str, paths.columns))})")
    options = (int(order), 1 if nulls is not None else 0, 1 if self_loops else 0)
    tasks = [delayed(_count_paths)(p, path, conversions, nulls, values, separator, options)
             for p in paths[names].to_delayed()]
    every = max(2, int(split_every))
    while len(tasks) > 1:
        tasks = [delayed(_merge_counts)(*tasks[i:i + every]) for i in range(0, len(tasks), every)]
    return core.markov_counts_load(tasks[0].compute())


def markov_attribution(paths: Any, path: str = "path", conversions: str = "conversions",
                       nulls: Optional[str] = None, values: Optional[str] = None, order: int = 1,
                       *, self_loops: bool = False, separator: str = ">",
                       split_every: int = 8) -> pd.DataFrame:
    """Exact Markov attribution (as ``cxm.journey.markov_attribution``) of the paths
    in a dask DataFrame: columns ``path`` (strings "a > b > c"), ``conversions`` and
    optionally ``nulls`` (None: converting paths only) and ``values``.

    Each partition's transitions are counted on a worker, the counts merged
    ``split_every`` at a time in partition order, and the chain solved exactly on
    the client: the same table as for the paths in one piece, channels in the same
    order, numbers equal up to the order of additions.
    """
    counts = _counts(paths, path, conversions, nulls, values, order, self_loops, separator,
                     split_every)
    return _frame(core.attribution_markov_counts(counts))


def transition_matrix(paths: Any, path: str = "path", conversions: str = "conversions",
                      nulls: Optional[str] = None, order: int = 1, *, self_loops: bool = False,
                      wide: bool = False, separator: str = ">",
                      split_every: int = 8) -> pd.DataFrame:
    """The attribution chain's transition matrix (as ``cxm.journey.transition_matrix``)
    of the paths in a dask DataFrame."""
    counts = _counts(paths, path, conversions, nulls, None, order, self_loops, separator,
                     split_every)
    frame = _frame(core.attribution_transitions_counts(counts))
    if wide:
        matrix = frame.pivot(index="from", columns="to", values="probability").fillna(0.0)
        matrix.attrs = dict(frame.attrs)
        return matrix
    return frame
