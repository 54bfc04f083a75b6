"""Regularization paths (cross-validation over them is ``cvxreg.cross_validation``).

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
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from cvxreg import engine
from cvxreg import polish as polish_module
from cvxreg import solve as solve_module
from cvxreg._html import facts_html, few
from cvxreg._progress import Progress
from cvxreg._validation import Data, check_choice, check_real, invalid
from cvxreg.certificates import certify_path
from cvxreg.engine._gram import gram_path, gram_path_applies
from cvxreg.errors import NotSupportedError
from cvxreg.forms import Constrained, Penalized
from cvxreg.result import Certificate, Result, Status

if TYPE_CHECKING:
    import pandas as pd

    from cvxreg.problem import Problem

__all__ = ["Path", "checked_grid", "lambda_grid", "path"]


@dataclass(frozen=True)
class Path:
    """Solutions of one problem over a grid of its parameter.

    Attributes
    ----------
    param_name : {"lam", "t"}
        Which parameter the grid holds.
    values : ndarray of shape (k,)
        The grid, in the order given (default: decreasing lam).
    coefs : ndarray of shape (k, d), or (k, d, K) for the multinomial loss
    intercepts, objectives : ndarray of shape (k,) (intercepts (k, K) for the multinomial loss)
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
    classes : tuple or None
        The class labels of the multinomial loss's last axis.
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
    #: The class labels of the last axis of ``coefs`` for the multinomial loss (``(points, d, K)``).
    classes: tuple[Any, ...] | None = None

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

    @property
    def coefficient_names(self) -> tuple[str, ...]:
        """One name per coefficient of a point, in ``coefs[k].ravel()`` order: the features, or
        ``feature[class]`` for the multinomial loss."""
        names = self.feature_names or tuple(f"x{j}" for j in range(self.coefs.shape[1]))
        if self.coefs.ndim == 3:
            return tuple(f"{name}[{label}]" for name in names for label in (self.classes or range(self.coefs.shape[2])))
        return tuple(names)

    def _flat(self) -> np.ndarray:
        """``coefs`` with one row per point (the multinomial ``(d, K)`` flattened by rows)."""
        return self.coefs.reshape(self.coefs.shape[0], -1)

    def __repr__(self) -> str:
        import pandas as pd

        k, d = self._flat().shape
        nonzero = np.count_nonzero(self._flat(), axis=1)
        grid = f"{k} points from {self.values[0]:.4g} to {self.values[-1]:.4g}" if k else "no points"
        counts = pd.Series([str(s) for s in self.statuses]).value_counts()
        statuses = ", ".join(f"{n} {s}" for s, n in counts.items())
        support = f"; nonzeros {nonzero.min()} to {nonzero.max()} of {d}" if k else ""
        return f"Path({self.param_name}: {grid}{support}; {statuses or 'no status'})"

    def plot(self, *, against: str = "lam", chosen: float | None = None, ax: Any = None) -> Any:
        """Each coefficient against lam (log axis) or against ``t = R(w)`` (``against="t"``),
        ``chosen`` (say ``cross_validate``'s ``best_lam``) marked, as glmnet's ``plot.glmnet``
        draws a path; on ``ax`` when given. Returns the matplotlib figure (the ``plot`` extra)."""
        from cvxreg._path_figures import draw_path

        check_choice(against, "against", "Path.plot", ("lam", "t"))
        return draw_path(self, against=against, chosen=chosen, ax=ax)

    def _repr_html_(self) -> str:
        """In a notebook: what the path is, then its points (lam, t, objective, nonzeros, KKT
        residual, status, method), the first and last five of a long path."""
        columns = ["lam", "t", "objective", "n_nonzero", "kkt_residual", "status", "method"]
        frame = self.to_frame()[columns]
        note = f"{len(frame) - 10} points not shown; Path.to_frame() has them all" if len(frame) > 10 else ""
        return facts_html(repr(self), [], few(frame), note)

    def to_frame(self) -> pd.DataFrame:
        """One row per point: lam, t, objective, intercept, number of nonzeros, KKT residual,
        status, method, screened, then one column per coefficient."""
        import pandas as pd

        kkt = [c.kkt_residual if c is not None else math.nan for c in self.certificates]
        head = pd.DataFrame(
            {
                "lam": self.lams,
                "t": self.ts,
                "objective": self.objectives,
                "intercept": list(self.intercepts) if self.intercepts.ndim > 1 else self.intercepts,
                "n_nonzero": np.count_nonzero(self._flat(), axis=1),
                "kkt_residual": kkt,
                "status": [str(s) for s in self.statuses],
                "method": list(self.methods),
                "screened": self.screened,
            }
        )
        return pd.concat([head, pd.DataFrame(self._flat(), columns=list(self.coefficient_names))], axis=1)


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


def checked_grid(values: Any, name: str) -> np.ndarray:
    """A grid of lam or t as given by a user: a non-empty 1-D array of finite numbers >= 0."""
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


def checked_grid_size(n_lams: Any, eps: Any, owner: str) -> tuple[int, float]:
    """``n_lams`` (an integer from 1 to 100,000) and ``eps`` (in (0, 1)) of a default lam grid."""
    if not isinstance(n_lams, int | np.integer) or isinstance(n_lams, bool) or not 1 <= n_lams <= _MAX_LAMS:
        raise invalid("n_lams", owner, f"an integer from 1 to {_MAX_LAMS}", n_lams)
    return int(n_lams), check_real(eps, "eps", owner, lo=0.0, hi=1.0, lo_open=True, hi_open=True)


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
    n_lams, eps = checked_grid_size(n_lams, eps, "Problem.path")
    _no_misspelled_keywords(solver_opts)
    if problem.form.param_name == "t":
        if lams is not None:
            raise invalid("lams", "Problem.path", "None for a Constrained problem (give ts)", lams)
        if ts is None:
            penalized = problem.with_form(Penalized(0.0))
            grid = lambda_grid(penalized, data, n_lams, eps)
            ts = path(penalized, data.X, data.y, grid, sample_weight=data.sample_weight, solver=solver).penalty_values
        return _constrained_path(problem, data, checked_grid(ts, "ts"), solver, solver_opts)
    if ts is not None:
        raise invalid("ts", "Problem.path", "None for a Penalized problem (give lams)", ts)
    grid = lambda_grid(problem, data, n_lams, eps) if lams is None else checked_grid(lams, "lams")
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
    # Each point's coefficients go into the path's array as soon as it is solved (its Result
    # keeps the rest): on wide data (20 x 50000) they would otherwise be held twice at the end.
    coefs = np.empty((len(grid), data.d))
    with polish_module.one_blas_thread():
        _continue(problem, data, grid, order, results, methods, screened, previous, screening, solver, opts, coefs)
    return _assemble(problem, data, "lam", grid, results, methods, screened, duals=None, coefs=coefs)


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
    coefs: np.ndarray,
) -> None:
    """Fill ``results`` (and their coefficients, ``coefs``) along ``order``, each point from the
    previous one (see the module).

    Each point tries, in order: the active-set Newton continuation from the previous answer
    (dense data: it works on the support's columns, or on the least-squares factor of tall
    data, and is the fastest there); the engine, warm-started (sparse data, whose columns the
    continuation would densify, or where the continuation fails); then the solver."""
    sparse = sp.issparse(data.X)
    with Progress(f"path of {len(order)} points", len(order)) as step:
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
            elif found is None and solver is None and not opts and engine.group_applies(here, data):
                found, method = solve_module.by_blocks(here, data, start=previous[1]), "engine"
            if found is None:
                method = "solver"
                found = here.solve(data.X, data.y, sample_weight=data.sample_weight, solver=solver, **opts)
            coefs[i] = found.coef
            methods[i], results[i] = method, dataclasses.replace(found, coef=np.empty(0))  # its coef is in coefs
            if found.ok:  # the next warm start reads its coefficients from coefs: not a second copy
                row = coefs[i]
                row.setflags(write=False)  # a read-only view, which Result keeps without copying
                previous = (lam, dataclasses.replace(found, coef=row))
            step()


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
    # Exact zeros where the KKT conditions prove them (at lam_max the Gram route can leave 2e-13).
    tiny = (coefs != 0) & (np.abs(coefs) <= 1e-9 * np.maximum(1.0, np.max(np.abs(coefs), axis=1, keepdims=True)))
    if np.any(tiny):
        zeroed = np.where(tiny, 0.0, coefs)
        again = certify_path(problem, data, grid, zeroed, intercepts)
        for k in np.flatnonzero(tiny.any(axis=1)):
            if again[k].passed(1e-9) and again[k].worst <= max(certificates[k].worst, 1e-12):
                coefs[k], certificates[k] = zeroed[k], again[k]
    out: list[Result | None] = []
    coefs.setflags(write=False)  # each point's Result keeps its row as it is (a view, no copy)
    loss, pen, sw = problem.loss, problem.penalty, data.sample_weight
    for k, lam in enumerate(grid):
        w, b = coefs[k], float(intercepts[k])
        # objective_on's arithmetic (loss.value + lam * R(w), the penalized form's), without its
        # checks of arguments made here: a hundred points per fold in cross-validation.
        out.append(Result(
            coef=w, intercept=b, objective=loss.value(data.X, data.y, w, b, sw) + float(lam) * pen.value(w),
            status=Status.OPTIMAL, solver="cvxreg-gram", certificate=certificates[k], polished=True,
            feature_names=data.feature_names,
        ))  # fmt: skip
    return out


def _zero_answer(problem: Problem, data: Data) -> Result:
    """``w = 0`` with the intercept fitted: the answer for every lam above lam_max."""
    b0 = problem.loss.intercept_only(data.y, data.sample_weight) if problem.fit_intercept else 0.0
    # A read-only view of one zero, which Result keeps as it is: no vector of length d at all.
    zeros = np.broadcast_to(0.0, (data.d,))
    return Result(coef=zeros, intercept=b0, objective=math.nan, status=Status.OPTIMAL, solver="")


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
    coefs: np.ndarray | None = None,
) -> Path:
    """The ``Path`` of the points solved (``results``; their coefficients in ``coefs`` when the
    caller kept them there)."""
    done = [r for r in results if r is not None]
    intercepts = np.array([r.intercept for r in done])
    objectives = np.array([r.objective for r in done])
    certificates = tuple(r.certificate for r in done)
    statuses = tuple(r.status for r in done)
    if coefs is not None:
        coefs = coefs[[k for k, r in enumerate(results) if r is not None]] if len(done) < len(results) else coefs
    else:  # moved into one array a point at a time, each Result let go as it is copied
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
