"""directory.geo.places: distances, the shipped bydel/postal-code tables, map filters, open now
(Danish holidays included) and the nearest open office."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from conftest import SMALL_DATA, write_data

from directory import DepartmentKind, load_directory
from directory.geo import places as geo
from directory.rules import hours
from directory.rules.colors import PALETTE, department_colors
from directory.rules.needs import need_options

WEDNESDAY_10 = dt.datetime(2026, 11, 25, 10, 0)
WEDNESDAY_20 = dt.datetime(2026, 11, 25, 20, 0)
CHRISTMAS_DAY_10 = dt.datetime(2026, 12, 25, 10, 0)  # Friday, public holiday
MAUNDY_THURSDAY_10 = dt.datetime(2026, 4, 2, 10, 0)  # skærtorsdag, public holiday
CHRISTMAS_EVE_10 = dt.datetime(2026, 12, 24, 10, 0)  # Thursday, not a public holiday


def keys(found: list[geo.Site]) -> list[str]:
    return [site.key for site in found]


# --- distance --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ((55.6761, 12.5683), (55.6761, 12.5683), 0.0),
        ((55.0, 12.0), (56.0, 12.0), 111.195),  # one degree of latitude: pi * R / 180
        ((0.0, 0.0), (0.0, 1.0), 111.195),  # one degree of longitude on the equator
        ((0.0, 0.0), (0.0, 180.0), 20015.114),  # half the circumference: pi * R
        ((55.6761, 12.5683), (55.6180, 12.6508), None),  # city hall - airport: law of cosines
    ],
)
def test_haversine_km(a, b, km) -> None:
    if km is None:  # an independent formula for the same sphere
        (p1, l1), (p2, l2) = (map(math.radians, a)), (map(math.radians, b))
        cos_c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(l2 - l1)
        km = math.acos(cos_c) * geo.EARTH_RADIUS_KM
    assert geo.haversine_km(*a, *b) == pytest.approx(km, abs=0.001)
    assert geo.haversine_km(*b, *a) == pytest.approx(km, abs=0.001)


# --- places ----------------------------------------------------------------------------------


def test_the_ten_bydele_ship_with_the_app() -> None:
    names = [place.name for place in geo.bydele()]
    assert names == [
        "Indre By",
        "Østerbro",
        "Nørrebro",
        "Vesterbro/Kongens Enghave",
        "Valby",
        "Vanløse",
        "Brønshøj-Husum",
        "Bispebjerg",
        "Amager Øst",
        "Amager Vest",
    ]
    assert [p.key for p in geo.bydele()] == [f"bydel-{n}" for n in range(1, 11)]
    assert [p.name for p in geo.bydele() if p.estimate] == ["Indre By", "Vanløse", "Amager Øst"]


def test_every_place_lies_in_copenhagen_and_keys_are_unique() -> None:
    places = geo.places()
    assert len({p.key for p in places}) == len(places)
    for place in places:
        assert 55.60 < place.lat < 55.74 and 12.45 < place.lon < 12.66, place


def test_postal_codes_cover_the_municipality_and_skip_frederiksberg() -> None:
    singles = {p.postal_from for p in geo.postal_areas() if p.postal_from == p.postal_to}
    assert singles == {2100, 2150, 2200, 2300, 2400, 2450, 2500, 2700, 2720}
    covered = [n for p in geo.postal_areas() for n in range(p.postal_from, p.postal_to + 1)]
    assert min(covered) == 1050 and 1799 in covered
    assert not any(1800 <= n <= 2000 for n in covered)
    assert all(p.estimate for p in geo.postal_areas())


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("bydel-3", "bydel-3"),
        ("Nørrebro", "bydel-3"),
        ("  nørrebro ", "bydel-3"),
        ("Nørrebro (bydel)", "bydel-3"),
        ("Amager Øst", "bydel-9"),
        ("2200", "2200"),
        ("2200 København N", "2200"),
        ("2200 København N (Nørrebro)", "2200"),
        ("1666", "1600-1699"),
        ("1050", "1050-1199"),
        ("1799 København V", "1700-1799"),
        ("1600-1699", "1600-1699"),
        ("2720", "2720"),
        ("2000", None),  # Frederiksberg: another municipality
        ("1850", None),
        ("8000", None),
        ("Atlantis", None),
        ("", None),
        (None, None),
    ],
)
def test_find_place(text, key) -> None:
    place = geo.find_place(text)
    assert (place.key if place else None) == key


# --- open now --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit_hours", "location_hours", "at", "is_open", "label"),
    [
        ("Mo-Fr 09:00-15:00; PH off", None, WEDNESDAY_10, True, "Åben nu · lukker kl. 15:00"),
        (None, "Mo-Fr 09:00-15:00; PH off", WEDNESDAY_10, True, "Åben nu · lukker kl. 15:00"),
        (
            "Mo-Fr 09:00-15:00; PH off",
            None,
            WEDNESDAY_20,
            False,
            "Lukket · åbner i morgen kl. 09:00",
        ),
        (
            "Mo-Fr 09:00-15:00; PH off",
            None,
            CHRISTMAS_DAY_10,
            False,
            "Lukket · åbner mandag kl. 09:00",
        ),
        (
            "Mo-Fr 09:00-15:00; PH off",
            None,
            MAUNDY_THURSDAY_10,
            False,
            "Lukket · åbner tirsdag kl. 09:00",
        ),
        ("Mo-Fr 09:00-15:00; PH off", None, CHRISTMAS_EVE_10, True, "Åben nu · lukker kl. 15:00"),
        # both known: open only when both are; the earlier closing wins
        (
            "Mo-Fr 09:00-15:00",
            "Mo-Fr 08:00-13:00",
            WEDNESDAY_10,
            True,
            "Åben nu · lukker kl. 13:00",
        ),
        ("Mo-Fr 11:00-15:00", "Mo-Fr 08:00-16:00", WEDNESDAY_10, False, "Lukket · åbner kl. 11:00"),
        (
            "24/7",
            "Mo-Fr 08:00-16:00; PH off",
            CHRISTMAS_DAY_10,
            False,
            "Lukket · åbner mandag kl. 08:00",
        ),
        (None, None, WEDNESDAY_10, False, "Åbningstid ukendt"),
    ],
)
def test_combined_status(unit_hours, location_hours, at, is_open, label) -> None:
    status = hours.combined_status(unit_hours, location_hours, at)
    assert (status.is_open, status.label) == (is_open, label)


# --- sites and filters -----------------------------------------------------------------------


def test_sites_group_units_by_location_in_file_order(small_directory) -> None:
    found = geo.sites(small_directory, geo.MapFilter(at=WEDNESDAY_10))
    assert keys(found) == ["matthaeusgade", "aaboulevard", "skelbaekgade"]
    assert [u.unit.id for u in found[0].units] == ["sof-bcv", "sof-hjemloese"]
    assert found[0].color == "#b2182b" and found[2].color == "#2166ac"
    assert all(site.kind is DepartmentKind.MUNICIPAL for site in found)


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (geo.MapFilter(departments=frozenset({"bif"})), ["skelbaekgade"]),
        (
            geo.MapFilter(departments=frozenset({"sof", "bif"})),
            ["matthaeusgade", "aaboulevard", "skelbaekgade"],
        ),
        (geo.MapFilter(need="hjemløse"), ["matthaeusgade"]),  # a target group
        (geo.MapFilter(need="AKUT HUSLY"), ["matthaeusgade"]),  # a need referred to a unit
        (geo.MapFilter(need="misbrug"), ["matthaeusgade"]),
        (geo.MapFilter(text="døgnvagt"), ["aaboulevard"]),
        (geo.MapFilter(text="jku"), ["skelbaekgade"]),  # keyword
        (geo.MapFilter(text="skelbækgade 4"), ["skelbaekgade"]),  # address, every word
        (geo.MapFilter(text="SOF 2200"), ["aaboulevard"]),  # department short + postal code
        (geo.MapFilter(text="nothing like this"), []),
        (geo.MapFilter(open_now=True, at=WEDNESDAY_20), ["aaboulevard"]),
        (geo.MapFilter(open_now=True, at=CHRISTMAS_DAY_10), ["aaboulevard"]),
        (
            geo.MapFilter(open_now=True, at=WEDNESDAY_10),
            ["matthaeusgade", "aaboulevard", "skelbaekgade"],
        ),
    ],
)
def test_sites_filters(small_directory, flt, expected) -> None:
    if flt.at is None:
        flt = geo.MapFilter(flt.departments, flt.need, flt.text, flt.open_now, WEDNESDAY_10)
    assert keys(geo.sites(small_directory, flt)) == expected


def test_need_filter_keeps_only_matching_units_in_a_popup(small_directory) -> None:
    (site,) = geo.sites(small_directory, geo.MapFilter(need="hjemløshed", at=WEDNESDAY_10))
    assert [u.unit.id for u in site.units] == ["sof-hjemloese"]


def test_open_now_drops_closed_units_but_keeps_open_ones(tmp_path) -> None:
    data = dict(SMALL_DATA)
    data["units/bif.yaml"] = (
        SMALL_DATA["units/bif.yaml"]
        + """
          - id: bif-aften
            name: Aftenrådgivningen
            department: bif
            locations: [matthaeusgade]
            hours: "Mo-Fr 16:00-21:00; PH off"
            verified: 2026-07-01
    """
    )
    directory = load_directory(write_data(tmp_path / "d", data))
    evening = geo.sites(directory, geo.MapFilter(open_now=True, at=WEDNESDAY_20))
    # the building closes at 15:00, so the evening unit inside it counts as closed
    assert keys(evening) == ["aaboulevard"]
    morning = geo.sites(directory, geo.MapFilter(open_now=True, at=WEDNESDAY_10))
    assert [u.unit.id for u in morning[0].units] == ["sof-bcv", "sof-hjemloese"]


def test_external_partners_are_a_separate_site_at_a_shared_address(tmp_path) -> None:
    data = dict(SMALL_DATA)
    data["units/stat.yaml"] = """
        units:
          - id: stat-kif
            name: Kriminalforsorgen København
            department: stat
            locations: [matthaeusgade]
            verified: 2026-06-01
    """
    directory = load_directory(write_data(tmp_path / "d", data))
    found = geo.sites(directory, geo.MapFilter(at=WEDNESDAY_10))
    assert keys(found) == ["matthaeusgade", "matthaeusgade~ext", "aaboulevard", "skelbaekgade"]
    ext = found[1]
    assert ext.kind is DepartmentKind.EXTERNAL and ext.color == "#4d4d4d"
    assert [u.unit.id for u in ext.units] == ["stat-kif"]
    # the partner has no hours of its own: the building's decide
    assert ext.units[0].status.label == "Åben nu · lukker kl. 15:00"


def test_a_location_without_units_shows_only_without_unit_filters(tmp_path) -> None:
    data = dict(SMALL_DATA)
    data["locations.yaml"] = (
        SMALL_DATA["locations.yaml"]
        + """
          - id: tomt
            name: Tomt Hus
            address: {street: Tomgade 1, postal_code: "2300", city: København S}
            lat: 55.66
            lon: 12.60
            hours: "Mo-Fr 08:00-16:00"
    """
    )
    directory = load_directory(write_data(tmp_path / "d", data))
    assert "tomt" in keys(geo.sites(directory, geo.MapFilter(at=WEDNESDAY_10)))
    assert "tomt" in keys(geo.sites(directory, geo.MapFilter(text="tomgade", at=WEDNESDAY_10)))
    assert "tomt" not in keys(geo.sites(directory, geo.MapFilter(open_now=True, at=WEDNESDAY_20)))
    assert "tomt" not in keys(
        geo.sites(directory, geo.MapFilter(frozenset({"sof"}), at=WEDNESDAY_10))
    )
    site = geo.sites(directory, geo.MapFilter(text="tomgade", at=WEDNESDAY_10))[0]
    assert site.units == [] and site.color == geo.NO_DEPARTMENT_COLOR and site.is_open


def test_need_options_are_unique_case_insensitively_and_sorted(small_directory) -> None:
    assert need_options(small_directory) == [
        "akut husly",
        "bolig",
        "bostøtte",
        "hjemløse",
        "hjemløshed",
        "kontanthjælp",
        "løsladelse",
        "misbrug",
        "udsatte voksne",
    ]


def test_units_without_location(small_directory) -> None:
    assert [u.id for u in geo.units_without_location(small_directory)] == ["bif-ydelse", "stat-kif"]
    flt = geo.MapFilter(departments=frozenset({"stat"}))
    assert [u.id for u in geo.units_without_location(small_directory, flt)] == ["stat-kif"]


def test_department_colors_fall_back_to_a_fixed_palette(tmp_path) -> None:
    data = dict(SMALL_DATA)
    data["departments.yaml"] = SMALL_DATA["departments.yaml"].replace('color: "#2166ac"', "")
    directory = load_directory(write_data(tmp_path / "d", data))
    assert department_colors(directory) == {
        "sof": "#b2182b",
        "bif": PALETTE[1],
        "stat": "#4d4d4d",
    }


# --- nearest ---------------------------------------------------------------------------------


def test_nearest_orders_by_distance_and_keeps_open_ones(small_directory) -> None:
    found = geo.sites(small_directory, geo.MapFilter(at=WEDNESDAY_10))
    rows = geo.nearest(found, geo.find_place("2200"))
    assert [r.site.key for r in rows] == ["aaboulevard", "matthaeusgade", "skelbaekgade"]
    assert [round(r.distance_km, 1) for r in rows] == [1.1, 2.7, 3.2]
    assert [r.site.key for r in geo.nearest(found, geo.find_place("1717"), limit=2)] == [
        "skelbaekgade",
        "matthaeusgade",
    ]


def test_nearest_open_in_the_evening_and_on_a_holiday(small_directory) -> None:
    place = geo.find_place("Valby")
    for at in (WEDNESDAY_20, CHRISTMAS_DAY_10):
        found = geo.sites(small_directory, geo.MapFilter(at=at))
        answer = geo.nearest_open(found, place)
        assert [r.site.key for r in answer.rows] == ["aaboulevard"] and not answer.none_open


def test_nearest_open_falls_back_to_closed_offices_when_none_is_open(small_directory) -> None:
    flt = geo.MapFilter(departments=frozenset({"bif"}), at=WEDNESDAY_20)
    found = geo.sites(small_directory, flt)
    assert geo.nearest(found, geo.find_place("2200")) == []
    answer = geo.nearest_open(found, geo.find_place("2200"))
    assert answer.none_open
    assert [(r.site.key, r.site.status.label) for r in answer.rows] == [
        ("skelbaekgade", "Lukket · åbner i morgen kl. 09:00")
    ]


def test_site_status_is_open_when_any_unit_is(tmp_path) -> None:
    data = dict(SMALL_DATA)
    data["units/bif.yaml"] = (
        SMALL_DATA["units/bif.yaml"]
        + """
          - id: bif-tidlig
            name: Tidlig
            department: bif
            locations: [aaboulevard]
            hours: "Mo-Fr 07:00-11:00"
            verified: 2026-07-01
    """
    )
    directory = load_directory(write_data(tmp_path / "d", data))
    site = next(
        s for s in geo.sites(directory, geo.MapFilter(at=WEDNESDAY_10)) if s.key == "aaboulevard"
    )
    assert site.is_open and site.status.label == "Åben nu · døgnåben"
    assert site.department_id == "bif"  # a tie: the first unit's (units/bif.yaml is read first)
