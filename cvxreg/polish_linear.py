"""Polishing with bounds and linear constraints: the exact minimizer and its multipliers.

At the solver's answer the active pieces are read off — coefficients at the penalty's kink
at zero, coefficients at a bound, inequality constraints that bind — and with them fixed the
KKT conditions of the penalized problem are a system of equations in the free coefficients
(and the intercept) and the multipliers of the equalities and binding inequalities::

    [H  C^T] [step]   [-grad        ]
    [C  0  ] [nu  ] = [-(C w - rhs)]

Newton's method on it converges in one step for a least-squares loss. The multipliers of the
bounds and the optimality of the zeros are then read from the stationarity condition, and the
answer is given only when every sign is right (a bound's multiplier >= 0, an inequality's
>= 0, a zero within ``lam dR(0)``); the caller keeps it when its certificate is no worse than
the solver's. Bounds and linear constraints are taken with any penalty that has a zero
pattern, a gradient and a curvature: a separable one says by its one-sided derivatives what a
coefficient pressed on a bound feels; for another (a group lasso, an Lp norm) a coefficient on a
bound must lie where the penalty is differentiable (its block not 0).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp

from cvxreg._validation import Data
from cvxreg.errors import NotSupportedError
from cvxreg.polish import _Smooth, one_blas_thread
from cvxreg.result import Result

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["polish_linear"]

_MAX_NEWTON = 30
#: The most entries of the free columns read densely on sparse data (4e6, 32 MB), as the
#: engine's polish allows.
_DENSE_ENTRIES = 4_000_000


def _sides(problem: Problem, d: int) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = problem.bounds if problem.bounds is not None else (None, None)
    lower = np.full(d, -np.inf) if lo is None else np.broadcast_to(np.asarray(lo, dtype=float), (d,)).copy()
    upper = np.full(d, np.inf) if hi is None else np.broadcast_to(np.asarray(hi, dtype=float), (d,)).copy()
    return lower, upper


def polish_linear(problem: Problem, data: Data, result: Result) -> Result | None:
    """The exact minimizer of a penalized problem with bounds or linear constraints near
    ``result``, with the multipliers of both, or None when it cannot be had this way."""
    if not result.ok or problem.form.param_name != "lam" or (problem.bounds is None and not problem.constraints):
        return None
    try:
        f = _Smooth(problem, data)
        problem.loss.second_derivative(np.zeros(1), data.y[:1])  # a smooth loss
        with one_blas_thread():
            return _polish(problem, data, result, f)
    except (NotSupportedError, la.LinAlgError, FloatingPointError):
        return None


def _polish(problem: Problem, data: Data, result: Result, f: _Smooth) -> Result | None:
    pen, d, lam = problem.penalty, data.d, float(f.lam)
    w, b = np.array(result.coef, dtype=float), float(result.intercept)
    tol = 1e-6 * max(1.0, float(np.max(np.abs(w), initial=0.0)))
    lower, upper = _sides(problem, d)
    at_lo = np.isfinite(lower) & (w - lower <= tol)
    at_hi = np.isfinite(upper) & (upper - w <= tol) & ~at_lo
    zeros = pen.zero_pattern(w, tol) & ~at_lo & ~at_hi
    w[zeros], w[at_lo], w[at_hi] = 0.0, lower[at_lo], upper[at_hi]
    free = ~(zeros | at_lo | at_hi)
    if sp.issparse(data.X) and f.A is data.X and data.n * int(free.sum()) > _DENSE_ENTRIES:
        return None  # the Hessian would read the free columns of a sparse X densely: n x |free|
    C, c, who = _binding_rows(problem, result, w, tol)
    found = _newton(problem, f, w, b, free, zeros, C, c)
    if found is None:
        return None
    w, b, nu, zeros = found
    if np.any(w < lower - tol) or np.any(w > upper + tol):
        return None
    con_duals = _constraint_multipliers(problem, w, C, c, who, nu, 1e-9 * f.scale)
    if con_duals is None:
        return None
    g = f.loss_gradient(w, b)[0] + C.T @ nu  # stationarity without the penalty and the bounds
    bound_duals = _bound_multipliers(problem, w, g, lam, tol, zeros, at_lo, at_hi, 1e-9 * f.scale)
    if bound_duals is None:
        return None
    return dataclasses.replace(
        result, coef=w, intercept=b, objective=problem.objective_on(data, w, b), polished=True, certificate=None,
        message="", lower_dual=bound_duals[0], upper_dual=bound_duals[1],
        constraint_duals=tuple(con_duals) if problem.constraints else result.constraint_duals,
    )  # fmt: skip


def _binding_rows(problem: Problem, result: Result, w: np.ndarray, tol: float) -> tuple[Any, Any, Any]:
    """The equalities, and the inequalities that bind (a positive multiplier or no slack), as
    ``(C, c, who)`` with ``C w = c`` on them and ``who`` the (constraint, row) of each."""
    rows, rhs, owner = [], [], []
    duals = result.constraint_duals or (None,) * len(problem.constraints)
    for k, (con, dual) in enumerate(zip(problem.constraints, duals, strict=True)):
        M, h = np.asarray(con.matrix, dtype=float), np.asarray(con.rhs, dtype=float)
        keep = np.ones(len(h), dtype=bool)
        if con.kind != "equality":
            slack = h - M @ w
            mu = np.zeros(len(h)) if dual is None else np.nan_to_num(np.asarray(dual, dtype=float))
            keep = (slack <= tol * np.maximum(1.0, np.abs(h))) | (mu > 1e-9 * max(1.0, float(np.max(np.abs(mu)))))
        rows.append(M[keep])
        rhs.append(h[keep])
        owner.append(np.column_stack([np.full(int(keep.sum()), k), np.flatnonzero(keep)]))
    C = np.vstack(rows) if rows else np.zeros((0, len(w)))
    c = np.concatenate(rhs) if rhs else np.zeros(0)
    who = np.vstack(owner) if owner else np.zeros((0, 2), dtype=int)
    return C, c, who


def _newton(problem: Problem, f: _Smooth, w: np.ndarray, b: float, free: np.ndarray, zeros: np.ndarray,
            C: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, float, np.ndarray, np.ndarray] | None:  # fmt: skip
    """Newton's method on the free coefficients with ``C w = c``: ``(w, b, nu, zeros)`` at the
    stationary point (a coefficient crossing its kink joins the zeros), None without one."""
    pen, lam, fb = problem.penalty, float(f.lam), problem.fit_intercept
    nf, m = int(free.sum()), len(c)
    nu = np.zeros(m)
    for _ in range(_MAX_NEWTON):
        gw, gb, eta = f.loss_gradient(w, b)
        grad = gw[free] + lam * pen.gradient(w)[free]
        grad = np.r_[grad, gb] if fb else grad
        Cf = C[:, free]
        Cf = np.column_stack([Cf, np.zeros(m)]) if fb else Cf
        stat = grad + Cf.T @ nu
        feas = C @ w - c
        if np.linalg.norm(stat) <= 1e-13 * f.scale and np.linalg.norm(feas) <= 1e-13 * max(1.0, np.linalg.norm(c)):
            return w, b, nu, zeros
        H = f._loss_hessian(eta, free)
        H[:nf, :nf] += lam * pen.curvature(w, free)
        K = np.block([[H, Cf.T], [Cf, np.zeros((m, m))]])
        sol = la.lstsq(K, -np.r_[grad, feas], lapack_driver="gelsy", check_finite=False)[0]
        step, nu = sol[: nf + fb], sol[nf + fb :]
        new = w.copy()
        new[free] += step[:nf]
        crossed = free & f.kinked & (np.sign(new) * np.sign(w) < 0)
        if np.any(crossed):  # a coefficient the solver left near its kink: it joins the zeros
            zeros = zeros | crossed
            free = free & ~crossed
            w[crossed] = 0.0
            nf, nu = int(free.sum()), np.zeros(m)
            continue
        w, b = new, b + (float(step[-1]) if fb else 0.0)
    return None


def _constraint_multipliers(problem: Problem, w: np.ndarray, C: np.ndarray, c: np.ndarray, who: np.ndarray,
                            nu: np.ndarray, bar: float) -> list[np.ndarray] | None:  # fmt: skip
    """Each constraint's multipliers from the binding rows' ``nu``; None where an inequality's
    is negative or the inequality is violated."""
    con_duals = [np.zeros(len(np.asarray(con.rhs))) for con in problem.constraints]
    for (k, i), value in zip(who, nu, strict=True):
        con_duals[k][i] = value
    for con, dual in zip(problem.constraints, con_duals, strict=True):
        if con.kind != "equality":
            if np.any(dual < -bar) or np.any(np.asarray(con.matrix) @ w - con.rhs > 1e-9 * max(1.0, np.linalg.norm(c))):
                return None
            np.maximum(dual, 0.0, out=dual)
    return con_duals


def _bound_multipliers(problem: Problem, w: np.ndarray, g: np.ndarray, lam: float, tol: float, zeros: np.ndarray,
                       at_lo: np.ndarray, at_hi: np.ndarray, bar: float) -> tuple[Any, Any] | None:  # fmt: skip
    """The multipliers of the bounds (None, None without bounds), or None where a sign the KKT
    conditions ask for fails (a kink's zero violated, a bound pushing the wrong way)."""
    pen, d = problem.penalty, len(w)
    # A bound inside a zero block of a norm (a group at 0 with a coefficient at the bound 0):
    # -g + nu_lo - nu_hi must lie in lam dR(0) on the block, and for an absolute norm (each
    # group's, Lp's) the bound multipliers that make it smallest are taken coordinate-wise,
    # nu_lo = max(g, 0) and nu_hi = max(-g, 0). They are not unique; these are reported.
    pinned = pen.zero_pattern(w, tol) & (at_lo | at_hi) if not pen.separable else np.zeros(d, dtype=bool)
    z = -g
    z[pinned & at_lo] = np.maximum(-g, 0.0)[pinned & at_lo]
    z[pinned & at_hi] = np.minimum(-g, 0.0)[pinned & at_hi]
    tested = zeros | pinned
    if np.any(tested) and np.max(pen.zero_violation(z, lam)[tested], initial=0.0) > bar:
        return None
    if problem.bounds is None:
        return None, None
    # Where a bound meets a kink (w_j = 0 = lower_j under L1) the multiplier is not unique: the
    # KKT conditions hold when the largest one is >= 0, and the smallest is reported (as the
    # engine does).
    if pen.separable:
        right, left = pen.one_sided_derivative(w, +1), pen.one_sided_derivative(w, -1)
    else:  # differentiable at every other coefficient on a bound (its block is not 0)
        right = left = pen.gradient(w)
    lo_only, hi_only = at_lo & ~pinned, at_hi & ~pinned
    if np.any((g + lam * right)[lo_only] < -bar) or np.any(-(g + lam * left)[hi_only] < -bar):
        return None
    lower_dual, upper_dual = np.zeros(d), np.zeros(d)
    lower_dual[lo_only] = np.maximum(g + lam * left, 0.0)[lo_only]
    upper_dual[hi_only] = np.maximum(-(g + lam * right), 0.0)[hi_only]
    lower_dual[pinned & at_lo] = np.maximum(g, 0.0)[pinned & at_lo]
    upper_dual[pinned & at_hi] = np.maximum(-g, 0.0)[pinned & at_hi]
    return lower_dual, upper_dual
