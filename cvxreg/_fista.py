"""Accelerated proximal gradient (FISTA, Beck & Teboulle 2009) on a matrix of coefficients and
a vector of intercepts, with a backtracked step and adaptive restarts (O'Donoghue & Candès
2015): the first stage of the multinomial loss's proximal route."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["Fista"]


class Fista:
    """FISTA on ``(W, b)`` from zero: a backtracked step and adaptive restarts (O'Donoghue &
    Candès), ``smooth(W, b, grad)`` the loss (and its gradient), ``prox`` the penalty's."""

    def __init__(self, smooth: Callable[..., Any], prox: Callable[..., np.ndarray], objective: Callable[..., float],
                 shape: tuple[int, int], L: float) -> None:  # fmt: skip
        self.smooth, self.prox, self.objective = smooth, prox, objective
        self.W, self.b, self.t, self.steps, self.L = np.zeros(shape), np.zeros(shape[1]), 1.0, 0, L
        f, gW, gb = smooth(self.W, self.b, True)
        self.scale = max(float(np.sqrt(np.sum(gW * gW) + gb @ gb)), 1e-300)
        self.V, self.bv, self.fv, self.gV, self.gbv = self.W, self.b, f, gW, gb
        self.F = objective(self.W, f)

    def run(self, goal: float) -> bool:
        """Steps until the prox-gradient step's residual is below ``goal``; False when the
        iteration fails (an overflow) or the budget is spent."""
        W, b, V, bv, fv, gV, gbv = self.W, self.b, self.V, self.bv, self.fv, self.gV, self.gbv
        F, t, L = self.F, self.t, self.L
        while self.steps < 20_000:
            self.steps += 1
            while True:
                W_new, b_new = self.prox(V - gV / L, 1.0 / L), bv - gbv / L
                D, db = W_new - V, b_new - bv
                f_new = self.smooth(W_new, b_new, False)[0]
                size = float(np.sum(D * D) + db @ db)
                if f_new <= fv + float(np.sum(gV * D) + gbv @ db) + 0.5 * L * size * (1 + 1e-12) + 1e-15 * abs(fv):
                    break
                L *= 2.0
                if not L < 1e300:
                    return False
            F_new = self.objective(W_new, f_new)
            done = L * math.sqrt(size) <= goal
            if F_new > F and not done:  # adaptive restart: from W, no momentum
                t, V, bv = 1.0, W, b
            else:
                t_new = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * t * t))
                V, bv = W_new + ((t - 1.0) / t_new) * (W_new - W), b_new + ((t - 1.0) / t_new) * (b_new - b)
                W, b, F, t = W_new, b_new, F_new, t_new
                L *= 0.9  # the step may grow back where the curvature is smaller
            fv, gV, gbv = self.smooth(V, bv, True)
            self.W, self.b, self.V, self.bv, self.fv, self.gV, self.gbv, self.F, self.t, self.L = (
                W, b, V, bv, fv, gV, gbv, F, t, L
            )
            if done:
                return bool(np.all(np.isfinite(W)))
        return False
