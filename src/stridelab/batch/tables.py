"""Gather the cached per-trial results of a batch into its output folder.

Writes (each atomically: a temporary name, then a rename):

- ``json/<trial id>.json``: each trial's JSON (``stridelab analyze --json`` plus a ``batch`` section);
- ``trials.parquet``: one row per trial: ``trial_id``, ``file``, ``static``, ``forces``, ``runner``,
  ``status`` (ok | failed), ``reason``, ``error``, ``key`` (cache key), ``stridelab_version``,
  ``options`` and ``parameters`` (JSON text), ``sha256``, ``synthetic``, counts, every summary
  metric, and ``runner_sex``, ``runner_age_y``, ``runner_height_m``, ``runner_level``,
  ``runner_pace_min_per_km`` (race pace) when the lab's participant table gives them;
- ``contacts.parquet``, ``steps.parquet``, ``cycles.parquet``: the per-trial tables, stacked, with
  ``trial_id`` and ``runner`` first (columns that a modality lacks are null; a column with numbers
  of several types is float64, with mixed kinds of values text), streamed in row groups of 256
  trials so that memory stays bounded at any number of trials;
- ``failures.csv``: ``file``, ``reason``, ``trial_id``, ``error`` of every failed trial;
- ``trials.tsv``: a trial-folder manifest of the analysed trials (absolute paths), so that the output
  folder is a population for ``stridelab skill fit --population OUT`` (see
  :mod:`stridelab.skill.trials`); runners with trials at different speeds get one id per speed
  (``RBDS002@3.5mps``), as the skill model does not pool strides across speeds; sex, age, height,
  level and race pace come from the lab's participant table when discovery found one.

Rows and tables follow the sorted trial ids, whatever order the trials finished in, so an
interrupted and resumed batch writes the same tables as an uninterrupted one.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from stridelab.batch.atomic import temp_path, write_text
from stridelab.batch.worker import RESULT_FILE

#: Columns of trials.parquet that change from run to run (timing, cache use); left out of comparisons.
VOLATILE_COLUMNS = ("elapsed_s", "cpu_s", "cached")
TABLE_NAMES = ("contacts", "steps", "cycles")


def _write_parquet(table: Any, path: Path) -> None:
    import pyarrow.parquet as pq

    tmp = temp_path(path)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _unified_schema(schemas: list[Any]) -> Any:
    """One schema for fragments whose columns differ: absent columns are null; a column of several
    types becomes float64 when they are all numeric, else string."""
    import pyarrow as pa

    order: dict[str, list[Any]] = {}
    for sch in schemas:
        for f in sch:
            order.setdefault(f.name, []).append(f.type)
    fields = []
    for name, types in order.items():
        real = {t for t in types if not pa.types.is_null(t)}
        if not real:
            t = pa.null()
        elif len(real) == 1:
            t = real.pop()
        elif all(pa.types.is_integer(x) or pa.types.is_floating(x) or pa.types.is_boolean(x) for x in real):
            t = pa.float64()
        else:
            t = pa.string()
        fields.append(pa.field(name, t))
    return pa.schema(fields)


def _conform(t: Any, schema: Any) -> Any:
    import pyarrow as pa

    cols = []
    for f in schema:
        if f.name in t.column_names:
            c = t.column(f.name)
            if c.type != f.type:
                c = c.cast(f.type) if not pa.types.is_string(f.type) else pa.array([None if v is None else str(v) for v in c.to_pylist()], pa.string())
            cols.append(c)
        else:
            cols.append(pa.nulls(t.num_rows, f.type))
    return pa.table(cols, schema=schema)


def _stack_to(name: str, rows: list[dict[str, Any]], cache: Path, path: Path, threads: int = 8, chunk: int = 256) -> None:
    """Stream the fragments ``name`` of the ok rows into one Parquet file (bounded memory, threaded reads)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    ok = [r for r in rows if r.get("status") == "ok"]
    files = [cache / str(r["key"]) / f"{name}.parquet" for r in ok]
    with ThreadPoolExecutor(threads) as ex:
        schemas = list(ex.map(pq.read_schema, files))
        head = pa.schema([pa.field("trial_id", pa.string()), pa.field("runner", pa.string())])
        schema = _unified_schema([head, *schemas])
        tmp = temp_path(path)
        try:
            with pq.ParquetWriter(tmp, schema) as w:
                if not ok:
                    w.write_table(schema.empty_table())
                for i in range(0, len(ok), chunk):
                    part = ok[i : i + chunk]
                    tables = list(ex.map(pq.read_table, files[i : i + chunk]))
                    out = []
                    for r, t in zip(part, tables, strict=True):
                        n = t.num_rows
                        t = t.add_column(0, "runner", pa.array([r.get("runner")] * n, pa.string()))
                        t = t.add_column(0, "trial_id", pa.array([r["trial_id"]] * n, pa.string()))
                        out.append(_conform(t, schema))
                    w.write_table(pa.concat_tables(out))
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(dst)
    tmp.unlink()
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def json_path(out: Path, trial_id: str) -> Path:
    """``OUT/json/<trial id>.json``; never outside ``OUT/json`` (a suspicious id is replaced by its hash)."""
    import hashlib

    base = (out / "json").resolve()
    dst = (base / f"{trial_id}.json").resolve()
    if base not in dst.parents:
        dst = base / f"{hashlib.sha256(trial_id.encode()).hexdigest()[:16]}.json"
    return dst


def _trial_json(out: Path, cache: Path, r: dict[str, Any]) -> None:
    src = cache / str(r["key"]) / RESULT_FILE
    dst = json_path(out, str(r["trial_id"]))
    if r.get("status") == "ok" and src.is_file():
        _link(src, dst)
        return
    doc = {"status": "failed", "reason": r.get("reason"), "error": r.get("error"), "file": r.get("file"),
           "provenance": {"stridelab_version": r.get("stridelab_version"), "parameters": json.loads(str(r.get("parameters") or "{}")),
                          "options": json.loads(str(r.get("options") or "{}"))}}
    write_text(dst, json.dumps(doc, indent=1, allow_nan=False))


def _speed_bin(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return round(f * 2.0) / 2.0 if f == f else None


META_COLUMNS = ("sex", "age_y", "height_m", "level", "pace_min_per_km")


def population_manifest(rows: list[dict[str, Any]]) -> str:
    """``trials.tsv`` text for the skill model (see the module doc)."""
    import pandas as pd

    ok = [r for r in rows if r.get("status") == "ok"]
    bins: dict[str, set[float | None]] = defaultdict(set)
    for r in ok:
        bins[str(r.get("runner"))].add(_speed_bin(r.get("speed_mps")))
    out = []
    for r in ok:
        rid = str(r.get("runner"))
        b = _speed_bin(r.get("speed_mps"))
        if len(bins[rid]) > 1 and b is not None:
            rid = f"{rid}@{b:.1f}mps"
        rec = {"file": os.path.abspath(str(r["file"])), "runner": rid,
               "static": os.path.abspath(str(r["static"])) if r.get("static") else None,
               "forces": os.path.abspath(str(r["forces"])) if r.get("forces") else None,
               "mass_kg": r.get("given_mass_kg"), "speed_mps": r.get("given_speed_mps"), **{k: r.get(f"runner_{k}") for k in META_COLUMNS}}
        out.append(rec)
    df = pd.DataFrame.from_records(out, columns=["file", "runner", "static", "forces", "mass_kg", "speed_mps", *META_COLUMNS])
    df = df[[c for c in df.columns if c in ("file", "runner") or df[c].notna().any()]]
    return str(df.to_csv(sep="\t", index=False))


def assemble(out: Path, cache: Path, rows: list[dict[str, Any]], meta: dict[str, dict[str, Any]] | None = None) -> dict[str, Path]:
    """Write every output of the batch from its rows (sorted by trial id), the cache, and the runner
    metadata of discovery (``meta``: trial id -> sex, age_y, height_m, level, pace_min_per_km; in
    ``trials.parquet`` as ``runner_sex`` ..., since ``pace_min_per_km`` there is the trial's running
    pace, and in ``trials.tsv`` under the skill model's names)."""
    import pandas as pd
    import pyarrow as pa

    meta = meta or {}
    rows = sorted(({**r, **{f"runner_{k}": v for k, v in meta.get(str(r["trial_id"]), {}).items() if k in META_COLUMNS}} for r in rows), key=lambda r: str(r["trial_id"]))
    written: dict[str, Path] = {}
    with ThreadPoolExecutor(8) as ex:
        list(ex.map(lambda r: _trial_json(out, cache, r), rows))
    trows = [{k: v for k, v in r.items() if k != "cached"} for r in rows]
    df = pd.DataFrame.from_records(trows)
    _write_parquet(pa.Table.from_pandas(df, preserve_index=False), out / "trials.parquet")
    written["trials"] = out / "trials.parquet"
    for name in TABLE_NAMES:
        _stack_to(name, rows, cache, out / f"{name}.parquet")
        written[name] = out / f"{name}.parquet"
    fails = [{"file": r.get("file"), "reason": r.get("reason"), "trial_id": r["trial_id"], "error": r.get("error")} for r in rows if r.get("status") != "ok"]
    write_text(out / "failures.csv", pd.DataFrame.from_records(fails, columns=["file", "reason", "trial_id", "error"]).to_csv(index=False))
    written["failures"] = out / "failures.csv"
    write_text(out / "trials.tsv", population_manifest(rows))
    written["population"] = out / "trials.tsv"
    return written


__all__ = ["TABLE_NAMES", "VOLATILE_COLUMNS", "assemble", "population_manifest"]
