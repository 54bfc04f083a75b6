"""Every user-facing error: its type, and a message naming the argument, what came, what is allowed."""

from __future__ import annotations

import math

import cvxpy as cp
import numpy as np
import pytest
import scipy.sparse as sp

import cvxreg as cr
from tests.conftest import regression_data

X, Y = regression_data(n=12, d=3)


def lasso() -> cr.Problem:
    return cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))


# (id, thunk, substrings that the message must contain)
PARAMETER_ERRORS = [
    ("lam-negative", lambda: cr.Penalized(-1.0), ["'lam'", "Penalized", ">= 0", "-1.0"]),
    ("lam-nan", lambda: cr.Penalized(float("nan")), ["'lam'", "nan"]),
    ("lam-string", lambda: cr.Penalized("big"), ["'lam'", "'big'"]),
    ("lam-bool", lambda: cr.Penalized(True), ["'lam'", "True", "bool"]),
    ("t-inf", lambda: cr.Constrained(math.inf), ["'t'", "Constrained", "finite", "inf"]),
    ("t-negative", lambda: cr.Constrained(-0.1), ["'t'", "-0.1"]),
    ("l1_ratio", lambda: cr.ElasticNet(1.5), ["'l1_ratio'", "ElasticNet", "[0, 1]", "1.5"]),
    ("huber-M", lambda: cr.HuberLoss(0.0), ["'M'", "HuberLoss", "> 0", "0.0"]),
    ("quantile-tau-0", lambda: cr.QuantileLoss(0.0), ["'tau'", "QuantileLoss", "(0, 1)", "0.0"]),
    ("quantile-tau-1", lambda: cr.QuantileLoss(1.0), ["'tau'", "(0, 1)"]),
    ("scale", lambda: cr.SquaredLoss(scale="avg"), ["'scale'", "'sum'", "'mean'", "'avg'"]),
    ("p-zero", lambda: cr.Lp(0), ["'p'", "Lp", ">= 1", "Got 0"]),
    ("p-negative", lambda: cr.Lp(-2), ["'p'", "-2"]),
    ("p-bool", lambda: cr.Lp(True), ["'p'", "True"]),
    ("p-none", lambda: cr.Lp(None), ["'p'", "None"]),
    ("p-complex", lambda: cr.Lp(2 + 1j), ["'p'", "complex"]),
    ("p-nan", lambda: cr.Lp(float("nan")), ["'p'", "nan"]),
    ("p-string", lambda: cr.Lp("two"), ["'p'", "'two'"]),
    ("lppower-huge", lambda: cr.LpPower(5000), ["'p'", "LpPower", "[1, 2048]", "5000"]),
    ("lppower-inf", lambda: cr.LpPower("inf"), ["'p'", "LpPower", "Linf()"]),
    ("factors-negative", lambda: cr.L1(factors=[1, -1]), ["'factors'", "L1", ">= 0", "-1.0"]),
    ("factors-2d", lambda: cr.SquaredL2(factors=[[1, 2]]), ["'factors'", "shape (1, 2)"]),
    ("groups-overlap", lambda: cr.GroupLasso([[0, 1], [1, 2]]), ["'groups'", "GroupLasso", "partition", "[1]"]),
    ("groups-empty", lambda: cr.GroupLasso([]), ["'groups'", "[]"]),
    ("groups-weights", lambda: cr.GroupLasso([[0], [1]], weights=[1.0]), ["'weights'", "2 numbers", "1 weights"]),
    ("custom-not-callable", lambda: cr.CustomPenalty(3), ["'fn'", "callable", "3"]),
    ("problem-loss", lambda: cr.Problem("squared", cr.L1(), cr.Penalized(1)), ["'loss'", "Loss", "'squared'"]),
    ("problem-form", lambda: cr.Problem(cr.SquaredLoss(), cr.L1(), 1.0), ["'form'", "Form", "1.0"]),
    (
        "fit_intercept",
        lambda: cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1), fit_intercept="yes"),
        ["'fit_intercept'", "True or False", "'yes'"],
    ),
    (
        "bounds-order",
        lambda: cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1), bounds=(1, 0)),
        ["'bounds'", "lower <= upper", "above"],
    ),
    ("bounds-shape", lambda: cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1), bounds=(0,)), ["'bounds'", "pair"]),
]

DATA_ERRORS = [
    ("X-nan", lambda: lasso().solve(np.where(np.eye(12, 3) > 0, np.nan, X), Y), ["'X'", "3 NaN or infinite"]),
    ("X-1d", lambda: lasso().solve(X[:, 0], Y), ["'X'", "2-D", "shape (12,)"]),
    ("X-empty", lambda: lasso().solve(np.empty((0, 3)), np.empty(0)), ["'X'", "non-empty", "(0, 3)"]),
    ("X-strings", lambda: lasso().solve(np.array([["a", "b"]] * 12), Y), ["'X'", "dtype <U1"]),
    (
        "X-sparse-inf",
        lambda: lasso().solve(sp.csr_matrix(np.where(np.eye(12, 3) > 0, np.inf, X)), Y),
        ["'X'", "sparse", "infinite"],
    ),
    ("y-length", lambda: lasso().solve(X, Y[:-1]), ["'y'", "12 finite numbers", "shape (11,)"]),
    ("y-inf", lambda: lasso().solve(X, np.r_[Y[:-1], np.inf]), ["'y'", "1 NaN or infinite"]),
    ("y-2d", lambda: lasso().solve(X, np.c_[Y, Y]), ["'y'", "shape (12, 2)"]),
    (
        "labels",
        lambda: cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(1)).solve(X, np.round(Y)),
        ["'y'", "Problem.solve", "at most two distinct values", "labels ["],
    ),
    (
        "one-label",
        lambda: cr.Problem(cr.HingeLoss(), cr.L2(), cr.Penalized(1)).solve(X, np.zeros(len(Y))),
        ["'y'", "two are needed", "only the label [0.0]"],
    ),
    (
        "poisson-negative",
        lambda: cr.Problem(cr.PoissonLoss(), cr.L1(), cr.Penalized(1)).solve(X, Y),
        ["'y'", "PoissonLoss", "counts >= 0", "minimum"],
    ),
    ("weights-negative", lambda: lasso().solve(X, Y, sample_weight=-np.ones(12)), ["'sample_weight'", ">= 0"]),
    ("weights-zero", lambda: lasso().solve(X, Y, sample_weight=np.zeros(12)), ["'sample_weight'", "not all zero"]),
    ("weights-length", lambda: lasso().solve(X, Y, sample_weight=np.ones(3)), ["'sample_weight'", "shape (3,)"]),
    (
        "factors-length",
        lambda: cr.Problem(cr.SquaredLoss(), cr.L1(factors=[1, 1]), cr.Penalized(1)).solve(X, Y),
        ["'factors'", "length 3", "length 2"],
    ),
    (
        "groups-partition",
        lambda: cr.Problem(cr.SquaredLoss(), cr.GroupLasso([[0, 1]]), cr.Penalized(1)).solve(X, Y),
        ["'groups'", "partition of the 3 coefficients", "missing indices [2]"],
    ),
    (
        "groups-beyond",
        lambda: cr.Problem(cr.SquaredLoss(), cr.GroupLasso([[0, 1], [2, 3]]), cr.Penalized(1)).solve(X, Y),
        ["'groups'", "beyond 2"],
    ),
    (
        "bounds-length",
        lambda: cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1), bounds=([0, 0], None)).solve(X, Y),
        ["'bounds'", "3 numbers", "length 2"],
    ),
    (
        "solver-unknown",
        lambda: lasso().solve(X, Y, solver="NOPE"),
        ["'solver'", "installed solvers", "'CLARABEL'", "'NOPE'"],
    ),
    (
        "solver-options",
        lambda: lasso().solve(X, Y, solver="CLARABEL", bogus_option=1),
        ["'solver_opts'", "bogus_option"],
    ),
    (
        "custom-raises",
        lambda: cr.Problem(cr.SquaredLoss(), cr.CustomPenalty(lambda w: w[7] ** 2), cr.Penalized(1)).solve(X, Y),
        ["'fn'", "CustomPenalty", "raised"],
    ),
    (
        "custom-vector",
        lambda: cr.Problem(cr.SquaredLoss(), cr.CustomPenalty(cp.abs), cr.Penalized(1)).solve(X, Y),
        ["'fn'", "scalar"],
    ),
]


@pytest.mark.parametrize(
    ("case", "thunk", "needles"), PARAMETER_ERRORS + DATA_ERRORS, ids=lambda v: v if isinstance(v, str) else ""
)
def test_invalid_parameter_messages(case, thunk, needles):
    with pytest.raises(cr.InvalidParameterError) as info:
        thunk()
    msg = str(info.value)
    for needle in needles:
        assert needle in msg, f"{needle!r} not in {msg!r}"
    assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)
    assert isinstance(info.value, cr.CvxregError)


@pytest.mark.parametrize("p", [2, 2.5, 1, 1.0, np.float32(3), np.int64(4), np.inf, float("inf"), "inf", "INF", "Inf"])
def test_p_accepts_reals_and_infinity(p):
    assert cr.Lp(p).p == float(p)


NONCONVEX = [cr.Lp(0.5), cr.LpPower(0.5), cr.Lp(0.99), cr.LpPower(0.3)]


@pytest.mark.parametrize("form", [cr.Penalized(1.0), cr.Constrained(1.0)], ids=repr)
@pytest.mark.parametrize("penalty", NONCONVEX, ids=repr)
def test_p_below_one_is_refused_with_reasons(penalty, form):
    with pytest.raises(cr.DCPError) as info:
        cr.Problem(cr.SquaredLoss(), penalty, form)
    msg = str(info.value)
    for needle in (
        repr(penalty),
        f"p = {penalty.p:g}",
        "is not convex",
        "concave on each orthant only",  # not "concave": on R^n it is neither (issue: the message said so)
        "ball is not a convex set",
        "local minima",
        "p = 1",
        "reweighted-L1",
        "cvxreg.nonconvex.reweighted",
    ):
        assert needle in msg
    assert isinstance(info.value, cp.error.DCPError)


def test_nonconvex_custom_penalty_is_refused():
    with pytest.raises(cr.DCPError, match=r"CustomPenalty\(neg_l1\).*curvature CONCAVE.*convex CVXPY atoms"):
        cr.Problem(cr.SquaredLoss(), cr.CustomPenalty(lambda w: -cp.norm1(w), name="neg_l1"), cr.Penalized(1.0))
    with pytest.raises(cr.DCPError, match="QUASICONVEX"):
        cr.Problem(cr.SquaredLoss(), cr.CustomPenalty(lambda w: cp.sqrt(cp.norm1(w)), name="s"), cr.Constrained(1.0))


def test_custom_penalty_sized_by_data_is_judged_at_build_time():
    # fn needs 5 coefficients: the gate waits for the data, then still refuses the non-convex one.
    bad = cr.Problem(cr.SquaredLoss(), cr.CustomPenalty(lambda w: -cp.abs(w[4])), cr.Penalized(1.0))
    X5 = np.random.default_rng(0).standard_normal((10, 5))
    with pytest.raises(cr.DCPError):
        bad.solve(X5, X5[:, 0])


def test_cvxpy_quirks_are_pinned():
    w = cp.Variable(3)
    with pytest.raises(ValueError, match="Invalid p: 0"):
        cp.pnorm(w, 0)  # bare ValueError from CVXPY; cvxreg validates p first
    assert (cp.pnorm(w, 0.5) >= 1).is_dcp()  # the trap direction: valid DCP, wrong meaning
    assert not (cp.pnorm(w, 0.5) <= 1).is_dcp()
    assert not cp.pnorm(w, 1 + 1e-9).is_convex()  # rational rounding to p = 1


@pytest.mark.parametrize("form", [cr.Penalized(1.0), cr.Constrained(2.0)], ids=repr)
def test_best_subset_l0_is_refused_with_reasons(form):
    with pytest.raises(cr.DCPError) as info:
        cr.Problem(cr.SquaredLoss(), cr.L0(), form)
    msg = str(info.value)
    for needle in ("L0()", "not convex", "NP-hard", "L1()"):
        assert needle in msg
    assert cr.L0().value(np.array([0.0, 2.0, -1.0])) == 2.0


@pytest.mark.parametrize(
    ("thunk", "needles"),
    [
        (lambda: lasso().objective_value(X, Y, [1.0, 2.0]), ["'coef'", "Problem.objective_value", "one per column"]),
        (lambda: lasso().objective_value(X, Y, "abc"), ["'coef'", "'abc'"]),
        (lambda: cr.convert_multiplier("x", "sum", "mean", n=3), ["'mu'", "convert_multiplier"]),
        (lambda: cr.convert_multiplier(float("nan"), "sum", "mean", n=3), ["'mu'", "nan"]),
        (lambda: cr.convert_multiplier(-1.0, "sum", "mean", n=3), ["'mu'", ">= 0"]),
        (lambda: cr.conventions.to_cvxreg("sklearn.Lasso", alpha=-1), ["'alpha'", "to_cvxreg('sklearn.Lasso')"]),
        (lambda: cr.conventions.to_cvxreg("sklearn.Logistic", C=0.0), ["'C'"]),
        (lambda: cr.GroupLasso([[0], [1]], weights=[1.0, -1.0]), ["'weights'", "GroupLasso"]),
        (
            lambda: cr.Problem(cr.SquaredLoss(), cr.CustomPenalty(lambda w: "abc"), cr.Penalized(1)).solve(X, Y),
            ["'fn'", "CustomPenalty", "str"],
        ),
    ],
    ids=["coef-length", "coef-type", "mu-string", "mu-nan", "mu-negative", "alpha", "C", "group-weights", "custom-str"],
)
def test_errors_name_the_argument_the_user_wrote(thunk, needles):
    with pytest.raises(cr.InvalidParameterError) as info:
        thunk()
    for needle in needles:
        assert needle in str(info.value), (needle, str(info.value))
