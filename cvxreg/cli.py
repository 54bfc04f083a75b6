"""The ``cvxreg`` command line. ``main(argv)`` returns the exit code.

Exit codes: 0 success; 1 a check failed (``check``, or ``report --strict`` when a solver
missed its accuracy bar); 2 bad usage or unusable input.
"""

from __future__ import annotations

import argparse
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
    from cvxreg.compare import Case, builtin_cases
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
        ex = load(f)
        if ex.problem is None:  # a refused (non-convex) problem has nothing to compare
            continue
        cases.append(Case(ex.id, ex.problem, ex.X, ex.y, ex.sample_weight, description=ex.title, source=ex.source))
    return cases


def _report(args: argparse.Namespace) -> int:
    from cvxreg import report
    from cvxreg.compare import benchmark

    cases = _cases(args.problems)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / "results.csv"
    if csv_path.exists() and not args.resume:
        csv_path.unlink()
    print(f"cvxreg report: {len(cases)} problems, settings {', '.join(args.settings)}, {args.jobs} job(s)")
    frame = benchmark(cases, args.solvers, settings=args.settings, n_jobs=args.jobs, out=csv_path, timeout=args.timeout)
    paths = report.write_report(frame, out)
    summary = report.summary(frame)
    cols = [
        "solver",
        "settings",
        "problems",
        "solved",
        "accurate_1e-06",
        "accurate_1e-04",
        "median_solve_time",
        "failures",
    ]
    print(summary[cols].to_string(index=False))
    for kind, path in paths.items():
        print(f"wrote {kind}: {path}")
    if args.strict:
        acc = report.accuracy(frame)
        missed = frame[acc > args.bar]
        if len(missed):
            print(f"--strict: {len(missed)} solve(s) missed the accuracy bar {args.bar:g}", file=sys.stderr)
            return 1
    return 0


def _compare(args: argparse.Namespace) -> int:
    import pandas as pd

    from cvxreg.compare import compare_solvers
    from cvxreg.exercises import load

    ex = load(args.file)
    if ex.problem is None:
        print(f"{ex.id}: the problem is refused, nothing to compare:\n  {ex.rejection}")
        return 0
    frame = compare_solvers(
        ex.problem,
        ex.X,
        ex.y,
        sample_weight=ex.sample_weight,
        solvers=args.solvers,
        settings=args.settings,
        timeout=args.timeout,
        name=ex.id,
    )
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.max_colwidth", 40):
        print(f"{ex.id}: {ex.title}\n{ex.problem!r}")
        print(frame.drop(columns=["problem"]).to_string(index=False))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cvxreg", description="Regularized learning problems, solved and checked.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="a worked example of the core (penalized vs constrained lasso, the DCP gate)")
    demo.add_argument("--seed", type=int, default=0, help="random seed of the example data (default 0)")
    demo.add_argument("--solver", default=None, help="CVXPY solver name (default: Clarabel)")
    demo.set_defaults(run=_demo)

    rep = sub.add_parser("report", help="solver comparison report on problem files (default: the bundled library)")
    rep.add_argument("problems", nargs="*", help="problem files or folders (default: every bundled problem)")
    rep.add_argument("--solvers", nargs="+", default=None, help="solver names (default: every installed solver)")
    rep.add_argument("--settings", nargs="+", default=["default", "tight"], help="settings (default: default tight)")
    rep.add_argument("--jobs", type=int, default=1, help="parallel jobs (default 1; -1 for all cores)")
    rep.add_argument("--out", default="cvxreg-report", help="output folder (default ./cvxreg-report)")
    rep.add_argument("--timeout", type=float, default=120.0, help="seconds per solve before a solver is killed")
    rep.add_argument("--resume", action="store_true", help="keep rows already in OUT/results.csv and skip them")
    rep.add_argument("--strict", action="store_true", help="exit 1 when a solve misses the accuracy bar")
    rep.add_argument("--bar", type=float, default=1e-4, help="accuracy bar of --strict (default 1e-4)")
    rep.set_defaults(run=_report)

    cmp_ = sub.add_parser("compare", help="compare solvers on one problem file; prints the table")
    cmp_.add_argument("file", help="a problem file (TOML)")
    cmp_.add_argument("--solvers", nargs="+", default=None, help="solver names (default: every installed solver)")
    cmp_.add_argument("--settings", nargs="+", default=["default"], help="settings (default: default)")
    cmp_.add_argument("--timeout", type=float, default=120.0, help="seconds per solve before a solver is killed")
    cmp_.set_defaults(run=_compare)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    from cvxreg.errors import CvxregError

    try:
        return int(args.run(args))
    except CvxregError as exc:
        print(f"cvxreg: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
