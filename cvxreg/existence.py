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
import scipy.linalg as la
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


#: Kernels of non-separable penalties are computed densely up to this many coefficients.
_KERNEL_MAX_D = 500  # an SVD of a d x d matrix: about 50 ms at 500


def _directions(problem: Problem, d: int) -> sp.csc_array:
    """A basis ``N`` (d x m) of the directions along which the penalty stays flat: the free
    coefficients, and for a seminorm that is not separable its kernel (total variation's is
    the constant direction): ``null([D_c; Q])`` of its generalized-lasso form."""
    free = _free(problem, d)
    pen = problem.penalty
    if np.all(free) or pen.separable or d > _KERNEL_MAX_D:
        return sp.csc_array(sp.eye(d, format="csc")[:, np.flatnonzero(free)])
    try:
        D, c, Q = pen.as_generalized_lasso(d)
    except NotSupportedError:
        return sp.csc_array(sp.eye(d, format="csc")[:, np.flatnonzero(free)])
    N = la.null_space(np.vstack([np.asarray(D)[np.asarray(c) > 0], np.asarray(Q)]))
    N[np.abs(N) < 1e-12] = 0.0
    return sp.csc_array(N)


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
    N = _directions(problem, data.d)
    m = N.shape[1]
    k = m + problem.fit_intercept
    if k == 0:
        return None
    if m == 0:  # the intercept alone: delta_i = d_b for every sample, d_b = +1 or -1
        up = bool(np.all(np.isinf(hi)) and np.any(strict > 0))
        down = bool(np.all(np.isinf(lo)) and np.any(strict < 0))
        if not (up or down):
            return None
        return _reason(problem, f"the intercept towards {'+' if up else '-'}inf")
    # delta = X N z + d_b 1; the variables are (z, d_b), each in [-1, 1].
    XN = sp.csr_array(data.X @ N) if sp.issparse(data.X) else sp.csr_array(np.asarray(data.X @ N))
    M = sp.hstack([XN, sp.csr_array(np.ones((data.n, 1)))]) if problem.fit_intercept else XN
    M = sp.csr_array(M)

    def pad(A: object) -> sp.csr_array:  # a row on z, and a zero on the intercept's d_b
        A = sp.csr_array(A)
        return sp.csr_array(sp.hstack([A, sp.csr_array((A.shape[0], 1))])) if problem.fit_intercept else A

    rows_ub = []
    upper_side, lower_side = np.isfinite(hi), np.isfinite(lo)
    if np.any(upper_side):  # delta_i <= 0 where the term grows for delta_i > 0
        rows_ub.append(M[np.flatnonzero(upper_side)])
    if np.any(lower_side):
        rows_ub.append(-M[np.flatnonzero(lower_side)])
    if problem.bounds is not None:  # (N z)_j >= 0 below a finite lower bound, <= 0 under an upper one
        lower, upper = (
            np.broadcast_to(np.nan if side is None else np.asarray(side, float), (data.d,)) for side in problem.bounds
        )
        Nr = sp.csr_array(N)
        for side, sign in ((lower, -1.0), (upper, 1.0)):
            held = np.flatnonzero(np.isfinite(side))
            if held.size:
                rows_ub.append(pad(sign * Nr[held]))
    A_eq, b_eq = None, None
    if problem.constraints:
        eqs = [pad(con.matrix @ N) for con in problem.constraints if con.kind == "equality"]
        rows_ub += [pad(con.matrix @ N) for con in problem.constraints if con.kind != "equality"]
        if eqs:
            A_eq = sp.vstack(eqs).tocsr()
            b_eq = np.zeros(A_eq.shape[0])
    A_ub = sp.vstack(rows_ub).tocsr() if rows_ub else None
    b_ub = np.zeros(A_ub.shape[0]) if A_ub is not None else None
    c = -(strict @ M)  # maximize sum_i strict_i delta_i (each term >= 0 on the feasible set)
    bounds = [(-1.0, 1.0)] * k
    out = linprog(np.asarray(c).ravel(), A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if out.status != 0 or out.x is None:
        return None
    size = float(np.max(np.abs(M.data))) if M.nnz else 1.0
    if -out.fun <= 1e-9 * size * max(1, data.n) ** 0.5:
        return None
    direction = N @ out.x[:m]
    parts = []
    moved = np.flatnonzero(np.abs(direction) > 1e-12 * max(1.0, float(np.max(np.abs(direction)))))
    if moved.size:
        shown = np.array2string(direction[moved][:6], precision=3)
        parts.append(f"coefficients {moved[:6].tolist()} along {shown}")
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
