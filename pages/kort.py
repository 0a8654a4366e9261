"""Kort: where each forvaltning and its partners sit, open now, and the nearest open office."""

import streamlit as st

import ui
import ui.kort
from directory.geo import places as geo

directory = ui.require_directory()
st.title("Kort over kontorer og samarbejdspartnere")
ui.example_notice(directory)

flt, place = ui.kort.filters(directory)
found = geo.sites(directory, flt)

map_col, list_col = st.columns([4, 3], gap="small")
with map_col:
    ui.kort.show_map(directory, found, place)
with list_col:
    ui.kort.office_table(found, place)
ui.kort.office_list(found, place)

homeless = geo.units_without_location(directory, flt)
if homeless:
    st.caption(
        f"{len(homeless)} af de valgte enheder har ingen adresse i data og er ikke på "
        "kortet. Find dem under Søg."
    )
st.caption(f"Åben/lukket gælder kl. {flt.moment():%H:%M} dansk tid, med helligdage.")
