"""Kommunalt landkort: the Streamlit entry point.

`LANDKORT_DATA=DIR streamlit run app.py` serves the app on that data directory (default
`data/`). This file only sets up the page and the navigation; each page is an adapter in
`pages/`.
"""

from pathlib import Path

import streamlit as st

import ui

# A local favicon: a material icon here would make the browser fetch it from the internet.
st.set_page_config(
    page_title=ui.APP_TITLE, page_icon=str(ui.asset_path("static", "favicon.png")), layout="wide"
)

_HERE = Path(__file__).resolve().parent
# (file, title, icon, url_path, extra options)
_PAGES = [
    ("pages/soeg.py", "Søg", ":material/search:", "soeg", {"default": True}),
    ("pages/enhed.py", "Enhed", ":material/badge:", "enhed", {"visibility": "hidden"}),
    ("pages/oversigt.py", "Forvaltninger", ":material/account_tree:", "oversigt", {}),
    ("pages/henvisningsveje.py", "Henvisningsveje", ":material/hub:", "henvisningsveje", {}),
    ("pages/kort.py", "Kort", ":material/location_on:", "kort", {}),
    ("pages/ringeliste.py", "Ringelister og eksport", ":material/call:", "ringeliste", {}),
    ("pages/min_ringeliste.py", "Min ringeliste", ":material/keep:", "min_ringeliste", {}),
    ("pages/datakvalitet.py", "Datakvalitet", ":material/fact_check:", "datakvalitet", {}),
]

pages = [
    st.Page(str(_HERE / file), title=title, icon=icon, url_path=url, **opts)
    for file, title, icon, url, opts in _PAGES
    if (_HERE / file).exists()
]
navigation = st.navigation(pages, position="sidebar", expanded=True)
with st.sidebar:
    st.caption("Kommunalt landkort · intern vejviser for Københavns Kommunes medarbejdere")
navigation.run()
