"""AppTest of 'Borgerens situation' (pages/situation.py) on the demo data: state from the
link, suggestion cards in call order, strict age, path from one's own unit, the citizen's
printout without staff-only numbers, and refusing a CPR number."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import set_clock
from streamlit.testing.v1 import AppTest

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")

ROOT = Path(__file__).resolve().parent.parent
TUESDAY_NOON = dt.datetime(2026, 11, 24, 12, 0)


@pytest.fixture
def run_page(monkeypatch: pytest.MonkeyPatch):
    def run(**params: str) -> AppTest:
        monkeypatch.setenv("LANDKORT_DATA", str(ROOT / "data"))
        set_clock(monkeypatch, TUESDAY_NOON)
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        app.switch_page("pages/situation.py")
        for key, value in params.items():
            app.query_params[key] = value
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        return app

    return run


def texts(app: AppTest) -> str:
    return "\n".join(m.value for m in app.markdown) + "\n" + "\n".join(c.value for c in app.caption)


def unit_links(app: AppTest) -> list[str]:
    return [link.proto.query_string for link in app.get("page_link")]


def test_empty_page_explains_what_to_write(run_page) -> None:
    app = run_page()
    assert app.title[0].value == "Borgerens situation"
    assert "Beskriv borgerens situation" in texts(app)
    assert not app.get("page_link")


def test_a_shared_link_shows_the_suggestions_in_call_order(run_page) -> None:
    app = run_page(tekst="ældre mand har brug for hjemmehjælp og en rollator", alder="80")
    assert app.text_area(key="tekst").value.startswith("ældre mand")
    links = unit_links(app)
    assert links[0] == "id=suf-visitation"
    assert "id=suf-hjaelpemidler" in links
    text = texts(app)
    assert "**Kontakt først:** Visitationen, Sundheds\\- og Omsorgsforvaltningen" in text
    assert "**Kræver:** visitation" in text
    assert "Kun enheder, der tager imod en borger på 80 år." in text


def test_strict_age_on_the_page(run_page) -> None:
    links = unit_links(run_page(tekst="ung hjemløs", alder="30"))
    assert "id=sof-de-unges-hus" not in links
    assert "id=sof-de-unges-hus" in unit_links(run_page(tekst="ung hjemløs", alder="20"))


def test_path_from_the_caseworker_s_unit(run_page) -> None:
    app = run_page(tekst="huslejerestance", alder="40", fra="bif-jobcenter")
    assert "**Vej fra din enhed:** Jobcenter København → Bolig\\- og gældsrådgivning" in texts(app)


def test_printout_for_the_citizen_has_public_numbers_only(run_page) -> None:
    app = run_page(tekst="drikker for meget", alder="40")
    (printout,) = [t.value for t in app.text]
    assert printout.startswith("Hvem kan hjælpe dig\n\n1. Center for Rusmiddelbehandling")
    assert "33 66 33 66" in printout  # CRBK's public number
    assert "33 99 88 15" not in printout  # its fast-track line (staff only)
    assert app.get("download_button")


def test_nothing_fits_says_what_to_do(run_page) -> None:
    app = run_page(tekst="xyzzyqq")
    assert app.info[0].value.startswith("Ingen enhed passer til situationen.")


def test_a_cpr_number_is_refused(run_page) -> None:
    app = run_page(tekst="borger 010190-1234 er hjemløs")
    assert app.error[0].value.startswith("Teksten ligner et CPR-nummer.")
    assert not app.get("page_link")


def test_a_phone_number_is_refused_too(run_page) -> None:
    app = run_page(tekst="ring til ham på 12 34 56 78, han drikker")
    assert app.error[0].value == (
        "Teksten ligner et telefonnummer. Fjern det: situationen står i linket og må ikke rumme "
        "borgerens telefonnummer."
    )
    assert not app.get("page_link")


def test_the_situation_is_read_as_needs_with_a_short_excerpt(run_page) -> None:
    app = run_page(tekst="hun er blevet banket af kæresten og tør ikke tage hjem", alder="29")
    assert "**Hvorfor:** »er blevet banket af kæresten« → Vold i nære relationer" in texts(app)
    needs = app.dataframe[0].value
    assert list(needs.columns) == ["Behov", "Ord i situationen", "Enheder"]
    assert list(needs["Ord i situationen"]) == ["er blevet banket af kæresten"]


def test_a_long_situation_from_a_link_is_read_in_part(run_page) -> None:
    app = run_page(tekst="hjemløs og drikker for meget " * 60)  # the box holds 1,000 characters
    assert not app.error and app.text_area(key="tekst").value
    assert "sof-bcv-hjemloese" in " ".join(unit_links(app))


def test_choosing_one_s_unit_puts_its_id_in_the_link(run_page) -> None:
    app = run_page(tekst="huslejerestance", alder="40")
    app.text_input(key="fra_soeg").input("jobcenter").run()  # 112 units: search first
    app.selectbox(key="fra").set_value("bif-jobcenter").run()
    assert (
        app.query_params["fra"] == ["bif-jobcenter"] or app.query_params["fra"] == "bif-jobcenter"
    )
    assert "**Vej fra din enhed:** Jobcenter København" in texts(app)
