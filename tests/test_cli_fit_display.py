"""A real watch file as a runner sees it: heart rate, power (Stryd), form power and leg spring
stiffness in the terminal table and on the cards, pace in min/km, a lap table, the record time
series in --csv, and definitions that describe records, not steps."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from stridelab.cli.main import main

FIT = ("wearable", "fit", "running-with-developer-data.fit")


@pytest.fixture(scope="module")
def fit_run(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    path = shared_data.joinpath(*FIT)
    if not path.exists():
        pytest.skip("the Stryd FIT file is not in the real data folder")
    out = tmp_path_factory.mktemp("fit")
    return {"path": path, "out": out}


def test_terminal_table_csv_and_report(fit_run: dict[str, object], capsys: pytest.CaptureFixture[str]) -> None:
    out = fit_run["out"]
    assert isinstance(out, Path)
    args = ["analyze", str(fit_run["path"]), "--json", str(out / "r.json"), "--csv", str(out / "r.csv"), "--report", str(out / "r.html")]
    assert main(args) == 0
    table, err = capsys.readouterr()
    doc = json.loads((out / "r.json").read_text())
    s = doc["summary"]
    for label, key, f in (("Heart rate", "heart_rate_bpm", "{:.0f}"), ("Power", "power_w", "{:.0f}"), ("Form power", "form_power_w", "{:.0f}"),
                          ("Leg spring stiffness", "leg_spring_stiffness_kn_m", "{:.1f}")):
        line = next(ln for ln in table.splitlines() if f"│ {label} " in ln)
        assert f" {f.format(s[key])} " in line
    m, sec = divmod(round(60 * s["pace_min_per_km"]), 60)
    assert f"{m}:{sec:02d}" in table and "│ Speed" not in table
    assert "Laps" in table and table.count("4:38") >= 1  # lap 2: 1.00 km in 4:38
    rows = list(csv.DictReader((out / "r.csv").open()))
    assert len(rows) == doc["records"]["n_records"] and {"time_s", "heart_rate_bpm", "power_w"} <= set(rows[0])
    html = (out / "r.html").read_text()
    assert 'id="laps"' in html and ">Pace</div>" in html and "min/km" in html
    assert "in each record" in html and "How long each foot stays on the ground per step." not in html
    assert all(line.startswith("warning: ") for line in err.splitlines())
