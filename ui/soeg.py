"""Søg: result cards, the empty start page and the no-results help (rendering only)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

import ui
from directory import Directory
from directory.rules.hours import unit_status
from search import Hit, HitKind
from search.alternatives import Alternatives
from search.reason import reason
from ui import md_escape
from ui.widgets import ROLE_DA, call_first_md, contact_line, phone_md, status_text, unit_link

# Example searches on the empty page; each is a button that runs it.
EXAMPLES = ("herberg", "bolig rådgivning", "JKU", "misbrug ung", "udsættelse")


def result_list(hits: list[Hit], directory: Directory, at: dt.datetime, *, key: str) -> None:
    """Results as a list: the container is `role=list`, each card `role=listitem`
    (ui/document.js marks containers keyed `liste-…`/`punkt-…`)."""
    with st.container(key=f"liste-{key}"):
        for hit in hits:
            result_card(hit, directory, at, key=key)


def result_card(hit: Hit, directory: Directory, at: dt.datetime, *, key: str = "hits") -> None:
    """One search result as a bordered card; what it shows depends on the hit's kind.

    The card carries the CSS class `st-key-punkt-<list>-<kind>-<id>` (browser tests select
    on it); the unit's name, the card's most prominent line, `st-key-navn-…`."""
    with st.container(border=True, key=f"punkt-{key}-{hit.kind.value}-{hit.id}"):
        if hit.kind in (HitKind.UNIT, HitKind.CONTACT):
            _unit_card(hit, directory, at, key)
        elif hit.kind is HitKind.DEPARTMENT:
            _department_card(hit, directory)
        else:
            _location_card(hit, directory, at)
        st.caption(md_escape(reason(hit)))


def _unit_card(hit: Hit, directory: Directory, at: dt.datetime, key: str) -> None:
    unit = directory.units[hit.unit_id or hit.id]
    department = directory.departments.get(unit.department)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        if hit.kind is HitKind.CONTACT:
            contact = directory.contacts[hit.id]
            st.markdown(
                f":material/person: {contact_line(contact, compact=True)} · "
                f"{ROLE_DA[contact.role]} i"
            )
        with st.container(key=f"navn-{key}-{hit.kind.value}-{hit.id}"):
            unit_link(unit, icon=":material/badge:", bold=True)
        dept = md_escape(department.label) if department else ""
        st.markdown(f"{dept} · {status_text(unit_status(directory, unit, at))}")
    with right:
        st.markdown(call_first_md(unit))
        for gatekeeper in unit.gatekeepers[:1]:
            st.markdown(f"**Gatekeeper:** {contact_line(gatekeeper, compact=True)}")


def _department_card(hit: Hit, directory: Directory) -> None:
    department = directory.departments[hit.id]
    st.markdown(
        ":material/account_balance: "
        f"**[{md_escape(department.label)}]({ui.department_href(department.id)})** · forvaltning"
    )
    if department.phones:
        st.markdown(f"**Ring:** {phone_md(department.phones[0])}")


def _location_card(hit: Hit, directory: Directory, at: dt.datetime) -> None:
    location = directory.locations[hit.id]
    st.markdown(
        f":material/location_on: **{md_escape(location.name)}** · "
        f"{md_escape(location.address.one_line())}"
    )
    if location.hours:
        from directory.rules.hours import status

        st.markdown(status_text(status(location.hours, at)))
    for unit_id in directory.units_at.get(location.id, [])[:4]:
        unit_link(directory.units[unit_id])


def no_results(query: str, filtered: bool, unfiltered_count: int) -> None:
    st.info(f"Ingen resultater for »{md_escape(query)}«.", icon=":material/search_off:")
    tips = [
        "Prøv et andet ord for det samme, fx »bolig« i stedet for »husly«, eller et kortere ord.",
        "Søg på navnet på en enhed, en forkortelse (JKU, BBU) eller en kollegas navn.",
    ]
    if filtered:
        tips.insert(0, f"Fjern filtrene: uden filtre er der {unfiltered_count} resultater.")
    st.markdown("\n".join(f"- {tip}" for tip in tips))


def open_alternatives(alternatives: Alternatives, directory: Directory, at: dt.datetime) -> None:
    """ "Kun åbne nu" found nothing: what is open instead, then when the matches open."""
    if not alternatives.sections:
        return
    for n, (title, hits) in enumerate(alternatives.sections):
        st.header(title, anchor=False)
        result_list(list(hits), directory, at, key=f"alt{n}")


def _run_example(word: str) -> None:
    st.session_state["q"] = word


def empty_state() -> None:
    st.markdown(
        "Skriv, hvad borgeren har brug for, navnet på en enhed eller en kollega, eller en "
        "forkortelse. Tryk Enter for at søge."
    )
    with st.container(horizontal=True, key="eksempler", vertical_alignment="center"):
        st.markdown("Prøv fx:")
        for word in EXAMPLES:
            st.button(word, key=f"eksempel-{word}", on_click=_run_example, args=(word,))
