"""A population of runners: per-stride joint-angle curves, demographics, speed and performance.

This is what the skill model learns from and what it scores. Every loader (stride-file folders,
folders of analysed trials, the synthetic generator) ends in :meth:`Population.from_curves`.
Curves are degrees in stridelab's names and sign conventions (:mod:`stridelab.skill.angles`),
shape (n_strides, 101) per angle and side.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from stridelab.errors import InvalidInputError
from stridelab.skill.angles import N_POINTS, SIDES
from stridelab.skill.targets import BETTER_SIGN, level_code, riegel_pace

Curves = dict[str, dict[str, np.ndarray]]
"""angle -> side -> (n_strides, 101) degrees."""

#: Runner attributes read from metadata (name -> type); anything else goes to ``Runner.meta``.
RUNNER_FIELDS = (
    "speed_mps",
    "age_y",
    "height_m",
    "mass_kg",
    "leg_length_m",
    "sex",
    "level",
    "pace_min_per_km",
    "race_distance_km",
)


@dataclass
class Runner:
    """One runner: curves and what is known about them (None when unknown)."""

    id: str
    curves: Curves
    speed_mps: float | None = None
    age_y: float | None = None
    height_m: float | None = None
    mass_kg: float | None = None
    leg_length_m: float | None = None
    sex: str | None = None
    level: str | None = None
    pace_min_per_km: float | None = None
    race_distance_km: float | None = None
    rhythm: dict[str, float] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def angles(self) -> list[str]:
        return sorted(self.curves)

    def strides(self, angle: str, side: str) -> np.ndarray | None:
        return self.curves.get(angle, {}).get(side)

    def n_strides(self) -> int:
        return max((a.shape[0] for d in self.curves.values() for a in d.values()), default=0)

    def with_curves(self, curves: Curves) -> Runner:
        return replace(self, curves=curves)


@dataclass
class Population:
    """Runners plus where they come from. ``synthetic`` is True for generated populations."""

    name: str
    runners: list[Runner]
    synthetic: bool = False
    source: str = ""
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        ids = [r.id for r in self.runners]
        if len(set(ids)) != len(ids):
            raise InvalidInputError(f"population {self.name!r} has duplicate runner ids")

    def __len__(self) -> int:
        return len(self.runners)

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.runners]

    def runner(self, runner_id: str) -> Runner:
        for r in self.runners:
            if r.id == runner_id:
                return r
        raise InvalidInputError(f"no runner {runner_id!r} in population {self.name!r}")

    def subset(self, ids: Iterable[str], name: str | None = None) -> Population:
        keep = set(ids)
        return replace(self, runners=[r for r in self.runners if r.id in keep], name=name or self.name)

    def angles(self) -> list[str]:
        """Angles that every runner has (on at least one side)."""
        sets = [set(r.curves) for r in self.runners]
        return sorted(set.intersection(*sets)) if sets else []

    def target(self, name: str, riegel_km: float | None = None) -> np.ndarray:
        """Per-runner target (NaN where unknown): ``pace`` (min/km) or ``level`` (code).

        With ``riegel_km``, paces are converted to the equivalent pace over that distance
        (``method="riegel1981"``) for runners whose pace distance is known; others give NaN.
        """
        if name not in BETTER_SIGN:
            raise InvalidInputError(f"unknown target {name!r}; use pace or level")
        out = np.full(len(self.runners), np.nan)
        for i, r in enumerate(self.runners):
            if name == "level":
                code = level_code(r.level)
                out[i] = np.nan if code is None else code
            elif r.pace_min_per_km is not None:
                if riegel_km is None:
                    out[i] = r.pace_min_per_km
                elif r.race_distance_km is not None:
                    out[i] = riegel_pace(r.pace_min_per_km, r.race_distance_km, riegel_km)
        return out

    def speed_mps(self) -> np.ndarray:
        return np.array([np.nan if r.speed_mps is None else r.speed_mps for r in self.runners])

    def describe(self) -> dict[str, Any]:
        """Counts for a model card: runners, strides, sexes, levels, speeds, ages."""
        sp = self.speed_mps()
        ages = np.array([np.nan if r.age_y is None else r.age_y for r in self.runners])
        sexes: dict[str, int] = {}
        levels: dict[str, int] = {}
        for r in self.runners:
            sexes[r.sex or "unknown"] = sexes.get(r.sex or "unknown", 0) + 1
            levels[r.level or "unknown"] = levels.get(r.level or "unknown", 0) + 1
        fin = np.isfinite(sp)
        return {
            "name": self.name,
            "synthetic": self.synthetic,
            "source": self.source,
            "n_runners": len(self.runners),
            "n_strides": int(sum(r.n_strides() for r in self.runners)),
            "sex": sexes,
            "level": levels,
            "speed_mps": {"median": float(np.median(sp[fin])), "min": float(sp[fin].min()), "max": float(sp[fin].max())}
            if fin.any()
            else None,
            "age_y": [float(np.nanmin(ages)), float(np.nanmax(ages))] if np.isfinite(ages).any() else None,
            "angles": self.angles(),
            "notes": list(self.notes),
        }

    @classmethod
    def from_curves(
        cls,
        curves: Mapping[str, Mapping[str, Mapping[str, Any]]],
        metadata: Mapping[str, Mapping[str, Any]] | None = None,
        name: str = "population",
        synthetic: bool = False,
        source: str = "",
        notes: list[str] | None = None,
    ) -> Population:
        """Build a population from per-runner, per-stride angle curves and metadata.

        ``curves[runner_id][angle][side]`` is an array (n_strides, n_samples) of degrees in
        stridelab's conventions (resampled to 101 points when n_samples differs). ``metadata[runner_id]``
        may give any of :data:`RUNNER_FIELDS` (``height_m``, ``pace_min_per_km``, ``level``, ...),
        ``rhythm`` (a dict of spatiotemporal values: ``cadence_spm``, ``duty_factor``,
        ``step_length_m``) and anything else (kept in ``meta``).
        """
        metadata = metadata or {}
        runners = []
        for rid, per_angle in curves.items():
            cv: Curves = {}
            for angle, per_side in per_angle.items():
                for side, arr in per_side.items():
                    if side not in SIDES:
                        raise InvalidInputError(f"runner {rid}: side must be 'right' or 'left' (got {side!r})")
                    a = _as_strides(arr, f"runner {rid} {angle} {side}")
                    if a is not None:
                        cv.setdefault(angle, {})[side] = a
            md = dict(metadata.get(str(rid), metadata.get(rid, {})) or {})
            kw: dict[str, Any] = {}
            for f in RUNNER_FIELDS:
                v = md.pop(f, None)
                kw[f] = _clean(v, str_field=f in ("sex", "level"))
            rhythm = {k: float(v) for k, v in (md.pop("rhythm", None) or {}).items() if v is not None and np.isfinite(v)}
            runners.append(Runner(id=str(rid), curves=cv, rhythm=rhythm, meta=md, **kw))
        return cls(name=name, runners=runners, synthetic=synthetic, source=source, notes=list(notes or []))


def _clean(v: Any, str_field: bool) -> Any:
    if v is None:
        return None
    if str_field:
        s = str(v).strip()
        return None if s in ("", "-", "nan", "NaN", "None") else s
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if np.isfinite(f) else None


def _as_strides(arr: Any, what: str) -> np.ndarray | None:
    a = np.asarray(arr, dtype=float)
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2 or a.shape[1] < 2:
        raise InvalidInputError(f"{what}: curves must be an array (n_strides, n_samples)")
    if a.shape[0] == 0:
        return None
    if a.shape[1] != N_POINTS:
        x_old = np.linspace(0.0, 100.0, a.shape[1])
        x_new = np.linspace(0.0, 100.0, N_POINTS)
        a = np.stack([np.interp(x_new, x_old, row) if np.isfinite(row).all() else _interp_nan(x_new, x_old, row) for row in a])
    return a


def _interp_nan(x_new: np.ndarray, x_old: np.ndarray, row: np.ndarray) -> np.ndarray:
    ok = np.isfinite(row)
    out = np.interp(x_new, x_old[ok], row[ok]) if ok.sum() >= 2 else np.full(x_new.shape, np.nan)
    # keep gaps as gaps: a new sample is NaN when its nearest old sample was NaN
    nearest = np.abs(x_old[None, :] - x_new[:, None]).argmin(axis=1)
    out[~ok[nearest]] = np.nan
    return out
