"""The SQL extensions on real databases (docs/sql.md; issue 21).

PostgreSQL: a throw-away cluster (initdb in a temporary directory, a Unix socket, no TCP
port; as the unprivileged user postgres when run as root) loads the extension's script with
its module, the CDNOW summary and log; the SQL fits and scores must equal the Python API's to
1e-10, parallel aggregation must give the fit of a serial one, bad input must give an SQL
error with SQLSTATE 22023 (or 22004 for NULLs) after which the session goes on, and the
worked example of docs/sql.md must run. SQLite: the same through Python's sqlite3 module and
the sqlite3 shell. Each part is skipped with a message when its extension was not built.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import pandas as pd

import cxm

TOP = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("top_builddir", os.path.join(TOP, "_build"))
SQL_DIR = os.environ.get("CXM_SQL_DIR", os.path.join(BUILD, "sql"))
PG_BINDIR = os.environ.get("PG_BINDIR", "")
SQLITE3 = os.environ.get("SQLITE3", "")
PG_MODULE = os.path.join(SQL_DIR, ".libs", "cxm.so")
SQLITE_MODULE = os.path.join(SQL_DIR, ".libs", "libcxm_sqlite.so")
LIBCXM_DIR = os.path.join(BUILD, "lib", ".libs")
DATA = os.path.join(TOP, "tests", "data")
TOL = 1e-10

HAVE_PG = os.path.exists(PG_MODULE) and os.path.exists(os.path.join(PG_BINDIR, "initdb"))
# A sanitizer build's module needs the ASan runtime loaded first, and PostgreSQL deadlocks
# at start (postgres -V) with that runtime preloaded: such a run checks the SQL glue through
# SQLite, in the interpreter, and leaves PostgreSQL to the plain build's run.
SANITIZED = bool(os.environ.get("CXM_SANITIZER_PRELOAD"))
if HAVE_PG and SANITIZED:
    HAVE_PG = False
    print("test_sql: SKIP: PostgreSQL under the sanitizer build (the server deadlocks with the "
          "ASan runtime preloaded); the plain build's run tests it", file=sys.stderr)
HAVE_SQLITE = os.path.exists(SQLITE_MODULE)
for present, what in ((HAVE_PG, "PostgreSQL extension"), (HAVE_SQLITE, "SQLite extension")):
    if not present:
        print(f"test_sql: SKIP: the {what} was not built (configure found no headers)",
              file=sys.stderr)


def cdnow_summary():
    return pd.read_csv(os.path.join(DATA, "cdnow_customers_summary_with_transactions.csv"))


def cdnow_orders():
    """The CDNOW sample log as an orders table: customer, ordered_at (date), amount."""
    log = pd.read_csv(os.path.join(DATA, "cdnow", "CDNOW_sample.txt"), sep=r"\s+", header=None,
                      names=["customer", "id", "date", "quantity", "amount"], dtype=str)
    return pd.DataFrame({"customer": log["customer"],
                         "ordered_at": pd.to_datetime(log["date"], format="%Y%m%d"),
                         "amount": log["amount"].astype(float)})


def python_reference(orders):
    """What docs/sql.md computes, through the Python API."""
    summary = cxm.summary_data_from_transaction_data(
        orders, "customer", "ordered_at", monetary_value_col="amount",
        observation_period_end="1997-09-30", freq="W")
    bgf = cxm.BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    repeat = summary[summary["frequency"] > 0]
    ggf = cxm.GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    value = ggf.customer_lifetime_value(bgf, summary["frequency"], summary["recency"],
                                        summary["T"], summary["monetary_value"], time=12,
                                        discount_rate=0.01, freq="W")
    return summary, bgf, ggf, value


def assert_close(test, got, want, what):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    test.assertEqual(got.shape, want.shape, what)
    scale = np.maximum(1.0, np.abs(want))
    worst = float(np.max(np.abs(got - want) / scale)) if got.size else 0.0
    test.assertLessEqual(worst, TOL, f"{what}: largest relative difference {worst:g}")


def sql_blocks(language):
    """The ```<language> blocks of docs/sql.md, in order."""
    with open(os.path.join(TOP, "docs", "sql.md"), encoding="utf-8") as f:
        text = f.read()
    return re.findall(r"```" + language + r"\n(.*?)```", text, flags=re.S)


class Cluster:
    """A PostgreSQL cluster in a temporary directory, reached by a Unix socket only."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="cxm-pg-")
        os.chmod(self.root, 0o755)
        self.as_postgres = os.geteuid() == 0
        # The server reads the module from here: the build tree may not be readable by it.
        self.lib = os.path.join(self.root, "lib")
        os.mkdir(self.lib)
        shutil.copy(PG_MODULE, os.path.join(self.lib, "cxm.so"))
        for name in os.listdir(LIBCXM_DIR):
            if name.startswith("libcxm.so"):
                shutil.copy(os.path.join(LIBCXM_DIR, name), self.lib, follow_symlinks=True)
        self.data = os.path.join(self.root, "data")
        if self.as_postgres:
            subprocess.run(["chown", "-R", "postgres:postgres", self.root], check=True)
        self.server(["initdb", "-D", self.data, "-A", "trust", "-U", "cxm", "--no-sync",
                     "-E", "UTF8", "--locale=C"])
        options = f"-k {self.root} -c listen_addresses='' -c fsync=off"
        self.server(["pg_ctl", "-D", self.data, "-o", options, "-l",
                     os.path.join(self.root, "log"), "-w", "start"])

    def server(self, argv):
        argv = [os.path.join(PG_BINDIR, argv[0])] + argv[1:]
        # The server runs without the interpreter's preloads (a sanitizer run's LD_PRELOAD).
        env = ["env", "-u", "LD_PRELOAD", f"LD_LIBRARY_PATH={self.lib}"]
        if self.as_postgres:
            argv = ["runuser", "-u", "postgres", "--"] + env + argv
        else:
            argv = env + argv
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       cwd=self.root, timeout=300)

    def psql(self, sql, stop_on_error=True):
        """(stdout, stderr) of psql running sql: unaligned, tuples only, comma-separated."""
        argv = [os.path.join(PG_BINDIR, "psql"), "-X", "-q", "-A", "-t", "-F", ",",
                "-h", self.root, "-U", "cxm", "-d", "postgres",
                "-v", f"ON_ERROR_STOP={1 if stop_on_error else 0}", "-v", "VERBOSITY=verbose"]
        done = subprocess.run(argv, input=sql, capture_output=True, text=True, cwd=self.root,
                              timeout=600)
        if stop_on_error and done.returncode != 0:
            raise AssertionError(f"psql failed: {done.stderr}")
        return done.stdout, done.stderr

    def load_extension(self):
        """What CREATE EXTENSION cxm does, from this tree: the script with its module."""
        with open(os.path.join(TOP, "sql", "cxm.sql"), encoding="utf-8") as f:
            script = f.read()
        script = re.sub(r"^\\echo.*$", "", script, flags=re.M)
        script = script.replace("MODULE_PATHNAME", os.path.join(self.lib, "cxm"))
        self.psql(script)

    def stop(self):
        try:
            self.server(["pg_ctl", "-D", self.data, "-m", "immediate", "stop"])
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def rows(text):
    return [line.split(",") for line in text.strip().splitlines() if line]


@unittest.skipUnless(HAVE_PG, "the PostgreSQL extension was not built")
class Postgres(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = Cluster()
        try:
            cls.pg.load_extension()
            summary = cdnow_summary()
            csv = summary.to_csv(index=False, header=False)
            cls.pg.psql("CREATE TABLE cdnow (id int, x float8, t_x float8, t float8, "
                        "zbar float8);\nCOPY cdnow FROM STDIN WITH (FORMAT csv);\n" + csv + "\\.\n")
        except Exception:
            cls.pg.stop()
            raise
        cls.summary = summary

    @classmethod
    def tearDownClass(cls):
        cls.pg.stop()

    def model(self, aggregate, columns, where=""):
        out, _ = self.pg.psql(f"SELECT {aggregate}({columns}) FROM cdnow {where};")
        return json.loads(out)

    def test_fits_equal_python(self):
        s = self.summary
        for aggregate, fitter in (("cxm_bgnbd_fit", cxm.BetaGeoFitter),
                                  ("cxm_mbgnbd_fit", cxm.ModifiedBetaGeoFitter),
                                  ("cxm_pnbd_fit", cxm.ParetoNBDFitter)):
            with self.subTest(aggregate=aggregate):
                got = self.model(aggregate, "x, t_x, t")
                want = fitter().fit(s["x"], s["t_x"], s["T"])
                names = list(want.params_.index)
                assert_close(self, [got["parameters"][n] for n in names],
                             want.params_.to_numpy(), aggregate)
                assert_close(self, got["fit"]["log_likelihood"], want.log_likelihood_,
                             aggregate + " log-likelihood")
        repeat = s[s["x"] > 0]
        got = self.model("cxm_gg_fit", "x, zbar", "WHERE x > 0")
        want = cxm.GammaGammaFitter().fit(repeat["x"], repeat["zbar"])
        assert_close(self, [got["parameters"][n] for n in ("p", "q", "gamma")],
                     want.params_.to_numpy(), "cxm_gg_fit")

    def test_scores_equal_python(self):
        s = self.summary
        out, _ = self.pg.psql(
            "WITH m AS (SELECT cxm_bgnbd_fit(x, t_x, t) AS b FROM cdnow),\n"
            "     g AS (SELECT cxm_gg_fit(x, zbar) AS s FROM cdnow WHERE x > 0)\n"
            "SELECT id, cxm_p_alive(b, x, t_x, t), cxm_expected_purchases(b, 39, x, t_x, t),\n"
            "       cxm_clv(b, s, x, t_x, t, zbar, 12, 0.01, 7)\n"
            "FROM cdnow, m, g ORDER BY id;")
        got = np.array(rows(out), dtype=float)
        bgf = cxm.BetaGeoFitter().fit(s["x"], s["t_x"], s["T"])
        repeat = s[s["x"] > 0]
        ggf = cxm.GammaGammaFitter().fit(repeat["x"], repeat["zbar"])
        order = np.argsort(s["ID"].to_numpy(), kind="stable")
        ordered = s.iloc[order]
        assert_close(self, got[:, 1], bgf.conditional_probability_alive(
            ordered["x"], ordered["t_x"], ordered["T"]), "cxm_p_alive")
        assert_close(self, got[:, 2], bgf.conditional_expected_number_of_purchases_up_to_time(
            39, ordered["x"], ordered["t_x"], ordered["T"]), "cxm_expected_purchases")
        assert_close(self, got[:, 3], ggf.customer_lifetime_value(
            bgf, ordered["x"], ordered["t_x"], ordered["T"], ordered["zbar"], time=12,
            discount_rate=0.01, freq="W"), "cxm_clv")

    def test_parallel_aggregation_equals_serial(self):
        serial = self.model("cxm_pnbd_fit", "x, t_x, t")
        out, _ = self.pg.psql(
            "SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;\n"
            "SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;\n"
            "SET parallel_leader_participation = off;\n"
            "EXPLAIN (COSTS OFF) SELECT cxm_pnbd_fit(x, t_x, t) FROM cdnow;\n"
            "SELECT cxm_pnbd_fit(x, t_x, t) FROM cdnow;")
        plan, model = out.split("{", 1)
        self.assertIn("Partial Aggregate", plan)
        parallel = json.loads("{" + model)
        for name, value in serial["parameters"].items():
            self.assertAlmostEqual(parallel["parameters"][name] / value, 1.0, delta=1e-9)

    def test_bad_input_is_an_error_and_the_session_goes_on(self):
        cases = [
            ("SELECT cxm_bgnbd_fit(x, NULL, t) FROM cdnow;", "22004", "recency is NULL"),
            ("SELECT cxm_bgnbd_fit(-x, t_x, t) FROM cdnow;", "22023", "x"),
            ("SELECT cxm_p_alive('{\"kind\": \"nothing\"}', 1, 2, 3);", "22023", "cxm_p_alive"),
            ("SELECT cxm_p_alive(m, 1, 5, 3) FROM (SELECT cxm_bgnbd_fit(x, t_x, t) AS m "
             "FROM cdnow) f;", "22023", "t_x"),
            ("SELECT cxm_clv(m, m, 1, 2, 3, 4) FROM (SELECT cxm_bgnbd_fit(x, t_x, t) AS m "
             "FROM cdnow) f;", "", "cxm_clv"),
            ("SELECT cxm_bgnbd_fit(x, t_x, t) FROM cdnow WHERE false;", "22023", "no rows"),
            ("SELECT (cxm_rfm('c1', d, 1.0, 'fortnight', d)).* FROM "
             "(VALUES (date '2020-01-01')) v(d);", "22023", "fortnight"),
            ("SELECT (cxm_rfm('c1', d, 1.0, 'day', NULL)).* FROM "
             "(VALUES (date '2020-01-01')) v(d);", "22004", "observation end is NULL"),
        ]
        script = "".join(sql + "\nSELECT 'alive';\n" for sql, _, _ in cases)
        out, err = self.pg.psql(script, stop_on_error=False)
        self.assertEqual(out.split().count("alive"), len(cases), err)
        for sql, state, text in cases:
            with self.subTest(sql=sql):
                self.assertIn(text, err)
                if state:
                    self.assertIn(f"ERROR:  {state}:", err)

    def test_rfm_equals_python(self):
        orders = cdnow_orders()
        self.pg.psql("CREATE TABLE orders (customer text, ordered_at date, amount float8);\n"
                     "COPY orders FROM STDIN WITH (FORMAT csv);\n"
                     + orders.assign(ordered_at=orders["ordered_at"].dt.strftime("%Y-%m-%d"))
                     .to_csv(index=False, header=False) + "\\.\n")
        out, _ = self.pg.psql(
            "SELECT customer, (cxm_rfm(customer, ordered_at, amount, 'week', "
            "date '1997-09-30')).* FROM orders GROUP BY customer ORDER BY customer;")
        got = pd.DataFrame(rows(out), columns=["customer", "frequency", "recency", "T",
                                               "monetary_value"]).set_index("customer")
        summary, _, _, _ = python_reference(orders)
        summary = summary.sort_index()
        self.assertEqual(list(got.index), list(summary.index))
        for column in ("frequency", "recency", "T", "monetary_value"):
            assert_close(self, got[column].astype(float), summary[column], column)
        self.pg.psql("DROP TABLE orders;")

    def test_docs_example(self):
        """docs/sql.md's worked example, from an orders table to the ranked customers."""
        orders = cdnow_orders()
        orders.assign(ordered_at=orders["ordered_at"].dt.strftime("%Y-%m-%d")).to_csv(
            os.path.join(self.pg.root, "orders.csv"), index=False)
        blocks = sql_blocks("sql")
        self.assertGreaterEqual(len(blocks), 3)
        script = "\n".join(blocks).replace("CREATE EXTENSION cxm;", "")
        out, _ = self.pg.psql(script)
        ranked = rows(out)
        self.assertEqual(len(ranked), 10)
        summary, bgf, _, value = python_reference(orders)
        best = value.sort_values(ascending=False).head(10)
        self.assertEqual([r[0] for r in ranked], list(best.index.astype(str)))
        np.testing.assert_allclose([float(r[2]) for r in ranked], best.round(2), atol=0.006)
        self.pg.psql("DROP TABLE IF EXISTS orders, customers, models;")


@unittest.skipUnless(HAVE_SQLITE, "the SQLite extension was not built")
class SQLite(unittest.TestCase):
    def connect(self):
        import sqlite3
        db = sqlite3.connect(":memory:")
        db.enable_load_extension(True)
        db.load_extension(os.path.splitext(SQLITE_MODULE)[0])
        return db, sqlite3

    def test_fits_and_scores_equal_python(self):
        db, _ = self.connect()
        s = cdnow_summary()
        db.execute("CREATE TABLE cdnow (id, x, t_x, t, zbar)")
        db.executemany("INSERT INTO cdnow VALUES (?, ?, ?, ?, ?)", s.itertuples(index=False))
        model = json.loads(db.execute("SELECT cxm_bgnbd_fit(x, t_x, t) FROM cdnow").fetchone()[0])
        spend = db.execute("SELECT cxm_gg_fit(x, zbar) FROM cdnow WHERE x > 0").fetchone()[0]
        bgf = cxm.BetaGeoFitter().fit(s["x"], s["t_x"], s["T"])
        repeat = s[s["x"] > 0]
        ggf = cxm.GammaGammaFitter().fit(repeat["x"], repeat["zbar"])
        assert_close(self, [model["parameters"][n] for n in bgf.params_.index],
                     bgf.params_.to_numpy(), "cxm_bgnbd_fit")
        got = np.array(db.execute(
            "SELECT cxm_p_alive(?1, x, t_x, t), cxm_expected_purchases(?1, 39, x, t_x, t), "
            "cxm_clv(?1, ?2, x, t_x, t, zbar, 12, 0.01, 7) FROM cdnow",
            (json.dumps(model), spend)).fetchall())
        assert_close(self, got[:, 0], bgf.conditional_probability_alive(s["x"], s["t_x"], s["T"]),
                     "cxm_p_alive")
        assert_close(self, got[:, 1], bgf.conditional_expected_number_of_purchases_up_to_time(
            39, s["x"], s["t_x"], s["T"]), "cxm_expected_purchases")
        assert_close(self, got[:, 2], ggf.customer_lifetime_value(
            bgf, s["x"], s["t_x"], s["T"], s["zbar"], time=12, discount_rate=0.01, freq="W"),
            "cxm_clv")

    def test_rfm_equals_python(self):
        db, _ = self.connect()
        orders = cdnow_orders()
        db.execute("CREATE TABLE orders (customer, ordered_at, amount)")
        db.executemany("INSERT INTO orders VALUES (?, ?, ?)",
                       zip(orders["customer"], orders["ordered_at"].dt.strftime("%Y-%m-%d"),
                           orders["amount"]))
        got = db.execute("SELECT customer, cxm_rfm(customer, ordered_at, amount, 'week', "
                         "'1997-09-30') FROM orders GROUP BY customer ORDER BY customer").fetchall()
        summary, _, _, _ = python_reference(orders)
        summary = summary.sort_index()
        self.assertEqual([c for c, _ in got], list(summary.index))
        table = pd.DataFrame([json.loads(j) for _, j in got])
        for column in ("frequency", "recency", "T", "monetary_value"):
            assert_close(self, table[column], summary[column], column)

    def test_bad_input_is_an_error(self):
        db, sqlite3 = self.connect()
        db.execute("CREATE TABLE s (x, t_x, t)")
        db.execute("INSERT INTO s VALUES (1, 2, 3), (NULL, 1, 2)")
        for sql, text in (("SELECT cxm_bgnbd_fit(x, t_x, t) FROM s", "frequency is NULL"),
                          ("SELECT cxm_p_alive('{', 1, 2, 3)", "cxm_p_alive"),
                          ("SELECT cxm_p_alive(NULL, 1, 2, 3)", "the model is NULL"),
                          ("SELECT cxm_rfm('a', 'yesterday', 1, 'day', '2020-01-01')",
                           "not a time"),
                          ("SELECT cxm_rfm('a', '2020-01-01', 1, 'fortnight', '2020-02-01')",
                           "fortnight"),
                          ("SELECT cxm_rfm('a', '2020-01-01', 1, 'day', NULL)",
                           "observation end 'NULL'")):
            with self.subTest(sql=sql):
                with self.assertRaisesRegex(sqlite3.OperationalError, text):
                    db.execute(sql).fetchall()
        self.assertEqual(db.execute("SELECT 1").fetchone(), (1,))

    @unittest.skipUnless(SQLITE3, "the sqlite3 shell is not installed")
    def test_docs_example_in_the_shell(self):
        orders = cdnow_orders()
        with tempfile.TemporaryDirectory() as tmp:
            orders.assign(ordered_at=orders["ordered_at"].dt.strftime("%Y-%m-%d")).to_csv(
                os.path.join(tmp, "orders.csv"), index=False)
            script = f".load {os.path.splitext(SQLITE_MODULE)[0]}\n" + "\n".join(
                block.replace(".load libcxm_sqlite", "") for block in sql_blocks("sqlite"))
            done = subprocess.run([SQLITE3, "-batch", "-bail", "-csv", ":memory:"], input=script,
                                  capture_output=True, text=True, cwd=tmp, timeout=300)
        self.assertEqual(done.returncode, 0, done.stderr)
        ranked = [line.split(",") for line in done.stdout.strip().splitlines()]
        _, _, _, value = python_reference(orders)
        best = value.sort_values(ascending=False).head(10)
        self.assertEqual([r[0].strip('"') for r in ranked], list(best.index.astype(str)))


if __name__ == "__main__":
    unittest.main()
