"""Data quality: what was recorded, marker names recognised or not, gaps filled or left open,
landmarks missing, contacts and steps left out and why, warnings, and how contacts were found."""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from typing import TYPE_CHECKING, Any

from stridelab.metrics.spatiotemporal import PELVIS_LANDMARKS
from stridelab.report.blocks import fmt, note, table
from stridelab.report.section import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _recording(analysis: Analysis) -> str:
    tr = analysis.trial
    prov = tr.provenance
    rows = [["File", f"<code>{escape(str(prov.path))}</code> ({escape(str(prov.format))})"]]
    mk = tr.markers
    if mk is not None and mk.n_frames:
        n_rec = sum(1 for o in mk.original_names if not o.startswith("("))
        rows.append(["Markers", f"{n_rec} markers, {mk.n_frames} frames at {mk.rate_hz:g} Hz "
                     f"({mk.time_s[0]:.3f}–{mk.time_s[-1]:.3f} s), lengths in {escape(str(prov.units_in))}"])
    for p in tr.forceplates:
        side = f", {p.side} foot" if p.side else ""
        rows.append([f"Force: {escape(p.name)}", f"{p.n_samples} samples at {p.rate_hz:g} Hz{escape(side)}"])
    axes = tr.quality.of_kind("axes")
    if axes:
        a = axes[0]
        rows.append(["Axes", f"vertical {escape(a['vertical'])} (found from {escape(a['vertical_from'])}), running direction "
                     f"{escape(a['forward'])} (from {escape(a['forward_from'])})"])
    if tr.static is not None:
        st = prov.extra.get("static", {})
        n_static = sum(1 for o in tr.static.original_names if not o.startswith("("))
        rows.append(["Standing trial", f"<code>{escape(str(st.get('path')))}</code>, {n_static} markers"])
    subj = tr.subject
    given = [
        f"{label} {fmt(v, f)}" + (f" ({subj.sources[k]})" if subj.sources.get(k) else "")
        for label, k, v, f in (("mass", "mass_kg", subj.mass_kg, "{:.1f} kg"), ("height", "height_m", subj.height_m, "{:.2f} m"),
                               ("leg length", "leg_length_m", subj.leg_length_m, "{:.2f} m"))
        if v is not None
    ]
    rows.append(["Runner", escape("; ".join(given)) if given else "no mass, height or leg length given"])
    return table(["", ""], rows, "kv", align="ll")


def _markers(analysis: Analysis) -> str:
    tr = analysis.trial
    q = tr.quality
    mk = tr.markers
    parts = []
    if mk is None:
        parts.append("<p>No marker data in this recording.</p>")
    else:
        unm = q.of_kind("markers_unmapped")
        unmapped = [m for i in unm if i.get("trial") != "static" for m in i["markers"]]
        recorded = [n for n, o in zip(mk.names, mk.original_names, strict=True) if not o.startswith("(")]
        known = len(recorded) - len(unmapped)
        preset = tr.provenance.markerset
        parts.append(
            f"<p>{known} of {len(recorded)} recorded marker names recognised as body landmarks"
            + (f" (marker set <b>{escape(preset)}</b>)" if preset else "") + ".</p>"
        )
        virtual = tr.provenance.extra.get("virtual_markers", {})
        if virtual:
            from_static = sorted(n for n, how in virtual.items() if "static" in how)
            derived = sorted(n for n, how in virtual.items() if "static" not in how)
            txt = []
            if from_static:
                txt.append(f"{len(from_static)} landmarks carried over from the standing trial ({escape(', '.join(from_static))})")
            if derived:
                txt.append(f"joint centres computed: {escape(', '.join(derived))}")
            parts.append(note("; ".join(txt) + ".", "meta"))
        if unmapped:
            parts.append(note("Not recognised (kept under their own names, not used): " + escape(", ".join(unmapped))
                              + ". A --markerset mapping file can name them.", "meta"))
        pelvis = [n for n in PELVIS_LANDMARKS if mk.has(n)]
        feet = {s: [n for n in mk.names if n.startswith(s[0] + "_") and any(k in n for k in ("heel", "mt", "toe", "foot"))] for s in ("left", "right")}
        uses = [
            ["Pelvis", escape(", ".join(pelvis)) or '<span class="warn">none</span>', "vertical oscillation, vertical ratio"],
            ["Left foot", escape(", ".join(feet["left"])) or '<span class="warn">none</span>', "which foot is on the plate, belt speed, step length"],
            ["Right foot", escape(", ".join(feet["right"])) or '<span class="warn">none</span>', "which foot is on the plate, belt speed, step length"],
        ]
        parts.append(table(["Landmarks", "Present", "Used for"], uses, align="lll"))
    empty = q.of_kind("marker_empty")
    if empty:
        parts.append(note("Markers with no valid sample at all: " + escape(", ".join(i["marker"] for i in empty)), "warn"))
    missing = q.of_kind("landmark_missing")
    if missing:
        parts.append("<p>Landmarks that could not be built:</p><ul class='plain'>" + "".join(f"<li>{escape(i['message'])}</li>" for i in missing) + "</ul>")
    return "".join(parts)


def _gaps(analysis: Analysis) -> str:
    q = analysis.trial.quality
    filled = q.of_kind("gap_filled")
    long = q.of_kind("gap_long")
    if not filled and not long:
        return "<p>No marker gaps.</p>" if analysis.trial.markers is not None else ""
    rows: list[list[str]] = []
    for i in filled:
        rows.append([escape(i["marker"]), "filled", str(i["frames"]), fmt(i["seconds"], "{:.3f}"), "cubic spline through the neighbouring samples"])
    for i in long:
        where = " (standing trial)" if i.get("trial") == "static" else ""
        rows.append([escape(i["marker"]) + where, '<span class="warn">left open</span>', str(i["frames"]), fmt(i["seconds"], "{:.3f}"),
                     f"{_plural(int(i.get('n_gaps', 1)), 'gap')}; longer than 0.1 s or at the start/end, so not filled"])
    return table(["Marker", "Gap", "Frames", "Seconds", "Handling"], rows, align="llrrl") + note(
        "Gaps up to 0.1 s are filled; longer ones stay empty and the metrics that need the marker skip those frames.", "meta")


_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?")


def reason_kind(reason: str) -> tuple[str, list[float]]:
    """A reason with its own numbers taken out (those inside parentheses, the limits, stay), and those
    numbers: "contact of 26 ms is not ... (60-600 ms)" -> ("contact of … ms is not ... (60-600 ms)", [26.0])."""
    values: list[float] = []
    out, depth = [], 0
    for piece in re.split(r"([()])", reason):
        if piece == "(":
            depth += 1
        elif piece == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            values += [float(v) for v in _NUMBER.findall(piece)]
            piece = _NUMBER.sub("…", piece)
        out.append(piece)
    return "".join(out), values


def left_out_lines(rejected: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    """One (reason, count, value range) per kind of reason, the most frequent first."""
    kinds: dict[str, list[float]] = {}
    counts: Counter[str] = Counter()
    for r in rejected:
        kind, values = reason_kind(str(r["reason"]))
        counts[kind] += 1
        kinds.setdefault(kind, []).extend(values)
    out = []
    for kind, n in counts.most_common():
        v = kinds[kind]
        span = "" if not v or "…" not in kind else f"{min(v):g}" if min(v) == max(v) else f"{min(v):g} to {max(v):g}"
        out.append((kind, n, span))
    return out


def _left_out(analysis: Analysis) -> str:
    contacts, steps = list(analysis.events.rejected), list(analysis.rejected_steps)
    if not contacts and not steps:
        return "<p>No contact or step was left out.</p>"
    parts = []
    for what, rej in (("contact", contacts), ("step", steps)):
        if not rej:
            continue
        lines = "".join(
            f"<li>{n} × {escape(kind)}" + (f" (values {escape(span)})" if span else "") + "</li>"
            for kind, n, span in left_out_lines(rej)
        )
        rows = [[fmt(r.get("ic_s"), "{:.3f}"), fmt(r.get("to_s"), "{:.3f}"), escape(str(r.get("side") or "")), escape(r["reason"])] for r in rej]
        parts.append(
            f"<p>{_plural(len(rej), what)} left out:</p><ul class='plain'>{lines}</ul>"
            f"<details><summary>Each {what} left out ({len(rej)})</summary>"
            + table(["Start (s)", "End (s)", "Foot", "Reason"], rows, align="rrll") + "</details>"
        )
    return "".join(parts)


def _events(analysis: Analysis) -> str:
    info = analysis.events.info
    if analysis.events.source != "forces":
        return note(f"Contacts from {escape(analysis.events.source)} ({escape(str(info.get('method', '')))}).", "meta")
    plates = info.get("plates", {})
    per = "; ".join(
        f"{escape(k)}: zero offset {fmt(v.get('offset_n'), '{:.1f}')} N removed" + ("" if v.get("filtered") else ", not filtered (rate too low)")
        for k, v in plates.items()
    )
    return note(
        f"Contacts: vertical force above {info.get('threshold_n', 20):g} N after a {escape(str(info.get('filter', '')))}, "
        f"crossings interpolated between samples; contacts cut by the start or end of the recording are left out. {per}.",
        "meta",
    )


def build(analysis: Analysis) -> Section:
    q = analysis.trial.quality
    n_rej, n_inc = len(analysis.events.rejected), len(analysis.rejected_steps)
    n_fill, n_long = len(q.of_kind("gap_filled")), len(q.of_kind("gap_long"))
    counted = f"{_plural(len(analysis.contacts), 'contact')} used, {n_rej} left out" + (
        f" ({n_inc} of the used ones without a complete step)" if n_inc else ""
    )
    gaps = f"; {_plural(n_fill, 'marker gap')} filled, {n_long} left open" if analysis.trial.markers is not None else ""
    lead = f"<p>{counted}{gaps}; {_plural(len(analysis.warnings), 'warning')}.</p>"
    warn = ""
    if analysis.warnings:
        warn = "<h3>Warnings</h3><ul class='plain'>" + "".join(f"<li class='warn'>{escape(w)}</li>" for w in analysis.warnings) + "</ul>"
    markers = "<h3>Markers</h3>" + _markers(analysis) + ("<h3>Gaps</h3>" + _gaps(analysis) if analysis.trial.markers is not None else "")
    html = (
        lead + warn + "<h3>Recording</h3>" + _recording(analysis) + markers + "<h3>Contacts and steps left out</h3>" + _left_out(analysis) + _events(analysis)
    )
    from stridelab.report.sections.overview import records_basis

    rb = records_basis(analysis)
    if rb is not None:
        lead = (
            f"<p>{_plural(rb['n'], 'device record')}, {rb['running']} running; {_plural(rb['implausible'], 'value')} flagged as "
            f"implausible for running and left out; {_plural(len(analysis.warnings), 'warning')}.</p>"
        )
        html = lead + warn + "<h3>Recording</h3>" + _recording(analysis)
        hl = f"Data: {_plural(rb['n'], 'device record')}, {rb['running']} running, {_plural(rb['implausible'], 'implausible value')} left out"
        hl += f"; {_plural(len(analysis.warnings), 'warning')} (see Data quality)." if analysis.warnings else "."
        return Section("Data quality", html, "quality", highlights=[hl], tail=True)
    hl = f"Data: {counted}" + (f"; {_plural(n_fill, 'short marker gap')} filled, {n_long} left open" if gaps else "")
    hl += f"; {_plural(len(analysis.warnings), 'warning')} (see Data quality)." if analysis.warnings else "."
    return Section("Data quality", html, "quality", highlights=[hl], tail=True)
