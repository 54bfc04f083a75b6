"""Linear constraints: their multipliers, the certificate, the closed form, problem files."""

from __future__ import annotations

import numpy as np
import pytest

import cvxreg as cr
from tests.conftest import regression_data

A = np.array([[1.0, 1.0, 1.0, 1.0, 1.0], [1.0, -1.0, 0.0, 0.0, 0.0]])
B = np.array([1.0, 0.2])


def test_equality_constrained_least_squares_matches_its_kkt_system():
    X, y = regression_data(n=40, d=5, seed=1)
    lam = 0.5
    prob = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(lam), constraints=[cr.Equality(A, B)])
    res = prob.solve(X, y)
    # [[X^T X + lam I, A^T], [A, 0]] [w; nu] = [X^T y; b], written out here.
    K = np.block([[X.T @ X + lam * np.eye(5), A.T], [A, np.zeros((2, 2))]])
    sol = np.linalg.solve(K, np.r_[X.T @ y, B])
    assert np.max(np.abs(res.coef - sol[:5])) < 1e-6
    assert np.max(np.abs(res.constraint_duals[0] - sol[5:])) < 1e-4
    assert res.certificate.passed(1e-6)
    ref = prob.reference(X, y)
    assert ref.solver == "closed_form" and np.allclose(ref.coef, sol[:5], atol=1e-12)
    assert np.allclose(ref.constraint_duals[0], sol[5:], atol=1e-10)


def test_inequality_multipliers_are_nonnegative_complementary_and_stationary():
    X, y = regression_data(n=40, d=5, seed=2)
    G, h = np.eye(5)[:2], np.array([0.1, -0.5])  # w_0 <= 0.1, w_1 <= -0.5
    budget = cr.Equality(np.ones((1, 5)), [1.0])
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.3), constraints=[cr.Inequality(G, h), budget])
    res = prob.solve(X, y)
    mu, nu = res.constraint_duals
    assert np.all(mu >= -1e-9)
    assert np.allclose(mu * (G @ res.coef - h), 0.0, atol=1e-6)
    assert np.isclose(res.coef.sum(), 1.0, atol=1e-9) and np.all(G @ res.coef <= h + 1e-9)
    assert res.certificate.passed(1e-6)
    # Stationarity by hand: -(grad L + G^T mu + 1 nu) lies in 0.3 d||w||_1.
    g = X.T @ (X @ res.coef - y) + G.T @ mu + nu[0]
    active = np.abs(res.coef) > 1e-7
    assert np.allclose(-g[active], 0.3 * np.sign(res.coef[active]), atol=1e-5)
    assert np.all(np.abs(g[~active]) <= 0.3 + 1e-5)
    wrong = cr.Result(
        coef=res.coef, intercept=0.0, objective=np.nan, status="optimal", solver="x", constraint_duals=(mu + 1.0, nu)
    )
    assert not cr.certificate(prob, X, y, wrong).passed(1e-6)


def test_constraints_in_problem_files(tmp_path):
    path = tmp_path / "lse.toml"
    path.write_text(
        """
id = "lse"
title = "Least squares with a budget"
source = "Golub & Van Loan, Matrix Computations, section 6.2"
statement = "Minimize 1/2||y - Xw||^2 subject to w_1 + w_2 = 1."
[data]
X = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
y = [1.0, 2.0, 2.0]
[formulation]
loss = "squared"
penalty = "squared_l2"
form = "penalized"
lam = 0.0
constraints = [{ kind = "equality", matrix = [[1.0, 1.0]], rhs = [1.0] }]
[expected]
coef = [0.0, 1.0]
origin = "KKT system by hand"
"""
    )
    ex = cr.exercises.load(path)
    res = ex.solve()
    assert np.allclose(res.coef, [0.0, 1.0], atol=1e-6) and ex.check(res).passed
    bad = path.read_text().replace('kind = "equality"', 'kind = "both"')
    path.write_text(bad)
    with pytest.raises(cr.ProblemFileError, match="kind"):
        cr.exercises.load(path)


def test_constraint_errors_name_the_argument():
    X, y = regression_data(n=20, d=5)
    with pytest.raises(cr.InvalidParameterError, match="'rhs'"):
        cr.Equality(A, [1.0])
    with pytest.raises(cr.InvalidParameterError, match="'matrix'"):
        cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0), constraints=[cr.Equality(A[:, :3], B)]).solve(X, y)
    with pytest.raises(cr.InvalidParameterError, match="'constraints'"):
        cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0), constraints=["w >= 0"])
    with pytest.raises(cr.NotSupportedError, match="linear constraints"):
        cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0), constraints=[cr.Equality(A, B)]).lambda_max(X, y)
