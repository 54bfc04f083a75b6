"""The outcome of one solve: frozen data with a status, and its optimality certificate."""

from __future__ import annotations

import enum
import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SOLVED_STATUSES", "Certificate", "Result", "Status"]


class Status(enum.StrEnum):
    """How a solve ended: CVXPY's statuses, and cvxreg's own for solves that never finished.

    A ``StrEnum``: each member equals its string (``Status.OPTIMAL == "optimal"``).
    """

    OPTIMAL = "optimal"
    OPTIMAL_INACCURATE = "optimal_inaccurate"
    INFEASIBLE = "infeasible"
    INFEASIBLE_INACCURATE = "infeasible_inaccurate"
    UNBOUNDED = "unbounded"
    UNBOUNDED_INACCURATE = "unbounded_inaccurate"
    INFEASIBLE_OR_UNBOUNDED = "infeasible_or_unbounded"
    USER_LIMIT = "user_limit"
    #: The solver raised (or returned a status cvxreg does not know).
    SOLVER_ERROR = "solver_error"
    #: The solver refused this problem class (e.g. a QP solver given a cone).
    UNSUPPORTED = "unsupported"
    #: The solver's process died (isolated solves only).
    CRASHED = "crashed"
    #: The solver gave no answer within the time limit (isolated solves only).
    TIMEOUT = "timeout"
    #: The solver rejected the options it was given.
    INVALID_OPTIONS = "invalid_options"
    #: The solver is not installed.
    NOT_INSTALLED = "not_installed"
    #: The objective is bounded below but no point attains its infimum (``cvxreg.existence``):
    #: separable classes without a penalty, a Poisson intercept over counts of 0.
    NO_MINIMIZER = "no_minimizer"

    @classmethod
    def _missing_(cls, value: object) -> Status:
        return cls.SOLVER_ERROR  # a status string a newer CVXPY may add: no solution is assumed


#: Statuses that come with a solution.
SOLVED_STATUSES = (Status.OPTIMAL, Status.OPTIMAL_INACCURATE)


@dataclass(frozen=True)
class Certificate:
    """Optimality measures of a candidate solution, each relative so one tolerance fits all.

    Attributes
    ----------
    kkt_residual : float
        ``dist(0, grad L + weight * dR(w) + bound terms) / scale``, with ``weight`` = lam
        (Penalized) or the multiplier mu (Constrained) and ``scale = c ||X^T (s * y)||``
        (c the loss scale); intercept stationarity included. Where the penalty's
        subdifferential is not known it is the prox-gradient residual
        ``||w - prox_{weight R}(w - grad L)|| / scale``; both vanish exactly at a minimizer.
    primal_infeasibility : float
        ``max(R(w) - t, 0) / max(1, t)`` and bound violations.
    complementary_slackness : float
        ``|mu (R(w) - t)| / scale`` plus the bound terms.
    duality_gap : float or None
        ``(P(w) - D(theta)) / max(1, |P(w)|)`` where the loss conjugate and the dual norm are
        known (no bounds), else None.
    scale : float
        The normalisation of the stationarity measures.
    """

    kkt_residual: float
    primal_infeasibility: float
    complementary_slackness: float
    duality_gap: float | None
    scale: float

    def passed(self, tol: float = 1e-6) -> bool:
        """True when every measure is finite and at most ``tol``."""
        return all(np.isfinite(v) and v <= tol for v in self._measures())

    @property
    def worst(self) -> float:
        """The largest measure (NaN when one could not be computed)."""
        return float(np.max(self._measures()))

    def _measures(self) -> list[float]:
        vals = [self.kkt_residual, self.primal_infeasibility, self.complementary_slackness]
        return vals + ([self.duality_gap] if self.duality_gap is not None else [])

    def to_series(self) -> pd.Series:
        import pandas as pd

        return pd.Series(asdict(self))


#: The certificate of an answer that has no solution.
NO_SOLUTION = Certificate(math.inf, math.inf, math.inf, None, math.nan)


def _frozen(a: Any) -> np.ndarray | None:
    if a is None:
        return None
    if isinstance(a, np.ndarray) and a.dtype == np.float64 and not a.flags.writeable:
        return a  # read-only already: shared, not copied (a path's rows on wide data)
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
        The objective (``docs/formulas.md``) at the returned coefficients.
    status : Status
        How the solve ended (a string enumeration: ``"optimal"``, ``"optimal_inaccurate"``,
        ``"infeasible"``, ..., ``"solver_error"``, ``"unsupported"``).
    solver : str
        The solver actually used ("closed_form" for references).
    dual : float, ndarray or None
        Multiplier ``mu >= 0`` of ``R(w) <= t`` for ``Constrained`` (an array, one per term,
        for a ``Composite`` penalty's ``R_k(w) <= t_k``); None for ``Penalized``.
    lower_dual, upper_dual : ndarray or None
        Multipliers (>= 0) of the bounds ``w >= lower`` and ``w <= upper``, zero where a
        coordinate has no finite bound; None without bounds.
    setup_time, solve_time : float
        CVXPY's compilation time, and the solver's own reported time (wall clock minus
        compilation when the solver reports none).
    iterations : int or None
        The solver's iteration count when it reports one.
    feature_names : tuple of str or None
        Column names of a DataFrame ``X``.
    message : str
        Why a solve failed, when it did.
    certificate : Certificate or None
        Optimality certificate of this answer for its problem and data (None when not
        computed, e.g. ``Problem.solve(certify=False)``).
    model : str
        What the solver was given: ``"plain"`` (one term per sample), ``"reduced"`` (a
        ``d x d`` factor of a least-squares loss) or ``"working set"`` (a subset of the
        coefficients, the rest proved zero); ``""`` for closed forms.
    polished : bool
        True when the coefficients were polished from the solver's answer to the exact
        minimizer on its support (zeros exact; see ``cvxreg.polish``), or when cvxreg's engine
        reached it to rounding (its certificate at 1e-12 or below).
    classes : tuple or None
        For a classification loss given labels other than -1/+1: the two labels that -1 and
        +1 stand for (sorted; the second is +1).
    constraint_duals : tuple of ndarray or None
        The multipliers of the problem's linear constraints, in their order: ``nu`` of
        ``A w = b`` and ``mu >= 0`` of ``G w <= h``, each entering the Lagrangian as
        ``+ dual^T (lhs - rhs)``.
    """

    coef: np.ndarray
    intercept: float
    objective: float
    status: Status
    solver: str
    dual: Any = None
    lower_dual: np.ndarray | None = None
    upper_dual: np.ndarray | None = None
    setup_time: float = math.nan
    solve_time: float = math.nan
    iterations: int | None = None
    feature_names: tuple[str, ...] | None = None
    message: str = ""
    certificate: Certificate | None = None
    model: str = ""
    polished: bool = False
    classes: tuple[Any, ...] | None = None
    constraint_duals: tuple[np.ndarray, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))
        object.__setattr__(self, "coef", _frozen(self.coef))
        object.__setattr__(self, "lower_dual", _frozen(self.lower_dual))
        object.__setattr__(self, "upper_dual", _frozen(self.upper_dual))
        if np.ndim(self.dual):
            object.__setattr__(self, "dual", _frozen(np.asarray(self.dual, dtype=float)))

    @property
    def ok(self) -> bool:
        """True when a solution is present (status optimal or optimal_inaccurate)."""
        return self.status in SOLVED_STATUSES and bool(np.all(np.isfinite(self.coef)))

    @property
    def coef_series(self) -> pd.Series:
        """Coefficients as a Series indexed by feature name (``x0, x1, ...`` without names)."""
        import pandas as pd

        names = self.feature_names or tuple(f"x{j}" for j in range(len(self.coef)))
        return pd.Series(self.coef, index=list(names), name="coef")

    @property
    def support(self) -> np.ndarray:
        """Indices of the nonzero coefficients."""
        return np.flatnonzero(self.coef)

    def to_series(self) -> pd.Series:
        """One flat Series: the scalar fields, then ``coef[<name>]`` per coefficient."""
        import pandas as pd

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

    def _repr_html_(self) -> str:
        """In a notebook: status, solver, objective, the certificate and the multipliers, then
        the coefficients (the nonzero ones of a long vector)."""
        import pandas as pd

        from cvxreg._html import facts_html, few

        facts: list[tuple[str, Any]] = [("status", self.status), ("solver", self.solver)]
        facts += [("objective", f"{self.objective:.10g}"), ("intercept", self.intercept)]
        if self.dual is not None:
            facts.append(("dual (multiplier)", self.dual))
        if self.certificate is not None:
            facts.append(("certificate (worst measure)", f"{self.certificate.worst:.2e}"))
        if self.message:
            facts.append(("message", self.message))
        coefs = self.coef_series.to_frame() if np.ndim(self.coef) == 1 else pd.DataFrame(self.coef)
        note = ""
        if np.ndim(self.coef) == 1 and len(coefs) > 20:
            coefs = coefs[coefs["coef"] != 0]
            note = f"{len(self.coef) - len(coefs)} zero coefficients not shown"
        return facts_html("Result", facts, few(coefs, 20), note)

    def __repr__(self) -> str:
        if self.dual is None:
            dual = ""
        elif np.ndim(self.dual):
            dual = f", dual={np.array2string(np.asarray(self.dual), precision=6)}"
        else:
            dual = f", dual={self.dual:.6g}"
        return (
            f"Result(status={self.status!r}, solver={self.solver!r}, objective={self.objective:.8g}"
            f"{dual}, coef={np.array2string(self.coef, precision=4, threshold=8)})"
        )
