"""The ``cvxreg`` command line. ``main(argv)`` returns the exit code.

Exit codes: 0 success; 1 a check failed (``check``, or ``report --strict`` when a solver
missed its accuracy bar); 2 bad usage, unusable input, or an environment that cannot do the
job (a requested solver that is not installed or cannot take the problem). Errors are one
line on stderr, never a traceback. Wherever a problem file is asked for, the id of a bundled
problem works too (``cvxreg list``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    """A worked example of the core: lasso penalized, then constrained at t = R(w*)."""
    import cvxreg as cr

    rng = np.random.default_rng(args.seed)
    X = rng.standard_normal((40, 6))
    y = X @ np.array([3.0, -2.0, 0.0, 0.0, 1.5, 0.0]) + 0.5 * rng.standard_normal(40)
    lam = 5.0
    pen = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=lam))
    res = pen.solve(X, y, solver=args.solver)
    print(f"{pen!r}\n  -> {res.status} by {res.solver}, objective {res.objective:.6f}")
    print(f"  coef = {np.round(res.coef, 4)}")
    t = cr.L1().value(res.coef)
    con = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(t=t))
    res2 = con.solve(X, y, solver=args.solver)
    print(f"{con!r}\n  -> {res2.status}, multiplier mu = {res2.dual:.6f} (lam = {lam})")
    print(f"  max |coef difference| = {np.max(np.abs(res.coef - res2.coef)):.2e}")
    try:
        cr.Problem(cr.SquaredLoss(), cr.Lp(0.5), cr.Penalized(lam=1.0))
    except cr.DCPError as exc:
        print(f"Lp(0.5) is refused:\n  {exc}")
    return 0


def _cases(paths: Sequence[str]) -> list[Any]:
    """Benchmark cases from problem files (or folders of them); default: the bundled library."""
    from cvxreg.benchmark import Case, builtin_cases
    from cvxreg.errors import CvxregError
    from cvxreg.exercises import bundled_files, load

    files: list[Path] = []
    for p in paths:
        path = Path(p)
        files += sorted(path.glob("*.toml")) if path.is_dir() else [path]
    if not paths:
        files = bundled_files()
        if not files:
            return builtin_cases()
    cases = []
    for f in files:
        try:
            ex = load(f)
        except CvxregError as exc:  # one bad file is skipped, by name, not the whole folder
            print(f"cvxreg: skipped {f}: {exc}", file=sys.stderr)
            continue
        if ex.problem is None or ex.expected.outcome == "no_minimizer":
            continue  # refused (not convex) or without a minimizer: there is no answer to compare solvers on
        known = ex.expected_result()  # the file's answer, from an independent source, is the truth
        cases.append(
            Case(
                ex.id,
                ex.problem,
                ex.X,
                ex.y,
                ex.sample_weight,
                description=ex.title,
                source=ex.source,
                reference=known,
                reference_label="problem file",
                unique=ex.expected.unique,
            )
        )
    return cases


def _solvers(names: Sequence[str] | None, owner: str, option: str = "--solvers") -> list[str] | None:
    """Requested solver names, upper case, each installed; else a one-line usage error."""
    from cvxreg._validation import invalid
    from cvxreg.solvers import installed_solvers

    installed = installed_solvers()
    if not installed:
        raise invalid(option, owner, "an installed CVXPY solver; none is installed", "nothing", raw=True)
    if names is None:
        return None
    upper = [str(n).upper() for n in names]
    missing = [n for n in upper if n not in installed]
    if missing:
        raise invalid(option, owner, "installed solvers: " + ", ".join(installed), ", ".join(missing), raw=True)
    return upper


def _report(args: argparse.Namespace) -> int:
    from cvxreg._validation import check_real
    from cvxreg.store import StoreError, downgrade, lock_folder

    solvers = _solvers(args.solvers, "cvxreg report")
    if args.strict:
        check_real(args.bar, "--bar", "cvxreg report", lo=0.0, lo_open=True)
    cases = _cases(args.problems)
    if args.sizes:  # checked now, not after the whole benchmark has run
        from cvxreg.scaling import checked_args

        checked_args(args.families, args.sizes, "cvxreg report")
    check_real(args.workload_budget, "--workload-budget", "cvxreg report", lo=0.0, lo_open=True)
    out = Path(args.out)
    csv_path = out / "results.csv"
    lock = None
    try:
        out.mkdir(parents=True, exist_ok=True)
        lock = lock_folder(out, fresh=not args.resume)  # held until the report is written
        if not args.resume:  # a fresh run: forget the rows of the last one
            for old in (csv_path, out / "results.sqlite", out / "results.sqlite-wal", out / "results.sqlite-shm"):
                old.unlink(missing_ok=True)
            downgrade(lock)
        probe = out / ".cvxreg-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except StoreError as exc:  # another report holds the folder
        print(f"cvxreg: error: --out {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        if lock is not None:
            lock.close()
        print(f"cvxreg: error: --out {out}: cannot write there ({exc.strerror or exc})", file=sys.stderr)
        return 2
    try:
        return _report_in(args, solvers, cases, out, csv_path)
    finally:
        if lock is not None:
            lock.close()


def _report_in(args: argparse.Namespace, solvers: Any, cases: Any, out: Path, csv_path: Path) -> int:
    """``cvxreg report`` once its folder is held: the benchmark, the scaling, the files."""
    from cvxreg import report
    from cvxreg.benchmark import benchmark
    from cvxreg.workloads import WORKLOADS

    print(
        f"cvxreg report: {len(cases)} problems x {len(solvers or report_solvers())} solvers x settings "
        f"{', '.join(args.settings)}, {args.jobs} job(s); timeout {args.timeout:g} s per solve",
        flush=True,
    )
    frame = benchmark(
        cases, solvers, settings=args.settings, n_jobs=args.jobs, out=csv_path, timeout=args.timeout, wait=args.wait
    )
    scale = None
    if args.sizes:
        from cvxreg.scaling import scaling

        print(f"cvxreg report: scaling {', '.join(args.families)} at d = {args.sizes}", flush=True)
        scale = scaling(args.families, args.sizes, solvers, budget=args.budget, timeout=args.timeout)
    work = None
    if args.workloads is None:  # the whole report when it is run on the bundled library
        args.workloads = [] if args.problems else list(WORKLOADS)
    if args.workloads:
        from cvxreg.workloads import run_workloads

        print(f"cvxreg report: real sizes {', '.join(args.workloads)}", flush=True)
        work = run_workloads(args.workloads, solvers, budget=args.workload_budget, timeout=5 * args.workload_budget,
                             progress=lambda line: print(f"cvxreg report: {line}", flush=True))  # fmt: skip
    from cvxreg._report_probes import epigraph_probe

    observed = epigraph_probe(solvers, timeout=args.timeout)
    try:
        paths = report.write_report(frame, out, scale=scale, time_limit=args.timeout, observed=observed,
                                    command=args.command_line, work=work)  # fmt: skip
    except OSError as exc:
        print(f"cvxreg: error: --out {out}: the report could not be written ({exc.strerror or exc})", file=sys.stderr)
        return 2
    if "store_error" in frame.attrs:
        print(f"cvxreg: warning: {frame.attrs['store_error']}", file=sys.stderr)
    table = report.summary(frame, args.timeout)
    cols = ["settings", "solver", "supported", "success_pct", "time_sgm_ms", "error_sgm", "failures"]
    if len(table):
        print(table[cols].to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    for kind, path in paths.items():
        print(f"wrote {kind}: {path}")
    tried = ~frame["status"].isin(("unsupported", "not_installed"))
    if len(frame) and not tried.any():
        names = ", ".join(sorted(frame["solver"].unique()))
        print(
            f"cvxreg: error: none of the solvers ({names}) could take any of the problems; "
            f"results.csv names the solvers that can",
            file=sys.stderr,
        )
        return 2
    if args.strict:
        acc = report.accuracy(frame)
        missed = frame[tried & (acc > args.bar)]
        if len(missed):
            print(f"--strict: {len(missed)} solve(s) missed the accuracy bar {args.bar:g}", file=sys.stderr)
            return 1
    return 0


def report_solvers() -> list[str]:
    from cvxreg.compare import default_solvers

    return default_solvers()


def _compare(args: argparse.Namespace) -> int:

    from cvxreg.compare import compare_solvers
    from cvxreg.exercises import load

    solvers = _solvers(args.solvers, "cvxreg compare")
    ex = load(args.file)
    if ex.problem is None:
        print(f"{ex.id}: the problem is refused, nothing to compare:\n  {ex.rejection}")
        return 0
    frame = compare_solvers(
        ex.problem,
        ex.X,
        ex.y,
        sample_weight=ex.sample_weight,
        solvers=solvers,
        settings=args.settings,
        timeout=args.timeout,
        name=ex.id,
        reference=ex.expected_result(),  # the file's answer, from an independent source
        reference_label="problem file",
    )
    print(f"{ex.id}: {ex.title}\n{ex.problem!r}")
    print(_terminal_table(frame))
    return 0


def _terminal_table(frame: Any, width: int = 100) -> str:
    """A comparison for a terminal of ``width`` columns: the numbers a person reads first, in
    short formats, and each row's message below the table, wrapped."""
    import textwrap

    def sci(value: Any) -> str:
        return "" if value is None or value != value else f"{float(value):.1e}"

    head = f"{'solver':<9}{'settings':<9}{'status':<19}{'ok':<4}{'error':>9}{'dual err':>9}{'kkt':>9}" \
        f"{'time ms':>9}{'runs':>6}"  # fmt: skip
    lines = [head, "-" * len(head)]
    notes = []
    for row in frame.itertuples(index=False):
        ms = "" if row.solve_time != row.solve_time else f"{1e3 * float(row.solve_time):.3g}"
        runs = "" if not row.runs else str(int(row.runs))
        lines.append(
            f"{str(row.solver)[:8]:<9}{str(row.settings)[:8]:<9}{str(row.status)[:18]:<19}"
            f"{'yes' if row.success else 'no':<4}{sci(row.error):>9}{sci(row.dual_error):>9}"
            f"{sci(row.kkt_residual):>9}{ms:>9}{runs:>6}".rstrip()
        )
        if isinstance(row.message, str) and row.message:
            notes.append(textwrap.fill(f"{row.solver} ({row.settings}): {row.message}", width,
                                       subsequent_indent="    "))  # fmt: skip
    lines.append("time ms: the median of 'runs' runs of the solver's call; error against the file's answer")
    return "\n".join(lines + notes)


def _solve(args: argparse.Namespace) -> int:
    from cvxreg.compare import Facts
    from cvxreg.errors import NotSupportedError
    from cvxreg.exercises import load
    from cvxreg.solvers import capable_solvers, default_solver, model_class, solver_options

    solver = (_solvers([args.solver], "cvxreg solve", "--solver") or [None])[0] if args.solver else default_solver()
    ex = load(args.file)
    if ex.problem is None:
        if args.json:
            print(json.dumps({"exercise": ex.id, "rejected": True}))
        else:
            print(f"{ex.id}: {ex.title}\nrefused, as expected ({ex.expected.error}):\n  {ex.rejection}")
        return 0
    model = ex.problem.to_cvxpy(ex.X, ex.y, sample_weight=ex.sample_weight)
    if solver is not None:
        capable = capable_solvers(model)
        if solver not in capable:
            why = Facts(model_class(model), tuple(capable)).refusal(solver)
            raise NotSupportedError(f"{ex.id}: {why}.")
    opts = solver_options(solver, args.settings) if solver is not None else {}
    res = ex.solve(solver=solver, **opts)
    from cvxreg.quantities import answer_document

    expected_none = ex.expected.outcome == "no_minimizer" and res.status == "no_minimizer"
    if args.json:
        # The answer document, readable by `cvxreg check --answer`; the exit code says the status.
        doc = answer_document(ex, res, solver=solver, **opts)
        print(json.dumps(doc, allow_nan=False))
        return 0 if res.ok or expected_none else 1
    if expected_none:
        print(f"{ex.id}: {ex.title}\nno minimizer, as expected:\n  {res.message}")
        return 0
    print(f"{ex.id}: {ex.title}\nsource: {ex.source}\n{ex.problem!r}")
    print(
        f"solved by {res.solver} at '{args.settings}' settings, then polished and certified "
        f"(the Python API's Problem.solve uses the solver's defaults, then polishes): status {res.status}"
    )
    if not res.ok:
        print(f"no solution: {res.message}")
        return 1
    print(f"objective {res.objective:.10g}")
    if not ex.intercept_only:
        print(f"coef = {np.array2string(res.coef, precision=8, max_line_width=100)}")
    if ex.problem.fit_intercept:
        print(f"intercept = {res.intercept:.10g}")
    if res.dual is not None and np.ndim(res.dual):
        print(f"multipliers (one per term) = {np.round(res.dual, 10).tolist()}")
    elif res.dual is not None:
        print(f"multiplier = {res.dual:.10g}")
    for k, duals in enumerate(res.constraint_duals or ()):
        print(f"multipliers of constraint {k} ({ex.problem.constraints[k]!r}) = {np.round(duals, 10).tolist()}")
    cert = res.certificate
    if cert is not None:
        gap = "n/a" if cert.duality_gap is None else f"{cert.duality_gap:.2e}"
        print(
            f"certificate: KKT residual {cert.kkt_residual:.2e}, infeasibility {cert.primal_infeasibility:.2e}, "
            f"slackness {cert.complementary_slackness:.2e}, duality gap {gap}"
        )
    doc = answer_document(ex, res, solver=solver, **opts)  # the quantities the file asks for, too
    for key in ("lambda_max", "support", "signs", "df", "lower_dual", "upper_dual"):
        if key in doc:
            print(f"{key} = {doc[key]}")
    for point in doc.get("path", []):
        print(f"path: {', '.join(f'{k} = {v}' for k, v in point.items())}")
    verdict = ex.check(doc)
    print(f"agreement with the expected answer ({ex.expected.origin}):")
    print("\n".join(str(verdict).splitlines()[1:]))
    return 0 if verdict.passed else 1


def _plot(args: argparse.Namespace) -> int:
    from cvxreg import plot

    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".pdf", ".svg"):
        print(f"cvxreg: error: --out {out} must end in .png, .pdf or .svg", file=sys.stderr)
        return 2
    if args.figure == "balls":
        fig = plot.balls(args.p or plot.DEFAULT_PS, surface_p=args.surface)
    elif args.figure == "contours":
        fig = plot.contours(penalties=args.penalties or ["L1", "L2", 4.0], t=args.t, seed=args.seed)
    else:
        from cvxreg.exercises import load

        ex = load(args.problem)
        if ex.problem is None:
            print(f"cvxreg: error: {ex.id} is a refused problem: there is no path to draw", file=sys.stderr)
            return 2
        fig = plot.path(
            ex.problem, ex.X, ex.y, n_lams=args.n_lams, against=args.against, chosen=args.chosen,
            sample_weight=ex.sample_weight,
        )
    from cvxreg._atomic import write_atomic

    kind = Path(out).suffix[1:] or None  # the temporary name has no suffix to tell the format by
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out, lambda tmp: fig.savefig(tmp, dpi=args.dpi, bbox_inches="tight", format=kind))
    except OSError as exc:  # a folder in the path is a file, a read-only folder, a full disk
        print(f"cvxreg: error: --out {out}: cannot write there ({exc.strerror or exc})", file=sys.stderr)
        return 2
    print(f"wrote {args.figure}: {out}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from cvxreg.exercises import load_all

    exercises = load_all()
    if args.json:
        doc = [{"id": ex.id, "title": ex.title, "tags": list(ex.tags), "source": ex.source} for ex in exercises]
        print(json.dumps(doc, indent=2))
        return 0
    width = max((len(ex.id) for ex in exercises), default=2)
    print(f"{'id':<{width}}  title  [tags]")
    for ex in exercises:
        print(f"{ex.id:<{width}}  {ex.title}  [{', '.join(ex.tags)}]")
    print(f"{len(exercises)} bundled problems; give an id wherever a problem file is asked for.")
    return 0


def _check(args: argparse.Namespace) -> int:
    from cvxreg.exercises import load
    from cvxreg.grading import read_answer

    target = Path(args.file)
    if target.is_dir():
        from cvxreg._gradebook import gradebook

        return gradebook(args, target)
    if args.answer is None:
        print("cvxreg: error: check FILE needs --answer ANSWER", file=sys.stderr)
        return 2
    ex = load(target)
    verdict = ex.check(read_answer(args.answer))
    print(json.dumps(verdict.to_dict(), indent=2) if args.json else verdict)
    return 0 if verdict.passed else 1


class _Help(argparse.ArgumentDefaultsHelpFormatter):
    """Help that states each default, except where there is nothing to state."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.default in (None, False, argparse.SUPPRESS) or "%(default)" in text:
            return text
        return super()._get_help_string(action) or text


def _parser() -> argparse.ArgumentParser:
    from cvxreg import __version__
    from cvxreg.compare import default_solvers
    from cvxreg.scaling import DEFAULT_SIZES, FAMILIES
    from cvxreg.solvers import SETTINGS, installed_solvers
    from cvxreg.workloads import WORKLOADS

    fmt = _Help
    solvers_help = "solver names (default: every installed one: " + ", ".join(default_solvers()) + ")"
    settings = list(SETTINGS)
    parser = argparse.ArgumentParser(prog="cvxreg", description="Regularized learning problems, solved and checked.")
    parser.add_argument("--version", action="version", version=f"cvxreg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{demo,list,report,compare,solve,check,plot}")

    demo = sub.add_parser(
        "demo", help="a worked example of the core (penalized vs constrained lasso, the DCP gate)", formatter_class=fmt
    )
    demo.add_argument("--seed", type=int, default=0, help="random seed of the example data")
    demo.add_argument("--solver", default=None, help="CVXPY solver name (None: Clarabel)")
    demo.set_defaults(run=_demo)

    lst = sub.add_parser("list", help="the bundled problems: id, title and tags", formatter_class=fmt)
    lst.add_argument("--json", action="store_true", help="print them as JSON")
    lst.set_defaults(run=_list)

    rep = sub.add_parser(
        "report", help="solver comparison report on problem files (default: the bundled library)", formatter_class=fmt
    )
    rep.add_argument("problems", nargs="*", help="problem files, folders or bundled ids (none: every bundled problem)")
    rep.add_argument("--solvers", nargs="+", default=None, help=solvers_help)
    rep.add_argument("--settings", nargs="+", choices=settings, default=["low", "default", "high"], help="settings")
    rep.add_argument("--jobs", type=int, default=1, help="parallel jobs (-1 for all cores)")
    rep.add_argument("--out", default="cvxreg-report", help="output folder")
    rep.add_argument(
        "--timeout", type=float, default=10.0, help="seconds per solve before it is killed (a failure counts this)"
    )
    rep.add_argument(
        "--resume", action="store_true",
        help="keep the rows stored in OUT/results.sqlite and skip them; join a report running there",
    )  # fmt: skip
    rep.add_argument(
        "--wait", type=float, default=3600.0,
        help="seconds to wait for rows another running report is computing, then compute them here",
    )  # fmt: skip
    rep.add_argument(
        "--sizes", nargs="*", type=int, default=list(DEFAULT_SIZES), help="scaling sizes d (none: no scaling section)"
    )
    rep.add_argument("--families", nargs="+", choices=list(FAMILIES), default=list(FAMILIES), help="scaling families")
    rep.add_argument("--budget", type=float, default=1.0, help="scaling: seconds after which a solver stops growing")
    rep.add_argument(
        "--workloads", nargs="*", choices=list(WORKLOADS), default=None,
        help="real-size workloads, with the specialist tools (default: all of them when no problems are named; "
        "none: no such section)",
    )  # fmt: skip
    rep.add_argument(
        "--workload-budget", type=float, default=2.0,
        help="real sizes: seconds after which a tool stops growing (a CVXPY solve there is killed at 5 x this)",
    )  # fmt: skip
    rep.add_argument("--strict", action="store_true", help="exit 1 when a solve misses the accuracy bar")
    rep.add_argument("--bar", type=float, default=1e-4, help="accuracy bar of --strict (a positive number)")
    rep.set_defaults(run=_report)

    cmp_ = sub.add_parser("compare", help="compare solvers on one problem file; prints the table", formatter_class=fmt)
    cmp_.add_argument("file", help="a problem file (TOML) or a bundled problem's id")
    cmp_.add_argument("--solvers", nargs="+", default=None, help=solvers_help)
    cmp_.add_argument("--settings", nargs="+", choices=settings, default=["default"], help="settings")
    cmp_.add_argument("--timeout", type=float, default=120.0, help="seconds per solve before it is killed")
    cmp_.set_defaults(run=_compare)

    sol = sub.add_parser(
        "solve", help="solve a problem file: solution, certificate, agreement with the answer", formatter_class=fmt
    )
    sol.add_argument("file", help="a problem file (TOML) or a bundled problem's id")
    sol.add_argument("--json", action="store_true", help="print only the answer (strict JSON: null when missing)")
    sol.add_argument(
        "--solver", default=None, help="CVXPY solver (None: Clarabel); installed: " + ", ".join(installed_solvers())
    )
    sol.add_argument("--settings", choices=settings, default="tight", help="the solver's settings")
    sol.set_defaults(run=_solve)

    plo = sub.add_parser("plot", help="figures of the geometry: balls, contours, path", formatter_class=fmt)
    plo.add_argument("figure", choices=["balls", "contours", "path"], help="which figure")
    plo.add_argument("--out", required=True, help="the image file (.png, .pdf or .svg)")
    plo.add_argument("--p", nargs="+", default=None, help="balls: the p to draw, numbers or inf (default 0.5 to inf)")
    plo.add_argument("--surface", default=None, help="balls: also the 3-D sphere of this p")
    plo.add_argument(
        "--penalties", nargs="+", type=_ball, default=None, help="contours: L1, L2, Linf or p >= 1 (default L1 L2 4)"
    )
    plo.add_argument("--t", type=_positive, default=1.0, help="contours: the ball's radius")
    plo.add_argument("--seed", type=int, default=0, help="contours: seed of the 2-D example data")
    plo.add_argument("--problem", default="lasso-intercept-centred", help="path: a problem file or bundled id")
    plo.add_argument("--n-lams", type=int, default=50, help="path: number of lam values")
    plo.add_argument("--against", choices=["lam", "t"], default="lam", help="path: the horizontal axis")
    plo.add_argument("--chosen", type=_positive, default=None, help="path: a lam to mark")
    plo.add_argument("--dpi", type=_dpi, default=110, help="resolution of a PNG (10 to 1200)")
    plo.set_defaults(run=_plot)

    chk = sub.add_parser(
        "check", help="grade an answer (or a folder of students' answers) against problem files", formatter_class=fmt
    )
    chk.add_argument("file", help="a problem file, a bundled id, or a folder of problem files for a gradebook")
    chk.add_argument("--answer", default=None, help="the answer: JSON, TOML or CSV of coefficients")
    chk.add_argument("--answers", default=None, help="with a folder: ANSWERS_DIR/<student>/<problem-id>.json|toml|csv")
    chk.add_argument("--out", default=None, help="with a folder: write the gradebook CSV here")
    chk.add_argument("--json", action="store_true", help="print the verdict as JSON")
    chk.set_defaults(run=_check)
    return parser


def _positive(text: str) -> float:
    """A finite number > 0 (a lam, a radius)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0; got {text!r}")
    return value


def _ball(text: str) -> str | float:
    """A penalty for the contour figure: L1, L2, Linf, or an exponent p >= 1 of an Lp ball."""
    if text in ("L1", "L2", "Linf"):
        return text
    try:
        p = float(text)
    except ValueError:
        p = math.nan
    if not (math.isfinite(p) and p >= 1):
        raise argparse.ArgumentTypeError(f"must be L1, L2, Linf or a number p >= 1 (an Lp ball); got {text!r}")
    return p


def _dpi(text: str) -> int:
    """A figure resolution of 10 to 1200 dots per inch (100000 would ask for gigabytes)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from 10 to 1200; got {text!r}") from None
    if not 10 <= value <= 1200:
        raise argparse.ArgumentTypeError(f"must be from 10 to 1200 dots per inch; got {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        words = list(sys.argv[1:] if argv is None else argv)
        args = parser.parse_args(words)
        args.command_line = shlex.join(["cvxreg", *words])
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    from cvxreg.errors import CvxregError

    try:
        return int(args.run(args))
    except CvxregError as exc:
        print(f"cvxreg: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: say so in one line (a report's store keeps every finished row)
        print("cvxreg: interrupted; rows already stored are kept (`cvxreg report --resume` goes on)", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader stopped early (`cvxreg check ... | head`): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that the interpreter's final flush does not fail too
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
