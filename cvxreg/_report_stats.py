"""The numbers of the solver report: per-settings summaries, performance profiles, findings.

Everything here reads a comparison frame (``cvxreg.compare.COLUMNS``) and, for the scaling
section, a scaling frame (``cvxreg.scaling``); nothing solves.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from cvxreg.result import SOLVED_STATUSES
from cvxreg.solvers import SUCCESS_BAR

#: Shift of the shifted geometric mean of solve times, in seconds (the bundled problems
#: solve in 1e-5 to 1e-2 s: a larger shift would hide the differences).
TIME_SHIFT = 1e-4
#: Shift of the shifted geometric means of residuals and errors.
RESIDUAL_SHIFT = 1e-12
#: Errors below this count as exact in the accuracy profile (ratios between two answers that
#: are both right to this level say nothing).
ERROR_FLOOR = 1e-10


def sgm(values: Any, shift: float) -> float:
    """Shifted geometric mean ``exp(mean(log(x + shift))) - shift`` (NaN when empty)."""
    x = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce").dropna(), dtype=float)
    if x.size == 0:
        return math.nan
    value = float(np.exp(np.mean(np.log(np.maximum(x, 0.0) + shift))) - shift)
    return 0.0 if value < 1e-9 * shift else value  # all zeros: rounding, not a residual


def _num(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce")


def solved(frame: pd.DataFrame) -> pd.Series:
    return frame["status"].isin(SOLVED_STATUSES)


def succeeded(frame: pd.DataFrame) -> pd.Series:
    return frame["success"].astype(str).str.lower().isin(("true", "1", "1.0"))


def summary(frame: pd.DataFrame, time_limit: float) -> pd.DataFrame:
    """One row per settings and solver, as qpbenchmark reports them.

    ``success_pct`` counts successes over every problem, ``supported`` the problems the solver
    can take; ``time_sgm_ms`` is the shifted geometric mean of solve times (shift
    ``TIME_SHIFT``) over every problem of the settings — one test set shared by all solvers,
    as qpbenchmark takes it — a problem not solved with success (failed, or not supported)
    counting ``time_limit``; ``time_vs_best`` divides it by the best solver's of the same
    settings, so it compares solvers on the same problems. ``time_sgm_supported_ms`` is the
    same mean over the problems each solver supports (not comparable across solvers that
    support different problems: a QP-only solver is timed on the QPs alone). The residual
    columns are shifted geometric means (shift ``RESIDUAL_SHIFT``) over the solved problems;
    ``dual_error_max`` leaves out multipliers flagged as not unique (``dual_flagged``).
    """
    rows = []
    for (setting, solver), part in frame.groupby(["settings", "solver"], sort=True):
        supported = part[~part["status"].isin(("unsupported", "not_installed"))]
        ok = succeeded(part)
        times = _num(supported, "solve_time").where(succeeded(supported), time_limit)
        shared = _num(part, "solve_time").where(succeeded(part), time_limit)  # every problem of the settings
        good = part[solved(part)]
        dual = _num(good, "dual_error")
        flagged = good["dual_note"].astype(object).fillna("").astype(str).str.len() > 0
        failures = supported[~succeeded(supported)]
        rows.append(
            {
                "settings": setting,
                "solver": solver,
                "problems": len(part),
                "supported": len(supported),
                "success_pct": 100.0 * float(ok.sum()) / max(len(part), 1),
                "success_of_supported_pct": 100.0 * float(succeeded(supported).sum()) / max(len(supported), 1),
                "time_sgm_ms": 1e3 * sgm(shared, TIME_SHIFT) if len(part) else math.nan,
                "time_sgm_supported_ms": 1e3 * sgm(times, TIME_SHIFT) if len(supported) else math.nan,
                "error_sgm": sgm(_num(good, "error"), RESIDUAL_SHIFT),
                "primal_residual_sgm": sgm(_num(good, "primal_residual"), RESIDUAL_SHIFT),
                "dual_residual_sgm": sgm(_num(good, "kkt_residual"), RESIDUAL_SHIFT),
                "duality_gap_sgm": sgm(_num(good, "duality_gap"), RESIDUAL_SHIFT),
                "dual_error_max": float(dual[~flagged].max()) if dual[~flagged].notna().any() else math.nan,
                "dual_flagged": int((flagged & dual.notna()).sum()),
                "failures": len(failures),
            }
        )
    out = pd.DataFrame(rows)
    if not len(out):
        return out
    best = out.groupby("settings")["time_sgm_ms"].transform("min")
    out.insert(out.columns.get_loc("time_sgm_ms") + 1, "time_vs_best", out["time_sgm_ms"] / best)
    order = {s: i for i, s in enumerate(("low", "default", "high", "tight"))}
    out["_o"] = out["settings"].map(lambda s: order.get(s, 9))
    out = out.sort_values(["_o", "success_pct", "time_sgm_ms"], ascending=[True, False, True])
    return out.drop(columns="_o").reset_index(drop=True)


def class_summary(frame: pd.DataFrame, time_limit: float) -> pd.DataFrame:
    """Per settings, problem class and solver: successes and the shifted geometric mean of
    solve times over that class's problems, one set shared by every solver (a problem not
    solved with success counts ``time_limit``, qpbenchmark's rule), and ``time_vs_best``
    against the fastest solver on the same set."""
    rows = []
    frame = frame.assign(problem_class=frame["problem_class"].astype(object).fillna("unknown class"))
    for (setting, cls, solver), part in frame.groupby(["settings", "problem_class", "solver"], sort=True):
        ok = succeeded(part)
        rows.append(
            {
                "settings": setting,
                "problem_class": cls,
                "solver": solver,
                "problems": len(part),
                "success_pct": 100.0 * float(ok.sum()) / max(len(part), 1),
                "time_sgm_ms": 1e3 * sgm(_num(part, "solve_time").where(ok, time_limit), TIME_SHIFT),
            }
        )
    out = pd.DataFrame(rows, columns=["settings", "problem_class", "solver", "problems", "success_pct", "time_sgm_ms"])
    if not len(out):
        return out.assign(time_vs_best=pd.Series(dtype=float))
    best = out.groupby(["settings", "problem_class"])["time_sgm_ms"].transform("min")
    out["time_vs_best"] = out["time_sgm_ms"] / best
    return out.sort_values(["settings", "problem_class", "time_sgm_ms"]).reset_index(drop=True)


def profile(frame: pd.DataFrame, metric: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Dolan-More performance profile of each solver on one settings' rows.

    ``metric`` "time" uses the solve time of successful solves; "error" the error against the
    truth of solved ones (floored at ``ERROR_FLOOR``). A problem a solver did not succeed on
    (or did not solve, for "error") has ratio infinity. Returns ``solver -> (tau, rho)``:
    the fraction ``rho`` of all problems on which the solver is within a factor ``tau`` of
    the best solver (a step function, ``tau`` sorted).
    """
    if metric == "time":
        value = _num(frame, "solve_time").where(succeeded(frame)).clip(lower=1e-9)
    else:
        value = _num(frame, "error").where(solved(frame)).clip(lower=ERROR_FLOOR)
    table = frame.assign(_v=value).pivot_table(index="problem", columns="solver", values="_v", aggfunc="min")
    problems = frame["problem"].unique()
    table = table.reindex(index=problems, columns=sorted(frame["solver"].unique()))
    ratios = table.div(table.min(axis=1), axis=0).fillna(np.inf)
    out = {}
    for solver in ratios.columns:
        r = np.sort(ratios[solver].to_numpy())
        finite = r[np.isfinite(r)]
        rho = np.arange(1, len(finite) + 1) / len(problems)
        out[solver] = (finite, rho)
    return out


# ------------------------------------------------------------------------------------ findings
def _clip(text: str, limit: int) -> str:
    """``text`` cut at a word before ``limit`` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text.rstrip(".") + "."
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + " ..."


def _names(items: Any, limit: int = 6) -> str:
    items = list(dict.fromkeys(items))
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def findings(
    frame: pd.DataFrame, scale: pd.DataFrame | None = None, scale_slopes: pd.DataFrame | None = None
) -> list[str]:
    """What the report's data say, in sentences with problem and solver names."""
    out: list[str] = []
    if not len(frame):
        return ["No rows: nothing was run."]
    settings = list(dict.fromkeys(frame["settings"]))
    if not solved(frame).any():
        reasons = frame.groupby("status")["problem"].count().to_dict()
        return [f"No solve returned a solution ({', '.join(f'{k}: {v}' for k, v in reasons.items())})."]
    demanding = next((s for s in ("high", "tight", "default", "low") if s in settings), settings[0])
    part = frame[frame["settings"] == demanding]
    for cls, rows in part.groupby("problem_class", sort=True):
        n_prob = rows["problem"].nunique()
        full = rows.groupby("solver").filter(lambda g, n=n_prob: bool(succeeded(g).all()) and len(g) == n)
        if not len(full):
            out.append(
                f"{cls} ({n_prob} problems, {demanding} settings): no solver succeeded on all of them "
                f"(bar {SUCCESS_BAR.get(demanding, math.nan):g})."
            )
            continue
        err = full.groupby("solver")["error"].apply(lambda s: sgm(s, RESIDUAL_SHIFT)).sort_values()
        fast = full.groupby("solver")["solve_time"].apply(lambda s: sgm(s, TIME_SHIFT)).sort_values()
        out.append(
            f"{cls} ({n_prob} problems, {demanding} settings): {len(err)} solver(s) succeed on all; most accurate "
            f"{err.index[0]} (error sgm {err.iloc[0]:.1e}), fastest {fast.index[0]} "
            f"({1e3 * fast.iloc[0]:.2g} ms sgm solve time)."
        )
    for setting in settings:
        rows = frame[(frame["settings"] == setting) & solved(frame) & ~succeeded(frame)]
        parts = []
        for solver, g in rows.groupby("solver", sort=True):
            err = _num(g, "error")
            worst = g.loc[err.idxmax()] if err.notna().any() else g.iloc[0]
            where = _names(g["problem"], 3)
            parts.append(f"{solver} on {len(g)} ({where}; worst {worst['error']:.1e} on {worst['problem']})")
        if parts:
            bar = SUCCESS_BAR.get(setting, SUCCESS_BAR["default"])
            out.append(f"At {setting} settings these answers miss the {bar:g} bar: " + "; ".join(parts) + ".")
    wrong = frame[(frame["status"] == "optimal") & (_num(frame, "error") > 1e-2)]
    for solver, g in wrong.groupby("solver", sort=True):
        out.append(
            f"{solver} reports status 'optimal' with a wrong answer (error above 1e-2) on {_names(g['problem'])} "
            f"({_names(g['settings'])}): a status is not a certificate."
        )
    failed = frame[~solved(frame) & ~frame["status"].isin(("unsupported", "not_installed"))]
    for (solver, status), g in failed.groupby(["solver", "status"], sort=True):
        msg = next((m for m in g["message"].astype(object).fillna("").astype(str) if m), "")
        out.append(
            f"{solver} returns no solution ({status}) on {_names(g['problem'])} ({_names(g['settings'])})"
            + (f": {_clip(msg, 160)}" if msg else ".")
        )
    refused = frame[frame["status"] == "unsupported"]
    if len(refused):
        by = refused.groupby("solver")["problem_class"].agg(lambda s: _names(sorted(set(s))))
        out.append(
            "Not every solver takes every cone: "
            + "; ".join(f"{s} refuses {c}" for s, c in by.items())
            + " (each such pair is a row with status 'unsupported')."
        )
    flagged = frame.drop_duplicates("problem")
    flagged = flagged[flagged["dual_note"].astype(object).fillna("").astype(str).str.len() > 0]
    if len(flagged):
        out.append(
            f"The multiplier is not unique on {_names(flagged['problem'], 10)} (the optimal value has a kink in t), "
            "so no solver's multiplier is wrong there: those multiplier errors are shown but left out of the "
            "summary."
        )
    if scale is not None and len(scale):
        out += _scaling_findings(scale, scale_slopes)
    return out


def _scaling_findings(scale: pd.DataFrame, scale_slopes: pd.DataFrame | None) -> list[str]:
    out = []
    for family, g in scale.groupby("family", sort=False):
        d = int(g["d"].max())
        top = g[(g["d"] == d) & solved(g)].sort_values("solve_time")
        if not len(top):
            continue
        first = top.iloc[0]
        text = (
            f"Scaling, {family}: at d = {d} (n = {2 * d}) the fastest is {first['solver']} "
            f"({first['solve_time']:.3g} s)"
        )
        if scale_slopes is not None and len(scale_slopes):
            sl = scale_slopes[(scale_slopes["family"] == family) & scale_slopes["slope"].notna()]
            if len(sl):
                lo, hi = sl.loc[sl["slope"].idxmin()], sl.loc[sl["slope"].idxmax()]
                text += (
                    f"; solve time grows like d^{lo['slope']:.1f} ({lo['solver']}) to d^{hi['slope']:.1f} "
                    f"({hi['solver']})"
                )
        out.append(text + ".")
    return out
