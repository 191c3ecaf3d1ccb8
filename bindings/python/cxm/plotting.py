"""Plots for when looking beats reading (matplotlib; after lifetimes.plotting).

Every function draws on ``ax`` (a new figure's axes when None) and returns
the axes, so that plots can be combined and saved::

    import matplotlib
    matplotlib.use("Agg")                     # no display needed
    import cxm, cxm.plotting as cp

    bgf = cxm.BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"])
    cp.plot_probability_alive_matrix(bgf).figure.savefig("p_alive.png")
    cp.plot_frequency_recency_matrix(bgf, T=52)
    cp.plot_calibration_purchases_vs_holdout_purchases(bgf, summary_cal_holdout)
    cp.plot_period_transactions(bgf)
    cp.plot_cumulative_transactions(bgf, transactions, "date", "customer_id", t=546, t_cal=39,
                                    freq="D", freq_multiplier=7)   # 78 weeks, 39 calibrating
    world = cxm.simulate()
    j = world.journeys()
    cp.plot_attribution(j.markov_attribution())
    cp.plot_importance_performance(j.experience_map())
    cp.plot_touchpoint_gap(j.touchpoint_gap())
    cp.plot_funnel(j.funnel())

The numbers come from the library; this module only draws them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import FloatArray

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

# A fitted cxm fitter; which methods it has depends on the model, hence Any.
Fitter = Any

__all__ = [
    "plot_period_transactions", "plot_calibration_purchases_vs_holdout_purchases",
    "plot_frequency_recency_matrix", "plot_probability_alive_matrix",
    "plot_expected_repeat_purchases", "plot_history_alive", "plot_cumulative_transactions",
    "plot_incremental_transactions", "plot_transaction_rate_heterogeneity",
    "plot_dropout_rate_heterogeneity",
    "plot_attribution", "plot_importance_performance", "plot_touchpoint_gap", "plot_funnel",
]


def _axes(ax: Optional[Axes]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt
    return plt.figure().add_subplot(111)


def _data_maxima(model: Fitter, max_frequency: Optional[int],
                 max_recency: Optional[int]) -> Tuple[int, int]:
    data = getattr(model, "data", None)
    if max_frequency is None:
        max_frequency = int(data["frequency"].max()) if data is not None else 30
    if max_recency is None:
        max_recency = int(data["T"].max()) if data is not None else 52
    return max_frequency, max_recency


# ------------------------------------------------------------------ lifetime value
# Titles, axis labels and legends are lifetimes.plotting's, so that figures made with
# either package read the same; the numbers are the library's closed forms (no
# simulation: plot_period_transactions draws expected counts).

def _fitted_data(model: Fitter, what: str) -> pd.DataFrame:
    data = getattr(model, "data", None)
    if data is None:
        from ._errors import StateError
        raise StateError(f"{what} needs a model fitted on data: call fit() first")
    return data


def _age_column(data: pd.DataFrame) -> pd.Series:
    """The column of the customers' ages: T, or BG/BB's n_periods."""
    for name in ("T", "n_periods"):
        if name in data:
            return data[name]
    from ._errors import ArgumentTypeError
    raise ArgumentTypeError("this plot needs a purchase model (fitted on frequency, recency "
                            "and T or n_periods), not a spend model")


def _params(model: Fitter, names: Sequence[str], what: str) -> List[float]:
    params = model.params_
    missing = [n for n in names if n not in params.index]
    if missing:
        from ._errors import ArgumentTypeError
        raise ArgumentTypeError(f"{what} needs a model with parameters {', '.join(names)} "
                                f"(BetaGeoFitter, ModifiedBetaGeoFitter), got "
                                f"{type(model).__name__}")
    return [float(params[n]) for n in names]


def _matrix(ax: Axes, matrix: Any, title: str, xlabel: str, ylabel: str, **kwargs: Any) -> Axes:
    """lifetimes' heatmap: one cell per (recency row, frequency column), square."""
    kwargs.setdefault("interpolation", "none")
    image = ax.imshow(matrix, **kwargs)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    left, right, bottom, top = image.get_extent()
    ax.set_aspect(abs((right - left) / (top - bottom)))
    ax.figure.colorbar(image, ax=ax)
    return ax


def plot_period_transactions(model: Fitter, max_frequency: int = 7,
                             title: str = "Frequency of Repeat Transactions",
                             xlabel: str = "Number of Calibration Period Transactions",
                             ylabel: str = "Customers", ax: Optional[Axes] = None,
                             **kwargs: Any) -> Axes:
    """Customers by number of repeat purchases 0 .. max_frequency-1: the fitted data
    ("Actual") and the model's expectation ("Model"), Σ over customers of
    P(X(T) = k) at each customer's T (lifetimes draws a simulation instead).
    ``label`` renames the two bars; other keywords go to DataFrame.plot."""
    import pandas as pd
    data = _fitted_data(model, "plot_period_transactions")
    from ._arrays import as_count
    labels = kwargs.pop("label", ["Actual", "Model"])
    max_frequency = as_count(max_frequency, "max_frequency", minimum=1)
    weights = data["weights"] if "weights" in data else pd.Series(1.0, index=data.index)
    frame = pd.DataFrame({"x": data["frequency"].to_numpy(), "age": _age_column(data).to_numpy(),
                          "w": weights.to_numpy()})
    k = np.arange(max_frequency)
    actual = frame.groupby("x")["w"].sum().reindex(k, fill_value=0.0)
    cohorts = frame.groupby("age")["w"].sum()
    ages, counts = cohorts.index.to_numpy(dtype=float), cohorts.to_numpy()
    expected = [float(np.dot(counts, np.asarray(
        model.probability_of_n_purchases_up_to_time(ages, float(n)), dtype=float))) for n in k]
    table = pd.DataFrame({labels[0]: actual.to_numpy(), labels[1]: expected}, index=k)
    ax = table.plot(kind="bar", ax=_axes(ax), **kwargs)
    ax.legend()
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    return ax


def plot_probability_alive_matrix(model: Fitter, max_frequency: Optional[int] = None,
                                  max_recency: Optional[int] = None,
                                  title: str = "Probability Customer is Alive,\n"
                                               "by Frequency and Recency of a Customer",
                                  xlabel: str = "Customer's Historical Frequency",
                                  ylabel: str = "Customer's Recency", ax: Optional[Axes] = None,
                                  **kwargs: Any) -> Axes:
    """P(alive) for every (frequency, recency) of a customer observed for T =
    max_recency (lifetimes' layout: recency down, most recent at the bottom)."""
    ax = _axes(ax)
    max_frequency, max_recency = _data_maxima(model, max_frequency, max_recency)
    matrix = model.conditional_probability_alive_matrix(max_frequency, max_recency)
    return _matrix(ax, matrix, title, xlabel, ylabel, **kwargs)


def plot_frequency_recency_matrix(model: Fitter, T: float = 1,
                                  max_frequency: Optional[int] = None,
                                  max_recency: Optional[int] = None, title: Optional[str] = None,
                                  xlabel: str = "Customer's Historical Frequency",
                                  ylabel: str = "Customer's Recency", ax: Optional[Axes] = None,
                                  **kwargs: Any) -> Axes:
    """Expected purchases in the next ``T`` time units for every (frequency,
    recency) of a customer observed for max_recency."""
    ax = _axes(ax)
    max_frequency, max_recency = _data_maxima(model, max_frequency, max_recency)
    x, t_x = np.meshgrid(np.arange(max_frequency + 1, dtype=float),
                         np.arange(max_recency + 1, dtype=float))
    t_x = np.where(x == 0, 0.0, t_x)
    matrix = np.asarray(model.conditional_expected_number_of_purchases_up_to_time(
        float(T), x, t_x, float(max_recency)))
    if title is None:
        title = (f"Expected Number of Future Purchases for {T} Unit{'s'[T == 1:]} of Time,"
                 "\nby Frequency and Recency of a Customer")
    return _matrix(ax, matrix, title, xlabel, ylabel, **kwargs)


_HOLDOUT_XLABELS = {
    "frequency_cal": "Purchases in calibration period",
    "recency_cal": "Age of customer at last purchase",
    "T_cal": "Age of customer at the end of calibration period",
    "time_since_last_purchase": "Time since user made last purchase",
}


def plot_calibration_purchases_vs_holdout_purchases(
        model: Fitter, calibration_holdout_matrix: pd.DataFrame, kind: str = "frequency_cal",
        n: int = 7, title: str = "Actual Purchases in Holdout Period vs Predicted Purchases",
        xlabel: Optional[str] = None, ylabel: str = "Average of Purchases in Holdout Period",
        ax: Optional[Axes] = None, **kwargs: Any) -> Axes:
    """Mean holdout purchases, actual (``frequency_holdout``) and predicted
    (``model_predictions``), for the first ``n`` values of ``kind``: "frequency_cal",
    "recency_cal", "T_cal" or "time_since_last_purchase" (T_cal - recency_cal).

    ``calibration_holdout_matrix`` is a DataFrame with lifetimes' columns
    frequency_cal, recency_cal, T_cal, frequency_holdout, duration_holdout
    (:func:`cxm.calibration_and_holdout_data`); each customer's prediction is over
    their own duration_holdout (lifetimes takes the first row's for everyone: the
    same when, as there, all are equal).
    """
    if kind not in _HOLDOUT_XLABELS:
        from ._errors import InvalidArgumentError
        raise InvalidArgumentError(f"kind {kind!r} is not one of {', '.join(_HOLDOUT_XLABELS)}")
    d = calibration_holdout_matrix
    summary = d[["frequency_cal", "recency_cal", "T_cal", "frequency_holdout"]].copy()
    summary["model_predictions"] = np.asarray(
        model.conditional_expected_number_of_purchases_up_to_time(
            d["duration_holdout"], d["frequency_cal"], d["recency_cal"], d["T_cal"]),
        dtype=float)
    if kind == "time_since_last_purchase":
        summary[kind] = summary["T_cal"] - summary["recency_cal"]
    table = summary.groupby(kind)[["frequency_holdout", "model_predictions"]].mean().iloc[:n]
    ax = table.plot(ax=_axes(ax), **kwargs)
    ax.set_title(title)
    ax.set_xlabel(_HOLDOUT_XLABELS[kind] if xlabel is None else xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


def plot_expected_repeat_purchases(model: Fitter,
                                   title: str = "Expected Number of Repeat Purchases per Customer",
                                   xlabel: str = "Time Since First Purchase",
                                   ax: Optional[Axes] = None, label: Optional[str] = None,
                                   **kwargs: Any) -> Axes:
    """E[X(t)] of a new customer: solid up to the longest observed T, dashed beyond
    (to 1.5 times it), one colour. BG/BB's opportunities are whole numbers: its
    points are 0, 1, 2, ... n_periods."""
    ax = _axes(ax)
    data = _fitted_data(model, "plot_expected_repeat_purchases")
    max_age = float(_age_column(data).max())
    c, color = kwargs.pop("c", None), kwargs.pop("color", None)
    color = c if c is not None else color
    grid: Callable[[float, float], FloatArray]
    if "n_periods" in data:
        def grid(low: float, high: float) -> FloatArray:
            return np.arange(math.ceil(low), math.floor(high) + 1, dtype=float)
    else:
        def grid(low: float, high: float) -> FloatArray:
            return np.linspace(low, high, 100)
    times = grid(0, max_age)
    line, = ax.plot(times, model.expected_number_of_purchases_up_to_time(times), color=color,
                    label=label, **kwargs)
    times = grid(max_age, 1.5 * max_age)
    ax.plot(times, model.expected_number_of_purchases_up_to_time(times),
            color=line.get_color(), ls="--", **kwargs)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    if label is not None:
        ax.legend(loc="lower right")
    return ax


def plot_history_alive(model: Fitter, t: int, transactions: pd.DataFrame, datetime_col: str,
                       freq: str = "D", start_date: Any = None, ax: Optional[Axes] = None,
                       **kwargs: Any) -> Axes:
    """One customer's P(alive) day by day (:func:`cxm.utils.calculate_alive_path`),
    with their purchases as dashed red lines."""
    import pandas as pd
    from .utils import calculate_alive_path
    path = calculate_alive_path(model, transactions, datetime_col, t, freq)  # checks them
    ax = _axes(ax)
    dates = pd.to_datetime(transactions[datetime_col])
    first = dates.min()
    if start_date is None:
        start_date = first
    path_dates = pd.date_range(start=first, periods=len(path), freq=freq)
    ax.plot(path_dates, path, "-", label="P_alive", **kwargs)
    bought = pd.Series(1, index=pd.DatetimeIndex(dates)).resample(freq).sum()
    ax.vlines(bought[bought >= 1].index.values, ymin=0, ymax=1, colors="r",
              linestyles="dashed", label="purchases")
    ax.set_ylim(0, 1.0)
    ax.set_yticks(np.arange(0, 1.1, 0.1))
    ax.set_xlim(pd.Timestamp(start_date), path_dates[-1])
    ax.legend(loc=3)
    ax.set_ylabel("P_alive")
    ax.set_title("History of P_alive")
    return ax


def _tracking_plot(frame: pd.DataFrame, t_cal: float, set_index_date: bool, title: str,
                   xlabel: str, ylabel: str, ax: Optional[Axes], kwargs: Dict[str, Any]) -> Axes:
    ax = frame.plot(ax=_axes(ax), title=title, **kwargs)
    if set_index_date:
        x_vline = frame.index[int(t_cal)]
        xlabel = "date"
    else:
        x_vline = t_cal
    ax.axvline(x=x_vline, color="r", linestyle="--")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def plot_cumulative_transactions(model: Fitter, transactions: pd.DataFrame, datetime_col: str,
                                 customer_id_col: str, t: int, t_cal: float,
                                 datetime_format: Optional[str] = None, freq: str = "D",
                                 set_index_date: bool = False,
                                 title: str = "Tracking Cumulative Transactions",
                                 xlabel: str = "day", ylabel: str = "Cumulative Transactions",
                                 ax: Optional[Axes] = None, freq_multiplier: int = 1,
                                 **kwargs: Any) -> Axes:
    """Actual vs predicted cumulative repeat purchases of the cohort
    (:func:`cxm.utils.expected_cumulative_transactions`: ``t`` periods of ``freq``, a
    point every ``freq_multiplier`` of them), the calibration end ``t_cal`` (in points)
    marked by a dashed red line. The model must be in units of freq_multiplier ×
    freq (e.g. weeks: freq="D", freq_multiplier=7)."""
    from .utils import expected_cumulative_transactions
    frame = expected_cumulative_transactions(model, transactions, datetime_col, customer_id_col,
                                             t, datetime_format=datetime_format, freq=freq,
                                             set_index_date=set_index_date,
                                             freq_multiplier=freq_multiplier)
    return _tracking_plot(frame, t_cal, set_index_date, title, xlabel, ylabel, ax, kwargs)


def plot_incremental_transactions(model: Fitter, transactions: pd.DataFrame, datetime_col: str,
                                  customer_id_col: str, t: int, t_cal: float,
                                  datetime_format: Optional[str] = None, freq: str = "D",
                                  set_index_date: bool = False,
                                  title: str = "Tracking Daily Transactions", xlabel: str = "day",
                                  ylabel: str = "Transactions", ax: Optional[Axes] = None,
                                  freq_multiplier: int = 1, **kwargs: Any) -> Axes:
    """As :func:`plot_cumulative_transactions`, point by point (the first point has
    no increment, as in lifetimes)."""
    from .utils import expected_cumulative_transactions
    frame = expected_cumulative_transactions(model, transactions, datetime_col, customer_id_col,
                                             t, datetime_format=datetime_format, freq=freq,
                                             set_index_date=set_index_date,
                                             freq_multiplier=freq_multiplier)
    frame = frame.astype(float) - frame.astype(float).shift(1)
    return _tracking_plot(frame, t_cal, set_index_date, title, xlabel, ylabel, ax, kwargs)


# The 99% quantiles that end the heterogeneity plots' x axes (lifetimes': scipy's
# ppf(0.99)), from the regularised incomplete gamma and beta functions.

def _gamma_cdf(shape: float, z: float) -> float:
    """P(shape, z) by its power series; all terms are positive (no cancellation)."""
    if z <= 0.0:
        return 0.0
    term = math.exp(shape * math.log(z) - z - math.lgamma(shape + 1.0))
    total, k = term, 0
    while term > 1e-17 * total and k < 10**6:
        k += 1
        term *= z / (shape + k)
        total += term
    return min(total, 1.0)


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b) (modified Lentz), for x < (a+1)/(a+b+2)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10**5):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h


def _beta_cdf(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularised incomplete beta function."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(a * math.log(x) + b * math.log1p(-x) + math.lgamma(a + b)
                     - math.lgamma(a) - math.lgamma(b))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


def _quantile(cdf: Callable[[float], float], p: float, high: float) -> float:
    """The x in (0, high] with cdf(x) = p, by bisection (cdf increasing)."""
    while cdf(high) < p and high < 1e300:
        high *= 2.0
    low = 0.0
    for _ in range(200):
        mid = 0.5 * (low + high)
        if cdf(mid) < p:
            low = mid
        else:
            high = mid
        if high - low <= 1e-12 * high:
            break
    return 0.5 * (low + high)


def _density_plot(ax: Optional[Axes], x: FloatArray, density: FloatArray, suptitle: str,
                  suptitle_fontsize: float, mean: float, var: float, xlabel: str, ylabel: str,
                  kwargs: Dict[str, Any]) -> Axes:
    ax = _axes(ax)
    ax.figure.suptitle(suptitle, fontsize=suptitle_fontsize, fontweight="bold")
    ax.set_title(f"mean: {mean:.3f}, var: {var:.3f}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.figure.tight_layout(rect=[0, 0.03, 1, 0.95])
    ax.plot(x, density, **kwargs)
    return ax


def plot_transaction_rate_heterogeneity(model: Fitter,
                                        suptitle: str = "Heterogeneity in Transaction Rate",
                                        xlabel: str = "Transaction Rate", ylabel: str = "Density",
                                        suptitle_fontsize: float = 14,
                                        ax: Optional[Axes] = None, **kwargs: Any) -> Axes:
    """The fitted Gamma(r, alpha) density of the purchase rates lambda, from 0 to its
    99% quantile; the subtitle gives its mean r/alpha and variance r/alpha²."""
    r, alpha = _params(model, ("r", "alpha"), "plot_transaction_rate_heterogeneity")
    limit = _quantile(lambda z: _gamma_cdf(r, z), 0.99, max(r, 1.0)) / alpha
    x = np.linspace(0, limit, 100)
    with np.errstate(divide="ignore"):
        log_density = r * math.log(alpha) + (r - 1.0) * np.log(x) - alpha * x - math.lgamma(r)
    density = np.exp(log_density)
    if r == 1.0:
        density[0] = alpha
    return _density_plot(ax, x, density, suptitle, suptitle_fontsize, r / alpha, r / alpha**2,
                         xlabel, ylabel, kwargs)


def plot_dropout_rate_heterogeneity(model: Fitter,
                                    suptitle: str = "Heterogeneity in Dropout Probability",
                                    xlabel: str = "Dropout Probability p", ylabel: str = "Density",
                                    suptitle_fontsize: float = 14, ax: Optional[Axes] = None,
                                    **kwargs: Any) -> Axes:
    """The fitted Beta(a, b) density of the dropout probabilities p, from 0 to its 99%
    quantile; the subtitle gives its mean a/(a+b) and variance ab/((a+b)²(a+b+1))."""
    a, b = _params(model, ("a", "b"), "plot_dropout_rate_heterogeneity")
    limit = min(_quantile(lambda p: _beta_cdf(a, b, p), 0.99, 1.0), 1.0)
    x = np.linspace(0, limit, 100)
    with np.errstate(divide="ignore"):
        log_density = ((a - 1.0) * np.log(x) + (b - 1.0) * np.log1p(-x)
                       + math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b))
    density = np.exp(log_density)
    if a == 1.0:
        density[0] = b
    mean, var = a / (a + b), a * b / (a + b) ** 2 / (a + b + 1.0)
    return _density_plot(ax, x, density, suptitle, suptitle_fontsize, mean, var, xlabel, ylabel,
                         kwargs)


# ------------------------------------------------------------------ the journey model

def plot_attribution(attribution: pd.DataFrame, columns: Optional[Sequence[str]] = None,
                     label: str = "channel",
                     title: str = "Conversions attributed to each channel",
                     ax: Optional[Axes] = None, **kwargs: Any) -> Axes:
    """Horizontal bars of attributed conversions, one group per channel.

    ``attribution`` is a DataFrame from :func:`cxm.journey.markov_attribution`
    (column ``conversions``), :func:`heuristic_attribution` (first_touch,
    last_touch, ...) or both merged; ``columns`` picks the bars."""
    frame = attribution.reset_index() if label not in attribution else attribution
    if columns is None:
        columns = [c for c in ("conversions", "first_touch", "last_touch", "linear",
                               "position_based", "shapley") if c in frame]
    ax = _axes(ax)
    positions = np.arange(len(frame))
    height = 0.8 / max(1, len(columns))
    for k, column in enumerate(columns):
        ax.barh(positions + k * height, frame[column], height=height,
                label="Markov" if column == "conversions" else column.replace("_", " "), **kwargs)
    ax.set_yticks(positions + height * (len(columns) - 1) / 2)
    ax.set_yticklabels(frame[label])
    ax.invert_yaxis()
    ax.set_xlabel("conversions")
    ax.set_title(title)
    if len(columns) > 1:
        ax.legend()
    return ax


_QUADRANT_COLOURS = {"pain point": "#dd6b20", "bright spot": "#38a169",
                     "low priority": "#718096", "possible overkill": "#2b6cb0"}


def plot_importance_performance(experience_map: pd.DataFrame, label: Optional[str] = None,
                                title: str = "Importance-performance map",
                                ax: Optional[Axes] = None, **kwargs: Any) -> Axes:
    """The experience map (:meth:`cxm.journey.Journeys.experience_map` or
    :func:`cxm.journey.importance_performance`): points coloured by quadrant,
    split at the means; pain points bottom right, bright spots top right."""
    frame = experience_map
    if label is None:
        label = "name" if "name" in frame else ("label" if "label" in frame else "touchpoint")
    rated = frame[np.isfinite(frame["importance"]) & np.isfinite(frame["performance"])]
    ax = _axes(ax)
    colours = [_QUADRANT_COLOURS.get(q, "#000000") for q in rated["quadrant"]]
    ax.scatter(rated["importance"], rated["performance"], c=colours, **kwargs)
    for _, row in rated.iterrows():
        ax.annotate(str(row[label]), (row["importance"], row["performance"]),
                    textcoords="offset points", xytext=(4, 4), fontsize=8)
    imp_mean = frame.attrs.get("importance_mean", rated["importance"].mean())
    perf_mean = frame.attrs.get("performance_mean", rated["performance"].mean())
    ax.axvline(imp_mean, color="grey", linestyle="--", linewidth=1)
    ax.axhline(perf_mean, color="grey", linestyle="--", linewidth=1)
    corners = (("possible overkill", 0.02, 0.98, "left", "top"),
               ("bright spots", 0.98, 0.98, "right", "top"),
               ("low priority", 0.02, 0.02, "left", "bottom"),
               ("pain points", 0.98, 0.02, "right", "bottom"))
    for text, x, y, ha, va in corners:
        ax.text(x, y, text, transform=ax.transAxes, ha=ha, va=va, fontsize=8, color="grey")
    ax.set_xlabel("importance")
    ax.set_ylabel("performance")
    ax.set_title(title)
    return ax


def plot_touchpoint_gap(gap: pd.DataFrame, label: str = "touchpoint",
                        title: str = "Inside out vs outside in: employees' and customers' ratings",
                        ax: Optional[Axes] = None, **kwargs: Any) -> Axes:
    """Employees' and customers' mean ratings per touchpoint, side by side
    (:meth:`cxm.journey.Journeys.touchpoint_gap`)."""
    frame = gap.reset_index() if label not in gap else gap
    ax = _axes(ax)
    positions = np.arange(len(frame))
    ax.barh(positions - 0.2, frame["employee_mean"], height=0.4, label="employees", **kwargs)
    ax.barh(positions + 0.2, frame["customer_mean"], height=0.4, label="customers", **kwargs)
    ax.set_yticks(positions)
    ax.set_yticklabels(frame[label])
    ax.invert_yaxis()
    ax.set_xlabel("mean rating")
    ax.set_title(title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    return ax


def plot_funnel(funnel: pd.DataFrame, segment: str = "(all)",
                title: str = "Funnel: customers reaching each decision",
                ax: Optional[Axes] = None, **kwargs: Any) -> Axes:
    """The funnel EXPLORE > BUY > PROMOTE (:meth:`cxm.journey.Journeys.funnel`)
    of one segment, with the step rates."""
    frame = funnel[funnel["segment"] == segment] if "segment" in funnel else funnel
    ax = _axes(ax)
    counts = frame["customers"].to_numpy(dtype=float)
    positions = np.arange(len(frame))
    top = counts[0] if len(counts) and counts[0] > 0 else 1.0
    ax.barh(positions, counts, left=(top - counts) / 2, **kwargs)
    for k, (count, rate) in enumerate(zip(counts, frame["rate"])):
        text = f"{count:,.0f}" + ("" if k == 0 else f" ({100 * rate:.1f}%)")
        ax.text(top / 2, k, text, ha="center", va="center", color="white", fontsize=9)
    ax.set_yticks(positions)
    ax.set_yticklabels(frame["decision"])
    ax.invert_yaxis()
    ax.set_xticks([])
    ax.set_title(title)
    return ax
