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
    cp.plot_cumulative_transactions(bgf, transactions, "date", "customer_id", t=78, t_cal=39,
                                    freq="D", freq_multiplier=7)
    world = cxm.simulate()
    j = world.journeys()
    cp.plot_attribution(j.markov_attribution())
    cp.plot_importance_performance(j.experience_map())
    cp.plot_touchpoint_gap(j.touchpoint_gap())
    cp.plot_funnel(j.funnel())

The numbers come from the library; this module only draws them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Sequence, Tuple

import numpy as np
from numpy.typing import NDArray

from ._arrays import FloatArray

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from .btyd import _Fitter, _PurchaseFitter

__all__ = [
    "plot_probability_alive_matrix", "plot_frequency_recency_matrix",
    "plot_calibration_purchases_vs_holdout_purchases", "plot_cumulative_transactions",
    "plot_incremental_transactions", "plot_attribution", "plot_importance_performance",
    "plot_touchpoint_gap", "plot_funnel",
]


def _axes(ax: Optional[Axes]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt
    return plt.figure().add_subplot(111)


def _data_maxima(model: _Fitter, max_frequency: Optional[int],
                 max_recency: Optional[int]) -> Tuple[int, int]:
    data = getattr(model, "data", None)
    if max_frequency is None:
        max_frequency = int(data["frequency"].max()) if data is not None else 30
    if max_recency is None:
        max_recency = int(data["T"].max()) if data is not None else 52
    return max_frequency, max_recency


def _matrix(ax: Axes, matrix: Any, title: str, xlabel: str, ylabel: str, colorbar_label: str,
            **kwargs: Any) -> Axes:
    image = ax.imshow(matrix, origin="upper", aspect="auto", **kwargs)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.figure.colorbar(image, ax=ax, label=colorbar_label)
    return ax


# ------------------------------------------------------------------ lifetime value

def plot_probability_alive_matrix(model: _PurchaseFitter, max_frequency: Optional[int] = None,
                                  max_recency: Optional[int] = None,
                                  title: str = ("Probability customer is alive,\n"
                                                "by frequency and recency"),
                                  xlabel: str = "customer's historical frequency",
                                  ylabel: str = "customer's recency", ax: Optional[Axes] = None,
                                  **kwargs: Any) -> Axes:
    """P(alive) for every (frequency, recency) of a customer observed for T =
    max_recency (lifetimes' layout: recency down, most recent at the bottom)."""
    ax = _axes(ax)
    max_frequency, max_recency = _data_maxima(model, max_frequency, max_recency)
    matrix = model.conditional_probability_alive_matrix(max_frequency, max_recency)
    kwargs.setdefault("cmap", "viridis")
    kwargs.setdefault("vmin", 0.0)
    kwargs.setdefault("vmax", 1.0)
    return _matrix(ax, matrix, title, xlabel, ylabel, "P(alive)", **kwargs)


def plot_frequency_recency_matrix(model: _PurchaseFitter, T: float = 1,
                                  max_frequency: Optional[int] = None,
                                  max_recency: Optional[int] = None, title: Optional[str] = None,
                                  xlabel: str = "customer's historical frequency",
                                  ylabel: str = "customer's recency", ax: Optional[Axes] = None,
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
        title = f"Expected purchases in the next {T:g} time units,\nby frequency and recency"
    kwargs.setdefault("cmap", "viridis")
    return _matrix(ax, matrix, title, xlabel, ylabel, "expected purchases", **kwargs)


def plot_calibration_purchases_vs_holdout_purchases(
        model: _PurchaseFitter, calibration_holdout_matrix: pd.DataFrame,
        kind: str = "frequency_cal", n: int = 7,
        title: str = "Actual purchases in the holdout period vs predicted",
        xlabel: str = "purchases in the calibration period",
        ylabel: str = "average purchases in the holdout",
        ax: Optional[Axes] = None, **kwargs: Any) -> Axes:
    """Mean holdout purchases by calibration frequency, actual and predicted.

    ``calibration_holdout_matrix`` is a DataFrame with lifetimes' columns
    frequency_cal, recency_cal, T_cal, frequency_holdout, duration_holdout
    (:func:`cxm.calibration_and_holdout_data`). Only ``kind="frequency_cal"``
    is supported.
    """
    if kind != "frequency_cal":
        from ._errors import InvalidArgumentError
        raise InvalidArgumentError(f"kind {kind!r} is not supported (use 'frequency_cal')")
    d = calibration_holdout_matrix
    table = model.calibration_holdout(d["frequency_cal"], d["recency_cal"], d["T_cal"],
                                      d["duration_holdout"], d["frequency_holdout"], bins=n)
    ax = _axes(ax)
    positions = np.arange(len(table))
    ax.plot(positions, table["actual"], marker="o", label="actual", **kwargs)
    ax.plot(positions, table["predicted"], marker="s", label="model", **kwargs)
    ax.set_xticks(positions)
    ax.set_xticklabels(table.index)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


def _tracking(model: _PurchaseFitter, transactions: pd.DataFrame, datetime_col: str,
              customer_id_col: str, t: int, freq: str,
              freq_multiplier: float) -> Tuple[NDArray[Any], FloatArray, Any]:
    """Actual and predicted cumulative repeat purchases at the end of periods 1..t."""
    import pandas as pd
    dates = pd.to_datetime(transactions[datetime_col])
    unit = pd.Timedelta(1, unit=freq) * freq_multiplier
    frame = pd.DataFrame({"id": transactions[customer_id_col].values,
                          "day": dates.dt.floor(freq).values})
    frame = frame.drop_duplicates()
    first = frame.groupby("id")["day"].transform("min")
    origin = frame["day"].min()
    first_by_customer = frame.groupby("id")["day"].min()
    repeats = frame.loc[frame["day"] > first, "day"]
    periods = np.arange(1, int(t) + 1)
    edges = np.asarray(origin + periods * unit, dtype="datetime64[ns]")
    actual = np.searchsorted(np.sort(repeats.to_numpy(dtype="datetime64[ns]")), edges,
                             side="left")
    first_time = ((first_by_customer - origin) / unit).to_numpy(dtype=float)
    predicted = np.asarray(model.expected_cumulative_transactions(first_time,
                                                                  periods.astype(float)))
    return periods, actual.astype(float), predicted


def plot_cumulative_transactions(model: _PurchaseFitter, transactions: pd.DataFrame,
                                 datetime_col: str, customer_id_col: str, t: int, t_cal: float,
                                 freq: str = "D", freq_multiplier: float = 1,
                                 title: str = "Tracking cumulative transactions",
                                 xlabel: str = "time",
                                 ylabel: str = "cumulative repeat transactions",
                                 ax: Optional[Axes] = None, **kwargs: Any) -> Axes:
    """Actual vs predicted cumulative repeat purchases of the cohort over
    ``t`` periods of ``freq_multiplier`` × ``freq`` (e.g. freq="D",
    freq_multiplier=7 for weeks), with the calibration end ``t_cal`` marked.
    The model must be in the same time unit."""
    periods, actual, predicted = _tracking(model, transactions, datetime_col, customer_id_col,
                                           t, freq, freq_multiplier)
    ax = _axes(ax)
    ax.plot(periods, actual, label="actual", **kwargs)
    ax.plot(periods, predicted, label="model", linestyle="--", **kwargs)
    ax.axvline(t_cal, color="k", linestyle=":", linewidth=1)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


def plot_incremental_transactions(model: _PurchaseFitter, transactions: pd.DataFrame,
                                  datetime_col: str, customer_id_col: str, t: int, t_cal: float,
                                  freq: str = "D", freq_multiplier: float = 1,
                                  title: str = "Tracking daily transactions", xlabel: str = "time",
                                  ylabel: str = "repeat transactions", ax: Optional[Axes] = None,
                                  **kwargs: Any) -> Axes:
    """As :func:`plot_cumulative_transactions`, period by period."""
    periods, actual, predicted = _tracking(model, transactions, datetime_col, customer_id_col,
                                           t, freq, freq_multiplier)
    ax = _axes(ax)
    ax.plot(periods, np.diff(actual, prepend=0.0), label="actual", **kwargs)
    ax.plot(periods, np.diff(predicted, prepend=0.0), label="model", linestyle="--", **kwargs)
    ax.axvline(t_cal, color="k", linestyle=":", linewidth=1)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


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
