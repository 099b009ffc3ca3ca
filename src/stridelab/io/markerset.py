"""Map a lab's marker names to canonical landmark names.

Order of precedence: a user mapping file (``--markerset FILE``), then the best-fitting preset
shipped in ``stridelab/markersets/`` (chosen when it knows at least half of the file's names), then
the token matcher of :mod:`stridelab.model.landmarks` for whatever is left.

A user mapping file is JSON (``{"markers": {"LabName": "l_asis", ...}}`` or a flat object) or a
two-column CSV/TSV (``lab_name,canonical``). Canonical targets must be known landmark names or
cluster names (``l_thigh_c1``); anything else is refused with the offending line.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from stridelab.errors import InvalidInputError
from stridelab.model.landmarks import all_canonical, canonicalize

_CLUSTER_RE = re.compile(r"^([lr]_)?(pelvis|thigh|shank|foot|upper_arm|forearm|trunk)_c\d+$")


@dataclass
class MarkerMapping:
    """Result of mapping: canonical names in file order and how they were found."""

    names: list[str]
    preset: str | None
    unmapped: list[str]
    preset_meta: dict[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=1)
def presets() -> dict[str, dict[str, Any]]:
    """All shipped presets by name."""
    out: dict[str, dict[str, Any]] = {}
    for entry in resources.files("stridelab.markersets").iterdir():
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text(encoding="utf-8"))
            if "markers" in data:  # analyses.json is the needs table, not a preset
                out[data["name"]] = data
    return out


def _valid_target(name: str) -> bool:
    return name in _KNOWN or bool(_CLUSTER_RE.match(name))


_KNOWN = set(all_canonical())


def read_user_mapping(path: str | Path) -> dict[str, str]:
    """Read a user mapping file; raises InvalidInputError with the bad entry on error."""
    p = Path(path)
    if not p.is_file():
        raise InvalidInputError(f"marker mapping file not found: {p}")
    text = p.read_text(encoding="utf-8", errors="replace")
    mapping: dict[str, str]
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise InvalidInputError(f"{p.name}: not valid JSON ({e.msg} at line {e.lineno})") from None
        if isinstance(data, dict) and isinstance(data.get("markers"), dict):
            data = data["markers"]
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise InvalidInputError(f"{p.name}: expected an object of lab name -> canonical name")
        mapping = {str(k): v for k, v in data.items()}
    else:
        dialect = csv.excel_tab if "\t" in text else csv.excel
        mapping = {}
        for i, row in enumerate(csv.reader(text.splitlines(), dialect), start=1):
            if not row or row[0].startswith("#"):
                continue
            if len(row) < 2:
                raise InvalidInputError(f"{p.name} line {i}: expected 'lab_name,canonical_name'")
            if i == 1 and row[1].strip().lower() in ("canonical", "canonical_name", "landmark"):
                continue
            mapping[row[0].strip()] = row[1].strip()
    bad = [f"{k} -> {v}" for k, v in mapping.items() if not _valid_target(v)]
    if bad:
        raise InvalidInputError(
            f"{p.name}: unknown canonical landmark(s) {', '.join(bad[:3])}; "
            "see `stridelab landmarks` for the list"
        )
    return mapping


def best_preset(names: list[str], min_fraction: float = 0.5) -> tuple[str | None, float]:
    """The preset that knows the largest share of ``names`` (case-insensitive)."""
    if not names:
        return None, 0.0
    lower = [n.lower() for n in names]
    best, best_frac = None, 0.0
    for pname, data in presets().items():
        keys = {k.lower() for k in data["markers"]}
        frac = sum(n in keys for n in lower) / len(names)
        if frac > best_frac:
            best, best_frac = pname, frac
    if best_frac < min_fraction:
        return None, best_frac
    return best, best_frac


def map_markers(
    names: list[str], user_mapping: dict[str, str] | None = None, preset: str | None = None
) -> MarkerMapping:
    """Canonical names for ``names``. ``preset`` forces a preset by name."""
    if preset is not None and preset not in presets():
        raise InvalidInputError(f"unknown marker-set preset {preset!r}; known: {', '.join(sorted(presets()))}")
    chosen = preset or best_preset(names)[0]
    table: dict[str, str] = {}
    if chosen is not None:
        table = {k.lower(): v for k, v in presets()[chosen]["markers"].items()}
    user = {k.lower(): v for k, v in (user_mapping or {}).items()}
    auto, _ = canonicalize(names)
    out: list[str] = []
    used: set[str] = set()
    unmapped: list[str] = []
    # user first, then preset, then matcher; each canonical name used once
    for pass_ in ("user", "preset", "auto"):
        for i, n in enumerate(names):
            if len(out) <= i:
                out.append("")
            if out[i]:
                continue
            cand: str | None
            if pass_ == "user":
                cand = user.get(n.lower())
            elif pass_ == "preset":
                cand = table.get(n.lower())
            else:
                cand = auto[i] if auto[i] != n else None
            if cand and cand not in used:
                out[i] = cand
                used.add(cand)
    for i, n in enumerate(names):
        if not out[i]:
            out[i] = n if n not in used else f"{n}#{i}"
            unmapped.append(n)
    meta = dict(presets()[chosen]) if chosen else {}
    meta.pop("markers", None)
    return MarkerMapping(out, chosen, unmapped, meta)


@dataclass
class MappedName:
    """How one lab marker name was mapped: ``canonical`` (None when unmapped), ``source`` ("mapping
    file", "preset <name>", "name matcher", or why it is unused)."""

    name: str
    canonical: str | None
    source: str


def explain_mapping(names: list[str], user_mapping: dict[str, str] | None = None, preset: str | None = None) -> list[MappedName]:
    """One :class:`MappedName` per name of ``names``, in file order, with the same precedence as
    :func:`map_markers` (mapping file, then preset, then name matcher)."""
    m = map_markers(names, user_mapping, preset)
    user = {k.lower() for k in (user_mapping or {})}
    table = {k.lower(): v for k, v in presets()[m.preset]["markers"].items()} if m.preset else {}
    not_used = {k.lower(): v for k, v in presets()[m.preset].get("not_used", {}).items()} if m.preset else {}
    out: list[MappedName] = []
    for n, c in zip(names, m.names, strict=True):
        if n in m.unmapped:
            why = not_used.get(n.lower(), "unknown name: add it to a mapping file if it is a landmark")
            if re.fullmatch(r"\*\d+", n.strip()):
                why = "unlabelled trajectory (the lab software's *N): ignored"
            out.append(MappedName(n, None, why))
        elif n.lower() in user:
            out.append(MappedName(n, c, "mapping file"))
        elif table.get(n.lower()) == c:
            out.append(MappedName(n, c, f"preset {m.preset}"))
        else:
            out.append(MappedName(n, c, "name matcher"))
    return out


@lru_cache(maxsize=1)
def analysis_needs() -> list[dict[str, Any]]:
    """The table of which landmarks each analysis needs (``markersets/analyses.json``)."""
    data = json.loads(resources.files("stridelab.markersets").joinpath("analyses.json").read_text(encoding="utf-8"))
    return list(data["analyses"])


def blocked_analyses(present: set[str]) -> list[tuple[str, list[str]]]:
    """(analysis, missing landmarks described) for each analysis (per side) that ``present`` cannot
    support; empty when everything is possible."""
    out: list[tuple[str, list[str]]] = []
    for need in analysis_needs():
        sides = ("l", "r") if need.get("side") else ("",)
        for s in sides:
            def fill(x: str, s: str = s) -> str:
                return x.replace("{s}", s)

            missing = [fill(a) for a in need.get("all", []) if fill(a) not in present]
            for group in need.get("any", []):
                g = [fill(a) for a in group]
                if not any(x in present or (x.endswith("_c1") and any(p.startswith(x[:-1]) for p in present)) for x in g):
                    missing.append(" or ".join(g))
            if missing:
                label = f"{need['analysis']} ({'left' if s == 'l' else 'right'})" if s else need["analysis"]
                out.append((label, missing))
    return out
