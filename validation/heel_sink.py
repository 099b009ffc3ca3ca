"""Why a rearfoot striker's markers-only initial contact can be late: the heel marker after touchdown.

Run: PYTHONPATH=src .venv/bin/python validation/heel_sink.py [--decimate K]   (needs ../shared/data; ~30 s)

For every Fukuchi trial (both feet) with a posterior heel marker (``heel_bottom``), per force-plate
contact (20 N, ``stridelab.events.forceplate``): (a) the time of the heel marker's peak upward
(decelerating) vertical acceleration within +-8 frames of the plate's IC, low-passed at 30 Hz, minus
the plate's IC: the impact as the markers see it, so it also checks that markers and plate are in
sync; (b) when the heel marker reaches its lowest point of the stance, after the plate's IC; (c) how
far it sinks from the plate's IC to that lowest point; and the markers-only IC error of the shipped
detector (``handsaker2016_clearance``, whose rear-foot rule expects the heel within 2 mm of its
stance level at touchdown). Medians per trial, markdown.

Then the alternative that the table suggests, evaluated held out on the rearfoot contacts (sides
that participantInfo.csv labels Rearfoot): initial contact = the heel marker's impact peak (searched
from 40 ms before to 15 ms after the shipped IC, so the plate is not used) minus a constant, the
constant being the median (impact peak - plate IC) of the *other* runners (leave one runner out).
``--decimate K`` keeps every K-th marker frame (a slower camera).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DATA, TOL_S, cases, decimated  # noqa: E402


def main() -> int:
    import stridelab as sl
    from stridelab.events import toe_off as tof
    from stridelab.events.agreement import match_contacts
    from stridelab.events.forceplate import detect_force_contacts
    from stridelab.events.markers import detect_marker_contacts
    from stridelab.kinematics.virtual import prepare_markers
    from stridelab.model.axes import UP

    ap = argparse.ArgumentParser()
    ap.add_argument("--decimate", type=int, default=1)
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"no data folder {DATA}", file=sys.stderr)
        return 1
    print("| trial (strike R/L) | heel impact peak - plate IC, ms | heel lowest after plate IC, ms | heel sinks after plate IC, mm | markers IC error, ms |")
    print("|---|---|---|---|---|")
    rear: list[dict[str, object]] = []
    every: list[dict[str, object]] = []
    for c in cases():
        if c.lab != "fukuchi2017":
            continue
        tr = sl.read(c.path, static=c.static if c.static and c.static.is_file() else None, forces=c.forces)
        if not tr.forceplates or tr.markers is None or not tr.markers.has("r_heel_bottom", "l_heel_bottom"):
            continue
        prepare_markers(tr)
        decimated(tr, args.decimate)
        ref = detect_force_contacts(tr).contacts
        est = detect_marker_contacts(tr, heel_impact=False, toe_segment=False).contacts  # the clearance rule alone, as documented
        mk = tr.markers
        t = mk.time_s
        peak, low, sink = [], [], []
        for side in ("right", "left"):
            z = mk[f"{side[0]}_heel_bottom"][:, UP]
            az = tof.derivative(t, tof.derivative(t, tof.lowpass(t, z, 30.0)))
            for r in ref[ref["side"] == side].itertuples():
                i, j = int(np.searchsorted(t, r.ic_s)), int(np.searchsorted(t, r.to_s))
                if j - i < 5 or not np.isfinite(z[i:j]).any():
                    continue
                peak.append((tof.peak_time(t, az, i - 8, i + 8) - r.ic_s) * 1000.0)
                e = est[est["side"] == side]
                if len(e):
                    k_e = int(np.argmin(np.abs(e["ic_s"].to_numpy() - r.ic_s)))
                    if abs(float(e["ic_s"].iloc[k_e]) - r.ic_s) < TOL_S:
                        eic = float(e["ic_s"].iloc[k_e])
                        a, b = int(np.searchsorted(t, eic - 0.040)), int(np.searchsorted(t, eic + 0.015))
                        landed = "heel" in str(e["ic_landmark"].iloc[k_e])
                        every.append({"runner": c.runner, "strike": c.strike.get(side, "-"), "heel_first": landed, "shipped_ms": (eic - r.ic_s) * 1000.0, "peak_ms": (tof.peak_time(t, az, a, b) - r.ic_s) * 1000.0 if landed else np.nan})
                if c.strike.get(side) == "Rearfoot" and len(e):
                    eic = float(e["ic_s"].iloc[int(np.argmin(np.abs(e["ic_s"].to_numpy() - r.ic_s)))])
                    if abs(eic - r.ic_s) < TOL_S:
                        a, b = int(np.searchsorted(t, eic - 0.040)), int(np.searchsorted(t, eic + 0.015))
                        rear.append({"runner": c.runner, "trial": c.label, "shipped_ms": (eic - r.ic_s) * 1000.0, "peak_ms": (tof.peak_time(t, az, a, b) - r.ic_s) * 1000.0})
                k = i + int(np.nanargmin(z[i:j]))
                low.append((t[k] - r.ic_s) * 1000.0)
                sink.append((z[i] - z[k]) * 1000.0)
        m = match_contacts(ref, est, TOL_S)
        strike = "/".join(c.strike.get(s, "-")[:4] for s in ("right", "left"))
        print(
            f"| {c.label} ({strike}) | {np.nanmedian(peak):+.1f} | {np.nanmedian(low):.0f} | {np.nanmedian(sink):.1f} | "
            f"{np.mean(m['ic_err_ms']):+.1f} |"
        )
    _rear_loro(pd.DataFrame(rear))
    _heel_first_loro(pd.DataFrame(every))
    return 0


def _rear_loro(df: pd.DataFrame) -> None:
    """Leave-one-runner-out: IC = heel impact peak - the other runners' median (peak - plate IC)."""
    if df.empty:
        return
    print("\n| held-out runner (rearfoot sides) | contacts | constant ms | IC MAE (mean) impact rule | IC MAE (mean) shipped |")
    print("|---|---|---|---|---|")
    held = []
    for runner, g in df.groupby("runner"):
        bias = float(np.nanmedian(df.loc[df["runner"] != runner, "peak_ms"]))
        err = g["peak_ms"].to_numpy(dtype=float) - bias
        sh = g["shipped_ms"].to_numpy(dtype=float)
        held.append(np.column_stack([err, sh]))
        ok = np.isfinite(err)
        print(f"| {runner} | {ok.sum()}/{len(g)} | {bias:.1f} | {np.mean(np.abs(err[ok])):.1f} ({np.mean(err[ok]):+.1f}) | {np.mean(np.abs(sh)):.1f} ({np.mean(sh):+.1f}) |")
    h = np.vstack(held)
    ok = np.isfinite(h[:, 0])
    comb = np.where(ok, h[:, 0], h[:, 1])  # the shipped IC where the heel shows no impact peak
    m, sd = float(np.mean(comb)), float(np.std(comb, ddof=1))
    print(f"| **impact rule, shipped IC where it finds no peak** | {len(h)}/{len(h)} | | {np.mean(np.abs(comb)):.1f} ({m:+.1f}), 95% LoA [{m - 1.96 * sd:+.0f}, {m + 1.96 * sd:+.0f}] | |")
    print(
        f"| **all held out** | {ok.sum()}/{len(h)} | | {np.mean(np.abs(h[ok, 0])):.1f} ({np.mean(h[ok, 0]):+.1f}), "
        f"95% LoA [{np.mean(h[ok, 0]) - 1.96 * np.std(h[ok, 0], ddof=1):+.0f}, {np.mean(h[ok, 0]) + 1.96 * np.std(h[ok, 0], ddof=1):+.0f}] | "
        f"{np.mean(np.abs(h[:, 1])):.1f} ({np.mean(h[:, 1]):+.1f}), 95% LoA [{np.mean(h[:, 1]) - 1.96 * np.std(h[:, 1], ddof=1):+.0f}, {np.mean(h[:, 1]) + 1.96 * np.std(h[:, 1], ddof=1):+.0f}] |"
    )


def _heel_first_loro(df: pd.DataFrame) -> None:
    """As run on an unlabelled trial: the impact rule wherever the shipped detector's first sole point
    to land is a heel point (and it finds a peak), the shipped IC elsewhere; constant held out by runner;
    pooled per participantInfo strike pattern."""
    if df.empty:
        return
    out = np.full(len(df), np.nan)
    for runner in df["runner"].unique():
        sel = (df["runner"] == runner).to_numpy()
        bias = float(np.nanmedian(df.loc[~sel, "peak_ms"]))
        out[sel] = df.loc[sel, "peak_ms"].to_numpy(dtype=float) - bias
    df = df.assign(rule_ms=np.where(np.isfinite(out), out, df["shipped_ms"].to_numpy(dtype=float)))
    print("\n| strike (participantInfo), every contact | contacts | heel lands first | IC MAE (mean) heel-impact rule, held out | IC MAE (mean) shipped |")
    print("|---|---|---|---|---|")
    for strike, g in df.groupby("strike"):
        a, b = g["rule_ms"].to_numpy(dtype=float), g["shipped_ms"].to_numpy(dtype=float)
        print(f"| {strike} | {len(g)} | {int(g['heel_first'].sum())} | {np.mean(np.abs(a)):.1f} ({np.mean(a):+.1f}) | {np.mean(np.abs(b)):.1f} ({np.mean(b):+.1f}) |")


if __name__ == "__main__":
    raise SystemExit(main())
