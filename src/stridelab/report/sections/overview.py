"""Summary: what was recorded, then one card per metric with left/right, spread and the published
ranges that apply at this speed (:mod:`stridelab.report.reference_ranges`)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from stridelab.metrics.catalog import CATALOG
from stridelab.report.blocks import card, fmt, pace_text, padded_domain, position_word, range_bar
from stridelab.report.reference_ranges import ranges_for
from stridelab.report.references import cite
from stridelab.report.section import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

#: (label, summary key, unit, format, one-line plain definition)
CARDS: tuple[tuple[str, str, str, str, str], ...] = tuple(
    (CATALOG[k].label, k, CATALOG[k].unit, CATALOG[k].fmt, CATALOG[k].plain)
    for k in ("cadence_spm", "gct_ms", "flight_ms", "duty_factor", "step_length_m", "speed_mps", "vertical_oscillation_cm", "vertical_ratio_pct", "gct_balance_left_pct")
)


#: Device values of watch files and foot pods: a card only when the recording has them.
DEVICE_CARDS: tuple[tuple[str, str, str, str, str], ...] = tuple(
    (CATALOG[k].label, k, CATALOG[k].unit, CATALOG[k].fmt, CATALOG[k].plain)
    for k in ("heart_rate_bpm", "power_w", "form_power_w", "leg_spring_stiffness_kn_m")
)

#: What a watch file's value of each metric is: the device's own value per record (about one second),
#: not a value per step; the card shows the time-weighted median over the running records.
RECORD_DEFINITIONS = {
    "cadence_spm": "The watch's cadence in each record (steps per minute, both feet), median over the running records.",
    "gct_ms": "The device's ground contact time in each record (its average over the steps in that record).",
    "flight_ms": "Step time minus contact time of each record (60000 / cadence - contact time).",
    "duty_factor": "Contact time as a share of the stride time, from each record's cadence and contact time.",
    "step_length_m": "The device's step length in each record (speed / cadence when it gives none).",
    "speed_mps": "The device's speed in each record.",
    "vertical_oscillation_cm": "The device's up-and-down travel of the trunk in each record.",
    "vertical_ratio_pct": "Each record's vertical oscillation as a share of its step length.",
    "gct_balance_left_pct": "The device's left share of the contact time in each record; 50% is even.",
    "heart_rate_bpm": "Heart beats per minute in each record.",
    "power_w": "The device's running power in each record (Garmin and Stryd compute it differently).",
    "form_power_w": "The device's form power in each record (Stryd: power spent moving up and down and sideways).",
    "leg_spring_stiffness_kn_m": "The device's leg spring stiffness in each record (Stryd).",
}


def _ref_block(key: str, value: float, speed: float | None, f: str, unit: str) -> str:
    refs = ranges_for(key, speed)
    if not refs:
        return ""
    rows = []
    domain = padded_domain([value] + [x for r in refs for x in (r.low, r.high)])
    for r in refs:
        bar = range_bar(value, [(r.low, r.high)], width=150, height=12, domain=domain)
        rows.append(
            f'<div title="{escape(r.population)}; {escape(r.speed_text)}; {escape(r.statistic)}">{bar}'
            f"{escape(r.short or r.population)}: {fmt(r.low, f)}–{fmt(r.high, f)} {cite(r.source)}</div>"
        )
    return (
        '<div class="ref">Published ranges (' + escape(unit or "value") + "; grey: the group, black: this runner):"
        + "".join(rows) + "</div>"
    )


def _sides(key: str, bs: dict[str, Any], f: str) -> str:
    """Left and right values of a card, only where the JSON's ``by_side`` has both."""
    lv, rv = bs.get("left", {}).get(key), bs.get("right", {}).get(key)
    if fmt(lv, f, "") == "" or fmt(rv, f, "") == "":
        return ""
    return (
        f'<div class="sides" data-lr="{escape(key)}"><span class="left">Left {fmt(lv, f)}</span> · '
        f'<span class="right">Right {fmt(rv, f)}</span></div>'
    )


def _pace(speed_mps: float) -> str:
    m, sec = divmod(round(1000.0 / speed_mps), 60)
    return f"{m}:{sec:02d}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def records_basis(analysis: Analysis) -> dict[str, Any] | None:
    """For a device's per-record data without foot contacts (a watch file): how many records,
    how many of them running, over how long, how many values flagged implausible; else None."""
    rec = analysis.trial.records
    if len(analysis.contacts) or rec is None or len(rec) == 0:
        return None
    state = rec["state"] if "state" in rec.columns else None
    running = int((state == "run").sum()) if state is not None else len(rec)
    t = rec["time_s"].to_numpy(dtype=float) if "time_s" in rec.columns else None
    span_min = float(t[-1] - t[0]) / 60.0 if t is not None and len(t) > 1 else 0.0
    flagged = int(rec["implausible"].astype(bool).sum()) if "implausible" in rec.columns else 0
    return {"n": len(rec), "running": running, "span_min": span_min, "implausible": flagged}


def facts(analysis: Analysis) -> str:
    """One plain sentence on what was recorded and how contacts were found."""
    tr = analysis.trial
    c = analysis.contacts
    rb = records_basis(analysis)
    if rb is not None:
        speed = analysis.summary.get("speed_mps")
        sp = f" at {speed:.2f} m/s ({pace_text(speed)})" if speed else ""
        return (
            f'<p class="facts">Running{sp}, from the device\'s own per-record values: {rb["running"]} of {rb["n"]} records '
            f"over {rb['span_min']:.0f} min are running (stops and walking are left out). There are no foot contacts "
            "in such a file, so values are time-weighted medians of the running records, and the spread is over the run.</p>"
        )
    n_steps = int(analysis.steps["next_ic_s"].notna().sum()) if len(analysis.steps) else 0
    speed = analysis.summary.get("speed_mps")
    env = {"treadmill": "on a treadmill", "overground": "overground"}.get(tr.environment, "")
    t0, t1 = (float(c["ic_s"].min()), float(c["to_s"].max())) if len(c) else (0.0, 0.0)
    how = {"forces": "the force plate (vertical force above 20 N)", "markers": "the foot markers", "imu": "the IMU signals",
         "video": "the foot keypoints of the video"}.get(
        analysis.events.source, escape(analysis.events.source)
    )
    sp = f" at {speed:.2f} m/s ({pace_text(speed)})" if speed else ""
    src = f" ({escape(analysis.speed_source)})" if speed and analysis.speed_source else ""
    where = " ".join(x for x in (env, sp.strip()) if x)
    what = f"Running {where}{src}. " if where else ""
    return (
        f'<p class="facts">{what}{_plural(len(c), "foot contact")} and {_plural(n_steps, "complete step")} between '
        f"{t0:.1f} s and {t1:.1f} s of the recording; contacts found from {how}. "
        "Values are medians over steps, so a single odd step does not move them.</p>"
    )


def highlights(analysis: Analysis) -> list[str]:
    s = analysis.summary
    speed = s.get("speed_mps")
    out = []
    n_steps = int(analysis.steps["next_ic_s"].notna().sum()) if len(analysis.steps) else 0
    parts = []
    if s.get("cadence_spm") is not None:
        parts.append(f"the runner took <b>{s['cadence_spm']:.0f} steps per minute</b>")
    if s.get("gct_ms") is not None:
        parts.append(f"each foot stayed on the ground for <b>{s['gct_ms']:.0f} ms</b>")
    if s.get("flight_ms") is not None:
        parts.append(f"both feet were off the ground for <b>{s['flight_ms']:.0f} ms</b> between steps")
    if parts:
        body = parts[0] if len(parts) == 1 else parts[0] + "; " + ", and ".join(parts[1:])
        sentence = (f"At {_pace(speed)} min/km ({speed:.2f} m/s) " if speed else "") + body
        sentence = sentence[0].upper() + sentence[1:]
        rb = records_basis(analysis)
        basis = (
            f"medians of {n_steps} steps" if n_steps
            else f"medians of {rb['running']} running records" if rb is not None
            else _plural(len(analysis.contacts), "contact")
        )
        out.append(f"{sentence} ({basis}).")
    # one comparison per metric, preferring the group compared on the most metrics (fewer, fuller sentences)
    applicable = {key: ranges_for(key, speed) for _, key, *_ in CARDS if s.get(key) is not None}
    weight: dict[str, int] = {}
    for rs in applicable.values():
        for src in {r.source for r in rs}:
            weight[src] = weight.get(src, 0) + 1
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for label, key, unit, f, _ in CARDS:
        v = s.get(key)
        rs = applicable.get(key, [])
        if v is None or not rs:
            continue
        for r in [max(rs, key=lambda x: weight[x.source])]:
            value = f"{fmt(v, f)} {unit}".strip()
            groups.setdefault((r.source, r.short or r.population), []).append(
                (f"{label.lower()} {value}", position_word(v, r.low, r.high))
            )
    for (source, who), items in groups.items():
        by_word: dict[str, list[str]] = {}
        for what, word in items:
            by_word.setdefault(word, []).append(what)
        clauses = []
        for word in ("within", "above", "below"):
            if word in by_word:
                xs = by_word[word]
                joined = xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + " and " + xs[-1]
                verb = "is" if len(xs) == 1 else "are"
                clauses.append(f"{escape(joined)} {verb} {word} their range")
        out.append(f"Beside {escape(who)} {cite(source)}: " + "; ".join(clauses) + ".")
    return out


def build(analysis: Analysis) -> Section | None:
    s, bs, iqr = analysis.summary, analysis.by_side, analysis.summary_iqr
    speed = s.get("speed_mps")
    cards = []
    missing = []
    per_record = records_basis(analysis) is not None
    device = [c for c in DEVICE_CARDS if s.get(c[1]) is not None]
    for label, key, unit, f, help_text in CARDS + tuple(device):
        v = s.get(key)
        if v is None:
            missing.append(label.lower())
            continue
        if per_record:
            help_text = RECORD_DEFINITIONS.get(key, help_text)
        if key == "speed_mps":  # for people: pace first, the speed beside it
            body = f'<div class="spread">{fmt(v, "{:.2f}")} m/s · {fmt(v * 3.6, "{:.1f}")} km/h</div>'
            if iqr.get(key) is not None:
                what = "Spread over the run" if per_record else "Step-to-step spread"
                body += f'<div class="spread">{what} (IQR): {fmt(iqr[key], f)} m/s</div>'
            m, sec = divmod(round(1000.0 / v), 60) if v > 0 else (0, 0)
            cards.append(card("Pace", f"{m}:{sec:02d}", "min/km", body, help_text))
            continue
        spread = ""
        if iqr.get(key) is not None:
            what = "Spread over the run" if records_basis(analysis) is not None else "Step-to-step spread"
            spread = f'<div class="spread">{what} (IQR): {fmt(iqr[key], f)} {escape(unit)}</div>'
        body = _sides(key, bs, f) + spread + (_ref_block(key, v, speed, f, unit) if key != "speed_mps" else "")
        cards.append(card(label, fmt(v, f), unit, body, help_text))
    notes = []
    if missing:
        notes.append(
            f'<p class="meta">Not available from this recording: {escape("; ".join(missing))} '
            "(the data-quality section says why). Nothing is estimated to fill the gap.</p>"
        )
    unref = [label.lower() for label, key, *_ in CARDS if key != "speed_mps" and s.get(key) is not None and not ranges_for(key, speed)]
    if unref:
        at = f"{speed:.1f} m/s" if speed else "an unknown speed"
        notes.append(
            f'<p class="meta">No published range in our sources was measured at {escape(at)} for {escape(", ".join(unref))}; '
            "none is shown rather than one from another speed. The ranges we hold, with their speeds, are listed at the end.</p>"
        )
    html = facts(analysis) + '<div class="cards">' + "".join(cards) + "</div>" + "".join(notes)
    return Section("Summary", html, "summary", highlights=highlights(analysis))
