"""What analysts hand cvxreg: any two labels, a scalar sample weight."""

from __future__ import annotations

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
