"""Forvaltninger: what the landkort holds, per forvaltning, and each one's units."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui.auth
import ui.escape
import ui.links
import ui.serving
from directory.model import cut
from directory.rules.overview import department_summaries, unit_tree
from ui.escape import md_escape
from ui.links import department_href, unit_href


def page() -> None:
    """The page (pages/oversigt.py is its adapter)."""
    directory = ui.serving.require_directory()
    st.title("Forvaltninger og samarbejdspartnere")
    ui.serving.example_notice(directory)

    chosen = st.query_params.get("forvaltning")
    if chosen and chosen not in directory.departments:
        st.warning(
            f"Der findes ingen forvaltning med id »{md_escape(cut(chosen))}«. "
            "Vælg en i tabellen herunder."
        )
        chosen = None

    staff = ui.auth.viewer().staff
    if chosen is None:
        rows = department_summaries(directory)
        contacts = f"{len(directory.contacts)} kontakter, " if staff else ""
        st.caption(
            f"{len(directory.units)} enheder, {contacts}"
            f"{len(directory.locations)} adresser og {len(directory.referrals)} henvisningsveje."
        )
        table = pd.DataFrame(
            {
                "Forvaltning": [department_href(r.department_id) for r in rows],
                "Navn": [r.name for r in rows],
                "Type": ["Ekstern partner" if r.external else "Kommunal" for r in rows],
                "Enheder": [r.units for r in rows],
                "Gatekeepere": [r.gatekeepers for r in rows],
                "Med fast-track": [r.fast_track for r in rows],
                "Henviser videre": [r.referrals_out for r in rows],
                "Modtager": [r.referrals_in for r in rows],
                "Ikke tjekket i 12 mdr.": [r.stale for r in rows],
                "Senest tjekket": [r.newest_verified for r in rows],
            }
        )
        if not staff:  # the public view has no contacts and no fast-track numbers to count
            table = table.drop(columns=["Gatekeepere", "Med fast-track"])
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                "Forvaltning": st.column_config.LinkColumn(display_text=r"forvaltning=(.*)")
            },
        )
        st.stop()

    department = directory.departments[chosen]
    st.header(md_escape(department.label), anchor=False)
    if department.description:
        st.markdown(md_escape(department.description))
    for phone in department.phones:
        label = md_escape(phone.label or "")
        st.markdown(f":material/call: [{md_escape(phone.display)}]({phone.tel}) {label}")
    tree = unit_tree(directory, chosen)
    st.subheader(f"{len(tree)} enheder")
    st.markdown(
        "\n".join(
            f"{'    ' * depth}- [{md_escape(unit.name)}]({unit_href(unit.id)})"
            for depth, unit in tree
        )
    )
    st.page_link("pages/oversigt.py", label="Alle forvaltninger", icon=":material/arrow_back:")
