"""Per-runner technique features: waveform, discrete, timing, variability and rhythm.

Two steps keep cross-validation honest. :func:`runner_data` reduces each runner to its own mean
curve and stride-to-stride variability per angle (no information from other runners), and a
:class:`FeatureExtractor` then learns what needs a population (functional PCA bases, reference
timings) in ``fit`` on training runners only and applies it in ``transform``.

Every feature is independent of a constant angle offset (labs differ by several degrees):
waveform scores are of mean-removed curves, ranges, excursions and timings are differences, and
variability is a standard deviation. Features per angle ``a``:

- ``a.pc1`` .. ``a.pcK``: functional PC scores of the mean-removed mean curve (``method="ramsay2005"``)
- ``a.rom_deg``: range of motion over the stride (max - min of the mean curve)
- ``a.peak_rel_deg``: the largest value above the stride's mean value (e.g. peak knee flexion in swing)
- ``a.t_max_pct`` / ``a.t_min_pct``: time of the maximum / minimum (% of stride, parabolic
  refinement), as a signed circular deviation from the training runners' circular mean
- ``a.stance_exc_deg`` (hip, knee, ankle sagittal): excursion from foot strike to the largest value
  in the first 40 % of the stride (stance at running speeds lasts about 30-45 % of the stride)
- ``a.sd_deg``: stride-to-stride variability, the mean over the stride of the across-stride SD
  (skill group *stability*)
- ``rhythm.*``: body-size-scaled spatiotemporal values when the input has them: cadence as Hof's
  dimensionless step frequency f / sqrt(g / L), step length / leg length L, duty factor
  (``method="hof1996"``, Hof AL (1996) Scaling gait data to body size. Gait Posture 4:222-223; L is
  the leg length, or 0.53 x height (Winter 2009) when not measured).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stridelab.errors import InvalidInputError
from stridelab.skill.angles import N_POINTS, SAGITTAL_ANGLES, SIDES
from stridelab.skill.fpca import FPCA
from stridelab.skill.population import Population

G_MPS2 = 9.81
STANCE_WINDOW = 41  # samples 0..40 = first 40 % of the stride
RHYTHM_FEATURES = ("rhythm.cadence_hof", "rhythm.step_length_ll", "rhythm.duty_factor")


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
    leg = r.leg_length_m or (0.53 * r.height_m if r.height_m else None)
    if key == "rhythm.duty_factor":
        return float(rh.get("duty_factor", np.nan))
    if leg is None:
        return np.nan
    if key == "rhythm.cadence_hof":
        return float(rh.get("cadence_spm", np.nan)) / 60.0 / np.sqrt(G_MPS2 / leg)
    if key == "rhythm.step_length_ll":
        return float(rh.get("step_length_m", np.nan)) / leg
    raise ValueError(f"unknown rhythm feature {key}")


def _peak_time_pct(m: np.ndarray, use_max: bool) -> np.ndarray:
    """Time of the max/min of each periodic curve (% of stride) with parabolic refinement."""
    y = m[:, : N_POINTS - 1] if use_max else -m[:, : N_POINTS - 1]
    k = y.argmax(axis=1)
    n = y.shape[1]
    rows = np.arange(y.shape[0])
    y0, y1, y2 = y[rows, (k - 1) % n], y[rows, k], y[rows, (k + 1) % n]
    den = y0 - 2 * y1 + y2
    with np.errstate(divide="ignore", invalid="ignore"):
        off = np.where(np.abs(den) > 1e-12, 0.5 * (y0 - y2) / den, 0.0)
    return (k + np.clip(off, -0.5, 0.5)) * 100.0 / n


def _circ_mean_pct(t: np.ndarray) -> float:
    th = t / 100.0 * 2 * np.pi
    return float(np.angle(np.mean(np.exp(1j * th))) / (2 * np.pi) * 100.0) % 100.0


def _circ_dev(t: np.ndarray, ref: float) -> np.ndarray:
    return (t - ref + 50.0) % 100.0 - 50.0


@dataclass
class FeatureExtractor:
    """Learns fPCA bases and reference timings on training runners; computes the feature matrix."""

    angles: list[str]
    rhythm: list[str] = field(default_factory=list)
    n_components: int = 3
    fpca_: dict[str, FPCA] = field(default_factory=dict)
    t_ref_: dict[str, float] = field(default_factory=dict)
    names_: list[str] = field(default_factory=list)

    def fit(self, data: RunnerData) -> FeatureExtractor:
        self.fpca_, self.t_ref_ = {}, {}
        for a in self.angles:
            c = data.curves[a]
            self.fpca_[a] = FPCA(self.n_components).fit(c - c[:, : N_POINTS - 1].mean(axis=1, keepdims=True))
            self.t_ref_[f"{a}.t_max_pct"] = _circ_mean_pct(_peak_time_pct(c, True))
            self.t_ref_[f"{a}.t_min_pct"] = _circ_mean_pct(_peak_time_pct(c, False))
        self.names_ = self._names()
        return self

    def _names(self) -> list[str]:
        names = []
        for a in self.angles:
            names += [f"{a}.pc{k + 1}" for k in range(self.n_components)]
            names += [f"{a}.rom_deg", f"{a}.peak_rel_deg", f"{a}.t_max_pct", f"{a}.t_min_pct"]
            if a in SAGITTAL_ANGLES:
                names.append(f"{a}.stance_exc_deg")
            names.append(f"{a}.sd_deg")
        return names + list(self.rhythm)

    def transform(self, data: RunnerData) -> np.ndarray:
        """Feature matrix (n_runners, n_features) in the order of ``names_``."""
        cols: list[np.ndarray] = []
        for a in self.angles:
            c = data.curves[a]
            cols += list(self.fpca_[a].transform(c - c[:, : N_POINTS - 1].mean(axis=1, keepdims=True)).T)
            cols.append(c.max(axis=1) - c.min(axis=1))
            cols.append(c.max(axis=1) - c[:, : N_POINTS - 1].mean(axis=1))
            cols.append(_circ_dev(_peak_time_pct(c, True), self.t_ref_[f"{a}.t_max_pct"]))
            cols.append(_circ_dev(_peak_time_pct(c, False), self.t_ref_[f"{a}.t_min_pct"]))
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
            "n_components": self.n_components,
            "t_ref": self.t_ref_,
            "fpca": {a: {"mean": f.mean_.tolist(), "components": f.components_.tolist(), "explained_ratio": f.explained_ratio_.tolist()} for a, f in self.fpca_.items()},
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FeatureExtractor:
        fx = cls(angles=list(d["angles"]), rhythm=list(d["rhythm"]), n_components=int(d["n_components"]))
        for a, f in d["fpca"].items():
            p = FPCA(fx.n_components)
            p.mean_ = np.asarray(f["mean"], float)
            p.components_ = np.asarray(f["components"], float)
            p.explained_ratio_ = np.asarray(f["explained_ratio"], float)
            fx.fpca_[a] = p
        fx.t_ref_ = {k: float(v) for k, v in d["t_ref"].items()}
        fx.names_ = fx._names()
        return fx
