"""Clean-up that keypoints from video need before a running analysis.

Applied by every keypoint reader (:func:`clean_keypoints`), in this order:

1. **Low confidence**: points below ``min_confidence`` are treated as missing. **One person**: a
   single-person pose model jumps to someone else when it loses the runner; a jump of the hip
   centre by more than one leg length between frames (impossible for a runner: 25 m/s at 30 fps),
   or a gap of more than 0.5 s, splits the video, and only the longest stretch is analysed (with a
   warning naming it).
2. **Left/right swaps** (``method="viterbi_constant_velocity"``, our own; basis: label switches of
   the near and far leg are a known failure of pose models on side views of runners, Stenum J et al.
   2021, PLoS Comput Biol 17:e1008935, who corrected them by hand; we correct them as a two-label
   assignment solved with the Viterbi algorithm, Viterbi AJ 1967, IEEE Trans Inf Theory 13:260).
   Each frame's leg points (hip, knee, ankle, heel, toes) are either as labelled or swapped; the
   chosen sequence minimises the squared distance of every point from its constant-velocity
   prediction from the two previous frames, plus a small cost for each swapped frame (so the
   pose model's labelling wins when continuity cannot tell, and a whole-video swap is left alone).
   Arms are assigned the same way, separately.
3. **Gaps and jitter**: confidence-weighted LOESS, gaps up to 0.1 s bridged
   (:mod:`stridelab.video.smooth`).
4. **Facing**: the runner faces right in the image when the toes are to the right of the heels
   (median over frames; the nose-ahead-of-ears test when the feet lack toe or heel points).
5. **Treadmill or overground**: overground when the hip centre crosses the image faster than
   0.5 leg lengths per second (a runner's speed is 2-6 leg lengths/s; on a treadmill the hips stay
   put). A camera panning with the runner looks like a treadmill: pass ``--environment``.
6. **Frame rate**: contact timing needs >= 60 fps (at 30 fps a frame is 33 ms, a fifth of a contact
   time); at lower rates the timing metrics are given with a warning and their wider uncertainty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stridelab.model.trial import Keypoints2D, QualityLog
from stridelab.video.names import ARM, LEG
from stridelab.video.smooth import smooth_keypoints

MIN_TIMING_RATE_HZ = 60.0


@dataclass
class CleanupInfo:
    """What the clean-up found and did (stored in ``trial.provenance.extra["video"]``)."""

    facing: str = "right"
    environment: str = "unknown"
    leg_swaps_fixed: int = 0
    arm_swaps_fixed: int = 0
    frames_filled: int = 0
    frames_without_runner: int = 0
    leg_length_px: float | None = None
    analysed_s: tuple[float, float] | None = None
    smoothing: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _pairs(names: list[str], parts: tuple[str, ...]) -> list[tuple[int, int]]:
    idx = {n: i for i, n in enumerate(names)}
    return [(idx["l_" + p], idx["r_" + p]) for p in parts if "l_" + p in idx and "r_" + p in idx]


#: Frames whose transition costs are computed in one block (bounds the temporary arrays: about 1.5 kB a frame).
SWAP_BLOCK_FRAMES = 4096


def _transition_costs(both: np.ndarray, wts: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Cost[t - 2, s0, s1, s2] of states (s_{t-2}, s_{t-1}, s_t) = (s0, s1, s2) for t = 2 .. n-1:
    the confidence-weighted squared distances of the points at t from their constant-velocity
    prediction 2 x_{t-1}(s1) - x_{t-2}(s0) (see :func:`fix_swaps`), all frames at once."""
    n = both.shape[0]
    out = np.empty((max(n - 2, 0), 2, 2, 2))
    w01 = np.clip(wts, 0, 1)
    for a in range(2, n, SWAP_BLOCK_FRAMES):
        b = min(n, a + SWAP_BLOCK_FRAMES)
        x2, x1, x0 = both[a:b], both[a - 1:b - 1], both[a - 2:b - 2]  # (m, 2 states, 2p, 2)
        pred = 2 * x1[:, None, :, None] - x0[:, :, None, None]  # (m, s0, s1, 1, 2p, 2)
        d = x2[:, None, None, :] - pred  # (m, s0, s1, s2, 2p, 2)
        ok = valid[a:b][:, None, None, :] & valid[a - 1:b - 1][:, None, :, None] & valid[a - 2:b - 2][:, :, None, None]
        w = np.sqrt(w01[a:b][:, None, :] * w01[a - 1:b - 1][:, :, None])  # (m, s1, s2, 2p)
        out[a - 2:b - 2] = np.where(ok, w[:, None] * np.sum(np.nan_to_num(d) ** 2, axis=-1), 0.0).sum(axis=-1)
    return out


def fix_swaps(xy: np.ndarray, conf: np.ndarray, pairs: list[tuple[int, int]], swap_cost_px2: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Relabel left/right per frame (see module docstring, step 2). Returns (xy, conf, swapped mask).

    The transition costs of every frame are computed at once (:func:`_transition_costs`); only the
    Viterbi recursion over the 2 x 2 states runs frame by frame, on plain floats."""
    n = xy.shape[0]
    if not pairs or n < 3:
        return xy, conf, np.zeros(n, dtype=bool)
    li = [a for a, _ in pairs]
    ri = [b for _, b in pairs]
    both = np.stack([xy[:, li + ri], xy[:, ri + li]], axis=1)  # (n, 2 states, 2p, 2)
    wts = np.stack([conf[:, li + ri], conf[:, ri + li]], axis=1)
    valid = np.isfinite(both[..., 0])
    cost = _transition_costs(both, wts, valid).tolist()
    # best[s_{t-1}][s_t] at t=1
    best = [[0.0, swap_cost_px2], [swap_cost_px2, 2 * swap_cost_px2]]
    back: list[list[list[int]]] = [[[0, 0], [0, 0]] for _ in range(n)]
    for t in range(2, n):
        c = cost[t - 2]
        new = [[0.0, 0.0], [0.0, 0.0]]
        bt = back[t]
        for s1 in (0, 1):
            b0, b1 = best[0][s1], best[1][s1]
            for s2 in (0, 1):
                extra = swap_cost_px2 if s2 else 0.0
                t0 = b0 + c[0][s1][s2] + extra
                t1 = b1 + c[1][s1][s2] + extra
                j = 0 if t0 != t0 else int(t1 != t1 or t1 < t0)  # as np.argmin: the first NaN, else the first minimum
                new[s1][s2] = t1 if j else t0
                bt[s1][s2] = j
        best = new
    flat = [best[0][0], best[0][1], best[1][0], best[1][1]]
    last = np.unravel_index(int(np.argmin(flat)), (2, 2))
    states = np.zeros(n, dtype=np.int8)
    states[n - 1], states[n - 2] = int(last[1]), int(last[0])
    for t in range(n - 1, 1, -1):
        states[t - 2] = back[t][states[t - 1]][states[t]]
    sw = states.astype(bool)
    out, oc = xy.copy(), conf.copy()
    a_, b_ = np.array(li + ri), np.array(ri + li)
    out[np.ix_(sw, a_)] = xy[np.ix_(sw, b_)]
    oc[np.ix_(sw, a_)] = conf[np.ix_(sw, b_)]
    return out, oc, sw


def _pt(kp: Keypoints2D, xy: np.ndarray, name: str) -> np.ndarray | None:
    return xy[:, kp.names.index(name)] if name in kp.names else None


def leg_length_px(names: list[str], xy: np.ndarray) -> float | None:
    """Hip-knee plus knee-ankle length (pixels): the 90th percentile over frames of each segment
    (a segment seen from the side is foreshortened, never lengthened, when it leaves the image plane)."""
    tot = []
    for s in ("l_", "r_"):
        try:
            h, k, a = (xy[:, names.index(s + p)] for p in ("hip", "knee", "ankle"))
        except ValueError:
            continue
        th = np.linalg.norm(k - h, axis=1)
        sh = np.linalg.norm(a - k, axis=1)
        if np.isfinite(th).sum() > 5 and np.isfinite(sh).sum() > 5:
            tot.append(float(np.nanpercentile(th, 90) + np.nanpercentile(sh, 90)))
    return float(np.mean(tot)) if tot else None


def facing_direction(names: list[str], xy: np.ndarray) -> str | None:
    """'right' or 'left' in the image (see module docstring, step 4), None when unknown."""
    d = []
    for s in ("l_", "r_"):
        if s + "toe" in names and s + "heel" in names:
            d.append(xy[:, names.index(s + "toe"), 0] - xy[:, names.index(s + "heel"), 0])
    if not d and "nose" in names:
        ears = [xy[:, names.index(e), 0] for e in ("l_ear", "r_ear") if e in names]
        if ears:
            with np.errstate(all="ignore"):
                d.append(xy[:, names.index("nose"), 0] - np.mean(np.stack(ears), axis=0))
    if not d:
        return None
    import warnings

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        m = float(np.nanmedian(np.concatenate(d)))
    if not np.isfinite(m) or m == 0:
        return None
    return "right" if m > 0 else "left"


def hip_centre(names: list[str], xy: np.ndarray) -> np.ndarray | None:
    hips = [xy[:, names.index(h)] for h in ("l_hip", "r_hip") if h in names]
    if not hips:
        return xy[:, names.index("mid_hip")] if "mid_hip" in names else None
    import warnings

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(np.stack(hips), axis=0)


def detect_environment(names: list[str], xy: np.ndarray, time_s: np.ndarray, leg_px: float | None) -> str:
    hc = hip_centre(names, xy)
    if hc is None or leg_px is None:
        return "unknown"
    ok = np.isfinite(hc[:, 0])
    if ok.sum() < 10:
        return "unknown"
    t, x = time_s[ok], hc[ok, 0]
    slope = float(np.polyfit(t - t[0], x, 1)[0])
    return "overground" if abs(slope) / leg_px > 0.5 else "treadmill"


def longest_one_person_stretch(names: list[str], xy: np.ndarray, time_s: np.ndarray, leg_px: float, max_gap_s: float = 0.5) -> tuple[int, int]:
    """[start, stop) frames of the longest stretch without a person switch (module docstring, step 1)."""
    hc = hip_centre(names, xy)
    n = len(xy)
    if hc is None:
        return 0, n
    ok = np.flatnonzero(np.isfinite(hc[:, 0]))
    if ok.size < 2:
        return 0, n
    jump = np.linalg.norm(np.diff(hc[ok], axis=0), axis=1) > leg_px
    gap = np.diff(time_s[ok]) > max_gap_s
    cuts = np.flatnonzero(jump | gap)
    starts = np.concatenate(([ok[0]], ok[cuts + 1]))
    stops = np.concatenate((ok[cuts] + 1, [ok[-1] + 1]))
    k = int(np.argmax(stops - starts))
    if len(starts) == 1:
        return 0, n
    return int(starts[k]), int(stops[k])


def clean_keypoints(kp: Keypoints2D, quality: QualityLog, min_confidence: float = 0.3, max_gap_s: float = 0.1) -> tuple[Keypoints2D, CleanupInfo]:
    """Clean keypoints for the running analysis (module docstring); warnings go to ``quality``."""
    info = CleanupInfo()
    xy = kp.xy_px.astype(float).copy()
    conf = np.nan_to_num(kp.confidence.astype(float), nan=0.0)
    low = conf < min_confidence
    xy[low] = np.nan
    present = np.isfinite(xy[..., 0]).any(axis=1)
    info.frames_without_runner = int((~present).sum())
    leg_px = leg_length_px(kp.names, xy)
    info.leg_length_px = leg_px
    if leg_px:
        a, b = longest_one_person_stretch(kp.names, xy, kp.time_s, leg_px)
        if (a, b) != (0, len(xy)):
            quality.warn(
                f"the pose model followed more than one person or lost the runner; analysing the longest stretch with one person, "
                f"{kp.time_s[a]:.2f}-{kp.time_s[b - 1]:.2f} s",
                kind="person_switch",
            )
            xy[:a] = np.nan
            xy[b:] = np.nan
            info.analysed_s = (float(kp.time_s[a]), float(kp.time_s[b - 1]))
            leg_px = leg_length_px(kp.names, xy)
            info.leg_length_px = leg_px
    if leg_px:
        cost = (0.05 * leg_px) ** 2
        xy, conf, sw = fix_swaps(xy, conf, _pairs(kp.names, LEG), cost)
        info.leg_swaps_fixed = int(np.sum(np.diff(np.concatenate(([0], sw.astype(np.int8)))) == 1))
        xy, conf, swa = fix_swaps(xy, conf, _pairs(kp.names, ARM), cost)
        info.arm_swaps_fixed = int(np.sum(np.diff(np.concatenate(([0], swa.astype(np.int8)))) == 1))
    sm, counts = smooth_keypoints(xy, np.where(np.isfinite(xy[..., 0]), conf, 0.0), kp.rate_hz, max_gap_s=max_gap_s)
    info.frames_filled = counts["frames_filled"]
    info.smoothing = {"method": "loess_confidence", "half_width_frames": counts["half_width_frames"], "max_gap_s": max_gap_s, "min_confidence": min_confidence}
    info.facing = facing_direction(kp.names, sm) or "right"
    if facing_direction(kp.names, sm) is None:
        quality.warn("the direction the runner faces could not be found (no toe/heel or nose/ear points); assumed facing right")
    info.environment = detect_environment(kp.names, sm, kp.time_s, leg_px)
    if info.frames_without_runner:
        frac = info.frames_without_runner / max(1, len(present))
        quality.warn(f"no runner found in {info.frames_without_runner} of {len(present)} frames ({frac:.0%})", kind="frames_without_runner")
    if info.leg_swaps_fixed or info.arm_swaps_fixed:
        quality.note("keypoint_swaps", legs=info.leg_swaps_fixed, arms=info.arm_swaps_fixed)
    if kp.rate_hz < MIN_TIMING_RATE_HZ:
        quality.warn(
            f"the video has {kp.rate_hz:.0f} frames per second: contact and flight times need >= 60 fps; "
            f"they are given, but each event is uncertain by about one frame ({1000 / kp.rate_hz:.0f} ms)"
        )
    out = Keypoints2D(list(kp.names), sm, np.where(np.isfinite(sm[..., 0]), conf, 0.0), kp.rate_hz, kp.time_s, kp.image_size_px)
    return out, info
