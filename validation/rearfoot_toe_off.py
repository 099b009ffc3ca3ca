"""Where the Fukuchi rearfoot strikers' markers-only toe-off error comes from, and what fixes it.

Run: PYTHONPATH=src .venv/bin/python validation/rearfoot_toe_off.py   (needs ../shared/data; ~2 min)

Every force-plate contact of the corpus (validation/corpus.py) that the marker detector finds is
kept. Printed, as markdown:

1. **The reference**: per lab and strike pattern, the plate's noise while unloaded (SD of the
   filtered vertical force below 20 N in the 40 ms after toe-off), its residual offset, the force's
   slope at the 20 N toe-off, the timing jitter these give (noise / slope), and how far toe-off moves
   with a 10 N, 50 N, 2% and 5% of body-weight threshold (body weight: mean force over the trial).
2. **The error's structure**, shipped detector with the virtual points allowed to decide toe-off
   (``measured_toe_off=False``, the rule before this follow-up) and without (the default now):
   per runner, speed and side (mean, SD, MAE); the spread between feet against the spread within a
   foot; by speed; by side; by the landmark that decided.
3. **The virtual second metatarsal head**: Fukuchi's running trials have no MT2 marker; it is
   reconstructed from the standing trial by a rigid fit of the foot's markers
   (``stridelab.kinematics.virtual``). Per foot: the lowest height in stance (2nd percentile) of the
   foot model's point for each MT marker (``stridelab.events.foot_model``: the sole under a marker
   more than 3 cm above the sole is placed with the rear foot's pose) above
   the floor (the lowest of the heel marker's 2nd-percentile heights), against the measured MT1/MT5.
4. **The toe-off angle held out** (the shipped detector: heel impact and toe segment on): angle grid
   x virtual points allowed to decide or not; per held-out runner the setting with the lowest mean
   over the training labs of their TO mean absolute error is applied to the held-out contacts. The
   angle acts only on feet without a toe marker, i.e. on the Fukuchi runners (the other labs' toe-off
   comes from the toe segment), so the other labs tie and a lab held out cannot choose it.
5. **Other metatarsal-only rules held out**: toe-off when the mean height of the MT1/MT5 markers over
   their stance level (or the lowest / highest of the measured MT markers, or MT1 / MT5 alone) first
   exceeds c mm after mid-stance, c = 4-40 mm, and when the rear-foot-to-forefoot line has pitched
   by 6-60 deg; the other labs' feet are used with their metatarsal markers only (their toe
   markers left out), so that a lab-held-out choice has something to learn from.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DATA, TOL_S, cases  # noqa: E402

ANGLES_DEG = (5.0, 7.5, 10.0, 12.5, 15.0)
RULE_MM = tuple(float(c) for c in range(4, 42, 2))
PITCH_PER_MM = 1.5  # pitch thresholds: 1.5 x RULE_MM deg (6-61.5)
SEARCH_AFTER_S = 0.1


def _to_at(t: np.ndarray, fz: np.ndarray, i_to: int, thr: float) -> float:
    """Last down-crossing of ``thr`` within [-80, +30] ms of sample ``i_to`` (NaN if none)."""
    dt = float(t[1] - t[0])
    lo, hi = max(0, i_to - int(0.08 / dt)), min(len(t), i_to + int(0.03 / dt))
    x, tt = fz[lo:hi], t[lo:hi]
    above = x > thr
    d = np.flatnonzero(above[:-1] & ~above[1:])
    if not d.size:
        return float("nan")
    q = int(d[-1])
    return float(tt[q] + (x[q] - thr) / (x[q] - x[q + 1]) * (tt[q + 1] - tt[q]))


def _first_cross(t: np.ndarray, s: np.ndarray, i: int, iend: int, c: float) -> float:
    for j in range(i, iend):
        if s[j] <= c < s[j + 1]:
            return float(t[j] + (c - s[j]) / (s[j + 1] - s[j]) * (t[j + 1] - t[j]))
    return float("nan")


def _rule_times(t: np.ndarray, pos: np.ndarray, labels: list[str], fwd: np.ndarray, fl: float, ic: float, to: float) -> dict[str, float]:
    """Toe-off of the section-5 rules for one contact (marker-detected ``ic``/``to`` anchor the search)."""
    from stridelab.model.axes import UP

    mts = [i for i, lab in enumerate(labels) if lab[2:] in ("mt1", "mt2", "mt5")]
    out: dict[str, float] = {}
    if not mts:
        return out
    heel = [i for i in range(len(labels)) if fwd[i] < 0.5 * fl]
    i0, i1 = (int(v) for v in np.searchsorted(t, [ic, to]))
    a, b = i0, i0 + int(0.6 * (i1 - i0))
    z = pos[:, mts, UP]
    with np.errstate(all="ignore"):
        zmin = np.nanmin(z[i0 : i1 + 1], axis=0)
        ref = np.array([np.nanmedian(z[a:b, k][(z[a:b, k] - zmin[k]) < 0.005]) for k in range(len(mts))])
        c = (z - ref) * 1000
        names = [labels[k][2:] for k in mts]
        sig: dict[str, np.ndarray | None] = {
            "mean": np.nanmean(c[:, [names.index(n) for n in names if n in ("mt1", "mt5")]], axis=1) if {"mt1", "mt5"} & set(names) else None,
            "lowest": np.nanmin(c, axis=1),
            "highest": np.nanmax(c, axis=1),
            "mt1": c[:, names.index("mt1")] if "mt1" in names else None,
            "mt5": c[:, names.index("mt5")] if "mt5" in names else None,
        }
        if heel:
            d = np.nanmean(pos[:, mts, :], axis=1) - np.nanmean(pos[:, heel, :], axis=1)
            pitch = -np.degrees(np.arctan2(d[:, 2], np.hypot(d[:, 0], d[:, 1])))
            sig["pitch"] = pitch - np.nanmedian(pitch[a:b])
    mid = (i0 + i1) // 2
    iend = min(len(t) - 2, int(np.searchsorted(t, to + SEARCH_AFTER_S)))
    for rule, s in sig.items():
        for mm in RULE_MM:
            thr = mm * PITCH_PER_MM if rule == "pitch" else mm
            out[f"{rule} {thr:g}"] = float("nan") if s is None else _first_cross(t, s, mid, iend, thr)
    return out


def collect() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(contacts, feet): one row per matched plate contact, one per foot and trial."""
    import stridelab as sl
    from stridelab.events.foot_model import build_foot_model
    from stridelab.events.forceplate import detect_force_contacts
    from stridelab.events.markers import detect_marker_contacts
    from stridelab.kinematics.virtual import prepare_markers
    from stridelab.model.axes import UP
    from stridelab.model.trial import MarkerData, Trial

    rows: list[dict[str, object]] = []
    feet: list[dict[str, object]] = []
    for c in cases():
        tr = sl.read(c.path, static=c.static if c.static and c.static.is_file() else None, forces=c.forces)
        if not tr.forceplates or tr.markers is None:
            continue
        prepare_markers(tr)
        fe = detect_force_contacts(tr)
        ref, tf, fz = fe.contacts, fe.time_s, fe.fz_n
        bw = float(np.mean(fz))
        virtual = set(tr.provenance.extra.get("virtual_markers", {}))
        ests = {v: detect_marker_contacts(tr, measured_toe_off=v).contacts for v in (False, True)}
        alone = {
            (ang, v): detect_marker_contacts(tr, toe_off_angle_deg=ang, measured_toe_off=v).contacts
            for ang in ANGLES_DEG
            for v in (False, True)
        }
        # section 5: the feet with their metatarsal (and heel) markers only
        mk = tr.markers
        keep = [i for i, n in enumerate(mk.names) if not n[2:].startswith(("toe", "forefoot", "foot_c", "midfoot"))]
        mt_only = Trial(markers=MarkerData(mk.positions_m[:, keep], [mk.names[i] for i in keep], [mk.original_names[i] for i in keep], mk.rate_hz, mk.time_s))
        t = mk.time_s
        dt_f = float(tf[1] - tf[0])
        for side in ("left", "right"):
            model, _ = build_foot_model(mt_only, side)
            if model is None:
                continue
            pos = model.positions(mt_only.markers)  # type: ignore[arg-type]
            low = np.nanpercentile(pos[:, :, UP], 2, axis=0)
            floor = float(np.nanmin(low[[k for k, lab in enumerate(model.labels) if "heel" in lab]])) if any("heel" in lab for lab in model.labels) else float(np.nanmin(low))
            feet.append(
                {"lab": c.lab, "trial": c.label, "side": side, "strike": c.strike.get(side, "-"), **{f"{lab[2:]}_mm": round(float(low[k] - floor) * 1000, 1) for k, lab in enumerate(model.labels) if lab[2:] in ("mt1", "mt2", "mt5")}, "virtual": ",".join(sorted(n[2:] for n in model.labels if n in virtual))}
            )
            e_new = ests[True][ests[True]["side"] == side]
            if e_new.empty:
                continue
            for r in ref[ref["side"] == side].itertuples():
                j = int(np.argmin(np.abs(e_new["ic_s"].to_numpy() - r.ic_s)))
                if abs(float(e_new["ic_s"].iloc[j]) - r.ic_s) >= TOL_S:
                    continue
                row: dict[str, object] = {"lab": c.lab, "runner": c.runner, "trial": c.label, "side": side, "strike": c.strike.get(side, "-"), "ref_ic": r.ic_s, "ref_to": r.to_s}
                for v, e in ests.items():
                    e = e[e["side"] == side]
                    k = int(np.argmin(np.abs(e["ic_s"].to_numpy() - r.ic_s))) if len(e) else -1
                    ok = k >= 0 and abs(float(e["ic_s"].iloc[k]) - r.ic_s) < TOL_S
                    row[f"ic {v}"] = float(e["ic_s"].iloc[k]) if ok else np.nan
                    row[f"to {v}"] = float(e["to_s"].iloc[k]) if ok else np.nan
                    row[f"lm {v}"] = str(e["to_landmark"].iloc[k]) if ok else "-"
                for (ang, v), e in alone.items():
                    e = e[e["side"] == side]
                    k = int(np.argmin(np.abs(e["ic_s"].to_numpy() - r.ic_s))) if len(e) else -1
                    ok = k >= 0 and abs(float(e["ic_s"].iloc[k]) - r.ic_s) < TOL_S
                    row[f"alone {ang:g} {v}"] = float(e["to_s"].iloc[k]) if ok else np.nan
                    row[f"alone ic {ang:g} {v}"] = float(e["ic_s"].iloc[k]) if ok else np.nan
                i_to = int(np.searchsorted(tf, r.to_s))
                w = fz[i_to : i_to + int(0.04 / dt_f)]
                fl_ = w[w < 20.0]
                k2 = max(1, int(round(0.002 / dt_f)))
                row.update(
                    bw_n=bw,
                    noise_n=float(np.std(fl_)) if fl_.size > 3 else np.nan,
                    offset_n=float(np.mean(fl_)) if fl_.size > 3 else np.nan,
                    slope_n_per_ms=float((fz[i_to - k2] - fz[i_to + k2]) / ((tf[i_to + k2] - tf[i_to - k2]) * 1000)),
                    **{f"to_{name}": _to_at(tf, fz, i_to, thr) for name, thr in (("10n", 10.0), ("50n", 50.0), ("2bw", 0.02 * bw), ("5bw", 0.05 * bw))},
                )
                row.update(_rule_times(t, pos, model.labels, model.forward_m, float(model.foot_length_m or 0.25), float(e_new["ic_s"].iloc[j]), float(e_new["to_s"].iloc[j])))
                rows.append(row)
        print(f"{c.label}: done", file=sys.stderr)
    return pd.DataFrame(rows), pd.DataFrame(feet)


def _group(d: pd.DataFrame) -> pd.Series:
    return pd.Series(np.where(d["lab"] == "fukuchi2017", "fukuchi2017 " + d["strike"].astype(str), d["lab"]), index=d.index)


def _err(d: pd.DataFrame, col: str) -> pd.Series:
    return (d[col] - d["ref_to"]) * 1000


def _cell(e: pd.Series, ct: pd.Series | None = None) -> str:
    e = e.dropna()
    if e.empty:
        return "-"
    s = f"{e.abs().mean():.1f} ({e.mean():+.1f})"
    if ct is not None and ct.notna().sum() > 1:
        ct = ct.dropna()
        s += f" [{ct.mean() - 1.96 * ct.std():+.0f}, {ct.mean() + 1.96 * ct.std():+.0f}]"
    return s


def _score(d: pd.DataFrame, col: str) -> float:
    """Mean over the labs of each lab's TO mean absolute error (inf when > 2% of a lab's contacts lack one)."""
    s = []
    for _, dd in d.groupby("lab"):
        e = _err(dd, col)
        if e.isna().mean() > 0.02:
            return float("inf")
        s.append(float(e.abs().mean()))
    return float(np.mean(s)) if s else float("inf")


def _held_out(df: pd.DataFrame, cands: list[str], key: str, only: pd.Series | None = None) -> tuple[pd.Series, dict[str, str]]:
    """Held-out TO times: for each value of ``key`` the candidate best on the other rows."""
    held = pd.Series(np.nan, index=df.index)
    chosen: dict[str, str] = {}
    for v in df[key].unique():
        if only is not None and not only[df[key] == v].any():
            continue
        te = df[key] == v
        best = min(cands, key=lambda c: _score(df[~te], c))
        chosen[str(v)] = best
        held[te] = df.loc[te, best]
    return held, chosen


def main() -> int:
    if not DATA.is_dir():
        print(f"no data folder {DATA}", file=sys.stderr)
        return 1
    df, feet = collect()
    df["group"] = _group(df)
    fk = df[df["lab"] == "fukuchi2017"]
    rear = fk[fk["strike"] == "Rearfoot"]

    print("## 1. The force-plate reference at toe-off\n")
    print("| group | contacts | body weight N | noise SD N | offset N | slope at 20 N, N/ms | jitter ms | TO shift 10 N / 50 N / 2% BW / 5% BW, ms |")
    print("|---|---|---|---|---|---|---|---|")
    for g, d in df.groupby("group"):
        sh = " / ".join(f"{((d[c] - d['ref_to']) * 1000).mean():+.1f}" for c in ("to_10n", "to_50n", "to_2bw", "to_5bw"))
        jit = (d["noise_n"] / d["slope_n_per_ms"]).median()
        print(f"| {g} | {len(d)} | {d['bw_n'].median():.0f} | {d['noise_n'].median():.1f} | {d['offset_n'].median():+.1f} | {d['slope_n_per_ms'].median():.2f} | {jit:.1f} | {sh} |")
    print()
    for c in ("to_10n", "to_50n", "to_2bw", "to_5bw"):
        print(f"- Fukuchi rearfoot, reference at {c[3:]}: TO MAE {(rear['to False'] - rear[c]).abs().mean() * 1000:.1f} ms before, {(rear['to True'] - rear[c]).abs().mean() * 1000:.1f} ms now (20 N: {_err(rear, 'to False').abs().mean():.1f} / {_err(rear, 'to True').abs().mean():.1f})")

    print("\n## 2. Fukuchi rearfoot strikers: the error's structure (before: virtual points decide too; now: measured only)\n")
    print("| trial | side | contacts | before: TO mean ± SD, MAE | decided by (before) | now: TO mean ± SD, MAE | decided by (now) |")
    print("|---|---|---|---|---|---|---|")
    for (trial, side), d in rear.groupby(["trial", "side"]):
        cells = []
        for v in (False, True):
            e = _err(d, f"to {v}")
            cells.append(f"{e.mean():+.1f} ± {e.std():.1f}, {e.abs().mean():.1f}")
            cells.append(", ".join(f"{k[2:]} {n}" for k, n in d[f"lm {v}"].value_counts().items()))
        print(f"| {trial} | {side} | {len(d)} | " + " | ".join(cells) + " |")
    for v, what in ((False, "before"), (True, "now")):
        e = _err(rear, f"to {v}")
        foot_mean = e.groupby([rear["trial"], rear["side"]]).transform("mean")
        print(
            f"\n{what}: MAE {e.abs().mean():.2f} ms (mean {e.mean():+.1f}, SD {e.std():.1f}); SD of the per-foot means {e.groupby([rear['trial'], rear['side']]).mean().std():.1f} ms, "
            f"SD within a foot {(e - foot_mean).std():.1f} ms; "
            + "; ".join(f"{sp} m/s {_err(d, f'to {v}').abs().mean():.1f}" for sp, d in rear.groupby(rear["trial"].str.extract(r"(\d\.\d) m/s")[0]))
            + "; "
            + "; ".join(f"{s} {_err(d, f'to {v}').abs().mean():.1f}" for s, d in rear.groupby("side"))
        )

    print("\n## 3. Lowest stance height of the metatarsal points above the floor (mm; virtual = reconstructed from the standing trial)\n")
    print("| trial | side | strike | MT1 | MT2 | MT5 | virtual |")
    print("|---|---|---|---|---|---|---|")
    for r in feet[feet["lab"] == "fukuchi2017"].itertuples():
        print(f"| {r.trial} | {r.side} | {r.strike} | {getattr(r, 'mt1_mm', np.nan):.1f} | {getattr(r, 'mt2_mm', np.nan):.1f} | {getattr(r, 'mt5_mm', np.nan):.1f} | {r.virtual or '-'} |")

    print("\n## 4. The toe-off angle held out (shipped detector)\n")
    cands = [f"alone {a:g} {v}" for a in ANGLES_DEG for v in (False, True)]
    df["runner_id"] = df["lab"] + ":" + df["runner"]
    for key, what in (("runner_id", "leave one runner out"),):
        held, chosen = _held_out(df, cands, key)
        counts = pd.Series(list(chosen.values())).value_counts().to_dict()
        listed = ", ".join(f"{k.replace('alone ', '')} x{n}" for k, n in counts.items())
        print(f"**{what}** (choices: {listed}; 'True' = measured points only)\n")
        print("| group | TO MAE (mean) [CT 95% LoA] held out | before (10 deg, virtual decide) | now (10 deg, measured only) |")
        print("|---|---|---|---|")
        for g, d in df.groupby("group"):
            ic = (d["alone ic 10 True"] - d["ref_ic"]) * 1000
            h = (held[d.index] - d["ref_to"]) * 1000
            b = _err(d, "alone 10 False")
            n = _err(d, "alone 10 True")
            ic_b = (d["alone ic 10 False"] - d["ref_ic"]) * 1000
            print(f"| {g} | {_cell(h, h - ic)} | {_cell(b, b - ic_b)} | {_cell(n, n - ic)} |")
        print()

    print("## 5. Other metatarsal-only rules, held out (other labs with their MT markers only)\n")
    rules = [c for c in df.columns if isinstance(c, str) and c.split(" ")[0] in ("mean", "lowest", "highest", "mt1", "mt5", "pitch")]
    ship = "to True"
    allc = [*rules]
    fk = df[df["lab"] == "fukuchi2017"]
    best_fk = min(allc, key=lambda c: _score(fk, c))
    print(f"best on the Fukuchi runners alone: `{best_fk}` ({_score(fk, best_fk):.2f} ms, mean of the lab); per other lab alone: "
          + ", ".join(f"{lab} `{min(allc, key=lambda c: _score(d, c))}`" for lab, d in df[df['lab'] != 'fukuchi2017'].groupby("lab")) + "\n")
    held_r, ch_r = _held_out(fk, allc, "runner")
    held_l, ch_l = _held_out(df, allc, "lab")
    print(f"leave one Fukuchi runner out (trained on the other Fukuchi runners): {', '.join(f'`{k}` x{n}' for k, n in pd.Series(list(ch_r.values())).value_counts().items())}; "
          f"holding out the Fukuchi lab (trained on the other three labs' metatarsal markers): `{ch_l.get('fukuchi2017')}`\n")
    print("| Fukuchi group | TO MAE (mean) [CT LoA] leave one runner out | leave one lab out | shipped now (measured only) |")
    print("|---|---|---|---|")
    for g, d in fk.groupby("strike"):
        ic = (d["ic True"] - d["ref_ic"]) * 1000
        hr = (held_r[d.index] - d["ref_to"]) * 1000
        hl = (held_l[d.index] - d["ref_to"]) * 1000
        s = _err(d, ship)
        print(f"| {g} | {_cell(hr, hr - ic)} | {_cell(hl, hl - ic)} | {_cell(s, s - ic)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
