"""Cross-validation over regularization paths: each fold's path is solved (warm-started and
certified, ``cvxreg.path``) and scored on the held-out rows; the best lam, the one-standard-error
lam, and a refit on all the data."""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cvxreg import blocks, blocks_newton
from cvxreg._html import facts_html, few
from cvxreg._progress import Progress
from cvxreg._validation import Data, check_choice, check_jobs, check_real, invalid, workers
from cvxreg.errors import InvalidParameterError, NotSupportedError
from cvxreg.forms import Penalized
from cvxreg.path import checked_grid, checked_grid_size, lambda_grid, path
from cvxreg.penalties import ElasticNet
from cvxreg.result import Result

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["SCORINGS", "CrossValidation", "cross_validate"]


# --------------------------------------------------------------------------------------------
# Cross-validation
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CrossValidation:
    """The outcome of ``cross_validate``.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (l1_ratio, lam): ``mean``, ``std`` and ``se`` (``std / sqrt(folds)``) of the
        score over folds, then one column per fold.
    best_lam, best_l1_ratio : float, float or None
        The best mean score (lowest loss, or highest accuracy); ties go to the larger lam and
        the first l1_ratio, as scikit-learn's ``LassoCV``/``ElasticNetCV`` break them.
    one_se_lam : float
        The largest lam (at the best l1_ratio) whose mean score is within one standard error
        of the best.
    result : Result
        The problem at the chosen parameters (``select``: the best, or the one-se lam), solved
        on all the data.
    scoring : str
    """

    table: pd.DataFrame
    best_lam: float
    best_l1_ratio: float | None
    one_se_lam: float
    result: Result
    scoring: str

    def __repr__(self) -> str:
        ratio = "" if self.best_l1_ratio is None else f", best_l1_ratio={self.best_l1_ratio:.4g}"
        return (
            f"CrossValidation(scoring={self.scoring!r}, best_lam={self.best_lam:.6g}{ratio}, "
            f"one_se_lam={self.one_se_lam:.6g}, {len(self.table)} candidates, refit {str(self.result.status)!r})"
        )

    def plot(self, *, ax: Any = None) -> Any:
        """The mean score over folds against lam with one standard error either side (one curve
        per l1_ratio), the best and the one-standard-error lam marked, as glmnet's
        ``plot.cv.glmnet`` draws them; on ``ax`` when given. Returns the matplotlib figure."""
        from cvxreg._path_figures import draw_cv

        return draw_cv(self, ax=ax)

    def _repr_html_(self) -> str:
        """In a notebook: the choice, then the scores of the candidates around it."""
        facts = [("scoring", self.scoring), ("best lam", f"{self.best_lam:.6g}")]
        facts.append(("one-SE lam", f"{self.one_se_lam:.6g}"))
        if self.best_l1_ratio is not None:
            facts.append(("best l1_ratio", f"{self.best_l1_ratio:.4g}"))
        facts.append(("refit on all the data", f"{self.result.status}, objective {self.result.objective:.8g}"))
        columns = [c for c in ("l1_ratio", "lam", "mean", "std", "se") if c in self.table.columns]
        note = "CrossValidation.table has every candidate and fold" if len(self.table) > 10 else ""
        return facts_html("CrossValidation", facts, few(self.table[columns]), note)


def _mse(y: np.ndarray, eta: np.ndarray, s: np.ndarray | None) -> float:
    return float(np.average((y - eta) ** 2, weights=s))


def _mae(y: np.ndarray, eta: np.ndarray, s: np.ndarray | None) -> float:
    return float(np.average(np.abs(y - eta), weights=s))


def _log_loss(y: np.ndarray, eta: np.ndarray, s: np.ndarray | None) -> float:
    return float(np.average(np.logaddexp(0.0, -y * eta), weights=s))


def _accuracy(y: np.ndarray, eta: np.ndarray, s: np.ndarray | None) -> float:
    return float(np.average(np.where(eta >= 0, 1.0, -1.0) == y, weights=s))


def _poisson_deviance(y: np.ndarray, eta: np.ndarray, s: np.ndarray | None) -> float:
    mu = np.exp(eta)
    term = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0) - y + mu
    return float(np.average(2 * term, weights=s))


#: name -> (score of (y, eta, sample weights), True when higher is better).
SCORINGS: dict[str, tuple[Callable[..., float], bool]] = {
    "mse": (_mse, False),
    "mae": (_mae, False),
    "log_loss": (_log_loss, False),
    "accuracy": (_accuracy, True),
    "poisson_deviance": (_poisson_deviance, False),
}


def _splits(folds: Any, data: Data) -> list[tuple[np.ndarray, np.ndarray]]:
    """Contiguous folds for an integer (scikit-learn's ``KFold`` without shuffling), the
    splitter's ``split(X, y)``, or the given (train, test) index pairs (scikit-learn's ``cv``
    takes all three)."""
    if isinstance(folds, int) and not isinstance(folds, bool):
        if not 2 <= folds <= data.n:
            raise invalid("folds", "cross_validate", f"an integer in [2, {data.n}] or a splitter", folds)
        sizes = np.full(folds, data.n // folds)
        sizes[: data.n % folds] += 1
        bounds = np.r_[0, np.cumsum(sizes)]
        everything = np.arange(data.n)
        return [(np.r_[everything[:lo], everything[hi:]], everything[lo:hi]) for lo, hi in itertools.pairwise(bounds)]
    pairs: Any = None
    if hasattr(folds, "split") and not isinstance(folds, str | bytes):  # str.split is not a splitter
        pairs = folds.split(data.X, data.y)
    elif isinstance(folds, list | tuple) or (hasattr(folds, "__iter__") and not isinstance(folds, str | bytes | dict)):
        pairs = list(folds)  # scikit-learn's cv: an iterable of (train, test) index pairs
        if not all(isinstance(p, list | tuple) and len(p) == 2 for p in pairs):
            raise invalid("folds", "cross_validate", "an integer >= 2, a splitter, or (train, test) index pairs",
                          f"an iterable of {type(pairs[0]).__name__ if pairs else 'nothing'}", raw=True)  # fmt: skip
    if pairs is not None:
        out = []
        allowed = f"folds whose (train, test) pairs are non-empty row indices in [0, {data.n})"
        for train, test in pairs:
            pair = (np.asarray(train), np.asarray(test))
            for part in pair:
                if part.ndim != 1 or part.size == 0 or part.dtype.kind not in "iu":
                    got = f"a fold of {part.dtype} indices, shape {part.shape}"
                    raise invalid("folds", "cross_validate", allowed, got, raw=True)
                if part.min() < 0 or part.max() >= data.n:
                    raise invalid("folds", "cross_validate", allowed, f"a row index {int(part.max())}", raw=True)
            if data.sample_weight is not None and not all(np.any(data.sample_weight[p] > 0) for p in pair):
                raise invalid("folds", "cross_validate", "folds whose rows do not all have weight 0", "such a fold",
                              raw=True)  # fmt: skip
            out.append(pair)
        if not out:
            raise invalid("folds", "cross_validate", allowed, "a splitter that gave no folds", raw=True)
        return out
    raise invalid("folds", "cross_validate", "an integer >= 2, a splitter with split(X, y), or (train, test) index "
                  "pairs", folds)  # fmt: skip


def _both_classes(splits: list[tuple[np.ndarray, np.ndarray]], data: Data) -> None:
    """A classifier is fit on two classes: a training fold of one class (its weighted rows)
    has no classifier to give (with an intercept, no minimizer at all)."""
    weights = data.weights
    for k, (train, _) in enumerate(splits):
        present = np.unique(data.y[train][weights[train] > 0])
        if present.size < 2:
            label = present.tolist() if data.classes is None else [data.classes[int(v > 0)] for v in present]
            raise invalid(
                "folds",
                "cross_validate",
                "folds whose training rows hold both classes (scikit-learn's StratifiedKFold keeps them in each)",
                f"training fold {k} with only the label {label}",
                raw=True,
            )


def _subset(data: Data, rows: np.ndarray) -> Data:
    s = None if data.sample_weight is None else data.sample_weight[rows]
    return Data(data.X[rows], data.y[rows], s, data.feature_names)


def _fold_scores(
    problem: Problem, data: Data, train: np.ndarray, test: np.ndarray, grid: np.ndarray, score: Callable[..., float]
) -> np.ndarray:
    fit, held = _subset(data, train), _subset(data, test)
    found = path(problem, fit.X, fit.y, grid, sample_weight=fit.sample_weight)
    eta = np.asarray(held.X @ found.coefs.T) + found.intercepts  # (n_test, k)
    values = [score(held.y, eta[:, k], held.sample_weight) for k in range(len(grid))]
    for value in values:  # a scoring function's result must be one real number
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            got = f"a {type(value).__name__}"
            raise invalid("scoring", "cross_validate", "a function returning one real number", got, raw=True)
    return np.array(values, dtype=float)


def cross_validate(
    problem: Problem,
    X: Any,
    y: Any,
    *,
    lams: Any = None,
    l1_ratios: Sequence[float] | None = None,
    folds: Any = 5,
    scoring: str | Callable[..., float] = "mse",
    n_jobs: int = 1,
    n_lams: int = 100,
    eps: float = 1e-3,
    sample_weight: Any = None,
    select: str = "best",
) -> CrossValidation:
    """Choose lam (and the elastic net's l1_ratio) by K-fold cross-validation over paths.

    Parameters
    ----------
    problem : Problem
        A ``Penalized`` problem; its lam is what is chosen.
    X, y, sample_weight : the data
    lams : array-like, optional
        The grid; default ``lambda_grid`` on all the data, for each l1_ratio.
    l1_ratios : list of float, optional
        Elastic-net mixing values to try (the penalty becomes ``ElasticNet(r)`` with its factors).
    folds : int, splitter or iterable of (train, test), default 5
        An integer gives contiguous folds, as scikit-learn's ``KFold`` without shuffling, so
        the same grid picks what ``LassoCV``/``ElasticNetCV`` pick; or an object with
        ``split(X, y)``; or (train, test) pairs of row indices, as scikit-learn's ``cv``.
        With a Dask ``X`` (``cvxreg.blocks``): an integer, folds of whole blocks of rows, and
        a scoring by name.
    scoring : {"mse", "mae", "log_loss", "accuracy", "poisson_deviance"} or callable
        A callable ``score(y_true, eta, sample_weight)`` is a loss (lower is better) of the
        linear predictor ``eta = X w + b``.
    n_jobs : int, default 1
        Folds in parallel with joblib.
    select : {"best", "one_se"}, default "best"
        The lam of the refit (``result``): the best mean score (glmnet's ``lambda.min``), or the
        largest lam within one standard error of it (``lambda.1se``, a sparser model).

    Returns
    -------
    CrossValidation
    """
    if problem.form.param_name != "lam":
        raise NotSupportedError(f"cross_validate chooses lam: give a Penalized problem, not {problem!r}.")
    if callable(scoring):
        score, higher = scoring, False
        scoring_name = getattr(scoring, "__name__", "custom")
    else:
        scoring_name = check_choice(scoring, "scoring", "cross_validate", tuple(SCORINGS))
        score, higher = SCORINGS[scoring_name]
    n_lams, eps = checked_grid_size(n_lams, eps, "cross_validate")
    check_choice(select, "select", "cross_validate", ("best", "one_se"))
    problems = _with_ratios(problem, l1_ratios)
    # Decreasing lam, as scikit-learn orders its grids: argmin then breaks ties the same way.
    given = None if lams is None else -np.sort(-checked_grid(lams, "lams"))
    if blocks.is_blocked(X):  # a Dask X: folds of whole blocks
        if problem.loss.least_squares and scoring_name == "mse":  # scored from their moments: no pass
            grids, scores = blocks.fold_scores(problems, X, y, sample_weight, folds, given, n_lams, eps)
        else:  # each fold's path by blocks, then scored on its blocks
            if callable(scoring):
                raise NotSupportedError("cross_validate on data by blocks takes a scoring by name, not a function.")
            grids, scores = blocks_newton.fold_scores(problems, X, y, sample_weight, folds, given, n_lams, eps, score)
        n_folds, everything = len(scores) // len(problems), (X, y, sample_weight, None, None)
    elif problem.loss.multi_output:  # the multinomial loss: (n, K) predictors
        from cvxreg import multinomial_path

        grids, scores, n_folds, everything, higher = multinomial_path.fold_scores(
            problems, X, y, sample_weight, folds, _splits, given, n_lams, eps, scoring,
            lambda tasks: _run(tasks, n_jobs, multinomial_path.fold_score),
        )
    else:
        data = problem.check_data(X, y, sample_weight, "cross_validate")
        splits = _splits(folds, data)
        if problem.loss.classification:
            _both_classes(splits, data)
        grids = [lambda_grid(p, data, n_lams, eps) if given is None else given for _, p in problems]
        tasks = [(p, data, tr, te, g, score) for (_, p), g in zip(problems, grids, strict=True) for tr, te in splits]
        scores = _run(tasks, n_jobs)
        n_folds = len(splits)
        everything = (data.X, data.y, data.sample_weight, data.classes, data.feature_names)
    table = _score_table(problems, grids, scores, n_folds, scoring_name)
    best_lam, best_ratio, one_se = _choose(table, problems, -1.0 if higher else 1.0)
    chosen = dict(problems)[best_ratio].with_form(Penalized(best_lam if select == "best" else one_se))
    X_all, y_all, weights, classes, names = everything
    result = chosen.solve(X_all, y_all, sample_weight=weights)
    result = dataclasses.replace(result, classes=classes, feature_names=names)
    if l1_ratios is None:
        table = table.drop(columns="l1_ratio")
    return CrossValidation(table, best_lam, best_ratio, one_se, result, scoring_name)


def _score_table(problems: list[tuple[float | None, Problem]], grids: list[Any], scores: list[Any], n_folds: int,
                 scoring_name: str) -> pd.DataFrame:  # fmt: skip
    """One row per (l1_ratio, lam): the mean, standard deviation and standard error over the
    folds, and each fold's score."""
    rows = []
    for k, ((ratio, _), grid) in enumerate(zip(problems, grids, strict=True)):
        per_fold = np.array(scores[k * n_folds : (k + 1) * n_folds])  # (folds, lams)
        for j, lam in enumerate(grid):
            vals = per_fold[:, j]
            row = {"l1_ratio": ratio, "lam": lam, "mean": vals.mean(), "std": vals.std()}
            row["se"] = row["std"] / math.sqrt(n_folds)
            row.update({f"fold{f}": v for f, v in enumerate(vals)})
            rows.append(row)
    table = pd.DataFrame(rows)
    if not np.any(np.isfinite(table["mean"].to_numpy(dtype=float))):
        raise InvalidParameterError(
            f"cross_validate: every lam scored NaN or inf with scoring {scoring_name!r} (empty test folds, or a "
            "score undefined on these labels): there is no best lam to choose. Use other folds or another scoring."
        )
    return table


def _choose(table: pd.DataFrame, problems: list[tuple[float | None, Problem]], sign: float) -> tuple[float, Any, float]:
    """The best ``(lam, l1_ratio)`` (the first l1_ratio wins ties, and within it the larger lam)
    and the largest lam within one standard error of it (``sign`` -1 where higher is better)."""
    best_i = None
    for ratio, _ in problems:
        block = table.index[table["l1_ratio"].isna() if ratio is None else table["l1_ratio"] == ratio]
        i = block[int(np.argmin(sign * table.loc[block, "mean"].to_numpy()))]
        if best_i is None or sign * table.at[i, "mean"] < sign * table.at[best_i, "mean"]:
            best_i = i
    assert best_i is not None
    best = table.loc[best_i]
    best_ratio = None if pd.isna(best["l1_ratio"]) else float(best["l1_ratio"])
    same = table[table["l1_ratio"].isna()] if best_ratio is None else table[table["l1_ratio"] == best_ratio]
    within = same[sign * same["mean"] <= sign * best["mean"] + best["se"]]
    return float(best["lam"]), best_ratio, float(within["lam"].max())


def _with_ratios(problem: Problem, l1_ratios: Sequence[float] | None) -> list[tuple[float | None, Problem]]:
    if l1_ratios is None:
        return [(None, problem)]
    try:
        factors = problem.penalty.as_elastic_net().factors
    except NotSupportedError:
        raise invalid(
            "l1_ratios", "cross_validate", "None for a penalty that is not L1, SquaredL2 or ElasticNet", l1_ratios
        ) from None
    if isinstance(l1_ratios, str | bytes) or not isinstance(l1_ratios, Sequence | np.ndarray):
        raise invalid("l1_ratios", "cross_validate", "None or a non-empty list of numbers in [0, 1]", l1_ratios)
    ratios = [check_real(r, "l1_ratios", "cross_validate", lo=0.0, hi=1.0) for r in list(l1_ratios)]
    if not ratios:
        raise invalid("l1_ratios", "cross_validate", "None or a non-empty list of numbers in [0, 1]", l1_ratios)
    return [(r, problem.with_penalty(ElasticNet(r, factors=factors))) for r in ratios]


def _run(tasks: list[tuple[Any, ...]], n_jobs: int, work: Callable[..., np.ndarray] | None = None) -> list[np.ndarray]:
    """``work(*task)`` for each task (a fold's path and its scores; ``_fold_scores`` by default),
    in order, on ``n_jobs`` joblib workers."""
    work = _fold_scores if work is None else work
    n_jobs = workers(check_jobs(n_jobs, "cross_validate"), len(tasks))
    if n_jobs == 1:
        scores = []
        with Progress(f"cross-validation of {len(tasks)} fold paths", len(tasks)) as step:
            for task in tasks:
                scores.append(work(*task))
                step()
        return scores
    try:
        from joblib import Parallel, delayed
    except ImportError:
        raise InvalidParameterError(
            "The 'n_jobs' parameter of cross_validate must be 1 without joblib (pip install 'cvxreg-lab[distributed]')."
        ) from None
    return list(Parallel(n_jobs=n_jobs)(delayed(work)(*task) for task in tasks))
