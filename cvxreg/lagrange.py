"""The Lagrangian link between ``Penalized(lam)`` and ``Constrained(t)``.

For a convex problem with a unique solution, ``Penalized(lam)`` and ``Constrained(t)`` with
``t = R(w*(lam))`` have the same solution, and the constraint's multiplier is ``mu = lam``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from cvxreg._validation import check_real, invalid
from cvxreg.errors import NotSupportedError
from cvxreg.result import Result

if TYPE_CHECKING:
    import pandas as pd

    from cvxreg.problem import Problem

__all__ = ["convert_multiplier", "round_trip", "solution_is_unique"]

_CONVERSIONS = {
    # ||w||_2 <= r  <->  1/2 ||w||_2^2 <= r^2/2: for g <= t rewritten as phi(g) <= phi(t),
    # phi increasing, the multiplier becomes mu / phi'(t); here phi(x) = x^2/2, phi'(r) = r.
    ("norm", "half_squared_norm"): lambda mu, r, n: mu / r,
    ("half_squared_norm", "norm"): lambda mu, r, n: mu * r,
    # Loss scale: dividing the objective by n (or sum of weights) divides its multiplier by n.
    ("sum", "mean"): lambda mu, r, n: mu / n,
    ("mean", "sum"): lambda mu, r, n: mu * n,
}


def convert_multiplier(mu: float, from_: str, to: str, *, radius: float | None = None, n: float | None = None) -> float:
    """Convert a multiplier between two ways of writing the same problem.

    ``"norm"`` (``||w||_2 <= r``) <-> ``"half_squared_norm"`` (``1/2||w||_2^2 <= r^2/2``):
    ``mu_norm = mu_sq * r`` (needs ``radius=r``). ``"sum"`` <-> ``"mean"`` loss scaling:
    ``mu_mean = mu_sum / n`` (needs ``n``, the sample count or the sum of sample weights).
    The same rules convert ``lam`` between the two loss scalings.

    Parameters
    ----------
    mu : float
        The multiplier (or lam) as written in ``from_``.
    from_, to : {"norm", "half_squared_norm", "sum", "mean"}
    radius : float, optional
        ``r`` for the norm conversions.
    n : float, optional
        The sample count (or sum of weights) for the scale conversions.

    Returns
    -------
    float
    """
    mu = check_real(mu, "mu", "convert_multiplier", lo=0.0)
    key = (from_, to)
    if key not in _CONVERSIONS:
        allowed = "one of " + ", ".join(f"{a!r} -> {b!r}" for a, b in _CONVERSIONS)
        raise invalid("from_/to", "convert_multiplier", allowed, f"{from_!r} -> {to!r}", raw=True)
    if from_ in ("norm", "half_squared_norm"):
        if radius is None:
            raise invalid("radius", "convert_multiplier", "a finite number > 0 for norm conversions", radius)
        radius = check_real(radius, "radius", "convert_multiplier", lo=0.0, lo_open=True)
    else:
        if n is None:
            raise invalid("n", "convert_multiplier", "a number > 0 for sum/mean conversions", n)
        n = check_real(n, "n", "convert_multiplier", lo=0.0, lo_open=True)
    return float(_CONVERSIONS[key](float(mu), radius, n))


def solution_is_unique(problem: Problem, X: Any) -> bool | None:
    """True when the solution is provably unique, False when it provably may not be, None if unknown.

    Unique: a strictly convex penalty (``Penalty.strictly_convex``: ridge, elastic net with
    l1_ratio < 1, LpPower p > 1, all factors > 0) in penalized form with lam > 0, or a loss
    strictly convex in ``Xw`` (``Loss.strictly_convex``: squared, logistic, Poisson) with ``X``
    of full column rank (with the intercept column when fitted). May not be: such a loss with
    a rank-deficient ``X`` and a penalty that is not strictly convex.
    """
    if problem.form.strict_penalty(problem.penalty):
        return True
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=float)
    if problem.fit_intercept:
        Xd = np.hstack([Xd, np.ones((Xd.shape[0], 1))])
    full_rank = np.linalg.matrix_rank(Xd) == Xd.shape[1]
    if problem.loss.strictly_convex:
        return bool(full_rank)
    return None


def round_trip(problem: Problem, X: Any, y: Any, *, sample_weight: Any = None, **solve_opts: Any) -> pd.DataFrame:
    """Solve ``problem``, convert to the other form, solve that, and compare.

    Parameters
    ----------
    problem : Problem
        In either form.
    X, y, sample_weight : the data
    **solve_opts
        Passed to both ``Problem.solve`` calls (solver, tolerances).

    Returns
    -------
    pandas.DataFrame
        One row: ``start`` and ``converted`` (reprs), ``lam``, ``t``, ``mu``, ``coef_diff``
        (max abs), ``penalty_gap = |R(w_c) - t|``, ``multiplier_gap = |mu - lam|``,
        ``complementary_slackness = |mu (R(w_c) - t)|``, ``unique`` (see
        ``solution_is_unique``), ``active`` (False when mu = 0: the constraint does not bind,
        lam cannot be recovered), both statuses, and a ``note`` saying what the numbers can
        and cannot show.
    """
    import pandas as pd

    first = problem.solve(X, y, sample_weight=sample_weight, **solve_opts)
    if not first.ok:
        raise NotSupportedError(f"The round trip needs a solution; {problem!r} gave status {first.status!r}.")
    other = problem.with_form(problem.form.twin(problem.penalty.value(first.coef), first.dual))
    second = other.solve(X, y, sample_weight=sample_weight, **solve_opts)
    pen_res, con_res = problem.form.penalized_first(first, second)
    pen_prob, con_prob = problem.form.penalized_first(problem, other)
    lam, t = pen_prob.form.param_value, con_prob.form.param_value
    mu = np.asarray(con_res.dual if con_res.dual is not None else math.nan, dtype=float)
    r_con = np.asarray(problem.penalty.value(con_res.coef) if con_res.ok else math.nan, dtype=float)
    unique = solution_is_unique(problem, X if not hasattr(X, "to_numpy") else X.to_numpy())
    active = bool(np.all(mu > 1e-8 * np.maximum(1.0, lam)))
    notes = []
    if unique is False:
        notes.append(
            "X is rank-deficient and the penalty is not strictly convex: the solution may not be "
            "unique, so coefficients can differ while objectives agree"
        )
    elif unique is None:
        notes.append("uniqueness is not guaranteed for this loss")
    if not active:
        notes.append("the constraint is inactive (mu = 0): the penalized problem at lam = 0 is the unconstrained fit")
    row = {
        "start": repr(problem),
        "converted": repr(other),
        "lam": _shown(lam),
        "t": _shown(t),
        "mu": _shown(mu),
        "coef_diff": float(np.max(np.abs(pen_res.coef - con_res.coef))),
        "penalty_gap": float(np.max(np.abs(r_con - t))),
        "multiplier_gap": float(np.max(np.abs(mu - lam))),
        "complementary_slackness": float(np.sum(np.abs(mu * (r_con - t)))),
        "unique": unique,
        "active": active,
        "status_penalized": pen_res.status,
        "status_constrained": con_res.status,
        "note": "; ".join(notes),
    }
    return pd.DataFrame([row])


def _shown(value: Any) -> Any:
    """A float, or a list with one number per term of a Composite penalty."""
    return np.asarray(value, dtype=float).tolist() if np.ndim(value) else float(value)


def to_constrained(problem: Problem, result: Result) -> Problem:
    """The constrained problem with ``t = R(w*)`` from a penalized solution."""
    if problem.form.param_name != "lam":
        raise invalid("problem", "to_constrained", "a problem in Penalized form", repr(problem), raw=True)
    if not result.ok:
        raise invalid("result", "to_constrained", "a Result with a solution", f"status {result.status!r}", raw=True)
    return problem.with_form(problem.form.twin(problem.penalty.value(result.coef), None))


def to_penalized(problem: Problem, result: Result) -> Problem:
    """The penalized problem with ``lam = mu``, the multiplier of a constrained solution."""
    if problem.form.param_name != "t":
        raise invalid("problem", "to_penalized", "a problem in Constrained form", repr(problem), raw=True)
    if not result.ok or result.dual is None or not np.all(np.isfinite(result.dual)):
        raise invalid(
            "result",
            "to_penalized",
            "a Result with a solution and a finite multiplier",
            f"status {result.status!r}, dual {result.dual!r}",
            raw=True,
        )
    return problem.with_form(problem.form.twin(math.nan, result.dual))
