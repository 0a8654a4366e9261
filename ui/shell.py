"""The app's shell, run as the page script on every rerun (`app.py`): page config, who is
looking (`ui.auth.access_gate`: the sign-in page, the sidebar's name and "Log ud", the
banner when sign-in is not set up) and the navigation of the pages in `ui/navigation.py`."""

from __future__ import annotations

import streamlit as st

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
