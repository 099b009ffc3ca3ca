"""Analysis stage: drift over the run, from per-record data (FIT) or from the per-step table.

Registered in :data:`stridelab.analysis.EXTRA_STAGES`; adds the JSON section ``fatigue``. Recordings
shorter than 10 minutes of per-step data (lab trials) get nothing; a short FIT run gets a section
saying why there is no drift analysis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

MIN_STEPS = 300


def run(analysis: Analysis, options: Any) -> None:
    from stridelab.metrics.fatigue.drift import drift_analysis
    from stridelab.metrics.fatigue.series import from_records, from_steps

    trial = analysis.trial
    if trial.records is not None and len(analysis.steps) == 0:
        from stridelab.metrics.records import derive

        fit = trial.provenance.extra.get("fit", {})
        table, _ = derive(trial.records, fit.get("sources", {}))
        res = drift_analysis(from_records(table))
    elif len(analysis.steps) >= MIN_STEPS and "ic_s" in analysis.steps:
        span = float(analysis.steps["ic_s"].max() - analysis.steps["ic_s"].min())
        if span < 600.0:
            return
        res = drift_analysis(from_steps(analysis.steps, analysis.summary.get("speed_mps")))
    else:
        return
    analysis.sections["fatigue"] = res.to_json()
    v0 = res.baseline.get("speed_mps")
    if res.available and (v0 is None or v0 != v0):
        analysis.warn("no speed in the data: drift is not adjusted for speed, the main confounder of running mechanics")
