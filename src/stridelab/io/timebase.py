"""The nominal sampling rate of a time column as exported by lab software.

Exports round their time column (to 1 ms, 0.1 ms, 5 decimals ...), so consecutive steps jitter
(150 Hz rounded to 1 ms gives steps of 6 and 7 ms). The nominal rate is estimated in two steps: the
median step gives a first rate, which is refined as the row count over the time span,
``(n - 1) / (t[-1] - t[0])``, and snapped to a whole number of Hz when within 0.05%. The column is
accepted when every time lies within half a sample, plus the rounding quantum, of the uniform grid
at that rate; a note then says that the times were rounded. It is refused, with one line, when a step
is longer than 1.5 median steps plus the quantum (rows are missing: a real gap) or when the median
step of the first and last thirds differ by more than 1% (the rate changes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stridelab.errors import InvalidInputError


@dataclass(frozen=True)
class TimeBase:
    """A uniform time axis and what was found on the way."""

    time_s: np.ndarray
    rate_hz: float
    quantum_s: float
    max_jitter_s: float
    note: str | None


def _quantum(t: np.ndarray) -> float:
    """The rounding step of the printed times (10**-k for the fewest decimals that hold them), 0 if none."""
    for k in range(0, 10):
        if np.allclose(t, np.round(t, k), rtol=0.0, atol=1e-9):
            return float(10.0**-k)
    return 0.0


def nominal_time_base(t: np.ndarray, src: str) -> TimeBase:
    """A uniform time axis for the time column ``t`` (seconds) of the file ``src`` (see the module)."""
    t = np.asarray(t, dtype=float)
    if t.size < 2:
        raise InvalidInputError(f"{src}: too few rows to find the sampling rate")
    if not np.all(np.isfinite(t)):
        raise InvalidInputError(f"{src}: the time column has empty or non-numeric values")
    dt = np.diff(t)
    bad = np.flatnonzero(dt <= 0)
    if bad.size:
        i = int(bad[0])
        raise InvalidInputError(f"{src}: the time column is not increasing (row {i + 2}: {t[i]:g} then {t[i + 1]:g} s)")
    q = _quantum(t)
    med = float(np.median(dt))
    if t.size >= 30:
        third = dt.size // 3
        a, b = float(np.median(dt[:third])), float(np.median(dt[-third:]))
        if abs(a - b) > 0.01 * med + q:
            raise InvalidInputError(f"{src}: the sampling rate changes within the file (steps of {a:.4g} s at the start, {b:.4g} s at the end)")
    big = np.flatnonzero(dt > 1.5 * med + q)
    if big.size:
        i = int(big[0])
        raise InvalidInputError(
            f"{src}: {big.size} gap(s) in the time column, the first {dt[i]:.4g} s long at {t[i]:.4g} s "
            f"(the steps are {med:.4g} s); rows are missing: fill or cut the gap in the lab software"
        )
    rate = (t.size - 1) / float(t[-1] - t[0])
    if abs(rate - round(rate)) < 5e-4 * rate:
        rate = float(round(rate))
    uniform = t[0] + np.arange(t.size) / rate
    jitter = float(np.max(np.abs(t - uniform)))
    if jitter > 0.5 / rate + q:
        raise InvalidInputError(f"{src}: the time column drifts {jitter * 1000:.3g} ms from a uniform {rate:.6g} Hz grid; resample the export to a fixed rate")
    note = None
    if jitter > 0.05 / rate and q > 0:  # below 5% of a sample the rounding is harmless: say nothing
        note = f"{src}: the time column is rounded to {q * 1000:g} ms (steps jitter by up to {jitter * 1000:.2g} ms); using the nominal {rate:.6g} Hz"
    return TimeBase(uniform, float(rate), q, jitter, note)


__all__ = ["TimeBase", "nominal_time_base"]
