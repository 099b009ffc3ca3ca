"""Spatiotemporal running metrics from a contact table: the per-step table.

Definitions (each step runs from one foot's initial contact to the other foot's next contact):

* ``gct_ms`` ground contact time = toe-off - initial contact of this foot;
* ``flight_ms`` = next (contralateral) initial contact - this toe-off (negative = double support);
* ``step_time_ms`` = next initial contact - this initial contact; ``cadence_spm`` = 60000 / step time;
* ``stride_time_ms`` = next initial contact of the *same* foot - this initial contact;
* ``duty_factor`` = contact time / stride time (Minetti 2003; Folland et al. 2017, MSSE 49:1412);
* ``step_length_m``: overground, the fore-aft distance between the two feet at their mid-stance
  positions; on a treadmill, belt speed x step time; ``stride_length_m`` likewise per stride;
* ``vertical_oscillation_cm``: range of the pelvis centre's height over the step;
  ``vertical_ratio_pct`` = vertical oscillation / step length x 100 (Garmin's definition).

Every contact gets a row. The step fields (next contact, flight, step time, cadence, step length,
vertical oscillation) are filled only when the next contact is the other foot and comes within
1.6x the median step time; otherwise a contact was missed, the fields stay empty and the reason is
listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from stridelab.model.axes import FORWARD, UP
from stridelab.model.columns import Columns, as_columns
from stridelab.model.tables import STEP_COLUMNS
from stridelab.model.trial import MarkerData

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

PELVIS_LANDMARKS = ("l_asis", "r_asis", "l_psis", "r_psis", "sacrum", "l_iliac_crest", "r_iliac_crest", "pelvis_c1", "pelvis_c2", "pelvis_c3", "pelvis_c4")


@dataclass
class StepResult:
    #: The step table: :class:`Columns`, or a DataFrame when :func:`build_steps` was given one.
    steps: Any
    rejected: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def pelvis_centre(markers: MarkerData) -> np.ndarray | None:
    """Mean of the pelvis landmarks present (n_frames, 3), or None."""
    names = [n for n in PELVIS_LANDMARKS if markers.has(n)]
    if not names:
        return None
    return mean_of_markers(markers, names)


def mean_of_markers(markers: MarkerData, names: list[str]) -> np.ndarray:
    """NaN-ignoring mean trajectory (n_frames, 3) of the named markers (``np.nanmean``, without
    its copies when nothing is missing: the same sums)."""
    x = markers.positions_m[:, [markers.names.index(n) for n in names], :]
    if np.isfinite(x).all():
        return np.asarray(x.mean(axis=1))
    with np.errstate(all="ignore"):
        return np.asarray(np.nanmean(x, axis=1))


def _mean_over(x: np.ndarray, t: np.ndarray, a: float, b: float) -> np.ndarray:
    m = (t >= a) & (t <= b)
    if not m.any():
        i = int(np.argmin(np.abs(t - 0.5 * (a + b))))
        return x[i]
    with np.errstate(all="ignore"):
        return np.nanmean(x[m], axis=0)


def build_steps(
    contacts: Columns | pd.DataFrame,
    markers: MarkerData | None,
    environment: str,
    speed_mps: float | None,
    foot_points: dict[str, np.ndarray] | None = None,
) -> StepResult:
    """The per-step table (see module docstring). ``foot_points`` maps side -> (n_frames, 3)
    reference point of each foot (e.g. the mean of its markers), used for overground step length.
    The table is :class:`Columns`, or a DataFrame when ``contacts`` is one."""
    res = _build_steps(as_columns(contacts), markers, environment, speed_mps, foot_points)
    if not isinstance(contacts, Columns):
        res.steps = res.steps.to_pandas()
    return res


def _build_steps(
    contacts: Columns,
    markers: MarkerData | None,
    environment: str,
    speed_mps: float | None,
    foot_points: dict[str, np.ndarray] | None,
) -> StepResult:
    c = contacts.sort_by("ic_s")
    rejected: list[dict[str, Any]] = []
    warnings: list[str] = []
    if len(c) == 0:
        return StepResult(Columns.empty(STEP_COLUMNS), rejected, warnings)
    ic = c["ic_s"]
    to = c["to_s"]
    side = c["side"]
    dt = np.diff(ic)
    alt = side[1:] != side[:-1]
    med = float(np.median(dt[alt])) if alt.any() else (float(np.median(dt)) if dt.size else np.inf)
    pelvis = pelvis_centre(markers) if markers is not None else None
    rows = []
    for i in range(len(c)):
        reason = None
        if i == len(c) - 1:
            reason = "last contact of the recording: no next contact"
        elif side[i + 1] == side[i]:
            reason = "the next contact is the same foot (a contact of the other foot was missed)"
        elif dt[i] > 1.6 * med:
            reason = f"the next contact comes {dt[i] * 1000:.0f} ms later (> 1.6x the median step), a contact was missed"
        has_next = reason is None
        if reason and i < len(c) - 1:
            rejected.append({"ic_s": round(float(ic[i]), 4), "side": side[i], "reason": reason})
        nxt_same = [j for j in range(i + 1, min(i + 4, len(c))) if side[j] == side[i]]
        stride_t = ic[nxt_same[0]] - ic[i] if nxt_same and ic[nxt_same[0]] - ic[i] < 3.2 * med else np.nan
        step_t = dt[i] if has_next else np.nan
        row: dict[str, Any] = {
            "side": side[i],
            "ic_s": ic[i],
            "to_s": to[i],
            "next_ic_s": ic[i + 1] if has_next else np.nan,
            "gct_ms": (to[i] - ic[i]) * 1000,
            "flight_ms": (ic[i + 1] - to[i]) * 1000 if has_next else np.nan,
            "step_time_ms": step_t * 1000,
            "stride_time_ms": stride_t * 1000,
            "cadence_spm": 60.0 / step_t,
            "duty_factor": (to[i] - ic[i]) / stride_t if np.isfinite(stride_t) else np.nan,
            "step_length_m": np.nan,
            "stride_length_m": np.nan,
            "vertical_oscillation_cm": np.nan,
        }
        if environment == "treadmill" and speed_mps:
            row["step_length_m"] = speed_mps * step_t
            row["stride_length_m"] = speed_mps * stride_t
        elif has_next and environment == "overground" and foot_points is not None and markers is not None:
            this = _mean_over(foot_points[side[i]], markers.time_s, ic[i] + 0.3 * (to[i] - ic[i]), ic[i] + 0.6 * (to[i] - ic[i]))
            other = _mean_over(foot_points[side[i + 1]], markers.time_s, ic[i + 1], ic[i + 1] + 0.4 * (to[i + 1] - ic[i + 1]))
            row["step_length_m"] = float(other[FORWARD] - this[FORWARD])
        if has_next and pelvis is not None and markers is not None:
            lo, hi = np.searchsorted(markers.time_s, ic[i], "left"), np.searchsorted(markers.time_s, ic[i + 1], "right")
            z = pelvis[lo:hi, UP]  # the frames from this contact to the next (times are sorted)
            if np.isfinite(z).sum() >= 3:
                row["vertical_oscillation_cm"] = float(np.nanmax(z) - np.nanmin(z)) * 100
        rows.append(row)
    steps = Columns.from_rows(rows)
    if len(steps) == 0:
        steps = Columns.empty(STEP_COLUMNS)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            steps["vertical_ratio_pct"] = steps["vertical_oscillation_cm"] / 100 / steps["step_length_m"] * 100
    if (steps["flight_ms"] < 0).any() if len(steps) else False:
        warnings.append(f"{int((steps['flight_ms'] < 0).sum())} step(s) with double support (negative flight time)")
    return StepResult(steps, rejected, warnings)


def treadmill_speed_from_feet(contacts: Columns | pd.DataFrame, markers: MarkerData, foot_points: dict[str, np.ndarray]) -> float | None:
    """Belt speed (m/s): the stance foot rides the belt backwards, so its mid-stance velocity is
    minus the belt speed. Median over the middle 40% of every contact."""
    v_all = []
    rate = markers.rate_hz
    t = markers.time_s
    sides = np.asarray(contacts["side"], dtype=object)
    ics, tos = np.asarray(contacts["ic_s"], dtype=float), np.asarray(contacts["to_s"], dtype=float)
    for side, ic, to in zip(sides, ics.tolist(), tos.tolist(), strict=True):
        fp = foot_points.get(str(side))
        if fp is None:
            continue
        a = ic + 0.3 * (to - ic)
        b = ic + 0.7 * (to - ic)
        lo, hi = int(np.searchsorted(t, a, "left")), int(np.searchsorted(t, b, "right"))  # times are sorted
        if hi - lo < 2:
            continue
        idx = np.arange(lo, hi)
        x = fp[idx, FORWARD]
        if np.isfinite(x).sum() >= 2:
            v_all.append(-(x[-1] - x[0]) / ((idx[-1] - idx[0]) / rate))
    if len(v_all) < 2:
        return None
    return float(np.median(v_all))
