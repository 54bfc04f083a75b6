"""p < 1 on request: iteratively reweighted L1, a local method that says so."""

from __future__ import annotations

import numpy as np
import pytest

import cvxreg as cr
from cvxreg.nonconvex import LocalResult, reweighted


def _sparse(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((40, 80))
    w = np.zeros(80)
    w[:5] = [3.0, -2.5, 2.0, -1.5, 2.2]
    return X, X @ w + 0.05 * rng.standard_normal(40), w


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reweighting_recovers_the_support_the_lasso_overselects(seed):
    X, y, w = _sparse(seed)
    lasso = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.5)).solve(X, y)
    assert len(lasso.support) > 5  # the lasso picks extra features here
    with pytest.warns(cr.errors.LocalSolutionWarning, match="local solution"):
        found = reweighted(cr.SquaredLoss(), 0.5, 0.5, X, y)
    assert isinstance(found, LocalResult) and found.local and "local" in found.note
    assert np.array_equal(found.support, np.flatnonzero(w))
    # Majorization-minimization: the smoothed objective never goes up.
    assert np.all(np.diff(found.history) <= 1e-9 * abs(found.history[0]))
    assert found.n_solves == len(found.history) >= 2
    # Never presented as certified: the result has no certificate of its own.
    assert not hasattr(found, "certificate")


def test_reweighted_is_only_reachable_by_name_and_checks_its_arguments():
    assert not hasattr(cr, "reweighted")
    with pytest.raises(cr.DCPError):  # the default for p < 1 stays a refusal
        cr.Problem(cr.SquaredLoss(), cr.Lp(0.5), cr.Penalized(1.0))
    X, y, _ = _sparse(0)
    for kwargs, name in (({"p": 1.0}, "'p'"), ({"p": 0.5, "iters": 0}, "'iters'"), ({"p": 0.5, "eps": 0.0}, "'eps'")):
        with pytest.raises(cr.InvalidParameterError, match=name):
            reweighted(cr.SquaredLoss(), lam=0.5, X=X, y=y, **kwargs)
