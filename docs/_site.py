"""MkDocs hooks of cvxreg's documentation site (``mkdocs.yml``, ``hooks:``).

At build time the tutorial's figures are drawn (``make_figures.figures``) and every script in
``docs/examples/`` is run, its printed output and figures captured, and a gallery page made of
its docstring, code, output and figures. All of it goes into the build only: nothing tracked
is written, and a script that fails stops the build.
"""

from __future__ import annotations

import ast
import contextlib
import io
import runpy
import sys
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

DOCS = Path(__file__).resolve().parent
EXAMPLES = DOCS / "examples"


def example_scripts() -> list[Path]:
    """The gallery's scripts, in the order of their pages."""
    return sorted(EXAMPLES.glob("*.py"))


def run_example(script: Path, out: Path) -> tuple[str, list[Path]]:
    """Run one gallery script as ``__main__`` with matplotlib's Agg backend: what it printed,
    and its open figures saved as PNGs into ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.close("all")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        runpy.run_path(str(script), run_name="__main__")
    figures = []
    for k, number in enumerate(plt.get_fignums()):
        path = out / f"{script.stem}-{k + 1}.png"
        plt.figure(number).savefig(path, dpi=90, bbox_inches="tight")
        figures.append(path)
    plt.close("all")
    return printed.getvalue(), figures


def title_and_text(script: Path) -> tuple[str, str, str]:
    """The script's docstring as (title, text) and its code after the docstring."""
    source = script.read_text(encoding="utf-8")
    module = ast.parse(source)
    doc = ast.get_docstring(module) or script.stem
    title, _, text = doc.partition("\n")
    first = module.body[0]
    start = first.end_lineno if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) else 0
    code = "\n".join(source.splitlines()[start or 0 :]).strip()
    return title.strip(), text.strip(), code


def example_page(script: Path, printed: str, figures: list[Path]) -> str:
    title, text, code = title_and_text(script)
    parts = [f"# {title}", text, f"```python\n{code}\n```"]
    if printed.strip():
        parts += ["It prints:", f"```text\n{printed.rstrip()}\n```"]
    parts += [f"![{title}, figure {k + 1}]({path.name})" for k, path in enumerate(figures)]
    parts.append(f"Run it yourself: `python docs/examples/{script.name}` (from the repository).")
    return "\n\n".join(parts) + "\n"


def gallery_index(scripts: list[Path], first_figures: dict[str, Path | None]) -> str:
    lines = [
        "# Examples",
        "",
        "Each example is a script in `docs/examples/`, run when the site is built: its code, "
        "what it printed and its figures are on its page. The test suite runs them too.",
        "",
    ]
    for script in scripts:
        title, text, _ = title_and_text(script)
        lines.append(f"## [{title}]({script.stem}.md)")
        lines.append("")
        lines.append(text.split("\n\n")[0])
        figure = first_figures.get(script.stem)
        if figure is not None:
            lines += ["", f"[![{title}]({figure.name}){{ width=360 }}]({script.stem}.md)"]
        lines.append("")
    return "\n".join(lines)


def _add(files: Files, file: File) -> None:
    """A generated file, in place of one at the same address (``docs/figures/`` left by
    ``make_figures.py`` is not tracked: the build draws its own)."""
    old = files.get_file_from_path(file.src_uri)
    if old is not None:
        files.remove(old)
    files.append(file)


def on_files(files: Files, config: Any) -> Files:
    build = Path(tempfile.mkdtemp(prefix="cvxreg-site-"))
    sys.path.insert(0, str(DOCS))
    try:
        import make_figures

        for path in make_figures.figures(build / "figures"):
            _add(files, File.generated(config, f"figures/{path.name}", abs_src_path=str(path)))
    finally:
        sys.path.remove(str(DOCS))
    scripts = example_scripts()
    first: dict[str, Path | None] = {}
    for script in scripts:
        printed, figures = run_example(script, build)
        first[script.stem] = figures[0] if figures else None
        for path in figures:
            _add(files, File.generated(config, f"examples/{path.name}", abs_src_path=str(path)))
        page = example_page(script, printed, figures)
        _add(files, File.generated(config, f"examples/{script.stem}.md", content=page))
    _add(files, File.generated(config, "examples/index.md", content=gallery_index(scripts, first)))
    return files
