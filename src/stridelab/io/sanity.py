"""Sanity of a recording before any number is computed from it: time base and physical ranges.

Two hooks: :func:`check_raw` runs on what a motion-capture reader parsed, before units, axes and
gaps are resolved (:func:`stridelab.io.assemble.build_trial`), and :func:`check_trial` on every
trial a reader returns (:func:`stridelab.io.read_trial`). Each check either refuses the recording
with one :class:`~stridelab.errors.InvalidInputError` line that names the problem and what to do,
or excludes the offending samples (set missing) with a warning; it never lets a number be computed
on a time base or a value that cannot be right.

Checks and their bounds (wide: they catch wrong units, wrong rates and corrupt samples, not unusual
runners):

* sampling rates finite and within :data:`RATE_HZ` (a C3D point rate of 1e30 or 0, a TRC DataRate
  of 0, a time column in milliseconds read as seconds: 0.15 Hz);
* time columns finite and strictly increasing, and a declared rate agreeing with the time column
  within :data:`RATE_TOLERANCE` (a TRC ``DataRate`` of 1000 over a 150-Hz time column);
* forces and markers recorded together lasting the same time within :data:`DURATION_TOLERANCE`
  (a wrong ``--forces-rate-hz`` or ``--rate-hz`` stretches one of them);
* marker coordinates beyond :data:`MAX_ABS_COORD` file units (a corrupt 3e38 frame) are set
  missing before the vertical axis is found, with a warning; what is left must not move faster
  than :data:`MAX_MARKER_SPEED_MPS` for more than an occasional sample;
* ground reaction forces beyond :data:`MAX_FORCE_N` (analog values x1000, wrong calibration);
* accelerations: a sensor whose median magnitude is beyond :data:`MAX_MEDIAN_ACC_MPS2` is in wrong
  units; one that reads no gravity at all is not an accelerometer.

Human-performance bounds: the fastest human sprint is ~12.4 m/s and the feet swing at up to about
twice the running speed (Weyand et al. 2000, J Appl Physiol 89:1991), so 50 m/s for a marker is
impossible; peak vertical ground reaction forces in sprinting reach ~5 body weights (Weyand 2000;
Clark & Weyand 2014, J Appl Physiol 117:604), i.e. < 10 kN for a 200-kg runner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from stridelab.errors import InvalidInputError
from stridelab.io.limits import check_samples

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.io.assemble import RawMocap
    from stridelab.model.trial import Trial

#: Plausible sampling rates (Hz): below 1 Hz nothing about a step can be seen; above 100 kHz no
#: motion-capture or force system samples.
RATE_HZ = (1.0, 100_000.0)
#: Largest relative disagreement between a declared rate and the median step of the time column.
RATE_TOLERANCE = 0.02
#: Largest relative disagreement between the durations of forces and markers of one recording (and
#: at least this many seconds, for short clips).
DURATION_TOLERANCE = 0.2
DURATION_TOLERANCE_S = 0.5
#: Coordinates beyond this (in file units: 1e7 mm is 10 km) are corrupt samples.
MAX_ABS_COORD = 1e7
#: A marker faster than this (m/s) is a wrong rate, wrong units or a corrupt sample.
MAX_MARKER_SPEED_MPS = 50.0
#: Fraction of a marker's frame-to-frame speeds that may exceed it before the trial is refused
#: (isolated swaps and glitches happen; a wrong time base makes every frame too fast).
MAX_FAST_FRACTION = 0.05
#: Ground reaction force beyond this (N) is not a runner (wrong units or calibration).
MAX_FORCE_N = 20_000.0
#: Median acceleration magnitude beyond this (m/s^2) is a wrong unit (standing or running, the
#: median of |a| stays near 1-2 g).
MAX_MEDIAN_ACC_MPS2 = 100.0


def check_rate(rate_hz: float, source: str, what: str = "sampling rate") -> None:
    """A finite rate inside :data:`RATE_HZ`; InvalidInputError otherwise."""
    lo, hi = RATE_HZ
    if rate_hz is None or not np.isfinite(rate_hz) or not lo <= rate_hz <= hi:
        hint = (
            "if the time column is in milliseconds, convert it to seconds or pass --rate-hz"
            if rate_hz is not None and np.isfinite(rate_hz) and 0 < rate_hz < lo and not source.lower().endswith(".c3d")
            else "the header is damaged; pass the true rate with --rate-hz / --forces-rate-hz for text files, or export the file again"
        )
        shown = "missing" if rate_hz is None else f"{rate_hz:g} Hz"
        raise InvalidInputError(f"{source}: the {what} is {shown}, outside {lo:g}-{hi:g} Hz; {hint}")


def check_time_column(time_s: np.ndarray, rate_hz: float, source: str, what: str = "marker") -> None:
    """A finite, strictly increasing time column whose steps agree with the declared rate."""
    t = np.asarray(time_s, dtype=float)
    if t.size == 0:
        return
    bad = ~np.isfinite(t)
    if bad.any():
        raise InvalidInputError(
            f"{source}: {int(bad.sum())} of the {t.size} {what} time values are missing or not numbers "
            f"(first at row {int(np.flatnonzero(bad)[0]) + 1}); repair the time column or export the file again"
        )
    if t.size < 2:
        return
    dt = np.diff(t)
    if (dt <= 0).any():
        i = int(np.flatnonzero(dt <= 0)[0])
        raise InvalidInputError(
            f"{source}: the {what} time goes {'backwards' if dt[i] < 0 else 'nowhere'} at row {i + 2} "
            f"({t[i]:g} s then {t[i + 1]:g} s); the file is damaged or two recordings are joined"
        )
    implied = 1.0 / float(np.median(dt))
    if abs(implied / rate_hz - 1.0) > RATE_TOLERANCE:
        if abs(implied * 1000.0 / rate_hz - 1.0) <= RATE_TOLERANCE:
            hint = "the time column looks like milliseconds: convert it to seconds"
        else:
            hint = "correct the header, or pass the true rate (--rate-hz / --forces-rate-hz for text files)"
        raise InvalidInputError(
            f"{source}: the declared {what} rate {rate_hz:g} Hz disagrees with the time column ({implied:.4g} Hz); {hint}"
        )


def clean_text(s: str) -> str:
    """A label that can be written as UTF-8: bytes that were not UTF-8 (surrogate escapes, as
    readers decode them) are read as Latin-1 (older lab software writes labels that way)."""
    if not isinstance(s, str):
        return s
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogateescape").decode("latin-1") if _only_escapes(s) else s.encode("utf-8", "replace").decode("utf-8")


def _only_escapes(s: str) -> bool:
    try:
        s.encode("utf-8", "surrogateescape")
        return True
    except UnicodeEncodeError:
        return False


def _clean(obj: Any) -> Any:
    if isinstance(obj, str):
        return clean_text(obj)
    if isinstance(obj, dict):
        return {clean_text(k) if isinstance(k, str) else k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    return obj


def check_time_order(time_s: np.ndarray, source: str) -> None:
    """Time stamps (missing ones ignored) that never go backwards; InvalidInputError otherwise."""
    t = np.asarray(time_s, dtype=float)
    t = t[np.isfinite(t)]
    if t.size < 2:
        return
    dt = np.diff(t)
    if (dt < 0).any():
        i = int(np.flatnonzero(dt < 0)[0])
        raise InvalidInputError(
            f"{source}: the time goes backwards at sample {i + 2} ({t[i]:g} s then {t[i + 1]:g} s, {int((dt < 0).sum())} time(s) in all); "
            "the file is damaged or several recordings are joined: split it or export it again"
        )


def _duration(t: np.ndarray) -> float:
    return float(t[-1] - t[0]) if t.size > 1 else 0.0


def check_raw(raw: RawMocap) -> list[str]:
    """Checks on a parsed motion-capture file (file units and axes), before it becomes a Trial;
    corrupt coordinates are set missing in ``raw.positions`` and reported in the returned
    warnings. Raises InvalidInputError for a time base or values that cannot be right."""
    src = raw.source
    warnings: list[str] = []
    names = [clean_text(n) for n in raw.names]
    if names != list(raw.names):
        warnings.append("some marker labels are not valid UTF-8 text; they were read as Latin-1")
        raw.names = names
    raw.extra = _clean(raw.extra)
    pos = np.asarray(raw.positions)
    has_markers = pos.ndim == 3 and pos.shape[1] > 0
    if has_markers:
        check_samples(pos.shape[0], pos.shape[1] * 3, src)
        check_rate(raw.rate_hz, src, "marker rate")
        check_time_column(raw.time_s, raw.rate_hz, src, "marker")
        with np.errstate(invalid="ignore"):
            wild = ~(np.abs(pos) <= MAX_ABS_COORD) & ~np.isnan(pos)
        if wild.any():
            frames = np.flatnonzero(wild.any(axis=(1, 2)))
            pos = np.array(pos, dtype=float)
            pos[wild.any(axis=2)] = np.nan
            raw.positions = pos
            warnings.append(
                f"{wild.any(axis=2).sum()} marker samples in {frames.size} frames hold impossible coordinates "
                f"(beyond {MAX_ABS_COORD:g} file units or infinite, first at frame {int(frames[0]) + 1}); they are treated as missing"
            )
    for p in raw.plates:
        f = np.asarray(p.force_n)
        check_samples(f.shape[0], 9, src)
        if f.shape[0] == 0:
            continue
        check_rate(p.rate_hz, src, f"force rate ({p.name})")
        check_time_column(p.time_s, p.rate_hz, src, f"force ({p.name})")
        with np.errstate(invalid="ignore"):
            big = float(np.nanpercentile(np.abs(f), 99)) if np.isfinite(f).any() else 0.0
        if not np.isfinite(f).any():
            raise InvalidInputError(f"{src}: the force data of {p.name} are all missing or not numbers")
        if big > MAX_FORCE_N:
            raise InvalidInputError(
                f"{src}: the forces of {p.name} reach {big:.3g} N, more than any runner ({MAX_FORCE_N:g} N); "
                "the force units or calibration are wrong (kN, or raw analog values?): export the forces in newtons"
            )
        if has_markers and raw.time_s is not None and len(raw.time_s) > 1:
            dm, dp = _duration(np.asarray(raw.time_s, dtype=float)), _duration(np.asarray(p.time_s, dtype=float))
            if abs(dm - dp) > max(DURATION_TOLERANCE_S, DURATION_TOLERANCE * max(dm, dp)):
                raise InvalidInputError(
                    f"{src}: the markers last {dm:.2f} s but the forces ({p.name}) {dp:.2f} s; one of the sampling rates is "
                    "wrong (check --rate-hz / --forces-rate-hz) or the files are not from the same recording"
                )
    return warnings


def _check_marker_speeds(trial: Trial, source: str) -> None:
    mk = trial.markers
    if mk is None or mk.positions_m.shape[0] < 3:
        return
    with np.errstate(invalid="ignore"):
        v = np.linalg.norm(np.diff(mk.positions_m, axis=0), axis=2) * mk.rate_hz  # (n-1, markers)
    ok = np.isfinite(v)
    if not ok.any():
        return
    fast = (v > MAX_MARKER_SPEED_MPS) & ok
    frac = fast.sum(axis=0) / np.maximum(ok.sum(axis=0), 1)
    if float(np.median(frac)) > MAX_FAST_FRACTION:
        med = float(np.nanmedian(v))
        raise InvalidInputError(
            f"{source}: the markers move at {med:.3g} m/s (median), impossible for a runner; the rate or the length units are "
            "wrong (pass --rate-hz or --units)"
        )


#: IMU dropouts (rows with missing values) up to this long are interpolated linearly, with a
#: warning; longer ones stay missing (the reader reports them, the event detectors skip them).
MAX_IMU_GAP_S = 0.1


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of the runs of True in a boolean vector."""
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))


def _fill_dropouts(trial: Trial, loc: str, source: str) -> None:
    s = trial.imu[loc]
    t = np.asarray(s.time_s, dtype=float)
    arrays = [np.asarray(s.acc_mps2, dtype=float)] + ([np.asarray(s.gyr_radps, dtype=float)] if s.gyr_radps is not None else [])
    bad = ~np.isfinite(t)
    for a in arrays:
        if a.ndim == 2 and a.shape[0] == t.size:
            bad |= ~np.isfinite(a).all(axis=1)
    if not bad.any():
        return
    if bad.all():
        raise InvalidInputError(f"{source}: the IMU ({loc}) samples are all missing")
    runs = [(i, j) for i, j in _runs(bad) if (j - i) / s.rate_hz <= MAX_IMU_GAP_S and i > 0 and j < t.size]
    if not runs:
        return  # only long gaps: left missing, as the reader reports them
    longest = max(j - i for i, j in runs)
    short = np.zeros(t.size, dtype=bool)
    for i, j in runs:
        short[i:j] = True
    bad = short
    idx = np.arange(t.size, dtype=float)
    good = ~bad
    for a in arrays:  # interpolate from complete rows only
        if a.ndim == 2 and a.shape[0] == t.size:
            good &= np.isfinite(a).all(axis=1)
    good &= np.isfinite(t)
    if not np.isfinite(t).all():
        fin = np.isfinite(t)
        t = np.interp(idx, idx[fin], t[fin])
        s.time_s = t
    s.acc_mps2 = _interp_rows(arrays[0], t, good, bad)
    if s.gyr_radps is not None:
        s.gyr_radps = _interp_rows(arrays[1], t, good, bad)
    trial.quality.warn(
        f"IMU ({loc}): {int(bad.sum())} samples in {len(runs)} dropouts (each up to {longest / s.rate_hz * 1000:.0f} ms) were "
        "filled by linear interpolation"
    )


def _interp_rows(a: np.ndarray, t: np.ndarray, good: np.ndarray, fill: np.ndarray) -> np.ndarray:
    """``a`` with its rows ``fill`` interpolated linearly in time from the rows ``good``."""
    out = a.copy()
    for j in range(a.shape[1]):
        out[fill, j] = np.interp(t[fill], t[good], a[good, j])
    return out


def _check_imu(trial: Trial, source: str) -> None:
    for loc, s in trial.imu.items():
        what = f"IMU ({loc})"
        check_samples(len(s.time_s), 6, source)
        check_rate(s.rate_hz, source, f"{what} rate")
        t = np.asarray(s.time_s, dtype=float)
        if t.size > 1:
            fin = t[np.isfinite(t)]
            if fin.size > 1 and (np.diff(fin) <= 0).any():
                i = int(np.flatnonzero(np.diff(fin) <= 0)[0])
                raise InvalidInputError(
                    f"{source}: the {what} time goes backwards at sample {i + 2} ({fin[i]:g} s then {fin[i + 1]:g} s); "
                    "the file is damaged or two recordings are joined"
                )
        _fill_dropouts(trial, loc, source)
        a = np.asarray(s.acc_mps2, dtype=float)
        with np.errstate(invalid="ignore"):
            mag = np.linalg.norm(a, axis=1) if a.ndim == 2 and a.size else np.zeros(0)
        mag = mag[np.isfinite(mag)]
        if mag.size == 0:
            raise InvalidInputError(f"{source}: the {what} accelerations are all missing")
        med = float(np.median(mag))
        if med > MAX_MEDIAN_ACC_MPS2:
            raise InvalidInputError(
                f"{source}: the {what} accelerations have a median of {med:.3g} m/s^2 (gravity is 9.81); "
                "the units are wrong (mg? give m/s^2 or g)"
            )


#: Fewest marker frames of a running trial (a static trial may hold one).
MIN_RUNNING_FRAMES = 3


def check_trial(trial: Trial, source: str, static: bool = False) -> None:
    """Checks on a trial as a reader returns it (canonical units and axes); ``static``: a standing
    calibration trial (one frame is enough). Raises InvalidInputError."""
    mk = trial.markers
    if mk is not None:
        check_rate(mk.rate_hz, source, "marker rate")
        if not static and mk.positions_m.shape[0] < MIN_RUNNING_FRAMES:
            raise InvalidInputError(
                f"{source}: the marker data hold {mk.positions_m.shape[0]} frame(s); a running analysis needs several strides "
                "(at least a few seconds)"
            )
    for p in trial.forceplates:
        if len(p.time_s):
            check_rate(p.rate_hz, source, f"force rate ({p.name})")
    _check_marker_speeds(trial, source)
    _check_imu(trial, source)
    if trial.keypoints is not None:
        check_rate(trial.keypoints.rate_hz, source, "video frame rate")


__all__ = ["check_rate", "check_raw", "check_time_column", "check_trial"]
