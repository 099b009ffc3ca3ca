"""Cheap sniffers for the IMU formats of :mod:`stridelab.io.imu` (no pandas import: they run on the
CLI path for every ``.csv``/``.gz``/``.parquet`` input)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

LONG_REQUIRED = ("time_s", "acc_x", "acc_y", "acc_z")


def open_text(path: Path) -> Any:
    if path.suffix.lower() == ".gz":
        import gzip

        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def _header_after_comments(path: Path) -> str:
    try:
        with open_text(path) as fh:
            for _ in range(200):
                line = fh.readline(65536)  # bounded: never a whole one-line file
                if not line:
                    break
                if not line.startswith("#") and line.strip():
                    return str(line)
    except (OSError, EOFError):
        return ""
    return ""


def _parquet_columns(path: Path) -> list[str] | None:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        return None
    try:
        return list(pq.read_schema(path).names)
    except Exception:  # noqa: BLE001 - not a readable parquet file
        return None


def sniff_long(path: Path, first_line: str) -> bool:
    """True for stridelab's long IMU layout (CSV, CSV.gz or Parquet)."""
    if path.suffix.lower() == ".parquet":
        names = _parquet_columns(path)
        return names is not None and {c.lower() for c in names} >= set(LONG_REQUIRED)
    line = first_line
    if line.startswith("#"):
        line = _header_after_comments(path)
    cols = {c.strip().lower() for c in line.strip().split(",")}
    return cols >= set(LONG_REQUIRED)


def sniff_actigraph(path: Path, first_line: str) -> bool:
    """True for an ActiGraph-style export (``loc_id,date_time,x,y,z``)."""
    cols = [c.strip().lower() for c in first_line.strip().split(",")]
    return cols[:5] == ["loc_id", "date_time", "x", "y", "z"]
