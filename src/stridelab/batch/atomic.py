"""Atomic writes: a file or a folder appears complete under its final name, or not at all.

Everything is written to a temporary name in the same folder, then renamed (``os.replace`` for
files, ``os.rename`` for folders; both atomic on POSIX within one file system). A batch killed at
any moment leaves at most temporary names behind (``.tmp-*``), which :func:`clean_temporaries`
removes on the next run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from stridelab.atomic import (  # the files: the one atomic writer of every command
    TMP_PREFIX,
    write_bytes,
    write_text,
)


def temp_path(path: Path) -> Path:
    """A temporary name beside ``path`` (for writers that need a file name, e.g. Parquet)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=path.suffix, dir=path.parent)
    os.close(fd)
    return Path(tmp)


def temp_dir(parent: Path) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=parent))


def publish_dir(tmp: Path, final: Path) -> bool:
    """Rename a finished temporary folder to ``final``; False (and ``tmp`` removed) if another
    process published it first."""
    try:
        os.rename(tmp, final)
        return True
    except OSError:
        if final.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
            return False
        raise


def clean_temporaries(folder: Path) -> int:
    """Remove temporary names left by a killed run directly inside ``folder``; how many."""
    n = 0
    if not folder.is_dir():
        return 0
    for p in folder.iterdir():
        if p.name.startswith(TMP_PREFIX):
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
            n += 1
    return n


__all__ = ["TMP_PREFIX", "clean_temporaries", "publish_dir", "temp_dir", "temp_path", "write_bytes", "write_text"]
