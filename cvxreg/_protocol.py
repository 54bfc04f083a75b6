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

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from cvxreg.errors import InvalidParameterError

__all__ = [
    "LOSS_NAMES", "MULTICLASS", "PENALTY_NAMES", "Registry", "capabilities", "export_modules", "forget_stale_facts",
    "needs", "optional", "supports",
]  # fmt: skip

F = TypeVar("F", bound=Callable[..., Any])


def export_modules(package: str, path: Iterable[str], namespace: dict[str, Any]) -> list[str]:
    """Import every module of ``package`` (found on ``path``, the package's ``__path__``) and put
    the names each lists in ``__all__`` into ``namespace``: a new module is exported without
    being named anywhere. Returns the names, sorted (the package's ``__all__``)."""
    names: list[str] = []
    for info in pkgutil.iter_modules(path):
        module = importlib.import_module(f"{package}.{info.name}")
        namespace.update({name: getattr(module, name) for name in module.__all__})
        names += module.__all__
    return sorted(names)


def optional(method: F) -> F:
    """Marks the protocol's generic answer to an optional method (it raises
    ``NotSupportedError``): a class that keeps it does not support the method."""
    method.__optional__ = True  # type: ignore[attr-defined]
    return method


def needs(*hooks: str) -> Callable[[F], F]:
    """Marks a method a protocol base derives from others (``Separable.prox`` from
    ``prox_1d``): it is supported when they are."""

    def mark(method: F) -> F:
        method.__needs__ = hooks  # type: ignore[attr-defined]
        return method

    return mark


def supports(cls: type, hook: str) -> bool:
    """Whether ``cls`` answers the protocol method ``hook`` itself, known from its definition
    (the way skglm's solvers check their datafit and penalty before they start). An instance may
    still refuse some inputs with ``NotSupportedError``; callers keep that fallback."""
    method = getattr(cls, hook, None)
    if method is None or getattr(method, "__optional__", False):
        return False
    return all(supports(cls, name) for name in getattr(method, "__needs__", ()))


def capabilities(cls: type) -> frozenset[str]:
    """The optional protocol methods ``cls`` supports (see ``supports``)."""
    hooks = {name for klass in cls.__mro__ for name, v in vars(klass).items() if getattr(v, "__optional__", False)}
    return frozenset(name for name in hooks if supports(cls, name))



class Registry(Mapping[str, type]):
    """The names problem files, estimators and the command line know: ``file_name -> class``.

    A class joins when it is defined with its own ``file_name`` (``Penalty`` and ``Loss`` call
    ``add`` from ``__init_subclass__``), wherever it is defined: in cvxreg or in a user's
    module, which only has to be imported before the name is used. A class defined again under
    the same module and name (a reloaded module, a re-run notebook cell) replaces the old one;
    another class may not take a name that is in use.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._classes: dict[str, type] = {}

    def add(self, cls: type) -> None:
        name = cls.__dict__.get("file_name")
        if name is None:
            return
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise InvalidParameterError(
                f"{cls.__qualname__}.file_name: expected a lower-case identifier (letters, digits, '_'), "
                f"got {name!r}."
            )
        old = self._classes.get(name)
        if old is not None and (old.__module__, old.__qualname__) != (cls.__module__, cls.__qualname__):
            raise InvalidParameterError(
                f"{cls.__qualname__}.file_name: {name!r} already names the {self.kind} "
                f"{old.__module__}.{old.__qualname__}; choose another name."
            )
        self._classes[name] = cls

    def __getitem__(self, name: str) -> type:
        return self._classes[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._classes)

    def __len__(self) -> int:
        return len(self._classes)

    def __repr__(self) -> str:
        return f"Registry({self.kind}: {', '.join(sorted(self._classes))})"


#: Every penalty and every loss that names itself, filled as the classes are defined.
PENALTY_NAMES = Registry("penalty")
LOSS_NAMES = Registry("loss")
#: A binary loss -> the loss of K classes that extends it (declared by the latter's ``binary``).
MULTICLASS: dict[type, type] = {}

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
