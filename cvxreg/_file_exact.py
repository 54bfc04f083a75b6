"""Exact numbers and per-observation multipliers in problem files and answers.

A number written as text (``"35/16"``, ``"-3"``, ``"0.25"``) in ``[expected]`` or in an answer
is a claim of an exact answer: it is compared as a fraction with the exact answer of
``cvxreg.exact``. ``observation_duals`` (one multiplier per observation), ``support_vectors``
(where an SVM's alpha is positive) and ``interpolated`` (the observations on a kink of the loss:
the fit passes through them) are read and checked here too.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from cvxreg._answers import Check
from cvxreg._protocol import supports
from cvxreg._rational import as_text, rational
from cvxreg.errors import AnswerError, InvalidParameterError, NotSupportedError
from cvxreg.exact_path import mismatch, read_pieces

__all__ = [
    "EXACT_FIELDS",
    "OBSERVATION_FIELDS",
    "answer_claims",
    "book_factor",
    "breakpoint_check",
    "exact_checks",
    "exact_document",
    "formula_check",
    "observation_checks",
    "observation_document",
    "path_formula_checks",
    "read_claims",
    "read_moments",
    "read_observations",
    "read_path_exact",
]

#: The fields that may be written exactly, and the scale each is in (for ``scale = "book"``).
EXACT_FIELDS = {
    "coef": None, "intercept": None, "objective": "objective", "dual": "dual",
    "observation_duals": "objective", "lower_dual": None, "upper_dual": None,
}  # fmt: skip
OBSERVATION_FIELDS = ("observation_duals", "support_vectors", "interpolated")


def read_claims(table: dict[str, Any], where: str, factor: Any = None) -> dict[str, Any]:
    """The fields of ``table`` written exactly (a text number anywhere in them), as Fractions in
    cvxreg's scale; ``factor(field)`` turns a book-scale number into cvxreg's (None: already).
    Raises ``InvalidParameterError`` naming ``where.field`` for a text that is not a number."""
    out: dict[str, Any] = {}
    for name, scale in EXACT_FIELDS.items():
        value = table.get(name)
        items = value if isinstance(value, list) else [value]
        if value is None or not any(isinstance(v, str) for v in items):
            continue
        try:
            numbers = [rational(v) for v in items]
        except (InvalidParameterError, TypeError, ValueError):
            raise InvalidParameterError(
                f"{where}.{name}: an exact number is written as '35/16', '-3' or '0.25'; got {value!r}."
            ) from None
        if factor is not None and scale is not None:
            numbers = [v * rational(factor(scale)) for v in numbers]
        out[name] = tuple(numbers) if isinstance(value, list) else numbers[0]
    return out


def read_observations(r: Any, problem: Any, n: int) -> dict[str, Any]:
    """``expected.observation_duals`` (n numbers), ``support_vectors`` and ``interpolated``
    (0-based observation indices)."""
    out: dict[str, Any] = {key: None for key in OBSERVATION_FIELDS}
    asked = [key for key in OBSERVATION_FIELDS if r.get(f"expected.{key}", None) is not None]
    if not asked:
        return out
    if problem is None or not supports(type(problem.loss), "quadratic_pieces"):
        allowed = "given for a piecewise-quadratic loss (squared, absolute, quantile, huber, hinge, ...)"
        raise r.fail(f"expected.{asked[0]}", allowed, "a value")
    duals = r.matrix("expected.observation_duals", 1, None)
    if duals is not None and len(duals) != n:
        raise r.fail("expected.observation_duals", f"{n} numbers (one per observation)", duals.tolist())
    out["observation_duals"] = duals
    for key in ("support_vectors", "interpolated"):
        v = r.get(f"expected.{key}", None)
        if v is None:
            continue
        if not isinstance(v, list) or not all(type(i) is int and 0 <= i < n for i in v) or len(set(v)) != len(v):
            raise r.fail(f"expected.{key}", f"a list of distinct observation indices in 0..{n - 1}", v)
        out[key] = tuple(sorted(v))
    if out["support_vectors"] is not None and not problem.loss.classification:
        raise r.fail("expected.support_vectors", "given for a classification loss (hinge, squared hinge)", "a value")
    return out


def _check(name: str, passed: bool, detail: str, value: float | None = None, tol: float | None = None) -> Any:
    return Check(name, passed, value, tol, detail)


def exact_checks(ex: Any, claims: dict[str, Any]) -> list[Any]:
    """Each exact claim of an answer against the exact answer, compared as fractions."""
    if not claims:
        return []
    try:
        exact = ex.exact_answer()
    except NotSupportedError as exc:  # the numbers were checked as floats above; say why not exactly
        return [_check("exact", True, f"read as floats: this problem has no exact answer here ({exc})")]
    checks = []
    for name, claim in claims.items():
        truth = getattr(exact, name)
        if truth is None:
            checks.append(_check(f"{name} (exact)", False, f"this problem has no exact {name} to compare with"))
            continue
        shown = [as_text(v) for v in truth] if isinstance(truth, tuple) else as_text(truth)
        if isinstance(truth, tuple) and (not isinstance(claim, tuple) or len(claim) != len(truth)):
            checks.append(_check(f"{name} (exact)", False, f"expected {len(truth)} exact numbers {shown}"))
            continue
        ok = claim == truth
        detail = f"exactly {shown}" if ok else f"expected exactly {shown}"
        if not ok and name == "observation_duals":  # not unique at a degenerate vertex: any valid set passes
            w, b = ex.exact_or_solved()
            ok = _dual_violation(ex, _theta(ex, np.array([float(v) for v in claim])), w, ex.X @ w + b) <= 1e-12
            detail = "another valid set of multipliers (they are not unique here)" if ok else detail
        checks.append(_check(f"{name} (exact)", ok, detail))
    return checks


def _theta(ex: Any, duals: np.ndarray) -> np.ndarray:
    """An answer's observation duals as ``theta`` (alpha_i y_i for a classifier)."""
    return duals * ex.y if ex.problem.loss.classification else duals


def observation_checks(ex: Any, a: dict[str, Any], w: np.ndarray | None, b: float) -> list[Any]:
    """The answer's per-observation multipliers: each in its observation's subgradient and
    stationarity as a whole (so any valid multipliers pass when they are not unique), and the
    sets of support vectors and interpolated observations."""
    e = ex.expected
    if all(getattr(e, key) is None for key in OBSERVATION_FIELDS):
        return []
    checks = []
    right = ex.exact_or_solved()
    eta = ex.X @ right[0] + right[1]
    if e.observation_duals is not None:
        given = a.get("observation_duals")
        if given is None:
            checks.append(_check("observation duals", False, "the answer gives no 'observation_duals'"))
        else:
            err = _dual_violation(ex, _theta(ex, np.asarray(given, dtype=float)), right[0], eta)
            tol = ex.tolerance["dual"] * max(1.0, float(np.max(np.abs(given), initial=0.0)))
            checks.append(_check("observation duals", err <= tol, "each in its subgradient, stationary", err, tol))
    for key, truth in (("support_vectors", e.support_vectors), ("interpolated", e.interpolated)):
        if truth is None:
            continue
        given = a.get(key)
        if given is None and key == "support_vectors" and a.get("observation_duals") is not None:
            alpha = np.asarray(a["observation_duals"], dtype=float)
            given = tuple(int(i) for i in np.flatnonzero(alpha > 1e-8 * max(1.0, float(np.max(np.abs(alpha))))))
        if given is None and key == "interpolated" and w is not None:
            given = _on_kinks(ex, ex.X @ w + b)
        ok = given is not None and tuple(sorted(given)) == tuple(truth)
        shown = None if given is None else list(given)
        checks.append(_check(key.replace("_", " "), ok, f"expected {list(truth)}, got {shown}"))
    return checks


def _on_kinks(ex: Any, eta: np.ndarray) -> tuple[int, ...]:
    """The observations whose linear predictor sits on a kink of the loss."""
    loss, out = ex.problem.loss, []
    tol = 1e-7 * max(1.0, float(np.max(np.abs(ex.y))))
    for i, (yi, ei) in enumerate(zip(ex.y, eta, strict=True)):
        kinks, pieces = loss.quadratic_pieces(rational(yi))
        for k, kink in enumerate(kinks):
            (a0, c0, _), (a1, c1, _) = pieces[k], pieces[k + 1]
            if abs(ei - float(kink)) <= tol and a0 * kink + c0 != a1 * kink + c1:
                out.append(i)
    return tuple(out)


def _dual_violation(ex: Any, theta: np.ndarray, w: np.ndarray, eta: np.ndarray) -> float:
    """How far ``theta`` is from multipliers of the observations at the minimizer ``(w, eta)``:
    each ``-theta_i / (c s_i)`` in the loss's subgradient, ``sum theta = 0`` with an intercept,
    and ``X' theta`` in ``lam`` times the penalty's subdifferential (where it is of the form
    ``a |w| + q w^2 / 2`` and unbounded)."""
    p, n = ex.problem, len(ex.y)
    s = np.ones(n) if ex.sample_weight is None else np.asarray(ex.sample_weight, dtype=float)
    cs = s / p.loss.weight_total(n, ex.sample_weight)
    lo, hi = p.loss.derivative(eta, ex.y, tol=1e-7 * max(1.0, float(np.max(np.abs(eta)))))
    g = -theta / cs
    err = float(np.max(np.maximum(lo - g, 0.0) + np.maximum(g - hi, 0.0)))
    if p.fit_intercept:
        err = max(err, abs(float(np.sum(theta))))
    if p.bounds is None and supports(type(p.penalty), "quadratic_parts") and p.form.param_name == "lam":
        a_j, q_j = p.penalty.quadratic_parts(len(w))
        lam = float(p.form.param_value)
        z = ex.X.T @ theta - lam * q_j * w  # = lam a_j xi_j, xi_j in d|w_j|
        zero = np.abs(w) <= 1e-9 * max(1.0, float(np.max(np.abs(w))))
        off = np.where(zero, np.maximum(np.abs(z) - lam * a_j, 0.0), np.abs(z - lam * a_j * np.sign(w)))
        err = max(err, float(np.max(off, initial=0.0)))
    return err


def observation_document(ex: Any) -> dict[str, Any]:
    """cvxreg's answer to the per-observation fields a file asks for, from the exact answer."""
    e = ex.expected
    if all(getattr(e, key) is None for key in OBSERVATION_FIELDS):
        return {}
    try:
        exact = ex.exact_answer()
    except NotSupportedError:
        return {}
    duals = [float(v) for v in exact.observation_duals]
    doc: dict[str, Any] = {"observation_duals": duals, "interpolated": list(exact.on_kinks)}
    if ex.problem.loss.classification:
        doc["support_vectors"] = [i for i, v in enumerate(exact.observation_duals) if v > 0]
    return doc


def book_factor(ex: Any) -> Any:
    """What a number of a field in the book's scale is multiplied by to be cvxreg's."""
    return lambda field: float(np.ravel(ex.notation._factor(field))[0])


def answer_claims(answer: dict[str, Any], factor: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """An answer without its exact texts (as floats, for the usual checks, in the answer's own
    scale) and its exact claims (in cvxreg's)."""
    try:
        claims = read_claims(answer, "the answer", factor)
    except InvalidParameterError as exc:
        raise AnswerError(str(exc)) from None
    floats = dict(answer)
    for name in claims:
        value = answer[name]
        floats[name] = [float(rational(v)) for v in value] if isinstance(value, list) else float(rational(value))
    return floats, claims


def path_formula_checks(ex: Any, a: dict[str, Any]) -> list[Any]:
    """An answer's lasso path as breakpoints and formulas in lam, against the exact path."""
    out = []
    if ex.expected.path_breakpoints is not None:
        out.append(breakpoint_check(ex, a.get("path_breakpoints")))
    if ex.expected.path_formula is not None:
        out.append(formula_check(ex, a.get("path_formula")))
    return out


def read_path_exact(r: Any, d: int, notation: Any, exact_data: bool) -> dict[str, Any]:
    """``expected.path_breakpoints`` (exact numbers) and ``expected.path_formula`` (formulas in
    lam, one table per interval), with the factor that turns their lam into cvxreg's."""
    out: dict[str, Any] = {"path_breakpoints": None, "path_formula": None, "path_lam_factor": 1}
    asked = [key for key in ("path_breakpoints", "path_formula") if r.get(f"expected.{key}", None) is not None]
    if not asked:
        return out
    if not exact_data:
        raise r.fail(f"expected.{asked[0]}", "given with [data] X and y written out (an exact path)", "a value")
    if r.get("expected.scale", "cvxreg") == "book" and notation is not None:
        out["path_lam_factor"] = rational(float(np.ravel(notation._factor("lam"))[0]))
    points = r.get("expected.path_breakpoints", None)
    if points is not None:
        try:
            values = [rational(v) for v in points] if isinstance(points, list) and points else None
        except (InvalidParameterError, TypeError, ValueError):
            values = None
        if values is None or any(v <= 0 for v in values):
            raise r.fail("expected.path_breakpoints", "a list of exact numbers > 0 ('70', '35/2')", points)
        out["path_breakpoints"] = tuple(sorted((v * out["path_lam_factor"] for v in values), reverse=True))
    formula = r.get("expected.path_formula", None)
    if formula is not None:
        try:
            out["path_formula"] = read_pieces(formula, d, "expected.path_formula")
        except InvalidParameterError as exc:
            raise r.fail("expected.path_formula", str(exc), "see above") from None
    return out


def breakpoint_check(ex: Any, given: Any) -> Any:
    """An answer's ``path_breakpoints`` (in the file's scale of lam) against the exact path's:
    texts exactly, numbers to 1e-9."""
    factor = Fraction(ex.path_lam_factor())
    truth = [t / factor for t in ex.expected.path_breakpoints]
    if given is None:
        return Check("path breakpoints", False, None, None, "the answer gives no 'path_breakpoints'")
    try:
        values = sorted((rational(v) if isinstance(v, str) else float(v) for v in given), reverse=True)
    except (InvalidParameterError, TypeError, ValueError):
        return Check("path breakpoints", False, None, None, "the answer's 'path_breakpoints' must be numbers")
    ok = len(values) == len(truth) and all(
        g == t if isinstance(g, Fraction) else abs(g - float(t)) <= 1e-9 * max(1.0, abs(float(t)))
        for g, t in zip(values, truth, strict=False)
    )
    return Check("path breakpoints", ok, None, None, f"expected {[as_text(t) for t in truth]}")


def formula_check(ex: Any, given: Any) -> Any:
    """An answer's ``path_formula`` against the exact path, compared as fractions."""
    if given is None:
        return Check("path formula", False, None, None, "the answer gives no 'path_formula'")
    try:
        pieces = read_pieces(given, ex.X.shape[1], "the answer's path_formula")
    except InvalidParameterError as exc:
        return Check("path formula", False, None, None, str(exc))
    where = mismatch(ex.exact_path(), pieces, ex.path_lam_factor())
    return Check("path formula (exact)", where is None, None, None, where or "equal to the exact lasso path")


def exact_document(ex: Any) -> dict[str, Any]:
    """cvxreg's exact answer to what a file states exactly: its exact fields as texts
    (``"35/16"``), the per-observation fields, the path's breakpoints and formulas."""
    e = ex.expected
    doc = observation_document(ex)
    if e.exact:
        try:
            texts = ex.exact_answer().as_texts()
        except NotSupportedError:
            texts = {}
        doc |= {name: texts[name] for name in e.exact if name in texts}
    if e.path_breakpoints is not None or e.path_formula is not None:
        try:
            path = ex.exact_path()
        except NotSupportedError:
            return doc
        factor = Fraction(e.path_lam_factor)
        doc["path_breakpoints"] = [as_text(v / factor) for v in path.breakpoints]
        doc["path_formula"] = _formulas(path, factor)
    return doc


def _formulas(path: Any, factor: Fraction) -> list[dict[str, Any]]:
    """The exact path as one table of linear formulas in lam per interval between breakpoints."""

    def line(at_hi: Fraction, at_lo: Fraction, hi: Fraction, lo: Fraction) -> str:
        slope = (at_hi - at_lo) / (hi - lo)
        start = at_lo - slope * lo
        if slope == 0:
            return as_text(start)
        term = f"{as_text(abs(slope))}*lam"
        if start == 0:
            return term if slope > 0 else f"-{term}"
        return f"{as_text(start)} {'+' if slope > 0 else '-'} {term}"

    out = [{"from": as_text(path.knots[0][0] / factor), "to": "inf",
            "coef": [as_text(v) for v in path.knots[0][1]], "intercept": as_text(path.knots[0][2])}]  # fmt: skip
    for (hi, w_hi, b_hi), (lo, w_lo, b_lo) in zip(path.knots, path.knots[1:], strict=False):
        lo_b, hi_b = lo / factor, hi / factor  # the formulas' lam is the file's (the book's when scale = "book")
        out.append({
            "from": as_text(lo_b), "to": as_text(hi_b),
            "coef": [line(a, c, hi_b, lo_b) for a, c in zip(w_hi, w_lo, strict=True)],
            "intercept": line(b_hi, b_lo, hi_b, lo_b),
        })  # fmt: skip
    return out


def read_moments(r: Any) -> dict[str, Any] | None:
    """``[data]``'s summary statistics as written (texts read exactly), for exact answers; None
    without them. ``cvxreg._file_data`` has already checked their shapes."""
    if r.get("data.gram", None) is None:
        return None

    def exact(value: Any) -> Any:
        return [exact(v) for v in value] if isinstance(value, list) else rational(value)

    try:
        out = {key: exact(r.get(f"data.{key}")) for key in ("gram", "xty", "yty")}
        out |= {key: exact(r.get(f"data.{key}")) for key in ("n", "means") if r.get(f"data.{key}", None) is not None}
    except (InvalidParameterError, TypeError, ValueError):
        return None  # refused with its field named where the data are read
    return out
