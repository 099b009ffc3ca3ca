"""Untrusted uploads: copied to disk in chunks while hashed, typed from their content (magic bytes,
never the name given by the client) and kept under their SHA-256.

Types: C3D (byte 2 of the first block is 0x50, the parameter-section key of the C3D standard), FIT
(".FIT" at bytes 8-11, Garmin FIT protocol), MP4/MOV (``ftyp`` box at byte 4), AVI (RIFF....AVI ),
Matroska/WebM (1A 45 DF A3), and UTF-8 text: TRC (``PathFileType``), OpenSim MOT/STO (a header that
ends with ``endheader``), JSON keypoints (``{`` or ``[``), else delimited text. Anything else is refused.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from stridelab.errors import InvalidInputError

CHUNK = 1 << 20
VIDEO_SUFFIXES = (".mp4", ".avi", ".mkv")


@dataclass(frozen=True)
class Upload:
    """An upload on disk: ``path`` is ``<upload_dir>/<sha256><suffix>``; ``name`` only for display."""

    path: Path
    sha256: str
    size_bytes: int
    suffix: str
    name: str

    @property
    def is_video(self) -> bool:
        return self.suffix in VIDEO_SUFFIXES


def display_name(name: str | None) -> str:
    """A client's file name reduced to a harmless label (last path part, printable, at most 100 chars)."""
    base = (name or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable() and c not in "<>\"'&").strip(". ")
    return base[:100] or "upload"


def sniff_suffix(head: bytes) -> str:
    """The file suffix that names the content type of a file starting with ``head`` (up to 64 KiB)."""
    if len(head) >= 512 and head[1] == 0x50 and head[0] >= 2:
        return ".c3d"
    if len(head) >= 12 and head[8:12] == b".FIT" and head[0] in (12, 14):
        return ".fit"
    if head[4:8] == b"ftyp":
        return ".mp4"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return ".avi"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return ".mkv"
    if b"\x00" in head:
        raise InvalidInputError("unsupported file type: not C3D, FIT, MP4/MOV, AVI, WebM or text")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 4:  # a multi-byte character cut at the end of the head is fine
            raise InvalidInputError("unsupported file type: binary content that is not a known recording") from None
        text = head[: e.start].decode("utf-8")
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("PathFileType"):
        return ".trc"
    lines = [ln.strip().lower() for ln in stripped.splitlines()[:40]]
    if "endheader" in lines:
        return ".mot"
    if stripped.startswith(("{", "[")):
        return ".json"
    first = lines[0] if lines else ""
    if not first:
        raise InvalidInputError("empty file")
    return ".csv" if "," in first else ".txt"


def save_upload(src: BinaryIO, name: str | None, upload_dir: Path, max_bytes: int) -> Upload:
    """Copy ``src`` to ``upload_dir`` in 1 MiB chunks, hashing as it goes; refuse more than ``max_bytes``.
    The file ends up as ``<sha256><suffix>`` (the same content is kept once)."""
    upload_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    h = hashlib.sha256()
    size = 0
    head = b""
    fd, tmp = tempfile.mkstemp(dir=upload_dir, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := src.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadTooLarge(max_bytes)
                if len(head) < 65536:
                    head += chunk[: 65536 - len(head)]
                h.update(chunk)
                out.write(chunk)
        if size == 0:
            raise InvalidInputError("empty file")
        suffix = sniff_suffix(head)
        digest = h.hexdigest()
        final = upload_dir / f"{digest}{suffix}"
        os.replace(tmp, final)
        return Upload(final, digest, size, suffix, display_name(name))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class UploadTooLarge(InvalidInputError):
    """A request body or file over the configured limit."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"upload larger than the limit of {max_bytes} bytes")
        self.max_bytes = max_bytes


__all__ = ["Upload", "UploadTooLarge", "display_name", "save_upload", "sniff_suffix"]
