"""The loss protocol: the base class every data-fitting loss derives from."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, ClassVar

import cvxpy as cp
import numpy as np
from scipy.optimize import minimize_scalar

from cvxreg._protocol import LOSS_NAMES, MULTICLASS, capabilities, forget_stale_facts, optional, supports
from cvxreg._validation import Data, SameByParameters, check_choice, fmt_number, own_parameters
from cvxreg.errors import NotSupportedError

#: One piece of a piecewise-quadratic per-sample term: ``(a, c, e)`` for ``a eta^2 / 2 + c eta + e``.
Piece = tuple[Fraction, Fraction, Fraction]

__all__ = ["Loss"]


class Loss(SameByParameters):
    """Base class: ``L(w, b) = c * sum_i s_i * l(eta_i, y_i)`` with ``c = 1`` or ``1/sum(s)``.

    The loss protocol. Required: the per-sample term twice, ``terms_expr`` (CVXPY) and
    ``terms_value`` (NumPy), and its (sub)derivative in ``eta`` as an interval
    (``derivative``), which the certificates use. Optional (``NotSupportedError`` where
    unknown): ``conjugate_sum`` (duality gaps) and ``epigraph_pieces`` (piecewise-linear
    losses). Facts: ``least_squares`` (the term is ``(y - eta)^2 / 2``, so the closed forms of
    least squares apply), ``strictly_convex`` (in ``eta``),
    ``classification`` (labels in {-1, +1}) and ``file_name`` (its name in problem files).

    Parameters
    ----------
    scale : {"sum", "mean"}, default "sum"
        ``"mean"`` divides the sum by ``n`` (by ``sum(s)`` with sample weights).
    """

    classification: ClassVar[bool] = False
    least_squares: ClassVar[bool] = False
    strictly_convex: ClassVar[bool] = False
    file_name: ClassVar[str | None] = None
    #: ``k`` with ``L(a eta, a y) = a^k L'(eta, y)``, ``L'`` having the parameters named in
    #: ``y_units`` divided by ``a`` (None: ``y`` is not a measurement, e.g. labels or counts).
    y_degree: ClassVar[int | None] = None
    y_units: ClassVar[tuple[str, ...]] = ()
    #: Every per-sample term is bounded below (in ``eta``, for every label) and defined for every
    #: ``eta``: the loss never runs to -inf and has no domain to leave, so a solver's "unbounded"
    #: (or "infeasible", without constraints) is a numerical failure. Built-in losses say so.
    bounded_below: ClassVar[bool] = False
    #: On a loss of K classes: the two-class loss it extends (a classifier then fits it when
    #: there are more than two classes, instead of one class against the rest).
    binary: ClassVar[type | None] = None
    #: Coefficients are a (d, K) matrix, one column per class (``MultinomialLogisticLoss``).
    multi_output: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        LOSS_NAMES.add(cls)
        if cls.__dict__.get("binary") is not None:
            MULTICLASS[cls.__dict__["binary"]] = cls
        forget_stale_facts(cls, Loss, ("terms_expr", "terms_value"))

    def supports(self, hook: str) -> bool:
        """Whether this loss answers the optional method ``hook`` (``"prox"``,
        ``"dual_norm"``, ...), known from its class before any call."""
        return supports(type(self), hook)

    def capabilities(self) -> frozenset[str]:
        """Every optional method of the protocol this loss answers."""
        return capabilities(type(self))

    def __init__(self, *, scale: str = "sum") -> None:
        self.scale = check_choice(scale, "scale", type(self).__name__, ("sum", "mean"))

    # -- the per-sample term, to be defined by subclasses ---------------------------
    def terms_expr(self, eta: cp.Expression, y: np.ndarray) -> cp.Expression:
        """The per-sample terms ``l(eta_i, y_i)`` as a CVXPY expression."""
        raise NotSupportedError(f"{type(self).__name__} does not define terms_expr.")

    def terms_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The per-sample terms ``l(eta_i, y_i)`` in NumPy."""
        raise NotSupportedError(f"{type(self).__name__} does not define terms_value.")

    @optional
    def derivative(self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Interval ``[lo, hi]`` of the per-sample (sub)derivative ``d l / d eta``.

        Kinks closer than ``tol`` count as reached, so a numerical solution gets the
        whole subdifferential there.
        """
        raise NotSupportedError(f"{type(self).__name__} does not define derivative.")

    @optional
    def probability(self, eta: np.ndarray) -> np.ndarray:
        """For a loss that is the negative log-likelihood of the labels: the probability of the
        positive class at ``eta`` (of each class, by rows, for a loss of K classes). Classifiers
        give ``predict_proba`` only where it is defined."""
        raise NotSupportedError(f"{type(self).__name__} does not model a probability.")

    @optional
    def mirrored(self) -> Loss:
        """The loss with its asymmetry reversed (``QuantileLoss(tau)`` -> ``QuantileLoss(1 - tau)``),
        when it has one: the exercises name the mistake of swapping the two sides."""
        raise NotSupportedError(f"{type(self).__name__} has no asymmetry to reverse.")

    def multiclass(self) -> Loss:
        """The loss of K classes that extends this two-class loss (same ``scale``)."""
        if type(self) not in MULTICLASS:
            raise NotSupportedError(f"{type(self).__name__} has no loss of K classes; fit one class against the rest.")
        return MULTICLASS[type(self)](scale=self.scale)

    @optional
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

    @optional
    def polish(self, problem: Any, data: Data, result: Any) -> Any:
        """The exact answer of ``problem`` near ``result`` by a route of this loss's own (a
        ``Result``, or None when it fails); ``NotSupportedError`` where the loss has none and
        the general polish applies."""
        raise NotSupportedError(f"{type(self).__name__} has no polish of its own.")

    @optional
    def conjugate_sum(self, rho: np.ndarray, y: np.ndarray, sw: np.ndarray) -> float:
        """``sum_i s_i l_i*(rho_i)``, with ``l_i*`` the convex conjugate of ``eta -> l(eta, y_i)``."""
        raise NotSupportedError(f"The conjugate of {self!r} is not known, so no duality gap.")

    @optional
    def recession(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per sample, ``(lo, hi, strict)``: moving ``eta_i`` by ``s * delta_i`` with ``delta_i``
        in ``[lo_i, hi_i]`` never makes the term grow as ``s -> inf``, and ``strict_i * delta_i
        > 0`` lowers it for ever without reaching its infimum (``cvxreg.existence``). Losses
        that attain their infimum whenever bounded below (polynomial or piecewise-linear
        terms) raise ``NotSupportedError``: nothing can run off."""
        raise NotSupportedError(f"{self!r} attains its infimum whenever it is bounded below.")

    def recession_reason(self) -> str:
        """What a direction found by ``recession`` means for this loss, in words."""
        return f"{self!r} keeps decreasing along a direction of the coefficients"

    def intercept_only(self, y: np.ndarray, sample_weight: np.ndarray | None = None) -> float:
        """The ``b`` minimizing ``L(0, b)`` (the intercept fitted with every coefficient at 0)."""
        n = len(y)
        res = minimize_scalar(lambda b: self.value(np.zeros((n, 1)), y, np.zeros(1), b, sample_weight), tol=1e-14)
        b = float(res.x)
        if not supports(type(self), "second_derivative"):
            return b
        # Brent on the values finds b to about sqrt(eps) only; Newton on the derivative then gives
        # it to rounding (so lambda_max agrees however the data are summed: in memory, by blocks).
        s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        for _ in range(20):
            eta = np.full(n, b)
            g = float(s @ self.derivative(eta, y)[0])
            h = float(s @ self.second_derivative(eta, y))
            if not (h > 0 and math.isfinite(g)):
                break
            step = g / h
            b -= step
            if abs(step) <= 4 * np.finfo(float).eps * max(1.0, abs(b)):
                break
        return b

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

    @optional
    def reduced_model(self, data: Data, u: cp.Expression, fit_intercept: bool) -> cp.Expression:
        """The loss as a CVXPY expression of ``u = [w, b]`` (``u = w`` without an intercept) whose
        size does not grow with ``n``, when the loss has one (``NotSupportedError`` otherwise)."""
        raise NotSupportedError(f"{type(self).__name__} has no reduced model.")

    @optional
    def quadratic_pieces(self, y: Fraction) -> tuple[tuple[Fraction, ...], tuple[Piece, ...]]:
        """The per-sample term as a function of ``eta``, exactly, for a loss that is piecewise
        quadratic: ``(kinks, pieces)``, the points where its formula changes in increasing order
        and one ``(a, c, e)`` per interval between them (one more than the kinks), the term being
        ``a eta^2 / 2 + c eta + e`` there. ``y`` and the loss's parameters are read as exact
        rationals (``cvxreg._rational.rational``). Exact answers (``cvxreg.exact``) need it."""
        raise NotSupportedError(f"{type(self).__name__} is not piecewise quadratic: no exact answer.")

    @optional
    def check_slopes(self) -> tuple[float, float]:
        """``(a, b)`` with the per-sample term ``a max(r, 0) + b max(-r, 0)`` of the residual
        ``r = y - eta`` (absolute and quantile losses): what the direct LP needs.
        ``NotSupportedError`` for other losses."""
        raise NotSupportedError(f"{type(self).__name__} is not a two-slope loss of the residual.")

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
