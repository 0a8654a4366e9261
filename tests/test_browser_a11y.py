"""Accessibility and the newcomer's stumbles in a real browser (issue 16): WCAG 2.1 AA by
axe-core on every page at desktop and phone width, a Danish document, Back after opening a
result, a keyboard-only path, and the map's list alternative.

Its own app server and browser on the same small data as tests/test_browser.py (fixtures
imported from there). Screenshots at 1400 and 390 px go to artifacts/screenshots/.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import test_browser as shared
from test_browser import HOSTILE_ID, PAGES, _assert_clean, _open

from testkit.browser_support import AppServer, screenshot, search_box, wait_for_render

pytestmark = pytest.mark.browser

# The main browser suite's fixtures (module-scoped: this module gets its own server).
browser_data = shared.browser_data
directory = shared.directory
server = shared.server
context = shared.context
page = shared.page

WIDTHS = {"desktop": 1400, "phone": 390}
# Every page in the sidebar, plus a search with results and a unit's page.
AXE_PAGES = [*PAGES, ("?q=hjemløs", "search-results"), (f"enhed?id={HOSTILE_ID}", "unit")]
FAILING_IMPACTS = {"serious", "critical"}
RESULT_LINK = "[data-testid=stMain] [class*=st-key-punkt-hits-] a[href*='enhed?id=']"


def _axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    failing = []
    for violation in results.response["violations"]:
        if violation["impact"] in FAILING_IMPACTS or violation["id"] == "heading-order":
            targets = [str(node["target"]) for node in violation["nodes"][:3]]
            failing.append(
                f"{violation['impact']} {violation['id']}: {violation['help']} {targets}"
            )
    return failing


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
@pytest.mark.parametrize(("path", "name"), AXE_PAGES, ids=[p[1] for p in AXE_PAGES])
def test_axe_finds_no_serious_violation(
    page, server: AppServer, path: str, name: str, width: str
) -> None:
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    _open(page, server, path)
    page.wait_for_timeout(600)  # charts and iframes draw after the script
    screenshot(page, f"a11y-{name}-{WIDTHS[width]}")
    _assert_clean(page, f"{name} at {WIDTHS[width]} px")
    assert page.evaluate("document.documentElement.lang") == "da"  # a phone's hidden sidebar too
    assert _axe_violations(page) == []


def test_the_document_is_danish(page, server: AppServer) -> None:
    _open(page, server, "?q=hjemløs")
    page.locator(RESULT_LINK).first.wait_for(timeout=30_000)
    assert page.evaluate("document.documentElement.lang") == "da"
    skip = page.locator("[data-testid=stSkipToContent]")
    assert skip.count() == 0 or skip.first.text_content() == "Spring til hovedindhold"
    # the search box has text, so Streamlit draws its clear button: labelled in Danish
    clear = page.locator("[data-testid=stTextInputClearButton]")
    if clear.count():
        assert clear.first.get_attribute("aria-label") == "Ryd feltet"
    assert page.locator("[aria-label='Clear entry']").count() == 0
    tel = page.locator("[data-testid=stMain] a[href^='tel:']")
    assert tel.count() > 0
    assert page.locator("a[href^='tel:'][target]").count() == 0, "a tel: link opens a new tab"
    assert page.locator("[role=list] [role=listitem]").count() >= 1, "results are no list"
    # the unit name is the card's largest text (larger than the department line)
    sizes = page.evaluate(
        "() => { const card = document.querySelector('[class*=st-key-punkt-hits-unit-]');"
        " const name = card.querySelector('[class*=st-key-navn-] p');"
        " const other = card.querySelectorAll('[data-testid=stMarkdownContainer] p');"
        " return [parseFloat(getComputedStyle(name).fontSize),"
        " Math.max(...[...other].filter(p => !name.contains(p))"
        ".map(p => parseFloat(getComputedStyle(p).fontSize)))]; }"
    )
    assert sizes[0] > sizes[1], sizes


def test_back_after_opening_a_result_returns_to_the_results(page, server: AppServer) -> None:
    _open(page, server, "")
    box = search_box(page)
    box.fill("hjemløs")
    box.press("Enter")
    page.locator(RESULT_LINK).first.wait_for(timeout=30_000)
    wait_for_render(page)
    page.locator(RESULT_LINK).first.click()
    page.wait_for_url(re.compile(r"/enhed\?id="), timeout=30_000)
    wait_for_render(page)
    page.go_back()
    wait_for_render(page)
    assert parse_qs(urlsplit(page.url).query).get("q") == ["hjemløs"], page.url
    page.locator(RESULT_LINK).first.wait_for(timeout=30_000)
    assert search_box(page).input_value() == "hjemløs"
    assert page.locator(RESULT_LINK).first.is_visible()
    _assert_clean(page, "back to the results")


def test_unit_links_have_a_visible_focus_ring(page, server: AppServer) -> None:
    _open(page, server, "?q=hjemløs")
    link = page.locator(RESULT_LINK).first
    link.wait_for(timeout=30_000)
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # keyboard focus: :focus-visible
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.getAttribute('href'), s.outlineStyle, s.outlineWidth]; }"
    )
    assert "enhed?id=" in (style[0] or ""), style
    assert style[1] == "solid" and float(style[2].removesuffix("px")) >= 2, style


def _tab_to(page, test: str, what: str, limit: int = 120) -> None:
    """Press Tab until the focused element passes the JS predicate `test` (el => bool)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({test}); }})()"):
            return
    pytest.fail(f"Tab never reached {what}")


def test_keyboard_only_reaches_search_result_number_and_report(page, server: AppServer) -> None:
    _open(page, server, "")
    # the search box takes the focus when the page opens; else Tab reaches it
    search = "el.matches(\"[data-testid=stMain] input[aria-label='Søg']\")"
    if not page.evaluate(
        f"(() => {{ const el = document.activeElement; return !!({search}); }})()"
    ):
        _tab_to(page, search, "the search box")
    page.keyboard.type("hjemløs")
    page.keyboard.press("Enter")
    page.locator(RESULT_LINK).first.wait_for(timeout=30_000)
    wait_for_render(page)
    _tab_to(page, "el.matches(\"[class*=st-key-punkt-hits-] a[href*='enhed?id=']\")", "a result")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/enhed\?id="), timeout=30_000)
    wait_for_render(page)
    _tab_to(page, "el.matches(\"[data-testid=stMain] a[href^='tel:']\")", "the unit's number")
    _tab_to(page, "/Meld en fejl/.test(el.textContent || '')", "Meld en fejl")
    page.keyboard.press("Enter")
    page.get_by_label("Hvad er forkert?").wait_for(timeout=10_000)
    screenshot(page, "keyboard-report-form")
    _assert_clean(page, "keyboard path")


def test_map_has_danish_names_and_a_list_alternative(page, server: AppServer, directory) -> None:
    _open(page, server, "kort?naer=2200")
    frame_el = page.locator("[data-testid=stMain] iframe").first
    frame_el.wait_for(timeout=30_000)
    assert "streamlit" not in (frame_el.get_attribute("title") or "streamlit")
    assert frame_el.get_attribute("title") == "Kort over kontorerne"
    frame = frame_el.content_frame
    # the interactive markers (offices, clusters, the chosen place); bydel names are text
    icons = frame.locator(".leaflet-marker-icon.leaflet-interactive")
    icons.first.wait_for(timeout=30_000)
    unnamed = icons.evaluate_all(
        "els => els.filter(e => !(e.getAttribute('title') || e.getAttribute('alt')"
        " || e.getAttribute('aria-label'))).length"
    )
    assert unnamed == 0, "a map marker has no accessible name"
    # the list alternative: every office with its units as links and their numbers
    page.get_by_text("Kontorerne som liste").first.click()
    listing = page.locator("[class*=st-key-kontorliste]")
    listing.locator("a[href*='enhed?id=']").first.wait_for(timeout=10_000)
    assert listing.locator("a[href^='tel:']").count() > 0
    screenshot(page, "map-list-alternative")
    _assert_clean(page, "Kort list")
