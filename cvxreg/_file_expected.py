"""Reading a problem file's ``[expected]`` table: the path, a ball's multipliers written both
ways, the constraints' multipliers (``cvxreg.exercises`` assembles the rest)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cvxreg._file_schema import BALL_FORMS, Reader, ball_form, ball_multipliers, fractions, is_number
from cvxreg.problem import Problem

__all__ = ["PathPoint", "ball_multipliers_of", "constraint_duals", "path_points"]


@dataclass(frozen=True)
class PathPoint:
    """The expected answer at one value of lam (or t) of a path."""

    param: Any
    coef: np.ndarray | None
    intercept: float | None = None
    objective: float | None = None
    dual: Any = None


def constraint_duals(r: Reader, problem: Problem) -> tuple[np.ndarray, ...] | None:
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


def ball_multipliers_of(r: Reader, problem: Problem | None, dual_of: Any) -> dict[str, float] | None:
    """``expected.multipliers``: a Euclidean ball's multiplier written both ways (or either),
    which must agree with each other and with ``expected.dual``."""
    key = "expected.multipliers"
    table = r.get(key, None)
    if table is None:
        return None
    form = None if problem is None else ball_form(problem)
    if form is None or problem is None:
        raise r.fail(key, "given for a constrained Euclidean ball (penalty 'l2' or 'squared_l2', form 'constrained')",
                     table)  # fmt: skip
    if not isinstance(table, dict) or not table or not set(table) <= set(BALL_FORMS):
        raise r.fail(key, "{ norm = ..., half_squared_norm = ... } (either or both)", table)
    out = {}
    for name, value in table.items():
        value = fractions(value)
        if not is_number(value) or value < 0:
            raise r.fail(f"{key}.{name}", "a number >= 0", value)
        out[name] = float(value)
    both = ball_multipliers(problem, out)
    dual = dual_of(r, problem)
    claims = [v if k == "norm" else v * form[1] for k, v in out.items()]
    if dual is not None and not np.ndim(dual):
        claims.append(float(dual) if form[0] == "norm" else float(dual) * form[1])
    if max(claims) - min(claims) > 1e-9 * max(1.0, max(claims)):
        why = f"values that agree (mu_norm = mu_sq r with r = {form[1]:g}; as mu_norm they read {claims})"
        raise r.fail(key, why, table)
    return {k: both[k] for k in out}


def path_points(r: Reader, d: int, problem: Problem | None) -> tuple[PathPoint, ...]:
    """``expected.path``: a list of ``{ lam (or t) = ..., coef = [...], intercept, objective, dual }``."""
    key = "expected.path"
    points = r.get(key, None)
    if points is None:
        return ()
    name = "lam" if problem is None else problem.form.param_name
    k = 1 if problem is None else problem.penalty.n_terms
    allowed = f"a list of tables {{ {name} = ..., coef = [{d} numbers], intercept, objective, dual }}"
    if not isinstance(points, list) or not points or not all(isinstance(p, dict) for p in points):
        raise r.fail(key, allowed, points)
    out = []
    for i, point in enumerate(points):
        at = f"path[{i}]"
        sub = Reader(r.path, {"expected": {at: point}})  # errors name expected.path[i].<field>
        extra = set(point) - {name, "coef", "intercept", "objective", "dual"}
        if extra or name not in point:
            raise r.fail(f"{key}[{i}]", allowed, point)
        param = fractions(point[name])
        params = param if isinstance(param, list) else [param]
        if len(params) != k or not all(is_number(v) and v >= 0 for v in params):
            raise r.fail(f"{key}[{i}].{name}", f"{k} number(s) >= 0", point[name])
        coef = sub.matrix(f"expected.{at}.coef", 1, None)
        if coef is not None and len(coef) != d:
            raise r.fail(f"{key}[{i}].coef", f"{d} numbers (one per column of X)", coef.tolist())
        dual = fractions(point.get("dual"))
        if dual is not None and not (is_number(dual) or (isinstance(dual, list) and all(map(is_number, dual)))):
            raise r.fail(f"{key}[{i}].dual", "a number (or one per term)", dual)
        out.append(
            PathPoint(
                param=float(params[0]) if k == 1 else np.array(params, dtype=float),
                coef=coef,
                intercept=sub.number(f"expected.{at}.intercept", None),
                objective=sub.number(f"expected.{at}.objective", None),
                dual=None if dual is None else (np.array(dual, dtype=float) if isinstance(dual, list) else float(dual)),
            )
        )
    return tuple(out)


