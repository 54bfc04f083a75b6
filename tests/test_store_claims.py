"""Claims on a shared results store: owners that are gone, on another host, reused process ids,
stopped processes, runs that wait, and a second report on a live folder. Each ends in a
finished run with every row present once."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def cases(names=("a", "b", "c")):
    import numpy as np

    import cvxreg as cr
    from cvxreg.benchmark import Case

    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 3)), rng.standard_normal(20)
    return [Case(name, cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0)), X, y) for name in names]


def claim_all(store_path, owner, since):
    """Claims on every row of ``cases()`` by ``owner``, renewed last at ``since``."""
    from cvxreg.store import ResultStore

    ResultStore(store_path).close()  # the tables
    db = sqlite3.connect(store_path)
    with db:
        for name in ("a", "b", "c"):
            db.execute("INSERT INTO claims VALUES (?, 'CLARABEL', 'default', ?, ?)", (name, owner, since))
    db.close()


def stored_keys(store_path):
    db = sqlite3.connect(store_path)
    rows = db.execute("SELECT problem, solver, settings FROM rows").fetchall()
    claims = db.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
    db.close()
    return rows, claims


def run(store_path, **kwargs):
    from cvxreg.benchmark import benchmark

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = benchmark(cases(), ["CLARABEL"], out=store_path, progress=False, **kwargs)
    return frame, [str(w.message) for w in caught]


def test_a_claim_from_another_host_whose_lease_ran_out_is_taken_over(tmp_path):
    store = tmp_path / "s.sqlite"
    claim_all(store, "another-host:4242:999", time.time() - 3600)  # killed a day ago, in a container
    start = time.monotonic()
    frame, said = run(store)
    assert time.monotonic() - start < 60  # it was waited on for ever
    assert len(frame) == 3 and frame["status"].eq("optimal").all()
    assert any("another-host:4242:999" in s and "not renewed" in s for s in said), said
    rows, claims = stored_keys(store)
    assert len(rows) == len(set(rows)) == 3 and claims == 0


def test_a_live_claim_is_waited_for_with_a_message_then_computed_after_the_wait(tmp_path):
    store = tmp_path / "s.sqlite"
    claim_all(store, "another-host:4242:999", time.time() + 3600)  # renewed: a live run elsewhere
    frame, said = run(store, wait=1.0)
    assert len(frame) == 3 and frame["status"].eq("optimal").all()
    assert any("waiting for 3 row(s)" in s and "another-host:4242:999" in s for s in said), said
    assert any("you stopped waiting" in s for s in said), said
    rows, _ = stored_keys(store)
    assert len(rows) == len(set(rows)) == 3


@pytest.mark.skipif(sys.platform != "linux", reason="process start times from /proc")
def test_a_claim_whose_process_id_now_belongs_to_another_process_is_taken_over(tmp_path):
    store = tmp_path / "s.sqlite"
    # This host, a live process id (the test runner's parent), but not the start time it had
    # when it claimed: the id was reused. Its lease is fresh, so only the start time can tell.
    claim_all(store, f"{socket.gethostname()}:{os.getppid()}:1", time.time())
    frame, said = run(store)
    assert len(frame) == 3
    assert any("now belongs to another process" in s for s in said), said


@pytest.mark.skipif(sys.platform != "linux", reason="SIGSTOP")
def test_a_stopped_run_loses_its_claims_when_its_lease_runs_out(tmp_path):
    store = tmp_path / "s.sqlite"
    script = textwrap.dedent(
        """
        import os, signal, sys
        from cvxreg.store import ResultStore
        s = ResultStore(sys.argv[1], lease=1.0)
        keys = [(name, "CLARABEL", "default") for name in "abc"]
        assert s.claim(keys) == keys
        print("claimed", flush=True)
        os.kill(os.getpid(), signal.SIGSTOP)  # stopped: its lease renewer stops too
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(store)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert proc.stdout.readline().strip() == "claimed"
        time.sleep(0.5)
        start = time.monotonic()
        frame, said = run(store, lease=1.0)
        assert time.monotonic() - start < 60
        assert len(frame) == 3 and frame["status"].eq("optimal").all()
        assert any("not renewed" in s for s in said), said
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    rows, _ = stored_keys(store)
    assert len(rows) == len(set(rows)) == 3


def test_a_running_owner_keeps_its_claims_by_renewing_them(tmp_path):
    from cvxreg.store import ResultStore

    store = tmp_path / "s.sqlite"
    script = textwrap.dedent(
        """
        import sys, time
        from cvxreg.store import ResultStore
        s = ResultStore(sys.argv[1], lease=0.4)
        print(len(s.claim([(name, "CLARABEL", "default") for name in "abc"])), flush=True)
        time.sleep(120)
        """
    )
    owner = subprocess.Popen([sys.executable, "-c", script, str(store)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    keys = [(name, "CLARABEL", "default") for name in "abc"]
    other = ResultStore(store, lease=0.4)
    try:
        assert owner.stdout.readline().strip() == "3"
        time.sleep(1.5)  # nearly four leases: renewed every tenth of a second meanwhile
        assert other.claim(keys) == []
        assert len(other.claimed_elsewhere(keys)) == 3
    finally:
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=30)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert other.claim(keys) == keys  # its process is gone
    assert any("is gone" in str(w.message) for w in caught)
    other.close()


def test_benchmark_returns_the_cases_asked_for_not_every_stored_row(tmp_path):
    from cvxreg.benchmark import benchmark

    store = tmp_path / "s.sqlite"
    benchmark(cases(("a", "b")), ["CLARABEL"], out=store, progress=False)
    frame = benchmark(cases(("c",)), ["CLARABEL"], out=store, progress=False)
    assert list(frame["problem"]) == ["c"]
    rows, _ = stored_keys(store)
    assert len(rows) == 3  # the store keeps them all


def test_a_fresh_report_refuses_a_folder_where_another_report_runs(tmp_path, capsys):
    from cvxreg.cli import main
    from cvxreg.store import lock_folder

    out = tmp_path / "rep"
    argv = ["report", "sklearn-lasso-toy", "--solvers", "CLARABEL", "--settings", "default", "--sizes"]
    assert main([*argv, "--out", str(out)]) == 0
    before = (out / "results.sqlite").read_bytes()
    running = lock_folder(out, fresh=False)  # another report, resumed there, still running
    try:
        assert main([*argv, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert "another cvxreg report" in err and "--resume" in err
        assert (out / "results.sqlite").read_bytes() == before  # its store was not deleted
        assert main([*argv, "--out", str(out), "--resume"]) == 0  # joining it is allowed
    finally:
        running.close()
    assert main([*argv, "--out", str(out)]) == 0  # the folder is free again
