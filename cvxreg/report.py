"""Solver comparison reports: a summary a person reads first, figures, and the full table.

``write(frame, path)`` picks the format by suffix: ``.md`` (Markdown tables), ``.csv``, or
``.html`` (one self-contained file: tables and embedded PNG figures, all text escaped).
``write_report(frame, directory)`` writes all three plus the figures as PNG files.
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cvxreg._validation import check_choice, invalid
from cvxreg.result import SOLVED_STATUSES

__all__ = ["ACCURACY_BARS", "accuracy", "figures", "summary", "write", "write_report"]

#: The accuracy levels the summary counts: a solve is "accurate to 1e-6" when its
#: objective gap and its KKT residual (both relative) are at most 1e-6.
ACCURACY_BARS = (1e-6, 1e-4)


def accuracy(frame: pd.DataFrame) -> pd.Series:
    """Per row: ``max(objective_gap, kkt_residual)`` for solved rows, ``inf`` otherwise."""
    solved = frame["status"].isin(SOLVED_STATUSES)
    gap = pd.to_numeric(frame["objective_gap"], errors="coerce")
    kkt = pd.to_numeric(frame["kkt_residual"], errors="coerce").fillna(0.0)
    acc = np.maximum(gap.fillna(np.inf), kkt)
    return acc.where(solved, np.inf)


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per solver and settings: problems, solved, accurate to each bar, median time,
    worst dual error, failures and their reasons."""
    rows = []
    acc = accuracy(frame)
    for (solver, setting), part in frame.groupby(["solver", "settings"], sort=True):
        a = acc.loc[part.index]
        failed = part[~part["status"].isin(SOLVED_STATUSES)]
        dual = pd.to_numeric(part["dual_error"], errors="coerce")
        row: dict[str, Any] = {
            "solver": solver,
            "settings": setting,
            "problems": len(part),
            "solved": int(part["status"].isin(SOLVED_STATUSES).sum()),
        }
        for bar in ACCURACY_BARS:
            row[f"accurate_{bar:.0e}"] = int((a <= bar).sum())
        row["median_solve_time"] = float(pd.to_numeric(part["solve_time"], errors="coerce").median())
        row["median_setup_time"] = float(pd.to_numeric(part["setup_time"], errors="coerce").median())
        row["worst_dual_error"] = float(dual.max()) if dual.notna().any() else math.nan
        row["failures"] = len(failed)
        row["failure_reasons"] = "; ".join(
            f"{p}: {st}" + (f" ({str(m)[:80]})" if isinstance(m, str) and m else "")
            for p, st, m in zip(failed["problem"], failed["status"], failed["message"], strict=True)
        )
        rows.append(row)
    out = pd.DataFrame(rows)
    if len(out):
        out = out.sort_values([f"accurate_{ACCURACY_BARS[0]:.0e}", "median_solve_time"], ascending=[False, True])
    return out.reset_index(drop=True)


# -------------------------------------------------------------------------------------- figures
def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _floor(values: pd.Series, floor: float = 1e-16) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").clip(lower=floor)


def figures(frame: pd.DataFrame, directory: str | os.PathLike[str] | None = None) -> dict[str, bytes]:
    """The four report figures as PNG bytes (and files in ``directory`` when given):
    error vs time per solver (log-log), dual error per solver, status matrix (problem x
    solver), coefficient error by problem."""
    plt = _pyplot()
    out: dict[str, bytes] = {}
    solvers = sorted(frame["solver"].unique())
    colors = {s: plt.get_cmap("tab10")(i % 10) for i, s in enumerate(solvers)}
    markers = {"default": "o", "tight": "^"}
    acc = accuracy(frame)

    def save(name: str, fig: Any) -> None:
        buf = io.BytesIO()
        fig.tight_layout()
        fig.savefig(buf, format="png", dpi=110)
        plt.close(fig)
        out[name] = buf.getvalue()
        if directory is not None:
            Path(directory, f"{name}.png").write_bytes(out[name])

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for (solver, setting), part in frame.groupby(["solver", "settings"]):
        ok = np.isfinite(acc.loc[part.index])
        if not ok.any():
            continue
        t = _floor(part.loc[ok, "solve_time"] + part.loc[ok, "setup_time"].fillna(0), 1e-6)
        ax.scatter(
            t,
            acc.loc[part.index][ok].clip(lower=1e-16),
            color=colors[solver],
            marker=markers.get(setting, "s"),
            label=f"{solver} ({setting})",
            alpha=0.8,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("setup + solve time (s)")
    ax.set_ylabel("max(objective gap, KKT residual)")
    ax.set_title("Accuracy vs time (lower left is better)")
    for bar in ACCURACY_BARS:
        ax.axhline(bar, color="grey", lw=0.8, ls="--")
    ax.legend(fontsize=7, ncol=2, loc="upper right")
    save("error_vs_time", fig)

    fig, ax = plt.subplots(figsize=(7, 4))
    dual = pd.to_numeric(frame["dual_error"], errors="coerce")
    data = [_floor(dual[(frame["solver"] == s) & dual.notna()]).to_numpy() for s in solvers]
    for i, (s, vals) in enumerate(zip(solvers, data, strict=True)):
        if len(vals):
            ax.scatter(np.full(len(vals), i) + np.linspace(-0.15, 0.15, len(vals)), vals, color=colors[s], s=18)
    ax.set_xticks(range(len(solvers)), solvers, rotation=30, ha="right")
    ax.set_yscale("log")
    ax.set_ylabel("multiplier error vs reference")
    ax.set_title("Dual (multiplier) error per solver")
    save("dual_error", fig)

    problems = list(dict.fromkeys(frame["problem"]))
    cat = np.full((len(problems), len(solvers)), np.nan)
    labels = np.full(cat.shape, "", dtype=object)
    best = frame.assign(acc=acc).sort_values("acc").drop_duplicates(["problem", "solver"])
    for _, r in best.iterrows():
        i, j = problems.index(r["problem"]), solvers.index(r["solver"])
        a = r["acc"]
        cat[i, j] = 0 if a <= ACCURACY_BARS[0] else 1 if a <= ACCURACY_BARS[1] else 2 if np.isfinite(a) else 3
        labels[i, j] = {0: "ok", 1: "~", 2: "low", 3: str(r["status"])[:8]}[int(cat[i, j])]
    from matplotlib.colors import ListedColormap

    fig, ax = plt.subplots(figsize=(1.1 * len(solvers) + 3, 0.35 * len(problems) + 1.6))
    ax.imshow(cat, cmap=ListedColormap(["#4caf50", "#ffeb3b", "#ff9800", "#e53935"]), vmin=0, vmax=3, aspect="auto")
    for i in range(len(problems)):
        for j in range(len(solvers)):
            ax.text(j, i, labels[i, j], ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(solvers)), solvers, rotation=30, ha="right")
    ax.set_yticks(range(len(problems)), problems, fontsize=7)
    ax.set_title("Status (best settings): ok <= 1e-6, ~ <= 1e-4, low, or failure")
    save("status_matrix", fig)

    fig, ax = plt.subplots(figsize=(max(7, 0.45 * len(problems) + 2), 4.5))
    ce = _floor(frame["coef_error"])
    for s in solvers:
        part = frame[(frame["solver"] == s) & ce.notna()]
        x = [problems.index(p) for p in part["problem"]]
        ax.scatter(x, ce[part.index], color=colors[s], label=s, s=16, alpha=0.8)
    ax.set_xticks(range(len(problems)), problems, rotation=60, ha="right", fontsize=7)
    ax.set_yscale("log")
    ax.set_ylabel("max |coef - reference|")
    ax.set_title("Coefficient error by problem")
    ax.legend(fontsize=7, ncol=3)
    save("coef_error", fig)
    return out


# -------------------------------------------------------------------------------------- writers
def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating):
        return f"{value:.3g}"
    return str(value)


def _markdown_table(frame: pd.DataFrame) -> str:
    def cell(v: Any) -> str:
        return _fmt(v).replace("|", "\\|").replace("\n", " ")

    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_TITLE = "cvxreg solver comparison"
_CAPTIONS = {
    "error_vs_time": "Accuracy (max of objective gap and KKT residual) against time, per solver and settings.",
    "dual_error": "Error of the constraint and bound multipliers against the reference.",
    "status_matrix": "Outcome per problem and solver, at the solver's best settings.",
    "coef_error": "Largest coefficient error per problem.",
}


def _intro(frame: pd.DataFrame) -> str:
    n_prob = frame["problem"].nunique()
    n_solv = frame["solver"].nunique()
    refs = ", ".join(sorted(frame["reference"].dropna().astype(str).unique()))
    models = ", ".join(sorted(m for m in frame["model"].dropna().astype(str).unique() if m))
    return (
        f"{n_prob} problems x {n_solv} solvers x settings {', '.join(sorted(frame['settings'].unique()))}. "
        f"Accuracy is max(objective gap, KKT residual), both relative; references: {refs}. "
        f"Each row scores the solver's own answer (not polished) on the model it was given ({models}): "
        f"'reduced' is a least-squares loss on tall data given as a d x d factor, 'plain' one term per sample."
    )


def _markdown(frame: pd.DataFrame) -> str:
    parts = [f"# {_TITLE}", "", _intro(frame), "", "## Summary", "", _markdown_table(summary(frame)), ""]
    failed = frame[~frame["status"].isin(SOLVED_STATUSES)]
    if len(failed):
        parts += [
            "## Failures",
            "",
            _markdown_table(failed[["problem", "solver", "settings", "status", "message"]]),
            "",
        ]
    parts += ["## All results", "", _markdown_table(frame), ""]
    return "\n".join(parts)


def _html(frame: pd.DataFrame, pngs: dict[str, bytes] | None) -> str:
    style = (
        "body{font-family:sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse;font-size:12px;"
        "margin-bottom:1.5em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#eee}"
        "td:first-child,th:first-child{text-align:left}figure{display:inline-block;margin:0 1em 1em 0}"
        "img{max-width:680px;border:1px solid #ddd}"
    )
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(_TITLE)}</title><style>{style}</style></head><body>",
        f"<h1>{html.escape(_TITLE)}</h1><p>{html.escape(_intro(frame))}</p>",
        "<h2>Summary</h2>",
        _html_table(summary(frame)),
    ]
    if pngs:
        parts.append("<h2>Figures</h2>")
        for name, data in pngs.items():
            b64 = base64.b64encode(data).decode("ascii")
            cap = html.escape(_CAPTIONS.get(name, name))
            parts.append(
                f"<figure><img alt='{html.escape(name)}' src='data:image/png;base64,{b64}'>"
                f"<figcaption>{cap}</figcaption></figure>"
            )
    else:
        parts.append("<p>Figures need matplotlib (install the 'plot' extra).</p>")
    failed = frame[~frame["status"].isin(SOLVED_STATUSES)]
    if len(failed):
        parts += ["<h2>Failures</h2>", _html_table(failed[["problem", "solver", "settings", "status", "message"]])]
    parts += ["<h2>All results</h2>", _html_table(frame), "</body></html>"]
    return "".join(parts)


def _maybe_figures(frame: pd.DataFrame, directory: str | os.PathLike[str] | None = None) -> dict[str, bytes] | None:
    try:
        return figures(frame, directory)
    except ImportError:
        return None


def write(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a comparison frame; the format follows the suffix: ``.md``, ``.csv`` or ``.html``."""
    if not isinstance(frame, pd.DataFrame):
        raise invalid("frame", "report.write", "a pandas DataFrame from compare_solvers or benchmark", frame)
    path = Path(path)
    suffix = check_choice(path.suffix.lower(), "path", "report.write (its suffix)", (".md", ".csv", ".html"))
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".md":
        path.write_text(_markdown(frame), encoding="utf-8")
    else:
        path.write_text(_html(frame, _maybe_figures(frame)), encoding="utf-8")
    return path


def write_report(frame: pd.DataFrame, directory: str | os.PathLike[str]) -> dict[str, Path]:
    """Write ``report.md``, ``report.html``, ``results.csv`` and ``figures/*.png`` into ``directory``."""
    d = Path(directory)
    (d / "figures").mkdir(parents=True, exist_ok=True)
    pngs = _maybe_figures(frame, d / "figures")
    paths = {"csv": d / "results.csv", "md": d / "report.md", "html": d / "report.html"}
    frame.to_csv(paths["csv"], index=False)
    paths["md"].write_text(_markdown(frame), encoding="utf-8")
    paths["html"].write_text(_html(frame, pngs), encoding="utf-8")
    for name in pngs or {}:
        paths[name] = d / "figures" / f"{name}.png"
    return paths
