"""'Meld en fejl': the durable append-only report log and the report form."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
from pathlib import Path

import pytest

from directory.quality.reports import (
    DEFAULT_REPORTS_DIR,
    LOG_NAME,
    MAX_WHAT,
    NO_OWNER,
    ReportError,
    ReportProblem,
    ReportStore,
    open_by_owner,
    reports_dir_from_env,
)

AT = dt.datetime(2026, 11, 20, 10, 15, 30)


@pytest.fixture
def store(tmp_path: Path) -> ReportStore:
    return ReportStore(tmp_path / "reports")


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
    line = json.loads(store.path.read_text(encoding="utf-8"))
    assert line == {
        "event": "report",
        "id": report.id,
        "unit_id": "sof-bcv",
        "what": "Nummeret til Åboulevard virker ikke",
        "reported_at": "2026-11-20T10:15:30+01:00",
        "reporter": "Søren",
    }
    assert "Åboulevard" in store.path.read_text(encoding="utf-8")  # not \u-escaped


def test_reporter_is_optional(store: ReportStore) -> None:
    report = store.add("sof-bcv", "Forkert adresse", reporter="   ")
    assert report.reporter is None
    assert "reporter" not in json.loads(store.path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("unit_id", "what", "reporter", "code", "message"),
    [
        (
            "sof-bcv",
            "   ",
            None,
            ReportProblem.EMPTY_TEXT,
            "the report text is empty: describe what is wrong",
        ),
        (
            "sof-bcv",
            "x" * (MAX_WHAT + 1),
            None,
            ReportProblem.TOO_LONG,
            "the report text is 2001 characters long: shorten it to at most 2000",
        ),
        (
            "nope",
            "Forkert",
            None,
            ReportProblem.UNKNOWN_UNIT,
            "unknown unit 'nope': report on a unit that exists in the directory",
        ),
        (
            "sof-bcv",
            "Forkert",
            "n" * 201,
            ReportProblem.NAME_TOO_LONG,
            "the reporter's name is 201 characters long: shorten it to at most 200",
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
    assert not store.path.exists()


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
    assert str(info.value) == (
        f"report {report.id!r} was already closed at 2026-11-20T10:15:30+01:00 by Koordinator SOF"
    )


@pytest.mark.parametrize(
    ("report_id", "by", "code", "message"),
    [
        (
            "missing-id",
            "K",
            ReportProblem.UNKNOWN_REPORT,
            "no report with id 'missing-id': reload the list",
        ),
        (
            None,
            " ",
            ReportProblem.EMPTY_CLOSER,
            "the closer's name is empty: write who closes the report",
        ),
    ],
)
def test_bad_closes_are_refused(store: ReportStore, report_id, by, code, message) -> None:
    report = store.add("sof-bcv", "Forkert")
    with pytest.raises(ReportError) as info:
        store.close(report_id or report.id, by=by)
    assert (info.value.code, str(info.value)) == (code, message)
    assert store.read().get(report.id).is_open


def test_torn_last_line_is_skipped_and_appends_continue(store: ReportStore) -> None:
    first = store.add("sof-bcv", "Første")
    second = store.add("bif-jku", "Anden")
    with store.path.open("ab") as handle:  # a crash mid-write
        handle.write(b'{"event": "report", "id": "torn", "unit_id": "sof-b')
    log = store.read()
    assert [r.id for r in log.reports] == [first.id, second.id]
    assert log.skipped_lines == 1
    third = store.add("sof-dognvagt", "Tredje")
    log = store.read()
    assert [r.id for r in log.reports] == [first.id, second.id, third.id]
    assert log.skipped_lines == 1
    lines = store.path.read_bytes().split(b"\n")
    assert (
        lines[2].startswith(b'{"event": "report", "id": "torn"')
        and json.loads(lines[3])["id"] == third.id
    )
    store.close(first.id, by="K")
    assert [r.id for r in store.read().open] == [second.id, third.id]


def test_garbage_lines_are_counted_not_fatal(store: ReportStore) -> None:
    report = store.add("sof-bcv", "Forkert")
    with store.path.open("ab") as handle:
        handle.write(
            b'not json\n[1, 2]\n{"event": "close", "id": "unknown", "closed_at": "x", "by": '
            b'"y"}\n\xff\xfe\n'
        )
    log = store.read()
    assert [r.id for r in log.reports] == [report.id] and log.skipped_lines == 4


def test_the_lock_file_sits_next_to_the_log(store: ReportStore) -> None:
    store.add("sof-bcv", "Forkert")
    assert store.path.name == LOG_NAME
    assert store.lock_path == store.path.with_name("reports.jsonl.lock")
    assert store.lock_path.exists()


def _add_many(folder: str, worker: int) -> None:
    store = ReportStore(folder)
    for i in range(20):
        store.add("sof-bcv", f"Rapport {worker}-{i} " + "æøå" * 50)


def test_concurrent_writers_never_interleave(tmp_path: Path) -> None:
    folder = str(tmp_path / "reports")
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_add_many, args=(folder, w)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    log = ReportStore(folder).read()
    assert len(log.reports) == 80 and log.skipped_lines == 0


def test_folder_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LANDKORT_REPORTS", raising=False)
    assert reports_dir_from_env() == DEFAULT_REPORTS_DIR == "var/reports"
    monkeypatch.setenv("LANDKORT_REPORTS", str(tmp_path / "r"))
    assert ReportStore().path == tmp_path / "r" / "reports.jsonl"


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
    import streamlit as st

    import ui.enhed
    from directory import load_directory

    directory = load_directory(st.session_state.get("data") or None)
    ui.enhed.report_form(directory.units["sof-bcv"], directory)


def _run_form(monkeypatch, data_dir: Path, tmp_path: Path, what: str, reporter: str = ""):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LANDKORT_DATA", str(data_dir))
    monkeypatch.setenv("LANDKORT_REPORTS", str(tmp_path / "reports"))
    at = AppTest.from_function(_form_app, default_timeout=30)
    at.run()
    at.text_area[0].input(what)
    at.text_input[0].input(reporter)
    at.button[0].click()
    at.run()
    return at


def test_form_stores_a_report(monkeypatch, data_dir: Path, tmp_path: Path) -> None:
    at = _run_form(monkeypatch, data_dir, tmp_path, "Fast track-nummeret svarer ikke", "Mette")
    assert not at.exception
    assert [s.value for s in at.success] == [
        "Tak! Fejlmeldingen er gemt, og den, der holder enheden opdateret, kan se den."
    ]
    (report,) = ReportStore(tmp_path / "reports").read().reports
    assert (report.unit_id, report.what, report.reporter) == (
        "sof-bcv",
        "Fast track-nummeret svarer ikke",
        "Mette",
    )


def test_form_says_in_danish_what_is_missing(monkeypatch, data_dir: Path, tmp_path: Path) -> None:
    at = _run_form(monkeypatch, data_dir, tmp_path, "   ")
    assert [e.value for e in at.error] == ["Skriv, hvad der er forkert, før du sender."]
    assert not (tmp_path / "reports" / "reports.jsonl").exists()
