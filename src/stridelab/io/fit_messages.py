"""FIT messages as named columns: the profile of ``garmin-fit-sdk`` applied to decoded groups.

:mod:`stridelab.io.fit_decode` frames a FIT file and decodes every data message into raw numpy
columns per field number; this module names them, applies scale, offset and enum names from the
official SDK's profile (:data:`garmin_fit_sdk.Profile`), and reads developer fields (e.g. Stryd's)
by their declared names and units.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stridelab.io.fit_decode import BASE_TYPES, FitFile

_NUMERIC_TYPES = {"date_time", "local_date_time", "localtime_into_day", "time_into_day"}


def _profile() -> Any:
    from garmin_fit_sdk.profile import Profile

    return Profile


def message_columns(ff: FitFile, global_num: int, enums: bool = True) -> dict[str, np.ndarray]:
    """One message type as named, scaled columns in file order (field name -> array).

    Unknown field numbers are named by number (``"f88"``). Enum fields become their profile names
    when ``enums`` is true. Scale and offset: value = raw / scale - offset (FIT protocol).
    """
    groups = ff.groups.get(global_num, [])
    if not groups:
        return {}
    prof = _profile()
    pfields = prof["messages"].get(global_num, {}).get("fields", {})
    n = sum(len(g.seq) for g in groups)
    seq = np.concatenate([g.seq for g in groups])
    order = np.argsort(seq, kind="stable")
    nums = sorted({f for g in groups for f in g.fields})
    out: dict[str, np.ndarray] = {"_seq": seq[order]}
    for num in nums:
        parts = []
        is_obj = any(g.fields[num].dtype == object for g in groups if num in g.fields)
        for g in groups:
            col = g.fields.get(num)
            if col is None:
                col = np.full(len(g.seq), None if is_obj else np.nan, dtype=object if is_obj else np.float64)
            elif is_obj and col.dtype != object:
                col = col.astype(object)
            parts.append(col)
        col = np.concatenate(parts)[order] if n else np.empty(0)
        p = pfields.get(num)
        if p is None:
            out[f"f{num}"] = col
            continue
        name = p["name"]
        if col.dtype == object and p.get("array") in ("false", False) and p["type"] != "string":
            col = _scalars(col)  # a damaged definition gave a single-valued field several values: invalid
        scale = p["scale"][0] if len(p["scale"]) == 1 else 1
        offset = p["offset"][0] if len(p["offset"]) == 1 else 0
        if col.dtype != object and (scale != 1 or offset != 0):
            col = col / scale - offset
        elif enums and col.dtype != object and p["type"] in prof["types"] and p["type"] not in _NUMERIC_TYPES:
            names = prof["types"][p["type"]]
            col = np.array([None if not np.isfinite(x) else names.get(int(x), int(x)) for x in col], dtype=object)
        out[name] = col
    return out


def _scalars(col: np.ndarray) -> np.ndarray:
    """A single-valued field's column: numbers as floats, anything else (a tuple, text) as NaN."""
    return np.array([float(x) if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool) else np.nan for x in col], dtype=np.float64)


def message_dicts(ff: FitFile, global_num: int) -> list[dict[str, Any]]:
    """One message type as a list of dicts (for the few session, lap, sport messages)."""
    cols = message_columns(ff, global_num)
    if not cols:
        return []
    n = len(cols["_seq"])
    out = []
    for i in range(n):
        d: dict[str, Any] = {}
        for k, v in cols.items():
            x = v[i]
            if x is None or (isinstance(x, float) and not np.isfinite(x)):
                continue
            d[k] = x.item() if isinstance(x, np.generic) else x
        out.append(d)
    return out


def developer_fields(ff: FitFile) -> dict[tuple[int, int], dict[str, Any]]:
    """Developer field descriptions keyed by (developer data index, field number).

    Each holds ``name``, ``units``, ``base_type``, ``scale``, ``offset``, ``native_field_num``,
    ``native_mesg_num`` and the ``application_id`` / ``manufacturer_id`` of its developer data id.
    """
    ids = {int(d.get("developer_data_index", -1)): d for d in message_dicts(ff, 207)}
    out: dict[tuple[int, int], dict[str, Any]] = {}
    for d in message_dicts(ff, 206):
        if "developer_data_index" not in d or "field_definition_number" not in d:
            continue
        key = (int(d["developer_data_index"]), int(d["field_definition_number"]))
        bt = d.get("fit_base_type_id")
        bt_num = None
        if isinstance(bt, (int, float)):
            bt_num = int(bt)
        elif isinstance(bt, str):
            from garmin_fit_sdk.fit import BASE_TYPE

            bt_num = BASE_TYPE.get(bt.upper())
        app = ids.get(key[0], {})
        out[key] = {
            "name": d.get("field_name"),
            "units": d.get("units"),
            "base_type": bt_num,
            "scale": d.get("scale"),
            "offset": d.get("offset"),
            "native_mesg_num": d.get("native_mesg_num"),
            "native_field_num": d.get("native_field_num"),
            "application_id": app.get("application_id"),
            "manufacturer_id": app.get("manufacturer_id"),
        }
    return out


def developer_column(ff: FitFile, global_num: int, key: tuple[int, int], desc: dict[str, Any]) -> np.ndarray | None:
    """Values of one developer field over all messages of a type, in file order (NaN where absent)."""
    groups = ff.groups.get(global_num, [])
    bt = desc.get("base_type")
    if bt is None or (bt & 0x1F) not in BASE_TYPES:
        return None
    code, bsize, invalid = BASE_TYPES[bt & 0x1F]
    if code == "S":
        return None
    parts = []
    for g in groups:
        raw = g.dev.get(key)
        if raw is None or raw.shape[1] < bsize:
            parts.append(np.full(len(g.seq), np.nan))
            continue
        first = np.ascontiguousarray(raw[:, :bsize])
        v = first.view(("<" if g.little else ">") + code).reshape(len(g.seq))
        f = v.astype(np.float64)
        if invalid is not None:
            f[v == invalid] = np.nan
        parts.append(f)
    if not parts:
        return None
    seq = np.concatenate([g.seq for g in groups])
    col = np.concatenate(parts)[np.argsort(seq, kind="stable")]
    scale, offset = desc.get("scale"), desc.get("offset")
    if scale not in (None, 0, 1) or offset not in (None, 0):
        col = col / float(scale or 1) - float(offset or 0)
    return col
