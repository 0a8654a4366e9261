"""`python -m directory edit UNIT FIELD VALUE --author "Name <e-mail>"`: the app's save from
the command line; a refusal exits 1 with the field and the fix, nothing written or staged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_editing import git, make_repo

from directory import load_directory
from directory.rules import clock

AUTHOR = "Sara Koordinator <sara@sof.eksempel.kk.dk>"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "data")


def edit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"LANDKORT_DATA": str(repo), "PATH": "/usr/bin:/bin", "HOME": str(repo.parent)}
    env["LANDKORT_CACHE"] = str(repo.parent / "cache")
    return subprocess.run(
        [sys.executable, "-m", "directory", "edit", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=repo.parent,
    )


def untouched(repo: Path, before: dict[Path, bytes]) -> None:
    assert {p: p.read_bytes() for p in repo.rglob("*.yaml")} == before
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "1"


def test_a_field_is_saved_as_one_commit_by_the_author(repo: Path) -> None:
    done = edit(repo, "sof-bcv", "how_to_refer", "Ring først, så mail.", "--author", AUTHOR)
    assert done.returncode == 0, done.stderr
    sha = git(repo, "rev-parse", "HEAD").strip()
    assert done.stdout == (
        f"Gemt: Ret Borgercenter Voksne: sådan henviser du (commit {sha[:10]})\n"
    )
    assert git(repo, "log", "-1", "--format=%an <%ae>").strip() == AUTHOR
    unit = load_directory(repo).units["sof-bcv"]
    assert (unit.how_to_refer, unit.verified) == ("Ring først, så mail.", clock.today())
    assert (repo.parent / "cache").is_dir()  # the new version is in the disk cache


def test_lists_and_records_are_yaml(repo: Path) -> None:
    assert edit(repo, "sof-bcv", "keywords", "[BCV, herberg, natcafé]", "--author", AUTHOR)
    assert edit(repo, "sof-bcv", "age", "{min: 18, max: 29}", "--author", AUTHOR)
    unit = load_directory(repo).units["sof-bcv"]
    assert unit.keywords == ["BCV", "herberg", "natcafé"]
    assert (unit.age.min, unit.age.max) == (18, 29)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["sof-bcv", "hours", "hverdage 9-15"],
            "fejl: Åbningstider (hours): hours: 'hverdage 9-15' kan ikke læses som åbningstid. "
            'Skriv fx "Mo-Th 09:00-15:00; Fr 09:00-13:00; PH off" (engelske dagforkortelser og '
            "24-timers tid med to cifre).\n",
        ),
        (
            ["sof-bcv", "description", "Borger 010190-1234 ringede."],
            "fejl: Beskrivelse (description): Teksten ser ud til at indeholde et CPR-nummer. "
            "Landkortet må aldrig gemme CPR-numre: fjern det.\n",
        ),
        (
            ["sof-bcv", "parent", "bif-jku"],
            "fejl: Hører under (parent): flyt enheden med Flyt på enhedens side i appen.\n",
        ),
        (
            ["sof-bcv", "colour", "rød"],
            "fejl: colour: kan ikke rettes her: skriv et af felterne name, description, "
            "responsibilities, target_groups, age, keywords, locations, service_area, hours, "
            "phones, email, website, how_to_refer, contacts, owner, owner_email, notice.\n",
        ),
        (
            ["sof-bcv", "keywords", "[BCV"],
            None,
        ),
        (
            ["sof-ingen", "description", "x"],
            "fejl: Enheden findes ikke i datafilerne (mere). Gå tilbage til Søg.\n",
        ),
    ],
    ids=["hours", "cpr", "parent", "unknown-field", "not-yaml", "unknown-unit"],
)
def test_a_refusal_exits_1_names_the_field_and_the_fix_and_writes_nothing(
    repo: Path, args: list[str], message: str | None
) -> None:
    before = {p: p.read_bytes() for p in repo.rglob("*.yaml")}
    done = edit(repo, *args, "--author", AUTHOR)
    assert done.returncode == 1
    assert done.stdout == ""
    if message is None:
        assert done.stderr.startswith("fejl: Nøgleord (keywords): '[BCV' kan ikke læses som YAML")
        assert done.stderr.endswith('skriv fx "[første, anden]" for en liste\n')
    else:
        assert done.stderr == message
    untouched(repo, before)


def test_the_author_must_be_name_and_email(repo: Path) -> None:
    before = {p: p.read_bytes() for p in repo.rglob("*.yaml")}
    done = edit(repo, "sof-bcv", "description", "x", "--author", "Sara")
    assert (done.returncode, done.stderr) == (
        1,
        "fejl: --author 'Sara' er ikke skrevet som \"Navn <e-mail>\": skriv fx --author "
        '"Sara Koordinator <sara@kk.dk>"\n',
    )
    untouched(repo, before)
