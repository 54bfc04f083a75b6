"""Grade an answer to a problem file, and say what went wrong.

Each check is pass/fail with its numbers: feasibility, objective suboptimality, coefficient
error, intercept, multiplier, sparsity pattern. When an answer fails, the usual mistakes are
*tested*: the problem is re-solved as the mistake would state it (lam or t scaled by n or 2,
the intercept penalized, the orthonormal formula on a design that is not orthonormal, the
multiplier of the norm instead of the squared norm or the reverse, the wrong sign of a
multiplier), and a mistake is named when the answer matches what it produces.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from cvxreg._answers import Check, normalize_answer, read_answer
from cvxreg._answers import short as _short
from cvxreg._file_exact import answer_claims, book_factor, exact_checks, observation_checks, path_formula_checks
from cvxreg._file_schema import BALL_FORMS, ball_form, ball_multipliers
from cvxreg.errors import AnswerError
from cvxreg.mistakes import diagnose, solution
from cvxreg.quantities import active_set, sign_pattern
from cvxreg.result import Result, Status

if TYPE_CHECKING:
    from cvxreg.exercises import Exercise
    from cvxreg.problem import Problem

__all__ = ["AnswerError", "Check", "Verdict", "grade", "normalize_answer", "read_answer"]


@dataclass
class Verdict:
    """The grade of one answer: every check with its numbers, and the mistakes recognised."""

    exercise: str
    passed: bool
    checks: list[Check]
    diagnoses: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "passed": self.passed,
            "checks": [asdict(c) for c in self.checks],
            "diagnoses": list(self.diagnoses),
        }

    def __str__(self) -> str:
        lines = [f"{self.exercise}: {'PASS' if self.passed else 'FAIL'}"]
        for c in self.checks:
            nums = (
                ""
                if c.value is None
                else f" ({c.value:.3g}" + ("" if c.threshold is None else f" vs {c.threshold:.3g}") + ")"
            )
            lines.append(f"  [{'ok' if c.passed else 'X '}] {c.name}{nums}: {c.detail}")
        for d in self.diagnoses:
            lines.append(f"  likely mistake: {d}")
        return "\n".join(lines)


# ------------------------------------------------------------------------------------- grading
def _says(answer: Any, key: str) -> bool | None:
    """True when the answer says ``{key: true}`` (``"rejected"``: this problem is refused as
    not convex; ``"no_minimizer"``: no point attains its infimum — as ``cvxreg solve --json``
    writes), False when it says otherwise, None when it does not say."""
    if not isinstance(answer, dict) or key not in answer:
        return None
    if not isinstance(answer[key], bool):
        raise AnswerError(f"The answer's '{key}' must be true or false. Got {_short(answer[key])}.")
    return answer[key]


def _refusal(answer: Any) -> bool | None:
    return _says(answer, "rejected")


def _grade_no_minimizer(ex: Exercise, answer: Any) -> Verdict:
    """A problem with no minimizer: the answer must say so, not give an iterate."""
    said = answer.status == Status.NO_MINIMIZER if isinstance(answer, Result) else _says(answer, "no_minimizer")
    if said:
        return Verdict(ex.id, True, [Check("no minimizer", True, None, None, "no point attains the infimum")])
    detail = 'no point attains the infimum: the answer is {"no_minimizer": true}'
    check = Check("no minimizer", False, None, None, detail)
    why = f"{ex.expected.reason} Any coefficients given are a point on that road, not a minimizer."
    return Verdict(ex.id, False, [check], [why])


def _grade_refusal(ex: Exercise, refused: bool | None) -> Verdict:
    """A problem whose expected outcome is a refusal: the answer must say it is refused."""
    ok = refused is True
    detail = (
        f"refused as not convex ({ex.expected.error})"
        if ok
        else "the problem is not convex and cvxreg refuses it: the answer is {\"rejected\": true}"
    )
    verdict = Verdict(ex.id, ok, [Check("refusal", ok, None, None, detail)])
    if not ok:
        verdict.diagnoses = [f"this formulation is not convex, so there is no solution to give: {ex.rejection}"]
    return verdict


def grade(ex: Exercise, answer: Any) -> Verdict:
    """Grade ``answer`` against the exercise's expected answer and tolerances. A problem whose
    expected outcome is a refusal is answered ``{"rejected": true}``."""
    refused = _refusal(answer)
    if ex.problem is None:
        if refused and isinstance(answer, dict):  # a refusal states nothing else: no stray coef passes
            extra = sorted(set(answer) - {"rejected", "exercise"})
            if extra:
                raise AnswerError(
                    f'A refusal is {{"rejected": true}} (with "exercise", as `cvxreg solve --json` writes it). '
                    f"Got the field(s) {extra} besides: a refused problem has no solution to give."
                )
        return _grade_refusal(ex, refused)
    if ex.expected.outcome == "no_minimizer":
        return _grade_no_minimizer(ex, answer)
    if (answer.status == Status.NO_MINIMIZER) if isinstance(answer, Result) else _says(answer, "no_minimizer"):
        check = Check("no minimizer", False, None, None, "this problem has a minimizer: the answer gives it")
        return Verdict(ex.id, False, [check], ["a minimizer exists here (no direction lowers the objective for ever)"])
    if isinstance(answer, Result):  # cvxreg's own answer, with every quantity the file asks for
        from cvxreg.quantities import answer_document

        answer = answer_document(ex, answer) if answer.ok else answer
    if refused:
        check = Check("refusal", False, None, None, "the problem is convex: it has a solution to give")
        return Verdict(ex.id, False, [check], ["the formulation is convex (the DCP gate accepts it)"])
    scale, claims = "cvxreg", {}
    if isinstance(answer, dict):  # the fields of `cvxreg solve --json` that are not the answer
        answer = {k: v for k, v in answer.items() if k not in ("rejected", "no_minimizer", "exercise")}
        scale = answer.pop("scale", "cvxreg")
        if scale not in ("cvxreg", "book") or (scale == "book" and ex.notation is None):
            allowed = "'cvxreg', or 'book' for a problem file with a [notation] table"
            raise AnswerError(f"The answer's 'scale' must be {allowed}. Got {_short(scale)}.")
        answer, claims = answer_claims(answer, book_factor(ex) if scale == "book" else None)
    e, tol = ex.expected, ex.tolerance
    d = ex.X.shape[1]
    if ex.intercept_only and isinstance(answer, dict) and "coef" not in answer:
        answer = {**answer, "coef": [0.0]}  # the internal zero column: the answer is the intercept
    a = normalize_answer(answer, d, len(ex.y))
    if scale == "book":  # the objective, multipliers, lambda_max and path as the book states them
        a = _from_book(ex, a)
    w = a["coef"]
    b = a["intercept"] if a["intercept"] is not None else 0.0
    checks: list[Check] = []
    infeasible, minimizer = False, None
    if w is not None:  # a path-only answer has no coefficients at the file's own lam
        found, infeasible, minimizer = _solution_checks(ex, a, w, b)
        checks += found
    elif e.coef is not None or e.objective is not None:
        checks.append(Check("coefficients", False, None, None, "the answer gives no 'coef'"))

    # Multipliers and other asked-for numbers.
    if e.multipliers is not None:
        checks += _ball_multiplier_checks(ex, a, tol["dual"])
    elif e.dual is not None:
        checks.append(_number_check("multiplier", "dual", e.dual, a["dual"], tol["dual"]))
    if e.constraint_duals is not None:
        checks.append(_constraint_dual_check(e.constraint_duals, a["constraint_duals"], tol["dual"]))
    if e.lambda_max is not None:
        checks.append(_number_check("lambda_max", "lambda_max", e.lambda_max, a["lambda_max"], tol["dual"]))

    checks += _asked_checks(ex, a, w)
    checks += exact_checks(ex, claims) + observation_checks(ex, a, w, b) + path_formula_checks(ex, a)
    passed = all(c.passed for c in checks)
    verdict = Verdict(ex.id, passed, checks)
    if not passed and w is not None:
        verdict.diagnoses = diagnose(ex, a, w, b, infeasible, minimizer)
    return verdict


def _from_book(ex: Exercise, a: dict[str, Any]) -> dict[str, Any]:
    """An answer in the book's scale (``"scale": "book"``), in cvxreg's."""
    notation, kind = ex.notation, "lam" if ex.problem is None else ex.problem.form.param_name
    assert notation is not None
    out = {**a, **{field: notation.to_cvxreg(field, a[field]) for field in ("objective", "dual", "lambda_max")}}
    out["observation_duals"] = notation.to_cvxreg("objective", a["observation_duals"])  # as the objective's scale
    if a["path"] is not None:
        out["path"] = [
            {**point, "param": notation.to_cvxreg(kind, point["param"]),
             **{field: notation.to_cvxreg(field, point[field]) for field in ("objective", "dual")}}
            for point in a["path"]
        ]  # fmt: skip
    return out


def _solution_checks(ex: Exercise, a: dict[str, Any], w: np.ndarray, b: float) -> tuple[list[Check], bool, Any]:
    """Feasibility, objective, coefficients, intercept; whether the answer is infeasible, and
    the (cached) minimizer of a non-unique problem."""
    p, e, tol = ex.problem, ex.expected, ex.tolerance
    assert p is not None
    viol = _violation(p, w)
    feas_tol = max(tol["coef"], 1e-9)
    checks = [
        Check("feasibility", viol <= feas_tol, viol, feas_tol,
              "constraints hold" if viol <= feas_tol else "a constraint is violated"),
    ]  # fmt: skip
    # a minimizer of a non-unique problem, solved at most once, and only when needed
    minimizer = functools.cache(lambda: solution(p, ex.X, ex.y, ex.sample_weight) if not e.unique else None)
    checks += _objective_checks(ex, a, w, b, minimizer, infeasible=viol > feas_tol)
    checks += _coefficient_checks(ex, w, b)
    return checks, viol > feas_tol, minimizer


def _violation(p: Problem, w: np.ndarray) -> float:
    """The largest violation at ``w`` of the form's constraint, the bounds and the linear constraints."""
    d = len(w)
    viol = p.form.infeasibility(p.penalty.value(w))
    if p.bounds is not None:
        lo, hi = p.bounds
        if lo is not None:
            viol = max(viol, float(np.max(np.broadcast_to(lo, (d,)) - w, initial=0.0)))
        if hi is not None:
            viol = max(viol, float(np.max(w - np.broadcast_to(hi, (d,)), initial=0.0)))
    for constraint in p.constraints:  # A w = b, G w <= h
        viol = max(viol, constraint.violation(w))
    return viol


def _objective_checks(ex: Exercise, a: dict[str, Any], w: np.ndarray, b: float, minimizer: Any,
                      infeasible: bool) -> list[Check]:  # fmt: skip
    """Suboptimality of the objective at the answer's coefficients (computed here), and the
    objective the answer states against that."""
    p, e, tol = ex.problem, ex.expected, ex.tolerance
    assert p is not None
    checks = []
    f = p.objective_value(ex.X, ex.y, w, b, sample_weight=ex.sample_weight)
    optimum, where = e.objective, ""
    if optimum is None and not e.unique:  # a solution set: only the optimal value can grade it
        best = minimizer()
        if best is None or not best.ok:
            raise AnswerError(f"{ex.id}: no optimal value to grade this non-unique problem against.")
        optimum, where = best.objective, " (computed by a certified solve: the file states none)"
    if optimum is not None:
        sub = (f - optimum) / max(1.0, abs(optimum))
        ok = sub <= tol["objective"] and (sub >= -tol["objective"] or infeasible)
        why = f"objective at your coefficients {f:.10g}, optimum {optimum:.10g}{where}"
        checks.append(Check("objective", ok, sub, tol["objective"], why))
    if a["objective"] is not None:
        claim = abs(a["objective"] - f) / max(1.0, abs(f))
        why = f"you stated {a['objective']:.10g}; your coefficients give {f:.10g}"
        checks.append(Check("stated objective", claim <= tol["objective"], claim, tol["objective"], why))
    return checks


def _coefficient_checks(ex: Exercise, w: np.ndarray, b: float) -> list[Check]:
    """Coefficients, support and intercept (unique answers only; any minimizer passes otherwise)."""
    p, e, tol = ex.problem, ex.expected, ex.tolerance
    assert p is not None
    checks = []
    if e.unique and e.coef is not None:
        scale = max(1.0, float(np.max(np.abs(e.coef))))
        err = float(np.max(np.abs(w - e.coef))) / scale
        checks.append(Check("coefficients", err <= tol["coef"], err, tol["coef"], "max |w - w*| / max(1, |w*|_inf)"))
        thr = 1e-6 * scale
        sup_ok = bool(np.array_equal(np.abs(w) > max(thr, 10 * tol["coef"] * scale), np.abs(e.coef) > thr))
        why = (f"nonzeros at {np.flatnonzero(np.abs(w) > thr).tolist()}, expected "
               f"{np.flatnonzero(np.abs(e.coef) > thr).tolist()}")  # fmt: skip
        checks.append(Check("sparsity pattern", sup_ok, None, None, why))
    elif not e.unique:
        why = "the solution is not unique: any minimizer passes (graded by objective and feasibility)"
        checks.append(Check("coefficients", True, None, None, why))
    if p.fit_intercept and e.intercept is not None:
        ierr = abs(b - e.intercept) / max(1.0, abs(e.intercept))
        checks.append(Check("intercept", ierr <= tol["coef"], ierr, tol["coef"], f"expected {e.intercept:.10g}"))
    return checks


def _asked_checks(ex: Exercise, a: dict[str, Any], w: np.ndarray | None) -> list[Check]:
    """The active set, signs, df, bound multipliers, fixed coordinates, fit and path, when the
    exercise asks for them. A support or sign pattern not stated is read off the coefficients."""
    p, e, tol = ex.problem, ex.expected, ex.tolerance
    assert p is not None
    out: list[Check] = []
    if e.support is not None:
        given = a["support"] if a["support"] is not None else (None if w is None else tuple(active_set(w)))
        shown = list(given) if given is not None else "none"
        out.append(Check("active set", given == e.support, None, None, f"{shown}, expected {list(e.support)}"))
    if e.signs is not None:
        given = a["signs"] if a["signs"] is not None else (None if w is None else tuple(sign_pattern(w)))
        shown = list(given) if given is not None else "none"
        out.append(Check("signs", given == e.signs, None, None, f"{shown}, expected {list(e.signs)}"))
    if e.df is not None:
        out.append(_number_check("degrees of freedom", "df", e.df, a["df"], tol["dual"]))
    for side in ("lower_dual", "upper_dual"):
        if getattr(e, side) is not None:
            out.append(_number_check(f"bound multipliers ({side})", side, getattr(e, side), a[side], tol["dual"]))
    if e.fixed is not None and w is not None:
        idx, val = e.fixed
        err = float(np.max(np.abs(w[idx] - val))) / max(1.0, float(np.max(np.abs(val))))
        detail = f"coefficients {idx.tolist()} are {val.tolist()} in every minimizer"
        out.append(Check("fixed coordinates", err <= tol["coef"], err, tol["coef"], detail))
    if e.fit is not None and w is not None:
        b = a["intercept"] if a["intercept"] is not None else 0.0
        mine = np.asarray(ex.X @ w).ravel() + b
        err = float(np.max(np.abs(mine - e.fit))) / max(1.0, float(np.max(np.abs(e.fit))))
        detail = "max |Xw + b - fit*| / max(1, |fit*|_inf)"
        out.append(Check("fit X w + b", err <= tol["coef"], err, tol["coef"], detail))
    if e.path:
        out.append(_path_check(ex, a["path"]))
    return out


def _relative(given: Any, expected: Any) -> float:
    """``max |given - expected| / max(1, |expected|_inf)``."""
    e = np.asarray(expected, dtype=float)
    return float(np.max(np.abs(np.asarray(given, dtype=float) - e))) / max(1.0, float(np.max(np.abs(e))))


def _path_check(ex: Exercise, given: list[dict[str, Any]] | None) -> Check:
    """Each expected point of a path against the answer's point at the same lam (or t)."""
    p, tol = ex.problem, ex.tolerance
    assert p is not None
    name = p.form.param_name
    if not given:
        return Check("path", False, None, tol["coef"], f"the answer gives no 'path' (one point per {name})")
    worst, where = 0.0, ""
    for point in ex.expected.path:
        match = [g for g in given if g["param_name"] == name and np.shape(g["param"]) == np.shape(point.param)
                 and np.allclose(g["param"], point.param, rtol=1e-9, atol=1e-12)]  # fmt: skip
        shown = np.round(point.param, 10).tolist() if np.ndim(point.param) else f"{point.param:g}"
        if not match:
            return Check("path", False, None, tol["coef"], f"the answer has no point at {name} = {shown}")
        g = match[0]
        errs = []
        if point.coef is not None:
            errs.append(_relative(g["coef"], point.coef))
        if point.intercept is not None:
            errs.append(abs((g["intercept"] or 0.0) - point.intercept) / max(1.0, abs(point.intercept)))
        if point.objective is not None:
            at = p.with_form(p.form.with_value(point.param))
            f = at.objective_value(ex.X, ex.y, g["coef"], g["intercept"] or 0.0, sample_weight=ex.sample_weight)
            errs.append(abs(f - point.objective) / max(1.0, abs(point.objective)))
        if point.dual is not None:
            if g["dual"] is None or np.shape(g["dual"]) != np.shape(point.dual):
                detail = f"the answer gives no multiplier at {name} = {shown}"
                return Check("path", False, None, tol["coef"], detail)
            errs.append(_relative(g["dual"], point.dual))
        err = max(errs, default=0.0)
        if err >= worst:
            worst, where = err, shown
    detail = f"{len(ex.expected.path)} points; the largest relative error is at {name} = {where}"
    return Check("path", worst <= tol["coef"], worst, tol["coef"], detail)


def _ball_multiplier_checks(ex: Exercise, a: dict[str, Any], tol: float) -> list[Check]:
    """A Euclidean ball's multiplier in each way the answer writes it (``multipliers``, or
    ``dual`` in the way the formulation writes the ball), against the file's."""
    assert ex.problem is not None and ex.expected.multipliers is not None
    own = ball_form(ex.problem)
    assert own is not None
    given = dict(a["multipliers"] or {})
    if a["dual"] is not None and not np.ndim(a["dual"]):
        given.setdefault(own[0], a["dual"])
    if not given:
        return [Check("multiplier", False, None, tol, "the answer gives no multiplier ('dual' or 'multipliers')")]
    wanted = ball_multipliers(ex.problem, ex.expected.multipliers)
    return [
        _number_check(f"multiplier ({form}: {BALL_FORMS[form]})", f"multipliers.{form}", wanted[form], value, tol)
        for form, value in given.items()
    ]


def _number_check(name: str, field: str, expected: Any, given: Any, tol: float) -> Check:
    """One number the exercise asks for (or one per term), relative to ``max(1, |expected|)``."""
    if given is None:
        return Check(name, False, None, tol, f"the answer gives no {field!r}")
    if np.ndim(expected):
        e = np.asarray(expected, dtype=float)
        shown = f"expected {np.round(e, 10).tolist()}"
        if np.shape(given) != e.shape:
            return Check(name, False, None, tol, f"{shown} ({e.size} numbers, one per term)")
        err = float(np.max(np.abs(np.asarray(given) - e))) / max(1.0, float(np.max(np.abs(e))))
        return Check(name, err <= tol, err, tol, shown)
    if np.ndim(given):
        return Check(name, False, None, tol, f"expected one number, {expected:.10g}")
    err = abs(given - expected) / max(1.0, abs(expected))
    return Check(name, err <= tol, err, tol, f"expected {expected:.10g}")


def _constraint_dual_check(expected: tuple[np.ndarray, ...], given: Any, tol: float) -> Check:
    """The multipliers of the linear constraints, each against the expected ones."""
    name = "constraint multipliers"
    if given is None:
        return Check(name, False, None, tol, "the answer gives no 'constraint_duals'")
    shapes = [len(v) for v in expected]
    if [len(v) for v in given] != shapes:
        return Check(name, False, None, tol, f"expected one list per constraint with {shapes} entries")
    pairs = zip(given, expected, strict=True)
    err = max(float(np.max(np.abs(g - v))) / max(1.0, float(np.max(np.abs(v)))) for g, v in pairs)
    return Check(name, err <= tol, err, tol, f"expected {[v.tolist() for v in expected]}")

