"""The summary from Python: lifetimes' names and columns, the published CDNOW
summaries, hand-worked logs, the file-based variant and errors."""
import os
import tempfile
import unittest

import numpy as np
import pandas as pd

import cxm

DATA = os.path.join(os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "..", "..")),
                    "tests", "data", "cdnow")


def cdnow_log():
    return pd.read_csv(os.path.join(DATA, "CDNOW_sample.txt"), sep=r"\s+", header=None,
                       names=["master_id", "sample_id", "date", "cds", "dollars"],
                       dtype={"master_id": str, "sample_id": int, "date": str})


def published():
    summary = pd.read_csv(os.path.join(DATA, "cdnow_customers_summary.csv"), index_col="ID")
    zbar = pd.read_csv(os.path.join(DATA, "cdnow_customers_summary_with_transactions.csv"),
                       index_col="ID")
    return summary, zbar


# lifetimes' README example (transactions_A), days counted by hand:
# 1: Jan 1, 5, 8; 2: Jan 4, 30; 3: Jan 10, Feb 5, 6. The observation ends Feb 6.
README = pd.DataFrame({
    "id": [1, 1, 1, 2, 2, 3, 3, 3],
    "date": ["2015-01-01", "2015-01-05", "2015-01-08", "2015-01-04", "2015-01-30", "2015-01-10",
             "2015-02-05", "2015-02-06"],
})


class LifetimesNames(unittest.TestCase):
    def test_readme_example_daily(self):
        s = cxm.summary_data_from_transaction_data(README, "id", "date")
        self.assertEqual(list(s.columns), ["frequency", "recency", "T"])
        self.assertEqual(s.index.name, "id")
        self.assertEqual(list(s.index), [1, 2, 3])
        np.testing.assert_array_equal(s["frequency"], [2, 1, 2])
        np.testing.assert_array_equal(s["recency"], [7, 26, 27])
        np.testing.assert_array_equal(s["T"], [36, 33, 27])
        self.assertTrue(all(s.dtypes == np.float64))

    def test_readme_example_weekly(self):
        # Weeks Monday..Sunday: Dec 29, Jan 5, ..., Feb 2 (Feb 6 is a Friday).
        s = cxm.summary_data_from_transaction_data(README, "id", "date", freq="W")
        np.testing.assert_array_equal(s["frequency"], [1, 1, 1])
        np.testing.assert_array_equal(s["recency"], [1, 4, 4])
        np.testing.assert_array_equal(s["T"], [5, 5, 4])

    def test_monetary_value_and_include_first(self):
        log = README.assign(amount=[10.0, 20, 40, 7, 3, 1, 2, 4])
        s = cxm.summary_data_from_transaction_data(log, "id", "date", "amount")
        np.testing.assert_allclose(s["monetary_value"], [30, 3, 3])
        s = cxm.summary_data_from_transaction_data(log, "id", "date", "amount",
                                                   include_first_transaction=True)
        np.testing.assert_array_equal(s["frequency"], [3, 2, 3])
        np.testing.assert_allclose(s["monetary_value"], [70 / 3, 5, 7 / 3])

    def test_calibration_and_holdout(self):
        log = README.assign(amount=[10.0, 20, 40, 7, 3, 1, 2, 4])
        s = cxm.calibration_and_holdout_data(log, "id", "date", "2015-01-06",
                                             observation_period_end="2015-02-06",
                                             monetary_value_col="amount")
        self.assertEqual(list(s.columns), ["frequency_cal", "recency_cal", "T_cal",
                                           "monetary_value_cal", "frequency_holdout",
                                           "monetary_value_holdout", "duration_holdout"])
        # Customer 3 first buys after the calibration end: not included.
        self.assertEqual(list(s.index), [1, 2])
        np.testing.assert_array_equal(s["frequency_cal"], [1, 0])
        np.testing.assert_array_equal(s["T_cal"], [5, 2])
        np.testing.assert_array_equal(s["frequency_holdout"], [1, 1])
        np.testing.assert_array_equal(s["monetary_value_holdout"], [40, 3])
        np.testing.assert_array_equal(s["duration_holdout"], [31, 31])

    def test_datetimes_timezones_and_string_ids(self):
        log = pd.DataFrame({"who": ["x", "y", "x"],
                            "when": pd.to_datetime(["2015-01-01 23:30", "2015-01-02 10:00",
                                                    "2015-01-03 01:00"]).tz_localize("UTC")})
        s = cxm.summary_data_from_transaction_data(log, "who", "when")
        self.assertEqual(list(s.index), ["x", "y"])
        np.testing.assert_array_equal(s["recency"], [2, 0])
        # Hours: from the 23:00 hour of Jan 1 to the 01:00 hour of Jan 3 is 26 hours.
        s = cxm.summary_data_from_transaction_data(log, "who", "when", freq="h")
        self.assertEqual(s.loc["x", "recency"], 26)
        s = cxm.summary_data_from_transaction_data(log.assign(when=log["when"].dt.tz_localize(None)),
                                                   "who", "when", freq="D", freq_multiplier=7)
        self.assertAlmostEqual(s.loc["x", "recency"], 2 / 7)

    def test_id_types_agree(self):
        # str ids go to C directly, integer ids are their own codes, anything
        # else (categorical, mixed) through pandas.factorize: the same summary.
        by_int = cxm.summary_data_from_transaction_data(README, "id", "date")
        by_str = cxm.summary_data_from_transaction_data(README.assign(id=README["id"].astype(str)),
                                                        "id", "date")
        by_cat = cxm.summary_data_from_transaction_data(README.assign(id=README["id"].astype("category")),
                                                        "id", "date")
        np.testing.assert_array_equal(by_int.to_numpy(), by_str.to_numpy())
        np.testing.assert_array_equal(by_int.to_numpy(), by_cat.to_numpy())
        self.assertEqual(list(by_str.index), ["1", "2", "3"])
        mixed = README.assign(id=[1, 1, 1, "b", "b", 3.5, 3.5, 3.5])
        s = cxm.summary_data_from_transaction_data(mixed, "id", "date")
        self.assertEqual(list(s.index), [1, "b", 3.5])  # no order between types: as they come
        np.testing.assert_array_equal(s["frequency"], [2, 1, 2])
        self.assertEqual(list(cxm.summary_data_from_transaction_data(
            README.assign(id=["b", "b", "b", "a", "a", "c", "c", "c"]), "id", "date").index),
            ["a", "b", "c"])

    def test_errors(self):
        with self.assertRaises(cxm.InvalidArgumentError):
            cxm.summary_data_from_transaction_data(README, "id", "date", freq="fortnight")
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "no column 'when'"):
            cxm.summary_data_from_transaction_data(README, "id", "when")
        bad = README.assign(date=pd.to_datetime(README["date"]))
        bad.loc[3, "date"] = pd.NaT
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "row 3: date is missing"):
            cxm.summary_data_from_transaction_data(bad, "id", "date")
        with self.assertRaisesRegex(cxm.InvalidArgumentError, r"row 2: v is missing \(NaN\)"):
            cxm.summary_data_from_transaction_data(README.assign(v=[1, 2, np.nan, 4, 5, 6, 7, 8]),
                                                   "id", "date", "v")
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "row 1: id is missing"):
            cxm.summary_data_from_transaction_data(README.assign(id=["a", None] + ["b"] * 6),
                                                   "id", "date")
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "after the observation end"):
            cxm.calibration_and_holdout_data(README, "id", "date", "2015-02-01",
                                             observation_period_end="2015-01-20")

    def test_empty_periods_are_errors_never_empty_frames(self):
        first, last = README["date"].min(), README["date"].max()
        cases = [
            (dict(calibration_period_end="2015-01-06", observation_period_end="2015-01-06"),
             "the holdout period is empty: the observation end 2015-01-06 is in the time unit "
             "of the calibration end"),
            (dict(calibration_period_end="2014-12-31"),
             f"the calibration period is empty: no purchase up to the calibration end "
             f"2014-12-31 \\(the first is on {first}\\)"),
            (dict(calibration_period_end=last), "the holdout period is empty: no purchase after"),
            (dict(calibration_period_end=last, observation_period_end="2016-01-01"),
             f"the holdout period is empty: no purchase after the calibration end {last} up to "
             f"the observation end 2016-01-01"),
        ]
        for kwargs, message in cases:
            with self.subTest(**kwargs), self.assertRaisesRegex(cxm.InvalidArgumentError, message):
                cxm.calibration_and_holdout_data(README, "id", "date", **kwargs)
        with self.assertRaisesRegex(cxm.InvalidArgumentError,
                                    f"the observation period is empty: all 8 transactions are "
                                    f"after the observation end 2014-12-31 \\(the first is on "
                                    f"{first}\\)"):
            cxm.summary_data_from_transaction_data(README, "id", "date",
                                                   observation_period_end="2014-12-31")


class CDNOW(unittest.TestCase):
    """The CDNOW sample of docs/models.md §1.4 summarised as in §1.3: 39-week calibration,
    daily units, weeks as days/7."""

    def check(self, frame, cal_suffix=""):
        summary, zbar = published()
        ours = frame.copy()
        ours.index = ours.index.astype(int)
        ours = ours.loc[summary.index]
        self.assertEqual(len(ours), 2357)
        np.testing.assert_array_equal(ours["frequency" + cal_suffix], summary["frequency"])
        self.assertEqual(ours["frequency" + cal_suffix].sum(), 2457)
        self.assertLessEqual((ours["recency" + cal_suffix] - summary["recency"]).abs().max(), 0.005 + 1e-9)
        self.assertLessEqual((ours["T" + cal_suffix] - summary["T"]).abs().max(), 0.005 + 1e-9)
        self.assertLessEqual((ours["monetary_value" + cal_suffix] - zbar.loc[ours.index, "zbar"]).abs().max(),
                             0.005 + 1e-9)

    def test_dataframe(self):
        log = cdnow_log()
        s = cxm.summary_data_from_transaction_data(log, "sample_id", "date", "dollars",
                                                   datetime_format="%Y%m%d",
                                                   observation_period_end="19970930",
                                                   freq="D", freq_multiplier=7)
        self.check(s)

    def test_calibration_and_holdout(self):
        s = cxm.calibration_and_holdout_data(cdnow_log(), "sample_id", "date", "1997-09-30",
                                             observation_period_end="1998-06-30",
                                             datetime_format="%Y%m%d", monetary_value_col="dollars",
                                             freq="D", freq_multiplier=7)
        self.check(s, "_cal")
        self.assertTrue((s["duration_holdout"] == 273 / 7).all())  # Oct 1 1997 .. Jun 30 1998

    def test_file(self):
        s = cxm.summary_from_csv(os.path.join(DATA, "CDNOW_sample.txt"), 2, 3, 5, header=False,
                                 delimiter=" ", freq_multiplier=7,
                                 calibration_period_end="1997-09-30")
        self.assertEqual(len(s), 2357)
        self.assertEqual(s.rows, 6919)
        self.assertEqual(s.ids[0], "0001")
        self.assertEqual(s.first_purchase[0], np.datetime64("1997-01-01"))
        frame = s.to_dataframe()
        self.check(frame)
        # The DataFrame's columns are the object's attributes and the CSV's header.
        self.assertEqual(list(frame.columns),
                         ["frequency", "recency", "T", "monetary_value", "frequency_holdout",
                          "monetary_value_holdout", "duration_holdout", "first_purchase"])
        for name in frame.columns:
            np.testing.assert_array_equal(frame[name].to_numpy(), getattr(s, name))
        with tempfile.TemporaryDirectory() as work:
            s.to_csv(os.path.join(work, "summary.csv"))
            header = open(os.path.join(work, "summary.csv")).readline().strip().split(",")
        self.assertEqual(header[1:], list(frame.columns))
        unique = s.unique()
        self.assertEqual(unique["weight"].sum(), 2357)
        self.assertEqual(len(unique["frequency"]), len(unique["T"]))
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "summary.csv")
            s.to_csv(path)
            # round_trip: pandas' default float parser is not correctly rounded.
            back = pd.read_csv(path, dtype={"customer_id": str},
                               float_precision="round_trip").set_index("customer_id")
            np.testing.assert_array_equal(back["frequency"], s.frequency)
            np.testing.assert_array_equal(back["T"], s.T)


class Files(unittest.TestCase):
    def write(self, text):
        handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
        handle.write(text)
        handle.close()
        self.addCleanup(os.unlink, handle.name)
        return handle.name

    def test_errors_name_file_line_and_column(self):
        path = self.write("id,date,amount\na,2015-01-01,1\nb,2015-13-01,2\n")
        with self.assertRaises(cxm.ParseError) as ctx:
            cxm.summary_from_csv(path, "id", "date", "amount")
        self.assertIn(f"{path}:3: column 'date': '2015-13-01' is not a valid date", str(ctx.exception))
        s = cxm.summary_from_csv(path, "id", "date", "amount", skip_bad_rows=True)
        self.assertEqual(len(s), 1)
        self.assertEqual(s.skipped, 1)
        self.assertIn(":3: column 'date'", s.skipped_messages[0])
        with self.assertRaises(cxm.NotFoundError):
            cxm.summary_from_csv(path, "id", "when")
        with self.assertRaises(cxm.FileError):
            cxm.summary_from_csv(path + ".missing", "id", "date")

    def test_formats_and_options(self):
        path = self.write("who;when\nx;01/02/2015\nx;03/02/2015\ny;02/02/2015\n")
        s = cxm.summary_from_csv(path, "who", "when", datetime_format="%d/%m/%Y",
                                 observation_period_end="04/02/2015")
        self.assertEqual(s.ids, ["x", "y"])
        np.testing.assert_array_equal(s.T, [3, 2])
        self.assertIsNone(s.monetary_value)
        self.assertIsNone(s.frequency_holdout)
        self.assertIn("2 customers", repr(s))


if __name__ == "__main__":
    unittest.main()
