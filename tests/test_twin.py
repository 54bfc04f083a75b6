"""The constrained form polished through its penalized twin: prox-only penalties (Lp, Linf)
and composites with a quadratic term are exact in the constrained form too, multipliers
included. Every answer is checked against a closed form or KKT conditions derived by hand."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import cvxreg as cr


@pytest.fixture
def orthonormal():
    rng = np.random.default_rng(7)
    Q, _ = np.linalg.qr(rng.standard_normal((40, 6)))
    z = np.array([2.0, -1.5, 0.2, -0.1, 0.9, 0.05])
    return Q, Q @ z + 0.0, z


def test_linf_ball_on_an_orthonormal_design_is_the_clip(orthonormal):
    Q, y, z = orthonormal
    t = 0.5
    res = cr.Problem(cr.SquaredLoss(), cr.Linf(), cr.Constrained(t), fit_intercept=False).solve(Q, y)
    # min 1/2 ||Q^T y - w||^2 s.t. max |w_j| <= t: w = clip(z, -t, t); stationarity summed over the
    # clipped coordinates gives mu = sum (|z_j| - t)_+.
    assert res.status == "optimal" and res.polished, res.message
    np.testing.assert_allclose(res.coef, np.clip(z, -t, t), atol=1e-10)
    assert res.dual == pytest.approx(float(np.sum(np.maximum(np.abs(z) - t, 0.0))), rel=1e-9)


@pytest.mark.parametrize("p", [1.5, 3.0])
def test_lp_ball_satisfies_its_hand_derived_kkt(p):
    rng = np.random.default_rng(2)
    X = rng.standard_normal((50, 8))
    y = X @ rng.standard_normal(8) + 0.3 * rng.standard_normal(50)
    t = 1.0
    res = cr.Problem(cr.SquaredLoss(), cr.Lp(p), cr.Constrained(t), fit_intercept=False).solve(X, y)
    assert res.status == "optimal" and res.polished, res.message
    w, mu = res.coef, res.dual
    norm = float(np.sum(np.abs(w) ** p) ** (1 / p))
    assert norm == pytest.approx(t, rel=1e-10)  # the ball binds (OLS lies outside it)
    grad_norm = np.sign(w) * np.abs(w) ** (p - 1) / norm ** (p - 1)  # d ||w||_p / dw, w has no zeros
    stationarity = X.T @ (X @ w - y) + mu * grad_norm
    assert np.linalg.norm(stationarity) <= 1e-8 * np.linalg.norm(X.T @ y)


def test_elastic_net_ball_as_a_composite_satisfies_its_hand_derived_kkt():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((60, 10))
    y = X @ np.r_[2.0, -1.5, 1.0, np.zeros(7)] + 0.5 * rng.standard_normal(60)
    t = np.array([1.5, 0.6])  # ||w||_1 <= 1.5 and 1/2 ||w||^2 <= 0.6
    res = cr.Problem(
        cr.SquaredLoss(), cr.Composite(cr.L1(), cr.SquaredL2()), cr.Constrained(list(t)), fit_intercept=True
    ).solve(X, y)
    assert res.status == "optimal" and res.polished, res.message
    w, b = res.coef, res.intercept
    mu1, mu2 = res.dual
    g = X.T @ (y - X @ w - b)  # -grad of 1/2 ||y - Xw - b||^2
    on = w != 0
    # On the support: g = mu1 sign(w) + mu2 w; off it: |g| <= mu1; the intercept: sum of residuals 0.
    np.testing.assert_allclose(g[on], mu1 * np.sign(w[on]) + mu2 * w[on], atol=1e-9 * np.linalg.norm(X.T @ y))
    assert np.all(np.abs(g[~on]) <= mu1 * (1 + 1e-9))
    assert abs(float(np.sum(y - X @ w - b))) <= 1e-9 * np.linalg.norm(y)
    active = [np.sum(np.abs(w)) - t[0], 0.5 * w @ w - t[1]]
    for value, m in zip(active, (mu1, mu2), strict=True):  # complementary slackness, feasibility
        assert value <= 1e-12 * 10
        assert m >= 0 and (m == 0 or abs(value) <= 1e-10)
    assert min(mu1, mu2) > 0  # both bind here


def test_a_penalty_with_only_a_prox_is_polished_in_the_constrained_form_for_logistic():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((80, 5))
    y = np.where(X @ np.array([1.0, -2.0, 0.5, 0.0, 1.0]) + rng.standard_normal(80) > 0, 1, -1)
    res = cr.Problem(cr.LogisticLoss(), cr.Lp(3), cr.Constrained(0.5), fit_intercept=False).solve(X, y)
    assert res.status == "optimal" and res.polished, res.message
    assert res.certificate.passed(1e-8)
    w = res.coef
    norm = float(np.sum(np.abs(w) ** 3) ** (1 / 3))
    assert norm == pytest.approx(0.5, rel=1e-10)
    # Hand KKT: sum_i -y_i x_i sigma(-y_i x_i w) + mu grad ||w||_3 = 0
    m = y * (X @ w)
    grad = -(X.T @ (y / (1 + np.exp(m))))
    stationarity = grad + res.dual * np.sign(w) * np.abs(w) ** 2 / norm**2
    assert np.linalg.norm(stationarity) <= 1e-7 * np.linalg.norm(X.T @ y)


@pytest.mark.parametrize("loss", ["squared", "huber"])
def test_a_ball_with_bounds_is_polished_with_both_multipliers(loss):
    # Was: the solver's accuracy (certificates 1e-7 to 4e-6, one `optimal_inaccurate`): the twin
    # took no bounds. By hand, for min L(w) s.t. sum_g sqrt(2) ||w_g|| <= t, w >= 0: on a nonzero
    # block g_j + mu sqrt(2) w_j / ||w_g|| is 0 off the bound and the bound's multiplier on it.
    rng = np.random.default_rng(1)
    X = rng.standard_normal((80, 6))
    y = X @ np.array([1.5, -0.5, 0.8, -1.0, 1.2, 0.3]) + 0.3 * rng.standard_normal(80)
    s = rng.uniform(0.1, 3.0, 80)
    groups = [[0, 1], [2, 3], [4, 5]]
    L = cr.SquaredLoss() if loss == "squared" else cr.HuberLoss(1.0)
    t = 1.0
    res = cr.Problem(L, cr.GroupLasso(groups), cr.Constrained(t=t), bounds=(0.0, None), fit_intercept=True).solve(
        sp.csr_matrix(X), y, sample_weight=s
    )
    assert res.status == "optimal" and res.polished and res.certificate.passed(1e-12)
    w, mu = res.coef, res.dual
    r = y - X @ w - res.intercept
    deriv = -r if loss == "squared" else -np.clip(r, -1.0, 1.0)  # d loss / d eta
    g = X.T @ (s * deriv)
    assert abs(s @ deriv) < 1e-10 * np.abs(g).max()
    stationarity = g.copy()
    for block in groups:
        norm = np.linalg.norm(w[block])
        if norm > 0:
            stationarity[block] += mu * np.sqrt(2) * w[block] / norm
    on = np.array([np.linalg.norm(w[b]) > 0 for b in groups]).repeat(2)
    free = on & (w > 0)
    assert np.any(free) and mu > 0
    np.testing.assert_allclose(stationarity[free], 0.0, atol=1e-10 * np.abs(g).max())
    np.testing.assert_allclose(res.lower_dual[on & ~free], stationarity[on & ~free], atol=1e-10 * np.abs(g).max())
    assert np.all(res.lower_dual >= 0)
    assert sum(np.sqrt(2) * np.linalg.norm(w[b]) for b in groups) == pytest.approx(t, rel=1e-12)
