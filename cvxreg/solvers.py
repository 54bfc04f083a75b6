"""Solver vocabulary: which solvers are here, the default, and named settings.

``SETTINGS["tight"]`` is the one definition of "tight" in cvxreg: every solver asked for a
common accuracy (``TIGHT_TOL``) in its own option names. Auxiliary problems of the
reference layer (projections, proximal maps, lam_max over a subgradient set) are solved
with ``solve_accurately``, which uses the same settings.
"""

from __future__ import annotations

import functools
import time
import warnings
from typing import Any

import cvxpy as cp
from cvxpy.reductions.solvers.solver import Solver

from cvxreg._validation import check_choice, invalid

__all__ = [
    "ACCURATE_ORDER",
    "SETTINGS",
    "SETTINGS_TOL",
    "SUCCESS_BAR",
    "TIGHT_TOL",
    "capable_solvers",
    "default_solver",
    "installed_solvers",
    "model_class",
    "resolve_solver",
    "run_solver",
    "solve_accurately",
    "solver_label",
    "solver_options",
    "solver_versions",
]

TIGHT_TOL = 1e-10


def _at(tol: float, iters: int) -> dict[str, dict[str, Any]]:
    """Every solver asked for accuracy ``tol`` in its own option names."""
    return {
        "CLARABEL": {"tol_gap_abs": tol, "tol_gap_rel": tol, "tol_feas": tol, "max_iter": 500},
        "ECOS": {"abstol": tol, "reltol": tol, "feastol": tol, "max_iters": 500},
        "SCS": {"eps_abs": tol, "eps_rel": tol, "max_iters": iters},
        "OSQP": {"eps_abs": tol, "eps_rel": tol, "max_iter": iters, "polish": True},
        "HIGHS": {
            "primal_feasibility_tolerance": tol,
            "dual_feasibility_tolerance": tol,
            "ipm_optimality_tolerance": tol,
        },
        "PIQP": {"eps_abs": tol, "eps_rel": tol},
        "DAQP": {"primal_tol": tol, "dual_tol": tol},
        "CVXOPT": {"abstol": tol, "reltol": tol, "feastol": tol},
        "PROXQP": {"eps_abs": tol, "eps_rel": tol},
        "QOCO": {"abstol": tol, "reltol": tol},
    }


#: settings name -> solver -> keyword options passed to CVXPY's ``solve``. "default" is each
#: solver's own defaults; "low", "high" and "tight" ask every solver for one accuracy
#: (``SETTINGS_TOL``) in its own option names.
SETTINGS_TOL: dict[str, float] = {"low": 1e-4, "high": 1e-9, "tight": TIGHT_TOL}
SETTINGS: dict[str, dict[str, dict[str, Any]]] = {
    "default": {},
    "low": _at(SETTINGS_TOL["low"], 10_000),
    "high": _at(SETTINGS_TOL["high"], 100_000),
    "tight": _at(TIGHT_TOL, 200_000),
}
#: The error a solve may have and still count as a success under each settings (the
#: report's ``success``): low 1e-3, default 1e-4, high 1e-6 (scikit-learn's accuracy), tight 1e-8.
SUCCESS_BAR: dict[str, float] = {"low": 1e-3, "default": 1e-4, "high": 1e-6, "tight": 1e-8}

#: Options a solver needs in a forked child process. Clarabel's thread pool does not survive
#: ``fork``: a child of a process that has already run Clarabel on a problem large enough to
#: start the pool waits forever for threads that do not exist (seen with clarabel 0.11), so an
#: isolated Clarabel solve runs on one thread unless the caller says otherwise.
FORK_OPTIONS: dict[str, dict[str, Any]] = {"CLARABEL": {"max_threads": 1}}

#: Solvers tried, in order, for the most accurate solve: an interior-point method, then
#: SCS, whose high-accuracy solutions are often better on exponential and power cones.
ACCURATE_ORDER = ("CLARABEL", "SCS", "ECOS")


def installed_solvers() -> list[str]:
    """Names of the CVXPY solvers installed here."""
    return list(_installed())


@functools.cache
def _installed() -> tuple[str, ...]:
    # CVXPY tries to import every solver on each call (milliseconds): ask once per process.
    return tuple(cp.installed_solvers())


def default_solver() -> str | None:
    """Clarabel when installed (an interior-point method for every cone cvxreg builds; its
    answers are then polished and certified by ``Problem.solve``), else CVXPY's choice."""
    return "CLARABEL" if "CLARABEL" in installed_solvers() else None


def solver_options(solver: str, settings: str = "default") -> dict[str, Any]:
    """The options of ``solver`` under the named settings (empty for ``"default"``)."""
    check_choice(settings, "settings", "solver_options", tuple(SETTINGS))
    return dict(SETTINGS[settings].get(solver.upper(), {}))


def resolve_solver(solver: Any, owner: str = "Problem.solve") -> Any:
    """A solver name (validated, upper case) or a custom CVXPY ``Solver`` instance, passed through."""
    if solver is None:
        return default_solver()
    if isinstance(solver, Solver):
        return solver
    names = installed_solvers()
    if not isinstance(solver, str) or solver.upper() not in names:
        allowed = "None, a cvxpy Solver instance, or one of the installed solvers " + ", ".join(repr(s) for s in names)
        raise invalid("solver", owner, allowed, solver)
    return solver.upper()


def solver_label(solver: Any) -> str:
    """The name of a solver given by name or as a ``Solver`` instance."""
    return solver.name() if isinstance(solver, Solver) else str(solver).upper()


def solve_accurately(prob: cp.Problem) -> None:
    """Solve an auxiliary problem at tight settings: the first of ``ACCURATE_ORDER`` that runs.

    Quietly: its accuracy notes are not the user's concern; a failure leaves no value.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in ACCURATE_ORDER:
            if name not in installed_solvers():
                continue
            try:
                prob.solve(solver=name, **solver_options(name, "tight"))
                return
            except cp.error.SolverError:
                continue


def run_solver(prob: cp.Problem, solver: Any, solver_opts: dict[str, Any]) -> tuple[str, str, float]:
    """``prob.solve`` with failures as statuses: ``(status, message, wall seconds)``; status
    "" when the solver returned (read ``prob.status``). Options the solver does not accept are
    an ``InvalidParameterError`` naming them."""
    from cvxreg.errors import InvalidParameterError

    label = solver_label(solver) if solver is not None else "default"
    start = time.perf_counter()
    try:
        prob.solve(solver=solver, **solver_opts)
    except cp.error.SolverError as exc:
        status = "unsupported" if "cannot solve this problem" in str(exc) else "solver_error"
        return status, str(exc), time.perf_counter() - start
    except TypeError as exc:
        raise InvalidParameterError(
            f"The 'solver_opts' parameter of Problem.solve must hold options that {label} accepts. "
            f"Got {sorted(solver_opts)}: {exc}."
        ) from exc
    except Exception as exc:  # a solver's own failure is a status, not a crash of the caller
        return "solver_error", f"{type(exc).__name__}: {exc}", time.perf_counter() - start
    return "", "", time.perf_counter() - start


# -------------------------------------------------------------------------------- capabilities
def model_class(prob: cp.Problem) -> str:
    """What kind of optimization problem a CVXPY model is, by the cones it needs: "LP", "QP",
    "SOCP", "exponential cone", "power cone" (the hardest cone present) or "SDP"."""
    if prob.is_lp():
        return "LP"
    if prob.is_qp():
        return "QP"
    try:
        data, _, _ = prob.get_problem_data(solver=_conic_probe())
    except (cp.error.SolverError, ValueError):
        return "conic"
    dims = data["dims"]
    if dims.psd:
        return "SDP"
    if dims.exp:
        return "exponential cone"
    if dims.p3d or getattr(dims, "pnd", None):
        return "power cone"
    return "SOCP"


def _conic_probe() -> str:
    return next((s for s in ("CLARABEL", "SCS", "ECOS") if s in installed_solvers()), "CLARABEL")


def capable_solvers(prob: cp.Problem, solvers: list[str] | None = None) -> list[str]:
    """The installed solvers (or those of ``solvers``) that CVXPY can hand ``prob`` to."""
    out = []
    for name in installed_solvers() if solvers is None else solvers:
        if name not in installed_solvers():
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                prob.get_problem_data(solver=name)
        except Exception:
            continue
        out.append(name)
    return out


#: The Python distribution of each solver CVXPY calls, for the report's version table.
_DISTRIBUTIONS = {
    "CLARABEL": "clarabel",
    "ECOS": "ecos",
    "ECOS_BB": "ecos",
    "SCS": "scs",
    "OSQP": "osqp",
    "HIGHS": "highspy",
    "PIQP": "piqp",
    "DAQP": "daqp",
    "PROXQP": "proxsuite",
    "QOCO": "qoco",
    "SCIPY": "scipy",
    "CVXOPT": "cvxopt",
    "GLPK": "cvxopt",
    "GLPK_MI": "cvxopt",
    "MOSEK": "mosek",
    "GUROBI": "gurobipy",
}


def solver_versions(solvers: list[str] | None = None) -> dict[str, str]:
    """``solver -> version`` of the installed solvers (or of ``solvers``; "?" when unknown)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in installed_solvers() if solvers is None else solvers:
        dist = _DISTRIBUTIONS.get(name.upper(), name.lower())
        try:
            out[name] = version(dist)
        except PackageNotFoundError:
            out[name] = "?"
    return out
