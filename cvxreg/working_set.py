"""Working sets: the solver sees the coefficients that matter, the rest is proved zero.

For a penalty with a kink at zero most coefficients of a sparse answer are 0, and which ones
is cheap to test: ``w_j = 0`` is optimal for coefficient ``j`` exactly when ``-grad_j L`` lies
in ``lam dR_j(0)`` (``Penalty.zero_violation``). So the chosen solver solves the problem
restricted to the coefficients that violate this test most at ``w = 0`` (a small model, however
many columns X has), and the active-set polish (``cvxreg.polish``) adds every coefficient
whose test fails, one matrix-vector product per round, until none does. The answer is
certified on the full problem, never only on the working set; when it does not pass,
``Problem.solve`` solves the full model instead.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from cvxreg import polish as polish_module
from cvxreg._validation import Data
from cvxreg.errors import NotSupportedError
from cvxreg.result import Result

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["applies", "initial_solve"]

#: Coefficients in the first working set (the polish grows it from there).
FIRST_SIZE = 10


def applies(problem: Problem, data: Data) -> bool:
    """Whether working sets can serve this problem: penalized form without bounds, a loss with
    second derivatives, a penalty that pins coefficients at zero and splits over subsets."""
    if problem.form.param_name != "lam" or problem.bounds is not None or problem.constraints:
        return False
    if problem.form.param_value <= 0:
        return False
    try:
        problem.loss.second_derivative(np.zeros(1), data.y[:1])
        origin = np.zeros(data.d)
        if not np.any(problem.penalty.zero_pattern(origin, 0.0)):
            return False  # nothing is ever exactly zero (ridge): no set to work on
        problem.penalty.zero_violation(origin, 1.0)
        problem.penalty.restrict(np.ones(data.d, dtype=bool))
    except NotSupportedError:
        return False
    return True


def initial_solve(problem: Problem, data: Data, solver: Any, solver_opts: dict[str, Any]) -> Result | None:
    """The solver's answer on the first working set, embedded in the full coefficient vector
    (``model="working set"``), or None when the solver fails there."""
    mask = _first_set(problem, data)
    sub = problem.restricted(mask)
    built, _ = sub.built(
        lambda: Data(data.X[:, mask], data.y, data.sample_weight, None), key=(*data.fingerprint, mask.tobytes())
    )
    res = sub.solve_built(built, solver, solver_opts, evaluate=False)
    if not res.ok:
        return None
    w = np.zeros(data.d)
    w[mask] = res.coef
    return dataclasses.replace(
        res, coef=w, feature_names=data.feature_names, model="working set", classes=data.classes
    )


def _first_set(problem: Problem, data: Data) -> np.ndarray:
    """The ``FIRST_SIZE`` coefficients (whole blocks) whose zero test fails most at ``w = 0``,
    and every unpenalized one."""
    loss, pen = problem.loss, problem.penalty
    b0 = loss.intercept_only(data.y, data.sample_weight) if problem.fit_intercept else 0.0
    z = -polish_module.loss_gradient(problem, data, np.zeros(data.d), b0)
    score = pen.zero_violation(z, problem.form.param_value)
    mask = ~pen.penalized(data.d)
    positive = np.sort(score[score > 0])[::-1]
    if positive.size:
        cut = positive[min(FIRST_SIZE, positive.size) - 1]
        mask |= score >= cut  # a threshold keeps whole groups together
    if not np.any(mask):  # w = 0 is optimal: the solver still answers for the best candidate
        mask |= score >= np.max(score) - math.ulp(np.max(score))
    return mask
