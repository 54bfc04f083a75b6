"""Regularization paths against scikit-learn and against a naive CVXPY loop.

Run: python benchmarks/bench_path.py [--quick]
Lasso and elastic-net paths (2000x200, 50 lam from lam_max down) against ``lasso_path`` and
``enet_path`` on the same grid; an L1-logistic path (2000x100, 20 lam) against
``LogisticRegression(solver="saga")`` warm-started over the same grid; each also against a
loop of hand-written CVXPY problems (Clarabel) over every fifth lam, scaled to the whole grid
(it takes minutes otherwise). Medians of interleaved repetitions; the
accuracy column is the largest coefficient difference from scikit-learn run to tol=1e-14
(liblinear to tol=1e-12 for the logistic path).
"""

from __future__ import annotations

import sys
import warnings

import cvxpy as cp
import numpy as np
import sklearn
from _timing import interleaved, print_table, sparse_truth, timed
from sklearn.linear_model import LogisticRegression, enet_path, lasso_path

import cvxreg as cr


def naive_enet_loop(X: np.ndarray, y: np.ndarray, lams: np.ndarray, a: float) -> None:
    w, lam = cp.Variable(X.shape[1]), cp.Parameter(nonneg=True)
    penalty = a * cp.norm1(w) + (1 - a) / 2 * cp.sum_squares(w)
    prob = cp.Problem(cp.Minimize(cp.sum_squares(y - X @ w) / (2 * len(y)) + lam * penalty))
    for value in lams:
        lam.value = value
        prob.solve(solver="CLARABEL")


def squared_row(name: str, a: float, repeats: int) -> list[str]:
    X, y = sparse_truth(2000, 200, 20)
    penalty = cr.L1() if a == 1 else cr.ElasticNet(a)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), penalty, cr.Penalized(1.0))
    lams = prob.path(X, y, n_lams=50).lams
    if a == 1:
        theirs = lambda: lasso_path(X, y, alphas=lams)  # noqa: E731
    else:
        theirs = lambda: enet_path(X, y, l1_ratio=a, alphas=lams)  # noqa: E731
    times = interleaved({"cvxreg": lambda: prob.path(X, y, lams), "sklearn": theirs}, repeats)
    naive = 5 * timed(lambda: naive_enet_loop(X, y, lams[::5], a))
    tight = enet_path(X, y, l1_ratio=a, alphas=lams, tol=1e-14, max_iter=10**6)[1].T
    path = prob.path(X, y, lams)
    return [
        f"{name} path 2000x200, 50 lam",
        f"{times['cvxreg'] * 1e3:.0f}",
        f"{times['sklearn'] * 1e3:.1f}",
        f"{times['cvxreg'] / times['sklearn']:.1f}",
        f"{naive / times['cvxreg']:.0f}",
        f"{np.max(np.abs(path.coefs - tight)):.1e}",
    ]


def logistic_row(repeats: int) -> list[str]:
    X, y = sparse_truth(2000, 100, 10, seed=1)
    labels = np.where(y > 0, 1.0, -1.0)
    prob = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(1.0))
    lams = prob.path(X, labels, n_lams=20, eps=1e-2).lams

    def saga(tol: float = 1e-4, solver: str = "saga") -> np.ndarray:
        est = LogisticRegression(l1_ratio=1.0, solver=solver, fit_intercept=False, tol=tol, warm_start=True)
        coefs = []
        for lam in lams:
            est.set_params(C=1 / lam)
            coefs.append(est.fit(X, labels).coef_.ravel().copy())
        return np.array(coefs)

    times = interleaved({"cvxreg": lambda: prob.path(X, labels, lams), "sklearn": saga}, repeats)

    def naive() -> None:
        w, lam = cp.Variable(X.shape[1]), cp.Parameter(nonneg=True)
        p = cp.Problem(cp.Minimize(cp.sum(cp.logistic(-cp.multiply(labels, X @ w))) + lam * cp.norm1(w)))
        for value in lams[::5]:
            lam.value = value
            p.solve(solver="CLARABEL")

    naive_time = 5 * timed(naive)
    tight = saga(1e-12, "liblinear")
    path = prob.path(X, labels, lams)
    return [
        "L1-logistic path 2000x100, 20 lam",
        f"{times['cvxreg'] * 1e3:.0f}",
        f"{times['sklearn'] * 1e3:.1f}",
        f"{times['cvxreg'] / times['sklearn']:.1f}",
        f"{naive_time / times['cvxreg']:.0f}",
        f"{np.max(np.abs(path.coefs - tight)):.1e}",
    ]


def main() -> None:
    warnings.simplefilter("ignore")
    repeats = 3 if "--quick" in sys.argv else 7
    versions = f"cvxreg {cr.__version__}, cvxpy {cp.__version__}, scikit-learn {sklearn.__version__}"
    print(f"{versions}, numpy {np.__version__}")
    rows = [squared_row("lasso", 1.0, repeats), squared_row("elastic-net (0.5)", 0.5, repeats), logistic_row(repeats)]
    head = ["workload", "cvxreg ms", "scikit-learn ms", "ratio", "naive CVXPY loop / cvxreg", "max |coef - tight|"]
    print_table(head, rows)


if __name__ == "__main__":
    main()
