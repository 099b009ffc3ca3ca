"""The contact events of a trial, whichever source found them: the type every event detector returns
and every later layer reads (a small module of its own, so that detectors and the dispatcher that
chooses between them both import it without importing each other)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from stridelab.model.columns import Columns, as_columns

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class ContactEvents:
    """Contacts found in a trial, with how they were found.

    ``table`` is the contact table (side, ic_s, to_s, source, ...; :func:`stridelab.model.tables.contact_columns`)
    as :class:`~stridelab.model.columns.Columns`, what the analysis path reads; ``contacts`` is the
    same table as a :class:`pandas.DataFrame` (made on first use; the constructor takes either; to
    change the contacts, set ``contacts`` or ``table``: a change made to the DataFrame in place does
    not reach the table).
    ``source`` names the source (``forces``, ``markers``, ``imu``, ``video``); ``info`` says how
    (method and parameters; it becomes ``provenance.methods.events``); ``rejected`` lists contacts
    left out, with the reason; ``signals`` holds arrays a report may plot (e.g.
    ``{"vertical_force": (t, fz)}``).
    """

    def __init__(
        self,
        contacts: Columns | pd.DataFrame,
        source: str,
        info: dict[str, Any] | None = None,
        warnings: list[str] | None = None,
        rejected: list[dict[str, Any]] | None = None,
        signals: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    ) -> None:
        self.table: Columns = as_columns(contacts)
        self.source = source
        self.info: dict[str, Any] = {} if info is None else info
        self.warnings: list[str] = [] if warnings is None else warnings
        self.rejected: list[dict[str, Any]] = [] if rejected is None else rejected
        self.signals: dict[str, tuple[np.ndarray, np.ndarray]] = {} if signals is None else signals
        self._frame: tuple[Columns, pd.DataFrame] | None = None

    @property
    def contacts(self) -> pd.DataFrame:
        """The contact table as a DataFrame (imports pandas; made once per table)."""
        if self._frame is None or self._frame[0] is not self.table:
            self._frame = (self.table, self.table.to_pandas())
        return self._frame[1]

    @contacts.setter
    def contacts(self, table: Columns | pd.DataFrame) -> None:
        self.table = as_columns(table)

    def __repr__(self) -> str:
        return f"ContactEvents({len(self.table)} contacts from {self.source!r})"


__all__ = ["ContactEvents"]
