"""The solve, as a pipeline: what happens to the data between ``Problem.solve`` and its ``Result``.

Read top to bottom, ``solve`` runs these steps, each a function of what the one before returned:

1. **validate** — ``Problem.check_data``: shapes, labels, weights, the penalty's size.
2. **units** — ``cvxreg._units``: ``y``, the weights and the columns of ``X`` far from one are
   brought near it (powers of two, exact), the problem rewritten to have the same minimizers;
   the answer is mapped back at the end.
3. **existence** — ``cvxreg.existence``: a problem whose infimum no point attains (separable
   classes without a penalty, ...) is answered ``no_minimizer`` with the reason, unsolved.
4. **route** — the solver's own answer (``raw=True``); cvxreg's compiled engine
   (``cvxreg.engine``: smooth losses with elastic-net penalties and bounds; group penalties by
   block descent; absolute and quantile losses with L1 as one LP for HiGHS — when neither a
   solver nor solver options are named); a working set (lasso-like problems:
   the solver on a few coefficients, grown until the full certificate passes); else the
   whole CVXPY model, built once per structure and data and re-used (``Problem.built``).
5. **polish** — ``cvxreg.polish`` (and ``cvxreg.polish_linear`` with bounds or linear
   constraints, ``cvxreg.twin`` in constrained form): from the solver's answer to the exact
   minimizer on its support, kept when its certificate is no worse.
6. **certify and settle** — the certificate on the user's problem; tiny coefficients that
   the KKT conditions prove zero become exact zeros; an uncertified answer escalates (tight
   settings, then Clarabel); the status is ``optimal`` exactly when the certificate passes at
   ``tol``, else ``optimal_inaccurate`` with the reason.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from cvxreg import _units, engine, existence, twin, working_set
from cvxreg import polish as polish_module
from cvxreg._validation import Data, check_real
from cvxreg.errors import NotSupportedError, SolveError
from cvxreg.polish_linear import polish_linear
from cvxreg.result import Result, Status
from cvxreg.solvers import installed_solvers, resolve_solver, solver_label, solver_options

if TYPE_CHECKING:
    from cvxreg.problem import Problem, _Built

__all__ = ["by_blocks", "by_engine", "finish", "polished", "solve"]


def solve(
    problem: Problem,
    X: Any,
    y: Any,
    *,
    sample_weight: Any = None,
    solver: Any = None,
    check: bool = False,
    certify: bool = True,
    raw: bool = False,
    reduce: bool = True,
    tol: float = 1e-6,
    solver_opts: dict[str, Any],
) -> Result:
    """``Problem.solve``: see its docstring for the parameters."""
    data = problem.check_data(X, y, sample_weight)  # 1. validate
    name = resolve_solver(solver)
    tol = check_real(tol, "tol", "Problem.solve", lo=0.0, lo_open=True)
    units = _units.choose(problem, data)  # 2. units
    if units is not None:
        here = units.data
        inner = solve(
            units.problem, here.X, here.y, sample_weight=here.sample_weight, solver=solver, certify=certify,
            raw=raw, reduce=reduce, tol=tol, solver_opts=solver_opts,
        )  # fmt: skip
        return _checked(problem, units.undo(_labelled(inner, data)), check)
    reason = existence.no_minimizer(problem, data)  # 3. existence
    if reason is not None:
        return _checked(problem, _no_minimizer(problem, data, name, reason), check)
    if raw:  # 4. route: the solver's own answer on a freshly built model
        result = problem.solve_built(problem.build(data, reduce=reduce), name, solver_opts)
        return _checked(problem, problem.certify(result, data) if certify else result, check)
    if solver is None and not solver_opts and engine.applies(problem, data):  # cvxreg's own compiled solver
        found = by_engine(problem, data)
        if found is not None:
            return _checked(problem, _settle(problem, data, found, tol), check)
    if solver is None and not solver_opts and engine.group_applies(problem, data):  # block descent, compiled
        found = by_blocks(problem, data)
        if found is not None:
            return _checked(problem, _settle(problem, data, found, tol), check)
    if solver is None and not solver_opts and engine.lp_applies(problem, data):  # one LP, HiGHS directly
        found = engine.solve_lp(problem, data)
        if found is not None:
            found = dataclasses.replace(found, objective=problem.objective_on(data, found.coef, found.intercept))
            found = problem.certify(found, data)
            if found.certificate is not None and found.certificate.passed(1e-9):
                return _checked(problem, _settle(problem, data, found, tol), check)
    if problem.form.size == 1 and working_set.applies(problem, data):
        found = _by_working_set(problem, data, name, solver_opts)
        if found is not None:
            return _settle(problem, data, found, tol)  # 5-6 done on the working set's answer
    built, _ = problem.built(data, reduce=reduce)
    result = finish(problem, problem.solve_built(built, name, solver_opts), data)  # 5. polish
    failed = result.status == Status.SOLVER_ERROR  # a numerical failure: another try may succeed
    if not solver_opts and (failed or (result.ok and not _certified(result, tol))):
        result = _escalate(problem, result, built, name, data, tol)
    return _checked(problem, _settle(problem, data, result, tol), check)  # 6. settle


# -- 3. existence -------------------------------------------------------------------------------
def _no_minimizer(problem: Problem, data: Data, solver: Any, reason: str) -> Result:
    """The answer to a problem whose infimum no point attains: no coefficients, the reason."""
    return Result(
        coef=np.full(data.d, math.nan),
        intercept=math.nan if problem.fit_intercept else 0.0,
        objective=math.nan,
        status=Status.NO_MINIMIZER,
        solver=solver_label(solver) if solver is not None else "default",
        dual=None if problem.form.param_name == "lam" else problem.form.multiplier(None),
        setup_time=0.0,
        solve_time=0.0,
        feature_names=data.feature_names,
        message=reason,
        classes=data.classes,
    )


# -- 4. route -----------------------------------------------------------------------------------
def _by_working_set(problem: Problem, data: Data, solver: Any, solver_opts: dict[str, Any]) -> Result | None:
    """The solver on a working set, grown and polished to the full problem's exact answer;
    None unless the full problem's certificate passes at 1e-9 (the caller then solves the
    full model)."""
    start = working_set.initial_solve(problem, data, solver, solver_opts)
    if start is None:
        return None
    found = polish_module.polish(problem, data, start)
    if found is None:
        return None
    found = problem.certify(found, data)
    return found if found.certificate is not None and found.certificate.passed(1e-9) else None


def by_engine(
    problem: Problem, data: Data, *, start: Result | None = None, candidates: np.ndarray | None = None
) -> Result | None:
    """``cvxreg.engine``'s answer (warm-started from ``start``, its first working set among
    ``candidates``), polished when small, if its certificate passes at 1e-9; else None (the
    caller goes on to a solver)."""
    # Sparse answers are not polished (that would read the support's columns densely): the
    # engine takes them to a tighter residual instead.
    tol = 1e-13 if sp.issparse(data.X) else 1e-11
    if problem.form.param_name == "t":
        found = engine.solve_constrained(problem, data, tol=tol)
    else:
        found = engine.solve_penalized(problem, data, start=start, candidates=candidates, tol=tol)
    if found is None:
        return None
    # The objective as objective_value computes it, to the last bit, like every other route's.
    found = dataclasses.replace(found, objective=problem.objective_on(data, found.coef, found.intercept))
    found = problem.certify(found, data)
    if found.certificate is None or not found.certificate.passed(1e-9):
        return None
    # To machine precision on its support — a dense system on the support's columns, so never on
    # sparse data (the engine's own answer is certified there, its zeros already exact).
    # (Nothing to gain where it is already at rounding level: the engine's zeros are exact.)
    exact = found.certificate.worst <= 1e-12
    if not exact and not sp.issparse(data.X) and data.n * np.count_nonzero(found.coef) <= _POLISH_ENTRIES:
        found = polished(problem, found, data, slack=1e-13)
    if not found.polished and found.certificate is not None and found.certificate.worst <= 1e-12:
        found = dataclasses.replace(found, polished=True)  # the minimizer to rounding, zeros exact
    return found


def by_blocks(problem: Problem, data: Data, *, start: Result | None = None) -> Result | None:
    """The group lasso's block coordinate descent (``cvxreg.engine``), polished on its support
    (Newton steps off the zero blocks), if its certificate passes at 1e-9; else None."""
    found = engine.solve_group(problem, data, start=start)
    if found is None:
        return None
    found = problem.certify(
        dataclasses.replace(found, objective=problem.objective_on(data, found.coef, found.intercept)), data
    )
    # Polished on its support (a dense system on the support's columns: never on sparse data)
    # unless it is at rounding level already.
    if found.certificate is not None and found.certificate.worst <= 1e-12:
        found = dataclasses.replace(found, polished=True)
    elif not sp.issparse(data.X) and data.n * np.count_nonzero(found.coef) <= _POLISH_ENTRIES:
        found = polished(problem, found, data, slack=1e-13)
    if found.certificate is None or not found.certificate.passed(1e-9):
        return None
    return found


#: The engine's answers are polished (a Newton solve on the support, which reads the support's
#: columns densely) when that is at most this many entries: 4e6, 32 MB.
_POLISH_ENTRIES = 4_000_000


# -- 5. polish ----------------------------------------------------------------------------------
def finish(problem: Problem, result: Result, data: Data) -> Result:
    """The solver's answer certified, and polished when that is no worse."""
    certified = problem.certify(result, data)
    # Below 1e-10 both certificates are at the floor of what a projection by a conic solver
    # resolves, and the exact solve is kept.
    return polished(problem, certified, data, slack=1e-10) if result.ok else certified


def polished(problem: Problem, raw: Result, data: Data, *, slack: float = 0.0) -> Result:
    """The polished answer when its certificate is no worse than the solver's (or below
    ``slack``, where both are at rounding level and the exact solve is preferred), else ``raw``."""
    try:
        candidate = problem.loss.polish(problem, data, raw)  # a loss with an exact route of its own
    except NotSupportedError:
        if problem.form.param_name == "t":
            if problem.form.size > 1:  # several constraints: polyhedral terms in one KKT system, else twins
                candidate = polish_module.polish_constrained_terms(problem, data, raw)
                if candidate is None:
                    candidate = twin.polish_constrained_multi(problem, data, raw)
            else:
                candidate = twin.polish_constrained(problem, data, raw)
        elif problem.bounds is not None or problem.constraints:
            candidate = polish_linear(problem.lagrangian(problem.form.param_value), data, raw)
        else:
            flat = problem.lagrangian(problem.form.param_value)
            candidate = polish_module.polish(flat, data, raw)
            if candidate is None:  # no zero pattern: Newton on a polyhedral penalty's face
                candidate = polish_module.polish_piece(flat, data, raw)
            if candidate is None:  # else proximal-gradient steps where the penalty has a prox
                candidate = polish_module.polish_prox(flat, data, raw)
    if candidate is None:
        return raw
    candidate = problem.certify(candidate, data)
    assert candidate.certificate is not None and raw.certificate is not None
    mine, theirs = candidate.certificate.worst, raw.certificate.worst
    better = mine <= max(theirs, slack) or (math.isnan(theirs) and math.isfinite(mine))
    return candidate if better else raw


# -- 6. certify and settle ------------------------------------------------------------------------
def _worst(result: Result) -> float:
    cert = result.certificate
    worst = math.inf if cert is None else cert.worst
    return math.inf if math.isnan(worst) else worst


def _certified(result: Result, tol: float) -> bool:
    """A solution whose certificate passes at ``tol``; one that cannot be certified (a measure
    the protocol cannot compute) counts as certified: there is nothing to escalate for."""
    cert = result.certificate
    if not result.ok or cert is None:
        return False
    return cert.passed(tol) or math.isnan(cert.worst)


def _escalate(problem: Problem, first: Result, built: _Built, solver: Any, data: Data, tol: float) -> Result:
    """Tighter settings of ``solver``, then Clarabel's, until an answer is certified at
    ``tol``; the answer with the best certificate otherwise."""
    best = first
    tries = [solver_label(solver)] if isinstance(solver, str) else []
    if "CLARABEL" in installed_solvers() and "CLARABEL" not in tries:
        tries.append("CLARABEL")
    for name in tries:
        built.param.value = problem.form.param_value
        again = problem.solve_built(built, name, solver_options(name, "tight"))
        if not again.ok:
            continue
        again = finish(problem, again, data)
        if _worst(again) < _worst(best):
            best = dataclasses.replace(again, message=f"escalated to {name} at tight settings")
        if _certified(best, tol):
            break
    return best


def _exact_zeros(problem: Problem, data: Data, result: Result, tol: float) -> Result:
    """Coefficients within rounding of 0 set to exactly 0 when the certificate says that point
    is optimal too (at lam = lam_max a polish can leave 1e-14 where the minimizer is 0)."""
    w = np.asarray(result.coef, dtype=float)
    tiny = (w != 0) & (np.abs(w) <= 1e-9 * max(1.0, float(np.max(np.abs(w)))))
    if not np.any(tiny) or result.certificate is None:
        return result
    coef = np.where(tiny, 0.0, w)
    candidate = problem.certify(
        dataclasses.replace(result, coef=coef, objective=problem.objective_on(data, coef, result.intercept)), data
    )
    assert candidate.certificate is not None
    before, after = result.certificate.worst, candidate.certificate.worst
    if candidate.certificate.passed(tol) and (math.isnan(before) or after <= before):
        return candidate
    return result


def _settle(problem: Problem, data: Data, result: Result, tol: float) -> Result:
    """One rule for the status of a solution: ``optimal`` when its certificate passes at ``tol``
    on the user's data, ``optimal_inaccurate`` (with the reason) when it does not."""
    if not result.ok or result.certificate is None:
        return result
    result = _exact_zeros(problem, data, result, tol)
    cert = result.certificate
    assert cert is not None
    if math.isnan(cert.worst):
        return result
    if cert.passed(tol):
        return result if result.status == Status.OPTIMAL else dataclasses.replace(result, status=Status.OPTIMAL)
    why = f"its certificate's worst measure is {cert.worst:.1e}, above tol = {tol:g}"
    message = f"{result.message}; {why}" if result.message else why
    return dataclasses.replace(result, status=Status.OPTIMAL_INACCURATE, message=message)


def _labelled(result: Result, data: Data) -> Result:
    return dataclasses.replace(result, classes=data.classes, feature_names=data.feature_names)


def _checked(problem: Problem, result: Result, check: bool) -> Result:
    """``result``, or ``SolveError`` when ``check`` asks for a solution and there is none."""
    if check and not result.ok:
        raise SolveError(
            f"{problem!r} has no solution from {result.solver}: status {result.status!r}. {result.message}".strip()
        )
    return result
