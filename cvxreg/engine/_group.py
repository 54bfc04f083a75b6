"""The group lasso (and any sum of Euclidean norms over blocks): block coordinate descent on the
``d x d`` Gram model, compiled, for small dense least squares; proximal Newton with the same
block descent for smooth losses; and working sets of blocks on sparse or wide data.

``1/2 w'Gw - q'w + lam sum_g c_g ||w_g||_2`` (``G``, ``q`` as in ``engine._gram``, centred by
the weights when there is an intercept) is minimized block by block, each block taking the
proximal-gradient step of its own curvature ``L_g`` (the largest eigenvalue of ``G_gg``), as
celer and skglm do. The caller polishes the answer on its support (Newton steps: the penalty is
smooth off its zero blocks) and certifies it on the data.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

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
    return not problem.loss.multi_output


def group_applies(problem: Problem, data: Data) -> bool:
    if problem.form.param_name != "lam" or not (problem.loss.least_squares or _smooth(problem, data)):
        return False
    if problem.bounds is not None or problem.constraints:
        return False
    if not gram_applies_to_data(data) and not _smooth(problem, data):
        return False  # the working sets need the loss's curvature
    return _blocks(problem, data.d) is not None


def _layout(blocks: list[tuple[np.ndarray, float]], lam: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    starts = np.zeros(len(blocks) + 1, dtype=np.int64)
    starts[1:] = np.cumsum([len(idx) for idx, _ in blocks])
    idx = np.concatenate([b[0] for b in blocks]).astype(np.int64)
    return starts, idx, lam * np.array([c for _, c in blocks])


def _curvatures(G: np.ndarray, blocks: list[tuple[np.ndarray, float]]) -> np.ndarray:
    return np.array([float(np.linalg.eigvalsh(G[np.ix_(b, b)])[-1]) for b, _ in blocks])


def solve_group(problem: Problem, data: Data, *, tol: float = 1e-12, start: Result | None = None) -> Result | None:
    """The minimizer to a block move of ``tol`` (relative), or None when it did not get there;
    from ``start`` (a path's previous point) when given."""
    w0 = np.array(start.coef, dtype=float) if start is not None and start.ok else np.zeros(data.d)
    b0 = float(start.intercept) if start is not None and start.ok and problem.fit_intercept else 0.0
    if not gram_applies_to_data(data):
        return _by_working_sets(problem, data, tol, w0, b0)
    if not problem.loss.least_squares:
        return _prox_newton(problem, data, tol, np.r_[w0, b0] if problem.fit_intercept else w0)
    from cvxreg.engine._kernels import group_bcd_gram

    began = time.perf_counter()
    blocks = _blocks(problem, data.d)
    assert blocks is not None
    model = GramModel.moments_only(problem, data)
    G, q = model.G, model.q
    starts, idx, thresholds = _layout(blocks, float(problem.form.param_value))
    L = _curvatures(G, blocks)
    w = w0  # the intercept follows from w (the model is centred)
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


def _prox_newton(problem: Problem, data: Data, tol: float, v0: np.ndarray) -> Result | None:
    """A smooth loss (logistic, Poisson, Huber, ...) with a group penalty: proximal Newton on
    ``[X, 1]`` (the intercept an unpenalized block of its own), see ``_newton_blocks``."""
    began = time.perf_counter()
    loss, X, y = problem.loss, data.X, data.y
    s, n, d = data.weights, data.n, data.d
    c = 1.0 / loss.weight_total(n, data.sample_weight)
    blocks = _blocks(problem, d)
    assert blocks is not None
    if problem.fit_intercept:
        blocks = [*blocks, (np.array([d], dtype=np.int64), 0.0)]
        A = np.column_stack([X, np.ones(n)])
    else:
        A = X
    scale = max(c * float(np.linalg.norm(A.T @ (s * y))), 1e-300)
    found = _newton_blocks(A, problem, data, c, blocks, v0, tol * scale)
    if found is None:
        return None
    v, rounds = found
    return Result(
        coef=v[:d].copy(), intercept=float(v[d]) if problem.fit_intercept else 0.0, objective=math.nan,
        status=Status.OPTIMAL, solver="cvxreg-bcd", setup_time=0.0, solve_time=time.perf_counter() - began,
        iterations=rounds, feature_names=data.feature_names, model="engine", classes=data.classes,
    )  # fmt: skip


def _newton_blocks(A: Any, problem: Problem, data: Data, c: float, blocks: list[tuple[np.ndarray, float]],
                   v: np.ndarray, goal: float) -> tuple[np.ndarray, int] | None:  # fmt: skip
    """Proximal Newton on ``c sum_i s_i l(a_i'v, y_i) + lam sum_g c_g ||v_g||`` (the blocks of the
    columns of ``A``, dense or sparse) from ``v`` until the optimality residual is below ``goal``.
    At each point the loss is replaced by its second-order model, which the compiled block descent
    minimizes; a backtracking line search on the true objective makes each step descend (as
    glmnet and skglm do). None when it fails."""
    from cvxreg.engine._kernels import group_bcd_gram, weighted_gram

    loss, y, s = problem.loss, data.y, data.weights
    starts, idx, thresholds = _layout(blocks, float(problem.form.param_value))

    def penalty(v: np.ndarray) -> float:  # sum_g t_g ||v_g||, all blocks at once
        part = v[idx]
        return float(thresholds @ np.sqrt(np.add.reduceat(part * part, starts[:-1])))

    def objective(v: np.ndarray) -> float:
        eta = np.asarray(A @ v).ravel()
        return c * float(s @ loss.terms_value(eta, y)) + penalty(v)

    rounds, residuals, fixed = 0, [math.inf], None
    for rounds in range(1, 101):  # noqa: B007  # the count is reported
        eta = np.asarray(A @ v).ravel()
        grad = np.asarray(A.T @ (c * s * loss.derivative(eta, y)[0])).ravel()
        residuals.append(float(np.linalg.norm(_block_violations(grad, v, starts, idx, thresholds))))
        if residuals[-1] <= goal:
            break
        if len(residuals) > 4 and residuals[-1] > 0.5 * residuals[-4]:
            break  # three rounds without halving the residual: rounding (the certificate judges)
        if fixed is None or not loss.least_squares:  # a least-squares model's curvature is its own: once
            H = weighted_gram(A, c * s * loss.second_derivative(eta, y))
            fixed = H, _curvatures(H, blocks)
        H, L = fixed
        target = v.copy()
        # The model is solved to a block move whose gradient (about L_g times the move) is a
        # tenth of the goal: an inexact Newton step is enough, the line search judges it.
        # (Not below the coefficients' own rounding, which no sweep can resolve.)
        floor = 1e-14 * float(np.max(np.abs(v), initial=1.0))
        move = max(0.1 * goal / max(float(np.max(L, initial=0.0)), 1e-300), floor)
        group_bcd_gram(H, H @ v - grad, starts, idx, thresholds, L, target, move, 20_000)
        if not np.all(np.isfinite(target)):
            return None
        if loss.least_squares:  # the model is the objective: its minimizer is the step, no line search
            v = target
            continue
        step, f0 = target - v, objective(v)
        decrease = float(grad @ step) + penalty(target) - penalty(v)
        a = 1.0
        # A decrease below the objective's rounding cannot be line-searched: the model's step is
        # taken as it is (it is tiny, and the model is the loss to second order there).
        if decrease < -1e-13 * max(1.0, abs(f0)):
            while objective(v + a * step) > f0 + 1e-4 * a * decrease and a > 1e-10:
                a *= 0.5
            if a <= 1e-10:
                break  # no descent left along the step: as good as it gets here
        elif decrease > 1e-13 * max(1.0, abs(f0)):
            break  # not a descent direction (the block descent did not solve the model): stop here
        v = v + a * step
    else:
        return None
    return v, rounds


def _block_violations(grad: np.ndarray, v: np.ndarray, starts: np.ndarray, idx: np.ndarray,
                      thresholds: np.ndarray) -> np.ndarray:  # fmt: skip
    """Per block, the distance from ``-grad_g`` to ``t_g`` times the subdifferential of ``||v_g||``:
    ``||grad_g + t_g v_g / ||v_g||||`` on a nonzero block, ``max(||grad_g|| - t_g, 0)`` on a zero one."""
    g, w = grad[idx], v[idx]
    norms = np.sqrt(np.add.reduceat(w * w, starts[:-1]))
    sizes = np.diff(starts)
    spread = np.repeat(norms, sizes)
    unit = np.divide(w, spread, out=np.zeros_like(w), where=spread > 0)
    on = np.sqrt(np.add.reduceat((g + np.repeat(thresholds, sizes) * unit) ** 2, starts[:-1]))
    off = np.maximum(np.sqrt(np.add.reduceat(g * g, starts[:-1])) - thresholds, 0.0)
    return np.where(norms > 0, on, off)


def _by_working_sets(problem: Problem, data: Data, tol: float, w: np.ndarray, b: float) -> Result | None:
    """The group penalty on sparse or wide data: proximal Newton on a working set of blocks (the
    nonzero ones and those whose optimality test at zero fails the most), grown until every
    block's test holds — checked with one product ``X' g`` over the whole data (celer's and
    skglm's working sets). The set's columns are read from the engine's column-major copy."""
    from cvxreg.engine._glm import column_major

    began = time.perf_counter()
    d, n = data.d, data.n
    blocks = _blocks(problem, d)
    assert blocks is not None
    X, loss, s = column_major(data), problem.loss, data.weights
    c = 1.0 / loss.weight_total(n, data.sample_weight)
    fit_b = problem.fit_intercept
    starts, idx, thresholds = _layout(blocks, float(problem.form.param_value))
    scale = max(c * float(np.linalg.norm(np.asarray(X.T @ (s * data.y)).ravel())), 1e-300)
    size, rounds, previous, before, last = 10, 0, np.empty(0, dtype=np.int64), math.inf, False
    for _ in range(50):
        eta = np.asarray(X @ w).ravel() + b
        a = c * s * loss.derivative(eta, data.y)[0]
        viol = _block_violations(np.asarray(X.T @ a).ravel(), w, starts, idx, thresholds)
        res = math.hypot(float(np.linalg.norm(viol)), float(a.sum()) if fit_b else 0.0)
        if res <= tol * scale or (last and res >= 0.5 * before):
            break  # optimal, or the same set solved to the end gained nothing more: rounding (certificate judges)
        before = res
        active = np.flatnonzero(np.add.reduceat(np.abs(w[idx]), starts[:-1]) > 0)
        size = max(size, 2 * active.size)
        top = np.argsort(-viol)[:size]
        chosen = np.union1d(active, top[viol[top] > 0])
        local = [blocks[g] for g in chosen]
        cols = np.concatenate([bl for bl, _ in local] or [np.zeros(0)]).astype(np.int64)  # none: the intercept alone
        A = X[:, cols]
        positions, at = [], 0
        for bl, weight in local:
            positions.append((np.arange(at, at + len(bl), dtype=np.int64), weight))
            at += len(bl)
        v0 = w[cols]
        if fit_b:
            A = sp.hstack([A, np.ones((n, 1))], format="csc") if sp.issparse(A) else np.column_stack([A, np.ones(n)])
            positions.append((np.array([at], dtype=np.int64), 0.0))
            v0 = np.r_[v0, b]
        # Solved as far as the whole problem is from optimal (skglm's rule), to the end when the
        # set is the last one's (nothing new entered: its successor would be itself).
        last = chosen.size == previous.size and bool(np.all(chosen == previous))
        found = _newton_blocks(A, problem, data, c, positions, v0,
                               0.3 * tol * scale if last else max(0.3 * tol * scale, 0.1 * res))  # fmt: skip
        previous = chosen
        if found is None:
            return None
        v, inner = found
        rounds += inner
        w[cols], b = v[: cols.size], (float(v[-1]) if fit_b else 0.0)
        size = min(len(blocks), 2 * size)
    else:
        return None
    return Result(
        coef=w, intercept=b, objective=math.nan, status=Status.OPTIMAL, solver="cvxreg-bcd",
        setup_time=0.0, solve_time=time.perf_counter() - began, iterations=rounds,
        feature_names=data.feature_names, model="engine", classes=data.classes,
    )  # fmt: skip
