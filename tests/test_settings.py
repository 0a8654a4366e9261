"""Settings: one table (directory.settings), read only through `settings.get`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from directory import settings

ROOT = Path(__file__).resolve().parent.parent
APP_CODE = ["app.py", "pages", "ui", "directory", "search"]


def _sources() -> list[Path]:
    files: list[Path] = []
    for name in APP_CODE:
        path = ROOT / name
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def test_only_the_settings_module_reads_the_environment() -> None:
    readers = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        if path != ROOT / "directory" / "settings.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bos\.environ\b|\bgetenv\(", line)
    ]
    assert not readers, f"read settings with directory.settings.get, not os.environ: {readers}"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "var/reports"),
        ({"LANDKORT_REPORTS": ""}, "var/reports"),
        ({"LANDKORT_REPORTS": "/srv/landkort/reports"}, "/srv/landkort/reports"),
    ],
)
def test_a_setting_is_the_environment_else_its_default(environ, expected) -> None:
    assert settings.get("LANDKORT_REPORTS", environ) == expected


def test_get_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANDKORT_TILES", "https://kort.intra/{z}/{x}/{y}.png")
    assert settings.get("LANDKORT_TILES") == "https://kort.intra/{z}/{x}/{y}.png"
    monkeypatch.delenv("LANDKORT_TILES")
    assert settings.get("LANDKORT_TILES") is None


def test_an_unlisted_setting_is_an_error() -> None:
    with pytest.raises(KeyError):
        settings.get("LANDKORT_NOPE", {"LANDKORT_NOPE": "x"})


def test_every_setting_named_in_the_code_is_listed() -> None:
    named = {
        name
        for path in _sources()
        for name in re.findall(r"\bLANDKORT_[A-Z_]+\b", path.read_text(encoding="utf-8"))
    }
    assert named <= set(settings.SETTINGS), sorted(named - set(settings.SETTINGS))
