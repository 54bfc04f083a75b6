"""Each convention mapping, tested numerically: the other tool (or its objective written
literally in CVXPY from the book or documentation) and cvxreg give the same coefficients."""

from __future__ import annotations

import inspect
import warnings
from pathlib import Path

import cvxpy as cp
import numpy as np
import pytest

import cvxreg as cr
from cvxreg.conventions import TOOLS, from_cvxreg, to_cvxreg
from tests.conftest import TIGHT, classification_data, regression_data

lm = pytest.importorskip("sklearn.linear_model")
X, Y = regression_data(n=60, d=5, seed=31)
Y = Y + 1.5


def solve(problem: cr.Problem, X_=X, y_=Y) -> cr.Result:
    return problem.solve(X_, y_, **TIGHT)


def literal(objective, fit_intercept: bool, d: int = 5) -> tuple[np.ndarray, float]:
    """Minimize a tool's objective written out by hand in CVXPY (the tool's own convention)."""
    w = cp.Variable(d)
    b = cp.Variable() if fit_intercept else 0.0
    cp.Problem(cp.Minimize(objective(w, b))).solve(**TIGHT)
    return w.value, (b.value if fit_intercept else 0.0)


def fit(est, X_=X, y_=Y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(X_, y_)


def test_sklearn_lasso_ridge_elastic_net():
    est = fit(lm.Lasso(alpha=0.2, tol=1e-12, max_iter=100000))
    assert np.allclose(solve(to_cvxreg("sklearn.Lasso", alpha=0.2)).coef, est.coef_, atol=1e-7)
    est = fit(lm.Ridge(alpha=3.0, solver="svd"))
    assert np.allclose(solve(to_cvxreg("sklearn.Ridge", alpha=3.0)).coef, est.coef_, atol=1e-8)
    est = fit(lm.ElasticNet(alpha=0.2, l1_ratio=0.3, tol=1e-12, max_iter=100000))
    res = solve(to_cvxreg("sklearn.ElasticNet", alpha=0.2, l1_ratio=0.3))
    assert np.allclose(res.coef, est.coef_, atol=1e-7) and res.intercept == pytest.approx(est.intercept_, abs=1e-7)


def test_sklearn_logistic():
    Xc, yc = classification_data(n=60, d=4, seed=32)
    l2 = fit(lm.LogisticRegression(C=0.7, tol=1e-12, max_iter=10000), Xc, yc)
    res = solve(to_cvxreg("sklearn.Logistic", C=0.7, penalty="l2"), Xc, yc)
    assert np.allclose(res.coef, l2.coef_.ravel(), atol=1e-6)
    assert from_cvxreg("sklearn.Logistic", to_cvxreg("sklearn.Logistic", C=0.7, penalty="l1"))["C"] == pytest.approx(
        0.7
    )
    if inspect.signature(lm.LogisticRegression).parameters["penalty"].default == "deprecated":
        l1 = lm.LogisticRegression(C=0.7, l1_ratio=1.0, solver="saga", tol=1e-12, max_iter=100000)
    else:
        l1 = lm.LogisticRegression(C=0.7, penalty="l1", solver="saga", tol=1e-12, max_iter=100000)
    res = solve(to_cvxreg("sklearn.Logistic", C=0.7, penalty="l1"), Xc, yc)
    assert np.allclose(res.coef, fit(l1, Xc, yc).coef_.ravel(), atol=1e-4)


@pytest.mark.parametrize("penalty", ["l2", "l1"])
def test_sklearn_sgd_regressor(penalty):
    # SGD is stochastic: agreement is to the accuracy of its iterates, not of a solver.
    est = lm.SGDRegressor(
        alpha=0.1,
        penalty=penalty,
        fit_intercept=False,
        max_iter=5000,
        tol=None,
        learning_rate="invscaling",
        eta0=0.01,
        random_state=0,
    )
    res = solve(to_cvxreg("sklearn.SGDRegressor", alpha=0.1, penalty=penalty, fit_intercept=False))
    assert np.allclose(res.coef, fit(est).coef_, atol=5e-3)


DATA = Path(__file__).parent / "data"


def _glmnet_cases():
    rows = [line for line in (DATA / "glmnet_r_results.csv").read_text().splitlines() if not line.startswith("#")]
    return [np.array([float(x) for x in row.split(",")]) for row in rows]


@pytest.mark.parametrize("case", _glmnet_cases(), ids=lambda v: f"n{int(v[0])}-p{int(v[1])}-a{v[2]:g}-lam{v[3]:g}")
def test_glmnet_agrees_with_r(case):
    # R's glmnet coefficients (statsmodels' test data): the gaussian fit divides y by its 1/n sd s_y,
    # so its ridge part is lambda (1 - alpha) / s_y. Printed to 7 digits, glmnet's thresh 1e-7.
    data = np.loadtxt(DATA / "glmnet_lasso_data.csv", delimiter=",", comments="#")
    n, p, alpha, lam = int(case[0]), int(case[1]), float(case[2]), float(case[3])
    y, X = data[:n, 0], data[:n, 1 : p + 1]
    y = (y - y.mean()) / y.std(ddof=1)
    X = (X - X.mean(0)) / X.std(0, ddof=1)
    prob = to_cvxreg("glmnet", lambda_=lam, alpha=alpha, y=y)
    res = prob.solve(X, y)
    assert res.status == "optimal"
    np.testing.assert_allclose(res.coef, case[4:], atol=3e-6)
    back = from_cvxreg("glmnet", prob, y=y)
    assert back["lambda_"] == pytest.approx(lam, rel=1e-12) and back["alpha"] == pytest.approx(alpha, abs=1e-12)


def test_glmnet_needs_y_below_alpha_one():
    with pytest.raises(cr.InvalidParameterError, match=r"'y'.*s_y"):
        to_cvxreg("glmnet", lambda_=0.1, alpha=0.5)
    prob = to_cvxreg("glmnet", lambda_=0.1, alpha=1.0)  # the lasso does not depend on s_y
    assert prob.penalty == cr.ElasticNet(1.0) and prob.form.param_value == 0.1
    with pytest.raises(cr.InvalidParameterError, match=r"'y'"):
        from_cvxreg("glmnet", to_cvxreg("glmnet", lambda_=0.1, alpha=0.5, y=Y))


@pytest.mark.parametrize("tool", ["cvxpy.docs", "islr"])
def test_unscaled_rss(tool):
    # CVXPY's lasso example: cp.norm2(X @ beta - Y)**2 + lambd * cp.norm1(beta); ISLR (6.7).
    fi = TOOLS[tool].fit_intercept
    w, _ = literal(lambda w, b: cp.sum_squares(X @ w + b - Y) + 4.0 * cp.norm1(w), fi)
    assert np.allclose(solve(to_cvxreg(tool, lam=4.0, penalty="lasso")).coef, w, atol=1e-7)
    w, _ = literal(lambda w, b: cp.sum_squares(X @ w + b - Y) + 4.0 * cp.sum_squares(w), fi)
    assert np.allclose(solve(to_cvxreg(tool, lam=4.0, penalty="ridge")).coef, w, atol=1e-7)


def test_islr_identity_design_toys():
    # ISLR 6.2.2 special case (n = p, X = I, no intercept): lasso soft-thresholds at lam/2,
    # ridge gives y/(1+lam).
    y = np.array([3.0, -0.4, 1.0, -2.5])
    lam = 1.0
    lasso = to_cvxreg("islr", lam=lam, penalty="lasso", fit_intercept=False).reference(np.eye(4), y)
    assert np.allclose(lasso.coef, np.sign(y) * np.maximum(np.abs(y) - lam / 2, 0), atol=1e-14)
    ridge = to_cvxreg("islr", lam=lam, penalty="ridge", fit_intercept=False).reference(np.eye(4), y)
    assert np.allclose(ridge.coef, y / (1 + lam), atol=1e-14)


def test_esl_conventions():
    lam = 2.0
    w, _ = literal(lambda w, b: cp.sum_squares(Y - X @ w - b) + lam * cp.sum_squares(w), True)  # (3.41)
    assert np.allclose(solve(to_cvxreg("esl", lam=lam, penalty="ridge")).coef, w, atol=1e-7)
    w, _ = literal(lambda w, b: 0.5 * cp.sum_squares(Y - X @ w - b) + lam * cp.norm1(w), True)  # (3.52)
    assert np.allclose(solve(to_cvxreg("esl", lam=lam, penalty="lasso")).coef, w, atol=1e-7)
    a = 0.3  # (3.54): alpha weights the ridge part
    w, _ = literal(
        lambda w, b: cp.sum_squares(Y - X @ w - b) + lam * (a * cp.sum_squares(w) + (1 - a) * cp.norm1(w)), True
    )
    prob = to_cvxreg("esl", lam=lam, penalty="elastic_net", alpha=a)
    assert np.allclose(solve(prob).coef, w, atol=1e-7)
    back = from_cvxreg("esl", prob)
    assert back["lam"] == pytest.approx(lam) and back["alpha"] == pytest.approx(a)


def test_seed_and_benchopt():
    lam1, lam2 = 1.5, 0.8
    w, _ = literal(lambda w, b: 0.5 * cp.sum_squares(Y - X @ w) + lam1 * cp.norm1(w) + lam2 * cp.sum_squares(w), False)
    prob = to_cvxreg("seed", lam1=lam1, lam2=lam2)
    assert prob.form.lam == pytest.approx(lam1 + 2 * lam2)
    # A zero coefficient of the hand-written model comes back as an interior-point zero (~2e-7).
    assert np.allclose(solve(prob).coef, w, atol=1e-6)
    assert from_cvxreg("seed", prob) == pytest.approx({"lam1": lam1, "lam2": lam2})
    w, _ = literal(lambda w, b: 0.5 * cp.sum_squares(Y - X @ w) + 2.0 * cp.norm1(w), False)
    assert np.allclose(solve(to_cvxreg("benchopt", lam=2.0)).coef, w, atol=1e-7)


@pytest.mark.parametrize(
    ("tool", "params"),
    [
        ("sklearn.Lasso", {"alpha": 0.3}),
        ("sklearn.Ridge", {"alpha": 2.0}),
        ("sklearn.ElasticNet", {"alpha": 0.3, "l1_ratio": 0.2}),
        ("sklearn.SGDRegressor", {"alpha": 0.1, "penalty": "elasticnet", "l1_ratio": 0.4}),
        ("glmnet", {"lambda_": 0.1, "alpha": 1.0}),
        ("cvxpy.docs", {"lam": 3.0, "penalty": "lasso"}),
        ("islr", {"lam": 3.0, "penalty": "ridge"}),
        ("esl", {"lam": 1.0, "penalty": "lasso"}),
        ("benchopt", {"lam": 0.5}),
    ],
)
def test_round_trip_of_parameters(tool, params):
    back = from_cvxreg(tool, to_cvxreg(tool, **params))
    for key, value in params.items():
        assert back[key] == (pytest.approx(value) if isinstance(value, float) else value)


def test_convention_errors():
    with pytest.raises(cr.InvalidParameterError, match=r"'tool'.*'glmnet'.*'matlab'"):
        to_cvxreg("matlab", lam=1.0)
    with pytest.raises(cr.InvalidParameterError, match="'params'"):
        to_cvxreg("sklearn.Lasso", lam=1.0)
    with pytest.raises(cr.InvalidParameterError, match=r"'penalty'.*'lasso'.*'ridge'"):
        to_cvxreg("islr", lam=1.0, penalty="enet")
    with pytest.raises(cr.InvalidParameterError, match="Penalized form"):
        from_cvxreg("sklearn.Lasso", cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(1.0)))


def test_poisson_regressor():
    # PoissonRegressor(alpha): 1/(2n) sum deviance + alpha/2 ||w||^2 = mean Poisson loss + alpha SquaredL2.
    rng = np.random.default_rng(3)
    Xp = rng.standard_normal((80, 4))
    yp = rng.poisson(np.exp(0.3 * Xp @ np.array([1.0, -0.5, 0.25, 0.0]) + 0.2)).astype(float)
    est = fit(lm.PoissonRegressor(alpha=0.3, tol=1e-12, max_iter=10000, solver="newton-cholesky"), Xp, yp)
    res = solve(to_cvxreg("sklearn.Poisson", alpha=0.3), Xp, yp)
    assert np.allclose(res.coef, est.coef_, atol=1e-6) and res.intercept == pytest.approx(est.intercept_, abs=1e-6)
    assert from_cvxreg("sklearn.Poisson", to_cvxreg("sklearn.Poisson", alpha=0.3)) == {"alpha": 0.3}


def test_linear_svc_kernel_svm():
    # SVC(kernel="linear", C): C sum hinge + ||w||^2/2 with an unpenalized intercept (libsvm).
    svm = pytest.importorskip("sklearn.svm")
    Xc, yc = classification_data(n=60, d=3, seed=5)
    est = fit(svm.SVC(kernel="linear", C=0.7, tol=1e-10), Xc, yc)
    res = solve(to_cvxreg("sklearn.SVC", C=0.7), Xc, yc)
    assert np.allclose(res.coef, est.coef_.ravel(), atol=1e-5)
    assert res.intercept == pytest.approx(float(est.intercept_[0]), abs=1e-4)


def test_liblinear_penalizes_the_intercept_as_an_extra_column():
    # LogisticRegression(solver="liblinear") fits a constant column of value intercept_scaling and
    # penalizes its coefficient: cvxreg states the same with that column and fit_intercept=False.
    Xc, yc = classification_data(n=80, d=3, seed=9)
    scaling = 2.0
    est = fit(
        lm.LogisticRegression(C=0.5, solver="liblinear", intercept_scaling=scaling, tol=1e-12, max_iter=10000),
        Xc,
        yc,
    )
    aug = np.column_stack([Xc, np.full(len(yc), scaling)])
    res = solve(to_cvxreg("sklearn.Logistic", C=0.5, penalty="l2", fit_intercept=False), aug, yc)
    assert np.allclose(res.coef[:-1], est.coef_.ravel(), atol=2e-5)
    assert scaling * res.coef[-1] == pytest.approx(float(est.intercept_[0]), abs=2e-5)
    unpenalized = solve(to_cvxreg("sklearn.Logistic", C=0.5, penalty="l2"), Xc, yc)  # lbfgs' convention
    assert abs(unpenalized.intercept - float(est.intercept_[0])) > 1e-3  # the two conventions differ


def test_glmnet_penalty_factor_is_rescaled_to_sum_to_d():
    # glmnet rescales penalty.factor to sum to nvars: factors all 2 are the same problem as all 1,
    # and factors (1, 3) act as (0.5, 1.5). cvxreg's own factors are used as given.
    same = solve(to_cvxreg("glmnet", lambda_=0.2, alpha=1.0, penalty_factor=[2.0] * 5))
    plain = solve(to_cvxreg("glmnet", lambda_=0.2, alpha=1.0))
    assert np.allclose(same.coef, plain.coef, atol=1e-8)
    loss, pen = cr.SquaredLoss(scale="mean"), cr.L1(factors=[2.0] * 5)
    doubled = solve(cr.Problem(loss, pen, cr.Penalized(0.2), fit_intercept=True))
    assert np.max(np.abs(doubled.coef - plain.coef)) > 1e-3  # without the rescaling: another problem
    v = np.array([1.0, 3.0, 1.0, 0.0, 5.0])
    prob = to_cvxreg("glmnet", lambda_=0.1, alpha=1.0, penalty_factor=v)
    assert np.allclose(prob.penalty.factors, v * 5 / v.sum())
    with pytest.raises(cr.InvalidParameterError, match=r"'penalty_factor'.*exclude"):
        to_cvxreg("glmnet", lambda_=0.1, penalty_factor=[1.0, np.inf])
