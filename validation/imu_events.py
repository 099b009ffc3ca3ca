"""Validation of IMU contact events and metrics on virtual IMUs (SYNTHETIC sensor data from real
motion capture) against the force plate of the same real trials.

Trials: Fukuchi et al. 2017 runner RBDS001 on an instrumented treadmill at 3.5 m/s (C3D) and
2.5 m/s (text export), both with the standing trial. For each trial and seed (5 seeds) the virtual
sensors get consumer-MEMS noise and bias (``noise=1``) and a uniformly random mounting
orientation (``mount_deg=180``), are written to and read back from the long IMU layout, and go
through the same code as ``stridelab analyze``. Reported per location and method: IC, TO and
contact-time error against the force plate (mean, SD, 95% limits of agreement = mean +- 1.96 SD,
mean absolute, RMSE), detection rate, side accuracy (sacrum), and the foot metrics against the
truth: stride speed vs the belt speed, sole angle at IC vs the marker-based foot angle, and the
sacrum's vertical oscillation vs the pelvis markers.

Run: ``.venv/bin/python validation/imu_events.py`` (about a minute).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from stridelab.events.agreement import agreement, match_contacts
from stridelab.events.imu_align import align
from stridelab.events.imu_foot import foot_events
from stridelab.events.imu_sacrum import sacrum_events
from stridelab.events.imu_shank import shank_events
from stridelab.io import read_trial
from stridelab.io.imu import write_imu_long
from stridelab.metrics.imu_foot import foot_strides
from stridelab.metrics.imu_trunk import trunk_table
from stridelab.model.axes import FORWARD, LEFT
from stridelab.synth.imu import synthesize_imu

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mocap" / "fukuchi2017"
TRIALS = {
    "3.5 m/s": (DATA / "RBDS001runT35.c3d", None, 3.5),
    "2.5 m/s": (DATA / "RBDS001runT25markers.txt", DATA / "RBDS001runT25forces.txt", 2.5),
}
LOCATIONS = ("left_foot", "right_foot", "left_shank", "right_shank", "left_ankle", "right_ankle", "sacrum")
SEEDS = range(5)


def match(ic: np.ndarray, to: np.ndarray, truth: pd.DataFrame, tol_s: float = 0.15) -> pd.DataFrame:
    """Errors of one foot's (or the trunk's, both sides) events against the force-plate contacts."""
    sides = truth["side"].unique()
    est = pd.concat([pd.DataFrame({"side": sd, "ic_s": np.asarray(ic, float), "to_s": np.asarray(to, float)}) for sd in sides], ignore_index=True)
    if len(sides) > 1:  # trunk events carry no side here: pair each with the nearest contact of either side
        truth = truth.assign(side="any")
        est = est.assign(side="any").drop_duplicates()
    return match_contacts(truth, est, tol_s).rename(columns={"gct_err_ms": "ct_err_ms"})


def stats(e: pd.Series) -> str:
    a = agreement(e)
    return f"{a.mean_ms:+6.1f} {a.sd_ms:5.1f} [{a.loa_low_ms:+6.1f}, {a.loa_high_ms:+6.1f}] |{a.mae_ms:5.1f}| rmse {a.rmse_ms:5.1f}"


def main() -> int:
    if not DATA.is_dir():
        print(f"real data not found at {DATA}")
        return 1
    results: dict[tuple[str, str], list[pd.DataFrame]] = {}
    counts: dict[tuple[str, str], list[int]] = {}
    side_ok: list[float] = []
    speed_err: dict[str, list[float]] = {}
    angle_err: list[float] = []
    vo_err: list[float] = []
    axis_deg: list[float] = []
    pron_err: list[float] = []
    sign_ok: list[bool] = []
    tmp = Path(tempfile.mkdtemp())
    for label, (path, forces, belt) in TRIALS.items():
        trial = read_trial(path, forces=forces, static=DATA / "RBDS001static.c3d")
        for seed in SEEDS:
            v = synthesize_imu(trial, LOCATIONS, noise=1.0, mount_deg=180.0, seed=seed, rate_hz=200.0)
            f = tmp / f"virtual_{seed}.csv"
            write_imu_long(f, v.sensors, v.metadata)
            back = read_trial(f)
            truth = v.contacts
            for loc in LOCATIONS:
                al = align(back.imu[loc])
                axis = FORWARD if loc == "sacrum" else LEFT
                cos = float(al.r_[axis] @ v.mount_[loc].T[:, axis])
                axis_deg.append(float(np.degrees(np.arccos(np.clip(abs(cos), 0, 1)))))
                sign_ok.append(cos > 0)
                side = loc.split("_")[0]
                if loc == "sacrum":
                    ev = sacrum_events(al)
                    runs = {"freefall": (ev.ic_s, ev.to_s)}
                    t_ic = truth["ic_s"].to_numpy()
                    ok = [truth["side"].iloc[int(np.argmin(np.abs(t_ic - x)))] == s for x, s in zip(ev.ic_s, ev.side, strict=True)]
                    side_ok.append(float(np.mean(ok)))
                    tt = trunk_table(al, truth)
                    ref_vo = _marker_vo(trial, truth)
                    vo_err += list((tt["vertical_oscillation_cm"] - ref_vo).dropna())
                    tsub = truth
                elif "foot" in loc:
                    runs = {m: _ev(foot_events(al, m)) for m in ("kink", "falbriard2018", "accel")}
                    tsub = truth[truth["side"] == side]
                    fs = foot_strides(al, runs["kink"][0], runs["kink"][1])
                    speed_err.setdefault(label, []).extend(list(fs.stride_speed_mps[np.isfinite(fs.stride_speed_mps)] - belt))
                    angle_err.extend(_angle_errors(v, loc, runs["kink"][0], fs.foot_strike_angle_deg))
                    pron_err.extend(_pronation_errors(v, loc, runs["kink"][0], fs.pronation_excursion_deg))
                else:
                    runs = {m: _ev(shank_events(al, m)) for m in ("kink", "purcell2006")}
                    tsub = truth[truth["side"] == side]
                kind = "foot" if "foot" in loc else ("sacrum" if loc == "sacrum" else loc.split("_")[1])
                for m, (ic, to) in runs.items():
                    key = (kind, m)
                    results.setdefault(key, []).append(match(ic, to, tsub).assign(trial=label))
                    counts.setdefault(key, [0, 0])
                    counts[key][0] += len(results[key][-1])
                    counts[key][1] += len(tsub)
    print("Virtual IMUs (SYNTHETIC signals from real mocap, noise=1, random mounting) vs force plate, 200 Hz")
    print("errors in ms: mean SD [95% limits of agreement] |mean absolute| RMSE")
    for (kind, m), frames in results.items():
        d = pd.concat(frames, ignore_index=True)
        n_ok, n_all = counts[(kind, m)]
        print(f"\n{kind} ({m}): {n_ok}/{n_all} true contacts found ({100 * n_ok / max(n_all, 1):.0f}%)")
        for lab in ("IC", "TO", "contact time"):
            col = {"IC": "ic_err_ms", "TO": "to_err_ms", "contact time": "ct_err_ms"}[lab]
            print(f"  {lab:<13} all: {stats(d[col])}")
            for tl, g in d.groupby("trial"):
                print(f"  {'':<13} {tl}: {stats(g[col])}")
    print(
        f"\nalignment (sagittal axis of limbs, forward axis of the sacrum): median error {np.median(axis_deg):.1f} deg "
        f"(max {np.max(axis_deg):.1f}), sign right in {int(np.sum(sign_ok))}/{len(sign_ok)} placements"
    )
    print(f"sacrum left/right assignment (lee2010 + roll rate): {100 * np.mean(side_ok):.1f}% of contacts correct")
    for tl, e in speed_err.items():
        a = np.asarray(e)
        print(f"foot stride speed vs belt ({tl}): {a.mean():+.3f} m/s (SD {a.std():.3f}), {100 * a.mean() / TRIALS[tl][2]:+.1f}%")
    a = np.asarray(angle_err)
    print(f"foot sole angle at IC vs marker foot angle: {a.mean():+.1f} deg (SD {a.std():.1f})")
    a = np.asarray(pron_err)
    print(f"foot pronation (eversion) excursion vs marker foot: {a.mean():+.1f} deg (SD {a.std():.1f})")
    a = np.asarray(vo_err)
    print(f"sacrum vertical oscillation vs pelvis markers: {a.mean():+.2f} cm (SD {a.std():.2f})")
    return 0


def _ev(e: object) -> tuple[np.ndarray, np.ndarray]:
    return e.ic_s, e.to_s  # type: ignore[attr-defined]


def _marker_vo(trial: object, truth: pd.DataFrame) -> pd.Series:
    """Vertical range of the mean pelvis markers over each step (IC to the next IC)."""
    from stridelab.metrics.spatiotemporal import pelvis_centre

    mk = trial.markers  # type: ignore[attr-defined]
    pc = pelvis_centre(mk)
    c = truth.sort_values("ic_s")
    ic = c["ic_s"].to_numpy()
    out = np.full(ic.size, np.nan)
    for k in range(ic.size - 1):
        m = (mk.time_s >= ic[k]) & (mk.time_s <= ic[k + 1])
        out[k] = float(np.ptp(pc[m, 2])) * 100
    return pd.Series(out, index=c.index).reindex(truth.index)


def _angle_errors(v: object, loc: str, ic: np.ndarray, est: np.ndarray) -> list[float]:
    """Estimated sole angle minus the marker foot's pitch at IC relative to its mid-stance pitch."""
    r = v.segment_r_[loc]  # type: ignore[attr-defined]
    t = v.sensors[loc].time_s  # type: ignore[attr-defined]
    truth = v.contacts  # type: ignore[attr-defined]
    side = loc.split("_")[0]
    out = []
    pitch = np.degrees(np.arcsin(np.clip(r[:, 2, 0], -1, 1)))
    for k, x in enumerate(ic):
        tt = truth[(truth["side"] == side) & (np.abs(truth["ic_s"] - x) < 0.05)]
        if tt.empty or not np.isfinite(est[k]):
            continue
        i0 = int(np.searchsorted(t, tt["ic_s"].iloc[0]))
        i1 = int(np.searchsorted(t, tt["ic_s"].iloc[0] + 0.45 * (tt["to_s"].iloc[0] - tt["ic_s"].iloc[0])))
        out.append(float(est[k] - (pitch[i0] - pitch[i1])))
    return out


def _pronation_errors(v: object, loc: str, ic: np.ndarray, est: np.ndarray) -> list[float]:
    """Estimated eversion excursion minus the marker foot's: its rotation about its own FORWARD
    axis from the force-plate IC, maximum over the first 70 % of contact (eversion positive)."""
    from stridelab.dsp.rotation import matrix_rotvec

    r = v.segment_r_[loc]  # type: ignore[attr-defined]
    t = v.sensors[loc].time_s  # type: ignore[attr-defined]
    truth = v.contacts  # type: ignore[attr-defined]
    side = loc.split("_")[0]
    sign = 1.0 if side == "left" else -1.0
    out = []
    for k, x in enumerate(ic):
        tt = truth[(truth["side"] == side) & (np.abs(truth["ic_s"] - x) < 0.05)]
        if tt.empty or not np.isfinite(est[k]):
            continue
        a = int(np.searchsorted(t, tt["ic_s"].iloc[0]))
        b = int(np.searchsorted(t, tt["ic_s"].iloc[0] + 0.7 * (tt["to_s"].iloc[0] - tt["ic_s"].iloc[0])))
        rel = np.einsum("ji,njk->nik", r[a], r[a:b])
        roll = sign * np.degrees(matrix_rotvec(rel)[:, 0])
        out.append(float(est[k] - np.max(roll)))
    return out


if __name__ == "__main__":
    sys.exit(main())
