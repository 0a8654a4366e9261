"""'Ordet mangler': a searcher's report that a word found nothing, for the synonym list.

When a search on Søg finds nothing, the searcher can report the word, with an optional
note (what they meant). Reports are counted per normalised query, note and day in the
table `missing_words` of the app's database (`LANDKORT_DB`), so every app server sees
them; a coordinator sees them on Datakvalitet ("ludomani: 7 gange, senest 2026-11-29")
and adds the words to `synonyms.yaml` or a unit's keywords. Counts older than 90 days
(ZERO_HIT_DAYS) are deleted, like the counts of searches that found nothing.

The same privacy rule as for those counts (`directory.rules.personal`): a query or
note that holds a CPR number, a phone number or an e-mail address is refused and never
stored; no user is stored.

Before the database, reports were appended to `missing-words.jsonl` in the folder
`LANDKORT_REPORTS` (default `var/reports`), one a line:

    {"event": "missing_word", "query": "ludomani", "reported_at": "2026-11-29T22:10:00+01:00",
     "note": "spilleafhængighed"}                                   (note optional)

Such a file is imported once (`directory.storage.legacy`); a line that now counts as
sensitive, or that cannot be read, is skipped and counted in `legacy_imports`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy.orm import Session

from directory.rules import clock
from directory.storage.db import (
    ZERO_HIT_DAYS,
    StateRefused,
    Storage,
    normalise_query,
    sensitive_kind,
)
from directory.storage.legacy import (
    Folded,
    ImportResult,
    import_file,
    import_once,
)
from directory.storage.models import NOTE_LEN, QUERY_LEN

LOG_NAME = "missing-words.jsonl"  # the old log in LANDKORT_REPORTS, imported once
MAX_QUERY = QUERY_LEN
MAX_NOTE = NOTE_LEN


class MissingProblem(StrEnum):
    """Why a missing-word report was refused (the message says it in Danish)."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    CPR = "cpr"
    PHONE = "phone"
    EMAIL = "email"


class MissingWordError(StateRefused):
    """A missing-word report that cannot be stored. `.problem` says why and `.field` where
    ('query' or 'note'); the message names the fix."""

    def __init__(self, problem: MissingProblem, field: str, message: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.field = field


@dataclass(frozen=True, slots=True)
class MissingWord:
    """One reported word: how often, the last day, and the notes (most written first)."""

    query: str
    count: int
    last: dt.date
    notes: tuple[tuple[str, int], ...] = ()

    @property
    def note(self) -> str | None:
        """The note written most often, if any."""
        return self.notes[0][0] if self.notes else None


# The person-facing (Danish) messages: the UI shows them as they are.
_WHAT = {"query": "Søgningen", "note": "Noten"}
_HOLDS = {  # what the text looks like, and what to remove
    MissingProblem.CPR: ("ligner et CPR-nummer", "nummeret"),
    MissingProblem.PHONE: ("ligner et telefonnummer", "nummeret"),
    MissingProblem.EMAIL: ("indeholder en e-mailadresse", "den"),
}
EMPTY_MESSAGE = "Skriv det ord, der ikke gav noget resultat."


def _clean(value: str | None, field: str, limit: int) -> str:
    text = " ".join((value or "").split())
    what = _WHAT[field]
    if len(text) > limit:
        raise MissingWordError(
            MissingProblem.TOO_LONG,
            field,
            f"{what} er for lang ({len(text)} tegn). Skriv højst {limit} tegn.",
        )
    kind = sensitive_kind(text)
    if kind is not None:
        problem = MissingProblem(kind)
        looks, it = _HOLDS[problem]
        raise MissingWordError(
            problem,
            field,
            f"{what} {looks} og bliver ikke gemt. Fjern {it} og prøv igen.",
        )
    return text


def _storage(storage: Storage, folder: str | os.PathLike[str] | None) -> Storage:
    """The database, with the old log of `folder` (the app passes LANDKORT_REPORTS)
    imported once; no folder, no old log."""
    if folder is not None:
        import_once(storage, Path(folder) / LOG_NAME, import_jsonl)
    return storage


def report_missing_word(
    query: str,
    note: str | None = None,
    *,
    storage: Storage,
    folder: str | os.PathLike[str] | None = None,
    at: dt.datetime | None = None,
) -> MissingWord:
    """Count that `query` found nothing (with the searcher's `note`, e.g. the word they
    meant); returns the word's counts so far. Raises `MissingWordError` for an empty or too
    long text, or one that holds a CPR number, phone number or e-mail address."""
    text = _clean(query, "query", MAX_QUERY)
    if not text:
        raise MissingWordError(MissingProblem.EMPTY, "query", EMPTY_MESSAGE)
    extra = _clean(note, "note", MAX_NOTE)
    storage = _storage(storage, folder)
    day = clock.day_of(at)
    storage.count_missing_word(text, extra, today=day)  # refuses sensitive text again
    (word,) = read_missing_words(storage=storage, today=day, only=normalise_query(text))
    return word


def read_missing_words(
    folder: str | os.PathLike[str] | None = None,
    *,
    storage: Storage,
    today: dt.date | None = None,
    days: int = ZERO_HIT_DAYS,
    limit: int = 100,
    only: str | None = None,
) -> list[MissingWord]:
    """The words reported in the last `days` days, most reported first (`only`: that
    normalised query alone)."""
    storage = _storage(storage, folder)
    day = today or clock.today()
    rows = storage.missing_words(today=day, days=days, limit=limit, only=only)
    return [MissingWord(q, n, last, tuple(notes)) for q, n, last, notes in rows]


# -- the old JSON-lines log ----------------------------------------------------------------
def import_jsonl(storage: Storage, path: str | os.PathLike[str]) -> ImportResult:
    """Import an old missing-words.jsonl, once per (file, size, mtime); when the file grew
    since, only its new lines. Each readable line counts one report on its day."""
    return import_file(storage, path, "missing_words", lambda db, lines: _fold(storage, db, lines))


def _fold(storage: Storage, db: Session, lines: list[bytes]) -> Folded:
    counts: dict[tuple[str, str, dt.date], int] = {}
    skipped = 0
    for line in lines:
        parsed = _parse(line)
        if parsed is None:
            skipped += 1
            continue
        counts[parsed] = counts.get(parsed, 0) + 1
    for (query, note, day), n in counts.items():
        db.execute(storage.missing_word_upsert(query, note, day, n))
    return Folded(sum(counts.values()), 0, skipped)


def _parse(line: bytes) -> tuple[str, str, dt.date] | None:
    """(normalised query, note, day) of one line; None when unreadable or sensitive."""
    try:
        event = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(event, dict) or event.get("event") != "missing_word":
        return None
    query, note, at = event.get("query"), event.get("note") or "", event.get("reported_at")
    if not (isinstance(query, str) and isinstance(note, str) and isinstance(at, str)):
        return None
    try:
        day = clock.day_of(dt.datetime.fromisoformat(at))
        text, extra = _clean(query, "query", MAX_QUERY), _clean(note, "note", MAX_NOTE)
    except (ValueError, MissingWordError):
        return None
    key = normalise_query(text)
    return (key, extra, day) if key else None
