from __future__ import annotations

import numpy as np
import pytest

#: Clarabel at tight tolerances: interior-point accuracy ~1e-9 on QPs, ~1e-7 on cones.
TIGHT = {"solver": "CLARABEL", "tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10, "max_iter": 500}


def regression_data(n: int = 30, d: int = 5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w = np.zeros(d)
    w[: max(1, d // 2)] = rng.uniform(1.0, 3.0, max(1, d // 2)) * rng.choice([-1, 1], max(1, d // 2))
    y = X @ w + 0.5 * rng.standard_normal(n)
    return X, y


def classification_data(n: int = 40, d: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    score = X @ rng.standard_normal(d) + 0.8 * rng.standard_normal(n)
    return X, np.where(score > 0, 1.0, -1.0)


def count_data(n: int = 40, d: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = 0.5 * rng.standard_normal((n, d))
    y = rng.poisson(np.exp(X @ rng.uniform(-0.5, 0.5, d) + 0.5)).astype(float)
    return X, y


@pytest.fixture
def reg_data() -> tuple[np.ndarray, np.ndarray]:
    return regression_data()
