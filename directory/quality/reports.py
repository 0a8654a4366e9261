"""'Meld en fejl': caseworkers' reports about wrong data, stored in the app's database.

Reports live in the `reports` table of `directory.storage` (`LANDKORT_DB`), so every app
server behind the load balancer sees the same reports. A report is `open` until a
coordinator closes it. Rules kept here, for every caller:

- the text is 1..MAX_WHAT characters, the reporter's name at most MAX_NAME;
- a second open report on the same unit with the same text (case and spaces ignored) is
  refused as a duplicate;
- one user may file at most RATE_LIMIT reports per RATE_WINDOW_S seconds, and all users
  together at most HOURLY_CAP an hour (counted in the database, so the limits hold across
  browser sessions and app servers);
- a text that holds a CPR number (`directory.rules.personal`) is refused: a CPR number is
  never stored.

Who may file a report at all (signed-in users and the staff view at a loopback-bound server
without sign-in, never the anonymous public view) is decided by `directory.state.AppState`,
the door the pages use.

Before the database, reports were an append-only `reports.jsonl` in the folder
`LANDKORT_REPORTS` (default `var/reports`), one event a line:

    {"event": "report", "id": "<uuid>", "unit_id": "...", "what": "...",
     "reported_at": "2026-11-22T10:15:00+01:00", "reporter": "..."}        (reporter optional)
    {"event": "close", "id": "<uuid>", "closed_at": "...", "by": "...", "note": "..."}

Such a file is imported once when a `ReportStore` first opens the database (by report id,
so importing again adds nothing and loses nothing); the file itself is left as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, text, update
from sqlalchemy.orm import Session

from directory.access import Viewer
from directory.model import Directory
from directory.rules import clock
from directory.rules.clock import COPENHAGEN
from directory.rules.owners import owner_address, same_address
from directory.rules.personal import holds_cpr
from directory.rules.staleness import NO_OWNER
from directory.storage import StateRefused, Storage
from directory.storage.legacy import (
    Folded,
    ImportResult,
    import_file,
    import_once,
)
from directory.storage.models import LegacyImportRow, ReportRow

__all__ = ["ImportResult"]  # the old log's import lives with the other legacy imports

LOG_NAME = "reports.jsonl"
MAX_WHAT = 2000
MAX_NAME = 200
RATE_LIMIT = 5  # reports one user may file …
RATE_WINDOW_S = 600  # … per this many seconds
HOURLY_CAP = 100  # reports all users together may file in an hour
PAGE_SIZE = 20  # open reports per page on Datakvalitet
_REPORT_LOCK_ID = 7_413_014  # pg_advisory_xact_lock key: one report writer at a time


class ReportProblem(StrEnum):
    """Why a report or a close was refused (the error's message says it in Danish, for the UI)."""

    EMPTY_TEXT = "empty_text"
    TOO_LONG = "too_long"
    UNKNOWN_UNIT = "unknown_unit"
    NAME_TOO_LONG = "name_too_long"
    EMPTY_CLOSER = "empty_closer"
    UNKNOWN_REPORT = "unknown_report"
    ALREADY_CLOSED = "already_closed"
    DUPLICATE = "duplicate"
    RATE_LIMITED = "rate_limited"
    BUSY = "busy"
    NOT_SIGNED_IN = "not_signed_in"
    CPR_NUMBER = "cpr_number"


class ReportError(StateRefused):
    """A report or close that cannot be stored; `.code` says why, the message names the fix."""

    def __init__(self, code: ReportProblem, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Report:
    """One report about a unit, with its close event if any."""

    id: str
    unit_id: str
    what: str
    reported_at: str
    reporter: str | None = None
    closed_at: str | None = None
    closed_by: str | None = None
    close_note: str | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass
class ReportLog:
    """Every report, oldest first, and how many lines of imported files were unreadable."""

    reports: list[Report] = field(default_factory=list)
    skipped_lines: int = 0

    @property
    def open(self) -> list[Report]:
        return [r for r in self.reports if r.is_open]

    def get(self, report_id: str) -> Report | None:
        return next((r for r in self.reports if r.id == report_id), None)


def timestamp(at: dt.datetime | None = None) -> str:
    """ISO 8601 with the Copenhagen offset, to the second."""
    moment = clock.instant() if at is None else at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=COPENHAGEN)
    return moment.astimezone(COPENHAGEN).replace(microsecond=0).isoformat()


def what_key(text_: str) -> str:
    """The duplicate key of a report text: case, width and spacing do not matter."""
    folded = " ".join(unicodedata.normalize("NFKC", text_).casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def filer_key(user: str | None) -> str | None:
    """A one-way key of who filed a report (`directory.storage.user_key`), for the rate limit:
    the user's e-mail or name is never stored with the report."""
    if not user:
        return None
    return hashlib.sha256(b"user\0" + user.encode("utf-8")).hexdigest()


# The texts checked by `_clean_text`: (the noun, its "long" in Danish), e.g. "Navnet er for langt".
_TEXT = ("Teksten", "lang")
_NAME = ("Navnet", "langt")
_NOTE = ("Noten", "lang")


def _clean_text(
    value: str | None,
    *,
    what: tuple[str, str],
    limit: int = MAX_WHAT,
    empty: tuple[ReportProblem, str] | None = None,
    too_long: ReportProblem = ReportProblem.TOO_LONG,
) -> str:
    """The text stripped; `empty`: (problem, message) when it may not be empty."""
    text_ = (value or "").strip()
    noun, long_ = what
    if not text_ and empty is not None:
        raise ReportError(*empty)
    if holds_cpr(text_):
        raise ReportError(
            ReportProblem.CPR_NUMBER,
            f"{noun} ser ud til at indeholde et CPR-nummer. Fjern det: CPR-numre må ikke gemmes "
            "her.",
        )
    if len(text_) > limit:
        raise ReportError(
            too_long, f"{noun} er for {long_} ({len(text_)} tegn). Skriv højst {limit} tegn."
        )
    return text_


def _count_since(db: Session, since: dt.datetime, *which: Any) -> int:
    """How many reports were filed after `since` (naive UTC) that match `which`."""
    found = db.scalar(select(func.count()).where(ReportRow.created_at > since, *which))
    return int(found or 0)


def _report(row: ReportRow) -> Report:
    return Report(
        row.id,
        row.unit_id,
        row.what,
        row.reported_at,
        row.reporter,
        row.closed_at,
        row.closed_by,
        row.close_note,
    )


class ReportStore:
    """Reports in the app's database.

    `ReportStore(folder, storage=open_storage(url))`: the reports in that database (the app
    passes `LANDKORT_DB`), with the old log `folder/reports.jsonl` imported once (the app
    passes `LANDKORT_REPORTS`); without a folder there is no old log to import."""

    def __init__(self, folder: str | os.PathLike[str] | None = None, *, storage: Storage) -> None:
        self.folder = None if folder is None else Path(folder)
        self.storage = storage
        if self.folder is not None:  # the old log, read once by the import
            import_once(self.storage, self.folder / LOG_NAME, import_jsonl)

    # -- writing ---------------------------------------------------------------------
    def add(
        self,
        unit_id: str,
        what: str,
        *,
        reporter: str | None = None,
        directory: Directory | None = None,
        at: dt.datetime | None = None,
        user: str | None = None,
    ) -> Report:
        """Store a new report about a unit; raises `ReportError` for bad input, a duplicate
        of an open report, a user over their rate limit, or all users over HOURLY_CAP.
        `user`: who files it (`directory.storage.user_key`), for the rate limit."""
        if directory is not None and unit_id not in directory.units:
            raise ReportError(
                ReportProblem.UNKNOWN_UNIT,
                f"Enheden '{unit_id}' findes ikke længere i data. Genindlæs siden.",
            )
        text_ = _clean_text(
            what,
            what=_TEXT,
            empty=(ReportProblem.EMPTY_TEXT, "Skriv, hvad der er forkert, før du sender."),
        )
        name = (
            _clean_text(
                reporter,
                what=_NAME,
                limit=MAX_NAME,
                too_long=ReportProblem.NAME_TOO_LONG,
            )
            or None
        )
        moment = clock.instant() if at is None else at  # one reading for both
        created = clock.as_utc(moment)
        report = Report(str(uuid.uuid4()), unit_id, text_, timestamp(moment), name)
        key = what_key(text_)
        by_user = filer_key(user)
        with self.storage.write() as db:
            if self.storage.dialect == "postgresql":  # SQLite: BEGIN IMMEDIATE serialises
                db.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _REPORT_LOCK_ID})
            duplicate = db.scalar(
                select(ReportRow.reported_at).where(
                    ReportRow.unit_id == unit_id,
                    ReportRow.what_key == key,
                    ReportRow.status == "open",
                )
            )
            if duplicate is not None:
                raise ReportError(
                    ReportProblem.DUPLICATE,
                    "Den samme fejl er allerede meldt og endnu ikke rettet. "
                    "Tak, du behøver ikke melde den igen.",
                )
            if by_user is not None:
                recent = _count_since(
                    db,
                    created - dt.timedelta(seconds=RATE_WINDOW_S),
                    ReportRow.session_key == by_user,
                )
                if recent >= RATE_LIMIT:
                    raise ReportError(
                        ReportProblem.RATE_LIMITED,
                        "Du har sendt mange fejlmeldinger på kort tid. Vent et par minutter, "
                        "og prøv igen.",
                    )
            if _count_since(db, created - dt.timedelta(hours=1), ReportRow.source == "app") >= (
                HOURLY_CAP
            ):
                raise ReportError(
                    ReportProblem.BUSY,
                    "Der er meldt usædvanligt mange fejl den seneste time, så landkortet tager "
                    "ikke imod flere lige nu. Prøv igen om en time, eller skriv til enhedens ejer.",
                )
            db.add(
                ReportRow(
                    id=report.id,
                    unit_id=unit_id,
                    what=text_,
                    what_key=key,
                    reported_at=report.reported_at,
                    created_at=created,
                    reporter=name,
                    session_key=by_user,
                    status="open",
                    source="app",
                )
            )
        return report

    def close(
        self, report_id: str, *, by: str, note: str = "", at: dt.datetime | None = None
    ) -> Report:
        """Close an open report; raises `ReportError` when it is unknown or already closed."""
        closer = _clean_text(
            by,
            what=_NAME,
            limit=MAX_NAME,
            empty=(
                ReportProblem.EMPTY_CLOSER,
                "Skriv dit navn, så man kan se, hvem der lukkede fejlen.",
            ),
            too_long=ReportProblem.NAME_TOO_LONG,
        )
        note_ = _clean_text(note, what=_NOTE)
        closed_at = timestamp(at)
        with self.storage.write() as db:
            result = db.execute(
                update(ReportRow)
                .where(ReportRow.id == report_id, ReportRow.status == "open")
                .values(status="closed", closed_at=closed_at, closed_by=closer, close_note=note_)
            )
            changed = cast(CursorResult[Any], result).rowcount
            row = db.get(ReportRow, report_id)
            if row is None:
                raise ReportError(
                    ReportProblem.UNKNOWN_REPORT,
                    f"Fejlmeldingen '{report_id}' findes ikke. Genindlæs siden.",
                )
            if not changed:
                raise ReportError(
                    ReportProblem.ALREADY_CLOSED,
                    f"Fejlmeldingen er allerede lukket af {row.closed_by}.",
                )
            return _report(row)

    # -- reading ---------------------------------------------------------------------
    def read(self) -> ReportLog:
        """Every report with its close state, oldest first."""
        with self.storage.read() as db:
            rows = db.scalars(select(ReportRow).order_by(ReportRow.created_at, ReportRow.id))
            reports = [_report(r) for r in rows]
            skipped = db.scalar(
                select(func.coalesce(func.sum(LegacyImportRow.skipped), 0)).where(
                    LegacyImportRow.kind == "reports"
                )
            )
        return ReportLog(reports, int(skipped or 0))

    def open_reports(self) -> list[Report]:
        with self.storage.read() as db:
            rows = db.scalars(
                select(ReportRow)
                .where(ReportRow.status == "open")
                .order_by(ReportRow.created_at, ReportRow.id)
            )
            return [_report(r) for r in rows]

    def get(self, report_id: str) -> Report | None:
        with self.storage.read() as db:
            row = db.get(ReportRow, report_id)
            return _report(row) if row is not None else None


# -- the old JSON-lines log ----------------------------------------------------------------
def parse_log(lines: Iterable[bytes]) -> ReportLog:
    """Fold the event lines of an old reports.jsonl into reports (a close applies to an
    earlier report); unreadable lines are skipped and counted."""
    reports: dict[str, Report] = {}
    skipped = 0
    for line in lines:
        if not line.strip():
            continue
        event = _event(line)
        if event is None:
            skipped += 1
            continue
        report_id = event["id"]
        if event["event"] == "report" and report_id not in reports:
            reports[report_id] = Report(
                report_id,
                event["unit_id"],
                event["what"],
                event["reported_at"],
                event.get("reporter"),
            )
        elif event["event"] == "close" and report_id in reports and reports[report_id].is_open:
            reports[report_id] = replace(
                reports[report_id],
                closed_at=event["closed_at"],
                closed_by=event["by"],
                close_note=event.get("note", ""),
            )
        else:
            skipped += 1
    return ReportLog(list(reports.values()), skipped)


_REQUIRED = {
    "report": ("id", "unit_id", "what", "reported_at"),
    "close": ("id", "closed_at", "by"),
}


def _event(line: bytes) -> dict[str, Any] | None:
    try:
        event = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(event, dict) or event.get("event") not in _REQUIRED:
        return None
    required = _REQUIRED[event["event"]]
    if not all(isinstance(event.get(key), str) for key in required):
        return None
    if any(isinstance(value, str) and holds_cpr(value) for value in event.values()):
        return None  # a CPR number is never stored: the line is skipped (and counted)
    return event


def _created(reported_at: str) -> dt.datetime:
    try:
        return clock.as_utc(dt.datetime.fromisoformat(reported_at))
    except ValueError:
        return clock.utcnow()


def import_jsonl(storage: Storage, path: str | os.PathLike[str]) -> ImportResult:
    """Import an old reports.jsonl into the database, once per (file, size, mtime).

    Reports are matched by id: a report already in the database is kept as it is, except
    that a close in the file closes it when it is still open. Running it again adds
    nothing; the file is not changed."""
    return import_file(storage, path, "reports", _fold_reports)


def _fold_reports(db: Session, lines: list[bytes]) -> Folded:
    log = parse_log(lines)
    ids = [r.id for r in log.reports]
    existing = {
        row.id: row
        for chunk in range(0, len(ids), 500)
        for row in db.scalars(select(ReportRow).where(ReportRow.id.in_(ids[chunk : chunk + 500])))
    }
    imported = closed = 0
    for report in log.reports:
        row = existing.get(report.id)
        if row is None:
            db.add(
                ReportRow(
                    id=report.id,
                    unit_id=report.unit_id,
                    what=report.what,
                    what_key=what_key(report.what),
                    reported_at=report.reported_at,
                    created_at=_created(report.reported_at),
                    reporter=report.reporter,
                    session_key=None,
                    status="open" if report.is_open else "closed",
                    closed_at=report.closed_at,
                    closed_by=report.closed_by,
                    close_note=report.close_note,
                    source="jsonl",
                )
            )
            imported += 1
        elif row.status == "open" and not report.is_open:
            row.status = "closed"
            row.closed_at = report.closed_at
            row.closed_by = report.closed_by
            row.close_note = report.close_note
            closed += 1
    return Folded(imported, closed, log.skipped_lines)


def open_by_owner(reports: Iterable[Report], directory: Directory) -> dict[str, list[Report]]:
    """Open reports grouped by the owner of their unit (units without owner under NO_OWNER)."""
    out: dict[str, list[Report]] = {}
    for report in reports:
        if not report.is_open:
            continue
        unit = directory.units.get(report.unit_id)
        owner = (unit.owner if unit else None) or NO_OWNER
        out.setdefault(owner, []).append(report)
    return dict(sorted(out.items()))


def open_for_owner(reports: Iterable[Report], directory: Directory, viewer: Viewer) -> list[Report]:
    """The open reports of the units this viewer keeps: units of the departments they
    coordinate (all units for an admin), or whose owner address (`owner_email`, else the
    department's) or `owner` is their e-mail address."""
    out: list[Report] = []
    for report in reports:
        unit = directory.units.get(report.unit_id)
        if not report.is_open or unit is None:
            continue
        owns = same_address(viewer.email, owner_address(directory, unit)) or same_address(
            viewer.email, unit.owner
        )
        if owns or viewer.can_edit(unit.department):
            out.append(report)
    return out
