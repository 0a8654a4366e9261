"""The app in a real browser: Debian's Chromium through Playwright, on a small data directory.

One app server and one browser for the module (the suite stays well under two minutes).
The deep-link tests come first, so that the first visit to the fresh server is a deep link.
Full-page screenshots go to artifacts/screenshots/ for a person to look at. Without
/usr/bin/chromium (or the playwright package) the tests fail and say what to install.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from testkit.browser_support import (
    AppServer,
    chromium_available,
    guard_network,
    launch_chromium,
    screenshot,
    search_box,
    wait_for_render,
)
from ui.navigation import PAGES as APP_PAGES

pytestmark = pytest.mark.browser

# (url path, screenshot name) of every page in the sidebar; "" is the default page (Søg).
PAGES = [("" if p.default else p.url_path, p.url_path) for p in APP_PAGES if not p.hidden]
HOSTILE_ID = "test-hjemloese"
HOSTILE_NAME = "Hjemløseenheden <b>Test</b> & Co"
# A hand-made unit with markup in its text, appended to the generated units/sof.yaml.
HOSTILE_UNIT = f"""- id: "{HOSTILE_ID}"
  name: "Hjemløseenheden <b>Test</b> & Co"
  department: "sof"
  description: "Opsøgende arbejde for hjemløse. ${{alert(1)}} `kode` \\
    [klik](http://evil.example/x) *fed* <img src=x onerror=alert(1)>"
  keywords: ["hjemløs", "hjemløshed", "gadeplan"]
  phones:
    - number: "33 17 41 22"
    - number: "33 99 10 01"
      kind: "fast_track"
      label: "Fagpersoner <i>udenom</i> kø"
  contacts:
    - id: "k-test-1"
      name: "Mette <script>Test</script>"
      role: "gatekeeper"
      backup: "k-test-2"
    - id: "k-test-2"
      name: "Ali Test"
  verified: {dt.date.today().isoformat()}
"""
ERROR_BOXES = "[data-testid=stException], [data-testid=stAlertContentError]"
APP_CAPTION = "intern vejviser for Københavns Kommunes medarbejdere"
MARKERS = ".leaflet-marker-icon, .marker-cluster, path.leaflet-interactive"


def _require_chromium() -> None:
    """Fail (never skip) when the browser or its driver is missing, saying what to install."""
    if not chromium_available():
        pytest.fail(
            "Debian's chromium is missing (/usr/bin/chromium): install it with "
            "`apt-get install chromium` (.ci/run does)"
        )
    if importlib.util.find_spec("playwright") is None:
        pytest.fail(
            "the playwright package is missing: install it with "
            "`.venv/bin/python -m pip install -r requirements-dev.txt`"
        )


@pytest.fixture(scope="module")
def browser_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from directory.devtools.synth import synth_directory

    root = tmp_path_factory.mktemp("browser") / "data"
    synth_directory(root, 60, seed=11, today=dt.date.today())
    with open(root / "units" / "sof.yaml", "a", encoding="utf-8") as fh:
        fh.write(HOSTILE_UNIT)
    return root


@pytest.fixture(scope="module")
def directory(browser_data: Path):
    from directory import load_directory

    return load_directory(browser_data)


@pytest.fixture(scope="module")
def server(browser_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    _require_chromium()
    with AppServer(browser_data, reports_dir=tmp_path_factory.mktemp("reports")) as app:
        yield app


@pytest.fixture(scope="module")
def context(server: AppServer) -> Iterator[tuple[object, list[str]]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
        outside = guard_network(ctx)
        yield ctx, outside
        ctx.close()
        browser.close()


@pytest.fixture
def page(context, server: AppServer):
    ctx, _ = context
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors
    yield pg
    pg.close()


def _open(page, server: AppServer, path: str) -> None:
    page.goto(f"{server.url}/{path}", wait_until="domcontentloaded")
    wait_for_render(page)


def _assert_clean(page, what: str) -> None:
    boxes = page.locator(ERROR_BOXES)
    assert boxes.count() == 0, f"{what}: error box shown: {boxes.first.inner_text()[:500]}"
    assert page.get_by_text("Page not found").count() == 0, (
        f"{what}: Streamlit says 'Page not found'"
    )
    assert page.js_errors == [], f"{what}: JavaScript errors: {page.js_errors}"
    assert page.get_by_text(APP_CAPTION).count() == 1, (
        f"{what}: app.py did not run (its sidebar caption is missing): Streamlit ran the page "
        "file on its own, as its old pages/ folder discovery does for a first visit to a deep link"
    )


def test_deep_link_shows_the_unit(page, server: AppServer, directory) -> None:
    unit = next(u for u in directory.units.values() if u.parent and u.contacts)
    _open(page, server, f"enhed?id={unit.id}")
    main = page.locator("[data-testid=stMain]")
    # The first run on a fresh server reruns once (ui.navigation.use_app_navigation); on a
    # busy machine the rerun can start after wait_for_render's pause: wait for the unit.
    main.get_by_text(unit.name, exact=False).first.wait_for(timeout=30_000)
    wait_for_render(page)
    assert main.get_by_text(unit.name, exact=False).first.is_visible()
    assert main.get_by_text(unit.contacts[0].name, exact=False).first.is_visible()
    screenshot(page, "unit-deep-link")
    _assert_clean(page, "deep link")


def test_unknown_unit_id_shows_a_friendly_page(page, server: AppServer) -> None:
    _open(page, server, "enhed?id=findes-ikke-123")
    screenshot(page, "unit-unknown")
    _assert_clean(page, "unknown id")
    text = page.locator("[data-testid=stMain]").inner_text()
    assert "findes-ikke-123" in text or re.search(
        r"findes ikke|ikke fundet|kender ikke|ukendt", text, re.I
    ), text[:500]


def test_markup_in_the_data_is_shown_as_text(page, server: AppServer) -> None:
    _open(page, server, f"enhed?id={HOSTILE_ID}")
    screenshot(page, "unit-hostile-data")
    main = page.locator("[data-testid=stMain]")
    assert main.get_by_text(HOSTILE_NAME, exact=False).first.is_visible()
    assert main.locator("b", has_text="Test").count() == 0
    assert main.locator("script, img[src='x']").count() == 0
    # the markdown link syntax is not interpreted: no link named "klik"
    # (a bare URL may be linkified)
    assert main.get_by_role("link", name="klik", exact=True).count() == 0
    assert "[klik](" in main.inner_text()
    _assert_clean(page, "hostile unit")


@pytest.mark.parametrize(("path", "name"), PAGES, ids=[p[1] for p in PAGES])
def test_every_page_loads_without_an_error(page, server: AppServer, path: str, name: str) -> None:
    _open(page, server, path)
    page.wait_for_timeout(500)  # let charts and iframes draw before the screenshot
    screenshot(page, f"page-{name}")
    _assert_clean(page, name)
    assert page.locator("[data-testid=stMain] h1").count() >= 1, f"{name}: the page has no title"


def test_search_result_leads_to_the_unit_page(page, server: AppServer, directory) -> None:
    _open(page, server, "")
    box = search_box(page)
    box.fill("hjemløs")
    box.press("Enter")
    first = page.locator("[data-testid=stMain] a[href*='enhed?id=']").first
    first.wait_for(timeout=30_000)
    wait_for_render(page)
    screenshot(page, "search-hjemloes")
    _assert_clean(page, "search results")
    page.locator("[data-testid=stMain] a[href*='enhed?id=']").first.click()
    page.wait_for_url(re.compile(r"/enhed\?id="), timeout=30_000)
    wait_for_render(page)
    unit_id = parse_qs(urlsplit(page.url).query)["id"][0]
    assert unit_id in directory.units
    name = directory.units[unit_id].name
    assert page.locator("[data-testid=stMain]").get_by_text(name, exact=False).first.is_visible()
    screenshot(page, "search-result-unit")
    _assert_clean(page, f"unit page {unit_id}")


def test_situation_link_shows_whom_to_call_and_a_printout(
    page, server: AppServer, directory
) -> None:
    from urllib.parse import quote

    unit = next(
        u for u in directory.units.values() if u.keywords and (u.age is None or u.age.includes(30))
    )
    need = unit.keywords[0]
    _open(page, server, f"situation?tekst={quote(need + ', hjemløs')}&alder=30")
    first = page.locator("[data-testid=stMain] a[href*='enhed?id=']").first
    first.wait_for(timeout=30_000)
    wait_for_render(page)
    screenshot(page, "situation-results")
    _assert_clean(page, "situation results")
    main = page.locator("[data-testid=stMain]")
    assert main.get_by_text("Hvem skal kontaktes, i denne rækkefølge").first.is_visible()
    assert main.get_by_text("Hent udskrift til borgeren").first.is_visible()
    assert "tekst=" in page.url and "alder=30" in page.url  # the link holds the situation


def test_graph_page_shows_a_plotly_graph(page, server: AppServer) -> None:
    _open(page, server, "henvisningsveje")
    chart = page.locator("[data-testid=stPlotlyChart] .js-plotly-plot").first
    chart.wait_for(timeout=30_000)
    assert chart.is_visible()
    assert (
        page.locator(
            "[data-testid=stPlotlyChart] .scatterlayer .point, [data-testid=stPlotlyChart] "
            ".scatterlayer path"
        ).count()
        > 0
    )
    # readable without hover (touch): unit names on the nodes and the need on each arrow
    labels = page.locator("[data-testid=stPlotlyChart] .textpoint")
    assert labels.count() >= 3
    assert page.get_by_text("Hvor kan en borger gå hen herfra?").is_visible()
    screenshot(page, "graph")
    _assert_clean(page, "Henvisningsveje")


def test_a_click_on_a_matrix_cell_opens_the_links_behind_it(
    page, server: AppServer, directory
) -> None:
    from directory.graph.analysis import ReferralGraph
    from ui.present import graph_plot as gp

    rg = ReferralGraph(directory)
    first = rg.departments()[0]
    label = gp.department_labels(rg)[first]
    _open(page, server, "henvisningsveje")
    page.get_by_role("tab", name="Mellem forvaltninger").click()
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.wait_for(timeout=30_000)
    wait_for_render(page)
    heading = page.get_by_text(f"Henvisninger fra {label} til {label}")
    rows = len(rg.departments()) + 1  # the header row and one row per forvaltning
    for _ in range(4):  # the grid's canvas may still be laying out on a loaded machine
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        assert box is not None
        row_height = box["height"] / rows
        # the first row's heading, then one cell to the right: the first forvaltning to itself
        page.mouse.click(box["x"] + 12, box["y"] + row_height * 1.5)
        page.keyboard.press("ArrowRight")
        try:
            heading.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            wait_for_render(page)
    assert heading.is_visible()
    screenshot(page, "graph-matrix-cell")
    _assert_clean(page, "Henvisningsveje, Mellem forvaltninger")


def test_map_page_shows_a_map_with_markers(page, server: AppServer) -> None:
    _open(page, server, "kort")
    markers = 0
    for _ in range(100):  # the map draws inside the st_folium iframe
        frames = [
            f
            for f in page.frames
            if f != page.main_frame and f.locator(".leaflet-container").count()
        ]
        markers = sum(f.locator(MARKERS).count() for f in frames)
        if markers:
            break
        page.wait_for_timeout(200)
    screenshot(page, "map")
    assert frames, "no Leaflet map on the Kort page"
    assert markers > 0, "the map shows no markers"
    _assert_clean(page, "Kort")


@pytest.mark.parametrize("path", ["?q=hjemløs", f"enhed?id={HOSTILE_ID}"], ids=["search", "unit"])
def test_tablet_width_needs_no_sideways_scrolling(page, server: AppServer, path: str) -> None:
    page.set_viewport_size({"width": 820, "height": 1180})  # a tablet held upright
    try:
        _open(page, server, path)
        screenshot(page, "tablet-" + ("search" if path.startswith("?") else "unit"))
        _assert_clean(page, f"tablet {path}")
        overflow = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth,"
            " document.querySelector('[data-testid=stMain]').scrollWidth,"
            " document.querySelector('[data-testid=stMain]').clientWidth]"
        )
        assert overflow[0] <= overflow[1] and overflow[2] <= overflow[3], overflow
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def test_no_request_left_localhost(context) -> None:
    """Runs last: every request of the tests above stayed on localhost (closed intranet)."""
    _, outside = context
    assert outside == []
