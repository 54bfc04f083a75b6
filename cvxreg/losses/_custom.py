"""A loss written by the user as per-sample CVXPY terms."""

from __future__ import annotations

from typing import Any

import cvxpy as cp
import numpy as np

from cvxreg._validation import invalid
from cvxreg.errors import NotSupportedError
from cvxreg.losses._base import Loss

__all__ = ["CustomLoss"]


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
