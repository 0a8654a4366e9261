"""Settings: one typed model (`directory.settings.Settings`), read once at the edges (the
app's `ui.serving.settings()`, the command line's `cli.main`) and passed down."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from directory import settings

ROOT = Path(__file__).resolve().parent.parent
APP_CODE = ["app.py", "pages", "ui", "cli", "directory", "search"]
# The two edges that read the settings; every other module gets them as arguments.
EDGES = {ROOT / "ui" / "serving.py", ROOT / "cli" / "__init__.py"}


def _sources() -> list[Path]:
    files: list[Path] = []
    for name in APP_CODE:
        path = ROOT / name
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def _lines(pattern: str, skip: set[Path]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        if path not in skip
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(pattern, line)
    ]


def test_only_the_settings_module_reads_the_environment() -> None:
    readers = _lines(
        r"\bos\.environ\b|\bgetenv\(|\bsettings\.get\(", {ROOT / "directory" / "settings.py"}
    )
    assert not readers, f"read settings at the edge (ui.serving.settings()), not here: {readers}"


def test_only_the_edges_read_the_settings() -> None:
    readers = _lines(
        r"\b(config|settings)\.(current|load)\(|\bSettings\(\)",
        EDGES | {ROOT / "directory" / "settings.py"},
    )
    assert not readers, (
        f"only ui/serving.py and cli/__init__.py read the settings; pass values down: {readers}"
    )


def test_the_core_takes_settings_as_arguments() -> None:
    """No module of directory/ or search/ (but the settings module) imports the settings
    as a source of values: at most the model, for a documented default."""
    core = [p for p in _sources() if p.parts[len(ROOT.parts)] in ("directory", "search")]
    users = [
        f"{path.relative_to(ROOT)}"
        for path in core
        if path != ROOT / "directory" / "settings.py"
        and re.search(
            r"from directory import settings\b|import directory\.settings\b",
            path.read_text(encoding="utf-8"),
        )
    ]
    assert not users, f"the core takes settings as arguments: {users}"


def test_every_setting_named_in_the_code_is_a_field() -> None:
    named = {
        name
        for path in _sources()
        for name in re.findall(r"\bLANDKORT_[A-Z_]+\b", path.read_text(encoding="utf-8"))
    }
    assert named <= set(settings.Settings.variables()), sorted(
        named - set(settings.Settings.variables())
    )


def test_every_field_has_a_type_a_default_and_a_meaning() -> None:
    for name, info in settings.Settings.variables().items():
        assert name.startswith("LANDKORT_") and name == name.upper()
        assert info.annotation is not None, name
        assert info.description and len(info.description) > 20, f"{name}: write its meaning"
        assert not info.is_required(), f"{name}: every setting is optional, with a default"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "var/reports"),
        ("", "var/reports"),
        ("/srv/landkort/reports", "/srv/landkort/reports"),
    ],
)
def test_a_setting_is_the_environment_else_its_default(
    value: str | None, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LANDKORT_REPORTS", raising=False)
    if value is not None:
        monkeypatch.setenv("LANDKORT_REPORTS", value)
    assert settings.load().reports == expected


def test_current_follows_the_environment_and_parses_it_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANDKORT_TILES", "https://kort.intra/{z}/{x}/{y}.png")
    first = settings.current()
    assert first.tiles == "https://kort.intra/{z}/{x}/{y}.png"
    assert settings.current() is first  # the same environment: parsed once
    monkeypatch.delenv("LANDKORT_TILES")
    assert settings.current().tiles is None


@pytest.mark.parametrize(
    ("value", "expected"), [("var/cache", Path("var/cache")), ("off", None), (" OFF ", None)]
)
def test_the_cache_folder_or_off(value: str, expected, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANDKORT_CACHE", value)
    assert settings.load().cache_dir == expected


def test_a_value_of_the_wrong_type_is_refused_in_danish(monkeypatch: pytest.MonkeyPatch) -> None:
    """A setting with a type (a number, say) names the variable, the value and the fix."""

    class WithPort(settings.Settings):
        port: int = 8501

    monkeypatch.setenv("LANDKORT_PORT", "otte")
    with pytest.raises(settings.SettingsError) as info:
        settings.load(WithPort)
    assert str(info.value) == (
        "LANDKORT_PORT='otte' kan ikke bruges (Input should be a valid integer, unable to "
        "parse string as an integer): ret værdien, eller fjern variablen for at bruge "
        "standardværdien (8501)"
    )


def test_a_bad_setting_stops_a_command_with_the_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli import main

    def refuse() -> settings.Settings:
        raise settings.SettingsError("LANDKORT_X='y' kan ikke bruges (...): ret værdien")

    monkeypatch.setattr(settings, "current", refuse)
    assert main(["validate"]) == 2
    assert capsys.readouterr().err == "fejl: LANDKORT_X='y' kan ikke bruges (...): ret værdien\n"


@pytest.mark.usefixtures("app_env")
def test_a_bad_setting_stops_the_app_with_the_message(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import app_test

    import ui.serving
    from ui.escape import md_escape

    message = "LANDKORT_X='y' kan ikke bruges (...): ret værdien"

    def refuse() -> settings.Settings:
        raise settings.SettingsError(message)

    monkeypatch.setattr(settings, "current", refuse)
    at = app_test("pages/soeg.py", data_dir, monkeypatch)
    assert not at.exception
    assert [e.value for e in at.error] == [ui.serving.SETTINGS_WRONG_DA + md_escape(message)]
