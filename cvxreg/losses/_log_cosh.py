"""The log-cosh loss: smooth everywhere, quadratic near zero and linear far out."""

from __future__ import annotations

import math
from typing import Any

import cvxpy as cp
import numpy as np
from scipy.special import xlogy

from cvxreg._validation import check_real
from cvxreg.losses._base import Loss

__all__ = ["LogCoshLoss"]


class LogCoshLoss(Loss):
    """``L(w, b) = sum_i s_i M^2 log(cosh(r_i / M))``, ``r_i = y_i - x_i^T w - b``.

    Like ``HuberLoss(M)``: ``r^2 / 2`` for small residuals, ``M |r| - M^2 log 2`` for large
    ones, but twice differentiable everywhere (its derivative in ``eta`` is
    ``-M tanh(r / M)``, its curvature ``1 / cosh(r / M)^2``), so it is strictly convex and a
    Newton method never meets a kink.

    Parameters
    ----------
    M : float > 0, default 1.0
        The residual size where it turns from quadratic to linear, in ``y``'s units.
    scale : {"sum", "mean"}, default "sum"
    """

    bounded_below = True
    strictly_convex = True
    y_degree, y_units = 2, ("M",)
    file_name = "log_cosh"

    def __init__(self, M: float = 1.0, *, scale: str = "sum") -> None:
        super().__init__(scale=scale)
        self.M = check_real(M, "M", "LogCoshLoss", lo=0.0, lo_open=True)

    def _params(self) -> dict[str, Any]:
        return {"M": self.M}

    def terms_expr(self, eta: cp.Expression, y: np.ndarray) -> cp.Expression:
        # log cosh(u) = log(1 + exp(2u)) - u - log 2, with u = r / M: convex (DCP) as written.
        u = (y - eta) / self.M
        return self.M**2 * (cp.logistic(2 * u) - u - math.log(2.0))

    def terms_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        u = np.abs((y - eta) / self.M)
        return self.M**2 * (u + np.log1p(np.exp(-2 * u)) - math.log(2.0))

    def derivative(self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        g = -self.M * np.tanh((y - eta) / self.M)
        return g, g

    def second_derivative(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return 1.0 / np.cosh(np.clip((y - eta) / self.M, -350.0, 350.0)) ** 2

    def conjugate_sum(self, rho: np.ndarray, y: np.ndarray, sw: np.ndarray) -> float:
        # l(eta) = M^2 f((y - eta)/M) with f = log cosh gives l*(rho) = rho y + M^2 f*(rho / M),
        # f*(s) = ((1 + s) log(1 + s) + (1 - s) log(1 - s)) / 2 on |s| <= 1 (f* is even).
        s = np.clip(rho / self.M, -1.0, 1.0)
        conj = 0.5 * (xlogy(1 + s, 1 + s) + xlogy(1 - s, 1 - s))
        return float(sw @ (rho * y + self.M**2 * conj))
