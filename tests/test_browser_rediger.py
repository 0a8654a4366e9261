"""Editing in a real browser: a coordinator edits a unit's description and a phone number,
saves, and sees the change at once on the unit page and in search; git has one commit by
that user; a coordinator of another department has no Rediger button.

The identity comes from `LANDKORT_DEV_USER`, which `ui.viewer()` honours only on a
loopback-bound server without sign-in (as the test server is); the role gate itself is
tested through real ID-token claims and the access file in tests/test_page_rediger.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    AppServer,
    guard_network,
    launch_chromium,
    screenshot,
    wait_for_render,
)
from test_browser import ERROR_BOXES, _require_chromium
from test_editing import git, make_repo

from directory import load_directory

pytestmark = pytest.mark.browser
SOF_USER = "Sara Koordinator <sara@sof.eksempel.kk.dk>; coordinator=sof"
BIF_USER = "Bo Bif <bo@bif.eksempel.kk.dk>; coordinator=bif"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("rediger") / "data")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch_chromium(pw)
        yield chromium
        chromium.close()


def _page(browser, server: AppServer, path: str):
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="da-DK")
    outside = guard_network(ctx)
    page = ctx.new_page()
    page.goto(f"{server.url}/{path}", wait_until="domcontentloaded")
    wait_for_render(page)
    return ctx, page, outside


def _edit_first_cell(page, table, row: int, value: str) -> None:
    """Type into the first column of a st.data_editor (a canvas grid): rows are 35 px under
    a 37 px header, after a 34 px row-marker column. Select the cell, Enter opens its
    editor, type, Enter; retried until the grid's accessible table shows the value."""
    for _ in range(5):
        box = table.bounding_box()
        x = box["x"] + 34 + 60
        y = box["y"] + 37 + row * 35 + 17
        page.mouse.click(x, y)
        page.wait_for_timeout(400)
        page.keyboard.press("Enter")
        page.wait_for_timeout(400)
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
        page.keyboard.press("Enter")
        page.wait_for_timeout(600)
        if value in table.locator("table").first.inner_text():
            return
    raise AssertionError(f"could not type {value!r} into the table")


def test_coordinator_edits_description_and_phone(browser, repo: Path, tmp_path: Path) -> None:
    with AppServer(repo, env={"LANDKORT_DEV_USER": SOF_USER}) as server:
        ctx, page, outside = _page(browser, server, "enhed?id=sof-bcv")
        try:
            main = page.locator("[data-testid=stMain]")
            main.get_by_role("button", name="Rediger").click()
            wait_for_render(page)
            main.get_by_role("heading", name="Rediger enheden").wait_for(timeout=60_000)
            form = main.locator("[data-testid=stForm]").first  # the edit form comes first
            description = form.get_by_label("Beskrivelse", exact=True)
            description.wait_for(state="visible", timeout=60_000)
            description.fill("Rådgivning og bostøtte til udsatte voksne, nu med aftenåbent.")
            phones = form.locator("[data-testid=stDataFrame]").first
            phones.scroll_into_view_if_needed()
            phones.locator("[role=columnheader]").first.wait_for(state="attached")
            headers = phones.evaluate(
                "(el) => Array.from(el.querySelectorAll('[role=columnheader]'))"
                ".map(h => h.textContent)"
            )
            assert headers[0] == "Nummer", headers
            _edit_first_cell(page, phones, 0, "33 17 41 99")
            screenshot(page, "rediger-form")
            main.get_by_role("button", name="Gem", exact=True).click()
            wait_for_render(page)
            main.get_by_text("Gemt (").wait_for(timeout=60_000)
            wait_for_render(page)  # the message comes first; the page is drawn under it
            main.locator("a[href='tel:+4533174199']").first.wait_for(timeout=60_000)
            assert main.get_by_text("nu med aftenåbent").first.is_visible()
            screenshot(page, "rediger-saved")
            assert page.locator(ERROR_BOXES).count() == 0
            # search finds the new text at once
            page.goto(f"{server.url}/?q=aftenåbent", wait_until="domcontentloaded")
            wait_for_render(page)
            hit = page.locator("[data-testid=stMain] a[href*='enhed?id=sof-bcv']").first
            hit.wait_for(timeout=30_000)
            screenshot(page, "rediger-search")
            assert outside == []
        finally:
            ctx.close()
    log = git(repo, "log", "--format=%an <%ae>|%s").splitlines()
    assert log[0] == "Sara Koordinator <sara@sof.eksempel.kk.dk>|Edit sof-bcv: description, phones"
    assert len(log) == 2
    text = (repo / "units/sof.yaml").read_text(encoding="utf-8")
    assert "# Vedligeholdes af SOF. Denne kommentar skal blive stående." in text
    assert "# beskrivelsen er godkendt af lederen" in text
    unit = load_directory(repo).units["sof-bcv"]
    assert unit.phones[0].number == "33 17 41 99"


def test_coordinator_of_another_department_has_no_rediger(browser, repo: Path) -> None:
    with AppServer(repo, env={"LANDKORT_DEV_USER": BIF_USER}) as server:
        ctx, page, _ = _page(browser, server, "enhed?id=sof-bcv")
        try:
            main = page.locator("[data-testid=stMain]")
            main.get_by_role("heading", name="Historik").wait_for(timeout=60_000)
            assert main.get_by_role("button", name="Rediger").count() == 0
            page.goto(f"{server.url}/enhed?id=bif-jku", wait_until="domcontentloaded")
            wait_for_render(page)
            main.get_by_role("button", name="Rediger").wait_for(timeout=60_000)
            assert re.search("Jobcenter", main.inner_text())
        finally:
            ctx.close()
