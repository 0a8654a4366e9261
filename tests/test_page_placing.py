"""AppTest of issue 23 on the demo data: the citizen's area picks the district, the night
picks the open unit, districts fold into their umbrella, a unit without a phone still has a
number, `?aaben=1` works on Søg, the area follows the caseworker to Borgerens situation, and
the page and `landkort search` show the same cards in the same order."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import set_clock
from streamlit.testing.v1 import AppTest

from cli import main
from directory import load_directory
from directory.exports.export import call_list
from testkit.placing_cases import TUE_DAY, TUE_NIGHT

ROOT = Path(__file__).resolve().parent.parent
_CARD = re.compile(r"-punkt-hits-unit-(.+)$")


@pytest.fixture
def run_page(monkeypatch: pytest.MonkeyPatch, app_env):
    def run(at: dt.datetime = TUE_DAY, page: str | None = None, **params: str) -> AppTest:
        monkeypatch.setenv("LANDKORT_DATA", str(ROOT / "data"))
        set_clock(monkeypatch, at)
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        if page:
            app.switch_page(page)
        for key, value in params.items():
            app.query_params[key] = value
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        return app

    return run


def cards(app: AppTest) -> list[str]:
    """The unit ids of Søg's result cards, in the page's order."""
    found: list[str] = []

    def walk(node: Any) -> None:
        for child in getattr(node, "children", {}).values():
            match = _CARD.search(getattr(getattr(child, "proto", None), "id", "") or "")
            if match:
                found.append(match.group(1))
            walk(child)

    walk(app.main)
    return found


def texts(app: AppTest) -> str:
    return "\n".join(m.value for m in app.markdown) + "\n" + "\n".join(c.value for c in app.caption)


def test_the_citizen_s_area_picks_the_district(run_page) -> None:
    app = run_page(q="underretning", omraade="2300")
    assert cards(app)[0] == "sof-bbu-amager"
    assert not {"sof-bbu-bhv", "sof-bbu-vvk", "sof-bbu-city-oesterbro"} & set(cards(app)[:3])
    text = texts(app)
    assert (
        "SOF · :green-badge[:material/schedule: Åben nu · lukker kl\\. 15\\:00] · dækker 2300"
        in text
    )
    assert "borgerens område: 2300 København S" in text


def test_at_night_the_open_unit_comes_first_and_the_closed_one_says_what_is_open(
    run_page,
) -> None:
    app = run_page(at=TUE_NIGHT, q="underretning")
    assert cards(app)[:2] == ["sof-doegnvagten-boern-unge", "sof-bbu"]
    assert (
        ":green[**Åben nu i stedet:**] [Døgnvagten, børn og unge]"
        "(enhed?id=sof-doegnvagten-boern-unge) · [33 17 33 33](tel:+4533173333)"
    ) in texts(app)
    # hjemmeplejen is closed at night, but its own night line is staffed
    app = run_page(at=TUE_NIGHT, q="hjemmepleje", omraade="Amager Øst")
    assert cards(app)[0] == "suf-hjemmepleje-amager"
    assert (
        ":green[**Åben nu:**] [33 99 08 56](tel:+4533990856) · "
        "**Internt nummer (kun for personale)** · Aften\\- og nattevagt \\(kun fagpersoner\\)"
    ) in texts(app)


def test_a_closed_unit_whose_first_number_is_staffed_says_so_without_repeating_it(
    run_page,
) -> None:
    # Hjemløse- og Udsatteenheden is open 10-13; its fast-track line (called first) till 15
    app = run_page(at=dt.datetime(2026, 11, 24, 14, 0), q="hjemløs")
    assert "sof-bcv-hjemloese" in cards(app)[:3]
    text = texts(app)
    assert ":green[**Åben nu:**] nummeret ovenfor" in text
    assert text.count("[33 99 16 62](tel:+4533991662)") == 1


def test_a_paused_unit_s_card_says_so_in_one_line_with_a_badge(run_page) -> None:
    app = run_page(q="hjemløs")
    assert cards(app)[2] == "sof-bcv-boligsocial-anvisning"
    assert (
        ":orange-badge[:material/block: Tager ikke imod henvisninger lige nu] Ventelisten er "
        "fuld\\. Henvis i stedet til Hjemløse\\- og Udsatteenheden, som vurderer behovet for en "
        "midlertidig bolig\\. Gælder til og med 30\\.06\\.2027\\."
    ) in texts(app)
    assert not app.warning  # the full box is the unit page's


def test_without_an_area_districts_fold_into_one_card(run_page) -> None:
    app = run_page(q="hjemmepleje")
    assert cards(app)[0] == "suf-hjemmepleje"
    assert not [c for c in cards(app) if c.startswith("suf-hjemmepleje-")]
    (choose,) = [e for e in app.expander if e.label.startswith("Vælg bydel")]
    assert choose.label == "Vælg bydel (5)"
    listed = choose.markdown[0].value
    assert "[Hjemmeplejen Amager](enhed?id=suf-hjemmepleje-amager) · Amager Øst, Amager Vest" in (
        listed
    )
    assert listed.count("enhed?id=suf-hjemmepleje-") == 5


def test_a_unit_without_a_phone_shows_its_forvaltning_s_main_number(run_page) -> None:
    expected = (
        "**Ring til:** [33 66 33 66](tel:+4533663366) · Offentligt nummer · Københavns "
        "Kommune, hovednummer (forvaltningens hovednummer)"
    )
    app = run_page(q="områdeforvaltningerne")
    assert cards(app)[0] == "buf-omraader"
    assert expected in texts(app)
    unit_page = run_page(page="pages/enhed.py", id="buf-omraader")
    assert expected in texts(unit_page)
    assert "Adressen er anslået" in texts(unit_page)  # x-estimated-location
    # the call lists say the same (one rule: directory.rules.calling.number_to_call)
    (row,) = call_list(load_directory(ROOT / "data"), ["buf-omraader"])
    assert (
        row.call_first
        == "33 66 33 66 (Københavns Kommune, hovednummer) – forvaltningens hovednummer"
    )


@pytest.mark.parametrize("value", ["1", "ja", "true"])
def test_aaben_1_works_on_soeg_as_on_kort(run_page, value: str) -> None:
    app = run_page(at=TUE_NIGHT, q="herberg", aaben=value)
    assert app.toggle(key="aaben").value is True
    assert cards(app)[0] in {"ngo-kirkens-korshaer-herberg", "ngo-maendenes-hjem"}
    kort = run_page(page="pages/kort.py", aaben=value)
    assert kort.toggle(key="kort_aaben").value is True


def test_an_unknown_area_says_what_to_write(run_page) -> None:
    app = run_page(q="underretning", omraade="Atlantis")
    assert (
        "Kender ikke området »Atlantis« i Københavns Kommune\\. Skriv et postnummer \\(fx "
        "2300\\), en bydel \\(fx Nørrebro\\) eller en adresse med postnummer\\."
    ) in texts(app)


def test_the_area_follows_the_caseworker_to_borgerens_situation(run_page) -> None:
    app = run_page(q="underretning", omraade="2700")
    app.switch_page("pages/situation.py")
    app.query_params["tekst"] = "bekymring for et barn i familien"
    app.query_params["alder"] = "6"
    app.run()
    assert app.text_input(key="omraade").value == "2700"
    ids = [link.proto.query_string for link in app.get("page_link")]
    assert "id=sof-bbu-bhv" in ids and "id=sof-bbu-amager" not in ids


def test_borgerens_situation_folds_districts_without_an_area(run_page) -> None:
    app = run_page(page="pages/situation.py", tekst="hjemmehjælp", alder="80")
    ids = [link.proto.query_string for link in app.get("page_link")]
    assert "id=suf-hjemmepleje" in ids
    assert [e.label for e in app.expander if e.label.startswith("Vælg bydel")] == ["Vælg bydel (5)"]


@pytest.mark.parametrize(
    ("query", "area", "at"),
    [
        ("underretning", "2300", TUE_NIGHT),
        ("underretning", None, TUE_DAY),
        ("hjemmepleje", None, TUE_NIGHT),
        ("hjemløs", None, TUE_NIGHT),
        ("PPR", "2400", TUE_DAY),
    ],
)
def test_the_page_and_the_command_agree(run_page, capsys, query, area, at) -> None:
    params = {"q": query, **({"omraade": area} if area else {})}
    page = cards(run_page(at=at, **params))
    argv = ["search", "--at", f"{at:%Y-%m-%d %H:%M}", *(["--area", area] if area else []), query]
    assert main(argv) == 0
    command = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert page == command


def test_without_any_number_the_card_points_to_the_website() -> None:
    from directory.visibility import public_view
    from ui.escape import md_escape
    from ui.widgets import call_first_md

    public = public_view(load_directory(ROOT / "data"))  # its fast-track line is staff-only
    unit = public.units["ngo-center-for-ludomani"]
    assert call_first_md(public, unit) == (
        f"**Ring først:** intet nummer i data: se {md_escape('https://ludomani.dk')}"
    )
