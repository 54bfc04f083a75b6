"""Data-fitting losses: a CVXPY expression and its NumPy twin, side by side.

Every loss is a function of the linear predictor ``eta = X @ w + b``. It is a **sum** over
samples by default; ``scale="mean"`` divides by ``n`` (by ``sum(s)`` with sample weights ``s``),
the scaling of scikit-learn's Lasso/ElasticNet and of glmnet.

Every module of this package lists its classes in ``__all__`` (``_base``: the protocol;
``_regression``, ``_classification`` (and counts), ``_norm`` (losses of the whole residual),
``_custom``); the package (and ``cvxreg``) exports them all, found module by module, so a new
loss is one class in one module.
"""

from cvxreg._protocol import export_modules as _export_modules

__all__ = _export_modules(__name__, __path__, globals())
