"""Composite penalties: sum_k lam_k R_k penalized, R_k <= t_k constrained, each lam (or t) its
own DPP parameter; checked against scikit-learn, hand-derived KKT points and certificates."""

from __future__ import annotations

import dataclasses

import cvxpy as cp
import numpy as np
import pytest

import cvxreg as cr
from cvxreg import lagrange
from tests.conftest import TIGHT, regression_data

FUSED = cr.Composite(cr.L1(), cr.TotalVariation())
SEED = cr.Composite(cr.L1(), cr.SquaredL2())


def test_seed_formulation_equals_scikit_learn_elastic_net():
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = regression_data(n=50, d=6, seed=4)
    l1, l2 = 0.05, 0.2  # (1/2n) RSS + l1 ||w||_1 + l2 1/2 ||w||^2
    res = cr.Problem(cr.SquaredLoss(scale="mean"), SEED, cr.Penalized(lam=[l1, l2])).solve(X, y)
    alpha = l1 + l2
    model = sklearn.ElasticNet(alpha=alpha, l1_ratio=l1 / alpha, fit_intercept=False, tol=1e-14, max_iter=100_000)
    model.fit(X, y)
    assert np.max(np.abs(res.coef - model.coef_)) < 1e-8
    assert res.certificate.passed(1e-8)


def test_fused_lasso_signal_approximator_by_hand():
    # X = I, y = (3, 2.5, -1), lam = (1/2, 1): the TV solution (2.25, 2.25, 0) soft-thresholded
    # at 1/2 (Friedman, Hastie, Hoefling & Tibshirani 2007, Prop. 1), checked by its KKT point:
    # w1: -1.25 + 0.5 + s12 = 0 (s12 = 0.75, inside [-1, 1]); w2: -0.75 + 0.5 - s12 + 1 = 0;
    # w3: 1 + 0.5 u3 - 1 = 0 (u3 = 0). Every subgradient is strictly inside its interval.
    X, y = np.eye(3), np.array([3.0, 2.5, -1.0])
    res = cr.Problem(cr.SquaredLoss(), FUSED, cr.Penalized(lam=[0.5, 1.0])).solve(X, y)  # polished through TV's kinks
    assert np.max(np.abs(res.coef - [1.75, 1.75, 0.0])) < 1e-7
    assert res.objective == pytest.approx(5.0625, abs=1e-7)
    assert res.dual is None


def test_constrained_multipliers_one_per_term_by_hand():
    # X = I, y = (3, 0), ||w||_1 <= 2 and |w1 - w2| <= 1: w = (1.5, 0.5) and, from
    # w - y + mu1 sign(w) + mu2 (1, -1) = 0, mu = (1/2, 1).
    X, y = np.eye(2), np.array([3.0, 0.0])
    res = cr.Problem(cr.SquaredLoss(), FUSED, cr.Constrained(t=[2.0, 1.0])).solve(X, y)  # default tolerances
    assert res.polished  # exact through the KKT system of its polyhedral terms
    assert np.max(np.abs(res.coef - [1.5, 0.5])) < 1e-12
    assert isinstance(res.dual, np.ndarray) and res.dual.shape == (2,)
    assert np.max(np.abs(res.dual - [0.5, 1.0])) < 1e-12
    assert res.certificate.passed(1e-7)
    # A wrong multiplier fails the certificate.
    bad = dataclasses.replace(res, dual=np.array([0.5, 1.5]))
    assert not cr.certificate(cr.Problem(cr.SquaredLoss(), FUSED, cr.Constrained(t=[2.0, 1.0])), X, y, bad).passed(1e-4)


def test_each_lam_is_a_dpp_parameter_and_the_model_is_reused():
    X, y = regression_data(n=40, d=5, seed=2)
    prob = cr.Problem(cr.SquaredLoss(), FUSED, cr.Penalized(lam=[1.0, 2.0]))
    model = prob.to_cvxpy(X, y)
    assert model.is_dpp()
    (param,) = model.parameters()
    assert param.shape == (2,) and param.is_nonneg()
    data = prob.check_data(X, y)
    prob.built(data)
    built, reused = prob.with_form(cr.Penalized(lam=[0.5, 3.0])).built(data)
    assert reused and np.allclose(built.param.value, [0.5, 3.0])


def test_round_trip_gives_back_each_lam():
    X, y = regression_data(n=40, d=6, seed=3)
    row = lagrange.round_trip(cr.Problem(cr.SquaredLoss(), FUSED, cr.Penalized(lam=[2.0, 3.0])), X, y, **TIGHT).iloc[0]
    assert row["coef_diff"] < 1e-6
    assert row["multiplier_gap"] < 1e-5
    assert row["lam"] == [2.0, 3.0] and len(row["t"]) == 2


def test_penalized_certificate_catches_a_wrong_answer():
    X, y = regression_data(n=30, d=5, seed=1)
    prob = cr.Problem(cr.SquaredLoss(), FUSED, cr.Penalized(lam=[1.0, 2.0]))
    res = prob.solve(X, y)
    assert res.certificate.passed(1e-7)
    moved = dataclasses.replace(res, coef=res.coef + 1e-2)
    assert not cr.certificate(prob, X, y, moved).passed(1e-4)


def test_composite_with_a_non_convex_term_is_refused():
    with pytest.raises(cr.DCPError, match="p < 1"):
        cr.Problem(cr.SquaredLoss(), cr.Composite(cr.L1(), cr.Lp(0.5)), cr.Penalized(lam=[1.0, 1.0]))


@pytest.mark.parametrize(
    ("penalty", "form", "name"),
    [
        (FUSED, cr.Penalized(lam=1.0), "lam"),
        (FUSED, cr.Penalized(lam=[1.0, 2.0, 3.0]), "lam"),
        (cr.L1(), cr.Constrained(t=[1.0, 2.0]), "t"),
    ],
)
def test_one_number_per_term(penalty, form, name):
    with pytest.raises(cr.InvalidParameterError, match=rf"'{name}'"):
        cr.Problem(cr.SquaredLoss(), penalty, form)


def test_bad_terms_and_parameters_are_typed_errors():
    with pytest.raises(cr.InvalidParameterError, match="penalties"):
        cr.Composite(cr.L1())
    with pytest.raises(cr.InvalidParameterError, match="penalties"):
        cr.Composite(cr.L1(), "l2")
    with pytest.raises(cr.InvalidParameterError, match="lam"):
        cr.Penalized(lam=[1.0, -1.0])
    with pytest.raises(cr.InvalidParameterError, match="weights"):
        cr.WeightedSum([cr.L1(), cr.L2()], [1.0])


def test_lagrangian_is_a_weighted_sum_with_the_same_solution():
    X, y = regression_data(n=30, d=5, seed=6)
    prob = cr.Problem(cr.SquaredLoss(), FUSED, cr.Penalized(lam=[0.7, 1.3]))
    flat = prob.lagrangian(prob.form.param_value)
    assert isinstance(flat.penalty, cr.WeightedSum) and flat.form == cr.Penalized(1.0)
    a, b = prob.solve(X, y, **TIGHT), flat.solve(X, y, **TIGHT)
    assert np.max(np.abs(a.coef - b.coef)) < 1e-7
    assert a.objective == pytest.approx(b.objective, rel=1e-9)


def test_weighted_sum_dual_norm_gives_lambda_max():
    # L1 + ridge: lam_max of lam (||w||_1 + 0.5 * 1/2||w||^2) is ||X^T y||_inf, as for the lasso.
    X, y = regression_data(n=30, d=5, seed=7)
    prob = cr.Problem(cr.SquaredLoss(), cr.WeightedSum([cr.L1(), cr.SquaredL2()], [1.0, 0.5]), cr.Penalized(1.0))
    assert prob.lambda_max(X, y) == pytest.approx(np.max(np.abs(X.T @ y)), rel=1e-12)


def test_constrained_solve_reports_nan_multipliers_when_the_solver_fails():
    X, y = regression_data(n=20, d=4, seed=0)
    prob = cr.Problem(cr.SquaredLoss(), FUSED, cr.Constrained(t=[1.0, 1.0]))
    res = prob.solve(X, y, solver="OSQP", max_iter=1)  # stops before it converges
    if not res.ok:
        assert res.dual.shape == (2,)


def test_cvxpy_sees_one_constraint_per_term():
    X, y = regression_data(n=20, d=4, seed=0)
    model = cr.Problem(cr.SquaredLoss(), FUSED, cr.Constrained(t=[1.0, 1.0])).to_cvxpy(X, y)
    shapes = [c.shape for c in model.constraints if isinstance(c, cp.constraints.NonPos | cp.constraints.Inequality)]
    assert (2,) in shapes


def test_problem_files_state_composites_and_grade_one_multiplier_per_term():
    from cvxreg.exercises import load

    ex = load("tsrzk-fused-lasso-constrained")
    assert ex.problem.form == cr.Constrained(t=[2.0, 1.0])
    assert ex.check({"coef": [1.5, 0.5], "dual": [0.5, 1.0]}).passed
    swapped = ex.check({"coef": [1.5, 0.5], "dual": [1.0, 0.5]})
    assert not swapped.passed
    assert any("wrong order" in d for d in swapped.diagnoses)
    assert not ex.check({"coef": [1.5, 0.5], "dual": 0.5}).passed  # one number for two terms
    flsa = load("fhht-flsa-three-points")
    assert flsa.problem.form == cr.Penalized(lam=[0.5, 1.0])  # "1/2" read as a fraction


@pytest.mark.parametrize(
    ("params", "lam", "needle"),
    [
        ('{ terms = ["l1"] }', "[1.0]", "two or more"),
        ('{ terms = ["l1", "composite"] }', "[1.0, 1.0]", "names among"),
        ('{ terms = ["l1", "total_variation"] }', "1.0", "one number >= 0 per term"),
        ('{ terms = ["l1", "total_variation"] }', "[1.0, 2.0, 3.0]", "2 numbers"),
        ('{ terms = ["l1", { name = "lp", p = 0.5 }] }', "[1.0, 2.0]", None),
    ],
)
def test_composite_file_errors_name_the_field(tmp_path, params, lam, needle):
    from cvxreg.exercises import load

    path = tmp_path / "c.toml"
    path.write_text(
        'id = "c"\ntitle = "c"\nsource = "s"\nstatement = "s"\n[data]\nX = [[1.0, 0.0], [0.0, 1.0]]\ny = [1.0, 2.0]\n'
        f'[formulation]\nloss = "squared"\npenalty = "composite"\npenalty_params = {params}\nform = "penalized"\n'
        f'lam = {lam}\n[expected]\ncoef = [0.0, 0.0]\norigin = "o"\n'
    )
    if needle is None:  # a non-convex term: the file loads as a refusal it does not expect
        with pytest.raises(cr.ProblemFileError, match=r"not convex|DCP|rejected"):
            load(path)
        return
    with pytest.raises(cr.ProblemFileError, match=needle):
        load(path)


def test_what_a_composite_cannot_do_says_so():
    X, y = regression_data(n=20, d=4, seed=0)
    prob = cr.Problem(cr.SquaredLoss(), FUSED, cr.Penalized(lam=[1.0, 2.0]))
    with pytest.raises(cr.NotSupportedError, match="one lam per penalty term"):
        prob.path(X, y)
    with pytest.raises(cr.NotSupportedError, match="WeightedSum"):
        prob.lambda_max(X, y)


def test_multinomial_loss_takes_a_composite():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 3))
    y = np.digitize(X @ np.array([1.0, 0.0, -2.0]), [-1.0, 1.0])
    res = cr.Problem(cr.MultinomialLogisticLoss(), SEED, cr.Constrained(t=[1.0, 1.0])).solve(X, y)
    assert res.ok and res.dual.shape == (2,)
    assert res.certificate.passed(1e-5)


def test_constrained_composite_of_polyhedral_terms_is_exact():
    X, y = regression_data(n=50, d=8, seed=11)
    for fit_intercept in (False, True):
        prob = cr.Problem(cr.SquaredLoss(), FUSED, cr.Constrained(t=[1.0, 0.5]), fit_intercept=fit_intercept)
        res = prob.solve(X, y)
        assert res.polished and res.certificate.passed(1e-12)
        tight = prob.solve(X, y, raw=True, **TIGHT)  # the solver at 1e-10: agrees to its accuracy
        assert np.max(np.abs(res.coef - tight.coef)) < 1e-7 and np.max(np.abs(res.dual - tight.dual)) < 1e-5
        assert np.all(FUSED.value(res.coef) <= np.array([1.0, 0.5]) + 1e-12)
    # A quadratic term's constraint is not linear off the kinks: it is polished through its
    # penalized twin instead (Newton on the multipliers), exact too.
    quad_problem = cr.Problem(cr.SquaredLoss(), SEED, cr.Constrained(t=[1.0, 0.5]))
    quad = quad_problem.solve(X, y)
    assert quad.polished and quad.certificate.passed(1e-12)
    tight = quad_problem.solve(X, y, raw=True, **TIGHT)
    assert np.max(np.abs(quad.coef - tight.coef)) < 1e-7 and np.max(np.abs(quad.dual - tight.dual)) < 1e-5
