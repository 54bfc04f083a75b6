"""Solver settings and solver comparison.

``SETTINGS`` maps a settings name to each solver's own options; ``"tight"`` asks every
solver for a common tight accuracy (about 1e-10 relative) in its own vocabulary.
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any

from cvxreg.errors import NotSupportedError
from cvxreg.problem import installed_solvers

if TYPE_CHECKING:
    from cvxreg.problem import Problem
    from cvxreg.result import Result

__all__ = ["SETTINGS", "most_accurate_solve", "solver_options"]

_TIGHT = 1e-10

#: settings name -> solver -> keyword options passed to CVXPY's ``solve``.
SETTINGS: dict[str, dict[str, dict[str, Any]]] = {
    "default": {},
    "tight": {
        "CLARABEL": {"tol_gap_abs": _TIGHT, "tol_gap_rel": _TIGHT, "tol_feas": _TIGHT, "max_iter": 500},
        "ECOS": {"abstol": _TIGHT, "reltol": _TIGHT, "feastol": _TIGHT, "max_iters": 500},
        "SCS": {"eps_abs": _TIGHT, "eps_rel": _TIGHT, "max_iters": 200_000},
        "OSQP": {"eps_abs": _TIGHT, "eps_rel": _TIGHT, "max_iter": 200_000, "polish": True},
        "HIGHS": {
            "primal_feasibility_tolerance": _TIGHT,
            "dual_feasibility_tolerance": _TIGHT,
            "ipm_optimality_tolerance": _TIGHT,
        },
        "PIQP": {"eps_abs": _TIGHT, "eps_rel": _TIGHT},
        "DAQP": {"primal_tol": _TIGHT, "dual_tol": _TIGHT},
        "CVXOPT": {"abstol": _TIGHT, "reltol": _TIGHT, "feastol": _TIGHT},
        "PROXQP": {"eps_abs": _TIGHT, "eps_rel": _TIGHT},
        "QOCO": {"abstol": _TIGHT, "reltol": _TIGHT},
    },
}


def solver_options(solver: str, settings: str = "default") -> dict[str, Any]:
    """The options of ``solver`` under the named settings (empty for ``"default"``)."""
    from cvxreg._validation import check_choice

    check_choice(settings, "settings", "solver_options", tuple(SETTINGS))
    return dict(SETTINGS[settings].get(solver.upper(), {}))


#: Solvers tried, in order, for the most accurate solve: an interior-point method, then
#: SCS, whose high-accuracy solutions are often better on exponential and power cones.
_ACCURATE_ORDER = ("CLARABEL", "SCS", "ECOS")


def most_accurate_solve(problem: Problem, X: Any, y: Any, *, sample_weight: Any = None, tol: float = 1e-9) -> Result:
    """Solve at tight settings with the accurate solvers and keep the best certified result.

    Stops at the first solver whose certificate is below ``tol``; otherwise returns the
    result with the smallest worst certificate measure.
    """
    best: tuple[float, Result] | None = None
    res = None
    for name in _ACCURATE_ORDER:
        if name not in installed_solvers():
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = problem.solve(X, y, sample_weight=sample_weight, solver=name, **solver_options(name, "tight"))
        if not res.ok:
            continue
        worst = res.certificate.worst
        if not math.isfinite(worst):  # e.g. a custom penalty: no subdifferential, no certificate
            worst = math.inf
        if best is None or worst < best[0]:
            best = (worst, res)
        if worst <= tol:
            break
    if best is None:
        if res is None:
            raise NotSupportedError("None of CLARABEL, SCS, ECOS is installed.")
        return res
    return best[1]
