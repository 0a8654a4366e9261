"""The app's own state in a database: SQLAlchemy 2, migrated with Alembic on start.

`LANDKORT_DB` is a database URL. The default, `sqlite:///var/landkort.db`, is an SQLite
file in WAL mode, so `make run` needs no set-up; a deployment with several app servers
uses PostgreSQL (`postgresql+psycopg://user:password@host/db`). Directory data stays YAML
in git; only what the app writes lives here (see `models`).

    storage = open_storage(url)              # the app passes LANDKORT_DB; migrated, cached
    storage.pin("mette@kk.dk", "sof-bcv")
    storage.pins("mette@kk.dk")              # ['sof-bcv']

No streamlit here. Reports have their own module, `directory.quality.reports`; missing
words ('Ordet mangler') `directory.storage.missing`; the one-time import of the old
JSON-lines files `directory.storage.legacy`.
"""

from directory.storage.db import (
    DEFAULT_DB,
    RECENT_SEARCHES,
    STORAGE_ERRORS,
    ZERO_HIT_DAYS,
    StateRefused,
    Storage,
    StorageError,
    contains_cpr,
    is_sensitive,
    normalise_query,
    open_storage,
    sensitive_kind,
    user_key,
)

__all__ = [
    "DEFAULT_DB",
    "RECENT_SEARCHES",
    "STORAGE_ERRORS",
    "ZERO_HIT_DAYS",
    "StateRefused",
    "Storage",
    "StorageError",
    "contains_cpr",
    "is_sensitive",
    "normalise_query",
    "open_storage",
    "sensitive_kind",
    "user_key",
]
