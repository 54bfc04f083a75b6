"""A crash-safe store of benchmark rows: SQLite (Python's ``sqlite3``), one transaction per row.

Each (problem, solver, settings) is one row, keyed as text, so names such as ``"001"`` or
``"NA"`` stay what they are and a rerun never repeats a row. WAL mode and a transaction per
row mean a crash (or a full disk) loses at most the row being written, never the file. Runs
sharing one store *claim* the rows they are about to compute; a claim by a process that is
gone is taken over, so concurrent runs split the work and a rerun after a kill completes it.
``results.csv`` and the report are exported from the store.
"""

from __future__ import annotations

import json
import math
import os
import socket
import sqlite3
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

__all__ = ["ResultStore", "StoreError"]

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
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 60.0) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise invalid("out", "benchmark", "a file path for the results store (not a folder)", str(path))
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
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

    def _claim(self, keys: Iterable[Key]) -> list[Key]:
        mine = []
        with self._transaction(immediate=True):
            done = self.done()
            claims = self._claims()
            for key in keys:
                if key in done:
                    continue
                owner = claims.get(key)
                if owner is not None and owner != self.owner and _alive(owner):
                    continue
                claim = (*key, self.owner, time.time())
                self._db.execute("INSERT OR REPLACE INTO claims VALUES (?, ?, ?, ?, ?)", claim)
                mine.append(key)
        return mine

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

    def claimed_elsewhere(self, keys: Iterable[Key]) -> list[Key]:
        """Of ``keys``, those not stored and claimed by another live run."""
        done = self.done()
        claims = self._claims()
        return [k for k in keys if k not in done and k in claims and claims[k] != self.owner and _alive(claims[k])]

    def _claims(self) -> dict[Key, str]:
        query = "SELECT problem, solver, settings, owner FROM claims"
        return {(p, s, t): owner for p, s, t, owner in self._db.execute(query)}

    def release(self) -> None:
        """Drop this run's claims (rows it did not finish)."""
        try:
            with self._transaction():
                self._db.execute("DELETE FROM claims WHERE owner=?", (self.owner,))
        except sqlite3.Error:
            pass

    def export_csv(self, path: str | os.PathLike[str], columns: list[str]) -> Path:
        """Write every stored row to a CSV file (atomically: a temporary file, then a rename)."""
        return write_csv_atomic(self.frame(columns), path)

    def close(self) -> None:
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


def _alive(owner: str) -> bool:
    """Whether the run ``host:pid`` is still running (another host's claims are trusted)."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname():
        return True
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError):
        return False
    except PermissionError:
        return True
    return True


def _parsed(text: Any) -> dict[str, Any] | None:
    """A stored row as a dict, or None when it is not a JSON object (invalid JSON, ``null``)."""
    try:
        row = json.loads(text)
    except (TypeError, ValueError):
        return None
    return row if isinstance(row, dict) else None
