"""Options that every reader understands (all optional; what the file says comes first)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class ReadOptions:
    """How to read a recording.

    Attributes:
        forces: a separate force file (text or MOT) recorded with the marker file.
        static: a standing calibration trial.
        markerset: a user marker-name mapping file (JSON or CSV).
        preset: force a shipped marker-set preset by name.
        units: declared length units of the marker file ("mm", "cm", "m"); checked against the data.
        vertical_axis / forward_axis: declared signed file axes, e.g. "+Y" / "-Z".
        rate_hz / forces_rate_hz: sampling rates for text files whose time column is a frame counter.
        start_s / end_s: analyse only this window (seconds on the file's own time axis).
        max_gap_s: marker gaps up to this length are filled (cubic spline); longer ones are reported.
        location: sensor location for single-sensor IMU files.
    """

    forces: Path | None = None
    static: Path | None = None
    markerset: Path | None = None
    preset: str | None = None
    units: str | None = None
    vertical_axis: str | None = None
    forward_axis: str | None = None
    rate_hz: float | None = None
    forces_rate_hz: float | None = None
    start_s: float | None = None
    end_s: float | None = None
    max_gap_s: float = 0.1
    location: str | None = None
