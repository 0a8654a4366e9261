"""The one UI helper: cached loading of the directory and its indexes, and shared widgets.

Only `app.py` and `pages/` import this module; the core packages never import streamlit.
Everything cached here is keyed on the data directory and a fingerprint of its files, so an
edited YAML file is picked up on the next rerun. Cached objects are shared: read-only.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
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
from directory.storage import Storage, StorageError, open_storage, user_key

APP_TITLE = "Kommunalt landkort"


def data_dir() -> str:
    return data_dir_from_env()


def fingerprint(root: str) -> tuple[tuple[str, int, int], ...]:
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
def _validation(root: str, fp: tuple) -> Validation:
    return validate_directory(root)


def use_app_navigation() -> None:
    """Make a deep link opened first after a restart use app.py's navigation.

    Streamlit 1.67 treats a `pages/` folder next to app.py as the old multipage layout until
    app.py has called `st.navigation` once; a deep link such as /enhed?id=... opened first
    would run the page file alone, without app.py. Switch to app.py's navigation and rerun
    once (the rerun keeps the page and its query parameters). Tested in tests/test_browser.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory and not st.session_state.get("_app_navigation"):
        st.session_state["_app_navigation"] = True  # once per session: never lose a click
        PagesManager.uses_pages_directory = False
        st.rerun()


def validation() -> Validation:
    use_app_navigation()
    root = data_dir()
    return _validation(root, fingerprint(root))


def require_directory() -> Directory:
    """The validated directory, or the list of problems and a stop."""
    result = validation()
    if result.directory is None:
        show_data_errors(result.errors)
        st.stop()
    return result.directory


def show_data_errors(errors: list[Problem]) -> None:
    """The UI's one translation of a `DirectoryError`: what is wrong and where."""
    st.error(
        f"Data kan ikke indlæses: der er {len(errors)} fejl i datafilerne. "
        "Ret fejlene i filerne herunder (fil:linje: besked), og genindlæs siden."
    )
    st.code("\n".join(str(p) for p in errors[:500]) or "(ingen detaljer)", language=None)
    if len(errors) > 500:
        st.caption(
            f"… og {len(errors) - 500} fejl mere. Kør `python -m directory validate` for hele listen."
        )


@st.cache_resource(show_spinner="Bygger søgeindeks …", max_entries=4)
def _search_index(root: str, fp: tuple) -> Any:
    from search import SearchIndex

    return SearchIndex(require_directory())


def search_index() -> Any:
    root = data_dir()
    return _search_index(root, fingerprint(root))


@st.cache_resource(show_spinner="Bygger henvisningsgraf …", max_entries=4)
def _referral_graph(root: str, fp: tuple) -> Any:
    from directory.graph.analysis import ReferralGraph

    return ReferralGraph(require_directory())


def referral_graph() -> Any:
    root = data_dir()
    return _referral_graph(root, fingerprint(root))


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
    claims = st.user.to_dict()  # without [auth] st.user has no is_logged_in attribute
    if claims.get("is_logged_in"):
        return viewer_from_claims(claims, rules)
    if not auth_configured() and bound_to_loopback():
        return Viewer(staff=True)
    return PUBLIC


# -- the app's own state (directory.storage) ----------------------------------------------
STORAGE_DOWN_DA = (
    "Dine gemte oplysninger (min ringeliste, seneste søgninger, fejlmeldinger) kan ikke "
    "hentes lige nu. Søgningen virker stadig. Giv it-supporten denne besked: "
)


def storage() -> Storage | None:
    """The state database (`LANDKORT_DB`), or None after a warning when it cannot be
    opened: the directory itself still works without it."""
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
    return user_key(viewer())
