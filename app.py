"""Kommunalt landkort: the Streamlit entry point.

`LANDKORT_DATA=DIR streamlit run app.py` serves the app on that data directory (default
`data/`). This file sets up the page, asks who is looking (`ui.access_gate`: the sign-in
page, the sidebar's name and "Log ud", the banner when sign-in is not set up) and the
navigation; each page is an adapter in `pages/`.
"""

from pathlib import Path

import streamlit as st

import ui

# A local favicon: a material icon here would make the browser fetch it from the internet.
st.set_page_config(
    page_title=ui.APP_TITLE, page_icon=str(ui.asset_path("static", "favicon.png")), layout="wide"
)

_HERE = Path(__file__).resolve().parent
# Pages only staff may open (they list colleagues and quote data lines).
STAFF_PAGES = {"pages/datakvalitet.py"}
# (file, title, icon, url_path, extra options)
_PAGES = [
    ("pages/soeg.py", "Søg", ":material/search:", "soeg", {"default": True}),
    ("pages/enhed.py", "Enhed", ":material/badge:", "enhed", {"visibility": "hidden"}),
    ("pages/oversigt.py", "Forvaltninger", ":material/account_tree:", "oversigt", {}),
    ("pages/henvisningsveje.py", "Henvisningsveje", ":material/hub:", "henvisningsveje", {}),
    ("pages/kort.py", "Kort", ":material/location_on:", "kort", {}),
    ("pages/ringeliste.py", "Ringelister og eksport", ":material/call:", "ringeliste", {}),
    ("pages/datakvalitet.py", "Datakvalitet", ":material/fact_check:", "datakvalitet", {}),
]

viewer = ui.access_gate()
if viewer is None:  # sign-in is set up and nobody is signed in: no data, only "Log ind"
    st.navigation([st.Page(ui.sign_in_page, title="Log ind", url_path="log-ind")]).run()
    st.stop()
pages = [
    st.Page(str(_HERE / file), title=title, icon=icon, url_path=url, **opts)
    for file, title, icon, url, opts in _PAGES
    if (_HERE / file).exists() and (viewer.staff or file not in STAFF_PAGES)
]
navigation = st.navigation(pages, position="sidebar", expanded=True)
with st.sidebar:
    st.caption("Kommunalt landkort · intern vejviser for Københavns Kommunes medarbejdere")
navigation.run()
