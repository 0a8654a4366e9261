"""'Meld en fejl': caseworkers' reports about wrong data, in a durable append-only log.

The log is one JSON-lines file, `reports.jsonl`, in the folder named by the environment
variable `LANDKORT_REPORTS` (default `var/reports`, relative to the current directory).
Each line is one event:

    {"event": "report", "id": "<uuid>", "unit_id": "...", "what": "...",
     "reported_at": "2026-11-22T10:15:00+01:00", "reporter": "..."}        (reporter optional)
    {"event": "close", "id": "<uuid>", "closed_at": "...", "by": "...", "note": "..."}

Writers hold a `filelock` on `reports.jsonl.lock`, append one whole line with O_APPEND,
then flush and fsync. A crash mid-write can leave at most a torn last line: readers skip
(and count) any line that is not a complete event, and the next append starts a new line,
so earlier reports are never lost. The file is never rewritten.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from filelock import FileLock

from directory import settings
from directory.model import Directory
from directory.rules.hours import COPENHAGEN
from directory.rules.staleness import NO_OWNER

REPORTS_ENV = "LANDKORT_REPORTS"
DEFAULT_REPORTS_DIR = os.path.join("var", "reports")
LOG_NAME = "reports.jsonl"
MAX_WHAT = 2000
MAX_NAME = 200
LOCK_TIMEOUT_S = 10.0


class ReportProblem(StrEnum):
    """Why a report or a close was refused (the UI translates these to Danish)."""

    EMPTY_TEXT = "empty_text"
    TOO_LONG = "too_long"
    UNKNOWN_UNIT = "unknown_unit"
    NAME_TOO_LONG = "name_too_long"
    EMPTY_CLOSER = "empty_closer"
    UNKNOWN_REPORT = "unknown_report"
    ALREADY_CLOSED = "already_closed"


class ReportError(ValueError):
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
    """Everything read from the log: reports in order, and how many lines were unreadable."""

    reports: list[Report] = field(default_factory=list)
    skipped_lines: int = 0

    @property
    def open(self) -> list[Report]:
        return [r for r in self.reports if r.is_open]

    def get(self, report_id: str) -> Report | None:
        return next((r for r in self.reports if r.id == report_id), None)


def reports_dir_from_env(path: str | os.PathLike[str] | None = None) -> str:
    """The reports folder: the argument, else `LANDKORT_REPORTS`, else `var/reports`."""
    if path is not None:
        return os.fspath(path)
    return settings.get(REPORTS_ENV) or DEFAULT_REPORTS_DIR


def timestamp(at: dt.datetime | None = None) -> str:
    """ISO 8601 with the Copenhagen offset, to the second."""
    moment = at or dt.datetime.now(COPENHAGEN)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=COPENHAGEN)
    return moment.replace(microsecond=0).isoformat()


def _clean_text(
    value: str | None,
    *,
    what: str,
    limit: int = MAX_WHAT,
    empty: tuple[ReportProblem, str] | None = None,
    too_long: ReportProblem = ReportProblem.TOO_LONG,
) -> str:
    text = (value or "").strip()
    if not text and empty is not None:
        raise ReportError(empty[0], f"{what} is empty: {empty[1]}")
    if len(text) > limit:
        raise ReportError(
            too_long, f"{what} is {len(text)} characters long: shorten it to at most {limit}"
        )
    return text


class ReportStore:
    """The append-only report log in one folder."""

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        self.folder = Path(reports_dir_from_env(folder))
        self.path = self.folder / LOG_NAME
        self.lock_path = self.folder / (LOG_NAME + ".lock")

    # -- writing ---------------------------------------------------------------------
    def add(
        self,
        unit_id: str,
        what: str,
        *,
        reporter: str | None = None,
        directory: Directory | None = None,
        at: dt.datetime | None = None,
    ) -> Report:
        """Store a new report about a unit; raises `ReportError` for bad input."""
        if directory is not None and unit_id not in directory.units:
            raise ReportError(
                ReportProblem.UNKNOWN_UNIT,
                f"unknown unit {unit_id!r}: report on a unit that exists in the directory",
            )
        text = _clean_text(
            what, what="the report text", empty=(ReportProblem.EMPTY_TEXT, "describe what is wrong")
        )
        name = (
            _clean_text(
                reporter,
                what="the reporter's name",
                limit=MAX_NAME,
                too_long=ReportProblem.NAME_TOO_LONG,
            )
            or None
        )
        report = Report(str(uuid.uuid4()), unit_id, text, timestamp(at), name)
        event: dict[str, Any] = {
            "event": "report",
            "id": report.id,
            "unit_id": report.unit_id,
            "what": report.what,
            "reported_at": report.reported_at,
        }
        if name:
            event["reporter"] = name
        self._append(event)
        return report

    def close(
        self, report_id: str, *, by: str, note: str = "", at: dt.datetime | None = None
    ) -> Report:
        """Close an open report; raises `ReportError` when it is unknown or already closed."""
        closer = _clean_text(
            by,
            what="the closer's name",
            limit=MAX_NAME,
            empty=(ReportProblem.EMPTY_CLOSER, "write who closes the report"),
            too_long=ReportProblem.NAME_TOO_LONG,
        )
        text = _clean_text(note, what="the note")
        with self._lock():
            report = self.read().get(report_id)
            if report is None:
                raise ReportError(
                    ReportProblem.UNKNOWN_REPORT,
                    f"no report with id {report_id!r}: reload the list",
                )
            if not report.is_open:
                raise ReportError(
                    ReportProblem.ALREADY_CLOSED,
                    f"report {report_id!r} was already closed at {report.closed_at} by "
                    f"{report.closed_by}",
                )
            closed_at = timestamp(at)
            self._write_line(
                {
                    "event": "close",
                    "id": report_id,
                    "closed_at": closed_at,
                    "by": closer,
                    "note": text,
                }
            )
        return replace(report, closed_at=closed_at, closed_by=closer, close_note=text)

    def _lock(self) -> FileLock:
        self.folder.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT_S)

    def _append(self, event: dict[str, Any]) -> None:
        with self._lock():
            self._write_line(event)

    def _write_line(self, event: dict[str, Any]) -> None:
        """Append one event as one line (caller holds the lock): O_APPEND, then fsync."""
        data = (json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        created = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":  # a torn last line: start afresh
                data = b"\n" + data
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            _fsync_dir(self.folder)

    # -- reading ---------------------------------------------------------------------
    def read(self) -> ReportLog:
        """Every report with its close state; unreadable lines are skipped and counted."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return ReportLog()
        return parse_log(raw.split(b"\n"))

    def open_reports(self) -> list[Report]:
        return self.read().open


def parse_log(lines: Iterable[bytes]) -> ReportLog:
    """Fold the event lines into reports (a close applies to an earlier report)."""
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
    return event


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
