"""A skill model from every real runner's analysed trials vs the stride-curve model (real data only).

Population: the runners of Fukuchi et al. (2017) with full trials (``validation/skill_trials_cache.py``
analyses and caches them under ``out/skill_trials/``; run it first): 20 runners at 3.5 m/s (RBDS001 +
19 of ``mocap/fukuchi2017_runners``), 5 at 2.5 and 4 at 4.5 m/s. Per runner and speed, the features
stridelab measures, in the skill groups:

- rhythm (spatiotemporal): cadence as Hof's dimensionless step frequency, step length / leg length,
  duty factor, vertical oscillation (cm), overstride (% leg length), strike index (%);
- loading (force plate): peak vertical force, average loading rate, braking and propulsive impulse
  (body weights), peak braking force, Morin leg and vertical stiffness per kg, peak hip/knee/ankle
  extensor moments and knee abduction moment (N m/kg);
- hip and pelvis, knee, ankle and foot (three planes): range of motion of every joint angle's mean
  curve (sagittal, frontal, transverse; pelvis tilt, obliquity, rotation), hip and knee flexion and
  ankle dorsiflexion at initial contact, peak knee flexion in stance, peak hip adduction, pelvic drop,
  foot strike angle.

Two learners, both in runner-wise leave-one-out cross-validation (the whole procedure inside the
folds; 20 runners), with a permutation test (the same procedure on permuted targets) and a
percentile bootstrap 95 % CI of r (runners resampled):

- ``ridge``: ridge regression (GCV lambda) on all standardised features;
- ``skill value``: the shipped scoring procedure (:mod:`stridelab.skill.orientation`) learned on the
  training runners: per group a ridge composite, oriented and weighted by its leave-one-out q^2 on
  the training runners (groups with q^2 <= 0 get no weight; no inner permutation test, so this is
  more permissive than the shipped rule), the held-out runner's skill value = the weighted mean of
  its group percentiles; r = Pearson r between that value and the oriented target.

Targets: race pace (min/km; better = lower) and level (competitive 2, elite 3).

With ``--curves``, also the stride-curve model (:func:`stridelab.skill.fit.fit_model`: functional
features of the mean curves of all twelve three-plane angles stridelab measures, plus rhythm; sparse-
group lasso, repeated 5-fold runner-wise CV) on the same 20 runners' own 3.5 m/s strides.

    .venv/bin/python validation/skill_trials_model.py [--permutations 199] [--curves]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from stridelab.skill.groupmodels import ridge_gcv
from stridelab.skill.orientation import loo_q2
from stridelab.skill.score import percentile

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "out" / "skill_trials"
G = 9.81
LEVEL = {"recreational": 1.0, "competitive": 2.0, "elite": 3.0}

SUMMARY_FEATURES = {
    "rhythm": ["duty_factor", "vertical_oscillation_cm", "overstride_pct_leg", "strike_index_pct"],
    "loading": ["peak_vgrf_bw", "vlr_avg_bw_s", "braking_impulse_bws", "propulsive_impulse_bws", "peak_braking_bw",
                "hip_extension_moment_peak_nm_kg", "knee_extension_moment_peak_nm_kg", "ankle_plantarflexion_moment_peak_nm_kg",
                "knee_abduction_moment_peak_nm_kg"],
    "hip and pelvis": ["hip_flexion_ic_deg", "hip_adduction_peak_deg", "pelvic_drop_deg"],
    "knee": ["knee_flexion_ic_deg", "knee_flexion_peak_deg"],
    "ankle and foot": ["ankle_dorsiflexion_ic_deg", "foot_strike_angle_deg"],
}
ROM_ANGLES = {
    "hip and pelvis": ["hip_flexion", "hip_adduction", "hip_rotation", "pelvis_tilt", "pelvis_obliquity", "pelvis_rotation"],
    "knee": ["knee_flexion", "knee_adduction", "knee_rotation"],
    "ankle and foot": ["ankle_dorsiflexion", "ankle_inversion", "ankle_rotation"],
}


def features(rec: dict[str, Any], curves: Any) -> dict[str, tuple[str, float]]:
    """name -> (group, value) of one analysed trial."""
    s = rec["summary"]
    leg = rec.get("leg_length_m") or 0.53 * rec["height_m"]
    out: dict[str, tuple[str, float]] = {
        "cadence_hof": ("rhythm", s["cadence_spm"] / 60.0 / np.sqrt(G / leg)),
        "step_length_ll": ("rhythm", s["step_length_m"] / leg),
        "leg_stiffness_morin_kn_m_kg": ("loading", s["leg_stiffness_morin_kn_m"] / rec["mass_kg"]),
        "vertical_stiffness_morin_kn_m_kg": ("loading", s["vertical_stiffness_morin_kn_m"] / rec["mass_kg"]),
    }
    for g, names in SUMMARY_FEATURES.items():
        for n in names:
            v = s.get(n)
            out[n] = (g, float(v) if v is not None else np.nan)
    for g, angles in ROM_ANGLES.items():
        for a in angles:
            key = f"{a}__right"
            if key in curves:
                m = np.asarray(curves[key]).mean(axis=0)
                out[f"{a}.rom_deg"] = (g, float(m.max() - m.min()))
    return out


def load(speed: float) -> tuple[list[str], np.ndarray, list[str], list[str], dict[str, np.ndarray]]:
    index = json.loads((CACHE / "trials.json").read_text())
    rows = [r for r in index.values() if abs(r["speed_mps"] - speed) < 0.01]
    rows.sort(key=lambda r: r["runner"])
    feats = [features(r, np.load(CACHE / f"{r['trial']}.npz")) for r in rows]
    names = sorted(set.intersection(*(set(f) for f in feats)))
    x = np.array([[f[n][1] for n in names] for f in feats])
    ok = np.isfinite(x).all(axis=0)
    names = [n for n, k in zip(names, ok, strict=True) if k]
    groups = [feats[0][n][0] for n in names]
    targets = {"pace": np.array([r["pace_min_per_km"] for r in rows]), "level": np.array([LEVEL[r["level"]] for r in rows])}
    return [r["runner"] for r in rows], x[:, ok], names, groups, targets


def _r(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    d = float(np.sqrt((a @ a) * (b @ b)))
    return float(a @ b / d) if d > 1e-12 else 0.0


def ridge_loo(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Held-out ridge predictions (standardisation and lambda on the training runners only)."""
    n = len(y)
    pred = np.empty(n)
    for i in range(n):
        tr = np.arange(n) != i
        m, s = x[tr].mean(0), x[tr].std(0, ddof=1)
        s[s == 0] = 1
        xt = (x[tr] - m) / s
        coef, _, _ = ridge_gcv(xt, y[tr])
        pred[i] = y[tr].mean() + (((x[i] - m) / s) - xt.mean(0)) @ coef
    return pred


def skill_loo(x: np.ndarray, y: np.ndarray, groups: list[str], sgn: float) -> np.ndarray:
    """Held-out skill values by the shipped scoring procedure learned on the training runners."""
    n = len(y)
    gnames = sorted(set(groups))
    out = np.empty(n)
    for i in range(n):
        tr = np.arange(n) != i
        m, s = x[tr].mean(0), x[tr].std(0, ddof=1)
        s[s == 0] = 1
        xt, xi = (x[tr] - m) / s, (x[i] - m) / s
        scores, w = [], []
        for g in gnames:
            cols = [j for j, gg in enumerate(groups) if gg == g]
            coef, _, _ = ridge_gcv(xt[:, cols], y[tr])
            q2 = loo_q2(xt[:, cols], y[tr])
            if q2 <= 0:
                continue
            ref = sgn * (xt[:, cols] @ coef)
            scores.append(float(percentile(ref, np.array([sgn * (xi[cols] @ coef)]))[0]))
            w.append(q2)
        out[i] = float(np.dot(scores, w) / np.sum(w)) if w else 50.0
    return out


def evaluate(x: np.ndarray, y: np.ndarray, groups: list[str], sgn: float, n_perm: int, rng: np.random.Generator) -> dict[str, Any]:
    res: dict[str, Any] = {}
    for name, fn in (("ridge", lambda yy: sgn * ridge_loo(x, yy)), ("skill value", lambda yy: skill_loo(x, yy, groups, sgn))):
        pred = fn(y)
        r = _r(pred, sgn * y)
        null = np.array([_r(fn(yp), sgn * yp) for yp in (rng.permutation(y) for _ in range(n_perm))])
        idx = rng.integers(0, len(y), (2000, len(y)))
        boot = np.array([_r(pred[i], sgn * y[i]) for i in idx])
        res[name] = {"r": r, "ci95": [float(np.nanquantile(boot, 0.025)), float(np.nanquantile(boot, 0.975))],
                     "p": float((1 + np.sum(null >= r)) / (1 + n_perm)), "null_mean": float(null.mean())}
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--permutations", type=int, default=199)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--curves", action="store_true", help="also fit the stride-curve model on the 3.5 m/s runners")
    args = ap.parse_args()
    if not (CACHE / "trials.json").is_file():
        raise SystemExit("run validation/skill_trials_cache.py first")
    for speed in (3.5, 2.5, 4.5):
        ids, x, names, groups, targets = load(speed)
        print(f"\n{speed} m/s: {len(ids)} runners ({', '.join(ids)}); {len(names)} features: "
              + ", ".join(f"{g} {groups.count(g)}" for g in sorted(set(groups))))
        if len(ids) < 10:
            print("   fewer than 10 runners: no model (a skill model needs at least 10)")
            continue
        for target, sgn in (("pace", -1.0), ("level", 1.0)):
            y = targets[target]
            if np.unique(y).size < 2:
                print(f"   {target}: one value only")
                continue
            res = evaluate(x, y, groups, sgn, args.permutations, np.random.default_rng(args.seed))
            for learner, v in res.items():
                print(f"   {target:>5} {learner:>11}: leave-one-runner-out r = {v['r']:+.3f} (bootstrap 95% CI {v['ci95'][0]:+.2f} to "
                      f"{v['ci95'][1]:+.2f}), permutation p = {v['p']:.3f} ({args.permutations} permutations, mean null r {v['null_mean']:+.2f})")
        sgn = -1.0
        y = targets["pace"]
        print("   per group (all runners, pace): leave-one-out q2 of ridge on the group's features; strongest single feature r with -pace")
        for g in sorted(set(groups)):
            cols = [j for j, gg in enumerate(groups) if gg == g]
            xs = (x[:, cols] - x[:, cols].mean(0)) / x[:, cols].std(0, ddof=1)
            rs = [_r(xs[:, k], sgn * y) for k in range(len(cols))]
            k = int(np.argmax(np.abs(rs)))
            print(f"     {g:>15}: {len(cols)} features, q2 = {loo_q2(xs, y):+.2f}; {names[cols[k]]} r = {rs[k]:+.2f}")
    if args.curves:
        curve_model(args.permutations)
    print(json.dumps({"note": "real runners only; nothing synthetic"}))


def curve_population(speed: float) -> Any:
    """The cached runners at ``speed`` as a stride-curve population (right and left strides, rhythm, targets)."""
    from stridelab.skill.population import Population

    index = json.loads((CACHE / "trials.json").read_text())
    curves, meta = {}, {}
    for r in index.values():
        if abs(r["speed_mps"] - speed) > 0.01:
            continue
        z = np.load(CACHE / f"{r['trial']}.npz")
        per: dict[str, dict[str, np.ndarray]] = {}
        for key in z.files:
            a, side = key.split("__")
            per.setdefault(a, {})[side] = z[key]
        curves[r["runner"]] = per
        s = r["summary"]
        meta[r["runner"]] = {"speed_mps": s["speed_mps"], "height_m": r["height_m"], "mass_kg": r["mass_kg"],
                             "leg_length_m": r["leg_length_m"], "pace_min_per_km": r["pace_min_per_km"], "level": r["level"],
                             "sex": r["sex"], "age_y": r["age_y"],
                             "rhythm": {k: s[k] for k in ("cadence_spm", "duty_factor", "step_length_m")}}
    return Population.from_curves(curves, meta, name=f"fukuchi2017 full trials {speed} m/s", source=str(CACHE))


def curve_model(n_perm: int) -> None:
    from stridelab.skill.fit import FitOptions, fit_model

    pop = curve_population(3.5)
    print(f"\nstride-curve model on the {len(pop)} runners at 3.5 m/s (all angles, rhythm; repeated 5-fold CV x 10):")
    for target in ("pace", "level"):
        m = fit_model(pop, FitOptions(target=target, n_permutations=n_perm))
        v = m.card["validation"]
        kinds = ", ".join(f"{g} {o.kind}" for g, o in m.orientation.items())
        print(f"   {target:>5}: {len(m.reference_target)} runners, {len(m.names)} features; CV r = {v['cv_r']:+.3f} (bootstrap 95% CI "
              f"{v['cv_r_ci95'][0]:+.2f} to {v['cv_r_ci95'][1]:+.2f}), permutation p = {v['permutation_p']:.3f}; groups: {kinds}")


if __name__ == "__main__":
    main()
