"""Identity of losses and penalties (equality, hashing, the model cache) and of benchmark cases."""

import warnings

import cvxpy as cp
import numpy as np
import pytest

import cvxreg as cr
from cvxreg.benchmark import Case, benchmark
from cvxreg.errors import NotSupportedError


class ScaledL1(cr.L1):
    """A user's penalty: c * ||w||_1, written as a subclass of L1 that stores c."""

    def __init__(self, c):
        super().__init__()
        self.c = c

    def expr(self, w):
        return self.c * cp.norm1(w)

    def value(self, w):
        return self.c * float(np.sum(np.abs(w)))


class DocumentedL1(cr.L1):
    """The same function as L1, with a docstring of its own: keeps L1's closed forms."""


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 5))
    return X, X @ np.array([1.0, -2, 0, 0, 3]) + rng.standard_normal(40)


def test_parameters_of_a_users_subclass_tell_it_apart(data):
    X, y = data
    assert ScaledL1(1) != ScaledL1(10) and hash(ScaledL1(1)) != hash(ScaledL1(10))
    assert ScaledL1(10) == ScaledL1(10)
    assert repr(ScaledL1(10)) == "ScaledL1(c=10)"
    first = cr.Problem(cr.SquaredLoss(), ScaledL1(1), cr.Penalized(lam=5.0)).solve(X, y)
    second = cr.Problem(cr.SquaredLoss(), ScaledL1(10), cr.Penalized(lam=5.0)).solve(X, y)
    lasso = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=50.0)).solve(X, y)  # the same objective
    assert np.max(np.abs(first.coef - second.coef)) > 0.1
    np.testing.assert_allclose(second.coef, lasso.coef, atol=1e-6)


def test_a_subclass_that_changes_the_function_loses_the_parents_facts():
    with pytest.raises(NotSupportedError):
        ScaledL1(10).prox(np.ones(3), 1.0)
    with pytest.raises(NotSupportedError):
        ScaledL1(10).dual_norm(np.ones(3))
    assert not ScaledL1(10).is_norm and ScaledL1.file_name is None
    np.testing.assert_allclose(DocumentedL1().prox(np.array([2.0, -0.5]), 1.0), [1.0, 0.0])
    assert DocumentedL1().dual_norm(np.array([3.0, -4.0])) == 4.0


def test_a_users_loss_subclass_loses_the_parents_derivative():
    class Doubled(cr.SquaredLoss):
        def terms_expr(self, eta, y):
            return cp.square(eta - y)

        def terms_value(self, eta, y):
            return (eta - y) ** 2

    with pytest.raises(NotSupportedError):
        Doubled().derivative(np.zeros(2), np.ones(2))


def test_custom_losses_with_one_name_are_two_losses(data):
    X, y = data

    def square(eta, yy):
        return cp.square(eta - yy)

    def absolute(eta, yy):
        return cp.abs(eta - yy)

    a, b = cr.CustomLoss(square), cr.CustomLoss(absolute, name="square")
    assert repr(a) == repr(b) and a != b
    cr.Problem(a, cr.L1(), cr.Penalized(lam=1.0)).solve(X, y)
    got = cr.Problem(b, cr.L1(), cr.Penalized(lam=1.0)).solve(X, y)
    want = cr.Problem(cr.AbsoluteLoss(), cr.L1(), cr.Penalized(lam=1.0)).solve(X, y)
    np.testing.assert_allclose(got.coef, want.coef, atol=1e-6)


def test_custom_penalties_compare_by_function():
    f = cp.norm1
    assert cr.CustomPenalty(f) == cr.CustomPenalty(f)
    assert cr.CustomPenalty(lambda w: cp.norm1(w)) != cr.CustomPenalty(lambda w: cp.norm1(w))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (cr.L1(factors=[1, 2]), cr.L1(factors=[1, 3])),
        (cr.HuberLoss(1.0), cr.HuberLoss(2.0)),
        (cr.Composite(cr.L1(), cr.SquaredL2()), cr.Composite(cr.L1(), cr.L2())),
        (cr.GroupLasso([[0, 1], [2]]), cr.GroupLasso([[0], [1, 2]])),
    ],
    ids=repr,
)
def test_built_ins_differ_by_parameters(a, b):
    assert a != b
    assert a.identity() != b.identity()


def test_store_recomputes_a_case_whose_data_changed(tmp_path, data):
    X, y = data
    out = tmp_path / "rows.sqlite"
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=1.0))
    first = benchmark([Case("c", prob, X, y)], ["CLARABEL"], out=out, progress=False)
    with pytest.warns(RuntimeWarning, match="solved again"):
        second = benchmark([Case("c", prob, X, 10 * y)], ["CLARABEL"], out=out, progress=False)
    truth = prob.solve(X, 10 * y)
    assert second.attrs["computed"] == 1
    assert second["objective"].iloc[0] == pytest.approx(truth.objective, rel=1e-6)
    assert first["objective"].iloc[0] != pytest.approx(truth.objective, rel=1e-2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the same case again: nothing recomputed, no warning
        third = benchmark([Case("c", prob, X, 10 * y)], ["CLARABEL"], out=out, progress=False)
    assert third.attrs["computed"] == 0


def test_case_fingerprint_sees_the_penalty_parameter(data):
    X, y = data
    a = Case("c", cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=1.0)), X, y)
    b = Case("c", cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=1.0 + 1e-13)), X, y)
    c = Case("c", cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=1.0)), X.copy(), y.copy())
    assert a.fingerprint() != b.fingerprint()
    assert a.fingerprint() == c.fingerprint()


def test_an_integer_case_name_finishes_with_a_store(tmp_path, data):
    X, y = data
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=1.0))
    frame = benchmark([Case(1, prob, X, y)], ["CLARABEL"], out=tmp_path / "s.sqlite", progress=False)
    assert list(frame["problem"]) == ["1"]
    again = benchmark([Case("1", prob, X, y)], ["CLARABEL"], out=tmp_path / "s.sqlite", progress=False)
    assert again.attrs["computed"] == 0  # the same case: read back, not solved again
