"""Zero-lag Butterworth low-pass filtering, computed in the frequency domain.

A forward-backward pass of an order-``n`` digital Butterworth filter designed by the bilinear
transform (``scipy.signal.butter`` + ``filtfilt``) has the exact zero-phase magnitude response

    G(w) = 1 / (1 + (tan(w/2) / tan(wc/2)) ** (2 n))

(its squared magnitude). This module applies G to the FFT of the signal after odd-reflection
padding of each end, which gives the same result as ``filtfilt`` away from the ends and an
equivalent end treatment, vectorised over channels and with numpy only (``scipy.signal`` costs
0.7 s to import). "4th-order zero-lag" in biomechanics (Winter 2009, *Biomechanics and Motor
Control of Human Movement*, 4th ed., ch. 2) is this filter with ``order_per_pass=2``.
Tests compare it against ``scipy.signal.sosfiltfilt``. A channel longer than :data:`BLOCK_SAMPLES`
is filtered in overlapping blocks (:func:`block_margin`), the same values to rounding.
"""

from __future__ import annotations

import numpy as np


def butterworth_response(freqs_hz: np.ndarray, fs_hz: float, cutoff_hz: float, order_per_pass: int = 2) -> np.ndarray:
    """Zero-phase (forward-backward) gain at ``freqs_hz``."""
    w = np.pi * np.asarray(freqs_hz, dtype=float) / fs_hz  # w/2 in radians
    wc = np.pi * cutoff_hz / fs_hz
    with np.errstate(over="ignore", invalid="ignore"):
        ratio = np.tan(np.clip(w, 0, np.pi / 2 - 1e-12)) / np.tan(wc)
        g = 1.0 / (1.0 + ratio ** (2 * order_per_pass))
    return np.nan_to_num(g)


def _pad_len(n: int, fs_hz: float, cutoff_hz: float) -> int:
    # the impulse response of G decays within a few periods of the cut-off
    return int(min(n - 1, max(9, np.ceil(6.0 * fs_hz / cutoff_hz))))


def _lowpass_rows(x: np.ndarray, fs_hz: float, cutoff_hz: float, order_per_pass: int) -> np.ndarray:
    """Filter each row of x (k, n) without NaN; returns (k, n).

    Channels are rows of the padded buffer (contiguous, whatever the layout of ``x``), which makes
    the FFTs and the padding cheaper than on columns; the arithmetic per channel is the same. Three (k, FFT length) buffers
    are allocated in all (the trend is formed in the output's buffer and again, for the kept
    samples, in the input's)."""
    k, n = x.shape
    pad = _pad_len(n, fs_hz, cutoff_hz)
    if pad < 1:
        return x.copy()
    m = n + 2 * pad
    # zero-pad (the detrended ends are 0) to a 2-3-5-smooth length: an FFT of a length with a
    # large prime factor is tens of times slower
    size = _fast_len(m)
    xp = np.empty((k, size))
    xp[:, pad : pad + n] = x
    # odd reflection of each end
    np.subtract(2 * x[:, :1], x[:, pad:0:-1], out=xp[:, :pad])
    np.subtract(2 * x[:, -1:], x[:, -2 : -pad - 2 : -1], out=xp[:, pad + n : m])
    # remove the linear trend between the padded ends so the circular FFT sees no jump
    ramp = np.linspace(0.0, 1.0, m)
    first = xp[:, :1].copy()
    slope = xp[:, m - 1 : m] - first
    y = np.empty((k, size))
    trend = np.multiply(slope, ramp, out=y[:, :m])
    trend += first
    xp[:, :m] -= trend
    xp[:, m:] = 0.0
    spec = np.fft.rfft(xp, axis=1)
    spec *= butterworth_response(np.fft.rfftfreq(size, 1.0 / fs_hz), fs_hz, cutoff_hz, order_per_pass)
    try:
        np.fft.irfft(spec, n=size, axis=1, out=y)
    except TypeError:  # numpy < 2: no out=
        y = np.fft.irfft(spec, n=size, axis=1)
    kept = np.multiply(slope, ramp[pad : pad + n], out=xp[:, :n])  # the trend again, where kept
    kept += first
    out = y[:, pad : pad + n]
    out += kept
    return out


#: Bytes of FFT work buffers that one filtering pass may hold: the channels are filtered in groups
#: of this size (each channel's arithmetic is unchanged, so are the results), which bounds the memory
#: of filtering an hour of markers to the output plus this. 4 MiB (issue 12, in-process cost): the
#: buffers of a group stay in the processor's cache and are reused from one group to the next,
#: instead of ~18 MiB of fresh pages for the 162 marker channels of a 30-s trial (one page fault
#: per 4 KiB): 11.6 -> 8.4 ms for those channels on the 2-core benchmark machine.
WORK_BYTES = 4 * 2**20


def _lowpass_bounded(rows: np.ndarray, fs_hz: float, cutoff_hz: float, order_per_pass: int, out: np.ndarray | None = None) -> np.ndarray:
    """:func:`_lowpass_rows` in groups of channels whose work buffers fit :data:`WORK_BYTES`
    (written into ``out``, any (k, n) view, when given)."""
    k, n = rows.shape
    per_channel = 4 * 8 * _fast_len(n + 2 * _pad_len(n, fs_hz, cutoff_hz))  # 2 real buffers, 1 complex spectrum
    group = max(1, WORK_BYTES // per_channel)
    if group >= k and out is None:
        return _lowpass_rows(rows, fs_hz, cutoff_hz, order_per_pass)
    if out is None:
        out = np.empty((k, n))
    for i in range(0, k, group):
        out[i : i + group] = _lowpass_rows(rows[i : i + group], fs_hz, cutoff_hz, order_per_pass)
    return out


#: Samples above which a channel is filtered in overlapping blocks of this many samples (issue 12):
#: the FFTs then cover one block and its margins at a time (time linear in the recording's length,
#: work buffers of one block). Shorter channels are filtered whole, as before.
BLOCK_SAMPLES = 1 << 18


def block_margin(fs_hz: float, cutoff_hz: float, order_per_pass: int = 2) -> int:
    """Samples read beyond each side of a block: 24 / cut-off seconds for order 2 (longer for higher
    orders, with the time constant of the filter's slowest mode), over which that mode decays by
    e^-107: the values kept from each block are those of the whole channel to rounding."""
    slowest = np.sin(np.pi / 4) / np.sin(np.pi / (2 * order_per_pass))  # 1 for order 2
    return int(np.ceil(24.0 * fs_hz / cutoff_hz * slowest))


def _lowpass_blocks(rows: np.ndarray, fs_hz: float, cutoff_hz: float, order_per_pass: int, out: np.ndarray | None = None) -> np.ndarray:
    """:func:`_lowpass_bounded` of rows (k, n) without NaN; in overlapping blocks of
    :data:`BLOCK_SAMPLES` when n is longer (each block filtered with :func:`block_margin` samples of
    margin on both sides, its middle kept). Written into ``out`` (any (k, n) view) when given."""
    k, n = rows.shape
    step = int(BLOCK_SAMPLES)
    if n <= step:
        return _lowpass_bounded(rows, fs_hz, cutoff_hz, order_per_pass, out)
    margin = block_margin(fs_hz, cutoff_hz, order_per_pass)
    if out is None:
        out = np.empty((k, n))
    for a in range(0, n, step):
        b = min(n, a + step)
        lo, hi = max(0, a - margin), min(n, b + margin)
        out[:, a:b] = _lowpass_bounded(rows[:, lo:hi], fs_hz, cutoff_hz, order_per_pass)[:, a - lo : b - lo]
    return out


def _lowpass_dense(x: np.ndarray, fs_hz: float, cutoff_hz: float, order_per_pass: int) -> np.ndarray:
    """x: (n, k) without NaN."""
    return _lowpass_rows(np.ascontiguousarray(x.T), fs_hz, cutoff_hz, order_per_pass).T


def _fast_len(n: int) -> int:
    """Smallest 2^a 3^b 5^c >= n."""
    best = 1 << max(0, (n - 1).bit_length())
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            q = -(-n // p35)  # ceil(n / p35), then the next power of two
            cand = p35 * (1 << max(0, (q - 1).bit_length()))
            best = min(best, cand)
            p35 *= 3
        p5 *= 5
    return best


def lowpass(x: np.ndarray, fs_hz: float, cutoff_hz: float, order_per_pass: int = 2, axis: int = 0, out: np.ndarray | None = None) -> np.ndarray:
    """Zero-lag Butterworth low-pass along ``axis``.

    NaN samples are left NaN; each finite run of a channel is filtered on its own. Raises
    ValueError when the cut-off is not below the Nyquist frequency. ``out``: a C-contiguous float
    array of x's shape that receives the result (returned), written group by group without an
    intermediate copy when x has no NaN and ``axis`` is 0; the values are the same either way.
    """
    if not 0 < cutoff_hz < fs_hz / 2:
        raise ValueError(f"cut-off {cutoff_hz} Hz must be between 0 and the Nyquist frequency {fs_hz / 2} Hz")
    b = np.moveaxis(np.asarray(x, dtype=float), axis, 0)  # samples first
    # one channel per row: a view (no copy of a long recording) when the samples are the first axis
    rows = b.reshape(b.shape[0], -1).T
    finite = np.isfinite(rows)
    if out is not None:
        if out.shape != np.shape(x) or out.dtype != np.float64 or not out.flags.c_contiguous:
            raise ValueError("out must be a C-contiguous float64 array of the input's shape")
        if axis % b.ndim != 0 or not finite.all():
            out[...] = lowpass(x, fs_hz, cutoff_hz, order_per_pass, axis)
            return out
        _lowpass_blocks(rows, fs_hz, cutoff_hz, order_per_pass, out.reshape(b.shape[0], -1).T)
        return out
    if finite.all():
        out = _lowpass_blocks(rows, fs_hz, cutoff_hz, order_per_pass)  # read once, into the padded buffers
    else:
        out = np.full(rows.shape, np.nan)
        # channels with the same missing samples (a marker's x, y, z) are filtered together
        groups: dict[bytes, list[int]] = {}
        for j in np.flatnonzero(finite.any(axis=1)):
            groups.setdefault(np.packbits(finite[j]).tobytes(), []).append(int(j))
        for members in groups.values():
            ok = finite[members[0]]
            edges = np.diff(np.concatenate(([0], ok.astype(np.int8), [0])))
            for s, e in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
                seg = rows[members, s:e]
                if e - s > BLOCK_SAMPLES:
                    out[members, s:e] = _lowpass_blocks(seg, fs_hz, cutoff_hz, order_per_pass)
                else:
                    out[members, s:e] = _lowpass_rows(seg, fs_hz, cutoff_hz, order_per_pass) if e - s >= 4 else seg
    return np.moveaxis(out.T.reshape(b.shape), 0, axis)
