"""Parameter and data checks, all speaking through one message template.

"The 'l1_ratio' parameter of ElasticNet must be a float in [0, 1]. Got 1.5."
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import os
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from cvxreg.closed_forms import least_squares_factor
from cvxreg.errors import InvalidParameterError

__all__ = [
    "Data",
    "SameByParameters",
    "check_X",
    "check_bounds",
    "check_choice",
    "check_data",
    "check_factors",
    "check_labels",
    "check_p",
    "check_real",
    "check_sample_weight",
    "check_y",
    "fmt_number",
    "frozen",
    "invalid",
    "own_parameters",
]


class _ByIdentity:
    """An object that has no value semantics (a function, an open file): equal only to itself.
    It keeps a reference, so a cache key holding it can never meet a recycled ``id``."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _ByIdentity) and other.obj is self.obj

    def __hash__(self) -> int:
        return id(self.obj)


def frozen(value: Any) -> Any:
    """A hashable value that is equal for equal parameters: arrays by dtype, shape and bytes,
    containers item by item, parametrized objects by their state, anything else (functions
    included) by identity."""
    if isinstance(value, SameByParameters):
        return value.identity()
    if value is None or isinstance(value, numbers.Number | str | bytes | np.generic):
        return value
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, np.ascontiguousarray(value).tobytes())
    if sp.issparse(value):
        m = sp.csr_array(value)
        return ("sparse", m.shape, frozen(m.data), frozen(m.indices), frozen(m.indptr))
    if isinstance(value, list | tuple):
        return (type(value).__name__, *(frozen(v) for v in value))
    if isinstance(value, dict):
        return ("dict", *sorted(((str(k), frozen(v)) for k, v in value.items()), key=lambda kv: kv[0]))
    if isinstance(value, set | frozenset):
        return ("set", frozenset(frozen(v) for v in value))
    return _ByIdentity(value)


class SameByParameters:
    """Equality, hashing and the cache key from an object's whole state (its type and every
    attribute it holds, as scikit-learn's ``get_params`` reads a constructor's arguments):
    two losses or penalties are equal when they compute the same thing, and a user's subclass
    that stores a parameter is told apart from its siblings without writing anything.
    Functions compare by identity."""

    def identity(self) -> tuple[Any, ...]:
        """What this object is, as a hashable value: its class and its frozen state."""
        return (type(self), frozen(vars(self)))

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.identity() == other.identity()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self.identity())

    def get_params(self) -> dict[str, Any]:
        """The constructor's arguments read back from the object (scikit-learn's rule: each
        argument of ``__init__`` is kept as an attribute of the same name, or with a leading
        underscore); arguments the object does not keep are left out."""
        out = {}
        for name, param in inspect.signature(type(self).__init__).parameters.items():
            if name == "self" or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            for attr in (name, f"_{name}"):
                if attr in vars(self):
                    out[name] = vars(self)[attr]
                    break
        return out


def own_parameters(obj: Any, shown: Any) -> list[str]:
    """``name=value`` for the constructor arguments of a class written outside cvxreg (a
    user's subclass) that its built-in ``repr`` does not show: ``ScaledL1(c=10)``."""
    owner = next(k for k in type(obj).__mro__ if "__init__" in vars(k))
    if owner is object or owner.__module__.startswith("cvxreg."):
        return []
    return [f"{k}={v!r}" for k, v in obj.get_params().items() if k not in shown]


def _show(value: Any) -> str:
    """A short, readable rendering of a received value for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if sp.issparse(value):
        return f"a sparse matrix of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} (type {type(value).__name__})" if not isinstance(value, str) else text


def invalid(name: str, owner: str, allowed: str, got: Any, *, raw: bool = False) -> InvalidParameterError:
    """Build the one error message template. ``raw=True`` uses ``got`` as already rendered text."""
    shown = got if raw else _show(got)
    return InvalidParameterError(f"The {name!r} parameter of {owner} must be {allowed}. Got {shown}.")


def fmt_number(x: float) -> str:
    """A number as constructor text that round-trips: ``3``, ``0.5``, ``0.5384615384615384``, ``'inf'``."""
    x = float(x)
    if math.isinf(x):
        return "'inf'" if x > 0 else "'-inf'"
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _is_real_scalar(value: Any) -> bool:
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    return isinstance(value, numbers.Real)


def check_jobs(n_jobs: Any, owner: str) -> int:
    """``n_jobs``: a positive integer, or -1 for every core."""
    if not isinstance(n_jobs, int | np.integer) or isinstance(n_jobs, bool) or n_jobs == 0 or n_jobs < -1:
        raise invalid("n_jobs", owner, "a positive integer or -1 (all cores)", n_jobs)
    return int(n_jobs)


def workers(n_jobs: int, n_tasks: int) -> int:
    """How many workers ``n_jobs`` starts for ``n_tasks`` tasks: no more than the tasks, nor
    eight per core (``n_jobs = 10**6`` must not start a million processes)."""
    cores = os.cpu_count() or 1
    return max(1, min(cores if n_jobs == -1 else n_jobs, n_tasks, 8 * cores))


def check_real(
    value: Any,
    name: str,
    owner: str,
    *,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
    hi_open: bool = False,
    allow_inf: bool = False,
) -> float:
    """Return ``value`` as a float after checking it is a real number in the interval."""
    left = "(" if lo_open else "["
    right = ")" if hi_open else "]"
    lo_text = "-inf" if lo is None else f"{lo:g}"
    hi_text = "inf" if hi is None else f"{hi:g}"
    if lo is None and hi is None:
        allowed = "a finite real number" if not allow_inf else "a real number"
    elif hi is None and not allow_inf:
        allowed = f"a finite real number {'>' if lo_open else '>='} {lo_text}"
    else:
        allowed = f"a real number in {left}{lo_text}, {hi_text}{right}"
    if not _is_real_scalar(value):
        raise invalid(name, owner, allowed, value)
    out = float(value)
    if math.isnan(out) or (math.isinf(out) and not allow_inf):
        raise invalid(name, owner, allowed, value)
    if lo is not None and (out < lo or (lo_open and out == lo)):
        raise invalid(name, owner, allowed, value)
    if hi is not None and (out > hi or (hi_open and out == hi)):
        raise invalid(name, owner, allowed, value)
    return out


def check_p(p: Any, owner: str) -> float:
    """Return the exponent ``p`` as a float in (0, inf].

    Accepts any real number > 0 (numpy scalars included) and infinity written as
    ``np.inf``, ``float("inf")`` or the string ``"inf"`` in any case. Whether p < 1 is
    allowed is not decided here: the DCP gate of ``Problem`` rejects it with reasons.
    """
    allowed = "a real number >= 1 or infinity (np.inf or 'inf')"
    if isinstance(p, str):
        if p.strip().lower() in ("inf", "+inf", "infinity"):
            return math.inf
        raise invalid("p", owner, allowed, p)
    if not _is_real_scalar(p):
        raise invalid("p", owner, allowed, p)
    out = float(p)
    if math.isnan(out) or out <= 0:
        raise invalid("p", owner, allowed, p)
    return out


def check_choice(value: Any, name: str, owner: str, choices: Sequence[str]) -> str:
    allowed = "one of " + ", ".join(repr(c) for c in choices)
    if not isinstance(value, str) or value not in choices:
        raise invalid(name, owner, allowed, value)
    return value


def _as_float_array(value: Any, name: str, owner: str, allowed: str) -> np.ndarray:
    if isinstance(value, np.ma.MaskedArray):  # a mask says "no value here": never read what is under it
        masked = int(np.ma.count_masked(value))
        if masked:
            got = f"a masked array with {masked} masked entries (fill or drop them)"
            raise invalid(name, owner, allowed, got, raw=True)
        value = value.data
    try:
        arr = np.asarray(value)
    except Exception:  # ragged lists and exotic objects
        raise invalid(name, owner, allowed, value) from None
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise invalid(name, owner, allowed, f"values of dtype {arr.dtype}", raw=True)
    return np.asarray(arr, dtype=float)  # no copy of data that is already float64


def _all_finite(arr: np.ndarray) -> bool:
    """Whether every entry is finite.

    One pass and no temporary: a sum is finite when every entry is (a rare overflow of huge
    finite entries falls through to the exact test)."""
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(arr)):
            return True
    return bool(np.all(np.isfinite(arr)))


def check_factors(factors: Any, owner: str, *, allow_inf: bool = False, name: str = "factors") -> np.ndarray | None:
    """Per-coefficient penalty factors (glmnet's ``penalty.factor``): >= 0, and finite unless
    ``allow_inf`` (``inf`` holds a coefficient at zero)."""
    if factors is None:
        return None
    held = ", inf holds it at 0" if allow_inf else ""
    allowed = f"None or a 1-D array of numbers >= 0 (0 leaves a coefficient unpenalized{held})"
    arr = _as_float_array(factors, name, owner, allowed).copy()  # made read-only below: ours, not the caller's
    if arr.ndim != 1 or arr.size == 0:
        raise invalid(name, owner, allowed, f"an array of shape {arr.shape}", raw=True)
    bad_mask = np.isnan(arr) | (arr < 0) | (np.isinf(arr) & (not allow_inf))
    if np.any(bad_mask):
        raise invalid(name, owner, allowed, f"values such as {arr[bad_mask][:3].tolist()}", raw=True)
    arr.setflags(write=False)
    return arr


def check_X(X: Any, owner: str = "Problem.solve") -> tuple[np.ndarray | sp.csr_matrix, tuple[str, ...] | None]:
    """Return X as a float array (or CSR matrix) and its column names when it has them."""
    Xv, names = _check_X(X, owner)
    return Xv, names


def _check_X(X: Any, owner: str) -> tuple[np.ndarray | sp.csr_matrix, tuple[str, ...] | None]:
    allowed = "a non-empty 2-D array of finite numbers (NumPy, pandas DataFrame or SciPy sparse)"
    names = None
    if hasattr(X, "columns") and hasattr(X, "to_numpy"):
        names = tuple(str(c) for c in X.columns)
        X = X.to_numpy()
    if sp.issparse(X):
        if X.dtype.kind not in "biuf":
            raise invalid("X", owner, allowed, X)
        Xs = sp.csr_matrix(X, dtype=float)
        if Xs.ndim != 2 or 0 in Xs.shape:
            raise invalid("X", owner, allowed, X)
        if not _all_finite(Xs.data):
            raise invalid("X", owner, allowed, "a sparse matrix with NaN or infinite entries", raw=True)
        return Xs, names
    arr = _as_float_array(X, "X", owner, allowed)
    if arr.ndim != 2 or 0 in arr.shape:
        raise invalid("X", owner, allowed, f"an array of shape {arr.shape}", raw=True)
    if not _all_finite(arr):
        n_bad = int(np.sum(~np.isfinite(arr)))
        raise invalid("X", owner, allowed, f"an array with {n_bad} NaN or infinite entries", raw=True)
    return arr, names


def check_y(y: Any, n: int, owner: str = "Problem.solve") -> np.ndarray:
    allowed = f"a 1-D array of {n} finite numbers (one per row of X)"
    if hasattr(y, "to_numpy"):
        y = y.to_numpy()
    arr = _as_float_array(y, "y", owner, allowed)
    if arr.ndim == 2 and 1 in arr.shape and arr.size == n:
        arr = arr.ravel()
    if arr.ndim != 1 or arr.shape[0] != n:
        raise invalid("y", owner, allowed, f"an array of shape {arr.shape}", raw=True)
    if not np.all(np.isfinite(arr)):
        n_bad = int(np.sum(~np.isfinite(arr)))
        raise invalid("y", owner, allowed, f"an array with {n_bad} NaN or infinite entries", raw=True)
    return arr


def check_sample_weight(s: Any, n: int, owner: str = "Problem.solve") -> np.ndarray | None:
    if s is None:
        return None
    allowed = f"None, a number > 0, or a 1-D array of {n} finite numbers >= 0, not all zero"
    if hasattr(s, "to_numpy"):
        s = s.to_numpy()
    arr = _as_float_array(s, "sample_weight", owner, allowed)
    if arr.ndim == 0:  # one weight for every sample, as scikit-learn accepts
        arr = np.full(n, float(arr))
    if arr.ndim != 1 or arr.shape[0] != n:
        raise invalid("sample_weight", owner, allowed, f"an array of shape {arr.shape}", raw=True)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or not np.any(arr > 0):
        raise invalid("sample_weight", owner, allowed, f"values {arr[:5].tolist()}...", raw=True)
    return arr


def check_labels(y: Any, n: int, owner: str = "Problem.solve") -> tuple[np.ndarray, tuple[Any, ...] | None]:
    """Two class labels as ``-1``/``+1`` and the labels they stand for.

    Labels already in {-1, +1} are kept as they are (``None`` is returned for the classes);
    any other two labels (numbers, strings, booleans) are sorted and the first becomes -1, the
    second +1 (scikit-learn's positive class is also the second of its sorted classes).
    """
    allowed = f"a 1-D array of {n} class labels with at most two distinct values"
    if hasattr(y, "to_numpy"):
        y = y.to_numpy()
    try:
        arr = np.asarray(y)
    except Exception:
        raise invalid("y", owner, allowed, y) from None
    if arr.ndim == 2 and 1 in arr.shape and arr.size == n:
        arr = arr.ravel()
    if arr.ndim != 1 or arr.shape[0] != n:
        raise invalid("y", owner, allowed, f"an array of shape {arr.shape}", raw=True)
    if arr.dtype.kind in "biuf":
        values = arr.astype(float)
        if not np.all(np.isfinite(values)):
            raise invalid("y", owner, allowed, "labels with NaN or infinite values", raw=True)
        if np.all(np.isin(values, (-1.0, 1.0))):
            return values, None
    try:
        classes = np.unique(arr)
    except TypeError:  # labels of mixed kinds (None next to strings, ...) cannot be ordered
        raise invalid("y", owner, allowed, "labels of mixed types that cannot be ordered", raw=True) from None
    if classes.size > 2:
        more = f" and {classes.size - 6} more" if classes.size > 6 else ""
        raise invalid("y", owner, allowed, f"{classes.size} labels {classes[:6].tolist()}{more}", raw=True)
    if classes.size < 2:
        raise invalid("y", owner, allowed + " (two are needed to fit)", f"only the label {classes.tolist()}", raw=True)
    return np.where(arr == classes[1], 1.0, -1.0), tuple(classes.tolist())


def check_bounds(bounds: Any, owner: str = "Problem") -> tuple[Any, Any] | None:
    """``bounds=(lower, upper)``; each None, a number, or a 1-D array; lower <= upper."""
    if bounds is None:
        return None
    allowed = "None or a pair (lower, upper), each None, a number or a 1-D array, with lower <= upper"
    if not isinstance(bounds, tuple | list) or len(bounds) != 2:
        raise invalid("bounds", owner, allowed, bounds)
    out = []
    for side in bounds:
        if side is None:
            out.append(None)
            continue
        arr = _as_float_array(side, "bounds", owner, allowed).copy()  # read-only: ours, not the caller's
        if arr.ndim > 1 or np.any(np.isnan(arr)):
            raise invalid("bounds", owner, allowed, bounds)
        arr.setflags(write=False)
        out.append(arr)
    lo, hi = out
    # A lower bound of +inf (or an upper bound of -inf) admits no w at all: say so, never drop it.
    if lo is not None and np.any(lo == np.inf):
        raise invalid("bounds", owner, allowed + "; a lower bound of +inf admits no coefficient", bounds)
    if hi is not None and np.any(hi == -np.inf):
        raise invalid("bounds", owner, allowed + "; an upper bound of -inf admits no coefficient", bounds)
    if lo is not None and hi is not None:
        try:
            bad = np.any(lo > hi)
        except ValueError:
            raise invalid("bounds", owner, allowed, "lower and upper of different lengths", raw=True) from None
        if bad:
            raise invalid("bounds", owner, allowed, "a lower bound above its upper bound", raw=True)
    if lo is None and hi is None:
        return None
    return lo, hi


def _probe(size: int) -> np.ndarray:
    """A fixed random vector of ``size`` entries for ``Data.fingerprint``: kept between calls up
    to 16384 entries (a new small problem on each call pays no random draws), made anew above
    (2 ms at a million entries, once per data set; wide data keep no vector of d)."""
    return _kept_probe(size) if size <= 16384 else _random(size)


@functools.lru_cache(maxsize=16)
def _kept_probe(size: int) -> np.ndarray:
    vector = _random(size)
    vector.setflags(write=False)
    return vector


def _random(size: int) -> np.ndarray:
    return np.random.default_rng(size).standard_normal(size)


#: Quantities derived from data sets, by (fingerprint, name); see ``Data.derived``.
_DERIVED: OrderedDict[Any, Any] = OrderedDict()
_DERIVED_SIZE = 32


def forget_derived() -> None:
    """Drop every quantity derived from data sets (``Data.derived``): the next solve on any data
    makes them again, as a first call does (used to time a first call fairly)."""
    _DERIVED.clear()


@dataclass(frozen=True)
class Data:
    """Checked data: ``X`` (float array or CSR matrix), ``y``, sample weights, column names."""

    X: np.ndarray | sp.csr_matrix
    y: np.ndarray
    sample_weight: np.ndarray | None
    feature_names: tuple[str, ...] | None
    #: The two class labels that ``y``'s -1 and +1 stand for, when they were mapped.
    classes: tuple[Any, ...] | None = None
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n(self) -> int:
        return int(self.X.shape[0])

    @property
    def d(self) -> int:
        return int(self.X.shape[1])

    @property
    def weights(self) -> np.ndarray:
        """The sample weights, all ones when none were given."""
        return np.ones(self.n) if self.sample_weight is None else self.sample_weight

    @property
    def fingerprint(self) -> tuple[Any, ...]:
        """Identity and random projections of the arrays: a cache key that changes with any
        edit of the data (a sum would miss two entries swapped), at one pass over X."""
        if "fingerprint" not in self._memo:
            s = self.sample_weight
            rows, cols = _probe(self.n), _probe(self.d)
            # A sparse X is re-wrapped on each call (sp.csr_matrix shares the user's arrays, through
            # new views): the identity is the address of its values, so what was derived from it
            # (the engine's CSC copy, norms) is found again.
            ident = self.X.data.ctypes.data if sp.issparse(self.X) else id(self.X)
            # y and the weights by value only: labels mapped to -1 and +1, or weights checked, are new
            # arrays on every call, and their identity would miss every derived quantity (the
            # engine's copy of X made again on each call of a classifier).
            self._memo["fingerprint"] = (
                ident, self.X.shape, float(rows @ np.asarray(self.X @ cols).ravel()),
                float(rows @ self.y), None if s is None else float(rows @ s),
            )  # fmt: skip
        return self._memo["fingerprint"]

    def derived(self, name: Any, compute: Callable[[], Any]) -> Any:
        """``compute()``, remembered for these data across calls (by fingerprint): factors,
        norms and sums that would otherwise cost a pass over X each time."""
        key = (self.fingerprint, name)
        if key in _DERIVED:
            _DERIVED.move_to_end(key)
            return _DERIVED[key]
        value = _DERIVED[key] = compute()
        while len(_DERIVED) > _DERIVED_SIZE:
            _DERIVED.popitem(last=False)
        return value

    def least_squares_factor(self, fit_intercept: bool) -> tuple[np.ndarray, np.ndarray, float] | None:
        """``(R, q, rho2)`` of ``cvxreg.closed_forms.least_squares_factor`` for tall data (more
        rows than coefficients), computed once per data set; None for wide data or when no
        factor is safe (an ill-conditioned sparse X)."""

        def compute() -> tuple[np.ndarray, np.ndarray, float] | None:
            if self.n <= self.d + fit_intercept:
                return None
            try:
                return least_squares_factor(self.X, self.y, self.sample_weight, fit_intercept)
            except ValueError:
                return None

        return self.derived(("least_squares_factor", fit_intercept), compute)

    def dense(self) -> np.ndarray:
        """``X`` as a dense array."""
        return self.X.toarray() if sp.issparse(self.X) else np.asarray(self.X)


def check_data(
    X: Any, y: Any, sample_weight: Any = None, owner: str = "Problem.solve", *, labels: bool = False
) -> Data:
    """Check ``X``, ``y`` and ``sample_weight`` together, each error naming ``owner``.
    ``labels=True`` reads ``y`` as two class labels (``check_labels``)."""
    Xv, names = _check_X(X, owner)
    n = Xv.shape[0]
    classes = None
    if labels:
        yv, classes = check_labels(y, n, owner)
    else:
        yv = check_y(y, n, owner)
    s = check_sample_weight(sample_weight, n, owner)
    return Data(Xv, yv, s, names, classes=classes)
