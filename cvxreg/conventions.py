"""Translate lam (and l1_ratio) between cvxreg and other tools and textbooks.

Each entry states the tool's own objective and its cvxreg equivalent. ``to_cvxreg(tool,
**params)`` builds the cvxreg ``Problem``; ``from_cvxreg(tool, problem)`` gives the tool's
parameters back. Tools (objectives in their own notation, ``RSS = ||y - Xw - b||^2``):

=====================  =====================================================  ==============================
tool                   objective                                              cvxreg
=====================  =====================================================  ==============================
sklearn.Lasso          RSS/(2n) + alpha ||w||_1                               SquaredLoss(mean), L1, lam=alpha
sklearn.Ridge          ||y - Xw||^2 + alpha ||w||^2                           SquaredLoss, SquaredL2, lam=alpha
sklearn.ElasticNet     RSS/(2n) + alpha (r ||w||_1 + (1-r)/2 ||w||^2)          SquaredLoss(mean), ElasticNet(r)
sklearn.Logistic       C sum log(1 + e^{-y f}) + R(w); R = ||w||_1 or ||w||^2/2 LogisticLoss, lam = 1/C
sklearn.SGDRegressor   1/n sum (y - f)^2/2 + alpha R(w) (sklearn's R)          SquaredLoss(mean), lam=alpha
sklearn.Poisson        1/(2n) sum deviance + alpha/2 ||w||^2 (PoissonRegressor) PoissonLoss(mean), SquaredL2
sklearn.SVC            C sum hinge + ||w||^2/2 (SVC(kernel="linear"))          HingeLoss, SquaredL2, lam=1/C
sklearn.LinearSVC      C sum hinge^2 + ||w||^2/2 (fit_intercept=False)         SquaredHingeLoss, lam=1/C
glmnet                 RSS/(2n) + lambda (a ||w||_1 + (1-a)/(2 s_y) ||w||^2)   SquaredLoss(mean), ElasticNet:
                       s_y the 1/n sd of y; penalty_factor v rescaled          lam = lambda (a + (1-a)/s_y),
                       to sum to d                                             factors = v d / sum(v)
cvxpy.docs             ||Xw - y||^2 + lam ||w||_1  (or + lam ||w||^2)          SquaredLoss, L1 lam/2 (SquaredL2 lam)
islr                   RSS + lam ||w||_1  (or + lam ||w||^2), ISLR ch. 6       SquaredLoss, L1 lam/2 (SquaredL2 lam)
esl                    ridge (3.41) RSS + lam||w||^2; lasso (3.52) RSS/2 +     SquaredL2 lam; L1 lam; elastic
                       lam ||w||_1; enet (3.54) RSS + lam sum(a w^2+(1-a)|w|)  net lam(1+a)/2, (1-a)/(1+a)
seed                   L + lam1 ||w||_1 + lam2 ||w||^2                         ElasticNet: lam1 + 2 lam2, ratio
benchopt               ||y - Xw||^2/2 + lam ||w||_1                            SquaredLoss, L1, lam
=====================  =====================================================  ==============================

glmnet's ``standardize=FALSE``; with its default ``standardize=TRUE`` the columns are scaled
first, which cvxreg leaves to the caller. glmnet's gaussian family fits ``y / s_y`` and scales
the answer back, so its ridge part is ``lambda (1 - a) / s_y`` (``s_y`` the 1/n standard
deviation of ``y``, about its mean with an intercept, about 0 without): give ``y`` to
``to_cvxreg("glmnet", ...)`` and ``from_cvxreg`` when ``alpha < 1`` (checked against R's
printed values in statsmodels' glmnet test data). glmnet rescales ``penalty.factor`` to sum to the
number of variables (and its lambda sequence reflects it); cvxreg's ``factors`` are used as
given, so ``to_cvxreg("glmnet", ..., penalty_factor=v)`` rescales them (all factors 2 is the
same problem as all factors 1 in glmnet, not in cvxreg). ESL's elastic-net ``alpha`` weights
the *ridge* part; glmnet's and scikit-learn's weight the L1 part.

liblinear (``LogisticRegression(solver="liblinear")``, ``LinearSVC``, ``LinearSVR``) penalizes
the intercept: it fits an extra constant column of value ``intercept_scaling`` whose
coefficient is penalized like the others. In cvxreg: append that column to X, fit with
``fit_intercept=False``, and the intercept is ``intercept_scaling`` times its coefficient.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cvxreg._validation import check_choice, check_real, invalid
from cvxreg.errors import InvalidParameterError, NotSupportedError
from cvxreg.forms import Penalized
from cvxreg.losses import HingeLoss, LogisticLoss, PoissonLoss, SquaredHingeLoss, SquaredLoss
from cvxreg.penalties import L1, ElasticNet, Penalty, SquaredL2
from cvxreg.problem import Problem

__all__ = ["TOOLS", "from_cvxreg", "to_cvxreg"]


@dataclass(frozen=True)
class _Tool:
    objective: str
    forward: Callable[..., tuple[Any, Penalty, float]]  # tool params -> (loss, penalty, lam)
    backward: Callable[..., dict[str, Any]]  # cvxreg problem -> tool params
    fit_intercept: bool
    #: The mapping depends on the data (``y``, ``sample_weight``) and on the intercept.
    data: bool = False


def _lam(problem: Problem) -> float:
    if problem.form.param_name != "lam":
        raise invalid("problem", "from_cvxreg", "a problem in Penalized form", repr(problem), raw=True)
    return problem.form.param_value


def _ratio(problem: Problem) -> float:
    pen = problem.penalty
    try:
        return float(pen.as_elastic_net().l1_ratio)  # type: ignore[attr-defined]
    except NotSupportedError:
        raise invalid(
            "problem", "from_cvxreg", "a problem with an L1, SquaredL2 or ElasticNet penalty", repr(pen), raw=True
        ) from None


def _kind(penalty: str, owner: str) -> str:
    return check_choice(penalty, "penalty", owner, ("lasso", "ridge"))


def _sklearn_logistic(C: float, penalty: str = "l2", l1_ratio: float | None = None) -> tuple[Any, Penalty, float]:
    check_choice(penalty, "penalty", "sklearn.Logistic", ("l1", "l2", "elasticnet"))
    C = check_real(C, "C", "sklearn.Logistic", lo=0.0, lo_open=True)
    pen: Penalty = {"l1": L1(), "l2": SquaredL2()}.get(penalty) or ElasticNet(l1_ratio if l1_ratio is not None else 0.5)
    return LogisticLoss(), pen, 1.0 / C


def _sgd(alpha: float, penalty: str = "l2", l1_ratio: float = 0.15) -> tuple[Any, Penalty, float]:
    check_choice(penalty, "penalty", "sklearn.SGDRegressor", ("l1", "l2", "elasticnet"))
    pen: Penalty = {"l1": L1(), "l2": SquaredL2()}.get(penalty) or ElasticNet(l1_ratio)
    return SquaredLoss(scale="mean"), pen, alpha


def _sgd_back(problem: Problem) -> dict[str, Any]:
    r = _ratio(problem)
    penalty = "l1" if r == 1 else ("l2" if r == 0 else "elasticnet")
    return {"alpha": _lam(problem), "penalty": penalty, "l1_ratio": r}


def _unscaled(lam: float, penalty: str = "lasso") -> tuple[Any, Penalty, float]:
    # RSS + lam||w||_1 = 2 (RSS/2 + lam/2 ||w||_1); RSS + lam||w||^2 = 2 (RSS/2 + lam ||w||^2/2).
    if _kind(penalty, "to_cvxreg") == "lasso":
        return SquaredLoss(), L1(), lam / 2
    return SquaredLoss(), SquaredL2(), lam


def _unscaled_back(problem: Problem) -> dict[str, Any]:
    r = _ratio(problem)
    if r == 1:
        return {"lam": 2 * _lam(problem), "penalty": "lasso"}
    if r == 0:
        return {"lam": _lam(problem), "penalty": "ridge"}
    raise invalid("problem", "from_cvxreg", "an L1 or SquaredL2 penalty for this tool", repr(problem.penalty), raw=True)


def _esl(lam: float, penalty: str = "lasso", alpha: float | None = None) -> tuple[Any, Penalty, float]:
    kind = check_choice(penalty, "penalty", "esl", ("lasso", "ridge", "elastic_net"))
    if kind == "lasso":  # (3.52) has the 1/2
        return SquaredLoss(), L1(), lam
    if kind == "ridge":  # (3.41) has none
        return SquaredLoss(), SquaredL2(), lam
    a = check_real(alpha, "alpha", "esl", lo=0.0, hi=1.0)
    # RSS + lam (a||w||^2 + (1-a)||w||_1) = 2 (RSS/2 + lam(1+a)/2 [r||w||_1 + (1-r)/2||w||^2]), r = (1-a)/(1+a).
    return SquaredLoss(), ElasticNet((1 - a) / (1 + a)), lam * (1 + a) / 2


def _esl_back(problem: Problem) -> dict[str, Any]:
    r, lam = _ratio(problem), _lam(problem)
    if r == 1:
        return {"lam": lam, "penalty": "lasso"}
    if r == 0:
        return {"lam": lam, "penalty": "ridge"}
    a = (1 - r) / (1 + r)
    return {"lam": 2 * lam / (1 + a), "penalty": "elastic_net", "alpha": a}


def _glmnet_sd(y: Any, sample_weight: Any, fit_intercept: bool, owner: str) -> float:
    """glmnet's ``s_y``: the (weighted) 1/n standard deviation of y, about its mean when an
    intercept is fitted and about 0 otherwise."""
    import numpy as np

    from cvxreg._validation import check_sample_weight, check_y

    y = check_y(y, int(np.size(y)), owner)
    weights = check_sample_weight(sample_weight, len(y), owner)
    s = np.ones(len(y)) if weights is None else np.broadcast_to(weights, y.shape)
    centre = float(s @ y / s.sum()) if fit_intercept else 0.0
    sd = float(np.sqrt(s @ (y - centre) ** 2 / s.sum()))
    if not sd > 0:
        raise invalid("y", owner, "targets that are not all equal (glmnet divides y by its standard deviation)", y)
    return sd


def _glmnet(
    lambda_: float,
    alpha: float = 1.0,
    penalty_factor: Any = None,
    y: Any = None,
    sample_weight: Any = None,
    *,
    fit_intercept: bool,
) -> tuple[Any, Penalty, float]:
    import numpy as np

    alpha = check_real(alpha, "alpha", "glmnet", lo=0.0, hi=1.0)
    factors = None
    if penalty_factor is not None:
        try:
            v = np.asarray(penalty_factor, dtype=float).ravel()
        except (TypeError, ValueError):
            raise invalid("penalty_factor", "glmnet", "a list of finite numbers >= 0", penalty_factor) from None
        if v.size == 0 or not np.all(np.isfinite(v)) or np.any(v < 0) or v.sum() <= 0:
            allowed = "finite numbers >= 0, not all 0 (for glmnet's exclude, give cvxreg factors of inf)"
            raise invalid("penalty_factor", "glmnet", allowed, penalty_factor)
        factors = v * v.size / v.sum()  # glmnet rescales its penalty factors to sum to nvars
    if alpha == 1.0:  # the lasso does not depend on s_y
        return SquaredLoss(scale="mean"), ElasticNet(1.0, factors=factors), lambda_
    if y is None:
        raise invalid(
            "y", "to_cvxreg('glmnet')",
            "the targets (glmnet's gaussian fit divides y by its standard deviation s_y, so for alpha < 1 "
            "its ridge part is lambda (1 - alpha) / s_y, which depends on y)", None,
        )  # fmt: skip
    sd = _glmnet_sd(y, sample_weight, fit_intercept, "to_cvxreg('glmnet')")
    # lambda alpha ||w||_1 + lambda (1 - alpha) / (2 s_y) ||w||^2 = lam (r ||w||_1 + (1 - r)/2 ||w||^2)
    l1, l2 = lambda_ * alpha, lambda_ * (1 - alpha) / sd
    lam = l1 + l2
    return SquaredLoss(scale="mean"), ElasticNet(l1 / lam if lam > 0 else alpha, factors=factors), lam


def _glmnet_back(problem: Problem, y: Any = None, sample_weight: Any = None) -> dict[str, Any]:
    r, lam = _ratio(problem), _lam(problem)
    if r == 1.0:
        return {"lambda_": lam, "alpha": 1.0}
    if y is None:
        raise invalid("y", "from_cvxreg('glmnet')", "the targets (for alpha < 1 glmnet's lambda depends on s_y)", None)
    sd = _glmnet_sd(y, sample_weight, problem.fit_intercept, "from_cvxreg('glmnet')")
    lambda_ = lam * r + lam * (1 - r) * sd
    return {"lambda_": lambda_, "alpha": lam * r / lambda_ if lambda_ > 0 else r}


def _c_inverse(C: float, loss: Any, owner: str) -> tuple[Any, Penalty, float]:
    C = check_real(C, "C", owner, lo=0.0, lo_open=True)
    return loss, SquaredL2(), 1.0 / C


def _seed(lam1: float, lam2: float) -> tuple[Any, Penalty, float]:
    lam1 = check_real(lam1, "lam1", "seed", lo=0.0)
    lam2 = check_real(lam2, "lam2", "seed", lo=0.0)
    total = lam1 + 2 * lam2
    return SquaredLoss(), ElasticNet(lam1 / total if total > 0 else 1.0), total


def _seed_back(problem: Problem) -> dict[str, Any]:
    r, lam = _ratio(problem), _lam(problem)
    return {"lam1": lam * r, "lam2": lam * (1 - r) / 2}


TOOLS: dict[str, _Tool] = {
    "sklearn.Lasso": _Tool(
        "RSS/(2n) + alpha ||w||_1",
        lambda alpha: (SquaredLoss(scale="mean"), L1(), alpha),
        lambda p: {"alpha": _lam(p)},
        True,
    ),
    "sklearn.Ridge": _Tool(
        "||y - Xw||^2 + alpha ||w||^2",
        lambda alpha: (SquaredLoss(), SquaredL2(), alpha),
        lambda p: {"alpha": _lam(p)},
        True,
    ),
    "sklearn.ElasticNet": _Tool(
        "RSS/(2n) + alpha (l1_ratio ||w||_1 + (1 - l1_ratio)/2 ||w||^2)",
        lambda alpha, l1_ratio=0.5: (SquaredLoss(scale="mean"), ElasticNet(l1_ratio), alpha),
        lambda p: {"alpha": _lam(p), "l1_ratio": _ratio(p)},
        True,
    ),
    "sklearn.Logistic": _Tool(
        "C sum log(1 + exp(-y f)) + R(w)",
        _sklearn_logistic,
        lambda p: {
            "C": 1 / _lam(p),
            "penalty": {1.0: "l1", 0.0: "l2"}.get(_ratio(p), "elasticnet"),
            "l1_ratio": _ratio(p),
        },
        True,
    ),
    "sklearn.SGDRegressor": _Tool("1/n sum (y - f)^2/2 + alpha R(w)", _sgd, _sgd_back, True),
    "sklearn.Poisson": _Tool(
        "1/(2n) sum deviance + alpha/2 ||w||^2 (PoissonRegressor)",
        lambda alpha: (PoissonLoss(scale="mean"), SquaredL2(), alpha),
        lambda p: {"alpha": _lam(p)},
        True,
    ),
    "sklearn.SVC": _Tool(
        "C sum max(0, 1 - y f) + ||w||^2/2 (SVC(kernel='linear'))",
        lambda C: _c_inverse(C, HingeLoss(), "sklearn.SVC"),
        lambda p: {"C": 1 / _lam(p)},
        True,
    ),
    "sklearn.LinearSVC": _Tool(
        "C sum max(0, 1 - y f)^2 + ||w||^2/2 (LinearSVC, liblinear: intercept penalized if fitted)",
        lambda C: _c_inverse(C, SquaredHingeLoss(), "sklearn.LinearSVC"),
        lambda p: {"C": 1 / _lam(p)},
        False,
    ),
    "glmnet": _Tool(
        "RSS/(2n) + lambda (alpha ||w||_1 + (1 - alpha)/(2 s_y) ||w||^2), s_y the 1/n sd of y; penalty_factor "
        "rescaled to sum to d",
        _glmnet,
        _glmnet_back,
        True,
        data=True,
    ),
    "cvxpy.docs": _Tool("||Xw - y||^2 + lam ||w||_1 (or + lam ||w||^2)", _unscaled, _unscaled_back, False),
    "islr": _Tool("RSS + lam ||w||_1 (or + lam ||w||^2)", _unscaled, _unscaled_back, True),
    "esl": _Tool(
        "(3.41) RSS + lam||w||^2; (3.52) RSS/2 + lam||w||_1; (3.54) RSS + lam sum(a w^2 + (1-a)|w|)",
        _esl,
        _esl_back,
        True,
    ),
    "seed": _Tool("L + lam1 ||w||_1 + lam2 ||w||^2", _seed, _seed_back, False),
    "benchopt": _Tool(
        "||y - Xw||^2/2 + lam ||w||_1",
        lambda lam: (SquaredLoss(), L1(), lam),
        lambda p: {"lam": _lam(p)},
        False,
    ),
}


def _tool(tool: str, owner: str) -> _Tool:
    check_choice(tool, "tool", owner, tuple(TOOLS))
    return TOOLS[tool]


def to_cvxreg(tool: str, *, fit_intercept: bool | None = None, **params: Any) -> Problem:
    """The cvxreg ``Problem`` equal to ``tool`` at ``params`` (see the module table).

    ``fit_intercept`` defaults to the tool's own default (True for scikit-learn, glmnet and
    the textbooks; False for CVXPY's examples, benchopt and the seed formulation).
    """
    spec = _tool(tool, "to_cvxreg")
    owner = f"to_cvxreg({tool!r})"
    for name in ("alpha", "lam", "lam1", "lam2"):  # each tool's own name in its own error
        if name in params:
            params[name] = check_real(params[name], name, owner, lo=0.0)
    if "C" in params:
        params["C"] = check_real(params["C"], "C", owner, lo=0.0, lo_open=True)
    intercept = spec.fit_intercept if fit_intercept is None else fit_intercept
    if spec.data:
        params["fit_intercept"] = intercept
    try:
        loss, penalty, lam = spec.forward(**params)
    except InvalidParameterError:
        raise
    except TypeError as exc:  # unknown or missing keyword for this tool
        raise invalid(
            "params",
            f"to_cvxreg({tool!r})",
            f"the parameters of {spec.objective}",
            sorted(params),
        ) from exc
    return Problem(loss, penalty, Penalized(lam), fit_intercept=intercept)


def from_cvxreg(tool: str, problem: Problem, *, y: Any = None, sample_weight: Any = None) -> dict[str, Any]:
    """The parameters of ``tool`` that state the same problem as ``problem`` (Penalized form).
    ``y`` (and ``sample_weight``): the data, for the tools whose mapping depends on them (glmnet
    with ``alpha < 1``)."""
    spec = _tool(tool, "from_cvxreg")
    if spec.data:
        return spec.backward(problem, y=y, sample_weight=sample_weight)
    return spec.backward(problem)
