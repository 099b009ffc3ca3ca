"""Segments and angles of a long recording, computed in blocks of frames (issue 12).

:func:`stridelab.kinematics.model.compute_kinematics` filters every marker over the whole
recording, then builds the segments and angles from the filtered markers. For an hour of markers
the filtered copy, the filter's work buffers and every intermediate array of the segment frames
are each hundreds of MiB, allocated fresh (page faults: the system time grew faster than the
recording). Here the same steps run on blocks of :data:`BLOCK_FRAMES` frames, each with a margin
of frames on both sides for the filter, and only the results (segment arrays, points, angles) are
kept, written into arrays of the whole recording's length; the temporaries are those of one block.

Same values: every segment and angle is computed frame by frame, and the markers' presence (which
decides what can be built) is that of the whole recording; only the filter sees the block instead
of the recording. The zero-lag Butterworth filter's influence decays exponentially in time (its
impulse response falls by e^-40 within 9 / cut-off seconds), and a margin of 24 / cut-off seconds
(2 s at 12 Hz) puts the block's edges beyond it: what remains is floating-point rounding (about
1e-15 m; ``tests/test_kinematics_blocks.py`` compares both on real recordings).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from stridelab.dsp.filters import block_margin
from stridelab.kinematics.angles import all_angles, upper_arm_angle
from stridelab.kinematics.frames import Body, Segment, build_body
from stridelab.model.trial import MarkerData

#: Frames per block (about 55 s at 150 Hz): one block's temporaries are a few tens of MiB.
BLOCK_FRAMES = 8192


class BlocksDiffer(Exception):
    """The blocks of a recording gave different sets of segments or points (the caller then
    computes the recording in one piece)."""


def margin_frames(rate_hz: float, cutoff_hz: float | None) -> int:
    """Frames filtered beyond each side of a block: 24 / cut-off seconds (none without a filter;
    :func:`stridelab.dsp.filters.block_margin`)."""
    return 0 if cutoff_hz is None else block_margin(rate_hz, cutoff_hz)


def _slots(body: Body, angles: dict[str, dict[str, np.ndarray]], arm: dict[str, np.ndarray]) -> Iterator[tuple[tuple[str, ...], np.ndarray]]:
    """Every per-frame array of one block's results, with a key that names its place."""
    for name, seg in body.segments.items():
        for f in ("rotation", "origin", "proximal", "distal"):
            yield ("segment", name, f), getattr(seg, f)
    for name, x in body.points.items():
        yield ("point", name), x
    for name, by_side in angles.items():
        for side, x in by_side.items():
            yield ("angle", name, side), x
    for side, x in arm.items():
        yield ("arm", side), x


def blockwise_kinematics(
    markers: MarkerData,
    static: MarkerData | None,
    filter_block: Callable[[MarkerData], MarkerData],
    margin: int,
    block_frames: int = BLOCK_FRAMES,
) -> tuple[Body, dict[str, dict[str, np.ndarray]], dict[str, np.ndarray]]:
    """(body, angles, upper-arm angles) of the whole recording, built block by block.

    ``filter_block``: the marker filter applied to one block (with its margins), returning
    markers whose ``has`` answers for the whole recording (the markers with data anywhere in it:
    what each block may use, so that every block builds the same segments)."""
    n = markers.n_frames
    pos, t = markers.positions_m, markers.time_s
    full: dict[tuple[str, ...], np.ndarray] = {}
    alias: dict[tuple[str, ...], tuple[str, ...]] = {}  # a place that holds the same array as another (one copy)
    first: tuple[Body, dict[str, dict[str, np.ndarray]], dict[str, np.ndarray]] | None = None
    step = max(1, int(block_frames))
    for a in range(0, n, step):
        b = min(n, a + step)
        lo, hi = max(0, a - margin), min(n, b + margin)
        block = filter_block(MarkerData(pos[lo:hi], markers.names, markers.original_names, markers.rate_hz, t[lo:hi]))
        body = build_body(block, static)
        angles = all_angles(body)
        arm = {side: x for side in ("left", "right") if (x := upper_arm_angle(body, side)) is not None}
        del block
        if first is None:
            first = (body, angles, arm)
            seen: dict[int, tuple[str, ...]] = {}
            for key, x in _slots(body, angles, arm):
                if id(x) in seen:
                    alias[key] = seen[id(x)]
                else:
                    seen[id(x)] = key
                    full[key] = np.empty((n,) + x.shape[1:], dtype=x.dtype)
        got = dict(_slots(body, angles, arm))
        if got.keys() != full.keys() | alias.keys():
            raise BlocksDiffer
        for key, x in got.items():
            if key not in alias:
                full[key][a:b] = x[a - lo : b - lo]
    assert first is not None
    return _assemble(first, full, alias, markers)


def _assemble(first: tuple[Body, dict[str, dict[str, np.ndarray]], dict[str, np.ndarray]], full: dict[tuple[str, ...], np.ndarray], alias: dict[tuple[str, ...], tuple[str, ...]], markers: MarkerData) -> tuple[Body, dict[str, dict[str, np.ndarray]], dict[str, np.ndarray]]:
    def get(*key: str) -> Any:
        return full[alias.get(key, key)]

    body0, angles0, arm0 = first
    body = Body(markers.time_s, markers.rate_hz, messages=list(body0.messages))
    for name, seg in body0.segments.items():
        body.segments[name] = Segment(seg.name, seg.side, get("segment", name, "rotation"), get("segment", name, "origin"), get("segment", name, "proximal"), get("segment", name, "distal"), seg.method)
    for name in body0.points:
        body.points[name] = get("point", name)
    angles = {name: {side: get("angle", name, side) for side in by_side} for name, by_side in angles0.items()}
    arm = {side: get("arm", side) for side in arm0}
    return body, angles, arm


__all__ = ["BLOCK_FRAMES", "BlocksDiffer", "blockwise_kinematics", "margin_frames"]
