"""Checks of command-line values before any work is done: numbers in plausible ranges and output
paths that can be written without overwriting an input.

Everything here raises :class:`~stridelab.errors.UsageError` (exit code 2) with one line saying
what is wrong and what to do. The ranges are wide (they catch wrong units, not unusual runners):
a height of 181 "m" is a height in centimetres, a speed of 12 "m/s" on a treadmill is often km/h.
"""

from __future__ import annotations

import os
from pathlib import Path

from stridelab.errors import UsageError
from stridelab.options_check import RANGES, check_number, check_window  # noqa: F401 - shared with the facade


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_outputs(outputs: dict[str, Path | None], inputs: list[Path | None]) -> None:
    """Each output (option -> path; '-' is stdout) can be written, is not an input and is not given twice."""
    seen: dict[str, str] = {}
    for option, p in outputs.items():
        if p is None or str(p) == "-":
            continue
        for src in inputs:
            if src is not None and (_same_file(p, src) or p.resolve() == src.resolve()):
                raise UsageError(f"{option} {p} is an input file; choose another output path (inputs are never overwritten)")
        key = str(p.resolve())
        if key in seen:
            raise UsageError(f"{option} and {seen[key]} both write {p}; give each output its own path")
        seen[key] = option
        if p.is_dir():
            example = {"--json": "result.json", "--csv": "steps.csv", "--report": "report.html"}.get(option, "out")
            raise UsageError(f"{option} {p} is a folder; give a file name, e.g. {p / example}")
        if p.exists():
            if not os.access(p, os.W_OK):
                raise UsageError(f"{option} {p} cannot be overwritten (no permission); choose another path")
            continue
        parent = p.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not parent.is_dir():
            raise UsageError(f"{option} {p}: {parent} is a file, not a folder; choose another path")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise UsageError(f"{option} {p}: cannot write in {parent} (no permission); choose another path")
