"""Length units: read what the file declares, check it against the data, never just assume."""

from __future__ import annotations

import numpy as np

from stridelab.errors import InvalidInputError

_SCALE = {"mm": 1e-3, "millimeter": 1e-3, "millimetre": 1e-3, "cm": 1e-2, "m": 1.0, "meter": 1.0, "metre": 1.0}


def scale_of(unit: str | None) -> float | None:
    """Metres per unit, or None for an empty/unknown unit string."""
    if unit is None:
        return None
    return _SCALE.get(unit.strip().lower().rstrip("s"), None)


def body_extent(positions: np.ndarray) -> float:
    """Typical extent of the marker cloud (file units): the median over frames of the largest
    per-axis range across markers. A runner's markers span about 0.8-2 m."""
    if positions.size == 0:
        return float("nan")
    step = max(1, positions.shape[0] // 200)
    sub = positions[::step]
    with np.errstate(all="ignore"):
        ranges = np.nanmax(sub, axis=1) - np.nanmin(sub, axis=1)  # (frames, 3)
        extent = np.nanmax(ranges, axis=1)
    extent = extent[np.isfinite(extent)]
    return float(np.median(extent)) if extent.size else float("nan")


def guess_unit(extent: float) -> str | None:
    """The unit that makes a marker-cloud extent a plausible human size (0.3-3 m)."""
    if not np.isfinite(extent) or extent <= 0:
        return None
    for unit, s in (("m", 1.0), ("cm", 1e-2), ("mm", 1e-3)):
        if 0.3 <= extent * s <= 3.0:
            return unit
    return None


def resolve_length_unit(declared: str | None, positions: np.ndarray, source: str, single_marker_ok: bool = False) -> tuple[float, str, str | None]:
    """Metres per file unit, the unit name, and a warning (or None).

    The declared unit is trusted when the data agree with it; when they clearly disagree (a factor
    of 10 or more) the file is refused rather than read at the wrong scale.
    """
    extent = body_extent(positions)
    guessed = guess_unit(extent)
    s_decl = scale_of(declared)
    if s_decl is not None:
        if guessed is not None and abs(np.log10(s_decl / _SCALE[guessed])) >= 1 and not single_marker_ok:
            raise InvalidInputError(
                f"{source}: units say '{declared}' but the markers span {extent:.3g} {declared}, "
                f"which fits '{guessed}'; pass --units {guessed} if that is right"
            )
        return s_decl, declared.strip().lower() if declared else "m", None
    if guessed is None:
        raise InvalidInputError(
            f"{source}: no length unit in the file and the marker extent ({extent:.3g}) fits none of mm/cm/m; "
            "pass --units"
        )
    return _SCALE[guessed], guessed, f"{source}: no length unit in the file; the marker extent says '{guessed}'"
