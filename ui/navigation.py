"""The app's pages, listed once: `app.py` builds its navigation from `PAGES`, the smoke test
runs every one of them, and `tests/test_docs.py` checks that the README describes each.

Also the one workaround for Streamlit's old `pages/` folder discovery (`use_app_navigation`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

APP_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class AppPage:
    file: str  # relative to the repository root, e.g. "pages/soeg.py"
    title: str  # Danish, shown in the sidebar
    icon: str  # a material icon, drawn from the app's own font (no request outside)
    url_path: str  # /<url_path>; the default page is also served at /
    default: bool = False
    hidden: bool = False  # reached by links only (e.g. a unit's page), not in the sidebar
    staff_only: bool = False  # left out of the navigation for a viewer who is not staff


PAGES: tuple[AppPage, ...] = (
    AppPage("pages/soeg.py", "Søg", ":material/search:", "soeg", default=True),
    AppPage("pages/situation.py", "Borgerens situation", ":material/diversity_3:", "situation"),
    AppPage("pages/enhed.py", "Enhed", ":material/badge:", "enhed", hidden=True),
    AppPage("pages/oversigt.py", "Forvaltninger", ":material/account_tree:", "oversigt"),
    AppPage("pages/henvisningsveje.py", "Henvisningsveje", ":material/hub:", "henvisningsveje"),
    AppPage("pages/behov.py", "Behov", ":material/label:", "behov"),
    AppPage("pages/kort.py", "Kort", ":material/location_on:", "kort"),
    AppPage("pages/ringeliste.py", "Ringelister og eksport", ":material/call:", "ringeliste"),
    # a caseworker's own call list: for staff (signed in, or `make run`)
    AppPage(
        "pages/min_ringeliste.py",
        "Min ringeliste",
        ":material/keep:",
        "min_ringeliste",
        staff_only=True,
    ),
    # lists colleagues and quotes data lines: staff only
    AppPage(
        "pages/datakvalitet.py",
        "Datakvalitet",
        ":material/fact_check:",
        "datakvalitet",
        staff_only=True,
    ),
)


class MissingPageError(FileNotFoundError):
    """A page of `PAGES` has no file."""


def app_pages(*, staff: bool = True) -> list[st.Page]:
    """`PAGES` as `st.Page`s (without the `staff_only` ones when `staff` is False). A missing
    page file is an error, never a page that silently disappears from the navigation."""
    for page in PAGES:
        if not (APP_ROOT / page.file).is_file():
            raise MissingPageError(
                f"{page.file}: the file of the page {page.title!r} is missing: restore it, "
                "or remove the page from PAGES in ui/navigation.py"
            )
    return [
        st.Page(
            str(APP_ROOT / page.file),
            title=page.title,
            icon=page.icon,
            url_path=page.url_path,
            default=page.default,
            visibility="hidden" if page.hidden else "visible",
        )
        for page in PAGES
        if staff or not page.staff_only
    ]


def use_app_navigation() -> None:
    """Make the first run after a server start use app.py's navigation (call it once per
    run, before the page draws anything).

    Why: the design card keeps the page adapters in `pages/` next to app.py. Streamlit 1.67
    then assumes the old multipage layout: the first `PagesManager` (made per session, before
    any of our code runs) sets the class flag `PagesManager.uses_pages_directory` when a
    `pages/` folder exists, and while it is set the script runner does not run app.py but
    `_mpa_v1`, which runs a page file on its own. Only `st.navigation` clears the flag, for
    the whole process. So the very first visit to a deep link such as /enhed?id=... would
    show the page without app.py (no page config, wrong sidebar). Streamlit has no config
    option for this. The app is now served through `st.App` (app.py, for the HSDS API's
    routes), whose `lifespan` could clear the flag before the first session; but AppTest
    sets the flag back to None before every run (and so decides on `pages/` again), so the
    page adapters keep this one call, which is a no-op once the flag is clear.

    Fix: in that first run, clear the flag and rerun once; the rerun keeps the page and its
    query parameters and now runs app.py. At most once per session, so a click is never
    lost to the rerun. (AppTest resets the flag before every run: a test's second run of a
    session runs the page file alone.) Guarded by the first deep-link test of
    tests/test_browser.py on a fresh server and by an AppTest in tests/test_pages_smoke.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory and not st.session_state.get("_app_navigation"):
        st.session_state["_app_navigation"] = True
        PagesManager.uses_pages_directory = False
        st.rerun()
