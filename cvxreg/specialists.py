"""The tools an analyst would reach for instead of a conic solver, run on cvxreg's problems.

A lasso user's real choice is between scikit-learn's coordinate descent, liblinear, lbfgs or
saga, celer, cvxreg's own engine — and Clarabel, OSQP or SCS through CVXPY. Each
``Specialist`` here states the problem it solves as a cvxreg ``Problem`` (its own objective, in
its own parameter, through ``forward``), so it is run only on a problem that equals it: same
loss, same penalty, same lam, same intercept, no bounds or constraints. ``specialist_rows``
fits each one at several tolerances and scores the answer exactly as ``compare_solvers``
scores a solver's: objective and coefficient error against the truth, the certificate's
residuals and gap, the time (median of repeated runs, ``cvxreg.timing``).

The mappings are scikit-learn's documented objectives (``cvxreg.conventions``): ``Lasso``'s
``RSS/(2n) + alpha ||w||_1`` is ``SquaredLoss(scale="mean")``, ``L1``, ``lam = alpha``;
``LogisticRegression``'s ``C sum log(1 + e^(-y f)) + R(w)`` is ``LogisticLoss``, ``lam = 1/C``
(``R`` = ``L1`` or ``SquaredL2``, which is ``||w||^2 / 2``); ``Ridge``'s ``||r||^2 +
alpha ||w||^2`` is ``SquaredLoss``, ``SquaredL2``, ``lam = alpha``; ``QuantileRegressor``'s
``(1/n) sum pinball + alpha ||w||_1`` is ``QuantileLoss(tau, scale="mean")``, ``L1``. liblinear
penalizes the intercept, so it is run only on problems without one (celer's logistic
regression fits none).
"""

from __future__ import annotations

import importlib.util
import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from cvxreg._isolate import Outcome, OutcomeKind
from cvxreg._validation import forget_derived
from cvxreg.losses import LogisticLoss, QuantileLoss, SquaredLoss
from cvxreg.penalties import L1, SquaredL2
from cvxreg.result import Result, Status
from cvxreg.timing import MIN_TIME, Timing, repeated

if TYPE_CHECKING:
    from cvxreg._validation import Data
    from cvxreg.compare import Facts
    from cvxreg.problem import Problem

__all__ = ["SPECIALISTS", "Specialist", "available_specialists", "specialist_rows"]

#: What a fit returns: coefficients, intercept, and whether the tool says it converged.
Fitted = tuple[np.ndarray, float, bool]


@dataclass(frozen=True)
class Specialist:
    """One tool on the problems it solves.

    ``forward(param)`` is the tool's objective as (loss, penalty, lam) at its own parameter
    (``alpha``, ``C``); ``param(lam)`` inverts it. ``fit(X, y, param, fit_intercept, tol)``
    runs the tool. ``tolerances`` are the tool's own stopping tolerances to try, loosest first
    (``None``: the tool has none, one run). ``package`` must be importable for it to run."""

    name: str
    package: str
    forward: Callable[[float], tuple[Any, Any, float]]
    param: Callable[[float], float]
    fit: Callable[[Any, np.ndarray, float, bool, float | None], Fitted]
    tolerances: tuple[float | None, ...]
    intercept: tuple[bool, ...] = (True, False)

    def takes(self, problem: Problem) -> bool:
        """Whether ``problem`` is exactly this tool's objective at some value of its parameter."""
        if problem.form.param_name != "lam" or np.ndim(problem.form.param_value) or problem.form.param_value <= 0:
            return False
        if problem.bounds is not None or problem.constraints or problem.fit_intercept not in self.intercept:
            return False
        lam = float(problem.form.param_value)
        loss, penalty, mapped = self.forward(self.param(lam))
        same = loss.identity() == problem.loss.identity() and penalty.identity() == problem.penalty.identity()
        return same and math.isclose(mapped, lam, rel_tol=1e-12)


def _quiet(fit: Callable[[], Any]) -> tuple[Any, bool]:
    """Run a scikit-learn style fit; whether it converged (no ``ConvergenceWarning``)."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = fit()
    return model, not any(issubclass(w.category, ConvergenceWarning) for w in caught)


def _sk_lasso(X: Any, y: np.ndarray, alpha: float, intercept: bool, tol: float | None) -> Fitted:
    from sklearn.linear_model import Lasso

    model, ok = _quiet(lambda: Lasso(alpha=alpha, fit_intercept=intercept, tol=tol, max_iter=100_000).fit(X, y))
    return np.asarray(model.coef_, float), float(model.intercept_), ok


def _celer_lasso(X: Any, y: np.ndarray, alpha: float, intercept: bool, tol: float | None) -> Fitted:
    from celer import Lasso

    model, ok = _quiet(lambda: Lasso(alpha=alpha, fit_intercept=intercept, tol=tol, max_iter=200).fit(X, y))
    return np.asarray(model.coef_, float), float(model.intercept_), ok


def _sk_ridge(X: Any, y: np.ndarray, alpha: float, intercept: bool, tol: float | None) -> Fitted:
    from sklearn.linear_model import Ridge

    model, ok = _quiet(lambda: Ridge(alpha=alpha, fit_intercept=intercept).fit(X, y))
    return np.asarray(model.coef_, float), float(model.intercept_), ok


def _logistic(solver: str, penalty: str) -> Callable[..., Fitted]:
    def fit(X: Any, y: np.ndarray, C: float, intercept: bool, tol: float | None) -> Fitted:
        from sklearn.linear_model import LogisticRegression

        model, ok = _quiet(
            lambda: LogisticRegression(
                penalty=penalty, C=C, solver=solver, fit_intercept=intercept, tol=tol, max_iter=10_000
            ).fit(X, y)
        )
        return np.asarray(model.coef_, float).ravel(), float(np.ravel(model.intercept_)[0]), ok

    return fit


def _celer_logistic(X: Any, y: np.ndarray, C: float, intercept: bool, tol: float | None) -> Fitted:
    from celer import LogisticRegression

    model, ok = _quiet(lambda: LogisticRegression(C=C, tol=tol, max_iter=200).fit(X, y))
    return np.asarray(model.coef_, float).ravel(), 0.0, ok


def _sk_quantile(X: Any, y: np.ndarray, alpha: float, intercept: bool, tol: float | None) -> Fitted:
    from sklearn.linear_model import QuantileRegressor

    model, ok = _quiet(
        lambda: QuantileRegressor(quantile=0.5, alpha=alpha, fit_intercept=intercept, solver="highs").fit(X, y)
    )
    return np.asarray(model.coef_, float), float(model.intercept_), ok


def _same(value: float) -> float:
    return value


def _inverse(value: float) -> float:
    return 1.0 / value


_TOLS = (1e-2, 1e-4, 1e-6, 1e-8)

#: Every specialist cvxreg knows, in the order the report lists them.
SPECIALISTS: tuple[Specialist, ...] = (
    Specialist("sklearn Lasso (cd)", "sklearn", lambda a: (SquaredLoss(scale="mean"), L1(), a), _same, _sk_lasso,
               _TOLS),
    Specialist("celer Lasso", "celer", lambda a: (SquaredLoss(scale="mean"), L1(), a), _same, _celer_lasso, _TOLS),
    Specialist("sklearn Ridge", "sklearn", lambda a: (SquaredLoss(), SquaredL2(), a), _same, _sk_ridge, (None,)),
    Specialist("sklearn liblinear L1", "sklearn", lambda C: (LogisticLoss(), L1(), 1.0 / C), _inverse,
               _logistic("liblinear", "l1"), _TOLS, intercept=(False,)),
    Specialist("sklearn saga L1", "sklearn", lambda C: (LogisticLoss(), L1(), 1.0 / C), _inverse,
               _logistic("saga", "l1"), _TOLS[:3]),
    Specialist("celer Logistic L1", "celer", lambda C: (LogisticLoss(), L1(), 1.0 / C), _inverse, _celer_logistic,
               _TOLS, intercept=(False,)),
    Specialist("sklearn lbfgs L2", "sklearn", lambda C: (LogisticLoss(), SquaredL2(), 1.0 / C), _inverse,
               _logistic("lbfgs", "l2"), _TOLS),
    Specialist("sklearn newton-cholesky L2", "sklearn", lambda C: (LogisticLoss(), SquaredL2(), 1.0 / C), _inverse,
               _logistic("newton-cholesky", "l2"), _TOLS),
    Specialist("sklearn liblinear L2", "sklearn", lambda C: (LogisticLoss(), SquaredL2(), 1.0 / C), _inverse,
               _logistic("liblinear", "l2"), _TOLS, intercept=(False,)),
    Specialist("sklearn saga L2", "sklearn", lambda C: (LogisticLoss(), SquaredL2(), 1.0 / C), _inverse,
               _logistic("saga", "l2"), _TOLS[:3]),
    Specialist("sklearn QuantileRegressor (highs)", "sklearn",
               lambda a: (QuantileLoss(0.5, scale="mean"), L1(), a), _same, _sk_quantile, (None,)),
)  # fmt: skip

#: cvxreg's own route (``Problem.solve``) at these tolerances of its certificate.
ENGINE_TOLERANCES = (1e-4, 1e-10)
ENGINE = "cvxreg Problem.solve"


def available_specialists(problem: Problem) -> list[Specialist]:
    """The installed specialists whose objective ``problem`` is."""
    return [s for s in SPECIALISTS if importlib.util.find_spec(s.package) is not None and s.takes(problem)]


def _engine(problem: Problem) -> Callable[..., Fitted]:
    def fit(X: Any, y: np.ndarray, param: float, intercept: bool, tol: float | None) -> Fitted:
        forget_derived()  # a user's first call: nothing kept from the truth's solve or an earlier fit
        res = problem.solve(X, y, tol=tol)
        return res.coef, res.intercept, res.status == Status.OPTIMAL

    return fit


def _warm_up(fit: Callable[..., Fitted], X: Any, y: np.ndarray, param: float, intercept: bool, tol: Any) -> None:
    """One untimed fit on the first rows, so that no timed fit pays for what a tool does once
    (compiling kernels, loading modules, first allocations)."""
    rows = min(len(y), 64)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit(X[:rows], y[:rows], param, intercept, tol)
    except Exception:  # a warm-up on a slice may fail (one class only): the timed fits say how it goes
        pass


def _label(tol: float | None) -> str:
    return "its only setting" if tol is None else f"tol={tol:g}"


def specialist_rows(
    problem: Problem,
    data: Data,
    ref: Result,
    facts: Facts,
    name: str,
    *,
    engine: bool = True,
    budget: float = 5.0,
    skip: Sequence[str] = (),
    min_time: float = MIN_TIME,
) -> list[dict[str, Any]]:
    """Rows in ``cvxreg.compare.COLUMNS`` for every specialist that takes ``problem`` (and
    cvxreg's own ``Problem.solve`` with ``engine``), each at its tolerances, loosest first; a
    tool stops tightening once a fit takes over ``budget`` seconds. ``skip``: tools to leave
    out. The time is the whole fit as a user calls it: a fit shorter than ``min_time`` is
    repeated (``cvxreg.timing.repeated``: at least 3 runs and ``min_time`` seconds, within
    ``budget``) and its median kept. A fit that raises is a row with status
    "solver_error", as a solver's is."""
    from cvxreg.compare import _row

    tools: list[tuple[str, Callable[..., Fitted], tuple[float | None, ...], float]] = []
    for spec in available_specialists(problem):
        if spec.name not in skip:
            tools.append((spec.name, spec.fit, spec.tolerances, spec.param(float(problem.form.param_value))))
    if engine and ENGINE not in skip:
        tools.append((ENGINE, _engine(problem), ENGINE_TOLERANCES, math.nan))
    X, y = data.X, data.y
    for spec in SPECIALISTS:  # a first fit would otherwise time the import of the tool's modules
        if any(spec.name == t[0] for t in tools):
            importlib.import_module("sklearn.linear_model" if spec.package == "sklearn" else spec.package)
    rows = []
    for tool, fit, tolerances, param in tools:
        _warm_up(fit, X, y, param, problem.fit_intercept, tolerances[0])
        for tol in tolerances:
            try:
                start = time.perf_counter()
                coef, intercept, converged = fit(X, y, param, problem.fit_intercept, tol)
                first = time.perf_counter() - start
            except Exception as exc:  # a tool's failure is a row, as a solver's is
                outcome = Outcome(OutcomeKind.ERROR, message=f"{type(exc).__name__}: {exc}", error_type="")
                rows.append(_row(name, tool, _label(tol), outcome, problem, ref, facts) | {"reference": ""})
                break

            def again(fit: Callable[..., Fitted] = fit, tol: float | None = tol, param: float = param) -> None:
                fit(X, y, param, problem.fit_intercept, tol)

            timed = Timing(first, 0.0, 1)  # a fit of min_time or longer: timed once
            if first < min_time:
                timed = repeated(again, first=first, budget=budget, min_time=min_time)
            status = Status.OPTIMAL if converged else Status.OPTIMAL_INACCURATE
            message = "" if converged else f"{tool} says it did not converge at tol={tol:g}"
            res = Result(coef=np.asarray(coef, float), intercept=float(intercept), status=status, solver=tool,
                         objective=problem.objective_on(data, coef, intercept), solve_time=timed.median,
                         setup_time=0.0, message=message, model="specialist")  # fmt: skip
            res = problem.certify(res, data)
            outcome = Outcome(OutcomeKind.OK, value={"result": res, "twin_dual": None, "timing": timed})
            rows.append(_row(name, tool, _label(tol), outcome, problem, ref, facts))
            if timed.median > budget:
                rows[-1]["over_budget"] = tol != tolerances[-1]  # no tighter tolerance is tried
                break
    return rows
