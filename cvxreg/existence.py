"""Whether a minimizer exists: a direction along which the objective keeps decreasing.

A convex objective bounded below can still have no minimizer: logistic loss on separable
classes without a penalty decreases along the separating direction for ever, and so does a
Poisson loss whose counts are all 0 with a free intercept (``exp(b) -> 0`` as ``b -> -inf``).
Solvers then return a large iterate with a small gradient, which looks optimal and is not.

Each loss with such a tail says, per sample, along which sign of ``delta_i`` (the change of
``eta_i = x_i^T w + b``) its term does not grow at infinity and along which it strictly
decreases without ever reaching its infimum (``Loss.recession``). A minimizer fails to exist
exactly when some direction ``d`` the penalty, the form, the bounds and the constraints let
the coefficients run along (a recession direction of the feasible set on which the penalty
stays flat) keeps every term from growing and makes one strictly decrease: a linear program
(HiGHS, through SciPy) over the free coefficients and the intercept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from cvxreg._validation import Data
from cvxreg.errors import NotSupportedError

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["no_minimizer"]


def _free(problem: Problem, d: int) -> np.ndarray:
    """The coefficients that may run off to infinity: those the penalty does not hold (no
    penalty at lam = 0; otherwise the unpenalized ones)."""
    lam = problem.form.param_value
    if problem.form.param_name == "lam" and np.all(np.asarray(lam) == 0):
        return np.ones(d, dtype=bool)
    return ~problem.penalty.penalized(d)


def no_minimizer(problem: Problem, data: Data) -> str | None:
    """Why ``problem`` has no minimizer on ``data`` (the direction that proves it), or None
    when one exists or the loss attains its infimum whenever it is bounded."""
    try:
        lo, hi, strict = problem.loss.recession(data.y)
    except NotSupportedError:
        return None
    if data.sample_weight is not None:  # a sample of weight 0 does not count
        off = data.sample_weight == 0
        lo, hi, strict = np.where(off, -np.inf, lo), np.where(off, np.inf, hi), np.where(off, 0.0, strict)
    if not np.any(strict):
        return None
    free = np.flatnonzero(_free(problem, data.d))
    k = free.size + problem.fit_intercept
    if k == 0:
        return None
    if free.size == 0:  # the intercept alone: delta_i = d_b for every sample, d_b = +1 or -1
        up = bool(np.all(np.isinf(hi)) and np.any(strict > 0))
        down = bool(np.all(np.isinf(lo)) and np.any(strict < 0))
        if not (up or down):
            return None
        return _reason(problem, f"the intercept towards {'+' if up else '-'}inf")
    # delta = X_free d_free + d_b 1; the variables are (d_free, d_b), each in [-1, 1].
    X = data.X[:, free] if free.size else np.zeros((data.n, 0))
    M = sp.hstack([sp.csr_array(X), sp.csr_array(np.ones((data.n, 1)))]) if problem.fit_intercept else sp.csr_array(X)
    M = sp.csr_array(M)
    bounds = [(-1.0, 1.0)] * k
    if problem.bounds is not None:
        lower, upper = (
            np.broadcast_to(np.nan if side is None else np.asarray(side, float), (data.d,)) for side in problem.bounds
        )
        for pos, j in enumerate(free):
            bounds[pos] = (0.0 if np.isfinite(lower[j]) else -1.0, 0.0 if np.isfinite(upper[j]) else 1.0)
    rows_ub = []
    upper_side, lower_side = np.isfinite(hi), np.isfinite(lo)
    if np.any(upper_side):  # delta_i <= 0 where the term grows for delta_i > 0
        rows_ub.append(M[np.flatnonzero(upper_side)])
    if np.any(lower_side):
        rows_ub.append(-M[np.flatnonzero(lower_side)])
    A_eq, b_eq = None, None
    if problem.constraints:
        eqs, ineqs = [], []
        for con in problem.constraints:
            part = con.matrix[:, free]
            part = np.hstack([part, np.zeros((part.shape[0], 1))]) if problem.fit_intercept else part
            (eqs if con.kind == "equality" else ineqs).append(part)
        if eqs:
            A_eq = np.vstack(eqs)
            b_eq = np.zeros(A_eq.shape[0])
        if ineqs:
            rows_ub.append(sp.csr_array(np.vstack(ineqs)))
    A_ub = sp.vstack(rows_ub).tocsr() if rows_ub else None
    b_ub = np.zeros(A_ub.shape[0]) if A_ub is not None else None
    c = -(strict @ M)  # maximize sum_i strict_i delta_i (each term >= 0 on the feasible set)
    out = linprog(np.asarray(c).ravel(), A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if out.status != 0 or out.x is None:
        return None
    size = float(np.max(np.abs(M.data))) if M.nnz else 1.0
    if -out.fun <= 1e-9 * size * max(1, data.n) ** 0.5:
        return None
    direction = np.zeros(data.d)
    direction[free] = out.x[: free.size]
    parts = []
    if free.size and np.any(direction):
        shown = np.array2string(direction[np.abs(direction) > 0][:6], precision=3)
        parts.append(f"coefficients {free[np.abs(out.x[: free.size]) > 0][:6].tolist()} along {shown}")
    if problem.fit_intercept and out.x[-1] != 0:
        parts.append(f"the intercept towards {'+' if out.x[-1] > 0 else '-'}inf")
    return _reason(problem, " and ".join(parts) or "a direction of the free coefficients")


def _reason(problem: Problem, where: str) -> str:
    return (
        f"{problem!r} has no minimizer on these data: {problem.loss.recession_reason()}. Moving {where} "
        f"lowers the objective for ever without reaching its infimum, and no penalty, bound or constraint "
        f"stops it: a solver would return a large iterate that only looks optimal. Add a penalty with lam > 0 "
        f"on those coefficients, bounds, or data that rule the direction out."
    )
