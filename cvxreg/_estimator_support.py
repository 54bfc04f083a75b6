"""What the scikit-learn estimators (``cvxreg.sklearn``) share and do not show: the fit of a
cross-validating estimator, the checks of a Dask ``X`` made without reading it, and the facts
their tags ask of the loss."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import numpy as np

from cvxreg._validation import check_choice, invalid
from cvxreg.cross_validation import cross_validate
from cvxreg.errors import InvalidParameterError, SolveError
from cvxreg.penalties import Penalty

__all__ = ["blocked_input", "cross_validated", "penalty_by_name", "refuses_negative_targets"]

#: The estimators' own parameters that a penalty may take (``Penalty.estimator_params``).
_ESTIMATOR_PENALTY_PARAMS = ("l1_ratio", "p")



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


def penalty_by_name(estimator: Any, owner: str, registry: Mapping[str, Any]) -> Penalty:
    """The penalty an estimator's ``penalty``, ``penalty_params`` and own parameters (those the
    class lists in ``estimator_params``: ``l1_ratio``, ``p``) state; an object as given."""
    params = {} if estimator.penalty_params is None else estimator.penalty_params
    if isinstance(estimator.penalty, Penalty):
        if params:
            raise invalid("penalty_params", owner, "None when 'penalty' is an object (it holds its own)", params)
        return estimator.penalty
    name = check_choice(estimator.penalty, "penalty", owner, tuple(registry))
    cls = registry[name]
    signature = inspect.signature(cls.__init__).parameters
    own = [k for k in _ESTIMATOR_PENALTY_PARAMS if k in cls.estimator_params and k in signature]
    for key in _ESTIMATOR_PENALTY_PARAMS:
        if key not in own and getattr(estimator, key) is not None:
            raise invalid(key, owner, f"None unless the penalty takes it ({name!r} does not)", getattr(estimator, key))
    if not isinstance(params, dict):
        raise invalid("penalty_params", owner, f"a dict of {name!r}'s own parameters", params)
    accepted = [k for k in signature if k not in ("estimator", *own)]
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        allowed = f"keys among {accepted} for penalty {name!r}"
        allowed += f" ({', '.join(map(repr, own))}: the estimator's own parameter)" if own else ""
        raise invalid("penalty_params", owner, allowed, f"keys {unknown}", raw=True)
    given = {k: getattr(estimator, k) for k in own if getattr(estimator, k) is not None}
    for key in own:
        if key not in given and signature[key].default is inspect.Parameter.empty:
            raise invalid(key, owner, f"a value for penalty={name!r} (it has no default)", None)
    return cls.from_params({**given, **params})
