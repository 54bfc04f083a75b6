"""The group lasso (and any sum of Euclidean norms over blocks) for small dense least squares:
block coordinate descent on the ``d x d`` Gram model, compiled.

``1/2 w'Gw - q'w + lam sum_g c_g ||w_g||_2`` (``G``, ``q`` as in ``engine._gram``, centred by
the weights when there is an intercept) is minimized block by block, each block taking the
proximal-gradient step of its own curvature ``L_g`` (the largest eigenvalue of ``G_gg``), as
celer and skglm do. The caller polishes the answer on its support (Newton steps: the penalty is
smooth off its zero blocks) and certifies it on the data.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import numpy as np

from cvxreg._validation import Data
from cvxreg.engine._gram import GramModel, gram_applies_to_data
from cvxreg.errors import NotSupportedError
from cvxreg.result import Result, Status

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["group_applies", "solve_group"]


def _blocks(problem: Problem, d: int) -> list[tuple[np.ndarray, float]] | None:
    try:
        blocks = problem.penalty.blocks(d)
    except NotSupportedError:
        return None
    seen = np.zeros(d, dtype=bool)
    for idx, _ in blocks:
        if np.any(seen[idx]):
            return None  # overlapping blocks: not a partition
        seen[idx] = True
    return blocks if np.all(seen) else None


def group_applies(problem: Problem, data: Data) -> bool:
    if problem.form.param_name != "lam" or not problem.loss.least_squares:
        return False
    if problem.bounds is not None or problem.constraints or not gram_applies_to_data(data):
        return False
    return _blocks(problem, data.d) is not None


def solve_group(problem: Problem, data: Data, *, tol: float = 1e-12) -> Result | None:
    """The minimizer to a block move of ``tol`` (relative), or None when it did not get there."""
    from cvxreg.engine._kernels import group_bcd_gram

    began = time.perf_counter()
    blocks = _blocks(problem, data.d)
    assert blocks is not None
    model = GramModel.moments_only(problem, data)
    G, q = model.G, model.q
    starts = np.zeros(len(blocks) + 1, dtype=np.int64)
    starts[1:] = np.cumsum([len(idx) for idx, _ in blocks])
    idx = np.concatenate([b[0] for b in blocks]).astype(np.int64)
    lam = float(problem.form.param_value)
    thresholds = lam * np.array([c for _, c in blocks])
    L = np.array([float(np.linalg.eigvalsh(G[np.ix_(b, b)])[-1]) for b, _ in blocks])
    w = np.zeros(data.d)
    scale = max(float(np.max(np.abs(q), initial=0.0)), 1e-300)
    sweeps = group_bcd_gram(G, q, starts, idx, thresholds, L, w, tol * scale, 100_000)
    if sweeps < 0 or not np.all(np.isfinite(w)):
        return None
    intercept = model.y_mean - float(w @ model.x_mean) if problem.fit_intercept else 0.0
    return Result(
        coef=w, intercept=intercept, objective=math.nan, status=Status.OPTIMAL, solver="cvxreg-bcd",
        setup_time=0.0, solve_time=time.perf_counter() - began, iterations=int(sweeps),
        feature_names=data.feature_names, model="engine", classes=data.classes,
    )  # fmt: skip
