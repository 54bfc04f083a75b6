"""One solve, exact: the reduced model is the same objective, polished answers equal
scikit-learn's to 1e-6 with the same exact zeros, and polishing never makes an answer worse."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import cvxreg as cr
from tests.conftest import FORMS, LOSSES, PENALTIES, data_for, intercept_for, regression_data

lm = pytest.importorskip("sklearn.linear_model")


# ----------------------------------------------------------------------------- the reduced model
@pytest.mark.parametrize("case", ["plain", "weights", "intercept", "sparse", "ill-conditioned"])
def test_reduced_model_has_the_same_objective_at_every_point(case):
    rng = np.random.default_rng(4)
    X, y = regression_data(n=60, d=5, seed=4)
    s = rng.uniform(0.5, 2.0, 60) if case == "weights" else None
    if case == "sparse":
        X = sp.csr_matrix(np.where(np.abs(X) > 0.8, X, 0.0))
    if case == "ill-conditioned":  # two nearly equal columns: the Gram's condition number ~1e16
        X[:, 1] = X[:, 0] + 1e-8 * rng.standard_normal(60)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(0.2), fit_intercept=case == "intercept")
    reduced = prob.to_cvxpy(X, y, sample_weight=s)
    plain = prob.to_cvxpy(X, y, sample_weight=s, reduce=False)
    assert reduced.size_metrics.num_scalar_data < plain.size_metrics.num_scalar_data
    for _ in range(3):
        point = {v.name(): rng.standard_normal(v.shape) for v in plain.variables()}
        for problem in (reduced, plain):
            for v in problem.variables():
                v.value = point[v.name()]
        w, b = point["w"], point.get("b", 0.0)
        truth = prob.objective_value(X, y, w, b, sample_weight=s)
        assert reduced.objective.value == pytest.approx(truth, rel=1e-10)
        assert plain.objective.value == pytest.approx(truth, rel=1e-10)


def test_solve_says_which_model_it_used():
    X, y = regression_data(n=60, d=5)
    lasso = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    assert lasso.solve(X, y).model == "engine"  # cvxreg.engine, then polished
    assert lasso.solve(X, y, solver="CLARABEL").model == "working set"  # a named solver on working sets
    assert lasso.solve(X, y, raw=True).model == "reduced"
    assert lasso.solve(X, y, raw=True, reduce=False).model == "plain"
    assert lasso.solve(X[:4], y[:4], raw=True).model == "plain"  # wide: nothing to reduce
    ridge = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(1.0))
    assert ridge.solve(X, y, solver="CLARABEL").model == "reduced"
    lad = cr.Problem(cr.AbsoluteLoss(), cr.L1(), cr.Penalized(1.0))
    assert lad.solve(X, y).model == "engine"  # one LP for HiGHS (cvxreg.engine)
    assert lad.solve(X, y, solver="CLARABEL").model == "plain"


# ------------------------------------------------------------------------------ working sets
@pytest.mark.parametrize(
    "penalty",
    [cr.L1(), cr.ElasticNet(0.6), cr.L1(factors=np.r_[0.0, 0.0, np.ones(298)]), cr.GroupLasso(np.arange(300) // 3)],
    ids=repr,
)
def test_working_set_answers_wide_problems_exactly(penalty):
    X, y = _lasso_data(60, 300, 7)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), penalty, cr.Penalized(1.0), fit_intercept=True)
    prob = prob.with_form(cr.Penalized(0.2 * prob.lambda_max(X, y)))
    res = prob.solve(X, y)
    assert res.model in ("engine", "working set") and res.polished  # GroupLasso: working sets
    assert res.certificate.passed(1e-9)
    full = cr.most_accurate_solve(prob, X, y)  # the full model, tight
    assert np.max(np.abs(res.coef - full.coef)) < 1e-6 and abs(res.intercept - full.intercept) < 1e-6
    assert res.objective <= full.objective + 1e-12 * abs(full.objective)
    if penalty.factors is not None:
        assert res.coef[0] != 0 and res.coef[1] != 0  # unpenalized coefficients are always worked on


def test_wide_lasso_equals_scikit_learn():
    X, y = _lasso_data(200, 2000, 8)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0))
    alpha = 0.1 * prob.lambda_max(X, y)
    res = prob.with_form(cr.Penalized(alpha)).solve(X, y)
    sk = lm.Lasso(alpha=alpha, fit_intercept=False, tol=1e-14, max_iter=1_000_000).fit(X, y)
    assert np.max(np.abs(res.coef - sk.coef_)) < 1e-6
    assert np.array_equal(res.support, np.flatnonzero(sk.coef_))


@pytest.mark.parametrize("shape", [(300, 20), (40, 200)], ids=["tall", "wide"])
def test_sparse_X_gives_the_dense_answer(shape):
    X, y = _lasso_data(*shape, 12)
    X[np.abs(X) < 0.7] = 0.0
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.ElasticNet(0.8), cr.Penalized(0.05), fit_intercept=True)
    dense, sparse = prob.solve(X, y), prob.solve(sp.csr_matrix(X), y)
    assert sparse.certificate.passed(1e-9)
    assert np.max(np.abs(dense.coef - sparse.coef)) < 1e-9 and np.array_equal(dense.support, sparse.support)


def test_a_model_reused_across_calls_follows_lam_and_data_changed_in_place():
    X, y = _lasso_data(80, 10, 9)
    prob = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(2.0))
    first = prob.solve(X, y)
    again = prob.with_form(cr.Penalized(7.0)).solve(X, y)  # same model, another lam
    assert np.allclose(again.coef, cr.closed_forms.ridge(X, y, 7.0), atol=1e-9)
    assert np.allclose(first.coef, cr.closed_forms.ridge(X, y, 2.0), atol=1e-9)
    X[:, 0] *= 3.0  # in place: same object, different data
    changed = prob.solve(X, y)
    assert np.allclose(changed.coef, cr.closed_forms.ridge(X, y, 2.0), atol=1e-9)


# -------------------------------------------------------------------------- exact, as sklearn
def _lasso_data(n: int, d: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w = np.zeros(d)
    w[: max(2, d // 8)] = rng.uniform(1, 3, max(2, d // 8)) * rng.choice([-1, 1], max(2, d // 8))
    return X, X @ w + 0.5 * rng.standard_normal(n)


@pytest.mark.parametrize(("n", "d", "seed"), [(200, 50, 0), (100, 20, 1), (60, 40, 2)])
@pytest.mark.parametrize("ratio", [0.5, 0.1])
def test_default_lasso_equals_scikit_learn_with_the_same_exact_zeros(n, d, seed, ratio):
    X, y = _lasso_data(n, d, seed)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0))
    alpha = ratio * prob.lambda_max(X, y)
    res = prob.with_form(cr.Penalized(alpha)).solve(X, y)
    sk = lm.Lasso(alpha=alpha, fit_intercept=False, tol=1e-14, max_iter=1_000_000).fit(X, y)
    assert res.polished
    assert np.max(np.abs(res.coef - sk.coef_)) < 1e-6
    assert np.array_equal(res.support, np.flatnonzero(sk.coef_))


def test_elastic_net_with_intercept_and_weights_equals_scikit_learn():
    X, y = _lasso_data(150, 30, 3)
    s = np.random.default_rng(3).uniform(0.5, 2.0, 150)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.ElasticNet(0.7), cr.Penalized(0.05), fit_intercept=True)
    res = prob.solve(X, y + 3.0, sample_weight=s)
    sk = lm.ElasticNet(alpha=0.05, l1_ratio=0.7, tol=1e-14, max_iter=1_000_000).fit(X, y + 3.0, sample_weight=s)
    assert np.max(np.abs(res.coef - sk.coef_)) < 1e-6 and abs(res.intercept - sk.intercept_) < 1e-6
    assert np.array_equal(res.support, np.flatnonzero(sk.coef_))


def _diabetes_lars():
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.load_diabetes(return_X_y=True)
    # scikit-learn's LARS tests repeat the rows: an ill-conditioned design.
    X, y = np.vstack([X, X, X]), np.concatenate([y, y, y])
    alphas, _, coefs = lm.lars_path(X, y, method="lasso")
    return X, y, alphas, coefs


def test_lasso_on_the_diabetes_lars_path_is_exact_between_breakpoints():
    X, y, alphas, coefs = _diabetes_lars()
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0))
    for k in range(0, len(alphas) - 1, 2):
        alpha = 0.5 * (alphas[k] + alphas[k + 1])  # the path is linear between breakpoints
        exact = 0.5 * (coefs[:, k] + coefs[:, k + 1])
        res = prob.with_form(cr.Penalized(alpha)).solve(X, y)
        scale = max(1.0, float(np.max(np.abs(exact))))
        assert np.max(np.abs(res.coef - exact)) / scale < 1e-6, k
        assert np.array_equal(res.support, np.flatnonzero(exact)), k


def test_logistic_and_poisson_reach_scikit_learn_newton_to_1e6_relative():
    X, y = regression_data(n=300, d=6, seed=9)
    labels = np.where(y > 0, 1.0, -1.0)
    res = cr.Problem(cr.LogisticLoss(), cr.SquaredL2(), cr.Penalized(0.5), fit_intercept=True).solve(X, labels)
    sk = lm.LogisticRegression(C=2.0, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(X, labels)
    coef = np.r_[res.coef, res.intercept]
    truth = np.r_[sk.coef_.ravel(), sk.intercept_]
    assert np.max(np.abs(coef - truth)) / np.max(np.abs(truth)) < 1e-6
    counts = np.random.default_rng(9).poisson(np.exp(0.3 * X[:, 0] - 0.2 * X[:, 1] + 0.5)).astype(float)
    res = cr.Problem(cr.PoissonLoss(scale="mean"), cr.SquaredL2(), cr.Penalized(0.01), fit_intercept=True).solve(
        X, counts
    )
    sk = lm.PoissonRegressor(alpha=0.01, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(X, counts)
    coef, truth = np.r_[res.coef, res.intercept], np.r_[sk.coef_, sk.intercept_]
    assert np.max(np.abs(coef - truth)) / np.max(np.abs(truth)) < 1e-6


def test_l1_logistic_is_polished_to_a_certified_exact_answer():
    X, y = regression_data(n=300, d=10, seed=11)
    labels = np.where(y > 0, 1.0, -1.0)
    prob = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(8.0), fit_intercept=True)
    res = prob.solve(X, labels)
    assert res.polished and res.certificate.passed(1e-12)
    assert 0 < len(res.support) < 10  # exact zeros, read off the answer
    sk = lm.LogisticRegression(C=1 / 8.0, l1_ratio=1.0, solver="liblinear", tol=1e-12, max_iter=10_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk.fit(X, labels)
    # liblinear penalizes its intercept, so compare the support, which is robust to that.
    assert set(res.support) == set(np.flatnonzero(np.abs(sk.coef_.ravel()) > 1e-8))


# ------------------------------------------------------------------------- never worse, raw
@pytest.mark.parametrize("form", FORMS, ids=repr)
@pytest.mark.parametrize("penalty", PENALTIES, ids=repr)
@pytest.mark.parametrize("loss", LOSSES, ids=repr)
def test_polishing_never_makes_an_answer_worse(loss, penalty, form):
    X, y = data_for(loss)
    prob = cr.Problem(loss, penalty, form, fit_intercept=intercept_for(loss))
    raw = prob.solve(X, y, raw=True)
    res = prob.solve(X, y)
    assert not raw.polished
    # No worse, up to rounding (both at 1e-16 differ by noise alone).
    assert res.certificate.worst <= max(raw.certificate.worst, 1e-14) or np.isnan(raw.certificate.worst)
    if res.polished and raw.certificate.primal_infeasibility == 0:  # an infeasible raw answer may be lower
        assert res.objective <= raw.objective + 1e-9 * max(1.0, abs(raw.objective))


def test_objective_is_the_objective_at_the_returned_coefficients():
    # scikit-learn's weighted-median case: quantile 0.5, mean scale, weights 1 or 100. The
    # epigraph model keeps slack when weights are tiny relative to each other.
    rng = np.random.default_rng(42)
    X = rng.standard_normal((50, 2))
    y = X @ np.array([1.0, -1.0]) + rng.standard_normal(50)
    s = np.where(np.arange(50) % 7 == 0, 100.0, 1.0)
    prob = cr.Problem(cr.QuantileLoss(0.5, scale="mean"), cr.L1(), cr.Penalized(0.01), fit_intercept=True)
    res = prob.solve(X, y, sample_weight=s)
    assert res.objective == prob.objective_value(X, y, res.coef, res.intercept, sample_weight=s)


def test_two_custom_penalties_with_one_name_never_share_a_model():
    import cvxpy as cp

    X, y = regression_data(n=30, d=4, seed=13)
    first = cr.Problem(cr.SquaredLoss(), cr.CustomPenalty(lambda w: cp.norm1(w)), cr.Penalized(3.0))
    second = cr.Problem(cr.SquaredLoss(), cr.CustomPenalty(lambda w: 10 * cp.sum_squares(w)), cr.Penalized(3.0))
    assert repr(first.penalty) == repr(second.penalty)  # both "<lambda>" ...
    assert first.penalty.cache_key() != second.penalty.cache_key()  # ... yet never one model
    a, b = first.solve(X, y), second.solve(X, y)
    ridge = cr.closed_forms.ridge(X, y, 60.0)  # 3 * 10 * ||w||^2 = 60/2 ||w||^2
    assert np.allclose(b.coef, ridge, atol=1e-6) and not np.allclose(a.coef, b.coef, atol=1e-3)


def test_a_reused_model_notices_two_entries_swapped_in_place():
    X, y = _lasso_data(80, 10, 14)
    prob = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(2.0))
    prob.solve(X, y)
    X[[3, 7], 2] = X[[7, 3], 2]  # same sum, same entries: different data
    assert np.allclose(prob.solve(X, y).coef, cr.closed_forms.ridge(X, y, 2.0), atol=1e-9)


# ----------------------------------------------------------------------- the constrained form
def test_default_constrained_answers_are_exact_with_their_multipliers():
    # The solver's constrained answer is polished through its penalized twin: the multiplier
    # is the root of R(w(lam)) = t. Checked against the secular equation (ridge / L2 ball,
    # an SVD and a root find) and the L1-ball projection for an orthonormal design (a sort).
    from cvxreg import closed_forms as cf

    X, y = regression_data(n=60, d=8, seed=21)
    for penalty, t, exact in (
        (cr.SquaredL2(), 0.5, cf.ridge_constrained(X, y, 0.5)),
        (cr.L2(), 1.0, cf.norm2_constrained(X, y, 1.0)),
    ):
        res = cr.Problem(cr.SquaredLoss(), penalty, cr.Constrained(t)).solve(X, y)
        assert res.polished and res.certificate.passed(1e-12)
        assert np.allclose(res.coef, exact[0], atol=1e-10) and res.dual == pytest.approx(exact[1], rel=1e-10)
    Q, _ = np.linalg.qr(np.random.default_rng(4).standard_normal((40, 6)))
    z = np.array([3.0, -2.0, 1.0, 0.5, -0.2, 0.1])
    yq = Q @ z
    res = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(2.0)).solve(Q, yq)
    w, theta = cf.l1_ball_orthonormal(z, 2.0)
    assert np.allclose(res.coef, w, atol=1e-12) and res.dual == pytest.approx(theta, rel=1e-10)
    assert np.array_equal(np.flatnonzero(res.coef), np.flatnonzero(w))  # exact zeros
    inactive = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(100.0)).solve(Q, yq)
    assert inactive.dual == 0.0 and np.allclose(inactive.coef, z, atol=1e-12)


def _tv_by_its_dual(X, y, lam):
    """Independent: min 1/2||y - Xw||^2 + lam ||Dw||_1 through its dual, a box-constrained QP in
    u (|u| <= lam), by SciPy's L-BFGS-B; w = (X'X)^-1 (X'y - D'u)."""
    from scipy.optimize import minimize

    d = X.shape[1]
    D = np.diff(np.eye(d), axis=0)
    G, c = np.linalg.inv(X.T @ X), X.T @ y

    def f(u):
        v = c - D.T @ u
        return 0.5 * v @ G @ v, -D @ (G @ v)

    opts = {"ftol": 1e-16, "gtol": 1e-13, "maxiter": 100_000, "maxcor": 50}
    res = minimize(f, np.zeros(d - 1), jac=True, method="L-BFGS-B", bounds=[(-lam, lam)] * (d - 1), options=opts)
    return G @ (c - D.T @ res.x)


def test_total_variation_is_polished_through_its_kinks():
    X, y = regression_data(n=60, d=12, seed=3)
    prob = cr.Problem(cr.SquaredLoss(), cr.TotalVariation(), cr.Penalized(lam=4.0))
    res = prob.solve(X, y)  # default tolerances
    assert res.polished
    assert np.max(np.abs(res.coef - _tv_by_its_dual(X, y, 4.0))) < 1e-7
    gaps = np.abs(np.diff(res.coef))
    assert np.any(gaps < 1e-13) and not np.any((gaps > 1e-13) & (gaps < 1e-6))  # ties to machine precision


def test_a_degenerate_fused_pair_is_exact_at_default_tolerances():
    # X = I, y = (3, 2, -1), lam = (1/2, 1): the answer (1.5, 1.5, 0) has a TV subgradient at the
    # end of its interval (s12 = 1), where interior-point solvers stall 1e-4 away.
    X, y = np.eye(3), np.array([3.0, 2.0, -1.0])
    fused = cr.Composite(cr.L1(), cr.TotalVariation())
    res = cr.Problem(cr.SquaredLoss(), fused, cr.Penalized(lam=[0.5, 1.0])).solve(X, y)
    assert np.max(np.abs(res.coef - [1.5, 1.5, 0.0])) < 1e-12


def test_constrained_total_variation_is_exact():
    X, y = regression_data(n=60, d=10, seed=5)
    con = cr.Problem(cr.SquaredLoss(), cr.TotalVariation(), cr.Constrained(t=2.0)).solve(X, y)
    assert con.polished and cr.TotalVariation().value(con.coef) == pytest.approx(2.0, abs=1e-12)
    assert np.max(np.abs(con.coef - _tv_by_its_dual(X, y, con.dual))) < 1e-7


def test_kink_polish_moves_rows_out_of_the_kinks_from_a_far_start():
    # From w = 0 every row of D starts at a kink; the active-set iteration must let rows leave
    # (to the side their multiplier pushes) and reach the minimizer SciPy's dual solve gives.
    import dataclasses

    from cvxreg.polish import _polish_generalized_lasso

    X, y = regression_data(n=60, d=10, seed=8)
    prob = cr.Problem(cr.SquaredLoss(), cr.TotalVariation(), cr.Penalized(lam=2.0))
    data = prob.check_data(X, y)
    start = dataclasses.replace(prob.solve(X, y, raw=True), coef=np.zeros(10))
    found = _polish_generalized_lasso(prob, data, start)
    assert found is not None and np.max(np.abs(found.coef - _tv_by_its_dual(X, y, 2.0))) < 1e-7


@pytest.mark.parametrize("penalty", [cr.Lp(3), cr.Lp(1.5), cr.Linf()], ids=repr)
def test_penalties_without_a_zero_pattern_are_polished_by_proximal_gradient(penalty):
    # On an orthonormal design the answer is the penalty's prox of X'y (cvxreg.reference).
    rng = np.random.default_rng(11)
    Q, _ = np.linalg.qr(rng.standard_normal((40, 5)))
    y = Q @ np.array([2.0, -1.0, 0.5, 0.0, 0.2]) + 0.1 * rng.standard_normal(40)
    prob = cr.Problem(cr.SquaredLoss(), penalty, cr.Penalized(lam=0.7))
    res, raw = prob.solve(Q, y), prob.solve(Q, y, raw=True)
    ref = prob.reference(Q, y)
    assert res.polished and res.status == "optimal"
    assert res.certificate.worst <= raw.certificate.worst
    np.testing.assert_allclose(res.coef, ref.coef, atol=1e-8)


def test_linf_logistic_is_certified_after_the_proximal_gradient_polish():
    rng = np.random.default_rng(12)
    X = rng.standard_normal((60, 5))
    labels = np.sign(X @ np.array([1.0, -2.0, 0.0, 0.0, 0.5]) + rng.standard_normal(60))
    prob = cr.Problem(cr.LogisticLoss(), cr.Linf(), cr.Penalized(lam=3.0))
    res = prob.solve(X, labels)
    tight = prob.solve(X, labels, solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
    assert res.status == "optimal" and res.certificate.passed(1e-7)
    assert res.objective <= tight.objective + 1e-10


def test_the_polish_never_makes_a_dense_copy_of_sparse_data():
    # Was: the Newton system of the polish read the free columns of a sparse X densely (n x |free|,
    # here every column: 96 MB for 0.1 MB of data). Now X_F' D X_F is formed row by row.
    import tracemalloc

    rng = np.random.default_rng(0)
    X = sp.random(8000, 1500, density=0.0005, format="csr", random_state=rng)
    labels = np.where(X @ rng.standard_normal(1500) + 0.1 * rng.standard_normal(8000) > 0, 1.0, -1.0)
    prob = cr.Problem(cr.LogisticLoss(), cr.L2(), cr.Penalized(lam=0.5), fit_intercept=True)
    prob.solve(X[:200], labels[:200])  # imports and compiled kernels loaded
    tracemalloc.start()
    res = prob.solve(X, labels)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert res.polished and res.certificate.passed(1e-9)
    assert peak < 8000 * 1500 * 8, peak / 1e6  # below one dense copy of X
