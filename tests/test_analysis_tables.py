"""The analysis keeps its tables as Columns and shows them as DataFrames: both views agree, the
DataFrame is made once per table, and setting ``steps`` replaces the table the JSON is written from."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import stridelab as sl
from stridelab.analysis import Analysis
from stridelab.model.columns import Columns
from stridelab.model.tables import records


@pytest.fixture(scope="module")
def analysis(example_dir: Path) -> Analysis:
    return sl.analyze(sl.read(example_dir / "RBDS001runT35.c3d"), mass_kg=62.0)


def test_views_agree(analysis: Analysis) -> None:
    steps, contacts = analysis.steps, analysis.contacts
    assert isinstance(analysis.step_columns, Columns) and isinstance(steps, pd.DataFrame)
    assert analysis.steps is steps  # made once per table
    assert list(steps.columns) == analysis.step_columns.columns and len(steps) == len(analysis.step_columns) > 80
    assert json.dumps(records(steps)) == json.dumps(records(analysis.step_columns))
    assert json.dumps(records(contacts)) == json.dumps(records(analysis.contact_columns))
    assert contacts["side"].tolist() == analysis.contact_columns["side"].tolist()
    doc = analysis.to_json()
    assert doc["trial"]["n_steps"] == len(steps) and doc["steps"][3]["gct_ms"] == pytest.approx(float(steps["gct_ms"].iloc[3]))


def test_setting_steps_replaces_the_table(example_dir: Path) -> None:
    a = sl.analyze(sl.read(example_dir / "RBDS001runT35.c3d"), mass_kg=62.0)
    df = a.steps.copy()
    df["extra_ms"] = np.arange(len(df), dtype=float)
    a.steps = df
    assert "extra_ms" in a.step_columns and a.steps["extra_ms"].tolist() == list(range(len(df)))
    assert a.to_json()["steps"][5]["extra_ms"] == 5.0


def test_changes_made_in_place_reach_the_json(example_dir: Path) -> None:
    """A stage (or a caller) that changes the DataFrame view in place, as the video stage does: the
    change is taken back into the table the JSON is written from, unless the table changed since."""
    a = sl.analyze(sl.read(example_dir / "RBDS001runT35.c3d"), mass_kg=62.0)
    a.steps["in_place_ms"] = 7.0
    a.steps.loc[0, "gct_ms"] = 1.5
    doc = a.to_json()
    assert doc["steps"][1]["in_place_ms"] == 7.0 and doc["steps"][0]["gct_ms"] == 1.5
    assert "in_place_ms" in a.step_columns
    stale = a.steps
    a.step_columns["other"] = np.zeros(len(a.step_columns))  # the table changed: the old view is not taken back
    stale["lost"] = 1.0
    assert "lost" not in a.to_json()["steps"][0] and "other" in a.to_json()["steps"][0]
