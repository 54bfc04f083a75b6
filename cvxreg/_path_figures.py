"""Figures of a computed path and of a cross-validation, as glmnet's ``plot.glmnet`` and
``plot.cv.glmnet`` draw them: ``Path.plot``, ``CrossValidation.plot`` and ``cvxreg.plot.path``.

This module needs nothing of cvxreg but the objects it is given (matplotlib is imported on
first use, the ``plot`` extra), so the result classes can draw themselves.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["draw_cv", "draw_path", "pyplot"]


def pyplot() -> Any:
    """``matplotlib.pyplot``, on the Agg backend unless a notebook's inline one is in use."""
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - the plot extra is missing
        from cvxreg.errors import NotSupportedError

        raise NotSupportedError("cvxreg's figures need matplotlib: pip install 'cvxreg-lab[plot]'") from None
    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _axes(ax: Any, size: tuple[float, float]) -> tuple[Any, Any]:
    if ax is not None:
        return ax.figure, ax
    fig, ax = pyplot().subplots(figsize=size, layout="constrained")
    return fig, ax


def draw_path(path: Any, *, against: str = "lam", chosen: float | None = None, lam_max: float | None = None,
              title: str | None = None, ax: Any = None) -> Any:  # fmt: skip
    """Each coefficient of ``path`` (a ``cvxreg.Path``) against lam (log axis; ``lam_max`` and
    ``chosen`` marked when given) or against ``t = R(w)``; returns the figure."""
    plt = pyplot()
    fig, ax = _axes(ax, (8, 4.8))
    names = list(path.coefficient_names)
    coefs = path.coefs.reshape(path.coefs.shape[0], -1)  # the multinomial (d, K) by rows
    x = np.asarray(path.lams if against == "lam" else path.ts, dtype=float)
    cmap = plt.get_cmap("tab10" if len(names) <= 10 else "tab20")
    for j, name in enumerate(names):
        ax.plot(x, coefs[:, j], lw=1.4, color=cmap(j % cmap.N), label=str(name).replace("$", r"\$"))
    ax.axhline(0, color="grey", lw=0.6)
    if against == "lam":
        ax.set_xscale("log")
        if lam_max is not None:
            ax.axvline(lam_max, color="black", ls=":", lw=1.2, label=f"lam_max = {lam_max:.3g}")
        if chosen is not None:
            ax.axvline(chosen, color="#d32f2f", ls="--", lw=1.2, label=f"chosen lam = {chosen:.3g}")
        ax.set_xlabel("lam (log scale; the path runs from lam_max down)")
    else:
        if chosen is not None:
            order = np.argsort(path.lams)
            t_chosen = float(np.interp(np.log(chosen), np.log(path.lams[order]), np.asarray(path.ts)[order]))
            ax.axvline(t_chosen, color="#d32f2f", ls="--", lw=1.2, label=f"chosen lam = {chosen:.3g}")
        ax.set_xlabel("t = R(w), the radius of the constrained problem with the same answer")
    ax.set_ylabel("coefficient")
    if title:
        ax.set_title(title, fontsize=9)
    if len(names) <= 20:
        ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    ax.grid(alpha=0.3)
    return fig


def draw_cv(cv: Any, *, ax: Any = None) -> Any:
    """The mean score over folds against lam with one standard error either side (one curve per
    l1_ratio), the best lam and the one-standard-error lam marked; returns the figure."""
    fig, ax = _axes(ax, (7, 4.5))
    table = cv.table
    groups = table.groupby("l1_ratio", sort=False) if "l1_ratio" in table else [(None, table)]
    for ratio, rows in groups:
        label = "mean over folds ± 1 se" if ratio is None else f"l1_ratio = {ratio:g}"
        ax.errorbar(rows["lam"], rows["mean"], yerr=rows["se"], marker=".", ms=4, capsize=2, lw=1, label=label)
    ax.set_xscale("log")
    ax.axvline(cv.best_lam, color="#d32f2f", ls="--", lw=1.2, label=f"best lam = {cv.best_lam:.3g}")
    ax.axvline(cv.one_se_lam, color="grey", ls=":", lw=1.2, label=f"one-se lam = {cv.one_se_lam:.3g}")
    ax.set_xlabel("lam (log scale)")
    ax.set_ylabel(f"{cv.scoring} ({len([c for c in table.columns if str(c).startswith('fold')])} folds)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig
