"""Generate the documentation's figures and measured tables (run from the repository root).

    python docs/make_figures.py            # figures into docs/figures/, tables into docs/tutorial.md
    python docs/make_figures.py --out DIR  # figures into DIR, docs untouched

The figures are not committed (they would drift from the code); this script makes them, and
the test suite runs it to check that each is a non-empty image. The cost-of-p table in
``docs/tutorial.md`` is measured on the machine that runs this script and written between
its ``<!-- cost_of_p -->`` markers.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

import cvxreg as cr
from cvxreg import experiments, plot

DOCS = Path(__file__).resolve().parent
START, END = "<!-- cost_of_p:start -->", "<!-- cost_of_p:end -->"


def example_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 8))
    y = X[:, :3] @ np.array([2.0, -1.0, 0.5]) + rng.standard_normal(100)
    return X, y


def figures(out: Path) -> list[Path]:
    """Every documentation figure as a PNG in ``out``; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    X, y = example_data()
    lasso = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    figs = {
        "balls": plot.balls(surface_p=3),
        "contours": plot.contours(),
        "path": plot.path(lasso, X, y, chosen=5.0),
        "path_t": plot.path(lasso, X, y, against="t"),
        "lagrange": plot.lagrange(experiments.lagrange_curve(lasso, X, y)),
    }
    paths = []
    for name, fig in figs.items():
        path = out / f"{name}.png"
        fig.savefig(path, dpi=100, bbox_inches="tight")
        paths.append(path)
    return paths


def _cell(column: str, value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}" if column == "solve_ms" else f"{value:g}"
    return str(value)


def cost_table() -> str:
    """The cost-of-p table in Markdown, measured here."""
    frame = experiments.cost_of_p(sizes=((200, 20), (800, 80)), repeats=5)
    cols = ["p", "form", "n", "d", "p_used", "variables", "constraints", "soc", "soc_dims", "power_cones", "solve_ms"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame[cols].itertuples(index=False):
        cells = [_cell(c, v) for c, v in zip(cols, row, strict=True)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_table(doc: Path, table: str) -> None:
    text = doc.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{doc} has no {START} ... {END} block")
    text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: f"{START}\n{table}\n{END}", text, flags=re.S)
    doc.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=None, help="figures here, and leave docs/tutorial.md alone")
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else DOCS / "figures"
    for path in figures(out):
        print(f"wrote {path}")
    if args.out is None:
        write_table(DOCS / "tutorial.md", cost_table())
        print(f"measured the cost-of-p table into {DOCS / 'tutorial.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
