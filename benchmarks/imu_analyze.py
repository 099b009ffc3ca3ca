"""Benchmark: one hour of two foot IMUs and a sacrum IMU at 200 Hz, analysed (events and metrics).

The hour is SYNTHETIC: virtual IMUs of the real Fukuchi RBDS001 3.5 m/s trial
(:mod:`stridelab.synth.imu`, consumer-MEMS noise, random mounting), cut at two left initial
contacts 28 strides apart and repeated whole strides at a time to 60 minutes, with fresh white
noise on every repeat. Timed: ``stridelab.analyze`` on the in-memory trial (alignment, contact
events of all three sensors, step table, foot strapdown/ZUPT, sacral metrics, summaries), and
separately, reading the same hour back from Parquet and from CSV.GZ. Target: analysis < 3 s.
Both wall-clock and CPU time are printed: on a shared machine the CPU time is the better guide to
the wall time on a quiet one (numpy runs these steps single-threaded).

Run: ``.venv/bin/python benchmarks/imu_analyze.py``
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mocap" / "fukuchi2017"
HOUR_S = 3600.0
RATE = 200.0


def synthetic_hour() -> tuple[dict[str, object], int]:
    import stridelab as sl
    from stridelab.model.trial import ImuData
    from stridelab.synth.imu import synthesize_imu

    tr = sl.read(DATA / "RBDS001runT35.c3d", static=DATA / "RBDS001static.c3d")
    v = synthesize_imu(tr, ("left_foot", "right_foot", "sacrum"), noise=1.0, mount_deg=180.0, seed=1, rate_hz=RATE)
    lic = v.contacts.loc[v.contacts["side"] == "left", "ic_s"].to_numpy()
    a, b = lic[1], lic[-2]
    t = next(iter(v.sensors.values())).time_s
    i0, i1 = int(np.searchsorted(t, a)), int(np.searchsorted(t, b))
    reps = int(np.ceil(HOUR_S * RATE / (i1 - i0)))
    rng = np.random.default_rng(0)
    out: dict[str, object] = {}
    for loc, s in v.sensors.items():
        acc = np.tile(s.acc_mps2[i0:i1], (reps, 1))[: int(HOUR_S * RATE)]
        gyr = np.tile(s.gyr_radps[i0:i1], (reps, 1))[: int(HOUR_S * RATE)]  # type: ignore[index]
        acc = acc + rng.normal(0, 0.05, acc.shape)
        gyr = gyr + rng.normal(0, 0.005, gyr.shape)
        out[loc] = ImuData(loc, RATE, np.arange(acc.shape[0]) / RATE, acc, gyr)
    return out, (len(lic) - 3) * reps


def main() -> int:
    if not DATA.is_dir():
        print(f"real data not found at {DATA}")
        return 1
    import stridelab as sl
    from stridelab.events import imu as ev_imu
    from stridelab.io.imu import write_imu_long
    from stridelab.model.trial import Trial

    sensors, n_strides = synthetic_hour()
    n = next(iter(sensors.values())).time_s.size  # type: ignore[attr-defined]
    print(f"SYNTHETIC hour: 3 IMUs (left_foot, right_foot, sacrum) x {n} samples at {RATE:g} Hz (acc + gyro), ~{n_strides} strides per foot")
    for run in range(3):
        ev_imu._CACHE.clear()
        trial = Trial(imu=dict(sensors))  # type: ignore[arg-type]
        t0, c0 = time.perf_counter(), time.process_time()
        res = sl.analyze(trial, sl.AnalysisOptions(mass_kg=62, height_m=1.81))
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"run {run + 1}: analyze {dt:.2f} s wall, {dc:.2f} s CPU (target < 3 s) - {len(res.contacts)} contacts, {int(res.steps['next_ic_s'].notna().sum())} steps, "
            f"cadence {res.summary['cadence_spm']:.1f} spm, speed {res.summary['speed_mps']:.2f} m/s, contact {res.summary['gct_ms']:.0f} ms"
        )
    with tempfile.TemporaryDirectory() as d:
        for name in ("hour.parquet", "hour.csv.gz"):
            f = Path(d) / name
            t0 = time.perf_counter()
            write_imu_long(f, sensors, {"synthetic": "true"})  # type: ignore[arg-type]
            tw = time.perf_counter() - t0
            t0 = time.perf_counter()
            sl.read(f)
            tr_ = time.perf_counter() - t0
            print(f"{name}: {f.stat().st_size / 1e6:.0f} MB, write {tw:.1f} s, read {tr_:.1f} s (not part of the 3-s target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
