"""The README is executable documentation: its Python blocks run, its commands are real."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from cvxreg.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


@pytest.mark.parametrize("block", python_blocks(README), ids=lambda b: b.splitlines()[0][:40])
def test_readme_python_blocks_run(block, capsys):
    exec(compile(block, "README.md", "exec"), {})


def test_readme_first_lines_give_install_and_run_commands():
    head = README.split("\n## ", 1)[0]
    commands = re.findall(r"^python -m pip install .*$", head, flags=re.M)
    assert len(commands) == 2
    assert "python -m cvxreg" in commands[0]
    assert "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'python -m pip install --quiet ".[test]"' in ci and "python -m pytest" in ci


def test_main_job_command_runs():
    out = subprocess.run(
        [sys.executable, "-m", "cvxreg", "demo"], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert "multiplier mu" in out.stdout and "refused" in out.stdout


def test_cli_exit_codes(capsys):
    assert main(["--help"]) == 0
    assert main(["no-such-command"]) == 2
    assert main(["demo", "--solver", "NOPE"]) == 2
    assert "'solver'" in capsys.readouterr().err
