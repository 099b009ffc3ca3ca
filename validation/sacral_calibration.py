"""Sacral contact timing across the sensor's calibration states (issue 10, fourth follow-up).

Data and reference: as ``validation/sacral_grf.py`` (Alcantara et al. 2022, REAL sacral accelerometer of
one runner, 31 conditions; force-plate contacts above 0.1 BW). Its vertical channel averages about 1.2 g
over each clip, where steady running averages 1 g: the sensor carries an offset or a gain error. Each
condition is analysed in three calibration states:

* ``raw``: as recorded;
* ``offset``: the mean specific force set to 1 g along its own direction (``a - m + m/|m|``);
* ``gain``: divided by the mean's norm (``a / |m|``).

Part 1 (``stridelab analyze``, the whole pipeline): each state written in stridelab's long IMU layout
(x = anteroposterior, y = Gaussian noise of 0.02 g, seed 0, z = vertical, as
``validation/sacral_grf_analyze.py``), read back and analysed with each trunk method; contacts paired
with the force plate's (nearest IC within 100 ms). Reported: contacts found, contact-time bias and
RMSE, the reported cadence within 1 % of the force plate's, and the methods used.

Part 2 (``freefall_relative``'s constants, held out): the grid of its initial-contact threshold,
toe-off threshold and spring-mass weight (in units of the trial's mean - floor span) chosen on all
but one condition group (speed, slope or foot-strike groups) and scored on the held-out group, on the
sensor as ``stridelab analyze`` aligns it. The relative signal is the same in every calibration state,
so so are these figures.

Part 3 (``--virtual``): SYNTHETIC virtual sacra of 20 runners (``validation/sacral_virtual.py``'s
trials) as simulated, with ``auto`` and ``freefall_relative``, and ``freefall_relative``'s constants
chosen leaving one runner out.

``auto``'s clipping test (:func:`stridelab.events.imu_sacrum.clipped_fraction`, the time spent on an
axis's rail) is printed for the real set in each state (part 2) and the virtual sacra (part 3): any
threshold between the two ranges classifies every clip alike, so a held-out choice cannot differ.

Run: ``PYTHONPATH=src .venv/bin/python validation/sacral_calibration.py [--virtual]`` (about 5 min;
``--virtual`` about 5 min more).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sacral_grf as sg  # noqa: E402

import stridelab as sl  # noqa: E402
from stridelab.events import imu_sacrum  # noqa: E402
from stridelab.events.agreement import match_contacts  # noqa: E402
from stridelab.events.imu_align import AlignedImu  # noqa: E402

STATES = ("raw", "offset", "gain")
METHODS = ("auto", "freefall_springmass", "freefall_relative")
GRID = list(itertools.product((0.3, 0.45, 0.6), (0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5), (0.25, 0.4, 0.5, 0.6, 0.75)))


def calibrated(v: np.ndarray, ap: np.ndarray, state: str) -> tuple[np.ndarray, np.ndarray]:
    """(vertical, anteroposterior) in g in one calibration state (module docstring)."""
    a = np.column_stack([ap, np.zeros(v.size), v]).astype(float)
    m = a.mean(0)
    if state == "offset":
        a = a - m + m / np.linalg.norm(m)
    elif state == "gain":
        a = a / np.linalg.norm(m)
    return a[:, 2], a[:, 0]


def part1() -> None:
    v_all, ap_all, grf, info = sg.load()
    print("Part 1: REAL sacral accelerometer through stridelab analyze, 31 conditions, per calibration state")
    for state in STATES:
        for method in METHODS:
            rng = np.random.default_rng(0)
            errs, found, n_ref, cad_ok, used = [], 0, 0, 0, set()
            with tempfile.TemporaryDirectory() as tmp:
                for i in range(len(info)):
                    v, ap = calibrated(v_all[i], ap_all[i], state)
                    n = v.size
                    df = pd.DataFrame({"time_s": np.arange(n) / sg.RATE, "location": "sacrum", "acc_x": ap, "acc_y": rng.normal(0.0, 0.02, n), "acc_z": v})
                    path = Path(tmp) / f"c{i}.csv"
                    path.write_text("# stridelab-imu 1\n# acc_unit=g\n" + df.to_csv(index=False, float_format="%.6g"), encoding="utf-8")
                    kw = {} if method == "auto" else {"event_params": {"trunk_method": method}}
                    res = sl.analyze(sl.read(path), **kw)  # type: ignore[arg-type]
                    doc = res.to_json()
                    c = pd.DataFrame(doc["contacts"])
                    ref = sg.reference(grf[i])
                    m = sg.score(ref, c["ic_s"].to_numpy(float), c["to_s"].to_numpy(float))
                    errs.append(m["gct_err_ms"].to_numpy(float))
                    found += len(m)
                    n_ref += len(ref)
                    cad_ref = 60.0 * (len(ref) - 1) / float(ref["ic_s"].iloc[-1] - ref["ic_s"].iloc[0])
                    cad = doc["summary"].get("cadence_spm")
                    cad_ok += int(bool(cad) and abs(cad / cad_ref - 1) <= 0.01)
                    used |= {s.split(":")[-1] for s in c["source"]}
            e = np.concatenate(errs)
            print(
                f"  {state:6s} {method:19s} found {found}/{n_ref} ({100 * found / n_ref:.1f}%), contact time bias {np.nanmean(e):+.1f} "
                f"RMSE {sg.rmse(e):.1f} ms, cadence within 1% in {cad_ok}/{len(info)}, methods {sorted(used)}",
                flush=True,
            )


def relative_errors(al: AlignedImu, ref: pd.DataFrame, params: tuple[float, float, float], tol_s: float) -> np.ndarray:
    """Contact-time errors (ms) of ``freefall_relative`` with other constants (ic, to, weight)."""
    lv = imu_sacrum.relative_levels(al)
    if lv is None:
        return np.zeros(0)
    up = np.nan_to_num(al.acc[:, 2]) / imu_sacrum.G0
    r = np.where(al.running, (up - lv[1]) / (lv[0] - lv[1]), 0.0)
    ic, to = imu_sacrum.step_contacts(r, al.rate_hz, al.time_s, params[0], params[1], springmass=True, springmass_weight=params[2])
    keep = ((to - ic) >= 0.08) & ((to - ic) <= 0.6)
    m = match_contacts(ref, pd.DataFrame({"side": "any", "ic_s": ic[keep], "to_s": to[keep]}), tol_s)
    return m["gct_err_ms"].to_numpy(float)


def held_out(per: dict[tuple[float, float, float], list[np.ndarray]], groups: np.ndarray) -> tuple[float, list[tuple[float, float, float]]]:
    """Pooled held-out RMSE of the grid point chosen without each group, and the choices."""
    held, chosen = [], []
    for val in np.unique(groups):
        tr, te = np.flatnonzero(groups != val), np.flatnonzero(groups == val)
        best = min(GRID, key=lambda g: sg.rmse(np.concatenate([per[g][i] for i in tr])))
        chosen.append(best)
        held.append(np.concatenate([per[best][i] for i in te]))
    return sg.rmse(np.concatenate(held)), chosen


def part2() -> None:
    v_all, ap_all, grf, info = sg.load()
    als = [sg.analyze_aligned(*calibrated(v_all[i], ap_all[i], "raw"), i) for i in range(len(info))]
    for state in STATES:
        clip = [imu_sacrum.clipped_fraction(sg.analyze_aligned(*calibrated(v_all[i], ap_all[i], state), i)) for i in range(len(info))]
        print(f"clipped fraction ({state}): {100 * min(clip):.2f}-{100 * max(clip):.2f}% of the running samples (auto's rail: {100 * imu_sacrum.CLIPPED_FRACTION:.1f}%)")
    refs = [sg.reference(g) for g in grf]
    per = {g: [relative_errors(al, ref, g, 0.1) for al, ref in zip(als, refs, strict=True)] for g in GRID}
    best = min(GRID, key=lambda g: sg.rmse(np.concatenate(per[g])))
    shipped = (imu_sacrum.RELATIVE_IC_THRESHOLD_SPAN, imu_sacrum.RELATIVE_TO_THRESHOLD_SPAN, imu_sacrum.RELATIVE_SPRINGMASS_WEIGHT)
    print(f"\nPart 2: freefall_relative's constants (ic, to, weight); all 31 conditions: best {best} RMSE {sg.rmse(np.concatenate(per[best])):.1f} ms; shipped {shipped}")
    for key in ("Speed", "Slope", "strike"):
        r, chosen = held_out(per, np.asarray(info[key]))
        print(f"  leave one {key} group out: held-out contact-time RMSE {r:.1f} ms (chosen {sorted(set(chosen))})")


def part3() -> None:
    import sacral_virtual as sv

    from stridelab.events.imu import trunk_method
    from stridelab.events.imu_align import align
    from stridelab.io import read_trial
    from stridelab.model.trial import ImuData
    from stridelab.synth.imu import synthesize_imu

    als, truths = [], []
    for k, (_, run, static) in enumerate(sv.trials()):
        trial = read_trial(run, static=static if static.is_file() else None)
        v = synthesize_imu(trial, ("sacrum",), noise=1.0, mount_deg=180.0, seed=k, rate_hz=200.0)
        s = v.sensors["sacrum"]
        als.append(align(ImuData("sacrum", s.rate_hz, s.time_s, s.acc_mps2)))
        truths.append(v.contacts.assign(side="any"))
    n_truth = sum(len(t) for t in truths)
    clip = [imu_sacrum.clipped_fraction(al) for al in als]
    print(f"\nPart 3: SYNTHETIC virtual sacra, {len(als)} trials of 20 runners; clipped fraction {100 * min(clip):.3f}-{100 * max(clip):.3f}%")
    for method in ("auto", "freefall_relative", "freefall_springmass"):
        errs, found = [], 0
        for al, truth in zip(als, truths, strict=True):
            ev = imu_sacrum.sacrum_events(al, trunk_method(al) if method == "auto" else method)
            m = match_contacts(truth, pd.DataFrame({"side": "any", "ic_s": ev.ic_s, "to_s": ev.to_s}), 0.15)
            errs.append(m["gct_err_ms"].to_numpy(float))
            found += len(m)
        print(f"  {method:19s} found {found}/{n_truth}, contact-time RMSE {sg.rmse(np.concatenate(errs)):.1f} ms")
    per = {g: [relative_errors(al, t, g, 0.15) for al, t in zip(als, truths, strict=True)] for g in GRID}
    runners = np.asarray([label.split()[0] for label, _, _ in sv.trials()])
    r, chosen = held_out(per, runners)
    print(f"  freefall_relative's constants chosen leaving one runner out: held-out RMSE {r:.1f} ms (chosen {sorted(set(chosen))})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--virtual", action="store_true", help="also part 3 (SYNTHETIC virtual sacra)")
    args = ap.parse_args()
    if not sg.DATA.is_dir():
        print(f"real data not found at {sg.DATA}")
        return 1
    part2()
    part1()
    if args.virtual:
        part3()
    return 0


if __name__ == "__main__":
    sys.exit(main())
