"""Where a request comes from (issue 26 items 2 and 3), in the fast lane.

Item 2: without sign-in, the staff view is for a request straight from this machine to a
loopback-bound server: not one that came through a proxy (`X-Forwarded-For`, `Forwarded`)
nor one that names another host; those get the public view with a banner that says why.
Item 3: requests and WebSockets whose Host is not allowed (`LANDKORT_ALLOWED_HOSTS`;
default: the loopback names on a loopback-bound server) are refused by `HostGuard`, and the
script refuses to render for them. The browser and nginx tests are in
tests/test_browser_hardening.py.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from conftest import app_test
from test_pages_visibility import STAFF_ONLY, sent

from directory.access import (
    LOOPBACK_NAMES,
    allowed_hosts,
    host_allowed,
    host_name,
    local_request,
)
from ui.auth import NOT_LOCAL_DA, NOT_SET_UP_DA, WRONG_HOST_DA, WRONG_HOST_HTTP_DA, HostGuard
from ui.escape import md_escape


@pytest.mark.parametrize(
    ("headers", "local"),
    [
        ({}, True),  # no request at all (a script run without a browser)
        ({"Host": "127.0.0.1:8501"}, True),
        ({"host": "localhost:8501"}, True),
        ({"Host": "[::1]:8501"}, True),
        ({"Host": "127.0.0.1:8501", "X-Forwarded-For": "10.1.2.3"}, False),  # nginx
        ({"Host": "127.0.0.1", "Forwarded": "for=10.1.2.3;proto=https"}, False),
        ({"Host": "127.0.0.1", "X-Real-IP": "10.1.2.3"}, False),
        ({"Host": "rebind.attacker.test:8501"}, False),  # DNS rebinding
        ({"Host": "landkort.intra.kk.dk"}, False),
        ({"Host": "127.0.0.1@evil.test"}, False),
        ({"User-Agent": "x"}, False),  # a request without Host
    ],
)
def test_a_local_request_is_straight_from_this_machine(headers: dict, local: bool) -> None:
    assert local_request(headers) is local


def test_host_names_and_the_allowed_list() -> None:
    assert host_name("LandKort.Intra.KK.dk.:443") == "landkort.intra.kk.dk"
    assert host_name("[::1]:8501") == "::1"
    assert host_name("a:b") is None and host_name("") is None and host_name("x/y") is None
    assert allowed_hosts(None, loopback_bound=True) == LOOPBACK_NAMES
    assert allowed_hosts("", loopback_bound=False) is None  # any name
    assert allowed_hosts("landkort.intra.kk.dk, *.kk.dk", loopback_bound=True) == (
        "landkort.intra.kk.dk",
        "*.kk.dk",
    )
    loopback = allowed_hosts(None, loopback_bound=True)
    assert host_allowed("127.0.0.1:8501", loopback)
    assert host_allowed("localhost", loopback)
    assert not host_allowed("rebind.attacker.test:8501", loopback)
    assert not host_allowed(None, loopback)
    assert host_allowed("rebind.attacker.test", None)
    wild = allowed_hosts("*.intra.kk.dk", loopback_bound=True)
    assert host_allowed("landkort.intra.kk.dk", wild)
    assert not host_allowed("intra.kk.dk.attacker.test", wild)
    assert host_allowed("anything", ("*",))


# -- HostGuard, the middleware in front of the server ---------------------------------------
def _through_guard(
    kind: str, host: str | None, monkeypatch: pytest.MonkeyPatch, path: str = "/_stcore/stream"
) -> list[dict]:
    monkeypatch.setattr("ui.auth.bound_to_loopback", lambda: True)
    passed: list[dict] = []

    async def inner(scope, receive, send) -> None:
        passed.append({"type": "passed"})

    sent_: list[dict] = []

    async def send(message: dict) -> None:
        sent_.append(message)

    async def receive() -> dict:
        return {"type": f"{kind}.request" if kind == "http" else "websocket.connect"}

    headers = [(b"host", host.encode())] if host is not None else []
    scope = {"type": kind, "path": path, "headers": headers}
    asyncio.run(HostGuard(inner)(scope, receive, send))
    return passed + sent_


@pytest.mark.parametrize("kind", ["http", "websocket"])
def test_the_guard_lets_loopback_names_through(kind: str, monkeypatch) -> None:
    assert _through_guard(kind, "127.0.0.1:8501", monkeypatch) == [{"type": "passed"}]


def test_the_guard_refuses_another_host_name(monkeypatch: pytest.MonkeyPatch) -> None:
    http = _through_guard("http", "rebind.attacker.test:8501", monkeypatch)
    assert http[0]["status"] == 403
    assert http[1]["body"].decode("utf-8") == WRONG_HOST_HTTP_DA
    assert _through_guard("websocket", "rebind.attacker.test:8501", monkeypatch) == [
        {"type": "websocket.close", "code": 1008}
    ]
    assert _through_guard("websocket", None, monkeypatch)[0]["type"] == "websocket.close"


def test_the_health_check_answers_any_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """An orchestrator's probe asks the pod's own address; the answer says nothing."""
    monkeypatch.setenv("LANDKORT_ALLOWED_HOSTS", "landkort.intra.kk.dk")
    probe = _through_guard("http", "10.1.2.3:8501", monkeypatch, path="/_stcore/health")
    assert probe == [{"type": "passed"}]
    assert _through_guard("http", "10.1.2.3:8501", monkeypatch, path="/")[0]["status"] == 403


def test_the_guard_answers_the_names_of_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANDKORT_ALLOWED_HOSTS", "landkort.intra.kk.dk")
    assert _through_guard("http", "landkort.intra.kk.dk", monkeypatch) == [{"type": "passed"}]
    assert _through_guard("http", "127.0.0.1:8501", monkeypatch)[0]["status"] == 403


# -- the pages -----------------------------------------------------------------------------
def _as_request(monkeypatch: pytest.MonkeyPatch, headers: dict[str, str]) -> None:
    """The session's request headers (AppTest has none of its own)."""
    monkeypatch.setattr("ui.auth.request_headers", lambda: dict(headers))


@pytest.mark.usefixtures("app_env")
def test_through_a_proxy_the_unit_page_is_public_with_a_banner(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as_request(monkeypatch, {"Host": "127.0.0.1", "X-Forwarded-For": "10.20.30.40"})
    at = app_test("pages/enhed.py", data_dir, monkeypatch, viewer="local", id="sof-bcv")
    assert [value for value in STAFF_ONLY if value in sent(at, [])] == []
    assert [w.value for w in at.warning] == [NOT_LOCAL_DA]
    assert NOT_SET_UP_DA != NOT_LOCAL_DA


@pytest.mark.usefixtures("app_env")
def test_a_foreign_host_name_gets_no_page(data_dir: Path, monkeypatch) -> None:
    _as_request(monkeypatch, {"Host": "rebind.attacker.test:8501"})
    at = app_test("pages/enhed.py", data_dir, monkeypatch, viewer="local", id="sof-bcv")
    assert [e.value for e in at.error] == [WRONG_HOST_DA]
    assert [value for value in STAFF_ONLY if value in sent(at, [])] == []
    assert not at.get("page_link") and not at.markdown


@pytest.mark.usefixtures("app_env")
def test_straight_from_this_machine_is_still_the_staff_view(data_dir: Path, monkeypatch) -> None:
    _as_request(monkeypatch, {"Host": "localhost:8501", "User-Agent": "Chromium"})
    at = app_test("pages/enhed.py", data_dir, monkeypatch, viewer="local", id="sof-bcv")
    assert "33 99 10 01" in sent(at, [])
    assert not at.warning and md_escape("Borgercenter Voksne") in sent(at, [])
