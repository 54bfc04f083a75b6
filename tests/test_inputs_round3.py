"""Bad input refused with a typed error that names the argument (issue: reliability round three):
sizes before allocation, no bool or complex read as numbers, typos not silently ignored."""

from __future__ import annotations

import numpy as np
import pytest

import cvxreg as cr
from cvxreg.errors import InvalidParameterError


def _data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 3))
    return X, X @ np.ones(3) + rng.standard_normal(30)


def test_a_path_of_a_billion_points_is_refused_before_allocation():
    X, y = _data()
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    with pytest.raises(InvalidParameterError, match="n_lams"):
        prob.path(X, y, n_lams=10**9)


def test_a_misspelled_path_keyword_is_not_passed_to_the_solver_as_an_option():
    X, y = _data()
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    with pytest.raises(InvalidParameterError, match="did you mean 'n_lams'"):
        prob.path(X, y, n_lam=5)
    assert len(prob.path(X, y, n_lams=5, solver="CLARABEL", max_iter=200).values) == 5  # a real solver option passes


@pytest.mark.parametrize("bad", [np.array([[1 + 2j, 0, 0]]), np.array([[True, False, True]])], ids=["complex", "bool"])
def test_constraint_matrices_must_be_real_numbers(bad):
    with pytest.raises(InvalidParameterError, match="'matrix'"):
        cr.Equality(bad, [1.0])
    with pytest.raises(InvalidParameterError, match="'rhs'"):
        cr.Inequality(np.ones((1, 3)), np.array([1 + 1j]))


@pytest.mark.parametrize("value", ["no", 0, None])
def test_estimators_take_fit_intercept_as_a_bool(value):
    from cvxreg.sklearn import CvxRegressor

    X, y = _data()
    with pytest.raises(InvalidParameterError, match="fit_intercept"):
        CvxRegressor(fit_intercept=value).fit(X, y)
    assert CvxRegressor(fit_intercept=np.bool_(False)).fit(X, y).intercept_ == 0.0


def test_most_accurate_solve_refuses_a_negative_tolerance():
    from cvxreg.reference import most_accurate_solve

    X, y = _data()
    with pytest.raises(InvalidParameterError, match="'tol'"):
        most_accurate_solve(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0)), X, y, tol=-1)


@pytest.mark.parametrize("dpi", ["0", "100000", "abc"])
def test_plot_dpi_out_of_range_is_a_usage_error(dpi, tmp_path, capsys):
    from cvxreg.cli import main

    assert main(["plot", "balls", "--out", str(tmp_path / "b.png"), "--dpi", dpi]) == 2
    assert "dpi" in capsys.readouterr().err
    assert not (tmp_path / "b.png").exists()
