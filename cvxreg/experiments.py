"""Claims about regularization, measured instead of repeated. Each returns a DataFrame.

- ``cost_of_p``: what an Lp penalty costs: the size of the model CVXPY hands the solver
  (variables, constraints, cones by type), the rational p CVXPY uses, and solve times;
- ``grouping_effect``: lasso, elastic net and ridge on correlated features, over bootstrap
  resamples: who spreads weight across a correlated group and who picks one;
- ``lagrange_curve``: along a path, lam against ``t = R(w(lam))`` and the multiplier of the
  constrained problem at that t.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import cvxpy as cp
import numpy as np
import pandas as pd

from cvxreg import penalties as P
from cvxreg._validation import check_real, invalid
from cvxreg.forms import Constrained, Penalized
from cvxreg.losses import SquaredLoss
from cvxreg.problem import Problem
from cvxreg.solvers import default_solver

__all__ = ["cost_of_p", "grouping_effect", "lagrange_curve"]


def _used_p(expr: cp.Expression, p: float) -> tuple[str, float]:
    """The p CVXPY's rational approximation uses inside ``expr``, and its distance to p."""
    found = [a for a in _walk(expr) if type(a).__name__ in ("PnormApprox", "PowerApprox", "Pnorm", "Power")]
    if not found or math.isinf(p) or p in (1.0, 2.0):
        return ("exact" if p in (1.0, 2.0) or math.isinf(p) else "?"), 0.0
    atom = found[0]
    used = getattr(atom, "p_used", None) or getattr(atom, "p", None)
    frac = Fraction(str(used)).limit_denominator(10_000) if used is not None else None
    if frac is None:
        return "?", math.nan
    text = f"{frac.numerator}/{frac.denominator}" if frac.denominator != 1 else str(frac.numerator)
    return text, abs(float(frac) - p)


def _walk(expr: Any) -> list[Any]:
    out = [expr]
    for arg in getattr(expr, "args", []):
        out += _walk(arg)
    return out


def cost_of_p(
    ps: Sequence[float] = (1.0, 1.5, 2.0, 3.0, 4.0, math.inf),
    sizes: Sequence[tuple[int, int]] = ((200, 20), (800, 80)),
    *,
    repeats: int = 5,
    lam: float = 1.0,
    seed: int = 0,
    solver: str | None = None,
) -> pd.DataFrame:
    """For each p, form ("norm": ``lam ||w||_p``; "power": ``lam/p sum |w_j|^p``) and size:
    the conic model CVXPY builds for the solver and the median solve time.

    Columns: ``p``, ``form``, ``n``, ``d``, ``p_used`` (CVXPY's rational p: a power cone or a
    tower of second-order cones is built from it), ``approx_error``, ``variables`` and
    ``constraints`` (rows) of the solver's data, ``zero``, ``nonneg``, ``soc`` (count),
    ``soc_dims`` (their total size), ``exp``, ``power_cones``, ``compile_ms`` (CVXPY, once),
    ``solve_ms`` (the median over ``repeats`` solves of the solver's own time). The least-
    squares loss is the textbook model (one residual per sample), so the sizes are the
    penalty's cost on top of the same loss.
    """
    solver = solver or default_solver() or "SCS"
    if not isinstance(repeats, int) or repeats < 1:
        raise invalid("repeats", "cost_of_p", "a positive integer", repeats)
    ps = [check_real(p, "ps", "cost_of_p", lo=1.0, allow_inf=True) for p in ps]
    pairs = list(sizes)
    if not pairs or not all(
        isinstance(s, tuple | list) and len(s) == 2 and all(isinstance(v, int) and v >= 2 for v in s) for s in pairs
    ):
        raise invalid("sizes", "cost_of_p", "a list of (n, d) pairs of integers >= 2", sizes)
    rows = []
    for n, d in pairs:
        rng = np.random.default_rng([seed, n, d])
        X = rng.standard_normal((n, d))
        y = X @ rng.standard_normal(d) + rng.standard_normal(n)
        for p in ps:
            p = float(p)
            for form in ("norm", "power"):
                if form == "power" and math.isinf(p):
                    continue  # |w|^inf is not a penalty
                pen = P.Lp(p) if form == "norm" else P.LpPower(p)
                problem = Problem(SquaredLoss(), pen, Penalized(lam))
                model = problem.to_cvxpy(X, y, reduce=False)
                start = time.perf_counter()
                data, _, _ = model.get_problem_data(solver=solver)
                compile_ms = 1e3 * (time.perf_counter() - start)
                dims = data["dims"]
                used, err = _used_p(pen.expr(cp.Variable(d)), p)
                times = []
                for _ in range(repeats):
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        res = problem.solve(X, y, solver=solver, raw=True, certify=False, reduce=False)
                    times.append(1e3 * res.solve_time)
                rows.append(
                    {
                        "p": p,
                        "form": form,
                        "n": n,
                        "d": d,
                        "p_used": used,
                        "approx_error": err,
                        "variables": int(data["c"].shape[0]),
                        "constraints": int(data["A"].shape[0]),
                        "zero": int(dims.zero),
                        "nonneg": int(dims.nonneg),
                        "soc": len(dims.soc),
                        "soc_dims": int(sum(dims.soc)),
                        "exp": int(dims.exp),
                        "power_cones": len(dims.p3d) + len(getattr(dims, "pnd", []) or []),
                        "compile_ms": compile_ms,
                        "solve_ms": float(np.median(times)),
                    }
                )
    return pd.DataFrame(rows)


def _correlated(n: int, rho: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Three features correlated at ``rho`` (one signal block) and three independent ones."""
    z = rng.standard_normal(n)
    block = np.sqrt(rho) * z[:, None] + np.sqrt(1 - rho) * rng.standard_normal((n, 3))
    X = np.column_stack([block, rng.standard_normal((n, 3))])
    w = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0])
    y = X @ w + rng.standard_normal(n)
    return X, y, w


def grouping_effect(
    rho: float = 0.95,
    *,
    n: int = 100,
    resamples: int = 30,
    lam: float = 0.3,
    l1_ratio: float = 0.5,
    seed: int = 0,
) -> pd.DataFrame:
    """Lasso, elastic net and ridge (scikit-learn's scaling: ``RSS/(2n) + lam R``) on three
    features correlated at ``rho`` that share the signal, plus three noise features, refit on
    ``resamples`` bootstrap resamples.

    One row per method and feature: ``mean_coef``, ``sd_coef`` and ``selected`` (how often
    the coefficient is nonzero). The lasso tends to pick one of the correlated features and
    swap it between resamples; the elastic net keeps all three with similar weights (Zou &
    Hastie, 2005); ridge keeps everything.
    """
    rho = check_real(rho, "rho", "grouping_effect", lo=0.0, hi=1.0, hi_open=True)
    rng = np.random.default_rng(seed)
    X, y, _ = _correlated(n, rho, rng)
    methods = {
        "lasso": P.L1(),
        f"elastic net ({l1_ratio:g})": P.ElasticNet(l1_ratio),
        "ridge": P.SquaredL2(),
    }
    rows = []
    for name, pen in methods.items():
        problem = Problem(SquaredLoss(scale="mean"), pen, Penalized(lam))
        coefs = []
        for _ in range(resamples):
            idx = rng.integers(0, n, n)
            coefs.append(problem.solve(X[idx], y[idx]).coef)
        C = np.array(coefs)
        for j in range(X.shape[1]):
            rows.append(
                {
                    "method": name,
                    "feature": f"x{j}" + (" (correlated)" if j < 3 else " (noise)"),
                    "mean_coef": float(C[:, j].mean()),
                    "sd_coef": float(C[:, j].std()),
                    "selected": float(np.mean(np.abs(C[:, j]) > 1e-8)),
                }
            )
    return pd.DataFrame(rows)


def lagrange_curve(problem: Problem, X: Any, y: Any, *, n_lams: int = 15, eps: float = 1e-2) -> pd.DataFrame:
    """Along the penalized path of ``problem``: lam, ``t = R(w(lam))``, and the multiplier
    ``mu`` of ``R(w) <= t`` solved as its own problem (not from the path), with the largest
    coefficient difference between the two answers. ``mu = lam`` wherever the multiplier is
    unique: the penalized problem is the constrained one with lam as its multiplier."""
    path = problem.path(X, y, n_lams=n_lams, eps=eps)
    rows = []
    for lam, t, w in zip(path.lams, path.ts, path.coefs, strict=True):
        if not t > 0:
            continue
        res = problem.with_form(Constrained(float(t))).solve(X, y)
        rows.append(
            {
                "lam": float(lam),
                "t": float(t),
                "mu": float(res.dual) if res.dual is not None else math.nan,
                "coef_diff": float(np.max(np.abs(res.coef - w))),
            }
        )
    return pd.DataFrame(rows)
