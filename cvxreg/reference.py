"""Independent truth for a ``Problem``: its closed form when one applies, else the most
accurate certified solve.

The closed forms themselves are plain NumPy functions in ``cvxreg.closed_forms``; which one
applies is asked of the penalty (``least_squares``, ``least_squares_ball``, ``prox``, ``project``) through the form
(``Form.closed_form``). ``reference_result`` maps a
problem with a least-squares loss onto them: loss scale ``c``, sample weights by row scaling,
an intercept by centring.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from cvxreg._validation import Data, check_real
from cvxreg.closed_forms import equality_least_squares, is_orthonormal
from cvxreg.errors import NotSupportedError
from cvxreg.penalties import Penalty
from cvxreg.result import Result, Status
from cvxreg.solvers import ACCURATE_ORDER, installed_solvers, solver_options

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["box_orthonormal", "most_accurate_solve", "multiplier_note", "reference_result", "truth"]


def box_orthonormal(
    z: Any, lam: float, penalty: Penalty, lower: Any, upper: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``min 1/2||z - w||^2 + lam R(w) s.t. lower <= w <= upper`` for a separable R.

    Coordinatewise a convex 1-D problem, so ``w = clip(prox(z), lower, upper)``. The bound
    multipliers are the one-sided derivatives of ``1/2(w - z)^2 + lam r(w)`` at an active
    bound; NaN where ``r`` has a kink at the bound (every value between the one-sided
    derivatives is a multiplier, so none is "the" answer).
    """
    if not penalty.separable:
        raise NotSupportedError(f"{penalty!r} is not separable.")
    z = np.asarray(z, dtype=float)
    d = len(z)
    lo = np.broadcast_to(-np.inf if lower is None else np.asarray(lower, dtype=float), (d,))
    hi = np.broadcast_to(np.inf if upper is None else np.asarray(upper, dtype=float), (d,))
    p = penalty.prox(z, lam)
    w = np.clip(p, lo, hi)
    right, left = penalty.one_sided_derivative(w, +1), penalty.one_sided_derivative(w, -1)
    lo_dual, hi_dual = np.zeros(d), np.zeros(d)
    at_lo, at_hi = p < lo, p > hi
    # f'(w) from the side the bound pushes against: right derivative at lower, left at upper.
    lo_dual[at_lo] = np.maximum(w[at_lo] - z[at_lo] + lam * right[at_lo], 0)
    hi_dual[at_hi] = np.maximum(z[at_hi] - w[at_hi] - lam * left[at_hi], 0)
    kinked = (right != left) & (lam > 0)
    lo_dual[kinked & (w == lo)] = np.nan
    hi_dual[kinked & (w == hi)] = np.nan
    return w, lo_dual, hi_dual


@dataclass(frozen=True)
class _LeastSquares:
    """Least-squares data reduced to the unscaled, unweighted, intercept-free form."""

    X: np.ndarray
    y: np.ndarray
    x_mean: np.ndarray
    y_mean: float
    c: float  # the loss scale: L = c * 1/2 ||y - Xw - b||_s^2


def _reduce(problem: Problem, data: Data) -> _LeastSquares:
    Xd, sw, y = data.dense(), data.weights, data.y
    if problem.fit_intercept:
        x_mean, y_mean = sw @ Xd / sw.sum(), float(sw @ y / sw.sum())
    else:
        x_mean, y_mean = np.zeros(data.d), 0.0
    root = np.sqrt(sw)
    c = 1.0 / problem.loss.weight_total(data.n, data.sample_weight)
    return _LeastSquares(root[:, None] * (Xd - x_mean), root * (y - y_mean), x_mean, y_mean, c)


def _closed_form(problem: Problem, red: _LeastSquares, assume_orthonormal: bool) -> tuple[Any, ...] | None:
    """``(w, dual, lower_dual, upper_dual, constraint_duals)`` from a closed form, or None."""
    if problem.constraints:
        return _equality_closed_form(problem, red)
    orth = assume_orthonormal or is_orthonormal(red.X)
    try:
        if problem.bounds is not None:
            if problem.form.param_name != "lam" or not orth:
                return None
            lam = problem.form.param_value / red.c
            w, lo_dual, hi_dual = box_orthonormal(red.X.T @ red.y, lam, problem.penalty, *problem.bounds)
            return w, None, lo_dual * red.c, hi_dual * red.c, None
        w, dual = problem.form.closed_form(problem.penalty, red.X, red.y, red.c, orth, not assume_orthonormal)
        return w, dual, None, None, None
    except NotSupportedError:
        return None


def _equality_closed_form(problem: Problem, red: _LeastSquares) -> tuple[Any, ...] | None:
    """Equality-constrained least squares, with a ridge penalty or none (``lam = 0``)."""
    if problem.bounds is not None or problem.form.param_name != "lam":
        return None
    if any(c.kind != "equality" for c in problem.constraints):
        return None
    lam = problem.form.param_value / red.c
    factors = None
    if lam > 0:
        try:
            ridge_like = problem.penalty.as_elastic_net()
        except NotSupportedError:
            return None
        if ridge_like.l1_ratio != 0:  # type: ignore[attr-defined]
            return None
        factors = ridge_like.factors
    A = np.vstack([c.matrix for c in problem.constraints])
    b = np.concatenate([c.rhs for c in problem.constraints])
    w, nu = equality_least_squares(red.X, red.y, A, b, lam, factors)
    # The loss is c times the unscaled one, so are the multipliers; split them per constraint.
    splits = np.cumsum([c.matrix.shape[0] for c in problem.constraints])[:-1]
    return w, None, None, None, tuple(np.split(nu * red.c, splits))


def reference_result(
    problem: Problem, X: Any, y: Any, *, sample_weight: Any = None, assume_orthonormal: bool = False
) -> Result | None:
    """A ``Result`` from the closed form that applies to this problem and data, else None.

    Applies to least-squares losses (any scale, sample weights, intercept) with a penalty
    that knows one: ridge and ``L2`` (penalized and constrained) for any X; with an
    orthonormal (centred, weighted) design every penalty with a ``prox`` (penalized), or a
    ``project`` (constrained), and box bounds on separable penalties.
    ``assume_orthonormal=True`` applies the orthonormal formulas without checking (to
    reproduce that mistake, not to solve).

    Parameters
    ----------
    problem : Problem
    X, y, sample_weight : the data
    assume_orthonormal : bool, default False

    Returns
    -------
    Result or None
        ``solver == "closed_form"``; no certificate attached (``Problem.certify`` adds one).
    """
    if not problem.loss.least_squares:
        return None
    data = problem.check_data(X, y, sample_weight, "Problem.reference")
    red = _reduce(problem, data)
    found = _closed_form(problem, red, assume_orthonormal)
    if found is None:
        return None
    w, dual, lo_dual, hi_dual, constraint_duals = found
    b = red.y_mean - float(red.x_mean @ w) if problem.fit_intercept else 0.0
    return Result(
        coef=w,
        intercept=b,
        objective=problem.objective_value(data.X, data.y, w, b, sample_weight=data.sample_weight),
        status=Status.OPTIMAL,
        solver="closed_form",
        dual=dual,
        lower_dual=lo_dual,
        upper_dual=hi_dual,
        feature_names=data.feature_names,
        constraint_duals=constraint_duals,
    )


def most_accurate_solve(problem: Problem, X: Any, y: Any, *, sample_weight: Any = None, tol: float = 1e-9) -> Result:
    """Solve at tight settings with the accurate solvers and keep the best certified result.

    Parameters
    ----------
    problem : Problem
    X, y, sample_weight : the data
    tol : float, default 1e-9
        Stop at the first solver of ``ACCURATE_ORDER`` whose worst certificate measure is
        below ``tol``; otherwise keep the result with the smallest one.

    Returns
    -------
    Result
        With its certificate.
    """
    data = problem.check_data(X, y, sample_weight, "most_accurate_solve")
    tol = check_real(tol, "tol", "most_accurate_solve", lo=0.0, lo_open=True)
    best: tuple[float, Result] | None = None
    res = None
    for name in ACCURATE_ORDER:
        if name not in installed_solvers():
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            opts = solver_options(name, "tight")
            res = problem.solve(data.X, data.y, sample_weight=data.sample_weight, solver=name, **opts)
        if not res.ok or res.certificate is None:
            continue
        worst = res.certificate.worst
        if not math.isfinite(worst):  # a certificate that could not be computed ranks last
            worst = math.inf
        if best is None or worst < best[0]:
            best = (worst, res)
        if worst <= tol:
            break
    if best is None:
        if res is None:
            raise NotSupportedError(f"None of {', '.join(ACCURATE_ORDER)} is installed.")
        return res
    return best[1]


def truth(problem: Problem, X: Any, y: Any, *, sample_weight: Any = None) -> tuple[Result, str]:
    """The best independent answer and where it comes from: ``(closed form, "closed_form")``
    when one applies, else ``(most accurate solve, "tight <SOLVER>")`` (``"none"`` if it failed).

    The closed form comes with its certificate, like a solve.
    """
    data = problem.check_data(X, y, sample_weight, "reference")
    closed = reference_result(problem, data.X, data.y, sample_weight=data.sample_weight)
    if closed is not None:
        return problem.certify(closed, data), "closed_form"
    best = most_accurate_solve(problem, data.X, data.y, sample_weight=data.sample_weight)
    return best, f"tight {best.solver}" if best.ok else "none"


def multiplier_note(problem: Problem, data: Data, ref: Result | None, *, rel: float = 1e-3) -> str:
    """Why the multiplier of ``R(w) <= t`` is not well determined here, or "" when it is.

    The multiplier is minus the slope of the optimal value ``p(t)`` of the constrained
    problem (for a penalized problem: its constrained twin at ``t = R(w_ref)``). It is unique
    when ``p`` is differentiable at ``t``. The one-sided slopes are measured with two steps,
    ``rel * t`` and ``rel * t / 10``: at a smooth ``t`` their difference shrinks with the step,
    at a kink it does not. A multiplier whose one-sided slopes disagree is not a test of a
    solver (any value between them is a valid multiplier), so the report leaves it out.
    """
    if ref is None or not ref.ok:
        return ""
    from cvxreg.forms import Constrained

    if problem.form.param_name == "t":
        t0 = np.asarray(problem.form.param_value, dtype=float)
    else:
        try:
            t0 = np.asarray(problem.penalty.value(ref.coef), dtype=float)
        except Exception:
            return ""
    if not np.all(np.isfinite(t0)):
        return ""
    if np.any(t0 <= 0):  # R(w) <= 0: no interior (Slater fails); above a valid multiplier, all are valid
        return (
            "not unique: at t = 0 the constraint leaves a single feasible point (no interior), so every multiplier "
            "above the smallest valid one is valid too"
        )

    def value(t: np.ndarray) -> float:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            form = Constrained(t if t.ndim else float(t))
            res = problem.with_form(form).solve(data.X, data.y, sample_weight=data.sample_weight)
        return res.objective if res.ok else math.nan

    p0 = value(t0)
    for k in range(t0.size):  # each term's t on its own (a Composite has several)
        e = np.zeros(t0.size)
        e[k] = 1.0
        e = e.reshape(t0.shape)
        tk = float(t0.ravel()[k])
        spreads, slopes = [], (math.nan, math.nan)
        for step in (rel * tk, rel * tk / 10):
            left = (value(t0 - step * e) - p0) / step  # -p'(t-)
            right = (p0 - value(t0 + step * e)) / step  # -p'(t+)
            if not (math.isfinite(left) and math.isfinite(right)):
                return ""
            spreads.append(abs(left - right))
            if step == rel * tk:
                slopes = (left, right)
        size = max(abs(slopes[0]), abs(slopes[1]))
        noise = 1e-8 * max(1.0, abs(p0)) / (rel * tk / 10)  # what solve accuracy alone can move a slope
        if spreads[0] > 1e-2 * size + noise and spreads[1] > 0.5 * spreads[0]:
            which = "" if t0.size == 1 else f" of term {k}"
            return (
                f"not unique: the optimal value's slope in t{which} changes from {slopes[0]:.4g} to "
                f"{slopes[1]:.4g} across t = {tk:.6g} +- {100 * rel:g}% (and does not shrink with the step), "
                "so every value between them is a valid multiplier"
            )
    return ""
