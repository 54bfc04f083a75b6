"""Property-based fuzzing of the API's entry points (hypothesis): any value of any argument gives
an answer or a typed ``cvxreg`` error naming what was wrong, never another exception."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cvxreg as cr
from cvxreg.errors import CvxregError

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Values a careless or hostile caller passes where a number, an array or a name belongs.
anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(),  # NaN and infinities included
    st.complex_numbers(max_magnitude=1e3),
    st.text(max_size=6),
    st.lists(st.floats(allow_nan=True), max_size=4),
    st.lists(st.lists(st.integers(-3, 3), max_size=3), max_size=3),
    st.just(np.array([[1.0, np.nan]])),
    st.just(np.ma.masked_array([1.0, 2.0], mask=[0, 1])),
    st.just({"a": 1}),
    st.just(object()),
)

LOSSES = [cr.SquaredLoss, cr.AbsoluteLoss, cr.HuberLoss, cr.QuantileLoss, cr.LogisticLoss, cr.HingeLoss, cr.PoissonLoss]
PENALTIES = [cr.L1, cr.SquaredL2, cr.L2, cr.Linf, cr.ElasticNet, cr.Lp, cr.TotalVariation, cr.GroupLasso]


def _by_name(cls, value):
    """``cls`` with ``value`` for each of its own parameters in turn (by name: a call with the
    wrong number of arguments is Python's TypeError, not ours to catch)."""
    names = [p for p in inspect.signature(cls).parameters if p not in ("args", "kwargs")]
    for name in names or [None]:
        _typed(lambda name=name: cls(**({} if name is None else {name: value})))


def _typed(call):
    """Run ``call``; a cvxreg error is fine, anything else fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return call()
        except CvxregError as exc:
            assert str(exc)  # says something
            return None


@FAST
@given(st.sampled_from(LOSSES), st.sampled_from(PENALTIES), anything, anything)
def test_constructors_take_any_parameter_or_say_which(loss, penalty, a, b):
    _by_name(loss, a)
    _by_name(penalty, a)
    _typed(lambda: cr.Penalized(lam=a))
    _typed(lambda: cr.Constrained(t=a))
    _typed(lambda: cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0), fit_intercept=a, bounds=b))
    _typed(lambda: cr.Equality(a, b))


def _data(seed=0, n=12, d=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    return X, X @ np.ones(d) + 0.1 * rng.standard_normal(n)


@FAST
@given(
    st.sampled_from(["X", "y", "sample_weight", "solver", "tol"]),
    anything,
)
def test_solve_takes_any_argument_or_says_which(name, value):
    X, y = _data()
    args = {"X": X, "y": y}
    kwargs = {}
    if name in args:
        args[name] = value
    else:
        kwargs[name] = value
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    result = _typed(lambda: prob.solve(args["X"], args["y"], **kwargs))
    if result is not None:
        assert isinstance(result, cr.Result)


@FAST
@given(st.sampled_from(["lams", "n_lams", "eps", "sample_weight", "folds", "scoring", "n_jobs", "l1_ratios"]), anything)
def test_path_and_cross_validate_take_any_argument_or_say_which(name, value):
    X, y = _data(n=20)
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    if name not in ("folds", "scoring", "n_jobs", "l1_ratios"):
        _typed(lambda: prob.path(X, y, **{name: value}))
    _typed(lambda: cr.cross_validate(prob, X, y, **{name: value, **({} if name == "n_lams" else {"n_lams": 4})}))


@FAST
@given(
    st.sampled_from(
        ["loss", "penalty", "lam", "t", "l1_ratio", "p", "loss_params", "penalty_params", "scale", "fit_intercept",
         "solver"]
    ),
    anything,
)
def test_estimators_take_any_parameter_or_say_which(name, value):
    pytest.importorskip("sklearn")
    from cvxreg.sklearn import CvxClassifier, CvxRegressor

    X, y = _data()
    labels = np.where(y > 0, 1, 0)
    for est, target in ((CvxRegressor, y), (CvxClassifier, labels)):
        fitted = _typed(lambda est=est, target=target: est(**{name: value}).fit(X, target))
        if fitted is not None:
            _typed(lambda fitted=fitted: fitted.predict(X))
