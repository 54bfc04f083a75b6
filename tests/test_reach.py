"""What analysts hand cvxreg: any two labels, a scalar sample weight."""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest

import cvxreg as cr
from tests.conftest import classification_data, regression_data


@pytest.mark.parametrize("loss", [cr.LogisticLoss(), cr.HingeLoss()], ids=repr)
@pytest.mark.parametrize(
    "labels", [(0, 1), ("no", "yes"), (False, True), (2.5, 7.0)], ids=["zero-one", "strings", "booleans", "floats"]
)
def test_any_two_labels_mean_minus_one_and_plus_one(loss, labels):
    X, y = classification_data(n=60, d=3)
    mapped = np.where(y > 0, labels[1], labels[0])
    prob = cr.Problem(loss, cr.SquaredL2(), cr.Penalized(1.0), fit_intercept=True)
    res, ref = prob.solve(X, mapped), prob.solve(X, y)
    assert res.classes == tuple(labels)
    assert ref.classes is None
    assert np.allclose(res.coef, ref.coef, atol=1e-9) and abs(res.intercept - ref.intercept) < 1e-9
    assert res.objective == pytest.approx(prob.objective_value(X, mapped, res.coef, res.intercept))


def test_labels_already_plus_minus_one_are_kept_even_when_only_one_appears():
    X, _ = classification_data(n=20, d=2)
    res = cr.Problem(cr.HingeLoss(), cr.SquaredL2(), cr.Penalized(1.0)).solve(X, np.ones(20))
    assert res.ok and res.classes is None


def test_a_scalar_sample_weight_weighs_every_sample_alike():
    X, y = regression_data(n=30, d=4)
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(2.0))
    scalar, full = prob.solve(X, y, sample_weight=3.0), prob.solve(X, y, sample_weight=np.full(30, 3.0))
    assert np.allclose(scalar.coef, full.coef, atol=1e-12)
    with pytest.raises(cr.InvalidParameterError, match="'sample_weight'"):
        prob.solve(X, y, sample_weight=-1.0)


def test_squared_hinge_matches_linear_svc():
    svm = pytest.importorskip("sklearn.svm")
    X, y = classification_data(n=120, d=4, seed=3)
    C = 0.7
    res = cr.Problem(cr.SquaredHingeLoss(), cr.SquaredL2(), cr.Penalized(1 / C)).solve(X, y)
    sk = svm.LinearSVC(loss="squared_hinge", C=C, fit_intercept=False, tol=1e-14, max_iter=1_000_000).fit(X, y)
    assert np.max(np.abs(res.coef - sk.coef_.ravel())) < 1e-5
    assert res.polished and res.certificate.passed(1e-9)


def test_epsilon_insensitive_matches_its_literal_model_and_beats_linear_svr():
    svm = pytest.importorskip("sklearn.svm")
    X, y = regression_data(n=120, d=4, seed=3)
    C, eps = 0.7, 0.2
    prob = cr.Problem(cr.EpsilonInsensitiveLoss(eps), cr.SquaredL2(), cr.Penalized(1 / C))
    res = prob.solve(X, y)
    assert res.certificate.passed(1e-6)
    # LinearSVR's objective, 1/2||w||^2 + C sum max(0, |r| - eps), written by hand in CVXPY.
    w = cp.Variable(4)
    literal = 0.5 * cp.sum_squares(w) + C * cp.sum(cp.pos(cp.abs(y - X @ w) - eps))
    cp.Problem(cp.Minimize(literal)).solve(solver="SCS", eps_abs=1e-11, eps_rel=1e-11, max_iters=500_000)
    assert np.max(np.abs(res.coef - w.value)) < 1e-6
    # liblinear's dual coordinate descent stops short here (max_iter reached): cvxreg's point is better.
    sk = svm.LinearSVR(epsilon=eps, C=C, fit_intercept=False, tol=1e-14, max_iter=100_000, dual=True).fit(X, y)
    assert res.objective <= prob.objective_value(X, y, sk.coef_.ravel()) + 1e-9
