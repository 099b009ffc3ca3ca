"""Analysis stage: joint angles, gait cycles and per-step running kinematics.

Adds to the analysis: ``sections["angles"]`` (mean and SD curves per angle and side, see
:func:`stridelab.kinematics.cycles.curves_json`), ``sections["cycles"]`` (every stride, used or
rejected with the reason, and stride-to-stride variability), the per-step columns of
:mod:`stridelab.kinematics.running`, their summaries, the methods, and one warning per thing the
markers cannot support (naming the missing markers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from stridelab.algorithm import Algorithm
from stridelab.kinematics.conventions import ANGLES, describe
from stridelab.kinematics.cycles import build_cycles, curves_json, strides_json, variability
from stridelab.kinematics.messages import condense, leg_frames_missing
from stridelab.kinematics.model import MARKER_CUTOFF_HZ, Kinematics, compute_kinematics
from stridelab.kinematics.running import step_metrics
from stridelab.metrics.columns import add_step_columns

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis, AnalysisOptions

BILATERAL = ("knee_flexion_ic_deg", "knee_flexion_peak_deg", "hip_adduction_peak_deg", "pelvic_drop_deg", "overstride_m", "foot_strike_angle_deg", "arm_swing_deg", "elbow_flexion_deg")


class KinematicsStage(Algorithm):
    """Joint angles (joint coordinate system), gait cycles and per-step running kinematics from the
    markers (module docstring).

    Parameters:
        marker_cutoff_hz: cut-off (Hz) of the 4th-order zero-lag Butterworth low-pass applied to the markers.

    Results:
        kinematics_: segment frames and angles (None when the markers support none).
    """

    method: ClassVar[str] = "grood_suntay1983"
    citation: ClassVar[str] = "Grood ES, Suntay WJ (1983) J Biomech Eng 105:136; Wu G et al. (2002) J Biomech 35:543; filter: Winter DA (2009) Biomechanics and Motor Control of Human Movement"
    kinematics_: Kinematics | None

    def __init__(self, *, marker_cutoff_hz: float = MARKER_CUTOFF_HZ) -> None:
        self.marker_cutoff_hz = marker_cutoff_hz

    def run(self, analysis: Analysis) -> KinematicsStage:
        self.kinematics_ = _run(analysis, self.marker_cutoff_hz)
        if "kinematics" in analysis.methods:
            analysis.methods["kinematics"]["parameters"] = self.get_params()
        return self


def run(analysis: Analysis, options: AnalysisOptions) -> None:
    """The stage (see module docstring); registered in ``stridelab.analysis.EXTRA_STAGES``, with the
    parameters of ``options.stage_params["kinematics"]``."""
    KinematicsStage(**getattr(options, "stage_params", {}).get("kinematics", {})).run(analysis)


def _run(analysis: Analysis, marker_cutoff_hz: float) -> Kinematics | None:
    trial = analysis.trial
    kin = compute_kinematics(trial, marker_cutoff_hz)
    if kin is None:
        return None
    analysis.cache["kinematics"] = kin
    for m in condense(kin.body.messages, trial.static is not None):
        analysis.warn(f"kinematics: {m}")
    if trial.static is None and leg_frames_missing(kin.body.messages):
        analysis.cache["static_hint_given"] = True  # inverse dynamics then says nothing more
    if not kin.angles:
        analysis.warn("kinematics: no joint or segment angle could be computed from these markers")
    cs = build_cycles(kin.time_s, kin.angles, analysis.contact_columns)
    analysis.cache["angle_cycles"] = cs
    names = [n for n in ANGLES if n in kin.angles]
    analysis.sections["angles"] = curves_json(cs, names, "3d")
    rejected = [s for s in strides_json(cs) if not s["used"]]
    analysis.sections["cycles"] = {
        "n_points": 101,
        "x": "percent of the stride, 0 = initial contact, 100 = next initial contact of the same foot",
        "strides": strides_json(cs),
        "variability": _rounded(variability(cs)),
    }
    if rejected:
        analysis.warn(f"{len(rejected)} stride(s) left out of the mean curves as outliers (reasons in cycles.strides)")
    grf = None
    if trial.has_forces:
        from stridelab.forces.grf import cached_total_grf

        grf = cached_total_grf(analysis, None)
    df = step_metrics(kin, analysis.step_columns, trial.subject.leg_length_m, grf, trial.subject.height_m)
    add_step_columns(analysis, df, BILATERAL)
    segs = {k: v.method for k, v in kin.body.segments.items()}
    analysis.methods["kinematics"] = {
        "marker_filter": f"Butterworth low-pass {kin.cutoff_hz:g} Hz, 4th-order zero-lag" if kin.cutoff_hz else "none",
        "segments": segs,
        "joint_angles": "joint coordinate system (Grood & Suntay 1983; Wu et al. 2002): flexion, adduction, rotation",
        "pelvis": "Baker 2001: rotation, obliquity, tilt relative to the laboratory",
        "conventions": [describe(n) for n in names],
        "cycles": "initial contact to the next initial contact of the same foot, 101 points; outliers: stridelab.kinematics.cycles",
        "step_metrics": "stridelab.kinematics.running (module docstring gives the definitions)",
        "not_computed": list(kin.body.messages),
    }
    return kin


def _rounded(d: Any) -> Any:
    if isinstance(d, dict):
        return {k: _rounded(v) for k, v in d.items()}
    if isinstance(d, float):
        return round(d, 3)
    return d


__all__ = ["KinematicsStage", "run"]
