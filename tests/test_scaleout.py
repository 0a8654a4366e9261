"""Scale-out for real: two app servers on one PostgreSQL behind nginx (deploy/nginx.conf).

A caseworker signed in on one server files a report and pins a unit; the same person on
the other server sees the report on Datakvalitet and the unit on Min ringeliste. Sticky
sessions: each browser context carries an affinity cookie chosen so that the two land on
different servers (nginx says which in `X-Landkort-Upstream`). Both servers share the
sign-in cookie secret, as every replica in deploy/ does.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator

import pytest

from tests.browser_support import (
    ROOT,
    AppServer,
    guard_network,
    launch_chromium,
    screenshot,
    wait_for_render,
)
from tests.nginx_support import Nginx, get
from tests.test_browser import _require_chromium

pytestmark = pytest.mark.browser
UNIT = "bif-jku"
WHAT = "Skalerings-test: telefonnummeret er skiftet"


def signed_user_cookie(secret: str, origin: str, email: str, name: str) -> str:
    """The `_streamlit_user` cookie Streamlit sets after an OpenID sign-in, signed with the
    shared cookie secret (what `st.login` would leave in the browser)."""
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    payload = {"origin": origin, "is_logged_in": True, "email": email, "name": name}
    return create_signed_value(secret, "_streamlit_user", json.dumps(payload)).decode("latin-1")


@pytest.fixture(scope="module")
def topology(
    postgres, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Nginx, list[AppServer], str]]:
    _require_chromium()
    cookie_secret = secrets.token_hex(32)
    db_url = postgres.new_database()
    secrets_file = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    secrets_file.write_text(f'[auth]\ncookie_secret = "{cookie_secret}"\n', encoding="utf-8")
    servers = [AppServer(ROOT / "data", db_url=db_url, secrets_file=secrets_file) for _ in range(2)]
    try:
        for server in servers:
            server.start(timeout=90)
        with Nginx([s.port for s in servers]) as nginx:
            yield nginx, servers, cookie_secret
    finally:
        for server in servers:
            server.stop()


def affinity_for_each_server(nginx: Nginx, servers: list[AppServer]) -> list[str]:
    """An affinity cookie value that nginx hashes to each server, in server order."""
    wanted = {f"127.0.0.1:{s.port}": i for i, s in enumerate(servers)}
    found: dict[int, str] = {}
    for n in range(200):
        value = f"kunde-{n}"
        status, headers, _ = get(f"{nginx.url}/_stcore/health", f"landkort_affinity={value}")
        assert status == 200
        found.setdefault(wanted[headers["X-Landkort-Upstream"]], value)
        if len(found) == len(servers):
            return [found[i] for i in range(len(servers))]
    raise AssertionError(f"nginx sent 200 different cookies to one server only: {found}")


def test_proxy_headers_affinity_and_blocked_metrics(topology) -> None:
    nginx, servers, _ = topology
    status, headers, _ = get(nginx.url + "/")
    assert status == 200
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Set-Cookie"].startswith("landkort_affinity=")
    first = headers["Set-Cookie"].split(";")[0]
    upstream = headers["X-Landkort-Upstream"]
    for _ in range(5):  # the same cookie: always the same server
        _, again, _ = get(nginx.url + "/_stcore/health", first)
        assert again["X-Landkort-Upstream"] == upstream
        assert "Set-Cookie" not in again
    assert get(nginx.url + "/_stcore/metrics", first)[0] == 404
    assert get(f"{servers[0].url}/_stcore/metrics")[0] == 200  # only the proxy hides it
    assert len(set(affinity_for_each_server(nginx, servers))) == 2


def _context(browser, nginx: Nginx, affinity: str, user_cookie: str):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    ctx.add_cookies(
        [
            {"name": "landkort_affinity", "value": affinity, "url": nginx.url},
            {"name": "_streamlit_user", "value": user_cookie, "url": nginx.url},
        ]
    )
    outside = guard_network(ctx)
    return ctx, outside


def test_a_report_and_a_call_list_follow_the_user_across_servers(topology) -> None:
    from playwright.sync_api import expect, sync_playwright

    nginx, servers, cookie_secret = topology
    one, two = affinity_for_each_server(nginx, servers)
    user = signed_user_cookie(cookie_secret, nginx.url, "mette@kk.dk", "Mette Hansen")
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        ctx_a, outside_a = _context(browser, nginx, one, user)
        ctx_b, outside_b = _context(browser, nginx, two, user)
        try:
            a = ctx_a.new_page()
            response = a.goto(f"{nginx.url}/enhed?id={UNIT}")
            assert response.headers["x-landkort-upstream"] == f"127.0.0.1:{servers[0].port}"
            wait_for_render(a)
            main = a.locator("[data-testid=stMain]")
            main.get_by_role("button", name="Sæt på min ringeliste").click()
            expect(main.get_by_role("button", name="Fjern fra min ringeliste")).to_be_visible(
                timeout=30_000
            )
            main.get_by_text("Meld en fejl").click()
            main.get_by_label("Hvad er forkert?").fill(WHAT)
            main.get_by_role("button", name="Send fejlmelding").click()
            expect(main.get_by_text("Tak! Fejlmeldingen er gemt")).to_be_visible(timeout=30_000)
            expect(main.get_by_label("Hvad er forkert?")).to_have_value("")
            screenshot(a, "scaleout-server1-report")

            b = ctx_b.new_page()
            response = b.goto(f"{nginx.url}/datakvalitet")
            assert response.headers["x-landkort-upstream"] == f"127.0.0.1:{servers[1].port}"
            wait_for_render(b)
            expect(b.get_by_text(WHAT)).to_be_visible(timeout=30_000)
            screenshot(b, "scaleout-server2-datakvalitet")
            b.goto(f"{nginx.url}/min_ringeliste")
            wait_for_render(b)
            main_b = b.locator("[data-testid=stMain]")
            expect(main_b.get_by_role("heading", name="Min ringeliste")).to_be_visible()
            expect(main_b.locator(f".st-key-min-{UNIT}")).to_be_visible(timeout=30_000)
            screenshot(b, "scaleout-server2-min-ringeliste")
        finally:
            ctx_a.close()
            ctx_b.close()
            browser.close()
        assert outside_a == [] and outside_b == []
