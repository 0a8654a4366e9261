"""Issue 23 in Chromium on the demo data: the cursor in Søg's box, Back across two searches,
three result cards above the fold at 1280x900 and the number to call in the first screen at
390 px, the area in the link picking the district, "Vælg bydel" opening the folded
districts, and Borgerens situation's first suggestion in view without scrolling.

Open now depends on the clock (AppTest and the command tests fix it: tests/test_page_placing.py,
tests/test_placing.py); what is checked here holds at any hour. The screenshots of the first
screen are saved to artifacts/screenshots/fold-*.png: look at them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from testkit.browser_support import (
    SCREENSHOTS,
    AppServer,
    chromium_available,
    guard_network,
    launch_chromium,
    search_box,
    wait_for_render,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CARDS = "[class*='st-key-punkt-hits-']"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    if not chromium_available():
        pytest.fail("Debian's chromium is missing (/usr/bin/chromium): apt-get install chromium")
    with AppServer(ROOT / "data", reports_dir=tmp_path_factory.mktemp("reports")) as app:
        yield app


@pytest.fixture(scope="module")
def browser(server: AppServer) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch_chromium(pw)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="da-DK")
    outside = guard_network(context)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    assert errors == [] and outside == []
    context.close()


def _open(page, server: AppServer, path: str) -> None:
    page.goto(f"{server.url}/{path}", wait_until="domcontentloaded")
    wait_for_render(page)
    page.wait_for_timeout(400)  # the document script focuses on its next frame
    wait_for_render(page)


def _fold(page, name: str) -> None:
    """A screenshot of the first screen only (what is above the fold)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"fold-{name}.png"))


def _below(page, selector: str) -> list[float]:
    """The bottom edge of each element, in px from the top of the window."""
    return page.eval_on_selector_all(
        selector, "els => els.map(e => e.getBoundingClientRect().bottom)"
    )


def _search(page, text: str) -> None:
    box = search_box(page)
    box.fill(text)
    box.press("Enter")
    page.wait_for_function(
        "q => new URLSearchParams(location.search).get('q') === q", arg=text, timeout=30_000
    )
    wait_for_render(page)


def test_the_search_box_has_the_focus_when_soeg_opens(page, server: AppServer) -> None:
    _open(page, server, "")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Søg"
    # also when Søg is opened from another page's sidebar link
    _open(page, server, "kort")
    page.locator("[data-testid=stSidebarNav] a").first.click()
    page.wait_for_url(re.compile(r"/(\?.*)?$"), timeout=30_000)
    wait_for_render(page)
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.getAttribute('aria-label')"
        " === 'Søg'",
        timeout=10_000,
    )


def test_back_returns_to_the_previous_search(page, server: AppServer) -> None:
    _open(page, server, "")
    _search(page, "herberg")
    _search(page, "hjemmepleje")
    page.go_back()
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('q') === 'herberg'", timeout=30_000
    )
    wait_for_render(page)
    page.wait_for_function(
        "() => { const i = document.querySelector(\"input[aria-label='Søg']\");"
        " return i && i.value === 'herberg'; }",
        timeout=30_000,
    )
    first = page.locator(CARDS).first.locator("a[href*='enhed?id=']").first
    assert "herberg" in first.inner_text().lower() or page.locator(CARDS).count() > 0
    page.go_back()  # and once more: the empty start page
    page.wait_for_function("() => !new URLSearchParams(location.search).get('q')")


@pytest.mark.parametrize("query", ["underretning", "herberg", "hjemløs", "hjemmepleje"])
def test_three_result_cards_fit_the_first_screen_at_1280x900(
    page, server: AppServer, query: str
) -> None:
    _open(page, server, f"?q={quote(query)}")
    page.locator(CARDS).nth(2).wait_for(timeout=30_000)
    bottoms = _below(page, CARDS)
    _fold(page, f"search-{query}-1280")
    # A card is above the fold when what a caseworker acts on is: its name, the number to
    # call and open now. At night a closed card's "Åben nu i stedet" line and a paused
    # unit's notice make the card taller, and the notice of the third may run past the fold.
    numbers = [
        box["y"] + box["height"]
        for n in range(3)
        if (box := page.locator(CARDS).nth(n).locator("a[href^='tel:']").first.bounding_box())
    ]
    assert len([b for b in numbers if b <= DESKTOP["height"]]) >= 3, (numbers, bottoms[:4])
    if not any("Åben nu i stedet" in t for t in page.locator(CARDS).all_inner_texts()[:3]):
        # by day (nothing closed is offered an alternative) the whole cards fit
        assert len([b for b in bottoms if b <= DESKTOP["height"]]) >= 3, bottoms[:4]


def test_the_number_to_call_is_in_the_first_screen_at_390(page, server: AppServer) -> None:
    page.set_viewport_size(PHONE)
    _open(page, server, "?q=underretning")
    first = page.locator(CARDS).first
    first.wait_for(timeout=30_000)
    number = first.locator("a[href^='tel:']").first
    box = number.bounding_box()
    _fold(page, "search-underretning-390")
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    # and the unit's name comes first on the card, above its number
    name = first.locator("[class*='st-key-navn-']").bounding_box()
    assert name is not None and name["y"] < box["y"]


def test_the_area_in_the_link_picks_the_district(page, server: AppServer) -> None:
    _open(page, server, "?q=hjemmepleje&omraade=2300")
    first = page.locator(CARDS).first
    first.wait_for(timeout=30_000)
    assert "punkt-hits-unit-suf-hjemmepleje-amager" in (first.get_attribute("class") or "")
    assert page.locator("input[aria-label='Borgerens område']").input_value() == "2300"
    _fold(page, "search-hjemmepleje-2300-1280")


def test_vaelg_bydel_opens_the_folded_districts(page, server: AppServer) -> None:
    _open(page, server, "?q=hjemmepleje")
    first = page.locator(CARDS).first
    first.wait_for(timeout=30_000)
    assert "punkt-hits-unit-suf-hjemmepleje " in (first.get_attribute("class") or "") + " "
    first.get_by_text("Vælg bydel (5)").click()
    districts = first.locator("a[href*='enhed?id=suf-hjemmepleje-']")
    districts.nth(4).wait_for(timeout=10_000)
    assert districts.count() == 5
    _fold(page, "search-hjemmepleje-vaelg-bydel-1280")
    districts.first.click()
    page.wait_for_url(re.compile(r"/enhed\?id=suf-hjemmepleje-"), timeout=30_000)
    assert parse_qs(urlsplit(page.url).query)["id"][0].startswith("suf-hjemmepleje-")


def test_the_first_suggestion_is_in_view_on_borgerens_situation(page, server: AppServer) -> None:
    _open(page, server, f"situation?tekst={quote('hjemløs og gæld')}&alder=42&omraade=2300")
    first = page.locator("[class*='st-key-forslag-']").first
    first.wait_for(timeout=30_000)
    box = first.bounding_box()
    _fold(page, "situation-1280")
    assert box is not None and box["y"] + 60 <= DESKTOP["height"], box  # its name and number
    assert box["y"] + box["height"] <= DESKTOP["height"], box  # the whole card, in fact
