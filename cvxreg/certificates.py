"""Optimality certificates, duality gaps and lam_max, generic over the loss/penalty protocol.

Nothing here tests the type of a loss or penalty: each quantity asks the object
(``Penalty.subdifferential``, ``prox``, ``dual_norm``, ``dual_norm_expr``; ``Loss.derivative``,
``conjugate_sum``, ``epigraph_pieces``) and falls back where the object says
``NotSupportedError``. The formulas are in ``docs/formulas.md``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import cvxpy as cp
import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.linalg import blas

from cvxreg import _units
from cvxreg._unpenalized import fit_unpenalized as _fit_unpenalized
from cvxreg._validation import Data
from cvxreg.errors import NotSupportedError
from cvxreg.forms import box_constraints
from cvxreg.result import NO_SOLUTION, Certificate, Result
from cvxreg.solvers import solve_accurately

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["certificate", "certificate_on", "certify_path", "lambda_max"]


# --------------------------------------------------------------------------------------------
# Certificates
# --------------------------------------------------------------------------------------------
def certificate(
    problem: Problem, X: Any, y: Any, result: Result, *, sample_weight: Any = None, tol: float | None = None
) -> Certificate:
    """Optimality certificate of ``result`` for ``problem`` on ``(X, y)``; see ``Certificate``.

    The stationarity residual is the distance from 0 to the subdifferential of the
    Lagrangian: the loss subgradient (an interval at kinks) and the penalty subdifferential
    (a set at zeros), computed as a small projection problem. Entries within ``tol``
    (default ``1e-6 max(1, ||w||_inf)``) of a kink count as at the kink. Where the penalty's
    subdifferential is not known, the prox-gradient residual takes its place.

    Parameters
    ----------
    problem : Problem
    X, y : the data, as for ``Problem.solve``
    result : Result
        The candidate answer (coefficients, intercept, multipliers).
    sample_weight : array-like, optional
    tol : float, optional
        Relative distance at which an entry counts as at a kink.

    Returns
    -------
    Certificate
    """
    return certificate_on(problem, problem.check_data(X, y, sample_weight, "certificate"), result, tol=tol)


def certificate_on(problem: Problem, data: Data, result: Result, *, tol: float | None = None) -> Certificate:
    """``certificate`` on already checked data."""
    if not result.ok:
        return NO_SOLUTION
    loss, pen, form = problem.loss, problem.penalty, problem.form
    # Stationarity is that of the Lagrangian, L + weight P: for a Composite, P is the sum of
    # its terms weighted by the lam's (or the multipliers) and weight is 1.
    raw_weight = form.penalty_weight(result.dual)
    flat_pen, weight = pen.weighted(raw_weight)
    flat = problem if flat_pen is pen else problem.lagrangian(raw_weight)
    n, d = data.n, data.d
    sw, y, Xd = data.weights, data.y, data.X  # X stays sparse when it is
    c = 1.0 / loss.weight_total(n, data.sample_weight)
    w, b = np.asarray(result.coef, dtype=float), float(result.intercept)
    units = _column_weights(data)  # a column in large units: its residual in those units
    scale = c * data.derived("certificate scale", lambda: _scale(data))
    rel = 1e-6 if tol is None else tol
    tol_w = rel * max(1.0, float(np.max(np.abs(w))))
    tol_eta = rel * max(1.0, float(np.max(np.abs(y))))
    eta = np.asarray(Xd @ w).ravel() + b
    whole = loss.subgradient_set(eta, y, tol=tol_eta)  # a set that is not a box (whole-residual losses)
    try:
        g_lo, g_hi = (np.zeros(n), np.zeros(n)) if whole is not None else loss.derivative(eta, y, tol=tol_eta)
    except NotSupportedError:  # a loss whose derivative is not known here: nothing to certify with
        return Certificate(math.nan, form.infeasibility(pen.value(w)), 0.0, None, scale)
    # X^T of the loss derivative, reused (no product with weights of one: wide data, peak memory)
    smooth_grad = c * np.asarray(Xd.T @ (g_lo if data.sample_weight is None else sw * g_lo)).ravel()
    grad_b = c * float(sw @ g_lo) if problem.fit_intercept else 0.0  # the intercept's, at smooth points
    linear = _linear_terms(problem, result, d)  # sum of matrix^T dual over the linear constraints

    kink = g_hi > g_lo
    if whole is None and not np.any(kink):  # a smooth loss: its gradient is a point
        kkt, infeas, slack = from_gradient(problem, result, smooth_grad, grad_b, scale, units, tol_w)
        gap = _duality_gap(problem, data, c, w, eta, g_lo, smooth_grad)
        return Certificate(kkt, infeas, slack, gap, scale)
    G = cp.Variable(n) if np.any(kink) else None
    G_expr: Any = g_lo if G is None else G
    cons: list[cp.Constraint] = [] if G is None else [G >= g_lo, G <= g_hi]
    if whole is not None:
        G_expr, cons = whole
        G = G_expr
    kkt, G_opt = math.nan, g_lo
    v, pcons = None, []
    try:
        v, pcons = flat_pen.subdifferential(w, tol_w)
    except NotSupportedError:
        pass
    if v is not None:
        Gk, kidx, fixed = None, None, None
        if G is not None and whole is None:
            # Only the kinked samples' derivatives are free (the others are points): the
            # projection runs over those few (about d at a vertex), not over all n samples.
            kidx = np.flatnonzero(kink)
            Gk = cp.Variable(kidx.size)
            fixed = np.where(kink, 0.0, g_lo)
            rows = Xd[kidx]
            XkT = (rows.T @ sp.diags(sw[kidx])) if sp.issparse(rows) else rows.T * sw[kidx]
            XtG = c * np.asarray(Xd.T @ (sw * fixed)).ravel() + c * (XkT @ Gk)
            sumG = c * float(sw @ fixed) + c * (sw[kidx] @ Gk)
            cons = [Gk >= g_lo[kidx], Gk <= g_hi[kidx]]
        else:
            XtG, sumG = c * (Xd.T @ cp.multiply(sw, G_expr)), c * (sw @ G_expr)
        stat = XtG + weight * v + linear
        if result.lower_dual is not None:
            stat = stat - np.nan_to_num(result.lower_dual) + np.nan_to_num(result.upper_dual)
        parts = [stat if units is None else cp.multiply(1.0 / units, stat)]
        if problem.fit_intercept:
            parts.append(cp.reshape(sumG, (1,), order="F"))
        proj = cp.Problem(cp.Minimize(cp.norm2(cp.hstack(parts))), cons + pcons)
        solve_accurately(proj)
        kkt = float(proj.value) / scale if proj.value is not None else math.nan
        if whole is not None and G_expr.value is not None:
            G_opt = np.asarray(G_expr.value, dtype=float)
        elif Gk is not None and Gk.value is not None:
            G_opt = fixed.copy()
            G_opt[kidx] = np.clip(Gk.value, g_lo[kidx], g_hi[kidx])
    else:  # piecewise-linear loss at a kink, no known subdifferential: the prox-gradient residual on its epigraph
        kkt = _epigraph_prox_residual(flat, data, c, w, b, weight) / scale
    infeas, slack = _feasibility(problem, result, scale)
    gap = _duality_gap(problem, data, c, w, eta, G_opt, smooth_grad if G_opt is g_lo else None)
    return Certificate(kkt, infeas, slack, gap, scale)


def from_gradient(
    problem: Problem, result: Result, grad: np.ndarray, grad_b: float, scale: float, units: np.ndarray | None,
    tol: float,
) -> tuple[float, float, float]:  # fmt: skip
    """``(kkt, infeasibility, slackness)`` of an answer of a smooth loss from the loss's
    gradient ``grad = c X^T (s l'(eta))`` and the intercept's ``grad_b``, however they were
    computed (here on the data in memory, or by ``cvxreg.blocks`` a block of rows at a time).
    ``units``: each column's power of two (``_column_weights``) or None; ``tol``: how close to
    a kink counts as at it."""
    raw_weight = problem.form.penalty_weight(result.dual)
    flat_pen, weight = problem.penalty.weighted(raw_weight)
    flat = problem if flat_pen is problem.penalty else problem.lagrangian(raw_weight)
    w = np.asarray(result.coef, dtype=float)
    linear = _linear_terms(problem, result, len(w))
    kkt = math.nan
    if units is None:  # the distance may be closed form
        kkt = _smooth_kkt(flat, result, grad + linear if problem.constraints else grad, grad_b, weight, tol)
    if math.isnan(kkt):
        try:
            v, cons = flat_pen.subdifferential(w, tol)
        except NotSupportedError:  # no known subdifferential: the prox-gradient residual
            kkt = math.hypot(_prox_gradient_residual(flat, w, grad, weight), grad_b)
        else:
            stat = grad + weight * v + linear
            if result.lower_dual is not None:
                stat = stat - np.nan_to_num(result.lower_dual) + np.nan_to_num(result.upper_dual)
            parts = [stat if units is None else cp.multiply(1.0 / units, stat)]
            if problem.fit_intercept:
                parts.append(cp.Constant(np.array([grad_b])))
            proj = cp.Problem(cp.Minimize(cp.norm2(cp.hstack(parts))), cons)
            solve_accurately(proj)
            kkt = float(proj.value) if proj.value is not None else math.nan
    return kkt / scale, *_feasibility(problem, result, scale)


def _feasibility(problem: Problem, result: Result, scale: float) -> tuple[float, float]:
    """Primal infeasibility and complementary slackness of the form, the linear constraints and
    the bounds (with the sign of every multiplier)."""
    w = np.asarray(result.coef, dtype=float)
    d, form, raw_weight = len(w), problem.form, problem.form.penalty_weight(result.dual)
    R = problem.penalty.value(w)
    infeas = form.infeasibility(R)
    slack = form.slackness(raw_weight, R) / scale
    duals = result.constraint_duals or ()
    for constraint, dual in zip(problem.constraints, duals, strict=False):
        infeas = max(infeas, constraint.violation(w))
        if constraint.kind == "inequality":
            slack += float(np.sum(np.abs(np.nan_to_num(dual) * (constraint.matrix @ w - constraint.rhs)))) / scale
            infeas = max(infeas, float(np.max(np.maximum(-np.nan_to_num(dual), 0.0))))  # mu >= 0
    if problem.constraints and len(duals) != len(problem.constraints):
        infeas = math.inf  # an answer without its multipliers cannot be checked
    for k, item in enumerate(_full_bounds(problem.bounds, d) if problem.bounds is not None else ()):
        dual = (result.lower_dual, result.upper_dual)[k]
        fin = np.isfinite(item)
        gap = (w - item) if k == 0 else (item - w)
        infeas = max(infeas, float(np.max(np.maximum(-gap[fin], 0.0), initial=0.0)))
        if dual is not None:
            slack += float(np.sum(np.abs(np.nan_to_num(dual)[fin] * gap[fin]))) / scale
    return infeas, slack


def certify_path(
    problem: Problem, data: Data, lams: np.ndarray, coefs: np.ndarray, intercepts: np.ndarray
) -> list[Certificate]:
    """``certificate_on`` at every point of a penalized path of a least-squares loss with a
    separable penalty (no bounds, no constraints), computed for all points at once: two matrix
    products over the data and array arithmetic, no Python per point. The same measures to
    rounding (a test holds it to ``certificate_on``)."""
    loss, pen = problem.loss, problem.penalty
    if not (loss.least_squares and pen.separable) or problem.bounds is not None or problem.constraints:
        raise NotSupportedError(f"certify_path takes least squares with a separable penalty, not {problem!r}.")
    sw, y, X = data.weights, data.y, data.X
    K, d = coefs.shape
    lams = np.asarray(lams, dtype=float)
    c = 1.0 / loss.weight_total(data.n, data.sample_weight)
    scale = c * data.derived("certificate scale", lambda: _scale(data))
    eta = np.asarray(X @ coefs.T) + intercepts[None, :]  # n x K
    G = loss.derivative(eta, y[:, None])[0]  # the loss derivative at every point (n x K)
    XtG = np.asarray(X.T @ (sw[:, None] * G))  # d x K
    grad = c * XtG.T  # K x d
    grad_b = c * (sw @ G) if problem.fit_intercept else np.zeros(K)
    # Stationarity: dist(-grad / lam, dR(w)) per point, dR(w) = [left, right derivative] with
    # entries within tol of a kink at zero moved onto it (as Separable.subdifferential_distance).
    zeros = np.zeros(d)
    kinked = pen.one_sided_derivative(zeros, +1) > pen.one_sided_derivative(zeros, -1)
    tol_w = 1e-6 * np.maximum(1.0, np.max(np.abs(coefs), axis=1, initial=0.0))
    W = np.where(kinked[None, :] & (np.abs(coefs) <= tol_w[:, None]), 0.0, coefs)
    factors = pen.factor_vector(d)[None, :]
    lo, hi = factors * pen.derivative_1d(W, -1), factors * pen.derivative_1d(W, +1)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        U = -grad / lams[:, None]
    units = _column_weights(data)
    per = np.ones(d) if units is None else units  # residuals in each column's units, as certificate_on
    dist = np.linalg.norm((U - np.clip(U, lo, hi)) / per, axis=1)
    plain = ~(lams > 0) | ~np.all(np.abs(U) <= 1e150, axis=1)  # as certificate_on: ||grad|| alone
    kkt = np.where(plain, np.hypot(np.linalg.norm(grad / per, axis=1), grad_b), np.hypot(lams * dist, grad_b)) / scale
    gaps: list[float | None] = [None] * K
    if pen.is_norm:  # the Fenchel gap, as _duality_gap computes it, for all points
        theta = -c * sw[:, None] * G
        Xt_theta = -c * XtG
        if problem.fit_intercept:
            mean = theta.mean(axis=0)
            theta = theta - mean[None, :]
            column_sums = data.derived("column sums", lambda: _units.column_sums(data.X))
            Xt_theta = Xt_theta - column_sums[:, None] * mean[None, :]
        positive = np.where(sw > 0, sw, 1.0)
        rho = np.where(sw[:, None] > 0, -theta / (c * positive[:, None]), 0.0)
        fit = c * (sw @ loss.terms_value(eta, y[:, None]))
        for k in range(K):
            dn = pen.dual_norm(Xt_theta[:, k])
            if not np.isfinite(dn):
                continue
            form = type(problem.form)(float(lams[k]))
            dual = form.fenchel_dual(lambda a, k=k: c * loss.conjugate_sum(a * rho[:, k], y, sw), dn)
            if dual is None:
                continue
            primal = form.objective_value(float(fit[k]), pen.value(coefs[k]))
            gap = max(primal - dual, 0.0) / max(1.0, abs(primal))
            if gap > 1e-9 and not _gap_resolvable(
                problem.with_form(form), data, theta[:, k], c, eta[:, k], gap, max(1.0, abs(primal))
            ):
                continue
            gaps[k] = gap
    return [Certificate(float(kkt[k]), 0.0, 0.0, gaps[k], scale) for k in range(K)]


def _linear_terms(problem: Problem, result: Result, d: int) -> Any:
    """``sum_k matrix_k^T dual_k``: the linear constraints' part of the stationarity condition
    (the number 0 without constraints: no vector of d zeros)."""
    if not problem.constraints:
        return 0.0
    out = np.zeros(d)
    for constraint, dual in zip(problem.constraints, result.constraint_duals or (), strict=False):
        out += constraint.matrix.T @ np.nan_to_num(np.asarray(dual, dtype=float))
    return out


def _column_weights(data: Data) -> np.ndarray | None:
    """One power of two >= 1 per column (None when all are 1): a column of X in units far above
    the others' has its stationarity residual, and its part of the scale, divided by its size.
    Without it the one scale ``||X^T s y||`` is that column's alone, and a residual of order one
    on every other coefficient passes as 1e-100 of it. (Columns in tiny units need nothing: they
    do not dominate the scale.)"""
    D = _units.column_units(data)
    if D is None or np.all(D <= 1.0):
        return None
    return np.maximum(D, 1.0)


def _scale(data: Data) -> float:
    """``||X^T (s * y)||`` (each column in its units, ``_column_weights``), or the norm of X when
    that vanishes: what stationarity is relative to."""
    X = data.X
    frobenius = float(spla.norm(X) if sp.issparse(X) else np.linalg.norm(X))
    sy = data.weights * data.y
    Xsy = X.T @ sy
    # A sum that cancels to rounding (X'y = 0 in exact arithmetic, computed as 1e-16) is 0: a
    # scale made of rounding would call every answer inaccurate. The rounding of X'(s y) is at
    # most eps ||X||_F ||s y|| (Cauchy-Schwarz column by column): no pass over |X| is needed.
    if np.linalg.norm(Xsy) <= 64 * np.finfo(float).eps * frobenius * np.linalg.norm(sy):
        Xsy = np.zeros_like(Xsy)
    return scale_from_sums(1.0, Xsy, frobenius**2, _column_weights(data))


def _smooth_kkt(problem: Problem, result: Result, grad: np.ndarray, grad_b: float, weight: float, tol: float) -> float:
    """``|| (dist(0, grad + weight dR(w) - lower_dual + upper_dual), grad_b) ||`` in NumPy, when
    the penalty knows its subdifferential distance (NaN when it does not)."""
    if result.lower_dual is not None:
        grad = grad - np.nan_to_num(result.lower_dual) + np.nan_to_num(result.upper_dual)
    with np.errstate(over="ignore"):
        u = -grad / weight if weight > 0 else grad
    if weight <= 0 or not np.all(np.abs(u) <= 1e150):
        # No lam, or one so small that grad / lam is beyond float64's comfortable range: weight dR(w)
        # lies within weight * (a unit ball) of 0, far below the rounding of grad: the distance is ||grad||.
        return math.hypot(float(np.linalg.norm(grad)), grad_b)
    try:
        dist = problem.penalty.subdifferential_distance(result.coef, u, tol)
    except NotSupportedError:
        return math.nan
    return math.hypot(weight * dist, grad_b)


def _full_bounds(bounds: tuple[Any, Any] | None, d: int) -> tuple[np.ndarray, np.ndarray]:
    """``(lower, upper)`` as full arrays, ``-inf``/``inf`` where a side is free."""
    lo, hi = bounds if bounds is not None else (None, None)
    lower = np.full(d, -np.inf) if lo is None else np.broadcast_to(np.asarray(lo, dtype=float), (d,)).copy()
    upper = np.full(d, np.inf) if hi is None else np.broadcast_to(np.asarray(hi, dtype=float), (d,)).copy()
    return lower, upper


def _box(problem: Problem, u: cp.Variable) -> list[cp.Constraint]:
    """The feasible set of ``w``: bounds and linear constraints, built on ``u``."""
    items = [item[1] for item in box_constraints(problem.bounds, u) if item is not None]
    return items + [c.build(u) for c in problem.constraints]


def _prox_gradient_residual(problem: Problem, w: np.ndarray, grad: np.ndarray, weight: float) -> float:
    """``||w - prox_{weight R + box}(w - grad)||``: zero exactly when ``-grad`` is in
    ``weight dR(w)`` plus the normal cone of the bounds. The penalty's own ``prox`` when it has
    one (and there are no bounds); otherwise the prox is a small CVXPY solve."""
    if problem.bounds is None and not problem.constraints:
        try:
            return float(np.linalg.norm(w - problem.penalty.prox(w - grad, weight)))
        except NotSupportedError:
            pass
    u = cp.Variable(len(w))
    objective = weight * problem.penalty.expr(u) + 0.5 * cp.sum_squares(u - (w - grad))
    prox = cp.Problem(cp.Minimize(objective), _box(problem, u))
    solve_accurately(prox)
    return float(np.linalg.norm(w - u.value)) if u.value is not None else math.nan


def _epigraph_prox_residual(problem: Problem, data: Data, c: float, w: np.ndarray, b: float, weight: float) -> float:
    """Prox-gradient residual of ``min c s't + weight R(w)`` over the epigraph ``t >= pieces(Xw + b)``.

    The smooth part ``c s't`` is linear, the rest is ``weight R + indicator(epigraph, bounds)``,
    whose prox is one CVXPY solve; the residual is zero exactly at a minimizer. This is how a
    piecewise-linear loss (hinge, absolute, quantile) with a custom penalty is certified.
    """
    loss, X, y = problem.loss, data.dense(), data.y
    t = loss.epigraph_value(X @ w + b, y)  # one entry per sample, or one for a whole-residual loss
    sw = data.weights if len(t) == len(y) else np.ones(len(t))
    u, tau = cp.Variable(len(w)), cp.Variable(len(t))
    beta = cp.Variable() if problem.fit_intercept else 0.0
    pieces = loss.epigraph_pieces(X @ u + beta, y) or []
    cons = [tau >= piece for piece in pieces] + _box(problem, u)
    objective = (
        weight * problem.penalty.expr(u) + 0.5 * cp.sum_squares(u - w) + 0.5 * cp.sum_squares(tau - (t - c * sw))
    )
    if problem.fit_intercept:
        objective = objective + 0.5 * cp.square(beta - b)
    solve_accurately(cp.Problem(cp.Minimize(objective), cons))
    if u.value is None:
        return math.nan
    parts = [w - u.value, t - tau.value]
    if problem.fit_intercept:
        parts.append(np.atleast_1d(b - float(beta.value)))
    return float(np.linalg.norm(np.concatenate(parts)))


def _duality_gap(
    problem: Problem,
    data: Data,
    c: float,
    w: np.ndarray,
    eta: np.ndarray,
    G: np.ndarray,
    cXtG: np.ndarray | None,
) -> float | None:
    """Fenchel gap ``P(w) - D(theta)`` with ``theta = -c s G`` (G the loss derivative at
    ``eta = Xw + b``; ``cXtG = c X^T (s G)`` when already known).

    Penalized: ``D = -c sum s l*(rho / kappa)``, ``kappa`` rescaling theta into
    ``R*(X^T theta) <= lam``. Constrained: ``D = -c sum s l*(rho) - t R*(X^T theta)``.
    """
    pen, loss = problem.penalty, problem.loss
    if not pen.is_norm or problem.bounds is not None or problem.constraints:
        return None
    if problem.fit_intercept and not loss.least_squares:
        return None
    sw, y = data.weights, data.y
    theta = -c * sw * G
    Xt_theta = -cXtG if cXtG is not None else np.asarray(data.X.T @ theta).ravel()
    if problem.fit_intercept:  # the dual of an unpenalized intercept requires sum(theta) = 0
        mean = theta.mean()
        theta = theta - mean
        column_sums = data.derived("column sums", lambda: _units.column_sums(data.X))
        Xt_theta = blas.daxpy(column_sums, Xt_theta, a=-mean)  # in place: the data may be wide
    rho = np.where(sw > 0, -theta / (c * np.where(sw > 0, sw, 1.0)), 0.0)
    try:
        dn = pen.dual_norm(Xt_theta)
        loss.conjugate_sum(rho, y, sw)
    except NotSupportedError:
        return None
    if not np.isfinite(dn):
        return None
    dual = problem.form.fenchel_dual(lambda k: c * loss.conjugate_sum(k * rho, y, sw), dn)
    if dual is None:
        return None
    primal = problem.form.objective_value(c * float(sw @ loss.terms_value(eta, y)), pen.value(w))
    gap = max(primal - dual, 0.0) / max(1.0, abs(primal))
    if gap > 1e-9 and not _gap_resolvable(problem, data, theta, c, eta, gap, max(1.0, abs(primal))):
        return None  # float64 cannot tell this gap from 0: the KKT residual decides alone
    return gap


def _gap_resolvable(
    problem: Problem, data: Data, theta: np.ndarray, c: float, eta: np.ndarray, gap: float, size: float
) -> bool:
    """Whether ``gap`` is above its own rounding (``resolved_gap``): ``R*(X^T theta)`` is known to
    ``eps sqrt(n) R*(|X|^T (|theta| + |d theta|))``, ``d theta = c s |l''| (|eta| + |y|) eps``. At
    lam = 1e-300, t = 1e300, or a column in large units under a weak penalty, a right answer
    would otherwise show a gap of order one."""
    weight = np.abs(theta)
    try:
        curvature = np.abs(problem.loss.second_derivative(eta, data.y))
        weight = weight + np.finfo(float).eps * c * data.weights * curvature * (np.abs(eta) + np.abs(data.y))
    except NotSupportedError:  # a loss with kinks: its derivative is exact where it is defined
        pass
    noise = problem.penalty.dual_norm(np.finfo(float).eps * math.sqrt(data.n) * _abs_rmatvec(data.X, weight))
    return resolved_gap(problem, gap, noise, size) is not None


def resolved_gap(problem: Problem, gap: float, noise: float, size: float) -> float | None:
    """``gap`` when it is at most 1e-9 or above 100 times the error ``noise`` (the rounding of
    ``R*(X^T theta)``) puts in it (relative to lam; times t against ``size``), else None: the one
    rule in memory (``_gap_resolvable``) and by blocks (``cvxreg.blocks``)."""
    value = np.asarray(problem.form.param_value, dtype=float)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        error = np.max(noise / value) if problem.form.param_name == "lam" else np.max(value * noise / size)
    return gap if gap <= 1e-9 or gap > 100 * error else None


def scale_from_sums(c: float, Xsy: np.ndarray, col_sq_total: float, units: np.ndarray | None) -> float:
    """``c ||X^T (s y)||`` (columns in their units), or ``c max(||X||_F, 1)`` when that vanishes."""
    base = float(np.linalg.norm(Xsy if units is None else Xsy / units))
    return c * (base if base > 0 else max(math.sqrt(col_sq_total), 1.0))


def _abs_rmatvec(X: Any, v: np.ndarray) -> np.ndarray:
    """``|X|^T v`` in blocks of rows: ``abs(X)`` whole would be a copy of the data."""
    out = np.zeros(X.shape[1])
    step = max(1, X.shape[0] // 16)  # a sixteenth of the rows at a time
    for start in range(0, X.shape[0], step):
        block = X[start : start + step]
        out += np.asarray(abs(block).T @ v[start : start + step]).ravel()
    return out


# --------------------------------------------------------------------------------------------
# lam_max
# --------------------------------------------------------------------------------------------
def lambda_max(problem: Problem, X: Any, y: Any, *, sample_weight: Any = None) -> float:
    """The smallest ``lam`` whose penalized solution has every penalized coefficient at 0.

    ``w = 0`` (on the penalized coefficients) is optimal iff ``z = -grad L`` lies in
    ``lam dR(0) + N(0)``, ``N(0)`` the normal cone of the bounds there; so lam_max is
    ``min_{n in N(0)} R*(z - n)`` with ``R*`` the penalty's ``dual_norm``. The gradient is taken
    after fitting what is not penalized (the intercept, coefficients with penalty factor 0).
    For a piecewise-linear loss the gradient is a set and lam_max the smallest dual norm over
    it, found by a small convex solve. ``inf`` when no lam gives zero: ridge-like penalties, or
    bounds that exclude 0. TotalVariation's limit is a constant ``w``, not zero.

    Parameters
    ----------
    problem : Problem
    X, y : the data
    sample_weight : array-like, optional

    Returns
    -------
    float
    """
    data = problem.check_data(X, y, sample_weight, "lambda_max")
    if problem.constraints:
        raise NotSupportedError(f"lambda_max is not available with linear constraints: {problem!r}.")
    loss, pen = problem.loss, problem.penalty
    n, d = data.n, data.d
    Xd, yv, sw = data.X, data.y, data.weights  # sparse X stays sparse: only products with it are taken
    c = 1.0 / loss.weight_total(n, data.sample_weight)
    free = ~pen.penalized(d)
    lower, upper = _full_bounds(problem.bounds, d)
    if np.any(((lower > 0) | (upper < 0)) & ~free):
        return math.inf  # the bounds exclude w_j = 0 for a penalized coefficient
    coef, b0 = _fit_unpenalized(problem, data, free, lower, upper)
    eta = (Xd[:, np.flatnonzero(free)] @ coef if np.any(free) else np.zeros(n)) + b0
    g_lo, g_hi = loss.derivative(eta, yv, tol=1e-12 * max(1.0, float(np.max(np.abs(yv)))))
    # Sign of the normal cone at 0: -1 allows n_j <= 0 (w_j >= 0 binds), +1 allows n_j >= 0,
    # 2 allows any n_j (w_j = 0 fixed), 0 none.
    cone = np.where(lower == 0, -1, 0) + np.where(upper == 0, 1, 0)
    cone = np.where((lower == 0) & (upper == 0), 2, cone)
    cone[free] = 0
    if np.all(g_lo == g_hi):
        z = -c * (Xd.T @ (sw * g_lo))
        z[free] = 0.0
        return _smallest_dual_norm(pen, z, cone)
    if np.any(free & (np.isfinite(lower) | np.isfinite(upper))):
        raise NotSupportedError("lambda_max with a nonsmooth loss and bounds on unpenalized coefficients.")
    G = cp.Variable(n)
    nvec = cp.Variable(d)
    dn, cons = pen.dual_norm_expr(-c * (Xd.T @ cp.multiply(sw, G)) - nvec)
    cons += [G >= g_lo, G <= g_hi, *_cone_constraints(nvec, cone)]
    if np.any(free):
        cons.append(Xd[:, np.flatnonzero(free)].T @ cp.multiply(sw, G) == 0)
    if problem.fit_intercept:
        cons.append(sw @ G == 0)
    prob = cp.Problem(cp.Minimize(dn), cons)
    solve_accurately(prob)
    if prob.status in ("infeasible", "infeasible_inaccurate") or prob.value is None:
        return math.inf
    return float(prob.value)


def _cone_constraints(nvec: cp.Variable, cone: np.ndarray) -> list[cp.Constraint]:
    out = []
    for sign, make in ((0, lambda i: nvec[i] == 0), (-1, lambda i: nvec[i] <= 0), (1, lambda i: nvec[i] >= 0)):
        idx = np.flatnonzero(cone == sign)
        if idx.size:
            out.append(make(idx))
    return out


def _smallest_dual_norm(pen: Any, z: np.ndarray, cone: np.ndarray) -> float:
    """``min_{n in N(0)} R*(z - n)``. Clipping each coordinate towards 0 as far as the cone
    allows is exact for absolute norms (all built-ins but TotalVariation); a CVXPY solve with
    ``dual_norm_expr`` checks it, and wins where it is smaller."""
    clipped = z.copy()
    clipped[cone == -1] = np.maximum(z[cone == -1], 0.0)
    clipped[cone == 1] = np.minimum(z[cone == 1], 0.0)
    clipped[cone == 2] = 0.0
    exact = float(pen.dual_norm(clipped))
    if not np.any(cone != 0):
        return exact
    nvec = cp.Variable(len(z))
    try:
        dn, cons = pen.dual_norm_expr(z - nvec)
    except NotSupportedError:
        return exact
    prob = cp.Problem(cp.Minimize(dn), cons + _cone_constraints(nvec, cone))
    solve_accurately(prob)
    if prob.value is not None and prob.value < exact * (1 - 1e-7) - 1e-12:
        return float(prob.value)
    return exact
