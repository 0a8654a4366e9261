"""AppTest of Rediger and Historik on the unit page, signed in through the real
`ui.auth.viewer()` path (st.user claims mapped by an access file)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_editing import git, make_repo

from directory import load_directory
from directory.quality.reports import ReportStore
from directory.storage import open_storage

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = [pytest.mark.usefixtures("app_env"), pytest.mark.git]

ROOT = Path(__file__).resolve().parent.parent
ACCESS = """
claim: groups
staff: [kk-medarbejdere]
coordinators:
  sof: [kk-sof-redaktion]
  bif: [kk-bif-redaktion]
admins: [kk-landkort-admin]
"""
SOF_COORDINATOR = {
    "is_logged_in": True,
    "name": "Sara Koordinator",
    "email": "sara@sof.eksempel.kk.dk",
    "groups": ["kk-sof-redaktion"],
}
BIF_COORDINATOR = {**SOF_COORDINATOR, "name": "Bo Bif", "groups": ["kk-bif-redaktion"]}
STAFF = {**SOF_COORDINATOR, "name": "Kim Medarbejder", "groups": ["kk-medarbejdere"]}
ADMIN = {**SOF_COORDINATOR, "name": "Ada Admin", "groups": ["kk-landkort-admin"]}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "data")


@pytest.fixture
def page(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    access = tmp_path / "access.yaml"
    access.write_text(ACCESS, encoding="utf-8")
    monkeypatch.setenv("LANDKORT_DATA", str(repo))
    monkeypatch.setenv("LANDKORT_ACCESS", str(access))
    monkeypatch.setenv("LANDKORT_REPORTS", str(tmp_path / "reports"))

    def run(user: dict | None, unit_id: str = "sof-bcv") -> AppTest:
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        if user is not None:
            app.user = dict(user)
        else:  # not signed in, on a server others can reach: the public view
            from streamlit import config

            config.set_option("server.address", "0.0.0.0")  # conftest's fixture restores it
        app.switch_page("pages/enhed.py")
        app.query_params["id"] = unit_id
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        return app

    return run


def buttons(app: AppTest) -> list[str]:
    return [b.label for b in app.button]


@pytest.mark.parametrize(
    ("user", "unit_id", "can_edit"),
    [
        (SOF_COORDINATOR, "sof-bcv", True),
        (ADMIN, "sof-bcv", True),
        (ADMIN, "bif-jku", True),
        (BIF_COORDINATOR, "sof-bcv", False),
        (BIF_COORDINATOR, "bif-jku", True),
        (SOF_COORDINATOR, "bif-jku", False),
        (STAFF, "sof-bcv", False),
        (None, "sof-bcv", False),
    ],
)
def test_rediger_only_for_the_departments_coordinators_and_admins(
    page, user, unit_id: str, can_edit: bool
) -> None:
    app = page(user, unit_id)
    assert ("Rediger" in buttons(app)) is can_edit
    assert "Historik" in [h.value for h in app.subheader]


def open_form(app: AppTest) -> AppTest:
    next(b for b in app.button if b.label == "Rediger").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def text_area(app: AppTest, label: str):
    return next(t for t in app.text_area if t.label == label)


def text_input(app: AppTest, label: str):
    return next(t for t in app.text_input if t.label == label)


def gem(app: AppTest) -> AppTest:
    next(b for b in app.button if b.label == "Gem").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_edit_saves_one_commit_and_the_page_shows_it(page, repo: Path) -> None:
    app = open_form(page(SOF_COORDINATOR))
    assert text_input(app, "Navn").value == "Borgercenter Voksne"
    text_area(app, "Beskrivelse").input("Ny beskrivelse fra formularen.")
    text_area(app, "Nøgleord").input("BCV\nherberg\nvoksenrådgivning")
    gem(app)
    assert any("Gemt (Beskrivelse, Nøgleord) som ændring" in s.value for s in app.success)
    body = "\n".join(m.value for m in app.markdown)
    assert "Ny beskrivelse fra formularen\\." in body
    assert git(repo, "log", "-1", "--format=%an <%ae>|%s").strip() == (
        "Sara Koordinator <sara@sof.eksempel.kk.dk>|Ret Borgercenter Voksne: beskrivelse, nøgleord"
    )
    unit = load_directory(repo).units["sof-bcv"]
    assert unit.keywords == ["BCV", "herberg", "voksenrådgivning"]
    history = "\n".join(m.value for m in app.markdown)
    assert "Sara Koordinator" in history
    assert (
        "**Beskrivelse**: før: »Hjælp til udsatte voksne\\.«; "
        "nu: »Ny beskrivelse fra formularen\\.«" in history
    )


def test_invalid_hours_are_shown_by_the_field_and_the_input_stays(page, repo: Path) -> None:
    before = (repo / "units/sof.yaml").read_bytes()
    app = open_form(page(SOF_COORDINATOR))
    text_area(app, "Beskrivelse").input("Min nye tekst.")
    text_input(app, "Åbningstiden som tekst").input("hverdage 9-15")
    gem(app)
    assert [e.value for e in app.error] == [
        "**Åbningstider:** hours\\: \\'hverdage 9\\-15\\' kan ikke læses som åbningstid\\. "
        'Skriv fx \\"Mo\\-Th 09\\:00\\-15\\:00; Fr 09\\:00\\-13\\:00; PH off\\" '
        "\\(engelske dagforkortelser og 24\\-timers tid med to cifre\\)\\."
    ]
    assert text_area(app, "Beskrivelse").value == "Min nye tekst."
    assert (repo / "units/sof.yaml").read_bytes() == before


def test_conflict_keeps_the_input_and_shows_what_changed(page, repo: Path) -> None:
    from directory.editing import Author, Editor

    app = open_form(page(SOF_COORDINATOR))
    text_area(app, "Beskrivelse").input("Min version.")
    editor = Editor(repo)
    state = editor.open("sof-bcv")
    editor.save(
        state,
        {**state.record, "description": "Kollegas version."},
        state.referrals,
        Author("Kollega", "kollega@sof.eksempel.kk.dk"),
    )
    gem(app)
    [warning] = app.warning[:1]
    assert "Nogen har gemt en ændring, mens du redigerede" in warning.value
    assert "»Kollegas version\\.«" in warning.value
    assert text_area(app, "Beskrivelse").value == "Min version."
    assert load_directory(repo).units["sof-bcv"].description == "Kollegas version."
    gem(app)  # a second Gem, after seeing the change, saves the user's version
    assert load_directory(repo).units["sof-bcv"].description == "Min version."


def test_a_report_fixed_by_the_edit_is_closed_with_the_commit(
    page, repo: Path, tmp_path: Path, app_env
) -> None:
    store = ReportStore(storage=open_storage(app_env.db))
    report = store.add("sof-bcv", "Beskrivelsen er forældet.")
    app = open_form(page(SOF_COORDINATOR))
    text_area(app, "Beskrivelse").input("Opdateret beskrivelse.")
    app.multiselect[0].select(report.id)
    gem(app)
    sha = git(repo, "rev-parse", "HEAD").strip()
    [closed] = [r for r in store.read().reports if r.id == report.id]
    assert closed.closed_by == "Sara Koordinator"
    assert closed.close_note == f"Rettet ved redigering: commit {sha[:10]}"


def test_undo_from_the_history(page, repo: Path) -> None:
    app = open_form(page(SOF_COORDINATOR))
    text_area(app, "Beskrivelse").input("Forkert tekst.")
    gem(app)
    next(b for b in app.button if b.label == "Fortryd denne ændring").click()
    app.run()
    assert load_directory(repo).units["sof-bcv"].description == "Hjælp til udsatte voksne."
    assert git(repo, "log", "-1", "--format=%s").strip().startswith("Fortryd ")


def test_not_a_git_repository_the_page_says_why(page, repo: Path) -> None:
    subprocess.run(["rm", "-rf", str(repo / ".git")], check=True)
    app = page(SOF_COORDINATOR)
    assert "Rediger" not in buttons(app)
    reason = "Redigering er slået fra: datamappen er ikke et git-repository"
    assert any(i.value.startswith(reason) for i in app.info)
    assert any(c.value.startswith(reason) for c in app.caption)


def historik(app: AppTest) -> str:
    """The Historik entries of a unit page (each starts with its time, in bold)."""
    return "\n".join(
        m.value for m in app.markdown if re.match(r"\*\*\d\d\.\d\d\.\d{4} kl\. ", m.value)
    )


def test_history_shows_staff_only_values_and_authors_to_staff_only(page, repo: Path) -> None:
    """Issue 26 item 1: a coordinator wrote a fast-track number and a colleague's name into
    how_to_refer. Staff see it in Historik with the author; a visitor who is not signed in
    sees in Historik neither the number (also once it has left the data) nor the name nor
    who saved it; the page shows the number as the public view does."""
    from directory.editing import Author, Editor

    kirsten = Author("Kollega Kirsten", "kollega@sof.eksempel.kk.dk")
    editor = Editor(repo)
    state = editor.open("sof-bcv")
    phones = [dict(p) for p in state.record["phones"]]
    phones[1]["number"] = "33 99 93 34"  # the fast-track line gets a new number
    text = "Ring fast-track 33 99 93 34 (Mette Test)."
    editor.save(
        state, {**state.record, "phones": phones, "how_to_refer": text}, state.referrals, kirsten
    )
    staff = "\n".join(m.value for m in page(STAFF).markdown)
    assert "Kollega Kirsten" in staff
    assert "»Ring fast\\-track 33 99 93 34 \\(Mette Test\\)\\.«" in staff
    assert "33 99 93 34 · fast\\-track" in staff  # the phone itself, as staff read it
    scrubbed = (
        "»Ring fast\\-track \\[internt nummer fjernet\\] \\(\\[kontaktperson fjernet\\]\\)\\.«"
    )
    public = page(None)
    shown = "\n".join(m.value for m in public.markdown)
    assert "Kollega" not in shown  # no author
    assert "33 99 93 34" not in shown  # the page and Historik
    history = historik(public)
    assert "Mette" not in history
    assert f"- **Sådan henviser du**: nu: {scrubbed}" in history
    assert "- **Telefoner**: ændret (kun synligt for personale)" in history
    # the number and the text leave the data: Historik still shows the old text, scrubbed
    state = editor.open("sof-bcv")
    editor.save(
        state,
        {**state.record, "phones": state.record["phones"][:1], "how_to_refer": "Ring."},
        state.referrals,
        kirsten,
    )
    history = historik(page(None))
    assert "33 99 93 34" not in history and "Mette" not in history and "Kollega" not in history
    assert f"- **Sådan henviser du**: før: {scrubbed}; nu: »Ring\\.«" in history


def test_gem_without_changes_commits_nothing(page, repo: Path) -> None:
    app = open_form(page(SOF_COORDINATOR))
    gem(app)
    assert [e.value for e in app.error] == ["**Hele enheden:** Ingen ændringer at gemme\\."]
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "1"


def test_the_forms_tables_give_back_every_unit_of_the_demo_data_unchanged(
    demo_data_dir: Path,
) -> None:
    """Form -> record for demo units (every 8th), untouched: the same record and referrals, so
    opening the form and saving can never change what the form does not show."""
    from directory.editing import Editor
    from directory.rules import weekhours
    from ui.rediger import (
        HoursInput,
        backup_options,
        contacts_frame,
        form_record,
        form_referrals,
        hours_frame,
        phones_frame,
        referrals_frame,
        special_frame,
        unit_options,
    )

    editor = Editor(demo_data_dir)
    directory = load_directory(demo_data_dir)
    for unit_id in list(directory.units)[::8]:  # a sample
        state = editor.open(unit_id)
        record = state.record
        lists = {
            f: "\n".join(record.get(f) or [])
            for f in ("responsibilities", "target_groups", "keywords")
        }
        backups = backup_options(directory, directory.units[unit_id], record)
        units = unit_options(directory, unit_id)
        contacts = contacts_frame(record, backups)
        assert "Id" not in contacts.columns and "_id" in contacts.columns  # never shown
        hours = str(record.get("hours") or "")
        week = weekhours.to_rows(hours)
        assert week is not None, hours
        rows = HoursInput(
            hours, hours_frame(week), week.holidays_closed, special_frame(week), hours
        )
        again = form_record(
            record,
            name=record["name"],
            description=record.get("description", ""),
            lists=lists,
            hours=rows.value(),
            phones=phones_frame(record),
            contacts=contacts,
            how_to_refer=record.get("how_to_refer", ""),
            backups={label: cid for cid, label in backups.items()},
            taken=set(directory.contacts),
        )
        assert again == record, unit_id
        referrals = referrals_frame(state, units)
        assert not set(referrals["Til"]) & set(directory.units)  # names, not ids
        targets = {label: uid for uid, label in units.items()}
        assert form_referrals(state, referrals, targets) == state.referrals, unit_id


def test_ny_enhed_and_flyt_are_there_without_rediger(page) -> None:
    app = page(SOF_COORDINATOR)
    assert {"Opret enhed", "Flyt", "Nedlæg", "Rediger", "Bekræft: intet er ændret"} <= set(
        buttons(app)
    )
    assert "Id" not in [t.label for t in app.text_input]  # no raw ids to type


def test_ny_enhed_creates_a_team_and_opens_its_page(page, repo: Path) -> None:
    app = page(SOF_COORDINATOR)
    text_input(app, "Navn på den nye enhed").input("Aftenteamet")
    next(b for b in app.button if b.label == "Opret enhed").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "Aftenteamet"
    unit = load_directory(repo).units["sof-aftenteamet"]
    assert (unit.parent, unit.department) == ("sof-bcv", "sof")
    assert git(repo, "log", "-1", "--format=%an|%s").strip() == (
        "Sara Koordinator|Ny enhed Aftenteamet under Borgercenter Voksne"
    )


def test_nedlaeg_is_refused_while_a_unit_lies_under_it(page, repo: Path) -> None:
    app = page(SOF_COORDINATOR)
    next(c for c in app.checkbox if c.label.startswith("Ja, nedlæg")).check()
    app.run()
    next(b for b in app.button if b.label == "Nedlæg").click()
    app.run()
    assert (
        "**Hele enheden:** Enheden »Hjemløse\\- og Udsatteenheden« ligger under den\\. "
        "Flyt den først\\." in [e.value for e in app.error]
    )
    assert "sof-bcv" in load_directory(repo).units


def test_bekraeft_records_checked_today_as_one_commit(page, repo: Path) -> None:
    from directory.rules import clock

    app = page(SOF_COORDINATOR)
    next(b for b in app.button if b.label == "Bekræft: intet er ændret").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    sha = git(repo, "rev-parse", "HEAD").strip()
    assert [s.value for s in app.success] == [
        f"Bekræftet: sidst kontrolleret i dag (ændring {sha[:10]})."
    ]
    assert git(repo, "log", "-1", "--format=%an|%s").strip() == (
        "Sara Koordinator|Bekræft Borgercenter Voksne: intet ændret"
    )
    assert git(repo, "show", "--stat", "--format=", "HEAD").count("|") == 1
    assert load_directory(repo).units["sof-bcv"].verified == clock.today()
    history = "\n".join(m.value for m in app.markdown)
    assert "- **Sidst kontrolleret**: før: »01\\.09\\.2026«; nu: »" in history


def test_historik_is_in_copenhagen_time(page, repo: Path) -> None:
    """A commit made at 23:30 UTC on a server in UTC is shown as the next day, 00:30 or
    01:30 Copenhagen time."""
    import os
    import subprocess

    sof = repo / "units/sof.yaml"
    sof.write_text(
        sof.read_text(encoding="utf-8").replace("Hjælp til udsatte", "Hjælp til alle"),
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": "2026-11-24T23:30:00+00:00",
        "GIT_COMMITTER_DATE": "2026-11-24T23:30:00+00:00",
    }
    subprocess.run(["git", "commit", "-qam", "x"], cwd=repo, env=env, check=True)
    shown = "\n".join(m.value for m in page(STAFF).markdown)
    assert "**25.11.2026 kl. 00:30**" in shown
