"""How solve time grows with size: generated problem families solved at growing sizes.

The bundled problems are small, so CVXPY's compile time dwarfs every solve there and speed
cannot be compared on them. ``scaling`` solves seeded families (lasso, ridge, sparse
logistic regression, least squares in an L2 ball) at growing sizes, each solver until its
solve takes longer than ``budget`` seconds, and ``slopes`` fits ``time ~ size^slope`` per
family and solver on log-log axes.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cvxreg import losses as L
from cvxreg import penalties as P
from cvxreg._validation import check_choice, check_real, invalid
from cvxreg.benchmark import Case
from cvxreg.compare import compare_solvers, default_solvers, problem_facts
from cvxreg.forms import Constrained, Penalized
from cvxreg.problem import Problem
from cvxreg.result import SOLVED_STATUSES

__all__ = ["DEFAULT_SIZES", "FAMILIES", "family_case", "scaling", "slopes"]

#: The generated families and what each exercises.
FAMILIES: dict[str, str] = {
    "lasso": "least squares + L1, lam = lam_max / 10 (a QP)",
    "ridge": "least squares + squared L2, lam = 1 (a QP)",
    "logistic": "logistic loss + L1, lam = lam_max / 10 (exponential cones)",
    "l2-ball": "least squares s.t. ||w||_2 <= 1 (a second-order cone)",
}
#: Number of features of each size step; every family has n = 2 d samples.
DEFAULT_SIZES = (25, 50, 100, 200, 400)

#: Columns of a scaling frame.
SCALING_COLUMNS = [
    "family",
    "n",
    "d",
    "solver",
    "status",
    "success",
    "error",
    "setup_time",
    "solve_time",
    "message",
]


def family_case(family: str, d: int, seed: int = 0) -> Case:
    """The seeded problem of ``family`` with ``d`` features and ``n = 2 d`` samples."""
    check_choice(family, "family", "family_case", tuple(FAMILIES))
    if not isinstance(d, int | np.integer) or isinstance(d, bool) or d < 2:
        raise invalid("d", "family_case", "an integer >= 2", d)
    rng = np.random.default_rng([seed, int(d)])
    n = 2 * int(d)
    X = rng.standard_normal((n, d))
    w = np.zeros(d)
    k = max(1, d // 20)
    w[:k] = rng.choice([-1.0, 1.0], k) * rng.uniform(1.0, 3.0, k)
    y = X @ w + rng.standard_normal(n)
    if family == "logistic":
        y = np.where(X @ w + rng.standard_normal(n) > 0, 1.0, -1.0)
        problem = Problem(L.LogisticLoss(), P.L1(), Penalized(0.05 * float(np.max(np.abs(X.T @ y)))))
    elif family == "lasso":
        problem = Problem(L.SquaredLoss(), P.L1(), Penalized(0.1 * float(np.max(np.abs(X.T @ y)))))
    elif family == "ridge":
        problem = Problem(L.SquaredLoss(), P.SquaredL2(), Penalized(1.0))
    else:
        problem = Problem(L.SquaredLoss(), P.L2(), Constrained(1.0))
    return Case(f"{family}-d{d}", problem, X, y, description=FAMILIES[family])


#: The largest d a scaling family is built at: n = 2d rows, so 2 d^2 doubles (128 MB at 2000).
MAX_SIZE = 2000


def checked_args(families: Sequence[str], sizes: Sequence[Any], owner: str) -> tuple[list[str], list[int]]:
    """The families and sizes of a scaling run, checked before anything runs or is allocated."""
    fams = [check_choice(f, "families", owner, tuple(FAMILIES)) for f in families]
    if not fams:
        raise invalid("families", owner, "a non-empty list of " + ", ".join(FAMILIES), families)
    allowed = f"an increasing list of integers from 2 to {MAX_SIZE}"
    if not all(isinstance(s, int | np.integer) and not isinstance(s, bool) for s in sizes):
        raise invalid("sizes", owner, allowed, sizes)
    size_list = [int(s) for s in sizes]
    if not size_list or any(not 2 <= s <= MAX_SIZE for s in size_list) or sorted(size_list) != size_list:
        raise invalid("sizes", owner, allowed, sizes)
    return fams, size_list


def scaling(
    families: Sequence[str] = tuple(FAMILIES),
    sizes: Sequence[int] = DEFAULT_SIZES,
    solvers: Sequence[str] | None = None,
    *,
    budget: float = 1.0,
    timeout: float = 10.0,
    seed: int = 0,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Solve each family at each size with each solver (its default settings).

    A solver leaves a family after the first size where it returns no solution, or where its
    solve takes more than ``budget`` seconds (so the largest sizes are reached by the fast solvers and
    the run stays short); a solve still running after ``timeout`` seconds is killed (status
    "timeout"). Solvers that cannot take a family's model are left out of it. Errors are
    measured against the family's truth (closed form or the most accurate tight solve), and
    ``success`` says whether a solve met the default settings' bar; an inaccurate solve keeps
    its timing row.

    Parameters
    ----------
    families : list of str, default every family in ``FAMILIES``
    sizes : list of int, default ``DEFAULT_SIZES``
        Numbers of features ``d`` (``n = 2 d``), increasing.
    solvers : list of str, optional
        Default: every installed solver.
    budget : float, default 1.0
        Seconds of solve time after which a solver is not tried at larger sizes.
    timeout : float, default 10.0
        Seconds before one solve is killed.
    seed : int, default 0
    progress : bool, optional
        Progress lines on stderr (default: when not on a terminal, and a line per size).

    Returns
    -------
    pandas.DataFrame
        Columns ``SCALING_COLUMNS``; times in seconds (``setup_time`` CVXPY's compile time,
        ``solve_time`` the solver's own).
    """
    fams, size_list = checked_args(families, sizes, "scaling")
    budget = check_real(budget, "budget", "scaling", lo=0.0, lo_open=True)
    timeout = check_real(timeout, "timeout", "scaling", lo=0.0, lo_open=True)
    rows: list[dict[str, Any]] = []
    start = time.perf_counter()
    for family in fams:
        active = list(default_solvers() if solvers is None else solvers)
        for d in size_list:
            if not active:
                break
            case = family_case(family, d, seed)
            data = case.problem.check_data(case.X, case.y, None, "scaling")
            facts = problem_facts(case.problem, data, None, solvers=active)  # no round trip: no note
            active = [s for s in active if s in facts.capable]
            frame = compare_solvers(
                case.problem,
                case.X,
                case.y,
                solvers=active,
                timeout=timeout,
                name=case.name,
                round_trip=False,
                facts=facts,
            )
            for r in frame.to_dict("records"):
                rows.append({**{k: r[k] for k in SCALING_COLUMNS if k in r}, "family": family, "n": 2 * d, "d": d})
                took = r["solve_time"]
                if r["status"] not in SOLVED_STATUSES or not (isinstance(took, float) and took <= budget):
                    active.remove(r["solver"])  # failed, or too slow to be tried at a larger size
            if progress is not False:
                elapsed = time.perf_counter() - start
                print(f"cvxreg scaling: {family} d={d} done ({elapsed:.0f} s)", file=sys.stderr, flush=True)
    return pd.DataFrame(rows, columns=SCALING_COLUMNS)


def slopes(frame: pd.DataFrame, *, floor: float = 1e-3) -> pd.DataFrame:
    """Per family and solver: the fitted exponent of ``solve_time ~ d^slope`` (least squares
    on log-log axes over the solves that returned a solution and took longer than ``floor``
    seconds, where timing noise no longer dominates), the sizes it rests on, the largest size
    solved and whether every solve met the accuracy bar."""
    rows = []
    ok = frame[frame["status"].isin(SOLVED_STATUSES)]
    for (family, solver), part in ok.groupby(["family", "solver"], sort=True):
        timed = part[part["solve_time"] > floor]
        slope = math.nan
        if timed["d"].nunique() >= 2:
            slope = float(np.polyfit(np.log(timed["d"]), np.log(timed["solve_time"]), 1)[0])
        largest = part.loc[part["d"].idxmax()]
        rows.append(
            {
                "family": family,
                "solver": solver,
                "slope": slope,
                "points": int(timed["d"].nunique()),
                "largest_d": int(largest["d"]),
                "time_at_largest": float(largest["solve_time"]),
                "all_accurate": bool(part["success"].astype(bool).all()),
            }
        )
    columns = ["family", "solver", "slope", "points", "largest_d", "time_at_largest", "all_accurate"]
    return pd.DataFrame(rows, columns=columns)
