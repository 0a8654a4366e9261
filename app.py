"""Kommunalt landkort: the Streamlit entry point.

`LANDKORT_DATA=DIR streamlit run app.py` serves the app on that data directory (default
`data/`). This file only sets up the page and the navigation; each page is an adapter in
`pages/`, listed once in `ui/navigation.py`.
"""

import streamlit as st

import ui
import ui.document
from ui.navigation import app_pages

# A local favicon: a material icon here would make the browser fetch it from the internet.
st.set_page_config(
    page_title=ui.APP_TITLE, page_icon=str(ui.asset_path("static", "favicon.png")), layout="wide"
)

ui.document.install()
navigation = st.navigation(app_pages(), position="sidebar", expanded=True)
with st.sidebar:
    st.caption("Kommunalt landkort · intern vejviser for Københavns Kommunes medarbejdere")
navigation.run()
