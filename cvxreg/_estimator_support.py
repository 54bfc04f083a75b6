"""What the scikit-learn estimators (``cvxreg.sklearn``) share and do not show: the fit of a
cross-validating estimator, the checks of a Dask ``X`` made without reading it, and the facts
their tags ask of the loss."""

from __future__ import annotations

from typing import Any

import numpy as np

from cvxreg._validation import invalid
from cvxreg.cross_validation import cross_validate
from cvxreg.errors import InvalidParameterError, SolveError

__all__ = ["blocked_input", "cross_validated", "refuses_negative_targets"]


def cross_validated(estimator: Any, X: Any, y: Any, folds: Any, sample_weight: Any) -> Any:
    """A CV estimator fitted: ``cross_validate`` with its parameters, then its refit's attributes."""
    cv = cross_validate(
        estimator.problem(), X, y, lams=estimator.lams, l1_ratios=estimator.l1_ratios, folds=folds,
        scoring=estimator.scoring, n_jobs=estimator.n_jobs, n_lams=estimator.n_lams, eps=estimator.eps,
        sample_weight=sample_weight, select=estimator.select,
    )  # fmt: skip
    result = cv.result
    if not result.ok:
        name = type(estimator).__name__
        raise SolveError(f"{name} could not be refitted: status {result.status!r}. {result.message}")
    lam = cv.best_lam if estimator.select == "best" else cv.one_se_lam
    estimator.cv_, estimator.lam_, estimator.l1_ratio_ = cv, lam, cv.best_l1_ratio
    estimator.result_ = result
    if np.ndim(result.coef) == 2:  # the multinomial loss: one row per class, as scikit-learn's
        estimator.coef_, estimator.intercept_ = np.array(result.coef).T.copy(), np.array(result.intercept, dtype=float)
    else:
        estimator.coef_, estimator.intercept_ = np.array(result.coef), float(result.intercept)
    estimator.dual_ = None
    return estimator


def blocked_input(estimator: Any, X: Any, *, reset: bool) -> None:
    """What ``validate_data`` checks of a Dask ``X`` without reading it (``cvxreg.blocks``
    checks its values as it reduces them): two dimensions, and the fitted number of columns."""
    if X.ndim != 2:
        raise invalid("X", type(estimator).__name__, "a 2-D array", f"{X.ndim} dimensions", raw=True)
    if reset:
        estimator.n_features_in_ = int(X.shape[1])
    elif X.shape[1] != estimator.n_features_in_:
        got = f"{X.shape[1]} features, but it was fitted with {estimator.n_features_in_}"
        raise invalid("X", type(estimator).__name__, f"an array of {estimator.n_features_in_} features", got, raw=True)


def refuses_negative_targets(estimator: Any) -> bool:
    """Whether the estimator's loss refuses ``y = -1``: asked of the loss's ``check_y``."""
    try:
        loss = estimator._loss(type(estimator).__name__)
    except InvalidParameterError:  # an unknown loss: fit will say so
        return False
    try:
        loss.check_y(np.array([-1.0]))
    except InvalidParameterError:
        return True
    return False
