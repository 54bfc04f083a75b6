"""The constrained form polished through its penalized twin.

At a solution ``w*`` of ``min L(w) s.t. R_k(w) <= t_k`` with multipliers ``mu_k``, ``w*`` also
minimizes the Lagrangian ``L + sum_k mu_k R_k``: the penalized problem at ``lam = mu`` (its
twin). Each ``t_k(mu) = R_k(w(mu))`` is nonincreasing in its own ``mu_k``, so the exact
multipliers are the root of ``R_k(w(mu)) = t_k`` over the binding terms, and every twin on the
way is solved exactly by ``cvxreg.polish`` (a Newton solve on the zero pattern, on the
generalized lasso's kinks or on a polyhedral penalty's face), with bounds and linear
constraints by ``cvxreg.polish_linear`` (their multipliers too), or, for a penalty with a prox
and nothing else (Lp, a user's norm), by proximal-gradient steps to the certificate's floor.

One term: a safeguarded secant iteration in log lam, from the solver's multiplier. Several
(a ``Composite`` with a quadratic or prox-only term, which ``polish_constrained_terms`` does not
take): Newton's method in log mu over the binding terms, its Jacobian by differences. The
caller keeps the answer only when its certificate is no worse than the solver's.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from cvxreg._validation import Data
from cvxreg.polish import polish, polish_piece, polish_prox
from cvxreg.polish_linear import polish_linear
from cvxreg.result import Result

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["polish_constrained", "polish_constrained_multi", "secant_root"]


def _twin(problem: Problem, data: Data, mu: object, start: Result) -> tuple[Result | None, bool]:
    """The penalized twin's exact minimizer near ``start``, and whether it is exact to rounding
    (an active-set solve) or to the certificate's floor (proximal-gradient steps)."""
    flat = problem.lagrangian(mu)
    if problem.bounds is not None or problem.constraints:  # an active-set KKT solve with their multipliers
        return polish_linear(flat, data, start), True
    found = polish(flat, data, start)
    if found is None:
        found = polish_piece(flat, data, start)  # a polyhedral penalty's face: exact as well
    if found is not None:
        return found, True
    return polish_prox(flat, data, start, max_iter=400), False


def _answer(problem: Problem, data: Data, found: Result, mu: object) -> Result:
    """The twin's point as the constrained problem's answer: its objective is the loss alone."""
    return dataclasses.replace(found, dual=mu, objective=problem.objective_on(data, found.coef, found.intercept))


def _applies(problem: Problem, result: Result) -> bool:
    return result.ok and problem.form.param_name == "t"


def polish_constrained(problem: Problem, data: Data, result: Result, *, max_iter: int = 60) -> Result | None:
    """The exact minimizer of ``L(w)`` s.t. ``R(w) <= t`` near ``result``, and its exact
    multiplier, or None when this cannot be done. When the constraint is inactive (``mu = 0``)
    the answer is the polished unconstrained minimizer, kept if it is feasible."""
    if not _applies(problem, result):
        return None
    found = secant_root(problem, result, lambda mu, start: _twin(problem, data, mu, start), max_iter=max_iter)
    return None if found is None else _answer(problem, data, *found)


def secant_root(
    problem: Problem,
    result: Result,
    twin: Callable[[float, Result], tuple[Result | None, bool]],
    *,
    max_iter: int = 60,
) -> tuple[Result, float] | None:
    """The root of ``R(w(lam)) = t`` for one constraint ``R(w) <= t``: ``(w(lam), lam)`` with
    ``twin(lam, start)`` the penalized twin's minimizer near ``start`` and whether it is exact
    to rounding. A safeguarded secant in log lam from the solver's multiplier ``result.dual``;
    ``lam = 0`` when the unconstrained minimizer is feasible. None when it cannot be found."""
    t = float(problem.form.param_value)
    pen = problem.penalty
    mu0 = result.dual
    if mu0 is None or not np.isfinite(mu0) or t <= 0:
        return None
    tried_zero = False

    def inactive(start: Result) -> tuple[Result, float] | None:
        """The unconstrained minimizer (lam = 0) when it is feasible: the constraint is slack."""
        nonlocal tried_zero
        tried_zero = True
        free, exact = twin(0.0, start)
        if free is not None and pen.value(np.ravel(free.coef, order="F")) <= t + (1e-13 if exact else 1e-10) * max(
            1.0, t
        ):
            return free, 0.0
        return None

    if mu0 <= 1e-9 * max(1.0, abs(float(np.max(np.abs(result.coef), initial=0.0)))):
        found = inactive(result)
        if found is not None:
            return found
    lo = hi = None  # log lam with R(w(lam)) > t (lam too small) and < t (too large)
    current, best = result, None
    log_lam = np.log(max(mu0, 1e-300))
    prev: tuple[float, float] | None = None
    for _ in range(max_iter):
        found, exact = twin(float(np.exp(log_lam)), current)
        if found is None:
            return None
        gap = pen.value(np.ravel(found.coef, order="F")) - t  # a multi-output W by columns
        if gap < 0 and not tried_zero:  # slack at the solver's multiplier: perhaps slack at 0 too
            slack = inactive(found)
            if slack is not None:
                return slack
        if best is None or abs(gap) < best[0]:
            best = (abs(gap), found, float(np.exp(log_lam)))
            current = found  # the next twin starts from the closest point (its active set)
        if abs(gap) <= (1e-13 if exact else 1e-11) * max(1.0, t):
            break
        if gap > 0:
            lo = log_lam
        else:
            hi = log_lam
        if prev is not None and gap != prev[1]:
            guess = log_lam - gap * (log_lam - prev[0]) / (gap - prev[1])  # secant in log lam
        else:
            # The first probe: a step in log lam of the gap's relative size (a block about to
            # leave the support makes R(w(lam)) steep, and a fixed step would jump past it).
            guess = log_lam + math.copysign(min(0.01, max(abs(gap) / max(t, 1e-300), 1e-9)), gap)
        if lo is not None and hi is not None and not (min(lo, hi) < guess < max(lo, hi)):
            guess = (lo + hi) / 2  # keep the bracket: bisection
        prev = (log_lam, gap)
        if guess == log_lam:
            break
        if not abs(guess) < 700:  # no multiplier in float64 range moves R(w(lam)) to t
            return None
        log_lam = guess
    else:
        if best is None or not best[1].polished or best[0] > 1e-9 * max(1.0, t):
            return None
    assert best is not None
    return best[1], best[2]


def polish_constrained_multi(problem: Problem, data: Data, result: Result, *, max_iter: int = 40) -> Result | None:
    """``polish_constrained`` for several terms ``R_k(w) <= t_k`` (a ``Composite``): Newton's
    method on ``R_B(w(mu)) = t_B`` in ``log mu`` over the binding terms ``B``, from the
    solver's multipliers, each ``w(mu)`` the twin polished from the previous point."""
    if not _applies(problem, result) or result.dual is None:
        return None
    terms = problem.penalty.terms
    t = np.asarray(problem.form.param_value, dtype=float)
    mu = np.nan_to_num(np.asarray(result.dual, dtype=float))
    if np.any(mu < 0) or np.any(t <= 0):
        return None
    binding = mu > 1e-9 * max(1.0, float(np.max(mu)))
    slack = 1e-12 * np.maximum(1.0, t)

    def residual(x: np.ndarray, start: Result) -> tuple[np.ndarray, Result | None]:
        m = np.zeros(len(t))
        m[binding] = np.exp(x)
        found, _ = _twin(problem, data, m, start)
        if found is None:
            return np.full(int(binding.sum()), math.inf), None
        values = np.array([term.value(found.coef) for term in terms])
        return (values - t)[binding], found

    x = np.log(mu[binding])
    F, current = residual(x, result)
    for _ in range(max_iter):
        if current is None:
            return None
        if np.all(np.abs(F) <= slack[binding]):
            break
        h = 1e-6
        J = np.empty((len(x), len(x)))
        for i in range(len(x)):  # each R_k(w(mu)) decreases in its own log mu_k
            Fi, _ = residual(x + h * np.eye(len(x))[i], current)
            J[:, i] = (Fi - F) / h
        try:
            step = -np.linalg.solve(J, F)
        except np.linalg.LinAlgError:
            return None
        for _ in range(30):  # halve the step until the residual decreases
            F_new, found = residual(x + step, current)
            if found is not None and np.linalg.norm(F_new) < np.linalg.norm(F):
                break
            step /= 2
        else:
            return None
        x, F, current = x + step, F_new, found
    else:
        return None
    assert current is not None
    values = np.array([term.value(current.coef) for term in terms])
    if np.any(values[~binding] > t[~binding] + slack[~binding]):
        return None  # a term thought inactive is violated: not this twin
    m = np.zeros(len(t))
    m[binding] = np.exp(x)
    return _answer(problem, data, current, m)
