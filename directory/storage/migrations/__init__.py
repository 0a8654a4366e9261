"""Alembic migrations of the app's state database (run by `directory.storage` on start)."""
