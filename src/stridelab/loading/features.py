"""Per-step features and raw signal windows for predicting vertical force from one IMU.

The sensor is first aligned to its segment (:func:`stridelab.events.imu.aligned`: UP from gravity,
FORWARD / LEFT from the motion), then low-passed at ``CUTOFF_HZ`` (12 Hz, 4th-order zero-lag
Butterworth). The cut-off makes the features the same for any sampling rate from about 50 Hz up
and for virtual sensors (whose signals carry nothing above 15 Hz, :mod:`stridelab.synth.imu`) and
real ones (whose impact transients it removes); it also means the features see the active
(mid-stance) force, not the impact transient.

Features of a step (contact from IC to toe-off, flight to the next IC of the other foot):

* timing: ``gct_s``, ``flight_s``, ``step_s``, ``duty``; ``morin_peak_bw``, the peak of the
  Morin et al. (2005) sinusoid (:mod:`stridelab.loading.physics`);
* trunk (sacrum/hip): vertical specific force in g (``up_fNN``, at 0, 10, ... 100 % of contact;
  by Newton's second law a sacral sensor near the centre of mass reads roughly F/BW) and its mean
  and maximum over contact, forward acceleration at 0, 25 ... 100 % (``fwd_fNN``);
* shank: specific force along the shank (``up_fNN``) and its norm (``norm_fNN``) at 0, 10 ... 100 %,
  sagittal angular rate at 0, 25 ... 100 % (``gyr_fNN``, rad/s; needs a gyroscope).

Windows (the sequence model's input): the same channels resampled to ``WINDOW_N`` samples from
10 % of contact before IC to 10 % after toe-off.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stridelab.dsp import lowpass
from stridelab.events.imu_align import AlignedImu
from stridelab.model.axes import FORWARD, LEFT, UP

G = 9.80665
CUTOFF_HZ = 12.0
WINDOW_N = 48
FRACS_11 = np.linspace(0.0, 1.0, 11)
FRACS_5 = np.linspace(0.0, 1.0, 5)
TIMING = ("gct_s", "flight_s", "step_s", "duty", "morin_peak_bw")


def feature_names(kind: str) -> list[str]:
    """The feature columns of one sensor kind ("trunk" or "shank")."""
    names = list(TIMING)
    names += [f"up_f{int(round(f * 100)):03d}" for f in FRACS_11]
    if kind == "trunk":
        names += ["up_mean", "up_max"]
        names += [f"fwd_f{int(round(f * 100)):03d}" for f in FRACS_5]
    elif kind == "shank":
        names += [f"norm_f{int(round(f * 100)):03d}" for f in FRACS_11]
        names += [f"gyr_f{int(round(f * 100)):03d}" for f in FRACS_5]
    else:
        raise ValueError(f"no loading features for sensor kind {kind!r}")
    return names


def _channels(al: AlignedImu) -> np.ndarray:
    """(n, k) low-passed channels of one sensor: trunk UP, FORWARD (g); shank UP, norm (g), gyro LEFT (rad/s)."""
    rate = al.rate_hz
    cut = min(CUTOFF_HZ, 0.4 * rate)
    acc = lowpass(np.nan_to_num(np.asarray(al.acc, dtype=float)), rate, cut) / G
    if al.kind == "trunk":
        return np.column_stack([acc[:, UP], acc[:, FORWARD]])
    if al.kind == "shank":
        if al.gyr is None:
            raise ValueError(f"{al.location}: the shank model needs a gyroscope")
        gyr = lowpass(np.nan_to_num(np.asarray(al.gyr, dtype=float)), rate, cut)
        return np.column_stack([acc[:, UP], np.linalg.norm(acc, axis=1), gyr[:, LEFT]])
    raise ValueError(f"no loading features for sensor kind {al.kind!r}")


def _sample(t: np.ndarray, x: np.ndarray, at: np.ndarray) -> np.ndarray:
    """x (n,) interpolated at times ``at`` (any shape); NaN outside the recording."""
    out = np.interp(at.ravel(), t, x, left=np.nan, right=np.nan)
    return out.reshape(at.shape)


def timing(steps: pd.DataFrame) -> pd.DataFrame:
    """The timing features of a step table (columns ``ic_s``, ``to_s``, ``flight_ms``, ``step_time_ms``)."""
    from stridelab.loading.physics import morin_peak_bw

    gct = (steps["to_s"].to_numpy(float) - steps["ic_s"].to_numpy(float))
    flight = np.maximum(steps["flight_ms"].to_numpy(float) / 1000.0, 0.0)
    step = steps["step_time_ms"].to_numpy(float) / 1000.0
    return pd.DataFrame(
        {"gct_s": gct, "flight_s": flight, "step_s": step, "duty": gct / step, "morin_peak_bw": morin_peak_bw(gct, flight)},
        index=steps.index,
    )


def step_features(al: AlignedImu, steps: pd.DataFrame) -> pd.DataFrame:
    """Features (module docstring) of every row of ``steps`` from one aligned sensor, same index."""
    t = np.asarray(al.time_s, dtype=float)
    ch = _channels(al)
    ic = steps["ic_s"].to_numpy(float)
    to = steps["to_s"].to_numpy(float)
    out = timing(steps)
    dur = (to - ic)[:, None]
    at11 = ic[:, None] + FRACS_11[None, :] * dur
    at5 = ic[:, None] + FRACS_5[None, :] * dur
    cols: dict[str, np.ndarray] = {}
    up11 = _sample(t, ch[:, 0], at11)
    for j, f in enumerate(FRACS_11):
        cols[f"up_f{int(round(f * 100)):03d}"] = up11[:, j]
    if al.kind == "trunk":
        dense = ic[:, None] + np.linspace(0, 1, 41)[None, :] * dur
        upd = _sample(t, ch[:, 0], dense)
        cols["up_mean"] = upd.mean(axis=1)
        cols["up_max"] = upd.max(axis=1)
        fwd = _sample(t, ch[:, 1], at5)
        for j, f in enumerate(FRACS_5):
            cols[f"fwd_f{int(round(f * 100)):03d}"] = fwd[:, j]
    else:
        nrm = _sample(t, ch[:, 1], at11)
        for j, f in enumerate(FRACS_11):
            cols[f"norm_f{int(round(f * 100)):03d}"] = nrm[:, j]
        gyr = _sample(t, ch[:, 2], at5)
        for j, f in enumerate(FRACS_5):
            cols[f"gyr_f{int(round(f * 100)):03d}"] = gyr[:, j]
    for k, v in cols.items():
        out[k] = v
    return out[feature_names(al.kind)]


def step_windows(al: AlignedImu, steps: pd.DataFrame, n: int = WINDOW_N) -> np.ndarray:
    """(steps, channels, n) raw windows from 10 % of contact before IC to 10 % after toe-off."""
    t = np.asarray(al.time_s, dtype=float)
    ch = _channels(al)
    ic = steps["ic_s"].to_numpy(float)
    to = steps["to_s"].to_numpy(float)
    dur = (to - ic)[:, None]
    at = ic[:, None] + np.linspace(-0.1, 1.1, n)[None, :] * dur
    return np.stack([_sample(t, ch[:, k], at) for k in range(ch.shape[1])], axis=1)


__all__ = ["CUTOFF_HZ", "WINDOW_N", "feature_names", "step_features", "step_windows", "timing"]
