"""Validating a change against the rest of the directory (`validate_change`) gives what a
whole validation of the directory with the change gives, for every kind of change a save
makes, and for the ones it must hand over to the whole validation."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import SMALL_DATA, write_data

from directory.loading import loader
from directory.loading.incremental import validate_change
from directory.loading.loader import Validation, validate_directory

TODAY = dt.date(2026, 11, 24)


def _problems(result: Validation) -> tuple[list[str], list[str]]:
    return sorted(map(str, result.errors)), sorted(map(str, result.warnings))


def _records(result: Validation) -> Any:
    directory = result.directory
    if directory is None:
        return None
    units = [
        (
            u.id,
            u.to_record(),
            u.source.path,
            u.source.lines,
            [c.source.lines for c in u.contacts],
            u.notice.source.lines if u.notice is not None else None,
        )
        for u in directory.units.values()
    ]
    referrals = [(r.to_record(), r.source.path, r.source.lines) for r in directory.referrals]
    return units, referrals, directory.referrals_from.keys(), directory.contact_unit


def assert_same_as_whole(
    root: Path, overlay: dict[str, str | None], cache: Path | None = None
) -> Validation:
    """validate_change(...) == validate_directory(..., overlay=...), and nothing written."""
    cache = cache or root.parent / "cache"
    before = {p: p.read_bytes() for p in root.rglob("*.yaml")}
    base = validate_directory(root, today=TODAY, cache_dir=cache)
    assert base.ok, base.errors[:3]
    base_records = _records(base)
    patched = validate_change(root, overlay, today=TODAY, cache_dir=cache)
    assert _records(base) == base_records  # the validation it started from is untouched
    whole = validate_directory(root, today=TODAY, overlay=overlay)  # no cache
    assert _problems(patched) == _problems(whole)
    assert _records(patched) == _records(whole)
    assert patched.version == whole.version
    if patched.directory is not None:
        assert patched.directory.warnings is patched.warnings
    assert {p: p.read_bytes() for p in root.rglob("*.yaml")} == before
    return patched


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return write_data(tmp_path / "data", SMALL_DATA)


@pytest.fixture
def demo(tmp_path: Path, demo_data_dir: Path) -> Path:
    target = tmp_path / "demo"
    shutil.copytree(demo_data_dir, target)
    return target


@pytest.fixture
def whole_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The roots of every whole validation (a `_Checker.run`, not the patch's)."""
    seen: list[str] = []
    real = loader._Checker.run

    def counted(self: Any) -> Any:
        if type(self) is loader._Checker:
            seen.append(self.root)
        return real(self)

    monkeypatch.setattr(loader._Checker, "run", counted)
    return seen


def edit(root: Path, rel: str, old: str, new: str, count: int = 1) -> dict[str, str | None]:
    text = (root / rel).read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    return {rel: text.replace(old, new, count)}


SMALL_CHANGES = {
    "description": ("units/sof.yaml", "Hjælp til udsatte voksne.", "Ny tekst."),
    "a line more": (
        "units/sof.yaml",
        "description: Hjælp til udsatte voksne.\n",
        "description: Hjælp til udsatte voksne.\n    owner: Team BCV\n",
    ),
    "bad hours": ("units/sof.yaml", '"Mo-Fr 09:00-15:00; PH off"', '"mandag 9-15"'),
    "unknown location": ("units/sof.yaml", "[matthaeusgade]", "[ingen-adresse]"),
    "unknown key": ("units/sof.yaml", "description: Hjælp", "descripton: Hjælp"),
    "parent unknown": ("units/sof.yaml", "parent: sof-bcv", "parent: sof-ingen"),
    "staff number in text": (
        "units/sof.yaml",
        "Hjælp til udsatte voksne.",
        "Ring 33 99 10 02 hvis det haster.",
    ),
    "staff number changed": ("units/sof.yaml", '"33 99 10 01"', '"33 99 10 09"'),
    "stale date": ("units/sof.yaml", "verified: 2026-", "verified: 2020-"),
    "not yaml": ("units/sof.yaml", "units:\n", "units:\n  - [\n"),
    "unknown area": (
        "units/sof.yaml",
        '    hours: "Mo-Fr 09:00-15:00; PH off"\n',
        '    service_area: [Nørrebro, Atlantis]\n    hours: "Mo-Fr 09:00-15:00; PH off"\n',
    ),
    "referral need": ("referrals.yaml", "hjemløshed", "noget helt nyt"),
    "referral to unknown": ("referrals.yaml", "to: sof-hjemloese", "to: sof-ingen"),
}


@pytest.mark.parametrize("name", list(SMALL_CHANGES))
def test_a_change_validates_as_the_whole_directory_would(small: Path, name: str) -> None:
    rel, old, new = SMALL_CHANGES[name]
    assert_same_as_whole(small, edit(small, rel, old, new))


def test_the_common_change_reads_only_the_changed_file(small: Path, whole_runs: list[str]) -> None:
    validate_directory(small, today=TODAY, cache_dir=small.parent / "cache")
    assert len(whole_runs) == 1
    result = validate_change(
        small,
        edit(small, *SMALL_CHANGES["description"]),
        today=TODAY,
        cache_dir=small.parent / "cache",
    )
    assert result.ok and len(whole_runs) == 1
    assert result.directory is not None
    assert result.directory.units["sof-bcv"].description == "Ny tekst."
    # unchanged records are the very objects of the validation it started from
    base = validate_directory(small, today=TODAY, cache_dir=small.parent / "cache")
    assert base.directory is not None
    assert result.directory.units["bif-jku"] is base.directory.units["bif-jku"]


def test_what_it_cannot_see_goes_to_the_whole_validation(
    small: Path, whole_runs: list[str]
) -> None:
    # a ring: bif-jku under sof-hjemloese, which is under sof-bcv, put under bif-jku
    sof = (small / "units/sof.yaml").read_text(encoding="utf-8")
    bif = (small / "units/bif.yaml").read_text(encoding="utf-8")
    ring = {
        "units/sof.yaml": re.sub(r"(- id: sof-bcv\n)", r"\1    parent: bif-jku\n", sof, count=1),
        "units/bif.yaml": bif.replace("id: bif-jku\n", "id: bif-jku\n    parent: sof-hjemloese\n"),
    }
    removed = {  # sof-hjemloese lies under sof-bcv; bif-jku's referrals point at it
        "units/sof.yaml": sof.replace("id: sof-bcv", "id: sof-bcv-ny"),
    }
    duplicate = edit(small, "units/sof.yaml", "id: sof-dognvagt", "id: bif-jku")
    validate_directory(small, today=TODAY, cache_dir=small.parent / "cache")
    for overlay in (ring, removed, duplicate):
        before = len(whole_runs)
        result = assert_same_as_whole(small, overlay)
        assert not result.ok
        assert len(whole_runs) == before + 2  # the fallback and the comparison's own


def test_a_new_unit_and_a_unit_moved_between_files(small: Path) -> None:
    sof = (small / "units/sof.yaml").read_text(encoding="utf-8")
    new_unit = (
        "  - id: sof-bcv-nyt\n    name: Nyt team\n    department: sof\n    parent: sof-bcv\n"
        '    phones:\n      - number: "33 17 41 99"\n    verified: 2026-11-24\n'
    )
    assert_same_as_whole(small, {"units/sof.yaml": sof + new_unit})
    assert_same_as_whole(small, {"units/ny.yaml": "units:\n" + new_unit})
    start = sof.index("  - id: sof-dognvagt")
    end = sof.find("\n  - id:", start + 1)
    block = sof[start : end + 1 if end >= 0 else len(sof)]
    bif = (small / "units/bif.yaml").read_text(encoding="utf-8")
    moved = {
        "units/sof.yaml": sof.replace(block, ""),
        "units/bif.yaml": bif + block.replace("department: sof", "department: bif"),
    }
    result = assert_same_as_whole(small, moved)
    assert result.directory is None or "sof-dognvagt" in result.directory.units


def test_every_demo_unit_edited_validates_as_the_whole_directory_would(
    demo: Path, whole_runs: list[str]
) -> None:
    """Each demo units file: its first, middle and last unit get an owner (a line more, so
    every later record moves), and a referral a need: none of them needs the whole
    validation (each comparison runs one itself)."""
    validate_directory(demo, today=TODAY, cache_dir=demo.parent / "cache")
    compared = 0
    for path in sorted((demo / "units").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        starts = [m.start() for m in re.finditer(r"^  - id: ", text, re.M)]
        for at in {starts[0], starts[len(starts) // 2], starts[-1]}:
            line_end = text.index("\n", at)
            changed = text[: line_end + 1] + "    owner: Team Test\n" + text[line_end + 1 :]
            if changed.count("owner:") == text.count("owner:"):
                continue
            assert_same_as_whole(demo, {path.relative_to(demo).as_posix(): changed})
            compared += 1
    referrals = sorted((demo / "referrals").glob("*.yaml"))[0]
    text = referrals.read_text(encoding="utf-8")
    rel = referrals.relative_to(demo).as_posix()
    assert_same_as_whole(
        demo, {rel: re.sub(r"needs: \[([^\]]+)\]", r"needs: [\1, nyt behov]", text, count=1)}
    )
    assert compared > 20
    assert len(whole_runs) == 1 + compared + 1


@pytest.mark.parametrize("name", ["description", "a line more", "bad hours", "referral need"])
def test_a_hand_edit_is_validated_from_the_version_the_process_kept(
    small: Path, whole_runs: list[str], name: str
) -> None:
    """A file changed on disk (a save on another app server, a git pull): the next
    validation is made from the one this process kept, and is the whole validation's."""
    validate_directory(small, today=TODAY, cache_dir=small.parent / "cache")
    rel, old, new = SMALL_CHANGES[name]
    (small / rel).write_text(edit(small, rel, old, new)[rel] or "", encoding="utf-8")
    patched = validate_directory(small, today=TODAY, cache_dir=small.parent / "cache")
    assert len(whole_runs) == 1  # the first load only
    whole = validate_directory(small, today=TODAY)  # no cache
    assert _problems(patched) == _problems(whole)
    assert _records(patched) == _records(whole)
    loader.flush_cache_writes()
    loader.forget_recent()  # a restart finds it in the disk cache
    assert (
        validate_directory(small, today=TODAY, cache_dir=small.parent / "cache").version
        == patched.version
    )
    assert len(whole_runs) == 2  # the comparison's own


def test_another_day_is_the_whole_validation(small: Path, whole_runs: list[str]) -> None:
    validate_directory(small, today=TODAY, cache_dir=small.parent / "cache")
    rel, old, new = SMALL_CHANGES["description"]
    (small / rel).write_text(edit(small, rel, old, new)[rel] or "", encoding="utf-8")
    validate_directory(
        small, today=TODAY + dt.timedelta(days=1), cache_dir=small.parent / "cache"
    )  # other warnings
    assert len(whole_runs) == 2
