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

__all__ = ["Outcome", "OutcomeKind", "run_in_process", "run_isolated"]


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


def run_isolated(fn: Callable[[], Any], timeout: float | None) -> Outcome:
    """Run ``fn`` in a forked child; its value, exception, crash or time-out is the ``Outcome``."""
    if not hasattr(os, "fork"):
        return run_in_process(fn)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        code = 0
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)  # solvers print banners; keep the parent's terminal clean
            os.dup2(devnull, 2)
            try:
                payload = Outcome(OutcomeKind.OK, fn())
            except BaseException as exc:
                payload = Outcome.from_exception(exc)
            data = pickle.dumps(payload)
            view = memoryview(data)
            while view:
                n = os.write(write_fd, view)
                view = view[n:]
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = None if timeout is None else time.monotonic() + timeout
    timed_out = False
    try:
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([read_fd], [], [], wait)
            if not ready:
                timed_out = True
                break
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return Outcome(OutcomeKind.TIMEOUT, message=f"no answer within {timeout:g} s; the solver process was killed")
    _, status = os.waitpid(pid, 0)
    if chunks:
        try:
            return pickle.loads(b"".join(chunks))
        except Exception as exc:  # a truncated message: the child died while writing
            why = f"the solver process sent an unreadable result ({type(exc).__name__})"
            return Outcome(OutcomeKind.CRASHED, message=why)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        why = f"the solver process was killed by signal {sig} ({signal.Signals(sig).name})"
    else:
        why = f"the solver process exited with code {os.WEXITSTATUS(status)} without a result"
    return Outcome(OutcomeKind.CRASHED, message=why)
