"""FIT validation: stridelab's values against the averages the watch itself stored in the file.

For every FIT file given (default: the real files in ../shared/data/wearable/fit) and every session
and lap in it, the watch's own stored averages are decoded with the official garmin-fit-sdk
decoder (independently of stridelab's vectorised decoder) and compared with

* ``ours_mean``: stridelab's normalised per-record values averaged over the same span the way a
  watch does (time-weighted mean of the records that carry the field; zeros = not measured), which
  checks decoding, units and the strides->steps rule;
* ``ours_summary``: stridelab's reported summary (time-weighted median over *running* records,
  implausible values left out), which is expected to differ a little from the watch's mean.

Fields absent from a file are skipped, so the script runs on any watch's files:

    .venv/bin/python validation/fit_summaries.py [FILE.fit ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "wearable" / "fit"

# watch field -> (our column, factor applied to the watch value)
FIELDS = {
    "avg_cadence_spm": ("cadence_spm", None),
    "avg_stance_time": ("gct_ms", 1.0),
    "avg_vertical_oscillation": ("vertical_oscillation_cm", 0.1),
    "avg_vertical_ratio": ("vertical_ratio_pct", 1.0),
    "avg_stance_time_balance": ("gct_balance_left_pct", 1.0),
    "avg_step_length": ("step_length_m", 1e-3),
    "enhanced_avg_speed": ("speed_mps", 1.0),
    "avg_power": ("power_w", 1.0),
    "avg_heart_rate": ("heart_rate_bpm", 1.0),
}


def watch_values(mesg: dict) -> dict[str, float]:
    out = {}
    for k, (_col, f) in FIELDS.items():
        if k == "avg_cadence_spm":
            c = mesg.get("avg_running_cadence", mesg.get("avg_cadence"))
            if c is not None:
                out[k] = 2.0 * (c + (mesg.get("avg_fractional_cadence") or 0.0))
        elif mesg.get(k if k != "enhanced_avg_speed" else "enhanced_avg_speed", None) is not None:
            out[k] = float(mesg[k]) * float(f or 1.0)
        elif k == "enhanced_avg_speed" and mesg.get("avg_speed") is not None:
            out[k] = float(mesg["avg_speed"])
    return out


def main(paths: list[Path]) -> int:
    from garmin_fit_sdk import Decoder, Stream

    from stridelab.analysis import analyze
    from stridelab.errors import StridelabError
    from stridelab.io import read_trial
    from stridelab.metrics.records import derive, record_weights

    rows = []
    for p in paths:
        msgs, _ = Decoder(Stream.from_file(str(p))).read(convert_datetimes_to_dates=False)
        try:
            trial = read_trial(p)
            a = analyze(trial)
        except StridelabError as e:
            print(f"{p.name}: skipped ({e.message})")
            continue
        assert trial.records is not None
        table, _ = derive(trial.records, trial.provenance.extra["fit"]["sources"])
        t = table["time_s"].to_numpy(float)
        w = record_weights(t)
        t0 = float(trial.provenance.extra["fit"].get("t0_fit_s", 0.0))
        for scope, key in (("session", "session_mesgs"), ("lap", "lap_mesgs")):
            for i, m in enumerate(msgs.get(key, [])):
                if m.get("sport") not in (None, "running"):
                    continue
                start = m.get("start_time")
                end = start + m["total_elapsed_time"] if start is not None and m.get("total_elapsed_time") is not None else None
                if start is None or end is None:
                    continue
                sel = (t >= start - t0) & (t <= end - t0)
                for field, watch in watch_values(m).items():
                    col = FIELDS[field][0]
                    if col not in table:
                        continue
                    v = table[col].to_numpy(float)
                    ok = sel & np.isfinite(v) & (v != 0)
                    if not ok.any():
                        continue
                    ours = float(np.average(v[ok], weights=np.maximum(w[ok], 1e-9)))
                    summ = a.summary.get(col) if scope == "session" else None
                    rows.append((p.name, f"{scope} {i + 1}", col, watch, ours, summ))
    if not rows:
        print("no running FIT file with stored averages")
        return 1
    print(f"{'file':34s} {'scope':10s} {'metric':26s} {'watch':>9s} {'ours_mean':>10s} {'diff':>8s} {'diff%':>7s} {'ours_summary':>12s}")
    for f, s, c, wv, ov, sv in rows:
        d = ov - wv
        print(f"{f:34s} {s:10s} {c:26s} {wv:9.2f} {ov:10.2f} {d:8.2f} {100 * d / wv:7.2f} {f'{sv:.2f}' if sv is not None else '-':>12s}")
    print("\nper metric over all sessions and laps: n, mean |diff|, mean |diff| %, max |diff| %")
    for c in sorted({r[2] for r in rows}):
        d = np.array([r[4] - r[3] for r in rows if r[2] == c])
        pct = np.array([100 * (r[4] - r[3]) / r[3] for r in rows if r[2] == c])
        print(f"  {c:26s} n={len(d):2d}  {np.mean(np.abs(d)):7.3f}  {np.mean(np.abs(pct)):6.2f}%  {np.max(np.abs(pct)):6.2f}%")
    return 0


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]] or sorted(DEFAULT.glob("*.fit"))
    sys.exit(main(args))
