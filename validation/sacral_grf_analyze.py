"""The real sacral accelerometer through ``stridelab analyze`` (the whole pipeline: reader, alignment,
trunk events, screening, metrics) against the force plate of the same strides.

Data and reference: as ``validation/sacral_grf.py`` (Alcantara et al. 2022, REAL; force above 0.1 BW).
Each of the 31 conditions is written in stridelab's long IMU layout as one ``sacrum`` sensor
(x = the set's anteroposterior channel, z = its vertical channel, y = mediolateral, which the set
does not have: Gaussian noise of 0.02 g, seed 0, so that the reader sees three axes), read back with
``stridelab.read`` and analysed with ``stridelab.analyze`` (default options), and the analysis'
contacts are paired with the force plate's (nearest IC within 100 ms). Reported: contacts found,
contact-time RMSE, and the reported cadence against the force plate's (60 x (contacts - 1) / span).

Run: ``.venv/bin/python validation/sacral_grf_analyze.py`` (about a minute).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sacral_grf as sg  # noqa: E402

import stridelab as sl  # noqa: E402


def main() -> int:
    if not sg.DATA.is_dir():
        print(f"real data not found at {sg.DATA}")
        return 1
    v_all, ap_all, grf, info = sg.load()
    rng = np.random.default_rng(0)
    rows = []
    matched = []
    n_est = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(len(info)):
            n = v_all[i].size
            df = pd.DataFrame(
                {"time_s": np.arange(n) / sg.RATE, "location": "sacrum", "acc_x": ap_all[i], "acc_y": rng.normal(0.0, 0.02, n), "acc_z": v_all[i]}
            )
            path = Path(tmp) / f"cond{i}.csv"
            path.write_text("# stridelab-imu 1\n# acc_unit=g\n" + df.to_csv(index=False, float_format="%.6g"), encoding="utf-8")
            res = sl.analyze(sl.read(path))
            doc = res.to_json()
            c = pd.DataFrame(doc["contacts"])
            ref = sg.reference(grf[i])
            cad_ref = 60.0 * (len(ref) - 1) / float(ref["ic_s"].iloc[-1] - ref["ic_s"].iloc[0])
            m = sg.score(ref, c["ic_s"].to_numpy(float), c["to_s"].to_numpy(float)).assign(cond=i)
            matched.append(m)
            n_est += len(c)
            cad = doc["summary"].get("cadence_spm")
            rows.append(
                {"cond": i, "speed": info["Speed"][i], "slope": info["Slope"][i], "strike": info["strike"][i], "n_ref": len(ref), "n_est": len(c), "found": len(m),
                 "ct_rmse": sg.rmse(m["gct_err_ms"].to_numpy()), "cad_err_pct": 100 * (cad / cad_ref - 1) if cad else np.nan,
                 "method": sorted({s.split(":")[-1] for s in c["source"]})}  # fmt: skip
            )
    df = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    print(df.round(2).to_string(index=False))
    m = pd.concat(matched, ignore_index=True)
    print(f"\nthrough stridelab analyze, all 31 conditions: {sg.summary(m, int(df['n_ref'].sum()), n_est)}")
    m = m.merge(df[["cond", "speed", "slope", "strike"]], on="cond")
    for key in ("speed", "slope", "strike"):
        for val, g in m.groupby(key):
            sel = df[key] == val
            print(f"  {key}={val}: {sg.summary(g, int(df.loc[sel, 'n_ref'].sum()), int(df.loc[sel, 'n_est'].sum()))}")
    # where the error comes from: each condition's mean contact-time error (between conditions) and
    # the spread about it (within a condition)
    ct = m["gct_err_ms"]
    bias = ct.groupby(m["cond"]).transform("mean")
    print(f"contact-time error: between conditions (RMS of the condition means) {sg.rmse(bias.to_numpy()):.1f} ms, "
          f"within conditions (RMS about them) {sg.rmse((ct - bias).to_numpy()):.1f} ms")
    e = df["cad_err_pct"].abs()
    print(f"reported cadence: |error| median {e.median():.2f}%, max {e.max():.2f}%, within 1% in {(e <= 1).sum()}/{e.notna().sum()} conditions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
