"""Regularization paths and cross-validation.

A path solves one problem over a grid: ``lam`` from ``lam_max`` down (``Penalized``), or ``t``
(``Constrained``). Along a penalized path each answer starts from the previous one: the
active-set polish (``cvxreg.polish``) moves it to the exact minimizer at the next ``lam``,
adding coefficients that fail their optimality test and dropping those that reach zero. The
sequential strong rule (Tibshirani et al., JRSS-B 74, 2012) screens which zeros may enter
first; every zero is tested before an answer is accepted, so screening never changes it.
Each answer is certified on the full problem; a point the continuation cannot certify is
solved by the solver (the model is compiled once and re-used: the problems are DPP).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cvxreg import engine
from cvxreg import polish as polish_module
from cvxreg import solve as solve_module
from cvxreg._validation import Data, check_choice, check_real, invalid
from cvxreg.certificates import certify_path
from cvxreg.engine._gram import gram_path, gram_path_applies
from cvxreg.errors import InvalidParameterError, NotSupportedError
from cvxreg.forms import Constrained, Penalized
from cvxreg.penalties import ElasticNet
from cvxreg.result import Certificate, Result, Status

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["CrossValidation", "Path", "cross_validate", "lambda_grid", "path"]


@dataclass(frozen=True)
class Path:
    """Solutions of one problem over a grid of its parameter.

    Attributes
    ----------
    param_name : {"lam", "t"}
        Which parameter the grid holds.
    values : ndarray of shape (k,)
        The grid, in the order given (default: decreasing lam).
    coefs : ndarray of shape (k, d)
    intercepts, objectives : ndarray of shape (k,)
    penalty_values : ndarray of shape (k,)
        ``t = R(w)`` at each point: the radius of the constrained problem with the same answer.
    duals : ndarray of shape (k,) or None
        The multiplier ``mu(t)`` of ``R(w) <= t`` (constrained paths), which equals the lam
        whose penalized answer is the same.
    certificates : tuple of Certificate
    statuses : tuple of Status
    methods : tuple of str
        ``"continuation"`` (from the previous point by the active-set polish) or ``"solver"``.
    screened : ndarray of shape (k,)
        How many coefficients the strong rule held at zero before the full test.
    feature_names : tuple of str or None
    """

    param_name: str
    values: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    objectives: np.ndarray
    penalty_values: np.ndarray
    duals: np.ndarray | None
    certificates: tuple[Certificate | None, ...]
    statuses: tuple[Status, ...]
    methods: tuple[str, ...]
    screened: np.ndarray
    feature_names: tuple[str, ...] | None = None

    @property
    def lams(self) -> np.ndarray:
        """The lam of each point: the grid (penalized), or the multipliers (constrained)."""
        return self.values if self.param_name == "lam" else np.asarray(self.duals)

    @property
    def ts(self) -> np.ndarray:
        """The t of each point: the grid (constrained), or ``R(w)`` (penalized)."""
        return self.values if self.param_name == "t" else self.penalty_values

    @property
    def supports(self) -> list[np.ndarray]:
        """The indices of the nonzero coefficients at each point."""
        return [np.flatnonzero(row) for row in self.coefs]

    def to_frame(self) -> pd.DataFrame:
        """One row per point: lam, t, objective, intercept, number of nonzeros, KKT residual,
        status, method, screened, then one column per coefficient."""
        names = self.feature_names or tuple(f"x{j}" for j in range(self.coefs.shape[1]))
        kkt = [c.kkt_residual if c is not None else math.nan for c in self.certificates]
        head = pd.DataFrame(
            {
                "lam": self.lams,
                "t": self.ts,
                "objective": self.objectives,
                "intercept": self.intercepts,
                "n_nonzero": np.count_nonzero(self.coefs, axis=1),
                "kkt_residual": kkt,
                "status": [str(s) for s in self.statuses],
                "method": list(self.methods),
                "screened": self.screened,
            }
        )
        return pd.concat([head, pd.DataFrame(self.coefs, columns=list(names))], axis=1)


def lambda_grid(problem: Problem, data: Data, n_lams: int = 100, eps: float = 1e-3) -> np.ndarray:
    """``n_lams`` values from ``lam_max`` down to ``eps * lam_max``, evenly spaced in log scale
    (scikit-learn's and glmnet's default grid). When ``lam_max`` is 0 (y constant, or fitted
    by what is not penalized: every lam gives the same answer) the grid is ``n_lams`` copies of
    float64's resolution, as scikit-learn's ``LassoCV`` makes it."""
    lam_max = problem.lambda_max(data.X, data.y, sample_weight=data.sample_weight)
    if lam_max == 0:
        return np.full(n_lams, np.finfo(float).resolution)
    if not (math.isfinite(lam_max) and lam_max > 0):
        raise NotSupportedError(
            f"{problem!r} has lam_max = {lam_max:g} on these data, so there is no default grid: give lams."
        )
    return np.geomspace(lam_max, eps * lam_max, n_lams)


def _grid(values: Any, name: str) -> np.ndarray:
    allowed = "None or a non-empty 1-D array of finite numbers >= 0"
    try:
        grid = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise invalid(name, "Problem.path", allowed, values) from None
    if grid.ndim != 1 or grid.size == 0 or not np.all(np.isfinite(grid)) or np.any(grid < 0):
        raise invalid(name, "Problem.path", allowed, values)
    return grid


#: The most points a path may have (each holds d coefficients): checked before anything is allocated.
_MAX_LAMS = 100_000


def _no_misspelled_keywords(opts: dict[str, Any]) -> None:
    """Keywords that are not Problem.path's own go to the solver; one that is a near miss of its
    own (``n_lam=5``) is a typo, not a solver option, and would otherwise be ignored."""
    import difflib

    own = ("lams", "ts", "n_lams", "eps", "sample_weight", "screening", "solver")
    for key in opts:
        near = difflib.get_close_matches(key, own, n=1, cutoff=0.8)
        if near:
            allowed = f"a keyword of Problem.path (did you mean '{near[0]}'?) or a solver option"
            raise invalid(key, "Problem.path", allowed, opts[key])


def path(
    problem: Problem,
    X: Any,
    y: Any,
    lams: Any = None,
    *,
    ts: Any = None,
    n_lams: int = 100,
    eps: float = 1e-3,
    sample_weight: Any = None,
    screening: bool = True,
    solver: Any = None,
    **solver_opts: Any,
) -> Path:
    """Solve ``problem`` over a grid of lam (``Penalized``) or t (``Constrained``).

    Parameters
    ----------
    problem : Problem
        Its form's parameter is replaced by each grid value.
    X, y, sample_weight : the data
    lams : array-like, optional
        The grid of a penalized path; default ``lambda_grid`` (``n_lams`` values from
        ``lam_max`` down to ``eps * lam_max``).
    ts : array-like, optional
        The grid of a constrained path; default ``R(w(lam))`` along the default lam grid, so
        that the multipliers retrace it.
    n_lams : int, default 100
    eps : float, default 1e-3
    screening : bool, default True
        Screen with the sequential strong rule (never changes an answer; see the module).
    solver, **solver_opts
        For the points the solver answers.

    Returns
    -------
    Path
    """
    data = problem.check_data(X, y, sample_weight, "Problem.path")
    if problem.form.size > 1:
        raise NotSupportedError(
            f"{problem!r} has one {problem.form.param_name} per penalty term: a path runs over one number. "
            f"Solve each point with problem.with_form({type(problem.form).__name__}([...])), or fix the terms' "
            "ratios with WeightedSum and run the path over its one lam."
        )
    if not isinstance(n_lams, int) or isinstance(n_lams, bool) or not 1 <= n_lams <= _MAX_LAMS:
        raise invalid("n_lams", "Problem.path", f"an integer from 1 to {_MAX_LAMS}", n_lams)
    _no_misspelled_keywords(solver_opts)
    eps = check_real(eps, "eps", "Problem.path", lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    if problem.form.param_name == "t":
        if lams is not None:
            raise invalid("lams", "Problem.path", "None for a Constrained problem (give ts)", lams)
        if ts is None:
            penalized = problem.with_form(Penalized(0.0))
            grid = lambda_grid(penalized, data, n_lams, eps)
            ts = path(penalized, data.X, data.y, grid, sample_weight=data.sample_weight, solver=solver).penalty_values
        return _constrained_path(problem, data, _grid(ts, "ts"), solver, solver_opts)
    if ts is not None:
        raise invalid("ts", "Problem.path", "None for a Penalized problem (give lams)", ts)
    grid = lambda_grid(problem, data, n_lams, eps) if lams is None else _grid(lams, "lams")
    return _penalized_path(problem, data, grid, screening, solver, solver_opts)


def _penalized_path(
    problem: Problem, data: Data, grid: np.ndarray, screening: bool, solver: Any, opts: dict[str, Any]
) -> Path:
    order = np.argsort(-grid, kind="stable")  # from the largest lam down: each answer warms the next
    results: list[Result | None] = [None] * len(grid)
    methods = [""] * len(grid)
    screened = np.zeros(len(grid), dtype=int)
    if solver is None and not opts and np.all(grid > 0) and gram_path_applies(problem, data):
        found = _on_the_gram(problem, data, grid)
        if found is not None:  # every point certified on the data at 1e-9
            return _assemble(problem, data, "lam", grid, found, ["gram"] * len(grid), screened, duals=None)
    # The continuation starts from the answer at lam_max: every penalized coefficient at 0.
    previous = (float(np.max(grid)), _zero_answer(problem, data))
    with polish_module.one_blas_thread():
        _continue(problem, data, grid, order, results, methods, screened, previous, screening, solver, opts)
    return _assemble(problem, data, "lam", grid, results, methods, screened, duals=None)


def _continue(
    problem: Problem,
    data: Data,
    grid: np.ndarray,
    order: np.ndarray,
    results: list[Result | None],
    methods: list[str],
    screened: np.ndarray,
    previous: tuple[float, Result],
    screening: bool,
    solver: Any,
    opts: dict[str, Any],
) -> None:
    """Fill ``results`` along ``order``, each point from the previous one (see the module).

    Each point tries, in order: the active-set Newton continuation from the previous answer
    (dense data: it works on the support's columns, or on the least-squares factor of tall
    data, and is the fastest there); the engine, warm-started (sparse data, whose columns the
    continuation would densify, or where the continuation fails); then the solver."""
    sparse = sp.issparse(data.X)
    for i in order:
        lam = float(grid[i])
        here = problem.with_form(Penalized(lam))
        candidates = _strong_rule(here, data, previous) if screening and lam > 0 else None
        if candidates is not None:
            screened[i] = int(np.sum(~candidates & problem.penalty.penalized(data.d)))
        found, method = None, "continuation"
        if lam > 0 and not sparse:
            found = polish_module.polish(here, data, previous[1], candidates=candidates)
            if found is not None:
                found = here.certify(found, data)
                if found.certificate is None or not found.certificate.passed(1e-9):
                    found = None
        if found is None and solver is None and not opts and engine.applies(here, data):
            found, method = solve_module.by_engine(here, data, start=previous[1], candidates=candidates), "engine"
        if found is None:
            method = "solver"
            found = here.solve(data.X, data.y, sample_weight=data.sample_weight, solver=solver, **opts)
        methods[i], results[i] = method, found
        if found.ok:
            previous = (lam, found)


def _on_the_gram(problem: Problem, data: Data, grid: np.ndarray) -> list[Result | None] | None:
    """The whole path from the compiled Gram route (``engine._gram``), every point certified on
    the data; None when a point is not certified at 1e-9 (the general route then runs)."""
    found = gram_path(problem, data, grid)
    if found is None:
        return None
    coefs, intercepts = found
    if not problem.fit_intercept:
        intercepts = np.zeros(len(grid))
    certificates = certify_path(problem, data, grid, coefs, intercepts)
    if not all(cert.passed(1e-9) for cert in certificates):
        return None
    out: list[Result | None] = []
    for k, lam in enumerate(grid):
        w, b = coefs[k], float(intercepts[k])
        out.append(Result(
            coef=w, intercept=b, objective=problem.with_form(Penalized(float(lam))).objective_on(data, w, b),
            status=Status.OPTIMAL, solver="cvxreg-gram", certificate=certificates[k], polished=True,
            feature_names=data.feature_names,
        ))  # fmt: skip
    return out


def _zero_answer(problem: Problem, data: Data) -> Result:
    """``w = 0`` with the intercept fitted: the answer for every lam above lam_max."""
    b0 = problem.loss.intercept_only(data.y, data.sample_weight) if problem.fit_intercept else 0.0
    return Result(coef=np.zeros(data.d), intercept=b0, objective=math.nan, status=Status.OPTIMAL, solver="")


def _strong_rule(problem: Problem, data: Data, previous: tuple[float, Result]) -> np.ndarray | None:
    """Coefficients the sequential strong rule lets enter at ``lam``: nonzero ones, and zeros
    whose test fails at the smaller threshold ``2 lam - lam_prev`` (None when the penalty has
    no coordinate-wise test)."""
    lam_prev, res = previous
    lam = problem.form.param_value
    z = -polish_module.loss_gradient(problem, data, res.coef, res.intercept)
    try:
        keep = problem.penalty.zero_violation(z, max(2 * lam - lam_prev, 0.0)) > 0
    except NotSupportedError:
        return None
    return keep | (res.coef != 0)


def _constrained_path(problem: Problem, data: Data, grid: np.ndarray, solver: Any, opts: dict[str, Any]) -> Path:
    results: list[Result | None] = []
    for t in grid:
        here = problem.with_form(Constrained(float(t)))
        results.append(here.solve(data.X, data.y, sample_weight=data.sample_weight, solver=solver, **opts))
    duals = np.array([r.dual if r is not None and r.dual is not None else math.nan for r in results])
    zeros = np.zeros(len(grid), dtype=int)
    return _assemble(problem, data, "t", grid, results, ["solver"] * len(grid), zeros, duals)


def _assemble(
    problem: Problem,
    data: Data,
    name: str,
    grid: np.ndarray,
    results: list[Result | None],
    methods: list[str],
    screened: np.ndarray,
    duals: np.ndarray | None,
) -> Path:
    done = [r for r in results if r is not None]
    intercepts = np.array([r.intercept for r in done])
    objectives = np.array([r.objective for r in done])
    certificates = tuple(r.certificate for r in done)
    statuses = tuple(r.status for r in done)
    # The coefficients are moved into one array a point at a time, each Result let go as it is
    # copied: on wide data (20 x 50000) the path's answers would otherwise be held twice.
    coefs = np.empty((len(done), data.d) if done else (0, data.d))
    results.clear()
    for k in range(len(done)):
        coefs[k] = done[k].coef
        done[k] = None  # type: ignore[call-overload]
    return Path(
        param_name=name,
        values=grid.copy(),
        coefs=coefs,
        intercepts=intercepts,
        objectives=objectives,
        penalty_values=np.array([problem.penalty.value(w) if np.all(np.isfinite(w)) else math.nan for w in coefs]),
        duals=duals,
        certificates=certificates,
        statuses=statuses,
        methods=tuple(methods),
        screened=screened,
        feature_names=data.feature_names,
    )


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
        The problem at the best parameters, solved on all the data.
    scoring : str
    """

    table: pd.DataFrame
    best_lam: float
    best_l1_ratio: float | None
    one_se_lam: float
    result: Result
    scoring: str


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
    """Contiguous folds for an integer (scikit-learn's ``KFold`` without shuffling), else the
    splitter's ``split(X, y)``."""
    if isinstance(folds, int) and not isinstance(folds, bool):
        if not 2 <= folds <= data.n:
            raise invalid("folds", "cross_validate", f"an integer in [2, {data.n}] or a splitter", folds)
        sizes = np.full(folds, data.n // folds)
        sizes[: data.n % folds] += 1
        bounds = np.r_[0, np.cumsum(sizes)]
        everything = np.arange(data.n)
        return [(np.r_[everything[:lo], everything[hi:]], everything[lo:hi]) for lo, hi in itertools.pairwise(bounds)]
    if hasattr(folds, "split"):
        return [(np.asarray(tr), np.asarray(te)) for tr, te in folds.split(data.X, data.y)]
    raise invalid("folds", "cross_validate", "an integer >= 2 or a splitter with split(X, y)", folds)


def _subset(data: Data, rows: np.ndarray) -> Data:
    s = None if data.sample_weight is None else data.sample_weight[rows]
    return Data(data.X[rows], data.y[rows], s, data.feature_names)


def _fold_scores(
    problem: Problem, data: Data, train: np.ndarray, test: np.ndarray, grid: np.ndarray, score: Callable[..., float]
) -> np.ndarray:
    fit, held = _subset(data, train), _subset(data, test)
    found = path(problem, fit.X, fit.y, grid, sample_weight=fit.sample_weight)
    eta = np.asarray(held.X @ found.coefs.T) + found.intercepts  # (n_test, k)
    return np.array([score(held.y, eta[:, k], held.sample_weight) for k in range(len(grid))])


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
    folds : int or splitter, default 5
        An integer gives contiguous folds, as scikit-learn's ``KFold`` without shuffling, so
        the same grid picks what ``LassoCV``/``ElasticNetCV`` pick; or an object with
        ``split(X, y)``.
    scoring : {"mse", "mae", "log_loss", "accuracy", "poisson_deviance"} or callable
        A callable ``score(y_true, eta, sample_weight)`` is a loss (lower is better) of the
        linear predictor ``eta = X w + b``.
    n_jobs : int, default 1
        Folds in parallel with joblib.

    Returns
    -------
    CrossValidation
    """
    if problem.form.param_name != "lam":
        raise NotSupportedError(f"cross_validate chooses lam: give a Penalized problem, not {problem!r}.")
    data = problem.check_data(X, y, sample_weight, "cross_validate")
    if callable(scoring):
        score, higher = scoring, False
        scoring_name = getattr(scoring, "__name__", "custom")
    else:
        scoring_name = check_choice(scoring, "scoring", "cross_validate", tuple(SCORINGS))
        score, higher = SCORINGS[scoring_name]
    splits = _splits(folds, data)
    problems = _with_ratios(problem, l1_ratios)
    # Decreasing lam, as scikit-learn orders its grids: argmin then breaks ties the same way.
    given = None if lams is None else -np.sort(-_grid(lams, "lams"))
    grids = [lambda_grid(p, data, n_lams, eps) if given is None else given for _, p in problems]
    tasks = [(p, data, tr, te, g, score) for (_, p), g in zip(problems, grids, strict=True) for tr, te in splits]
    scores = _run(tasks, n_jobs)
    rows = []
    for k, ((ratio, _), grid) in enumerate(zip(problems, grids, strict=True)):
        per_fold = np.array(scores[k * len(splits) : (k + 1) * len(splits)])  # (folds, lams)
        for j, lam in enumerate(grid):
            vals = per_fold[:, j]
            row = {"l1_ratio": ratio, "lam": lam, "mean": vals.mean(), "std": vals.std()}
            row["se"] = row["std"] / math.sqrt(len(splits))
            row.update({f"fold{f}": v for f, v in enumerate(vals)})
            rows.append(row)
    table = pd.DataFrame(rows)
    sign = -1.0 if higher else 1.0
    best_i = None
    for ratio, _ in problems:  # first l1_ratio wins ties, and within it the larger lam
        block = table.index[table["l1_ratio"].isna() if ratio is None else table["l1_ratio"] == ratio]
        i = block[int(np.argmin(sign * table.loc[block, "mean"].to_numpy()))]
        if best_i is None or sign * table.at[i, "mean"] < sign * table.at[best_i, "mean"]:
            best_i = i
    assert best_i is not None
    best = table.loc[best_i]
    best_ratio = None if pd.isna(best["l1_ratio"]) else float(best["l1_ratio"])
    same = table[table["l1_ratio"].isna()] if best_ratio is None else table[table["l1_ratio"] == best_ratio]
    within = same[sign * same["mean"] <= sign * best["mean"] + best["se"]]
    chosen = dict(problems)[best_ratio].with_form(Penalized(float(best["lam"])))
    result = chosen.solve(data.X, data.y, sample_weight=data.sample_weight)
    result = dataclasses.replace(result, classes=data.classes, feature_names=data.feature_names)
    if l1_ratios is None:
        table = table.drop(columns="l1_ratio")
    return CrossValidation(table, float(best["lam"]), best_ratio, float(within["lam"].max()), result, scoring_name)


def _with_ratios(problem: Problem, l1_ratios: Sequence[float] | None) -> list[tuple[float | None, Problem]]:
    if l1_ratios is None:
        return [(None, problem)]
    try:
        factors = problem.penalty.as_elastic_net().factors
    except NotSupportedError:
        raise invalid(
            "l1_ratios", "cross_validate", "None for a penalty that is not L1, SquaredL2 or ElasticNet", l1_ratios
        ) from None
    ratios = [check_real(r, "l1_ratios", "cross_validate", lo=0.0, hi=1.0) for r in l1_ratios]
    if not ratios:
        raise invalid("l1_ratios", "cross_validate", "None or a non-empty list of numbers in [0, 1]", l1_ratios)
    return [(r, problem.with_penalty(ElasticNet(r, factors=factors))) for r in ratios]


def _run(tasks: list[tuple[Any, ...]], n_jobs: int) -> list[np.ndarray]:
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs == 0 or n_jobs < -1:
        raise invalid("n_jobs", "cross_validate", "a positive integer or -1 (all cores)", n_jobs)
    if n_jobs == 1:
        return [_fold_scores(*task) for task in tasks]
    try:
        from joblib import Parallel, delayed
    except ImportError:
        raise InvalidParameterError(
            "The 'n_jobs' parameter of cross_validate must be 1 without joblib (pip install 'cvxreg-lab[distributed]')."
        ) from None
    return list(Parallel(n_jobs=n_jobs)(delayed(_fold_scores)(*task) for task in tasks))
