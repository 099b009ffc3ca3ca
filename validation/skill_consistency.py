"""Consistency of skill scores across inputs: runner RBDS001 from raw markers vs from rbds_strides.

Runner RBDS001 of Fukuchi et al. (2017) at 2.5 m/s is scored twice with the default skill model:

A. from its per-stride curves in ``population/rbds_strides`` (stride subject 1, harmonised to
   stridelab's names and signs, the model's own reference data);
B. from its raw trial ``RBDS001runT25markers.txt`` (+ ``RBDS001runT25forces.txt`` for the contacts
   and ``RBDS001static.c3d`` for the anatomical frames) through stridelab's joint-motion pipeline
   (:func:`stridelab.kinematics.strides.stride_curves`: the strides the kinematics kept).

Both go through the same scoring path (stride quality checks, features, model). The scores agree
when every group score and the skill value differ by no more than the within-session minimal
detectable change (MDC95 of the model card, split halves of the reference runners' strides).
The script also prints, per angle, how the two sources' mean curves agree (r, RMS of the
mean-removed difference, constant offset) and which features move the scores.

    .venv/bin/python validation/skill_consistency.py                # the default model
    .venv/bin/python validation/skill_consistency.py --all-angles   # also a model on all seven angles
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
FUKUCHI = SHARED / "mocap" / "fukuchi2017"
STRIDES = SHARED / "population" / "rbds_strides"
RUNNER = "RBDS001"


def sources(model: Any) -> tuple[Any, Any]:
    """The two one-runner populations (A: rbds_strides, B: raw markers through the kinematics)."""
    from stridelab.skill.stridefiles import load_stride_folder
    from stridelab.skill.trials import analyse_recording, trial_population

    a = load_stride_folder(STRIDES).subset([RUNNER])
    an = analyse_recording(FUKUCHI / "RBDS001runT25markers.txt", FUKUCHI / "RBDS001static.c3d", FUKUCHI / "RBDS001runT25forces.txt")
    b = trial_population(an, RUNNER, angles=model.extractor.angles)
    return a, b


def curve_agreement(model: Any, a: Any, b: Any, side_b: str = "right") -> list[dict[str, float | str]]:
    """Per harmonised angle: r, RMSE, RMS of the mean-removed difference and offset of the mean curves
    (B on ``side_b`` minus A, whose side is taken as right), both after the stride quality checks."""
    from stridelab.skill.score import clean_for_scoring
    from stridelab.skill.stridefiles import HARMONISATION

    ca, _ = clean_for_scoring(model, a)
    cb, _ = clean_for_scoring(model, b)
    rows = []
    for ang in [ang for ang, _ in HARMONISATION.values()]:
        sa, sb = ca.runners[0].curves.get(ang, {}).get("right"), cb.runners[0].curves.get(ang, {}).get(side_b)
        if sa is None or sb is None:
            continue
        ma, mb = sa.mean(axis=0), sb.mean(axis=0)
        da, db = ma - ma[:100].mean(), mb - mb[:100].mean()
        rows.append({
            "angle": ang,
            "r": float(np.corrcoef(ma, mb)[0, 1]),
            "rmse_deg": float(np.sqrt(np.mean((mb - ma) ** 2))),
            "rms_centred_deg": float(np.sqrt(np.mean((db - da) ** 2))),
            "offset_deg": float(mb[:100].mean() - ma[:100].mean()),
            "n_a": int(sa.shape[0]),
            "n_b": int(sb.shape[0]),
            "in_model": "yes" if ang in model.extractor.angles else "",
        })
    return rows


def feature_shifts(model: Any, a: Any, b: Any) -> list[tuple[str, str, float, float]]:
    """Per group: the features whose change (B - A, in reference SDs) moves the group score most.

    A group score is the percentile of the runner's association (features x coefficients) among the
    reference runners', so a feature's pull is its change times its coefficient, in SDs of the
    reference runners' associations."""
    from stridelab.skill.features import runner_data
    from stridelab.skill.score import clean_for_scoring

    xs = []
    for pop in (a, b):
        c, _ = clean_for_scoring(model, pop)
        d = runner_data(c, model.extractor.angles, model.side, model.extractor.rhythm)
        xs.append(model.standardise(model.extractor.transform(d))[0])
    dx = xs[1] - xs[0]
    out = []
    for g, o in model.orientation.items():
        # oriented groups: change x weight; similarity groups: change of the feature's distance from the median runner
        pa, pb = o.contributions(xs[0][None, :])[0], o.contributions(xs[1][None, :])[0]
        contrib = (pb - pa) / max(float(np.std(o.reference)), 1e-12)
        for j in np.argsort(-np.abs(contrib))[:3]:
            out.append((g, o.features[j], float(dx[o.columns][j]), float(contrib[j])))
    return out


def main() -> None:
    import argparse

    from stridelab.skill.model import load_model

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--all-angles", action="store_true", help="also fit and check a model on all seven rbds_strides angles")
    args = ap.parse_args()
    report(load_model(), "default model")
    if args.all_angles:
        from stridelab.skill.fit import FitOptions, fit_model
        from stridelab.skill.stridefiles import load_stride_folder

        angles = ["hip_flexion", "hip_adduction", "hip_rotation", "knee_flexion", "knee_adduction", "ankle_dorsiflexion", "ankle_inversion"]
        model = fit_model(load_stride_folder(STRIDES), FitOptions(angles=angles, n_permutations=0))
        print("\n" + "=" * 100)
        report(model, "a model fitted like the default on seven angles (with hip adduction and rotation, knee adduction)")


def report(model: Any, what: str) -> None:
    from stridelab.skill.reliability import compare_scores
    from stridelab.skill.score import score_population

    a, b = sources(model)
    sa, sb = score_population(model, a)[0], score_population(model, b)[0]
    print(f"runner {RUNNER}, {what} ({model.reference_name}, side {model.side}); A = rbds_strides, B = raw markers "
          f"(RBDS001runT25markers.txt + forces + static) through stridelab.kinematics")
    print(f"speed A {sa['speed_mps']} m/s, B {sb['speed_mps']:.2f} m/s; warnings B: {sb['warnings']}")
    for side_b in ("right", "left"):
        print(f"\n1. Mean curves, B ({side_b} side) against A (rbds_strides, side taken as right), after the stride quality checks; "
              "RMSE, RMS of the mean-removed difference and offset B - A in deg")
        print(f"{'angle':>20} {'r':>6} {'RMSE':>6} {'RMS c.':>7} {'offset':>7} {'strides A/B':>12} {'in model':>9}")
        for row in curve_agreement(model, a, b, side_b):
            print(f"{row['angle']:>20} {row['r']:6.3f} {row['rmse_deg']:6.2f} {row['rms_centred_deg']:7.2f} {row['offset_deg']:+7.2f} "
                  f"{row['n_a']:>6}/{row['n_b']:<5} {row['in_model']:>9}")
    cmp = compare_scores(sa, sb, model.reliability)
    print("\n2. Scores (0-100) and the within-session MDC95 of the model card")
    print(f"{'score':>16} {'A':>6} {'B':>6} {'B - A':>7} {'MDC95':>6}  within")
    for name in ["skill_value", *model.group_models]:
        c = cmp[name]
        d = "" if c["difference"] is None else f"{c['difference']:+7.1f}"
        m = "" if c["mdc95"] is None or not np.isfinite(c["mdc95"]) else f"{c['mdc95']:6.1f}"
        va = "-" if c["a"] is None else f"{c['a']:.1f}"
        vb = "-" if c["b"] is None else f"{c['b']:.1f}"
        print(f"{name:>16} {va:>6} {vb:>6} {d:>7} {m:>6}  {c['within_mdc']}")
    print("\n3. Features that move each group score most (change B - A in SDs of the reference runners; pull on the "
          "group's composite in SDs of the reference runners' composites; for similarity groups, the change of the feature's "
          "distance from the median runner)")
    for g, f, dz, contrib in feature_shifts(model, a, b):
        print(f"{g:>16}  {f:<34} {dz:+6.2f} SD  pull {contrib:+6.2f}")


if __name__ == "__main__":
    main()
