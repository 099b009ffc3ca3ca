"""Find the vertical and forward axes of a recording from the data itself.

* Vertical: the file axis along which the pelvis/trunk landmarks sit furthest above the foot
  landmarks; without recognised landmarks, the axis of the dominant ground reaction force.
* Forward, from motion (running trials): overground, the pelvis travels forwards. Otherwise,
  while a foot is on the ground it moves backwards
  relative to the pelvis, overground (the body passes over the planted foot) and on a treadmill
  (the belt carries the foot back) alike. The horizontal axis with the largest mean
  foot-minus-pelvis velocity during the foot's lowest phase is the fore-aft axis; forward is
  opposite to that velocity.
* Forward, from anatomy (standing trials): toe/metatarsal ahead of heel, ASIS ahead of PSIS.

Labs align their axes with the runway or treadmill, so the result is a signed file axis.
"""

from __future__ import annotations

import numpy as np

UPPER_PREFIXES = ("asis", "psis", "iliac_crest", "gtr", "pelvis_c", "sacrum", "c7", "t10", "clav", "strn", "shoulder")
FOOT_PREFIXES = ("heel", "mt1", "mt2", "mt5", "toe", "foot_c", "midfoot", "forefoot", "ankle_lat", "ankle_med")


def _nanmean(x: np.ndarray, axis: int | tuple[int, ...]) -> np.ndarray:
    """``np.nanmean`` without its copy when there is nothing to ignore (the same sums)."""
    if np.isfinite(x).all():
        return np.asarray(x.mean(axis=axis))
    with np.errstate(all="ignore"):
        return np.asarray(np.nanmean(x, axis=axis))


def _strip_side(name: str) -> str:
    return name[2:] if name[:2] in ("l_", "r_") else name


def group_indices(names: list[str], prefixes: tuple[str, ...], side: str | None = None) -> list[int]:
    out = []
    for i, n in enumerate(names):
        if side is not None and not n.startswith(side):
            continue
        if _strip_side(n).startswith(prefixes):
            out.append(i)
    return out


def vertical_from_markers(names: list[str], positions: np.ndarray) -> tuple[int, float] | None:
    """(axis, sign) with ``sign * positions[..., axis]`` pointing up, or None when unknown."""
    up = group_indices(names, UPPER_PREFIXES)
    foot = group_indices(names, FOOT_PREFIXES)
    if not up or not foot:
        return None
    d = _nanmean(positions[:, up, :], axis=(0, 1)) - _nanmean(positions[:, foot, :], axis=(0, 1))
    if not np.all(np.isfinite(d)):
        return None
    axis = int(np.argmax(np.abs(d)))
    return axis, float(np.sign(d[axis]))


def vertical_from_force(force: np.ndarray) -> tuple[int, float] | None:
    """(axis, sign) of the dominant component of a ground reaction force (N) while loaded."""
    if force.size == 0:
        return None
    mag = np.linalg.norm(np.nan_to_num(force), axis=1)
    if not np.any(mag > 100):
        return None
    loaded = force[mag > np.nanpercentile(mag, 75)]
    med = np.nanmedian(loaded, axis=0)
    axis = int(np.argmax(np.abs(med)))
    return axis, float(np.sign(med[axis]))


def forward_from_motion(
    names: list[str], positions: np.ndarray, rate_hz: float, vertical: tuple[int, float]
) -> tuple[int, float, float] | None:
    """(axis, sign, confidence) of the running direction from foot-vs-pelvis motion, or None."""
    up_idx = group_indices(names, UPPER_PREFIXES[:6])
    if not up_idx or positions.shape[0] < max(10, int(0.2 * rate_hz)):
        return None
    vax, vsign = vertical
    horiz = [a for a in range(3) if a != vax]
    pelvis = _nanmean(positions[:, up_idx, :], axis=1)
    # overground: the pelvis itself travels (faster than 1 m/s on average) in the running direction
    ok = np.flatnonzero(np.isfinite(pelvis).all(axis=1))
    if ok.size >= 2:
        disp = (pelvis[ok[-1]] - pelvis[ok[0]]) / ((ok[-1] - ok[0]) / rate_hz)
        a = max(horiz, key=lambda k: abs(disp[k]))
        if abs(disp[a]) > 1.0:
            other = [k for k in horiz if k != a][0]
            return a, float(np.sign(disp[a])), abs(disp[a]) / (abs(disp[a]) + abs(disp[other]))
    votes = np.zeros(3)
    weight = 0.0
    for side in ("l_", "r_"):
        idx = group_indices(names, FOOT_PREFIXES[:8], side)
        if not idx:
            continue
        foot = _nanmean(positions[:, idx, :], axis=1)
        h = vsign * foot[:, vax]
        if not np.isfinite(h).any():
            continue
        lo, hi = np.nanpercentile(h, [2, 98])
        if not hi > lo:
            continue
        low = h < lo + 0.2 * (hi - lo)
        rel = np.gradient(foot - pelvis, axis=0) * rate_hz
        for a in horiz:
            v = rel[low & np.isfinite(rel[:, a]), a]
            if v.size > 5:
                votes[a] += float(np.median(v))
        weight += 1
    if weight == 0:
        return None
    a = max(horiz, key=lambda k: abs(votes[k]))
    other = [k for k in horiz if k != a][0]
    conf = abs(votes[a]) / (abs(votes[a]) + abs(votes[other]) + 1e-9)
    if abs(votes[a]) / weight < 0.3:  # feet barely move relative to the pelvis: not locomotion
        return None
    return a, float(-np.sign(votes[a])), conf


_ANATOMY_PAIRS = (
    (("toe", "mt2", "mt1", "mt5", "forefoot"), ("heel", "heel_bottom", "heel_top")),
    (("asis",), ("psis",)),
    (("knee_lat",), ()),
)


def forward_from_anatomy(names: list[str], positions: np.ndarray, vertical: tuple[int, float]) -> tuple[int, float] | None:
    """(axis, sign) of the facing direction from toe-vs-heel and ASIS-vs-PSIS, or None."""
    vax = vertical[0]
    horiz = [a for a in range(3) if a != vax]
    index = {n: i for i, n in enumerate(names)}
    total = np.zeros(3)
    n_pairs = 0
    for front_names, back_names in _ANATOMY_PAIRS[:2]:
        for side in ("l_", "r_"):
            f = next((index[side + n] for n in front_names if side + n in index), None)
            b = next((index[side + n] for n in back_names if side + n in index), None)
            if f is None or b is None:
                continue
            with np.errstate(all="ignore"):
                d = np.nanmedian(positions[:, f, :] - positions[:, b, :], axis=0)
            if np.all(np.isfinite(d)):
                total += d / (np.linalg.norm(d[horiz]) + 1e-12)
                n_pairs += 1
    if n_pairs == 0:
        return None
    a = max(horiz, key=lambda k: abs(total[k]))
    return a, float(np.sign(total[a]))


def forward_from_force(force: np.ndarray, vertical: tuple[int, float]) -> tuple[int, float] | None:
    """(axis, sign) of the running direction from the ground reaction force alone.

    In every running stance the fore-aft force first brakes (points backwards) and then propels
    (points forwards), on a treadmill as overground. Per contact the late-minus-early horizontal
    force points forward; the horizontal axis where that difference is largest is fore-aft.
    """
    vax, vsign = vertical
    fz = vsign * force[:, vax]
    loaded = np.nan_to_num(fz) > 50.0
    edges = np.diff(np.concatenate(([0], loaded.astype(np.int8), [0])))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    horiz = [a for a in range(3) if a != vax]
    diff = np.zeros(3)
    n = 0
    for a, b in zip(starts, stops, strict=True):
        if b - a < 6:
            continue
        mid = (a + b) // 2
        diff += np.nanmean(force[mid:b], axis=0) - np.nanmean(force[a:mid], axis=0)
        n += 1
    if n == 0:
        return None
    ax = max(horiz, key=lambda k: abs(diff[k]))
    return ax, float(np.sign(diff[ax]))
