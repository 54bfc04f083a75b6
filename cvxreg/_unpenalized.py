"""The unpenalized part of a problem fitted alone: the coefficients with penalty factor 0
(within their bounds) and the intercept, every other coefficient at 0. ``lambda_max`` starts
from it. Sparse data stay sparse: only the small ``k x k`` normal equations are dense.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cvxpy as cp
import numpy as np
import scipy.sparse as sp
from scipy.optimize import lsq_linear

from cvxreg.errors import NotSupportedError
from cvxreg.solvers import solve_accurately

if TYPE_CHECKING:
    from cvxreg._validation import Data
    from cvxreg.problem import Problem

__all__ = ["fit_unpenalized"]


#: Up to this many unpenalized sparse columns the k x k normal equations are formed (dense, 32 MB
#: at 2000); beyond it the least squares are solved iteratively on the sparse columns.
NORMAL_EQUATIONS_MAX = 2000


def fit_unpenalized(
    problem: Problem, data: Data, free: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> tuple[np.ndarray, float]:
    """The coefficients with penalty factor 0 and the intercept, fitted with the others at 0."""
    loss, y, s = problem.loss, data.y, data.sample_weight
    k = int(free.sum())
    if k == 0:
        return np.zeros(0), (loss.intercept_only(y, s) if problem.fit_intercept else 0.0)
    A = data.X[:, np.flatnonzero(free)]  # sparse X stays sparse: no n x k dense copy
    if problem.fit_intercept:
        ones = np.ones((data.n, 1))
        A = sp.hstack([A, ones], format="csc") if sp.issparse(A) else np.hstack([A, ones])
    lo = np.r_[lower[free], [-np.inf] * problem.fit_intercept]
    hi = np.r_[upper[free], [np.inf] * problem.fit_intercept]
    if loss.least_squares:
        fixed = lo == hi  # held coefficients (lower = upper): their value is known
        u = np.where(fixed, lo, 0.0)
        moving = np.flatnonzero(~fixed)
        root = np.sqrt(data.weights)
        A_m = sp.diags(root) @ A[:, moving] if sp.issparse(A) else root[:, None] * A[:, moving]
        target = root * (y - A[:, np.flatnonzero(fixed)] @ u[fixed])
        bounded = np.any(np.isfinite(lo[moving])) or np.any(np.isfinite(hi[moving]))
        if not moving.size:
            pass
        elif sp.issparse(A_m) and not bounded and moving.size <= NORMAL_EQUATIONS_MAX:
            # the k x k normal equations, solved directly (k small: the matrix is k x k, not n x k)
            gram = np.asarray((A_m.T @ A_m).todense())
            u[moving] = np.linalg.lstsq(gram, A_m.T @ target, rcond=None)[0]
        elif sp.issparse(A_m):  # many columns, or bounds: iterative, on the sparse columns as given
            u[moving] = lsq_linear(A_m, target, bounds=(lo[moving], hi[moving]), method="trf", tol=1e-14,
                                   lsq_solver="lsmr").x  # fmt: skip
        elif not bounded:
            u[moving] = np.linalg.lstsq(A_m, target, rcond=None)[0]
        else:
            u[moving] = lsq_linear(A_m, target, bounds=(lo[moving], hi[moving]), method="bvls", tol=1e-14).x
    else:
        var = cp.Variable(A.shape[1])
        cons = [var[i] >= lo[i] for i in np.flatnonzero(np.isfinite(lo))]
        cons += [var[i] <= hi[i] for i in np.flatnonzero(np.isfinite(hi))]
        prob = cp.Problem(cp.Minimize(loss.expr(A, y, var, 0.0, s)), cons)
        solve_accurately(prob)
        if var.value is None:
            raise NotSupportedError(f"Fitting the unpenalized coefficients of {problem!r} failed ({prob.status}).")
        u = np.asarray(var.value)
    return (u[:k], float(u[k])) if problem.fit_intercept else (u, 0.0)
