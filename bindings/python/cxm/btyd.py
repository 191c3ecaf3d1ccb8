"""Buy-till-you-die models with lifetimes' names: switch by changing an import.

    from lifetimes import BetaGeoFitter, GammaGammaFitter    # before
    from cxm import BetaGeoFitter, GammaGammaFitter          # after

    bgf = BetaGeoFitter(penalizer_coef=0.0)
    bgf.fit(summary["frequency"], summary["recency"], summary["T"])
    bgf.summary                          # coef, se(coef), lower/upper 95% bound
    bgf.conditional_probability_alive(summary["frequency"], summary["recency"], summary["T"])
    bgf.conditional_expected_number_of_purchases_up_to_time(39, f, r, T)

The numbers come from libcxm's C engine: Newton's method with the analytic
Hessian (a fit that does not converge raises :class:`cxm.ConvergenceError`,
never returns garbage), standard errors from the observed information,
expectations without the hypergeometric function's cancellations. Inputs
are numbers, numpy arrays or pandas Series (broadcast against each other);
outputs are numpy arrays, or pandas Series indexed like a Series input.

Differences from lifetimes, on purpose:

- ``initial_params`` are the parameters themselves (r, alpha, ...), not
  their logarithms.
- ``tol`` is the largest accepted gradient component of the mean negative
  log-likelihood on the log scale (default 1e-9), not scipy's tolerance.
- The 95% bounds of ``summary`` are computed on the log scale
  (``coef * exp(±1.96 se/coef)``), so they are never negative.
- ``customer_lifetime_value`` takes the period length in the model's time
  unit (``period=``); with ``freq`` only, a month is 365.2425/12 days (not 30).
- ``save_model`` writes JSON (parameters, covariance, log-likelihood and the
  library version, and with ``save_data=True`` the fitted ``data``), not a
  pickle of the object, so ``cxm predict`` and the other languages read it
  too. ``save_generate_data_method`` and ``values_to_save`` are accepted and
  ignored (JSON holds data, not methods). ``pickle`` works as well: a fitter
  pickles as its JSON model and its other attributes.
- ``fit``'s other keywords: lifetimes passes them to scipy's minimizer as options;
  libcxm takes ``maxiter`` (its ``max_iterations``) and ``disp`` (``verbose``), and
  ParetoNBDFitter accepts (and has no use for) ``iterative_fitting`` and
  ``fit_method``. Any other keyword raises :class:`cxm.ArgumentTypeError` (a
  TypeError) naming it: a misspelt option does not fit as if it were not there.
- ``get_params``/``set_params`` have scikit-learn's meaning (constructor arguments,
  ``type(f)(**f.get_params())`` is an unfitted copy); the fitted parameters are
  ``params_``, which may also be assigned (or given to ``set_params`` by name) to
  use parameters without fitting.
- ``generate_new_data(T, seed=...)`` takes the customers' observation lengths
  and a seed (the same numbers on every platform) and returns frequency,
  recency and T (lifetimes draws T from the fitted data and also returns the
  latent lambda and p).

Beyond lifetimes: ``log_likelihood_``, ``AIC_``, ``BIC_``, ``fit_report_``,
``get_params``, ``set_params``, ``discounted_expected_residual_transactions``,
``expected_cumulative_transactions`` (the tracking curve),
``calibration_holdout`` and ``to_json``.
"""

from __future__ import annotations

import inspect
import json
import os
import tempfile
import warnings
from typing import (TYPE_CHECKING, Any, Callable, ClassVar, Dict, List, Mapping, Optional, Sequence,
                    Tuple, Union, cast)

import numpy as np
from numpy.typing import ArrayLike

from . import core
from ._arrays import (FloatArray, PathLike, Values, as_count, as_float, as_float_array, as_path,
                      as_seed, as_vector, customers_named, elementwise, same_length,
                      _pandas_index)
from ._errors import (ArgumentTypeError, InvalidArgumentError, ConvergenceError, StateError,
                      DomainError, RangeError, FileError, ParseError)

if TYPE_CHECKING:
    from typing import Self

    import pandas as pd

__all__ = ["BetaGeoFitter", "ModifiedBetaGeoFitter", "GammaGammaFitter", "load_model"]

_REASONS = {0: "not run", 1: "converged", 2: "iteration limit reached", 3: "diverged",
            4: "not finite", 5: "no progress", 6: "Hessian not positive definite"}

# Most customers generate_new_data draws in one call, and most repeat purchases it
# returns with transactions=True: beyond them the call would allocate and run for
# minutes rather than fail.
MAX_SIMULATED = 10**8

# Most periods customer_lifetime_value takes (the C interface's unsigned count).
MAX_VALUE_PERIODS = 2**32 - 1

# Length of a month in a time unit: the library's one month (CXM_DAYS_PER_MONTH, a twelfth
# of the mean Gregorian year of 365.2425 days), as cxm demo and cxm predict use it.
_MONTH = {"D": core.DAYS_PER_MONTH, "W": core.DAYS_PER_MONTH / 7, "M": 1.0,
          "H": core.DAYS_PER_MONTH * 24}


# What each named input of the models must be (as_float_array's keywords): counts are whole
# numbers >= 0, times and amounts finite numbers >= 0.
COUNT: Dict[str, Any] = {"whole": True, "minimum": 0}
NONNEGATIVE: Dict[str, Any] = {"finite": True, "minimum": 0}
_CHECKS: Dict[str, Dict[str, Any]]
_CHECKS = {"frequency": COUNT, "n": COUNT, "n_periods": COUNT, "m_periods_in_future": COUNT,
           "renewals": COUNT, "periods": {"whole": True, "minimum": 1},
           "active": NONNEGATIVE, "survivors": NONNEGATIVE, "recency": NONNEGATIVE, "T": NONNEGATIVE, "t": NONNEGATIVE,
           "monetary_value": NONNEGATIVE, "weights": NONNEGATIVE, "times": {"finite": True},
           "first_purchase": {"finite": True}, "duration_holdout": NONNEGATIVE,
           "frequency_holdout": COUNT}


def _elementwise(call: Callable[..., Any], named_inputs: Mapping[str, Any], name: str) -> Values:
    """_arrays.elementwise, with a float for all-scalar inputs (lifetimes returns numbers)."""
    result = elementwise(call, named_inputs, name, _CHECKS)
    if all(np.ndim(v) == 0 for v in named_inputs.values()) and np.ndim(result) > 0:
        return float(np.asarray(result).reshape(-1)[0])
    return result


def _elementwise_pair(call: Callable[..., Any], named_inputs: Mapping[str, Any],
                      name: str) -> Tuple[Values, Values]:
    """(lower, upper) from ``call(dst_lower, dst_upper, *inputs)``, each shaped as
    _elementwise shapes one result (float, numpy array or pandas Series)."""
    uppers = []

    def both(dst: FloatArray, *flat: FloatArray) -> None:
        upper = np.empty_like(dst)
        call(dst, upper, *flat)
        uppers.append(upper)

    lower = _elementwise(both, named_inputs, name + "_lower")
    upper = uppers[0]
    if isinstance(lower, float):
        return lower, float(upper[0])
    if hasattr(lower, "index"):
        return lower, _pandas().Series(upper, index=lower.index, name=name + "_upper")
    return lower, upper.reshape(np.shape(lower))


def _flat(value: Any, name: str, **checks: Any) -> FloatArray:
    """A 1-D float64 array, checked as _CHECKS says for ``name`` unless told otherwise."""
    return as_vector(value, name, **(checks or _CHECKS.get(name, {"finite": True})))


def _columns(*named: Tuple[Any, str]) -> list[FloatArray]:
    """(value, name) pairs as 1-D arrays of one length; the first must not be empty."""
    arrays = [_flat(value, name) for value, name in named]
    if arrays[0].size == 0:
        raise InvalidArgumentError(f"{named[0][1]} is empty: give at least one customer")
    same_length(*[(name, array) for (_, name), array in zip(named, arrays)])
    return arrays


def _covariates(value: Any, name: str, n: int) -> Tuple[List[str], FloatArray]:
    """(names, n × k matrix) of covariates given as a pandas DataFrame (its column names),
    a Series (its name), a numpy array (names x0, x1, ...) or None (no covariates)."""
    if value is None:
        return [], np.empty((n, 0))
    if hasattr(value, "columns"):
        names = [str(c) for c in value.columns]
        matrix = as_float_array(value.to_numpy(), name, finite=True)
    elif hasattr(value, "name") and hasattr(value, "index"):
        names = [str(value.name) if value.name is not None else "x0"]
        matrix = as_float_array(value.to_numpy(), name, finite=True)
    else:
        matrix = as_float_array(value, name, finite=True)
        names = [f"x{j}" for j in range(matrix.shape[1] if matrix.ndim == 2 else 1)]
    matrix = matrix.reshape(matrix.shape[0] if matrix.ndim else 1, -1)
    if matrix.shape[0] != n:
        raise InvalidArgumentError(f"{name} has {matrix.shape[0]} rows where there are {n} "
                                   "customers")
    return names, np.ascontiguousarray(matrix)


def _weights(weights: Optional[ArrayLike], n: int) -> FloatArray:
    """Optional weights: an empty array for None, else n finite numbers >= 0."""
    if weights is None:
        return np.empty(0)
    w = _flat(weights, "weights")
    if w.size != n:
        raise InvalidArgumentError(f"weights has {w.size} elements where there are {n} rows")
    return w


def _seed(seed: Optional[int]) -> int:
    """A seed for the simulators: random for None."""
    entropy = cast(int, np.random.SeedSequence().entropy)  # an int when not given one
    return entropy % (1 << 64) if seed is None else as_seed(seed)


def _pandas() -> Any:
    import pandas as pd
    return pd


def _whole_periods(time: int) -> int:
    """customer_lifetime_value's number of periods, refused beyond MAX_VALUE_PERIODS."""
    periods = as_count(time, "time")
    if periods > MAX_VALUE_PERIODS:
        raise DomainError(f"time {periods} is beyond {MAX_VALUE_PERIODS} periods, the most "
                          "customer_lifetime_value sums")
    return periods


def _simulated_size(size: int, name: str = "size") -> int:
    """A number of customers to simulate, refused beyond MAX_SIMULATED."""
    size = as_count(size, name)
    if size > MAX_SIMULATED:
        raise RangeError(f"{name} {size} is beyond {MAX_SIMULATED}, the most customers "
                         "generate_new_data draws in one call")
    return size


class _Fitter:
    """What every fitter shares: the C model, parameters, statistics, persistence."""

    _kind: ClassVar[int]                                  # core.MODEL_*
    _names: ClassVar[Tuple[str, ...]] = ()         # parameter names in libcxm's order
    _public_names: ClassVar[Tuple[str, ...]] = ()  # the names in params_ (lifetimes')

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = penalizer_coef
        self._model = core.model_create(self._kind)

    # ------------------------------------------------------------------ state
    def __repr__(self) -> str:
        cls = type(self).__name__
        state = core.model_get_state(self._model)
        if state == core.MODEL_EMPTY:
            return f"<cxm.{cls}>"
        params = ", ".join(f"{n}: {v:.2f}" for n, v in zip(self._param_names(), self._values()))
        fitted = ""
        if state == core.MODEL_FITTED:
            fitted = f" fitted with {self._report()['observations']:.0f} subjects,"
        return f"<cxm.{cls}:{fitted} {params}>"

    def _adopt(self, model: Any) -> None:
        """Use a model read from a file (load_model)."""
        self._model = model

    def _values(self) -> FloatArray:
        dst = np.empty(core.model_param_count(self._model))
        core.model_params(dst, self._model)
        return dst

    def _param_names(self) -> Tuple[str, ...]:
        """params_' names: lifetimes' for the kind's own, then the covariate effects
        ("purchase.gender", "dropout.channel") of a fit with covariates."""
        count = core.model_param_count(self._model)
        return tuple(self._public_names) + tuple(
            core.model_param_name(self._model, i) for i in range(len(self._names), count))

    def _require_params(self) -> None:
        if core.model_get_state(self._model) == core.MODEL_EMPTY:
            raise StateError(f"{type(self).__name__} has not been fitted: call fit() first, "
                             "or set the parameters with set_params()")

    def _fitted_data(self, what: str) -> pd.DataFrame:
        """The data of the last fit (lifetimes' ``data``), for methods that default to it."""
        data = getattr(self, "data", None)
        if data is None:
            raise StateError(f"{type(self).__name__} has no fitted data for {what}: call fit() "
                             "first, or give the data")
        return data

    def _report(self) -> Dict[str, Any]:
        dst = np.empty(8)
        core.model_fit_report(self._model, dst)
        keys = ("reason", "iterations", "evaluations", "gradient_norm", "log_likelihood",
                "observations", "rows", "skipped")
        report = dict(zip(keys, dst.tolist()))
        report["reason"] = _REASONS.get(int(report["reason"]), "unknown")
        report["iterations"] = int(report["iterations"])
        report["evaluations"] = int(report["evaluations"])
        report["message"] = core.model_fit_message(self._model)
        return report

    @property
    def params_(self) -> pd.Series:
        """The parameters as a pandas Series (lifetimes' names). Assign a Series, a dict or
        a sequence in this order to use given parameters instead of fitting."""
        self._require_params()
        return _pandas().Series(self._values(), index=list(self._param_names()))

    @params_.setter
    def params_(self, values: Union[Mapping[str, float], ArrayLike]) -> None:
        if isinstance(values, dict) or hasattr(values, "items"):
            self._set_model_params((), dict(values.items()))
        else:
            self._set_model_params((values,), {})

    # ------------------------------------------------------------------ scikit-learn
    @classmethod
    def _constructor_names(cls) -> list[str]:
        """The constructor's argument names, as scikit-learn reads them (no *args/**kwargs)."""
        signature = inspect.signature(cls.__init__)
        return sorted(name for name, p in signature.parameters.items()
                      if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))

    def get_params(self, deep: bool = True) -> Dict[str, Any]:
        """The constructor arguments as a dict (scikit-learn's meaning), so that
        ``type(f)(**f.get_params())`` makes an unfitted copy. The fitted parameters are
        ``params_``."""
        params: Dict[str, Any] = {}
        for name in self._constructor_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                params.update((f"{name}__{k}", v) for k, v in value.get_params().items())
            params[name] = value
        return params

    def set_params(self, *values: Any, **named: Any) -> Self:
        """Set constructor arguments (scikit-learn's meaning): ``set_params(penalizer_coef=0.1)``.

        Names that are not constructor arguments raise :class:`cxm.InvalidArgumentError` (a
        ValueError, as scikit-learn raises). Returns self.

        The model's parameters may also be given, by name or by position in ``params_``'s
        order, to use them instead of fitting: ``set_params(r=0.24, alpha=4.4, a=0.79,
        b=2.4)`` is ``f.params_ = {"r": 0.24, ...}`` and returns self.
        """
        constructor = self._constructor_names()
        fitted = set(self._public_names) | set(self._names)
        unknown = [k for k in named if k.split("__")[0] not in constructor and k not in fitted]
        if unknown:
            raise InvalidArgumentError(
                f"invalid parameter {unknown[0]!r} for {type(self).__name__}: its constructor "
                f"arguments are {', '.join(constructor)}; its model parameters "
                + ", ".join(self._public_names))
        for key in [k for k in named if k not in fitted]:
            name, _, sub = key.partition("__")
            if sub:
                getattr(self, name).set_params(**{sub: named.pop(key)})
            else:
                setattr(self, name, named.pop(key))
        if values or named:
            self._set_model_params(values, named)
        return self

    def _set_model_params(self, values: Sequence[Any], named: Dict[str, Any]) -> None:
        """The model's parameters, by position (a sequence) or by name (a dict): the kind's
        own, then those the model adds (Pareto/NBD's omega, covariate effects)."""
        if values and named:
            raise InvalidArgumentError("give the parameters by position or by name, not both")
        public = list(self._param_names())
        internal = list(self._names) + public[len(self._names):]
        if named:
            unknown = [k for k in named if k not in public and k not in internal]
            if unknown:
                raise InvalidArgumentError(
                    f"unknown parameter {unknown[0]!r}; {type(self).__name__} has "
                    + ", ".join(public))
            values = []
            for shown, name in zip(public, internal):
                if shown in named:
                    values.append(named[shown])
                elif name in named:
                    values.append(named[name])
                else:
                    raise InvalidArgumentError(f"parameter {shown!r} is missing")
        if len(values) == 1 and np.ndim(values[0]) == 1:
            values = list(values[0])
        if len(values) != len(public):
            raise InvalidArgumentError(
                f"params: {len(values)} values given where {type(self).__name__} has "
                f"{len(public)} ({', '.join(public)})")
        params = np.array([as_float(v, name) for v, name in zip(values, public)])
        core.model_set_params(self._model, params)

    @property
    def log_likelihood_(self) -> float:
        """Total log-likelihood at the estimate, comparable to the papers (CDNOW BG/NBD: -9582.4)."""
        self._require_fit()
        return core.model_log_likelihood(self._model)

    def _require_fit(self) -> None:
        if core.model_get_state(self._model) != core.MODEL_FITTED:
            raise StateError(f"{type(self).__name__} has not been fitted: call fit() first "
                             "(set_params() gives no likelihood or standard errors)")

    @property
    def _negative_log_likelihood_(self) -> float:
        """lifetimes' attribute: the mean negative log-likelihood."""
        return -self.log_likelihood_ / self._report()["observations"]

    @property
    def AIC_(self) -> float:
        """Akaike information criterion of the fit."""
        self._require_fit()
        return core.model_aic(self._model)

    @property
    def BIC_(self) -> float:
        """Bayesian information criterion of the fit (N = number of customers)."""
        self._require_fit()
        return core.model_bic(self._model)

    @property
    def variance_matrix_(self) -> pd.DataFrame:
        """Covariance of the estimates (inverse observed information), a DataFrame."""
        self._require_fit()
        names = list(self._param_names())
        p = len(names)
        cov = np.empty(p * p)
        core.model_covariance(cov, self._model)
        return _pandas().DataFrame(cov.reshape(p, p), index=names, columns=names)

    @property
    def standard_errors_(self) -> pd.Series:
        """Standard errors of the estimates, a Series."""
        self._require_fit()
        names = list(self._param_names())
        se = np.empty(len(names))
        core.model_standard_errors(se, self._model)
        return _pandas().Series(se, index=names)

    @property
    def confidence_intervals_(self) -> pd.DataFrame:
        """95% intervals, computed on the log scale so that positive parameters stay
        positive (covariate effects, which take any sign, on their own scale)."""
        coef, se = self._values(), self.standard_errors_.values
        linear = np.array([core.model_param_scale(self._model, i) == core.SCALE_LINEAR
                           for i in range(coef.size)], dtype=bool)
        spread = np.exp(1.96 * se / np.where(linear, 1.0, coef))
        lower = np.where(linear, coef - 1.96 * se, coef / spread)
        upper = np.where(linear, coef + 1.96 * se, coef * spread)
        return _pandas().DataFrame({"lower 95% bound": lower, "upper 95% bound": upper},
                                   index=list(self._param_names()))

    @property
    def summary(self) -> pd.DataFrame:
        """coef, se(coef), lower 95% bound, upper 95% bound, one row per parameter."""
        self._require_fit()
        df = _pandas().DataFrame(index=list(self._param_names()))
        df["coef"] = self._values()
        df["se(coef)"] = self.standard_errors_.values
        ci = self.confidence_intervals_
        df["lower 95% bound"] = ci["lower 95% bound"].values
        df["upper 95% bound"] = ci["upper 95% bound"].values
        return df

    @property
    def fit_report_(self) -> Dict[str, Any]:
        """How the last fit ended: reason, iterations, passes over the data, gradient norm, ..."""
        return self._report()

    # ------------------------------------------------------------------ fitting
    # lifetimes' fit(**kwargs) goes to scipy.optimize.minimize as options: of those,
    # libcxm's Newton method has a meaning for maxiter and disp. _ignored_fit_keywords:
    # other keywords lifetimes documents for this fitter that libcxm has no use for.
    _ignored_fit_keywords: ClassVar[Tuple[str, ...]] = ()

    def _fit_keywords(self, kwargs: Dict[str, Any], max_iterations: Optional[int],
                      verbose: bool) -> Tuple[Optional[int], bool]:
        """(max_iterations, verbose) after lifetimes' maxiter and disp; any other keyword
        raises ArgumentTypeError (a TypeError) naming it, rather than fit as if it were
        not there."""
        for key in kwargs:
            if key not in ("maxiter", "disp") + tuple(self._ignored_fit_keywords):
                raise ArgumentTypeError(
                    f"{type(self).__name__}.fit() got an unexpected keyword argument {key!r} "
                    "(of lifetimes' scipy options libcxm takes maxiter and disp; the "
                    "convergence tolerance is tol=)")
        if "iterative_fitting" in kwargs:
            as_count(kwargs["iterative_fitting"], "iterative_fitting", minimum=1)
        if "fit_method" in kwargs and not isinstance(kwargs["fit_method"], str):
            raise ArgumentTypeError(f"fit_method must be a string, got {kwargs['fit_method']!r}")
        if "maxiter" in kwargs:
            if max_iterations is not None:
                raise InvalidArgumentError("give max_iterations or maxiter, not both")
            max_iterations = kwargs["maxiter"]
        return max_iterations, bool(verbose or kwargs.get("disp", False))

    def _fit_options(self, tol: Optional[float], max_iterations: Optional[int],
                     threads: Optional[int], warm: bool) -> Tuple[float, int, float, int, int]:
        flags = core.FIT_WARM_START if warm else 0
        return (as_float(self.penalizer_coef, "penalizer_coef", minimum=0),
                0 if max_iterations is None else as_count(max_iterations, "max_iterations"),
                0.0 if tol is None else as_float(tol, "tol", minimum=0),
                0 if threads is None else as_count(threads, "threads"), flags)

    def _after_fit(self, verbose: bool) -> Self:
        if verbose:
            print(core.model_fit_message(self._model))
        return self

    def _initial(self, initial_params: Optional[ArrayLike]) -> bool:
        if initial_params is None:
            return False
        self._set_model_params(tuple(_flat(initial_params, "initial_params", finite=True)), {})
        return True

    # ------------------------------------------------------------------ persistence
    def to_json(self) -> str:
        """The model as libcxm's JSON document (a str)."""
        return core.model_to_json(self._model)

    def save_model(self, path: PathLike, save_data: bool = True,
                   save_generate_data_method: bool = True, values_to_save: Any = None) -> None:
        """Write the model as JSON, with the fitted ``data`` unless ``save_data=False``
        (lifetimes' signature; its other two arguments are accepted and ignored). The file
        is complete or, when writing fails, the earlier one is left as it was."""
        path = as_path(path, "path")
        data = getattr(self, "data", None) if save_data else None
        if data is None:
            core.model_save(self._model, path)
            return
        doc = json.loads(core.model_to_json(self._model))
        doc[_DATA_KEY] = _frame_to_json(data)
        _write_whole(path, json.dumps(doc))

    def load_model(self, path: PathLike) -> Self:
        """Read a model written by save_model() (or cxm.load_model's files) into this fitter,
        with its ``data`` when the file holds them."""
        model, data = _read_model_file(path)
        if core.model_get_kind(model) != self._kind:
            raise InvalidArgumentError(
                f"{path}: holds a {core.model_kind_name(core.model_get_kind(model))} model, "
                f"not a {core.model_kind_name(self._kind)} model")
        self._model = model
        if data is not None:
            self.data = data
        return self

    def __getstate__(self) -> Dict[str, Any]:
        # The C model pickles as its JSON document (exact doubles), the rest as it is.
        state = self.__dict__.copy()
        empty = core.model_get_state(self._model) == core.MODEL_EMPTY
        state["_model"] = None if empty else core.model_to_json(self._model)
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        state = dict(state)
        text = state.pop("_model", None)
        self.__dict__.update(state)
        self._model = core.model_create(self._kind) if text is None else core.model_from_json(text)


class _PurchaseFitter(_Fitter):
    """BG/NBD and MBG/NBD: the (frequency, recency, T) models."""

    _names: ClassVar[Tuple[str, ...]] = ("r", "alpha", "a", "b")
    _public_names: ClassVar[Tuple[str, ...]] = ("r", "alpha", "a", "b")

    def fit(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
            weights: Optional[ArrayLike] = None, initial_params: Optional[ArrayLike] = None,
            verbose: bool = False, tol: Optional[float] = None, index: Optional[ArrayLike] = None,
            max_iterations: Optional[int] = None, threads: Optional[int] = None,
            purchase_covariates: Any = None, dropout_covariates: Any = None,
            purchase_penalty: float = 0.0, dropout_penalty: float = 0.0,
            shared_covariates: Sequence[str] = (), **kwargs: Any) -> Self:
        """Fit by maximum likelihood.

        ``frequency`` (x, repeat purchases), ``recency`` (t_x) and ``T`` are one value per
        customer, or per distinct pattern with ``weights`` counting its customers. Returns
        self. Raises :class:`cxm.ConvergenceError` with the reason when the fit fails
        (e.g. nobody ever buys again) and :class:`cxm.InvalidArgumentError` naming the row
        for bad data.

        ``purchase_covariates`` and ``dropout_covariates`` (a DataFrame of numeric columns,
        a Series or an array, one row per customer; encode categories with
        ``pandas.get_dummies(..., drop_first=True)``) fit static covariates in CLVTools'
        parameterisation (docs/models.md section 1.11): the effects appear in ``params_`` as
        ``purchase.<column>`` and ``dropout.<column>``. ``purchase_penalty`` and
        ``dropout_penalty`` are L2 penalties on those effects (CLVTools' reg.lambdas).
        ``shared_covariates`` names covariates of both processes whose two effects are one
        (``shared.<column>``; CLVTools' names.cov.constr).
        """
        max_iterations, verbose = self._fit_keywords(kwargs, max_iterations, verbose)
        self._before_fit()
        x, t_x, big_t = _columns((frequency, "frequency"), (recency, "recency"), (T, "T"))
        w = _weights(weights, x.size)
        purchase_names, zp = _covariates(purchase_covariates, "purchase_covariates", x.size)
        dropout_names, zd = _covariates(dropout_covariates, "dropout_covariates", x.size)
        if purchase_names or dropout_names:
            if initial_params is not None:
                raise InvalidArgumentError("initial_params is not taken with covariates: the "
                                           "fit starts from the fit without them")
            core.model_set_covariates(self._model, purchase_names, dropout_names)
            if shared_covariates:
                core.model_share_covariates(self._model, [str(n) for n in shared_covariates])
            with customers_named(frequency, recency, T, weights):
                core.model_fit_covariates(
                    self._model, x, t_x, big_t, zp.reshape(-1), zd.reshape(-1), w,
                    as_float(purchase_penalty, "purchase_penalty", minimum=0),
                    as_float(dropout_penalty, "dropout_penalty", minimum=0),
                    *self._fit_options(tol, max_iterations, threads, False))
        else:
            if purchase_penalty or dropout_penalty or shared_covariates:
                raise InvalidArgumentError("purchase_penalty, dropout_penalty and "
                                           "shared_covariates concern covariate effects: give "
                                           "purchase_covariates or dropout_covariates")
            core.model_set_covariates(self._model, [], [])
            self._fit_options(tol, max_iterations, threads, False)  # before initial_params
            warm = self._initial(initial_params)
            with customers_named(frequency, recency, T, weights):
                core.model_fit(self._model, x, t_x, big_t, w,
                               *self._fit_options(tol, max_iterations, threads, warm))
        pd = _pandas()
        self.data = pd.DataFrame({"frequency": x, "recency": t_x, "T": big_t,
                                  "weights": np.ones_like(x) if weights is None else w},
                                 index=index)
        for prefix, names, matrix in (("purchase.", purchase_names, zp),
                                      ("dropout.", dropout_names, zd)):
            for j, name in enumerate(names):
                self.data[prefix + name] = matrix[:, j]
        return self._after_fit(verbose)

    def _before_fit(self) -> None:
        """A subclass's last word on the model before a fit (ParetoNBDFitter's use_cor)."""

    def set_covariates(self, purchase: Sequence[str] = (), dropout: Sequence[str] = ()) -> Self:
        """Name the purchase and dropout covariates of a model whose parameters you set
        yourself: ``params_`` then takes their effects after the model's own
        (``purchase.<name>``, ``dropout.<name>``), e.g. to simulate customers with known
        effects. A fit names them itself; this forgets the parameters."""
        core.model_set_covariates(self._model, [str(n) for n in purchase],
                                  [str(n) for n in dropout])
        return self

    def customer_model(self, purchase_covariates: Any = None,
                       dropout_covariates: Any = None) -> Self:
        """The model of customers with these covariates (one value per covariate, in the
        fit's order): a fitter of the same class without covariates, with those customers'
        parameters and their covariance, on which every prediction and interval works."""
        purchase = as_float_array([] if purchase_covariates is None else purchase_covariates,
                                  "purchase_covariates", finite=True).reshape(-1)
        dropout = as_float_array([] if dropout_covariates is None else dropout_covariates,
                                 "dropout_covariates", finite=True).reshape(-1)
        other = type(self)()
        other._model = core.model_for_customer(self._model, purchase, dropout)
        return other

    def conditional_probability_alive_matrix(self, max_frequency: Optional[int] = None,
                                             max_recency: Optional[int] = None) -> FloatArray:
        """P(alive) over a grid: rows recency 0..max_recency, columns frequency
        0..max_frequency, for customers observed for T = max_recency (lifetimes' layout)."""
        if max_frequency is None:
            max_frequency = int(self._fitted_data("max_frequency")["frequency"].max())
        if max_recency is None:
            max_recency = int(self._fitted_data("max_recency")["T"].max())
        max_frequency = as_count(max_frequency, "max_frequency")
        max_recency = as_count(max_recency, "max_recency")
        x, t_x = np.meshgrid(np.arange(max_frequency + 1, dtype=float),
                             np.arange(max_recency + 1, dtype=float))
        # Cells with frequency 0 and recency > 0 are read as recency 0 by the library.
        return np.asarray(self.conditional_probability_alive(x, t_x, float(max_recency)))

    def predict(self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike,
                T: ArrayLike) -> Values:
        """lifetimes' alias of conditional_expected_number_of_purchases_up_to_time."""
        return self.conditional_expected_number_of_purchases_up_to_time(t, frequency, recency, T)

    def conditional_probability_alive(self, frequency: ArrayLike, recency: ArrayLike,
                                      T: ArrayLike, purchase_covariates: Any = None,
                                      dropout_covariates: Any = None) -> Values:
        """P(alive) of customers with the given histories, in [0, 1].

        frequency 0 with recency > 0 (grids build these) is read as recency 0: without a
        repeat purchase the last purchase is the first. BG/NBD gives 1 there, as lifetimes
        does; fit() refuses such rows. A model fitted with covariates takes each
        customer's (as fit() does) and predicts with that customer's parameters."""
        named = {"frequency": frequency, "recency": recency, "T": T}
        if purchase_covariates is not None or dropout_covariates is not None:
            return self._by_covariates(
                lambda m, f, r, t: m.conditional_probability_alive(f, r, t), named,
                purchase_covariates, dropout_covariates, "p_alive")
        return _elementwise(lambda dst, x, r, t: core.model_p_alive(dst, self._model, x, r, t),
                           named, "p_alive")

    def _by_covariates(self, predict: Callable[..., Values], named: Dict[str, ArrayLike],
                       purchase_covariates: Any, dropout_covariates: Any, name: str) -> Values:
        """``predict(customer_model, *inputs)`` for each group of customers who share their
        covariates (cxm_model_covariate_groups), put back in the customers' order."""
        arrays = [as_float_array(value, key) for key, value in named.items()]
        try:
            broadcast = np.broadcast_arrays(*arrays)
        except ValueError:
            raise InvalidArgumentError("the histories do not broadcast") from None
        flat = [np.ascontiguousarray(a.reshape(-1)) for a in broadcast]
        n = flat[0].size
        _, zp = _covariates(purchase_covariates, "purchase_covariates", n)
        _, zd = _covariates(dropout_covariates, "dropout_covariates", n)
        group = np.empty(n)
        groups = core.model_covariate_groups(self._model, group, zp.reshape(-1), zd.reshape(-1))
        out = np.empty(n)
        for g in range(int(groups)):
            rows = np.flatnonzero(group == g)
            customer = type(self)()
            customer._model = core.model_for_customer(self._model, zp[rows[0]], zd[rows[0]])
            out[rows] = np.asarray(predict(customer, *(a[rows] for a in flat)), dtype=float)
        index = _pandas_index(named.values())
        if index is not None and broadcast[0].ndim == 1:
            return cast(Values, _pandas().Series(out, index=index[0], name=name))
        return cast(Values, out.reshape(broadcast[0].shape))

    def conditional_expected_number_of_purchases_up_to_time(
            self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
            purchase_covariates: Any = None, dropout_covariates: Any = None) -> Values:
        """E[Y(t) | frequency, recency, T]: expected purchases in the next t time units (with
        each customer's covariates for a model fitted with them)."""
        if purchase_covariates is not None or dropout_covariates is not None:
            return self._by_covariates(
                lambda m, tt, f, r, big: m.conditional_expected_number_of_purchases_up_to_time(
                    tt, f, r, big),
                {"t": t, "frequency": frequency, "recency": recency, "T": T},
                purchase_covariates, dropout_covariates, "predicted_purchases")
        return _elementwise(
            lambda dst, tt, x, r, big: core.model_conditional_purchases(dst, self._model, tt, x, r, big),
            {"t": t, "frequency": frequency, "recency": recency, "T": T}, "predicted_purchases")

    def conditional_probability_alive_interval(self, frequency: ArrayLike, recency: ArrayLike,
                                               T: ArrayLike,
                                               level: float = 0.95) -> Tuple[Values, Values]:
        """(lower, upper): an interval of P(alive) per customer at coverage ``level`` that
        carries the fitted parameters' uncertainty (delta method on the logit scale, from
        the fit's covariance; docs/models.md section 1.10). Needs a fitted model."""
        lvl = as_float(level, "level")
        return _elementwise_pair(
            lambda lo, hi, x, r, t: core.model_p_alive_interval(self._model, lo, hi, lvl, x, r, t),
            {"frequency": frequency, "recency": recency, "T": T}, "p_alive")

    def conditional_expected_number_of_purchases_up_to_time_interval(
            self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
            level: float = 0.95) -> Tuple[Values, Values]:
        """(lower, upper): an interval of E[Y(t) | frequency, recency, T] per customer at
        coverage ``level`` from the fitted parameters' uncertainty (delta method on the log
        scale; docs/models.md section 1.10). Needs a fitted model."""
        lvl = as_float(level, "level")
        return _elementwise_pair(
            lambda lo, hi, tt, x, r, big: core.model_conditional_purchases_interval(
                self._model, lo, hi, lvl, tt, x, r, big),
            {"t": t, "frequency": frequency, "recency": recency, "T": T}, "predicted_purchases")

    def expected_number_of_purchases_up_to_time(self, t: ArrayLike) -> Values:
        """E[X(t)]: expected repeat purchases of a new customer in (0, t]."""
        return _elementwise(lambda dst, tt: core.model_expected_purchases(dst, self._model, tt),
                           {"t": t}, "expected_purchases")

    def probability_of_n_purchases_up_to_time(self, t: ArrayLike, n: ArrayLike) -> Values:
        """P(X(t) = n) for a new customer (BG/NBD: equation 8 of Fader, Hardie & Lee 2005)."""
        return _elementwise(
            lambda dst, nn, tt: core.model_purchase_probability(dst, self._model, nn, tt),
            {"n": n, "t": t}, "probability")

    def conditional_probability_of_n_purchases_up_to_time(self, n: ArrayLike, t: ArrayLike,
                                                          frequency: ArrayLike,
                                                          recency: ArrayLike,
                                                          T: ArrayLike) -> Values:
        """P(n purchases in the next t time units | frequency, recency, T) (lifetimes'
        signature; lifetimes has it for Pareto/NBD only). A customer who has dropped out
        makes none; one still alive buys as a new customer of the posterior given alive
        (Pareto/NBD: Fader & Hardie 2014, "Deriving the conditional PMF of the Pareto/NBD
        model"). Summed over n = 0, 1, ... it is 1."""
        return _elementwise(
            lambda dst, nn, tt, x, r, big: core.model_conditional_purchase_probability(
                dst, self._model, nn, tt, x, r, big),
            {"n": n, "t": t, "frequency": frequency, "recency": recency, "T": T}, "probability")

    def discounted_expected_residual_transactions(self, frequency: ArrayLike, recency: ArrayLike,
                                                  T: ArrayLike, discount_rate: float,
                                                  purchase_covariates: Any = None,
                                                  dropout_covariates: Any = None) -> Values:
        """DERT: future purchases each discounted continuously at ``discount_rate`` per time
        unit (from a rate d per period of k units: log(1 + d)/k). Rates below 1e-200 raise
        :class:`cxm.DomainError` (the sums then span more than a double's range). A model
        fitted with covariates takes each customer's, as fit() does."""
        rate = as_float(discount_rate, "discount_rate")
        if purchase_covariates is not None or dropout_covariates is not None:
            return self._by_covariates(
                lambda m, f, r, t: m.discounted_expected_residual_transactions(f, r, t, rate),
                {"frequency": frequency, "recency": recency, "T": T},
                purchase_covariates, dropout_covariates, "dert")
        return _elementwise(
            lambda dst, x, r, big: core.model_dert(dst, self._model, rate, x, r, big),
            {"frequency": frequency, "recency": recency, "T": T}, "dert")

    def log_likelihood_of(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
                          weights: Optional[ArrayLike] = None) -> float:
        """Total log-likelihood of other data at the current parameters."""
        x, t_x, big_t = _columns((frequency, "frequency"), (recency, "recency"), (T, "T"))
        with customers_named(frequency, recency, T, weights):
            return core.model_log_likelihood_of(self._model, x, t_x, big_t,
                                                _weights(weights, x.size))

    def expected_cumulative_transactions(self, first_purchase: ArrayLike, times: ArrayLike,
                                         weights: Optional[ArrayLike] = None
                                         ) -> Union[FloatArray, pd.Series]:
        """The tracking curve: expected cumulative repeat purchases of a cohort at calendar
        ``times``, its customers having made their first purchase at ``first_purchase``
        (same origin and unit). Returns an array like ``times``."""
        times_arr = _flat(times, "times")
        first = _flat(first_purchase, "first_purchase")
        w = _weights(weights, first.size)
        dst = np.empty(times_arr.size)
        core.model_tracking(self._model, dst, times_arr, first, w)
        index = _pandas_index([times])
        if index is not None:
            return _pandas().Series(dst, index=index[0], name="predicted")
        return dst

    def calibration_holdout(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
                            duration_holdout: ArrayLike, frequency_holdout: ArrayLike,
                            bins: int = 7) -> pd.DataFrame:
        """Mean holdout purchases by calibration frequency, actual and predicted.

        A DataFrame indexed by frequency 0, 1, ..., bins-2 and "bins-1+" with columns
        ``actual``, ``predicted`` and ``customers``.
        """
        arrays = [_flat(v, n) for v, n in ((frequency, "frequency"), (recency, "recency"),
                                           (T, "T"), (duration_holdout, "duration_holdout"),
                                           (frequency_holdout, "frequency_holdout"))]
        n = arrays[0].size
        names = ("frequency", "recency", "T", "duration_holdout", "frequency_holdout")
        for name, array in zip(names[1:], arrays[1:]):
            if array.size not in (1, n):
                raise InvalidArgumentError(f"{name} has {array.size} elements where frequency "
                                           f"has {n}")
        arrays = [np.ascontiguousarray(np.broadcast_to(a, (n,))) for a in arrays]
        bins = as_count(bins, "bins", minimum=1)
        actual, predicted, count = np.empty(bins), np.empty(bins), np.empty(bins)
        core.model_calibration_holdout(self._model, actual, predicted, count, *arrays)
        labels = [str(k) for k in range(bins - 1)] + [f"{bins - 1}+"]
        return _pandas().DataFrame({"actual": actual, "predicted": predicted,
                                    "customers": count.astype(int)}, index=labels)

    def generate_new_data(self, T: ArrayLike, seed: Optional[int] = None,
                          size: Optional[int] = None, transactions: bool = False
                          ) -> Union[pd.DataFrame, Tuple[pd.DataFrame, pd.DataFrame]]:
        """Simulate customers observed for ``T`` time units each (an array, or one number with
        ``size``). Returns a DataFrame frequency, recency, T; with ``transactions=True`` also
        a DataFrame of (customer, time) repeat purchases. The same seed gives the same data
        on every platform.

        Raises :class:`cxm.RangeError` for ``size`` above ``cxm.btyd.MAX_SIMULATED``
        (10**8), or when ``transactions=True`` would return more repeat purchases than that.
        """
        big_t = _flat(T, "T")
        if size is not None:
            big_t = np.ascontiguousarray(np.broadcast_to(big_t, (_simulated_size(size),)))
        seed = _seed(seed)
        x, t_x = np.empty(big_t.size), np.empty(big_t.size)
        core.model_simulate(self._model, x, t_x, big_t, seed)
        pd = _pandas()
        customers = pd.DataFrame({"frequency": x, "recency": t_x, "T": big_t})
        if not transactions:
            return customers
        total = float(x.sum())
        if total > MAX_SIMULATED:
            raise RangeError(f"the customers make {total:.0f} repeat purchases, beyond "
                             f"{MAX_SIMULATED}, the most transactions=True returns: simulate "
                             "fewer customers or shorter T")
        times = np.empty(int(total))
        core.model_simulate_times(self._model, times, big_t, seed)
        who = np.repeat(np.arange(big_t.size), x.astype(np.int64))
        return customers, pd.DataFrame({"customer": who, "time": times})


class BetaGeoFitter(_PurchaseFitter):
    """BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

    Purchases follow a Poisson process with rate lambda ~ Gamma(r, alpha); after each
    purchase a customer drops out with probability p ~ Beta(a, b).
    """

    _kind = core.MODEL_BGNBD


class ModifiedBetaGeoFitter(_PurchaseFitter):
    """MBG/NBD (Batislam, Denizel & Filiztekin 2007): as BG/NBD, but a customer may also
    drop out right after the first purchase."""

    _kind = core.MODEL_MBGNBD


class GammaGammaFitter(_Fitter):
    """Gamma-Gamma model of the value of transactions (Fader & Hardie 2013).

    Parameters in ``params_`` are lifetimes' ``p``, ``q``, ``v`` (``v`` is libcxm's
    gamma). Fitted on customers with at least one repeat purchase: rows with
    frequency 0 are skipped. Repeat customers whose mean spend is 0 are skipped too
    (the Gamma-Gamma likelihood of a mean of 0 is degenerate), with a warning that
    counts them; ``fit_report_["skipped"]`` holds the count and predictions still
    give them a value (docs/models.md, "Gamma-Gamma: customers who spent 0").
    """

    _kind = core.MODEL_GAMMA_GAMMA
    _names = ("p", "q", "gamma")
    _public_names = ("p", "q", "v")

    def fit(self, frequency: ArrayLike, monetary_value: ArrayLike,
            weights: Optional[ArrayLike] = None, initial_params: Optional[ArrayLike] = None,
            verbose: bool = False, tol: Optional[float] = None, index: Optional[ArrayLike] = None,
            q_constraint: bool = False, max_iterations: Optional[int] = None,
            threads: Optional[int] = None, **kwargs: Any) -> Self:
        """Fit p, q, v on repeat customers' frequency and mean repeat value.

        With ``q_constraint`` a fitted q <= 1 (an infinite population mean spend) raises
        :class:`cxm.ConvergenceError` instead of being kept.
        """
        max_iterations, verbose = self._fit_keywords(kwargs, max_iterations, verbose)
        x, m = _columns((frequency, "frequency"), (monetary_value, "monetary_value"))
        w = _weights(weights, x.size)
        self._fit_options(tol, max_iterations, threads, False)
        warm = self._initial(initial_params)
        with customers_named(frequency, monetary_value, weights):
            core.model_fit_spend(self._model, x, m, w,
                                 *self._fit_options(tol, max_iterations, threads, warm))
        skipped = self._report()["skipped"]
        if skipped > 0:
            warnings.warn(
                f"GammaGammaFitter: {skipped:.0f} repeat customer{'s' if skipped != 1 else ''} "
                "with a mean spend of 0 skipped (the Gamma-Gamma likelihood of a mean of 0 is "
                "degenerate); they still get predictions", stacklevel=2)
        if q_constraint and self._values()[1] <= 1.0:
            q = self._values()[1]
            self._model = core.model_create(self._kind)
            raise ConvergenceError(
                f"the fitted q = {q:.4g} is not above 1: the population mean spend is infinite")
        self.data = _pandas().DataFrame(
            {"monetary_value": m, "frequency": x,
             "weights": np.ones_like(x) if weights is None else w}, index=index)
        return self._after_fit(verbose)

    def conditional_expected_average_profit(self, frequency: Optional[ArrayLike] = None,
                                            monetary_value: Optional[ArrayLike] = None) -> Values:
        """E[M | frequency, monetary_value]; customers with frequency 0 get the population
        mean. Raises :class:`cxm.DomainError` when it is infinite (q <= 1), never a negative
        number. Without arguments, for the fitted data."""
        if frequency is None:
            frequency = self._fitted_data("frequency")["frequency"]
        if monetary_value is None:
            monetary_value = self._fitted_data("monetary_value")["monetary_value"]
        return _elementwise(lambda dst, x, m: core.model_expected_spend(dst, self._model, x, m),
                           {"frequency": frequency, "monetary_value": monetary_value},
                           "expected_average_profit")

    def population_mean_spend(self) -> float:
        """p·v/(q − 1); :class:`cxm.DomainError` when q <= 1."""
        return core.model_mean_spend(self._model)

    def log_likelihood_of(self, frequency: ArrayLike, monetary_value: ArrayLike,
                          weights: Optional[ArrayLike] = None) -> float:
        """Total log-likelihood of other data at the current parameters."""
        x, m = _columns((frequency, "frequency"), (monetary_value, "monetary_value"))
        with customers_named(frequency, monetary_value, weights):
            return core.model_log_likelihood_of(self._model, x, m, np.empty(0),
                                                _weights(weights, x.size))

    def generate_new_data(self, frequency: ArrayLike, seed: Optional[int] = None) -> FloatArray:
        """Simulate each customer's mean repeat value given their frequency (0 for 0)."""
        x = _flat(frequency, "frequency")
        seed = _seed(seed)
        dst = np.empty(x.size)
        core.model_simulate_spend(dst, self._model, x, seed)
        return dst

    def customer_lifetime_value(self, transaction_prediction_model: _PurchaseFitter,
                                frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
                                monetary_value: ArrayLike, time: int = 12,
                                discount_rate: float = 0.01, freq: str = "D",
                                period: Optional[float] = None, margin: float = 1.0,
                                purchase_covariates: Any = None,
                                dropout_covariates: Any = None) -> Values:
        """Lifetime value of each customer over ``time`` periods.

        sum over i = 1..time of margin * E[M] * (E[Y(i k)] - E[Y((i-1) k)]) / (1+d)^i, with E[M]
        from this model and E[Y] from ``transaction_prediction_model`` (a fitted BG/NBD or
        MBG/NBD). The period length k is ``period`` time units of that model; without it,
        one month of the unit ``freq`` ('D' days, 'W' weeks, 'M' months, 'H' hours), from
        the mean Gregorian year: 30.436875 days, not lifetimes' 30. ``discount_rate`` is per
        period.

        ``time`` is a whole number of periods up to ``cxm.btyd.MAX_VALUE_PERIODS``
        (2**32 - 1; :class:`cxm.DomainError` beyond). Without discount any number is one
        closed form; with a discount the sum stops once the periods left cannot change the
        value, and raises :class:`cxm.DomainError` when more than 1000 periods would (e.g.
        ``time=10**6`` at ``discount_rate=1e-6``).

        A ``transaction_prediction_model`` fitted with covariates takes each customer's
        ``purchase_covariates`` and ``dropout_covariates`` (as its fit() did) and predicts
        the purchases of each customer with that customer's parameters.
        """
        model, options = _value_options(transaction_prediction_model, time, discount_rate, freq,
                                        period, margin)
        if purchase_covariates is not None or dropout_covariates is not None:
            return transaction_prediction_model._by_covariates(
                lambda m, f, r, big, v: self.customer_lifetime_value(
                    m, f, r, big, v, time=time, discount_rate=discount_rate, freq=freq,
                    period=period, margin=margin),
                {"frequency": frequency, "recency": recency, "T": T,
                 "monetary_value": monetary_value},
                purchase_covariates, dropout_covariates, "clv")
        spend = self.conditional_expected_average_profit(frequency, monetary_value)
        return _elementwise(
            lambda dst, x, r, big, v: core.model_lifetime_value(model, dst, x, r, big, v, *options),
            {"frequency": frequency, "recency": recency, "T": T, "monetary_value": spend}, "clv")

    def customer_lifetime_value_interval(self, transaction_prediction_model: _PurchaseFitter,
                                         frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
                                         monetary_value: ArrayLike, time: int = 12,
                                         discount_rate: float = 0.01, freq: str = "D",
                                         period: Optional[float] = None, margin: float = 1.0,
                                         level: float = 0.95) -> Tuple[Values, Values]:
        """(lower, upper): an interval of customer_lifetime_value (same arguments) at
        coverage ``level`` from the purchase model's fitted parameters (delta method on the
        log scale; docs/models.md section 1.10). The expected spend is taken as known: the
        interval does not include the spend model's uncertainty."""
        lvl = as_float(level, "level")
        model, options = _value_options(transaction_prediction_model, time, discount_rate, freq,
                                        period, margin)
        spend = self.conditional_expected_average_profit(frequency, monetary_value)
        return _elementwise_pair(
            lambda lo, hi, x, r, big, v: core.model_lifetime_value_interval(
                model, lo, hi, lvl, x, r, big, v, *options),
            {"frequency": frequency, "recency": recency, "T": T, "monetary_value": spend}, "clv")


def _value_options(transaction_prediction_model: _PurchaseFitter, time: int,
                   discount_rate: float, freq: str, period: Optional[float],
                   margin: float) -> Tuple[Any, Tuple[float, int, float, float]]:
    """The purchase model's handle and the lifetime-value options of the C API."""
    if not isinstance(transaction_prediction_model, _PurchaseFitter):
        raise ArgumentTypeError(
            "transaction_prediction_model must be a fitted purchase model (BetaGeoFitter, "
            f"ModifiedBetaGeoFitter, ParetoNBDFitter), got {type(transaction_prediction_model).__name__}")
    if period is None:
        if not isinstance(freq, str) or freq not in _MONTH:
            raise InvalidArgumentError(
                f"freq {freq!r} is not one of {sorted(_MONTH)}: give the period length in the "
                "model's time unit with period=")
        period = _MONTH[freq]
    options = (as_float(period, "period", positive=True), _whole_periods(time),
               as_float(discount_rate, "discount_rate"), as_float(margin, "margin"))
    return transaction_prediction_model._model, options


_FITTERS = {core.MODEL_BGNBD: BetaGeoFitter, core.MODEL_MBGNBD: ModifiedBetaGeoFitter,
            core.MODEL_GAMMA_GAMMA: GammaGammaFitter}


# The key of save_model's data in the model's JSON document (the C reader ignores it).
_DATA_KEY = "data"

# Files larger than this the C reader refuses (cxm_model_load); Python reads them.
_C_READ_LIMIT = 64 << 20


def _frame_to_json(frame: pd.DataFrame) -> Dict[str, Any]:
    """A DataFrame as {"columns": {name: [numbers]}, "index": [...], "index_name": ...}:
    Python's JSON writes every double exactly. An index of other than numbers and strings
    is kept as strings."""
    index = frame.index.tolist()
    try:
        json.dumps(index)
    except TypeError:
        index = [str(v) for v in index]
    return {"columns": {str(name): np.asarray(frame[name], dtype=float).tolist()
                        for name in frame.columns},
            "index": index, "index_name": frame.index.name}


def _frame_from_json(value: Any, path: str) -> pd.DataFrame:
    pd = _pandas()
    try:
        frame = pd.DataFrame(value["columns"], index=value["index"])
        frame.index.name = value.get("index_name")
    except (TypeError, KeyError, ValueError) as exc:
        raise ParseError(f"{path}: model JSON: '{_DATA_KEY}' is not a saved data table: {exc}")
    return frame


def _write_whole(path: str, text: str) -> None:
    """Write text to path through a temporary file in the same directory: the file is
    complete, or the earlier one untouched."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".cxm-model-")
    except OSError as exc:
        raise FileError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise FileError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _read_model_file(path: PathLike) -> Tuple[Any, Optional[pd.DataFrame]]:
    """(model, data or None) from a file written by save_model() or `cxm fit -o`."""
    path = as_path(path, "path")
    try:
        big = os.path.getsize(path) > _C_READ_LIMIT
    except OSError:
        big = False  # the C reader names the problem
    if not big:
        model = core.model_load(path)  # every error named as the C reader names it
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    else:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"{path}: not a model JSON document: {exc}") from None
        if not isinstance(doc, dict):
            raise ParseError(f"{path}: model JSON: not an object")
        saved = doc.pop(_DATA_KEY, None)
        try:
            model = core.model_from_json(json.dumps(doc))
        except ParseError as exc:
            raise ParseError(f"{path}: {exc}") from None
        doc[_DATA_KEY] = saved
    data = doc.get(_DATA_KEY)
    return model, None if data is None else _frame_from_json(data, path)


def likelihood_ratio_test(restricted: _Fitter, full: _Fitter) -> Tuple[float, float, float]:
    """(statistic, degrees of freedom, p value) of the likelihood-ratio test of a fit within
    a fuller one on the same customers, e.g. without and with covariates:
    2·(ln L_full − ln L_restricted) against χ² with the difference in parameter counts.
    Raises :class:`cxm.InvalidArgumentError` for fits that are not nested or penalised."""
    for name, fitter in (("restricted", restricted), ("full", full)):
        if not isinstance(fitter, _Fitter):
            raise ArgumentTypeError(f"{name} must be a fitted cxm fitter, got "
                                    f"{type(fitter).__name__}")
    statistic, df, p_value = core.model_likelihood_ratio(restricted._model, full._model)
    return float(statistic), float(df), float(p_value)


def load_model(path: PathLike) -> _Fitter:
    """Read a model file written by save_model() (or `cxm fit -o`) as the matching fitter,
    with its ``data`` when the file holds them."""
    model, data = _read_model_file(path)
    kind = core.model_get_kind(model)
    if kind not in _FITTERS:
        raise InvalidArgumentError(f"{path}: no Python class for the "
                                   f"{core.model_kind_name(kind)} model yet")
    fitter = _FITTERS[kind]()
    fitter._adopt(model)
    if data is not None:
        fitter.data = data
    return fitter
