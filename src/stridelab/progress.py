"""Progress bars for long work (video frames, long recordings), shown on a terminal only.

Library code reports progress through :func:`progress`; nothing is drawn unless the command line
switched it on (:func:`enable`, not with ``-q``) and stderr is a terminal, so scripts, pipes, tests
and the JSON on stdout never see a bar. The bar goes to a duplicate of stderr's file descriptor
taken when it starts, so it still shows while a pose model's C++ logging is silenced by redirecting
descriptor 2. It shows the count, the rate (per second) and the time left, and disappears when done.
A bar with a known amount of work started inside a spinner (e.g. a long file's bytes while "reading"
spins) takes the spinner's place until it is done.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_ENABLED = False
_ACTIVE = False
#: The rich Progress of the spinner being drawn, if any (a nested bar with a total replaces it).
_SPINNER: Any = None


def enable(on: bool = True) -> None:
    """Allow progress bars (the CLI calls this unless ``-q`` is given)."""
    global _ENABLED
    _ENABLED = on


def shown() -> bool:
    """True when a bar would be drawn: enabled and stderr is a terminal."""
    try:
        return _ENABLED and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _noop(n: float = 1) -> None:
    return None


@contextmanager
def progress(description: str, total: float | None, unit: str = "frames") -> Iterator[Callable[[float], None]]:
    """A context giving ``advance(n=1)``; draws a bar with rate and time left when :func:`shown`
    (without a total: a spinner with the elapsed time). One bar at a time: nested work draws none,
    except that a bar with a total replaces a spinner while it runs."""
    global _ACTIVE, _SPINNER
    if not shown() or (_ACTIVE and not (total and _SPINNER is not None)):
        yield _noop
        return
    if _ACTIVE:
        spinner, _SPINNER = _SPINNER, None
        spinner.stop()
        try:
            yield from _draw(spinner.console.file, description, total, unit)
        finally:
            _SPINNER = spinner
            spinner.start()
        return
    try:
        sys.stderr.flush()
        fd = os.dup(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):
        yield _noop
        return
    _ACTIVE = True
    try:
        with os.fdopen(fd, "w") as stream:
            yield from _draw(stream, description, total, unit)
    finally:
        _ACTIVE = False


def _draw(stream: Any, description: str, total: float | None, unit: str) -> Iterator[Callable[[float], None]]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:.0f} {unit}/s" if speed else f"- {unit}/s")

    console = Console(file=stream, force_terminal=True)
    columns: tuple[Any, ...]
    if total:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(), TextColumn("left"), TimeRemainingColumn())
    else:
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    global _SPINNER
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=total or None)

        def advance(n: float = 1) -> None:
            bar.advance(task, n)

        if not total:
            _SPINNER = bar
        try:
            yield advance
        finally:
            if not total:
                _SPINNER = None
