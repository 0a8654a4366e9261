"""Engines, migrations and the app state (pins, recent searches, zero-hit and missing-word
counts)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from filelock import FileLock
from sqlalchemy import CursorResult, Engine, create_engine, delete, event, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from directory.access import Viewer
from directory.loading.safefile import os_reason
from directory.rules import clock, personal
from directory.settings import Settings
from directory.storage.models import (
    NOTE_LEN,
    QUERY_LEN,
    Base,
    MissingWordRow,
    PinRow,
    RecentSearchRow,
    ZeroHitRow,
)

DEFAULT_DB = str(Settings.model_fields["db"].default)  # named in the refusals' fix
RECENT_SEARCHES = 8  # how many recent searches are kept per user
ZERO_HIT_DAYS = 90  # zero-hit and missing-word counts older than this are deleted
CONNECT_TIMEOUT_S = 5  # seconds to wait for a PostgreSQL server to answer
LOCAL_USER = "lokal"  # the one person at a loopback-bound server without sign-in
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATE_LOCK_ID = 7_413_013  # pg_advisory_lock key: one migrating server at a time


class StorageError(RuntimeError):
    """The database cannot be used; the message names the setting and the fix."""


class StateRefused(ValueError):
    """A write of app state refused for what it holds (a CPR number, an empty or too long
    text, a duplicate, over a limit): the message says why in Danish and names the fix, for
    the person who wrote it. `ReportError` and `MissingWordError` are the kinds."""


# What a read or write of app state can raise when the database is down or full: the UI
# shows a message for these, never a traceback.
STORAGE_ERRORS = (OSError, SQLAlchemyError, StorageError)


# -- what may be stored: the one rule of personal data (directory.rules.personal) --------
def contains_cpr(text_: str) -> bool:
    """True when a text holds a CPR number in any spelling (`directory.rules.personal`):
    such text is never stored."""
    return personal.holds_cpr(text_)


def sensitive_kind(text_: str) -> str | None:
    """What a text (a query, a note) holds that is never stored: 'cpr', 'email' or 'phone'
    (`directory.rules.personal.personal_kind`); None when nothing."""
    kind = personal.personal_kind(text_)
    return None if kind is None else kind.value


def is_sensitive(query: str) -> bool:
    """True when a query holds a CPR number, a phone number (or a ddmmyy date) or an e-mail
    address: never stored."""
    return sensitive_kind(query) is not None


def normalise_query(query: str) -> str:
    """One form per query: NFKC, lower case, single spaces, at most QUERY_LEN characters."""
    return " ".join(unicodedata.normalize("NFKC", query).casefold().split())[:QUERY_LEN]


def note_key(note: str) -> str:
    """The key of a missing-word note: '' without one, else the sha256 of its folded form
    (case, width and spacing do not matter)."""
    folded = " ".join(unicodedata.normalize("NFKC", note).casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest() if folded else ""


def user_key(viewer: Viewer) -> str | None:
    """Whose personal state this is: the signed-in user's e-mail (else name); `lokal` for
    the staff view of a loopback-bound server without sign-in; None for the public."""
    if viewer.signed_in:
        key = viewer.email or viewer.name
        return key.strip().casefold() if key and key.strip() else None
    return LOCAL_USER if viewer.staff else None


# -- engines and migrations ----------------------------------------------------------------
def _sqlite_engine(url: str, *, write: bool) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the write lock at BEGIN, so two writers wait for each other instead
        # of failing with 'database is locked' when a read turns into a write.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _check_url(url: str) -> None:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError(
            f"LANDKORT_DB={url!r} er ikke en database-URL: skriv fx {DEFAULT_DB} eller "
            "postgresql+psycopg://bruger:adgangskode@vært/landkort"
        ) from None
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise StorageError(
            f"LANDKORT_DB: databasen {parsed.get_backend_name()!r} kan ikke bruges: "
            "skriv sqlite:///sti/til/fil.db eller postgresql+psycopg://…"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
        raise StorageError(
            f"LANDKORT_DB: brug driveren psycopg: postgresql+psycopg://… (ikke {parsed.drivername})"
        )


def _masked(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


class Storage:
    """One database of app state. Use `open_storage(url)`: it migrates and caches."""

    def __init__(self, url: str) -> None:
        _check_url(url)
        self.url = url
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        self.path: Path | None = None
        try:
            if self.dialect == "sqlite":
                if parsed.database and parsed.database != ":memory:":
                    self.path = Path(parsed.database)
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                self.engine = _sqlite_engine(url, write=True)
                self.read_engine = _sqlite_engine(url, write=False)
            else:
                self.engine = create_engine(
                    url,
                    pool_pre_ping=True,
                    pool_size=5,
                    max_overflow=10,
                    # a server that does not answer is "down" after this, not after the
                    # operating system's minutes: the pages go on without their state
                    connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
                )
                self.read_engine = self.engine
        except (NoSuchModuleError, ImportError) as exc:
            raise StorageError(
                f"LANDKORT_DB={_masked(url)}: databasens driver mangler ({exc}): "
                "installér requirements.txt"
            ) from exc
        except OSError as exc:
            raise StorageError(
                f"LANDKORT_DB={_masked(url)}: mappen til databasefilen kan ikke oprettes "
                f"({os_reason(exc)}): sæt LANDKORT_DB til et sted, hvor der kan skrives"
            ) from exc
        self._purged_on: dt.date | None = None  # old counts: purged once a day
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        self._reader = sessionmaker(self.read_engine, expire_on_commit=False)

    # -- sessions -------------------------------------------------------------------------
    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed at the end, rolled back on an exception."""
        with self._writer() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session:
            yield session

    def migrate(self) -> None:
        """`alembic upgrade head`, one process at a time (file lock / advisory lock)."""
        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        lock = (
            FileLock(str(self.path) + ".migrate.lock", timeout=120)
            if self.path is not None
            else contextlib.nullcontext()
        )
        try:
            with lock, self.engine.connect() as connection:
                if self.dialect == "postgresql":
                    connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATE_LOCK_ID})
                    connection.commit()
                try:
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
                    connection.commit()
                finally:
                    if self.dialect == "postgresql":
                        connection.execute(
                            text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATE_LOCK_ID}
                        )
                        connection.commit()
        except OperationalError as exc:
            raise StorageError(
                f"LANDKORT_DB={_masked(self.url)}: databasen kan ikke nås "
                f"({str(exc.orig).strip().splitlines()[0] if exc.orig else exc}): "
                "tjek, at serveren kører, og at URL, bruger og adgangskode er rigtige"
            ) from exc

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()

    def _upsert(
        self,
        table: type[Base],
        values: dict[str, Any],
        keys: list[str],
        update: dict[str, Any] | None = None,
    ) -> Any:
        """INSERT … ON CONFLICT DO NOTHING/UPDATE in the database's own dialect."""
        insert: Any = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        statement = insert(table).values(**values)
        if update is None:
            return statement.on_conflict_do_nothing(index_elements=keys)
        return statement.on_conflict_do_update(
            index_elements=keys,
            set_={k: (v(statement.excluded) if callable(v) else v) for k, v in update.items()},
        )

    # -- Min ringeliste --------------------------------------------------------------------
    def pins(self, user: str) -> list[str]:
        """The unit ids on the user's call list, in the order they were pinned."""
        with self.read() as session:
            rows = session.scalars(
                select(PinRow.unit_id)
                .where(PinRow.user_key == user)
                .order_by(PinRow.pinned_at, PinRow.unit_id)
            )
            return list(rows)

    def pin(self, user: str, unit_id: str) -> None:
        """Put a unit on the user's call list (pinning twice keeps one entry)."""
        with self.write() as session:
            session.execute(
                self._upsert(
                    PinRow,
                    {"user_key": user, "unit_id": unit_id, "pinned_at": clock.utcnow()},
                    ["user_key", "unit_id"],
                )
            )

    def unpin(self, user: str, unit_id: str) -> None:
        with self.write() as session:
            session.execute(
                delete(PinRow).where(PinRow.user_key == user, PinRow.unit_id == unit_id)
            )

    # -- Seneste søgninger ----------------------------------------------------------------
    def remember_search(self, user: str, query: str, *, at: dt.datetime | None = None) -> bool:
        """Keep a search among the user's last RECENT_SEARCHES; a sensitive or empty query
        is not stored (returns False)."""
        shown = " ".join(query.split())[:QUERY_LEN]
        if not shown or is_sensitive(shown):
            return False
        moment = at or clock.utcnow()
        with self.write() as session:
            session.execute(
                self._upsert(
                    RecentSearchRow,
                    {"user_key": user, "query": shown, "searched_at": moment},
                    ["user_key", "query"],
                    {"searched_at": moment},
                )
            )
            keep = (
                select(RecentSearchRow.query)
                .where(RecentSearchRow.user_key == user)
                .order_by(RecentSearchRow.searched_at.desc(), RecentSearchRow.query)
                .limit(RECENT_SEARCHES)
            )
            session.execute(
                delete(RecentSearchRow).where(
                    RecentSearchRow.user_key == user,
                    RecentSearchRow.query.not_in(keep.scalar_subquery()),
                )
            )
        return True

    def recent_searches(self, user: str) -> list[str]:
        """The user's last searches, newest first."""
        with self.read() as session:
            rows = session.scalars(
                select(RecentSearchRow.query)
                .where(RecentSearchRow.user_key == user)
                .order_by(RecentSearchRow.searched_at.desc(), RecentSearchRow.query)
                .limit(RECENT_SEARCHES)
            )
            return list(rows)

    def forget_searches(self, user: str) -> None:
        with self.write() as session:
            session.execute(delete(RecentSearchRow).where(RecentSearchRow.user_key == user))

    # -- searches that found nothing ------------------------------------------------------
    def count_zero_hit(self, query: str, *, today: dt.date | None = None) -> bool:
        """Count one search that found nothing, by normalised query and day. A query with a
        CPR number, phone number or e-mail is never stored (returns False)."""
        key = normalise_query(query)
        if not key or is_sensitive(query):
            return False
        day = today or clock.today()
        self._purge_once_a_day(day)
        with self.write() as session:
            session.execute(
                self._upsert(
                    ZeroHitRow,
                    {"day": day, "query": key, "count": 1},
                    ["day", "query"],
                    {"count": lambda excluded: ZeroHitRow.count + 1},
                )
            )
        return True

    def zero_hits(
        self, *, today: dt.date | None = None, days: int = ZERO_HIT_DAYS, limit: int = 100
    ) -> list[tuple[str, int, dt.date]]:
        """(query, searches, last day) of the last `days` days, most searched first."""
        since = (today or clock.today()) - dt.timedelta(days=days)
        with self.read() as session:
            rows = session.execute(
                select(ZeroHitRow.query, func.sum(ZeroHitRow.count), func.max(ZeroHitRow.day))
                .where(ZeroHitRow.day > since)
                .group_by(ZeroHitRow.query)
                .order_by(func.sum(ZeroHitRow.count).desc(), ZeroHitRow.query)
                .limit(limit)
            )
            return [(q, int(n), d) for q, n, d in rows]

    def purge_zero_hits(self, *, today: dt.date | None = None, days: int = ZERO_HIT_DAYS) -> int:
        """Delete zero-hit counts older than `days` days; returns how many rows went."""
        return self._purge(ZeroHitRow, today, days)

    def _purge(
        self, table: type[ZeroHitRow] | type[MissingWordRow], today: dt.date | None, days: int
    ) -> int:
        cutoff = (today or clock.today()) - dt.timedelta(days=days)
        with self.write() as session:
            result = session.execute(delete(table).where(table.day <= cutoff))
            return int(cast(CursorResult[Any], result).rowcount)

    def purge_expired(self, *, today: dt.date | None = None) -> int:
        """Delete the zero-hit and missing-word counts older than ZERO_HIT_DAYS days."""
        day = today or clock.today()
        gone = self.purge_zero_hits(today=day) + self.purge_missing_words(today=day)
        self._purged_on = day
        return gone

    def _purge_once_a_day(self, day: dt.date) -> None:
        if self._purged_on != day:  # a server that runs for months still forgets after 90 days
            self.purge_expired(today=day)

    # -- 'Ordet mangler' ------------------------------------------------------------------
    def missing_word_upsert(self, query: str, note: str, day: dt.date, count: int = 1) -> Any:
        """The statement that adds `count` reports of a normalised query with a note (or '')
        on one day; the caller has refused sensitive text (`count_missing_word` does)."""
        return self._upsert(
            MissingWordRow,
            {
                "day": day,
                "query": query,
                "note_key": note_key(note),
                "note": note or None,
                "count": count,
            },
            ["day", "query", "note_key"],
            {"count": lambda excluded: MissingWordRow.count + excluded.count},
        )

    def count_missing_word(
        self, query: str, note: str | None = None, *, today: dt.date | None = None
    ) -> bool:
        """Count one report that `query` is missing, by normalised query, note and day. A
        query or note with a CPR number, phone number or e-mail is never stored (returns
        False); the refusals with their reasons are in `directory.storage.missing`."""
        key = normalise_query(query)
        text_ = " ".join((note or "").split())[:NOTE_LEN]
        if not key or is_sensitive(query) or is_sensitive(text_):
            return False
        day = today or clock.today()
        self._purge_once_a_day(day)
        with self.write() as session:
            session.execute(self.missing_word_upsert(key, text_, day))
        return True

    def missing_words(
        self,
        *,
        today: dt.date | None = None,
        days: int = ZERO_HIT_DAYS,
        limit: int = 100,
        only: str | None = None,
    ) -> list[tuple[str, int, dt.date, list[tuple[str, int]]]]:
        """(query, reports, last day, [(note, reports), …]) of the last `days` days, most
        reported first; the notes of a query most written first. `only`: that normalised
        query alone."""
        since = (today or clock.today()) - dt.timedelta(days=days)
        total = func.sum(MissingWordRow.count)
        which = [MissingWordRow.day > since]
        if only is not None:
            which.append(MissingWordRow.query == only)
        with self.read() as session:
            rows = list(
                session.execute(
                    select(MissingWordRow.query, total, func.max(MissingWordRow.day))
                    .where(*which)
                    .group_by(MissingWordRow.query)
                    .order_by(total.desc(), MissingWordRow.query)
                    .limit(limit)
                )
            )
            notes: dict[str, list[tuple[str, int]]] = {q: [] for q, _, _ in rows}
            for chunk in range(0, len(rows), 500):
                queries = [q for q, _, _ in rows[chunk : chunk + 500]]
                for query, note, n in session.execute(
                    select(MissingWordRow.query, func.min(MissingWordRow.note), total)
                    .where(
                        MissingWordRow.day > since,
                        MissingWordRow.query.in_(queries),
                        MissingWordRow.note_key != "",
                    )
                    .group_by(MissingWordRow.query, MissingWordRow.note_key)
                    .order_by(total.desc(), func.min(MissingWordRow.note))
                ):
                    notes[query].append((note or "", int(n)))
        return [(q, int(n), d, notes[q]) for q, n, d in rows]

    def purge_missing_words(
        self, *, today: dt.date | None = None, days: int = ZERO_HIT_DAYS
    ) -> int:
        """Delete missing-word counts older than `days` days; returns how many rows went."""
        return self._purge(MissingWordRow, today, days)


_OPENED: dict[str, Storage] = {}
_OPENED_LOCK = threading.Lock()


def open_storage(url: str) -> Storage:
    """The storage at `url` (the app passes the LANDKORT_DB setting), migrated to the newest
    schema and old zero-hit and missing-word counts purged the first time this process
    opens it."""
    with _OPENED_LOCK:
        storage = _OPENED.get(url)
        if storage is None:
            storage = Storage(url)
            storage.migrate()
            storage.purge_expired()
            _OPENED[url] = storage
        return storage


def close_all() -> None:
    """Dispose every cached engine (tests, and a process that forks)."""
    with _OPENED_LOCK:
        for storage in _OPENED.values():
            storage.dispose()
        _OPENED.clear()
