"""AppTest of the start page (pages/soeg.py): search box, result cards, filters, empty states,
and that hostile data is shown as text (md_escape)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import SMALL_DATA, set_clock, write_data
from ui.escape import md_escape

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")

ROOT = Path(__file__).resolve().parent.parent
TUESDAY_NOON = dt.datetime(2026, 11, 24, 12, 0)
TUESDAY_NIGHT = dt.datetime(2026, 11, 24, 22, 0)


@pytest.fixture
def run_page(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    def run(at: dt.datetime = TUESDAY_NOON, root: Path = data_dir, **params: str) -> AppTest:
        monkeypatch.setenv("LANDKORT_DATA", str(root))
        set_clock(monkeypatch, at)
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for key, value in params.items():
            app.query_params[key] = value
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        return app

    return run


def links(app: AppTest) -> list[tuple[str, str]]:
    """(label, page) of every st.page_link, in order."""
    return [(link.value, link.proto.page) for link in app.get("page_link")]


def texts(app: AppTest) -> str:
    return "\n".join(m.value for m in app.markdown) + "\n" + "\n".join(c.value for c in app.caption)


def test_the_start_page_is_the_default_and_explains_what_to_type(run_page) -> None:
    app = run_page()
    assert app.title[0].value == "Hvor skal borgeren hen?"
    box = app.text_input(key="q")
    assert box.value == "" and "herberg" in box.placeholder
    assert "Skriv, hvad borgeren har brug for" in texts(app)
    assert not app.get("page_link")


def test_the_document_script_focuses_the_search_box_and_keeps_each_search(run_page) -> None:
    # ui/document.js, installed on every page, puts the cursor in the box and gives each
    # search its own history entry (tests/test_browser_placing.py shows both in Chromium)
    (script,) = [h for h in run_page().get("html") if "focusSearch" in h.value]
    assert "input[aria-label='Søg']" in script.value
    assert "history.replaceState = function" in script.value


def test_query_from_the_url_shows_cards_with_links_numbers_and_why(run_page) -> None:
    app = run_page(q="herberg")
    first = app.get("page_link")[0]
    assert first.value == "**Borgercenter Voksne**"
    assert first.proto.page.endswith("enhed") and first.proto.query_string == "id=sof-bcv"
    text = texts(app)
    assert (
        "**Ring først:** [33 99 10 01](tel:+4533991001) · **Fast-track (kun for personale)**"
        in text
    )
    # the gatekeeper matched too (area 'hjemløshed'): named once, as the person who matched,
    # after the unit's name (the card's first line)
    person = (
        ":material/person: **Fundet hos:** **Mette Test** (gatekeeper) · "
        "[33 99 10 02](tel:+4533991002) (kun personale)"
    )
    assert person in text
    assert text.count("Mette Test") == 1
    assert "Også fundet hos" not in text
    assert "Matcher\\: herberg \\(nøgleord\\)" in text
    assert ":green-badge[:material/schedule: Åben nu · lukker kl\\. 15\\:00]" in text


def test_one_card_per_unit_with_who_matched(run_page) -> None:
    # 'mette' matches the contact Mette Test and, through her name, her unit: one card
    app = run_page(q="mette")
    assert [label for label, _ in links(app)] == ["**Borgercenter Voksne**"]
    assert texts(app).count("**Mette Test**") == 1


def test_a_unit_without_a_matching_gatekeeper_names_its_gatekeeper(run_page) -> None:
    app = run_page(q="BCV")
    assert (
        "**Gatekeeper:** **Mette Test** · [33 99 10 02](tel:+4533991002) (kun personale)"
        in texts(app)
    )


def test_closed_unit_says_when_it_opens(run_page) -> None:
    app = run_page(at=TUESDAY_NIGHT, q="ungecenter")
    assert ":red-badge[:material/schedule: Lukket · åbner i morgen kl\\. 09\\:00]" in texts(app)


def test_typing_a_query_and_enter_searches(run_page) -> None:
    app = run_page()
    app.text_input(key="q").input("JKU").run()
    assert not app.exception
    assert links(app)[0][0] == "**Jobcenter København Ungecenter**"
    assert app.session_state["q"] == "JKU"  # bound to ?q= (the browser test sees the URL)


def test_a_colleague_s_name_shows_the_person_and_the_unit(run_page) -> None:
    text_and_links = run_page(q="mette test")
    assert "**Mette Test**" in texts(text_and_links)
    assert links(text_and_links)[0][0] == "**Borgercenter Voksne**"


def test_no_result_suggests_what_to_try(run_page) -> None:
    app = run_page(q="xyzzyqq")
    assert app.info[0].value == "Ingen resultater for »xyzzyqq«."
    assert "Prøv et andet ord" in texts(app)


def test_filters_narrow_and_no_result_with_filters_says_remove_them(run_page) -> None:
    app = run_page(q="herberg")
    app.number_input(key="alder").set_value(70).run()
    assert {label for label, _ in links(app)} == {"**Hjemløse\\- og Udsatteenheden**"}
    app.number_input(key="alder").set_value(None)
    app.toggle(key="aaben").set_value(True).run()
    assert len({label for label, _ in links(app)}) == 2  # both are open on a Tuesday at noon
    app.multiselect(key="forvaltning").set_value(["bif"]).run()
    assert app.info[0].value == "Ingen resultater for »herberg«."
    assert "Fjern filtrene: uden filtre er der" in texts(app)


def test_filters_alone_list_the_units_that_fit(run_page) -> None:
    app = run_page()
    app.selectbox(key="behov").set_value("kontanthjælp").run()
    assert [label for label, _ in links(app)] == ["**Ydelsesservice København**"]


HOSTILE = "**Fed** [klik](javascript:alert(1)) <script>x</script> :red[rød] $x$"


def test_hostile_data_is_shown_as_text(tmp_path: Path, run_page) -> None:
    units = SMALL_DATA["units/sof.yaml"].replace("name: Borgercenter Voksne", f"name: '{HOSTILE}'")
    units = units.replace("description: Hjælp til udsatte voksne.", "description: Hjælp")
    root = write_data(tmp_path / "hostile", {**SMALL_DATA, "units/sof.yaml": units})
    app = run_page(root=root, q="herberg")
    label = links(app)[0][0]
    assert label == f"**{md_escape(HOSTILE)}**"
    assert "](javascript" not in label and "<script>" not in label and ":red[" not in label


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("Borgercenter Voksne", "Borgercenter Voksne"),
        ("**x**", "\\*\\*x\\*\\*"),
        ("[a](javascript:b)", "\\[a\\]\\(javascript\\:b\\)"),
        ("<img src=x>", "\\<img src\\=x\\>"),
        (":red[x] $y$", "\\:red\\[x\\] \\$y\\$"),
        ("# titel\n- punkt", "\\# titel \\- punkt"),
        ("a_b`c`", "a\\_b\\`c\\`"),
        ("1. 2", "1\\. 2"),
        ("&amp;", "\\&amp;"),
        ("http://x.example", "http\\:\u2060\\/\\/x\\.example"),
        ("www.x.example", "www\u2060\\.x\\.example"),
        ("a@b.dk", "a\\@\u2060b\\.dk"),
    ],
)
def test_md_escape(raw: str, escaped: str) -> None:
    assert md_escape(raw) == escaped


def test_no_result_shows_the_nearest_searches_as_links(run_page) -> None:
    # ('herbergsplads' finds the hostels now: the needs vocabulary reads the compound)
    app = run_page(q="herbrgspld")
    assert app.info[0].value == "Ingen resultater for »herbrgspld«."
    assert "**Mente du:**" in texts(app)
    first = app.get("page_link")[0]
    assert (first.value, first.proto.query_string) == ("herberg", "q=herberg")


def test_a_missing_word_can_be_reported(
    run_page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_env
) -> None:
    monkeypatch.setenv("LANDKORT_REPORTS", str(tmp_path / "reports"))
    app = run_page()
    app.text_input(key="q").input("herbrgspld").run()
    app.text_input(key="mangler_note").input("akut bolig")
    app.button[0].click().run()
    assert app.success[0].value == "Tak. Ordet er sendt til dem, der vedligeholder synonymlisten."
    from directory.storage import open_storage
    from directory.storage.missing import read_missing_words

    assert [
        (m.query, m.count, m.notes) for m in read_missing_words(storage=open_storage(app_env.db))
    ] == [("herbrgspld", 1, (("akut bolig", 1),))]
    assert not (tmp_path / "reports").exists()  # the database, not a file


def test_a_missing_word_with_a_cpr_number_is_not_stored(
    run_page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_env
) -> None:
    monkeypatch.setenv("LANDKORT_REPORTS", str(tmp_path / "reports"))
    app = run_page()
    app.text_input(key="q").input("xyzzyqq 010190-1234").run()
    app.button[0].click().run()
    assert app.error[0].value == md_escape(  # the core's message, shown as literal text
        "Søgningen ligner et CPR-nummer og bliver ikke gemt. Fjern nummeret og prøv igen."
    )
    assert not (tmp_path / "reports").exists()
    from directory.storage import open_storage
    from directory.storage.missing import read_missing_words

    assert read_missing_words(storage=open_storage(app_env.db)) == []


@pytest.mark.parametrize(
    ("note", "message"),
    [
        (
            "ring til 33 99 10 01",
            "Noten ligner et telefonnummer og bliver ikke gemt. Fjern nummeret og prøv igen.",
        ),
        (
            "spørg mette@kk.dk",
            "Noten indeholder en e-mailadresse og bliver ikke gemt. Fjern den og prøv igen.",
        ),
        (
            "borger 0101901234",
            "Noten ligner et CPR-nummer og bliver ikke gemt. Fjern nummeret og prøv igen.",
        ),
    ],
)
def test_a_missing_word_with_a_sensitive_note_is_not_stored(
    run_page, note, message, app_env
) -> None:
    app = run_page()
    app.text_input(key="q").input("xyzzyqq").run()
    app.text_input(key="mangler_note").input(note)
    app.button[0].click().run()
    assert app.error[0].value == md_escape(message)
    from directory.storage import open_storage
    from directory.storage.missing import read_missing_words

    assert read_missing_words(storage=open_storage(app_env.db)) == []
