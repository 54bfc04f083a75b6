"""Regularization paths (both forms, any loss) and cross-validation, against scikit-learn."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import cvxreg as cr
from tests.conftest import regression_data

lm = pytest.importorskip("sklearn.linear_model")
model_selection = pytest.importorskip("sklearn.model_selection")


def _data(n: int = 120, d: int = 30, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w = np.zeros(d)
    w[: d // 5] = rng.uniform(1, 3, d // 5) * rng.choice([-1, 1], d // 5)
    return X, X @ w + 1.5 * rng.standard_normal(n)


LASSO = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0))


@pytest.mark.parametrize(("penalty", "l1_ratio"), [(cr.L1(), 1.0), (cr.ElasticNet(0.3), 0.3)], ids=["lasso", "enet"])
def test_path_equals_scikit_learn_at_every_lam(penalty, l1_ratio):
    X, y = _data()
    prob = LASSO.with_penalty(penalty)
    path = prob.path(X, y, n_lams=40)
    assert np.isclose(path.lams[0], prob.lambda_max(X, y)) and np.isclose(path.lams[-1], 1e-3 * path.lams[0])
    _, coefs, _ = lm.enet_path(X, y, l1_ratio=l1_ratio, alphas=path.lams, tol=1e-14, max_iter=1_000_000)
    assert np.max(np.abs(path.coefs - coefs.T)) < 1e-6
    for k in range(len(path.lams)):
        assert np.array_equal(path.supports[k], np.flatnonzero(coefs[:, k])), k
    assert all(c.passed(1e-9) for c in path.certificates)
    assert np.allclose(path.ts, [penalty.value(w) for w in path.coefs])


def test_screening_discards_features_and_never_changes_answers():
    X, y = _data(80, 200, 1)
    screened = LASSO.path(X, y, n_lams=30)
    full = LASSO.path(X, y, screened.lams, screening=False)
    assert screened.screened.sum() > 0 and full.screened.sum() == 0
    # Both certified at 1e-15; near a breakpoint a coefficient entering at 1e-12 is a tie.
    assert np.max(np.abs(screened.coefs - full.coefs)) < 1e-10
    assert {"continuation", "engine"} & set(screened.methods)


def test_a_path_in_any_order_and_with_an_intercept():
    X, y = _data(seed=2)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    grid = np.array([0.05, 0.5, 0.2, 1e-3])
    path = prob.path(X, y + 4.0, grid)
    assert np.array_equal(path.lams, grid)
    for k, lam in enumerate(grid):
        sk = lm.Lasso(alpha=lam, tol=1e-14, max_iter=1_000_000).fit(X, y + 4.0)
        assert np.max(np.abs(path.coefs[k] - sk.coef_)) < 1e-6 and abs(path.intercepts[k] - sk.intercept_) < 1e-6


def test_constrained_path_retraces_the_penalized_one_through_its_multipliers():
    X, y = _data(100, 8, 3)
    pen = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    lams = np.geomspace(pen.lambda_max(X, y) * 0.9, 1.0, 8)
    penalized = pen.path(X, y, lams)
    constrained = pen.with_form(cr.Constrained(1.0)).path(X, y, ts=penalized.ts)
    assert constrained.param_name == "t" and np.array_equal(constrained.ts, penalized.ts)
    assert np.max(np.abs(constrained.coefs - penalized.coefs)) < 1e-5
    assert np.max(np.abs(constrained.lams - lams) / lams) < 1e-5  # mu(t(lam)) = lam
    default = pen.with_form(cr.Constrained(1.0)).path(X, y, n_lams=5)
    assert np.all(np.diff(default.ts) >= 0) and np.allclose(default.ts[0], 0.0, atol=1e-9)


@pytest.mark.parametrize(
    "loss", [cr.LogisticLoss(), cr.HingeLoss(), cr.PoissonLoss(), cr.HuberLoss(1.0)], ids=repr
)
def test_path_for_other_losses_is_certified_at_every_point(loss):
    X, y = regression_data(n=80, d=6, seed=4)
    if loss.classification:
        y = np.where(y > 0, 1.0, -1.0)
    elif isinstance(loss, cr.PoissonLoss):
        y = np.random.default_rng(4).poisson(np.exp(0.2 * X[:, 0])).astype(float)
    prob = cr.Problem(loss, cr.L1(), cr.Penalized(1.0))
    path = prob.path(X, y, n_lams=8, eps=1e-2)
    assert all(s == "optimal" for s in path.statuses)
    assert all(c.passed(1e-6) for c in path.certificates), [c.worst for c in path.certificates]
    assert np.count_nonzero(path.coefs[0]) == 0 and np.count_nonzero(path.coefs[-1]) > 0
    frame = path.to_frame()
    assert list(frame.columns[:9]) == [
        "lam", "t", "objective", "intercept", "n_nonzero", "kkt_residual", "status", "method", "screened",
    ]  # fmt: skip
    assert len(frame) == 8


def test_path_errors_name_the_argument():
    X, y = _data()
    with pytest.raises(cr.InvalidParameterError, match="'lams'"):
        LASSO.path(X, y, [1.0, -2.0])
    with pytest.raises(cr.InvalidParameterError, match="'ts'"):
        LASSO.path(X, y, ts=[1.0])
    with pytest.raises(cr.InvalidParameterError, match="'n_lams'"):
        LASSO.path(X, y, n_lams=0)
    with pytest.raises(cr.NotSupportedError, match="give lams"):
        cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(1.0)).path(X, y)


# ----------------------------------------------------------------------------- cross-validation
def test_cross_validate_chooses_what_lasso_cv_chooses():
    X, y = _data(150, 30, 5)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    grid = np.geomspace(1.0, 1e-3, 30)
    cv = cr.cross_validate(prob, X, y, lams=grid, folds=5)
    sk = lm.LassoCV(alphas=grid, cv=5, tol=1e-12, max_iter=1_000_000).fit(X, y)
    assert cv.best_lam == sk.alpha_ and cv.best_l1_ratio is None
    assert np.allclose(cv.table["mean"], sk.mse_path_.mean(axis=1), rtol=1e-6)
    assert np.max(np.abs(cv.result.coef - sk.coef_)) < 1e-6
    assert cv.one_se_lam >= cv.best_lam
    best = cv.table.loc[cv.table["lam"] == cv.best_lam].iloc[0]
    one_se = cv.table.loc[cv.table["lam"] == cv.one_se_lam].iloc[0]
    assert one_se["mean"] <= best["mean"] + best["se"]


def test_cross_validate_chooses_what_elastic_net_cv_chooses():
    X, y = _data(150, 30, 6)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    grid = np.geomspace(2.0, 2e-3, 25)
    cv = cr.cross_validate(prob, X, y, lams=grid, l1_ratios=[0.1, 0.5, 0.9, 1.0], folds=4)
    sk = lm.ElasticNetCV(alphas=grid, l1_ratio=[0.1, 0.5, 0.9, 1.0], cv=4, tol=1e-12, max_iter=1_000_000).fit(X, y)
    assert (cv.best_lam, cv.best_l1_ratio) == (sk.alpha_, sk.l1_ratio_)
    assert np.max(np.abs(cv.result.coef - sk.coef_)) < 1e-6
    assert set(cv.table["l1_ratio"]) == {0.1, 0.5, 0.9, 1.0}


def test_cross_validate_takes_a_splitter_and_runs_folds_in_parallel():
    X, y = _data(90, 12, 7)
    splitter = model_selection.KFold(3, shuffle=True, random_state=0)
    grid = np.geomspace(1.0, 1e-2, 10)
    one = cr.cross_validate(LASSO, X, y, lams=grid, folds=splitter)
    two = cr.cross_validate(LASSO, X, y, lams=grid, folds=splitter, n_jobs=2)
    sk = lm.LassoCV(alphas=grid, cv=splitter, fit_intercept=False, tol=1e-12, max_iter=1_000_000).fit(X, y)
    assert one.best_lam == two.best_lam == sk.alpha_
    assert np.allclose(one.table["mean"], two.table["mean"], rtol=1e-12)


def test_cross_validate_for_classification_scores_accuracy():
    X, y = regression_data(n=120, d=8, seed=8)
    labels = np.where(y > 0, 1.0, -1.0)
    prob = cr.Problem(cr.LogisticLoss(scale="mean"), cr.L1(), cr.Penalized(1.0))
    cv = cr.cross_validate(prob, X, labels, folds=3, scoring="accuracy", n_lams=8, eps=1e-2)
    assert 0.5 < cv.table["mean"].max() <= 1.0
    assert cv.table.loc[cv.table["lam"] == cv.best_lam, "mean"].iloc[0] == cv.table["mean"].max()
    loss_cv = cr.cross_validate(prob, X, labels, folds=3, scoring="log_loss", n_lams=8, eps=1e-2)
    assert loss_cv.scoring == "log_loss" and math.isfinite(loss_cv.best_lam)


def test_cross_validate_errors_name_the_argument():
    X, y = _data()
    with pytest.raises(cr.NotSupportedError, match="Penalized"):
        cr.cross_validate(LASSO.with_form(cr.Constrained(1.0)), X, y)
    with pytest.raises(cr.InvalidParameterError, match="'folds'"):
        cr.cross_validate(LASSO, X, y, folds=1)
    with pytest.raises(cr.InvalidParameterError, match="'scoring'"):
        cr.cross_validate(LASSO, X, y, scoring="r3")
    with pytest.raises(cr.InvalidParameterError, match="'l1_ratios'"):
        cr.cross_validate(LASSO.with_penalty(cr.GroupLasso(np.arange(30) // 3)), X, y, l1_ratios=[0.5])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(cr.InvalidParameterError, match="'n_jobs'"):
            cr.cross_validate(LASSO, X, y, n_jobs=0)


def test_cross_validate_keeps_which_label_is_plus_one():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 4))
    y = np.where(X[:, 0] + rng.standard_normal(60) > 0, "spam", "ham")
    cv = cr.cross_validate(cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(lam=1.0)), X, y, folds=3)
    assert cv.result.classes == ("ham", "spam")
    direct = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(lam=cv.best_lam)).solve(X, y)
    np.testing.assert_allclose(cv.result.coef, direct.coef, atol=1e-9)


def test_cross_validate_on_a_constant_y_predicts_its_mean_as_lasso_cv_does():
    from sklearn.linear_model import LassoCV

    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((60, 4)), np.full(60, 3.0)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=1.0), fit_intercept=True)
    cv = cr.cross_validate(prob, X, y, folds=3)
    est = LassoCV(cv=3).fit(X, y)
    assert cv.best_lam == pytest.approx(est.alpha_)
    assert np.all(cv.result.coef == 0) and cv.result.intercept == pytest.approx(3.0, rel=1e-14)


def test_the_path_at_lam_max_is_exactly_zero():
    # Was 1.96e-13 on one coefficient from the Gram route (its certificate passed either way).
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    path = prob.path(X, y, n_lams=30)
    assert path.values[0] == pytest.approx(prob.lambda_max(X, y), rel=1e-12)
    assert np.all(path.coefs[0] == 0.0) and path.certificates[0].passed(1e-9)


def test_path_result_and_cross_validation_show_themselves_briefly():
    # Was: repr(Path) printed every array (30 lines); no notebook display.
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    path = prob.path(X, y, n_lams=30)
    assert repr(path) == "Path(lam: 30 points from 2.148 to 0.002148; nonzeros 0 to 10 of 10; 30 optimal)"
    page = path._repr_html_()
    assert page.count("<tr>") <= 12 and "20 points not shown" in page
    cv = cr.cross_validate(prob, X, y, n_lams=20)
    assert repr(cv).startswith("CrossValidation(scoring='mse', best_lam=") and "\n" not in repr(cv)
    assert "one-SE lam" in cv._repr_html_()
    res = prob.solve(X, y)
    assert "certificate" in res._repr_html_() and "&lt;" not in res._repr_html_().split("<table")[0]


def test_long_paths_and_cross_validations_say_how_far_they_are(monkeypatch, caplog):
    # Progress after AFTER seconds: a tqdm bar on a terminal, log lines (logger "cvxreg") else.
    import logging

    from cvxreg import _progress

    monkeypatch.setattr(_progress, "AFTER", 0.0)
    X, y = np.random.default_rng(0).standard_normal((60, 5)), np.random.default_rng(1).standard_normal(60)
    prob = cr.Problem(cr.HuberLoss(1.0), cr.L1(), cr.Penalized(1.0), fit_intercept=True)  # no Gram path
    with caplog.at_level(logging.INFO, logger="cvxreg"):
        prob.path(X, y, n_lams=6)
        cr.cross_validate(prob, X, y, n_lams=4, folds=3)
    lines = [r.getMessage() for r in caplog.records if r.name == "cvxreg"]
    assert any(line.startswith("path of 6 points: ") and "of 6 done" in line for line in lines), lines
    assert any(line.startswith("cross-validation of 3 fold paths: 3 of 3 done") for line in lines), lines
    caplog.clear()
    monkeypatch.setattr(_progress, "AFTER", 60.0)  # a quick loop says nothing
    with caplog.at_level(logging.INFO, logger="cvxreg"):
        prob.path(X, y, n_lams=6)
    assert not [r for r in caplog.records if r.name == "cvxreg"]


def test_the_one_standard_error_rule_refits_at_its_lam():
    # glmnet's lambda.1se: the largest lam whose mean score is within one standard error of the
    # best; select="one_se" refits there (a sparser model), in cross_validate and the CV estimators.
    from sklearn.datasets import load_diabetes

    from cvxreg.sklearn import CvxRegressorCV

    X, y = load_diabetes(return_X_y=True)
    lasso = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    best = cr.cross_validate(lasso, X, y, n_lams=40)
    one_se = cr.cross_validate(lasso, X, y, n_lams=40, select="one_se")
    assert one_se.one_se_lam == best.one_se_lam > best.best_lam
    table = best.table
    at_best = table.loc[table["lam"] == best.best_lam].iloc[0]
    within = table[table["mean"] <= at_best["mean"] + at_best["se"]]
    assert one_se.one_se_lam == within["lam"].max()  # by hand from the table
    direct = lasso.with_form(cr.Penalized(one_se.one_se_lam)).solve(X, y)
    np.testing.assert_allclose(one_se.result.coef, direct.coef, atol=1e-12)
    assert np.count_nonzero(one_se.result.coef) < np.count_nonzero(best.result.coef)
    est = CvxRegressorCV(n_lams=40, select="one_se").fit(X, y)
    assert est.lam_ == one_se.one_se_lam
    np.testing.assert_allclose(est.coef_, direct.coef, atol=1e-12)
    with pytest.raises(cr.InvalidParameterError, match="select"):
        cr.cross_validate(lasso, X, y, n_lams=5, select="1se")
