"""Content hashes of the batch's input files, remembered between runs.

The SHA-256 of a file is stored with its size and modification time in ``hashes.json`` of the
cache folder; an unchanged file (same size and mtime) is not read again, so re-running a batch
over unchanged files costs a ``stat`` per file. A file whose size or mtime changed is hashed anew,
and its new hash gives its jobs new cache keys.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from stridelab.batch.atomic import write_text
from stridelab.batch.jobs import Job
from stridelab.io.assemble import (
    sha256_of as sha256_file,  # one cached file digest for readers, batch and store
)

MISSING = "missing"


def _sha256_folder(path: str) -> str:
    h = hashlib.sha256()
    for name in sorted(os.listdir(path)):
        p = os.path.join(path, name)
        if os.path.isfile(p):
            h.update(name.encode())
            h.update(sha256_file(p).encode())
    return h.hexdigest()


class HashMemo:
    """``path -> (size, mtime_ns, sha256)`` kept in a JSON file."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.known: dict[str, list[object]] = {}
        self.read = 0
        if file.is_file():
            try:
                self.known = dict(json.loads(file.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                self.known = {}

    def sha256(self, path: str) -> str:
        try:
            st = os.stat(path)
        except OSError:
            return MISSING
        key = os.path.abspath(path)
        old = self.known.get(key)
        if old is not None and old[0] == st.st_size and old[1] == st.st_mtime_ns:
            return str(old[2])
        digest = _sha256_folder(path) if os.path.isdir(path) else sha256_file(path)
        self.read += 1
        self.known[key] = [st.st_size, st.st_mtime_ns, digest]
        return digest

    def save(self) -> None:
        write_text(self.file, json.dumps(self.known, sort_keys=True))


def hash_jobs(jobs: list[Job], memo: HashMemo) -> None:
    """Fill every job's :attr:`~stridelab.batch.jobs.Job.hashes`."""
    for j in jobs:
        j.hashes = {role: memo.sha256(p) for role, p in j.inputs().items()}


__all__ = ["HashMemo", "MISSING", "hash_jobs", "sha256_file"]
