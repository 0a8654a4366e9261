"""The one UI helper: cached loading of the directory and its indexes, and shared widgets.

Only `app.py` and `pages/` import this module; the core packages never import streamlit.
Everything cached here is keyed on the data directory and a fingerprint of its files, so an
edited YAML file is picked up on the next rerun. Cached objects are shared: read-only.
"""

from __future__ import annotations

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
from directory.access import PUBLIC, AccessRules, Viewer, load_access, viewer_from_claims
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
    if result.directory is None:
        show_data_errors(result.errors)
        st.stop()
    return result.directory


def require_directory() -> Directory:
    """The validated directory, or the list of problems and a stop."""
    return _directory_or_stop(validation())


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


# The builders below are keyed on (root, fp) only: `_directory` (not hashed, by its leading
# underscore) is the validation cached under that same key, so the key decides the result.


@st.cache_resource(show_spinner="Bygger søgeindeks …", max_entries=4)
def _search_index(root: str, fp: Fingerprint, _directory: Directory) -> SearchIndex:
    from search import SearchIndex

    return SearchIndex(_directory)


def search_index() -> SearchIndex:
    """The search index of the current data (built once per data version), or a stop."""
    root, fp, result = _current()
    return _search_index(root, fp, _directory_or_stop(result))


@st.cache_resource(show_spinner="Bygger henvisningsgraf …", max_entries=4)
def _referral_graph(root: str, fp: Fingerprint, _directory: Directory) -> ReferralGraph:
    from directory.graph.analysis import ReferralGraph

    return ReferralGraph(_directory)


def referral_graph() -> ReferralGraph:
    """The referral graph of the current data (built once per data version), or a stop."""
    root, fp, result = _current()
    return _referral_graph(root, fp, _directory_or_stop(result))


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
    # Streamlit 1.67 sets `is_logged_in` only when an [auth] section exists: absent is "no"
    if st.user.to_dict().get("is_logged_in") is True:
        return viewer_from_claims(st.user.to_dict(), rules)
    if not auth_configured() and bound_to_loopback():
        return Viewer(staff=True)
    return PUBLIC
