"""Joint angles, moments, powers and forces of stridelab against Visual3D (Fukuchi et al. 2017).

``RBDS001processed.txt`` holds Visual3D's mean gait cycles (101 points, initial contact to initial
contact) of runner RBDS001 at 2.5, 3.5 and 4.5 m/s; its raw trials at 2.5 m/s (text) and 3.5 m/s
(C3D) are in the same folder. Column names: ``{R|L}{hip|knee|ankle}{Ang|Mom}{X|Y|Z}{25|35|45}``,
``{R|L}grf{X|Y|Z}{speed}`` (N/kg, NaN after toe-off) and ``{R|L}{joint}Pow{speed}`` (W/kg).

Visual3D's axes, worked out from the data (the sign that correlates, checked for both sides):

* angles: Z = sagittal (flexion, knee flexion, dorsiflexion +), X = frontal (adduction, knee
  adduction, inversion +), Y = transverse (internal rotation +), the same clinical signs on both
  sides, i.e. stridelab's conventions;
* moments: Z = sagittal with hip *flexor*, knee *extensor*, ankle *plantarflexor* positive, X =
  frontal with hip and knee *abductor* and ankle *evertor* positive (internal moments);
* GRF: X fore-aft (+ forward), Y vertical, Z medio-lateral; power: one scalar (total).

Run: ``.venv/bin/python validation/visual3d.py`` (about 10 s). Prints per speed, side, joint and
plane the RMSE and Pearson r of the mean curves, for stridelab as it is and for two diagnostic
variants that show where the remaining gaps come from (see docs/validation.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

import stridelab as sl
from stridelab.events.forceplate import detect_force_contacts
from stridelab.kinematics.angles import all_angles
from stridelab.kinematics.cycles import build_cycles
from stridelab.kinematics.frames import frame_from, unit

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "mocap" / "fukuchi2017"
MASS, HEIGHT = 62.0, 1.81  # RBDSinfo.txt

ANGLE_MAP = {  # (stridelab angle, Visual3D axis, sign)
    "hip": (("hip_flexion", "Z", 1), ("hip_adduction", "X", 1), ("hip_rotation", "Y", 1)),
    "knee": (("knee_flexion", "Z", 1), ("knee_adduction", "X", 1), ("knee_rotation", "Y", 1)),
    "ankle": (("ankle_dorsiflexion", "Z", 1), ("ankle_inversion", "X", 1), ("ankle_rotation", "Y", 1)),
}
MOMENT_MAP = {
    "hip": (("hip_extension", "Z", -1), ("hip_abduction", "X", 1), ("hip_rotation", "Y", 1)),
    "knee": (("knee_extension", "Z", 1), ("knee_abduction", "X", 1), ("knee_rotation", "Y", 1)),
    "ankle": (("ankle_plantarflexion", "Z", 1), ("ankle_inversion", "X", -1), ("ankle_rotation", "Y", 1)),
}
PLANE = {"Z": "sagittal", "X": "frontal", "Y": "transverse"}
SIDES = (("right", "R"), ("left", "L"))


def trials() -> list[tuple[str, sl.Trial]]:
    static = DATA / "RBDS001static.c3d"
    t25 = sl.read(DATA / "RBDS001runT25markers.txt", forces=DATA / "RBDS001runT25forces.txt", static=static)
    t35 = sl.read(DATA / "RBDS001runT35.c3d", static=static)
    return [("25", t25), ("35", t35)]


def compare(mean: np.ndarray, ref: np.ndarray) -> tuple[float, float, float]:
    """RMSE, Pearson r and mean offset (ours - reference) where both are finite."""
    ok = np.isfinite(mean) & np.isfinite(ref)
    d = mean[ok] - ref[ok]
    return float(np.sqrt(np.mean(d**2))), float(np.corrcoef(mean[ok], ref[ok])[0, 1]), float(np.mean(d))


def visual3d_like_contacts(trial: sl.Trial, markers_cutoff_hz: float) -> pd.DataFrame:
    """Contacts from the same 20 N threshold on the force filtered like the markers (the
    hypothesis for Visual3D's earlier events, tested by the GRF curves below)."""
    return detect_force_contacts(trial, cutoff_hz=markers_cutoff_hz).contacts


def variant_angles(trial: sl.Trial, kin: object, hjc_shift_m: float = 0.0, trochanter: bool = False) -> dict[str, dict[str, np.ndarray]]:
    """Diagnostic variants of the model, everything else unchanged:

    * ``hjc_shift_m``: both static hip centres moved along the pelvis's anterior axis (the
      Harrington regression's error is 1-2 cm);
    * ``trochanter``: the thigh's frontal plane built from the greater trochanter *and* the
      epicondyles (Visual3D's segment definition when a proximal lateral marker is given),
      instead of the epicondyles alone (Wu et al. 2002).
    """
    from stridelab.kinematics.frames import (
        SIDE_PREFIX,
        Segment,
        _static_point,
        build_body,
        fit_rigid,
        pelvis_wu2002,
    )
    from stridelab.kinematics.model import filter_markers
    from stridelab.model.trial import MarkerData

    st = trial.static
    assert st is not None and trial.markers is not None
    pos = st.positions_m.copy()
    if hjc_shift_m:
        pel = pelvis_wu2002(st)
        assert pel is not None
        for n in ("l_hjc", "r_hjc"):
            pos[:, st.names.index(n), :] += hjc_shift_m * pel[0][:, :, 0]
    static = MarkerData(pos, st.names, st.original_names, st.rate_hz, st.time_s)
    mk, _ = filter_markers(trial.markers, kin.cutoff_hz)  # type: ignore[attr-defined]
    body = build_body(mk, static)
    if trochanter:
        for side in ("left", "right"):
            p = SIDE_PREFIX[side]
            sp = {n: _static_point(static, p + n) for n in ("hjc", "kjc", "knee_lat", "knee_med", "gtr")}
            hint = unit(sp["gtr"] - sp["hjc"]) + unit(sp["knee_lat"] - sp["knee_med"])
            r0 = frame_from((sp["hjc"] - sp["kjc"])[None], (hint if side == "left" else -hint)[None])[0]
            cl = [n for n in static.names if n.startswith(f"{p}thigh_c") and mk.has(n)]
            rot, t, _ = fit_rigid(np.stack([_static_point(static, n) for n in cl]), mk.positions_m[:, [mk.names.index(n) for n in cl], :])
            old = body.segments[f"{side}_thigh"]
            body.segments[f"{side}_thigh"] = Segment("thigh", side, np.matmul(rot, r0), old.origin, old.proximal, old.distal, "trochanter")
    return all_angles(body)


def angle_table(ref: pd.DataFrame, spd: str, cycles: object, label: str) -> list[dict[str, object]]:
    rows = []
    for side, s in SIDES:
        for joint, items in ANGLE_MAP.items():
            for name, ax, sign in items:
                ms = cycles.mean_sd(name, side)  # type: ignore[attr-defined]
                if ms is None:
                    continue
                rmse, r, off = compare(sign * ms[0], ref[f"{s}{joint}Ang{ax}{spd}"].to_numpy(float))
                rows.append({"variant": label, "speed": spd, "side": s, "joint": joint, "plane": PLANE[ax], "rmse": rmse, "r": r, "offset": off, "n": ms[2]})
    return rows


def main() -> int:
    if not DATA.is_dir():
        print(f"data folder {DATA} is absent", file=sys.stderr)
        return 1
    ref = pd.read_csv(DATA / "RBDS001processed.txt", sep="\t")
    rows: list[dict[str, object]] = []
    krow: list[dict[str, object]] = []
    grows: list[dict[str, object]] = []
    for spd, trial in trials():
        a = sl.analyze(trial, sl.AnalysisOptions(mass_kg=MASS, height_m=HEIGHT))
        trial = a.trial  # the analysed copy, with its joint centres (analyze leaves its input unchanged)
        kin = a.cache["kinematics"]
        rows += angle_table(ref, spd, a.cache["angle_cycles"], "stridelab")
        alt = visual3d_like_contacts(trial, kin.cutoff_hz)
        shift_ms = 1000 * float(np.median(np.subtract.outer(alt["ic_s"].to_numpy(), a.contacts["ic_s"].to_numpy())[np.abs(np.subtract.outer(alt["ic_s"].to_numpy(), a.contacts["ic_s"].to_numpy())) < 0.05]))
        print(f"{spd}: contacts from the force filtered at {kin.cutoff_hz:g} Hz start {shift_ms:+.1f} ms from stridelab's (50 Hz)")
        rows += angle_table(ref, spd, build_cycles(kin.time_s, kin.angles, alt), "events_like_v3d")
        rows += angle_table(ref, spd, build_cycles(kin.time_s, variant_angles(trial, kin, hjc_shift_m=-0.01), alt), "events+hjc_1cm_back")
        rows += angle_table(ref, spd, build_cycles(kin.time_s, variant_angles(trial, kin, trochanter=True), alt), "events+thigh_like_v3d")
        for label, contacts in (("stridelab", a.contacts), ("events_like_v3d", alt)):
            jk = a.cache["joint_kinetics"]
            mc = build_cycles(kin.time_s, jk.moments, contacts)
            pc = build_cycles(kin.time_s, jk.powers, contacts)
            for side, s in SIDES:
                for joint, items in MOMENT_MAP.items():
                    for name, ax, sign in items:
                        ms = mc.mean_sd(name, side)
                        if ms is not None:
                            rmse, r, off = compare(sign * ms[0], ref[f"{s}{joint}Mom{ax}{spd}"].to_numpy(float))
                            krow.append({"variant": label, "speed": spd, "side": s, "joint": joint, "what": f"moment {PLANE[ax]}", "rmse": rmse, "r": r})
                    ps = pc.mean_sd(joint, side)
                    if ps is not None:
                        rmse, r, off = compare(ps[0], ref[f"{s}{joint}Pow{spd}"].to_numpy(float))
                        krow.append({"variant": label, "speed": spd, "side": s, "joint": joint, "what": "power", "rmse": rmse, "r": r})
            g = a.cache["grf_50.0"]
            for side, s in SIDES:
                c = contacts[contacts["side"] == side]
                ic = np.sort(c["ic_s"].to_numpy(float))
                from stridelab.kinematics.cycles import normalise

                cur = normalise(g.time_s, g.force_n[:, 2] / MASS, ic[:-1], ic[1:])
                rmse, r, _ = compare(np.nanmean(cur, axis=0), ref[f"{s}grfY{spd}"].to_numpy(float))
                grows.append({"variant": label, "speed": spd, "side": s, "rmse": rmse, "r": r})
    df = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    print("\nJoint angles vs Visual3D (deg): RMSE, r, offset = mean(stridelab - Visual3D)")
    for label in df["variant"].unique():
        d = df[df["variant"] == label]
        print(f"\n[{label}]")
        print(d.pivot_table(index=["speed", "side", "joint"], columns="plane", values=["rmse", "r", "offset"]).round(3).to_string())
    k = pd.DataFrame(krow)
    print("\nMoments (N·m/kg) and powers (W/kg) vs Visual3D: RMSE and r")
    print(k.pivot_table(index=["variant", "speed", "side", "joint"], columns="what", values=["r", "rmse"]).round(3).to_string())
    print("\nVertical GRF (N/kg, stance) vs Visual3D")
    print(pd.DataFrame(grows).round(3).to_string(index=False))
    s = df[df["variant"] == "stridelab"]
    sag = s[s["plane"] == "sagittal"]
    other = s[s["plane"] != "sagittal"]
    km = k[(k["variant"] == "stridelab") & (k["what"] == "moment sagittal")]
    print("\nTargets (stridelab as is):")
    print(f"  sagittal angle RMSE <= 3 deg: {int((sag['rmse'] <= 3).sum())}/{len(sag)} curves (max {sag['rmse'].max():.2f})")
    print(f"  sagittal angle r >= 0.98: {int((sag['r'] >= 0.98).sum())}/{len(sag)} (min {sag['r'].min():.3f})")
    print(f"  frontal/transverse r >= 0.9: {int((other['r'] >= 0.9).sum())}/{len(other)} (min {other['r'].min():.3f})")
    print(f"  sagittal moment r >= 0.95: {int((km['r'] >= 0.95).sum())}/{len(km)} (min {km['r'].min():.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
