"""The first schema of the runner's record: runners, sessions, files, trials, analyses, metrics, scores.

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runners",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("owner", "code", name="uq_runner_owner_code"),
    )
    op.create_index("ix_runners_owner", "runners", ["owner"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("runner_id", sa.Integer, sa.ForeignKey("runners.id", ondelete="CASCADE"), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.UniqueConstraint("runner_id", "date", "source", name="uq_session_runner_date_source"),
    )
    op.create_index("ix_sessions_runner_id", "sessions", ["runner_id"])
    op.create_table(
        "files",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":  # original files: stored as they are, not compressed on every insert
        op.execute("ALTER TABLE files ALTER COLUMN content SET STORAGE EXTERNAL")
    op.create_table(
        "trials",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("input_key", sa.String(64), nullable=False, unique=True),
        sa.Column("file_sha256", sa.String(64), sa.ForeignKey("files.sha256"), nullable=False),
        sa.Column("static_sha256", sa.String(64), sa.ForeignKey("files.sha256"), nullable=True),
        sa.Column("forces_sha256", sa.String(64), sa.ForeignKey("files.sha256"), nullable=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("format", sa.String(40), nullable=True),
        sa.Column("environment", sa.String(20), nullable=True),
        sa.Column("speed_mps", sa.Float, nullable=True),
        sa.Column("contact_sources", sa.String(500), nullable=True),
    )
    op.create_index("ix_trials_session_id", "trials", ["session_id"])
    op.create_table(
        "analyses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("trial_id", sa.Integer, sa.ForeignKey("trials.id", ondelete="CASCADE"), nullable=False, unique=True),
        sa.Column("stridelab_version", sa.String(40), nullable=False),
        sa.Column("methods", sa.JSON, nullable=False),
        sa.Column("parameters", sa.JSON, nullable=False),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.Column("steps", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "metrics",
        sa.Column("analysis_id", sa.Integer, sa.ForeignKey("analyses.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("value", sa.Float, nullable=False),
    )
    op.create_index("ix_metrics_name", "metrics", ["name"])
    op.create_table(
        "scores",
        sa.Column("analysis_id", sa.Integer, sa.ForeignKey("analyses.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    for name in ("scores", "metrics", "analyses", "trials", "files", "sessions", "runners"):
        op.drop_table(name)
