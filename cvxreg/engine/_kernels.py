"""Compiled coordinate descent on a weighted quadratic model (numba).

Both kernels minimize, over the coefficients in ``cols`` (the others fixed) and the intercept,

    q(w, b) = sum_i a_i (eta_i - eta0_i) + 1/2 sum_i h_i (eta_i - eta0_i)^2
              + sum_j (alpha_j |w_j| + beta_j / 2 w_j^2),   lower_j <= w_j <= upper_j,

``eta = X w + b``: the second-order model of a loss with per-sample derivative ``a`` and
curvature ``h`` at ``eta0`` (for the squared loss the model is the loss itself), plus a
separable elastic-net penalty with box bounds. Each coordinate step is exact: the minimizer of
a one-dimensional convex quadratic plus ``alpha |u| + beta/2 u^2`` over an interval is the
clipped soft-threshold. ``grad`` holds ``a_i + h_i (eta_i - eta0_i)`` and is updated in place,
so one step costs one pass over a column (its nonzeros for CSC data).

Why numba: the inner loop visits single entries of a column, which NumPy cannot vectorize and
Python runs a hundred times too slowly; numba compiles it to machine code once per machine
(``cache=True``), keeps it in this package, and reads CSC arrays as they are. scikit-learn's
own Cython loops would do the same job but are private API and know only its objectives.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["cd_csc", "cd_dense", "enet_gram_path", "group_bcd_gram", "weighted_gram"]


@njit(cache=True, nogil=True)
def _step(w, j, G, H, alpha, beta, lower, upper):  # pragma: no cover - compiled
    """The exact minimizer over u of G (u - w_j) + H/2 (u - w_j)^2 + alpha |u| + beta/2 u^2 on
    [lower, upper]."""
    denom = H + beta
    if denom <= 0.0:
        return w[j]
    v = H * w[j] - G
    if v > alpha:
        u = (v - alpha) / denom
    elif v < -alpha:
        u = (v + alpha) / denom
    else:
        u = 0.0
    if u < lower:
        u = lower
    elif u > upper:
        u = upper
    return u


@njit(cache=True, nogil=True)
def _intercept_step(b, grad, h, hsum):  # pragma: no cover - compiled
    """The exact intercept update of the model; returns ``(b, decrease measure)``."""
    G = 0.0
    for i in range(grad.shape[0]):
        G += grad[i]
    delta = -G / hsum
    for i in range(grad.shape[0]):
        grad[i] += h[i] * delta
    return b + delta, delta * delta * hsum


@njit(cache=True, nogil=True)
def cd_dense(X, cols, w, b, grad, h, alpha, beta, lower, upper, col_h, fit_b, max_sweeps, tol):  # pragma: no cover
    """Coordinate descent on the columns ``cols`` of a dense ``X`` (Fortran order is fastest).
    ``col_h[j] = sum_i h_i X_ij^2``. Returns ``(b, sweeps, last largest change)``."""
    n = X.shape[0]
    hsum = 0.0
    if fit_b:
        for i in range(n):
            hsum += h[i]
    change = 0.0
    sweeps = 0
    while sweeps < max_sweeps:
        sweeps += 1
        change = 0.0
        for k in range(cols.shape[0]):
            j = cols[k]
            G = 0.0
            for i in range(n):
                G += X[i, j] * grad[i]
            H = col_h[j]
            u = _step(w, j, G, H, alpha[j], beta[j], lower[j], upper[j])
            delta = u - w[j]
            if delta != 0.0:
                w[j] = u
                for i in range(n):
                    grad[i] += h[i] * X[i, j] * delta
                c = delta * delta * (H + beta[j])
                if c > change:
                    change = c
        if fit_b and hsum > 0.0:
            b, c = _intercept_step(b, grad, h, hsum)
            if c > change:
                change = c
        if change <= tol:
            break
    return b, sweeps, change


@njit(cache=True, nogil=True)
def cd_csc(  # pragma: no cover
    data, indices, indptr, n, cols, w, b, grad, h, alpha, beta, lower, upper, col_h, fit_b, max_sweeps, tol
):
    """``cd_dense`` on the columns ``cols`` of a CSC matrix given by its three arrays, read in
    place. Unlike ``cd_dense``, the coefficient arrays (``w``, ``alpha``, ``beta``, ``lower``,
    ``upper``, ``col_h``) hold one entry per position in ``cols``, not per column of the matrix:
    a working set of 40000 columns out of 200000 needs no array of 200000."""
    hsum = 0.0
    if fit_b:
        for i in range(n):
            hsum += h[i]
    change = 0.0
    sweeps = 0
    while sweeps < max_sweeps:
        sweeps += 1
        change = 0.0
        for k in range(cols.shape[0]):
            j = cols[k]
            G = 0.0
            for p in range(indptr[j], indptr[j + 1]):
                G += data[p] * grad[indices[p]]
            H = col_h[k]
            u = _step(w, k, G, H, alpha[k], beta[k], lower[k], upper[k])
            delta = u - w[k]
            if delta != 0.0:
                w[k] = u
                for p in range(indptr[j], indptr[j + 1]):
                    i = indices[p]
                    grad[i] += h[i] * data[p] * delta
                c = delta * delta * (H + beta[k])
                if c > change:
                    change = c
        if fit_b and hsum > 0.0:
            b, c = _intercept_step(b, grad, h, hsum)
            if c > change:
                change = c
        if change <= tol:
            break
    return b, sweeps, change


@njit(cache=True, nogil=True)
def col_curvature_dense(X, cols, h, out):  # pragma: no cover
    """``out[j] = sum_i h_i X_ij^2`` for ``j`` in ``cols``."""
    n = X.shape[0]
    for k in range(cols.shape[0]):
        j = cols[k]
        s = 0.0
        for i in range(n):
            s += h[i] * X[i, j] * X[i, j]
        out[j] = s


@njit(cache=True, nogil=True)
def col_curvature_csc(data, indices, indptr, cols, h, out):  # pragma: no cover
    """``out[k] = sum_i h_i X_ij^2`` for ``j = cols[k]`` (per position, as ``cd_csc``)."""
    for k in range(cols.shape[0]):
        j = cols[k]
        s = 0.0
        for p in range(indptr[j], indptr[j + 1]):
            s += h[indices[p]] * data[p] * data[p]
        out[k] = s


@njit(cache=True, nogil=True)
def cols_dot_csc(data, indices, indptr, cols, vec, out):  # pragma: no cover
    """``out[k] = sum_i X[i, cols[k]] vec[i]``: ``X_W^T vec`` without slicing ``X``."""
    for k in range(cols.shape[0]):
        j = cols[k]
        s = 0.0
        for p in range(indptr[j], indptr[j + 1]):
            s += data[p] * vec[indices[p]]
        out[k] = s


@njit(cache=True, nogil=True)
def violation_in_place(w, g, alpha, beta, lower, upper):  # pragma: no cover - compiled
    """``g[j]`` (the loss's gradient) replaced by coefficient j's optimality violation: the
    smallest |subgradient| of the objective with the elastic net and the box [lower, upper];
    0 exactly where w_j is optimal given the others. One pass, no temporary of length d."""
    for j in range(w.shape[0]):
        z = g[j] + beta[j] * w[j]
        if w[j] > 0.0:
            r = z + alpha[j]
        elif w[j] < 0.0:
            r = z - alpha[j]
        elif z > alpha[j]:
            r = z - alpha[j]
        elif z < -alpha[j]:
            r = z + alpha[j]
        else:
            r = 0.0
        if (w[j] <= lower[j] and r > 0.0) or (w[j] >= upper[j] and r < 0.0):
            r = 0.0
        g[j] = abs(r)


@njit(cache=True, nogil=True)
def weighted_gram_csr(data, indices, indptr, k, h, out):  # pragma: no cover - compiled
    """``out[:k, :k] = X^T diag(h) X`` for a CSR ``X`` of k columns, into a zeroed dense array,
    row by row (each row adds the outer product of its few nonzeros: the cost is the sum of the
    rows' nonzeros squared); nothing else is allocated. Both triangles are written."""
    for i in range(indptr.shape[0] - 1):
        hi = h[i]
        for p in range(indptr[i], indptr[i + 1]):
            a = indices[p]
            v = hi * data[p]
            for q in range(p, indptr[i + 1]):
                out[a, indices[q]] += v * data[q]
    for a in range(k):
        for b in range(a + 1, k):
            s = out[a, b] + out[b, a]
            out[a, b] = s
            out[b, a] = s


@njit(cache=True, nogil=True)
def cols_matvec_csc(data, indices, indptr, cols, coef, out):  # pragma: no cover
    """``out += X_W coef`` without slicing ``X``."""
    for k in range(cols.shape[0]):
        c = coef[k]
        if c != 0.0:
            j = cols[k]
            for p in range(indptr[j], indptr[j + 1]):
                out[indices[p]] += data[p] * c


@njit(cache=True, nogil=True)
def enet_gram_path(G, q, lams, l1, l2, w0):  # pragma: no cover - compiled
    """Minimizers of ``1/2 w'Gw - q'w + lam sum_j (l1_j |w_j| + l2_j/2 w_j^2)`` at every lam of
    ``lams`` (decreasing), from ``w0`` then each from the one before; see ``engine._gram``.
    Returns ``(W, ok)``: W one row per lam, ok False when a point did not settle."""
    d = q.shape[0]
    K = lams.shape[0]
    W = np.zeros((K, d))
    w = w0.copy()
    h = G @ w - q
    scale = 0.0
    for j in range(d):
        scale = max(scale, abs(q[j]))
    scale = max(scale, 1e-300)
    for k in range(K):
        lam = lams[k]
        settled = False
        for _round in range(200):
            # Coordinate descent until no coordinate moves by more than rounding.
            for _sweep in range(10000):
                biggest = 0.0
                for j in range(d):
                    denom = G[j, j] + lam * l2[j]
                    u = _step(w, j, h[j], G[j, j], lam * l1[j], lam * l2[j], -np.inf, np.inf)
                    delta = u - w[j]
                    if delta != 0.0:
                        for i in range(d):
                            h[i] += G[i, j] * delta
                        w[j] = u
                        change = abs(delta) * denom
                        if change > biggest:
                            biggest = change
                if biggest <= 1e-13 * scale:
                    break
            # The exact minimizer with this support and these signs.
            m = 0
            for j in range(d):
                if w[j] != 0.0:
                    m += 1
            idx = np.empty(m, dtype=np.int64)
            m = 0
            for j in range(d):
                if w[j] != 0.0:
                    idx[m] = j
                    m += 1
            trial = np.zeros(d)
            if m > 0:
                A = np.empty((m, m))
                rhs = np.empty(m)
                for a_ in range(m):
                    ja = idx[a_]
                    for b_ in range(m):
                        A[a_, b_] = G[ja, idx[b_]]
                    A[a_, a_] += lam * l2[ja]
                    sgn = 1.0 if w[ja] > 0 else -1.0
                    rhs[a_] = q[ja] - lam * l1[ja] * sgn
                sol = np.linalg.solve(A, rhs)
                for a_ in range(m):
                    trial[idx[a_]] = sol[a_]
            good = True
            for a_ in range(m):
                ja = idx[a_]
                if trial[ja] * w[ja] <= 0.0:
                    good = False
            trial_h = G @ trial - q
            if good:
                for j in range(d):
                    if w[j] == 0.0 and abs(trial_h[j]) > lam * l1[j] * (1.0 + 1e-12) + 1e-13 * scale:
                        good = False
            if good:
                w[:] = trial
                h[:] = trial_h
                settled = True
                break
        if not settled:
            return W, False
        W[k] = w
    return W, True


@njit(cache=True, nogil=True)
def group_bcd_gram(G, q, starts, idx, thresholds, L, w, tol, max_sweeps):  # pragma: no cover - compiled
    """Block coordinate descent on ``1/2 w'Gw - q'w + sum_g t_g ||w_g||_2`` (blocks
    ``idx[starts[g]:starts[g+1]]``, ``L_g`` the largest eigenvalue of ``G_gg``): each block
    takes the proximal gradient step of its own curvature, ``w_g <- S(w_g - (Gw - q)_g / L_g,
    t_g / L_g)`` (group soft-threshold). ``w`` is updated in place; returns the sweeps made,
    or -1 when ``max_sweeps`` did not bring the largest block move below ``tol``."""
    d = q.shape[0]
    h = G @ w - q
    n_groups = starts.shape[0] - 1
    for sweep in range(max_sweeps):
        biggest = 0.0
        for g in range(n_groups):
            a, b = starts[g], starts[g + 1]
            Lg = L[g]
            if Lg <= 0.0:
                continue
            norm = 0.0
            for k in range(a, b):
                j = idx[k]
                z = w[j] - h[j] / Lg
                norm += z * z
            norm = np.sqrt(norm)
            shrink = 0.0
            if norm > thresholds[g] / Lg:
                shrink = 1.0 - thresholds[g] / (Lg * norm)
            move = 0.0
            for k in range(a, b):
                j = idx[k]
                new = shrink * (w[j] - h[j] / Lg)
                delta = new - w[j]
                if delta != 0.0:
                    for i in range(d):
                        h[i] += G[i, j] * delta
                    w[j] = new
                    move += delta * delta
            move = np.sqrt(move) * Lg
            if move > biggest:
                biggest = move
        if biggest <= tol:
            return sweep + 1
    return -1


def weighted_gram(A, h):  # type: ignore[no-untyped-def]
    """``A' diag(h) A`` as a dense array; a sparse ``A`` row by row into that one array
    (``weighted_gram_csr``), so no dense copy of its columns is made."""
    import scipy.sparse as sp

    if sp.issparse(A):
        rows, k = sp.csr_matrix(A), A.shape[1]
        H = np.zeros((k, k))
        weighted_gram_csr(rows.data, rows.indices, rows.indptr, k, np.ascontiguousarray(h, dtype=float), H)
        return H
    A = np.asarray(A)
    return A.T @ (np.asarray(h)[:, None] * A)
