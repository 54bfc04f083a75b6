"""The Berhu penalty, the sorted-L1 norm and the log-cosh loss, each added as one class: their
closed forms against brute force, and every route a built-in has (Problem in both forms,
certificates, lam_max, paths, problem files, CvxRegressor, compare_solvers) against an
independent CVXPY model written here."""

from __future__ import annotations

import math

import cvxpy as cp
import numpy as np
import pytest
from scipy.optimize import minimize, minimize_scalar

import cvxreg as cr
from cvxreg.cli import main
from cvxreg.exercises import load
from tests.conftest import TIGHT, regression_data

SLOPE = [1.2, 0.9, 0.9, 0.4, 0.1]


# --------------------------------------------------------------------------- closed forms
@pytest.mark.parametrize("M", [0.3, 1.0, 4.0])
def test_berhu_prox_is_the_brute_force_minimizer(M):
    pen = cr.Berhu(M, factors=[1.0, 0.5, 2.0, 0.0, 1.0, 1.0])
    v = np.array([0.2, -1.4, 3.0, -2.5, 7.3, -0.6])
    step = 0.8
    got = pen.prox(v, step)
    for j, (vj, cj) in enumerate(zip(v, pen.factor_vector(len(v)), strict=True)):
        def objective(u, vj=vj, cj=cj):
            b = abs(u) if abs(u) <= M else (u * u + M * M) / (2 * M)
            return 0.5 * (u - vj) ** 2 + step * cj * b

        grid = np.linspace(-10, 10, 200001)  # brute force on a grid of step 1e-4, then refined
        start = grid[np.argmin([objective(u) for u in grid[::10]]) * 10]
        best = minimize_scalar(objective, bounds=(start - 2e-3, start + 2e-3), method="bounded",
                               options={"xatol": 1e-12}).x  # fmt: skip
        assert got[j] == pytest.approx(best, abs=1e-7), j


def test_berhu_is_l1_near_zero_and_ridge_like_far_out():
    pen = cr.Berhu(2.0)
    assert pen.value(np.array([1.5, -0.5])) == pytest.approx(2.0)
    assert pen.value(np.array([4.0])) == pytest.approx((16 + 4) / 4)
    w = cp.Variable(3)
    w.value = np.array([-3.0, 0.4, 2.0])
    assert pen.expr(w).value == pytest.approx(pen.value(w.value))
    # In units of a: b_M(a v) = a b_{M/a}(v).
    v = np.array([0.3, -2.0, 5.0])
    scaled, f = pen.rescaled(4.0)
    assert pen.value(4.0 * v) == pytest.approx(f * scaled.value(v))


@pytest.mark.parametrize("seed", range(6))
def test_sorted_l1_prox_is_the_brute_force_minimizer(seed):
    rng = np.random.default_rng(seed)
    v = rng.normal(scale=2.0, size=5)
    v[1] = -v[0] * 1.02  # near ties: the pooled blocks
    lam, step = np.array(SLOPE), 0.7

    def objective(u):
        return 0.5 * np.sum((u - v) ** 2) + step * float(np.sort(np.abs(u))[::-1] @ lam)

    got = cr.SortedL1(SLOPE).prox(v, step)
    # Brute force: direct searches from many starts. None may do better than the prox, and as the
    # objective is 1-strongly convex, f(u) - f(u*) >= |u - u*|^2 / 2 bounds how far each lands.
    starts = [v, np.zeros(5), *rng.normal(size=(6, 5))]
    for x0 in starts:
        found = minimize(objective, x0, method="Powell", options={"xtol": 1e-12, "ftol": 1e-15, "maxfev": 200000}).x
        assert objective(got) <= objective(found) + 1e-12
        gap = max(objective(found) - objective(got), 0.0)
        assert np.linalg.norm(found - got) <= math.sqrt(2 * gap + 1e-14)


def test_sorted_l1_special_cases_and_dual_norm():
    z = np.array([0.5, -3.0, 1.0, 2.0])
    # Equal weights: c ||w||_1, whose dual norm is ||z||_inf / c; (1, 0, ..., 0): ||w||_inf.
    assert cr.SortedL1([2.0] * 4).value(z) == pytest.approx(2 * 6.5)
    assert cr.SortedL1([2.0] * 4).dual_norm(z) == pytest.approx(3.0 / 2)
    assert cr.SortedL1([1.0, 0, 0, 0]).value(z) == pytest.approx(3.0)
    assert cr.SortedL1([1.0, 0, 0, 0]).dual_norm(z) == pytest.approx(6.5)
    # The dual norm by its definition: max <z, w> over the unit ball, an LP over sign-permutations
    # solved here by enumerating the ball's vertices, (sign pattern, k) -> s / (lam_1 + .. + lam_k).
    lam = np.array([1.0, 0.8, 0.3, 0.3])
    best = 0.0
    for k in range(1, 5):
        top = np.argsort(-np.abs(z))[:k]
        best = max(best, float(np.abs(z[top]).sum() / lam[:k].sum()))
    assert cr.SortedL1(lam).dual_norm(z) == pytest.approx(best)
    u = cp.Variable(4)
    u.value = z
    assert cr.SortedL1(lam).dual_norm_expr(u)[0].value == pytest.approx(best)


def test_sorted_l1_refuses_weights_that_are_not_a_slope():
    for bad in ([0.2, 0.5], [0.0, 0.0], [1.0, -0.1], [[1.0]], "abc", [1.0, math.nan]):
        with pytest.raises(cr.InvalidParameterError, match=r"'weights'.*non-increasing"):
            cr.SortedL1(bad)
    with pytest.raises(cr.InvalidParameterError, match="of length 4"):
        cr.Problem(cr.SquaredLoss(), cr.SortedL1(SLOPE), cr.Penalized(1.0)).solve(*regression_data(n=20, d=4))


def test_norm_projection_from_the_prox_is_the_projection():
    pen = cr.SortedL1(SLOPE)
    z = np.array([2.0, -1.5, 0.3, 4.0, -0.2])
    got, mu = pen.project(z, 2.0)
    x = cp.Variable(5)
    ball = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(x - z)), [pen.expr(x) <= 2.0])
    ball.solve(**TIGHT)
    assert np.allclose(got, x.value, atol=1e-6)
    assert mu == pytest.approx(ball.constraints[0].dual_value, rel=1e-5)
    inside, zero = pen.project(0.01 * z, 2.0)
    assert zero == 0.0 and np.array_equal(inside, 0.01 * z)


def test_log_cosh_terms_derivatives_and_conjugate():
    loss = cr.LogCoshLoss(M=1.5)
    eta, y = np.array([0.3, -4.0, 80.0, 2.0]), np.array([1.0, 2.0, -3.0, 2.0])
    assert np.allclose(loss.terms_value(eta, y), 1.5**2 * np.log(np.cosh((y - eta) / 1.5)))
    h = 1e-6
    g, _ = loss.derivative(eta, y)
    numeric = (loss.terms_value(eta + h, y) - loss.terms_value(eta - h, y)) / (2 * h)
    assert np.allclose(g, numeric, atol=1e-6)
    numeric2 = (loss.derivative(eta + h, y)[0] - loss.derivative(eta - h, y)[0]) / (2 * h)
    assert np.allclose(loss.second_derivative(eta, y), numeric2, atol=1e-6)
    for rho in (0.4, -1.2, 1.45):  # l*(rho) = sup_eta rho eta - l(eta), by a bounded search
        found = -minimize_scalar(lambda e, rho=rho: -(rho * e - loss.terms_value(np.array([e]), np.array([1.0]))[0]),
                                 bounds=(-300, 300), method="bounded", options={"xatol": 1e-12}).fun  # fmt: skip
        assert loss.conjugate_sum(np.array([rho]), np.array([1.0]), np.ones(1)) == pytest.approx(found, abs=1e-8)


# --------------------------------------------------------------------------- every route
def _data(d: int = 5):
    X, y = regression_data(n=40, d=d, seed=3)
    return X, y + 3.0 * np.sign(y) * (np.abs(y) > 1.5)  # a few outliers: the log-cosh loss's case


def _by_hand(terms, penalty_expr, X, y, lam=None, t=None):
    w = cp.Variable(X.shape[1])
    if t is None:
        prob = cp.Problem(cp.Minimize(cp.sum(terms(X @ w, y)) + lam * penalty_expr(w)))
    else:
        prob = cp.Problem(cp.Minimize(cp.sum(terms(X @ w, y))), [penalty_expr(w) <= t])
    prob.solve(**TIGHT)
    return w.value, prob


def _squares(eta, y):
    return 0.5 * cp.square(y - eta)


def _log_cosh(eta, y):
    return cp.logistic(2 * (y - eta)) - (y - eta) - math.log(2)


def _berhu_expr(w):
    return cp.sum(cp.abs(w) + cp.square(cp.pos(cp.abs(w) - 0.4)) / 0.8)


def _slope_expr(w):
    return sum(c * cp.sum_largest(cp.abs(w), k) for k, c in enumerate(np.diff(-np.r_[SLOPE, 0.0]), 1) if c > 0)


CASES = {
    "berhu": (cr.SquaredLoss(), cr.Berhu(0.4), _squares, _berhu_expr, "berhu", {"M": 0.4}),
    "sorted_l1": (cr.SquaredLoss(), cr.SortedL1(SLOPE), _squares, _slope_expr, "sorted_l1", {"weights": SLOPE}),
    "log_cosh": (cr.LogCoshLoss(), cr.L1(), _log_cosh, lambda w: cp.norm1(w), "l1", {}),
}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_both_forms_equal_the_model_written_by_hand_and_are_certified(case):
    loss, pen, terms, expr, _, _ = CASES[case]
    X, y = _data()
    want, _ = _by_hand(terms, expr, X, y, lam=2.0)
    res = cr.Problem(loss, pen, cr.Penalized(2.0)).solve(X, y)
    assert res.ok and np.allclose(res.coef, want, atol=1e-6), (res.coef, want)
    assert res.certificate.passed(1e-6)
    t = pen.value(want) * 0.7
    want_t, hand = _by_hand(terms, expr, X, y, t=t)
    res_t = cr.Problem(loss, pen, cr.Constrained(t)).solve(X, y)
    assert np.allclose(res_t.coef, want_t, atol=1e-6)
    assert res_t.dual == pytest.approx(hand.constraints[0].dual_value, rel=1e-5)
    assert res_t.certificate.passed(1e-6)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_lambda_max_and_the_path(case):
    loss, pen, *_ = CASES[case]
    X, y = _data()
    prob = cr.Problem(loss, pen, cr.Penalized(1.0))
    lam_max = prob.lambda_max(X, y)
    assert np.max(np.abs(prob.with_form(cr.Penalized(lam_max * 1.001)).solve(X, y).coef)) < 1e-7
    assert np.max(np.abs(prob.with_form(cr.Penalized(lam_max * 0.95)).solve(X, y).coef)) > 1e-4
    path = prob.path(X, y, n_lams=6, eps=1e-2)
    assert all(s == "optimal" for s in path.statuses)
    assert all(c.passed(1e-6) for c in path.certificates), [c.worst for c in path.certificates]
    for lam, coef in zip(path.lams[1:], path.coefs[1:], strict=True):
        assert np.allclose(coef, prob.with_form(cr.Penalized(lam)).solve(X, y).coef, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_by_name_in_a_problem_file_and_in_cvx_regressor(case, tmp_path, capsys):
    from cvxreg.sklearn import CvxRegressor

    loss, pen, terms, expr, name, params = CASES[case]
    X, y = _data()
    want, _ = _by_hand(terms, expr, X, y, lam=2.0)
    rows = "\n".join("  [" + ", ".join(repr(float(v)) for v in row) + "]," for row in X)
    table = ", ".join(f"{k} = {v!r}" for k, v in params.items())
    text = f"""id = "new-member"
title = "t"
source = "s"
statement = "s"

[data]
X = [
{rows}
]
y = {[float(v) for v in y]!r}

[formulation]
loss = "{loss.file_name}"
penalty = "{name}"
penalty_params = {{ {table} }}
form = "penalized"
lam = 2.0

[expected]
coef = {[float(v) for v in want]!r}
origin = "a CVXPY model written by hand in the test"
"""
    path = tmp_path / "new.toml"
    path.write_text(text)
    exercise = load(path)
    assert (exercise.problem.loss, exercise.problem.penalty) == (loss, pen)
    assert main(["solve", str(path)]) == 0, capsys.readouterr().out
    est = CvxRegressor(loss=loss.file_name, penalty=name, penalty_params=params, lam=2.0, scale="sum",
                       fit_intercept=False).fit(X, y)  # fmt: skip
    assert np.allclose(est.coef_, want, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_compare_solvers_scores_every_solver_against_the_certified_answer(case):
    loss, pen, terms, expr, *_ = CASES[case]
    X, y = _data()
    want, _ = _by_hand(terms, expr, X, y, lam=2.0)
    frame = cr.compare_solvers(cr.Problem(loss, pen, cr.Penalized(2.0)), X, y, solvers=["CLARABEL", "SCS"],
                               isolate=False)  # fmt: skip
    assert set(frame["solver"]) >= {"CLARABEL", "SCS"}
    clarabel = frame[frame["solver"] == "CLARABEL"].iloc[0]
    assert clarabel["status"] == "optimal" and clarabel["coef_error"] < 1e-5  # the solver's raw answer
    best = cr.Problem(loss, pen, cr.Penalized(2.0)).solve(X, y)
    assert np.allclose(best.coef, want, atol=1e-6)


def test_cvxpy_sum_largest_of_every_entry_fails_on_a_warm_start_and_the_norm_avoids_it():
    # CVXPY's sum_largest(x, k) with k = len(x) cannot be compiled once x holds a value (it takes
    # the max over the empty set of entries left out); SortedL1 writes that term as a sum. When
    # CVXPY fixes it, the first assertion fails and the workaround can go.
    x = cp.Variable(3)
    x.value = np.ones(3)
    with pytest.raises(ValueError, match="zero-size"):
        cp.Problem(cp.Minimize(cp.sum_largest(cp.abs(x), 3) + cp.sum_squares(x - 1))).solve(solver="OSQP")
    problem = cp.Problem(cp.Minimize(cr.SortedL1([1.0, 1.0, 1.0]).expr(x) + cp.sum_squares(x - 1)))
    problem.solve(solver="OSQP")
    assert np.allclose(x.value, 0.5, atol=1e-4)


def test_the_docs_penalty_in_a_users_module_by_name_everywhere(tmp_path, monkeypatch):
    # docs/extending.md's first block is my_penalties.py; its TOML block names the penalty.
    import re
    import subprocess
    import sys
    from pathlib import Path

    from cvxreg.exercises import PENALTIES as FILE_PENALTIES
    from cvxreg.sklearn import CvxRegressor

    page = (Path(__file__).resolve().parents[1] / "docs" / "extending.md").read_text()
    (tmp_path / "my_penalties.py").write_text(re.findall(r"```python\n(.*?)```", page, flags=re.S)[0])
    problem = tmp_path / "asymmetric.toml"
    problem.write_text(re.findall(r"```toml\n(.*?)```", page, flags=re.S)[0])
    # The command line imports the module by name (--import), as `python -m` finds modules.
    run = subprocess.run([sys.executable, "-m", "cvxreg", "--import", "my_penalties", "solve", str(problem)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "[ok] coefficients" in run.stdout and "[fail" not in run.stdout.lower(), run.stdout
    missing = subprocess.run([sys.executable, "-m", "cvxreg", "--import", "no_such_module_here", "list"],
                             capture_output=True, text=True, cwd=tmp_path, timeout=300)  # fmt: skip
    assert missing.returncode == 2 and "'--import'" in missing.stderr and "no_such_module_here" in missing.stderr
    # In a session: import the module, then the name works in a file and in the estimator.
    monkeypatch.setattr(FILE_PENALTIES, "_classes", {k: v for k, v in FILE_PENALTIES.items() if k != "asymmetric_l1"})
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "my_penalties", raising=False)
    import my_penalties

    assert FILE_PENALTIES["asymmetric_l1"] is my_penalties.AsymmetricL1
    exercise = load(problem)
    assert np.allclose(exercise.solve().coef, [1.5, -0.5], atol=1e-8)  # by hand: thresholds 0.5 and 1.5
    X, y = _data()
    est = CvxRegressor(penalty="asymmetric_l1", penalty_params={"a": 1.0, "b": 3.0}, lam=2.0, scale="sum",
                       fit_intercept=False).fit(X, y)  # fmt: skip
    w = cp.Variable(X.shape[1])
    cp.Problem(cp.Minimize(0.5 * cp.sum_squares(y - X @ w) + 2.0 * (cp.sum(cp.pos(w)) + 3 * cp.sum(cp.neg(w))))).solve(
        **TIGHT
    )
    assert np.allclose(est.coef_, w.value, atol=1e-6)
