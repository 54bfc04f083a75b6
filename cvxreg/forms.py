"""How the penalty enters: added with weight ``lam`` (``Penalized``), or bounded by ``t``
(``Constrained``). Each form assembles its CVXPY model and answers, for the reference layer,
the questions that depend on it (its closed form, its dual, its Lagrangian twin).

Box bounds ``lower <= w <= upper`` are constraints too; ``box_constraints`` builds them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import cvxpy as cp
import numpy as np

from cvxreg._validation import check_real, fmt_number, invalid
from cvxreg.errors import InvalidParameterError, NotSupportedError
from cvxreg.penalties import Penalty

__all__ = ["Constrained", "Equality", "Form", "Inequality", "LinearConstraint", "Penalized", "box_constraints"]


def _param(value: Any, name: str, owner: str) -> Any:
    """A number >= 0 (a float), or several (a read-only array, one per term of a ``Composite``)."""
    allowed = "a finite number >= 0, or a list of them (one per term of a Composite penalty)"
    try:
        ndim = np.ndim(value)
    except ValueError:  # ragged nesting
        raise invalid(name, owner, allowed, value) from None
    if ndim == 0:
        return check_real(value, name, owner, lo=0.0)
    try:
        out = np.array([check_real(v, name, owner, lo=0.0) for v in value], dtype=float)
    except (TypeError, InvalidParameterError):
        raise invalid(name, owner, allowed, value) from None
    if out.ndim != 1 or out.size == 0:
        raise invalid(name, owner, allowed, value)
    out.setflags(write=False)
    return out


class Form:
    """Base class. ``param_value`` is the number that becomes a ``cvxpy.Parameter(nonneg=True)``
    named ``param_name``: a float, or an array of one per term of a ``Composite`` penalty."""

    param_name: str = ""
    param_value: Any

    def __repr__(self) -> str:
        v = self.param_value
        text = fmt_number(v) if np.ndim(v) == 0 else f"[{', '.join(fmt_number(x) for x in v)}]"
        return f"{type(self).__name__}({self.param_name}={text})"

    def _key(self) -> tuple[Any, ...]:
        return (type(self).__name__, *np.atleast_1d(self.param_value).tolist(), np.ndim(self.param_value))

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._key())

    @property
    def size(self) -> int:
        """How many parameters: 1, or the number of terms of a ``Composite`` penalty."""
        return int(np.size(self.param_value))

    def multiplier(self, dual_value: Any) -> Any:
        """The multiplier(s) of the penalty's constraint from CVXPY's ``dual_value``: a float, or
        an array with one per term of a Composite; NaN where the solver gave none."""
        found = np.full(self.size, math.nan) if dual_value is None else np.asarray(dual_value, dtype=float).ravel()
        return found.copy() if np.ndim(self.param_value) else float(found[0])

    def parameter(self) -> cp.Parameter:
        """The ``cvxpy.Parameter(nonneg=True)`` holding ``param_value``."""
        shape = np.shape(self.param_value)
        return cp.Parameter(shape, nonneg=True, name=self.param_name, value=self.param_value)

    def with_value(self, value: float) -> Form:
        """The same form at another parameter value."""
        return type(self)(value)  # type: ignore[call-arg]

    # -- model ------------------------------------------------------------------------------
    def assemble(
        self, fit: cp.Expression, penalty: cp.Expression, param: cp.Parameter
    ) -> tuple[cp.Expression, list[cp.Constraint], cp.Constraint | None]:
        """``(objective, constraints, the penalty's constraint or None)``."""
        raise NotSupportedError(f"{type(self).__name__} does not define this.")

    def is_convex(self, penalty: cp.Expression) -> bool:
        """Whether this form of the built penalty is convex by CVXPY's DCP rules."""
        raise NotSupportedError(f"{type(self).__name__} does not define this.")

    role: str = ""  # how the penalty enters, for error messages

    def objective_value(self, fit: float, penalty_value: float) -> float:
        """The objective from the loss value and ``R(w)``."""
        raise NotSupportedError(f"{type(self).__name__} does not define this.")

    def penalty_weight(self, dual: float | None) -> float:
        """The weight of ``dR`` in the stationarity condition: lam, or the multiplier mu."""
        raise NotSupportedError(f"{type(self).__name__} does not define this.")

    def infeasibility(self, penalty_value: float) -> float:
        """Relative violation of ``R(w) <= t`` (0 for Penalized)."""
        return 0.0

    def slackness(self, dual: float, penalty_value: float) -> float:
        """``|mu (R(w) - t)|`` (0 for Penalized)."""
        return 0.0

    # -- reference layer ------------------------------------------------------------------------
    def closed_form(
        self, penalty: Penalty, X: np.ndarray, y: np.ndarray, c: float, orthonormal: bool, any_design: bool
    ) -> tuple[np.ndarray, float | None]:
        """``(w, dual)`` from the penalty's closed forms for ``c * 1/2||y - Xw||^2`` (raises
        ``NotSupportedError`` where none applies). ``any_design`` allows the closed forms that
        hold for any ``X``; ``orthonormal`` those that need ``X^T X = I``."""
        any_design_form, orthonormal_form = self.closed_form_names
        arg = self._closed_form_argument(c)
        if any_design:
            try:
                return self._closed_form_output(getattr(penalty, any_design_form)(X, y, arg), c)
            except NotSupportedError:
                pass
        if not orthonormal:
            raise NotSupportedError(f"No closed form for {penalty!r} in {self!r} on this design.")
        return self._closed_form_output(getattr(penalty, orthonormal_form)(X.T @ y, arg), c)

    #: The penalty methods that give this form's closed forms: (any design, orthonormal design).
    closed_form_names: tuple[str, str] = ("", "")

    def _closed_form_argument(self, c: float) -> float:
        raise NotSupportedError(f"{type(self).__name__} does not define this.")

    def _closed_form_output(self, found: Any, c: float) -> tuple[np.ndarray, float | None]:
        raise NotSupportedError(f"{type(self).__name__} does not define this.")

    def fenchel_dual(self, conjugate: Callable[[float], float], dual_norm: float) -> float | None:
        """The Fenchel dual objective at ``theta`` (scaled by ``k`` into the dual's domain), given
        ``conjugate(k) = c sum s_i l_i*(k rho_i)`` and ``dual_norm = R*(X^T theta)``."""
        raise NotSupportedError(f"{type(self).__name__} does not define this.")

    def twin(self, penalty_value: float, dual: float | None) -> Form:
        """The other form with the same solution: ``Constrained(R(w*))`` or ``Penalized(mu)``."""
        raise NotSupportedError(f"{type(self).__name__} does not define this.")

    def penalized_first(self, mine: Any, twins: Any) -> tuple[Any, Any]:
        """``(penalized item, constrained item)`` from this form's item and its twin's."""
        raise NotSupportedError(f"{type(self).__name__} does not define this.")

    def strict_penalty(self, penalty: Penalty) -> bool:
        """True when the penalty term makes the objective strictly convex."""
        return False


class Penalized(Form):
    """Minimize ``L(w, b) + lam * R(w)``.

    Parameters
    ----------
    lam : float or sequence of float
        A finite number >= 0; with a ``Composite`` penalty, one per term.
    """

    param_name = "lam"
    role = "minimizing lam * R(w)"

    def __init__(self, lam: float) -> None:
        self.param_value = _param(lam, "lam", "Penalized")

    @property
    def lam(self) -> float:
        return self.param_value

    def assemble(
        self, fit: cp.Expression, penalty: cp.Expression, param: cp.Parameter
    ) -> tuple[cp.Expression, list[cp.Constraint], cp.Constraint | None]:
        if param.ndim:  # a Composite: sum_k lam_k R_k
            return fit + cp.sum(cp.multiply(param, penalty)), [], None
        return fit + param * penalty, [], None

    def is_convex(self, penalty: cp.Expression) -> bool:
        return bool(penalty.is_convex())

    def objective_value(self, fit: float, penalty_value: Any) -> float:
        return fit + float(np.sum(self.param_value * np.asarray(penalty_value)))

    def penalty_weight(self, dual: float | None) -> float:
        return self.param_value

    closed_form_names = ("least_squares", "prox")

    def _closed_form_argument(self, c: float) -> float:
        return self.param_value / c  # c L + lam R has the minimizer of L + (lam / c) R

    def _closed_form_output(self, found: Any, c: float) -> tuple[np.ndarray, float | None]:
        return found, None

    def fenchel_dual(self, conjugate: Callable[[float], float], dual_norm: float) -> float | None:
        lam = self.param_value
        kappa = max(1.0, dual_norm / lam) if lam > 0 else (1.0 if dual_norm == 0 else math.inf)
        return -conjugate(1.0 / kappa) if math.isfinite(kappa) else None

    def twin(self, penalty_value: float, dual: float | None) -> Form:
        return Constrained(penalty_value)

    def penalized_first(self, mine: Any, twins: Any) -> tuple[Any, Any]:
        return mine, twins

    def strict_penalty(self, penalty: Penalty) -> bool:
        flat, weight = penalty.weighted(self.param_value)
        return flat.strictly_convex and weight > 0


class Constrained(Form):
    """Minimize ``L(w, b)`` subject to ``R(w) <= t``.

    ``Result.dual`` is the constraint's multiplier ``mu >= 0``. At ``t = R(w*(lam))`` the
    solution is that of ``Penalized(lam)`` and ``mu = lam`` (when the solution is unique).

    Parameters
    ----------
    t : float or sequence of float
        A finite number >= 0; with a ``Composite`` penalty, one per term (``R_k(w) <= t_k``,
        and ``Result.dual`` one multiplier per term).
    """

    param_name = "t"
    role = "the constraint R(w) <= t"

    def __init__(self, t: float) -> None:
        self.param_value = _param(t, "t", "Constrained")

    @property
    def t(self) -> float:
        return self.param_value

    def assemble(
        self, fit: cp.Expression, penalty: cp.Expression, param: cp.Parameter
    ) -> tuple[cp.Expression, list[cp.Constraint], cp.Constraint | None]:
        con = penalty <= param
        return fit, [con], con

    def is_convex(self, penalty: cp.Expression) -> bool:
        # Only ever the `R(w) <= t` direction: `pnorm(w, p<1) >= t` would pass DCP and
        # silently mean something else.
        return bool((penalty <= 1.0).is_dcp())

    def objective_value(self, fit: float, penalty_value: float) -> float:
        return fit

    def penalty_weight(self, dual: Any) -> Any:
        if dual is None:
            return np.zeros(self.size) if self.size > 1 else 0.0
        return np.asarray(dual, dtype=float) if np.ndim(dual) else float(dual)

    def infeasibility(self, penalty_value: Any) -> float:
        t = self.param_value
        return float(np.max(np.maximum(np.asarray(penalty_value) - t, 0.0) / np.maximum(1.0, t)))

    def slackness(self, dual: Any, penalty_value: Any) -> float:
        return float(np.sum(np.abs(np.asarray(dual) * (np.asarray(penalty_value) - self.param_value))))

    closed_form_names = ("least_squares_ball", "project")

    def _closed_form_argument(self, c: float) -> float:
        return self.param_value

    def _closed_form_output(self, found: Any, c: float) -> tuple[np.ndarray, float | None]:
        w, mu = found
        return w, mu * c  # the multiplier of c L's constraint is c times that of L's

    def fenchel_dual(self, conjugate: Callable[[float], float], dual_norm: float) -> float | None:
        return -conjugate(1.0) - self.param_value * dual_norm

    def twin(self, penalty_value: float, dual: float | None) -> Form:
        if dual is None or not np.all(np.isfinite(dual)):
            raise invalid("result", "to_penalized", "a Result with a finite multiplier", dual)
        return Penalized(np.maximum(dual, 0.0) if np.ndim(dual) else max(float(dual), 0.0))

    def penalized_first(self, mine: Any, twins: Any) -> tuple[Any, Any]:
        return twins, mine


def box_constraints(bounds: tuple[Any, Any] | None, w: cp.Expression) -> list[tuple[np.ndarray, cp.Constraint] | None]:
    """``[lower item, upper item]`` for ``lower <= w <= upper``; an item is ``(indices,
    constraint)`` over the coordinates with a finite bound, or None where there is none."""
    if bounds is None:
        return [None, None]
    d = w.shape[0]
    out: list[tuple[np.ndarray, cp.Constraint] | None] = []
    for k, side in enumerate(bounds):
        if side is None:
            out.append(None)
            continue
        try:
            full = np.broadcast_to(side, (d,)).astype(float)
        except ValueError:
            raise invalid(
                "bounds",
                "Problem",
                f"None, a number or {d} numbers (one per column of X) on each side",
                f"a side of length {np.size(side)}",
                raw=True,
            ) from None
        idx = np.flatnonzero(np.isfinite(full))
        if idx.size == 0:
            out.append(None)
            continue
        out.append((idx, w[idx] >= full[idx] if k == 0 else w[idx] <= full[idx]))
    return out


def _real_array(value: Any, name: str, owner: str, allowed: str) -> np.ndarray:
    """``value`` as floats, or a typed error: no imaginary part dropped, no bool read as 0/1, no
    text, no ragged nesting."""
    try:
        arr = np.asarray(value) if not isinstance(value, str) else np.asarray([value])
    except (TypeError, ValueError):  # ragged lists
        raise invalid(name, owner, allowed, value) from None
    if arr.dtype.kind in "cbUS":
        what = {"c": "complex", "b": "boolean", "U": "text", "S": "text"}[arr.dtype.kind]
        raise invalid(name, owner, allowed, f"{what} values", raw=True)
    try:
        return np.asarray(arr, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise invalid(name, owner, allowed, value) from None


class LinearConstraint:
    """Base class of ``Equality`` and ``Inequality``: a matrix and a right-hand side on ``w``."""

    kind: str = ""

    def __init__(self, matrix: Any, rhs: Any) -> None:
        owner = type(self).__name__
        allowed = "a 2-D array of finite numbers (one row per constraint, one column per coefficient)"
        M = np.atleast_2d(_real_array(matrix, "matrix", owner, allowed))
        if M.ndim != 2 or M.size == 0 or not np.all(np.isfinite(M)):
            raise invalid("matrix", owner, allowed, matrix)
        r = np.atleast_1d(_real_array(rhs, "rhs", owner, f"{M.shape[0]} finite numbers (one per row)"))
        if r.shape != (M.shape[0],) or not np.all(np.isfinite(r)):
            raise invalid("rhs", owner, f"{M.shape[0]} finite numbers (one per row)", rhs)
        M.setflags(write=False)
        r.setflags(write=False)
        self.matrix, self.rhs = M, r

    def check_dim(self, d: int) -> None:
        if self.matrix.shape[1] != d:
            raise invalid(
                "matrix", type(self).__name__, f"{d} columns (one per column of X)", f"{self.matrix.shape[1]}", raw=True
            )

    def build(self, w: cp.Expression) -> cp.Constraint:
        """The CVXPY constraint, written ``matrix @ w <relation> rhs`` (never flipped: CVXPY's
        dual of ``lhs <relation> rhs`` enters the Lagrangian as ``+ dual^T (lhs - rhs)``)."""
        raise NotSupportedError(f"{type(self).__name__} does not define build.")

    def violation(self, w: np.ndarray) -> float:
        """The largest violation at ``w`` (0 when it holds)."""
        raise NotSupportedError(f"{type(self).__name__} does not define violation.")

    def key(self) -> tuple[Any, ...]:
        return (self.kind, self.matrix.tobytes(), self.matrix.shape, self.rhs.tobytes())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.matrix.shape[0]}x{self.matrix.shape[1]})"


class Equality(LinearConstraint):
    """``A w = b``. Its multiplier ``nu`` (any sign) enters the Lagrangian as ``+ nu^T (A w - b)``.

    Parameters
    ----------
    A : array-like of shape (m, d)
    b : array-like of shape (m,)
    """

    kind = "equality"

    def __init__(self, A: Any, b: Any) -> None:
        super().__init__(A, b)

    def build(self, w: cp.Expression) -> cp.Constraint:
        return self.matrix @ w == self.rhs

    def violation(self, w: np.ndarray) -> float:
        return float(np.max(np.abs(self.matrix @ w - self.rhs)))


class Inequality(LinearConstraint):
    """``G w <= h``. Its multiplier ``mu >= 0`` enters the Lagrangian as ``+ mu^T (G w - h)``.

    Parameters
    ----------
    G : array-like of shape (m, d)
    h : array-like of shape (m,)
    """

    kind = "inequality"

    def __init__(self, G: Any, h: Any) -> None:
        super().__init__(G, h)

    def build(self, w: cp.Expression) -> cp.Constraint:
        return self.matrix @ w <= self.rhs

    def violation(self, w: np.ndarray) -> float:
        return float(np.max(np.maximum(self.matrix @ w - self.rhs, 0.0)))
