"""Enhed: a unit's page and its 'Meld en fejl' form (rendering only).

Every data value that goes into markdown passes `md_escape`, so a name such as
`**x** [y](javascript:…)` or `:red[x]` or `$x$` is shown as typed."""

from __future__ import annotations

import datetime as dt

import streamlit as st

import ui.auth
import ui.escape
import ui.links
import ui.notice
import ui.rediger
import ui.serving
import ui.state
from directory import Directory, Referral, Unit
from directory.quality.reports import MAX_NAME, MAX_WHAT
from directory.rules import clock
from directory.rules.areas import ESTIMATED_LOCATION
from directory.rules.hours import danish, family_status, unit_hours, unit_status
from directory.rules.staleness import is_stale
from ui.escape import md_escape
from ui.links import unit_href
from ui.widgets import (
    ROLE_DA,
    SAVE_FAILED_DA,
    SEARCH_PAGE,
    call_first_md,
    contact_line,
    my_pins,
    phone_md,
    pin_button,
    status_text,
    unit_link,
)


def unit_page(directory: Directory, unit: Unit, at: dt.datetime, today: dt.date) -> None:
    department = directory.departments.get(unit.department)
    st.title(md_escape(unit.name), anchor=False)
    chain = [md_escape(department.label) if department else md_escape(unit.department)]
    chain += [md_escape(parent.name) for parent in reversed(directory.ancestors(unit.id))]
    st.caption(" › ".join(chain))
    ui.notice.notice_box(unit, today)
    status = status_text(family_status(directory, unit, at))
    st.markdown(f"{status} · {call_first_md(directory, unit)}")
    pin_button(unit.id, my_pins(), key=f"pin-enhed-{unit.id}")
    for gatekeeper in unit.gatekeepers:
        st.markdown(f"**Gatekeeper:** {contact_line(gatekeeper)}")
    if unit.description:
        st.markdown(md_escape(unit.description))
    _facts(unit)
    left, right = st.columns(2, gap="large")
    with left:
        _hours_and_phones(directory, unit, at)
        _contacts(directory, unit)
    with right:
        _how_to_refer(unit)
        _locations(directory, unit)
    _referrals(directory, unit)
    _family(directory, unit)
    _verified(unit, today)


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {md_escape(item)}" for item in items)


def _facts(unit: Unit) -> None:
    cols = st.columns(3)
    facts = [
        ("Ansvarsområder", unit.responsibilities),
        ("Målgrupper", unit.target_groups),
        ("Alder", [unit.age.label()] if unit.age else ["Alle aldre"]),
    ]
    for col, (title, items) in zip(cols, facts, strict=True):
        with col:
            st.markdown(f"**{title}**")
            st.markdown(_bullets(items) if items else "Ikke angivet")


def _hours_and_phones(directory: Directory, unit: Unit, at: dt.datetime) -> None:
    st.header("Åbningstid og telefoner", anchor=False)
    own, building = unit_hours(directory, unit)
    status = unit_status(directory, unit, at)
    st.markdown(f"{status_text(status)} (helligdage medregnet)")
    if own:
        st.markdown(f"Enheden: {md_escape(danish(own))}")
    if building:
        st.markdown(f"Bygningen: {md_escape(danish(building))}")
    if not own and not building:
        st.markdown("Ingen åbningstid i data.")
    for phone in unit.phones:
        staffed = f" · bemandet {md_escape(danish(phone.hours))}" if phone.hours else ""
        st.markdown(f":material/call: {phone_md(phone)}{staffed}")
    if unit.email:
        st.markdown(f":material/mail: [{md_escape(unit.email)}](mailto:{unit.email})")
    if unit.website:
        st.markdown(f":material/language: {md_escape(unit.website)}")


def _contacts(directory: Directory, unit: Unit) -> None:
    if not unit.contacts:
        return
    st.header("Kontaktpersoner", anchor=False)
    for contact in sorted(unit.contacts, key=lambda c: (not c.is_gatekeeper, c.role.value, c.name)):
        lines = [f"{contact_line(contact)} · {ROLE_DA[contact.role]}"]
        if contact.areas:
            lines.append("Områder: " + ", ".join(md_escape(a) for a in contact.areas))
        if contact.email:
            lines.append(f"[{md_escape(contact.email)}](mailto:{contact.email})")
        backup = directory.contacts.get(contact.backup) if contact.backup else None
        if backup is not None:
            where = directory.units[directory.contact_unit[backup.id]]
            lines.append(f"Backup: {contact_line(backup)} ({md_escape(where.name)})")
        st.markdown("  \n".join(lines))


def _how_to_refer(unit: Unit) -> None:
    st.header("Sådan henviser du", anchor=False)
    st.markdown(
        md_escape(unit.how_to_refer) if unit.how_to_refer else "Ikke beskrevet. Ring til enheden."
    )


ESTIMATED_LOCATION_DA = (
    "Adressen er anslået: kilderne giver ingen adresse for enheden selv, så den står på den "
    "overordnede enheds eller forvaltningens adresse. Ring og spørg, før borgeren møder op."
)


def _locations(directory: Directory, unit: Unit) -> None:
    st.header("Adresser", anchor=False)
    locations = [directory.locations[i] for i in unit.locations if i in directory.locations]
    if not locations:
        st.markdown("Ingen adresse i data.")
        return
    for location in locations:
        extra = f" · {md_escape(location.accessibility)}" if location.accessibility else ""
        st.markdown(
            f":material/location_on: **{md_escape(location.name)}**, "
            f"{md_escape(location.address.one_line())}{extra}"
        )
    if unit.extensions.get(ESTIMATED_LOCATION) is True:
        st.caption(ESTIMATED_LOCATION_DA)
    small_map(directory, unit)
    st.page_link(
        "pages/kort.py",
        label="Vis på det store kort",
        icon=":material/map:",
        query_params={"q": unit.name},
    )


def small_map(directory: Directory, unit: Unit) -> None:
    """The unit's locations on the offline map (no CDN: assets come from the app)."""
    from streamlit_folium import st_folium

    from directory.geo import places as geo
    from ui.present import mapview

    try:
        settings = ui.serving.settings()
        tiles = mapview.tile_layer(settings.tiles, settings.tiles_attribution)
    except mapview.TilesError:
        tiles = None
    found = [site for site in geo.sites(directory) if site.location.id in unit.locations]
    if not found:
        return
    m = mapview.build_map(
        directory,
        found,
        tiles=tiles,
        show_bydele=True,
        unit_href=lambda uid: mapview.COMPONENT_ROOT + unit_href(uid),
    )
    first = found[0].location
    m.location = [first.lat, first.lon]
    m.options["zoom"] = 14
    st_folium(
        m, key=f"enhed-kort-{unit.id}", height=280, use_container_width=True, returned_objects=[]
    )


def _referral_block(directory: Directory, referral: Referral, other_id: str) -> None:
    other = directory.units.get(other_id)
    with st.container(border=True):
        if other is not None:
            unit_link(other, icon=":material/arrow_forward:")
        lines = ["**Behov:** " + ", ".join(md_escape(n) for n in referral.needs)]
        if referral.criteria:
            lines.append(f"**Kriterier:** {md_escape(referral.criteria)}")
        if referral.how:
            lines.append(f"**Sådan:** {md_escape(referral.how)}")
        if referral.requires:
            lines.append("**Kræver:** " + ", ".join(md_escape(r) for r in referral.requires))
        st.markdown("  \n".join(lines))


def _referrals(directory: Directory, unit: Unit) -> None:
    outgoing = directory.referrals_from.get(unit.id, [])
    incoming = directory.referrals_to.get(unit.id, [])
    st.header("Henvisningsveje", anchor=False)
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(f"**Henviser videre til** ({len(outgoing)})")
        for referral in outgoing:
            _referral_block(directory, referral, referral.to)
    with right:
        st.markdown(f"**Modtager henvisninger fra** ({len(incoming)})")
        for referral in incoming:
            _referral_block(directory, referral, referral.from_)


def _family(directory: Directory, unit: Unit) -> None:
    parent = directory.units.get(unit.parent) if unit.parent else None
    children = [
        directory.units[c] for c in directory.children.get(unit.id, []) if c in directory.units
    ]
    if parent is None and not children:
        return
    st.header("Over- og underenheder", anchor=False)
    if parent is not None:
        unit_link(parent, icon=":material/arrow_upward:", label=f"Hører under: {parent.name}")
    for child in children:
        unit_link(child, icon=":material/subdirectory_arrow_right:")


def _verified(unit: Unit, today: dt.date) -> None:
    owner = md_escape(unit.owner) if unit.owner else "ingen ejer angivet"
    text = f"Sidst kontrolleret {unit.verified:%d.%m.%Y} · ansvarlig: {owner}"
    if is_stale(unit.verified, today):
        st.warning(
            f"{text}. Oplysningerne er over et år gamle: ring og tjek, før du henviser.",
            icon=":material/schedule:",
        )
    else:
        st.caption(text)


def unknown_unit(unit_id: str | None) -> None:
    """A friendly page for a link to a unit that does not exist (any more)."""
    st.title("Enheden findes ikke", anchor=False)
    if unit_id:
        st.markdown(
            f"Der er ingen enhed med id »{md_escape(unit_id)}«. Linket kan være gammelt, eller "
            "enheden er lagt sammen med en anden."
        )
    else:
        st.markdown("Linket mangler et enheds-id (`enhed?id=…`).")
    query = st.text_input(
        "Søg efter enheden i stedet",
        key="enhed_soeg",
        placeholder="fx navn, forkortelse eller behov",
    )
    if query:
        st.switch_page(SEARCH_PAGE, query_params={"q": query})


REPORT_SIGN_IN_DA = "Er noget forkert? Medarbejdere, der er logget ind, kan melde fejl her."


def report_form(unit: Unit, directory: Directory | None = None) -> None:
    """The 'Meld en fejl' form at the bottom of a unit page, for signed-in users and the
    staff view at this machine (the public view gets a line instead: anonymous reports were
    spam); it clears after a report is stored (a refused report keeps its text)."""
    user = ui.state.user()
    if user is None:
        st.caption(REPORT_SIGN_IN_DA)
        return
    directory = directory or ui.serving.served().directory
    done_key, round_key = f"report-done-{unit.id}", f"report-round-{unit.id}"
    sent_before = st.session_state.pop(done_key, False)
    # A new key after each stored report gives new, empty fields (the browser keeps a
    # field's text while its key stays the same); a refused report keeps its text.
    round_ = st.session_state.get(round_key, 0)
    what_key, who_key = f"report-what-{unit.id}-{round_}", f"report-who-{unit.id}-{round_}"
    with st.expander("Meld en fejl", icon=":material/flag:", expanded=sent_before):
        st.caption(
            "Er et nummer, en person eller en åbningstid forkert? Skriv det her. "
            "Beskeden går til den, der holder enheden opdateret "
            f"({md_escape(unit.owner or 'ingen ejer angivet')})."
        )
        if sent_before:
            st.success(REPORT_THANKS_DA)
        with st.form(key=f"report-{unit.id}", clear_on_submit=False):
            what = st.text_area("Hvad er forkert?", max_chars=MAX_WHAT, key=what_key)
            reporter = st.text_input(
                "Dit navn eller din mail (frivilligt)", max_chars=MAX_NAME, key=who_key
            )
            sent = st.form_submit_button("Send fejlmelding")
        if not sent:
            return
        filed = ui.state.attempt(
            lambda state: state.file_report(
                unit.id, what, user=user, reporter=reporter, directory=directory
            ),
            failed=SAVE_FAILED_DA,
        )
        if filed is not None:
            st.session_state[round_key] = round_ + 1
            st.session_state[done_key] = True
            st.rerun()


REPORT_THANKS_DA = "Tak! Fejlmeldingen er gemt, og den, der holder enheden opdateret, kan se den."


def page() -> None:
    """The page (pages/enhed.py is its adapter)."""
    directory = ui.serving.require_directory()
    ui.serving.example_notice(directory)

    unit_id = st.query_params.get("id")
    unit = directory.units.get(unit_id) if unit_id else None
    if unit is None:
        unknown_unit(unit_id)
        st.stop()

    viewer = ui.auth.viewer()
    ui.rediger.edit_section(directory, unit, viewer)
    at = clock.now()
    ui.notice.notice_section(unit, viewer, at.date())
    unit_page(directory, unit, at, at.date())
    report_form(unit, directory)
    ui.rediger.history_section(unit, viewer)
