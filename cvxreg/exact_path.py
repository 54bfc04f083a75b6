"""The lasso path exactly: its breakpoints in rationals, and a path written as formulas in lam.

Along the lasso path of ``1/2 sum c s_i (y_i - x_i w - b)^2 + lam sum v_j |w_j|`` the
coefficients are piecewise linear in ``lam``; between two breakpoints the active set and the
signs are fixed and ``w_A(lam) = G_AA^-1 (h_A - lam v_A sign_A)``. The homotopy (LARS with the
lasso modification: Efron, Hastie, Johnstone & Tibshirani 2004, Section 3.1; Osborne, Presnell
& Turlach 2000) walks from ``lambda_max`` down to 0, each breakpoint the largest lam at which an
inactive coefficient's correlation reaches ``lam v_j`` or an active coefficient reaches 0. In
``fractions`` every breakpoint and coefficient is exact, so a book's
``beta_1(lam) = (35 - lam/2)/16 for lam <= 70`` is checked as the formula it is.
"""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from cvxreg._protocol import supports
from cvxreg._rational import as_text, dense_for_exact, rational, solve_linear
from cvxreg.errors import InvalidParameterError, NotSupportedError
from cvxreg.problem import Problem

__all__ = ["ExactPath", "Formula", "exact_lasso_path", "parse_formula"]

Q = Fraction


@dataclass(frozen=True)
class ExactPath:
    """The lasso path: ``knots`` from ``lambda_max`` down to 0, each ``(lam, coef, intercept)``;
    linear in lam between consecutive knots, and ``coef = 0`` above ``lambda_max``."""

    knots: tuple[tuple[Fraction, tuple[Fraction, ...], Fraction], ...]

    @property
    def breakpoints(self) -> tuple[Fraction, ...]:
        """The lams where the active set changes (``lambda_max`` first; 0 is the path's end)."""
        return tuple(lam for lam, _, _ in self.knots if lam > 0)

    def at(self, lam: Fraction) -> tuple[tuple[Fraction, ...], Fraction]:
        """``(coef, intercept)`` at ``lam >= 0``, exactly."""
        top = self.knots[0]
        if lam >= top[0]:
            return top[1], top[2]
        for (hi, w_hi, b_hi), (lo, w_lo, b_lo) in zip(self.knots, self.knots[1:], strict=False):
            if lo <= lam <= hi:
                f = (lam - lo) / (hi - lo)
                return tuple(a + f * (c - a) for a, c in zip(w_lo, w_hi, strict=True)), b_lo + f * (b_hi - b_lo)
        raise InvalidParameterError(f"lam must be >= 0; got {lam}.")


def exact_lasso_path(problem: Problem, X: Any, y: Any, sample_weight: Any = None) -> ExactPath:
    """The exact lasso path of ``problem``'s loss and L1 penalty on ``(X, y)`` (its lam is not
    used). ``NotSupportedError`` for another loss or penalty, bounds or constraints, or where the
    path is not unique (an active set with linearly dependent columns)."""
    terms = problem.penalty.parts()
    ok = problem.loss.least_squares and len(terms) == 1 and supports(type(terms[0]), "quadratic_parts")
    if not ok or problem.bounds is not None or problem.constraints or problem.form.param_name != "lam":
        raise NotSupportedError(f"No exact lasso path for {problem!r}: squared loss, L1, penalized, no bounds.")
    checked = problem.check_data(X, y, sample_weight, owner="exact_lasso_path")
    X = dense_for_exact(checked.X, "exact_lasso_path")
    y, sample_weight = checked.y, checked.sample_weight
    n, d = X.shape
    a, q = terms[0].quadratic_parts(d)
    if np.any(q != 0):
        raise NotSupportedError(f"No exact lasso path for {problem!r}: the penalty has a quadratic part.")
    v = [rational(x) for x in a]
    s = [Q(1)] * n if sample_weight is None else [rational(x) for x in np.asarray(sample_weight, dtype=float)]
    c = Q(1) if problem.loss.scale == "sum" else 1 / sum(s)
    Xq = [[rational(x) for x in row] for row in X]
    yq = [rational(x) for x in np.asarray(y, dtype=float).ravel()]
    xbar, ybar = [Q(0)] * d, Q(0)
    if problem.fit_intercept:  # b = ybar - xbar' w: the path of the centred problem
        total = sum(s)
        xbar = [sum(s[i] * Xq[i][j] for i in range(n)) / total for j in range(d)]
        ybar = sum(s[i] * yq[i] for i in range(n)) / total
    Xc = [[Xq[i][j] - xbar[j] for j in range(d)] for i in range(n)]
    yc = [yq[i] - ybar for i in range(n)]
    G = [[c * sum(s[i] * Xc[i][j] * Xc[i][k] for i in range(n)) for k in range(d)] for j in range(d)]
    h = [c * sum(s[i] * Xc[i][j] * yc[i] for i in range(n)) for j in range(d)]
    knots = [(lam, w, ybar - sum(xj * wj for xj, wj in zip(xbar, w, strict=True))) for lam, w in _homotopy(G, h, v)]
    return ExactPath(tuple(knots))


def _solve_on(G: list[list[Fraction]], rhs: list[Fraction], active: list[int]) -> list[Fraction]:
    found = solve_linear([[G[j][k] for k in active] for j in active], [rhs[j] for j in active])
    if found is None:
        raise NotSupportedError("No exact lasso path: an active set's columns are linearly dependent (not unique).")
    return found


def _homotopy(G: list[list[Fraction]], h: list[Fraction], v: list[Fraction]) -> list[tuple[Fraction, list[Fraction]]]:
    """The knots ``(lam, w)`` of the path of ``1/2 w'Gw - h'w + lam sum v_j |w_j|``."""
    d = len(h)
    free = [j for j in range(d) if v[j] == 0]
    sign = {j: Q(0) for j in free}
    base = _solve_on(G, h, free) if free else []
    rho = [h[j] - sum(G[j][k] * base[i] for i, k in enumerate(free)) for j in range(d)]
    ratios = {j: abs(rho[j]) / v[j] for j in range(d) if v[j] != 0}
    lam = max(ratios.values(), default=Q(0))
    w = [Q(0)] * d
    for i, k in enumerate(free):
        w[k] = base[i]
    knots = [(lam, w)]
    for j, r in ratios.items():
        if r == lam and lam > 0:
            sign[j] = Q(1) if rho[j] > 0 else Q(-1)
    for _ in range(10 * d + 10):  # each step joins or drops at least one coefficient
        if lam == 0:
            break
        active = sorted(sign)
        alpha = _solve_on(G, h, active)
        beta = _solve_on(G, [v[j] * sign.get(j, Q(0)) for j in range(d)], active)
        lam, joins, leaves = _next_event(G, h, v, sign, active, alpha, beta, lam)
        w = [Q(0)] * d
        for i, k in enumerate(active):
            w[k] = alpha[i] - lam * beta[i]
        knots.append((lam, w))
        for j in leaves:
            del sign[j]
            w[j] = Q(0)
        sign.update(joins)
    return knots


def _next_event(
    G: list[list[Fraction]],
    h: list[Fraction],
    v: list[Fraction],
    sign: dict[int, Fraction],
    active: list[int],
    alpha: list[Fraction],
    beta: list[Fraction],
    lam: Fraction,
) -> tuple[Fraction, dict[int, Fraction], list[int]]:
    """The next breakpoint below ``lam``, the coefficients that join there (with their signs)
    and those that reach 0."""
    candidates: list[tuple[Fraction, str, int, Fraction]] = []
    for j in range(len(h)):
        if j in sign:
            continue
        p = h[j] - sum(G[j][k] * alpha[i] for i, k in enumerate(active))
        r = sum(G[j][k] * beta[i] for i, k in enumerate(active))  # rho_j(l) = p + l r
        for side in (Q(1), Q(-1)):  # p + l r = side l v_j
            if side * v[j] - r != 0:
                at = p / (side * v[j] - r)
                if 0 <= at < lam:
                    candidates.append((at, "join", j, side))
    for i, k in enumerate(active):
        if v[k] != 0 and beta[i] != 0:  # w_k(l) = alpha - l beta = 0
            at = alpha[i] / beta[i]
            if 0 <= at < lam:
                candidates.append((at, "leave", k, Q(0)))
    nxt = max((c[0] for c in candidates), default=Q(0))
    joins = {j: side for at, kind, j, side in candidates if at == nxt and kind == "join"}
    leaves = [j for at, kind, j, _ in candidates if at == nxt and kind == "leave"]
    return nxt, joins, leaves


# ------------------------------------------------------------------------------------- formulas
@dataclass(frozen=True)
class Formula:
    """An arithmetic formula in one variable (the path's lam), evaluated exactly."""

    text: str
    tree: ast.expr

    def __call__(self, lam: Fraction) -> Fraction:
        return _evaluate(self.tree, lam)


_OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b}


def _evaluate(node: ast.expr, lam: Fraction) -> Fraction:
    if isinstance(node, ast.Constant):
        return rational(node.value)
    if isinstance(node, ast.Name):
        return lam
    if isinstance(node, ast.UnaryOp):
        inner = _evaluate(node.operand, lam)
        return -inner if isinstance(node.op, ast.USub) else inner
    assert isinstance(node, ast.BinOp)
    left, right = _evaluate(node.left, lam), _evaluate(node.right, lam)
    if isinstance(node.op, ast.Div):
        if right == 0:
            raise InvalidParameterError("The formula divides by 0.")
        return left / right
    return _OPS[type(node.op)](left, right)


def parse_formula(text: Any, where: str) -> Formula:
    """``"(35 - lam/2)/16"``: numbers, one variable (any name: ``lam``, ``λ``, ``gamma``), ``+ - * /``
    and brackets. ``InvalidParameterError`` naming ``where`` for anything else."""
    allowed = "a formula in lam of numbers, + - * / and brackets, e.g. '(35 - lam/2)/16'"
    if isinstance(text, int | float) and not isinstance(text, bool):
        text = repr(text)
    if not isinstance(text, str) or len(text) > 500:
        raise InvalidParameterError(f"{where} must be {allowed}; got {text!r}.")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise InvalidParameterError(f"{where} must be {allowed}; got {text!r}.") from None
    names = set()
    for node in ast.walk(tree):
        ok = isinstance(node, ast.BinOp | ast.UnaryOp | ast.Name | ast.Load | ast.operator | ast.unaryop)
        ok = ok or (isinstance(node, ast.Constant) and type(node.value) in (int, float))
        if isinstance(node, ast.BinOp) and not isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
            ok = False
        if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.UAdd | ast.USub):
            ok = False
        if not ok:
            raise InvalidParameterError(f"{where} must be {allowed}; got {text!r}.")
        if isinstance(node, ast.Name):
            names.add(node.id)
    if len(names) > 1:
        raise InvalidParameterError(f"{where} must use one variable (the path's lam); got {sorted(names)}.")
    return Formula(text, tree)


def read_pieces(value: Any, d: int, where: str) -> tuple[dict[str, Any], ...]:
    """``path_formula``: ``[{ from = ..., to = ... (or "inf"), coef = [d formulas], intercept }]``."""
    allowed = f"a list of tables {{ from = ..., to = ..., coef = [{d} formulas in lam], intercept = ... }}"
    if not isinstance(value, list) or not value or not all(isinstance(p, dict) for p in value):
        raise InvalidParameterError(f"{where} must be {allowed}; got {value!r}.")
    out = []
    for k, piece in enumerate(value):
        at = f"{where}[{k}]"
        coef = piece.get("coef")
        if set(piece) - {"from", "to", "coef", "intercept"} or not isinstance(coef, list) or len(coef) != d:
            shape = f"{{ from, to, coef = [{d} formulas], intercept }}"
            raise InvalidParameterError(f"{at} must be {shape}; got {piece!r}.")
        lo = rational(piece.get("from", 0))
        hi = None if str(piece.get("to", "inf")).strip() == "inf" else rational(piece["to"])
        if lo < 0 or (hi is not None and hi <= lo):
            raise InvalidParameterError(f"{at}: from and to must satisfy 0 <= from < to; got {lo}, {hi}.")
        out.append(
            {
                "from": lo,
                "to": hi,
                "coef": [parse_formula(f, f"{at}.coef[{j}]") for j, f in enumerate(coef)],
                "intercept": None if "intercept" not in piece else parse_formula(piece["intercept"], f"{at}.intercept"),
            }
        )
    return tuple(out)


def mismatch(path: ExactPath, pieces: tuple[dict[str, Any], ...], lam_factor: Fraction) -> str | None:
    """Where the formulas differ from the exact path (None: nowhere). ``lam_factor`` turns the
    formulas' lam into cvxreg's. Both are linear between consecutive points of the breakpoints
    and the pieces' ends, so agreement at each such point and at two points between is equality."""
    top = path.knots[0][0]
    covered = sorted((p["from"] * lam_factor, top if p["to"] is None else p["to"] * lam_factor) for p in pieces)
    reach = Q(0)
    for lo, hi in covered:
        if lo > reach:
            break
        reach = max(reach, hi)
    if reach < top:
        return f"the formulas cover lam only up to {as_text(reach / lam_factor)}, not the whole path (to lambda_max)"
    for p in pieces:
        lo = p["from"] * lam_factor
        hi = max(top, lo + 1) if p["to"] is None else p["to"] * lam_factor
        points = sorted({lo, hi, *(b for b in path.breakpoints if lo < b < hi)})
        between = (a + (b - a) * f for a, b in itertools.pairwise(points) for f in (Q(1, 3), Q(2, 3)))
        probes = [*points, *between]
        for lam in probes:
            w, b = path.at(lam)
            said = [f(lam / lam_factor) for f in p["coef"]]
            if said != list(w) or (p["intercept"] is not None and p["intercept"](lam / lam_factor) != b):
                return (f"at lam = {as_text(lam / lam_factor)} the formulas give {[as_text(v) for v in said]}, "
                        f"the path {[as_text(v) for v in w]}")  # fmt: skip
    return None
