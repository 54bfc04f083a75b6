"""Solver comparison: one row per solver x settings, scored against an independent truth.

A solver's failure is a row, never an exception: each solve runs in a forked child process
(``cvxreg._isolate``), so a solver that raises, crashes its process or hangs past ``timeout``
becomes a row with that status while the other rows are kept. Rows report solver accuracy on
the model cvxreg builds (``Problem.to_cvxpy``); the ``reference`` column names the truth.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from cvxpy.reductions.solvers.solver import Solver

from cvxreg._isolate import MAX_TIMEOUT, Outcome, OutcomeKind, run_in_process, run_isolated
from cvxreg._validation import Data, check_choice, check_real, invalid
from cvxreg.errors import CvxregError
from cvxreg.forms import Constrained
from cvxreg.reference import multiplier_note, truth
from cvxreg.result import Result, Status
from cvxreg.solvers import (
    FORK_OPTIONS,
    SETTINGS,
    SUCCESS_BAR,
    capable_solvers,
    installed_solvers,
    model_class,
    solver_label,
    solver_options,
)
from cvxreg.timing import MAX_RUNS, MIN_TIME, REPEAT, Timing, repeated, solver_call

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["COLUMNS", "Comparison", "Facts", "compare_solvers", "default_solvers", "problem_facts", "settings_list"]

#: Columns of every comparison frame, in order.
COLUMNS = [
    "problem",
    "problem_class",
    "solver",
    "settings",
    "model",
    "status",
    "success",
    "error",
    "objective",
    "objective_gap",
    "coef_error",
    "dual_error",
    "dual_note",
    "primal_residual",
    "kkt_residual",
    "duality_gap",
    "support_match",
    "setup_time",
    "solve_time",
    "runs",
    "time_iqr",
    "iterations",
    "reference",
    "message",
]

#: The columns a person reads first: what a printed or notebook comparison shows.
FIRST_COLUMNS = ["solver", "settings", "status", "success", "error", "kkt_residual", "duality_gap", "solve_time"]


class Comparison(pd.DataFrame):
    """``compare_solvers``' table: a pandas DataFrame with every column and operation, whose
    printed and notebook forms show the columns read first (``FIRST_COLUMNS``) and name the
    others; ``pd.DataFrame(table)`` or ``table.to_string()`` show them all."""

    @property
    def _constructor(self) -> type:
        return Comparison

    def _short(self) -> tuple[pd.DataFrame, str] | None:
        shown = [c for c in FIRST_COLUMNS if c in self.columns]
        rest = [c for c in self.columns if c not in shown]
        if len(shown) < 3 or len(rest) <= 2:
            return None
        problems = self["problem"].unique() if "problem" in self.columns else []
        head = f"{problems[0]}: " if len(problems) == 1 else ""
        return pd.DataFrame(self[shown]), f"{head}{len(rest)} more columns ({', '.join(map(str, rest))})"

    def __repr__(self) -> str:
        short = self._short()
        if short is None:
            return super().__repr__()
        frame, note = short
        return f"{frame!r}\n[{note}]"

    def _repr_html_(self) -> str | None:
        short = self._short()
        if short is None:
            return super()._repr_html_()
        frame, note = short
        from html import escape

        return f"{frame.to_html()}<p><small>{escape(note)}</small></p>"


#: Installed solvers that ``solvers=None`` leaves out, and that no refusal names as able to
#: take a model: wrappers for mixed-integer programs (ECOS_BB is ECOS with branch and bound).
_SKIP_BY_DEFAULT = ("ECOS_BB", "GLPK_MI")

_OUTCOME_STATUS = {
    OutcomeKind.ERROR: Status.SOLVER_ERROR,
    OutcomeKind.TIMEOUT: Status.TIMEOUT,
    OutcomeKind.CRASHED: Status.CRASHED,
}
#: Errors that say something more precise than "the solver raised".
_ERROR_STATUS = {
    "InvalidParameterError": Status.INVALID_OPTIONS,
    "NotInstalled": Status.NOT_INSTALLED,
    "Unsupported": Status.UNSUPPORTED,
}


def default_solvers() -> list[str]:
    """The installed solvers a comparison runs by default."""
    return [s for s in installed_solvers() if s not in _SKIP_BY_DEFAULT]


def settings_list(settings: str | Sequence[str], owner: str) -> list[str]:
    """Validated settings names from one name or a list."""
    items = [settings] if isinstance(settings, str) else list(settings)
    if not items:
        raise invalid("settings", owner, "a settings name or a list of them: " + ", ".join(map(repr, SETTINGS)), items)
    return [check_choice(x, "settings", owner, tuple(SETTINGS)) for x in items]


def _solve_one(
    problem: Problem, data: Data, solver: Any, opts: dict[str, Any], twin_t: Any, reduce: bool, timing: dict[str, Any]
) -> dict[str, Any]:
    """Solve in the child process; return plain data (picklable, no CVXPY objects). The
    solver's raw answer is scored (no polishing), on the model ``reduce`` asks for. When it
    is a solution shorter than ``timing["min_time"]``, the solver's call is then timed again on
    the same model (``timing``: ``cvxreg.timing.repeated``'s arguments); a longer solve, or a
    solver given as an object, keeps its one time, the solver's own report.

    With ``twin_t`` (penalized problems) the same solver also solves the constrained twin at
    ``t = R(w_ref)``, whose multiplier must equal lam: that is how a penalized problem tests
    a solver's duals.
    """
    twin_dual = None
    X, y, s = data.X, data.y, data.sample_weight
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = problem.solve(X, y, sample_weight=s, solver=solver, raw=True, reduce=reduce, **opts)
        if twin_t is not None and res.ok:
            twin_problem = problem.with_form(Constrained(twin_t))
            twin = twin_problem.solve(
                X, y, sample_weight=s, solver=solver, certify=False, raw=True, reduce=reduce, **opts
            )
            twin_dual = twin.dual if twin.ok else None
        timed = Timing(res.solve_time, 0.0, 1)
        if res.ok and isinstance(solver, str) and res.solve_time < timing["min_time"]:
            try:
                call = solver_call(problem.build(data, reduce=reduce).problem, solver, opts)
                timed = repeated(call, **timing)
            except Exception:  # a solver that fails when asked again: the answer stands, timed once
                timed = Timing(res.solve_time, 0.0, 1)
    return {"result": res, "twin_dual": twin_dual, "timing": timed}


@dataclass(frozen=True)
class Facts:
    """What a comparison knows of a problem before any solver runs: the kind of model, the
    installed solvers that can take it, and why its multiplier is not a test ("" when it is)."""

    model_class: str = ""
    capable: tuple[str, ...] = ()
    multiplier_note: str = ""
    #: False when the minimizer is not unique (e.g. equal columns under L1): any minimizer is
    #: right, so ``error`` is the objective error alone.
    unique: bool = True

    def refusal(self, solver: str) -> str:
        who = ", ".join(self.capable) if self.capable else "none of the installed solvers"
        return f"{solver} cannot take this {self.model_class or 'conic'} model; installed solvers that can: {who}"


def problem_facts(
    problem: Problem,
    data: Data,
    ref: Result | None,
    *,
    unique: bool = True,
    model: Any = None,
    solvers: list[str] | None = None,
) -> Facts:
    """``Facts`` of ``problem`` on checked ``data`` with its reference answer ``ref`` (None: no
    multiplier note). ``model``: the CVXPY model when already built; ``solvers``: the solvers
    to test for capability (default: ``default_solvers()``, the installed solvers of
    continuous models)."""
    prob = problem.build(data).problem if model is None else model
    note = multiplier_note(problem, data, ref)
    capable = capable_solvers(prob, default_solvers() if solvers is None else solvers)
    return Facts(model_class(prob), tuple(capable), note, unique)


def _support(w: np.ndarray, scale: float) -> np.ndarray:
    return np.abs(w) > 1e-6 * max(1.0, scale)


def _row(
    name: str, solver: str, settings: str, outcome: Outcome, problem: Problem, ref: Result, facts: Facts
) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS, math.nan)
    row.update(
        problem=name,
        problem_class=facts.model_class,
        solver=solver,
        settings=settings,
        message="",
        runs=0,
        iterations=None,
        support_match=None,
        success=False,
        dual_note=facts.multiplier_note,
    )
    if outcome.kind != OutcomeKind.OK:
        status = _ERROR_STATUS.get(outcome.error_type, _OUTCOME_STATUS[outcome.kind])
        row.update(status=str(status), message=outcome.message, runs=0)
        return row
    res: Result = outcome.value["result"]
    timed: Timing = outcome.value.get("timing") or Timing(res.solve_time, 0.0, 1)
    row.update(
        model=res.model,
        status=str(res.status),
        message=res.message,
        setup_time=res.setup_time,
        solve_time=timed.median,
        runs=timed.runs,
        time_iqr=timed.spread,
        iterations=res.iterations,
    )
    if res.status == Status.UNSUPPORTED:
        row["message"] = facts.refusal(solver)
    if not res.ok:
        return row
    row["objective"] = res.objective
    if res.certificate is not None:
        row["kkt_residual"] = res.certificate.kkt_residual
        row["primal_residual"] = res.certificate.primal_infeasibility
        gap = res.certificate.duality_gap
        row["duality_gap"] = math.nan if gap is None else gap
    if ref.ok:
        row["objective_gap"] = abs(res.objective - ref.objective) / max(1.0, abs(ref.objective))
        row["coef_error"] = float(max(np.max(np.abs(res.coef - ref.coef)), abs(res.intercept - ref.intercept)))
        scale = max(1.0, float(np.max(np.abs(ref.coef), initial=0.0)), abs(ref.intercept))
        row["error"] = max(row["objective_gap"], row["coef_error"] / scale) if facts.unique else row["objective_gap"]
        primal = row["primal_residual"] if math.isfinite(row["primal_residual"]) else 0.0
        bar = SUCCESS_BAR.get(settings, SUCCESS_BAR["default"])
        row["success"] = bool(row["error"] <= bar and primal <= bar)
        errors = []
        if ref.dual is not None and res.dual is not None:
            errors.append(float(np.max(np.abs(np.subtract(res.dual, ref.dual)))))
        twin_dual = outcome.value["twin_dual"]
        if twin_dual is not None:  # round trip: the constrained twin's multiplier vs lam
            errors.append(float(np.max(np.abs(np.subtract(twin_dual, problem.form.param_value)))))
        for mine, theirs in zip(res.constraint_duals or (), ref.constraint_duals or (), strict=False):
            errors.append(float(np.max(np.abs(np.asarray(mine) - np.asarray(theirs)), initial=0.0)))
        for mine, theirs in ((res.lower_dual, ref.lower_dual), (res.upper_dual, ref.upper_dual)):
            if mine is not None and theirs is not None:
                unique = np.isfinite(theirs)  # NaN marks a multiplier that is not unique
                errors.append(float(np.max(np.abs(mine - theirs)[unique], initial=0.0)))
        row["dual_error"] = max(errors) if errors else math.nan
        scale = float(np.max(np.abs(ref.coef), initial=0.0))
        if facts.unique:
            row["support_match"] = bool(np.array_equal(_support(res.coef, scale), _support(ref.coef, scale)))
    return row


def compare_solvers(
    problem: Problem,
    X: Any,
    y: Any,
    *,
    solvers: Sequence[Any] | None = None,
    settings: str | Sequence[str] = "default",
    reference: Result | None = None,
    reference_label: str = "given",
    timeout: float = 120.0,
    sample_weight: Any = None,
    name: str | None = None,
    isolate: bool = True,
    skip: Iterable[tuple[str, str]] = (),
    round_trip: bool = True,
    reduce: bool = True,
    facts: Facts | None = None,
    repeat: int = REPEAT,
    min_time: float = MIN_TIME,
) -> pd.DataFrame:
    """Solve ``problem`` with each solver under each settings; one row per solver x settings.

    Parameters
    ----------
    problem : Problem
    X, y, sample_weight : the data
    solvers : list of str or cvxpy Solver, optional
        ``None`` means every installed solver. Every solver gets a row, whatever happens:
        "not_installed", "unsupported" (the message names the solvers that can take the
        model), "solver_error" (it raised), "crashed" (its process died), "timeout" (killed
        after ``timeout`` seconds) or "invalid_options", with the reason in ``message``.
    settings : str or list of str, default "default"
        Names in ``cvxreg.solvers.SETTINGS`` ("default", "low", "high", "tight").
    reference : Result, optional
        A known answer (labelled ``reference_label``); else the closed form when one applies,
        else the most accurate tight solve. The ``reference`` column says which.
    timeout : float, default 120
        Seconds before an isolated solve is killed.
    name : str, optional
        The ``problem`` column; by default the problem itself, as ``repr`` writes it
        (``Problem(SquaredLoss(), L1(), Penalized(lam=0.5))``).
    isolate : bool, default True
        ``False`` solves in-process (no crash or time protection). An isolated solve runs in
        a forked process, where Clarabel is given one thread (``FORK_OPTIONS``: its thread
        pool does not survive ``fork``).
    skip : iterable of (solver, settings)
        Pairs already done.
    round_trip : bool, default True
        For a penalized problem, also solve the constrained twin at ``t = R(w_ref)`` with the
        same solver and score its multiplier against lam (``dual_error``).
    reduce : bool, default True
        Give the solvers the model ``Problem.solve`` gives them (reduced where there is one);
        ``False`` the textbook model. The ``model`` column says which each row timed. Answers
        are the solvers' own, never polished.
    facts : Facts, optional
        ``problem_facts`` already computed (the model class, the solvers that can take it,
        the multiplier's note); computed here when None.
    repeat, min_time : int, float, default 3, 0.02
        A solve shorter than ``min_time`` that returns a solution is timed again: the solver's
        call on CVXPY's data, at least ``repeat`` times and ``min_time`` seconds in all, at most
        200 runs. A longer solve is timed once, by the solver's own report (``runs`` 1).


    Returns
    -------
    Comparison
        A pandas DataFrame (printed short: ``Comparison``). Columns ``COLUMNS``:
        ``objective_gap`` is ``|f - f_ref| / max(1, |f_ref|)`` with ``f``
        the objective at the solver's coefficients; ``coef_error`` the max abs error of
        coefficients and intercept; ``error`` the larger of ``objective_gap`` and
        ``coef_error / max(1, |w_ref|_inf)``; ``success`` whether the status is a solution and
        ``error`` and ``primal_residual`` are within ``SUCCESS_BAR`` of the settings;
        ``dual_error`` the error of the multipliers, with ``dual_note`` saying why it is no
        test when the multiplier is not unique; ``primal_residual``, ``kkt_residual`` (the dual
        residual) and ``duality_gap`` from the answer's certificate; ``support_match`` whether
        the sparsity pattern equals the reference's; ``setup_time`` CVXPY's compile time and
        ``solve_time`` the solver's own, in seconds.

    Notes
    -----
    With the multinomial loss (``cvxreg.multinomial_compare``) the solves run in this process
    (``isolate`` and ``timeout`` do not apply), on the plain model, with no round trip.
    """
    name = repr(problem) if name is None else name
    setting_names = settings_list(settings, "compare_solvers")
    if problem.loss.multi_output:  # the multinomial loss: its own model and scores
        from cvxreg import multinomial_compare

        if isinstance(solvers, str):
            raise invalid("solvers", "compare_solvers", "None or a list of solver names", solvers)
        rows = multinomial_compare.compare(
            problem, X, y, list(default_solvers() if solvers is None else solvers), setting_names,
            sample_weight=sample_weight, name=name, reference=reference, reference_label=reference_label,
            skip=set(skip),
        )  # fmt: skip
        return Comparison(rows, columns=COLUMNS)
    data = problem.check_data(X, y, sample_weight, "compare_solvers")
    model = problem.built(data)[0].problem  # a non-convex custom penalty: raise now, once (kept for re-use)
    timeout = check_real(timeout, "timeout", "compare_solvers", lo=0.0, hi=MAX_TIMEOUT, lo_open=True)
    if not isinstance(repeat, int | np.integer) or isinstance(repeat, bool) or not 1 <= repeat <= MAX_RUNS:
        raise invalid("repeat", "compare_solvers", f"an integer in [1, {MAX_RUNS}]", repeat)
    timing = {
        "repeat": int(repeat),
        "min_time": check_real(min_time, "min_time", "compare_solvers", lo=0.0, hi=60.0),
        "budget": timeout / 4,  # no run starts that would take the runs past it
    }
    if isinstance(solvers, str):
        raise invalid("solvers", "compare_solvers", "None or a list of solver names", solvers)
    todo = list(default_solvers() if solvers is None else solvers)
    if reference is not None:
        if not isinstance(reference, Result) or not reference.ok:
            raise invalid("reference", "compare_solvers", "None or a Result with a solution", reference)
        ref, ref_kind = reference, reference_label
    else:
        ref, ref_kind = truth(problem, data.X, data.y, sample_weight=data.sample_weight)
    twin_t = _twin_t(problem, ref) if round_trip else None
    if facts is None:
        facts = problem_facts(problem, data, ref, model=model)
    done, rows = set(skip), []
    for solver in todo:
        label = solver_label(solver)
        for setting in setting_names:
            if (label, setting) in done:
                continue

            outcome = _refusal(solver, facts)
            if outcome is None:
                named = not isinstance(solver, Solver)
                opts = solver_options(label, setting) if named else {}
                if isolate:
                    opts = {**FORK_OPTIONS.get(label, {}), **opts}

                def job(arg: Any = label if named else solver, opts: dict[str, Any] = opts) -> dict[str, Any]:
                    return _solve_one(problem, data, arg, opts, twin_t, reduce, timing)

                outcome = run_isolated(job, timeout) if isolate else run_in_process(job)
            row = _row(name, label, setting, outcome, problem, ref, facts)
            row["reference"] = ref_kind
            rows.append(row)
    return Comparison(rows, columns=COLUMNS)


def _twin_t(problem: Problem, ref: Result) -> Any:
    """The ``t = R(w*)`` of the constrained twin whose multiplier a penalized problem's round
    trip compares with lam; None where there is none (lam = 0, no reference, R undefined)."""
    if problem.form.param_name != "lam" or not np.all(problem.form.param_value > 0) or not ref.ok:
        return None
    try:
        value = problem.penalty.value(ref.coef)
    except CvxregError:
        return None
    return np.asarray(value, dtype=float) if np.ndim(value) else float(value)


def _refusal(solver: Any, facts: Facts) -> Outcome | None:
    """The row's outcome when the solver is not run: not installed, or unable to take the model."""
    if isinstance(solver, Solver):
        return None
    label = solver_label(solver)
    if label not in installed_solvers():
        why = f"{label} is not installed (installed: {', '.join(installed_solvers())})"
        return Outcome(OutcomeKind.ERROR, message=why, error_type="NotInstalled")
    if facts.capable and label not in facts.capable:
        return Outcome(OutcomeKind.ERROR, message=facts.refusal(label), error_type="Unsupported")
    return None
