"""Penalties outside the usual families: the refused ``L0`` and a user's ``CustomPenalty``."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import cvxpy as cp
import numpy as np

from cvxreg._validation import invalid
from cvxreg.errors import DCPError, InvalidParameterError
from cvxreg.penalties._base import Penalty

__all__ = ["L0", "CustomPenalty"]


class L0(Penalty):
    """``R(w) = ||w||_0``, the number of nonzero coefficients (best-subset selection).

    Not convex, and it has no CVXPY expression at all: ``Problem`` refuses it in either form
    with ``DCPError``. It exists so that the refusal can say why and what to use instead.
    """

    separable = True
    file_name = "l0"

    def nonconvex_reason(self) -> str | None:
        return (
            "||w||_0 counts nonzero coefficients: it is not convex (its ball {w : ||w||_0 <= k} is a "
            "union of coordinate subspaces) and best-subset selection is NP-hard in general, so no "
            "convex solver can certify a minimum. Use L1() (the lasso, its convex relaxation), or a "
            "mixed-integer solver outside cvxreg if the exact subset is needed."
        )

    def expr(self, w: cp.Expression) -> cp.Expression:
        raise DCPError(f"L0() cannot be built as a convex problem. {self.nonconvex_reason()}")

    def value(self, w: np.ndarray) -> float:
        return float(np.count_nonzero(np.asarray(w)))


class CustomPenalty(Penalty):
    """``R(w) = fn(w)`` for any function building a scalar CVXPY expression from ``w``.

    The DCP gate judges ``fn(w)`` like any built-in penalty: a non-convex ``fn`` is refused.
    ``value`` evaluates the same expression on a constant. To give such a penalty a closed
    form, lam_max or a faster certificate, subclass ``Penalty`` and define ``prox`` or
    ``dual_norm`` instead.

    Parameters
    ----------
    fn : callable
        Maps a CVXPY variable ``w`` to a scalar convex expression.
    name : str, optional
        How the penalty is shown (default: the function's name).
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
        if isinstance(out, numbers.Real) and not isinstance(out, bool):
            out = cp.Constant(float(out))
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
