"""Checks of command-line values before any work is done: numbers in plausible ranges and output
paths that can be written without overwriting an input.

Everything here raises :class:`~stridelab.errors.UsageError` (exit code 2) with one line saying
what is wrong and what to do. The ranges are wide (they catch wrong units, not unusual runners):
a height of 181 "m" is a height in centimetres, a speed of 12 "m/s" on a treadmill is often km/h.
"""

from __future__ import annotations

from pathlib import Path

from stridelab.errors import UsageError
from stridelab.options_check import RANGES, check_number, check_window  # noqa: F401 - shared with the facade


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
