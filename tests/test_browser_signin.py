"""Sign-in in a real browser against a real OpenID Connect provider (oidc-provider-mock).

The provider runs in this process on a local port; users and their `groups` claims are set
with `PUT /users/<sub>`. The app server reads a temporary secrets.toml (`--secrets.files`)
whose `[auth]` points at the provider, and an access file (`LANDKORT_ACCESS`). Each user
signs in through the provider's form in their own browser context. Nothing leaves
localhost. Full-page screenshots go to artifacts/screenshots/signin-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ACCESS_FILE, SMALL_DATA, write_data
from test_browser import _require_chromium

from directory.quality.reports import ReportStore
from directory.storage import open_storage
from testkit.browser_support import (
    AppServer,
    guard_network,
    launch_chromium,
    put_oidc_users,
    screenshot,
    sign_in,
    wait_for_render,
    write_oidc_secrets,
)

pytestmark = pytest.mark.browser

FAST_TRACK = "33 99 10 01"  # sof-bcv's fast-track number in conftest.SMALL_DATA
STAFF_ONLY = [FAST_TRACK, "33991001", "33 99 10 02", "33991002", "33 99 20 01", "Mette Test"]
# sub -> ID-token claims
USERS = {
    "sofie": {"name": "Sofie Staff", "email": "sofie@kk.dk", "groups": ["kk-medarbejdere"]},
    "soeren": {"name": "Søren SOF", "email": "soeren@kk.dk", "groups": ["kk-sof-redaktion"]},
    "otto": {"name": "Otto Udefra", "email": "otto@eksempel.dk", "groups": ["andet"]},
}
# (path, a text the page shows when it shows the directory)
PUBLIC_PAGES = [
    ("?q=hjemløs", "Borgercenter Voksne"),
    ("enhed?id=sof-bcv", "Borgercenter Voksne"),
    ("enhed?id=bif-jku", "Jobcenter København Ungecenter"),
    ("oversigt", "Forvaltninger og samarbejdspartnere"),  # tables are drawn on a canvas
    ("kort", "Kort over kontorer og samarbejdspartnere"),
    ("ringeliste", "Ringeliste: Socialforvaltningen (SOF)"),
    ("henvisningsveje", "Henvisningsveje"),
]


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """A running OpenID provider; its base URL."""
    _require_chromium()
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread() as server:
        base = f"http://localhost:{server.server_port}"
        put_oidc_users(base, USERS)
        yield base


def _state_url(root: Path) -> str:
    """The state database the test and the server share (reports live there)."""
    return f"sqlite:///{root / 'state' / 'landkort.db'}"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("signin")
    data = write_data(root / "data", SMALL_DATA)
    reports = root / "reports"
    store = ReportStore(reports, storage=open_storage(_state_url(root)))
    store.add("sof-bcv", "Forkert åbningstid")
    store.add("bif-jku", "Nyt nummer")
    access = root / "access.yaml"
    access.write_text(ACCESS_FILE + "public: false\n", encoding="utf-8")
    return {"root": root, "data": data, "reports": reports, "access": access}


@pytest.fixture(scope="module")
def server(provider: str, setup: dict[str, Path]) -> Iterator[AppServer]:
    from testkit.browser_support import free_port

    port = free_port()
    secrets = write_oidc_secrets(setup["root"] / "secrets.toml", port, provider)
    app = AppServer(
        setup["data"],
        reports_dir=setup["reports"],
        secrets_file=secrets,
        env={"LANDKORT_ACCESS": str(setup["access"])},
        db_url=_state_url(setup["root"]),
    )
    app.port = port
    with app:
        yield app


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch_chromium(pw)
        yield chromium
        chromium.close()


@pytest.fixture
def visitor(browser):
    """A fresh browser context (no cookies): one person; requests outside localhost fail."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    outside = guard_network(ctx)
    page = ctx.new_page()
    yield page
    ctx.close()
    # the provider's own pages link a stylesheet on a CDN (blocked): the mock's, not the app's
    outside = [u for u in outside if not u.startswith("https://cdn.jsdelivr.net/npm/@picocss/")]
    assert outside == [], f"requests left localhost: {outside}"


def _open(page, server: AppServer, path: str) -> None:
    page.goto(f"{server.url}/{path}", wait_until="domcontentloaded")
    wait_for_render(page)


def _shows(page, marker: str) -> bool:
    """Wait (a little) until the page shows `marker`; whether it does."""
    try:
        page.get_by_text(marker).first.wait_for(timeout=15_000)
    except Exception:  # playwright's TimeoutError: the assertion below names the page
        return False
    return True


def _source(page) -> str:
    """The page source with every frame (the map is an iframe)."""
    return "\n".join(frame.content() for frame in page.frames)


def _sign_in(page, server: AppServer, sub: str) -> None:
    sign_in(page, server.url, sub, USERS[sub]["name"])


def test_not_signed_in_shows_only_the_sign_in_page(visitor, server: AppServer) -> None:
    for path in [p for p, _ in PUBLIC_PAGES] + ["datakvalitet"]:
        _open(visitor, server, path)
        sign_in_button = visitor.get_by_role("button", name="Log ind")
        sign_in_button.first.wait_for(timeout=30_000)  # a loaded server may rerun the page once
        assert sign_in_button.count() == 1, path
        source = _source(visitor)
        for value in ("Borgercenter Voksne", "Socialforvaltningen", "33 17 41 22", *STAFF_ONLY):
            assert value not in source, (path, value)
    screenshot(visitor, "signin-page")


def test_staff_member_signs_in_and_sees_the_staff_numbers(visitor, server: AppServer) -> None:
    _sign_in(visitor, server, "sofie")
    _open(visitor, server, "enhed?id=sof-bcv")
    source = _source(visitor)
    assert FAST_TRACK in source and "Mette Test" in source and "mette.test@eksempel.kk.dk" in source
    assert visitor.get_by_text("Sofie Staff").count() >= 1
    screenshot(visitor, "signin-staff-unit")
    # a staff member who is no coordinator sees reports but cannot close them
    _open(visitor, server, "datakvalitet")
    assert visitor.get_by_role("button", name="Luk").count() == 0
    # and signs out again: Streamlit ends the provider's session too (its confirm form)
    visitor.get_by_role("button", name="Log ud").click()
    visitor.get_by_role("button", name="End session").click(timeout=30_000)
    visitor.wait_for_url(f"{server.url}/**", timeout=30_000)
    wait_for_render(visitor)
    visitor.get_by_role("button", name="Log ind").wait_for(timeout=30_000)
    assert FAST_TRACK not in _source(visitor) and "Sofie Staff" not in _source(visitor)


def test_signed_in_without_a_staff_group_gets_the_public_view(visitor, server: AppServer) -> None:
    _sign_in(visitor, server, "otto")
    for path, marker in PUBLIC_PAGES:
        _open(visitor, server, path)
        assert _shows(visitor, marker), path
        source = _source(visitor)
        found = [v for v in STAFF_ONLY if v in source]
        assert not found, (path, found)
    screenshot(visitor, "signin-public-unit")


def test_coordinator_closes_reports_of_their_department_only(
    visitor, server: AppServer, setup: dict[str, Path]
) -> None:
    _sign_in(visitor, server, "soeren")
    _open(visitor, server, "datakvalitet")
    buttons = visitor.get_by_role("button", name="Luk")
    assert buttons.count() == 1  # the SOF report, not the BIF one
    assert visitor.get_by_text("Kun en koordinator for enhedens forvaltning").count() == 1
    screenshot(visitor, "signin-coordinator-datakvalitet")
    buttons.first.click()
    visitor.get_by_text("Fejlmeldingen er lukket.").wait_for(timeout=30_000)
    log = ReportStore(setup["reports"], storage=open_storage(_state_url(setup["root"]))).read()
    closed = {r.unit_id: r for r in log.reports if not r.is_open}
    assert list(closed) == ["sof-bcv"] and closed["sof-bcv"].closed_by == "Søren SOF"


def test_public_true_shows_the_public_view_to_visitors(
    visitor, server: AppServer, setup: dict[str, Path]
) -> None:
    setup["access"].write_text(ACCESS_FILE + "public: true\n", encoding="utf-8")
    try:
        for path, marker in PUBLIC_PAGES:
            _open(visitor, server, path)
            assert _shows(visitor, marker), path
            source = _source(visitor)
            assert not [v for v in STAFF_ONLY if v in source], path
        log_ind = visitor.get_by_role("button", name="Log ind")
        log_ind.first.wait_for(timeout=30_000)  # the sidebar draws after the page's marker
        assert log_ind.count() == 1  # in the sidebar
        screenshot(visitor, "signin-public-true")
    finally:
        setup["access"].write_text(ACCESS_FILE + "public: false\n", encoding="utf-8")


def test_without_sign_in_on_the_network_the_public_view_and_a_banner(
    browser, tmp_path: Path
) -> None:
    data = write_data(tmp_path / "data", SMALL_DATA)
    # bound to every interface (not loopback), no [auth]: the browser still uses 127.0.0.1
    with AppServer(data, address="0.0.0.0", secrets_file=tmp_path / "none.toml") as app:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        outside = guard_network(ctx)
        page = ctx.new_page()
        try:
            for path, marker in PUBLIC_PAGES:
                _open(page, app, path)
                assert _shows(page, marker), path
                source = _source(page)
                assert "Log ind er ikke sat op" in source, path
                assert not [v for v in STAFF_ONLY if v in source], path
            screenshot(page, "signin-network-banner")
        finally:
            ctx.close()
        assert outside == []
