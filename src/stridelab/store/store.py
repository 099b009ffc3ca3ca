"""``Store``: an open runner's record (a database), with write and read transactions.

Nothing here knows about the command line or HTTP: the CLI and a service call the same methods.

    from stridelab.store import Store
    store = Store("record.sqlite")          # or a postgresql:// URL; None: $STRIDELAB_DB or the default
    store.runners()                          # [RunnerInfo(code, owner, n_sessions, first_date, last_date)]
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from stridelab.store.engine import make_engine, resolve_url, upgrade
from stridelab.store.models import Runner
from stridelab.store.models import Session as VisitSession


@dataclass(frozen=True)
class RunnerInfo:
    """A runner in the record, with the span of their sessions."""

    code: str
    owner: str
    n_sessions: int
    first_date: dt.date | None
    last_date: dt.date | None


class Store:
    """The record in one database (SQLite file or PostgreSQL URL), migrated to the current schema."""

    def __init__(self, url: str | os.PathLike[str] | None = None, *, migrate: bool = True, create: bool = True) -> None:
        """Open (``create``: or create) the record at ``url``; ``create=False`` refuses a SQLite file that does not exist."""
        self.url = resolve_url(url)
        if not create and self.url.startswith("sqlite:///"):
            from pathlib import Path

            from stridelab.errors import InvalidInputError

            path = Path(self.url.removeprefix("sqlite:///"))
            if not path.is_file():
                raise InvalidInputError(f"no record at {path}; import recordings first ('stridelab import') or give --db")
        self.engine = make_engine(self.url)
        if migrate:
            upgrade(self.engine)

    @property
    def where(self) -> str:
        """The database for messages: the SQLite file, or the URL without its password."""
        if self.engine.dialect.name == "sqlite":
            return str(self.engine.url.database)
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[OrmSession]:
        """One all-or-nothing write transaction: committed on success, rolled back on any error
        (and by the database itself when the process dies before the commit)."""
        with self.engine.connect().execution_options(write=True) as conn:
            with OrmSession(bind=conn, expire_on_commit=False) as s, conn.begin():
                yield s
                s.flush()

    @contextmanager
    def read(self) -> Iterator[OrmSession]:
        """A read-only session (rolled back at the end)."""
        with self.engine.connect() as conn, OrmSession(bind=conn) as s:
            try:
                yield s
            finally:
                s.rollback()

    def runners(self, owner: str | None = None) -> list[RunnerInfo]:
        """Every runner (of ``owner`` when given), by code."""
        q = (
            select(Runner.code, Runner.owner, func.count(VisitSession.id), func.min(VisitSession.date), func.max(VisitSession.date))
            .outerjoin(VisitSession, VisitSession.runner_id == Runner.id)
            .group_by(Runner.id, Runner.code, Runner.owner)
            .order_by(Runner.code, Runner.owner)
        )
        if owner is not None:
            q = q.where(Runner.owner == owner)
        with self.read() as s:
            return [RunnerInfo(c, o, int(n), d0, d1) for c, o, n, d0, d1 in s.execute(q)]

    def runner_id(self, code: str, owner: str = "") -> int | None:
        """The database id of runner ``code`` of ``owner``, or None."""
        with self.read() as s:
            return s.scalar(select(Runner.id).where(Runner.code == code, Runner.owner == owner))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["RunnerInfo", "Store"]
