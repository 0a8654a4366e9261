"""AppTest smoke test: app.py and every page run without an exception or an error box.

Each page runs on three data sets: the small test data (conftest), the demo data in data/,
and 60 generated units. The detailed behaviour of each page is tested in its own
tests/test_page_<name>.py; this test only makes sure nothing falls over.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.escape import md_escape
from ui.navigation import PAGES as APP_PAGES

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")

ROOT = Path(__file__).resolve().parent.parent
# app.py alone, then every page of its navigation (the one list, in ui/navigation.py).
PAGES = ["app.py", *(page.file for page in APP_PAGES)]
DATASETS = ["small", "demo", "synth"]


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from directory.devtools.synth import synth_directory

    root = tmp_path_factory.mktemp("smoke") / "data"
    synth_directory(root, 60, seed=5, today=dt.date.today())
    return root


@pytest.fixture(scope="module")
def demo_errors() -> list[str]:
    from directory import validate_directory

    return [str(p) for p in validate_directory(ROOT / "data").errors]


@pytest.fixture
def dataset(
    request: pytest.FixtureRequest, data_dir: Path, synth_dir: Path, demo_errors: list[str]
) -> Path:
    if request.param == "small":
        return data_dir
    if request.param == "synth":
        return synth_dir
    assert demo_errors == [], "the demo data in data/ has errors:\n" + "\n".join(demo_errors[:20])
    return ROOT / "data"


def _run(page: str, data: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    monkeypatch.setenv("LANDKORT_DATA", str(data))
    monkeypatch.setenv("LANDKORT_REPORTS", str(data.parent / "reports"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if page != "app.py":
        at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _assert_clean(at: AppTest, what: str) -> None:
    assert not at.exception, f"{what}: exception: {[e.value for e in at.exception]}"
    assert not at.error, f"{what}: error box: {[e.value for e in at.error]}"


def test_the_navigation_lists_every_page_file_and_nothing_else() -> None:
    files = {p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py")}
    listed = [page.file for page in APP_PAGES]
    assert len(listed) == len(set(listed)), f"a page is listed twice: {listed}"
    assert files == set(listed), (
        f"pages/ and PAGES in ui/navigation.py differ: not listed {sorted(files - set(listed))}, "
        f"no file {sorted(set(listed) - files)}"
    )
    assert [page.url_path for page in APP_PAGES if page.default] == ["soeg"]


def test_a_missing_page_file_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import navigation

    gone = navigation.AppPage("pages/findes_ikke.py", "Findes ikke", ":material/help:", "x")
    monkeypatch.setattr(navigation, "PAGES", (*navigation.PAGES, gone))
    with pytest.raises(navigation.MissingPageError) as caught:
        navigation.app_pages()
    assert str(caught.value) == (
        "pages/findes_ikke.py: the file of the page 'Findes ikke' is missing: restore it, "
        "or remove the page from PAGES in ui/navigation.py"
    )


def test_the_app_stops_with_an_error_when_a_page_file_is_missing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import navigation

    gone = navigation.AppPage("pages/findes_ikke.py", "Findes ikke", ":material/help:", "x")
    monkeypatch.setattr(navigation, "PAGES", (*navigation.PAGES, gone))
    at = _run("app.py", data_dir, monkeypatch)
    # The message goes to the server log; the browser shows Streamlit's redacted error box
    # (client.showErrorDetails = "none"), and no page runs.
    assert len(at.exception) == 1, "a missing page file must stop the app"
    assert not at.text_input, "a page ran although the navigation is broken"


@pytest.mark.parametrize("dataset", DATASETS, indirect=True)
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_errors(
    page: str, dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _assert_clean(_run(page, dataset, monkeypatch), f"{page} on {dataset}")


@pytest.mark.parametrize("dataset", DATASETS, indirect=True)
@pytest.mark.parametrize("which", ["first", "with_parent", "unknown"])
def test_unit_page_deep_links(which: str, dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from directory import load_directory

    units = load_directory(dataset).units
    unit_id = {
        "first": next(iter(units)),
        "with_parent": next((u.id for u in units.values() if u.parent), next(iter(units))),
        "unknown": "findes-ikke",
    }[which]
    at = _run("pages/enhed.py", dataset, monkeypatch, id=unit_id)
    assert not at.exception, f"enhed?id={unit_id}: {[e.value for e in at.exception]}"
    if which != "unknown":
        assert not at.error
        shown = " ".join(
            str(getattr(el, "value", "")) for el in (*at.title, *at.header, *at.markdown)
        )
        assert md_escape(units[unit_id].name.split(" ")[0]) in shown


def test_a_page_opened_first_runs_inside_app_py(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AppTest starts every run with Streamlit's old pages/ discovery switched on, like a
    fresh server: ui.navigation.use_app_navigation must bring app.py's navigation back."""
    at = _run("pages/enhed.py", data_dir, monkeypatch, id="sof-bcv")
    _assert_clean(at, "enhed opened first")
    assert "intern vejviser" in " ".join(c.value for c in at.sidebar.caption), (
        "app.py did not run: the page ran on its own (old pages/ discovery)"
    )
