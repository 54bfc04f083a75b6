"""The scikit-learn estimators: scikit-learn's own checks, its estimators' answers, pipelines and
grid search."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn import linear_model as lm
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC
from sklearn.utils.estimator_checks import check_estimator

import cvxreg as cr
from cvxreg.sklearn import CvxClassifier, CvxClassifierCV, CvxRegressor, CvxRegressorCV
from tests.conftest import classification_data, regression_data

# Every registered loss by the estimator that takes it (the ones the list below names are left out).
_EVERY_LOSS = [
    estimator(loss=name)
    for estimator in (CvxRegressor, CvxClassifier)
    for name in estimator()._loss_names()
    if name not in ("squared", "huber", "logistic", "hinge")
]


@pytest.mark.parametrize(
    "estimator",
    [CvxRegressor(), CvxClassifier(), CvxClassifier(loss="hinge"), CvxRegressor(loss="huber", penalty="l2"),
     CvxRegressorCV(n_lams=10), CvxClassifierCV(n_lams=3, cv=2), *_EVERY_LOSS],
    ids=["CvxRegressor", "CvxClassifier", "CvxClassifier-hinge", "CvxRegressor-huber-l2", "CvxRegressorCV",
         "CvxClassifierCV", *(f"{type(e).__name__}-{e.loss}" for e in _EVERY_LOSS)],
)  # fmt: skip
def test_scikit_learn_checks_pass(estimator):
    # The hinge classifier failed 18 checks: predict_proba existed and raised AttributeError.
    failed = []

    def record(*, check_name, exception, status, **_):
        if status == "failed":
            failed.append(f"{check_name}: {exception}")

    expected = {}
    if isinstance(estimator, CvxClassifierCV):  # a cross-validating estimator: folds are rows
        why = "stratified folds are made of rows: weights are not the same as repeated or removed rows"
        expected = {f"check_sample_weight_equivalence_on_{kind}_data": why for kind in ("dense", "sparse")}
    if estimator.loss in ("max", "norm"):  # a norm of the whole residual: no sum over samples to weight
        why = "the loss is a norm of the whole residual, not a sum over samples: it takes no sample_weight"
        checks = ["pandas_series", "not_an_array", "list", "shape", "not_overwritten"]
        expected = {f"check_sample_weights_{name}": why for name in checks}
        expected |= {f"check_sample_weight_equivalence_on_{kind}_data": why for kind in ("dense", "sparse")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_estimator(estimator, on_fail=None, callback=record, expected_failed_checks=expected)
    assert not failed, failed


def _data(seed: int = 0):
    X, y = regression_data(n=80, d=6, seed=seed)
    return X, y + 2.0


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (CvxRegressor(lam=0.3), lm.Lasso(alpha=0.3)),
        (CvxRegressor(penalty="elastic_net", lam=0.2, l1_ratio=0.4), lm.ElasticNet(alpha=0.2, l1_ratio=0.4)),
        (CvxRegressor(penalty="squared_l2", lam=3.0, scale="sum"), lm.Ridge(alpha=3.0, solver="svd")),
    ],
    ids=["Lasso", "ElasticNet", "Ridge"],
)
def test_regressor_agrees_with_scikit_learn(ours, theirs):
    X, y = _data()
    if hasattr(theirs, "tol"):
        theirs.set_params(tol=1e-14, max_iter=1_000_000)
    ours.fit(X, y)
    theirs.fit(X, y)
    assert np.max(np.abs(ours.coef_ - theirs.coef_)) < 1e-6 and abs(ours.intercept_ - theirs.intercept_) < 1e-6
    assert np.allclose(ours.predict(X), theirs.predict(X), atol=1e-5)
    assert ours.result_.certificate.passed(1e-6)


def test_classifier_agrees_with_logistic_regression_and_linear_svc():
    X, y = classification_data(n=100, d=4, seed=1)
    ours = CvxClassifier(lam=0.5).fit(X, y)
    theirs = lm.LogisticRegression(C=2.0, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(X, y)
    assert np.max(np.abs(ours.coef_ - theirs.coef_.ravel())) < 1e-6
    assert np.allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6)
    svc = CvxClassifier(loss="squared_hinge", lam=1 / 0.7, fit_intercept=False).fit(X, y)
    ref = LinearSVC(C=0.7, fit_intercept=False, tol=1e-14, max_iter=1_000_000).fit(X, y)
    assert np.max(np.abs(svc.coef_ - ref.coef_.ravel())) < 1e-5
    with pytest.raises(AttributeError, match="predict_proba") as info:  # scikit-learn's available_if
        svc.predict_proba(X)
    assert "logistic" in str(info.value.__cause__)  # and why, in its cause


def test_classifier_fitted_on_string_labels_predicts_them():
    X, y = classification_data(n=60, d=3, seed=2)
    names = np.where(y > 0, "spam", "ham")
    clf = CvxClassifier(loss="hinge", lam=0.1).fit(X, names)
    assert list(clf.classes_) == ["ham", "spam"]
    predicted = clf.predict(X)
    assert set(predicted) <= {"ham", "spam"} and np.mean(predicted == names) > 0.8


def test_constrained_form_reports_its_multiplier():
    X, y = _data(3)
    pen = CvxRegressor(lam=0.2, fit_intercept=False).fit(X, y)
    con = CvxRegressor(t=float(np.abs(pen.coef_).sum()), fit_intercept=False).fit(X, y)
    assert con.dual_ == pytest.approx(0.2, rel=1e-4) and pen.dual_ is None
    assert np.max(np.abs(con.coef_ - pen.coef_)) < 1e-5


def test_pipeline_and_grid_search_pick_what_cross_validate_picks():
    X, y = _data(4)
    pipe = make_pipeline(StandardScaler(), CvxRegressor(lam=0.1)).fit(X, y)
    assert pipe.score(X, y) > 0.5
    lams = list(np.geomspace(1.0, 1e-3, 8))
    ratios = [0.2, 0.6, 1.0]
    grid = GridSearchCV(
        CvxRegressor(penalty="elastic_net"), {"lam": lams, "l1_ratio": ratios}, cv=5, n_jobs=2,
        scoring="neg_mean_squared_error",
    ).fit(X, y)  # fmt: skip
    problem = cr.Problem(cr.SquaredLoss(scale="mean"), cr.ElasticNet(0.5), cr.Penalized(1.0), fit_intercept=True)
    cv = cr.cross_validate(problem, X, y, lams=lams, l1_ratios=ratios, folds=5)
    assert grid.best_params_["lam"] == pytest.approx(cv.best_lam)
    assert grid.best_params_["l1_ratio"] == pytest.approx(cv.best_l1_ratio)


def test_estimator_errors_name_the_argument():
    X, y = _data()
    with pytest.raises(cr.InvalidParameterError, match="'loss'"):
        CvxRegressor(loss="nope").fit(X, y)
    with pytest.raises(cr.InvalidParameterError, match="'p'"):
        CvxRegressor(penalty="lp").fit(X, y)
    with pytest.raises(cr.InvalidParameterError, match="'loss'"):
        CvxClassifier(loss="squared").fit(X, np.sign(y))
    with pytest.raises(cr.DCPError):
        CvxRegressor(penalty="lp", p=0.5).fit(X, y)


def test_predict_proba_exists_only_for_the_logistic_loss():
    # hasattr was True for the hinge loss, so RocCurveDisplay.from_estimator called it and crashed.
    pytest.importorskip("matplotlib")
    from sklearn.metrics import RocCurveDisplay

    X, y = classification_data(n=80, d=4, seed=3)
    hinge = CvxClassifier(loss="hinge").fit(X, y)
    assert not hasattr(hinge, "predict_proba") and not hasattr(hinge, "predict_log_proba")
    assert hasattr(CvxClassifier().fit(X, y), "predict_proba")
    display = RocCurveDisplay.from_estimator(hinge, X, y)  # falls back to decision_function
    assert 0.5 < display.roc_auc <= 1.0


def test_classifier_on_three_classes_is_scikit_learns_multinomial_logistic_regression():
    # Was: iris raised "Only binary classification is supported".
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    ours = CvxClassifier(lam=1.0).fit(X, y)
    theirs = lm.LogisticRegression(C=1.0, solver="newton-cg", tol=1e-12, max_iter=100_000).fit(X, y)
    assert ours.coef_.shape == (3, 4) and ours.intercept_.shape == (3,)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-8)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-9)
    assert np.array_equal(ours.predict(X), theirs.predict(X))
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    sparse = CvxClassifier(penalty="l1", lam=0.5).fit(X, names)
    assert list(sparse.classes_) == ["setosa", "versicolor", "virginica"] and sparse.score(X, names) > 0.9
    assert sparse.result_.certificate.passed(1e-9)


def test_hinge_losses_on_three_classes_are_one_against_the_rest_as_linear_svc():
    # Was: a typed error ("Only binary classification is supported"). Now one class against the
    # rest, as LinearSVC does: with the squared hinge and no intercept (liblinear penalizes it)
    # each class's coefficients are LinearSVC's.
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    C = 0.5
    ours = CvxClassifier(loss="squared_hinge", lam=1 / C, fit_intercept=False).fit(X, y)
    theirs = LinearSVC(C=C, fit_intercept=False, dual=False, tol=1e-12, max_iter=100_000).fit(X, y)
    assert ours.coef_.shape == (3, 4) and ours.intercept_.shape == (3,)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-7)
    assert np.array_equal(ours.predict(X), theirs.predict(X))
    assert all(r.certificate.passed(1e-9) for r in ours.result_)
    hinge = CvxClassifier(loss="hinge", lam=1.0).fit(X, np.array(["a", "b", "c"])[y])
    assert list(hinge.classes_) == ["a", "b", "c"] and hinge.decision_function(X).shape == (150, 3)
    assert hinge.score(X, np.array(["a", "b", "c"])[y]) > 0.85
    assert not hasattr(hinge, "predict_proba")


def test_weighted_l1_multinomial_equals_repeated_rows_to_rounding():
    # scikit-learn's sample-weight equivalence check failed at 1e-6: two certified answers
    # (2.5e-10, 1e-11) 4.5e-6 apart. The polish now finishes by Newton on the gradient's norm.
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    rng = np.random.default_rng(0)
    idx = rng.choice(150, 45, replace=False)
    X, y, s = X[idx], y[idx], rng.integers(0, 3, 45).astype(float)
    est = CvxClassifier(penalty="l1", lam=0.1)
    weighted = est.fit(X, y, sample_weight=s).predict_proba(X)
    repeated = est.fit(np.repeat(X, s.astype(int), axis=0), np.repeat(y, s.astype(int))).predict_proba(X)
    np.testing.assert_allclose(weighted, repeated, rtol=1e-9, atol=1e-12)


def test_penalty_params_by_name_for_group_lasso_and_factors_and_in_a_grid_search():
    # Was: a group lasso or penalty factors needed an object, which GridSearchCV cannot search.
    from sklearn.model_selection import GridSearchCV

    import cvxreg as cr

    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 6))
    y = X @ np.array([1.0, 1.0, 0.0, 0.0, -2.0, 2.0]) + 0.3 * rng.standard_normal(100)
    est = CvxRegressor(penalty="group_lasso", penalty_params={"sizes": [2, 2, 2]}, lam=0.2).fit(X, y)
    ref = cr.Problem(cr.SquaredLoss(scale="mean"), cr.GroupLasso(sizes=[2, 2, 2]), cr.Penalized(0.2),
                     fit_intercept=True).solve(X, y)  # fmt: skip
    np.testing.assert_array_equal(est.coef_, ref.coef)
    free_first = CvxRegressor(penalty_params={"factors": [0, 1, 1, 1, 1, 1]}, lam=0.5).fit(X, y)
    assert free_first.coef_[0] != 0
    grid = {"penalty_params": [{"sizes": [2, 2, 2]}, {"sizes": [3, 3]}]}
    search = GridSearchCV(CvxRegressor(penalty="group_lasso", lam=0.1), grid, cv=3).fit(X, y)
    assert search.best_params_["penalty_params"] in ({"sizes": [2, 2, 2]}, {"sizes": [3, 3]})


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"penalty_params": {"sizes": [2, 2, 2]}}, "keys among"),
     ({"penalty": "elastic_net", "penalty_params": {"l1_ratio": 0.3}}, "estimator's own"),
     ({"penalty": "l1", "penalty_params": "x"}, "a dict"),
     ({"penalty": "L1-object", "penalty_params": {"factors": [1.0] * 6}}, "an object")],
    ids=["unknown key", "the estimator's own parameter", "not a dict", "with an object"],
)  # fmt: skip
def test_penalty_params_are_checked(kwargs, match):
    import cvxreg as cr

    if kwargs.get("penalty") == "L1-object":
        kwargs = {**kwargs, "penalty": cr.L1()}
    X, y = _data()
    with pytest.raises(cr.InvalidParameterError, match=match):
        CvxRegressor(**kwargs).fit(X, y)


def test_cv_regressor_picks_lasso_cv_s_and_elastic_net_cv_s_parameters():
    # Was: cross_validate was a free function only; no LassoCV-like estimator.
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    ours = CvxRegressorCV().fit(X, y)
    theirs = lm.LassoCV(cv=5).fit(X, y)
    assert ours.lam_ == pytest.approx(theirs.alpha_, rel=1e-12)
    tight = lm.Lasso(alpha=theirs.alpha_, tol=1e-14, max_iter=1_000_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, tight.coef_, atol=1e-6 * np.abs(tight.coef_).max())
    assert ours.result_.certificate.passed(1e-9) and ours.cv_.best_lam == ours.lam_
    enet = CvxRegressorCV(l1_ratios=[0.2, 0.5, 0.9]).fit(X, y)
    ref = lm.ElasticNetCV(l1_ratio=[0.2, 0.5, 0.9], cv=5).fit(X, y)
    assert enet.l1_ratio_ == ref.l1_ratio_ and enet.lam_ == pytest.approx(ref.alpha_, rel=1e-12)
    # scikit-learn's name for the folds, with a shuffled splitter handed to both
    from sklearn.model_selection import KFold

    shuffled = KFold(4, shuffle=True, random_state=3)
    picked = CvxRegressorCV(cv=shuffled).fit(X, y)
    assert picked.lam_ == pytest.approx(lm.LassoCV(cv=shuffled).fit(X, y).alpha_, rel=1e-12)
    assert "cv" in picked.get_params() and "folds" not in picked.get_params()



def test_classifier_cv_chooses_the_lam_a_cross_validation_by_hand_chooses():
    # By hand: the same stratified folds and lam grid, each fold fitted by scikit-learn's
    # LogisticRegression (liblinear, L1, C = 1 / (n_train lam), its intercept unpenalized by a
    # large intercept_scaling), scored by log-loss on the held-out rows.
    from sklearn.model_selection import StratifiedKFold

    X, y = classification_data(n=150, d=5, seed=3)
    labels = np.where(y > 0, "spam", "ham")
    ours = CvxClassifierCV(n_lams=12, eps=1e-2).fit(X, labels)
    assert list(ours.classes_) == ["ham", "spam"] and ours.result_.status == "optimal"
    grid = ours.cv_.table["lam"].to_numpy()
    scores = np.zeros(len(grid))
    for train, test in StratifiedKFold(5).split(X, labels):
        for k, lam in enumerate(grid):
            sk = lm.LogisticRegression(l1_ratio=1.0, solver="liblinear", C=1 / (len(train) * lam), tol=1e-12,
                                       intercept_scaling=1e4, max_iter=100_000)  # fmt: skip
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sk.fit(X[train], labels[train])
            p = np.clip(sk.predict_proba(X[test])[:, 1], 1e-300, 1.0)
            truth = labels[test] == "spam"
            scores[k] += -np.mean(np.where(truth, np.log(p), np.log1p(-p))) / 5
    np.testing.assert_allclose(ours.cv_.table["mean"], scores, rtol=1e-4)
    assert ours.lam_ == grid[int(np.argmin(scores))]
    assert np.array_equal(ours.predict(X), np.where(X @ ours.coef_ + ours.intercept_ >= 0, "spam", "ham"))


def test_classifier_cv_on_three_classes_is_a_multinomial_cross_validation_by_hand():
    # Was: "Only binary classification is supported by CvxClassifierCV". Now lam is chosen for
    # the multinomial loss (cross_validate's multinomial branch): the same table of held-out
    # cross-entropies as scikit-learn's multinomial LogisticRegression fold by fold.
    from sklearn.datasets import load_iris
    from sklearn.metrics import log_loss
    from sklearn.model_selection import StratifiedKFold

    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    lams = [30.0, 10.0, 3.0, 1.0, 0.3]
    ours = CvxClassifierCV(penalty="squared_l2", lams=lams, scale="sum").fit(X, y)
    by_hand = []
    for lam in lams:
        losses = []
        for train, test in StratifiedKFold(5).split(X, y):
            sk = lm.LogisticRegression(C=1 / lam, tol=1e-12, max_iter=100_000).fit(X[train], y[train])
            losses.append(log_loss(y[test], sk.predict_proba(X[test]), labels=[0, 1, 2]))
        by_hand.append(np.mean(losses))
    np.testing.assert_allclose(ours.cv_.table["mean"], by_hand, rtol=1e-6)
    assert ours.lam_ == lams[int(np.argmin(by_hand))]
    assert ours.coef_.shape == (3, 4) and ours.predict_proba(X).shape == (150, 3)
    refit = lm.LogisticRegression(C=1 / ours.lam_, solver="newton-cg", tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, refit.coef_, atol=1e-8)
    sparse = cr.cross_validate(cr.Problem(cr.MultinomialLogisticLoss(), cr.L1(), cr.Penalized(1.0), fit_intercept=True),
                               X, y, n_lams=8, folds=StratifiedKFold(3), scoring="accuracy")  # fmt: skip
    assert sparse.table["mean"].between(0.3, 1.0).all() and sparse.result.coef.shape == (4, 3)
    with pytest.raises(cr.InvalidParameterError, match="'scoring'"):
        cr.cross_validate(cr.Problem(cr.MultinomialLogisticLoss(), cr.L1(), cr.Penalized(1.0)), X, y, n_lams=4)


def test_cv_takes_train_test_pairs_as_scikit_learn_does():
    # scikit-learn's cv takes an iterable of (train, test) index pairs too; its weight checks
    # pass such a list. The same pairs given as a list or by their splitter pick the same lam.
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import KFold

    X, y = load_diabetes(return_X_y=True)
    splitter = KFold(3, shuffle=True, random_state=0)
    pairs = list(splitter.split(X, y))
    by_pairs = CvxRegressorCV(cv=pairs, n_lams=20).fit(X, y)
    assert by_pairs.lam_ == CvxRegressorCV(cv=splitter, n_lams=20).fit(X, y).lam_
    assert by_pairs.lam_ == pytest.approx(lm.LassoCV(cv=pairs, alphas=20).fit(X, y).alpha_, rel=1e-12)
    with pytest.raises(cr.InvalidParameterError, match=r"'folds'.*index pairs"):
        CvxRegressorCV(cv=[1, 2, 3]).fit(X, y)
