"""cxm.utils (lifetimes.utils' names) and cxm.datasets (lifetimes.datasets').

Expected values are computed here from the BG/NBD closed forms of Fader, Hardie &
Lee (2005), "Counting your customers the easy way" (docs/models.md §1.4), with the
Gauss hypergeometric series summed term by term (the library avoids that series), on
transaction logs small enough to count by hand.
"""
import math
import unittest

import numpy as np
import pandas as pd

import cxm
from cxm.datasets import (load_cdnow_summary, load_cdnow_summary_data_with_monetary_value,
                          load_cdnow_transactions, load_donations, load_dataset)
from cxm.utils import (calculate_alive_path, expected_cumulative_transactions,
                       summary_data_from_transaction_data, calibration_and_holdout_data)

R, ALPHA, A, B = 0.25, 4.0, 0.8, 2.5


def hyp2f1(a, b, c, z):
    """Gauss's series, for 0 <= z < 1 (every term positive here)."""
    term, total, n = 1.0, 1.0, 0
    while abs(term) > 1e-17 * abs(total):
        term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
        total += term
        n += 1
    return total


def bgnbd_expected(t, r=R, alpha=ALPHA, a=A, b=B):
    """E[X(t)] of a new customer (FHL 2005, eq. 9)."""
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))


def bgnbd_p_alive(x, t_x, T, r=R, alpha=ALPHA, a=A, b=B):
    """P(alive | x, t_x, T) (FHL 2005, note after eq. 10)."""
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))


def model():
    return cxm.BetaGeoFitter().set_params(r=R, alpha=ALPHA, a=A, b=B)


# Four customers over January 2020 (day 0 = 1 January). A buys on days 0, 3 (twice: one
# purchase, as lifetimes counts days), 10; B on days 2 (twice), 13, 15; C on day 5; D first
# buys on day 20, after the 14 days tracked.
LOG = pd.DataFrame({
    "id": ["A", "A", "A", "A", "B", "B", "B", "B", "C", "D"],
    "date": ["2020-01-01", "2020-01-04 09:00", "2020-01-04 18:00", "2020-01-11",
             "2020-01-03", "2020-01-03 12:00", "2020-01-14", "2020-01-16", "2020-01-06",
             "2020-01-21"],
})


class ExpectedCumulativeTransactions(unittest.TestCase):
    def test_weekly_points_by_hand(self):
        frame = expected_cumulative_transactions(model(), LOG, "date", "id", 14, freq="D",
                                                 freq_multiplier=7)
        self.assertEqual(list(frame.columns), ["actual", "predicted"])
        self.assertEqual(list(frame.index), [0, 1])
        # Repeat purchases before day 7: A's day 3. Before day 14: A's days 3, 10, B's day 13.
        self.assertEqual(frame["actual"].tolist(), [1, 3])
        # Cohorts born on days 0 (A), 2 (B), 5 (C), ages in weeks at days 7 and 14.
        week1 = bgnbd_expected(1) + bgnbd_expected(5 / 7) + bgnbd_expected(2 / 7)
        week2 = bgnbd_expected(2) + bgnbd_expected(12 / 7) + bgnbd_expected(9 / 7)
        np.testing.assert_allclose(frame["predicted"], [week1, week2], rtol=1e-12)

    def test_daily_points_and_dates(self):
        frame = expected_cumulative_transactions(model(), LOG, "date", "id", 16, freq="D",
                                                 set_index_date=True)
        self.assertEqual(len(frame), 16)
        self.assertEqual(str(frame.index[0]), "2020-01-01")
        self.assertEqual(str(frame.index[-1]), "2020-01-16")
        # Row k: repeat purchases before day k+1, i.e. up to and including day k.
        counts = np.zeros(16, dtype=int)
        for day in (3, 10, 13, 15):
            counts[day:] += 1
        self.assertEqual(frame["actual"].tolist(), counts.tolist())
        births = (0, 2, 5)
        for k in (0, 4, 15):
            end = k + 1
            expected = sum(bgnbd_expected(end - b) for b in births if b < end)
            self.assertAlmostEqual(frame["predicted"].iloc[k], expected, places=12)

    def test_bad_arguments(self):
        with self.assertRaises(cxm.InvalidArgumentError):
            expected_cumulative_transactions(model(), LOG, "date", "id", 6, freq_multiplier=7)
        with self.assertRaises(cxm.InvalidArgumentError):
            expected_cumulative_transactions(model(), LOG, "when", "id", 14)
        with self.assertRaises(cxm.InvalidArgumentError):
            expected_cumulative_transactions(model(), LOG.iloc[:0], "date", "id", 14)
        with self.assertRaises(cxm.ParseError):
            expected_cumulative_transactions(model(), LOG.assign(date="yesterday"), "date",
                                             "id", 14)
        with self.assertRaises(cxm.ArgumentTypeError):
            expected_cumulative_transactions(object(), LOG, "date", "id", 14)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "row 2"):
            expected_cumulative_transactions(model(), LOG.assign(id=LOG["id"].where(
                LOG.index != 2)), "date", "id", 14)
        with self.assertRaisesRegex(cxm.ParseError, "row 1"):
            expected_cumulative_transactions(model(), LOG.assign(date=LOG["date"].where(
                LOG.index != 1)), "date", "id", 14)
        with self.assertRaises(cxm.ArgumentTypeError):
            expected_cumulative_transactions(model(), LOG, "date", "id", "14")


class AlivePath(unittest.TestCase):
    def test_against_the_closed_form(self):
        one = LOG[LOG["id"] == "A"]
        path = calculate_alive_path(model(), one, "date", 12)
        self.assertIsInstance(path, pd.Series)
        self.assertEqual(len(path), 13)
        days = (0, 3, 10)
        for T in range(13):
            seen = [d for d in days if d <= T]
            x, t_x = len(seen) - 1, seen[-1]
            self.assertAlmostEqual(path.iloc[T], bgnbd_p_alive(x, t_x, T), places=12, msg=T)

    def test_history_longer_than_t(self):
        path = calculate_alive_path(model(), LOG[LOG["id"] == "A"], "date", 3)
        self.assertEqual(len(path), 11)  # the purchases run to day 10
        self.assertAlmostEqual(path.iloc[10], bgnbd_p_alive(2, 10, 10), places=12)


class Datasets(unittest.TestCase):
    def test_cdnow_summary(self):
        data = load_cdnow_summary(index_col=[0])
        self.assertEqual(data.shape, (2357, 3))
        self.assertEqual(list(data.columns), ["frequency", "recency", "T"])
        self.assertEqual(data.loc[1].tolist(), [2, 30.43, 38.86])

    def test_monetary_value(self):
        data = load_cdnow_summary_data_with_monetary_value()
        self.assertEqual(data.index.name, "customer_id")
        self.assertEqual(list(data.columns), ["frequency", "recency", "T", "monetary_value"])
        self.assertEqual(data.loc[6].tolist(), [7, 29.43, 38.86, 73.74])
        self.assertEqual(int((data["frequency"] > 0).sum()), 946)

    def test_transactions_summarise_to_the_summary(self):
        log = load_cdnow_transactions()
        self.assertEqual(len(log), 6919)
        self.assertEqual(log["id"].nunique(), 2357)
        summary = summary_data_from_transaction_data(log, "id", "date",
                                                     observation_period_end="1997-09-30",
                                                     freq="D", freq_multiplier=7)
        published = load_cdnow_summary(index_col=[0])
        np.testing.assert_allclose(summary["T"].sort_index().to_numpy(),
                                   published["T"].sort_index().to_numpy(), atol=0.005)
        cal = calibration_and_holdout_data(log, "id", "date", "1997-09-30", "1998-06-30",
                                           freq="D", freq_multiplier=7)
        self.assertEqual(len(cal), 2357)

    def test_donations_and_errors(self):
        self.assertEqual(int(load_donations()["weights"].sum()), 11104)
        with self.assertRaises(cxm.FileError):
            load_dataset("example_transactions.csv")


if __name__ == "__main__":
    unittest.main()
