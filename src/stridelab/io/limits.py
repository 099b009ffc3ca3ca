"""Limits checked before any work: what is not a regular file, files too large, counts too large.

Everything here looks at a path with ``os.stat`` only (a FIFO or a device is never opened, so
nothing blocks and nothing is read without bound) and raises a stridelab error with one line that
names the problem and the override.

Overrides (environment variables, documented in the README and ``docs/validation.md``):

* ``STRIDELAB_MAX_INPUT_MB``: largest input file, in MB (default :data:`DEFAULT_MAX_INPUT_MB`;
  videos :data:`DEFAULT_MAX_VIDEO_MB`);
* ``STRIDELAB_MAX_SAMPLES``: largest frames x channels of one recording (default
  :data:`DEFAULT_MAX_SAMPLES`);
* ``STRIDELAB_MAX_COUNT``: largest user-given repetition count (``--permutations``,
  ``--repeats``; default :data:`DEFAULT_MAX_COUNT`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from stridelab.errors import InvalidInputError, UsageError

#: Largest input file in MB unless STRIDELAB_MAX_INPUT_MB says otherwise: a 30-s motion-capture
#: trial is 1-10 MB, a 1-hour FIT file under 5 MB, a 25-min 100-Hz accelerometer CSV 150 MB.
DEFAULT_MAX_INPUT_MB = 512.0
#: Largest video file in MB (a 10-min phone video at high quality is about 1-2 GB).
DEFAULT_MAX_VIDEO_MB = 4096.0
#: Largest frames x channels of one recording: 1e8 float64 values are 800 MB.
DEFAULT_MAX_SAMPLES = 100_000_000
#: Largest repetition count a user may ask for (permutations, CV repeats).
DEFAULT_MAX_COUNT = 100_000
#: Bytes a sniffer may read to tell a format (never a whole file).
SNIFF_BYTES = 65536

_VIDEO = {".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v"}


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        v = float(raw)
    except ValueError:
        raise UsageError(f"{name}={raw!r} is not a number") from None
    if not v > 0 or v != v or v == float("inf"):
        raise UsageError(f"{name}={raw!r} must be a positive number")
    return v


def max_input_bytes(path: Path | None = None) -> int:
    """The size cap for an input file (video files have their own)."""
    default = DEFAULT_MAX_VIDEO_MB if path is not None and path.suffix.lower() in _VIDEO else DEFAULT_MAX_INPUT_MB
    return int(_env_float("STRIDELAB_MAX_INPUT_MB", default) * 1e6)


def max_samples() -> int:
    return int(_env_float("STRIDELAB_MAX_SAMPLES", DEFAULT_MAX_SAMPLES))


def max_count() -> int:
    return int(_env_float("STRIDELAB_MAX_COUNT", DEFAULT_MAX_COUNT))


def check_input_path(path: str | Path, what: str = "input", allow_dir: bool = False) -> os.stat_result:
    """The ``os.stat`` of an input that exists, is a regular file (or a folder where ``allow_dir``)
    and is not larger than the cap; InvalidInputError with one line otherwise. Never opens it."""
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise InvalidInputError(f"{what} not found: {p}") from None
    except (OSError, ValueError) as e:
        reason = getattr(e, "strerror", None) or str(e)
        raise InvalidInputError(f"{what} {p}: cannot be read ({reason})") from None
    if stat.S_ISDIR(st.st_mode):
        if allow_dir:
            return st
        raise InvalidInputError(f"{what} {p} is a folder; give a file")
    if not stat.S_ISREG(st.st_mode):
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file"
        raise InvalidInputError(f"{what} {p} is {kind}, not a regular file; save the recording to a file and give that")
    cap = max_input_bytes(p)
    if st.st_size > cap:
        raise InvalidInputError(
            f"{what} {p.name} is {st.st_size / 1e6:.4g} MB, above the {cap / 1e6:.4g} MB limit; "
            "cut it into shorter recordings, or raise the limit with STRIDELAB_MAX_INPUT_MB"
        )
    if not os.access(p, os.R_OK):
        raise InvalidInputError(f"{what} {p}: no permission to read it")
    return st


def check_samples(n_frames: int, n_channels: int, source: str) -> None:
    """Refuse a recording whose frames x channels exceed the cap (STRIDELAB_MAX_SAMPLES)."""
    cap = max_samples()
    if n_frames * n_channels > cap:
        raise InvalidInputError(
            f"{source}: {n_frames} frames x {n_channels} channels is above the limit of {cap:.3g} values; "
            "analyse a shorter window, or raise the limit with STRIDELAB_MAX_SAMPLES"
        )


def check_count(option: str, value: int | None, low: int = 0, cap: int | None = None) -> None:
    """A user-given repetition count between ``low`` and ``cap`` (default :data:`DEFAULT_MAX_COUNT`);
    STRIDELAB_MAX_COUNT, when set, replaces the cap."""
    if value is None:
        return
    if value < low:
        raise UsageError(f"{option} must be {low} or more (got {value})")
    cap = max_count() if cap is None or os.environ.get("STRIDELAB_MAX_COUNT") else cap
    if value > cap:
        raise UsageError(f"{option} {value} is above the limit of {cap}; use fewer, or raise the limit with STRIDELAB_MAX_COUNT")


def head_text(path: Path, n_bytes: int = SNIFF_BYTES) -> str:
    """At most ``n_bytes`` of a file's start as text (decompressed for ``.gz``): what sniffers read."""
    try:
        if path.suffix.lower() == ".gz":
            import gzip

            with gzip.open(path, "rb") as fh:
                data = fh.read(n_bytes)
        else:
            with open(path, "rb") as fh:
                data = fh.read(n_bytes)
    except (OSError, EOFError, ValueError) as e:
        raise InvalidInputError(f"{path.name}: cannot read ({getattr(e, 'strerror', None) or e})") from None
    return data.decode("utf-8", errors="replace")


def first_line(path: Path, n_bytes: int = SNIFF_BYTES) -> str:
    """The first line of a text file, read within ``n_bytes`` (a one-line 12-MB file is not read whole)."""
    text = head_text(path, n_bytes)
    end = text.find("\n")
    return text if end < 0 else text[: end + 1]


__all__ = [
    "check_count",
    "check_input_path",
    "check_samples",
    "first_line",
    "head_text",
    "max_count",
    "max_input_bytes",
    "max_samples",
]
