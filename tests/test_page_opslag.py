"""AppTest of "Opslag" on the unit page: a coordinator sets and clears a unit's temporary
notice through the editing service (one commit each, Danish commit message)."""

# ruff: noqa: F811 (the fixtures `page` and `repo` of test_page_rediger, taken as arguments)

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import set_clock
from streamlit.testing.v1 import AppTest
from test_editing import git
from test_page_rediger import (  # noqa: F401 (`page` and `repo`: fixtures, used by name)
    ADMIN,
    BIF_COORDINATOR,
    SOF_COORDINATOR,
    STAFF,
    page,
    repo,
)

from directory import load_directory
from directory.editing.fields import CPR_MESSAGE
from directory.rules.notices import notice_line
from ui.escape import md_escape
from ui.notice import (
    CLEAR_DA,
    EMPTY_TEXT_DA,
    PAST_DATE_DA,
    SAVE_DA,
    check_notice,
    commit_message,
    notice_record,
)

# These tests run the app as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")

NOON = dt.datetime(2026, 11, 24, 12, 0)
UNTIL = dt.date(2026, 12, 31)


@pytest.fixture(autouse=True)
def tuesday(monkeypatch: pytest.MonkeyPatch) -> None:
    set_clock(monkeypatch, NOON)


def has_section(app: AppTest) -> bool:
    return any(e.label == "Opslag" for e in app.expander)


def fill(app: AppTest, text: str, until: dt.date = UNTIL, paused: bool = False) -> AppTest:
    next(t for t in app.text_area if t.label == "Opslagets tekst").input(text)
    next(d for d in app.date_input if d.label == "Vises til og med").set_value(until)
    box = next(c for c in app.checkbox if "tager ikke imod henvisninger" in c.label)
    box.check() if paused else box.uncheck()
    return click(app, SAVE_DA)


def click(app: AppTest, label: str) -> AppTest:
    next(b for b in app.button if b.label == label).click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.mark.parametrize(
    ("user", "unit_id", "shown"),
    [
        (SOF_COORDINATOR, "sof-bcv", True),
        (ADMIN, "bif-jku", True),
        (BIF_COORDINATOR, "sof-bcv", False),
        (STAFF, "sof-bcv", False),
        (None, "sof-bcv", False),
    ],
)
def test_only_the_department_s_coordinators_see_opslag(
    page, user, unit_id: str, shown: bool
) -> None:
    assert has_section(page(user, unit_id)) is shown


def test_a_coordinator_sets_a_paused_notice_as_one_commit(page, repo: Path) -> None:
    before = (repo / "units/sof.yaml").read_text(encoding="utf-8")
    app = fill(page(SOF_COORDINATOR), "Ventelisten er fuld i december.", paused=True)
    (done,) = [s.value for s in app.success]
    assert done.startswith("Opslaget er gemt som ændring ")
    assert git(repo, "log", "-1", "--format=%an <%ae>|%s").strip() == (
        "Sara Koordinator <sara@sof.eksempel.kk.dk>|Opslag på Borgercenter Voksne til og med "
        "31.12.2026 (tager ikke imod henvisninger): Ventelisten er fuld i december."
    )
    after = (repo / "units/sof.yaml").read_text(encoding="utf-8")
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert added[0].startswith("    verified: ")  # every save marks the unit as checked today
    assert added[1:] == [
        "    notice:",
        "      text: Ventelisten er fuld i december.",
        "      until: 2026-12-31",  # a date, unquoted, like `verified`
        "      referrals: paused",
    ]
    removed = [line for line in before.splitlines() if line not in after.splitlines()]
    assert [line.split(":")[0] for line in removed] == ["    verified"]
    notice = load_directory(repo).units["sof-bcv"].notice
    assert notice is not None and notice.paused and notice.until == UNTIL
    assert md_escape(notice_line(notice)) in [w.value for w in app.warning]  # shown at once


def test_a_coordinator_changes_and_clears_the_notice(page, repo: Path) -> None:
    app = fill(page(SOF_COORDINATOR), "Lukket mellem jul og nytår.")
    assert next(t for t in app.text_area if t.label == "Opslagets tekst").value == (
        "Lukket mellem jul og nytår."
    )
    app = fill(app, "Lukket mellem jul og nytår. Ring til Døgnvagten.", dt.date(2027, 1, 2))
    notice = load_directory(repo).units["sof-bcv"].notice
    assert notice is not None and notice.until == dt.date(2027, 1, 2) and not notice.paused
    app = click(app, CLEAR_DA)
    assert [s.value for s in app.success][0].startswith("Opslaget er fjernet som ændring ")
    assert git(repo, "log", "-1", "--format=%s").strip() == "Opslag fjernet fra Borgercenter Voksne"
    assert load_directory(repo).units["sof-bcv"].notice is None
    assert "notice" not in (repo / "units/sof.yaml").read_text(encoding="utf-8")
    assert not [b for b in app.button if b.label == CLEAR_DA]


def test_an_empty_text_is_refused_by_the_field_and_nothing_is_committed(page, repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD")
    app = fill(page(SOF_COORDINATOR), "   ")
    assert [e.value for e in app.error] == [md_escape(EMPTY_TEXT_DA)]
    assert git(repo, "rev-parse", "HEAD") == head


def test_a_cpr_number_is_refused_by_the_editing_service(page, repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD")
    app = fill(page(SOF_COORDINATOR), "Ring om borger 010203-1234.")
    assert [e.value for e in app.error] == [md_escape(CPR_MESSAGE)]
    assert git(repo, "rev-parse", "HEAD") == head


def test_the_form_s_rules_word_for_word() -> None:
    today = NOON.date()
    assert check_notice("", today, today) == ["Skriv opslagets tekst, eller fjern opslaget."]
    assert check_notice("x", today - dt.timedelta(days=1), today) == [
        "Datoen er passeret: vælg i dag eller en senere dag."
    ]
    assert PAST_DATE_DA == "Datoen er passeret: vælg i dag eller en senere dag."
    assert check_notice("Lukket", today, today) == []  # today itself is fine


def test_the_notice_record_and_commit_message() -> None:
    record = notice_record(" Lukket \n i juli ", dt.date(2027, 7, 31), False)
    assert record == {"text": "Lukket i juli", "until": dt.date(2027, 7, 31)}
    assert (
        commit_message("Borgercenter Voksne", record)
        == "Opslag på Borgercenter Voksne til og med 31.07.2027: Lukket i juli"
    )
    assert commit_message("Borgercenter Voksne", None) == "Opslag fjernet fra Borgercenter Voksne"
