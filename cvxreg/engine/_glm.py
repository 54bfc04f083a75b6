"""The working-set proximal-Newton driver around the compiled coordinate descent."""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from scipy import optimize
from scipy.linalg import blas

from cvxreg._validation import Data
from cvxreg.errors import NotSupportedError
from cvxreg.polish import _controller, _solve_psd, one_blas_thread
from cvxreg.result import Result, Status

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["applies", "solve_penalized"]

#: The solver name results carry.
NAME = "cvxreg-cd"


def _kernels() -> Any:
    """The compiled kernels, imported on first use: numba costs 0.3 s to import, which
    ``import cvxreg`` should not pay for a problem the engine never sees."""
    from cvxreg.engine import _kernels as kernels

    return kernels


def applies(problem: Problem, data: Data) -> bool:
    """Whether this engine can solve ``problem``: one lam or t, an elastic-net penalty (with
    factors; for ``Constrained``, L1 or ridge), no linear constraints, a loss with a
    derivative and a curvature."""
    if problem.form.size != 1 or problem.constraints:
        return False
    if problem.form.param_name == "t" and not problem.penalty.is_norm and problem.penalty.degree is None:
        return False  # the continuation needs R(w(lam)) monotone from R(w(0)) down to 0 or its limit
    if problem.loss.multi_output or data.n == 0:
        return False
    if not (problem.loss.supports("derivative") and problem.loss.supports("second_derivative")):
        return False  # declared by the loss's class: nothing to try
    try:
        problem.penalty.as_elastic_net()  # declared by L1, ElasticNet, ...; refused by some instances
    except NotSupportedError:
        return False
    return True


@dataclass
class _Model:
    """The problem in the engine's terms: ``c sum s_i l(eta_i, y_i) + sum_j (alpha_j |w_j| +
    beta_j/2 w_j^2)`` on ``lower <= w <= upper``."""

    problem: Problem
    X: Any  # a Fortran-ordered array or a CSC matrix
    y: np.ndarray
    s: np.ndarray
    c: float
    alpha: np.ndarray
    beta: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    fit_b: bool

    @property
    def quadratic(self) -> bool:
        return bool(self.problem.loss.least_squares)

    def deriv(self, eta: np.ndarray) -> np.ndarray:
        return self.c * self.s * self.problem.loss.derivative(eta, self.y)[0]

    def curv(self, eta: np.ndarray) -> np.ndarray:
        return self.c * self.s * self.problem.loss.second_derivative(eta, self.y)

    def loss(self, eta: np.ndarray) -> float:
        return self.c * float(self.s @ self.problem.loss.terms_value(eta, self.y))

    def penalty(self, w: np.ndarray, idx: Any = slice(None)) -> float:
        return float(self.alpha[idx] @ np.abs(w) + 0.5 * self.beta[idx] @ (w * w))


def _model(problem: Problem, data: Data) -> _Model:
    enet = problem.penalty.as_elastic_net()
    d = data.d
    lam = float(problem.form.param_value)
    r = float(enet.l1_ratio)  # type: ignore[attr-defined]
    # What is the same for every coefficient is one number seen d times (a read-only view, no
    # memory): at d = 200000 each of these four arrays would be 0.07 times sparse X's bytes.
    v: Any = np.broadcast_to(1.0, (d,)) if enet.factors is None else enet.factor_vector(d)
    lower: Any = np.broadcast_to(-np.inf, (d,))
    upper: Any = np.broadcast_to(np.inf, (d,))
    if problem.bounds is not None:
        lower, upper = np.full(d, -np.inf), np.full(d, np.inf)
        for k, side in enumerate(problem.bounds):
            if side is not None:
                (lower, upper)[k][:] = np.broadcast_to(np.asarray(side, dtype=float), (d,))
    # CSC: coordinate descent walks columns. A dense X is used as given when Fortran-ordered,
    # else copied once into that order (column access on a C-ordered array is strided).
    X = column_major(data)
    return _Model(
        problem, X, data.y, data.weights, 1.0 / problem.loss.weight_total(data.n, data.sample_weight),
        _scaled(lam * r, v), _scaled(lam * (1 - r), v), lower, upper, problem.fit_intercept,
    )  # fmt: skip


def _scaled(c: float, v: np.ndarray) -> np.ndarray:
    """``c * v``, still a view of one number when ``v`` is."""
    return np.broadcast_to(c * float(v[0]), v.shape) if v.strides == (0,) else c * v


def column_major(data: Data) -> Any:
    """The data's X in the order columns are read in (CSC, or a Fortran-ordered array), made
    once per data set and kept with it."""
    return data.derived("engine's X", lambda: _column_major(data.X))


def _column_major(X: Any) -> Any:
    if not sp.issparse(X):
        return np.asfortranarray(X)
    X = sp.csc_matrix(X)
    X.sort_indices()
    return X


def _violation(w: np.ndarray, g: np.ndarray, m: _Model, idx: Any = slice(None)) -> np.ndarray:
    """Per coefficient, the smallest |subgradient| of the objective (bounds included): 0 exactly
    where the coefficient is optimal given the others."""
    alpha, beta, lower, upper = m.alpha[idx], m.beta[idx], m.lower[idx], m.upper[idx]
    z = g + beta * w
    r = np.where(w != 0, z + alpha * np.sign(w), np.sign(z) * np.maximum(np.abs(z) - alpha, 0.0))
    r = np.where((w <= lower) & (r > 0), 0.0, r)
    r = np.where((w >= upper) & (r < 0), 0.0, r)
    return np.abs(r)


class _SparseColumns:
    """The columns ``cols`` of a CSC matrix, read in place (a working set of sparse data is
    never copied): the products coordinate descent and the line search need."""

    def __init__(self, X: sp.csc_matrix, cols: np.ndarray) -> None:
        self.X, self.cols = X, cols
        self.shape = (X.shape[0], cols.size)

    def rmatvec(self, v: np.ndarray) -> np.ndarray:  # X_W^T v
        out = np.empty(self.cols.size)
        _kernels().cols_dot_csc(self.X.data, self.X.indices, self.X.indptr, self.cols, np.ascontiguousarray(v), out)
        return out

    def matvec(self, coef: np.ndarray) -> np.ndarray:  # X_W coef
        out = np.zeros(self.shape[0])
        X = self.X
        _kernels().cols_matvec_csc(X.data, X.indices, X.indptr, self.cols, np.ascontiguousarray(coef), out)
        return out

    def columns(self, mask: np.ndarray) -> sp.csc_matrix:  # a (small) copy of some of them
        return self.X[:, self.cols[mask]].tocsc()


def _columns(X: Any, cols: np.ndarray) -> Any:
    if sp.issparse(X):
        # A copy of the set's columns makes coordinate descent walk contiguous memory; it is made
        # while it costs at most an eighth of X's nonzeros (peak memory), else the columns are
        # read in place.
        if np.sum(np.diff(X.indptr)[cols]) <= X.nnz // 8:
            return X[:, cols].tocsc()
        return _SparseColumns(X, cols)
    if cols.size == X.shape[1]:  # every column, in order: X itself, no copy
        return X
    return X[:, cols]


def _rmatvec(XW: Any, v: np.ndarray) -> np.ndarray:
    return XW.rmatvec(v) if isinstance(XW, _SparseColumns) else np.asarray(XW.T @ v).ravel()


def _matvec(XW: Any, coef: np.ndarray) -> np.ndarray:
    return XW.matvec(coef) if isinstance(XW, _SparseColumns) else np.asarray(XW @ coef).ravel()


def _cd(m: _Model, XW: Any, wW: np.ndarray, b: float, a: np.ndarray, h: np.ndarray, idx: np.ndarray,
        sweeps: int, tol: float) -> tuple[float, int, np.ndarray]:  # fmt: skip
    """Coordinate descent on the model with derivative ``a`` and curvature ``h``; ``wW``
    updated in place; returns the new intercept, the sweeps made and the model's per-sample
    gradient ``a + h (eta - eta0)`` at the new point."""
    K = _kernels()
    col_h = np.zeros(XW.shape[1])
    grad = a.copy()
    args = (m.alpha[idx], m.beta[idx], m.lower[idx], m.upper[idx])  # per position in the set
    if isinstance(XW, _SparseColumns) or sp.issparse(XW):
        # The set's columns of X read in place, or a CSC copy of them: the kernel reads columns
        # cols[k] and keeps every other array per position k.
        X, cols = (XW.X, XW.cols) if isinstance(XW, _SparseColumns) else (XW, np.arange(XW.shape[1], dtype=np.int64))
        K.col_curvature_csc(X.data, X.indices, X.indptr, cols, h, col_h)
        b, done, _ = K.cd_csc(X.data, X.indices, X.indptr, X.shape[0], cols, wW, b, grad, h, *args, col_h,
                              m.fit_b, sweeps, tol)  # fmt: skip
    else:
        cols = np.arange(XW.shape[1], dtype=np.int64)
        K.col_curvature_dense(XW, cols, h, col_h)
        b, done, _ = K.cd_dense(XW, cols, wW, b, grad, h, *args, col_h, m.fit_b, sweeps, tol)
    return float(b), int(done), grad


def _on_support(m: _Model, XW: Any, W: np.ndarray, new: np.ndarray, b: float, grad: np.ndarray,
                h: np.ndarray) -> tuple[np.ndarray, float]:  # fmt: skip
    """The model's exact minimizer on the sign pattern coordinate descent found (one Newton
    step on the nonzero coefficients off their bounds), when it keeps that pattern: what
    coordinate descent would reach only after many sweeps on correlated columns."""
    S = (new != 0) & (new > m.lower[W]) & (new < m.upper[W])
    k = int(S.sum())
    if k == 0 or not _fits(m, k):
        return new, b
    idx = W[S]
    XS = XW.columns(S) if isinstance(XW, _SparseColumns) else XW[:, np.flatnonzero(S)]
    G = np.asarray(XS.T @ grad).ravel() + m.beta[idx] * new[S] + m.alpha[idx] * np.sign(new[S])
    step = _newton_solve(m, XS, idx, G, float(grad.sum()), h)
    moved = new[S] + step[:k]
    if np.any(np.sign(moved) != np.sign(new[S])) or np.any(moved < m.lower[idx]) or np.any(moved > m.upper[idx]):
        return new, b  # the pattern would change: coordinate descent's point stands
    out = new.copy()
    out[S] = moved
    return out, b + (float(step[-1]) if m.fit_b else 0.0)


def _newton(m: _Model, W: np.ndarray, w: np.ndarray, b: float, eta: np.ndarray, goal: float,
            budget: list[int]) -> tuple[float, np.ndarray]:  # fmt: skip
    """Proximal Newton on the working set ``W`` until its optimality residual is below
    ``goal``; ``w`` updated in place; returns ``(b, eta)``."""
    XW = _columns(m.X, W)
    wW = w[W].copy()
    smooth = _fits(m, W.size) and not np.any(m.alpha[W]) and np.all(np.isinf(m.lower[W]) & np.isinf(m.upper[W]))
    if smooth and not m.quadratic and W.size >= 20:
        # Far from the minimizer, quasi-Newton steps (one pass over X_W each) are cheaper than
        # forming the Hessian (|W| passes): L-BFGS brings the point near, Newton finishes.
        wW, b, eta = _quasi_newton(m, XW, W, wW, b, eta, 1e6 * goal)
    for _ in range(100):
        a = m.deriv(eta)
        gW = _rmatvec(XW, a)
        res = float(np.linalg.norm(_violation(wW, gW, m, W)))
        if m.fit_b:
            res = math.hypot(res, float(a.sum()))
        if res <= goal:
            break
        h = m.curv(eta)
        if smooth:  # no kink or bound on W: the exact Newton step, one Cholesky solve
            delta, db = _newton_direction(m, XW, W, wW, a, gW, h)
            new, new_b = wW + delta, b + db
            budget[0] += 1
        else:
            new = wW.copy()
            # The squared loss's model is exact: run coordinate descent to the goal. Otherwise a
            # few sweeps give a Newton direction good enough for the line search (glmnet, skglm).
            # The model's own accuracy follows the residual: loose while far, tight when near.
            # Then one Newton step on the sign pattern found finishes what coordinate descent
            # would take many sweeps to do (on correlated columns above all).
            inner = (0.1 * max(goal, 0.1 * res)) ** 2
            new_b, done, grad = _cd(m, XW, new, b, a, h, W, 200, inner)
            new, new_b = _on_support(m, XW, W, new, new_b, grad, h)
            budget[0] += done
            delta, db = new - wW, new_b - b
        d_eta = _matvec(XW, delta) + db
        if m.quadratic:
            wW, b, eta = new, new_b, eta + d_eta
            continue
        # Backtracking (Armijo) on the true objective, as proximal Newton methods do.
        f0 = m.loss(eta) + m.penalty(wW, W)
        decrease = float(a @ d_eta) + m.penalty(new, W) - m.penalty(wW, W)
        t = 1.0
        # A decrease below the objective's rounding cannot be line-searched: the model's step is
        # taken as it is (it is tiny, and the model is the loss to second order there).
        if decrease < -1e-13 * max(1.0, abs(f0)):
            while m.loss(eta + t * d_eta) + m.penalty(wW + t * delta, W) > f0 + 1e-4 * t * decrease:
                t *= 0.5
                if t < 1e-10:
                    break
            if t < 1e-10:
                break  # no descent left along the Newton direction: as good as it gets here
        wW, b, eta = wW + t * delta, b + t * db, eta + t * d_eta
    w[W] = wW
    return b, eta


def _quasi_newton(m: _Model, XW: Any, W: np.ndarray, wW: np.ndarray, b: float, eta: np.ndarray,
                  gtol: float) -> tuple[np.ndarray, float, np.ndarray]:  # fmt: skip
    """SciPy's L-BFGS-B on the smooth objective over ``W`` (and ``b``) to a gradient of ``gtol``;
    the start back when it fails or does not improve (an overflow on a wild step, say)."""
    base = eta - _matvec(XW, wW) - b
    beta = m.beta[W]

    def split(z: np.ndarray) -> tuple[np.ndarray, float]:
        return (z[:-1], float(z[-1])) if m.fit_b else (z, 0.0)

    def fun(z: np.ndarray) -> tuple[float, np.ndarray]:
        ww, bb = split(z)
        e = base + _matvec(XW, ww) + bb
        a = m.deriv(e)
        g = _rmatvec(XW, a) + beta * ww
        return m.loss(e) + 0.5 * float(beta @ (ww * ww)), (np.r_[g, a.sum()] if m.fit_b else g)

    z0 = np.r_[wW, b] if m.fit_b else wW.copy()
    with np.errstate(all="ignore"):
        f0 = fun(z0)[0]
        out = optimize.minimize(fun, z0, jac=True, method="L-BFGS-B", options={"gtol": gtol, "maxiter": 500})
    if not (np.all(np.isfinite(out.x)) and np.isfinite(out.fun) and out.fun <= f0):
        return wW, b, eta
    ww, bb = split(out.x)
    return ww.copy(), bb, base + _matvec(XW, ww) + bb


def _newton_solve(m: _Model, XS: Any, idx: np.ndarray, grad: np.ndarray, grad_b: float, h: np.ndarray) -> np.ndarray:
    """``-H^-1 (grad, grad_b)`` with ``H = X_S^T diag(h) X_S + diag(beta_S)``, bordered by the
    intercept's row when there is one: the Newton step on the columns ``XS``. The system is one
    dense array, factored in place (on sparse data it is the only k x k array alive)."""
    k = XS.shape[1]

    def system(full: bool = False) -> np.ndarray:
        H = np.zeros((k + 1, k + 1) if m.fit_b else (k, k), order="F")  # LAPACK factors it in place
        if sp.issparse(XS):
            rows = XS.tocsr()  # row by row, each row's few nonzeros make an outer product
            _kernels().weighted_gram_csr(rows.data, rows.indices, rows.indptr, k, np.ascontiguousarray(h), H)
        else:
            rows = np.flatnonzero(h)  # rows of zero curvature add nothing (Huber's outliers, a hinge's margin)
            root = np.sqrt(h)[:, None] * XS if rows.size > 0.9 * h.size else np.sqrt(h[rows])[:, None] * XS[rows]
            # One triangle (symmetric rank-k update, half a general product's work); the Cholesky
            # factorization reads only it, and the least-squares fallback mirrors it.
            if root.size == 0:  # no column, or no row of nonzero curvature: BLAS takes no empty operand
                pass
            elif root.shape[0] * root.shape[1] ** 2 >= 50_000_000:  # large enough for every core to pay
                with _controller().limit(limits=os.cpu_count() or 1, user_api="blas"):
                    H[:k, :k] = blas.dsyrk(1.0, root, trans=1)
            else:
                H[:k, :k] = blas.dsyrk(1.0, root, trans=1)
            if full:
                H[:k, :k] += np.triu(H[:k, :k], 1).T
        H[np.arange(k), np.arange(k)] += m.beta[idx]
        if m.fit_b:
            H[:k, k] = H[k, :k] = np.asarray(XS.T @ h).ravel()
            H[k, k] = h.sum()
        return H

    return _solve_psd(system(), -np.r_[grad, grad_b] if m.fit_b else -grad, rebuild=lambda: system(full=True))


#: Working sets up to this size without kinks or bounds take exact Newton steps (a dense
#: |W| x |W| system); larger ones, or with kinks, coordinate descent.
_NEWTON_MAX = 2000


def _fits(m: _Model, k: int) -> bool:
    """Whether a dense k x k Newton system may be formed: at most ``_NEWTON_MAX`` coefficients,
    and on sparse data at most a sixth of X's values' bytes (peak memory)."""
    return k <= _NEWTON_MAX and not (sp.issparse(m.X) and 96 * k * k > m.X.data.nbytes)


def _newton_direction(m: _Model, XW: Any, W: np.ndarray, wW: np.ndarray, a: np.ndarray, gW: np.ndarray,
                      h: np.ndarray) -> tuple[np.ndarray, float]:  # fmt: skip
    """The Newton step ``H^-1 (-grad)`` of the smooth objective on ``W`` (and the intercept):
    ``H = X_W^T diag(h) X_W + diag(beta_W)``."""
    if isinstance(XW, _SparseColumns):
        XW = XW.columns(np.ones(XW.shape[1], dtype=bool))
    step = _newton_solve(m, XW, W, gW + m.beta[W] * wW, float(a.sum()), h)
    return (step[:-1], float(step[-1])) if m.fit_b else (step, 0.0)


def solve_penalized(
    problem: Problem,
    data: Data,
    *,
    start: Result | None = None,
    candidates: np.ndarray | None = None,
    tol: float = 1e-11,
) -> Result | None:
    """The minimizer, to an optimality residual of ``tol`` (relative to the certificate's
    scale), or None when the iteration does not get there. ``start``: a warm start (its
    coefficients and intercept); ``candidates``: a mask of the coefficients the first working
    set may take (a screening rule's survivors; later sets are chosen from every coefficient,
    so a rule never changes the answer)."""
    with one_blas_thread():  # the Newton systems are small: BLAS threads cost more than they give
        return _solve(problem, data, start, candidates, tol)


def _solve(
    problem: Problem, data: Data, start: Result | None, candidates: np.ndarray | None, tol: float
) -> Result | None:
    began = time.perf_counter()
    m = _model(problem, data)
    d = data.d
    w = np.zeros(d)
    if start is not None and start.ok:
        w[:] = np.asarray(start.coef, dtype=float)
    np.clip(w, m.lower, m.upper, out=w)  # in place: no second vector of d
    b = float(start.intercept) if start is not None and start.ok and m.fit_b else 0.0
    eta = np.asarray(m.X @ w).ravel() + b
    scale = m.c * data.derived(
        ("engine scale", problem.fit_intercept), lambda: float(np.linalg.norm(np.asarray(m.X.T @ (m.s * m.y)).ravel()))
    ) or 1.0
    goal = tol * scale
    # Without kinks or bounds every coefficient is active: one working set, all of them.
    size = d if not np.any(m.alpha) and np.all(np.isinf(m.lower) & np.isinf(m.upper)) else 10
    budget = [0]
    for _ in range(200):
        a = m.deriv(eta)
        viol = np.asarray(m.X.T @ a).ravel()  # the gradient, made the violation in place
        _kernels().violation_in_place(w, viol, m.alpha, m.beta, m.lower, m.upper)
        res = float(np.linalg.norm(viol))
        if m.fit_b:
            res = math.hypot(res, float(a.sum()))
        if res <= goal:
            break
        active = np.flatnonzero(w != 0)
        size = max(size, 2 * active.size)
        if candidates is not None:  # the first set: every screened-in coefficient that fails
            fresh, candidates = np.flatnonzero(candidates & (viol > 0)), None
        else:
            top = np.argsort(-viol)[:size].copy()  # the copy lets the d-length order go at once
            fresh = top[viol[top] > 0]
        W = np.union1d(active, fresh).astype(np.int64)
        del viol  # d-length: not held through the set's solve (peak memory)
        # Each working set is solved only as far as the whole problem is from optimal (skglm's
        # rule): an early, small set needs no more accuracy than its successor will undo.
        # (The set of every coefficient has no successor: it is solved to the goal at once.)
        b, eta = _newton(m, W, w, b, eta, 0.3 * goal if W.size == d else max(0.3 * goal, 0.1 * res), budget)
        size = min(d, 2 * size)
    else:
        return None
    grad = np.asarray(m.X.T @ m.deriv(eta)).ravel()
    lo_dual, hi_dual = _bound_multipliers(problem, w, grad, m)
    del grad
    w.setflags(write=False)  # the answer, handed over: Result keeps a read-only array as it is
    return Result(
        coef=w,
        intercept=float(b) if m.fit_b else 0.0,
        objective=m.loss(eta) + m.penalty(w),
        status=Status.OPTIMAL,
        solver=NAME,
        lower_dual=lo_dual,
        upper_dual=hi_dual,
        setup_time=0.0,
        solve_time=time.perf_counter() - began,
        iterations=budget[0],
        feature_names=data.feature_names,
        model="engine",
        classes=data.classes,
    )


def _bound_multipliers(problem: Problem, w: np.ndarray, g: np.ndarray, m: _Model) -> tuple[Any, Any]:
    """The multipliers of ``w >= lower`` and ``w <= upper`` read off stationarity (the smallest
    ones the subgradient allows where a kink and a bound meet)."""
    if problem.bounds is None:
        return None, None
    z = g + m.beta * w
    at_zero = w == 0
    z_lo = np.where(at_zero, z - m.alpha, z + m.alpha * np.sign(w))
    z_hi = np.where(at_zero, -z - m.alpha, -(z + m.alpha * np.sign(w)))
    lower = np.where(w <= m.lower, np.maximum(z_lo, 0.0), 0.0)
    upper = np.where(w >= m.upper, np.maximum(z_hi, 0.0), 0.0)
    return lower, upper
