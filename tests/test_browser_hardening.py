"""Hardening (issue 26) in Debian's Chromium, against a real server bound to 127.0.0.1
without sign-in (`make run`), with deploy/nginx.conf in front of it.

- Item 2: through a proxy on the same host, a visitor got the staff view. Through nginx
  (`X-Forwarded-For`) the unit page is the public view with its banner: none of the
  staff-only values, no report form; straight at 127.0.0.1 it is the staff view.
- Item 3: DNS rebinding. A page opened as `http://rebind.attacker.test:<port>` (Chromium
  resolves the name to 127.0.0.1) gets a 403 and no data, and its WebSocket is refused.
- Item 6: the report limit counted per Streamlit session, so a new tab started again. The
  staff view at this machine who filed RATE_LIMIT reports before is refused in a fresh
  browser, and the state database holds no more.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import SMALL_DATA, write_data
from test_pages_visibility import STAFF_ONLY

from directory.quality.reports import RATE_LIMIT, ReportStore
from directory.storage import open_storage
from directory.storage.db import close_all
from testkit.browser_support import (
    AppServer,
    guard_network,
    launch_chromium,
    screenshot,
    wait_for_render,
)
from testkit.nginx_support import Nginx
from tests.test_browser import _require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.nginx]
UNIT = "sof-bcv"
REBIND = "rebind.attacker.test"
RATE_LIMITED_DA = (
    "Du har sendt mange fejlmeldinger på kort tid. Vent et par minutter, og prøv igen."
)


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppServer, Nginx]]:
    _require_chromium()
    root = write_data(tmp_path_factory.mktemp("hardening") / "data", SMALL_DATA)
    with AppServer(root, address="127.0.0.1") as server, Nginx([server.port]) as nginx:
        yield server, nginx


@pytest.fixture(scope="module")
def browser(topology) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch_chromium(pw, f"--host-resolver-rules=MAP {REBIND} 127.0.0.1")
        yield chromium
        chromium.close()


def _page(browser, *, guard: bool = True):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    outside = guard_network(ctx) if guard else []
    return ctx, ctx.new_page(), outside


def _main_text(page) -> str:
    return page.locator("[data-testid=stApp]").inner_text()


def test_through_a_proxy_without_sign_in_is_the_public_view(browser, topology) -> None:
    """Item 2 (and 6: the public view offers no report form)."""
    server, nginx = topology
    ctx, page, outside = _page(browser)
    try:
        page.goto(f"{nginx.url}/enhed?id={UNIT}", wait_until="domcontentloaded")
        wait_for_render(page)
        page.get_by_role("heading", name="Borgercenter Voksne").wait_for()
        screenshot(page, "hardening-proxy-public-view")
        html, text = page.content(), _main_text(page)
        assert [value for value in STAFF_ONLY if value in html] == []
        assert "Log ind er ikke sat op, og du kommer ikke direkte fra denne maskine" in text
        assert "Meld en fejl" not in text and page.get_by_label("Hvad er forkert?").count() == 0

        page.goto(f"{server.url}/enhed?id={UNIT}", wait_until="domcontentloaded")  # at 127.0.0.1
        wait_for_render(page)
        page.get_by_text("Meld en fejl").wait_for()
        assert "33 99 10 01" in page.content()  # the staff view: the fast-track number
    finally:
        ctx.close()
    assert outside == []


def test_a_rebound_host_name_gets_no_page_and_no_websocket(browser, topology) -> None:
    """Item 3: the page and the WebSocket of another name that resolves to 127.0.0.1."""
    server, _ = topology
    ctx, page, _ = _page(browser, guard=False)  # the rebound name is what is tested
    try:
        response = page.goto(f"http://{REBIND}:{server.port}/enhed?id={UNIT}")
        assert response is not None and response.status == 403
        assert page.locator("body").inner_text().startswith("Forkert værtsnavn: landkortet")
        assert [value for value in STAFF_ONLY if value in page.content()] == []
        opened = page.evaluate(
            """url => new Promise(done => {
                const ws = new WebSocket(url, ["streamlit"]);
                ws.onopen = () => { ws.close(); done("open"); };
                ws.onerror = () => done("refused");
                setTimeout(() => done("timeout"), 10000);
            })""",
            f"ws://{REBIND}:{server.port}/_stcore/stream",
        )
        assert opened == "refused"
    finally:
        ctx.close()


def _file_report(page, server: AppServer, what: str, expect: str) -> None:
    page.goto(f"{server.url}/enhed?id={UNIT}", wait_until="domcontentloaded")
    wait_for_render(page)
    main = page.locator("[data-testid=stMain]")
    main.get_by_text("Meld en fejl").click()
    main.get_by_label("Hvad er forkert?").fill(what)
    main.get_by_role("button", name="Send fejlmelding").click()
    main.get_by_text(expect).wait_for(timeout=30_000)


def test_the_report_limit_holds_in_a_new_browser_session(browser, topology) -> None:
    """Item 6: RATE_LIMIT reports from one tab; a new tab (a new WebSocket, a new Streamlit
    session) of the same person is refused."""
    server, _ = topology
    first, page, outside = _page(browser)
    try:
        for i in range(RATE_LIMIT):
            _file_report(page, server, f"Fejl nummer {i} fra første fane", "Tak! Fejlmeldingen")
    finally:
        first.close()
    second, page, outside_too = _page(browser)
    try:
        _file_report(page, server, "Endnu en fejl fra en ny fane", RATE_LIMITED_DA)
        screenshot(page, "hardening-report-limit")
    finally:
        second.close()
    assert outside + outside_too == []
    store = ReportStore(server.reports_dir, storage=open_storage(server.db_url))
    assert len(store.read().reports) == RATE_LIMIT
    close_all()


def test_the_server_log_has_no_traceback(topology) -> None:
    server, _ = topology
    assert "Traceback" not in server.log_tail(400)
