"""Data by row blocks: a Dask array in, certified answers out (the least-squares family).

A least-squares objective sees its data only through a few sums over the rows: the weighted
moments ``X^T S X``, ``X^T S y``, ``y^T S y``, the column means and the total weight. Each block
of rows gives its own, centred at its own means, and two blocks combine exactly by Chan, Golub
and LeVeque's update for pooled (co)variances (1979), so one pass over the data, run by
whatever Dask scheduler is active (threads, processes, a ``distributed`` cluster), reduces any
number of rows to a ``d x d`` problem. Nothing of the data is held at once beyond a block.

The reduction is turned into at most ``d + 1`` rows ``(Z, u)`` with the same objective
(``Z^T Z = X_c^T S X_c``, ``Z^T u = X_c^T S y_c``, ``||u||^2 = y_c^T S y_c``, columns equilibrated
before the eigendecomposition), and ``Problem.solve`` or ``Problem.path`` runs on those rows as on
any data: every penalty, bounds, linear constraints, both forms; the intercept is
``y_mean - x_mean^T w``. The answer is then judged on the data, not on the reduction: a second
pass computes, for every point at once, ``X^T S r``, ``sum s r^2`` and the other sums the
certificate and the duality gap are made of. A solve or a path costs two passes; a K-fold
cross-validation on folds of whole blocks costs the same two, since each fold's training
moments are the other blocks' combined and its squared error is a quadratic in its own moments.

Forming ``X^T X`` squares the condition number of ``X``: with ``cond(X)`` near 1e8 the reduced
solve loses its digits, and the certificate on the data says so (an ``optimal_inaccurate``
status with its reason), as glmnet's covariance updates would not.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import numpy as np

from cvxreg import _blockwise
from cvxreg._units import units_of
from cvxreg._validation import invalid
from cvxreg.certificates import from_gradient, resolved_gap, scale_from_sums
from cvxreg.errors import NotSupportedError
from cvxreg.path import lambda_grid
from cvxreg.result import Certificate, Result, Status

if TYPE_CHECKING:
    from cvxreg.path import Path
    from cvxreg.problem import Problem

__all__ = [
    "Moments", "Reduced", "by_rows", "certificate", "fold_edges", "fold_scores", "from_npy", "is_blocked", "passes",
    "path", "reduce", "solve",
]  # fmt: skip

_EPS = float(np.finfo(float).eps)


def is_blocked(X: Any) -> bool:
    """Whether ``X`` is a Dask array (known without importing Dask)."""
    return type(X).__module__.split(".")[0] == "dask" and hasattr(X, "to_delayed") and hasattr(X, "chunks")


@dataclasses.dataclass(frozen=True)
class Moments:
    """The weighted moments of a set of rows, centred at their own weighted means, and the
    plain sums the certificate needs. ``Moments.of`` makes them for one block; ``+`` pools two."""

    n: int
    total: float  # sum of the weights
    x_mean: np.ndarray
    y_mean: float
    xx: np.ndarray  # sum s (x - x_mean)(x - x_mean)^T
    xy: np.ndarray  # sum s (x - x_mean)(y - y_mean)
    yy: float  # sum s (y - y_mean)^2
    col_sum: np.ndarray  # sum x (unweighted: the gap's centring)
    col_sq: np.ndarray  # sum x^2 (unweighted: the scale's fallback)
    col_max: np.ndarray  # max |x| (column units)
    inv_weight: float  # sum 1 / s over rows with s > 0
    y_sum: float  # sum y over rows with s > 0
    finite: bool
    negative: bool

    @classmethod
    def of(cls, x: np.ndarray, y: np.ndarray, s: np.ndarray | None) -> Moments:
        return cls(**_blockwise.moments(x, y, s))

    def __add__(self, other: Moments) -> Moments:
        total = self.total + other.total
        f = self.total * other.total / total if total > 0 else 0.0
        dx, dy = other.x_mean - self.x_mean, other.y_mean - self.y_mean
        share = other.total / total if total > 0 else 0.0
        return Moments(
            n=self.n + other.n, total=total, x_mean=self.x_mean + share * dx, y_mean=self.y_mean + share * dy,
            xx=self.xx + other.xx + f * np.outer(dx, dx), xy=self.xy + other.xy + f * dx * dy,
            yy=self.yy + other.yy + f * dy * dy, col_sum=self.col_sum + other.col_sum,
            col_sq=self.col_sq + other.col_sq, col_max=np.maximum(self.col_max, other.col_max),
            inv_weight=self.inv_weight + other.inv_weight, y_sum=self.y_sum + other.y_sum,
            finite=self.finite and other.finite, negative=self.negative or other.negative,
        )  # fmt: skip

    def squared_error(self, w: np.ndarray, b: float) -> float:
        """``sum s (y - x^T w - b)^2`` over these rows, from the moments alone."""
        offset = self.y_mean - float(self.x_mean @ w) - b
        return max(self.yy - 2.0 * float(w @ self.xy) + float(w @ self.xx @ w), 0.0) + self.total * offset**2


def pooled(parts: list[Moments]) -> Moments:
    """The moments of all the rows of ``parts``, pooled pairwise (a balanced tree)."""
    while len(parts) > 1:
        parts = [parts[i] + parts[i + 1] if i + 1 < len(parts) else parts[i] for i in range(0, len(parts), 2)]
    return parts[0]


# -------------------------------------------------------------------------------------------
# The data: checked, chunked by rows, and their moments (one pass, remembered)
# -------------------------------------------------------------------------------------------
_MOMENTS: OrderedDict[Any, list[Moments]] = OrderedDict()
_PASSES = [0]


def passes() -> int:
    """How many passes over data by blocks this process has made so far (a pass is one
    ``dask.compute`` over every block): the cost a benchmark reports."""
    return _PASSES[0]


@dataclasses.dataclass
class Blocks:
    """A Dask ``X``, with ``y`` and the weights chunked as its rows, and how many passes over
    them this call made."""

    X: Any
    y: Any
    sample_weight: Any
    owner: str = "Problem.solve"
    passes: int = 0

    @property
    def d(self) -> int:
        return int(self.X.shape[1])

    def each(self, fn: Any, *args: Any) -> list[Any]:
        """``fn(x, y, s, *args)`` on every block of rows, in order: one pass over the data."""
        import dask

        xs, ys = self.X.to_delayed().ravel(), self.y.to_delayed().ravel()
        ss = [None] * len(xs) if self.sample_weight is None else self.sample_weight.to_delayed().ravel()
        _by_value()
        task = dask.delayed(fn, pure=True)
        found = dask.compute(*[task(x, y, s, *args) for x, y, s in zip(xs, ys, ss, strict=True)])
        self.passes += 1
        _PASSES[0] += 1
        return list(found)

    def moments(self) -> list[Moments]:
        """Every block's moments, in the order of the rows: one pass, remembered for these arrays."""
        key = (self.X.name, self.y.name, None if self.sample_weight is None else self.sample_weight.name)
        if key in _MOMENTS:
            _MOMENTS.move_to_end(key)
            return _MOMENTS[key]
        parts = [Moments(**part) for part in self.each(_blockwise.moments)]
        whole = pooled(list(parts))
        if not whole.finite:
            raise invalid("X", self.owner, "finite numbers in X, y and sample_weight", "NaN or inf", raw=True)
        if whole.negative:
            raise invalid("sample_weight", self.owner, "nonnegative numbers", "a negative weight", raw=True)
        if whole.total <= 0:
            raise invalid("sample_weight", self.owner, "weights with a positive sum", "weights summing to 0",
                          raw=True)  # fmt: skip
        _MOMENTS[key] = parts
        while len(_MOMENTS) > 8:
            _MOMENTS.popitem(last=False)
        return parts

    def residual_sums(self, W: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
        """One pass: for K points (rows of ``W``, ``b``) the sums of the certificate."""
        pieces = self.each(_blockwise.residual_sums, W, b)
        return {key: sum(p[key] for p in pieces) for key in pieces[0]}


def _by_value() -> None:
    """Send the block functions to Dask's workers by value (they need NumPy alone): a worker
    with a memory limit of a few hundred MB would spend most of it importing cvxreg (CVXPY,
    SciPy, its solvers)."""
    import cloudpickle

    cloudpickle.register_pickle_by_value(_blockwise)


def checked(X: Any, y: Any, sample_weight: Any, owner: str) -> Blocks:
    """``X`` (a Dask array), ``y`` and the weights (Dask or in memory) chunked alike by rows."""
    import dask.array as da

    if X.ndim != 2:
        raise invalid("X", owner, "a 2-D Dask array", f"{X.ndim} dimensions", raw=True)
    if any(math.isnan(c) for c in X.chunks[0]):
        raise invalid("X", owner, "a Dask array with known chunk sizes (call X.compute_chunk_sizes())",
                      "unknown chunk sizes", raw=True)  # fmt: skip
    X = X.rechunk({1: -1}) if len(X.chunks[1]) > 1 else X  # every column of a row in one block
    rows = X.chunks[0]

    def along(v: Any, name: str) -> Any:
        shape = np.shape(v)
        if len(shape) != 1 or shape[0] != X.shape[0]:
            raise invalid(name, owner, f"a 1-D array of {X.shape[0]} values (one per row of X)", f"shape {shape}",
                          raw=True)  # fmt: skip
        v = v if is_blocked(v) else da.from_array(np.asarray(v, dtype=float), chunks=(rows,))
        return v if v.chunks[0] == rows else v.rechunk((rows,))

    return Blocks(X, along(y, "y"), None if sample_weight is None else along(sample_weight, "sample_weight"), owner)


def column_weights(col_max: np.ndarray) -> np.ndarray | None:
    """``certificates._column_weights`` from each column's largest absolute entry."""
    units = units_of(col_max)
    return None if units is None or np.all(units <= 1.0) else np.maximum(units, 1.0)


def rows_for(G: np.ndarray, q: np.ndarray, const: float) -> tuple[np.ndarray, np.ndarray]:
    """At most ``d + 1`` rows ``(Z, u)`` with ``Z^T Z = G``, ``Z^T u = q`` (on the range of ``G``)
    and ``||u||^2 = const``: a least-squares objective with these moments, as data. The columns
    are equilibrated before the eigendecomposition, so columns in any units keep their digits."""
    size = np.sqrt(np.maximum(np.diag(G), 0.0))
    size[size == 0] = 1.0
    lam, V = np.linalg.eigh(G / np.outer(size, size))
    keep = lam > lam.max(initial=0.0) * len(lam) * _EPS
    root = np.sqrt(lam[keep])
    Z = (root[:, None] * V[:, keep].T) * size
    u = (V[:, keep].T @ (q / size)) / root
    Z = np.vstack([Z, np.zeros(len(size))])
    return Z, np.append(u, math.sqrt(max(const - float(u @ u), 0.0)))


# -------------------------------------------------------------------------------------------
# The reduced problem, and the answer judged on the data
# -------------------------------------------------------------------------------------------
@dataclasses.dataclass
class Reduced:
    """``problem`` on the moments of ``parts``: its rows ``(Z, u)`` with weights ``s`` for
    ``inner`` (the same problem on centred data, no intercept), and the way back."""

    problem: Problem
    whole: Moments
    inner: Problem
    Z: np.ndarray
    u: np.ndarray
    s: np.ndarray

    @classmethod
    def of(cls, problem: Problem, whole: Moments) -> Reduced:
        if problem.fit_intercept:
            G, q, const = whole.xx, whole.xy, whole.yy
        else:  # the raw moments about 0
            G = whole.xx + whole.total * np.outer(whole.x_mean, whole.x_mean)
            q = whole.xy + whole.total * whole.x_mean * whole.y_mean
            const = whole.yy + whole.total * whole.y_mean**2
        Z, u = rows_for(G, q, const)
        m = len(u)  # weights summing to the data's: a mean-scale loss divides by the same total
        Z, u = Z * math.sqrt(m / whole.total), u * math.sqrt(m / whole.total)
        inner = type(problem)(problem.loss, problem.penalty, problem.form, fit_intercept=False, bounds=problem.bounds,
                              constraints=problem.constraints)  # fmt: skip
        return cls(problem, whole, inner, Z, u, np.full(m, whole.total / m))

    def intercept(self, w: np.ndarray) -> np.ndarray:
        """The intercepts ``y_mean - x_mean^T w`` of the rows of ``w`` (0 without one)."""
        W = np.atleast_2d(w)
        return self.whole.y_mean - W @ self.whole.x_mean if self.problem.fit_intercept else np.zeros(len(W))

    def judged(
        self, blocks: Blocks, results: list[Result], tol: float, problems: list[Problem] | None = None
    ) -> list[Result]:
        """Each answer (of ``problems``, one each, default this one) with its certificate and
        objective computed on the data (one pass for all), and its status by the one rule:
        ``optimal`` when the certificate passes at ``tol``."""
        problems = problems or [self.problem] * len(results)
        ok = [r for r in results if r.ok]
        if not ok:
            return results
        W = np.array([np.asarray(r.coef, dtype=float) for r in ok])
        b = np.array([float(r.intercept) for r in ok])
        sums = blocks.residual_sums(W, b)
        out, k = [], 0
        for r, problem in zip(results, problems, strict=True):
            if r.ok:
                out.append(self._certified(problem, r, {key: v[..., k] for key, v in sums.items()}, tol))
                k += 1
            else:
                out.append(r)
        return out

    def _certified(self, problem: Problem, result: Result, sums: dict[str, Any], tol: float) -> Result:
        whole = self.whole
        c = 1.0 / problem.loss.weight_total(whole.n, np.array([whole.total]))  # the weights' sum, n without
        w = np.asarray(result.coef, dtype=float)
        units = column_weights(whole.col_max)
        Xty = whole.xy + whole.total * whole.x_mean * whole.y_mean
        scale = scale_from_sums(c, Xty, float(whole.col_sq.sum()), units)
        grad, grad_b = -c * sums["XtSr"], (-c * float(sums["sr"]) if problem.fit_intercept else 0.0)
        tol_w = 1e-6 * max(1.0, float(np.max(np.abs(w), initial=0.0)))
        kkt, infeas, slack = from_gradient(problem, result, grad, grad_b, scale, units, tol_w)
        fit = 0.5 * c * float(sums["srr"])
        objective = problem.form.objective_value(fit, problem.penalty.value(w))
        cert = Certificate(kkt, infeas, slack, self._gap(problem, result, sums, c, fit), scale)
        status, message = result.status, result.message
        if not math.isnan(cert.worst):
            status = Status.OPTIMAL if cert.passed(tol) else Status.OPTIMAL_INACCURATE
            if status == Status.OPTIMAL_INACCURATE:
                why = f"its certificate on the data is {cert.worst:.1e}, above tol = {tol:g}"
                message = f"{message}; {why}" if message else why
        return dataclasses.replace(result, certificate=cert, objective=objective, status=status, message=message)

    def _gap(self, problem: Problem, result: Result, sums: dict[str, Any], c: float, fit: float) -> float | None:
        """The Fenchel gap of ``certificates._duality_gap`` for the squared loss, from sums:
        ``theta = c s r`` centred by its mean when there is an intercept, and the conjugate
        ``sum s (rho^2 / 2 + rho y)`` a quadratic in the dual point's scaling ``k``."""
        whole, pen = self.whole, problem.penalty
        if not pen.is_norm or problem.bounds is not None or problem.constraints:
            return None
        m = c * float(sums["sr"]) / whole.n if problem.fit_intercept else 0.0
        Xt_theta = c * sums["XtSr"] - m * whole.col_sum
        a = float(sums["srr"]) - 2 * (m / c) * float(sums["r_pos"]) + (m / c) ** 2 * whole.inv_weight
        bb = -float(sums["sry"]) + (m / c) * whole.y_sum
        dn = pen.dual_norm(Xt_theta)
        if not np.isfinite(dn):
            return None
        dual = problem.form.fenchel_dual(lambda k: c * (0.5 * k * k * a + k * bb), dn)
        if dual is None:
            return None
        primal = problem.form.objective_value(fit, pen.value(np.asarray(result.coef, dtype=float)))
        gap = max(primal - dual, 0.0) / max(1.0, abs(primal))
        noise = pen.dual_norm(_EPS * math.sqrt(whole.n) * c * sums["noise"])
        return resolved_gap(problem, gap, noise, max(1.0, abs(primal)))


def reduce(problem: Problem, X: Any, y: Any, sample_weight: Any, owner: str) -> tuple[Blocks, Reduced]:
    """The data checked by rows and ``problem`` on their moments (one pass, or none when these
    arrays were reduced before)."""
    _least_squares_only(problem)
    blocks = checked(X, y, sample_weight, owner)
    return blocks, Reduced.of(problem, pooled(list(blocks.moments())))


def _least_squares_only(problem: Problem) -> None:
    if not problem.loss.least_squares:
        raise NotSupportedError(
            f"{problem!r}: cvxreg.blocks reduces the least-squares family to its moments; a smooth loss on data by "
            "blocks goes through cvxreg.blocks_newton (Problem.solve, Problem.path and cross_validate take it)."
        )


def solve(
    problem: Problem, X: Any, y: Any, *, sample_weight: Any, tol: float, certify: bool = True, **options: Any
) -> Result:
    """``Problem.solve`` on a Dask ``X``: the reduced solve, judged on the data (two passes;
    one with ``certify=False``)."""
    blocks, red = reduce(problem, X, y, sample_weight, "Problem.solve")
    inner = red.inner.solve(red.Z, red.u, sample_weight=red.s, tol=tol, certify=certify, **options)
    if inner.ok:
        inner = dataclasses.replace(inner, intercept=float(red.intercept(inner.coef)[0]))
    result = red.judged(blocks, [inner], tol)[0] if certify else dataclasses.replace(inner, certificate=None)
    # What the inner solve said of its own rows (their units, say) is not about the user's data.
    told = inner.message if inner.status not in (Status.OPTIMAL, Status.OPTIMAL_INACCURATE) else ""
    if result.status == Status.OPTIMAL_INACCURATE and result.certificate is not None:
        told = result.message.split("; ")[-1]
    note = f"reduced by blocks of rows: {blocks.passes} pass(es) over the data"
    return dataclasses.replace(result, message=f"{told}; {note}" if told else note)


def path(problem: Problem, X: Any, y: Any, lams: Any = None, *, sample_weight: Any = None, **options: Any) -> Path:
    """``Problem.path`` on a Dask ``X``: the path of the reduced problem, every point judged on
    the data in one more pass."""
    blocks, red = reduce(problem, X, y, sample_weight, "Problem.path")
    found = red.inner.path(red.Z, red.u, lams, sample_weight=red.s, **options)
    b = red.intercept(found.coefs)
    points = [
        Result(coef=found.coefs[k], intercept=float(b[k]), objective=float(found.objectives[k]),
               status=found.statuses[k], solver="path", dual=None if found.duals is None else float(found.duals[k]))
        for k in range(len(b))
    ]  # fmt: skip
    form = type(problem.form)
    judged = red.judged(blocks, points, 1e-6, [problem.with_form(form(float(v))) for v in found.values])
    return dataclasses.replace(
        found, intercepts=b, objectives=np.array([r.objective for r in judged]),
        certificates=tuple(r.certificate for r in judged), statuses=tuple(r.status for r in judged),
    )  # fmt: skip


def fold_edges(folds: Any, nb: int) -> np.ndarray:
    """Where K contiguous folds of ``nb`` blocks start and end (``KFold`` without shuffling, on
    blocks: the first ``nb % K`` folds one block larger)."""
    if isinstance(folds, bool) or not isinstance(folds, int | np.integer) or not 2 <= folds <= nb:
        allowed = f"an integer in [2, {nb}] with X in blocks (folds are whole blocks of rows; X has {nb})"
        raise invalid("folds", "cross_validate", allowed, folds)
    sizes = np.full(int(folds), nb // folds)
    sizes[: nb % folds] += 1
    return np.r_[0, np.cumsum(sizes)]


def fold_scores(
    problems: list[tuple[float | None, Problem]], X: Any, y: Any, sample_weight: Any, folds: Any, given: Any,
    n_lams: int, eps: float,
) -> tuple[list[np.ndarray], list[np.ndarray]]:  # fmt: skip
    """``cross_validate`` on a Dask ``X``: each problem's grid, and per (problem, fold) the held-out
    mean squared error at each lam. Folds are contiguous runs of whole blocks (as ``KFold``
    without shuffling, on blocks); each fold's training moments are the other blocks' pooled, and
    its error a quadratic in its own moments, so no pass is made beyond the moments'."""
    for _, problem in problems:
        _least_squares_only(problem)
    parts = checked(X, y, sample_weight, "cross_validate").moments()
    edges = fold_edges(folds, len(parts))
    whole = pooled(list(parts))
    grids, scores = [], []
    for _, problem in problems:
        red = Reduced.of(problem, whole)
        grid = given if given is not None else lambda_grid(red.inner, red.inner.check_data(red.Z, red.u, red.s), n_lams,
                                                           eps)  # fmt: skip
        grids.append(grid)
        for lo, hi in itertools.pairwise(edges):
            test, train = pooled(list(parts[lo:hi])), pooled(list(parts[:lo]) + list(parts[hi:]))
            if test.total <= 0 or train.total <= 0:
                raise invalid("folds", "cross_validate", "folds whose rows do not all have weight 0", "such a fold",
                              raw=True)  # fmt: skip
            fit = Reduced.of(problem, train)
            found = fit.inner.path(fit.Z, fit.u, grid, sample_weight=fit.s)
            b = fit.intercept(found.coefs)
            errors = [test.squared_error(found.coefs[k], float(b[k])) / test.total for k in range(len(grid))]
            scores.append(np.array(errors))
    return grids, scores


def certificate(
    problem: Problem, X: Any, y: Any, coef: Any, intercept: float = 0.0, *, sample_weight: Any = None
) -> Certificate:
    """The certificate of any answer (``coef``, ``intercept``: another tool's, say) on data by
    blocks, as ``cvxreg.certificate`` gives it on data in memory: one pass, or two on new arrays
    (the scale and the gap's sums come from the moments). Penalized and constrained forms without
    multipliers are judged by stationarity at the penalty's weight of the form (``lam``)."""
    blocks, red = reduce(problem, X, y, sample_weight, "certificate")
    w = np.asarray(coef, dtype=float).ravel()
    if w.shape != (blocks.d,):
        raise invalid("coef", "certificate", f"{blocks.d} coefficients (one per column of X)", f"shape {w.shape}",
                      raw=True)  # fmt: skip
    answer = Result(coef=w, intercept=float(intercept), objective=math.nan, status=Status.OPTIMAL, solver="given")
    found = red.judged(blocks, [answer], 1e-6)[0].certificate
    assert found is not None
    return found


def _rows_per_block(shape: tuple[int, ...], dtype: Any, max_bytes: Any, owner: str) -> int:
    if len(shape) not in (1, 2):
        raise invalid("array", owner, "a 1-D or 2-D array", f"shape {shape}", raw=True)
    if isinstance(max_bytes, bool) or not (
        isinstance(max_bytes, int | float) and max_bytes > 0 and math.isfinite(max_bytes)
    ):
        raise invalid("max_bytes", owner, "a positive number of bytes", max_bytes)
    row = (shape[1] if len(shape) == 2 else 1) * np.dtype(dtype).itemsize
    return max(1, int(max_bytes // max(row, 1)))


def by_rows(array: Any, *, max_bytes: float = 64 * 2**20) -> Any:
    """An array on disk (a NumPy memory map, a zarr or HDF5 array) or in memory as a Dask array
    of whole rows, each block at most ``max_bytes`` (64 MiB by default): the memory bound of a
    solve on one machine is about (threads + 1) blocks, whatever the number of rows. For Dask's
    threaded scheduler; on a ``distributed`` cluster use ``from_npy``, whose workers read the
    file themselves (a memory map would be sent to them whole)."""
    import dask.array as da

    shape = tuple(array.shape)
    rows = _rows_per_block(shape, array.dtype, max_bytes, "by_rows")
    return da.from_array(array, chunks=(rows, *shape[1:]), asarray=True)


def from_npy(path: Any, *, max_bytes: float = 64 * 2**20) -> Any:
    """A ``.npy`` file as a Dask array of whole rows, each block at most ``max_bytes``, read from
    disk by the worker that uses it (the file must be at ``path`` for every worker: one machine,
    or a shared file system)."""
    import dask
    import dask.array as da

    try:
        head = np.load(path, mmap_mode="r")
    except (OSError, ValueError) as error:
        raise invalid("path", "from_npy", "the path of a .npy file every worker can read", f"{path!r} ({error})",
                      raw=True) from None  # fmt: skip
    shape, dtype = tuple(head.shape), head.dtype
    rows = _rows_per_block(shape, dtype, max_bytes, "from_npy")
    _by_value()
    read = dask.delayed(_blockwise.read_rows, pure=True)
    parts = [
        da.from_delayed(read(str(path), start, min(start + rows, shape[0])), (min(start + rows, shape[0]) - start,
                        *shape[1:]), dtype=dtype)
        for start in range(0, shape[0], rows)
    ]  # fmt: skip
    return da.concatenate(parts, axis=0)
