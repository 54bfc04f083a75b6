"""Timing ratios against named baselines, measured in one process.

Run: python benchmarks/bench_core.py
Each line: what is timed, the baseline, the median wall time of both (5 runs) and the ratio.
"""

from __future__ import annotations

import statistics
import time
import warnings

import cvxpy as cp
import numpy as np

import cvxreg as cr
from cvxreg.compare import compare_solvers


def median_time(fn, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    n, d = 200, 50
    X = rng.standard_normal((n, d))
    y = X @ rng.standard_normal(d) + 0.5 * rng.standard_normal(n)
    lam = 5.0

    def naive_lasso():
        w = cp.Variable(d)
        cp.Problem(cp.Minimize(0.5 * cp.sum_squares(y - X @ w) + lam * cp.norm1(w))).solve(solver="CLARABEL")

    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam))
    rows = [
        (
            "Problem.solve(raw=True, certify=False), lasso 200x50",
            "hand-written CVXPY, same solver",
            median_time(lambda: prob.solve(X, y, solver="CLARABEL", raw=True, certify=False)),
            median_time(naive_lasso),
        ),
    ]

    ridge = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(lam))
    rows.append(
        (
            "Problem.reference, ridge 200x50 (closed form)",
            "numpy.linalg.solve of the normal equations",
            median_time(lambda: ridge.reference(X, y)),
            median_time(lambda: np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y)),
        )
    )
    res = prob.solve(X, y, raw=True, certify=False)
    rows.append(
        (
            "cvxreg.certificate, lasso 200x50",
            "Problem.solve(raw=True, certify=False)",
            median_time(lambda: cr.certificate(prob, X, y, res)),
            median_time(lambda: prob.solve(X, y, raw=True, certify=False)),
        )
    )

    ref = prob.solve(X, y, solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
    rows.append(
        (
            "compare_solvers, 3 solvers, isolated (fork per solve)",
            "the same, in-process (isolate=False)",
            median_time(lambda: compare_solvers(prob, X, y, solvers=["CLARABEL", "SCS", "OSQP"], reference=ref), 3),
            median_time(
                lambda: compare_solvers(prob, X, y, solvers=["CLARABEL", "SCS", "OSQP"], reference=ref, isolate=False),
                3,
            ),
        )
    )

    print(f"{'timed':58s} {'baseline':48s} {'time':>9s} {'base':>9s} {'ratio':>7s}")
    for what, base, t, b in rows:
        print(f"{what:58s} {base:48s} {t * 1e3:8.2f}ms {b * 1e3:8.2f}ms {t / b:7.2f}")


if __name__ == "__main__":
    main()
