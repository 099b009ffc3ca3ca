"""Real accelerometer run: does the cadence from the ankle agree with the cadence from the hip?

Data: ``wearable/accel/acc_running.csv.gz`` (REAL; adeptdata, GPL-3): a 25-minute outdoor run
with ActiGraph accelerometers (no gyroscope, 100 Hz, in g) on the left hip and the left ankle, and
no reference events. The two sensors are analysed independently, through the reader and the event
detectors that ``stridelab analyze`` uses:

* ankle (``purcell2006`` accelerometer variant): one contact per stride of the left foot;
* hip as lower-back proxy (``freefall``): every contact of both feet.

Both cadences are 2 x 60 / stride time (for the hip, from each contact to the contact two later:
a sensor on one hip sees left and right steps differently, so single step times alternate).

Per 30-s window in which both sensors see running (at least 10 contacts each), the two cadences
are the medians of that window; reported: the difference hip - ankle (mean, SD, 95% limits), the
windows compared, and the whole-run medians. Stops (standing) are excluded by the running mask.

Run: ``.venv/bin/python validation/imu_accel_cadence.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

PATH = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wearable" / "accel" / "acc_running.csv.gz"
WINDOW_S = 30.0


def cadences(ic: np.ndarray, lag: int) -> tuple[np.ndarray, np.ndarray]:
    """(time, cadence) from stride times (contact k to the same foot's next contact, ``lag``
    contacts later), keeping plausible running values."""
    dt = ic[lag:] - ic[:-lag]
    cad = 2 * 60.0 / dt
    ic = ic[lag - 1 :]
    ok = (cad > 120) & (cad < 240)
    return ic[:-1][ok], cad[ok]


def main() -> int:
    if not PATH.exists():
        print(f"real data not found at {PATH}")
        return 1
    from stridelab.events.imu_align import align
    from stridelab.events.imu_sacrum import sacrum_events
    from stridelab.events.imu_shank import shank_events
    from stridelab.io import read_trial

    trial = read_trial(PATH)
    ankle = shank_events(align(trial.imu["left_ankle"]))
    hip = sacrum_events(align(trial.imu["hip"]))
    ta, ca = cadences(ankle.ic_s, 1)
    th, ch = cadences(hip.ic_s, 2)
    t_end = float(trial.imu["hip"].time_s[-1])
    diffs = []
    for w0 in np.arange(0.0, t_end, WINDOW_S):
        ma = (ta >= w0) & (ta < w0 + WINDOW_S)
        mh = (th >= w0) & (th < w0 + WINDOW_S)
        if ma.sum() >= 10 and mh.sum() >= 10:
            diffs.append(float(np.median(ch[mh]) - np.median(ca[ma])))
    d = np.asarray(diffs)
    print("REAL ActiGraph run (25 min, 100 Hz, accelerometers only), cadence hip vs ankle")
    print(f"contacts: ankle {ankle.ic_s.size} (left foot, one per stride), hip {hip.ic_s.size} (both feet)")
    print(f"whole run: ankle {np.median(ca):.1f} steps/min, hip {np.median(ch):.1f} steps/min, difference {np.median(ch) - np.median(ca):+.2f}")
    if d.size:
        print(
            f"per {WINDOW_S:.0f}-s window (n={d.size}): hip - ankle = {d.mean():+.2f} steps/min (SD {d.std(ddof=1):.2f}), "
            f"95% limits [{d.mean() - 1.96 * d.std(ddof=1):+.2f}, {d.mean() + 1.96 * d.std(ddof=1):+.2f}], "
            f"mean absolute {np.mean(np.abs(d)):.2f}, largest {np.max(np.abs(d)):.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
