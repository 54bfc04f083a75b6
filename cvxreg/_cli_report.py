"""The ``cvxreg report`` and ``cvxreg compare`` commands: problem files to benchmark cases, the
solvers to run, and the tables printed (see ``cvxreg.cli``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["cases_from", "compare_command", "report_command", "report_solvers", "solvers_named"]


def cases_from(paths: Sequence[str]) -> list[Any]:
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


def solvers_named(names: Sequence[str] | None, owner: str, option: str = "--solvers") -> list[str] | None:
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


def report_command(args: argparse.Namespace) -> int:
    from cvxreg._validation import check_real
    from cvxreg.store import StoreError, downgrade, lock_folder

    solvers = solvers_named(args.solvers, "cvxreg report")
    if args.strict:
        check_real(args.bar, "--bar", "cvxreg report", lo=0.0, lo_open=True)
    cases = cases_from(args.problems)
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


def compare_command(args: argparse.Namespace) -> int:

    from cvxreg.compare import compare_solvers
    from cvxreg.exercises import load

    solvers = solvers_named(args.solvers, "cvxreg compare")
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
