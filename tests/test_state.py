"""The app's own state through one door (`directory.state.AppState`) and one error policy at
the UI edge (`ui.state.attempt`).

Issue 21 item 5: every method of the door raises `StateUnavailable` when the database is
down, and refusals pass as they are; the UI shows a refusal's message, says a plain Danish
line when the database is down and goes on. A database that is down never blocks editing
the YAML data, and a save that succeeded is reported as saved even when closing the
reports it fixed failed after it (that is said apart).
Issue 26 item 9: the notice when the database is down names no database URL, user, host,
port or database; those go to the server log.
Issue 26 item 6: only signed-in users and the staff view at this machine file reports; the
limit counts per user across browser sessions, and a cap per hour holds across servers.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from conftest import app_test
from streamlit.testing.v1 import AppTest
from test_editing import git, make_repo
from test_pages_visibility import sent

import ui.state
from directory.quality.reports import (
    HOURLY_CAP,
    RATE_LIMIT,
    ReportError,
    ReportProblem,
    ReportStore,
)
from directory.state import AppState, StateRefused, StateUnavailable
from directory.storage import open_storage
from testkit.browser_support import free_port
from ui.enhed import REPORT_SIGN_IN_DA
from ui.escape import md_escape
from ui.rediger import REPORTS_NOT_CLOSED_DA, REPORTS_UNREAD_DA

ROOT = Path(__file__).resolve().parent.parent
METTE = {"is_logged_in": True, "email": "mette@kk.dk", "name": "Mette"}


@pytest.fixture
def down_url() -> str:
    """A PostgreSQL URL with a user, a password, a host, a port and a database: nobody there."""
    return f"postgresql+psycopg://landkort_bruger:hemmelig@127.0.0.1:{free_port()}/landkort_db"


def _details(url: str) -> list[str]:
    """What a visitor must never see of a database URL."""
    port = url.rsplit(":", 1)[1].split("/")[0]
    return ["landkort_bruger", "hemmelig", "landkort_db", f":{port}", "psycopg", "LANDKORT_DB"]


# -- the door ----------------------------------------------------------------------------
def test_every_method_raises_one_error_when_the_database_is_down(down_url: str) -> None:
    state = AppState(down_url)
    calls = {
        "pins": lambda: state.pins("mette"),
        "pin": lambda: state.pin("mette", "sof-bcv"),
        "unpin": lambda: state.unpin("mette", "sof-bcv"),
        "record_search": lambda: state.record_search("herberg", found=0, user="mette"),
        "recent_searches": lambda: state.recent_searches("mette"),
        "zero_hits": state.zero_hits,
        "report_missing_word": lambda: state.report_missing_word("ludomani"),
        "missing_words": state.missing_words,
        "file_report": lambda: state.file_report("sof-bcv", "Forkert", user="mette"),
        "close_report": lambda: state.close_report("r1", by="K"),
        "close_fixed_reports": lambda: state.close_fixed_reports(["r1"], "abc123", "K"),
        "open_reports": state.open_reports,
        "report_log": state.report_log,
        "last_reminders": state.last_reminders,
    }
    for name, call in calls.items():
        with pytest.raises(StateUnavailable) as info:
            call()
        assert "databasen kan ikke nås" in str(info.value), name
        assert "hemmelig" not in str(info.value), name  # the log never gets the password


def test_refusals_pass_the_door_as_they_are(db_url: str) -> None:
    state = AppState(db_url)
    with pytest.raises(StateRefused) as info:
        state.file_report("sof-bcv", "Borgeren 010203 1234 ringede", user="mette")
    assert isinstance(info.value, ReportError)
    assert info.value.code is ReportProblem.CPR_NUMBER
    with pytest.raises(StateRefused):
        state.report_missing_word("ring 33 99 10 01")
    with pytest.raises(ReportError) as anonymous:
        state.file_report("sof-bcv", "Forkert nummer", user=None)
    assert anonymous.value.code is ReportProblem.NOT_SIGNED_IN
    assert str(anonymous.value) == "Log ind for at melde en fejl."
    assert state.pin("mette", "sof-bcv") == ["sof-bcv"]
    assert state.report_log().reports == []


# -- the policy at the UI edge -----------------------------------------------------------
def _policy_app() -> None:
    import streamlit as st

    import ui.state
    from directory.quality.reports import ReportError, ReportProblem
    from directory.state import StateUnavailable

    def down(state):
        raise StateUnavailable("LANDKORT_DB=postgresql+psycopg://bruger@vært:5432/db: nede")

    def refused(state):
        raise ReportError(ReportProblem.DUPLICATE, "Den samme fejl er allerede meldt.")

    st.session_state["results"] = [
        ui.state.attempt(down, failed="Kunne ikke gemmes lige nu."),
        ui.state.attempt(down, failed=None),
        ui.state.attempt(down, failed="Kan ikke hentes lige nu.", show=st.caption),
        ui.state.attempt(refused, failed="Kunne ikke gemmes lige nu."),
        ui.state.attempt(lambda state: ["sof-bcv"], failed="x"),
    ]
    if st.session_state.get("bug"):
        ui.state.attempt(lambda state: {}["no such key"], failed="x")


def test_the_ui_policy_shows_refusals_says_down_plainly_and_logs_the_details(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="landkort.state")
    at = AppTest.from_function(_policy_app, default_timeout=30).run()
    assert not at.exception
    assert at.session_state["results"] == [None, None, None, None, ["sof-bcv"]]
    assert [e.value for e in at.error] == [
        "Kunne ikke gemmes lige nu.",
        md_escape("Den samme fejl er allerede meldt."),
    ]
    assert [c.value for c in at.caption] == ["Kan ikke hentes lige nu."]
    logged = [r.getMessage() for r in caplog.records if r.name == "landkort.state"]
    assert len(logged) == 3 and all("bruger@vært:5432" in line for line in logged)
    at.session_state["bug"] = True
    at.run()
    assert at.exception  # a bug is not a database that is down: it is not swallowed


# -- item 9: the notice names nothing of the database; the pages go on ----------------------
@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("pages/soeg.py", {"q": "herberg"}),
        ("pages/soeg.py", {}),
        ("pages/enhed.py", {"id": "sof-bcv"}),
        ("pages/min_ringeliste.py", {}),
        ("pages/datakvalitet.py", {}),
    ],
)
@pytest.mark.usefixtures("app_env")
def test_the_database_down_notice_shows_no_database_details(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    down_url: str,
    page: str,
    params: dict[str, str],
) -> None:
    caplog.set_level(logging.WARNING, logger="landkort.state")
    monkeypatch.setenv("LANDKORT_DB", down_url)
    at = app_test(page, data_dir, monkeypatch, viewer="local", **params)
    assert not at.exception, [e.value for e in at.exception]
    warnings = [w.value for w in at.warning]
    assert ui.state.STORAGE_DOWN_DA in warnings, warnings
    shown = sent(at, [])
    assert [d for d in _details(down_url) if d in shown] == []
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "landkort.state")
    assert "landkort_bruger:***@127.0.0.1" in logged  # the operator's details: in the server log
    if params.get("q"):
        assert at.get("page_link")  # the search still shows its results


# -- editing never waits for the state database -------------------------------------------
@pytest.fixture
def coordinator_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_env):
    """The unit page of sof-bcv for a SOF coordinator, on data in a git repository."""
    from test_page_rediger import ACCESS, SOF_COORDINATOR

    repo = make_repo(tmp_path / "data")
    access = tmp_path / "access.yaml"
    access.write_text(ACCESS, encoding="utf-8")
    monkeypatch.setenv("LANDKORT_DATA", str(repo))
    monkeypatch.setenv("LANDKORT_ACCESS", str(access))
    monkeypatch.setenv("LANDKORT_REPORTS", str(tmp_path / "reports"))

    def run() -> AppTest:
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        app.user = dict(SOF_COORDINATOR)
        app.switch_page("pages/enhed.py")
        app.query_params["id"] = "sof-bcv"
        app.run()
        next(b for b in app.button if b.label == "Rediger").click()
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        return app

    return repo, run


def _gem(app: AppTest, description: str) -> AppTest:
    next(t for t in app.text_area if t.label == "Beskrivelse").input(description)
    next(b for b in app.button if b.label == "Gem").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.mark.git
def test_a_database_that_is_down_does_not_block_editing(
    coordinator_page, monkeypatch: pytest.MonkeyPatch, down_url: str
) -> None:
    repo, run = coordinator_page
    monkeypatch.setenv("LANDKORT_DB", down_url)
    app = run()
    assert REPORTS_UNREAD_DA in [c.value for c in app.caption]
    _gem(app, "Gemt mens databasen var nede.")
    assert any(s.value.startswith("Gemt (Beskrivelse) som ændring") for s in app.success)
    assert "Gemt mens databasen var nede." in (repo / "units/sof.yaml").read_text("utf-8")


@pytest.mark.git
def test_a_save_is_saved_when_closing_its_reports_fails_after_it(
    coordinator_page, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, app_env
) -> None:
    from sqlalchemy.exc import OperationalError

    repo, run = coordinator_page
    store = ReportStore(storage=open_storage(app_env.db))
    report = store.add("sof-bcv", "Beskrivelsen er forældet.")
    app = run()
    app.multiselect[0].select(report.id)

    def disk_full(self, report_id: str, **kwargs) -> None:  # the write after the commit
        raise OperationalError("UPDATE reports", {}, Exception("database or disk is full"))

    monkeypatch.setattr(ReportStore, "close", disk_full)
    _gem(app, "Opdateret beskrivelse.")
    sha = git(repo, "rev-parse", "HEAD").strip()
    assert [s.value for s in app.success] == [f"Gemt (Beskrivelse) som ændring {sha[:10]}."]
    assert REPORTS_NOT_CLOSED_DA in [w.value for w in app.warning]
    assert "Opdateret beskrivelse." in (repo / "units/sof.yaml").read_text("utf-8")
    assert ReportStore(storage=open_storage(app_env.db)).get(report.id).is_open


# -- item 6: who files reports, and how many ----------------------------------------------
@pytest.mark.usefixtures("app_env")
def test_the_public_view_offers_no_report_form(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    public = app_test("pages/enhed.py", data_dir, monkeypatch, viewer="network", id="sof-bcv")
    assert "Meld en fejl" not in [e.label for e in public.expander]
    assert not [t for t in public.text_area if t.label == "Hvad er forkert?"]
    assert REPORT_SIGN_IN_DA in [c.value for c in public.caption]
    staff = app_test("pages/enhed.py", data_dir, monkeypatch, viewer="staff", id="sof-bcv")
    assert "Meld en fejl" in [e.label for e in staff.expander]


def _file(at: AppTest, what: str) -> AppTest:
    next(t for t in at.text_area if t.label == "Hvad er forkert?").input(what)
    next(b for b in at.button if b.label == "Send fejlmelding").click()
    return at.run()


def test_the_limit_counts_per_user_across_browser_sessions(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, app_env
) -> None:
    """A new WebSocket is a new Streamlit session: the limit must not start again."""
    first = app_test("pages/enhed.py", data_dir, monkeypatch, viewer="staff", id="sof-bcv")
    for i in range(3):
        _file(first, f"Fejl {i} fra første fane")
    second = app_test("pages/enhed.py", data_dir, monkeypatch, viewer="staff", id="sof-bcv")
    for i in range(RATE_LIMIT - 3):
        _file(second, f"Fejl {i} fra anden fane")
    assert not second.error
    _file(second, "En fejl for meget")
    assert [e.value for e in second.error] == [
        md_escape(
            "Du har sendt mange fejlmeldinger på kort tid. Vent et par minutter, og prøv igen."
        )
    ]
    assert len(ReportStore(storage=open_storage(app_env.db)).read().reports) == RATE_LIMIT


def test_the_hourly_cap_holds_across_servers(db_url: str) -> None:
    """Two app servers (two engines) on one database: together at most HOURLY_CAP an hour."""
    from directory.storage.db import Storage

    servers = [AppState(storage=open_storage(db_url)), AppState(storage=Storage(db_url))]
    start = dt.datetime(2026, 11, 20, 10, 0)
    for i in range(HOURLY_CAP):
        servers[i % 2].file_report(
            "sof-bcv",
            f"Fejl nummer {i}",
            user=f"bruger-{i}@kk.dk",
            at=start + dt.timedelta(seconds=i),
        )
    for server in servers:
        with pytest.raises(ReportError) as info:
            server.file_report("sof-bcv", "En til", user="ny@kk.dk", at=start)
        assert info.value.code is ReportProblem.BUSY
    later = start + dt.timedelta(hours=1, minutes=5)
    servers[1].file_report("sof-bcv", "En time senere", user="ny@kk.dk", at=later)
