"""Shared test tables: every loss, penalty and form, and the data each loss needs.

A ``Loss`` or ``Penalty`` subclass that cvxreg exports and these tables leave out fails
``tests/test_protocol.py::test_every_exported_class_is_in_the_test_tables``.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest

import cvxreg as cr

#: Clarabel at tight tolerances: interior-point accuracy ~1e-9 on QPs, ~1e-7 on cones.
TIGHT = {"solver": "CLARABEL", "tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10, "max_iter": 500}


def regression_data(n: int = 30, d: int = 5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w = np.zeros(d)
    w[: max(1, d // 2)] = rng.uniform(1.0, 3.0, max(1, d // 2)) * rng.choice([-1, 1], max(1, d // 2))
    y = X @ w + 0.5 * rng.standard_normal(n)
    return X, y


def classification_data(n: int = 40, d: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    score = X @ rng.standard_normal(d) + 0.8 * rng.standard_normal(n)
    return X, np.where(score > 0, 1.0, -1.0)


def count_data(n: int = 40, d: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = 0.5 * rng.standard_normal((n, d))
    y = rng.poisson(np.exp(X @ rng.uniform(-0.5, 0.5, d) + 0.5)).astype(float)
    return X, y


@pytest.fixture
def reg_data() -> tuple[np.ndarray, np.ndarray]:
    return regression_data()


D = 4
LOSSES = [
    cr.SquaredLoss(),
    cr.SquaredLoss(scale="mean"),
    cr.AbsoluteLoss(),
    cr.HuberLoss(M=0.7),
    cr.QuantileLoss(tau=0.3),
    cr.LogisticLoss(),
    cr.HingeLoss(),
    cr.PoissonLoss(),
    cr.SquaredHingeLoss(),
    cr.EpsilonInsensitiveLoss(epsilon=0.3),
    cr.NormLoss(),
    cr.MaxLoss(),
    cr.LogCoshLoss(M=0.8),
    cr.CustomLoss(lambda eta, y: cp.logistic(eta - y) + cp.logistic(y - eta), name="soft_abs"),
]
PENALTIES = [
    cr.L1(),
    cr.L1(factors=[0.0, 1.0, 2.0, 1.0]),
    cr.SquaredL2(),
    cr.L2(),
    cr.Lp(3),
    cr.Lp(1.5),
    cr.Linf(),
    cr.LpPower(3),
    cr.LpPower(4, factors=[1.0, 0.5, 1.0, 2.0]),
    cr.ElasticNet(0.4),
    cr.GroupLasso([[0, 1], [2, 3]]),
    cr.TotalVariation(),
    cr.Berhu(M=0.3),
    cr.SortedL1([1.0, 0.7, 0.7, 0.2]),
    cr.WeightedSum([cr.L1(), cr.SquaredL2()], [1.0, 0.5]),
    cr.WeightedSum([cr.L1(), cr.TotalVariation()], [0.5, 1.0]),
    cr.CustomPenalty(lambda w: cp.norm1(w) + cp.sum_squares(w), name="l1_plus_sq"),
]
#: Penalties that exist to be refused (not convex): never solved.
REFUSED = [cr.L0(), cr.Lp(0.5), cr.LpPower(0.5)]
FORMS = [cr.Penalized(lam=0.8), cr.Constrained(t=1.0)]
#: Penalties whose two forms have the same unique solution on the test data (the round trip).
ROUND_TRIP = [cr.L1(), cr.SquaredL2(), cr.ElasticNet(0.5), cr.Lp(3), cr.L2(), cr.Linf()]


def intercept_for(loss: cr.Loss) -> bool:
    """Whether the loss x penalty x form tables fit an intercept with this loss."""
    return isinstance(loss, cr.LogisticLoss | cr.SquaredLoss)


def data_for(loss: cr.Loss, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Data in the loss's domain: labels for classification, counts for Poisson."""
    if loss.classification:
        return classification_data(d=D, seed=seed)
    if isinstance(loss, cr.PoissonLoss):
        return count_data(d=D, seed=seed)
    return regression_data(d=D, seed=seed)
