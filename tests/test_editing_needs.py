"""Growing the needs vocabulary from the app (issue 22): a word added to a need in
needs.yaml, validated as a whole directory first and committed as the coordinator."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from conftest import SMALL_DATA, write_data

from directory import load_directory
from directory.editing import Author, EditError, Editor, EditRefused
from directory.rules.vocabulary import vocabulary

ALICE = Author("Alice Koordinator", "alice@sof.eksempel.kk.dk")
TODAY = dt.date(2026, 11, 24)
NEEDS = """\
# Behovsordbogen (kommentaren bliver stående)
needs:
  - id: vold
    label: "Vold og krisecenter"
    synonyms:
      - "krisecenterplads"
  - id: bingo
    label: Bingo
"""


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def make_repo(root: Path, files: dict[str, str]) -> Path:
    write_data(root, files)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test Setup")
    git(root, "config", "user.email", "setup@example.org")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Initial data")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "data", SMALL_DATA)
    (root / "needs.yaml").write_text(NEEDS, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "needs")
    return root


def test_a_word_goes_under_the_need_as_one_commit_by_the_coordinator(repo: Path) -> None:
    result = Editor(repo, today=TODAY).add_need_word("vold", "tæsket af kæresten", ALICE)
    assert result.sha and result.message == (
        "Behovsordbogen: »tæsket af kæresten« tilføjet til behovet vold"
    )
    assert (repo / "needs.yaml").read_text(encoding="utf-8") == NEEDS.replace(
        '      - "krisecenterplads"\n',
        '      - "krisecenterplads"\n      - tæsket af kæresten\n',
    )
    log = git(repo, "log", "-1", "--format=%an <%ae>|%s")
    assert log.strip() == (
        "Alice Koordinator <alice@sof.eksempel.kk.dk>|"
        "Behovsordbogen: »tæsket af kæresten« tilføjet til behovet vold"
    )
    directory = load_directory(repo, today=TODAY)
    assert "tæsket af kæresten" in vocabulary(directory).need("vold").words


def test_a_need_without_synonyms_gets_the_key(repo: Path) -> None:
    Editor(repo, today=TODAY).add_need_word("bingo", "banko", ALICE)
    assert (
        (repo / "needs.yaml")
        .read_text(encoding="utf-8")
        .endswith("  - id: bingo\n    label: Bingo\n    synonyms:\n      - banko\n")
    )


def test_a_national_need_the_file_lacks_gets_an_entry(repo: Path) -> None:
    Editor(repo, today=TODAY).add_need_word(
        "spilleproblemer", "online casino", ALICE, label="Ludomani og spilleproblemer"
    )
    text = (repo / "needs.yaml").read_text(encoding="utf-8")
    assert text.endswith(
        "  - id: spilleproblemer\n    label: Ludomani og spilleproblemer\n    synonyms:\n"
        "      - online casino\n"
    )
    need = vocabulary(load_directory(repo, today=TODAY)).need("spilleproblemer")
    assert need.national and need.local and "online casino" in need.words and need.codes


def test_a_folder_without_needs_yaml_gets_one(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "data", SMALL_DATA)
    Editor(root, today=TODAY).add_need_word("vold", "tæsk", ALICE, label="Vold i nære relationer")
    assert (root / "needs.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=./schema/needs.schema.json\n"
        "needs:\n  - id: vold\n    label: Vold i nære relationer\n    synonyms:\n      - tæsk\n"
    )
    assert "needs.yaml" in git(root, "show", "--name-only", "--format=", "HEAD")


@pytest.mark.parametrize(
    ("word", "message"),
    [
        ("  ", "Skriv det ord, der skal tilføjes."),
        ("x" * 201, "Ordet er for langt (201 tegn): skriv højst 200."),
        (
            "ring 12345678",
            "Ordet ligner et CPR-nummer, et telefonnummer eller en e-mailadresse og kan ikke "
            "komme i behovsordbogen: skriv ordet uden dem.",
        ),
        (
            "Krisecenterplads",
            "»Krisecenterplads« står allerede under behovet »Vold og krisecenter«.",
        ),
    ],
)
def test_a_bad_word_is_refused_in_danish_and_nothing_is_written(
    repo: Path, word: str, message: str
) -> None:
    head = git(repo, "rev-parse", "HEAD")
    with pytest.raises(EditRefused) as info:
        Editor(repo, today=TODAY).add_need_word("vold", word, ALICE)
    assert [e.message for e in info.value.errors] == [message]
    assert git(repo, "rev-parse", "HEAD") == head
    assert (repo / "needs.yaml").read_text(encoding="utf-8") == NEEDS


def test_a_word_of_another_need_is_refused_by_the_whole_directory_validation(repo: Path) -> None:
    with pytest.raises(EditRefused) as info:
        Editor(repo, today=TODAY).add_need_word("bingo", "krisecenterplads", ALICE)
    [error] = info.value.errors
    assert error.message.startswith("Datafilen ville få en fejl (needs.yaml, linje ")
    assert "hører allerede til behovet 'vold'" in error.message
    assert (repo / "needs.yaml").read_text(encoding="utf-8") == NEEDS


def test_editing_is_off_outside_git(tmp_path: Path) -> None:
    root = write_data(tmp_path / "data", SMALL_DATA)
    with pytest.raises(EditError):
        Editor(root, today=TODAY).add_need_word("vold", "tæsk", ALICE, label="Vold")
