"""OpenSim storage files (``.mot`` / ``.sto``): a ``key=value`` header ending in ``endheader``, a row
of column names, then rows of numbers.

Real exports differ in ways this parser accepts: header keys in any order (``version``, ``nRows`` /
``datarows``, ``nColumns`` / ``datacolumns``, ``inDegrees``, ``DataType``, free text lines); blank lines
anywhere, including between ``endheader`` and the column names; tabs or spaces between columns;
``nRows``/``nColumns`` that are missing or do not match the data (the data win; a mismatch is
reported, never fatal). What it refuses, with one line: no ``endheader``, no column names, rows whose
width differs from the names, non-numeric values, or no ``time`` column.

Rotational values are in degrees when ``inDegrees=yes`` and in radians when ``inDegrees=no``;
:func:`read_coordinates` returns degrees either way (OpenSim's translational coordinates, e.g.
``pelvis_tx``, are metres and are left alone).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stridelab.errors import InvalidInputError

#: Header keys that give the row and column counts, in the spellings OpenSim versions have used.
_ROW_KEYS = ("nrows", "datarows")
_COL_KEYS = ("ncolumns", "datacolumns")

#: OpenSim coordinates that are translations (metres), never converted to degrees.
_TRANSLATIONS = ("_tx", "_ty", "_tz")


@dataclass
class Storage:
    """A parsed storage file: header entries (keys lower-case), column names, data, notes."""

    name: str
    header: dict[str, str]
    columns: list[str]
    data: np.ndarray
    notes: list[str] = field(default_factory=list)

    @property
    def in_degrees(self) -> bool | None:
        """True/False from ``inDegrees``; None when the header does not say."""
        v = self.header.get("indegrees")
        if v is None:
            return None
        return v.strip().lower() in ("yes", "true", "1")

    def column(self, name: str) -> np.ndarray:
        """One column by name (case-insensitive)."""
        low = [c.lower() for c in self.columns]
        try:
            return self.data[:, low.index(name.lower())]
        except ValueError:
            raise KeyError(name) from None

    @property
    def time_s(self) -> np.ndarray:
        return self.column("time")


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="strict").splitlines()
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path.name}: not a text file") from None
    except OSError as e:
        raise InvalidInputError(f"{path.name}: cannot read ({e.strerror})") from None


def _split(line: str) -> list[str]:
    return [c.strip() for c in line.split("\t")] if "\t" in line else line.split()


def parse_storage(path: str | Path) -> Storage:
    """Parse a ``.mot``/``.sto`` file (see the module docstring for what is accepted)."""
    p = Path(path)
    lines = _read_lines(p)
    try:
        end = next(i for i, ln in enumerate(lines) if ln.strip().lower() == "endheader")
    except StopIteration:
        raise InvalidInputError(f"{p.name}: not an OpenSim storage file (no 'endheader' line)") from None
    header: dict[str, str] = {}
    for ln in lines[:end]:
        if "=" in ln:
            k, _, v = ln.partition("=")
            header[k.strip().lower()] = v.strip()
    rest = [ln for ln in lines[end + 1 :] if ln.strip()]
    if not rest:
        raise InvalidInputError(f"{p.name}: no column names after 'endheader'")
    columns = [c for c in _split(rest[0]) if c]
    body = rest[1:]
    if not body:
        raise InvalidInputError(f"{p.name}: the file has column names but no data rows")
    widths = {len(_split(ln)) for ln in body[:: max(1, len(body) // 50)]} | {len(_split(body[-1]))}
    if len(widths) > 1 or len(columns) not in widths:
        w = sorted(widths)
        raise InvalidInputError(f"{p.name}: {len(columns)} column names but rows of {', '.join(map(str, w))} values; the file is damaged or mixes delimiters")
    try:
        data = np.loadtxt(io.StringIO("\n".join(ln.replace("\t", " ") for ln in body)), dtype=float, ndmin=2)
    except ValueError as e:
        raise InvalidInputError(f"{p.name}: non-numeric data ({str(e).splitlines()[0][:80]})") from None
    if data.shape[1] != len(columns):
        raise InvalidInputError(f"{p.name}: {len(columns)} column names but {data.shape[1]} columns of data")
    st = Storage(p.name, header, columns, data)
    for keys, n, what in ((_ROW_KEYS, data.shape[0], "rows"), (_COL_KEYS, data.shape[1], "columns")):
        declared = next((header[k] for k in keys if k in header), None)
        if declared is not None and declared.strip().lstrip("-").isdigit() and int(declared) != n:
            st.notes.append(f"{p.name}: the header announces {declared} {what} but the file has {n}; using the data")
    if "time" not in [c.lower() for c in columns]:
        raise InvalidInputError(f"{p.name}: no 'time' column")
    return st


def is_coordinates(st: Storage) -> bool:
    """True when the file holds model coordinates (joint angles, e.g. inverse kinematics), not forces."""
    low = [c.lower() for c in st.columns]
    return not any("ground_force" in c for c in low) and any(
        c.startswith(("pelvis_", "hip_", "knee_", "ankle_", "lumbar_")) for c in low
    )


def read_coordinates(path: str | Path) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(time_s, {coordinate: values}) of an OpenSim coordinates file, rotations in degrees.

    Without ``inDegrees`` in the header the values are taken as degrees when any rotational value
    exceeds 2*pi in magnitude, radians otherwise (a note says so).
    """
    st = parse_storage(path)
    if not is_coordinates(st):
        raise InvalidInputError(f"{st.name}: not an OpenSim coordinates file (no pelvis_/hip_/knee_/ankle_ columns)")
    rot = [i for i, c in enumerate(st.columns) if c.lower() != "time" and not c.lower().endswith(_TRANSLATIONS)]
    deg = st.in_degrees
    if deg is None:
        deg = bool(rot) and float(np.nanmax(np.abs(st.data[:, rot]))) > 2 * np.pi
    out: dict[str, np.ndarray] = {}
    for i, c in enumerate(st.columns):
        if c.lower() == "time":
            continue
        v = st.data[:, i].astype(float)
        out[c] = v if (deg or i not in rot) else np.degrees(v)
    return st.time_s.astype(float), out


__all__ = ["Storage", "parse_storage", "is_coordinates", "read_coordinates"]
