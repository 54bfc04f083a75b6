"""Losses that are a norm of the whole residual vector, not a sum over samples: the norm
approximation problems of Boyd & Vandenberghe (Section 6.1).

``NormLoss()`` is ``||y - Xw - b||_2`` (not squared: the square-root lasso's loss);
``MaxLoss()`` is ``||y - Xw - b||_inf`` (Chebyshev or minimax approximation). Neither splits
over samples, so neither takes sample weights; their (sub)gradient in ``eta = Xw + b`` comes
from the whole residual, and where it is a set (``r = 0`` for the norm, ties for the max) the
certificate ranges over it (``subgradient_set``).
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

import cvxpy as cp
import numpy as np

from cvxreg._protocol import optional
from cvxreg.errors import NotSupportedError
from cvxreg.losses._base import Loss
from cvxreg.losses._regression import SquaredLoss
from cvxreg.solvers import default_solver, solver_options

if TYPE_CHECKING:
    from cvxreg._validation import Data
    from cvxreg.problem import Problem
    from cvxreg.result import Result

__all__ = ["MaxLoss", "NormLoss"]


class _WholeResidual(Loss):
    """A loss that is a function of the whole residual ``r = y - eta``."""

    bounded_below = True

    def check_weights(self, sample_weight: np.ndarray | None) -> None:
        if sample_weight is not None:
            raise NotSupportedError(
                f"{self!r} is a norm of the whole residual, not a sum over samples: it takes no sample_weight."
            )

    def terms_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotSupportedError(f"{self!r} does not split into per-sample terms.")

    def sum_expr(self, eta: cp.Expression, y: np.ndarray, sample_weight: np.ndarray | None) -> cp.Expression:
        self.check_weights(sample_weight)
        return self._norm_expr(y - eta)

    def _norm_expr(self, r: cp.Expression) -> cp.Expression:
        raise NotSupportedError(f"{type(self).__name__} does not define its norm.")

    def _norm(self, r: np.ndarray) -> float:
        raise NotSupportedError(f"{type(self).__name__} does not define its norm.")

    def value(
        self, X: Any, y: np.ndarray, w: np.ndarray, b: float = 0.0, sample_weight: np.ndarray | None = None
    ) -> float:
        self.check_weights(sample_weight)
        eta = np.asarray(X @ np.asarray(w, dtype=float)).ravel() + b
        return self._norm(np.asarray(y, dtype=float) - eta) / self.weight_total(len(y), None)


class NormLoss(_WholeResidual):
    """``L(w, b) = ||y - Xw - b||_2`` (divided by ``n`` with ``scale="mean"``), not squared.

    Its minimizer without a penalty is the least-squares solution; with a penalty it is the
    square-root lasso's loss (Belloni, Chernozhukov & Wang 2011), whose lam does not scale
    with the noise level. The gradient in ``eta`` is ``(eta - y) / ||y - eta||``; at a zero
    residual the subdifferential is the unit ball.
    """

    file_name = "norm"

    def _norm_expr(self, r: cp.Expression) -> cp.Expression:
        return cp.norm2(r)

    def _norm(self, r: np.ndarray) -> float:
        return float(np.linalg.norm(r))

    def derivative(self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        r = np.asarray(y, dtype=float) - eta
        size = float(np.linalg.norm(r))
        g = -r / size if size > tol * np.sqrt(len(r)) and size > 0 else np.zeros(len(r))
        return g, g

    def subgradient_set(
        self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0
    ) -> tuple[cp.Expression, list[cp.Constraint]] | None:
        r = np.asarray(y, dtype=float) - eta
        if np.linalg.norm(r) > tol * np.sqrt(len(r)) and np.any(r):
            return None  # differentiable here: derivative() is the gradient
        G = cp.Variable(len(r))
        return G, [cp.norm2(G) <= 1]


    def polish(self, problem: Problem, data: Data, result: Result, *, max_iter: int = 100) -> Result | None:
        """The exact answer through least squares, which has the same minimizers.

        ``c ||r||`` and ``1/2 ||r||^2`` are increasing functions of each other, so under the
        same constraints they have the same minimizer, and the multiplier of ``R <= t`` is
        ``c mu_sq / ||r||``. Penalized, ``c ||r|| + lam R`` is stationary where ``1/2 ||r||^2 +
        (lam sigma / c) R`` is, with ``sigma = ||r||`` at the solution: the fixed point
        ``sigma -> ||r(w(lam sigma / c))||`` of the scaled lasso (Sun & Zhang 2012), started at
        the solver's residual. Each step is a polished least-squares solve. None when the
        residual vanishes or the iteration does not settle.
        """
        from cvxreg.forms import Constrained, Penalized

        if not result.ok:
            return None
        c = 1.0 / self.weight_total(data.n, None)

        def solve(form: Any) -> Result | None:
            twin = type(problem)(
                SquaredLoss(), problem.penalty, form, fit_intercept=problem.fit_intercept,
                bounds=problem.bounds, constraints=problem.constraints,
            )  # fmt: skip
            solver = default_solver()
            found = twin.solve(data.X, data.y, solver=solver, **solver_options(solver, "tight"))
            return found if found.ok else None

        def residual(found: Result) -> float:
            return float(np.linalg.norm(data.y - np.asarray(data.X @ found.coef).ravel() - found.intercept))

        if problem.form.param_name == "t":
            found = solve(Constrained(problem.form.param_value))
            if found is None or residual(found) == 0:
                return None
            dual = None if found.dual is None else c * np.asarray(found.dual) / residual(found)
            dual = float(dual) if dual is not None and np.ndim(dual) == 0 else dual
        else:
            lam = np.asarray(problem.form.param_value, dtype=float)
            sigma = float(np.linalg.norm(data.y - np.asarray(data.X @ result.coef).ravel() - result.intercept))
            found = None
            for _ in range(max_iter):
                if not sigma > 0:
                    return None
                weight = lam * sigma / c
                found = solve(Penalized(weight if weight.ndim else float(weight)))
                if found is None:
                    return None
                new = residual(found)
                settled = abs(new - sigma) <= 1e-14 * max(1.0, sigma)
                sigma = new
                if settled or not np.any(lam > 0):
                    break
            else:
                return None
            dual = result.dual
        assert found is not None
        objective = problem.objective_on(data, found.coef, found.intercept)
        if not math.isfinite(objective) or objective > result.objective + 1e-10 * max(1.0, abs(result.objective)):
            return None  # never keep a route that ends higher than the solver's own answer
        return dataclasses.replace(
            result, coef=found.coef, intercept=found.intercept, dual=dual, objective=objective, polished=True,
            certificate=None, message="",
        )  # fmt: skip


class MaxLoss(_WholeResidual):
    """``L(w, b) = max_i |y_i - x_i^T w - b|`` (divided by ``n`` with ``scale="mean"``): the
    Chebyshev (minimax) approximation problem, a linear program.

    Its subdifferential in ``eta`` is the convex hull of ``sign(eta_i - y_i) e_i`` over the
    samples whose residual reaches the maximum (within ``tol``), so a certificate ranges over
    that hull. The model is an explicit epigraph ``-s <= y - eta <= s``.
    """

    file_name = "max"

    def _norm_expr(self, r: cp.Expression) -> cp.Expression:
        return cp.norm_inf(r)

    def _norm(self, r: np.ndarray) -> float:
        return float(np.max(np.abs(r), initial=0.0))

    def model(
        self, eta: cp.Expression, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> tuple[cp.Expression, list[cp.Constraint]]:
        self.check_weights(sample_weight)
        s = cp.Variable(name="max_residual")
        return s / self.weight_total(len(y), None), [y - eta <= s, eta - y <= s]

    def epigraph_pieces(self, eta: cp.Expression, y: np.ndarray) -> list[cp.Expression]:
        return [y - eta, eta - y]  # each below the one epigraph variable s

    def epigraph_value(self, eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.array([self._norm(np.asarray(y, dtype=float) - eta)])

    @optional
    def derivative(self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        raise NotSupportedError(f"{self!r} has a subdifferential that is not a box: see subgradient_set.")

    def subgradient_set(
        self, eta: np.ndarray, y: np.ndarray, *, tol: float = 0.0
    ) -> tuple[cp.Expression, list[cp.Constraint]] | None:
        r = np.asarray(y, dtype=float) - eta
        top = self._norm(r)
        active = np.abs(r) >= top - max(tol, 1e-12 * max(1.0, top))
        n = len(r)
        p = cp.Variable(n, nonneg=True)
        cons: list[cp.Constraint] = [cp.sum(p) == 1]
        if np.any(~active):
            cons.append(p[np.flatnonzero(~active)] == 0)
        if top <= tol:  # every residual is zero (within tol): the subdifferential is the unit l1 ball
            G = cp.Variable(n)
            return G, [cp.norm1(G) <= 1]
        return cp.multiply(-np.sign(r), p), cons

    def intercept_only(self, y: np.ndarray, sample_weight: np.ndarray | None = None) -> float:
        self.check_weights(sample_weight)
        return float((np.max(y) + np.min(y)) / 2)  # the midrange
