"""Regularizers ``R(w)``, each carrying its own mathematics (see ``Penalty``).

Each submodule lists its classes in ``__all__``; this package and ``cvxreg`` export them all,
so a new penalty is one class and one ``__all__`` entry in the module that defines it.
"""

from cvxreg.penalties import _base, _composite, _norms, _separable, _special
from cvxreg.penalties._base import *  # noqa: F403
from cvxreg.penalties._composite import *  # noqa: F403
from cvxreg.penalties._norms import *  # noqa: F403
from cvxreg.penalties._separable import *  # noqa: F403
from cvxreg.penalties._special import *  # noqa: F403

__all__ = sorted([*_base.__all__, *_composite.__all__, *_norms.__all__, *_separable.__all__, *_special.__all__])
