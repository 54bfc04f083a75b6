"""The solver comparison report: findings first, qpbenchmark-style summaries per settings,
performance profiles, the scaling section, then every (problem, solver, settings) row.

``write(frame, path)`` picks the format by suffix: ``.md`` (Markdown, HTML escaped), ``.csv``
or ``.html`` (one self-contained file: tables, embedded PNG figures, all text escaped).
``write_report(frame, directory, scale=...)`` writes all three plus the figures as PNG files.
The columns, metrics and figures are explained in ``docs/reports.md``.
"""

from __future__ import annotations

import base64
import html
import math
import os
import platform
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cvxreg._atomic import write_bytes_atomic, write_csv_atomic, write_text_atomic
from cvxreg._report_stats import RESIDUAL_SHIFT, TIME_SHIFT, class_summary, findings, solved
from cvxreg._report_stats import summary as _summary
from cvxreg._validation import check_choice, invalid
from cvxreg.solvers import SETTINGS, SUCCESS_BAR, solver_versions
from cvxreg.timing import MIN_TIME, REPEAT

__all__ = ["accuracy", "environment", "figures", "findings", "summary", "write", "write_report"]

#: Seconds a failed solve counts for in the time summary when no time limit is given.
DEFAULT_TIME_LIMIT = 10.0


def accuracy(frame: pd.DataFrame) -> pd.Series:
    """Per row: the error against the truth (``error``) for solved rows, ``inf`` otherwise."""
    err = pd.to_numeric(frame["error"], errors="coerce").fillna(np.inf)
    return err.where(solved(frame), np.inf)


def summary(frame: pd.DataFrame, time_limit: float = DEFAULT_TIME_LIMIT) -> pd.DataFrame:
    """One row per settings and solver: success rate, shifted geometric means of time and of
    the residuals, the worst unique multiplier's error, failures. See ``docs/reports.md``."""
    return _summary(frame, time_limit)


def environment(solvers: list[str] | None = None, command: str | None = None) -> dict[str, str]:
    """What a reader needs to repeat the run: the date, the command that ran it (``command``, as
    ``cvxreg report`` passes it), cvxreg and the versions it runs on, the BLAS, the CPU and each solver's version."""
    import datetime
    from importlib.metadata import PackageNotFoundError, version

    import cvxpy
    import scipy

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            model = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
        cpu = model or cpu
    except OSError:
        pass
    try:
        cvxreg_version = version("cvxreg-lab")
    except PackageNotFoundError:
        cvxreg_version = "?"
    env = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": command or "not given (written from Python)",
        "cvxreg": cvxreg_version,
        "Python": sys.version.split()[0],
        "cvxpy": cvxpy.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "BLAS": _blas(),
        "platform": platform.platform(),
        "CPU": f"{cpu} ({os.cpu_count()} cores visible)",
    }
    env.update({f"solver {k}": v for k, v in solver_versions(solvers).items()})
    for tool in ("scikit-learn", "celer"):  # the specialist tools of the real sizes
        try:
            env[tool] = version(tool)
        except PackageNotFoundError:
            env[tool] = "not installed"
    return env


def _blas() -> str:
    """NumPy's BLAS: its name and version as NumPy was built with it."""
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except (KeyError, TypeError, ValueError):
        return "?"
    return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()


def figures(
    frame: pd.DataFrame,
    directory: str | os.PathLike[str] | None = None,
    scale: pd.DataFrame | None = None,
    work: pd.DataFrame | None = None,
) -> dict[str, bytes]:
    """The report's figures as PNG bytes by name (and files in ``directory`` when given):
    a status matrix per settings, performance profiles of time and of error, error against
    solve time, multiplier errors, (with ``scale``) solve time against size and (with ``work``,
    a ``cvxreg.workloads`` frame) error against time at real sizes."""
    from cvxreg._report_figures import report_figures
    from cvxreg.scaling import slopes

    out = report_figures(frame, scale, slopes(scale) if scale is not None else None, work)
    if directory is not None:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for name, data in out.items():
            write_bytes_atomic(Path(directory, f"{name}.png"), data)
    return out


# -------------------------------------------------------------------------------------- tables
_HEADERS = {
    "success_pct": "success %",
    "success_of_supported_pct": "success % of supported",
    "time_sgm_ms": "time sgm (ms)",
    "time_vs_best": "time vs best",
    "time_sgm_supported_ms": "time sgm, supported only (ms)",
    "error_sgm": "error sgm",
    "primal_residual_sgm": "primal res. sgm",
    "dual_residual_sgm": "dual res. sgm",
    "duality_gap_sgm": "gap sgm",
    "dual_error_max": "worst multiplier error",
    "dual_flagged": "multipliers not unique",
    "solve_ms": "solve (ms)",
    "compile_ms": "compile (ms)",
    "kkt_residual": "dual residual",
    "time_at_largest": "time at largest d (s)",
}


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating):
        return f"{value:.3g}"
    return str(value)


def _display(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns=lambda c: _HEADERS.get(c, c.replace("_", " ")))


def _markdown_table(frame: pd.DataFrame) -> str:
    frame = _display(frame)

    def cell(v: Any) -> str:
        return _md(_fmt(v)).replace("|", "\\|").replace("\n", " ")

    head = "| " + " | ".join(cell(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _align(value: Any) -> str:
    return " class='text'" if isinstance(value, str) and len(value) > 12 else ""


def _html_table(frame: pd.DataFrame) -> str:
    frame = _display(frame)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td{_align(v)}>{html.escape(_fmt(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<div class='wide'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


_DETAIL = [
    "solver",
    "settings",
    "status",
    "success",
    "error",
    "objective_gap",
    "coef_error",
    "dual_error",
    "primal_residual",
    "kkt_residual",
    "duality_gap",
    "support_match",
    "solve_ms",
    "runs",
    "time_iqr",
    "compile_ms",
    "iterations",
    "message",
]
_NOT_RUN = ("unsupported", "not_installed")


def _detail(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of one problem that ran (the others are ``_not_run``'s one line)."""
    rows = rows[~rows["status"].isin(_NOT_RUN)]
    rows = rows.assign(
        solve_ms=1e3 * pd.to_numeric(rows["solve_time"], errors="coerce"),
        compile_ms=1e3 * pd.to_numeric(rows["setup_time"], errors="coerce"),
    )
    out = rows.reindex(columns=_DETAIL)
    if not out["message"].astype(object).fillna("").astype(str).str.len().any():
        out = out.drop(columns="message")
    return out


def _not_run(rows: pd.DataFrame) -> str:
    """One sentence for the solvers that did not run on a problem: the refusals (with the
    solvers that can take it) and the solvers not installed."""
    out = []
    refused = rows[rows["status"] == "unsupported"]
    if len(refused):
        names = ", ".join(dict.fromkeys(refused["solver"].astype(str)))
        message = next((m for m in refused["message"].astype(object).fillna("").astype(str) if m), "")
        can = message.split("installed solvers that can: ", 1)[1] if "installed solvers that can: " in message else ""
        cls = str(rows["problem_class"].iloc[0] or "conic")
        tail = f" (installed solvers that can: {can})." if can else "."
        out.append(f"Cannot take this {cls} model: {names}{tail}")
    missing = rows[rows["status"] == "not_installed"]
    if len(missing):
        out.append("Not installed: " + ", ".join(dict.fromkeys(missing["solver"].astype(str))) + ".")
    return " ".join(out)


def _settings_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Each solver's options under each settings (columns), with the settings' success bar."""
    table: dict[str, dict[str, str]] = {}
    for setting in dict.fromkeys(frame["settings"]):
        opts = SETTINGS.get(setting, {})
        bar = SUCCESS_BAR.get(setting)
        column = f"{setting} (bar {bar:g})" if bar is not None else setting
        for solver in sorted(frame["solver"].unique()):
            given = opts.get(str(solver).upper(), {})
            text = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in given.items())
            if not text:
                text = "its defaults" if setting == "default" else "its defaults (no tolerance options known)"
            table.setdefault(solver, {})[column] = text
    out = pd.DataFrame.from_dict(table, orient="index")
    return out.rename_axis("solver").reset_index()


# -------------------------------------------------------------------------------------- writers
_TITLE = "cvxreg solver comparison"
_CAPTIONS = {
    "profile_time": "Performance profiles of solve time: the fraction of problems on which each solver succeeds "
    "within a factor tau of the fastest successful solver. Higher and further left is better; the right end is "
    "the solver's success rate.",
    "profile_error": "Performance profiles of the error against the truth (a solved problem counts, success or "
    "not): within a factor tau of the most accurate answer.",
    "error_vs_time": "Error against the truth versus the solver's own solve time, per settings; the dashed line "
    "is the settings' success bar.",
    "dual_error": "Multiplier errors against the truth (the constrained form's multiplier, or for a penalized "
    "problem the multiplier of its constrained twin at t = R(w*), which must equal lam). Hollow: the multiplier "
    "is not unique there, so any value between the one-sided slopes is right.",
    "accuracy_vs_time": "Real sizes: error against the truth versus the seconds a user waits (compile plus solve for "
    "a CVXPY solver, dashed; the whole fit for a specialist tool, solid), one line through each tool's settings or "
    "tolerances, at the largest size where both kinds returned a solution; the dotted line is 1e-6; errors below "
    "1e-10 are drawn at 1e-10 (the truth's own route sits there). Down and left is better.",
    "scaling": "Solve time against the number of features on generated problems (n = 2d); the slope of the "
    "least-squares fit on log-log axes is in the legend.",
}


def _intro(frame: pd.DataFrame, time_limit: float) -> list[str]:
    n_prob, n_solv = frame["problem"].nunique(), frame["solver"].nunique()
    settings = list(dict.fromkeys(frame["settings"]))
    refs = ", ".join(sorted(frame["reference"].dropna().astype(str).unique()))
    bars = ", ".join(f"{s} {SUCCESS_BAR[s]:g}" for s in settings if s in SUCCESS_BAR)
    return [
        f"{n_prob} problems x {n_solv} solvers x {len(settings)} settings ({', '.join(settings)}) = {len(frame)} "
        f"rows: every pair is a row, whatever happened (unsupported, failed, timed out), with the reason.",
        f"A solve is a success when it returns a solution whose error against the truth (the larger of the "
        f"relative objective error and the coefficient error relative to max(1, |w*|)) and whose primal residual "
        f"are within the settings' bar ({bars}). Truth: {refs}.",
        f"A time is the median of repeated runs of the solver's own call on the data CVXPY compiled (at least "
        f"{REPEAT} runs and {MIN_TIME:g} s in all, so a solve of microseconds is measured, not sampled once; "
        f"a solve of {MIN_TIME:g} s or more is timed once, by the solver's own report; "
        f"'runs' and 'time iqr', the interquartile range over the median, say how many and how steady); "
        f"CVXPY's compile time is reported apart ('compile'). Shifted "
        f"geometric means use a shift of {1e3 * TIME_SHIFT:g} ms for times, over every problem of the settings "
        f"(one set for all solvers; a failure or an unsupported problem counts the time limit, {time_limit:g} s), "
        f"and {RESIDUAL_SHIFT:g} for residuals and errors; 'time vs best' divides by the fastest solver's, on "
        f"those same problems ('time sgm, supported only' is not comparable between solvers). Each row scores "
        f"the solver's raw answer (never polished). Clarabel runs on one thread in the isolated solver process "
        f"(its thread pool does not survive fork).",
    ]


def _class_table(classes: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """One row per solver, one column per problem class: "time (x vs best, success %)"."""
    taken = rows[~rows["status"].isin(_NOT_RUN)].groupby(["problem_class", "solver"]).size()
    table: dict[str, dict[str, str]] = {}
    for r in classes.itertuples(index=False):
        column = f"{r.problem_class} ({r.problems})"
        cell = f"{r.time_sgm_ms:.3g} (x{r.time_vs_best:.3g}, {r.success_pct:.0f}%)"
        table.setdefault(str(r.solver), {})[column] = cell if (r.problem_class, r.solver) in taken.index else "-"
    out = pd.DataFrame.from_dict(table, orient="index")
    return out.sort_index().rename_axis("solver").reset_index()


def _sections(
    frame: pd.DataFrame,
    scale: pd.DataFrame | None,
    time_limit: float,
    observed: list[str],
    command: str | None,
    work: pd.DataFrame | None = None,
) -> list[tuple[str, Any]]:
    """The report as (kind, content) pairs that the Markdown and HTML writers render."""
    from cvxreg.scaling import slopes

    fitted = slopes(scale) if scale is not None else None
    out: list[tuple[str, Any]] = [("h1", _TITLE)]
    out += [("p", text) for text in _intro(frame, time_limit)]
    out.append(("toc", None))
    found = findings(frame, scale, fitted) + list(observed)
    if work is not None and len(work):
        from cvxreg._report_workloads import workload_findings

        found += workload_findings(work)
    out += [("h2", "Findings"), ("ul", found)]
    out.append(("h2", "Summary per settings"))
    table = summary(frame, time_limit)
    by_class = class_summary(frame, time_limit)
    for setting in dict.fromkeys(frame["settings"]):
        bar = SUCCESS_BAR.get(setting)
        n_prob = frame.loc[frame["settings"] == setting, "problem"].nunique()
        out.append(("h3", f"'{setting}' settings" + (f" (success bar {bar:g})" if bar else "")))
        out.append(("p", f"Over all {n_prob} problems at these settings, one set for every solver (a problem not "
                         f"solved with success, or not supported, counts the time limit, {time_limit:g} s); "
                         f"'supported only' columns over each solver's own problems."))  # fmt: skip
        out.append(("table", table[table["settings"] == setting].drop(columns="settings")))
        classes = by_class[by_class["settings"] == setting]
        out.append(("p", "Per problem class, over the class's problems shared by every solver: time sgm in ms, "
                         "its ratio to the best solver's on the class, and the success rate; '-' where the "
                         "solver takes none of the class's problems."))  # fmt: skip
        out.append(("table", _class_table(classes, frame[frame["settings"] == setting])))
    out += [("h2", "Figures"), ("figures", [n for n in ("profile_time", "profile_error", "error_vs_time")])]
    out.append(("figures", [f"status_{s}" for s in dict.fromkeys(frame["settings"])] + ["dual_error"]))
    if scale is not None and len(scale):
        out += [("h2", "Scaling"), ("table", fitted), ("figures", ["scaling"])]
    if work is not None and len(work):
        from cvxreg._report_workloads import workload_sections
        from cvxreg.workloads import WORKLOADS

        described = {w.name: f"{w.description} ({w.source})" for w in WORKLOADS.values()}
        out += workload_sections(work, described)
    failed = frame[~solved(frame) & ~frame["status"].isin(("unsupported", "not_installed"))]
    if len(failed):
        out += [("h2", "Failures"), ("table", failed[["problem", "solver", "settings", "status", "message"]])]
    out.append(("h2", "Per problem"))
    for problem, rows in frame.groupby("problem", sort=False):
        first = rows.iloc[0]
        head = f"{problem} - {first['problem_class']}, truth: {first['reference']}"
        note = str(first["dual_note"]) if isinstance(first["dual_note"], str) and first["dual_note"] else ""
        notes = " ".join(x for x in ("Multiplier " + note if note else "", _not_run(rows)) if x)
        out.append(("details", (head, notes, _detail(rows))))
    out += [("h2", "Settings and tolerances"), ("table", _settings_table(frame))]
    env = environment(sorted(frame["solver"].unique()), command)
    out += [("h2", "Environment"), ("table", pd.DataFrame({"item": list(env), "version": list(env.values())}))]
    return out


def _slug(text: str, seen: dict[str, int]) -> str:
    """A heading's anchor as GitHub makes it (lower case, punctuation dropped, spaces to
    hyphens; a repeated one gets ``-1``, ``-2``), so the Markdown's links work there too."""
    base = "".join(c for c in text.lower() if c.isalnum() or c in " -_").replace(" ", "-")
    n = seen.get(base, 0)
    seen[base] = n + 1
    return base if n == 0 else f"{base}-{n}"


def _anchored(sections: list[tuple[str, Any]]) -> list[tuple[str, Any, str]]:
    """The sections with an anchor for each heading ("" for the rest)."""
    seen: dict[str, int] = {}
    return [(kind, content, _slug(content, seen) if kind in ("h2", "h3") else "") for kind, content in sections]


def _contents(anchored: list[tuple[str, Any, str]]) -> list[tuple[int, str, str]]:
    """(depth, title, anchor) of each section and subsection."""
    return [(int(kind[1]) - 2, content, anchor) for kind, content, anchor in anchored if anchor]


def _md(text: Any) -> str:
    """Text as Markdown shows it: no HTML entities; a ``<`` that could open a tag escaped."""
    return str(text).replace("<", "\\<")


def _markdown(sections: list[tuple[str, Any]], names: set[str]) -> str:
    lines: list[str] = []
    anchored = _anchored(sections)
    for kind, content, _anchor in anchored:
        if kind in ("h1", "h2", "h3"):
            lines += ["#" * int(kind[1]) + " " + _md(content), ""]
        elif kind == "toc":
            lines += [f"{'  ' * depth}- [{_md(title)}](#{anchor})" for depth, title, anchor in _contents(anchored)]
            lines.append("")
        elif kind == "p":
            lines += [_md(content), ""]
        elif kind == "ul":
            lines += [f"- {_md(item)}" for item in content] + [""]
        elif kind == "table":
            lines += [_markdown_table(content), ""]
        elif kind == "figures":
            lines += [f"![{n}](figures/{n}.png)" for n in content if n in names] + [""]
        elif kind == "details":
            head, note, table = content
            lines += [f"#### {_md(head)}", ""] + ([_md(note), ""] if note else [])
            lines += [_markdown_table(table), ""] if len(table) else []
    return "\n".join(lines)


_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:1.5em 2em;line-height:1.4}"
    "table{border-collapse:collapse;font-size:13px;margin:0.4em 0 1.2em}"
    "td,th{border:1px solid #ccc;padding:2px 7px;text-align:right;white-space:nowrap}"
    "th{background:#eef;white-space:normal;vertical-align:bottom}div.wide{overflow-x:auto}"
    "td:first-child,th:first-child{text-align:left}td.text{text-align:left;white-space:normal;min-width:14em}"
    "figure{margin:0 0 1.6em 0}"
    "img{max-width:100%;height:auto;border:1px solid #ddd}figcaption{max-width:70em;color:#333}"
    "details{margin:0.3em 0}summary{cursor:pointer;font-weight:600}ul li{margin:0.3em 0;max-width:80em}"
    "nav{background:#f6f6fa;border:1px solid #dde;padding:0.5em 1em;margin:1em 0;max-width:40em}"
    "ul.toc{margin:0.3em 0;padding-left:1.2em}ul.toc li{margin:0.1em 0}ul.toc li.d1{margin-left:1.4em}"
)


def _html(sections: list[tuple[str, Any]], pngs: dict[str, bytes] | None) -> str:
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(_TITLE)}</title>"]
    parts.append(f"<style>{_STYLE}</style></head><body>")
    anchored = _anchored(sections)
    for kind, content, anchor in anchored:
        if kind in ("h1", "h2", "h3"):
            ident = f" id='{anchor}'" if anchor else ""
            parts.append(f"<{kind}{ident}>{html.escape(content)}</{kind}>")
        elif kind == "toc":
            parts.append("<nav><b>Contents</b><ul class='toc'>")
            for depth, title, link in _contents(anchored):
                parts.append(f"<li class='d{depth}'><a href='#{link}'>{html.escape(title)}</a></li>")
            parts.append("</ul></nav>")
        elif kind == "p":
            parts.append(f"<p>{html.escape(content)}</p>")
        elif kind == "ul":
            parts.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in content) + "</ul>")
        elif kind == "table":
            parts.append(_html_table(content))
        elif kind == "figures":
            if pngs is None:
                parts.append("<p>Figures need matplotlib (install the 'plot' extra).</p>")
                continue
            for name in content:
                if name not in pngs:
                    continue
                b64 = base64.b64encode(pngs[name]).decode("ascii")
                cap = _CAPTIONS.get(name, f"Outcome per problem and solver at '{name[7:]}' settings.")
                parts.append(
                    f"<figure><img alt='{html.escape(name)}' src='data:image/png;base64,{b64}'>"
                    f"<figcaption>{html.escape(cap)}</figcaption></figure>"
                )
        elif kind == "details":
            head, note, table = content
            extra = f"<p>{html.escape(note)}</p>" if note else ""
            body = _html_table(table) if len(table) else ""
            parts.append(f"<details><summary>{html.escape(head)}</summary>{extra}{body}</details>")
    parts.append("</body></html>")
    return "".join(parts)


def _maybe_figures(
    frame: pd.DataFrame,
    scale: pd.DataFrame | None,
    directory: str | os.PathLike[str] | None = None,
    work: pd.DataFrame | None = None,
) -> dict[str, bytes] | None:
    try:
        return figures(frame, directory, scale, work)
    except ImportError:
        return None


#: The columns a report reads; a frame without them is not a comparison frame.
_NEEDED = ("problem", "solver", "settings", "status", "success", "error", "solve_time")


def _check_frame(frame: Any, owner: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise invalid("frame", owner, "a pandas DataFrame from compare_solvers or benchmark", frame)
    missing = [c for c in _NEEDED if c not in frame.columns]
    if missing:
        allowed = "a frame from compare_solvers or benchmark (columns cvxreg.compare.COLUMNS)"
        raise invalid("frame", owner, allowed, f"a frame without the columns {missing}", raw=True)


def _all_columns(frame: pd.DataFrame) -> list[str]:
    """Every comparison column (missing ones empty: a frame written before a column existed)."""
    from cvxreg.compare import COLUMNS

    return list(COLUMNS) + [c for c in frame.columns if c not in COLUMNS]


def write(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    scale: pd.DataFrame | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    observed: list[str] | None = None,
    command: str | None = None,
) -> Path:
    """Write a comparison frame; the format follows the suffix: ``.md``, ``.csv`` or ``.html``.
    ``observed``: sentences added to the findings (e.g. ``epigraph_probe``'s); ``command``: the
    command line, for the environment table."""
    _check_frame(frame, "report.write")
    frame = frame.reindex(columns=_all_columns(frame))
    path = Path(path)
    suffix = check_choice(path.suffix.lower(), "path", "report.write (its suffix)", (".md", ".csv", ".html"))
    if suffix == ".csv":
        write_csv_atomic(frame, path)
    elif suffix == ".md":
        pngs = _maybe_figures(frame, scale) or {}
        write_text_atomic(path, _markdown(_sections(frame, scale, time_limit, observed or [], command), set(pngs)))
    else:
        sections = _sections(frame, scale, time_limit, observed or [], command)
        write_text_atomic(path, _html(sections, _maybe_figures(frame, scale)))
    return path


def write_report(
    frame: pd.DataFrame,
    directory: str | os.PathLike[str],
    *,
    scale: pd.DataFrame | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    observed: list[str] | None = None,
    command: str | None = None,
    work: pd.DataFrame | None = None,
) -> dict[str, Path]:
    """Write ``report.md``, ``report.html``, ``results.csv``, ``scaling.csv`` (with ``scale``),
    ``workloads.csv`` (with ``work``, a ``cvxreg.workloads.run_workloads`` frame: the section
    on real sizes) and ``figures/*.png`` into ``directory``; returns the paths by name.
    ``observed``: sentences added to the findings; ``command``: the command line, for the
    environment table."""
    _check_frame(frame, "report.write_report")
    frame = frame.reindex(columns=_all_columns(frame))
    d = Path(directory)
    (d / "figures").mkdir(parents=True, exist_ok=True)
    pngs = _maybe_figures(frame, scale, d / "figures", work)
    paths = {"csv": d / "results.csv", "md": d / "report.md", "html": d / "report.html"}
    write_csv_atomic(frame, paths["csv"])  # each file whole or not at all, names safe in a spreadsheet
    if scale is not None:
        paths["scaling_csv"] = d / "scaling.csv"
        write_csv_atomic(scale, paths["scaling_csv"])
    if work is not None:
        paths["workloads_csv"] = d / "workloads.csv"
        write_csv_atomic(work, paths["workloads_csv"])
    sections = _sections(frame, scale, time_limit, observed or [], command, work)  # once for both formats
    write_text_atomic(paths["md"], _markdown(sections, set(pngs or {})))
    write_text_atomic(paths["html"], _html(sections, pngs))
    for name in pngs or {}:
        paths[name] = d / "figures" / f"{name}.png"
    return paths
