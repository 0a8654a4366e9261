"""Who is looking: the signed-in user's roles from the access file, the sign-in page and the
sidebar's name and "Log ud"; without sign-in set up, the staff view only for the person at a
loopback-bound server (a request straight from this machine: no proxy in between, a
loopback name in Host) and the public view for everyone else (secure by default).

`HostGuard` refuses requests and WebSockets whose Host is not one of the allowed names
(`LANDKORT_ALLOWED_HOSTS`; unset: the loopback names on a loopback-bound server): a page of
another site whose name was made to resolve to 127.0.0.1 (DNS rebinding) gets nothing.
`app.py` puts it in front of the whole server; `access_gate` checks the same in the script.
"""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

from directory.access import (
    PUBLIC,
    AccessFileError,
    AccessRules,
    Viewer,
    allowed_hosts,
    host_allowed,
    is_loopback_name,
    load_access,
    local_request,
    viewer_from_claims,
)
from directory.settings import Settings
from ui.escape import md_escape
from ui.links import APP_TITLE

# Without sign-in on a loopback-bound server (`make run`): the person at this machine.
LOCAL_STAFF = Viewer(staff=True)


def _settings() -> Settings:
    """The app's settings (`ui.serving.settings`, which imports this module)."""
    from ui.serving import settings

    return settings()


def auth_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an `[auth]` section (sign-in is set up)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return False


def bound_to_loopback() -> bool:
    """True when the server listens on a loopback address only (`make run`: 127.0.0.1).
    Unset (Streamlit's default) means every interface: not loopback."""
    return is_loopback_name(str(st.get_option("server.address") or "").strip("[]").lower())


def request_headers() -> dict[str, str]:
    """The headers of the request that opened this session (its WebSocket); empty in a
    script run without a browser (AppTest)."""
    try:
        return dict(st.context.headers.items())
    except Exception:  # no session (a bare script run): no request
        return {}


def server_hosts() -> tuple[str, ...] | None:
    """The host names this server answers to (`LANDKORT_ALLOWED_HOSTS`), None for any."""
    return allowed_hosts(_settings().allowed_hosts, loopback_bound=bound_to_loopback())


def host_ok() -> bool:
    """Whether this session's request named an allowed host (no request: yes)."""
    headers = {key.lower(): value for key, value in request_headers().items()}
    return not headers or host_allowed(headers.get("host"), server_hosts())


def local_viewer() -> bool:
    """Without sign-in: the person at this machine, at a loopback-bound server, with a
    request straight from it (not through a proxy, a loopback name in Host)."""
    return bound_to_loopback() and local_request(request_headers())


@st.cache_resource(max_entries=4)
def _access_rules(path: str | None, fp: tuple[int, int] | None) -> AccessRules:
    return load_access(path)


def access_rules() -> AccessRules:
    """The access file's rules (re-read when the file changes); raises `AccessFileError`."""
    path = _settings().access
    try:
        stat = os.stat(path) if path else None
    except OSError:
        stat = None  # load_access says what is wrong
    return _access_rules(path, (stat.st_mtime_ns, stat.st_size) if stat else None)


def signed_in() -> bool:
    return bool(st.user.get("is_logged_in"))


def must_sign_in() -> bool:
    """Sign-in is set up, nobody is signed in, and the access file has no `public: true`."""
    return auth_configured() and not signed_in() and not access_rules().public


def viewer() -> Viewer:
    """Who is looking: the signed-in user's roles; without sign-in set up, staff for a
    request straight from this machine to a loopback-bound server, and the public view for
    everyone else (secure by default)."""
    if signed_in():
        return viewer_from_claims(st.user.to_dict(), access_rules())
    if not auth_configured() and local_viewer():
        return LOCAL_STAFF
    return PUBLIC


def role_text(who: Viewer) -> str:
    """'Medarbejder · koordinator for SOF' (Danish, for the sidebar)."""
    if who.admin:
        return "Administrator"
    parts = ["Medarbejder" if who.staff else "Offentlig visning"]
    if who.manager:
        parts.append("leder")
    if who.coordinator_of:
        parts.append("koordinator for " + ", ".join(sorted(d.upper() for d in who.coordinator_of)))
    return " · ".join(parts)


NOT_SET_UP_DA = (
    "Log ind er ikke sat op, og serveren kan nås fra netværket: du ser den offentlige udgave "
    "uden fast track-numre, interne numre og kontaktpersoner. Administrator: sæt log ind op "
    "i `.streamlit/secrets.toml` (se README, afsnittet »Sign-in and roles«), eller start serveren "
    "med `--server.address 127.0.0.1`."
)


NOT_LOCAL_DA = (
    "Log ind er ikke sat op, og du kommer ikke direkte fra denne maskine (men gennem en proxy "
    "eller med et andet værtsnavn): du ser den offentlige udgave uden fast track-numre, interne "
    "numre og kontaktpersoner. Administrator: sæt log ind op i `.streamlit/secrets.toml` (se "
    "README, afsnittet »Sign-in and roles«)."
)
WRONG_HOST_DA = (
    "Landkortet svarer ikke på dette værtsnavn. Brug landkortets egen adresse. Administrator: "
    "skriv navnet i LANDKORT_ALLOWED_HOSTS (se README, afsnittet »Running it in production«)."
)


def access_gate() -> Viewer | None:
    """Run first on every page (app.py): the sidebar's name and 'Log ud', the banner when
    sign-in is not set up. None: the visitor must sign in first (app.py then shows only
    `sign_in_page`). Stops the script when the access file cannot be used, or when the
    request named a host this server does not answer to (`HostGuard` refuses those before
    they get here; this holds if the script runs without it)."""
    if not host_ok():
        st.error(WRONG_HOST_DA)
        st.stop()
    try:
        access_rules()
    except AccessFileError as exc:
        st.error(
            "Adgangsfilen (LANDKORT_ACCESS) kan ikke bruges, så landkortet er lukket, "
            f"indtil den er rettet: {md_escape(exc)}"
        )
        st.stop()
    who = viewer()
    if who.signed_in:
        with st.sidebar:
            st.markdown(f":material/person: **{md_escape(who.name or who.email or 'Logget ind')}**")
            st.caption(role_text(who))
            if st.button("Log ud", icon=":material/logout:", key="log-ud"):
                st.logout()
        return who
    if must_sign_in():
        return None
    if auth_configured():
        with st.sidebar:
            st.caption("Offentlig visning. Medarbejdere logger ind for at se alle numre.")
            if st.button("Log ind", icon=":material/login:", key="log-ind-sidebar"):
                login()
        return who
    if who.staff:
        with st.sidebar:
            st.caption("Lokal udgave uden log ind (serveren lytter kun på denne maskine).")
        return who
    st.warning(NOT_LOCAL_DA if bound_to_loopback() else NOT_SET_UP_DA, icon=":material/lock_open:")
    return who


def sign_in_page() -> None:
    """The page a visitor sees before signing in: no data from the directory."""
    st.title(APP_TITLE, anchor=False)
    st.markdown(
        "Landkortet er for medarbejdere i Københavns Kommune. "
        "Log ind med din kommunale konto for at søge."
    )
    if st.button("Log ind", type="primary", icon=":material/login:", key="log-ind"):
        login()


AUTH_BROKEN_DA = (
    "Log ind er ikke sat rigtigt op: `[auth]` i `.streamlit/secrets.toml` mangler noget "
    "(se `.streamlit/secrets.toml.example` og README, afsnittet »Sign-in and roles«). "
    "Kontakt den, der driver landkortet."
)


def login() -> None:
    """Start the sign-in (st.login); a broken `[auth]` section gets a message, not a traceback."""
    try:
        st.login()
    except st.errors.StreamlitAuthError:
        st.error(AUTH_BROKEN_DA)


# -- the Host of every request -------------------------------------------------------------
WRONG_HOST_HTTP_DA = (
    "Forkert værtsnavn: landkortet svarer kun på sine egne navne (LANDKORT_ALLOWED_HOSTS, se "
    "README).\n"
)


# Answered for any Host: a probe of the orchestrator asks the pod's own address, and the
# answer ("ok") says nothing.
HEALTH_PATHS = frozenset({"/_stcore/health"})


class HostGuard:
    """ASGI middleware in front of the whole server (`st.App(middleware=...)` in app.py):
    an HTTP request whose Host is not allowed gets 403 with a Danish line, a WebSocket is
    closed before it is accepted (the handshake gets 403); the health check answers any
    Host (HEALTH_PATHS). The allowed names are read once, on the first request (the
    server's options are loaded by then)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._allowed: tuple[tuple[str, ...] | None] | None = None

    def allowed(self) -> tuple[str, ...] | None:
        if self._allowed is None:
            self._allowed = (server_hosts(),)
        return self._allowed[0]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket") and scope.get("path") not in HEALTH_PATHS:
            hosts = [v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"host"]
            host = hosts[0] if len(hosts) == 1 else None  # none or two: not a plain request
            if not host_allowed(host, self.allowed()):
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                    return
                body = WRONG_HOST_HTTP_DA.encode("utf-8")
                await send(
                    {
                        "type": "http.response.start",
                        "status": 403,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
