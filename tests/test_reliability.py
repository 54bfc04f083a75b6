"""Faults tried for real: processes, signals, helpers holding pipes, full disks, hostile files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SOLVERS = textwrap.dedent(
    """
    import os, sys, time
    import numpy as np
    import cvxreg as cr
    from cvxpy.reductions.solvers.conic_solvers.clarabel_conif import CLARABEL

    PIDS = sys.argv[1]

    def note(tag):
        with open(PIDS, "a") as fh:
            fh.write(f"{tag} {os.getpid()}\\n")

    class Hanging(CLARABEL):
        def name(self):
            return "HANGS"

        def solve_via_data(self, *args, **kwargs):
            note("solver")
            time.sleep(600)

    class WithHelper(CLARABEL):
        # answers, after starting a helper that inherits the result pipe and sleeps
        def name(self):
            return "HELPER"

        def solve_via_data(self, *args, **kwargs):
            if os.fork() == 0:
                note("helper")
                time.sleep(600)
                os._exit(0)
            return super().solve_via_data(*args, **kwargs)

    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((30, 3)), rng.standard_normal(30)
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    """
)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead too
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def pids(path: Path, tag: str) -> list[int]:
    if not path.exists():
        return []
    return [int(line.split()[1]) for line in path.read_text().splitlines() if line.startswith(tag)]


def wait_for(predicate, seconds: float = 20.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform != "linux", reason="Linux process semantics")
def test_a_helper_holding_the_pipe_neither_delays_the_answer_nor_outlives_it(tmp_path):
    notes = tmp_path / "pids.txt"
    script = SOLVERS + textwrap.dedent(
        """
        start = time.monotonic()
        frame = cr.compare_solvers(prob, X, y, solvers=[WithHelper()], timeout=30)
        print(frame["status"].iloc[0], round(time.monotonic() - start, 1))
        """
    )
    out = subprocess.run([sys.executable, "-c", script, str(notes)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    status, seconds = out.stdout.split()
    assert status == "optimal" and float(seconds) < 20  # not a 30 s "timeout"
    helpers = pids(notes, "helper")
    assert helpers and wait_for(lambda: not any(alive(p) for p in helpers))


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform != "linux", reason="Linux process semantics")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name)
def test_killing_the_caller_leaves_no_solver_behind(tmp_path, sig):
    notes = tmp_path / "pids.txt"
    script = SOLVERS + "cr.compare_solvers(prob, X, y, solvers=[Hanging()], timeout=600)\n"
    proc = subprocess.Popen([sys.executable, "-c", script, str(notes)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert wait_for(lambda: bool(pids(notes, "solver")), 60), "the solver never started"
        solver = pids(notes, "solver")[0]
        assert alive(solver)
        proc.send_signal(sig)
        proc.wait(timeout=30)
        assert wait_for(lambda: not alive(solver)), f"solver {solver} outlived its caller after {sig.name}"
    finally:
        proc.kill()
        proc.wait()
