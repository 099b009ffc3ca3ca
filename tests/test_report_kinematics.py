"""The report's joint-angle, stick-figure and kinetics sections on real recordings."""

from __future__ import annotations

from pathlib import Path

import pytest

import stridelab as sl


@pytest.mark.slow
def test_report_sections_for_mocap_with_forces(fukuchi: Path, tmp_path: Path) -> None:
    t = sl.read(fukuchi / "RBDS001runT25markers.txt", forces=fukuchi / "RBDS001runT25forces.txt", static=fukuchi / "RBDS001static.c3d")
    a = sl.analyze(t, sl.AnalysisOptions(mass_kg=62))
    html = sl.write_report(a, tmp_path / "r.html").read_text(encoding="utf-8")
    for anchor in ('id="angles"', 'id="stick"', 'id="kinetics"'):
        assert anchor in html
    assert "knee flexion" in html and "ankle plantarflexion" in html and "Leg stiffness (Morin 2005)" in html
    assert "not a diagnosis" in html


def test_report_sections_with_arms_and_trunk(shared_data: Path, tmp_path: Path) -> None:
    t = sl.read(shared_data / "mocap" / "pyorerun" / "Running_0002.c3d")
    a = sl.analyze(t, sl.AnalysisOptions(mass_kg=70))
    html = sl.write_report(a, tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'id="stick"' in html and "Shank angle at contact" in html
