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


# ------------------------------------------------------------------------------- the results store
def tiny_cases(names=("001", "NA", "null", "1.50")):
    import numpy as np

    import cvxreg as cr
    from cvxreg.benchmark import Case

    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 3)), rng.standard_normal(20)
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    return [Case(name, prob, X, y) for name in names]


def test_resume_keeps_names_that_look_like_numbers_or_missing_values(tmp_path):
    from cvxreg.benchmark import benchmark

    out = tmp_path / "results.csv"
    first = benchmark(tiny_cases(), ["CLARABEL"], out=out, progress=False)
    again = benchmark(tiny_cases(), ["CLARABEL"], out=out, progress=False)
    assert first.attrs["computed"] == 4 and again.attrs["computed"] == 0
    assert len(again) == 4 and list(again["problem"]) == ["001", "NA", "null", "1.50"]
    import pandas as pd

    exported = pd.read_csv(out, dtype={"problem": str}, keep_default_na=False)
    assert sorted(exported["problem"]) == sorted(["001", "NA", "null", "1.50"])


def test_a_full_disk_loses_no_computed_row_and_a_rerun_completes(tmp_path, monkeypatch):
    # The write fails after two rows (an injected ENOSPC, as sqlite reports a full disk): every
    # computed row still comes back, the warning says what was not written, and a rerun with
    # room again completes the store with each row exactly once.
    import sqlite3

    from cvxreg import store as store_module
    from cvxreg.benchmark import benchmark

    real_put = store_module.ResultStore.put
    written = []

    def put(self, row):
        if len(written) >= 2:
            raise store_module.StoreError(f"{self.path}: {sqlite3.OperationalError('database or disk is full')}")
        written.append(row)
        real_put(self, row)

    monkeypatch.setattr(store_module.ResultStore, "put", put)
    out = tmp_path / "r.sqlite"
    with pytest.warns(RuntimeWarning, match="database or disk is full"):
        frame = benchmark(tiny_cases(), ["CLARABEL", "SCS"], out=out, progress=False)
    assert len(frame) == 8 and frame["status"].eq("optimal").all() and "store_error" in frame.attrs
    monkeypatch.setattr(store_module.ResultStore, "put", real_put)
    rerun = benchmark(tiny_cases(), ["CLARABEL", "SCS"], out=out, progress=False)
    assert rerun.attrs["computed"] == 6 and len(rerun) == 8
    assert not rerun.duplicated(["problem", "solver", "settings"]).any()


@pytest.mark.slow  # 14 s; test_a_full_disk_loses_no_computed_row_and_a_rerun_completes injects ENOSPC by default
@pytest.mark.skipif(sys.platform != "linux", reason="tmpfs")
def test_a_real_full_disk(tmp_path):
    from cvxreg.benchmark import benchmark

    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs is not permitted here (the injected-ENOSPC test covers this)")
    try:
        (disk / "filler").write_bytes(b"x" * 40 * 1024)  # room for the store and a row or two
        cases = tiny_cases([f"case-{k}" for k in range(40)])
        with pytest.warns(RuntimeWarning, match="database or disk is full"):
            frame = benchmark(cases, ["CLARABEL", "SCS"], out=disk / "r.sqlite", progress=False)
        assert len(frame) == 80 and frame["status"].eq("optimal").all()  # every row, stored or not
        assert "database or disk is full" in frame.attrs["store_error"]
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_two_runs_on_one_store_split_the_work(tmp_path):
    script = textwrap.dedent(
        """
        import sys
        import numpy as np
        import cvxreg as cr
        from cvxreg.benchmark import Case, benchmark
        rng = np.random.default_rng(0)
        X, y = rng.standard_normal((40, 5)), rng.standard_normal(40)
        cases = [Case(f"p{k}", cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.5 + k)), X, y) for k in range(6)]
        frame = benchmark(
            cases, ["CLARABEL", "SCS", "ECOS"], settings=["default", "high"], out=sys.argv[1], progress=False
        )
        print(frame.attrs["computed"], len(frame))
        """
    )
    store = tmp_path / "shared.sqlite"
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(store)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300)[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    computed = [int(o[0]) for o in outs]
    assert sum(computed) == 36 and all(int(o[1]) == 36 for o in outs)  # each row solved once, both see all


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform != "linux", reason="Linux process semantics")
def test_a_killed_benchmark_reruns_to_each_row_exactly_once(tmp_path):
    notes = tmp_path / "pids.txt"
    store = tmp_path / "r.sqlite"
    script = SOLVERS + textwrap.dedent(
        """
        from cvxreg.benchmark import Case, benchmark
        cases = [Case(f"p{k}", prob, X, y) for k in range(3)]
        timeout = float(sys.argv[3])
        benchmark(cases, ["CLARABEL", Hanging()], out=sys.argv[2], timeout=timeout, progress=False)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(notes), str(store), "600"])
    try:
        assert wait_for(lambda: bool(pids(notes, "solver")), 60)
        solver = pids(notes, "solver")[0]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert wait_for(lambda: not alive(solver))
    finally:
        proc.kill()
        proc.wait()
    rerun = subprocess.run([sys.executable, "-c", script, str(notes), str(store), "1"], timeout=300)
    assert rerun.returncode == 0
    import sqlite3

    rows = sqlite3.connect(store).execute("SELECT problem, solver, settings FROM rows").fetchall()
    assert len(rows) == len(set(rows)) == 6  # 3 problems x 2 solvers, each once


# ------------------------------------------------------------------------------------ the gradebook
def test_gradebook_follows_no_link_echoes_nothing_and_grades_each_answer_alone(tmp_path, capsys):
    import json

    import pandas as pd

    from cvxreg.cli import main
    from cvxreg.exercises import bundled_dir

    probs = tmp_path / "probs"
    probs.mkdir()
    for name in ("islr-6.2.2-lasso-identity", "islr-6.2.2-ridge-identity"):
        (probs / f"{name}.toml").write_text((bundled_dir() / f"{name}.toml").read_text())
    secret = tmp_path / "secret.csv"
    secret.write_text("TOP-SECRET-TOKEN\n")
    answers = tmp_path / "answers"
    mallory = answers / "=HYPERLINK(\"x\")"  # a formula as a folder name
    mallory.mkdir(parents=True)
    (mallory / "islr-6.2.2-lasso-identity.csv").symlink_to(secret)  # a link to a secret
    (mallory / "islr-6.2.2-ridge-identity.json").write_text("[" * 100_000 + "]" * 100_000)  # nested deep
    eve = answers / "eve"
    eve.mkdir()
    (eve / "islr-6.2.2-lasso-identity.csv").write_text("coef\nTOP-SECRET-TOKEN\n")  # content that does not parse
    (eve / "islr-6.2.2-ridge-identity.json").write_text('{"coef": [' + "9" * 400 + ", 0, 0, 0]}")
    ada = answers / "ada"
    ada.mkdir()
    (ada / "islr-6.2.2-lasso-identity.json").write_text(json.dumps({"coef": [3, -1, 0, 0.5]}))
    (ada / "islr-6.2.2-ridge-identity.json").write_text(json.dumps({"coef": [2, -1, 0.25, 0.75]}))
    out = tmp_path / "grades.csv"
    assert main(["check", str(probs), "--answers", str(answers), "--out", str(out)]) == 1
    printed = capsys.readouterr()
    text = out.read_text()
    assert "TOP-SECRET-TOKEN" not in text and "TOP-SECRET-TOKEN" not in printed.out + printed.err
    book = pd.read_csv(out)
    assert len(book) == 6  # every answer graded, the hostile ones included
    assert book[book["student"] == "ada"]["passed"].all()
    linked = book[book["file"].astype(str).str.endswith("lasso-identity.csv") & (book["student"] != "eve")].iloc[0]
    assert "links are not followed" in linked["diagnoses"]
    assert book["student"].str.startswith("'=HYPERLINK").any()  # a formula is shown as text
    assert not book["student"].str.startswith("=").any()


# ------------------------------------------------------------------------------ unclear failures
def test_bad_input_to_benchmark_and_report_is_a_typed_error_naming_it(tmp_path):
    import numpy as np
    import pandas as pd

    import cvxreg as cr
    from cvxreg import report
    from cvxreg.benchmark import benchmark

    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    X, y = np.eye(3), np.ones(3)
    with pytest.raises(cr.InvalidParameterError, match=r"'problems'.*'p': tuple"):
        benchmark({"p": (prob, X)})
    with pytest.raises(cr.InvalidParameterError, match=r"'out'.*a file path"):
        benchmark({"p": (prob, X, y)}, ["CLARABEL"], out=tmp_path)
    other = tmp_path / "mine.csv"
    other.write_text("name,value\na,1\n")
    with pytest.raises(cr.InvalidParameterError, match=r"'out'.*an unrelated CSV"):
        benchmark({"p": (prob, X, y)}, ["CLARABEL"], out=other)
    assert other.read_text() == "name,value\na,1\n"  # the user's file is left alone
    for frame in (pd.DataFrame(), pd.DataFrame({"problem": ["p"], "solver": ["S"]})):
        with pytest.raises(cr.InvalidParameterError, match=r"'frame'.*without the columns"):
            report.write(frame, tmp_path / "r.md")
    old = benchmark({"p": (prob, X, y)}, ["CLARABEL"], progress=False).drop(columns=["duality_gap", "dual_note"])
    assert report.write(old, tmp_path / "r.html").stat().st_size > 0  # a frame from before a column existed


def test_one_bad_problem_file_is_named_and_skipped_by_the_report(tmp_path, capsys):
    from cvxreg.cli import main
    from cvxreg.exercises import bundled_dir

    folder = tmp_path / "probs"
    folder.mkdir()
    good = (bundled_dir() / "sklearn-lasso-toy.toml").read_text()
    (folder / "good.toml").write_text(good)
    bad = (bundled_dir() / "logistic-ridge-sklearn.toml").read_text()
    bad = bad.replace('loss = "logistic"', 'loss = "poisson"')  # labels -1/+1 are not counts
    (folder / "bad.toml").write_text(bad)
    out = tmp_path / "rep"
    code = main(["report", str(folder), "--solvers", "CLARABEL", "--settings", "default", "--sizes", "--out", str(out)])
    assert code == 0
    err = capsys.readouterr().err
    assert f"skipped {folder / 'bad.toml'}" in err and "'data' does not suit the formulation" in err
    assert (out / "results.csv").read_text().count("sklearn-lasso-toy") == 1


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform != "linux", reason="Linux process semantics")
def test_a_killed_parallel_benchmark_leaves_no_worker_or_solver(tmp_path):
    notes = tmp_path / "pids.txt"
    script = SOLVERS + textwrap.dedent(
        """
        from cvxreg.benchmark import Case, benchmark
        cases = [Case(f"p{k}", prob, X, y) for k in range(6)]
        benchmark(cases, [Hanging()], n_jobs=2, out=sys.argv[2], timeout=600, progress=False)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(notes), str(tmp_path / "r.sqlite")], stderr=subprocess.DEVNULL
    )
    try:
        assert wait_for(lambda: len(pids(notes, "solver")) >= 2, 120), "the solvers never started"
        started = pids(notes, "solver")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert wait_for(lambda: not any(alive(p) for p in started)), "a solver outlived the killed benchmark"
        time.sleep(2)
        assert pids(notes, "solver") == started  # no worker went on to start a queued solve
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_editing_x_after_a_solve_changes_neither_the_result_nor_the_next_answer(sparse):
    # X is not copied (a copy costs as much as a solve), so nothing may keep a view of it: the
    # stored result is its own numbers, and the next solve on the edited X is not the old one.
    import numpy as np
    import scipy.sparse as sps

    import cvxreg as cr

    rng = np.random.default_rng(3)
    dense = rng.standard_normal((40, 5))
    y = dense @ np.array([1.0, -2.0, 0.0, 0.5, 0.0]) + 0.1 * rng.standard_normal(40)
    X = sps.csr_matrix(dense) if sparse else dense.copy()
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(2.0))
    first = prob.solve(X, y)
    coef, cert = first.coef.copy(), first.certificate
    if sparse:
        X.data *= 3.0  # in place
    else:
        X *= 3.0
    again = prob.solve(X, y)
    assert np.array_equal(first.coef, coef) and first.certificate == cert
    fresh = prob.solve(dense * 3.0, y)
    assert np.allclose(again.coef, fresh.coef, atol=1e-10) and not np.allclose(again.coef, coef, atol=1e-3)


def test_output_that_cannot_be_written_is_exit_2_with_one_line(tmp_path, capsys):
    from cvxreg.cli import main
    from cvxreg.exercises import bundled_dir

    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder")
    argv = ["report", "sklearn-lasso-toy", "--solvers", "CLARABEL", "--settings", "default", "--sizes"]
    assert main([*argv, "--out", str(in_the_way)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"cvxreg: error: --out {in_the_way}: cannot write there") and len(err.splitlines()) == 1
    probs = tmp_path / "probs"
    probs.mkdir()
    (probs / "sklearn-lasso-toy.toml").write_text((bundled_dir() / "sklearn-lasso-toy.toml").read_text())
    (tmp_path / "answers" / "ada").mkdir(parents=True)
    assert main(["check", str(probs), "--answers", str(tmp_path / "answers"), "--out", str(tmp_path)]) == 2
    assert "cannot be written" in capsys.readouterr().err


def test_a_problem_file_nested_too_deep_is_a_problem_file_error(tmp_path):
    import cvxreg as cr
    from cvxreg.exercises import load

    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(cr.ProblemFileError, match=r"nested too deeply|not valid TOML"):
        load(path)


def test_ctrl_c_on_a_report_is_one_line_not_a_traceback(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "cvxreg", "report", "--jobs", "1", "--out", str(tmp_path / "rep")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )  # fmt: skip
    time.sleep(8)  # well into the solves
    # SCS and OSQP catch a Ctrl-C that lands inside their solve (SCS finishes, OSQP fails the solve),
    # so a user presses it again: so does this test, until the run stops.
    for _ in range(60):
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=2)
            break
        except subprocess.TimeoutExpired:
            continue
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err and "interrupted" in err


def test_output_files_are_whole_or_untouched(tmp_path, monkeypatch):
    import errno
    import pathlib

    import pandas as pd

    from cvxreg import report
    from cvxreg._atomic import write_atomic

    target = tmp_path / "report.html"
    target.write_text("the previous report", encoding="utf-8")

    def half_then_full_disk(tmp):
        tmp.write_text("<html>half of a re", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, half_then_full_disk)
    assert target.read_text(encoding="utf-8") == "the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary left behind

    # The report's own writer goes through it: a disk that fills during report.html leaves the old one.
    frame = pd.DataFrame({
        "problem": ["p"], "solver": ["CLARABEL"], "settings": ["default"], "status": ["optimal"], "success": [True],
        "error": [1e-9], "solve_time": [1e-3],
    })  # fmt: skip
    real = pathlib.Path.write_text

    def full(self, *args, **kwargs):
        if self.name.startswith(".report.html."):
            real(self, "<html>trunc", encoding="utf-8")
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "write_text", full)
    with pytest.raises(OSError):
        report.write_report(frame, tmp_path)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "the previous report"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_output_files_get_a_new_files_mode_not_a_private_one(tmp_path):
    # Was: written through mkstemp, report.html and results.csv were 0600, unreadable by a web
    # server or a colleague on a shared machine.
    import os
    import stat

    from cvxreg._atomic import write_text_atomic

    old = os.umask(0o022)
    try:
        path = write_text_atomic(tmp_path / "report.md", "# hi\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_ctrl_c_inside_a_finalizer_stops_the_run_without_a_traceback(capfd, monkeypatch):
    """A Ctrl-C that lands in a weakref callback or a ``__del__`` (logging's handler clean-up, a
    solver's finalizer) is not raised there: Python prints "Exception ignored in ..." with a
    traceback and goes on. The command line takes such an interrupt as the user's and stops."""
    from cvxreg.cli import _Interrupts, _interrupts_reach_the_run

    class Finalized:
        def __del__(self):
            raise KeyboardInterrupt

    state = _Interrupts()
    with pytest.raises(KeyboardInterrupt), _interrupts_reach_the_run(state):
        obj = Finalized()
        del obj
        for _ in range(2000):  # the interrupt arrives a moment later, in the main thread
            time.sleep(0.001)
    assert "Traceback" not in capfd.readouterr().err

    seen = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: seen.append(unraisable.exc_type))

    class Broken:
        def __del__(self):
            raise ValueError("not an interrupt")

    with _interrupts_reach_the_run(_Interrupts()):
        Broken()
    assert seen == [ValueError]  # other errors still reach the hook that was there, unchanged
    assert sys.unraisablehook is not None and sys.unraisablehook.__name__ == "<lambda>"


def test_an_error_a_ctrl_c_leaves_behind_is_reported_as_the_interruption(monkeypatch, capsys):
    """A Ctrl-C inside numba's first compilation of a kernel came out as numba's RuntimeError
    ("no compiled object yet") and a traceback (found by CI on a clean clone, whose numba cache
    is cold). After a Ctrl-C, the error it leaves behind is reported as the interruption; without
    one, the same error is not hidden."""
    import cvxreg.cli as cli

    def compiling(args):
        try:
            signal.raise_signal(signal.SIGINT)  # the user's Ctrl-C, in the middle of the work
            time.sleep(1)
        except KeyboardInterrupt:
            raise RuntimeError("no compiled object yet for <Library 'kernel'>") from None
        return 0

    monkeypatch.setattr(cli, "_demo", compiling)
    assert cli.main(["demo"]) == 130
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "interrupted" in err and "RuntimeError" in err and "Traceback" not in err

    def failing(args):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(cli, "_demo", failing)
    with pytest.raises(RuntimeError, match="a bug of ours"):
        cli.main(["demo"])
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handler is put back
