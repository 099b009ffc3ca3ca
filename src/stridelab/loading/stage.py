"""The analysis stage that adds **predicted** vertical loading to IMU analyses.

Registered in :data:`stridelab.analysis.EXTRA_STAGES` after the IMU metrics. When the trial has
IMUs and no force plate, each step gets, from the shipped model (:func:`stridelab.loading.model.load_shipped`)
of the best sensor for it (the shank or ankle of that side, else the sacrum/hip):

* ``peak_vgrf_bw`` and ``vlr_avg_bw_s`` (predicted), ``peak_vgrf_n`` when the body mass is known,
  and ``loading_source`` = ``"predicted:<model name>"`` so that no one takes them for measurements;
* ``sections["predicted_loading"]``: the model, its runner-wise error on virtual sensors and on the
  real sacral test set, the sensor used per side, the mean predicted force curve over stance per
  side (BW, 51 samples), medians, and the training range.

A warning says when the input is outside the training range: speed (when known), sensor place
(hip for sacrum, ankle for mid-shank), sampling rate, and steps whose features fall outside what
the model saw in training; and when a trunk model that reads the acceleration (the shipped sacrum
model, :mod:`stridelab.loading.waveform`) gets a sensor whose mean specific force is not about 1 g.
That model reads the sensor normalised to a 1-g mean (:mod:`stridelab.loading.calibration`), which
removes an offset but not a gain error; the contact events are timed on the signal as recorded.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from stridelab.forces.grf import G

OFFSET_TOL_G = 0.05
PLACE_OK = {"trunk": ("sacrum",), "shank": ("left_shank", "right_shank")}


def _timing_only(entry: dict[str, Any]) -> bool:
    from stridelab.loading.features import TIMING

    return set(entry["model"]["features"]) <= set(TIMING)


def _sensor_for(trial: Any, side: str, models: dict[str, Any]) -> str | None:
    """The location that predicts one side's steps: its shank (with a gyroscope when the model reads
    the signals), else the trunk sensor."""
    for part in ("shank", "ankle"):
        loc = f"{side}_{part}"
        imu = trial.imu.get(loc)
        if imu is not None and "shank" in models and (imu.gyr_radps is not None or _timing_only(models["shank"])):
            return loc
    for loc in ("sacrum", "hip"):
        if loc in trial.imu and "trunk" in models:
            return loc
    return None


def run(analysis: Any, options: Any) -> None:
    """Add predicted loading (module docstring) to an :class:`~stridelab.analysis.Analysis`."""
    trial = analysis.trial
    if not trial.imu or len(analysis.steps) == 0:
        return
    if "peak_vgrf_bw" in analysis.steps.columns and analysis.steps["peak_vgrf_bw"].notna().any():
        return  # measured force is there: nothing to predict
    from stridelab.events.imu_align import kind_of
    from stridelab.learn.dataset import StepDataset
    from stridelab.loading.model import load_shipped

    shipped = load_shipped()
    models = shipped["models"]
    steps = analysis.steps.copy()
    n = len(steps)
    peak, vlr = np.full(n, np.nan), np.full(n, np.nan)
    curves = np.full((n, int(shipped["curve_samples"])), np.nan)
    source: list[str | None] = [None] * n
    used: dict[str, str] = {}
    outside = 0
    rates: dict[str, float] = {}
    for side in ("left", "right"):
        loc = _sensor_for(trial, side, models)
        rows = np.flatnonzero((steps["side"] == side).to_numpy())
        if loc is None or rows.size == 0:
            continue
        kind = "shank" if kind_of(loc) == "shank" else "trunk"
        entry = models[kind]
        model = _model(entry)
        st = steps.iloc[rows]
        ok = np.isfinite(st["flight_ms"].to_numpy(float)) & np.isfinite(st["step_time_ms"].to_numpy(float))
        if not ok.any():
            continue
        rows, st = rows[ok], st[ok]
        feats = _inputs(entry, trial.imu[loc], st)
        good = np.isfinite(feats.to_numpy(float)).all(axis=1)
        if not good.any():
            continue
        rows, feats = rows[good], feats[good]
        ds = StepDataset(feats.reset_index(drop=True), pd.DataFrame(index=range(len(feats))), np.zeros(len(feats), dtype=str))
        p = model.predict(ds)
        peak[rows], vlr[rows] = p[:, 0], p[:, 1]
        curves[rows] = model.predict_curve(ds)
        lo, hi = np.asarray(entry["feature_min"], float), np.asarray(entry["feature_max"], float)
        x = feats[model.features_].to_numpy(float)
        outside += int(((x < lo) | (x > hi)).any(axis=1).sum())
        for r in rows:
            source[r] = f"predicted:{entry['name']}"
        used[side] = loc
        rates[loc] = float(trial.imu[loc].rate_hz)
    if not used:
        analysis.warn("predicted loading needs a sacrum (or hip) sensor, or a shank sensor with a gyroscope")
        return
    steps["peak_vgrf_bw"] = peak
    steps["vlr_avg_bw_s"] = vlr
    steps["loading_source"] = source
    mass = trial.subject.mass_kg
    if mass is not None:
        steps["peak_vgrf_n"] = peak * mass * G
    analysis.steps = steps
    _warnings(analysis, options, shipped, used, rates, outside)
    _offset_warning(analysis, trial, models, used)
    analysis.sections["predicted_loading"] = _section(shipped, used, steps, curves)
    analysis.methods["predicted_loading"] = {side: f"{models[_kind(loc)]['name']} ({loc})" for side, loc in used.items()}


def _model(entry: dict[str, Any]) -> Any:
    """The shipped model of one entry: principal-component ridge on the waveform, or ridge; with a
    ``vlr_model`` (a ridge), the loading rate comes from that one."""
    from stridelab.loading.model import LinearGrf, TargetSplitGrf
    from stridelab.loading.waveform import PcaRidgeGrf

    main = PcaRidgeGrf.from_dict(entry["model"]) if entry["method"] == "pca_ridge" else LinearGrf.from_dict(entry["model"])
    if entry.get("vlr_model"):
        return TargetSplitGrf(main, LinearGrf.from_dict(entry["vlr_model"]["model"]))
    return main


def _inputs(entry: dict[str, Any], imu: Any, st: pd.DataFrame) -> pd.DataFrame:
    """The input features of one entry's model for the steps ``st`` from one sensor."""
    from stridelab.events.imu import aligned
    from stridelab.loading.features import step_features, step_windows, timing
    from stridelab.loading.waveform import trunk_inputs

    if entry["method"] == "pca_ridge":
        from stridelab.loading.calibration import gravity_normalised

        return trunk_inputs(timing(st), step_windows(aligned(gravity_normalised(imu)), st))
    return timing(st) if _timing_only(entry) else step_features(aligned(imu), st)


def _offset_warning(analysis: Any, trial: Any, models: dict[str, Any], used: dict[str, str]) -> None:
    """Warn when a trunk model that reads the acceleration gets a sensor whose mean specific force is
    not about 1 g: over steady running the body's mean acceleration is zero, so a mean off by more
    than ``OFFSET_TOL_G`` is an offset or gain error that biases the prediction (``docs/validation.md``)."""
    for loc in sorted(set(used.values())):
        entry = models[_kind(loc)]
        if _kind(loc) != "trunk" or _timing_only(entry):
            continue
        acc = np.asarray(trial.imu[loc].acc_mps2, dtype=float)
        with np.errstate(all="ignore"):
            mean_g = float(np.linalg.norm(np.nanmean(acc, axis=0)) / G) if acc.size else float("nan")
        if np.isfinite(mean_g) and abs(mean_g - 1.0) > OFFSET_TOL_G:
            analysis.warn(f"{loc}: its mean specific force over the recording is {mean_g:.2f} g, not 1 g as over steady running "
                          "(an offset or calibration error); the loading model read it shifted to a 1-g mean, which removes an offset "
                          "but not a gain error: calibrate the sensor")


def _kind(loc: str) -> str:
    return "shank" if loc.endswith(("shank", "ankle")) else "trunk"


def _warnings(analysis: Any, options: Any, shipped: dict[str, Any], used: dict[str, str], rates: dict[str, float], outside: int) -> None:
    warn = analysis.warn
    models = shipped["models"]
    for loc in sorted(set(used.values())):
        e = models[_kind(loc)]
        err = e["card"]["errors"]["peak_vgrf_bw"]
        warn(f"peak_vgrf_bw and vlr_avg_bw_s are PREDICTED from the {loc} sensor by {e['name']} (trained on synthetic sensors), "
             f"not measured: runner-wise RMSE {err['rmse']:.2f} BW for peak force on virtual sensors"
             + (f", {e['real_test']['peak_vgrf_bw']['rmse']:.2f} BW on a real sacral sensor" if e.get("real_test") else ""))
        if loc not in PLACE_OK[_kind(loc)]:
            warn(f"{loc}: the loading model was trained on {', '.join(PLACE_OK[_kind(loc)])} sensors; this place is outside its training range")
        rr = e["card"]["training_range"]["rate_hz"]
        if not rr[0] <= rates[loc] <= rr[1]:
            warn(f"{loc}: sampled at {rates[loc]:g} Hz, outside the loading model's training range {rr[0]:g}-{rr[1]:g} Hz")
    sp_range = models[_kind(next(iter(used.values())))]["card"]["training_range"]["speed_mps"]
    speed = getattr(options, "speed_mps", None) or analysis.summary.get("speed_mps")
    if speed is None:
        warn(f"speed unknown (give --speed-mps): the loading model is trained on {sp_range[0]:g}-{sp_range[1]:g} m/s only")
    elif not sp_range[0] - 0.25 <= float(speed) <= sp_range[1] + 0.25:
        warn(f"speed {float(speed):.2f} m/s is outside the loading model's training range {sp_range[0]:g}-{sp_range[1]:g} m/s")
    if outside:
        warn(f"{outside} step(s) have sensor features outside the loading model's training range; their predicted loading is an extrapolation")


def _section(shipped: dict[str, Any], used: dict[str, str], steps: pd.DataFrame, curves: np.ndarray) -> dict[str, Any]:
    models = shipped["models"]
    out: dict[str, Any] = {"predicted": True, "sensors": dict(used), "models": {}, "curve": {"x": "percent of stance, 0 = IC, 100 = toe-off", "units": "BW"}}
    for loc in sorted(set(used.values())):
        e = models[_kind(loc)]
        out["models"][loc] = {"name": e["name"], "method": e["method"], "trained_on": e["card"]["data"].get("source"),
                              "error_virtual": {t: {k: e["card"]["errors"][t][k] for k in ("rmse", "rmse_ci95", "bias", "loa95")} for t in ("peak_vgrf_bw", "vlr_avg_bw_s")},
                              "error_real": e.get("real_test"), "training_range": e["card"]["training_range"]}
    sides = steps["side"].to_numpy(dtype=object)
    for side in used:
        m = (sides == side) & np.isfinite(curves).all(axis=1)
        if m.any():
            c = curves[m]
            out["curve"][side] = {"mean": [round(float(v), 4) for v in c.mean(axis=0)],
                                  "sd": [round(float(v), 4) for v in c.std(axis=0, ddof=1)] if m.sum() > 1 else None, "n_steps": int(m.sum())}
    for col in ("peak_vgrf_bw", "vlr_avg_bw_s", "peak_vgrf_n"):
        if col in steps.columns:
            v = steps[col].to_numpy(float)
            out[f"median_{col}"] = float(np.nanmedian(v)) if np.isfinite(v).any() else None
    return out


__all__ = ["run"]
