"""The compiled Gram route of small least-squares paths: the same answers as scikit-learn's
coordinate descent at a tight tolerance, and per-point certificates equal to
``certificate_on``'s, computed for the whole path at once."""

from __future__ import annotations

import numpy as np
import pytest

import cvxreg as cr
from cvxreg.certificates import certificate_on, certify_path

lm = pytest.importorskip("sklearn.linear_model")
datasets = pytest.importorskip("sklearn.datasets")


@pytest.fixture(scope="module")
def diabetes():
    return datasets.load_diabetes(return_X_y=True)


def test_diabetes_lasso_path_equals_scikit_learn(diabetes):
    X, y = diabetes
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    path = prob.path(X, y, n_lams=100)
    assert set(path.methods) == {"gram"}
    assert all(s == "optimal" for s in path.statuses)
    assert all(c.passed(1e-9) for c in path.certificates)
    _, coefs, _ = lm.lasso_path(X - X.mean(0), y - y.mean(), alphas=path.values, tol=1e-14, max_iter=1_000_000)
    np.testing.assert_allclose(path.coefs, coefs.T, atol=1e-7 * np.max(np.abs(coefs)))
    np.testing.assert_allclose(path.intercepts, y.mean() - path.coefs @ X.mean(0), rtol=1e-12)


@pytest.mark.parametrize("l1_ratio", [0.2, 0.7])
def test_elastic_net_path_with_weights_equals_scikit_learn(diabetes, l1_ratio):
    X, y = diabetes
    rng = np.random.default_rng(0)
    s = rng.uniform(0.5, 2.0, len(y))
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.ElasticNet(l1_ratio), cr.Penalized(1.0), fit_intercept=True)
    path = prob.path(X, y, n_lams=20, sample_weight=s)
    assert set(path.methods) == {"gram"}
    for lam, w, b in zip(path.values, path.coefs, path.intercepts, strict=True):
        # scikit-learn's ElasticNet with sample_weight normalizes the weights to sum n: its
        # objective is ours with s / mean(s), at alpha = lam.
        ref = lm.ElasticNet(alpha=lam, l1_ratio=l1_ratio, tol=1e-14, max_iter=1_000_000).fit(X, y, sample_weight=s)
        np.testing.assert_allclose(w, ref.coef_, atol=1e-7 * max(1.0, np.max(np.abs(ref.coef_))))
        assert b == pytest.approx(ref.intercept_, rel=1e-7, abs=1e-6)


@pytest.mark.parametrize(
    "penalty", [cr.L1(), cr.ElasticNet(0.4), cr.SquaredL2(), cr.L1(factors=[0.0, 1, 2, 1, 1, 0.5, 1, 1, 3, 1])]
)
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_batched_certificates_equal_certificate_on(diabetes, penalty, fit_intercept, weighted):
    X, y = diabetes
    rng = np.random.default_rng(1)
    s = rng.uniform(0.2, 3.0, len(y)) if weighted else None
    prob = cr.Problem(cr.SquaredLoss(), penalty, cr.Penalized(1.0), fit_intercept=fit_intercept)
    data = prob.check_data(X, y, s)
    lams = np.array([1e-3, 0.3, 10.0, 1e3, 1e5])
    # Arbitrary points, not minimizers: every measure is exercised, some with exact zeros.
    coefs = rng.standard_normal((len(lams), X.shape[1])) * 100
    coefs[:, ::3] = 0.0
    coefs[1, 1] = 1e-9  # within the certificate's tolerance of a kink
    intercepts = rng.standard_normal(len(lams)) * 10 if fit_intercept else np.zeros(len(lams))
    batch = certify_path(prob, data, lams, coefs, intercepts)
    for k, lam in enumerate(lams):
        here = prob.with_form(cr.Penalized(float(lam)))
        res = cr.Result(coef=coefs[k], intercept=float(intercepts[k]), objective=0.0, status="optimal", solver="")
        one = certificate_on(here, data, res)
        assert batch[k].kkt_residual == pytest.approx(one.kkt_residual, rel=1e-10, abs=1e-300)
        assert batch[k].scale == one.scale
        assert (batch[k].duality_gap is None) == (one.duality_gap is None)
        if one.duality_gap is not None:
            assert batch[k].duality_gap == pytest.approx(one.duality_gap, rel=1e-9, abs=1e-15)
        assert batch[k].primal_infeasibility == one.primal_infeasibility == 0.0


def test_duplicated_columns_fall_back_and_stay_certified(diabetes):
    X, y = diabetes
    Xdup = np.hstack([X, X[:, :1]])  # a singular support system is possible: the general route takes over
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    path = prob.path(Xdup, y, n_lams=30)
    assert all(s == "optimal" for s in path.statuses)
    assert all(c.passed(1e-9) for c in path.certificates)
    ball = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(t=1e9), fit_intercept=True).solve(Xdup, y)
    assert ball.status == "optimal" and ball.certificate.passed(1e-6)  # lam = 0 with a singular Gram


@pytest.mark.parametrize("penalty", [cr.L1(), cr.ElasticNet(0.3, factors=np.r_[0.0, np.ones(9)])], ids=repr)
def test_each_points_objective_is_objective_value_to_the_last_bit(diabetes, penalty):
    X, y = diabetes
    s = np.random.default_rng(2).uniform(0.5, 2.0, len(y))
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), penalty, cr.Penalized(1.0), fit_intercept=True)
    path = prob.path(X, y, n_lams=20, sample_weight=s)
    assert set(path.methods) == {"gram"}
    for lam, w, b, objective in zip(path.lams, path.coefs, path.intercepts, path.objectives, strict=True):
        assert objective == prob.with_form(cr.Penalized(float(lam))).objective_value(X, y, w, b, sample_weight=s)
