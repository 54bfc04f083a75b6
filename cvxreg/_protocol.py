"""What a subclass inherits from a built-in loss or penalty, and what it must not.

A built-in class's facts (its prox, dual norm, derivative, closed forms, ...) are facts about
*its* function. A subclass that redefines the function (``expr``/``value`` for a penalty,
``terms_expr``/``terms_value`` for a loss) and not a fact would silently inherit a fact about
another function: ``class ScaledL1(L1)`` with ``expr = c * norm1(w)`` would be certified and
polished with the plain L1's prox. Such facts are put back to the generic protocol's answer
(``NotSupportedError``, so callers fall back to CVXPY), which is what a subclass that keeps
the function (a new docstring, an extra method) never sees.
"""

from __future__ import annotations

from typing import Any

__all__ = ["forget_stale_facts"]

#: Names that are not facts about the function (plumbing, checks, the function itself).
_KEEP = frozenset(
    {
        "_params", "nonconvex_reason", "_convex", "check_dim", "placeholder_dim", "check_y", "check_weights",
        "weight_total", "classification", "multi_output", "n_terms", "restrict", "penalized", "factor_vector",
        "weighted", "cache_key",
    }
)  # fmt: skip


def forget_stale_facts(cls: type, base: type, function: tuple[str, ...]) -> None:
    """On ``cls`` (a new subclass of ``base``), reset every fact inherited from a concrete
    ancestor whose ``function`` methods ``cls`` (or a class between them) redefines."""
    mro = cls.__mro__
    generic = mro.index(base)

    def definer(name: str) -> int:
        return next(i for i, klass in enumerate(mro) if name in vars(klass))

    concrete = [i for i in range(1, generic) if any(name in vars(mro[i]) for name in function)]
    if not concrete:
        return
    redefined = min(definer(name) for name in function if hasattr(cls, name))
    for i in concrete:
        if i <= redefined:  # the function this ancestor describes is still the one in use
            continue
        for name in vars(mro[i]):
            if name.startswith("__") or name in _KEEP or name in function or definer(name) != i:
                continue
            # The generic answer: the first definition above every concrete ancestor.
            fallback = next((vars(k)[name] for k in mro[max(concrete) + 1 :] if name in vars(k)), _MISSING)
            setattr(cls, name, None if fallback is _MISSING else fallback)


_MISSING: Any = object()
