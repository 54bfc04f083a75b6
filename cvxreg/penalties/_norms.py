"""Norms over groups and differences: GroupLasso, TotalVariation."""

from __future__ import annotations

import collections
import math
from collections.abc import Sequence
from typing import Any

import cvxpy as cp
import numpy as np
import scipy.sparse as sp

from cvxreg._validation import check_factors, invalid
from cvxreg.closed_forms import (
    group_soft_threshold,
)
from cvxreg.errors import NotSupportedError
from cvxreg.penalties._base import Penalty, l1_subdifferential
from cvxreg.penalties._lp import ball_distance, norm2_hessian

__all__ = ["GroupLasso", "TotalVariation"]


def _parse_groups(groups: Any) -> tuple[tuple[int, ...], ...]:
    """Groups as index lists, from either a list of index lists or one label per coefficient."""
    allowed = "a list of index lists, or one group label per coefficient, forming a partition"
    if isinstance(groups, str | bytes) or not isinstance(groups, Sequence | np.ndarray):
        raise invalid("groups", "GroupLasso", allowed, groups)
    items = list(groups)
    if not items:
        raise invalid("groups", "GroupLasso", allowed, groups)
    if all(isinstance(g, Sequence | np.ndarray) and not isinstance(g, str) for g in items):
        out = []
        for g in items:
            idx = list(g)
            if not idx or not all(isinstance(i, int | np.integer) and not isinstance(i, bool) and i >= 0 for i in idx):
                raise invalid("groups", "GroupLasso", allowed + " of non-empty lists of indices >= 0", g)
            out.append(tuple(int(i) for i in idx))
    else:
        if any(isinstance(g, Sequence | np.ndarray) and not isinstance(g, str) for g in items):
            raise invalid("groups", "GroupLasso", allowed, "a mix of lists and labels", raw=True)
        integers = all(isinstance(g, int | np.integer) and not isinstance(g, bool) for g in items)
        if integers and 0 not in items:
            # [20, 30, 10] reads as block sizes to celer's and skglm's users, as labels here.
            raise invalid(
                "groups",
                "GroupLasso",
                "unambiguous: integers without a 0 could be labels or block sizes; write "
                "GroupLasso(sizes=[...]) or GroupLasso(labels=[...])",
                groups,
            )
        out = _label_groups(items)
    flat = [i for g in out for i in g]
    if flat and max(flat) >= _MAX_COEFFICIENTS:
        raise invalid("groups", "GroupLasso", f"indices below {_MAX_COEFFICIENTS:,}", f"index {max(flat):,}", raw=True)
    if len(flat) != len(set(flat)):  # counted once (a count per index would be quadratic)
        counts = collections.Counter(flat)
        dup = sorted(i for i, k in counts.items() if k > 1)[:5]
        raise invalid("groups", "GroupLasso", allowed, f"indices {dup} in more than one group", raw=True)
    return tuple(out)


#: The most coefficients a group structure may cover: checked before its index lists are made.
_MAX_COEFFICIENTS = 10_000_000


def _label_groups(labels: Sequence[Any], name: str = "groups") -> list[tuple[int, ...]]:
    order: dict[Any, list[int]] = {}
    allowed = "one group label per coefficient, each a number (not NaN) or a string"
    for j, lab in enumerate(labels):
        try:
            hash(lab)
        except TypeError:
            raise invalid(name, "GroupLasso", allowed, f"a label of type {type(lab).__name__}", raw=True) from None
        if isinstance(lab, float | np.floating) and math.isnan(lab):  # NaN != NaN: each its own group
            raise invalid(name, "GroupLasso", allowed, "a NaN label", raw=True)
        order.setdefault(lab, []).append(j)
    return [tuple(v) for v in order.values()]


def _groups_from(groups: Any, sizes: Any, labels: Any) -> Any:
    """The one of ``groups``, ``sizes`` and ``labels`` that was given, as index lists or labels."""
    given = [name for name, v in (("groups", groups), ("sizes", sizes), ("labels", labels)) if v is not None]
    if len(given) != 1:
        raise invalid("groups", "GroupLasso", "given exactly one way: groups, sizes or labels", given, raw=True)
    if sizes is not None:
        allowed = "a list of block sizes, integers >= 1"
        items = list(sizes) if isinstance(sizes, Sequence | np.ndarray) and not isinstance(sizes, str) else None
        if not items or not all(isinstance(k, int | np.integer) and not isinstance(k, bool) and k >= 1 for k in items):
            raise invalid("sizes", "GroupLasso", allowed, sizes)
        if sum(int(k) for k in items) > _MAX_COEFFICIENTS:
            allowed = f"block sizes adding up to at most {_MAX_COEFFICIENTS:,} coefficients"
            raise invalid("sizes", "GroupLasso", allowed, f"{sum(int(k) for k in items):,} in all", raw=True)
        stops = np.cumsum(items)
        return [list(range(stop - k, stop)) for k, stop in zip(items, stops, strict=True)]
    if labels is not None:
        if isinstance(labels, str | bytes) or not isinstance(labels, Sequence | np.ndarray) or len(labels) == 0:
            raise invalid("labels", "GroupLasso", "one group label per coefficient", labels)
        return [list(g) for g in _label_groups(list(labels), "labels")]
    return groups


class GroupLasso(Penalty):
    """``R(w) = sum_g c_g ||w_g||_2`` with ``c_g = sqrt(|g|)`` unless ``weights`` are given.

    Parameters
    ----------
    groups : list of index lists, or one label per coefficient
        A partition of the coefficients: ``[[0, 1], [2]]`` or ``[0, 0, 1]``. Integer labels must
        include 0: ``[20, 30, 10]`` is refused as ambiguous (sizes or labels?).
    weights : array-like of shape (n_groups,), optional
        The group weights ``c_g >= 0``; 0 leaves a group unpenalized.
    sizes : list of int, optional
        Consecutive blocks instead: ``sizes=[20, 30, 10]`` is ``[[0..19], [20..49], [50..59]]``
        (celer's and skglm's spelling).
    labels : list, optional
        One group label per coefficient, any hashable labels.
    """

    is_norm = True
    file_name = "group_lasso"

    def __init__(self, groups: Any = None, weights: Any = None, *, sizes: Any = None, labels: Any = None) -> None:
        self.groups = _parse_groups(_groups_from(groups, sizes, labels))
        if weights is None:
            self.weights = np.sqrt([len(g) for g in self.groups])
        else:
            w = check_factors(weights, "GroupLasso", name="weights")
            assert w is not None
            if len(w) != len(self.groups):
                raise invalid(
                    "weights",
                    "GroupLasso",
                    f"None or {len(self.groups)} numbers >= 0 (one per group)",
                    f"{len(w)} weights",
                    raw=True,
                )
            self.weights = w
        self._custom_weights = weights is not None

    def _params(self) -> dict[str, Any]:
        out: dict[str, Any] = {"groups": repr([list(g) for g in self.groups])}
        if self._custom_weights:
            out["weights"] = repr(np.round(self.weights, 12).tolist())
        return out

    def _pairs(self) -> list[tuple[list[int], float]]:
        return [(list(g), float(c)) for g, c in zip(self.groups, self.weights, strict=True)]

    def placeholder_dim(self) -> int:
        return 1 + max(i for g in self.groups for i in g)

    def check_dim(self, d: int) -> None:
        covered = sorted(i for g in self.groups for i in g)
        if covered != list(range(d)):
            missing = sorted(set(range(d)) - set(covered))[:5]
            extra = sorted(set(covered) - set(range(d)))[:5]
            got = f"missing indices {missing}" if missing else f"indices {extra} beyond {d - 1}"
            raise invalid("groups", "GroupLasso", f"a partition of the {d} coefficients 0..{d - 1}", got, raw=True)

    def expr(self, w: cp.Expression) -> cp.Expression:
        # One column-norm atom per group size, not one norm per group: 60000 groups were 60000
        # CVXPY atoms, 40 s to build and check before any solve.
        by_size: dict[int, list[tuple[list[int], float]]] = {}
        for g, c in self._pairs():
            by_size.setdefault(len(g), []).append((g, c))
        terms = []
        for size, items in by_size.items():
            if len(items) == 1:
                (g, c), = items
                terms.append(c * cp.norm2(w[g]))
                continue
            idx = np.concatenate([np.asarray(g, dtype=np.int64) for g, _ in items])  # group by group
            block = cp.reshape(w[idx], (size, len(items)), order="F")  # column k = the k-th group
            terms.append(np.array([c for _, c in items]) @ cp.norm(block, 2, axis=0))
        return cp.sum(cp.hstack([cp.reshape(t, (1,), order="F") for t in terms])) if len(terms) > 1 else terms[0]

    def value(self, w: np.ndarray) -> float:
        w = np.asarray(w, dtype=float)
        return float(sum(c * np.linalg.norm(w[g]) for g, c in self._pairs()))

    def prox(self, v: np.ndarray, step: float) -> np.ndarray:
        return group_soft_threshold(v, step, self.groups, self.weights)

    def blocks(self, d: int) -> list[tuple[np.ndarray, float]]:
        return [(np.asarray(g, dtype=np.int64), float(c)) for g, c in zip(self.groups, self.weights, strict=True)]

    def dual_norm(self, z: np.ndarray) -> float:
        z = np.asarray(z, dtype=float)
        vals = [np.linalg.norm(z[g]) / c for g, c in self._pairs() if c > 0]
        return float(max(vals)) if vals else 0.0

    def dual_norm_expr(self, z: cp.Expression) -> tuple[cp.Expression, list[cp.Constraint]]:
        parts = [cp.norm2(z[g]) / c for g, c in self._pairs() if c > 0]
        return (cp.max(cp.hstack(parts)) if parts else cp.Constant(0.0)), []

    def subdifferential(self, w: np.ndarray, tol: float) -> tuple[cp.Expression, list[cp.Constraint]]:
        u = cp.Variable(len(w))
        cons: list[cp.Constraint] = []
        for g, c in self._pairs():
            ng = np.linalg.norm(w[g])
            cons.append(cp.norm2(u[g]) <= c if ng <= tol else u[g] == c * w[g] / ng)
        return u, cons

    def subdifferential_distance(self, w: np.ndarray, u: np.ndarray, tol: float) -> float:
        w, u = np.asarray(w, dtype=float), np.asarray(u, dtype=float)
        return float(np.sqrt(sum(ball_distance(w[g], u[g], c, tol) ** 2 for g, c in self._pairs())))

    def zero_violation(self, z: np.ndarray, lam: float) -> np.ndarray:
        out = np.zeros(len(z))
        for g, c in self._pairs():
            out[g] = max(float(np.linalg.norm(z[g])) - lam * c, 0.0)
        return out

    def zero_pattern(self, w: np.ndarray, tol: float) -> np.ndarray:
        mask = np.zeros(len(w), dtype=bool)
        for g, c in self._pairs():
            mask[g] = c > 0 and float(np.linalg.norm(w[g])) <= tol
        return mask

    def gradient(self, w: np.ndarray) -> np.ndarray:
        w = np.asarray(w, dtype=float)
        out = np.zeros_like(w)
        for g, c in self._pairs():
            ng = float(np.linalg.norm(w[g]))
            if ng > 0:
                out[g] = c * w[g] / ng
        return out

    def curvature(self, w: np.ndarray, free: np.ndarray) -> np.ndarray:
        w = np.asarray(w, dtype=float)
        position = np.cumsum(free) - 1  # index among the free coefficients
        H = np.zeros((int(np.sum(free)), int(np.sum(free))))
        for g, c in self._pairs():
            if c > 0 and np.any(w[g]) and np.all(np.asarray(free)[g]):
                idx = position[g]
                H[np.ix_(idx, idx)] = c * norm2_hessian(w[g])
        return H

    def restrict(self, mask: np.ndarray) -> Penalty:
        mask = np.asarray(mask, dtype=bool)
        inside = [(g, c) for g, c in self._pairs() if np.all(mask[g])]
        if sum(len(g) for g, _ in inside) != int(mask.sum()):
            raise NotSupportedError(f"{self!r} splits only along whole groups.")
        position = np.cumsum(mask) - 1  # old index -> index among the kept coefficients
        return GroupLasso([[int(position[i]) for i in g] for g, _ in inside], [c for _, c in inside])

    def penalized(self, d: int) -> np.ndarray:
        mask = np.ones(d, dtype=bool)
        for g, c in self._pairs():
            mask[g] = c > 0
        return mask

    def with_extra_coefficient(self) -> Penalty:
        d = self.placeholder_dim()
        groups = [*map(list, self.groups), [d]]
        return GroupLasso(groups, np.r_[self.weights, 1.0] if self._custom_weights else None)


class TotalVariation(Penalty):
    """``R(w) = sum_j |w_{j+1} - w_j|`` (fused lasso, 1-D total variation).

    A seminorm: constant vectors cost nothing, so large ``lam`` gives a constant ``w``, not
    zero. ``dual_norm(z)`` is ``max_k |z_1 + ... + z_k|`` when ``sum(z) = 0``, else ``inf``.
    """

    is_norm = True
    file_name = "total_variation"

    def expr(self, w: cp.Expression) -> cp.Expression:
        if w.size < 2:
            return cp.Constant(0.0)
        return cp.norm1(cp.diff(w))

    def value(self, w: np.ndarray) -> float:
        return float(np.sum(np.abs(np.diff(np.asarray(w, dtype=float)))))

    def as_generalized_lasso(self, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return np.diff(np.eye(d), axis=0), np.ones(max(d - 1, 0)), np.zeros((d, d))

    def dual_norm(self, z: np.ndarray) -> float:
        z = np.asarray(z, dtype=float)
        c = np.cumsum(z)
        if abs(c[-1]) > 1e-10 * max(1.0, float(np.sum(np.abs(z)))):
            return math.inf
        return float(np.max(np.abs(c[:-1]))) if len(c) > 1 else 0.0

    def dual_norm_expr(self, z: cp.Expression) -> tuple[cp.Expression, list[cp.Constraint]]:
        d = z.shape[0]
        if d < 2:
            return cp.Constant(0.0), [cp.sum(z) == 0]
        return cp.norm_inf(cp.cumsum(z)[: d - 1]), [cp.sum(z) == 0]

    def subdifferential(self, w: np.ndarray, tol: float) -> tuple[cp.Expression, list[cp.Constraint]]:
        d = len(w)
        if d < 2:
            return cp.Constant(np.zeros(d)), []
        u, cons = l1_subdifferential(np.diff(w), tol, np.ones(d - 1))
        D = sp.diags([-np.ones(d - 1), np.ones(d - 1)], [0, 1], shape=(d - 1, d))
        return D.T @ u, cons
