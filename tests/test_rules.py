"""One rule, one home: the pages, the exports and the search agree because they ask the same
function (directory.rules)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import app_test, set_clock, write_data

from directory import load_directory, validate_directory
from directory.devtools import schema
from directory.exports.export import call_list, directory_json
from directory.geo import places as geo
from directory.graph.analysis import ReferralGraph
from directory.loading.loader import classify
from directory.model import FILE_KINDS, KINDS, file_kind
from directory.quality.health import build_health
from directory.rules.colors import PALETTE, department_color, department_colors
from directory.rules.hours import building_hours, danish, hours_text, unit_status
from directory.rules.needs import need_key, need_label, need_options, serves_need
from directory.rules.overview import department_summaries
from directory.rules.staleness import RecordKind, stale_records
from search import SearchIndex
from ui.present import graph_plot as gp
from ui.present import mapview

DEMO = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def demo():
    return load_directory(DEMO)


@pytest.mark.parametrize("today", [dt.date(2026, 11, 22), dt.date(2027, 6, 1), dt.date(2028, 3, 1)])
def test_overview_and_data_quality_count_the_same_stale_entries(demo, today: dt.date) -> None:
    overview = {r.department_id: r.stale for r in department_summaries(demo, today=today)}
    health = build_health(validate_directory(DEMO, today=today), today=today)
    quality = {c.department: c.stale for c in health.counts}
    listed = {d: sum(1 for s in health.stale if s.department == d) for d in demo.departments}
    assert overview == quality == listed
    assert sum(overview.values()) == len(health.stale)


def test_stale_entries_at_a_later_date_include_referrals(demo) -> None:
    """The overview used to count only units: 59 of the demo's 123 on 1 June 2027."""
    kinds = {s.kind for s in stale_records(demo, dt.date(2028, 3, 1))}
    assert kinds == {RecordKind.UNIT, RecordKind.REFERRAL}  # demo contacts carry no date
    stale = stale_records(demo, dt.date(2027, 6, 1))
    assert (len(stale), sum(s.kind is RecordKind.UNIT for s in stale)) == (123, 59)


# --- opening hours: the search, the result cards, the unit page and the call list -------------

MOMENTS = [
    dt.datetime(2026, 11, 24, 10, 0),  # a Tuesday morning
    dt.datetime(2026, 11, 24, 19, 30),  # a Tuesday evening
    dt.datetime(2026, 11, 28, 11, 0),  # a Saturday
    dt.datetime(2026, 12, 25, 10, 0),  # juledag (a public holiday)
]


@pytest.fixture(scope="module")
def demo_index(demo):
    return SearchIndex(demo)


@pytest.mark.parametrize("at", MOMENTS)
def test_search_open_now_filter_follows_unit_status(demo, demo_index, at: dt.datetime) -> None:
    found = {h.id for h in demo_index.search("", limit=100_000, open_now=True, at=at)}
    expected = {u.id for u in demo.units.values() if unit_status(demo, u, at).is_open}
    assert found == expected
    assert 0 < len(expected) < len(demo.units) or at.weekday() >= 5 or at.month == 12


@pytest.mark.parametrize("at", MOMENTS)
def test_map_site_status_follows_unit_status_for_the_building(demo, at: dt.datetime) -> None:
    """On the map, a unit in its first building with hours is open exactly when the search
    and the unit page say it is."""
    checked = 0
    for site in geo.sites(demo, geo.MapFilter(at=at)):
        for here in site.units:
            if building_hours(demo, here.unit) == site.location.hours:
                assert here.status == unit_status(demo, here.unit, at), here.unit.id
                checked += 1
    assert checked > 20


@pytest.mark.parametrize("which", ["demo", "small_directory"])
def test_call_list_hours_are_the_units_hours(which: str, request: pytest.FixtureRequest) -> None:
    directory = request.getfixturevalue(which)
    rows = call_list(directory, list(directory.units))
    assert {r.unit_id: r.hours for r in rows} == {  # in plain Danish (issue 16)
        u.id: danish(hours_text(directory, u)) if hours_text(directory, u) else ""
        for u in directory.units.values()
    }


def test_a_unit_without_hours_has_its_buildings(small_directory) -> None:
    unit = small_directory.units["sof-hjemloese"]
    assert unit.hours is None and unit.locations
    building = small_directory.locations[unit.locations[0]].hours
    assert building and hours_text(small_directory, unit) == building
    assert unit_status(small_directory, unit, MOMENTS[0]).is_open
    (row,) = call_list(small_directory, [unit.id])
    assert row.hours == danish(building)


# --- needs: the map, the search and the referral graph --------------------------------------

SPELLINGS = {
    "departments.yaml": "departments:\n  - {id: sof, name: Socialforvaltningen}\n",
    "units/sof.yaml": (
        "units:\n"
        "  - {id: a, name: A, department: sof, verified: 2026-06-01, target_groups: ['Bolig']}\n"
        "  - {id: b, name: B, department: sof, verified: 2026-06-01}\n"
        "  - {id: c, name: C, department: sof, verified: 2026-06-01}\n"
    ),
    "referrals.yaml": (
        "referrals:\n"
        "  - {from: a, to: b, needs: ['  bolig ', 'Akut  husly']}\n"
        "  - {from: b, to: c, needs: ['BOLIG', 'akut husly']}\n"
    ),
}


def test_needs_are_one_rule_on_the_map_the_search_and_the_graph(tmp_path: Path) -> None:
    directory = load_directory(write_data(tmp_path / "d", SPELLINGS))
    graph = ReferralGraph(directory)
    assert need_options(directory) == ["Akut husly", "Bolig"]
    assert SearchIndex(directory).needs() == need_options(directory)
    assert [need_key(n) for n in graph.needs] == ["akut husly", "bolig"]
    map_units = {
        u.unit.id for s in geo.sites(directory, geo.MapFilter(need="BOLIG ")) for u in s.units
    }
    map_units |= {u.id for u in geo.units_without_location(directory, geo.MapFilter(need="BOLIG "))}
    assert map_units == {"a", "b", "c"}
    assert {u for u in directory.units if serves_need(directory, directory.units[u], "bolig")} == {
        "a",
        "b",
        "c",
    }
    assert {r.unit_id for r in graph.reachable("a", need=" Bolig")} == {"b", "c"}


VOCABULARY = {
    **SPELLINGS,
    "needs.yaml": (
        "needs:\n"
        "  - {id: bolig, label: Bolig og husleje, synonyms: [husleje]}\n"
        "  - {id: husly, label: Et sted at sove, synonyms: [akut husly]}\n"
    ),
}


def test_needs_vocabulary_names_needs_the_same_on_the_map_the_search_and_the_graph(
    tmp_path: Path,
) -> None:
    directory = load_directory(write_data(tmp_path / "d", VOCABULARY))
    assert not [w for w in directory.warnings if "needs.yaml" in w.message]
    graph = ReferralGraph(directory)
    index = SearchIndex(directory)
    assert need_options(directory) == ["Bolig og husleje", "Et sted at sove"]
    assert index.needs() == need_options(directory) == graph.needs
    assert need_label(directory, " AKUT husly") == "Et sted at sove"
    assert need_label(directory, "bolig") == "Bolig og husleje"
    assert need_label(directory, "gæld") == "gæld"  # outside the vocabulary: as written
    for need in ("Et sted at sove", "husly", "akut husly"):
        assert {u for u, unit in directory.units.items() if serves_need(directory, unit, need)} == {
            "b",
            "c",
        }
        assert {h.unit_id for h in index.search("", need=need, limit=10)} == {"b", "c"}
        assert {r.unit_id for r in graph.reachable("a", need=need)} == {"b", "c"}
    hits = index.search("", need="Bolig og husleje", limit=10)
    assert {h.unit_id for h in hits} == {"a", "b", "c"}  # a by its target group 'Bolig'
    assert graph.graph.edges["a", "b"]["labels"] == ["Bolig og husleje", "Et sted at sove"]


def test_demo_needs_are_a_short_vocabulary(demo, demo_index) -> None:
    assert 25 <= len(demo.needs) <= 40
    labels = sorted((n.label for n in demo.needs), key=need_key)
    assert need_options(demo) == labels  # every word in the data maps to a need
    assert demo_index.needs() == labels
    assert set(ReferralGraph(demo).needs) <= set(labels)
    assert not [w for w in demo.warnings if "needs.yaml" in w.message]
    words = {need_key(w) for n in demo.needs for w in n.synonyms}
    assert {"huslejerestance", "hjemløs", "underretning", "mitid"} <= words


@pytest.mark.usefixtures("app_env")
def test_soeg_and_kort_offer_the_vocabulary_and_filter_by_it(
    demo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """As a caseworker sees it: the filter "Behov eller målgruppe" lists the 35 needs, not
    499 free-text words, and picking one finds the units that serve it."""
    monkeypatch.setenv("LANDKORT_REPORTS", str(tmp_path / "reports"))
    labels = sorted((n.label for n in demo.needs), key=need_key)
    soeg = app_test("pages/soeg.py", DEMO, monkeypatch)
    assert soeg.selectbox(key="behov").options == labels
    kort = app_test("pages/kort.py", DEMO, monkeypatch)
    assert kort.selectbox(key="kort_behov").options == labels
    need = "Udsættelse og huslejerestance"
    soeg.selectbox(key="behov").select(need).run()
    shown = {re.sub(r"\\(.)", r"\1", el.proto.label).strip("*") for el in soeg.get("page_link")}
    serving = {u.name for u in demo.units.values() if serves_need(demo, u, need)}
    assert "Bolig- og gældsrådgivning" in shown and shown <= serving, shown


def test_the_public_view_speaks_the_same_needs(demo) -> None:
    from directory.visibility import public_view

    public = public_view(demo)
    assert [n.label for n in public.needs] == [n.label for n in demo.needs]
    assert need_options(public) == need_options(demo)
    assert [n["id"] for n in directory_json(demo, public=True)["needs"]] == [
        n.id for n in demo.needs
    ]


def test_demo_needs_agree(demo, demo_index) -> None:
    options = need_options(demo)
    assert demo_index.needs() == options
    keys = {need_key(n) for n in options}
    assert {need_key(n) for n in ReferralGraph(demo).needs} <= keys
    assert len(keys) == len(options)


# --- department colours: the map and the referral graph -------------------------------------


def test_map_and_graph_show_each_department_in_one_colour(tmp_path: Path) -> None:
    data = tmp_path / "d"
    shutil.copytree(DEMO, data)
    departments = data / "departments.yaml"
    text = re.sub(r"(?m)^\s*color:.*\n", "", departments.read_text(encoding="utf-8"))
    extra = "".join(f"  - {{id: ekstra-{n}, name: Ekstra {n}}}\n" for n in range(3))
    departments.write_text(text + extra, encoding="utf-8")
    directory = load_directory(data)
    assert len(directory.departments) == 13  # more than the map's old palette of 10
    expected = {d: PALETTE[i % len(PALETTE)] for i, d in enumerate(directory.departments)}
    assert department_colors(directory) == expected
    found = geo.sites(directory)
    for site in found:
        if site.department_id is not None:
            assert site.color == department_color(directory, site.department_id)
    legend = mapview.legend_html(directory, found)
    rg = ReferralGraph(directory)
    figure = gp.unit_figure(rg, rg.graph)
    graph_colors = {t.legendgroup: t.marker.color for t in figure.data if t.legendgroup}
    assert graph_colors
    for dep_id, color in graph_colors.items():
        assert color == department_color(directory, dep_id)
    on_map = {u.unit.department for site in found for u in site.units}
    assert len(on_map) > 5
    for dep_id in on_map:
        assert f"background:{department_color(directory, dep_id)}" in legend


# --- data-file kinds: the loader, the schemas and the export ---------------------------------


@pytest.mark.parametrize(
    ("rel", "kind"),
    [
        ("departments.yaml", "departments"),
        ("units/sof.yaml", "units"),
        ("locations.yaml", "locations"),
        ("referrals.yaml", "referrals"),
        ("referrals/bolig.yaml", "referrals"),
        ("synonyms.yaml", "synonyms"),
        ("units.yaml", None),
        ("units/sof.yml", None),
        ("locations/a.yaml", None),
        ("units/x/sof.yaml", None),
        ("schema/units.schema.json", None),
    ],
)
def test_one_table_of_file_kinds(rel: str, kind: str | None) -> None:
    assert file_kind(rel) == classify(rel) == kind


def test_loader_schemas_and_export_share_the_file_kinds(demo) -> None:
    assert list(FILE_KINDS) == [
        "departments",
        "units",
        "locations",
        "referrals",
        "synonyms",
        "needs",
    ]
    assert tuple(FILE_KINDS) == schema.KINDS
    assert sorted(schema.expected_files()) == sorted(f"{k}.schema.json" for k in FILE_KINDS)
    assert list(directory_json(demo)) == list(FILE_KINDS)
    assert set(KINDS) == {k for k, v in FILE_KINDS.items() if v.model is not None}


def test_validation_warns_about_exactly_the_stale_entries(tmp_path: Path) -> None:
    """`python -m directory validate` warns about the entries the pages count as stale."""
    on = dt.date(2027, 6, 1)
    validation = validate_directory(DEMO, today=on)
    warned = [w for w in validation.warnings if "for mere end 12 måneder siden" in w.message]
    assert len(warned) == len(stale_records(validation.directory, on)) > 0


def test_search_does_not_import_the_map() -> None:
    code = (
        "import sys, search; "
        "assert not [m for m in sys.modules if m.startswith(('directory.geo', 'ui.present',"
        " 'folium'))], sorted(m for m in sys.modules if m.startswith('directory'))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=DEMO.parent)


@pytest.mark.usefixtures("app_env")
def test_overview_and_data_quality_pages_show_the_same_stale_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a coordinator sees it, on 1 June 2027: the two pages' per-forvaltning columns."""
    set_clock(monkeypatch, dt.datetime(2027, 6, 1, 10, 0))
    monkeypatch.setenv("LANDKORT_REPORTS", str(tmp_path / "reports"))
    overview = app_test("pages/oversigt.py", DEMO, monkeypatch)
    quality = app_test("pages/datakvalitet.py", DEMO, monkeypatch)
    assert not overview.exception and not quality.exception
    table = overview.dataframe[0].value
    by_name = dict(zip(table["Navn"], table["Ikke tjekket i 12 mdr."], strict=True))
    counts = next(t.value for t in quality.table if "Mangler oplysninger" in t.value.columns)
    # st.table renders markdown, so its cells arrive escaped: read them as shown
    shown = [re.sub(r"\\(.)", r"\1", name) for name in counts.index]
    assert by_name == dict(zip(shown, counts["Forældede"], strict=True))
    assert sum(by_name.values()) == 123 == int(quality.metric[2].value)
