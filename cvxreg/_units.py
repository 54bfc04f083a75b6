"""Solving in units of size one: data in cents, or weights of 1e200, solved exactly.

An interior-point solver works in absolute tolerances and thresholds: with ``y`` of order 1e8
its iterates look infeasible, and with ``y`` of order 1e-150 everything looks converged at the
start. Before the solver sees the problem, ``y`` and the sample weights are divided by powers
of two near their size — exact in floating point — and the problem is rewritten so that its
minimizers are the same up to that factor:

- weights ``s -> s / c``: a sum loss is divided by ``c`` (a mean loss does not change);
- ``y -> y / a`` with ``w = a v``, ``b = a b'``: a loss of degree ``k`` in the residual
  satisfies ``L(a eta, a y) = a^k L'(eta, y)`` (``L'`` with its parameters in ``y``'s units
  divided by ``a``), and a penalty ``R(a v) = f R'(v)`` (``Penalty.rescaled``).

So ``lam' = lam f / F`` and ``t' = t / f`` with ``F = a^k`` (or ``F / c``), and on the way back
``w = a w'``, ``mu = mu' F / f``, bound and constraint multipliers ``* F / a``, the objective
``* F``. The certificate is the rescaled problem's: its measures are relative, and computed
there nothing overflows.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from cvxreg._validation import Data
from cvxreg.errors import InvalidParameterError, NotSupportedError
from cvxreg.penalties._column_units import in_units
from cvxreg.result import Result

if TYPE_CHECKING:
    from cvxreg.problem import Problem

__all__ = ["Units", "choose"]

#: Rescale only when a size is this many powers of two away from one (about 1e-3 to 1e3):
#: data of ordinary size reach the solver untouched.
_SLACK = 10


#: Columns are rescaled when their largest entry is this many powers of two from the median
#: column's, or from one.
_COLUMN_SPREAD, _COLUMN_SIZE = 20, 24


def _power_of_two(size: float) -> float:
    return 2.0 ** round(math.log2(size)) if size > 0 and math.isfinite(size) else 1.0


@dataclass(frozen=True)
class Units:
    """How a problem was rescaled, and the problem and data in those units."""

    problem: Problem
    data: Data
    y_unit: float  # a: w = a w'
    loss_factor: float  # F: the objective = F * the rescaled objective
    penalty_factor: Any  # f: R(a v) = f R'(v); one per term for a Composite
    columns: np.ndarray | None = None  # D: X' = X / D, w = w' / D

    def undo(self, result: Result) -> Result:
        """The rescaled problem's answer in the user's units."""
        a, F, f = self.y_unit, self.loss_factor, self.penalty_factor
        D = np.ones(1) if self.columns is None else self.columns
        coef = np.asarray(result.coef, dtype=float)
        D_coef = D.reshape((-1,) + (1,) * (coef.ndim - 1)) if self.columns is not None else 1.0

        def scaled(value: Any, by: float) -> Any:
            return None if value is None else np.asarray(value, dtype=float) * by

        dual = result.dual
        if dual is not None:
            dual = np.asarray(dual, dtype=float) * F / np.asarray(f, dtype=float)
            dual = float(dual) if np.ndim(dual) == 0 else dual
        if self.columns is None:
            note = f"solved in rescaled units (y / {a:g}, objective / {F:g})"
        else:
            note = f"solved with {int(np.count_nonzero(D != 1))} column(s) of X in rescaled units"
        return dataclasses.replace(
            result,
            coef=coef * a / D_coef,
            intercept=float(result.intercept) * a,
            objective=float(result.objective) * F,
            dual=dual,
            lower_dual=scaled(result.lower_dual, F / a * D),
            upper_dual=scaled(result.upper_dual, F / a * D),
            constraint_duals=None
            if result.constraint_duals is None
            else tuple(np.asarray(d, dtype=float) * F / a for d in result.constraint_duals),
            message=f"{result.message}; {note}" if result.message else note,
        )


def choose(problem: Problem, data: Data) -> Units | None:
    """The rescaling that brings ``y`` and the weights near one, or None when they are."""
    loss = problem.loss
    c = 1.0
    sw = data.sample_weight
    if sw is not None:
        positive = sw[sw > 0]
        if positive.size and math.log2(positive.max()) - math.log2(positive.min()) > -math.log2(np.finfo(float).eps):
            raise InvalidParameterError(
                f"The 'sample_weight' parameter of Problem.solve must span at most {1 / np.finfo(float).eps:.1e} "
                f"(float64's precision). Got weights from {positive.min():.3g} to {positive.max():.3g}: the lightest "
                f"samples would weigh less than the rounding of the heaviest, so no solver can see them."
            )
        c = _power_of_two(float(positive.max())) if positive.size else 1.0
    a = 1.0
    degree = loss.y_degree
    if degree is not None:
        a = _power_of_two(float(np.max(np.abs(data.y))) if data.n else 1.0)
    if abs(math.log2(a)) <= _SLACK and abs(math.log2(c)) <= _SLACK:
        return _columns(problem, data)
    try:
        penalty, f = problem.penalty.rescaled(a) if a != 1.0 else (problem.penalty, 1.0)
    except NotSupportedError:
        if abs(math.log2(c)) <= _SLACK:
            return None
        a, penalty, f = 1.0, problem.penalty, 1.0
    F = (a**degree if a != 1.0 else 1.0) * (c if loss.scale == "sum" else 1.0)
    new_loss = loss
    if a != 1.0 and loss.y_units:
        new_loss = copy.copy(loss)
        for name in loss.y_units:
            setattr(new_loss, name, getattr(loss, name) / a)
    f_arr = np.asarray(f, dtype=float)
    if not (np.isfinite(F) and F > 0 and np.all(np.isfinite(f_arr)) and np.all(f_arr > 0)):
        return None
    form = problem.form
    if form.param_name == "lam":
        value = np.asarray(form.param_value, dtype=float) * f_arr / F
    else:
        value = np.asarray(form.param_value, dtype=float) / f_arr
    value = float(value) if np.ndim(value) == 0 else value.tolist()
    bounds = problem.bounds
    if bounds is not None:
        bounds = tuple(None if side is None else np.asarray(side, dtype=float) / a for side in bounds)
    constraints = [type(con)(con.matrix, con.rhs / a) for con in problem.constraints]
    rescaled = type(problem)(
        new_loss,
        penalty,
        type(form)(value),
        fit_intercept=problem.fit_intercept,
        bounds=bounds,
        constraints=constraints,
    )
    new_data = dataclasses.replace(data, y=data.y / a, sample_weight=None if sw is None else sw / c, _memo={})
    return Units(rescaled, new_data, a, F, f)


def _column_sizes(X: Any) -> np.ndarray:
    """The largest absolute entry of each column, without a copy of ``X`` (sparse ``X`` in
    blocks of its stored values; ``abs(X)`` would double the memory of a large matrix)."""
    if sp.issparse(X):
        sizes = np.zeros(X.shape[1])
        block = 1 << 15  # 256 kB of values at a time
        for start in range(0, X.nnz, block):
            np.maximum.at(sizes, X.indices[start : start + block], np.abs(X.data[start : start + block]))
        return sizes
    out = np.zeros(X.shape[1])
    for start in range(0, X.shape[0], 4096):  # row blocks: no n x d temporary
        np.maximum(out, np.max(np.abs(X[start : start + 4096]), axis=0), out=out)
    return out


def column_sums(X: Any) -> np.ndarray:
    """``1^T X`` as one product ``X^T 1``: no temporaries but the answer and the ones (SciPy's
    ``sum`` makes a few vectors of length d, a cost on wide data)."""
    return np.asarray(X.T @ np.ones(X.shape[0])).ravel()


def column_units(data: Data) -> np.ndarray | None:
    """One power of two per column of ``X``: near its largest entry for a column far from the
    others (a factor over 2^20) or from one (2^24), 1 for the others; None when none is far.
    Prices in cents beside counts are far; columns of ordinary spread (tf-idf weights from 1e-3
    to 1) are not: a copy of a large X costs more than it could give."""

    return data.derived("column units", lambda: units_of(data.derived("column sizes", lambda: _column_sizes(data.X))))


def units_of(sizes: np.ndarray) -> np.ndarray | None:
    """``column_units`` from each column's largest absolute entry."""
    used = (sizes > 0) & np.isfinite(sizes)
    if not np.any(used):
        return None
    with np.errstate(divide="ignore"):
        log_size = np.log2(np.where(used, sizes, 1.0))
    typical = float(np.median(log_size[used]))
    far = used & ((np.abs(log_size - typical) > _COLUMN_SPREAD) | (np.abs(log_size) > _COLUMN_SIZE))
    return np.where(far, [_power_of_two(float(s)) for s in sizes], 1.0) if np.any(far) else None


def _columns(problem: Problem, data: Data) -> Units | None:
    """The rescaling that brings the columns of ``X`` near one (a column in cents beside one in
    units), or None when they are."""
    D = column_units(data)
    if D is None:
        return None
    try:  # a separable penalty rewrites its factors, for columns in large or tiny units
        penalty = problem.penalty.columns_rescaled(D)
    except NotSupportedError:
        # Any other is read as R(v / D): a column in large units then costs the solver a tiny
        # coefficient in the penalty, exact in the limit. A tiny column would cost a huge one:
        # it stays as it is (its coefficient barely moves the fit).
        D = np.maximum(D, 1.0)
        if np.all(D == 1.0):
            return None
        penalty = in_units(problem.penalty, D)
    bounds = problem.bounds
    if bounds is not None:
        with np.errstate(over="ignore", invalid="ignore"):
            bounds = tuple(None if side is None else np.asarray(side, dtype=float) * D for side in bounds)
        before = [np.isfinite(np.asarray(side, dtype=float)) for side in problem.bounds if side is not None]
        after = [np.isfinite(side) for side in bounds if side is not None]
        if any(np.any(g != k) for g, k in zip(before, after, strict=True)):
            return None  # a finite bound beyond float64's range in the new units
    constraints = [type(con)(np.asarray(con.matrix, dtype=float) / D, con.rhs) for con in problem.constraints]
    rescaled = type(problem)(
        problem.loss, penalty, problem.form, fit_intercept=problem.fit_intercept, bounds=bounds, constraints=constraints
    )
    X = data.X @ sp.diags(1.0 / D) if sp.issparse(data.X) else data.X / D
    new_data = dataclasses.replace(data, X=sp.csr_matrix(X) if sp.issparse(X) else X, _memo={})
    return Units(rescaled, new_data, 1.0, 1.0, 1.0, columns=D)
