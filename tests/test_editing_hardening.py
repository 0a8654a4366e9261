"""Editing under bad conditions (issue 26): a spoofed author, paths built from values, a
full disk, a read-only data folder, a commit git refuses, a detached HEAD, a stale
index.lock. Every refusal leaves the files and git's index as they were and says why in
Danish without server paths. And Bekræft, the one-field save of the command line."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest
from test_editing import ALICE, TODAY, git, make_repo

from directory import load_directory
from directory.editing import Author, EditError, EditingOff, Editor, EditRefused, author_of
from directory.editing.editor import DETACHED_MESSAGE


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "data")


@pytest.fixture
def editor(repo: Path) -> Editor:
    return Editor(repo, today=TODAY)


def snapshot(repo: Path) -> dict[str, bytes]:
    """Every file of the work tree (not .git) and what git's index holds."""
    files = {
        p.relative_to(repo).as_posix(): p.read_bytes()
        for p in repo.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(repo).parts
    }
    files["<index>"] = git(repo, "ls-files", "--stage").encode()
    return files


def assert_untouched(repo: Path, before: dict[str, bytes]) -> None:
    assert snapshot(repo) == before
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "1"


def describe(editor: Editor, text: str = "Ny tekst."):
    state = editor.open("sof-bcv")
    return state, {**state.record, "description": text}


# -- item 7: the commit author ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "committed"),
    [
        ("Ann <evil@x.dk>", "Ann evil@x.dk"),
        ("<Ann>", "Ann"),
        ("Ann\nCommitter: x <y@z.dk>", "Ann Committer: x y@z.dk"),
        ("Ann \u202eknaB", "Ann knaB"),
        ("<>", "ann"),
    ],
)
def test_the_author_is_the_cleaned_name_and_the_tokens_email(
    editor: Editor, repo: Path, name: str, committed: str
) -> None:
    state, record = describe(editor)
    editor.save(state, record, state.referrals, author_of(name, "ann@sof.eksempel.kk.dk"))
    assert git(repo, "log", "-1", "--format=%an|%ae|%cn|%ce").strip() == (
        f"{committed}|ann@sof.eksempel.kk.dk|{committed}|ann@sof.eksempel.kk.dk"
    )


def test_an_account_without_an_email_cannot_save(editor: Editor, repo: Path) -> None:
    before = snapshot(repo)
    state, record = describe(editor)
    for email in ("", "ann", "ann@x.dk> <evil@y.dk"):
        with pytest.raises(EditError) as caught:
            editor.save(state, record, state.referrals, Author("Ann", email))
        assert str(caught.value).startswith("Din konto mangler en gyldig e-mailadresse")
    assert_untouched(repo, before)


# -- item 8: paths and rollbacks ---------------------------------------------------------------


@pytest.mark.parametrize("department", ["../../x", "../units/sof", "/etc/x", "sof/../../x", ""])
def test_a_department_that_is_a_path_is_refused_and_nothing_moves(
    editor: Editor, repo: Path, department: str
) -> None:
    before = snapshot(repo)
    with pytest.raises(EditRefused) as caught:
        editor.move(editor.open("sof-dognvagt"), department, None, ALICE)
    assert [(e.field, e.message) for e in caught.value.errors] == [
        ("department", "Det er ikke en forvaltning i landkortet: vælg en forvaltning fra listen.")
    ]
    assert_untouched(repo, before)
    assert not (repo.parent / "x.yaml").exists() and not Path("/etc/x.yaml").exists()
    assert "sof-dognvagt" in load_directory(repo, today=TODAY).units


def test_an_unknown_department_is_the_loaders_refusal(editor: Editor, repo: Path) -> None:
    before = snapshot(repo)
    with pytest.raises(EditRefused) as caught:
        editor.move(editor.open("sof-dognvagt"), "ingen", None, ALICE)
    [error] = caught.value.errors
    assert error.field == "department"
    assert error.message.startswith("department: forvaltningen 'ingen' findes ikke")
    assert_untouched(repo, before)


def _failing_mkstemp(code: int):
    real = tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        if "units" in str(kwargs.get("dir", "")):
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)

    return mkstemp


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            errno.ENOSPC,
            "Ændringen kunne ikke gemmes: serverens disk er fuld. Intet er ændret. Bed den, der "
            "driver landkortet, om at skaffe plads, og gem igen.",
        ),
        (
            errno.EROFS,
            "Ændringen kunne ikke gemmes: appen må ikke skrive i datamappen (disken kan kun "
            "læses). Intet er ændret. Bed den, der driver landkortet, om at give appen "
            "skriveadgang til datamappen.",
        ),
    ],
    ids=["full-disk", "read-only"],
)
def test_a_full_disk_or_a_read_only_folder_says_so_and_changes_nothing(
    editor: Editor, repo: Path, monkeypatch: pytest.MonkeyPatch, code: int, message: str
) -> None:
    before = snapshot(repo)
    monkeypatch.setattr(tempfile, "mkstemp", _failing_mkstemp(code))
    state, record = describe(editor)
    with pytest.raises(EditError) as caught:
        editor.save(state, record, state.referrals, ALICE)
    assert str(caught.value) == message
    assert_untouched(repo, before)


def test_a_full_disk_in_the_middle_of_a_move_puts_both_files_back(
    editor: Editor, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second file's write fails after the first was written: the first is put back."""
    before = snapshot(repo)
    real = os.replace
    calls: list[str] = []

    def replace(src, dst, *args, **kwargs):
        calls.append(str(dst))
        if str(dst).endswith("units/bif.yaml") and ".tmp" in str(src):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(EditError) as caught:
        editor.move(editor.open("sof-dognvagt"), "bif", "bif-jku", ALICE)
    assert "serverens disk er fuld" in str(caught.value)
    assert any(c.endswith("units/bif.yaml") for c in calls)
    assert_untouched(repo, before)


def test_a_commit_git_refuses_leaves_nothing_staged(editor: Editor, repo: Path) -> None:
    git(repo, "config", "commit.gpgsign", "true")  # git adds, then cannot sign
    git(repo, "config", "gpg.program", str(repo / "no-such-gpg"))
    before = snapshot(repo)
    state, record = describe(editor)
    with pytest.raises(EditError) as caught:
        editor.save(state, record, state.referrals, ALICE)
    assert str(caught.value) == (
        "Ændringen kunne ikke gemmes: git afviste ændringen: bed den, der driver landkortet, "
        "om at se i serverens log. Intet er ændret."
    )
    assert git(repo, "diff", "--cached", "--name-only") == ""
    assert_untouched(repo, before)


# -- item 13: detached HEAD, a stale index.lock ---------------------------------------------------


def test_no_save_on_a_detached_head(editor: Editor, repo: Path) -> None:
    git(repo, "checkout", "-q", "--detach")
    before = snapshot(repo)
    state, record = describe(editor)
    for attempt in (
        lambda: editor.save(state, record, state.referrals, ALICE),
        lambda: editor.confirm("sof-bcv", ALICE),
        lambda: editor.create("sof-bcv", {"name": "Nyt team"}, ALICE),
    ):
        with pytest.raises(EditingOff) as caught:
            attempt()
        assert str(caught.value) == DETACHED_MESSAGE
    assert_untouched(repo, before)


def test_a_stale_index_lock_keeps_the_servers_paths_out(
    editor: Editor, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".git/index.lock").write_text("", encoding="utf-8")
    before = snapshot(repo)
    state, record = describe(editor)
    with pytest.raises(EditError) as caught:
        editor.save(state, record, state.referrals, ALICE)
    message = str(caught.value)
    assert message == (
        "Ændringen kunne ikke gemmes: data-repositoriet er låst af en anden git-handling, eller "
        "en gammel låsefil (index.lock) er blevet liggende: vent et minut og prøv igen; sker "
        "det igen, så bed den, der driver landkortet, om at fjerne låsefilen. Intet er ændret."
    )
    assert str(repo) not in message
    assert str(repo) in capsys.readouterr().err  # the operator's log has git's own words
    (repo / ".git/index.lock").unlink()
    assert_untouched(repo, before)


# -- Bekræft and the command line's one field -----------------------------------------------------


def test_bekraeft_is_one_commit_that_sets_only_verified(editor: Editor, repo: Path) -> None:
    before = (repo / "units/sof.yaml").read_text(encoding="utf-8")
    result = editor.confirm("sof-bcv", ALICE)
    after = (repo / "units/sof.yaml").read_text(encoding="utf-8")
    assert after == before.replace("verified: 2026-09-01", "verified: 2026-11-24", 1)
    assert git(repo, "log", "-1", "--format=%an|%s").strip() == (
        "Alice Koordinator|Bekræft Borgercenter Voksne: intet ændret"
    )
    assert result.fields == ["verified"]
    again = editor.confirm("sof-bcv", ALICE)
    assert (again.sha, again.message) == (None, "Enheden er allerede bekræftet i dag.")
    [entry, *_] = editor.history("sof-bcv")
    assert [c.field for c in entry.changes] == ["verified"] and not entry.undoable


def test_set_field_is_the_forms_save(editor: Editor, repo: Path) -> None:
    result = editor.set_field("sof-bcv", "how_to_refer", "Ring først.", ALICE)
    assert result.message == "Ret Borgercenter Voksne: sådan henviser du"
    unit = load_directory(repo, today=TODAY).units["sof-bcv"]
    assert (unit.how_to_refer, unit.verified) == ("Ring først.", TODAY)
    editor.set_field("sof-bcv", "keywords", ["BCV"], ALICE)
    editor.set_field("sof-bcv", "how_to_refer", "", ALICE)
    unit = load_directory(repo, today=TODAY).units["sof-bcv"]
    assert (unit.keywords, unit.how_to_refer) == (["BCV"], None)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("parent", "flyt enheden med Flyt på enhedens side i appen."),
        ("id", "et id ændres ikke; opret en ny enhed, og nedlæg den gamle."),
        ("verified", "den sættes til i dag ved hver ændring (Bekræft i appen: uden ændring)."),
    ],
)
def test_set_field_refuses_what_it_may_not_set(
    editor: Editor, repo: Path, field: str, message: str
) -> None:
    before = snapshot(repo)
    with pytest.raises(EditRefused) as caught:
        editor.set_field("sof-bcv", field, "x", ALICE)
    assert [(e.field, e.message) for e in caught.value.errors] == [(field, message)]
    assert_untouched(repo, before)
