"""The one UI helper: cached loading of the directory and its indexes, and shared widgets.

Only `app.py` and `pages/` import this module; the core packages never import streamlit.
The validation is cached on the data directory and a fingerprint of its files, so an edited
YAML file is picked up on the next rerun; what is built from the directory (search index,
referral graph) is cached per data version. When the files stop validating, the pages show
the last version that validated (from the loader's disk cache) with a notice. Cached objects
are shared: read-only.
"""

from __future__ import annotations

import gc
import hashlib
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
from directory.access import PUBLIC, AccessRules, Viewer, load_access, viewer_from_claims
from directory.loading.loader import last_good
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


@dataclass(frozen=True)
class Served:
    """The directory the app shows: the files on disk when they validate, else the last
    version that validated (`stale`), else none. `current` is the files' own validation."""

    directory: Directory | None
    version: str
    current: Validation
    stale: bool = False


def validation() -> Validation:
    """The validation of the files on disk now (the Datakvalitet page lists its problems)."""
    use_app_navigation()
    root = data_dir()
    # A short digest as the cache key: Streamlit's hashing of the whole fingerprint on
    # every rerun cost more than the stat calls themselves.
    key = hashlib.blake2b(repr(fingerprint(root)).encode(), digest_size=16).hexdigest()
    return _validation(root, key)


def served() -> Served:
    """What to show: the files when they validate, else the cached last good version."""
    current = validation()
    if current.directory is not None:
        return Served(current.directory, current.version, current)
    good = _last_good(data_dir(), current.version)
    if good is None or good.directory is None:
        return Served(None, current.version, current)
    return Served(good.directory, good.version, current, stale=True)


def _served_or_stop() -> tuple[str, Directory]:
    """The version and directory to show, or the list of problems and a stop."""
    shown = served()
    if shown.directory is None:
        show_data_errors(shown.current.errors)
        st.stop()
    return shown.version, shown.directory


def require_directory() -> Directory:
    """The directory to show (with a notice when it is the last good version), or the list
    of problems and a stop when no version ever validated."""
    shown = served()
    if shown.directory is None:
        show_data_errors(shown.current.errors)
        st.stop()
    if shown.stale:
        stale_notice(shown.current)
    return shown.directory


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
    st.code("\n".join(str(p) for p in errors[:500]) or "(ingen detaljer)", language=None)
    if len(errors) > 500:
        st.caption(
            f"… og {len(errors) - 500} fejl mere. Kør `python -m directory validate` for hele "
            "listen."
        )


# The builders below are keyed on the data version (`Validation.version`, a hash of the
# files' contents and the code) only: `_directory` (not hashed, by its leading underscore) is
# the directory of that version, so the key decides the result.


@st.cache_resource(show_spinner="Bygger søgeindeks …", max_entries=4)
def _search_index(version: str, _directory: Directory) -> SearchIndex:
    from search import SearchIndex

    index = SearchIndex(_directory)
    gc.freeze()
    return index


def search_index() -> SearchIndex:
    """The search index of the directory shown (built once per data version), or a stop."""
    return _search_index(*_served_or_stop())


@st.cache_resource(show_spinner="Bygger henvisningsgraf …", max_entries=4)
def _referral_graph(version: str, _directory: Directory) -> ReferralGraph:
    from directory.graph.analysis import ReferralGraph

    graph = ReferralGraph(_directory)
    gc.freeze()
    return graph


def referral_graph() -> ReferralGraph:
    """The referral graph of the directory shown (built once per data version), or a stop."""
    return _referral_graph(*_served_or_stop())


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


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def auth_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an `[auth]` section (sign-in is set up)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return False


def bound_to_loopback() -> bool:
    """True when the server listens on the loopback address only (`make run`)."""
    return str(st.get_option("server.address") or "") in LOOPBACK


@st.cache_resource(max_entries=4)
def _access_rules(path: str | None) -> AccessRules:
    return load_access(path)


def viewer() -> Viewer:
    """Who is looking: the signed-in user's roles; without sign-in set up, staff on a
    loopback-bound server and the public view anywhere else (secure by default)."""
    rules = _access_rules(settings.get("LANDKORT_ACCESS"))
    # Without an [auth] section st.user has no `is_logged_in` at all (Streamlit 1.67).
    if st.user.get("is_logged_in"):
        return viewer_from_claims(st.user.to_dict(), rules)
    if not auth_configured() and bound_to_loopback():
        return Viewer(staff=True)
    return PUBLIC
