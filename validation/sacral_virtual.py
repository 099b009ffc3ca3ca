"""The trunk contact methods for accelerometer-only sensors on virtual sacral sensors of many runners.

The constants of ``freefall_springmass`` (toe-off threshold, weight of the spring-mass contact time)
were chosen on the real sacral accelerometer of ONE runner (Alcantara et al. 2022,
``validation/sacral_grf.py``). This script checks that they do not only fit that runner: SYNTHETIC
sacral accelerometers (``stridelab.synth.imu.synthesize_imu``: the pelvis segment of real motion
capture, consumer-MEMS noise, a random mounting, 200 Hz; the gyroscope dropped, as on an
accelerometer-only sensor) of every Fukuchi et al. (2017) runner with a treadmill force plate at
3.5 m/s (RBDS001 and the 19 of ``mocap/fukuchi2017_runners``; 2.5 and 4.5 m/s where recorded) go
through the same alignment as ``stridelab analyze`` and each trunk method, and the contacts are paired
with the force plate's (``synthesize_imu``'s contacts: force above its threshold; nearest IC within
150 ms). Reported per runner and pooled: contacts found, contact-time bias / SD / RMSE, the sensor's
flight level (:func:`stridelab.events.imu_sacrum.flight_level_g`) and the method that ``auto``
(:func:`stridelab.events.imu.trunk_method`, the default of ``stridelab analyze``) picks from it.

Limits of this check: the virtual sensor is the pelvis segment of markers low-passed at 15 Hz, so
it has no landing impact, no soft-tissue wobble and no clipping (what made ``freefall`` fail on the
real sensor); it is a second check of the methods' principle on other runners, not of the real
sensor's behaviour.

A second, REAL check of the same question (``--p01``): the pelvis IMU mean cycle of another runner
(``wearable/imu_mean_cycles/P01_normrunning.mat``, BioMAC-Sim-Toolbox, 3.47 m/s; layout as in
``validation/imu_cycles.py``) with its right-foot vertical force, the cycle interpolated periodically
to 500 Hz and repeated 14 times, as ``stridelab analyze`` would align it; the right foot's contacts
(force above 0.1 BW) against each method's nearest contacts (median errors). A mean over cycles
smooths the events, so this is one averaged stride of one runner, not a validation.

Run: ``.venv/bin/python validation/sacral_virtual.py [--runners N] [--p01]`` (about a minute per ten trials).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from stridelab.events.agreement import match_contacts
from stridelab.events.imu import trunk_method
from stridelab.events.imu_align import align
from stridelab.events.imu_sacrum import flight_level_g, sacrum_events
from stridelab.io import read_trial
from stridelab.model.trial import ImuData
from stridelab.synth.imu import synthesize_imu

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mocap"
METHODS = ("freefall", "freefall_steps", "freefall_springmass", "auto")


def trials() -> list[tuple[str, Path, Path]]:
    """(label, run, static) of every Fukuchi trial with a force plate in the shared folder."""
    out = [("RBDS001 3.5", SHARED / "fukuchi2017" / "RBDS001runT35.c3d", SHARED / "fukuchi2017" / "RBDS001static.c3d")]
    folder = SHARED / "fukuchi2017_runners"
    for run in sorted(folder.glob("RBDS*runT*.c3d")):
        rid, speed = run.stem.split("runT")
        out.append((f"{rid} {int(speed) / 10:.1f}", run, folder / f"{rid}static.c3d"))
    return out


def rmse(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(np.sqrt(np.mean(x**2))) if x.size else float("nan")


def p01_mean_cycle() -> None:
    """The REAL pelvis IMU mean cycle of P01 against its right-foot force (module docstring)."""
    import warnings

    with warnings.catch_warnings():  # matio sets a pandas option that pandas 3 deprecates, on import
        warnings.simplefilter("ignore")
        import matio
    from scipy.interpolate import CubicSpline

    path = SHARED.parent / "wearable" / "imu_mean_cycles" / "P01_normrunning.mat"
    var = matio.load_from_mat(str(path))["dataStruct"][0, 0]["variables"]
    acc: list[np.ndarray] = [np.zeros(0)] * 3
    grf = np.zeros(0)
    dur = 0.0
    for _, row in var.iterrows():
        typ, name = str(np.ravel(row["type"])[0]), str(np.ravel(row["name"])[0])
        mean = np.asarray(row["mean"], dtype=float).ravel()  # type: ignore[call-overload]
        if typ == "acc" and name == "pelvis":
            acc[int(np.argmax([row["direction_1"], row["direction_2"], row["direction_3"]]))] = mean
        elif typ == "GRF" and name == "GRF_y_r":
            grf = mean
        elif typ == "dur":
            dur = float(mean[0])
    rate, n_cycles = 500.0, 14
    x = np.arange(101) / 100 * dur
    t = np.arange(0.0, n_cycles * dur, 1 / rate)

    def periodic(y: np.ndarray) -> np.ndarray:
        return np.asarray(CubicSpline(x, np.append(y, y[0]), bc_type="periodic")(t % dur))

    # OpenSim segment axes: x anterior, y superior, z right
    al = align(ImuData("sacrum", rate, t, np.column_stack([periodic(acc[0]), periodic(acc[2]), periodic(acc[1])])))
    g = periodic(grf)
    on = g > 0.1
    ups = np.flatnonzero(~on[:-1] & on[1:])
    dns = np.flatnonzero(on[:-1] & ~on[1:])
    pairs = [(t[u], t[dns[dns > u][0]]) for u in ups if (dns > u).any()]
    ref = pd.DataFrame({"side": "any", "ic_s": [a for a, _ in pairs], "to_s": [b for _, b in pairs]})
    level = flight_level_g(al)
    print(f"\nREAL pelvis IMU mean cycle of P01 (3.47 m/s), right foot's {len(ref)} contacts of the repeated cycle "
          f"(median {1000 * float((ref['to_s'] - ref['ic_s']).median()):.0f} ms); flight level {level:+.2f} g, auto picks {trunk_method(al)}:")
    for m in METHODS[:-1]:
        ev = sacrum_events(al, m)
        mm = match_contacts(ref, pd.DataFrame({"side": "any", "ic_s": ev.ic_s, "to_s": ev.to_s}), 0.1)
        print(f"  {m:19s} IC {mm['ic_err_ms'].median():+6.1f}  TO {mm['to_err_ms'].median():+6.1f}  contact time {mm['gct_err_ms'].median():+6.1f} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runners", type=int, default=0, help="only the first N trials (0: all)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--p01", action="store_true", help="only the REAL pelvis IMU mean cycle of P01")
    args = ap.parse_args()
    if args.p01:
        p01_mean_cycle()
        return 0
    todo = trials()
    if not todo[0][1].is_file():
        print(f"real data not found at {SHARED}")
        return 1
    if args.runners:
        todo = todo[: args.runners]
    rows = []
    pooled: dict[str, list[pd.DataFrame]] = {m: [] for m in METHODS}
    n_truth = 0
    for k, (label, run, static) in enumerate(todo):
        trial = read_trial(run, static=static if static.is_file() else None)
        v = synthesize_imu(trial, ("sacrum",), noise=1.0, mount_deg=180.0, seed=args.seed + k, rate_hz=200.0)
        s = v.sensors["sacrum"]
        al = align(ImuData("sacrum", s.rate_hz, s.time_s, s.acc_mps2))  # accelerometer only
        truth = v.contacts.assign(side="any")
        n_truth += len(truth)
        row: dict[str, object] = {"trial": label, "n_ref": len(truth)}
        level = flight_level_g(al)
        row["flight_level_g"] = level
        row["auto_method"] = trunk_method(al)
        for m in METHODS:
            ev = sacrum_events(al, trunk_method(al) if m == "auto" else m)
            est = pd.DataFrame({"side": "any", "ic_s": ev.ic_s, "to_s": ev.to_s})
            mm = match_contacts(truth, est, 0.15).assign(trial=label)
            pooled[m].append(mm)
            ct = mm["gct_err_ms"].to_numpy(float)
            row[f"{m}_found"] = len(mm)
            row[f"{m}_ct_bias"] = float(np.nanmean(ct)) if np.isfinite(ct).any() else np.nan
            row[f"{m}_ct_rmse"] = rmse(ct)
        rows.append(row)
        print(f"{label}: " + ", ".join(f"{m} {row[f'{m}_found']}/{len(truth)} RMSE {row[f'{m}_ct_rmse']:.1f}" for m in METHODS), flush=True)
    df = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    print("\nSYNTHETIC virtual sacral accelerometers (no gyroscope) of real mocap trials vs their force plates (ms):")
    print(df.round(1).to_string(index=False))
    print()
    for m in METHODS:
        d = pd.concat(pooled[m], ignore_index=True)
        ct = d["gct_err_ms"].to_numpy(float)
        ic = d["ic_err_ms"].to_numpy(float)
        to = d["to_err_ms"].to_numpy(float)
        per = df[f"{m}_ct_rmse"]
        print(
            f"{m:19s} {len(todo)} trials: found {len(d)}/{n_truth} ({100 * len(d) / max(n_truth, 1):.1f}%); IC {np.nanmean(ic):+.1f} SD {np.nanstd(ic):.1f}; "
            f"TO {np.nanmean(to):+.1f} SD {np.nanstd(to):.1f}; contact time {np.nanmean(ct):+.1f} SD {np.nanstd(ct):.1f} RMSE {rmse(ct):.1f} ms; "
            f"per-trial RMSE median {per.median():.1f}, max {per.max():.1f} ms; trials <= 20 ms: {(per <= 20).sum()}/{per.notna().sum()}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
