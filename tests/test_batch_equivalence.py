"""The batch tables agree exactly with single-trial ``stridelab analyze`` on the real Fukuchi runners."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from stridelab.batch.jobs import BatchOptions
from stridelab.batch.runner import run_batch
from stridelab.batch.worker import curve_rows
from stridelab.cli.main import main


def _same(a: Any, b: Any) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return bool(a == b)


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()} for r in df.to_dict("records")]


@pytest.mark.slow
def test_tables_equal_single_trial_analyze(shared_data: Path, tmp_path: Path) -> None:
    inputs = [shared_data / "mocap" / "fukuchi2017_runners", shared_data / "mocap" / "fukuchi2017"]
    out = tmp_path / "out"
    s = run_batch(inputs, out, BatchOptions(), workers=2, progress=False)
    trials = pd.read_parquet(out / "trials.parquet").set_index("trial_id")
    assert trials.loc["fukuchi2017_runners/RBDS002runT35.c3d", "runner_pace_min_per_km"] > 3  # race pace, beside the running pace
    assert s.n_trials == 29 and s.n_ok == 29, trials.loc[trials.status != "ok", "reason"].to_dict()
    tabs = {n: pd.read_parquet(out / f"{n}.parquet") for n in ("contacts", "steps", "cycles")}
    for tid, row in trials.iterrows():
        args = ["analyze", str(row["file"]), "--json", str(tmp_path / "one.json"), "-q"]
        for opt, col in (("--static", "static"), ("--forces", "forces")):
            if isinstance(row[col], str):
                args += [opt, row[col]]
        if row["given_mass_kg"] is not None and not pd.isna(row["given_mass_kg"]):
            args += ["--mass-kg", repr(float(row["given_mass_kg"]))]
        assert main(args) == 0
        ref = json.loads((tmp_path / "one.json").read_text())
        doc = json.loads((out / "json" / f"{tid}.json").read_text())
        doc.pop("batch")
        assert doc == ref, tid  # the per-trial JSON is analyze's, exactly
        for k, v in ref["summary"].items():
            if k in trials.columns:
                assert _same(row[k], v), (tid, k)
        for name, ref_rows in (("contacts", ref["contacts"]), ("steps", ref["steps"]), ("cycles", curve_rows(ref))):
            got = tabs[name][tabs[name].trial_id == tid].drop(columns=["trial_id", "runner"])
            got = got[[c for c in got.columns if got[c].notna().any() or any(c in r for r in ref_rows)]]
            want = [{c: r.get(c) for c in got.columns} for r in ref_rows]
            assert _records(got) == want, (tid, name)
