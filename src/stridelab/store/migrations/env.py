"""Alembic environment of the store: always run through :func:`stridelab.store.migrate.upgrade`,
which passes an open connection (inside its transaction) as ``config.attributes["connection"]``."""

from __future__ import annotations

from alembic import context

from stridelab.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached by running the alembic CLI by hand
    raise RuntimeError("run stridelab's migrations through stridelab.store.migrate.upgrade(engine)")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
