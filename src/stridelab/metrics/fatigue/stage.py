"""Analysis stage: drift over the run, from per-record data (FIT) or from the per-step table.

Registered in :data:`stridelab.analysis.EXTRA_STAGES`; adds the JSON section ``fatigue``. Recordings
shorter than 10 minutes of per-step data (lab trials) get nothing; a short FIT run gets a section
saying why there is no drift analysis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

MIN_STEPS = 300


def run(analysis: Analysis, options: Any) -> None:
    trial = analysis.trial
    steps = analysis.step_columns
    if trial.record_columns is not None and len(steps) == 0:
        from stridelab.metrics.fatigue.drift import drift_analysis
        from stridelab.metrics.fatigue.series import from_records
        from stridelab.metrics.records import derive

        fit = trial.provenance.extra.get("fit", {})
        table, _ = derive(trial.record_columns, fit.get("sources", {}))
        res = drift_analysis(from_records(table))
    elif len(steps) >= MIN_STEPS and "ic_s" in steps:
        ic = np.asarray(steps["ic_s"], dtype=float)
        span = float(np.max(ic) - np.min(ic)) if np.isfinite(ic).all() else float(np.nanmax(ic) - np.nanmin(ic))
        if span < 600.0:
            return  # a lab trial: nothing to drift over (and the drift modules are not even imported)
        from stridelab.metrics.fatigue.drift import drift_analysis
        from stridelab.metrics.fatigue.series import from_steps

        res = drift_analysis(from_steps(analysis.steps, analysis.summary.get("speed_mps")))
    else:
        return
    analysis.sections["fatigue"] = res.to_json()
    v0 = res.baseline.get("speed_mps")
    if res.available and (v0 is None or v0 != v0):
        analysis.warn("no speed in the data: drift is not adjusted for speed, the main confounder of running mechanics")
