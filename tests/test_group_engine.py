"""The group lasso by block coordinate descent on the Gram model: checked against its
hand-derived KKT conditions and, where installed, celer's GroupLasso at a tight tolerance."""

from __future__ import annotations

import numpy as np
import pytest

import cvxreg as cr


def _data(seed=0, n=300, groups=12, size=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, groups * size)) + 0.5  # off-centre columns: the intercept matters
    w = np.zeros(groups * size)
    w[: 3 * size] = rng.standard_normal(3 * size)
    return X, X @ w + 2.0 + 0.5 * rng.standard_normal(n)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_group_lasso_satisfies_its_kkt(fit_intercept, weighted):
    X, y = _data()
    rng = np.random.default_rng(1)
    s = rng.uniform(0.5, 2.0, len(y)) if weighted else None
    sizes = [3] * 12
    weights = rng.uniform(0.5, 2.0, 12)
    weights[5] = 0.0  # an unpenalized group
    lam = 0.2
    prob = cr.Problem(
        cr.SquaredLoss(scale="mean"), cr.GroupLasso(sizes=sizes, weights=weights), cr.Penalized(lam),
        fit_intercept=fit_intercept,
    )  # fmt: skip
    res = prob.solve(X, y, sample_weight=s)
    assert res.solver == "cvxreg-bcd" and res.status == "optimal" and res.polished, res.message
    sw = np.ones(len(y)) if s is None else s
    r = sw * (y - X @ res.coef - res.intercept) / sw.sum()  # -grad of the mean loss in eta
    z = X.T @ r
    scale = np.linalg.norm(X.T @ (sw * y) / sw.sum())
    for g in range(12):
        idx = slice(3 * g, 3 * g + 3)
        wg, zg, cg = res.coef[idx], z[idx], lam * weights[g]
        if np.any(wg != 0):  # z_g = lam c_g w_g / ||w_g||
            np.testing.assert_allclose(zg, cg * wg / np.linalg.norm(wg), atol=1e-10 * scale)
        else:
            assert np.linalg.norm(zg) <= cg * (1 + 1e-10)
    assert np.any(res.coef == 0) and np.any(res.coef != 0)
    if fit_intercept:
        assert abs(float(r.sum())) <= 1e-12 * np.abs(y).max()


def test_group_lasso_equals_celer():
    celer = pytest.importorskip("celer")
    X, y = _data(seed=3, n=500, groups=20, size=4)
    X = X - X.mean(0)
    y = y - y.mean()
    alpha = 0.05
    penalty = cr.GroupLasso(sizes=[4] * 20, weights=np.ones(20))
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), penalty, cr.Penalized(alpha))
    res = prob.solve(X, y)
    ref = celer.GroupLasso(groups=4, alpha=alpha, fit_intercept=False, tol=1e-14, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(res.coef, ref.coef_, atol=1e-9)


def test_overlapping_or_named_solvers_keep_their_route():
    X, y = _data()
    lam = 0.2
    named = cr.Problem(cr.SquaredLoss(scale="mean"), cr.GroupLasso(sizes=[3] * 12), cr.Penalized(lam)).solve(
        X, y, solver="CLARABEL"
    )
    assert named.solver == "CLARABEL"
    mine = cr.Problem(cr.SquaredLoss(scale="mean"), cr.GroupLasso(sizes=[3] * 12), cr.Penalized(lam)).solve(X, y)
    np.testing.assert_allclose(mine.coef, named.coef, atol=1e-6)


@pytest.mark.parametrize("loss", [cr.LogisticLoss(), cr.PoissonLoss(), cr.HuberLoss(1.0)], ids=repr)
def test_smooth_losses_with_a_group_lasso_satisfy_their_kkt(loss):
    rng = np.random.default_rng(4)
    n, groups, size = 400, 10, 3
    X = rng.standard_normal((n, groups * size))
    w = np.zeros(groups * size)
    w[:6] = rng.standard_normal(6)
    eta = X @ w + 0.3
    if isinstance(loss, cr.LogisticLoss):
        y, psi = np.where(eta + 0.5 * rng.standard_normal(n) > 0, 1.0, -1.0), None
    elif isinstance(loss, cr.PoissonLoss):
        y = rng.poisson(np.exp(0.3 * eta)).astype(float)
    else:
        y = eta + rng.standard_t(2, n)
    lam = 30.0 if isinstance(loss, cr.PoissonLoss) else 4.0  # large enough for some zero groups
    res = cr.Problem(loss, cr.GroupLasso(sizes=[size] * groups), cr.Penalized(lam), fit_intercept=True).solve(X, y)
    assert res.solver == "cvxreg-bcd" and res.status == "optimal", res.message
    f = X @ res.coef + res.intercept
    if isinstance(loss, cr.LogisticLoss):  # d/d eta of log(1 + exp(-y eta))
        psi = -y / (1 + np.exp(y * f))
    elif isinstance(loss, cr.PoissonLoss):  # of exp(eta) - y eta
        psi = np.exp(f) - y
    else:  # of the Huber function of y - eta with M = 1
        psi = -np.clip(y - f, -1.0, 1.0)
    z = -(X.T @ psi)
    scale = np.linalg.norm(X.T @ y)
    assert abs(float(psi.sum())) <= 1e-9 * scale  # the intercept
    for g in range(groups):
        wg, zg = res.coef[3 * g : 3 * g + 3], z[3 * g : 3 * g + 3]
        if np.any(wg != 0):
            np.testing.assert_allclose(zg, lam * np.sqrt(3) * wg / np.linalg.norm(wg), atol=1e-9 * scale)
        else:
            assert np.linalg.norm(zg) <= lam * np.sqrt(3) * (1 + 1e-9)
    assert np.any(res.coef == 0) and np.any(res.coef != 0)


def test_a_group_lasso_of_sixty_thousand_groups_builds_in_a_few_atoms():
    # Was one CVXPY norm per group: a problem file of 120,000 indices took 27-49 s to load (the DCP
    # gate builds the expression). Now one column-norm atom per group size, the same function.
    import cvxpy as cp

    groups = [[i, i + 1] for i in range(0, 120_000, 2)]
    pen = cr.GroupLasso(groups)
    cr.Problem(cr.SquaredLoss(), pen, cr.Penalized(1.0))  # the DCP gate builds the expression
    w = np.random.default_rng(0).standard_normal(120_000)
    v = cp.Variable(120_000)
    v.value = w
    expression = pen.expr(v)

    def nodes(e) -> int:
        return 1 + sum(nodes(a) for a in e.args)

    assert nodes(expression) < 20  # a few atoms, not 60000 norms
    assert expression.value == pytest.approx(pen.value(w), rel=1e-12)
    mixed = cr.GroupLasso([[3, 0], [1, 4, 2], [5]], [0.0, 2.0, 1.5])
    u = cp.Variable(6)
    u.value = w[:6]
    assert mixed.expr(u).value == pytest.approx(mixed.value(w[:6]), rel=1e-12)


def _psi(loss, y, f):
    """The loss's derivative in eta, by hand."""
    if isinstance(loss, cr.LogisticLoss):  # log(1 + exp(-y eta))
        return -y / (1 + np.exp(y * f))
    if isinstance(loss, cr.PoissonLoss):  # exp(eta) - y eta
        return np.exp(f) - y
    if isinstance(loss, cr.HuberLoss):  # the Huber function of y - eta, M = 1
        return -np.clip(y - f, -1.0, 1.0)
    return (f - y) / len(y)  # the mean squared loss, 1/(2n) sum (y - eta)^2


@pytest.mark.parametrize("layout", ["sparse", "wide"])
@pytest.mark.parametrize(
    "loss", [cr.LogisticLoss(), cr.PoissonLoss(), cr.HuberLoss(1.0), cr.SquaredLoss(scale="mean")], ids=repr
)
def test_working_sets_of_groups_on_sparse_or_wide_data_meet_the_hand_kkt(loss, layout):
    # Was: CVXPY (Clarabel) on a working set, 0.7-9 s on 5000 x 2000; now proximal Newton on
    # working sets of blocks, with the Newton systems of sparse columns formed row by row.
    import scipy.sparse as sp

    rng = np.random.default_rng(5)
    n, groups, size = 400, 120, 3  # 360 columns: beyond the Gram model's 300
    X = sp.random(n, groups * size, density=0.1, format="csr", random_state=rng) * 3 if layout == "sparse" else (
        rng.standard_normal((n, groups * size)))  # fmt: skip
    w = np.zeros(groups * size)
    w[:9] = rng.standard_normal(9)
    eta = X @ w + 0.3
    if isinstance(loss, cr.LogisticLoss):
        y = np.where(eta + 0.5 * rng.standard_normal(n) > 0, 1.0, -1.0)
    elif isinstance(loss, cr.PoissonLoss):
        y = rng.poisson(np.exp(0.3 * eta)).astype(float)
    else:
        y = eta + rng.standard_t(2, n)
    prob = cr.Problem(loss, cr.GroupLasso(sizes=[size] * groups), cr.Penalized(1.0), fit_intercept=True)
    lam = 0.3 * prob.lambda_max(X, y)
    res = prob.with_form(cr.Penalized(lam)).solve(X, y)
    assert res.solver == "cvxreg-bcd" and res.status == "optimal" and res.certificate.passed(1e-9), res.message
    psi = _psi(loss, y, X @ res.coef + res.intercept)
    z = -np.asarray(X.T @ psi).ravel()
    scale = np.linalg.norm(np.asarray(X.T @ _psi(loss, y, np.zeros(n))))
    assert abs(float(psi.sum())) <= 1e-9 * scale  # the intercept
    on = 0
    for g in range(groups):
        wg, zg = res.coef[size * g : size * g + size], z[size * g : size * g + size]
        if np.any(wg != 0):
            on += 1
            np.testing.assert_allclose(zg, lam * np.sqrt(size) * wg / np.linalg.norm(wg), atol=1e-9 * scale)
        else:
            assert np.linalg.norm(zg) <= lam * np.sqrt(size) * (1 + 1e-9)
    assert 0 < on < groups


def test_sparse_group_lasso_equals_celer():
    celer = pytest.importorskip("celer")
    import scipy.sparse as sp

    rng = np.random.default_rng(6)
    X = sp.random(600, 400, density=0.05, format="csc", random_state=rng)
    y = X @ np.r_[rng.standard_normal(12), np.zeros(388)] + 0.1 * rng.standard_normal(600)
    alpha = 0.002
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.GroupLasso(sizes=[4] * 100, weights=np.ones(100)),
                      cr.Penalized(alpha))  # fmt: skip
    res = prob.solve(X, y)
    assert res.solver == "cvxreg-bcd"
    ref = celer.GroupLasso(groups=4, alpha=alpha, fit_intercept=False, tol=1e-14, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(res.coef, ref.coef_, atol=1e-9)
    assert np.any(res.coef == 0)


def test_working_sets_start_from_an_intercept_alone():
    # Every group at zero from the start (lam above lam_max): the first working set is empty and
    # only the intercept moves. Was a crash (an empty list of columns) waiting to happen.
    import scipy.sparse as sp

    rng = np.random.default_rng(7)
    X = sp.random(300, 400, density=0.05, format="csr", random_state=rng)
    y = np.where(rng.standard_normal(300) > 0.5, 1.0, -1.0)
    prob = cr.Problem(cr.LogisticLoss(), cr.GroupLasso(sizes=[4] * 100), cr.Penalized(1.0), fit_intercept=True)
    res = prob.with_form(cr.Penalized(2.0 * prob.lambda_max(X, y))).solve(X, y)
    assert res.solver == "cvxreg-bcd" and res.status == "optimal" and not np.any(res.coef)
    p = np.mean(y > 0)
    assert res.intercept == pytest.approx(np.log(p / (1 - p)), abs=1e-9)  # the log-odds of the classes


def test_a_group_lasso_path_on_sparse_data_is_warm_started_and_equals_celer():
    celer = pytest.importorskip("celer")
    import scipy.sparse as sp

    rng = np.random.default_rng(8)
    X = sp.random(500, 400, density=0.05, format="csc", random_state=rng)
    y = X @ np.r_[rng.standard_normal(20), np.zeros(380)] + 0.1 * rng.standard_normal(500)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.GroupLasso(sizes=[4] * 100, weights=np.ones(100)),
                      cr.Penalized(1.0))  # fmt: skip
    path = prob.path(X, y, n_lams=8, eps=0.05)
    assert set(path.methods) == {"engine"} and all(c.passed(1e-9) for c in path.certificates)
    for lam, coef in zip(path.lams, path.coefs, strict=True):
        ref = celer.GroupLasso(groups=4, alpha=lam, fit_intercept=False, tol=1e-14, max_iter=10_000).fit(X, y)
        np.testing.assert_allclose(coef, ref.coef_, atol=1e-9)
