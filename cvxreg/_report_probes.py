"""Probes of known CVXPY/solver limitations, run by the report so its findings say whether
they are still there with the installed versions.

The probe: piecewise-linear losses written the way a CVXPY user writes them (``cp.pos`` for
the hinge, ``cp.abs`` for least absolute deviations), solved by each QP solver in plain
CVXPY, against Clarabel's answer. cvxpy 1.9.3 gives some QP solvers an epigraph they answer
wrongly or refuse; cvxreg writes those epigraphs out itself, so its own rows are unaffected.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from cvxreg._isolate import OutcomeKind, run_isolated
from cvxreg.solvers import FORK_OPTIONS, capable_solvers, installed_solvers

__all__ = ["epigraph_probe"]


def _models(seed: int = 7) -> dict[str, tuple[Any, Any]]:
    import cvxpy as cp

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((60, 5))
    w0 = np.array([2.0, -1.0, 0.5, 0.0, 0.0])
    labels = np.where(X @ w0 + 0.5 * rng.standard_normal(60) > 0, 1.0, -1.0)
    y = X @ w0 + rng.standard_normal(60)
    w = cp.Variable(5)
    hinge = cp.Problem(cp.Minimize(cp.sum(cp.pos(1 - cp.multiply(labels, X @ w))) + 0.5 * cp.sum_squares(w)))
    v = cp.Variable(5)
    lad = cp.Problem(cp.Minimize(cp.sum(cp.abs(y - X @ v)) + 0.5 * cp.sum_squares(v)))
    return {"hinge SVM with cp.pos": (hinge, w), "least absolute deviations with cp.abs": (lad, v)}


def _solve(name: str, solver: str) -> tuple[str, float, np.ndarray | None]:
    prob, var = _models()[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prob.solve(solver=solver, **FORK_OPTIONS.get(solver, {}))
    value = var.value
    return str(prob.status), float(prob.value), None if value is None else np.asarray(value, float)


def epigraph_probe(solvers: Sequence[str] | None = None, timeout: float = 20.0) -> list[str]:
    """Sentences for the report: which solvers answer plain-CVXPY piecewise-linear models
    wrongly (status "optimal", objective off) or fail on them; empty when none does."""
    if "CLARABEL" not in installed_solvers():
        return []
    out = []
    for name, (prob, _) in _models().items():
        todo = [s for s in (solvers or installed_solvers()) if s in capable_solvers(prob) and s != "CLARABEL"]
        truth = run_isolated(lambda name=name: _solve(name, "CLARABEL"), timeout)
        if truth.kind != OutcomeKind.OK:
            continue
        best = truth.value[1]
        wrong, failed = [], []
        for solver in todo:
            got = run_isolated(lambda name=name, solver=solver: _solve(name, solver), timeout)
            if got.kind != OutcomeKind.OK:
                failed.append(f"{solver} ({got.message.split(':', 1)[-1].strip()[:80]})")
            elif got.value[0] == "optimal" and abs(got.value[1] - best) > 1e-4 * max(1.0, abs(best)):
                wrong.append(f"{solver} (objective {got.value[1]:.6g} vs {best:.6g})")
        if wrong or failed:
            import cvxpy as cp

            text = f"Known CVXPY limitation, observed with cvxpy {cp.__version__}: on a {name} in plain CVXPY, "
            parts = []
            if wrong:
                parts.append("status 'optimal' with a wrong answer from " + ", ".join(wrong))
            if failed:
                parts.append("no answer from " + ", ".join(failed))
            out.append(
                text + "; ".join(parts) + ". cvxreg writes the epigraph of its piecewise-linear losses itself, "
                "so its own rows for these solvers are not affected."
            )
    return out
