"""Min ringeliste: the units a caseworker has pinned, with the numbers to call and open-now
(rendering only; the list lives in `directory.storage`, the exports in
`directory.exports.export`)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

import ui.auth
import ui.ringeliste
import ui.serving
import ui.widgets
from directory import Directory
from directory.exports import export
from directory.rules import clock
from search import unit_status
from ui.escape import md_escape
from ui.widgets import call_first_md, pin_button, status_text, unit_link

NO_LIST_DA = (
    "Min ringeliste kræver, at du er logget ind: så kan du sætte de enheder, du ringer "
    "til hver uge, på din egen liste fra søgningen eller en enheds side."
)
EMPTY_DA = (
    "Din ringeliste er tom. Søg efter en enhed, og tryk »Sæt på min ringeliste« på "
    "resultatet eller på enhedens side."
)


def pinned_card(directory: Directory, unit_id: str, pinned: list[str], at: dt.datetime) -> None:
    """One pinned unit: link, open now, the number to call first, and the unpin button."""
    with st.container(border=True, key=f"min-{unit_id}"):
        unit = directory.units.get(unit_id)
        if unit is None:
            st.markdown(
                f"Enheden »{md_escape(unit_id)}« findes ikke længere i data (lagt sammen eller "
                "nedlagt). Fjern den fra listen."
            )
        else:
            left, right = st.columns([3, 2], gap="medium")
            with left:
                unit_link(unit, icon=":material/badge:", bold=True)
                st.markdown(status_text(unit_status(directory, unit, at)))
            with right:
                st.markdown(call_first_md(directory, unit))
        pin_button(unit_id, pinned, key=f"unpin-min-{unit_id}")


def my_call_list(directory: Directory, pinned: list[str], at: dt.datetime) -> None:
    """The pinned units as cards, then the same list as a table with its downloads."""
    for unit_id in pinned:
        pinned_card(directory, unit_id, pinned, at)
    known = [u for u in pinned if u in directory.units]
    if not known:
        return
    public = not ui.auth.viewer().staff
    rows = export.call_list(directory, known, public=public)
    st.header("Som ringeliste", anchor=False)
    st.caption(
        f"{len(rows)} enheder. »Ring først« er fast track-nummeret, når der er et "
        "(kun for medarbejdere)."
        if not public
        else f"{len(rows)} enheder. Kun offentlige numre."
    )
    ui.ringeliste.call_table(rows)
    ui.ringeliste.call_list_downloads(
        directory,
        rows,
        known,
        title="Min ringeliste",
        sheet="Min ringeliste",
        slug="min",
        public=public,
    )


def page() -> None:
    """The page (pages/min_ringeliste.py is its adapter)."""
    directory = ui.serving.require_directory()
    st.title("Min ringeliste", anchor=False)
    ui.serving.example_notice(directory)

    pinned = ui.widgets.my_pins(fresh=True)  # fresh: pins made on another server or tab count
    if pinned is None:
        st.info(NO_LIST_DA, icon=":material/login:")
        st.stop()
    if not pinned:
        st.info(EMPTY_DA, icon=":material/keep:")
        st.stop()
    my_call_list(directory, pinned, clock.now())
