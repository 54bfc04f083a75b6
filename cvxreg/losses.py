"""Data-fitting losses: a CVXPY expression and its NumPy twin, side by side.

Every loss is a function of the linear predictor ``eta = X @ w + b``. It is a **sum** over
samples by default; ``scale="mean"`` divides by ``n`` (by ``sum(s)`` with sample weights ``s``),
the scaling of scikit-learn's Lasso/ElasticNet and of glmnet.
"""

from __future__ import annotations

from typing import Any, ClassVar

import cvxpy as cp
import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit

from cvxreg._protocol import forget_stale_facts
from cvxreg._validation import Data, SameByParameters, check_choice, check_real, fmt_number, invalid, own_parameters
from cvxreg.errors import NotSupportedError

__all__ = [
    "AbsoluteLoss",
    "CustomLoss",
    "EpsilonInsensitiveLoss",
    "HingeLoss",
    "HuberLoss",
    "LogisticLoss",
    "Loss",
    "PoissonLoss",
    "QuantileLoss",
    "SquaredHingeLoss",
    "SquaredLoss",
]


class Loss(SameByParameters):
    """Base class: ``L(w, b) = c * sum_i s_i * l(eta_i, y_i)`` with ``c = 1`` or ``1/sum(s)``.

    The loss protocol. Required: the per-sample term twice, ``terms_expr`` (CVXPY) and
    ``terms_value`` (NumPy), and its (sub)derivative in ``eta`` as an interval
    (``derivative``), which the certificates use. Optional (``NotSupportedError`` where
    unknown): ``conjugate_sum`` (duality gaps) and ``epigraph_pieces`` (piecewise-linear
    losses). Facts: ``least_squares`` (the term is ``(y - eta)^2 / 2``, so the closed forms of
    least squares apply), ``strictly_convex`` (in ``eta``), ``piecewise_linear``,
    ``classification`` (labels in {-1, +1}) and ``file_name`` (its name in problem files).

    Parameters
    ----------
    scale : {"sum", "mean"}, default "sum"
        ``"mean"`` divides the sum by ``n`` (by ``sum(s)`` with sample weights).
    """

    classification: ClassVar[bool] = False
    piecewise_linear: ClassVar[bool] = False
    least_squares: ClassVar[bool] = False
    strictly_convex: ClassVar[bool] = False
    file_name: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        forget_stale_facts(cls, Loss, ("terms_expr", "terms_value"))

    def __init__(self, *, scale: str = "sum") -> None:
        self.scale = check_choice(scale, "scale", type(self).__name__, ("sum", "mean"))

    # -- the per-sample term, to be defined by subclasses ---------------------------
    def terms_expr(self, eta: cp.Expression, y: np.ndarray) -> cp.Expression:
        """The per-sample terms ``l(eta_i, y_i)`` as a CVXPY expression."""
        raise NotSupportedError(f"{type(self).__name__} does not define terms_expr.")

    def terms_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The per-sample terms ``l(eta_i, y_i)`` in NumPy."""
        raise NotSupportedError(f"{type(self).__name__} does not define terms_value.")

    def derivative(self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Interval ``[lo, hi]`` of the per-sample (sub)derivative ``d l / d eta``.

        Kinks closer than ``tol`` count as reached, so a numerical solution gets the
        whole subdifferential there.
        """
        raise NotSupportedError(f"{type(self).__name__} does not define derivative.")

    def second_derivative(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``d^2 l / d eta^2`` per sample, for losses twice differentiable (almost) everywhere."""
        raise NotSupportedError(f"{type(self).__name__} has no second derivative.")

    def subgradient_set(
        self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0
    ) -> tuple[cp.Expression, list[cp.Constraint]] | None:
        """For a loss of the whole residual whose subdifferential in ``eta`` is not a box of
        per-sample intervals: a CVXPY expression ranging over it (with constraints); None
        where ``derivative`` describes it (every per-sample loss)."""
        return None

    def check_weights(self, sample_weight: np.ndarray | None) -> None:
        """Raise when this loss cannot take ``sample_weight``."""

    def polish(self, problem: Any, data: Data, result: Any) -> Any:
        """The exact answer of ``problem`` near ``result`` by a route of this loss's own (a
        ``Result``, or None when it fails); ``NotSupportedError`` where the loss has none and
        the general polish applies."""
        raise NotSupportedError(f"{type(self).__name__} has no polish of its own.")

    def conjugate_sum(self, rho: np.ndarray, y: np.ndarray, sw: np.ndarray) -> float:
        """``sum_i s_i l_i*(rho_i)``, with ``l_i*`` the convex conjugate of ``eta -> l(eta, y_i)``."""
        raise NotSupportedError(f"The conjugate of {self!r} is not known, so no duality gap.")

    def intercept_only(self, y: np.ndarray, sample_weight: np.ndarray | None = None) -> float:
        """The ``b`` minimizing ``L(0, b)`` (the intercept fitted with every coefficient at 0)."""
        n = len(y)
        res = minimize_scalar(lambda b: self.value(np.zeros((n, 1)), y, np.zeros(1), b, sample_weight), tol=1e-14)
        return float(res.x)

    # -- shared machinery -------------------------------------------------------------
    def check_y(self, y: np.ndarray) -> None:
        """Raise ``InvalidParameterError`` when ``y`` is outside this loss's domain."""

    def weight_total(self, n: int, sample_weight: np.ndarray | None) -> float:
        """The divisor of ``scale="mean"`` (1 for ``"sum"``)."""
        if self.scale == "sum":
            return 1.0
        return float(n if sample_weight is None else np.sum(sample_weight))

    def expr(
        self,
        X: Any,
        y: np.ndarray,
        w: cp.Expression,
        b: cp.Expression | float = 0.0,
        sample_weight: np.ndarray | None = None,
    ) -> cp.Expression:
        """The CVXPY expression of ``L(w, b)``."""
        return self.sum_expr(X @ w + b, y, sample_weight) / self.weight_total(len(y), sample_weight)

    def sum_expr(self, eta: cp.Expression, y: np.ndarray, sample_weight: np.ndarray | None) -> cp.Expression:
        """``sum_i s_i l(eta_i, y_i)`` as a CVXPY expression (before the ``"mean"`` scaling)."""
        terms = self.terms_expr(eta, y)
        return cp.sum(terms) if sample_weight is None else sample_weight @ terms

    def model(
        self, eta: cp.Expression, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> tuple[cp.Expression, list[cp.Constraint]]:
        """``(objective term, constraints)`` that ``Problem`` builds from the linear predictor
        ``eta``: the loss and no constraints, except for piecewise-linear losses, which use an
        explicit epigraph (``epigraph_pieces``)."""
        pieces = self.epigraph_pieces(eta, y)
        total: cp.Expression
        if pieces is None:
            total, constraints = self.sum_expr(eta, y, sample_weight), []
        else:
            # sum_i s_i max_k piece_k,i  as  sum_i s_i t_i  with  t >= every piece.
            t = cp.Variable(len(y), name="loss_epigraph")
            total = cp.sum(t) if sample_weight is None else sample_weight @ t
            constraints = [t >= piece for piece in pieces]
        return total / self.weight_total(len(y), sample_weight), constraints

    def reduced_model(self, data: Data, u: cp.Expression, fit_intercept: bool) -> cp.Expression:
        """The loss as a CVXPY expression of ``u = [w, b]`` (``u = w`` without an intercept) whose
        size does not grow with ``n``, when the loss has one (``NotSupportedError`` otherwise)."""
        raise NotSupportedError(f"{type(self).__name__} has no reduced model.")

    def epigraph_pieces(self, eta: cp.Expression, y: np.ndarray) -> list[cp.Expression] | None:
        """The affine pieces whose maximum is the per-sample term (piecewise-linear losses).

        Written out with an explicit epigraph variable because CVXPY 1.9.3 hands the epigraph
        of ``pos``/``abs`` to some QP solvers (HiGHS, PIQP, ProxQP, DAQP) in a form they solve
        wrongly while reporting "optimal" (found by this project's solver report).
        """
        return None

    def epigraph_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The values the epigraph variables of ``epigraph_pieces`` take at ``eta``: the
        per-sample terms (one variable for a whole-residual loss such as the max)."""
        return self.terms_value(eta, y)

    def value(
        self,
        X: Any,
        y: np.ndarray,
        w: np.ndarray,
        b: float = 0.0,
        sample_weight: np.ndarray | None = None,
    ) -> float:
        """The NumPy value of ``L(w, b)``."""
        eta = np.asarray(X @ np.asarray(w, dtype=float)).ravel() + b
        terms = self.terms_value(eta, np.asarray(y, dtype=float))
        total = np.sum(terms) if sample_weight is None else float(sample_weight @ terms)
        return float(total) / self.weight_total(len(y), sample_weight)

    def _params(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        args = [f"{k}={fmt_number(v)}" for k, v in self._params().items()]
        if self.scale != "sum":
            args.append(f"scale={self.scale!r}")
        args += own_parameters(self, {*self._params(), "scale"})
        return f"{type(self).__name__}({', '.join(args)})"


class SquaredLoss(Loss):
    """``L(w, b) = 1/2 * sum_i s_i * (y_i - x_i^T w - b)^2``.

    With ``scale="mean"`` this is scikit-learn's ``Lasso``/``ElasticNet`` data term
    ``1/(2n) * ||y - Xw - b||^2`` and glmnet's gaussian family.
    """

    least_squares = True
    strictly_convex = True
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

    piecewise_linear = True

    def intercept_kinks(self, y: np.ndarray) -> np.ndarray:
        """The values of ``b`` where ``L(0, b)`` has a kink: its minimum is at one of them."""
        return np.unique(y)

    def intercept_only(self, y: np.ndarray, sample_weight: np.ndarray | None = None) -> float:
        kinks = self.intercept_kinks(y)
        zeros = np.zeros((len(y), 1))
        values = [self.value(zeros, y, np.zeros(1), b, sample_weight) for b in kinks]
        return float(kinks[int(np.argmin(values))])


class AbsoluteLoss(_PiecewiseLinear):
    """``L(w, b) = sum_i s_i * |y_i - x_i^T w - b|`` (least absolute deviations)."""

    file_name = "absolute"

    def terms_expr(self, eta: cp.Expression, y: np.ndarray) -> cp.Expression:
        return cp.abs(y - eta)

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

    file_name = "quantile"

    def __init__(self, tau: float = 0.5, *, scale: str = "sum") -> None:
        super().__init__(scale=scale)
        self.tau = check_real(tau, "tau", "QuantileLoss", lo=0.0, hi=1.0, lo_open=True, hi_open=True)

    def _params(self) -> dict[str, Any]:
        return {"tau": self.tau}

    def terms_expr(self, eta: cp.Expression, y: np.ndarray) -> cp.Expression:
        r = y - eta
        return self.tau * cp.pos(r) + (1 - self.tau) * cp.neg(r)

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

    classification = True
    strictly_convex = True
    file_name = "logistic"

    def check_y(self, y: np.ndarray) -> None:
        _check_labels(y, type(self).__name__)

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

    classification = True
    file_name = "squared_hinge"

    def check_y(self, y: np.ndarray) -> None:
        _check_labels(y, type(self).__name__)

    def terms_expr(self, eta: cp.Expression, y: np.ndarray) -> cp.Expression:
        return cp.square(cp.pos(1 - cp.multiply(y, eta)))

    def terms_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.maximum(0.0, 1 - y * eta) ** 2

    def derivative(self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        g = -2 * y * np.maximum(0.0, 1 - y * eta)
        return g, g

    def second_derivative(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return 2.0 * (y * eta < 1)

    def conjugate_sum(self, rho: np.ndarray, y: np.ndarray, sw: np.ndarray) -> float:
        # l*(rho) = u + u^2/4 with u = rho y <= 0 (infinite for u > 0).
        u = np.minimum(rho * y, 0.0)
        return float(sw @ (u + u**2 / 4))


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


class PoissonLoss(Loss):
    """``L(w, b) = sum_i s_i * (exp(x_i^T w + b) - y_i (x_i^T w + b))``, counts ``y_i >= 0``.

    The Poisson negative log-likelihood with log link, without the ``log(y_i!)`` constant.
    """

    strictly_convex = True
    file_name = "poisson"

    def check_y(self, y: np.ndarray) -> None:
        if np.any(y < 0):
            raise invalid("y", "PoissonLoss", "an array of counts >= 0", f"minimum {float(np.min(y)):g}", raw=True)

    def terms_expr(self, eta: cp.Expression, y: np.ndarray) -> cp.Expression:
        return cp.exp(eta) - cp.multiply(y, eta)

    def terms_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.exp(eta) - y * eta

    def derivative(self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        g = np.exp(eta) - y
        return g, g

    def second_derivative(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.exp(eta)


class CustomLoss(Loss):
    """``L(w, b) = sum_i s_i * fn(eta, y)_i`` for any function building the per-sample terms
    of the linear predictor ``eta = X w + b`` as a CVXPY expression (one term per sample).

    The DCP gate judges it like a ``CustomPenalty``: a loss CVXPY cannot certify convex in
    ``w`` is refused. Its value is the same expression evaluated on constants, and its
    derivative is CVXPY's gradient of the expression where it is differentiable (at a kink
    of a piecewise-linear ``fn`` the certificate sees one subgradient, not the whole set).

    Parameters
    ----------
    fn : callable
        ``fn(eta, y)`` with ``eta`` a CVXPY expression of n entries and ``y`` the targets.
    name : str, optional
        How the loss is shown (default: the function's name).
    scale : {"sum", "mean"}, default "sum"
    """

    def __init__(self, fn: Any, *, name: str | None = None, scale: str = "sum") -> None:
        super().__init__(scale=scale)
        if not callable(fn):
            raise invalid("fn", "CustomLoss", "a callable building per-sample CVXPY terms from (eta, y)", fn)
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "fn")

    def __repr__(self) -> str:
        scale = "" if self.scale == "sum" else f", scale={self.scale!r}"
        return f"CustomLoss({self.name}{scale})"

    def terms_expr(self, eta: cp.Expression, y: np.ndarray) -> cp.Expression:
        try:
            out = self.fn(eta, y)
        except Exception as exc:
            raise invalid(
                "fn", "CustomLoss", "a callable building CVXPY terms from (eta, y)",
                f"{type(exc).__name__} from {self.name}: {exc}", raw=True,
            ) from exc  # fmt: skip
        n = eta.shape[0] if eta.shape else 1
        if not isinstance(out, cp.Expression) or out.size != n:
            shown = f"{type(out).__name__} of size {getattr(out, 'size', '?')} from {self.name}"
            raise invalid("fn", "CustomLoss", f"a callable returning {n} terms (one per sample)", shown, raw=True)
        return cp.reshape(out, (n,), order="F") if out.shape != (n,) else out

    def terms_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.asarray(self.terms_expr(cp.Constant(np.asarray(eta, dtype=float)), y).value, dtype=float).ravel()

    def derivative(self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        var = cp.Variable(len(eta))
        var.value = np.asarray(eta, dtype=float)
        grad = cp.sum(self.terms_expr(var, y)).grad.get(var)
        if grad is None:
            raise NotSupportedError(f"{self!r} is not differentiable at this point.")
        g = np.asarray(grad.todense() if hasattr(grad, "todense") else grad, dtype=float).ravel()
        return g, g
