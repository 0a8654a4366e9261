"""Scale-out for real: two app servers on one PostgreSQL behind nginx (deploy/nginx.conf).

A caseworker signs in through the real OpenID provider (oidc-provider-mock) through nginx,
as a user would: "Log ind", the provider's form, back to `/oauth2callback` on the proxy.
On one server she files a report and pins a unit; signed in on the other server (another
browser) she sees the report on Datakvalitet; and when her own browser is moved to the
other server (its affinity cookie changes, as when a server goes away) she is still signed
in there and her call list is there too. Sticky sessions: each browser context carries an
affinity cookie chosen so that it lands on a given server (nginx says which in
`X-Landkort-Upstream`); the sign-in flow (the authorize redirect, the state in Starlette's
session cookie, the callback) stays on the server that started it. Both servers read one
secrets.toml: the same `[auth]`, with the proxy's address in `redirect_uri` and one cookie
secret, as every replica in deploy/ does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from testkit.browser_support import (
    ROOT,
    AppServer,
    guard_network,
    launch_chromium,
    put_oidc_users,
    screenshot,
    sign_in,
    wait_for_render,
    write_oidc_secrets,
)
from testkit.nginx_support import Nginx, get
from tests.test_browser import _require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.nginx]
UNIT = "bif-jku"
WHAT = "Skalerings-test: telefonnummeret er skiftet"
USER = {"name": "Mette Hansen", "email": "mette@kk.dk"}
# the provider's own pages link a stylesheet on a CDN (blocked): the mock's, not the app's
PROVIDER_CSS = "https://cdn.jsdelivr.net/npm/@picocss/"


@pytest.fixture(scope="module")
def topology(
    postgres, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Nginx, list[AppServer]]]:
    _require_chromium()
    import oidc_provider_mock

    db_url = postgres.new_database()
    with oidc_provider_mock.run_server_in_thread() as provider:
        issuer = f"http://localhost:{provider.server_port}"
        put_oidc_users(issuer, {"mette": USER})
        servers = [AppServer(ROOT / "data", db_url=db_url) for _ in range(2)]
        nginx = Nginx([s.port for s in servers])
        # every replica: the same [auth], redirect_uri on the proxy's address
        secrets_file = tmp_path_factory.mktemp("secrets") / "secrets.toml"
        write_oidc_secrets(secrets_file, nginx.port, issuer)
        try:
            for server in servers:
                server.secrets_file = secrets_file
                server.start(timeout=90)
            with nginx:
                yield nginx, servers
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
    nginx, servers = topology
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


def test_the_hsds_api_is_served_through_the_proxy_and_closed_without_public(topology) -> None:
    """The read-only HSDS API (/api/hsds/) answers through nginx on both servers, with the
    proxy's headers; sign-in is set up and the access file does not say `public: true`, so
    it answers 401 with a Danish message and no data (issue 24)."""
    nginx, servers = topology
    seen = set()
    for cookie in affinity_for_each_server(nginx, servers):
        for path in ("/api/hsds/", "/api/hsds/services?per_page=5", "/api/hsds/organizations"):
            status, headers, body = get(nginx.url + path, f"landkort_affinity={cookie}")
            assert status == 401, (path, body[:200])
            assert headers["Content-Type"].startswith("application/json")
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert set(json.loads(body)) == {"error"}
            seen.add(headers["X-Landkort-Upstream"])
    assert len(seen) == 2  # both servers answered


def _context(browser, nginx: Nginx, affinity: str | None = None):
    """A browser; with `affinity`, its affinity cookie (else nginx sets one on first visit)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    if affinity is not None:
        ctx.add_cookies([{"name": "landkort_affinity", "value": affinity, "url": nginx.url}])
    outside = guard_network(ctx)
    return ctx, outside


def _upstream(response, server: AppServer) -> None:
    assert response.headers["x-landkort-upstream"] == f"127.0.0.1:{server.port}"


def _affinity(ctx, nginx: Nginx) -> str:
    (value,) = [c["value"] for c in ctx.cookies(nginx.url) if c["name"] == "landkort_affinity"]
    return value


def test_a_report_and_a_call_list_follow_the_user_across_servers(topology) -> None:
    from playwright.sync_api import expect, sync_playwright

    nginx, servers = topology
    by_address = {f"127.0.0.1:{s.port}": s for s in servers}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        ctx_a, outside_a = _context(browser, nginx)  # a first visit: nginx picks the server
        try:
            a = ctx_a.new_page()
            served: list[str] = []  # which server answered each request through the proxy
            a.on("response", lambda r: served.append(r.headers.get("x-landkort-upstream", "")))
            sign_in(a, nginx.url, "mette", USER["name"])  # through nginx and the provider
            (address,) = set(served) - {""}  # sticky: the whole sign-in on one server
            first = by_address[address]
            (other,) = [s for s in servers if s is not first]
            assert "_streamlit_user" in {c["name"] for c in ctx_a.cookies(nginx.url)}
            screenshot(a, "scaleout-server1-signed-in")
            _upstream(a.goto(f"{nginx.url}/enhed?id={UNIT}"), first)
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

            # the same person in another browser lands on the other server and signs in there
            to_other = affinity_for_each_server(nginx, servers)[servers.index(other)]
            ctx_b, outside_b = _context(browser, nginx, to_other)
            b = ctx_b.new_page()
            sign_in(b, nginx.url, "mette", USER["name"])
            _upstream(b.goto(f"{nginx.url}/datakvalitet"), other)
            wait_for_render(b)
            expect(b.get_by_text(WHAT)).to_be_visible(timeout=30_000)
            screenshot(b, "scaleout-server2-datakvalitet")

            # her first browser moves to the other server: still signed in, her list is there
            assert _affinity(ctx_a, nginx) != to_other
            ctx_a.add_cookies([{"name": "landkort_affinity", "value": to_other, "url": nginx.url}])
            _upstream(a.goto(f"{nginx.url}/min_ringeliste"), other)
            wait_for_render(a)
            main = a.locator("[data-testid=stMain]")
            expect(main.get_by_role("heading", name="Min ringeliste")).to_be_visible()
            expect(main.locator(f".st-key-min-{UNIT}")).to_be_visible(timeout=30_000)
            expect(a.get_by_text(USER["name"]).first).to_be_visible()
            screenshot(a, "scaleout-server2-min-ringeliste")
        finally:
            for ctx in browser.contexts:
                ctx.close()
            browser.close()
        outside = [u for u in outside_a + outside_b if not u.startswith(PROVIDER_CSS)]
        assert outside == []


def test_a_sign_in_that_returns_to_the_other_server_still_works(topology) -> None:
    """The sign-in state lives in Streamlit's session cookie, signed with the shared cookie
    secret: a sign-in started on one server completes on the other (a server restarted or
    taken out while the user is at the provider). Only the WebSocket session needs the
    affinity."""
    from playwright.sync_api import expect, sync_playwright

    nginx, servers = topology
    one, two = affinity_for_each_server(nginx, servers)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        ctx, outside = _context(browser, nginx, one)
        try:
            page = ctx.new_page()
            _upstream(page.goto(f"{nginx.url}/", wait_until="domcontentloaded"), servers[0])
            wait_for_render(page)
            page.get_by_role("button", name="Log ind").click()
            page.wait_for_selector("input[name=sub]", timeout=30_000)  # at the provider
            ctx.add_cookies([{"name": "landkort_affinity", "value": two, "url": nginx.url}])
            page.fill("input[name=sub]", "mette")
            with page.expect_response(lambda r: "/oauth2callback" in r.url) as callback:
                page.get_by_role("button", name="Authorize").click()
            _upstream(callback.value, servers[1])
            page.wait_for_url(f"{nginx.url}/**", timeout=30_000)
            wait_for_render(page)
            expect(page.get_by_text(USER["name"]).first).to_be_visible(timeout=30_000)
            expect(page.get_by_role("button", name="Log ud")).to_be_visible()
        finally:
            ctx.close()
            browser.close()
        assert [u for u in outside if not u.startswith(PROVIDER_CSS)] == []
