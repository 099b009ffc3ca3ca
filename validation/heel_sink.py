"""Why a rearfoot striker's markers-only initial contact can be late: the heel marker after touchdown.

Run: PYTHONPATH=src .venv/bin/python validation/heel_sink.py   (needs ../shared/data; ~30 s)

For every Fukuchi trial (both feet) with a posterior heel marker (``heel_bottom``), per force-plate
contact (20 N, ``stridelab.events.forceplate``): (a) the time of the heel marker's peak upward
(decelerating) vertical acceleration within +-8 frames of the plate's IC, low-passed at 30 Hz, minus
the plate's IC: the impact as the markers see it, so it also checks that markers and plate are in
sync; (b) when the heel marker reaches its lowest point of the stance, after the plate's IC; (c) how
far it sinks from the plate's IC to that lowest point; and the markers-only IC error of the shipped
detector (``handsaker2016_clearance``, whose rear-foot rule expects the heel within 2 mm of its
stance level at touchdown). Medians per trial, markdown.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DATA, TOL_S, cases  # noqa: E402


def main() -> int:
    import stridelab as sl
    from stridelab.events import toe_off as tof
    from stridelab.events.agreement import match_contacts
    from stridelab.events.forceplate import detect_force_contacts
    from stridelab.events.markers import detect_marker_contacts
    from stridelab.kinematics.virtual import prepare_markers
    from stridelab.model.axes import UP

    if not DATA.is_dir():
        print(f"no data folder {DATA}", file=sys.stderr)
        return 1
    print("| trial (strike R/L) | heel impact peak - plate IC, ms | heel lowest after plate IC, ms | heel sinks after plate IC, mm | markers IC error, ms |")
    print("|---|---|---|---|---|")
    for c in cases():
        if c.lab != "fukuchi2017":
            continue
        tr = sl.read(c.path, static=c.static if c.static and c.static.is_file() else None, forces=c.forces)
        if not tr.forceplates or tr.markers is None or not tr.markers.has("r_heel_bottom", "l_heel_bottom"):
            continue
        prepare_markers(tr)
        ref = detect_force_contacts(tr).contacts
        est = detect_marker_contacts(tr).contacts
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
                k = i + int(np.nanargmin(z[i:j]))
                low.append((t[k] - r.ic_s) * 1000.0)
                sink.append((z[i] - z[k]) * 1000.0)
        m = match_contacts(ref, est, TOL_S)
        strike = "/".join(c.strike.get(s, "-")[:4] for s in ("right", "left"))
        print(
            f"| {c.label} ({strike}) | {np.nanmedian(peak):+.1f} | {np.nanmedian(low):.0f} | {np.nanmedian(sink):.1f} | "
            f"{np.mean(m['ic_err_ms']):+.1f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
