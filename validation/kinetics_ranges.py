"""Force metrics, stiffness and body mass of stridelab on RBDS001 (2.5 and 3.5 m/s) beside
published values for runners at these speeds, and the two stiffness methods against each other.

Run: ``.venv/bin/python validation/kinetics_ranges.py``. Body mass is left to be estimated from the
forces (RBDSinfo.txt gives 62 kg) to check the estimate; leg length and height are from the static
trial and RBDSinfo.txt. Published values are approximate ranges from the cited papers
(docs/validation.md); the check is that stridelab lands inside them, not a reference per step.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import stridelab as sl

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mocap" / "fukuchi2017"
MASS_KG = 62.0

COLUMNS = (
    ("peak_vgrf_bw", "BW"),
    ("impact_peak_bw", "BW"),
    ("vlr_avg_bw_s", "BW/s"),
    ("vlr_inst_bw_s", "BW/s"),
    ("peak_braking_bw", "BW"),
    ("braking_impulse_bws", "BW·s"),
    ("propulsive_impulse_bws", "BW·s"),
    ("com_drop_cm", "cm"),
    ("vertical_stiffness_kn_m", "kN/m"),
    ("vertical_stiffness_morin_kn_m", "kN/m"),
    ("leg_stiffness_kn_m", "kN/m"),
    ("leg_stiffness_morin_kn_m", "kN/m"),
    ("knee_extension_moment_peak_nm_kg", "N·m/kg"),
    ("ankle_plantarflexion_moment_peak_nm_kg", "N·m/kg"),
)


def main() -> int:
    if not DATA.is_dir():
        print(f"{DATA} is absent", file=sys.stderr)
        return 1
    static = DATA / "RBDS001static.c3d"
    runs = (
        ("2.5 m/s", sl.read(DATA / "RBDS001runT25markers.txt", forces=DATA / "RBDS001runT25forces.txt", static=static)),
        ("3.5 m/s", sl.read(DATA / "RBDS001runT35.c3d", static=static)),
    )
    for label, trial in runs:
        a = sl.analyze(trial, sl.AnalysisOptions(height_m=1.81))
        trial = a.trial  # the analysed copy: estimated mass and leg length (analyze leaves its input unchanged)
        m = trial.subject.mass_kg
        print(f"\n{label}: speed {a.summary['speed_mps']:.2f} m/s, leg length {trial.subject.leg_length_m:.3f} m")
        print(f"  body mass estimated {m:.1f} kg ({trial.subject.sources['mass_kg']}); RBDSinfo {MASS_KG:g} kg: {100 * (m - MASS_KG) / MASS_KG:+.1f} %")
        print(f"  loading-rate window: {a.summary.get('vlr_window')}; foot strike {a.summary.get('foot_strike_pattern')} "
              f"(angle {a.summary.get('foot_strike_angle_deg'):.1f} deg, strike index {a.summary.get('strike_index_pct'):.0f} %)")
        for col, unit in COLUMNS:
            v = a.steps[col].to_numpy(float)
            v = v[np.isfinite(v)]
            if v.size:
                print(f"  {col:40s} median {np.median(v):8.3f} {unit:7s} IQR {np.percentile(v, 25):.3f}-{np.percentile(v, 75):.3f}  n={v.size}")
            else:
                print(f"  {col:40s} none")
        st = a.steps
        for what in ("vertical", "leg"):
            f, mo = st[f"{what}_stiffness_kn_m"].to_numpy(float), st[f"{what}_stiffness_morin_kn_m"].to_numpy(float)
            ok = np.isfinite(f) & np.isfinite(mo)
            d = 100 * (mo[ok] - f[ok]) / f[ok]
            print(f"  {what} stiffness, Morin model vs forces: mean {d.mean():+.1f} %, SD {d.std(ddof=1):.1f} % (n={ok.sum()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
