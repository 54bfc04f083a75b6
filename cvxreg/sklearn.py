"""scikit-learn estimators over ``Problem``: ``CvxRegressor`` and ``CvxClassifier``.

They fit ``Problem(loss, penalty, Penalized(lam))`` (or ``Constrained(t)`` when ``t`` is given)
with cvxreg's solve — reduced, polished and certified — and expose what scikit-learn expects
(``coef_``, ``intercept_``, ``n_features_in_``, ``predict``, ``score``), plus ``dual_`` for the
constrained form and the whole ``Result`` as ``result_``. They work in ``Pipeline`` and
``GridSearchCV``. Requires scikit-learn (``pip install 'cvxreg-lab[sklearn]'``).
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from cvxreg import blocks
from cvxreg import multinomial as _multinomial  # noqa: F401  (the logistic loss's K-class loss)
from cvxreg._estimator_support import blocked_input, cross_validated, penalty_by_name, refuses_negative_targets
from cvxreg._validation import check_choice, invalid
from cvxreg.errors import InvalidParameterError, NotSupportedError, SolveError
from cvxreg.exercises import LOSSES, PENALTIES
from cvxreg.forms import Constrained, Form, Penalized
from cvxreg.losses import Loss
from cvxreg.penalties import Penalty
from cvxreg.problem import Problem
from cvxreg.result import Result

__all__ = ["CvxClassifier", "CvxClassifierCV", "CvxRegressor", "CvxRegressorCV"]



class _CvxEstimator(BaseEstimator):
    """Shared parameters and fitting; see ``CvxRegressor`` for their meaning."""

    def __init__(
        self,
        loss: str | Loss = "squared",
        penalty: str | Penalty = "l1",
        lam: float = 1.0,
        *,
        t: float | None = None,
        l1_ratio: float | None = None,
        p: float | None = None,
        loss_params: dict[str, Any] | None = None,
        penalty_params: dict[str, Any] | None = None,
        scale: str = "mean",
        fit_intercept: bool = True,
        solver: Any = None,
    ) -> None:
        self.loss = loss
        self.penalty = penalty
        self.lam = lam
        self.t = t
        self.l1_ratio = l1_ratio
        self.p = p
        self.loss_params = loss_params
        self.penalty_params = penalty_params
        self.scale = scale
        self.fit_intercept = fit_intercept
        self.solver = solver

    def problem(self) -> Problem:
        """The cvxreg ``Problem`` these parameters state."""
        owner = type(self).__name__
        if not isinstance(self.fit_intercept, bool | np.bool_):  # 'no' would read as True
            raise invalid("fit_intercept", owner, "True or False", self.fit_intercept)
        form: Form = Penalized(self.lam) if self.t is None else Constrained(self.t)
        return Problem(self._loss(owner), self._penalty(owner), form, fit_intercept=bool(self.fit_intercept))

    #: Whether the estimator takes classification losses (labels) rather than regression ones.
    _classifies = False

    def _loss(self, owner: str) -> Loss:
        names = self._loss_names()
        if isinstance(self.loss, Loss):
            if bool(self.loss.classification) != self._classifies:
                kind = "a classification loss" if self._classifies else "a regression loss"
                raise invalid("loss", owner, f"{kind} (one of {list(names)}, or an object of that kind)", self.loss)
            return self.loss
        name = check_choice(self.loss, "loss", owner, names)
        params = {} if self.loss_params is None else self.loss_params
        if not isinstance(params, dict):
            raise invalid("loss_params", owner, f"a dict of {name!r}'s own parameters", params)
        if "scale" in params:
            raise invalid("loss_params", owner, "without 'scale' (the estimator's 'scale' parameter sets it)", params)
        accepted = [k for k in inspect.signature(LOSSES[name].__init__).parameters if k not in ("self", "scale")]
        unknown = sorted(set(params) - set(accepted))
        if unknown:
            raise invalid("loss_params", owner, f"keys among {accepted} for loss {name!r}", f"keys {unknown}", raw=True)
        return LOSSES[name](**params, scale=self.scale)

    def _loss_names(self) -> tuple[str, ...]:
        """The registered losses this estimator takes by name (a user's too, once defined)."""
        return tuple(n for n, c in LOSSES.items() if bool(c.classification) == self._classifies)

    def _penalty(self, owner: str) -> Penalty:
        return penalty_by_name(self, owner, PENALTIES)

    def _fit(self, X: Any, y: np.ndarray, sample_weight: Any) -> Result:
        result = self.problem().solve(X, y, sample_weight=sample_weight, solver=self.solver)
        if not result.ok:
            raise SolveError(f"{type(self).__name__} could not be fitted: status {result.status!r}. {result.message}")
        self.result_ = result
        self.coef_ = np.array(result.coef)
        self.intercept_ = float(result.intercept)
        self.dual_ = result.dual
        return result

    def _linear(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        if blocks.is_blocked(X):  # a Dask array: a lazy Dask array of predictions, block by block
            blocked_input(self, X, reset=False)
            return X @ self.coef_ + self.intercept_
        X = validate_data(self, X, accept_sparse="csr", dtype=np.float64, reset=False)
        return np.asarray(X @ self.coef_).ravel() + self.intercept_

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class CvxRegressor(RegressorMixin, _CvxEstimator):
    """A regularized linear regression solved by cvxreg: ``loss`` x ``penalty`` x form.

    Minimizes ``L(w, b) + lam * R(w)`` (or ``L`` subject to ``R(w) <= t`` when ``t`` is given)
    in the conventions of ``docs/formulas.md``. With the defaults (``scale="mean"``) it is
    scikit-learn's ``Lasso(alpha=lam)``; ``penalty="elastic_net", l1_ratio=r`` is
    ``ElasticNet(alpha=lam, l1_ratio=r)``; ``penalty="squared_l2", scale="sum"`` is
    ``Ridge(alpha=lam)``.

    Parameters
    ----------
    loss : str or Loss, default "squared"
        A regression loss's registered name (``"squared"``, ``"absolute"``, ``"huber"``,
        ``"quantile"``, ``"epsilon_insensitive"``, ``"poisson"``, ``"log_cosh"``, ..., or the
        ``file_name`` of a class of yours) or a cvxreg ``Loss``.
    penalty : str or Penalty, default "l1"
        A penalty's registered name (``"l1"``, ``"squared_l2"``, ``"elastic_net"``, ``"l2"``,
        ``"lp"``, ``"lp_power"``, ``"linf"``, ``"total_variation"``, ``"berhu"``, ``"sorted_l1"``,
        ..., or a class of yours) or a cvxreg ``Penalty``.
    lam : float, default 1.0
        The penalty weight of the penalized form.
    t : float, optional
        The radius of the constrained form ``R(w) <= t``; when given, ``lam`` is unused.
    l1_ratio : float, optional
        For a penalty that takes it (``Penalty.estimator_params``): ``"elastic_net"`` (default 0.5).
    p : float, optional
        For a penalty that takes it: ``"lp"`` or ``"lp_power"``.
    loss_params : dict, optional
        The loss's other arguments (``{"M": 1.35}`` for Huber, ``{"tau": 0.9}``, ``{"epsilon": 0.1}``).
    penalty_params : dict, optional
        The penalty's own arguments, for a penalty given by name: ``{"factors": [...]}`` (glmnet's
        ``penalty.factor``), ``{"groups": [[0, 1], [2]]}`` or ``{"sizes": [2, 1]}`` with
        ``penalty="group_lasso"``. By name they can be searched over by ``GridSearchCV``.
    scale : {"mean", "sum"}, default "mean"
        The loss is a mean over samples (scikit-learn's Lasso) or a sum (its Ridge).
    fit_intercept : bool, default True
    solver : str, optional
        A CVXPY solver name (default Clarabel).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    dual_ : float or None
        The multiplier of ``R(w) <= t`` (constrained form).
    result_ : Result
        The whole answer: status, certificate, support, model.
    n_features_in_, feature_names_in_
    """

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> CvxRegressor:
        """Fit on ``(X, y)``; returns ``self``. A Dask ``X`` (least-squares loss) is reduced by
        blocks of rows (``cvxreg.blocks``)."""
        if blocks.is_blocked(X):
            blocked_input(self, X, reset=True)
        else:
            X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64, y_numeric=True)
        self._fit(X, y, sample_weight)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """``X @ coef_ + intercept_``."""
        return self._linear(X)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        # The default lam = 1 (scikit-learn's alpha = 1) shrinks standardized data to zero:
        # a fair score needs a tuned lam, which scikit-learn's fixed-parameter checks do not give.
        tags.regressor_tags.poor_score = True
        # A loss that refuses a negative target (counts: Poisson) takes targets >= 0, as
        # scikit-learn's PoissonRegressor says of itself.
        tags.target_tags.positive_only = refuses_negative_targets(self)
        return tags


class CvxClassifier(ClassifierMixin, _CvxEstimator):
    """A regularized linear classifier solved by cvxreg, for any labels and any number of
    classes: two with any loss; more with the logistic loss by the multinomial loss (one
    coefficient vector per class, scikit-learn's multinomial ``LogisticRegression``), and with
    the hinge losses one class against the rest (scikit-learn's ``LinearSVC``).

    The same parameters as ``CvxRegressor``, with ``loss`` one of ``"logistic"`` (default),
    ``"hinge"``, ``"squared_hinge"`` (or such a ``Loss``), and ``penalty`` default ``"squared_l2"``,
    ``scale`` default ``"sum"``: then ``CvxClassifier(lam=1/C)`` is scikit-learn's
    ``LogisticRegression(C=C)`` (without liblinear's penalized intercept). The sorted labels
    are ``classes_``; the second is the positive class (+1).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (n_features,), or (n_classes, n_features) for more than two classes
    intercept_ : float, or ndarray of shape (n_classes,)
    dual_, result_, n_features_in_, feature_names_in_
        As for ``CvxRegressor`` (one of each per class, in lists, one class against the rest).
    """

    _classifies = True

    def __init__(
        self,
        loss: str | Loss = "logistic",
        penalty: str | Penalty = "squared_l2",
        lam: float = 1.0,
        *,
        t: float | None = None,
        l1_ratio: float | None = None,
        p: float | None = None,
        loss_params: dict[str, Any] | None = None,
        penalty_params: dict[str, Any] | None = None,
        scale: str = "sum",
        fit_intercept: bool = True,
        solver: Any = None,
    ) -> None:
        super().__init__(
            loss, penalty, lam, t=t, l1_ratio=l1_ratio, p=p, loss_params=loss_params, penalty_params=penalty_params,
            scale=scale,
            fit_intercept=fit_intercept, solver=solver,
        )  # fmt: skip

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> CvxClassifier:
        """Fit on ``(X, y)``; returns ``self``."""
        if blocks.is_blocked(X):
            return self._fit_blocked(X, y, sample_weight)
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64)
        check_classification_targets(y)
        classes = np.unique(y)
        owner = type(self).__name__
        if classes.size < 2:
            raise InvalidParameterError(
                f"The 'y' parameter of {owner} must hold labels of at least two classes. "
                f"Got one class: {classes.tolist()}."
            )
        self.classes_ = classes
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
            left_out = sorted(set(classes.tolist()) - set(np.unique(y[sample_weight > 0]).tolist()))
            if left_out:  # a class of weight 0: its intercept has no minimizer (it runs to -inf)
                raise InvalidParameterError(
                    f"The 'sample_weight' parameter of {owner} must leave samples of every class with a positive "
                    f"weight. Got none for class {left_out[0]!r}."
                )
        if classes.size > 2 and self._is_logistic():
            self._fit_multinomial(X, y, sample_weight)
        elif classes.size > 2:
            self._fit_one_vs_rest(X, y, sample_weight)
        else:
            self._fit(X, np.where(y == self.classes_[1], 1.0, -1.0), sample_weight)
        return self

    def _fit_blocked(self, X: Any, y: Any, sample_weight: Any) -> CvxClassifier:
        """Two classes on a Dask ``X``: the classes from one pass over ``y``, the labels mapped to
        -1 and +1 block by block, then ``Problem.solve`` by blocks (proximal Newton)."""
        self._fit(X, self._blocked_labels(X, y), sample_weight)
        return self

    def _blocked_labels(self, X: Any, y: Any) -> Any:
        """Two classes of a Dask ``y`` found in one pass over it (``classes_``), and the labels as
        -1 and +1, lazily, block by block."""
        import dask
        import dask.array as da

        blocked_input(self, X, reset=True)
        labels = y if blocks.is_blocked(y) else da.from_array(np.asarray(y), chunks=(X.chunks[0],))
        classes = np.unique(dask.compute(da.unique(labels))[0])
        if classes.size != 2:
            raise NotSupportedError(
                f"{type(self).__name__} on a Dask X takes two classes (the multinomial loss needs its data in "
                f"memory). Got {classes.size}: {classes[:6].tolist()}."
            )
        self.classes_ = classes
        return da.where(labels == classes[1], 1.0, -1.0)

    def _fit_multinomial(self, X: Any, y: np.ndarray, sample_weight: Any) -> None:
        """The multinomial logistic loss over the K classes (scikit-learn's multinomial
        ``LogisticRegression``): one coefficient vector and intercept per class, the penalty on
        all of them (``vec(W)``, d x K, by columns)."""
        single = self.problem()
        d, K = X.shape[1], self.classes_.size
        try:
            single.penalty.check_dim(d * K)
        except InvalidParameterError as exc:
            raise InvalidParameterError(
                f"The 'penalty' of {type(self).__name__} acts on all {d} x {K} coefficients with {K} classes "
                f"(vec(W), one column of W per class): its factors or groups must cover {d * K} of them. {exc}"
            ) from exc
        problem = Problem(
            single.loss.multiclass(), single.penalty, single.form, fit_intercept=single.fit_intercept
        )
        result = problem.solve(X, y, sample_weight=sample_weight, solver=self.solver)
        if not result.ok:
            raise SolveError(f"{type(self).__name__} could not be fitted: status {result.status!r}. {result.message}")
        self.result_ = result
        self.coef_ = np.asarray(result.coef, dtype=float).T.copy()  # (K, d), as scikit-learn's
        self.intercept_ = np.asarray(result.intercept, dtype=float).copy()
        self.dual_ = result.dual

    def _fit_one_vs_rest(self, X: Any, y: np.ndarray, sample_weight: Any) -> None:
        """A loss that separates two classes (the hinges), more classes: one problem per class,
        that class against the rest (as scikit-learn's ``LinearSVC``); row k of ``coef_`` and
        ``intercept_[k]`` are class k's, ``result_`` the list of the K answers."""
        problem, results = self.problem(), []
        for label in self.classes_:
            result = problem.solve(X, np.where(y == label, 1.0, -1.0), sample_weight=sample_weight, solver=self.solver)
            if not result.ok:
                raise SolveError(
                    f"{type(self).__name__} could not be fitted for class {label!r} against the rest: status "
                    f"{result.status!r}. {result.message}"
                )
            results.append(result)
        self.result_ = results
        self.coef_ = np.array([r.coef for r in results], dtype=float)
        self.intercept_ = np.array([float(r.intercept) for r in results])
        self.dual_ = [r.dual for r in results]

    def decision_function(self, X: Any) -> np.ndarray:
        """``X @ coef_ + intercept_``: positive for ``classes_[1]``; with more classes, one
        column per class (``X @ coef_.T + intercept_``)."""
        if np.ndim(getattr(self, "coef_", None)) == 2:
            check_is_fitted(self)
            X = validate_data(self, X, accept_sparse="csr", dtype=np.float64, reset=False)
            return np.asarray(X @ self.coef_.T) + self.intercept_
        return self._linear(X)

    def predict(self, X: Any) -> np.ndarray:
        """The class on the side of the decision function's sign (``classes_[1]`` where >= 0);
        with more classes, the one of the largest decision value."""
        scores = self.decision_function(X)
        if scores.ndim == 2:
            return self.classes_[np.argmax(scores, axis=1)]
        if blocks.is_blocked(scores):  # a Dask X: lazy labels, block by block
            return scores.map_blocks(lambda f: self.classes_[(f >= 0).astype(int)], dtype=self.classes_.dtype)
        return self.classes_[(scores >= 0).astype(int)]

    def _multiclass_loss(self) -> Loss | None:
        """The loss of K classes that extends this estimator's loss (the logistic loss's is the
        multinomial loss), or None: then more classes are fitted one against the rest."""
        try:
            return self._loss(type(self).__name__).multiclass()
        except (InvalidParameterError, NotSupportedError):
            return None

    def _is_logistic(self) -> bool:
        return self._multiclass_loss() is not None

    def _has_probabilities(self) -> bool:
        """Only a loss that models a probability (the logistic loss) gives ``predict_proba``:
        with any other it does not exist (``hasattr`` is False, as scikit-learn's
        ``available_if`` makes it), so tools such as ``RocCurveDisplay`` fall back to
        ``decision_function``."""
        try:
            self._loss(type(self).__name__).probability(np.zeros(1))
        except (InvalidParameterError, NotSupportedError):
            why = f"predict_proba needs a loss that models a probability (such as 'logistic'), not {self.loss!r}."
            raise AttributeError(why) from None
        return True

    @available_if(_has_probabilities)
    def predict_proba(self, X: Any) -> np.ndarray:
        """``[1 - p, p]`` with ``p`` the loss's probability of the positive class (for the
        logistic loss ``1 / (1 + exp(-f(x)))``); with more classes, that of each class (the
        softmax of the decision values)."""
        scores = self.decision_function(X)
        loss = self._loss(type(self).__name__)
        if scores.ndim == 2:
            return loss.multiclass().probability(scores)

        def two(f: np.ndarray) -> np.ndarray:
            p = loss.probability(f)
            return np.column_stack([1 - p, p])

        if blocks.is_blocked(scores):  # a Dask X: lazy probabilities, block by block
            return scores.map_blocks(two, new_axis=1, chunks=(scores.chunks[0], (2,)), dtype=float)
        return two(scores)

    @available_if(_has_probabilities)
    def predict_log_proba(self, X: Any) -> np.ndarray:
        """The logarithm of ``predict_proba``."""
        return np.log(self.predict_proba(X))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True  # the multinomial loss, or one class against the rest
        return tags


class CvxRegressorCV(CvxRegressor):
    """``CvxRegressor`` with ``lam`` (and the elastic net's ``l1_ratio``) chosen by K-fold
    cross-validation over paths (``cvxreg.cross_validate``), then refit on all the data: with its
    defaults scikit-learn's ``LassoCV`` (the same contiguous folds and grid, so the same lam),
    with ``l1_ratios`` its ``ElasticNetCV``; glmnet's ``cv.glmnet``.

    Parameters
    ----------
    loss, penalty, p, loss_params, penalty_params, scale, fit_intercept
        As for ``CvxRegressor`` (the penalty must be L1, squared L2 or elastic net when
        ``l1_ratios`` is given).
    lams : array-like, optional
        The grid; default ``n_lams`` values from lam_max down to ``eps * lam_max``.
    n_lams : int, default 100
    eps : float, default 1e-3
    l1_ratios : list of float, optional
        Elastic-net mixing values to try as well.
    cv : int, splitter or iterable of (train, test), default 5
        The folds: K contiguous folds for an integer (scikit-learn's ``KFold``), any splitter
        with ``split(X, y)``, or (train, test) pairs of row indices; scikit-learn's name
        (``cross_validate`` calls it ``folds``).
    scoring : str or callable, default "mse"
    n_jobs : int, default 1
    select : {"best", "one_se"}, default "best"
        The lam refitted: the best mean score, or the largest within one standard error of it
        (glmnet's ``lambda.min`` and ``lambda.1se``).

    Attributes
    ----------
    lam_, l1_ratio_ : float, float or None
        The chosen parameters.
    cv_ : CrossValidation
        The whole table of scores by lam (and l1_ratio) and fold.
    coef_, intercept_, result_, n_features_in_, feature_names_in_
        Of the refit at the chosen parameters.
    """

    #: Not parameters here: the penalized form with the chosen lam (set by ``fit``).
    lam = 1.0
    t = None
    l1_ratio = None
    solver = None

    def __init__(
        self,
        loss: str | Loss = "squared",
        penalty: str | Penalty = "l1",
        *,
        lams: Any = None,
        n_lams: int = 100,
        eps: float = 1e-3,
        l1_ratios: Any = None,
        cv: Any = 5,
        scoring: Any = "mse",
        n_jobs: int = 1,
        select: str = "best",
        p: float | None = None,
        loss_params: dict[str, Any] | None = None,
        penalty_params: dict[str, Any] | None = None,
        scale: str = "mean",
        fit_intercept: bool = True,
    ) -> None:
        self.loss = loss
        self.penalty = penalty
        self.lams = lams
        self.n_lams = n_lams
        self.eps = eps
        self.l1_ratios = l1_ratios
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.select = select
        self.p = p
        self.loss_params = loss_params
        self.penalty_params = penalty_params
        self.scale = scale
        self.fit_intercept = fit_intercept

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> CvxRegressorCV:
        """Cross-validate, then refit on ``(X, y)`` at the chosen parameters; returns ``self``.
        A Dask ``X`` is cross-validated on folds of whole blocks (``cvxreg.blocks``)."""
        if blocks.is_blocked(X):
            blocked_input(self, X, reset=True)
        else:
            X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64, y_numeric=True)
        if X.shape[0] < 2:
            raise InvalidParameterError(
                f"The 'X' parameter of {type(self).__name__} must have at least 2 samples to cross-validate. "
                f"Got 1 sample."
            )
        return cross_validated(self, X, y, self.cv, sample_weight)


class CvxClassifierCV(CvxClassifier):
    """``CvxClassifier`` with ``lam`` (and the elastic net's ``l1_ratio``) chosen by K-fold
    cross-validation over paths (``cvxreg.cross_validate``), then refit on all the data:
    glmnet's ``cv.glmnet(family="binomial")`` (``"multinomial"`` with more than two classes and
    the logistic loss); scikit-learn's ``LogisticRegressionCV`` on cvxreg's lam grid. An integer
    ``cv`` gives stratified folds (``StratifiedKFold``, as ``LogisticRegressionCV``), or, on a
    Dask ``X``, folds of whole blocks (two classes there).

    Parameters and attributes are ``CvxRegressorCV``'s, with ``loss="logistic"`` and
    ``scoring="log_loss"`` by default, and ``classes_``.
    """

    lam = 1.0
    t = None
    l1_ratio = None
    solver = None

    def __init__(
        self,
        loss: str | Loss = "logistic",
        penalty: str | Penalty = "l1",
        *,
        lams: Any = None,
        n_lams: int = 100,
        eps: float = 1e-3,
        l1_ratios: Any = None,
        cv: Any = 5,
        scoring: Any = "log_loss",
        n_jobs: int = 1,
        select: str = "best",
        p: float | None = None,
        loss_params: dict[str, Any] | None = None,
        penalty_params: dict[str, Any] | None = None,
        scale: str = "mean",
        fit_intercept: bool = True,
    ) -> None:
        self.loss, self.penalty, self.lams, self.n_lams, self.eps = loss, penalty, lams, n_lams, eps
        self.l1_ratios, self.cv, self.scoring, self.n_jobs, self.p = l1_ratios, cv, scoring, n_jobs, p
        self.loss_params, self.penalty_params, self.scale, self.select = loss_params, penalty_params, scale, select
        self.fit_intercept = fit_intercept

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> CvxClassifierCV:
        """Cross-validate, then refit on ``(X, y)`` at the chosen parameters; returns ``self``."""
        folds = self.cv
        if blocks.is_blocked(X):
            labels = self._blocked_labels(X, y)
        else:
            X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64)
            check_classification_targets(y)
            self.classes_ = np.unique(y)
            if self.classes_.size < 2:
                raise InvalidParameterError(
                    f"The 'y' parameter of {type(self).__name__} must hold labels of two classes. "
                    f"Got one class: {self.classes_.tolist()}."
                )
            if self.classes_.size > 2 and not self._is_logistic():
                raise InvalidParameterError(
                    f"The 'loss' parameter of {type(self).__name__} must be 'logistic' for {self.classes_.size} "
                    f"classes (lam is then chosen for the multinomial loss). Got {self.loss!r}."
                )
            labels = y if self.classes_.size > 2 else np.where(y == self.classes_[1], 1.0, -1.0)
            if isinstance(folds, int | np.integer) and not isinstance(folds, bool):
                folds = StratifiedKFold(int(folds))
        return cross_validated(self, X, labels, folds, sample_weight)

    def problem(self) -> Problem:
        """The cvxreg ``Problem`` these parameters state: with more than two classes fitted, the
        multinomial loss."""
        single = super().problem()
        if np.size(getattr(self, "classes_", ())) > 2:
            return Problem(single.loss.multiclass(), single.penalty, single.form, fit_intercept=single.fit_intercept)
        return single

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = self._is_logistic()  # the multinomial loss's lam
        return tags
