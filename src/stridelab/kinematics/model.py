"""The kinematic model of one trial: filtered markers, segment frames and angles, computed once.

Markers are low-pass filtered (4th-order zero-lag Butterworth, ``MARKER_CUTOFF_HZ``) before the
frames are built. The same cut-off is used for the forces in inverse dynamics, so that the
ground reaction force and the segment accelerations carry the same frequencies (Kristianslund E,
Krosshaug T, van den Bogert AJ 2012, J Biomech 45:666-671; Bisseling RW, Hof AL 2006, J Biomech
39:2438). 12 Hz is at the upper end of the cut-offs that residual analysis gives for running
marker trajectories (Winter DA 2009, *Biomechanics and Motor Control of Human Movement*, 4th ed.,
ch. 2) and keeps the stance-phase force apart from the impact transient (the force metrics of
:mod:`stridelab.kinetics.loading` use the 50 Hz force instead).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stridelab.dsp import lowpass
from stridelab.kinematics.angles import all_angles, upper_arm_angle
from stridelab.kinematics.frames import Body, build_body
from stridelab.model.trial import MarkerData, Trial

MARKER_CUTOFF_HZ = 12.0


@dataclass
class Kinematics:
    """Body segments and angle time series (deg) of one trial, on the marker clock."""

    body: Body
    angles: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    arm_angle: dict[str, np.ndarray] = field(default_factory=dict)
    cutoff_hz: float | None = None

    @property
    def time_s(self) -> np.ndarray:
        return self.body.time_s


class _Markers(MarkerData):
    """Marker data that knows once which markers have data (``has`` is called often)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        valid = np.isfinite(self.positions_m[:, :, 0]).any(axis=0)
        self._present = {n for n, v in zip(self.names, valid, strict=True) if v}

    def has(self, *names: str) -> bool:
        return all(n in self._present for n in names)


def _filterable(mk: MarkerData, cutoff_hz: float | None) -> bool:
    return cutoff_hz is not None and mk.rate_hz >= 2.5 * cutoff_hz and mk.n_frames >= 8


def filter_markers(mk: MarkerData, cutoff_hz: float | None) -> tuple[MarkerData, float | None]:
    """Low-pass filtered copy of the markers (None cut-off or too slow a rate: unfiltered)."""
    pos = mk.positions_m
    if cutoff_hz is None or not _filterable(mk, cutoff_hz):
        return _Markers(pos, mk.names, mk.original_names, mk.rate_hz, mk.time_s), None
    use = np.isfinite(pos[:, :, 0]).any(axis=0)
    out = np.empty_like(pos) if use.all() else pos.copy()
    if use.all() and pos.dtype == np.float64 and pos.flags.c_contiguous:
        # every channel straight into the output (the same values as below, without the copies)
        lowpass(pos.reshape(mk.n_frames, -1), mk.rate_hz, cutoff_hz, axis=0, out=out.reshape(mk.n_frames, -1))
    elif use.any():
        sub = pos[:, use, :] if not use.all() else pos
        # one channel per (marker, coordinate) column, time first: lowpass filters axis 0
        out[:, use, :] = lowpass(sub.reshape(mk.n_frames, -1), mk.rate_hz, cutoff_hz, axis=0).reshape(mk.n_frames, -1, 3)
    return _Markers(out, mk.names, mk.original_names, mk.rate_hz, mk.time_s), cutoff_hz


def _detach(body: Body, positions: np.ndarray) -> None:
    """Give the body's points and segment arrays that are views of the filtered markers
    ``positions`` their own copies, so that the whole filtered array (every marker of the
    recording) is freed once the segments are built; the same view keeps one copy."""
    copies: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # id -> (the view, kept alive so that no id is reused; its copy)

    def own(x: np.ndarray) -> np.ndarray:
        if not np.may_share_memory(x, positions):
            return x
        if id(x) not in copies:
            copies[id(x)] = (x, x.copy())
        return copies[id(x)][1]

    for name, x in body.points.items():
        body.points[name] = own(x)
    for seg in body.segments.values():
        seg.rotation, seg.origin, seg.proximal, seg.distal = own(seg.rotation), own(seg.origin), own(seg.proximal), own(seg.distal)


def compute_kinematics(trial: Trial, cutoff_hz: float | None = MARKER_CUTOFF_HZ, block_frames: int | None = None) -> Kinematics | None:
    """Segments and angles of a trial with markers (None without markers).

    A recording longer than ``block_frames`` (default :data:`stridelab.kinematics.blocks.BLOCK_FRAMES`)
    is computed in blocks of that many frames (:mod:`stridelab.kinematics.blocks`: the same values
    to rounding, with the memory of one block for the temporaries)."""
    if trial.markers is None or trial.markers.n_frames < 2:
        return None
    from stridelab.kinematics import blocks

    mk0 = trial.markers
    block = blocks.BLOCK_FRAMES if block_frames is None else block_frames
    if mk0.n_frames > block:
        present = _Markers(mk0.positions_m, mk0.names, mk0.original_names, mk0.rate_hz, mk0.time_s)._present
        used = cutoff_hz if _filterable(mk0, cutoff_hz) else None

        def filter_block(part: MarkerData) -> MarkerData:
            out, _ = filter_markers(part, used)
            out._present = present  # type: ignore[attr-defined]  # what the whole recording has
            return out

        try:
            body, angles, arm = blocks.blockwise_kinematics(mk0, trial.static, filter_block, blocks.margin_frames(mk0.rate_hz, used), block)
            kin = Kinematics(body, angles, arm, cutoff_hz=used)
            return _messages(kin, trial)
        except blocks.BlocksDiffer:
            pass  # computed in one piece below
    mk, used = filter_markers(mk0, cutoff_hz)
    body = build_body(mk, trial.static)
    kin = Kinematics(body, all_angles(body), cutoff_hz=used)
    _detach(body, mk.positions_m)
    del mk
    for side in ("left", "right"):
        a = upper_arm_angle(body, side)
        if a is not None:
            kin.arm_angle[side] = a
    return _messages(kin, trial)


def _messages(kin: Kinematics, trial: Trial) -> Kinematics:
    """What the markers cannot support beyond the segments (trunk, elbows), added to ``kin.body.messages``."""
    body = kin.body
    assert trial.markers is not None
    if "thorax" not in body.segments:
        body.messages.append(
            f"trunk: needs c7, clav, strn and t10 (thorax, Wu 2005) or both acromions and hip centres; missing {', '.join(trial.markers.missing('c7', 'clav', 'strn', 't10'))}"
        )
    for side in ("left", "right"):
        if f"{side}_elbow" not in body.points:
            p = "l_" if side == "left" else "r_"
            body.messages.append(f"{side} elbow: needs {p}shoulder, {p}elbow_lat/med and {p}wrist_rad/uln; missing {', '.join(trial.markers.missing(p + 'shoulder', p + 'elbow_lat', p + 'wrist_rad'))}")
    return kin


__all__ = ["MARKER_CUTOFF_HZ", "Kinematics", "compute_kinematics", "filter_markers"]
