"""Solver vocabulary: which solvers are here, the default, and named settings.

``SETTINGS["tight"]`` is the one definition of "tight" in cvxreg: every solver asked for a
common accuracy (``TIGHT_TOL``) in its own option names. Auxiliary problems of the
reference layer (projections, proximal maps, lam_max over a subgradient set) are solved
with ``solve_accurately``, which uses the same settings.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import cvxpy as cp
from cvxpy.reductions.solvers.solver import Solver

from cvxreg._validation import check_choice, invalid

__all__ = [
    "ACCURATE_ORDER",
    "SETTINGS",
    "TIGHT_TOL",
    "default_solver",
    "installed_solvers",
    "resolve_solver",
    "solve_accurately",
    "solver_label",
    "solver_options",
]

TIGHT_TOL = 1e-10

#: settings name -> solver -> keyword options passed to CVXPY's ``solve``.
SETTINGS: dict[str, dict[str, dict[str, Any]]] = {
    "default": {},
    "tight": {
        "CLARABEL": {"tol_gap_abs": TIGHT_TOL, "tol_gap_rel": TIGHT_TOL, "tol_feas": TIGHT_TOL, "max_iter": 500},
        "ECOS": {"abstol": TIGHT_TOL, "reltol": TIGHT_TOL, "feastol": TIGHT_TOL, "max_iters": 500},
        "SCS": {"eps_abs": TIGHT_TOL, "eps_rel": TIGHT_TOL, "max_iters": 200_000},
        "OSQP": {"eps_abs": TIGHT_TOL, "eps_rel": TIGHT_TOL, "max_iter": 200_000, "polish": True},
        "HIGHS": {
            "primal_feasibility_tolerance": TIGHT_TOL,
            "dual_feasibility_tolerance": TIGHT_TOL,
            "ipm_optimality_tolerance": TIGHT_TOL,
        },
        "PIQP": {"eps_abs": TIGHT_TOL, "eps_rel": TIGHT_TOL},
        "DAQP": {"primal_tol": TIGHT_TOL, "dual_tol": TIGHT_TOL},
        "CVXOPT": {"abstol": TIGHT_TOL, "reltol": TIGHT_TOL, "feastol": TIGHT_TOL},
        "PROXQP": {"eps_abs": TIGHT_TOL, "eps_rel": TIGHT_TOL},
        "QOCO": {"abstol": TIGHT_TOL, "reltol": TIGHT_TOL},
    },
}

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
