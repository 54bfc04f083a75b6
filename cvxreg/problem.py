"""``Problem(loss, penalty, form)``: the DCP gate, the CVXPY model, and ``solve``."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import cvxpy as cp
import numpy as np
from cvxpy.reductions.solvers.solver import Solver

from cvxreg._validation import (
    check_bounds,
    check_sample_weight,
    check_X,
    check_y,
    invalid,
)
from cvxreg.errors import DCPError, InvalidParameterError, SolveError
from cvxreg.forms import Constrained, Form, Penalized
from cvxreg.losses import Loss
from cvxreg.penalties import Penalty
from cvxreg.result import Result

__all__ = ["Problem", "default_solver", "installed_solvers"]


def installed_solvers() -> list[str]:
    """Names of the CVXPY solvers installed here."""
    return list(cp.installed_solvers())


def default_solver() -> str | None:
    """Clarabel when installed (accurate on every cone cvxreg builds), else CVXPY's choice."""
    return "CLARABEL" if "CLARABEL" in installed_solvers() else None


def _resolve_solver(solver: Any) -> Any:
    """A solver name (validated, upper case) or a custom CVXPY ``Solver`` instance, passed through."""
    if solver is None:
        return default_solver()
    if isinstance(solver, Solver):
        return solver
    names = installed_solvers()
    if not isinstance(solver, str) or solver.upper() not in names:
        allowed = "None, a cvxpy Solver instance, or one of the installed solvers " + ", ".join(repr(s) for s in names)
        raise invalid("solver", "Problem.solve", allowed, solver)
    return solver.upper()


@dataclass
class _Built:
    """A CVXPY model of one Problem on one data set, with handles on its parts."""

    problem: cp.Problem
    w: cp.Variable
    b: cp.Variable | None
    param: cp.Parameter
    penalty_constraint: cp.Constraint | None
    lower: tuple[np.ndarray, cp.Constraint] | None
    upper: tuple[np.ndarray, cp.Constraint] | None
    X: Any
    y: np.ndarray
    sample_weight: np.ndarray | None
    feature_names: tuple[str, ...] | None


def _dcp_message(problem: Problem, expr: cp.Expression) -> str:
    pen = problem.penalty
    where = "minimizing lam * R(w)" if isinstance(problem.form, Penalized) else "the constraint R(w) <= t"
    head = (
        f"{problem!r} is not convex, so cvxreg will not build it: by CVXPY's DCP rules the "
        f"penalty {pen!r} has curvature {expr.curvature}, and {where} is a convex problem only "
        f"when R is convex."
    )
    reason = pen.nonconvex_reason()
    if reason is not None:
        return f"{head} {reason}"
    return (
        f"{head} Write R with convex CVXPY atoms following the DCP rules "
        f"(norms, sum_squares, abs, pos, ...), or use a built-in penalty such as L1() or SquaredL2()."
    )


class Problem:
    """A regularized learning problem: ``loss`` x ``penalty`` x ``form``.

    ``Penalized(lam)``: minimize ``L(w, b) + lam * R(w)``.
    ``Constrained(t)``: minimize ``L(w, b)`` subject to ``R(w) <= t``.

    The intercept ``b`` is never penalized and exists only with ``fit_intercept=True``.
    ``bounds=(lower, upper)`` adds ``lower <= w <= upper`` as explicit constraints (so their
    multipliers are reported); each side is None, a number or one number per coefficient
    (``-inf``/``inf`` entries leave a coordinate free).

    Construction runs the DCP gate: a penalty that CVXPY cannot certify convex in this form
    raises ``cvxreg.DCPError`` explaining why.
    """

    def __init__(
        self,
        loss: Loss,
        penalty: Penalty,
        form: Form,
        *,
        fit_intercept: bool = False,
        bounds: Any = None,
    ) -> None:
        for name, value, cls in (("loss", loss, Loss), ("penalty", penalty, Penalty), ("form", form, Form)):
            if not isinstance(value, cls):
                raise invalid(name, "Problem", f"an instance of a cvxreg {cls.__name__} class", value)
        if not isinstance(fit_intercept, bool | np.bool_):
            raise invalid("fit_intercept", "Problem", "True or False", fit_intercept)
        self.loss = loss
        self.penalty = penalty
        self.form = form
        self.fit_intercept = bool(fit_intercept)
        self.bounds = check_bounds(bounds)
        self._gate(cp.Variable(penalty.placeholder_dim()), before_data=True)

    # -- DCP gate ---------------------------------------------------------------------------
    def _gate(self, w: cp.Variable, *, before_data: bool = False) -> cp.Expression | None:
        """Build ``R(w)`` and ask CVXPY whether this form of it is convex."""
        try:
            expr = self.penalty.expr(w)
        except InvalidParameterError:
            if before_data:  # a custom penalty may need the real size: judge it at build time
                return None
            raise
        if isinstance(self.form, Penalized):
            convex = expr.is_convex()
        else:
            # Only ever the `R(w) <= t` direction: `pnorm(w, p<1) >= t` would pass DCP and
            # silently mean something else.
            convex = (expr <= 1.0).is_dcp()
        if not convex:
            raise DCPError(_dcp_message(self, expr))
        return expr

    # -- model --------------------------------------------------------------------------------
    def _build(self, X: Any, y: Any, sample_weight: Any = None) -> _Built:
        Xv, names = check_X(X)
        n, d = Xv.shape
        yv = check_y(y, n)
        self.loss.check_y(yv)
        s = check_sample_weight(sample_weight, n)
        self.penalty.check_dim(d)

        w = cp.Variable(d, name="w")
        b = cp.Variable(name="b") if self.fit_intercept else None
        param = cp.Parameter(nonneg=True, name=self.form.param_name, value=self.form.value)
        pen = self._gate(w)
        assert pen is not None
        fit, constraints = self.loss.model(Xv, yv, w, 0.0 if b is None else b, s)
        pen_con = None
        if isinstance(self.form, Constrained):
            pen_con = pen <= param
            constraints.append(pen_con)
            objective = fit
        else:
            objective = fit + param * pen
        lower = upper = None
        if self.bounds is not None:
            lower, upper = (self._bound(side, d, w, k) for k, side in enumerate(self.bounds))
            for item in (lower, upper):
                if item is not None:
                    constraints.append(item[1])
        prob = cp.Problem(cp.Minimize(objective), constraints)
        if not prob.is_dcp():  # e.g. a custom penalty built from non-DCP pieces
            raise DCPError(_dcp_message(self, pen))
        return _Built(prob, w, b, param, pen_con, lower, upper, Xv, yv, s, names)

    @staticmethod
    def _bound(side: np.ndarray | None, d: int, w: cp.Variable, k: int) -> tuple[np.ndarray, cp.Constraint] | None:
        if side is None:
            return None
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
            return None
        con = w[idx] >= full[idx] if k == 0 else w[idx] <= full[idx]
        return idx, con

    def to_cvxpy(self, X: Any, y: Any, *, sample_weight: Any = None) -> cp.Problem:
        """The CVXPY problem for this data (DPP: ``lam``/``t`` is a nonneg Parameter)."""
        return self._build(X, y, sample_weight).problem

    # -- solving -------------------------------------------------------------------------------
    def solve(
        self,
        X: Any,
        y: Any,
        *,
        sample_weight: Any = None,
        solver: Any = None,
        check: bool = False,
        **solver_opts: Any,
    ) -> Result:
        """Solve on ``(X, y)`` and return a ``Result``.

        A solver failure, an infeasible problem or a solver that refuses the problem class
        comes back as a ``Result`` whose ``status`` says so ("solver_error", "unsupported",
        "infeasible", ...); with ``check=True`` it raises ``cvxreg.SolveError`` instead.
        ``solver_opts`` go to the solver unchanged.
        """
        name = _resolve_solver(solver)
        built = self._build(X, y, sample_weight)
        result = self._solve_built(built, name, solver_opts)
        if check and not result.ok:
            raise SolveError(
                f"{self!r} has no solution from {result.solver}: status {result.status!r}. {result.message}".strip()
            )
        return result

    def _solve_built(self, built: _Built, solver: Any, solver_opts: dict[str, Any]) -> Result:
        prob = built.problem
        label = solver.name() if isinstance(solver, Solver) else (solver or "default")
        start = time.perf_counter()
        try:
            prob.solve(solver=solver, **solver_opts)
        except cp.error.SolverError as exc:
            status = "unsupported" if "cannot solve this problem" in str(exc) else "solver_error"
            return self._failed(built, label, status, str(exc), time.perf_counter() - start)
        except TypeError as exc:
            raise InvalidParameterError(
                f"The 'solver_opts' parameter of Problem.solve must hold options that {label} accepts. "
                f"Got {sorted(solver_opts)}: {exc}."
            ) from exc
        except Exception as exc:  # a solver's own failure is a status, not a crash of the caller
            message = f"{type(exc).__name__}: {exc}"
            return self._failed(built, label, "solver_error", message, time.perf_counter() - start)
        wall = time.perf_counter() - start
        stats = prob.solver_stats
        used = stats.solver_name if stats is not None else label
        setup = float(getattr(prob, "compilation_time", None) or math.nan)
        solve_time = float(stats.solve_time) if stats is not None and stats.solve_time else math.nan
        if not solve_time > 0:  # some solvers report no time (or 0): fall back to wall clock minus compile
            solve_time = max(wall - (setup if math.isfinite(setup) else 0.0), 0.0)
        iters = int(stats.num_iters) if stats is not None and stats.num_iters is not None else None
        w = built.w.value
        if w is None:
            return self._failed(
                built,
                used,
                prob.status,
                "no solution returned",
                solve_time,
                setup=setup,
                iterations=iters,
                objective=prob.value,
            )
        b = 0.0 if built.b is None else float(built.b.value)
        dual = None
        if built.penalty_constraint is not None:
            dv = built.penalty_constraint.dual_value
            dual = float(np.asarray(dv).ravel()[0]) if dv is not None else math.nan
        lo_dual = self._bound_dual(built.lower, len(w)) if self.bounds is not None else None
        hi_dual = self._bound_dual(built.upper, len(w)) if self.bounds is not None else None
        return Result(
            coef=np.asarray(w, dtype=float).ravel(),
            intercept=b,
            objective=float(prob.value),
            status=prob.status,
            solver=used,
            dual=dual,
            lower_dual=lo_dual,
            upper_dual=hi_dual,
            setup_time=setup,
            solve_time=solve_time,
            iterations=iters,
            feature_names=built.feature_names,
            _context=(self, built.X, built.y, built.sample_weight),
        )

    @staticmethod
    def _bound_dual(item: tuple[np.ndarray, cp.Constraint] | None, d: int) -> np.ndarray:
        out = np.zeros(d)
        if item is not None:
            idx, con = item
            if con.dual_value is not None:
                out[idx] = np.asarray(con.dual_value, dtype=float).ravel()
            else:
                out[idx] = math.nan
        return out

    def _failed(
        self,
        built: _Built,
        solver: str,
        status: str,
        message: str,
        solve_time: float,
        *,
        setup: float = math.nan,
        iterations: int | None = None,
        objective: Any = None,
    ) -> Result:
        d = built.w.shape[0]
        obj = float(objective) if objective is not None else math.nan
        return Result(
            coef=np.full(d, math.nan),
            intercept=math.nan if self.fit_intercept else 0.0,
            objective=obj,
            status=status,
            solver=solver,
            dual=None if isinstance(self.form, Penalized) else math.nan,
            setup_time=setup,
            solve_time=solve_time,
            iterations=iterations,
            feature_names=built.feature_names,
            message=message,
            _context=(self, built.X, built.y, built.sample_weight),
        )

    # -- NumPy twin and conversions ------------------------------------------------------------
    def objective_value(self, X: Any, y: Any, coef: Any, intercept: float = 0.0, *, sample_weight: Any = None) -> float:
        """The objective at ``(coef, intercept)``, computed with NumPy (no solver)."""
        Xv, _ = check_X(X, "Problem.objective_value")
        yv = check_y(y, Xv.shape[0], "Problem.objective_value")
        s = check_sample_weight(sample_weight, Xv.shape[0], "Problem.objective_value")
        w = np.asarray(coef, dtype=float)
        fit = self.loss.value(Xv, yv, w, intercept, s)
        if isinstance(self.form, Penalized):
            return fit + self.form.value * self.penalty.value(w)
        return fit

    def reference(self, X: Any, y: Any, *, sample_weight: Any = None) -> Result | None:
        """The closed-form solution as a ``Result`` when one applies (else None); see ``cvxreg.reference``."""
        from cvxreg.reference import reference_result

        return reference_result(self, X, y, sample_weight=sample_weight)

    def lambda_max(self, X: Any, y: Any, *, sample_weight: Any = None) -> float:
        """The smallest ``lam`` at which every penalized coefficient is 0 (``inf`` if none)."""
        from cvxreg.reference import lambda_max

        return lambda_max(self, X, y, sample_weight=sample_weight)

    def to_constrained(self, result: Result) -> Problem:
        """This penalized problem as ``Constrained(t = R(w*))`` for the solution in ``result``."""
        from cvxreg.lagrange import to_constrained

        return to_constrained(self, result)

    def to_penalized(self, result: Result) -> Problem:
        """This constrained problem as ``Penalized(lam = mu)`` for the multiplier in ``result``."""
        from cvxreg.lagrange import to_penalized

        return to_penalized(self, result)

    def with_form(self, form: Form) -> Problem:
        """The same loss, penalty, intercept and bounds under another form."""
        return Problem(self.loss, self.penalty, form, fit_intercept=self.fit_intercept, bounds=self.bounds)

    def __repr__(self) -> str:
        extra = ", fit_intercept=True" if self.fit_intercept else ""
        if self.bounds is not None:
            extra += ", bounds=(...)"
        return f"Problem({self.loss!r}, {self.penalty!r}, {self.form!r}{extra})"
