"""The analysis pipeline: a Trial in, contacts, steps, summaries and everything else out.

``analyze(trial, options)`` runs the same steps for every input: subject measures, environment
(treadmill or overground) and speed, contact events, the walking check, the per-step table and its
summaries, then the registered extra stages (kinematics, kinetics, ...), each of which adds its
own columns, sections and warnings. The CLI, the facade and the service all call this function.

``analyze`` is pure: it works on its own copy of the trial (virtual markers, the subject's given
measures and the detected environment go into that copy, reachable as ``analysis.trial``), so the
caller's ``Trial`` and ``AnalysisOptions`` are never changed and the same inputs give the same JSON,
from any thread or worker process. The options are checked here (one line, ``UsageError``) and
recorded in ``provenance.parameters`` together with the reading options, so the facade's JSON is
the CLI's JSON.
"""

from __future__ import annotations

import dataclasses
import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from stridelab._version import __version__
from stridelab.errors import NotRunningError, NoValidResultError, UsageError
from stridelab.events.contacts import ContactEvents
from stridelab.events.dispatch import detect_contacts
from stridelab.events.forceplate import foot_markers
from stridelab.metrics.activity import check_activity, check_sides
from stridelab.metrics.spatiotemporal import (
    build_steps,
    mean_of_markers,
    pelvis_centre,
    treadmill_speed_from_feet,
)
from stridelab.metrics.subject import resolve_leg_length
from stridelab.metrics.summary import pace_from_speed, summarise
from stridelab.model.axes import FORWARD
from stridelab.model.columns import Columns, as_columns
from stridelab.model.sharing import shared_copy
from stridelab.model.tables import contact_columns, empty_step_columns, records, to_json_value
from stridelab.model.trial import Trial

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

SCHEMA_VERSION = "1.0"

#: Extra stages run after the spatiotemporal metrics, as "module:function"; each takes
#: (analysis, options), may add step columns, JSON sections and warnings, and must not fail the
#: analysis for what its data cannot support (it says so in a warning instead).
EXTRA_STAGES: list[str] = [
    "stridelab.kinematics.stage:run",
    "stridelab.kinetics.stage:run",
    "stridelab.metrics.imu:imu_stage",
    "stridelab.loading.stage:run",
    "stridelab.video.stage:run",
    "stridelab.metrics.fatigue.stage:run",
]

#: Stages with declared parameters (an :class:`stridelab.algorithm.Algorithm` each): name ->
#: "module:Class". ``AnalysisOptions.stage_params[name]`` sets them (CLI: ``--param name.NAME=VALUE``).
STAGE_METHODS: dict[str, str] = {
    "kinematics": "stridelab.kinematics.stage:KinematicsStage",
    "kinetics": "stridelab.kinetics.stage:KineticsStage",
}


def stage_class(name: str) -> Any:
    """The Algorithm class of a stage of :data:`STAGE_METHODS`; UsageError for another name."""
    if name not in STAGE_METHODS:
        raise UsageError(f"--param {name}.NAME: no stage {name!r} with parameters; stages: {', '.join(STAGE_METHODS)}")
    mod, cls = STAGE_METHODS[name].split(":")
    return getattr(importlib.import_module(mod), cls)


@dataclass
class AnalysisOptions:
    """What the user told us beyond the file."""

    events_from: str = "auto"
    speed_mps: float | None = None
    mass_kg: float | None = None
    height_m: float | None = None
    leg_length_m: float | None = None
    environment: str | None = None
    #: The contact-event method (a name from :mod:`stridelab.events.registry`; None: the source's default).
    events_method: str | None = None
    #: Parameters of the event method that differ from its defaults (name -> value; text is typed).
    event_params: dict[str, Any] = field(default_factory=dict)
    #: Parameters of the analysis stages that differ from their defaults: stage -> {name -> value}.
    stage_params: dict[str, dict[str, Any]] = field(default_factory=dict)

    def check(self) -> None:
        """UsageError (one line) for a value no analysis can use: an unknown event source or
        environment, a number outside its plausible range (:mod:`stridelab.options_check`)."""
        from stridelab.events.dispatch import EVENT_SOURCES
        from stridelab.options_check import check_number

        if self.events_from != "auto" and self.events_from not in EVENT_SOURCES:
            names = ", ".join(["auto", *EVENT_SOURCES])
            raise UsageError(f"--events-from must be one of {names} (got {self.events_from!r})")
        if self.environment not in (None, "treadmill", "overground"):
            raise UsageError("--environment must be treadmill or overground")
        for name, v in (("--speed-mps", self.speed_mps), ("--mass-kg", self.mass_kg), ("--height-m", self.height_m), ("--leg-length-m", self.leg_length_m)):
            check_number(name, v)
        self._check_event_method()
        self.typed_stage_params()

    def typed_stage_params(self) -> dict[str, dict[str, Any]]:
        """:attr:`stage_params` checked, with text values (from ``--param``) typed like the defaults."""
        out: dict[str, dict[str, Any]] = {}
        for stage, params in self.stage_params.items():
            klass = stage_class(stage)
            typed = {k: klass.parse_param(k, v) if isinstance(v, str) else v for k, v in params.items()}
            klass.check_params(typed)
            out[stage] = typed
        return out

    def _check_event_method(self) -> None:
        from stridelab.events.registry import EVENT_METHODS, make_detector, source_of

        source = self.events_from
        if self.events_method is not None:
            owner = source_of(self.events_method)
            if source not in ("auto", owner):
                raise UsageError(f"--events-method {self.events_method} is a method of {owner}, not of {source}")
            source = owner
        if source != "auto" and source in EVENT_METHODS:
            make_detector(source, self.events_method, self.event_params)  # UsageError for a bad --param

    def parameters(self) -> dict[str, Any]:
        """The options as given (None and no event parameters left out), for ``provenance.parameters``."""
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None and v != {}}


@dataclass
class Analysis:
    """Everything computed from one trial.

    The step and contact tables are kept as :class:`~stridelab.model.columns.Columns`
    (``step_columns``, ``contact_columns``: what the stages and the JSON writer use, no pandas);
    ``steps`` and ``contacts`` give them as DataFrames (made on first use; setting ``steps``
    replaces the step table).
    """

    trial: Trial
    events: ContactEvents
    step_columns: Columns
    summary: dict[str, Any]
    summary_iqr: dict[str, Any]
    by_side: dict[str, Any]
    symmetry_pct: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    methods: dict[str, Any] = field(default_factory=dict)
    rejected_steps: list[dict[str, Any]] = field(default_factory=list)
    sections: dict[str, Any] = field(default_factory=dict)
    speed_source: str | None = None
    cache: dict[str, Any] = field(default_factory=dict)  # stage results shared between stages, not in JSON
    #: What the caller asked for: reading options (from the trial's provenance) and analysis options.
    parameters: dict[str, Any] = field(default_factory=dict)
    _steps_frame: tuple[Columns, int, pd.DataFrame] | None = field(default=None, repr=False, compare=False)

    @property
    def steps(self) -> pd.DataFrame:
        """The step table as a DataFrame (imports pandas; made once per table). Changes made to this
        DataFrame in place (as stages did when it was the table itself) are taken back into
        ``step_columns`` after each stage and before the JSON is written (:meth:`sync_steps`)."""
        if not self._frame_is_current():
            self._steps_frame = (self.step_columns, self.step_columns.version, self.step_columns.to_pandas())
        assert self._steps_frame is not None
        return self._steps_frame[2]

    @steps.setter
    def steps(self, table: Columns | pd.DataFrame) -> None:
        self.step_columns = as_columns(table)
        self._steps_frame = None

    def _frame_is_current(self) -> bool:
        f = self._steps_frame
        return f is not None and f[0] is self.step_columns and f[1] == self.step_columns.version

    def sync_steps(self) -> None:
        """Take the DataFrame view of the steps (when one was made and the table has not changed
        since) back into ``step_columns``, with whatever was changed in it in place."""
        if self._frame_is_current():
            assert self._steps_frame is not None
            frame = self._steps_frame[2]
            cols = Columns.from_pandas(frame)
            self.step_columns = cols
            self._steps_frame = (cols, cols.version, frame)

    @property
    def contacts(self) -> pd.DataFrame:
        return self.events.contacts

    @property
    def contact_columns(self) -> Columns:
        return self.events.table

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def to_json(self) -> dict[str, Any]:
        """The JSON contract (schema ``SCHEMA_VERSION``)."""
        from stridelab.model.tables import CONTACT_COLUMNS, STEP_COLUMNS

        self.sync_steps()
        steps = self.step_columns
        extra_step_cols = [c for c in steps.columns if c not in STEP_COLUMNS]
        t = self.trial
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "contacts": records(self.contact_columns, CONTACT_COLUMNS),
            "steps": records(steps, list(STEP_COLUMNS) + extra_step_cols) if len(steps) else [],
            "summary": {k: to_json_value(v) for k, v in {**self.summary, **pace_from_speed(self.summary.get("speed_mps"))}.items()},
            "summary_iqr": {k: to_json_value(v) for k, v in self.summary_iqr.items()},
            "by_side": {s: {k: to_json_value(v) for k, v in d.items()} for s, d in self.by_side.items()},
            "symmetry_pct": {k: to_json_value(v) for k, v in self.symmetry_pct.items()},
            "warnings": list(self.warnings),
            "subject": {
                "id": t.subject.id,
                "mass_kg": t.subject.mass_kg,
                "height_m": t.subject.height_m,
                "leg_length_m": to_json_value(t.subject.leg_length_m),
                "sources": dict(t.subject.sources),
            },
            "trial": {
                "environment": t.environment,
                "speed_source": self.speed_source,
                "time_range_s": list(t.time_range_s()),
                "n_contacts": int(len(self.contact_columns)),
                "n_steps": int(len(steps)),
            },
            "quality": {
                "items": t.quality.items,
                "rejected_contacts": self.events.rejected,
                "rejected_steps": self.rejected_steps,
            },
            "provenance": {
                "stridelab_version": __version__,
                "input": {
                    "path": t.provenance.path,
                    "sha256": t.provenance.sha256,
                    "format": t.provenance.format,
                    "units": t.provenance.units_in,
                    "axes": t.provenance.axes_in,
                    "markerset": t.provenance.markerset,
                    **{k: v for k, v in t.provenance.extra.items() if k in ("forces", "static", "first_frame")},
                },
                "methods": self.methods,
                "parameters": dict(self.parameters),
            },
        }
        for key, value in self.sections.items():
            out[key] = value
        return out


def _detect_environment(trial: Trial, options: AnalysisOptions, events: ContactEvents) -> str:
    if options.environment in ("treadmill", "overground"):
        return options.environment
    if trial.keypoints is not None and trial.markers is None and trial.environment != "unknown":
        return trial.environment  # found from the keypoints by the reader
    mk = trial.markers
    if mk is not None:
        pc = pelvis_centre(mk)
        if pc is not None and np.isfinite(pc[:, FORWARD]).sum() > 2:
            ok = np.isfinite(pc[:, FORWARD])
            t = mk.time_s[ok]
            span = float(t[-1] - t[0]) if t.size > 1 else 0.0
            if span > 0:
                v = abs(float(pc[ok, FORWARD][-1] - pc[ok, FORWARD][0])) / span
                if v > 1.0:
                    return "overground"
                if v < 0.5:
                    return "treadmill"
    c = events.table
    plates = [p if isinstance(p, str) else None for p in c["plate"].tolist()] if len(c) and "plate" in c else []
    if any(p is not None for p in plates):
        sides: dict[str, set[Any]] = {}
        for p, side in zip(plates, c["side"].tolist(), strict=True):
            if p is not None and isinstance(side, str):
                sides.setdefault(p, set()).add(side)
        if any(len(v) >= 2 for v in sides.values()) and len(c) >= 4:
            return "treadmill"
        return "overground"
    return "unknown"


def _foot_points(trial: Trial) -> dict[str, np.ndarray] | None:
    mk = trial.markers
    if mk is None:
        return None
    out = {}
    for side in ("left", "right"):
        names = foot_markers(mk, side)
        if not names:
            return None
        out[side] = mean_of_markers(mk, names)
    return out


def _speed(trial: Trial, options: AnalysisOptions, contacts: Columns, feet: dict[str, np.ndarray] | None, warnings: list[str]) -> tuple[float | None, str | None]:
    est: float | None = None
    how: str | None = None
    mk = trial.markers
    if trial.environment == "treadmill" and mk is not None and feet is not None and len(contacts) >= 2:
        est = treadmill_speed_from_feet(contacts, mk, feet)
        how = "belt speed from the stance foot's velocity"
    elif trial.environment == "overground" and mk is not None:
        pc = pelvis_centre(mk)
        if pc is not None:
            ok = np.isfinite(pc[:, FORWARD])
            if ok.sum() > 2:
                t = mk.time_s[ok]
                est = float((pc[ok, FORWARD][-1] - pc[ok, FORWARD][0]) / (t[-1] - t[0]))
                how = "mean forward velocity of the pelvis"
    if options.speed_mps is not None:
        if est is not None and abs(est - options.speed_mps) > 0.1 * options.speed_mps:
            warnings.append(f"the given speed {options.speed_mps:.2f} m/s differs from the {est:.2f} m/s measured ({how}); using the given speed")
        return options.speed_mps, "given"
    return est, how


def _check_running(steps: Columns) -> None:
    if len(steps) < 2:
        return
    ds = np.asarray(steps["flight_ms"], dtype=float) < -20.0
    if ds.mean() >= 0.5:
        raise NotRunningError(
            f"this looks like walking: both feet are on the ground together (double support) in {int(ds.sum())} of "
            f"{len(steps)} steps; stridelab analyses running"
        )


#: Numerical failures a stage may meet on unusual data; the stage's results are then left out with a
#: warning instead of failing the whole analysis (everything else still stands).
STAGE_ERRORS = (ValueError, IndexError, KeyError, ZeroDivisionError, np.linalg.LinAlgError)


#: Stages with nothing to do without these Trial data (the stage returns at once then): they are
#: not even imported without them, so a C3D run does not load the IMU and video modules.
STAGE_NEEDS: dict[str, str] = {"stridelab.metrics.imu:imu_stage": "imu", "stridelab.loading.stage:run": "imu", "stridelab.video.stage:run": "keypoints",
               "stridelab.kinematics.stage:run": "markers", "stridelab.kinetics.stage:run": "forceplates"}


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, dict | list) and not value)


def _run_stage(path: str, analysis: Analysis, options: AnalysisOptions) -> None:
    need = STAGE_NEEDS.get(path)
    if need is not None and _absent(getattr(analysis.trial, need)):
        return
    mod, func = path.split(":")
    try:
        getattr(importlib.import_module(mod), func)(analysis, options)
        analysis.sync_steps()  # a stage that changed the DataFrame view in place (the video stage does)
    except STAGE_ERRORS as e:
        name = mod.removeprefix("stridelab.").removesuffix(".stage")
        analysis.warn(f"{name} left out: unexpected {type(e).__name__} ({e}); please report this recording")


def _records_analysis(trial: Trial, options: AnalysisOptions) -> Analysis:
    """Summary and time series from per-record data (FIT); see :mod:`stridelab.metrics.records`."""
    from stridelab.metrics.records import analyse_records

    parts = analyse_records(trial, options.speed_mps)
    events = ContactEvents(contact_columns(), "none (per-record device data: no foot contacts)")
    return Analysis(trial=trial, events=events, step_columns=empty_step_columns(), **parts)


def analyze(trial: Trial, options: AnalysisOptions | None = None, **kwargs: Any) -> Analysis:
    """Analyse one trial (see module docstring); ``trial`` and ``options`` are left unchanged.

    Keyword arguments are :class:`AnalysisOptions` fields (``mass_kg=``, ``events_from=`` ...).
    Raises UsageError for unusable options and NoValidResultError when no contact is found.
    """
    options = dataclasses.replace(options or AnalysisOptions(), **kwargs)
    options.check()
    options = dataclasses.replace(options, stage_params=options.typed_stage_params())  # a new dict: the caller's stays
    trial = shared_copy(trial)  # the caller's trial stays as it was (pure, thread-safe; arrays shared read-only)
    analysis = _analyze(trial, options)
    analysis.parameters = {**trial.provenance.extra.get("read_parameters", {}), **options.parameters()}
    return analysis


def _analyze(trial: Trial, options: AnalysisOptions) -> Analysis:
    subj = trial.subject
    subj.set("mass_kg", options.mass_kg, "given")
    subj.set("height_m", options.height_m, "given")
    subj.set("leg_length_m", options.leg_length_m, "given")
    resolve_leg_length(trial)
    if trial.record_columns is not None and not (trial.has_forces or trial.has_markers or trial.imu or trial.keypoints is not None):
        analysis = _records_analysis(trial, options)  # watch / pod records (FIT): no contacts to detect
        for stage in EXTRA_STAGES:
            _run_stage(stage, analysis, options)
        return analysis
    if trial.markers is not None:
        from stridelab.kinematics.virtual import prepare_markers

        prepare_markers(trial)
    events = detect_contacts(trial, options.events_from, options.events_method, options.event_params)
    warnings: list[str] = list(trial.quality.warnings) + list(events.warnings)
    contacts = events.table
    if len(contacts) == 0:
        raise NoValidResultError(
            "no complete foot contact found in this recording; check that it shows running and that the force or foot data are present"
        )
    trial.environment = _detect_environment(trial, options, events)  # type: ignore[assignment]
    feet = _foot_points(trial)
    speed, speed_how = _speed(trial, options, contacts, feet, warnings)
    res = build_steps(contacts, trial.markers, trial.environment, speed, feet)
    _check_running(res.steps)
    if (side_warning := check_sides(res.steps)) is not None:  # left/right must alternate (stridelab.metrics.activity)
        warnings.append(side_warning)
    check_activity(res.steps, check_cadence=trial.keypoints is None)  # walking from the duty factor too
    warnings += res.warnings
    sides = contacts["side"].tolist()
    if min(sides.count("left"), sides.count("right")) < 2:
        warnings.append("fewer than 2 contacts on a side: stride metrics (stride time, duty factor) need at least 2 per side")
    if np.isnan(np.asarray(res.steps["next_ic_s"], dtype=float)).all():
        warnings.append("no complete step (a contact followed by a contact of the other foot): only contact times can be given")
    if np.isnan(np.asarray(res.steps["step_length_m"], dtype=float)).all():
        if trial.environment == "treadmill":
            warnings.append("step length needs the belt speed: pass --speed-mps (no foot markers to measure it)")
    s = summarise(res.steps, speed)
    methods: dict[str, Any] = {
        "events": {"source": events.source, **events.info},
        "steps": "stridelab.metrics.spatiotemporal (module docstring gives the definitions)",
        "summary": "medians over steps; IQR beside; balance and symmetry from per-side means",
        "speed": speed_how,
    }
    analysis = Analysis(
        trial=trial,
        events=events,
        step_columns=res.steps,
        summary=s["summary"],
        summary_iqr=s["summary_iqr"],
        by_side=s["by_side"],
        symmetry_pct=s["symmetry_pct"],
        warnings=list(dict.fromkeys(warnings)),
        methods=methods,
        rejected_steps=res.rejected,
        speed_source=speed_how,
    )
    for stage in EXTRA_STAGES:
        _run_stage(stage, analysis, options)
    return analysis
