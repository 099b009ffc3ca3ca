"""SYNTHETIC runner populations of any size, built from real per-stride curves, with planted effects.

Everything this module makes is synthetic and labelled so: runner ids ``SYN...``, population
names ``synthetic-...``, ``Population.synthetic = True`` and a note naming the planted effects.

Method (fitted by :meth:`SyntheticGenerator.fit` on a real population, e.g. ``rbds_strides``):

1. *Between-runner variation*: the runners' mean curves of all angles, concatenated, are
   decomposed by PCA (a joint functional PCA, Ramsay & Silverman 2005, so that the correlations
   between joints are kept: ``coupling="joint"``), or the angles of each skill group separately
   (``coupling="by_group"``: body parts vary independently of each other, so a group without a
   planted effect carries no information about ability at all); a synthetic runner's mean curves
   are the mean plus Gaussian scores with the fitted variances. An independent residual per angle
   (periodic Gaussian process, SD ``residual_sd_deg``, length scale 8 % of the stride) makes the
   variation full-rank: the PCA of 23 runners spans only 22 directions, and a population of
   thousands varies in every direction. Its kernel is Matern nu = 5/2 (``residual_kernel="matern52"``,
   Rasmussen CE, Williams CKI (2006) *Gaussian Processes for Machine Learning*, MIT Press, eq. 4.17):
   its power falls with the harmonic k of the stride like k^-6, close to the real runners'
   between-runner spectrum (about k^-5 from the 5th to the 11th harmonic of knee flexion, ankle
   dorsiflexion and hip adduction in ``rbds_strides``). The squared-exponential kernel
   (``"squared_exponential"``, used before) has a spectrum that falls like a Gaussian: beyond its
   17th component its variance is below 0.01 deg^2, so the synthetic runners had directions of the
   curve space with practically no natural variation, in which a planted effect is visible
   without any masking; the best achievable r of :meth:`oracle_r` then reads the knee effect
   through a rough, oscillating filter that no measurement could support (validation section
   "Method acceptance on SYNTHETIC populations").
2. *Within-runner variation*: the PCA of stride deviations from each runner's mean (pooled)
   gives the stride-to-stride variation; each synthetic runner has its own variability factor
   (log-normal with the real runners' spread), and ``n_strides`` strides are drawn.
3. *Planted technique effects* (in curve space, not in any model feature): two independent
   latent skill components per runner, z_knee and z_ankle ~ N(0, 1), make the ability
   z = (z_knee + z_ankle) / sqrt(2), which sets the target, pace = mean - sd (rho z +
   sqrt(1 - rho^2) e), and change the curves: ``knee_swing_deg`` degrees more knee flexion at the
   swing peak per SD of z_knee (a Gaussian bump, SD 8 % of the stride, at the mean curve's swing
   peak), and ``ankle_shift_pct`` % earlier ankle dorsiflexion curve per SD of z_ankle (a circular
   time shift). With ``shared_ability=True`` one z drives both. Hip, pelvis and variability carry
   no planted effect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stridelab.skill.angles import N_POINTS, group_of
from stridelab.skill.population import Population


@dataclass
class PlantedEffects:
    """Effects per SD of latent ability (better runners have z > 0)."""

    knee_swing_deg: float = 5.0
    ankle_shift_pct: float = 3.0
    rho: float = 0.7
    shared_ability: bool = False

    def planted_groups(self) -> list[str]:
        g = []
        if self.knee_swing_deg:
            g.append("knee")
        if self.ankle_shift_pct:
            g.append("ankle and foot")
        return g


RESIDUAL_KERNELS = ("matern52", "squared_exponential")
RESIDUAL_LENGTH_PCT = 8.0
BUMP_SD_PCT = 8.0


def _periodic_gp_basis(n: int, length_pct: float, kernel: str = "matern52") -> np.ndarray:
    """Square root of a periodic covariance on n points (unit variance): Matern 5/2 or squared exponential."""
    t = np.arange(n) / (n - 1) * 100.0
    d = np.abs(t[:, None] - t[None, :])
    d = np.minimum(d, 100.0 - d)
    if kernel == "matern52":
        r = np.sqrt(5.0) * d / length_pct
        k = (1.0 + r + r * r / 3.0) * np.exp(-r)
    elif kernel == "squared_exponential":
        k = np.exp(-0.5 * (d / length_pct) ** 2)
    else:
        raise ValueError(f"residual kernel must be one of {RESIDUAL_KERNELS}")
    w, v = np.linalg.eigh(k)
    return v * np.sqrt(np.clip(w, 0, None))


def _shift_curves(c: np.ndarray, shift_pct: np.ndarray) -> np.ndarray:
    """Circularly shift each periodic curve (n, 101) by ``shift_pct`` (positive = later)."""
    n = c.shape[1] - 1
    base = c[:, :n]
    t = np.arange(n)[None, :] - shift_pct[:, None] * n / 100.0
    i0 = np.floor(t).astype(int)
    frac = t - i0
    rows = np.arange(c.shape[0])[:, None]
    out = (1 - frac) * base[rows, i0 % n] + frac * base[rows, (i0 + 1) % n]
    return np.concatenate([out, out[:, :1]], axis=1)


@dataclass
class SyntheticGenerator:
    """Fit on real curves, then :meth:`sample` SYNTHETIC populations with planted effects."""

    residual_sd_deg: float = 1.5
    coupling: str = "joint"
    residual_kernel: str = "matern52"
    angles_: list[str] = field(default_factory=list)
    mean_: np.ndarray = field(default_factory=lambda: np.zeros(0))
    between_: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    within_: tuple[np.ndarray, np.ndarray] = field(default_factory=lambda: (np.zeros(0), np.zeros((0, 0))))
    log_var_sd_: float = 0.2
    pace_: tuple[float, float] = (4.0, 0.35)
    body_: dict[str, tuple[float, float]] = field(default_factory=dict)
    speed_mps_: float = 2.5
    source_: str = ""

    def fit(self, pop: Population, angles: list[str] | None = None, side: str = "right") -> SyntheticGenerator:
        self.angles_ = list(angles or pop.angles())
        means, resid, sds = [], [], []
        for r in pop.runners:
            s = np.concatenate([r.curves[a][side] for a in self.angles_], axis=1)
            s = s[np.isfinite(s).all(axis=1)]
            m = s.mean(axis=0)
            means.append(m)
            resid.append(s - m)
            sds.append(np.log(s.std(axis=0, ddof=1).mean()))
        mm = np.array(means)
        self.mean_ = mm.mean(axis=0)
        if self.coupling not in ("joint", "by_group"):
            raise ValueError("coupling must be 'joint' or 'by_group'")
        blocks: dict[str, list[int]] = {}
        for i, a in enumerate(self.angles_):
            key = "all" if self.coupling == "joint" else group_of(a + ".")
            blocks.setdefault(key, []).extend(range(i * N_POINTS, (i + 1) * N_POINTS))
        self.between_ = []
        for cols in blocks.values():
            idx = np.array(cols)
            _, sv, vt = np.linalg.svd(mm[:, idx] - self.mean_[idx], full_matrices=False)
            self.between_.append((idx, sv**2 / (len(mm) - 1), vt))
        rr = np.concatenate(resid)
        _, sw, wt = np.linalg.svd(rr, full_matrices=False)
        k = min(30, len(sw))
        self.within_ = (sw[:k] ** 2 / (len(rr) - len(mm)), wt[:k])
        self.log_var_sd_ = float(np.std(sds, ddof=1))
        pace = pop.target("pace")
        pace = pace[np.isfinite(pace)]
        if pace.size > 2:
            self.pace_ = (float(pace.mean()), float(pace.std(ddof=1)))
        for key in ("height_m", "mass_kg", "age_y"):
            v = np.array([getattr(r, key) for r in pop.runners if getattr(r, key) is not None], float)
            if v.size > 2:
                self.body_[key] = (float(v.mean()), float(v.std(ddof=1)))
        sp = pop.speed_mps()
        self.speed_mps_ = float(np.nanmedian(sp)) if np.isfinite(sp).any() else 2.5
        self.source_ = pop.name
        return self

    def _slice(self, a: str) -> slice:
        i = self.angles_.index(a)
        return slice(i * N_POINTS, (i + 1) * N_POINTS)

    def _knee_bump(self) -> np.ndarray:
        """Unit Gaussian bump (SD 8 % of the stride) at the mean knee curve's swing peak."""
        knee = self.mean_[self._slice("knee_flexion")]
        t_peak = 40 + int(np.argmax(knee[40:]))
        t = np.arange(N_POINTS)
        return np.exp(-0.5 * ((t - t_peak) / BUMP_SD_PCT) ** 2)

    def sample_means(self, n: int, effects: PlantedEffects, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Runner mean curves (n, n_angles*101) and latent ability z (n,)."""
        m = np.repeat(self.mean_[None, :], n, axis=0)
        for idx, var, vt in self.between_:
            m[:, idx] += (rng.standard_normal((n, len(var))) * np.sqrt(var)) @ vt
        gp = _periodic_gp_basis(N_POINTS, RESIDUAL_LENGTH_PCT, self.residual_kernel)
        for a in self.angles_:
            m[:, self._slice(a)] += self.residual_sd_deg * rng.standard_normal((n, N_POINTS)) @ gp.T
        zg = rng.standard_normal((2, n))
        if effects.shared_ability:
            zg[1] = zg[0]
            z = zg[0]
        else:
            z = zg.sum(axis=0) / np.sqrt(2.0)
        if effects.knee_swing_deg and "knee_flexion" in self.angles_:
            m[:, self._slice("knee_flexion")] += effects.knee_swing_deg * zg[0][:, None] * self._knee_bump()[None, :]
        if effects.ankle_shift_pct and "ankle_dorsiflexion" in self.angles_:
            sl = self._slice("ankle_dorsiflexion")
            m[:, sl] = _shift_curves(m[:, sl], -effects.ankle_shift_pct * zg[1])
        return m, z

    def sample(
        self,
        n_runners: int,
        effects: PlantedEffects | None = None,
        n_strides: int = 16,
        seed: int = 0,
    ) -> tuple[Population, dict[str, Any]]:
        """A SYNTHETIC population and its ground truth (``z``, planted groups, effects, seed)."""
        effects = effects or PlantedEffects()
        rng = np.random.default_rng(seed)
        means, z = self.sample_means(n_runners, effects, rng)
        wvar, wt = self.within_
        vscale = np.exp(self.log_var_sd_ * rng.standard_normal(n_runners))
        mu_p, sd_p = self.pace_
        pace = mu_p - sd_p * (effects.rho * z + np.sqrt(1 - effects.rho**2) * rng.standard_normal(n_runners))
        cut = np.quantile(pace, [0.1, 0.5])
        curves: dict[str, dict[str, dict[str, np.ndarray]]] = {}
        meta: dict[str, dict[str, Any]] = {}
        for i in range(n_runners):
            rid = f"SYN{i + 1:05d}"
            s = means[i] + vscale[i] * (rng.standard_normal((n_strides, len(wvar))) * np.sqrt(wvar)) @ wt
            curves[rid] = {a: {"right": s[:, self._slice(a)]} for a in self.angles_}
            md: dict[str, Any] = {
                "speed_mps": self.speed_mps_,
                "pace_min_per_km": float(pace[i]),
                "level": "Elite" if pace[i] <= cut[0] else "Competitive" if pace[i] <= cut[1] else "Recreational",
                "sex": "synthetic",
                "synthetic": True,
            }
            for key, (mu, sd) in self.body_.items():
                md[key] = float(mu + sd * rng.standard_normal())
            meta[rid] = md
        name = f"synthetic-{n_runners}-seed{seed}"
        notes = [
            f"SYNTHETIC population generated from the curves of {self.source_!r} (stridelab.skill.synthetic, "
            f"coupling={self.coupling})",
            f"planted: +{effects.knee_swing_deg} deg knee swing flexion and {effects.ankle_shift_pct} % earlier ankle "
            f"curve per SD of the knee / ankle skill component; corr(pace, ability) = -{effects.rho}",
        ]
        pop = Population.from_curves(curves, meta, name=name, synthetic=True, source="stridelab.skill.synthetic", notes=notes)
        truth = {"z": z, "planted_groups": effects.planted_groups(), "effects": effects, "seed": seed}
        return pop, truth

    def oracle_r(self, effects: PlantedEffects, n_strides: int = 16, n: int = 20000, seed: int = 12345, method: str = "bayes") -> float:
        """The best achievable r between a prediction from a runner's observed mean curves and pace.

        ``method="bayes"`` (the ceiling): the posterior mean E[z | x] of the ability given the
        observed mean curves x, computed exactly from the generator's own model, on ``n`` fresh
        SYNTHETIC runners (at most 3,000; the Monte Carlo error of r is then about 0.005). Given the
        ankle shift s (z_ankle) and the runner's variability factor v, x is Gaussian: mean
        S_s m0 (the shifted mean curves; the knee bump enters linearly with its N(0, 1) score), covariance
        S_s C S_s' + b b' + v^2 W / n_strides (C: natural between-runner variation; b: the knee bump;
        W: stride-to-stride variation). The posterior over z_ankle (a grid of 49 values in
        [-4, 4]) and v (3-point Gauss-Hermite in log v) gives E[z_ankle | x] and E[z_knee | x] =
        sum over the grid of the posterior weight times b' Sigma^-1 (x - mean). Since pace depends
        on the curves only through z, corr(E[pace | x], pace) = rho corr(E[z | x], z), which is what
        is returned (lower Monte Carlo variance than the r with the simulated paces).

        ``method="linear"``: the best *linear* predictor of pace from the observed mean curves,
        fitted by least squares on ``n`` runners and evaluated on ``n`` others (the ceiling before
        2026-11; it misses the nonlinear part of a time shift).
        """
        rng = np.random.default_rng(seed)
        wvar, wt = self.within_
        mu_p, sd_p = self.pace_
        if method == "linear":
            def draw() -> tuple[np.ndarray, np.ndarray]:
                m, z = self.sample_means(n, effects, rng)
                v = np.exp(self.log_var_sd_ * rng.standard_normal(n))
                noise = (rng.standard_normal((n, len(wvar))) * np.sqrt(wvar / n_strides)) @ wt
                y = mu_p - sd_p * (effects.rho * z + np.sqrt(1 - effects.rho**2) * rng.standard_normal(n))
                return m + v[:, None] * noise, y

            xa, ya = draw()
            xb, yb = draw()
            mu = xa.mean(axis=0)
            coef, *_ = np.linalg.lstsq(np.c_[np.ones(n), xa - mu], ya, rcond=None)
            pred = coef[0] + (xb - mu) @ coef[1:]
            return float(np.corrcoef(pred, yb)[0, 1])
        if method != "bayes":
            raise ValueError("oracle method must be 'bayes' or 'linear'")
        n = min(n, 3000)
        m, z = self.sample_means(n, effects, rng)
        v = np.exp(self.log_var_sd_ * rng.standard_normal(n))
        x = m + v[:, None] * ((rng.standard_normal((n, len(wvar))) * np.sqrt(wvar / n_strides)) @ wt)
        zhat = self._posterior_z(x, effects, n_strides)
        return float(effects.rho * np.corrcoef(zhat, z)[0, 1])

    def natural_covariance(self) -> np.ndarray:
        """Covariance (P, P) of the runners' mean curves without planted effects or stride noise."""
        p = len(self.angles_) * N_POINTS
        c = np.zeros((p, p))
        for idx, var, vt in self.between_:
            c[np.ix_(idx, idx)] += vt.T @ (var[:, None] * vt)
        gp = _periodic_gp_basis(N_POINTS, RESIDUAL_LENGTH_PCT, self.residual_kernel)
        k = self.residual_sd_deg**2 * (gp @ gp.T)
        for a in self.angles_:
            sl = self._slice(a)
            c[sl, sl] += k
        return c

    def _posterior_z(self, x: np.ndarray, effects: PlantedEffects, n_strides: int) -> np.ndarray:
        """E[z | x] for observed mean curves x (n, P) under the generator's model (see :meth:`oracle_r`)."""
        p = len(self.angles_) * N_POINTS
        c0 = self.natural_covariance()
        wvar, wt = self.within_
        cw = wt.T @ (wvar[:, None] * wt) / n_strides
        b = np.zeros(p)
        if effects.knee_swing_deg and "knee_flexion" in self.angles_:
            b[self._slice("knee_flexion")] = effects.knee_swing_deg * self._knee_bump()
        keep = np.arange(p) % N_POINTS != N_POINTS - 1  # point 100 repeats point 0 of the period
        shift_ankle = bool(effects.ankle_shift_pct) and "ankle_dorsiflexion" in self.angles_
        shared = effects.shared_ability and b.any() and shift_ankle  # one z drives both: a grid over z itself
        z_grid = np.linspace(-4.0, 4.0, 49) if shift_ankle else np.zeros(1)
        h = np.sqrt(3.0)
        log_v = self.log_var_sd_ * np.array([-h, 0.0, h])
        log_w = np.log([1 / 6, 2 / 3, 1 / 6])
        n = x.shape[0]
        logp = np.zeros((n, len(z_grid), len(log_v)))
        e_knee = np.zeros_like(logp)
        sl = np.arange(p)[self._slice("ankle_dorsiflexion")] if shift_ankle else np.zeros(0, dtype=int)
        for i, za in enumerate(z_grid):
            s = np.eye(p)
            if shift_ankle:
                s[np.ix_(sl, sl)] = _shift_curves(np.eye(N_POINTS), np.full(N_POINTS, -effects.ankle_shift_pct * za)).T
            mean = s @ self.mean_ + (b * za if shared else 0.0)
            cs = s @ c0 @ s.T + (0.0 if shared else np.outer(b, b))
            d = (x - mean)[:, keep].T
            for j, lv in enumerate(log_v):
                cm = (cs + np.exp(2 * lv) * cw)[np.ix_(keep, keep)]
                cm[np.diag_indices_from(cm)] += 1e-6 * np.trace(cm) / len(cm)  # numerical floor, about 0.01 deg
                chol = np.linalg.cholesky(cm)
                r = np.linalg.solve(chol, d)
                logp[:, i, j] = -0.5 * (r * r).sum(axis=0) - np.log(np.diag(chol)).sum() - 0.5 * za * za + log_w[j]
                e_knee[:, i, j] = np.linalg.solve(chol, b[keep]) @ r if b.any() and not shared else 0.0
        w = np.exp(logp - logp.max(axis=(1, 2), keepdims=True))
        w /= w.sum(axis=(1, 2), keepdims=True)
        za_hat = (w * z_grid[None, :, None]).sum(axis=(1, 2))
        zk_hat = (w * e_knee).sum(axis=(1, 2))
        if shared:
            return za_hat
        if effects.shared_ability:  # one effect planted: its estimate is the estimate of z
            return za_hat + zk_hat
        return (za_hat + zk_hat) / np.sqrt(2.0)
