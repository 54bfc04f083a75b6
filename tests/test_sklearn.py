"""cvxreg against scikit-learn under the mappings of docs/formulas.md (independent solvers)."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import cvxreg as cr
from tests.conftest import TIGHT, classification_data, regression_data

lm = pytest.importorskip("sklearn.linear_model")


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(X, y)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("alpha", [0.05, 0.3])
def test_lasso(alpha, fit_intercept):
    X, y = regression_data(n=50, d=8, seed=11)
    y = y + 2.0
    ref = _fit(lm.Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-12, max_iter=200000), X, y)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(alpha), fit_intercept=fit_intercept)
    res = prob.solve(X, y, **TIGHT)
    assert np.allclose(res.coef, ref.coef_, atol=1e-7)
    assert res.intercept == pytest.approx(float(ref.intercept_), abs=1e-7)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_ridge(fit_intercept):
    X, y = regression_data(n=40, d=6, seed=12)
    y = y - 3.0
    ref = _fit(lm.Ridge(alpha=2.5, fit_intercept=fit_intercept, solver="svd"), X, y)
    res = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(2.5), fit_intercept=fit_intercept).solve(
        X, y, **TIGHT
    )
    assert np.allclose(res.coef, ref.coef_, atol=1e-8)
    assert res.intercept == pytest.approx(float(ref.intercept_), abs=1e-8)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("l1_ratio", [0.2, 0.7])
def test_elastic_net(l1_ratio, fit_intercept):
    X, y = regression_data(n=50, d=8, seed=13)
    ref = _fit(
        lm.ElasticNet(alpha=0.2, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=1e-12, max_iter=200000), X, y
    )
    prob = cr.Problem(
        cr.SquaredLoss(scale="mean"), cr.ElasticNet(l1_ratio), cr.Penalized(0.2), fit_intercept=fit_intercept
    )
    res = prob.solve(X, y, **TIGHT)
    assert np.allclose(res.coef, ref.coef_, atol=1e-7)
    assert res.intercept == pytest.approx(float(ref.intercept_), abs=1e-7)


def _logistic(kind: str, C: float, fit_intercept: bool):
    params = inspect.signature(lm.LogisticRegression).parameters
    common = {"C": C, "fit_intercept": fit_intercept, "tol": 1e-12, "max_iter": 100000}
    if kind == "l2":
        return lm.LogisticRegression(solver="lbfgs", **common)
    if params["penalty"].default == "deprecated":  # scikit-learn >= 1.8 spells L1 as l1_ratio=1
        return lm.LogisticRegression(solver="saga", l1_ratio=1.0, **common)
    return lm.LogisticRegression(solver="saga", penalty="l1", **common)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize(("kind", "penalty"), [("l2", cr.SquaredL2()), ("l1", cr.L1())])
def test_logistic_regression(kind, penalty, fit_intercept):
    # scikit-learn minimizes C * sum(logloss) + R(w): cvxreg's LogisticLoss with lam = 1/C.
    X, y = classification_data(n=60, d=4, seed=14)
    C = 0.5
    ref = _fit(_logistic(kind, C, fit_intercept), X, y)
    res = cr.Problem(cr.LogisticLoss(), penalty, cr.Penalized(1 / C), fit_intercept=fit_intercept).solve(X, y, **TIGHT)
    tol = 1e-6 if kind == "l2" else 1e-4  # saga converges slowly
    assert np.allclose(res.coef, ref.coef_.ravel(), atol=tol)
    assert res.intercept == pytest.approx(float(np.ravel(ref.intercept_)[0]) if fit_intercept else 0.0, abs=tol)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("tau", [0.25, 0.5, 0.8])
def test_quantile_regressor(tau, fit_intercept):
    # QuantileRegressor minimizes mean(pinball) + alpha * ||w||_1 (an LP solved by HiGHS).
    X, y = regression_data(n=40, d=3, seed=15)
    ref = _fit(lm.QuantileRegressor(quantile=tau, alpha=0.05, fit_intercept=fit_intercept), X, y)
    prob = cr.Problem(cr.QuantileLoss(tau, scale="mean"), cr.L1(), cr.Penalized(0.05), fit_intercept=fit_intercept)
    res = prob.solve(X, y, **TIGHT)
    # LP solutions can be non-unique: compare objectives exactly, coefficients loosely.
    ref_obj = prob.objective_value(X, y, ref.coef_, float(ref.intercept_))
    assert res.objective == pytest.approx(ref_obj, rel=1e-7)
    assert np.allclose(res.coef, ref.coef_, atol=1e-4)


def test_huber_regressor():
    # HuberRegressor minimizes over (w, sigma); at its sigma the w-problem is cvxreg's
    # HuberLoss(M = epsilon*sigma) + SquaredL2 at lam = alpha*sigma (see HuberLoss docstring).
    X, y = regression_data(n=60, d=4, seed=16)
    y[:5] += 8.0  # outliers
    eps, alpha = 1.35, 0.5
    ref = _fit(lm.HuberRegressor(epsilon=eps, alpha=alpha, fit_intercept=True, tol=1e-12, max_iter=10000), X, y)
    sigma = ref.scale_
    prob = cr.Problem(cr.HuberLoss(M=eps * sigma), cr.SquaredL2(), cr.Penalized(alpha * sigma), fit_intercept=True)
    res = prob.solve(X, y, **TIGHT)
    assert np.allclose(res.coef, ref.coef_, atol=1e-4)
    assert res.intercept == pytest.approx(ref.intercept_, abs=1e-4)
