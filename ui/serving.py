"""Serving the data: cached loading of the directory and of what is built from it.

The validation is cached on the data directory and a fingerprint of its files, so an edited
YAML file is picked up on the next rerun; what is built from the directory (public view,
search index, referral graph) is cached per data version. When the files stop validating,
the pages show the last version that validated (from the loader's disk cache) with a
notice. Cached objects are shared: read-only.

Visibility: `require_directory()`, `search_index()` and `referral_graph()` give the
directory, index and graph as the current viewer (`ui.auth.viewer`) may see them
(`directory.visibility.view_for`): the whole for staff, the public view for everyone else.
Loading data never touches the navigation (`ui.navigation.use_app_navigation` runs in each
page adapter).
"""

from __future__ import annotations

import gc
import hashlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from directory import (
    Directory,
    Problem,
    Validation,
    validate_directory,
)
from directory import settings as config
from directory.loading.loader import last_good
from directory.visibility import public_view
from ui import auth
from ui.escape import md_escape

if TYPE_CHECKING:  # imported where built: pages that need neither start faster
    from directory.graph.analysis import ReferralGraph
    from directory.rules.unit_finder import UnitFinder
    from search import SearchIndex


SETTINGS_WRONG_DA = "Landkortet er sat forkert op. Giv it-supporten denne besked: "

# (path, mtime in ns, size) of every YAML file of a data directory
Fingerprint = tuple[tuple[str, int, int], ...]


def settings() -> config.Settings:
    """The app's settings (`LANDKORT_*`, `directory.settings`): the one place the app reads
    them; every other module gets its values as arguments from here. A value that cannot be
    used stops the page with the message (which setting, and the fix), never a traceback."""
    try:
        return config.current()
    except config.SettingsError as exc:
        st.error(SETTINGS_WRONG_DA + md_escape(exc), icon=":material/settings:")
        st.stop()


def data_dir() -> str:
    """The data directory (`LANDKORT_DATA`)."""
    return settings().data


def cache_dir() -> str | None:
    """The disk cache's folder (`LANDKORT_CACHE`), or None when it is off."""
    folder = settings().cache_dir
    return None if folder is None else str(folder)


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
def _validation(root: str, fp: str, cache: str | None) -> Validation:
    result = validate_directory(root, cache_dir=cache)
    # The loaded data lives until the files change: keep the cyclic garbage collector
    # from rescanning its million objects on every collection (every caseworker's rerun).
    gc.freeze()
    return result


@st.cache_resource(show_spinner="Indlæser seneste gyldige data …", max_entries=2)
def _last_good(root: str, bad_version: str, cache: str | None) -> Validation | None:
    result = last_good(root, cache)
    gc.freeze()
    return result


def validation() -> Validation:
    """The validation of the files on disk now (the Datakvalitet page lists its problems)."""
    root = data_dir()
    # A short digest as the cache key: Streamlit's hashing of the whole fingerprint on
    # every rerun cost more than the stat calls themselves.
    key = hashlib.blake2b(repr(fingerprint(root)).encode(), digest_size=16).hexdigest()
    return _validation(root, key, cache_dir())


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
    good = _last_good(data_dir(), current.version, cache_dir())
    if good is None or good.directory is None:
        return Served(None, current.version, current)
    return Served(good.directory, good.version, current, stale=True)


def _directory_or_stop(shown: Served) -> Directory:
    """The directory to show, or a stop: the sign-in page when sign-in is needed (app.py
    shows only that page then; this holds if a page runs alone), the data's problems for
    staff, a short notice for others (the problems quote data lines)."""
    if auth.must_sign_in():
        auth.sign_in_page()
        st.stop()
    if shown.directory is None:
        if auth.viewer().staff:
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
    if auth.viewer().staff:
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
    if not auth.viewer().is_coordinator:
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


def example_notice(directory: Directory) -> None:
    if directory.example_notice:
        st.caption(f"⚠️ {md_escape(directory.example_notice)}")


def public_snapshot() -> tuple[str, Directory, SearchIndex] | None:
    """The public view of the directory served now, its version and its search index (the
    same cached objects the pages use), without a browser session: for the HSDS API
    (`ui/api.py`). None when no version ever validated."""
    shown = served()
    if shown.directory is None:
        return None
    public = _public_directory(shown.version, shown.directory)
    return shown.version, public, _search_index(shown.version, public, True)
