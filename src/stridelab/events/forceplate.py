"""Contact events from force plates: the reference method.

Method (``method="threshold"``): vertical ground reaction force, unloaded offset removed, 4th-order
zero-lag Butterworth low-pass at 50 Hz (2nd order, forward and backward; none when the plate rate is
below 2.5x the cut-off, and then said), initial contact and toe-off where the force crosses 20 N,
interpolated linearly between samples. Contacts that start or end with the recording are partial and
dropped. The 50 N sensitivity (how much the events move with a 50 N threshold) is reported.
Thresholds of 10-50 N are standard for running (e.g. Milner & Paquette 2015, J Sports Sci 33:1216;
20 N: Fukuchi et al. 2017, PeerJ 5:e3298).

Plates are summed into one vertical force (the runner's whole weight may span two plates). Sides:
one-foot channels (OpenSim ``r_``/``l_`` forces) carry their side; otherwise the stance foot is the
foot nearest the centre of pressure over the middle half of the contact (horizontal distance from
the mean of each foot's markers), or, where the plate gives no centre of pressure, the lower foot
(a disagreement between the two is reported); without markers, the lateral position of the centre
of pressure decides (with a warning). A plate that never unloads between
steps (no flight phase) cannot separate the feet: :class:`NoFlightPhase` is raised so the caller
can fall back to marker events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from stridelab.dsp import lowpass
from stridelab.model.axes import FORWARD, LEFT, UP
from stridelab.model.columns import Columns, as_columns
from stridelab.model.tables import contact_columns
from stridelab.model.trial import ForcePlate, MarkerData, Trial

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

FOOT_LANDMARKS = ("heel", "heel_bottom", "heel_top", "heel_lat", "heel_med", "mt1", "mt2", "mt5", "toe", "toe2", "toe5", "midfoot", "forefoot", "foot_c1", "foot_c2", "foot_c3", "foot_c4")


class NoFlightPhase(Exception):
    """The plate stays loaded between steps: it cannot separate the feet."""


def foot_markers(markers: MarkerData, side: str) -> list[str]:
    p = "l_" if side == "left" else "r_"
    return [p + n for n in FOOT_LANDMARKS if markers.has(p + n)]


def crossings(x: np.ndarray, t: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Times where ``x`` rises above / falls below ``threshold``, linearly interpolated."""
    above = x > threshold
    d = np.diff(above.astype(np.int8))
    up = np.flatnonzero(d == 1)
    down = np.flatnonzero(d == -1)

    def interp(i: np.ndarray) -> np.ndarray:
        x0, x1 = x[i], x[i + 1]
        frac = (threshold - x0) / (x1 - x0)
        return t[i] + frac * (t[i + 1] - t[i])

    return interp(up), interp(down)


def unloaded_offset(fz: np.ndarray, rate_hz: float) -> tuple[float, bool]:
    """Median force of the unloaded (flight / empty plate) samples, and whether any were found.

    Unloaded samples form the lowest, flat cluster of the force: within 30 N of the 2nd
    percentile, at least 3% of the samples, in runs of at least 20 ms. A "cluster" more than
    50 N (or 5% of the peak force) from zero is not an unloaded plate but a plate that never
    unloads (both feet on it, grounded running): no offset is removed then.
    """
    lo = float(np.nanpercentile(fz, 2))
    cand = fz < lo + 30.0
    min_run = max(2, int(0.02 * rate_hz))
    edges = np.diff(np.concatenate(([0], cand.astype(np.int8), [0])))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    keep = np.zeros_like(cand)
    for a, b in zip(starts, stops, strict=True):
        if b - a >= min_run:
            keep[a:b] = True
    if keep.mean() < 0.03:
        return 0.0, False
    offset = float(np.nanmedian(fz[keep]))
    if abs(offset) > max(50.0, 0.05 * float(np.nanpercentile(np.abs(fz), 99))):
        return 0.0, False
    return offset, True


@dataclass
class ForceEvents:
    """Result of force-plate event detection: ``table`` the contacts as
    :class:`~stridelab.model.columns.Columns`, ``contacts`` the same as a DataFrame (imports pandas)."""

    table: Columns
    time_s: np.ndarray
    fz_n: np.ndarray
    info: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    @property
    def contacts(self) -> pd.DataFrame:
        return self.table.to_pandas()


def _common_time(plates: list[ForcePlate]) -> np.ndarray:
    ref = max(plates, key=lambda p: p.rate_hz)
    return ref.time_s


def _on(t: np.ndarray, p: ForcePlate, x: np.ndarray) -> np.ndarray:
    if p.time_s.shape == t.shape and np.allclose(p.time_s, t):
        return x
    return np.interp(t, p.time_s, x, left=np.nan, right=np.nan)


def _prepare(p: ForcePlate, cutoff_hz: float) -> tuple[np.ndarray, float, bool, bool]:
    fz = p.force_n[:, UP].astype(float)
    fz = np.where(np.isfinite(fz), fz, 0.0)
    offset, found = unloaded_offset(fz, p.rate_hz)
    fz = fz - offset
    filtered = p.rate_hz >= 2.5 * cutoff_hz
    if filtered:
        fz = lowpass(fz, p.rate_hz, cutoff_hz)
    return fz, offset, found, filtered


def _intervals(fz: np.ndarray, t: np.ndarray, threshold: float) -> list[tuple[float, float, int, int]]:
    """(ic_s, to_s, first index above, last index above) of complete loaded intervals.

    Each up-crossing is paired with the first later down-crossing (``searchsorted``: linear in the
    recording's length); an up-crossing followed by another before that down-crossing is dropped,
    and the pairing stops at the first up-crossing with no later down-crossing.
    """
    ups, downs = crossings(fz, t, threshold)
    above = fz > threshold
    d = np.diff(above.astype(np.int8))
    up_i = np.flatnonzero(d == 1) + 1
    down_i = np.flatnonzero(d == -1)
    j = np.searchsorted(downs, ups, side="right")
    n = int(np.argmin(j < len(downs))) if (j >= len(downs)).any() else len(ups)
    k = np.arange(n)
    j = j[:n]
    nxt = np.append(ups, np.inf)[1 : n + 1]  # the next up-crossing (none after the last)
    keep = ~(nxt < downs[j])
    return [
        (float(ups[a]), float(downs[b]), int(up_i[a]), int(down_i[b])) for a, b in zip(k[keep], j[keep], strict=True)
    ]


def _sensitivity_match(starts: np.ndarray, ends: np.ndarray, ic: float, to: float) -> tuple[float, float]:
    """Start of the first and end of the last interval (``starts``, ``ends``) overlapping (ic, to); NaN when none.

    The intervals are disjoint and in time order, so those overlapping form one run: found with
    ``searchsorted`` on their ends and starts instead of a scan of every interval per contact.
    """
    a = int(np.searchsorted(ends, ic, side="right"))
    b = int(np.searchsorted(starts, to, side="left")) - 1
    if a > b or a >= len(ends) or b < 0:
        return np.nan, np.nan
    return float(starts[a]), float(ends[b])


def detect_force_contacts(
    trial: Trial,
    threshold_n: float = 20.0,
    cutoff_hz: float = 50.0,
    sensitivity_threshold_n: float = 50.0,
    min_contact_s: float = 0.04,
    max_contact_s: float = 1.0,
) -> ForceEvents:
    """Contacts from the trial's force plates (see module docstring for the method)."""
    warnings: list[str] = []
    rejected: list[dict[str, Any]] = []
    sided = [p for p in trial.forceplates if p.side is not None]
    shared = [p for p in trial.forceplates if p.side is None]
    rows: list[dict[str, Any]] = []
    info: dict[str, Any] = {
        "method": "threshold",
        "threshold_n": threshold_n,
        "filter": f"Butterworth low-pass {cutoff_hz:g} Hz, 2nd order forward-backward (4th-order zero-lag)",
        "plates": {},
    }
    groups: list[tuple[list[ForcePlate], str | None]] = [([p], p.side) for p in sided]
    if shared:
        groups.append((shared, None))
    t_all: np.ndarray | None = None
    fz_all: np.ndarray | None = None
    for plates, side in groups:
        t = _common_time(plates)
        fz_sum = np.zeros_like(t)
        missing = np.zeros(t.shape, dtype=bool)  # samples where a plate's force is absent (NaN)
        for p in plates:
            fz, offset, found, filtered = _prepare(p, cutoff_hz)
            fz_sum = fz_sum + np.nan_to_num(_on(t, p, fz))
            bad = ~np.isfinite(p.force_n[:, UP])
            if bad.any():
                missing |= np.nan_to_num(_on(t, p, bad.astype(float)), nan=0.0) > 0
                warnings.append(
                    f"{p.name}: {int(bad.sum())} force samples are missing (NaN); contacts during or next to them are left out"
                )
            info["plates"][p.name] = {"offset_n": round(offset, 2), "unloaded_found": found, "filtered": filtered, "rate_hz": p.rate_hz}
            if not filtered:
                warnings.append(f"{p.name}: sampled at {p.rate_hz:g} Hz, too slow for the {cutoff_hz:g} Hz filter; events from the unfiltered force")
            if not found:
                warnings.append(f"{p.name}: no unloaded period found, so its zero offset could not be removed")
        if t_all is None:
            t_all, fz_all = t, fz_sum
        elif side is None:
            t_all, fz_all = t, fz_sum
        ivals = _intervals(fz_sum, t, threshold_n)
        long = [iv for iv in ivals if iv[1] - iv[0] > max_contact_s]
        loaded_frac = float(np.mean(fz_sum > threshold_n)) if fz_sum.size else 0.0
        if long or (loaded_frac > 0.95 and fz_sum.size > 2 * max_contact_s * plates[0].rate_hz):
            raise NoFlightPhase(
                "the force plate stays loaded between steps (no flight phase), so it cannot tell the feet apart"
            )
        sens = _intervals(fz_sum, t, sensitivity_threshold_n)
        sens_starts = np.array([iv[0] for iv in sens], dtype=float)
        sens_ends = np.array([iv[1] for iv in sens], dtype=float)
        t0, t1 = float(t[0]), float(t[-1])
        pad = max(1, int(round(0.02 * plates[0].rate_hz)))  # the filter spreads a gap over ~20 ms
        for ic, to, i0, i1 in ivals:
            reason = None
            if i0 <= 1 or i1 >= len(t) - 2:
                reason = "partial contact at the start or end of the recording"
            elif missing.any() and missing[max(0, i0 - pad) : i1 + pad + 1].any():
                reason = "force samples missing (NaN) during or next to this contact: its start or end is unknown"
            elif to - ic < min_contact_s:
                reason = f"shorter than {min_contact_s * 1000:.0f} ms (a spike, not a foot contact)"
            if reason:
                rejected.append({"ic_s": round(ic, 4), "to_s": round(to, 4), "reason": reason, "source": "forces"})
                continue
            ic_50n, to_50n = _sensitivity_match(sens_starts, sens_ends, ic, to)
            row: dict[str, Any] = {
                "side": side,
                "ic_s": ic,
                "to_s": to,
                "source": "forces",
                "plate": "+".join(p.name for p in plates),
                "peak_fz_n": float(np.max(fz_sum[i0 : i1 + 1])),
                "ic_s_50n": ic_50n,
                "to_s_50n": to_50n,
            }
            rows.append(row)
        info["t_range_s"] = [t0, t1]
    contacts = contact_columns(rows)
    if len(contacts):
        contacts = _assign_sides(contacts, trial, warnings)
    sens_ic = (contacts["ic_s_50n"] - contacts["ic_s"]) * 1000 if len(contacts) else np.array([])
    sens_to = (contacts["to_s_50n"] - contacts["to_s"]) * 1000 if len(contacts) else np.array([])
    if sens_ic.size and np.isfinite(sens_ic).any():
        info["sensitivity_50n"] = {
            "threshold_n": sensitivity_threshold_n,
            "ic_shift_ms_mean": round(float(np.nanmean(sens_ic)), 2),
            "to_shift_ms_mean": round(float(np.nanmean(sens_to)), 2),
            "gct_change_ms_mean": round(float(np.nanmean(sens_to - sens_ic)), 2),
        }
    return ForceEvents(contacts, t_all if t_all is not None else np.zeros(0), fz_all if fz_all is not None else np.zeros(0), info, warnings, rejected)


def _cop_at(trial: Trial, a: float, b: float) -> np.ndarray | None:
    """Force-weighted mean centre of pressure over [a, b] across plates."""
    acc = np.zeros(3)
    w = 0.0
    for p in trial.forceplates:
        lo, hi = np.searchsorted(p.time_s, a, "left"), np.searchsorted(p.time_s, b, "right")  # times are sorted
        if hi <= lo:
            continue
        fz = p.force_n[lo:hi, UP]
        cop = p.cop_m[lo:hi]
        ok = np.isfinite(cop).all(axis=1) & (fz > 20)
        if ok.any():
            acc += (cop[ok] * fz[ok, None]).sum(axis=0)
            w += float(fz[ok].sum())
    return acc / w if w > 0 else None


def _prefix(x: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Cumulative sums of ``x`` over ``valid`` samples, with a leading 0 (window sums by difference)."""
    z = np.where(valid.reshape(valid.shape + (1,) * (x.ndim - valid.ndim)), x, 0.0)
    return np.concatenate([np.zeros((1,) + x.shape[1:]), np.cumsum(z, axis=0)])


def _window_means(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """NaN-ignoring mean of ``x`` (n,) or (n, k) over the samples [lo, hi) of each window."""
    fin = np.isfinite(x) if x.ndim == 1 else np.isfinite(x).all(axis=1)
    cs, cnt = _prefix(x, fin), np.concatenate([[0], np.cumsum(fin)])
    n = cnt[hi] - cnt[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        return (cs[hi] - cs[lo]) / (n if x.ndim == 1 else n[:, None])


def _cops_over(trial: Trial, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:func:`_cop_at` for every window [a, b] at once: (n, 3), NaN where no plate is loaded."""
    acc = np.zeros((len(a), 3))
    w = np.zeros(len(a))
    for p in trial.forceplates:
        fz = p.force_n[:, UP]
        ok = np.isfinite(p.cop_m).all(axis=1) & (fz > 20)
        lo, hi = np.searchsorted(p.time_s, a, "left"), np.searchsorted(p.time_s, b, "right")
        hi = np.maximum(hi, lo)
        cw, fw = _prefix(p.cop_m * fz[:, None], ok), _prefix(fz, ok)
        acc += cw[hi] - cw[lo]
        w += fw[hi] - fw[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((w > 0)[:, None], acc / w[:, None], np.nan)


def _mean_over_markers(mk: MarkerData, names: list[str]) -> np.ndarray:
    x = mk.positions_m[:, [mk.names.index(n) for n in names], :]
    if np.isfinite(x).all():
        return x.mean(axis=1)
    with np.errstate(all="ignore"):
        return np.nanmean(x, axis=1)


def _no_side(sides: np.ndarray) -> np.ndarray:
    return np.array([not isinstance(v, str) for v in sides.tolist()], dtype=bool)


def _assign_sides(contacts: Columns | pd.DataFrame, trial: Trial, warnings: list[str]) -> Columns:
    contacts = as_columns(contacts)
    contacts = contacts.select(contacts.columns)  # new columns go into a new table
    todo = _no_side(contacts["side"])
    if not todo.any():
        return contacts
    mk = trial.markers
    feet = {s: foot_markers(mk, s) for s in ("left", "right")} if mk is not None else {}
    if mk is not None and feet.get("left") and feet.get("right"):
        left, right = _mean_over_markers(mk, feet["left"]), _mean_over_markers(mk, feet["right"])
        t = mk.time_s  # sorted: index ranges by binary search instead of masks over the whole trial
        idx = np.flatnonzero(todo)
        ics = np.asarray(contacts["ic_s"], dtype=float)[idx]
        tos = np.asarray(contacts["to_s"], dtype=float)[idx]
        sides = np.asarray(contacts["side"], dtype=object).copy()
        dist = np.full(len(contacts), np.nan)
        # the middle half of each contact: height of each foot, and where the force acts
        a, b = ics + 0.25 * (tos - ics), ics + 0.75 * (tos - ics)
        lo, hi = np.searchsorted(t, a, "left"), np.searchsorted(t, b, "right")
        hl, hr = _window_means(left[:, UP], lo, hi), _window_means(right[:, UP], lo, hi)
        foot_l, foot_r = _window_means(left, lo, hi), _window_means(right, lo, hi)
        for k in np.flatnonzero(hi <= lo):  # no marker frame inside: the nearest one
            gap = np.abs(t - 0.5 * (ics[k] + tos[k]))
            m = gap == np.min(gap)
            with np.errstate(all="ignore"):
                hl[k], hr[k] = np.nanmean(left[m, UP]), np.nanmean(right[m, UP])
                foot_l[k], foot_r[k] = np.nanmean(left[m], axis=0), np.nanmean(right[m], axis=0)
        # the stance foot is the one under the centre of pressure; without a centre of pressure,
        # the lower foot (the other one is in swing, well above the ground)
        cops = _cops_over(trial, a, b)
        dl = np.hypot(foot_l[:, FORWARD] - cops[:, FORWARD], foot_l[:, LEFT] - cops[:, LEFT])
        dr = np.hypot(foot_r[:, FORWARD] - cops[:, FORWARD], foot_r[:, LEFT] - cops[:, LEFT])
        by_cop = np.isfinite(dl) & np.isfinite(dr)
        by_height = ~by_cop & np.isfinite(hl) & np.isfinite(hr)
        is_left = np.where(by_cop, dl < dr, hl < hr)
        found = by_cop | by_height
        sides[idx[found]] = np.where(is_left[found], "left", "right")
        dist[idx[by_cop]] = np.where(is_left, dl, dr)[by_cop]
        disagree = int(np.sum(by_cop & np.isfinite(hl) & np.isfinite(hr) & ((dl < dr) != (hl < hr))))
        far = int(np.sum(np.where(is_left, dl, dr)[by_cop] > 0.35))
        contacts["side"] = sides
        contacts["cop_foot_distance_m"] = dist
        if far:
            warnings.append(f"{far} contact(s) have their centre of pressure more than 35 cm from the stance foot; check the plate calibration and marker labels")
        if disagree:
            warnings.append(f"in {disagree} contact(s) the foot over the centre of pressure is not the lower foot; sides follow the centre of pressure (check the marker labels)")
        side_from = np.full(len(contacts), None, dtype=object)
        side_from[idx[by_cop]] = "foot nearest the centre of pressure"
        side_from[idx[by_height]] = "lower foot at mid-contact"
        contacts["side_from"] = side_from
    if _no_side(contacts["side"]).any():
        lat = []
        for i in np.flatnonzero(_no_side(contacts["side"])):
            cop = _cop_at(trial, float(contacts["ic_s"][i]), float(contacts["to_s"][i]))
            lat.append((i, np.nan if cop is None else cop[LEFT]))
        vals = np.array([v for _, v in lat], dtype=float)
        if np.isfinite(vals).sum() >= 2:
            mid = float(np.nanmedian(vals))
            sides = np.asarray(contacts["side"], dtype=object).copy()
            for i, v in lat:
                if np.isfinite(v):
                    sides[i] = "left" if v > mid else "right"
            contacts["side"] = sides
            contacts["side_from"] = np.full(len(contacts), "lateral centre of pressure", dtype=object)
            warnings.append("sides assigned from the lateral position of the centre of pressure (no foot markers); check them")
    return contacts.take(~_no_side(contacts["side"]))
