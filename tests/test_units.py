"""Answers at any scale of the numbers: y, weights and parameters in large or tiny units give
the scaled answer (or a typed error), never a wrong answer or a false status."""

import numpy as np
import pytest

import cvxreg as cr

SCALES = [1e-150, 1e-8, 1e8, 1e150]


@pytest.fixture
def data():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((60, 5))
    y = X @ np.array([1.5, -2.0, 0.0, 0.0, 0.7]) + 0.5 * rng.standard_normal(60)
    return X, y


def _same(result, base, s):
    assert result.status == "optimal", result.message
    assert result.certificate.passed(1e-6)
    np.testing.assert_allclose(result.coef / s, base.coef, rtol=1e-7, atol=1e-9 * np.max(np.abs(base.coef)))
    assert result.objective == pytest.approx(base.objective * s * s, rel=1e-8)


@pytest.mark.parametrize("s", SCALES)
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_lasso_in_any_units(data, s, fit_intercept):
    X, y = data
    # 1/2 ||s y - X w||^2 + s lam ||w||_1 at w = s v is s^2 (1/2 ||y - X v||^2 + lam ||v||_1)
    base = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=8.0), fit_intercept=fit_intercept).solve(X, y)
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=8.0 * s), fit_intercept=fit_intercept)
    res = prob.solve(X, y * s)
    _same(res, base, s)
    assert res.intercept / s == pytest.approx(base.intercept, rel=1e-7, abs=1e-12)
    np.testing.assert_array_equal(res.coef == 0, base.coef == 0)


@pytest.mark.parametrize("s", SCALES)
def test_ridge_and_huber_in_any_units(data, s):
    X, y = data
    base = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(lam=3.0)).solve(X, y)
    _same(cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(lam=3.0)).solve(X, y * s), base, s)
    base = cr.Problem(cr.HuberLoss(0.5), cr.L1(), cr.Penalized(lam=4.0)).solve(X, y)
    res = cr.Problem(cr.HuberLoss(0.5 * s), cr.L1(), cr.Penalized(lam=4.0 * s)).solve(X, y * s)
    _same(res, base, s)


@pytest.mark.parametrize("s", SCALES)
def test_constrained_lasso_and_its_multiplier_in_any_units(data, s):
    X, y = data
    base = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(t=2.0)).solve(X, y)
    res = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(t=2.0 * s)).solve(X, y * s)
    _same(res, base, s)
    assert res.dual == pytest.approx(base.dual * s, rel=1e-7)  # mu multiplies ||w||_1 - t: units of y


@pytest.mark.parametrize("s", [1e-8, 1e8, 1e150])
def test_elastic_net_in_large_units_matches_the_hand_rescaled_problem(data, s):
    X, y = data
    a, lam = 0.3, 5.0
    res = cr.Problem(cr.SquaredLoss(), cr.ElasticNet(a), cr.Penalized(lam=lam)).solve(X, y * s)
    # At w = s v: lam (a s |v|_1 + (1 - a) s^2 / 2 |v|^2) = s^2 lam' (a' |v|_1 + (1 - a')/2 |v|^2)
    f = a * s + (1 - a) * s * s
    hand = cr.Problem(cr.SquaredLoss(), cr.ElasticNet(a * s / f), cr.Penalized(lam=lam * f / s**2)).solve(X, y)
    assert res.status == "optimal" and res.certificate.passed(1e-6)
    np.testing.assert_allclose(res.coef / s, hand.coef, rtol=1e-7, atol=1e-12)


def test_bounds_and_linear_constraints_in_large_units(data):
    X, y = data
    s = 1e8
    eq = cr.Equality(np.ones((1, 5)), [1.0])
    base = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=2.0), bounds=(-0.5, None), constraints=[eq])
    big = cr.Problem(
        cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=2.0 * s), bounds=(-0.5 * s, None),
        constraints=[cr.Equality(np.ones((1, 5)), [s])],
    )  # fmt: skip
    want, got = base.solve(X, y), big.solve(X, y * s)
    assert got.status == "optimal" and got.certificate.passed(1e-6)
    # Bounded and constrained answers are the solver's (not polished): agreement at its accuracy.
    np.testing.assert_allclose(got.coef / s, want.coef, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(got.lower_dual / s, want.lower_dual, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got.constraint_duals[0] / s, want.constraint_duals[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("c", SCALES)
@pytest.mark.parametrize(
    ("loss", "penalty"),
    [(cr.LogisticLoss(), cr.L1()), (cr.PoissonLoss(), cr.SquaredL2()), (cr.SquaredLoss(), cr.L1())],
    ids=repr,
)
def test_weights_in_any_units(data, c, loss, penalty):
    X, y = data
    if loss.classification:
        y = np.sign(y)
    elif isinstance(loss, cr.PoissonLoss):
        X = X / 4
        y = np.round(np.exp(X @ np.array([1.0, -1, 0, 0, 0.5])) * 2)
    base = cr.Problem(loss, penalty, cr.Penalized(lam=2.0)).solve(X, y)
    res = cr.Problem(loss, penalty, cr.Penalized(lam=2.0 * c)).solve(X, y, sample_weight=np.full(len(y), c))
    assert res.status == "optimal", res.message
    np.testing.assert_allclose(res.coef, base.coef, rtol=1e-6, atol=1e-8)
    assert res.objective == pytest.approx(base.objective * c, rel=1e-6)


def test_weights_beyond_float_precision_are_refused(data):
    X, y = data
    w = np.ones(len(y))
    w[0], w[1] = 1e200, 1e-200
    with pytest.raises(cr.InvalidParameterError, match=r"'sample_weight'.*precision"):
        cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=1.0)).solve(X, y, sample_weight=w)


def test_status_is_optimal_only_when_the_certificate_passes(data):
    X, y = data
    prob = cr.Problem(cr.SquaredLoss(), cr.Lp(3), cr.Penalized(lam=5.0))
    rough = prob.solve(X, y, solver="SCS", eps_abs=1e-2, eps_rel=1e-2, max_iters=30)
    assert rough.ok
    assert (rough.status == "optimal") == rough.certificate.passed(1e-6)
    if rough.status != "optimal":
        assert "above tol" in rough.message
    fine = prob.solve(X, y)
    assert fine.status == "optimal" and fine.certificate.passed(1e-6)
    strict = prob.solve(X, y, tol=1e-14)
    assert (strict.status == "optimal") == strict.certificate.passed(1e-14)


def test_tol_is_validated(data):
    X, y = data
    with pytest.raises(cr.InvalidParameterError, match="'tol'"):
        cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=1.0)).solve(X, y, tol=-1)
