"""The one UI helper: who is looking, cached loading of the directory and its indexes.

Only `app.py` and `pages/` import this module; the core packages never import streamlit.
The validation is cached on the data directory and a fingerprint of its files, so an edited
YAML file is picked up on the next rerun; what is built from the directory (public view,
search index, referral graph) is cached per data version. When the files stop validating,
the pages show the last version that validated (from the loader's disk cache) with a
notice. Cached objects are shared: read-only.

Visibility: `require_directory()`, `search_index()` and `referral_graph()` give the
directory, index and graph as the current `viewer()` may see them
(`directory.visibility.view_for`): the whole for staff, the public view for everyone else.
"""

from __future__ import annotations

import gc
import hashlib
import ipaddress
import os
import re
from dataclasses import dataclass
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
    load_access,
    viewer_from_claims,
)
from directory.loading.loader import last_good
from directory.visibility import public_view
from ui.navigation import use_app_navigation

if TYPE_CHECKING:  # imported where built: pages that need neither start faster
    from directory.graph.analysis import ReferralGraph
    from directory.rules.unit_finder import UnitFinder
    from directory.storage import Storage
    from search import SearchIndex

APP_TITLE = "Kommunalt landkort"
# (path, mtime in ns, size) of every YAML file of a data directory
Fingerprint = tuple[tuple[str, int, int], ...]


def data_dir() -> str:
    return data_dir_from_env()


def fingerprint(root: str) -> Fingerprint:
    """Cheap identity of the data files: (path, mtime, size) of every YAML file.

    Hidden files (editors' lock files such as a dangling `units/.#bif.yaml`) are skipped
    like the loader skips them; a dangling link counts by its own `lstat` (the loader reports
    it as an error, the page shows that instead of crashing)."""
    out: list[tuple[str, int, int]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                path = os.path.join(dirpath, name)
                try:
                    stat = os.stat(path)
                except OSError:  # a dangling or looping link: reported by the loader
                    stat = os.lstat(path)
                out.append((os.path.join(dirpath, name), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(out))


@st.cache_resource(show_spinner="Indlæser data …", max_entries=4)
def _validation(root: str, fp: str) -> Validation:
    result = validate_directory(root)
    # The loaded data lives until the files change: keep the cyclic garbage collector
    # from rescanning its million objects on every collection (every caseworker's rerun).
    gc.freeze()
    return result


@st.cache_resource(show_spinner="Indlæser seneste gyldige data …", max_entries=2)
def _last_good(root: str, bad_version: str) -> Validation | None:
    result = last_good(root)
    gc.freeze()
    return result


def validation() -> Validation:
    """The validation of the files on disk now (the Datakvalitet page lists its problems)."""
    use_app_navigation()
    root = data_dir()
    # A short digest as the cache key: Streamlit's hashing of the whole fingerprint on
    # every rerun cost more than the stat calls themselves.
    key = hashlib.blake2b(repr(fingerprint(root)).encode(), digest_size=16).hexdigest()
    return _validation(root, key)


@dataclass(frozen=True)
class Served:
    """The directory the app shows: the files on disk when they validate, else the last
    version that validated (`stale`), else none. `current` is the files' own validation."""

    directory: Directory | None
    version: str
    current: Validation
    stale: bool = False


def served() -> Served:
    """What to show: the files when they validate, else the cached last good version."""
    current = validation()
    if current.directory is not None:
        return Served(current.directory, current.version, current)
    good = _last_good(data_dir(), current.version)
    if good is None or good.directory is None:
        return Served(None, current.version, current)
    return Served(good.directory, good.version, current, stale=True)


def _directory_or_stop(shown: Served) -> Directory:
    """The directory to show, or a stop: the sign-in page when sign-in is needed (app.py
    shows only that page then; this holds if a page runs alone), the data's problems for
    staff, a short notice for others (the problems quote data lines)."""
    if must_sign_in():
        sign_in_page()
        st.stop()
    if shown.directory is None:
        if viewer().staff:
            show_data_errors(shown.current.errors)
        else:
            st.error("Landkortet kan ikke vises lige nu, fordi data har fejl. Prøv igen senere.")
        st.stop()
    return shown.directory


@st.cache_resource(show_spinner="Forbereder den offentlige udgave …", max_entries=4)
def _public_directory(version: str, _directory: Directory) -> Directory:
    public = public_view(_directory)
    gc.freeze()
    return public


def _visible(shown: Served) -> tuple[Directory, bool]:
    """The directory the viewer may see (cached per data version) and whether it is public."""
    directory = _directory_or_stop(shown)
    if viewer().staff:
        return directory, False
    return _public_directory(shown.version, directory), True


def public_directory() -> Directory:
    """The public view of the directory (for a staff member's "public version" exports)."""
    shown = served()
    return _public_directory(shown.version, _directory_or_stop(shown))


def require_directory() -> Directory:
    """The directory as the current viewer may see it (the whole for staff, the public view
    for everyone else; the last good version with a notice when the files have errors), or
    a stop when no version ever validated."""
    shown = served()
    directory = _visible(shown)[0]
    if shown.stale:
        stale_notice(shown.current)
    return directory


def stale_notice(current: Validation) -> None:
    """The files on disk have errors and the last good version is shown: a small notice
    for everyone; coordinators also get the errors (fil:linje: besked) with their unit."""
    st.caption(
        ":material/history: Datafilerne har fejl lige nu, så du ser den seneste gyldige "
        "version. Koordinatorerne er ved at rette det."
    )
    if not viewer().is_coordinator:
        return
    errors = current.errors
    with st.expander(
        f"{len(errors)} fejl i datafilerne (vises kun for koordinatorer)", icon=":material/error:"
    ):
        st.markdown(
            "Siderne viser den seneste gyldige version, indtil fejlene er rettet i filerne."
        )
        lines = []
        for problem in errors[:500]:
            unit = current.unit_of(problem)
            lines.append(f"{problem}" + (f"  [enhed: {unit}]" if unit else ""))
        st.code("\n".join(lines), language=None)
        if len(errors) > 500:
            st.caption(
                f"… og {len(errors) - 500} fejl mere. Kør `python -m directory validate` for "
                "hele listen."
            )


def show_data_errors(errors: list[Problem]) -> None:
    """The UI's one translation of a `DirectoryError`: what is wrong and where."""
    st.error(
        f"Data kan ikke indlæses: der er {len(errors)} fejl i datafilerne. "
        "Ret fejlene i filerne herunder (fil:linje: besked), og genindlæs siden."
    )
    from directory.quality.health import in_data_dir

    root = data_dir()
    shown = [in_data_dir(str(p), root) for p in errors[:500]]
    st.code("\n".join(shown) or "(ingen detaljer)", language=None)
    if len(errors) > 500:
        st.caption(
            f"… og {len(errors) - 500} fejl mere. Kør `.venv/bin/landkort validate` for hele "
            "listen."
        )


# The builders below are keyed on (data version, public) only: `_directory` (not hashed, by
# its leading underscore) is the (public view of the) directory of that version
# (`Validation.version`, a hash of the files' contents and the code).


@st.cache_resource(show_spinner="Bygger søgeindeks …", max_entries=8)
def _search_index(version: str, _directory: Directory, public: bool = False) -> SearchIndex:
    from search import SearchIndex

    index = SearchIndex(_directory)
    gc.freeze()
    return index


def search_index() -> SearchIndex:
    """The search index of the directory the viewer sees (one per data version and
    visibility: a public visitor cannot find a unit by a staff-only value), or a stop."""
    shown = served()
    directory, public = _visible(shown)
    return _search_index(shown.version, directory, public)


@st.cache_resource(show_spinner="Bygger henvisningsgraf …", max_entries=8)
def _referral_graph(version: str, _directory: Directory, public: bool = False) -> ReferralGraph:
    from directory.graph.analysis import ReferralGraph

    graph = ReferralGraph(_directory)
    gc.freeze()
    return graph


def referral_graph() -> ReferralGraph:
    """The referral graph of the directory the viewer sees, or a stop."""
    shown = served()
    directory, public = _visible(shown)
    return _referral_graph(shown.version, directory, public)


@st.cache_resource(show_spinner=False, max_entries=8)
def _unit_finder(version: str, _directory: Directory, public: bool = False) -> UnitFinder:
    from directory.rules.unit_finder import UnitFinder

    return UnitFinder.by_name(_directory)


def unit_finder() -> UnitFinder:
    """The units of the directory the viewer sees, for a unit picker (`ui.widgets.unit_picker`),
    by name; or a stop."""
    shown = served()
    directory, public = _visible(shown)
    return _unit_finder(shown.version, directory, public)


def unit_href(unit_id: str) -> str:
    """Relative link to a unit's page, usable in markdown and shared in a chat."""
    return f"enhed?id={quote(unit_id)}"


def department_href(department_id: str) -> str:
    return f"oversigt?forvaltning={quote(department_id)}"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=^\"'@/%])")


def md_escape(value: object) -> str:
    """The one rule for every value (from data or the URL) shown as markdown: literal text.

    No links, images, HTML, emphasis, LaTeX, icons or entities can come from it: ASCII
    punctuation is backslash-escaped (CommonMark drops the backslash). Streamlit's GFM
    autolinking still turns a bare `http://x.example`, `www.x.example` or `a@b.dk` into a
    link after escapes, so an invisible word joiner (U+2060) sits inside every `://`,
    after every `@` and inside `www.` (checked in the browser, tests/test_browser_payload.py).
    The result is one line."""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    text = text.replace("\\:\\/", "\\:" + NO_LINK + "\\/").replace("\\@", "\\@" + NO_LINK)
    return _WWW.sub("\\1" + NO_LINK + "\\2", text)


NO_LINK = "\u2060"  # word joiner: invisible, breaks GFM autolinks
_WWW = re.compile(r"(www)(\\\.)", re.IGNORECASE)


def example_notice(directory: Directory) -> None:
    if directory.example_notice:
        st.caption(f"⚠️ {md_escape(directory.example_notice)}")


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
        return LOCAL_STAFF
    return PUBLIC


# -- the app's own state (directory.storage) ----------------------------------------------
STORAGE_DOWN_DA = (
    "Dine gemte oplysninger (min ringeliste, seneste søgninger, fejlmeldinger) kan ikke "
    "hentes lige nu. Søgningen virker stadig. Giv it-supporten denne besked: "
)


def storage() -> Storage | None:
    """The state database (`LANDKORT_DB`), or None after a warning when it cannot be
    opened: the directory itself still works without it."""
    from directory.storage import StorageError, open_storage  # SQLAlchemy: only when used

    try:
        return open_storage()
    except StorageError as exc:
        st.warning(STORAGE_DOWN_DA + md_escape(exc), icon=":material/database:")
        return None


def session_id() -> str | None:
    """This browser session's id (the report rate limit counts per session)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def user() -> str | None:
    """Whose personal state (pins, recent searches): see `directory.storage.user_key`."""
    from directory.storage import user_key

    return user_key(viewer())


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
