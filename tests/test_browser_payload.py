"""Markdown, HTML, LaTeX and bare URLs from data and from the link, in a real browser (issue 17).

The app runs on the payload directory of tests/test_payload_escaping.py (the payload in
every free-text field) and each page is opened with the payload in its query parameters.
Nothing from the payload may become a link, an image, bold text or LaTeX, and no request
may leave the machine; the payload's bare `http://evil.example` and `a@evil.example` must
be on the page as plain text. Screenshots: artifacts/screenshots/payload-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from test_browser import _require_chromium
from test_payload_escaping import PAYLOAD, payload_data

from testkit.browser_support import (
    AppServer,
    guard_network,
    launch_chromium,
    screenshot,
    wait_for_render,
)

pytestmark = pytest.mark.browser

Q = quote(PAYLOAD)
URLS = [
    ("soeg", f"?q={quote('evil')}"),
    ("soeg-url", f"?q={Q}&behov={Q}"),
    ("enhed", "enhed?id=sof-a"),
    ("enhed-url", f"enhed?id={Q}"),
    ("oversigt", "oversigt?forvaltning=sof"),
    ("oversigt-url", f"oversigt?forvaltning={Q}"),
    ("henvisningsveje", "henvisningsveje?enhed=sof-a"),
    ("kort-url", f"kort?naer={Q}&q={Q}"),
    ("ringeliste-url", f"ringeliste?q={Q}"),
    ("datakvalitet", "datakvalitet"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    _require_chromium()
    data = payload_data(tmp_path_factory.mktemp("payload-browser") / "data")
    with AppServer(data, reports_dir=tmp_path_factory.mktemp("reports")) as app:
        yield app


@pytest.fixture(scope="module")
def context(server: AppServer):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
        outside = guard_network(ctx)
        yield ctx, outside
        ctx.close()
        browser.close()


@pytest.mark.parametrize(("name", "path"), URLS, ids=[u[0] for u in URLS])
def test_payload_renders_as_text(name: str, path: str, context, server: AppServer) -> None:
    ctx, outside = context
    page = ctx.new_page()
    try:
        page.goto(f"{server.url}/{path}", wait_until="domcontentloaded")
        wait_for_render(page)
        page.wait_for_timeout(300)
        main = page.locator("[data-testid=stMain]")
        links = main.locator(
            "a[href*='://evil'], a[href*='://www.evil'], a[href^='mailto:a@evil'], "
            "a[href^='www.evil']"
        )
        assert links.count() == 0, [
            links.nth(i).get_attribute("href") for i in range(links.count())
        ]
        assert page.locator("img[src*='evil']").count() == 0
        assert main.locator(".katex").count() == 0
        assert main.locator("b:text-is('x'), strong:text-is('fed'), em:text-is('fed')").count() == 0
        text = main.inner_text().replace("\u2060", "")  # the joiner md_escape puts in
        if name != "datakvalitet":  # (its data are in tables, never markdown)
            assert "<b>x</b>" in text, text[:2000]
        if (
            not name.endswith("-url") and name != "datakvalitet"
        ):  # the whole payload from data: the bare URL and e-mail
            assert "http://evil.example" in text and "a@evil.example" in text, text[:2000]
        assert outside == []
        screenshot(page, f"payload-{name}")
    finally:
        page.close()
