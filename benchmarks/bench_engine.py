"""cvxreg's engine (``cvxreg.engine``) against the tool an analyst would pick, same objective.

Run: python benchmarks/bench_engine.py [--quick]

Each row: the median of interleaved repetitions of both sides in this process, their ratio,
cvxreg's peak memory (tracemalloc, NumPy and SciPy allocations) over the data's bytes (on a
first call with a copy of the data cvxreg has not seen, then on a later call), the
largest coefficient difference from the peer run at a tight tolerance, and whether cvxreg's
objective is no worse than that tight peer's (``obj <= peer``, up to 1e-10 relative). Every
cvxreg answer carries its certificate (``worst`` shown). ``--quick`` shrinks the sparse data.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
import warnings

import numpy as np
import scipy.sparse as sp
from _timing import interleaved, print_table
from scipy.optimize import minimize
from scipy.special import logsumexp
from sklearn.linear_model import Lasso, LogisticRegression, PoissonRegressor, lasso_path
from sklearn.svm import LinearSVC

import cvxreg as cr

warnings.filterwarnings("ignore")
QUICK = "--quick" in sys.argv


def tfidf_like(
    n: int, d: int, density: float, share: float, seed: int = 0
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Rows of nonnegative weights scaled to unit L2 norm (as tf-idf rows are), and a target in
    which ``share`` of the features matter."""
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=density, format="csr", random_state=rng, data_rvs=lambda k: rng.exponential(1.0, k))
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = sp.diags(1 / np.where(norms > 0, norms, 1.0)) @ X
    w = np.zeros(d)
    idx = rng.choice(d, int(share * d), replace=False)
    w[idx] = rng.standard_normal(idx.size) * 3
    eta = X @ w
    return X.tocsr(), eta + 0.1 * rng.standard_normal(n), w


def nbytes(X: object) -> int:
    if sp.issparse(X):
        return X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    return X.nbytes  # type: ignore[attr-defined]


def peak(fn: object, X: object) -> str:
    tracemalloc.start()
    fn()  # type: ignore[operator]
    top = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return f"{top / nbytes(X):.2f}×"


def first_and_again(on: object, X: object) -> str:
    """Peak memory over the data's bytes of ``on(X)`` on a copy cvxreg has not seen (it makes its
    column-major copy then), and of a later call on the same arrays."""
    fresh = X.copy()  # type: ignore[attr-defined]  # made before the measurement starts
    first = peak(lambda: on(fresh), X)  # type: ignore[operator]
    return f"{first} / {peak(lambda: on(fresh), X)}"  # type: ignore[operator]


def row(name: str, ours: object, theirs: object, tight: np.ndarray, tight_obj: float, prob: cr.Problem,
        X: object, y: np.ndarray, repeats: int, peer: str, memory: object = None) -> list[str]:  # fmt: skip
    ours()  # type: ignore[operator]  # compile and warm both sides
    theirs()  # type: ignore[operator]
    t = interleaved({"cvxreg": ours, "peer": theirs}, repeats)  # type: ignore[dict-item]
    res = ours()  # type: ignore[operator]
    obj = prob.objective_value(X, y, res.coef, res.intercept)
    better = "yes" if obj <= tight_obj + 1e-10 * max(1.0, abs(tight_obj)) else f"no ({obj - tight_obj:.1e})"
    mem = first_and_again(memory, X) if memory is not None else ""
    worst = res.certificate.worst if res.certificate is not None else float("nan")
    return [
        name, f"{t['cvxreg'] * 1e3:.1f} ms", f"{t['peer'] * 1e3:.1f} ms ({peer})", f"{t['cvxreg'] / t['peer']:.2f}",
        mem, f"{np.max(np.abs(res.coef - tight)):.1e}", better, f"{worst:.0e}", res.solver,
    ]  # fmt: skip


def sparse_rows(rows: list[list[str]], n: int = 20000, d: int = 50000, density: float = 1e-3,
                with_path: bool = True) -> None:  # fmt: skip
    if QUICK:
        n, d = n // 5, d // 5
    X, y, _ = tfidf_like(n, d, density, 0.04)
    ym = y - y.mean()
    lam_max = float(np.max(np.abs(X.T @ ym))) / n
    lam = 0.1 * lam_max
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=lam), fit_intercept=True)
    tight = Lasso(alpha=lam, tol=1e-8, max_iter=100_000).fit(X, y)  # 1e-12 takes minutes at this size
    tight_obj = prob.objective_value(X, y, tight.coef_, tight.intercept_)
    rows.append(row(
        f"sparse {n}×{d} ({density:g}) lasso, 0.1 λmax", lambda: prob.solve(X, y), lambda: Lasso(alpha=lam).fit(X, y),
        tight.coef_, tight_obj, prob, X, y, 3, "Lasso", memory=lambda Xf: prob.solve(Xf, y),
    ))  # fmt: skip
    labels = np.where(y > np.median(y), 1.0, -1.0)
    z = np.abs(X.T @ (labels / 2))
    lam_l = 0.1 * float(np.max(z))
    plog = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(lam=lam_l))
    C = 1 / lam_l
    tight_l = LogisticRegression(C=C, l1_ratio=1.0, solver="liblinear", fit_intercept=False, tol=1e-6, max_iter=10_000)
    tight_l.fit(X, labels)
    rows.append(row(
        f"sparse {n}×{d} ({density:g}) L1-logistic, 0.1 λmax", lambda: plog.solve(X, labels),
        lambda: LogisticRegression(C=C, l1_ratio=1.0, solver="liblinear", fit_intercept=False).fit(X, labels),
        tight_l.coef_.ravel(), plog.objective_value(X, labels, tight_l.coef_.ravel()), plog, X, labels, 3, "liblinear",
        memory=lambda Xf: plog.solve(Xf, labels),
    ))  # fmt: skip
    if not with_path:
        return
    grid = np.geomspace(lam_max, 0.1 * lam_max, 20)

    pprob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=1.0))
    pprob.path(X, ym, grid)
    lasso_path(X, ym, alphas=grid)
    t = interleaved({"cvxreg": lambda: pprob.path(X, ym, grid), "peer": lambda: lasso_path(X, ym, alphas=grid)}, 3)
    p = pprob.path(X, ym, grid)
    _, tight_coefs, _ = lasso_path(X, ym, alphas=grid, tol=1e-8, max_iter=100_000)
    diff = np.max(np.abs(p.coefs - tight_coefs.T))
    rows.append([
        f"sparse {n}×{d} lasso path, 20 λ", f"{t['cvxreg'] * 1e3:.1f} ms", f"{t['peer'] * 1e3:.1f} ms (lasso_path)",
        f"{t['cvxreg'] / t['peer']:.2f}", first_and_again(lambda Xf: pprob.path(Xf, ym, grid), X), f"{diff:.1e}",
        "", "", ",".join(
            sorted(set(p.methods))),
    ])  # fmt: skip


def dense_rows(rows: list[list[str]]) -> None:
    rng = np.random.default_rng(1)
    n, d = 2000, 100
    X = rng.standard_normal((n, d))
    w = rng.standard_normal(d) / np.sqrt(d)
    labels = np.where(X @ w + 0.5 * rng.standard_normal(n) > 0, 1.0, -1.0)
    plog = cr.Problem(cr.LogisticLoss(), cr.SquaredL2(), cr.Penalized(lam=1.0), fit_intercept=True)
    tight = LogisticRegression(C=1.0, tol=1e-12, max_iter=10_000).fit(X, labels)
    rows.append(row(
        "dense 2000×100 L2-logistic", lambda: plog.solve(X, labels), lambda: LogisticRegression(C=1.0).fit(X, labels),
        tight.coef_.ravel(), plog.objective_value(X, labels, tight.coef_.ravel(), tight.intercept_[0]), plog, X,
        labels, 7, "lbfgs",
    ))  # fmt: skip
    psvm = cr.Problem(cr.SquaredHingeLoss(), cr.SquaredL2(), cr.Penalized(lam=1.0))
    tight = LinearSVC(C=1.0, dual=False, fit_intercept=False, tol=1e-12, max_iter=100_000).fit(X, labels)
    rows.append(row(
        "dense 2000×100 squared hinge + L2", lambda: psvm.solve(X, labels),
        lambda: LinearSVC(C=1.0, dual=False, fit_intercept=False).fit(X, labels), tight.coef_.ravel(),
        psvm.objective_value(X, labels, tight.coef_.ravel()), psvm, X, labels, 7, "LinearSVC",
    ))  # fmt: skip
    Xp = X / 4
    counts = rng.poisson(np.exp(Xp @ w + 0.5)).astype(float)
    ppois = cr.Problem(cr.PoissonLoss(scale="mean"), cr.SquaredL2(), cr.Penalized(lam=0.01), fit_intercept=True)
    tight = PoissonRegressor(alpha=0.01, tol=1e-12, max_iter=10_000).fit(Xp, counts)
    rows.append(row(
        "dense 2000×100 Poisson + L2", lambda: ppois.solve(Xp, counts),
        lambda: PoissonRegressor(alpha=0.01).fit(Xp, counts), tight.coef_,
        ppois.objective_value(Xp, counts, tight.coef_, tight.intercept_), ppois, Xp, counts, 7, "PoissonRegressor",
    ))  # fmt: skip
    yr = X @ w + rng.standard_t(2, n)
    M = 1.0
    phub = cr.Problem(cr.HuberLoss(M), cr.SquaredL2(), cr.Penalized(lam=1.0), fit_intercept=True)

    def huber_lbfgs(gtol: float) -> np.ndarray:
        def f(v: np.ndarray) -> tuple[float, np.ndarray]:
            r = yr - X @ v[:-1] - v[-1]
            a = np.abs(r)
            val = np.where(a <= M, 0.5 * r * r, M * a - 0.5 * M * M).sum() + 0.5 * v[:-1] @ v[:-1]
            g = -np.clip(r, -M, M)
            return val, np.r_[X.T @ g + v[:-1], g.sum()]

        return minimize(f, np.zeros(d + 1), jac=True, method="L-BFGS-B", options={"gtol": gtol, "maxiter": 10_000}).x

    tight_v = huber_lbfgs(1e-12)
    rows.append(row(
        "dense 2000×100 Huber + L2", lambda: phub.solve(X, yr), lambda: huber_lbfgs(1e-5), tight_v[:-1],
        phub.objective_value(X, yr, tight_v[:-1], tight_v[-1]), phub, X, yr, 7, "SciPy L-BFGS, same objective",
    ))  # fmt: skip
    ys = X[:, :10] @ np.abs(rng.standard_normal(10)) + rng.standard_normal(n)
    lam = 0.05
    pnn = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=lam), bounds=(0, None))
    tight = Lasso(alpha=lam, positive=True, fit_intercept=False, tol=1e-12, max_iter=100_000).fit(X, ys)
    rows.append(row(
        "dense 2000×100 nonnegative lasso", lambda: pnn.solve(X, ys),
        lambda: Lasso(alpha=lam, positive=True, fit_intercept=False).fit(X, ys), tight.coef_,
        pnn.objective_value(X, ys, tight.coef_), pnn, X, ys, 7, "Lasso(positive=True)",
    ))  # fmt: skip


def multinomial_row(rows: list[list[str]]) -> None:
    rng = np.random.default_rng(5)
    n, d, k = 2000, 100, 5
    X = rng.standard_normal((n, d))
    labels = np.argmax(X @ (rng.standard_normal((d, k)) / 5) + rng.gumbel(size=(n, k)), axis=1)
    prob = cr.Problem(cr.MultinomialLogisticLoss(), cr.SquaredL2(), cr.Penalized(lam=1.0), fit_intercept=True)
    tight = LogisticRegression(C=1.0, tol=1e-12, max_iter=100_000, solver="newton-cg").fit(X, labels)
    ours, theirs = (lambda: prob.solve(X, labels)), (lambda: LogisticRegression(C=1.0).fit(X, labels))
    ours()
    theirs()
    t = interleaved({"cvxreg": ours, "peer": theirs}, 5)
    res = ours()
    rows.append([
        "dense 2000×100 multinomial + L2, 5 classes", f"{t['cvxreg'] * 1e3:.1f} ms",
        f"{t['peer'] * 1e3:.1f} ms (lbfgs)", f"{t['cvxreg'] / t['peer']:.2f}", "",
        f"{np.max(np.abs(res.coef - tight.coef_.T)):.1e}", "",
        f"{res.certificate.worst:.0e}", res.solver,
    ])  # fmt: skip
    # L1: scikit-learn's only multinomial L1 solver is saga (C * sum loss + ||W||_1: lam = 1/C).
    C = 0.05
    l1 = cr.Problem(cr.MultinomialLogisticLoss(), cr.L1(), cr.Penalized(lam=1.0 / C), fit_intercept=True)
    tight = LogisticRegression(C=C, l1_ratio=1.0, solver="saga", tol=1e-12, max_iter=200_000).fit(X, labels)
    ours = lambda: l1.solve(X, labels)  # noqa: E731
    theirs = lambda: LogisticRegression(C=C, l1_ratio=1.0, solver="saga", max_iter=10_000).fit(X, labels)  # noqa: E731
    ours()
    theirs()
    t = interleaved({"cvxreg": ours, "peer": theirs}, 3)
    res = ours()
    def objective(W: np.ndarray, b: np.ndarray) -> float:  # the summed cross-entropy + lam ||W||_1, by hand
        eta = X @ W + b
        return float(np.sum(logsumexp(eta, axis=1) - eta[np.arange(len(labels)), labels]) + np.abs(W).sum() / C)

    obj, tight_obj = objective(res.coef, res.intercept), objective(tight.coef_.T, tight.intercept_)
    rows.append([
        "dense 2000×100 multinomial + L1, 5 classes", f"{t['cvxreg'] * 1e3:.1f} ms",
        f"{t['peer'] * 1e3:.1f} ms (saga)", f"{t['cvxreg'] / t['peer']:.2f}", "",
        f"{np.max(np.abs(res.coef - tight.coef_.T)):.1e}", "yes" if obj <= tight_obj + 1e-10 * abs(tight_obj) else "no",
        f"{res.certificate.worst:.0e}", res.solver,
    ])  # fmt: skip


def quantile_row(rows: list[list[str]]) -> None:
    """Median regression with L1 against scikit-learn's QuantileRegressor (HiGHS)."""
    from sklearn.linear_model import QuantileRegressor

    rng = np.random.default_rng(7)
    X = rng.standard_normal((2000, 100))
    y = X[:, :10] @ rng.standard_normal(10) + rng.standard_t(3, 2000)
    alpha = 0.01
    prob = cr.Problem(cr.QuantileLoss(0.5, scale="mean"), cr.L1(), cr.Penalized(lam=alpha), fit_intercept=True)
    peer = QuantileRegressor(quantile=0.5, alpha=alpha, solver="highs").fit(X, y)  # a vertex: exact
    rows.append(row(
        "dense 2000×100 quantile (τ = 0.5) + L1", lambda: prob.solve(X, y),
        lambda: QuantileRegressor(quantile=0.5, alpha=alpha, solver="highs").fit(X, y), peer.coef_,
        prob.objective_value(X, y, peer.coef_, peer.intercept_), prob, X, y, 3, "QuantileRegressor(highs)",
    ))  # fmt: skip


def group_row(rows: list[list[str]]) -> None:
    """Group lasso, 50 groups of 4, against celer's GroupLasso (skipped when celer is absent)."""
    try:
        from celer import GroupLasso
    except ImportError:
        rows.append(["group lasso 2000×200, 50 groups of 4", "", "celer not installed", "", "", "", "", "", ""])
        return
    rng = np.random.default_rng(6)
    X = rng.standard_normal((2000, 200))
    w = np.zeros(200)
    w[:20] = rng.standard_normal(20)
    y = X @ w + rng.standard_normal(2000)
    celer_row(rows, GroupLasso, "dense 2000×200 group lasso, 50 groups of 4", X, y, 4, 0.05, 7)
    # Sparse and wide: working sets of blocks (no Gram model of all 2000 columns).
    Xs = sp.random(5000, 2000, density=0.01, format="csc", random_state=rng)
    ys = Xs @ np.r_[rng.standard_normal(50) * 3, np.zeros(1950)] + 0.1 * rng.standard_normal(5000)
    celer_row(rows, GroupLasso, "sparse 5000×2000 (0.01) group lasso, 400 groups of 5", Xs, ys, 5, 0.001, 5)


def celer_row(rows: list[list[str]], GroupLasso: type, name: str, X: object, y: np.ndarray, size: int,
              alpha: float, repeats: int) -> None:  # fmt: skip
    """One group-lasso row against celer (groups of ``size`` consecutive columns, unit weights)."""
    k = X.shape[1] // size  # type: ignore[attr-defined]
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.GroupLasso(sizes=[size] * k, weights=np.ones(k)),
                      cr.Penalized(lam=alpha))  # fmt: skip
    tight = GroupLasso(groups=size, alpha=alpha, fit_intercept=False, tol=1e-14, max_iter=10_000).fit(X, y)
    rows.append(row(
        name, lambda: prob.solve(X, y), lambda: GroupLasso(groups=size, alpha=alpha, fit_intercept=False).fit(X, y),
        tight.coef_, prob.objective_value(X, y, tight.coef_), prob, X, y, repeats, "celer GroupLasso",
    ))  # fmt: skip


def constrained_row(rows: list[list[str]]) -> None:
    rng = np.random.default_rng(2)
    X = rng.standard_normal((2000, 100))
    y = X[:, :10] @ rng.standard_normal(10) + rng.standard_normal(2000)
    alpha = 0.05
    tight = Lasso(alpha=alpha, tol=1e-14, max_iter=1_000_000).fit(X, y)
    t = float(np.abs(tight.coef_).sum())
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Constrained(t=t), fit_intercept=True)
    rows.append(row(
        "dense 2000×100 lasso, ‖w‖₁ ≤ t", lambda: prob.solve(X, y), lambda: Lasso(alpha=alpha).fit(X, y),
        tight.coef_, prob.objective_value(X, y, tight.coef_, tight.intercept_), prob, X, y, 7,
        "Lasso at the matching α",
    ))  # fmt: skip


def path_rows(rows: list[list[str]]) -> None:
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import ElasticNetCV, LassoCV, enet_path

    X, y = load_diabetes(return_X_y=True)
    Xc, yc = X - X.mean(0), y - y.mean()
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=1.0))
    grid = np.geomspace(
        float(np.max(np.abs(Xc.T @ yc))) / len(y), 1e-3 * float(np.max(np.abs(Xc.T @ yc))) / len(y), 100
    )
    t = interleaved({"cvxreg": lambda: prob.path(Xc, yc, grid), "peer": lambda: lasso_path(Xc, yc, alphas=grid)}, 5)
    diff = np.max(np.abs(prob.path(Xc, yc, grid).coefs - lasso_path(Xc, yc, alphas=grid, tol=1e-12)[1].T))
    rows.append(["diabetes lasso path, 100 λ", f"{t['cvxreg'] * 1e3:.1f} ms", f"{t['peer'] * 1e3:.1f} ms (lasso_path)",
                 f"{t['cvxreg'] / t['peer']:.2f}", "", f"{diff:.1e}", "", "", "engine"])  # fmt: skip
    pi = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=1.0), fit_intercept=True)
    t = interleaved(
        {"cvxreg": lambda: cr.cross_validate(pi, X, y, folds=5), "peer": lambda: LassoCV(cv=5).fit(X, y)}, 3
    )
    same = cr.cross_validate(pi, X, y, folds=5).best_lam / LassoCV(cv=5).fit(X, y).alpha_
    rows.append(["diabetes cross_validate vs LassoCV, 5 folds", f"{t['cvxreg'] * 1e3:.1f} ms",
                 f"{t['peer'] * 1e3:.1f} ms (LassoCV)", f"{t['cvxreg'] / t['peer']:.2f}", "", "", f"same λ: {same:.6f}",
                 "", "engine"])  # fmt: skip
    ratios = [0.2, 0.5, 0.8]
    pe = cr.Problem(cr.SquaredLoss(scale="mean"), cr.ElasticNet(0.5), cr.Penalized(lam=1.0), fit_intercept=True)
    t = interleaved({
        "cvxreg": lambda: cr.cross_validate(pe, X, y, folds=5, l1_ratios=ratios),
        "peer": lambda: ElasticNetCV(cv=5, l1_ratio=ratios).fit(X, y),
    }, 3)  # fmt: skip
    rows.append(["diabetes cross_validate vs ElasticNetCV, 3 ratios", f"{t['cvxreg'] * 1e3:.1f} ms",
                 f"{t['peer'] * 1e3:.1f} ms (ElasticNetCV)", f"{t['cvxreg'] / t['peer']:.2f}", "", "", "", "",
                 "engine"])  # fmt: skip
    enet_path  # noqa: B018
    rng = np.random.default_rng(3)
    Xs = rng.standard_normal((200, 50))
    ys = Xs[:, :5] @ np.ones(5) + rng.standard_normal(200)
    small = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=0.1))

    def fresh() -> object:  # new data each call: nothing cached
        return small.solve(Xs.copy(), ys.copy())

    t = interleaved({"cvxreg": fresh, "peer": lambda: Lasso(alpha=0.1, fit_intercept=False).fit(Xs, ys)}, 30)
    rows.append(["a new 200×50 lasso each call", f"{t['cvxreg'] * 1e3:.2f} ms", f"{t['peer'] * 1e3:.2f} ms (Lasso)",
                 f"{t['cvxreg'] / t['peer']:.2f}", "", "", "", "", "engine"])  # fmt: skip
    from sklearn.model_selection import GridSearchCV

    from cvxreg.sklearn import CvxRegressor

    alphas = list(np.geomspace(1, 0.01, 10))
    t = interleaved({
        "cvxreg": lambda: GridSearchCV(CvxRegressor(loss="squared", penalty="l1"), {"lam": alphas}, cv=5).fit(Xs, ys),
        "peer": lambda: GridSearchCV(Lasso(), {"alpha": alphas}, cv=5).fit(Xs, ys),
    }, 5)  # fmt: skip
    ours = GridSearchCV(CvxRegressor(loss="squared", penalty="l1"), {"lam": alphas}, cv=5).fit(Xs, ys).best_params_
    theirs = GridSearchCV(Lasso(), {"alpha": alphas}, cv=5).fit(Xs, ys).best_params_
    rows.append(["GridSearchCV, 10 λ × 5 folds, 200×50", f"{t['cvxreg'] * 1e3:.0f} ms",
                 f"{t['peer'] * 1e3:.0f} ms (GridSearchCV(Lasso))", f"{t['cvxreg'] / t['peer']:.2f}", "", "",
                 f"same λ: {ours['lam'] == theirs['alpha']}", "", "engine"])  # fmt: skip
    if QUICK:
        return
    big = np.random.default_rng(4)
    Xb = big.standard_normal((20000, 2000))
    yb = Xb[:, :50] @ big.standard_normal(50) + big.standard_normal(20000)
    lam_max = float(np.max(np.abs(Xb.T @ yb))) / len(yb)
    gridb = np.geomspace(lam_max, 0.01 * lam_max, 30)
    pb = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=1.0))
    pb.path(Xb, yb, gridb[:2])
    t = interleaved({"cvxreg": lambda: pb.path(Xb, yb, gridb), "peer": lambda: lasso_path(Xb, yb, alphas=gridb)}, 2)
    diff = np.max(np.abs(pb.path(Xb, yb, gridb).coefs - lasso_path(Xb, yb, alphas=gridb, tol=1e-10)[1].T))
    rows.append(["dense 20000×2000 lasso path, 30 λ", f"{t['cvxreg'] * 1e3:.0f} ms",
                 f"{t['peer'] * 1e3:.0f} ms (lasso_path)", f"{t['cvxreg'] / t['peer']:.2f}", "", f"{diff:.1e}", "", "",
                 "engine"])  # fmt: skip


def main() -> None:
    began = time.perf_counter()
    rows: list[list[str]] = []
    dense_rows(rows)
    multinomial_row(rows)
    quantile_row(rows)
    group_row(rows)
    constrained_row(rows)
    sparse_rows(rows)
    if not QUICK:
        sparse_rows(rows, 100_000, 200_000, 1e-4, with_path=False)
    path_rows(rows)
    head = ["workload", "cvxreg", "peer", "ratio", "peak memory / data", "max coef diff (tight peer)",
            "objective ≤ tight peer", "certificate", "route"]  # fmt: skip
    print_table(head, rows)
    print(f"\n({time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
