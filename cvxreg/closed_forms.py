"""Closed forms in NumPy and SciPy only: proximal maps, ball projections, ridge and its kin.

Every function solves a textbook problem in the unscaled conventions of ``docs/formulas.md``
(loss ``1/2 ||y - X w||^2``, ``z = X^T y``, ``S(v, s) = sign(v) max(|v| - s, 0)``). Nothing
here knows about CVXPY or ``Problem``: the penalties' ``prox``/``project`` methods and the
reference layer call these functions.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp
from scipy.optimize import brentq

__all__ = [
    "elastic_net_orthonormal",
    "equality_least_squares",
    "group_lasso_orthonormal",
    "group_soft_threshold",
    "is_orthonormal",
    "l1_ball_orthonormal",
    "l2_ball_orthonormal",
    "l2_penalized",
    "lasso_orthonormal",
    "least_squares_factor",
    "linf_ball_orthonormal",
    "linf_penalty_orthonormal",
    "norm2_constrained",
    "project_l1_ball",
    "prox_norm",
    "prox_power",
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
    above = np.nonzero(u > (css - t) / j)[0]
    rho = int(above[-1]) if above.size else 0  # t below u[0]'s rounding: only the largest moves
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
    with multiplier ``mu_norm = mu_sq * r`` (``cvxreg.convert_multiplier`` states the rule)."""
    w, mu = ridge_constrained(X, y, 0.5 * r * r)
    return w, mu * r


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


def group_soft_threshold(z: Any, lam: float, groups: Any, weights: Any) -> np.ndarray:
    """``w_g = max(0, 1 - lam c_g / ||z_g||) z_g`` for each group ``g``: the prox of
    ``lam sum_g c_g ||w_g||_2`` (block soft threshold)."""
    z = np.asarray(z, dtype=float)
    w = np.zeros_like(z)
    for g, c in zip(groups, weights, strict=True):
        idx = list(g)
        w[idx] = prox_norm(z[idx], lam * c, 2)
    return w


def group_lasso_orthonormal(z: Any, lam: float, groups: Any, weights: Any) -> np.ndarray:
    """Group lasso with X^T X = I: ``group_soft_threshold(z, lam, groups, weights)``."""
    return group_soft_threshold(z, lam, groups, weights)


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


def least_squares_factor(
    X: Any, y: Any, sample_weight: Any = None, fit_intercept: bool = False, *, max_condition: float = 1e6
) -> tuple[np.ndarray, np.ndarray, float]:
    """``(R, q, rho2)`` with ``||sqrt(s) (y - A u)||^2 = ||R u - q||^2 + rho2`` for every ``u``,
    ``A = [X, 1]`` with an intercept column (else ``X``); ``R`` is upper triangular, ``k x k``.

    The Gram matrix ``A^T S A = R^T R`` (Cholesky) costs one pass over X and no copy of it, but
    squares X's condition number: when the factor's estimated condition number exceeds
    ``max_condition`` (so the Gram's exceeds its square, ~1e12, and Cholesky would lose most of
    the digits the answer needs) the factor comes from a QR decomposition of ``sqrt(S) A``
    instead, which keeps X's own conditioning (dense X only; a sparse X raises ``ValueError``).
    """
    y = np.asarray(y, dtype=float)
    n = y.shape[0]
    root = np.ones(n) if sample_weight is None else np.sqrt(np.asarray(sample_weight, dtype=float))
    Xs = X if sample_weight is None else (sp.diags(root) @ X if sp.issparse(X) else X * root[:, None])
    ys = root * y
    gram = Xs.T @ Xs
    gram = gram.toarray() if sp.issparse(gram) else np.asarray(gram)
    h = np.asarray(Xs.T @ ys).ravel()
    if fit_intercept:
        xb = np.asarray(Xs.T @ root).ravel()
        gram = np.block([[gram, xb[:, None]], [xb[None, :], np.array([[root @ root]])]])
        h = np.r_[h, root @ ys]
    try:
        R = la.cholesky(gram, lower=False)
        rcond = la.lapack.dtrcon(R, uplo="U")[0]
        well_conditioned = rcond > 1.0 / max_condition
    except la.LinAlgError:
        well_conditioned = False
    if well_conditioned:
        q = la.solve_triangular(R, h, trans="T")
        return R, q, max(float(ys @ ys - q @ q), 0.0)
    if sp.issparse(X):
        raise ValueError("an ill-conditioned sparse design has no reduction here")
    cols = [Xs] + ([root[:, None]] if fit_intercept else []) + [ys[:, None]]
    aug = la.qr(np.hstack(cols), mode="r", overwrite_a=True, check_finite=False)[0]
    k = aug.shape[1] - 1
    rho = aug[k, k] if aug.shape[0] > k else 0.0
    return aug[:k, :k], aug[:k, k], float(rho**2)


def equality_least_squares(
    X: Any, y: Any, A: Any, b: Any, lam: float = 0.0, factors: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """``argmin 1/2||y - Xw||^2 + lam/2 sum_j v_j w_j^2  s.t.  A w = b`` and the multiplier ``nu``.

    The KKT system ``[[X^T X + lam V, A^T], [A, 0]] [w; nu] = [X^T y; b]`` (Golub & Van Loan,
    Matrix Computations, section 6.2, for lam = 0), solved by least squares so that a singular
    system still gives its minimum-norm solution; ``nu`` enters the Lagrangian as
    ``+ nu^T (A w - b)``.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    A, b = np.atleast_2d(np.asarray(A, dtype=float)), np.atleast_1d(np.asarray(b, dtype=float))
    d, m = X.shape[1], A.shape[0]
    v = np.ones(d) if factors is None else np.asarray(factors, dtype=float)
    K = np.block([[X.T @ X + lam * np.diag(v), A.T], [A, np.zeros((m, m))]])
    sol = np.linalg.lstsq(K, np.r_[X.T @ y, b], rcond=None)[0]
    return sol[:d], sol[d:]
