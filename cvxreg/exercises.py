"""Problem files (TOML) and answer checking.

A problem file states one exercise or benchmark problem as data only: its citation, the
statement, the data (inline or a declarative generator), the formulation in cvxreg terms,
the expected answer with where it comes from, and tolerances. The schema is in
``docs/problem-files.md``; ``load(path)`` validates it and every error names the file, the
field and what is wrong.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from cvxreg._file_data import read_data
from cvxreg._file_exact import read_claims, read_moments, read_observations, read_path_exact
from cvxreg._file_expected import PathPoint, ball_multipliers_of, constraint_duals, path_points
from cvxreg._file_schema import (
    LIMITS,
    LOSSES,
    PENALTIES,
    Notation,
    Reader,
    ball_form,
    ball_multipliers,
    check_keys,
    fractions,
    intercept_only,
    is_number,
    read_notation,
    read_problem,
)
from cvxreg.errors import CvxregError, DCPError, InvalidParameterError, NotSupportedError, ProblemFileError
from cvxreg.exact import ExactAnswer, solve_exactly, solve_from_moments
from cvxreg.exact_path import ExactPath, exact_lasso_path
from cvxreg.grading import Verdict, grade
from cvxreg.problem import Problem
from cvxreg.quantities import df_unavailable
from cvxreg.result import Result, Status
from cvxreg.solvers import default_solver, solver_options

__all__ = [
    "LIMITS", "LOSSES", "PENALTIES", "Exercise", "bundled_dir", "bundled_files", "load", "load_all",
    "read_table", "resolve",
]  # fmt: skip

DEFAULT_TOL = {"coef": 1e-6, "objective": 1e-7, "dual": 1e-5}


# ------------------------------------------------------------------------------------- locating
def bundled_dir() -> Path | None:
    """The folder of bundled problem files: installed package data, else the source tree's."""
    try:
        root = resources.files("cvxreg.problems")
        path = Path(str(root))
        if path.is_dir() and any(path.glob("*.toml")):
            return path
    except ModuleNotFoundError:
        pass
    here = Path(__file__).resolve().parent.parent / "problems"
    return here if here.is_dir() else None


def bundled_files() -> list[Path]:
    d = bundled_dir()
    return sorted(d.glob("*.toml")) if d is not None else []


def _no_minimizer_reason(r: Reader, problem: Problem | None, X: np.ndarray, y: np.ndarray, s: Any) -> str:
    """Why the file's problem has no minimizer (it must have none: the file says so)."""
    from cvxreg.existence import no_minimizer

    if problem is None:
        raise r.fail("expected.outcome", "'rejected' for a formulation that is not convex", "no_minimizer")
    asked = [key for key in ("coef", "intercept", "objective", "dual", "path") if r.get(f"expected.{key}", None)]
    if asked:
        allowed = "absent: with outcome 'no_minimizer' there is no minimizer to state"
        raise r.fail(f"expected.{asked[0]}", allowed, "a value")
    reason = no_minimizer(problem, problem.check_data(X, y, s, owner=f"the problem file {r.path.name}"))
    if reason is None:
        allowed = "'solution': a minimizer exists (no direction lowers the objective for ever)"
        raise r.fail("expected.outcome", allowed, "no_minimizer")
    return reason


# ------------------------------------------------------------------------------------- exercise
@dataclass(frozen=True)
class Expected:
    outcome: str
    coef: np.ndarray | None
    intercept: float | None
    objective: float | None
    dual: float | None
    unique: bool
    origin: str
    error: str | None
    message_contains: tuple[str, ...]
    note: str = ""
    #: The multipliers of ``formulation.constraints``, one array per constraint (its rows).
    constraint_duals: tuple[np.ndarray, ...] | None = None
    #: The smallest lam at which every coefficient is 0 (an exercise may ask for it).
    lambda_max: float | None = None
    #: The active set (0-based indices of the nonzero coefficients) and the sign pattern.
    support: tuple[int, ...] | None = None
    signs: tuple[int, ...] | None = None
    #: Degrees of freedom of the fit.
    df: float | None = None
    #: Multipliers of the bounds ``w >= lower`` and ``w <= upper`` (one per coefficient).
    lower_dual: np.ndarray | None = None
    upper_dual: np.ndarray | None = None
    #: Coordinates every minimizer shares: (indices, values); checked even when not unique.
    fixed: tuple[np.ndarray, np.ndarray] | None = None
    #: The fit ``X w + b`` (unique for a strictly convex loss even when ``w`` is not).
    fit: np.ndarray | None = None
    #: Answers at several values of the form's parameter.
    path: tuple[PathPoint, ...] = ()
    #: For outcome "no_minimizer": why no point attains the infimum (the direction that proves it).
    reason: str = ""
    #: A Euclidean ball's multiplier in each way the file writes the ball (``"norm"``,
    #: ``"half_squared_norm"``); they agree (``mu_norm = mu_sq r``), and with ``dual``.
    multipliers: dict[str, float] | None = None
    #: The fields written exactly (``"35/16"``), as Fractions in cvxreg's scale.
    exact: dict[str, Any] = field(default_factory=dict)
    #: Per-observation multipliers, the support vectors (alpha_i > 0) and the observations on
    #: a kink of the loss (the interpolated ones of an LP fit).
    observation_duals: np.ndarray | None = None
    support_vectors: tuple[int, ...] | None = None
    interpolated: tuple[int, ...] | None = None
    #: The lasso path's breakpoints (the lams where its active set changes), exactly, and the
    #: path as formulas in lam, one piece per interval (``cvxreg.exact_path``).
    path_breakpoints: tuple[Any, ...] | None = None
    path_formula: tuple[Any, ...] | None = None
    #: What the lam of ``path_breakpoints`` and ``path_formula`` is multiplied by to be cvxreg's.
    path_lam_factor: Any = 1


@dataclass
class Exercise:
    """One problem file, loaded: data, formulation (``problem`` is None when it is refused),
    expected answer and tolerances. ``rejection`` holds the error a refused problem raised."""

    path: Path
    id: str
    title: str
    source: str
    statement: str
    X: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray | None
    problem: Problem | None
    expected: Expected
    tolerance: dict[str, float]
    tags: tuple[str, ...] = ()
    rejection: CvxregError | None = None
    formulation: dict[str, Any] = field(default_factory=dict)
    #: The book's notation and scale (``[notation]``), when the file states it.
    notation: Notation | None = None
    #: ``[data]`` gives ``y`` alone: the model is the intercept. ``X`` is then one column of
    #: zeros held at 0 (the file states no dummy column; answers give no ``coef``).
    intercept_only: bool = False
    #: ``[data]`` writes X and y out (not generated, not summary statistics): exact answers apply.
    exact_data: bool = False
    #: ``[data]``'s summary statistics as written (``gram``, ``xty``, ``yty``, ``n``, ``means``),
    #: from which least squares has an exact answer too (``cvxreg.exact.solve_from_moments``).
    moments: dict[str, Any] | None = None
    _exact: Any = field(default=None, repr=False, compare=False)

    def exact_answer(self) -> ExactAnswer:
        """The answer in rational arithmetic, proven by its optimality conditions
        (``cvxreg.exact``); ``NotSupportedError`` says why there is none."""
        if self._exact is None:
            if self.problem is not None and self.moments is not None:
                self._exact = solve_from_moments(self.problem, result=self.solve(), **self.moments)
            elif not self.exact_data or self.problem is None:
                why = "exact answers need a convex problem with [data] X and y, or summary statistics, written out"
                raise NotSupportedError(f"{self.id}: {why}.")
            else:
                self._exact = solve_exactly(self.problem, self.X, self.y, self.sample_weight, result=self.solve())
        return self._exact

    def exact_path(self) -> ExactPath:
        """The exact lasso path (``cvxreg.exact_path``); ``NotSupportedError`` says why there is none."""
        if not self.exact_data or self.problem is None:
            raise NotSupportedError(f"{self.id}: an exact path needs [data] X and y written out.")
        return exact_lasso_path(self.problem, self.X, self.y, self.sample_weight)

    def path_lam_factor(self) -> Any:
        """What the lam of the file's exact path (breakpoints, formulas) is multiplied by to be cvxreg's."""
        return self.expected.path_lam_factor

    def exact_or_solved(self) -> tuple[np.ndarray, float]:
        """A minimizer ``(w, b)``: the exact one when there is one, else a solve's."""
        try:
            found = self.exact_answer()
            return np.array([float(v) for v in found.coef]), float(found.intercept)
        except NotSupportedError:
            res = self.solve()
            return np.asarray(res.coef, dtype=float), float(res.intercept or 0.0)

    def solve(self, **solve_opts: Any) -> Result:
        """Solve with the default solver at tight settings (or with ``solve_opts``).

        A checker wants accuracy before speed, hence the tight settings. A refused problem
        raises its error.
        """
        if self.problem is None:
            assert self.rejection is not None
            raise self.rejection
        if not solve_opts:
            name = default_solver()
            solve_opts = {"solver": name, **(solver_options(name, "tight") if name else {})}
        return self.problem.solve(self.X, self.y, sample_weight=self.sample_weight, **solve_opts)

    def expected_result(self) -> Result | None:
        """The expected answer as a ``Result`` (None for refused or non-unique problems)."""
        e = self.expected
        if self.problem is None or not e.unique or e.coef is None:
            return None
        b = e.intercept if e.intercept is not None else 0.0
        objective = self.problem.objective_value(self.X, self.y, e.coef, b, sample_weight=self.sample_weight)
        return Result(
            coef=e.coef,
            intercept=b,
            objective=objective,
            status=Status.OPTIMAL,
            solver="expected",
            dual=e.dual,
            constraint_duals=e.constraint_duals,
        )

    def check(self, answer: Any) -> Verdict:
        """Grade ``answer`` (a dict, a ``Result`` or a coefficient array); see ``cvxreg.grading``."""
        return grade(self, answer)


def resolve(name: str | Path) -> Path:
    """The problem file ``name`` names: a path to a file, or the id of a bundled problem
    (``"sklearn-lasso-toy"``, as ``cvxreg list`` shows them)."""
    path = Path(name)
    if path.exists() or path.suffix.lower() == ".toml" or len(path.parts) > 1:
        return path
    bundled = {f.stem: f for f in bundled_files()}
    if str(name) in bundled:
        return bundled[str(name)]
    raise ProblemFileError(
        f"{name}: no such file, and no bundled problem has this id (`cvxreg list` shows the "
        f"{len(bundled)} bundled problems)."
    )


def _dual(r: Reader, problem: Problem | None) -> Any:
    """``expected.dual``: a number, or one per term of a Composite penalty."""
    k = 1 if problem is None else problem.penalty.n_terms
    if k == 1:
        return r.number("expected.dual", None)
    v = fractions(r.get("expected.dual", None))
    if v is None:
        return None
    if not isinstance(v, list) or len(v) != k or not all(is_number(x) for x in v):
        raise r.fail("expected.dual", f"{k} numbers, one multiplier per term of {problem.penalty!r}", v)
    return np.array(v, dtype=float)


def _asked(r: Reader, n: int, d: int, problem: Problem | None) -> dict[str, Any]:
    """The quantities besides coef/intercept/objective/dual an exercise may ask for."""
    e = "expected"
    out: dict[str, Any] = {}
    support = r.get(f"{e}.support", None)
    if support is not None:
        ok = isinstance(support, list) and all(type(j) is int and 0 <= j < d for j in support)
        if not ok or len(set(support)) != len(support):
            raise r.fail(f"{e}.support", f"a list of distinct coefficient indices in 0..{d - 1}", support)
        out["support"] = tuple(sorted(support))
    signs = r.get(f"{e}.signs", None)
    if signs is not None:
        if not isinstance(signs, list) or len(signs) != d or not all(type(v) is int and v in (-1, 0, 1) for v in signs):
            raise r.fail(f"{e}.signs", f"{d} entries, each -1, 0 or 1 (one per coefficient)", signs)
        out["signs"] = tuple(signs)
    out["df"] = r.number(f"{e}.df", None, lo=0.0)
    for side in ("lower_dual", "upper_dual"):
        v = r.matrix(f"{e}.{side}", 1, None)
        if v is not None and (len(v) != d or problem is None or problem.bounds is None):
            raise r.fail(f"{e}.{side}", f"{d} numbers (one per coefficient), with formulation.bounds", v.tolist())
        out[side] = v
    fixed = r.get(f"{e}.fixed", None)
    if fixed is not None:
        allowed = f"{{ index = [...], value = [...] }}: coefficient indices in 0..{d - 1} and their values"
        if not isinstance(fixed, dict) or set(fixed) != {"index", "value"}:
            raise r.fail(f"{e}.fixed", allowed, fixed)
        idx, val = fixed["index"], fractions(fixed["value"])
        ok = isinstance(idx, list) and isinstance(val, list) and len(idx) == len(val) > 0
        if not ok or not all(type(j) is int and 0 <= j < d for j in idx) or not all(is_number(v) for v in val):
            raise r.fail(f"{e}.fixed", allowed, fixed)
        out["fixed"] = (np.array(idx, dtype=int), np.array(val, dtype=float))
    fit = r.matrix(f"{e}.fit", 1, None)
    if fit is not None and len(fit) != n:
        raise r.fail(f"{e}.fit", f"{n} numbers (X w + b, one per row of X)", fit.tolist())
    out["fit"] = fit
    out["path"] = path_points(r, d, problem)
    out["multipliers"] = ball_multipliers_of(r, problem, _dual)
    out.update(read_observations(r, problem, n))
    return out


def load(path: str | Path) -> Exercise:
    """Read and validate one problem file (TOML, parsed as data only); ``path`` may also be
    the id of a bundled problem."""
    path = resolve(path)
    r = Reader(path, _parse(path))
    check_keys(r)
    ident = r.text("id")
    X, y, s = read_data(r)
    problem, rejection = None, None
    try:
        problem = read_problem(r, X.shape[1])
    except DCPError as exc:
        rejection = exc
    except InvalidParameterError as exc:  # a value the classes refuse: say which file
        raise ProblemFileError(f"{path}: [formulation] (or [notation]) is refused: {exc}") from exc
    expected = _expected(r, problem, X.shape)
    if problem is not None:
        try:  # the data must suit the problem (labels for a classifier, counts for Poisson, ...)
            problem.check_data(X, y, s, owner=f"the problem file {path.name}")
        except InvalidParameterError as exc:
            raise ProblemFileError(f"{path}: field 'data' does not suit the formulation: {exc}") from exc
        expected = dataclasses.replace(expected, constraint_duals=constraint_duals(r, problem))
        why = None if expected.df is None else df_unavailable(problem)
        if why is not None:
            raise r.fail("expected.df", "asked only where degrees of freedom are defined", why)
    _check_gram(r, problem, expected)
    notation = read_notation(r, 1 if problem is None else problem.penalty.n_terms)
    only_b = intercept_only(r)
    kind = "lam" if problem is None else problem.form.param_name
    expected = _in_cvxreg_terms(r, expected, notation, only_b, kind)
    exact_data = r.get("data.generate", None) is None and r.get("data.gram", None) is None
    moments = read_moments(r)
    expected = dataclasses.replace(expected, exact=_claims(r, notation, exact_data or moments is not None))
    expected = dataclasses.replace(expected, **read_path_exact(r, X.shape[1], notation, exact_data))
    if expected.outcome == "no_minimizer":
        expected = dataclasses.replace(expected, reason=_no_minimizer_reason(r, problem, X, y, s))
    _check_outcome(r, expected, rejection, X.shape[1])
    tags = r.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise r.fail("tags", "a list of strings", tags)
    return Exercise(
        path=path,
        id=ident,
        **{key: r.text(key) for key in ("title", "source", "statement")},
        X=X,
        y=y,
        sample_weight=s,
        problem=problem,
        expected=expected,
        tolerance=_tolerances(r),
        tags=tuple(tags),
        rejection=rejection,
        formulation=dict(r.get("formulation")),
        notation=notation,
        intercept_only=only_b,
        exact_data=exact_data,
        moments=moments,
    )


def _claims(r: Reader, notation: Notation | None, exact_data: bool) -> dict[str, Any]:
    """``[expected]``'s numbers written exactly, in cvxreg's scale (with X and y or summary
    statistics written out: a generator gives floats, and a text number there is read as one)."""
    if not exact_data:
        return {}
    book = r.get("expected.scale", "cvxreg") == "book" and notation is not None
    factor = (lambda f: float(np.ravel(notation._factor(f))[0])) if book and notation is not None else None
    try:
        claims = read_claims(r.get("expected", {}), f"{r.path}: expected", factor)
    except InvalidParameterError as exc:
        raise ProblemFileError(str(exc)) from None
    return claims


def _parse(path: Path) -> dict[str, Any]:
    """The file's TOML, within the size limit; every failure a ``ProblemFileError`` naming it."""
    try:
        size = path.stat().st_size
        if size > LIMITS["file_bytes"]:
            raise ProblemFileError(
                f"{path}: is {size} bytes, above the limit of {LIMITS['file_bytes']} "
                f"(cvxreg.exercises.LIMITS['file_bytes'])."
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ProblemFileError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProblemFileError(f"{path}: is not valid TOML: {exc}.") from exc
    except RecursionError:
        raise ProblemFileError(f"{path}: is nested too deeply to be a problem file.") from None


def _expected(r: Reader, problem: Problem | None, shape: tuple[int, int]) -> Expected:
    """``[expected]``: the outcome and every answer the file states, as written."""
    outcome = r.choice("expected.outcome", ("solution", "rejected", "no_minimizer"), "solution")
    unique = r.get("expected.unique", True)
    if not isinstance(unique, bool):
        raise r.fail("expected.unique", "true or false", unique)
    msgs = r.get("expected.message_contains", [])
    if not isinstance(msgs, list) or not all(isinstance(m, str) for m in msgs):
        raise r.fail("expected.message_contains", "a list of strings", msgs)
    expected = Expected(
        outcome=outcome,
        coef=r.matrix("expected.coef", 1, None),
        intercept=r.number("expected.intercept", None),
        objective=r.number("expected.objective", None),
        dual=_dual(r, problem),
        lambda_max=r.number("expected.lambda_max", None, lo=0.0),
        unique=unique,
        origin=r.text("expected.origin"),
        error=r.choice("expected.error", ("DCPError",), None) if outcome == "rejected" else None,
        message_contains=tuple(msgs),
        note=r.text("expected.note") if r.get("expected.note", None) is not None else "",
    )
    expected = dataclasses.replace(expected, **_asked(r, shape[0], shape[1], problem))
    if expected.multipliers is not None and expected.dual is None and problem is not None:
        form = ball_form(problem)  # the multiplier in the formulation's own way of writing the ball
        assert form is not None
        expected = dataclasses.replace(expected, dual=ball_multipliers(problem, expected.multipliers)[form[0]])
    return expected


def _check_gram(r: Reader, problem: Problem | None, expected: Expected) -> None:
    """Summary statistics fix every least-squares objective: without the means and n, only the
    unscaled one without an intercept."""
    if r.get("data.gram", None) is not None and problem is not None:
        centred = r.get("data.means", None) is not None
        plain = problem.loss.scale == "sum" and not problem.fit_intercept
        if not problem.loss.least_squares or not (centred or plain) or expected.fit is not None:
            allowed = ("used with loss 'squared' and no expected.fit, and with scale 'sum' and no intercept unless "
                       "'data.means' and 'data.n' are given (all X'X, X'y, y'y, the means and n fix)")  # fmt: skip
            raise r.fail("data.gram", allowed, "a Gram matrix with this formulation")


def _in_cvxreg_terms(r: Reader, expected: Expected, notation: Notation | None, only_b: bool, kind: str) -> Expected:
    """The answers in cvxreg's terms: an intercept-only model's empty coefficients, and the
    book's objective, multipliers, lambda_max and path (its lam or t, ``kind``) in cvxreg's
    scale (``expected.scale = "book"``)."""
    if only_b:
        if expected.coef is not None:
            allowed = "absent: [data] gives y alone, an intercept-only model"
            raise r.fail("expected.coef", allowed, expected.coef.tolist())
        expected = dataclasses.replace(expected, coef=np.zeros(1))
    if r.choice("expected.scale", ("cvxreg", "book"), "cvxreg") == "book":  # the book's objective and multipliers
        if notation is None:
            raise r.fail("expected.scale", "'cvxreg' unless the file has a [notation] table", "book")
        expected = dataclasses.replace(
            expected,
            objective=notation.to_cvxreg("objective", expected.objective),
            dual=notation.to_cvxreg("dual", expected.dual),
            lambda_max=notation.to_cvxreg("lambda_max", expected.lambda_max),
            observation_duals=notation.to_cvxreg("objective", expected.observation_duals),
            path=tuple(book_point(notation, point, kind) for point in expected.path),
        )
    return expected


def book_point(notation: Notation, point: PathPoint, kind: str) -> PathPoint:
    """A path point written in the book's scale (its ``kind``, lam or t, its objective and
    multiplier), in cvxreg's."""
    return dataclasses.replace(
        point,
        param=notation.to_cvxreg(kind, point.param),
        objective=notation.to_cvxreg("objective", point.objective),
        dual=notation.to_cvxreg("dual", point.dual),
    )


def _check_outcome(r: Reader, expected: Expected, rejection: Any, d: int) -> None:
    """The answers the outcome needs are there, and the formulation's fate is the one expected."""
    path, outcome = r.path, expected.outcome
    if outcome == "solution" and expected.coef is None and expected.objective is None and not expected.path:
        raise ProblemFileError(f"{path}: [expected] needs 'coef', 'objective' or 'path' for outcome 'solution'.")
    if outcome == "rejected" and expected.error is None:
        raise ProblemFileError(f"{path}: field 'expected.error' is required for outcome 'rejected'.")
    if expected.coef is not None and len(expected.coef) != d:
        raise r.fail("expected.coef", f"a list of {d} numbers (one per column of X)", expected.coef.tolist())
    if outcome == "solution" and rejection is not None:
        raise ProblemFileError(f"{path}: expects a solution but the formulation is refused: {rejection}")
    if outcome == "rejected" and rejection is None:
        raise ProblemFileError(f"{path}: expects a rejection but the formulation is accepted as convex.")


def _tolerances(r: Reader) -> dict[str, float]:
    tol = dict(DEFAULT_TOL)
    for key in DEFAULT_TOL:
        v = r.number(f"tolerance.{key}", None, lo=0.0)
        if v is not None:
            tol[key] = float(v)
    return tol


def read_table(name: str, table: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, Problem | None]:
    """``(X, y, sample_weight, problem)`` from the ``data`` and ``formulation`` tables of a
    problem file parsed elsewhere (``name`` appears in errors); ``problem`` is None when the
    table has no formulation or states one that is refused as not convex."""
    r = Reader(Path(name), table)
    X, y, s = read_data(r)
    try:
        problem = read_problem(r, X.shape[1]) if r.get("formulation", None) is not None else None
    except DCPError:
        problem = None
    return X, y, s, problem


def load_all(directory: str | Path | None = None) -> list[Exercise]:
    """Every ``*.toml`` in ``directory`` (default: the bundled problems), sorted by file name;
    two files with one id are a ``ProblemFileError`` (an answer could not say which it answers)."""
    files = sorted(Path(directory).glob("*.toml")) if directory is not None else bundled_files()
    out: list[Exercise] = []
    seen: dict[str, Path] = {}
    for f in files:
        ex = load(f)
        if ex.id in seen:
            raise ProblemFileError(f"{f}: has id {ex.id!r}, as {seen[ex.id].name} does; give each file its own id.")
        seen[ex.id] = ex.path
        out.append(ex)
    return out
