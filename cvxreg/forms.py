"""How the penalty enters: added with weight ``lam``, or bounded by ``t``."""

from __future__ import annotations

from cvxreg._validation import check_real, fmt_number

__all__ = ["Constrained", "Form", "Penalized"]


class Form:
    """Base class. ``value`` is the number that becomes a ``cvxpy.Parameter(nonneg=True)``."""

    param_name: str = ""
    value: float

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.param_name}={fmt_number(self.value)})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.value == other.value  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.value))

    def with_value(self, value: float) -> Form:
        """The same form at another parameter value."""
        return type(self)(value)  # type: ignore[call-arg]


class Penalized(Form):
    """Minimize ``L(w, b) + lam * R(w)``; ``lam`` is a finite number >= 0."""

    param_name = "lam"

    def __init__(self, lam: float) -> None:
        self.value = check_real(lam, "lam", "Penalized", lo=0.0)

    @property
    def lam(self) -> float:
        return self.value


class Constrained(Form):
    """Minimize ``L(w, b)`` subject to ``R(w) <= t``; ``t`` is a finite number >= 0.

    ``Result.dual`` is the constraint's multiplier ``mu >= 0``. At ``t = R(w*(lam))`` the
    solution is that of ``Penalized(lam)`` and ``mu = lam`` (when the solution is unique).
    """

    param_name = "t"

    def __init__(self, t: float) -> None:
        self.value = check_real(t, "t", "Constrained", lo=0.0)

    @property
    def t(self) -> float:
        return self.value
