"""'Ordet mangler' in the state database (directory.storage.missing) on SQLite and PostgreSQL:
counts per query, notes, the privacy refusals word for word, 90 days, the old
missing-words.jsonl imported once, and concurrent writers from several processes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from directory.quality.reports import ReportStore
from directory.storage import open_storage
from directory.storage.db import close_all
from directory.storage.missing import (
    LOG_NAME,
    MissingProblem,
    MissingWord,
    MissingWordError,
    import_jsonl,
    read_missing_words,
    report_missing_word,
)
from directory.storage.models import LegacyImportRow
from testkit.pg_support import run_writers

TODAY = dt.date(2026, 11, 29)
NOON = dt.datetime(2026, 11, 29, 12, 0)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0))


def test_reports_are_counted_per_word_with_their_notes(db_url: str, tmp_path: Path) -> None:
    storage = open_storage(db_url)
    days = [TODAY - dt.timedelta(days=n) for n in (10, 3, 0)]
    for n, day in enumerate(days * 2):
        note = ["spilleafhængighed", " spilleafhængighed  ", ""][n % 3]
        report_missing_word(
            "Ludomani" if n % 2 else " ludomani ", note, storage=storage, at=_at(day)
        )
    word = report_missing_word("ludomani", "ludo", storage=storage, at=_at(TODAY))
    assert word == MissingWord("ludomani", 7, TODAY, (("spilleafhængighed", 4), ("ludo", 1)))
    assert word.note == "spilleafhængighed"
    report_missing_word("husly til hund", None, storage=storage, at=_at(TODAY - dt.timedelta(1)))
    assert read_missing_words(tmp_path, storage=storage, today=TODAY) == [
        word,
        MissingWord("husly til hund", 1, TODAY - dt.timedelta(1), ()),
    ]
    with storage.read() as session:  # one row per word, note and day: counts, not reports
        assert session.execute(text("SELECT count(*) FROM missing_words")).scalar() == 5


@pytest.mark.parametrize(
    ("query", "note", "problem", "field", "message"),
    [
        (
            "ring 010190-1234",
            "",
            MissingProblem.CPR,
            "query",
            "Søgningen ligner et CPR-nummer og bliver ikke gemt. Fjern nummeret og prøv igen.",
        ),
        (
            "33 99 10 01",
            "",
            MissingProblem.PHONE,
            "query",
            "Søgningen ligner et telefonnummer og bliver ikke gemt. Fjern nummeret og prøv igen.",
        ),
        (
            "mette＠kk.dk",
            "",
            MissingProblem.EMAIL,
            "query",
            "Søgningen indeholder en e-mailadresse og bliver ikke gemt. Fjern den og prøv igen.",
        ),
        (
            "ludomani",
            "borgerens cpr 0101901234",
            MissingProblem.CPR,
            "note",
            "Noten ligner et CPR-nummer og bliver ikke gemt. Fjern nummeret og prøv igen.",
        ),
        (
            "ludomani",
            "ring +45 33991001",
            MissingProblem.PHONE,
            "note",
            "Noten ligner et telefonnummer og bliver ikke gemt. Fjern nummeret og prøv igen.",
        ),
        (
            "ludomani",
            "spørg ali@kk.dk",
            MissingProblem.EMAIL,
            "note",
            "Noten indeholder en e-mailadresse og bliver ikke gemt. Fjern den og prøv igen.",
        ),
        (
            "  ",
            "",
            MissingProblem.EMPTY,
            "query",
            "Skriv det ord, der ikke gav noget resultat.",
        ),
        (
            "x" * 201,
            "",
            MissingProblem.TOO_LONG,
            "query",
            "Søgningen er for lang (201 tegn). Skriv højst 200 tegn.",
        ),
        (
            "ludomani",
            "y" * 501,
            MissingProblem.TOO_LONG,
            "note",
            "Noten er for lang (501 tegn). Skriv højst 500 tegn.",
        ),
    ],
)
def test_refusals_are_stored_nowhere_and_say_why(
    db_url: str, query: str, note: str, problem: MissingProblem, field: str, message: str
) -> None:
    storage = open_storage(db_url)
    with pytest.raises(MissingWordError) as info:
        report_missing_word(query, note, storage=storage, at=NOON)
    assert (str(info.value), info.value.problem, info.value.field) == (message, problem, field)
    if problem in (MissingProblem.CPR, MissingProblem.PHONE, MissingProblem.EMAIL):
        assert storage.count_missing_word(query, note, today=TODAY) is False  # the same rule
    with storage.read() as session:
        assert session.execute(text("SELECT count(*) FROM missing_words")).scalar() == 0


def test_counts_are_deleted_after_90_days(db_url: str) -> None:
    storage = open_storage(db_url)
    report_missing_word("gammel", storage=storage, at=_at(TODAY - dt.timedelta(days=91)))
    report_missing_word("ny", storage=storage, at=_at(TODAY - dt.timedelta(days=89)))
    assert [w.query for w in read_missing_words(storage=storage, today=TODAY)] == ["ny"]
    # the first report of a new day purges what is too old, as for zero hits
    report_missing_word("i dag", storage=storage, at=_at(TODAY))
    with storage.read() as session:
        left = session.execute(text("SELECT query FROM missing_words ORDER BY query")).scalars()
        assert list(left) == ["i dag", "ny"]
    assert storage.purge_expired(today=TODAY + dt.timedelta(days=2)) == 1
    assert [w.query for w in read_missing_words(storage=storage, today=TODAY)] == ["i dag"]


def _line(query: str, at: str, note: str | None = None) -> str:
    event = {"event": "missing_word", "query": query, "reported_at": at}
    if note is not None:
        event["note"] = note
    return json.dumps(event, ensure_ascii=False)


def test_the_old_jsonl_is_imported_once_losing_nothing(db_url: str, tmp_path: Path) -> None:
    log = tmp_path / "reports" / LOG_NAME
    log.parent.mkdir()
    lines = [
        _line("ludomani", "2026-11-28T10:00:00+01:00", "spilleafhængighed"),
        _line("Ludomani", "2026-11-29T00:30:00+01:00"),
        _line("ludomani", "2026-11-28T23:30:00+00:00", "spilleafhængighed"),  # 29.11. in Cph
        "{torn",
        '{"event": "report", "id": "x"}',  # a foreign line
        _line("ring 33 99 10 01", "2026-11-28T10:00:00+01:00"),  # now refused: a phone
        _line("herbergsplads", "2026-11-20T09:00:00+01:00", "akut"),
    ]
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    storage = open_storage(db_url)
    result = import_jsonl(storage, log)
    assert (result.lines, result.imported, result.skipped) == (7, 4, 3)
    assert import_jsonl(storage, log).already  # the same file again: nothing to do
    words = read_missing_words(storage=storage, today=TODAY)
    assert words == [
        MissingWord("ludomani", 3, TODAY, (("spilleafhængighed", 2),)),
        MissingWord("herbergsplads", 1, dt.date(2026, 11, 20), (("akut", 1),)),
    ]
    # an old server appended after the import: only the new line is counted
    with log.open("a", encoding="utf-8") as out:
        out.write(_line("ludomani", "2026-11-29T11:00:00+01:00") + "\n")
    result = import_jsonl(storage, log)
    assert (result.lines, result.imported, result.skipped) == (1, 1, 0)
    assert read_missing_words(storage=storage, today=TODAY)[0].count == 4
    with storage.read() as session:
        (row,) = session.scalars(select(LegacyImportRow))
        assert (row.kind, row.lines, row.imported, row.skipped) == ("missing_words", 8, 5, 3)
    # the reports' count of unreadable lines is not the missing words'
    assert ReportStore(tmp_path / "reports", storage=storage).read().skipped_lines == 0
    assert log.read_text(encoding="utf-8").count("\n") == 8  # the file is left as it was


def test_the_old_log_of_a_folder_is_imported_once(tmp_path: Path, state_db: str) -> None:
    folder = tmp_path / "old"  # the app passes LANDKORT_REPORTS
    folder.mkdir()
    (folder / LOG_NAME).write_text(_line("ludomani", "2026-11-28T10:00:00+01:00") + "\n")
    storage = open_storage(state_db)
    report_missing_word("ludomani", storage=storage, folder=folder, at=NOON)  # imports, counts
    words = read_missing_words(folder, storage=storage, today=TODAY)
    assert [(w.query, w.count) for w in words] == [("ludomani", 2)]
    close_all()
    stored_ = open_storage(state_db)
    assert [(w.query, w.count) for w in read_missing_words(storage=stored_, today=TODAY)] == [
        ("ludomani", 2)
    ]


def _hammer(url: str, worker: int) -> None:
    close_all()  # never share a parent's connections after fork
    storage = open_storage(url)
    for i in range(15):
        report_missing_word("ludomani", f"note {i % 3}", storage=storage, at=NOON)
        report_missing_word(f"ord {worker}", storage=storage, at=NOON)


def test_concurrent_writers_from_several_processes_lose_nothing(db_url: str) -> None:
    open_storage(db_url)
    assert run_writers(_hammer, db_url) == [0, 0, 0, 0]
    words = read_missing_words(storage=open_storage(db_url), today=TODAY)
    assert words[0] == MissingWord(
        "ludomani", 60, TODAY, (("note 0", 20), ("note 1", 20), ("note 2", 20))
    )
    assert sorted((w.query, w.count) for w in words[1:]) == [(f"ord {w}", 15) for w in range(4)]
