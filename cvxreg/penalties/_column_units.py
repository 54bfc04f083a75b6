"""A penalty read in other units of its coefficients: ``R'(v) = R(v / D)``, ``D`` one positive
scale per coefficient.

When a column of ``X`` is in units far from the others' (prices in cents beside counts), the
solve divides it by a power of two ``D_j`` and solves for ``v = D w``. A separable penalty
rewrites its factors for that (``Separable.columns_rescaled``); any other one is wrapped here,
and every fact it knows carries over through the chain rule:

- ``dR'(v) = D^{-1} dR(v / D)`` (subdifferential, gradient) and ``D^{-1} H D^{-1}`` (curvature);
- the dual norm ``R'^*(z) = R^*(D z)``: ``sup {z'v : R(v / D) <= 1} = sup {(D z)'u : R(u) <= 1}``;
- a generalized-lasso form ``(M, c, Q)`` becomes ``(M D^{-1}, c, D^{-1} Q D^{-1})``;
- a linear piece ``u = P z`` becomes ``v = D P z``.

A prox or a ball projection does not carry over (a diagonal change of variables is not an
isometry), so the wrapped penalty has none: the solve falls back to CVXPY and the polishes
that need only the facts above.
"""

from __future__ import annotations

from typing import Any

import cvxpy as cp
import numpy as np

from cvxreg.errors import NotSupportedError
from cvxreg.penalties._base import Penalty

__all__: list[str] = []  # made by in_units, not by users


def in_units(penalty: Penalty, scale: Any) -> Penalty:
    """``R(v / scale)``: the penalty's own rewriting (``columns_rescaled``: a separable penalty's
    new factors) where it has one, else ``ColumnUnits``."""
    try:
        return penalty.columns_rescaled(scale)
    except NotSupportedError:
        return ColumnUnits(penalty, scale)


class ColumnUnits(Penalty):
    """``R'(v) = R(v / scale)`` for a penalty ``R`` (``inner``) and one scale per coefficient."""

    def __init__(self, inner: Penalty, scale: Any) -> None:
        scale = np.asarray(scale, dtype=float).ravel()
        if not np.all(np.isfinite(scale)) or np.any(scale <= 0):
            raise NotSupportedError(f"ColumnUnits needs positive finite scales, got {scale!r}.")
        scale.setflags(write=False)
        self.inner, self.scale = inner, scale
        self.is_norm = inner.is_norm  # type: ignore[misc]
        self.degree = inner.degree  # type: ignore[misc]

    def _params(self) -> dict[str, Any]:
        return {"": repr(self.inner), "scale": self.scale}

    def supports(self, hook: str) -> bool:
        return super().supports(hook) and self.inner.supports(hook)

    def capabilities(self) -> frozenset[str]:
        return frozenset(h for h in super().capabilities() if self.inner.supports(h))

    def expr(self, w: cp.Expression) -> cp.Expression:
        return self.inner.expr(cp.multiply(1.0 / self.scale, w))

    def value(self, w: np.ndarray) -> float:
        return self.inner.value(np.asarray(w, dtype=float) / self.scale)

    def dual_norm(self, z: np.ndarray) -> float:
        return self.inner.dual_norm(self.scale * np.asarray(z, dtype=float))

    def dual_norm_expr(self, z: cp.Expression) -> tuple[cp.Expression, list[cp.Constraint]]:
        return self.inner.dual_norm_expr(cp.multiply(self.scale, z))

    def subdifferential(self, w: np.ndarray, tol: float) -> tuple[cp.Expression, list[cp.Constraint]]:
        u, cons = self.inner.subdifferential(np.asarray(w, dtype=float) / self.scale, tol)
        return cp.multiply(1.0 / self.scale, u), cons

    def linear_piece(self, w: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
        P, c = self.inner.linear_piece(np.asarray(w, dtype=float) / self.scale, tol)
        return self.scale[:, None] * P, c  # u = P z is v = D P z

    def zero_pattern(self, w: np.ndarray, tol: float) -> np.ndarray:
        return self.inner.zero_pattern(np.asarray(w, dtype=float) / self.scale, tol)

    def gradient(self, w: np.ndarray) -> np.ndarray:
        return self.inner.gradient(np.asarray(w, dtype=float) / self.scale) / self.scale

    def curvature(self, w: np.ndarray, free: np.ndarray) -> np.ndarray:
        s = self.scale[np.asarray(free, dtype=bool)]
        return self.inner.curvature(np.asarray(w, dtype=float) / self.scale, free) / np.outer(s, s)

    def as_generalized_lasso(self, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        M, c, Q = self.inner.as_generalized_lasso(d)
        return M / self.scale[None, :], c, Q / np.outer(self.scale, self.scale)

    def rescaled(self, a: float) -> tuple[Penalty, Any]:
        inner, f = self.inner.rescaled(a)
        return ColumnUnits(inner, self.scale), f

    def homogeneity(self) -> float | None:
        return self.inner.homogeneity()

    def columns_rescaled(self, scale: np.ndarray) -> Penalty:
        return ColumnUnits(self.inner, self.scale * np.asarray(scale, dtype=float))

    def restrict(self, mask: np.ndarray) -> Penalty:
        mask = np.asarray(mask, dtype=bool)
        return ColumnUnits(self.inner.restrict(mask), self.scale[mask])

    def penalized(self, d: int) -> np.ndarray:
        return self.inner.penalized(d)

    @property
    def strictly_convex(self) -> bool:
        return self.inner.strictly_convex

    def bounded_below(self) -> bool:
        return self.inner.bounded_below()

    def nonconvex_reason(self) -> str | None:
        return self.inner.nonconvex_reason()

    def placeholder_dim(self) -> int:
        return len(self.scale)

    def check_dim(self, d: int) -> None:
        self.inner.check_dim(d)
        if len(self.scale) != d:
            raise NotSupportedError(f"ColumnUnits has {len(self.scale)} scales for {d} coefficients.")
