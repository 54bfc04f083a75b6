"""Closed forms, each checked two ways: against a tight CVXPY solve and against an
independent identity or hand-derived toy. Then lam_max and Problem.reference."""

from __future__ import annotations

import math

import numpy as np
import pytest

import cvxreg as cr
import cvxreg.closed_forms as ref
from cvxreg.reference import box_orthonormal
from tests.conftest import TIGHT, regression_data

SCS_TIGHT = {"solver": "SCS", "eps_abs": 1e-11, "eps_rel": 1e-11, "max_iters": 200_000}
QP_TOL, CONE_TOL = 1e-8, 1e-6


def orthonormal(n: int = 20, d: int = 5, seed: int = 0, centred: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, d))
    if centred:
        A = A - A.mean(axis=0)
    Q, _ = np.linalg.qr(A)
    if centred:  # QR of centred columns keeps them centred: Q = A R^-1
        assert np.allclose(Q.mean(axis=0), 0.0)
    y = Q @ rng.uniform(-3, 3, d) + 0.3 * rng.standard_normal(n)
    return Q, y


# ---------------------------------------------------------------------------- any X
def test_ridge_matches_cvxpy_and_augmented_ols():
    X, y = regression_data(n=30, d=6, seed=1)
    lam = 2.5
    w = ref.ridge(X, y, lam)
    solved = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(lam)).solve(X, y, **TIGHT)
    assert np.allclose(w, solved.coef, atol=QP_TOL)
    # ESL: ridge is OLS on [X; sqrt(lam) I], [y; 0].
    aug = np.linalg.lstsq(np.vstack([X, math.sqrt(lam) * np.eye(6)]), np.r_[y, np.zeros(6)], rcond=None)[0]
    assert np.allclose(w, aug, atol=1e-12)


def test_ridge_islr_identity_design():
    # ISLR 6.6 (X = I, n = p): ridge gives y / (1 + lam).
    y = np.array([3.0, -1.0, 0.5, 2.0])
    for lam in (0.0, 0.5, 4.0):
        assert np.allclose(ref.ridge(np.eye(4), y, lam), y / (1 + lam), atol=1e-14)


def test_ridge_with_factors_matches_cvxpy():
    X, y = regression_data(n=30, d=4, seed=2)
    v = np.array([0.0, 1.0, 2.0, 0.5])
    w = ref.ridge(X, y, 3.0, factors=v)
    solved = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(factors=v), cr.Penalized(3.0)).solve(X, y, **TIGHT)
    assert np.allclose(w, solved.coef, atol=QP_TOL)
    assert np.allclose(X.T @ (X @ w - y) + 3.0 * v * w, 0.0, atol=1e-10)  # stationarity


@pytest.mark.parametrize("t", [0.3, 2.0])
def test_ridge_constrained_secular_equation(t):
    X, y = regression_data(n=30, d=5, seed=3)
    w, mu = ref.ridge_constrained(X, y, t)
    assert 0.5 * w @ w == pytest.approx(t, rel=1e-12)  # the constraint is active
    assert np.allclose(X.T @ (X @ w - y) + mu * w, 0.0, atol=1e-9)  # KKT, an independent identity
    solved = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Constrained(t)).solve(X, y, **SCS_TIGHT)
    assert np.allclose(w, solved.coef, atol=CONE_TOL)
    assert solved.dual == pytest.approx(mu, rel=CONE_TOL)


def test_ridge_constrained_inactive_has_zero_multiplier():
    X, y = regression_data(n=30, d=5, seed=3)
    w_ols = np.linalg.lstsq(X, y, rcond=None)[0]
    w, mu = ref.ridge_constrained(X, y, 0.5 * w_ols @ w_ols + 1.0)
    assert mu == 0.0 and np.allclose(w, w_ols, atol=1e-12)


def test_norm2_constrained_converts_the_multiplier():
    X, y = regression_data(n=30, d=5, seed=4)
    r = 1.2
    w, mu_norm = ref.norm2_constrained(X, y, r)
    w_sq, mu_sq = ref.ridge_constrained(X, y, r * r / 2)
    assert np.allclose(w, w_sq) and mu_norm == pytest.approx(mu_sq * r, rel=1e-14)
    solved = cr.Problem(cr.SquaredLoss(), cr.L2(), cr.Constrained(r)).solve(X, y, **TIGHT)
    assert np.allclose(w, solved.coef, atol=CONE_TOL)
    assert solved.dual == pytest.approx(mu_norm, rel=CONE_TOL)
    # KKT for ||w|| <= r: X^T(Xw - y) + mu w / ||w|| = 0.
    assert np.allclose(X.T @ (X @ w - y) + mu_norm * w / np.linalg.norm(w), 0.0, atol=1e-9)


@pytest.mark.parametrize("lam", [0.5, 5.0, 1e4])
def test_l2_penalized(lam):
    X, y = regression_data(n=30, d=5, seed=5)
    w = ref.l2_penalized(X, y, lam)
    solved = cr.Problem(cr.SquaredLoss(), cr.L2(), cr.Penalized(lam)).solve(X, y, **TIGHT)
    assert np.allclose(w, solved.coef, atol=CONE_TOL)
    if np.linalg.norm(X.T @ y) <= lam:
        assert np.all(w == 0)
    else:
        assert np.allclose(X.T @ (X @ w - y) + lam * w / np.linalg.norm(w), 0.0, atol=1e-8)


# ---------------------------------------------------------------------------- orthonormal
def test_soft_threshold_and_sklearn_lasso_toy():
    assert np.allclose(ref.soft_threshold([3.0, -0.5, -2.0], 1.0), [2.0, 0.0, -1.0])
    # scikit-learn's test_lasso_toy: X = [-1, 0, 1], y = X, Lasso(alpha) -> coef = 1 - 1.5 alpha.
    X = np.array([[-1.0], [0.0], [1.0]])
    y = X.ravel()
    for alpha in (0.1, 0.5):
        res = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(alpha)).solve(X, y, **TIGHT)
        assert res.coef[0] == pytest.approx(1 - 1.5 * alpha, abs=1e-9)
        # The same data scaled to X^T X = 1 is orthonormal: hand-derived w' = max(sqrt(2) - 3 alpha, 0).
        prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(alpha))
        ref_res = prob.reference(X / math.sqrt(2), y)
        assert ref_res.coef[0] == pytest.approx(max(math.sqrt(2) - 3 * alpha, 0.0), abs=1e-14)


@pytest.mark.parametrize("lam", [0.3, 1.5])
def test_lasso_and_elastic_net_orthonormal(lam):
    Q, y = orthonormal(seed=6)
    z = Q.T @ y
    w = ref.lasso_orthonormal(z, lam)
    solved = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam)).solve(Q, y, **TIGHT)
    assert np.allclose(w, solved.coef, atol=QP_TOL)
    a = 0.4
    w_en = ref.elastic_net_orthonormal(z, lam, a)
    solved = cr.Problem(cr.SquaredLoss(), cr.ElasticNet(a), cr.Penalized(lam)).solve(Q, y, **TIGHT)
    assert np.allclose(w_en, solved.coef, atol=QP_TOL)
    # Zou & Hastie (2005) Lemma 1: the elastic net is a lasso on augmented data, solved here
    # by scikit-learn's coordinate descent (an independent solver).
    lm = pytest.importorskip("sklearn.linear_model")
    k = lam * (1 - a)
    Xa, ya = np.vstack([Q, math.sqrt(k) * np.eye(5)]), np.r_[y, np.zeros(5)]
    n_a = Xa.shape[0]
    las = lm.Lasso(alpha=lam * a / n_a, fit_intercept=False, tol=1e-14, max_iter=100000).fit(Xa, ya)
    assert np.allclose(w_en, las.coef_, atol=1e-9)


def test_group_lasso_orthonormal():
    Q, y = orthonormal(d=6, seed=7)
    z, lam = Q.T @ y, 1.2
    pen = cr.GroupLasso([[0, 1, 2], [3, 4], [5]])
    w = ref.group_lasso_orthonormal(z, lam, pen.groups, pen.weights)
    solved = cr.Problem(cr.SquaredLoss(), pen, cr.Penalized(lam)).solve(Q, y, **TIGHT)
    assert np.allclose(w, solved.coef, atol=CONE_TOL)
    # Singleton groups with weight 1 are the lasso.
    singles = [[j] for j in range(6)]
    assert np.allclose(ref.group_lasso_orthonormal(z, lam, singles, np.ones(6)), ref.soft_threshold(z, lam))


def test_linf_penalty_moreau_and_toy():
    # Hand toy: z = (3, 1), lam = 1: w = (2, 1) (minimize 1/2(a-3)^2 + a over a >= 1).
    assert np.allclose(ref.linf_penalty_orthonormal([3.0, 1.0], 1.0), [2.0, 1.0])
    Q, y = orthonormal(seed=8)
    z = Q.T @ y
    w = ref.linf_penalty_orthonormal(z, 2.0)
    solved = cr.Problem(cr.SquaredLoss(), cr.Linf(), cr.Penalized(2.0)).solve(Q, y, **TIGHT)
    assert np.allclose(w, solved.coef, atol=QP_TOL)
    # Moreau: z = prox_{lam f}(z) + lam prox_{f*/lam}(z/lam); f* is the indicator of the L1 ball.
    p = ref.project_l1_ball(z / 2.0, 1.0)[0]
    assert np.allclose(w + 2.0 * p, z, atol=1e-14)


def test_l1_ball_and_its_multiplier():
    w, theta = ref.l1_ball_orthonormal([3.0, 1.0], 2.0)  # hand toy: theta = 1, w = (2, 0)
    assert np.allclose(w, [2.0, 0.0]) and theta == 1.0
    Q, y = orthonormal(seed=9)
    z = Q.T @ y
    w, theta = ref.l1_ball_orthonormal(z, 1.5)
    assert np.sum(np.abs(w)) == pytest.approx(1.5, rel=1e-14)
    solved = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(1.5)).solve(Q, y, **TIGHT)
    assert np.allclose(w, solved.coef, atol=QP_TOL)
    assert solved.dual == pytest.approx(theta, rel=1e-7)
    assert ref.l1_ball_orthonormal(z, 100.0)[1] == 0.0  # inactive


def test_weighted_l1_ball():
    Q, y = orthonormal(seed=9)
    z = Q.T @ y
    v = np.array([0.0, 1.0, 2.0, 0.5, 1.0])
    w, theta = ref.weighted_l1_ball_orthonormal(z, 1.0, v)
    assert np.sum(v * np.abs(w)) == pytest.approx(1.0, rel=1e-12) and w[0] == z[0]  # v_0 = 0: free
    assert np.allclose(ref.weighted_l1_ball_orthonormal(z, 1.0, np.ones(5))[0], ref.project_l1_ball(z, 1.0)[0])
    solved = cr.Problem(cr.SquaredLoss(), cr.L1(factors=v), cr.Constrained(1.0)).solve(Q, y, **TIGHT)
    assert np.allclose(w, solved.coef, atol=QP_TOL) and solved.dual == pytest.approx(theta, rel=1e-7)
    r = cr.Problem(cr.SquaredLoss(), cr.L1(factors=v), cr.Constrained(1.0)).reference(Q, y)
    assert np.allclose(r.coef, w, atol=1e-14) and r.dual == theta


def test_l2_and_linf_balls():
    Q, y = orthonormal(seed=10)
    z = Q.T @ y
    w, mu = ref.l2_ball_orthonormal(z, 1.0)
    assert mu == pytest.approx(np.linalg.norm(z) - 1.0)
    # KKT by hand for ||w|| <= 1: w - z + mu w / ||w|| = 0, ||w|| = 1.
    assert np.linalg.norm(w) == pytest.approx(1.0) and np.allclose(w - z + mu * w, 0.0, atol=1e-14)
    solved = cr.Problem(cr.SquaredLoss(), cr.L2(), cr.Constrained(1.0)).solve(Q, y, **TIGHT)
    assert np.allclose(w, solved.coef, atol=CONE_TOL) and solved.dual == pytest.approx(mu, rel=CONE_TOL)
    w, mu = ref.linf_ball_orthonormal(z, 0.8)
    assert np.allclose(w, np.clip(z, -0.8, 0.8))
    solved = cr.Problem(cr.SquaredLoss(), cr.Linf(), cr.Constrained(0.8)).solve(Q, y, **TIGHT)
    assert np.allclose(w, solved.coef, atol=QP_TOL) and solved.dual == pytest.approx(mu, rel=1e-7)
    # KKT by hand: w - z + mu v = 0 with v in the subdifferential of ||.||_inf at w.
    v = (z - w) / mu
    assert np.sum(np.abs(v)) == pytest.approx(1.0) and np.all(v * np.sign(w) >= -1e-14)


@pytest.mark.parametrize("penalty", [cr.L1(), cr.SquaredL2(), cr.ElasticNet(0.5), cr.LpPower(3)], ids=repr)
def test_box_bounds_orthonormal(penalty):
    Q, y = orthonormal(seed=11)
    lo, hi = np.array([-0.5, 0.1, -np.inf, -1.0, -2.0]), np.array([0.5, np.inf, 0.2, 1.0, -0.3])
    w, dlo, dhi = box_orthonormal(Q.T @ y, 0.7, penalty, lo, hi)
    prob = cr.Problem(cr.SquaredLoss(), penalty, cr.Penalized(0.7), bounds=(lo, hi))
    solved = prob.solve(Q, y, **TIGHT)
    assert np.allclose(w, solved.coef, atol=CONE_TOL)
    assert np.allclose(dlo, solved.lower_dual, atol=CONE_TOL) and np.allclose(dhi, solved.upper_dual, atol=CONE_TOL)
    assert np.any(dlo > 0) or np.any(dhi > 0)


# ---------------------------------------------------------------------------- proximal maps
def _root(a: float, tau: float, p: float) -> float:
    """The root of u + tau p u^(p-1) = a in [0, a], by SciPy's bracketing solver."""
    from scipy.optimize import brentq

    return 0.0 if a == 0 else brentq(lambda u: u + tau * p * u ** (p - 1) - a, 0.0, a, xtol=1e-300, rtol=1e-15)


@pytest.mark.parametrize("p", [1.0, 4 / 3, 1.5, 2.0, 3.0, 4.0, 1.2, 2.5, 7.0])
def test_prox_power_closed_forms_against_root_find_and_optimality(p):
    x = np.array([-3.0, -0.4, 0.0, 0.01, 0.7, 5.0])
    for tau in (0.05, 0.6, 3.0):
        u = ref.prox_power(x, tau, p)
        if p > 1:
            root = np.array([math.copysign(_root(abs(xi), tau, p), xi) for xi in x])
            assert np.allclose(u, root, atol=1e-12)
            # Optimality: u + tau p |u|^(p-1) sign(u) = x.
            assert np.allclose(u + tau * p * np.abs(u) ** (p - 1) * np.sign(u), x, atol=1e-11)
        else:
            assert np.allclose(u, ref.soft_threshold(x, tau))


@pytest.mark.parametrize("p", [1.5, 3.0, 4.0])
def test_lppower_orthonormal_matches_cvxpy(p):
    Q, y = orthonormal(seed=12)
    prob = cr.Problem(cr.SquaredLoss(), cr.LpPower(p), cr.Penalized(0.9))
    r = prob.reference(Q, y)
    assert np.allclose(r.coef, ref.prox_power(Q.T @ y, 0.9 / p, p), atol=1e-14)
    solved = prob.solve(Q, y, **SCS_TIGHT)
    assert np.allclose(r.coef, solved.coef, atol=CONE_TOL)


@pytest.mark.parametrize("p", [1.0, 1.5, 2.0, 3.0, 4.0, np.inf])
@pytest.mark.parametrize("lam", [0.5, 2.0, 50.0])
def test_prox_norm_optimality_and_cvxpy(p, lam):
    Q, y = orthonormal(seed=13)
    z = Q.T @ y
    w = ref.prox_norm(z, lam, p)
    q = np.inf if p == 1 else (1.0 if np.isinf(p) else p / (p - 1))
    if np.linalg.norm(z, q) <= lam:
        assert np.all(w == 0)
    else:
        # Optimality of prox of a norm: ||z - w||_q = lam and <z - w, w> = lam ||w||_p.
        assert np.linalg.norm(z - w, q) == pytest.approx(lam, rel=1e-9)
        assert (z - w) @ w == pytest.approx(lam * np.linalg.norm(w, p), rel=1e-9)
    solved = cr.Problem(cr.SquaredLoss(), cr.Lp(p), cr.Penalized(lam)).solve(Q, y, **SCS_TIGHT)
    assert np.allclose(w, solved.coef, atol=CONE_TOL)


# ---------------------------------------------------------------------------- Problem.reference
def test_reference_agrees_with_the_closed_form_exactly():
    Q, y = orthonormal(seed=14)
    z = Q.T @ y
    cases = [
        (cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.6)), ref.lasso_orthonormal(z, 0.6)),
        (cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(0.03)), ref.lasso_orthonormal(z, 0.03 * 20)),
        (cr.Problem(cr.SquaredLoss(), cr.ElasticNet(0.3), cr.Penalized(1.0)), ref.elastic_net_orthonormal(z, 1.0, 0.3)),
        (cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(2.0)), ref.ridge(Q, y, 2.0)),
        (cr.Problem(cr.SquaredLoss(), cr.Linf(), cr.Penalized(1.0)), ref.linf_penalty_orthonormal(z, 1.0)),
        (cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(1.0)), ref.l1_ball_orthonormal(z, 1.0)[0]),
        (cr.Problem(cr.SquaredLoss(), cr.Lp(3), cr.Penalized(1.0)), ref.prox_norm(z, 1.0, 3.0)),
    ]
    for prob, expected in cases:
        r = prob.reference(Q, y)
        assert r is not None and r.solver == "closed_form" and r.ok
        assert np.allclose(r.coef, expected, atol=1e-10, rtol=0), prob
        assert r.objective == pytest.approx(prob.objective_value(Q, y, expected), abs=1e-10)


def test_reference_with_intercept_and_weights_matches_solver():
    Q, y = orthonormal(n=25, seed=15, centred=True)
    y = y + 4.0
    for prob in (
        cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.5), fit_intercept=True),
        cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(1.0), fit_intercept=True),
        cr.Problem(
            cr.SquaredLoss(scale="mean"), cr.GroupLasso([0, 0, 1, 1, 2]), cr.Penalized(0.05), fit_intercept=True
        ),
    ):
        r = prob.reference(Q, y)
        assert r is not None
        solved = prob.solve(Q, y, **TIGHT)
        assert np.allclose(r.coef, solved.coef, atol=CONE_TOL) and r.intercept == pytest.approx(solved.intercept)
        if r.dual is not None:
            assert r.dual == pytest.approx(solved.dual, rel=1e-6)
    X, y = regression_data(n=20, d=4, seed=16)
    s = np.linspace(0.5, 2.0, 20)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.SquaredL2(), cr.Constrained(0.4), fit_intercept=True)
    r = prob.reference(X, y, sample_weight=s)
    solved = prob.solve(X, y, sample_weight=s, **SCS_TIGHT)
    assert np.allclose(r.coef, solved.coef, atol=CONE_TOL) and r.dual == pytest.approx(solved.dual, rel=1e-5)


def test_reference_is_none_when_no_closed_form_applies():
    X, y = regression_data(n=20, d=4, seed=17)
    assert cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0)).reference(X, y) is None  # not orthonormal
    assert cr.Problem(cr.AbsoluteLoss(), cr.SquaredL2(), cr.Penalized(1.0)).reference(X, y) is None
    assert cr.Problem(cr.SquaredLoss(), cr.TotalVariation(), cr.Penalized(1.0)).reference(X, y) is None
    assert cr.Problem(cr.SquaredLoss(), cr.ElasticNet(0.5), cr.Constrained(1.0)).reference(X, y) is None


# ---------------------------------------------------------------------------- lam_max
LAMBDA_MAX_CASES = [
    (cr.SquaredLoss(), cr.L1(), False),
    (cr.SquaredLoss(), cr.L1(), True),
    (cr.SquaredLoss(scale="mean"), cr.L1(factors=[0.0, 1.0, 2.0, 1.0, 0.5]), True),
    (cr.SquaredLoss(), cr.L2(), False),
    (cr.SquaredLoss(), cr.Lp(3), True),
    (cr.SquaredLoss(), cr.Linf(), False),
    (cr.SquaredLoss(), cr.ElasticNet(0.5), False),
    (cr.SquaredLoss(), cr.GroupLasso([[0, 1], [2, 3, 4]]), True),
    (cr.LogisticLoss(), cr.L1(), True),
    (cr.LogisticLoss(), cr.L2(), False),
    (cr.PoissonLoss(), cr.L1(), True),
    (cr.HuberLoss(0.5), cr.L1(), True),
    (cr.AbsoluteLoss(), cr.L1(), True),
    (cr.AbsoluteLoss(), cr.GroupLasso([[0, 1], [2, 3, 4]]), False),
    (cr.QuantileLoss(0.3), cr.L2(), False),
    (cr.QuantileLoss(0.7, scale="mean"), cr.L1(), True),
    (cr.HingeLoss(), cr.L1(), True),
    (cr.HingeLoss(), cr.Linf(), False),
]


@pytest.mark.parametrize(("loss", "penalty", "fit_intercept"), LAMBDA_MAX_CASES, ids=repr)
def test_lambda_max_is_the_smallest_lam_giving_zero(loss, penalty, fit_intercept):
    from tests.conftest import classification_data, count_data

    if loss.classification:
        X, y = classification_data(d=5, seed=18)
    elif isinstance(loss, cr.PoissonLoss):
        X, y = count_data(d=5, seed=18)
    else:
        X, y = regression_data(d=5, seed=18)
        y = y + 2.0
    prob = cr.Problem(loss, penalty, cr.Penalized(1.0), fit_intercept=fit_intercept)
    lmax = prob.lambda_max(X, y)
    assert 0 < lmax < np.inf
    penalized = np.ones(5, dtype=bool) if penalty.factors is None else np.asarray(penalty.factors) > 0
    above = prob.with_form(cr.Penalized(lmax * 1.001)).solve(
        X, y, solver="SCS", eps_abs=1e-10, eps_rel=1e-10, max_iters=100000
    )
    below = prob.with_form(cr.Penalized(lmax * 0.97)).solve(
        X, y, solver="SCS", eps_abs=1e-10, eps_rel=1e-10, max_iters=100000
    )
    assert np.max(np.abs(above.coef[penalized])) < 1e-6
    assert np.max(np.abs(below.coef[penalized])) > 1e-4


def test_lambda_max_formulas():
    X, y = regression_data(d=5, seed=19)
    z = X.T @ y
    assert cr.lambda_max(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1)), X, y) == pytest.approx(
        np.max(np.abs(z))
    )
    assert cr.lambda_max(cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1)), X, y) == pytest.approx(
        np.max(np.abs(z)) / len(y)
    )
    assert cr.lambda_max(cr.Problem(cr.SquaredLoss(), cr.Linf(), cr.Penalized(1)), X, y) == pytest.approx(
        np.sum(np.abs(z))
    )
    assert cr.lambda_max(cr.Problem(cr.SquaredLoss(), cr.ElasticNet(0.25), cr.Penalized(1)), X, y) == pytest.approx(
        4 * np.max(np.abs(z))
    )
    assert cr.lambda_max(cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(1)), X, y) == np.inf
    # Least absolute deviations without intercept: G = sign(-y), lam_max = ||X^T sign(y)||_inf.
    lad = cr.lambda_max(cr.Problem(cr.AbsoluteLoss(), cr.L1(), cr.Penalized(1)), X, y)
    assert lad == pytest.approx(np.max(np.abs(X.T @ np.sign(y))), rel=1e-8)


def test_box_bound_at_the_l1_kink_has_no_unique_multiplier():
    # w_j = 0 = lower bound with an L1 penalty: any multiplier in [0, -z_j - lam] works (z_j < -lam).
    z = np.array([2.0, -3.0, 0.2])
    w, dlo, _ = box_orthonormal(z, 1.0, cr.L1(), 0.0, None)
    assert np.allclose(w, [1.0, 0.0, 0.0])
    assert np.isnan(dlo[1]) and np.isnan(dlo[2]) and dlo[0] == 0.0
    # Away from the kink the multiplier is unique: w = lower = 0.5 > 0, dual = w - z + lam.
    w, dlo, _ = box_orthonormal(z, 1.0, cr.L1(), 0.5, None)
    assert dlo[1] == pytest.approx(0.5 + 3.0 + 1.0) and dlo[2] == pytest.approx(0.5 - 0.2 + 1.0)


def test_ridge_reference_with_intercept_and_weights_matches_sklearn_and_cvxpy():
    lm = pytest.importorskip("sklearn.linear_model")
    X, y = regression_data(n=30, d=4, seed=41)
    y = y + 5.0
    s = np.linspace(0.5, 1.5, 30)
    prob = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(2.0), fit_intercept=True)
    r = prob.reference(X, y, sample_weight=s)
    est = lm.Ridge(alpha=2.0, fit_intercept=True, solver="svd").fit(X, y, sample_weight=s)
    assert np.allclose(r.coef, est.coef_, atol=1e-10) and r.intercept == pytest.approx(est.intercept_, abs=1e-10)
    solved = prob.solve(X, y, sample_weight=s, **TIGHT)
    assert np.allclose(r.coef, solved.coef, atol=QP_TOL) and r.intercept == pytest.approx(solved.intercept, abs=QP_TOL)
