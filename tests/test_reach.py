"""What analysts hand cvxreg: any two labels, a scalar sample weight."""

from __future__ import annotations

import warnings

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
    sk = svm.LinearSVR(epsilon=eps, C=C, fit_intercept=False, tol=1e-14, max_iter=100_000, dual=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it does not converge: that is the point
        sk.fit(X, y)
    assert res.objective <= prob.objective_value(X, y, sk.coef_.ravel()) + 1e-9


def test_an_infinite_penalty_factor_holds_a_coefficient_at_zero_with_its_multiplier():
    X, y = regression_data(n=50, d=4, seed=5)
    held = cr.Problem(cr.SquaredLoss(), cr.L1(factors=[1.0, np.inf, 1.0, 1.0]), cr.Penalized(1.0))
    assert repr(held.penalty) == "L1(factors=[1.0, inf, 1.0, 1.0])"
    res = held.solve(X, y)
    assert res.coef[1] == 0.0 and res.certificate.passed(1e-6)
    # The same as leaving the column out of X, with w_1 = 0 ...
    rest = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0)).solve(np.delete(X, 1, axis=1), y)
    assert np.allclose(np.delete(res.coef, 1), rest.coef, atol=1e-6)
    # ... and the multiplier of w_1 = 0 is the loss's pull on it: -grad_1 = X_1^T (y - Xw).
    pull = X[:, 1] @ (y - X @ res.coef)
    assert res.upper_dual[1] - res.lower_dual[1] == pytest.approx(pull, rel=1e-5)
    assert held.lambda_max(X, y) == pytest.approx(np.max(np.abs(np.delete(X.T @ y, 1))))


def test_group_lasso_from_block_sizes_and_labels_and_no_silent_reading():
    assert cr.GroupLasso(sizes=[2, 3, 1]).groups == ((0, 1), (2, 3, 4), (5,))
    assert cr.GroupLasso(labels=["a", "a", "b"]).groups == ((0, 1), (2,))
    assert cr.GroupLasso([0, 0, 1]).groups == ((0, 1), (2,))  # integer labels with a 0: labels
    with pytest.raises(cr.InvalidParameterError, match="sizes=") as info:
        cr.GroupLasso([20, 30, 10])  # celer's and skglm's block sizes, or three labels?
    assert "'groups'" in str(info.value)
    with pytest.raises(cr.InvalidParameterError, match="'sizes'"):
        cr.GroupLasso(sizes=[2, 0])
    with pytest.raises(cr.InvalidParameterError, match="exactly one way"):
        cr.GroupLasso([[0]], sizes=[1])


def test_no_silent_wrong_answer_from_infinite_bounds_or_masked_entries():
    X, y = regression_data(n=20, d=3)
    lasso = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.1))
    with pytest.raises(cr.InvalidParameterError, match=r"lower bound of \+inf"):
        cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.1), bounds=(np.inf, None))
    with pytest.raises(cr.InvalidParameterError, match="upper bound of -inf"):
        cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.1), bounds=(None, [0.0, -np.inf, 1.0]))
    masked = np.ma.masked_array(X, mask=np.zeros_like(X, dtype=bool))
    masked.mask[0, 0] = True
    with pytest.raises(cr.InvalidParameterError, match=r"'X'.*1 masked entries"):
        lasso.solve(masked, y)
    unmasked = np.ma.masked_array(X, mask=False)  # a mask that hides nothing is just the data
    assert np.allclose(lasso.solve(unmasked, y).coef, lasso.solve(X, y).coef, atol=1e-12)
    with pytest.raises(cr.InvalidParameterError, match="'y'"):
        lasso.solve(X, np.ma.masked_array(y, mask=np.arange(20) == 3))


def test_the_callers_arrays_stay_theirs_and_a_result_keeps_its_certificate():
    X, y = regression_data(n=20, d=3)
    factors, lower = np.array([1.0, 2.0, 1.0]), np.array([-5.0, -5.0, -5.0])
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(factors=factors), cr.Penalized(0.1), bounds=(lower, None))
    res = prob.solve(X, y)
    assert factors.flags.writeable and lower.flags.writeable  # not frozen behind the caller's back
    before = res.certificate
    X[:] = 0.0  # editing the data afterwards changes nothing already answered
    assert res.certificate == before and res.certificate.passed(1e-6)


def test_a_custom_loss_is_gated_valued_and_certified_like_a_builtin():
    X, y = regression_data(n=60, d=4, seed=6)
    half_square = cr.CustomLoss(lambda eta, y: 0.5 * cp.square(y - eta), name="half_square")
    mine = cr.Problem(half_square, cr.L1(), cr.Penalized(2.0)).solve(X, y)
    builtin = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(2.0)).solve(X, y)
    assert np.max(np.abs(mine.coef - builtin.coef)) < 1e-6
    assert mine.certificate.passed(1e-6)
    assert half_square.value(X, y, builtin.coef) == pytest.approx(cr.SquaredLoss().value(X, y, builtin.coef))
    with pytest.raises(cr.DCPError, match="loss CustomLoss"):
        cr.Problem(cr.CustomLoss(lambda eta, y: -cp.square(eta - y)), cr.L1(), cr.Penalized(1.0)).solve(X, y)
    with pytest.raises(cr.InvalidParameterError, match="60 terms"):
        cr.Problem(cr.CustomLoss(lambda eta, y: cp.sum_squares(eta - y)), cr.L1(), cr.Penalized(1.0)).solve(X, y)
    with pytest.raises(cr.InvalidParameterError, match="'fn'"):
        cr.CustomLoss("square")
