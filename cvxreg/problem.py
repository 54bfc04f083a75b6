"""``Problem(loss, penalty, form)``: the DCP gate, the CVXPY model, and ``solve``."""

from __future__ import annotations

import copy
import dataclasses
import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cvxpy as cp
import numpy as np

from cvxreg import blocks, blocks_newton, certificates, lagrange, reference
from cvxreg import path as path_module
from cvxreg import solve as solve_module
from cvxreg._validation import Data, check_bounds, check_data, check_real, invalid
from cvxreg.errors import DCPError, InvalidParameterError, NotSupportedError
from cvxreg.forms import Form, LinearConstraint, box_constraints
from cvxreg.losses import Loss
from cvxreg.penalties import Penalty
from cvxreg.result import Result, Status
from cvxreg.solvers import (
    default_solver,
    installed_solvers,
    run_solver,
    solver_label,
)

__all__ = ["Problem", "default_solver", "installed_solvers"]


#: Built models kept for re-use: (problem structure, model, data fingerprint, ...) -> _Built.
_BUILT: OrderedDict[tuple[Any, ...], _Built] = OrderedDict()
_BUILT_SIZE = 8
_KEEP_PLAIN_ENTRIES = 2_000_000


@dataclass
class _Built:
    """A CVXPY model of one Problem on one data set, with handles on its parts."""

    problem: cp.Problem
    w: cp.Variable
    b: cp.Variable | None
    param: cp.Parameter
    penalty_constraint: cp.Constraint | None
    bounds: list[tuple[np.ndarray, cp.Constraint] | None]
    data: Data
    model: str  # "plain" (one row per sample) or "reduced" (a k x k factor of the loss)
    linear: list[cp.Constraint]  # the Problem's linear constraints, in its order


def _full(side: Any, shape: tuple[int, ...]) -> np.ndarray:
    return np.broadcast_to(np.nan if side is None else np.asarray(side, dtype=float), shape)


def _hold(bounds: tuple[Any, Any] | None, held: np.ndarray | None) -> tuple[Any, Any] | None:
    """The bounds with ``0 <= w_j <= 0`` added for the coefficients a penalty holds at zero
    (an infinite penalty factor), so that their multipliers are reported like any bound's."""
    if held is None or not np.any(held):
        return bounds
    d = len(held)
    lower, upper = bounds if bounds is not None else (None, None)
    lo = np.broadcast_to(-np.inf if lower is None else np.asarray(lower, dtype=float), (d,))
    hi = np.broadcast_to(np.inf if upper is None else np.asarray(upper, dtype=float), (d,))
    return check_bounds((np.where(held, np.maximum(lo, 0.0), lo), np.where(held, np.minimum(hi, 0.0), hi)))


def _dcp_message(problem: Problem, expr: cp.Expression) -> str:
    pen = problem.penalty
    head = (
        f"{problem!r} is not convex, so cvxreg will not build it: by CVXPY's DCP rules the "
        f"penalty {pen!r} has curvature {expr.curvature}, and {problem.form.role} is a convex "
        f"problem only when R is convex."
    )
    reason = pen.nonconvex_reason()
    if reason is not None:
        return f"{head} {reason}"
    return (
        f"{head} Write R with convex CVXPY atoms following the DCP rules "
        f"(norms, sum_squares, abs, pos, ...), or use a built-in penalty such as L1() or SquaredL2()."
    )


def _check_terms(penalty: Penalty, form: Form) -> None:
    """A Composite penalty takes one lam (or t) per term; any other penalty takes one number."""
    k = penalty.n_terms
    if form.size == k and (k > 1 or np.ndim(form.param_value) == 0):
        return
    allowed = f"{k} numbers, one per term of {penalty!r}" if k > 1 else f"one number for {penalty!r}"
    raise invalid(form.param_name, type(form).__name__, allowed, form.param_value)


class Problem:
    """A regularized learning problem: ``loss`` x ``penalty`` x ``form``.

    ``Penalized(lam)``: minimize ``L(w, b) + lam * R(w)``.
    ``Constrained(t)``: minimize ``L(w, b)`` subject to ``R(w) <= t``.

    Construction runs the DCP gate: a penalty that CVXPY cannot certify convex in this form
    raises ``cvxreg.DCPError`` explaining why.

    Parameters
    ----------
    loss : Loss
        The data term ``L(w, b)``.
    penalty : Penalty
        The regularizer ``R(w)``.
    form : Form
        ``Penalized(lam)`` or ``Constrained(t)``.
    fit_intercept : bool, default False
        Fit an unpenalized intercept ``b``.
    bounds : (lower, upper), optional
        Adds ``lower <= w <= upper`` as explicit constraints (so their multipliers are
        reported); each side is None, a number or one number per coefficient (``-inf``/``inf``
        entries leave a coordinate free).
    constraints : list of Equality or Inequality, optional
        Linear constraints ``A w = b`` and ``G w <= h``; their multipliers come back as
        ``Result.constraint_duals`` in the same order (signs in ``docs/formulas.md``).
    """

    def __init__(
        self,
        loss: Loss,
        penalty: Penalty,
        form: Form,
        *,
        fit_intercept: bool = False,
        bounds: Any = None,
        constraints: Any = (),
    ) -> None:
        for name, value, cls in (("loss", loss, Loss), ("penalty", penalty, Penalty), ("form", form, Form)):
            if not isinstance(value, cls):
                raise invalid(name, "Problem", f"an instance of a cvxreg {cls.__name__} class", value)
        if not isinstance(fit_intercept, bool | np.bool_):
            raise invalid("fit_intercept", "Problem", "True or False", fit_intercept)
        _check_terms(penalty, form)
        self.loss = loss
        self.penalty = penalty
        self.form = form
        self.fit_intercept = bool(fit_intercept)
        self.bounds = _hold(check_bounds(bounds), penalty.held)
        if isinstance(constraints, LinearConstraint):
            constraints = [constraints]
        if not isinstance(constraints, list | tuple) or not all(isinstance(c, LinearConstraint) for c in constraints):
            raise invalid("constraints", "Problem", "a list of cvxreg Equality and Inequality objects", constraints)
        self.constraints: tuple[LinearConstraint, ...] = tuple(constraints)
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
        if not self.form.is_convex(expr):
            raise DCPError(_dcp_message(self, expr))
        return expr

    # -- model --------------------------------------------------------------------------------
    def check_data(self, X: Any, y: Any, sample_weight: Any = None, owner: str = "Problem.solve") -> Data:
        """``X``, ``y`` and ``sample_weight`` checked for this problem (shapes, labels, size)."""
        if self.loss.multi_output:
            raise NotSupportedError(
                f"{self.loss!r} has a (d, K) matrix of coefficients: Problem.solve solves it "
                f"(cvxreg.multinomial); paths, references, comparisons and the other tools take single-output losses."
            )
        data = check_data(X, y, sample_weight, owner, labels=self.loss.classification)
        self.loss.check_y(data.y)
        self.loss.check_weights(data.sample_weight)
        self.penalty.check_dim(data.d)
        for side in self.bounds or ():
            if side is not None and np.ndim(side) and np.size(side) != data.d:
                raise invalid(
                    "bounds", "Problem", f"None, a number or {data.d} numbers (one per column of X) on each side",
                    f"a side of length {np.size(side)}", raw=True,
                )  # fmt: skip
        for constraint in self.constraints:
            constraint.check_dim(data.d)
        return data

    def build(self, data: Data, *, reduce: bool = True) -> _Built:
        """The CVXPY model on checked data, with handles on its variables and constraints.

        ``reduce=True`` gives the solver the loss's reduced model when it has one and the data
        are tall (``n`` above the number of coefficients): the same objective, exactly, with a
        ``d x d`` factor of the data in place of ``n`` rows. ``reduce=False`` is the textbook model.
        """
        w = cp.Variable(data.d, name="w")
        b = cp.Variable(name="b") if self.fit_intercept else None
        param = self.form.parameter()
        pen = self._gate(w)
        assert pen is not None
        fit, constraints, model = None, [], "plain"
        if reduce and data.n > data.d + self.fit_intercept:
            u = w if b is None else cp.hstack([w, cp.reshape(b, (1,), order="F")])
            try:
                fit = self.loss.reduced_model(data, u, self.fit_intercept)
                model = "reduced"
            except NotSupportedError:
                pass
        if fit is None:
            fit, constraints = self.loss.model(data.X @ w + (0.0 if b is None else b), data.y, data.sample_weight)
        objective, form_constraints, pen_con = self.form.assemble(fit, pen, param)
        bound_items = box_constraints(self.bounds, w)
        linear = [c.build(w) for c in self.constraints]
        constraints += form_constraints + [item[1] for item in bound_items if item is not None] + linear
        prob = cp.Problem(cp.Minimize(objective), constraints)
        if not fit.is_convex():  # a custom loss that CVXPY cannot certify convex in w
            raise DCPError(
                f"{self!r} is not convex, so cvxreg will not build it: by CVXPY's DCP rules the loss "
                f"{self.loss!r} has curvature {fit.curvature} in w. Write its terms with convex CVXPY atoms "
                f"of eta (square, abs, pos, logistic, huber, exp, ...) following the DCP rules."
            )
        if not prob.is_dcp():  # e.g. a custom penalty built from non-DCP pieces
            raise DCPError(_dcp_message(self, pen))
        return _Built(prob, w, b, param, pen_con, bound_items, data, model, linear)

    def built(
        self, data: Data | Callable[[], Data], *, reduce: bool = True, key: tuple[Any, ...] | None = None
    ) -> tuple[_Built, bool]:
        """``build``, re-used across calls, and whether it was: the same loss, penalty, kind of
        form, intercept and bounds on the same data (``key``, default its fingerprint) compile
        once, and a new lam or t only sets the model's parameter (the problems are DPP).
        ``data`` may be a function making the data (with ``key``): it runs only to build."""
        bounds = None
        if self.bounds is not None:
            bounds = tuple(None if side is None else np.asarray(side).tobytes() for side in self.bounds)
        structure = (self.loss.identity(), self.penalty.cache_key(), type(self.form).__name__, self.fit_intercept)
        full_key = (*structure, bounds, reduce)
        full_key += tuple(c.key() for c in self.constraints)
        full_key += key if key is not None else data.fingerprint  # type: ignore[union-attr]
        hit = _BUILT.get(full_key)
        if hit is None:
            fresh = self.build(data() if callable(data) else data, reduce=reduce)
            # A textbook model holds a copy of X: keep only those of moderate size.
            if fresh.model != "plain" or fresh.data.n * fresh.data.d <= _KEEP_PLAIN_ENTRIES:
                _BUILT[full_key] = fresh
                while len(_BUILT) > _BUILT_SIZE:
                    _BUILT.popitem(last=False)
            return fresh, False
        _BUILT.move_to_end(full_key)
        hit.param.value = self.form.param_value
        if not callable(data):
            hit.data = data
        return hit, True

    def to_cvxpy(self, X: Any, y: Any, *, sample_weight: Any = None, reduce: bool = True) -> cp.Problem:
        """The CVXPY problem for this data (DPP: ``lam``/``t`` is a nonneg Parameter).

        ``reduce=False`` gives the textbook model, one term per sample; see ``build``.
        """
        return self.build(self.check_data(X, y, sample_weight, "Problem.to_cvxpy"), reduce=reduce).problem

    # -- solving -------------------------------------------------------------------------------
    def solve(
        self,
        X: Any,
        y: Any,
        *,
        sample_weight: Any = None,
        solver: Any = None,
        check: bool = False,
        certify: bool = True,
        raw: bool = False,
        reduce: bool = True,
        tol: float = 1e-6,
        **solver_opts: Any,
    ) -> Result:
        """Solve on ``(X, y)`` and return a ``Result``.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n, d)
        y : array-like of shape (n,)
        sample_weight : array-like of shape (n,), optional
        solver : str or cvxpy Solver, optional
            Default Clarabel (``default_solver()``).
        check : bool, default False
            Raise ``cvxreg.SolveError`` when no solution comes back, instead of returning a
            ``Result`` whose ``status`` says why ("solver_error", "unsupported", "infeasible", ...).
        certify : bool, default True
            Compute ``Result.certificate`` (KKT residual, infeasibility, slackness, gap). Only
            ``raw=True`` can skip it: a polished answer is kept by comparing certificates.
        raw : bool, default False
            Return the solver's own answer. By default it is polished to the exact minimizer
            on its support (exact zeros), kept only when its certificate is at least as good
            as the solver's (``cvxreg.polish``).
        reduce : bool, default True
            Give the solver the reduced model where there is one (``build``); ``False``
            gives it the textbook model.
        tol : float, default 1e-6
            The status is ``"optimal"`` only when the certificate passes at ``tol`` on this
            data. When the first answer does not, the solve escalates (the polish, then the
            solver at tight settings, then Clarabel at tight settings when another solver was
            used, unless ``solver_opts`` were given) and returns the best answer, with status
            ``"optimal_inaccurate"`` and a message naming the worst measure if none passes.
            A certified answer is ``"optimal"`` whatever the solver said.
        **solver_opts
            Passed to the solver unchanged.

        Returns
        -------
        Result
            For ``MultinomialLogisticLoss``: ``coef`` of shape (d, K), K intercepts and the
            classes (``cvxreg.multinomial``; neither polished nor reduced).
        """
        if blocks.is_blocked(X):  # a Dask array: the reduced solve (least squares) or proximal Newton, by blocks
            if not self.loss.least_squares:
                if raw:
                    raise NotSupportedError(
                        f"{self!r}: a smooth loss on data by blocks is solved by proximal Newton, whose certificate "
                        "is its stopping rule: raw=True is not taken (solver and its options go to each step's model)."
                    )
                return blocks_newton.solve(self, X, y, sample_weight=sample_weight, tol=tol, check=check,
                                           solver=solver, **solver_opts)  # fmt: skip
            return blocks.solve(
                self, X, y, sample_weight=sample_weight, solver=solver, check=check, certify=certify, raw=raw,
                reduce=reduce, tol=tol, **solver_opts,
            )  # fmt: skip
        if self.loss.multi_output:
            from cvxreg.multinomial import solve_multinomial

            return solve_multinomial(
                self, X, y, sample_weight=sample_weight, solver=solver, check=check, certify=certify, tol=tol,
                **solver_opts,
            )  # fmt: skip
        return solve_module.solve(
            self, X, y, sample_weight=sample_weight, solver=solver, check=check, certify=certify, raw=raw,
            reduce=reduce, tol=tol, solver_opts=solver_opts,
        )  # fmt: skip

    def restricted(self, mask: np.ndarray) -> Problem:
        """This problem on the coefficients ``mask`` selects (the others fixed at 0)."""
        def keep(side: Any) -> Any:
            return side if side is None or np.ndim(side) == 0 else np.asarray(side)[mask]

        bounds = None if self.bounds is None else tuple(keep(side) for side in self.bounds)
        if self.constraints:
            raise NotSupportedError(f"{self!r} has linear constraints on every coefficient: it does not restrict.")
        return self._like(penalty=self.penalty.restrict(mask), bounds=bounds)

    def certify(self, result: Result, data: Data) -> Result:
        """``result`` with its certificate for this problem on checked ``data``."""
        return dataclasses.replace(result, certificate=certificates.certificate_on(self, data, result))

    def solve_built(
        self, built: _Built, solver: Any, solver_opts: dict[str, Any], *, evaluate: bool = True
    ) -> Result:
        """Solve a built model (``build``) with ``solver``; failures become statuses.
        ``evaluate=False`` leaves ``objective`` NaN (a pass over the data saved)."""
        prob = built.problem
        label = solver_label(solver) if solver is not None else "default"
        failure, message, wall = run_solver(prob, solver, solver_opts)
        if failure:
            return self._failed(built, label, failure, message, wall)
        impossible = self._impossible(prob.status, label)
        if impossible is not None:
            return self._failed(built, label, Status.SOLVER_ERROR, impossible, wall)
        stats = prob.solver_stats
        used = stats.solver_name if stats is not None else label
        setup = float(getattr(prob, "compilation_time", None) or math.nan)
        solve_time = float(stats.solve_time) if stats is not None and stats.solve_time else math.nan
        if not solve_time > 0:  # some solvers report no time (or 0): fall back to wall clock minus compile
            solve_time = max(wall - (setup if math.isfinite(setup) else 0.0), 0.0)
        iters = int(stats.num_iters) if stats is not None and stats.num_iters is not None else None
        w = built.w.value
        if w is None:
            return self._failed(built, used, prob.status, "no solution returned", solve_time, setup=setup, iters=iters)
        coef = np.asarray(w, dtype=float).ravel()
        if self.bounds is not None:  # coefficients held at a value (lower = upper) take it exactly
            lower, upper = (_full(side, coef.shape) for side in self.bounds)
            coef = np.where(lower == upper, lower, coef)
        b = 0.0 if built.b is None else float(built.b.value)
        dual: Any = None
        if built.penalty_constraint is not None:
            dual = self.form.multiplier(built.penalty_constraint.dual_value)
        lo_dual, hi_dual = (self._bound_dual(item, len(coef)) for item in built.bounds)
        constraint_duals = None
        if built.linear:
            constraint_duals = tuple(
                np.full(c.shape, math.nan) if c.dual_value is None else np.atleast_1d(np.asarray(c.dual_value, float))
                for c in built.linear
            )
        data = built.data
        return Result(
            coef=coef,
            intercept=b,
            # The objective at the returned point, not the model's value: an epigraph model
            # may keep slack that the true objective does not have.
            objective=self.objective_on(data, coef, b) if evaluate else math.nan,
            status=prob.status,
            solver=used,
            dual=dual,
            lower_dual=lo_dual,
            upper_dual=hi_dual,
            setup_time=setup,
            solve_time=solve_time,
            iterations=iters,
            feature_names=data.feature_names,
            model=built.model,
            classes=data.classes,
            constraint_duals=constraint_duals,
        )

    def _bound_dual(self, item: tuple[np.ndarray, cp.Constraint] | None, d: int) -> np.ndarray | None:
        if self.bounds is None:
            return None
        out = np.zeros(d)
        if item is not None:
            idx, con = item
            out[idx] = math.nan if con.dual_value is None else np.asarray(con.dual_value, dtype=float).ravel()
        return out

    def _impossible(self, status: str, solver: str) -> str | None:
        """Why a solver's "infeasible" or "unbounded" cannot be true of this problem (a
        numerical failure, reported as one), or None when it could be."""
        if status not in (Status.INFEASIBLE, Status.INFEASIBLE_INACCURATE, Status.UNBOUNDED,
                          Status.UNBOUNDED_INACCURATE, Status.INFEASIBLE_OR_UNBOUNDED):  # fmt: skip
            return None
        # Feasible: nothing but the penalty's ball constrains w, and w = 0 is in every ball of a
        # homogeneous penalty (R(0) = 0 <= t); and the loss is defined for every eta (a built-in
        # loss: a user's loss may have a domain, -log(eta) say, that no w reaches).
        penalized = self.form.param_name == "lam"
        ball = self.penalty.homogeneity() is not None and bool(np.all(np.asarray(self.form.param_value) >= 0))
        feasible = self.loss.bounded_below and self.bounds is None and not self.constraints and (penalized or ball)
        # Bounded below: the loss is, and so is the penalty (or it is a constraint, not a term).
        bounded = self.loss.bounded_below and (not penalized or self.penalty.bounded_below())
        if status == Status.INFEASIBLE_OR_UNBOUNDED:
            wrong = feasible and bounded
        else:
            wrong = feasible if status.startswith("infeasible") else bounded
        if not wrong:
            return None
        facts = [f for f, on in (("feasible (w = 0 satisfies it)", feasible), ("bounded below", bounded)) if on]
        return (
            f"{solver} reported {str(status)!r}, but this problem is {' and '.join(facts)}: a numerical "
            "failure (often data in very different units); try another solver, or rescale X's columns"
        )

    def _failed(
        self,
        built: _Built,
        solver: str,
        status: str,
        message: str,
        solve_time: float,
        *,
        setup: float = math.nan,
        iters: int | None = None,
    ) -> Result:
        return Result(
            coef=np.full(built.data.d, math.nan),
            intercept=math.nan if self.fit_intercept else 0.0,
            objective=math.nan,
            status=status,
            solver=solver,
            dual=None if built.penalty_constraint is None else self.form.multiplier(None),
            setup_time=setup,
            solve_time=solve_time,
            iterations=iters,
            feature_names=built.data.feature_names,
            message=message,
            model=built.model,
        )

    # -- NumPy twin and conversions ------------------------------------------------------------
    def objective_value(self, X: Any, y: Any, coef: Any, intercept: float = 0.0, *, sample_weight: Any = None) -> float:
        """The objective at ``(coef, intercept)``, computed with NumPy (no solver)."""
        data = self.check_data(X, y, sample_weight, "Problem.objective_value")
        return self.objective_on(data, coef, intercept)

    def objective_on(self, data: Data, coef: Any, intercept: float = 0.0) -> float:
        """``objective_value`` on already checked data."""
        allowed = f"{data.d} finite numbers (one per column of X)"
        try:
            w = np.asarray(coef, dtype=float)
        except (TypeError, ValueError):
            raise invalid("coef", "Problem.objective_value", allowed, coef) from None
        if w.shape != (data.d,) or not np.all(np.isfinite(w)):
            raise invalid("coef", "Problem.objective_value", allowed, coef)
        intercept = check_real(intercept, "intercept", "Problem.objective_value")
        fit = self.loss.value(data.X, data.y, w, intercept, data.sample_weight)
        return self.form.objective_value(fit, self.penalty.value(w))

    def reference(self, X: Any, y: Any, *, sample_weight: Any = None) -> Result | None:
        """The closed-form solution as a ``Result`` when one applies (else None); see ``cvxreg.reference``."""
        return reference.reference_result(self, X, y, sample_weight=sample_weight)

    def lambda_max(self, X: Any, y: Any, *, sample_weight: Any = None) -> float:
        """The smallest ``lam`` at which every penalized coefficient is 0 (``inf`` if none)."""
        if self.loss.multi_output:
            from cvxreg import multinomial_path

            return multinomial_path.lambda_max(self, X, y, sample_weight)
        return certificates.lambda_max(self, X, y, sample_weight=sample_weight)

    def to_constrained(self, result: Result) -> Problem:
        """This penalized problem as ``Constrained(t = R(w*))`` for the solution in ``result``."""
        return lagrange.to_constrained(self, result)

    def to_penalized(self, result: Result) -> Problem:
        """This constrained problem as ``Penalized(lam = mu)`` for the multiplier in ``result``."""
        return lagrange.to_penalized(self, result)

    def with_form(self, form: Form) -> Problem:
        """The same loss, penalty, intercept and bounds under another form."""
        if type(form) is type(self.form):  # the DCP gate's verdict depends on the kind of form only
            _check_terms(self.penalty, form)
            twin = copy.copy(self)
            twin.form = form
            return twin
        return self._like(form=form)

    def lagrangian(self, weights: Any) -> Problem:
        """The penalized problem whose objective is this problem's Lagrangian at ``weights``
        (its lam's, or its multipliers): itself for one penalty at its own lam; a
        ``WeightedSum`` at lam = 1 for a Composite."""
        flat, weight = self.penalty.weighted(weights)
        if flat is self.penalty and self.form.param_name == "lam" and weight == self.form.param_value:
            return self
        from cvxreg.forms import Penalized

        return self._like(penalty=flat, form=Penalized(weight))

    def with_penalty(self, penalty: Penalty) -> Problem:
        """The same loss, form, intercept and bounds with another penalty."""
        return self._like(penalty=penalty)

    def _like(self, *, penalty: Penalty | None = None, form: Form | None = None, bounds: Any = ...) -> Problem:
        """This problem with some parts replaced (a new Problem: the DCP gate runs again)."""
        return Problem(
            self.loss,
            self.penalty if penalty is None else penalty,
            self.form if form is None else form,
            fit_intercept=self.fit_intercept,
            bounds=self.bounds if bounds is ... else bounds,
            constraints=self.constraints,
        )

    def path(self, X: Any, y: Any, lams: Any = None, **options: Any) -> Any:
        """The solutions over a grid of lam (or of t for ``Constrained``); see ``cvxreg.path.path``
        (and ``cvxreg.blocks`` for a Dask ``X``)."""
        if blocks.is_blocked(X):
            if not self.loss.least_squares:
                return blocks_newton.path(self, X, y, lams, **options)
            return blocks.path(self, X, y, lams, **options)
        if self.loss.multi_output:
            from cvxreg import multinomial_path

            return multinomial_path.path(self, X, y, lams, **options)
        return path_module.path(self, X, y, lams, **options)

    def __repr__(self) -> str:
        extra = ", fit_intercept=True" if self.fit_intercept else ""
        if self.bounds is not None:
            extra += ", bounds=(...)"
        if self.constraints:
            extra += f", constraints={list(self.constraints)!r}"
        return f"Problem({self.loss!r}, {self.penalty!r}, {self.form!r}{extra})"
