"""Output files written whole or not at all: a temporary name in the same folder, then a rename.

A rename within one file system is atomic, so a reader (or the next run) sees the old file or
the new one, never half of one: a full disk, a kill or Ctrl-C during the write leaves the
previous file as it was and no temporary behind. The file gets the mode a new file gets
(``0o666`` less the umask), not the temporary's private ``0o600``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["spreadsheet_safe", "write_atomic", "write_bytes_atomic", "write_csv_atomic", "write_text_atomic"]


def write_atomic(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """``write(tmp)`` to a temporary file beside ``path``, then rename it to ``path``."""
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private: give it a new file's usual mode
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_bytes(data))


def spreadsheet_safe(value: Any) -> Any:
    """A cell a spreadsheet shows as text: a leading ``=``, ``+``, ``-``, ``@`` (a formula to
    Excel or LibreOffice), tab or carriage return gets a quote in front."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_csv_atomic(frame: Any, path: str | os.PathLike[str]) -> Path:
    """A pandas frame as CSV for people to open: text cells made formula-safe, written whole."""
    from pandas.api.types import is_string_dtype

    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or is_string_dtype(safe[column].dtype):
            safe[column] = safe[column].map(spreadsheet_safe)
    return write_atomic(path, lambda tmp: safe.to_csv(tmp, index=False))
