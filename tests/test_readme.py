"""The README and docs are executable: their Python blocks run, their commands are real."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from cvxreg.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
DOCS = sorted((ROOT / "docs").glob("*.md"))


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


@pytest.mark.parametrize("block", python_blocks(README), ids=lambda b: b.splitlines()[0][:40])
def test_readme_python_blocks_run(block, capsys):
    exec(compile(block, "README.md", "exec"), {})


def test_readme_first_lines_give_install_and_run_commands():
    head = README.split("\n## ", 1)[0]
    commands = re.findall(r"^python -m pip install .*$", head, flags=re.M)
    assert len(commands) == 2
    assert "&& python -m cvxreg report" in commands[0]
    assert "&& python -m pytest -q" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'python -m pip install --quiet ".[test]"' in ci and "python -m pytest -q" in ci


def _main_job(tmp_path: Path, *extra: str) -> None:
    cmd = [sys.executable, "-m", "cvxreg", "report", "--jobs", "2", *extra]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=1200)
    assert out.returncode == 0, out.stderr
    for name in ("report.md", "report.html", "results.csv", "scaling.csv", "workloads.csv",
                 "figures/status_default.png", "figures/accuracy_vs_time.png"):  # fmt: skip
        assert (tmp_path / "cvxreg-report" / name).stat().st_size > 0
    assert "wrote html" in out.stdout


def test_main_job_command_runs_on_a_few_problems(tmp_path):
    # The README's main job, shortened for the default suite: problems of five classes, every
    # installed solver, small scaling families, one real data set. The slow tests below run
    # every bundled problem (two minutes) and the command exactly (seven).
    problems = ["sklearn-lasso-toy", "bcw-square-root-lasso", "albert-anderson-separation"]
    _main_job(tmp_path, *problems, "--sizes", "25", "50", "--workloads", "diabetes-lasso")


@pytest.mark.slow
def test_main_job_command_runs(tmp_path):
    # Every bundled problem, every installed solver, the scaling families; of the real sizes,
    # the two real data sets.
    _main_job(tmp_path, "--workloads", "diabetes-lasso", "breast-cancer-logistic")


@pytest.mark.slow
def test_main_job_command_runs_whole(tmp_path):
    _main_job(tmp_path)


def test_demo_command_runs():
    cmd = [sys.executable, "-m", "cvxreg", "demo"]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "multiplier mu" in out.stdout and "refused" in out.stdout


def test_cli_exit_codes(capsys):
    assert main(["--help"]) == 0
    assert main(["no-such-command"]) == 2
    assert main(["demo", "--solver", "NOPE"]) == 2
    assert "'solver'" in capsys.readouterr().err


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_docs_code_blocks_run(doc, tmp_path):
    from cvxreg.exercises import load

    text = doc.read_text()
    namespace: dict = {}  # a page's blocks run in order, as a reader runs them
    for block in python_blocks(text):
        exec(compile(block, str(doc), "exec"), namespace)
    for i, block in enumerate(re.findall(r"```toml\n(.*?)```", text, flags=re.S)):
        path = tmp_path / f"block{i}.toml"
        path.write_text(block)
        load(path)  # every TOML example in the docs is a valid problem file


def test_docs_figures_script_makes_every_figure(tmp_path):
    # The docs' figures are generated, not committed: the script makes each one, non-empty.
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import make_figures
    finally:
        sys.path.pop(0)
    assert make_figures.main(["--out", str(tmp_path)]) == 0
    names = {p.name for p in tmp_path.glob("*.png")}
    assert names == {"balls.png", "contours.png", "path.png", "path_t.png", "lagrange.png"}
    for path in tmp_path.glob("*.png"):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000
    tutorial = (ROOT / "docs" / "tutorial.md").read_text()
    for name in names:
        assert f"figures/{name}" in tutorial
    table = tutorial.split(make_figures.START)[1].split(make_figures.END)[0]
    rows = [r for r in table.strip().splitlines()[2:] if r.startswith("|")]
    assert len(rows) >= 11 and any(r.startswith("| 3 | norm") for r in rows)  # measured by the script


def test_plot_command_writes_each_figure(tmp_path):
    for figure in ("balls", "contours", "path"):
        out = tmp_path / f"{figure}.png"
        assert main(["plot", figure, "--out", str(out)]) == 0
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["plot", "balls", "--out", str(tmp_path / "x.jpg")]) == 2
    assert main(["plot", "balls", "--p", "-1", "--out", str(tmp_path / "x.png")]) == 2
    assert main(["plot", "path", "--problem", "lp-half-rejected", "--out", str(tmp_path / "x.png")]) == 2
