"""Regularizers ``R(w)``, each carrying its own mathematics (see ``Penalty``).

Every module of this package lists its classes in ``__all__``; the package (and ``cvxreg``)
exports them all, found module by module, so a new penalty is one class in one module.
"""

from cvxreg._protocol import export_modules as _export_modules

__all__ = _export_modules(__name__, __path__, globals())
