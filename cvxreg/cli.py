"""The ``cvxreg`` command line. ``main(argv)`` returns the exit code (0 ok, 2 bad usage)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cvxreg", description="Regularized learning problems, solved and checked.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="a worked example of the core (penalized vs constrained lasso, the DCP gate)")
    demo.add_argument("--seed", type=int, default=0, help="random seed of the example data (default 0)")
    demo.add_argument("--solver", default=None, help="CVXPY solver name (default: Clarabel)")
    demo.set_defaults(run=_demo)
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
