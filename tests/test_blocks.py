"""Data by row blocks (Dask arrays): answers equal the in-memory solve, certified on the data,
in the stated number of passes; a LocalCluster whose workers hold less than the data."""

from __future__ import annotations

import numpy as np
import pytest

import cvxreg as cr
from cvxreg import blocks

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")


def _data(n=6000, d=8, seed=0, chunk=1000):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * rng.uniform(0.5, 3.0, d) + 3.0  # far from 0: centring matters
    y = X @ rng.standard_normal(d) + rng.standard_normal(n) + 10.0
    s = rng.uniform(0.2, 3.0, n)
    lazy = (da.from_array(X, chunks=(chunk, d)), da.from_array(y, chunks=chunk), da.from_array(s, chunks=chunk))
    return (X, y, s), lazy


CASES = [
    (cr.L1(), cr.Penalized(0.05), None, True),
    (cr.ElasticNet(0.5), cr.Constrained(t=2.0), None, True),
    (cr.GroupLasso([[0, 1], [2, 3, 4], [5, 6, 7]]), cr.Penalized(0.1), (0.0, None), True),
    (cr.SquaredL2(), cr.Penalized(1.0), None, False),
    (cr.Linf(), cr.Penalized(0.5), None, True),
    (cr.L1(), cr.Penalized(0.02), (-0.5, 0.5), False),
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("scale", ["sum", "mean"])
@pytest.mark.parametrize(("penalty", "form", "bounds", "intercept"), CASES, ids=lambda v: repr(v))
def test_solve_by_blocks_equals_the_solve_in_memory(penalty, form, bounds, intercept, scale, weighted):
    (X, y, s), (Xd, yd, sd) = _data()
    prob = cr.Problem(cr.SquaredLoss(scale=scale), penalty, form, fit_intercept=intercept, bounds=bounds)
    got = prob.solve(Xd, yd, sample_weight=sd if weighted else None)
    ref = prob.solve(X, y, sample_weight=s if weighted else None)
    assert got.status == "optimal" and got.certificate.passed(1e-9), (got.certificate, got.message)
    np.testing.assert_allclose(got.coef, ref.coef, atol=1e-8 * max(1.0, np.abs(ref.coef).max()))
    assert got.intercept == pytest.approx(ref.intercept, abs=1e-8 * max(1.0, abs(ref.intercept)))
    assert got.objective == pytest.approx(ref.objective, rel=1e-10)
    if ref.dual is not None and form.param_name == "t":
        assert got.dual == pytest.approx(ref.dual, rel=1e-6)
    if bounds is not None:
        np.testing.assert_allclose(got.lower_dual, ref.lower_dual, atol=1e-6 * max(1.0, np.abs(ref.lower_dual).max()))


def test_pooled_moments_are_the_moments_of_all_the_rows():
    # Chan, Golub & LeVeque's pooling, against the weighted moments of the stacked rows in NumPy.
    rng = np.random.default_rng(3)
    X, y, s = rng.standard_normal((50, 4)) * 1e3 + 1e6, rng.standard_normal(50), rng.uniform(0, 2, 50)
    parts = [blocks.Moments.of(X[a:b], y[a:b], s[a:b]) for a, b in [(0, 7), (7, 30), (30, 31), (31, 50)]]
    whole = blocks.pooled(parts)
    mean = s @ X / s.sum()
    Xc, yc = X - mean, y - s @ y / s.sum()
    np.testing.assert_allclose(whole.x_mean, mean, rtol=1e-15)
    np.testing.assert_allclose(whole.xx, Xc.T @ (s[:, None] * Xc), rtol=1e-10)
    np.testing.assert_allclose(whole.xy, Xc.T @ (s * yc), rtol=1e-10, atol=1e-9)
    assert whole.yy == pytest.approx(s @ yc**2, rel=1e-12) and whole.n == 50
    w, b = rng.standard_normal(4), 0.3
    assert whole.squared_error(w, b) == pytest.approx(s @ (y - X @ w - b) ** 2, rel=1e-9)


def test_path_and_cross_validation_in_two_passes_each():
    (X, y, _), _ = _data(seed=1)
    Xd, yd = da.from_array(X, chunks=(1200, 8)), da.from_array(y, chunks=1200)  # 5 blocks: KFold's folds
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    before = blocks.passes()
    cv = cr.cross_validate(prob, Xd, yd, n_lams=30)
    assert blocks.passes() - before == 2  # the moments, then the refit's certificate
    ref = cr.cross_validate(prob, X, y, n_lams=30)
    assert cv.best_lam == pytest.approx(ref.best_lam, rel=1e-12)
    np.testing.assert_allclose(cv.table["mean"], ref.table["mean"], rtol=1e-9)
    np.testing.assert_allclose(cv.result.coef, ref.result.coef, atol=1e-8)
    assert cv.result.status == "optimal"
    before = blocks.passes()
    found = prob.path(Xd, yd, n_lams=25)
    assert blocks.passes() - before == 1  # moments remembered for these arrays: the certificates' pass
    mem = prob.path(X, y, n_lams=25)
    np.testing.assert_allclose(found.coefs, mem.coefs, atol=1e-8)
    np.testing.assert_allclose(found.intercepts, mem.intercepts, atol=1e-8)
    assert all(str(s) == "optimal" for s in found.statuses)
    assert max(c.worst for c in found.certificates) < 1e-9
    # Constrained paths too.
    ts = [0.5, 1.0, 2.0]
    con = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(t=1.0), fit_intercept=True)
    np.testing.assert_allclose(con.path(Xd, yd, ts=ts).coefs, con.path(X, y, ts=ts).coefs, atol=1e-8)


def test_the_certificate_judges_the_data_not_the_reduction():
    # A wrong answer given for certification fails on the data; the right one passes.
    (X, y, _), (Xd, yd, _) = _data(seed=2)
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(5.0), fit_intercept=True)
    ref = prob.solve(X, y)
    good = blocks.certificate(prob, Xd, yd, ref.coef, ref.intercept)
    assert good.passed(1e-9)
    assert good.kkt_residual == pytest.approx(cr.certificate(prob, X, y, ref).kkt_residual, abs=1e-12)
    bad = blocks.certificate(prob, Xd, yd, ref.coef + 1e-3, ref.intercept)
    assert not bad.passed(1e-5)


def test_errors_name_the_argument():
    (X, y, _), (Xd, yd, sd) = _data(n=200, chunk=50)
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.1))
    with pytest.raises(cr.errors.NotSupportedError, match="least-squares family"):
        blocks.reduce(cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(0.1)), Xd, np.sign(yd), None, "x")
    bad = X.copy()
    bad[17, 2] = np.nan
    with pytest.raises(cr.errors.InvalidParameterError, match=r"'X'.*finite"):
        prob.solve(da.from_array(bad, chunks=(50, 8)), yd)
    with pytest.raises(cr.errors.InvalidParameterError, match=r"'sample_weight'.*nonnegative"):
        prob.solve(Xd, yd, sample_weight=-sd)
    with pytest.raises(cr.errors.InvalidParameterError, match=r"'y'.*200 values"):
        prob.solve(Xd, y[:150])
    with pytest.raises(cr.errors.InvalidParameterError, match=r"'folds'.*X has 4"):
        cr.cross_validate(prob, Xd, yd, folds=5)
    with pytest.raises(cr.errors.NotSupportedError, match="scoring by name"):
        cr.cross_validate(prob, Xd, yd, folds=2, scoring=lambda y, eta, s: 0.0)
    with pytest.raises(cr.errors.InvalidParameterError, match="'max_bytes'"):
        blocks.by_rows(X, max_bytes=-1)


def test_y_in_memory_and_x_chunked_by_columns_are_taken():
    (X, y, _), _ = _data(n=900)
    Xd = da.from_array(X, chunks=(300, 3))  # columns in several chunks: rechunked to whole rows
    prob = cr.Problem(cr.SquaredLoss(), cr.ElasticNet(0.5), cr.Penalized(0.3), fit_intercept=True)
    np.testing.assert_allclose(prob.solve(Xd, y).coef, prob.solve(X, y).coef, atol=1e-9)


def test_estimators_fit_and_predict_by_blocks():
    from cvxreg.sklearn import CvxRegressor, CvxRegressorCV

    (X, y, s), (Xd, yd, sd) = _data(n=3000, chunk=600, seed=4)
    est = CvxRegressor(penalty="l1", lam=0.01).fit(Xd, yd, sample_weight=sd)
    ref = CvxRegressor(penalty="l1", lam=0.01).fit(X, y, sample_weight=s)
    np.testing.assert_allclose(est.coef_, ref.coef_, atol=1e-8)
    pred = est.predict(Xd)
    assert blocks.is_blocked(pred)  # lazy, block by block
    np.testing.assert_allclose(pred.compute(), ref.predict(X), rtol=1e-9)
    cv = CvxRegressorCV(penalty="l1", n_lams=20).fit(Xd, yd)
    assert cv.lam_ == pytest.approx(CvxRegressorCV(penalty="l1", n_lams=20).fit(X, y).lam_, rel=1e-10)
    with pytest.raises(cr.errors.InvalidParameterError, match="8 features"):
        est.predict(Xd[:, :5])


def test_an_array_on_disk_is_read_by_blocks_of_bounded_size(tmp_path):
    (X, y, _), _ = _data(n=5000, seed=5)
    mm = np.lib.format.open_memmap(tmp_path / "X.npy", mode="w+", dtype=float, shape=X.shape)
    mm[:] = X
    mm.flush()
    Xd = blocks.by_rows(np.load(tmp_path / "X.npy", mmap_mode="r"), max_bytes=16_000)
    assert max(Xd.chunks[0]) * 8 * 8 <= 16_000 and len(Xd.chunks[0]) == 20  # 250 rows of 64 bytes each
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    np.testing.assert_allclose(prob.solve(Xd, y).coef, prob.solve(X, y).coef, atol=1e-8)


def _rss_mb() -> float:
    """This process's peak resident memory since it started (VmHWM; ``ru_maxrss`` would carry
    over the peak of the process that forked it, here the test runner's)."""
    from pathlib import Path

    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def test_a_local_cluster_whose_workers_hold_less_than_the_data():
    distributed = pytest.importorskip("distributed")
    n, d, chunk = 4_000_000, 16, 32_000  # 512 MB of X, made on the workers, never whole on one
    limit = 500e6  # a worker's baseline is about 230 MB of it (Python, NumPy, Dask)
    assert n * d * 8 > limit
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, memory_limit=int(limit), processes=True,
                                 dashboard_address=None, host="127.0.0.1") as cluster,
        distributed.Client(cluster) as client,
    ):  # fmt: skip
        rs = da.random.RandomState(0)
        X = rs.standard_normal((n, d), chunks=(chunk, d)) + 1.0
        y = X @ np.r_[np.linspace(1.0, -1.0, 8), np.zeros(8)] + rs.standard_normal(n, chunks=chunk)
        prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(0.01), fit_intercept=True)
        before = blocks.passes()
        cv = cr.cross_validate(prob, X, y, n_lams=10)
        assert blocks.passes() - before == 2
        peaks = client.run(_rss_mb)
        assert len(peaks) == 2 and max(peaks.values()) < limit / 1e6, peaks  # none restarted, none at its limit
        Xm, ym = dask.compute(X, y, scheduler="sync")  # the same data, in this process
    # The refit against the solve in memory (the folds' scores are checked against the in-memory
    # cross-validation in test_path_and_cross_validation_in_two_passes_each).
    ref = prob.with_form(cr.Penalized(cv.best_lam)).solve(Xm, ym)
    assert cv.result.status == "optimal" and cv.result.certificate.passed(1e-9)
    np.testing.assert_allclose(cv.result.coef, ref.coef, atol=1e-8)
    assert cv.result.intercept == pytest.approx(ref.intercept, abs=1e-8)


def _classes(n=12000, d=6, seed=7, chunk=2000):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    eta = X @ rng.standard_normal(d) * 0.7 + 0.2
    labels = np.where(rng.random(n) < 1 / (1 + np.exp(-eta)), 1.0, -1.0)
    counts = rng.poisson(np.exp(0.3 * eta)).astype(float)
    heavy = X @ rng.standard_normal(d) + rng.standard_t(2, n)
    return X, {"labels": labels, "counts": counts, "heavy": heavy}, chunk


SMOOTH = [
    (cr.LogisticLoss(scale="mean"), "labels", cr.L1(), cr.Penalized(0.01), None),
    (cr.PoissonLoss(), "counts", cr.SquaredL2(), cr.Penalized(1.0), None),
    (cr.HuberLoss(1.0), "heavy", cr.ElasticNet(0.5), cr.Penalized(0.01), (0.0, None)),
    (cr.SquaredHingeLoss(), "labels", cr.L1(), cr.Constrained(t=1.0), None),
    (cr.LogisticLoss(), "labels", cr.GroupLasso([[0, 1], [2, 3], [4, 5]]), cr.Penalized(2.0), None),
    # one lam per term (was a TypeError from the line search's float(lam))
    (cr.LogisticLoss(scale="mean"), "labels", cr.Composite(cr.L1(), cr.SquaredL2()), cr.Penalized([0.01, 0.02]),
     None),
    (cr.PoissonLoss(), "counts", cr.Composite(cr.L1(), cr.SquaredL2()), cr.Constrained([1.0, 2.0]), None),
]  # fmt: skip


@pytest.mark.parametrize(("loss", "target", "penalty", "form", "bounds"), SMOOTH, ids=lambda v: repr(v))
def test_smooth_losses_by_proximal_newton_equal_the_solve_in_memory(loss, target, penalty, form, bounds):
    X, ys, chunk = _classes()
    y = ys[target]
    s = np.random.default_rng(8).uniform(0.5, 2.0, len(y))
    prob = cr.Problem(loss, penalty, form, fit_intercept=True, bounds=bounds)
    before = blocks.passes()
    got = prob.solve(da.from_array(X, chunks=(chunk, 6)), da.from_array(y, chunks=chunk),
                     sample_weight=da.from_array(s, chunks=chunk))  # fmt: skip
    passes = blocks.passes() - before
    ref = prob.solve(X, y, sample_weight=s)
    assert got.status == "optimal" and got.certificate.passed(1e-9), (got.certificate, got.message)
    np.testing.assert_allclose(got.coef, ref.coef, atol=1e-8 * max(1.0, np.abs(ref.coef).max()))
    assert got.intercept == pytest.approx(ref.intercept, abs=1e-8)
    assert got.objective == pytest.approx(ref.objective, rel=1e-10)
    if form.param_name == "t":
        assert got.dual == pytest.approx(ref.dual, rel=1e-7)
    assert passes <= 12 and f"{passes} pass(es)" in got.message  # about one pass per Newton iteration


def test_smooth_losses_by_blocks_refuse_what_they_cannot_take():
    X, ys, chunk = _classes(n=2000)
    Xd = da.from_array(X, chunks=(chunk // 4, 6))
    logistic = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(0.1))
    with pytest.raises(cr.errors.InvalidParameterError, match="'y'"):
        logistic.solve(Xd, (ys["labels"] > 0).astype(float))  # 0/1 labels: by blocks they must be -1/+1
    with pytest.raises(cr.errors.NotSupportedError, match="second derivative"):
        cr.Problem(cr.HingeLoss(), cr.L1(), cr.Penalized(0.1)).path(Xd, ys["labels"], n_lams=3)
    with pytest.raises(cr.errors.NotSupportedError, match="second derivative"):
        cr.Problem(cr.HingeLoss(), cr.L1(), cr.Penalized(0.1)).solve(Xd, ys["labels"])


def test_smooth_loss_on_a_local_cluster():
    distributed = pytest.importorskip("distributed")
    X, ys, chunk = _classes(n=6000)
    prob = cr.Problem(cr.LogisticLoss(scale="mean"), cr.L1(), cr.Penalized(0.01), fit_intercept=True)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                 host="127.0.0.1") as cluster,
        distributed.Client(cluster),
    ):  # fmt: skip
        got = prob.solve(da.from_array(X, chunks=(chunk, 6)), da.from_array(ys["labels"], chunks=chunk))
    ref = prob.solve(X, ys["labels"])
    assert got.status == "optimal"
    np.testing.assert_allclose(got.coef, ref.coef, atol=1e-8)


def test_estimators_with_smooth_losses_fit_and_predict_by_blocks():
    from cvxreg.sklearn import CvxClassifier, CvxRegressor

    X, ys, chunk = _classes(n=4000)
    Xd = da.from_array(X, chunks=(chunk // 2, 6))
    est = CvxRegressor(loss="huber", penalty="l2", lam=0.1).fit(Xd, ys["heavy"])
    ref = CvxRegressor(loss="huber", penalty="l2", lam=0.1).fit(X, ys["heavy"])
    np.testing.assert_allclose(est.coef_, ref.coef_, atol=1e-8)
    names = np.where(ys["labels"] > 0, "yes", "no")
    clf = CvxClassifier(penalty="l1", lam=0.01).fit(Xd, da.from_array(names, chunks=chunk // 2))
    mem = CvxClassifier(penalty="l1", lam=0.01).fit(X, names)
    assert list(clf.classes_) == ["no", "yes"]
    np.testing.assert_allclose(clf.coef_, mem.coef_, atol=1e-8)
    assert clf.intercept_ == pytest.approx(mem.intercept_, abs=1e-8)
    assert np.array_equal(clf.predict(Xd).compute(), mem.predict(X))
    np.testing.assert_allclose(clf.predict_proba(Xd).compute(), mem.predict_proba(X), rtol=1e-8)
    with pytest.raises(cr.errors.NotSupportedError, match="two classes"):
        CvxClassifier().fit(Xd, np.arange(len(X)) % 3)


def test_a_path_of_a_smooth_loss_by_blocks_equals_the_path_in_memory():
    X, ys, chunk = _classes(n=8000, seed=9)
    prob = cr.Problem(cr.LogisticLoss(scale="mean"), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    Xd, yd = da.from_array(X, chunks=(chunk, 6)), da.from_array(ys["labels"], chunks=chunk)
    got = prob.path(Xd, yd, n_lams=8, eps=1e-2)
    ref = prob.path(X, ys["labels"], n_lams=8, eps=1e-2)
    np.testing.assert_allclose(got.lams, ref.lams, rtol=1e-10)  # lam_max from the intercept-only fit
    np.testing.assert_allclose(got.coefs, ref.coefs, atol=1e-8)
    np.testing.assert_allclose(got.intercepts, ref.intercepts, atol=1e-8)
    assert np.all(got.coefs[0] == 0) and all(str(s) == "optimal" for s in got.statuses)


@pytest.mark.parametrize(
    ("loss", "target", "scoring"),
    [(cr.LogisticLoss(scale="mean"), "labels", "log_loss"), (cr.LogisticLoss(scale="mean"), "labels", "accuracy"),
     (cr.PoissonLoss(), "counts", "poisson_deviance"), (cr.SquaredLoss(scale="mean"), "heavy", "mae")],
)  # fmt: skip
def test_cross_validation_of_any_loss_and_scoring_by_blocks_equals_it_in_memory(loss, target, scoring):
    X, ys, _ = _classes(n=5000, seed=10)
    y = ys[target]
    prob = cr.Problem(loss, cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    got = cr.cross_validate(prob, da.from_array(X, chunks=(1000, 6)), da.from_array(y, chunks=1000), n_lams=6,
                            eps=1e-2, scoring=scoring)  # fmt: skip  (5 blocks: KFold's folds)
    ref = cr.cross_validate(prob, X, y, n_lams=6, eps=1e-2, scoring=scoring)
    np.testing.assert_allclose(got.table["lam"], ref.table["lam"], rtol=1e-10)
    np.testing.assert_allclose(got.table["mean"], ref.table["mean"], rtol=1e-8, atol=1e-12)
    assert got.best_lam == pytest.approx(ref.best_lam, rel=1e-10) and got.result.status == "optimal"
    np.testing.assert_allclose(got.result.coef, ref.result.coef, atol=1e-8)


def test_classifier_cv_by_blocks_equals_the_cross_validation_in_memory():
    from cvxreg.sklearn import CvxClassifierCV

    X, ys, _ = _classes(n=5000, seed=11)
    names = np.where(ys["labels"] > 0, "b", "a")
    est = CvxClassifierCV(n_lams=6, eps=1e-2).fit(da.from_array(X, chunks=(1000, 6)), da.from_array(names, chunks=1000))
    prob = cr.Problem(cr.LogisticLoss(scale="mean"), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    ref = cr.cross_validate(prob, X, ys["labels"], n_lams=6, eps=1e-2, scoring="log_loss")  # the same 5 folds
    assert list(est.classes_) == ["a", "b"] and est.lam_ == pytest.approx(ref.best_lam, rel=1e-10)
    np.testing.assert_allclose(est.coef_, ref.result.coef, atol=1e-8)


def test_by_blocks_against_scikit_learn_directly():
    # Independent numbers: scikit-learn's Lasso (alpha = lam, weights) and multinomial-free
    # LogisticRegression (C = 1 / lam with the sum-scale loss and ridge lam/2 ||w||^2).
    lm = pytest.importorskip("sklearn.linear_model")
    (X, y, s), (Xd, yd, sd) = _data(seed=12)
    lasso = lm.Lasso(alpha=0.05, tol=1e-14, max_iter=100_000).fit(X, y, sample_weight=s / s.mean())
    ours = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(0.05), fit_intercept=True).solve(
        Xd, yd, sample_weight=sd
    )
    np.testing.assert_allclose(ours.coef, lasso.coef_, atol=1e-8)
    assert ours.intercept == pytest.approx(lasso.intercept_, abs=1e-8)
    Xc, ys, chunk = _classes(seed=13)
    logit = lm.LogisticRegression(C=0.5, tol=1e-12, max_iter=100_000, solver="newton-cg").fit(Xc, ys["labels"])
    ours = cr.Problem(cr.LogisticLoss(), cr.SquaredL2(), cr.Penalized(2.0), fit_intercept=True).solve(
        da.from_array(Xc, chunks=(chunk, 6)), da.from_array(ys["labels"], chunks=chunk)
    )
    np.testing.assert_allclose(ours.coef, logit.coef_.ravel(), atol=1e-7)
    assert ours.intercept == pytest.approx(logit.intercept_[0], abs=1e-7)


def test_options_of_a_smooth_solve_by_blocks(tmp_path):
    X, ys, chunk = _classes(n=3000)
    Xd, yd = da.from_array(X, chunks=(chunk // 2, 6)), da.from_array(ys["labels"], chunks=chunk // 2)
    prob = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(2.0), fit_intercept=True)
    ref = prob.solve(X, ys["labels"])
    np.testing.assert_allclose(prob.solve(Xd, yd, solver="ECOS").coef, ref.coef, atol=1e-8)  # each model's solver
    assert prob.solve(Xd, yd, check=True).status == "optimal"
    with pytest.raises(cr.errors.NotSupportedError, match="raw=True"):
        prob.solve(Xd, yd, raw=True)
    with pytest.raises(cr.errors.InvalidParameterError, match="'path' parameter of from_npy"):
        blocks.from_npy(tmp_path / "missing.npy")


def test_the_intercept_only_fit_is_exact_to_rounding():
    """Brent on the loss's values finds b to about sqrt(eps); lambda_max and the path's grid need
    it to rounding, or a path by blocks and one in memory start from different lams."""
    rng = np.random.default_rng(0)
    labels = np.where(rng.random(500) < 0.3, 1.0, -1.0)
    s = rng.uniform(0.5, 2.0, 500)
    p = s @ (labels > 0) / s.sum()
    assert cr.LogisticLoss().intercept_only(labels, s) == pytest.approx(np.log(p / (1 - p)), rel=1e-14)
    counts = rng.poisson(3.0, 500).astype(float)
    assert cr.PoissonLoss().intercept_only(counts, s) == pytest.approx(np.log(s @ counts / s.sum()), rel=1e-14)
