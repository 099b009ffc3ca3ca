"""The wearable-IMU analysis stage: per-step IMU metrics added to the step table and summarised.

Registered in :data:`stridelab.analysis.EXTRA_STAGES`; runs when the trial has IMUs. Per step
(one row per contact, see :mod:`stridelab.metrics.spatiotemporal`), from the sensor that can
measure it:

* foot sensor of that side (:mod:`stridelab.metrics.imu_foot`): ``stride_length_m``,
  ``stride_speed_mps``, ``foot_strike_angle_deg``, ``strike_pattern``, ``pronation_excursion_deg``;
* shank/ankle sensor of that side (:mod:`stridelab.metrics.imu_trunk`): ``tibial_shock_g``;
* sacrum/hip sensor (:mod:`stridelab.metrics.imu_trunk`): ``vertical_oscillation_cm``,
  ``braking_peak_g``, ``sacrum_impact_g``;
* then ``step_length_m`` = speed x step time (speed: the median stride speed of the feet around
  the step, or the given speed), ``vertical_ratio_pct``, and Morin et al. (2005) spring-mass
  ``vertical_stiffness_kn_m`` / ``leg_stiffness_kn_m`` (:mod:`stridelab.metrics.stiffness`) when
  mass (and for leg stiffness, leg length and speed) are known.

The summary's ``speed_mps`` becomes the median foot stride speed when no speed was given. What a
set of sensors cannot support is left empty with a warning naming the sensor it would need. The
JSON gets an ``imu`` section: sensors, rates, alignment confidence, methods, and whether the data
are synthetic.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from stridelab.events.imu import aligned, trunk_sensor
from stridelab.metrics.stiffness import morin2005
from stridelab.metrics.summary import summarise

#: Extra per-step columns this stage summarises (medians, per side, symmetry).
IMU_COLUMNS = (
    "stride_speed_mps",
    "foot_strike_angle_deg",
    "pronation_excursion_deg",
    "tibial_shock_g",
    "braking_peak_g",
    "sacrum_impact_g",
    "vertical_stiffness_kn_m",
    "leg_stiffness_kn_m",
)


def _key(side: pd.Series, ic: pd.Series) -> np.ndarray:
    """One integer per (side, IC to the nanosecond): the key that matches a contact to its step row."""
    code = (side.astype(str).to_numpy() == "right").astype(np.int64)
    return np.round(ic.to_numpy(dtype=float) * 1e9).astype(np.int64) * 2 + code


def _merge(steps: pd.DataFrame, contacts: pd.DataFrame, table: pd.DataFrame) -> None:
    """Copy per-contact values into the step rows of the same contact (matched on side and IC)."""
    skey = _key(steps["side"], steps["ic_s"])
    order = np.argsort(skey, kind="stable")
    ckey = _key(contacts.loc[table.index, "side"], contacts.loc[table.index, "ic_s"])
    k = np.clip(np.searchsorted(skey[order], ckey), 0, max(0, skey.size - 1))
    hit = (skey.size > 0) & (skey[order][k] == ckey) if skey.size else np.zeros(ckey.size, dtype=bool)
    src = np.flatnonzero(hit)
    dst = order[k[hit]]
    for col in table.columns:
        vals = table[col].to_numpy()
        if vals.dtype == object:
            cur = steps[col].to_numpy(dtype=object).copy() if col in steps.columns else np.full(len(steps), None, dtype=object)
        else:
            cur = steps[col].to_numpy(dtype=float).copy() if col in steps.columns else np.full(len(steps), np.nan)
        cur[dst] = vals[src]
        steps[col] = cur


#: Per-side values that come from contact timing alone.
_TIMING_KEYS = ("gct_ms", "flight_ms", "step_time_ms", "stride_time_ms", "duty_factor", "cadence_spm")


def _drop_one_sided_hip_comparisons(analysis: Any) -> None:
    """Left/right comparisons of timing that the sensors cannot support are not given.

    * A sensor worn on one hip (e.g. an ActiGraph on the belt) is closer to one leg: the impact of
      the near foot reaches it earlier than the far foot's, so its left and right contact times
      differ systematically (bimodal) even for a symmetric runner. When it times both feet, no
      left/right timing value is given; the values over both feet are.
    * When the two feet are timed by different sensors (a limb sensor on one side, the trunk sensor
      for the other: :mod:`stridelab.events.imu_combine`), each sensor's method has its own bias and
      every value that mixes them (flight and step times, cadence per side) or sets one against the
      other (symmetry, contact-time balance, contact time and duty factor side by side) is left out.
      Stride times per side stay: each comes from one sensor, whose bias cancels in an interval.
    """
    src = analysis.contacts["source"].astype(str)
    if len(src) == 0:
        return
    sensor = src.str.split(":").str[1]
    if src.str.startswith("imu:hip:").all():
        keep: tuple[str, ...] = ()
        why = (
            "left/right timing values are not given: a sensor worn on one hip times the near and the far foot "
            "differently, so only values over both feet are reported"
        )
    else:
        sides = analysis.contacts["side"].astype(str)
        per_side = {sd: set(sensor[sides == sd]) for sd in ("left", "right")}
        if not (per_side["left"] and per_side["right"]) or per_side["left"] == per_side["right"]:
            return
        keep = ("stride_time_ms",)
        names = " and ".join(f"{sd} from {', '.join(sorted(per_side[sd]))}" for sd in ("left", "right"))
        why = (
            f"the feet are timed by different sensors ({names}): left/right comparisons of timing and values that mix "
            "the two (flight and step times) are not given per side; stride times per side are"
        )
    for side in ("left", "right"):
        for k in _TIMING_KEYS:
            if k in analysis.by_side.get(side, {}) and k not in keep:
                analysis.by_side[side][k] = None
    for k in list(analysis.symmetry_pct):
        if k in _TIMING_KEYS:
            analysis.symmetry_pct[k] = None
    analysis.summary["gct_balance_left_pct"] = None
    analysis.warn(why)


def imu_stage(analysis: Any, options: Any) -> None:
    """Add IMU metrics to an :class:`~stridelab.analysis.Analysis` (module docstring)."""
    trial = analysis.trial
    if not trial.imu or len(analysis.steps) == 0:
        return
    steps = analysis.steps.copy()
    contacts = analysis.contacts
    used: dict[str, Any] = {}
    warn = analysis.warn
    rates = [s.rate_hz for s in trial.imu.values()]
    for side in ("left", "right"):
        loc = f"{side}_foot"
        if loc in trial.imu:
            from stridelab.metrics.imu_foot import foot_table

            al = aligned(trial.imu[loc])
            if al.gyr is None:
                warn(f"{loc}: no gyroscope, so stride length, speed and foot angles cannot be measured")
            else:
                _merge(steps, contacts, foot_table(al, contacts))
                used[loc] = "stridelab.metrics.imu_foot (strapdown, zero-velocity update, Altman & Davis 2012 strike classes)"
        loc2 = next((f"{side}_{p}" for p in ("shank", "ankle") if f"{side}_{p}" in trial.imu), None)
        if loc2 is not None:
            from stridelab.metrics.imu_trunk import shank_table

            al = aligned(trial.imu[loc2])
            _merge(steps, contacts, shank_table(al, contacts))
            used[loc2] = "stridelab.metrics.imu_trunk (peak resultant tibial acceleration)"
            if al.rate_hz < 500:
                warn(f"{loc2}: sampled at {al.rate_hz:g} Hz; tibial shock needs about 500 Hz or more and is underestimated")
    trunk = trunk_sensor(trial)
    if trunk is not None:
        from stridelab.metrics.imu_trunk import trunk_table

        al = aligned(trial.imu[trunk])
        _merge(steps, contacts, trunk_table(al, contacts))
        used[trunk] = "stridelab.metrics.imu_trunk (double integration per step, Gullstrand 2009)"
    _derived(analysis, steps, options)
    speed = analysis.summary.get("speed_mps")
    extra = tuple(c for c in IMU_COLUMNS if c in steps.columns)
    s = summarise(steps, speed, extra_columns=extra)
    if "strike_pattern" in steps.columns:
        pats = steps["strike_pattern"].dropna()
        s["summary"]["strike_pattern"] = pats.mode().iloc[0] if len(pats) else None
        for side in ("left", "right"):
            sp = steps.loc[steps["side"] == side, "strike_pattern"].dropna()
            s["by_side"][side]["strike_pattern"] = sp.mode().iloc[0] if len(sp) else None
    analysis.steps = steps
    analysis.summary, analysis.summary_iqr = s["summary"], s["summary_iqr"]
    analysis.by_side, analysis.symmetry_pct = s["by_side"], s["symmetry_pct"]
    _drop_one_sided_hip_comparisons(analysis)
    if trunk is not None:
        _trunk_cadence(analysis, trunk)
    _missing_warnings(analysis, steps, trunk)
    meta = trial.provenance.extra.get("imu_metadata", {})
    analysis.sections["imu"] = {
        "synthetic": str(meta.get("synthetic", "false")).lower() == "true",
        "sensors": {
            loc: {"rate_hz": s_.rate_hz, "gyroscope": s_.gyr_radps is not None, "alignment": aligned(s_).confidence}
            for loc, s_ in trial.imu.items()
        },
        "metrics": used,
        "rate_hz_min": min(rates),
    }
    analysis.methods["imu_metrics"] = used


def _trunk_cadence(analysis: Any, trunk: str) -> None:
    """Where every contact comes from the trunk sensor, the summary's cadence is that sensor's
    autocorrelation cadence (``moenilssen2004``, :func:`stridelab.metrics.imu_cadence.running_cadence_spm`):
    on the real sacral set it is within 1 % of the force plate's in 30 of 31 conditions, the median of
    the contacts' step cadences in 24 (one missed or extra contact moves that one)."""
    from stridelab.metrics.imu_cadence import WINDOW_S, running_cadence_spm
    from stridelab.model.axes import UP

    src = analysis.contacts["source"].astype(str)
    if len(src) == 0 or not src.str.startswith(f"imu:{trunk}:").all():
        return
    al = aligned(analysis.trial.imu[trunk])
    cad = running_cadence_spm(al.acc[:, UP], al.rate_hz, al.running)
    if cad is None:
        return
    analysis.summary["cadence_spm"] = cad
    analysis.methods["cadence"] = (
        f"{trunk}: autocorrelation of the vertical acceleration (moenilssen2004: Moe-Nilssen & Helbostad 2004, "
        f"J Biomech 37:121), median over {WINDOW_S:g}-s running windows; not from the contacts"
    )


def _derived(analysis: Any, steps: pd.DataFrame, options: Any) -> None:
    given = getattr(options, "speed_mps", None)
    if "stride_speed_mps" in steps.columns and given is None:
        v = steps["stride_speed_mps"].to_numpy(dtype=float)
        if np.isfinite(v).sum() >= 2:
            analysis.summary["speed_mps"] = float(np.nanmedian(v))
            analysis.speed_source = "foot IMU strapdown integration (median stride speed)"
            analysis.methods["speed"] = analysis.speed_source
    speed_step = np.full(len(steps), np.nan)
    if "stride_speed_mps" in steps.columns:
        # each step's speed: median of the stride speeds of the surrounding 2 s (both feet)
        order = np.argsort(steps["ic_s"].to_numpy(), kind="stable")
        v = pd.Series(steps["stride_speed_mps"].to_numpy(dtype=float)[order], index=pd.to_timedelta(steps["ic_s"].to_numpy()[order], unit="s"))
        med = v.rolling("2s", center=True, min_periods=1).median().to_numpy()
        speed_step[order] = med
    if given is not None:
        speed_step[:] = given
    st = steps["step_time_ms"].to_numpy(dtype=float) / 1000
    if np.isfinite(speed_step).any() and steps["step_length_m"].isna().all():
        steps["step_length_m"] = speed_step * st
    if "vertical_oscillation_cm" in steps.columns:
        steps["vertical_ratio_pct"] = steps["vertical_oscillation_cm"] / 100 / steps["step_length_m"] * 100
    mass = analysis.trial.subject.mass_kg
    if mass is not None:
        leg = analysis.trial.subject.leg_length_m
        m = morin2005(
            contact_time_s=steps["gct_ms"].to_numpy(dtype=float) / 1000, flight_time_s=steps["flight_ms"].to_numpy(dtype=float) / 1000,
            mass_kg=mass, leg_length_m=leg, speed_mps=speed_step,
        )
        steps["vertical_stiffness_kn_m"] = m["k_vert_kn_m"]
        steps["leg_stiffness_kn_m"] = m["k_leg_kn_m"]


def _missing_warnings(analysis: Any, steps: pd.DataFrame, trunk: str | None) -> None:
    trial = analysis.trial
    feet = [loc for loc in trial.imu if loc.endswith("foot")]
    if not feet and analysis.summary.get("speed_mps") is None:
        analysis.warn("speed and step length need a foot IMU with a gyroscope (or --speed-mps)")
    if trunk is None:
        analysis.warn("vertical oscillation and braking need a sacrum (or hip) IMU")
    if trial.subject.mass_kg is None:
        analysis.warn("stiffness (Morin et al. 2005) needs the body mass: pass --mass-kg")
    elif "leg_stiffness_kn_m" in steps.columns and steps["leg_stiffness_kn_m"].isna().all():
        analysis.warn("leg stiffness needs leg length (or height) and speed; only vertical stiffness is given")
