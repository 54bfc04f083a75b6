"""Quantities an exercise asks for besides the coefficients: the active set and the sign
pattern, the degrees of freedom, the multipliers of bounds, coordinates every minimizer shares,
the fit ``Xw + b`` (what a solution set shares), and answers at several lam (a path).

``degrees_of_freedom`` is Stein's unbiased df of a least-squares fit: on the active set ``A``,
``df = tr(X_A (X_A^T X_A + H_A)^{-1} X_A^T)`` with ``H_A`` the penalty's curvature there (lam
times the Hessian of its smooth part), plus one for an intercept (fitted on centred columns).
That is ``|A|`` for the lasso (Zou, Hastie & Tibshirani 2007), ``sum d_j^2 / (d_j^2 + lam)``
for ridge (ESL eq. 3.50) and the elastic net's trace formula (Tibshirani & Taylor 2012).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.linalg as la

from cvxreg.errors import NotSupportedError

if TYPE_CHECKING:
    from cvxreg.problem import Problem
    from cvxreg.result import Result

__all__ = ["active_set", "degrees_of_freedom", "sign_pattern"]


def _threshold(coef: np.ndarray) -> float:
    return 1e-6 * max(1.0, float(np.max(np.abs(coef), initial=0.0)))


def active_set(coef: Any) -> list[int]:
    """Indices (0-based) of the nonzero coefficients (above ``1e-6 max(1, |w|_inf)``)."""
    w = np.asarray(coef, dtype=float)
    return np.flatnonzero(np.abs(w) > _threshold(w)).tolist()


def sign_pattern(coef: Any) -> list[int]:
    """``sign(w_j)`` per coefficient: -1, 0 or +1 (0 below the threshold of ``active_set``)."""
    w = np.asarray(coef, dtype=float)
    return [int(s) for s in np.where(np.abs(w) > _threshold(w), np.sign(w), 0.0)]


def degrees_of_freedom(problem: Problem, X: Any, y: Any, result: Result, *, sample_weight: Any = None) -> float:
    """The degrees of freedom of a penalized least-squares fit at its solution ``result``:
    ``tr(c X_A^T S X_A (c X_A^T S X_A + H_A)^+)``, the trace of the hat matrix on the active set
    (``S`` the sample weights; columns centred with those weights for an intercept).

    A penalty without a curvature but with a generalized-lasso form ``sum_i c_i |(D w)_i| +
    1/2 w'Qw`` (total variation, the fused lasso) has the fit's degrees of freedom on the space
    ``w`` moves in: ``null(D_Z)``, ``Z`` the rows with ``(D w)_i = 0`` (Tibshirani & Taylor 2011,
    "The solution path of the generalized lasso", Ann. Statist. 39(3), Thm 3): for total
    variation with ``X = I``, the number of fused groups.

    Raises ``NotSupportedError`` for other losses, the constrained form, bounds, linear
    constraints, or a penalty with neither.
    """
    why = df_unavailable(problem)
    if why is not None:
        raise NotSupportedError(why)
    data = problem.check_data(X, y, sample_weight, "degrees_of_freedom")
    flat = problem.lagrangian(problem.form.param_value)
    X, sw = data.dense(), data.weights
    if problem.fit_intercept:
        X = X - (sw @ X) / np.sum(sw)
    c = 1.0 / problem.loss.weight_total(data.n, data.sample_weight)
    w = np.asarray(result.coef, dtype=float)
    free = np.abs(w) > _threshold(w)
    free |= ~flat.penalty.penalized(len(w))  # an unpenalized coefficient is always fitted
    try:
        zero = flat.penalty.zero_pattern(w, _threshold(w))
        free &= ~zero | ~flat.penalty.penalized(len(w))
        curvature = flat.penalty.curvature(w, free) if np.any(free) else np.zeros((0, 0))
    except NotSupportedError:
        return _generalized_lasso_df(problem, flat, X, sw, c, w)
    XA = X[:, free]
    G = c * (XA.T * sw) @ XA  # k x k: the trace is taken there, never on an n x n hat matrix
    df = float(np.trace(np.linalg.pinv(G + float(flat.form.param_value) * curvature) @ G)) if XA.shape[1] else 0.0
    return df + (1.0 if problem.fit_intercept else 0.0)


def df_unavailable(problem: Problem) -> str | None:
    """Why ``degrees_of_freedom`` cannot be computed for ``problem`` (None when it can)."""
    if not problem.loss.least_squares or problem.form.param_name != "lam":
        return f"Degrees of freedom are defined here for penalized least squares, not {problem!r}."
    if problem.bounds is not None or problem.constraints:
        return f"Degrees of freedom with bounds or linear constraints are not available: {problem!r}."
    return None


def _generalized_lasso_df(
    problem: Problem, flat: Problem, X: np.ndarray, sw: np.ndarray, c: float, w: np.ndarray
) -> float:
    """``tr(H)``, ``H = c X N (c N'X'SXN + lam N'QN)^+ N'X'S``, on a basis ``N`` of ``null(D_Z)``."""
    try:
        D, weights, Q = flat.penalty.as_generalized_lasso(len(w))
    except NotSupportedError:
        raise NotSupportedError(
            f"The curvature of {problem.penalty!r} is not known, nor a generalized-lasso form: no degrees of freedom."
        ) from None
    D, weights = np.asarray(D, dtype=float), np.asarray(weights, dtype=float)
    Dw = D @ w
    fused = (weights > 0) & (np.abs(Dw) <= _threshold(Dw) if Dw.size else np.zeros(0, dtype=bool))
    N = la.null_space(D[fused]) if np.any(fused) else np.eye(len(w))
    XN = X @ N
    G = c * (XN.T * sw) @ XN
    ridge = float(flat.form.param_value) * N.T @ np.asarray(Q) @ N
    df = float(np.trace(np.linalg.pinv(G + ridge) @ G)) if N.size else 0.0
    return df + (1.0 if problem.fit_intercept else 0.0)


def _finite(x: Any) -> float | None:
    """A number for strict JSON: None (``null``) when missing or not finite."""
    if x is None:
        return None
    x = float(x)
    return x if np.isfinite(x) else None


def _numbers(x: Any) -> Any:
    """One number or a list of them, for strict JSON."""
    return [_finite(v) for v in np.atleast_1d(x)] if np.ndim(x) else _finite(x)


def answer_document(ex: Any, res: Result, **solve_opts: Any) -> dict[str, Any]:
    """``res`` as an answer to the exercise ``ex`` (what ``cvxreg check --answer`` reads):
    coef, intercept, objective, multiplier, and every other quantity the file asks for,
    computed by cvxreg (a path is solved at each of its points with ``solve_opts``)."""
    problem, e = ex.problem, ex.expected
    if res.status == "no_minimizer":  # no coefficients to give: say so, and why (Status is a str enum)
        return {"no_minimizer": True, "reason": res.message}
    doc: dict[str, Any] = {
        "coef": [_finite(v) for v in np.atleast_1d(res.coef)],
        "intercept": _finite(res.intercept),
        "objective": _finite(res.objective),
        "dual": _numbers(res.dual),
    }
    if e.lambda_max is not None:
        doc["lambda_max"] = _finite(problem.lambda_max(ex.X, ex.y, sample_weight=ex.sample_weight))
    if e.multipliers is not None and res.dual is not None:  # the ball's multiplier in each way the file writes it
        from cvxreg._file_schema import ball_form, ball_multipliers

        form = ball_form(problem)
        if form is not None:
            both = ball_multipliers(problem, {form[0]: float(res.dual)})
            doc["multipliers"] = {k: _finite(both[k]) for k in e.multipliers}
    if problem.constraints:
        duals = res.constraint_duals or tuple(np.full(len(c.rhs), np.nan) for c in problem.constraints)
        doc["constraint_duals"] = [[_finite(v) for v in np.atleast_1d(d)] for d in duals]
    if e.support is not None:
        doc["support"] = active_set(res.coef)
    if e.signs is not None:
        doc["signs"] = sign_pattern(res.coef)
    if e.df is not None:
        found = degrees_of_freedom(problem, ex.X, ex.y, res, sample_weight=ex.sample_weight) if res.ok else None
        doc["df"] = _finite(found)
    if getattr(ex, "intercept_only", False):  # no coefficients to give: the model is b
        del doc["coef"]
    elif problem.bounds is not None and res.lower_dual is not None:
        doc["lower_dual"] = [_finite(v) for v in res.lower_dual]
        doc["upper_dual"] = [_finite(v) for v in res.upper_dual]
    if e.path:
        from cvxreg.solvers import default_solver, solver_options

        if solve_opts.get("solver") is None:  # as Exercise.solve: the default solver, tight
            solve_opts = {"solver": default_solver(), **solver_options(default_solver(), "tight")}
        name = problem.form.param_name
        points = []
        for point in e.path:
            at = problem.with_form(problem.form.with_value(point.param))
            found = at.solve(ex.X, ex.y, sample_weight=ex.sample_weight, **solve_opts)
            points.append(
                {
                    name: _numbers(point.param),
                    "coef": [_finite(v) for v in found.coef],
                    "intercept": _finite(found.intercept),
                    "objective": _finite(found.objective),
                    "dual": _numbers(found.dual),
                }
            )
        doc["path"] = points
    from cvxreg._file_exact import exact_document

    return {**doc, **exact_document(ex)}
