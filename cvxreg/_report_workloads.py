"""The report's section on real sizes: tables, findings and the accuracy-against-time figure,
read from a workload frame (``cvxreg.workloads.run_workloads``); nothing here solves.

Times here are what a user waits for: a CVXPY solver's compile plus its solver call
(``setup_time + solve_time``), a specialist's whole fit (``solve_time``).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from cvxreg._report_stats import ERROR_FLOOR, solved

__all__ = ["BAR", "time_to_bar", "view_size", "wall_time", "workload_figure", "workload_findings", "workload_sections"]

#: The accuracy a run must reach to count in "time to 1e-6": its error against the truth and
#: its primal residual.
BAR = 1e-6


def wall_time(frame: pd.DataFrame) -> pd.Series:
    """Seconds a user waits for each row: compile plus solve for CVXPY, the fit for a tool."""
    solve = pd.to_numeric(frame["solve_time"], errors="coerce")
    setup = pd.to_numeric(frame["setup_time"], errors="coerce").fillna(0.0)
    return solve + setup.where(frame["tool_kind"] == "cvxpy", 0.0)


def _reached(frame: pd.DataFrame) -> pd.Series:
    err = pd.to_numeric(frame["error"], errors="coerce")
    primal = pd.to_numeric(frame["primal_residual"], errors="coerce").fillna(0.0)
    return solved(frame) & (err <= BAR) & (primal <= BAR)


def _size(row: Any) -> str:
    return f"{int(row.n)} x {int(row.d)}" + (f", {int(row.nnz)} nonzeros" if row.nnz < row.n * row.d else "")


def time_to_bar(frame: pd.DataFrame, workload: str) -> pd.DataFrame:
    """One row per tool, one column per size of ``workload``: the seconds of its fastest run
    that reached ``BAR``; "missed" when it ran there and no run did, "over budget" when no run
    did before one took longer than the budget (no more accuracy was asked of it); empty when
    it did not run there (it had stopped growing)."""
    part = frame[frame["workload"] == workload].assign(_wall=lambda f: wall_time(f), _ok=lambda f: _reached(f))
    sizes = part.drop_duplicates(["n", "d"]).sort_values("d")
    table: dict[str, dict[str, str]] = {}
    for size in sizes.itertuples(index=False):
        label = _size(size)
        here = part[(part["n"] == size.n) & (part["d"] == size.d)]
        for tool, rows in here.groupby("solver", sort=False):
            good = rows.loc[rows["_ok"], "_wall"]
            over = "over_budget" in rows and bool(rows["over_budget"].eq(True).any())  # NaN: not over
            text = "over budget" if over else "missed"
            table.setdefault(str(tool), {})[label] = f"{good.min():.3g}" if len(good) else text
    out = pd.DataFrame.from_dict(table, orient="index").reindex(columns=[_size(s) for s in sizes.itertuples()])
    return out.fillna("").rename_axis(f"tool (seconds to {BAR:g})").reset_index()


def view_size(frame: pd.DataFrame, workload: str) -> tuple[int, int]:
    """The size the figure shows: the largest at which a CVXPY solver and a specialist both
    returned a solution (else the largest)."""
    part = frame[frame["workload"] == workload]
    both = part[solved(part)].groupby(["n", "d"])["tool_kind"].nunique()
    pick = both[both == 2].index.max() if (both == 2).any() else part[["n", "d"]].max().to_list()
    return int(pick[0]), int(pick[1])


def workload_findings(frame: pd.DataFrame) -> list[str]:
    """Per workload, at its largest size: the fastest tool to reach ``BAR``, and the fastest
    CVXPY solver (or up to which size the CVXPY solvers ran)."""
    out = []
    frame = frame.assign(_wall=wall_time(frame), _ok=_reached(frame))
    for name, part in frame.groupby("workload", sort=False):
        top = part[part["d"] == part["d"].max()]
        size = _size(top.iloc[0])
        good = top[top["_ok"]].sort_values("_wall")
        if not len(good):
            out.append(f"Real sizes, {name} at {size}: no run reached error {BAR:g}.")
            continue
        best = good.iloc[0]
        text = f"Real sizes, {name} at {size}: fastest to error {BAR:g} is {best['solver']} ({best['_wall']:.3g} s)"
        conic = good[good["tool_kind"] == "cvxpy"]
        if len(conic):
            c = conic.iloc[0]
            text += f"; fastest CVXPY solver {c['solver']} ({c['_wall']:.3g} s with compile)"
        else:
            ran = part[(part["tool_kind"] == "cvxpy") & part["_ok"]]
            if len(ran):
                last = ran[ran["d"] == ran["d"].max()].sort_values("_wall").iloc[0]
                text += (
                    f"; no CVXPY solver ran at this size: the last to reach {BAR:g} did so at "
                    f"{_size(last)} ({last['solver']}, {last['_wall']:.3g} s with compile)"
                )
            else:
                text += f"; no CVXPY solver reached {BAR:g} at any size"
        out.append(text + ".")
    return out


def workload_sections(frame: pd.DataFrame, descriptions: dict[str, str]) -> list[tuple[str, Any]]:
    """The section's (kind, content) pairs for the report's writers."""
    out: list[tuple[str, Any]] = [("h2", "Real sizes")]
    out.append(("p", _INTRO))
    out.append(("figures", ["accuracy_vs_time"]))
    for name in dict.fromkeys(frame["workload"]):
        out.append(("h3", str(name)))
        if descriptions.get(name):
            out.append(("p", descriptions[name][:1].upper() + descriptions[name][1:] + "."))
        out.append(("table", time_to_bar(frame, name)))
        rows = frame[frame["workload"] == name].assign(wall_s=lambda f: wall_time(f))
        shown = rows[["n", "d", "solver", "settings", "status", "error", "kkt_residual", "duality_gap",
                      "primal_residual", "wall_s", "runs", "message"]]  # fmt: skip
        out.append(("details", (f"{name}: every run ({len(rows)})", "", shown)))
    return out


_INTRO = (
    f"Problems at the sizes people solve: generated families at growing sizes and real data sets shipped "
    f"with scikit-learn. The CVXPY solvers run at low, default and high settings; the specialist tools "
    f"(scikit-learn's estimators, celer, cvxreg's own Problem.solve) at several tolerances of their own. Every "
    f"answer is scored against one truth, cvxreg's solve at tolerance 1e-10 whose certificate passes at 1e-9, "
    f"by the same measures as above. A tool goes on to the next size only while its fastest run took at most "
    f"the budget; the families grow until the fastest tool takes about that long. Times are what a user "
    f"waits: for a CVXPY solver its compile plus the solver's call, for a specialist its whole fit, each the "
    f"median of repeated runs when a run is short. The tables give each tool's seconds to reach error "
    f"{BAR:g} (and primal residual {BAR:g}) at each size: 'missed' when no run did, 'over budget' when none did "
    f"before a run took longer than the budget (no more accuracy was asked), empty when it had stopped growing."
)


def workload_figure(frame: pd.DataFrame, plt: Any, colors: dict[str, Any]) -> Any:
    """Error against time per workload at its ``view_size``, one line per tool through its
    settings or tolerances (benchopt's suboptimality curves): further down and left is better.
    CVXPY solvers dashed with circles, specialist tools solid with squares; errors below
    ``ERROR_FLOOR`` are drawn at it."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    names = list(dict.fromkeys(frame["workload"]))
    cols = min(3, len(names))
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 5.4 * rows), squeeze=False)
    frame = frame.assign(_wall=wall_time(frame))
    for ax, name in zip(axes.ravel(), names, strict=False):
        n, d = view_size(frame, name)
        part = frame[(frame["workload"] == name) & (frame["n"] == n) & (frame["d"] == d) & solved(frame)]
        own = sorted(set(part.loc[part["tool_kind"] != "cvxpy", "solver"]))
        dark = plt.get_cmap("Dark2")  # the specialist tools of this panel: a palette of their own
        shade = {**colors, **{t: dark(i % dark.N) for i, t in enumerate(own)}}
        for tool, g in part.groupby("solver", sort=True):
            g = g.sort_values("_wall")
            err = pd.to_numeric(g["error"], errors="coerce").clip(lower=ERROR_FLOOR)
            conic = bool((g["tool_kind"] == "cvxpy").all())
            ax.plot(g["_wall"], err, "--" if conic else "-", marker="o" if conic else "s", ms=3.5,
                    color=shade.get(tool), label=str(tool))  # fmt: skip
        ax.axhline(BAR, color="grey", lw=0.8, ls=":")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"{name}\n{n} x {d}", fontsize=9)
        ax.set_xlabel("seconds (compile + solve; a tool's fit)", fontsize=8)
        ax.set_ylabel("error against the truth", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.legend(fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
    for ax in axes.ravel()[len(names):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig
