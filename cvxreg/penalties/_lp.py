"""The Lp norms: ``Lp(p)`` returns the class of its exponent, each class with no branch on p.

Like CVXPY's ``pnorm`` (which returns ``norm1``, ``norm_inf`` or ``Pnorm``), ``Lp(p)`` builds
``L1()`` for p = 1, ``L2()`` for 2, ``Linf()`` for infinity, ``Lp`` itself for any other
p > 1, and for 0 < p < 1 a quasi-norm that ``Problem`` refuses (not convex) with its reasons.
CVXPY replaces p by a rational number (1/p rounded to denominator 1024): a p so close to 1 that
this gives 1 is ``L1()``, a p above 2048 (1/p rounds to 0) is ``Linf()``, which is what the
rounding means (CVXPY's own atoms fail there).
"""

from __future__ import annotations

import math
from typing import Any

import cvxpy as cp
import numpy as np

from cvxreg._validation import check_p, fmt_number
from cvxreg.closed_forms import (
    l2_ball_orthonormal,
    l2_penalized,
    linf_ball_orthonormal,
    norm2_constrained,
    project_l1_ball,
    prox_norm,
)
from cvxreg.errors import NotSupportedError
from cvxreg.penalties._base import NONCONVEX_P, Norm, Penalty, cvxpy_p
from cvxreg.penalties._separable import L1

__all__ = ["L2", "Linf", "Lp"]


def ball_distance(w: np.ndarray, u: np.ndarray, c: float, tol: float) -> float:
    """``dist(u, c d||.||_2(w))``: to the ball of radius c at 0, else to ``c w / ||w||``."""
    nw = float(np.linalg.norm(w))
    if nw <= tol:
        return max(float(np.linalg.norm(u)) - c, 0.0)
    return float(np.linalg.norm(u - c * w / nw))


def norm2_hessian(w: np.ndarray, nw: float | None = None) -> np.ndarray:
    """The Hessian of ``||w||_2`` at ``w != 0``: ``(I - w w^T / ||w||^2) / ||w||`` (``nw`` the
    norm of the whole vector when ``w`` is part of it)."""
    nw = float(np.linalg.norm(w)) if nw is None else nw
    return (np.eye(len(w)) - np.outer(w, w) / nw**2) / nw


class Lp(Norm):
    """``R(w) = ||w||_p = (sum_j |w_j|^p)^(1/p)``, convex for ``p >= 1``; ``p`` may be ``inf``.

    ``Lp(p)`` is a factory: ``L1()``, ``L2()`` or ``Linf()`` for p = 1, 2 or infinity (or what
    CVXPY's rounding of p makes of it), this class for any other p > 1, whose ``p_used`` is the
    rational exponent CVXPY builds with power cones. For 0 < p < 1 the object can be built but
    ``Problem`` rejects it (not convex).

    Parameters
    ----------
    p : float or 'inf'
        The exponent.
    """

    file_name = "lp"
    estimator_params = ("p",)

    def __new__(cls, p: Any = None) -> Any:
        if cls is not Lp or p is None:  # a subclass, or a copy being rebuilt
            return super().__new__(cls)
        p = check_p(p, "Lp")
        used = cvxpy_p(p)
        if p < 1:
            return _LpBelowOne(p)
        special = {1: L1, 2: L2, math.inf: Linf}.get(used if used in (1, math.inf) else p)
        return special() if special is not None else super().__new__(cls)

    def __init__(self, p: Any) -> None:
        self.p = check_p(p, "Lp")
        self.p_used = cvxpy_p(self.p)

    def _params(self) -> dict[str, Any]:
        return {"": fmt_number(self.p)}

    @property
    def _q(self) -> float:
        """The conjugate exponent, ``1/p + 1/q = 1``."""
        return self.p / (self.p - 1)

    def expr(self, w: cp.Expression) -> cp.Expression:
        return cp.pnorm(w, self.p)

    def value(self, w: np.ndarray) -> float:
        return float(np.linalg.norm(np.asarray(w, dtype=float), ord=self.p))

    def prox(self, v: np.ndarray, step: float) -> np.ndarray:
        return prox_norm(v, step, self.p)

    def dual_norm(self, z: np.ndarray) -> float:
        return float(np.linalg.norm(np.asarray(z, dtype=float), ord=self._q))

    def dual_norm_expr(self, z: cp.Expression) -> tuple[cp.Expression, list[cp.Constraint]]:
        return cp.norm(z, self._q), []

    def subdifferential(self, w: np.ndarray, tol: float) -> tuple[cp.Expression, list[cp.Constraint]]:
        if np.all(np.abs(w) <= tol):  # at 0: the dual norm's unit ball
            u = cp.Variable(len(w))
            return u, [cp.norm(u, self._q) <= 1]
        return cp.Constant(self.gradient(w)), []

    def zero_pattern(self, w: np.ndarray, tol: float) -> np.ndarray:
        # Differentiable everywhere but at w = 0, its only kink.
        return np.full(len(w), float(np.linalg.norm(w, self.p)) <= tol)

    def gradient(self, w: np.ndarray) -> np.ndarray:
        # d ||w||_p / dw_j = sign(w_j) |w_j|^(p-1) / ||w||_p^(p-1)
        w = np.asarray(w, dtype=float)
        nw = float(np.linalg.norm(w, self.p))
        return np.zeros_like(w) if nw == 0 else np.sign(w) * (np.abs(w) / nw) ** (self.p - 1)

    def curvature(self, w: np.ndarray, free: np.ndarray) -> np.ndarray:
        # (p - 1) / ||w|| (diag(|w_j / ||w|| |^(p-2)) - g g^T), g the gradient: infinite at a zero
        # coefficient when p < 2.
        w = np.asarray(w, dtype=float)
        if not np.any(w):
            raise NotSupportedError(f"{self!r} has no curvature at w = 0.")
        nw = float(np.linalg.norm(w, self.p))
        with np.errstate(divide="ignore"):
            diagonal = (np.abs(w[free]) / nw) ** (self.p - 2)
        if not np.all(np.isfinite(diagonal)):
            raise NotSupportedError(f"{self!r} has no finite curvature where a coefficient is 0.")
        g = self.gradient(w)[free]
        return (self.p - 1) / nw * (np.diag(diagonal) - np.outer(g, g))

    def with_extra_coefficient(self) -> Penalty:
        return self


class L2(Norm):
    """``R(w) = ||w||_2`` (the norm itself, not squared; see ``SquaredL2`` for ridge)."""

    file_name = "l2"
    p = 2.0

    def expr(self, w: cp.Expression) -> cp.Expression:
        return cp.norm2(w)

    def value(self, w: np.ndarray) -> float:
        return float(np.linalg.norm(np.asarray(w, dtype=float)))

    def prox(self, v: np.ndarray, step: float) -> np.ndarray:
        return prox_norm(v, step, 2)

    def dual_norm(self, z: np.ndarray) -> float:
        return self.value(z)

    def dual_norm_expr(self, z: cp.Expression) -> tuple[cp.Expression, list[cp.Constraint]]:
        return cp.norm2(z), []

    def project(self, z: np.ndarray, t: float) -> tuple[np.ndarray, float]:
        return l2_ball_orthonormal(z, t)

    def subdifferential(self, w: np.ndarray, tol: float) -> tuple[cp.Expression, list[cp.Constraint]]:
        if np.all(np.abs(w) <= tol):  # at 0: the unit ball
            u = cp.Variable(len(w))
            return u, [cp.norm2(u) <= 1]
        return cp.Constant(self.gradient(w)), []

    def subdifferential_distance(self, w: np.ndarray, u: np.ndarray, tol: float) -> float:
        return ball_distance(np.asarray(w, dtype=float), np.asarray(u, dtype=float), 1.0, tol)

    def zero_pattern(self, w: np.ndarray, tol: float) -> np.ndarray:
        return np.full(len(w), float(np.linalg.norm(w)) <= tol)

    def gradient(self, w: np.ndarray) -> np.ndarray:
        w = np.asarray(w, dtype=float)
        nw = float(np.linalg.norm(w))
        return np.zeros_like(w) if nw == 0 else w / nw

    def curvature(self, w: np.ndarray, free: np.ndarray) -> np.ndarray:
        w = np.asarray(w, dtype=float)
        if not np.any(w):
            raise NotSupportedError(f"{self!r} has no curvature at w = 0.")
        return norm2_hessian(w[free], float(np.linalg.norm(w)))

    def least_squares(self, X: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
        return l2_penalized(X, y, lam)

    def least_squares_ball(self, X: np.ndarray, y: np.ndarray, t: float) -> tuple[np.ndarray, float]:
        return norm2_constrained(X, y, t)

    def euclidean_ball(self, t: float) -> tuple[str, float] | None:
        return ("norm", t)

    def with_extra_coefficient(self) -> Penalty:
        return self


class Linf(Norm):
    """``R(w) = ||w||_inf = max_j |w_j|``."""

    file_name = "linf"
    p = math.inf

    def expr(self, w: cp.Expression) -> cp.Expression:
        return cp.norm_inf(w)

    def value(self, w: np.ndarray) -> float:
        return float(np.max(np.abs(np.asarray(w, dtype=float)), initial=0.0))

    def prox(self, v: np.ndarray, step: float) -> np.ndarray:
        v = np.asarray(v, dtype=float)
        return v - project_l1_ball(v, step)[0]  # Moreau: v minus the projection on the dual ball

    def dual_norm(self, z: np.ndarray) -> float:
        return float(np.sum(np.abs(np.asarray(z, dtype=float))))

    def dual_norm_expr(self, z: cp.Expression) -> tuple[cp.Expression, list[cp.Constraint]]:
        return cp.norm1(z), []

    def project(self, z: np.ndarray, t: float) -> tuple[np.ndarray, float]:
        return linf_ball_orthonormal(z, t)

    def subdifferential(self, w: np.ndarray, tol: float) -> tuple[cp.Expression, list[cp.Constraint]]:
        d = len(w)
        if np.all(np.abs(w) <= tol):  # at 0: the unit ball of the L1 norm
            u = cp.Variable(d)
            return u, [cp.norm1(u) <= 1]
        # The convex hull of sign(w_j) e_j over the maximal entries.
        m = np.max(np.abs(w))
        active = np.flatnonzero(np.abs(w) >= m - tol)
        alpha = cp.Variable(active.size, nonneg=True)
        basis = np.zeros((d, active.size))
        basis[active, np.arange(active.size)] = np.sign(w[active])
        return basis @ alpha, [cp.sum(alpha) == 1]

    def linear_piece(self, w: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
        # ||w||_inf on the face {w_j = sign_j m on the tied set T}: z = (w off T, m), R = m.
        w = np.asarray(w, dtype=float)
        m = float(np.max(np.abs(w), initial=0.0))
        tied = np.abs(w) >= m - tol
        d, off = len(w), np.flatnonzero(~tied)
        P = np.zeros((d, len(off) + 1))
        P[off, np.arange(len(off))] = 1.0
        P[tied, -1] = np.where(w[tied] < 0, -1.0, 1.0)
        c = np.zeros(len(off) + 1)
        c[-1] = 1.0
        return P, c

    def with_extra_coefficient(self) -> Penalty:
        return self


class _LpBelowOne(Penalty):
    """``(sum_j |w_j|^p)^(1/p)`` for 0 < p < 1: not convex, built so the DCP gate can refuse it."""

    _shown_as = "Lp"

    def __init__(self, p: float) -> None:
        self.p = p

    def _params(self) -> dict[str, Any]:
        return {"": fmt_number(self.p)}

    def nonconvex_reason(self) -> str | None:
        return NONCONVEX_P.format(what=f"||w||_p with p = {self.p:g}")

    def expr(self, w: cp.Expression) -> cp.Expression:
        return cp.pnorm(w, self.p)  # CVXPY's concave atom, on purpose: the DCP gate sees it

    def value(self, w: np.ndarray) -> float:
        return float(np.sum(np.abs(np.asarray(w, dtype=float)) ** self.p) ** (1 / self.p))
