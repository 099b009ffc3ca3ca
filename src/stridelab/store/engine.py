"""Where the record lives and how to open it: database URLs, engines, migrations.

The database is ``--db`` (a URL or a file path), else the environment variable ``STRIDELAB_DB``,
else a per-user SQLite file (``$XDG_DATA_HOME/stridelab/record.sqlite``, by default
``~/.local/share/stridelab/record.sqlite``). PostgreSQL is reached by URL
(``postgresql://user@host/db``, driver psycopg 3). The schema is created and upgraded by the
Alembic migrations shipped in :mod:`stridelab.store.migrations` when the store is opened.

SQLite: write transactions start with ``BEGIN IMMEDIATE`` (one writer at a time, waiting up to
60 s, so concurrent imports queue instead of failing) and the file is in WAL mode (readers do not
block the writer) with ``synchronous=NORMAL`` (a killed process loses nothing committed; a power cut
may lose the last commits, never corrupts the file). PostgreSQL: migrations hold an advisory lock, so two first imports at once do
not both create the schema.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError

from stridelab.errors import InvalidInputError

ENV_VAR = "STRIDELAB_DB"
HEAD_REVISION = "0002"
_PG_LOCK_KEY = 741_852_963  # advisory-lock key of stridelab's migrations


def default_path() -> Path:
    """The per-user default database file."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "stridelab" / "record.sqlite"


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL of ``db`` (URL or path), else of ``$STRIDELAB_DB``, else the default file."""
    raw = str(db) if db is not None else os.environ.get(ENV_VAR) or str(default_path())
    if "://" not in raw:
        return "sqlite:///" + str(Path(raw).expanduser().resolve())
    if raw.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    return raw


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the SQLite settings described in the module docstring."""
    try:
        u = make_url(url)
    except ArgumentError:
        raise InvalidInputError(f"not a database URL or path: {url!r}") from None
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            try:
                Path(u.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise InvalidInputError(f"cannot create the folder of the database {u.database} ({e.strerror})") from None
        engine = create_engine(u, connect_args={"timeout": 60})
        _sqlite_setup(engine)
        return engine
    if u.get_backend_name() == "postgresql":
        try:
            return create_engine(u, pool_pre_ping=True)
        except ImportError:
            raise InvalidInputError("PostgreSQL needs the psycopg package: pip install 'psycopg[binary]'") from None
    raise InvalidInputError(f"unsupported database {u.get_backend_name()!r}: use a SQLite file or a postgresql:// URL")


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let the "begin" hook below issue BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: no corruption on a crash; a power cut may lose the last commits
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (a no-op when it is current)."""
    try:
        with engine.connect() as conn:
            if _revision(conn) == HEAD_REVISION:
                return
    except DatabaseError as e:
        raise InvalidInputError(f"cannot open the database {engine.url.render_as_string()} ({_first_line(e)})") from None
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with engine.connect().execution_options(write=True) as conn:
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


def _revision(conn: Any) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


def _first_line(e: Exception) -> str:
    return str(getattr(e, "orig", e)).strip().splitlines()[0] if str(e).strip() else type(e).__name__


__all__ = ["ENV_VAR", "default_path", "make_engine", "resolve_url", "upgrade"]
