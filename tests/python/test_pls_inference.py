"""PLS inference (bootstrap BCa intervals, t and p values, indirect effects) and
PLSpredict, checked against independent numpy implementations.

* BCa: Efron's (1987) formulas written here from the paper — z0 from the
  share of resamples below the estimate, the acceleration from a delete-one
  jackknife, the adjusted tail probabilities — applied to libcxm's own
  resamples (the same draws), with the jackknife estimates computed by
  refitting `reference_pls` (test_pls.py, a textbook PLS on raw data) without
  each respondent.
* Indirect effects: every route enumerated here, its effect the product of
  the path coefficients along it.
* PLSpredict: the procedure of Shmueli et al. (2016, 2019) written here on raw
  data with `reference_pls` and numpy least squares, on libcxm's folds.
"""
import math
import os
import sys
import unittest
from statistics import NormalDist

import numpy as np
import pandas as pd
from scipy import stats

import cxm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_pls import reference_pls, simulate  # noqa: E402  (the sibling test's reference)


def model_of(data, blocks, paths, **kwargs):
    names = list(data.columns)
    return cxm.chain.PathModel({f"C{j}": [names[i] for i in b] for j, b in enumerate(blocks)},
                               [(f"C{a}", f"C{b}") for a, b in paths], **kwargs)


def routes_of(paths, c):
    """Every directed route of two or more paths, by depth-first search."""
    succ = {j: sorted(b for a, b in paths if a == j) for j in range(c)}
    found = []

    def walk(route):
        if len(route) >= 3:
            found.append(tuple(route))
        for nxt in succ[route[-1]]:
            walk(route + [nxt])

    for start in range(c):
        walk([start])
    return sorted(found)


def efron_bca(draws, estimate, jackknife, level):
    """z0, a and the BCa bounds (Efron 1987, §2-3; Efron & Tibshirani 1993, §14.3)."""
    normal = NormalDist()
    b = len(draws)
    share = (np.sum(draws < estimate) + 0.5 * np.sum(draws == estimate)) / b
    share = min(max(share, 0.5 / b), 1 - 0.5 / b)
    z0 = normal.inv_cdf(share)
    u = jackknife.mean() - jackknife
    denominator = 6 * np.sum(u ** 2) ** 1.5
    a = np.sum(u ** 3) / denominator if denominator > 0 else 0.0
    alpha = (1 - level) / 2
    bounds = []
    for z in (normal.inv_cdf(alpha), normal.inv_cdf(1 - alpha)):
        p = normal.cdf(z0 + (z0 + z) / (1 - a * (z0 + z)))
        bounds.append(np.quantile(draws, p))  # linear interpolation: R's type 7
    return z0, a, bounds


class BCa(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data, cls.blocks, cls.paths = simulate(70, seed=21)
        cls.model = model_of(cls.data, cls.blocks, cls.paths)
        cls.fit = cls.model.fit(cls.data, bootstrap=300, seed=4, bca=True, level=0.9,
                                tolerance=1e-12, max_iterations=1000)
        x = cls.data.to_numpy()
        modes = ["A"] * len(cls.blocks)
        cls.jack = []
        for i in range(len(x)):
            w, loadings, coef, r2, total = reference_pls(np.delete(x, i, axis=0), cls.blocks,
                                                         cls.paths, modes, "path", tol=1e-12)
            cls.jack.append((w, loadings, coef, total))

    def check(self, quantity, jackknife, estimate_of):
        table = self.fit.bootstrap(quantity)
        draws = self.fit.bootstrap(quantity, draws=True)
        for label, row in table.iterrows():
            with self.subTest(quantity=quantity, value=label):
                column = draws[estimate_of(label)].to_numpy()
                z0, a, (lower, upper) = efron_bca(column, row["estimate"], jackknife(label), 0.9)
                self.assertAlmostEqual(row["bias_correction"], z0, delta=1e-9)
                self.assertAlmostEqual(row["acceleration"], a, delta=1e-7 + 1e-6 * abs(a))
                self.assertAlmostEqual(row["bca_lower"], lower, delta=1e-7)
                self.assertAlmostEqual(row["bca_upper"], upper, delta=1e-7)
                # Percentile interval, SE, t and p of the same draws.
                self.assertAlmostEqual(row["lower"], np.quantile(column, 0.05), delta=1e-12)
                self.assertAlmostEqual(row["upper"], np.quantile(column, 0.95), delta=1e-12)
                self.assertAlmostEqual(row["mean"], column.mean(), delta=1e-12)
                se = column.std(ddof=1)
                self.assertAlmostEqual(row["std_error"], se, delta=1e-12)
                t = row["estimate"] / se
                self.assertAlmostEqual(row["t_value"], t, delta=1e-9 * abs(t))
                p = 2 * stats.t.sf(abs(t), df=len(self.data) - 1)
                self.assertAlmostEqual(row["p_value"], p, delta=1e-9 + 1e-7 * p)

    def test_paths(self):
        names = self.fit._constructs
        self.check("paths",
                   lambda pair: np.array([j[2][names.index(pair[0]), names.index(pair[1])]
                                          for j in self.jack]),
                   lambda pair: f"{pair[0]} -> {pair[1]}")

    def test_loadings_and_weights(self):
        indicators = self.model.indicators
        for quantity, part in (("loadings", 1), ("weights", 0)):
            self.check(quantity,
                       lambda label, part=part: np.array([j[part][indicators.index(label)]
                                                          for j in self.jack]),
                       lambda label: f"{label[0]}:{label[1]}")

    def test_total_and_specific_indirect_effects(self):
        names = self.fit._constructs
        self.check("total_effects",
                   lambda pair: np.array([j[3][names.index(pair[0]), names.index(pair[1])]
                                          for j in self.jack]),
                   lambda pair: f"{pair[0]} -> {pair[1]}")

        def route_jackknife(label):
            nodes = [names.index(name) for name in label.split(" -> ")]
            return np.array([math.prod(j[2][a, b] for a, b in zip(nodes, nodes[1:]))
                             for j in self.jack])
        self.check("specific_indirect_effects", route_jackknife, lambda label: label)


class IndirectEffects(unittest.TestCase):
    def test_products_along_every_route_add_up_to_the_total(self):
        data, blocks, paths = simulate(250, seed=5)
        fit = model_of(data, blocks, paths).fit(data, bootstrap=40, seed=2)
        names = fit._constructs
        c = len(names)
        expected = [tuple(f"C{j}" for j in route) for route in routes_of(paths, c)]
        self.assertEqual(fit.routes(), expected)
        table = fit.indirect_effects
        self.assertEqual(list(table["path"]), [" -> ".join(r) for r in expected])
        coef = fit.path_matrix.to_numpy()
        summed = np.zeros((c, c))
        for route, effect in zip(expected, table["estimate"]):
            nodes = [names.index(name) for name in route]
            # The same products in the same order: exactly equal.
            self.assertEqual(effect, math.prod(coef[a, b] for a, b in zip(nodes, nodes[1:])))
            summed[nodes[0], nodes[-1]] += effect
        np.testing.assert_allclose(fit.total_effects.to_numpy(), coef + summed, atol=1e-12)
        np.testing.assert_allclose(fit.total_indirect_effects.to_numpy(), summed, atol=1e-12)
        # In every resample too.
        draws = fit.bootstrap("paths", draws=True)
        specific = fit.bootstrap("specific_indirect_effects", draws=True)
        for route in expected:
            product = np.ones(len(draws))
            for a, b in zip(route, route[1:]):
                product = product * draws[f"{a} -> {b}"].to_numpy()
            np.testing.assert_array_equal(specific[" -> ".join(route)].to_numpy(), product)
        self.assertTrue({"std_error", "t_value", "p_value", "lower", "upper"} <= set(table.columns))
        self.assertNotIn("bca_lower", table.columns)


class Reproducibility(unittest.TestCase):
    def test_threads_do_not_change_bca_or_predictions(self):
        data, blocks, paths = simulate(500, seed=13)
        model = model_of(data, blocks, paths)
        fits = [model.fit(data, bootstrap=64, seed=8, bca=True, threads=t) for t in (1, 2, 3)]
        for quantity in ("paths", "loadings", "specific_indirect_effects", "r_squared"):
            for other in fits[1:]:
                pd.testing.assert_frame_equal(fits[0].bootstrap(quantity), other.bootstrap(quantity))
        predictions = [fits[0].predict(7, repetitions=2, seed=3, threads=t) for t in (1, 2)]
        pd.testing.assert_frame_equal(predictions[0].indicators, predictions[1].indicators)
        pd.testing.assert_frame_equal(predictions[0].values("lm"), predictions[1].values("lm"))
        np.testing.assert_array_equal(predictions[0].folds, predictions[1].folds)
        again = fits[1].predict(7, repetitions=2, seed=3)
        pd.testing.assert_frame_equal(predictions[0].constructs, again.constructs)
        other = fits[1].predict(7, repetitions=2, seed=4)
        self.assertFalse(np.array_equal(other.folds, again.folds))


def reference_predict(x, blocks, paths, folds, approach):
    """PLSpredict on raw data: per fold, reference PLS on the training rows,
    standardize the fold with the training moments, predict; LM: least squares
    with an intercept on every exogenous item. Returns per-indicator
    (rmse, mae, q2, lm_rmse, lm_mae, lm_q2) and per-construct (rmse, mae, q2)."""
    c = len(blocks)
    preds = {j: [a for a, b in paths if b == j] for j in range(c)}
    exo = [j for j in range(c) if not preds[j]]
    endo = [j for j in range(c) if preds[j]]
    exo_items = sorted({i for j in exo for i in blocks[j]})
    targets = [(j, h, i) for j in endo for h, i in enumerate(blocks[j])]
    sse = np.zeros((len(targets), 3))   # PLS, LM, mean
    sae = np.zeros((len(targets), 2))
    con = np.zeros((len(endo), 3))      # SSE, SAE, Σ actual²
    offsets = np.cumsum([0] + [len(b) for b in blocks])
    for rep in range(folds.shape[1]):
        for f in range(folds[:, rep].max() + 1):
            test = folds[:, rep] == f
            train = ~test
            w, loadings, coef, r2, total = reference_pls(x[train], blocks, paths, ["A"] * c,
                                                         "path", tol=1e-12)
            mean = x[train].mean(axis=0)
            sd = x[train].std(axis=0, ddof=1)
            z = (x[test] - mean) / sd
            scores = np.column_stack([z[:, b] @ w[offsets[j]:offsets[j + 1]]
                                      for j, b in enumerate(blocks)])
            eta = np.zeros_like(scores)
            for j in endo:
                if approach == "earliest":
                    eta[:, j] = scores[:, exo] @ total[exo, j]
                else:
                    eta[:, j] = scores @ coef[:, j]
            design = np.column_stack([np.ones(train.sum()), x[train][:, exo_items]])
            design_test = np.column_stack([np.ones(test.sum()), x[test][:, exo_items]])
            for t, (j, h, i) in enumerate(targets):
                actual = x[test][:, i]
                pls = mean[i] + sd[i] * loadings[offsets[j] + h] * eta[:, j]
                beta, *_ = np.linalg.lstsq(design, x[train][:, i], rcond=None)
                lm = design_test @ beta
                sse[t] += [np.sum((actual - pls) ** 2), np.sum((actual - lm) ** 2),
                           np.sum((actual - mean[i]) ** 2)]
                sae[t] += [np.sum(np.abs(actual - pls)), np.sum(np.abs(actual - lm))]
            for k, j in enumerate(endo):
                error = scores[:, j] - eta[:, j]
                con[k] += [np.sum(error ** 2), np.sum(np.abs(error)), np.sum(scores[:, j] ** 2)]
    count = folds.size
    indicators = np.column_stack([np.sqrt(sse[:, 0] / count), sae[:, 0] / count,
                                  1 - sse[:, 0] / sse[:, 2], np.sqrt(sse[:, 1] / count),
                                  sae[:, 1] / count, 1 - sse[:, 1] / sse[:, 2]])
    constructs = np.column_stack([np.sqrt(con[:, 0] / count), con[:, 1] / count,
                                  1 - con[:, 0] / con[:, 2]])
    return indicators, constructs


class PLSpredict(unittest.TestCase):
    def test_against_numpy_on_the_same_folds(self):
        data, blocks, paths = simulate(180, seed=31)
        data = data * 1.5 + 6  # not standardized: predictions come back on the answers' scale
        fit = model_of(data, blocks, paths).fit(data, tolerance=1e-12, max_iterations=1000)
        x = data.to_numpy()
        for approach in ("earliest", "direct"):
            with self.subTest(approach=approach):
                prediction = fit.predict(6, repetitions=2, seed=9, approach=approach)
                folds = prediction.folds
                self.assertEqual(folds.shape, (180, 2))
                self.assertEqual(sorted(np.bincount(folds[:, 0])), [30] * 6)
                indicators, constructs = reference_predict(x, blocks, paths, folds, approach)
                np.testing.assert_allclose(prediction.indicators.to_numpy(), indicators,
                                           rtol=1e-8, atol=1e-10)
                np.testing.assert_allclose(prediction.constructs.to_numpy(), constructs,
                                           rtol=1e-8, atol=1e-10)
                self.assertEqual(list(prediction.constructs.index), ["C1", "C2", "C3", "C4"])
                self.assertEqual(prediction.info["approach"], approach)

    def test_tables_values_and_errors(self):
        data, blocks, paths = simulate(120, seed=2)
        data.iloc[5, 3] = np.nan
        fit = model_of(data, blocks, paths).fit(data)
        prediction = fit.predict(4)
        self.assertEqual(prediction.info["rows"], 119)
        self.assertEqual(list(prediction.indicators.columns),
                         ["rmse", "mae", "q2_predict", "lm_rmse", "lm_mae", "lm_q2_predict"])
        values = prediction.values("pls")
        actual = prediction.values("actual")
        self.assertEqual(values.shape, (120, 11))
        self.assertTrue(values.iloc[5].isna().all() and not values.iloc[4].isna().any())
        self.assertEqual(actual.iloc[0, 0], data.iloc[0, 3])  # C1's first item
        errors = (actual - values).to_numpy()[~values.isna().any(axis=1)]
        np.testing.assert_allclose(np.sqrt(np.mean(errors ** 2, axis=0)),
                                   prediction.indicators["rmse"].to_numpy(), rtol=1e-12)
        self.assertEqual(prediction.values("pls", level="constructs").shape, (120, 4))
        self.assertEqual(prediction.folds[5, 0], -1)
        self.assertIn('"q2_predict"', prediction.to_json())
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "at least 2 folds"):
            fit.predict(1)
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "approach must be one of"):
            fit.predict(5, approach="latest")
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "not constructs"):
            prediction.values("lm", level="constructs")
        with self.assertRaisesRegex(cxm.InvalidArgumentError, "no bootstrap resamples"):
            fit.bootstrap("paths")


if __name__ == "__main__":
    unittest.main()
