"""One atomic write (`directory.loading.safefile.atomic_file`) for every file the app writes:
a reader sees the old file or the new one, never a part, and no temp file is left."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from directory.loading import safefile
from directory.loading.safefile import atomic_file, atomic_write, sha256_of

ROOT = Path(__file__).resolve().parent.parent


def _left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_failure_in_the_middle_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "units.yaml"
    path.write_text("units: [gammel]\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="disken svigtede"), atomic_file(path) as out:
        out.write(b"units: [ny, halvt skrevet")
        assert path.read_text(encoding="utf-8") == "units: [gammel]\n"  # not yet in place
        raise RuntimeError("disken svigtede")
    assert path.read_text(encoding="utf-8") == "units: [gammel]\n"
    assert _left(tmp_path) == ["units.yaml"]


def test_a_failed_rename_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "units.yaml"
    path.write_text("gammel\n", encoding="utf-8")

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safefile.os, "replace", refuse)
    with pytest.raises(OSError):
        atomic_write(path, "ny\n")
    assert path.read_text(encoding="utf-8") == "gammel\n"
    assert _left(tmp_path) == ["units.yaml"]


def test_the_new_text_replaces_the_old_one_whole(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "units.yaml"  # the folder is made
    atomic_write(path, "først\n")
    atomic_write(path, "æøå\n")
    assert path.read_bytes() == "æøå\n".encode()
    atomic_write(path, b"\x00bytes")
    assert path.read_bytes() == b"\x00bytes"
    assert _left(path.parent) == ["units.yaml"]


def test_the_mode_is_kept_or_given(tmp_path: Path) -> None:
    new = tmp_path / "new.yaml"
    atomic_write(new, "x")
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    os.chmod(new, 0o664)
    atomic_write(new, "y")
    assert stat.S_IMODE(new.stat().st_mode) == 0o664
    private = tmp_path / "entry.pickle"
    atomic_write(private, b"z", mode=0o600)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_a_file_changed_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "units.yaml"
    path.write_text("læst\n", encoding="utf-8")
    seen = sha256_of(path)
    path.write_text("ændret af en anden\n", encoding="utf-8")
    with pytest.raises(RuntimeError) as info:
        atomic_write(path, "ny\n", expect_sha256=seen)
    assert str(info.value) == f"{path} blev ændret, mens den blev opdateret: kør kommandoen igen"
    assert path.read_text(encoding="utf-8") == "ændret af en anden\n"
    assert _left(tmp_path) == ["units.yaml"]
    atomic_write(path, "ny\n", expect_sha256=sha256_of(path))
    assert path.read_text(encoding="utf-8") == "ny\n"


def test_every_file_the_app_writes_goes_through_it() -> None:
    """Nothing else makes a temp file and renames it over a file: the edited data files
    (editing), the disk cache, the JSON Schemas and the benchmark table all call it. The
    one other rename swaps a whole written data directory in (`directory.loading.writer`)."""
    allowed = {
        ROOT / "directory" / "loading" / "safefile.py",
        ROOT / "directory" / "loading" / "writer.py",
    }
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for top in ("directory", "search", "ui", "cli", "benchmarks")
        for path in sorted((ROOT / top).rglob("*.py"))
        if path not in allowed
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bmkstemp\(|\bos\.replace\(|\bos\.rename\(|\.replace\(tmp", line)
    ]
    assert not found, f"write files with directory.loading.safefile.atomic_write: {found}"
