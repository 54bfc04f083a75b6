"""Reading problem files: the schema, typed access to fields (every error names the file and
the field), the data (inline or generated) and the formulation. ``cvxreg.exercises`` loads
whole files with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cvxreg._protocol import LOSS_NAMES, PENALTY_NAMES, Registry
from cvxreg._rational import RATIONAL_TEXT, parse_rational
from cvxreg.errors import InvalidParameterError, NotSupportedError, ProblemFileError
from cvxreg.forms import Constrained, Equality, Inequality, LinearConstraint, Penalized
from cvxreg.problem import Problem

__all__ = [
    "BALL_FORMS",
    "LIMITS",
    "LOSSES",
    "PENALTIES",
    "Notation",
    "Reader",
    "ball_form",
    "ball_multipliers",
    "check_keys",
    "fractions",
    "intercept_only",
    "is_number",
    "read_notation",
    "read_problem",
]  # fmt: skip


#: The names problem files use: each class's own ``file_name``, built-in or a user's (see
#: ``cvxreg._protocol.Registry``); read live, so a class defined later is found too.
LOSSES: Registry = LOSS_NAMES
PENALTIES: Registry = PENALTY_NAMES
#: What a problem file may ask for, checked before anything is read or allocated: its size in
#: bytes, and the entries of a generated design (n x d, times ``copies``). A trusted larger
#: file: raise them (``cvxreg.exercises.LIMITS["entries"] = 10**8``).
LIMITS: dict[str, int] = {"file_bytes": 5_000_000, "entries": 2_000_000}


# ------------------------------------------------------------------------------------- schema
def fractions(v: Any, depth: int = 0) -> Any:
    """Exact numbers written as strings ("4/7", "-1/3", "3", "0.25"), also in lists of lists,
    as floats (``cvxreg._file_exact`` reads them exactly where an exact answer is claimed)."""
    if isinstance(v, list) and depth < 3:
        return [fractions(x, depth + 1) for x in v]
    if isinstance(v, str) and RATIONAL_TEXT.match(v):
        try:
            return float(parse_rational(v))
        except InvalidParameterError:  # a zero denominator: left as text, refused where it is read
            return v
    return v


class Reader:
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
        v = fractions(self.get(key, default), depth=3)
        if v is None:
            return None
        ok = isinstance(v, int | float) and not isinstance(v, bool) and (not integer or isinstance(v, int))
        if not ok or (isinstance(v, float) and not math.isfinite(v)) or (lo is not None and v < lo):
            what = "an integer" if integer else "a finite number"
            raise self.fail(key, what + ("" if lo is None else f" >= {lo:g}"), v)
        return v

    def matrix(self, key: str, ndim: int, default: Any = ...) -> np.ndarray | None:
        v = fractions(self.get(key, default))
        if v is None:
            return None
        allowed = "a list of numbers" if ndim == 1 else "a list of equal-length rows of numbers"
        if _holds_bool(v, ndim):  # true/false would be read as 1/0
            raise self.fail(key, allowed + " (not true/false)", v)
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


def _holds_bool(v: Any, depth: int) -> bool:
    if isinstance(v, bool):
        return True
    return depth > 0 and isinstance(v, list) and any(_holds_bool(item, depth - 1) for item in v)


_TOP = {"id", "title", "source", "statement", "tags", "data", "formulation", "notation", "expected", "tolerance"}
_SECTIONS = {
    "data": {"X", "y", "sample_weight", "generate", "gram", "xty", "yty", "means", "n"},
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
        "x",
        "degree",
        "function",
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
        "scale",
        "support",
        "signs",
        "df",
        "lower_dual",
        "upper_dual",
        "fixed",
        "fit",
        "path",
        "multipliers",
        "observation_duals",
        "support_vectors",
        "interpolated",
        "path_breakpoints",
        "path_formula",
    },
    "tolerance": {"coef", "objective", "dual"},
    "notation": {"objective", "loss_factor", "term_factors", "lam", "t", "names"},
}


def check_keys(r: Reader) -> None:
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
def intercept_only(r: Reader) -> bool:
    """A file that gives ``y`` and no design: an intercept-only model (no dummy column to state)."""
    return all(r.get(f"data.{k}", None) is None for k in ("X", "generate", "gram"))


# ------------------------------------------------------------------------------------- formulation
def _bound_side(r: Reader, v: Any) -> Any:
    if v is None or (isinstance(v, str) and v.lower() == "none"):
        return None
    if isinstance(v, str):
        if v.lower() in ("inf", "-inf"):
            return float(v)
        raise r.fail("formulation.bounds", "[lower, upper], each a number, a list, 'inf', '-inf' or 'none'", v)
    if isinstance(v, bool) or (isinstance(v, list) and any(isinstance(x, bool) for x in v)):  # not 0 and 1
        raise r.fail("formulation.bounds", "[lower, upper], each a number, a list, 'inf', '-inf' or 'none'", v)
    if isinstance(v, list):  # TOML has no infinity literal in arrays of mixed kinds: accept "inf" strings
        try:
            return [float(x) for x in v]
        except (TypeError, ValueError):
            raise r.fail("formulation.bounds", "lists of numbers (or 'inf', '-inf')", v) from None
    return v


@dataclass(frozen=True)
class Notation:
    """The book's way of writing the problem: its objective (words), and how its numbers map
    to cvxreg's. The book's loss is ``loss_factor`` times cvxreg's (RSS is 2 x 1/2 RSS); its
    k-th penalty term is ``term_factors[k]`` times cvxreg's ``R_k`` (``||b||^2`` is 2 x
    ``SquaredL2``). So cvxreg's ``lam_k = book_lam_k term_factor_k / loss_factor``, ``t_k =
    book_t_k / term_factor_k``, a multiplier is ``book_mu_k term_factor_k / loss_factor`` and
    the objective is the book's divided by ``loss_factor``."""

    objective: str
    loss_factor: float
    term_factors: np.ndarray
    lam: np.ndarray | None = None
    t: np.ndarray | None = None
    names: tuple[str, ...] = ()

    def param(self, kind: str) -> Any:
        """cvxreg's lam or t from the book's (a float for one term)."""
        if kind == "lam":
            out = np.asarray(self.lam) * self.term_factors / self.loss_factor
        else:
            out = np.asarray(self.t) / self.term_factors
        return float(out[0]) if out.size == 1 else out

    def _factor(self, field: str) -> Any:
        """What a number of ``field`` in the book's scale is multiplied by to be cvxreg's: the
        objective's by ``1 / loss_factor``; a lam's (lambda_max's) and a multiplier's by
        ``term_factor / loss_factor``; a t's by ``1 / term_factor``."""
        if field == "objective":
            return 1.0 / self.loss_factor
        if field == "t":
            return 1.0 / self.term_factors
        return self.term_factors / self.loss_factor  # "lam", "lambda_max", "dual"

    def to_cvxreg(self, field: str, value: Any) -> Any:
        """An ``objective``, ``dual``, ``lam``, ``lambda_max`` or ``t`` in the book's scale, in cvxreg's."""
        if value is None:
            return None
        out = np.asarray(value, dtype=float) * self._factor(field)
        return float(np.ravel(out)[0]) if np.ndim(value) == 0 else out

    def to_book(self, field: str, value: Any) -> Any:
        """The inverse of ``to_cvxreg``."""
        if value is None:
            return None
        out = np.asarray(value, dtype=float) / self._factor(field)
        return float(np.ravel(out)[0]) if np.ndim(value) == 0 else out


def read_notation(r: Reader, n_terms: int) -> Notation | None:
    """``[notation]``: the book's objective, its scale factors and its parameters."""
    if r.get("notation", None) is None:
        return None
    key = "notation"
    objective = r.text(f"{key}.objective")
    loss_factor = r.number(f"{key}.loss_factor", 1.0, lo=0.0)
    if loss_factor <= 0:
        raise r.fail(f"{key}.loss_factor", "a number > 0", loss_factor)
    factors = fractions(r.get(f"{key}.term_factors", [1.0] * n_terms))
    if not isinstance(factors, list):
        factors = [factors]
    if len(factors) != n_terms or not all(is_number(f) and f > 0 for f in factors):
        raise r.fail(f"{key}.term_factors", f"{n_terms} numbers > 0 (one per penalty term)", factors)
    found: dict[str, Any] = {}
    for name in ("lam", "t"):
        v = fractions(r.get(f"{key}.{name}", None))
        if v is None:
            continue
        v = v if isinstance(v, list) else [v]
        if len(v) != n_terms or not all(is_number(x) and x >= 0 for x in v):
            raise r.fail(f"{key}.{name}", f"{n_terms} numbers >= 0 (the book's, one per penalty term)", v)
        found[name] = np.array(v, dtype=float)
    if len(found) == 2:  # the book's problem has one form: a lam or a t, not both
        raise r.fail(f"{key}.t", "absent when [notation] gives lam (one form per problem)", found["t"].tolist())
    names = r.get(f"{key}.names", [])
    if not isinstance(names, list) or not all(isinstance(x, str) for x in names) or len(names) not in (0, n_terms):
        raise r.fail(f"{key}.names", f"{n_terms} strings (the book's names of its parameters, one per term)", names)
    notation = Notation(objective, float(loss_factor), np.array(factors, dtype=float), names=tuple(names), **found)
    for name in found:  # the book's numbers in cvxreg's scale must be numbers too
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            ours = np.asarray(notation.param(name), dtype=float)
        if not np.all(np.isfinite(ours)):
            how = "lam = lam * term_factor / loss_factor" if name == "lam" else "t = t / term_factor"
            raise r.fail(f"{key}.{name}", f"values whose cvxreg {how} stays a finite number", found[name].tolist())
    return notation


def read_problem(r: Reader, d: int) -> Problem:
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
    if intercept_only(r):
        if not fit_intercept or pen_name != "none" or bounds is not None:
            allowed = "true, with no penalty and no bounds: [data] gives y alone, an intercept-only model"
            raise r.fail(f"{f}.fit_intercept", allowed, fit_intercept)
        bounds = [0.0, 0.0]  # the one internal column, held at 0
    if bounds is not None:
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise r.fail(f"{f}.bounds", "[lower, upper]", bounds)
        bounds = tuple(_bound_side(r, v) for v in bounds)
    field_of = {"lam": "penalized", "t": "constrained"}
    for key, needed in field_of.items():
        if form != needed and r.get(f"{f}.{key}", None) is not None:
            raise ProblemFileError(f"{r.path}: field '{f}.{key}' belongs to form '{needed}', not '{form}'.")
    try:
        loss = LOSSES[loss_name](**r.mapping(f"{f}.loss_params"), scale=scale)
    except (InvalidParameterError, TypeError) as exc:
        raise ProblemFileError(f"{r.path}: field '{f}.loss_params' is invalid for {loss_name!r}: {exc}") from exc
    try:  # "none": the L1 penalty at lam = 0, which adds nothing (and keeps an LP an LP for the solvers)
        penalty = PENALTIES["l1" if pen_name == "none" else pen_name].from_params(r.mapping(f"{f}.penalty_params"))
    except (InvalidParameterError, TypeError) as exc:
        raise ProblemFileError(f"{r.path}: field '{f}.penalty_params' is invalid for {pen_name!r}: {exc}") from exc
    try:  # indices and factors against the data, before anything of their size is built
        penalty.check_dim(d)
    except InvalidParameterError as exc:
        where = f"{r.path}: field '{f}.penalty_params'"
        raise ProblemFileError(f"{where} does not fit the data's {d} columns: {exc}") from exc
    kind = "lam" if form == "penalized" else "t"
    param_key = f"{f}.{kind}"
    notation = read_notation(r, penalty.n_terms)
    if pen_name == "none":
        value: Any = 0.0
    elif notation is not None and getattr(notation, kind) is not None:
        if r.get(param_key, None) is not None:  # one source of truth: the book's number
            allowed = f"absent: [notation] gives the book's {kind} and cvxreg derives its own"
            raise r.fail(param_key, allowed, r.get(param_key))
        value = notation.param(kind)
    elif penalty.n_terms > 1:
        value = _numbers(r, param_key, f"one number >= 0 per term of {penalty!r}")
    else:
        value = r.number(param_key, lo=0.0)
    form_obj = Penalized(value) if form == "penalized" else Constrained(value)
    if np.size(value) != penalty.n_terms:
        raise r.fail(param_key, f"{penalty.n_terms} numbers, one per term of {penalty!r}", r.get(param_key))
    return Problem(loss, penalty, form_obj, fit_intercept=fit_intercept, bounds=bounds, constraints=_constraints(r))


def _numbers(r: Reader, key: str, allowed: str) -> np.ndarray:
    v = fractions(r.get(key))
    if not isinstance(v, list) or not v or not all(is_number(x) and x >= 0 for x in v):
        raise r.fail(key, allowed, v)
    return np.array(v, dtype=float)


def is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and bool(np.isfinite(x))


def _constraints(r: Reader) -> list[LinearConstraint]:
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




#: The two ways of writing a Euclidean ball, whose multipliers differ (``mu_norm = mu_sq r``).
BALL_FORMS = {"norm": "||w|| <= r", "half_squared_norm": "1/2 ||w||^2 <= r^2/2"}


def ball_form(problem: Problem) -> tuple[str, float] | None:
    """How the constrained form's ball is written (``"norm"`` or ``"half_squared_norm"``) and
    its radius, for a Euclidean ball; None otherwise."""
    if problem.form.param_name != "t" or problem.penalty.n_terms != 1:
        return None
    try:
        return problem.penalty.euclidean_ball(float(problem.form.param_value))
    except NotSupportedError:
        return None


def ball_multipliers(problem: Problem, stated: dict[str, float]) -> dict[str, float]:
    """The ball's multiplier in both ways of writing it, from those ``stated`` (each converted
    by ``mu_norm = mu_sq r``); their mean where several are stated (they agree when loaded)."""
    form = ball_form(problem)
    assert form is not None
    radius = form[1]
    as_norm = [v if k == "norm" else v * radius for k, v in stated.items()]
    mu = float(np.mean(as_norm))
    return {"norm": mu, "half_squared_norm": mu / radius}
