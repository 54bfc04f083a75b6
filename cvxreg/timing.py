"""Repeated timings: a number a reader can compare, not one sample.

A solve of a textbook problem takes tens of microseconds, less than the noise of one
measurement on a busy machine. ``repeated`` runs a call until it has run at least ``repeat``
times and for at least ``min_time`` seconds in all (as ``timeit``'s autorange does), and gives
the median, the spread and the number of runs. ``solver_call`` is the call a CVXPY solver
makes once CVXPY has compiled the model: the solver's own work, timed from outside it the
same way for every solver.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["MAX_RUNS", "MIN_TIME", "REPEAT", "Timing", "repeated", "solver_call"]

#: Runs of every measurement, at least.
REPEAT = 3
#: Seconds a measurement runs in all, at least (unless ``MAX_RUNS`` come first).
MIN_TIME = 0.02
#: Runs of a measurement, at most.
MAX_RUNS = 200


@dataclass(frozen=True)
class Timing:
    """Seconds per run: the median of ``runs`` runs, and their spread, the interquartile range
    over the median (0 for one run)."""

    median: float
    spread: float
    runs: int

    @classmethod
    def of(cls, seconds: list[float]) -> Timing:
        x = np.asarray(seconds, dtype=float)
        if x.size == 0:
            return cls(math.nan, math.nan, 0)
        mid = float(np.median(x))
        q1, q3 = np.percentile(x, [25.0, 75.0])
        return cls(mid, float((q3 - q1) / mid) if mid > 0 else 0.0, int(x.size))


def repeated(
    call: Callable[[], Any],
    *,
    repeat: int = REPEAT,
    min_time: float = MIN_TIME,
    max_runs: int = MAX_RUNS,
    budget: float = math.inf,
    first: float | None = None,
) -> Timing:
    """Time ``call``: at least ``repeat`` runs and ``min_time`` seconds in all, at most
    ``max_runs`` runs; no new run starts once ``budget`` seconds are spent (a slow call is
    timed fewer times rather than not at all). ``first``: the seconds of a run already made,
    counted as the first."""
    seconds = [] if first is None else [float(first)]
    spent = sum(seconds)
    while len(seconds) < max_runs and (len(seconds) < repeat or spent < min_time):
        if seconds and spent + float(np.median(seconds)) > budget:
            break
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
        spent += seconds[-1]
    return Timing.of(seconds)


def solver_call(prob: Any, solver: str, opts: dict[str, Any]) -> Callable[[], Any]:
    """The solver's own call on the data CVXPY compiles ``prob`` into for ``solver`` (compiled
    here, once): timing it leaves CVXPY's compile and answer unpacking out, for every solver
    alike."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data, chain, _ = prob.get_problem_data(solver=solver, solver_opts=opts)
    backend = chain.solver

    def call() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return backend.solve_via_data(data, warm_start=False, verbose=False, solver_opts=dict(opts))

    return call
