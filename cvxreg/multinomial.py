"""Multinomial logistic regression: K classes, coefficients ``W`` of shape (d, K).

``MultinomialLogisticLoss`` is ``sum_i s_i (log sum_k exp(eta_ik) - eta_i,y_i)`` with
``eta = X W + 1 b^T`` (the softmax cross-entropy, scikit-learn's multinomial
``LogisticRegression``). The penalty applies to ``vec(W)``, the d·K coefficients column by
column (class by class): ``SquaredL2()`` is ``1/2 ||W||_F^2``, ``L1()`` the sum of absolute
entries, and a ``GroupLasso`` over the rows (one group per feature: indices
``j, j + d, ..., j + (K-1) d``) selects features for every class at once. ``Problem.solve``
routes such a problem here: the answer's ``coef`` is (d, K), its ``intercept`` has K entries
(summing to 0: adding one constant to all of them changes nothing) and ``classes`` names the
columns. Paths, comparisons, bounds and linear constraints are for
the single-output losses.
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import cvxpy as cp
import numpy as np
from scipy.optimize import minimize
from scipy.sparse.linalg import LinearOperator, cg
from scipy.special import logsumexp, softmax

from cvxreg._fista import Fista
from cvxreg._validation import check_sample_weight, check_X, invalid
from cvxreg.engine._softmax import softmax_hessian_product, softmax_probabilities, softmax_residual
from cvxreg.errors import NotSupportedError, SolveError
from cvxreg.losses import LogisticLoss, Loss
from cvxreg.result import Certificate, Result, Status
from cvxreg.solvers import resolve_solver, run_solver, solve_accurately, solver_label, solver_options
from cvxreg.twin import secant_root

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["MultinomialLogisticLoss", "certified", "encode_classes", "solve_multinomial"]


class MultinomialLogisticLoss(Loss):
    """``L(W, b) = sum_i s_i (logsumexp(x_i^T W + b) - (x_i^T W + b)_{y_i})``, K >= 2 classes
    (any labels; sorted, the k-th is column k of ``W``).

    scikit-learn's ``LogisticRegression(C)`` with K > 2 classes (multinomial) minimizes
    ``C * L + 1/2 ||W||_F^2``: ``Problem(MultinomialLogisticLoss(), SquaredL2(),
    Penalized(1/C), fit_intercept=True)``.
    """

    bounded_below = True
    binary = LogisticLoss

    #: Coefficients are a (d, K) matrix: ``Problem.solve`` hands the problem to ``solve_multinomial``.
    multi_output = True
    strictly_convex = False  # invariant to adding one vector to every column of W

    def terms_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        codes = np.asarray(y, dtype=int)
        return logsumexp(eta, axis=1) - eta[np.arange(len(codes)), codes]

    def probability(self, eta: np.ndarray) -> np.ndarray:
        return softmax(eta, axis=1)


def encode_classes(y: Any, owner: str = "Problem.solve") -> tuple[np.ndarray, tuple[Any, ...]]:
    """Class codes ``0..K-1`` (the sorted labels) and the labels themselves."""
    arr = np.asarray(y)
    if arr.ndim != 1 or arr.size == 0:
        raise invalid("y", owner, "a non-empty 1-D array of class labels", getattr(arr, "shape", y), raw=True)
    classes, codes = np.unique(arr, return_inverse=True)
    if classes.size < 2:
        raise invalid("y", owner, "labels of at least two classes", f"only {classes.tolist()}", raw=True)
    return codes.astype(int), tuple(classes.tolist())


def _one_hot(codes: np.ndarray, K: int) -> np.ndarray:
    Y = np.zeros((len(codes), K))
    Y[np.arange(len(codes)), codes] = 1.0
    return Y


def solve_multinomial(
    problem: Problem,
    X: Any,
    y: Any,
    *,
    sample_weight: Any = None,
    solver: Any = None,
    check: bool = False,
    certify: bool = True,
    tol: float = 1e-6,
    **solver_opts: Any,
) -> Result:
    """Solve a problem whose loss is ``MultinomialLogisticLoss`` (see the module docstring)."""
    result = _solve(problem, X, y, sample_weight, solver, check, certify, solver_opts)
    if not certify or not result.ok or result.certificate is None or math.isnan(result.certificate.worst):
        return result
    if not result.certificate.passed(tol) and solver is None and not solver_opts:
        again = _solve(problem, X, y, sample_weight, "CLARABEL", check, True, solver_options("CLARABEL", "tight"))
        if again.ok and again.certificate is not None and again.certificate.worst < result.certificate.worst:
            result = dataclasses.replace(again, message="escalated to CLARABEL at tight settings")
    # One rule for the status, as for every other loss: optimal when the certificate passes.
    cert = result.certificate
    assert cert is not None
    if cert.passed(tol):
        return dataclasses.replace(result, status=Status.OPTIMAL)
    why = f"its certificate's worst measure is {cert.worst:.1e}, above tol = {tol:g}"
    return dataclasses.replace(
        result, status=Status.OPTIMAL_INACCURATE, message=f"{result.message}; {why}" if result.message else why
    )


def _solve(
    problem: Problem, X: Any, y: Any, sample_weight: Any, solver: Any, check: bool, certify: bool,
    solver_opts: dict[str, Any],
) -> Result:  # fmt: skip
    """One solve: the smooth route or CVXPY, then the certificate and the polish."""
    owner = "Problem.solve"
    if problem.bounds is not None or problem.constraints:
        raise NotSupportedError(f"{problem!r}: bounds and linear constraints are for single-output losses.")
    Xv, names = check_X(X, owner)
    n, d = Xv.shape
    codes, classes = encode_classes(y, owner)
    if len(codes) != n:
        raise invalid("y", owner, f"{n} labels (one per row of X)", f"{len(codes)} labels", raw=True)
    s = check_sample_weight(sample_weight, n, owner)
    K = len(classes)
    problem.penalty.check_dim(d * K)
    Y = _one_hot(codes, K)
    c = 1.0 / problem.loss.weight_total(n, s)

    if solver is None and not solver_opts:
        fast = _smooth_route(problem, Xv, Y, s, c, names, classes)
        if fast is not None:
            return fast if not certify else _with_certificate(problem, Xv, Y, s, c, fast)
        fast = _prox_route(problem, Xv, Y, s, c, names, classes)
        if fast is not None:
            fast = _with_certificate(problem, Xv, Y, s, c, fast)
            if fast.certificate is not None and fast.certificate.passed(1e-9):
                return fast if certify else dataclasses.replace(fast, certificate=None)

    result = _conic(problem, Xv, Y, s, c, names, classes, solver, solver_opts)
    if check and not result.ok:
        why = f"status {result.status!r}. {result.message}"
        raise SolveError(f"{problem!r} has no solution from {result.solver}: {why}")
    if certify and result.ok:
        result = _with_certificate(problem, Xv, Y, s, c, result)
        polished = (
            _polish_constrained(problem, Xv, Y, s, c, result)
            if problem.form.param_name == "t"
            else _polish(problem, Xv, Y, s, c, result)
        )
        if polished is not None:
            polished = _with_certificate(problem, Xv, Y, s, c, polished)
            assert polished.certificate is not None and result.certificate is not None
            if polished.certificate.worst <= result.certificate.worst:
                result = polished
    return result


def _conic(
    problem: Problem, Xv: Any, Y: np.ndarray, s: Any, c: float, names: Any, classes: tuple[Any, ...], solver: Any,
    solver_opts: dict[str, Any],
) -> Result:  # fmt: skip
    """The conic model (exponential cones) solved by CVXPY's ``solver``: the result as it comes."""
    owner = "Problem.solve"
    (n, d), K = Xv.shape, Y.shape[1]
    W = cp.Variable((d, K), name="W")
    b = cp.Variable(K, name="b") if problem.fit_intercept else None
    eta = Xv @ W if b is None else Xv @ W + np.ones((n, 1)) @ cp.reshape(b, (1, K), order="F")
    terms = cp.log_sum_exp(eta, axis=1) - cp.sum(cp.multiply(Y, eta), axis=1)
    fit = c * (cp.sum(terms) if s is None else s @ terms)
    pen = problem.penalty.expr(cp.vec(W, order="F"))
    param = problem.form.parameter()
    objective, constraints, pen_con = problem.form.assemble(fit, pen, param)
    prob = cp.Problem(cp.Minimize(objective), constraints)
    name = resolve_solver(solver, owner)
    label = solver_label(name) if name is not None else "default"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        failure, message, wall = run_solver(prob, name, solver_opts)
    status = failure or prob.status
    stats = prob.solver_stats
    ok = W.value is not None and status in ("optimal", "optimal_inaccurate")
    coef = np.asarray(W.value, dtype=float) if ok else np.full((d, K), math.nan)
    intercept = np.full(K, math.nan)
    if ok:
        intercept = np.asarray(b.value, dtype=float).ravel() if b is not None else np.zeros(K)
        # The softmax is unchanged by one constant added to every intercept, and the penalty
        # does not see them: report the minimum-norm choice, intercepts summing to 0 (as
        # scikit-learn does).
        intercept = intercept - intercept.mean()
    dual = None
    if pen_con is not None:
        dual = problem.form.multiplier(pen_con.dual_value if ok else None)
    result = Result(
        coef=coef,
        intercept=intercept,  # type: ignore[arg-type]  # K intercepts
        objective=_objective(problem, Xv, Y, s, c, coef, intercept) if ok else math.nan,
        status=status or Status.SOLVER_ERROR,
        solver=(stats.solver_name if stats is not None else label),
        dual=dual,
        setup_time=float(getattr(prob, "compilation_time", None) or math.nan),
        solve_time=float(stats.solve_time) if stats is not None and stats.solve_time else wall,
        iterations=int(stats.num_iters) if stats is not None and stats.num_iters is not None else None,
        feature_names=names,
        message=message or ("" if ok else "no solution returned"),
        model="plain",
        classes=classes,
    )
    return result


def _polish_constrained(problem: Problem, X: Any, Y: np.ndarray, s: Any, c: float, result: Result) -> Result | None:
    """The constrained form ``R(W) <= t`` through its penalized twins: the multiplier is the
    root of ``R(W(lam)) = t`` (``cvxreg.twin.secant_root``), each twin polished by ``_polish``."""
    if problem.form.size > 1:
        return None

    def twin(lam: float, start: Result) -> tuple[Result | None, bool]:
        return _polish(problem.lagrangian(lam), X, Y, s, c, start), True

    found = secant_root(problem, result, twin)
    if found is None:
        return None
    point, lam = found
    W, b = point.coef, np.asarray(point.intercept)
    return dataclasses.replace(point, dual=lam, objective=_objective(problem, X, Y, s, c, W, b))


def _polish(problem: Problem, X: Any, Y: np.ndarray, s: Any, c: float, result: Result) -> Result | None:
    """The exact minimizer near the solver's answer, for a penalized problem whose penalty has a
    zero pattern (L1, elastic net, a group lasso over the rows): with the zeros fixed the rest is
    smooth, and Newton-CG (Hessian-vector products, never formed) takes it to the gradient's
    rounding; kept only when no sign flips and every zero still satisfies its optimality test.
    None when this does not apply or does not hold."""
    if problem.form.param_name != "lam":
        return None
    pen, lam = problem.penalty, float(problem.form.param_value)
    n, d = X.shape
    K = Y.shape[1]
    W0, b0 = np.asarray(result.coef, dtype=float), np.asarray(result.intercept, dtype=float)
    w0 = W0.ravel(order="F")
    try:
        zeros = pen.zero_pattern(w0, 1e-6 * max(1.0, float(np.max(np.abs(w0)))))
        pen.gradient(w0)
    except NotSupportedError:
        return None
    free = ~zeros
    w_start = np.where(zeros, 0.0, w0)
    sw = np.ones(n) if s is None else s
    fit_b = problem.fit_intercept
    k = int(free.sum())

    def unpack(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w = np.zeros(d * K)
        w[free] = z[:k]
        return w, (z[k:] if fit_b else np.zeros(K))

    def f(z: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = unpack(z)
        W = w.reshape(d, K, order="F")
        eta = np.asarray(X @ W) + b
        P, lse = _softmax(eta)
        R = sw[:, None] * (P - Y)
        grad = (c * np.asarray(X.T @ R)).ravel(order="F")[free] + lam * pen.gradient(w)[free]
        value = c * float(sw @ (lse - np.sum(Y * eta, axis=1))) + lam * pen.value(w)
        return value, (np.r_[grad, c * R.sum(axis=0)] if fit_b else grad)

    sw_c = np.ascontiguousarray(sw, dtype=float)

    def hess_at(z: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:  # the softmax kernels of the smooth route
        w, b = unpack(z)
        P = np.ascontiguousarray(np.asarray(X @ w.reshape(d, K, order="F")) + b)  # once per point
        softmax_probabilities(P)
        curvature = pen.curvature(w, free)

        def hessp(p: np.ndarray) -> np.ndarray:
            pw, pb = unpack(p)
            D = np.ascontiguousarray(np.asarray(X @ pw.reshape(d, K, order="F")) + (pb if fit_b else 0.0))
            softmax_hessian_product(P, D, sw_c)
            out = c * np.asarray(X.T @ D).ravel(order="F")[free] + lam * (curvature @ p[:k])
            return np.r_[out, c * D.sum(axis=0)] if fit_b else out

        return hessp

    last: list[Any] = [None, None]

    def hessp(z: np.ndarray, p: np.ndarray) -> np.ndarray:  # SciPy asks at one point many times
        if last[0] is None or not np.array_equal(last[0], z):
            last[:] = [z.copy(), hess_at(z)]
        return last[1](p)

    z0 = np.r_[w_start[free], b0] if fit_b else w_start[free]
    scale = max(c * float(np.linalg.norm(X.T @ (sw[:, None] * (1.0 / K - Y)))), 1e-12)
    with np.errstate(all="ignore"):
        out = minimize(f, z0, jac=True, hessp=hessp, method="Newton-CG", options={"xtol": 1e-15, "maxiter": 50})
        if not np.all(np.isfinite(out.x)):
            return None
        # SciPy's line search stops at the objective's rounding: finish by the gradient's norm.
        x = _newton_steps(f, hess_at, out.x, f(out.x)[1], 1e-14 * scale)[0]
    w, b = unpack(x)
    kinked = pen.zero_pattern(np.zeros(d * K), 0.0)
    if np.any((np.sign(w) != np.sign(w_start))[free & kinked]):
        return None  # a coefficient crossed its kink: not the solver's pattern
    W = w.reshape(d, K, order="F")
    R = sw[:, None] * (_softmax(np.asarray(X @ W) + b)[0] - Y)
    grad = (c * np.asarray(X.T @ R)).ravel(order="F")
    if np.any(zeros) and float(np.max(pen.zero_violation(-grad, lam)[zeros])) > 1e-9 * scale:
        return None
    b = b - b.mean() if fit_b else b
    return dataclasses.replace(
        result, coef=W, intercept=b, objective=_objective(problem, X, Y, s, c, W, b), polished=True,  # type: ignore[arg-type]
        certificate=None,
    )  # fmt: skip


def _smooth_route(
    problem: Problem, X: Any, Y: np.ndarray, s: Any, c: float, names: Any, classes: tuple[Any, ...]
) -> Result | None:
    """A penalized problem with a ridge penalty (factors allowed) is smooth: L-BFGS-B (SciPy's
    compiled Fortran) on ``(W, b)`` with the analytic gradient, to a gradient of 1e-10 relative,
    instead of exponential cones. None when the penalty is not ridge or the iteration fails
    (the caller then builds the conic model); the certificate judges the answer either way."""
    if problem.form.param_name != "lam":
        return None
    try:
        enet = problem.penalty.as_elastic_net()
    except NotSupportedError:
        return None
    if float(enet.l1_ratio) != 0.0:  # type: ignore[attr-defined]
        return None
    n, d = X.shape
    K = Y.shape[1]
    v = np.tile(enet.factor_vector(d * K).reshape(K, d).T, 1) if enet.factors is not None else np.ones((d, K))
    lam = float(problem.form.param_value)
    sw = np.ones(n) if s is None else s
    fit_b = problem.fit_intercept
    began = time.perf_counter()
    # Y is one-hot: the kernels read it as one class code per row.
    codes = np.ascontiguousarray(np.argmax(Y, axis=1))
    sw_c = np.ascontiguousarray(sw, dtype=float)
    lam_v = lam * v

    def f(z: np.ndarray) -> tuple[float, np.ndarray]:
        W = z[: d * K].reshape(d, K)
        eta = np.ascontiguousarray(X @ W)
        if fit_b:
            eta += z[d * K :]
        fit = softmax_residual(eta, codes, sw_c)  # eta is now sw (P - Y)
        gW = np.asarray(X.T @ eta)
        gW *= c
        gW += lam_v * W
        grad = np.r_[gW.ravel(), c * eta.sum(axis=0)] if fit_b else gW.ravel()
        return c * fit + 0.5 * float(np.sum(lam_v * W * W)), grad

    def hess_at(z: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        P = np.ascontiguousarray(X @ z[: d * K].reshape(d, K))  # the probabilities, once per step
        if fit_b:
            P += z[d * K :]
        softmax_probabilities(P)

        def hessp(p: np.ndarray) -> np.ndarray:
            V = p[: d * K].reshape(d, K)
            D = np.ascontiguousarray(X @ V)
            if fit_b:
                D += p[d * K :]
            softmax_hessian_product(P, D, sw_c)
            hW = c * np.asarray(X.T @ D) + lam_v * V
            return np.r_[hW.ravel(), c * D.sum(axis=0)] if fit_b else hW.ravel()

        return hessp

    z0 = np.zeros(d * K + (K if fit_b else 0))
    scale = float(np.linalg.norm(f(z0)[1])) or 1.0
    # L-BFGS (SciPy's compiled Fortran) gets near, to a gradient of 1e-7 relative; Newton steps
    # with exact Hessian products finish to the gradient's own rounding.
    out = minimize(f, z0, jac=True, method="L-BFGS-B",
                   options={"maxiter": 20_000, "maxcor": 10, "ftol": 0.0, "gtol": 1e-7 * scale})  # fmt: skip
    if not np.all(np.isfinite(out.x)):
        return None
    x, _, steps = _newton_steps(f, hess_at, out.x, out.jac, 1e-13 * scale)
    W = x[: d * K].reshape(d, K)
    if np.ptp(v, axis=1).max(initial=0.0) == 0:
        # Each feature's row of W can lose its mean over the classes: the softmax does not see
        # it and the ridge term only drops, so the minimizer's rows sum to 0 — made exact here.
        W = W - W.mean(axis=1, keepdims=True)
    b = x[d * K :] - x[d * K :].mean() if fit_b else np.zeros(K)
    return Result(
        coef=W,
        intercept=b,  # type: ignore[arg-type]  # K intercepts
        objective=_objective(problem, X, Y, s, c, W, b),
        status=Status.OPTIMAL,
        solver="scipy-lbfgs+newton-cg",
        setup_time=0.0,
        solve_time=time.perf_counter() - began,
        iterations=int(out.nit) + steps,
        feature_names=names,
        model="smooth",
        classes=classes,
    )


def _prox_route(
    problem: Problem, X: Any, Y: np.ndarray, s: Any, c: float, names: Any, classes: tuple[Any, ...]
) -> Result | None:
    """A penalized problem whose penalty has a proximal map and a zero pattern (L1, elastic net,
    a group lasso over the rows of ``W``), without exponential cones: accelerated proximal
    gradient (FISTA with a backtracked step and adaptive restarts, on the compiled softmax
    kernels) finds the zero pattern, then ``_polish`` solves the smooth problem on it by Newton
    to the gradient's rounding. None when the penalty has no proximal map or the pattern does not
    hold (the caller then builds the conic model); the certificate judges the answer."""
    if problem.form.param_name != "lam":
        return None
    pen, lam = problem.penalty, float(problem.form.param_value)
    n, d = X.shape
    K = Y.shape[1]
    try:
        pen.prox(np.zeros(d * K), 1.0)
        pen.zero_pattern(np.zeros(d * K), 0.0)
    except NotSupportedError:
        return None
    began = time.perf_counter()
    codes = np.ascontiguousarray(np.argmax(Y, axis=1))
    sw_c = np.ascontiguousarray(np.ones(n) if s is None else s, dtype=float)
    fit_b = problem.fit_intercept

    def smooth(W: np.ndarray, b: np.ndarray, grad: bool) -> tuple[float, np.ndarray, np.ndarray]:
        eta = np.ascontiguousarray(X @ W)
        if fit_b:
            eta += b
        value = c * softmax_residual(eta, codes, sw_c)  # eta is now sw (P - Y)
        if not grad:
            return value, W, b
        return value, c * np.asarray(X.T @ eta), (c * eta.sum(axis=0) if fit_b else np.zeros(K))

    def prox(V: np.ndarray, step: float) -> np.ndarray:  # the penalty acts on vec(W), class by class
        return pen.prox(V.ravel(order="F"), step * lam).reshape(d, K, order="F")

    def objective(W: np.ndarray, f: float) -> float:
        return f + lam * pen.value(W.ravel(order="F"))

    # The first step from the softmax's curvature bound (1/2) along a random direction.
    probe = np.random.default_rng(0).standard_normal(d)
    L0 = max(0.5 * c * float(np.sum(sw_c * np.asarray(X @ probe) ** 2)) / float(probe @ probe), 1e-12)
    state = Fista(smooth, prox, objective, (d, K), L0)
    # Coarse first: the zero pattern is usually right long before the iterates are accurate, and
    # Newton on it then finishes; a pattern that does not hold asks for more iterations.
    polished = None
    with np.errstate(all="ignore"):
        for goal in (1e-5, 1e-7, 1e-9):
            if not state.run(goal * state.scale):
                return None
            W, b = state.W, (state.b - state.b.mean() if fit_b else np.zeros(K))
            start = Result(
                coef=W, intercept=b, objective=_objective(problem, X, Y, s, c, W, b), status=Status.OPTIMAL,  # type: ignore[arg-type]
                solver="cvxreg-fista+newton-cg", setup_time=0.0, solve_time=0.0, iterations=state.steps,
                feature_names=names, model="prox", classes=classes,
            )  # fmt: skip
            polished = _polish(problem, X, Y, s, c, start)
            if polished is not None:
                break
    found = polished if polished is not None else start
    return dataclasses.replace(found, solve_time=time.perf_counter() - began)


def _newton_steps(
    f: Callable[[np.ndarray], tuple[float, np.ndarray]],
    hess_at: Callable[[np.ndarray], Callable[[np.ndarray], np.ndarray]],
    z: np.ndarray,
    grad: np.ndarray,
    goal: float,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Newton steps from near the minimizer, each solved by conjugate gradients on exact Hessian
    products (``hess_at(z)`` gives ``p -> H(z) p``), kept while the gradient's norm falls: the
    objective's own rounding, which stops L-BFGS and a line search near the minimizer, is not
    consulted. (A singular direction — the softmax does not see a shift shared by all classes —
    is harmless: the gradient is orthogonal to it, and conjugate gradients stay off it.)"""
    steps = 0
    while steps < 6 and np.linalg.norm(grad) > goal:
        m = grad.size
        # Quadratic convergence: a residual of goal / |grad| leaves a gradient near goal.
        rtol = min(0.1, max(goal / float(np.linalg.norm(grad)), 1e-12))
        operator = LinearOperator((m, m), matvec=hess_at(z), dtype=float)
        step, _ = cg(operator, -grad, rtol=rtol, maxiter=10 * m)
        z_new = z + step
        grad_new = f(z_new)[1]
        if not np.linalg.norm(grad_new) < np.linalg.norm(grad):
            break
        z, grad, steps = z_new, grad_new, steps + 1
    return z, grad, steps


def _softmax(eta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(softmax(eta) by rows, logsumexp(eta) by rows)``, one exponential per entry (SciPy's
    two functions would take it twice, with checks that cost more than the arithmetic here)."""
    top = eta.max(axis=1, keepdims=True)
    E = np.exp(eta - top)
    total = E.sum(axis=1, keepdims=True)
    return E / total, (top + np.log(total)).ravel()


def _objective(problem: Problem, X: Any, Y: np.ndarray, s: Any, c: float, W: np.ndarray, b: np.ndarray) -> float:
    eta = np.asarray(X @ W) + b
    terms = logsumexp(eta, axis=1) - np.sum(Y * eta, axis=1)
    fit = c * float(np.sum(terms) if s is None else s @ terms)
    return problem.form.objective_value(fit, problem.penalty.value(W.ravel(order="F")))


def certified(problem: Problem, X: Any, y: Any, result: Result, sample_weight: Any = None) -> Result:
    """``result`` (an answer to ``problem`` on ``(X, y)``) with its certificate, as
    ``Problem.solve`` computes it; the answer itself unchanged (a solver's own, for a comparison)."""
    Xv, _ = check_X(X, "certificate")
    codes, classes = encode_classes(y, "certificate")
    s = check_sample_weight(sample_weight, Xv.shape[0], "certificate")
    Y = _one_hot(codes, len(classes))
    return _with_certificate(problem, Xv, Y, s, 1.0 / problem.loss.weight_total(Xv.shape[0], s), result)


def _with_certificate(problem: Problem, X: Any, Y: np.ndarray, s: Any, c: float, result: Result) -> Result:
    """Stationarity ``c X^T S (P - Y) + weight * dR(vec W) = 0`` (and ``c 1^T S (P - Y) = 0``
    with an intercept), measured as the distance from 0 to that set, relative to the gradient
    at ``W = 0``; feasibility and slackness of the constrained form. No duality gap."""
    W, b = result.coef, np.asarray(result.intercept)
    sw = np.ones(Y.shape[0]) if s is None else s
    P = softmax(np.asarray(X @ W) + b, axis=1)
    R = sw[:, None] * (P - Y)
    grad = c * np.asarray(X.T @ R)  # (d, K)
    grad_b = c * R.sum(axis=0) if problem.fit_intercept else np.zeros(0)
    scale = max(c * float(np.linalg.norm(X.T @ (sw[:, None] * (1.0 / Y.shape[1] - Y)))), 1e-12)
    flat, weight = problem.penalty.weighted(problem.form.penalty_weight(result.dual))  # a Composite: its sum
    w = W.ravel(order="F")
    tol = 1e-6 * max(1.0, float(np.max(np.abs(w), initial=0.0)))
    g, kkt = grad.ravel(order="F"), math.nan
    if weight > 0:
        try:  # in NumPy where the penalty knows the distance (ridge, L1, the group lasso)
            dist = flat.subdifferential_distance(w, -g / weight, tol)
            kkt = math.hypot(weight * dist, float(np.linalg.norm(grad_b))) / scale
        except NotSupportedError:
            pass
    if math.isnan(kkt):  # else a small projection problem over the penalty's subdifferential
        try:
            v, cons = flat.subdifferential(w, tol)
            dist = cp.Problem(cp.Minimize(cp.norm2(cp.hstack([g + weight * v, grad_b]))), cons)
            solve_accurately(dist)
            kkt = float(dist.value) / scale if dist.value is not None else math.nan
        except NotSupportedError:
            pass
    value = problem.penalty.value(w)
    infeasible = problem.form.infeasibility(value)
    slack = problem.form.slackness(result.dual, value) / scale if result.dual is not None else 0.0
    return dataclasses.replace(result, certificate=Certificate(kkt, infeasible, slack, None, scale))
