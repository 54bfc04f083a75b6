"""Absolute and quantile regression with L1 (or no penalty) as one LP for HiGHS: the exact
vertex, equal to scikit-learn's QuantileRegressor(solver="highs") and to hand-checked
optimality conditions (the subgradient of the pinball loss at the interpolated samples)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import cvxreg as cr

lm = pytest.importorskip("sklearn.linear_model")


def _data(seed=0, n=300, d=8):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    return X, X[:, :3] @ np.array([1.0, -2.0, 0.5]) + rng.standard_t(3, n)


@pytest.mark.parametrize("tau", [0.2, 0.5, 0.9])
@pytest.mark.parametrize("sparse", [False, True])
def test_quantile_l1_equals_scikit_learn_highs(tau, sparse):
    X, y = _data()
    alpha = 0.02
    prob = cr.Problem(cr.QuantileLoss(tau, scale="mean"), cr.L1(), cr.Penalized(alpha), fit_intercept=True)
    res = prob.solve(sp.csr_matrix(X) if sparse else X, y)
    assert res.solver == "highs-lp" and res.status == "optimal", res.message
    ref = lm.QuantileRegressor(quantile=tau, alpha=alpha, solver="highs").fit(X, y)
    assert prob.objective_value(X, y, res.coef, res.intercept) <= prob.objective_value(
        X, y, ref.coef_, ref.intercept_
    ) * (1 + 1e-12)
    np.testing.assert_allclose(res.coef, ref.coef_, atol=1e-8)


def test_weighted_lad_without_penalty_satisfies_its_optimality_conditions():
    X, y = _data(seed=4, n=120, d=4)
    rng = np.random.default_rng(2)
    s = rng.uniform(0.5, 2.0, len(y))
    res = cr.Problem(cr.AbsoluteLoss(), cr.L1(), cr.Penalized(0.0), fit_intercept=True).solve(X, y, sample_weight=s)
    assert res.solver == "highs-lp" and res.status == "optimal"
    r = y - X @ res.coef - res.intercept
    zero = np.abs(r) <= 1e-9 * np.abs(y).max()
    assert zero.sum() >= X.shape[1] + 1  # a vertex interpolates at least d + 1 samples
    # 0 = sum_i s_i g_i [x_i, 1] with g_i = sign(r_i) off the fit and g_i in [-1, 1] on it:
    # a small LP-free check, the interpolated samples' g solving the square system.
    A = np.column_stack([X, np.ones(len(y))])
    fixed = A[~zero].T @ (s[~zero] * np.sign(r[~zero]))
    g = np.linalg.lstsq((A[zero] * s[zero, None]).T, -fixed, rcond=None)[0]
    assert np.all(np.abs(g) <= 1 + 1e-9)
    np.testing.assert_allclose((A[zero] * s[zero, None]).T @ g, -fixed, atol=1e-8 * np.abs(fixed).max())


def test_named_solvers_and_other_penalties_keep_their_routes():
    X, y = _data()
    prob = cr.Problem(cr.QuantileLoss(0.5), cr.L1(), cr.Penalized(1.0))
    assert prob.solve(X, y, solver="CLARABEL").solver == "CLARABEL"
    ridge = cr.Problem(cr.QuantileLoss(0.5), cr.SquaredL2(), cr.Penalized(1.0)).solve(X, y)
    assert ridge.solver != "highs-lp" and ridge.status == "optimal"
