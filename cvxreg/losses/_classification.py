"""Losses of a margin ``y eta`` (labels in {-1, +1}), and the Poisson loss of counts."""

from __future__ import annotations

from fractions import Fraction

import cvxpy as cp
import numpy as np
from scipy.special import expit

from cvxreg._validation import invalid
from cvxreg.losses._base import Loss, Piece
from cvxreg.losses._regression import _PiecewiseLinear

__all__ = ["HingeLoss", "LogisticLoss", "PoissonLoss", "SquaredHingeLoss"]


def _check_labels(y: np.ndarray, owner: str) -> None:
    labels = np.unique(y)
    if not np.all(np.isin(labels, (-1.0, 1.0))):
        more = f" and {labels.size - 6} more" if labels.size > 6 else ""
        shown = f"labels {labels[:6].tolist()}{more}"
        raise invalid("y", owner, "an array of class labels in {-1, +1}", shown, raw=True)


class LogisticLoss(Loss):
    """``L(w, b) = sum_i s_i * log(1 + exp(-y_i (x_i^T w + b)))``, labels ``y_i`` in {-1, +1}.

    scikit-learn's ``LogisticRegression(C)`` minimizes ``C * L + R``: here ``lam = 1/C``.
    """

    bounded_below = True
    classification = True
    strictly_convex = True
    file_name = "logistic"

    def check_y(self, y: np.ndarray) -> None:
        _check_labels(y, type(self).__name__)

    def recession(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # log(1 + exp(-y_i eta_i)) falls towards 0 as y_i eta_i grows, never reaching it.
        return np.where(y > 0, 0.0, -np.inf), np.where(y > 0, np.inf, 0.0), np.sign(y).astype(float)

    def recession_reason(self) -> str:
        return "the two classes are separable (a hyperplane puts every sample on its own side)"

    def probability(self, eta: np.ndarray) -> np.ndarray:
        return expit(eta)

    def terms_expr(self, eta: cp.Expression, y: np.ndarray) -> cp.Expression:
        return cp.logistic(-cp.multiply(y, eta))

    def terms_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.logaddexp(0.0, -y * eta)

    def derivative(self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        g = -y * expit(-y * eta)
        return g, g

    def second_derivative(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        p = expit(y * eta)
        return p * (1 - p)

    def conjugate_sum(self, rho: np.ndarray, y: np.ndarray, sw: np.ndarray) -> float:
        # l*(rho) = sig log sig + (1 - sig) log(1 - sig) with sig = -rho y in [0, 1].
        sig = np.clip(-rho * y, 0.0, 1.0)
        ent = np.where(sig > 0, sig * np.log(np.where(sig > 0, sig, 1)), 0.0)
        ent += np.where(sig < 1, (1 - sig) * np.log(np.where(sig < 1, 1 - sig, 1)), 0.0)
        return float(sw @ ent)


class HingeLoss(_PiecewiseLinear):
    """``L(w, b) = sum_i s_i * max(0, 1 - y_i (x_i^T w + b))``, labels in {-1, +1} (SVM)."""

    classification = True
    file_name = "hinge"

    def intercept_kinks(self, y: np.ndarray) -> np.ndarray:
        return np.array([-1.0, 1.0])

    def conjugate_sum(self, rho: np.ndarray, y: np.ndarray, sw: np.ndarray) -> float:
        # l*(rho) = -sig for sig = -rho y in [0, 1].
        return float(-(sw @ np.clip(-rho * y, 0.0, 1.0)))

    def check_y(self, y: np.ndarray) -> None:
        _check_labels(y, type(self).__name__)

    def terms_expr(self, eta: cp.Expression, y: np.ndarray) -> cp.Expression:
        return cp.pos(1 - cp.multiply(y, eta))

    def epigraph_pieces(self, eta: cp.Expression, y: np.ndarray) -> list[cp.Expression]:
        return [cp.Constant(np.zeros(len(y))), 1 - cp.multiply(y, eta)]

    def terms_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.maximum(0.0, 1 - y * eta)

    def quadratic_pieces(self, y: Fraction) -> tuple[tuple[Fraction, ...], tuple[Piece, ...]]:
        zero = Fraction(0)  # 1 - y eta on the side where y eta < 1; the kink at eta = 1/y = y
        violated, met = (zero, -y, Fraction(1)), (zero, zero, zero)
        return (y,), ((violated, met) if y > 0 else (met, violated))

    def derivative(self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        m = y * eta
        at_kink = np.abs(m - 1) <= tol
        g = np.where(m < 1, -y, 0.0)
        return np.where(at_kink, np.minimum(-y, 0.0), g), np.where(at_kink, np.maximum(-y, 0.0), g)


class SquaredHingeLoss(Loss):
    """``L(w, b) = sum_i s_i * max(0, 1 - y_i (x_i^T w + b))^2``, labels in {-1, +1}.

    scikit-learn's ``LinearSVC(loss="squared_hinge", C)`` (its default) minimizes
    ``1/2 ||w||^2 + C * L``: ``SquaredL2()`` at ``lam = 1/C`` (without its penalized intercept).
    """

    bounded_below = True
    classification = True
    file_name = "squared_hinge"

    def check_y(self, y: np.ndarray) -> None:
        _check_labels(y, type(self).__name__)

    def terms_expr(self, eta: cp.Expression, y: np.ndarray) -> cp.Expression:
        return cp.square(cp.pos(1 - cp.multiply(y, eta)))

    def terms_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.maximum(0.0, 1 - y * eta) ** 2

    def quadratic_pieces(self, y: Fraction) -> tuple[tuple[Fraction, ...], tuple[Piece, ...]]:
        zero = Fraction(0)  # (1 - y eta)^2 = eta^2 - 2 y eta + 1 where y eta < 1 (y^2 = 1)
        violated, met = (Fraction(2), -2 * y, Fraction(1)), (zero, zero, zero)
        return (y,), ((violated, met) if y > 0 else (met, violated))

    def derivative(self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        g = -2 * y * np.maximum(0.0, 1 - y * eta)
        return g, g

    def second_derivative(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return 2.0 * (y * eta < 1)

    def conjugate_sum(self, rho: np.ndarray, y: np.ndarray, sw: np.ndarray) -> float:
        # l*(rho) = u + u^2/4 with u = rho y <= 0 (infinite for u > 0).
        u = np.minimum(rho * y, 0.0)
        return float(sw @ (u + u**2 / 4))


class PoissonLoss(Loss):
    """``L(w, b) = sum_i s_i * (exp(x_i^T w + b) - y_i (x_i^T w + b))``, counts ``y_i >= 0``.

    The Poisson negative log-likelihood with log link, without the ``log(y_i!)`` constant.
    """

    bounded_below = True
    strictly_convex = True
    file_name = "poisson"

    def check_y(self, y: np.ndarray) -> None:
        if np.any(y < 0):
            raise invalid("y", "PoissonLoss", "an array of counts >= 0", f"minimum {float(np.min(y)):g}", raw=True)

    def recession(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # exp(eta_i) - y_i eta_i: a count of 0 lets eta_i fall for ever (exp -> 0); a positive one does not.
        zero = y == 0
        return np.where(zero, -np.inf, 0.0), np.zeros(len(y)), np.where(zero, -1.0, 0.0)

    def recession_reason(self) -> str:
        return "the samples that can move have counts of 0, whose fitted mean exp(eta) can fall towards 0"

    def terms_expr(self, eta: cp.Expression, y: np.ndarray) -> cp.Expression:
        return cp.exp(eta) - cp.multiply(y, eta)

    def terms_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.exp(eta) - y * eta

    def derivative(self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        g = np.exp(eta) - y
        return g, g

    def second_derivative(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.exp(eta)
