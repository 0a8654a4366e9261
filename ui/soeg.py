"""Søg: result cards, the empty start page and the no-results help (rendering only)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

import ui
from directory import Directory
from directory.model import cut
from directory.rules.hours import unit_status
from search import Hit, HitKind
from ui import md_escape
from ui.widgets import ROLE_DA, call_first_md, contact_line, phone_md, status_text, unit_link


def result_card(hit: Hit, directory: Directory, at: dt.datetime) -> None:
    """One search result as a bordered card; what it shows depends on the hit's kind.

    The card carries the CSS class `st-key-hit-<kind>-<id>` (browser tests select on it)."""
    with st.container(border=True, key=f"hit-{hit.kind.value}-{hit.id}"):
        if hit.kind in (HitKind.UNIT, HitKind.CONTACT):
            _unit_card(hit, directory, at)
        elif hit.kind is HitKind.DEPARTMENT:
            _department_card(hit, directory)
        else:
            _location_card(hit, directory, at)
        st.caption(md_escape(hit.explanation))


def _unit_card(hit: Hit, directory: Directory, at: dt.datetime) -> None:
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


def clipped_notice(query: str) -> None:
    """Say so when only part of a (very long) query is searched."""
    from search.normalize import MAX_QUERY_CHARS, MAX_QUERY_WORDS, query_clipped

    if query_clipped(query):
        st.caption(
            f"Søgningen er lang: kun de første {MAX_QUERY_CHARS} tegn og "
            f"{MAX_QUERY_WORDS} forskellige ord bruges."
        )


def no_results(query: str, filtered: bool, unfiltered_count: int) -> None:
    st.info(f"Ingen resultater for »{md_escape(cut(query))}«.", icon=":material/search_off:")
    tips = [
        "Prøv et andet ord for det samme, fx »bolig« i stedet for »husly«, eller et kortere ord.",
        "Søg på navnet på en enhed, en forkortelse (JKU, BBU) eller en kollegas navn.",
    ]
    if filtered:
        tips.insert(0, f"Fjern filtrene: uden filtre er der {unfiltered_count} resultater.")
    st.markdown("\n".join(f"- {tip}" for tip in tips))


def empty_state() -> None:
    st.markdown(
        "Skriv, hvad borgeren har brug for, navnet på en enhed eller en kollega, eller en "
        "forkortelse. Tryk Enter for at søge. Eksempler: *herberg*, *bolig rådgivning*, *JKU*, "
        "*misbrug ung*, *udsættelse*."
    )
