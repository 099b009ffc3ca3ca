"""``analyze`` is pure and deterministic, checks its options, and gives the CLI's JSON.

Data: the bundled Fukuchi 2017 runner RBDS001 (treadmill, with the standing trial; real data).
"""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import stridelab as sl
from stridelab.analysis import Analysis, AnalysisOptions, analyze
from stridelab.errors import UsageError
from stridelab.model.trial import Trial


@pytest.fixture(scope="module")
def trial(example_dir: Path) -> Trial:
    return sl.read(example_dir / "RBDS001runT35.c3d", static=example_dir / "RBDS001static.c3d")


def _fingerprint(t: Trial) -> dict[str, Any]:
    """Every array's bytes and every small field of a trial."""
    assert t.markers is not None and t.static is not None
    h = hashlib.sha256()
    for a in [t.markers.positions_m, t.markers.time_s, t.static.positions_m] + [p.force_n for p in t.forceplates] + [p.cop_m for p in t.forceplates]:
        h.update(np.ascontiguousarray(a).tobytes())
    return {
        "arrays": h.hexdigest(),
        "markers": list(t.markers.names),
        "static": list(t.static.names),
        "subject": copy.deepcopy(vars(t.subject)),
        "extra": json.dumps(t.provenance.extra, sort_keys=True, default=str),
        "quality": json.dumps(vars(t.quality), sort_keys=True, default=str),
        "environment": t.environment,
    }


def _doc(a: Analysis) -> str:
    return json.dumps(a.to_json(), sort_keys=True, allow_nan=False)


def test_analyze_leaves_trial_and_options_unchanged(trial: Trial) -> None:
    before = _fingerprint(trial)
    opts = AnalysisOptions(mass_kg=80.0)
    opts_before = copy.deepcopy(opts)
    a = analyze(trial, opts)
    assert _fingerprint(trial) == before and opts == opts_before
    assert a.trial is not trial and a.trial.subject.mass_kg == 80.0
    assert a.trial.markers is not None and trial.markers is not None
    assert a.trial.markers.positions_m.shape[1] > trial.markers.positions_m.shape[1]  # joint centres, in the copy
    second = analyze(trial).to_json()["subject"]
    assert second["mass_kg"] != 80.0 and second["sources"].get("mass_kg") != "given"


def test_analyze_twice_gives_the_same_json(trial: Trial) -> None:
    assert _doc(analyze(trial, mass_kg=62.0)) == _doc(analyze(trial, mass_kg=62.0))


def test_analyze_from_threads_equals_one_at_a_time(trial: Trial) -> None:
    masses = [62.0, 80.0, 62.0, 80.0]
    alone = {m: _doc(analyze(trial, mass_kg=m)) for m in set(masses)}
    with ThreadPoolExecutor(2) as ex:
        got = list(ex.map(lambda m: _doc(analyze(trial, mass_kg=m)), masses))
    assert got == [alone[m] for m in masses]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"events_from": "nose"}, "--events-from must be one of auto, forces, markers"),
        ({"environment": "beach"}, "--environment must be treadmill or overground"),
        ({"mass_kg": 6200.0}, "--mass-kg 6200 is outside"),
        ({"speed_mps": float("nan")}, "--speed-mps must be a finite number"),
    ],
)
def test_unusable_options_are_refused_by_the_facade(trial: Trial, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        analyze(trial, **kwargs)


def test_read_options_are_checked_and_recorded(example_dir: Path) -> None:
    with pytest.raises(UsageError, match="--end-s 1 must be after --start-s 2"):
        sl.read(example_dir / "RBDS001static.c3d", start_s=2.0, end_s=1.0)
    t = sl.read(example_dir / "RBDS001runT35.c3d", start_s=1.0, end_s=9.0)
    assert analyze(t).to_json()["provenance"]["parameters"] == {"start_s": 1.0, "end_s": 9.0, "events_from": "auto"}


def test_facade_json_equals_cli_json(example_dir: Path, tmp_path: Path) -> None:
    run, static = example_dir / "RBDS001runT35.c3d", example_dir / "RBDS001static.c3d"
    out = tmp_path / "cli.json"
    cli = Path(sys.executable).with_name("stridelab")
    args = [str(cli), "analyze", str(run), "--static", str(static), "--mass-kg", "62", "--height-m", "1.81", "--start-s", "2", "--end-s", "12", "--json", str(out), "-q"]
    subprocess.run(args, check=True, capture_output=True, timeout=120)
    facade = sl.analyze(sl.read(str(run), static=str(static), start_s=2.0, end_s=12.0), sl.AnalysisOptions(mass_kg=62, height_m=1.81))
    cli_doc = json.loads(out.read_text())
    assert cli_doc["provenance"]["parameters"] == {"events_from": "auto", "mass_kg": 62, "height_m": 1.81, "start_s": 2, "end_s": 12}
    assert cli_doc == json.loads(json.dumps(facade.to_json(), allow_nan=False))
