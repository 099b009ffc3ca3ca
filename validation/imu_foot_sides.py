"""Why the left foot's IMU contacts differ from the right foot's (virtual IMUs, real mocap/plates).

The virtual foot IMUs of ``validation/imu_events.py`` (SYNTHETIC signals from the real Fukuchi
RBDS001 trials at 3.5 and 2.5 m/s, noise 1, uniformly random mounting, 5 seeds) time the left
foot's contacts ~10 ms shorter than the right foot's. This script separates the possible causes:

1. **The truth**: the force plate's contacts against the 3D-marker events
   (:mod:`stridelab.events.markers`), per side - a side-dependent error in the plate events would
   show here.
2. **The runner**: each foot's progression angle (toe-out) during stance from the markers - the
   heel-to-metatarsal line's yaw at mid-stance against the belt direction (the lab's FORWARD), and
   its pitch at IC.
3. **The sensor axes**: the foot events per side with the axes found from the motion
   (:mod:`stridelab.events.imu_align`, what ``stridelab analyze`` does) and with the foot's own
   anatomical axes (the synthesis knows the mounting) - if the left/right difference disappears with
   the foot's own axes, it comes from the axes, not from the detector's rules or the synthesis; and
   how much of the foot's long axis the found LEFT axis contains (the sine of the toe-out it sees).
4. **The toe-off fraction** (``to_decay``): TO error for 85-100 % (100 % = the push-off peak,
   Falbriard et al.'s uncalibrated feature), i.e. the sensitivity of the in-sample parameter.

Run: ``.venv/bin/python validation/imu_foot_sides.py`` (about a minute).
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from stridelab.events.agreement import match_contacts
from stridelab.events.forceplate import detect_force_contacts
from stridelab.events.imu_align import _principal, align, foot_flat, rotate
from stridelab.events.imu_foot import foot_events
from stridelab.events.markers import detect_marker_contacts
from stridelab.io import read_trial
from stridelab.model.axes import FORWARD, LEFT, UP
from stridelab.synth.imu import synthesize_imu

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mocap" / "fukuchi2017"
TRIALS = {"3.5 m/s": (DATA / "RBDS001runT35.c3d", None), "2.5 m/s": (DATA / "RBDS001runT25markers.txt", DATA / "RBDS001runT25forces.txt")}
SEEDS = range(5)
DECAYS = (0.85, 0.9, 0.95, 1.0)


def match(ic: np.ndarray, to: np.ndarray, truth: pd.DataFrame, tol_s: float = 0.15) -> pd.DataFrame:
    """Errors (ms) of one foot's events against that foot's force-plate contacts."""
    side = truth["side"].iloc[0] if len(truth) else "left"
    est = pd.DataFrame({"side": side, "ic_s": np.asarray(ic, float), "to_s": np.asarray(to, float)})
    m = match_contacts(truth, est, tol_s)
    return m.rename(columns={"ic_err_ms": "ic", "to_err_ms": "to", "gct_err_ms": "ct"})


def _foot_angles(trial: object, truth: pd.DataFrame, p: str, side: str) -> tuple[float, float]:
    mk = trial.markers  # type: ignore[attr-defined]
    toe = 0.5 * (mk[p + "mt1"] + mk[p + "mt5"])
    d = toe - mk[p + "heel_bottom"]
    yaw = np.degrees(np.arctan2(d[:, LEFT], d[:, FORWARD]))
    pitch = np.degrees(np.arctan2(d[:, UP], np.hypot(d[:, FORWARD], d[:, LEFT])))
    c = truth[truth["side"] == side]
    mid = np.searchsorted(mk.time_s, (c["ic_s"] + 0.5 * (c["to_s"] - c["ic_s"])).to_numpy())
    ic = np.searchsorted(mk.time_s, c["ic_s"].to_numpy())
    toe_out = yaw if side == "left" else -yaw  # positive = toes pointing outwards
    return float(np.nanmedian(toe_out[mid])), float(np.nanmedian(pitch[ic]))


def main() -> int:
    if not DATA.is_dir():
        print(f"real data not found at {DATA}")
        return 1
    rows = []
    print("Left vs right foot contacts, virtual foot IMUs (SYNTHETIC signals from real mocap) vs the real force plate")
    for label, (path, forces) in TRIALS.items():
        trial = read_trial(path, forces=forces, static=DATA / "RBDS001static.c3d")
        plate = detect_force_contacts(trial).contacts
        mk = detect_marker_contacts(trial).contacts
        print(f"\n{label}")
        for side, p in (("left", "l_"), ("right", "r_")):
            m = match(mk.loc[mk["side"] == side, "ic_s"].to_numpy(), mk.loc[mk["side"] == side, "to_s"].to_numpy(), plate[plate["side"] == side])
            toe_out, pitch_ic = _foot_angles(trial, plate, p, side)
            print(
                f"  {side:<5} markers vs plate: IC {m['ic'].mean():+.1f}, TO {m['to'].mean():+.1f}, contact {m['ct'].mean():+.1f} ms (n={len(m)}); "
                f"toe-out at mid-stance {toe_out:+.1f} deg, heel-to-metatarsal pitch at IC {pitch_ic:+.1f} deg"
            )
        for seed in SEEDS:
            v = synthesize_imu(trial, ("left_foot", "right_foot"), noise=1.0, mount_deg=180.0, seed=seed, rate_hz=200.0)
            truth = v.contacts
            for loc in ("left_foot", "right_foot"):
                side = loc.split("_")[0]
                al = align(v.sensors[loc])
                s = v.sensors[loc]
                true_r = v.mount_[loc]  # sensor axes in segment axes: segment = mount @ sensor
                anat = dataclasses.replace(al, acc=rotate(s.acc_mps2, true_r), gyr=rotate(s.gyr_radps, true_r), r_=true_r, cache={})
                fwd_share = float(al.r_[LEFT] @ true_r.T[:, FORWARD])  # found LEFT . foot's own FORWARD
                # the progression axis (the lab's LEFT) and mid-stance UP in sensor axes
                rs = v.segment_r_[loc] @ true_r  # sensor -> lab
                c = truth[truth["side"] == side]
                mid = np.searchsorted(s.time_s, (c["ic_s"] + 0.5 * (c["to_s"] - c["ic_s"])).to_numpy())
                prog = np.median(rs[:, 1, :], axis=0)
                prog /= np.linalg.norm(prog)
                up_true = np.median(rs[mid, 2, :], axis=0)
                up_true /= np.linalg.norm(up_true)
                flat = foot_flat(s.acc_mps2, s.gyr_radps, s.rate_hz, al.running)
                up_flat = s.acc_mps2[flat].mean(axis=0)
                up_flat /= np.linalg.norm(up_flat)
                constrained, _ = _principal(s.gyr_radps[al.running], up_flat)
                axes_err = {
                    "left_err": float(np.degrees(np.arccos(min(1.0, abs(al.r_[LEFT] @ prog))))),
                    "left_err_perp": float(np.degrees(np.arccos(min(1.0, abs(constrained @ prog))))),
                    "up_err": float(np.degrees(np.arccos(min(1.0, al.r_[UP] @ up_true)))),
                    "up_flat_err": float(np.degrees(np.arccos(min(1.0, up_flat @ up_true)))),
                }
                for axes, a in (("found", al), ("foot's own", anat)):
                    for dec in DECAYS if axes == "found" else (0.9,):
                        ev = foot_events(a, "kink", to_decay=dec)
                        e = match(ev.ic_s, ev.to_s, truth[truth["side"] == side])
                        rows.append({"trial": label, "side": side, "axes": axes, "decay": dec, "ic": e["ic"].mean(), "to": e["to"].mean(), "ct": e["ct"].mean(), "ct_sd": e["ct"].std(), "n": len(e), "fwd": fwd_share, **axes_err})
    d = pd.DataFrame(rows)
    print("\nfoot IMU events per side (mean of 5 seeds, ms; estimate - plate), TO at 90 % of the push-off peak:")
    for (label, side, axes), g in d[d["decay"] == 0.9].groupby(["trial", "side", "axes"], sort=False):
        extra = f"; found LEFT axis contains {100 * g['fwd'].abs().mean():.0f} % of the foot's long axis (sin {np.degrees(np.arcsin(g['fwd'].abs().mean())):.0f} deg)" if axes == "found" else ""
        print(f"  {label} {side:<5} {axes:<10} axes: IC {g['ic'].mean():+5.1f}, TO {g['to'].mean():+5.1f}, contact {g['ct'].mean():+5.1f} (SD {g['ct_sd'].mean():.1f}){extra}")
    f = d[(d["axes"] == "found") & (d["decay"] == 0.9)]
    print(
        f"\nfound axes vs the progression axis (the swing's rotation axis; lab LEFT in sensor axes): LEFT median {f['left_err'].median():.1f} deg "
        f"(range {f['left_err'].min():.1f}-{f['left_err'].max():.1f}); constrained perpendicular to UP it would be {f['left_err_perp'].median():.1f} deg "
        f"({f['left_err_perp'].min():.1f}-{f['left_err_perp'].max():.1f}); UP vs mid-stance vertical: foot-flat gravity {f['up_flat_err'].median():.1f} deg "
        f"({f['up_flat_err'].min():.1f}-{f['up_flat_err'].max():.1f}), made perpendicular to LEFT {f['up_err'].median():.1f} deg ({f['up_err'].min():.1f}-{f['up_err'].max():.1f})"
    )
    print("\ntoe-off fraction (found axes, all contacts): mean TO error (ms)")
    for dec in DECAYS:
        g = d[(d["decay"] == dec) & (d["axes"] == "found")]
        print(f"  {100 * dec:5.1f} %{' (push-off peak, uncalibrated)' if dec == 1.0 else ''}: TO {np.average(g['to'], weights=g['n']):+6.1f}, contact {np.average(g['ct'], weights=g['n']):+6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
