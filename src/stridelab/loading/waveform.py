"""The sacral step's acceleration waveform as features, and the principal-component ridge model on it.

**Features** (:func:`waveform_features`). From each step's window
(:func:`stridelab.loading.features.step_windows`: the aligned, 12 Hz low-passed sensor channels in g
from 10 % of contact before IC to 10 % after toe-off), the vertical (``wu_fNN``) and
antero-posterior (``wf_fNN``) acceleration of the contact resampled to ``WAVE_N`` (16) evenly
spaced instants from IC (0 %) to toe-off (100 %) by linear interpolation: a fixed-length shape of
the step whatever its duration and the sensor's sampling rate. With the timing features
(:data:`stridelab.loading.features.TIMING`) they are the inputs of the model. Impulse-momentum
features (:func:`impulse_features`) are kept for the comparison in ``validation/loading_sacrum.py``.

**Model** (:class:`PcaRidgeGrf`, ``method="pca_ridge"``): principal components of the waveform
(fitted on the training rows only; Jolliffe IT 2002, *Principal Component Analysis*, and for
running-step waveforms Deluzio KJ & Astephen JL 2007, Gait Posture 25:86), the first ``n_pc`` of
them beside the timing features, then ridge regression (Hoerl & Kennard 1970) of peak force,
loading rate and the 51-sample force curve (:class:`stridelab.loading.model.LinearGrf`). The
components reduce 32 strongly correlated samples to a few shapes, which is what lets 20 runners
fit it. The whole model is a few arrays: JSON, applied with numpy alone. On virtual sacrum sensors
(SYNTHETIC) and the real sacral accelerometer its figures are in ``docs/validation.md``,
"Loading from wearables".
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from stridelab.learn.dataset import StepDataset
from stridelab.loading.features import TIMING, WINDOW_N
from stridelab.loading.model import LinearGrf

WAVE_N = 16
WINDOW_FRACS = np.linspace(-0.1, 1.1, WINDOW_N)


def wave_names(n: int = WAVE_N) -> list[str]:
    """The waveform columns: ``wu_f000`` ... (vertical), then ``wf_f000`` ... (antero-posterior)."""
    pct = [int(round(f * 100)) for f in np.linspace(0.0, 1.0, n)]
    return [f"wu_f{p:03d}" for p in pct] + [f"wf_f{p:03d}" for p in pct]


def _resample(windows: np.ndarray, channel: int, fracs: np.ndarray) -> np.ndarray:
    """(steps, len(fracs)) of one channel of the windows at fractions of contact (NaN stays NaN)."""
    w = np.asarray(windows, dtype=float)[:, channel, :]
    if w.shape[1] != WINDOW_FRACS.size:
        raise ValueError(f"windows need {WINDOW_FRACS.size} samples, got {w.shape[1]}")
    # linear interpolation on the fixed window grid (same for every row)
    pos = np.interp(fracs, WINDOW_FRACS, np.arange(WINDOW_FRACS.size))
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, WINDOW_FRACS.size - 1)
    a = pos - lo
    return w[:, lo] * (1.0 - a) + w[:, hi] * a


def waveform_features(windows: np.ndarray, n: int = WAVE_N) -> pd.DataFrame:
    """The vertical and antero-posterior contact waveform (module docstring) of trunk windows."""
    w = np.asarray(windows, dtype=float)
    if w.ndim != 3 or w.shape[1] < 2:
        raise ValueError("waveform features need trunk windows (steps, 2 channels: up, forward, samples)")
    fr = np.linspace(0.0, 1.0, n)
    data = np.hstack([_resample(w, 0, fr), _resample(w, 1, fr)])
    return pd.DataFrame(data, columns=wave_names(n))


def impulse_features(windows: np.ndarray, duty: np.ndarray) -> pd.DataFrame:
    """Impulse-momentum features of trunk windows (for the comparison; not in the shipped model).

    Over a step of steady running the vertical impulse is body weight x step time, so the mean
    vertical force over contact is BW / duty factor (Morin et al. 2005; Clark KP et al. 2017,
    J Exp Biol 220:247, whose two-mass model splits the same impulse between the lower limb and the
    rest of the body). For a sensor near the centre of mass the vertical specific force in g reads
    F / BW, so ``acc_mean_g`` (mean over contact) times the duty factor is the sensor's gain
    (``impulse_gain``, 1 for a perfect sensor), ``acc_peak_g`` is the peak, and
    ``impulse_peak_bw`` = peak / gain is the peak rescaled so that the contact impulse obeys the
    impulse-momentum balance."""
    fr = np.linspace(0.0, 1.0, 41)
    up = _resample(np.asarray(windows, dtype=float), 0, fr)
    mean = np.trapezoid(up, fr, axis=1)  # the mean over contact (the integral over a unit interval)
    peak = up.max(axis=1)
    gain = mean * np.asarray(duty, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        imp = np.where(gain > 0, peak / gain, np.nan)
    return pd.DataFrame({"acc_peak_g": peak, "acc_mean_g": mean, "impulse_gain": gain, "impulse_peak_bw": imp})


def trunk_inputs(timing_features: pd.DataFrame, windows: np.ndarray) -> pd.DataFrame:
    """Timing features beside the waveform of the same steps: the input table of :class:`PcaRidgeGrf`."""
    t = timing_features[list(TIMING)].reset_index(drop=True)
    return pd.concat([t, waveform_features(windows)], axis=1)


class PcaRidgeGrf:
    """Ridge regression on ``other`` features and the first ``n_pc`` principal components of
    ``wave`` features (module docstring). ``alpha``: the ridge penalty on standardised inputs."""

    method = "pca_ridge"
    uses_validation = False

    def __init__(self, n_pc: int = 6, alpha: float = 100.0, wave: list[str] | None = None, other: list[str] | None = None) -> None:
        self.n_pc = int(n_pc)
        self.alpha = float(alpha)
        self.wave = list(wave) if wave is not None else wave_names()
        self.other = list(other) if other is not None else list(TIMING)

    def get_params(self) -> dict[str, Any]:
        return {"n_pc": self.n_pc, "alpha": self.alpha}

    @property
    def features_(self) -> list[str]:
        """The input columns the model reads (other features, then the waveform)."""
        return self.other + self.wave

    def _scores(self, x: pd.DataFrame) -> pd.DataFrame:
        z = (x[self.wave].to_numpy(float) - self.wave_mean_) @ self.components_.T
        pcs = pd.DataFrame(z, columns=[f"pc{i + 1}" for i in range(z.shape[1])])
        return pd.concat([x[self.other].reset_index(drop=True), pcs], axis=1)

    def fit(self, train: StepDataset, val: StepDataset | None = None) -> PcaRidgeGrf:
        w = train.X[self.wave].to_numpy(float)
        self.wave_mean_ = w.mean(axis=0)
        _, s, vt = np.linalg.svd(w - self.wave_mean_, full_matrices=False)
        k = min(self.n_pc, vt.shape[0])
        self.components_ = vt[:k]
        self.explained_ = (s[:k] ** 2 / np.sum(s**2)).tolist()
        inner = StepDataset(self._scores(train.X), train.y, train.groups, curves=train.curves)
        self.ridge_ = LinearGrf(self.alpha).fit(inner)
        self.targets_ = self.ridge_.targets_
        return self

    def _inner(self, ds: StepDataset) -> StepDataset:
        return StepDataset(self._scores(ds.X), pd.DataFrame(index=range(len(ds))), np.zeros(len(ds), dtype=str))

    def predict(self, ds: StepDataset) -> np.ndarray:
        return self.ridge_.predict(self._inner(ds))

    def predict_curve(self, ds: StepDataset) -> np.ndarray:
        return self.ridge_.predict_curve(self._inner(ds))

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "n_pc": self.n_pc, "alpha": self.alpha, "wave": self.wave, "other": self.other,
                "features": self.features_, "targets": self.targets_, "wave_mean": self.wave_mean_.tolist(),
                "components": self.components_.tolist(), "explained": self.explained_, "ridge": self.ridge_.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PcaRidgeGrf:
        m = cls(int(d["n_pc"]), float(d["alpha"]), list(d["wave"]), list(d["other"]))
        m.wave_mean_ = np.asarray(d["wave_mean"], float)
        m.components_ = np.asarray(d["components"], float)
        m.explained_ = list(d.get("explained", []))
        m.ridge_ = LinearGrf.from_dict(d["ridge"])
        m.targets_ = list(d["targets"])
        return m


__all__ = ["PcaRidgeGrf", "WAVE_N", "impulse_features", "trunk_inputs", "wave_names", "waveform_features"]
