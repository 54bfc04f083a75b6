"""Every loss x every convex penalty x both forms; the Lagrangian round trip; Result."""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import cvxreg as cr
from tests.conftest import (
    FORMS,
    LOSSES,
    PENALTIES,
    ROUND_TRIP,
    TIGHT,
    D,
    classification_data,
    data_for,
    intercept_for,
    regression_data,
)


@pytest.mark.parametrize("form", FORMS, ids=repr)
@pytest.mark.parametrize("penalty", PENALTIES, ids=repr)
@pytest.mark.parametrize("loss", LOSSES, ids=repr)
def test_every_combination_solves_and_matches_numpy_twin(loss, penalty, form):
    X, y = data_for(loss)
    prob = cr.Problem(loss, penalty, form, fit_intercept=intercept_for(loss))
    opts = TIGHT
    if isinstance(loss, cr.NormLoss) and isinstance(penalty, cr.Berhu):
        # Clarabel stops with InsufficientProgress below tolerance 1e-8 on this pair (Berhu's
        # quadratic piece beside the norm's second-order cone): cvxreg's own choice is checked.
        opts = {}
    res = prob.solve(X, y, **opts)
    assert res.ok, res
    assert res.coef.shape == (D,)
    # The NumPy twin of the objective agrees with what CVXPY minimized.
    twin = prob.objective_value(X, y, res.coef, res.intercept)
    assert twin == pytest.approx(res.objective, rel=1e-6, abs=1e-7)
    if isinstance(form, cr.Constrained):
        assert penalty.value(res.coef) <= form.t + 1e-6
        assert res.dual is not None and res.dual >= -1e-7
    else:
        assert res.dual is None


@pytest.mark.parametrize("penalty", ROUND_TRIP, ids=repr)
def test_penalized_and_constrained_agree_with_multiplier_lam(penalty):
    X, y = regression_data(n=40, d=6, seed=3)
    lam = 4.0
    pen = cr.Problem(cr.SquaredLoss(), penalty, cr.Penalized(lam=lam)).solve(X, y, **TIGHT)
    t = penalty.value(pen.coef)
    con = cr.Problem(cr.SquaredLoss(), penalty, cr.Constrained(t=t)).solve(X, y, **TIGHT)
    assert np.max(np.abs(pen.coef - con.coef)) < 1e-5
    assert con.dual == pytest.approx(lam, rel=1e-4)


def test_problem_is_dpp_with_nonneg_parameter(reg_data):
    X, y = reg_data
    for form in FORMS:
        prob = cr.Problem(cr.SquaredLoss(), cr.L1(), form).to_cvxpy(X, y)
        assert isinstance(prob, cp.Problem)
        assert prob.is_dcp(dpp=True)
        (param,) = prob.parameters()
        assert param.is_nonneg() and param.value == form.param_value


def test_intercept_is_not_penalized():
    # Huge lam kills w, never b: b is then the mean of y (squared loss) / median (absolute).
    X, y = regression_data(n=31, d=3, seed=1)
    y = y + 10.0
    res = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1e6), fit_intercept=True).solve(X, y, **TIGHT)
    assert np.allclose(res.coef, 0.0, atol=1e-8)
    assert res.intercept == pytest.approx(np.mean(y), abs=1e-7)
    res = cr.Problem(cr.AbsoluteLoss(), cr.L2(), cr.Penalized(1e6), fit_intercept=True).solve(X, y, **TIGHT)
    assert res.intercept == pytest.approx(np.median(y), abs=1e-6)


def test_zero_penalty_factor_leaves_coefficient_free():
    # With lam above lam_max of the penalized part, w1 = w2 = 0 and w0 is the OLS fit on column 0.
    X, y = regression_data(n=40, d=3, seed=2)
    res = cr.Problem(cr.SquaredLoss(), cr.L1(factors=[0, 1, 1]), cr.Penalized(1e4)).solve(X, y, **TIGHT)
    x0 = X[:, 0]
    assert res.coef[0] == pytest.approx(x0 @ y / (x0 @ x0), rel=1e-8)
    assert np.allclose(res.coef[1:], 0.0, atol=1e-8)


def test_sample_weights_equal_repeated_rows():
    X, y = regression_data(n=20, d=3, seed=4)
    s = np.arange(20) % 3 + 1.0
    rep = np.repeat(np.arange(20), s.astype(int))
    for loss in (cr.SquaredLoss(), cr.HuberLoss(0.5), cr.AbsoluteLoss(scale="mean")):
        prob = cr.Problem(loss, cr.L1(), cr.Penalized(0.5))
        a = prob.solve(X, y, sample_weight=s, **TIGHT)
        b = prob.solve(X[rep], y[rep], **TIGHT)
        assert np.allclose(a.coef, b.coef, atol=1e-6)
        assert a.objective == pytest.approx(b.objective, rel=1e-8)


def test_sparse_and_dataframe_inputs_match_dense(reg_data):
    X, y = reg_data
    prob = cr.Problem(cr.SquaredLoss(), cr.ElasticNet(0.5), cr.Penalized(2.0))
    dense = prob.solve(X, y, **TIGHT)
    sparse = prob.solve(sp.csr_matrix(X), y, **TIGHT)
    names = [f"gene_{j}" for j in range(X.shape[1])]
    frame = prob.solve(pd.DataFrame(X, columns=names), pd.Series(y), **TIGHT)
    assert np.allclose(dense.coef, sparse.coef, atol=1e-8)
    assert np.allclose(dense.coef, frame.coef, atol=1e-8)
    assert frame.feature_names == tuple(names)
    assert list(frame.coef_series.index) == names
    series = frame.to_series()
    assert series["status"] == "optimal" and series[f"coef[{names[2]}]"] == frame.coef[2]


def test_bounds_and_their_duals_satisfy_kkt():
    # Ridge with a box: X^T(Xw - y) + lam w - lower_dual + upper_dual = 0 (stationarity).
    X, y = regression_data(n=30, d=5, seed=5)
    lo, hi = np.array([-0.5, 0.0, -np.inf, -1.0, 0.2]), np.array([0.5, np.inf, 0.3, 1.0, np.inf])
    lam = 1.5
    res = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(lam), bounds=(lo, hi)).solve(X, y, **TIGHT)
    assert np.all(res.coef >= lo - 1e-8) and np.all(res.coef <= hi + 1e-8)
    grad = X.T @ (X @ res.coef - y) + lam * res.coef
    assert np.allclose(grad - res.lower_dual + res.upper_dual, 0.0, atol=1e-6)
    assert np.all(res.lower_dual >= -1e-9) and np.all(res.upper_dual >= -1e-9)
    assert np.any(res.lower_dual > 1e-3) or np.any(res.upper_dual > 1e-3)  # some bound is active
    # Complementary slackness.
    assert np.allclose(res.lower_dual * np.nan_to_num(res.coef - lo, posinf=0), 0.0, atol=1e-6)


def test_nonnegative_lasso_matches_sklearn_positive(reg_data):
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = reg_data
    alpha = 0.1
    ref = sklearn.Lasso(alpha=alpha, positive=True, fit_intercept=False, tol=1e-12, max_iter=100000).fit(X, y)
    res = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(alpha), bounds=(0, None)).solve(X, y, **TIGHT)
    assert np.allclose(res.coef, ref.coef_, atol=1e-6)


def test_infeasible_problem_is_a_status_and_check_raises():
    X, y = regression_data(n=10, d=3)
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(t=0.5), bounds=(1.0, None))
    res = prob.solve(X, y)
    assert res.status == "infeasible" and not res.ok
    assert np.all(np.isnan(res.coef))
    with pytest.raises(cr.SolveError, match="infeasible"):
        prob.solve(X, y, check=True)


def test_solver_that_refuses_the_problem_is_a_status():
    X, y = classification_data()
    prob = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(1.0))
    res = prob.solve(X, y, solver="OSQP")
    assert res.status == "unsupported" and not res.ok
    assert "OSQP" in res.message
    with pytest.raises(cr.SolveError, match="unsupported"):
        prob.solve(X, y, solver="osqp", check=True)


@pytest.mark.parametrize("solver", ["CLARABEL", "ECOS", "SCS", "OSQP", "HIGHS"])
def test_lasso_with_each_installed_solver(solver, reg_data):
    if solver not in cr.installed_solvers():
        pytest.skip(f"{solver} not installed")
    X, y = reg_data
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(3.0))
    ref = prob.solve(X, y, **TIGHT)
    res = prob.solve(X, y, solver=solver)
    if solver == "HIGHS":  # HiGHS takes LPs and convex QPs
        assert res.ok
    assert res.solver == solver
    assert res.objective == pytest.approx(ref.objective, rel=1e-3)
    assert res.setup_time >= 0 and res.solve_time >= 0


def test_default_route_is_the_engine_then_clarabel(reg_data):
    X, y = reg_data
    res = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0)).solve(X, y)
    assert res.solver == "cvxreg-cd" and res.model == "engine" and res.iterations > 0  # elastic-net family
    res = cr.Problem(cr.SquaredLoss(), cr.L2(), cr.Penalized(1.0)).solve(X, y)
    assert res.solver == "CLARABEL" and res.iterations is not None and res.iterations > 0
    named = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0)).solve(X, y, solver="CLARABEL")
    assert named.solver == "CLARABEL"  # a named solver is the solver used


def test_result_is_frozen(reg_data):
    X, y = reg_data
    res = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0)).solve(X, y)
    with pytest.raises(AttributeError):
        res.status = "x"  # type: ignore[misc]
    with pytest.raises(ValueError):
        res.coef[0] = 1.0


def test_huber_tends_to_squared_loss(reg_data):
    X, y = reg_data
    sq = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(1.0)).solve(X, y, **TIGHT)
    hb = cr.Problem(cr.HuberLoss(M=1e3), cr.SquaredL2(), cr.Penalized(1.0)).solve(X, y, **TIGHT)
    assert np.allclose(sq.coef, hb.coef, atol=1e-6)
    assert sq.objective == pytest.approx(hb.objective, rel=1e-8)


def test_lpower2_equals_squared_l2_and_lp_near_one_is_l1(reg_data):
    X, y = reg_data
    a = cr.Problem(cr.SquaredLoss(), cr.LpPower(2), cr.Penalized(2.0)).solve(X, y, **TIGHT)
    b = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(2.0)).solve(X, y, **TIGHT)
    assert np.allclose(a.coef, b.coef, atol=1e-8)
    # CVXPY rounds p = 1 + 1e-9 to 1 and would call pnorm neither convex nor concave.
    assert not cp.pnorm(cp.Variable(3), 1 + 1e-9).is_convex()
    c = cr.Problem(cr.SquaredLoss(), cr.Lp(1 + 1e-9), cr.Penalized(2.0)).solve(X, y, **TIGHT)
    d = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(2.0)).solve(X, y, **TIGHT)
    assert np.allclose(c.coef, d.coef, atol=1e-7)


def test_huge_p_is_solved_as_linf(reg_data):
    # CVXPY's own pnorm(w, 5000) divides by zero; cvxreg uses the limit its rounding means.
    X, y = reg_data
    with pytest.raises(ZeroDivisionError):
        cp.pnorm(cp.Variable(3), 5000)
    a = cr.Problem(cr.SquaredLoss(), cr.Lp(5000), cr.Penalized(2.0)).solve(X, y, **TIGHT)
    b = cr.Problem(cr.SquaredLoss(), cr.Linf(), cr.Penalized(2.0)).solve(X, y, **TIGHT)
    assert np.allclose(a.coef, b.coef, atol=1e-8)


def test_total_variation_large_lam_gives_constant_coefficients(reg_data):
    X, y = reg_data
    res = cr.Problem(cr.SquaredLoss(), cr.TotalVariation(), cr.Penalized(1e5)).solve(X, y, **TIGHT)
    ones = np.ones(X.shape[1])
    c = (X @ ones) @ y / ((X @ ones) @ (X @ ones))  # least squares with w = c * ones
    assert np.allclose(res.coef, c, atol=1e-6)


def test_custom_penalty_matches_builtin(reg_data):
    X, y = reg_data
    custom = cr.CustomPenalty(lambda w: 0.3 * cp.norm1(w) + 0.35 * cp.sum_squares(w))
    a = cr.Problem(cr.SquaredLoss(), custom, cr.Penalized(2.0)).solve(X, y, **TIGHT)
    b = cr.Problem(cr.SquaredLoss(), cr.ElasticNet(0.3), cr.Penalized(2.0)).solve(X, y, **TIGHT)
    assert np.allclose(a.coef, b.coef, atol=1e-7)
    assert custom.value(a.coef) == pytest.approx(cr.ElasticNet(0.3).value(a.coef), rel=1e-12)


def test_repr_reads_like_constructor():
    assert repr(cr.Lp(3)) == "Lp(3)"
    assert repr(cr.Lp(np.inf)) == "Linf()"  # the factory returns the class of the exponent
    assert repr(cr.Lp(0.5)) == "Lp(0.5)" and repr(cr.LpPower(0.5)) == "LpPower(0.5)"
    assert repr(cr.ElasticNet(0.5)) == "ElasticNet(0.5)"
    assert repr(cr.L1(factors=[0, 1])) == "L1(factors=[0.0, 1.0])"
    assert repr(cr.GroupLasso([0, 0, 1])) == "GroupLasso(groups=[[0, 1], [2]])"
    assert repr(cr.HuberLoss(2.0, scale="mean")) == "HuberLoss(M=2, scale='mean')"
    for obj in (
        cr.Lp(3),
        cr.Lp("inf"),
        cr.Lp(0.5),
        cr.LpPower(0.5),
        cr.ElasticNet(0.25),
        cr.ElasticNet(7 / 13),
        cr.Penalized(1 / 3),
        cr.LpPower(1.5, factors=[1, 2]),
        cr.GroupLasso([[0], [1, 2]], weights=[1.0, 2.0]),
        cr.QuantileLoss(tau=0.25),
    ):
        assert eval(repr(obj), {name: getattr(cr, name) for name in cr.__all__}) == obj
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.5), fit_intercept=True)
    assert repr(prob) == "Problem(SquaredLoss(), L1(), Penalized(lam=0.5), fit_intercept=True)"


@pytest.mark.parametrize("solver", ["HIGHS", "PIQP", "DAQP", "PROXQP", "OSQP"])
@pytest.mark.parametrize("loss", [cr.HingeLoss(), cr.AbsoluteLoss(), cr.QuantileLoss(0.3)], ids=repr)
def test_piecewise_linear_losses_are_right_with_qp_solvers(loss, solver):
    # CVXPY 1.9.3's own epigraph of pos()/abs() makes these QP solvers report "optimal" for a
    # wrong point (w = 0 on a hinge + ridge SVM); cvxreg writes the epigraph out itself.
    if solver not in cr.installed_solvers():
        pytest.skip(f"{solver} not installed")
    X, y = classification_data(n=30, d=3, seed=7) if loss.classification else regression_data(n=30, d=3, seed=7)
    prob = cr.Problem(loss, cr.SquaredL2(), cr.Penalized(1.0))
    ref = prob.solve(X, y, **TIGHT)
    res = prob.solve(X, y, solver=solver)
    assert res.ok
    assert res.objective == pytest.approx(ref.objective, rel=1e-5)
    assert np.allclose(res.coef, ref.coef, atol=1e-4)
