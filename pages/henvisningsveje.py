"""Henvisningsveje: the documented referral routes between units, for staff and managers.

An adapter: the analyses are in `directory.graph.analysis`, figures and tables in
`directory.present.graph_plot`, the widgets of each tab in `ui.henvisningsveje`. Only the open
tab is computed, so the costly analyses (betweenness, loops) wait until someone asks for them.
"""

import streamlit as st

import ui
import ui.henvisningsveje

directory = ui.require_directory()
rg = ui.referral_graph()

st.title("Henvisningsveje")
st.caption(
    "De dokumenterede henvisningsveje mellem enhederne: hvor en borger kan henvises hen, "
    "hvor henvisningerne samler sig, hvor de går i ring, og hvor de stopper. Tallene er "
    "henvisningsveje skrevet ned i data, ikke målinger af, hvordan borgerne faktisk bevæger sig."
)
ui.example_notice(directory)
if not directory.referrals:
    st.info("Der er ingen henvisninger i data endnu. Tilføj dem i referrals.yaml.")
    st.stop()

sections = ui.henvisningsveje.sections(ui.viewer())
tabs = st.tabs(list(sections), key=ui.henvisningsveje.TABS_KEY, on_change="rerun")
for tab, render in zip(tabs, sections.values(), strict=True):
    if tab.open:
        with tab:
            render(rg)
