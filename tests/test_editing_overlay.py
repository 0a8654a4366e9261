"""Saving validates the change as an overlay (no copy of the data), the disk cache stays
true to the files, and Historik reads only the unit's records from git's blobs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from conftest import SMALL_DATA, write_data
from test_editing import ALICE, BOB, COMMENTED_SOF, TODAY, edited, git, make_repo

from directory.editing import Editor, EditRefused
from directory.editing import editor as editor_module
from directory.editing.editor import _fast_records, _key_line, _unit_records, field_changes
from directory.editing.gitrepo import Repo
from directory.editing.yamledit import plain
from directory.loading import loader
from directory.loading.cache import content_key
from directory.loading.loader import classify, last_good, validate_directory

# The data directories here are git repositories (saving commits, Historik reads blobs).
pytestmark = pytest.mark.git


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "data")


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The roots of every cold validation (each `_Checker.run`), in order."""
    seen: list[str] = []
    real = loader._Checker.run

    def counted(self: Any) -> Any:
        seen.append(self.root)
        return real(self)

    monkeypatch.setattr(loader._Checker, "run", counted)
    return seen


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    """The app's disk cache (LANDKORT_CACHE), passed to the loader and the editor."""
    return tmp_path / "cache"


def cache_entries(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("*.pickle")} if folder.is_dir() else set()


# -- the overlay in the loader -------------------------------------------------------------


def test_overlay_reads_changed_files_from_memory_and_writes_nothing(repo: Path) -> None:
    sof = (repo / "units/sof.yaml").read_text(encoding="utf-8")
    changed = sof.replace("name: Døgnvagten", "name: Døgnvagten Nord")
    new_unit = (
        "units:\n  - id: stat-ny\n    name: Ny\n    department: stat\n    verified: 2026-01-05\n"
    )
    result = validate_directory(
        repo, today=TODAY, overlay={"units/sof.yaml": changed, "units/ny.yaml": new_unit}
    )
    assert result.ok and result.directory is not None
    assert result.directory.units["sof-dognvagt"].name == "Døgnvagten Nord"
    assert result.directory.units["stat-ny"].source.path == os.path.join(repo, "units/ny.yaml")
    assert (repo / "units/sof.yaml").read_text(encoding="utf-8") == sof
    assert not (repo / "units/ny.yaml").exists()
    # its version is the key the files get once the overlay is written
    (repo / "units/sof.yaml").write_text(changed, encoding="utf-8")
    (repo / "units/ny.yaml").write_text(new_unit, encoding="utf-8")
    assert result.version == content_key(str(repo), TODAY)


def test_overlay_that_deletes_a_file(repo: Path, cache: Path) -> None:
    result = validate_directory(repo, today=TODAY, overlay={"units/stat.yaml": None})
    [error] = result.errors  # the loader's own wording is tested in test_loader.py
    assert error.path == os.path.join(repo, "referrals.yaml")
    assert error.message.startswith("from: enheden 'stat-kif' findes ikke")
    assert "stat-kif" not in result.directory.units if result.directory else True
    assert (repo / "units/stat.yaml").exists()
    assert validate_directory(repo, today=TODAY, cache_dir=cache).ok


def test_overlay_results_are_never_stored_and_the_disk_key_is_never_read(
    repo: Path, runs: list[str], cache: Path
) -> None:
    good = validate_directory(repo, today=TODAY, cache_dir=cache)
    stored = cache_entries(cache)
    broken = (repo / "units/bif.yaml").read_text(encoding="utf-8").replace("name: Yd", "nme: Yd")
    result = validate_directory(
        repo, today=TODAY, cache_dir=cache, overlay={"units/bif.yaml": broken}
    )
    assert len(result.errors) == 2
    assert all("'nme'" in e.message or "'name'" in e.message for e in result.errors)
    assert result.version != good.version
    assert cache_entries(cache) == stored  # nothing stored for the overlay
    assert len(runs) == 2  # the overlay was validated, not read from the disk key's entry
    again = validate_directory(repo, today=TODAY, cache_dir=cache)
    assert again.ok and again.version == good.version and len(runs) == 2  # a cache hit


# -- saving ----------------------------------------------------------------------------------


def test_save_validates_once_and_the_next_load_is_a_cache_hit(
    repo: Path, runs: list[str], tmp_path: Path, cache: Path
) -> None:
    validate_directory(repo, today=TODAY, cache_dir=cache)  # the app has loaded the data
    editor = Editor(repo, today=TODAY, cache_dir=cache)
    state = editor.open("sof-bcv")
    editor.save(state, edited(state, description="Ny tekst."), state.referrals, ALICE)
    assert len(runs) == 2  # the app's load and the save's overlay: no copy, no second run
    assert not [p for p in Path(tmp_path).parent.glob("landkort-edit-*")]
    after = validate_directory(repo, today=TODAY, cache_dir=cache)
    assert len(runs) == 2  # the save stored its validation under the new files' key
    assert after.directory is not None
    assert after.directory.units["sof-bcv"].description == "Ny tekst."
    assert last_good(repo, cache) is not None
    assert last_good(repo, cache).version == after.version == content_key(str(repo), TODAY)  # type: ignore[union-attr]


def test_refused_save_writes_nothing_and_leaves_the_cache_as_it_was(
    repo: Path, runs: list[str], cache: Path
) -> None:
    good = validate_directory(repo, today=TODAY, cache_dir=cache)
    stored = cache_entries(cache)
    before = {p: p.read_bytes() for p in repo.rglob("*.yaml")}
    editor = Editor(repo, today=TODAY, cache_dir=cache)
    state = editor.open("sof-bcv")
    contacts = [dict(c) for c in state.record["contacts"]]
    contacts[0]["backup"] = "k-ingen"
    with pytest.raises(EditRefused) as caught:
        editor.save(state, edited(state, contacts=contacts), state.referrals, ALICE)
    assert "backup: kontaktpersonen 'k-ingen' findes ikke" in caught.value.errors[0].message
    assert {p: p.read_bytes() for p in repo.rglob("*.yaml")} == before
    assert git(repo, "status", "--porcelain") == ""
    assert len(runs) == 2  # the overlay; the errors already there came from the cache
    assert cache_entries(cache) == stored
    again = validate_directory(repo, today=TODAY, cache_dir=cache)
    assert again.ok and again.version == good.version and len(runs) == 2
    assert last_good(repo, cache).version == good.version  # type: ignore[union-attr]


def test_errors_already_there_do_not_block_a_save_and_are_read_from_the_cache(
    repo: Path, runs: list[str], cache: Path
) -> None:
    refs = repo / "referrals.yaml"
    refs.write_text(
        refs.read_text(encoding="utf-8")
        + "  - from: bif-jku\n    to: ingen-enhed\n    needs: [x]\n",
        encoding="utf-8",
    )
    git(repo, "commit", "-qam", "A broken referral")
    assert not validate_directory(repo, today=TODAY, cache_dir=cache).ok  # the app shows the error
    editor = Editor(repo, today=TODAY, cache_dir=cache)
    state = editor.open("sof-dognvagt")
    result = editor.save(state, edited(state, owner="SOF"), state.referrals, BOB)
    assert result.sha is not None
    assert len(runs) == 2  # the load, the overlay; the directory's own errors: a cache hit


# -- history -----------------------------------------------------------------------------------


def _slow_unit_at(repo: Repo, sha: str | None, files: tuple[str, ...], prefix: str, unit: str):
    """The unit at a commit as the first Historik read it: every changed file whole."""
    record, where, referrals = None, None, []
    if sha is None:
        return None, [], None
    for path in files:
        kind = classify(path[len(prefix) :]) if path.startswith(prefix) else None
        if kind not in ("units", "referrals"):
            continue
        text = repo.show(sha, path)
        for item in _fast_records(text, kind):
            if not isinstance(item, dict):
                continue
            if kind == "units" and item.get("id") == unit:
                record, where = plain(item), path
            elif kind == "referrals" and item.get("from") == unit:
                referrals.append(plain(item))
    return record, referrals, where


def slow_history(editor: Editor, unit: str) -> list[tuple[str, list[Any], bool]]:
    repo = editor.repo
    assert repo is not None
    rel = repo.rel(editor.root)
    prefix = "" if rel == "." else rel + "/"
    out = []
    for commit in repo.log([rel], limit=120):
        old = _slow_unit_at(repo, repo.parent(commit.sha), commit.files, prefix, unit)
        new = _slow_unit_at(repo, commit.sha, commit.files, prefix, unit)
        changes = field_changes(old[0], new[0], old[1], new[1])
        if changes:
            undoable = (old[0] is None and new[0] is None) or (
                old[0] is not None and new[0] is not None and old[2] == new[2]
            )
            out.append((commit.sha, changes, undoable))
    return out


def test_history_lists_what_reading_whole_files_lists(tmp_path: Path) -> None:
    """A repository (the data in a subfolder) with edits, referral changes, a new unit, a
    move between files, an undo and a retirement: every unit's history is the same as
    when every changed file is read whole at both sides of every commit."""
    top = tmp_path / "repo"
    root = write_data(top / "data", {**SMALL_DATA, "units/sof.yaml": COMMENTED_SOF})
    git(top, "init", "-q")
    git(top, "add", "-A")
    git(top, "-c", "user.name=x", "-c", "user.email=x@x.dk", "commit", "-qm", "Initial data")
    editor = Editor(root, today=TODAY)
    state = editor.open("sof-bcv")
    first = editor.save(state, edited(state, description="Ny tekst."), state.referrals, ALICE)
    state = editor.open("sof-bcv")
    moved = [{**state.referrals[0], "needs": ["bolig"]}, state.referrals[1]]
    editor.save(state, edited(state, owner="Team BCV"), moved, BOB)
    editor.create("sof-bcv", {"id": "sof-bcv-team", "name": "Team"}, ALICE)
    state = editor.open("sof-dognvagt")
    editor.move(state, "bif", "bif-jku", ALICE)
    editor.undo("sof-bcv", first.sha or "", BOB)
    editor.retire(editor.open("sof-bcv-team"), ALICE)
    state = editor.open("sof-hjemloese")
    editor.save(state, state.record, [], BOB)  # drops its only referral
    units = ["sof-bcv", "sof-hjemloese", "sof-dognvagt", "sof-bcv-team", "bif-jku", "stat-kif"]
    editor_module._RECORDS.clear()
    for unit in units:
        fast = [(e.commit.sha, e.changes, e.undoable) for e in editor.history(unit)]
        assert fast == slow_history(editor, unit), unit
        assert fast  # every one has a history
    assert [e.commit.subject for e in editor.history("sof-dognvagt")] == [
        "Move sof-dognvagt to bif/bif-jku",
        "Initial data",
    ]


def test_history_reads_each_blob_once(
    repo: Path, monkeypatch: pytest.MonkeyPatch, cache: Path
) -> None:
    editor = Editor(repo, today=TODAY, cache_dir=cache)
    state = editor.open("sof-bcv")
    editor.save(state, edited(state, description="Ny tekst."), state.referrals, ALICE)
    read: list[str] = []
    real = Repo.read_blobs

    def counting(self: Repo, shas: Any) -> Any:
        shas = list(shas)
        read.extend(shas)
        return real(self, shas)

    monkeypatch.setattr(Repo, "read_blobs", counting)
    editor_module._RECORDS.clear()
    first = editor.history("sof-bcv")
    # the units and referrals files at the start (4), and sof.yaml after the edit
    assert len(read) == len(set(read)) == 5
    assert editor.history("sof-bcv") == first and len(read) == 5  # nothing read again
    state = editor.open("sof-bcv")
    editor.save(state, edited(state, owner="SOF"), state.referrals, BOB)
    assert len(editor.history("sof-bcv")) == 3
    assert len(read) == 6  # only the new sof.yaml (its old blob was read already)


@pytest.mark.parametrize(
    "text",
    [
        "units:\n- id: a\n  name: A\n- id: u\n  name: U\n  keywords: [x]\n- id: b\n  name: B\n",
        "units:\n    - name: U\n      id: u\n      age:\n          min: 1\n"
        "    - id: c\n      name: C\n",
        "# kommentar\nunits:\n  - id: a\n    contacts:\n      - id: u\n        name: Ikke enheden\n"
        "  - id: u  # enheden\n    name: U\nx-note: slut\n",
        "units:\n  - id: a\n    description: |\n      - id: u\n      tekst\n"
        "  - id: 'u'\n    name: U\n",
    ],
    ids=["column-0", "id-not-first", "contact-with-the-id", "block-scalar"],
)
def test_a_units_records_read_alone_equal_the_whole_file_read(text: str) -> None:
    whole = [plain(u) for u in _fast_records(text, "units") if u.get("id") == "u"]
    assert _unit_records(text, "units", "u") == whole
    assert whole and whole[0]["name"] == "U"


def test_a_units_referrals_read_alone_keep_their_order() -> None:
    text = (
        "referrals:\n  - from: u\n    to: a\n    needs: [x]\n  - from: b\n    to: u\n"
        "    needs: [y]\n  - to: c\n    from: 'u'\n    needs: [z]\n"
    )
    assert [r["to"] for r in _unit_records(text, "referrals", "u")] == ["a", "c"]
    assert _key_line("from", "u").search(text)
