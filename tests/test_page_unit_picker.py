"""The one unit picker (`ui.widgets.unit_picker` over a `directory.rules.unit_finder.UnitFinder`)
on every page that picks a unit: Henvisningsveje, Borgerens situation ("Din enhed") and
Rediger ("Hører under" when moving a unit). At 3,000 units each offers at most 50 units,
says how many match and keeps the chosen or current unit."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_editing import commit_all, make_repo

import ui.henvisningsveje
from directory import Directory, load_directory
from directory.graph.analysis import ReferralGraph
from directory.rules.unit_finder import UnitFinder
from tests.conftest import app_test, synth_data_dir
from ui.widgets import PICKER_LIMIT, SEARCH_SUFFIX

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")

NO_PARENT = "(ingen: øverst i forvaltningen)"
# A unit of the generated data with a parent; its own name does not hold "valby".
MOVED = "bif-virksomhedsteam-beskaeftigelse-vesterbro"
MOVED_PARENT = "bif-ungecenter-sygedagpenge-vesterbro"


def parent_key(unit_id: str) -> str:
    return f"rediger-{unit_id}-move-parent"


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


# --- the matching rule (core) --------------------------------------------------------------


def test_by_name_offers_every_unit_by_name_labelled_with_its_forvaltning(data_dir: Path) -> None:
    finder = UnitFinder.by_name(load_directory(data_dir))
    assert len(finder) == 6 and "sof-bcv" in finder and "nope" not in finder
    assert finder.find("") == (
        ["sof-bcv", "sof-dognvagt", "sof-hjemloese", "bif-jku", "stat-kif", "bif-ydelse"],
        6,
    )
    assert finder.label("sof-bcv") == "Borgercenter Voksne · Socialforvaltningen (SOF)"


def test_find_matches_every_word_and_leaves_out_the_excluded(data_dir: Path) -> None:
    finder = UnitFinder.by_name(load_directory(data_dir))
    # every word, in the name, the forvaltning's name or the id; name starts first
    assert finder.find("  KØBENHAVN  bif ") == (["bif-jku", "bif-ydelse"], 2)
    assert finder.find("ydelse") == (["bif-ydelse"], 1)
    assert finder.find("københavn") == (["bif-jku", "stat-kif", "bif-ydelse"], 3)
    assert finder.find("københavn", limit=1) == (["bif-jku"], 3)
    assert finder.find("københavn", exclude={"bif-jku"}) == (["stat-kif", "bif-ydelse"], 2)
    assert finder.find("", limit=2, exclude={"sof-bcv"}) == (["sof-dognvagt", "sof-hjemloese"], 5)
    assert finder.find("xyz") == ([], 0)


def test_the_graph_finds_units_with_the_same_rule_in_its_own_order(data_dir: Path) -> None:
    rg = ReferralGraph(load_directory(data_dir))
    assert rg.find_units("københavn", 2) == rg.finder.find("københavn", 2)
    by_name = UnitFinder.by_name(rg.directory)
    assert sorted(rg.find_units("k")[0]) == sorted(by_name.find("k")[0])
    assert rg.find_units("")[0][0] == rg.default_focus()


# --- the pages at 3,000 units ----------------------------------------------------------------


@pytest.fixture(scope="module")
def synth_3k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,000 generated units in a git repository (Rediger needs one)."""
    return commit_all(synth_data_dir(tmp_path_factory, 3000, seed=3))


@pytest.fixture(scope="module")
def synth_3k_directory(synth_3k: Path) -> Directory:
    return load_directory(synth_3k)


@pytest.fixture(scope="module")
def finder_3k(synth_3k_directory: Directory) -> UnitFinder:
    return UnitFinder.by_name(synth_3k_directory)


def open_move_form(
    data: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, unit_id: str, viewer: str
) -> AppTest:
    """The unit's page with Rediger opened (the move form below the edit form)."""
    monkeypatch.setenv("LANDKORT_REPORTS", str(tmp_path / "reports"))
    at = app_test("pages/enhed.py", data, monkeypatch, viewer=viewer, id=unit_id)
    next(b for b in at.button if b.label == "Rediger").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_situation_picker_offers_50_says_how_many_and_keeps_the_choice(
    synth_3k: Path, finder_3k: UnitFinder, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test("pages/situation.py", synth_3k, monkeypatch)
    picker = at.selectbox(key="fra")
    assert picker.label == "Din enhed (valgfri): vis henvisningsvejen"
    assert at.text_input(key="fra" + SEARCH_SUFFIX).label == "Søg efter din enhed"
    assert len(picker.options) == PICKER_LIMIT and picker.value is None
    assert picker.options[0] == finder_3k.label(finder_3k.find("")[0][0])
    empty_search = "Viser 50 af 3.000 enheder: sorteret efter navn. Søg for at finde de andre."
    assert empty_search in captions(at)
    at.text_input(key="fra" + SEARCH_SUFFIX).input("valby").run()
    found, total = finder_3k.find("valby", PICKER_LIMIT)
    assert total > PICKER_LIMIT
    assert (
        f"Viser 50 af {total} enheder, der passer til »valby«. Skriv mere for at finde den "
        "rigtige." in captions(at)
    )
    assert at.selectbox(key="fra").options == [finder_3k.label(u) for u in found]
    at.selectbox(key="fra").select(found[-1]).run()
    assert at.query_params["fra"] == [found[-1]] or at.query_params["fra"] == found[-1]
    at.text_input(key="fra" + SEARCH_SUFFIX).input("zzqqzz").run()
    assert "Ingen enheder passer til »zzqqzz«." in captions(at)
    picker = at.selectbox(key="fra")
    assert picker.value == found[-1]
    assert picker.options == [finder_3k.label(found[-1])]  # still offered, still chosen


def test_situation_keeps_a_unit_from_the_link_beyond_the_first_50(
    synth_3k: Path, finder_3k: UnitFinder, monkeypatch: pytest.MonkeyPatch
) -> None:
    last = finder_3k.find("", 3000)[0][-1]
    at = app_test("pages/situation.py", synth_3k, monkeypatch, fra=last)
    picker = at.selectbox(key="fra")
    assert picker.value == last
    assert len(picker.options) == PICKER_LIMIT + 1
    assert picker.options[0] == finder_3k.label(last)


def test_rediger_parent_picker_offers_50_and_keeps_the_current_parent(
    synth_3k: Path,
    finder_3k: UnitFinder,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    at = open_move_form(synth_3k, monkeypatch, tmp_path, MOVED, "admin")
    picker = at.selectbox(key=parent_key(MOVED))
    assert picker.label == "Hører under"
    assert picker.value == MOVED_PARENT
    first = finder_3k.find("", PICKER_LIMIT, exclude={MOVED})[0]
    assert MOVED_PARENT not in first  # so it is kept on top of the 50
    assert picker.options == [
        NO_PARENT,
        finder_3k.label(MOVED_PARENT),
        *(finder_3k.label(u) for u in first),
    ]
    empty_search = "Viser 50 af 2.999 enheder: sorteret efter navn. Søg for at finde de andre."
    assert empty_search in captions(at)
    at.text_input(key=parent_key(MOVED) + SEARCH_SUFFIX).input("vesterbro virksomhedsteam").run()
    found, total = finder_3k.find("vesterbro virksomhedsteam", PICKER_LIMIT, exclude={MOVED})
    picker = at.selectbox(key=parent_key(MOVED))
    assert picker.value == MOVED_PARENT
    assert MOVED not in found and finder_3k.label(MOVED) not in picker.options  # not its own
    assert len(picker.options) <= PICKER_LIMIT + 2
    assert picker.options[:2] == [NO_PARENT, finder_3k.label(MOVED_PARENT)]
    assert picker.options[2:] == [finder_3k.label(u) for u in found]


@pytest.mark.parametrize(
    ("page", "key"),
    [
        ("pages/henvisningsveje.py", ui.henvisningsveje.FOCUS_KEY),
        ("pages/situation.py", "fra"),
        ("pages/enhed.py", parent_key(MOVED)),  # Rediger opened on MOVED
    ],
)
def test_every_page_uses_the_one_picker(
    synth_3k: Path,
    finder_3k: UnitFinder,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    page: str,
    key: str,
) -> None:
    if page == "pages/enhed.py":
        at = open_move_form(synth_3k, monkeypatch, tmp_path, MOVED, "admin")
    else:
        at = app_test(page, synth_3k, monkeypatch)
    at.text_input(key=key + SEARCH_SUFFIX).input("valby [x]*").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Ingen enheder passer til »valby \\[x\\]\\*«." in captions(at)
    at.text_input(key=key + SEARCH_SUFFIX).input("valby").run()
    total = finder_3k.find("valby")[1]
    assert (
        f"Viser 50 af {total} enheder, der passer til »valby«. Skriv mere for at finde den "
        "rigtige." in captions(at)
    )
    assert len(at.selectbox(key=key).options) <= PICKER_LIMIT + 2


# --- moving a unit with the picker (small data) ----------------------------------------------


@pytest.mark.git
def test_flyt_moves_a_unit_under_the_unit_found_by_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "data")
    at = open_move_form(repo, monkeypatch, tmp_path, "sof-hjemloese", "sof_coordinator")
    key = parent_key("sof-hjemloese")
    assert at.selectbox(key=key).value == "sof-bcv"
    assert len(at.selectbox(key=key).options) == 6  # no parent, and 5 units (not itself)
    at.text_input(key=key + SEARCH_SUFFIX).input("døgn").run()
    assert "1 enhed passer til »døgn«." in captions(at)
    at.selectbox(key=key).select("sof-dognvagt").run()
    next(b for b in at.button if b.label == "Flyt").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("Enheden er flyttet") for s in at.success)
    assert load_directory(repo).units["sof-hjemloese"].parent == "sof-dognvagt"
    next(b for b in at.button if b.label == "Rediger").click()  # moving closed the form
    at.run()
    assert at.selectbox(key=key).value == "sof-dognvagt"
    at.text_input(key=key + SEARCH_SUFFIX).input("").run()
    assert at.selectbox(key=key).options[0] == NO_PARENT
    at.selectbox(key=key).set_value("").run()  # the "no parent" option
    next(b for b in at.button if b.label == "Flyt").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert load_directory(repo).units["sof-hjemloese"].parent is None
