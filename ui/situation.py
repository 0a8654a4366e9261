"""Borgerens situation: the guided referral's widgets (rendering only; the logic is
`search.guide`)."""

from __future__ import annotations

import streamlit as st

import ui.notice
import ui.serving
from directory import Directory
from directory.rules import clock
from directory.rules.areas import area_text, unit_area
from directory.rules.calling import after_hours_phone
from directory.rules.query import MAX_SITUATION_CHARS
from search.guide import Guidance, Guide, Suggestion, citizen_summary
from search.placing import Instead
from ui.escape import md_escape
from ui.widgets import (
    SEARCH_PAGE,
    age_input,
    area_input,
    call_first_md,
    districts,
    instead_md,
    status_text,
    unit_link,
    unit_picker,
)

INTRO = (
    "Beskriv borgerens situation med dine egne ord og/eller vælg behov. Alder og område gør "
    "forslagene præcise. Skriv ikke navn eller CPR-nummer: teksten står i linket."
)
NOTHING = (
    "Ingen enhed passer til situationen{age}. Beskriv behovet med andre ord (fx »hjemløs«, "
    "»gæld«, »misbrug«), fjern alderen, eller søg på Søg-siden."
)
SHARE = (
    "Linket i adresselinjen gemmer situationen, alderen, området og din enhed: kopier det for "
    "at dele forslagene med en kollega."
)


def _path_md(suggestion: Suggestion, directory: Directory) -> str:
    if suggestion.path is None:
        return ""
    if not suggestion.path:
        return "**Vej fra din enhed:** ingen henvisningsvej i data – ring direkte."
    if len(suggestion.path) == 1:
        return "**Vej fra din enhed:** det er din egen enhed."
    names = " → ".join(md_escape(directory.units[u].name) for u in suggestion.path)
    return f"**Vej fra din enhed:** {names}"


def suggestion_card(number: int, suggestion: Suggestion, guidance: Guidance) -> None:
    """One unit to contact: why, the number to call first (and, when it is closed, a number
    of its own staffed now), open now, what comes first, its district units."""
    directory = guidance.directory
    unit = directory.units[suggestion.unit_id]
    department = directory.departments.get(unit.department)
    with st.container(border=True, key=f"forslag-{suggestion.unit_id}"):
        left, right = st.columns([3, 2], gap="medium")
        with left:
            unit_link(unit, icon=":material/badge:", bold=True, label=f"{number}. {unit.name}")
            status = guidance.status(unit.id)
            facts = [md_escape(department.label) if department else "", status_text(status)]
            if guidance.area is not None and unit_area(directory, unit):
                facts.append(md_escape(f"dækker {area_text(directory, unit)}"))
            st.markdown(" · ".join(f for f in facts if f))
            ui.notice.notice_box(unit, guidance.at.date())
            st.markdown(f"**Hvorfor:** {md_escape(suggestion.reason)}")
        with right:
            lines = [call_first_md(directory, unit)]
            staffed = after_hours_phone(unit, guidance.at) if not status.is_open else None
            if staffed is not None and not status.unknown:
                lines.append(instead_md(Instead(phone=staffed), directory, unit))
            for first in suggestion.before:
                lines.append(f"**Kontakt først:** {md_escape(directory.units[first].name)}")
            if suggestion.requires:
                lines.append(f"**Kræver:** {md_escape(', '.join(suggestion.requires))}")
            st.markdown("  \n".join(lines))
        path = _path_md(suggestion, directory)
        if path:
            st.markdown(path)
        if suggestion.districts:
            districts(directory, suggestion.districts)


def needs_overview(guidance: Guidance) -> None:
    """Per need: the units suggested for it, or that none fits (with a link to Søg)."""
    directory = guidance.directory
    rows = []
    for need in guidance.needs:
        names = ", ".join(directory.units[u].name for u in need.units)
        rows.append(
            {
                "Behov": need.text if need.need_id else "Intet behov i behovsordbogen",
                "Ord i situationen": need.excerpt,
                "Enheder": names or "Ingen enhed passer",
            }
        )
    st.dataframe(rows, hide_index=True, width="stretch")
    for need in guidance.needs:
        if not need.units:
            query = need.excerpt or need.text
            st.page_link(
                SEARCH_PAGE,
                label=f"Søg på »{md_escape(query)}«",
                query_params={"q": query},
                icon=":material/search:",
            )


def results(guidance: Guidance) -> None:
    if guidance.refused:
        st.error(guidance.refused, icon=":material/privacy_tip:")
        return
    if guidance.notice:
        st.warning(guidance.notice, icon=":material/content_cut:")
    if not guidance.suggestions:
        age = f" for en borger på {guidance.age} år" if guidance.age is not None else ""
        st.info(NOTHING.format(age=age), icon=":material/search_off:")
        return
    st.header("Hvem skal kontaktes, i denne rækkefølge", anchor=False)
    if guidance.age is not None:
        st.caption(f"Kun enheder, der tager imod en borger på {guidance.age} år.")
    for number, suggestion in enumerate(guidance.suggestions, start=1):
        suggestion_card(number, suggestion, guidance)
    st.header("Behov i situationen", anchor=False)
    needs_overview(guidance)
    st.header("Til borgeren", anchor=False)
    summary = citizen_summary(guidance)
    st.caption("Udskrift uden interne numre og fast-track-numre: kun offentlige numre.")
    st.download_button(
        "Hent udskrift til borgeren",
        summary,
        file_name="hvem-kan-hjaelpe-dig.txt",
        mime="text/plain",
        icon=":material/print:",
    )
    with st.expander("Vis udskriften"):
        st.text(summary)
    st.caption(SHARE)


def page() -> None:
    """The page (pages/situation.py is its adapter)."""
    directory = ui.serving.require_directory()
    index = ui.serving.search_index()
    ui.serving.example_notice(directory)

    st.title("Borgerens situation", anchor=False)
    st.markdown(INTRO)
    text = st.text_area(
        "Situationen",
        key="tekst",
        bind="query-params",
        placeholder="fx lejer har brev fra fogeden, to børn og drikker for meget",
        height=68,
        max_chars=MAX_SITUATION_CHARS,  # a longer text from a link is cut to this
    )
    cols = st.columns([3.2, 1.2, 2], vertical_alignment="bottom")
    needs = cols[0].multiselect(
        "Behov (valgfrit)",
        index.needs(),
        key="behov",
        bind="query-params",
        placeholder="Vælg behov",
    )
    age = age_input(cols[1])
    area = area_input(cols[2], directory)
    # The own unit is kept in the link by id (`?fra=bif-jobcenter`), not by its shown name;
    # folded away until chosen, so the first suggestion is in view.
    chosen = st.query_params.get("fra")
    with st.expander("Din enhed (valgfri): vis henvisningsvejen", expanded=bool(chosen)):
        own = unit_picker(
            "Din enhed",
            ui.serving.unit_finder(),
            "fra",
            selected=chosen,
            search_label="Søg efter din enhed",
            placeholder="Vælg din enhed",
        )
    if own:
        st.query_params["fra"] = own
    elif "fra" in st.query_params:
        del st.query_params["fra"]

    if not (text or "").strip() and not needs:
        st.stop()

    guide = Guide(index, graph=ui.serving.referral_graph())
    guidance = guide.guide(
        text or "",
        needs,
        age=None if age is None else int(age),
        from_unit=own,
        at=clock.now(),
        area=area,
    )
    results(guidance)
