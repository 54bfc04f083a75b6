"""Answers at any scale of the numbers: y, weights and parameters in large or tiny units give
the scaled answer (or a typed error), never a wrong answer or a false status."""

import numpy as np
import pytest

import cvxreg as cr

SCALES = [1e-150, 1e-8, 1e8, 1e150]


@pytest.fixture
def data():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((60, 5))
    y = X @ np.array([1.5, -2.0, 0.0, 0.0, 0.7]) + 0.5 * rng.standard_normal(60)
    return X, y


def _same(result, base, s):
    assert result.status == "optimal", result.message
    assert result.certificate.passed(1e-6)
    np.testing.assert_allclose(result.coef / s, base.coef, rtol=1e-7, atol=1e-9 * np.max(np.abs(base.coef)))
    assert result.objective == pytest.approx(base.objective * s * s, rel=1e-8)


@pytest.mark.parametrize("s", SCALES)
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_lasso_in_any_units(data, s, fit_intercept):
    X, y = data
    # 1/2 ||s y - X w||^2 + s lam ||w||_1 at w = s v is s^2 (1/2 ||y - X v||^2 + lam ||v||_1)
    base = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=8.0), fit_intercept=fit_intercept).solve(X, y)
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=8.0 * s), fit_intercept=fit_intercept)
    res = prob.solve(X, y * s)
    _same(res, base, s)
    assert res.intercept / s == pytest.approx(base.intercept, rel=1e-7, abs=1e-12)
    np.testing.assert_array_equal(res.coef == 0, base.coef == 0)


@pytest.mark.parametrize("s", SCALES)
def test_ridge_and_huber_in_any_units(data, s):
    X, y = data
    base = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(lam=3.0)).solve(X, y)
    _same(cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(lam=3.0)).solve(X, y * s), base, s)
    base = cr.Problem(cr.HuberLoss(0.5), cr.L1(), cr.Penalized(lam=4.0)).solve(X, y)
    res = cr.Problem(cr.HuberLoss(0.5 * s), cr.L1(), cr.Penalized(lam=4.0 * s)).solve(X, y * s)
    _same(res, base, s)


@pytest.mark.parametrize("s", SCALES)
def test_constrained_lasso_and_its_multiplier_in_any_units(data, s):
    X, y = data
    base = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(t=2.0)).solve(X, y)
    res = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(t=2.0 * s)).solve(X, y * s)
    _same(res, base, s)
    assert res.dual == pytest.approx(base.dual * s, rel=1e-7)  # mu multiplies ||w||_1 - t: units of y


@pytest.mark.parametrize("s", [1e-8, 1e8, 1e150])
def test_elastic_net_in_large_units_matches_the_hand_rescaled_problem(data, s):
    X, y = data
    a, lam = 0.3, 5.0
    res = cr.Problem(cr.SquaredLoss(), cr.ElasticNet(a), cr.Penalized(lam=lam)).solve(X, y * s)
    # At w = s v: lam (a s |v|_1 + (1 - a) s^2 / 2 |v|^2) = s^2 lam' (a' |v|_1 + (1 - a')/2 |v|^2)
    f = a * s + (1 - a) * s * s
    hand = cr.Problem(cr.SquaredLoss(), cr.ElasticNet(a * s / f), cr.Penalized(lam=lam * f / s**2)).solve(X, y)
    assert res.status == "optimal" and res.certificate.passed(1e-6)
    np.testing.assert_allclose(res.coef / s, hand.coef, rtol=1e-7, atol=1e-12)


def test_bounds_and_linear_constraints_in_large_units(data):
    X, y = data
    s = 1e8
    eq = cr.Equality(np.ones((1, 5)), [1.0])
    base = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=2.0), bounds=(-0.5, None), constraints=[eq])
    big = cr.Problem(
        cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=2.0 * s), bounds=(-0.5 * s, None),
        constraints=[cr.Equality(np.ones((1, 5)), [s])],
    )  # fmt: skip
    want, got = base.solve(X, y), big.solve(X, y * s)
    assert got.status == "optimal" and got.certificate.passed(1e-6)
    # Bounded and constrained answers are the solver's (not polished): agreement at its accuracy.
    np.testing.assert_allclose(got.coef / s, want.coef, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(got.lower_dual / s, want.lower_dual, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got.constraint_duals[0] / s, want.constraint_duals[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("c", SCALES)
@pytest.mark.parametrize(
    ("loss", "penalty"),
    [(cr.LogisticLoss(), cr.L1()), (cr.PoissonLoss(), cr.SquaredL2()), (cr.SquaredLoss(), cr.L1())],
    ids=repr,
)
def test_weights_in_any_units(data, c, loss, penalty):
    X, y = data
    if loss.classification:
        y = np.sign(y)
    elif isinstance(loss, cr.PoissonLoss):
        X = X / 4
        y = np.round(np.exp(X @ np.array([1.0, -1, 0, 0, 0.5])) * 2)
    base = cr.Problem(loss, penalty, cr.Penalized(lam=2.0)).solve(X, y)
    res = cr.Problem(loss, penalty, cr.Penalized(lam=2.0 * c)).solve(X, y, sample_weight=np.full(len(y), c))
    assert res.status == "optimal", res.message
    np.testing.assert_allclose(res.coef, base.coef, rtol=1e-6, atol=1e-8)
    assert res.objective == pytest.approx(base.objective * c, rel=1e-6)


def test_weights_beyond_float_precision_are_refused(data):
    X, y = data
    w = np.ones(len(y))
    w[0], w[1] = 1e200, 1e-200
    with pytest.raises(cr.InvalidParameterError, match=r"'sample_weight'.*precision"):
        cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=1.0)).solve(X, y, sample_weight=w)


def test_status_is_optimal_only_when_the_certificate_passes(data):
    X, y = data
    prob = cr.Problem(cr.SquaredLoss(), cr.Lp(3), cr.Penalized(lam=5.0))
    rough = prob.solve(X, y, solver="SCS", eps_abs=1e-2, eps_rel=1e-2, max_iters=30)
    assert rough.ok
    assert (rough.status == "optimal") == rough.certificate.passed(1e-6)
    if rough.status != "optimal":
        assert "above tol" in rough.message
    fine = prob.solve(X, y)
    assert fine.status == "optimal" and fine.certificate.passed(1e-6)
    strict = prob.solve(X, y, tol=1e-14)
    assert (strict.status == "optimal") == strict.certificate.passed(1e-14)


def test_tol_is_validated(data):
    X, y = data
    with pytest.raises(cr.InvalidParameterError, match="'tol'"):
        cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=1.0)).solve(X, y, tol=-1)


# -- columns of X in their own units -----------------------------------------------------------
COLUMN_SCALES = [1e-150, 1e-8, 1e8, 1e150]


def _one_column(X, s):
    D = np.ones(X.shape[1])
    D[0] = s
    return X * D, D


@pytest.mark.parametrize("s", COLUMN_SCALES)
@pytest.mark.parametrize("bounds", [None, (0.0, None)])
def test_ridge_with_a_column_in_other_units_is_the_closed_form(data, s, bounds):
    X, y = data
    Xs, D = _one_column(X, s)
    res = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(lam=3.0), bounds=bounds).solve(Xs, y)
    assert res.status == "optimal", res.message
    # In the unit coordinates w = D v: (X^T X + lam diag(1 / D^2)) w = X^T y. With w >= 0, the
    # one free set F among the 2^5 whose solution is >= 0 with a gradient >= 0 off F (KKT).
    A, rhs = X.T @ X + 3.0 * np.diag(1.0 / D**2), X.T @ y
    for mask in range(2**5 if bounds else 1):
        free = np.array([not (mask >> j) & 1 for j in range(5)])
        w = np.zeros(5)
        w[free] = np.linalg.solve(A[np.ix_(free, free)], rhs[free])
        if bounds is None or (np.all(w >= 0) and np.all((A @ w - rhs)[~free] >= 0)):
            break
    np.testing.assert_allclose(res.coef * D, w, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("s", COLUMN_SCALES)
# At 1e150 scikit-learn's duality gap, in absolute units, is dominated by that column and it warns;
# its coefficients agree all the same.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_lasso_with_a_column_in_other_units_equals_scikit_learn(data, s):
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = data
    Xs, D = _one_column(X, s)
    n = len(y)
    res = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=8.0), fit_intercept=True).solve(Xs, y)
    assert res.status == "optimal", res.message
    # scikit-learn's coordinate descent is exact in each column's own units (its update divides by
    # the column's squared norm); on the unit-size equivalent, a weighted lasso written as X / v.
    v = 1.0 / D  # 8 ||w / D||_1 is a weighted lasso in w = D v
    ref = sklearn.Lasso(alpha=8.0 / n, tol=1e-14, max_iter=100_000).fit(X / v, y)
    np.testing.assert_allclose(res.coef * D, ref.coef_ / v, rtol=1e-8, atol=1e-10)
    assert res.intercept == pytest.approx(ref.intercept_, rel=1e-8)


@pytest.mark.parametrize("s", [1e-8, 1e8, 1e100])
@pytest.mark.parametrize(
    ("loss", "penalty", "lam"),
    [(cr.LogisticLoss(), cr.L1, 0.02), (cr.PoissonLoss(), cr.SquaredL2, 0.1), (cr.HuberLoss(), cr.SquaredL2, 0.1),
     (cr.AbsoluteLoss(), cr.L1, 1.0)],
    ids=["logistic-l1", "poisson-ridge", "huber-ridge", "lad-l1"],
)  # fmt: skip
def test_smooth_and_kinked_losses_with_a_column_in_other_units(data, s, loss, penalty, lam):
    X, y = data
    rng = np.random.default_rng(0)
    if isinstance(loss, cr.LogisticLoss):
        y = np.where(y + rng.standard_normal(len(y)) > 0, 1, -1)
    elif isinstance(loss, cr.PoissonLoss):
        y = rng.poisson(np.exp(0.2 * np.clip(y, -5, 5)))
    Xs, D = _one_column(X, s)
    res = cr.Problem(loss, penalty(), cr.Penalized(lam)).solve(Xs, y, solver="CLARABEL")
    assert res.status == "optimal", res.message
    # The same minimizer in unit columns: the penalty's factors carry the units (v_j / D_j^k).
    k = 1 if penalty is cr.L1 else 2
    ref = cr.Problem(loss, penalty(factors=1.0 / D**k), cr.Penalized(lam)).solve(X, y, solver="CLARABEL")
    assert ref.status == "optimal", ref.message
    np.testing.assert_allclose(res.coef * D, ref.coef, rtol=1e-6, atol=1e-7)


def test_ridge_factors_far_from_one_are_certified(data):
    X, y = data
    # Was a false alarm: the certificate moved w_0 = 1e-8 onto a "kink" the ridge does not have.
    factors = np.array([1e8, 1.0, 1.0, 1.0, 1.0])
    w = np.linalg.solve(X.T @ X + 0.5 * np.diag(factors), X.T @ y)
    res = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(factors=factors), cr.Penalized(lam=0.5)).solve(X, y)
    assert res.status == "optimal", res.message
    np.testing.assert_allclose(res.coef, w, rtol=1e-10)


def test_column_units_with_sparse_data_bounds_and_constraints(data):
    sparse = pytest.importorskip("scipy.sparse")
    X, y = data
    Xs, D = _one_column(X, 1e9)
    con = cr.Equality(np.ones((1, 5)), [0.5])  # the coefficients sum to 1/2, in the user's units
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=2.0), bounds=(-1.0, None), constraints=[con])
    res = prob.solve(sparse.csr_matrix(Xs), y)
    unit_con = cr.Equality(1.0 / D[None, :], [0.5])
    ref = cr.Problem(
        cr.SquaredLoss(), cr.L1(factors=1.0 / D), cr.Penalized(lam=2.0), bounds=(-D, None), constraints=[unit_con]
    ).solve(X, y)
    assert res.status == "optimal" and ref.status == "optimal", (res.message, ref.message)
    np.testing.assert_allclose(res.coef * D, ref.coef, rtol=1e-7, atol=1e-9)
    assert res.constraint_duals[0] == pytest.approx(ref.constraint_duals[0], rel=1e-6, abs=1e-9)
    assert float(np.sum(res.coef)) == pytest.approx(0.5, rel=1e-12)
    assert np.all(res.coef >= -1.0 - 1e-12)


# -- non-separable penalties: the penalty read in the column's units ----------------------------
def _norm_reference(name, loss, X, y, lam):
    """The minimizer in unit coordinates ``v = D w`` for a first column in large units ``s``,
    written directly in CVXPY: ``R(w)`` with ``w_0 = v_0 / s``, which for ``s >= 1e8`` moves
    the penalty by less than 1e-8 of a unit ``v_0``: ``w_0 = 0`` and ``v_0`` unpenalized. (Written
    with ``v_0 / s`` itself, Clarabel stops 1e-4 from stationarity at ``s = 1e20``.)"""
    cp = pytest.importorskip("cvxpy")
    d = X.shape[1]
    v, b = cp.Variable(d), cp.Variable()
    w = cp.hstack([cp.Constant(np.zeros(1)), v[1:]])
    R = {
        "l2": lambda: cp.norm2(w),
        "linf": lambda: cp.norm_inf(w),
        "group": lambda: np.sqrt(2) * (cp.norm2(w[0:2]) + cp.norm2(w[2:4])) + cp.abs(w[4]),
        "tv": lambda: cp.norm1(cp.diff(w)),
        "lp": lambda: cp.pnorm(w, 1.5),
    }[name]()
    eta = X @ v + b
    L = 0.5 * cp.sum_squares(y - eta) if loss == "squared" else cp.sum(cp.logistic(-cp.multiply(y, eta)))
    cp.Problem(cp.Minimize(L + lam * R)).solve(solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
    return v.value, float(b.value)


NORMS = {
    "l2": cr.L2,
    "linf": cr.Linf,
    "group": lambda: cr.GroupLasso([[0, 1], [2, 3], [4]]),
    "tv": cr.TotalVariation,
    "lp": lambda: cr.Lp(1.5),
}


@pytest.mark.parametrize("s", [1e8, 1e20, 1e100])
@pytest.mark.parametrize("loss", ["squared", "logistic"])
@pytest.mark.parametrize("name", list(NORMS))
def test_norm_penalties_with_a_column_in_large_units(data, s, loss, name):
    # Was: solver_error for L2, Linf, Lp and TV from 1e20 on, and the group lasso `optimal` and
    # 3.5 off at 1e100 (the certificate's one scale was that column's).
    X, y = data
    if loss == "logistic":
        y = np.where(y + np.random.default_rng(0).standard_normal(len(y)) > 0, 1.0, -1.0)
    lam = 2.0
    Xs, D = _one_column(X, s)
    L = cr.SquaredLoss() if loss == "squared" else cr.LogisticLoss()
    res = cr.Problem(L, NORMS[name](), cr.Penalized(lam=lam), fit_intercept=True).solve(Xs, y)
    v, b = _norm_reference(name, loss, X, y, lam)
    tight = 1e-6 if loss == "squared" else 2e-5  # the reference's own accuracy on exponential cones
    assert res.status == "optimal", res.message
    assert res.certificate.passed(1e-6)
    if name == "linf":  # polyhedral, no prox in these units: Newton on its face (was the solver's accuracy)
        assert res.polished and res.certificate.worst < 1e-12
    np.testing.assert_allclose(res.coef * D, v, atol=tight * max(1.0, np.max(np.abs(v))))
    assert res.intercept == pytest.approx(b, abs=tight * max(1.0, abs(b)))


def test_a_solver_that_calls_a_bounded_feasible_problem_unbounded_is_a_solver_error(data):
    X, y = data
    Xs, _ = _one_column(X, 1e100)
    # lam near lam_max (about 1e100 here): in the column's units, terms 1e99 apart, too far for an
    # interior-point solver. Clarabel answers "unbounded" for a problem bounded below by 0.
    res = cr.Problem(cr.SquaredLoss(), cr.L2(), cr.Penalized(lam=1e99), fit_intercept=True).solve(Xs, y)
    assert not str(res.status).startswith(("unbounded", "infeasible")), res.status
    if res.status != "optimal":
        assert res.status == "solver_error" and "bounded below" in res.message
    # What can be true stays: a loss unbounded below, and contradictory constraints.
    linear = cr.CustomLoss(lambda eta, y: -eta)
    res = cr.Problem(linear, cr.L1(), cr.Penalized(lam=0.0)).solve(X, y, solver="CLARABEL")
    assert str(res.status).startswith("unbounded") or res.status == "no_minimizer", res.status
    cons = [cr.Equality(np.ones((1, 5)), [1.0]), cr.Equality(np.ones((1, 5)), [2.0])]
    res = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=1.0), constraints=cons).solve(X, y)
    assert str(res.status).startswith("infeasible"), res.status


@pytest.mark.parametrize("penalty", [cr.L1(), cr.L2(), cr.GroupLasso([[0, 1], [2, 3], [4]])], ids=repr)
def test_certificate_sees_every_column_beside_one_in_large_units(data, penalty):
    X, y = data
    Xs, _ = _one_column(X, 1e100)
    prob = cr.Problem(cr.SquaredLoss(), penalty, cr.Penalized(lam=2.0), fit_intercept=True)
    good = prob.solve(Xs, y)
    assert cr.certificate(prob, Xs, y, good).passed(1e-12)
    # 0.01 off on w_1, with the large column (and the intercept) refitted so that its own
    # residual does not move: the certificate's single scale ||X^T y|| (1e100, that column's)
    # called this 1e-13.
    coef = good.coef.copy()
    coef[1] += 1e-2
    x0, x1 = Xs[:, 0] - Xs[:, 0].mean(), Xs[:, 1] - Xs[:, 1].mean()
    coef[0] -= 1e-2 * (x0 @ x1) / (x0 @ x0)
    intercept = good.intercept - 1e-2 * Xs[:, 1].mean() - (coef[0] - good.coef[0]) * Xs[:, 0].mean()
    wrong = cr.Result(**{**vars(good), "coef": coef, "intercept": intercept})
    assert cr.certificate(prob, Xs, y, wrong).worst > 1e-3


def test_a_users_loss_with_a_domain_keeps_the_solvers_infeasible():
    # -log(eta) is defined for eta > 0 only: a solver's "infeasible" may be true there, and is
    # kept; a built-in loss is defined for every eta, so without constraints it cannot be.
    import cvxpy as cp

    user = cr.Problem(cr.CustomLoss(lambda eta, y: -cp.log(eta)), cr.L1(), cr.Penalized(1.0))
    assert user._impossible("infeasible", "CLARABEL") is None
    assert user._impossible("unbounded", "CLARABEL") is None
    builtin = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    assert "feasible (w = 0 satisfies it)" in builtin._impossible("infeasible", "CLARABEL")
    bounded = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0), bounds=(1.0, 2.0))
    assert bounded._impossible("infeasible", "CLARABEL") is None  # bounds can be infeasible


@pytest.mark.parametrize("s", [1.0, 1e8, 1e100])
@pytest.mark.parametrize("form", ["penalized", "constrained"])
def test_linf_is_polished_on_its_face_to_the_hand_kkt(data, s, form):
    # min 1/2 ||y - X w - b||^2 + lam ||w||_inf (or s.t. ||w||_inf <= t): at the minimizer the
    # gradient g = X^T (X w + b - y) is 0 off the tied set T = argmax |w_j|, and on T
    # -g_j = mu a_j sign(w_j) with a_j >= 0 and sum a_j = 1, so sum_T |g_j| = mu.
    X, y = data
    Xs = X.copy()
    Xs[:, 1] *= s
    fm, mu = (cr.Penalized(lam=3.0), 3.0) if form == "penalized" else (cr.Constrained(t=0.2), None)
    res = cr.Problem(cr.SquaredLoss(), cr.Linf(), fm, fit_intercept=True).solve(Xs, y)
    assert res.status == "optimal" and res.polished, res.message
    w = res.coef
    g = Xs.T @ (Xs @ w + res.intercept - y)
    scale = np.linalg.norm(Xs.T @ y, ord=np.inf) / np.linalg.norm(Xs, axis=0)  # each column's units
    m = np.max(np.abs(w))
    tied = np.abs(w) >= m * (1 - 1e-12)
    mu = mu if mu is not None else res.dual
    assert 0 < tied.sum() < len(w) and mu > 0
    assert np.all(np.abs(g[~tied]) <= 1e-12 * scale[~tied] * np.linalg.norm(Xs[:, ~tied], axis=0))
    assert np.all(-g[tied] * np.sign(w[tied]) >= -1e-12 * mu)
    assert np.abs(g[tied]).sum() == pytest.approx(mu, rel=1e-11)
    if form == "constrained":
        assert m == pytest.approx(0.2, rel=1e-12)
