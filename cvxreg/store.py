"""A crash-safe store of benchmark rows: SQLite (Python's ``sqlite3``), one transaction per row.

Each (problem, solver, settings) is one row, keyed as text, so names such as ``"001"`` or
``"NA"`` stay what they are and a rerun never repeats a row. WAL mode and a transaction per
row mean a crash (or a full disk) loses at most the row being written, never the file. Runs
sharing one store *claim* the rows they are about to compute, so concurrent runs split the
work and a rerun after a kill completes it.

A claim names its owner (host, process id and the process's start time, so a reused process id
is not mistaken for the owner) and holds a *lease*: a thread of the owner renews it while the
run is alive, and a claim is taken over (with a warning saying whose and why) when its owner
is gone from this host, or when its lease has not been renewed for ``lease`` seconds (an owner
on another host that was killed, or one stopped with SIGSTOP). ``results.csv`` and the report
are exported from the store.
"""

from __future__ import annotations

import json
import math
import os
import socket
import sqlite3
import threading
import time
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cvxreg._atomic import write_csv_atomic
from cvxreg._validation import invalid
from cvxreg.errors import CvxregError

__all__ = ["ResultStore", "StoreError", "lock_folder"]

Key = tuple[str, str, str]


class StoreError(CvxregError, OSError):
    """The store cannot be written (a full disk, a read-only folder); rows are kept in memory."""


def _plain(value: Any) -> Any:
    """A JSON value for one cell (NumPy scalars as Python ones; NaN stays NaN)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


class ResultStore:
    """Rows of a benchmark in an SQLite file (created when missing).

    Parameters
    ----------
    path : path
        The database file; its folder must exist.
    timeout : float, default 60
        Seconds to wait for another run's transaction.
    lease : float, default 120
        Seconds a claim stays valid without its owner renewing it (the owner renews it every
        quarter of that while it runs).
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 60.0, lease: float = 120.0) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise invalid("out", "benchmark", "a file path for the results store (not a folder)", str(path))
        if not (isinstance(lease, int | float) and not isinstance(lease, bool) and 0 < lease <= 86400):
            raise invalid("lease", "ResultStore", "a number of seconds in (0, 86400]", lease)
        self.lease = float(lease)
        self.owner = _owner_id(os.getpid())
        self._renewer: threading.Thread | None = None
        self._stop = threading.Event()
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS rows (problem TEXT NOT NULL, solver TEXT NOT NULL, "
                "settings TEXT NOT NULL, row TEXT NOT NULL, written REAL NOT NULL, "
                "PRIMARY KEY (problem, solver, settings))"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS claims (problem TEXT NOT NULL, solver TEXT NOT NULL, "
                "settings TEXT NOT NULL, owner TEXT NOT NULL, since REAL NOT NULL, "
                "PRIMARY KEY (problem, solver, settings))"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS cases (problem TEXT PRIMARY KEY, fingerprint TEXT NOT NULL)"
            )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot be used as a results store ({exc}).") from exc

    # -- reading --------------------------------------------------------------------------------
    def done(self) -> set[Key]:
        """The keys of the rows already stored (a row that no longer reads as one is not: it is
        computed again)."""
        try:
            found = self._db.execute("SELECT problem, solver, settings, row FROM rows").fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot be read ({exc}).") from exc
        return {(p, s, k) for p, s, k, text in found if _parsed(text) is not None}

    def rows(self) -> list[dict[str, Any]]:
        """Every stored row, in the order written; rows edited into something that is not a
        JSON object are left out with a warning (a rerun computes them again)."""
        out, broken = [], []
        for key, text in self._db.execute("SELECT problem, row FROM rows ORDER BY written, rowid"):
            row = _parsed(text)
            if row is None:
                broken.append(key)
                continue
            out.append({k: (math.nan if v is None and k not in _KEEP_NONE else v) for k, v in row.items()})
        if broken:
            warnings.warn(
                f"{self.path}: {len(broken)} stored row(s) of {sorted(set(map(str, broken)))[:5]} are not JSON "
                "objects (edited or damaged): left out, and computed again by a rerun.",
                RuntimeWarning,
                stacklevel=2,
            )
        return out

    def frame(self, columns: list[str]) -> pd.DataFrame:
        """The stored rows as a DataFrame with ``columns`` (missing ones empty)."""
        frame = pd.DataFrame(self.rows(), columns=columns)
        for key in ("problem", "solver", "settings"):
            frame[key] = frame[key].astype(object)
        return frame

    # -- writing --------------------------------------------------------------------------------
    def put(self, row: dict[str, Any]) -> None:
        """Store one row in its own transaction (a rerun's row replaces the old one)."""
        key = (str(row["problem"]), str(row["solver"]), str(row["settings"]))
        text = json.dumps({k: _plain(v) for k, v in row.items()})
        try:
            with self._transaction():
                self._db.execute(
                    "INSERT OR REPLACE INTO rows VALUES (?, ?, ?, ?, ?)", (*key, text, time.time())
                )
                self._db.execute("DELETE FROM claims WHERE problem=? AND solver=? AND settings=?", key)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: the row {key} could not be written ({exc}).") from exc

    def claim(self, keys: Iterable[Key]) -> list[Key]:
        """Claim the keys not yet stored nor claimed by a live run; returns those now ours."""
        try:
            return self._claim(keys)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: no row could be claimed ({exc}).") from exc

    def _claim(self, keys: Iterable[Key], force: bool = False) -> list[Key]:
        mine, taken = [], {}
        with self._transaction(immediate=True):
            done = self.done()
            claims = self._claims()
            now = time.time()
            for key in keys:
                if key in done:
                    continue
                owner, since = claims.get(key, (None, 0.0))
                if owner is not None and owner != self.owner:
                    why = "you stopped waiting" if force else self._stale(owner, since, now)
                    if why is None:
                        continue
                    taken[owner] = why
                self._db.execute("INSERT OR REPLACE INTO claims VALUES (?, ?, ?, ?, ?)", (*key, self.owner, now))
                mine.append(key)
        for owner, why in taken.items():
            warnings.warn(f"{self.path}: rows claimed by {owner} are taken over: {why}.", RuntimeWarning, stacklevel=3)
        if mine:
            self._renew_in_background()
        return mine

    def take_over(self, keys: Iterable[Key]) -> list[Key]:
        """Claim ``keys`` whatever their claims (a run that stopped waiting for them)."""
        try:
            return self._claim(keys, force=True)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: no row could be claimed ({exc}).") from exc

    def _stale(self, owner: str, since: float, now: float) -> str | None:
        """Why another run's claim no longer holds (None while it does)."""
        if now - since > self.lease:
            return f"not renewed for {now - since:.0f} s (the lease is {self.lease:g} s)"
        host, _, rest = owner.partition(":")
        if host != socket.gethostname():
            return None  # another machine: only its lease can tell
        pid, _, started = rest.partition(":")
        if not pid.isdigit():
            return "its owner cannot be read"
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return f"process {pid} is gone"
        except PermissionError:
            pass
        if started and _owner_id(int(pid)) != owner:
            return f"process id {pid} now belongs to another process"
        return None

    def _renew_in_background(self) -> None:
        """Renew this run's claims every quarter lease, from a thread with its own connection,
        until ``release`` or ``close``."""
        if self._renewer is not None and self._renewer.is_alive():
            return
        self._stop.clear()
        path, owner, every, stop = self.path, self.owner, self.lease / 4, self._stop

        def renew() -> None:
            db = sqlite3.connect(path, timeout=every, isolation_level=None)
            try:
                while not stop.wait(every):
                    try:
                        db.execute("UPDATE claims SET since=? WHERE owner=?", (time.time(), owner))
                    except sqlite3.Error:  # a busy or full store: the next round tries again
                        pass
            finally:
                db.close()

        self._renewer = threading.Thread(target=renew, name="cvxreg-store-lease", daemon=True)
        self._renewer.start()

    def check_cases(self, fingerprints: dict[str, str]) -> list[str]:
        """Record what each case is (its content's fingerprint); a case whose stored rows were
        computed for other content (same name, new data or problem) loses them, so they are
        solved again instead of being returned for the wrong problem. Returns those names."""
        changed = []
        try:
            with self._transaction(immediate=True):
                known = dict(self._db.execute("SELECT problem, fingerprint FROM cases"))
                for name, fingerprint in fingerprints.items():
                    if known.get(name, fingerprint) != fingerprint:
                        changed.append(name)
                        self._db.execute("DELETE FROM rows WHERE problem=?", (name,))
                        self._db.execute("DELETE FROM claims WHERE problem=?", (name,))
                    self._db.execute("INSERT OR REPLACE INTO cases VALUES (?, ?)", (name, fingerprint))
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: the cases could not be recorded ({exc}).") from exc
        return changed

    def claimed_elsewhere(self, keys: Iterable[Key]) -> dict[Key, str]:
        """Of ``keys``, those not stored and claimed by another live run, with their owners."""
        done, claims, now = self.done(), self._claims(), time.time()
        out = {}
        for key in keys:
            owner, since = claims.get(key, (None, 0.0))
            if key not in done and owner is not None and owner != self.owner and self._stale(owner, since, now) is None:
                out[key] = owner
        return out

    def _claims(self) -> dict[Key, tuple[str, float]]:
        query = "SELECT problem, solver, settings, owner, since FROM claims"
        return {(p, s, t): (owner, float(since)) for p, s, t, owner, since in self._db.execute(query)}

    def release(self) -> None:
        """Drop this run's claims (rows it did not finish) and stop renewing them."""
        self._stop.set()
        try:
            with self._transaction():
                self._db.execute("DELETE FROM claims WHERE owner=?", (self.owner,))
        except sqlite3.Error:
            pass

    def export_csv(self, path: str | os.PathLike[str], columns: list[str]) -> Path:
        """Write every stored row to a CSV file (atomically: a temporary file, then a rename)."""
        return write_csv_atomic(self.frame(columns), path)

    def close(self) -> None:
        self._stop.set()
        self._db.close()

    def _transaction(self, immediate: bool = False) -> Any:
        db = self._db

        class _Txn:
            def __enter__(self) -> None:
                db.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")

            def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
                db.execute("COMMIT" if kind is None else "ROLLBACK")

        return _Txn()


#: Columns whose missing value is None rather than NaN.
_KEEP_NONE = {"iterations", "support_match", "message", "dual_note", "model", "problem_class", "reference"}


def lock_folder(folder: Path, *, fresh: bool) -> Any:
    """Hold ``folder/.cvxreg-report.lock`` for a report writing there; returns the open lock file
    (the lock lasts until it is closed, or the process ends, however it ends).

    A fresh report (one that will delete the folder's store) needs the folder to itself: if
    another report holds it, ``StoreError`` names that report and the ways on (``--resume``
    joins it, sharing its store; another ``--out`` starts apart). A resumed report shares the
    folder with others. (``flock``: local file systems; on NFS the lock may not be seen.)"""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): no lock
        return None
    path = folder / ".cvxreg-report.lock"
    fh = open(path, "a+")  # held open for the whole report
    try:
        fcntl.flock(fh, (fcntl.LOCK_EX if fresh else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.seek(0)
        holder = fh.read().strip() or "another process"
        fh.close()
        if fresh:
            raise StoreError(
                f"{folder}: another cvxreg report ({holder}) is writing here, and a fresh report would delete "
                "its results; add --resume to join it (the rows are shared), or choose another --out."
            ) from None
        raise StoreError(f"{folder}: a fresh report ({holder}) is clearing this folder; try again.") from None
    if fresh:
        fh.seek(0)
        fh.truncate()
        fh.write(_owner_id(os.getpid()))
        fh.flush()
    return fh


def downgrade(lock: Any) -> None:
    """A fresh report's lock made shared once its old files are gone: ``--resume`` runs may join."""
    if lock is not None:
        import fcntl

        fcntl.flock(lock, fcntl.LOCK_SH)


def _owner_id(pid: int) -> str:
    """``host:pid:start``, the start being the process's start time in clock ticks after boot
    (``/proc/<pid>/stat``, field 22): a process id reused by a later process is another owner.
    Without ``/proc`` the start is left empty and the process id alone is compared."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()  # the name, in parentheses, may hold spaces
        started = fields[19].decode()
    except (OSError, IndexError):
        started = ""
    return f"{socket.gethostname()}:{pid}:{started}"


def _parsed(text: Any) -> dict[str, Any] | None:
    """A stored row as a dict, or None when it is not a JSON object (invalid JSON, ``null``)."""
    try:
        row = json.loads(text)
    except (TypeError, ValueError):
        return None
    return row if isinstance(row, dict) else None
