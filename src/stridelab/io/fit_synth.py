"""SYNTHETIC FIT files of a run, written with garmin-fit-sdk's encoder: for tests, benchmarks, docs.

Nothing here is a real recording. :func:`write_synthetic_run` simulates a runner at 1 Hz with a
known truth: speed varies slowly around ``speed_mps`` (and with the hills of a sinusoidal course),
cadence, contact time, vertical oscillation and step length follow speed with typical slopes, and
contact time drifts by ``gct_drift_ms_per_h`` at constant speed (a planted fatigue effect that
the drift analysis must recover). It writes Garmin running dynamics natively (cadence as
strides/min + fractional cadence, stance time, balance, vertical oscillation and ratio, step
length) and, optionally, Stryd-style developer fields (Power, Form Power, Leg Spring Stiffness,
and a Ground Time that overlaps the native stance time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from stridelab.atomic import write_bytes


@dataclass
class SyntheticTruth:
    """What was planted: per-record arrays and the constants of the model."""

    time_s: np.ndarray
    speed_mps: np.ndarray
    cadence_spm: np.ndarray
    gct_ms: np.ndarray
    grade_pct: np.ndarray
    gct_drift_ms_per_h: float
    gct_per_mps: float
    info: dict[str, Any] = field(default_factory=dict)


def write_synthetic_run(
    path: str | Path,
    duration_s: int = 3600,
    speed_mps: float = 3.2,
    gct_drift_ms_per_h: float = 6.0,
    sessions: tuple[tuple[str, int], ...] | None = None,
    developer: bool = True,
    cadence_in_steps: bool = False,
    implausible_at: dict[str, list[int]] | None = None,
    seed: int = 0,
) -> SyntheticTruth:
    """Write a SYNTHETIC 1 Hz running FIT file (see module docstring) and return its truth.

    ``sessions``: (sport, seconds) legs for a multisport file, e.g. (("cycling", 600),
    ("running", 1800)); default one running session of ``duration_s``. ``implausible_at`` plants
    bad values: {"gct_ms": [record indices], "cadence_spm": [...], "vertical_oscillation_cm": [...]}
    become 700 ms, 400 steps/min and 30 cm there.
    """
    from garmin_fit_sdk import Encoder, Profile

    rng = np.random.default_rng(seed)
    legs = sessions or (("running", duration_s),)
    n = int(sum(s for _, s in legs))
    t = np.arange(n, dtype=float)
    hills = 3.0 * np.sin(2 * np.pi * t / 600.0)  # grade %, 10-min hills
    v = speed_mps + 0.35 * np.sin(2 * np.pi * t / 1500.0) - 0.03 * hills + rng.normal(0, 0.05, n)
    cad = 170.0 + 9.0 * (v - 3.2) + rng.normal(0, 1.5, n)
    gct_per_mps = -35.0
    gct = 240.0 + gct_per_mps * (v - 3.2) + 1.2 * hills + gct_drift_ms_per_h * t / 3600.0 + rng.normal(0, 4.0, n)
    vo = 8.5 + 0.4 * (v - 3.2) + rng.normal(0, 0.3, n)
    step = v * 60.0 / cad
    bal = 50.6 + rng.normal(0, 0.4, n)
    hr = 140 + 8 * (v - 3.2) + 10 * t / 3600.0 + rng.normal(0, 1.0, n)
    alt = 100.0 + np.cumsum(v * hills / 100.0)
    dist = np.cumsum(v)
    bad = implausible_at or {}
    for i in bad.get("gct_ms", []):
        gct[i] = 700.0
    for i in bad.get("cadence_spm", []):
        cad[i] = 400.0
    for i in bad.get("vertical_oscillation_cm", []):
        vo[i] = 30.0
    t0 = datetime(2024, 5, 1, 7, 0, 0, tzinfo=UTC)
    mn = Profile["mesg_num"]
    dev_keys = {"Power": (0, "Watts", 0x84), "Form Power": (1, "Watts", 0x84), "Leg Spring Stiffness": (2, "KN/m", 0x88), "Ground Time": (3, "Milliseconds", 0x84)}
    dev_id = {"developer_data_index": 0, "application_id": list(range(16)), "application_version": 1}
    descs = {
        name: {"developer_data_index": 0, "field_definition_number": num, "fit_base_type_id": bt, "field_name": name, "units": units}
        for name, (num, units, bt) in dev_keys.items()
    }
    enc = Encoder()
    enc.on_mesg(mn["FILE_ID"], {"type": "activity", "manufacturer": "development", "product": 0, "time_created": t0, "serial_number": 1234})
    if developer:
        enc.on_mesg(mn["DEVELOPER_DATA_ID"], dev_id)
        for name, d in descs.items():
            enc.add_developer_field(name, dev_id, d)  # type: ignore[arg-type]
            enc.on_mesg(mn["FIELD_DESCRIPTION"], d)
    enc.on_mesg(mn["EVENT"], {"timestamp": t0, "event": "timer", "event_type": "start"})
    steps_field = cad if cadence_in_steps else cad / 2.0
    start = 0
    for sport, secs in legs:
        for i in range(start, start + secs):
            ts = t0 + timedelta(seconds=float(t[i]))
            rec: dict[str, Any] = {"timestamp": ts, "distance": float(dist[i]), "enhanced_speed": float(v[i]), "enhanced_altitude": float(alt[i]), "heart_rate": int(hr[i])}
            if sport == "running":
                whole = int(np.floor(steps_field[i]))
                rec.update(
                    cadence=min(whole, 254),
                    fractional_cadence=float(steps_field[i] - whole),
                    stance_time=float(gct[i]),
                    stance_time_percent=float(gct[i] * cad[i] / 1200.0),
                    stance_time_balance=float(bal[i]),
                    vertical_oscillation=float(vo[i] * 10.0),
                    vertical_ratio=float(vo[i] / step[i]),
                    step_length=float(step[i] * 1000.0),
                    activity_type="running",
                )
                if developer:
                    pw = 75.0 * v[i] * (1 + hills[i] / 30.0) + rng.normal(0, 5)
                    rec["developer_fields"] = {"Power": int(pw), "Form Power": int(0.27 * pw), "Leg Spring Stiffness": float(11.0 + rng.normal(0, 0.3)), "Ground Time": int(gct[i] + 3)}
            enc.on_mesg(mn["RECORD"], rec)
        end_ts = t0 + timedelta(seconds=float(t[start + secs - 1]))
        summary = {"timestamp": end_ts, "start_time": t0 + timedelta(seconds=float(t[start])), "total_elapsed_time": float(secs - 1), "total_timer_time": float(secs - 1), "sport": sport}
        enc.on_mesg(mn["LAP"], {**summary, "event": "lap", "event_type": "stop"})
        if sport == "running":
            run = slice(start, start + secs)
            summary.update(
                avg_running_cadence=int(np.mean(cad[run]) / 2),
                avg_fractional_cadence=float(np.mean(cad[run]) / 2 % 1),
                avg_stance_time=float(np.mean(gct[run])),
                avg_vertical_oscillation=float(np.mean(vo[run]) * 10),
            )
        enc.on_mesg(mn["SESSION"], {**summary, "event": "session", "event_type": "stop"})
        start += secs
    enc.on_mesg(mn["ACTIVITY"], {"timestamp": t0 + timedelta(seconds=float(n)), "num_sessions": len(legs), "type": "manual"})
    write_bytes(path, enc.close())
    return SyntheticTruth(t, v, cad, gct, hills, gct_drift_ms_per_h, gct_per_mps, {"legs": legs, "seed": seed})
