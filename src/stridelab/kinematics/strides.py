"""Per-stride joint-angle curves of an analysed trial, for consumers such as the skill scores.

:func:`stride_curves` reads the gait cycles that the kinematics stage stored in
``analysis.cache["angle_cycles"]`` (:class:`stridelab.kinematics.cycles.CycleSet`) and returns the
strides the kinematics *kept*: strides rejected by :func:`stridelab.kinematics.cycles.build_cycles`
(stride time more than 20 % from the median, more than 10 % missing samples, curve outliers) and
strides with any missing sample are left out. Curves are in degrees, 101 points from one initial
contact to the next of the same foot, with the names and signs of
:mod:`stridelab.kinematics.conventions` (flexion, dorsiflexion, adduction, inversion, internal
rotation positive). It is registered as ``stridelab.skill.trials.STRIDE_CURVES``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from stridelab.kinematics.conventions import ANGLES

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis
    from stridelab.kinematics.cycles import CycleSet


def kept_strides(cycles: CycleSet) -> dict[str, dict[str, np.ndarray]]:
    """``{angle: {side: (n_kept, 101)}}`` of the angles of ``cycles`` (kept, complete strides only)."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for name, by_side in cycles.curves.items():
        if name not in ANGLES:
            continue
        for side, c in by_side.items():
            used = cycles.used(side)
            if used.shape[0] != c.shape[0]:  # pragma: no cover - the CycleSet keeps them aligned
                raise ValueError(f"{name} {side}: {c.shape[0]} curves for {used.shape[0]} strides")
            keep = used & np.isfinite(c).all(axis=1)
            if keep.any():
                out.setdefault(name, {})[side] = c[keep]
    return out


def stride_curves(analysis: Analysis) -> dict[str, dict[str, np.ndarray]]:
    """Kept per-stride angle curves of an analysis; ``{}`` when the trial gave no kinematics."""
    cycles = analysis.cache.get("angle_cycles")
    if cycles is None:
        return {}
    return kept_strides(cycles)


__all__ = ["kept_strides", "stride_curves"]
