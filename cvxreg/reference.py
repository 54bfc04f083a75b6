"""Independent truth: closed forms, lam_max, and optimality certificates.

Closed forms are written for the unscaled squared loss ``1/2 ||y - X w||^2`` (FORMULAS.md);
``reference_result`` maps a ``Problem`` onto them (loss scaling ``c``, sample weights by row
scaling, an intercept by centring) and returns ``None`` when no closed form applies.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import cvxpy as cp
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import brentq, minimize_scalar

from cvxreg._validation import check_sample_weight, check_X, check_y
from cvxreg.errors import NotSupportedError
from cvxreg.forms import Constrained, Penalized
from cvxreg.losses import HingeLoss, HuberLoss, LogisticLoss, PoissonLoss, SquaredLoss
from cvxreg.penalties import (
    L1,
    CustomPenalty,
    ElasticNet,
    GroupLasso,
    Lp,
    LpPower,
    Penalty,
    SquaredL2,
    TotalVariation,
)
from cvxreg.result import Result

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = [
    "Certificate",
    "box_orthonormal",
    "certificate",
    "elastic_net_orthonormal",
    "group_lasso_orthonormal",
    "is_orthonormal",
    "l1_ball_orthonormal",
    "l2_ball_orthonormal",
    "l2_penalized",
    "lambda_max",
    "lasso_orthonormal",
    "linf_ball_orthonormal",
    "linf_penalty_orthonormal",
    "norm2_constrained",
    "project_l1_ball",
    "prox_norm",
    "prox_power",
    "reference_result",
    "ridge",
    "ridge_constrained",
    "soft_threshold",
    "weighted_l1_ball_orthonormal",
]


# --------------------------------------------------------------------------------------------
# Scalar and vector building blocks
# --------------------------------------------------------------------------------------------
def soft_threshold(v: Any, s: Any) -> np.ndarray:
    """``S(v, s) = sign(v) * max(|v| - s, 0)``, elementwise."""
    v = np.asarray(v, dtype=float)
    return np.sign(v) * np.maximum(np.abs(v) - s, 0.0)


def project_l1_ball(z: Any, t: float) -> tuple[np.ndarray, float]:
    """``argmin_{||w||_1 <= t} ||w - z||`` by sorting (Duchi et al., ICML 2008), and its threshold.

    Returns ``(S(z, theta), theta)``; ``theta`` is the multiplier of ``||w||_1 <= t`` in
    ``1/2 ||w - z||^2`` (0 when ``||z||_1 <= t``).
    """
    z = np.asarray(z, dtype=float)
    if np.sum(np.abs(z)) <= t:
        return z.copy(), 0.0
    if t <= 0:
        return np.zeros_like(z), float(np.max(np.abs(z)))
    u = np.sort(np.abs(z))[::-1]
    css = np.cumsum(u)
    j = np.arange(1, len(u) + 1)
    rho = int(np.nonzero(u > (css - t) / j)[0][-1])
    theta = (css[rho] - t) / (rho + 1)
    return soft_threshold(z, theta), float(theta)


def prox_power(x: Any, tau: Any, p: float) -> np.ndarray:
    """``argmin_u 1/2 (u - x)^2 + tau |u|^p``, elementwise, for ``p >= 1``.

    Closed forms for p in {1, 4/3, 3/2, 2, 3, 4} (Chaux, Combettes, Pesquet & Wajs, Inverse
    Problems 23, 2007); otherwise the root of ``u + tau p |u|^(p-1) sign(u) = x`` between 0
    and x (the left side is increasing in u).
    """
    x = np.asarray(x, dtype=float)
    tau = np.broadcast_to(np.asarray(tau, dtype=float), x.shape)
    s, a = np.sign(x), np.abs(x)
    out = np.zeros_like(x)
    pos = tau > 0
    out[~pos] = x[~pos]
    x, tau, s, a = x[pos], tau[pos], s[pos], a[pos]
    if p == 1:
        res = soft_threshold(x, tau)
    elif p == 2:
        res = x / (1 + 2 * tau)
    elif p == 3:
        res = s * (np.sqrt(1 + 12 * tau * a) - 1) / (6 * tau)
    elif p == 4:
        rho = np.sqrt(x**2 + 1 / (27 * tau))
        res = np.cbrt((rho + x) / (8 * tau)) - np.cbrt((rho - x) / (8 * tau))
    elif abs(p - 4 / 3) < 1e-15:
        rho = np.sqrt(x**2 + 256 * tau**3 / 729)
        res = x + 4 * tau / (3 * 2 ** (1 / 3)) * (np.cbrt(rho - x) - np.cbrt(rho + x))
    elif p == 1.5:
        res = x + (9 * tau**2 / 8) * s * (1 - np.sqrt(1 + 16 * a / (9 * tau**2)))
    else:
        res = np.array([_prox_power_root(ai, ti, p) for ai, ti in zip(a, tau, strict=True)]) * s
    out[pos] = res
    return out


def _prox_power_root(a: float, tau: float, p: float) -> float:
    if a == 0:
        return 0.0
    # Relative accuracy even for tiny roots: for p near 1, |u|^(p-1) is steep near 0.
    return brentq(
        lambda u: u + tau * p * u ** (p - 1) - a, 0.0, a, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500
    )


def prox_norm(z: Any, lam: float, p: float) -> np.ndarray:
    """``argmin_w 1/2 ||w - z||^2 + lam ||w||_p`` for ``p >= 1``.

    Closed for p = 1 (soft threshold), 2 (block soft threshold) and inf (Moreau:
    ``z - P_{||.||_1 <= lam}(z)``). Otherwise ``w = 0`` iff ``||z||_q <= lam``; else
    ``w_i = prox_{tau|.|^p}(z_i)`` with the scalar ``tau`` solving
    ``tau p ||w(tau)||_p^(p-1) = lam``.
    """
    z = np.asarray(z, dtype=float)
    if p == 1:
        return soft_threshold(z, lam)
    if math.isinf(p):
        return z - project_l1_ball(z, lam)[0]
    if p == 2:
        nz = np.linalg.norm(z)
        return np.zeros_like(z) if nz <= lam else (1 - lam / nz) * z
    q = p / (p - 1)
    if np.linalg.norm(z, q) <= lam:
        return np.zeros_like(z)

    def excess(log_tau: float) -> float:
        tau = math.exp(log_tau)
        w = prox_power(z, tau, p)
        return tau * p * np.linalg.norm(w, p) ** (p - 1) - lam

    lo, hi = -30.0, 30.0
    while excess(lo) > 0:
        lo -= 30.0
    while excess(hi) < 0:
        hi += 30.0
    log_tau = brentq(excess, lo, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps)
    return prox_power(z, math.exp(log_tau), p)


def is_orthonormal(X: Any, tol: float = 1e-10) -> bool:
    """True when ``X^T X = I`` to ``tol`` (entrywise)."""
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=float)
    if X.shape[0] < X.shape[1]:
        return False
    return bool(np.max(np.abs(X.T @ X - np.eye(X.shape[1]))) <= tol)


# --------------------------------------------------------------------------------------------
# Any X
# --------------------------------------------------------------------------------------------
def _svd(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    return s, U.T @ y, Vt


def ridge(X: Any, y: Any, lam: float, *, factors: Any = None) -> np.ndarray:
    """``w = (X^T X + lam diag(v))^-1 X^T y`` minimizes ``1/2||y - Xw||^2 + lam/2 sum v_j w_j^2``.

    Without factors, by the SVD ``X = U S V^T``: ``w = V diag(s / (s^2 + lam)) U^T y``.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if factors is None:
        s, c, Vt = _svd(X, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(s > 0, s / (s**2 + lam), 0.0) if lam == 0 else s / (s**2 + lam)
        return Vt.T @ (f * c)
    A = X.T @ X + lam * np.diag(np.asarray(factors, dtype=float))
    return np.linalg.lstsq(A, X.T @ y, rcond=None)[0]


def ridge_constrained(X: Any, y: Any, t: float) -> tuple[np.ndarray, float]:
    """``min 1/2||y - Xw||^2 s.t. 1/2||w||^2 <= t``: ``w = ridge(mu)`` and the multiplier ``mu``.

    ``mu`` solves the secular equation ``sum_i (s_i c_i / (s_i^2 + mu))^2 = 2t``
    (``c = U^T y``; decreasing in mu, so a root find in ``log mu``). When the minimum-norm
    least-squares solution already satisfies the constraint, it is inactive: ``mu = 0``.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    s, c, Vt = _svd(X, y)
    keep = s > s.max(initial=0.0) * max(X.shape) * np.finfo(float).eps
    s, c, Vt = s[keep], c[keep], Vt[keep]
    w_ols = Vt.T @ (c / s)
    if 0.5 * w_ols @ w_ols <= t:
        return w_ols, 0.0
    if t <= 0:  # the ball is the point 0: no Slater point, the multiplier is unbounded
        return np.zeros(X.shape[1]), math.inf

    def phi(log_mu: float) -> float:
        mu = math.exp(log_mu)
        return float(np.log(np.sum((s * c / (s**2 + mu)) ** 2)) - math.log(2 * t))

    lo, hi = -40.0, 40.0
    while phi(hi) > 0:
        hi += 40.0
    while phi(lo) < 0:
        lo -= 40.0
    mu = math.exp(brentq(phi, lo, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps))
    return Vt.T @ (s * c / (s**2 + mu)), mu


def norm2_constrained(X: Any, y: Any, r: float) -> tuple[np.ndarray, float]:
    """``min 1/2||y - Xw||^2 s.t. ||w||_2 <= r``: the same ``w`` as ``1/2||w||^2 <= r^2/2``,
    with multiplier ``mu_norm = mu_sq * r`` (see ``cvxreg.lagrange.convert_multiplier``)."""
    from cvxreg.lagrange import convert_multiplier

    w, mu = ridge_constrained(X, y, 0.5 * r * r)
    return w, convert_multiplier(mu, "half_squared_norm", "norm", radius=r)


def l2_penalized(X: Any, y: Any, lam: float) -> np.ndarray:
    """``argmin 1/2||y - Xw||^2 + lam ||w||_2``: ``w = ridge(mu)`` with ``mu = lam / ||w||``.

    ``w = 0`` iff ``||X^T y||_2 <= lam``; otherwise ``mu`` solves
    ``psi(mu) = ||diag(mu s / (s^2 + mu)) c||_2 = lam``, increasing from 0 to ``||X^T y||``.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if np.linalg.norm(X.T @ y) <= lam:
        return np.zeros(X.shape[1])
    s, c, Vt = _svd(X, y)

    def psi(log_mu: float) -> float:
        mu = math.exp(log_mu)
        return float(np.linalg.norm(mu * s * c / (s**2 + mu))) - lam

    lo, hi = -40.0, 40.0
    while psi(hi) < 0:
        hi += 40.0
    while psi(lo) > 0:
        lo -= 40.0
    mu = math.exp(brentq(psi, lo, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps))
    return Vt.T @ (s * c / (s**2 + mu))


# --------------------------------------------------------------------------------------------
# Orthonormal design: 1/2||y - Xw||^2 = 1/2||z - w||^2 + const, z = X^T y
# --------------------------------------------------------------------------------------------
def lasso_orthonormal(z: Any, lam: float, factors: Any = None) -> np.ndarray:
    """``w = S(z, lam v)`` (lasso with X^T X = I; v are penalty factors)."""
    v = 1.0 if factors is None else np.asarray(factors, dtype=float)
    return soft_threshold(z, lam * v)


def elastic_net_orthonormal(z: Any, lam: float, l1_ratio: float, factors: Any = None) -> np.ndarray:
    """``w = S(z, lam a v) / (1 + lam (1 - a) v)`` for ``ElasticNet(a)`` with X^T X = I."""
    v = 1.0 if factors is None else np.asarray(factors, dtype=float)
    return soft_threshold(z, lam * l1_ratio * v) / (1 + lam * (1 - l1_ratio) * v)


def group_lasso_orthonormal(z: Any, lam: float, groups: Any, weights: Any) -> np.ndarray:
    """``w_g = max(0, 1 - lam c_g / ||z_g||) z_g`` (block soft threshold) with X^T X = I."""
    z = np.asarray(z, dtype=float)
    w = np.zeros_like(z)
    for g, c in zip(groups, weights, strict=True):
        idx = list(g)
        w[idx] = prox_norm(z[idx], lam * c, 2)
    return w


def linf_penalty_orthonormal(z: Any, lam: float) -> np.ndarray:
    """``w = z - P_{||.||_1 <= lam}(z)`` (Moreau decomposition) for ``lam ||w||_inf``."""
    return prox_norm(z, lam, math.inf)


def l1_ball_orthonormal(z: Any, t: float) -> tuple[np.ndarray, float]:
    """``min 1/2||z - w||^2 s.t. ||w||_1 <= t``: ``(S(z, theta), theta)``; theta is the multiplier."""
    return project_l1_ball(z, t)


def weighted_l1_ball_orthonormal(z: Any, t: float, factors: Any) -> tuple[np.ndarray, float]:
    """``min 1/2||z - w||^2 s.t. sum_j v_j |w_j| <= t``: ``w_j = S(z_j, theta v_j)``, multiplier ``theta``.

    ``theta`` is the root of ``sum_j v_j max(|z_j| - theta v_j, 0) = t`` (piecewise linear and
    decreasing); coordinates with ``v_j = 0`` are free (``w_j = z_j``).
    """
    z, v = np.asarray(z, dtype=float), np.asarray(factors, dtype=float)
    used = float(np.sum(v * np.abs(z)))
    if used <= t:
        return z.copy(), 0.0
    if t <= 0:
        keep = v > 0
        return np.where(keep, 0.0, z), float(np.max(np.abs(z[keep]) / v[keep]))

    def excess(theta: float) -> float:
        return float(np.sum(v * np.maximum(np.abs(z) - theta * v, 0.0))) - t

    top = float(np.max(np.abs(z)[v > 0] / v[v > 0]))
    theta = brentq(excess, 0.0, top, xtol=1e-15, rtol=4 * np.finfo(float).eps)
    return soft_threshold(z, theta * v), theta


def l2_ball_orthonormal(z: Any, r: float) -> tuple[np.ndarray, float]:
    """``w = z min(1, r/||z||)``; the multiplier of ``||w||_2 <= r`` is ``max(0, ||z|| - r)``."""
    z = np.asarray(z, dtype=float)
    nz = float(np.linalg.norm(z))
    if nz <= r:
        return z.copy(), 0.0
    return z * (r / nz), nz - r


def linf_ball_orthonormal(z: Any, t: float) -> tuple[np.ndarray, float]:
    """``w = clip(z, -t, t)``; the multiplier of ``||w||_inf <= t`` is ``sum max(|z_j| - t, 0)``."""
    z = np.asarray(z, dtype=float)
    return np.clip(z, -t, t), float(np.sum(np.maximum(np.abs(z) - t, 0.0)))


def box_orthonormal(
    z: Any, lam: float, penalty: Penalty, lower: Any, upper: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``min 1/2||z - w||^2 + lam R(w) s.t. lower <= w <= upper`` for a separable R.

    Coordinatewise a convex 1-D problem, so ``w = clip(prox(z), lower, upper)``. The bound
    multipliers are the derivatives of ``1/2(w - z)^2 + lam r(w)`` at an active bound; NaN
    where the bound is 0 and ``r`` has its L1 kink there (the multiplier is not unique).
    """
    z = np.asarray(z, dtype=float)
    d = len(z)
    lo = np.broadcast_to(-np.inf if lower is None else np.asarray(lower, dtype=float), (d,))
    hi = np.broadcast_to(np.inf if upper is None else np.asarray(upper, dtype=float), (d,))
    p = _separable_prox(z, lam, penalty)
    w = np.clip(p, lo, hi)
    lo_dual, hi_dual = np.zeros(d), np.zeros(d)
    at_lo, at_hi = p < lo, p > hi
    # f'(w) from the side the bound pushes against: right derivative at lower, left at upper.
    lo_dual[at_lo] = np.maximum(w[at_lo] - z[at_lo] + lam * _separable_derivative(w, penalty, +1)[at_lo], 0)
    hi_dual[at_hi] = np.maximum(z[at_hi] - w[at_hi] - lam * _separable_derivative(w, penalty, -1)[at_hi], 0)
    # A bound at 0 where the penalty has its kink (L1 part with factor > 0): every value between
    # the one-sided derivatives is a valid multiplier, so none is "the" answer: NaN.
    if isinstance(penalty, L1 | ElasticNet) or (isinstance(penalty, LpPower) and penalty.p == 1):
        kinked = (w == 0) & (penalty._v(d) > 0)
        if not isinstance(penalty, ElasticNet) or penalty.l1_ratio > 0:
            lo_dual[kinked & (lo == 0)] = np.nan
            hi_dual[kinked & (hi == 0)] = np.nan
    return w, lo_dual, hi_dual


def _separable_prox(z: np.ndarray, lam: float, penalty: Penalty) -> np.ndarray:
    v = penalty._v(len(z))
    if isinstance(penalty, L1):
        return lasso_orthonormal(z, lam, v)
    if isinstance(penalty, SquaredL2):
        return z / (1 + lam * v)
    if isinstance(penalty, ElasticNet):
        return elastic_net_orthonormal(z, lam, penalty.l1_ratio, v)
    if isinstance(penalty, LpPower):
        return prox_power(z, lam * v / penalty.p, penalty.p)
    raise NotSupportedError(f"{penalty!r} is not separable.")


def _separable_derivative(w: np.ndarray, penalty: Penalty, side: int) -> np.ndarray:
    """One-sided derivative of ``r(w_j)``: ``side=+1`` right, ``-1`` left."""
    v = penalty._v(len(w))
    sgn = np.where(w != 0, np.sign(w), side)
    if isinstance(penalty, L1):
        return v * sgn
    if isinstance(penalty, SquaredL2):
        return v * w
    if isinstance(penalty, ElasticNet):
        return v * (penalty.l1_ratio * sgn + (1 - penalty.l1_ratio) * w)
    if isinstance(penalty, LpPower):
        return v * (sgn if penalty.p == 1 else np.sign(w) * np.abs(w) ** (penalty.p - 1))
    raise NotSupportedError(f"{penalty!r} is not separable.")


# --------------------------------------------------------------------------------------------
# Problem -> closed form
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Reduced:
    """Squared-loss data reduced to the unscaled, unweighted, intercept-free form."""

    X: np.ndarray
    y: np.ndarray
    x_mean: np.ndarray
    y_mean: float
    c: float  # the loss scale: L = c * 1/2 ||y - Xw - b||_s^2


def _reduce(problem: Problem, X: Any, y: np.ndarray, s: np.ndarray | None) -> _Reduced:
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=float)
    n, d = Xd.shape
    sw = np.ones(n) if s is None else s
    if problem.fit_intercept:
        x_mean = sw @ Xd / sw.sum()
        y_mean = float(sw @ y / sw.sum())
    else:
        x_mean, y_mean = np.zeros(d), 0.0
    root = np.sqrt(sw)
    Xt = root[:, None] * (Xd - x_mean)
    yt = root * (y - y_mean)
    return _Reduced(Xt, yt, x_mean, y_mean, problem.loss.weight_total(n, s) ** -1)


def _closed_form(
    problem: Problem, red: _Reduced, *, assume_orthonormal: bool = False
) -> tuple[np.ndarray, float | None, Any] | None:
    """``(w, dual, bound_duals)`` from a closed form, or None when none applies.

    ``assume_orthonormal=True`` applies the orthonormal-design formulas whatever X is: the
    grader uses it to recognise that mistake in an answer.
    """
    pen, form, c = problem.penalty, problem.form, red.c
    Xt, yt = red.X, red.y
    lam = form.value / c if isinstance(form, Penalized) else None
    t = form.value if isinstance(form, Constrained) else None
    no_factors = pen.factors is None
    orth = assume_orthonormal or is_orthonormal(Xt)
    if problem.bounds is not None:
        if lam is None or not pen.separable or not orth:
            return None
        w, lo_dual, hi_dual = box_orthonormal(Xt.T @ yt, lam, pen, *problem.bounds)
        return w, None, (lo_dual * c, hi_dual * c)
    if not assume_orthonormal:  # closed forms for any X
        if type(pen) is SquaredL2:
            if lam is not None:
                return ridge(Xt, yt, lam, factors=pen.factors), None, None
            if no_factors:
                w, mu = ridge_constrained(Xt, yt, t)
                return w, mu * c, None
            return None
        if isinstance(pen, Lp) and pen.p == 2:
            if lam is not None:
                return l2_penalized(Xt, yt, lam), None, None
            w, mu = norm2_constrained(Xt, yt, t)
            return w, mu * c, None
    if not orth:
        return None
    z = Xt.T @ yt
    if lam is not None:
        if isinstance(pen, L1 | ElasticNet | LpPower | SquaredL2):
            return _separable_prox(z, lam, pen), None, None
        if isinstance(pen, Lp):
            return prox_norm(z, lam, pen.p_eff), None, None
        if isinstance(pen, GroupLasso):
            return group_lasso_orthonormal(z, lam, pen.groups, pen.weights), None, None
        return None
    if (isinstance(pen, Lp) and pen.p_eff == 1) or (type(pen) is L1 and no_factors):
        w, mu = l1_ball_orthonormal(z, t)
        return w, mu * c, None
    if type(pen) is L1:
        w, mu = weighted_l1_ball_orthonormal(z, t, pen.factors)
        return w, mu * c, None
    if isinstance(pen, Lp) and math.isinf(pen.p_eff):
        w, mu = linf_ball_orthonormal(z, t)
        return w, mu * c, None
    if isinstance(pen, Lp) and pen.p_eff == 2:
        w, mu = l2_ball_orthonormal(z, t)
        return w, mu * c, None
    if type(pen) is SquaredL2 and no_factors and t > 0:
        from cvxreg.lagrange import convert_multiplier

        r = math.sqrt(2 * t)
        w, mu = l2_ball_orthonormal(z, r)
        return w, convert_multiplier(mu, "norm", "half_squared_norm", radius=r) * c, None
    return None


def reference_result(
    problem: Problem, X: Any, y: Any, *, sample_weight: Any = None, assume_orthonormal: bool = False
) -> Result | None:
    """A ``Result`` from the closed form that applies to this problem and data, else None.

    Applies to ``SquaredLoss`` (any scale, sample weights, intercept): ridge and ``L2``
    (penalized and constrained) for any X; with an orthonormal (centred, weighted) design
    also lasso, elastic net, ``LpPower``, ``Lp`` (any p >= 1), group lasso, the L1/L2/Linf
    balls, and box bounds on separable penalties. ``assume_orthonormal=True`` applies the
    orthonormal formulas without checking (to reproduce that mistake, not to solve).
    """
    if type(problem.loss) is not SquaredLoss:
        return None
    Xv, names = check_X(X, "Problem.reference")
    yv = check_y(y, Xv.shape[0], "Problem.reference")
    s = check_sample_weight(sample_weight, Xv.shape[0], "Problem.reference")
    problem.penalty.check_dim(Xv.shape[1])
    red = _reduce(problem, Xv, yv, s)
    found = _closed_form(problem, red, assume_orthonormal=assume_orthonormal)
    if found is None:
        return None
    w, dual, bound_duals = found
    b = red.y_mean - float(red.x_mean @ w) if problem.fit_intercept else 0.0
    lo_dual = hi_dual = None
    if bound_duals is not None:
        lo_dual, hi_dual = bound_duals
    return Result(
        coef=w,
        intercept=b,
        objective=problem.objective_value(Xv, yv, w, b, sample_weight=s),
        status="optimal",
        solver="closed_form",
        dual=dual,
        lower_dual=lo_dual,
        upper_dual=hi_dual,
        feature_names=names,
        _context=(problem, Xv, yv, s),
    )


# --------------------------------------------------------------------------------------------
# lam_max
# --------------------------------------------------------------------------------------------
def _unpenalized_mask(pen: Penalty, d: int) -> np.ndarray:
    if pen.factors is not None:
        return np.asarray(pen.factors) == 0
    if isinstance(pen, GroupLasso):
        mask = np.zeros(d, dtype=bool)
        for g, c in zip(pen.groups, pen.weights, strict=True):
            if c == 0:
                mask[list(g)] = True
        return mask
    return np.zeros(d, dtype=bool)


def lambda_max(problem: Problem, X: Any, y: Any, *, sample_weight: Any = None) -> float:
    """The smallest ``lam`` whose penalized solution has every penalized coefficient at 0.

    ``lam_max = R*(-grad)``, the dual norm (``Penalty.dual_norm``) of the loss gradient at
    ``w = 0`` after fitting what is not penalized: the intercept (so, for squared loss,
    ``R*(X_c^T y_c)`` on centred data) and coefficients with penalty factor 0.
    Squared loss: any penalty. Logistic, Poisson and Huber: without zero factors. Absolute,
    quantile and hinge losses (nonsmooth): the smallest dual norm over the loss subgradient at
    ``w = 0``, found by a small convex solve.
    ``inf`` means no finite lam gives zero (ridge); TotalVariation's limit is a constant w.
    """
    Xv, _ = check_X(X, "lambda_max")
    yv = check_y(y, Xv.shape[0], "lambda_max")
    s = check_sample_weight(sample_weight, Xv.shape[0], "lambda_max")
    problem.loss.check_y(yv)
    pen, loss = problem.penalty, problem.loss
    n, d = Xv.shape
    if isinstance(pen, CustomPenalty):
        raise NotSupportedError(f"lambda_max needs a dual norm, which {pen!r} does not have.")
    free = _unpenalized_mask(pen, d)
    Xd = Xv.toarray() if sp.issparse(Xv) else Xv
    sw = np.ones(n) if s is None else s
    c = 1.0 / loss.weight_total(n, s)
    if isinstance(loss, SquaredLoss):
        cols = [Xd[:, free]] + ([np.ones((n, 1))] if problem.fit_intercept else [])
        A = np.hstack(cols) if cols else np.zeros((n, 0))
        root = np.sqrt(sw)
        coef = np.linalg.lstsq(root[:, None] * A, root * yv, rcond=None)[0] if A.shape[1] else np.zeros(0)
        neg_grad = c * sw * (yv - A @ coef)
    elif isinstance(loss, LogisticLoss | PoissonLoss | HuberLoss):
        if np.any(free):
            raise NotSupportedError(
                f"lambda_max with zero penalty factors is available for SquaredLoss only, not {loss!r}."
            )
        b0 = 0.0
        if problem.fit_intercept:
            b0 = float(minimize_scalar(lambda b: loss.value(Xd, yv, np.zeros(d), b, s), tol=1e-14).x)
        eta = np.full(n, b0)
        g, _ = loss.derivative(eta, yv)
        neg_grad = -c * sw * g
    elif loss.piecewise_linear:
        if np.any(free):
            raise NotSupportedError(
                f"lambda_max with zero penalty factors is available for SquaredLoss only, not {loss!r}."
            )
        return _lambda_max_piecewise(problem, Xd, yv, sw, c)
    else:
        raise NotSupportedError(f"lambda_max is not available for {loss!r}.")
    z = Xd.T @ neg_grad
    z[free] = 0.0
    return float(pen.dual_norm(z))


def _dual_norm_expr(pen: Penalty, z: cp.Expression) -> tuple[cp.Expression, list[cp.Constraint]]:
    """``pen.dual_norm`` as a CVXPY expression (plus constraints), for the minimization over
    the loss subgradient that lam_max needs with a nonsmooth loss."""
    d = z.shape[0]
    v = pen._v(d)
    if isinstance(pen, L1 | ElasticNet) or (isinstance(pen, LpPower) and pen.p == 1):
        a = pen.l1_ratio if isinstance(pen, ElasticNet) else 1.0
        if a == 0:
            return cp.Constant(0.0), [z == 0]  # ridge-like: finite only when z = 0
        keep = v > 0
        return cp.norm_inf(cp.multiply(1 / v[keep], z[np.flatnonzero(keep)])) / a, []
    if isinstance(pen, SquaredL2 | LpPower):
        return cp.Constant(0.0), [z == 0]
    if isinstance(pen, Lp):
        p = pen.p_eff
        q = math.inf if p == 1 else (1.0 if math.isinf(p) else p / (p - 1))
        return cp.norm(z, q), []
    if isinstance(pen, GroupLasso):
        parts = [cp.norm2(z[list(g)]) / c for g, c in zip(pen.groups, pen.weights, strict=True) if c > 0]
        return cp.max(cp.hstack(parts)), []
    if isinstance(pen, TotalVariation):
        if d < 2:
            return cp.Constant(0.0), [cp.sum(z) == 0]
        return cp.norm_inf(cp.cumsum(z)[: d - 1]), [cp.sum(z) == 0]
    raise NotSupportedError(f"lambda_max needs a dual norm, which {pen!r} does not have.")


def _lambda_max_piecewise(problem: Problem, X: np.ndarray, y: np.ndarray, sw: np.ndarray, c: float) -> float:
    """lam_max for a piecewise-linear loss: ``min R*(-c X^T (s * G))`` over the loss subgradient
    ``G`` at ``w = 0`` (and ``sum(s * G) = 0`` with an intercept), a small convex problem.

    The intercept ``b0`` minimizes ``L(0, b)``, piecewise linear in ``b``: its minimum is at
    a kink (``b = y_i`` for absolute and quantile losses, ``b = +-1`` for the hinge).
    """
    loss, n, d = problem.loss, X.shape[0], X.shape[1]
    b0 = 0.0
    if problem.fit_intercept:
        kinks = np.unique(y) if not isinstance(loss, HingeLoss) else np.array([-1.0, 1.0])
        values = [loss.value(X, y, np.zeros(d), b, sw) for b in kinks]
        b0 = float(kinks[int(np.argmin(values))])
    lo, hi = loss.derivative(np.full(n, b0), y, tol=1e-12 * max(1.0, float(np.max(np.abs(y)))))
    G = cp.Variable(n)
    dn, cons = _dual_norm_expr(problem.penalty, -c * (X.T @ cp.multiply(sw, G)))
    cons += [G >= lo, G <= hi]
    if problem.fit_intercept:
        cons.append(sw @ G == 0)
    prob = cp.Problem(cp.Minimize(dn), cons)
    _solve_accurately(prob)
    if prob.status in ("infeasible", "infeasible_inaccurate"):
        return math.inf
    return float(prob.value)


# --------------------------------------------------------------------------------------------
# Certificates
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Certificate:
    """Optimality measures of a candidate solution, each relative so one tolerance fits all.

    kkt_residual
        ``dist(0, grad L + lam dR(w) + bound terms) / scale`` (``mu`` for Constrained),
        ``scale = c ||X^T (s * y)||`` (c the loss scale), intercept stationarity included.
        For a ``CustomPenalty`` (no known subdifferential) it is the prox-gradient residual
        ``||w - prox_{lam R}(w - grad L)|| / scale``, on the loss's epigraph for the
        piecewise-linear losses; both vanish exactly at a minimizer.
    primal_infeasibility
        ``max(R(w) - t, 0) / max(1, t)`` and bound violations.
    complementary_slackness
        ``|mu (R(w) - t)| / scale`` plus the bound terms.
    duality_gap
        ``(P(w) - D(theta)) / max(1, |P(w)|)`` where conjugates are known (squared, logistic,
        hinge losses with norm penalties, no bounds), else None.
    """

    kkt_residual: float
    primal_infeasibility: float
    complementary_slackness: float
    duality_gap: float | None
    scale: float

    def passed(self, tol: float = 1e-6) -> bool:
        vals = [self.kkt_residual, self.primal_infeasibility, self.complementary_slackness]
        if self.duality_gap is not None:
            vals.append(self.duality_gap)
        return all(np.isfinite(v) and v <= tol for v in vals)

    @property
    def worst(self) -> float:
        vals = [self.kkt_residual, self.primal_infeasibility, self.complementary_slackness]
        vals += [self.duality_gap] if self.duality_gap is not None else []
        return float(np.max(vals))  # NaN (not computable) propagates

    def to_series(self) -> pd.Series:
        return pd.Series(asdict(self))


def _subgradient(pen: Penalty, w: np.ndarray, tol: float) -> tuple[cp.Expression, list[cp.Constraint]]:
    """A CVXPY expression ranging over ``dR(w~)``, ``w~`` = w with entries within tol of a kink at 0."""
    d = len(w)
    wt = np.where(np.abs(w) <= tol, 0.0, w)
    v = pen._v(d)

    def l1_part(weights: np.ndarray) -> tuple[cp.Expression, list[cp.Constraint]]:
        u = cp.Variable(d)
        zero = wt == 0
        cons = [u[~zero] == np.sign(wt[~zero])] if np.any(~zero) else []
        if np.any(zero):
            cons.append(cp.abs(u[zero]) <= 1)
        return cp.multiply(weights, u), cons

    if isinstance(pen, L1) or (isinstance(pen, LpPower) and pen.p == 1) or (isinstance(pen, Lp) and pen.p_eff == 1):
        return l1_part(v)
    if isinstance(pen, SquaredL2):
        return cp.Constant(v * w), []
    if isinstance(pen, ElasticNet):
        e, cons = l1_part(v * pen.l1_ratio)
        return e + (1 - pen.l1_ratio) * v * w, cons
    if isinstance(pen, LpPower):
        return cp.Constant(v * np.sign(w) * np.abs(w) ** (pen.p - 1)), []
    if isinstance(pen, Lp):
        p = pen.p_eff
        if np.all(wt == 0):
            u = cp.Variable(d)
            q = 1 if math.isinf(p) else (math.inf if p == 1 else p / (p - 1))
            return u, [cp.norm(u, q) <= 1]
        if math.isinf(p):
            m = np.max(np.abs(w))
            active = np.abs(w) >= m - tol
            alpha = cp.Variable(int(active.sum()), nonneg=True)
            u = np.zeros((d, int(active.sum())))
            u[np.flatnonzero(active), np.arange(active.sum())] = np.sign(w[active])
            return u @ alpha, [cp.sum(alpha) == 1]
        return cp.Constant(np.sign(w) * np.abs(w) ** (p - 1) / np.linalg.norm(w, p) ** (p - 1)), []
    if isinstance(pen, GroupLasso):
        cons: list[cp.Constraint] = []
        u = cp.Variable(d)
        for g, c in zip(pen.groups, pen.weights, strict=True):
            idx = list(g)
            ng = np.linalg.norm(w[idx])
            if ng <= tol:
                cons.append(cp.norm2(u[idx]) <= c)
            else:
                cons.append(u[idx] == c * w[idx] / ng)
        return u, cons
    if isinstance(pen, TotalVariation):
        if d < 2:
            return cp.Constant(np.zeros(d)), []
        diff = np.diff(w)
        zero = np.abs(diff) <= tol
        u = cp.Variable(d - 1)
        cons = [u[~zero] == np.sign(diff[~zero])] if np.any(~zero) else []
        if np.any(zero):
            cons.append(cp.abs(u[zero]) <= 1)
        D = sp.diags([-np.ones(d - 1), np.ones(d - 1)], [0, 1], shape=(d - 1, d))
        return D.T @ u, cons
    raise NotSupportedError(f"No subdifferential is known for {pen!r}.")


def certificate(
    problem: Problem, X: Any, y: Any, result: Result, *, sample_weight: Any = None, tol: float | None = None
) -> Certificate:
    """Optimality certificate of ``result`` for ``problem`` on ``(X, y)``; see ``Certificate``.

    The stationarity residual is the distance from 0 to the subdifferential of the
    Lagrangian: the loss subgradient (an interval at kinks) and the penalty subdifferential
    (a set at zeros), computed as a small projection problem. Entries within ``tol``
    (default ``1e-6 max(1, ||w||_inf)``) of a kink count as at the kink.
    """
    Xv, _ = check_X(X, "certificate")
    yv = check_y(y, Xv.shape[0], "certificate")
    s = check_sample_weight(sample_weight, Xv.shape[0], "certificate")
    if not result.ok:
        inf = math.inf
        return Certificate(inf, inf, inf, None, math.nan)
    n, d = Xv.shape
    loss, pen, form = problem.loss, problem.penalty, problem.form
    sw = np.ones(n) if s is None else s
    c = 1.0 / loss.weight_total(n, s)
    w, b = np.asarray(result.coef, dtype=float), float(result.intercept)
    Xd = Xv.toarray() if sp.issparse(Xv) else np.asarray(Xv)
    scale = c * float(np.linalg.norm(Xd.T @ (sw * yv)))
    if scale <= 0:
        scale = c * max(float(np.linalg.norm(Xd)), 1.0)
    tol_w = (1e-6 if tol is None else tol) * max(1.0, float(np.max(np.abs(w))))
    eta = Xd @ w + b
    tol_eta = (1e-6 if tol is None else tol) * max(1.0, float(np.max(np.abs(yv))))
    g_lo, g_hi = loss.derivative(eta, yv, tol=tol_eta)
    weight = form.value if isinstance(form, Penalized) else float(result.dual or 0.0)

    # Decision variables: loss subgradient G in [g_lo, g_hi], penalty subgradient v.
    kink = g_hi > g_lo
    G = cp.Variable(n) if np.any(kink) else None
    cons: list[cp.Constraint] = []
    if G is not None:
        cons += [G >= g_lo, G <= g_hi]
        Gexpr: Any = G
    else:
        Gexpr = g_lo
    try:
        v, pcons = _subgradient(pen, w, tol_w)
    except NotSupportedError:
        v, pcons = None, []
    cons += pcons
    grad_w = c * (Xd.T @ cp.multiply(sw, Gexpr) if G is not None else Xd.T @ (sw * g_lo))
    stat = grad_w + (weight * v if v is not None else 0)
    if result.lower_dual is not None:
        stat = stat - np.nan_to_num(result.lower_dual) + np.nan_to_num(result.upper_dual)
    parts = [stat]
    if problem.fit_intercept:
        parts.append(cp.reshape(c * (sw @ Gexpr if G is not None else sw @ g_lo), (1,), order="F"))
    kkt = math.nan
    G_opt = g_lo
    if v is not None:
        proj = cp.Problem(cp.Minimize(cp.norm2(cp.hstack(parts))), cons)
        _solve_accurately(proj)
        kkt = float(proj.value) / scale if proj.value is not None else math.nan
        if G is not None and G.value is not None:
            G_opt = np.clip(G.value, g_lo, g_hi)
    elif G is None:  # no known subdifferential (CustomPenalty), smooth loss: prox-gradient residual
        residual = _prox_gradient_residual(problem, w, c * (Xd.T @ (sw * g_lo)), weight)
        b_part = c * float(sw @ g_lo) if problem.fit_intercept else 0.0
        kkt = math.hypot(residual, b_part) / scale
    else:  # CustomPenalty with a piecewise-linear loss at a kink: the same residual on its epigraph
        kkt = _epigraph_prox_residual(problem, Xd, yv, sw, c, w, b, weight) / scale

    infeas = 0.0
    slack = 0.0
    R = pen.value(w)
    if isinstance(form, Constrained):
        infeas = max(R - form.value, 0.0) / max(1.0, form.value)
        slack = abs(weight * (R - form.value)) / scale
    if problem.bounds is not None:
        lo, hi = problem.bounds
        for side, dual, sign in ((lo, result.lower_dual, 1.0), (hi, result.upper_dual, -1.0)):
            if side is None:
                continue
            full = np.broadcast_to(side, (d,))
            fin = np.isfinite(full)
            gap = sign * (w - full)
            infeas = max(infeas, float(np.max(np.maximum(-gap[fin], 0.0), initial=0.0)))
            if dual is not None:
                slack += float(np.sum(np.abs(np.nan_to_num(dual)[fin] * gap[fin]))) / scale
    gap = _duality_gap(problem, Xd, yv, sw, c, w, b, G_opt)
    return Certificate(kkt, infeas, slack, gap, scale)


def _solve_accurately(prob: cp.Problem) -> None:
    """Solve an auxiliary problem (a projection, a prox) at tight tolerance: Clarabel, else SCS.

    Quietly: its own accuracy notes are not the user's concern; a failure leaves no value.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            prob.solve(solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
        except cp.error.SolverError:
            prob.solve(solver="SCS", eps_abs=1e-10, eps_rel=1e-10)


def _box(problem: Problem, u: cp.Variable) -> list[cp.Constraint]:
    """The problem's bounds on ``u``, built as ``Problem`` builds them."""
    if problem.bounds is None:
        return []
    items = (problem._bound(side, u.shape[0], u, k) for k, side in enumerate(problem.bounds))
    return [item[1] for item in items if item is not None]


def _prox_gradient_residual(problem: Problem, w: np.ndarray, grad: np.ndarray, weight: float) -> float:
    """``||w - prox_{weight R + box}(w - grad)||``: zero exactly when ``-grad`` is in
    ``weight dR(w)`` plus the normal cone of the bounds. Works for any convex R that CVXPY can
    build (its prox is a small CVXPY solve), so it certifies custom penalties."""
    u = cp.Variable(len(w))
    cons = _box(problem, u)
    prox = cp.Problem(cp.Minimize(weight * problem.penalty.expr(u) + 0.5 * cp.sum_squares(u - (w - grad))), cons)
    _solve_accurately(prox)
    return float(np.linalg.norm(w - u.value)) if u.value is not None else math.nan


def _epigraph_prox_residual(
    problem: Problem, X: np.ndarray, y: np.ndarray, sw: np.ndarray, c: float, w: np.ndarray, b: float, weight: float
) -> float:
    """Prox-gradient residual of ``min c s't + weight R(w)`` over the epigraph ``t >= pieces(Xw + b)``.

    The smooth part ``c s't`` is linear, the rest is ``weight R + indicator(epigraph, bounds)``,
    whose prox is one CVXPY solve; the residual is zero exactly at a minimizer. This is how a
    piecewise-linear loss (hinge, absolute, quantile) with a custom penalty is certified.
    """
    loss = problem.loss
    t = loss._terms_value(X @ w + b, y)
    u, tau = cp.Variable(len(w)), cp.Variable(len(y))
    beta = cp.Variable() if problem.fit_intercept else 0.0
    pieces = loss._epigraph_pieces(X @ u + beta, y)
    cons = [tau >= piece for piece in pieces] + _box(problem, u)
    objective = (
        weight * problem.penalty.expr(u) + 0.5 * cp.sum_squares(u - w) + 0.5 * cp.sum_squares(tau - (t - c * sw))
    )
    if problem.fit_intercept:
        objective = objective + 0.5 * cp.square(beta - b)
    prox = cp.Problem(cp.Minimize(objective), cons)
    _solve_accurately(prox)
    if u.value is None:
        return math.nan
    parts = [w - u.value, t - tau.value]
    if problem.fit_intercept:
        parts.append(np.atleast_1d(b - float(beta.value)))
    return float(np.linalg.norm(np.concatenate(parts)))


def _conjugate_sum(loss: Any, rho: np.ndarray, y: np.ndarray, sw: np.ndarray) -> float | None:
    """``sum_i s_i f_i*(rho_i)`` for the per-sample loss ``f_i`` (None where unknown)."""
    if isinstance(loss, SquaredLoss):
        return float(sw @ (0.5 * rho**2 + rho * y))
    if isinstance(loss, LogisticLoss):
        sig = np.clip(-rho * y, 0.0, 1.0)
        ent = np.where(sig > 0, sig * np.log(np.where(sig > 0, sig, 1)), 0.0)
        ent += np.where(sig < 1, (1 - sig) * np.log(np.where(sig < 1, 1 - sig, 1)), 0.0)
        return float(sw @ ent)
    if isinstance(loss, HingeLoss):
        sig = np.clip(-rho * y, 0.0, 1.0)
        return float(-(sw @ sig))
    return None


def _duality_gap(
    problem: Problem, X: np.ndarray, y: np.ndarray, sw: np.ndarray, c: float, w: np.ndarray, b: float, G: np.ndarray
) -> float | None:
    """Fenchel gap ``P(w) - D(theta)`` with ``theta = -c s G`` (G the loss derivative at Xw + b).

    Penalized: ``D = -c sum s f*(rho)`` with ``rho = G / kappa``, ``kappa`` rescaling theta into
    ``R*(X^T theta) <= lam``. Constrained: ``D = -c sum s f*(G) - t R*(X^T theta)``.
    """
    pen, form, loss = problem.penalty, problem.form, problem.loss
    if not pen.is_norm or problem.bounds is not None or isinstance(pen, CustomPenalty):
        return None
    if problem.fit_intercept and not isinstance(loss, SquaredLoss):
        return None
    theta = -c * sw * G
    if problem.fit_intercept:  # the dual of an unpenalized intercept requires sum(theta) = 0
        theta = theta - theta.mean()
    rho = -theta / (c * sw)
    rho = np.where(sw > 0, rho, 0.0)
    dn = pen.dual_norm(X.T @ theta)
    if not np.isfinite(dn):
        return None
    primal = problem.objective_value(X, y, w, b, sample_weight=sw)
    if isinstance(form, Penalized):
        kappa = max(1.0, dn / form.value) if form.value > 0 else (1.0 if dn == 0 else math.inf)
        if not np.isfinite(kappa):
            return None
        conj = _conjugate_sum(loss, rho / kappa, y, sw)
        if conj is None:
            return None
        dual = -c * conj
    else:
        conj = _conjugate_sum(loss, rho, y, sw)
        if conj is None:
            return None
        dual = -c * conj - form.value * dn
    return max(primal - dual, 0.0) / max(1.0, abs(primal))
