"""The usual mistakes, tested: each is the problem re-solved (or re-computed) as the mistake
would state it -- lam or t scaled by n or 2, the intercept penalized, an orthonormal formula on
a design that is not orthonormal, tau and 1 - tau swapped, the rescaled elastic net, the
centred problem's intercept, OLS projected onto the ball, a multiplier in the wrong scale or
sign, a book's scale not said -- and named when it reproduces the answer (and not the right
answer). ``cvxreg.grading`` asks ``diagnose`` once an answer fails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from cvxreg.closed_forms import is_orthonormal
from cvxreg.errors import CvxregError, NotSupportedError
from cvxreg.lagrange import convert_multiplier
from cvxreg.problem import Problem
from cvxreg.reference import reference_result, truth
from cvxreg.result import Result

if TYPE_CHECKING:
    from cvxreg.exercises import Exercise

__all__ = ["diagnose", "solution"]


def solution(problem: Problem, X: Any, y: Any, s: Any) -> Result | None:
    try:
        return truth(problem, X, y, sample_weight=s)[0]
    except CvxregError:
        return None


def _minimizes(ex: Exercise, got: tuple[Any, ...], w: np.ndarray, b: float) -> bool:
    """Whether ``(w, b)`` is a minimizer of the mistaken problem ``got[3]`` (optimal value
    ``got[4]``): feasible, with the optimal value to a recognising tolerance (1e-6 relative). A
    mistake that changes the data (the intercept as a penalized column of ones) gives them as
    ``got[5]``, and the answer's ``b`` is then that column's coefficient."""
    problem, optimum = got[3], got[4]
    X = ex.X
    if len(got) > 5:
        X, w, b = got[5], np.r_[w, b], 0.0
    if problem.form.infeasibility(problem.penalty.value(w)) > 1e-9 * max(1.0, float(np.max(np.abs(w)))):
        return False
    if problem.bounds is not None or problem.constraints:
        return False  # the same answer would be graded infeasible first; no set matching there
    f = problem.objective_value(X, ex.y, w, b if problem.fit_intercept else 0.0, sample_weight=ex.sample_weight)
    return bool(f <= optimum + 1e-6 * max(1.0, abs(optimum)))


def _explains_the_right_answer(ex: Exercise, got: Any, best_known: Any) -> bool:
    """A mistaken problem the right answer also minimizes explains nothing."""
    return best_known is not None and _minimizes(ex, got, np.asarray(best_known[0]), float(best_known[1]))


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
    """(description, thunk returning (coef, intercept, dual) or None) for each usual mistake;
    a mistake that is the same problem on the same data with other numbers (lam scaled, tau
    swapped) also returns that problem and its optimal value, so a whole solution set of it is
    recognised, not only the point re-solved; one that changes the data (the penalized intercept)
    also returns its data."""
    p = ex.problem
    assert p is not None
    n = ex.X.shape[0]
    param = p.form.param_name
    out: list[tuple[str, Any]] = []

    def scaled(k: float) -> Any:
        def run() -> Any:
            wrong = p.with_form(p.form.with_value(p.form.param_value * k))
            res = solution(wrong, ex.X, ex.y, ex.sample_weight)
            return None if res is None or not res.ok else (res.coef, res.intercept, res.dual, wrong, res.objective)

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
            res = solution(prob1, X1, ex.y, ex.sample_weight)
            ok = res is not None and res.ok
            return (res.coef[:-1], res.coef[-1], res.dual, prob1, res.objective, X1) if ok else None

        out.append(("the intercept was penalized: it must be left out of the penalty (fit it on centred data)", run_pi))
    if p.loss.supports("mirrored") and p.loss.mirrored() != p.loss:  # tau read as 1 - tau
        swapped = Problem(
            p.loss.mirrored(), p.penalty, p.form, fit_intercept=p.fit_intercept, bounds=p.bounds,
            constraints=p.constraints,
        )

        def run_tau() -> Any:
            res = solution(swapped, ex.X, ex.y, ex.sample_weight)
            return None if res is None or not res.ok else (res.coef, res.intercept, res.dual, swapped, res.objective)

        why = f"the loss's two sides swapped (tau and 1 - tau): the answer solves {swapped.loss!r}, not {p.loss!r}"
        out.append((why, run_tau))
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


def _ridge_weight(p: Problem, d: int) -> float:
    """The weight of ``1/2 ||w||^2`` in the penalty term (Zou & Hastie's lambda2 in cvxreg's
    scale), read off the penalty's quadratic part ``1/2 w'Qw`` (``as_generalized_lasso``) when
    it is one weight on every coefficient; 0 otherwise."""
    if p.form.param_name != "lam":
        return 0.0
    flat, weight = p.penalty.weighted(p.form.param_value)
    try:
        Q = flat.as_generalized_lasso(d)[2]
    except NotSupportedError:
        return 0.0
    diag = np.diag(Q)
    if d == 0 or not np.allclose(Q, np.diag(diag)) or not np.allclose(diag, diag[0]):
        return 0.0
    return float(weight * diag[0])


def _more_hypotheses(ex: Exercise) -> list[tuple[str, Any]]:
    """The rescaled elastic net, the centred problem's intercept, OLS projected onto the ball."""
    p = ex.problem
    assert p is not None
    out: list[tuple[str, Any]] = []

    def right() -> Result | None:
        return solution(p, ex.X, ex.y, ex.sample_weight)

    ridge = _ridge_weight(p, ex.X.shape[1])
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
    found: list[str] = []
    values: list[float] = []  # the mistaken multiplier behind each entry of found

    def close(a: float) -> bool:
        # the answer's multiplier matches the mistake's, and the mistake's differs from the
        # right one: a hypothesis that reproduces the correct answer explains nothing
        near = abs(dual - a) <= tol * max(1.0, abs(a))
        hit = near and abs(a - mu) > tol * max(1.0, abs(mu))
        if hit:
            values.append(a)
        return hit

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
    if len(found) > 1 and np.ptp(values) <= tol * max(1.0, float(np.max(np.abs(values)))):
        # Several mistakes give this same number here (a radius of 2 makes the norm-vs-squared-norm
        # factor r equal the factor 2): the answer cannot say which was made; say so, not both as facts.
        return ["these mistakes give the same multiplier here, so the answer cannot tell which was made: "
                + "; or ".join(found)]  # fmt: skip
    return found



def _bound_multiplier_signs(ex: Exercise, a: dict[str, Any]) -> list[str]:
    """A vector of bound multipliers given with the opposite sign (a convention read backwards:
    Lawson & Hanson's dual vector ``w = A^T(b - Ax)`` is minus the multiplier of ``x >= 0``)."""
    found = []
    for side, word in (("lower_dual", "lower"), ("upper_dual", "upper")):
        expected, given = getattr(ex.expected, side), a.get(side)
        if expected is None or given is None or np.shape(expected) != np.shape(given) or not np.any(expected):
            continue
        size = max(1.0, float(np.max(np.abs(expected))))
        if np.max(np.abs(np.asarray(given) + np.asarray(expected))) <= max(1e-4, 10 * ex.tolerance["dual"]) * size:
            found.append(
                f"the {word} bounds' multipliers have the wrong sign: in the Lagrangian L - lower_dual^T (w - lower) "
                "+ upper_dual^T (w - upper) both are >= 0 (Lawson & Hanson's dual vector w = A^T (b - Ax) is minus "
                "the multiplier of x >= 0)"
            )
    return found


def diagnose(
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
    right, best_known = None, None
    if e.unique and e.coef is not None:
        right, best_known = unique_part(e.coef, e.intercept or 0.0), (e.coef, e.intercept or 0.0)
    elif not e.unique:
        best = minimizer()
        if best is not None and best.ok:
            right, best_known = unique_part(best.coef, best.intercept), (best.coef, best.intercept)
    for text, thunk in _hypotheses(ex):
        got = thunk()
        if got is None:
            continue
        theirs = unique_part(got[0], got[1])
        if right is not None and np.max(np.abs(theirs - right)) <= tol * scale:
            continue  # this mistake would not change the answer here: it cannot explain anything
        if np.max(np.abs(theirs - mine)) <= tol * scale:
            found.append(text)
        elif len(got) > 3 and _minimizes(ex, got, w, b):  # another point of the mistake's solution set
            if not _explains_the_right_answer(ex, got, best_known):
                found.append(text)
    if e.dual is not None and np.ndim(e.dual) and a["dual"] is not None and np.shape(a["dual"]) == np.shape(e.dual):
        backwards = np.asarray(e.dual)[::-1]
        near = np.max(np.abs(a["dual"] - backwards)) <= 1e-6 * max(1.0, float(np.max(np.abs(backwards))))
        if near and not np.allclose(backwards, e.dual):
            found.append("the multipliers are in the wrong order: one per term, in the order the terms are listed")
    if e.dual is not None and a["dual"] is not None and np.ndim(e.dual) == 0 and np.ndim(a["dual"]) == 0:
        found += _dual_mistakes(ex, e.dual, a["dual"], max(1e-4, 10 * ex.tolerance["dual"]))
    found += _bound_multiplier_signs(ex, a)
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
