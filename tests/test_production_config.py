"""Production settings (issue 17): what `.streamlit/config.toml` promises, checked on a
running server: it listens on the loopback address only, and an error page shows no
exception text (which can quote data lines or file paths)."""

from __future__ import annotations

import socket
import tomllib
import urllib.request
from pathlib import Path

import pytest
from test_browser import _require_chromium

from testkit.browser_support import ROOT, AppServer, launch_chromium, wait_for_render

CONFIG = ROOT / ".streamlit" / "config.toml"


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        ("server", "address", "127.0.0.1"),
        ("server", "headless", True),
        ("server", "enableXsrfProtection", True),
        ("server", "enableCORS", True),
        ("server", "fileWatcherType", "none"),
        ("browser", "gatherUsageStats", False),
        ("client", "showErrorDetails", "none"),
        ("client", "toolbarMode", "minimal"),
        ("runner", "postScriptGC", False),
    ],
)
def test_config_file_has_the_production_setting(section: str, key: str, value: object) -> None:
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config[section][key] == value


def _other_addresses() -> list[str]:
    """This machine's addresses other than loopback (where a mis-bound server would answer)."""
    found: set[str] = set()
    for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
        found.add(str(info[4][0]))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: picks the outward address
            found.add(probe.getsockname()[0])
        except OSError:
            pass
    return sorted(a for a in found if not a.startswith("127."))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_data_dir_module: Path):
    """The app started as production starts it: no --server.address, the config decides."""
    with AppServer(
        demo_data_dir_module, reports_dir=tmp_path_factory.mktemp("reports"), address=None
    ) as app:
        yield app


@pytest.fixture(scope="module")
def demo_data_dir_module() -> Path:
    return ROOT / "data"


def test_server_listens_on_loopback_only(server: AppServer) -> None:
    with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=5) as response:
        assert response.status == 200
    others = _other_addresses()
    if not others:
        pytest.skip("this machine has no address other than loopback to try")
    for address in others:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(2)
            assert sock.connect_ex((address, server.port)) != 0, (
                f"the app answers on {address}:{server.port}: bind it to 127.0.0.1"
            )


@pytest.mark.browser
def test_error_page_shows_no_exception_text(tmp_path_factory: pytest.TempPathFactory) -> None:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with (
        AppServer(
            ROOT / "data",
            app="tests/apps/crash.py",
            reports_dir=tmp_path_factory.mktemp("reports-crash"),
            address=None,
        ) as app,
        sync_playwright() as pw,
    ):
        browser = launch_chromium(pw)
        try:
            page = browser.new_page()
            page.goto(app.url, wait_until="domcontentloaded")
            wait_for_render(page)
            page.wait_for_timeout(500)
            text = page.locator("body").inner_text()
            assert (
                "root:x:0:0" not in text and "ValueError" not in text and "units/x.yaml" not in text
            )
            assert page.locator("[data-testid=stException], [data-testid=stAlert]").count() >= 1
        finally:
            browser.close()
