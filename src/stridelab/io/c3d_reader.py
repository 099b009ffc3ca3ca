"""Read a C3D file into a :class:`~stridelab.model.trial.Trial` (markers + force platforms)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stridelab.errors import InvalidInputError, UsageError
from stridelab.io.assemble import RawMocap, RawPlate, build_trial
from stridelab.io.c3d import parse_c3d
from stridelab.io.options import ReadOptions
from stridelab.model.trial import Trial

_MOMENT_SCALE = {"nmm": 1e-3, "n.mm": 1e-3, "nm": 1.0, "n.m": 1.0}
_POS_SCALE = {"mm": 1e-3, "m": 1.0, "cm": 1e-2}


def raw_from_c3d(path: str | Path, also: str | Path | None = None) -> RawMocap:
    """The parsed file as a :class:`RawMocap`; ``also``: a C3D to parse in the same child
    process for a later read (the static trial)."""
    d = parse_c3d(path, also=also)
    name = Path(path).name
    rate = d["rate_hz"]
    n_frames = d["positions"].shape[0]
    if n_frames == 0:
        raise InvalidInputError(f"{name}: the C3D file holds no frames")
    if not rate or rate <= 0:
        raise InvalidInputError(f"{name}: the C3D file has no point rate (POINT:RATE); the file is damaged")
    positions = d["positions"]
    if d["residual"] is not None:
        positions = positions.copy()
        positions[d["residual"] < 0] = np.nan  # C3D marks invalid samples with a negative residual
    t0 = d["first_frame0"] / rate
    time_s = t0 + np.arange(n_frames) / rate
    plates: list[RawPlate] = []
    arate = d["analog_rate_hz"] or rate
    for k, pf in enumerate(d["plates"]):
        n = pf["force"].shape[0]
        if n == 0:
            continue
        mscale = _MOMENT_SCALE.get(pf["unit_moment"].replace(" ", "").lower(), 1e-3)
        pscale = _POS_SCALE.get(pf["unit_position"].strip().lower(), 1e-3)
        ptype = d["plate_types"][k] if k < len(d["plate_types"]) else None
        plates.append(
            RawPlate(
                name=f"plate{k + 1}",
                rate_hz=float(arate),
                time_s=t0 + np.arange(n) / arate,
                force_n=pf["force"],
                cop=pf["cop"],
                free_moment_nm=pf["tz"] * mscale,
                corners=pf["corners"],
                plate_type=ptype,
                cop_scale_m=pscale,
            )
        )
    extra = {
        "first_frame": d["first_frame0"] + 1,
        "analog_rate_hz": d["analog_rate_hz"],
        "analog_labels": d["analog_labels"],
    }
    if d["subject_names"]:
        extra["c3d_subjects"] = d["subject_names"]
    if d.get("events"):
        extra["lab_events"] = d["events"]  # the lab's own events (EVENT group), see stridelab.io.c3d_events
    return RawMocap(
        names=d["labels"],
        positions=positions,
        rate_hz=float(rate),
        time_s=time_s,
        units=d["units"] or None,
        source=name,
        format="c3d",
        plates=plates,
        extra=extra,
    )


def read_c3d(path: str | Path, opts: ReadOptions | None = None) -> Trial:
    """Read markers and force platforms from a C3D file."""
    opts = opts or ReadOptions()
    if opts.forces is not None:
        raise UsageError(
            f"--forces {Path(opts.forces).name}: a C3D file carries its own force plates; drop --forces "
            "(a separate force file goes with a TRC or text marker file)"
        )
    static = opts.static if opts.static is not None and Path(opts.static).suffix.lower() == ".c3d" else None
    return build_trial(raw_from_c3d(path, also=static), opts, path)
