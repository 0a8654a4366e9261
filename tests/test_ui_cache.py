"""The cached builders in `ui`: one search index and one referral graph per version of the
data, rebuilt when a file changes; broken data stops the page outside the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

import ui.serving
from directory import validate_directory
from tests.conftest import app_test

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")


def _rename_daytime_unit(data_dir: Path, name: str) -> None:
    path = data_dir / "units" / "sof.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: Døgnvagten", f"name: {name}"), encoding="utf-8")


def test_search_page_sees_an_edited_file_on_the_next_run(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = app_test("pages/soeg.py", data_dir, monkeypatch, q="zebrakontor")
    assert not before.exception
    assert not [link for link in before.get("page_link") if "Zebrakontor" in link.value]
    _rename_daytime_unit(data_dir, "Zebrakontoret")
    after = app_test("pages/soeg.py", data_dir, monkeypatch, q="zebrakontor")
    assert not after.exception
    assert [link.value for link in after.get("page_link")][:1] == ["**Zebrakontoret**"]


def test_graph_page_sees_an_edited_file_on_the_next_run(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_test("pages/henvisningsveje.py", data_dir, monkeypatch)
    assert not app.exception
    _rename_daytime_unit(data_dir, "Natkontoret")
    app = app_test("pages/henvisningsveje.py", data_dir, monkeypatch)
    assert not app.exception
    options = [o for box in app.selectbox for o in box.options]
    assert any("Natkontoret" in o for o in options)
    assert not any("Døgnvagten" in o for o in options)


@pytest.mark.parametrize("page", ["pages/soeg.py", "pages/henvisningsveje.py"])
def test_broken_data_shows_the_errors_and_no_traceback(
    page: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = data_dir / "units" / "sof.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - id: Bad Id\n", encoding="utf-8")
    app = app_test(page, data_dir, monkeypatch)
    assert not app.exception
    assert app.error[0].value.startswith("Data kan ikke indlæses: der er ")
    assert "Bad Id" in app.code[0].value


def test_builders_are_keyed_on_the_data_version(data_dir: Path) -> None:
    """Same data version (a hash of the files' contents and the code): the same object; a new
    version: a new build."""
    result = validate_directory(data_dir)
    version, directory = result.version, result.directory
    first = ui.serving._search_index(version, directory)
    assert ui.serving._search_index(version, directory) is first
    assert type(first).__name__ == "SearchIndex" and len(first) > 0
    graph = ui.serving._referral_graph(version, directory)
    assert ui.serving._referral_graph(version, directory) is graph
    _rename_daytime_unit(data_dir, "Natkontoret")
    again = validate_directory(data_dir)
    assert again.version != version
    rebuilt = ui.serving._search_index(again.version, again.directory)
    assert rebuilt is not first
    assert rebuilt.search("natkontoret")[0].name == "Natkontoret"
