"""Regularizers ``R(w)``, each carrying its own mathematics (see ``Penalty``)."""

from cvxreg.penalties._base import Penalty, Separable
from cvxreg.penalties._norms import L2, GroupLasso, Linf, Lp, TotalVariation
from cvxreg.penalties._separable import L1, ElasticNet, LpPower, SquaredL2
from cvxreg.penalties._special import L0, CustomPenalty

__all__ = [
    "L0",
    "L1",
    "L2",
    "CustomPenalty",
    "ElasticNet",
    "GroupLasso",
    "Linf",
    "Lp",
    "LpPower",
    "Penalty",
    "Separable",
    "SquaredL2",
    "TotalVariation",
]
