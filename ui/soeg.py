"""Søg: result cards (one per unit), the empty start page and the no-results help (rendering
only)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

import ui.auth
import ui.links
import ui.notice
import ui.serving
import ui.state
import ui.widgets
from directory import Contact, Directory
from directory.access import Viewer
from directory.model import cut
from directory.quality.reports import open_for_owner
from directory.rules import clock
from directory.rules.areas import CitizenArea
from directory.storage.missing import MAX_NOTE
from search import HitKind
from search.alternatives import Alternatives
from search.alternatives import open_alternatives as search_open_alternatives
from search.index import owner_key
from search.placing import AreaFit, Card, area_note, place, search_cards
from search.reason import reason
from search.results import Result, group_hits
from ui.escape import md_escape
from ui.links import department_href
from ui.widgets import (
    DATAKVALITET_PAGE,
    ROLE_DA,
    SEARCH_PAGE,
    area_input,
    call_first_md,
    districts,
    instead_md,
    phone_md,
    pin_button,
    status_text,
    unit_link,
    url_toggle,
)

# Example searches on the empty page; each is a button that runs it.
EXAMPLES = ("herberg", "bolig rådgivning", "JKU", "misbrug ung", "udsættelse")


def result_list(
    cards: list[Card],
    directory: Directory,
    at: dt.datetime,
    *,
    key: str,
    pinned: list[str] | None = None,
    area: CitizenArea | None = None,
) -> None:
    """Results as a list: the container is `role=list`, each card `role=listitem`
    (ui/document.js marks containers keyed `liste-…`/`punkt-…`). `pinned`: the viewer's own
    call list, for the pin button on unit cards (None: no button); `area`: the citizen's."""
    with st.container(key=f"liste-{key}"):
        for card in cards:
            result_card(card, directory, at, key=key, pinned=pinned, area=area)


def result_reason(result: Result) -> str:
    """'Matcher: herberg (nøgleord)': why the card is shown, in plain Danish."""
    hit = result.hit if result.hit is not None else (result.people[0] if result.people else None)
    return reason(hit) if hit is not None else "Matcher: navnet"


def result_card(
    card: Card,
    directory: Directory,
    at: dt.datetime,
    *,
    key: str = "hits",
    pinned: list[str] | None = None,
    area: CitizenArea | None = None,
) -> None:
    """One search result as a bordered card: a unit (with the people of it that matched,
    and the district units folded into it), a department or a location.

    The card carries the CSS class `st-key-punkt-<list>-<kind>-<id>` (browser tests select
    on it); the unit's name, the card's first and most prominent line, `st-key-navn-…`."""
    result = card.result
    with st.container(border=True, key=f"punkt-{key}-{result.kind.value}-{result.id}"):
        if result.kind is HitKind.UNIT:
            _unit_card(card, directory, at, key, pinned, area)
        elif result.kind is HitKind.DEPARTMENT:
            _department_card(result, directory)
            st.caption(md_escape(result_reason(result)))
        else:
            _location_card(result, directory, at)
            st.caption(md_escape(result_reason(result)))


def _unit_card(
    card: Card,
    directory: Directory,
    at: dt.datetime,
    key: str,
    pinned: list[str] | None,
    area: CitizenArea | None,
) -> None:
    """The unit's name first, the number to call under it (and, when it is closed, what is
    open instead); on the right its forvaltning, open now, its area, the person who
    matched (once) or its gatekeeper, and why it is shown."""
    result = card.result
    unit = directory.units[result.id]
    department = directory.departments.get(unit.department)
    people = [directory.contacts[hit.id] for hit in result.people[:1]]
    left, right = st.columns([11, 9], gap="medium")
    with left:
        with st.container(key=f"navn-{key}-{result.kind.value}-{result.id}"):
            unit_link(unit, icon=":material/badge:", bold=True)
        lines = [call_first_md(directory, unit)]
        if card.instead is not None:
            lines.append(instead_md(card.instead, directory, unit))
        st.markdown("  \n".join(lines))
        st.caption(md_escape(result_reason(result)))
        ui.notice.notice_box(unit, at.date(), compact=True)
    with right:
        facts = [md_escape(department.short or department.name) if department else ""]
        if card.status is not None:
            facts.append(status_text(card.status))
        note = area_note(card, directory, area) if card.fit is not AreaFit.KOMMUNE else ""
        if note and not card.folded:
            facts.append(md_escape(note))
        lines = [" · ".join(f for f in facts if f)]
        if people:
            more = len(result.people) - 1
            also = f" og {more} til" if more else ""
            lines.append(f":material/person: **Fundet hos:** {_person(people[0])}{also}")
        else:
            for gatekeeper in unit.gatekeepers[:1]:
                lines.append(f"**Gatekeeper:** {_person(gatekeeper, role=False)}")
        st.markdown("  \n".join(lines))
        if card.folded:
            districts(directory, card.folded)
        pin_button(unit.id, pinned, key=f"pin-{key}-{result.kind.value}-{result.id}")


def _person(contact: Contact, *, role: bool = True) -> str:
    """'**Mette Test** (gatekeeper) · 33 99 10 02 (kun personale)': a person on a card, once."""
    phone = contact.phones[0] if contact.phones else None
    number = f" · [{md_escape(phone.display)}]({phone.tel})" if phone else ""
    staff = " (kun personale)" if phone and phone.is_staff_only else ""
    said = f" ({ROLE_DA[contact.role].lower()})" if role else ""
    return f"**{md_escape(contact.name)}**{said}{number}{staff}"


def _department_card(result: Result, directory: Directory) -> None:
    department = directory.departments[result.id]
    st.markdown(
        ":material/account_balance: "
        f"**[{md_escape(department.label)}]({department_href(department.id)})** · forvaltning"
    )
    if department.phones:
        st.markdown(f"**Ring:** {phone_md(department.phones[0])}")


def _location_card(result: Result, directory: Directory, at: dt.datetime) -> None:
    location = directory.locations[result.id]
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


def no_results(query: str, filtered: bool, unfiltered_count: int, nearest: list[str]) -> None:
    """What to do when nothing matched: the nearest searches that do find something (links
    that search again), tips, and a way to report the missing word."""
    st.info(f"Ingen resultater for »{md_escape(cut(query))}«.", icon=":material/search_off:")
    if nearest:
        st.markdown("**Mente du:**")
        for text in nearest:
            st.page_link(
                SEARCH_PAGE,
                label=md_escape(text),
                query_params={"q": text},
                icon=":material/search:",
            )
    tips = [
        "Prøv et andet ord for det samme, fx »bolig« i stedet for »husly«, eller et kortere ord.",
        "Søg på navnet på en enhed, en forkortelse (JKU, BBU) eller en kollegas navn.",
    ]
    if filtered:
        tips.insert(0, f"Fjern filtrene: uden filtre er der {unfiltered_count} resultater.")
    st.markdown("\n".join(f"- {tip}" for tip in tips))
    if query.strip() and owner_key(query) is None:
        _missing_word_form(query)


MISSING_SAVED = "Tak. Ordet er sendt til dem, der vedligeholder synonymlisten."
MISSING_FAILED = "Ordet kunne ikke gemmes lige nu. Prøv igen om lidt."


def _missing_word_form(query: str) -> None:
    """'Meld et manglende ord': stores the query (and what the searcher meant) for the synonym
    list."""
    with st.form("mangler", border=True):
        st.markdown(f"**Mangler ordet »{md_escape(query)}« i landkortet?**")
        note = st.text_input(
            "Hvad mente du? (valgfrit)",
            key="mangler_note",
            placeholder="fx et andet ord for det samme eller den enhed, du ledte efter",
            max_chars=MAX_NOTE,
        )
        if st.form_submit_button("Meld ordet som manglende", icon=":material/flag:"):
            word = ui.state.attempt(
                lambda state: state.report_missing_word(query, note), failed=MISSING_FAILED
            )
            if word is not None:
                st.success(MISSING_SAVED)


def open_alternatives(alternatives: Alternatives, directory: Directory, at: dt.datetime) -> None:
    """ "Kun åbne nu" found nothing: what is open instead, then when the matches open."""
    for n, (title, hits) in enumerate(alternatives.sections):
        st.header(title, anchor=False)
        cards = place(group_hits(list(hits), len(hits)), directory, at, fold=False)
        result_list(cards, directory, at, key=f"alt{n}")


def _run_example(word: str) -> None:
    st.session_state["q"] = word


def empty_state(recent: list[str] | None = None) -> None:
    st.markdown(
        "Skriv, hvad borgeren har brug for, navnet på en enhed eller en kollega, eller en "
        "forkortelse. Tryk Enter for at søge."
    )
    with st.container(horizontal=True, key="eksempler", vertical_alignment="center"):
        st.markdown("Prøv fx:")
        for word in EXAMPLES:
            st.button(word, key=f"eksempel-{word}", on_click=_run_example, args=(word,))

    if recent:
        with st.container(key="seneste-soegninger"):
            st.markdown("**Seneste søgninger**")
            for past in recent:
                st.page_link(
                    SEARCH_PAGE,
                    label=md_escape(past),
                    query_params={"q": past},
                    icon=":material/history:",
                )


MAX_OWN_REPORTS = 10  # open reports listed on a coordinator's start page


def own_open_reports(directory: Directory, viewer: Viewer) -> None:
    """On the start page of whoever keeps units: the open 'Meld en fejl' reports about them,
    each with a link to its unit (closing them is on Datakvalitet)."""
    if not (viewer.is_coordinator or viewer.email):
        return
    found = ui.state.attempt(
        lambda state: state.open_reports(),
        failed="Fejlmeldingerne kan ikke hentes lige nu.",
        show=st.caption,
    )
    reports = open_for_owner(found or [], directory, viewer)
    if not reports:
        return
    with st.container(border=True, key="egne-fejlmeldinger"):
        st.markdown(f"**Åbne fejlmeldinger om dine enheder ({len(reports)})**")
        for report in reports[:MAX_OWN_REPORTS]:
            unit = directory.units[report.unit_id]
            unit_link(unit, icon=":material/report:")
            st.caption(md_escape(cut(report.what)))
        if viewer.staff:  # Datakvalitet is a staff page
            st.page_link(
                DATAKVALITET_PAGE,
                label="Se og luk fejlmeldinger på Datakvalitet",
                icon=":material/fact_check:",
            )


_RECORDED = "_recorded_search"  # the last query this session stored, so a rerun adds nothing


def record_search(query: str, found: int, user: str | None) -> None:
    """After a search: keep it among the user's recent searches, and count it when it found
    nothing (a query with a CPR number, phone or e-mail is never stored: see
    `directory.rules.personal`). Once per new query in a session, not per rerun. The search
    itself has been shown: when the database is down, nothing is said (the server log has
    it)."""
    query = " ".join(query.split())
    if not query or st.session_state.get(_RECORDED) == query:
        return
    st.session_state[_RECORDED] = query
    ui.state.attempt(lambda state: state.record_search(query, found=found, user=user), failed=None)


def recent_searches(user: str | None) -> list[str]:
    if user is None:
        return []
    found = ui.state.attempt(
        lambda state: state.recent_searches(user),
        failed=ui.state.STORAGE_DOWN_DA,
        show=ui.widgets.state_down,
    )
    return found or []


def page() -> None:
    """The page (pages/soeg.py is its adapter)."""
    directory = ui.serving.require_directory()
    index = ui.serving.search_index()
    ui.serving.example_notice(directory)

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
        # Where the citizen lives and "open now" are always in view; the rest folds away.
        row = st.columns([2.2, 1.4, 3.4], vertical_alignment="bottom", gap="small")
        area = area_input(row[0], directory)
        open_now = url_toggle(row[1], "Kun åbne nu", "aaben", "aaben")  # ?aaben=1 as on Kort
        with row[2].expander("Flere filtre: forvaltning, behov, alder"):
            cols = st.columns([3, 3, 1.6], vertical_alignment="bottom")
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

        filters = {"department": departments, "need": need, "age": age, "open_now": open_now}
        filtered = bool(departments or need or age is not None or open_now)
        clipped_notice(query or "")
        at = clock.now()
        cards = search_cards(index, query or "", at=at, area=area, **filters)

        unfiltered = (
            len(group_hits(index.search(query or "", limit=50), 50))
            if filtered and not cards
            else 0
        )
        user = ui.state.user()
        if (query or "").strip():
            record_search(query, len(cards) or unfiltered, user)
        if not (query or "").strip() and not filtered:
            own_open_reports(directory, ui.auth.viewer())
            empty_state(recent_searches(user))
        elif not cards:
            nearest = [] if filtered or unfiltered else index.nearest(query or "")
            no_results(query or "", filtered, unfiltered, nearest)
            if open_now:
                open_alternatives(
                    search_open_alternatives(
                        index, query or "", at, department=departments, need=need, age=age
                    ),
                    directory,
                    at,
                )
        else:
            pins = ui.widgets.my_pins()
            result_list(cards, directory, at, key="hits", pinned=pins, area=area)
            where = f" · borgerens område: {md_escape(area.label)}" if area else ""
            st.caption(
                f"{len(cards)} bedste resultater · åben/lukket gælder kl. {at:%H:%M}, "
                f"helligdage medregnet{where}"
            )

    search_area()
