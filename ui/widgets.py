"""Widgets shared by several pages: phone lines, unit links, the unit picker, contact lines,
tables, the Danish names of phone kinds and roles. Every data value in markdown passes
`md_escape`."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

import streamlit as st

import ui.state
from directory import Contact, ContactRole, Directory, Phone, PhoneKind, Unit
from directory.rules.areas import (
    AREA_HELP,
    CitizenArea,
    area_text,
    read_area,
    unknown_area_message,
)
from directory.rules.calling import number_to_call
from directory.rules.hours import Status
from directory.rules.unit_finder import UnitFinder
from search.placing import Instead
from ui.escape import md_escape
from ui.links import unit_href
from ui.present.graph_plot import count_da

UNIT_PAGE = "pages/enhed.py"


SEARCH_PAGE = "pages/soeg.py"
DATAKVALITET_PAGE = "pages/datakvalitet.py"


PHONE_KIND_DA = {
    PhoneKind.PUBLIC: "Offentligt nummer",
    PhoneKind.FAST_TRACK: "Fast-track (kun for personale)",
    PhoneKind.INTERNAL: "Internt nummer (kun for personale)",
}


ROLE_DA = {
    ContactRole.GATEKEEPER: "Gatekeeper",
    ContactRole.CONTACT: "Kontaktperson",
    ContactRole.MANAGER: "Leder",
    ContactRole.COORDINATOR: "Koordinator",
}


def status_text(status: Status) -> str:
    """A coloured badge: ':green-badge[Åben nu · lukker kl. 15:00]' (the text says it too)."""
    color = "gray" if status.unknown else "green" if status.is_open else "red"
    icon = ":material/help:" if status.unknown else ":material/schedule:"
    return f":{color}-badge[{icon} {md_escape(status.label)}]"


def phone_md(phone: Phone, *, with_kind: bool = True) -> str:
    """'[33 99 10 01](tel:+4533991001) · Fast-track (kun for personale) · label'."""
    parts = [f"[{md_escape(phone.display)}]({phone.tel})"]
    if with_kind:
        parts.append(
            f"**{PHONE_KIND_DA[phone.kind]}**" if phone.is_staff_only else PHONE_KIND_DA[phone.kind]
        )
    if phone.label:
        parts.append(md_escape(phone.label))
    return " · ".join(parts)


def unit_link(
    unit: Unit, *, icon: str | None = None, label: str | None = None, bold: bool = False
) -> None:
    """A normal link to the unit's page (`enhed?id=<id>`), opened in the same tab."""
    text = md_escape(label or unit.name)
    st.page_link(
        UNIT_PAGE, label=f"**{text}**" if bold else text, query_params={"id": unit.id}, icon=icon
    )


# -- the unit picker ----------------------------------------------------------------------------
PICKER_LIMIT = 50  # a unit picker offers at most this many units (search for the others)
SEARCH_SUFFIX = "_soeg"  # a picker's search box has its key plus this
BY_NAME = "sorteret efter navn"  # the order of `UnitFinder.by_name`, for the caption
_NO_UNIT = ""  # the `none` option's value (unit ids are never empty)


def unit_picker(
    label: str,
    finder: UnitFinder,
    key: str,
    *,
    selected: str | None = None,
    search_label: str = "Søg efter enheden",
    placeholder: str = "Vælg en enhed",
    order: str = BY_NAME,
    none: str | None = None,
    exclude: Collection[str] = (),
    on_change: Callable[[], None] | None = None,
) -> str | None:
    """A unit picker that stays quick at 10,000 units: a search box (`key` + `SEARCH_SUFFIX`)
    and a selectbox (`key`) of at most `PICKER_LIMIT` units that match it (`finder.find`),
    with a caption that says how many match. The chosen unit stays offered whatever the
    search; `selected` is chosen on the first run (a unit from the link, the current parent).

    `order` names the finder's order for the caption of an empty search. `none`: the label
    of a first option that stands for no unit (chosen means None); `exclude`: units never
    offered (a unit cannot be its own parent)."""
    if key not in st.session_state:
        st.session_state[key] = selected if selected in finder else None
        if none is not None and st.session_state[key] is None:
            st.session_state[key] = _NO_UNIT
    query = st.text_input(
        search_label,
        key=key + SEARCH_SUFFIX,
        placeholder="Skriv en del af navnet",
        live=True,
        icon=":material/search:",
    )
    found, total = finder.find(query or "", PICKER_LIMIT, exclude)
    current = st.session_state.get(key)
    if current is not None and current != _NO_UNIT and current not in finder:
        st.session_state[key] = current = None  # data changed: the unit is gone
    kept = [] if current in (None, _NO_UNIT) or current in found else [current]
    options = [*([_NO_UNIT] if none is not None else []), *kept, *found]
    chosen = st.selectbox(
        label,
        options,
        index=None,
        key=key,
        placeholder=placeholder,
        format_func=lambda u: none if u == _NO_UNIT else finder.label(u),
        on_change=on_change,
    )
    note = picker_note(query or "", len(found), total, order)
    if note:
        st.caption(note)
    return None if chosen == _NO_UNIT else chosen


def picker_note(query: str, shown: int, total: int, order: str = BY_NAME) -> str | None:
    """What a picker offers, in words (markdown): how many units match and how many are shown
    (`order`: how an empty search orders them)."""
    if not query.strip():
        if total <= shown:
            return None
        return f"Viser {shown} af {count_da(total)} enheder: {order}. Søg for at finde de andre."
    wanted = f"»{md_escape(query.strip())}«"
    if total == 0:
        return f"Ingen enheder passer til {wanted}."
    if total > shown:
        return (
            f"Viser {shown} af {count_da(total)} enheder, der passer til {wanted}. "
            "Skriv mere for at finde den rigtige."
        )
    return f"{total} {'enhed passer' if total == 1 else 'enheder passer'} til {wanted}."


def contact_line(contact: Contact, *, compact: bool = False) -> str:
    """'Mette Hansen, socialrådgiver · [33 99 10 02](tel:…) · Internt nummer …'.

    `compact`: the first number only, marked 'kun personale' when it is staff-only."""
    parts = [
        f"**{md_escape(contact.name)}**"
        + (f", {md_escape(contact.title)}" if contact.title else "")
    ]
    if compact:
        parts += [
            f"[{md_escape(p.display)}]({p.tel})" + (" (kun personale)" if p.is_staff_only else "")
            for p in contact.phones[:1]
        ]
    else:
        parts += [phone_md(p) for p in contact.phones[:2]]
    return " · ".join(parts)


def call_first_md(directory: Directory, unit: Unit) -> str:
    """'**Ring først:** 33 17 23 37 · …' for the unit's own number; a unit without one gets
    the number of its nearest ancestor or forvaltning, labelled as such
    ('**Ring til:** 33 66 33 66 · … (forvaltningens hovednummer)': `number_to_call`)."""
    call = number_to_call(directory, unit)
    if call is None:
        website = f": se {md_escape(unit.website)}" if unit.website else ""
        return f"**Ring først:** intet nummer i data{website}"
    if call.own:
        return f"**Ring først:** {phone_md(call.phone)}"
    return f"**Ring til:** {phone_md(call.phone)} ({md_escape(call.note)})"


FLAG_TRUE = ("1", "true", "ja", "on", "yes")
FLAG_FALSE = ("0", "false", "nej", "off", "no")


def url_flag(value: str | None) -> bool | None:
    """A yes/no URL parameter as people write it (`aaben=1`, `aaben=ja`, `aaben=true`):
    True, False, or None when it says neither. Søg and Kort read every flag this way."""
    text = (value or "").strip().casefold()
    if text in FLAG_TRUE:
        return True
    if text in FLAG_FALSE:
        return False
    return None


def url_toggle(container: Any, label: str, key: str, param: str) -> bool:
    """A toggle kept in the link as `?<param>=1` (Søg's "Kun åbne nu", as Kort's): seeded
    from the link when the page is drawn (`url_flag`: 1, ja, true …), written back as 1."""
    if key not in st.session_state:
        st.session_state[key] = bool(url_flag(st.query_params.get(param)))
    value = bool(container.toggle(label, key=key))
    if value and st.query_params.get(param) != "1":
        st.query_params[param] = "1"
    elif not value and param in st.query_params:
        del st.query_params[param]
    return value


# -- the citizen's area (Søg and Borgerens situation) -------------------------------------------
AREA_KEY = "omraade"
_AREA_KEPT = "_omraade_kept"  # the last area, so that it follows the caseworker between pages


def area_input(container: Any, directory: Directory) -> CitizenArea | None:
    """'Borgerens område': a postal code, a bydel or an address with its postal code, kept
    in the link (`?omraade=2300`) and in the session (it follows the caseworker from Søg to
    Borgerens situation and back). Says so when it names no area of the kommune."""
    if AREA_KEY not in st.session_state and AREA_KEY not in st.query_params:
        kept = st.session_state.get(_AREA_KEPT)
        if kept:
            st.query_params[AREA_KEY] = kept
    text = container.text_input(
        "Borgerens område",
        key=AREA_KEY,
        bind="query-params",
        placeholder="postnr., bydel eller adresse",
        help=AREA_HELP,
    )
    st.session_state[_AREA_KEPT] = (text or "").strip()
    if not (text or "").strip():
        return None
    area = read_area(text, directory)
    if area is None:
        container.caption(md_escape(unknown_area_message(text)))
    return area


SAME_NUMBER_OPEN_DA = "nummeret ovenfor"


def instead_md(instead: Instead, directory: Directory, unit: Unit) -> str:
    """What the closed `unit`'s card offers: 'Åben nu: 33 99 08 56 · … (Aften- og nattevagt)'
    for a number of its own staffed now ('Åben nu: nummeret ovenfor' when that is the number
    its card already calls first), else 'Åben nu i stedet: Døgnvagten, børn og unge ·
    33 17 33 33' for the first open unit that answers the same search."""
    if instead.phone is not None:
        first = number_to_call(directory, unit)
        if first is not None and first.own and first.phone.tel == instead.phone.tel:
            return f":green[**Åben nu:**] {SAME_NUMBER_OPEN_DA}"
        return f":green[**Åben nu:**] {phone_md(instead.phone)}"
    assert instead.unit_id is not None
    other = directory.units[instead.unit_id]
    call = number_to_call(directory, other)
    number = f" · [{md_escape(call.phone.display)}]({call.phone.tel})" if call else ""
    link = f"[{md_escape(other.name)}]({unit_href(other.id)})"
    return f":green[**Åben nu i stedet:**] {link}{number}"


def districts(directory: Directory, unit_ids: tuple[str, ...]) -> None:
    """'Vælg bydel': the district units folded into a card (Søg, Borgerens situation), each
    a link with its area and its number."""
    with st.expander(f"Vælg bydel ({len(unit_ids)})", icon=":material/map:"):
        rows = []
        for unit_id in unit_ids:
            unit = directory.units[unit_id]
            call = number_to_call(directory, unit)
            number = f" · {phone_md(call.phone, with_kind=False)}" if call else ""
            rows.append(
                f"- [{md_escape(unit.name)}]({unit_href(unit.id)}) · "
                f"{md_escape(area_text(directory, unit))}{number}"
            )
        st.markdown("\n".join(rows))
        st.caption("Skriv borgerens område ved søgefeltet, så kommer den rigtige enhed først.")


# -- Datakvalitet tables ----------------------------------------------------------------------
_LINK = {"Link": st.column_config.LinkColumn("Link", display_text="Åbn")}


def show_table(rows: list[dict[str, Any]], empty: str, *, links: bool = False) -> None:
    """A plain dataframe (data is never interpreted as markdown), or a line when empty."""
    if not rows:
        st.caption(empty)
        return
    st.dataframe(rows, hide_index=True, width="stretch", column_config=_LINK if links else None)


def department_options(ids: Iterable[str], directory: Directory | None) -> dict[str | None, str]:
    """Selectbox choices: all, then each department by name (by id when data has errors)."""
    options: dict[str | None, str] = {None: "Alle forvaltninger"}
    for dept_id in ids:
        dept = directory.departments.get(dept_id) if directory else None
        options[dept_id] = dept.label if dept else dept_id
    return options


SAVE_FAILED_DA = (
    "Fejlmeldingen kunne ikke gemmes lige nu. Prøv igen om lidt, eller skriv til enhedens ejer."
)


# -- Min ringeliste ---------------------------------------------------------------------------
PIN_DA = "Sæt på min ringeliste"
UNPIN_DA = "Fjern fra min ringeliste"
PIN_FAILED_DA = "Min ringeliste kunne ikke gemmes lige nu. Prøv igen om lidt."
_PINS = "_my_pins"  # session cache of the signed-in user's pinned unit ids


def my_pins(*, fresh: bool = False) -> list[str] | None:
    """The unit ids on the viewer's own call list in pinned order (None: no personal list
    for this viewer).

    Read once per session and kept in the session; `fresh` reads the database again."""
    who = ui.state.user()
    if who is None:
        return None
    cached = st.session_state.get(_PINS)
    if fresh or cached is None or cached[0] != who:
        pins = ui.state.attempt(
            lambda state: state.pins(who), failed=ui.state.STORAGE_DOWN_DA, show=state_down
        )
        if pins is None:
            return None
        cached = (who, list(pins))
        st.session_state[_PINS] = cached
    return list(cached[1])


def state_down(message: str) -> None:
    """The notice that the app's own state cannot be read (`ui.state.attempt`'s `show`)."""
    st.warning(message, icon=":material/database:")


def _toggle_pin(unit_id: str, pin: bool) -> None:
    who = ui.state.user()
    if who is None:
        return
    pins = ui.state.attempt(
        lambda state: (state.pin if pin else state.unpin)(who, unit_id),
        failed=PIN_FAILED_DA,
        show=st.toast,
    )
    if pins is not None:
        st.session_state[_PINS] = (who, pins)


def pin_button(unit_id: str, pinned: list[str] | None, *, key: str) -> None:
    """A small button that puts the unit on (or takes it off) the viewer's own call list;
    nothing for a viewer without one (the public view)."""
    if pinned is None:
        return
    on = unit_id in pinned
    st.button(
        UNPIN_DA if on else PIN_DA,
        key=key,
        icon=":material/keep_off:" if on else ":material/keep:",
        type="tertiary",
        on_click=_toggle_pin,
        args=(unit_id, not on),
    )


def age_input(container: Any) -> int | None:
    """The citizen's age, kept in the link as `?alder=` (Søg and Borgerens situation)."""
    return container.number_input(
        "Borgerens alder",
        min_value=0,
        max_value=120,
        value=None,
        step=1,
        key="alder",
        bind="query-params",
        placeholder="år",
    )
