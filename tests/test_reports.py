"""'Meld en fejl': the durable append-only report log and the report form."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from directory.quality.reports import (
    LOG_NAME,
    MAX_WHAT,
    NO_OWNER,
    RATE_LIMIT,
    RATE_WINDOW_S,
    ReportError,
    ReportProblem,
    ReportStore,
    import_jsonl,
    open_by_owner,
)
from directory.storage import open_storage
from directory.storage.db import close_all
from testkit.pg_support import run_writers
from ui.escape import md_escape

AT = dt.datetime(2026, 11, 20, 10, 15, 30)


@pytest.fixture
def store(tmp_path: Path, db_url: str) -> ReportStore:
    """A store on SQLite and on PostgreSQL; its old-log folder is tmp_path/reports."""
    return ReportStore(tmp_path / "reports", storage=open_storage(db_url))


def _event_line(**event: str) -> bytes:
    return (json.dumps(event, ensure_ascii=False) + "\n").encode("utf-8")


def test_add_and_read_back_keeps_danish_letters(store: ReportStore, small_directory) -> None:
    report = store.add(
        "sof-bcv",
        "  Nummeret til Åboulevard virker ikke  ",
        reporter="Søren",
        directory=small_directory,
        at=AT,
    )
    assert report.what == "Nummeret til Åboulevard virker ikke"
    assert report.reported_at == "2026-11-20T10:15:30+01:00"
    (read,) = store.read().reports
    assert read == report and read.is_open
    assert store.get(report.id) == report
    assert store.open_reports() == [report]


@pytest.mark.parametrize(
    "what", ["Nummeret 33 99 10 01 virker ikke", "Ring +45 3399 1001", "Postnummer 2200, år 2026"]
)
def test_phone_numbers_in_a_report_are_fine(store: ReportStore, what: str) -> None:
    assert store.add("sof-bcv", what).what == what


def test_reporter_is_optional(store: ReportStore) -> None:
    report = store.add("sof-bcv", "Forkert adresse", reporter="   ")
    assert report.reporter is None
    assert store.read().reports[0].reporter is None


@pytest.mark.parametrize(
    ("unit_id", "what", "reporter", "code", "message"),
    [
        (
            "sof-bcv",
            "   ",
            None,
            ReportProblem.EMPTY_TEXT,
            "Skriv, hvad der er forkert, før du sender.",
        ),
        (
            "sof-bcv",
            "x" * (MAX_WHAT + 1),
            None,
            ReportProblem.TOO_LONG,
            "Teksten er for lang (2001 tegn). Skriv højst 2000 tegn.",
        ),
        (
            "nope",
            "Forkert",
            None,
            ReportProblem.UNKNOWN_UNIT,
            "Enheden 'nope' findes ikke længere i data. Genindlæs siden.",
        ),
        (
            "sof-bcv",
            "Forkert",
            "n" * 201,
            ReportProblem.NAME_TOO_LONG,
            "Navnet er for langt (201 tegn). Skriv højst 200 tegn.",
        ),
        (
            "sof-bcv",
            "Borger 010190-1234 blev afvist",
            None,
            ReportProblem.CPR_NUMBER,
            "Teksten ser ud til at indeholde et CPR-nummer. Fjern det: CPR-numre må ikke "
            "gemmes her.",
        ),
        (
            "sof-bcv",
            "Borger ０１０１９０１２３４ blev afvist",
            None,
            ReportProblem.CPR_NUMBER,
            "Teksten ser ud til at indeholde et CPR-nummer. Fjern det: CPR-numre må ikke "
            "gemmes her.",
        ),
    ],
)
def test_bad_reports_are_refused(
    store, small_directory, unit_id, what, reporter, code, message
) -> None:
    with pytest.raises(ReportError) as info:
        store.add(unit_id, what, reporter=reporter, directory=small_directory)
    assert info.value.code is code
    assert str(info.value) == message
    assert store.read().reports == []


def test_a_duplicate_of_an_open_report_is_refused(store: ReportStore) -> None:
    first = store.add("sof-bcv", "Nummeret  virker ikke", at=AT)
    with pytest.raises(ReportError) as info:
        store.add("sof-bcv", "nummeret virker IKKE")
    assert info.value.code is ReportProblem.DUPLICATE
    assert str(info.value) == (
        "Den samme fejl er allerede meldt og endnu ikke rettet. "
        "Tak, du behøver ikke melde den igen."
    )
    store.add("bif-jku", "Nummeret virker ikke")  # another unit: fine
    store.close(first.id, by="K")
    store.add("sof-bcv", "Nummeret virker ikke")  # closed: it may be reported again
    assert len(store.read().open) == 2


def test_one_user_is_rate_limited(store: ReportStore) -> None:
    start = dt.datetime(2026, 11, 20, 10, 0)
    for i in range(RATE_LIMIT):
        store.add("sof-bcv", f"Fejl {i}", user="mette@kk.dk", at=start + dt.timedelta(seconds=i))
    with pytest.raises(ReportError) as info:
        store.add("sof-bcv", "En til", user="mette@kk.dk", at=start + dt.timedelta(seconds=30))
    assert info.value.code is ReportProblem.RATE_LIMITED
    assert str(info.value) == (
        "Du har sendt mange fejlmeldinger på kort tid. Vent et par minutter, og prøv igen."
    )
    store.add("sof-bcv", "En til", user="ali@kk.dk", at=start + dt.timedelta(seconds=31))
    later = start + dt.timedelta(seconds=RATE_WINDOW_S + 10)
    store.add("sof-bcv", "Senere", user="mette@kk.dk", at=later)
    assert len(store.read().reports) == RATE_LIMIT + 2


def test_close_marks_the_report_closed(store: ReportStore) -> None:
    report = store.add("sof-bcv", "Forkert nummer", at=AT)
    other = store.add("bif-jku", "Ny leder")
    closed = store.close(report.id, by="Koordinator SOF", note="Rettet i units/sof.yaml", at=AT)
    assert closed.closed_by == "Koordinator SOF" and not closed.is_open
    log = store.read()
    assert [r.id for r in log.open] == [other.id]
    assert log.get(report.id) == closed
    with pytest.raises(ReportError) as info:
        store.close(report.id, by="Igen")
    assert info.value.code is ReportProblem.ALREADY_CLOSED
    assert str(info.value) == ("Fejlmeldingen er allerede lukket af Koordinator SOF.")


@pytest.mark.parametrize(
    ("report_id", "by", "code", "message"),
    [
        (
            "missing-id",
            "K",
            ReportProblem.UNKNOWN_REPORT,
            "Fejlmeldingen 'missing-id' findes ikke. Genindlæs siden.",
        ),
        (
            None,
            " ",
            ReportProblem.EMPTY_CLOSER,
            "Skriv dit navn, så man kan se, hvem der lukkede fejlen.",
        ),
    ],
)
def test_bad_closes_are_refused(store: ReportStore, report_id, by, code, message) -> None:
    report = store.add("sof-bcv", "Forkert")
    with pytest.raises(ReportError) as info:
        store.close(report_id or report.id, by=by)
    assert (info.value.code, str(info.value)) == (code, message)
    assert store.read().get(report.id).is_open


def test_an_old_jsonl_log_is_imported_once_losing_nothing(tmp_path: Path, db_url: str) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    log = folder / LOG_NAME
    log.write_bytes(
        _event_line(
            event="report",
            id="r1",
            unit_id="sof-bcv",
            what="Første",
            reported_at="2026-01-02T10:00:00+01:00",
            reporter="Søren",
        )
        + _event_line(
            event="report",
            id="r2",
            unit_id="bif-jku",
            what="Anden",
            reported_at="2026-01-03T10:00:00+01:00",
        )
        + _event_line(
            event="report",
            id="r3",
            unit_id="bif-jku",
            what="Anden",
            reported_at="2026-01-04T10:00:00+01:00",
        )
        + _event_line(
            event="close", id="r2", closed_at="2026-01-05T10:00:00+01:00", by="K", note="ok"
        )
        + b"not json\n"
        + b'{"event": "report", "id": "torn", "unit_id": "sof-b'
    )
    storage = open_storage(db_url)
    store = ReportStore(folder, storage=storage)
    read = store.read()
    assert [(r.id, r.what, r.reporter, r.is_open) for r in read.reports] == [
        ("r1", "Første", "Søren", True),
        ("r2", "Anden", None, False),
        ("r3", "Anden", None, True),  # a duplicate in the old log is kept: nothing is lost
    ]
    assert read.get("r2").close_note == "ok" and read.skipped_lines == 2
    assert import_jsonl(storage, log).already  # same file again: nothing to do
    store.close("r1", by="K")
    with log.open("ab") as handle:  # the old file grows (an old server still writing)
        handle.write(
            b"\n"
            + _event_line(
                event="report",
                id="r4",
                unit_id="sof-bcv",
                what="Fjerde",
                reported_at="2026-01-06T10:00:00+01:00",
            )
        )
    result = import_jsonl(storage, log)
    assert (result.imported, result.closed) == (1, 0)
    assert [(r.id, r.is_open) for r in store.read().reports] == [
        ("r1", False),  # closed in the database stays closed
        ("r2", False),
        ("r3", True),
        ("r4", True),
    ]


def test_the_app_s_store_uses_the_settings(app_env, tmp_path: Path) -> None:
    """The app (`ui.state.app_state`) passes LANDKORT_DB and LANDKORT_REPORTS down."""
    import ui.state

    app_env.reports.mkdir()
    (app_env.reports / LOG_NAME).write_bytes(
        _event_line(
            event="report",
            id="r1",
            unit_id="sof-bcv",
            what="Gammel fejlmelding",
            reported_at="2026-01-02T10:00:00+01:00",
        )
    )
    store = ui.state.app_state().reports()
    assert store.folder == app_env.reports
    assert store.storage.url == app_env.db
    assert [r.what for r in store.read().reports] == ["Gammel fejlmelding"]


def _add_many(url: str, worker: int) -> None:
    close_all()
    store = ReportStore(storage=open_storage(url))
    for i in range(20):
        store.add("sof-bcv", f"Rapport {worker}-{i} " + "æøå" * 50, user=f"w{worker}-{i}")


def test_concurrent_writers_lose_nothing(db_url: str) -> None:
    ReportStore(storage=open_storage(db_url))
    assert run_writers(_add_many, db_url) == [0, 0, 0, 0]
    log = ReportStore(storage=open_storage(db_url)).read()
    assert len(log.reports) == 80 and len({r.id for r in log.reports}) == 80


def test_open_reports_per_owner(store: ReportStore, small_directory) -> None:
    a = store.add("sof-bcv", "A")
    b = store.add("sof-dognvagt", "B")
    c = store.add("sof-bcv", "C")
    store.close(c.id, by="K")
    grouped = open_by_owner(store.read().reports, small_directory)
    assert {owner: [r.id for r in reports] for owner, reports in grouped.items()} == {
        NO_OWNER: [b.id],
        "Datakoordinator SOF": [a.id],
    }


# -- the form on a unit page ------------------------------------------------------------------
def _form_app() -> None:

    import ui.enhed
    import ui.serving
    from directory import load_directory

    directory = load_directory(ui.serving.data_dir())
    ui.enhed.report_form(directory.units["sof-bcv"], directory)


def _run_form(monkeypatch, data_dir: Path, tmp_path: Path, what: str, reporter: str = ""):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LANDKORT_DATA", str(data_dir))
    at = AppTest.from_function(_form_app, default_timeout=30)
    at.run()
    at.text_area[0].input(what)
    at.text_input[0].input(reporter)
    at.button[0].click()
    at.run()
    return at


def test_form_stores_a_report(monkeypatch, data_dir: Path, tmp_path: Path, app_env) -> None:
    at = _run_form(monkeypatch, data_dir, tmp_path, "Fast track-nummeret svarer ikke", "Mette")
    assert not at.exception
    assert [s.value for s in at.success] == [
        "Tak! Fejlmeldingen er gemt, og den, der holder enheden opdateret, kan se den."
    ]
    (report,) = ReportStore(storage=open_storage(app_env.db)).read().reports
    assert (report.unit_id, report.what, report.reporter) == (
        "sof-bcv",
        "Fast track-nummeret svarer ikke",
        "Mette",
    )


def test_form_says_in_danish_what_is_missing(
    monkeypatch, data_dir: Path, tmp_path: Path, app_env
) -> None:
    at = _run_form(monkeypatch, data_dir, tmp_path, "   ")
    assert [e.value for e in at.error] == [md_escape("Skriv, hvad der er forkert, før du sender.")]
    assert ReportStore(storage=open_storage(app_env.db)).read().reports == []


def test_form_clears_after_send(monkeypatch, data_dir: Path, tmp_path: Path, app_env) -> None:
    at = _run_form(monkeypatch, data_dir, tmp_path, "Adressen er flyttet", "Mette")
    assert at.text_area[0].value == "" and at.text_input[0].value == ""
    assert len(at.success) == 1
    at.run()  # the thanks is shown once
    assert not at.success


@pytest.mark.parametrize(
    ("second", "message"),
    [
        (
            "adressen  er FLYTTET",
            "Den samme fejl er allerede meldt og endnu ikke rettet. "
            "Tak, du behøver ikke melde den igen.",
        ),
    ],
)
def test_form_refuses_a_duplicate_and_keeps_the_text(
    monkeypatch, data_dir: Path, tmp_path: Path, second: str, message: str, app_env
) -> None:
    at = _run_form(monkeypatch, data_dir, tmp_path, "Adressen er flyttet")
    at.text_area[0].input(second)
    at.button[0].click()
    at.run()
    assert [e.value for e in at.error] == [md_escape(message)]
    assert at.text_area[0].value == second
    assert len(ReportStore(storage=open_storage(app_env.db)).read().reports) == 1


def test_form_is_rate_limited_per_user(
    monkeypatch, data_dir: Path, tmp_path: Path, app_env
) -> None:
    at = _run_form(monkeypatch, data_dir, tmp_path, "Fejl 0")
    for i in range(1, RATE_LIMIT + 1):
        at.text_area[0].input(f"Fejl {i}")
        at.button[0].click()
        at.run()
    assert [e.value for e in at.error] == [
        md_escape(
            "Du har sendt mange fejlmeldinger på kort tid. Vent et par minutter, og prøv igen."
        )
    ]
    assert len(ReportStore(storage=open_storage(app_env.db)).read().reports) == RATE_LIMIT
