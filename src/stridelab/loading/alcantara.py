"""The real external test set: a sacral accelerometer with treadmill force (Alcantara et al. 2022).

Alcantara RS, Edwards WB, Millet GY, Grabowski AM (2022) Predicting continuous ground reaction
forces from accelerometers during uphill and downhill running: a recurrent neural network
solution. PeerJ 10:e12752. The shared folder ``wearable/sacral_grf/`` holds one runner's 31
conditions (speed, slope, strike): per condition about 5 s of vertical and anteroposterior sacral
acceleration (g) and the treadmill's normal force (BW), both at 500 Hz on the same samples.

Per condition this module makes an IMU (``sacrum``, 500 Hz, no gyroscope; the two axes as
measured, the third zero) and the true steps from the force: contact while the force exceeds
``CONTACT_BW`` (0.05 BW), IC and toe-off by linear interpolation; flight to the next IC. A step's
targets are its measured peak force and loading rate (:func:`stridelab.kinetics.loading.loading_rate`,
same definition as for force plates). Contacts cut by the clip's ends are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from stridelab.kinetics.loading import impact_peak, loading_rate
from stridelab.model.trial import ImuData

RATE_HZ = 500.0
CONTACT_BW = 0.05
G = 9.80665


@dataclass
class Condition:
    """One condition: the sensor, the true steps (side unknown: ``side`` is "unknown") and its info."""

    index: int
    imu: ImuData
    steps: pd.DataFrame
    force_bw: np.ndarray
    speed_mps: float
    slope_pct: float
    strike: str


def gravity_calibrated(imu: ImuData) -> ImuData:
    """The same sensor with its mean specific force set to 1 g along its mean direction.

    Over whole steps of steady running the body's mean acceleration is zero, so a sensor's mean
    specific force is gravity (1 g). The stored vertical channel of this set averages about 1.2 g per
    clip: an offset (calibration or mounting). This removes it, as a static calibration would;
    nothing is fitted to the force (:func:`stridelab.loading.calibration.gravity_normalised`, which
    the loading stage applies to the acceleration-reading trunk model's input).
    """
    from stridelab.loading.calibration import gravity_normalised

    return gravity_normalised(imu)


def _strike(row: pd.Series) -> str:
    vals = {"rearfoot": float(row["RFS"]), "midfoot": float(row["MFS"]), "forefoot": float(row["FFS"])}
    return max(vals, key=lambda k: vals[k])


def true_steps(force_bw: np.ndarray, rate_hz: float = RATE_HZ) -> pd.DataFrame:
    """Steps from a force signal in BW: ic_s, to_s, next_ic_s, flight_ms, step_time_ms and the targets."""
    t = np.arange(force_bw.size) / rate_hz
    on = force_bw > CONTACT_BW
    d = np.diff(on.astype(int))
    ups, downs = np.flatnonzero(d == 1), np.flatnonzero(d == -1)

    def cross(i: int) -> float:
        f0, f1 = force_bw[i], force_bw[i + 1]
        return float(t[i] + (CONTACT_BW - f0) / (f1 - f0) / rate_hz) if f1 != f0 else float(t[i])

    rows = []
    ics = [cross(int(i)) for i in ups]
    for k, i in enumerate(ups):
        later = downs[downs > i]
        if later.size == 0 or k + 1 >= len(ups):
            continue
        j = int(later[0])
        ic, to, nxt = ics[k], cross(j), ics[k + 1]
        a, b = int(i) + 1, j + 1
        tt, fz = t[a:b], force_bw[a:b]
        if fz.size < 10:
            continue
        vlr = loading_rate(tt, fz, 1.0, impact_peak(tt, fz, 1.0))[0]
        rows.append({"side": "unknown", "ic_s": ic, "to_s": to, "next_ic_s": nxt, "flight_ms": (nxt - to) * 1000,
                     "step_time_ms": (nxt - ic) * 1000, "peak_vgrf_bw": float(fz.max()), "vlr_avg_bw_s": vlr})
    return pd.DataFrame(rows)


def read_conditions(folder: Path) -> list[Condition]:
    """The 31 conditions of ``wearable/sacral_grf`` (module docstring)."""
    acc = pd.read_csv(folder / "Accelerometer_one_sub.csv", header=None).to_numpy(float)
    grf = pd.read_csv(folder / "GRF_one_sub.csv", header=None).to_numpy(float)
    info = pd.read_csv(folder / "Sub_Info_one_sub.csv")
    n = grf.shape[1]
    out = []
    for k in range(grf.shape[0]):
        vert, ap = acc[k, :n], acc[k, n: 2 * n]
        ok = np.isfinite(vert) & np.isfinite(ap) & np.isfinite(grf[k])
        m = int(np.flatnonzero(ok)[-1]) + 1 if ok.any() else 0
        t = np.arange(m) / RATE_HZ
        a = np.column_stack([ap[:m], np.zeros(m), vert[:m]]) * G
        imu = ImuData("sacrum", RATE_HZ, t, a, None)
        row = info.iloc[k]
        out.append(Condition(k, imu, true_steps(grf[k, :m]), grf[k, :m], float(row["Speed"]), float(row["Slope"]), _strike(row)))
    return out


__all__ = ["CONTACT_BW", "Condition", "RATE_HZ", "gravity_calibrated", "read_conditions", "true_steps"]
