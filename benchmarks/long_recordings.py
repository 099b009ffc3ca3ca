"""Benchmark: CPU per minute of recording and peak memory, from 30 s to 60 min (issue 12).

Real recordings are tiled in time to each length (so the per-minute work is the same at every
length, and any growth of CPU per minute is the pipeline's, not the data's):

* ``mocap``: the bundled Fukuchi 2017 treadmill trial RBDS001 (30 s, markers at 150 Hz, force
  plate at 300 Hz) with its standing trial, every stage (kinematics, kinetics, inverse dynamics);
* ``imu``: ``wearable/accel/acc_running.csv.gz`` (real, 25 min, hip and ankle at 100 Hz);
* ``fit``: ``wearable/fit/activity-small-fenix2-run.fit`` (real Fenix 2 run, 47 min, 1 Hz records).

Tiled copies are joined end to end (time axis continued; the cumulative FIT distance continued);
the joins are the only thing not in the original data. Each length runs in its own child process:
``cpu_s`` is :func:`stridelab.analysis.analyze` alone (reading and tiling are not counted),
``sys`` the part of it spent in the kernel (mostly page faults of newly allocated arrays),
``peak_mib`` the child's peak resident memory (reading and tiling included), ``base_mib`` its
resident memory just before the analysis.

``--warm-up`` first analyses 5 s of the same recording in each child, so that the analysis's
one-time costs (stage modules imported on first use, about 0.035 s) do not count as CPU per minute
of the 30-s recording.

The children run as the CLI runs the analysis, with ``NUMPY_MADVISE_HUGEPAGE=0`` (see
:mod:`stridelab.cli`) unless the environment sets it; ``--numpy-hugepages`` leaves NumPy's
default (huge-page advice on).

Run: ``nice -n 10 .venv/bin/python benchmarks/long_recordings.py [--kinds mocap,imu,fit] [--minutes 0.5,2,10,30,60] [--warm-up] [--numpy-hugepages]``
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SOURCES = {
    "mocap": (ROOT / "examples" / "fukuchi2017" / "RBDS001runT35.c3d", ROOT / "examples" / "fukuchi2017" / "RBDS001static.c3d"),
    "imu": (DATA / "wearable" / "accel" / "acc_running.csv.gz", None),
    "fit": (DATA / "wearable" / "fit" / "activity-small-fenix2-run.fit", None),
}
SUBJECT = {"mocap": {"mass_kg": 62.0, "height_m": 1.81}, "imu": {}, "fit": {}}
#: Seconds of recording analysed once before the timing with ``--warm-up``.
WARM_UP_S = 5.0


def _tile(x: np.ndarray, n: int) -> np.ndarray:
    reps = math.ceil(n / len(x))
    return np.concatenate([x] * reps, axis=0)[:n] if reps > 1 else x[:n].copy()


def _clock(t: np.ndarray, rate_hz: float, n: int) -> np.ndarray:
    return float(t[0]) + np.arange(n) / rate_hz


def tile_trial(tr: Any, seconds: float) -> Any:
    """``tr`` repeated end to end (or cut) to ``seconds`` of recording."""
    out = dataclasses.replace(tr)
    if tr.markers is not None:
        mk = tr.markers
        n = int(round(seconds * mk.rate_hz))
        out.markers = dataclasses.replace(mk, positions_m=_tile(mk.positions_m, n), time_s=_clock(mk.time_s, mk.rate_hz, n))
    plates = []
    for p in tr.forceplates:
        n = int(round(seconds * p.rate_hz))
        plates.append(dataclasses.replace(
            p, time_s=_clock(p.time_s, p.rate_hz, n), force_n=_tile(p.force_n, n), cop_m=_tile(p.cop_m, n),
            free_moment_nm=_tile(p.free_moment_nm, n),
        ))
    out.forceplates = plates
    imu = {}
    for name, s in tr.imu.items():
        n = int(round(seconds * s.rate_hz))
        imu[name] = dataclasses.replace(
            s, time_s=_clock(s.time_s, s.rate_hz, n), acc_mps2=_tile(s.acc_mps2, n),
            gyr_radps=None if s.gyr_radps is None else _tile(s.gyr_radps, n),
        )
    out.imu = imu
    if tr.records is not None:
        import pandas as pd

        rec = tr.records
        period = float(rec["time_s"].iloc[-1] - rec["time_s"].iloc[0]) + 1.0
        parts, k = [], 0
        while k * period < seconds:
            part = rec.copy()
            part["time_s"] = part["time_s"] + k * period
            if "distance_m" in part and k:
                part["distance_m"] = part["distance_m"] + k * float(np.nanmax(rec["distance_m"]))
            parts.append(part)
            k += 1
        tiled = pd.concat(parts, ignore_index=True)
        out.records = tiled[tiled["time_s"] < float(rec["time_s"].iloc[0]) + seconds].reset_index(drop=True)
    return out


def child(kind: str, minutes: float, warm_up: bool = False) -> dict[str, Any]:
    from stridelab.analysis import AnalysisOptions, analyze
    from stridelab.io import ReadOptions, read_trial

    run, static = SOURCES[kind]
    tr = read_trial(run, ReadOptions(static=static))
    if warm_up:  # the analysis's one-time costs (stage modules imported on first use) before the timing
        analyze(tile_trial(tr, WARM_UP_S), AnalysisOptions(**SUBJECT[kind]))
    tr = tile_trial(tr, minutes * 60.0)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    s0 = resource.getrusage(resource.RUSAGE_SELF).ru_stime
    c0, w0 = time.process_time(), time.perf_counter()
    res = analyze(tr, AnalysisOptions(**SUBJECT[kind]))
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    sys_s = resource.getrusage(resource.RUSAGE_SELF).ru_stime - s0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kind": kind, "minutes": minutes, "cpu_s": cpu, "sys_s": sys_s, "wall_s": wall, "cpu_s_per_min": cpu / minutes,
            "base_mib": base, "peak_mib": peak, "n_steps": int(len(res.steps))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kinds", default="mocap,imu,fit")
    ap.add_argument("--minutes", default="0.5,2,10,30,60")
    ap.add_argument("--warm-up", action="store_true", help=f"analyse {WARM_UP_S:g} s of the recording first in each child, so that one-time costs (modules the analysis imports on first use) are not counted")
    ap.add_argument("--numpy-hugepages", action="store_true", help="leave NumPy's transparent-huge-page advice on (the CLI turns it off: NUMPY_MADVISE_HUGEPAGE=0, see stridelab.cli)")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "MINUTES"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], float(args.child[1]), args.warm_up)))
        return
    env = dict(os.environ)
    if not args.numpy_hugepages:
        env.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")  # as the CLI runs the analysis (stridelab.cli)
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}; NUMPY_MADVISE_HUGEPAGE={env.get('NUMPY_MADVISE_HUGEPAGE', '(unset: on)')}")
    print(f"{'kind':6} {'minutes':>7} {'steps':>6} {'CPU s':>7} {'of it sys':>9} {'CPU s/min':>9} {'base MiB':>8} {'peak MiB':>8}")
    for kind in args.kinds.split(","):
        for m in (float(x) for x in args.minutes.split(",")):
            p = subprocess.run([sys.executable, __file__, "--child", kind, str(m)] + (["--warm-up"] if args.warm_up else []), capture_output=True, text=True, env=env)
            if p.returncode != 0:
                print(f"{kind:6} {m:7g} failed: {p.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(p.stdout.splitlines()[-1])
            print(f"{kind:6} {m:7g} {r['n_steps']:6d} {r['cpu_s']:7.2f} {r['sys_s']:9.2f} {r['cpu_s_per_min']:9.3f} {r['base_mib']:8.0f} {r['peak_mib']:8.0f}", flush=True)
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
