"""Marker-only contact events against the force-plate reference events.

Run: .venv/bin/python validation/marker_events.py  (needs ../shared/data; about a minute)

Prints, for every recording in ../shared/data with both markers and forces (runner RBDS001 of
Fukuchi et al. 2017 on a treadmill at 2.5 and 3.5 m/s; one overground contact of
pyomeca/pyorerun), the error of the marker events (stridelab.events.markers, method
"handsaker2016_clearance") against the force events (stridelab.events.forceplate, 20 N):
initial contact (IC), toe-off (TO) and contact time (CT): mean, SD, 95% limits of agreement
(mean +- 1.96 SD), mean absolute error. Then the same at other sampling rates (every k-th frame:
exactly what a slower camera records; other rates by cubic-spline interpolation, labelled so),
with added marker noise, with other values of the two constants, the published Handsaker et al.
(2016) features for comparison, and the plausibility of the events on the Running Injury Clinic
trial, which has no forces.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import stridelab as sl
from stridelab.dsp import lowpass
from stridelab.errors import NoValidResultError
from stridelab.events.agreement import agreement, match_contacts
from stridelab.events.forceplate import detect_force_contacts
from stridelab.events.markers import detect_marker_contacts
from stridelab.kinematics.virtual import prepare_markers
from stridelab.model.trial import MarkerData, Trial

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mocap"


def load() -> dict[str, Trial]:
    f = DATA / "fukuchi2017"
    trials = {
        "RBDS001 2.5 m/s (treadmill, 150 Hz)": sl.read(f / "RBDS001runT25markers.txt", forces=f / "RBDS001runT25forces.txt", static=f / "RBDS001static.c3d"),
        "RBDS001 3.5 m/s (treadmill, 150 Hz)": sl.read(f / "RBDS001runT35.c3d", static=f / "RBDS001static.c3d"),
        "Running_0002 (overground, 200 Hz)": sl.read(DATA / "pyorerun" / "Running_0002.c3d"),
    }
    for t in trials.values():
        prepare_markers(t)
    return trials


def with_markers(trial: Trial, pos: np.ndarray, t: np.ndarray, rate: float) -> Trial:
    mk = trial.markers
    assert mk is not None
    return dataclasses.replace(trial, markers=MarkerData(pos, list(mk.names), list(mk.original_names), rate, t))


def decimated(trial: Trial, k: int) -> Trial:
    mk = trial.markers
    assert mk is not None
    return with_markers(trial, mk.positions_m[::k].copy(), mk.time_s[::k].copy(), mk.rate_hz / k)


def interpolated(trial: Trial, rate: float) -> Trial:
    from scipy.interpolate import CubicSpline

    mk = trial.markers
    assert mk is not None
    t = np.arange(mk.time_s[0], mk.time_s[-1], 1.0 / rate)
    flat = mk.positions_m.reshape(mk.n_frames, -1)
    out = np.full((t.size, flat.shape[1]), np.nan)
    for c in range(flat.shape[1]):
        ok = np.isfinite(flat[:, c])
        if ok.sum() > 4:
            out[:, c] = CubicSpline(mk.time_s[ok], flat[ok, c])(t)
    return with_markers(trial, out.reshape(t.size, -1, 3), t, rate)


def noisy(trial: Trial, sd_mm: float, seed: int) -> Trial:
    mk = trial.markers
    assert mk is not None
    pos = mk.positions_m + np.random.default_rng(seed).normal(0.0, sd_mm / 1000.0, mk.positions_m.shape)
    return with_markers(trial, pos, mk.time_s, mk.rate_hz)


def only_feet(trial: Trial, keep: tuple[str, ...]) -> Trial:
    """The trial with only the named foot landmarks (both sides) left among the foot markers."""
    mk = trial.markers
    assert mk is not None
    idx = [i for i, n in enumerate(mk.names) if not any(f in n for f in ("heel", "mt", "toe", "foot")) or n[2:] in keep]
    names = [mk.names[i] for i in idx]
    return dataclasses.replace(trial, markers=MarkerData(mk.positions_m[:, idx], names, [mk.original_names[i] for i in idx], mk.rate_hz, mk.time_s))


def errors(ref: pd.DataFrame, est: pd.DataFrame, tol_s: float = 0.08) -> dict[str, np.ndarray]:
    m = match_contacts(ref, est, tol_s)
    return {"IC": m["ic_err_ms"].to_numpy(), "TO": m["to_err_ms"].to_numpy(), "CT": m["gct_err_ms"].to_numpy()}


def stats(e: np.ndarray) -> str:
    return agreement(e).text()


HEAD = "IC/TO/CT error ms: mean  SD  [95% limits of agreement]  mean |error|"


def row(label: str, ref: pd.DataFrame, est: pd.DataFrame) -> dict[str, np.ndarray]:
    e = errors(ref, est)
    n = len(e["IC"])
    print(f"| {label} | {len(ref)} | {len(est)} | {n} | " + " | ".join(stats(e[k]) for k in ("IC", "TO", "CT")) + " |")
    return e


def table_head(first: str) -> None:
    print(f"| {first} | force contacts | marker contacts | matched | IC mean SD [LoA] MAE | TO mean SD [LoA] MAE | CT mean SD [LoA] MAE |")
    print("|---|---|---|---|---|---|---|")


def handsaker_as_published(trial: Trial, ours: pd.DataFrame) -> pd.DataFrame:
    """Our reading of Handsaker et al. (2016): IC = the earliest vertical-acceleration peak of the
    heel and forefoot markers, TO = the vertical-jerk peak of the most distal forefoot marker
    (the hallux in their marker set), each searched +-40 ms around our own events (their windowing
    step), positions low-passed at min(20 Hz, rate/5), peaks interpolated with a parabola."""
    mk = trial.markers
    assert mk is not None
    fs, t = mk.rate_hz, mk.time_s
    fc = min(20.0, fs / 5.0)
    out = []
    for r in ours.itertuples():
        p = "l_" if r.side == "left" else "r_"
        heel = [p + n for n in ("heel", "heel_bottom", "heel_lat") if mk.has(p + n)]
        fore = [p + n for n in ("mt1", "mt2", "mt5", "toe", "toe2") if mk.has(p + n)]
        if not fore:
            continue
        distal = max(fore, key=lambda n: np.nanmedian(mk[n][:, 0] - mk[heel[0] if heel else fore[0]][:, 0]))

        def peak(name: str, order: int, centre: float) -> float:
            z = lowpass(np.nan_to_num(mk[name][:, 2]), fs, fc)
            for _ in range(order):
                z = np.gradient(z) * fs
            idx = np.flatnonzero(np.abs(t - centre) <= 0.04)
            idx = idx[(idx > 0) & (idx < len(t) - 1)]
            i = idx[np.argmax(z[idx])]
            a, b, c = z[i - 1], z[i], z[i + 1]
            d = a - 2 * b + c
            return float(t[i] + (0.5 * (a - c) / d if d else 0.0) / fs)

        ic = min(peak(n, 2, r.ic_s) for n in heel + fore)
        to = peak(distal, 3, r.to_s)
        out.append((r.side, ic, to))
    return pd.DataFrame(out, columns=["side", "ic_s", "to_s"])


def ric_plausibility() -> None:
    r = DATA / "ric2024"
    trial = sl.read(r / "20140515T133244_run.c3d", static=r / "20140515T133244_static.c3d")
    prepare_markers(trial)
    ev = detect_marker_contacts(trial)
    c = ev.contacts
    mk = trial.markers
    assert mk is not None
    sides = c["side"].to_numpy()
    step = np.diff(c["ic_s"].to_numpy())
    alt = sides[1:] != sides[:-1]
    flight = (c["ic_s"].to_numpy()[1:] - c["to_s"].to_numpy()[:-1])[alt] * 1000
    print(f"contacts: {len(c)} (left {int((sides == 'left').sum())}, right {int((sides == 'right').sum())}); rejected: {len(ev.rejected)}")
    print(f"consecutive contacts alternate sides: {alt.mean() * 100:.0f}%")
    print(f"cadence from the contacts: {60.0 / np.median(step[alt]):.1f} steps/min")
    # independent check: the stride period of each foot's height signal (autocorrelation)
    for side in ("left", "right"):
        z = np.nanmean(np.stack([mk[n][:, 2] for n in mk.names if n.startswith(side[0] + "_foot_c")], axis=1), axis=1)
        z = z - np.nanmean(z)
        ac = np.correlate(np.nan_to_num(z), np.nan_to_num(z), "full")[z.size - 1 :]
        lag0 = int(0.4 * mk.rate_hz)
        period = (lag0 + int(np.argmax(ac[lag0 : int(1.2 * mk.rate_hz)]))) / mk.rate_hz
        same = c[c["side"] == side]["ic_s"].to_numpy()
        d = np.diff(same)
        print(
            f"{side}: stride period from the foot-height autocorrelation {period * 1000:.0f} ms (cadence {120 / period:.1f} steps/min); "
            f"median stride between its contacts {np.median(d[d < 1.5 * np.median(d)]) * 1000:.0f} ms; "
            f"contact time median {np.median((c[c['side'] == side]['to_s'] - c[c['side'] == side]['ic_s']) * 1000):.0f} ms "
            f"(IQR {np.percentile((c[c['side'] == side]['to_s'] - c[c['side'] == side]['ic_s']) * 1000, 25):.0f}-"
            f"{np.percentile((c[c['side'] == side]['to_s'] - c[c['side'] == side]['ic_s']) * 1000, 75):.0f})"
        )
    print(f"flight time median {np.median(flight):.0f} ms; belt speed measured from the stance feet {-ev.info['ground_velocity_mps']:.2f} m/s")
    plot_ric(trial, c, Path(__file__).resolve().parents[1] / "docs" / "img" / "ric_marker_events.png")
    for w in ev.warnings:
        print("warning:", w)


def plot_ric(trial: Trial, c: pd.DataFrame, path: Path) -> None:
    """Heel-counter cluster heights of both feet over 4 s with the marker contacts shaded."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mk = trial.markers
    assert mk is not None
    t = mk.time_s
    m = t < t[0] + 4.0
    fig, axes = plt.subplots(2, 1, figsize=(11, 5.5), sharex=True)
    for ax, side, col in zip(axes, ("left", "right"), ("tab:blue", "tab:orange"), strict=True):
        for n in [n for n in mk.names if n.startswith(side[0] + "_foot_c")]:
            ax.plot(t[m], mk[n][m, 2] * 1000, lw=0.8, label=n)
        for r in c[c["side"] == side].itertuples():
            if r.ic_s < t[m][-1]:
                ax.axvspan(r.ic_s, r.to_s, color=col, alpha=0.25, lw=0)
        ax.set_ylabel(f"{side} foot cluster\nheight (mm)")
        ax.legend(fontsize=7, loc="upper right", ncol=4)
    axes[0].set_title("Running Injury Clinic trial (no forces): marker contacts shaded; the right cluster jumps\n"
                      "before some contacts (a labelling / gap-filling artefact in the file)", fontsize=9)
    axes[1].set_xlabel("time (s)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    print(f"plot: {path.name}")


def main() -> int:
    if not DATA.is_dir():
        print(f"no data folder {DATA}", file=sys.stderr)
        return 1
    trials = load()
    refs = {k: detect_force_contacts(t).contacts for k, t in trials.items()}

    print("## Marker events vs force events (20 N), native sampling rate\n")
    print(HEAD + "\n")
    table_head("recording")
    pooled: dict[str, list[np.ndarray]] = {"IC": [], "TO": [], "CT": []}
    for k, t in trials.items():
        t0 = time.perf_counter()
        est = detect_marker_contacts(t).contacts
        dt = time.perf_counter() - t0
        e = row(k + f" ({dt * 1000:.0f} ms to detect)", refs[k], est)
        for q in pooled:
            pooled[q].append(e[q])
    allv = {q: np.concatenate(v) for q, v in pooled.items()}
    print(f"| all {len(allv['IC'])} contacts | | | {len(allv['IC'])} | " + " | ".join(stats(allv[q]) for q in ("IC", "TO", "CT")) + " |")

    print("\n## Sampling rate\n")
    table_head("recording @ rate")
    for k, t in trials.items():
        mk = t.markers
        assert mk is not None
        variants = [(f"{mk.rate_hz / d:.0f} Hz (every {('2nd', '3rd')[d - 2]} frame)", decimated(t, d)) for d in (2, 3)]
        variants += [(f"{r:.0f} Hz (cubic-spline interpolated)", interpolated(t, r)) for r in (60.0, 100.0, 250.0)]
        for lab, tv in variants:
            row(f"{k.split(' (')[0]} @ {lab}", refs[k], detect_marker_contacts(tv).contacts)

    print("\n## Marker noise (white Gaussian, per coordinate and frame, 3 seeds pooled)\n")
    print("| recording + noise | force contacts | marker contacts (3 seeds) | matched | IC mean SD [LoA] MAE | TO mean SD [LoA] MAE | CT mean SD [LoA] MAE |")
    print("|---|---|---|---|---|---|---|")
    for k, t in trials.items():
        for sd in (0.5, 1.0, 2.0):
            es, n_est = [], []
            for s in range(3):
                try:
                    est = detect_marker_contacts(noisy(t, sd, s)).contacts
                except NoValidResultError:
                    est = refs[k].iloc[:0]
                es.append(errors(refs[k], est))
                n_est.append(len(est))
            e = {q: np.concatenate([x[q] for x in es]) for q in ("IC", "TO", "CT")}
            found = "/".join(str(n) for n in n_est)
            print(f"| {k.split(' (')[0]} + {sd} mm | {len(refs[k])} | {found} | {len(e['IC'])} of {3 * len(refs[k])} | " + " | ".join(stats(e[q]) for q in ("IC", "TO", "CT")) + " |")

    print("\n## Fewer foot markers (RBDS001 3.5 m/s, the others removed; static trial kept)\n")
    table_head("foot markers kept")
    k35 = "RBDS001 3.5 m/s (treadmill, 150 Hz)"
    for keep in (("heel_top", "mt1", "mt5"), ("mt1", "mt5"), ("heel_bottom", "mt2"), ("heel_bottom", "heel_top", "heel_lat"), ("heel_lat",)):
        sub = only_feet(trials[k35], keep)
        label = " + ".join(keep)
        try:
            row(label, refs[k35], detect_marker_contacts(sub).contacts)
        except NoValidResultError as e:
            print(f"| {label} | {len(refs[k35])} | refused: {e} | | | | |")

    print("\n## The two constants (all three recordings pooled)\n")
    print("| contact_clearance_mm | toe_off_angle_deg | matched | IC mean SD [LoA] MAE | TO mean SD [LoA] MAE | CT mean SD [LoA] MAE |")
    print("|---|---|---|---|---|---|")
    for clear, ang in ((3.0, 10.0), (4.0, 10.0), (5.0, 10.0), (6.0, 10.0), (8.0, 10.0), (5.0, 5.0), (5.0, 15.0), (5.0, 20.0)):
        es = [errors(refs[k], detect_marker_contacts(t, contact_clearance_mm=clear, toe_off_angle_deg=ang).contacts) for k, t in trials.items()]
        e = {q: np.concatenate([x[q] for x in es]) for q in ("IC", "TO", "CT")}
        print(f"| {clear:g} | {ang:g} | {len(e['IC'])} | " + " | ".join(stats(e[q]) for q in ("IC", "TO", "CT")) + " |")

    print("\n## Handsaker et al. (2016) features as published (our implementation), same contacts")
    print("(RBDS001 has no hallux marker: its toe-off uses the most distal metatarsal marker instead)\n")
    table_head("recording @ rate")
    for k, t in trials.items():
        for lab, tv in (("native", t), ("every 2nd frame", decimated(t, 2)), ("every 3rd frame", decimated(t, 3))):
            ours = detect_marker_contacts(tv).contacts
            row(f"{k.split(' (')[0]} @ {lab}", refs[k], handsaker_as_published(tv, ours))

    print("\n## Running Injury Clinic trial (heel-counter clusters + static only, no forces): plausibility\n")
    ric_plausibility()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
