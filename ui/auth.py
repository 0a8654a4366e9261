"""Who is looking: the signed-in user's roles from the access file, the sign-in page and the
sidebar's name and "Log ud"; without sign-in set up, the staff view only for the person at a
loopback-bound server and the public view anywhere else (secure by default)."""

from __future__ import annotations

import ipaddress
import os

import streamlit as st

from directory import settings
from directory.access import (
    PUBLIC,
    AccessFileError,
    AccessRules,
    Viewer,
    load_access,
    viewer_from_claims,
)
from ui.escape import md_escape
from ui.links import APP_TITLE

# Without sign-in on a loopback-bound server (`make run`): the person at this machine.
LOCAL_STAFF = Viewer(staff=True)


def auth_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an `[auth]` section (sign-in is set up)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return False


def bound_to_loopback() -> bool:
    """True when the server listens on a loopback address only (`make run`: 127.0.0.1).
    Unset (Streamlit's default) means every interface: not loopback."""
    address = str(st.get_option("server.address") or "").strip("[]")
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


@st.cache_resource(max_entries=4)
def _access_rules(path: str | None, fp: tuple[int, int] | None) -> AccessRules:
    return load_access(path)


def access_rules() -> AccessRules:
    """The access file's rules (re-read when the file changes); raises `AccessFileError`."""
    path = settings.get("LANDKORT_ACCESS")
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
    """Who is looking: the signed-in user's roles; without sign-in set up, staff on a
    loopback-bound server and the public view anywhere else (secure by default)."""
    if signed_in():
        return viewer_from_claims(st.user.to_dict(), access_rules())
    if not auth_configured() and bound_to_loopback():
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


def access_gate() -> Viewer | None:
    """Run first on every page (app.py): the sidebar's name and 'Log ud', the banner when
    sign-in is not set up. None: the visitor must sign in first (app.py then shows only
    `sign_in_page`). Stops the script when the access file cannot be used."""
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
    st.warning(NOT_SET_UP_DA, icon=":material/lock_open:")
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
