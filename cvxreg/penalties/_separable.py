"""Separable penalties ``R(w) = sum_j v_j r(w_j)``: L1, SquaredL2, LpPower, ElasticNet."""

from __future__ import annotations

import math
from typing import Any

import cvxpy as cp
import numpy as np

from cvxreg._validation import check_p, check_real, fmt_number, invalid
from cvxreg.closed_forms import prox_power, ridge, ridge_constrained, weighted_l1_ball_orthonormal
from cvxreg.errors import NotSupportedError
from cvxreg.penalties._base import (
    NONCONVEX_P,
    Penalty,
    Separable,
    cvxpy_p,
    l1_subdifferential,
    sign_1d,
    soft_1d,
    weighted_max,
    weighted_max_expr,
    zero_only,
)

__all__ = ["L1", "Berhu", "ElasticNet", "LpPower", "SquaredL2"]


class L1(Separable):
    """``R(w) = sum_j v_j |w_j|`` (lasso); ``v`` are penalty factors, all ones by default.

    scikit-learn ``Lasso(alpha)`` is ``SquaredLoss(scale="mean")`` + ``L1()`` at ``lam = alpha``.

    Parameters
    ----------
    factors : array-like of shape (d,), optional
        Penalty factors ``v >= 0`` (glmnet's ``penalty.factor``); 0 leaves a coefficient free.
    """

    is_norm = True
    file_name = "l1"
    p = 1.0

    def bounded_below(self) -> bool:
        return True

    def expr(self, w: cp.Expression) -> cp.Expression:
        if self.factors is None:
            return cp.norm1(w)
        return cp.norm1(cp.multiply(self.factors, w))

    def quadratic_parts(self, d: int) -> tuple[np.ndarray, np.ndarray]:
        return self.factor_vector(d), np.zeros(d)

    def value(self, w: np.ndarray) -> float:
        size = np.abs(w)  # one temporary of length d (the data may be wide)
        return float(size.sum() if self.factors is None else size @ self.factors)

    def prox_1d(self, x: np.ndarray, tau: np.ndarray) -> np.ndarray:
        return soft_1d(x, tau)

    def derivative_1d(self, w: np.ndarray, side: int) -> np.ndarray:
        return sign_1d(w, side)

    def curvature_1d(self, w: np.ndarray) -> np.ndarray:
        return np.zeros_like(w)

    def dual_norm(self, z: np.ndarray) -> float:
        return weighted_max(z, None if self.factors is None else self.factor_vector(len(z)))

    def dual_norm_expr(self, z: cp.Expression) -> tuple[cp.Expression, list[cp.Constraint]]:
        return weighted_max_expr(z, self.factor_vector(z.shape[0]))

    def project(self, z: np.ndarray, t: float) -> tuple[np.ndarray, float]:
        return weighted_l1_ball_orthonormal(z, t, self.factor_vector(len(z)))

    def subdifferential(self, w: np.ndarray, tol: float) -> tuple[cp.Expression, list[cp.Constraint]]:
        return l1_subdifferential(w, tol, self.factor_vector(len(w)))

    def as_elastic_net(self) -> Penalty:
        return ElasticNet(1.0, factors=self.factors)

    def as_generalized_lasso(self, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return np.eye(d), self.factor_vector(d), np.zeros((d, d))


class SquaredL2(Separable):
    """``R(w) = 1/2 * sum_j v_j w_j^2`` (ridge, Tikhonov); ``v`` are penalty factors.

    scikit-learn ``Ridge(alpha)`` is ``SquaredLoss()`` + ``SquaredL2()`` at ``lam = alpha``.

    Parameters
    ----------
    factors : array-like of shape (d,), optional
        Penalty factors ``v >= 0``; 0 leaves a coefficient free.
    """

    degree = 2.0

    file_name = "squared_l2"

    def bounded_below(self) -> bool:
        return True

    def expr(self, w: cp.Expression) -> cp.Expression:
        if self.factors is None:
            return 0.5 * cp.sum_squares(w)
        return 0.5 * cp.sum_squares(cp.multiply(np.sqrt(self.factors), w))

    def quadratic_parts(self, d: int) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(d), self.factor_vector(d)

    def value(self, w: np.ndarray) -> float:
        w = np.asarray(w, dtype=float)
        return 0.5 * float(w @ w if self.factors is None else (w * w) @ self.factors)

    def as_generalized_lasso(self, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return np.zeros((0, d)), np.zeros(0), np.diag(self.factor_vector(d))

    def prox_1d(self, x: np.ndarray, tau: np.ndarray) -> np.ndarray:
        return x / (1 + tau)

    def derivative_1d(self, w: np.ndarray, side: int) -> np.ndarray:
        return w

    def curvature_1d(self, w: np.ndarray) -> np.ndarray:
        return np.ones_like(w)

    def dual_norm(self, z: np.ndarray) -> float:
        return zero_only(z, self.factor_vector(len(z)))

    def dual_norm_expr(self, z: cp.Expression) -> tuple[cp.Expression, list[cp.Constraint]]:
        return zero_only(z, self.factor_vector(z.shape[0]))

    def project(self, z: np.ndarray, t: float) -> tuple[np.ndarray, float]:
        ball = self.euclidean_ball(t)
        if ball is None or t <= 0:
            raise NotSupportedError(f"No closed-form projection onto the ball of {self!r} with t = {t:g} is known.")
        # 1/2||w||^2 <= t is ||w|| <= r: the multiplier of the squared form is mu_norm / r.
        r = ball[1]
        z = np.asarray(z, dtype=float)
        nz = float(np.linalg.norm(z))
        if nz <= r:
            return z.copy(), 0.0
        return z * (r / nz), (nz - r) / r

    def subdifferential(self, w: np.ndarray, tol: float) -> tuple[cp.Expression, list[cp.Constraint]]:
        return cp.Constant(self.factor_vector(len(w)) * w), []

    def least_squares(self, X: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
        return ridge(X, y, lam, factors=self.factors)

    def least_squares_ball(self, X: np.ndarray, y: np.ndarray, t: float) -> tuple[np.ndarray, float]:
        if self.factors is not None:
            raise NotSupportedError(f"No closed form for the ball of {self!r} (penalty factors) is known.")
        return ridge_constrained(X, y, t)

    def euclidean_ball(self, t: float) -> tuple[str, float] | None:
        return None if self.factors is not None else ("half_squared_norm", math.sqrt(2 * t))

    def as_elastic_net(self) -> Penalty:
        return ElasticNet(0.0, factors=self.factors)

    @property
    def strictly_convex(self) -> bool:
        return self._all_penalized()


class LpPower(Separable):
    """``R(w) = 1/p * sum_j v_j |w_j|^p`` for ``p >= 1`` (``LpPower(2)`` equals ``SquaredL2()``).

    ``LpPower(p)`` is a factory: ``L1(factors)`` for p = 1 (or a p CVXPY rounds to 1),
    ``SquaredL2(factors)`` for p = 2, this class for any other p > 1. For 0 < p < 1 the object
    can be built but ``Problem`` rejects it (not convex).

    Parameters
    ----------
    p : float
        The exponent, ``1 <= p <= 2048`` (CVXPY cannot represent larger powers).
    factors : array-like of shape (d,), optional
        Penalty factors ``v >= 0``.
    """

    file_name = "lp_power"
    estimator_params = ("p",)

    def __new__(cls, p: Any = None, *, factors: Any = None) -> Any:
        if cls is not LpPower or p is None:  # a subclass, or a copy being rebuilt
            return super().__new__(cls)
        p = _power(p)
        if p < 1:
            return _LpPowerBelowOne(p, factors=factors)
        special = {1: L1, 2: SquaredL2}.get(1 if cvxpy_p(p) == 1 else p)
        return special(factors=factors) if special is not None else super().__new__(cls)

    def __init__(self, p: Any, *, factors: Any = None) -> None:
        self.p = _power(p)
        self.p_used = cvxpy_p(self.p)
        super().__init__(factors=factors)

    def _params(self) -> dict[str, Any]:
        return {"": fmt_number(self.p)}

    def homogeneity(self) -> float | None:
        return float(self.p_used)  # the power CVXPY builds

    def bounded_below(self) -> bool:
        return True

    def expr(self, w: cp.Expression) -> cp.Expression:
        terms = cp.power(cp.abs(w), self.p)
        if self.factors is not None:
            terms = cp.multiply(self.factors, terms)
        return cp.sum(terms) / self.p

    def value(self, w: np.ndarray) -> float:
        return float(np.sum(self.factor_vector(len(w)) * np.abs(w) ** self.p) / self.p)

    def prox_1d(self, x: np.ndarray, tau: np.ndarray) -> np.ndarray:
        return prox_power(x, tau / self.p, self.p)

    def derivative_1d(self, w: np.ndarray, side: int) -> np.ndarray:
        return np.sign(w) * np.abs(w) ** (self.p - 1)

    def curvature_1d(self, w: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):  # p < 2 at w = 0: infinite curvature, never polished there
            return (self.p - 1) * np.abs(w) ** (self.p - 2)

    def dual_norm(self, z: np.ndarray) -> float:
        return zero_only(z, self.factor_vector(len(z)))

    def dual_norm_expr(self, z: cp.Expression) -> tuple[cp.Expression, list[cp.Constraint]]:
        return zero_only(z, self.factor_vector(z.shape[0]))

    def subdifferential(self, w: np.ndarray, tol: float) -> tuple[cp.Expression, list[cp.Constraint]]:
        return cp.Constant(self.factor_vector(len(w)) * self.derivative_1d(np.asarray(w, dtype=float), 1)), []

    @property
    def strictly_convex(self) -> bool:
        return self._all_penalized()


def _power(p: Any) -> float:
    p = check_p(p, "LpPower")
    if math.isinf(p):
        raise invalid("p", "LpPower", "a finite real number >= 1 (use Linf() for p = inf)", p)
    if math.isinf(cvxpy_p(p)):
        raise invalid("p", "LpPower", "a real number in [1, 2048] (CVXPY cannot represent larger powers)", p)
    return p


class _LpPowerBelowOne(Separable):
    """``1/p sum_j v_j |w_j|^p`` for 0 < p < 1: not convex, built so the DCP gate can refuse it."""

    _shown_as = "LpPower"

    def __init__(self, p: float, *, factors: Any = None) -> None:
        self.p = p
        super().__init__(factors=factors)

    def _params(self) -> dict[str, Any]:
        return {"": fmt_number(self.p)}

    def nonconvex_reason(self) -> str | None:
        return NONCONVEX_P.format(what=f"sum |w_j|^p with p = {self.p:g}")

    def bounded_below(self) -> bool:
        return True

    def expr(self, w: cp.Expression) -> cp.Expression:
        terms = cp.power(cp.abs(w), self.p)  # concave of convex: the DCP gate refuses it
        return cp.sum(terms if self.factors is None else cp.multiply(self.factors, terms)) / self.p

    def value(self, w: np.ndarray) -> float:
        return float(np.sum(self.factor_vector(len(w)) * np.abs(w) ** self.p) / self.p)


class ElasticNet(Separable):
    """``R(w) = l1_ratio * sum_j v_j |w_j| + (1 - l1_ratio)/2 * sum_j v_j w_j^2``.

    scikit-learn ``ElasticNet(alpha, l1_ratio)`` and glmnet (gaussian, ``standardize=FALSE``,
    ``lambda = alpha``) are ``SquaredLoss(scale="mean")`` + ``ElasticNet(l1_ratio)`` at
    ``lam = alpha``. The form ``lam1*||w||_1 + lam2*||w||_2^2`` is
    ``lam = lam1 + 2*lam2``, ``l1_ratio = lam1 / (lam1 + 2*lam2)``.

    Parameters
    ----------
    l1_ratio : float in [0, 1], default 0.5
        Weight of the L1 part.
    factors : array-like of shape (d,), optional
        Penalty factors ``v >= 0``, applied to both parts.
    """

    file_name = "elastic_net"
    estimator_params = ("l1_ratio",)

    def __init__(self, l1_ratio: float = 0.5, *, factors: Any = None) -> None:
        self.l1_ratio = check_real(l1_ratio, "l1_ratio", "ElasticNet", lo=0.0, hi=1.0)
        super().__init__(factors=factors)

    def quadratic_parts(self, d: int) -> tuple[np.ndarray, np.ndarray]:
        v = self.factor_vector(d)
        return self.l1_ratio * v, (1 - self.l1_ratio) * v

    def _params(self) -> dict[str, Any]:
        return {"": fmt_number(self.l1_ratio)}

    def rescaled(self, a: float) -> tuple[Penalty, Any]:
        # a l1 a|v|_1 + (1 - l1) a^2/2 |v|^2 = f (l1' |v|_1 + (1 - l1')/2 |v|^2)
        f = self.l1_ratio * a + (1 - self.l1_ratio) * a * a
        return ElasticNet(self.l1_ratio * a / f, factors=getattr(self, "_given", self.factors)), f

    def bounded_below(self) -> bool:
        return True

    def expr(self, w: cp.Expression) -> cp.Expression:
        a = self.l1_ratio
        if self.factors is None:
            return a * cp.norm1(w) + (1 - a) / 2 * cp.sum_squares(w)
        v = self.factors
        return a * cp.norm1(cp.multiply(v, w)) + (1 - a) / 2 * cp.sum_squares(cp.multiply(np.sqrt(v), w))

    def value(self, w: np.ndarray) -> float:
        a, w = self.l1_ratio, np.asarray(w, dtype=float)
        size = np.abs(w)
        if self.factors is None:
            return float(a * size.sum() + (1 - a) / 2 * (w @ w))
        l1 = float(size @ self.factors)
        size *= size  # in place: w**2
        return a * l1 + (1 - a) / 2 * float(size @ self.factors)

    def prox_1d(self, x: np.ndarray, tau: np.ndarray) -> np.ndarray:
        return soft_1d(x, tau * self.l1_ratio) / (1 + tau * (1 - self.l1_ratio))

    def as_generalized_lasso(self, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        v, a = self.factor_vector(d), self.l1_ratio
        return np.eye(d), a * v, np.diag((1 - a) * v)

    def derivative_1d(self, w: np.ndarray, side: int) -> np.ndarray:
        return self.l1_ratio * sign_1d(w, side) + (1 - self.l1_ratio) * w

    def curvature_1d(self, w: np.ndarray) -> np.ndarray:
        return np.full_like(w, 1 - self.l1_ratio)

    def dual_norm(self, z: np.ndarray) -> float:
        v = self.factor_vector(len(z))
        return zero_only(z, v) if self.l1_ratio == 0 else weighted_max(z, v) / self.l1_ratio

    def dual_norm_expr(self, z: cp.Expression) -> tuple[cp.Expression, list[cp.Constraint]]:
        v = self.factor_vector(z.shape[0])
        if self.l1_ratio == 0:
            return zero_only(z, v)
        e, cons = weighted_max_expr(z, v)
        return e / self.l1_ratio, cons

    def subdifferential(self, w: np.ndarray, tol: float) -> tuple[cp.Expression, list[cp.Constraint]]:
        v = self.factor_vector(len(w))
        e, cons = l1_subdifferential(w, tol, v * self.l1_ratio)
        return e + (1 - self.l1_ratio) * v * w, cons

    def as_elastic_net(self) -> Penalty:
        return self

    @property
    def strictly_convex(self) -> bool:
        return self.l1_ratio < 1 and self._all_penalized()


class Berhu(Separable):
    """``R(w) = sum_j v_j b_M(w_j)``, the reverse Huber function: ``b_M(w) = |w|`` for
    ``|w| <= M`` and ``(w^2 + M^2) / (2M)`` beyond (Owen 2007).

    Like the lasso near zero (it selects), like ridge for large coefficients (it shrinks them
    less unequally than L1 and groups correlated ones); ``M -> inf`` gives ``L1()``. Its prox
    is the soft threshold while ``|x| <= M + tau``, and ``x M / (M + tau)`` beyond.

    Parameters
    ----------
    M : float > 0, default 1.0
        Where the penalty turns from linear to quadratic, in the coefficients' units.
    factors : array-like of shape (d,), optional
        Penalty factors ``v >= 0``.
    """

    file_name = "berhu"

    def __init__(self, M: float = 1.0, *, factors: Any = None) -> None:
        self.M = check_real(M, "M", "Berhu", lo=0.0, lo_open=True)
        super().__init__(factors=factors)

    def _params(self) -> dict[str, Any]:
        return {"M": self.M}

    def expr(self, w: cp.Expression) -> cp.Expression:
        size = cp.abs(w)
        terms = size + cp.square(cp.pos(size - self.M)) / (2 * self.M)
        return cp.sum(terms if self.factors is None else cp.multiply(self.factors, terms))

    def value(self, w: np.ndarray) -> float:
        size = np.abs(np.asarray(w, dtype=float))
        terms = np.where(size <= self.M, size, (size**2 + self.M**2) / (2 * self.M))
        return float(np.sum(self.factor_vector(len(size)) * terms))

    def prox_1d(self, x: np.ndarray, tau: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.where(np.abs(x) <= self.M + tau, soft_1d(x, tau), x * self.M / (self.M + tau))

    def derivative_1d(self, w: np.ndarray, side: int) -> np.ndarray:
        w = np.asarray(w, dtype=float)
        return np.where(np.abs(w) <= self.M, sign_1d(w, side), w / self.M)

    def curvature_1d(self, w: np.ndarray) -> np.ndarray:
        return np.where(np.abs(np.asarray(w, dtype=float)) > self.M, 1.0 / self.M, 0.0)

    def dual_norm(self, z: np.ndarray) -> float:
        return weighted_max(z, self.factor_vector(len(z)))  # dR(0) is L1's: [-v_j, v_j]

    def dual_norm_expr(self, z: cp.Expression) -> tuple[cp.Expression, list[cp.Constraint]]:
        return weighted_max_expr(z, self.factor_vector(z.shape[0]))

    def rescaled(self, a: float) -> tuple[Penalty, Any]:
        # b_M(a v) = a b_{M/a}(v): in units of a the turning point is M / a.
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.M = self.M / a
        return new, a

    def bounded_below(self) -> bool:
        return True

    @property
    def strictly_convex(self) -> bool:
        return False
