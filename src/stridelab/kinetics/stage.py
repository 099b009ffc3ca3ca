"""Analysis stage: force metrics in body weights, stiffness, and joint moments and powers.

Needs force plates. Body mass is the given one, else estimated from the forces
(:func:`stridelab.kinetics.loading.estimate_mass`, recorded in ``subject.sources``). Adds the
per-step columns of :mod:`stridelab.kinetics.loading`; with the kinematics stage's segments,
inverse dynamics (:mod:`stridelab.kinetics.inverse_dynamics`) gives ``sections["moments"]`` and
``sections["powers"]`` (mean and SD curves over the stride, as for the angles), peak stance moments
per step, and ``sections["grf"]``: the mean force curves of stance in body weights.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from stridelab.algorithm import Algorithm
from stridelab.forces.grf import G, Grf, cached_total_grf, foot_grf
from stridelab.kinematics.conventions import MOMENTS, POWERS
from stridelab.kinematics.cycles import build_cycles, curves_json, normalise, segment_nanmax
from stridelab.kinetics.inverse_dynamics import leg_kinetics
from stridelab.kinetics.loading import COLUMNS, LOADING_CUTOFF_HZ, contact_metrics, estimate_mass
from stridelab.metrics.columns import add_step_columns
from stridelab.model.axes import FORWARD, LEFT, UP

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis, AnalysisOptions

BILATERAL = ("peak_vgrf_bw", "vlr_avg_bw_s", "peak_braking_bw", "braking_impulse_bws", "leg_stiffness_kn_m")
PEAK_MOMENTS = ("hip_extension", "knee_extension", "ankle_plantarflexion", "knee_abduction")


def total_force(analysis: Analysis, cutoff_hz: float | None = LOADING_CUTOFF_HZ) -> Grf | None:
    """The combined plate force (default: at the events' 50 Hz filter; None: unfiltered),
    computed once per analysis (:func:`stridelab.forces.grf.cached_total_grf`)."""
    return cached_total_grf(analysis, cutoff_hz)


def _mass(analysis: Analysis, grf: Grf) -> float | None:
    subj = analysis.trial.subject
    est = estimate_mass(grf, analysis.contact_columns)
    if subj.mass_kg is not None:
        if est is not None and abs(est[0] - subj.mass_kg) > 0.1 * subj.mass_kg:
            analysis.warn(f"the given body mass {subj.mass_kg:.1f} kg differs from the {est[0]:.1f} kg the forces give over {est[1]} whole strides; check the mass or the plate calibration")
        return float(subj.mass_kg)
    if est is None or not 20.0 < est[0] < 250.0:
        analysis.warn("body mass unknown and not estimable from the forces (needs two contacts of one foot): force metrics in body weights skipped; pass --mass-kg")
        return None
    subj.set("mass_kg", round(est[0], 2), f"estimated from the mean vertical force over {est[1]} whole strides")
    analysis.warn(f"body mass not given: {est[0]:.1f} kg estimated from the forces over {est[1]} whole strides")
    return est[0]


def _stance_curves(grf: Grf, contacts: Any, bw: float) -> dict[str, Any]:
    out: dict[str, Any] = {"x": "percent of stance, 0 = initial contact, 100 = toe-off", "units": "BW"}
    sides = np.asarray(contacts["side"], dtype=object)
    ic_all, to_all = np.asarray(contacts["ic_s"], dtype=float), np.asarray(contacts["to_s"], dtype=float)
    for comp, k in (("vertical_bw", UP), ("fore_aft_bw", FORWARD), ("medio_lateral_bw", LEFT)):
        for side in ("left", "right"):
            m = sides == side
            if not m.any():
                continue
            cur = normalise(grf.time_s, grf.force_n[:, k] / bw, ic_all[m], to_all[m])
            cur = cur[np.isfinite(cur).all(axis=1)]
            if len(cur) == 0:
                continue
            out.setdefault(comp, {})[side] = {
                "mean": [round(float(v), 4) for v in cur.mean(axis=0)],
                "sd": [round(float(v), 4) for v in cur.std(axis=0, ddof=1)] if len(cur) > 1 else [None] * cur.shape[1],
                "n_contacts": int(len(cur)),
            }
    return out


class KineticsStage(Algorithm):
    """Force metrics in body weights, spring-mass stiffness, joint moments and powers (module docstring).

    Parameters:
        force_cutoff_hz: cut-off (Hz) of the 4th-order zero-lag Butterworth low-pass applied to the
            plate forces for the loading metrics (the contact events' filter).

    Results:
        computed_: whether the trial's forces allowed the stage to run (plates, a force, a body mass).
    """

    method: ClassVar[str] = "loading_stiffness_inverse_dynamics"
    citation: ClassVar[str] = (
        "Lieberman DE et al. (2010) Nature 463:531; Milner CE et al. (2006) Med Sci Sports Exerc 38:323; "
        "Blackmore T et al. (2016) J Sports Sci 34:1136; Morin JB et al. (2005) J Appl Biomech 21:167; Winter DA (2009)"
    )
    computed_: bool

    def __init__(self, *, force_cutoff_hz: float = LOADING_CUTOFF_HZ) -> None:
        self.force_cutoff_hz = force_cutoff_hz

    def run(self, analysis: Analysis) -> KineticsStage:
        self.computed_ = _run(analysis, self.force_cutoff_hz)
        if self.computed_:
            analysis.methods["kinetics"]["parameters"] = self.get_params()
        return self


def run(analysis: Analysis, options: AnalysisOptions) -> None:
    """The stage (see module docstring); registered in ``stridelab.analysis.EXTRA_STAGES``, with the
    parameters of ``options.stage_params["kinetics"]``."""
    KineticsStage(**getattr(options, "stage_params", {}).get("kinetics", {})).run(analysis)


def _run(analysis: Analysis, force_cutoff_hz: float) -> bool:
    trial = analysis.trial
    if not trial.has_forces:
        return False
    grf = total_force(analysis, force_cutoff_hz)
    if grf is None:
        return False
    mass = _mass(analysis, grf)
    if mass is None:
        return False
    speed = analysis.summary.get("speed_mps")
    leg = trial.subject.leg_length_m
    df = contact_metrics(grf, analysis.step_columns, mass, speed, leg)
    if speed is None or leg is None:
        analysis.warn("leg stiffness needs the running speed and the leg length (pass --speed-mps / --leg-length-m)")
    bw = mass * G
    analysis.sections["grf"] = _stance_curves(grf, analysis.contact_columns, bw)
    methods: dict[str, Any] = {
        "force_filter": f"Butterworth low-pass {force_cutoff_hz:g} Hz, 4th-order zero-lag, offsets zeroed in flight",
        "body_weight_n": round(bw, 1),
        "mass_source": trial.subject.sources.get("mass_kg"),
        "loading": "stridelab.kinetics.loading: impact peak (Lieberman 2010), loading rate 20-80 % of the impact peak (Milner 2006) or, without one, of the force at 13 % of stance (Blackmore 2016)",
        "stiffness": "measured (Cavagna 1975; McMahon & Cheng 1990; Farley & Gonzalez 1996) and sine-wave model (Morin et al. 2005)",
    }
    kin = analysis.cache.get("kinematics")
    if kin is not None:
        peaks = _inverse_dynamics(analysis, kin, mass, methods)
        for k, v in peaks.items():
            df[k] = v
    add_step_columns(analysis, df, BILATERAL)
    analysis.methods["kinetics"] = methods
    n_ip = int(np.isfinite(np.asarray(df["impact_peak_bw"], dtype=float)).sum())
    if len(df) and n_ip < len(df):
        analysis.warn(f"{len(df) - n_ip} of {len(df)} contacts have no impact peak: their loading rate uses the force at 13 % of stance (vlr_window)")
    return True


def _inverse_dynamics(analysis: Analysis, kin: Any, mass: float, methods: dict[str, Any]) -> dict[str, np.ndarray]:
    trial = analysis.trial
    cutoff = kin.cutoff_hz
    feet = foot_grf(trial, analysis.contact_columns, cutoff)
    on_markers = {s: g.resample(kin.time_s) for s, g in feet.items()}
    del feet  # the forces at the plate's rate: not needed beyond this (an hour at 300 Hz is ~120 MB)
    jk = leg_kinetics(kin.body, on_markers, mass, trial.subject.sex)
    del on_markers
    for m in jk.messages:
        if not (analysis.cache.get("static_hint_given") and "frame(s)" in m):  # already said: add --static
            analysis.warn(f"inverse dynamics: {m}")
    if not jk.moments:
        return {}
    mc = build_cycles(kin.time_s, jk.moments, analysis.contact_columns)
    pc = build_cycles(kin.time_s, jk.powers, analysis.contact_columns)
    analysis.cache.update(moment_cycles=mc, power_cycles=pc, joint_kinetics=jk)
    analysis.sections["moments"] = curves_json(mc, [n for n in MOMENTS if n in jk.moments], "3d")
    analysis.sections["powers"] = curves_json(pc, [n for n in POWERS if n in jk.powers], "3d")
    methods["inverse_dynamics"] = {
        "method": "Newton-Euler, foot to thigh (stridelab.kinetics.inverse_dynamics)",
        "segment_parameters": "de Leva 1996 (sex: " + (trial.subject.sex or "unknown, male and female averaged") + ")",
        "filter": f"markers and forces Butterworth low-pass {cutoff:g} Hz (Kristianslund et al. 2012)" if cutoff else "none",
        "moments": "internal, proximal on distal, resolved in the proximal segment frame, N·m/kg; the name gives the positive direction",
        "powers": "moment . (distal - proximal angular velocity), W/kg, positive = generation",
    }
    t = kin.time_s
    out: dict[str, np.ndarray] = {}
    steps = analysis.step_columns
    sides = np.asarray(steps["side"], dtype=object)
    first = np.searchsorted(t, np.asarray(steps["ic_s"], dtype=float))
    last = np.minimum(np.searchsorted(t, np.asarray(steps["to_s"], dtype=float)) + 1, len(t))  # to-off sample included
    for name in PEAK_MOMENTS:
        col = np.full(len(steps), np.nan)
        for side, x in jk.moments.get(name, {}).items():
            m = sides == side
            col[m] = segment_nanmax(x, first[m], last[m], min_valid=3)
        out[f"{name}_moment_peak_nm_kg"] = col
    return out


__all__ = ["COLUMNS", "KineticsStage", "run", "total_force"]
