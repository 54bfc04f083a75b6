"""Grade an answer to a problem file, and say what went wrong.

Each check is pass/fail with its numbers: feasibility, objective suboptimality, coefficient
error, intercept, multiplier, sparsity pattern. When an answer fails, the usual mistakes are
*tested*: the problem is re-solved as the mistake would state it (lam or t scaled by n or 2,
the intercept penalized, the orthonormal formula on a design that is not orthonormal, the
multiplier of the norm instead of the squared norm or the reverse, the wrong sign of a
multiplier), and a mistake is named when the answer matches what it produces.
"""

from __future__ import annotations

import csv
import functools
import json
import math
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cvxreg.closed_forms import is_orthonormal
from cvxreg.errors import AnswerError, CvxregError, NotSupportedError
from cvxreg.lagrange import convert_multiplier
from cvxreg.problem import Problem
from cvxreg.reference import reference_result, truth
from cvxreg.result import Result

if TYPE_CHECKING:
    from cvxreg.exercises import Exercise

__all__ = ["AnswerError", "Check", "Verdict", "grade", "normalize_answer", "read_answer"]


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    value: float | None
    threshold: float | None
    detail: str


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


# ------------------------------------------------------------------------------------- answers
def _vector(value: Any, name: str, d: int | None) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError, OverflowError, RecursionError):
        raise AnswerError(f"The answer's {name!r} must be a list of numbers. Got {_short(value)}.") from None
    if d is not None and arr.size != d:
        raise AnswerError(f"The answer's {name!r} must have {d} entries (one per column of X). Got {arr.size}.")
    if not np.all(np.isfinite(arr)):
        raise AnswerError(f"The answer's {name!r} must be finite numbers. Got {arr.tolist()}.")
    return arr


def _scalar(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise AnswerError(f"The answer's {name!r} must be a number. Got {_short(value)}.")
    try:
        out = float(value)
    except OverflowError:
        raise AnswerError(f"The answer's {name!r} must be a finite number. Got {_short(value)}.") from None
    if not math.isfinite(out):
        raise AnswerError(f"The answer's {name!r} must be a finite number. Got {out!r}.")
    return out


def _scalars(value: Any, name: str) -> Any:
    """A number, or a list of numbers (a Composite penalty's multipliers, one per term)."""
    if isinstance(value, list | tuple | np.ndarray):
        return _vector(value, name, None)
    return _scalar(value, name)


def _short(value: Any) -> str:
    """What was received, never echoed at length (an answer file is not ours to print)."""
    text = repr(value)
    return text if len(text) <= 60 else f"{type(value).__name__} of {len(text)} characters"


def normalize_answer(answer: Any, d: int) -> dict[str, Any]:
    """``{"coef", "intercept", "objective", "dual"}`` from a dict, a Result or a coefficient array."""
    if isinstance(answer, Result):
        answer = {
            "coef": answer.coef,
            "intercept": answer.intercept,
            "objective": answer.objective,
            "dual": answer.dual,
            "constraint_duals": answer.constraint_duals,
        }
    elif not isinstance(answer, dict):
        answer = {"coef": answer}
    fields = ("coef", "intercept", "objective", "dual", "constraint_duals", "lambda_max")
    unknown = set(answer) - set(fields)
    if unknown:
        raise AnswerError(f"The answer has unknown field(s) {sorted(unknown)}; allowed: {', '.join(fields)}.")
    if "coef" not in answer:
        raise AnswerError("The answer must give 'coef'.")
    duals = answer.get("constraint_duals")
    if duals is not None:
        if not isinstance(duals, list | tuple):
            raise AnswerError(f"The answer's 'constraint_duals' must be a list of lists of numbers. Got {duals!r}.")
        duals = tuple(_vector(v, f"constraint_duals[{k}]", None) for k, v in enumerate(duals))
    return {
        "coef": _vector(answer["coef"], "coef", d),
        "intercept": _scalar(answer.get("intercept"), "intercept"),
        "objective": _scalar(answer.get("objective"), "objective"),
        "dual": _scalars(answer.get("dual"), "dual"),
        "constraint_duals": duals,
        "lambda_max": _scalar(answer.get("lambda_max"), "lambda_max"),
    }


def read_answer(path: str | Path) -> dict[str, Any]:
    """Read an answer file: JSON or TOML (``coef``, ``intercept``, ``objective``, ``dual``), or a
    CSV of coefficients (one number per line, or a header ``coef`` / ``name,coef``)."""
    path = Path(path)
    try:
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


# ------------------------------------------------------------------------------------- mistakes
def _solution(problem: Problem, X: Any, y: Any, s: Any) -> Result | None:
    try:
        return truth(problem, X, y, sample_weight=s)[0]
    except CvxregError:
        return None


def _penalized_intercept(ex: Exercise) -> tuple[Problem, np.ndarray] | None:
    """The problem with the intercept as an ordinary, penalized coefficient (a column of ones)."""
    p = ex.problem
    assert p is not None
    if not p.fit_intercept or p.bounds is not None:
        return None
    try:
        new_pen = p.penalty.with_extra_coefficient()
    except NotSupportedError:
        return None
    X1 = np.hstack([ex.X, np.ones((ex.X.shape[0], 1))])
    return Problem(p.loss, new_pen, p.form, fit_intercept=False), X1


def _hypotheses(ex: Exercise) -> list[tuple[str, Any]]:
    """(description, thunk returning (coef, intercept, dual) or None) for each usual mistake."""
    p = ex.problem
    assert p is not None
    n = ex.X.shape[0]
    param = p.form.param_name
    out: list[tuple[str, Any]] = []

    def scaled(k: float) -> Any:
        def run() -> Any:
            res = _solution(p.with_form(p.form.with_value(p.form.param_value * k)), ex.X, ex.y, ex.sample_weight)
            return None if res is None or not res.ok else (res.coef, res.intercept, res.dual)

        return run

    if np.all(p.form.param_value > 0):
        for k, what in (
            (n, "multiplied by n"),
            (1 / n, "divided by n"),
            (2.0, "multiplied by 2"),
            (0.5, "divided by 2"),
        ):
            if k == 1:
                continue
            why = (
                " (the 'sum' vs 'mean' loss scaling: scikit-learn and glmnet divide the loss by n)"
                if k in (n, 1 / n)
                else " (a missing or extra 1/2 in front of the loss or the penalty)"
            )
            value = p.form.param_value * k
            text = f"{value:g}" if np.ndim(value) == 0 else str(np.round(value, 10).tolist())
            out.append((f"{param} {what}: the answer solves the problem with {param} = {text}{why}", scaled(k)))
    pi = _penalized_intercept(ex)
    if pi is not None:
        prob1, X1 = pi

        def run_pi() -> Any:
            res = _solution(prob1, X1, ex.y, ex.sample_weight)
            return None if res is None or not res.ok else (res.coef[:-1], res.coef[-1], res.dual)

        out.append(("the intercept was penalized: it must be left out of the penalty (fit it on centred data)", run_pi))
    tau = getattr(p.loss, "tau", None)
    if tau is not None and abs(tau - 0.5) > 1e-12:
        from cvxreg.losses import QuantileLoss

        swapped = Problem(
            QuantileLoss(1 - tau, scale=p.loss.scale), p.penalty, p.form, fit_intercept=p.fit_intercept,
            bounds=p.bounds, constraints=p.constraints,
        )

        def run_tau() -> Any:
            res = _solution(swapped, ex.X, ex.y, ex.sample_weight)
            return None if res is None or not res.ok else (res.coef, res.intercept, res.dual)

        out.append((f"tau and 1 - tau swapped: the answer is the {1 - tau:g} quantile, not the {tau:g}", run_tau))
    if not is_orthonormal(ex.X):

        def run_orth() -> Any:
            res = reference_result(p, ex.X, ex.y, sample_weight=ex.sample_weight, assume_orthonormal=True)
            return None if res is None else (res.coef, res.intercept, res.dual)

        out.append(("the orthonormal-design formula was used, but X^T X is not the identity here", run_orth))
        plain = p.loss.least_squares and p.loss.scale == "sum" and not p.fit_intercept and ex.sample_weight is None
        if plain and param == "lam" and np.linalg.matrix_rank(ex.X) == ex.X.shape[1]:

            def run_ols() -> Any:
                # ESL Table 3.4 writes the orthonormal case in terms of the OLS estimate:
                # the same formula applied to (X^T X)^-1 X^T y instead of X^T y.
                z = np.linalg.lstsq(ex.X, ex.y, rcond=None)[0]
                res = reference_result(p, np.eye(len(z)), z, assume_orthonormal=True)
                return None if res is None else (res.coef, res.intercept, res.dual)

            out.append(
                (
                    "the orthonormal-design formula was applied to the OLS estimate (ESL Table 3.4), but "
                    "X^T X is not the identity here",
                    run_ols,
                )
            )
    out += _more_hypotheses(ex)
    return out


def _ridge_weight(p: Problem) -> float:
    """The weight of ``1/2 ||w||^2`` in the penalty term (Zou & Hastie's lambda2 in cvxreg's
    scale): an ElasticNet's ``lam (1 - a)``, or a Composite's lam on its SquaredL2 term."""
    lam = np.atleast_1d(np.asarray(p.form.param_value, dtype=float))
    if p.form.param_name != "lam":
        return 0.0
    ratio = getattr(p.penalty, "l1_ratio", None)
    if ratio is not None:
        return float(lam[0] * (1 - ratio))
    terms = getattr(p.penalty, "terms", ())
    return float(sum(lam[k] for k, term in enumerate(terms) if term.file_name == "squared_l2" and k < lam.size))


def _more_hypotheses(ex: Exercise) -> list[tuple[str, Any]]:
    """The rescaled elastic net, the centred problem's intercept, OLS projected onto the ball."""
    p = ex.problem
    assert p is not None
    out: list[tuple[str, Any]] = []

    def right() -> Result | None:
        return _solution(p, ex.X, ex.y, ex.sample_weight)

    ridge = _ridge_weight(p)
    if ridge > 0 and p.loss.least_squares and p.loss.scale == "sum":

        def run_rescaled() -> Any:
            res = right()
            return None if res is None or not res.ok else ((1 + ridge) * res.coef, res.intercept, res.dual)

        out.append(
            (
                f"the rescaled elastic net (1 + lambda2) beta (Zou & Hastie's correction, lambda2 = {ridge:g}) "
                "was reported; the problem asks for the naive elastic net",
                run_rescaled,
            )
        )
    if p.fit_intercept and p.loss.least_squares:
        for value, why in ((0.0, "0"), (float(np.mean(ex.y)), "mean(y)")):

            def run_centred(value: float = value) -> Any:
                res = right()
                return None if res is None or not res.ok else (res.coef, value, res.dual)

            out.append(
                (
                    f"the centred problem's intercept ({why}) was reported: on the original data the intercept "
                    "is mean(y) - mean(X) w",
                    run_centred,
                )
            )
    plain = p.loss.least_squares and not p.fit_intercept and ex.sample_weight is None and not p.constraints
    if p.form.param_name == "t" and plain and p.bounds is None and p.form.size == 1 and not is_orthonormal(ex.X):
        if np.linalg.matrix_rank(ex.X) == ex.X.shape[1]:

            def run_projected() -> Any:
                ols = np.linalg.lstsq(ex.X, ex.y, rcond=None)[0]
                try:
                    w, mu = p.penalty.project(ols, float(p.form.param_value))
                except NotSupportedError:
                    return None
                return w, 0.0, mu

            out.append(
                (
                    "the OLS solution was projected onto the ball; that is the answer only when X^T X is the "
                    "identity (here the ellipsoidal contours meet the ball elsewhere)",
                    run_projected,
                )
            )
    return out


def _book_scale_mistakes(ex: Exercise, a: dict[str, Any], w: np.ndarray, b: float, infeasible: bool) -> list[str]:
    """An objective or multiplier stated in the book's scale ([notation]) without saying so."""
    notation, p = ex.notation, ex.problem
    if notation is None or p is None:
        return []
    out = []
    how = "answer with \"scale\": \"book\", or convert"
    if a["objective"] is not None and not infeasible and notation.loss_factor != 1:
        mine = p.objective_value(ex.X, ex.y, w, b, sample_weight=ex.sample_weight)
        book = notation.to_book("objective", mine)
        if abs(a["objective"] - book) <= 1e-6 * max(1.0, abs(book)):
            out.append(
                f"the objective is in the book's scale ({notation.objective}), {notation.loss_factor:g} times "
                f"cvxreg's: {how}"
            )
    e_dual = ex.expected.dual
    if a["dual"] is not None and e_dual is not None and np.shape(a["dual"]) == np.shape(e_dual):
        book = np.asarray(notation.to_book("dual", e_dual))
        differs = np.max(np.abs(book - e_dual)) > 1e-6 * max(1.0, float(np.max(np.abs(e_dual))))
        if differs and np.max(np.abs(a["dual"] - book)) <= 1e-6 * max(1.0, float(np.max(np.abs(book)))):
            out.append(f"the multiplier is in the book's scale ({notation.objective}): {how}")
    return out


def _dual_mistakes(ex: Exercise, mu: float, dual: float, tol: float) -> list[str]:
    p = ex.problem
    assert p is not None
    found = []

    def close(a: float) -> bool:
        # the answer's multiplier matches the mistake's, and the mistake's differs from the
        # right one: a hypothesis that reproduces the correct answer explains nothing
        near = abs(dual - a) <= tol * max(1.0, abs(a))
        return near and abs(a - mu) > tol * max(1.0, abs(mu))

    if mu != 0 and close(-mu):
        found.append("the multiplier has the wrong sign: for R(w) <= t it is >= 0")
    t = p.form.param_value
    ball = p.penalty.euclidean_ball(t) if t > 0 and mu != 0 else None
    if ball is not None:
        written, r = ball
        if written == "half_squared_norm":
            if close(convert_multiplier(mu, "half_squared_norm", "norm", radius=r)):
                found.append(
                    f"the multiplier is that of ||w||_2 <= {r:g} (the norm); this problem constrains "
                    f"1/2||w||^2 <= {t:g}: divide by r = {r:g}"
                )
        elif close(convert_multiplier(mu, "norm", "half_squared_norm", radius=r)):
            found.append(
                f"the multiplier is that of 1/2||w||^2 <= {r * r / 2:g} (the squared norm); this "
                f"problem constrains ||w||_2 <= {r:g}: multiply by r = {r:g}"
            )
    n = ex.X.shape[0]
    if mu != 0 and (close(mu * n) or close(mu / n)):
        found.append("the multiplier is off by a factor n (the 'sum' vs 'mean' loss scaling)")
    if mu != 0 and (close(2 * mu) or close(mu / 2)):
        found.append(
            "the multiplier is off by a factor 2: a book that states RSS (ESL, Bishop) has twice the "
            "multiplier of cvxreg's 1/2 RSS"
        )
    return found


# ------------------------------------------------------------------------------------- grading
def _refusal(answer: Any) -> bool | None:
    """True when the answer says "this problem is refused" (``{"rejected": true}``, as
    ``cvxreg solve --json`` writes for a non-convex problem), False when it says otherwise,
    None when it does not say."""
    if not isinstance(answer, dict) or "rejected" not in answer:
        return None
    if not isinstance(answer["rejected"], bool):
        raise AnswerError(f"The answer's 'rejected' must be true or false. Got {_short(answer['rejected'])}.")
    return answer["rejected"]


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
        return _grade_refusal(ex, refused)
    if refused:
        check = Check("refusal", False, None, None, "the problem is convex: it has a solution to give")
        return Verdict(ex.id, False, [check], ["the formulation is convex (the DCP gate accepts it)"])
    scale = "cvxreg"
    if isinstance(answer, dict):  # the fields of `cvxreg solve --json` that are not the answer
        answer = {k: v for k, v in answer.items() if k not in ("rejected", "exercise")}
        scale = answer.pop("scale", "cvxreg")
        if scale not in ("cvxreg", "book") or (scale == "book" and ex.notation is None):
            allowed = "'cvxreg', or 'book' for a problem file with a [notation] table"
            raise AnswerError(f"The answer's 'scale' must be {allowed}. Got {_short(scale)}.")
    p, e, tol = ex.problem, ex.expected, ex.tolerance
    d = ex.X.shape[1]
    a = normalize_answer(answer, d)
    if scale == "book":  # the objective and multipliers as the book states them
        assert ex.notation is not None
        a["objective"] = ex.notation.to_cvxreg("objective", a["objective"])
        a["dual"] = ex.notation.to_cvxreg("dual", a["dual"])
    if isinstance(answer, Result) and e.lambda_max is not None:  # cvxreg's own answer to that question
        a["lambda_max"] = p.lambda_max(ex.X, ex.y, sample_weight=ex.sample_weight)
    w = a["coef"]
    b = a["intercept"] if a["intercept"] is not None else 0.0
    checks: list[Check] = []

    # Feasibility.
    viol = p.form.infeasibility(p.penalty.value(w))
    if p.bounds is not None:
        lo, hi = p.bounds
        if lo is not None:
            viol = max(viol, float(np.max(np.broadcast_to(lo, (d,)) - w, initial=0.0)))
        if hi is not None:
            viol = max(viol, float(np.max(w - np.broadcast_to(hi, (d,)), initial=0.0)))
    for constraint in p.constraints:  # A w = b, G w <= h
        viol = max(viol, constraint.violation(w))
    feas_tol = max(tol["coef"], 1e-9)
    checks.append(
        Check(
            "feasibility",
            viol <= feas_tol,
            viol,
            feas_tol,
            "constraints hold" if viol <= feas_tol else "a constraint is violated",
        )
    )

    # Objective suboptimality (the objective at the answer's coefficients, computed here).
    f = p.objective_value(ex.X, ex.y, w, b, sample_weight=ex.sample_weight)
    optimum, where = e.objective, ""
    # a minimizer of a non-unique problem, solved at most once, and only when needed
    minimizer = functools.cache(lambda: _solution(p, ex.X, ex.y, ex.sample_weight) if not e.unique else None)
    if optimum is None and not e.unique:  # a solution set: only the optimal value can grade it
        best = minimizer()
        if best is None or not best.ok:
            raise AnswerError(f"{ex.id}: no optimal value to grade this non-unique problem against.")
        optimum, where = best.objective, " (computed by a certified solve: the file states none)"
    if optimum is not None:
        sub = (f - optimum) / max(1.0, abs(optimum))
        ok = sub <= tol["objective"] and (sub >= -tol["objective"] or viol > feas_tol)
        checks.append(
            Check(
                "objective",
                ok,
                sub,
                tol["objective"],
                f"objective at your coefficients {f:.10g}, optimum {optimum:.10g}{where}",
            )
        )
    if a["objective"] is not None:
        claim = abs(a["objective"] - f) / max(1.0, abs(f))
        checks.append(
            Check(
                "stated objective",
                claim <= tol["objective"],
                claim,
                tol["objective"],
                f"you stated {a['objective']:.10g}; your coefficients give {f:.10g}",
            )
        )

    # Coefficients, intercept, support (unique answers only).
    if e.unique and e.coef is not None:
        scale = max(1.0, float(np.max(np.abs(e.coef))))
        err = float(np.max(np.abs(w - e.coef))) / scale
        checks.append(Check("coefficients", err <= tol["coef"], err, tol["coef"], "max |w - w*| / max(1, |w*|_inf)"))
        thr = 1e-6 * scale
        sup_ok = bool(np.array_equal(np.abs(w) > max(thr, 10 * tol["coef"] * scale), np.abs(e.coef) > thr))
        checks.append(
            Check(
                "sparsity pattern",
                sup_ok,
                None,
                None,
                f"nonzeros at {np.flatnonzero(np.abs(w) > thr).tolist()}, expected "
                f"{np.flatnonzero(np.abs(e.coef) > thr).tolist()}",
            )
        )
    elif not e.unique:
        checks.append(
            Check(
                "coefficients",
                True,
                None,
                None,
                "the solution is not unique: any minimizer passes (graded by objective and feasibility)",
            )
        )
    if p.fit_intercept and e.intercept is not None:
        ierr = abs(b - e.intercept) / max(1.0, abs(e.intercept))
        checks.append(Check("intercept", ierr <= tol["coef"], ierr, tol["coef"], f"expected {e.intercept:.10g}"))

    # Multipliers and other asked-for numbers.
    if e.dual is not None:
        checks.append(_number_check("multiplier", "dual", e.dual, a["dual"], tol["dual"]))
    if e.constraint_duals is not None:
        checks.append(_constraint_dual_check(e.constraint_duals, a["constraint_duals"], tol["dual"]))
    if e.lambda_max is not None:
        checks.append(_number_check("lambda_max", "lambda_max", e.lambda_max, a["lambda_max"], tol["dual"]))

    passed = all(c.passed for c in checks)
    verdict = Verdict(ex.id, passed, checks)
    if not passed:
        verdict.diagnoses = _diagnose(ex, a, w, b, viol > feas_tol, minimizer)
    return verdict


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


def _diagnose(
    ex: Exercise, a: dict[str, Any], w: np.ndarray, b: float, infeasible: bool, minimizer: Any
) -> list[str]:
    """The usual mistakes that reproduce the answer; ``minimizer()`` gives a minimizer of a
    non-unique problem (solved once, shared with the objective check)."""
    found: list[str] = []
    if infeasible:
        found.append("the constraint is violated: the answer lies outside the feasible set")
    tol = max(1e-3, 10 * ex.tolerance["coef"])  # recognising a mistake needs closeness, not solver accuracy
    e = ex.expected
    X = ex.X

    def unique_part(coef: np.ndarray, intercept: float) -> np.ndarray:
        # What a solution set shares: for a non-unique problem the fit X w + b (the loss is
        # strictly convex in it where it matters), else the coefficients and intercept.
        if e.unique:
            return np.r_[coef, intercept if ex.problem.fit_intercept else 0.0]
        return np.asarray(X @ coef).ravel() + intercept

    mine = unique_part(w, b)
    scale = max(1.0, float(np.max(np.abs(mine))))
    right = None
    if e.unique and e.coef is not None:
        right = unique_part(e.coef, e.intercept or 0.0)
    elif not e.unique:
        best = minimizer()
        right = unique_part(best.coef, best.intercept) if best is not None and best.ok else None
    for text, thunk in _hypotheses(ex):
        got = thunk()
        if got is None:
            continue
        theirs = unique_part(got[0], got[1])
        if right is not None and np.max(np.abs(theirs - right)) <= tol * scale:
            continue  # this mistake would not change the answer here: it cannot explain anything
        if np.max(np.abs(theirs - mine)) <= tol * scale:
            found.append(text)
    if e.dual is not None and np.ndim(e.dual) and a["dual"] is not None and np.shape(a["dual"]) == np.shape(e.dual):
        backwards = np.asarray(e.dual)[::-1]
        near = np.max(np.abs(a["dual"] - backwards)) <= 1e-6 * max(1.0, float(np.max(np.abs(backwards))))
        if near and not np.allclose(backwards, e.dual):
            found.append("the multipliers are in the wrong order: one per term, in the order the terms are listed")
    if e.dual is not None and a["dual"] is not None and np.ndim(e.dual) == 0 and np.ndim(a["dual"]) == 0:
        found += _dual_mistakes(ex, e.dual, a["dual"], max(1e-4, 10 * ex.tolerance["dual"]))
    if e.lambda_max is not None and a["lambda_max"] is not None:
        lm, given, n = e.lambda_max, a["lambda_max"], ex.X.shape[0]
        near = lambda v: abs(given - v) <= 1e-6 * max(1.0, abs(v))  # noqa: E731
        factors = ((2.0, "2 (the book's RSS instead of 1/2 RSS)"), (n, "n (the 'sum' vs 'mean' loss scaling)"))
        for factor, why in factors:
            if near(lm * factor) or near(lm / factor):
                found.append(f"lambda_max is off by a factor {why}")
    book = _book_scale_mistakes(ex, a, w, b, infeasible)
    found += book
    stated = a["objective"]
    if stated is not None and not infeasible and not book:
        f = ex.problem.objective_value(ex.X, ex.y, w, b, sample_weight=ex.sample_weight)
        if f != 0 and abs(stated - 2 * f) <= 1e-6 * max(1.0, abs(2 * f)) and ex.problem.loss.least_squares:
            found.append(
                "the objective is stated in the book's scale: RSS + ... is twice cvxreg's 1/2 RSS + ..."
            )
    if not found:
        found.append("no usual mistake reproduces this answer; compare the checks above with the formulation")
    return found
