"""AppTest for the Datakvalitet page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import app_test, write_data
from streamlit.testing.v1 import AppTest
from test_remind import with_owner_addresses

from directory.quality.reports import ReportStore
from directory.storage import open_storage
from ui.datakvalitet import NOT_ALLOWED_DA
from ui.escape import md_escape

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")

HOSTILE = "**fed** <img src=x onerror=alert(1)> [klik](javascript:alert(1))"


def _app(
    data: Path, reports: Path, monkeypatch: pytest.MonkeyPatch, viewer: str = "local", **params: str
) -> AppTest:
    monkeypatch.setenv("LANDKORT_REPORTS", str(reports))
    return app_test("pages/datakvalitet.py", data, monkeypatch, viewer=viewer, **params)


def _frames(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def _plain(value: object) -> object:
    """A cell as the reader sees it: st.table renders markdown, so cells are escaped."""
    return re.sub(r"\\(.)", r"\1", value).replace("\u2060", "") if isinstance(value, str) else value


def _tables(at: AppTest) -> list:
    """The full tables with their cells as shown (every text cell arrives escaped)."""
    frames = []
    for table in at.table:
        frame = table.value
        assert all(v == md_escape(_plain(v)) for v in frame.index if isinstance(v, str)), (
            "cells must arrive escaped"
        )
        frame = frame.map(_plain)
        frame.index = frame.index.map(_plain)
        frames.append(frame)
    return frames


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
        "Nøglepersoner uden stedfortræder",
        "Enheder, der skal tjekkes, pr. ejer",
        "Enheder uden ejeradresse",
        "Åbne fejlmeldinger pr. ejer",
        "Søgninger uden resultater",
        "Ord, der mangler",
        "Tilføj et ord til behovsordbogen",
    ]
    assert [m.value for m in at.metric] == ["0", "2", "1", "4", "0"]
    problems, counts = _tables(at)[:2]  # full tables: long messages wrap, nothing cut off
    assert list(problems.index) == ["units/bif.yaml:18", "units/sof.yaml:42"]  # no server path
    assert str(data_dir) not in " ".join(str(m) for m in problems["Besked"])
    assert list(problems["Type"]) == ["Advarsel", "Advarsel"]
    assert list(counts.index)[0] == "Socialforvaltningen" and list(counts["Enheder"]) == [3, 2, 1]
    by_department, by_owner, stale = _tables(at)[2:5]
    assert list(by_department.index) == ["Beskæftigelses- og Integrationsforvaltningen (BIF)"]
    assert list(by_owner.index) == ["(ingen ejer)"]
    assert stale.loc["Ydelsesservice København"].drop("Dage siden").tolist() == [
        "enhed",
        "Beskæftigelses- og Integrationsforvaltningen (BIF)",
        "(ingen ejer)",
        "2024-01-10",
        "units/bif.yaml:18",
    ]
    no_backup = next(f for f in _frames(at) if "Nøgleperson" in f.columns)
    assert list(no_backup["Nøgleperson"]) == ["Jonas Test"] and list(no_backup["Link"]) == [
        "enhed?id=sof-hjemloese"
    ]
    assert list(no_backup["Forvaltning"]) == ["Socialforvaltningen (SOF)"]
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
    problems = _tables(at)[0]
    assert "units/stat.yaml:4" in list(problems.index)
    assert "Fejl" in list(problems["Type"])
    assert at.warning[0].value.startswith("Data har fejl, så resten af siden kan først vises")
    assert at.metric[0].value == "1"


def test_open_reports_listed_per_owner_and_closed_by_the_signed_in_coordinator(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_env
) -> None:
    store = ReportStore(storage=open_storage(app_env.db))
    report = store.add("sof-bcv", HOSTILE, reporter="Ida [x](y)")
    at = _app(data_dir, tmp_path / "r", monkeypatch, viewer="sof_coordinator")
    assert not at.exception
    assert [t.value for t in at.text] == [HOSTILE]  # plain text, never markdown
    markdown = [m.value for m in at.markdown]
    assert "**Datakoordinator SOF** · 1 åben" in markdown
    card = next(m for m in markdown if "enhed?id=sof-bcv" in m)
    assert "Ida \\[x\\]\\(y\\)" in card and "<img" not in " ".join(markdown)
    assert "Lukkes af Søren SOF." in [c.value for c in at.caption]
    assert not [t for t in at.text_input if t.label == "Lukket af"]  # no typed name
    at.text_input(key=f"close-note-{report.id}").input("Rettet")
    at.button(key=f"FormSubmitter:close-{report.id}-Luk").click()
    at.run()
    assert not at.exception
    closed = store.read().get(report.id)
    assert (closed.is_open, closed.closed_by, closed.close_note) == (False, "Søren SOF", "Rettet")
    assert [s.value for s in at.success] == ["Fejlmeldingen er lukket."]  # stays on the page
    assert at.text == [] or [t.value for t in at.text] == []


@pytest.mark.parametrize(
    ("viewer", "unit_id", "may_close"),
    [
        ("sof_coordinator", "sof-bcv", True),
        ("sof_coordinator", "bif-jku", False),
        ("bif_coordinator", "sof-bcv", False),
        ("bif_coordinator", "bif-jku", True),
        ("admin", "sof-bcv", True),
        ("admin", "bif-jku", True),
        ("staff", "sof-bcv", False),
        ("local", "sof-bcv", False),  # `make run` without sign-in: staff, not a coordinator
    ],
)
def test_closing_needs_a_coordinator_of_the_units_department_or_an_admin(
    viewer: str,
    unit_id: str,
    may_close: bool,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    app_env,
) -> None:
    report = ReportStore(storage=open_storage(app_env.db)).add(unit_id, "Forkert nummer")
    at = _app(data_dir, tmp_path / "r", monkeypatch, viewer=viewer)
    assert not at.exception
    submit = f"FormSubmitter:close-{report.id}-Luk"
    assert any(b.key == submit for b in at.button) is may_close
    captions = [c.value for c in at.caption]
    assert (NOT_ALLOWED_DA in captions) is (not may_close)
    assert NOT_ALLOWED_DA == (
        "Kun en koordinator for enhedens forvaltning eller en administrator kan lukke "
        "fejlmeldingen. Bed forvaltningens koordinator om at lukke den."
    )


@pytest.mark.parametrize("viewer", ["network", "signed_out"])
def test_the_page_is_for_staff_only(
    viewer: str, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_env
) -> None:
    ReportStore(storage=open_storage(app_env.db)).add("sof-bcv", "Mette Test har fået nyt nummer")
    at = _app(data_dir, tmp_path / "r", monkeypatch, viewer=viewer)
    assert not at.exception
    # app.py leaves it out of the navigation, so the link opens the default page (Søg)
    assert at.title[0].value == "Hvor skal borgeren hen?"
    assert not at.metric and "Mette Test" not in str(at) and "Datakvalitet" not in str(at)


def test_zero_hit_searches_are_listed(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_env
) -> None:
    from directory.storage import open_storage

    storage = open_storage(app_env.db)
    for query in ["husly til hund", "Husly til  hund", "[x](http://evil) **fed**", "ring 33991001"]:
        storage.count_zero_hit(query)
    at = _app(data_dir, tmp_path / "r", monkeypatch)
    assert not at.exception
    zero = _frames(at)[-1]
    assert list(zero["Søgning"]) == ["husly til hund", "[x](http://evil) **fed**"]
    assert list(zero["Antal"]) == [2, 1]


def test_words_reported_missing_are_listed_with_counts_and_notes(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_env
) -> None:
    from directory.storage.missing import report_missing_word

    for note in ["spilleafhængighed", "spilleafhængighed", None, "[x](http://evil) **fed**"]:
        report_missing_word("Ludomani", note, storage=open_storage(app_env.db))
    report_missing_word("<b>husly</b>", storage=open_storage(app_env.db))
    at = _app(data_dir, tmp_path / "r", monkeypatch)
    assert not at.exception
    assert [h.value for h in at.header][-3:-1] == ["Søgninger uden resultater", "Ord, der mangler"]
    words = _frames(at)[-1]
    assert list(words.columns) == ["Ord", "Antal", "Senest", "Noter"]
    assert list(words["Ord"]) == ["ludomani", "<b>husly</b>"]  # a dataframe shows plain text
    assert list(words["Antal"]) == [4, 1]
    assert list(words["Noter"]) == ["spilleafhængighed (2); [x](http://evil) **fed**", ""]


def test_no_words_reported_missing_says_so(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(data_dir, tmp_path / "r", monkeypatch)
    assert "Ingen ord er meldt som manglende." in [c.value for c in at.caption]


def test_a_thousand_open_reports_draw_fast_one_page_at_a_time(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_env
) -> None:
    import time

    from directory.quality.reports import PAGE_SIZE

    # closing needs a role: an administrator sees every close form
    store = ReportStore(storage=open_storage(app_env.db))
    start = dt.datetime(2026, 1, 5, 9, 0)
    for i in range(1000):  # over months: a few an hour (HOURLY_CAP)
        unit = ["sof-bcv", "bif-jku", "sof-dognvagt"][i % 3]
        store.add(unit, f"Fejl nummer {i}", at=start + dt.timedelta(hours=2 * i))
    started = time.perf_counter()
    at = _app(data_dir, tmp_path / "r", monkeypatch, viewer="admin")
    first = time.perf_counter() - started
    assert not at.exception
    assert at.metric[4].value == "1000"

    def close_buttons() -> int:
        return sum(1 for b in at.button if b.key.startswith("FormSubmitter:close-"))

    assert close_buttons() == PAGE_SIZE  # one close form per report on the page
    assert "Viser 1–20 af 1000." in [c.value for c in at.caption]
    at.number_input(key="fejlmeldinger-side").set_value(50).run()
    assert "Viser 981–1000 af 1000." in [c.value for c in at.caption]
    assert close_buttons() == PAGE_SIZE
    assert first < 15, f"the page took {first:.1f} s with 1,000 open reports"


def test_nothing_stale_is_said_once(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    units = data_dir / "units" / "bif.yaml"
    units.write_text(units.read_text().replace("2024-01-10", "2026-10-01"))
    at = _app(data_dir, tmp_path / "r", monkeypatch)
    assert not at.exception
    assert [c.value for c in at.caption].count("Intet forældet.") == 1
    assert not [e for e in at.expander if "forældede poster" in e.label]


# ------------------------------------------------------------------ growing the needs vocabulary


def test_a_coordinator_adds_a_missing_word_to_a_need_in_one_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_env
) -> None:
    import subprocess

    from conftest import SMALL_DATA

    from directory.storage.missing import report_missing_word

    data = write_data(tmp_path / "data", SMALL_DATA)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=data, check=True)
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@x.dk", "commit", "-qm", "data"],
        cwd=data,
        check=True,
    )
    monkeypatch.setenv("LANDKORT_REPORTS", str(tmp_path / "r"))
    report_missing_word("ludomani", "spil", storage=open_storage(app_env.db))
    at = _app(data, tmp_path / "r", monkeypatch, viewer="sof_coordinator")
    assert not at.exception
    word, need = at.selectbox[-2], at.selectbox[-1]  # the form's: the word and the need
    assert word.options == ["ludomani"]
    word.set_value("ludomani")
    need.set_value("spilleproblemer")
    next(b for b in at.button if b.label == "Tilføj ordet").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success[0].value.startswith(
        "»ludomani« er tilføjet til behovet »Ludomani og spilleproblemer« (ændring "
    )
    log = subprocess.run(
        ["git", "log", "-1", "--format=%an|%s"],
        cwd=data,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert log == "Søren SOF|Behovsordbogen: »ludomani« tilføjet til behovet spilleproblemer"
    assert "      - ludomani\n" in (data / "needs.yaml").read_text(encoding="utf-8")


def test_staff_who_are_no_coordinators_cannot_add_words(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(data_dir, tmp_path / "r", monkeypatch, viewer="staff")
    assert not at.exception
    assert [b.label for b in at.button if b.label == "Tilføj ordet"] == []
    assert "En datakoordinator kan tilføje ordene til et behov her (siden Behov viser dem)." in [
        c.value for c in at.caption
    ]


def test_units_due_for_review_per_owner_address_and_units_without_one(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_env
) -> None:
    import datetime as dt

    from directory.storage import open_storage, reminders

    with_owner_addresses(data_dir)
    ReportStore(storage=open_storage(app_env.db)).add("sof-bcv", "Nummeret er forkert")
    storage = open_storage(app_env.db)
    assert reminders.claim(storage, "landkort@SOF.kk.example", dt.date(2026, 11, 30))
    reminders.mark_sent(storage, "landkort@sof.kk.example", dt.date(2026, 11, 30), 2)
    at = _app(data_dir, tmp_path / "r", monkeypatch)
    assert not at.exception
    due = next(f for f in _frames(at) if "Hvorfor" in f.columns)
    assert due.drop(columns=["Forvaltning"]).to_dict("records") == [
        {
            "Ejer": "JKU@bif.kk.example",
            "Enhed": "Jobcenter København Ungecenter",
            "Hvorfor": "mangler kontaktperson",
            "Sidst påmindet": "",
            "Link": "enhed?id=bif-jku",
        },
        {
            "Ejer": "landkort@sof.kk.example",
            "Enhed": "Borgercenter Voksne",
            "Hvorfor": "1 åben fejlmelding",
            "Sidst påmindet": "2026-11-30",
            "Link": "enhed?id=sof-bcv",
        },
        {
            "Ejer": "landkort@sof.kk.example",
            "Enhed": "Døgnvagten",
            "Hvorfor": "mangler kontaktperson",
            "Sidst påmindet": "2026-11-30",
            "Link": "enhed?id=sof-dognvagt",
        },
    ]
    nobody = next(f for f in _frames(at) if "Skal tjekkes" in f.columns)
    assert nobody.to_dict("records") == [
        {
            "Enhed": "Ydelsesservice København",
            "Forvaltning": "Beskæftigelses- og Integrationsforvaltningen (BIF)",
            "Skal tjekkes": "sidst kontrolleret 10.01.2024, for mere end 12 måneder siden; "
            "mangler kontaktperson, åbningstid, adresse",
            "Link": "enhed?id=bif-ydelse",
        },
        {
            "Enhed": "Kriminalforsorgen København",
            "Forvaltning": "Statslige myndigheder",
            "Skal tjekkes": "mangler kontaktperson, åbningstid, adresse",
            "Link": "enhed?id=stat-kif",
        },
    ]


def test_without_owner_addresses_every_unit_is_listed_as_reaching_nobody(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(data_dir, tmp_path / "r", monkeypatch, forvaltning="sof")
    assert not at.exception
    assert "Ingen enheder med en ejeradresse skal tjekkes." in [c.value for c in at.caption]
    nobody = next(f for f in _frames(at) if "Skal tjekkes" in f.columns)
    assert list(nobody["Link"]) == [
        "enhed?id=sof-bcv",
        "enhed?id=sof-hjemloese",
        "enhed?id=sof-dognvagt",
    ]
    assert list(nobody["Skal tjekkes"])[0] == "nej"
