"""The shipped loading model end to end on the REAL sacral accelerometer (Alcantara et al. 2022).

Unlike ``validation/loading_grf.py`` (which times the steps from the treadmill force and predicts
loading from the accelerometer), here everything comes from the sensor, as in ``stridelab analyze``:
each of the 31 clips (one runner, about 5 s each, 500 Hz, vertical and anteroposterior axes) goes
through :func:`stridelab.analyze` with its treadmill speed; the sacral contact detector times the
steps and the loading stage predicts ``peak_vgrf_bw`` and ``vlr_avg_bw_s``. Each predicted step is
paired with the force step whose IC is within 60 ms. Two runs:

1. the clips as stored (their vertical channel averages about 1.2 g: an offset);
2. the clips after :func:`stridelab.loading.alcantara.gravity_calibrated` (mean specific force 1 g,
   as a static calibration would give; nothing fitted to the force).

Reported: clips analysed, steps paired, peak-force RMSE / bias / 95 % limits of agreement (Bland &
Altman 1986), loading-rate RMSE and bias, the physics baseline (Morin 2005) from the same
sensor-timed steps, and the contact-timing errors against the force.

Run: ``.venv/bin/python validation/loading_real_pipeline.py``
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import stridelab as sl  # noqa: E402
from stridelab.errors import StridelabError  # noqa: E402
from stridelab.loading.alcantara import gravity_calibrated, read_conditions  # noqa: E402
from stridelab.loading.physics import morin_peak_bw  # noqa: E402
from stridelab.model.trial import Trial  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "wearable" / "sacral_grf"


def run(calibrate: bool) -> None:
    rows = []
    failed: list[str] = []
    conds = read_conditions(DATA)
    for c in conds:
        tr = Trial()
        tr.imu = {"sacrum": gravity_calibrated(c.imu) if calibrate else c.imu}
        tr.provenance.format = "imu"
        try:
            a = sl.analyze(tr, sl.AnalysisOptions(speed_mps=c.speed_mps))
        except StridelabError as e:
            failed.append(f"{c.index}: {e.message[:60]}")
            continue
        st = a.steps
        if "peak_vgrf_bw" not in st.columns:
            failed.append(f"{c.index}: no prediction")
            continue
        true_ic = c.steps["ic_s"].to_numpy()
        for _, s in st.iterrows():
            if not np.isfinite(s["peak_vgrf_bw"]) or true_ic.size == 0:
                continue
            k = int(np.argmin(np.abs(true_ic - s["ic_s"])))
            if abs(true_ic[k] - s["ic_s"]) <= 0.06:
                t = c.steps.iloc[k]
                morin = float(morin_peak_bw(np.array([s["gct_ms"] / 1000]), np.array([s["flight_ms"] / 1000]))[0])
                rows.append({"peak": t["peak_vgrf_bw"], "pred": s["peak_vgrf_bw"], "morin": morin, "vlr": t["vlr_avg_bw_s"], "vpred": s["vlr_avg_bw_s"],
                             "ic_ms": (s["ic_s"] - t["ic_s"]) * 1000, "gct_ms": ((s["to_s"] - s["ic_s"]) - (t["to_s"] - t["ic_s"])) * 1000})
    tab = pd.DataFrame(rows)
    label = "gravity-calibrated" if calibrate else "as stored"
    print(f"## {label}: {len(conds) - len(failed)} of {len(conds)} clips analysed, {len(tab)} of {sum(len(c.steps) for c in conds)} force steps paired")
    for f in failed[:3]:
        print(f"   failed {f}")
    if len(tab) < 2:
        return
    d = tab["pred"] - tab["peak"]
    v = (tab["vpred"] - tab["vlr"]).dropna()
    print(f"   peak_vgrf_bw: RMSE {np.sqrt(np.mean(d**2)):.3f} BW, bias {d.mean():+.3f}, 95% limits {d.mean() - 1.96 * d.std():+.2f} to {d.mean() + 1.96 * d.std():+.2f}")
    print(f"   vlr_avg_bw_s: RMSE {np.sqrt(np.mean(v**2)):.1f} BW/s, bias {v.mean():+.1f}, 95% limits {v.mean() - 1.96 * v.std():+.1f} to {v.mean() + 1.96 * v.std():+.1f}")
    dm = tab["morin"] - tab["peak"]
    print(f"   Morin 2005 sinusoid from the same sensor-timed steps: peak RMSE {np.sqrt(np.mean(dm**2)):.3f} BW, bias {dm.mean():+.3f}")
    print(f"   timing vs force: IC {tab['ic_ms'].mean():+.1f} +- {tab['ic_ms'].std():.1f} ms, contact time {tab['gct_ms'].mean():+.1f} +- {tab['gct_ms'].std():.1f} ms")


def main() -> None:
    if not DATA.is_dir():
        sys.exit(f"needs the real data in {DATA}")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # the set has no mediolateral axis: the alignment divides 0 by 0
        for calibrate in (False, True):
            run(calibrate)


if __name__ == "__main__":
    main()
