"""Exact answers: a problem whose answer is rational in its data, solved in rational arithmetic.

Least squares, ridge, the lasso and the elastic net, least absolute deviations and quantile
regression (linear programs), support vector machines and box-constrained versions of them
have answers that are rational functions of the data: at a minimizer, which coefficients are
zero or at a bound and which observations sit on a kink of the loss (the interpolated
observations of an LP fit, the margin of an SVM) turn the optimality conditions into a square
linear system. ``solve_exactly`` takes that active set from a floating-point solve, solves the
system with Python's ``fractions`` and checks every condition exactly, so the answer it gives
is proven optimal, not rounded: ``35/16``, not ``2.1875000000000004``.

It applies to a ``Penalized`` problem whose loss answers ``quadratic_pieces`` and whose
penalty answers ``quadratic_parts`` (a sum of ``a_j |w_j|`` and ``q_j w_j^2 / 2``), with
bounds on the coefficients and an intercept, and to the ``Constrained`` form of a penalty
without the quadratic part (the lasso's ``||w||_1 <= t``: the multiplier is then one more
unknown). Anything else raises ``NotSupportedError`` saying why, as does a problem whose
floating-point answer sits inside a set of minimizers (the system is then singular); at a
vertex of such a set the answer is one minimizer, proven as any other.

Every float in the data and the formulation is read as the number its author wrote
(``cvxreg._rational.rational``: ``0.1`` is 1/10, and ``1/3`` stored as a float is 1/3).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from cvxreg._protocol import supports
from cvxreg._rational import as_text, dense_for_exact, rational, solve_linear
from cvxreg.errors import NotSupportedError
from cvxreg.problem import Problem
from cvxreg.result import Result

__all__ = ["ExactAnswer", "solve_exactly", "solve_from_moments"]

Q = Fraction
_TOLERANCES = (1e-9, 1e-7, 1e-5, 1e-3)  # relative: how near a float must be to a kink or a bound


@dataclass(frozen=True)
class ExactAnswer:
    """A minimizer in rational arithmetic, with what proves it.

    ``observation_duals`` are ``theta_i = -(c s_i) dl/d eta_i`` (``c`` the loss's scale, 1 or
    1/n, ``s_i`` the weights): the multipliers of the observations, with ``X' theta`` in the
    penalty's subdifferential (and ``sum theta = 0`` with an intercept). For a classification
    loss with labels ``y_i = +-1`` they are reported as ``alpha_i = y_i theta_i >= 0``, the
    support vector machine's alphas. ``on_kinks`` are the observations on a kink of the loss
    (residual 0 for an LP fit: the interpolated observations; the margin of an SVM).
    """

    coef: tuple[Fraction, ...]
    intercept: Fraction
    objective: Fraction
    observation_duals: tuple[Fraction, ...]
    on_kinks: tuple[int, ...]
    dual: Fraction | None = None
    lower_dual: tuple[Fraction, ...] | None = None
    upper_dual: tuple[Fraction, ...] | None = None

    def as_texts(self) -> dict[str, Any]:
        """The answer as a problem file or ``check`` writes exact numbers (``"35/16"``)."""
        out: dict[str, Any] = {
            "coef": [as_text(v) for v in self.coef],
            "intercept": as_text(self.intercept),
            "objective": as_text(self.objective),
            "observation_duals": [as_text(v) for v in self.observation_duals],
        }
        if self.dual is not None:
            out["dual"] = as_text(self.dual)
        for side in ("lower_dual", "upper_dual"):
            if getattr(self, side) is not None:
                out[side] = [as_text(v) for v in getattr(self, side)]
        return out


@dataclass
class _Exact:
    """The problem's data and parameters as Fractions."""

    X: list[list[Fraction]]
    Xf: np.ndarray  # the same X in floats, for reading the active set
    y: list[Fraction]
    s: list[Fraction]  # the loss's weight of each row: c s_i
    a: list[Fraction]  # R(w) = sum a_j |w_j| + q_j w_j^2 / 2
    q: list[Fraction]
    lam: Fraction | None  # None: the constrained form, the multiplier is an unknown
    t: Fraction | None
    lower: list[Fraction | None]
    upper: list[Fraction | None]
    pieces: list[tuple[tuple[Fraction, ...], tuple[Any, ...]]]
    intercept: bool
    classification: bool


def solve_exactly(
    problem: Problem, X: Any, y: Any, sample_weight: Any = None, result: Result | None = None
) -> ExactAnswer:
    """The exact minimizer of ``problem`` on ``(X, y)``, proven by its optimality conditions.

    ``result`` is a floating-point solution to take the active set from (solved here when not
    given). ``NotSupportedError`` says why a problem has no exact answer here: its loss or
    penalty is not piecewise quadratic, its form's answer is irrational (a ball of the squared
    norm), or its minimizer is not unique.
    """
    checked = problem.check_data(X, y, sample_weight, owner="solve_exactly")
    dense = dense_for_exact(checked.X, "solve_exactly")
    data = _rationals(problem, dense, np.asarray(checked.y, dtype=float), checked.sample_weight)
    if result is None:
        result = problem.solve(X, y, sample_weight=sample_weight)
    if result.coef is None or not np.all(np.isfinite(result.coef)):
        raise NotSupportedError(f"No floating-point solution to start from (status {result.status}).")
    w = np.asarray(result.coef, dtype=float)
    b = float(result.intercept or 0.0)
    why = "no active set made every optimality condition hold exactly"
    for tol in _TOLERANCES:
        try:
            return _on_active_set(data, w, b, tol)
        except _NotThisSet as exc:
            why = str(exc)
    raise NotSupportedError(f"No exact answer for {problem!r}: {why} (a minimizer that is not unique?).")


class _NotThisSet(Exception):
    """The active set read at one tolerance does not give an optimal point."""


def _rationals(problem: Problem, X: np.ndarray, y: np.ndarray, sample_weight: Any) -> _Exact:
    loss, form = problem.loss, problem.form
    n, d = X.shape
    a, q, lam = _penalty_parts(problem, d)
    constrained = form.param_name == "t"
    if constrained and any(q):
        raise NotSupportedError(
            f"No exact answer for {problem!r}: the constraint's quadratic part makes the answer irrational in general."
        )
    if problem.constraints:
        raise NotSupportedError(f"No exact answer for {problem!r}: linear constraints are not handled exactly yet.")
    s = [Q(1)] * n if sample_weight is None else [rational(v) for v in np.asarray(sample_weight, dtype=float)]
    c = Q(1) if loss.scale == "sum" else 1 / sum(s)
    yq = [rational(v) for v in y]
    lower, upper = _bounds(problem, d)
    return _Exact(
        X=[[rational(v) for v in row] for row in X],
        Xf=X,
        y=yq,
        s=[c * si for si in s],
        a=a,
        q=q,
        lam=None if constrained else lam,
        t=rational(form.param_value) if constrained else None,
        lower=lower,
        upper=upper,
        pieces=[loss.quadratic_pieces(v) for v in yq],
        intercept=problem.fit_intercept,
        classification=loss.classification,
    )


def _penalty_parts(problem: Problem, d: int) -> tuple[list[Fraction], list[Fraction], Fraction]:
    """``(a, q, lam)``: the penalty ``lam (sum a_j |w_j| + q_j w_j^2 / 2)``; a composite's
    terms, each with its own lam, are folded into ``a`` and ``q`` (``lam = 1``)."""
    terms = problem.penalty.parts()
    lams = np.atleast_1d(np.asarray(problem.form.param_value, dtype=float))
    loss_ok = supports(type(problem.loss), "quadratic_pieces")
    if not loss_ok or not all(supports(type(term), "quadratic_parts") for term in terms) or len(lams) != len(terms):
        raise NotSupportedError(
            f"No exact answer for {problem!r}: exact answers need a piecewise-quadratic loss (squared, "
            "absolute, quantile, Huber, hinge, squared hinge, epsilon-insensitive) and a penalty "
            "sum a_j |w_j| + q_j w_j^2 / 2 (L1, SquaredL2, ElasticNet, or a composite of them)."
        )
    if len(terms) == 1:
        a_float, q_float = terms[0].quadratic_parts(d)
        return [rational(v) for v in a_float], [rational(v) for v in q_float], rational(lams[0])
    a, q = [Q(0)] * d, [Q(0)] * d
    for term, lam in zip(terms, lams, strict=True):
        a_float, q_float = term.quadratic_parts(d)
        a = [ak + rational(lam) * rational(v) for ak, v in zip(a, a_float, strict=True)]
        q = [qk + rational(lam) * rational(v) for qk, v in zip(q, q_float, strict=True)]
    return a, q, Q(1)


def _bounds(problem: Problem, d: int) -> tuple[list[Fraction | None], list[Fraction | None]]:
    sides = []
    for side in problem.bounds or (None, None):
        values = np.broadcast_to(np.inf if side is None else side, (d,))
        sides.append([None if not np.isfinite(v) else rational(v) for v in values])
    return sides[0], sides[1]


def _kind_of_coef(e: _Exact | _Moments, j: int, wj: float, tol: float) -> tuple[str, Fraction]:
    """Whether coefficient ``j`` is at a bound, at the penalty's kink at 0, or free."""
    for kind, bound in (("lower", e.lower[j]), ("upper", e.upper[j])):
        if bound is not None and abs(wj - float(bound)) <= tol:
            return kind, bound
    if e.a[j] != 0 and abs(wj) <= tol:
        return "zero", Q(0)
    return "free", Q(0)


def _piece_of(kinks: tuple[Fraction, ...], eta: float, tol: float) -> tuple[str, int]:
    """``("kink", k)`` when ``eta`` is on kink ``k``, else ``("piece", k)``."""
    for k, kink in enumerate(kinks):
        if abs(eta - float(kink)) <= tol:
            return "kink", k
    return "piece", sum(eta > float(kink) for kink in kinks)


def _on_active_set(e: _Exact, w: np.ndarray, b: float, tol: float) -> ExactAnswer:
    n, d = len(e.y), len(e.a)
    eta_float = e.Xf @ w + b
    wscale = tol * max(1.0, float(np.max(np.abs(w), initial=0.0)))
    escale = tol * max(1.0, float(np.max(np.abs(eta_float), initial=0.0)), max(abs(float(v)) for v in e.y))
    coefs = [_kind_of_coef(e, j, w[j], wscale) for j in range(d)]
    obs = [_kinkless(e.pieces[i], _piece_of(e.pieces[i][0], eta_float[i], escale)) for i in range(n)]
    free = [j for j in range(d) if coefs[j][0] == "free"]
    sign = {j: Q(int(np.sign(w[j]))) for j in free}
    kinked = [i for i in range(n) if obs[i][0] == "kink"]
    multiplier = e.lam is None and sum(float(e.a[j]) * abs(w[j]) for j in range(d)) >= float(e.t or 0) - wscale
    fixed = {j: value for j, (kind, value) in enumerate(coefs) if kind != "free"}
    for pinned in _pinnings(e, obs, kinked):
        held = [i for i in kinked if i not in pinned]
        names = [("w", j) for j in free] + ([("b", 0)] if e.intercept else []) + [("psi", i) for i in held]
        names += [("mu", 0)] if multiplier else []
        index = {name: k for k, name in enumerate(names)}
        rows, rhs = _system(e, free, sign, obs, held, pinned, fixed, index, multiplier)
        x = solve_linear(rows, rhs)
        if x is None:
            continue
        wq = [x[index["w", j]] if j in sign else fixed[j] for j in range(d)]
        bq = x[index["b", 0]] if e.intercept else Q(0)
        lam = e.lam if e.lam is not None else (x[index["mu", 0]] if multiplier else Q(0))
        try:
            return _verified(e, coefs, obs, wq, bq, lam, {**{i: x[index["psi", i]] for i in held}, **pinned})
        except _NotThisSet:
            if not pinned:  # a regular system whose answer fails: another active set, not another vertex
                raise
            continue
    raise _NotThisSet("no multipliers of the observations on kinks satisfy the optimality conditions exactly")


def _pinnings(e: _Exact, obs: list[tuple[str, int]], kinked: list[int]) -> Iterator[dict[int, Fraction]]:
    """Which kinked observations' multipliers to hold at an end of their interval: none first;
    at a degenerate vertex (more observations on kinks than the fit needs) the multipliers are
    not unique, and a vertex of their set holds the extra ones at an end (at most 4096 tries)."""
    yield {}
    ends = {}
    for i in kinked:
        kinks, pieces = e.pieces[i]
        k = obs[i][1]
        (a0, c0, _), (a1, c1, _) = pieces[k], pieces[k + 1]
        ends[i] = sorted({a0 * kinks[k] + c0, a1 * kinks[k] + c1})
    tries = 0
    for size in range(1, len(kinked)):
        for chosen in itertools.combinations(kinked, size):
            for values in itertools.product(*(ends[i] for i in chosen)):
                tries += 1
                if tries > 4096:
                    return
                yield dict(zip(chosen, values, strict=True))


def _kinkless(pieces: tuple[tuple[Fraction, ...], tuple[Any, ...]], where: tuple[str, int]) -> tuple[str, int]:
    """A kink where the derivative is continuous (Huber's joints) is no kink: a piece beside it."""
    kind, k = where
    if kind == "kink":
        kink, (a0, c0, _), (a1, c1, _) = pieces[0][k], pieces[1][k], pieces[1][k + 1]
        if a0 * kink + c0 == a1 * kink + c1:
            return "piece", k
    return kind, k


def _system(
    e: _Exact,
    free: list[int],
    sign: dict[int, Fraction],
    obs: list[tuple[str, int]],
    kinked: list[int],
    pinned: dict[int, Fraction],
    fixed: dict[int, Fraction],
    index: dict[tuple[str, int], int],
    multiplier: bool,
) -> tuple[list[list[Fraction]], list[Fraction]]:
    """Stationarity in each free coefficient (and the intercept), each kinked observation on
    its kink, and the constraint holding with equality when its multiplier is an unknown."""
    m = len(index)
    # eta_i = sum_free x_ij w_j + b + const_i: its coefficients over the unknowns.
    etas = []
    for i in range(len(e.y)):
        row = [Q(0)] * m
        for j in free:
            row[index["w", j]] = e.X[i][j]
        if e.intercept:
            row[index["b", 0]] = Q(1)
        etas.append((row, sum(e.X[i][j] * v for j, v in fixed.items())))
    # dl/d eta_i = a eta_i + c on a piece, psi_i on a kink.
    grads = []
    for i, (kind, k) in enumerate(obs):
        if i in pinned:
            grads.append(([Q(0)] * m, pinned[i]))
        elif kind == "kink":
            row = [Q(0)] * m
            row[index["psi", i]] = Q(1)
            grads.append((row, Q(0)))
        else:
            a, c, _ = e.pieces[i][1][k]
            grads.append(([a * v for v in etas[i][0]], a * etas[i][1] + c))
    rows, rhs = [], []
    for j in free:  # sum_i c s_i x_ij g_i + lam (a_j sign_j + q_j w_j) = 0
        row = [sum(e.s[i] * e.X[i][j] * grads[i][0][k] for i in range(len(e.y))) for k in range(m)]
        const = sum(e.s[i] * e.X[i][j] * grads[i][1] for i in range(len(e.y)))
        if multiplier:
            row[index["mu", 0]] += e.a[j] * sign[j]
        elif e.lam is not None:
            row[index["w", j]] += e.lam * e.q[j]
            const += e.lam * e.a[j] * sign[j]
        rows.append(row)
        rhs.append(-const)
    if e.intercept:
        rows.append([sum(e.s[i] * grads[i][0][k] for i in range(len(e.y))) for k in range(m)])
        rhs.append(-sum(e.s[i] * grads[i][1] for i in range(len(e.y))))
    for i in kinked:
        kink = e.pieces[i][0][obs[i][1]]
        rows.append(etas[i][0])
        rhs.append(kink - etas[i][1])
    if multiplier:  # sum a_j |w_j| = t
        row = [Q(0)] * m
        for j in free:
            row[index["w", j]] = e.a[j] * sign[j]
        rows.append(row)
        rhs.append(Q(e.t or 0) - sum(e.a[j] * abs(v) for j, v in fixed.items()))
    return rows, rhs


def _verified(
    e: _Exact,
    coefs: list[tuple[str, Fraction]],
    obs: list[tuple[str, int]],
    w: list[Fraction],
    b: Fraction,
    lam: Fraction,
    psi: dict[int, Fraction],
) -> ExactAnswer:
    """Every optimality condition checked exactly; the answer with its multipliers."""
    n, d = len(e.y), len(w)
    etas = [sum(e.X[i][j] * w[j] for j in range(d)) + b for i in range(n)]
    grads, values = [], []
    for i, (kind, k) in enumerate(obs):
        kinks, pieces = e.pieces[i]
        if kind == "kink":
            (a0, c0, e0), (a1, c1, _) = pieces[k], pieces[k + 1]
            lo, hi = sorted((a0 * kinks[k] + c0, a1 * kinks[k] + c1))
            _holds(lo <= psi[i] <= hi, f"observation {i}'s multiplier is outside its subgradient")
            _holds(etas[i] == kinks[k], f"observation {i} left its kink")
            grads.append(psi[i])
            values.append(a0 * etas[i] ** 2 / 2 + c0 * etas[i] + e0)
        else:
            _holds(
                (k == 0 or etas[i] >= kinks[k - 1]) and (k == len(kinks) or etas[i] <= kinks[k]),
                f"observation {i} left its piece",
            )
            a, c, e0 = pieces[k]
            grads.append(a * etas[i] + c)
            values.append(a * etas[i] ** 2 / 2 + c * etas[i] + e0)
    _holds(not e.intercept or sum(e.s[i] * grads[i] for i in range(n)) == 0, "the intercept is not stationary")
    loss_grad = [sum(e.s[i] * e.X[i][j] * grads[i] for i in range(n)) for j in range(d)]
    lower, upper = _coefficients_hold(e, coefs, w, loss_grad, lam)
    loss = sum(e.s[i] * values[i] for i in range(n))
    penalty = sum(e.a[j] * abs(w[j]) + e.q[j] * w[j] ** 2 / 2 for j in range(d))
    theta = [-e.s[i] * grads[i] for i in range(n)]
    if e.classification:
        theta = [yi * v for yi, v in zip(e.y, theta, strict=True)]  # alpha_i = y_i theta_i
    has_bounds = any(v is not None for v in (*e.lower, *e.upper))
    return ExactAnswer(
        coef=tuple(w),
        intercept=b,
        objective=loss + (e.lam * penalty if e.lam is not None else 0),
        observation_duals=tuple(theta),
        on_kinks=tuple(i for i, (kind, _) in enumerate(obs) if kind == "kink"),
        dual=None if e.lam is not None else lam,
        lower_dual=tuple(lower) if has_bounds else None,
        upper_dual=tuple(upper) if has_bounds else None,
    )


@dataclass
class _Moments:
    """Least squares from summary statistics, as Fractions: ``X'X``, ``X'y``, ``y'y`` and, for
    an intercept, ``n`` and the sums ``1'X``, ``1'y``."""

    gram: list[list[Fraction]]
    xty: list[Fraction]
    yty: Fraction
    n: Fraction
    sx: list[Fraction]
    sy: Fraction
    c: Fraction
    a: list[Fraction]
    q: list[Fraction]
    lam: Fraction | None
    t: Fraction | None
    lower: list[Fraction | None]
    upper: list[Fraction | None]
    intercept: bool


def solve_from_moments(
    problem: Problem, gram: Any, xty: Any, yty: Any, result: Result, *, n: Any = None, means: Any = None
) -> ExactAnswer:
    """The exact minimizer of a least-squares ``problem`` given by its summary statistics, as a
    book prints them: ``X'X``, ``X'y``, ``y'y`` (uncentred) and, for an intercept or the mean
    scale, ``n`` and the means (the d columns', then y's). ``result`` is a floating-point
    solution to take the active set from. There are no rows, so no observation multipliers."""
    if not problem.loss.least_squares:
        raise NotSupportedError(f"No exact answer for {problem!r} from summary statistics: least squares only.")
    if problem.constraints:
        raise NotSupportedError(f"No exact answer for {problem!r}: linear constraints are not handled exactly yet.")
    d = len(xty)
    a, q, lam = _penalty_parts(problem, d)
    constrained = problem.form.param_name == "t"
    if constrained and any(q):
        raise NotSupportedError(f"No exact answer for {problem!r}: the constraint's quadratic part is irrational.")
    needs_n = problem.fit_intercept or problem.loss.scale == "mean"
    if needs_n and (n is None or means is None):
        why = "an intercept or the mean scale needs n and the means"
        raise NotSupportedError(f"No exact answer for {problem!r}: {why}.")
    nq = rational(n) if n is not None else Q(0)
    mq = [rational(v) for v in means] if means is not None else [Q(0)] * (d + 1)
    lower, upper = _bounds(problem, d)
    m = _Moments(
        gram=[[rational(v) for v in row] for row in gram],
        xty=[rational(v) for v in xty], yty=rational(yty), n=nq,
        sx=[nq * v for v in mq[:d]], sy=nq * mq[d], c=Q(1) if problem.loss.scale == "sum" else 1 / nq,
        a=a, q=q, lam=None if constrained else lam, t=rational(problem.form.param_value) if constrained else None,
        lower=lower, upper=upper, intercept=problem.fit_intercept,
    )  # fmt: skip
    w = np.asarray(result.coef, dtype=float)
    why = "no active set made every optimality condition hold exactly"
    for tol in _TOLERANCES:
        try:
            return _moments_on_active_set(m, w, tol)
        except _NotThisSet as exc:
            why = str(exc)
    raise NotSupportedError(f"No exact answer for {problem!r}: {why} (a minimizer that is not unique?).")


def _moments_on_active_set(m: _Moments, w: np.ndarray, tol: float) -> ExactAnswer:
    d = len(m.xty)
    wscale = tol * max(1.0, float(np.max(np.abs(w), initial=0.0)))
    coefs = [_kind_of_coef(m, j, w[j], wscale) for j in range(d)]  # type: ignore[arg-type]
    free = [j for j in range(d) if coefs[j][0] == "free"]
    sign = {j: Q(int(np.sign(w[j]))) for j in free}
    fixed = {j: value for j, (kind, value) in enumerate(coefs) if kind != "free"}
    multiplier = m.lam is None and sum(float(m.a[j]) * abs(w[j]) for j in range(d)) >= float(m.t or 0) - wscale
    names = [("w", j) for j in free] + ([("b", 0)] if m.intercept else []) + ([("mu", 0)] if multiplier else [])
    index = {name: k for k, name in enumerate(names)}
    rows, rhs = [], []
    for j in free:  # c ((G w)_j + sx_j b - xty_j) + lam (a_j sign_j + q_j w_j) = 0
        row = [Q(0)] * len(names)
        for k in free:
            row[index["w", k]] = m.c * m.gram[j][k]
        if m.intercept:
            row[index["b", 0]] = m.c * m.sx[j]
        const = m.c * (sum(m.gram[j][k] * v for k, v in fixed.items()) - m.xty[j])
        if multiplier:
            row[index["mu", 0]] = m.a[j] * sign[j]
        elif m.lam is not None:
            row[index["w", j]] += m.lam * m.q[j]
            const += m.lam * m.a[j] * sign[j]
        rows.append(row)
        rhs.append(-const)
    if m.intercept:  # sx' w + n b = sy
        rows.append([*(m.sx[k] for k in free), m.n, *([Q(0)] if multiplier else [])])
        rhs.append(m.sy - sum(m.sx[k] * v for k, v in fixed.items()))
    if multiplier:
        rows.append([m.a[j] * sign[j] for j in free] + ([Q(0)] if m.intercept else []) + [Q(0)])
        rhs.append(Q(m.t or 0) - sum(m.a[j] * abs(v) for j, v in fixed.items()))
    x = solve_linear(rows, rhs)
    if x is None:
        raise _NotThisSet("the optimality conditions on this active set are singular")
    wq = [x[index["w", j]] if j in sign else fixed[j] for j in range(d)]
    bq = x[index["b", 0]] if m.intercept else Q(0)
    lam = m.lam if m.lam is not None else (x[index["mu", 0]] if multiplier else Q(0))
    _holds(not m.intercept or sum(m.sx[k] * wq[k] for k in range(d)) + m.n * bq == m.sy, "the intercept")
    loss_grad = [m.c * (sum(m.gram[j][k] * wq[k] for k in range(d)) + m.sx[j] * bq - m.xty[j]) for j in range(d)]
    lower, upper = _coefficients_hold(m, coefs, wq, loss_grad, lam)
    wgw = sum(wq[j] * m.gram[j][k] * wq[k] for j in range(d) for k in range(d))
    cross = sum(wq[j] * m.xty[j] for j in range(d)) + bq * m.sy - bq * sum(m.sx[j] * wq[j] for j in range(d))
    rss = m.yty - 2 * cross + wgw + m.n * bq * bq  # ||y - Xw - b||^2 from the sums
    penalty = sum(m.a[j] * abs(wq[j]) + m.q[j] * wq[j] ** 2 / 2 for j in range(d))
    has_bounds = any(v is not None for v in (*m.lower, *m.upper))
    return ExactAnswer(
        coef=tuple(wq), intercept=bq, objective=m.c * rss / 2 + (m.lam * penalty if m.lam is not None else 0),
        observation_duals=(), on_kinks=(), dual=None if m.lam is not None else lam,
        lower_dual=tuple(lower) if has_bounds else None, upper_dual=tuple(upper) if has_bounds else None,
    )  # fmt: skip


def _coefficients_hold(
    e: _Exact | _Moments, coefs: list[tuple[str, Fraction]], w: list[Fraction], loss_grad: list[Fraction], lam: Fraction
) -> tuple[list[Fraction], list[Fraction]]:
    """Each coefficient's condition, exactly, given the loss's gradient: stationary where free,
    inside ``lam a_j [-1, 1]`` at 0, pushing against its bound where held there; the bounds'
    multipliers (the smallest where ``w_j = 0`` leaves a choice). The constraint of the
    constrained form holds, tight when its multiplier is positive."""
    d = len(w)
    _holds(lam >= 0, "the constraint's multiplier is negative")
    lower, upper = [Q(0)] * d, [Q(0)] * d
    for j, (kind, _) in enumerate(coefs):
        G = loss_grad[j] + lam * e.q[j] * w[j]
        slack = lam * e.a[j]
        _holds(e.lower[j] is None or w[j] >= e.lower[j], f"coefficient {j} is below its bound")
        _holds(e.upper[j] is None or w[j] <= e.upper[j], f"coefficient {j} is above its bound")
        if kind == "free":
            _holds(e.a[j] == 0 or lam == 0 or w[j] != 0, f"coefficient {j} reached 0")
            sgn = Q((w[j] > 0) - (w[j] < 0))
            _holds(G + slack * sgn == 0, f"coefficient {j} is not stationary")
        elif kind == "zero":
            _holds(abs(G) <= slack, f"coefficient {j} should leave 0")
        else:  # at a bound: G + slack * xi = mu_lower - mu_upper for some xi in d|w_j|
            xi_lo, xi_hi = (Q(-1), Q(1)) if w[j] == 0 else (Q((w[j] > 0) - (w[j] < 0)),) * 2
            if kind == "lower":
                lower[j] = max(Q(0), G + slack * xi_lo)
                _holds(G + slack * xi_hi >= 0, f"coefficient {j} should leave its lower bound")
            else:
                upper[j] = max(Q(0), -(G + slack * xi_hi))
                _holds(G + slack * xi_lo <= 0, f"coefficient {j} should leave its upper bound")
    if e.lam is None:
        penalty = sum(e.a[j] * abs(w[j]) for j in range(d))
        _holds(penalty <= Q(e.t or 0), "the constraint is violated")
        _holds(lam == 0 or penalty == e.t, "a positive multiplier on a constraint that is not tight")
    return lower, upper


def _holds(condition: bool, what: str) -> None:
    if not condition:
        raise _NotThisSet(what)
