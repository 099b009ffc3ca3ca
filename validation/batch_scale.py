"""Scale test of ``stridelab batch`` on a SYNTHETIC trial set derived from the real Fukuchi runners.

1. Analyse the 20 real 30-s C3D trials at 3.5 m/s (``*runT35.c3d`` of
   ``../shared/data/mocap/fukuchi2017_runners`` and ``fukuchi2017``, static trials and masses paired
   by the batch's discovery): the reference cadence of each source.
2. Generate ``--n`` SYNTHETIC 10-s trials from them (:mod:`stridelab.synth.trials`: time scaling
   0.9-1.1, 1 mm marker noise, 1 % analog noise, marker dropout in 20 % of trials, random windows and
   first frames), and analyse them with ``stridelab batch --manifest`` (``--workers``).
3. Report: throughput, failures by reason, the cost of a cached re-run, and how well the documented
   variation shows in the results: the cadence of each synthetic trial divided by its source's
   cadence should equal the time-scaling factor drawn (median and 95th percentile of the relative
   error), and every trial is flagged synthetic.

Run: ``.venv/bin/python validation/batch_scale.py [--n 200] [--workers 2] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STRIDELAB_SHARED_DATA", ROOT.parent / "shared" / "data"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--keep", type=Path, default=None, help="keep the synthetic set and outputs here")
    args = ap.parse_args()
    from stridelab.batch.discover import discover
    from stridelab.batch.jobs import BatchOptions
    from stridelab.batch.runner import run_batch
    from stridelab.synth.trials import Source, synth_set

    base = args.keep or Path(tempfile.mkdtemp(prefix="stridelab-batch-scale-"))
    try:
        d = discover([SHARED / "mocap" / "fukuchi2017_runners", SHARED / "mocap" / "fukuchi2017"])
        jobs = [j for j in d.jobs if j.trial.endswith("runT35.c3d")]
        ref = run_batch([], base / "real", BatchOptions(), workers=args.workers, progress=False,
                        manifest=_manifest(base / "real.csv", jobs))
        real = pd.read_parquet(base / "real" / "trials.parquet")
        src_cad = {Path(f).name: c for f, c in zip(real.file, real.cadence_spm, strict=True)}
        print(f"real sources: {ref.n_ok}/{ref.n_trials} ok, {ref.analyse_s:.1f} s")
        t0 = time.perf_counter()
        manifest = synth_set([Source(Path(j.trial), Path(j.static) if j.static else None, j.runner, j.mass_kg) for j in jobs],
                             base / "syn", args.n, args.seed)
        print(f"generated {args.n} SYNTHETIC trials in {time.perf_counter() - t0:.1f} s "
              f"({sum(p.stat().st_size for p in (base / 'syn').glob('*.c3d')) / 1e6:.0f} MB)")
        s = run_batch([], base / "out", BatchOptions(), workers=args.workers, manifest=manifest, progress=False)
        print(f"batch: {s.n_trials} trials, {s.n_ok} ok, {s.n_failed} failed; analysis {s.analyse_s:.1f} s = "
              f"{s.n_analysed / s.analyse_s:.2f} trials/s with {args.workers} workers; gathering the tables {s.elapsed_s - s.analyse_s:.1f} s")
        t = pd.read_parquet(base / "out" / "trials.parquet")
        m = pd.read_csv(manifest)
        if s.n_failed:
            print("failures by reason:")
            print(t.loc[t.status != "ok", "reason"].str.slice(0, 100).value_counts().to_string())
        ok = t[t.status == "ok"].copy()
        ok["trial"] = ok.trial_id.map(lambda x: Path(x).name)
        ok = ok.merge(m[["trial", "source", "time_scale", "dropped_markers"]], on="trial")
        ratio = ok.cadence_spm / ok.source.map(src_cad)
        err = 100 * (ratio / ok.time_scale - 1)
        print(f"cadence / source cadence vs the time scale drawn: median |error| {np.median(np.abs(err)):.2f} %, "
              f"95th percentile {np.percentile(np.abs(err), 95):.2f} %, max {np.max(np.abs(err)):.2f} % (n = {len(err)})")
        print(f"flagged synthetic: {int(t.synthetic.sum())}/{len(t)}; trials with marker dropout: "
              f"{int(m.dropped_markers.notna().sum())}, of them ok: {int(ok.dropped_markers.notna().sum())}")
        t1 = time.perf_counter()
        s2 = run_batch([], base / "out", BatchOptions(), workers=args.workers, manifest=manifest, progress=False)
        print(f"cached re-run: {time.perf_counter() - t1:.1f} s for {s2.n_trials} trials ({s2.n_cached} from the cache, {s2.n_analysed} analysed)")
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


def _manifest(path: Path, jobs: list[Any]) -> Path:
    pd.DataFrame([{"trial": j.trial, "static": j.static, "runner": j.runner, "mass_kg": j.mass_kg} for j in jobs]).to_csv(path, index=False)
    return path


if __name__ == "__main__":
    main()
