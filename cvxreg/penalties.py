"""Regularizers ``R(w)``: CVXPY expression, NumPy value and dual norm side by side.

``dual_norm(z)`` is the gauge of the subdifferential at zero, ``inf{lam : z in lam*dR(0)}``:
for a norm it is the dual norm, and ``dual_norm(X.T @ y)`` is the smallest ``lam`` whose
penalized solution is ``w = 0`` (lam_max). For penalties that never give ``w = 0``
(ridge, ``LpPower(p > 1)``) it is ``inf`` unless ``z = 0``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import cvxpy as cp
import numpy as np

from cvxreg._validation import check_factors, check_p, check_real, fmt_number, invalid
from cvxreg.errors import InvalidParameterError, NotSupportedError

__all__ = [
    "L0",
    "L1",
    "L2",
    "CustomPenalty",
    "ElasticNet",
    "GroupLasso",
    "Linf",
    "Lp",
    "LpPower",
    "Penalty",
    "SquaredL2",
    "TotalVariation",
]

_NONCONVEX_P = (
    "For p < 1 the function {what} is concave, not convex: its ball is not a convex set, so "
    "the problem has local minima that no convex solver can rule out. Use p = 1 (L1()) for "
    "sparsity; if non-convexity is really wanted, a reweighted-L1 heuristic (a sequence of "
    "weighted L1 problems, L1(factors=1/(|w|+eps))) approximates it."
)


def _cvxpy_p(p: float) -> Fraction | float:
    """The exponent CVXPY really uses for ``pnorm``/``power``: 1/p rounded to denominator 1024."""
    if math.isinf(p) or p <= 1:
        return p
    inv = Fraction(1 / Fraction(p)).limit_denominator(1024)
    return math.inf if inv == 0 else 1 / inv  # p > 2048 rounds to 1/p = 0, i.e. p = inf


class Penalty:
    """Base class for ``R(w)``. Subclasses define ``expr``, ``value`` and ``dual_norm``."""

    #: True when ``R`` is a norm (or seminorm): positively homogeneous of degree one.
    is_norm: bool = False
    #: True when ``R(w) = sum_j r_j(w_j)`` (penalty factors make sense).
    separable: bool = False

    factors: np.ndarray | None = None

    def expr(self, w: cp.Expression) -> cp.Expression:
        """The CVXPY expression of ``R(w)``."""
        raise NotImplementedError

    def value(self, w: np.ndarray) -> float:
        """The NumPy value of ``R(w)``."""
        raise NotImplementedError

    def dual_norm(self, z: np.ndarray) -> float:
        """``inf{lam >= 0 : z in lam * dR(0)}``; lam_max is ``dual_norm(X.T @ y)``."""
        raise NotImplementedError

    def nonconvex_reason(self) -> str | None:
        """Why this penalty is not convex, when it is known in advance (else None)."""
        return None

    def placeholder_dim(self) -> int:
        """A coefficient count at which the DCP gate can build the expression before data."""
        return 3 if self.factors is None else len(self.factors)

    def check_dim(self, d: int) -> None:
        """Raise when this penalty cannot apply to ``d`` coefficients."""
        if self.factors is not None and len(self.factors) != d:
            raise invalid(
                "factors",
                type(self).__name__,
                f"of length {d} (one per column of X)",
                f"length {len(self.factors)}",
                raw=True,
            )

    # -- penalty factors (separable penalties) -------------------------------------------
    def _v(self, d: int) -> np.ndarray:
        return np.ones(d) if self.factors is None else np.asarray(self.factors)

    def _params(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        parts = []
        for key, val in self._params().items():
            if key == "":
                parts.append(val)
            elif isinstance(val, np.ndarray):
                parts.append(f"{key}={np.round(val, 12).tolist()!r}")
            else:
                parts.append(f"{key}={val}")
        if self.factors is not None:
            parts.append(f"factors={np.round(self.factors, 12).tolist()!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and repr(self) == repr(other)

    def __hash__(self) -> int:
        return hash(repr(self))


def _weighted_max(z: np.ndarray, v: np.ndarray) -> float:
    """``max_j |z_j| / v_j`` over ``v_j > 0``: unpenalized coordinates are assumed fitted."""
    z = np.abs(np.asarray(z, dtype=float))
    keep = v > 0
    return float(np.max(z[keep] / v[keep])) if np.any(keep) else 0.0


class L1(Penalty):
    """``R(w) = sum_j v_j |w_j|`` (lasso); ``v`` are penalty factors, all ones by default.

    scikit-learn ``Lasso(alpha)`` is ``SquaredLoss(scale="mean")`` + ``L1()`` at ``lam = alpha``.
    """

    is_norm = True
    separable = True

    def __init__(self, *, factors: Any = None) -> None:
        self.factors = check_factors(factors, "L1")

    def expr(self, w: cp.Expression) -> cp.Expression:
        if self.factors is None:
            return cp.norm1(w)
        return cp.norm1(cp.multiply(self.factors, w))

    def value(self, w: np.ndarray) -> float:
        return float(np.sum(self._v(len(w)) * np.abs(w)))

    def dual_norm(self, z: np.ndarray) -> float:
        return _weighted_max(z, self._v(len(z)))


class SquaredL2(Penalty):
    """``R(w) = 1/2 * sum_j v_j w_j^2`` (ridge, Tikhonov); ``v`` are penalty factors.

    scikit-learn ``Ridge(alpha)`` is ``SquaredLoss()`` + ``SquaredL2()`` at ``lam = alpha``.
    """

    separable = True

    def __init__(self, *, factors: Any = None) -> None:
        self.factors = check_factors(factors, "SquaredL2")

    def expr(self, w: cp.Expression) -> cp.Expression:
        if self.factors is None:
            return 0.5 * cp.sum_squares(w)
        return 0.5 * cp.sum_squares(cp.multiply(np.sqrt(self.factors), w))

    def value(self, w: np.ndarray) -> float:
        return float(0.5 * np.sum(self._v(len(w)) * np.asarray(w) ** 2))

    def dual_norm(self, z: np.ndarray) -> float:
        v = self._v(len(z))
        return 0.0 if not np.any(np.asarray(z)[v > 0]) else math.inf


class Lp(Penalty):
    """``R(w) = ||w||_p = (sum_j |w_j|^p)^(1/p)``, convex for ``p >= 1``; ``p`` may be ``inf``.

    For p other than 1, 2 and inf CVXPY replaces p by a rational number (1/p rounded to
    denominator 1024; ``p_used`` holds it) and adds power cones. A p so close to 1 that this
    rounding gives 1 is solved as the L1 norm, and a p above 2048 (1/p rounds to 0) as the
    L-infinity norm: that is what CVXPY's rounding means, and its own atoms fail there.
    For 0 < p < 1 the object can be built but ``Problem`` rejects it (not convex).
    """

    is_norm = True

    def __init__(self, p: Any) -> None:
        self.p = check_p(p, "Lp")
        self.p_used = _cvxpy_p(self.p)
        #: The exponent this penalty means: p, except where CVXPY's rounding makes it 1 or inf.
        self.p_eff = float(self.p_used) if self.p_used in (1, math.inf) else self.p

    def _params(self) -> dict[str, Any]:
        return {"": fmt_number(self.p)}

    def nonconvex_reason(self) -> str | None:
        if self.p < 1:
            return _NONCONVEX_P.format(what=f"||w||_p with p = {self.p:g}")
        return None

    def expr(self, w: cp.Expression) -> cp.Expression:
        if self.p_used == 1:
            return cp.norm1(w)
        if math.isinf(self.p_used):
            return cp.norm_inf(w)
        if self.p == 2:
            return cp.norm2(w)
        # p < 1 builds CVXPY's concave atom on purpose: the DCP gate must see it and refuse.
        return cp.pnorm(w, self.p)

    def value(self, w: np.ndarray) -> float:
        w = np.asarray(w, dtype=float)
        if self.p < 1:  # a quasi-norm: numpy's ord= accepts it, the formula is the same
            return float(np.sum(np.abs(w) ** self.p) ** (1 / self.p))
        return float(np.linalg.norm(w, ord=self.p_eff))

    def dual_norm(self, z: np.ndarray) -> float:
        if self.p < 1:
            raise NotSupportedError(f"{self!r} is not convex; it has no dual norm.")
        p = self.p_eff
        q = math.inf if p == 1 else (1.0 if math.isinf(p) else p / (p - 1))
        return float(np.linalg.norm(np.asarray(z, dtype=float), ord=q))


class L2(Lp):
    """``R(w) = ||w||_2`` (the norm itself, not squared; see ``SquaredL2`` for ridge)."""

    def __init__(self) -> None:
        super().__init__(2)

    def _params(self) -> dict[str, Any]:
        return {}


class Linf(Lp):
    """``R(w) = ||w||_inf = max_j |w_j|``."""

    def __init__(self) -> None:
        super().__init__(math.inf)

    def _params(self) -> dict[str, Any]:
        return {}


class LpPower(Penalty):
    """``R(w) = 1/p * sum_j v_j |w_j|^p`` for ``p >= 1`` (``LpPower(2)`` equals ``SquaredL2()``).

    Separable, so it takes penalty factors ``v``. For 0 < p < 1 the object can be built
    but ``Problem`` rejects it (not convex).
    """

    separable = True

    def __init__(self, p: Any, *, factors: Any = None) -> None:
        p = check_p(p, "LpPower")
        if math.isinf(p):
            raise invalid("p", "LpPower", "a finite real number >= 1 (use Linf() for p = inf)", p)
        self.p = p
        self.p_used = _cvxpy_p(p)
        if math.isinf(self.p_used):
            raise invalid("p", "LpPower", "a real number in [1, 2048] (CVXPY cannot represent larger powers)", p)
        self.factors = check_factors(factors, "LpPower")

    def _params(self) -> dict[str, Any]:
        return {"": fmt_number(self.p)}

    def nonconvex_reason(self) -> str | None:
        if self.p < 1:
            return _NONCONVEX_P.format(what=f"sum |w_j|^p with p = {self.p:g}")
        return None

    def expr(self, w: cp.Expression) -> cp.Expression:
        if self.p == 1:
            terms = cp.abs(w)
        elif self.p == 2:
            terms = cp.square(w)
        else:
            terms = cp.power(cp.abs(w), self.p)
        if self.factors is not None:
            terms = cp.multiply(self.factors, terms)
        return cp.sum(terms) / self.p

    def value(self, w: np.ndarray) -> float:
        return float(np.sum(self._v(len(w)) * np.abs(w) ** self.p) / self.p)

    def dual_norm(self, z: np.ndarray) -> float:
        v = self._v(len(z))
        if self.p == 1:
            return _weighted_max(z, v)
        return 0.0 if not np.any(np.asarray(z)[v > 0]) else math.inf


class ElasticNet(Penalty):
    """``R(w) = l1_ratio * sum_j v_j |w_j| + (1 - l1_ratio)/2 * sum_j v_j w_j^2``.

    scikit-learn ``ElasticNet(alpha, l1_ratio)`` and glmnet (gaussian, ``standardize=FALSE``,
    ``lambda = alpha``) are ``SquaredLoss(scale="mean")`` + ``ElasticNet(l1_ratio)`` at
    ``lam = alpha``. The seed form ``lam1*||w||_1 + lam2*||w||_2^2`` is
    ``lam = lam1 + 2*lam2``, ``l1_ratio = lam1 / (lam1 + 2*lam2)``.
    """

    separable = True

    def __init__(self, l1_ratio: float = 0.5, *, factors: Any = None) -> None:
        self.l1_ratio = check_real(l1_ratio, "l1_ratio", "ElasticNet", lo=0.0, hi=1.0)
        self.factors = check_factors(factors, "ElasticNet")

    def _params(self) -> dict[str, Any]:
        return {"": fmt_number(self.l1_ratio)}

    def expr(self, w: cp.Expression) -> cp.Expression:
        a = self.l1_ratio
        if self.factors is None:
            return a * cp.norm1(w) + (1 - a) / 2 * cp.sum_squares(w)
        v = self.factors
        return a * cp.norm1(cp.multiply(v, w)) + (1 - a) / 2 * cp.sum_squares(cp.multiply(np.sqrt(v), w))

    def value(self, w: np.ndarray) -> float:
        v, a, w = self._v(len(w)), self.l1_ratio, np.asarray(w, dtype=float)
        return float(a * np.sum(v * np.abs(w)) + (1 - a) / 2 * np.sum(v * w**2))

    def dual_norm(self, z: np.ndarray) -> float:
        if self.l1_ratio == 0:
            return SquaredL2(factors=self.factors).dual_norm(z)
        return _weighted_max(z, self._v(len(z))) / self.l1_ratio


def _parse_groups(groups: Any) -> tuple[tuple[int, ...], ...]:
    """Groups as index lists, from either a list of index lists or one label per coefficient."""
    allowed = "a list of index lists, or one group label per coefficient, forming a partition"
    if isinstance(groups, str | bytes) or not isinstance(groups, Sequence | np.ndarray):
        raise invalid("groups", "GroupLasso", allowed, groups)
    items = list(groups)
    if not items:
        raise invalid("groups", "GroupLasso", allowed, groups)
    if all(isinstance(g, Sequence | np.ndarray) and not isinstance(g, str) for g in items):
        out = []
        for g in items:
            idx = list(g)
            if not idx or not all(isinstance(i, int | np.integer) and not isinstance(i, bool) and i >= 0 for i in idx):
                raise invalid("groups", "GroupLasso", allowed + " of non-empty lists of indices >= 0", g)
            out.append(tuple(int(i) for i in idx))
    else:
        labels = items
        if any(isinstance(g, Sequence | np.ndarray) and not isinstance(g, str) for g in labels):
            raise invalid("groups", "GroupLasso", allowed, "a mix of lists and labels", raw=True)
        order: dict[Any, list[int]] = {}
        for j, lab in enumerate(labels):
            order.setdefault(lab, []).append(j)
        out = [tuple(v) for v in order.values()]
    flat = [i for g in out for i in g]
    if len(flat) != len(set(flat)):
        dup = sorted({i for i in flat if flat.count(i) > 1})[:5]
        raise invalid("groups", "GroupLasso", allowed, f"indices {dup} in more than one group", raw=True)
    return tuple(out)


class GroupLasso(Penalty):
    """``R(w) = sum_g c_g ||w_g||_2`` with ``c_g = sqrt(|g|)`` unless ``weights`` are given.

    ``groups`` partitions the coefficients: a list of index lists (``[[0, 1], [2]]``) or one
    label per coefficient (``[0, 0, 1]``).
    """

    is_norm = True

    def __init__(self, groups: Any, weights: Any = None) -> None:
        self.groups = _parse_groups(groups)
        if weights is None:
            self.weights = np.sqrt([len(g) for g in self.groups])
        else:
            w = check_factors(weights, "GroupLasso")
            assert w is not None
            if len(w) != len(self.groups):
                raise invalid(
                    "weights",
                    "GroupLasso",
                    f"None or {len(self.groups)} numbers >= 0 (one per group)",
                    f"{len(w)} weights",
                    raw=True,
                )
            self.weights = w
        self._custom_weights = weights is not None

    def _params(self) -> dict[str, Any]:
        out: dict[str, Any] = {"groups": repr([list(g) for g in self.groups])}
        if self._custom_weights:
            out["weights"] = repr(np.round(self.weights, 12).tolist())
        return out

    def placeholder_dim(self) -> int:
        return 1 + max(i for g in self.groups for i in g)

    def check_dim(self, d: int) -> None:
        covered = sorted(i for g in self.groups for i in g)
        if covered != list(range(d)):
            missing = sorted(set(range(d)) - set(covered))[:5]
            extra = sorted(set(covered) - set(range(d)))[:5]
            got = f"missing indices {missing}" if missing else f"indices {extra} beyond {d - 1}"
            raise invalid(
                "groups",
                "GroupLasso",
                f"a partition of the {d} coefficients 0..{d - 1}",
                got,
                raw=True,
            )

    def expr(self, w: cp.Expression) -> cp.Expression:
        return cp.sum([c * cp.norm2(w[list(g)]) for c, g in zip(self.weights, self.groups, strict=True)])

    def value(self, w: np.ndarray) -> float:
        w = np.asarray(w, dtype=float)
        return float(sum(c * np.linalg.norm(w[list(g)]) for c, g in zip(self.weights, self.groups, strict=True)))

    def dual_norm(self, z: np.ndarray) -> float:
        z = np.asarray(z, dtype=float)
        vals = [np.linalg.norm(z[list(g)]) / c for c, g in zip(self.weights, self.groups, strict=True) if c > 0]
        return float(max(vals)) if vals else 0.0


class TotalVariation(Penalty):
    """``R(w) = sum_j |w_{j+1} - w_j|`` (fused lasso, 1-D total variation).

    A seminorm: constant vectors cost nothing, so large ``lam`` gives a constant ``w``, not
    zero. ``dual_norm(z)`` is ``max_k |z_1 + ... + z_k|`` when ``sum(z) = 0``, else ``inf``.
    """

    is_norm = True

    def expr(self, w: cp.Expression) -> cp.Expression:
        if w.size < 2:
            return cp.Constant(0.0)
        return cp.norm1(cp.diff(w))

    def value(self, w: np.ndarray) -> float:
        return float(np.sum(np.abs(np.diff(np.asarray(w, dtype=float)))))

    def dual_norm(self, z: np.ndarray) -> float:
        z = np.asarray(z, dtype=float)
        c = np.cumsum(z)
        if abs(c[-1]) > 1e-10 * max(1.0, float(np.sum(np.abs(z)))):
            return math.inf
        return float(np.max(np.abs(c[:-1]))) if len(c) > 1 else 0.0


class L0(Penalty):
    """``R(w) = ||w||_0``, the number of nonzero coefficients (best-subset selection).

    Not convex, and it has no CVXPY expression at all: ``Problem`` refuses it in either form
    with ``DCPError``. It exists so that the refusal can say why and what to use instead.
    """

    separable = True

    def nonconvex_reason(self) -> str | None:
        return (
            "||w||_0 counts nonzero coefficients: it is not convex (its ball {w : ||w||_0 <= k} is a "
            "union of coordinate subspaces) and best-subset selection is NP-hard in general, so no "
            "convex solver can certify a minimum. Use L1() (the lasso, its convex relaxation), or a "
            "mixed-integer solver outside cvxreg if the exact subset is needed."
        )

    def expr(self, w: cp.Expression) -> cp.Expression:
        from cvxreg.errors import DCPError

        raise DCPError(f"L0() cannot be built as a convex problem. {self.nonconvex_reason()}")

    def value(self, w: np.ndarray) -> float:
        return float(np.count_nonzero(np.asarray(w)))

    def dual_norm(self, z: np.ndarray) -> float:
        raise NotSupportedError("L0() is not convex; it has no dual norm.")


class CustomPenalty(Penalty):
    """``R(w) = fn(w)`` for any function building a scalar CVXPY expression from ``w``.

    The DCP gate judges ``fn(w)`` like any built-in penalty: a non-convex ``fn`` is refused.
    ``value`` evaluates the same expression on a constant; ``dual_norm`` is not available.
    """

    def __init__(self, fn: Callable[[cp.Expression], cp.Expression], *, name: str | None = None) -> None:
        if not callable(fn):
            raise invalid("fn", "CustomPenalty", "a callable mapping a CVXPY variable to a scalar expression", fn)
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "fn")

    def _params(self) -> dict[str, Any]:
        return {"": self.name}

    def expr(self, w: cp.Expression) -> cp.Expression:
        try:
            out = self.fn(w)
        except Exception as exc:
            raise InvalidParameterError(
                f"The 'fn' parameter of CustomPenalty must build a CVXPY expression from w; "
                f"calling {self.name} on a variable of shape {w.shape} raised {type(exc).__name__}: {exc}."
            ) from exc
        if not isinstance(out, cp.Expression):
            out = cp.Constant(out) if np.isscalar(out) else out
        if not isinstance(out, cp.Expression) or out.size != 1:
            raise invalid(
                "fn",
                "CustomPenalty",
                "a callable returning a scalar CVXPY expression",
                f"{type(out).__name__} from {self.name}",
                raw=True,
            )
        return cp.reshape(out, (), order="F") if out.shape != () else out

    def value(self, w: np.ndarray) -> float:
        return float(self.expr(cp.Constant(np.asarray(w, dtype=float))).value)

    def dual_norm(self, z: np.ndarray) -> float:
        raise NotSupportedError(f"{self!r} has no known dual norm, so lam_max is not available.")
