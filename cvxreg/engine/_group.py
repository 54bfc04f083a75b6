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


def _smooth(problem: Problem, data: Data) -> bool:
    try:
        eta, y = np.zeros(1), data.y[:1]
        problem.loss.second_derivative(eta, y)
        problem.loss.derivative(eta, y)
    except NotSupportedError:
        return False
    return not getattr(problem.loss, "multi_output", False)


def group_applies(problem: Problem, data: Data) -> bool:
    if problem.form.param_name != "lam" or not (problem.loss.least_squares or _smooth(problem, data)):
        return False
    if problem.bounds is not None or problem.constraints or not gram_applies_to_data(data):
        return False
    return _blocks(problem, data.d) is not None


def _layout(blocks: list[tuple[np.ndarray, float]], lam: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    starts = np.zeros(len(blocks) + 1, dtype=np.int64)
    starts[1:] = np.cumsum([len(idx) for idx, _ in blocks])
    idx = np.concatenate([b[0] for b in blocks]).astype(np.int64)
    return starts, idx, lam * np.array([c for _, c in blocks])


def _curvatures(G: np.ndarray, blocks: list[tuple[np.ndarray, float]]) -> np.ndarray:
    return np.array([float(np.linalg.eigvalsh(G[np.ix_(b, b)])[-1]) for b, _ in blocks])


def solve_group(problem: Problem, data: Data, *, tol: float = 1e-12) -> Result | None:
    """The minimizer to a block move of ``tol`` (relative), or None when it did not get there."""
    if not problem.loss.least_squares:
        return _prox_newton(problem, data, tol)
    from cvxreg.engine._kernels import group_bcd_gram

    began = time.perf_counter()
    blocks = _blocks(problem, data.d)
    assert blocks is not None
    model = GramModel.moments_only(problem, data)
    G, q = model.G, model.q
    starts, idx, thresholds = _layout(blocks, float(problem.form.param_value))
    L = _curvatures(G, blocks)
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


def _prox_newton(problem: Problem, data: Data, tol: float) -> Result | None:
    """A smooth loss (logistic, Poisson, Huber, ...) with a group penalty: proximal Newton.
    At each point the loss is replaced by its second-order model on ``[X, 1]`` (the intercept
    an unpenalized block of its own), which the compiled block descent minimizes; a backtracking
    line search on the true objective makes each step descend (as glmnet and skglm do)."""
    from cvxreg.engine._kernels import group_bcd_gram

    began = time.perf_counter()
    loss, X, y = problem.loss, data.X, data.y
    s, n, d = data.weights, data.n, data.d
    c = 1.0 / loss.weight_total(n, data.sample_weight)
    fit_b = problem.fit_intercept
    blocks = _blocks(problem, d)
    assert blocks is not None
    if fit_b:
        blocks = [*blocks, (np.array([d], dtype=np.int64), 0.0)]
        A = np.column_stack([X, np.ones(n)])
    else:
        A = X
    starts, idx, thresholds = _layout(blocks, float(problem.form.param_value))
    sizes = [(b, t) for (b, _), t in zip(blocks, thresholds, strict=True)]

    def objective(v: np.ndarray) -> float:
        eta = A @ v
        return c * float(s @ loss.terms_value(eta, y)) + sum(t * float(np.linalg.norm(v[b])) for b, t in sizes)

    v = np.zeros(A.shape[1])
    scale = max(c * float(np.linalg.norm(A.T @ (s * y))), 1e-300)
    rounds = 0
    for rounds in range(1, 101):  # noqa: B007  # the count is reported
        eta = A @ v
        grad = A.T @ (c * s * loss.derivative(eta, y)[0])
        # Optimality: -grad_g = t_g v_g / ||v_g|| on nonzero blocks, ||grad_g|| <= t_g on zero ones.
        worst = 0.0
        for b, t in sizes:
            nb = float(np.linalg.norm(v[b]))
            gap = np.linalg.norm(grad[b] + t * v[b] / nb) if nb > 0 else max(float(np.linalg.norm(grad[b])) - t, 0.0)
            worst = max(worst, float(gap))
        if worst <= tol * scale:
            break
        H = A.T @ ((c * s * loss.second_derivative(eta, y))[:, None] * A)
        target = v.copy()
        sweeps = group_bcd_gram(H, H @ v - grad, starts, idx, thresholds, _curvatures(H, blocks), target,
                                1e-3 * tol * scale, 100_000)  # fmt: skip
        if sweeps < 0 or not np.all(np.isfinite(target)):
            return None
        step, f0 = target - v, objective(v)
        decrease = float(grad @ step) + sum(t * (np.linalg.norm(target[b]) - np.linalg.norm(v[b])) for b, t in sizes)
        a = 1.0
        while objective(v + a * step) > f0 + 1e-4 * a * min(decrease, 0.0) and a > 1e-10:
            a *= 0.5
        if a <= 1e-10:
            break  # no descent left along the step: as good as it gets here
        v = v + a * step
    else:
        return None
    return Result(
        coef=v[:d].copy(), intercept=float(v[d]) if fit_b else 0.0, objective=math.nan, status=Status.OPTIMAL,
        solver="cvxreg-bcd", setup_time=0.0, solve_time=time.perf_counter() - began, iterations=rounds,
        feature_names=data.feature_names, model="engine", classes=data.classes,
    )  # fmt: skip
