"""A virtual toe segment for feet with metatarsal markers only: tried on the corpus, not shipped.

Run: PYTHONPATH=src .venv/bin/python validation/toe_off_virtual_toe.py   (needs ../shared/data; ~30 s)

The toe segment of ``stridelab.events.toe_segment`` needs a toe-box marker, which the Fukuchi runners
do not have. Here the toe end of the segment is virtual: the toe pivot (0.93 of the foot length from
the back of the heel, on the sole, ``stridelab.events.foot_model``) as the rear-foot rigid body
places it at 45% of the contact (the forefoot is down), then carried with the ground (the belt's
velocity on a treadmill, measured by the detector; at rest overground), as a toe tip on the ground
would be. Its inclination from the MTP joint (20 mm above the sole under the metatarsal markers), taken
from its median over 30-60% of the contact as the toe segment's is, should reach one angle at
toe-off if the pivot's place were right. Printed per lab and foot-strike pattern and per Fukuchi
runner: the turn (deg) at the plates' toe-off (20 N), mean and SD. Markdown.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DATA, TOL_S, cases  # noqa: E402

JOINT_HEIGHT_M = 0.02


def main() -> int:
    import stridelab as sl
    from stridelab.dsp.rigid import fit_rigid, transform_points
    from stridelab.events.foot_model import build_foot_model
    from stridelab.events.forceplate import detect_force_contacts
    from stridelab.events.markers import detect_marker_contacts
    from stridelab.kinematics.virtual import prepare_markers
    from stridelab.model.axes import UP

    if not DATA.is_dir():
        print(f"no data folder {DATA}", file=sys.stderr)
        return 1
    rows = []
    for c in cases():
        tr = sl.read(c.path, static=c.static if c.static and c.static.is_file() else None, forces=c.forces)
        if not tr.forceplates or tr.markers is None:
            continue
        prepare_markers(tr)
        mk = tr.markers
        t = mk.time_s
        ref = detect_force_contacts(tr).contacts
        ev = detect_marker_contacts(tr)
        v_ground = float(ev.info["ground_velocity_mps"])
        for side in ("left", "right"):
            m, _ = build_foot_model(tr, side)
            if m is None or m.foot_length_m is None or m.pivot_forward_m is None or len(m.rigid_names) < 3:
                continue
            mets = [k for k, n in enumerate(m.rigid_names) if n[2:] in ("mt1", "mt2", "mt5")]
            if not mets:
                continue
            n0 = len(m.sole_labels)
            fwd = m.forward_m[:n0]
            coef, *_ = np.linalg.lstsq(np.column_stack([np.ones(n0), fwd]), m.sole_ref[:, :2], rcond=None)
            back, axis = coef[0], coef[1] / np.linalg.norm(coef[1])
            sole = float(m.sole_ref[:, UP].min())
            joint = m.sole_ref[mets].mean(axis=0).copy()
            joint[UP] = sole + JOINT_HEIGHT_M
            pivot = np.r_[back + m.pivot_forward_m * axis, sole]
            r, tt, _ = fit_rigid(m.reference, np.stack([mk[n] for n in m.rigid_names], axis=1), residuals=False)
            pts = transform_points(r, tt, np.vstack([joint, pivot]))
            j_track, p_track = pts[:, 0], pts[:, 1]
            est = ev.contacts[ev.contacts["side"] == side]
            for row in ref[ref["side"] == side].itertuples():
                if est.empty:
                    break
                k = int(np.argmin(np.abs(est["ic_s"].to_numpy() - row.ic_s)))
                ic, to = float(est["ic_s"].iloc[k]), float(est["to_s"].iloc[k])
                if abs(ic - row.ic_s) >= TOL_S:
                    continue
                ct = to - ic
                i_mid = int(np.searchsorted(t, ic + 0.45 * ct))
                toe = p_track[i_mid][None, :] + np.outer(t - t[i_mid], [v_ground, 0.0, 0.0])
                v = toe - j_track
                with np.errstate(invalid="ignore"):
                    ang = np.degrees(np.arctan2(-v[:, UP], np.hypot(v[:, 0], v[:, 1])))
                lo, hi = (int(np.searchsorted(t, ic + f * ct)) for f in (0.3, 0.6))
                if not np.isfinite(ang[lo : hi + 1]).any():
                    continue
                turn = float(np.interp(row.to_s, t, ang)) - float(np.nanmedian(ang[lo : hi + 1]))
                rows.append({"lab": c.lab, "runner": c.runner, "strike": c.strike.get(side, "-"), "turn_deg": turn})
        print(f"{c.label}: done", file=sys.stderr)
    df = pd.DataFrame(rows)
    print("| group | contacts | virtual toe segment's turn at the plates' toe-off, deg: mean ± SD |")
    print("|---|---|---|")
    for (lab, strike), g in df.groupby(["lab", "strike"]):
        print(f"| {lab} {strike} | {len(g)} | {g['turn_deg'].mean():.1f} ± {g['turn_deg'].std():.1f} |")
    fk = df[df["lab"] == "fukuchi2017"].groupby("runner")["turn_deg"].mean()
    print(f"\nFukuchi runner means: {fk.min():.1f} to {fk.max():.1f} deg")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
