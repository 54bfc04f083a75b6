"""cvxreg.engine: the compiled working-set solver, checked against scikit-learn and SciPy on
the same objectives, on dense and sparse data, and by its certificates."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import minimize

import cvxreg as cr
from cvxreg.engine import applies, solve_penalized

lm = pytest.importorskip("sklearn.linear_model")
svm = pytest.importorskip("sklearn.svm")


def _sparse(n=300, d=800, density=0.02, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=density, format="csr", random_state=rng)
    w = np.zeros(d)
    w[:30] = rng.standard_normal(30) * 3
    return X, X @ w + 0.1 * rng.standard_normal(n)


def _dense(n=200, d=30, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    return X, X @ (rng.standard_normal(d) / np.sqrt(d)) + 0.5 * rng.standard_normal(n)


@pytest.mark.parametrize("fmt", ["csr", "csc", "dense"])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_sparse_lasso_equals_scikit_learn(fmt, fit_intercept):
    X, y = _sparse()
    X = X.asformat(fmt) if fmt != "dense" else X.toarray()
    alpha = 0.05 * float(np.max(np.abs(X.T @ (y - y.mean())))) / len(y)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=alpha), fit_intercept=fit_intercept)
    res = prob.solve(X, y)
    sk = lm.Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-14, max_iter=1_000_000).fit(X, y)
    assert res.solver == "cvxreg-cd" and res.status == "optimal" and res.certificate.passed(1e-9)
    np.testing.assert_allclose(res.coef, sk.coef_, atol=1e-8)
    assert res.intercept == pytest.approx(sk.intercept_, abs=1e-8)
    assert res.objective <= prob.objective_value(X, y, sk.coef_, sk.intercept_) + 1e-12


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sparse_l1_logistic_equals_liblinear():
    X, y = _sparse(seed=2)
    labels = np.where(y > np.median(y), 1.0, -1.0)
    lam = 0.1 * float(np.max(np.abs(X.T @ (labels / 2))))
    prob = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(lam=lam))
    res = prob.solve(X, labels)
    # liblinear at tol=1e-12 takes 25 s here (1e-10: 22 s) and at 1e-9 a few ms, within 1e-6 of
    # cvxreg's certified answer; the certificate is the proof, liblinear the independent witness.
    sk = lm.LogisticRegression(C=1 / lam, l1_ratio=1.0, solver="liblinear", fit_intercept=False, tol=1e-9,
                               max_iter=100_000, random_state=0).fit(X, labels)  # fmt: skip
    assert res.solver == "cvxreg-cd" and res.certificate.passed(1e-9)
    np.testing.assert_allclose(res.coef, sk.coef_.ravel(), atol=1e-6)
    assert res.objective <= prob.objective_value(X, labels, sk.coef_.ravel()) + 1e-10


def test_l2_logistic_with_intercept_equals_lbfgs():
    X, y = _dense()
    labels = np.where(y > 0, 1.0, -1.0)
    prob = cr.Problem(cr.LogisticLoss(), cr.SquaredL2(), cr.Penalized(lam=2.0), fit_intercept=True)
    res = prob.solve(X, labels)
    sk = lm.LogisticRegression(C=0.5, tol=1e-12, max_iter=100_000).fit(X, labels)
    assert res.solver == "cvxreg-cd" and res.certificate.passed(1e-9)
    np.testing.assert_allclose(res.coef, sk.coef_.ravel(), atol=1e-7)
    assert res.intercept == pytest.approx(sk.intercept_[0], abs=1e-7)


def test_squared_hinge_equals_linear_svc():
    X, y = _dense(seed=3)
    labels = np.where(y > 0, 1.0, -1.0)
    res = cr.Problem(cr.SquaredHingeLoss(), cr.SquaredL2(), cr.Penalized(lam=1.0)).solve(X, labels)
    sk = svm.LinearSVC(C=1.0, dual=False, fit_intercept=False, tol=1e-12, max_iter=100_000).fit(X, labels)
    assert res.solver == "cvxreg-cd" and res.certificate.passed(1e-9)
    np.testing.assert_allclose(res.coef, sk.coef_.ravel(), atol=1e-7)


def test_poisson_equals_poisson_regressor():
    X, _ = _dense(seed=4)
    X = X / 4
    rng = np.random.default_rng(4)
    counts = rng.poisson(np.exp(X @ rng.standard_normal(X.shape[1]) / 3 + 0.5)).astype(float)
    prob = cr.Problem(cr.PoissonLoss(scale="mean"), cr.SquaredL2(), cr.Penalized(lam=0.01), fit_intercept=True)
    res = prob.solve(X, counts)
    sk = lm.PoissonRegressor(alpha=0.01, tol=1e-12, max_iter=100_000).fit(X, counts)
    assert res.solver == "cvxreg-cd" and res.certificate.passed(1e-9)
    np.testing.assert_allclose(res.coef, sk.coef_, atol=1e-6)  # lbfgs stops near 1e-7 here
    assert res.intercept == pytest.approx(sk.intercept_, abs=1e-6)
    assert res.objective <= prob.objective_value(X, counts, sk.coef_, sk.intercept_) + 1e-12


def test_huber_elastic_net_with_weights_equals_scipy_on_the_same_objective():
    X, y = _dense(seed=5)
    rng = np.random.default_rng(5)
    s = rng.uniform(0.5, 2.0, len(y))
    M, lam, r = 0.7, 3.0, 0.4
    prob = cr.Problem(cr.HuberLoss(M), cr.ElasticNet(r), cr.Penalized(lam=lam), fit_intercept=True)
    res = prob.solve(X, y, sample_weight=s)
    assert res.solver == "cvxreg-cd" and res.certificate.passed(1e-9)
    # An independent route: L-BFGS-B on the split w = u - v, u, v >= 0 (smooth in (u, v, b)).
    d = X.shape[1]

    def f(z):
        u, v, b = z[:d], z[d : 2 * d], z[-1]
        rr = y - X @ (u - v) - b
        a = np.abs(rr)
        val = s @ np.where(a <= M, 0.5 * rr * rr, M * a - 0.5 * M * M)
        val += lam * (r * (u.sum() + v.sum()) + (1 - r) / 2 * ((u - v) @ (u - v)))
        g = -s * np.clip(rr, -M, M)
        gw = X.T @ g + lam * (1 - r) * (u - v)
        return val, np.r_[gw + lam * r, -gw + lam * r, g.sum()]

    bounds = [(0, None)] * (2 * d) + [(None, None)]
    z = minimize(f, np.zeros(2 * d + 1), jac=True, method="L-BFGS-B", bounds=bounds,
                 options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 100_000}).x  # fmt: skip
    np.testing.assert_allclose(res.coef, z[:d] - z[d : 2 * d], atol=1e-5)
    assert res.objective <= f(z)[0] + 1e-9


def test_nonnegative_and_boxed_lasso():
    X, y = _dense(seed=6)
    alpha = 0.02
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=alpha), bounds=(0, None))
    res = prob.solve(X, y)
    sk = lm.Lasso(alpha=alpha, positive=True, fit_intercept=False, tol=1e-14, max_iter=1_000_000).fit(X, y)
    assert res.solver == "cvxreg-cd" and res.certificate.passed(1e-9)
    np.testing.assert_allclose(res.coef, sk.coef_, atol=1e-9)
    assert np.all(res.lower_dual >= 0)
    boxed = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=alpha), bounds=(-0.05, 0.05))
    got = boxed.solve(X, y)
    ref = boxed.solve(X, y, solver="CLARABEL")  # the conic route, same problem
    assert got.solver == "cvxreg-cd" and got.certificate.passed(1e-9)
    np.testing.assert_allclose(got.coef, ref.coef, atol=1e-6)
    np.testing.assert_allclose(got.upper_dual, ref.upper_dual, atol=1e-5)


def test_what_the_engine_takes():
    X, y = _dense()
    data = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0)).check_data(X, y)
    assert applies(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0)), data)
    assert applies(cr.Problem(cr.HuberLoss(), cr.ElasticNet(0.3), cr.Penalized(1.0)), data)
    assert not applies(cr.Problem(cr.AbsoluteLoss(), cr.L1(), cr.Penalized(1.0)), data)  # kinks: an LP
    assert not applies(cr.Problem(cr.SquaredLoss(), cr.L2(), cr.Penalized(1.0)), data)  # not separable
    assert applies(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(1.0)), data)  # by continuation
    assert not applies(cr.Problem(cr.SquaredLoss(), cr.ElasticNet(0.5), cr.Constrained(1.0)), data)
    eq = cr.Equality(np.ones((1, X.shape[1])), [1.0])
    assert not applies(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0), constraints=[eq]), data)


def test_warm_start_and_candidates_do_not_change_the_answer():
    X, y = _sparse(seed=7)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=0.01))
    data = prob.check_data(X, y)
    cold = solve_penalized(prob, data)
    warm = solve_penalized(prob, data, start=cold, candidates=np.zeros(data.d, dtype=bool))
    np.testing.assert_allclose(warm.coef, cold.coef, atol=1e-10)


def test_a_sparse_solve_never_densifies_x():
    import tracemalloc

    X, y = _sparse(n=4000, d=20000, density=0.001, seed=8)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=1e-4), fit_intercept=True)
    prob.solve(X, y)  # compile and warm
    tracemalloc.start()
    res = prob.solve(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert res.solver == "cvxreg-cd"
    data_bytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    assert peak < 8 * data_bytes + 50 * X.shape[1] * 8  # a dense X would be 4000 x 20000 x 8 = 640 MB


@pytest.mark.parametrize("penalty", [cr.L1(), cr.SquaredL2(), cr.L1(factors=np.r_[0.0, np.ones(29)])], ids=repr)
@pytest.mark.parametrize("t", [0.5, 2.0, 1e6])
def test_constrained_form_by_continuation_matches_clarabel_and_its_multiplier(penalty, t):
    X, y = _dense(seed=9)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), penalty, cr.Constrained(t=t), fit_intercept=True)
    res = prob.solve(X, y)
    # Small dense least squares take the d x d Gram route; the continuation is the same either way.
    assert res.solver == "cvxreg-gram" and res.status == "optimal" and res.certificate.passed(1e-9)
    sparse = prob.solve(sp.csr_matrix(X), y)  # sparse data: coordinate descent on X itself
    assert sparse.solver == "cvxreg-cd" and sparse.certificate.passed(1e-9)
    np.testing.assert_allclose(sparse.coef, res.coef, atol=1e-9)
    if t > 1e3:  # the ball holds the least-squares fit: the constraint is inactive
        ols = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)[0]
        np.testing.assert_allclose(res.coef, ols[:-1], atol=1e-9)
        assert res.dual == 0.0
        return
    ref = prob.solve(X, y, solver="CLARABEL")
    np.testing.assert_allclose(res.coef, ref.coef, atol=1e-6)
    assert res.dual == pytest.approx(ref.dual, rel=1e-5, abs=1e-7)
    # The multiplier is exact: the penalized problem at lam = mu has the same solution.
    if res.dual > 0:
        twin = prob.with_form(cr.Penalized(res.dual)).solve(X, y)
        np.testing.assert_allclose(twin.coef, res.coef, atol=1e-8)
        assert penalty.value(res.coef) == pytest.approx(t, rel=1e-9)


def test_constrained_lasso_equals_scikit_learn_at_the_matching_alpha():
    X, y = _dense(seed=10)
    alpha = 0.05
    sk = lm.Lasso(alpha=alpha, tol=1e-14, max_iter=1_000_000).fit(X, y)
    t = float(np.abs(sk.coef_).sum())
    res = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Constrained(t=t), fit_intercept=True).solve(X, y)
    np.testing.assert_allclose(res.coef, sk.coef_, atol=1e-8)
    assert res.dual == pytest.approx(alpha, rel=1e-7)


def test_the_engines_objective_is_objective_value_to_the_last_bit():
    X, y = _sparse(seed=13)
    for prob in (
        cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=1e-3), fit_intercept=True),
        cr.Problem(cr.LogisticLoss(), cr.SquaredL2(), cr.Penalized(lam=1.0)),
    ):
        yy = np.sign(y) if prob.loss.classification else y
        res = prob.solve(X, yy)
        assert res.solver == "cvxreg-cd"
        assert res.objective == prob.objective_value(X, yy, res.coef, res.intercept)


def test_the_column_copy_of_a_sparse_x_is_made_once_across_calls():
    # Was: each call wrapped X anew (sp.csr_matrix shares the arrays through new views), the
    # cache key changed, and every solve paid a CSC copy of X again (1x the data's bytes).
    from cvxreg import _validation

    def copies() -> set:
        return {k for k in _validation._DERIVED if k[1] == "engine's X"}

    X, y = _sparse(n=2000, d=5000, density=0.002, seed=9)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=1e-3), fit_intercept=True)
    before = copies()
    first = prob.solve(X, y)
    made = copies() - before
    again = prob.solve(X, y)
    assert len(made) == 1 and copies() - before == made  # the second call found the first's copy
    np.testing.assert_array_equal(first.coef, again.coef)
    edited = X.copy()
    edited.data[0] += 1.0  # other values, another key
    prob.solve(edited, y)
    assert len(copies() - before) == 2


def test_the_compiled_kernels_equal_their_numpy_formulas():
    from cvxreg.engine import _kernels
    from cvxreg.engine._glm import _model, _violation

    rng = np.random.default_rng(14)
    X = sp.random(300, 40, density=0.1, format="csr", random_state=rng)
    X.indices[:] = X.indices.copy()  # CSR as SciPy gives it, then rows with unsorted indices
    shuffled = X.copy()
    for i in range(0, 300, 3):
        lo, hi = shuffled.indptr[i], shuffled.indptr[i + 1]
        order = rng.permutation(hi - lo)
        shuffled.indices[lo:hi], shuffled.data[lo:hi] = shuffled.indices[lo:hi][order], shuffled.data[lo:hi][order]
    h = rng.uniform(0.1, 2.0, 300)
    want = X.toarray().T @ (h[:, None] * X.toarray())
    for M in (X, shuffled):
        for order in ("C", "F"):
            H = np.zeros((41, 41), order=order)  # a bordered system's block, as the engine fills it
            _kernels.weighted_gram_csr(M.data, M.indices, M.indptr, 40, h, H)
            np.testing.assert_allclose(H[:40, :40], want, rtol=1e-13, atol=1e-13)
            assert not np.any(H[40]) and not np.any(H[:, 40])

    # The optimality violation, in place, against the vectorized formula (kinks, bounds, ridge).
    Xd, y = rng.standard_normal((50, 12)), rng.standard_normal(50)
    prob = cr.Problem(cr.SquaredLoss(), cr.ElasticNet(0.7, factors=np.r_[0.0, np.ones(11)]), cr.Penalized(lam=0.3),
                      bounds=(np.r_[-np.inf, -1.0, np.zeros(10)], 0.5))  # fmt: skip
    m = _model(prob, prob.check_data(Xd, y))
    w = np.r_[0.3, -1.0, 0.0, 0.0, 0.5, 0.2, 0.0, 0.5, 0.1, 0.0, 0.0, 0.4]
    g = rng.standard_normal(12)
    g[2] = 0.0
    got = g.copy()
    _kernels.violation_in_place(w, got, m.alpha, m.beta, m.lower, m.upper)
    np.testing.assert_allclose(got, _violation(w, g, m), rtol=0, atol=1e-15)


def test_a_sparse_paths_first_call_holds_under_twice_the_datas_bytes():
    # Was 2.1x on 20000 x 50000 (benchmarks/bench_engine.py): a d x d-sized sparse product for
    # each Newton system, d-length temporaries in the certificate and the strong rule, and every
    # Result copying its coefficients. Here with fresh data, so the column copy is made too.
    import tracemalloc

    X, y = _sparse(n=20000, d=50000, density=0.001, seed=15)  # the benchmark's shape
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=1.0), fit_intercept=True)
    lam_max = float(np.max(np.abs(X.T @ (y - y.mean())))) / len(y)
    grid = np.geomspace(lam_max, 0.05 * lam_max, 20)
    prob.path(X[:500], y[:500], grid[:3])  # the compiled kernels loaded
    tracemalloc.start()
    path = prob.path(X, y, grid)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert all(c.passed(1e-6) for c in path.certificates)
    data_bytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    assert peak < 2.0 * data_bytes, peak / data_bytes


def test_a_classifiers_data_are_recognised_across_calls():
    # Was: labels mapped to -1 and +1 are a new array on every call, and the cache key took its
    # identity: every call of a classifier made the engine's copy of X again (1x the data).
    from cvxreg import _validation

    X, y = _sparse(n=2000, d=5000, density=0.002, seed=16)
    labels = np.where(y > np.median(y), "yes", "no")
    prob = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(lam=1.0))
    before = set(_validation._DERIVED)
    first = prob.solve(X, labels)
    made = set(_validation._DERIVED) - before
    again = prob.solve(X, labels)
    assert set(_validation._DERIVED) - before == made  # nothing derived anew
    np.testing.assert_array_equal(first.coef, again.coef)
    flipped = prob.solve(X, np.where(labels == "yes", "no", "yes"))  # other labels: another key
    np.testing.assert_allclose(flipped.coef, -first.coef, atol=1e-8)
    assert len(set(_validation._DERIVED) - before) > len(made)


def test_a_newton_system_without_rows_of_curvature_is_the_penalty_alone(capfd):
    # Was: BLAS's dsyrk called on an empty operand (no row of nonzero curvature: a squared hinge
    # with every sample outside its margin) printed "illegal value" and left the block undefined.
    from cvxreg.engine._glm import _model, _newton_solve

    X, y = _dense(seed=17)
    prob = cr.Problem(cr.SquaredHingeLoss(), cr.SquaredL2(), cr.Penalized(lam=2.0))
    m = _model(prob, prob.check_data(X, np.sign(y)))
    grad = np.random.default_rng(0).standard_normal(X.shape[1])
    step = _newton_solve(m, X, np.arange(X.shape[1]), grad, 0.0, np.zeros(len(y)))
    np.testing.assert_allclose(step, -grad / m.beta, rtol=1e-12)  # H = diag(beta) alone
    empty = _newton_solve(m, X[:, :0], np.arange(0), np.zeros(0), 0.0, np.ones(len(y)))
    assert empty.shape == (0,)
    printed = capfd.readouterr()
    assert "illegal" not in printed.out + printed.err


def test_lambda_max_of_sparse_data_never_makes_x_dense():
    # Was: lambda_max called data.dense(): on a 64000 x 64000 sparse lasso (6.4 M nonzeros) it
    # asked for 30.5 GiB. Checked against the dense computation and, for a smooth loss, the
    # closed form ||X' g(0)||_inf / n.
    import tracemalloc

    rng = np.random.default_rng(0)
    X = sp.random(2000, 20000, density=0.002, format="csc", random_state=1)  # dense: 320 MB
    y = rng.standard_normal(2000)
    lasso = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0))
    free_first = cr.Problem(cr.SquaredLoss(), cr.L1(factors=np.r_[0.0, np.ones(19999)]), cr.Penalized(1.0),
                            fit_intercept=True)  # fmt: skip
    logistic = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    for problem, target in ((lasso, y), (free_first, y), (logistic, np.sign(y))):
        tracemalloc.start()
        got = problem.lambda_max(X, target)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 20e6, (problem, peak)
        assert got == pytest.approx(problem.lambda_max(X.toarray(), target), rel=1e-12)
    assert lasso.lambda_max(X, y) == pytest.approx(np.max(np.abs(X.T @ y)) / 2000, rel=1e-12)
    small = sp.random(60, 30, density=0.2, format="csr", random_state=2)  # a nonsmooth loss: a convex solve
    hinge = cr.Problem(cr.HingeLoss(), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    labels = np.where(rng.standard_normal(60) > 0, 1.0, -1.0)
    assert hinge.lambda_max(small, labels) == pytest.approx(hinge.lambda_max(small.toarray(), labels), rel=1e-6)


@pytest.mark.slow  # 40 s: the dense computation it is checked against is the slow part
def test_lambda_max_with_many_unpenalized_sparse_columns_stays_sparse():
    # Half of 3000 sparse columns unpenalized (factor 0): their fit was made on an n x 1500 dense
    # copy (48 MB); now on the columns as given (a 1500 x 1500 normal-equation matrix at most).
    # Checked against the dense computation, with and without bounds on those columns.
    import tracemalloc

    rng = np.random.default_rng(0)
    n, d = 4000, 3000
    X = sp.random(n, d, density=0.003, format="csc", random_state=1)
    y = rng.standard_normal(n)
    factors = np.r_[np.zeros(1500), np.ones(1500)]
    lower = np.r_[np.full(1500, -0.02), np.full(1500, -np.inf)]
    for bounds in (None, (lower, None)):
        problem = cr.Problem(cr.SquaredLoss(), cr.L1(factors=factors), cr.Penalized(1.0), fit_intercept=True,
                             bounds=bounds)  # fmt: skip
        tracemalloc.start()
        got = problem.lambda_max(X, y)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 25e6, (bounds is None, peak)
        assert got == pytest.approx(problem.lambda_max(X.toarray(), y), rel=1e-9)


def test_many_unpenalized_sparse_columns_are_fitted_without_a_k_by_k_matrix(monkeypatch):
    # Beyond NORMAL_EQUATIONS_MAX unpenalized columns the k x k normal equations would be a dense
    # k x k matrix (20 GB at k = 50000): the fit is then iterative on the sparse columns. Here
    # with the limit lowered, equal to the dense computation.
    from cvxreg import _unpenalized

    monkeypatch.setattr(_unpenalized, "NORMAL_EQUATIONS_MAX", 5)
    rng = np.random.default_rng(3)
    n, d = 300, 60
    X = sp.random(n, d, density=0.05, format="csc", random_state=4) + sp.eye(n, d, format="csc")
    y = rng.standard_normal(n)
    factors = np.r_[np.zeros(30), np.ones(30)]
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(factors=factors), cr.Penalized(1.0), fit_intercept=True)
    assert prob.lambda_max(X, y) == pytest.approx(prob.lambda_max(X.toarray(), y), rel=1e-7)
