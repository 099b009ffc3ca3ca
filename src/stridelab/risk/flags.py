"""Raising flags from the evidence rules, and their status over sessions (new, persistent, resolved).

A rule is evaluated on a measurement (one analysed trial) only when the input measures its metric
validly (``Rule.requires``), the metric is present and the speed lies in the rule's range; a
session's flag is its trial farthest beyond (or closest to) the threshold. Status compares the
latest session where the rule could be evaluated with the most recent earlier session at matched
speed: raised in both *persistent*, only in the latest *new*, only in the earlier *resolved*.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from stridelab.risk.evidence import Rule


@dataclass
class Measurement:
    """What a flag needs from one analysed trial."""

    date: dt.date
    source: str  # mocap | imu | watch | video
    speed_mps: float | None
    contact_sources: str | None  # "left:forces|right:forces"
    metrics: dict[str, float] = field(default_factory=dict)  # summary name -> value ("gct_ms", "gct_ms_symmetry_pct")


@dataclass
class Flag:
    """A rule evaluated on a measurement: ``raised`` when the value crosses the threshold."""

    rule: Rule
    value: float
    raised: bool
    date: dt.date
    speed_mps: float | None
    status: str = ""

    def to_json(self) -> dict[str, Any]:
        r = self.rule
        return {
            "id": r.id, "metric": metric_name(r), "value": self.value,
            "threshold": r.threshold, "direction": r.direction, "evidence": r.sentence, "citation": r.citation,
            "strength": r.strength, "status": self.status,
        }


def metric_name(rule: Rule) -> str:
    """The stored metric a rule reads: the summary value, or ``<metric>_symmetry_pct`` (signed symmetry index)."""
    return rule.metric if rule.kind == "summary" else f"{rule.metric}_symmetry_pct"


def same_source_both_sides(contact_sources: str | None) -> bool:
    """True when both feet were timed by the same kind of source (e.g. both from the force plate, or each from its own foot sensor)."""
    if not contact_sources:
        return False
    parts = dict(p.split(":", 1) for p in contact_sources.split("|") if ":" in p)
    if set(parts) != {"left", "right"}:
        return False
    norm = {re.sub(r"\b(left|right)_", "side_", v) for v in parts.values()}
    return len(norm) == 1 and "sacrum" not in next(iter(norm)) and "hip" not in next(iter(norm))


def valid_for(rule: Rule, m: Measurement) -> bool:
    """Whether the measurement's input measures the rule's metric validly and at a speed the rule covers."""
    if rule.requires in ("markers", "forces") and m.source != "mocap":
        return False
    if rule.requires == "same_source" and not same_source_both_sides(m.contact_sources):
        return False
    if rule.speed_min_mps > 0 or rule.speed_max_mps < 99:
        if m.speed_mps is None or not (rule.speed_min_mps <= m.speed_mps <= rule.speed_max_mps):
            return False
    return metric_name(rule) in m.metrics


def evaluate(rules: list[Rule], m: Measurement) -> list[Flag]:
    """Every rule that can be evaluated on ``m``, raised or not."""
    out = []
    for r in rules:
        if not valid_for(r, m):
            continue
        v = m.metrics[metric_name(r)]
        x = abs(v) if r.kind == "symmetry" else v
        raised = x > r.threshold if r.direction == "above" else x < r.threshold
        out.append(Flag(r, float(v), bool(raised), m.date, m.speed_mps))
    return out


def flag_status(rules: list[Rule], measurements: list[Measurement], speed_tol_mps: float = 0.25) -> list[Flag]:
    """Each rule's flag in the latest session where it could be evaluated, with its status against
    the most recent earlier session at matched speed (within ``speed_tol_mps``): raised in both
    *persistent*, only now *new* (also when no earlier session is at this speed), only before
    *resolved*. Rules raised neither now nor before are left out."""
    by_rule: dict[str, list[Flag]] = {}
    for m in measurements:
        for f in evaluate(rules, m):
            by_rule.setdefault(f.rule.id, []).append(f)
    out: list[Flag] = []
    for r in rules:
        fl = by_rule.get(r.id)
        if not fl:
            continue
        last = max(f.date for f in fl)
        cur = max((f for f in fl if f.date == last), key=_excess)
        cur = Flag(cur.rule, cur.value, cur.raised, cur.date, cur.speed_mps)
        earlier = [f for f in fl if f.date < last and _same_speed(f.speed_mps, cur.speed_mps, speed_tol_mps)]
        prev = None
        if earlier:
            d = max(f.date for f in earlier)
            prev = max((f for f in earlier if f.date == d), key=_excess)
        if cur.raised:
            cur.status = "persistent" if prev is not None and prev.raised else "new"
        elif prev is not None and prev.raised:
            cur.status = "resolved"
        else:
            continue
        out.append(cur)
    return out


def _same_speed(a: float | None, b: float | None, tol: float) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= tol)


def _excess(f: Flag) -> float:
    """How far beyond the threshold (negative: short of it)."""
    r = f.rule
    x = abs(f.value) if r.kind == "symmetry" else f.value
    return x - r.threshold if r.direction == "above" else r.threshold - x


__all__ = ["Flag", "Measurement", "evaluate", "metric_name", "flag_status", "same_source_both_sides", "valid_for"]
