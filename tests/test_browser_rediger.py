"""Editing in a real browser: a coordinator edits a unit's description, a phone number and
Monday's closing time in the week of opening hours, saves, and sees the change at once on
the unit page and in search; git has one commit by that user; a coordinator of another
department has no Rediger button.

Each coordinator signs in through a real OpenID provider (oidc-provider-mock, in this
process on a local port) with the `groups` claim the access file maps to their department;
the commit's author is the name and e-mail of their ID token.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ACCESS_FILE
from test_browser import ERROR_BOXES, _require_chromium
from test_editing import git, make_repo

from directory import load_directory
from testkit.browser_support import (
    AppServer,
    free_port,
    guard_network,
    launch_chromium,
    put_oidc_users,
    screenshot,
    sign_in,
    wait_for_render,
    write_oidc_secrets,
)

pytestmark = [pytest.mark.browser, pytest.mark.git]
# sub -> ID-token claims
USERS = {
    "sara": {
        "name": "Sara Koordinator",
        "email": "sara@sof.eksempel.kk.dk",
        "groups": ["kk-sof-redaktion"],
    },
    "bo": {"name": "Bo Bif", "email": "bo@bif.eksempel.kk.dk", "groups": ["kk-bif-redaktion"]},
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("rediger") / "data")


@pytest.fixture(scope="module")
def server(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The app on the git data repository, with sign-in at a real OpenID provider."""
    _require_chromium()
    import oidc_provider_mock

    root = tmp_path_factory.mktemp("rediger-auth")
    access = root / "access.yaml"
    access.write_text(ACCESS_FILE + "public: false\n", encoding="utf-8")
    with oidc_provider_mock.run_server_in_thread() as provider:
        base = f"http://localhost:{provider.server_port}"
        put_oidc_users(base, USERS)
        port = free_port()
        app = AppServer(
            repo,
            secrets_file=write_oidc_secrets(root / "secrets.toml", port, base),
            env={"LANDKORT_ACCESS": str(access)},
        )
        app.port = port
        with app:
            yield app


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch_chromium(pw)
        yield chromium
        chromium.close()


def _page(browser, server: AppServer, path: str, sub: str):
    """A new browser context signed in as `sub`, on `path`."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="da-DK")
    outside = guard_network(ctx)
    page = ctx.new_page()
    sign_in(page, server.url, sub, USERS[sub]["name"])
    outside.clear()  # the provider's own page links a stylesheet on a CDN (the mock's)
    page.goto(f"{server.url}/{path}", wait_until="domcontentloaded")
    wait_for_render(page)
    return ctx, page, outside


def _edit_cell(page, table, row: int, value: str, column: int = 0) -> None:
    """Type into a cell of a st.data_editor (a canvas grid): rows are 35 px under a 37 px
    header, after a 34 px row-marker column (where the table has one). Click the row's
    first cell, move right `column` times, Enter to open the grid's own editor, fill it,
    Enter; retried (a rerun may redraw the grid) until the grid's accessible table shows
    the value."""
    editor = page.locator("#portal textarea, .gdg-growing-entry textarea, .gdg-input").first
    for _ in range(8):
        wait_for_render(page)
        table.scroll_into_view_if_needed()
        box = table.bounding_box()
        x = box["x"] + 34 + 30
        y = box["y"] + 37 + row * 35 + 17
        page.mouse.click(x, y)
        page.wait_for_timeout(300)
        for _ in range(column):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        try:
            editor.wait_for(state="visible", timeout=3_000)
        except Exception:  # playwright's TimeoutError: the grid was redrawn; try again
            page.keyboard.press("Escape")
            continue
        editor.fill(value)
        page.keyboard.press("Enter")
        page.wait_for_timeout(600)
        if value in table.locator("table").first.inner_text():
            return
    raise AssertionError(f"could not type {value!r} into the table")


def _table(form, first_header: str):
    """The form's st.data_editor whose first visible column is `first_header`."""
    tables = form.locator("[data-testid=stDataFrame]")
    tables.first.wait_for(timeout=60_000)  # the tables draw after the form's text fields
    for i in range(tables.count()):
        table = tables.nth(i)
        table.locator("[role=columnheader]").first.wait_for(state="attached")
        headers = table.evaluate(
            "(el) => Array.from(el.querySelectorAll('[role=columnheader]')).map(h => h.textContent)"
        )
        if headers and headers[0] == first_header:
            return table
    found = [
        tables.nth(i).evaluate(
            "(el) => Array.from(el.querySelectorAll('[role=columnheader]')).map(h => h.textContent)"
        )
        for i in range(tables.count())
    ]
    raise AssertionError(f"no table starting with {first_header!r}: {found}")


def test_coordinator_edits_description_and_phone(browser, repo: Path, server: AppServer) -> None:
    ctx, page, outside = _page(browser, server, "enhed?id=sof-bcv", "sara")
    try:
        main = page.locator("[data-testid=stMain]")
        main.get_by_role("button", name="Rediger").click()
        wait_for_render(page)
        main.get_by_role("heading", name="Rediger enheden").wait_for(timeout=60_000)
        # the edit form: the one saved with "Gem" (Opslag and Ny enhed are forms too)
        form = main.locator("[data-testid=stForm]").filter(
            has=page.get_by_role("button", name="Gem", exact=True)
        )
        description = form.get_by_label("Beskrivelse", exact=True)
        description.wait_for(state="visible", timeout=60_000)
        description.fill("Rådgivning og bostøtte til udsatte voksne, nu med aftenåbent.")
        phones = _table(form, "Nummer")
        _edit_cell(page, phones, 0, "33 17 41 99")
        hours = _table(form, "Dag")  # a row per weekday: Monday closes at 16 now
        _edit_cell(page, hours, 0, "16:00", column=2)
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
    assert log[0] == (
        "Sara Koordinator <sara@sof.eksempel.kk.dk>|"
        "Ret Borgercenter Voksne: beskrivelse, åbningstider, telefoner"
    )
    assert len(log) == 2
    text = (repo / "units/sof.yaml").read_text(encoding="utf-8")
    assert "# Vedligeholdes af SOF. Denne kommentar skal blive stående." in text
    assert "# beskrivelsen er godkendt af lederen" in text
    unit = load_directory(repo).units["sof-bcv"]
    assert unit.phones[0].number == "33 17 41 99"
    assert unit.hours == "Mo 09:00-16:00; Tu-Fr 09:00-15:00; PH off"


def test_coordinator_of_another_department_has_no_rediger(browser, server: AppServer) -> None:
    ctx, page, _ = _page(browser, server, "enhed?id=sof-bcv", "bo")
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
