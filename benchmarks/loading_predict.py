"""Benchmark: predicted loading for one hour of running (sacrum and both shanks at 200 Hz).

The hour is SYNTHETIC: virtual IMUs of the real Fukuchi RBDS001 3.5 m/s trial (:mod:`stridelab.synth.imu`),
whole strides repeated to 60 minutes with fresh white noise (as ``benchmarks/imu_analyze.py``), and
the force plate's contacts repeated with them (so the timing measures the loading step alone, not
contact detection). Timed: what the loading stage does for every step - the shipped model's features (timing only; with a
model that reads the signals, alignment and signal features too; the sacrum's waveform model: alignment, step windows
and their waveform) and its peak force, loading rate and
force curve (:mod:`stridelab.loading.model`) - for the sacrum model (all steps) and the shank model
(each side's steps from its shank); then, separately, alignment and signal features of the three
sensors (what the all-feature models of the comparison read). Target: < 2 s. Wall and CPU time are printed.

Run: ``.venv/bin/python benchmarks/loading_predict.py``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mocap" / "fukuchi2017"
HOUR_S = 3600.0
RATE = 200.0


def synthetic_hour() -> tuple[dict[str, object], pd.DataFrame]:
    import stridelab as sl
    from stridelab.model.trial import ImuData
    from stridelab.synth.imu import synthesize_imu

    tr = sl.read(DATA / "RBDS001runT35.c3d", static=DATA / "RBDS001static.c3d")
    v = synthesize_imu(tr, ("left_shank", "right_shank", "sacrum"), noise=1.0, mount_deg=30.0, seed=1, rate_hz=RATE)
    c = v.contacts.sort_values("ic_s").reset_index(drop=True)
    lic = c.loc[c["side"] == "left", "ic_s"].to_numpy()
    a, b = lic[1], lic[-2]
    t = next(iter(v.sensors.values())).time_s
    i0, i1 = int(np.searchsorted(t, a)), int(np.searchsorted(t, b))
    period = (i1 - i0) / RATE
    reps = int(np.ceil(HOUR_S / period))
    rng = np.random.default_rng(0)
    out: dict[str, object] = {}
    for loc, s in v.sensors.items():
        acc = np.tile(s.acc_mps2[i0:i1], (reps, 1))[: int(HOUR_S * RATE)] + rng.normal(0, 0.05, (min(reps * (i1 - i0), int(HOUR_S * RATE)), 3))
        gyr = np.tile(s.gyr_radps[i0:i1], (reps, 1))[: int(HOUR_S * RATE)]  # type: ignore[index]
        out[loc] = ImuData(loc, RATE, np.arange(acc.shape[0]) / RATE, acc, gyr + rng.normal(0, 0.005, gyr.shape))
    one = c[(c["ic_s"] >= a) & (c["ic_s"] < b)]
    rows = [one.assign(ic_s=one["ic_s"] - a + k * period, to_s=one["to_s"] - a + k * period) for k in range(reps)]
    steps = pd.concat(rows, ignore_index=True)
    steps = steps[steps["to_s"] < HOUR_S - 1].reset_index(drop=True)
    nxt = steps["ic_s"].shift(-1)
    steps["flight_ms"] = (nxt - steps["to_s"]) * 1000
    steps["step_time_ms"] = (nxt - steps["ic_s"]) * 1000
    return out, steps.iloc[:-1]


def main() -> int:
    if not DATA.is_dir():
        print(f"real data not found at {DATA}")
        return 1
    from stridelab.events.imu_align import align
    from stridelab.learn.dataset import StepDataset
    from stridelab.loading.features import step_features, step_windows, timing
    from stridelab.loading.model import load_shipped
    from stridelab.loading.stage import _model
    from stridelab.loading.waveform import trunk_inputs

    sensors, steps = synthetic_hour()
    print(f"one hour: {len(steps)} steps, sensors {', '.join(sensors)} at {RATE:g} Hz (SYNTHETIC signals)")
    shipped = load_shipped()["models"]
    models = {k: _model(v) for k, v in shipped.items()}
    f_timing = list(timing(steps.iloc[:1]).columns)
    best = np.inf
    for _ in range(3):
        w0, c0 = time.perf_counter(), time.process_time()
        n = 0
        for loc, kind in (("sacrum", "trunk"), ("left_shank", "shank"), ("right_shank", "shank")):
            st = steps if kind == "trunk" else steps[steps["side"] == loc.split("_")[0]]
            if shipped[kind]["method"] == "pca_ridge":  # alignment not cached: timed on every repetition
                f = trunk_inputs(timing(st), step_windows(align(sensors[loc]), st))  # type: ignore[arg-type]
            elif set(models[kind].features_) <= set(f_timing):
                f = timing(st)
            else:
                f = step_features(align(sensors[loc]), st)  # type: ignore[arg-type]
            f = f[np.isfinite(f.to_numpy(float)).all(axis=1)]  # as the stage: a window cut by the recording's ends is left out
            ds = StepDataset(f.reset_index(drop=True), pd.DataFrame(index=range(len(f))), np.zeros(len(f), dtype=str))
            p, cur = models[kind].predict(ds), models[kind].predict_curve(ds)
            n += len(p)
            assert np.isfinite(p).all() and cur.shape == (len(p), 51)
        w, c = time.perf_counter() - w0, time.process_time() - c0
        best = min(best, w)
        print(f"  predicted {n} step values (sacrum model on every step, shank models per side): wall {w:.2f} s, CPU {c:.2f} s")
    print(f"best wall time {best:.2f} s (target < 2 s)")
    w0, c0 = time.perf_counter(), time.process_time()
    n = 0
    for loc in ("sacrum", "left_shank", "right_shank"):
        st = steps if loc == "sacrum" else steps[steps["side"] == loc.split("_")[0]]
        n += len(step_features(align(sensors[loc]), st))  # type: ignore[arg-type]
    print(f"signal features of all three sensors (what the all-feature models read), {n} rows: wall {time.perf_counter() - w0:.2f} s, "
          f"CPU {time.process_time() - c0:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
