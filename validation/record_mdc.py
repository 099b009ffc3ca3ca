"""Runner record validation on the real Fukuchi et al. (2017) treadmill trials: minimal detectable
change (MDC95) per metric from split halves, its leave-one-runner-out coverage, the size of speed
effects against it, and the injury-risk flags of every trial checked against the metric values
(with an exploratory look at the injury history in participantInfo.csv).

    nice -n 10 .venv/bin/python validation/record_mdc.py [--write]

``--write`` stores the pooled split-half MDC in src/stridelab/history/mdc_reference.csv (the
reference the history uses for runners with fewer than 5 trials of their own).
Method: stridelab.history.mdc (Weir 2005); halves: stridelab.store.extract.split_halves.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = ROOT.parent / "shared" / "data" / "mocap"
RUNNERS = DATA / "fukuchi2017_runners"
OUT = ROOT / "src" / "stridelab" / "history" / "mdc_reference.csv"
METRICS = (
    "cadence_spm", "gct_ms", "flight_ms", "step_length_m", "duty_factor", "vertical_oscillation_cm", "overstride_m",
    "foot_strike_angle_deg", "knee_flexion_ic_deg", "knee_flexion_peak_deg", "hip_adduction_peak_deg", "pelvic_drop_deg",
    "peak_vgrf_bw", "vlr_avg_bw_s", "peak_braking_bw", "leg_stiffness_kn_m",
    "gct_ms_symmetry_pct", "step_length_m_symmetry_pct", "peak_vgrf_bw_symmetry_pct", "vlr_avg_bw_s_symmetry_pct",
)


def trials() -> list[tuple[str, float, Path, Path, float | None, str]]:
    info = pd.read_csv(RUNNERS / "participantInfo.csv")
    out = []
    for f in sorted(RUNNERS.glob("RBDS*runT*.c3d")):
        rid = f.name.split("run")[0]
        row = info[info["FileName"] == f.name]
        mass = float(row["Mass"].iloc[0]) if len(row) else None
        inj = str(row["Injury"].iloc[0]) if len(row) else "?"
        out.append((rid, int(f.stem[-2:]) / 10, f, RUNNERS / f"{rid}static.c3d", mass, inj))
    f1 = DATA / "fukuchi2017" / "RBDS001runT35.c3d"
    if f1.exists():
        row = info[info["FileName"] == "RBDS001runT35.c3d"]
        out.append(("RBDS001", 3.5, f1, f1.with_name("RBDS001static.c3d"), float(row["Mass"].iloc[0]), str(row["Injury"].iloc[0])))
    return out


def main() -> None:
    warnings.simplefilter("ignore")
    import stridelab as sl
    from stridelab.history.mdc import Z95, mdc95
    from stridelab.risk import Measurement, evaluate, load_evidence
    from stridelab.store.extract import contact_sources, split_halves

    rows = []
    rules = load_evidence()
    flag_rows = []
    for rid, speed, f, static, mass, inj in trials():
        a = sl.analyze(sl.read(f, static=static), sl.AnalysisOptions(mass_kg=mass))
        h1, h2 = split_halves(a.steps)
        summ = {k: float(v) for k, v in a.summary.items() if isinstance(v, int | float) and v is not None and np.isfinite(v)}
        summ.update({f"{k}_symmetry_pct": float(v) for k, v in a.symmetry_pct.items() if v is not None})
        for m in METRICS:
            if m in h1 and m in h2:
                rows.append({"runner": rid, "speed": speed, "metric": m, "d": h1[m] - h2[m], "value": summ.get(m, np.nan)})
        meas = Measurement(pd.Timestamp("2026-01-01").date(), "mocap", a.summary.get("speed_mps"), contact_sources(a), summ)
        for fl in evaluate(rules, meas):
            flag_rows.append({"runner": rid, "speed": speed, "flag": fl.rule.id, "value": fl.value, "threshold": fl.rule.threshold,
                              "direction": fl.rule.direction, "raised": fl.raised, "injury": inj})
        print(f"{f.name}: {len(a.steps)} steps", file=sys.stderr)
    df = pd.DataFrame(rows)
    print(f"\nSplit-half MDC95 on {df['runner'].nunique()} real runners ({len(df.groupby(['runner', 'speed']))} trials, Fukuchi 2017 treadmill)")
    print("metric | pairs | median value | MDC95 (all speeds) | MDC95 % of median | LORO coverage | MDC95 at 2.5 / 3.5 / 4.5 m/s")
    ref = []
    for m in METRICS:
        dm = df[df["metric"] == m]
        if len(dm) < 5:
            continue
        mdc = mdc95(dm["d"].to_numpy())
        assert mdc is not None
        cover = []
        for r in dm["runner"].unique():
            loro = mdc95(dm[dm["runner"] != r]["d"].to_numpy())
            held = np.abs(dm[dm["runner"] == r]["d"].to_numpy()) / np.sqrt(2)
            cover += list(held <= (loro or 0))
        by_speed = [mdc95(dm[dm["speed"] == s]["d"].to_numpy()) for s in (2.5, 3.5, 4.5)]
        med = float(np.nanmedian(dm["value"]))
        pct = 100 * mdc / abs(med) if med else np.nan
        print(f"{m} | {len(dm)} | {med:.4g} | {mdc:.3g} | {pct:.1f} % | {100 * np.mean(cover):.0f} % | "
              + " / ".join("-" if v is None else f"{v:.3g}" for v in by_speed))
        ref.append({"source": "mocap", "metric": m, "mdc95": f"{mdc:.6g}", "n_pairs": len(dm)})
    # speed effects against the MDC: runners with all three speeds
    print("\nSpeed effect against noise (runners with 2.5, 3.5 and 4.5 m/s): mean change per +1 m/s step / MDC95")
    vals = df.pivot_table(index=["runner", "metric"], columns="speed", values="value").dropna()
    for m in ("cadence_spm", "gct_ms", "step_length_m", "vertical_oscillation_cm", "peak_vgrf_bw", "vlr_avg_bw_s", "overstride_m"):
        if m not in vals.index.get_level_values(1):
            continue
        v = vals.xs(m, level=1)
        step = float(np.mean([(v[4.5] - v[3.5]).mean(), (v[3.5] - v[2.5]).mean()]))
        mdc = next(float(r["mdc95"]) for r in ref if r["metric"] == m)
        print(f"{m}: {len(v)} runners, {step:+.3g} per m/s = {step / mdc:+.1f} x MDC95")
    fr = pd.DataFrame(flag_rows)
    print("\nFlags on the real trials (checked against the values: raised == value beyond threshold)")
    ok = all((r.value > r.threshold if r.direction == "above" else r.value < r.threshold) == r.raised
             for r in fr.itertuples() if not str(r.flag).endswith("asymmetry"))
    ok &= all((abs(r.value) > r.threshold) == r.raised for r in fr.itertuples() if str(r.flag).endswith("asymmetry"))
    print(f"all {len(fr)} evaluations agree with value vs threshold: {ok}")
    t35 = fr[fr["speed"] == 3.5]
    print("values at 3.5 m/s for checking by hand (* = flag raised; blank = not evaluable):")
    wide = t35.assign(cell=[f"{v:.3g}{'*' if r else ''}" for v, r in zip(t35["value"], t35["raised"], strict=True)])
    print(wide.pivot_table(index=["runner", "injury"], columns="flag", values="cell", aggfunc="first").fillna("").to_string())
    print("flag | evaluated trials at 3.5 m/s | raised | raised in runners with injury history / without")
    for fid, g in t35.groupby("flag", sort=False):
        yes, no = g[g["injury"] == "Yes"], g[g["injury"] == "No"]
        print(f"{fid} | {len(g)} | {int(g['raised'].sum())} | {int(yes['raised'].sum())}/{len(yes)} vs {int(no['raised'].sum())}/{len(no)}")
    anyflag = t35.groupby("runner").agg(raised=("raised", "any"), injury=("injury", "first"))
    print("exploratory (small sample, retrospective self-reported injury history, not a validation of risk): any flag at 3.5 m/s in "
          f"{int(anyflag[anyflag.injury == 'Yes'].raised.sum())}/{int((anyflag.injury == 'Yes').sum())} runners with an injury history, "
          f"{int(anyflag[anyflag.injury == 'No'].raised.sum())}/{int((anyflag.injury == 'No').sum())} without")
    print(f"\nZ = {Z95:.3f}; MDC95 = Z x SD(d) / sqrt(2) for split halves (whole-trial values)")
    if "--write" in sys.argv:
        pd.DataFrame(ref).to_csv(OUT, index=False)
        print(f"written {OUT}")


if __name__ == "__main__":
    main()
