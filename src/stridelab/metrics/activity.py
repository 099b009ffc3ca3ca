"""Is it running? The activity from the duty factor, not only from missing flight.

Walking and running differ by definition in how long each foot is on the ground: in walking the
duty factor (contact time / stride time) exceeds 0.5, so that both feet are on the ground together
(double support); in running it is below 0.5 and the body is airborne between contacts (Alexander
1989, Physiol Rev 69:1199; McMahon, Valiant & Frederick 1987, J Appl Physiol 62:2326). The
threshold is that definition, not a fitted value: running duty factors are about 0.2-0.45 (Folland
et al. 2017, MSSE 49:1412), walking 0.6-0.65.

:func:`check_activity` refuses (:class:`~stridelab.errors.NotRunningError`) a recording whose
median per-stride duty factor is 0.5 or more over at least :data:`MIN_STRIDES` strides; it
complements the double-support check of :mod:`stridelab.analysis` (which needs both feet's
contacts) for recordings where the duty factor is known per foot, such as one shank sensor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from stridelab.errors import NotRunningError
from stridelab.model.columns import Columns

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: A step table: the analysis path's :class:`~stridelab.model.columns.Columns` or a DataFrame.
Table: TypeAlias = "Columns | pd.DataFrame"


def _floats(x: object) -> np.ndarray:
    """A column as floats; text that is not a number is NaN (``pandas.to_numeric(errors="coerce")``)."""
    try:
        return np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        import pandas as pd

        return pd.to_numeric(pd.Series(np.asarray(x, dtype=object)), errors="coerce").to_numpy(dtype=float)

#: Duty factor at and above which a gait is walking (by definition: double support).
WALK_DUTY_FACTOR = 0.5
#: Fewest strides with a duty factor before the activity is judged.
MIN_STRIDES = 4


def median_duty_factor(steps: Table) -> tuple[float, int]:
    """(median duty factor, number of strides that have one) of a per-step table."""
    if "duty_factor" not in steps.columns or len(steps) == 0:
        return float("nan"), 0
    df = _floats(steps["duty_factor"])
    df = df[np.isfinite(df) & (df > 0)]
    return (float(np.median(df)) if df.size else float("nan")), int(df.size)


#: Shortest plausible median contact time of running feet (ms): about 80-100 ms at top sprinting
#: speed (Weyand et al. 2000, J Appl Physiol 89:1991); shorter contacts are spikes or wrong data.
MIN_GCT_MS = 60.0
#: Lowest plausible median cadence of running (steps/min): runners step at 140-220; below this
#: contacts were missed (or it is not running).
MIN_CADENCE_SPM = 100.0


def _median(steps: Table, col: str) -> tuple[float, int]:
    if col not in steps.columns:
        return float("nan"), 0
    v = _floats(steps[col])
    v = v[np.isfinite(v)]
    return (float(np.median(v)) if v.size else float("nan")), int(v.size)


def check_activity(steps: Table, *, check_cadence: bool = True) -> None:
    """Raise NotRunningError when the median duty factor says walking (see module docstring), and
    NoValidResultError when the contacts cannot be running feet (median contact time below
    :data:`MIN_GCT_MS`, median cadence below :data:`MIN_CADENCE_SPM`). ``check_cadence=False`` leaves
    the cadence to the caller (video: a low cadence there is often slow-motion footage, which the video
    stage names with the --rate-hz that gives real time)."""
    from stridelab.errors import NoValidResultError

    gct, n_gct = _median(steps, "gct_ms")
    if n_gct >= MIN_STRIDES and gct < MIN_GCT_MS:
        raise NoValidResultError(
            f"the contacts last {gct:.0f} ms (median of {n_gct}), shorter than any running foot (sprinters: 80-100 ms); "
            "the force or event data are wrong (check the force file, its rate and units)"
        )
    cad, n_cad = _median(steps, "cadence_spm")
    if check_cadence and n_cad >= MIN_STRIDES and cad < MIN_CADENCE_SPM:
        raise NoValidResultError(
            f"the steps give {cad:.0f} steps/min (median of {n_cad}), far below running (140-220): most contacts were missed "
            "or this is not running; check the force or event data"
        )
    med, n = median_duty_factor(steps)
    if n >= MIN_STRIDES and med >= WALK_DUTY_FACTOR:
        raise NotRunningError(
            f"this looks like walking: each foot is on the ground for {100 * med:.0f}% of its stride (duty factor "
            f"{med:.2f} over {n} strides; running stays below 50%); stridelab analyses running"
        )


__all__ = ["MIN_STRIDES", "WALK_DUTY_FACTOR", "check_activity", "median_duty_factor"]


#: Shortest swing of a foot in running (s): a foot that left the ground lands again only after
#: swinging, and swing time hardly shortens with speed (about 0.33-0.37 s up to top sprinting
#: speed; Weyand et al. 2000, J Appl Physiol 89:1991); 0.25 s leaves a margin. Two consecutive
#: contacts labelled with the same foot closer than this cannot both be right.
MIN_SWING_S = 0.25
#: The sides are refused when at least this many consecutive pairs, and more than
#: :data:`MAX_SIDE_CONFLICTS` of them, break the alternation (sides in runs, "rrrlll", were guessed
#: wrongly); fewer conflicts leave those contacts' stride metrics out, with a warning.
MIN_SIDE_CONFLICTS = 3
MAX_SIDE_CONFLICTS = 0.1
#: Per-step columns that pair a contact with the next contact of the same foot (wrong when a side is).
STRIDE_COLUMNS = ("stride_time_ms", "duty_factor", "stride_length_m")


def side_conflicts(steps: Table) -> tuple[np.ndarray, int, int]:
    """(row labels (DataFrame) or positions (Columns) of the contacts in consecutive same-foot pairs
    whose swing, from the first contact's toe-off to the second's initial contact, is shorter than
    :data:`MIN_SWING_S`; number of such pairs; number of consecutive pairs)."""
    none = np.zeros(0, dtype=int)
    if len(steps) < 2 or not {"side", "ic_s", "to_s"} <= set(steps.columns):
        return none, 0, 0
    order = np.argsort(np.asarray(steps["ic_s"], dtype=float), kind="quicksort")  # as pandas' sort_values
    ic = np.asarray(steps["ic_s"], dtype=float)[order]
    to = np.asarray(steps["to_s"], dtype=float)[order]
    side = np.array([str(v) for v in np.asarray(steps["side"], dtype=object)[order].tolist()])
    swing = ic[1:] - to[:-1]
    ok = np.isfinite(swing)
    same = (side[1:] == side[:-1]) & ok & (swing < MIN_SWING_S)
    rows = set(np.flatnonzero(same).tolist()) | set((np.flatnonzero(same) + 1).tolist())
    pos = order[sorted(rows)] if rows else none
    labels = pos if isinstance(steps, Columns) else np.asarray(steps.index[pos])
    return labels, int(same.sum()), int(ok.sum())


def check_sides(steps: Table) -> str | None:
    """Left/right must alternate (see :func:`side_conflicts`): refuse (NoValidResultError) sides
    that break it often; for a few conflicts, blank the stride metrics of the contacts involved
    (in ``steps``, in place) and return a warning."""
    from stridelab.errors import NoValidResultError

    rows, n, total = side_conflicts(steps)
    if n == 0:
        return None
    if n >= MIN_SIDE_CONFLICTS and n > MAX_SIDE_CONFLICTS * total:
        raise NoValidResultError(
            f"left and right cannot be told apart: {n} of {total} consecutive contacts are on the same foot with no time to swing "
            "(the feet alternate in running); give foot markers or per-foot force plates, or check the marker labels"
        )
    for col in STRIDE_COLUMNS:
        if col not in steps.columns:
            continue
        if isinstance(steps, Columns):
            v = np.array(steps[col], dtype=float)
            v[rows] = np.nan
            steps[col] = v
        else:
            steps.loc[rows, col] = np.nan
    return (
        f"{rows.size} contacts break the left-right alternation (same foot again with no time to swing): their side may be wrong, "
        "their stride time, duty factor and stride length are left out"
    )
