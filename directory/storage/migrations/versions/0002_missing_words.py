"""'Ordet mangler' reports move from missing-words.jsonl into the database.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "missing_words",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("query", sa.String(200), primary_key=True),
        sa.Column("note_key", sa.String(64), primary_key=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_index("ix_missing_words_query", "missing_words", ["query"])
    op.add_column(
        "legacy_imports",
        sa.Column("kind", sa.String(20), nullable=False, server_default="reports"),
    )


def downgrade() -> None:
    with op.batch_alter_table("legacy_imports") as batch:
        batch.drop_column("kind")
    op.drop_index("ix_missing_words_query", table_name="missing_words")
    op.drop_table("missing_words")
