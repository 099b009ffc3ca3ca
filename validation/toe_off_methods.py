"""Published toe-off methods from markers, on every corpus runner and lab, chosen held out.

Run: PYTHONPATH=src .venv/bin/python validation/toe_off_methods.py [--cache FILE]   (needs ../shared/data; ~2 min)

Every force-plate contact of the corpus (validation/corpus.py) that the shipped marker detector
(``handsaker2016_clearance``) finds is kept with its plate IC/TO and the detector's IC; toe-off is
then re-estimated within the contact (from mid-stance to 100 ms after the shipped toe-off) by the
rules of :mod:`stridelab.events.toe_off`, on the foot's forefoot points (``stridelab.events.foot_model``:
points more than half a foot length ahead of the heel):

* ``shipped``: the clearance rule of ``stridelab.events.markers`` (5 mm + d sin 10 deg);
* ``vel>T front|last``: Leitch 2011 foot velocity, upward velocity above T m/s (0.1-1.2) of the
  front-most forefoot point, or the last forefoot point to cross (low-passed at 20 Hz);
* ``acc fc``: Handsaker 2016 / Maiwald 2009, peak upward acceleration of the front-most forefoot
  point (low-passed at fc = 15 or 25 Hz);
* ``zeni``: Zeni 2008 / Alvim 2015, most posterior position of the front-most forefoot point
  relative to the pelvis marker centre (low-passed at 20 Hz; searched up to 250 ms after the
  shipped toe-off);
* each also ``+bias``: minus the mean error of the training contacts (a fitted constant).

Choice, held out: for each held-out runner (then each held-out lab) the candidate with the lowest
score on all the *other* contacts is chosen (score: mean over the training labs of each lab's TO mean
absolute error, so that one lab's 2400 Fukuchi contacts do not decide alone; ``+bias`` constants are
fitted on the training contacts too) and applied to the held-out contacts. Contact time uses the
shipped IC. Printed as markdown.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DATA, TOL_S, cases  # noqa: E402

VEL_MPS = (0.1, 0.2, 0.3, 0.5, 0.8, 1.2)
ACC_CUTOFF_HZ = (15.0, 25.0)
CUTOFF_HZ = 20.0
AFTER_S = 0.10
ZENI_AFTER_S = 0.25  # the foot's most posterior point comes well after toe-off in running


def _pelvis(mk: object) -> np.ndarray | None:
    names = [n for n in mk.names if any(k in n for k in ("asis", "psis", "sacrum"))]  # type: ignore[attr-defined]
    if not names:
        return None
    with np.errstate(all="ignore"):
        return np.asarray(np.nanmean(np.stack([mk[n] for n in names], axis=1), axis=1))  # type: ignore[index]


def collect() -> pd.DataFrame:
    import stridelab as sl
    from stridelab.errors import NoValidResultError
    from stridelab.events import toe_off as tof
    from stridelab.events.foot_model import build_foot_model
    from stridelab.events.forceplate import detect_force_contacts
    from stridelab.events.markers import detect_marker_contacts
    from stridelab.kinematics.virtual import prepare_markers
    from stridelab.model.axes import FORWARD, UP

    rows = []
    for c in cases():
        tr = sl.read(c.path, static=c.static if c.static and c.static.is_file() else None, forces=c.forces)
        if not tr.forceplates or tr.markers is None:
            continue
        prepare_markers(tr)
        ref = detect_force_contacts(tr).contacts
        try:
            est = detect_marker_contacts(tr, heel_impact=False, toe_segment=False, measured_toe_off=False).contacts  # the clearance rule alone, as documented (before validation/rearfoot_toe_off.py)
        except NoValidResultError:
            continue
        mk = tr.markers
        t = mk.time_s
        pel = _pelvis(mk)
        for side in ("left", "right"):
            model, _ = build_foot_model(tr, side)
            if model is None:
                continue
            pos = model.positions(mk)
            fl = model.foot_length_m
            fore = np.flatnonzero(model.forward_m > 0.5 * fl) if fl else np.arange(pos.shape[1])
            if not fore.size:
                continue
            front = int(fore[np.argmax(model.forward_m[fore])])
            z = {k: tof.lowpass(t, pos[:, k, UP], CUTOFF_HZ) for k in fore}
            vz = {k: tof.derivative(t, z[k]) for k in fore}
            az = {fc: tof.derivative(t, tof.derivative(t, tof.lowpass(t, pos[:, front, UP], fc))) for fc in ACC_CUTOFF_HZ}
            rel = None if pel is None else tof.lowpass(t, pos[:, front, FORWARD] - pel[:, FORWARD], CUTOFF_HZ)
            e = est[est["side"] == side]
            if e.empty:
                continue
            for r in ref[ref["side"] == side].itertuples():
                j = int(np.argmin(np.abs(e["ic_s"].to_numpy() - r.ic_s)))
                eic, eto = float(e["ic_s"].iloc[j]), float(e["to_s"].iloc[j])
                if abs(eic - r.ic_s) >= TOL_S:
                    continue
                a = int(np.searchsorted(t, eic + 0.5 * (eto - eic)))
                b = int(np.searchsorted(t, eto + AFTER_S))
                row: dict[str, object] = {
                    "lab": c.lab, "runner": f"{c.lab}:{c.runner}", "trial": c.label, "side": side,
                    "strike": c.strike.get(side, "-"), "rate_hz": mk.rate_hz,
                    "ref_ic": r.ic_s, "ref_to": r.to_s, "ic": eic, "shipped": eto,
                }
                for v in VEL_MPS:
                    row[f"vel>{v} front"] = tof.velocity_crossing(t, vz[front], a, b, v)
                    per = [tof.velocity_crossing(t, vz[k], a, b, v) for k in fore]
                    row[f"vel>{v} last"] = float(np.nanmax(per)) if np.isfinite(per).any() else np.nan
                for fc in ACC_CUTOFF_HZ:
                    row[f"acc {fc:.0f}"] = tof.peak_time(t, az[fc], a, b)
                if rel is not None:
                    # posterior = against the running direction: the foot is ahead of the pelvis at IC
                    i0 = int(np.searchsorted(t, eic))
                    ahead = np.sign(rel[min(i0, len(t) - 1)]) if np.isfinite(rel[min(i0, len(t) - 1)]) else 1.0
                    row["zeni"] = tof.peak_time(t, ahead * rel, a, int(np.searchsorted(t, eto + ZENI_AFTER_S)), largest=False)
                rows.append(row)
        print(f"{c.label}: done", file=sys.stderr)
    return pd.DataFrame(rows)


def _errs(df: pd.DataFrame, cand: str, bias_ms: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    to = (df[cand].to_numpy(dtype=float) - df["ref_to"].to_numpy(dtype=float)) * 1000.0 - bias_ms
    ct = to - (df["ic"].to_numpy(dtype=float) - df["ref_ic"].to_numpy(dtype=float)) * 1000.0
    return to, ct


def _score(df: pd.DataFrame, cand: str, bias_ms: float) -> float:
    per = []
    for _, g in df.groupby("lab"):
        to, _ = _errs(g, cand, bias_ms)
        to = to[np.isfinite(to)]
        if to.size < len(g) * 0.98:  # a rule that misses contacts is not a candidate
            return np.inf
        per.append(float(np.mean(np.abs(to))))
    return float(np.mean(per))


def _choose(train: pd.DataFrame, cands: list[str]) -> tuple[str, float]:
    best = ("shipped", 0.0, np.inf)
    for cand in cands:
        to, _ = _errs(train, cand)
        fin = to[np.isfinite(to)]
        for bias in (0.0, float(np.mean(fin)) if fin.size else 0.0):
            s = _score(train, cand, bias)
            if s < best[2]:
                best = (cand, bias, s)
    return best[0], best[1]


def _fmt(to: np.ndarray, ct: np.ndarray, n: int) -> str:
    ok = np.isfinite(to)
    to, ct = to[ok], ct[ok]
    if not to.size:
        return f"0/{n} | - | -"
    sd = float(np.std(ct, ddof=1)) if ct.size > 1 else 0.0
    m = float(np.mean(ct))
    return f"{to.size}/{n} | {np.mean(np.abs(to)):.1f} ({np.mean(to):+.1f}) | [{m - 1.96 * sd:+.0f}, {m + 1.96 * sd:+.0f}]"


def _groups(df: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    out = [(f"lab {lab}", g) for lab, g in df.groupby("lab")]
    fk = df[df["lab"] == "fukuchi2017"]
    out += [(f"fukuchi2017 {s}", g) for s, g in fk.groupby("strike") if s != "-"]
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, help="pickle of the per-contact table (written when absent)")
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"no data folder {DATA}", file=sys.stderr)
        return 1
    if args.cache and args.cache.is_file():
        df = pd.read_pickle(args.cache)
    else:
        df = collect()
        if args.cache:
            df.to_pickle(args.cache)
    cands = [c for c in df.columns if c == "shipped" or c.startswith(("vel>", "acc ", "zeni"))]
    groups = _groups(df)
    print("#### Each candidate on all contacts (no choice): TO MAE (mean) ms and contact-time 95% limits\n")
    print("| candidate | " + " | ".join(name for name, _ in groups) + " |")
    print("|---|" + "---|" * len(groups))
    for cand in cands:
        cells = []
        for _, g in groups:
            to, ct = _errs(g, cand)
            ok = np.isfinite(to)
            if not ok.any():
                cells.append(f"- 0/{len(g)}")
                continue
            sd = float(np.std(ct[ok], ddof=1)) if ok.sum() > 1 else 0.0
            m = float(np.mean(ct[ok])) if ok.any() else np.nan
            cells.append(f"{np.mean(np.abs(to[ok])):.1f} ({np.mean(to[ok]):+.1f}) [{m - 1.96 * sd:+.0f}, {m + 1.96 * sd:+.0f}] {ok.sum()}/{len(g)}")
        print(f"| {cand} | " + " | ".join(cells) + " |")
    for key, title in (("runner", "leave one runner out"), ("lab", "leave one lab out")):
        print(f"\n#### {title}\n")
        print("| held out | chosen (bias ms) | TO found | TO MAE (mean) chosen | CT 95% LoA chosen | TO MAE (mean) shipped | CT 95% LoA shipped |")
        print("|---|---|---|---|---|---|---|")
        held = []
        for name, g in df.groupby(key):
            cand, bias = _choose(df[df[key] != name], cands)
            to, ct = _errs(g, cand, bias)
            to0, ct0 = _errs(g, "shipped")
            g = g.assign(held_to=to, held_ct=ct)
            held.append(g)
            a, b = _fmt(to, ct, len(g)).split(" | ", 1)
            print(f"| {name} | {cand} ({bias:+.1f}) | {a} | {b} | {_fmt(to0, ct0, len(g)).split(' | ', 1)[1]} |")
        h = pd.concat(held)
        print(f"\nheld-out pooled ({title}):\n")
        print("| group | TO found | TO MAE (mean) held out | CT 95% LoA held out | TO MAE (mean) shipped | CT 95% LoA shipped |")
        print("|---|---|---|---|---|---|")
        for name, g in _groups(h):
            to0, ct0 = _errs(g, "shipped")
            a, b = _fmt(g["held_to"].to_numpy(), g["held_ct"].to_numpy(), len(g)).split(" | ", 1)
            print(f"| {name} | {a} | {b} | {_fmt(to0, ct0, len(g)).split(' | ', 1)[1]} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
