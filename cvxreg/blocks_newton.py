"""Smooth losses on data by blocks: proximal Newton, each step's model made in one pass.

For a loss with a first and second derivative (logistic, Poisson, Huber, squared hinge, ...),
one pass over the blocks gives, at the current ``(w, b)``, the loss, its gradient and its
Hessian ``c X^T S D X`` (``d x d``; the intercept's row and column eliminated by its Schur
complement). The model ``g'v + 1/2 (v - w)' H (v - w) + lam R(v)`` is a least-squares problem
with the same penalty, form, bounds and constraints, written as at most ``d + 1`` rows
(``cvxreg.blocks.rows_for``) and solved exactly by ``Problem.solve`` — the proximal Newton step
of Lee, Sun & Saunders (2014), with every route and polish of the in-memory solve. The next pass
evaluates the loss along the step at ten step sizes at once (a backtracking line search in one
pass) and the new model at the full step, which Newton's method takes near the solution: about
one pass per iteration. The answer stops when its certificate, computed from the same sums on
the data, passes; its multipliers are the last model's, which at the solution are the
problem's. A solve costs about ``iterations + 1`` passes, stated in ``Result.message``.

A path runs proximal Newton at each lam, warm-started at the previous answer (a few passes per
point); cross-validation runs each fold's path on the other blocks and scores it on the fold's
own blocks in one pass (``fold_scores``).
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from cvxreg import _blockwise
from cvxreg._validation import invalid
from cvxreg.blocks import Blocks, checked, column_weights, fold_edges, is_blocked, rows_for
from cvxreg.certificates import from_gradient, scale_from_sums
from cvxreg.errors import NotSupportedError, SolveError
from cvxreg.losses import SquaredLoss
from cvxreg.result import Certificate, Result, Status

if TYPE_CHECKING:
    from cvxreg.path import Path
    from cvxreg.problem import Problem

__all__ = ["certificate", "is_blocked", "path", "solve"]

#: Step sizes tried along each proximal Newton direction, in the same pass.
_STEPS = 0.5 ** np.arange(1, 11)


def _sums(blocks: Blocks, loss: Any, w: np.ndarray, b: float, trials: np.ndarray, b_trials: np.ndarray) -> dict:
    pieces = blocks.each(_blockwise.newton_sums, loss, w, b, trials, b_trials)
    refused = [p["refused"] for p in pieces if "refused" in p]
    if refused:
        raise invalid("y", blocks.owner, f"values {type(loss).__name__} takes (labels given as -1 and +1 by "
                      "blocks)", refused[0], raw=True)  # fmt: skip
    flags = ("finite", "negative", "col_max")
    out: dict[str, Any] = {key: sum(p[key] for p in pieces) for key in pieces[0] if key not in flags}
    out["col_max"] = np.max([p["col_max"] for p in pieces], axis=0)
    if not all(p["finite"] for p in pieces):
        raise invalid("X", blocks.owner, "finite numbers in X and y", "NaN or inf", raw=True)
    if any(p["negative"] for p in pieces):
        raise invalid("sample_weight", blocks.owner, "nonnegative numbers", "a negative weight", raw=True)
    return out


def _model(problem: Problem, S: dict, c: float, w: np.ndarray, b: float, options: dict[str, Any]) -> Result:
    """The proximal Newton subproblem at ``(w, b)``, solved exactly: its answer holds the new
    ``w`` (``coef``), the intercept (``intercept``) and the multipliers."""
    H, g = c * S["H"], c * S["grad"]
    if problem.fit_intercept and S["h_bb"] > 0:  # the intercept's Newton step, eliminated
        h_b, h_bb, g_b = c * S["h_b"], c * S["h_bb"], c * S["grad_b"]
        H, g = H - np.outer(h_b, h_b) / h_bb, g - h_b * g_b / h_bb
    Z, u = rows_for(H, H @ w - g, 0.0)
    sub = type(problem)(SquaredLoss(), problem.penalty, problem.form, bounds=problem.bounds,
                        constraints=problem.constraints)  # fmt: skip
    found = sub.solve(Z, u, **options)
    if found.ok and problem.fit_intercept:
        step_b = -(S["grad_b"] + float(S["h_b"] @ (found.coef - w))) / S["h_bb"] if S["h_bb"] > 0 else 0.0
        found = dataclasses.replace(found, intercept=b + step_b)
    return found


def _certificate(problem: Problem, S: dict, c: float, point: Result) -> Certificate:
    """The certificate at the point where ``S`` was summed, with the model's multipliers."""
    units = column_weights(S["col_max"])
    scale = scale_from_sums(c, S["Xsy"], float(S["col_sq"].sum()), units)
    w = np.asarray(point.coef, dtype=float)
    tol_w = 1e-6 * max(1.0, float(np.max(np.abs(w), initial=0.0)))
    grad_b = c * S["grad_b"] if problem.fit_intercept else 0.0
    kkt, infeas, slack = from_gradient(problem, point, c * S["grad"], grad_b, scale, units, tol_w)
    return Certificate(kkt, infeas, slack, None, scale)


def solve(problem: Problem, X: Any, y: Any, *, sample_weight: Any, tol: float, check: bool = False,
          max_iter: int = 50, **model_options: Any) -> Result:  # fmt: skip
    """``Problem.solve`` of a smooth loss on a Dask ``X`` (see the module docstring); ``check``
    raises ``SolveError`` when no solution comes back, as in memory; ``model_options`` (a solver
    and its options) go to each step's model."""
    _smooth_only(problem)
    blocks = checked(X, y, sample_weight, "Problem.solve")
    result = _newton(problem, blocks, tol, max_iter=max_iter, model_options=model_options)
    if check and not result.ok:
        raise SolveError(f"{problem!r} has no solution by blocks: status {result.status!r}. {result.message}")
    return result


def _smooth_only(problem: Problem) -> None:
    loss = problem.loss
    if loss.multi_output:
        raise NotSupportedError(f"{problem!r}: a multi-output loss needs its data in memory (call X.compute()).")
    try:
        loss.second_derivative(np.zeros(1), np.ones(1))
    except NotSupportedError:
        raise NotSupportedError(
            f"{problem!r}: on data by blocks a loss needs a second derivative (proximal Newton); "
            f"{type(loss).__name__} has none: call X.compute() to solve in memory."
        ) from None


def _newton(problem: Problem, blocks: Blocks, tol: float, *, max_iter: int = 50,
            start: tuple[np.ndarray, float] | None = None, model_options: dict[str, Any] | None = None
            ) -> Result:  # fmt: skip
    """Proximal Newton from ``start`` (default 0) on checked blocks."""
    loss = problem.loss
    d = blocks.d
    w, b = (np.zeros(d), 0.0) if start is None else (np.array(start[0], dtype=float), float(start[1]))
    none = np.zeros((0, d)), np.zeros(0)
    S = _sums(blocks, loss, w, b, *none)
    if S["total"] <= 0:
        raise invalid("sample_weight", blocks.owner, "weights with a positive sum", "weights summing to 0", raw=True)
    c = 1.0 / loss.weight_total(S["n"], np.array([S["total"]]))

    def objective(fit: float, v: np.ndarray) -> float:
        return problem.form.objective_value(c * fit, problem.penalty.value(v))

    point, cert, iterations = None, None, 0
    for iterations in range(1, max_iter + 1):  # noqa: B007
        model = _model(problem, S, c, w, b, model_options or {})
        if not model.ok:
            return dataclasses.replace(model, message=f"the proximal Newton model failed: {model.message}",
                                       solver="blocks")  # fmt: skip
        point = dataclasses.replace(model, coef=w, intercept=b, objective=objective(S["value"], w))
        cert = _certificate(problem, S, c, point)
        if cert.passed(min(tol, 1e-9)):
            break
        step_w, step_b = model.coef - w, float(model.intercept) - b
        trials = w + _STEPS[:, None] * step_w
        full = _sums(blocks, loss, model.coef, float(model.intercept), trials, b + _STEPS * step_b)
        before = objective(S["value"], w)
        # The model's predicted decrease: the loss's linear part and the change of the penalty
        # terms the form adds to the objective (each lam_k R_k; none in constrained form).
        decrease = c * (float(S["grad"] @ step_w) + S["grad_b"] * step_b)
        decrease += objective(0.0, model.coef) - objective(0.0, w)
        if objective(full["value"], model.coef) <= before + 1e-4 * min(decrease, 0.0) + 1e-13 * abs(before):
            w, b, S = model.coef, float(model.intercept), full  # the full step: its sums are already here
            continue
        values = [objective(full["trial"][k], trials[k]) for k in range(len(_STEPS))]
        ok = [k for k in range(len(_STEPS)) if values[k] <= before + 1e-4 * _STEPS[k] * min(decrease, 0.0)]
        if not ok:
            break  # no decrease along the step: the answer stands as it is, judged by its certificate
        k = ok[0]
        w, b = trials[k], b + _STEPS[k] * step_b
        S = _sums(blocks, loss, w, b, *none)
    assert point is not None and cert is not None
    status = Status.OPTIMAL if cert.passed(tol) else Status.OPTIMAL_INACCURATE
    message = f"proximal Newton by blocks of rows: {iterations} iteration(s), {blocks.passes} pass(es) over the data"
    if status == Status.OPTIMAL_INACCURATE:
        message = f"its certificate on the data is {cert.worst:.1e}, above tol = {tol:g}; {message}"
    return dataclasses.replace(point, certificate=cert, status=status, solver="blocks", message=message,
                               polished=False)  # fmt: skip


def certificate(
    problem: Problem, X: Any, y: Any, coef: Any, intercept: float = 0.0, *, sample_weight: Any = None
) -> Certificate:
    """The certificate of any answer of a smooth loss (another tool's, say) on data by blocks:
    one pass. Penalized form (a constrained one would need the answer's multiplier)."""
    blocks = checked(X, y, sample_weight, "certificate")
    w = np.asarray(coef, dtype=float).ravel()
    if w.shape != (blocks.d,):
        raise invalid("coef", "certificate", f"{blocks.d} coefficients (one per column of X)", f"shape {w.shape}",
                      raw=True)  # fmt: skip
    S = _sums(blocks, problem.loss, w, float(intercept), np.zeros((0, blocks.d)), np.zeros(0))
    c = 1.0 / problem.loss.weight_total(S["n"], np.array([S["total"]]))
    answer = Result(coef=w, intercept=float(intercept), objective=math.nan, status=Status.OPTIMAL, solver="given")
    return _certificate(problem, S, c, answer)


def path(problem: Problem, X: Any, y: Any, lams: Any = None, *, sample_weight: Any = None, n_lams: int = 100,
         eps: float = 1e-3, **options: Any) -> Path:  # fmt: skip
    """``Problem.path`` of a smooth loss on a Dask ``X``: proximal Newton at each lam, from the
    largest down, each warm-started at the previous answer (a few passes per point); the default
    grid from ``lam_max`` at the intercept-only fit, found by Newton's method on the intercept."""
    from cvxreg.forms import Penalized
    from cvxreg.path import Path, checked_grid, checked_grid_size

    _smooth_only(problem)
    if problem.form.param_name != "lam" or problem.form.size > 1:
        raise NotSupportedError(f"{problem!r}: a path of a smooth loss by blocks runs over one lam (Penalized).")
    blocks = checked(X, y, sample_weight, "Problem.path")
    if lams is None:
        n_lams, eps = checked_grid_size(n_lams, eps, "Problem.path")
        grid = _default_grid(problem, blocks, n_lams, eps)
    else:
        grid = checked_grid(lams, "lams")
    found: list[Result] = [None] * len(grid)  # type: ignore[list-item]
    start = None
    for k in np.argsort(-grid, kind="stable"):
        found[k] = _newton(problem.with_form(Penalized(float(grid[k]))), blocks, 1e-6, start=start)
        if found[k].ok:
            start = (np.asarray(found[k].coef), float(found[k].intercept))
    coefs = np.array([r.coef for r in found])
    return Path(
        param_name="lam", values=grid, coefs=coefs, intercepts=np.array([float(r.intercept) for r in found]),
        objectives=np.array([r.objective for r in found]),
        penalty_values=np.array([problem.penalty.value(w) for w in coefs]), duals=None,
        certificates=tuple(r.certificate for r in found), statuses=tuple(r.status for r in found),
        methods=("proximal newton by blocks",) * len(grid), screened=np.zeros(len(grid), dtype=int),
    )  # fmt: skip


def _default_grid(problem: Problem, blocks: Blocks, n_lams: int, eps: float) -> np.ndarray:
    """``lambda_grid``'s grid, with ``lam_max`` found by blocks."""
    top = _lam_max(problem, blocks)
    return np.geomspace(top, eps * top, n_lams) if top > 0 else np.full(n_lams, np.finfo(float).resolution)


def _lam_max(problem: Problem, blocks: Blocks) -> float:
    """The smallest lam whose answer is 0: the penalty's dual norm of the gradient at ``w = 0``
    and the intercept that fits alone (Newton's method on it, one pass per step)."""
    d, b = blocks.d, 0.0
    none = np.zeros((0, d)), np.zeros(0)
    S = _sums(blocks, problem.loss, np.zeros(d), b, *none)
    for _ in range(50 if problem.fit_intercept else 0):
        if S["h_bb"] <= 0 or abs(S["grad_b"]) <= 1e-14 * max(1.0, S["total"]):
            break
        step = -S["grad_b"] / S["h_bb"]
        for _ in range(30):  # backtracking on the loss
            trial = _sums(blocks, problem.loss, np.zeros(d), b + step, *none)
            if trial["value"] <= S["value"]:
                break
            step /= 2
        b, S = b + step, trial
    c = 1.0 / problem.loss.weight_total(S["n"], np.array([S["total"]]))
    return float(problem.penalty.dual_norm(-c * S["grad"]))


def fold_scores(
    problems: list[tuple[float | None, Problem]], X: Any, y: Any, sample_weight: Any, folds: Any, given: Any,
    n_lams: int, eps: float, score: Any,
) -> tuple[list[np.ndarray], list[np.ndarray]]:  # fmt: skip
    """``cross_validate`` on a Dask ``X`` for a smooth loss, or any scoring: each fold's path on
    the other blocks (``Problem.path`` by blocks), then scored on the fold's own blocks in one
    pass. Folds are contiguous runs of whole blocks, as ``cvxreg.blocks.fold_scores`` makes them."""
    import itertools

    import dask.array as da

    from cvxreg.blocks import reduce
    from cvxreg.path import lambda_grid

    whole = checked(X, y, sample_weight, "cross_validate")
    nb = len(whole.X.chunks[0])
    edges = fold_edges(folds, nb)

    def outside(A: Any, lo: int, hi: int) -> Any:
        if A is None:
            return None
        parts = [p for p in (A.blocks[:lo] if lo else None, A.blocks[hi:] if hi < nb else None) if p is not None]
        return parts[0] if len(parts) == 1 else da.concatenate(parts)

    grids, out = [], []
    for _, problem in problems:
        if given is not None:
            grid = given
        elif problem.loss.least_squares:
            red = reduce(problem, whole.X, whole.y, whole.sample_weight, "cross_validate")[1]
            grid = lambda_grid(red.inner, red.inner.check_data(red.Z, red.u, red.s), n_lams, eps)
        else:
            _smooth_only(problem)
            grid = _default_grid(problem, whole, n_lams, eps)
        grids.append(grid)
        for lo, hi in itertools.pairwise(edges):
            found = problem.path(outside(whole.X, lo, hi), outside(whole.y, lo, hi), grid,
                                 sample_weight=outside(whole.sample_weight, lo, hi))  # fmt: skip
            held = Blocks(whole.X.blocks[lo:hi], whole.y.blocks[lo:hi],
                          None if whole.sample_weight is None else whole.sample_weight.blocks[lo:hi], "cross_validate")
            pieces = held.each(_blockwise.scores, score, found.coefs, np.asarray(found.intercepts, dtype=float))
            total = sum(p[1] for p in pieces)
            if total <= 0:
                raise invalid("folds", "cross_validate", "folds whose rows do not all have weight 0", "such a fold",
                              raw=True)  # fmt: skip
            out.append(sum(p[0] for p in pieces) / total)
    return grids, out
