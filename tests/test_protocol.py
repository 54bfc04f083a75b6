"""The penalty protocol: each optional method checked against an independent computation,
and a penalty written outside the package gets the reference layer from its own methods."""

from __future__ import annotations

import inspect
import math
from pathlib import Path

import cvxpy as cp
import numpy as np
import pytest
from scipy.optimize import brentq

import cvxreg as cr
from cvxreg.closed_forms import soft_threshold
from tests.conftest import LOSSES, PENALTIES, REFUSED, TIGHT, D, regression_data


def _supports(method, *args) -> bool:
    try:
        method(*args)
    except cr.NotSupportedError:
        return False
    return True


V = np.array([1.7, -0.4, 0.05, -2.3])
STEP = 0.7
WITH_PROX = [p for p in PENALTIES if _supports(p.prox, V, STEP)]
WITH_PROJECT = [p for p in PENALTIES if _supports(p.project, V, 1.0)]


def test_every_exported_class_is_in_the_test_tables():
    exported = [getattr(cr, name) for name in cr.__all__]
    classes = [c for c in exported if inspect.isclass(c) and issubclass(c, cr.Penalty | cr.Loss)]
    abstract = {cr.Penalty, cr.Separable, cr.Norm, cr.Loss}
    tabled = {type(x) for x in [*PENALTIES, *REFUSED, *LOSSES]}
    # A loss with a (d, K) matrix of coefficients has its own suite, not the single-output tables.
    # So does a penalty with one parameter per term (a vector lam or t).
    own_suite = {c for c in classes if getattr(c, "multi_output", False)}
    text = (Path(__file__).parent / "test_multinomial.py").read_text()
    assert all(c.__name__ in text for c in own_suite)
    several = {cr.Composite}
    assert "Composite(" in (Path(__file__).parent / "test_composite.py").read_text()
    own_suite |= several
    missing = [c.__name__ for c in classes if c not in abstract | own_suite and c not in tabled]
    assert not missing, f"add a row for {missing} to tests/conftest.py"


def test_problem_file_names_are_the_registry_of_every_named_class():
    from cvxreg.exercises import LOSSES as FILE_LOSSES
    from cvxreg.exercises import PENALTIES as FILE_PENALTIES

    exported = [getattr(cr, name) for name in cr.__all__]
    named = {c.__dict__["file_name"]: c for c in exported if inspect.isclass(c) and c.__dict__.get("file_name")}
    registered = {**FILE_PENALTIES, **FILE_LOSSES}
    assert named == {k: v for k, v in registered.items() if v.__module__.startswith("cvxreg.")}
    # every table row's class is reachable by the name it declares
    for obj in [*PENALTIES, *LOSSES]:
        name = type(obj).__dict__.get("file_name")
        if name is not None:
            assert registered[name] is type(obj)


def test_a_class_defined_anywhere_is_found_by_its_name(monkeypatch):
    from cvxreg.exercises import PENALTIES as FILE_PENALTIES
    from cvxreg.sklearn import CvxRegressor

    monkeypatch.setattr(FILE_PENALTIES, "_classes", dict(FILE_PENALTIES._classes))  # the test's classes leave

    class TwiceL1(cr.Penalty):
        is_norm = True
        file_name = "twice_l1_for_a_test"

        def __init__(self, c: float = 2.0) -> None:
            self.c = c

        def expr(self, w):
            return self.c * cp.norm1(w)

        def value(self, w):
            return self.c * float(np.sum(np.abs(w)))

    assert FILE_PENALTIES["twice_l1_for_a_test"] is TwiceL1
    X, y = regression_data(n=30, d=4)
    est = CvxRegressor(penalty="twice_l1_for_a_test", penalty_params={"c": 3.0}, lam=0.5, scale="sum",
                       fit_intercept=False).fit(X, y)  # fmt: skip
    # Independent: 3 * 0.5 * ||w||_1 is the lasso at lam = 1.5, solved by CVXPY directly.
    w = cp.Variable(4)
    cp.Problem(cp.Minimize(0.5 * cp.sum_squares(y - X @ w) + 1.5 * cp.norm1(w))).solve(**TIGHT)
    assert np.allclose(est.coef_, w.value, atol=1e-6)
    # Defined again under the same module and name (a re-run cell): replaced, not refused.
    class TwiceL1(cr.Penalty):
        file_name = "twice_l1_for_a_test"

    assert FILE_PENALTIES["twice_l1_for_a_test"] is TwiceL1
    # Another class may not take a name in use: the error names both.
    with pytest.raises(cr.InvalidParameterError, match=r"'l1' already names the penalty cvxreg.*L1"):
        type("Other", (cr.Penalty,), {"file_name": "l1"})
    with pytest.raises(cr.InvalidParameterError, match="lower-case identifier"):
        type("Bad", (cr.Penalty,), {"file_name": "Not A Name"})


def test_estimators_take_their_own_parameters_from_what_the_penalty_declares():
    from cvxreg.sklearn import CvxRegressor

    X, y = regression_data(n=30, d=4)
    with pytest.raises(cr.InvalidParameterError, match=r"'l1_ratio'.*None unless the penalty takes it"):
        CvxRegressor(penalty="l1", l1_ratio=0.5).fit(X, y)
    with pytest.raises(cr.InvalidParameterError, match=r"'p'.*a value for penalty='lp'"):
        CvxRegressor(penalty="lp").fit(X, y)
    assert CvxRegressor(penalty="lp", p=3).problem().penalty == cr.Lp(3)
    assert CvxRegressor(penalty="elastic_net").problem().penalty == cr.ElasticNet(0.5)


@pytest.mark.parametrize("penalty", WITH_PROX, ids=repr)
def test_prox_is_the_argmin_and_satisfies_the_subgradient_inclusion(penalty):
    u = penalty.prox(V, STEP)
    # Independent: the argmin of 1/2||u - v||^2 + step R(u) by a tight CVXPY solve of R's expression.
    x = cp.Variable(D)
    cp.Problem(cp.Minimize(0.5 * cp.sum_squares(x - V) + STEP * penalty.expr(x))).solve(**TIGHT)
    assert np.allclose(u, x.value, atol=1e-6)
    # v - prox(v) lies in step * dR(prox(v)): the projection onto that set is at distance 0.
    g, cons = penalty.subdifferential(u, 1e-9)
    dist = cp.Problem(cp.Minimize(cp.norm2((V - u) / STEP - g)), cons)
    dist.solve(**TIGHT)
    assert dist.value <= 1e-7


W_KINKED = np.array([0.0, -0.8, 0.0, 1.3])
WITH_DISTANCE = [p for p in PENALTIES if _supports(p.subdifferential_distance, W_KINKED, V, 1e-12)]


@pytest.mark.parametrize("w", [W_KINKED, np.zeros(D), np.array([0.5, -0.5, 2.0, 0.1])], ids=["kinked", "zero", "dense"])
@pytest.mark.parametrize("penalty", WITH_DISTANCE, ids=repr)
def test_numpy_subdifferential_distance_equals_the_projection(penalty, w):
    # The certificate's fast path against the same distance computed by projecting onto the
    # CVXPY description of dR(w).
    g, cons = penalty.subdifferential(w, 1e-12)
    proj = cp.Problem(cp.Minimize(cp.norm2(V - g)), cons)
    proj.solve(**TIGHT)
    assert penalty.subdifferential_distance(w, V, 1e-12) == pytest.approx(proj.value, abs=1e-7)


@pytest.mark.parametrize("penalty", [p for p in WITH_PROX if p.is_norm], ids=repr)
def test_moreau_identity_for_norms(penalty):
    # v = prox_{sR}(v) + s P_{R* <= 1}(v / s): the rest r = (v - u)/s is in the dual unit ball and
    # attains <r, u> = R(u) (Fenchel equality).
    u = penalty.prox(V, STEP)
    r = (V - u) / STEP
    assert penalty.dual_norm(r) <= 1 + 1e-12
    assert float(r @ u) == pytest.approx(penalty.value(u), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("penalty", WITH_PROJECT, ids=repr)
@pytest.mark.parametrize("t", [0.5, 1.5])
def test_project_is_the_ball_projection_with_its_multiplier(penalty, t):
    w, mu = penalty.project(V, t)
    x = cp.Variable(D)
    con = penalty.expr(x) <= t
    cp.Problem(cp.Minimize(0.5 * cp.sum_squares(x - V)), [con]).solve(solver="SCS", eps_abs=1e-11, eps_rel=1e-11)
    assert np.allclose(w, x.value, atol=1e-6)
    assert mu == pytest.approx(float(np.ravel(con.dual_value)[0]), abs=1e-5)
    assert penalty.value(w) <= t * (1 + 1e-12)


def test_base_methods_say_not_supported_with_the_penalty_named():
    class Bare(cr.Penalty):
        pass

    for call in (
        lambda p: p.expr(cp.Variable(2)),
        lambda p: p.value(np.zeros(2)),
        lambda p: p.prox(np.zeros(2), 1.0),
        lambda p: p.dual_norm(np.zeros(2)),
        lambda p: p.project(np.zeros(2), 1.0),
    ):
        with pytest.raises(cr.NotSupportedError, match="Bare"):
            call(Bare())


# -------------------------------------------------------------------- a user's own penalty
class L1PlusL2(cr.Penalty):
    """R(w) = ||w||_1 + ||w||_2 (the sparse group lasso with one group), written as a user would:
    expr, value, prox and dual_norm only."""

    is_norm = True

    def expr(self, w):
        return cp.norm1(w) + cp.norm2(w)

    def value(self, w):
        return float(np.sum(np.abs(w)) + np.linalg.norm(w))

    def prox(self, v, step):
        # prox of s(||.||_1 + ||.||_2) = block soft threshold of the soft threshold
        # (Simon, Friedman, Hastie & Tibshirani, J. Comp. Graph. Stat. 22, 2013).
        s = soft_threshold(v, step)
        ns = np.linalg.norm(s)
        return np.zeros_like(s) if ns <= step else (1 - step / ns) * s

    def dual_norm(self, z):
        # z in lam (B_inf + B_2)  <=>  ||S(z, lam)||_2 <= lam; the left side decreases in lam.
        z = np.asarray(z, dtype=float)
        if not np.any(z):
            return 0.0
        return brentq(lambda lam: np.linalg.norm(soft_threshold(z, lam)) - lam, 0.0, np.max(np.abs(z)), xtol=1e-15)


def _orthonormal(n: int = 30, d: int = D, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.standard_normal((n, d)))[0]
    return Q, Q @ np.array([3.0, -2.0, 0.3, 0.0]) + 0.1 * rng.standard_normal(n)


def test_users_penalty_gets_a_closed_form_reference_on_an_orthonormal_design():
    Q, y = _orthonormal()
    prob = cr.Problem(cr.SquaredLoss(), L1PlusL2(), cr.Penalized(0.9))
    ref = prob.reference(Q, y)
    assert ref is not None and ref.solver == "closed_form"
    solved = prob.solve(Q, y, **TIGHT)
    assert np.allclose(ref.coef, solved.coef, atol=1e-6)
    assert ref.objective <= solved.objective + 1e-9
    assert prob.reference(*regression_data(d=D)) is None  # not orthonormal: no closed form


def test_users_penalty_gets_lambda_max_from_its_dual_norm():
    X, y = regression_data(d=D, seed=5)
    prob = cr.Problem(cr.SquaredLoss(), L1PlusL2(), cr.Penalized(1.0))
    lam_max = prob.lambda_max(X, y)
    above = prob.with_form(cr.Penalized(lam_max * 1.001)).solve(X, y, **TIGHT)
    below = prob.with_form(cr.Penalized(lam_max * 0.99)).solve(X, y, **TIGHT)
    assert np.max(np.abs(above.coef)) < 1e-7
    assert np.max(np.abs(below.coef)) > 1e-4


def test_users_penalty_gets_a_certificate_that_tells_right_from_wrong():
    X, y = regression_data(d=D, seed=6)
    prob = cr.Problem(cr.SquaredLoss(), L1PlusL2(), cr.Penalized(3.0))
    right = cr.most_accurate_solve(prob, X, y)
    assert right.certificate.passed(1e-6), right.certificate
    wrong = cr.Result(coef=right.coef + 1e-3, intercept=0.0, objective=math.nan, status="optimal", solver="x")
    assert not cr.certificate(prob, X, y, wrong).passed(1e-6)


def test_subclass_of_a_builtin_keeps_its_closed_form():
    class MyL1(cr.L1):
        pass

    Q, y = _orthonormal()
    ref = cr.Problem(cr.SquaredLoss(), MyL1(), cr.Penalized(0.4)).reference(Q, y)
    assert ref is not None and ref.solver == "closed_form"
    assert np.allclose(ref.coef, soft_threshold(Q.T @ y, 0.4), atol=1e-14)
    con = cr.Problem(cr.SquaredLoss(), MyL1(), cr.Constrained(1.0)).reference(Q, y)
    assert con is not None and abs(np.sum(np.abs(con.coef)) - 1.0) < 1e-12


# ------------------------------------------------------------------------ lam_max with bounds
def _signed_data(seed: int = 8) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((60, 6))
    y = X @ np.array([0.5, -3.0, 0.2, 0.0, 1.0, -0.4]) + 0.3 * rng.standard_normal(60)
    return X, y


def test_lambda_max_with_nonnegative_bounds_matches_scikit_learn_positive():
    lm = pytest.importorskip("sklearn.linear_model")
    X, y = _signed_data()
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.ElasticNet(0.5), cr.Penalized(1.0), bounds=(0, None))
    lam_max = prob.lambda_max(X, y)
    alphas, _, _ = lm.enet_path(X, y, l1_ratio=0.5, positive=True)
    assert lam_max == pytest.approx(alphas[0], rel=1e-12)
    unbounded = prob.with_form(cr.Penalized(1.0))
    free = cr.Problem(unbounded.loss, unbounded.penalty, unbounded.form).lambda_max(X, y)
    assert lam_max < free  # the most negative correlation no longer counts
    # scikit-learn's own solver: zero at lam_max, not below it.
    at = lm.ElasticNet(alpha=lam_max * (1 + 1e-9), l1_ratio=0.5, positive=True, fit_intercept=False, tol=1e-14)
    below = lm.ElasticNet(alpha=lam_max * 0.99, l1_ratio=0.5, positive=True, fit_intercept=False, tol=1e-14)
    assert not np.any(at.fit(X, y).coef_) and np.any(below.fit(X, y).coef_)


def test_lambda_max_is_infinite_when_bounds_exclude_zero():
    X, y = _signed_data()
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0), bounds=(1, None))
    assert prob.lambda_max(X, y) == math.inf


@pytest.mark.parametrize("bounds", [(0, None), (None, 0), ([0, -np.inf, 0, -1, 0, 0], [np.inf, 0, 1, 1, 0, 2])])
@pytest.mark.parametrize("penalty", [cr.L1(), cr.L2(), cr.GroupLasso([[0, 1], [2, 3, 4], [5]]), cr.ElasticNet(0.7)])
def test_lambda_max_with_bounds_is_where_zero_starts(penalty, bounds):
    X, y = _signed_data()
    prob = cr.Problem(cr.SquaredLoss(), penalty, cr.Penalized(1.0), bounds=bounds)
    lam_max = prob.lambda_max(X, y)
    at = prob.with_form(cr.Penalized(lam_max * 1.001)).solve(X, y, **TIGHT)
    below = prob.with_form(cr.Penalized(lam_max * 0.98)).solve(X, y, **TIGHT)
    assert np.max(np.abs(at.coef)) < 1e-6
    assert np.max(np.abs(below.coef)) > 1e-5


def test_total_variation_with_bounds_reaches_zero_only_when_the_best_constant_is_zero():
    # TV's large-lam limit is the best constant vector c 1. Here sum(X^T y) < 0, so the loss
    # prefers c < 0: under w <= 0 it is reached and w = 0 never is (lam_max = inf); under w >= 0
    # the constant is held at 0, so w = 0 from a finite lam_max on.
    X, y = _signed_data()
    assert np.sum(X.T @ y) < 0
    below_zero = cr.Problem(cr.SquaredLoss(), cr.TotalVariation(), cr.Penalized(1.0), bounds=(None, 0))
    assert below_zero.lambda_max(X, y) == math.inf
    big = below_zero.with_form(cr.Penalized(1e4)).solve(X, y, **TIGHT)
    assert np.all(big.coef < -1e-3) and np.ptp(big.coef) < 1e-6
    above_zero = cr.Problem(cr.SquaredLoss(), cr.TotalVariation(), cr.Penalized(1.0), bounds=(0, None))
    lam_max = above_zero.lambda_max(X, y)
    assert math.isfinite(lam_max)
    at = above_zero.with_form(cr.Penalized(lam_max * 1.001)).solve(X, y, **TIGHT)
    below = above_zero.with_form(cr.Penalized(lam_max * 0.98)).solve(X, y, **TIGHT)
    assert np.max(np.abs(at.coef)) < 1e-6 and np.max(np.abs(below.coef)) > 1e-5


def test_lambda_max_with_zero_factors_for_any_loss():
    X, y = _signed_data()
    labels = np.where(y > 0, 1.0, -1.0)
    for loss, target in ((cr.LogisticLoss(), labels), (cr.AbsoluteLoss(), y), (cr.HuberLoss(1.0), y)):
        prob = cr.Problem(loss, cr.L1(factors=[0, 1, 1, 1, 1, 1]), cr.Penalized(1.0))
        lam_max = prob.lambda_max(X, target)
        at = prob.with_form(cr.Penalized(lam_max * 1.001)).solve(X, target, **TIGHT)
        below = prob.with_form(cr.Penalized(lam_max * 0.97)).solve(X, target, **TIGHT)
        assert np.max(np.abs(at.coef[1:])) < 1e-6, loss
        assert np.max(np.abs(below.coef[1:])) > 1e-5, loss


def test_every_protocol_hook_is_in_the_docs():
    # A penalty or loss written outside cvxreg finds every hook it may define in one table.
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "extending.md").read_text()
    for cls in (cr.Penalty, cr.Loss, cr.Separable, cr.Norm):
        missing = [n for n in vars(cls) if not n.startswith("_") and f"`{n}" not in text]
        assert not missing, f"{cls.__name__}: {missing} not in docs/extending.md"


# The arguments each optional hook is called with to see whether it answers.
_W = np.array([0.0, -0.8, 0.0, 1.3])
_CALLS = {
    "prox": (V, STEP), "dual_norm": (V,), "dual_norm_expr": (cp.Variable(D),), "project": (V, 1.0),
    "subdifferential": (_W, 1e-9), "subdifferential_distance": (_W, V, 1e-12), "zero_violation": (V, 1.0),
    "zero_pattern": (_W, 1e-9), "gradient": (_W,), "linear_piece": (_W, 1e-9), "one_sided_derivative": (_W, 1),
    "curvature": (_W, np.array([False, True, False, True])), "restrict": (np.array([True, True, False, True]),),
    "with_extra_coefficient": (), "as_elastic_net": (), "as_generalized_lasso": (D,), "blocks": (D,),
}  # fmt: skip
#: Declared by the class, refused by this instance on these inputs (the documented exceptions).
_INSTANCE_REFUSALS = {("GroupLasso", "restrict"), ("WeightedSum", "dual_norm")}


@pytest.mark.parametrize("penalty", PENALTIES, ids=repr)
def test_declared_capabilities_are_what_the_penalty_answers(penalty):
    for hook, args in _CALLS.items():
        try:
            getattr(penalty, hook)(*args)
            works = True
        except cr.NotSupportedError:
            works = False
        declared = penalty.supports(hook)
        assert declared == (hook in penalty.capabilities())
        if (type(penalty).__name__, hook) not in _INSTANCE_REFUSALS:
            assert declared == works, (hook, declared, works)
        else:
            assert declared or not works, hook


@pytest.mark.parametrize("loss", LOSSES, ids=repr)
def test_declared_capabilities_are_what_the_loss_answers(loss):
    eta, y = np.array([0.3, -1.0]), np.array([1.0, -1.0])
    calls = {"derivative": (eta, y), "second_derivative": (eta, y), "probability": (eta,),
             "conjugate_sum": (np.array([0.1, -0.2]), y, np.ones(2))}  # fmt: skip
    for hook, args in calls.items():
        try:
            getattr(loss, hook)(*args)
            works = True
        except cr.NotSupportedError:
            works = False
        assert loss.supports(hook) == works, hook


def test_a_base_that_derives_a_hook_supports_it_only_with_what_it_needs():
    class Bare(cr.Separable):
        def expr(self, w):
            return cp.sum(cp.abs(w))

        def value(self, w):
            return float(np.sum(np.abs(w)))

    class WithProx(Bare):
        def prox_1d(self, x, tau):
            return np.sign(x) * np.maximum(np.abs(x) - tau, 0)

    assert not Bare().supports("prox") and not Bare().supports("subdifferential")
    assert WithProx().supports("prox") and not WithProx().supports("subdifferential")
    assert cr.Norm.supports(cr.SortedL1([1.0]), "project")
