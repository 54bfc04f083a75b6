"""Data-fitting losses: a CVXPY expression and its NumPy twin, side by side.

Every loss is a function of the linear predictor ``eta = X @ w + b``. It is a **sum** over
samples by default; ``scale="mean"`` divides by ``n`` (by ``sum(s)`` with sample weights ``s``),
the scaling of scikit-learn's Lasso/ElasticNet and of glmnet.

The package's modules: ``_base`` (the protocol), ``_regression``, ``_classification`` (and
counts), ``_custom``.
"""

from cvxreg.losses._base import Loss
from cvxreg.losses._classification import HingeLoss, LogisticLoss, PoissonLoss, SquaredHingeLoss
from cvxreg.losses._custom import CustomLoss
from cvxreg.losses._regression import AbsoluteLoss, EpsilonInsensitiveLoss, HuberLoss, QuantileLoss, SquaredLoss

__all__ = [
    "AbsoluteLoss",
    "CustomLoss",
    "EpsilonInsensitiveLoss",
    "HingeLoss",
    "HuberLoss",
    "LogisticLoss",
    "Loss",
    "PoissonLoss",
    "QuantileLoss",
    "SquaredHingeLoss",
    "SquaredLoss",
]
