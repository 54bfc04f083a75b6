"""Bounds and linear constraints polished to the exact minimizer, multipliers included:
checked against hand-derived KKT systems solved with NumPy, not against cvxreg's own output."""

from __future__ import annotations

import numpy as np
import pytest

import cvxreg as cr


@pytest.fixture
def data():
    rng = np.random.default_rng(11)
    X = rng.standard_normal((60, 8))
    y = X @ np.array([2.0, -1.0, 0.5, 0.0, 0.0, 1.5, 0.0, -0.7]) + 0.3 * rng.standard_normal(60)
    return X, y


def test_ridge_under_a_binding_inequality_is_the_kkt_solution(data):
    X, y = data
    g, h, lam = np.r_[np.ones(4), np.zeros(4)], 0.2, 1.0
    # min 1/2 ||y - Xw||^2 + lam/2 ||w||^2 s.t. g^T w <= h; unconstrained g^T w > h, so it binds:
    # [X^T X + lam I, g; g^T, 0] [w; mu] = [X^T y; h], and mu >= 0.
    free = np.linalg.solve(X.T @ X + lam * np.eye(8), X.T @ y)
    assert g @ free > h
    K = np.block([[X.T @ X + lam * np.eye(8), g[:, None]], [g[None, :], np.zeros((1, 1))]])
    sol = np.linalg.solve(K, np.r_[X.T @ y, h])
    res = cr.Problem(
        cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(lam), constraints=[cr.Inequality(g[None, :], [h])]
    ).solve(X, y)
    assert res.status == "optimal" and res.polished, res.message
    np.testing.assert_allclose(res.coef, sol[:8], rtol=1e-11, atol=1e-13)
    assert res.constraint_duals[0][0] == pytest.approx(sol[8], rel=1e-10)


def test_lasso_with_an_equality_satisfies_its_kkt(data):
    X, y = data
    lam = 20.0
    res = cr.Problem(
        cr.SquaredLoss(), cr.L1(), cr.Penalized(lam), constraints=[cr.Equality(np.ones((1, 8)), [1.0])]
    ).solve(X, y)
    assert res.status == "optimal" and res.polished, res.message
    w, nu = res.coef, float(res.constraint_duals[0][0])
    z = X.T @ (X @ w - y) + nu  # gradient of the Lagrangian without the penalty
    on = w != 0
    assert on.sum() < 8  # some exact zeros
    np.testing.assert_allclose(z[on], -lam * np.sign(w[on]), atol=1e-10 * np.linalg.norm(X.T @ y))
    assert np.all(np.abs(z[~on]) <= lam * (1 + 1e-10))
    assert np.sum(w) == pytest.approx(1.0, abs=1e-13)


def test_poisson_ridge_with_an_equality_and_an_intercept(data):
    X, _ = data
    rng = np.random.default_rng(2)
    y = rng.poisson(np.exp(0.3 * X[:, 0] - 0.2 * X[:, 1]))
    A = np.vstack([np.r_[1.0, 1.0, np.zeros(6)], np.r_[np.zeros(6), 1.0, -1.0]])
    b = np.array([0.1, 0.0])
    res = cr.Problem(
        cr.PoissonLoss(), cr.SquaredL2(), cr.Penalized(2.0), fit_intercept=True, constraints=[cr.Equality(A, b)]
    ).solve(X, y)
    assert res.status == "optimal" and res.polished, res.message
    w, b0, nu = res.coef, res.intercept, res.constraint_duals[0]
    mu = np.exp(X @ w + b0)
    # sum_i (exp(eta_i) - y_i) x_i + 2 w + A^T nu = 0, sum_i (exp(eta_i) - y_i) = 0, A w = b.
    np.testing.assert_allclose(X.T @ (mu - y) + 2.0 * w + A.T @ nu, 0.0, atol=1e-10 * np.linalg.norm(X.T @ y))
    assert abs(float(np.sum(mu - y))) <= 1e-10 * np.sum(y)
    np.testing.assert_allclose(A @ w, b, atol=1e-14)


def test_huber_lasso_with_bounds_and_an_equality(data):
    X, y = data
    res = cr.Problem(
        cr.HuberLoss(),
        cr.L1(),
        cr.Penalized(1.0),
        bounds=(-1.0, 1.0),
        constraints=[cr.Equality(np.ones((1, 8)), [1.0])],
    ).solve(X, y)
    assert res.status == "optimal" and res.polished, res.message
    w, nu = res.coef, float(res.constraint_duals[0][0])
    r = y - X @ w
    z = -(X.T @ np.clip(r, -1.0, 1.0)) + nu  # HuberLoss() has M = 1: psi(r) = clip(r, -M, M)
    at_lo, at_hi = w == -1.0, w == 1.0
    assert np.any(at_hi)  # the bound binds
    # At a bound, the bound's multiplier is what is left, with the right sign; elsewhere the lasso's conditions.
    np.testing.assert_allclose(res.upper_dual[at_hi], -(z + 1.0)[at_hi], rtol=1e-10)
    np.testing.assert_allclose(res.lower_dual[at_lo], (z - 1.0)[at_lo], rtol=1e-10)
    assert np.all(res.upper_dual[at_hi] > 0) and np.all(res.lower_dual[at_lo] > 0)
    assert np.all(res.lower_dual[~at_lo] == 0) and np.all(res.upper_dual[~at_hi] == 0)
    inner = ~at_hi & ~at_lo & (w != 0)
    np.testing.assert_allclose(z[inner], -np.sign(w[inner]), atol=1e-10 * np.linalg.norm(X.T @ y))
    assert np.all(np.abs(z[w == 0]) <= 1 + 1e-10)


def test_nonnegative_lasso_under_an_equality_reports_the_smallest_bound_multipliers(data):
    X, y = data
    lam = 10.0
    total = cr.Equality(np.ones((1, 8)), [2.0])
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam), bounds=(0.0, None), constraints=[total])
    res = prob.solve(X, y)
    assert res.status == "optimal" and res.polished, res.message
    w, nu = res.coef, float(res.constraint_duals[0][0])
    g = X.T @ (X @ w - y) + nu
    at_zero = w == 0
    assert np.any(at_zero)
    # w_j = 0 = lower_j with L1: g_j + lam s_j - mu_j = 0 for some s_j in [-1, 1], mu_j >= 0. The
    # conditions hold iff g_j + lam >= 0; the smallest multiplier is max(g_j - lam, 0).
    assert np.all(g[at_zero] + lam >= -1e-9 * np.linalg.norm(X.T @ y))
    np.testing.assert_allclose(res.lower_dual[at_zero], np.maximum(g[at_zero] - lam, 0.0), atol=1e-9)
    np.testing.assert_allclose(g[~at_zero], -lam, atol=1e-9 * np.linalg.norm(X.T @ y))


def test_sparse_data_is_polished_without_a_dense_copy_beyond_the_cap(data, monkeypatch):
    import scipy.sparse as sp

    import cvxreg.polish_linear as pl

    X, y = data
    con = [cr.Equality(np.ones((1, 8)), [1.0])]
    prob = cr.Problem(cr.LogisticLoss(), cr.SquaredL2(), cr.Penalized(1.0), constraints=con)
    labels = np.where(y > 0, 1.0, -1.0)
    small = prob.solve(sp.csr_matrix(X), labels)
    assert small.polished and small.status == "optimal"  # 60 x 8: under the cap, polished
    monkeypatch.setattr(pl, "_DENSE_ENTRIES", 100)  # as if the free columns were huge
    big = prob.solve(sp.csr_matrix(X), labels)
    assert not big.polished and big.certificate.passed(1e-6)  # the solver's answer, honestly certified


@pytest.mark.parametrize("lam", [0.5, 3.0, 10.0])
def test_nonnegative_group_lasso_is_polished_to_its_kkt_with_bound_multipliers(lam):
    # Was: the solver's accuracy (certificate about 2e-7), no polish: bounds took separable
    # penalties only. The KKT conditions, by hand: on a nonzero block, g_j + lam c ||w_g||^-1 w_j
    # is 0 off the bound and the bound's multiplier (>= 0) on it.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 6))
    y = X @ np.array([1.5, -0.3, 0.8, 0.0, -1.0, 0.4]) + 0.3 * rng.standard_normal(80)
    groups = [[0, 1], [2, 3], [4, 5]]
    prob = cr.Problem(cr.SquaredLoss(), cr.GroupLasso(groups), cr.Penalized(lam=lam), bounds=(0.0, None),
                      fit_intercept=True)  # fmt: skip
    res = prob.solve(X, y)
    assert res.status == "optimal" and res.polished and res.certificate.passed(1e-12)
    w, r = res.coef, y - X @ res.coef - res.intercept
    g = -X.T @ r
    assert abs(r.sum()) < 1e-9 * np.abs(y).sum()
    stationarity = g.copy()
    for block in groups:
        norm = np.linalg.norm(w[block])
        assert norm > 0  # these lams leave every block on (no bound inside a zero block)
        stationarity[block] += lam * np.sqrt(2) * w[block] / norm
    on_bound = w == 0
    assert np.all(w >= 0) and np.any(on_bound)
    np.testing.assert_allclose(stationarity[~on_bound], 0.0, atol=1e-9 * np.abs(g).max())
    np.testing.assert_allclose(res.lower_dual[on_bound], stationarity[on_bound], rtol=1e-9)
    assert np.all(res.lower_dual >= 0) and np.all(res.lower_dual[~on_bound] == 0)


def test_lp_norm_with_bounds_is_polished():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 5))
    y = X @ np.array([1.0, -2.0, 0.5, 0.0, 0.7]) + 0.2 * rng.standard_normal(60)
    prob = cr.Problem(cr.SquaredLoss(), cr.Lp(1.5), cr.Penalized(lam=2.0), bounds=(-1.0, 1.0))
    res = prob.solve(X, y)
    assert res.status == "optimal" and res.polished and res.certificate.passed(1e-12)
    w = res.coef
    grad = -X.T @ (y - X @ w) + 2.0 * np.sign(w) * (np.abs(w) / np.linalg.norm(w, 1.5)) ** 0.5
    at_hi, at_lo = np.isclose(w, 1.0), np.isclose(w, -1.0)
    free = ~(at_hi | at_lo)
    assert np.any(at_lo | at_hi)
    np.testing.assert_allclose(grad[free], 0.0, atol=1e-9 * np.abs(X.T @ y).max())
    np.testing.assert_allclose(res.upper_dual[at_hi], -grad[at_hi], rtol=1e-9)
    np.testing.assert_allclose(res.lower_dual[at_lo], grad[at_lo], rtol=1e-9)


@pytest.mark.parametrize("lam", [10.0, 30.0])
def test_a_bound_inside_a_zero_block_is_polished_with_its_multipliers(lam):
    # Was: the solver's accuracy (certificate 6e-7 at lam = 10), the polish refused a bound inside
    # a zero block. By hand: block (2, 3) is 0 with both coefficients on the bound 0, and the KKT
    # conditions ask for nu >= 0 on it with ||-g_G + nu_G|| <= lam sqrt(2); the other blocks are
    # stationary. The smallest such nu is max(g, 0), coordinate-wise.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 6))
    y = X @ np.array([1.5, 0.5, -2.0, 0.1, 1.0, 0.4]) + 0.3 * rng.standard_normal(80)
    groups = [[0, 1], [2, 3], [4, 5]]
    prob = cr.Problem(cr.SquaredLoss(), cr.GroupLasso(groups), cr.Penalized(lam=lam), bounds=(0.0, None),
                      fit_intercept=True)  # fmt: skip
    res = prob.solve(X, y)
    assert res.status == "optimal" and res.polished and res.certificate.passed(1e-12)
    w = res.coef
    g = -X.T @ (y - X @ w - res.intercept)
    assert np.all(w[[2, 3]] == 0) and np.all(w[[0, 1, 4, 5]] > 0)
    for block in ([0, 1], [4, 5]):
        stationary = g[block] + lam * np.sqrt(2) * w[block] / np.linalg.norm(w[block])
        np.testing.assert_allclose(stationary, 0.0, atol=1e-10 * np.abs(g).max())
    nu = res.lower_dual
    np.testing.assert_allclose(nu[[2, 3]], np.maximum(g[[2, 3]], 0.0), rtol=1e-12, atol=1e-12 * np.abs(g).max())
    assert nu[2] > 0 and np.all(nu[[0, 1, 4, 5]] == 0)
    assert np.linalg.norm(-g[[2, 3]] + nu[[2, 3]]) <= lam * np.sqrt(2)
