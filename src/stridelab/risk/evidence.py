"""The evidence table (``evidence.csv`` in this package) and the user's threshold overrides.

Each row is one pattern: the metric (``kind`` summary, or symmetry for the signed left/right
symmetry index whose absolute value is compared), the direction, the threshold and where it comes
from, the speed range it applies to, what the input must measure (``requires``: any, markers,
forces, same_source = both feet timed by the same kind of sensor), the strength of evidence
(prospective, retrospective, expert) with the citation, and one plain sentence.

A thresholds file (CSV with columns ``id,threshold`` and optionally ``speed_min_mps``,
``speed_max_mps``; or JSON ``{"id": threshold}``) replaces the defaults; the flag then says that the
threshold is the user's.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from stridelab.errors import InvalidInputError

DISCLAIMER = (
    "These flags describe patterns that research has associated with running injuries; they are not a diagnosis "
    "and do not predict that an injury will happen. Persistent pain needs a clinician."
)
STRENGTHS = ("prospective", "retrospective", "expert")
REQUIRES = ("any", "markers", "forces", "same_source")


@dataclass(frozen=True)
class Rule:
    id: str
    pattern: str
    metric: str
    kind: str
    direction: str
    threshold: float
    unit: str
    threshold_source: str
    speed_min_mps: float
    speed_max_mps: float
    requires: str
    strength: str
    citation: str
    sentence: str


def _rule(row: dict[str, str], where: str) -> Rule:
    try:
        r = Rule(
            id=row["id"], pattern=row["pattern"], metric=row["metric"], kind=row["kind"], direction=row["direction"],
            threshold=float(row["threshold"]), unit=row["unit"], threshold_source=row["threshold_source"],
            speed_min_mps=float(row["speed_min_mps"]), speed_max_mps=float(row["speed_max_mps"]), requires=row["requires"],
            strength=row["strength"], citation=row["citation"], sentence=row["sentence"],
        )
    except (KeyError, ValueError) as e:
        raise InvalidInputError(f"{where}: bad evidence row {row.get('id', '?')!r} ({e})") from None
    if r.direction not in ("above", "below") or r.kind not in ("summary", "symmetry") or r.strength not in STRENGTHS or r.requires not in REQUIRES:
        raise InvalidInputError(f"{where}: evidence row {r.id!r} has an unknown direction, kind, strength or requirement")
    if "causes" in r.sentence.lower():
        raise InvalidInputError(f"{where}: evidence row {r.id!r} must say 'associated with', not 'causes'")
    return r


def load_evidence(thresholds: str | Path | None = None, table: str | Path | None = None) -> list[Rule]:
    """The evidence rules (the packaged table, or ``table``), with ``thresholds`` overrides applied."""
    if table is None:
        text = resources.files("stridelab.risk").joinpath("evidence.csv").read_text(encoding="utf-8")
        where = "stridelab/risk/evidence.csv"
    else:
        text, where = _read(Path(table)), str(table)
    rules = [_rule(row, where) for row in csv.DictReader(text.splitlines())]
    if thresholds is not None:
        rules = apply_overrides(rules, Path(thresholds))
    return rules


def _read(p: Path) -> str:
    try:
        return p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InvalidInputError(f"cannot read {p} ({getattr(e, 'strerror', None) or e})") from None


def apply_overrides(rules: list[Rule], path: Path) -> list[Rule]:
    """Rules with the thresholds (and speed ranges) of a user's file; unknown ids are an error."""
    text = _read(path)
    overrides: dict[str, dict[str, float]] = {}
    try:
        if path.suffix.lower() == ".json":
            doc = json.loads(text)
            if not isinstance(doc, dict):
                raise ValueError("expected an object {id: threshold}")
            overrides = {str(k): {"threshold": float(v)} for k, v in doc.items()}
        else:
            for row in csv.DictReader(text.splitlines()):
                overrides[row["id"]] = {k: float(row[k]) for k in ("threshold", "speed_min_mps", "speed_max_mps") if row.get(k) not in (None, "")}
    except (ValueError, KeyError, TypeError) as e:
        raise InvalidInputError(f"thresholds file {path}: {e}; expected CSV 'id,threshold' or JSON {{id: threshold}}") from None
    known = {r.id for r in rules}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise InvalidInputError(f"thresholds file {path}: unknown flag id(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    out = []
    for r in rules:
        o = overrides.get(r.id)
        out.append(replace(r, **o, threshold_source=f"your thresholds file {path.name}") if o else r)  # type: ignore[arg-type]
    return out


__all__ = ["DISCLAIMER", "Rule", "load_evidence", "apply_overrides"]
