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

from stridelab.dsp import lowpass
from stridelab.events.imu_align import AlignedImu
from stridelab.model.axes import FORWARD, UP

G = 9.80665


def _window(t: np.ndarray, a: float, b: float) -> tuple[int, int]:
    return int(np.searchsorted(t, a)), int(np.searchsorted(t, b))


def trunk_table(al: AlignedImu, contacts: pd.DataFrame) -> pd.DataFrame:
    """Per-contact trunk metrics (all contacts, both sides), indexed like ``contacts``."""
    t = al.time_s
    rate = al.rate_hz
    acc = np.nan_to_num(al.acc)
    acc_lp = lowpass(acc, rate, min(10.0, 0.4 * rate))
    c = contacts.sort_values("ic_s")
    ic = c["ic_s"].to_numpy()
    to = c["to_s"].to_numpy()
    n = ic.size
    vo = np.full(n, np.nan)
    brake = np.full(n, np.nan)
    impact = np.full(n, np.nan)
    dts = np.diff(ic)
    med = float(np.median(dts)) if dts.size else np.inf
    for k in range(n):
        a, b = _window(t, ic[k], ic[k] + 0.5 * (to[k] - ic[k]))
        if b > a:
            brake[k] = float(np.min(acc_lp[a:b, FORWARD])) / G
            impact[k] = (float(np.max(acc[a:b, UP])) - G) / G
        if k + 1 < n and dts[k] < 1.6 * med:
            a, b = _window(t, ic[k], ic[k + 1])
            if b - a < 10 or not al.running[a:b].all():
                continue
            az = acc_lp[a:b, UP] - G
            vel = np.cumsum(az) / rate
            vel -= vel.mean()
            z = np.cumsum(vel) / rate
            z -= np.linspace(z[0], z[-1], z.size)
            vo[k] = float(np.ptp(z)) * 100
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
