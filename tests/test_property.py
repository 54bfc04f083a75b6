"""Random problem specifications and data, degenerate ones included: each outcome is a
``Result`` or a cvxreg error, nothing else."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cvxreg as cr

REALS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(-3, 5),
    st.sampled_from([0.0, 0.5, 1.0, 1 + 1e-9, 2.0, 3.0, "inf", "x", None, True, 1j]),
)


@st.composite
def losses(draw):
    kind = draw(st.sampled_from(["sq", "abs", "huber", "quant", "logit", "hinge", "poisson"]))
    scale = draw(st.sampled_from(["sum", "mean", "bad"]))
    if kind == "huber":
        return lambda: cr.HuberLoss(draw(REALS), scale=scale)
    if kind == "quant":
        return lambda: cr.QuantileLoss(draw(REALS), scale=scale)
    cls = {
        "sq": cr.SquaredLoss,
        "abs": cr.AbsoluteLoss,
        "logit": cr.LogisticLoss,
        "hinge": cr.HingeLoss,
        "poisson": cr.PoissonLoss,
    }[kind]
    return lambda: cls(scale=scale)


@st.composite
def penalties(draw, d):
    kind = draw(st.sampled_from(["l1", "sq", "l2", "lp", "linf", "pow", "en", "group", "tv"]))
    factors = draw(st.one_of(st.none(), st.lists(st.floats(-1, 3), min_size=d - 1, max_size=d + 1)))
    if kind == "l1":
        return lambda: cr.L1(factors=factors)
    if kind == "sq":
        return lambda: cr.SquaredL2(factors=factors)
    if kind == "l2":
        return cr.L2
    if kind == "linf":
        return cr.Linf
    if kind == "tv":
        return cr.TotalVariation
    if kind == "lp":
        return lambda: cr.Lp(draw(REALS))
    if kind == "pow":
        return lambda: cr.LpPower(draw(REALS), factors=factors)
    if kind == "en":
        return lambda: cr.ElasticNet(draw(REALS), factors=factors)
    labels = draw(st.lists(st.integers(0, 2), min_size=d - 1, max_size=d + 1))
    return lambda: cr.GroupLasso(labels)


@st.composite
def specs(draw):
    n = draw(st.integers(1, 8))
    d = draw(st.integers(1, 4))
    kind = draw(st.sampled_from(["normal", "zeros", "constant_col", "huge", "nan", "int", "labels"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    X = rng.standard_normal((n, d))
    y = rng.standard_normal(n)
    if kind == "zeros":
        X = np.zeros((n, d))
    elif kind == "constant_col":
        X[:, 0] = 1.0
        y = np.ones(n)
    elif kind == "huge":
        X = X * 1e8
    elif kind == "nan":
        X[0, 0] = np.nan
    elif kind == "int":
        X = rng.integers(0, 3, (n, d))
        y = rng.integers(0, 4, n).astype(float)
    elif kind == "labels":
        y = np.where(rng.standard_normal(n) > 0, 1.0, -1.0)
    form = draw(st.sampled_from(["pen", "con"]))
    val = draw(REALS)
    return {
        "loss": draw(losses()),
        "penalty": draw(penalties(d)),
        "form": (lambda: cr.Penalized(val)) if form == "pen" else (lambda: cr.Constrained(val)),
        "fit_intercept": draw(st.sampled_from([False, True])),
        "bounds": draw(st.sampled_from([None, (0, None), (-1, 1), (1, 0)])),
        "X": X,
        "y": y,
        "solver": draw(st.sampled_from([None, "OSQP", "SCS", "ECOS"])),
    }


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_every_outcome_is_a_result_or_a_cvxreg_error(spec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            prob = cr.Problem(
                spec["loss"](),
                spec["penalty"](),
                spec["form"](),
                fit_intercept=spec["fit_intercept"],
                bounds=spec["bounds"],
            )
            out = prob.solve(
                spec["X"], spec["y"], solver=spec["solver"] if spec["solver"] in cr.installed_solvers() else None
            )
        except cr.CvxregError as exc:
            assert str(exc)
            return
    assert isinstance(out, cr.Result)
    assert out.coef.shape == (spec["X"].shape[1],)
    assert isinstance(out.status, str)
    if out.ok:
        assert np.all(np.isfinite(out.coef))
