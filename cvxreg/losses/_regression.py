"""Losses of a residual ``r = y - eta``: squared, absolute, Huber, quantile, epsilon-insensitive."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import cvxpy as cp
import numpy as np

from cvxreg._rational import rational
from cvxreg._validation import Data, check_real
from cvxreg.errors import NotSupportedError
from cvxreg.losses._base import Loss, Piece

__all__ = ["AbsoluteLoss", "EpsilonInsensitiveLoss", "HuberLoss", "QuantileLoss", "SquaredLoss"]


class SquaredLoss(Loss):
    """``L(w, b) = 1/2 * sum_i s_i * (y_i - x_i^T w - b)^2``.

    With ``scale="mean"`` this is scikit-learn's ``Lasso``/``ElasticNet`` data term
    ``1/(2n) * ||y - Xw - b||^2`` and glmnet's gaussian family.
    """

    bounded_below = True
    least_squares = True
    strictly_convex = True
    y_degree = 2
    file_name = "squared"

    def reduced_model(self, data: Data, u: cp.Expression, fit_intercept: bool) -> cp.Expression:
        # ||sqrt(s)(y - A u)||^2 = ||R u - q||^2 + rho2 with R k x k (k = d or d + 1): the
        # solver sees k rows instead of n, and the constant keeps the objective value exact.
        factor = data.least_squares_factor(fit_intercept)
        if factor is None:
            raise NotSupportedError("No reduced model for wide data or an ill-conditioned sparse X.")
        R, q, rho2 = factor
        return 0.5 * (cp.sum_squares(R @ u - q) + rho2) / self.weight_total(data.n, data.sample_weight)

    def sum_expr(self, eta: cp.Expression, y: np.ndarray, sample_weight: np.ndarray | None) -> cp.Expression:
        # sum_squares keeps the problem a QP that OSQP and friends accept.
        r = y - eta
        if sample_weight is not None:
            r = cp.multiply(np.sqrt(sample_weight), r)
        return 0.5 * cp.sum_squares(r)

    def terms_expr(self, eta: cp.Expression, y: np.ndarray) -> cp.Expression:
        return 0.5 * cp.square(y - eta)

    def terms_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return 0.5 * (y - eta) ** 2

    def quadratic_pieces(self, y: Fraction) -> tuple[tuple[Fraction, ...], tuple[Piece, ...]]:
        return (), ((Fraction(1), -y, y * y / 2),)  # (eta - y)^2 / 2

    def derivative(self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        g = eta - y
        return g, g

    def second_derivative(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.ones_like(eta)

    def conjugate_sum(self, rho: np.ndarray, y: np.ndarray, sw: np.ndarray) -> float:
        return float(sw @ (0.5 * rho**2 + rho * y))

    def intercept_only(self, y: np.ndarray, sample_weight: np.ndarray | None = None) -> float:
        return float(np.average(y, weights=sample_weight))


class _PiecewiseLinear(Loss):
    """A loss whose per-sample term is the maximum of affine pieces of ``eta``."""

    bounded_below = True

    def intercept_kinks(self, y: np.ndarray) -> np.ndarray:
        """The values of ``b`` where ``L(0, b)`` has a kink: its minimum is at one of them."""
        return np.unique(y)

    def intercept_only(self, y: np.ndarray, sample_weight: np.ndarray | None = None) -> float:
        kinks = self.intercept_kinks(y)
        zeros = np.zeros((len(y), 1))
        values = [self.value(zeros, y, np.zeros(1), b, sample_weight) for b in kinks]
        return float(kinks[int(np.argmin(values))])


def two_slope_pieces(loss: Loss, y: Fraction) -> tuple[tuple[Fraction, ...], tuple[Piece, ...]]:
    """``up max(r, 0) + down max(-r, 0)`` of ``r = y - eta`` (``check_slopes``), exactly."""
    up, down = (rational(v) for v in loss.check_slopes())
    zero = Fraction(0)
    return (y,), ((zero, -up, up * y), (zero, down, -down * y))


class AbsoluteLoss(_PiecewiseLinear):
    """``L(w, b) = sum_i s_i * |y_i - x_i^T w - b|`` (least absolute deviations)."""

    y_degree = 1
    file_name = "absolute"

    def terms_expr(self, eta: cp.Expression, y: np.ndarray) -> cp.Expression:
        return cp.abs(y - eta)

    def check_slopes(self) -> tuple[float, float]:
        return 1.0, 1.0

    def quadratic_pieces(self, y: Fraction) -> tuple[tuple[Fraction, ...], tuple[Piece, ...]]:
        return two_slope_pieces(self, y)

    def epigraph_pieces(self, eta: cp.Expression, y: np.ndarray) -> list[cp.Expression]:
        return [y - eta, eta - y]

    def terms_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.abs(y - eta)

    def derivative(self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        d = eta - y
        at_kink = np.abs(d) <= tol
        s = np.sign(d)
        return np.where(at_kink, -1.0, s), np.where(at_kink, 1.0, s)


class HuberLoss(Loss):
    """``L(w, b) = sum_i s_i * h_M(r_i)``, ``h_M(r) = r^2/2`` if ``|r| <= M`` else ``M|r| - M^2/2``.

    Half of CVXPY's ``huber``, so it tends to ``SquaredLoss`` as ``M`` grows. scikit-learn's
    ``HuberRegressor(epsilon, alpha)`` with fitted scale ``sigma`` is this loss with
    ``M = epsilon * sigma`` plus ``SquaredL2`` at ``lam = alpha * sigma``.
    """

    bounded_below = True

    y_degree, y_units = 2, ("M",)
    file_name = "huber"

    def __init__(self, M: float = 1.0, *, scale: str = "sum") -> None:
        super().__init__(scale=scale)
        self.M = check_real(M, "M", "HuberLoss", lo=0.0, lo_open=True)

    def _params(self) -> dict[str, Any]:
        return {"M": self.M}

    def terms_expr(self, eta: cp.Expression, y: np.ndarray) -> cp.Expression:
        return 0.5 * cp.huber(y - eta, self.M)

    def terms_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        a = np.abs(y - eta)
        return np.where(a <= self.M, 0.5 * a**2, self.M * a - 0.5 * self.M**2)

    def quadratic_pieces(self, y: Fraction) -> tuple[tuple[Fraction, ...], tuple[Piece, ...]]:
        M, zero = rational(self.M), Fraction(0)  # M |r| - M^2/2 outside [y - M, y + M], (eta - y)^2/2 inside
        half = M * M / 2
        below, inside, above = (zero, -M, M * y - half), (Fraction(1), -y, y * y / 2), (zero, M, -M * y - half)
        return (y - M, y + M), (below, inside, above)

    def derivative(self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        g = np.clip(eta - y, -self.M, self.M)
        return g, g

    def second_derivative(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (np.abs(eta - y) <= self.M).astype(float)


class QuantileLoss(_PiecewiseLinear):
    """``L(w, b) = sum_i s_i * (tau*max(r_i, 0) + (1 - tau)*max(-r_i, 0))`` (pinball loss).

    With ``scale="mean"`` and ``L1`` this is scikit-learn's ``QuantileRegressor(quantile=tau,
    alpha=lam)``.
    """

    y_degree = 1
    file_name = "quantile"

    def __init__(self, tau: float = 0.5, *, scale: str = "sum") -> None:
        super().__init__(scale=scale)
        self.tau = check_real(tau, "tau", "QuantileLoss", lo=0.0, hi=1.0, lo_open=True, hi_open=True)

    def _params(self) -> dict[str, Any]:
        return {"tau": self.tau}

    def mirrored(self) -> Loss:
        return QuantileLoss(round(1 - self.tau, 15), scale=self.scale)  # 0.3, not 0.30000000000000004

    def terms_expr(self, eta: cp.Expression, y: np.ndarray) -> cp.Expression:
        r = y - eta
        return self.tau * cp.pos(r) + (1 - self.tau) * cp.neg(r)

    def check_slopes(self) -> tuple[float, float]:
        return self.tau, 1.0 - self.tau

    def quadratic_pieces(self, y: Fraction) -> tuple[tuple[Fraction, ...], tuple[Piece, ...]]:
        return two_slope_pieces(self, y)

    def epigraph_pieces(self, eta: cp.Expression, y: np.ndarray) -> list[cp.Expression]:
        r = y - eta
        return [self.tau * r, (self.tau - 1) * r]

    def terms_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        r = y - eta
        return self.tau * np.maximum(r, 0) + (1 - self.tau) * np.maximum(-r, 0)

    def derivative(self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        r = y - eta
        at_kink = np.abs(r) <= tol
        g = np.where(r > 0, -self.tau, 1 - self.tau)
        return np.where(at_kink, -self.tau, g), np.where(at_kink, 1 - self.tau, g)


class EpsilonInsensitiveLoss(_PiecewiseLinear):
    """``L(w, b) = sum_i s_i * max(0, |y_i - x_i^T w - b| - epsilon)`` (support vector regression).

    scikit-learn's ``LinearSVR(loss="epsilon_insensitive", C, epsilon)`` minimizes
    ``1/2 ||w||^2 + C * L``: ``SquaredL2()`` at ``lam = 1/C`` (without its penalized intercept).

    Parameters
    ----------
    epsilon : float >= 0, default 0.1
        Residuals smaller than this cost nothing.
    scale : {"sum", "mean"}, default "sum"
    """

    y_degree, y_units = 1, ("epsilon",)
    file_name = "epsilon_insensitive"

    def __init__(self, epsilon: float = 0.1, *, scale: str = "sum") -> None:
        super().__init__(scale=scale)
        self.epsilon = check_real(epsilon, "epsilon", "EpsilonInsensitiveLoss", lo=0.0)

    def _params(self) -> dict[str, Any]:
        return {"epsilon": self.epsilon}

    def terms_expr(self, eta: cp.Expression, y: np.ndarray) -> cp.Expression:
        return cp.pos(cp.abs(y - eta) - self.epsilon)

    def epigraph_pieces(self, eta: cp.Expression, y: np.ndarray) -> list[cp.Expression]:
        r = y - eta
        return [cp.Constant(np.zeros(len(y))), r - self.epsilon, -r - self.epsilon]

    def terms_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.maximum(0.0, np.abs(y - eta) - self.epsilon)

    def quadratic_pieces(self, y: Fraction) -> tuple[tuple[Fraction, ...], tuple[Piece, ...]]:
        eps, zero, one = rational(self.epsilon), Fraction(0), Fraction(1)
        return (y - eps, y + eps), ((zero, -one, y - eps), (zero, zero, zero), (zero, one, -y - eps))

    def derivative(self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        r = y - eta
        lo = np.where(r > self.epsilon + tol, -1.0, np.where(r >= -self.epsilon - tol, 0.0, 1.0))
        hi = np.where(r < -self.epsilon - tol, 1.0, np.where(r <= self.epsilon + tol, 0.0, -1.0))
        # At the kinks |r| = epsilon the whole interval between the two sides.
        at_upper = np.abs(r - self.epsilon) <= tol
        at_lower = np.abs(r + self.epsilon) <= tol
        return np.where(at_upper, -1.0, lo), np.where(at_lower, 1.0, hi)

    def intercept_kinks(self, y: np.ndarray) -> np.ndarray:
        return np.unique(np.r_[y - self.epsilon, y + self.epsilon])

    def conjugate_sum(self, rho: np.ndarray, y: np.ndarray, sw: np.ndarray) -> float:
        # l*(rho) = rho y + epsilon |rho| for |rho| <= 1 (infinite beyond).
        rho = np.clip(rho, -1.0, 1.0)
        return float(sw @ (rho * y + self.epsilon * np.abs(rho)))
