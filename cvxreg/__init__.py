"""cvxreg: regularized learning problems stated once, solved by any convex solver, checked.

>>> import cvxreg as cr
>>> prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=0.5))

``import cvxreg`` loads nothing yet: each name is imported on first use (PEP 562), so a script
that asks for ``cr.Problem`` pays for CVXPY then, and one that reads a problem file never loads
pandas or the report. The surface, by group (``__all__``):

- stating a problem: ``Problem``, the forms ``Penalized``, ``Constrained``, linear constraints
  ``Equality``/``Inequality``, every loss (``cvxreg.losses``) and penalty (``cvxreg.penalties``);
- answers: ``Result``, ``Status``, ``Certificate``, ``Path``;
- errors: ``CvxregError`` and its subclasses;
- comparing solvers: ``compare_solvers``, ``installed_solvers``, ``default_solver``.

The rest lives in its submodule (``cvxreg.lagrange``, ``cvxreg.benchmark``,
``cvxreg.cross_validation``, ``cvxreg.certificates``, ``cvxreg.reference``, ``cvxreg.sklearn``,
``cvxreg.exercises``, ``cvxreg.report``, ...); the names below stay reachable from ``cvxreg``
too, for code written against earlier versions.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

__version__ = "0.1.0"

#: name -> the module that defines it, for the names of ``__all__`` outside losses and penalties.
_CORE = {
    "Problem": "problem",
    "Penalized": "forms", "Constrained": "forms", "Form": "forms", "Equality": "forms", "Inequality": "forms",
    "Result": "result", "Status": "result", "Certificate": "result", "SOLVED_STATUSES": "result",
    "Path": "path",
    "CvxregError": "errors", "DCPError": "errors", "InvalidParameterError": "errors",
    "NotSupportedError": "errors", "ProblemFileError": "errors", "SolveError": "errors", "AnswerError": "errors",
    "compare_solvers": "compare", "installed_solvers": "solvers", "default_solver": "solvers",
    "MultinomialLogisticLoss": "multinomial",
}  # fmt: skip
#: Reachable from ``cvxreg`` but documented in (and exported by) their own module.
_ELSEWHERE = {
    "Case": "benchmark", "benchmark": "benchmark",
    "certificate": "certificates", "lambda_max": "certificates",
    "CrossValidation": "cross_validation", "cross_validate": "cross_validation",
    "convert_multiplier": "lagrange", "round_trip": "lagrange",
    "most_accurate_solve": "reference",
}  # fmt: skip
_SUBMODULES = ("blocks", "conventions", "exercises", "losses", "penalties", "report", "sklearn")
#: Packages whose every exported class is a top-level name (a new loss or penalty needs no entry).
_PACKAGES = ("losses", "penalties")


class _Package(types.ModuleType):
    """``cvxreg`` itself. Importing the submodule ``cvxreg.benchmark`` would set the package's
    attribute ``benchmark`` to that module; the name is the function's, and stays so."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _ELSEWHERE and isinstance(value, types.ModuleType):
            return  # the module is in sys.modules; the name keeps the function
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def _exported() -> list[str]:
    names = [*_CORE, "__version__"]
    for package in _PACKAGES:
        names += importlib.import_module(f"cvxreg.{package}").__all__
    return sorted(set(names))


def __getattr__(name: str) -> Any:
    if name == "__all__":
        value: Any = _exported()
    elif name in _CORE or name in _ELSEWHERE:
        module = importlib.import_module(f"cvxreg.{_CORE.get(name) or _ELSEWHERE[name]}")
        value = getattr(module, name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"cvxreg.{name}")
    else:
        for package in _PACKAGES:
            module = importlib.import_module(f"cvxreg.{package}")
            if name in module.__all__:
                value = getattr(module, name)
                break
        else:  # any other submodule: cvxreg.closed_forms, cvxreg.reference, ...
            if name.startswith("_") or importlib.util.find_spec(f"cvxreg.{name}") is None:
                raise AttributeError(f"module 'cvxreg' has no attribute {name!r}")
            value = importlib.import_module(f"cvxreg.{name}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_exported(), *_ELSEWHERE, *_SUBMODULES})
