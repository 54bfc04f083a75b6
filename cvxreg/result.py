"""The outcome of one solve: frozen data with a status."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from cvxreg.reference import Certificate

__all__ = ["SOLVED_STATUSES", "Result"]

#: CVXPY statuses that come with a solution.
SOLVED_STATUSES = ("optimal", "optimal_inaccurate")


def _frozen(a: Any) -> np.ndarray | None:
    if a is None:
        return None
    arr = np.array(a, dtype=float)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class Result:
    """A solution of ``Problem.solve`` (or of a closed form), with its status.

    Attributes
    ----------
    coef : ndarray of shape (d,)
        Coefficients ``w`` (NaN when no solution is present).
    intercept : float
        ``b`` (0.0 without an intercept).
    objective : float
        The objective of the contract in DESIGN.md, at the solution.
    status : str
        CVXPY's status ("optimal", "optimal_inaccurate", "infeasible", ...) or
        "solver_error" / "unsupported" when the solver failed or refused the problem.
    solver : str
        The solver actually used ("closed_form" for references).
    dual : float or None
        Multiplier ``mu >= 0`` of ``R(w) <= t`` for ``Constrained``; None for ``Penalized``.
    lower_dual, upper_dual : ndarray or None
        Multipliers (>= 0) of the bounds ``w >= lower`` and ``w <= upper``, zero where a
        coordinate has no finite bound; None without bounds.
    setup_time, solve_time : float
        CVXPY's compilation time, and the solver's own reported time (wall clock minus
        compilation when the solver reports none).
    iterations : int or None
        The solver's iteration count when it reports one.
    """

    coef: np.ndarray
    intercept: float
    objective: float
    status: str
    solver: str
    dual: float | None = None
    lower_dual: np.ndarray | None = None
    upper_dual: np.ndarray | None = None
    setup_time: float = math.nan
    solve_time: float = math.nan
    iterations: int | None = None
    feature_names: tuple[str, ...] | None = None
    message: str = ""
    _context: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "coef", _frozen(self.coef))
        object.__setattr__(self, "lower_dual", _frozen(self.lower_dual))
        object.__setattr__(self, "upper_dual", _frozen(self.upper_dual))

    @property
    def ok(self) -> bool:
        """True when a solution is present (status optimal or optimal_inaccurate)."""
        return self.status in SOLVED_STATUSES and bool(np.all(np.isfinite(self.coef)))

    @property
    def coef_series(self) -> pd.Series:
        """Coefficients as a Series indexed by feature name (``x0, x1, ...`` without names)."""
        names = self.feature_names or tuple(f"x{j}" for j in range(len(self.coef)))
        return pd.Series(self.coef, index=list(names), name="coef")

    @property
    def certificate(self) -> Certificate:
        """Optimality certificate (KKT residual, infeasibility, slackness, gap), on demand."""
        from cvxreg.errors import NotSupportedError
        from cvxreg.reference import certificate

        if self._context is None:
            raise NotSupportedError("This Result carries no problem and data, so no certificate can be computed.")
        problem, X, y, sample_weight = self._context
        return certificate(problem, X, y, self, sample_weight=sample_weight)

    def to_series(self) -> pd.Series:
        """One flat Series: the scalar fields, then ``coef[<name>]`` per coefficient."""
        head = {
            "status": self.status,
            "solver": self.solver,
            "ok": self.ok,
            "objective": self.objective,
            "intercept": self.intercept,
            "dual": self.dual,
            "setup_time": self.setup_time,
            "solve_time": self.solve_time,
            "iterations": self.iterations,
        }
        coefs = {f"coef[{k}]": v for k, v in self.coef_series.items()}
        return pd.Series({**head, **coefs}, dtype=object)

    def __repr__(self) -> str:
        dual = "" if self.dual is None else f", dual={self.dual:.6g}"
        return (
            f"Result(status={self.status!r}, solver={self.solver!r}, objective={self.objective:.8g}"
            f"{dual}, coef={np.array2string(self.coef, precision=4, threshold=8)})"
        )
