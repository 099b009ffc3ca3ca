"""The corpus run: every real trial in ../shared/data that has a reference, analysed the same way.

Run: PYTHONPATH=src .venv/bin/python validation/corpus.py [--quick] [--no-static]   (needs ../shared/data; ~1 min)

``--decimate K`` keeps every K-th marker frame (what a K-times slower camera records; the force
plates stay as they are), e.g. 4: davis_qtm at 60 Hz, dorn2012 at 62.5 Hz, Fukuchi at 37.5 Hz.
``--no-static`` analyses every trial without its standing trial (events then rely on the running
trial's markers alone: foot length from the heel-to-metatarsal distance).

References, per trial:
* force plates (contact events, ``stridelab.events.forceplate``, 20 N): the 20 Fukuchi runners
  (instrumented treadmill, 150 Hz markers, RBDS001 included), davis_qtm (Qualisys, 240 Hz, Bertec
  split-belt treadmill), dorn2012 (Vicon, 250 Hz, eight overground plates) and pyorerun (Qualisys,
  200 Hz, one overground contact);
* the lab's own events stored in the C3D (dorn2012: Vicon "Foot Strike" / "Foot Off");
* OpenSim inverse-kinematics angles shipped with the trial (``*_ik.mot``: Fukuchi runners, Uhlrich
  2022 model; dorn2012, Hamner 2010-style model).

Printed, as markdown: one row per trial (contacts found of the force-plate contacts, IC/TO/contact
time error mean, SD, 95% limits, MAE; the lab events against the plates; sagittal angle r, RMSE and
mean offset against IK), pooled tables per lab and per foot-strike pattern (participantInfo.csv,
``RFSI``/``LFSI`` per speed), and the files that failed with their one-line reason. The event
method's constants were set on RBDS001 before this corpus existed and are not refitted here, so every
runner other than RBDS001 is held out (leave-one-runner-out and leave-one-lab-out are the same
numbers as the per-runner and per-lab rows).

Angles: OpenSim's ``hip_flexion`` (+ flexion), ``knee_angle`` (- flexion in both models, hence the
sign -1) and ``ankle_angle`` (+ dorsiflexion) against stridelab's ``hip_flexion``, ``knee_flexion``,
``ankle_dorsiflexion``, on IK's own time points (stridelab's curve interpolated), over the frames both
cover. r is the shape agreement; the offset (stridelab minus IK, mean) comes from the two models'
definitions of the neutral segment poses, see docs/validation.md.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "mocap"
TOL_S = 0.08  # a marker contact pairs with a force contact when their ICs are within 80 ms

#: (stridelab angle, OpenSim coordinate stem, sign applied to the OpenSim value)
ANGLES = (("hip_flexion", "hip_flexion", 1.0), ("knee_flexion", "knee_angle", -1.0), ("ankle_dorsiflexion", "ankle_angle", 1.0))


@dataclass
class Case:
    lab: str
    runner: str
    label: str
    path: Path
    static: Path | None = None
    ik: Path | None = None
    strike: dict[str, str] = field(default_factory=dict)  # side -> Rearfoot/Midfoot/Forefoot
    forces: Path | None = None


def _strikes() -> dict[tuple[str, str], dict[str, str]]:
    info = DATA / "fukuchi2017_runners" / "participantInfo.csv"
    if not info.is_file():
        return {}
    d = pd.read_csv(info)
    out: dict[tuple[str, str], dict[str, str]] = {}
    for r in d.itertuples():
        m = re.match(r"(RBDS\d+)runT(\d\d)\.c3d$", str(r.FileName))
        if m:
            sp = m.group(2)
            out[(m.group(1), sp)] = {"right": str(getattr(r, f"RFSI{sp}")), "left": str(getattr(r, f"LFSI{sp}"))}
    return out


def cases() -> list[Case]:
    out: list[Case] = []
    fs = _strikes()
    f1 = DATA / "fukuchi2017"
    for runs in (sorted(f1.glob("RBDS*runT*.c3d")), sorted((DATA / "fukuchi2017_runners").glob("RBDS*runT*.c3d"))):
        for p in runs:
            m = re.match(r"(RBDS\d+)runT(\d\d)", p.stem)
            assert m
            rid, sp = m.group(1), m.group(2)
            ik = p.with_name(p.stem + "_ik.mot")
            out.append(Case("fukuchi2017", rid, f"{rid} {int(sp) / 10:.1f} m/s", p, p.with_name(f"{rid}static.c3d"), ik if ik.is_file() else None, fs.get((rid, sp), {})))
    t25 = f1 / "RBDS001runT25markers.txt"
    if t25.is_file():
        out.insert(0, Case("fukuchi2017", "RBDS001", "RBDS001 2.5 m/s (text export)", t25, f1 / "RBDS001static.c3d", None, fs.get(("RBDS001", "25"), {}), f1 / "RBDS001runT25forces.txt"))
    d = DATA / "davis_qtm"
    out.append(Case("davis_qtm", "S999", "S999 treadmill 240 Hz", d / "JDX_S999_run_0021.tsv"))
    d = DATA / "dorn2012"
    for stem, what in (("JA1Gait21", "jog 3.5 m/s"), ("JA1Gait35", "sprint 9.5 m/s")):
        out.append(Case("dorn2012", "JA1", f"JA1 {what}", d / f"{stem}.c3d", d / "JA1Static05.c3d", d / f"{stem}_ik.mot"))
    out.append(Case("pyorerun", "Running_0002", "Running_0002 overground", DATA / "pyorerun" / "Running_0002.c3d"))
    return [c for c in out if c.path.is_file()]


def _errors(ref: pd.DataFrame, est: pd.DataFrame) -> pd.DataFrame:
    from stridelab.events.agreement import match_contacts

    return match_contacts(ref, est, TOL_S)


def _angle_stats(kin: object, ik_path: Path) -> tuple[dict[str, tuple[float, float, float]], float]:
    """({"<angle> <side>": (r, rmse_deg, offset_deg)}, time shift s) against the IK file.

    The IK file's clock may differ from the C3D's (a TRC exported from a cropped trial restarts its
    time): the shift within +-2 s that maximises the mean r of the angles is applied and printed
    (0 when the clocks agree)."""
    from stridelab.io.opensim_storage import read_coordinates

    t_ik, coords = read_coordinates(ik_path)
    t = kin.time_s  # type: ignore[attr-defined]

    def stats(shift: float) -> dict[str, tuple[float, float, float]]:
        out: dict[str, tuple[float, float, float]] = {}
        for ours, stem, sign in ANGLES:
            for side, suf in (("right", "_r"), ("left", "_l")):
                a = kin.angles.get(ours, {}).get(side)  # type: ignore[attr-defined]
                ref = coords.get(stem + suf)
                if a is None or ref is None:
                    continue
                tt = t_ik + shift
                ok = (tt >= t[0]) & (tt <= t[-1])
                fin = np.isfinite(a)
                if ok.sum() < 20 or fin.sum() < 20:
                    continue
                x = np.interp(tt[ok], t[fin], a[fin])
                y = sign * ref[ok]
                good = np.isfinite(x) & np.isfinite(y)
                x, y = x[good], y[good]
                d = x - y
                out[f"{ours} {side}"] = (float(np.corrcoef(x, y)[0, 1]), float(np.sqrt(np.mean((d - d.mean()) ** 2))), float(d.mean()))
        return out

    step = float(np.median(np.diff(t_ik))) if t_ik.size > 1 else 0.01
    best, best_r = 0.0, -np.inf
    for shift in np.arange(-2.0, 2.0 + step / 2, step):
        st = stats(float(shift))
        if len(st) >= 2:
            r = float(np.mean([v[0] for v in st.values()]))
            if r > best_r + 1e-9 or (abs(r - best_r) <= 1e-9 and abs(shift) < abs(best)):
                best, best_r = float(shift), r
    out = stats(best)
    # where the offsets come from: absolute sagittal inclination of pelvis, thigh and shank (planar
    # sums; OpenSim pelvis_tilt is + posterior, stridelab's + anterior)
    pel = next(iter(kin.angles.get("pelvis_tilt", {}).values()), None)  # type: ignore[attr-defined]
    tt = t_ik + best
    ok = (tt >= t[0]) & (tt <= t[-1])
    if pel is not None and "pelvis_tilt" in coords and ok.sum() >= 20:
        for side, suf in (("right", "_r"), ("left", "_l")):
            hip = kin.angles.get("hip_flexion", {}).get(side)  # type: ignore[attr-defined]
            knee = kin.angles.get("knee_flexion", {}).get(side)  # type: ignore[attr-defined]
            if hip is None or knee is None or "hip_flexion" + suf not in coords:
                continue
            f = lambda a: np.interp(tt[ok], t, a)  # noqa: E731
            p_o, h_o, k_o = f(pel), f(hip), f(knee)
            p_i, h_i, k_i = coords["pelvis_tilt"][ok], coords["hip_flexion" + suf][ok], -coords["knee_angle" + suf][ok]
            thigh = (h_o - p_o) - (h_i + p_i)
            shank = (h_o - p_o - k_o) - (h_i + p_i - k_i)
            out[f"segments {side}"] = (float(np.nanmean(p_o + p_i)), float(np.nanmean(thigh)), float(np.nanmean(shank)))
    return out, round(best, 4)


def decimated(tr: object, k: int) -> None:
    """Keep every k-th marker frame of the trial (in place)."""
    from stridelab.model.trial import MarkerData

    mk = tr.markers  # type: ignore[attr-defined]
    if mk is None or k <= 1:
        return
    tr.markers = MarkerData(mk.positions_m[::k].copy(), list(mk.names), list(mk.original_names), mk.rate_hz / k, mk.time_s[::k].copy())  # type: ignore[attr-defined]


DECIMATE = 1


def analyse(c: Case) -> dict[str, object]:
    import stridelab as sl
    from stridelab.events.forceplate import detect_force_contacts
    from stridelab.events.markers import detect_marker_contacts
    from stridelab.io.c3d_events import lab_contacts
    from stridelab.kinematics.model import compute_kinematics
    from stridelab.kinematics.virtual import prepare_markers

    t0 = time.perf_counter()
    tr = sl.read(c.path, static=c.static if c.static and c.static.is_file() else None, forces=c.forces)
    prepare_markers(tr)
    decimated(tr, DECIMATE)
    res: dict[str, object] = {"case": c}
    ref = detect_force_contacts(tr).contacts if tr.forceplates else None
    est = detect_marker_contacts(tr).contacts
    res["ref"], res["est"] = ref, est
    if ref is not None:
        res["err"] = _errors(ref, est)
    lab = tr.provenance.extra.get("lab_events")
    if lab and ref is not None:
        res["lab_err"] = _errors(ref, lab_contacts(lab))
    if c.ik is not None:
        kin = compute_kinematics(tr)
        if kin is not None:
            res["angles"], res["ik_shift_s"] = _angle_stats(kin, c.ik)
    res["seconds"] = time.perf_counter() - t0
    return res


def _loa(e: np.ndarray) -> str:
    if e.size == 0:
        return "-"
    m, s = float(np.mean(e)), float(np.std(e, ddof=1)) if e.size > 1 else 0.0
    return f"{m:+.1f} ± {s:.1f} [{m - 1.96 * s:+.0f}, {m + 1.96 * s:+.0f}] {np.mean(np.abs(e)):.1f}"


def _row(label: str, n_ref: int, err: pd.DataFrame) -> str:
    found = f"{len(err)}/{n_ref} ({100 * len(err) / n_ref:.0f}%)" if n_ref else "-"
    return f"| {label} | {found} | " + " | ".join(_loa(err[k].to_numpy()) for k in ("ic_err_ms", "to_err_ms", "gct_err_ms")) + " |"


HEAD = "| {} | contacts found | IC error ms: mean ± SD [95% LoA] MAE | TO error | contact-time error |\n|---|---|---|---|---|"


def main() -> int:
    if not DATA.is_dir():
        print(f"no data folder {DATA}", file=sys.stderr)
        return 1
    quick = "--quick" in sys.argv
    todo = cases()
    global DECIMATE
    if "--decimate" in sys.argv:
        DECIMATE = int(sys.argv[sys.argv.index("--decimate") + 1])
    if "--no-static" in sys.argv:
        todo = [dataclasses.replace(c, static=None) for c in todo]
    if quick:
        todo = [c for c in todo if c.lab != "fukuchi2017" or c.runner in ("RBDS001", "RBDS002", "RBDS04")]
    results, failed = [], []
    for c in todo:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                r = analyse(c)
            r["python_warnings"] = sorted({str(w.message)[:80] for w in caught})
            results.append(r)
        except Exception as e:  # noqa: BLE001 - the corpus lists every failure with its reason
            failed.append((c, f"{type(e).__name__}: {e}"))

    print("## Markers-only contact events against the force plates, per trial\n")
    print(HEAD.format("trial (strike R/L)"))
    for r in results:
        c = r["case"]
        assert isinstance(c, Case)
        if r.get("err") is None:
            continue
        strike = "/".join(c.strike.get(s, "?")[:4] for s in ("right", "left")) if c.strike else "-"
        ref = r["ref"]
        assert isinstance(ref, pd.DataFrame)
        print(_row(f"{c.label} ({strike})", len(ref), r["err"]))  # type: ignore[arg-type]

    def pooled(key: str, group: str) -> None:
        rows: dict[str, list[tuple[int, pd.DataFrame]]] = {}
        for r in results:
            c = r["case"]
            assert isinstance(c, Case)
            err, ref = r.get("err"), r.get("ref")
            if not isinstance(err, pd.DataFrame) or not isinstance(ref, pd.DataFrame):
                continue
            if key == "lab":
                rows.setdefault(c.lab, []).append((len(ref), err))
            else:
                for side in ("left", "right"):
                    pat = c.strike.get(side)
                    if pat:
                        rows.setdefault(pat, []).append((int((ref["side"] == side).sum()), err[err["side"] == side]))
        print(f"\n## Pooled per {group}\n")
        print(HEAD.format(group))
        for k, v in rows.items():
            print(_row(k, sum(n for n, _ in v), pd.concat([e for _, e in v], ignore_index=True)))

    pooled("lab", "lab")
    pooled("strike", "foot-strike pattern (Fukuchi runners, participantInfo.csv)")

    labs = [r for r in results if isinstance(r.get("lab_err"), pd.DataFrame)]
    if labs:
        print("\n## The lab's own C3D events against the force plates\n")
        print(HEAD.format("trial"))
        for r in labs:
            c = r["case"]
            assert isinstance(c, Case)
            ref = r["ref"]
            assert isinstance(ref, pd.DataFrame)
            print(_row(c.label + " (Vicon events)", len(ref), r["lab_err"]))  # type: ignore[arg-type]

    angs = [r for r in results if r.get("angles")]
    if angs:
        print("\n## Sagittal angles against OpenSim IK (r, RMSE after removing the mean offset, offset = stridelab - IK)\n")
        names = [f"{a} {s}" for a, _, _ in ANGLES for s in ("right", "left")]
        print("| trial | " + " | ".join(names) + " |")
        print("|---|" + "---|" * len(names))
        allv: dict[str, list[tuple[float, float, float]]] = {n: [] for n in names}
        for r in angs:
            c = r["case"]
            assert isinstance(c, Case)
            a = r["angles"]
            assert isinstance(a, dict)
            cells = []
            for n in names:
                if n in a:
                    rr, rmse, off = a[n]
                    allv[n].append(a[n])
                    cells.append(f"{rr:.3f} / {rmse:.1f} / {off:+.1f}")
                else:
                    cells.append("-")
            shift = float(r.get("ik_shift_s", 0.0))  # type: ignore[arg-type]
            print(f"| {c.label}{f' (IK clock {shift:+.3f} s)' if shift else ''} | " + " | ".join(cells) + " |")
        cells = []
        for n in names:
            v = np.array(allv[n])
            cells.append(f"min r {v[:, 0].min():.3f}; median {np.median(v[:, 0]):.3f} / {np.median(v[:, 1]):.1f} / {np.median(v[:, 2]):+.1f}" if v.size else "-")
        print("| all (min r; median r / RMSE / offset) | " + " | ".join(cells) + " |")
        print("\n### Where the offsets come from: sagittal inclination in the lab, stridelab - IK (deg)\n")
        print("pelvis: anterior tilt of stridelab's pelvis (ISB, ASIS-PSIS plane) minus OpenSim's; thigh and shank: absolute")
        print("inclination. hip offset = pelvis + thigh difference; knee offset = thigh - shank difference.\n")
        print("| trial | pelvis right | thigh right | shank right | pelvis left | thigh left | shank left |")
        print("|---|---|---|---|---|---|---|")
        for r in angs:
            c = r["case"]
            a = r["angles"]
            assert isinstance(c, Case) and isinstance(a, dict)
            cells = [f"{v:+.1f}" for sd in ("right", "left") for v in a.get(f"segments {sd}", (np.nan,) * 3)]
            print(f"| {c.label} | " + " | ".join(cells) + " |")

    print("\n## Trials that failed\n")
    if not failed:
        print("none")
    for c, why in failed:
        print(f"- {c.path.name}: {why}")
    noisy = [(r["case"], r["python_warnings"]) for r in results if r.get("python_warnings")]
    print("\nPython warnings raised while analysing: " + ("none" if not noisy else "; ".join(f"{c.path.name}: {w}" for c, w in noisy)))  # type: ignore[union-attr]
    print(f"\n{len(results)} trials analysed in {sum(float(r['seconds']) for r in results):.0f} s")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
