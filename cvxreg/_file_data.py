"""A problem file's ``[data]``: inline rows, a generated design, or summary statistics, read into
``(X, y, sample_weight)`` with every size checked before it is allocated and every number
checked to be one (no booleans, no overflow), the file and field named in each error."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cvxreg._file_schema import LIMITS, Reader, intercept_only
from cvxreg.errors import ProblemFileError

__all__ = ["DESIGNS", "FUNCTIONS", "RESPONSES", "read_data"]

DESIGNS = ("gaussian", "orthonormal", "identity", "equal_columns", "correlated", "polynomial")
RESPONSES = ("linear", "labels", "counts")
#: Named functions of x for a polynomial design's response (``data.generate.function``).
FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin_2pi": lambda x: np.sin(2 * np.pi * x),  # Bishop, PRML Section 1.1
    "cos_2pi": lambda x: np.cos(2 * np.pi * x),
    "exp": np.exp,
    "abs": np.abs,
}


#: The keys of ``[data.generate]`` each design reads; any other is refused, not ignored.
_COMMON = {"design", "n", "d", "seed", "noise", "coef", "rounding", "response", "intercept"}
_DESIGN_KEYS = {
    "gaussian": _COMMON,
    "identity": _COMMON,
    "orthonormal": _COMMON | {"center"},
    "equal_columns": _COMMON | {"copies"},
    "correlated": _COMMON | {"rho"},
    "polynomial": {"design", "x", "n", "degree", "function", "coef", "noise", "seed", "rounding"},
}
#: Decimals beyond these are below float64's smallest numbers (and 10^decimals overflows).
_MAX_ROUNDING = 300
#: Poisson means beyond this are not counts NumPy can draw (its limit is about 9.2e18).
_MAX_COUNT_MEAN = 1e15


def _generate(r: Reader) -> tuple[np.ndarray, np.ndarray]:
    g = "data.generate"
    design = r.choice(f"{g}.design", DESIGNS)
    unused = sorted(set(r.mapping(g)) - _DESIGN_KEYS[design])
    if unused:
        allowed = f"only the keys the {design!r} design reads: {sorted(_DESIGN_KEYS[design])}"
        raise r.fail(f"{g}.{unused[0]}", allowed, f"{unused} (they would be ignored)")
    if design == "polynomial":
        return _polynomial(r, np.random.default_rng(r.number(f"{g}.seed", 0, lo=0, integer=True)))
    n = r.number(f"{g}.n", lo=1, integer=True)
    d = r.number(f"{g}.d", n if design == "identity" else ..., lo=1, integer=True)
    seed = r.number(f"{g}.seed", 0, lo=0, integer=True)
    noise = r.number(f"{g}.noise", 0.0, lo=0.0)
    rounding = _rounding(r)
    response = r.choice(f"{g}.response", RESPONSES, "linear")
    copies = r.number(f"{g}.copies", 2, lo=2, integer=True) if design == "equal_columns" else 1
    if n * d * copies > LIMITS["entries"]:
        raise r.fail(
            f"{g}.n",
            f"a design of at most {LIMITS['entries']} entries (cvxreg.exercises.LIMITS['entries'])",
            f"n = {n}, d = {d}" + (f", copies = {copies}" if copies > 1 else ""),
        )
    rng = np.random.default_rng(seed)
    if design == "identity":
        if n != d:
            raise r.fail(f"{g}.d", f"equal to n = {n} for the identity design", d)
        X = np.eye(n)
    elif design == "orthonormal":
        if n < d:
            raise r.fail(f"{g}.n", f"at least d = {d} for an orthonormal design", n)
        A = rng.standard_normal((n, d))
        if r.get(f"{g}.center", False):
            A = A - A.mean(axis=0)
        X = np.linalg.qr(A)[0]
    elif design == "equal_columns":
        base = rng.standard_normal((n, d))
        X = np.repeat(base, copies, axis=1)  # each column repeated `copies` times, side by side
    elif design == "correlated":
        rho = r.number(f"{g}.rho", 0.9)
        if not -1 < rho < 1:
            raise r.fail(f"{g}.rho", "a number in (-1, 1)", rho)
        cov = rho ** np.abs(np.subtract.outer(np.arange(d), np.arange(d)))
        X = rng.standard_normal((n, d)) @ np.linalg.cholesky(cov).T
    else:
        X = rng.standard_normal((n, d))
    p = X.shape[1]
    coef = r.matrix(f"{g}.coef", 1, None)
    if coef is None:
        coef = np.zeros(p)
    if len(coef) != p:
        raise r.fail(f"{g}.coef", f"a list of {p} numbers (one per column)", coef.tolist())
    eta = X @ coef + r.number(f"{g}.intercept", 0.0)
    if response == "labels":
        y = np.where(eta + noise * rng.standard_normal(n) >= 0, 1.0, -1.0)
    elif response == "counts":
        if np.max(eta, initial=-np.inf) > np.log(_MAX_COUNT_MEAN):
            raise r.fail(
                f"{g}.coef", f"coefficients whose count means exp(x'w + b) stay below {_MAX_COUNT_MEAN:g}",
                f"a mean of exp({float(np.max(eta)):.4g})",
            )  # fmt: skip
        y = rng.poisson(np.exp(eta)).astype(float)
    else:
        y = eta + noise * rng.standard_normal(n)
    if rounding is not None:
        X, y = np.round(X, rounding), np.round(y, rounding)
    return X, y


def _rounding(r: Reader) -> int | None:
    rounding = r.number("data.generate.rounding", None, lo=0, integer=True)
    if rounding is not None and rounding > _MAX_ROUNDING:
        raise r.fail("data.generate.rounding", f"a number of decimals from 0 to {_MAX_ROUNDING}", rounding)
    return rounding


def _summary(r: Reader) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``(X, y, sample_weight)`` with exactly the given summary statistics.

    ``gram``, ``xty``, ``yty`` alone (``X^T X``, ``X^T y``, ``y^T y``): ``X = L^T`` from
    ``X^T X = L L^T`` (an eigen-factor, so a singular Gram matrix works), ``y`` solving
    ``X^T y = X^T y`` on it, and one row of zeros carrying the rest of ``y^T y``. Every least-
    squares objective ``1/2 ||y - Xw||^2 = 1/2 (y'y - 2 w'X'y + w'X'X w)`` is then the same.

    With ``means`` (the d column means, then y's) and ``n``, as books print them beside the
    uncentred cross-products: the same construction on the centred statistics (``X'X - n m m'``,
    ...) gives rows ``v_j``; the data are ``m +- sqrt(k/n) v_j`` (k rows each side) with weights
    ``n / 2k``, whose weighted count, sums and cross-products are exactly ``n``, ``n m``,
    ``X'X``, ``X'y`` and ``y'y``. A model with an intercept, and ``scale="mean"``, then have
    the book's objective at every ``(w, b)``."""
    G = r.matrix("data.gram", 2)
    assert G is not None
    d = G.shape[0]
    if G.shape != (d, d) or not np.allclose(G, G.T, rtol=0, atol=1e-12 * max(1.0, float(np.max(np.abs(G))))):
        raise r.fail("data.gram", "a symmetric d x d matrix X^T X", G.tolist())
    c = r.matrix("data.xty", 1)
    assert c is not None
    if len(c) != d:
        raise r.fail("data.xty", f"{d} numbers (X^T y, one per column)", c.tolist())
    yty = r.number("data.yty", lo=0.0)
    top = float(np.max(np.abs(G)))
    if top > 1e300 or float(np.max(np.abs(c))) > 1e300 or yty > 1e300:
        # X = V sqrt(vals) and the checks below multiply entries: near 1e308 they overflow.
        raise r.fail("data.gram", "summary statistics with entries at most 1e300 (rescale the data)", f"{top:.3g}")
    means, n = _means(r, d)
    if means is None:
        X, y = _rows(r, G, c, yty)
        return X, y, None
    mx, my = means[:d], float(means[d])
    X, y = _rows(r, G - n * np.outer(mx, mx), c - n * mx * my, yty - n * my * my, centred=True)
    k = len(y)
    spread = np.sqrt(k / n)
    rows = np.vstack([mx + spread * X, mx - spread * X])
    return rows, np.r_[my + spread * y, my - spread * y], np.full(2 * k, n / (2 * k))


def _means(r: Reader, d: int) -> tuple[np.ndarray | None, float]:
    """``data.means`` (d + 1 numbers: the columns', then y's) and ``data.n``, given together."""
    given = [r.get("data.means", None) is not None, r.get("data.n", None) is not None]
    if given == [False, False]:
        return None, 0.0
    if not all(given):
        missing = "n" if given[0] else "means"
        raise r.fail(f"data.{missing}", "given with 'data.means' and 'data.n' together (the centring needs both)", None)
    means = r.matrix("data.means", 1)
    assert means is not None
    if len(means) != d + 1 or not np.all(np.abs(means) <= 1e150):
        raise r.fail("data.means", f"{d + 1} numbers: the {d} column means, then y's mean", means.tolist())
    n = r.number("data.n", lo=1)
    return means, float(n)


def _rows(
    r: Reader, G: np.ndarray, c: np.ndarray, yty: float, *, centred: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``(X, y)`` with ``X'X = G``, ``X'y = c``, ``y'y = yty`` (after centring, when ``centred``)."""
    what = " after centring (X'X - n m m' for the means m)" if centred else ""
    try:
        vals, vecs = np.linalg.eigh(G)
    except np.linalg.LinAlgError as exc:
        raise r.fail("data.gram", "a Gram matrix that can be factored", f"{exc}") from None
    scale = max(1.0, float(np.max(np.abs(vals))))
    if np.min(vals) < -1e-10 * scale:
        raise r.fail("data.gram", f"positive semidefinite{what} (a Gram matrix X^T X)", G.tolist())
    root = np.sqrt(np.clip(vals, 0.0, None))
    X = (vecs * root).T  # X^T X = V diag(vals) V^T = G
    try:
        y0, *_ = np.linalg.lstsq(X.T, c, rcond=None)
    except np.linalg.LinAlgError as exc:
        raise r.fail("data.gram", "a Gram matrix that can be factored", f"{exc}") from None
    if np.max(np.abs(X.T @ y0 - c)) > 1e-9 * max(1.0, float(np.max(np.abs(c)))):
        raise r.fail("data.xty", f"in the range of X^T X{what} (as X^T y always is)", c.tolist())
    rest = yty - float(y0 @ y0)
    if rest < -1e-9 * max(1.0, yty):
        why = f"at least {float(y0 @ y0):.10g}{what} (Cauchy-Schwarz with X^T X and X^T y)"
        raise r.fail("data.yty", why, yty)
    return np.vstack([X, np.zeros((1, G.shape[0]))]), np.r_[y0, np.sqrt(max(rest, 0.0))]


def _polynomial(r: Reader, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``X[i] = (1, x_i, ..., x_i^degree)`` and ``y = f(x) + noise`` with ``f`` a named function
    (``FUNCTIONS``) or, without one, ``X coef``; ``x`` given, or ``n`` points evenly in [0, 1]."""
    g = "data.generate"
    x = r.matrix(f"{g}.x", 1, None)
    if x is None:
        n = r.number(f"{g}.n", lo=1, integer=True)
        if n > LIMITS["entries"]:
            raise r.fail(f"{g}.n", f"at most {LIMITS['entries']} points (cvxreg.exercises.LIMITS['entries'])", n)
        x = np.linspace(0.0, 1.0, n)
    degree = r.number(f"{g}.degree", lo=0, integer=True)
    if degree > 30 or len(x) * (degree + 1) > LIMITS["entries"]:
        raise r.fail(f"{g}.degree", f"an integer in 0..30 (and n x (degree + 1) <= {LIMITS['entries']})", degree)
    X = np.vander(x, degree + 1, increasing=True)
    name = None if r.get(f"{g}.function", None) is None else r.choice(f"{g}.function", tuple(FUNCTIONS))
    if name is not None:
        mean = FUNCTIONS[name](x)
    else:
        coef = r.matrix(f"{g}.coef", 1, None)
        coef = np.zeros(degree + 1) if coef is None else coef
        if len(coef) != degree + 1:
            raise r.fail(f"{g}.coef", f"{degree + 1} numbers (one per power 0..{degree})", coef.tolist())
        mean = X @ coef
    y = mean + r.number(f"{g}.noise", 0.0, lo=0.0) * rng.standard_normal(len(x))
    rounding = _rounding(r)
    return (X, y) if rounding is None else (np.round(X, rounding), np.round(y, rounding))


def read_data(r: Reader) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    given = [k for k in ("X", "generate", "gram") if r.get(f"data.{k}", None) is not None]
    if len(given) > 1:
        raise ProblemFileError(f"{r.path}: [data] gives {' and '.join(map(repr, given))}; use one.")
    if r.get("data.gram", None) is not None:
        if r.get("data.y", None) is not None or r.get("data.sample_weight", None) is not None:
            raise ProblemFileError(f"{r.path}: [data] with 'gram' takes 'xty' and 'yty', not 'y' or 'sample_weight'.")
        return _summary(r)
    for key in ("xty", "yty", "means", "n"):
        if r.get(f"data.{key}", None) is not None:
            raise ProblemFileError(f"{r.path}: field 'data.{key}' goes with 'data.gram' (summary statistics).")
    if r.get("data.generate", None) is not None:
        if r.get("data.X", None) is not None:
            raise ProblemFileError(f"{r.path}: [data] gives both 'X' and 'generate'; use one.")
        X, y = _generate(r)
        y_inline = r.matrix("data.y", 1, None)
        if y_inline is not None:
            y = y_inline
    elif intercept_only(r):  # y alone: the model is b, and cvxreg holds one zero column at 0 for it
        y = r.matrix("data.y", 1)
        assert y is not None
        X = np.zeros((len(y), 1))
    else:
        X = r.matrix("data.X", 2)
        y = r.matrix("data.y", 1)
    assert X is not None and y is not None
    if len(y) != X.shape[0]:
        raise r.fail("data.y", f"a list of {X.shape[0]} numbers (one per row of X)", y.tolist())
    s = r.matrix("data.sample_weight", 1, None)
    return X, y, s
