"""What runs on one block of rows (``cvxreg.blocks``), with NumPy alone: Dask's workers receive
these functions by value and need not import cvxreg. Each returns plain arrays and numbers."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["moments", "newton_sums", "read_rows", "residual_sums", "scores"]

_EPS = float(np.finfo(float).eps)


def moments(x: Any, y: Any, s: Any) -> dict[str, Any]:
    """The block's weighted moments centred at its own weighted means (``blocks.Moments``)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float).ravel()
    sw = np.ones(len(y)) if s is None else np.asarray(s, dtype=float).ravel()
    finite = bool(np.all(np.isfinite(x)) and np.all(np.isfinite(y)) and np.all(np.isfinite(sw)))
    total = float(sw.sum())
    d = x.shape[1]
    if not finite or total <= 0:
        x_mean, y_mean = np.zeros(d), 0.0
    else:
        x_mean, y_mean = (sw @ x) / total, float(sw @ y) / total
    # One n_b x d temporary (two with weights): a worker's memory is the block and little more.
    col_sum, col_sq = x.sum(axis=0), np.einsum("ij,ij->j", x, x)
    col_max = np.maximum(x.max(axis=0, initial=0.0), -x.min(axis=0, initial=0.0))
    xc, yc = x - x_mean, y - y_mean
    sxc = xc if s is None else sw[:, None] * xc
    pos = sw > 0
    return {
        "n": len(y), "total": total, "x_mean": x_mean, "y_mean": y_mean, "xx": xc.T @ sxc, "xy": sxc.T @ yc,
        "yy": float(sw @ yc**2), "col_sum": col_sum, "col_sq": col_sq, "col_max": col_max,
        "inv_weight": float(np.sum(1.0 / sw[pos])), "y_sum": float(y[pos].sum()), "finite": finite,
        "negative": bool(np.any(sw < 0)),
    }  # fmt: skip


def residual_sums(x: Any, y: Any, s: Any, W: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
    """For K points (rows of ``W``, ``b``), the block's sums of the certificate: ``X^T S r``,
    ``sum s r``, ``sum s r^2``, ``sum s r y``, ``sum r`` (rows with s > 0) and the rounding bound
    ``|X|^T (s (|r| + eps (|eta| + |y|)))``."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float).ravel()
    sw = np.ones(len(y)) if s is None else np.asarray(s, dtype=float).ravel()
    eta = x @ W.T + b  # n_b x K
    r = y[:, None] - eta
    sr = sw[:, None] * r
    rounding = sw[:, None] * (np.abs(r) + _EPS * (np.abs(eta) + np.abs(y)[:, None]))
    return {
        "XtSr": x.T @ sr, "sr": sr.sum(axis=0), "srr": (sr * r).sum(axis=0), "sry": sr.T @ y,
        "r_pos": r[sw > 0].sum(axis=0), "noise": np.abs(x).T @ rounding,
    }  # fmt: skip


def read_rows(path: str, start: int, stop: int) -> np.ndarray:
    """Rows ``start:stop`` of a ``.npy`` file, read from disk by whoever runs the task."""
    return np.array(np.load(path, mmap_mode="r")[start:stop])


def newton_sums(
    x: Any, y: Any, s: Any, loss: Any, w: np.ndarray, b: float, W_trial: np.ndarray, b_trial: np.ndarray
) -> dict[str, Any]:
    """A smooth loss's model at ``(w, b)`` on the block: ``sum s l``, the gradient ``X^T (s l')``
    and ``sum s l'``, the Hessian ``X^T (s l'') X``, ``X^T (s l'')`` and ``sum s l''``; the data's
    ``X^T (s y)``, column sizes and counts; and ``sum s l`` at each trial point (rows of
    ``W_trial``, ``b_trial``). ``loss`` is a cvxreg loss (its class is imported where this runs)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float).ravel()
    sw = np.ones(len(y)) if s is None else np.asarray(s, dtype=float).ravel()
    try:  # the loss's domain (labels -1 and +1, counts >= 0): its own message, sent back
        loss.check_y(y)
    except Exception as error:
        return {"refused": str(error)}
    eta = x @ w + b
    g = sw * loss.derivative(eta, y)[0]
    h = sw * loss.second_derivative(eta, y)
    trial = x @ W_trial.T + b_trial if len(b_trial) else np.zeros((len(y), 0))
    return {
        "n": len(y), "total": float(sw.sum()), "finite": bool(np.all(np.isfinite(x)) and np.all(np.isfinite(y))),
        "negative": bool(np.any(sw < 0)), "Xsy": x.T @ (sw * y),
        "col_max": np.maximum(x.max(axis=0, initial=0.0), -x.min(axis=0, initial=0.0)),
        "col_sq": np.einsum("ij,ij->j", x, x), "value": float(sw @ loss.terms_value(eta, y)),
        "grad": x.T @ g, "grad_b": float(g.sum()), "H": x.T @ (h[:, None] * x), "h_b": x.T @ h,
        "h_bb": float(h.sum()),
        "trial": np.array([float(sw @ loss.terms_value(trial[:, k], y)) for k in range(trial.shape[1])]),
    }  # fmt: skip


def scores(x: Any, y: Any, s: Any, score: Any, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, float]:
    """``score`` (a weighted average of per-row terms) of K points on the block, as the sums
    ``(average x total weight per point, total weight)`` that pool into the average over blocks."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float).ravel()
    sw = None if s is None else np.asarray(s, dtype=float).ravel()
    total = float(len(y) if sw is None else sw.sum())
    if total <= 0:
        return np.zeros(len(b)), 0.0
    eta = x @ W.T + b
    return np.array([score(y, eta[:, k], sw) * total for k in range(len(b))]), total
