"""What a batch analyses: one :class:`Job` per trial, the run-wide :class:`BatchOptions`, cache keys.

A job's cache key is the SHA-256 of everything its result depends on: the content hashes of the
trial, static and force files, the stridelab version, the run options and the job's own inputs
(path, runner, body mass, belt speed). An unchanged file analysed with unchanged options has an
unchanged key, and its cached result is reused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from stridelab._version import __version__

#: Bumped when the layout of a cached result changes (invalidates every cache entry).
CACHE_LAYOUT = "1"


@dataclass(frozen=True)
class BatchOptions:
    """Analysis options shared by every trial of a batch (per-trial values come from the job)."""

    events_from: str = "auto"
    environment: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Job:
    """One trial to analyse.

    Attributes:
        trial_id: unique name of the trial in the batch (its path relative to the input root).
        trial: path of the recording.
        static / forces: its standing trial and separate force file, when found.
        runner: runner id (from a manifest, or the lab's file naming).
        mass_kg / speed_mps: body mass and belt speed given to the analysis, when known.
        sources: how each of the above was found (``"manifest"``, ``"naming: ..."``, ...).
        hashes: SHA-256 of trial, static and forces (filled by :func:`stridelab.batch.hashes.hash_jobs`).
        synthetic: the trial is SYNTHETIC (its folder has ``SYNTHETIC.txt``, or the manifest says so).
    """

    trial_id: str
    trial: str
    static: str | None = None
    forces: str | None = None
    runner: str | None = None
    mass_kg: float | None = None
    speed_mps: float | None = None
    sources: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    synthetic: bool = False

    def inputs(self) -> dict[str, str]:
        """Role -> path of every file the job reads."""
        out = {"trial": self.trial}
        if self.static:
            out["static"] = self.static
        if self.forces:
            out["forces"] = self.forces
        return out

    def key(self, options: BatchOptions) -> str:
        """Cache key (hex SHA-256) of this job's result; needs :attr:`hashes`."""
        missing = [r for r in self.inputs() if r not in self.hashes]
        if missing:
            raise ValueError(f"{self.trial_id}: no content hash for {', '.join(missing)}")
        doc = {
            "layout": CACHE_LAYOUT,
            "stridelab_version": __version__,
            "options": options.to_dict(),
            "job": {k: v for k, v in asdict(self).items() if k not in ("sources", "hashes")},
            "hashes": self.hashes,
        }
        return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Job:
        return cls(**d)


__all__ = ["BatchOptions", "CACHE_LAYOUT", "Job"]
