"""Real accelerometer run: cadence from the ankle and from the hip, and stride variability per side
when the two sensors are combined.

Data: ``wearable/accel/acc_running.csv.gz`` (REAL; adeptdata, GPL-3): a 25-minute outdoor run
with ActiGraph accelerometers (no gyroscope, 100 Hz, in g) on the left hip and the left ankle, and
no reference events. Everything goes through the reader and the event code of ``stridelab analyze``.

1. **Cadence, each sensor on its own**: ankle (``purcell2006`` accelerometer variant): one contact
   per stride of the left foot; hip as lower-back proxy (``freefall``): every contact of both feet.
   Both cadences are 2 x 60 / stride time (for the hip, from each contact to the contact two later:
   a sensor on one hip sees left and right steps differently, so single step times alternate). Per
   30-s window in which both sensors see running (at least 10 contacts each), the two cadences are
   the medians of that window; reported: the difference hip - ankle (mean, SD, 95% limits), the
   windows compared, and the whole-run medians. Stops (standing) are excluded by the running mask.
2. **The two combined** (:mod:`stridelab.events.imu_combine`, what ``stridelab analyze`` does): the
   left foot from the ankle, the right foot from the hip contacts between the ankle's landings, in
   the running bouts where the two sensors time the same landings. Reported: each bout's offset
   (the hip's nearest contact - the ankle's), which bouts were combined, and the stride-interval CV
   per side (the fatigue section's definition) - beside the hip-only contacts with the hip's own
   left/right guess, as ``stridelab analyze`` gave before.

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
    _combined(trial, hip)
    return 0


def stride_cv(ic: np.ndarray) -> tuple[float, int]:
    """CV (%) of stride intervals within +-50 % of their median (``stridelab.metrics.fatigue``)."""
    iv = np.diff(np.sort(ic))
    good = (iv > 0.5 * np.median(iv)) & (iv < 1.5 * np.median(iv))
    return float(np.std(iv[good], ddof=1) / np.mean(iv[good]) * 100), int(good.sum())


def _combined(trial: object, hip: object) -> None:
    from stridelab.events.imu import detect_imu_contacts

    ev = detect_imu_contacts(trial)  # type: ignore[arg-type]
    c = ev.contacts
    print("\ncombined (left foot from the ankle, right foot from the hip between the ankle's landings):")
    for b in ev.info["sensors"]["hip"]["bouts"]:
        print(
            f"  bout {b['start_s']:7.1f}-{b['end_s']:7.1f} s: {b['limb_contacts']:4d} ankle contacts, hip offset {1000 * b['offset_s']:+5.0f} ms, "
            + (f"combined ({b['other_side_contacts']} right contacts)" if b["combined"] else "not combined (the sensors do not time the same landings)")
        )
    for side in ("left", "right"):
        sub = c[c["side"] == side]
        cv, n = stride_cv(sub["ic_s"].to_numpy())
        print(f"  {side:<5} stride-interval CV {cv:.2f} % ({n} strides, {', '.join(sorted(set(sub['source'])))})")
    sides = hip.side  # type: ignore[attr-defined]
    ic = hip.ic_s  # type: ignore[attr-defined]
    own = [stride_cv(ic[sides == s])[0] for s in ("left", "right")]
    # the previous dispatch: hip contacts for both feet, "left" = within half a step of an ankle IC
    limb = np.sort(c.loc[c["side"] == "left", "ic_s"].to_numpy())
    step = float(np.median(np.diff(ic)))
    j = np.clip(np.searchsorted(limb, ic), 1, limb.size - 1)
    near = np.minimum(np.abs(limb[j - 1] - ic), np.abs(limb[j] - ic)) < 0.5 * step
    anchored = [stride_cv(ic[near])[0], stride_cv(ic[~near])[0]]
    print(f"  hip contacts for both feet, sides anchored on the ankle (the previous dispatch): left {anchored[0]:.2f} %, right {anchored[1]:.2f} %")
    print(f"  hip contacts for both feet, the hip's own left/right (lee2010): left {own[0]:.2f} %, right {own[1]:.2f} %")


if __name__ == "__main__":
    sys.exit(main())
