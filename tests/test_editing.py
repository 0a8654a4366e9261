"""Editing core: round-trip edits in real git repositories under tmp_path."""

from __future__ import annotations

import datetime as dt
import difflib
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import SMALL_DATA, write_data

from directory import load_directory
from directory.editing import (
    Author,
    EditConflict,
    EditError,
    Editor,
    EditRefused,
)
from directory.editing.yamledit import YamlDoc, merge, plain

# Every test here edits a data directory in a git repository of its own.
pytestmark = pytest.mark.git

ALICE = Author("Alice Koordinator", "alice@sof.eksempel.kk.dk")
BOB = Author("Bob Redaktør", "bob@sof.eksempel.kk.dk")
TODAY = dt.date(2026, 11, 24)
COMMENTED_SOF = (
    "        # Vedligeholdes af SOF. Denne kommentar skal blive stående.\n"
    + SMALL_DATA["units/sof.yaml"]
    .lstrip("\n")
    .replace(
        "            description: Hjælp til udsatte voksne.\n",
        "            # beskrivelsen er godkendt af lederen\n"
        "            description: Hjælp til udsatte voksne.\n",
    )
)


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def make_repo(root: Path) -> Path:
    """A data directory in a fresh git repository, everything committed."""
    return commit_all(write_data(root, {**SMALL_DATA, "units/sof.yaml": COMMENTED_SOF}))


def commit_all(root: Path) -> Path:
    """`root` as a fresh git repository with everything committed."""
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test Setup")
    git(root, "config", "user.email", "setup@example.org")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Initial data")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "data")


@pytest.fixture
def editor(repo: Path) -> Editor:
    return Editor(repo, today=TODAY)


def edited(state, **changes):
    return {**state.record, **changes}


def test_one_field_edit_changes_only_that_fields_lines(editor: Editor, repo: Path) -> None:
    before = (repo / "units/sof.yaml").read_text(encoding="utf-8")
    state = editor.open("sof-bcv")
    result = editor.save(
        state, edited(state, description="Ny beskrivelse."), state.referrals, ALICE
    )
    after = (repo / "units/sof.yaml").read_text(encoding="utf-8")
    diff = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert diff == [
        "-    description: Hjælp til udsatte voksne.",
        "+    description: Ny beskrivelse.",
    ]
    assert "# beskrivelsen er godkendt af lederen" in after
    assert after.startswith("# Vedligeholdes af SOF.")
    assert result.fields == ["description"]
    assert result.message == "Edit sof-bcv: description"


def test_save_is_one_commit_by_the_author_naming_unit_and_fields(
    editor: Editor, repo: Path
) -> None:
    state = editor.open("sof-bcv")
    phones = [dict(p) for p in state.record["phones"]]
    phones[0]["number"] = "33 17 41 23"
    record = edited(state, description="Ny beskrivelse.", phones=phones)
    result = editor.save(state, record, state.referrals, ALICE)
    log = git(repo, "log", "--format=%an|%ae|%s", "-n", "2").splitlines()
    assert log == [
        "Alice Koordinator|alice@sof.eksempel.kk.dk|Edit sof-bcv: description, phones",
        "Test Setup|setup@example.org|Initial data",
    ]
    assert git(repo, "rev-parse", "HEAD").strip() == result.sha
    assert git(repo, "status", "--porcelain") == ""
    unit = load_directory(repo).units["sof-bcv"]
    assert unit.description == "Ny beskrivelse."
    assert unit.phones[0].number == "33 17 41 23"


def test_a_failed_write_says_why_in_danish_and_changes_nothing(
    editor: Editor, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from directory.editing.gitrepo import Repo

    def refuse(*_: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Repo, "commit", refuse)
    before = (repo / "units/sof.yaml").read_text(encoding="utf-8")
    state = editor.open("sof-bcv")
    with pytest.raises(EditError) as info:
        editor.save(state, edited(state, description="Ny."), state.referrals, ALICE)
    assert str(info.value) == (
        "Ændringen kunne ikke gemmes (ingen adgang). Intet er ændret; prøv igen, eller skriv "
        "til den, der driver landkortet."
    )
    assert (repo / "units/sof.yaml").read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("17:45", '    description: "17:45"'),
        ("no", '    description: "no"'),
        ("012345", '    description: "012345"'),
        ("2026-01-01", '    description: "2026-01-01"'),
        ("Åben: hverdage", "    description: 'Åben: hverdage'"),
    ],
)
def test_strings_yaml_1_1_would_mangle_are_quoted(
    editor: Editor, repo: Path, value: str, line: str
) -> None:
    state = editor.open("sof-bcv")
    editor.save(state, edited(state, description=value), state.referrals, ALICE)
    assert line in (repo / "units/sof.yaml").read_text(encoding="utf-8").splitlines()
    assert load_directory(repo, today=TODAY).units["sof-bcv"].description == value


def test_new_key_goes_to_its_place_in_the_contract_order(editor: Editor, repo: Path) -> None:
    state = editor.open("sof-dognvagt")
    editor.save(state, edited(state, description="Akut hjælp."), state.referrals, ALICE)
    text = (repo / "units/sof.yaml").read_text(encoding="utf-8")
    block = text[text.index("- id: sof-dognvagt") :]
    assert block.splitlines()[:4] == [
        "- id: sof-dognvagt",
        "    name: Døgnvagten",
        "    department: sof",
        "    description: Akut hjælp.",
    ]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"name": " "},
            "name",
            "Skriv enhedens navn.",
        ),
        (
            {"hours": "mandag 9-15"},
            "hours",
            "»mandag 9-15« kan ikke læses som åbningstid. Skriv fx "
            '"Mo-Th 09:00-15:00; Fr 09:00-13:00; PH off" (engelske dagforkortelser og '
            "24-timers tid med to cifre).",
        ),
        (
            {"phones": [{"number": "12"}]},
            "phones",
            "række 1: »12« er ikke et gyldigt telefonnummer. Skriv et dansk nummer som "
            '"33 66 33 66", et udenlandsk som "+46 8 123 456 78" eller et kort nummer som "1813".',
        ),
        (
            {"description": "Borger 010190-1234 ringede."},
            "description",
            "Teksten ser ud til at indeholde et CPR-nummer. Landkortet må aldrig gemme "
            "CPR-numre: fjern det.",
        ),
        (
            {"contacts": [{"id": "k-bcv-1", "name": "Mette Test", "email": "mette"}]},
            "contacts",
            "række 1: »mette« ligner ikke en e-mailadresse. Skriv den som navn@domæne.dk.",
        ),
    ],
)
def test_invalid_form_writes_nothing_and_names_the_field(
    editor: Editor, repo: Path, change: dict, field: str, message: str
) -> None:
    before = (repo / "units/sof.yaml").read_bytes()
    state = editor.open("sof-bcv")
    with pytest.raises(EditRefused) as caught:
        editor.save(state, edited(state, **change), state.referrals, ALICE)
    assert [(e.field, e.message) for e in caught.value.errors] == [(field, message)]
    assert (repo / "units/sof.yaml").read_bytes() == before
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "1"


def test_unknown_referral_target_is_refused_in_danish(editor: Editor) -> None:
    state = editor.open("sof-bcv")
    referrals = [*state.referrals, {"to": "sof-findes-ikke", "needs": ["bolig"]}]
    with pytest.raises(EditRefused) as caught:
        editor.save(state, state.record, referrals, ALICE)
    assert [(e.field, e.message) for e in caught.value.errors] == [
        (
            "referrals",
            "række 3: enheden »sof-findes-ikke« findes ikke. Skriv id'et på en enhed i landkortet.",
        )
    ]


def test_whole_directory_validation_catches_what_the_form_cannot(
    editor: Editor, repo: Path
) -> None:
    """A backup that names a contact who does not exist: only the directory check sees it."""
    state = editor.open("sof-bcv")
    contacts = [dict(c) for c in state.record["contacts"]]
    contacts[0]["backup"] = "k-ingen"
    before = (repo / "units/sof.yaml").read_bytes()
    with pytest.raises(EditRefused) as caught:
        editor.save(state, edited(state, contacts=contacts), state.referrals, ALICE)
    [error] = caught.value.errors
    assert error.field == "contacts"
    assert error.message.startswith("Datafilen ville få en fejl (units/sof.yaml, linje ")
    assert error.message.endswith(
        ": backup: kontaktpersonen 'k-ingen' findes ikke (id'erne står i enhedernes contacts))."
    )
    assert (repo / "units/sof.yaml").read_bytes() == before


def test_outgoing_referrals_are_edited_added_and_removed(editor: Editor, repo: Path) -> None:
    state = editor.open("sof-bcv")
    assert [r["to"] for r in state.referrals] == ["sof-hjemloese", "bif-ydelse"]
    first = {**state.referrals[0], "needs": ["hjemløshed", "gadeliv"]}
    new = {"to": "sof-dognvagt", "needs": ["akut husly"], "how": "Ring først."}
    result = editor.save(state, state.record, [first, new], ALICE)
    assert result.fields == ["referrals"]
    directory = load_directory(repo, today=TODAY)
    out = {r.to: r for r in directory.referrals_from["sof-bcv"]}
    assert sorted(out) == ["sof-dognvagt", "sof-hjemloese"]
    assert out["sof-hjemloese"].needs == ["hjemløshed", "gadeliv"]
    assert out["sof-dognvagt"].how == "Ring først."
    assert git(repo, "log", "-1", "--format=%s").strip() == "Edit sof-bcv: referrals"


def test_conflict_on_the_same_unit_overwrites_nothing_and_says_what_changed(
    editor: Editor, repo: Path
) -> None:
    alice = editor.open("sof-bcv")
    bob = editor.open("sof-bcv")
    editor.save(bob, edited(bob, description="Bobs tekst."), bob.referrals, BOB)
    with pytest.raises(EditConflict) as caught:
        editor.save(alice, edited(alice, description="Alices tekst."), alice.referrals, ALICE)
    assert caught.value.files == ["units/sof.yaml"]
    [change] = caught.value.changes
    assert (change.field, change.removed, change.added) == (
        "description",
        ("Hjælp til udsatte voksne.",),
        ("Bobs tekst.",),
    )
    assert load_directory(repo, today=TODAY).units["sof-bcv"].description == "Bobs tekst."


def test_two_editors_saving_the_same_file_at_once_lose_nothing(editor: Editor, repo: Path) -> None:
    """Two threads edit two units of units/sof.yaml at the same moment: both changes land,
    as two commits, under the lock."""
    states = {uid: editor.open(uid) for uid in ("sof-bcv", "sof-dognvagt")}
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def save(uid: str, author: Author) -> None:
        try:
            barrier.wait()
            state = states[uid]
            Editor(repo, today=TODAY).save(
                state,
                edited(state, description=f"Tekst fra {author.name}."),
                state.referrals,
                author,
            )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=save, args=("sof-bcv", ALICE)),
        threading.Thread(target=save, args=("sof-dognvagt", BOB)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    units = load_directory(repo, today=TODAY).units
    assert units["sof-bcv"].description == "Tekst fra Alice Koordinator."
    assert units["sof-dognvagt"].description == "Tekst fra Bob Redaktør."
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "3"
    assert git(repo, "status", "--porcelain") == ""


def test_not_a_git_repository_turns_editing_off(tmp_path: Path) -> None:
    data = write_data(tmp_path / "data", SMALL_DATA)
    editor = Editor(data)
    assert editor.off_reason() == (
        f"Redigering er slået fra: datamappen ({data}) er ikke et git-repository, så ændringer "
        "ikke kan gemmes med historik. Bed driften køre `git init` i datamappen og committe "
        "filerne."
    )
    state = editor.open("sof-bcv")
    with pytest.raises(EditError):
        editor.save(state, edited(state, description="x"), state.referrals, ALICE)


def test_history_lists_who_when_and_a_readable_field_diff(editor: Editor, repo: Path) -> None:
    state = editor.open("sof-bcv")
    editor.save(state, edited(state, description="Ny beskrivelse."), state.referrals, ALICE)
    state = editor.open("sof-dognvagt")
    editor.save(state, edited(state, owner="SOF"), state.referrals, BOB)  # another unit
    [entry, initial] = editor.history("sof-bcv")
    assert entry.commit.author == "Alice Koordinator"
    assert entry.commit.email == "alice@sof.eksempel.kk.dk"
    assert entry.commit.when.startswith(str(dt.date.today().year))
    assert [(c.label, c.removed, c.added) for c in entry.changes] == [
        ("Beskrivelse", ("Hjælp til udsatte voksne.",), ("Ny beskrivelse.",))
    ]
    assert entry.undoable
    assert initial.commit.subject == "Initial data"
    assert not initial.undoable


def test_undo_is_a_new_validated_commit(editor: Editor, repo: Path) -> None:
    state = editor.open("sof-bcv")
    done = editor.save(state, edited(state, description="Forkert tekst."), state.referrals, BOB)
    result = editor.undo("sof-bcv", done.sha, ALICE)
    assert load_directory(repo, today=TODAY).units["sof-bcv"].description == (
        "Hjælp til udsatte voksne."
    )
    assert git(repo, "log", "-1", "--format=%an|%s").strip() == (
        f"Alice Koordinator|Undo {done.sha[:10]}: Edit sof-bcv: description"
    )
    assert result.fields == ["description"]


def test_undo_refuses_when_the_field_changed_again(editor: Editor) -> None:
    state = editor.open("sof-bcv")
    first = editor.save(state, edited(state, description="Første."), state.referrals, BOB)
    state = editor.open("sof-bcv")
    editor.save(state, edited(state, description="Anden."), state.referrals, BOB)
    with pytest.raises(EditRefused) as caught:
        editor.undo("sof-bcv", first.sha, ALICE)
    assert str(caught.value.errors[0].message) == (
        "Ændringen kan ikke fortrydes: Beskrivelse er ændret igen siden. "
        "Ret feltet i formularen i stedet."
    )


def test_new_team_under_a_unit(editor: Editor, repo: Path) -> None:
    result = editor.create(
        "sof-bcv",
        {"id": "sof-bcv-nyt-team", "name": "Nyt team", "phones": [{"number": "33 17 41 99"}]},
        ALICE,
    )
    unit = load_directory(repo, today=TODAY).units["sof-bcv-nyt-team"]
    assert (unit.parent, unit.department, unit.verified) == ("sof-bcv", "sof", TODAY)
    assert result.message == "New unit sof-bcv-nyt-team under sof-bcv"
    with pytest.raises(EditRefused) as caught:
        editor.create("sof-bcv", {"id": "sof-bcv-nyt-team", "name": "Igen"}, ALICE)
    assert caught.value.errors[0].message == "Id »sof-bcv-nyt-team« findes allerede. Vælg et andet."


def test_move_to_another_department_file(editor: Editor, repo: Path) -> None:
    state = editor.open("sof-dognvagt")
    editor.move(state, "bif", "bif-jku", ALICE)
    directory = load_directory(repo, today=TODAY)
    unit = directory.units["sof-dognvagt"]
    assert (unit.department, unit.parent) == ("bif", "bif-jku")
    assert unit.source.path.endswith("units/bif.yaml")
    assert "sof-dognvagt" not in (repo / "units/sof.yaml").read_text(encoding="utf-8")
    assert git(repo, "log", "-1", "--format=%s").strip() == "Move sof-dognvagt to bif/bif-jku"


def test_retire_removes_referrals_and_refuses_dangling_references(
    editor: Editor, repo: Path
) -> None:
    with pytest.raises(EditRefused) as caught:
        editor.retire(editor.open("sof-bcv"), ALICE)
    assert [e.message for e in caught.value.errors] == [
        "Enheden »sof-hjemloese« ligger under den. Flyt den først."
    ]
    editor.retire(editor.open("sof-dognvagt"), ALICE)
    directory = load_directory(repo, today=TODAY)
    assert "sof-dognvagt" not in directory.units
    assert all("sof-dognvagt" not in (r.from_, r.to) for r in directory.referrals)
    assert (
        git(repo, "log", "-1", "--format=%s").strip() == "Retire sof-dognvagt (and 1 referral(s))"
    )


def test_merge_keeps_x_keys_and_flow_lists() -> None:
    doc = YamlDoc("units:\n  - id: a\n    keywords: [x, y]\n    x-note: behold\n", "t")
    node = doc.records("units")[0]
    rec = {k: v for k, v in plain(node).items() if not k.startswith("x-")}
    rec["keywords"] = ["x", "z"]
    assert merge(node, rec) == ["keywords"]
    assert doc.text() == "units:\n  - id: a\n    keywords: [x, z]\n    x-note: behold\n"


@pytest.mark.parametrize(
    "text",
    [
        "units:\n- id: a\n  name: A\n  keywords:\n  - x\n",
        "units:\n    - id: a\n      name: A\n      age:\n          min: 1\n"
        "      keywords:\n          - x\n",
    ],
    ids=["flush-dashes", "four-spaces"],
)
def test_other_indentation_styles_are_kept(text: str) -> None:
    doc = YamlDoc(text, "t")
    node = doc.records("units")[0]
    merge(node, {**plain(node), "name": "B"})
    assert doc.text() == text.replace("name: A", "name: B")


def test_undo_of_a_referral_change(editor: Editor, repo: Path) -> None:
    state = editor.open("sof-bcv")
    first = {**state.referrals[0], "needs": ["noget andet"]}
    done = editor.save(state, state.record, [first, state.referrals[1]], BOB)
    editor.undo("sof-bcv", done.sha, ALICE)
    out = load_directory(repo, today=TODAY).referrals_from["sof-bcv"]
    assert [(r.to, r.needs) for r in out] == [
        ("sof-hjemloese", ["hjemløshed"]),
        ("bif-ydelse", ["kontanthjælp"]),
    ]
    assert git(repo, "status", "--porcelain") == ""


def test_close_fixed_reports_names_the_commit(storage) -> None:
    from directory.editing.editor import close_fixed_reports
    from directory.quality.reports import ReportStore

    store = ReportStore(storage=storage)
    report = store.add("sof-bcv", "Forkert nummer.")
    sha = "0123456789abcdef0123456789abcdef01234567"
    template = "https://git.intra/data/commit/{sha}"  # LANDKORT_COMMIT_URL
    [closed] = close_fixed_reports(store, [report.id], sha, "Alice", commit_url_template=template)
    assert closed.close_note == (
        "Rettet ved redigering: commit 0123456789 (https://git.intra/data/commit/" + sha + ")"
    )
    assert close_fixed_reports(store, [report.id], sha, "Bob") == []  # already closed: left


def test_generated_data_keeps_its_layout_and_big_files_are_not_reparsed(tmp_path: Path) -> None:
    """units/*.yaml from `synth` put the top list's dashes in column 0 and inner ones in
    column 4: an edit, a new referral and a new unit keep that layout, line for line."""
    from directory.devtools.synth import synth_directory

    root = tmp_path / "data"
    synth_directory(root, 40, seed=2, today=TODAY)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=x", "-c", "user.email=x@x.dk", "commit", "-qm", "init")
    editor = Editor(root, today=TODAY)
    unit_id = next(iter(load_directory(root, today=TODAY).units))
    state = editor.open(unit_id)
    before = (root / state.file).read_text(encoding="utf-8")
    phones = [{**state.record["phones"][0], "number": "33 17 41 99"}, *state.record["phones"][1:]]
    new_referral = (
        {"to": state.referrals[0]["to"], "needs": ["ny vej"]} if state.referrals else None
    )
    editor.save(
        state,
        {**state.record, "description": "Ny tekst.", "phones": phones},
        [*state.referrals, *([new_referral] if new_referral else [])],
        ALICE,
    )
    after = (root / state.file).read_text(encoding="utf-8")
    changed = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert len(changed) == 4, changed
    assert all(
        line.startswith(("-  description:", "+  description:", "-    - number:", "+    - number:"))
        for line in changed
    )
    editor.create(unit_id, {"id": "nyt-team", "name": "Nyt team"}, ALICE)
    text = (root / state.file).read_text(encoding="utf-8")
    assert "\n- id: nyt-team\n  name: Nyt team\n" in text
    directory = load_directory(root, today=TODAY)
    assert directory.units[unit_id].description == "Ny tekst."
    assert directory.units["nyt-team"].parent == unit_id
