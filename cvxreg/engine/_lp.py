"""Absolute and quantile regression with an L1 penalty (or none) as one linear program,
handed to HiGHS directly (SciPy's ``linprog``), as scikit-learn's ``QuantileRegressor`` does.

With ``r = y - X w - b = u+ - u-`` and ``w = w+ - w-`` (all parts >= 0), the objective
``c sum_i s_i (a u+_i + b u-_i) + lam sum_j v_j (w+_j + w-_j)`` is linear and the data are one
equality block ``[X, -X, 1, -1, I, -I]``: the smallest LP of the problem, with no conic
reformulation in between. HiGHS returns a vertex, so the answer is exact (its zeros, and the
residuals at the kink, are exact zeros); the caller certifies it.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from cvxreg._validation import Data
from cvxreg.errors import NotSupportedError
from cvxreg.result import Result, Status

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["lp_applies", "solve_lp"]


def _l1_factors(problem: Problem, d: int) -> np.ndarray | None:
    """Per-coefficient weights of the L1 term (zeros for no penalty), or None."""
    lam = problem.form.param_value
    if problem.form.param_name != "lam" or np.ndim(lam) != 0:
        return None
    if lam == 0:
        return np.zeros(d)
    try:
        net = problem.penalty.as_elastic_net()
    except NotSupportedError:
        return None
    if float(net.l1_ratio) != 1.0:
        return None
    return float(lam) * net.factor_vector(d)


def lp_applies(problem: Problem, data: Data) -> bool:
    if problem.bounds is not None or problem.constraints or data.n == 0:
        return False
    try:
        problem.loss.check_slopes()
    except NotSupportedError:
        return False
    return _l1_factors(problem, data.d) is not None


def solve_lp(problem: Problem, data: Data) -> Result | None:
    """The LP's vertex solution, or None when HiGHS does not report one optimal."""
    began = time.perf_counter()
    a, b_slope = problem.loss.check_slopes()
    n, d = data.n, data.d
    v = _l1_factors(problem, d)
    assert v is not None
    c = 1.0 / problem.loss.weight_total(n, data.sample_weight)
    s = data.weights
    X = sp.csr_matrix(data.X) if sp.issparse(data.X) else data.X
    ones = np.ones((n, 1))
    fit_b = problem.fit_intercept
    blocks = [X, -X] + ([ones, -ones] if fit_b else []) + [sp.eye(n, format="csr"), -sp.eye(n, format="csr")]
    A = sp.hstack([sp.csr_matrix(B) if not sp.issparse(B) else B for B in blocks], format="csc")
    cost = np.concatenate([v, v, np.zeros(2 if fit_b else 0), c * a * s, c * b_slope * s])
    out = linprog(cost, A_eq=A, b_eq=data.y, bounds=(0, None), method="highs")
    if out.status != 0 or out.x is None:
        return None
    x = out.x
    w = x[:d] - x[d : 2 * d]
    intercept = float(x[2 * d] - x[2 * d + 1]) if fit_b else 0.0
    return Result(
        coef=w, intercept=intercept, objective=math.nan, status=Status.OPTIMAL, solver="highs-lp",
        setup_time=0.0, solve_time=time.perf_counter() - began, iterations=int(getattr(out, "nit", 0) or 0),
        feature_names=data.feature_names, model="engine", classes=data.classes,
    )  # fmt: skip
