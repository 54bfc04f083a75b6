"""Geometry figures and measured claims: what they draw and report is checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import cvxreg as cr
from cvxreg import experiments, plot

pytest.importorskip("matplotlib")


def test_unit_circles_lie_on_the_unit_sphere():
    for p in (0.5, 1.0, 1.5, 2.0, 3.0, math.inf):
        pts = plot.unit_circle(p, n=101)
        norms = np.max(np.abs(pts), axis=1) if math.isinf(p) else np.sum(np.abs(pts) ** p, axis=1) ** (1 / p)
        assert np.allclose(norms, 1.0)
    assert np.allclose(plot.unit_circle(2.0, n=5)[:, 0], [1, 0, -1, 0, 1], atol=1e-12)


def test_balls_marks_the_non_convex_ones():
    fig = plot.balls((0.5, 1.0, math.inf), surface_p=3)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:3] == ["p = 0.5: not convex", "p = 1", "p = inf"] and titles[3] == "p = 3 in 3-D"
    with pytest.raises(cr.InvalidParameterError, match="'ps'"):
        plot.balls((0.5, -1.0))


def test_contours_mark_the_solved_optimum():
    X, y = plot.example_data()
    fig = plot.contours(X, y, penalties=("L1", "L2"), t=1.0)
    l1, l2 = fig.axes[:2]
    # the L1 optimum is a corner of the ball (a zero coefficient); the L2 optimum is the
    # point of the circle where the gradient of the loss is normal to it
    assert "a coefficient is 0" in l1.get_title() and "a coefficient is 0" not in l2.get_title()
    # by hand: w = (X^T X + mu I)^{-1} X^T y with mu > 0 found by bisection so that ||w|| = 1
    lo, hi = 0.0, 1e4
    for _ in range(200):
        mu = (lo + hi) / 2
        w = np.linalg.solve(X.T @ X + mu * np.eye(2), X.T @ y)
        lo, hi = (mu, hi) if np.linalg.norm(w) > 1 else (lo, mu)
    star = next(line for line in l2.get_lines() if line.get_marker() == "*")
    assert np.allclose(np.ravel(star.get_data()), w, atol=1e-4)  # the default solve's accuracy here
    with pytest.raises(cr.InvalidParameterError, match="'X'"):
        plot.contours(np.ones((5, 3)), np.ones(5))


def test_path_marks_lam_max_and_the_chosen_lam():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((40, 4)), rng.standard_normal(40)
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    fig = plot.path(prob, X, y, n_lams=10, chosen=1.0)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    lam_max = float(np.max(np.abs(X.T @ y)))  # the lasso's lam_max by hand
    assert f"lam_max = {lam_max:.3g}" in labels and "chosen lam = 1" in labels
    fig = plot.path(prob.with_form(cr.Constrained(1.0)), X, y, n_lams=10, against="t")
    assert fig.axes[0].get_xlabel().startswith("t = R(w)")


def test_lagrange_curve_multiplier_equals_lam():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 5))
    y = X[:, :2] @ np.array([1.5, -1.0]) + rng.standard_normal(60)
    curve = experiments.lagrange_curve(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0)), X, y, n_lams=6)
    assert np.allclose(curve["mu"], curve["lam"], rtol=1e-5) and (curve["coef_diff"] < 1e-6).all()
    assert np.all(np.diff(curve["t"]) > 0)  # t = ||w(lam)||_1 grows as lam falls
    assert "max |mu - lam| / lam" in plot.lagrange(curve).axes[0].get_title()
    with pytest.raises(cr.InvalidParameterError, match="'frame'"):
        plot.lagrange(pd.DataFrame({"lam": [1.0]}))


def test_cost_of_p_counts_the_cones_cvxpy_builds():
    cost = experiments.cost_of_p(ps=(1.0, 2.0, 3.0), sizes=((30, 6),), repeats=1).set_index(["p", "form"])
    # ||w||_1: linear (no cone); ||w||_2: one second-order cone of size d + 1; ||w||_3: one small
    # cone construction per coefficient, from CVXPY's rational p = 3.
    assert cost.loc[(1.0, "norm"), "soc"] == 0
    assert cost.loc[(2.0, "norm"), "soc"] == 1 and cost.loc[(2.0, "norm"), "soc_dims"] == 7
    assert cost.loc[(3.0, "norm"), "soc"] >= 6 and cost.loc[(3.0, "norm"), "p_used"] == "3"
    assert cost.loc[(2.0, "power"), "soc"] == 0  # 1/2 sum w^2 is quadratic
    assert (cost["solve_ms"] > 0).all()
    with pytest.raises(cr.InvalidParameterError, match="'ps'"):
        experiments.cost_of_p(ps=(0.5,), sizes=((30, 6),), repeats=1)
    with pytest.raises(cr.InvalidParameterError, match="'sizes'"):
        experiments.cost_of_p(sizes=(30,), repeats=1)


def test_grouping_effect_lasso_is_unstable_on_correlated_features():
    g = experiments.grouping_effect(rho=0.99, lam=0.6, resamples=12)
    corr = g[g["feature"].str.contains("correlated")].groupby("method")
    sd = corr["sd_coef"].mean()
    assert sd["lasso"] > 3 * sd["elastic net (0.5)"] and sd["lasso"] > 3 * sd["ridge"]
    assert (g[g["method"] == "ridge"]["selected"] == 1.0).all()  # ridge keeps everything
    with pytest.raises(cr.InvalidParameterError, match="'rho'"):
        experiments.grouping_effect(rho=1.0)


def test_a_path_and_a_cross_validation_draw_themselves(tmp_path):
    # glmnet's plot.glmnet and plot.cv.glmnet: the coefficients along lam or t, and the mean
    # score with one standard error either side, the best and the one-se lam marked.
    X, y = plot.example_data()
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.ElasticNet(0.5), cr.Penalized(1.0), fit_intercept=True)
    path = prob.path(X, y, n_lams=25)
    cv = cr.cross_validate(prob, X, y, n_lams=15, l1_ratios=[0.3, 0.9])
    fig = path.plot(chosen=cv.best_lam)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and len([ln for ln in ax.lines if ln.get_label().startswith("x")]) == X.shape[1]
    for line, column in zip(ax.lines, path.coefs.T, strict=False):
        np.testing.assert_array_equal(line.get_ydata(), column)
    assert any("chosen lam" in ln.get_label() for ln in ax.lines)
    fig_t = path.plot(against="t")
    np.testing.assert_array_equal(fig_t.axes[0].lines[0].get_xdata(), path.ts)
    fig_cv = cv.plot()
    labels = [text.get_text() for text in fig_cv.axes[0].get_legend().get_texts()]
    assert any("l1_ratio = 0.3" in s for s in labels) and any("one-se lam" in s for s in labels)
    for name, figure in (("path", fig), ("path_t", fig_t), ("cv", fig_cv)):
        figure.savefig(tmp_path / f"{name}.png")
        assert (tmp_path / f"{name}.png").stat().st_size > 5_000
    with pytest.raises(cr.InvalidParameterError, match="against"):
        path.plot(against="lambda")
