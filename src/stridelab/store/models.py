"""The runner's record as tables (SQLAlchemy 2 declarative models).

runners 1-n sessions 1-n trials 1-1 analyses 1-n metrics / scores; ``files`` keeps every original
input once, by content hash (SHA-256), and trials point at it. A trial's ``input_key`` (hash of
the runner, the files and the analysis parameters) is unique, so importing the same file twice
creates nothing new, also when two imports race (the database refuses the second row).
``runners.owner`` is the user or coach a record belongs to (empty: no owner), for per-user access
in a service; a runner's ``code`` is unique per owner.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""


class Runner(Base):
    __tablename__ = "runners"
    __table_args__ = (UniqueConstraint("owner", "code", name="uq_runner_owner_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(200), nullable=False)
    owner: Mapped[str] = mapped_column(String(200), nullable=False, default="", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)  # display name (migration 0002)
    sessions: Mapped[list[Session]] = relationship(back_populates="runner", order_by="Session.date")


class Session(Base):
    """One visit (or one run) of a runner on a date; holds one or more trials."""

    __tablename__ = "sessions"
    __table_args__ = (UniqueConstraint("runner_id", "date", "source", name="uq_session_runner_date_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    runner_id: Mapped[int] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), nullable=False, index=True)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(40), nullable=False)  # mocap | imu | watch | video | ...
    runner: Mapped[Runner] = relationship(back_populates="sessions")
    trials: Mapped[list[Trial]] = relationship(back_populates="session")


class File(Base):
    """An original input file, stored once by its SHA-256."""

    __tablename__ = "files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(500), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class Trial(Base):
    __tablename__ = "trials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    input_key: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    file_sha256: Mapped[str] = mapped_column(ForeignKey("files.sha256"), nullable=False)
    static_sha256: Mapped[str | None] = mapped_column(ForeignKey("files.sha256"), nullable=True)
    forces_sha256: Mapped[str | None] = mapped_column(ForeignKey("files.sha256"), nullable=True)
    name: Mapped[str] = mapped_column(String(500), nullable=False)
    format: Mapped[str | None] = mapped_column(String(40), nullable=True)
    environment: Mapped[str | None] = mapped_column(String(20), nullable=True)
    speed_mps: Mapped[float | None] = mapped_column(Float, nullable=True)
    # "left:imu:left_foot|right:imu:sacrum": where each side's contacts came from (validity of left/right flags)
    contact_sources: Mapped[str | None] = mapped_column(String(500), nullable=True)
    session: Mapped[Session] = relationship(back_populates="trials")
    analysis: Mapped[Analysis] = relationship(back_populates="trial", uselist=False)


class Analysis(Base):
    __tablename__ = "analyses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.id", ondelete="CASCADE"), nullable=False, unique=True)
    stridelab_version: Mapped[str] = mapped_column(String(40), nullable=False)
    methods: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    warnings: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    steps: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)  # the per-step table, column -> list
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    trial: Mapped[Trial] = relationship(back_populates="analysis")


class Metric(Base):
    """One number of an analysis. ``kind``: summary (median over steps, and ``<name>_symmetry_pct``,
    the signed left/right symmetry index), left, right (per-side medians), half1 / half2 (the same
    over the first and second half of the steps: test-retest within a trial)."""

    __tablename__ = "metrics"
    __table_args__ = (Index("ix_metrics_name", "name"),)

    analysis_id: Mapped[int] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[float] = mapped_column(Float, nullable=False)


class Score(Base):
    """A score of an analysis (e.g. a skill group score), with the model that gave it."""

    __tablename__ = "scores"

    analysis_id: Mapped[int] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    model: Mapped[str] = mapped_column(String(200), nullable=False)


#: API tokens of the service (migration 0002): only the SHA-256 of a token is stored (:mod:`stridelab.store.access`).
tokens = Table(
    "tokens",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("user", String(200), nullable=False, index=True),
    Column("role", String(20), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
)

grants = Table(
    "grants",
    Base.metadata,
    Column("runner_id", Integer, ForeignKey("runners.id", ondelete="CASCADE"), primary_key=True),
    Column("user", String(200), primary_key=True, index=True),
    Column("created_at", DateTime, nullable=False),
)
# grants: a runner given to a user who did not create it (a coach, or a runner's own token).


__all__ = ["Analysis", "Base", "File", "Metric", "Runner", "Score", "Session", "Trial", "grants", "tokens"]
