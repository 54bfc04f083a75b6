"""The solver report's figures, drawn with matplotlib (the ``plot`` extra) as PNG bytes.

Every colour has a legend entry; problem and solver names are shown as plain text (``$`` is
escaped, so a name never becomes mathtext); each figure is sized to be read at its natural
width in the HTML report.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd

from cvxreg._report_stats import ERROR_FLOOR, profile, solved, succeeded
from cvxreg.solvers import SUCCESS_BAR

__all__ = ["report_figures"]

DPI = 100


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _plain(text: Any) -> str:
    """Text matplotlib shows as written: a ``$`` would otherwise start mathtext."""
    return str(text).replace("$", r"\$")


def _png(plt: Any, fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _colors(plt: Any, solvers: list[str]) -> dict[str, Any]:
    cmap = plt.get_cmap("tab10" if len(solvers) <= 10 else "tab20")
    return {s: cmap(i % cmap.N) for i, s in enumerate(solvers)}


#: Status matrix categories: (label in the legend, colour, text in the cell).
_CELLS = [
    ("success (error within the settings' bar)", "#66bb6a"),
    ("solved, error above the bar", "#ffd54f"),
    ("solved, error above 1e-2 (wrong)", "#ff8a65"),
    ("no solution (failed, timeout, crashed)", "#e53935"),
    ("unsupported by the solver", "#cfd8dc"),
    ("not installed", "#eceff1"),
]


def _cell(row: pd.Series) -> tuple[int, str]:
    status = str(row["status"])
    if status == "not_installed":
        return 5, "n/i"
    if status == "unsupported":
        return 4, "n/a"
    if status not in ("optimal", "optimal_inaccurate"):
        return 3, status[:10]
    err = pd.to_numeric(row["error"], errors="coerce")
    label = "" if not np.isfinite(err) else f"{max(err, 1e-16):.1e}".replace("e-0", "e-")
    if str(row["success"]).lower() in ("true", "1", "1.0"):
        return 0, label
    return (2 if np.isfinite(err) and err > 1e-2 else 1), label


def status_matrix(frame: pd.DataFrame, setting: str) -> bytes:
    """Problems x solvers at one settings: the outcome as a colour, the error as text."""
    plt = _plt()
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    part = frame[frame["settings"] == setting]
    problems = list(dict.fromkeys(part["problem"]))
    solvers = sorted(part["solver"].unique())
    cat = np.full((len(problems), len(solvers)), np.nan)
    text = np.full(cat.shape, "", dtype=object)
    for _, r in part.iterrows():
        i, j = problems.index(r["problem"]), solvers.index(r["solver"])
        cat[i, j], text[i, j] = _cell(r)
    fig, ax = plt.subplots(figsize=(0.85 * len(solvers) + 4.5, 0.26 * len(problems) + 2.2))
    cmap = ListedColormap([c for _, c in _CELLS])
    ax.imshow(np.ma.masked_invalid(cat), cmap=cmap, vmin=-0.5, vmax=len(_CELLS) - 0.5, aspect="auto")
    for i in range(len(problems)):
        for j in range(len(solvers)):
            ax.text(j, i, _plain(text[i, j]), ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(solvers)), [_plain(s) for s in solvers], rotation=35, ha="right", fontsize=9)
    ax.set_yticks(range(len(problems)), [_plain(p) for p in problems], fontsize=8)
    ax.set_title(f"Outcome at '{setting}' settings (cell text: error against the truth)", fontsize=10)
    handles = [Patch(facecolor=c, edgecolor="#999", label=lab) for lab, c in _CELLS]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return _png(plt, fig)


def profiles(frame: pd.DataFrame, metric: str, colors: dict[str, Any]) -> bytes:
    """Performance profiles, one panel per settings."""
    plt = _plt()
    settings = list(dict.fromkeys(frame["settings"]))
    fig, axes = plt.subplots(1, len(settings), figsize=(4.6 * len(settings) + 2.2, 3.8), squeeze=False, sharey=True)
    for ax, setting in zip(axes[0], settings, strict=True):
        curves = profile(frame[frame["settings"] == setting], metric)
        for solver, (tau, rho) in curves.items():
            if len(tau):
                x = np.concatenate([[1.0], tau])
                y = np.concatenate([[0.0], rho])
                ax.step(x, y, where="post", color=colors[solver], lw=1.6, label=_plain(solver))
        ax.set_xscale("log", base=2)
        ax.set_ylim(0, 1.02)
        ax.set_title(f"'{setting}' settings", fontsize=10)
        ax.set_xlabel("within a factor tau of the best solver")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("fraction of problems")
    what = "solve time of successful solves" if metric == "time" else f"error against the truth (floor {ERROR_FLOOR:g})"
    fig.suptitle(f"Performance profiles: {what}", fontsize=11)
    present = set(frame["solver"])
    handles = [plt.Line2D([], [], color=c, lw=2, label=_plain(s)) for s, c in colors.items() if s in present]
    fig.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=9, frameon=False)
    fig.tight_layout()
    return _png(plt, fig)


def error_vs_time(frame: pd.DataFrame, colors: dict[str, Any]) -> bytes:
    """Error against the truth vs the solver's own solve time, one panel per settings."""
    plt = _plt()
    settings = list(dict.fromkeys(frame["settings"]))
    fig, axes = plt.subplots(1, len(settings), figsize=(4.6 * len(settings) + 2.2, 4.0), squeeze=False, sharey=True)
    ok = frame[solved(frame)]
    for ax, setting in zip(axes[0], settings, strict=True):
        part = ok[ok["settings"] == setting]
        for solver, g in part.groupby("solver"):
            t = pd.to_numeric(g["solve_time"], errors="coerce").clip(lower=1e-6)
            e = pd.to_numeric(g["error"], errors="coerce").clip(lower=1e-16)
            ax.scatter(t, e, s=16, color=colors[solver], alpha=0.8)
        bar = SUCCESS_BAR.get(setting)
        if bar is not None:
            ax.axhline(bar, color="grey", ls="--", lw=0.9)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"'{setting}' settings (dashed: success bar)", fontsize=10)
        ax.set_xlabel("solve time, solver's own (s)")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("error against the truth")
    handles = [
        plt.Line2D([], [], marker="o", ls="", color=c, label=_plain(s))
        for s, c in colors.items()
        if s in set(frame["solver"])
    ]
    fig.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=9, frameon=False)
    fig.tight_layout()
    return _png(plt, fig)


def dual_errors(frame: pd.DataFrame, colors: dict[str, Any]) -> bytes:
    """Multiplier errors per solver; those of multipliers that are not unique are hollow."""
    plt = _plt()
    solvers = sorted(frame["solver"].unique())
    fig, ax = plt.subplots(figsize=(0.8 * len(solvers) + 4.5, 4.0))
    dual = pd.to_numeric(frame["dual_error"], errors="coerce")
    flagged = frame["dual_note"].astype(object).fillna("").astype(str).str.len() > 0
    for i, s in enumerate(solvers):
        for hollow in (False, True):
            m = (frame["solver"] == s) & dual.notna() & (flagged == hollow)
            vals = dual[m].clip(lower=1e-16).to_numpy()
            if len(vals):
                x = np.full(len(vals), i) + np.linspace(-0.2, 0.2, len(vals))
                face = "none" if hollow else colors[s]
                ax.scatter(x, vals, s=20, facecolors=face, edgecolors=colors[s] if not hollow else "grey")
    ax.set_xticks(range(len(solvers)), [_plain(s) for s in solvers], rotation=35, ha="right")
    ax.set_yscale("log")
    ax.set_ylabel("multiplier error against the truth")
    ax.set_title("Multiplier errors (all settings)", fontsize=10)
    handles = [
        plt.Line2D([], [], marker="o", ls="", color="black", label="a unique multiplier"),
        plt.Line2D([], [], marker="o", ls="", mfc="none", color="grey", label="not unique (left out of the summary)"),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.grid(alpha=0.3, axis="y")
    return _png(plt, fig)


def scaling_figure(scale: pd.DataFrame, slopes: pd.DataFrame, colors: dict[str, Any]) -> bytes:
    """Solve time against d per family and solver, log-log, with the fitted slope per line."""
    plt = _plt()
    from matplotlib.ticker import NullFormatter

    families = list(dict.fromkeys(scale["family"]))
    cols = min(2, len(families))
    rows = -(-len(families) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6.0 * cols + 0.5, 4.2 * rows), squeeze=False)
    for ax in axes.flat[len(families) :]:
        ax.set_visible(False)
    ok = scale[solved(scale)]
    sizes = sorted(scale["d"].unique())
    for ax, family in zip(axes.flat, families, strict=False):
        for solver, g in ok[ok["family"] == family].groupby("solver"):
            g = g.sort_values("d")
            sl = slopes[(slopes["family"] == family) & (slopes["solver"] == solver)]["slope"]
            label = _plain(solver) + (f" ({sl.iloc[0]:.1f})" if len(sl) and np.isfinite(sl.iloc[0]) else "")
            ax.plot(g["d"], g["solve_time"].clip(lower=1e-6), marker="o", ms=3, color=colors[solver], label=label)
            missed = g[~succeeded(g)]
            ax.scatter(missed["d"], missed["solve_time"].clip(lower=1e-6), marker="x", color="black", zorder=3)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(sizes, [str(d) for d in sizes])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_title(_plain(family), fontsize=10)
        ax.set_xlabel("features d (n = 2d)")
        ax.legend(fontsize=7, title="solver (slope)", title_fontsize=7, loc="upper left")
        ax.grid(alpha=0.3)
    for ax in axes[:, 0]:
        ax.set_ylabel("solve time, solver's own (s)")
    fig.suptitle("Solve time against size (x: answer misses the default bar)", fontsize=11)
    fig.tight_layout()
    return _png(plt, fig)


def report_figures(
    frame: pd.DataFrame, scale: pd.DataFrame | None, slopes: pd.DataFrame | None, work: pd.DataFrame | None = None
) -> dict[str, bytes]:
    """Every report figure by name (empty when there is nothing to draw)."""
    solvers = sorted(set(frame["solver"]) | (set(scale["solver"]) if scale is not None else set()))
    plt = _plt()
    colors = _colors(plt, solvers)
    out: dict[str, bytes] = {}
    if work is not None and solved(work).any():
        from cvxreg._report_workloads import workload_figure

        conic = sorted(set(work.loc[work["tool_kind"] == "cvxpy", "solver"]))
        palette = {**_colors(plt, conic), **{s: c for s, c in colors.items() if s in conic}}
        out["accuracy_vs_time"] = _png(plt, workload_figure(work, plt, palette))
    if not len(frame):
        return out
    for setting in dict.fromkeys(frame["settings"]):
        out[f"status_{setting}"] = status_matrix(frame, setting)
    if solved(frame).any():
        out["profile_time"] = profiles(frame, "time", colors)
        out["profile_error"] = profiles(frame, "error", colors)
        out["error_vs_time"] = error_vs_time(frame, colors)
    if pd.to_numeric(frame["dual_error"], errors="coerce").notna().any():
        out["dual_error"] = dual_errors(frame, colors)
    if scale is not None and slopes is not None and solved(scale).any():
        out["scaling"] = scaling_figure(scale, slopes, colors)
    return out
