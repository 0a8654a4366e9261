"""Søg: the frontline start page. One search box (focused, Enter searches), results as cards.

The query and the filters live in the URL (`?q=herberg&alder=17&aaben=true`), so a search
is a link that can be shared. Matching and ranking are `search.SearchIndex`'s; the cards
are `ui.soeg`'. The search box, filters and results are one fragment: a query reruns only
them (issue 14: a cheap rerun per keystroke for every caseworker).
"""

import streamlit as st

import ui
import ui.soeg
import ui.widgets
from directory.rules.hours import now
from search.alternatives import open_alternatives
from search.results import group_hits, top_results

directory = ui.require_directory()
index = ui.search_index()
ui.example_notice(directory)

st.title("Hvor skal borgeren hen?", anchor=False)


# Typing a query or changing a filter reruns only this fragment, not app.py and the page.
@st.fragment
def search_area() -> None:
    query = st.text_input(
        "Søg",
        key="q",
        type="search",
        bind="query-params",
        label_visibility="collapsed",
        placeholder=(
            "Søg på behov, enhed, forkortelse eller en kollegas navn – "
            "fx herberg, JKU, bolig rådgivning"
        ),
    )
    with st.expander("Filtre: forvaltning, behov, alder, åbent nu"):
        cols = st.columns([3, 3, 1.4, 1.4], vertical_alignment="bottom")
        departments = cols[0].multiselect(
            "Forvaltning",
            list(directory.departments),
            key="forvaltning",
            bind="query-params",
            format_func=lambda d: directory.departments[d].label,
            placeholder="Alle",
        )
        need = cols[1].selectbox(
            "Behov eller målgruppe",
            index.needs(),
            index=None,
            key="behov",
            bind="query-params",
            accept_new_options=True,
            placeholder="Alle",
        )
        age = ui.widgets.age_input(cols[2])
        open_now = cols[3].toggle("Kun åbne nu", key="aaben", bind="query-params")

    filters = {"department": departments, "need": need, "age": age, "open_now": open_now}
    filtered = bool(departments or need or age is not None or open_now)
    ui.soeg.clipped_notice(query or "")
    at = now()
    results = top_results(index, query or "", at=at, **filters)

    unfiltered = (
        len(group_hits(index.search(query or "", limit=50), 50)) if filtered and not results else 0
    )
    user = ui.user()
    if (query or "").strip():
        ui.soeg.record_search(query, len(results) or unfiltered, user)
    if not (query or "").strip() and not filtered:
        ui.soeg.own_open_reports(directory, ui.viewer())
        ui.soeg.empty_state(ui.soeg.recent_searches(user))
    elif not results:
        nearest = [] if filtered or unfiltered else index.nearest(query or "")
        ui.soeg.no_results(query or "", filtered, unfiltered, nearest)
        if open_now:
            ui.soeg.open_alternatives(
                open_alternatives(
                    index, query or "", at, department=departments, need=need, age=age
                ),
                directory,
                at,
            )
    else:
        st.caption(
            f"{len(results)} bedste resultater · åben/lukket gælder kl. {at:%H:%M}, "
            "helligdage medregnet"
        )
        ui.soeg.result_list(results, directory, at, key="hits", pinned=ui.widgets.my_pins())


search_area()
# Put the cursor in the search box when the page opens (no external resource).
st.html(
    "<script>setTimeout(function(){var i=document.querySelector('input[aria-label=\"Søg\"]');"
    "if(i&&document.activeElement!==i){i.focus();}},60);</script>",
    unsafe_allow_javascript=True,
)
