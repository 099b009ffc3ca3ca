"""A light table: named, equal-length 1-D NumPy arrays in a fixed column order.

The contact table, the step table and a watch's per-record table are built, read and written to JSON
on every analysis; as :class:`pandas.DataFrame` they cost the import of pandas (and pyarrow), more
CPU than the whole bare read of a 30-s C3D trial (issue 12). :class:`Columns` holds them on that hot
path instead. It is deliberately small, not a data-frame library: build (from column arrays or from
rows, with pandas' dtype rules for rows), read a column as an array, set or add a column, select rows
(indices or a mask), stable sort, concatenate, and :meth:`Columns.to_pandas` /
:meth:`Columns.from_pandas` for the consumers that want a DataFrame (batch, report, store, skill,
learn, ``--csv``), whose code and outputs therefore do not change.

Code that reads a table through ``np.asarray(table[name], dtype=...)`` works with both types.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Columns", "as_columns", "column_from_values", "same_kind"]


#: Value types that make a float64 column whatever else is in it (None: a missing value).
_FLOATS = {float, np.float64, np.float32, type(None)}


def column_from_values(values: list[Any]) -> np.ndarray:
    """One column from Python values with the dtype :class:`pandas.DataFrame` gives rows' values:
    bools -> bool; integers -> int64 (float64 with NaN when some are missing); numbers -> float64
    (None -> NaN); anything else (text, mixed, all missing) -> object, None kept."""
    kinds = set(map(type, values))
    if kinds <= _FLOATS and kinds - {type(None)}:  # the common case, decided without a test per value
        return np.array(values, dtype=np.float64) if type(None) not in kinds else np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    present = [v for v in values if v is not None]
    if not present:
        return np.array(values, dtype=object)
    if all(isinstance(v, bool | np.bool_) for v in present):
        return np.array(values, dtype=bool) if len(present) == len(values) else np.array(values, dtype=object)
    if all(isinstance(v, numbers.Integral) and not isinstance(v, bool | np.bool_) for v in present):
        if len(present) == len(values):
            return np.array(values, dtype=np.int64)
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    if all(isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_) for v in present):
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


class Columns:
    """Named 1-D arrays of one length, in order (see module docstring).

    ``Columns({"side": sides, "ic_s": ics})``; ``t["ic_s"]`` is the array itself (no copy: do not
    write into it, set a new column instead); ``len(t)`` is the number of rows.
    """

    __slots__ = ("_data", "_n", "_version")

    def __init__(self, data: Mapping[str, Any] | None = None, *, n_rows: int | None = None) -> None:
        self._data: dict[str, np.ndarray] = {}
        self._n = n_rows
        self._version = 0
        for name, values in (data or {}).items():
            self[name] = values
        if self._n is None:
            self._n = 0

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]], columns: Iterable[str] | None = None) -> Columns:
        """A table from rows (dicts); a key missing from a row is NaN (as in pandas, where a None
        value stays None in a column that is not numeric). Columns in the order of ``columns`` or of
        first appearance; dtypes as :func:`column_from_values`."""
        rows = list(rows)
        names: dict[str, None] = dict.fromkeys(columns) if columns is not None else {}
        if columns is None:
            for r in rows:
                names.update(dict.fromkeys(r))
        return cls({c: column_from_values([r.get(c, np.nan) for r in rows]) for c in names}, n_rows=len(rows))

    @classmethod
    def empty(cls, dtypes: Mapping[str, str]) -> Columns:
        """A table with no rows and these columns (name -> NumPy dtype name)."""
        return cls({c: np.empty(0, dtype=t) for c, t in dtypes.items()}, n_rows=0)

    @classmethod
    def concat(cls, tables: Iterable[Columns]) -> Columns:
        """Rows of all tables, in order; a column missing from a table is missing there (NaN/None)."""
        tables = list(tables)
        names: dict[str, None] = {}
        for t in tables:
            names.update(dict.fromkeys(t.columns))
        n = sum(len(t) for t in tables)
        out: dict[str, np.ndarray] = {}
        for c in names:
            like = next(t[c].dtype for t in tables if c in t)
            parts = [t[c] if c in t else _missing(len(t), like) for t in tables]
            out[c] = np.concatenate(parts) if parts else np.empty(0)
        return cls(out, n_rows=n)

    @classmethod
    def from_pandas(cls, df: pd.DataFrame) -> Columns:
        """The DataFrame's columns as arrays (text and nullable columns as object arrays)."""
        return cls({str(c): df[c].to_numpy() for c in df.columns}, n_rows=len(df))

    # -- reading ------------------------------------------------------------------------------
    @property
    def columns(self) -> list[str]:
        return list(self._data)

    def __len__(self) -> int:
        return int(self._n or 0)

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self._data[name]
        except KeyError:
            raise KeyError(f"no column {name!r}") from None

    def get(self, name: str, default: np.ndarray | None = None) -> np.ndarray | None:
        return self._data.get(name, default)

    def items(self) -> Iterator[tuple[str, np.ndarray]]:
        return iter(self._data.items())

    def rows(self) -> list[dict[str, Any]]:
        """The rows as dicts of Python values (``DataFrame.to_dict("records")``)."""
        names = list(self._data)
        return [dict(zip(names, vals, strict=True)) for vals in zip(*(self._data[c].tolist() for c in names), strict=True)] if names else [{} for _ in range(len(self))]

    def __repr__(self) -> str:
        return f"Columns({len(self)} rows: {', '.join(self._data)})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Columns):
            return NotImplemented
        if self.columns != other.columns or len(self) != len(other):
            return False
        for c in self._data:
            a, b = self._data[c], other._data[c]
            if a.dtype != b.dtype:
                return False
            if a.dtype.kind == "f":
                if not np.array_equal(a, b, equal_nan=True):
                    return False
            elif not all(x == y or (x is None and y is None) for x, y in zip(a.tolist(), b.tolist(), strict=True)):
                return False
        return True

    __hash__ = None  # type: ignore[assignment]

    # -- changing -----------------------------------------------------------------------------
    def __setitem__(self, name: str, values: Any) -> None:
        """Set or add a column: an array of one value per row, or one value for every row."""
        a = np.asarray(values)
        if a.ndim == 0:
            if self._n is None:
                raise ValueError(f"column {name!r}: one value needs a table with a known number of rows")
            a = np.full(self._n, values, dtype=object if isinstance(values, str) or values is None else None)
        if a.ndim != 1:
            raise ValueError(f"column {name!r} must be one-dimensional (got shape {a.shape})")
        if self._n is None:
            self._n = int(a.shape[0])
        elif a.shape[0] != self._n:
            raise ValueError(f"column {name!r} has {a.shape[0]} values for {self._n} rows")
        if a.dtype.kind == "U":  # text as Python objects, like pandas' object columns
            a = a.astype(object)
        self._data[name] = a
        self._version += 1

    @property
    def version(self) -> int:
        """How many times a column was set: a view made from the table (a DataFrame) is stale when
        this changed since."""
        return self._version

    def drop(self, *names: str) -> Columns:
        """A table without these columns (the others shared, not copied)."""
        return Columns({c: v for c, v in self._data.items() if c not in names}, n_rows=len(self))

    def select(self, names: Iterable[str]) -> Columns:
        """These columns, in this order (shared, not copied)."""
        return Columns({c: self[c] for c in names}, n_rows=len(self))

    def take(self, rows: np.ndarray | list[int]) -> Columns:
        """The rows at these indices, or where a boolean mask is true, as a new table."""
        idx = np.asarray(rows)
        if idx.dtype == bool:
            if idx.shape != (len(self),):
                raise ValueError(f"a row mask needs {len(self)} values (got {idx.shape[0] if idx.ndim else 0})")
            idx = np.flatnonzero(idx)
        idx = idx.astype(np.intp, copy=False)
        return Columns({c: v[idx] for c, v in self._data.items()}, n_rows=int(idx.shape[0]))

    def sort_by(self, name: str) -> Columns:
        """Rows in ascending order of a column, stable (equal values keep their order; NaN last)."""
        return self.take(np.argsort(self[name], kind="stable"))

    def copy(self) -> Columns:
        return Columns({c: v.copy() for c, v in self._data.items()}, n_rows=len(self))

    # -- pandas ---------------------------------------------------------------------------------
    def to_pandas(self) -> pd.DataFrame:
        """The same table as a DataFrame (imports pandas): what ``pandas.DataFrame`` makes of the
        columns, so rows built here and rows given to ``pandas.DataFrame`` give the same frame."""
        import pandas as pd

        if not self._data:
            return pd.DataFrame(index=pd.RangeIndex(len(self)))
        return pd.DataFrame({c: _for_pandas(v) for c, v in self._data.items()})


def _missing(n: int, like: np.dtype | None) -> np.ndarray:
    return np.full(n, np.nan) if like is not None and like.kind == "f" else np.full(n, None, dtype=object)


def _for_pandas(v: np.ndarray) -> Any:
    if v.dtype == object:
        return v.tolist()  # pandas infers text columns from lists exactly as from rows
    return v


def as_columns(table: Columns | pd.DataFrame) -> Columns:
    """A :class:`Columns` for either type (a DataFrame is converted, a Columns returned as is)."""
    return table if isinstance(table, Columns) else Columns.from_pandas(table)


def same_kind(table: Columns, like: Any) -> Any:
    """``table`` as it is when ``like`` is a :class:`Columns`; as a DataFrame with ``like``'s index
    when ``like`` is a DataFrame (functions that take either kind of table give back the same kind)."""
    if isinstance(like, Columns):
        return table
    df = table.to_pandas()
    df.index = like.index
    return df
