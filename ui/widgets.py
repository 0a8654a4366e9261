"""Widgets shared by several pages: phone lines, unit links, the unit picker, contact lines,
tables, the Danish names of phone kinds and roles. Every data value in markdown passes
`md_escape`."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

import streamlit as st

import ui.state
from directory import Contact, ContactRole, Directory, Phone, PhoneKind, Unit
from directory.rules.hours import Status
from directory.rules.unit_finder import UnitFinder
from ui.escape import md_escape
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


def call_first_md(unit: Unit) -> str:
    phone = unit.first_number()
    if phone is None:
        return "**Ring først:** intet nummer i data"
    return f"**Ring først:** {phone_md(phone)}"


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
