"""The ``cvxreg`` command line. ``main(argv)`` returns the exit code.

Exit codes: 0 success; 1 a check failed (``check``, or ``report --strict`` when a solver
missed its accuracy bar); 2 bad usage or unusable input.
"""

from __future__ import annotations

import argparse
import json
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
            )
        )
    return cases


def _report(args: argparse.Namespace) -> int:
    from cvxreg import report
    from cvxreg.benchmark import benchmark

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
        reference=ex.expected_result(),  # the file's answer, from an independent source
        reference_label="problem file",
    )
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.max_colwidth", 40):
        print(f"{ex.id}: {ex.title}\n{ex.problem!r}")
        print(frame.drop(columns=["problem"]).to_string(index=False))
    return 0


def _solve(args: argparse.Namespace) -> int:
    from cvxreg.exercises import load

    ex = load(args.file)
    if ex.problem is None:
        if args.json:
            print(json.dumps({"exercise": ex.id, "rejected": True, "error": str(ex.rejection)}))
        else:
            print(f"{ex.id}: {ex.title}\nrefused, as expected ({ex.expected.error}):\n  {ex.rejection}")
        return 0
    res = ex.solve() if args.solver is None else ex.solve(solver=args.solver)
    if args.json:
        doc = {"coef": res.coef.tolist(), "intercept": res.intercept, "objective": res.objective, "dual": res.dual}
        print(json.dumps(doc))
        return 0 if res.ok else 1
    print(f"{ex.id}: {ex.title}\nsource: {ex.source}\n{ex.problem!r}")
    print(f"status {res.status} by {res.solver}; objective {res.objective:.10g}")
    print(f"coef = {np.array2string(res.coef, precision=8, max_line_width=100)}")
    if ex.problem.fit_intercept:
        print(f"intercept = {res.intercept:.10g}")
    if res.dual is not None:
        print(f"multiplier = {res.dual:.10g}")
    if res.ok:
        cert = res.certificate
        gap = "n/a" if cert.duality_gap is None else f"{cert.duality_gap:.2e}"
        print(
            f"certificate: KKT residual {cert.kkt_residual:.2e}, infeasibility {cert.primal_infeasibility:.2e}, "
            f"slackness {cert.complementary_slackness:.2e}, duality gap {gap}"
        )
    verdict = ex.check(res)
    print(f"agreement with the expected answer ({ex.expected.origin}):")
    print("\n".join(str(verdict).splitlines()[1:]))
    return 0 if res.ok and verdict.passed else 1


def _check(args: argparse.Namespace) -> int:
    from cvxreg.exercises import load
    from cvxreg.grading import read_answer

    target = Path(args.file)
    if target.is_dir():
        return _gradebook(args, target)
    if args.answer is None:
        print("cvxreg: error: check FILE needs --answer ANSWER", file=sys.stderr)
        return 2
    ex = load(target)
    verdict = ex.check(read_answer(args.answer))
    print(json.dumps(verdict.to_dict(), indent=2) if args.json else verdict)
    return 0 if verdict.passed else 1


def _gradebook(args: argparse.Namespace, directory: Path) -> int:
    """Grade ANSWERS_DIR/<student>/<problem-id>.(json|toml|csv) against every problem file in DIR."""
    import pandas as pd

    from cvxreg.errors import CvxregError
    from cvxreg.exercises import load_all
    from cvxreg.grading import read_answer

    if args.answers is None:
        print("cvxreg: error: check DIR needs --answers ANSWERS_DIR", file=sys.stderr)
        return 2
    answers = Path(args.answers)
    if not answers.is_dir():
        print(f"cvxreg: error: --answers {answers} is not a folder", file=sys.stderr)
        return 2
    exercises = {ex.id: ex for ex in load_all(directory)}
    rows = []
    for student in sorted(p for p in answers.iterdir() if p.is_dir()):
        for path in sorted(student.iterdir()):
            if path.suffix.lower() not in (".json", ".toml", ".csv"):
                continue
            row: dict[str, Any] = {"student": student.name, "exercise": path.stem, "file": str(path)}
            ex = exercises.get(path.stem)
            if ex is None:
                row.update(passed=False, failed_checks="", diagnoses=f"no problem file with id {path.stem!r}")
            else:
                try:
                    v = ex.check(read_answer(path))
                    row.update(
                        passed=v.passed,
                        failed_checks="; ".join(c.name for c in v.checks if not c.passed),
                        diagnoses="; ".join(v.diagnoses),
                    )
                except CvxregError as exc:
                    row.update(passed=False, failed_checks="unusable answer", diagnoses=str(exc))
            rows.append(row)
    book = pd.DataFrame(rows, columns=["student", "exercise", "passed", "failed_checks", "diagnoses", "file"])
    if args.out:
        book.to_csv(args.out, index=False)
        print(f"wrote gradebook: {args.out}")
    if len(book):
        print(
            book.pivot_table(index="student", columns="exercise", values="passed", aggfunc="first")
            .replace({True: "pass", False: "FAIL"})
            .fillna("")
            .to_string()
        )
    return 0 if len(book) and bool(book["passed"].all()) else 1


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

    sol = sub.add_parser("solve", help="solve a problem file: solution, certificate, agreement with the answer")
    sol.add_argument("file", help="a problem file (TOML)")
    sol.add_argument("--json", action="store_true", help="print only the answer document (coef, intercept, ...)")
    sol.add_argument("--solver", default=None, help="CVXPY solver name (default: Clarabel at tight settings)")
    sol.set_defaults(run=_solve)

    chk = sub.add_parser("check", help="grade an answer (or a folder of students' answers) against problem files")
    chk.add_argument("file", help="a problem file, or a folder of problem files for a gradebook")
    chk.add_argument("--answer", default=None, help="the answer: JSON, TOML or CSV of coefficients")
    chk.add_argument("--answers", default=None, help="with a folder: ANSWERS_DIR/<student>/<problem-id>.json|toml|csv")
    chk.add_argument("--out", default=None, help="with a folder: write the gradebook CSV here")
    chk.add_argument("--json", action="store_true", help="print the verdict as JSON")
    chk.set_defaults(run=_check)
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
