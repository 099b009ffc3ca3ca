"""Atomic outputs: a file appears complete under its final name, or not at all.

Every output file of every command (``analyze --json/--csv/--report/--video-out``, the skill
outputs, ``synth``, the record report) is written to a temporary name in the same folder
(``.tmp-NAME-XXXX.SUFFIX``: same file system, same suffix so that writers choosing a format from
it still do) and renamed over the final name (``os.replace``, atomic on POSIX) only when the
writer finished. A failure, an exception or Ctrl-C removes the temporary file and leaves the final
name as it was: never a 0-byte or half-written output, never an older output half-replaced. A
process killed by SIGKILL can leave a ``.tmp-*`` file beside the output, never a broken output.

The output-path guard (:mod:`stridelab.cli.paths`) checks the paths before any work; this module
does the writing. It is a base module (imports nothing else of stridelab) so that every layer that
writes files (io, video, synth, skill, report, cli) can use it.

A path that is not a regular file name (``/dev/null``, another device, a FIFO) is written in place:
it cannot be renamed over, and the guard only lets ``/dev/null`` through.

The renamed file gets the permissions a plain ``open(path, "w")`` would give (``0o666`` less the
umask), or keeps those of the file it replaces.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

#: Prefix of the temporary names (a killed run may leave one behind; safe to delete).
TMP_PREFIX = ".tmp-"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _in_place(p: Path) -> bool:
    """True for existing paths that are not regular files (devices, FIFOs): written directly."""
    try:
        st = os.stat(p)
    except OSError:
        return False
    return not stat.S_ISREG(st.st_mode)


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` for a writer that needs a file name; on normal exit
    rename it to ``path``, on any exception remove it (``path`` is left untouched).

    The parent folder is created if needed. If the writer wrote nothing (no file at the temporary
    name), nothing is renamed and ``path`` is left as it was.
    """
    p = Path(path)
    if _in_place(p):
        yield p
        return
    p.parent.mkdir(parents=True, exist_ok=True)
    suffix = p.suffix if len(os.fsencode(p.suffix)) <= 16 else ""
    stem = p.stem[:40]  # the temporary name must fit the file system's name limit too
    fd, tmp_name = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{stem}-", suffix=suffix, dir=p.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if not tmp.exists():
            return
        try:
            mode = stat.S_IMODE(os.stat(p).st_mode)
        except OSError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, p)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """``open`` for writing, atomically: ``with atomic_open(p, "w", encoding="utf-8") as fh: ...``.

    ``mode`` is ``"w"``, ``"wb"`` or ``"wt"``; ``kwargs`` go to :func:`open`.
    """
    if "w" not in mode or any(c in mode for c in "ar+x"):
        raise ValueError(f"atomic_open writes a new file; mode {mode!r} is not supported")
    with atomic_path(path) as tmp, open(tmp, mode, **kwargs) as fh:
        yield fh


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; the path."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; the path."""
    with atomic_open(path, "w", encoding=encoding) as fh:
        fh.write(text)
    return Path(path)


__all__ = ["TMP_PREFIX", "atomic_open", "atomic_path", "write_bytes", "write_text"]
