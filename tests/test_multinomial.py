"""Multinomial logistic regression: (d, K) coefficients, against scikit-learn and by hand."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import cvxreg as cr
from cvxreg.multinomial import MultinomialLogisticLoss

lm = pytest.importorskip("sklearn.linear_model")
TIGHT = cr.solvers.solver_options("CLARABEL", "tight")


def data(n=150, d=4, K=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    codes = np.argmax(X @ rng.standard_normal((d, K)) + rng.gumbel(size=(n, K)), axis=1)
    return X, codes


def test_equals_scikit_learn_multinomial_logistic_regression():
    X, codes = data()
    labels = np.array(["setosa", "versicolor", "virginica"])[codes]
    C = 0.5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk = lm.LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, labels)
    prob = cr.Problem(MultinomialLogisticLoss(), cr.SquaredL2(), cr.Penalized(1 / C), fit_intercept=True)
    res = prob.solve(X, labels, **TIGHT)
    assert res.coef.shape == (4, 3) and res.classes == ("setosa", "versicolor", "virginica")
    assert np.allclose(res.coef, sk.coef_.T, atol=1e-6)
    assert np.allclose(res.intercept, sk.intercept_, atol=1e-6) and abs(res.intercept.sum()) < 1e-12
    assert res.certificate.passed(1e-6)
    default = prob.solve(X, labels)  # the solver's defaults: accurate to its tolerance
    assert np.allclose(default.coef, sk.coef_.T, atol=1e-4) and default.certificate.kkt_residual < 1e-4


def test_stationarity_by_hand_and_the_objective():
    # At the minimizer of sum_i CE_i + lam/2 ||W||^2: X^T (P - Y) + lam W = 0 and 1^T (P - Y) = 0.
    X, codes = data(n=80, d=3, K=4, seed=2)
    lam = 2.0
    res = cr.Problem(MultinomialLogisticLoss(), cr.SquaredL2(), cr.Penalized(lam), fit_intercept=True).solve(
        X, codes, **TIGHT
    )
    eta = X @ res.coef + res.intercept
    P = np.exp(eta - eta.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    Y = np.eye(4)[codes]
    assert np.abs(X.T @ (P - Y) + lam * res.coef).max() < 1e-6
    assert np.abs((P - Y).sum(axis=0)).max() < 1e-6
    ce = -np.log(P[np.arange(80), codes]).sum()
    assert res.objective == pytest.approx(ce + lam / 2 * np.sum(res.coef**2), rel=1e-10)


def test_l1_constrained_and_mean_scale():
    X, codes = data(n=120, d=5, K=3, seed=4)
    # sklearn's l1 multinomial: C sum CE + ||W||_1 (saga); the mean loss with lam = 1/(C n) is the same.
    C = 0.2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk = lm.LogisticRegression(C=C, l1_ratio=1.0, solver="saga", tol=1e-12, max_iter=200_000).fit(X, codes)
    prob = cr.Problem(MultinomialLogisticLoss(scale="mean"), cr.L1(), cr.Penalized(1 / (C * 120)), fit_intercept=True)
    res = prob.solve(X, codes, **TIGHT)
    assert np.allclose(res.coef, sk.coef_.T, atol=2e-5)  # saga's own accuracy
    # the constrained twin at t = ||vec W||_1 has the penalized answer and multiplier lam
    t = float(np.abs(res.coef).sum())
    con = prob.with_form(cr.Constrained(t)).solve(X, codes, **TIGHT)
    assert np.allclose(con.coef, res.coef, atol=1e-5) and con.dual == pytest.approx(1 / (C * 120), rel=1e-3)
    assert con.certificate.primal_infeasibility < 1e-7


def test_errors_are_typed():
    X, codes = data()
    prob = cr.Problem(MultinomialLogisticLoss(), cr.SquaredL2(), cr.Penalized(1.0))
    with pytest.raises(cr.InvalidParameterError, match=r"'y'.*at least two classes"):
        prob.solve(X, np.zeros(len(codes)))
    with pytest.raises(cr.InvalidParameterError, match="'y'"):
        prob.solve(X, codes[:-1])
    with pytest.raises(cr.NotSupportedError, match="no default grid: give lams"):
        prob.path(X, codes)  # a ridge: no lam_max
    assert prob.path(X, codes, lams=[1.0, 0.1], screening=False).coefs.shape[0] == 2
    with pytest.raises(cr.NotSupportedError, match="one lam"):
        prob.path(X, codes, ts=[1.0])
    bounded = cr.Problem(MultinomialLogisticLoss(), cr.SquaredL2(), cr.Penalized(1.0), bounds=(0, None))
    with pytest.raises(cr.NotSupportedError, match="bounds"):
        bounded.solve(X, codes)
    with pytest.raises(cr.InvalidParameterError, match=r"'solver_opts'.*no_such_option"):
        prob.solve(X, codes, no_such_option=1)
    res = prob.solve(X, codes, solver="OSQP")  # an exponential cone: a status, not a crash
    assert res.status == "unsupported" and not res.ok


def test_ridge_multinomial_takes_the_smooth_route_and_equals_scikit_learn():
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    X, y = load_iris(return_X_y=True)
    prob = cr.Problem(cr.MultinomialLogisticLoss(), cr.SquaredL2(), cr.Penalized(lam=1.0), fit_intercept=True)
    res = prob.solve(X, y)
    # newton-cg at a tight tolerance (lbfgs stops 4e-6 away here, at a higher objective).
    sk = LogisticRegression(C=1.0, tol=1e-12, max_iter=100_000, solver="newton-cg").fit(X, y)
    assert res.solver.startswith("scipy") and res.status == "optimal" and res.certificate.passed(1e-9)
    np.testing.assert_allclose(res.coef, sk.coef_.T, atol=1e-8)
    np.testing.assert_allclose(res.intercept, sk.intercept_, atol=1e-8)
    # scikit-learn's identifiability test: each feature's coefficients sum to 0 over the classes.
    assert np.max(np.abs(res.coef.sum(axis=1))) < 1e-10 and abs(res.intercept.sum()) < 1e-10
    conic = prob.solve(X, y, solver="CLARABEL")  # a named solver: the conic model
    assert conic.solver == "CLARABEL"
    np.testing.assert_allclose(conic.coef, res.coef, atol=1e-4)


@pytest.mark.parametrize("penalty", [cr.L1(), cr.ElasticNet(0.5)], ids=repr)
def test_l1_multinomial_is_polished_to_its_kkt_and_equals_saga(penalty):
    from scipy.special import softmax
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    C = 0.5
    res = cr.Problem(cr.MultinomialLogisticLoss(), penalty, cr.Penalized(1.0 / C), fit_intercept=True).solve(X, y)
    assert res.status == "optimal" and res.polished and res.certificate.passed(1e-9)
    W, b = res.coef, res.intercept
    Y = np.eye(3)[y]
    G = X.T @ (softmax(X @ W + b, axis=1) - Y)  # gradient of the summed cross-entropy
    a = 1.0 if isinstance(penalty, cr.L1) else 0.5
    lam = 1.0 / C
    on = W != 0
    # Hand KKT: G + lam (a sign(W) + (1 - a) W) = 0 on the support, |G| <= lam a off it.
    scale = np.linalg.norm(X.T @ (1.0 / 3 - Y))  # the gradient's size at W = 0
    np.testing.assert_allclose(G[on] + lam * (a * np.sign(W[on]) + (1 - a) * W[on]), 0.0, atol=1e-10 * scale)
    assert np.all(np.abs(G[~on]) <= lam * a * (1 + 1e-9))
    assert np.any(~on)
    if isinstance(penalty, cr.L1):
        sk = LogisticRegression(penalty="l1", C=C, solver="saga", tol=1e-12, max_iter=200_000).fit(X, y)
        np.testing.assert_allclose(W, sk.coef_.T, atol=1e-7)


@pytest.mark.parametrize("spread", [1.0, 50.0], ids=["unit", "logits of hundreds"])
def test_weighted_ridge_multinomial_equals_scikit_learn_to_rounding(spread):
    # The compiled softmax kernels (sample weights, logits far from 0) and the Newton finish.
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    X, labels, s = rng.standard_normal((300, 6)) * spread, rng.integers(0, 4, 300), rng.uniform(0.1, 3.0, 300)
    prob = cr.Problem(cr.MultinomialLogisticLoss(), cr.SquaredL2(), cr.Penalized(lam=0.5), fit_intercept=True)
    res = prob.solve(X, labels, sample_weight=s)
    sk = LogisticRegression(C=2.0, tol=1e-12, max_iter=100_000, solver="newton-cg").fit(X, labels, sample_weight=s)
    assert res.status == "optimal" and res.certificate.passed(1e-12)
    np.testing.assert_allclose(res.coef, sk.coef_.T, atol=1e-9)
    np.testing.assert_allclose(res.intercept, sk.intercept_, atol=1e-9)


def test_ridge_ball_is_polished_and_equals_scikit_learn_at_its_multiplier():
    # min sum_i CE_i s.t. ||W||^2 / 2 <= t: the multiplier mu makes it scikit-learn's C = 1 / mu.
    X, codes = data(n=150, d=4, K=3, seed=5)
    t = 1.5
    res = cr.Problem(MultinomialLogisticLoss(), cr.SquaredL2(), cr.Constrained(t=t), fit_intercept=True).solve(
        X, codes
    )
    assert res.status == "optimal" and res.polished and res.certificate.passed(1e-12)
    assert np.sum(res.coef**2) / 2 == pytest.approx(t, rel=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk = lm.LogisticRegression(C=1 / res.dual, tol=1e-14, max_iter=100_000, solver="newton-cg").fit(X, codes)
    assert np.abs(res.coef - sk.coef_.T).max() < 1e-7
    assert np.abs(res.intercept - sk.intercept_).max() < 1e-7


def test_l1_ball_is_polished_to_its_hand_kkt():
    # min (1/n) sum_i CE_i s.t. ||vec W||_1 <= t: c X^T (P - Y) + mu sign(W) = 0 on the support,
    # |c X^T (P - Y)| <= mu off it, 1^T (P - Y) = 0 and ||W||_1 = t.
    X, codes = data(n=120, d=6, K=3, seed=6)
    t, n = 1.0, 120
    res = cr.Problem(MultinomialLogisticLoss(scale="mean"), cr.L1(), cr.Constrained(t=t), fit_intercept=True).solve(
        X, codes
    )
    assert res.status == "optimal" and res.polished
    W, mu = res.coef, res.dual
    eta = X @ W + res.intercept
    P = np.exp(eta - eta.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    G = X.T @ (P - np.eye(3)[codes]) / n
    on = W != 0
    assert 0 < on.sum() < W.size and mu > 0
    assert np.abs(G[on] + mu * np.sign(W[on])).max() < 1e-12
    assert np.abs(G[~on]).max() <= mu * (1 + 1e-12)
    assert np.abs((P - np.eye(3)[codes]).sum(axis=0)).max() < 1e-12
    assert np.abs(W).sum() == pytest.approx(t, rel=1e-13)


def test_a_slack_ball_is_the_unpenalized_fit_with_multiplier_zero():
    # Was: `optimal` with a certificate of 3.2e-6 (above tol): the solver's multiplier 1.5e-8 for a
    # constraint that does not bind, and the secant in lam could not move from there.
    rng = np.random.default_rng(1)
    X = rng.standard_normal((80, 6))
    X = sp.csr_matrix(np.where(np.abs(X) > 0.5, X, 0.0))
    codes = rng.integers(0, 3, 80)
    res = cr.Problem(MultinomialLogisticLoss(), cr.SquaredL2(), cr.Constrained(t=1.0), fit_intercept=True).solve(
        X, codes
    )
    assert res.status == "optimal" and res.polished and res.dual == 0.0
    eta = X @ res.coef + res.intercept
    P = np.exp(eta - eta.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    R = P - np.eye(3)[codes]
    assert np.abs(X.T @ R).max() < 1e-10 and np.abs(R.sum(axis=0)).max() < 1e-10  # the unpenalized fit
    assert np.sum(res.coef**2) / 2 <= 1.0


def test_the_status_follows_the_certificate():
    # One rule, as for every single-output loss: a loose solver answer that the certificate fails
    # (no polish for Linf here) is optimal_inaccurate with the reason, never `optimal`.
    X, codes = data(n=120, d=5, K=3, seed=3)
    prob = cr.Problem(MultinomialLogisticLoss(), cr.Linf(), cr.Penalized(lam=2.0), fit_intercept=True)
    res = prob.solve(X, codes, solver="SCS", eps_abs=1e-3, eps_rel=1e-3)
    assert res.certificate is not None and not res.certificate.passed(1e-6)
    assert res.status == "optimal_inaccurate" and "above tol" in res.message
    assert prob.solve(X, codes).status == "optimal"  # at the defaults, escalation certifies it


def _five_classes(n=600, d=30, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    W = np.zeros((d, 5))
    W[:6] = rng.standard_normal((6, 5))
    return X, np.argmax(X @ W + rng.gumbel(size=(n, 5)), axis=1)


def test_l1_multinomial_takes_the_prox_route_and_equals_tight_saga():
    # Was: exponential cones (Clarabel, 17 s on 2000 x 100), then the polish. Now accelerated
    # proximal gradient finds the zero pattern and Newton finishes, with no conic solver.
    from sklearn.linear_model import LogisticRegression

    X, y = _five_classes()
    C = 0.05
    prob = cr.Problem(cr.MultinomialLogisticLoss(), cr.L1(), cr.Penalized(1.0 / C), fit_intercept=True)
    res = prob.solve(X, y)
    assert res.solver == "cvxreg-fista+newton-cg" and res.polished and res.certificate.passed(1e-12)
    sk = LogisticRegression(l1_ratio=1.0, C=C, solver="saga", tol=1e-13, max_iter=200_000).fit(X, y)
    np.testing.assert_allclose(res.coef, sk.coef_.T, atol=1e-8)
    assert 0 < np.count_nonzero(res.coef) < res.coef.size
    # On sparse X, with weights: the same answer as the rows repeated.
    s = np.random.default_rng(1).integers(1, 4, len(y)).astype(float)
    weighted = prob.solve(sp.csr_matrix(X), y, sample_weight=s)
    repeated = prob.solve(np.repeat(X, s.astype(int), axis=0), np.repeat(y, s.astype(int)))
    assert weighted.solver == repeated.solver == "cvxreg-fista+newton-cg"
    np.testing.assert_allclose(weighted.coef, repeated.coef, atol=1e-10)


def test_row_group_lasso_multinomial_takes_the_prox_route_and_meets_its_hand_kkt():
    from scipy.special import softmax

    X, y = _five_classes(seed=2)
    d, K = X.shape[1], 5
    lam = 40.0
    penalty = cr.GroupLasso([[j + k * d for k in range(K)] for j in range(d)])  # one group per feature
    res = cr.Problem(cr.MultinomialLogisticLoss(), penalty, cr.Penalized(lam), fit_intercept=True).solve(X, y)
    assert res.solver == "cvxreg-fista+newton-cg" and res.certificate.passed(1e-10)
    W, b = res.coef, res.intercept
    G = X.T @ (softmax(X @ W + b, axis=1) - np.eye(K)[y])
    scale = np.linalg.norm(X.T @ (1.0 / K - np.eye(K)[y]))
    rows = np.linalg.norm(W, axis=1)
    on = rows > 0
    assert 0 < on.sum() < d
    weight = np.sqrt(K)  # GroupLasso's default weight: the square root of the group's size
    # A selected feature's gradient row is -lam weight W_j / |W_j|; a dropped one's is within lam weight.
    np.testing.assert_allclose(G[on] + lam * weight * W[on] / rows[on, None], 0.0, atol=1e-10 * scale)
    assert np.all(np.linalg.norm(G[~on], axis=1) <= lam * weight * (1 + 1e-9))
    conic = cr.Problem(cr.MultinomialLogisticLoss(), penalty, cr.Penalized(lam), fit_intercept=True).solve(
        X, y, solver="CLARABEL")
    np.testing.assert_allclose(conic.coef, W, atol=1e-5)


def test_a_multinomial_path_from_lam_max_down_equals_saga():
    # Was: "paths ... take single-output losses". Now the path of the multinomial loss, from its
    # lam_max (every coefficient 0 there, not just below) down, each point certified.
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    prob = cr.Problem(cr.MultinomialLogisticLoss(), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    lam_max = prob.lambda_max(X, y)
    path = prob.path(X, y, n_lams=8, eps=0.01)
    assert path.coefs.shape == (8, 4, 3) and path.intercepts.shape == (8, 3) and path.classes == (0, 1, 2)
    assert path.lams[0] == pytest.approx(lam_max) and not np.any(path.coefs[0])
    assert np.any(prob.with_form(cr.Penalized(0.99 * lam_max)).solve(X, y).coef)  # just below: not all 0
    assert all(c.passed(1e-9) for c in path.certificates) and all(s == "optimal" for s in path.statuses)
    for k in (2, 5, 7):
        sk = LogisticRegression(C=1.0 / path.lams[k], l1_ratio=1.0, solver="saga", tol=1e-12, max_iter=500_000)
        np.testing.assert_allclose(path.coefs[k], sk.fit(X, y).coef_.T, atol=1e-6)
    frame = path.to_frame()
    assert "petal length (cm)[2]" not in frame and "x2[2]" in frame.columns  # one column per coefficient
    assert path.plot().axes[0].get_xscale() == "log"
    assert "Path(lam: 8 points" in repr(path)


def test_compare_solvers_scores_each_solvers_own_multinomial_answer():
    # Was: "comparisons ... take single-output losses". Each solver gets the conic model; its
    # own answer (not polished) is scored against cvxreg's certified one.
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    prob = cr.Problem(cr.MultinomialLogisticLoss(), cr.L1(), cr.Penalized(2.0), fit_intercept=True)
    table = cr.compare_solvers(prob, X, y, solvers=["CLARABEL", "SCS", "OSQP"], settings=["default", "high"])
    assert list(table.columns) == cr.compare.COLUMNS and len(table) == 6
    assert set(table["problem_class"]) == {"exponential cone"} and set(table["reference"]) == {"cvxreg (certified)"}
    osqp = table[table["solver"] == "OSQP"]
    assert (osqp["status"] == "unsupported").all() and not osqp["success"].any()
    clarabel = table[(table["solver"] == "CLARABEL") & (table["settings"] == "high")].iloc[0]
    assert clarabel["status"] == "optimal" and clarabel["success"] and clarabel["coef_error"] < 1e-5
    assert 0 < clarabel["kkt_residual"] < 1e-5  # the solver's own answer: not polished to rounding
    reference = prob.solve(X, y)
    np.testing.assert_allclose(clarabel["objective"], reference.objective, rtol=1e-7)
    resumed = cr.compare_solvers(prob, X, y, solvers=["CLARABEL", "SCS"], settings=["default", "high"],
                                 skip=[("SCS", "default"), ("CLARABEL", "high")])  # fmt: skip
    assert list(zip(resumed["solver"], resumed["settings"], strict=True)) == [("CLARABEL", "default"), ("SCS", "high")]


def test_a_multinomial_cross_validation_in_parallel_equals_the_serial_one():
    from sklearn.datasets import load_iris
    from sklearn.model_selection import StratifiedKFold

    X, y = load_iris(return_X_y=True)
    prob = cr.Problem(cr.MultinomialLogisticLoss(), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    kw = {"n_lams": 5, "folds": StratifiedKFold(3), "scoring": "log_loss"}
    serial, parallel = cr.cross_validate(prob, X, y, **kw), cr.cross_validate(prob, X, y, n_jobs=2, **kw)
    pd.testing.assert_frame_equal(serial.table, parallel.table)

