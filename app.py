"""Kommunalt landkort: the Streamlit entry point.

`LANDKORT_DATA=DIR streamlit run app.py` serves the app on that data directory (default
`data/`). This file sets up the page, asks who is looking (`ui.auth.access_gate`: the sign-in
page, the sidebar's name and "Log ud", the banner when sign-in is not set up) and the
navigation; each page is an adapter in `pages/`, listed once in `ui/navigation.py`.

`streamlit run app.py` finds the `st.App` below and serves this file through it, with the
read-only HSDS API (`ui/api.py`) under `/api/hsds/` on the same server: the server imports
this file as the module `app` (and builds the App), then runs it as the page script
(`__name__ == "__main__"`). Every request and WebSocket passes `ui.auth.HostGuard` first.
"""

import streamlit as st

if __name__ != "__main__":  # imported by `streamlit run` to serve it: the App and its routes
    from starlette.middleware import Middleware

    import ui.api
    import ui.auth

    # HostGuard first: a request or WebSocket for a host name the server does not answer to
    # (LANDKORT_ALLOWED_HOSTS; DNS rebinding) is refused before anything else sees it.
    app = st.App(__file__, routes=ui.api.routes(), middleware=[Middleware(ui.auth.HostGuard)])

import ui.auth
import ui.document
import ui.links
from ui.navigation import app_pages


def main() -> None:
    """The page script: page config, who is looking, the navigation."""
    # A local favicon: a material icon here would make the browser fetch it from the internet.
    st.set_page_config(
        page_title=ui.links.APP_TITLE,
        page_icon=str(ui.links.asset_path("static", "favicon.png")),
        layout="wide",
    )

    ui.document.install()  # lang="da", Danish labels, focus ring: the sign-in page too
    viewer = ui.auth.access_gate()
    if viewer is None:  # sign-in is set up and nobody is signed in: no data, only "Log ind"
        st.navigation([st.Page(ui.auth.sign_in_page, title="Log ind", url_path="log-ind")]).run()
        st.stop()
    navigation = st.navigation(app_pages(staff=viewer.staff), position="sidebar", expanded=True)
    with st.sidebar:
        st.caption("Kommunalt landkort · intern vejviser for Københavns Kommunes medarbejdere")
    navigation.run()


if __name__ == "__main__":
    main()
