"""Problem files (TOML) and answer checking.

A problem file states one exercise or benchmark problem as data only: its citation, the
statement, the data (inline or a declarative generator), the formulation in cvxreg terms,
the expected answer with where it comes from, and tolerances. The schema is in
``docs/problem-files.md``; ``load(path)`` validates it and every error names the file, the
field and what is wrong.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from cvxreg import losses as L
from cvxreg import penalties as P
from cvxreg.errors import CvxregError, DCPError, InvalidParameterError, ProblemFileError
from cvxreg.forms import Constrained, Equality, Inequality, LinearConstraint, Penalized
from cvxreg.grading import Verdict, grade
from cvxreg.problem import Problem
from cvxreg.result import Result, Status
from cvxreg.solvers import default_solver, solver_options

__all__ = ["LIMITS", "Exercise", "bundled_dir", "bundled_files", "load", "load_all", "read_table", "resolve"]


def _registry(module: Any) -> dict[str, Callable[..., Any]]:
    """``file_name -> class`` for the classes a module exports that name themselves."""
    out = {}
    for name in module.__all__:
        cls = getattr(module, name)
        key = cls.__dict__.get("file_name")
        if key is not None:
            out[key] = cls
    return out


#: The names problem files use: each built-in class's own ``file_name``.
LOSSES: dict[str, Callable[..., L.Loss]] = _registry(L)
PENALTIES: dict[str, Callable[..., P.Penalty]] = _registry(P)
DESIGNS = ("gaussian", "orthonormal", "identity", "equal_columns", "correlated")
RESPONSES = ("linear", "labels", "counts")

#: What a problem file may ask for, checked before anything is read or allocated: its size in
#: bytes, and the entries of a generated design (n x d, times ``copies``). A trusted larger
#: file: raise them (``cvxreg.exercises.LIMITS["entries"] = 10**8``).
LIMITS: dict[str, int] = {"file_bytes": 5_000_000, "entries": 2_000_000}
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


# ------------------------------------------------------------------------------------- schema
_FRACTION = re.compile(r"^\s*[-+]?\d{1,30}\s*/\s*\d{1,30}\s*$")


def _fractions(v: Any, depth: int = 0) -> Any:
    """Exact fractions written as strings ("4/7", "-1/3"), also in lists of lists, as floats."""
    if isinstance(v, list) and depth < 3:
        return [_fractions(x, depth + 1) for x in v]
    if isinstance(v, str) and _FRACTION.match(v) and int(v.split("/")[1]) != 0:
        return float(Fraction(int(v.split("/")[0]), int(v.split("/")[1])))
    return v


class _Reader:
    """Typed access to a parsed TOML table; every failure names the file and the field."""

    def __init__(self, path: Path, table: dict[str, Any]):
        self.path = path
        self.table = table

    def fail(self, key: str, allowed: str, got: Any) -> ProblemFileError:
        shown = repr(got) if not isinstance(got, list) or len(repr(got)) < 60 else f"a list of {len(got)} items"
        return ProblemFileError(f"{self.path}: field {key!r} must be {allowed}. Got {shown}.")

    def get(self, key: str, default: Any = ...) -> Any:
        node: Any = self.table
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is ...:
                    raise ProblemFileError(f"{self.path}: field {key!r} is required but missing.")
                return default
            node = node[part]
        return node

    def text(self, key: str, default: Any = ...) -> str:
        v = self.get(key, default)
        if not isinstance(v, str) or not v.strip():
            raise self.fail(key, "a non-empty string", v)
        return v

    def number(self, key: str, default: Any = ..., *, lo: float | None = None, integer: bool = False) -> Any:
        v = _fractions(self.get(key, default), depth=3)
        if v is None:
            return None
        ok = isinstance(v, int | float) and not isinstance(v, bool) and (not integer or isinstance(v, int))
        if not ok or (isinstance(v, float) and not math.isfinite(v)) or (lo is not None and v < lo):
            what = "an integer" if integer else "a finite number"
            raise self.fail(key, what + ("" if lo is None else f" >= {lo:g}"), v)
        return v

    def matrix(self, key: str, ndim: int, default: Any = ...) -> np.ndarray | None:
        v = _fractions(self.get(key, default))
        if v is None:
            return None
        allowed = "a list of numbers" if ndim == 1 else "a list of equal-length rows of numbers"
        try:
            arr = np.asarray(v, dtype=float)
        except (TypeError, ValueError, OverflowError, RecursionError):
            raise self.fail(key, allowed, v) from None
        if arr.ndim != ndim or arr.size == 0 or not np.all(np.isfinite(arr)):
            raise self.fail(key, allowed + " (finite)", v)
        return arr

    def choice(self, key: str, choices: tuple[str, ...], default: Any = ...) -> str:
        v = self.get(key, default)
        if v not in choices:
            raise self.fail(key, "one of " + ", ".join(map(repr, choices)), v)
        return v

    def mapping(self, key: str) -> dict[str, Any]:
        v = self.get(key, {})
        if not isinstance(v, dict):
            raise self.fail(key, "a table of parameters", v)
        return v


_TOP = {"id", "title", "source", "statement", "tags", "data", "formulation", "expected", "tolerance"}
_SECTIONS = {
    "data": {"X", "y", "sample_weight", "generate"},
    "data.generate": {
        "design",
        "n",
        "d",
        "seed",
        "noise",
        "coef",
        "rounding",
        "center",
        "rho",
        "response",
        "intercept",
        "copies",
    },
    "formulation": {
        "loss",
        "loss_params",
        "scale",
        "penalty",
        "penalty_params",
        "form",
        "lam",
        "t",
        "fit_intercept",
        "bounds",
        "constraints",
    },
    "expected": {
        "outcome",
        "coef",
        "intercept",
        "objective",
        "dual",
        "constraint_duals",
        "lambda_max",
        "unique",
        "origin",
        "error",
        "message_contains",
        "note",
    },
    "tolerance": {"coef", "objective", "dual"},
}


def _check_keys(r: _Reader) -> None:
    extra = set(r.table) - _TOP
    if extra:
        raise ProblemFileError(f"{r.path}: unknown top-level field(s) {sorted(extra)}; allowed: {sorted(_TOP)}.")
    for section, allowed in _SECTIONS.items():
        node = r.get(section, None)
        if node is None:
            continue
        if not isinstance(node, dict):
            raise r.fail(section, "a table", node)
        extra = set(node) - allowed
        if extra:
            raise ProblemFileError(
                f"{r.path}: unknown field(s) {sorted(extra)} in [{section}]; allowed: {sorted(allowed)}."
            )


# ------------------------------------------------------------------------------------- data
def _generate(r: _Reader) -> tuple[np.ndarray, np.ndarray]:
    g = "data.generate"
    design = r.choice(f"{g}.design", DESIGNS)
    n = r.number(f"{g}.n", lo=1, integer=True)
    d = r.number(f"{g}.d", n if design == "identity" else ..., lo=1, integer=True)
    seed = r.number(f"{g}.seed", 0, lo=0, integer=True)
    noise = r.number(f"{g}.noise", 0.0, lo=0.0)
    rounding = r.number(f"{g}.rounding", None, lo=0, integer=True)
    response = r.choice(f"{g}.response", RESPONSES, "linear")
    copies = r.number(f"{g}.copies", 2, lo=2, integer=True) if design == "equal_columns" else 1
    if n * d * copies > LIMITS["entries"]:
        raise r.fail(
            f"{g}.n",
            f"a design of at most {LIMITS['entries']} entries (cvxreg.exercises.LIMITS['entries'])",
            f"n = {n}, d = {d}" + (f", copies = {copies}" if copies > 1 else ""),
        )
    rng = np.random.default_rng(seed)
    if design == "identity":
        if n != d:
            raise r.fail(f"{g}.d", f"equal to n = {n} for the identity design", d)
        X = np.eye(n)
    elif design == "orthonormal":
        if n < d:
            raise r.fail(f"{g}.n", f"at least d = {d} for an orthonormal design", n)
        A = rng.standard_normal((n, d))
        if r.get(f"{g}.center", False):
            A = A - A.mean(axis=0)
        X = np.linalg.qr(A)[0]
    elif design == "equal_columns":
        base = rng.standard_normal((n, d))
        X = np.repeat(base, copies, axis=1)  # each column repeated `copies` times, side by side
    elif design == "correlated":
        rho = r.number(f"{g}.rho", 0.9)
        if not -1 < rho < 1:
            raise r.fail(f"{g}.rho", "a number in (-1, 1)", rho)
        cov = rho ** np.abs(np.subtract.outer(np.arange(d), np.arange(d)))
        X = rng.standard_normal((n, d)) @ np.linalg.cholesky(cov).T
    else:
        X = rng.standard_normal((n, d))
    p = X.shape[1]
    coef = r.matrix(f"{g}.coef", 1, None)
    if coef is None:
        coef = np.zeros(p)
    if len(coef) != p:
        raise r.fail(f"{g}.coef", f"a list of {p} numbers (one per column)", coef.tolist())
    eta = X @ coef + r.number(f"{g}.intercept", 0.0)
    if response == "labels":
        y = np.where(eta + noise * rng.standard_normal(n) >= 0, 1.0, -1.0)
    elif response == "counts":
        y = rng.poisson(np.exp(eta)).astype(float)
    else:
        y = eta + noise * rng.standard_normal(n)
    if rounding is not None:
        X, y = np.round(X, rounding), np.round(y, rounding)
    return X, y


def _data(r: _Reader) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    if r.get("data.generate", None) is not None:
        if r.get("data.X", None) is not None:
            raise ProblemFileError(f"{r.path}: [data] gives both 'X' and 'generate'; use one.")
        X, y = _generate(r)
        y_inline = r.matrix("data.y", 1, None)
        if y_inline is not None:
            y = y_inline
    else:
        X = r.matrix("data.X", 2)
        y = r.matrix("data.y", 1)
    assert X is not None and y is not None
    if len(y) != X.shape[0]:
        raise r.fail("data.y", f"a list of {X.shape[0]} numbers (one per row of X)", y.tolist())
    s = r.matrix("data.sample_weight", 1, None)
    return X, y, s


# ------------------------------------------------------------------------------------- formulation
def _bound_side(r: _Reader, v: Any) -> Any:
    if v is None or (isinstance(v, str) and v.lower() == "none"):
        return None
    if isinstance(v, str):
        if v.lower() in ("inf", "-inf"):
            return float(v)
        raise r.fail("formulation.bounds", "[lower, upper], each a number, a list, 'inf', '-inf' or 'none'", v)
    if isinstance(v, list):  # TOML has no infinity literal in arrays of mixed kinds: accept "inf" strings
        try:
            return [float(x) for x in v]
        except (TypeError, ValueError):
            raise r.fail("formulation.bounds", "lists of numbers (or 'inf', '-inf')", v) from None
    return v


def _problem(r: _Reader, d: int) -> Problem:
    f = "formulation"
    loss_name = r.choice(f"{f}.loss", tuple(LOSSES))
    pen_name = r.choice(f"{f}.penalty", (*PENALTIES, "none"), "none")
    if pen_name == "none":  # an unpenalized model: no dummy penalty to state
        for key in ("penalty_params", "lam", "t"):
            if r.get(f"{f}.{key}", None) is not None:
                raise ProblemFileError(f"{r.path}: field '{f}.{key}' needs a penalty; this formulation has none.")
        if r.get(f"{f}.form", "penalized") != "penalized":
            raise r.fail(f"{f}.form", "'penalized' (or absent) without a penalty", r.get(f"{f}.form"))
    form = r.choice(f"{f}.form", ("penalized", "constrained"), "penalized" if pen_name == "none" else ...)
    scale = r.choice(f"{f}.scale", ("sum", "mean"), "sum")
    fit_intercept = r.get(f"{f}.fit_intercept", False)
    if not isinstance(fit_intercept, bool):
        raise r.fail(f"{f}.fit_intercept", "true or false", fit_intercept)
    bounds = r.get(f"{f}.bounds", None)
    if bounds is not None:
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise r.fail(f"{f}.bounds", "[lower, upper]", bounds)
        bounds = tuple(_bound_side(r, v) for v in bounds)
    field_of = {"lam": "penalized", "t": "constrained"}
    for key, needed in field_of.items():
        if form != needed and r.get(f"{f}.{key}", None) is not None:
            raise ProblemFileError(f"{r.path}: field '{f}.{key}' belongs to form '{needed}', not '{form}'.")
    value = 0.0 if pen_name == "none" else r.number(f"{f}.{'lam' if form == 'penalized' else 't'}", lo=0.0)
    try:
        loss = LOSSES[loss_name](**r.mapping(f"{f}.loss_params"), scale=scale)
    except (InvalidParameterError, TypeError) as exc:
        raise ProblemFileError(f"{r.path}: field '{f}.loss_params' is invalid for {loss_name!r}: {exc}") from exc
    try:  # "none": the squared L2 penalty at lam = 0, which adds nothing
        penalty = PENALTIES["squared_l2" if pen_name == "none" else pen_name](**r.mapping(f"{f}.penalty_params"))
    except (InvalidParameterError, TypeError) as exc:
        raise ProblemFileError(f"{r.path}: field '{f}.penalty_params' is invalid for {pen_name!r}: {exc}") from exc
    try:  # indices and factors against the data, before anything of their size is built
        penalty.check_dim(d)
    except InvalidParameterError as exc:
        where = f"{r.path}: field '{f}.penalty_params'"
        raise ProblemFileError(f"{where} does not fit the data's {d} columns: {exc}") from exc
    form_obj = Penalized(value) if form == "penalized" else Constrained(value)
    return Problem(loss, penalty, form_obj, fit_intercept=fit_intercept, bounds=bounds, constraints=_constraints(r))


def _constraint_duals(r: _Reader, problem: Problem) -> tuple[np.ndarray, ...] | None:
    """``expected.constraint_duals``: one list of multipliers per constraint, one per row."""
    key = "expected.constraint_duals"
    v = r.get(key, None)
    if v is None:
        return None
    shapes = [c.matrix.shape[0] for c in problem.constraints]
    allowed = f"one list of numbers per constraint with {shapes} entries (one per row)"
    if not isinstance(v, list) or len(v) != len(shapes):
        raise r.fail(key, allowed, v)
    out = []
    for item, rows in zip(v, shapes, strict=True):
        try:
            arr = np.asarray(item, dtype=float).ravel()
        except (TypeError, ValueError):
            raise r.fail(key, allowed, v) from None
        if arr.size != rows or not np.all(np.isfinite(arr)):
            raise r.fail(key, allowed, v)
        out.append(arr)
    return tuple(out)


def _constraints(r: _Reader) -> list[LinearConstraint]:
    """``[[formulation.constraints]]`` tables: ``kind`` (equality or inequality), ``matrix``, ``rhs``."""
    key = "formulation.constraints"
    items = r.get(key, [])
    if not isinstance(items, list) or not all(isinstance(t, dict) for t in items):
        raise r.fail(key, "an array of tables with kind, matrix and rhs", items)
    out: list[LinearConstraint] = []
    for k, table in enumerate(items):
        field = f"{key}[{k}]"
        extra = set(table) - {"kind", "matrix", "rhs"}
        if extra:
            allowed = "allowed: kind, matrix, rhs"
            raise ProblemFileError(f"{r.path}: unknown field(s) {sorted(extra)} in {field}; {allowed}.")
        kind = table.get("kind")
        if kind not in ("equality", "inequality"):
            raise r.fail(f"{field}.kind", "'equality' or 'inequality'", kind)
        try:
            out.append((Equality if kind == "equality" else Inequality)(table.get("matrix"), table.get("rhs")))
        except InvalidParameterError as exc:
            raise ProblemFileError(f"{r.path}: field {field!r} is invalid: {exc}") from exc
    return out


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


def load(path: str | Path) -> Exercise:
    """Read and validate one problem file (TOML, parsed as data only); ``path`` may also be
    the id of a bundled problem."""
    path = resolve(path)
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
        table = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProblemFileError(f"{path}: is not valid TOML: {exc}.") from exc
    except RecursionError:
        raise ProblemFileError(f"{path}: is nested too deeply to be a problem file.") from None
    r = _Reader(path, table)
    _check_keys(r)
    ident = r.text("id")
    X, y, s = _data(r)
    outcome = r.choice("expected.outcome", ("solution", "rejected"), "solution")
    unique = r.get("expected.unique", True)
    if not isinstance(unique, bool):
        raise r.fail("expected.unique", "true or false", unique)
    msgs = r.get("expected.message_contains", [])
    if not isinstance(msgs, list) or not all(isinstance(m, str) for m in msgs):
        raise r.fail("expected.message_contains", "a list of strings", msgs)
    problem, rejection = None, None
    try:
        problem = _problem(r, X.shape[1])
    except DCPError as exc:
        rejection = exc
    expected = Expected(
        outcome=outcome,
        coef=r.matrix("expected.coef", 1, None),
        intercept=r.number("expected.intercept", None),
        objective=r.number("expected.objective", None),
        dual=r.number("expected.dual", None),
        lambda_max=r.number("expected.lambda_max", None, lo=0.0),
        unique=unique,
        origin=r.text("expected.origin"),
        error=r.choice("expected.error", ("DCPError",), None) if outcome == "rejected" else None,
        message_contains=tuple(msgs),
        note=r.text("expected.note") if r.get("expected.note", None) is not None else "",
    )
    if problem is not None:
        try:  # the data must suit the problem (labels for a classifier, counts for Poisson, ...)
            problem.check_data(X, y, s, owner=f"the problem file {path.name}")
        except InvalidParameterError as exc:
            raise ProblemFileError(f"{path}: field 'data' does not suit the formulation: {exc}") from exc
        expected = dataclasses.replace(expected, constraint_duals=_constraint_duals(r, problem))
    if outcome == "solution" and expected.coef is None and expected.objective is None:
        raise ProblemFileError(f"{path}: [expected] needs 'coef' or 'objective' for outcome 'solution'.")
    if outcome == "rejected" and expected.error is None:
        raise ProblemFileError(f"{path}: field 'expected.error' is required for outcome 'rejected'.")
    if expected.coef is not None and len(expected.coef) != X.shape[1]:
        raise r.fail("expected.coef", f"a list of {X.shape[1]} numbers (one per column of X)", expected.coef.tolist())
    tol = dict(DEFAULT_TOL)
    for key in DEFAULT_TOL:
        v = r.number(f"tolerance.{key}", None, lo=0.0)
        if v is not None:
            tol[key] = float(v)
    if outcome == "solution" and rejection is not None:
        raise ProblemFileError(f"{path}: expects a solution but the formulation is refused: {rejection}")
    if outcome == "rejected" and rejection is None:
        raise ProblemFileError(f"{path}: expects a rejection but the formulation is accepted as convex.")
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
        tolerance=tol,
        tags=tuple(tags),
        rejection=rejection,
        formulation=dict(r.get("formulation")),
    )


def read_table(name: str, table: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, Problem | None]:
    """``(X, y, sample_weight, problem)`` from the ``data`` and ``formulation`` tables of a
    problem file parsed elsewhere (``name`` appears in errors); ``problem`` is None when the
    table has no formulation or states one that is refused as not convex."""
    r = _Reader(Path(name), table)
    X, y, s = _data(r)
    try:
        problem = _problem(r, X.shape[1]) if r.get("formulation", None) is not None else None
    except DCPError:
        problem = None
    return X, y, s, problem


def load_all(directory: str | Path | None = None) -> list[Exercise]:
    """Every ``*.toml`` in ``directory`` (default: the bundled problems), sorted by file name."""
    files = sorted(Path(directory).glob("*.toml")) if directory is not None else bundled_files()
    return [load(f) for f in files]
