"""A simulated customer base where the three models of libcxm live together.

Customers with their own expectations walk through the touchpoints of a
journey map, perceive and feel each one, decide to explore, buy, promote or
leave, rate touchpoints and answer a survey; buyers keep buying by a BG/NBD
process until they drop out (satisfaction moves the dropout) and spend by
the Gamma-Gamma model; employees rate their own touchpoints. The process and
the settings are documented in ``docs/simulation.md`` and ``cxm/sim.h``::

    >>> import cxm
    >>> world = cxm.simulate(customers=2000, seed=7)
    >>> world.events.head()                 # customer, timestamp, touchpoint, ...
    >>> world.journeys().experience_map()   # the journey model on the events
    >>> world.summary()                     # frequency, recency, T, monetary_value
    >>> cxm.chain.PathModel.preset("chain").fit(world.survey)
    >>> world.customers.attrs["r"]          # the truth behind the data

The same seed gives the same world on every platform; ``quality=`` changes
what touchpoints deliver for the same customers (a what-if).
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, Mapping, Optional, Union

import numpy as np

from . import core
from ._arrays import as_count, as_float, as_path, as_seed, as_text, _describe
from ._errors import ArgumentTypeError, FileError

if TYPE_CHECKING:
    import pandas as pd

    from .journey import JourneyMap, Journeys

# Settings: a dict, JSON text or the name of a JSON file.
Settings = Union[Dict[str, Any], str, "os.PathLike[str]"]

__all__ = ["simulate", "default_settings", "World"]


def _frame(table: Any, times: Iterable[str] = ()) -> pd.DataFrame:
    from .journey import _frame as frame
    import pandas as pd
    df = frame(table)
    for name in times:
        if name in df:
            df[name] = pd.to_datetime(df[name], unit="D").dt.round("s")
    return df


def default_settings() -> Dict[str, Any]:
    """The built-in world's complete settings as a dict (what ``cxm world
    --print-settings`` prints)."""
    return json.loads(core.sim_settings_to_json(core.sim_settings_default()))


def _settings(settings: Optional[Settings]) -> Any:
    if settings is None:
        return core.sim_settings_default()
    if isinstance(settings, dict):
        try:
            text = json.dumps(settings, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ArgumentTypeError(f"settings cannot be written as JSON: {exc}") from None
        return core.sim_settings_parse_json(text, "settings")
    if isinstance(settings, str) and settings.lstrip().startswith("{"):
        return core.sim_settings_parse_json(as_text(settings, "settings"), "settings")
    if isinstance(settings, (str, os.PathLike)):
        return core.sim_settings_load_json(as_path(settings, "settings"))
    raise ArgumentTypeError(
        f"settings must be a dict, JSON text or a file name, not {type(settings).__name__}")


class World:
    """A simulated world. Its data, as pandas DataFrames:

    * ``events``: the event log (customer, timestamp, touchpoint, value,
      rating, valence, segment), what :class:`cxm.journey.Journeys` reads;
    * ``transactions``: customer_id, date, amount (first and repeat purchases);
    * ``survey``: one row per responding buyer: recommend (0-10), csat (1-5),
      the items of the "chain" path model (EXPE1..STAY2, 1-10) and rate_ID
      per touchpoint;
    * ``customers``: the truth behind the data (latent constructs, decisions,
      purchases); ``customers.attrs`` holds the true model parameters;
    * ``journey_map``: a :class:`cxm.journey.JourneyMap` with the employees'
      self-ratings; ``settings``: the complete settings as a dict.
    """

    def __init__(self, handle: Any, settings_handle: Any) -> None:
        self._handle = handle
        self._settings = settings_handle
        self._cache: Dict[str, pd.DataFrame] = {}

    def _get(self, name: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = make()
        return self._cache[name]

    @property
    def events(self) -> pd.DataFrame:
        """The event log: customer, timestamp, touchpoint, value, rating, valence, segment."""
        return self._get("events", lambda: _frame(core.sim_events(self._handle), ["timestamp"]))

    @property
    def transactions(self) -> pd.DataFrame:
        """The transaction log: customer_id, date, amount (purchases of the buyers)."""
        return self._get("transactions",
                         lambda: _frame(core.sim_transactions(self._handle), ["date"]))

    @property
    def survey(self) -> pd.DataFrame:
        """The survey answers of the buyers who responded: recommend, csat, the chain preset's items, a rating per touchpoint."""
        return self._get("survey", lambda: _frame(core.sim_survey(self._handle), ["date"]))

    @property
    def customers(self) -> pd.DataFrame:
        """The truth beside the data: one row per customer with the latent constructs, decisions and purchases."""
        return self._get("customers", lambda: _frame(core.sim_customers(self._handle),
                                                     ["arrival", "first_purchase"]))

    @property
    def journey_map(self) -> JourneyMap:
        """The journey map the world ran on, employees' self-ratings included (:class:`cxm.journey.JourneyMap`)."""
        from .journey import JourneyMap
        m = JourneyMap.__new__(JourneyMap)
        m._handle = core.sim_journey_map(self._handle)
        return m

    @property
    def settings(self) -> Dict[str, Any]:
        """The complete settings of this world as a dict."""
        return json.loads(core.sim_settings_to_json(self._settings))

    def journeys(self) -> Journeys:
        """The events as :class:`cxm.journey.Journeys` (segments included)."""
        from .journey import Journeys
        j = Journeys.__new__(Journeys)
        j.map = self.journey_map
        j._handle = core.sim_journeys(self._handle)
        return j

    def summary(self) -> pd.DataFrame:
        """The transactions summarised per customer in the model's time unit
        (weeks by default): frequency, recency, T, monetary_value,
        first_purchase; indexed by customer id. What BetaGeoFitter and
        GammaGammaFitter fit on."""
        from .rfm import RFMSummary
        summary = RFMSummary(core.sim_rfm(self._handle), False, True, "customer_id")
        return summary.to_dataframe()

    def write(self, directory: Union[str, "os.PathLike[str]"]) -> None:
        """Write events.csv, transactions.csv, survey.csv, customers.csv,
        map.json and settings.json into ``directory`` (created if needed)."""
        directory = as_path(directory, "directory")
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError as exc:
            raise FileError(f"{directory}: cannot create the directory: {exc.strerror}") from None
        core.sim_write(self._handle, directory)

    def __repr__(self) -> str:
        a = self.customers.attrs
        return (f"<cxm.sim.World: {int(a['customers'])} customers, {int(a['buyers'])} buyers, "
                f"{int(a['promoters'])} promoters, {int(a['respondents'])} survey answers>")


def simulate(settings: Optional[Settings] = None, *, customers: Optional[int] = None,
             seed: Optional[int] = None,
             quality: Optional[Mapping[str, float]] = None) -> World:
    """Simulate a world and return it as a :class:`World` of DataFrames.

    settings: None (the built-in world), a dict or JSON text changing it
        (every key optional; see ``default_settings()`` and
        docs/simulation.md), or the name of a JSON file.
    customers, seed: override the settings' values.
    quality: {touchpoint id: quality delivered (0-10)}, a what-if for the
        same customers.
    """
    s = _settings(settings)
    if customers is not None:
        core.sim_settings_set_customers(s, as_count(customers, "customers", minimum=1))
    if seed is not None:
        core.sim_settings_set_seed(s, as_seed(seed))
    if quality is not None and not isinstance(quality, dict):
        raise ArgumentTypeError(f"quality must be a dict {{touchpoint id: quality}}, got "
                                f"{_describe(quality)}")
    for tp, q in (quality or {}).items():
        tp = as_text(tp if isinstance(tp, str) else str(tp), "quality: touchpoint id")
        core.sim_settings_set_quality(s, tp, as_float(q, f"quality[{tp!r}]"))
    return World(core.sim_run(s), s)
