"""Per-runner technique features: waveform, discrete, timing, variability and rhythm.

Two steps keep cross-validation honest. :func:`runner_data` reduces each runner to its own mean
curve and stride-to-stride variability per angle (no information from other runners), and a
:class:`FeatureExtractor` then learns what needs a population (functional PCA bases and how many
components to keep, the reference curve for timings) in ``fit`` on training runners only and
applies it in ``transform``.

Every feature is independent of a constant angle offset (labs differ by several degrees):
waveform scores are of mean-removed curves, ranges, peaks and prominences are differences within
the curve, timings come from the curve's shape, and variability is a standard deviation.
Features per angle ``a`` (curves sampled at 0, 1, ..., 100 % of the stride; the cycle is periodic,
so neighbours of 0 % are taken around 100 %):

- ``a.pc1`` .. ``a.pcK``: functional PC scores of the mean-removed mean curve
  (``method="ramsay2005"``); K per angle is the smallest number of components that explains
  ``fpc_variance`` (99 %) of the training runners' variance, at most ``max_components`` (8),
  chosen on the training runners of each fit (inner cross-validation folds reuse the K of the
  fit they belong to, so that their features line up).
- ``a.rom_deg``: range of motion over the stride (max - min of the mean curve).
- ``a.peak_rel_deg``: the largest value above the stride's mean value (e.g. peak knee flexion in swing).
- ``a.max_prom_deg`` / ``a.min_prom_deg``: prominence of the curve's maximum (minimum): the value
  at the extremum minus (for the minimum: subtracted from) the mean of the values
  ``PROMINENCE_PCT`` (10 %) of the stride before and after it. A change of the peak itself (e.g.
  more knee flexion at the swing peak) moves it, a change of the whole curve or of its level does
  not: a phase-local discrete feature, the central second difference at the scale of a tenth of the
  stride (about 70 ms at running cadences, shorter than any phase of the stride).
- ``a.shift_pct``: timing of the whole curve, the circular time shift (% of stride, + = later)
  that best aligns the runner's angular velocity curve with the training runners' mean one
  (maximum of the circular cross-correlation with parabolic refinement: shift registration of
  the derivative curve, Ramsay & Silverman 2005, ch. 7). It uses the whole waveform, so it is far
  less noisy than the time of a single peak (:func:`shift_pct`).
- ``a.stance_exc_deg`` (hip, knee, ankle sagittal): excursion from foot strike to the largest
  value in the first 40 % of the stride (stance at running speeds lasts about 30-45 % of the stride).
- ``a.sd_deg``: stride-to-stride variability, the mean over the stride of the across-stride SD
  (skill group *stability*).
- ``rhythm.*``: body-size-scaled spatiotemporal values when the input has them: cadence as Hof's
  dimensionless step frequency f / sqrt(g / L), step length / leg length L, duty factor
  (``method="hof1996"``, Hof AL (1996) Scaling gait data to body size. Gait Posture 4:222-223; L is
  the leg length, or 0.53 x height (Winter 2009) when not measured), and, when the analysis gives
  them, vertical oscillation (cm) and overstride (% of leg length), two features with published
  associations (``skill/data/published_directions.json``).

Ramsay JO, Silverman BW (2005) *Functional Data Analysis*, 2nd ed., Springer (ch. 7 registration,
ch. 8 functional PCA).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stridelab.errors import InvalidInputError
from stridelab.model import anthropometrics
from stridelab.skill.angles import N_POINTS, SAGITTAL_ANGLES, SIDES
from stridelab.skill.fpca import FPCA, n_for_variance
from stridelab.skill.population import Population

G_MPS2 = 9.81
STANCE_WINDOW = 41  # samples 0..40 = first 40 % of the stride
N_CYCLE = N_POINTS - 1  # samples of one period (point 100 repeats point 0)
PROMINENCE_PCT = 10
FPC_VARIANCE = 0.99
MAX_COMPONENTS = 8
RHYTHM_FEATURES = ("rhythm.cadence_hof", "rhythm.step_length_ll", "rhythm.duty_factor", "rhythm.vertical_oscillation_cm", "rhythm.overstride_pct_leg")


@dataclass
class RunnerData:
    """Per-runner summaries: mean curve (n, 101) and variability (n,) per angle, rhythm values."""

    ids: list[str]
    curves: dict[str, np.ndarray]
    sd: dict[str, np.ndarray]
    rhythm: dict[str, np.ndarray]
    speed_mps: np.ndarray
    warnings: list[list[str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, idx: np.ndarray | list[int]) -> RunnerData:
        ix = np.asarray(idx, dtype=int)
        return RunnerData(
            ids=[self.ids[i] for i in ix],
            curves={a: c[ix] for a, c in self.curves.items()},
            sd={a: s[ix] for a, s in self.sd.items()},
            rhythm={k: v[ix] for k, v in self.rhythm.items()},
            speed_mps=self.speed_mps[ix],
            warnings=[self.warnings[i] for i in ix] if self.warnings else [],
        )


def runner_data(pop: Population, angles: list[str], side: str = "right", rhythm: list[str] | None = None) -> RunnerData:
    """Mean curves and variability of each runner for ``angles`` on ``side``.

    When a runner lacks ``side`` for an angle the other side is used and a warning is kept; a
    runner without an angle, or without a rhythm value asked for, is an error naming both.
    """
    if side not in SIDES:
        raise InvalidInputError(f"side must be right or left (got {side!r})")
    n = len(pop.runners)
    curves = {a: np.full((n, N_POINTS), np.nan) for a in angles}
    sd = {a: np.full(n, np.nan) for a in angles}
    warns: list[list[str]] = [[] for _ in range(n)]
    other = "left" if side == "right" else "right"
    for i, r in enumerate(pop.runners):
        for a in angles:
            s = r.strides(a, side)
            if s is None:
                s = r.strides(a, other)
                if s is None:
                    raise InvalidInputError(f"runner {r.id} has no {a} curves; the model needs {a}")
                warns[i].append(f"{a}: scored from the {other} side; the model uses the {side} side")
            ok = np.isfinite(s).all(axis=1)
            if not ok.any():
                raise InvalidInputError(f"runner {r.id} has no complete {a} stride")
            s = s[ok]
            curves[a][i] = s.mean(axis=0)
            sd[a][i] = float(s.std(axis=0, ddof=1).mean()) if s.shape[0] > 1 else np.nan
    rh = {k: np.array([_rhythm_value(r, k) for r in pop.runners]) for k in (rhythm or [])}
    for k, v in rh.items():
        bad = [pop.runners[i].id for i in np.flatnonzero(~np.isfinite(v))]
        if bad:
            raise InvalidInputError(f"runner(s) {', '.join(bad[:5])} lack {k}; the model needs it (cadence, step length, duty factor)")
    return RunnerData(ids=pop.ids, curves=curves, sd=sd, rhythm=rh, speed_mps=pop.speed_mps(), warnings=warns)


def available_rhythm(pop: Population) -> list[str]:
    """Rhythm features that every runner of ``pop`` has."""
    return [k for k in RHYTHM_FEATURES if pop.runners and all(np.isfinite(_rhythm_value(r, k)) for r in pop.runners)]


def _rhythm_value(r: Any, key: str) -> float:
    rh = r.rhythm
    leg = r.leg_length_m or (anthropometrics.LEG_PER_HEIGHT * r.height_m if r.height_m else None)
    if key in ("rhythm.duty_factor", "rhythm.vertical_oscillation_cm", "rhythm.overstride_pct_leg"):
        v = rh.get(key.split(".", 1)[1])
        return float(v) if v is not None else np.nan
    if leg is None:
        return np.nan
    if key == "rhythm.cadence_hof":
        return float(rh.get("cadence_spm", np.nan)) / 60.0 / np.sqrt(G_MPS2 / leg)
    if key == "rhythm.step_length_ll":
        return float(rh.get("step_length_m", np.nan)) / leg
    raise ValueError(f"unknown rhythm feature {key}")


def _centred(c: np.ndarray) -> np.ndarray:
    """One period (n, 100) of each curve with its stride mean removed."""
    x = c[:, :N_CYCLE]
    return x - x.mean(axis=1, keepdims=True)


def _velocity(x: np.ndarray) -> np.ndarray:
    """Angular velocity (central difference, deg per % of stride) of periodic curves (n, 100)."""
    return 0.5 * (np.roll(x, -1, axis=-1) - np.roll(x, 1, axis=-1))


def shift_pct(curves: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Circular shift (% of stride, + = later) that best aligns each curve with ``reference``.

    ``method="shift_registration"``: the lag of the maximum of the circular cross-correlation of the
    curve's angular velocity (n, >= 100 samples) with the reference curve's (100,), refined by a
    parabola through the maximum and its neighbours (shift registration, Ramsay & Silverman 2005,
    ch. 7, of the derivative curve: the steep parts of the stride, such as push-off, set the timing,
    and slow differences of level or shape weigh little).
    """
    x = _velocity(_centred(curves))
    ref = _velocity(np.asarray(reference, float)[:N_CYCLE])
    xc = np.fft.irfft(np.fft.rfft(x, axis=1) * np.conj(np.fft.rfft(ref))[None, :], n=N_CYCLE, axis=1)
    k = xc.argmax(axis=1)
    rows = np.arange(x.shape[0])
    y0, y1, y2 = xc[rows, (k - 1) % N_CYCLE], xc[rows, k], xc[rows, (k + 1) % N_CYCLE]
    den = y0 - 2 * y1 + y2
    with np.errstate(divide="ignore", invalid="ignore"):
        off = np.where(np.abs(den) > 1e-12, 0.5 * (y0 - y2) / den, 0.0)
    lag = k + np.clip(off, -0.5, 0.5)
    return (lag + N_CYCLE / 2) % N_CYCLE - N_CYCLE / 2


def prominence_deg(curves: np.ndarray, use_max: bool, half_width: int = PROMINENCE_PCT) -> np.ndarray:
    """Prominence of each curve's maximum (or depth of its minimum) against the values
    ``half_width`` % of the stride before and after it (circular)."""
    x = curves[:, :N_CYCLE]
    y = x if use_max else -x
    k = y.argmax(axis=1)
    rows = np.arange(x.shape[0])
    return y[rows, k] - 0.5 * (y[rows, (k - half_width) % N_CYCLE] + y[rows, (k + half_width) % N_CYCLE])


@dataclass
class FeatureExtractor:
    """Learns fPCA bases (and how many components) and reference curves on training runners.

    ``components`` fixes the number of fPCs per angle (e.g. the inner folds of a cross-validation
    reuse the outer fit's numbers); otherwise it is chosen in :meth:`fit` by ``fpc_variance``.
    """

    angles: list[str]
    rhythm: list[str] = field(default_factory=list)
    fpc_variance: float = FPC_VARIANCE
    max_components: int = MAX_COMPONENTS
    components: dict[str, int] | None = None
    fpca_: dict[str, FPCA] = field(default_factory=dict)
    reference_: dict[str, np.ndarray] = field(default_factory=dict)
    components_: dict[str, int] = field(default_factory=dict)
    names_: list[str] = field(default_factory=list)

    def fit(self, data: RunnerData) -> FeatureExtractor:
        self.fpca_, self.reference_, self.components_ = {}, {}, {}
        for a in self.angles:
            c = _centred(data.curves[a])
            full = FPCA(self.max_components).fit(c)
            k = self.components[a] if self.components else n_for_variance(full.explained_ratio_, self.fpc_variance, self.max_components)
            self.fpca_[a] = full.truncated(k)
            self.components_[a] = k
            self.reference_[a] = c.mean(axis=0)
        self.names_ = self._names()
        return self

    def _names(self) -> list[str]:
        names = []
        for a in self.angles:
            names += [f"{a}.pc{k + 1}" for k in range(self.components_[a])]
            names += [f"{a}.rom_deg", f"{a}.peak_rel_deg", f"{a}.max_prom_deg", f"{a}.min_prom_deg", f"{a}.shift_pct"]
            if a in SAGITTAL_ANGLES:
                names.append(f"{a}.stance_exc_deg")
            names.append(f"{a}.sd_deg")
        return names + list(self.rhythm)

    def transform(self, data: RunnerData) -> np.ndarray:
        """Feature matrix (n_runners, n_features) in the order of ``names_``."""
        cols: list[np.ndarray] = []
        for a in self.angles:
            c = data.curves[a]
            cols += list(self.fpca_[a].transform(_centred(c)).T)
            cols.append(c.max(axis=1) - c.min(axis=1))
            cols.append(c.max(axis=1) - c[:, :N_CYCLE].mean(axis=1))
            cols.append(prominence_deg(c, True))
            cols.append(prominence_deg(c, False))
            cols.append(shift_pct(c, self.reference_[a]))
            if a in SAGITTAL_ANGLES:
                cols.append(c[:, :STANCE_WINDOW].max(axis=1) - c[:, 0])
            cols.append(data.sd[a])
        for k in self.rhythm:
            cols.append(data.rhythm[k])
        return np.column_stack(cols) if cols else np.zeros((len(data), 0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "angles": self.angles,
            "rhythm": self.rhythm,
            "fpc_variance": self.fpc_variance,
            "max_components": self.max_components,
            "components": self.components_,
            "reference": {a: r.tolist() for a, r in self.reference_.items()},
            "fpca": {a: {"mean": f.mean_.tolist(), "components": f.components_.tolist(), "explained_ratio": f.explained_ratio_.tolist()} for a, f in self.fpca_.items()},
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FeatureExtractor:
        fx = cls(angles=list(d["angles"]), rhythm=list(d["rhythm"]), fpc_variance=float(d["fpc_variance"]), max_components=int(d["max_components"]))
        fx.components_ = {a: int(k) for a, k in d["components"].items()}
        for a, f in d["fpca"].items():
            p = FPCA(fx.components_[a])
            p.mean_ = np.asarray(f["mean"], float)
            p.components_ = np.asarray(f["components"], float).reshape(fx.components_[a], -1)
            p.explained_ratio_ = np.asarray(f["explained_ratio"], float)
            fx.fpca_[a] = p
        fx.reference_ = {a: np.asarray(r, float) for a, r in d["reference"].items()}
        fx.names_ = fx._names()
        return fx
