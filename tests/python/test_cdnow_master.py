"""Section 1 of docs/guide.md on the full CDNOW file, end to end (a development check).

The guide runs on the CDNOW sample (tests/python/test_guide.py). Its full
file, lifetimes' CDNOW_master.txt (23,570 customers), is where newcomers met
a hard stop on one $0 order; the guide says what changes for it (a header
line and no sample-id column). This check runs the guide's own Python and
shell blocks of section 1 with exactly those changes, and with the sample's
published numbers replaced by the full file's, and checks that no row had to
be filtered by hand: every customer is scored, the one repeat customer who
spent $0 is skipped by the Gamma-Gamma fit with a warning, and the holdout
comparison is one cell and one command.

The file is read from ../shared/data beside the source tree (or
$CXM_CDNOW_MASTER); without it the check is skipped with a message.
"""
import os
import subprocess
import sys
import tempfile
import unittest
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_guide import sections  # noqa: E402  (the guide's blocks, as test_guide runs them)

TOP = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "..", ".."))
CXM = os.environ.get("CXM")
MASTER = os.environ.get("CXM_CDNOW_MASTER") or os.path.join(TOP, "..", "shared", "data", "cdnow",
                                                           "CDNOW_master.txt")
MASTER_ABSENT = (f"the full CDNOW file is not here: {MASTER} "
                 "(set CXM_CDNOW_MASTER to lifetimes' CDNOW_master.txt to run the check)")
if not os.path.exists(MASTER):
    print(f"test_cdnow_master: SKIP: {MASTER_ABSENT}", file=sys.stderr)

# What the guide says changes for the full file (its "The full CDNOW file"
# paragraph), then the sample's numbers the guide asserts and the full file's.
CHANGES = {
    "python": [
        ('f"{data}/cdnow/CDNOW_sample.txt", sep=r"\\s+", header=None,\n'
         '                  names=["master", "customer", "date", "cds", "dollars"],',
         f'{MASTER!r}, sep=r"\\s+", header=0,\n'
         '                  names=["customer", "date", "cds", "dollars"],'),
        ('assert len(summary) == 2357 and summary["frequency_cal"].sum() == 2457',
         'assert len(summary) == 23570 and summary["frequency_cal"].sum() == 24337'),
        ("assert abs(bgf.log_likelihood_ - (-9582.43)) < 0.01",
         "assert abs(bgf.log_likelihood_ - (-95368.44)) < 0.01"),
    ],
    "sh": [
        ('"$CXM_DATA_DIR/cdnow/CDNOW_sample.txt" --no-header --customer 2 --date 3 \\\n'
         '    --amount 5',
         '"$CXM_CDNOW_MASTER" --customer customer_id --date date \\\n    --amount dollar_value'),
    ],
}


def adapted(blocks):
    """The blocks with every change applied; each change must match exactly once."""
    text = {language: "\n\x00\n".join(code for lang, code in blocks if lang == language)
            for language in CHANGES}
    for language, changes in CHANGES.items():
        for old, new in changes:
            count = text[language].count(old)
            if count != 1:
                raise AssertionError(
                    f"docs/guide.md section 1 has {count} copies of {old!r} (expected 1): "
                    "update CHANGES here with the guide")
            text[language] = text[language].replace(old, new)
    split = {language: iter(text[language].split("\n\x00\n")) for language in CHANGES}
    return [(language, next(split[language])) for language, _ in blocks]


@unittest.skipUnless(os.path.exists(MASTER), MASTER_ABSENT)
class FullCDNOW(unittest.TestCase):
    def test_guide_section_1_runs_on_the_full_file(self):
        if not CXM:
            self.skipTest("CXM (the built cxm program) is not set")
        text = open(os.path.join(TOP, "docs", "guide.md"), encoding="utf-8").read()
        title, blocks = sections(text)[1]
        self.assertTrue(title.startswith("1."), title)
        env = dict(os.environ, CXM_CDNOW_MASTER=os.path.abspath(MASTER),
                   CXM_DATA_DIR=os.path.join(TOP, "data"),
                   PATH=os.path.dirname(CXM) + os.pathsep + os.environ["PATH"])
        here = os.getcwd()
        namespace = {"__name__": "guide"}
        with tempfile.TemporaryDirectory() as work, warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            os.chdir(work)
            os.environ["CXM_DATA_DIR"] = env["CXM_DATA_DIR"]
            try:
                stderr = ""
                for language, code in adapted(blocks):
                    if language == "sh":
                        done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", code],
                                              env=env, capture_output=True, text=True)
                        self.assertEqual(done.returncode, 0, f"{code}\n{done.stdout}{done.stderr}")
                        stderr += done.stderr
                    else:
                        exec(compile(code, "guide.md: section 1 on CDNOW_master.txt", "exec"),
                             namespace)
                with open("holdout.csv", encoding="utf-8") as f:
                    lines = f.read().splitlines()
            finally:
                os.chdir(here)

        # Python: every customer scored; the $0 repeat customer skipped with a warning.
        summary, holdout, value = namespace["summary"], namespace["holdout"], namespace["value"]
        self.assertEqual(len(summary), 23570)
        self.assertEqual(len(value), 23570)
        self.assertEqual(namespace["ggf"].fit_report_["skipped"], 1)
        messages = [str(w.message) for w in seen if issubclass(w.category, UserWarning)]
        self.assertTrue(any("1 repeat customer with a mean spend of 0" in m for m in messages),
                        messages)
        totals = holdout.sum()
        self.assertEqual(totals["actual_purchases"], summary["frequency_holdout"].sum())
        self.assertGreater(totals["predicted_purchases"], 0)
        self.assertGreater(totals["predicted_dollars"], 0)
        # The CLI: the same warning, and predicted beside actual in one file.
        self.assertIn("1 repeat customer with a mean spend of 0 skipped", stderr)
        self.assertEqual(len(lines), 23571)
        header = lines[0].split(",")
        for column in ("expected_purchases", "expected_revenue", "frequency_holdout",
                       "monetary_value_holdout"):
            self.assertIn(column, header)
        actual = sum(float(line.split(",")[header.index("frequency_holdout")])
                     for line in lines[1:])
        self.assertEqual(actual, totals["actual_purchases"])


if __name__ == "__main__":
    unittest.main()
