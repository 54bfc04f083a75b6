"""Reading answers: the fields an answer may give (a dict, a ``Result``, a coefficient array, or
a JSON, TOML or CSV file), each checked and named in an ``AnswerError`` when it is unusable."""

from __future__ import annotations

import csv
import json
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cvxreg._file_schema import BALL_FORMS
from cvxreg.errors import AnswerError
from cvxreg.result import Result

__all__ = ["Check", "normalize_answer", "read_answer", "short"]


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    value: float | None
    threshold: float | None
    detail: str


def _vector(value: Any, name: str, d: int | None) -> np.ndarray:
    raw = np.asarray(value, dtype=object).ravel() if isinstance(value, list | tuple | np.ndarray) else None
    if raw is not None and any(isinstance(v, bool | np.bool_ | str) for v in raw):  # [true] is not 1.0
        raise AnswerError(f"The answer's {name!r} must be a list of numbers. Got {short(value)}.")
    try:
        arr = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError, OverflowError, RecursionError):
        raise AnswerError(f"The answer's {name!r} must be a list of numbers. Got {short(value)}.") from None
    if d is not None and arr.size != d:
        raise AnswerError(f"The answer's {name!r} must have {d} entries (one per column of X). Got {arr.size}.")
    if not np.all(np.isfinite(arr)):
        raise AnswerError(f"The answer's {name!r} must be finite numbers. Got {arr.tolist()}.")
    return arr


def _scalar(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise AnswerError(f"The answer's {name!r} must be a number. Got {short(value)}.")
    try:
        out = float(value)
    except OverflowError:
        raise AnswerError(f"The answer's {name!r} must be a finite number. Got {short(value)}.") from None
    if not math.isfinite(out):
        raise AnswerError(f"The answer's {name!r} must be a finite number. Got {out!r}.")
    return out


def _scalars(value: Any, name: str) -> Any:
    """A number, or a list of numbers (a Composite penalty's multipliers, one per term)."""
    if isinstance(value, list | tuple | np.ndarray):
        return _vector(value, name, None)
    return _scalar(value, name)


def _indices(value: Any, name: str, d: int) -> tuple[int, ...] | None:
    if value is None:
        return None
    ok = isinstance(value, list | tuple) and all(isinstance(j, int) and not isinstance(j, bool) for j in value)
    if not ok or not all(0 <= j < d for j in value):
        raise AnswerError(f"The answer's {name!r} must be coefficient indices in 0..{d - 1}. Got {short(value)}.")
    return tuple(sorted(set(value)))


def _signs(value: Any, d: int) -> tuple[int, ...] | None:
    if value is None:
        return None
    ok = isinstance(value, list | tuple) and len(value) == d
    if not ok or not all(v in (-1, 0, 1) and not isinstance(v, bool) for v in value):
        raise AnswerError(f"The answer's 'signs' must be {d} entries, each -1, 0 or 1. Got {short(value)}.")
    return tuple(int(v) for v in value)


def _path_points(value: Any, d: int) -> list[dict[str, Any]] | None:
    """An answer's ``path``: a list of ``{lam (or t), coef, intercept, objective, dual}``."""
    if value is None:
        return None
    allowed = "a list of tables, each with 'lam' (or 't') and 'coef'"
    if not isinstance(value, list | tuple) or not all(isinstance(p, dict) for p in value):
        raise AnswerError(f"The answer's 'path' must be {allowed}. Got {short(value)}.")
    out = []
    for k, point in enumerate(value):
        names = [n for n in ("lam", "t") if n in point]
        if len(names) != 1 or "coef" not in point or set(point) - {*names, "coef", "intercept", "objective", "dual"}:
            raise AnswerError(f"The answer's 'path[{k}]' must be a table with 'lam' (or 't') and 'coef'.")
        if point[names[0]] is None:  # "lam": null gives no point of the path
            raise AnswerError(f"The answer's 'path[{k}].{names[0]}' must be a number. Got None.")
        out.append(
            {
                "param_name": names[0],
                "param": _scalars(point[names[0]], f"path[{k}].{names[0]}"),
                "coef": _vector(point["coef"], f"path[{k}].coef", d),
                "intercept": _scalar(point.get("intercept"), f"path[{k}].intercept"),
                "objective": _scalar(point.get("objective"), f"path[{k}].objective"),
                "dual": _scalars(point.get("dual"), f"path[{k}].dual"),
            }
        )
    return out


def short(value: Any) -> str:
    """What was received, never echoed at length (an answer file is not ours to print)."""
    text = repr(value)
    return text if len(text) <= 60 else f"{type(value).__name__} of {len(text)} characters"


def normalize_answer(answer: Any, d: int, n: int | None = None) -> dict[str, Any]:
    """``{"coef", "intercept", "objective", "dual"}`` from a dict, a Result or a coefficient array."""
    if isinstance(answer, Result):
        answer = {
            "coef": answer.coef,
            "intercept": answer.intercept,
            "objective": answer.objective,
            "dual": answer.dual,
            "constraint_duals": answer.constraint_duals,
            **({} if answer.lower_dual is None else {"lower_dual": answer.lower_dual, "upper_dual": answer.upper_dual}),
        }
    elif not isinstance(answer, dict):
        answer = {"coef": answer}
    fields = (
        "coef", "intercept", "objective", "dual", "constraint_duals", "lambda_max", "support", "signs", "df",
        "lower_dual", "upper_dual", "path", "multipliers", "observation_duals", "support_vectors", "interpolated",
        "path_breakpoints", "path_formula",
    )  # fmt: skip
    unknown = set(answer) - set(fields)
    if unknown:
        raise AnswerError(f"The answer has unknown field(s) {sorted(unknown)}; allowed: {', '.join(fields)}.")
    if "coef" not in answer and "path" not in answer:
        raise AnswerError("The answer must give 'coef' (or, for an exercise that asks for one, 'path').")
    duals = answer.get("constraint_duals")
    if duals is not None:
        if not isinstance(duals, list | tuple):
            raise AnswerError(f"The answer's 'constraint_duals' must be a list of lists of numbers. Got {duals!r}.")
        duals = tuple(_vector(v, f"constraint_duals[{k}]", None) for k, v in enumerate(duals))
    return {
        "coef": _vector(answer["coef"], "coef", d) if "coef" in answer else None,
        "support": _indices(answer.get("support"), "support", d),
        "signs": _signs(answer.get("signs"), d),
        "df": _scalar(answer.get("df"), "df"),
        "lower_dual": None if answer.get("lower_dual") is None else _vector(answer["lower_dual"], "lower_dual", d),
        "upper_dual": None if answer.get("upper_dual") is None else _vector(answer["upper_dual"], "upper_dual", d),
        "path": _path_points(answer.get("path"), d),
        "intercept": _scalar(answer.get("intercept"), "intercept"),
        "objective": _scalar(answer.get("objective"), "objective"),
        "dual": _scalars(answer.get("dual"), "dual"),
        "constraint_duals": duals,
        "lambda_max": _scalar(answer.get("lambda_max"), "lambda_max"),
        "multipliers": _multipliers(answer.get("multipliers")),
        **_per_observation(answer, n),
        "path_breakpoints": answer.get("path_breakpoints"),
        "path_formula": answer.get("path_formula"),
    }


def _per_observation(answer: dict[str, Any], n: int | None) -> dict[str, Any]:
    """``observation_duals`` (one per observation), ``support_vectors`` and ``interpolated``
    (observation indices)."""
    out: dict[str, Any] = {"observation_duals": None, "support_vectors": None, "interpolated": None}
    if answer.get("observation_duals") is not None:
        duals = _vector(answer["observation_duals"], "observation_duals", None)
        if n is not None and duals.size != n:
            raise AnswerError(f"The answer's 'observation_duals' must have {n} entries (one per observation).")
        out["observation_duals"] = duals
    for key in ("support_vectors", "interpolated"):
        value = answer.get(key)
        if value is None:
            continue
        ok = isinstance(value, list | tuple) and all(isinstance(i, int) and not isinstance(i, bool) for i in value)
        if not ok or (n is not None and not all(0 <= i < n for i in value)):
            allowed = f"observation indices in 0..{(n or 1) - 1}"
            raise AnswerError(f"The answer's {key!r} must be {allowed}. Got {short(value)}.")
        out[key] = tuple(sorted(set(value)))
    return out


def _multipliers(value: Any) -> dict[str, float] | None:
    """An answer's ``multipliers``: the multiplier of a Euclidean ball in the ways it names."""
    if value is None:
        return None
    if not isinstance(value, dict) or not value or not set(value) <= set(BALL_FORMS):
        allowed = "a table { norm = ..., half_squared_norm = ... } (either or both)"
        raise AnswerError(f"The answer's 'multipliers' must be {allowed}. Got {short(value)}.")
    return {k: _scalar(v, f"multipliers.{k}") for k, v in value.items()}


def read_answer(path: str | Path) -> dict[str, Any]:
    """Read an answer file: JSON or TOML (``coef``, ``intercept``, ``objective``, ``dual``), or a
    CSV of coefficients (one number per line, or a header ``coef`` / ``name,coef``)."""
    from cvxreg._file_schema import LIMITS

    path = Path(path)
    try:
        size = path.stat().st_size
        if size > LIMITS["file_bytes"]:  # checked before reading: never a gigabyte into memory
            raise AnswerError(
                f"{path}: is {size} bytes, above the limit of {LIMITS['file_bytes']} "
                f"(cvxreg.exercises.LIMITS['file_bytes'])."
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswerError(f"{path}: cannot be read ({exc}).") from exc
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            data = json.loads(text)
        elif suffix == ".toml":
            data = tomllib.loads(text)
        elif suffix == ".csv":
            rows = [r for r in csv.reader(text.splitlines()) if r and any(c.strip() for c in r)]
            if rows and not _is_number(rows[0][-1]):
                rows = rows[1:]
            bad = next((k for k, r in enumerate(rows) if not _is_number(r[-1])), None)
            if bad is not None:  # say where, never what: an answer file is not ours to echo
                raise AnswerError(f"{path}: line {bad + 1} of the coefficients is not a number.")
            data = {"coef": [float(r[-1]) for r in rows]}
        else:
            raise AnswerError(f"{path}: answer files must be .json, .toml or .csv. Got {suffix or 'no suffix'!r}.")
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:  # their messages give a position only
        raise AnswerError(f"{path}: is not a readable {suffix[1:].upper()} answer: {exc}.") from exc
    except (ValueError, OverflowError):
        raise AnswerError(f"{path}: is not a readable {suffix[1:].upper()} answer.") from None
    except RecursionError:
        raise AnswerError(f"{path}: is nested too deeply to be an answer.") from None
    if not isinstance(data, dict):
        raise AnswerError(f"{path}: the answer must be an object with 'coef'. Got {type(data).__name__}.")
    return data


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


