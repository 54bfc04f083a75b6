"""Certificates: below 1e-6 for a correct solve of every loss x penalty x form on the test
tables, clearly above for a perturbed one. The Lagrangian round trip and multiplier conversions."""

from __future__ import annotations

import dataclasses

import cvxpy as cp
import numpy as np
import pytest

import cvxreg as cr
from cvxreg.reference import most_accurate_solve
from tests.conftest import FORMS, LOSSES, PENALTIES, ROUND_TRIP, TIGHT, data_for, intercept_for, regression_data


@pytest.mark.parametrize("form", FORMS, ids=repr)
@pytest.mark.parametrize("penalty", PENALTIES, ids=repr)
@pytest.mark.parametrize("loss", LOSSES, ids=repr)
def test_certificate_of_correct_and_perturbed_solutions(loss, penalty, form):
    X, y = data_for(loss)
    prob = cr.Problem(loss, penalty, form, fit_intercept=intercept_for(loss))
    res = most_accurate_solve(prob, X, y)
    cert = res.certificate
    assert cert.passed(1e-6), cert
    rng = np.random.default_rng(0)
    bad = dataclasses.replace(res, coef=res.coef + 1e-3 * rng.choice([-1.0, 1.0], size=res.coef.shape))
    bad_cert = cr.certificate(prob, X, y, bad)
    assert bad_cert.worst > 1e-5, bad_cert


def test_custom_penalty_certificate_agrees_with_the_builtin_one():
    # The prox-gradient residual (custom penalties) and the subdifferential distance (built-in)
    # both vanish at the solution and both see a perturbation.
    X, y = data_for(cr.HingeLoss())
    custom = cr.CustomPenalty(lambda w: 0.5 * cp.norm1(w) + 0.25 * cp.sum_squares(w))
    for pen in (custom, cr.ElasticNet(0.5)):
        prob = cr.Problem(cr.HingeLoss(), pen, cr.Penalized(1.0))
        res = most_accurate_solve(prob, X, y)
        assert res.certificate.kkt_residual < 1e-8
        bad = dataclasses.replace(res, coef=res.coef * 1.01)
        assert cr.certificate(prob, X, y, bad).kkt_residual > 1e-5


def test_duality_gap_of_lasso_matches_formulas_md():
    # docs/formulas.md: theta = r / max(1, ||X^T r||_inf / lam), gap = P(w) - (1/2||y||^2 - 1/2||y - theta||^2).
    X, y = regression_data(n=30, d=6, seed=21)
    lam = 3.0
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam))
    w = prob.solve(X, y, **TIGHT).coef + 0.01  # a suboptimal point: the gap is positive
    r = y - X @ w
    theta = r / max(1.0, np.max(np.abs(X.T @ r)) / lam)
    primal = 0.5 * r @ r + lam * np.sum(np.abs(w))
    gap = primal - (0.5 * y @ y - 0.5 * (y - theta) @ (y - theta))
    fake = cr.Result(coef=w, intercept=0.0, objective=primal, status="optimal", solver="test")
    assert cr.certificate(prob, X, y, fake).duality_gap == pytest.approx(gap / primal, rel=1e-9)


def test_certificate_of_failed_result_is_infinite():
    X, y = regression_data(n=10, d=3)
    res = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(0.5), bounds=(1.0, None)).solve(X, y)
    assert not res.certificate.passed()


@pytest.mark.parametrize("start", ["penalized", "constrained"])
@pytest.mark.parametrize("penalty", ROUND_TRIP, ids=repr)
def test_round_trip(penalty, start):
    X, y = regression_data(n=40, d=6, seed=22)
    form = cr.Penalized(3.0) if start == "penalized" else cr.Constrained(0.6 * penalty.value(np.linalg.lstsq(X, y)[0]))
    frame = cr.round_trip(
        cr.Problem(cr.SquaredLoss(), penalty, form), X, y, solver="SCS", eps_abs=1e-11, eps_rel=1e-11, max_iters=200000
    )
    row = frame.iloc[0]
    assert len(frame) == 1
    assert row["coef_diff"] < 1e-5
    assert row["multiplier_gap"] < 1e-5 * max(1.0, row["lam"])
    assert row["penalty_gap"] < 1e-6 * max(1.0, row["t"])
    assert row["complementary_slackness"] < 1e-5
    assert bool(row["unique"]) and bool(row["active"]) and row["note"] == ""


def test_round_trip_reports_non_uniqueness_and_inactivity():
    X, y = regression_data(n=40, d=4, seed=23)
    Xdup = np.hstack([X, X[:, :1]])  # duplicated column: rank-deficient
    frame = cr.round_trip(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(2.0)), Xdup, y)
    assert not frame.iloc[0]["unique"] and "may not be unique" in frame.iloc[0]["note"]
    # Ridge stays unique on the same data (strictly convex penalty).
    frame = cr.round_trip(cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(2.0)), Xdup, y)
    assert frame.iloc[0]["unique"]
    # A loose constraint: mu = 0, inactive.
    frame = cr.round_trip(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(1e3)), X, y)
    assert not frame.iloc[0]["active"] and "inactive" in frame.iloc[0]["note"]


def test_to_constrained_and_to_penalized():
    X, y = regression_data(n=30, d=4, seed=24)
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(2.0), fit_intercept=True)
    res = prob.solve(X, y)
    con = prob.to_constrained(res)
    assert isinstance(con.form, cr.Constrained) and con.form.t == pytest.approx(cr.L1().value(res.coef))
    assert con.fit_intercept
    back = con.to_penalized(con.solve(X, y, **TIGHT))
    assert back.form.lam == pytest.approx(2.0, rel=1e-6)
    with pytest.raises(cr.InvalidParameterError, match="Penalized form"):
        con.to_constrained(res)
    with pytest.raises(cr.InvalidParameterError, match="Constrained form"):
        prob.to_penalized(res)


def test_convert_multiplier_between_ways_of_writing_the_ball():
    X, y = regression_data(n=30, d=5, seed=25)
    r = 0.9
    opts = {"solver": "SCS", "eps_abs": 1e-11, "eps_rel": 1e-11, "max_iters": 200000}
    mu_norm = cr.Problem(cr.SquaredLoss(), cr.L2(), cr.Constrained(r)).solve(X, y, **opts).dual
    mu_sq = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Constrained(r * r / 2)).solve(X, y, **opts).dual
    assert cr.convert_multiplier(mu_sq, "half_squared_norm", "norm", radius=r) == pytest.approx(mu_norm, rel=1e-6)
    assert cr.convert_multiplier(mu_norm, "norm", "half_squared_norm", radius=r) == pytest.approx(mu_sq, rel=1e-6)
    mu_sum = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(1.0)).solve(X, y, **TIGHT).dual
    mu_mean = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Constrained(1.0)).solve(X, y, **TIGHT).dual
    assert cr.convert_multiplier(mu_sum, "sum", "mean", n=30) == pytest.approx(mu_mean, rel=1e-7)
    assert cr.convert_multiplier(mu_mean, "mean", "sum", n=30) == pytest.approx(mu_sum, rel=1e-7)
    with pytest.raises(cr.InvalidParameterError, match="'radius'"):
        cr.convert_multiplier(1.0, "norm", "half_squared_norm")
    with pytest.raises(cr.InvalidParameterError, match="'norm' -> 'mean'"):
        cr.convert_multiplier(1.0, "norm", "mean", n=3)


def test_abs_rmatvec_in_blocks_equals_the_whole_product():
    import scipy.sparse as sp

    from cvxreg.certificates import _abs_rmatvec

    rng = np.random.default_rng(0)
    dense = rng.standard_normal((103, 7))
    v = rng.standard_normal(103)
    np.testing.assert_allclose(_abs_rmatvec(dense, v), np.abs(dense).T @ v, rtol=1e-13)
    sparse = sp.random(103, 7, density=0.3, format="csr", random_state=1)
    np.testing.assert_allclose(_abs_rmatvec(sparse, v), abs(sparse).T @ v, rtol=1e-13)


def test_a_scale_that_cancels_to_rounding_is_not_a_scale():
    # Strang's points (0, 6), (1, 0), (2, 0) have sum t b = 0: the certificate's scale ||X' s y||
    # is 0 in exact arithmetic. Written as weighted rows from their sums it came out as 7e-16 and
    # made every answer "inaccurate" (KKT residual 3.4). The right answer is certified, a wrong
    # one is not.
    from cvxreg.exercises import load

    ex = load("strang-4.3-line-from-sums-with-intercept")
    assert abs(float(ex.X[:, 0] @ (ex.sample_weight * ex.y))) < 1e-12  # the sum cancels
    res = ex.problem.solve(ex.X, ex.y, sample_weight=ex.sample_weight)
    assert res.status == "optimal" and res.certificate.passed(1e-9)
    assert np.allclose(res.coef, [-2.0]) and res.intercept == pytest.approx(4.0)  # by hand (the file's origin)
    bad = dataclasses.replace(res, coef=res.coef + 1e-4)
    assert cr.certificate(ex.problem, ex.X, ex.y, bad, sample_weight=ex.sample_weight).worst > 1e-6
