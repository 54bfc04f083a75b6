"""One solve against scikit-learn and against naive CVXPY, on the same objective.

Run: python benchmarks/bench_solve.py [--quick]
Lasso at lam = 0.1 lam_max (scikit-learn's ``Lasso(fit_intercept=False)``, mean-scaled loss) on
small, mid, wide and tall data, and L1-logistic regression against ``LogisticRegression``
(liblinear, no intercept). Times are medians of interleaved repetitions: "warm" calls repeat
the same solve (cvxreg re-uses the model it built), "cold" is the first call on new data.
"naive CVXPY" is the textbook model written by hand, solved by the same solver (Clarabel).
Each line also gives the largest coefficient difference from scikit-learn run to tol=1e-14
(and whether the exact zeros agree), and for the tall case the peak memory cvxreg allocates
through NumPy (tracemalloc) relative to the size of X.
"""

from __future__ import annotations

import statistics
import sys
import tracemalloc
import warnings

import cvxpy as cp
import numpy as np
import scipy
import sklearn
from _timing import interleaved, print_table, sparse_truth, timed
from sklearn.linear_model import Lasso, LogisticRegression

import cvxreg as cr


def naive_lasso(X: np.ndarray, y: np.ndarray, alpha: float) -> np.ndarray:
    w = cp.Variable(X.shape[1])
    objective = cp.sum_squares(y - X @ w) / (2 * len(y)) + alpha * cp.norm1(w)
    cp.Problem(cp.Minimize(objective)).solve(solver="CLARABEL")
    return w.value


def naive_logistic(X: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    w = cp.Variable(X.shape[1])
    cp.Problem(cp.Minimize(cp.sum(cp.logistic(-cp.multiply(y, X @ w))) + lam * cp.norm1(w))).solve(solver="CLARABEL")
    return w.value


def agreement(coef: np.ndarray, truth: np.ndarray) -> str:
    same_zeros = np.array_equal(np.flatnonzero(coef), np.flatnonzero(truth))
    return f"{np.max(np.abs(coef - truth)):.1e}{'' if same_zeros else ' (zeros differ)'}"


def cells(
    name: str, warm: dict[str, float], cold: float, naive: float, accuracy: str, model: str, memory: str
) -> list[str]:
    """One table row: times in ms, the ratio to scikit-learn, naive CVXPY's slowdown."""
    ratio = warm["cvxreg"] / warm["sklearn"]
    times = [f"{warm['cvxreg'] * 1e3:.1f}", f"{cold * 1e3:.1f}", f"{warm['sklearn'] * 1e3:.1f}", f"{ratio:.1f}"]
    return [name, *times, f"{naive / warm['cvxreg']:.0f}", accuracy, model, memory]


def lasso_row(name: str, n: int, d: int, k: int, repeats: int, naive_repeats: int) -> list[str]:
    X, y = sparse_truth(n, d, k, noise=0.5)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0))
    alpha = 0.1 * prob.lambda_max(X, y)
    prob = prob.with_form(cr.Penalized(alpha))
    cold = timed(lambda: prob.solve(X, y))
    sk = lambda: Lasso(alpha=alpha, fit_intercept=False).fit(X, y)  # noqa: E731
    warm = interleaved({"cvxreg": lambda: prob.solve(X, y), "sklearn": sk}, repeats)
    naive = statistics.median(timed(lambda: naive_lasso(X, y, alpha)) for _ in range(naive_repeats))
    truth = Lasso(alpha=alpha, fit_intercept=False, tol=1e-14, max_iter=10**6).fit(X, y).coef_
    res = prob.solve(X, y)
    memory = ""
    if name == "tall":
        tracemalloc.start()
        prob.with_form(cr.Penalized(alpha * 1.01)).solve(X.copy(order="C"), y)  # new data: a cold solve
        peak = tracemalloc.get_traced_memory()[1] - X.nbytes  # the copy above is not cvxreg's
        tracemalloc.stop()
        memory = f"{peak / X.nbytes:.2f}x X"
    return cells(f"lasso {name} {n}x{d}", warm, cold, naive, agreement(res.coef, truth), res.model, memory)


def logistic_row(repeats: int) -> list[str]:
    X, y = sparse_truth(2000, 100, 10, seed=1, noise=0.5)
    labels = np.where(y + 0.5 * np.random.default_rng(1).standard_normal(len(y)) > 0, 1.0, -1.0)
    lam = 5.0
    prob = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(lam))

    def sk(tol: float = 1e-4) -> LogisticRegression:
        est = LogisticRegression(C=1 / lam, l1_ratio=1.0, solver="liblinear", fit_intercept=False, tol=tol)
        return est.fit(X, labels)

    cold = timed(lambda: prob.solve(X, labels))
    warm = interleaved({"cvxreg": lambda: prob.solve(X, labels), "sklearn": sk}, repeats)
    naive = timed(lambda: naive_logistic(X, labels, lam))
    truth = sk(1e-12).coef_.ravel()
    res = prob.solve(X, labels)
    return cells("L1-logistic 2000x100", warm, cold, naive, agreement(res.coef, truth), res.model, "")


def main() -> None:
    warnings.simplefilter("ignore")
    quick = "--quick" in sys.argv
    print(
        f"cvxreg {cr.__version__}, cvxpy {cp.__version__}, scikit-learn {sklearn.__version__}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}"
    )
    reps = 3 if quick else 7
    rows = [
        lasso_row("small", 200, 50, 5, reps, reps),
        lasso_row("mid", 2000, 200, 20, reps, 1),
        lasso_row("wide", 200, 5000, 13, reps, 1),
        lasso_row("tall", 200_000, 50, 5, reps, 1),
        logistic_row(reps),
    ]
    head = [
        "workload",
        "cvxreg warm ms",
        "cvxreg cold ms",
        "sklearn ms",
        "ratio to sklearn",
        "naive CVXPY / cvxreg",
        "max |coef - sklearn tight|",
        "model",
        "memory",
    ]
    print_table(head, rows)


if __name__ == "__main__":
    main()
