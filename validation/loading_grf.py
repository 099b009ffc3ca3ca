"""Loading from wearables: peak vertical force and loading rate per step, predicted from IMUs.

Training data are SYNTHETIC sensors: virtual sacrum and shank IMUs made from the motion capture of
20 Fukuchi et al. (2017) runners (:mod:`stridelab.loading.virtual`), whose treadmill force plate
gives the true force of every step. The external test is REAL: a sacral accelerometer with
treadmill force (Alcantara et al. 2022, one runner, 31 conditions; :mod:`stridelab.loading.alcantara`).

For each sensor kind (sacrum, shank):

1. the quality gate (:mod:`stridelab.learn.quality`) with its counts;
2. the models on the **same** runner-wise folds (5-fold GroupKFold by runner, seeded): the Morin
   2005 sinusoid (physics, nothing fitted), ridge on step features (alpha by nested CV), gradient
   boosting (trees by early stopping on validation runners), and with ``--sequence`` the 1-D CNN
   on raw windows (torch; early stopping on validation runners);
3. the shipped model (ridge) also leave-one-runner-out: RMSE with a runner-bootstrap 95 % interval,
   bias and 95 % limits of agreement, per runner; loading rate separately for rearfoot and
   non-rearfoot strikers;
4. the permutation baseline and the learning curve (error against the number of training runners);
5. the sacrum model, refitted on all 20 runners, on the real sacral set (contacts from the
   treadmill force; peak force and loading rate from the accelerometer).

``--write`` stores the refitted ridge models and their cards in
``src/stridelab/loading/data/grf_models.json`` (what ``stridelab analyze`` loads); the sacrum's
shipped model (the waveform ridge) comes from ``validation/loading_sacrum.py`` and is kept.

Run: ``.venv/bin/python validation/loading_grf.py [--sequence] [--write] [--rebuild]``
(the step data set is cached under ``out/cache/loading``; building it takes about a minute).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from stridelab.learn.card import ModelCard  # noqa: E402
from stridelab.learn.dataset import StepDataset  # noqa: E402
from stridelab.learn.evaluate import cross_validate, learning_curve, permutation_baseline, runner_errors  # noqa: E402
from stridelab.learn.quality import quality_gate  # noqa: E402
from stridelab.loading.features import TIMING  # noqa: E402
from stridelab.loading.model import GbmGrf, LinearGrf, MorinBaseline  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
ALPHAS = [1.0, 10.0, 100.0, 1000.0, 10000.0]
RANGES = {"peak_vgrf_bw": (1.0, 5.0), "vlr_avg_bw_s": (5.0, 300.0), "gct_s": (0.1, 0.5), "flight_s": (0.0, 0.3), "step_s": (0.2, 0.6)}
MUST_NOT = [
    "diagnosing or predicting injury (loading is associated with some injuries in some studies, it does not cause them)",
    "walking, sprinting, jumping, or speeds outside the training range",
    "sensor places other than the one the model was trained for (sacrum or mid-shank)",
    "single steps as if measured: the error applies to every step",
    "absolute force in newtons without the runner's body mass",
]


def _ridge(p: dict[str, Any]) -> LinearGrf:
    return LinearGrf(**p)


def _ridge_timing(p: dict[str, Any]) -> LinearGrf:
    return LinearGrf(p["alpha"], list(TIMING))


def _morin(p: dict[str, Any]) -> MorinBaseline:
    return MorinBaseline()


def _gbm(p: dict[str, Any]) -> GbmGrf:
    return GbmGrf(**p)


def _seq(p: dict[str, Any]) -> Any:
    from stridelab.loading.sequence import SequenceGrf

    return SequenceGrf(**p)


def _fit_val(ds: StepDataset) -> tuple[StepDataset, StepDataset]:
    from stridelab.learn.splits import validation_split

    a, b = validation_split(ds.groups, np.arange(len(ds)), 0.2, 1)
    return ds.subset(a), ds.subset(b)


def _fmt(e: dict[str, Any]) -> str:
    return (f"{e['rmse']:.3f} [{e['rmse_ci95'][0]:.3f}, {e['rmse_ci95'][1]:.3f}] | {e['bias']:+.3f} | "
            f"{e['loa95'][0]:+.2f} to {e['loa95'][1]:+.2f}")


def _real_sacrum(model: Any) -> tuple[dict[str, Any], pd.DataFrame]:
    from stridelab.events.imu import aligned
    from stridelab.loading.alcantara import read_conditions
    from stridelab.loading.features import step_features

    rows = []
    with np.errstate(all="ignore"):  # the set has no mediolateral axis: its alignment divides 0 by 0
        conds = read_conditions(SHARED / "wearable" / "sacral_grf")
        feats = [step_features(aligned(c.imu), c.steps) for c in conds]
    for c, f in zip(conds, feats, strict=True):
        ds = StepDataset(f.reset_index(drop=True), c.steps[["peak_vgrf_bw", "vlr_avg_bw_s"]].reset_index(drop=True), np.full(len(f), "alcantara"))
        ok = np.isfinite(ds.X.to_numpy(float)).all(axis=1) & np.isfinite(ds.y.to_numpy(float)).all(axis=1)
        ds = ds.subset(ok)
        p = model.predict(ds)
        tab = pd.DataFrame({"condition": c.index, "speed_mps": c.speed_mps, "slope_pct": c.slope_pct, "strike": c.strike,
                            "peak": ds.y["peak_vgrf_bw"], "peak_pred": p[:, 0], "vlr": ds.y["vlr_avg_bw_s"], "vlr_pred": p[:, 1]})
        rows.append(tab)
    tab = pd.concat(rows, ignore_index=True)
    cond = tab["condition"].astype(str).to_numpy()  # one runner: the bootstrap resamples conditions
    out = {t: {k: v for k, v in runner_errors(tab[c0], tab[c1], cond).items() if k != "per_runner"}
           for t, c0, c1 in (("peak_vgrf_bw", "peak", "peak_pred"), ("vlr_avg_bw_s", "vlr", "vlr_pred"))}
    for t, c0, c1 in (("peak_vgrf_bw", "peak", "peak_pred"), ("vlr_avg_bw_s", "vlr", "vlr_pred")):
        lvl = tab["slope_pct"] == 0
        out[t]["level_only"] = {k: v for k, v in runner_errors(tab.loc[lvl, c0], tab.loc[lvl, c1], cond[lvl]).items() if k in ("rmse", "bias", "n_steps")}
    return out, tab


def _shipped_errors(ds: StepDataset) -> tuple[dict[str, Any], Any]:
    loro = cross_validate(ds, _ridge_timing, [{"alpha": a} for a in ALPHAS], name="ridge, timing", n_splits=None, seed=1)
    errs = {t: runner_errors(loro.y[:, j], loro.pred[:, j], loro.groups) for j, t in enumerate(loro.targets)}
    rear = ds.meta["strike"].astype(str).str.lower().eq("rearfoot").to_numpy()
    j = loro.targets.index("vlr_avg_bw_s")
    by_strike: dict[str, Any] = {}
    for lab, m in (("rearfoot", rear), ("non-rearfoot", ~rear)):
        if m.any():
            e = runner_errors(loro.y[m, j], loro.pred[m, j], loro.groups[m])
            by_strike[lab] = {k: e[k] for k in ("n_steps", "n_runners", "rmse", "rmse_ci95", "bias", "loa95")}
    errs["vlr_avg_bw_s"]["by_strike"] = by_strike
    return errs, loro


def refresh_cards(data: dict[str, StepDataset]) -> None:
    """Recompute the shipped models' LORO errors (with per-runner intervals) into the shipped file."""
    path = ROOT / "src" / "stridelab" / "loading" / "data" / "grf_models.json"
    shipped = json.loads(path.read_text(encoding="utf-8"))
    for kind, ds0 in data.items():
        ds, _ = quality_gate(ds0, RANGES)
        entry = shipped["models"][kind]
        if entry["method"] != "ridge":  # the sacrum's waveform model: validation/loading_sacrum.py writes its card
            continue
        errs, loro = _shipped_errors(ds)
        alpha = float(pd.Series([p["alpha"] for p in loro.params_]).mode().iloc[0])
        again = LinearGrf(alpha, list(TIMING)).fit(ds).to_dict()
        if not np.allclose(np.asarray(again["coef"]), np.asarray(entry["model"]["coef"])):
            sys.exit(f"{kind}: the refitted model differs from the shipped one; run the full script with --write")
        entry["card"]["errors"] = errs
        e = errs["peak_vgrf_bw"]
        print(f"{kind}: peak_vgrf_bw LORO {_fmt(e)}; per runner: " + ", ".join(
            f"{r['runner']} {r['rmse']:.2f} [{r['rmse_ci95'][0]:.2f}, {r['rmse_ci95'][1]:.2f}]" for r in e["per_runner"]))
    path.write_text(json.dumps(shipped, indent=None, separators=(",", ":"), default=float) + "\n", encoding="utf-8")
    print(f"updated {path.relative_to(ROOT)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sequence", action="store_true", help="also train the 1-D CNN (torch)")
    ap.add_argument("--write", action="store_true", help="write the shipped model file")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached step data set")
    ap.add_argument("--perm", type=int, default=10)
    ap.add_argument("--refresh-cards", action="store_true",
                    help="only recompute the shipped models' leave-one-runner-out errors into their cards (keeps the comparison)")
    args = ap.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"needs the real data in {SHARED}")
    from stridelab.loading.virtual import build

    t0 = time.time()
    data = build(SHARED, ROOT / "out" / "cache" / "loading", rebuild=args.rebuild)
    print(f"step data sets ready in {time.time() - t0:.0f} s (SYNTHETIC sensors from real motion capture and real force plates)\n")
    if args.refresh_cards:
        refresh_cards(data)
        return
    shipped: dict[str, Any] = {"schema": 1, "curve_samples": 51, "models": {}}
    for kind, ds0 in data.items():
        ds, rep = quality_gate(ds0, RANGES)
        print(f"## {kind}: {rep.n_in} steps of {len(ds0.runners)} runners; gate dropped {rep.gaps} gaps, {rep.implausible} implausible, "
              f"{rep.outliers} outliers -> {rep.n_out} steps of {len(ds.runners)} runners")
        models: list[tuple[str, Any, list[dict[str, Any]]]] = [
            ("morin2005 (physics)", _morin, [{}]), ("ridge, timing features", _ridge_timing, [{"alpha": a} for a in ALPHAS]),
            ("ridge, all features", _ridge, [{"alpha": a} for a in ALPHAS]), ("gbm, all features", _gbm, [{}])]
        if args.sequence:
            models.append(("cnn1d", _seq, [{}]))
        print("\nsame 5 runner-wise folds | peak_vgrf_bw RMSE (BW) | train RMSE | vlr_avg_bw_s RMSE (BW/s) | fit time")
        cmp: dict[str, Any] = {}
        for name, fac, grid in models:
            t1 = time.time()
            r = cross_validate(ds, fac, grid, name=name, n_splits=5, seed=1)
            dt = time.time() - t1
            cmp[name] = {"peak_vgrf_bw_rmse": round(r.rmse("peak_vgrf_bw"), 4), "vlr_avg_bw_s_rmse": round(r.rmse("vlr_avg_bw_s"), 2),
                         "train_peak_rmse": round(float(np.mean(r.train_rmse_)), 4), "params": r.params_}
            print(f"  {name:22s} | {r.rmse('peak_vgrf_bw'):.3f} | {np.mean(r.train_rmse_):.3f} | {r.rmse('vlr_avg_bw_s'):.1f} | {dt:.0f} s  params {r.params_}")
        for name, fac in (("ridge, all features", _ridge), ("ridge, timing features (shipped)", _ridge_timing)):
            lo = cross_validate(ds, fac, [{"alpha": a} for a in ALPHAS], name=name, n_splits=None, seed=1)
            e = runner_errors(lo.y[:, 0], lo.pred[:, 0], lo.groups)
            print(f"leave one runner out, {name}: peak_vgrf_bw | {_fmt(e)}")
        loro = lo
        errs = {t: runner_errors(loro.y[:, j], loro.pred[:, j], loro.groups) for j, t in enumerate(loro.targets)}
        print(f"\nshipped (ridge, timing features), leave one runner out ({len(ds.runners)} folds): target | RMSE [95% CI, runners resampled] | bias | 95% limits of agreement")
        for t, e in errs.items():
            print(f"  {t} | {_fmt(e)}")
        rear = ds.meta["strike"].astype(str).str.lower().eq("rearfoot").to_numpy()
        j = loro.targets.index("vlr_avg_bw_s")
        by_strike: dict[str, Any] = {}
        for lab, m in (("rearfoot", rear), ("non-rearfoot", ~rear)):
            if m.any():
                e = runner_errors(loro.y[m, j], loro.pred[m, j], loro.groups[m])
                by_strike[lab] = {k: e[k] for k in ("n_steps", "n_runners", "rmse", "rmse_ci95", "bias", "loa95")}
                print(f"  vlr_avg_bw_s {lab:12s} ({e['n_runners']} runners, {e['n_steps']} steps) | {_fmt(e)} | measured mean {np.mean(loro.y[m, j]):.1f}")
        worst = max(errs["peak_vgrf_bw"]["per_runner"], key=lambda r: r["rmse"])
        print(f"  per-runner peak RMSE: median {np.median([r['rmse'] for r in errs['peak_vgrf_bw']['per_runner']]):.3f}, worst {worst['runner']} {worst['rmse']:.3f}")
        alpha = float(pd.Series([p["alpha"] for p in loro.params_]).mode().iloc[0])
        perm = permutation_baseline(ds, _ridge_timing, {"alpha": alpha}, n_perm=args.perm, n_splits=5, seed=1)
        print(f"\npermutation baseline (ridge alpha {alpha:g}, {perm['n_perm']} shuffles, 5 folds): real {perm['rmse']:.3f} vs shuffled "
              f"{perm['permuted_rmse_mean']:.3f} (best {perm['permuted_rmse_min']:.3f}), p = {perm['p_value']:.3f}")
        lc = learning_curve(ds, _ridge, {"alpha": alpha}, sizes=[2, 4, 8, 12, 16], n_splits=5, repeats=3, seed=1)
        print("learning curve (ridge): n_runners | train RMSE | test RMSE (sd)")
        for _, r in lc.iterrows():
            print(f"  {int(r['n_runners'])} | {r['train_rmse']:.3f} | {r['test_rmse']:.3f} ({r['test_rmse_sd']:.3f})")
        final = LinearGrf(alpha, list(TIMING)).fit(ds)
        x = ds.X[final.features_].to_numpy(float)
        card = ModelCard(
            name=f"stridelab-grf-{kind}-ridge-timing-v1", method=f"ridge (alpha {alpha:g}) on the {len(final.features_)} timing features of stridelab.loading.features ({', '.join(TIMING)})",
            targets=list(ds.y.columns) + ["force curve over stance (51 samples, BW)"],
            data={"source": "SYNTHETIC virtual IMUs (stridelab.synth.imu) from the motion capture of the Fukuchi et al. 2017 runners; targets from their real treadmill force plate",
                  "runners": len(ds.runners), "steps": len(ds), "speeds_mps": sorted(set(ds.meta["speed_mps"].round(2).tolist())),
                  "locations": sorted(set(ds.meta["location"].tolist())), "strike_patterns": ds.meta["strike"].value_counts().to_dict()},
            split=f"leave one runner out ({len(ds.runners)} folds), alpha chosen inside each training fold by 3-fold runner-wise CV; reported errors are test-runner errors only",
            quality=rep.to_dict(), errors=errs, comparison=cmp,
            training_range={"speed_mps": [float(ds.meta['speed_mps'].min()), float(ds.meta['speed_mps'].max())],
                            "rate_hz": [float(ds.meta['rate_hz'].min()), float(ds.meta['rate_hz'].max())],
                            "locations": sorted(set(ds.meta["location"].tolist()))},
            must_not_use_for=MUST_NOT,
            notes=["virtual sensors carry nothing above 15 Hz (no impact transient), so loading rate is predicted from the active-phase signal",
                   f"permutation baseline: {perm}", "learning curve: " + lc.round(3).to_json(orient="records")],
        )
        card.errors["vlr_avg_bw_s"]["by_strike"] = by_strike
        entry: dict[str, Any] = {"name": card.name, "method": "ridge", "model": final.to_dict(), "card": card.to_dict(),
                                 "feature_min": np.percentile(x, 0.5, axis=0).tolist(), "feature_max": np.percentile(x, 99.5, axis=0).tolist()}
        if kind == "trunk":
            print("\nREAL sacral set, models refitted on all virtual sacrum steps: peak_vgrf_bw RMSE | bias | vlr_avg_bw_s RMSE")
            for name, m in (("morin2005 (physics)", MorinBaseline()), ("ridge, all features", LinearGrf(float(cmp["ridge, all features"]["params"][0]["alpha"])).fit(ds)),
                            ("gbm, all features", GbmGrf().fit(*_fit_val(ds))), ("ridge, timing features (shipped)", final)):
                rr, _ = _real_sacrum(m)
                print(f"  {name:34s} | {rr['peak_vgrf_bw']['rmse']:.3f} | {rr['peak_vgrf_bw']['bias']:+.3f} | {rr['vlr_avg_bw_s']['rmse']:.1f}")
            real, tab = _real_sacrum(final)
            entry["real_test"] = real
            print(f"\nREAL sacral accelerometer (Alcantara 2022; 1 runner, {tab['condition'].nunique()} conditions, {len(tab)} steps; contacts from the force):")
            for t, e in real.items():
                lv = e["level_only"]
                print(f"  {t} | {_fmt(e)} (CI: conditions resampled) | level only: RMSE {lv['rmse']:.3f}, bias {lv['bias']:+.3f}, {lv['n_steps']} steps")
            for lab, m in (("rearfoot", tab["strike"] == "rearfoot"), ("non-rearfoot", tab["strike"] != "rearfoot")):
                d = tab.loc[m, "vlr_pred"] - tab.loc[m, "vlr"]
                if len(d) > 1:
                    print(f"  vlr {lab}: {m.sum()} steps, bias {d.mean():+.1f}, 95% limits {d.mean() - 1.96 * d.std():+.1f} to {d.mean() + 1.96 * d.std():+.1f} BW/s")
        shipped["models"][kind] = entry
        print()
    if args.write:
        out = ROOT / "src" / "stridelab" / "loading" / "data" / "grf_models.json"
        old = json.loads(out.read_text(encoding="utf-8"))["models"]
        if old.get("trunk", {}).get("method") == "pca_ridge":  # the shipped sacrum model comes from validation/loading_sacrum.py
            shipped["models"]["trunk"] = old["trunk"]
            print("trunk: kept the shipped waveform model of validation/loading_sacrum.py")
        out.write_text(json.dumps(shipped, indent=None, separators=(",", ":"), default=float) + "\n", encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
