"""The ``cvxreg`` command line. ``main(argv)`` returns the exit code.

Exit codes: 0 success; 1 a check failed (``check``, or ``report --strict`` when a solver
missed its accuracy bar); 2 bad usage, unusable input, or an environment that cannot do the
job (a requested solver that is not installed or cannot take the problem). Errors are one
line on stderr, never a traceback. Wherever a problem file is asked for, the id of a bundled
problem works too (``cvxreg list``).
"""

from __future__ import annotations

import _thread
import argparse
import contextlib
import json
import math
import os
import shlex
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from cvxreg._cli_report import compare_command, report_command, solvers_named

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




def _solve(args: argparse.Namespace) -> int:
    from cvxreg.compare import Facts
    from cvxreg.errors import NotSupportedError
    from cvxreg.exercises import load
    from cvxreg.solvers import capable_solvers, default_solver, model_class, solver_options

    named = solvers_named([args.solver], "cvxreg solve", "--solver") if args.solver else None
    solver = (named or [None])[0] if args.solver else default_solver()
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
    keys = ("lambda_max", "support", "signs", "df", "lower_dual", "upper_dual", "observation_duals",
            "support_vectors", "interpolated", "path_breakpoints")  # fmt: skip
    for key in keys:
        if key in doc:
            print(f"{key} = {doc[key]}")
    for point in doc.get("path", []):
        print(f"path: {', '.join(f'{k} = {v}' for k, v in point.items())}")
    for piece in doc.get("path_formula", []):
        print(f"path for lam in [{piece['from']}, {piece['to']}]: coef = {piece['coef']}")
    if ex.expected.exact:
        exact = {key: doc[key] for key in ex.expected.exact if key in doc}
        print(f"exact (rational arithmetic, every optimality condition checked exactly): {exact}")
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

    parser = argparse.ArgumentParser(prog="cvxreg", description="Regularized learning problems, solved and checked.")
    parser.add_argument("--version", action="version", version=f"cvxreg {__version__}")
    parser.add_argument(
        "--import", dest="imports", action="append", default=[], metavar="MODULE",
        help="import MODULE first (repeatable): the penalties and losses it defines are then known by name",
    )  # fmt: skip
    sub = parser.add_subparsers(dest="command", required=True, metavar="{demo,list,report,compare,solve,check,plot}")
    commands = (_demo_parser, _list_parser, _report_parser, _compare_parser, _solve_parser, _plot_parser, _check_parser)
    for add in commands:
        add(sub)
    return parser


def _solvers_help() -> str:
    from cvxreg.compare import default_solvers

    return "solver names (default: every installed one: " + ", ".join(default_solvers()) + ")"


def _demo_parser(sub: Any) -> None:
    demo = sub.add_parser(
        "demo", help="a worked example of the core (penalized vs constrained lasso, the DCP gate)",
        formatter_class=_Help,
    )
    demo.add_argument("--seed", type=int, default=0, help="random seed of the example data")
    demo.add_argument("--solver", default=None, help="CVXPY solver name (None: Clarabel)")
    demo.set_defaults(run=_demo)


def _list_parser(sub: Any) -> None:
    lst = sub.add_parser("list", help="the bundled problems: id, title and tags", formatter_class=_Help)
    lst.add_argument("--json", action="store_true", help="print them as JSON")
    lst.set_defaults(run=_list)


def _report_parser(sub: Any) -> None:
    from cvxreg.scaling import DEFAULT_SIZES, FAMILIES
    from cvxreg.solvers import SETTINGS
    from cvxreg.workloads import WORKLOADS

    rep = sub.add_parser(
        "report", help="solver comparison report on problem files (default: the bundled library)", formatter_class=_Help
    )
    rep.add_argument("problems", nargs="*", help="problem files, folders or bundled ids (none: every bundled problem)")
    rep.add_argument("--solvers", nargs="+", default=None, help=_solvers_help())
    rep.add_argument(
        "--settings", nargs="+", choices=list(SETTINGS), default=["low", "default", "high"], help="settings"
    )
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
    rep.set_defaults(run=report_command)


def _compare_parser(sub: Any) -> None:
    from cvxreg.solvers import SETTINGS

    cmp_ = sub.add_parser(
        "compare", help="compare solvers on one problem file; prints the table", formatter_class=_Help
    )
    cmp_.add_argument("file", help="a problem file (TOML) or a bundled problem's id")
    cmp_.add_argument("--solvers", nargs="+", default=None, help=_solvers_help())
    cmp_.add_argument("--settings", nargs="+", choices=list(SETTINGS), default=["default"], help="settings")
    cmp_.add_argument("--timeout", type=float, default=120.0, help="seconds per solve before it is killed")
    cmp_.set_defaults(run=compare_command)


def _solve_parser(sub: Any) -> None:
    from cvxreg.solvers import SETTINGS, installed_solvers

    sol = sub.add_parser(
        "solve", help="solve a problem file: solution, certificate, agreement with the answer", formatter_class=_Help
    )
    sol.add_argument("file", help="a problem file (TOML) or a bundled problem's id")
    sol.add_argument("--json", action="store_true", help="print only the answer (strict JSON: null when missing)")
    sol.add_argument(
        "--solver", default=None, help="CVXPY solver (None: Clarabel); installed: " + ", ".join(installed_solvers())
    )
    sol.add_argument("--settings", choices=list(SETTINGS), default="tight", help="the solver's settings")
    sol.set_defaults(run=_solve)


def _plot_parser(sub: Any) -> None:
    plo = sub.add_parser("plot", help="figures of the geometry: balls, contours, path", formatter_class=_Help)
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


def _check_parser(sub: Any) -> None:
    chk = sub.add_parser(
        "check", help="grade an answer (or a folder of students' answers) against problem files", formatter_class=_Help
    )
    chk.add_argument("file", help="a problem file, a bundled id, or a folder of problem files for a gradebook")
    chk.add_argument("--answer", default=None, help="the answer: JSON, TOML or CSV of coefficients")
    chk.add_argument("--answers", default=None, help="with a folder: ANSWERS_DIR/<student>/<problem-id>.json|toml|csv")
    chk.add_argument("--out", default=None, help="with a folder: write the gradebook CSV here")
    chk.add_argument("--json", action="store_true", help="print the verdict as JSON")
    chk.set_defaults(run=_check)


def _import_modules(names: Sequence[str]) -> None:
    """``--import``: the user's modules, found as ``python -m`` finds them (the current folder
    first), so that the penalties and losses they define are known by name."""
    import importlib

    from cvxreg.errors import InvalidParameterError

    if names and "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise InvalidParameterError(
                f"The '--import' option of cvxreg must name an importable module. Got {name!r}: {exc}."
            ) from exc


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


class _Interrupts:
    """Whether the user pressed Ctrl-C during the run (``pressed``)."""

    pressed = False


@contextlib.contextmanager
def _interrupts_reach_the_run(state: _Interrupts) -> Iterator[None]:
    """Ctrl-C stops the run as one line, wherever it lands.

    It is recorded in ``state`` (so an error it causes on its way out, such as numba's
    "no compiled object yet" when it lands inside a first compilation, is reported as the
    interruption, not as a traceback). One that lands in a finalizer or a weakref callback
    (logging's handler clean-up, a solver's ``__del__``) cannot be raised there: Python prints
    "Exception ignored in ..." and goes on; here it is raised again in the main thread a moment
    after the hook has returned (from a timer thread: raised in the hook itself it would be
    ignored the same way), silently."""
    previous_hook = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if issubclass(unraisable.exc_type, KeyboardInterrupt):
            state.pressed = True
            timer = threading.Timer(0.05, _thread.interrupt_main)  # after this hook and its caller return
            timer.daemon = True
            timer.start()
        else:
            previous_hook(unraisable)

    def on_sigint(signum: int, frame: Any) -> None:
        state.pressed = True
        signal.default_int_handler(signum, frame)

    main_thread = threading.current_thread() is threading.main_thread()
    previous_handler = signal.signal(signal.SIGINT, on_sigint) if main_thread else None
    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        if main_thread:
            signal.signal(signal.SIGINT, previous_handler)


_INTERRUPTED = "cvxreg: interrupted; rows already stored are kept (`cvxreg report --resume` goes on)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        words = list(sys.argv[1:] if argv is None else argv)
        args = parser.parse_args(words)
        args.command_line = shlex.join(["cvxreg", *words])
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    from cvxreg.errors import CvxregError

    interrupts = _Interrupts()
    try:
        with _interrupts_reach_the_run(interrupts):
            _import_modules(args.imports)
            return int(args.run(args))
    except CvxregError as exc:
        print(f"cvxreg: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: say so in one line (a report's store keeps every finished row)
        print(_INTERRUPTED, file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader stopped early (`cvxreg check ... | head`): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that the interpreter's final flush does not fail too
        return 0
    except Exception as exc:  # after a Ctrl-C, the error it left behind is the interruption
        if not interrupts.pressed:
            raise
        print(f"{_INTERRUPTED} (it left {type(exc).__name__}: {str(exc)[:200]})", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
