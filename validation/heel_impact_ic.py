"""The heel-impact initial-contact rule on every corpus lab and runner, its constant held out.

Run: PYTHONPATH=src .venv/bin/python validation/heel_impact_ic.py [--decimate K]   (needs ../shared/data; ~1 min)

For every force-plate contact of the corpus (validation/corpus.py) that the markers-only detector
finds: the initial contact of the clearance rule alone (``heel_impact=False``, the rule shipped
before) and, where the rule finds one (a peak in the window with the heel marker on the ground), the
posterior heel marker's impact peak (``stridelab.events.heel_impact``, offset 0), both against the
plate's 20 N instant. The rule's one constant is the lag of the impact peak behind the plate (median):

* leave one runner out: for each runner, the median lag of all *other* runners' contacts;
* leave one lab out: for each lab, the median lag of the other labs' contacts;

and applied to the held-out contacts (the clearance rule's IC where the window holds no peak).
Printed, as markdown, per lab and per foot-strike pattern (Fukuchi runners, participantInfo.csv):
IC mean absolute error (mean) and contact-time 95% limits (toe-off unchanged), held out and before;
then the lag's median per lab, which gives the shipped constant.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DATA, TOL_S, cases, decimated  # noqa: E402


def collect(decimate: int) -> pd.DataFrame:
    import stridelab as sl
    from stridelab.events.agreement import match_contacts
    from stridelab.events.forceplate import detect_force_contacts
    from stridelab.events.markers import detect_marker_contacts
    from stridelab.kinematics.virtual import prepare_markers

    rows = []
    for c in cases():
        tr = sl.read(c.path, static=c.static if c.static and c.static.is_file() else None, forces=c.forces)
        if not tr.forceplates:
            continue
        prepare_markers(tr)
        decimated(tr, decimate)
        ref = detect_force_contacts(tr).contacts
        before = detect_marker_contacts(tr, heel_impact=False).contacts
        peak = detect_marker_contacts(tr, heel_impact=True, heel_impact_offset_ms=0.0).contacts
        m0 = match_contacts(ref, before, TOL_S)
        m1 = match_contacts(ref, peak, TOL_S)
        impact = peak["ic_landmark"].str.endswith("(impact peak)").to_numpy()
        # which estimated contacts used the impact peak, keyed by (side, reference IC)
        for side in ("left", "right"):
            a = m0[m0["side"] == side].set_index("ic_s")
            b = m1[m1["side"] == side].set_index("ic_s")
            e = peak[peak["side"] == side]
            for ic_ref, r in a.iterrows():
                row = {
                    "lab": c.lab, "runner": f"{c.lab}:{c.runner}", "trial": c.label, "side": side,
                    "strike": c.strike.get(side, "-"), "before_ms": r["ic_err_ms"], "to_ms": r["to_err_ms"], "lag_ms": np.nan,
                }
                if ic_ref in b.index and len(e):
                    j = int(np.argmin(np.abs(e["ic_s"].to_numpy() - ic_ref)))
                    if impact[e.index[j]]:
                        row["lag_ms"] = float(b.loc[ic_ref, "ic_err_ms"])
                rows.append(row)
        print(f"{c.label}: done", file=sys.stderr)
    return pd.DataFrame(rows)


def _fmt(ic: np.ndarray, ct: np.ndarray) -> str:
    sd = float(np.std(ct, ddof=1)) if ct.size > 1 else 0.0
    m = float(np.mean(ct))
    return f"{np.mean(np.abs(ic)):.1f} ({np.mean(ic):+.1f}) | [{m - 1.96 * sd:+.0f}, {m + 1.96 * sd:+.0f}]"


def _groups(df: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    out = [(f"lab {lab}", g) for lab, g in df.groupby("lab")]
    fk = df[df["lab"] == "fukuchi2017"]
    out += [(f"fukuchi2017 {s}", g) for s, g in fk.groupby("strike") if s != "-"]
    return out


def held_out(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """IC error (ms) with the constant chosen without the held-out runner or lab (column ``held_ms``)."""
    out = np.full(len(df), np.nan)
    const = np.full(len(df), np.nan)
    for name in df[key].unique():
        sel = (df[key] == name).to_numpy()
        k = float(np.nanmedian(df.loc[~sel, "lag_ms"]))
        lag = df.loc[sel, "lag_ms"].to_numpy(dtype=float)
        out[sel] = np.where(np.isfinite(lag), lag - k, df.loc[sel, "before_ms"].to_numpy(dtype=float))
        const[sel] = k
    return df.assign(held_ms=out, const_ms=const)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--decimate", type=int, default=1)
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"no data folder {DATA}", file=sys.stderr)
        return 1
    df = collect(args.decimate)
    print("#### The impact peak's lag behind the plate's 20 N instant (contacts where the rule finds a peak with the heel on the ground)\n")
    print("| group | contacts | impact peak used | lag median (IQR) ms |")
    print("|---|---|---|---|")
    for name, g in _groups(df):
        lag = g["lag_ms"].to_numpy(dtype=float)
        ok = np.isfinite(lag)
        q = np.percentile(lag[ok], [25, 50, 75]) if ok.any() else [np.nan] * 3
        print(f"| {name} | {len(g)} | {ok.sum()} | {q[1]:+.1f} ({q[0]:+.1f} to {q[2]:+.1f}) |")
    lag = df["lag_ms"].to_numpy(dtype=float)
    per_lab = ", ".join(f"{lab} {np.nanmedian(g['lag_ms']):+.1f}" for lab, g in df.groupby("lab"))
    print(f"\nall labs pooled: median lag {np.nanmedian(lag):+.2f} ms over {np.isfinite(lag).sum()} contacts (per-lab medians: {per_lab})")
    for key, title in (("runner", "leave one runner out"), ("lab", "leave one lab out")):
        h = held_out(df, key)
        print(f"\n#### {title}\n")
        print("| group | contacts | constant chosen, ms | IC MAE (mean) held out | CT 95% LoA held out | IC MAE (mean) before | CT 95% LoA before |")
        print("|---|---|---|---|---|---|---|")
        for name, g in _groups(h):
            ic = g["held_ms"].to_numpy(dtype=float)
            ic0 = g["before_ms"].to_numpy(dtype=float)
            to = g["to_ms"].to_numpy(dtype=float)
            k = g["const_ms"]
            krange = f"{k.min():.1f}" if k.min() == k.max() else f"{k.min():.1f}-{k.max():.1f}"
            print(f"| {name} | {len(g)} | {krange} | {_fmt(ic, to - ic)} | {_fmt(ic0, to - ic0)} |")
        per_runner = h[h["lab"] == "fukuchi2017"].groupby("runner")
        worst = per_runner.apply(lambda g: float(np.mean(np.abs(g["held_ms"]))) - float(np.mean(np.abs(g["before_ms"]))))
        worse = ", ".join(f"{r.split(':')[1]} {v:+.1f} ms" for r, v in worst.items() if v > 0.5) or "none by more than 0.5 ms"
        print(f"\nFukuchi runners whose IC MAE gets worse held out: {worse}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
