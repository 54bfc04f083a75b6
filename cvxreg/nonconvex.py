"""Non-convex penalties on request: ``|w|^p`` with ``0 < p < 1`` by iteratively reweighted L1.

cvxreg refuses ``Lp(p < 1)`` because no convex solver can certify a minimum of it. Some users
want it anyway and know what they give up; ``reweighted`` is for them, reachable only by its
name (``from cvxreg.nonconvex import reweighted``). It minimizes the smoothed objective
``G(w) = L(w, b) + lam * sum_j (|w_j| + eps)^p`` by majorization-minimization (Candès, Wakin &
Boyd, J. Fourier Anal. Appl. 14, 2008): ``(|w_j| + eps)^p`` is concave in ``|w_j|``, so it lies
below its tangent at the current point, and each step minimizes the convex weighted lasso
``L + lam * sum_j v_j |w_j|`` with ``v_j = p (|w_j| + eps)^(p - 1)`` — a cvxreg problem that
passes the DCP gate and is solved exactly. ``G`` never increases from one step to the next.
The answer is a **local** solution that depends on the start (the lasso, all weights 1); it is
never certified optimal, and every call says so with a ``LocalSolutionWarning``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from cvxreg._validation import check_real, invalid
from cvxreg.errors import LocalSolutionWarning
from cvxreg.forms import Penalized
from cvxreg.losses import Loss
from cvxreg.penalties import L1
from cvxreg.problem import Problem
from cvxreg.result import Result

__all__ = ["LocalResult", "reweighted"]

LOCAL_NOTE = (
    "a local solution of a non-convex problem: it depends on the starting point, and no "
    "certificate can show it is a global minimum"
)


@dataclass(frozen=True)
class LocalResult:
    """The outcome of ``reweighted``: a local solution, never a certified one.

    Attributes
    ----------
    coef : ndarray of shape (d,)
    intercept : float
    objective : float
        ``L(w, b) + lam * sum_j |w_j|^p`` at the answer (the unsmoothed objective).
    history : ndarray
        The smoothed objective ``G`` after each convex solve (non-increasing).
    weights : ndarray of shape (d,)
        The L1 weights of the last convex solve.
    n_solves : int
    converged : bool
        The relative change of the coefficients fell below ``tol``.
    last : Result
        The last convex solve, with its own (convex) certificate.
    local : bool
        Always True.
    note : str
        What kind of answer this is.
    """

    coef: np.ndarray
    intercept: float
    objective: float
    history: np.ndarray
    weights: np.ndarray
    n_solves: int
    converged: bool
    last: Result
    local: bool = True
    note: str = LOCAL_NOTE

    @property
    def support(self) -> np.ndarray:
        return np.flatnonzero(self.coef)


def reweighted(
    loss: Loss,
    p: float,
    lam: float,
    X: Any,
    y: Any,
    *,
    sample_weight: Any = None,
    fit_intercept: bool = False,
    iters: int = 30,
    eps: float = 1e-3,
    tol: float = 1e-8,
    solver: Any = None,
) -> LocalResult:
    """Minimize ``L(w, b) + lam * sum_j (|w_j| + eps)^p``, ``0 < p < 1``, locally (see the module).

    Parameters
    ----------
    loss : Loss
    p : float in (0, 1)
    lam : float >= 0
    X, y, sample_weight : the data
    fit_intercept : bool, default False
    iters : int, default 30
        The most convex solves.
    eps : float > 0, default 1e-3
        Smoothing: keeps the weights finite at 0.
    tol : float, default 1e-8
        Stop when ``max |w_new - w| <= tol * max(1, max |w|)``.
    solver : str, optional

    Returns
    -------
    LocalResult
    """
    p = check_real(p, "p", "reweighted", lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    lam = check_real(lam, "lam", "reweighted", lo=0.0)
    eps = check_real(eps, "eps", "reweighted", lo=0.0, lo_open=True)
    if not isinstance(iters, int) or isinstance(iters, bool) or iters < 1:
        raise invalid("iters", "reweighted", "an integer >= 1", iters)
    if not isinstance(loss, Loss):
        raise invalid("loss", "reweighted", "a cvxreg Loss", loss)
    warnings.warn(f"cvxreg.nonconvex.reweighted returns {LOCAL_NOTE}.", LocalSolutionWarning, stacklevel=2)
    convex = Problem(loss, L1(), Penalized(lam), fit_intercept=fit_intercept)
    data = convex.check_data(X, y, sample_weight, "reweighted")
    d = data.d

    def smoothed(w: np.ndarray, b: float) -> float:
        fit = loss.value(data.X, data.y, w, b, data.sample_weight)
        return fit + lam * float(np.sum((np.abs(w) + eps) ** p))

    v = np.ones(d)
    history: list[float] = []
    w, b, res = np.zeros(d), 0.0, None
    converged = False
    for _ in range(iters):
        problem = Problem(loss, L1(factors=v), Penalized(lam), fit_intercept=fit_intercept)
        res = problem.solve(data.X, data.y, sample_weight=data.sample_weight, solver=solver)
        if not res.ok:
            break
        change = float(np.max(np.abs(res.coef - w), initial=0.0))
        w, b = np.array(res.coef), float(res.intercept)
        history.append(smoothed(w, b))
        v = p * (np.abs(w) + eps) ** (p - 1)
        if change <= tol * max(1.0, float(np.max(np.abs(w), initial=0.0))) and len(history) > 1:
            converged = True
            break
    if res is None or not history:
        raise invalid("loss", "reweighted", "a problem whose first convex solve succeeds", repr(loss), raw=True)
    objective = loss.value(data.X, data.y, w, b, data.sample_weight) + lam * float(np.sum(np.abs(w) ** p))
    return LocalResult(
        coef=w,
        intercept=b,
        objective=objective if math.isfinite(objective) else math.nan,
        history=np.array(history),
        weights=v,
        n_solves=len(history),
        converged=converged,
        last=res,
    )
