"""Trunk- and shank-IMU metrics per step: vertical oscillation, braking and impact peaks, tibial shock.

* ``vertical_oscillation_cm`` (sacrum): the vertical specific force minus gravity, integrated twice
  over each step (IC to the next IC) with the drift removed by the step's periodicity - the mean
  vertical velocity over a step of steady running is zero and the trunk returns to the same height
  - (double integration of sacral acceleration: Gullstrand L et al. 2009, Gait Posture 30:71;
  Lee JB et al. 2010, J Sci Med Sport 13:270); oscillation = range of the height over the step.
* ``braking_peak_g`` (sacrum): the most negative forward acceleration in the first half of contact
  (peak braking deceleration, in g; negative), 10 Hz low-pass.
* ``sacrum_impact_g`` (sacrum): peak vertical acceleration (specific force minus 1 g) in the first
  half of contact, in g, unfiltered.
* ``tibial_shock_g`` (shank/ankle): peak resultant acceleration (specific-force norm) from 10 ms
  before to 60 ms after IC, in g, unfiltered - the "peak resultant tibial acceleration" (e.g.
  Sheerin KR, Reid D, Besier TF 2019, Gait Posture 67:12). A sensor sampled below 500 Hz
  underestimates impact peaks, and marker-derived (virtual) sensors have none, so these peaks are
  only as good as the sensor.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stridelab.events.imu_align import AlignedImu
from stridelab.model.axes import FORWARD, UP

G = 9.80665


def _window(t: np.ndarray, a: float, b: float) -> tuple[int, int]:
    return int(np.searchsorted(t, a)), int(np.searchsorted(t, b))


def _segments(starts: np.ndarray, stops: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Concatenated sample indices of [start, stop) segments: (index, segment id, first row)."""
    lens = np.maximum(stops - starts, 0)
    seg = np.repeat(np.arange(starts.size), lens)
    first = np.concatenate([[0], np.cumsum(lens)[:-1]])
    j = starts[seg] + (np.arange(seg.size) - first[seg])
    return j, seg, first


def _seg_cumsum(x: np.ndarray, seg: np.ndarray, first: np.ndarray) -> np.ndarray:
    cs = np.cumsum(x)
    base = np.concatenate([[0.0], cs])[first]
    return np.asarray(cs - base[seg])


def trunk_table(al: AlignedImu, contacts: pd.DataFrame) -> pd.DataFrame:
    """Per-contact trunk metrics (all contacts, both sides), indexed like ``contacts``."""
    t = al.time_s
    rate = al.rate_hz
    acc = np.nan_to_num(al.acc)
    acc_lp = al.lowpassed_acc(10.0)
    c = contacts.sort_values("ic_s")
    ic = c["ic_s"].to_numpy()
    to = c["to_s"].to_numpy()
    n = ic.size
    vo = np.full(n, np.nan)
    brake = np.full(n, np.nan)
    impact = np.full(n, np.nan)
    if n == 0:
        return pd.DataFrame({"vertical_oscillation_cm": vo, "braking_peak_g": brake, "sacrum_impact_g": impact}, index=c.index)
    i0 = np.searchsorted(t, ic)
    i1 = np.searchsorted(t, ic + 0.5 * (to - ic))
    ok = i1 > i0
    if ok.any():
        j, seg, first = _segments(i0[ok], i1[ok])
        brake[ok] = np.minimum.reduceat(acc_lp[j, FORWARD], first) / G
        impact[ok] = (np.maximum.reduceat(acc[j, UP], first) - G) / G
    if n > 1:
        dts = np.diff(ic)
        a, b = i0[:-1], i0[1:]
        run = np.concatenate([[0], np.cumsum(~al.running)])
        good = (dts < 1.6 * float(np.median(dts))) & (b - a >= 10) & (run[b] - run[a] == 0)
        ks = np.flatnonzero(good)
        if ks.size:
            j, seg, first = _segments(a[ks], b[ks])
            lens = (b - a)[ks]
            az = acc_lp[j, UP] - G
            vel = _seg_cumsum(az, seg, first) / rate
            vel -= (np.add.reduceat(vel, first) / lens)[seg]
            z = _seg_cumsum(vel, seg, first) / rate
            last = first + lens - 1
            frac = (np.arange(seg.size) - first[seg]) / np.maximum(lens - 1, 1)[seg]
            z -= z[first][seg] + frac * (z[last] - z[first])[seg]
            vo[ks] = (np.maximum.reduceat(z, first) - np.minimum.reduceat(z, first)) * 100
    out = pd.DataFrame({"vertical_oscillation_cm": vo, "braking_peak_g": brake, "sacrum_impact_g": impact}, index=c.index)
    return out.reindex(contacts.index)


def shank_table(al: AlignedImu, contacts: pd.DataFrame) -> pd.DataFrame:
    """Tibial shock per contact of this sensor's side, indexed like those contacts."""
    side = contacts[contacts["side"] == al.side]
    t = al.time_s
    norm = np.linalg.norm(np.nan_to_num(al.acc), axis=1)
    shock = np.full(len(side), np.nan)
    for k, ic in enumerate(side["ic_s"].to_numpy()):
        a, b = _window(t, ic - 0.01, ic + 0.06)
        if b > a:
            shock[k] = float(np.max(norm[a:b])) / G
    return pd.DataFrame({"tibial_shock_g": shock}, index=side.index)
