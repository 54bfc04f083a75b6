"""Rational numbers for exact answers: reading a float as the number its author wrote, reading
a number written as text ("35/16", "-3", "0.25"), and solving a linear system exactly."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import scipy.sparse as sp

from cvxreg.errors import InvalidParameterError, NotSupportedError

__all__ = ["EXACT_ENTRIES", "RATIONAL_TEXT", "as_text", "dense_for_exact", "parse_rational", "rational", "solve_linear"]

#: A number written exactly: an integer, a decimal or a fraction ("3", "-0.25", "35/16").
RATIONAL_TEXT = re.compile(r"^\s*[-+]?\d{1,30}(\.\d{1,30})?(\s*/\s*\d{1,30})?\s*$")


#: The largest design (n * d entries) exact arithmetic takes: every entry becomes a Fraction, so
#: it is for textbook sizes; a larger X is refused before any copy of it is made.
EXACT_ENTRIES = 200_000


def dense_for_exact(X: Any, owner: str) -> np.ndarray:
    """``X`` as a dense float array for exact arithmetic, refused (``NotSupportedError``) above
    ``EXACT_ENTRIES`` entries before anything is copied, a sparse X included."""
    n, d = X.shape
    if n * d > EXACT_ENTRIES:
        raise NotSupportedError(
            f"{owner}: X has {n} x {d} = {n * d} entries; exact (rational) arithmetic takes at most "
            f"{EXACT_ENTRIES} (cvxreg._rational.EXACT_ENTRIES): it is for textbook-sized problems."
        )
    return X.toarray() if sp.issparse(X) else np.asarray(X, dtype=float)


def rational(x: Any) -> Fraction:
    """The number a float stands for: the simpler of the decimal it prints as (``0.1`` is
    1/10) and the fraction of denominator at most 10**6 that rounds to it (``1/3`` read as
    a float is 1/3 again). Integers and Fractions are kept; a text goes to ``parse_rational``."""
    if isinstance(x, Fraction | int) and not isinstance(x, bool):
        return Fraction(x)
    if isinstance(x, str):
        return parse_rational(x)
    value = float(x)
    if not math.isfinite(value):
        raise InvalidParameterError(f"An exact answer needs finite numbers; got {value!r}.")
    decimal = Fraction(repr(value))
    small = Fraction(value).limit_denominator(10**6)
    return small if float(small) == value and small.denominator < decimal.denominator else decimal


def parse_rational(text: str) -> Fraction:
    """``"35/16"``, ``"-3"`` or ``"0.25"`` as an exact Fraction (``InvalidParameterError`` otherwise)."""
    if not isinstance(text, str) or not RATIONAL_TEXT.match(text):
        raise InvalidParameterError(f"An exact number is written as '35/16', '-3' or '0.25'; got {text!r}.")
    top, _, bottom = text.replace(" ", "").partition("/")
    if bottom and int(bottom) == 0:
        raise InvalidParameterError(f"An exact number is written as '35/16', '-3' or '0.25'; got {text!r} (0 below).")
    return Fraction(top) / (Fraction(bottom) if bottom else 1)


def as_text(q: Fraction) -> str:
    """A Fraction as a problem file writes it: ``"35/16"`` or ``"-3"``."""
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def solve_linear(A: Sequence[Sequence[Fraction]], rhs: Sequence[Fraction]) -> list[Fraction] | None:
    """The solution of the square system ``A x = rhs`` in exact arithmetic (Gauss-Jordan), or
    None when ``A`` is singular."""
    n = len(rhs)
    rows = [[*map(Fraction, A[i]), Fraction(rhs[i])] for i in range(n)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        head = rows[col]
        inv = 1 / head[col]
        head[:] = [v * inv for v in head]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                f = rows[r][col]
                rows[r] = [a - f * h for a, h in zip(rows[r], head, strict=True)]
    return [row[n] for row in rows]
