"""The sorted-L1 norm (SLOPE, OSCAR): a norm that penalizes larger coefficients more."""

from __future__ import annotations

from typing import Any

import cvxpy as cp
import numpy as np

from cvxreg._validation import fmt_number, invalid
from cvxreg.penalties._base import Norm

__all__ = ["SortedL1"]


class SortedL1(Norm):
    """``R(w) = sum_i lam_i |w|_(i)``: the ``i``-th largest ``|w_j|`` weighted by ``lam_i``, with
    ``lam_1 >= lam_2 >= ... >= lam_d >= 0`` and ``lam_1 > 0`` (Bogdan et al. 2015, SLOPE).

    Equal weights give ``lam_1 ||w||_1``; ``lam = (1, 0, ..., 0)`` gives ``||w||_inf``; OSCAR
    (Bondell & Reich 2008) is ``lam_i = a1 + a2 (d - i)``. Its prox sorts ``|v|``, subtracts
    ``step lam`` and projects on the non-increasing non-negative sequences (pool adjacent
    violators), Bogdan et al.'s Algorithm 3; its dual norm is
    ``max_k (sum_{i<=k} |z|_(i)) / (sum_{i<=k} lam_i)``.

    Parameters
    ----------
    weights : array-like of shape (d,)
        The non-increasing weights ``lam_i >= 0``, ``lam_1 > 0``: one per coefficient.
    """

    file_name = "sorted_l1"

    def __init__(self, weights: Any) -> None:
        allowed = "a non-increasing 1-D sequence of finite numbers >= 0, the first > 0"
        try:
            lam = np.array(weights, dtype=float)
        except (TypeError, ValueError):
            raise invalid("weights", "SortedL1", allowed, weights) from None
        ok = lam.ndim == 1 and lam.size > 0 and np.all(np.isfinite(lam)) and np.all(lam >= 0)
        if not ok or lam[0] <= 0 or np.any(np.diff(lam) > 0):
            raise invalid("weights", "SortedL1", allowed, weights)
        lam.setflags(write=False)
        self.weights = lam

    def _params(self) -> dict[str, Any]:
        return {"": "[" + ", ".join(fmt_number(x) for x in self.weights) + "]"}

    def placeholder_dim(self) -> int:
        return len(self.weights)

    def check_dim(self, d: int) -> None:
        if len(self.weights) != d:
            raise invalid("weights", "SortedL1", f"of length {d} (one per coefficient)", f"length {len(self.weights)}")

    def expr(self, w: cp.Expression) -> cp.Expression:
        # sum_i lam_i |w|_(i) = sum_k (lam_k - lam_{k+1}) (sum of the k largest |w_j|), lam_{d+1} = 0.
        steps = self.weights - np.r_[self.weights[1:], 0.0]
        size = cp.abs(w)
        return cp.sum([c * _largest(size, k) for k, c in enumerate(steps, start=1) if c > 0])

    def value(self, w: np.ndarray) -> float:
        return float(np.sort(np.abs(np.asarray(w, dtype=float)))[::-1] @ self.weights)

    def prox(self, v: np.ndarray, step: float) -> np.ndarray:
        v = np.asarray(v, dtype=float)
        order = np.argsort(-np.abs(v), kind="stable")
        target = np.abs(v)[order] - step * self.weights
        # Pool adjacent violators: the closest non-increasing sequence, block by block.
        sums: list[float] = []
        sizes: list[int] = []
        for x in target:
            sums.append(float(x))
            sizes.append(1)
            while len(sums) > 1 and sums[-2] / sizes[-2] <= sums[-1] / sizes[-1]:
                last, count = sums.pop(), sizes.pop()
                sums[-1] += last
                sizes[-1] += count
        fitted = np.repeat([s / n for s, n in zip(sums, sizes, strict=True)], sizes)
        out = np.empty_like(v)
        out[order] = np.maximum(fitted, 0.0)
        return np.sign(v) * out

    def linear_piece(self, w: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
        # Sorted by size, the |w_j| fall into runs of equal size (within tol) and a run at 0. On
        # the face that keeps these runs, w = P z with one size z_g per nonzero run (signs fixed)
        # and R(P z) = sum_g (sum of the weights at the run's ranks) z_g: linear in z.
        w = np.asarray(w, dtype=float)
        order = np.argsort(-np.abs(w), kind="stable")
        size = np.abs(w)[order]
        starts = np.flatnonzero(np.r_[True, size[:-1] - size[1:] > tol])
        P, c = [], []
        for start, stop in zip(starts, np.r_[starts[1:], len(w)], strict=True):
            if size[start] <= tol:  # the run at zero: held there
                break
            column = np.zeros(len(w))
            members = order[start:stop]
            column[members] = np.where(w[members] < 0, -1.0, 1.0)
            P.append(column)
            c.append(float(self.weights[start:stop].sum()))
        return np.array(P).T.reshape(len(w), len(c)), np.array(c)

    def dual_norm(self, z: np.ndarray) -> float:
        size = np.sort(np.abs(np.asarray(z, dtype=float)))[::-1]
        return float(np.max(np.cumsum(size) / np.cumsum(self.weights)))

    def dual_norm_expr(self, z: cp.Expression) -> tuple[cp.Expression, list[cp.Constraint]]:
        total = np.cumsum(self.weights)
        size = cp.abs(z)
        return cp.max(cp.hstack([_largest(size, k) / total[k - 1] for k in range(1, len(total) + 1)])), []


def _largest(x: cp.Expression, k: int) -> cp.Expression:
    """The sum of the ``k`` largest entries of ``x``. For ``k`` = all of them, ``sum``: CVXPY's (1.9)
    ``sum_largest`` then fails to compile once its variables hold values (a warm start: it takes
    the maximum of the empty set of the entries left out)."""
    return cp.sum(x) if k >= x.size else cp.sum_largest(x, k)
