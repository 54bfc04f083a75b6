"""A whole elastic-net path of a least-squares loss on its Gram matrix, compiled (numba).

For a least-squares loss on dense data with few columns (the diabetes data, cross-validation
folds), each point of a path is cheap and the Python around it was the cost: about 1 ms per
lam against scikit-learn's 0.1 ms. Here the ``d x d`` model is formed once,

    1/2 w^T G w - q^T w + lam sum_j v_j (r |w_j| + (1 - r)/2 w_j^2),
    G = c X_c^T S X_c,   q = c X_c^T S y_c   (columns and y centred by the weights when there is
                                              an intercept, ``c`` the loss's scale),

and one compiled call walks the whole grid from the largest lam down: coordinate descent,
warm-started from the previous point, until no coordinate moves, then the exact minimizer on
the support found (a linear solve with the signs fixed, kept when its signs agree and every
zero satisfies ``|(G w - q)_j| <= lam v_j r``). The caller certifies every point on the data
itself (``cvxreg.certificates.certify_path``): the reduction computes, the data judge.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from cvxreg._validation import Data
from cvxreg.errors import NotSupportedError

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["GramModel", "gram_applies_to_data", "gram_path", "gram_path_applies"]

#: The Gram route is taken up to this many columns (its setup is ``n d^2`` flops, its memory d^2).
_MAX_D = 300


def gram_applies_to_data(data: Data) -> bool:
    """Dense data with few columns and more rows than columns: the Gram model is small."""
    return data.d <= _MAX_D and data.d <= data.n and isinstance(data.X, np.ndarray)


def gram_path_applies(problem: Problem, data: Data) -> bool:
    if not gram_applies_to_data(data):
        return False
    if not problem.loss.least_squares or problem.bounds is not None or problem.constraints:
        return False
    try:
        problem.penalty.as_elastic_net()
    except NotSupportedError:
        return False
    return True


class GramModel:
    """The ``d x d`` model of a least-squares elastic net on its data, formed once; ``solve``
    runs the compiled iteration over any lams, from any start."""

    def __init__(self, problem: Problem, data: Data) -> None:
        self._data_part(problem, data)
        net = problem.penalty.as_elastic_net()
        v = net.factor_vector(data.d)
        r = float(net.l1_ratio)
        self.l1, self.l2 = r * v, (1.0 - r) * v

    @classmethod
    def moments_only(cls, problem: Problem, data: Data) -> GramModel:
        """The data's part alone (``G``, ``q``, the means), for penalties of other kinds."""
        model = cls.__new__(cls)
        model._data_part(problem, data)
        return model

    def _data_part(self, problem: Problem, data: Data) -> None:
        c = 1.0 / problem.loss.weight_total(data.n, data.sample_weight)
        # The data's part is the same for every lam, t and penalty: formed once per data set.
        G, q, self.x_mean, self.y_mean = data.derived(
            ("gram model", problem.fit_intercept), lambda: _moments(data, problem.fit_intercept)
        )
        self.G, self.q = c * G, c * q

    def solve(self, lams: np.ndarray, start: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray] | None:
        """``(coefs, intercepts)`` at every lam (any order), or None when a point did not settle."""
        from cvxreg.engine._kernels import enet_gram_path

        lams = np.asarray(lams, dtype=float)
        order = np.argsort(-lams, kind="stable")
        w0 = np.zeros(len(self.q)) if start is None else np.array(start, dtype=float)
        try:
            W, ok = enet_gram_path(self.G, self.q, np.ascontiguousarray(lams[order]), self.l1, self.l2, w0)
        except np.linalg.LinAlgError:  # a singular support (duplicated columns at lam = 0, say)
            return None
        if not ok:
            return None
        coefs = np.empty_like(W)
        coefs[order] = W
        return coefs, self.y_mean - coefs @ self.x_mean


def _moments(data: Data, fit_intercept: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """``(X_c^T S X_c, X_c^T S y_c, column means, mean of y)``, centred by the weights when there
    is an intercept (centring first: no cancellation for data far from zero)."""
    from cvxreg.polish import _controller

    s, X, y = data.weights, data.X, data.y
    if fit_intercept:
        total = float(s.sum())
        x_mean, y_mean = (s @ X) / total, float(s @ y) / total
        Xc, yc = X - x_mean, y - y_mean
    else:
        x_mean, y_mean, Xc, yc = np.zeros(data.d), 0.0, X, y
    SX = Xc if data.sample_weight is None else s[:, None] * Xc
    with _controller().limit(limits=os.cpu_count() or 1, user_api="blas"):  # n d^2: every core pays
        G = Xc.T @ SX
    return G, SX.T @ yc, x_mean, y_mean


def gram_path(problem: Problem, data: Data, lams: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``(coefs, intercepts)`` at every lam of ``lams`` (any order), or None when the compiled
    iteration did not settle somewhere (the caller then takes its general route)."""
    return GramModel(problem, data).solve(lams)
