"""Progress lines for long runs: counts and rate on stderr, every few seconds, only when
stderr is a terminal (logs and Airflow stay quiet; the run summary says it all)."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, label: str, every: float = 2.0, stream=None):
        self.total, self.label, self.every = total, label, every
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.count = 0
        self.started = self._last = time.monotonic()

    def step(self, **extra) -> None:
        self.count += 1
        now = time.monotonic()
        if self.enabled and now - self._last >= self.every:
            self._last = now
            self._write(now, extra, end="\r")

    def done(self, **extra) -> None:
        if self.enabled and self.count:
            self._write(time.monotonic(), extra, end="\n")

    def _write(self, now: float, extra: dict, end: str) -> None:
        rate = self.count / max(now - self.started, 1e-9)
        details = "".join(f", {k} {v}" for k, v in extra.items())
        self.stream.write(f"{self.label} {self.count}/{self.total} ({rate:.1f}/s{details})   {end}")
        self.stream.flush()
