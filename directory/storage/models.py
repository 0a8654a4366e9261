"""The tables of the app's own state (SQLAlchemy 2 declarative models).

Directory data stays YAML in git; these tables hold what the app itself writes: reports
and their status, personal call lists, recent searches, the counts of searches that
found nothing and of words reported as missing ('Ordet mangler'), and which owners got
their reminder on which day (`landkort remind`). Times are naive UTC; a
report keeps its Copenhagen ISO stamps as text (the `Report` API). Change a table only
together with a new migration in `migrations/versions` (tests/test_storage.py compares them).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

USER_KEY_LEN = 320  # an e-mail address can be 320 characters
QUERY_LEN = 200  # longer queries are cut before they are stored
NOTE_LEN = 500  # a missing-word note is at most this long


class Base(DeclarativeBase):
    pass


class ReportRow(Base):
    """One 'Meld en fejl' report; `status` is 'open' or 'closed'."""

    __tablename__ = "reports"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(Text)
    what_key: Mapped[str] = mapped_column(String(64))  # sha256 of the normalised text
    reported_at: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    reporter: Mapped[str | None] = mapped_column(String(200))
    # A one-way key of who filed it (`reports.filer_key`: the user), for the rate limit; the
    # name is from when it keyed the browser session. None for imported reports.
    session_key: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="open")
    closed_at: Mapped[str | None] = mapped_column(String(40))
    closed_by: Mapped[str | None] = mapped_column(String(200))
    close_note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="app")  # 'app' or 'jsonl'

    __table_args__ = (
        Index("ix_reports_status_created", "status", "created_at"),
        Index("ix_reports_unit_what", "unit_id", "what_key"),
        Index("ix_reports_session_created", "session_key", "created_at"),
    )


class PinRow(Base):
    """A unit on one user's personal call list (Min ringeliste)."""

    __tablename__ = "pins"

    user_key: Mapped[str] = mapped_column(String(USER_KEY_LEN), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    pinned_at: Mapped[dt.datetime] = mapped_column(DateTime)


class RecentSearchRow(Base):
    """One of a user's last searches (one row per distinct query, newest time kept)."""

    __tablename__ = "recent_searches"

    user_key: Mapped[str] = mapped_column(String(USER_KEY_LEN), primary_key=True)
    query: Mapped[str] = mapped_column(String(QUERY_LEN), primary_key=True)
    searched_at: Mapped[dt.datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_recent_user_time", "user_key", "searched_at"),)


class ZeroHitRow(Base):
    """How often a normalised query found nothing on one day (counts only, no user)."""

    __tablename__ = "zero_hits"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    query: Mapped[str] = mapped_column(String(QUERY_LEN), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class MissingWordRow(Base):
    """'Ordet mangler': how often searchers reported a normalised query as missing on one
    day, with one of their notes (`note_key` is '' without a note, else the sha256 of the
    folded note; the note keeps the first wording). Counts only, no user."""

    __tablename__ = "missing_words"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    query: Mapped[str] = mapped_column(String(QUERY_LEN), primary_key=True)
    note_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    note: Mapped[str | None] = mapped_column(Text)
    count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_missing_words_query", "query"),)


class LegacyImportRow(Base):
    """An old JSON-lines file that has been imported (by path, size and mtime); `kind` is
    'reports' (`reports.jsonl`) or 'missing_words' (`missing-words.jsonl`)."""

    __tablename__ = "legacy_imports"

    source: Mapped[str] = mapped_column(String(1000), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), server_default="reports")
    size: Mapped[int] = mapped_column(Integer)
    mtime_ns: Mapped[str] = mapped_column(String(30))
    lines: Mapped[int] = mapped_column(Integer)
    imported: Mapped[int] = mapped_column(Integer)
    skipped: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime)


class ReminderRow(Base):
    """One owner address's reminder of one (Copenhagen) day: `status` is 'sending' while a
    run sends it (a claim, so two runs never both send) and 'sent' once the e-mail server
    took it. A failed send deletes its claim: the next run tries again."""

    __tablename__ = "reminders"

    address: Mapped[str] = mapped_column(String(USER_KEY_LEN), primary_key=True)  # casefolded
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    status: Mapped[str] = mapped_column(String(10))
    claimed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    units: Mapped[int] = mapped_column(Integer, default=0)  # units listed in the e-mail
