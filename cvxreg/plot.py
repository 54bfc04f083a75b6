"""Figures of the geometry behind regularization (matplotlib, the ``plot`` extra).

Each function returns a ``matplotlib.figure.Figure`` (save it with ``fig.savefig``):

- ``balls``: unit balls of ``||.||_p`` in 2-D, the non-convex ones (p < 1) marked, and
  optionally the 3-D ball of one p;
- ``contours``: the contours of a least-squares loss on 2-D data meeting the constraint ball
  ``R(w) <= t``, with the constrained optimum *solved by cvxreg*, for L1, L2 and Lp side by
  side: why the corners of the L1 ball make solutions sparse;
- ``path``: coefficients along a regularization path against lam (log axis) or against
  ``t = R(w)``, with lam_max and a chosen lam marked;
- ``lagrange``: lam against ``t = R(w(lam))`` and the multiplier of the constrained problem at
  that t (``cvxreg.experiments.lagrange_curve``): the two curves coincide.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cvxreg import penalties as P
from cvxreg._path_figures import draw_path, pyplot
from cvxreg._validation import check_choice, check_real, invalid
from cvxreg.forms import Constrained, Penalized
from cvxreg.losses import SquaredLoss
from cvxreg.problem import Problem

__all__ = ["DEFAULT_PS", "balls", "contours", "example_data", "lagrange", "path", "unit_circle"]

#: The p of ``balls`` by default: one non-convex, the norms people use, and infinity.
DEFAULT_PS: tuple[float, ...] = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, math.inf)


def _plt() -> Any:
    return pyplot()


def _p_label(p: float) -> str:
    return "inf" if math.isinf(p) else f"{p:g}"


def _check_p(p: Any, owner: str) -> float:
    if isinstance(p, str):  # from a command line: "inf" or a number
        try:
            p = float(p)
        except ValueError:
            raise invalid("ps", owner, "numbers p > 0 or 'inf'", p) from None
    return check_real(p, "ps", owner, lo=0.0, lo_open=True, allow_inf=True)


def unit_circle(p: float, n: int = 721) -> np.ndarray:
    """Points ``(x, y)`` on the unit sphere of ``||.||_p`` in 2-D, shape (n, 2), by scaling
    each direction ``(cos a, sin a)`` to norm 1 (exact for every p > 0)."""
    a = np.linspace(0.0, 2.0 * np.pi, n)
    u = np.column_stack([np.cos(a), np.sin(a)])
    if math.isinf(p):
        norm = np.max(np.abs(u), axis=1)
    else:
        norm = np.sum(np.abs(u) ** p, axis=1) ** (1.0 / p)
    return u / norm[:, None]


def balls(ps: Sequence[Any] = DEFAULT_PS, *, surface_p: Any = None) -> Any:
    """Unit balls ``{w : ||w||_p <= 1}`` in 2-D, one panel per p; p < 1 is not a norm, its
    "ball" is not convex, and the panel says so (hatched, with the chord that leaves it). With
    ``surface_p`` a last panel shows that p's unit sphere in 3-D."""
    plt = _plt()
    plist = [_check_p(p, "plot.balls") for p in ps]
    if not plist:
        raise invalid("ps", "plot.balls", "a non-empty list of p > 0 (or 'inf')", ps)
    extra = surface_p is not None
    cols = len(plist) + int(extra)
    fig = plt.figure(figsize=(2.6 * cols, 3.3), layout="constrained")
    for i, p in enumerate(plist):
        ax = fig.add_subplot(1, cols, i + 1)
        pts = unit_circle(p)
        convex = p >= 1
        face, hatch = ("#90caf9", None) if convex else ("#ffcc80", "//")
        ax.fill(pts[:, 0], pts[:, 1], color=face, alpha=0.6, hatch=hatch)
        ax.plot(pts[:, 0], pts[:, 1], color="#1565c0" if convex else "#e65100", lw=1.8)
        if not convex:  # two points of the set whose midpoint is outside it
            ax.plot([1, 0], [0, 1], color="black", ls="--", lw=1.2)
            ax.plot([0.5], [0.5], "kx", ms=7)
            ax.set_title(f"p = {_p_label(p)}: not convex", fontsize=10, color="#b71c1c")
        else:
            ax.set_title(f"p = {_p_label(p)}", fontsize=10)
        ax.axhline(0, color="grey", lw=0.5)
        ax.axvline(0, color="grey", lw=0.5)
        ax.set_aspect("equal")
        ax.set_xlim(-1.25, 1.25)
        ax.set_ylim(-1.25, 1.25)
        ax.set_xticks([-1, 0, 1])
        ax.set_yticks([-1, 0, 1])
    if extra:
        p3 = _check_p(surface_p, "plot.balls")
        ax = fig.add_subplot(1, cols, cols, projection="3d")
        u, v = np.meshgrid(np.linspace(0, 2 * np.pi, 60), np.linspace(0, np.pi, 30))
        d = np.stack([np.cos(u) * np.sin(v), np.sin(u) * np.sin(v), np.cos(v)])
        n = np.max(np.abs(d), axis=0) if math.isinf(p3) else np.sum(np.abs(d) ** p3, axis=0) ** (1 / p3)
        x, y, z = d / n
        ax.plot_surface(x, y, z, color="#90caf9" if p3 >= 1 else "#ffcc80", alpha=0.8, linewidth=0)
        ax.set_title(f"p = {_p_label(p3)} in 3-D" + ("" if p3 >= 1 else ": not convex"), fontsize=10)
        for axis in (ax.set_xlim, ax.set_ylim, ax.set_zlim):
            axis(-1, 1)
        for ticks in (ax.set_xticks, ax.set_yticks, ax.set_zticks):
            ticks([-1, 0, 1])
        ax.set_box_aspect((1, 1, 1))
    fig.suptitle("Unit balls of ||w||_p (hatched: not convex, the dashed chord leaves the set)", fontsize=11)
    return fig


def example_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The 2-D data of ``contours``: 50 seeded samples of two correlated features."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((50, 2)) @ np.array([[1.0, 0.3], [0.0, 1.0]])
    y = X @ np.array([2.0, 0.5]) + 0.3 * rng.standard_normal(50)
    return X, y


def contours(
    X: Any = None,
    y: Any = None,
    *,
    penalties: Sequence[Any] = ("L1", "L2", 4.0),
    t: float = 1.0,
    seed: int = 0,
) -> Any:
    """Least-squares contours on 2-D data meeting the ball ``R(w) <= t``, per penalty.

    ``penalties``: "L1", "L2", "Linf" or a number p (the Lp norm). Each constrained optimum
    is solved by cvxreg (``Problem(SquaredLoss(), R, Constrained(t)).solve``), marked with
    the contour through it, which touches the ball there; the least-squares solution is
    marked too. Default data: 50 seeded samples of two correlated features.
    """
    plt = _plt()
    t = check_real(t, "t", "plot.contours", lo=0.0, lo_open=True)
    if X is None or y is None:
        X, y = example_data(seed)
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise invalid("X", "plot.contours", "data with exactly 2 columns (the picture is 2-D)", X.shape, raw=True)
    pens = []
    for pen in penalties:
        if isinstance(pen, str):
            name = check_choice(pen, "penalties", "plot.contours", ("L1", "L2", "Linf"))
            named = {"L1": (P.L1(), 1.0), "L2": (P.L2(), 2.0), "Linf": (P.Linf(), math.inf)}
            pens.append((name, *named[name]))
        else:
            p = _check_p(pen, "plot.contours")
            pens.append((f"L{_p_label(p)}", P.Lp(p), p))
    ols = np.linalg.lstsq(X, y, rcond=None)[0]
    rss = lambda w: 0.5 * np.sum((y - X @ w) ** 2)  # noqa: E731
    span = 1.3 * max(float(np.max(np.abs(ols))), t)
    g = np.linspace(-span, span, 241)
    W1, W2 = np.meshgrid(g, g)
    Z = 0.5 * (
        np.sum(y**2) - 2 * (W1 * (X[:, 0] @ y) + W2 * (X[:, 1] @ y))
        + W1**2 * (X[:, 0] @ X[:, 0]) + 2 * W1 * W2 * (X[:, 0] @ X[:, 1]) + W2**2 * (X[:, 1] @ X[:, 1])
    )
    fig, axes = plt.subplots(1, len(pens), figsize=(4.3 * len(pens), 4.6), squeeze=False, layout="constrained")
    for ax, (name, penalty, p) in zip(axes[0], pens, strict=True):
        res = Problem(SquaredLoss(), penalty, Constrained(t)).solve(X, y)
        w = res.coef
        levels = rss(ols) + (rss(w) - rss(ols)) * np.array([0.25, 0.5, 1.0, 2.0, 4.0])
        ax.contour(W1, W2, Z, levels=np.sort(levels), colors="#616161", linewidths=0.8)
        ax.contour(W1, W2, Z, levels=[rss(w)], colors="#d32f2f", linewidths=1.6)
        ball = t * unit_circle(p)
        ax.fill(ball[:, 0], ball[:, 1], color="#90caf9", alpha=0.6)
        ax.plot(ball[:, 0], ball[:, 1], color="#1565c0", lw=1.5)
        ax.plot(*ols, "o", color="black", ms=5, label="least squares")
        ax.plot(*w, "*", color="#d32f2f", ms=14, label=f"optimum ({w[0]:.3f}, {w[1]:.3f})")
        ax.set_aspect("equal")
        ax.set_xlim(-span, span)
        ax.set_ylim(-span, span)
        ax.axhline(0, color="grey", lw=0.5)
        ax.axvline(0, color="grey", lw=0.5)
        ax.set_xlabel("w1")
        ax.set_ylabel("w2")
        zero = ": a coefficient is 0 (to 1e-6)" if np.min(np.abs(w)) < 1e-6 * max(1.0, t) else ""
        ax.set_title(f"{name} ball, t = {t:g}{zero}", fontsize=10)
        ax.legend(fontsize=8, loc="lower left")
    fig.suptitle("Loss contours meet the ball R(w) <= t: the optimum is where they first touch (solved)", fontsize=11)
    return fig


def path(
    problem: Problem,
    X: Any,
    y: Any,
    *,
    lams: Any = None,
    n_lams: int = 50,
    against: str = "lam",
    chosen: float | None = None,
    sample_weight: Any = None,
) -> Any:
    """Coefficients along ``problem.path`` against lam (log axis, lam_max marked) or against
    ``t = R(w)``; ``chosen`` marks one lam (e.g. ``cross_validate``'s). A constrained problem
    is drawn along the penalized path of the same loss and penalty (its t are on that path)."""
    check_choice(against, "against", "plot.path", ("lam", "t"))
    if problem.form.param_name != "lam":  # a constrained problem: its twin's path over lam
        problem = problem.with_form(Penalized(1.0))
    res = problem.path(X, y, lams=lams, n_lams=n_lams, sample_weight=sample_weight)
    lam_max = problem.lambda_max(X, y, sample_weight=sample_weight) if against == "lam" else None
    return draw_path(res, against=against, chosen=chosen, lam_max=lam_max,
                     title=f"Regularization path: {problem!r}")  # fmt: skip


def lagrange(frame: pd.DataFrame) -> Any:
    """lam against ``t = R(w(lam))`` (the penalized path) and the multiplier ``mu(t)`` of the
    constrained problem at the same t, from ``cvxreg.experiments.lagrange_curve``."""
    plt = _plt()
    if not isinstance(frame, pd.DataFrame) or not {"lam", "t", "mu"} <= set(frame.columns):
        raise invalid("frame", "plot.lagrange", "the DataFrame of cvxreg.experiments.lagrange_curve", frame)
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    ax.plot(frame["t"], frame["lam"], "-", color="#1565c0", lw=2.5, label="lam (penalized path), at t = R(w(lam))")
    ax.plot(frame["t"], frame["mu"], "o", color="#d32f2f", ms=5, label="mu(t), the multiplier of R(w) <= t")
    ax.set_yscale("log")
    ax.set_xlabel("t = R(w)")
    ax.set_ylabel("lam, mu")
    worst = float(np.nanmax(np.abs(frame["mu"] - frame["lam"]) / frame["lam"]))
    ax.set_title(f"Penalized and constrained are one problem: max |mu - lam| / lam = {worst:.1e}", fontsize=10)
    ax.legend(fontsize=9)
    ax.grid(alpha=0.3)
    return fig
