"""Toe-off from the toe segment's inclination on the corpus feet that carry a toe-box marker, chosen held out.

Run: PYTHONPATH=src .venv/bin/python validation/toe_off_toe_segment.py [--decimate K]   (needs ../shared/data; ~20 s)

Every force-plate contact (20 N) of the corpus trials (validation/corpus.py) whose foot has a marker
on the toe box and that the markers-only detector finds, with the toe-off rule switched off
(``toe_segment=False``: the clearance rule, shipped before) and the toe segment's inclination
(``stridelab.events.toe_segment``) for each MTP-joint height of the grid. These are the labs with
toe markers: davis_qtm (Qualisys, one treadmill trial), dorn2012 (Vicon, jog and sprint overground)
and pyorerun (Qualisys, one overground contact); the 20 Fukuchi runners have metatarsal markers
only, so the rule does not apply to them (their figures are those of validation/corpus.py).

The rule has two constants, the joint height and the angle. Held out: for each held-out lab, for
each joint height, the angle is the mean over the *other* labs of each lab's median inclination at
the plates' toe-off; the joint height whose (height, angle) gives the lowest mean over the other
labs of their TO mean absolute error is chosen; both are applied to the held-out lab. Each lab is
one runner, so leave one runner out is the same split; leave one *trial* out (dorn2012's jog and
sprint apart) is printed too. Markdown.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DATA, TOL_S, cases, decimated  # noqa: E402

HEIGHTS_MM = (0.0, 10.0, 20.0, 30.0, 40.0)


def collect(decimate: int) -> pd.DataFrame:
    import stridelab as sl
    from stridelab.events.agreement import match_contacts
    from stridelab.events.foot_model import build_foot_model
    from stridelab.events.forceplate import detect_force_contacts
    from stridelab.events.markers import detect_marker_contacts
    from stridelab.events.toe_segment import toe_segment_angle
    from stridelab.kinematics.virtual import prepare_markers

    rows = []
    for c in cases():
        if c.lab == "fukuchi2017":
            continue
        tr = sl.read(c.path, static=c.static if c.static and c.static.is_file() else None, forces=c.forces)
        if not tr.forceplates or tr.markers is None:
            continue
        prepare_markers(tr)
        decimated(tr, decimate)
        mk = tr.markers
        t = mk.time_s
        ref = detect_force_contacts(tr).contacts
        est = detect_marker_contacts(tr, toe_segment=False).contacts
        m = match_contacts(ref, est, TOL_S)
        for side in ("left", "right"):
            model, _ = build_foot_model(tr, side)
            if model is None or not model.toe_names:
                continue
            angles = {h: toe_segment_angle(model, mk, h / 1000.0) for h in HEIGHTS_MM}
            if any(a is None for a in angles.values()):
                continue
            e = est[est["side"] == side]
            for r in ref[ref["side"] == side].itertuples():
                j = int(np.argmin(np.abs(e["ic_s"].to_numpy() - r.ic_s))) if len(e) else -1
                if j < 0 or abs(float(e["ic_s"].iloc[j]) - r.ic_s) >= TOL_S:
                    continue
                eic, eto = float(e["ic_s"].iloc[j]), float(e["to_s"].iloc[j])
                row: dict[str, object] = {"lab": c.lab, "trial": c.label, "side": side, "ref_ic": r.ic_s, "ref_to": r.to_s, "ic": eic, "to": eto}
                ct = eto - eic
                lo, hi = (int(np.searchsorted(t, eic + f * ct)) for f in (0.3, 0.6))
                for h, a in angles.items():
                    assert a is not None
                    base = float(np.nanmedian(a[lo : hi + 1]))
                    row[f"at_to_{h:.0f}"] = float(np.interp(r.to_s, t, a)) - base
                    row[f"angle_{h:.0f}"] = a
                row["t"] = t
                rows.append(row)
        print(f"{c.label}: done ({len(m)} contacts)", file=sys.stderr)
    return pd.DataFrame(rows)


def _to_err_ms(df: pd.DataFrame, h: float, angle: float) -> np.ndarray:
    from stridelab.events.toe_segment import angle_toe_off

    out = []
    for r in df.itertuples():
        to = angle_toe_off(r.t, getattr(r, f"angle_{h:.0f}"), r.ic, r.to, angle)
        out.append(((to if np.isfinite(to) else r.to) - r.ref_to) * 1000.0)
    return np.asarray(out)


def _lab_mae(df: pd.DataFrame, h: float, angle: float, key: str) -> float:
    return float(np.mean([np.mean(np.abs(_to_err_ms(g, h, angle))) for _, g in df.groupby(key)]))


def choose(train: pd.DataFrame, key: str) -> tuple[float, float]:
    best = (np.inf, HEIGHTS_MM[0], 0.0)
    for h in HEIGHTS_MM:
        angle = float(np.mean([np.median(g[f"at_to_{h:.0f}"]) for _, g in train.groupby(key)]))
        s = _lab_mae(train, h, angle, key)
        if s < best[0]:
            best = (s, h, angle)
    return best[1], best[2]


def _fmt(to: np.ndarray, ct: np.ndarray) -> str:
    sd = float(np.std(ct, ddof=1)) if ct.size > 1 else 0.0
    m = float(np.mean(ct))
    return f"{np.mean(np.abs(to)):.1f} ({np.mean(to):+.1f}) | [{m - 1.96 * sd:+.0f}, {m + 1.96 * sd:+.0f}]"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--decimate", type=int, default=1)
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"no data folder {DATA}", file=sys.stderr)
        return 1
    df = collect(args.decimate)
    print("#### The toe segment's turn (deg, from its mid-stance median) at the plates' toe-off, per MTP-joint height\n")
    print("| trial | side | contacts | " + " | ".join(f"{h:.0f} mm" for h in HEIGHTS_MM) + " |")
    print("|---|---|---|" + "---|" * len(HEIGHTS_MM))
    for (trial, side), g in df.groupby(["trial", "side"], sort=False):
        cells = [f"{np.median(g[f'at_to_{h:.0f}']):.1f} ± {np.std(g[f'at_to_{h:.0f}']):.1f}" for h in HEIGHTS_MM]
        print(f"| {trial} | {side} | {len(g)} | " + " | ".join(cells) + " |")
    for key, title in (("lab", "leave one lab out (= leave one runner out: one runner per lab)"), ("trial", "leave one trial out")):
        print(f"\n#### {title}\n")
        print("| held out | contacts | chosen height mm, angle deg | TO MAE (mean) held out | CT 95% LoA held out | TO MAE (mean) clearance rule | CT 95% LoA clearance rule |")
        print("|---|---|---|---|---|---|---|")
        held = []
        for name, g in df.groupby(key, sort=False):
            h, angle = choose(df[df[key] != name], key)
            to = _to_err_ms(g, h, angle)
            ic = (g["ic"].to_numpy(dtype=float) - g["ref_ic"].to_numpy(dtype=float)) * 1000.0
            to0 = (g["to"].to_numpy(dtype=float) - g["ref_to"].to_numpy(dtype=float)) * 1000.0
            held.append(g.assign(held_to=to, ic_err=ic, to0=to0))
            print(f"| {name} | {len(g)} | {h:.0f}, {angle:.1f} | {_fmt(to, to - ic)} | {_fmt(to0, to0 - ic)} |")
    h, angle = choose(df, "lab")
    print(f"\nchosen on all three labs (each lab weighted equally): joint height {h:.0f} mm, angle {angle:.1f} deg")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
