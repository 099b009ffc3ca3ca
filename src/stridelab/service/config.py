"""Settings of one service instance (all with safe defaults; ``stridelab serve`` sets a few)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


def _default_uploads() -> Path:
    return Path(tempfile.gettempdir()) / f"stridelab-uploads-{os.getuid()}"


@dataclass
class ServiceConfig:
    """``db``: the record (URL or file; None: ``$STRIDELAB_DB`` or the per-user default).
    ``upload_dir``: where uploads are kept, under their SHA-256. ``max_upload_bytes``: limit of one
    request body (default 512 MB). ``rate_per_s``/``burst``: token-bucket rate limit per token.
    ``parse_timeout_s``/``parse_memory_bytes``: limits of the child process that reads and analyses
    one upload. ``workers``: child processes at once. ``sync_wait_s``: how long an upload waits for
    its result before answering with a job id (video: never waits). ``thresholds``: the clinic's own
    flag thresholds (``stridelab history --thresholds``), for every runner."""

    db: str | None = None
    upload_dir: Path = field(default_factory=_default_uploads)
    max_upload_bytes: int = 512 * 1024 * 1024
    max_files: int = 16
    rate_per_s: float = 20.0
    burst: int = 60
    parse_timeout_s: float = 600.0
    parse_memory_bytes: int = 4 * 1024**3
    workers: int = max(1, min(4, os.cpu_count() or 1))
    sync_wait_s: float = 120.0
    thresholds: Path | None = None
