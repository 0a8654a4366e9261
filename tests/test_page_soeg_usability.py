"""AppTest of the start page's newcomer help (issue 16): clickable examples, the plain
reason on each card, and what IS open when "Kun åbne nu" finds nothing."""

from __future__ import annotations

import pytest

from tests.test_page_soeg import TUESDAY_NIGHT, links, run_page, texts  # noqa: F401
from ui.soeg import EXAMPLES

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")


def test_example_words_are_buttons_that_search(run_page) -> None:  # noqa: F811
    app = run_page()
    buttons = {b.label: b for b in app.button}
    assert list(EXAMPLES) == [label for label in buttons if label in EXAMPLES]
    buttons["herberg"].click().run()
    assert not app.exception
    assert app.text_input(key="q").value == "herberg"
    assert links(app)[0][0] == "**Borgercenter Voksne**"


def test_open_now_without_hits_shows_what_is_open_and_when_the_matches_open(
    run_page,  # noqa: F811
) -> None:
    app = run_page(at=TUESDAY_NIGHT, q="herberg", aaben="true")
    assert app.info[0].value == "Ingen resultater for »herberg«."
    assert [h.value for h in app.header] == [
        "Åbne nu i samme forvaltning",
        "Lukket nu, men passer til søgningen",
    ]
    labels = [label for label, _ in links(app)]
    assert labels[0] == "**Døgnvagten**"
    assert "**Borgercenter Voksne**" in labels
    text = texts(app)
    assert ":green-badge[:material/schedule: Åben nu · døgnåben]" in text
    assert ":red-badge[:material/schedule: Lukket · åbner i morgen kl\\. 09\\:00]" in text


def test_open_now_with_other_filters_first_drops_those_filters(run_page) -> None:  # noqa: F811
    app = run_page(q="døgnvagten", aaben="true")
    app.multiselect(key="forvaltning").set_value(["bif"]).run()
    assert [h.value for h in app.header][0] == (
        "Åbne nu, der passer til søgningen uden de andre filtre"
    )
    assert [label for label, _ in links(app)][0] == "**Døgnvagten**"
