"""Real sacral accelerometer against the force plate of the same strides.

Data: ``wearable/sacral_grf/`` (REAL; Alcantara RS, Day EM, Hahn ME, Grabowski AM 2022, PeerJ
10:e12752; Apache-2.0): one runner (173 cm, 76.8 kg) on an instrumented treadmill, 31 conditions of
4.96 s at 500 Hz: 2.5/3.33/4.17 m/s, slopes -10 to +10 %, rearfoot or midfoot strike
(``Sub_Info_one_sub.csv``; a condition is "MFS" when its midfoot share is above 50 %). Per row,
``Accelerometer_one_sub.csv`` holds the sacrum's vertical then anteroposterior acceleration (g; the
vertical reads ~0 g in the flight phase, as free fall should), ``GRF_one_sub.csv`` the vertical
force in body weights, on the same samples.

Reference contacts: vertical force above 0.1 BW (75 N; the plate's flight-phase noise reaches
+-0.05 BW, so a lower threshold splits and merges contacts: ``validation/sacral_grf.py 0.05`` shows it), crossings interpolated, gaps under 50 ms
closed unless the force in them reaches the plate's flight level (0 BW or below: every flight of the set reads -0.01 to
-0.05 BW; condition 0 has one real 48-ms flight, which closing it merged into a 554-ms "contact"), contacts under
80 ms dropped. Estimated contacts: ``stridelab.events.imu_sacrum`` on the
vertical (UP) and anteroposterior (FORWARD) specific force, methods ``freefall`` (the default for
trunk sensors until this validation) and ``freefall_steps``. Pairing: nearest IC within 100 ms
(``stridelab.events.agreement``). Cadence: ``moenilssen2004`` autocorrelation
(``stridelab.metrics.imu_cadence``) and 60 / median IC interval of the contacts, against
60 x (contacts - 1) / (last IC - first IC) of the force plate.

The two thresholds of ``freefall_steps`` (IC and TO, in g) are chosen by leave-one-condition-
group-out cross-validation: for each grouping (speed, slope, strike) every group is held out in
turn, the thresholds minimising the contact-time RMSE of the other groups are chosen from a grid,
and the held-out group is scored with them; reported are the pooled held-out figures and the
thresholds chosen in each fold.

``freefall_springmass`` (the default for trunk sensors whose flights read about 0 g, as this one) is also scored on the signal
``stridelab analyze`` sees (:func:`analyze_aligned`: the sensor aligned to the true vertical), and its
two constants (toe-off threshold, weight of the spring-mass contact time) are chosen the same way,
leave-one-condition-group-out, on that signal and on the set's vertical channel.

Run: ``.venv/bin/python validation/sacral_grf.py`` (about a minute).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from stridelab.events.agreement import match_contacts
from stridelab.events.imu_align import AlignedImu, align
from stridelab.events.imu_sacrum import (
    G0,
    IC_THRESHOLD_G,
    SPRINGMASS_TO_THRESHOLD_G,
    SPRINGMASS_WEIGHT,
    TO_THRESHOLD_G,
    sacrum_events,
    step_contacts,
)
from stridelab.metrics.imu_cadence import autocorrelation_cadence_spm
from stridelab.model.trial import ImuData

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wearable" / "sacral_grf"
RATE = 500.0
REF_BW = 0.1
#: The plate's flight level (BW): a gap in which the force reaches it is a flight, however short.
FLIGHT_BW = 0.0
IC_GRID = (0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5)
TO_GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
W_GRID = (0.0, 0.25, 0.5, 0.75)
SM_TO_GRID = (0.3, 0.4, 0.5, 0.6)


def load() -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DataFrame]:
    acc = np.loadtxt(DATA / "Accelerometer_one_sub.csv", delimiter=",")
    grf = np.loadtxt(DATA / "GRF_one_sub.csv", delimiter=",")
    info = pd.read_csv(DATA / "Sub_Info_one_sub.csv")
    n = grf.shape[1]
    info["strike"] = np.where(info["MFS"] > 50, "MFS", np.where(info["FFS"] > 50, "FFS", "RFS"))
    return acc[:, :n], acc[:, n:], grf, info


def reference(g: np.ndarray, thr: float | None = None) -> pd.DataFrame:
    thr = REF_BW if thr is None else thr
    t = np.arange(g.size) / RATE
    pos = g > thr
    up = np.flatnonzero(~pos[:-1] & pos[1:])
    dn = np.flatnonzero(pos[:-1] & ~pos[1:])
    ics: list[float] = []
    tos: list[float] = []
    for u in up:
        d = dn[dn > u]
        if not d.size:
            break
        a = t[u] + (thr - g[u]) / (g[u + 1] - g[u]) / RATE
        b = t[d[0]] + (g[d[0]] - thr) / (g[d[0]] - g[d[0] + 1]) / RATE
        if tos and a - tos[-1] < 0.05 and float(g[int(tos[-1] * RATE) + 1 : u + 1].min(initial=1.0)) > FLIGHT_BW:
            tos[-1] = b  # a dip below the threshold that is not a flight (the force stays above the flight level)
        elif not tos or a > tos[-1]:
            ics.append(a)
            tos.append(b)
    c = pd.DataFrame({"side": "any", "ic_s": ics, "to_s": tos})
    return c[(c["to_s"] - c["ic_s"]) >= 0.08].reset_index(drop=True)


def aligned(v: np.ndarray, ap: np.ndarray) -> AlignedImu:
    n = v.size
    acc = np.zeros((n, 3))
    acc[:, 2] = v * G0
    acc[:, 0] = ap * G0
    return AlignedImu("sacrum", "sacrum", None, RATE, np.arange(n) / RATE, acc, None, np.ones(n, bool), np.eye(3), True)


def analyze_aligned(v: np.ndarray, ap: np.ndarray, seed: int) -> AlignedImu:
    """The condition as ``stridelab analyze`` sees it: a three-axis sensor (x = anteroposterior,
    y = mediolateral, which the set lacks: Gaussian noise of 0.02 g, z = vertical) aligned by
    :func:`stridelab.events.imu_align.align`, whose UP is the mean specific force over running: on a
    treadmill the trunk does not accelerate on average, so that is the true vertical. It differs from
    the set's vertical channel by 6-39 degrees (that channel is the sensor's axis, not the vertical)."""
    n = v.size
    noise = np.random.default_rng(seed).normal(0.0, 0.02, n)
    return align(ImuData("sacrum", RATE, np.arange(n) / RATE, np.column_stack([ap, noise, v]) * G0))


def score(ref: pd.DataFrame, ic: np.ndarray, to: np.ndarray) -> pd.DataFrame:
    est = pd.DataFrame({"side": "any", "ic_s": ic, "to_s": to})
    return match_contacts(ref, est, 0.1)


def rmse(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(np.sqrt(np.mean(x**2))) if x.size else float("nan")


def summary(m: pd.DataFrame, n_ref: int, n_est: int) -> str:
    ct = m["gct_err_ms"].to_numpy()
    ok = np.isfinite(ct)
    return (
        f"found {len(m)}/{n_ref} ({100 * len(m) / max(n_ref, 1):.1f}%), {n_est - len(m)} extra; IC {m['ic_err_ms'].mean():+.1f} "
        f"SD {m['ic_err_ms'].std():.1f}; TO {np.nanmean(m['to_err_ms']):+.1f} SD {np.nanstd(m['to_err_ms']):.1f} "
        f"(not timed {int((~ok).sum())}); contact time {np.nanmean(ct):+.1f} SD {np.nanstd(ct):.1f} RMSE {rmse(ct):.1f} ms"
    )


def main() -> int:
    if not DATA.is_dir():
        print(f"real data not found at {DATA}")
        return 1
    v_all, ap_all, grf, info = load()
    ref_bw = float(sys.argv[1]) if len(sys.argv) > 1 else REF_BW
    refs = [reference(g, ref_bw) for g in grf]
    rows = []
    per_method: dict[str, list[pd.DataFrame]] = {"freefall": [], "freefall_steps": [], "freefall_springmass": []}
    counts: dict[str, list[tuple[int, int]]] = {k: [] for k in per_method}
    for i in range(len(info)):
        al = aligned(v_all[i], ap_all[i])
        ref = refs[i]
        span = float(ref["ic_s"].iloc[-1] - ref["ic_s"].iloc[0])
        cad_ref = 60.0 * (len(ref) - 1) / span
        row = {"cond": i, "speed": info["Speed"][i], "slope": info["Slope"][i], "strike": info["strike"][i], "n_ref": len(ref), "cad_ref": cad_ref}
        for method in per_method:
            ev = sacrum_events(al, method)
            m = score(ref, ev.ic_s, ev.to_s).assign(cond=i)
            per_method[method].append(m)
            counts[method].append((len(ref), int(ev.ic_s.size)))
            row[f"{method}_found"] = len(m)
            row[f"{method}_n_est"] = int(ev.ic_s.size)
            row[f"{method}_ct_rmse"] = rmse(m["gct_err_ms"].to_numpy())
            if ev.ic_s.size > 2:
                row[f"{method}_cad_err_pct"] = 100 * (60.0 / np.median(np.diff(ev.ic_s)) / cad_ref - 1)
        row["acf_cad_err_pct"] = 100 * ((autocorrelation_cadence_spm(v_all[i], RATE) or np.nan) / cad_ref - 1)
        rows.append(row)
    df = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    print("Per condition (contact time RMSE in ms, cadence error in %):")
    print(df.round(1).to_string(index=False))
    print()
    for method, ms in per_method.items():
        m = pd.concat(ms, ignore_index=True)
        n_ref = sum(a for a, _ in counts[method])
        n_est = sum(b for _, b in counts[method])
        print(f"{method:15s} all 31 conditions: {summary(m, n_ref, n_est)}")
    for method in ("freefall_steps", "freefall_springmass"):
        m = pd.concat(per_method[method], ignore_index=True).merge(df[["cond", "speed", "slope", "strike"]], on="cond")
        for key in ("speed", "slope", "strike"):
            for val, g in m.groupby(key):
                sel = df[key] == val
                print(f"  {method} {key}={val}: {summary(g, int(df.loc[sel, 'n_ref'].sum()), int(df.loc[sel, f'{method}_n_est'].sum()))}")
    for c in ("acf_cad_err_pct", "freefall_steps_cad_err_pct"):
        e = df[c].abs()
        print(f"cadence {c}: |error| median {e.median():.2f}%, max {e.max():.2f}%, within 1% in {(e <= 1).sum()}/{e.notna().sum()} conditions")
    print()
    print(f"Leave-one-condition-group-out choice of the freefall_steps thresholds (grid IC {IC_GRID} g, TO {TO_GRID} g; package: IC {IC_THRESHOLD_G} g, TO {TO_THRESHOLD_G} g):")
    cache: dict[tuple[float, float], list[pd.DataFrame]] = {}
    n_est: dict[tuple[float, float], list[int]] = {}
    for ti in IC_GRID:
        for tt in TO_GRID:
            est = [step_contacts(v_all[i], RATE, np.arange(v_all[i].size) / RATE, ti, tt) for i in range(len(info))]
            n_est[(ti, tt)] = [e[0].size for e in est]
            cache[(ti, tt)] = [score(refs[i], *est[i]).assign(cond=i) for i in range(len(info))]
    best_all = min(cache, key=lambda th: rmse(pd.concat(cache[th])["gct_err_ms"].to_numpy()))
    print(f"  all conditions (in-sample): IC {best_all[0]:g} g, TO {best_all[1]:g} g: {summary(pd.concat(cache[best_all]), int(df['n_ref'].sum()), sum(n_est[best_all]))}")
    for key in ("speed", "slope", "strike"):
        held = []
        chosen = []
        held_est = 0
        for val in sorted(df[key].unique()):
            train = df.index[df[key] != val].tolist()
            test = df.index[df[key] == val].tolist()
            best = min(cache, key=lambda th: rmse(pd.concat([cache[th][i] for i in train])["gct_err_ms"].to_numpy()))
            chosen.append(f"{val}:{best[0]:g}/{best[1]:g}")
            held.append(pd.concat([cache[best][i] for i in test]))
            held_est += sum(n_est[best][i] for i in test)
        h = pd.concat(held, ignore_index=True)
        print(f"  by {key:6s}: held-out {summary(h, int(df['n_ref'].sum()), held_est)}; chosen IC/TO per held-out group {', '.join(chosen)}")
    print()
    print("freefall_springmass through the alignment of `stridelab analyze` (its UP axis, see analyze_aligned):")
    al_all = [analyze_aligned(v_all[i], ap_all[i], i) for i in range(len(info))]
    n_ref_all = int(df["n_ref"].sum())
    for method in ("freefall_steps", "freefall_springmass"):
        evs = [sacrum_events(al, method) for al in al_all]
        ms = [score(refs[i], evs[i].ic_s, evs[i].to_s) for i in range(len(info))]
        print(f"  {method:19s} aligned: {summary(pd.concat(ms), n_ref_all, sum(e.ic_s.size for e in evs))}")
    print(
        f"  choice of its toe-off threshold and spring-mass weight held out by group (grid TO {SM_TO_GRID} g x weight {W_GRID}; "
        f"package TO {SPRINGMASS_TO_THRESHOLD_G} g, weight {SPRINGMASS_WEIGHT}), on each signal:"
    )
    for label, sigs in (("aligned (analyze)", [al.acc[:, 2] / G0 for al in al_all]), ("the set's vertical channel", list(v_all))):
        wcache: dict[tuple[float, float], tuple[list[pd.DataFrame], list[int]]] = {}
        for tt in SM_TO_GRID:
            for w in W_GRID:
                est = [step_contacts(x, RATE, np.arange(x.size) / RATE, to_threshold_g=tt, springmass=w > 0, springmass_weight=w) for x in sigs]
                wcache[(tt, w)] = ([score(refs[i], *est[i]) for i in range(len(info))], [e[0].size for e in est])
        pkg = (SPRINGMASS_TO_THRESHOLD_G, SPRINGMASS_WEIGHT)
        print(f"    {label}: package choice {summary(pd.concat(wcache[pkg][0]), n_ref_all, sum(wcache[pkg][1]))}")
        best_all = min(wcache, key=lambda k: rmse(pd.concat(wcache[k][0])["gct_err_ms"].to_numpy()))
        print(f"    {label}: in-sample best TO {best_all[0]:g} g, weight {best_all[1]:g}: {summary(pd.concat(wcache[best_all][0]), n_ref_all, sum(wcache[best_all][1]))}")
        for key in ("speed", "slope", "strike"):
            held, chosen, held_est = [], [], 0
            for val in sorted(df[key].unique()):
                train = df.index[df[key] != val].tolist()
                test = df.index[df[key] == val].tolist()
                best = min(wcache, key=lambda k: rmse(pd.concat([wcache[k][0][i] for i in train])["gct_err_ms"].to_numpy()))
                chosen.append(f"{val}:{best[0]:g}/{best[1]:g}")
                held += [wcache[best][0][i] for i in test]
                held_est += sum(wcache[best][1][i] for i in test)
            print(f"    {label} by {key:6s}: held-out {summary(pd.concat(held, ignore_index=True), n_ref_all, held_est)}; chosen TO/weight {', '.join(chosen)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
