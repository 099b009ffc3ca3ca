"""Subject measures needed by the metrics: leg length (and its source).

Leg length, in order of preference: given by the user; from the static trial as the distance from
the anterior superior iliac spine to the medial malleolus (the clinical "true leg length", e.g.
Gurney 2002, Gait Posture 15:195), or from the greater trochanter to the lateral malleolus plus the
malleolus height; estimated as 0.53 x height (trochanteric height, Winter 2009, *Biomechanics and
Motor Control of Human Movement*, Fig. 4.1), and then labelled as estimated.
"""

from __future__ import annotations

import numpy as np

from stridelab.model import anthropometrics
from stridelab.model.axes import UP
from stridelab.model.trial import MarkerData, Trial


def _static_point(static: MarkerData, name: str) -> np.ndarray | None:
    if not static.has(name):
        return None
    with np.errstate(all="ignore"):
        p = np.nanmedian(static[name], axis=0)
    return p if np.all(np.isfinite(p)) else None


def leg_length_from_static(static: MarkerData) -> tuple[float, str] | None:
    """Mean of both legs' leg length (m) from a standing trial, and how it was measured."""
    vals = []
    how = ""
    for s in ("l_", "r_"):
        asis, mm = _static_point(static, s + "asis"), _static_point(static, s + "ankle_med")
        if asis is not None and mm is not None:
            vals.append(float(np.linalg.norm(asis - mm)))
            how = "static trial: ASIS to medial malleolus"
            continue
        gtr, lm = _static_point(static, s + "gtr"), _static_point(static, s + "ankle_lat")
        if gtr is not None and lm is not None:
            vals.append(float(np.linalg.norm(gtr - lm) + lm[UP] - _floor(static)))
            how = "static trial: greater trochanter to lateral malleolus, plus malleolus height"
    if not vals:
        return None
    return float(np.mean(vals)), how


def _floor(static: MarkerData) -> float:
    with np.errstate(all="ignore"):
        z = np.nanmedian(static.positions_m[:, :, UP], axis=0)
    z = z[np.isfinite(z)]
    return float(np.min(z)) - 0.01 if z.size else 0.0


def resolve_leg_length(trial: Trial) -> None:
    """Fill ``trial.subject.leg_length_m`` when it is not given."""
    subj = trial.subject
    if subj.leg_length_m is not None:
        return
    if trial.static is not None:
        r = leg_length_from_static(trial.static)
        if r is not None and 0.5 < r[0] < 1.3:
            subj.set("leg_length_m", r[0], r[1])
            return
    if subj.height_m is not None:
        subj.set("leg_length_m", anthropometrics.LEG_PER_HEIGHT * subj.height_m, "estimated as 0.53 x height (Winter 2009)")
