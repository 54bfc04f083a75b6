"""Regularizers ``R(w)``, each carrying its own mathematics (see ``Penalty``).

Every module of this package lists its classes in ``__all__``; the package (and ``cvxreg``)
exports them all, found module by module, so a new penalty is one class in one module.
"""

import importlib as _importlib
import pkgutil as _pkgutil

__all__: list[str] = []
for _info in _pkgutil.iter_modules(__path__):
    _module = _importlib.import_module(f"{__name__}.{_info.name}")
    globals().update({name: getattr(_module, name) for name in _module.__all__})
    __all__ += _module.__all__
__all__.sort()
