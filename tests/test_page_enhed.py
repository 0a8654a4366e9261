"""AppTest of the unit page (pages/enhed.py): deep link /enhed?id=…, everything about the
unit, links to related units, stale warning, and a friendly page for an unknown id."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from conftest import set_clock
from streamlit.testing.v1 import AppTest

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")

ROOT = Path(__file__).resolve().parent.parent
TUESDAY_NOON = dt.datetime(2026, 11, 24, 12, 0)
TUESDAY_NIGHT = dt.datetime(2026, 11, 24, 22, 0)


@pytest.fixture
def open_unit(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LANDKORT_DATA", str(data_dir))
    monkeypatch.delenv("LANDKORT_TILES", raising=False)

    def run(unit_id: str | None, at: dt.datetime = TUESDAY_NOON) -> AppTest:
        set_clock(monkeypatch, at)
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        app.switch_page("pages/enhed.py")
        if unit_id is not None:
            app.query_params["id"] = unit_id
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        return app

    return run


def text(app: AppTest) -> str:
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption]
    return "\n".join(parts + [w.value for w in app.warning])


def params(link) -> dict[str, str]:
    return dict(parse_qsl(link.proto.query_string))


def linked_units(app: AppTest) -> list[str]:
    return [params(link).get("id", "") for link in app.get("page_link")]


def test_deep_link_shows_the_unit(open_unit) -> None:
    app = open_unit("sof-bcv")
    assert app.title[0].value == "Borgercenter Voksne"
    body = text(app)
    assert "Socialforvaltningen \\(SOF\\)" in body
    assert "Hjælp til udsatte voksne\\." in body
    assert "- hjemløse\n- udsatte voksne" in body
    assert "- 18\\-65 år" in body


def test_every_phone_is_a_tel_link_with_its_kind_and_hours(open_unit) -> None:
    body = text(open_unit("sof-bcv"))
    assert ":material/call: [33 17 41 22](tel:+4533174122) · Offentligt nummer" in body
    assert (
        ":material/call: [33 99 10 01](tel:+4533991001) · **Fast-track (kun for personale)** · "
        "Fagpersoner, udenom kø"
    ) in body
    body = text(open_unit("sof-hjemloese"))
    assert (
        "[33 17 41 22](tel:+4533174122) · Offentligt nummer · bemandet man\\-fre 10\\:00\\-13\\:00 "
        "· lukket på helligdage" in body
    )


def test_open_now_with_next_change_and_holidays(open_unit) -> None:
    assert ":green-badge[:material/schedule: Åben nu · lukker kl\\. 15\\:00]" in text(
        open_unit("sof-bcv")
    )
    night = text(open_unit("sof-bcv", at=TUESDAY_NIGHT))
    assert ":red-badge[:material/schedule: Lukket · åbner i morgen kl\\. 09\\:00]" in night
    christmas_eve_night = dt.datetime(2026, 12, 24, 20, 0)  # the 25th and 26th are holidays
    assert "åbner mandag kl\\. 09\\:00" in text(open_unit("sof-bcv", at=christmas_eve_night))


def test_gatekeepers_and_their_backups(open_unit) -> None:
    body = text(open_unit("sof-bcv"))
    assert (
        "**Gatekeeper:** **Mette Test** · [33 99 10 02](tel:+4533991002) · **Internt nummer (kun "
        "for personale)**" in body
    )
    assert "Backup: **Ali Test** (Borgercenter Voksne)" in body
    assert "Områder: hjemløshed" in body


def test_referrals_both_ways_link_to_the_other_units(open_unit) -> None:
    app = open_unit("sof-bcv")
    body = text(app)
    assert "**Henviser videre til** (2)" in body and "**Modtager henvisninger fra** (3)" in body
    assert "**Behov:** løsladelse, bolig  \n**Kræver:** samtykke fra borgeren" in body
    assert {"sof-hjemloese", "bif-ydelse", "stat-kif", "bif-jku"} <= set(linked_units(app))


def test_parent_and_children(open_unit) -> None:
    assert "sof-hjemloese" in linked_units(open_unit("sof-bcv"))
    child = open_unit("sof-hjemloese")
    labels = [link.value for link in child.get("page_link")]
    assert "Hører under\\: Borgercenter Voksne" in labels


def test_locations_with_a_small_offline_map_and_a_link_to_the_big_one(open_unit) -> None:
    app = open_unit("sof-bcv")
    assert "**Socialcenter København**, Matthæusgade 1, 1666 København V" in text(app)
    assert app.get("component_instance"), "the folium map component is missing"
    big_map = [link for link in app.get("page_link") if "kort" in link.proto.page]
    assert params(big_map[0]) == {"q": "Borgercenter Voksne"}


def test_verified_and_owner_and_a_warning_when_stale(open_unit) -> None:
    fresh = open_unit("sof-bcv")
    assert "Sidst kontrolleret 01.09.2026 · ansvarlig: Datakoordinator SOF" in [
        c.value for c in fresh.caption
    ]
    assert not fresh.warning
    stale = open_unit("bif-ydelse")
    assert stale.warning[0].value == (
        "Sidst kontrolleret 10.01.2024 · ansvarlig: ingen ejer angivet. "
        "Oplysningerne er over et år gamle: ring og tjek, før du henviser."
    )


def test_report_a_mistake_form_is_at_the_bottom(open_unit) -> None:
    app = open_unit("sof-bcv")
    assert any(e.label == "Meld en fejl" for e in app.expander)


@pytest.mark.parametrize("unit_id", ["findes-ikke", "", None])
def test_unknown_or_missing_id_gets_a_friendly_page_with_a_search_box(open_unit, unit_id) -> None:
    app = open_unit(unit_id)
    assert app.title[0].value == "Enheden findes ikke"
    assert app.text_input(key="enhed_soeg").label == "Søg efter enheden i stedet"


def test_searching_from_the_unknown_page_goes_to_the_search_page(open_unit) -> None:
    app = open_unit("findes-ikke")
    app.text_input(key="enhed_soeg").input("herberg").run()
    assert not app.exception
    assert app.title[0].value == "Hvor skal borgeren hen?"
