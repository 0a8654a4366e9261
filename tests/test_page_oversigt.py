"""AppTest for the Forvaltninger page."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import app_test

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")


def _app(data: Path, monkeypatch: pytest.MonkeyPatch, **params: str):
    return app_test("pages/oversigt.py", data, monkeypatch, **params)


def test_overview_lists_departments(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(data_dir, monkeypatch)
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame["Navn"]) == [
        "Socialforvaltningen",
        "Beskæftigelses- og Integrationsforvaltningen",
        "Statslige myndigheder",
    ]
    assert list(frame["Enheder"]) == [3, 2, 1]
    assert "Eksempeldata til test" in at.caption[0].value


def test_department_view_links_units(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(data_dir, monkeypatch, forvaltning="sof")
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert any("[Borgercenter Voksne](enhed?id=sof-bcv)" in t for t in texts)
    assert any("    - [Hjemløse\\- og Udsatteenheden](enhed?id=sof-hjemloese)" in t for t in texts)


def test_unknown_department(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(data_dir, monkeypatch, forvaltning="nope")
    assert not at.exception
    assert "Der findes ingen forvaltning med id »nope«" in at.warning[0].value


def test_invalid_data_shows_problems(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (data_dir / "units" / "bif.yaml").write_text("units:\n  - id: bif-x\n", encoding="utf-8")
    at = _app(data_dir, monkeypatch)
    assert not at.exception
    assert "Data kan ikke indlæses" in at.error[0].value
    assert "units/bif.yaml:2: den påkrævede nøgle 'name' mangler: tilføj 'name: ...'" in (
        at.code[0].value
    )
