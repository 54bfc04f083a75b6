"""Run one function in a forked child process, with a time limit, and survive its crash.

A solver may raise, kill its own process or hang; the parent gets a status either way.
``os.fork`` (not ``multiprocessing``) so it also works inside daemonic worker processes
(joblib/loky, Dask). On platforms without ``fork`` the function runs in-process, with no
time limit.
"""

from __future__ import annotations

import enum
import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_TIMEOUT", "Outcome", "OutcomeKind", "die_with_parent", "run_in_process", "run_isolated"]

#: The longest time limit a solve may be given: a year (1e300 s overflowed the clock's arithmetic).
MAX_TIMEOUT = 365 * 24 * 3600.0


class OutcomeKind(enum.StrEnum):
    OK = "ok"
    ERROR = "error"
    TIMEOUT = "timeout"
    CRASHED = "crashed"


@dataclass(frozen=True)
class Outcome:
    """What became of one run: its value (``OK``), or why there is none.

    ``error_type`` is the exception's class name for ``ERROR`` (e.g. ``"InvalidParameterError"``).
    """

    kind: OutcomeKind
    value: Any = None
    message: str = ""
    error_type: str = ""

    @classmethod
    def from_exception(cls, exc: BaseException) -> Outcome:
        return cls(OutcomeKind.ERROR, message=f"{type(exc).__name__}: {exc}", error_type=type(exc).__name__)


def run_in_process(fn: Callable[[], Any]) -> Outcome:
    """Run ``fn`` here: an exception becomes an ``ERROR`` outcome (no crash or time protection)."""
    try:
        return Outcome(OutcomeKind.OK, fn())
    except Exception as exc:
        return Outcome.from_exception(exc)


_HEADER = 8  # bytes of the payload's length, sent first


def die_with_parent() -> None:
    """Linux: ask the kernel to SIGKILL this process when its parent dies (even by SIGKILL),
    so a solver never outlives the run that started it. Elsewhere nothing happens."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _kill_group(pid: int) -> None:
    """SIGKILL the child's process group (the solver and any helper it started), then reap."""
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
            break
        except (ProcessLookupError, PermissionError):
            continue
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def run_isolated(fn: Callable[[], Any], timeout: float | None) -> Outcome:
    """Run ``fn`` in a forked child; its value, exception, crash or time-out is the ``Outcome``.

    The child leads its own process group and dies with its parent; the parent reads a
    length-prefixed answer (so a helper process holding the pipe cannot make a finished solve
    look hung) and, on every way out (answer, time-out, crash, an interrupt of the caller),
    kills the whole group: no solver or helper is left behind.
    """
    if not hasattr(os, "fork"):
        return run_in_process(fn)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        code = 0
        try:
            os.setpgid(0, 0)
            die_with_parent()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)  # solvers print banners; keep the parent's terminal clean
            os.dup2(devnull, 2)
            try:
                payload = Outcome(OutcomeKind.OK, fn())
            except BaseException as exc:
                payload = Outcome.from_exception(exc)
            data = pickle.dumps(payload)
            view = memoryview(len(data).to_bytes(_HEADER, "big") + data)
            while view:
                n = os.write(write_fd, view)
                view = view[n:]
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    os.close(write_fd)
    try:
        os.setpgid(pid, pid)  # the child does it too: whichever runs first wins the race
    except (ProcessLookupError, PermissionError):
        pass
    buffer = bytearray()
    expected: int | None = None
    deadline = None if timeout is None else time.monotonic() + timeout
    timed_out = False
    try:
        while expected is None or len(buffer) < _HEADER + expected:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([read_fd], [], [], wait)
            if not ready:
                timed_out = True
                break
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break  # the child (and everything holding the pipe) is gone
            buffer += chunk
            if expected is None and len(buffer) >= _HEADER:
                expected = int.from_bytes(buffer[:_HEADER], "big")
    finally:
        os.close(read_fd)
        answered = expected is not None and len(buffer) >= _HEADER + expected
        status = _reap(pid, wait=not answered and not timed_out)
    if timed_out:
        return Outcome(OutcomeKind.TIMEOUT, message=f"no answer within {timeout:g} s; the solver process was killed")
    if expected is not None and len(buffer) >= _HEADER + expected:
        try:
            return pickle.loads(bytes(buffer[_HEADER : _HEADER + expected]))
        except Exception as exc:
            why = f"the solver process sent an unreadable result ({type(exc).__name__})"
            return Outcome(OutcomeKind.CRASHED, message=why)
    if buffer:  # a truncated message: the child died while writing
        return Outcome(OutcomeKind.CRASHED, message="the solver process died while sending its result")
    if status is not None and os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        why = f"the solver process was killed by signal {sig} ({signal.Signals(sig).name})"
    elif status is not None:
        why = f"the solver process exited with code {os.WEXITSTATUS(status)} without a result"
    else:
        why = "the solver process ended without a result"
    return Outcome(OutcomeKind.CRASHED, message=why)


def _reap(pid: int, *, wait: bool) -> int | None:
    """The child's exit status when it has already ended by itself (a crash), after killing
    its process group: whatever is still running there is killed in every case."""
    status = None
    if wait:  # the pipe closed without an answer: the child is ending, give it a moment
        until = time.monotonic() + 1.0
        while True:
            try:
                finished, raw = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return None
            if finished:
                status = raw
                break
            if time.monotonic() > until:
                break
            time.sleep(0.005)
    if status is None:
        _kill_group(pid)
    else:
        try:
            os.killpg(pid, signal.SIGKILL)  # helpers the crashed solver left in its group
        except (ProcessLookupError, PermissionError):
            pass
    return status
