"""The map's accessible parts (issue 16): the list alternative with names, numbers and links,
named markers, and opening hours in plain Danish in the popups."""

from __future__ import annotations

import pytest

from tests.test_mapview import build
from tests.test_page_kort import run_page  # noqa: F401  (the page fixture)

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")


def _list_text(app) -> str:
    (expander,) = [e for e in app.expander if e.label.startswith("Kontorerne som liste")]
    return "\n".join(m.value for m in expander.markdown)


def test_the_map_has_a_list_with_names_numbers_and_links(run_page) -> None:  # noqa: F811
    app = run_page()
    assert [e.label for e in app.expander if "liste" in e.label] == ["Kontorerne som liste (3)"]
    text = _list_text(app)
    assert text.splitlines()[:2] == [
        "- **Døgnvagten, Åboulevard**, Åboulevard 38, 2200 København N · Åben nu · døgnåben",
        "  - [Døgnvagten](enhed?id=sof-dognvagt) · Tlf. [33 17 33 33](tel:+4533173333)",
    ]
    assert "  - [Jobcenter København Ungecenter](enhed?id=bif-jku)" in text.splitlines()
    assert "33 99 20 01" not in text  # a fast-track number is staff-only: never on the map


def test_the_list_is_nearest_first_from_a_chosen_place(run_page) -> None:  # noqa: F811
    text = _list_text(run_page(naer="2200"))
    offices = [line.split("**")[1] for line in text.splitlines() if line.startswith("- ")]
    assert offices == ["Døgnvagten, Åboulevard", "Socialcenter København", "Jobcenter Skelbækgade"]


def test_markers_are_named_and_popups_say_the_hours_in_danish(small_directory) -> None:
    page = build(small_directory)
    assert "{icon: icon, title: name, alt: name}" in page
    assert 'parseFromString(row[4], "text/html").body.textContent' in page
    assert "kontorer: klik for at zoome ind" in page
    assert "man-fre 09:00-15:00 · lukket på helligdage" in page
    assert "Mo-Fr 09:00-15:00" not in page
