"""Anatomical checks of marker labels: swapped medial/lateral pairs are put right, and said.

A medial marker of the foot, ankle or knee lies towards the body's midline from its lateral
partner in every frame of running or standing (the segments never turn by 90° about their long
axis). When the median medio-lateral offset of a pair has the wrong sign by more than 2 cm, the
two labels were swapped in the lab (it happens: the Fukuchi 2017 running trials of RBDS001 have
R.MT1 and R.MT5 swapped relative to the static trial); the trajectories are exchanged back and a
warning names the markers.
"""

from __future__ import annotations

import numpy as np

from stridelab.model.axes import LEFT
from stridelab.model.trial import MarkerData, QualityLog

#: (medial, lateral) landmark suffixes checked on each side.
MEDIAL_LATERAL_PAIRS = (("mt1", "mt5"), ("ankle_med", "ankle_lat"), ("knee_med", "knee_lat"), ("heel_med", "heel_lat"), ("toe", "toe5"))

MIN_OFFSET_M = 0.02


def fix_swapped_pairs(markers: MarkerData, quality: QualityLog, what: str = "trial") -> list[tuple[str, str]]:
    """Swap back medial/lateral pairs whose labels are exchanged; returns the pairs swapped."""
    swapped = []
    for side, medial_sign in (("l_", -1.0), ("r_", 1.0)):
        for med, lat in MEDIAL_LATERAL_PAIRS:
            a, b = side + med, side + lat
            if not markers.has(a, b):
                continue
            with np.errstate(all="ignore"):
                off = float(np.nanmedian((markers[a][:, LEFT] - markers[b][:, LEFT]) * medial_sign))
            if np.isfinite(off) and off < -MIN_OFFSET_M:
                i, j = markers.names.index(a), markers.names.index(b)
                pos = markers.positions_m
                pos[:, [i, j], :] = pos[:, [j, i], :]
                oi, oj = markers.original_names[i], markers.original_names[j]
                quality.warn(
                    f"{what}: markers {oi} and {oj} look swapped ({oi} is {abs(off) * 100:.0f} cm lateral of {oj}); "
                    "their trajectories were exchanged back"
                )
                swapped.append((oi, oj))
    return swapped
