"""Problems at the sizes people solve, with every tool that solves them side by side.

The bundled problems are textbook-sized: a solve takes microseconds and the report measures
interface overhead there. A *workload* is a problem family at growing real sizes (generated,
seeded, sparse or dense) or a real data set that ships inside an installed package. On each,
``run_workloads`` solves with the CVXPY solvers (``compare_solvers`` at ``low``, ``default``
and ``high`` settings) and with the specialist tools (``cvxreg.specialists``: scikit-learn's
estimators, celer, cvxreg's own ``Problem.solve``) at several tolerances, every answer scored
by the same measures against one truth. A tool stops growing once it takes longer than
``budget`` seconds; the sizes grow until the fastest tool takes about that long.

The truth is cvxreg's own solve at a tolerance of 1e-10, its certificate (KKT residual,
duality gap, feasibility) required to pass at 1e-9: it is checked by its certificate, not by
trust in the route that found it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cvxreg._validation import check_real, invalid
from cvxreg.compare import COLUMNS, Facts, compare_solvers, default_solvers
from cvxreg.forms import Penalized
from cvxreg.losses import LogisticLoss, QuantileLoss, SquaredLoss
from cvxreg.penalties import L1, SquaredL2
from cvxreg.problem import Problem
from cvxreg.result import Status
from cvxreg.solvers import capable_solvers, model_class
from cvxreg.specialists import specialist_rows

__all__ = ["WORKLOADS", "Workload", "run_workloads", "workload_data", "workload_frame"]

#: The certificate tolerance of the truth.
TRUTH_TOL = 1e-10
TRUTH_LABEL = "cvxreg at tol 1e-10, certified"
#: Seconds each time is measured for, at least (one run when a run takes that long).
MIN_TIME = 0.05
#: Columns of a workload frame: where the row was measured, then ``cvxreg.compare.COLUMNS``.
LEAD_COLUMNS = ["workload", "n", "d", "nnz", "tool_kind", "over_budget"]


@dataclass(frozen=True)
class Workload:
    """A problem family at real sizes (``sizes``: the number of features ``d`` at each step),
    or a real data set (``sizes`` one entry). ``make(d, seed)`` gives ``(problem, X, y)``."""

    name: str
    description: str
    source: str
    sizes: tuple[int, ...]
    make: Callable[[int, int], tuple[Problem, Any, np.ndarray]]


def _lam_max_fraction(X: Any, y: np.ndarray, scale: float, fraction: float) -> float:
    return fraction * float(np.max(np.abs(X.T @ y))) / scale


def _sparse_lasso(d: int, seed: int) -> tuple[Problem, Any, np.ndarray]:
    """Text-like data: n = d rows, about 100 nonzeros a row, 1% of the columns in the model."""
    rng = np.random.default_rng([seed, d])
    n = d
    X = sp.random(n, d, density=min(1.0, 100.0 / d), format="csc", random_state=rng, data_rvs=rng.standard_normal)
    w = np.zeros(d)
    k = max(5, d // 100)
    w[rng.choice(d, k, replace=False)] = rng.uniform(1.0, 3.0, k) * rng.choice([-1.0, 1.0], k)
    y = X @ w + 0.5 * rng.standard_normal(n)
    lam = _lam_max_fraction(X, y, n, 0.02)
    return Problem(SquaredLoss(scale="mean"), L1(), Penalized(lam)), X, y


def _dense_logistic(d: int, seed: int) -> tuple[Problem, Any, np.ndarray]:
    """Dense correlated features (Toeplitz 0.5^|i-j|), n = 5 d rows, an L1 logistic model."""
    rng = np.random.default_rng([seed, d])
    n = 5 * d
    Z = rng.standard_normal((n, d))
    X = Z.copy()
    X[:, 1:] = 0.5 * X[:, :-1] + math.sqrt(1 - 0.25) * Z[:, 1:]  # AR(1) columns: correlation 0.5 between neighbours
    w = np.zeros(d)
    k = max(5, d // 20)
    w[:k] = rng.choice([-1.0, 1.0], k)
    y = np.where(X @ w + rng.logistic(size=n) > 0, 1.0, -1.0)
    lam = _lam_max_fraction(X, y, 2.0, 0.05)  # lam_max of the logistic loss is ||X' y||_inf / 2
    return Problem(LogisticLoss(), L1(), Penalized(lam)), X, y


def _dense_quantile(d: int, seed: int) -> tuple[Problem, Any, np.ndarray]:
    """Median regression with an L1 penalty on heavy-tailed noise, n = 20 d rows: an LP."""
    rng = np.random.default_rng([seed, d])
    n = 20 * d
    X = rng.standard_normal((n, d))
    w = np.zeros(d)
    w[: max(3, d // 10)] = 1.0
    y = X @ w + rng.standard_t(2, n) + 3.0
    problem = Problem(QuantileLoss(0.5, scale="mean"), L1(), Penalized(0.02), fit_intercept=True)
    return problem, X, y


def _diabetes(d: int, seed: int) -> tuple[Problem, Any, np.ndarray]:
    """scikit-learn's diabetes data (Efron et al. 2004): 442 patients, 10 baseline variables."""
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    yc = y - y.mean()
    lam = _lam_max_fraction(X - X.mean(axis=0), yc, len(y), 0.02)
    return Problem(SquaredLoss(scale="mean"), L1(), Penalized(lam), fit_intercept=True), X, y


def _breast_cancer(d: int, seed: int) -> tuple[Problem, Any, np.ndarray]:
    """scikit-learn's breast-cancer data (Wisconsin diagnostic): 569 tumours, 30 features,
    standardized; scikit-learn's default logistic regression (C = 1, L2, intercept)."""
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return Problem(LogisticLoss(), SquaredL2(), Penalized(1.0), fit_intercept=True), X, np.where(y == 1, 1.0, -1.0)


#: The workloads, by name.
WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in (
        Workload("lasso-sparse", "lasso, sparse X (100 nonzeros a row), n = d, lam = lam_max / 50", "generated",
                 (1_000, 4_000, 16_000, 64_000, 256_000), _sparse_lasso),
        Workload("logistic-l1-dense", "L1 logistic regression, dense correlated X, n = 5 d, lam = lam_max / 20",
                 "generated", (100, 400, 2400), _dense_logistic),
        Workload("quantile-l1-dense", "median regression + L1 (an LP), dense X, n = 20 d, intercept", "generated",
                 (10, 40, 160), _dense_quantile),
        Workload("diabetes-lasso", "lasso with intercept, lam = lam_max / 50", "scikit-learn's load_diabetes",
                 (10,), _diabetes),
        Workload("breast-cancer-logistic", "logistic regression, L2, C = 1, intercept, standardized X",
                 "scikit-learn's load_breast_cancer", (30,), _breast_cancer),
    )
}  # fmt: skip


def workload_data(name: str, d: int, seed: int = 0) -> tuple[Problem, Any, np.ndarray]:
    """The problem and data of workload ``name`` at ``d`` features."""
    if name not in WORKLOADS:
        raise invalid("name", "workload_data", "one of " + ", ".join(map(repr, WORKLOADS)), name)
    return WORKLOADS[name].make(int(d), seed)


def _truth(problem: Problem, X: Any, y: np.ndarray) -> Any:
    res = problem.solve(X, y, tol=TRUTH_TOL)
    cert = res.certificate
    if not res.ok or cert is None or not cert.passed(1e-9):
        return None
    return res


def _cvxpy_rows(
    problem: Problem, X: Any, y: np.ndarray, ref: Any, facts: Facts, name: str, solvers: list[str],
    timeout: float, budget: float,
) -> list[dict[str, Any]]:
    """Each solver at ``low``, ``default`` then ``high`` settings; a solver that fails or takes
    over ``budget`` seconds is not asked for more accuracy at this size."""
    rows = []
    for solver in solvers:
        for setting in ("low", "default", "high"):
            frame = compare_solvers(problem, X, y, solvers=[solver], settings=setting, reference=ref,
                                    reference_label=TRUTH_LABEL, timeout=timeout, name=name, round_trip=False,
                                    facts=facts, repeat=1, min_time=MIN_TIME)  # fmt: skip
            row = frame.to_dict("records")[0]
            rows.append(row)
            if not _solved(row):
                break
            if row["solve_time"] > budget:
                row["over_budget"] = setting != "high"  # more accuracy was not asked
                break
    return rows


def run_workloads(
    names: Sequence[str] | None = None,
    solvers: Sequence[str] | None = None,
    *,
    budget: float = 2.0,
    timeout: float = 10.0,
    seed: int = 0,
    sizes: dict[str, Sequence[int]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Solve each workload at its sizes with the CVXPY solvers and the specialist tools.

    A tool (a CVXPY solver, or a specialist) goes on to the next size only while its fastest
    run at the last size took at most ``budget`` seconds; a workload stops growing when no
    tool is left. CVXPY solves run isolated and are killed after ``timeout`` seconds.
    Returns one row per (workload, size, tool, settings or tolerance): ``LEAD_COLUMNS``
    (``tool_kind`` is "cvxpy" or "specialist"; ``over_budget`` marks the run after which a
    tool was asked for no more accuracy at that size, being over ``budget``) then
    ``cvxreg.compare.COLUMNS``.
    """
    names = list(WORKLOADS) if names is None else list(names)
    for item in names:
        if item not in WORKLOADS:
            raise invalid("names", "run_workloads", "names from " + ", ".join(map(repr, WORKLOADS)), item)
    budget = check_real(budget, "budget", "run_workloads", lo=0.0, lo_open=True)
    timeout = check_real(timeout, "timeout", "run_workloads", lo=0.0, lo_open=True)
    conic = list(default_solvers() if solvers is None else solvers)
    rows: list[dict[str, Any]] = []
    for wname in names:
        work = WORKLOADS[wname]
        stopped: set[str] = set()
        facts: Facts | None = None
        for d in (sizes or {}).get(wname, work.sizes):
            try:
                problem, X, y = work.make(d, seed)
            except ImportError as exc:  # a real data set's package is not installed
                if progress:
                    progress(f"{wname}: left out ({exc}; the 'specialists' extra installs it)")
                break
            data = problem.check_data(X, y, None, "run_workloads")
            began = time.perf_counter()
            ref = _truth(problem, data.X, data.y)
            if ref is None:
                if progress:
                    progress(f"{wname} at d = {d}: no certified truth; the workload stops here")
                break
            if facts is None:  # the model's class and the solvers that take it: the same at every size
                model = problem.build(data).problem
                facts = Facts(model_class(model), tuple(capable_solvers(model, conic)))
            lead = {"workload": wname, "n": data.n, "d": data.d, "nnz": int(X.nnz) if sp.issparse(X) else data.n * d}
            found: list[dict[str, Any]] = []
            cvx = [s for s in conic if s not in stopped and s in facts.capable]
            if cvx:
                found += [r | {"tool_kind": "cvxpy"}
                          for r in _cvxpy_rows(problem, X, y, ref, facts, wname, cvx, timeout, budget)]  # fmt: skip
            found += [r | {"tool_kind": "specialist"} for r in specialist_rows(
                problem, data, ref, facts, wname, budget=budget, skip=sorted(stopped), min_time=MIN_TIME)]
            for row in found:
                row.update(lead)
                row["reference"] = TRUTH_LABEL
            rows += found
            for tool in {r["solver"] for r in found}:
                times = [r["solve_time"] for r in found if r["solver"] == tool and _solved(r)]
                if not times or min(times) > budget:
                    stopped.add(tool)
            if progress:
                progress(f"{wname} at n = {data.n}, d = {d}: {len(found)} runs in {time.perf_counter() - began:.1f} s")
            alive = {r["solver"] for r in found} - stopped
            if not alive:
                break
    return workload_frame(rows)


def _solved(row: dict[str, Any]) -> bool:
    return str(row.get("status")) in (Status.OPTIMAL, Status.OPTIMAL_INACCURATE) and math.isfinite(
        float(row.get("solve_time", math.nan))
    )


def workload_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows as a frame with ``LEAD_COLUMNS`` then ``COLUMNS``."""
    return pd.DataFrame(rows, columns=LEAD_COLUMNS + COLUMNS)
