"""A progress bar for long batches: done/total, trials per second, elapsed and time left.

Shown on an interactive terminal only (quiet when the output goes to a file or a pipe, or with
``enabled=False``).
"""

from __future__ import annotations

import sys
from typing import Any


class BatchProgress:
    """``with BatchProgress(total) as p: p.advance(ok=True)``."""

    def __init__(self, total: int, enabled: bool = True, description: str = "analysing") -> None:
        self.total = total
        self.ok = 0
        self.failed = 0
        self._progress: Any = None
        self._task: Any = None
        if enabled and total > 0 and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
                TextColumn("{task.fields[rate]} trials/s"), TextColumn("{task.fields[failed]} failed"),
                TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
                console=Console(stderr=True), transient=False,
            )
            self._task = self._progress.add_task(description, total=total, rate="-", failed=0)

    def __enter__(self) -> BatchProgress:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def advance(self, ok: bool) -> None:
        if ok:
            self.ok += 1
        else:
            self.failed += 1
        if self._progress is not None:
            task = self._progress.tasks[0]
            speed = task.speed
            self._progress.update(self._task, advance=1, failed=self.failed, rate=f"{speed:.2f}" if speed else "-")


__all__ = ["BatchProgress"]
