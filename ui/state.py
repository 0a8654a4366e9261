"""The handle on the app's own state (`directory.storage`: reports, personal call lists,
recent and zero-hit searches, missing words) for the pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from ui import auth
from ui.escape import md_escape

if TYPE_CHECKING:
    from directory.storage import Storage


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

    return user_key(auth.viewer())
