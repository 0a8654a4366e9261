"""The first tables: reports, pins, recent searches, zero-hit counts, legacy imports.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("unit_id", sa.String(200), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("what_key", sa.String(64), nullable=False),
        sa.Column("reported_at", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reporter", sa.String(200), nullable=True),
        sa.Column("session_key", sa.String(64), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("closed_at", sa.String(40), nullable=True),
        sa.Column("closed_by", sa.String(200), nullable=True),
        sa.Column("close_note", sa.Text(), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
    )
    op.create_index("ix_reports_status_created", "reports", ["status", "created_at"])
    op.create_index("ix_reports_unit_what", "reports", ["unit_id", "what_key"])
    op.create_index("ix_reports_session_created", "reports", ["session_key", "created_at"])
    op.create_table(
        "pins",
        sa.Column("user_key", sa.String(320), primary_key=True),
        sa.Column("unit_id", sa.String(200), primary_key=True),
        sa.Column("pinned_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "recent_searches",
        sa.Column("user_key", sa.String(320), primary_key=True),
        sa.Column("query", sa.String(200), primary_key=True),
        sa.Column("searched_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_recent_user_time", "recent_searches", ["user_key", "searched_at"])
    op.create_table(
        "zero_hits",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("query", sa.String(200), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_table(
        "legacy_imports",
        sa.Column("source", sa.String(1000), primary_key=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("mtime_ns", sa.String(30), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("legacy_imports", "zero_hits", "recent_searches", "pins", "reports"):
        op.drop_table(table)
