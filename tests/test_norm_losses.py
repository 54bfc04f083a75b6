"""NormLoss (||y - Xw - b||_2) and MaxLoss (||y - Xw - b||_inf), checked against least
squares, scikit-learn's lasso (the square-root lasso's fixed point), SciPy's LP solver and
hand-derived answers."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.optimize import brentq, linprog

import cvxreg as cr
from tests.conftest import regression_data


def test_norm_approximation_without_penalty_is_least_squares():
    # Boyd & Vandenberghe 6.1: minimizing ||Ax - b||_2 and ||Ax - b||_2^2 give the same x.
    X, y = regression_data(n=40, d=5, seed=1)
    res = cr.Problem(cr.NormLoss(), cr.L1(), cr.Penalized(lam=0.0)).solve(X, y)
    assert np.max(np.abs(res.coef - np.linalg.lstsq(X, y, rcond=None)[0])) < 1e-10
    assert res.objective == pytest.approx(np.linalg.norm(y - X @ res.coef), rel=1e-12)


def test_square_root_lasso_is_the_fixed_point_of_scikit_learn_lassos():
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = regression_data(n=50, d=6, seed=2)
    lam, n = 0.8, len(y)

    def lasso(sigma):
        model = sklearn.Lasso(alpha=lam * sigma / n, fit_intercept=False, tol=1e-15, max_iter=1_000_000)
        return model.fit(X, y).coef_

    sigma = np.linalg.norm(y)  # independent: iterate sigma <- ||y - X w_lasso(lam sigma / n)|| with scikit-learn
    for _ in range(200):
        sigma = np.linalg.norm(y - X @ lasso(sigma))
    res = cr.Problem(cr.NormLoss(), cr.L1(), cr.Penalized(lam=lam)).solve(X, y)
    assert np.max(np.abs(res.coef - lasso(sigma))) < 1e-8
    assert res.certificate.passed(1e-9)


def test_norm_loss_with_a_norm_penalty_by_the_ridge_equation():
    # min ||Ax - b|| + g ||x||: stationarity A^T(Ax - b)/||r|| + g x/||x|| = 0, i.e. ridge at
    # delta = g ||r|| / ||x||; delta by brentq on NumPy ridge solutions.
    X, y = regression_data(n=30, d=4, seed=5)
    g = 2.0

    def ridge(delta):
        return np.linalg.solve(X.T @ X + delta * np.eye(4), X.T @ y)

    delta = brentq(lambda d: d * np.linalg.norm(ridge(d)) - g * np.linalg.norm(y - X @ ridge(d)), 1e-9, 1e6, xtol=1e-15)
    res = cr.Problem(cr.NormLoss(), cr.L2(), cr.Penalized(lam=g)).solve(X, y)
    assert np.max(np.abs(res.coef - ridge(delta))) < 1e-9


def test_constrained_norm_loss_multiplier_is_that_of_least_squares_over_the_residual():
    ex = cr.exercises.load("gvl-lsqi-unit-ball")  # mu = 11.0156... for 1/2||Ax - b||^2, ||x|| <= 1
    res = cr.Problem(cr.NormLoss(), cr.L2(), cr.Constrained(t=1.0)).solve(ex.X, ex.y)
    assert np.max(np.abs(res.coef - ex.expected.coef)) < 1e-9
    r = np.linalg.norm(ex.y - ex.X @ ex.expected.coef)
    assert res.dual == pytest.approx(ex.expected.dual / r, rel=1e-8)
    assert res.certificate.passed(1e-9)


def test_chebyshev_approximation_equals_scipy_linprog():
    X, y = regression_data(n=25, d=3, seed=4)
    n, d = X.shape
    # Variables (w, b, s): minimize s with -s <= y - Xw - b <= s.
    c = np.r_[np.zeros(d + 1), 1.0]
    A = np.block([[-X, -np.ones((n, 1)), -np.ones((n, 1))], [X, np.ones((n, 1)), -np.ones((n, 1))]])
    lp = linprog(c, A_ub=A, b_ub=np.r_[-y, y], bounds=[(None, None)] * (d + 2), method="highs")
    res = cr.Problem(cr.MaxLoss(), cr.L1(), cr.Penalized(lam=0.0), fit_intercept=True).solve(X, y)
    assert res.objective == pytest.approx(lp.fun, rel=1e-8)  # the default tolerances of an LP
    assert np.max(np.abs(np.r_[res.coef, res.intercept] - lp.x[: d + 1])) < 1e-6
    assert res.certificate.passed(1e-7)


def test_chebyshev_line_through_three_points_by_alternation():
    # Points (0, 0), (1, 1), (2, 0): the best line is y = 1/2 (residuals -1/2, 1/2, -1/2 alternate
    # at three points, so it is optimal and unique).
    X, y = np.array([[0.0], [1.0], [2.0]]), np.array([0.0, 1.0, 0.0])
    res = cr.Problem(cr.MaxLoss(), cr.L1(), cr.Penalized(lam=0.0), fit_intercept=True).solve(X, y)
    assert abs(res.coef[0]) < 1e-9 and res.intercept == pytest.approx(0.5, abs=1e-9)
    assert res.objective == pytest.approx(0.5, abs=1e-9)
    assert cr.MaxLoss().intercept_only(np.array([0.0, 1.0, 5.0])) == 2.5  # the midrange


def test_certificates_reject_a_moved_answer():
    X, y = regression_data(n=30, d=4, seed=6)
    for loss in (cr.NormLoss(), cr.MaxLoss()):
        prob = cr.Problem(loss, cr.L1(), cr.Penalized(lam=0.5))
        res = prob.solve(X, y)
        assert res.certificate.passed(1e-7), (loss, res.certificate)
        moved = dataclasses.replace(res, coef=res.coef + 0.05)
        assert not cr.certificate(prob, X, y, moved).passed(1e-4)


def test_sample_weights_are_refused_with_a_typed_error():
    X, y = regression_data(n=10, d=2, seed=0)
    for loss in (cr.NormLoss(), cr.MaxLoss()):
        with pytest.raises(cr.NotSupportedError, match="sample_weight"):
            cr.Problem(loss, cr.L1(), cr.Penalized(lam=1.0)).solve(X, y, sample_weight=np.ones(10))


def test_lambda_max_of_the_square_root_lasso():
    # grad of ||y - Xw|| at w = 0 is -X^T y / ||y||: lam_max = ||X^T y||_inf / ||y||.
    X, y = regression_data(n=30, d=4, seed=7)
    prob = cr.Problem(cr.NormLoss(), cr.L1(), cr.Penalized(lam=1.0))
    assert prob.lambda_max(X, y) == pytest.approx(np.max(np.abs(X.T @ y)) / np.linalg.norm(y), rel=1e-12)
    lm = prob.lambda_max(X, y)
    assert not np.any(prob.with_form(cr.Penalized(lam=lm * 1.001)).solve(X, y).coef)
