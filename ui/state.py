"""The pages' one door to the app's own state (`directory.state.AppState`: reports, personal
call lists, recent and zero-hit searches, missing words) and the one policy for its errors.

Every read and write goes through `attempt`:

- a refusal (`StateRefused`: a CPR number, a duplicate, over a limit, …) is shown as it is
  (`st.error`): its Danish message names the fix;
- when the database cannot be used (`StateUnavailable`), the details (which name the
  database's user, host and port) go to the server log only, and the visitor gets the
  call site's plain Danish message (or nothing, for a background write such as counting a
  search);
- either way `attempt` returns None and the page goes on: the search, the unit pages and
  the editing of the YAML data never depend on the state database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import streamlit as st

import ui.serving
from ui import auth
from ui.escape import md_escape

if TYPE_CHECKING:
    from directory.state import AppState

T = TypeVar("T")
log = logging.getLogger("landkort.state")

# The general notice when the state cannot be read (no details: they are in the server log).
STORAGE_DOWN_DA = (
    "Dine gemte oplysninger (min ringeliste, seneste søgninger, fejlmeldinger) kan ikke "
    "hentes lige nu. Søgningen og resten af landkortet virker stadig. Prøv igen om lidt."
)


def app_state() -> AppState:
    """The app's state in the database of `LANDKORT_DB`, with the old logs of
    `LANDKORT_REPORTS` imported once; the database is opened on the first read or write."""
    from directory.state import AppState  # SQLAlchemy: only when used

    config = ui.serving.settings()
    return AppState(config.db, reports_folder=config.reports, commit_url_template=config.commit_url)


def attempt(
    action: Callable[[AppState], T],
    *,
    failed: str | None,
    show: Callable[[str], object] = st.error,
) -> T | None:
    """`action(app_state())` under the one policy above; None when it was refused or the
    database is down (`failed` then shown with `show`, or nothing when `failed` is None)."""
    from directory.state import StateRefused, StateUnavailable

    try:
        return action(app_state())
    except StateRefused as refused:
        st.error(md_escape(refused))
    except StateUnavailable as down:
        log.warning("landkort: appens egen tilstand (LANDKORT_DB) kan ikke bruges: %s", down)
        if failed is not None:
            show(failed)
    return None


def user() -> str | None:
    """Whose personal state (pins, recent searches, who files a report): see
    `directory.storage.user_key`; None for the anonymous public view."""
    from directory.storage import user_key

    return user_key(auth.viewer())
