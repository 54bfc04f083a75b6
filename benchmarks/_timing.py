"""What the benchmark scripts share: timing by medians of interleaved repetitions, and data."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np


def timed(fn: Callable[[], object]) -> float:
    """Wall time of one call."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleaved(fns: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median time of each function, the functions taking turns so that drift hits all alike."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeats):
        for key, fn in fns.items():
            times[key].append(timed(fn))
    return {k: statistics.median(v) for k, v in times.items()}


def sparse_truth(n: int, d: int, k: int, seed: int = 0, noise: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian X and y = X w + noise, with k nonzero coefficients of size 1 to 3."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w = np.zeros(d)
    w[:k] = rng.uniform(1, 3, k) * rng.choice([-1, 1], k)
    return X, X @ w + noise * rng.standard_normal(n)


def print_table(head: list[str], rows: list[list[str]]) -> None:
    """A Markdown table, as the README shows it."""
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(row) + " |")
