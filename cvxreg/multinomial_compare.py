"""``compare_solvers`` for the multinomial loss: each solver on the conic model (exponential
cones) at each settings, its own answer (never polished) scored against cvxreg's certified one
by the same columns as a single-output comparison, where they apply: the objective gap, the
coefficient error (``W`` and the intercepts), the KKT residual of its certificate, success, and
the time. Solves run in this process; a solver that cannot take exponential cones is a row
saying so.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from cvxreg.multinomial import certified, encode_classes, solve_multinomial
from cvxreg.result import Result
from cvxreg.solvers import SUCCESS_BAR, installed_solvers, solver_label, solver_options

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["compare"]


def compare(problem: Problem, X: Any, y: Any, solvers: Sequence[Any], settings: list[str], *, sample_weight: Any,
            name: str, reference: Result | None, reference_label: str,
            skip: set[tuple[str, str]]) -> list[dict[str, Any]]:  # fmt: skip
    """One row (a dict of ``compare.COLUMNS``) per solver x settings (see the module)."""
    encode_classes(y, "compare_solvers")  # labels checked before any solve
    if reference is None:
        ref, ref_kind = solve_multinomial(problem, X, y, sample_weight=sample_weight, tol=1e-9), "cvxreg (certified)"
    else:
        ref, ref_kind = reference, reference_label
    ref_w = np.r_[np.ravel(ref.coef), np.ravel(ref.intercept)]
    rows = []
    for solver in solvers:
        label = solver_label(solver)
        for setting in settings:
            if (label, setting) in skip:  # done already (a resumed run)
                continue
            row: dict[str, Any] = {"problem": name, "problem_class": "exponential cone", "solver": label,
                                   "settings": setting, "model": "plain", "reference": ref_kind}  # fmt: skip
            if isinstance(solver, str) and label not in installed_solvers():
                row.update(status="not_installed", success=False, message=f"{label} is not installed")
                rows.append(row)
                continue
            began = time.perf_counter()
            opts = solver_options(label, setting) if isinstance(solver, str) else {}
            raw = solve_multinomial(problem, X, y, sample_weight=sample_weight, solver=solver, certify=False, **opts)
            wall = time.perf_counter() - began
            row.update(status=str(raw.status), message=raw.message, setup_time=raw.setup_time,
                       solve_time=raw.solve_time if math.isfinite(raw.solve_time) else wall,
                       iterations=raw.iterations)  # fmt: skip
            if raw.ok:
                cert = certified(problem, X, y, raw, sample_weight).certificate
                w = np.r_[np.ravel(raw.coef), np.ravel(raw.intercept)]
                gap = abs(raw.objective - ref.objective) / max(1.0, abs(ref.objective))
                coef_error = float(np.max(np.abs(w - ref_w)))
                error = max(gap, coef_error / max(1.0, float(np.max(np.abs(ref_w)))))
                row.update(objective=raw.objective, objective_gap=gap, coef_error=coef_error, error=error,
                           kkt_residual=cert.kkt_residual if cert is not None else math.nan,
                           primal_residual=cert.primal_infeasibility if cert is not None else math.nan,
                           support_match=bool(np.array_equal(np.ravel(raw.coef) != 0, np.ravel(ref.coef) != 0)),
                           success=error <= SUCCESS_BAR.get(setting, 1e-4))  # fmt: skip
            else:
                row["success"] = False
            rows.append(row)
    return rows
