"""The constrained form ``min L(w) s.t. R(w) <= t`` by continuation on the penalized one.

At the solution the constraint's multiplier ``mu`` is the lam whose penalized solution has
``R(w(lam)) = t`` (the penalized twin; ``mu = 0`` when the unconstrained minimizer is
feasible). ``R(w(lam))`` is continuous and nonincreasing in lam, and piecewise linear for the
lasso, so the root is found by regula falsi in lam (the Illinois rule, which keeps a bracket
and converges superlinearly), each ``w(lam)`` from the engine warm-started at the nearest
point already solved. The multiplier comes out as that root: exact, not a solver's dual.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from cvxreg._validation import Data
from cvxreg.engine._glm import solve_penalized
from cvxreg.engine._gram import GramModel, gram_path_applies
from cvxreg.errors import NotSupportedError
from cvxreg.result import Result, Status

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["solve_constrained"]


def _lam_max(problem: Problem, data: Data) -> float:
    try:
        return float(problem.lambda_max(data.X, data.y, sample_weight=data.sample_weight))
    except NotSupportedError:
        return math.inf


def solve_constrained(problem: Problem, data: Data, *, tol: float = 1e-11, max_iter: int = 100) -> Result | None:
    """The minimizer of the constrained ``problem`` and its multiplier, or None."""
    from cvxreg.forms import Penalized

    t = float(problem.form.param_value)
    pen = problem.penalty
    # R(w(lam)) is known to the engine's accuracy (about tol relative): ask no more of the root.
    slack = 1e-10 * max(1.0, t)

    gram = GramModel(problem, data) if gram_path_applies(problem, data) else None

    def at(lam: float, start: Result | None) -> Result | None:
        if gram is None:
            return solve_penalized(problem.with_form(Penalized(lam)), data, start=start, tol=tol)
        # Small dense least squares: each twin on the d x d model, compiled (the caller certifies).
        found = gram.solve(np.array([lam]), None if start is None else start.coef)
        if found is None:
            return None
        coef, intercept = found[0][0], float(found[1][0]) if problem.fit_intercept else 0.0
        return Result(coef=coef, intercept=intercept, objective=math.nan, status=Status.OPTIMAL, solver="cvxreg-gram")

    def done(found: Result, mu: float) -> Result:  # the constrained objective is the loss alone
        objective = problem.objective_on(data, found.coef, found.intercept)
        return dataclasses.replace(found, dual=mu, objective=objective)

    # From a lam where R(w(lam)) <= t (lam_max, where R = 0, when the penalty has one) down a
    # geometric path, warm-started, until R(w(lam)) > t: the root is then bracketed. The
    # unconstrained problem (lam = 0) is solved only if lam falls below 1e-4 lam_max.
    hi_lam = _lam_max(problem.with_form(Penalized(1.0)), data)
    hi = at(hi_lam, None) if math.isfinite(hi_lam) and hi_lam > 0 else None
    if hi is None:
        hi_lam, hi = 1.0, at(1.0, None)
        for _ in range(40):  # up to 4^40 ~ 1e24
            if hi is None or pen.value(hi.coef) <= t:
                break
            hi_lam *= 4.0
            hi = at(hi_lam, hi)
    if hi is None or pen.value(hi.coef) > t + slack:
        return None  # no lam brings R(w) to t (bounds away from 0, say): CVXPY says why
    b, gb, rb = hi_lam, pen.value(hi.coef) - t, hi  # gb <= 0: lam large enough
    if abs(gb) <= slack:
        return done(hi, hi_lam)
    lo_lam, lo = b, rb
    while True:
        lo_lam *= 0.25
        lo = at(lo_lam if lo_lam > 1e-4 * hi_lam else 0.0, lo)
        if lo is None:
            return None
        g = pen.value(lo.coef) - t
        if lo_lam <= 1e-4 * hi_lam:
            if g <= slack:  # the unconstrained minimizer is feasible: the constraint is inactive
                return done(lo, 0.0)
            lo_lam = 0.0
        if g > 0:
            break
        b, gb, rb = lo_lam, g, lo
        if abs(g) <= slack:
            return done(lo, lo_lam)
    a, ga, ra = lo_lam, g, lo  # ga > 0: lam too small
    root = _illinois(at, lambda r: pen.value(r.coef) - t, (a, ga, ra), (b, gb, rb), slack, max_iter)
    return None if root is None else done(*root)


def _illinois(at: Callable[[float, Any], Any], excess: Callable[[Any], float], low: tuple[float, float, Any],
              high: tuple[float, float, Any], slack: float, max_iter: int) -> tuple[Any, float] | None:  # fmt: skip
    """The lam in the bracket ``[low, high]`` (each ``(lam, R(w(lam)) - t, result)``, the first
    end's excess > 0, the second's <= 0) where ``R(w(lam)) = t`` to ``slack``: regula falsi with
    the Illinois rule, each solve warm-started from the nearer end. ``(result, lam)`` or None."""
    (a, ga, ra), (b, gb, rb) = low, high
    side = 0
    for _ in range(max_iter):
        lam = b - gb * (b - a) / (gb - ga) if gb != ga else 0.5 * (a + b)  # the secant through the ends
        if not a < lam < b:
            lam = 0.5 * (a + b)
        start = ra if lam - a < b - lam else rb
        found = at(lam, start)
        if found is None:
            return None
        g = excess(found)
        if abs(g) <= slack or (b - a) <= 1e-13 * b:
            return found, lam
        if g > 0:
            a, ga, ra = lam, g, found
            if side == +1:
                gb *= 0.5  # Illinois: the end that stayed twice is pulled in
            side = +1
        else:
            b, gb, rb = lam, g, found
            if side == -1:
                ga *= 0.5
            side = -1
    return None
