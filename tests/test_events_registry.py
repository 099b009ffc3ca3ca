"""Contact-event methods as objects with declared, documented parameters, reachable from the registry,
the facade and the command line, and recorded in provenance.

Real data: the bundled Fukuchi 2017 runner RBDS001 (treadmill force plate and markers).
"""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import stridelab as sl
from stridelab.algorithm import Algorithm
from stridelab.analysis import STAGE_METHODS, stage_class
from stridelab.errors import UsageError
from stridelab.events.dispatch import detect_contacts
from stridelab.events.registry import EVENT_METHODS, detector_class, make_detector, source_of

CLASSES = [(src, m, detector_class(src, m)) for src, ms in EVENT_METHODS.items() for m in ms]
IDS = [f"{s}:{m}" for s, m, _ in CLASSES]
STAGES = [("stage", stage_class(name).method, stage_class(name)) for name in STAGE_METHODS]
ALL, ALL_IDS = CLASSES + STAGES, IDS + [f"stage:{n}" for n in STAGE_METHODS]
UNITS = ("_s", "_ms", "_hz", "_n", "_m", "_mm", "_cm", "_deg", "_pct", "_mps", "_kg", "_bw")
CLI = Path(sys.executable).with_name("stridelab")


def _section(doc: str, title: str) -> str:
    m = re.search(rf"^\s*{title}:\s*$(.*?)(?=^\s*[A-Z][a-z]+:\s*$|\Z)", doc, re.M | re.S)
    return m.group(1) if m else ""


@pytest.mark.parametrize(("source", "method", "cls"), ALL, ids=ALL_IDS)
def test_every_parameter_and_result_is_documented(source: str, method: str, cls: type[Algorithm]) -> None:
    """As tpcp's test: a parameter or result missing from the class docstring fails here."""
    doc = inspect.getdoc(cls) or ""
    params, results = _section(doc, "Parameters"), _section(doc, "Results")
    for name in cls.parameter_names():
        assert re.search(rf"^\s*{name}:\s*\S", params, re.M), f"{cls.__name__}: parameter {name} undocumented"
    assert cls.result_names(), f"{cls.__name__} declares no result (annotations ending in _)"
    for name in cls.result_names():
        assert re.search(rf"^\s*{name}:\s*\S", results, re.M), f"{cls.__name__}: result {name} undocumented"
    documented = set(re.findall(r"^\s{4}(\w+):", params, re.M))
    assert documented <= set(cls.parameter_names()), f"{cls.__name__}: documents parameters it does not have"
    assert cls.method == method and cls.citation and re.search(r"(19|20)\d\d", cls.citation)
    for name, default in cls.defaults().items():
        if isinstance(default, float):
            assert name.endswith(UNITS), f"{cls.__name__}.{name}: a number needs its unit in its name"
        if isinstance(default, str):
            assert default in cls.choices.get(name, (default,))


@pytest.mark.parametrize(("source", "method", "cls"), ALL, ids=ALL_IDS)
def test_get_params_clone_and_set_params(source: str, method: str, cls: type[Algorithm]) -> None:
    det = cls()
    assert det.get_params() == cls.defaults()
    name, default = next(iter(cls.defaults().items()))
    other = cls.choices[name][-1] if name in cls.choices else default * 2
    det.set_params(**{name: other})
    twin = det.clone()
    assert twin is not det and twin.get_params() == det.get_params() and twin.results() == {}
    with pytest.raises(UsageError, match="no parameter 'nope'"):
        det.set_params(nope=1.0)
    with pytest.raises(TypeError):
        cls(1.0)  # keyword-only: positional values cannot be swapped


def test_defaults_are_the_functions_defaults() -> None:
    """Each detector built with no arguments runs its function with the function's own defaults."""
    from stridelab.events.forceplate import detect_force_contacts
    from stridelab.events.markers import detect_marker_contacts
    from stridelab.video.events import detect_video_contacts

    for cls, fn in ((detector_class("forces"), detect_force_contacts), (detector_class("markers"), detect_marker_contacts), (detector_class("video"), detect_video_contacts)):
        sig = inspect.signature(fn).parameters
        assert {k: sig[k].default for k in cls.parameter_names()} == cls.defaults()


@pytest.fixture(scope="module")
def trial(example_dir: Path) -> sl.Trial:
    return sl.read(example_dir / "RBDS001runT35.c3d", start_s=0.0, end_s=8.0)


def test_parameters_change_the_events_and_are_recorded(trial: sl.Trial) -> None:
    base = detect_contacts(trial, "forces")
    assert base.info["parameters"] == detector_class("forces").defaults()
    high = detect_contacts(trial, "forces", params={"threshold_n": 80.0})
    assert high.info["parameters"]["threshold_n"] == 80.0
    n = min(len(base.contacts), len(high.contacts))
    assert (high.contacts["ic_s"].to_numpy()[:n] > base.contacts["ic_s"].to_numpy()[:n]).all()  # a higher threshold is crossed later
    doc = sl.analyze(trial, events_from="forces", event_params={"threshold_n": "80"}).to_json()
    assert doc["provenance"]["methods"]["events"]["parameters"]["threshold_n"] == 80.0
    assert doc["provenance"]["parameters"]["event_params"] == {"threshold_n": "80"}


def test_a_method_names_its_source(trial: sl.Trial) -> None:
    assert source_of("handsaker2016_clearance") == "markers"
    ev = detect_contacts(trial, "auto", method="handsaker2016_clearance")
    assert ev.source == "markers" and ev.info["parameters"] == {
        "contact_clearance_mm": 5.0,
        "toe_off_angle_deg": 10.0,
        "heel_impact": True,
        "heel_impact_offset_ms": 3.6,
        "toe_segment": True,
        "toe_segment_height_mm": 20.0,
        "toe_segment_angle_deg": 33.9,
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"events_from": "forces", "event_params": {"threshold": "30"}}, "no parameter 'threshold'"),
        ({"events_from": "forces", "event_params": {"threshold_n": "thirty"}}, "threshold_n must be a float"),
        ({"events_from": "forces", "event_params": {"threshold_n": "inf"}}, "threshold_n must be float"),
        ({"events_from": "imu", "event_params": {"foot_method": "mansour2015"}}, "foot_method must be one of kink"),
        ({"events_from": "forces", "event_params": {"cutoff_hz": "-5"}}, "cutoff_hz must be above 0"),
        ({"stage_params": {"kinematics": {"marker_cutoff_hz": 0.0}}}, "marker_cutoff_hz must be above 0"),
        ({"events_method": "falbriard2018"}, "--events-method must be one of"),
        ({"events_from": "forces", "events_method": "handsaker2016_clearance"}, "is a method of markers, not of forces"),
    ],
)
def test_unusable_methods_and_parameters_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        sl.AnalysisOptions(**kwargs).check()


def test_make_detector_types_text_like_the_defaults() -> None:
    det = make_detector("forces", params={"threshold_n": "35", "max_contact_s": 0.8})
    assert det.get_params()["threshold_n"] == 35.0 and isinstance(det.get_params()["threshold_n"], float)


def test_cli_methods_lists_every_method_with_citation_and_defaults() -> None:
    r = subprocess.run([str(CLI), "methods", "--json"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    listed = {(m["source"], m["method"]): m for m in json.loads(r.stdout)}
    for src, method, cls in CLASSES:
        entry = listed[(src, method)]
        assert entry["citation"] == cls.citation and entry["parameters"] == cls.defaults()
    assert ("foot_strike_angle_deg", "altman2012") in listed


def test_cli_param_reaches_the_method_and_bad_param_is_one_line(example_dir: Path, tmp_path: Path) -> None:
    run = example_dir / "RBDS001runT35.c3d"
    out = tmp_path / "r.json"
    args = [str(CLI), "analyze", str(run), "--end-s", "8", "--events-from", "forces", "--param", "threshold_n=80", "--json", str(out), "-q"]
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text())["provenance"]["methods"]["events"]["parameters"]["threshold_n"] == 80.0
    bad = subprocess.run(args[:-5] + ["--param", "threshold_n"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "NAME=VALUE" in bad.stderr


def test_stage_parameters_change_the_result_and_are_recorded(example_dir: Path) -> None:
    """A lower marker cut-off smooths the knee angle (a smaller peak flexion); provenance says which."""
    t = sl.read(example_dir / "RBDS001runT35.c3d", static=example_dir / "RBDS001static.c3d", end_s=8.0)
    base = sl.analyze(t)
    low = sl.analyze(t, stage_params={"kinematics": {"marker_cutoff_hz": "4"}, "kinetics": {"force_cutoff_hz": 20.0}})
    assert base.to_json()["provenance"]["methods"]["kinematics"]["parameters"] == {"marker_cutoff_hz": 12.0}
    doc = low.to_json()
    assert doc["provenance"]["methods"]["kinematics"]["parameters"] == {"marker_cutoff_hz": 4.0}
    assert doc["provenance"]["methods"]["kinetics"]["parameters"] == {"force_cutoff_hz": 20.0}
    assert doc["provenance"]["parameters"]["stage_params"] == {"kinematics": {"marker_cutoff_hz": 4.0}, "kinetics": {"force_cutoff_hz": 20.0}}
    assert low.summary["knee_flexion_peak_deg"] < base.summary["knee_flexion_peak_deg"]
    assert low.summary["peak_vgrf_bw"] < base.summary["peak_vgrf_bw"]  # a 20 Hz force filter lowers the peak
    with pytest.raises(UsageError, match="no stage 'kinematic'"):
        sl.analyze(t, stage_params={"kinematic": {"marker_cutoff_hz": 4.0}})
