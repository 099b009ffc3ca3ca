"""A motion declared as data: which features, which skill groups, which target and its better way.

The skill model (:func:`stridelab.skill.fit.fit_model`) learns which groups of joint motion go with
a performance target. What the groups, features and target are is not code but a *motion
declaration*, a small JSON file (format ``stridelab-motion-declaration``)::

    {"format": "stridelab-motion-declaration",
     "activity": "running",
     "angles": null,                        # curve features used (null: every angle the population has)
     "scalars": null,                       # per-trial scalar columns (the rhythm features; null: all, []: none)
     "groups": {"knee": ["knee_"], ...},    # group -> feature-name prefixes (report order)
     "variability_group": "stability",      # group of the stride-to-stride SD features (``*.sd_deg``)
     "motion": {"knee": "knee motion"},     # plain-language name of each group's motion
     "target": {"column": "pace", "better": "lower", "unit": "min/km"},
     "compare_at_speed": true,              # fit and score only runners at comparable speed
     "published_directions": true}          # may groups be oriented by the cited running table

``target.column`` is ``pace`` or ``level`` (:meth:`Population.target`), ``speed_mps`` (the
trial's speed) or any other runner metadata column (a number; e.g. a column of ``trials.tsv``).
The running declaration ships as ``skill/data/motion_running.json`` and is what every model without
a declaration uses; ``skill/data/motion_running_speed.json`` is the worked example of another task
(docs/skill_new_motion.md). A declaration is given by name (a packaged ``motion_<name>.json``) or
by path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from stridelab.errors import InvalidInputError

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.skill.population import Population

FORMAT = "stridelab-motion-declaration"
BETTER = {"lower": -1.0, "higher": 1.0}


@dataclass(frozen=True)
class MotionDeclaration:
    """One declared motion (see the module doc)."""

    activity: str
    groups: dict[str, tuple[str, ...]]
    target_column: str
    better: str
    unit: str
    motion: dict[str, str] = field(default_factory=dict)
    variability_group: str | None = None
    angles: tuple[str, ...] | None = None
    scalars: tuple[str, ...] | None = None
    compare_at_speed: bool = True
    published_directions: bool = False
    description: str = ""

    def __post_init__(self) -> None:
        if not self.groups:
            raise InvalidInputError(f"motion declaration {self.activity!r} declares no group")
        if self.better not in BETTER:
            raise InvalidInputError(f"motion declaration {self.activity!r}: target better must be 'lower' or 'higher' (got {self.better!r})")
        if self.variability_group is not None and self.variability_group not in self.groups:
            raise InvalidInputError(f"motion declaration {self.activity!r}: variability group {self.variability_group!r} is not a declared group")

    @property
    def better_sign(self) -> float:
        """+1 when a higher target is better, -1 when lower is better."""
        return BETTER[self.better]

    @property
    def target(self) -> str:
        return self.target_column

    def group_of(self, feature: str) -> str:
        """The declared group of a feature name; ValueError when it matches none."""
        if feature.endswith(".sd_deg") and self.variability_group is not None:
            return self.variability_group
        for group, prefixes in self.groups.items():
            if any(feature.startswith(p) for p in prefixes):
                return group
        raise ValueError(f"feature {feature!r} belongs to no group of the {self.activity!r} declaration")

    def covers(self, feature: str) -> bool:
        try:
            self.group_of(feature)
        except ValueError:
            return False
        return True

    def target_values(self, pop: Population, riegel_km: float | None = None) -> np.ndarray:
        """Per-runner target of ``pop`` (NaN where unknown)."""
        c = self.target_column
        if c in ("pace", "level"):
            return pop.target(c, riegel_km)
        if c == "speed_mps":
            return pop.speed_mps()
        out = np.full(len(pop), np.nan)
        for i, r in enumerate(pop.runners):
            v = r.meta.get(c)
            try:
                f = float(v) if v is not None else np.nan
            except (TypeError, ValueError):
                f = np.nan
            out[i] = f
        return out

    def with_target(self, column: str, better: str, unit: str) -> MotionDeclaration:
        return replace(self, target_column=column, better=better, unit=unit)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "activity": self.activity,
            "description": self.description,
            "angles": None if self.angles is None else list(self.angles),
            "scalars": None if self.scalars is None else list(self.scalars),
            "groups": {g: list(p) for g, p in self.groups.items()},
            "variability_group": self.variability_group,
            "motion": dict(self.motion),
            "target": {"column": self.target_column, "better": self.better, "unit": self.unit},
            "compare_at_speed": self.compare_at_speed,
            "published_directions": self.published_directions,
        }

    @classmethod
    def from_dict(cls, d: Any) -> MotionDeclaration:
        if not isinstance(d, dict) or d.get("format") != FORMAT:
            raise InvalidInputError(f"not a motion declaration (format must be {FORMAT!r})")
        try:
            t = d["target"]
            groups = {str(g): tuple(str(p) for p in ps) for g, ps in d["groups"].items()}
            return cls(
                activity=str(d["activity"]),
                description=str(d.get("description", "")),
                groups=groups,
                target_column=str(t["column"]),
                better=str(t["better"]),
                unit=str(t.get("unit", "")),
                motion={str(k): str(v) for k, v in (d.get("motion") or {}).items()},
                variability_group=d.get("variability_group"),
                angles=None if d.get("angles") is None else tuple(str(a) for a in d["angles"]),
                scalars=None if d.get("scalars") is None else tuple("rhythm." + str(s).removeprefix("rhythm.") for s in d["scalars"]),
                compare_at_speed=bool(d.get("compare_at_speed", True)),
                published_directions=bool(d.get("published_directions", False)),
            )
        except (KeyError, TypeError, AttributeError) as e:
            raise InvalidInputError(f"motion declaration incomplete ({type(e).__name__}: {e})") from None


def load_declaration(name_or_path: str | Path) -> MotionDeclaration:
    """A packaged declaration by name (``"running"``, ``"running_speed"``) or a JSON file by path."""
    p = Path(name_or_path)
    if p.suffix.lower() == ".json" or p.is_file():
        if not p.is_file():
            raise InvalidInputError(f"motion declaration not found: {p}")
        text = p.read_text(encoding="utf-8", errors="replace")
    else:
        try:
            text = resources.files("stridelab.skill").joinpath(f"data/motion_{name_or_path}.json").read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InvalidInputError(f"no packaged motion declaration {str(name_or_path)!r}; give a JSON file") from None
    try:
        d = json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidInputError(f"motion declaration is not valid JSON ({e.msg} at line {e.lineno})") from None
    return MotionDeclaration.from_dict(d)


def running(target: str = "pace") -> MotionDeclaration:
    """The running declaration with ``target`` (``pace``: lower better; ``level``: higher better)."""
    from stridelab.skill.targets import BETTER_SIGN, TARGET_UNITS

    d = load_declaration("running")
    if target not in BETTER_SIGN:
        raise InvalidInputError(f"unknown target {target!r}; use pace or level")
    return d.with_target(target, "lower" if BETTER_SIGN[target] < 0 else "higher", TARGET_UNITS[target])


def declaration_of(model: Any) -> MotionDeclaration:
    """The declaration a fitted model was fitted with (its card), else running with its target."""
    d = getattr(model, "card", {}).get("declaration")
    if d:
        return MotionDeclaration.from_dict(d)
    return running(getattr(model, "target", "pace"))
