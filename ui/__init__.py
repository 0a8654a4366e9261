"""The one UI helper: who is looking, cached loading of the directory and its indexes.

Only `app.py` and `pages/` import this module; the core packages never import streamlit.
Everything cached here is keyed on the data directory and a fingerprint of its files, so an
edited YAML file is picked up on the next rerun. Cached objects are shared: read-only.

Visibility: `require_directory()`, `search_index()` and `referral_graph()` give the
directory, index and graph as the current `viewer()` may see them
(`directory.visibility.view_for`): the whole for staff, the public view for everyone else.
"""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import streamlit as st

from directory import (
    Directory,
    Problem,
    Validation,
    data_dir_from_env,
    settings,
    validate_directory,
)
from directory.access import (
    PUBLIC,
    AccessFileError,
    AccessRules,
    Viewer,
    dev_viewer,
    load_access,
    viewer_from_claims,
)
from directory.visibility import public_view
from ui.navigation import use_app_navigation

if TYPE_CHECKING:  # imported where built: pages that need neither start faster
    from directory.graph.analysis import ReferralGraph
    from search import SearchIndex

APP_TITLE = "Kommunalt landkort"
# (path, mtime in ns, size) of every YAML file of a data directory
Fingerprint = tuple[tuple[str, int, int], ...]


def data_dir() -> str:
    return data_dir_from_env()


def fingerprint(root: str) -> Fingerprint:
    """Cheap identity of the data files: (path, mtime, size) of every YAML file."""
    out: list[tuple[str, int, int]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.endswith((".yaml", ".yml")):
                stat = os.stat(os.path.join(dirpath, name))
                out.append((os.path.join(dirpath, name), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(out))


@st.cache_resource(show_spinner="Indlæser data …", max_entries=4)
def _validation(root: str, fp: Fingerprint) -> Validation:
    return validate_directory(root)


def _current() -> tuple[str, Fingerprint, Validation]:
    """The data directory, its fingerprint and its (cached) validation, read once together."""
    use_app_navigation()
    root = data_dir()
    fp = fingerprint(root)
    return root, fp, _validation(root, fp)


def validation() -> Validation:
    return _current()[2]


def _directory_or_stop(result: Validation) -> Directory:
    """The validated directory, or a stop: the sign-in page when sign-in is needed (app.py
    shows only that page then; this holds if a page runs alone), the data's problems for
    staff, a short notice for others (the problems quote data lines)."""
    if must_sign_in():
        sign_in_page()
        st.stop()
    if result.directory is None:
        if viewer().staff:
            show_data_errors(result.errors)
        else:
            st.error("Landkortet kan ikke vises lige nu, fordi data har fejl. Prøv igen senere.")
        st.stop()
    return result.directory


@st.cache_resource(show_spinner="Forbereder den offentlige udgave …", max_entries=4)
def _public_directory(root: str, fp: Fingerprint, _directory: Directory) -> Directory:
    return public_view(_directory)


def _visible(root: str, fp: Fingerprint, result: Validation) -> tuple[Directory, bool]:
    """The directory the viewer may see (cached per data version) and whether it is public."""
    directory = _directory_or_stop(result)
    if viewer().staff:
        return directory, False
    return _public_directory(root, fp, directory), True


def public_directory() -> Directory:
    """The public view of the directory (for a staff member's "public version" exports)."""
    root, fp, result = _current()
    return _public_directory(root, fp, _directory_or_stop(result))


def require_directory() -> Directory:
    """The validated directory as the current viewer may see it (the whole for staff, the
    public view for everyone else), or a stop."""
    return _visible(*_current())[0]


def show_data_errors(errors: list[Problem]) -> None:
    """The UI's one translation of a `DirectoryError`: what is wrong and where."""
    st.error(
        f"Data kan ikke indlæses: der er {len(errors)} fejl i datafilerne. "
        "Ret fejlene i filerne herunder (fil:linje: besked), og genindlæs siden."
    )
    st.code("\n".join(str(p) for p in errors[:500]) or "(ingen detaljer)", language=None)
    if len(errors) > 500:
        st.caption(
            f"… og {len(errors) - 500} fejl mere. Kør `.venv/bin/landkort validate` for hele "
            "listen."
        )


# The builders below are keyed on (root, fp, public) only: `_directory` (not hashed, by its
# leading underscore) is the (public view of the) validation cached under that same key.


@st.cache_resource(show_spinner="Bygger søgeindeks …", max_entries=8)
def _search_index(
    root: str, fp: Fingerprint, _directory: Directory, public: bool = False
) -> SearchIndex:
    from search import SearchIndex

    return SearchIndex(_directory)


def search_index() -> SearchIndex:
    """The search index of the directory the viewer sees (one per data version and
    visibility: a public visitor cannot find a unit by a staff-only value), or a stop."""
    root, fp, result = _current()
    directory, public = _visible(root, fp, result)
    return _search_index(root, fp, directory, public)


@st.cache_resource(show_spinner="Bygger henvisningsgraf …", max_entries=8)
def _referral_graph(
    root: str, fp: Fingerprint, _directory: Directory, public: bool = False
) -> ReferralGraph:
    from directory.graph.analysis import ReferralGraph

    return ReferralGraph(_directory)


def referral_graph() -> ReferralGraph:
    """The referral graph of the directory the viewer sees, or a stop."""
    root, fp, result = _current()
    directory, public = _visible(root, fp, result)
    return _referral_graph(root, fp, directory, public)


def unit_href(unit_id: str) -> str:
    """Relative link to a unit's page, usable in markdown and shared in a chat."""
    return f"enhed?id={quote(unit_id)}"


def department_href(department_id: str) -> str:
    return f"oversigt?forvaltning={quote(department_id)}"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=^\"'])")


def md_escape(value: object) -> str:
    """Data as literal text in st.markdown: no links, HTML, emphasis, LaTeX, icons or
    entities can come from data. Punctuation is backslash-escaped; the result is one line."""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def example_notice(directory: Directory) -> None:
    if directory.example_notice:
        st.caption(f"⚠️ {directory.example_notice}")


def asset_path(*parts: str) -> Path:
    return Path(__file__).resolve().parent.parent.joinpath(*parts)


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
        dev_user = settings.get("LANDKORT_DEV_USER")  # development and browser tests only
        return dev_viewer(dev_user) if dev_user else LOCAL_STAFF
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
