"""The regularization path of the multinomial loss: ``Problem.path`` for a problem whose loss is
``MultinomialLogisticLoss``.

Each point is solved by ``cvxreg.multinomial`` (the smooth route for a ridge, accelerated
proximal gradient and Newton for L1, elastic net or a row group lasso; CVXPY otherwise), from
the largest lam down, and certified as a single solve is. The grid's top is ``lam_max``: the
dual norm of the gradient at ``W = 0`` with the intercepts fitted (the classes' log-odds),
above which every coefficient is 0. The ``Path`` holds ``coefs`` of shape ``(points, d, K)``
and ``intercepts`` of shape ``(points, K)``, its ``classes`` the columns' labels.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from cvxreg._validation import Data, check_sample_weight, check_X, invalid
from cvxreg.errors import NotSupportedError
from cvxreg.forms import Penalized
from cvxreg.multinomial import encode_classes, solve_multinomial
from cvxreg.path import Path, checked_grid, checked_grid_size

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["SCORINGS", "fold_score", "fold_scores", "lambda_max", "path", "top_grid"]


def lambda_max(problem: Problem, X: Any, y: Any, sample_weight: Any = None) -> float:
    """The smallest lam at which every coefficient is 0: ``R*(c X' S (P0 - Y))`` with ``P0`` the
    classes' (weighted) shares when the intercepts are fitted, ``1/K`` otherwise; ``inf`` for a
    penalty that is not zero-inducing there (a ridge) or that leaves coefficients free."""
    Xv, _ = check_X(X, "Problem.path")
    codes, classes = encode_classes(y, "Problem.path")
    s = check_sample_weight(sample_weight, Xv.shape[0], "Problem.path")
    K = len(classes)
    Y = np.eye(K)[codes]
    sw = np.ones(len(codes)) if s is None else s
    c = 1.0 / problem.loss.weight_total(len(codes), s)
    shares = (sw @ Y) / sw.sum() if problem.fit_intercept else np.full(K, 1.0 / K)
    G = c * np.asarray(Xv.T @ (sw[:, None] * (shares[None, :] - Y)))
    return float(problem.penalty.dual_norm(G.ravel(order="F")))


def path(problem: Problem, X: Any, y: Any, lams: Any = None, *, ts: Any = None, n_lams: int = 100,
         eps: float = 1e-3, sample_weight: Any = None, screening: bool = True, solver: Any = None,
         **solver_opts: Any) -> Path:  # fmt: skip
    """``Problem.path`` for the multinomial loss (see the module): penalized form only, each point
    solved whole (``screening`` has nothing to screen; ``solver`` and its options go to each)."""
    if ts is not None or problem.form.param_name != "lam" or problem.form.size > 1:
        raise NotSupportedError(f"A multinomial path runs over one lam: give a Penalized problem, not {problem!r}.")
    n_lams, eps = checked_grid_size(n_lams, eps, "Problem.path")
    if lams is None:  # as path.lambda_grid makes it for one output
        top = lambda_max(problem, X, y, sample_weight)
        if top == 0:
            grid = np.full(n_lams, np.finfo(float).resolution)
        elif not (math.isfinite(top) and top > 0):
            raise NotSupportedError(
                f"{problem!r} has lam_max = {top:g} on these data (a ridge penalty, or coefficients it does not "
                "penalize), so there is no default grid: give lams."
            )
        else:
            grid = top * np.geomspace(1.0, eps, n_lams)
    else:
        grid = checked_grid(lams, "lams")
    order = np.argsort(-grid, kind="stable")
    results = [None] * len(grid)
    for i in order:
        results[i] = solve_multinomial(problem.with_form(Penalized(float(grid[i]))), X, y,
                                       sample_weight=sample_weight, solver=solver, **solver_opts)  # fmt: skip
    done = [r for r in results if r is not None]
    coefs = np.array([r.coef for r in done], dtype=float)  # (points, d, K)
    return Path(
        param_name="lam",
        values=grid.copy(),
        coefs=coefs,
        intercepts=np.array([r.intercept for r in done], dtype=float),
        objectives=np.array([r.objective for r in done]),
        penalty_values=np.array([problem.penalty.value(W.ravel(order="F")) for W in coefs]),
        duals=None,
        certificates=tuple(r.certificate for r in done),
        statuses=tuple(r.status for r in done),
        methods=tuple(r.solver for r in done),
        screened=np.zeros(len(grid), dtype=int),
        feature_names=done[0].feature_names if done else None,
        classes=done[0].classes if done else None,
    )


def _cross_entropy(codes: np.ndarray, eta: np.ndarray, s: np.ndarray | None) -> float:
    """The mean (weighted) cross-entropy of the softmax of ``eta`` (n x K) at the true classes."""
    top = eta.max(axis=1, keepdims=True)
    lse = (top + np.log(np.exp(eta - top).sum(axis=1, keepdims=True))).ravel()
    return float(np.average(lse - eta[np.arange(len(codes)), codes], weights=s))


def _accuracy(codes: np.ndarray, eta: np.ndarray, s: np.ndarray | None) -> float:
    return float(np.average(np.argmax(eta, axis=1) == codes, weights=s))


#: Scorings of the multinomial loss by name: (function of (classes, eta, weights), higher is better).
SCORINGS = {"log_loss": (_cross_entropy, False), "accuracy": (_accuracy, True)}


def fold_scores(
    problems: list[tuple[Any, Problem]], X: Any, y: Any, sample_weight: Any, folds: Any,
    splitter: Callable[[Any, Data], list[Any]], given: np.ndarray | None, n_lams: int, eps: float, scoring: Any,
    run: Callable[[list[tuple[Any, ...]]], list[np.ndarray]],
) -> tuple[list[np.ndarray], list[np.ndarray], int, tuple[Any, ...], bool]:  # fmt: skip
    """``cross_validate`` for the multinomial loss: for each problem (an l1_ratio) and fold, the
    path on the training rows and the score of ``X W + b`` on the held-out rows, by name
    (``"log_loss"``, the mean cross-entropy, or ``"accuracy"``). Returns the grids, the scores
    (one array per problem and fold), the number of folds, the data for the refit, and whether
    a higher score is better."""
    if callable(scoring) or scoring not in SCORINGS:
        raise invalid("scoring", "cross_validate", f"one of {list(SCORINGS)} for the multinomial loss", scoring)
    score, higher = SCORINGS[scoring]
    Xv, names = check_X(X, "cross_validate")
    codes, classes = encode_classes(y, "cross_validate")
    s = check_sample_weight(sample_weight, len(codes), "cross_validate")
    splits = splitter(folds, Data(Xv, codes.astype(float), s, names))
    for train, _ in splits:
        missing = sorted(set(range(len(classes))) - set(codes[train].tolist()))
        if missing:
            allowed = "folds whose training rows hold every class (StratifiedKFold keeps them)"
            got = f"a training fold without class {classes[missing[0]]!r}"
            raise invalid("folds", "cross_validate", allowed, got, raw=True)
    grids = [top_grid(p, Xv, codes, s, n_lams, eps) if given is None else given for _, p in problems]
    tasks = [(p, Xv, codes, s, train, test, grid, score) for (_, p), grid in zip(problems, grids, strict=True)
             for train, test in splits]  # fmt: skip
    return grids, run(tasks), len(splits), (Xv, y, s, classes, names), higher


def fold_score(problem: Problem, X: Any, codes: np.ndarray, s: Any, train: np.ndarray, test: np.ndarray,
               grid: np.ndarray, score: Callable[..., float]) -> np.ndarray:  # fmt: skip
    """One fold: the path on the training rows, then ``score`` of ``X W + b`` on the held-out rows
    at each point (a task of ``cross_validate``, run in a joblib worker when ``n_jobs`` asks)."""
    found = path(problem, X[train], codes[train], grid, sample_weight=None if s is None else s[train])
    eta = [np.asarray(X[test] @ W) + b for W, b in zip(found.coefs, found.intercepts, strict=True)]
    return np.array([score(codes[test], e, None if s is None else s[test]) for e in eta])


def top_grid(problem: Problem, X: Any, y: Any, s: Any, n_lams: int, eps: float) -> np.ndarray:
    """The default grid on all the data: ``n_lams`` values from ``lam_max`` down to ``eps lam_max``."""
    top = lambda_max(problem, X, y, s)
    if not (math.isfinite(top) and top > 0):
        raise NotSupportedError(f"{problem!r} has lam_max = {top:g} on these data, so there is no default grid: "
                                "give lams.")  # fmt: skip
    return top * np.geomspace(1.0, eps, n_lams)
