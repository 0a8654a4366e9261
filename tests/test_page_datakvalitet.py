"""AppTest for the Datakvalitet page."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import app_test, write_data
from streamlit.testing.v1 import AppTest

from directory.quality.reports import ReportStore

HOSTILE = "**fed** <img src=x onerror=alert(1)> [klik](javascript:alert(1))"


def _app(data: Path, reports: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    monkeypatch.setenv("LANDKORT_REPORTS", str(reports))
    return app_test("pages/datakvalitet.py", data, monkeypatch, **params)


def _frames(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def test_page_shows_every_summary(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(data_dir, tmp_path / "r", monkeypatch)
    assert not at.exception
    assert [s.value for s in at.header] == [
        "Fejl og advarsler i datafilerne",
        "Optælling pr. forvaltning",
        "Forældede oplysninger",
        "Enheder, der mangler oplysninger",
        "Gatekeepere uden backup",
        "Åbne fejlmeldinger pr. ejer",
    ]
    assert [m.value for m in at.metric] == ["0", "2", "1", "4", "0"]
    problems, counts = _frames(at)[:2]
    assert list(problems["Fil:linje"]) == [
        f"{data_dir / 'units' / 'bif.yaml'}:18",
        f"{data_dir / 'units' / 'sof.yaml'}:42",
    ]
    assert list(problems["Type"]) == ["Advarsel", "Advarsel"]
    assert list(counts["Forvaltning"])[0] == "Socialforvaltningen" and list(counts["Enheder"]) == [
        3,
        2,
        1,
    ]
    no_backup = _frames(at)[-1]
    assert list(no_backup["Gatekeeper"]) == ["Jonas Test"] and list(no_backup["Link"]) == [
        "enhed?id=sof-hjemloese"
    ]
    assert "Ingen åbne fejlmeldinger." in [c.value for c in at.caption]


def test_filter_by_department(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(data_dir, tmp_path / "r", monkeypatch, forvaltning="bif")
    assert not at.exception
    assert at.selectbox[0].value == "bif"
    missing = next(f for f in _frames(at) if "Mangler" in f.columns)
    assert list(missing["Enhed"]) == ["Jobcenter København Ungecenter", "Ydelsesservice København"]
    at.selectbox[0].select_index(0).run()
    assert "forvaltning" not in at.query_params


def test_page_works_when_the_data_has_errors(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_data(
        data_dir,
        {
            "units/stat.yaml": (
                "units:\n  - id: stat-kif\n    name: X\n    department: nope\n"
                "    verified: 2026-01-01\n"
            )
        },
    )
    at = _app(data_dir, tmp_path / "r", monkeypatch)
    assert not at.exception
    problems = _frames(at)[0]
    assert f"{data_dir / 'units' / 'stat.yaml'}:4" in list(problems["Fil:linje"])
    assert "Fejl" in list(problems["Type"])
    assert at.warning[0].value.startswith("Data har fejl, så resten af siden kan først vises")
    assert at.metric[0].value == "1"


def test_open_reports_listed_per_owner_and_closed(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ReportStore(tmp_path / "r")
    report = store.add("sof-bcv", HOSTILE, reporter="Ida [x](y)")
    at = _app(data_dir, tmp_path / "r", monkeypatch)
    assert not at.exception
    assert [t.value for t in at.text] == [HOSTILE]  # plain text, never markdown
    markdown = [m.value for m in at.markdown]
    assert "**Datakoordinator SOF** · 1 åben" in markdown
    card = next(m for m in markdown if "enhed?id=sof-bcv" in m)
    assert "Ida \\[x\\]\\(y\\)" in card and "<img" not in " ".join(markdown)
    at.text_input(key=f"close-by-{report.id}").input("Koordinator")
    at.text_input(key=f"close-note-{report.id}").input("Rettet")
    at.button[0].click()
    at.run()
    assert not at.exception
    closed = store.read().get(report.id)
    assert (closed.is_open, closed.closed_by, closed.close_note) == (False, "Koordinator", "Rettet")
    assert at.text == [] or [t.value for t in at.text] == []


def test_closing_without_a_name_says_so(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = ReportStore(tmp_path / "r").add("sof-bcv", "Forkert nummer")
    at = _app(data_dir, tmp_path / "r", monkeypatch)
    at.button[0].click()
    at.run()
    assert [e.value for e in at.error] == [
        "Skriv dit navn, så man kan se, hvem der lukkede fejlen."
    ]
    assert ReportStore(tmp_path / "r").read().get(report.id).is_open
