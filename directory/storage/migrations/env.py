"""Alembic environment: always run programmatically with a connection in `attributes`."""

from alembic import context

from directory.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached by a hand-run `alembic` command
    raise RuntimeError(
        "run migrations through directory.storage.open_storage(url), not the alembic CLI"
    )
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
