"""Last good data in a real browser: a typo in a data file leaves search working on the last
version that validated, with a notice, also after a restart of the app (issue 12, item 1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_browser import _require_chromium

from testkit.browser_support import (
    AppServer,
    launch_chromium,
    screenshot,
    search_box,
    wait_for_render,
)

pytestmark = pytest.mark.browser

NOTICE = "Datafilerne har fejl lige nu, så du ser den seneste gyldige version."
RESULT = "[data-testid=stMain] a[href*='enhed?id=']"
ERROR_BOXES = "[data-testid=stException], [data-testid=stAlertContentError]"


def _search(page, server: AppServer, query: str) -> list[str]:
    page.goto(server.url, wait_until="domcontentloaded")
    wait_for_render(page)
    box = search_box(page)
    box.fill(query)
    box.press("Enter")
    page.locator(RESULT).first.wait_for(timeout=60_000)
    wait_for_render(page)
    return [a.get_attribute("href") for a in page.locator(RESULT).all()]


def test_a_broken_file_leaves_search_on_the_last_good_data(tmp_path: Path) -> None:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    from directory.devtools.synth import synth_directory

    data = tmp_path / "data"
    synth_directory(data, 60, seed=5, today=dt.date.today())
    cache = tmp_path / "cache"
    units = data / "units" / "sof.yaml"
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            with AppServer(data, cache_dir=cache) as server:
                good = _search(page, server, "hjemløs")
                assert good and page.get_by_text(NOTICE).count() == 0
                text = units.read_text(encoding="utf-8")
                units.write_text(text.replace('department: "sof"', 'department: "sfo"', 1))
                assert _search(page, server, "hjemløs") == good
                assert page.get_by_text(NOTICE).first.is_visible()
                assert page.locator(ERROR_BOXES).count() == 0
                screenshot(page, "last-good-search")
            # a restart with the invalid file still on disk: served from the disk cache
            with AppServer(data, cache_dir=cache) as server:
                assert _search(page, server, "hjemløs") == good
                assert page.get_by_text(NOTICE).first.is_visible()
                assert page.locator(ERROR_BOXES).count() == 0
                page.locator(RESULT).first.click()
                page.wait_for_url("**/enhed?id=*", timeout=30_000)
                wait_for_render(page)
                assert page.get_by_text(NOTICE).first.is_visible()
                assert page.locator(ERROR_BOXES).count() == 0
                screenshot(page, "last-good-unit-after-restart")
        finally:
            page.close()
            browser.close()
