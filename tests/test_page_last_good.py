"""Last good data in the app: when the files stop validating, the pages keep showing the last
version that validated (from the loader's disk cache), with a notice; coordinators see the
errors with their unit."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from directory.access import Viewer

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")

ROOT = Path(__file__).resolve().parent.parent
NOTICE = (
    ":material/history: Datafilerne har fejl lige nu, så du ser den seneste gyldige "
    "version. Koordinatorerne er ved at rette det."
)
PAGES = [
    "pages/soeg.py",
    "pages/enhed.py",
    "pages/oversigt.py",
    "pages/henvisningsveje.py",
    "pages/kort.py",
    "pages/ringeliste.py",
    "pages/datakvalitet.py",
]


def _run(page: str, data: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    monkeypatch.setenv("LANDKORT_DATA", str(data))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _break(data: Path) -> Path:
    """A typo in one coordinator's file: the unit's department does not exist."""
    path = data / "units" / "bif.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("department: bif\n", "department: bfi\n", 1), encoding="utf-8")
    return path


def _captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def _links(at: AppTest) -> list[str]:
    return [link.value for link in at.get("page_link")]


def test_a_typo_keeps_search_on_the_last_good_data(data_dir: Path, monkeypatch) -> None:
    at = _run("pages/soeg.py", data_dir, monkeypatch, q="JKU")
    assert NOTICE not in _captions(at)
    found = _links(at)
    assert any("Jobcenter København Ungecenter" in label for label in found)
    _break(data_dir)
    at = _run("pages/soeg.py", data_dir, monkeypatch, q="JKU")
    assert NOTICE in _captions(at)
    assert not at.error
    assert _links(at) == found
    assert not at.expander or all("fejl i datafilerne" not in e.label for e in at.expander)


def test_a_restart_with_invalid_files_serves_the_cached_last_good(
    data_dir: Path, monkeypatch
) -> None:
    _run("pages/soeg.py", data_dir, monkeypatch)
    _break(data_dir)
    st.cache_resource.clear()  # a restart: nothing in memory, only the disk cache
    at = _run("pages/soeg.py", data_dir, monkeypatch, q="JKU")
    assert NOTICE in _captions(at)
    assert any("Jobcenter København Ungecenter" in label for label in _links(at))


def test_without_a_last_good_version_the_errors_are_shown(data_dir: Path, monkeypatch) -> None:
    _break(data_dir)
    at = _run("pages/soeg.py", data_dir, monkeypatch)
    assert at.error[0].value.startswith("Data kan ikke indlæses: der er 1 fejl i datafilerne.")
    assert NOTICE not in _captions(at)


def test_coordinators_see_the_errors_with_their_unit(data_dir: Path, monkeypatch) -> None:
    _run("pages/soeg.py", data_dir, monkeypatch)
    path = _break(data_dir)
    monkeypatch.setattr(
        "ui.auth.viewer", lambda: Viewer(staff=True, coordinator_of=frozenset({"bif"}))
    )
    at = _run("pages/soeg.py", data_dir, monkeypatch)
    assert NOTICE in _captions(at)
    (box,) = [e for e in at.expander if "fejl i datafilerne" in e.label]
    assert box.label == "1 fejl i datafilerne (vises kun for koordinatorer)"
    line = path.read_text(encoding="utf-8").splitlines().index("    department: bfi") + 1
    assert at.code[0].value == (
        f"{path}:{line}: department: forvaltningen 'bfi' findes ikke; mente du 'bif'? "
        "(id'erne står i departments.yaml)  [enhed: bif-jku]"
    )


@pytest.mark.parametrize("page", PAGES)
def test_every_page_works_on_the_last_good_data(data_dir: Path, monkeypatch, page: str) -> None:
    params = {"id": "bif-jku"} if page == "pages/enhed.py" else {}
    _run(page, data_dir, monkeypatch, **params)
    _break(data_dir)
    at = _run(page, data_dir, monkeypatch, **params)
    if page != "pages/datakvalitet.py":  # Datakvalitet lists the files' own problems instead
        assert NOTICE in _captions(at)
    assert not [e for e in at.error if e.value.startswith("Data kan ikke indlæses")]
