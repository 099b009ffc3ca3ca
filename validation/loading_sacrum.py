"""Peak vertical force from a SACRAL sensor: the candidate models on the same runner-wise splits.

Issue 16 follow-up. Training data are SYNTHETIC sensors (virtual sacrum IMUs from the motion capture
of 20 Fukuchi runners, targets from their REAL treadmill force; :mod:`stridelab.loading.virtual`);
the external test is the REAL sacral accelerometer of Alcantara et al. 2022 (one runner, 31
speed / slope / strike conditions; :mod:`stridelab.loading.alcantara`), gravity-calibrated as in
``validation/loading_real_pipeline.py``.

Candidates (all on the same 5 runner-wise folds, seed 1, hyperparameters chosen by 3-fold
runner-wise CV inside each training fold; the linear ones and the CNN also leave one runner out):

* ``morin2005``: the sinusoid from contact and flight time (physics, nothing fitted);
* ``ridge timing``: the model shipped before (contact, flight, step time, duty factor, Morin peak);
* ``ridge timing+speed``: the same with the treadmill speed (the product knows it only from
  ``--speed-mps``);
* ``ridge timing+impulse``: with impulse-momentum features of the sensor
  (:func:`stridelab.loading.waveform.impulse_features`: peak and contact-mean acceleration, the
  sensor's gain against BW / duty factor, the impulse-rescaled peak);
* ``pca_ridge waveform``: principal components of the vertical and antero-posterior acceleration
  of the contact resampled to 16 samples each, beside the timing features, ridge
  (:class:`stridelab.loading.waveform.PcaRidgeGrf`); ``+speed`` the same with the speed;
* ``gbm``: histogram gradient boosting on timing, impulse and waveform features (trees by early
  stopping on validation runners);
* ``cnn1d`` (``--sequence``, torch): the 1-D CNN on the raw windows
  (:mod:`stridelab.loading.sequence`) with contact and flight time; learning rate and patience
  chosen inside the training folds like the other hyperparameters.

Each model refitted on all virtual steps is then applied to the real sensor twice: with the steps
timed by the treadmill force ("force-timed") and **end to end**, with the steps timed by the
product's sacral contact detector (``stridelab.analyze`` with the condition's speed), paired with
the force step within 60 ms, as ``stridelab analyze`` would predict them.

**Rule fixed before the comparison** (the brief of the follow-up): ship the first candidate, in the
order listed (fewest inputs the user must supply, then fewest fitted parameters), whose
leave-one-runner-out peak RMSE on virtual sacrum sensors is <= 0.15 BW and whose end-to-end real
RMSE is not above the previously shipped model's; else keep the shipped model. The loading rate
is then taken from the first ridge before it in the same order that is not worse for the loading
rate (leave one runner out and end to end on the real sensor), if any
(:class:`stridelab.loading.model.TargetSplitGrf`). The real set takes part in these choices, so
its figures for the shipped model are not a fully independent test.

``--write`` puts the chosen model with its card into ``src/stridelab/loading/data/grf_models.json``
(the ``trunk`` entry; the shank entry is left as it is).

Run: ``nice -n 10 .venv/bin/python validation/loading_sacrum.py [--sequence] [--write]``
(about 5 min on a quiet 2-core machine, 13 min at load 7; ``--sequence`` adds the CNN's nested
cross-validation, 5 folds and leave one runner out).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from stridelab.learn.card import ModelCard  # noqa: E402
from stridelab.learn.dataset import StepDataset  # noqa: E402
from stridelab.learn.evaluate import (  # noqa: E402
    CvResult,
    cross_validate,
    learning_curve,
    permutation_baseline,
    runner_errors,
)
from stridelab.learn.quality import quality_gate  # noqa: E402
from stridelab.loading.features import TIMING  # noqa: E402
from stridelab.loading.model import GbmGrf, LinearGrf, MorinBaseline, TargetSplitGrf  # noqa: E402
from stridelab.loading.waveform import PcaRidgeGrf, impulse_features, trunk_inputs, wave_names  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
MODEL_FILE = ROOT / "src" / "stridelab" / "loading" / "data" / "grf_models.json"
RANGES = {"peak_vgrf_bw": (1.0, 5.0), "vlr_avg_bw_s": (5.0, 300.0), "gct_s": (0.1, 0.5), "flight_s": (0.0, 0.3), "step_s": (0.2, 0.6)}
ALPHAS = [1.0, 10.0, 100.0, 1000.0, 10000.0]  # as validation/loading_grf.py
PCA_GRID = [{"n_pc": k, "alpha": a} for k in (2, 4, 6, 8, 12) for a in (10.0, 100.0, 1000.0, 10000.0)]
# the CNN's learning rate and patience: the module's defaults, and a faster rate with more patience
CNN_GRID = [{"lr": 1e-3, "patience": 10, "epochs": 80}, {"lr": 3e-3, "patience": 20, "epochs": 150}]
TARGET_BW = 0.15
T = list(TIMING)
IMPULSE = ["acc_peak_g", "acc_mean_g", "impulse_gain", "impulse_peak_bw"]
WAVE = wave_names()
MUST_NOT = [
    "diagnosing or predicting injury (loading is associated with some injuries in some studies, it does not cause them)",
    "walking, sprinting, jumping, uphill or downhill running, or speeds outside the training range",
    "sensor places other than the sacrum (a hip or belt sensor is outside what was tested)",
    "a sensor with an acceleration offset: calibrate it first (its mean specific force over steady running must be 1 g)",
    "single steps as if measured: the error applies to every step",
    "absolute force in newtons without the runner's body mass",
]


def inputs(timing: pd.DataFrame, windows: np.ndarray, speed_mps: np.ndarray) -> pd.DataFrame:
    """Every candidate's input columns for some steps: timing, waveform, impulse features and speed."""
    x = trunk_inputs(timing, windows)
    imp = impulse_features(windows, x["duty"].to_numpy(float))
    x = pd.concat([x, imp], axis=1)
    x["speed_mps"] = np.asarray(speed_mps, dtype=float)
    return x


def virtual_sacrum(rebuild: bool = False) -> tuple[StepDataset, Any]:
    """The gated virtual sacrum steps (SYNTHETIC sensors, real force) with every candidate's inputs."""
    from stridelab.loading.virtual import build

    ds0 = build(SHARED, ROOT / "out" / "cache" / "loading", rebuild=rebuild)["trunk"]
    ds, rep = quality_gate(ds0, RANGES)
    assert ds.windows is not None
    x = inputs(ds.X, ds.windows, ds.meta["speed_mps"].to_numpy(float))
    ok = np.isfinite(x.to_numpy(float)).all(axis=1)
    out = StepDataset(x[ok].reset_index(drop=True), ds.y[ok].reset_index(drop=True), ds.groups[ok],
                      ds.meta[ok].reset_index(drop=True), ds.windows[ok], None if ds.curves is None else ds.curves[ok])
    return out, rep


def _sensor_timed_steps(cond: Any) -> pd.DataFrame:
    """The product's steps of one real clip, as ``stridelab analyze`` times them on the clip as
    recorded (the loading stage then reads the acceleration normalised to a 1-g mean, as
    :func:`real_table` does: :mod:`stridelab.loading.calibration`)."""
    import stridelab as sl
    from stridelab.model.trial import Trial

    tr = Trial()
    tr.imu = {"sacrum": cond.imu}
    tr.provenance.format = "imu"
    a = sl.analyze(tr, sl.AnalysisOptions(speed_mps=cond.speed_mps))
    return a.steps[["side", "ic_s", "to_s", "flight_ms", "step_time_ms"]].copy()


def real_table(timed: str) -> pd.DataFrame:
    """REAL sacral set: per step the candidates' inputs, the measured targets and the condition.

    ``timed="force"``: the steps of the treadmill force; ``"sensor"``: the product's own steps, each
    paired with the force step whose IC is within 60 ms (unpaired ones left out)."""
    from stridelab.errors import StridelabError
    from stridelab.events.imu import aligned
    from stridelab.loading.alcantara import gravity_calibrated, read_conditions
    from stridelab.loading.features import step_windows, timing

    rows = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # the set has no mediolateral axis: its alignment divides 0 by 0
        for c in read_conditions(SHARED / "wearable" / "sacral_grf"):
            if timed == "force":
                st = c.steps.reset_index(drop=True)
                truth = st[["peak_vgrf_bw", "vlr_avg_bw_s", "ic_s"]].rename(columns={"ic_s": "force_ic_s"})
            else:
                try:
                    st = _sensor_timed_steps(c)
                except StridelabError:
                    continue
                st = st[np.isfinite(st["flight_ms"].to_numpy(float)) & np.isfinite(st["step_time_ms"].to_numpy(float))].reset_index(drop=True)
                ic = c.steps["ic_s"].to_numpy(float)
                k = np.array([int(np.argmin(np.abs(ic - v))) for v in st["ic_s"]], dtype=int) if len(st) and ic.size else np.zeros(0, int)
                hit = np.abs(ic[k] - st["ic_s"].to_numpy(float)) <= 0.06 if k.size else np.zeros(0, bool)
                st = st[hit].reset_index(drop=True)
                truth = c.steps.iloc[k[hit]][["peak_vgrf_bw", "vlr_avg_bw_s", "ic_s"]].rename(columns={"ic_s": "force_ic_s"}).reset_index(drop=True)
            if not len(st):
                continue
            w = step_windows(aligned(gravity_calibrated(c.imu)), st)
            x = inputs(timing(st).reset_index(drop=True), w, np.full(len(st), c.speed_mps))
            x = pd.concat([x, truth], axis=1)
            x["ic_s"] = st["ic_s"].to_numpy(float)
            x["window"] = list(w)
            x["condition"], x["speed"], x["slope_pct"], x["strike"] = c.index, c.speed_mps, c.slope_pct, c.strike
            rows.append(x)
    tab = pd.concat(rows, ignore_index=True)
    ok = np.isfinite(tab[list(inputs_columns())].to_numpy(float)).all(axis=1)
    return tab[ok].reset_index(drop=True)


def inputs_columns() -> list[str]:
    return T + WAVE + IMPULSE + ["speed_mps"]


def real_errors(model: Any, cols: list[str], tab: pd.DataFrame) -> dict[str, Any]:
    """Peak force and loading-rate errors of ``model`` on a real table (conditions resampled for the CI)."""
    ds = StepDataset(tab[cols].reset_index(drop=True), tab[["peak_vgrf_bw", "vlr_avg_bw_s"]].reset_index(drop=True), np.zeros(len(tab), dtype=str),
                     windows=np.stack(tab["window"].to_list()))
    p = np.asarray(model.predict(ds), dtype=float)
    cond = tab["condition"].astype(str).to_numpy()
    out: dict[str, Any] = {}
    for j, t in enumerate(("peak_vgrf_bw", "vlr_avg_bw_s")):
        e = runner_errors(tab[t].to_numpy(float), p[:, j], cond)
        out[t] = {k: v for k, v in e.items() if k != "per_runner"}
        lvl = (tab["slope_pct"] == 0).to_numpy()
        le = runner_errors(tab.loc[lvl, t].to_numpy(float), p[lvl, j], cond[lvl])
        out[t]["level_only"] = {k: le[k] for k in ("rmse", "bias", "n_steps")}
        if t == "vlr_avg_bw_s":
            rear = (tab["strike"] == "rearfoot").to_numpy()
            out[t]["by_strike"] = {}
            for lab, m in (("rearfoot", rear), ("non-rearfoot", ~rear)):
                d = p[m, j] - tab.loc[m, t].to_numpy(float)
                d = d[np.isfinite(d)]
                if d.size > 1:
                    out[t]["by_strike"][lab] = {"n_steps": int(d.size), "rmse": float(np.sqrt(np.mean(d**2))), "bias": float(d.mean()),
                                                "loa95": [float(d.mean() - 1.96 * d.std(ddof=1)), float(d.mean() + 1.96 * d.std(ddof=1))]}
    return out


class Candidate:
    """A named model factory over some input columns, with its hyperparameter grid."""

    def __init__(self, name: str, cols: list[str], make: Any, grid: list[dict[str, Any]], needs_speed: bool = False) -> None:
        self.name, self.cols, self.make, self.grid, self.needs_speed = name, cols, make, grid, needs_speed

    def data(self, ds: StepDataset) -> StepDataset:
        return StepDataset(ds.X[self.cols], ds.y, ds.groups, ds.meta, ds.windows, ds.curves)

    def refit(self, ds: StepDataset, params: dict[str, Any]) -> Any:
        m = self.make(params)
        d = self.data(ds)
        if getattr(m, "uses_validation", False):
            from stridelab.learn.splits import validation_split

            a, b = validation_split(d.groups, np.arange(len(d)), 0.2, 1)
            return m.fit(d.subset(a), d.subset(b))
        return m.fit(d)


def _seq(p: dict[str, Any]) -> Any:
    from stridelab.loading.sequence import SequenceGrf

    return SequenceGrf(**p)


def candidates(sequence: bool) -> list[Candidate]:
    ridge = [{"alpha": a} for a in ALPHAS]
    out = [
        Candidate("morin2005 (physics)", T, lambda p: MorinBaseline(), [{}]),
        Candidate("ridge timing (shipped before)", T, lambda p: LinearGrf(**p), ridge),
        Candidate("ridge timing+impulse", T + IMPULSE, lambda p: LinearGrf(**p), ridge),
        Candidate("pca_ridge waveform", T + WAVE, lambda p: PcaRidgeGrf(other=T, **p), PCA_GRID),
        Candidate("gbm timing+impulse+waveform", T + IMPULSE + WAVE, lambda p: GbmGrf(), [{}]),
        Candidate("ridge timing+speed", T + ["speed_mps"], lambda p: LinearGrf(**p), ridge, True),
        Candidate("pca_ridge waveform+speed", T + ["speed_mps"] + WAVE, lambda p: PcaRidgeGrf(other=T + ["speed_mps"], **p), PCA_GRID, True),
    ]
    if sequence:
        out.append(Candidate("cnn1d raw windows", T, _seq, CNN_GRID))
    return out


def _mode(params: list[dict[str, Any]]) -> dict[str, Any]:
    keys = [repr(sorted(p.items())) for p in params]
    best = pd.Series(keys).value_counts().index[0]
    return dict(params[keys.index(best)])


def _fmt(e: dict[str, Any]) -> str:
    return f"{e['rmse']:.3f} [{e['rmse_ci95'][0]:.3f}, {e['rmse_ci95'][1]:.3f}] | {e['bias']:+.3f} | {e['loa95'][0]:+.2f} to {e['loa95'][1]:+.2f}"


def loro_errors(ds: StepDataset, lo: CvResult) -> dict[str, Any]:
    """Leave-one-runner-out errors of both targets, loading rate also by strike pattern."""
    errs = {t: runner_errors(lo.y[:, j], lo.pred[:, j], lo.groups) for j, t in enumerate(lo.targets)}
    rear = ds.meta["strike"].astype(str).str.lower().eq("rearfoot").to_numpy()
    j = lo.targets.index("vlr_avg_bw_s")
    errs["vlr_avg_bw_s"]["by_strike"] = {}
    for lab, m in (("rearfoot", rear), ("non-rearfoot", ~rear)):
        if m.any():
            e = runner_errors(lo.y[m, j], lo.pred[m, j], lo.groups[m])
            errs["vlr_avg_bw_s"]["by_strike"][lab] = {k: e[k] for k in ("n_steps", "n_runners", "rmse", "rmse_ci95", "bias", "loa95")} | {
                "measured_mean": float(np.mean(lo.y[m, j]))}
    return errs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sequence", action="store_true", help="also the 1-D CNN (torch)")
    ap.add_argument("--write", action="store_true", help="write the chosen model into the shipped model file")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached step data set")
    ap.add_argument("--perm", type=int, default=99, help="shuffles of the permutation baseline")
    args = ap.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"needs the real data in {SHARED}")
    t0 = time.time()
    ds, rep = virtual_sacrum(args.rebuild)
    print(f"SYNTHETIC virtual sacrum sensors (real force): {len(ds)} steps of {len(ds.runners)} runners after the gate "
          f"({rep.gaps} gaps, {rep.implausible} implausible, {rep.outliers} outliers dropped); SD of measured peak "
          f"{ds.y['peak_vgrf_bw'].std():.3f} BW ({time.time() - t0:.0f} s)")
    real = {k: real_table(k) for k in ("force", "sensor")}
    print(f"REAL sacral sensor (Alcantara 2022, 1 runner, gravity-calibrated): {len(real['force'])} force-timed steps, "
          f"{len(real['sensor'])} sensor-timed steps paired with force ({real['sensor']['condition'].nunique()} of 31 conditions)\n")

    print("model | 5 folds: peak RMSE, train RMSE, VLR RMSE, fit s | LORO peak RMSE [95% CI] | REAL force-timed peak RMSE (bias) | "
          "REAL end to end peak RMSE (bias), level only | end-to-end VLR RMSE")
    results: dict[str, dict[str, Any]] = {}
    for cand in candidates(args.sequence):
        d = cand.data(ds)
        t1 = time.time()
        cv = cross_validate(d, cand.make, cand.grid, name=cand.name, n_splits=5, seed=1)
        fit_s = time.time() - t1
        r: dict[str, Any] = {"cv5": {"peak": cv.rmse("peak_vgrf_bw"), "train": float(np.mean(cv.train_rmse_)), "vlr": cv.rmse("vlr_avg_bw_s"),
                                     "fit_s": fit_s, "params": cv.params_}}
        loro = isinstance(cand.make(cand.grid[0]), LinearGrf | PcaRidgeGrf) or cand.name.startswith("cnn1d")
        params = _mode(cv.params_)
        if loro:
            lo = cross_validate(d, cand.make, cand.grid, name=cand.name, n_splits=None, seed=1)
            r["loro"] = loro_errors(d, lo)
            r["loro_cv"] = lo
            params = _mode(lo.params_)
        model = cand.refit(ds, params)
        r["params"] = params
        r["model"] = model
        r["real_force"] = real_errors(model, cand.cols, real["force"])
        r["real_e2e"] = real_errors(model, cand.cols, real["sensor"])
        results[cand.name] = r
        lo_s = _fmt(r["loro"]["peak_vgrf_bw"]).split(" | ")[0] if "loro" in r else "-"
        rf, re_ = r["real_force"]["peak_vgrf_bw"], r["real_e2e"]["peak_vgrf_bw"]
        print(f"  {cand.name:30s} | {r['cv5']['peak']:.3f} {r['cv5']['train']:.3f} {r['cv5']['vlr']:.1f} {fit_s:.0f} | {lo_s} | "
              f"{rf['rmse']:.3f} ({rf['bias']:+.3f}) | {re_['rmse']:.3f} ({re_['bias']:+.3f}), {re_['level_only']['rmse']:.3f} | "
              f"{r['real_e2e']['vlr_avg_bw_s']['rmse']:.1f}   params {params}", flush=True)

    base = results["ridge timing (shipped before)"]["real_e2e"]["peak_vgrf_bw"]["rmse"]
    chosen = None
    for cand in candidates(False):
        r = results[cand.name]
        if "loro" in r and r["loro"]["peak_vgrf_bw"]["rmse"] <= TARGET_BW and r["real_e2e"]["peak_vgrf_bw"]["rmse"] <= base:
            chosen = cand
            break
    if chosen is None:
        print("\nno candidate meets <= 0.15 BW leave one runner out AND the shipped model's end-to-end real error: nothing to ship")
        return
    r = results[chosen.name]
    print(f"\nchosen by the rule: {chosen.name} {r['params']}")
    fin = dict(r)
    vlr_from = None
    for cand in candidates(False):  # loading rate: the first ridge in the same order that is not worse for it
        q = results[cand.name]
        if cand.name == chosen.name:
            break
        if isinstance(q["model"], LinearGrf) and q["loro"]["vlr_avg_bw_s"]["rmse"] <= r["loro"]["vlr_avg_bw_s"]["rmse"] \
                and q["real_e2e"]["vlr_avg_bw_s"]["rmse"] <= r["real_e2e"]["vlr_avg_bw_s"]["rmse"]:
            vlr_from = cand.name
            composite = TargetSplitGrf(r["model"], q["model"])
            fin = {"model": composite, "loro": dict(r["loro"]) | {"vlr_avg_bw_s": q["loro"]["vlr_avg_bw_s"]},
                   "real_force": real_errors(composite, composite.features_, real["force"]),
                   "real_e2e": real_errors(composite, composite.features_, real["sensor"])}
            print(f"loading rate from {cand.name} {q['params']}: not worse than the chosen model for it (LORO {q['loro']['vlr_avg_bw_s']['rmse']:.1f} vs "
                  f"{r['loro']['vlr_avg_bw_s']['rmse']:.1f} BW/s, REAL end to end {q['real_e2e']['vlr_avg_bw_s']['rmse']:.1f} vs "
                  f"{r['real_e2e']['vlr_avg_bw_s']['rmse']:.1f})")
            break
    d = chosen.data(ds)
    for t, e in fin["loro"].items():
        print(f"  LORO {t} | {_fmt(e)}")
    for lab, e in fin["loro"]["vlr_avg_bw_s"]["by_strike"].items():
        print(f"  LORO vlr_avg_bw_s {lab} ({e['n_runners']} runners, {e['n_steps']} steps, measured mean {e['measured_mean']:.1f}) | "
              f"RMSE {e['rmse']:.1f} [{e['rmse_ci95'][0]:.1f}, {e['rmse_ci95'][1]:.1f}] | bias {e['bias']:+.1f} | {e['loa95'][0]:+.1f} to {e['loa95'][1]:+.1f}")
    per = r["loro"]["peak_vgrf_bw"]["per_runner"]
    worst = max(per, key=lambda q: q["rmse"])
    print(f"  per-runner peak RMSE: median {np.median([q['rmse'] for q in per]):.3f}, worst {worst['runner']} {worst['rmse']:.3f}")
    for k, lab in (("real_force", "REAL force-timed"), ("real_e2e", "REAL end to end")):
        for t, e in fin[k].items():
            print(f"  {lab} {t} | {_fmt(e)} (CI: conditions resampled) | level only RMSE {e['level_only']['rmse']:.3f}, bias {e['level_only']['bias']:+.3f}")
        for lab2, e in fin[k]["vlr_avg_bw_s"]["by_strike"].items():
            print(f"  {lab} vlr {lab2}: {e['n_steps']} steps, RMSE {e['rmse']:.1f}, bias {e['bias']:+.1f}, 95% limits {e['loa95'][0]:+.1f} to {e['loa95'][1]:+.1f} BW/s")
    perm = permutation_baseline(d, chosen.make, r["params"], n_perm=args.perm, n_splits=5, seed=1)
    print(f"  permutation baseline ({perm['n_perm']} shuffles, 5 folds): real {perm['rmse']:.3f} vs shuffled {perm['permuted_rmse_mean']:.3f} "
          f"(best {perm['permuted_rmse_min']:.3f}), p = {perm['p_value']:.3f}")
    lc = learning_curve(d, chosen.make, r["params"], sizes=[2, 4, 8, 12, 16], n_splits=5, repeats=3, seed=1)
    print("  learning curve: n_runners | train RMSE | test RMSE (sd)")
    for _, q in lc.iterrows():
        print(f"    {int(q['n_runners'])} | {q['train_rmse']:.3f} | {q['test_rmse']:.3f} ({q['test_rmse_sd']:.3f})")
    model = r["model"]
    train_pred = model.predict(d)
    train_rmse = float(np.sqrt(np.mean((train_pred[:, 0] - d.y["peak_vgrf_bw"].to_numpy(float)) ** 2)))
    print(f"  final model's training RMSE (all 20 runners; NOT the test error) {train_rmse:.4f}")
    if args.write:
        write(ds, rep, chosen, r, fin, vlr_from, results, perm, lc, train_rmse)
    print(f"\ntotal {time.time() - t0:.0f} s")


def write(ds: StepDataset, rep: Any, chosen: Candidate, r: dict[str, Any], fin: dict[str, Any], vlr_from: str | None, results: dict[str, Any],
          perm: dict[str, Any], lc: pd.DataFrame, train_rmse: float) -> None:
    """The chosen model (and the loading-rate model, when another) and its card as the shipped ``trunk`` entry."""
    model = r["model"]
    x = ds.X[fin["model"].features_].to_numpy(float)
    comparison = {name: {"cv5_peak_rmse": round(q["cv5"]["peak"], 4), "cv5_train_peak_rmse": round(q["cv5"]["train"], 4),
                         "cv5_vlr_rmse": round(q["cv5"]["vlr"], 2), "loro_peak_rmse": round(q["loro"]["peak_vgrf_bw"]["rmse"], 4) if "loro" in q else None,
                         "real_force_timed_peak_rmse": round(q["real_force"]["peak_vgrf_bw"]["rmse"], 4),
                         "real_end_to_end_peak_rmse": round(q["real_e2e"]["peak_vgrf_bw"]["rmse"], 4), "params": q["params"]}
                  for name, q in results.items()}
    card = ModelCard(
        name="stridelab-grf-trunk-pca-ridge-v2",
        method=(f"ridge (alpha {model.alpha:g}) on the timing features ({', '.join(T)}) and the first {model.n_pc} principal components of the "
                f"contact's vertical and antero-posterior acceleration (16 samples each, stridelab.loading.waveform)"
                + ("" if vlr_from is None else f"; loading rate from the {vlr_from} model ({results[vlr_from]['params']}), not worse for it")),
        targets=["peak_vgrf_bw", "vlr_avg_bw_s", "force curve over stance (51 samples, BW)"],
        data={"source": "SYNTHETIC virtual IMUs (stridelab.synth.imu) from the motion capture of the Fukuchi et al. 2017 runners; targets from their real treadmill force plate",
              "runners": len(ds.runners), "steps": len(ds), "speeds_mps": sorted(set(ds.meta["speed_mps"].round(2).tolist())),
              "locations": ["sacrum"], "strike_patterns": ds.meta["strike"].value_counts().to_dict()},
        split=(f"leave one runner out ({len(ds.runners)} folds), n_pc and alpha chosen inside each training fold by 3-fold runner-wise CV; "
               "reported errors are test-runner errors only"),
        quality=rep.to_dict(), errors={k: v for k, v in fin["loro"].items()}, comparison=comparison,
        training_range={"speed_mps": [float(ds.meta["speed_mps"].min()), float(ds.meta["speed_mps"].max())],
                        "rate_hz": [float(ds.meta["rate_hz"].min()), float(ds.meta["rate_hz"].max())], "locations": ["sacrum"]},
        must_not_use_for=MUST_NOT,
        notes=["virtual sensors carry nothing above 15 Hz (no impact transient), so loading rate is predicted from the active-phase signal",
               "chosen by the rule of validation/loading_sacrum.py, which reads the real set's end-to-end error: that figure is not a fully independent test",
               f"training RMSE of the final model (all runners, not a test error): {train_rmse:.4f} BW",
               f"permutation baseline: {perm}", "learning curve: " + lc.round(3).to_json(orient="records")],
    )
    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    shipped["models"]["trunk"] = {
        "name": card.name, "method": model.method, "model": model.to_dict(), "card": card.to_dict(),
        "feature_min": np.percentile(x, 0.5, axis=0).tolist(), "feature_max": np.percentile(x, 99.5, axis=0).tolist(),
        "train_peak_rmse": train_rmse,
        "vlr_model": None if vlr_from is None else {"name": vlr_from, "method": "ridge", "model": results[vlr_from]["model"].to_dict()},
        "real_test": fin["real_e2e"] | {"timed": "end to end: steps from the product's sacral contact detector on the clips as recorded, the model's input normalised to a 1-g mean as the loading stage does, paired with force steps within 60 ms"},
        "real_test_force_timed": fin["real_force"] | {"timed": "steps from the treadmill force, gravity-calibrated clips"},
    }
    MODEL_FILE.write_text(json.dumps(shipped, indent=None, separators=(",", ":"), default=float) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_FILE.relative_to(ROOT)} ({MODEL_FILE.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
