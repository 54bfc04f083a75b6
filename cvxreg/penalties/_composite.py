"""Several penalties at once: ``WeightedSum`` (one regularizer ``sum_k c_k R_k`` with fixed
weights) and ``Composite`` (the terms kept apart, each with its own ``lam_k`` or ``t_k``).

``Problem(loss, Composite(L1(), TotalVariation()), Penalized(lam=[l1, l2]))`` minimizes
``L + l1 ||w||_1 + l2 TV(w)`` with both lam's DPP parameters; ``Constrained(t=[t1, t2])``
bounds each term by its own ``t_k`` and ``Result.dual`` holds one multiplier per term. The
stationarity condition of either is that of ``WeightedSum(terms, weights)`` with the lam's (or
the multipliers) as weights, which is how certificates and polishing see a composite.
"""

from __future__ import annotations

from typing import Any

import cvxpy as cp
import numpy as np

from cvxreg._protocol import PENALTY_NAMES
from cvxreg._validation import invalid
from cvxreg.errors import NotSupportedError
from cvxreg.penalties._base import Penalty, snap_to_kinks
from cvxreg.penalties._column_units import in_units

__all__ = ["Composite", "WeightedSum"]


def _terms(penalties: Any, owner: str) -> tuple[Penalty, ...]:
    allowed = "two or more cvxreg penalties (L1(), SquaredL2(), TotalVariation(), ...), none of them Composite"
    items = tuple(penalties)
    if len(items) < 2 or not all(isinstance(p, Penalty) and not isinstance(p, Composite) for p in items):
        raise invalid("penalties", owner, allowed, list(items))
    return items


def _terms_in_units(terms: tuple[Penalty, ...], scale: np.ndarray) -> list[Penalty]:
    """Each term with its coefficients in the units ``scale``: rewritten where every term can
    be; else, for scales >= 1 only (large columns), the others read as ``R(v / scale)``."""
    try:
        return [p.columns_rescaled(scale) for p in terms]
    except NotSupportedError:
        if np.any(np.asarray(scale) < 1.0):
            raise
        return [in_units(p, scale) for p in terms]


class _Terms(Penalty):
    """A penalty made of others (``terms``): what is true of it because it is true of each."""

    terms: tuple[Penalty, ...]

    def supports(self, hook: str) -> bool:
        # What holds of the sum because it holds of each term: every term must answer it.
        return super().supports(hook) and all(p.supports(hook) for p in self.terms)

    def capabilities(self) -> frozenset[str]:
        return frozenset(h for h in super().capabilities() if self.supports(h))

    def nonconvex_reason(self) -> str | None:
        return next((r for p in self.terms if (r := p.nonconvex_reason()) is not None), None)

    def bounded_below(self) -> bool:
        return all(p.bounded_below() for p in self.terms)

    def placeholder_dim(self) -> int:
        return max(p.placeholder_dim() for p in self.terms)

    def check_dim(self, d: int) -> None:
        for p in self.terms:
            p.check_dim(d)


def _is_ridge(p: Penalty) -> bool:
    """``R(w) = 1/2 ||w||^2`` exactly (its constrained form is a Euclidean ball of radius sqrt(2t))."""
    try:
        ball = p.euclidean_ball(1.0)
    except NotSupportedError:
        return False
    return ball is not None and ball[0] == "half_squared_norm"


class WeightedSum(_Terms):
    """``R(w) = sum_k c_k R_k(w)``: one regularizer made of several, with fixed weights.

    Its subdifferential is the weighted sum of the terms' (all terms are finite convex
    functions), so certificates, lam_max for separable terms and polishing follow from the
    terms. Use ``Composite`` when each term should have its own parameter.

    Parameters
    ----------
    penalties : sequence of Penalty
        Two or more penalties ``R_k``.
    weights : sequence of float
        One weight ``c_k >= 0`` per penalty.
    """

    def __init__(self, penalties: Any, weights: Any) -> None:
        self.terms = _terms(penalties, "WeightedSum")
        allowed = f"{len(self.terms)} finite numbers >= 0 (one per penalty)"
        try:
            c = np.asarray(weights, dtype=float).ravel()
        except (TypeError, ValueError):
            raise invalid("weights", "WeightedSum", allowed, weights) from None
        if c.shape != (len(self.terms),) or not np.all(np.isfinite(c)) or np.any(c < 0):
            raise invalid("weights", "WeightedSum", allowed, weights)
        c.setflags(write=False)
        self.weights = c
        self.separable = all(p.separable for p in self.terms)  # type: ignore[misc]

    def _params(self) -> dict[str, Any]:
        return {"": f"[{', '.join(repr(p) for p in self.terms)}]", "weights": self.weights}

    def rescaled(self, a: float) -> tuple[Penalty, Any]:
        # sum_k c_k R_k(a v) = sum_k c_k f_k R_k'(v) = f (sum_k (c_k f_k / f) R_k'(v)), f the largest f_k
        pairs = [p.rescaled(a) for p in self.terms]
        f = np.array([fk for _, fk in pairs], dtype=float)
        top = float(np.max(f))
        return WeightedSum([p for p, _ in pairs], self.weights * f / top), top

    def columns_rescaled(self, scale: np.ndarray) -> Penalty:
        return WeightedSum(_terms_in_units(self.terms, scale), self.weights)

    def _active(self) -> list[tuple[float, Penalty]]:
        return [(float(c), p) for c, p in zip(self.weights, self.terms, strict=True) if c > 0]

    def expr(self, w: cp.Expression) -> cp.Expression:
        return sum((c * p.expr(w) for c, p in zip(self.weights, self.terms, strict=True)), cp.Constant(0.0))

    def value(self, w: np.ndarray) -> float:
        return float(sum(c * p.value(w) for c, p in self._active()))

    @property
    def strictly_convex(self) -> bool:
        return any(p.strictly_convex for _, p in self._active())

    def prox(self, v: np.ndarray, step: float) -> np.ndarray:
        # A ridge term r/2 ||u||^2 folds into the quadratic: argmin 1/2||u - v||^2 + step(c R(u) +
        # r/2 ||u||^2) = prox_{(step c / s) R}(v / s) with s = 1 + step r. So one other term at most.
        v = np.asarray(v, dtype=float)
        ridge, others = 0.0, []
        for c, p in self._active():
            if _is_ridge(p):
                ridge += c
            else:
                others.append((c, p))
        if len(others) > 1:
            raise NotSupportedError(f"No closed-form proximal map is known for {self!r} (two terms besides ridge).")
        s = 1.0 + step * ridge
        return v / s if not others else others[0][1].prox(v / s, step * others[0][0] / s)

    def subdifferential(self, w: np.ndarray, tol: float) -> tuple[cp.Expression, list[cp.Constraint]]:
        total: cp.Expression = cp.Constant(np.zeros(len(w)))
        cons: list[cp.Constraint] = []
        for c, p in self._active():
            v, more = p.subdifferential(w, tol)
            total, cons = total + c * v, cons + more
        return total, cons

    def one_sided_derivative(self, w: np.ndarray, side: int) -> np.ndarray:
        w = np.asarray(w, dtype=float)
        return sum((c * p.one_sided_derivative(w, side) for c, p in self._active()), np.zeros(len(w)))

    def subdifferential_distance(self, w: np.ndarray, u: np.ndarray, tol: float) -> float:
        if not self.separable:
            raise NotSupportedError(f"No NumPy subdifferential distance is known for {self!r}.")
        # Separable terms: the sum's subdifferential is, per coordinate, the interval between
        # the summed one-sided derivatives.
        w = snap_to_kinks(self, w, tol)
        lo, hi = self.one_sided_derivative(w, -1), self.one_sided_derivative(w, +1)
        return float(np.linalg.norm(u - np.clip(u, lo, hi)))

    def dual_norm(self, z: np.ndarray) -> float:
        if not self.separable:
            raise NotSupportedError(f"No dual norm is known for {self!r}, so lam_max is not available.")
        origin = np.zeros(len(z))
        lo, hi = self.one_sided_derivative(origin, -1), self.one_sided_derivative(origin, +1)
        # lam [lo, hi] contains z_j for every j: lam >= z_j / hi_j (z_j > 0), z_j / lo_j (z_j < 0).
        z = np.asarray(z, dtype=float)
        need = np.zeros(len(z))
        for j in np.flatnonzero(z != 0):
            edge = hi[j] if z[j] > 0 else lo[j]
            need[j] = z[j] / edge if edge != 0 else np.inf
        return float(np.max(need, initial=0.0))

    def zero_violation(self, z: np.ndarray, lam: float) -> np.ndarray:
        if not self.separable:
            raise NotSupportedError(f"No coordinate-wise optimality test at zero is known for {self!r}.")
        origin = np.zeros(len(z))
        lo, hi = lam * self.one_sided_derivative(origin, -1), lam * self.one_sided_derivative(origin, +1)
        return np.abs(z - np.clip(z, lo, hi))

    def zero_pattern(self, w: np.ndarray, tol: float) -> np.ndarray:
        out = np.zeros(len(w), dtype=bool)
        for _, p in self._active():
            out |= p.zero_pattern(w, tol)
        return out

    def gradient(self, w: np.ndarray) -> np.ndarray:
        return sum((c * p.gradient(w) for c, p in self._active()), np.zeros(len(w)))

    def curvature(self, w: np.ndarray, free: np.ndarray) -> np.ndarray:
        k = int(np.count_nonzero(free))
        return sum((c * p.curvature(w, free) for c, p in self._active()), np.zeros((k, k)))

    def restrict(self, mask: np.ndarray) -> Penalty:
        return WeightedSum([p.restrict(mask) for p in self.terms], self.weights)

    def as_generalized_lasso(self, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows, cs, Q = [np.zeros((0, d))], [np.zeros(0)], np.zeros((d, d))
        for c, p in self._active():
            D_k, c_k, Q_k = p.as_generalized_lasso(d)
            rows.append(D_k)
            cs.append(c * c_k)
            Q = Q + c * Q_k
        return np.vstack(rows), np.concatenate(cs), Q

    def penalized(self, d: int) -> np.ndarray:
        out = np.zeros(d, dtype=bool)
        for _, p in self._active():
            out |= p.penalized(d)
        return out


class Composite(_Terms):
    """Several penalties, each with its own parameter: ``R(w) = (R_1(w), ..., R_k(w))``.

    ``Penalized(lam=[lam_1, ..., lam_k])`` minimizes ``L(w, b) + sum_k lam_k R_k(w)``;
    ``Constrained(t=[t_1, ..., t_k])`` minimizes ``L(w, b)`` subject to ``R_k(w) <= t_k`` for
    every k, and ``Result.dual`` is the array of the k multipliers. Each lam or t is one entry
    of a DPP parameter vector, so new values re-solve without compiling again. ``value(w)``
    is the array of the k term values. The seed formulation ``lam1 ||w||_1 + lam2 ||w||_2^2``
    is ``Composite(L1(), SquaredL2())`` with ``lam = [lam1, 2 lam2]``.

    Parameters
    ----------
    *penalties : Penalty
        Two or more penalties (not themselves Composite).
    """

    file_name = "composite"

    def __init__(self, *penalties: Penalty) -> None:
        self.terms = _terms(penalties, "Composite")

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Penalty:
        """``{"terms": [...]}``: two or more penalty names, or tables ``{name = ..., <its params>}``."""
        terms = params.get("terms")
        if set(params) != {"terms"} or not isinstance(terms, list) or len(terms) < 2:
            raise invalid("penalty_params", "Composite", "{terms = [...]}: two or more penalty names or tables", params)
        names = sorted(n for n, c in PENALTY_NAMES.items() if not issubclass(c, Composite))
        out = []
        for item in terms:
            table = {"name": item} if isinstance(item, str) else item
            if not isinstance(table, dict) or table.get("name") not in names:
                raise invalid("penalty_params.terms", "Composite", f"names among {names}", item)
            out.append(PENALTY_NAMES[table["name"]].from_params({k: v for k, v in table.items() if k != "name"}))
        return cls(*out)

    @property
    def n_terms(self) -> int:
        return len(self.terms)

    def parts(self) -> tuple[Penalty, ...]:
        return self.terms

    def _params(self) -> dict[str, Any]:
        return {"": ", ".join(repr(p) for p in self.terms)}

    def expr(self, w: cp.Expression) -> cp.Expression:
        return cp.hstack([cp.reshape(p.expr(w), (1,), order="F") for p in self.terms])

    def value(self, w: np.ndarray) -> np.ndarray:  # type: ignore[override]
        return np.array([p.value(w) for p in self.terms], dtype=float)

    def rescaled(self, a: float) -> tuple[Penalty, Any]:
        pairs = [p.rescaled(a) for p in self.terms]
        return Composite(*(p for p, _ in pairs)), np.array([f for _, f in pairs], dtype=float)

    def columns_rescaled(self, scale: np.ndarray) -> Penalty:
        return Composite(*_terms_in_units(self.terms, scale))

    def weighted(self, weights: Any) -> tuple[Penalty, float]:
        return WeightedSum(self.terms, np.nan_to_num(np.asarray(weights, dtype=float))), 1.0

    def prox(self, v: np.ndarray, step: Any) -> np.ndarray:
        """The prox of ``sum_k step_k R_k`` (``step`` one number per term, or one for all):
        ``WeightedSum``'s."""
        steps = np.broadcast_to(np.asarray(step, dtype=float), (len(self.terms),))
        return WeightedSum(self.terms, steps).prox(v, 1.0)

    def dual_norm(self, z: np.ndarray) -> float:
        raise NotSupportedError(
            f"{self!r} has one lam per term, so there is no single lam_max; fix the terms' ratios with "
            "WeightedSum(terms, weights) to get the lam_max of that one-parameter family."
        )

    def restrict(self, mask: np.ndarray) -> Penalty:
        return Composite(*(p.restrict(mask) for p in self.terms))

    def penalized(self, d: int) -> np.ndarray:
        out = np.zeros(d, dtype=bool)
        for p in self.terms:
            out |= p.penalized(d)
        return out
