"""AppTest of Rediger and Historik on the unit page, signed in through the real
`ui.auth.viewer()` path (st.user claims mapped by an access file)."""

from __future__ import annotations

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
        "Sara Koordinator <sara@sof.eksempel.kk.dk>|Edit sof-bcv: description, keywords"
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
    text_input(app, "Åbningstider").input("hverdage 9-15")
    gem(app)
    assert [e.value for e in app.error] == [
        "**Åbningstider:** »hverdage 9\\-15« kan ikke læses som åbningstid\\. Skriv fx "
        '\\"Mo\\-Th 09\\:00\\-15\\:00; Fr 09\\:00\\-13\\:00; PH off\\" \\(engelske '
        "dagforkortelser og 24\\-timers tid med to cifre\\)\\."
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
    assert git(repo, "log", "-1", "--format=%s").strip().startswith("Undo ")


def test_not_a_git_repository_the_page_says_why(page, repo: Path) -> None:
    subprocess.run(["rm", "-rf", str(repo / ".git")], check=True)
    app = page(SOF_COORDINATOR)
    assert "Rediger" not in buttons(app)
    reason = f"Redigering er slået fra: datamappen ({repo}) er ikke et git-repository"
    assert any(i.value.startswith(reason) for i in app.info)
    assert any(c.value.startswith(reason) for c in app.caption)


@pytest.mark.parametrize(
    ("user", "shown"),
    [
        (None, "- **Telefoner**: ændret (kun synligt for personale)"),
        (
            STAFF,
            "- **Telefoner**: før: »number\\: 33 17 41 22«; nu: »number\\: 33 17 41 23«",
        ),
    ],
)
def test_history_shows_staff_only_values_to_staff_only(page, repo: Path, user, shown) -> None:
    from directory.editing import Author, Editor

    editor = Editor(repo)
    state = editor.open("sof-bcv")
    phones = [dict(p) for p in state.record["phones"]]
    phones[0]["number"] = "33 17 41 23"
    editor.save(
        state,
        {**state.record, "phones": phones},
        state.referrals,
        Author("Kollega", "kollega@sof.eksempel.kk.dk"),
    )
    app = page(user)
    [entry] = [m.value for m in app.markdown if "Kollega" in m.value]
    assert entry.splitlines()[1] == shown
    assert ("33 17 41 23" in entry) is (user is not None)


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
    from ui.rediger import (
        contacts_frame,
        form_record,
        form_referrals,
        phones_frame,
        referrals_frame,
    )

    editor = Editor(demo_data_dir)
    for unit_id in list(load_directory(demo_data_dir).units)[::8]:  # ruamel is slow: a sample
        state = editor.open(unit_id)
        record = state.record
        lists = {
            f: "\n".join(record.get(f) or [])
            for f in ("responsibilities", "target_groups", "keywords")
        }
        again = form_record(
            record,
            name=record["name"],
            description=record.get("description", ""),
            lists=lists,
            hours=record.get("hours", ""),
            phones=phones_frame(record),
            contacts=contacts_frame(record),
        )
        assert again == record, unit_id
        assert form_referrals(state, referrals_frame(state)) == state.referrals, unit_id


def test_ny_enhed_creates_a_team_and_opens_its_page(page, repo: Path) -> None:
    app = open_form(page(SOF_COORDINATOR))
    next(t for t in app.text_input if t.label == "Id").input("sof-bcv-aftenteam")
    [name] = [t for t in app.text_input if t.label == "Navn"][1:]
    name.input("Aftenteamet")
    next(b for b in app.button if b.label == "Opret enhed").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "Aftenteamet"
    unit = load_directory(repo).units["sof-bcv-aftenteam"]
    assert (unit.parent, unit.department) == ("sof-bcv", "sof")
    assert git(repo, "log", "-1", "--format=%an|%s").strip() == (
        "Sara Koordinator|New unit sof-bcv-aftenteam under sof-bcv"
    )


def test_nedlaeg_is_refused_while_a_unit_lies_under_it(page, repo: Path) -> None:
    app = open_form(page(SOF_COORDINATOR))
    next(c for c in app.checkbox if c.label.startswith("Ja, nedlæg")).check()
    app.run()
    next(b for b in app.button if b.label == "Nedlæg").click()
    app.run()
    assert "**Hele enheden:** Enheden »sof\\-hjemloese« ligger under den\\. Flyt den først\\." in [
        e.value for e in app.error
    ]
    assert "sof-bcv" in load_directory(repo).units
