"""Checks of command-line values before any work is done: numbers in plausible ranges and output
paths that can be written without overwriting an input.

Everything here raises :class:`~stridelab.errors.UsageError` (exit code 2) with one line saying
what is wrong and what to do. The ranges are wide (they catch wrong units, not unusual runners):
a height of 181 "m" is a height in centimetres, a speed of 12 "m/s" on a treadmill is often km/h.
"""

from __future__ import annotations

import math
from pathlib import Path

from stridelab.errors import UsageError

#: option -> (low, high, unit, hint shown when the value is out of range)
RANGES: dict[str, tuple[float, float, str, str]] = {
    "--speed-mps": (0.5, 12.5, "m/s", "10 km/h = 2.78 m/s"),
    "--mass-kg": (20.0, 300.0, "kg", "1 lb = 0.4536 kg"),
    "--height-m": (0.8, 2.6, "m", "1.81 m, not 181"),
    "--leg-length-m": (0.3, 1.5, "m", "0.95 m, not 95"),
    "--rate-hz": (1.0, 100_000.0, "Hz", "the sampling rate in samples per second"),
    "--forces-rate-hz": (1.0, 100_000.0, "Hz", "the sampling rate in samples per second"),
}


def check_number(option: str, value: float | None) -> None:
    """A finite value inside the option's plausible range (see :data:`RANGES`), or None."""
    if value is None:
        return
    if not math.isfinite(value):
        raise UsageError(f"{option} must be a finite number (got {value})")
    lo, hi, unit, hint = RANGES[option]
    if not lo <= value <= hi:
        raise UsageError(f"{option} {value:g} is outside {lo:g}-{hi:g} {unit}; give it in {unit} ({hint})")


def check_window(start_s: float | None, end_s: float | None) -> None:
    for name, v in (("--start-s", start_s), ("--end-s", end_s)):
        if v is not None and not math.isfinite(v):
            raise UsageError(f"{name} must be a finite number of seconds (got {v})")
    if start_s is not None and end_s is not None and end_s <= start_s:
        raise UsageError(f"--end-s {end_s:g} must be after --start-s {start_s:g}")


def check_outputs(outputs: dict[str, Path | None], inputs: list[Path | None]) -> None:
    """Each output (option -> path; '-' is stdout) can be written, is not an input and is not given
    twice: :func:`stridelab.cli.paths.guard_outputs`, the one check every command uses."""
    from stridelab.cli.paths import guard_outputs

    guard_outputs(outputs, inputs)


def check_axes(vertical: str | None, forward: str | None) -> None:
    """Declared signed axes (``+Z``, ``-x``, ``Y``): one letter with at most one sign, and different axes."""
    import re

    letters = []
    for option, v in (("--vertical-axis", vertical), ("--forward-axis", forward)):
        if v is None:
            continue
        if not re.fullmatch(r"\s*[+-]?[XYZxyz]\s*", v):
            raise UsageError(f"{option} must be X, Y or Z with an optional sign, e.g. +Z or -X (got {v!r})")
        letters.append(v.strip().lstrip("+-").upper())
    if len(letters) == 2 and letters[0] == letters[1]:
        raise UsageError(f"--vertical-axis {vertical} and --forward-axis {forward} name the same axis; give two different axes")


def check_seed(seed: int | None) -> None:
    """A random seed numpy accepts: 0 to 2**32 - 1."""
    if seed is not None and not 0 <= seed < 2**32:
        raise UsageError(f"--seed must be between 0 and {2**32 - 1} (got {seed})")
