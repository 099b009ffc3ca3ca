"""The light table of the analysis path (stridelab.model.columns): pandas' dtypes for rows, the few
operations the hot path uses, and the DataFrame views of the Trial and Analysis tables."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stridelab.model.columns import Columns, as_columns, same_kind
from stridelab.model.sharing import shared_copy
from stridelab.model.tables import contact_columns, contact_table, records
from stridelab.model.trial import Trial

ROWS: list[list[dict[str, Any]]] = [
    [{"side": "left", "ic_s": 1.0, "n": 1, "ok": True, "x": None}, {"side": None, "ic_s": np.float64(2.5), "n": None, "ok": None, "x": None}],
    [{"a": 1, "b": 2.0}, {"a": 3, "c": "z"}],
    [{"a": np.nan, "b": "t"}, {"a": 2, "b": 3}],
    [{"w": np.int64(4), "f": False}, {"w": 5, "f": True}],
    [{"a": np.float32(1.5), "b": None, "c": 1.0}, {"a": None, "b": None, "c": np.float64(2.0)}, {"a": 2.0, "c": None}],
    [],
]


@pytest.mark.parametrize("rows", ROWS)
def test_rows_give_pandas_dtypes_and_values(rows: list[dict[str, Any]]) -> None:
    """A table built from rows is what pandas.DataFrame(rows) is: same columns, dtypes, JSON values."""
    t = Columns.from_rows(rows)
    want = pd.DataFrame(rows)
    got = t.to_pandas()
    assert list(got.columns) == list(want.columns) and len(t) == len(want)
    assert got.dtypes.to_dict() == want.dtypes.to_dict()
    pd.testing.assert_frame_equal(got, want)
    assert json.dumps(records(t)) == json.dumps(records(want))


def test_contact_columns_equal_the_contact_table() -> None:
    rows = [
        {"side": "right", "ic_s": 2.0, "to_s": 2.2, "source": "forces", "plate": "FP1", "peak_fz_n": 1500.0},
        {"side": None, "ic_s": 1.0, "to_s": 1.25, "source": "forces", "plate": "FP1", "peak_fz_n": 1400.0},
        {"side": "left", "ic_s": 1.0, "to_s": 1.3, "source": "forces", "plate": "FP1", "peak_fz_n": np.nan},
    ]
    t, df = contact_columns(rows), contact_table(rows)
    assert t.columns == list(df.columns)
    assert t["ic_s"].tolist() == df["ic_s"].tolist() == [1.0, 1.0, 2.0]  # stable: equal times keep their order
    assert t["to_s"].tolist() == [1.25, 1.3, 2.2]
    assert json.dumps(records(t)) == json.dumps(records(df))
    empty = contact_columns()
    assert len(empty) == 0 and empty.columns == list(contact_table().columns)


def test_operations() -> None:
    t = Columns({"side": np.array(["l", "r", "l"]), "ic_s": [3.0, 1.0, 2.0]})
    assert t["side"].dtype == object  # text as Python objects, like pandas' object columns
    assert len(t) == 3 and "ic_s" in t and "x" not in t and t.columns == ["side", "ic_s"]
    s = t.sort_by("ic_s")
    assert s["ic_s"].tolist() == [1.0, 2.0, 3.0] and s["side"].tolist() == ["r", "l", "l"]
    assert t.take(t["side"] == "l")["ic_s"].tolist() == [3.0, 2.0]
    assert t.take([2, 0])["ic_s"].tolist() == [2.0, 3.0]
    t["k"] = 1.5
    assert t["k"].tolist() == [1.5] * 3
    assert t.rows()[1] == {"side": "r", "ic_s": 1.0, "k": 1.5}
    assert t.select(["k", "side"]).columns == ["k", "side"] and t.drop("k").columns == ["side", "ic_s"]
    c = Columns.concat([t.select(["side", "ic_s"]), Columns({"ic_s": [9.0]})])
    assert c["ic_s"].tolist() == [3.0, 1.0, 2.0, 9.0] and c["side"].tolist() == ["l", "r", "l", None]
    assert t.copy() == t and t.copy()["ic_s"] is not t["ic_s"]
    with pytest.raises(ValueError, match="3 rows"):
        t["bad"] = [1.0, 2.0]
    with pytest.raises(ValueError, match="one-dimensional"):
        t["bad"] = np.zeros((3, 2))
    with pytest.raises(ValueError, match="row mask"):
        t.take(np.array([True, False]))
    with pytest.raises(KeyError, match="no column 'nope'"):
        t["nope"]


def test_same_kind_and_round_trip() -> None:
    df = pd.DataFrame({"side": ["left", "right"], "v": [1.0, np.nan]}, index=[5, 7])
    t = as_columns(df)
    assert isinstance(t, Columns) and as_columns(t) is t
    back = same_kind(t, df)
    assert isinstance(back, pd.DataFrame) and list(back.index) == [5, 7]
    pd.testing.assert_frame_equal(back, df)
    assert same_kind(t, t) is t


def test_trial_tables_are_columns_read_as_dataframes() -> None:
    """Trial.records is kept as Columns (no pandas on the analysis path), read as a DataFrame (made
    once per table), and copied, pickled and shared without the DataFrame."""
    tr = Trial(records=Columns({"time_s": np.arange(4.0), "state": np.array(["run"] * 4, dtype=object)}))
    assert isinstance(tr.record_columns, Columns) and tr.laps is None and tr.lap_columns is None
    df = tr.records
    assert isinstance(df, pd.DataFrame) and df["time_s"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert tr.records is df  # cached
    assert tr.time_range_s() == (0.0, 3.0)
    for other in (copy.deepcopy(tr), pickle.loads(pickle.dumps(tr)), shared_copy(tr)):
        assert not any(k.endswith("_frame") for k in vars(other))
        assert other.record_columns is not None and other.record_columns["time_s"].tolist() == [0.0, 1.0, 2.0, 3.0]
    shared = shared_copy(tr)
    assert shared.record_columns is not None
    arr = shared.record_columns["time_s"]
    assert np.shares_memory(arr, tr.record_columns["time_s"]) and not arr.flags.writeable
    tr.records = pd.DataFrame({"time_s": [7.0]})  # setting a DataFrame replaces the table
    assert tr.record_columns is not None and tr.record_columns["time_s"].tolist() == [7.0] and tr.records["time_s"].tolist() == [7.0]


_VALUES = st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=True, allow_infinity=False, width=64) | st.sampled_from(["left", "right"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["a", "b", "c"]), _VALUES, max_size=3), max_size=6))
def test_generated_rows_equal_pandas(rows: list[dict[str, Any]]) -> None:
    """SYNTHETIC rows of mixed types, missing keys and None: the same frame as pandas.DataFrame(rows)."""
    got, want = Columns.from_rows(rows).to_pandas(), pd.DataFrame(rows)
    if len(want.columns) == 0:
        assert len(got.columns) == 0 and len(got) == len(want)
        return
    pd.testing.assert_frame_equal(got, want)
