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

ROOT = Path(__file__).resolve().parent.parent
# Every page of app.py's navigation; a file that does not exist yet is skipped.
PAGES = [
    "app.py",
    "pages/soeg.py",
    "pages/enhed.py",
    "pages/oversigt.py",
    "pages/henvisningsveje.py",
    "pages/kort.py",
    "pages/ringeliste.py",
    "pages/min_ringeliste.py",
    "pages/datakvalitet.py",
]
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


def test_every_page_file_is_in_the_table() -> None:
    files = {p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py")}
    assert files <= set(PAGES), f"add the new page(s) to PAGES: {sorted(files - set(PAGES))}"


@pytest.mark.parametrize("dataset", DATASETS, indirect=True)
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_errors(
    page: str, dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not (ROOT / page).exists():
        pytest.skip(f"{page} does not exist yet")
    _assert_clean(_run(page, dataset, monkeypatch), f"{page} on {dataset}")


@pytest.mark.parametrize("dataset", DATASETS, indirect=True)
@pytest.mark.parametrize("which", ["first", "with_parent", "unknown"])
def test_unit_page_deep_links(which: str, dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not (ROOT / "pages/enhed.py").exists():
        pytest.skip("pages/enhed.py does not exist yet")
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
        assert units[unit_id].name.split(" ")[0] in shown
