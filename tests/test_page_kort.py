"""AppTest of the map page (pages/kort.py): filters from and to the URL, the office table,
nearest open office, and what the st_folium component is given (offline assets, no reruns)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import app_test, set_clock
from streamlit.testing.v1 import AppTest

from ui.escape import md_escape

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")

ROOT = Path(__file__).resolve().parent.parent
WEDNESDAY_10 = dt.datetime(2026, 11, 25, 10, 0)
WEDNESDAY_20 = dt.datetime(2026, 11, 25, 20, 0)
CHRISTMAS_DAY_10 = dt.datetime(2026, 12, 25, 10, 0)


@pytest.fixture
def run_page(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """Run the Kort page at a fixed Copenhagen time with the given query parameters."""
    monkeypatch.setenv("LANDKORT_DATA", str(data_dir))
    monkeypatch.delenv("LANDKORT_TILES", raising=False)

    def run(at: dt.datetime = WEDNESDAY_10, **params: str | list[str]) -> AppTest:
        set_clock(monkeypatch, at)
        app = app_test("pages/kort.py", data_dir, monkeypatch, **params)
        assert not app.exception, [e.value for e in app.exception]
        return app

    return run


def table(app: AppTest) -> list[dict]:
    return app.dataframe[0].value.to_dict("records")


def component_args(app: AppTest) -> dict:
    (component,) = app.get("component_instance")
    return json.loads(component.proto.json_args)


def test_the_page_lists_every_office_beside_the_map(run_page) -> None:
    app = run_page()
    assert app.title[0].value == "Kort over kontorer og samarbejdspartnere"
    assert app.header[0].value == "Kontorer (3)"
    assert table(app) == [
        {
            "Kontor": "Døgnvagten, Åboulevard",
            "Adresse": "Åboulevard 38, 2200 København N",
            "Enheder": "Døgnvagten",
            "Status": "Åben nu · døgnåben",
            "Ring": "33 17 33 33",
            "Enhed": "enhed?id=sof-dognvagt",
        },
        {
            "Kontor": "Jobcenter Skelbækgade",
            "Adresse": "Skelbækgade 4, 1717 København V",
            "Enheder": "Jobcenter København Ungecenter",
            "Status": "Åben nu · lukker kl. 15:00",
            "Ring": "–",
            "Enhed": "enhed?id=bif-jku",
        },
        {
            "Kontor": "Socialcenter København",
            "Adresse": "Matthæusgade 1, 1666 København V",
            "Enheder": "Borgercenter Voksne, Hjemløse- og Udsatteenheden",
            "Status": "Åben nu · lukker kl. 15:00",
            "Ring": "33 17 41 22",
            "Enhed": "enhed?id=sof-bcv",
        },
    ]
    captions = [c.value for c in app.caption]
    assert (
        "2 af de valgte enheder har ingen adresse i data og er ikke på kortet. Find dem under Søg."
        in captions
    )
    assert "Åben/lukket gælder kl. 10:00 dansk tid, med helligdage." in captions
    assert (
        "Kortet har ingen baggrund (intet internet); bydelsnavnene viser, hvor man er." in captions
    )


def test_the_map_component_gets_local_assets_and_returns_nothing(run_page) -> None:
    args = component_args(run_page())
    assert args["js_links"] == [
        "../../app/static/vendor/leaflet-1.9.4/leaflet.js",
        "../../app/static/vendor/leaflet.markercluster-1.5.3/leaflet.markercluster.js",
    ]
    assert all(link.startswith("../../app/static/vendor/") for link in args["css_links"])
    assert args["returned_objects"] == []  # no rerun on pan or zoom
    assert "../../enhed?id=sof-bcv" in args["script"]  # unit links, from inside the iframe
    assert not re.search(r"https?://", args["script"] + args["header"] + args["html"])


def test_the_map_is_the_same_on_a_rerun(run_page) -> None:
    app = run_page()
    first = component_args(app)
    app.run()
    assert component_args(app) == first


def test_nearest_open_offices_from_a_postal_code(run_page) -> None:
    app = run_page(naer="2200")
    assert app.header[0].value == "Nærmeste åbne fra 2200 København N"
    rows = table(app)
    assert [(r["Afstand (km)"], r["Kontor"]) for r in rows] == [
        (1.1, "Døgnvagten, Åboulevard"),
        (2.7, "Socialcenter København"),
        (3.2, "Jobcenter Skelbækgade"),
    ]
    assert "Afstanden måles fra et omtrentligt midtpunkt af området." in [
        c.value for c in app.caption
    ]
    assert app.selectbox(key="kort_naer").value == "2200"
    assert "Udgangspunkt: 2200 København N" in component_args(app)["script"]


@pytest.mark.parametrize("at", [WEDNESDAY_20, CHRISTMAS_DAY_10])
def test_nearest_open_from_a_bydel_after_hours_and_on_a_holiday(run_page, at) -> None:
    app = run_page(at, naer="bydel-5")
    assert app.header[0].value == "Nærmeste åbne fra Valby"
    assert [r["Kontor"] for r in table(app)] == ["Døgnvagten, Åboulevard"]
    assert not app.info


def test_when_nothing_matching_is_open_the_nearest_closed_are_shown(run_page) -> None:
    app = run_page(WEDNESDAY_20, naer="1717", forvaltning="bif")
    assert app.info[0].value == (
        "Ingen af de valgte kontorer har åbent lige nu. Her er de nærmeste, med hvornår de åbner."
    )
    assert [(r["Kontor"], r["Status"]) for r in table(app)] == [
        ("Jobcenter Skelbækgade", "Lukket · åbner i morgen kl. 09:00")
    ]


@pytest.mark.parametrize(
    ("params", "offices"),
    [
        ({"forvaltning": "bif"}, ["Jobcenter Skelbækgade"]),
        (
            {"forvaltning": ["sof", "bif"]},
            ["Døgnvagten, Åboulevard", "Jobcenter Skelbækgade", "Socialcenter København"],
        ),
        (
            {"forvaltning": "no-such-department"},
            ["Døgnvagten, Åboulevard", "Jobcenter Skelbækgade", "Socialcenter København"],
        ),
        ({"behov": "misbrug"}, ["Socialcenter København"]),
        ({"q": "jku"}, ["Jobcenter Skelbækgade"]),
        (
            {"aaben": "1"},
            ["Døgnvagten, Åboulevard", "Jobcenter Skelbækgade", "Socialcenter København"],
        ),
    ],
)
def test_filters_from_the_url(run_page, params, offices) -> None:
    app = run_page(**params)
    assert [r["Kontor"] for r in table(app)] == offices


def test_open_now_on_a_public_holiday(run_page) -> None:
    app = run_page(CHRISTMAS_DAY_10, aaben="1")
    assert app.toggle(key="kort_aaben").value is True
    assert [r["Kontor"] for r in table(app)] == ["Døgnvagten, Åboulevard"]


def test_widgets_write_the_filters_back_to_the_url(run_page) -> None:
    app = run_page()
    app.multiselect(key="kort_forvaltning").set_value(["bif"])
    app.text_input(key="kort_q").input("ungecenter")
    app.selectbox(key="kort_naer").set_value("bydel-3")
    app.toggle(key="kort_aaben").set_value(True)
    app.run()
    assert app.query_params == {
        "forvaltning": "bif",
        "q": "ungecenter",
        "naer": "bydel-3",
        "aaben": "1",
    }
    assert [r["Kontor"] for r in table(app)] == ["Jobcenter Skelbækgade"]


def test_no_match_says_how_to_get_results(run_page) -> None:
    app = run_page(q="findes ikke")
    assert (
        app.info[0].value == "Ingen kontorer passer til filtrene. Fjern et filter for at se flere."
    )
    assert not app.dataframe


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("2000", "2000"),
        (
            "*fed* [klik](javascript:alert(1))",
            "\\*fed\\* \\[klik\\]\\(javascript\\:alert\\(1\\)\\)",
        ),
    ],
)
def test_an_unknown_place_is_named_and_escaped(run_page, typed, shown) -> None:
    app = run_page(naer=typed)
    assert app.warning[0].value == (
        f"Kender ikke »{shown}« som bydel eller postnummer i Københavns Kommune. "
        "Vælg fra listen (1800–2000 er Frederiksberg Kommune)."
    )
    assert app.header[0].value == "Kontorer (3)"


def test_tiles_from_the_environment(run_page, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANDKORT_TILES", "https://kort.intranet.example/{z}/{x}/{y}.png")
    app = run_page()
    assert "kort.intranet.example/{z}/{x}/{y}.png" in component_args(app)["script"]
    assert not any("ingen baggrund" in c.value for c in app.caption)
    monkeypatch.setenv("LANDKORT_TILES", "kort.png")
    app = run_page()
    assert app.warning[0].value == "Kortet vises uden baggrund: " + md_escape(
        "LANDKORT_TILES='kort.png' er ikke en skabelon for kortfliser: skriv den som "
        "'https://tiles.intranet.example/{z}/{x}/{y}.png' (med {z}, {x} og {y}), "
        "eller fjern indstillingen for at bruge den enkle baggrund"
    )
    assert "L.tileLayer" not in component_args(app)["script"]
