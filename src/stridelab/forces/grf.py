"""The ground reaction force under the runner and under each foot, ready for metrics.

* Offsets: each plate's force components are zeroed on its unloaded samples (flight phases), found
  as for the contact events (:func:`stridelab.events.forceplate.unloaded_offset`).
* Centre of pressure: plates report nonsense when (nearly) unloaded, so the COP is used only where
  the plate's vertical force exceeds ``COP_MIN_N`` (50 N). Filtering acts on the force and on the
  force-weighted COP (``Fz * COP``, i.e. the plate moments), and the COP is recovered from their
  ratio, which keeps force and COP consistent.
* Several plates are combined into one force, one COP (vertical-force weighted) and one free
  moment (including the moment of each plate's force about the combined COP).
* Per foot (for inverse dynamics): plates that belong to one foot keep it; a shared plate
  (treadmill, or a runway plate stepped on by both feet) is split in time, every sample going to
  the foot of the nearest contact (running has no double support).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from stridelab.dsp import lowpass
from stridelab.events.forceplate import unloaded_offset
from stridelab.model.axes import FORWARD, LEFT, UP
from stridelab.model.trial import ForcePlate, Trial

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from stridelab.analysis import Analysis
    from stridelab.model.columns import Columns

COP_MIN_N = 50.0
G = 9.81


@dataclass
class Grf:
    """Force on the runner (N, canonical axes), centre of pressure (m; NaN where unloaded) and
    free moment about the vertical (N·m), on one clock."""

    time_s: np.ndarray
    rate_hz: float
    force_n: np.ndarray
    cop_m: np.ndarray
    free_moment_nm: np.ndarray

    def resample(self, time_s: np.ndarray) -> Grf:
        """Linear interpolation onto another clock (e.g. the markers'); zero force outside."""
        f = np.stack([np.interp(time_s, self.time_s, self.force_n[:, k], left=0.0, right=0.0) for k in range(3)], axis=1)
        fz = np.where(np.isfinite(self.cop_m[:, 0]), self.force_n[:, UP], 0.0)
        cop = np.full((len(time_s), 3), np.nan)
        w = np.interp(time_s, self.time_s, fz, left=0.0, right=0.0)
        for k in range(3):
            m = np.interp(time_s, self.time_s, np.nan_to_num(self.cop_m[:, k]) * fz, left=0.0, right=0.0)
            with np.errstate(invalid="ignore", divide="ignore"):
                cop[:, k] = np.where(w > COP_MIN_N, m / w, np.nan)
        tz = np.interp(time_s, self.time_s, self.free_moment_nm, left=0.0, right=0.0)
        rate = 1.0 / float(np.median(np.diff(time_s))) if len(time_s) > 1 else self.rate_hz
        return Grf(time_s, rate, f, cop, tz)


def _plate_signals(p: ForcePlate, cutoff_hz: float | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Offset-free, filtered force (n,3), Fz-weighted COP moments (n,3) and free moment (n,)."""
    f = np.nan_to_num(p.force_n.astype(float))
    off, found = unloaded_offset(f[:, UP], p.rate_hz)
    if found:
        lo = f[:, UP] < off + 30.0
        f = f - np.median(f[lo], axis=0)
    valid = np.isfinite(p.cop_m).all(axis=1) & (f[:, UP] > COP_MIN_N)
    m = np.where(valid[:, None], np.nan_to_num(p.cop_m) * f[:, UP : UP + 1], 0.0)
    tz = np.nan_to_num(p.free_moment_nm[:, UP].astype(float)) if p.free_moment_nm.ndim == 2 else np.nan_to_num(p.free_moment_nm.astype(float))
    tz = np.where(f[:, UP] > COP_MIN_N, tz, 0.0)
    if cutoff_hz is not None and p.rate_hz >= 2.5 * cutoff_hz:
        y = lowpass(np.concatenate([f, m, tz[:, None]], axis=1), p.rate_hz, cutoff_hz)  # each channel on its own
        f, m, tz = y[:, :3], y[:, 3:6], y[:, 6]
    return f, m, tz


def combine(plates: list[ForcePlate], cutoff_hz: float | None) -> Grf | None:
    """One force, COP and free moment from several plates on the clock of the fastest plate."""
    if not plates:
        return None
    ref = max(plates, key=lambda q: q.rate_hz)
    t = ref.time_s
    f_sum = np.zeros((len(t), 3))
    m_sum = np.zeros((len(t), 3))
    tz_sum = np.zeros(len(t))
    parts = []
    for p in plates:
        f, m, tz = _plate_signals(p, cutoff_hz)
        if p.time_s.shape != t.shape or not np.allclose(p.time_s, t):
            f = np.stack([np.interp(t, p.time_s, f[:, k], left=0, right=0) for k in range(3)], axis=1)
            m = np.stack([np.interp(t, p.time_s, m[:, k], left=0, right=0) for k in range(3)], axis=1)
            tz = np.interp(t, p.time_s, tz, left=0, right=0)
        f_sum += f
        m_sum += m
        tz_sum += tz
        parts.append((f, m))
    fz = f_sum[:, UP]
    with np.errstate(invalid="ignore", divide="ignore"):
        cop = np.where((fz > COP_MIN_N)[:, None], m_sum / fz[:, None], np.nan)
    if len(parts) > 1:
        # vertical moment of each plate's force about the combined COP
        for f, m in parts:
            with np.errstate(invalid="ignore", divide="ignore"):
                cop_i = np.where((f[:, UP] > COP_MIN_N)[:, None], m / f[:, UP : UP + 1], np.nan)
            d = np.nan_to_num(cop_i - cop)
            tz_sum += d[:, FORWARD] * f[:, LEFT] - d[:, LEFT] * f[:, FORWARD]
    return Grf(t, ref.rate_hz, f_sum, cop, tz_sum)


def total_grf(trial: Trial, cutoff_hz: float | None) -> Grf | None:
    """The whole force under the runner (all plates)."""
    return combine(trial.forceplates, cutoff_hz)


def cached_total_grf(analysis: Analysis, cutoff_hz: float | None) -> Grf | None:
    """:func:`total_grf` of the analysis' trial, computed once per analysis and cut-off (kept in
    ``analysis.cache``, which the kinematics and kinetics stages share)."""
    key = f"grf_{cutoff_hz}"
    if key not in analysis.cache:
        analysis.cache[key] = total_grf(analysis.trial, cutoff_hz)
    g: Grf | None = analysis.cache[key]
    return g


def split_by_contacts(grf: Grf, contacts: Columns | pd.DataFrame) -> dict[str, Grf]:
    """Each sample to the foot of the nearest contact (boundaries at mid-flight)."""
    order = np.argsort(np.asarray(contacts["ic_s"], dtype=float))  # pandas' sort_values: quicksort
    ic, to, side = np.asarray(contacts["ic_s"], dtype=float)[order], np.asarray(contacts["to_s"], dtype=float)[order], np.asarray(contacts["side"])[order]
    out: dict[str, Grf] = {}
    if len(ic) == 0:
        return out
    bounds = np.concatenate([[-np.inf], 0.5 * (to[:-1] + ic[1:]), [np.inf]])
    owner = np.searchsorted(bounds, grf.time_s, side="right") - 1
    owner = np.clip(owner, 0, len(ic) - 1)
    for s in ("left", "right"):
        mine = side[owner] == s
        out[s] = Grf(
            grf.time_s,
            grf.rate_hz,
            np.where(mine[:, None], grf.force_n, 0.0),
            np.where(mine[:, None], grf.cop_m, np.nan),
            np.where(mine, grf.free_moment_nm, 0.0),
        )
    return out


def foot_grf(trial: Trial, contacts: Columns | pd.DataFrame, cutoff_hz: float | None) -> dict[str, Grf]:
    """Ground reaction force under each foot (see module docstring)."""
    out: dict[str, Grf] = {}
    sided = {s: [p for p in trial.forceplates if p.side == s] for s in ("left", "right")}
    shared = [p for p in trial.forceplates if p.side is None]
    split = split_by_contacts(g, contacts) if (g := combine(shared, cutoff_hz)) is not None else {}
    for s in ("left", "right"):
        own = combine(sided[s], cutoff_hz)
        part = split.get(s)
        if own is not None and part is not None:
            part = part.resample(own.time_s)
            cop = np.where(np.isfinite(own.cop_m), own.cop_m, part.cop_m)
            own = Grf(own.time_s, own.rate_hz, own.force_n + part.force_n, cop, own.free_moment_nm + part.free_moment_nm)
        if own is not None or part is not None:
            out[s] = own if own is not None else part  # type: ignore[assignment]
    return out


__all__ = ["COP_MIN_N", "G", "Grf", "cached_total_grf", "combine", "foot_grf", "split_by_contacts", "total_grf"]
