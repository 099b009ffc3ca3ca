"""CSV reading with a progress bar for long files: bytes read (MB), rate and time left, on a
terminal only (:mod:`stridelab.progress`; quiet with ``-q`` and off a terminal, where the file is
read in one call exactly as before). The bar follows the file's own bytes (compressed ones for
``.gz``), so its total is known before reading."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pandas as pd

#: Files smaller than this (bytes on disk) are read without a bar (about a second or less).
MIN_BYTES = 4_000_000
#: Rows per chunk when a bar is drawn.
CHUNK_ROWS = 50_000


def read_csv(path: Path, description: str, **kwargs: Any) -> pd.DataFrame:
    """``pandas.read_csv(path, **kwargs)``, with a bar for a long file on a terminal."""
    from stridelab import progress

    size = path.stat().st_size
    if size < MIN_BYTES or not progress.shown():
        return pd.read_csv(path, **kwargs)
    kwargs.pop("low_memory", None)  # chunks are read with the C parser's own buffering
    chunks: list[pd.DataFrame] = []
    with open(path, "rb") as raw:
        src: Any = gzip.open(raw) if path.suffix.lower() == ".gz" else raw
        with progress.progress(description, size / 1e6, unit="MB") as advance:
            done = 0
            for chunk in pd.read_csv(src, chunksize=CHUNK_ROWS, **kwargs):
                chunks.append(chunk)
                pos = raw.tell()
                advance((pos - done) / 1e6)
                done = pos
    if not chunks:
        return pd.read_csv(path, **kwargs)
    return pd.concat(chunks, ignore_index=True)
