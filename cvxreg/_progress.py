"""Progress of the long loops (the points of a path, the folds of a cross-validation): nothing
for a loop that ends within ``AFTER`` seconds; after that a tqdm bar on a terminal (when tqdm is
installed), else a log line (logger ``cvxreg``, level INFO) at most every ``EVERY`` seconds."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

__all__ = ["AFTER", "EVERY", "Progress"]

#: Seconds a loop runs before its progress is shown.
AFTER = 1.0
#: Seconds between two log lines when there is no terminal.
EVERY = 10.0

_log = logging.getLogger("cvxreg")


class Progress:
    """``with Progress("path", total) as step: ... step()`` once per item done."""

    def __init__(self, what: str, total: int) -> None:
        self.what, self.total, self.done = what, total, 0
        self.began = self.logged = time.perf_counter()
        self.bar: Any = None

    def __enter__(self) -> Progress:
        return self

    def __call__(self) -> None:
        self.done += 1
        now = time.perf_counter()
        if now - self.began < AFTER:
            return
        if self.bar is None and _terminal():
            try:
                from tqdm.auto import tqdm
            except ImportError:  # tqdm is in the distributed extra: log lines instead
                pass
            else:
                self.bar = tqdm(total=self.total, desc=f"cvxreg {self.what}", initial=self.done, leave=False)
                return
        if self.bar is not None:
            self.bar.update(1)
        elif now - self.logged >= EVERY or self.logged == self.began:
            self.logged = now
            _log.info("%s: %d of %d done, %.1f s", self.what, self.done, self.total, now - self.began)

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.close()
        elif time.perf_counter() - self.began >= AFTER and self.logged != self.began:
            _log.info("%s: %d of %d done, %.1f s", self.what, self.done, self.total, time.perf_counter() - self.began)


def _terminal() -> bool:
    return bool(getattr(sys.stderr, "isatty", lambda: False)())
