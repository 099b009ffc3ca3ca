"""Force-plate contact events drawn on the vertical force, for checking by eye.

Run: .venv/bin/python validation/forceplate_plots.py  (needs ../shared/data)

Writes docs/img/forceplate_events_<recording>.png for every recording in ../shared/data with
forces: the vertical ground reaction force (offset removed, 50 Hz low-pass, as the detector
uses it) with each detected contact shaded by side, initial contact and toe-off marked, the
20 N threshold, and (treadmill) contact time and cadence of every step over the whole trial.
Prints the numbers the plots show.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import stridelab as sl  # noqa: E402
from stridelab.analysis import AnalysisOptions, analyze  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "mocap"
OUT = ROOT / "docs" / "img"
COLOURS = {"left": "tab:blue", "right": "tab:orange"}


def plot(name: str, trial: sl.Trial, window_s: tuple[float, float] | None) -> None:
    res = analyze(trial, AnalysisOptions(events_from="forces"))
    t, fz = res.events.signals["vertical_force"]
    c, steps = res.contacts, res.steps
    treadmill = len(c) > 4
    fig, axes = plt.subplots(2 if treadmill else 1, 1, figsize=(11, 6.5 if treadmill else 3.8), squeeze=False)
    ax = axes[0, 0]
    a, b = window_s if window_s else (float(t[0]), float(t[-1]))
    m = (t >= a) & (t <= b)
    ax.plot(t[m], fz[m], color="black", lw=0.8)
    ax.axhline(20.0, color="grey", lw=0.6, ls="--")
    for r in c.itertuples():
        if r.to_s < a or r.ic_s > b:
            continue
        ax.axvspan(r.ic_s, r.to_s, color=COLOURS[str(r.side)], alpha=0.25, lw=0)
        ax.axvline(r.ic_s, color=COLOURS[str(r.side)], lw=0.8)
        ax.axvline(r.to_s, color=COLOURS[str(r.side)], lw=0.8, ls=":")
        ax.text(0.5 * (r.ic_s + r.to_s), ax.get_ylim()[1] if False else float(np.nanmax(fz[m])) * 1.02, f"{str(r.side)[0].upper()} {1000 * (r.to_s - r.ic_s):.0f}", ha="center", fontsize=7)
    ax.set_xlim(a, b)
    ax.set_xlabel("time (s, file time axis)")
    ax.set_ylabel("vertical force (N)")
    cad = res.summary.get("cadence_spm")
    gct = res.summary.get("gct_ms")
    title = f"{name}: {len(c)} contacts; median contact time {gct:.0f} ms" if gct else f"{name}: {len(c)} contacts"
    title += f"; cadence {cad:.1f} steps/min" if cad else "; cadence: n/a (one contact)"
    ax.set_title(title + "\nshaded: contact (blue left, orange right), solid line IC, dotted TO, dashed 20 N; numbers: side and contact time (ms)", fontsize=9)
    if treadmill:
        ax2 = axes[1, 0]
        for side in ("left", "right"):
            s = steps[steps["side"] == side]
            ax2.plot(s["ic_s"], s["gct_ms"], "o", ms=3, color=COLOURS[side], label=f"{side} contact time (ms)")
        ax3 = ax2.twinx()
        ax3.plot(steps["ic_s"], steps["cadence_spm"], "-", color="green", lw=0.8, label="cadence (steps/min)")
        ax3.set_ylabel("cadence (steps/min)", color="green")
        ax2.set_ylabel("contact time (ms)")
        ax2.set_xlabel("time (s)")
        ax2.legend(loc="lower left", fontsize=7)
        ax3.legend(loc="lower right", fontsize=7)
        ax2.set_title("every step of the trial", fontsize=9)
    fig.tight_layout()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"forceplate_events_{name}.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    gct_all = (c["to_s"] - c["ic_s"]) * 1000
    print(f"{name}: {len(c)} contacts (left {int((c['side'] == 'left').sum())}, right {int((c['side'] == 'right').sum())}); "
          f"contact time {gct_all.min():.0f}-{gct_all.max():.0f} ms (median {gct_all.median():.0f}); "
          f"cadence {cad if cad is None else round(cad, 1)} steps/min; rejected {len(res.events.rejected)}; -> {path.relative_to(ROOT)}")


def main() -> int:
    f = DATA / "fukuchi2017"
    plot("RBDS001_2.5mps", sl.read(f / "RBDS001runT25markers.txt", forces=f / "RBDS001runT25forces.txt", static=f / "RBDS001static.c3d"), (10.0, 13.0))
    plot("RBDS001_3.5mps", sl.read(f / "RBDS001runT35.c3d", static=f / "RBDS001static.c3d"), (10.0, 13.0))
    plot("Running_0002_overground", sl.read(DATA / "pyorerun" / "Running_0002.c3d"), None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
