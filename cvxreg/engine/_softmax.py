"""Compiled softmax kernels for the multinomial logistic loss (numba).

At the sizes an analyst fits (thousands of rows, a handful of classes) an evaluation of the loss
and its gradient is two products with X and one pass over the n x K predictor; in NumPy that
pass is six temporaries (max, shift, exp, sum, divide, log) and costs more than both products.
Here it is one loop over the rows, in place: the predictor becomes the gradient's residual.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["softmax_hessian_product", "softmax_probabilities", "softmax_residual"]


@njit(cache=True, nogil=True)
def softmax_residual(eta, codes, sw):  # pragma: no cover - compiled
    """``sum_i sw_i (logsumexp(eta_i) - eta_i[codes_i])``, and ``eta`` overwritten with the
    residual ``sw_i (softmax(eta_i) - e_{codes_i})`` (the gradient of the sum in ``eta``)."""
    n, K = eta.shape
    total = 0.0
    for i in range(n):
        top = eta[i, 0]
        for k in range(1, K):
            if eta[i, k] > top:
                top = eta[i, k]
        shifted = eta[i, codes[i]] - top  # before eta is overwritten (its exp may underflow)
        s = 0.0
        for k in range(K):
            e = np.exp(eta[i, k] - top)
            eta[i, k] = e
            s += e
        total += sw[i] * (np.log(s) - shifted)  # logsumexp(eta_i) - eta_i[codes_i]
        for k in range(K):
            eta[i, k] = sw[i] * eta[i, k] / s
        eta[i, codes[i]] -= sw[i]
    return total


@njit(cache=True, nogil=True)
def softmax_probabilities(eta):  # pragma: no cover - compiled
    """``softmax(eta)`` by rows, in place."""
    n, K = eta.shape
    for i in range(n):
        top = eta[i, 0]
        for k in range(1, K):
            if eta[i, k] > top:
                top = eta[i, k]
        s = 0.0
        for k in range(K):
            eta[i, k] = np.exp(eta[i, k] - top)
            s += eta[i, k]
        for k in range(K):
            eta[i, k] /= s


@njit(cache=True, nogil=True)
def softmax_hessian_product(P, D, sw):  # pragma: no cover - compiled
    """``D`` overwritten with ``sw_i P_i * (D_i - <P_i, D_i>)``: the loss's Hessian in ``eta``
    (``diag(P_i) - P_i P_i^T`` per row) applied to ``D``."""
    n, K = P.shape
    for i in range(n):
        inner = 0.0
        for k in range(K):
            inner += P[i, k] * D[i, k]
        for k in range(K):
            D[i, k] = sw[i] * P[i, k] * (D[i, k] - inner)
