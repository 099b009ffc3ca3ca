"""The trial model: time-aligned signals of one recording, in SI units and the canonical lab frame.

A :class:`Trial` is what every reader returns and what every later layer (events, metrics,
kinematics, skill, risk, report) consumes. Positions are metres, forces newtons, moments N·m,
times seconds *on the input file's own time axis* (so a lab can find every event in its own
software), axes as described in :mod:`stridelab.model.axes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from stridelab.model.columns import Columns, as_columns

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

Side = Literal["left", "right"]
Environment = Literal["treadmill", "overground", "unknown"]


@dataclass
class MarkerData:
    """Marker trajectories.

    ``positions_m`` has shape (n_frames, n_markers, 3) in the canonical frame; missing samples are
    NaN. ``names`` are canonical landmark names where the marker could be mapped
    (:mod:`stridelab.model.landmarks`), the original name otherwise; ``original_names`` keeps what
    the file said.
    """

    positions_m: np.ndarray
    names: list[str]
    original_names: list[str]
    rate_hz: float
    time_s: np.ndarray

    def __post_init__(self) -> None:
        if self.positions_m.ndim != 3 or self.positions_m.shape[2] != 3:
            raise ValueError("positions_m must have shape (n_frames, n_markers, 3)")
        if self.positions_m.shape[1] != len(self.names) or len(self.names) != len(self.original_names):
            raise ValueError("one name and one original name per marker")
        if self.positions_m.shape[0] != self.time_s.shape[0]:
            raise ValueError("one time per frame")
        self._index = {n: i for i, n in enumerate(self.names)}

    @property
    def n_frames(self) -> int:
        return int(self.positions_m.shape[0])

    def has(self, *names: str) -> bool:
        """True when every named marker exists and has at least one valid sample."""
        for n in names:
            i = self._index.get(n)
            if i is None or not np.isfinite(self.positions_m[:, i, 0]).any():
                return False
        return True

    def missing(self, *names: str) -> list[str]:
        """The names among ``names`` that this trial lacks."""
        return [n for n in names if not self.has(n)]

    def first_present(self, *names: str) -> str | None:
        """The first of ``names`` that exists, or None."""
        for n in names:
            if self.has(n):
                return n
        return None

    def __getitem__(self, name: str) -> np.ndarray:
        """Trajectory of one marker, shape (n_frames, 3)."""
        try:
            return self.positions_m[:, self._index[name], :]
        except KeyError:
            raise KeyError(f"no marker named {name!r}") from None

    def with_prefix(self, prefix: str) -> list[str]:
        return [n for n in self.names if n.startswith(prefix)]

    def slice_frames(self, start: int, stop: int) -> MarkerData:
        return MarkerData(
            self.positions_m[start:stop].copy(),
            list(self.names),
            list(self.original_names),
            self.rate_hz,
            self.time_s[start:stop].copy(),
        )


@dataclass
class ForcePlate:
    """One force plate (or one foot's force channels), in the canonical frame.

    ``force_n`` is the ground reaction force acting on the runner (vertical component positive when
    loaded). ``cop_m`` is the centre of pressure on the plate surface (NaN where the plate is
    unloaded). ``free_moment_nm`` is the moment about the centre of pressure (its vertical component
    is the free moment). ``side`` is known only when the file gives one plate per foot.
    """

    name: str
    rate_hz: float
    time_s: np.ndarray
    force_n: np.ndarray
    cop_m: np.ndarray
    free_moment_nm: np.ndarray
    corners_m: np.ndarray | None = None
    side: Side | None = None
    plate_type: int | None = None

    @property
    def n_samples(self) -> int:
        return int(self.force_n.shape[0])


@dataclass
class ImuData:
    """One inertial sensor: accelerometer (m/s², specific force) and optional gyroscope (rad/s).

    Signals are in the sensor's own frame unless ``frame`` says otherwise.
    """

    location: str
    rate_hz: float
    time_s: np.ndarray
    acc_mps2: np.ndarray
    gyr_radps: np.ndarray | None = None
    frame: str = "sensor"


@dataclass
class Keypoints2D:
    """2-D pose keypoints from video: positions in pixels, a confidence per keypoint and frame."""

    names: list[str]
    xy_px: np.ndarray
    confidence: np.ndarray
    rate_hz: float
    time_s: np.ndarray
    image_size_px: tuple[int, int] | None = None


@dataclass
class Subject:
    """Who ran. Each value is None when unknown; ``sources`` says where a known value came from."""

    id: str | None = None
    mass_kg: float | None = None
    height_m: float | None = None
    leg_length_m: float | None = None
    sex: str | None = None
    sources: dict[str, str] = field(default_factory=dict)

    def set(self, name: str, value: float | str | None, source: str) -> None:
        if value is None:
            return
        setattr(self, name, value)
        self.sources[name] = source


@dataclass
class Provenance:
    """Where the data came from and what was done to it on reading."""

    path: str | None = None
    sha256: str | None = None
    format: str | None = None
    reader: str | None = None
    units_in: str | None = None
    axes_in: dict[str, str] = field(default_factory=dict)
    markerset: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class QualityLog:
    """Data-quality findings shown in the report's data-quality section and in JSON warnings."""

    warnings: list[str] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)

    def warn(self, message: str, **detail: Any) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
        if detail:
            self.items.append({"message": message, **detail})

    def note(self, kind: str, **detail: Any) -> None:
        """Record a finding that is not a warning (e.g. a short gap that was filled)."""
        self.items.append({"kind": kind, **detail})

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [i for i in self.items if i.get("kind") == kind]


class _Table:
    """A table field of :class:`Trial` kept as :class:`~stridelab.model.columns.Columns` (in the
    instance's ``_<name>``): reading the field gives a :class:`pandas.DataFrame` (made once per
    table), setting it takes a DataFrame, a :class:`Columns` or None. The analysis path reads the
    Columns (``Trial.record_columns`` ...) and so never imports pandas; a change made to the
    DataFrame in place does not reach them: set the field to change the table."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name
        self.cache = "_" + name + "_frame"

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return None  # the dataclass default
        table = obj.__dict__.get(self.slot)
        if table is None:
            return None
        cached = obj.__dict__.get(self.cache)
        if cached is None or cached[0] is not table:
            cached = (table, table.to_pandas())
            obj.__dict__[self.cache] = cached
        return cached[1]

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.slot] = None if value is None else as_columns(value)
        obj.__dict__.pop(self.cache, None)


@dataclass
class Trial:
    """One recording of a runner, every modality on the same clock.

    Readers fill what their format holds; the rest stays empty. ``static`` is the standing
    calibration trial's marker data, when one was given.
    """

    markers: MarkerData | None = None
    forceplates: list[ForcePlate] = field(default_factory=list)
    imu: dict[str, ImuData] = field(default_factory=dict)
    keypoints: Keypoints2D | None = None
    static: MarkerData | None = None
    subject: Subject = field(default_factory=Subject)
    provenance: Provenance = field(default_factory=Provenance)
    quality: QualityLog = field(default_factory=QualityLog)
    environment: Environment = "unknown"
    declared_speed_mps: float | None = None
    #: Per-record time series of a watch or pod (FIT): ``time_s`` and metrics with units in the
    #: column names (see :mod:`stridelab.io.fit_records`); ``laps``/``sessions``: the device's summaries.
    #: (Each is kept as :class:`Columns`, read as a DataFrame; ``record_columns`` etc. give the Columns.)
    records: pd.DataFrame | None = _Table()
    laps: pd.DataFrame | None = _Table()
    sessions: pd.DataFrame | None = _Table()

    @property
    def record_columns(self) -> Columns | None:
        """:attr:`records` as :class:`Columns` (no pandas)."""
        return self.__dict__.get("_records")

    @property
    def lap_columns(self) -> Columns | None:
        return self.__dict__.get("_laps")

    @property
    def session_columns(self) -> Columns | None:
        return self.__dict__.get("_sessions")

    def __getstate__(self) -> dict[str, Any]:
        """Pickled and copied without the DataFrames made for readers (the Columns are the data)."""
        return {k: v for k, v in self.__dict__.items() if not k.endswith("_frame")}

    @property
    def has_forces(self) -> bool:
        return len(self.forceplates) > 0

    @property
    def has_markers(self) -> bool:
        return self.markers is not None and self.markers.positions_m.shape[1] > 0

    def time_range_s(self) -> tuple[float, float]:
        """First and last time over all signals."""
        starts, ends = [], []
        if self.markers is not None and self.markers.n_frames:
            starts.append(float(self.markers.time_s[0]))
            ends.append(float(self.markers.time_s[-1]))
        for p in self.forceplates:
            if p.n_samples:
                starts.append(float(p.time_s[0]))
                ends.append(float(p.time_s[-1]))
        for s in self.imu.values():
            starts.append(float(s.time_s[0]))
            ends.append(float(s.time_s[-1]))
        if self.keypoints is not None and len(self.keypoints.time_s):
            starts.append(float(self.keypoints.time_s[0]))
            ends.append(float(self.keypoints.time_s[-1]))
        rec = self.record_columns
        if rec is not None and len(rec):
            starts.append(float(rec["time_s"][0]))
            ends.append(float(rec["time_s"][-1]))
        if not starts:
            return (0.0, 0.0)
        return (min(starts), max(ends))
