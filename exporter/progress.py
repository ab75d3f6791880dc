"""Progress on a terminal: records done, records per second and the time left.

``convert`` and ``dump`` show one line on standard error (tqdm, https://tqdm.github.io),
redrawn at least every half second, also while no record finishes. Nothing is shown when
standard error is not a terminal (a log file, a pipe, a test), or with ``--quiet``; the
line is cleared before other messages are printed (:meth:`RecordProgress.write`).

The total, and so the time left, is an estimate until the input is all seen: the input's
size over the size of its first records (:func:`exporter.ranges.estimate_records`).
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any


_KNOWN = "{n_fmt}/{total_fmt} records {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}, {rate_fmt}]"
_UNKNOWN = "{n_fmt} records [{elapsed}, {rate_fmt}]"


class RecordProgress:
    """A progress line for records; every method does nothing when it is not enabled."""

    def __init__(self, enabled: bool, total: int | None = None) -> None:
        self.enabled = enabled
        self._bar: Any = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._done: dict[object, int] = {}  # count per part (a dump's shards report apart)
        if not enabled:
            return
        from tqdm import tqdm

        # follow the terminal's width; one that says it has none (a bare pty) gets 100 columns
        sized = _columns() > 0
        self._bar = tqdm(total=total, file=sys.stderr, unit=" records", dynamic_ncols=sized,
                         ncols=None if sized else 100, mininterval=0.5, smoothing=0.05,
                         bar_format=_KNOWN if total else _UNKNOWN)
        self._ticker = threading.Thread(target=self._tick, name="exporter-progress", daemon=True)
        self._ticker.start()

    @classmethod
    def for_stderr(cls, wanted: bool | None, total: int | None = None) -> "RecordProgress":
        """Shown when ``wanted`` (``--progress``), or, when not said, when standard error is
        a terminal; never with ``wanted=False`` (``--quiet``)."""
        enabled = wanted if wanted is not None else _is_terminal()
        return cls(bool(enabled), total)

    def _tick(self) -> None:
        while not self._stop.wait(0.5):
            with self._lock:
                if self._bar is not None:
                    self._bar.refresh()

    def add(self, n: int = 1) -> None:
        if self._bar is not None:
            self._set(self._bar.n + n)

    def part(self, key: object, done: int) -> None:
        """Part ``key`` (a shard) has ``done`` records done so far (counts only grow)."""
        if self._bar is None:
            return
        with self._lock:
            if done <= self._done.get(key, 0):
                return
            self._done[key] = done
            total = sum(self._done.values())
        self._set(total)

    def _set(self, n: int) -> None:
        bar = self._bar
        if bar.total is not None and n > bar.total:
            bar.total = n
        bar.update(n - bar.n)

    def total(self, total: int) -> None:
        if self._bar is not None and total:
            self._bar.total = max(total, self._bar.n)
            self._bar.bar_format = _KNOWN

    def write(self, text: str) -> None:
        """Print a line on stderr, clearing the progress line first (and redrawing it)."""
        if self._bar is None:
            print(text, file=sys.stderr)
            return
        with self._lock:
            self._bar.write(text, file=sys.stderr)

    def close(self) -> None:
        if self._bar is None:
            return
        self._stop.set()
        with self._lock:
            if self._bar.total is not None:
                self._bar.total = self._bar.n
            self._bar.refresh()
            self._bar.close()
            self._bar = None


def _columns() -> int:
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 0


def _is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
