"""lifetimes.datasets' loaders, on the same files (MIT, from lifetimes), installed
with the package::

    from cxm.datasets import load_cdnow_summary
    data = load_cdnow_summary(index_col=[0])      # ID, frequency, recency, T (weeks)

- ``load_cdnow_summary``: the CDNOW sample summarised over the 39-week calibration
  (2,357 customers; Fader, Hardie & Lee 2005).
- ``load_cdnow_summary_data_with_monetary_value``: the same with the mean repeat
  spend, indexed by customer_id (Gamma-Gamma: p=6.25, q=3.74, v=15.44).
- ``load_cdnow_transactions``: the sample's transaction log (master id, customer id,
  date, CDs, dollars); beyond lifetimes, which ships it without a loader.
- ``load_donations``: BG/BB's donation patterns (frequency, recency, periods, weights).
- ``load_dataset(filename, **kwargs)``: any of the files, read by pandas.read_csv.

lifetimes' ``load_transaction_data`` (its artificial example_transactions.csv) is not
shipped: load_cdnow_transactions is the real transaction log to use instead.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ._errors import FileError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["load_dataset", "load_cdnow_summary", "load_cdnow_summary_data_with_monetary_value",
           "load_cdnow_transactions", "load_donations"]

# The data files sit in the package's data/ directory (installed and staged alike).
DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def load_dataset(filename: str, **kwargs: Any) -> pd.DataFrame:
    """One of the package's data files as a DataFrame (``kwargs`` go to pandas.read_csv)."""
    import pandas as pd
    path = os.path.join(DATA_DIR, os.path.basename(str(filename)))
    if not os.path.isfile(path):
        shipped = sorted(os.listdir(DATA_DIR)) if os.path.isdir(DATA_DIR) else []
        raise FileError(f"{path}: no such data file (cxm ships {', '.join(shipped) or 'none'})")
    return pd.read_csv(path, **kwargs)


def load_cdnow_summary(**kwargs: Any) -> pd.DataFrame:
    """The CDNOW sample's summary: ID, frequency, recency, T (weeks, 2 decimals)."""
    return load_dataset("cdnow_customers_summary.csv", **kwargs)


def load_cdnow_summary_data_with_monetary_value(**kwargs: Any) -> pd.DataFrame:
    """CDNOW summary with the mean repeat spend: frequency, recency, T, monetary_value,
    indexed by customer_id."""
    frame = load_dataset("cdnow_customers_summary_with_transactions.csv", **kwargs)
    frame.columns = ["customer_id", "frequency", "recency", "T", "monetary_value"]
    return frame.set_index("customer_id")


def load_cdnow_transactions(**kwargs: Any) -> pd.DataFrame:
    """The CDNOW sample's 6,919 purchases: columns master_id, id, date (datetime), cds,
    amount."""
    import pandas as pd
    options = {"sep": r"\s+", "header": None,
               "names": ["master_id", "id", "date", "cds", "amount"]}
    options.update(kwargs)
    frame = load_dataset("CDNOW_sample.txt", **options)
    if "date" in frame and frame["date"].dtype.kind in "iu":
        frame["date"] = pd.to_datetime(frame["date"].astype(str), format="%Y%m%d")
    return frame


def load_donations(**kwargs: Any) -> pd.DataFrame:
    """Donation patterns for BG/BB: frequency, recency, periods, weights."""
    return load_dataset("donations.csv", **kwargs)
