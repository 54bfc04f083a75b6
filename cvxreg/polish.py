"""Polishing: from a solver's approximate answer to the exact minimizer, with exact zeros.

An interior-point answer sits near the solution but never on it: zeros come back as 1e-9 to
1e-5 and the rest is accurate to the solver's tolerance. Given the pattern of zeros, the rest
of the problem is smooth, so Newton's method on the nonzero coefficients (and the intercept)
finds the minimizer to machine precision: for squared loss with L1, ridge or elastic net in
one step (a linear system). The pattern is corrected as an active-set method would: a
coefficient that Newton drives through zero joins the zeros, a zero whose optimality
condition fails leaves them. The caller keeps the polished point only if its certificate is
at least as good as the solver's (``Problem.solve``). This is OSQP's solution polishing,
applied to the model rather than to the solver's QP.

Everything is asked of the protocol: ``Penalty.zero_pattern``, ``gradient``, ``curvature``,
``one_sided_derivative``; ``Loss.derivative``, ``second_derivative``.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp
from threadpoolctl import ThreadpoolController

from cvxreg._validation import Data
from cvxreg.errors import NotSupportedError
from cvxreg.result import Result

if TYPE_CHECKING:
    from collections.abc import Callable

    from cvxreg.problem import Problem

__all__ = [
    "loss_gradient",
    "one_blas_thread",
    "polish",
    "polish_constrained_terms",
    "polish_prox",
]


def loss_gradient(problem: Problem, data: Data, w: np.ndarray, b: float) -> np.ndarray:
    """``grad_w L(w, b)``, on the least-squares factor when there is one (no pass over X)."""
    return _Smooth(problem, data).loss_gradient(np.asarray(w, dtype=float), b)[0]


def one_blas_thread() -> Any:
    """A context in which BLAS and LAPACK use one thread: the Newton systems here are small,
    and OpenBLAS's thread start-up costs several times their arithmetic."""
    return _controller().limit(limits=1, user_api="blas")


@functools.cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()  # inspecting the loaded libraries takes a millisecond: once


_MAX_ROUNDS = 50
_MAX_NEWTON = 50


def polish(problem: Problem, data: Data, result: Result, *, candidates: np.ndarray | None = None) -> Result | None:
    """The exact minimizer near ``result`` as a new ``Result`` (``polished=True``), or None when
    this problem cannot be polished (constrained form, bounds, a nonsmooth loss, a penalty
    without a zero pattern) or the active-set iteration does not settle.

    A least-squares loss on tall data is polished on its ``d x d`` factor (the same objective
    up to a constant), so the iteration never touches the ``n`` rows again.

    ``candidates`` (screening) are the coefficients allowed to leave zero first; once none of
    them fails its optimality test, every zero is tested, so screening never changes the answer.
    """
    if not result.ok or problem.form.param_name != "lam" or problem.bounds is not None or problem.constraints:
        return None
    try:
        f = _Smooth(problem, data)
        with one_blas_thread():
            found = _active_set_newton(problem, f, result, candidates)
    except NotSupportedError:  # kinks that are not coordinate zeros (total variation, ...)
        return _polish_generalized_lasso(problem, data, result)
    except (la.LinAlgError, FloatingPointError):
        return None
    if found is None:
        return None
    w, b = found
    objective = f.value(w, b) + f.constant
    return dataclasses.replace(
        result, coef=w, intercept=b, objective=objective, polished=True, certificate=None, message=""
    )


def polish_prox(problem: Problem, data: Data, result: Result, *, max_iter: int = 50) -> Result | None:
    """Accelerated proximal-gradient steps from ``result`` (FISTA with backtracking and
    adaptive restart; Beck & Teboulle 2009, O'Donoghue & Candès 2015) for any penalty that has
    a ``prox`` and a loss with a derivative: the polish of penalties with no zero pattern or
    generalized-lasso form (Lp, Linf, a user's norm), to a prox-gradient residual at rounding
    level or ``max_iter`` steps. None when the problem is not of that kind (constrained form,
    bounds, linear constraints) or nothing was gained; the caller compares certificates."""
    if not result.ok or problem.form.param_name != "lam" or problem.bounds is not None or problem.constraints:
        return None
    pen, lam = problem.penalty, float(problem.form.param_value)
    f = _Smooth(problem, data)
    w, b = np.array(result.coef, dtype=float), float(result.intercept)
    fit_b = problem.fit_intercept
    if not (pen.supports("prox") and problem.loss.supports("second_derivative")):  # a smooth loss, no kinks
        return None
    try:
        pen.prox(w, 1.0)
        smooth = lambda u, c: f.value(u, c) - lam * pen.value(u)  # noqa: E731
        g0 = f.loss_gradient(w, b)
    except NotSupportedError:
        return None
    goal = 1e-11 * f.scale  # below what the certificates of these penalties resolve (about 1e-10)
    step, yw, yb, t = 1.0, w.copy(), b, 1.0
    fw = smooth(w, b) + lam * pen.value(w)
    gw, gb, _ = g0
    checkpoint = math.inf
    for k in range(max_iter):
        gw, gb, _ = f.loss_gradient(yw, yb)
        fy = smooth(yw, yb)
        while True:  # backtracking on the smooth part's quadratic upper bound
            nw = pen.prox(yw - step * gw, step * lam)
            nb = yb - step * gb if fit_b else 0.0
            dw, db = nw - yw, nb - yb
            if smooth(nw, nb) <= fy + gw @ dw + gb * db + (dw @ dw + db * db) / (2 * step) + 1e-15 * abs(fy):
                break
            step *= 0.5
            if step < 1e-30:
                return None
        residual = math.hypot(float(np.linalg.norm(dw)), db) / step
        fn = smooth(nw, nb) + lam * pen.value(nw)
        if fn > fw:  # adaptive restart: the momentum overshot
            yw, yb, t = w.copy(), b, 1.0
            continue
        t_next = 0.5 * (1 + math.sqrt(1 + 4 * t * t))
        yw = nw + (t - 1) / t_next * (nw - w)
        yb = nb + (t - 1) / t_next * (nb - b)
        w, b, fw, t = nw, nb, fn, t_next
        step *= 1.2  # let the step grow back after backtracking
        if residual <= goal:
            break
        if k % 25 == 24:  # stalled (at the penalty's or the loss's rounding): stop
            if residual > 0.5 * checkpoint:
                break
            checkpoint = residual
    objective = problem.objective_on(data, w, b)
    return dataclasses.replace(result, coef=w, intercept=b, objective=objective, polished=True, certificate=None,
                               message="")  # fmt: skip


def polish_piece(problem: Problem, data: Data, result: Result, *, max_iter: int = 50) -> Result | None:
    """The exact minimizer on the face of a polyhedral penalty that holds ``result`` (a penalty
    with ``linear_piece`` but neither a zero pattern nor a prox in these units: Linf read in
    column units). On the face ``w = P z`` and ``R(P z) = c'z``, so ``L(X P z + b) + lam c'z`` is
    smooth and Newton's method (backtracking on the objective) solves it to rounding. None when
    this does not apply, or the point leaves the face (``R(P z) > c'z``): the solver's answer
    is then kept, and the caller compares certificates either way."""
    if not result.ok or problem.form.param_name != "lam" or problem.bounds is not None or problem.constraints:
        return None
    pen, loss, lam = problem.penalty, problem.loss, float(problem.form.param_value)
    w0 = np.array(result.coef, dtype=float)
    if not (pen.supports("linear_piece") and loss.supports("second_derivative")):  # a polyhedral R, a smooth loss
        return None
    try:
        P, cz = pen.linear_piece(w0, 1e-6 * max(1.0, pen.value(w0)))
    except NotSupportedError:  # refused by this instance (a composite whose term has none)
        return None
    if data.n * P.shape[1] > 4_000_000:
        return None
    A = np.asarray(data.X @ P)
    size = np.linalg.norm(A, axis=0)
    size[~(size > 0) | ~np.isfinite(size)] = 1.0
    A, P, cz = A / size, P / size, cz / size  # z in units where X P has unit columns (P may hold units D)
    if problem.fit_intercept:
        A = np.column_stack([A, np.ones(data.n)])
        cz = np.r_[cz, 0.0]
    y, sw = data.y, data.weights
    c = 1.0 / loss.weight_total(data.n, data.sample_weight)
    z = la.lstsq(A[:, : P.shape[1]] if problem.fit_intercept else A, data.X @ w0, check_finite=False)[0]
    if problem.fit_intercept:
        z = np.r_[z, float(result.intercept)]

    def value(z: np.ndarray) -> float:
        return c * float(sw @ loss.terms_value(A @ z, y)) + lam * float(cz @ z)

    def gradient(z: np.ndarray) -> np.ndarray:
        return A.T @ (c * sw * loss.derivative(A @ z, y)[0]) + lam * cz

    scale = max(c * float(np.linalg.norm(A.T @ (sw * y))), 1e-300)
    current, grad = value(z), gradient(z)
    norm = float(np.linalg.norm(grad))
    for _ in range(max_iter):
        if norm <= 1e-15 * scale:
            break
        H = A.T @ ((c * sw * loss.second_derivative(A @ z, y))[:, None] * A)
        step = _solve_psd(H, -grad)
        for _ in range(60):  # backtracking; near the minimizer the objective is flat to rounding,
            trial = value(z + step)  # and the gradient's norm judges the step instead
            if trial < current - 1e-12 * abs(current):
                break
            if trial <= current + 1e-12 * abs(current) and np.linalg.norm(gradient(z + step)) < norm:
                break
            step = step / 2
        else:
            break
        z, current = z + step, trial
        grad = gradient(z)
        norm = float(np.linalg.norm(grad))
    k = P.shape[1]
    w = P @ z[:k]
    b = float(z[k]) if problem.fit_intercept else 0.0
    if not np.all(np.isfinite(w)) or pen.value(w) > float(cz[:k] @ z[:k]) + 1e-12 * max(1.0, pen.value(w)):
        return None  # off the face: a piece thought inactive took over
    return dataclasses.replace(result, coef=w, intercept=b, objective=problem.objective_on(data, w, b), polished=True,
                               certificate=None, message="")  # fmt: skip


class _Smooth:
    """``f(w, b) = c sum_i s_i l(eta_i, y_i) + lam R(w)``, ``eta = A w + b e``, with its
    derivatives on a free set of coefficients. ``A, y, s, e`` are the data and ones, or for a
    least-squares loss on tall data its factor: ``A = R[:, :d]``, ``y = q``, ``s = 1``,
    ``e = R[:, d]`` (the intercept's column), which changes ``f`` by a constant only."""

    def __init__(self, problem: Problem, data: Data) -> None:
        self.problem, self.data = problem, data
        self.lam = problem.form.param_value
        self.c = 1.0 / problem.loss.weight_total(data.n, data.sample_weight)
        factor = data.least_squares_factor(problem.fit_intercept) if problem.loss.least_squares else None
        self._gram: np.ndarray | None = None
        #: What ``value`` leaves out of the objective (the factor's residual term).
        self.constant = 0.0
        if factor is not None:
            R, q, rho2 = factor
            d = data.d
            self.A, self.y, self.s = R[:, :d], q, np.ones(len(q))
            self.e = R[:, d] if problem.fit_intercept else np.zeros(len(q))
            self.constant = 0.5 * self.c * rho2
        else:
            self.A, self.y, self.s, self.e = data.X, data.y, data.weights, np.ones(data.n)

    @functools.cached_property
    def kinked(self) -> np.ndarray:
        """The coefficients the penalty can pin at zero."""
        return self.problem.penalty.zero_pattern(np.zeros(self.A.shape[1]), 0.0)

    @property
    def scale(self) -> float:
        """``c ||A^T (s y)||``, what gradients are small relative to (once per data set)."""
        key = ("polish scale", self.problem.fit_intercept, self.problem.loss.least_squares)
        value = self.data.derived(key, lambda: float(np.linalg.norm(np.asarray(self.A.T @ (self.s * self.y)).ravel())))
        return self.c * value or 1.0

    def eta(self, w: np.ndarray, b: float) -> np.ndarray:
        return np.asarray(self.A @ w).ravel() + b * self.e

    def value(self, w: np.ndarray, b: float) -> float:
        terms = self.problem.loss.terms_value(self.eta(w, b), self.y)
        return self.c * float(self.s @ terms) + self.lam * self.problem.penalty.value(w)

    def loss_gradient(self, w: np.ndarray, b: float) -> tuple[np.ndarray, float, np.ndarray]:
        """``(dL/dw, dL/db, eta)`` over every coefficient."""
        eta = self.eta(w, b)
        g = self.problem.loss.derivative(eta, self.y)[0] * self.s * self.c
        return np.asarray(self.A.T @ g).ravel(), float(self.e @ g), eta

    def newton_step(self, w: np.ndarray, b: float, free: np.ndarray, tol: float) -> tuple[np.ndarray, float, float]:
        """The Newton direction on ``free`` (and ``b``), and the gradient norm there (no
        direction, only the norm, when that is already below ``tol``)."""
        p = self.problem
        gw, gb, eta = self.loss_gradient(w, b)
        grad = gw[free] + self.lam * p.penalty.gradient(w)[free]
        if p.fit_intercept:
            grad = np.r_[grad, gb]
        norm = float(np.linalg.norm(grad))
        if norm <= tol:
            return np.zeros(int(free.sum())), 0.0, norm
        H = self._loss_hessian(eta, free)  # a new array (fancy indexing copies)
        H[: free.sum(), : free.sum()] += self.lam * p.penalty.curvature(w, free)
        step = _solve_psd(H, -grad) if grad.size else grad
        return (step[: free.sum()], float(step[-1]) if p.fit_intercept else 0.0, norm)

    def _loss_hessian(self, eta: np.ndarray, free: np.ndarray) -> np.ndarray:
        """The loss's Hessian in ``(w_free, b)``. For a least-squares loss on its factor it does
        not depend on the point: it is read off the Gram matrix of ``[A, e]``, formed once (on
        wide data that matrix would be larger than X: the free columns' Gram is formed instead)."""
        p = self.problem
        index = np.flatnonzero(free)
        if p.fit_intercept:
            index = np.r_[index, self.A.shape[1]]
        if p.loss.least_squares and self.A.shape[0] >= self.A.shape[1]:
            if self._gram is None:

                def gram() -> np.ndarray:
                    from cvxreg.engine._kernels import weighted_gram  # numba: loaded on first use

                    return weighted_gram(self._with_ones(self.A), self.s)

                # Of the factor (or of tall data), once per data set: a path re-uses it at every lam.
                self._gram = self.c * self.data.derived(("gram of the factor", p.fit_intercept), gram)
            return self._gram[np.ix_(index, index)]
        from cvxreg.engine._kernels import weighted_gram  # numba: loaded on first use

        curv = p.loss.second_derivative(eta, self.y) * self.s * self.c
        return weighted_gram(self._with_ones(self.A[:, free]), curv)

    def _with_ones(self, A: Any) -> Any:
        """``[A, e]`` with the intercept's column (sparse when ``A`` is: never a dense copy of sparse data)."""
        if not self.problem.fit_intercept:
            return A
        return sp.hstack([A, self.e[:, None]], format="csr") if sp.issparse(A) else np.column_stack([A, self.e])


def _solve_psd(H: np.ndarray, rhs: np.ndarray, rebuild: Callable[[], np.ndarray] | None = None) -> np.ndarray:
    """``H^-1 rhs`` for a symmetric positive semidefinite ``H``: Cholesky when ``H`` is definite
    (the usual case), else the least-squares solution. With ``rebuild`` (which makes ``H`` again)
    the factorization overwrites ``H``, and the rare least-squares fallback rebuilds it: no
    second copy of a large system is alive."""
    try:
        return la.cho_solve(la.cho_factor(H, overwrite_a=rebuild is not None, check_finite=False), rhs,
                            check_finite=False)  # fmt: skip
    except la.LinAlgError:
        H = H if rebuild is None else rebuild()
        return la.lstsq(H, rhs, cond=None, lapack_driver="gelsy", check_finite=False)[0]


def _active_set_newton(
    problem: Problem, f: _Smooth, result: Result, candidates: np.ndarray | None = None
) -> tuple[np.ndarray, float] | None:
    pen = problem.penalty
    w = np.array(result.coef, dtype=float)
    b = float(result.intercept)
    zeros = pen.zero_pattern(w, 1e-6 * max(1.0, float(np.max(np.abs(w), initial=0.0))))
    w[zeros] = 0.0
    scale = f.scale
    for _ in range(_MAX_ROUNDS):
        w, b, crossed = _newton_on_free(f, w, b, ~zeros, scale)
        if crossed is not None:  # a coefficient reached zero: it joins the zeros
            zeros |= crossed
            continue
        entering = None
        if candidates is not None:  # a warm start: what fails among the candidates enters at once
            entering = _violated_zeros(problem, f, w, b, zeros & candidates, scale, share=0.0)
        if entering is None or not np.any(entering):  # the full test: screening never decides
            entering = _violated_zeros(problem, f, w, b, zeros, scale)
        if entering is None:  # no optimality test at zero for this penalty: accept as it stands
            return w, b
        if not np.any(entering):
            return w, b
        zeros &= ~entering
        gw = f.loss_gradient(w, b)[0]
        # Coefficients leaving zero start a tiny step down their gradient.
        size = 1e-12 * max(1.0, float(np.max(np.abs(w), initial=0.0)))
        w[entering] = -size * gw[entering] / max(float(np.max(np.abs(gw[entering]))), 1e-300)
    return None


def _newton_on_free(
    f: _Smooth, w: np.ndarray, b: float, free: np.ndarray, scale: float
) -> tuple[np.ndarray, float, np.ndarray | None]:
    """Newton's method on the free coefficients with a backtracking line search; stops early,
    returning the mask of what reached zero, when a step would move a coefficient through it."""
    kinked = f.kinked
    current = f.value(w, b)
    for _ in range(_MAX_NEWTON):
        dw, db, norm = f.newton_step(w, b, free, 1e-13 * scale)
        if norm <= 1e-13 * scale:
            return w, b, None
        step = np.zeros_like(w)
        step[free] = dw
        # Ratio test: how far until a free coefficient with a kink at zero changes sign.
        cross = kinked & free & (w != 0) & (np.sign(w + step) != np.sign(w))
        ratios = np.full_like(w, np.inf)
        ratios[cross] = -w[cross] / step[cross]
        t_cross = float(np.min(ratios))
        t = min(1.0, t_cross)
        hit = np.zeros_like(free)
        while t > 1e-12:
            w_new, b_new = w + t * step, b + t * db
            hit = (ratios <= t * (1 + 1e-12)) if t == t_cross else np.zeros_like(free)
            w_new[hit] = 0.0
            new_value = f.value(w_new, b_new)
            if new_value <= current + 1e-12 * max(1.0, abs(current)):
                current = new_value
                break
            t *= 0.5
        else:
            return w, b, None  # no descent left: the point is as good as it gets
        w, b = w_new, b_new
        if np.any(hit):
            return w, b, hit
    return w, b, None


def _violated_zeros(
    problem: Problem, f: _Smooth, w: np.ndarray, b: float, zeros: np.ndarray, scale: float, share: float = 0.5
) -> np.ndarray | None:
    """Zeros whose optimality test ``-grad in lam dR(0)`` fails on their block
    (``Penalty.zero_violation``) by at least ``share`` of the worst failure; None when the
    penalty has no such test."""
    if not np.any(zeros):
        return zeros
    try:
        violation = problem.penalty.zero_violation(-f.loss_gradient(w, b)[0], f.lam)
    except NotSupportedError:
        return None
    worst = float(np.max(np.where(zeros, violation, 0.0)))
    if worst <= 1e-11 * scale:
        return np.zeros_like(zeros)
    return zeros & (violation >= share * worst) & (violation > 1e-11 * scale)


def _polish_generalized_lasso(problem: Problem, data: Data, result: Result, *, max_rounds: int = 50) -> Result | None:
    """Least squares with ``R = sum_i c_i |(D w)_i| + 1/2 w'Qw`` (total variation, fused lasso and
    their sums with L1 and ridge), polished through its kinks: rows ``A`` with ``(Dw)_i = 0``.
    Off them ``R`` is quadratic with the signs ``s``, so the minimizer solves the KKT system
    ``(H + lam Q) u + D_A' nu = g - lam D_N'(c_N s_N)``, ``D_A u = 0``; it is the answer when
    ``|nu_i| <= lam c_i`` on ``A`` and the signs off ``A`` hold, and rows move between the sets
    (as an active-set method moves them) until both do. None when it does not settle."""
    if not problem.loss.least_squares or problem.form.size > 1:
        return None
    try:
        D, cw, Q = problem.penalty.as_generalized_lasso(data.d)
    except NotSupportedError:
        return None
    keep = cw > 0  # a row of weight 0 adds nothing
    D, cw = D[keep], cw[keep]
    lam = float(problem.form.param_value)
    D, H, g, u, scale, active, signs = _kink_setup(problem, data, result, D)
    if problem.fit_intercept:
        Q = np.pad(Q, ((0, 1), (0, 1)))
    H = H + lam * Q
    for _ in range(max_rounds):
        N = ~active
        rhs = g - lam * D[N].T @ (cw[N] * signs[N])
        DA = D[active]
        K = np.block([[H, DA.T], [DA, np.zeros((len(DA), len(DA)))]])
        try:
            sol = np.linalg.lstsq(K, np.r_[rhs, np.zeros(len(DA))], rcond=None)[0]
        except la.LinAlgError:
            return None
        u, nu = sol[: len(u)], sol[len(u) :]
        zN = D[N] @ u
        flipped = np.flatnonzero(N)[np.sign(zN) != signs[N]]
        over = np.abs(nu) - lam * cw[active]
        if flipped.size:  # a row that crossed zero joins the kinks
            active[flipped] = True
            continue
        bar = 1e-9 * max(1.0, lam * float(np.max(cw, initial=0.0)))  # no rows at all: TV on one column
        if over.size and np.max(over) > bar and not _box_multipliers(DA, rhs - H @ u, lam * cw[active], bar):
            _leave_kink(active, signs, nu, over)
            continue
        break
    else:
        return None
    return _kink_result(problem, data, result, u, scale)


def _kink_setup(problem: Problem, data: Data, result: Result, D: np.ndarray) -> tuple[Any, ...]:
    """``(D, H, g, u, scale, active, signs)`` for the least-squares KKT systems of the kink
    polishes: the intercept as one more, unpenalized coefficient; ``H, g`` the loss's Hessian
    and ``X^T s y``; ``u`` the solver's point; its kinks (within ``1e-6``) and signs."""
    c = 1.0 / problem.loss.weight_total(data.n, data.sample_weight)
    X, sw = data.dense(), data.weights
    if problem.fit_intercept:
        X = np.hstack([X, np.ones((data.n, 1))])
        D = np.hstack([D, np.zeros((len(D), 1))])
    u = np.r_[result.coef, result.intercept] if problem.fit_intercept else np.asarray(result.coef, dtype=float)
    scale = max(1.0, float(np.max(np.abs(u), initial=0.0)))
    z = D @ u
    return D, c * (X.T * sw) @ X, c * X.T @ (sw * data.y), u, scale, np.abs(z) <= 1e-6 * scale, np.sign(z)


def _leave_kink(active: np.ndarray, signs: np.ndarray, nu: np.ndarray, over: np.ndarray) -> None:
    """The kink whose multiplier is furthest outside its box leaves it, to the side the
    multiplier pushes (``nu_i`` stands where ``weight_i s_i`` stands off the kinks)."""
    j = int(np.argmax(over))
    k = np.flatnonzero(active)[j]
    active[k] = False
    signs[k] = np.sign(nu[j])


def _kink_result(problem: Problem, data: Data, result: Result, u: np.ndarray, scale: float, **extra: Any) -> Result:
    d = data.d
    w, b = (u[:d], float(u[d])) if problem.fit_intercept else (u, 0.0)
    w = np.where(np.abs(w) <= 1e-14 * scale, 0.0, w)
    objective = problem.objective_on(data, w, b)
    return dataclasses.replace(
        result, coef=w, intercept=b, objective=objective, polished=True, certificate=None, message="", **extra
    )


def _box_multipliers(DA: np.ndarray, r: np.ndarray, bound: np.ndarray, tol: float) -> bool:
    """Whether some ``nu`` with ``|nu_i| <= bound_i`` solves ``DA^T nu = r``: kinks that overlap
    (a fused group at zero is a kink of both L1 and TV) have many multipliers, and the
    minimum-norm one need not be in the box when another is."""
    from scipy.optimize import lsq_linear

    keep = bound > 0  # a kink at lam = 0 (the unpenalized twin) has nu_i = 0
    if not np.any(keep):
        return bool(np.max(np.abs(r), initial=0.0) <= tol * 10)
    found = lsq_linear(DA[keep].T, r, bounds=(-bound[keep], bound[keep]), method="bvls", tol=1e-14)
    return bool(np.max(np.abs(DA[keep].T @ found.x - r), initial=0.0) <= tol * 10)


def polish_constrained_terms(problem: Problem, data: Data, result: Result, *, max_rounds: int = 50) -> Result | None:
    """Least squares subject to ``R_k(w) <= t_k``, each ``R_k`` polyhedral (L1, total variation):
    the exact minimizer and the exact multipliers, or None.

    Off its kinks each ``R_k`` is linear, ``a_k' u``, so with the kinks ``A`` and the binding
    terms ``B`` fixed the KKT conditions are one linear system: ``H u + D_A' nu + sum_B mu_k a_k
    = g``, ``D_A u = 0``, ``a_k' u = t_k`` on ``B``. Kinks, signs and binding terms are corrected
    (a row crossing zero joins the kinks, a kink whose multiplier leaves ``[-mu_k c_i, mu_k c_i]``
    leaves, a negative ``mu_k`` unbinds, a violated term binds) until every condition holds."""
    if not result.ok or not problem.loss.least_squares or problem.form.param_name != "t":
        return None
    if problem.bounds is not None or problem.constraints:
        return None
    terms = problem.penalty.parts()
    t = np.atleast_1d(np.asarray(problem.form.param_value, dtype=float))
    rows, weights, owner = [], [], []
    for k, term in enumerate(terms):
        try:
            D_k, c_k, Q_k = term.as_generalized_lasso(data.d)
        except NotSupportedError:
            return None
        if np.any(Q_k):  # a quadratic term's constraint is not linear off the kinks
            return None
        keep = c_k > 0
        rows.append(D_k[keep])
        weights.append(c_k[keep])
        owner.append(np.full(int(np.count_nonzero(keep)), k))
    cw, term_of = np.concatenate(weights), np.concatenate(owner)
    D, H, g, u, scale, active, signs = _kink_setup(problem, data, result, np.vstack(rows))
    mu0 = np.nan_to_num(np.atleast_1d(np.asarray(result.dual, dtype=float)))
    binding = mu0 > 1e-9 * max(1.0, float(np.max(mu0, initial=0.0)))
    for _ in range(max_rounds):
        N = ~active
        a = np.array([D[N & (term_of == k)].T @ (cw * signs)[N & (term_of == k)] for k in range(len(t))])
        DA, B = D[active], a[binding]
        m, nb = len(DA), len(B)
        K = np.block([[H, DA.T, B.T], [DA, np.zeros((m, m + nb))], [B, np.zeros((nb, m + nb))]])
        try:
            sol = np.linalg.lstsq(K, np.r_[g, np.zeros(m), t[binding]], rcond=None)[0]
        except la.LinAlgError:
            return None
        n_u = len(u)
        u, nu = sol[:n_u], sol[n_u : n_u + m]
        mu = np.zeros(len(t))
        mu[binding] = sol[n_u + m :]
        flipped = np.flatnonzero(N)[np.sign(D[N] @ u) != signs[N]]
        if flipped.size:
            active[flipped] = True
            continue
        bar = 1e-9 * max(1.0, float(np.max(np.abs(mu), initial=0.0)))
        if np.any(mu < -bar):  # a term whose multiplier went negative does not bind
            binding[int(np.argmin(mu))] = False
            continue
        violated = (a @ u > t + 1e-12 * np.maximum(1.0, t)) & ~binding
        if np.any(violated):
            binding[np.flatnonzero(violated)[0]] = True
            continue
        box = np.maximum(mu[term_of[active]], 0.0) * cw[active]
        over = np.abs(nu) - box
        if over.size and np.max(over) > bar and not _box_multipliers(DA, g - H @ u - B.T @ mu[binding], box, bar):
            _leave_kink(active, signs, nu, over)
            continue
        break
    else:
        return None
    return _kink_result(problem, data, result, u, scale, dual=mu if np.ndim(problem.form.param_value) else float(mu[0]))
