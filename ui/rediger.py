"""Rediger, Bekræft, Ny enhed, Flyt/nedlæg and Historik on a unit's page. The rules live in
`directory.editing`; this module only draws and calls.

Only coordinators of the unit's department and admins see the editing controls
(`Viewer.can_edit`): Rediger (the form), Bekræft (checked today, nothing changed), and Ny
enhed and Flyt/nedlæg below them. Everyone sees the history; for anyone but staff it names
no author, leaves out the phones and contact persons, and passes the public scrubber
(staff-only numbers and colleagues' names, also ones no longer in the data). The form shows
names, never ids: new contact persons get an id made from their name. Every data value
shown in markdown passes `md_escape`; tables are plain dataframes.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

import ui.serving
import ui.state
from directory import ContactRole, Directory, PhoneKind, Unit
from directory.access import Viewer
from directory.editing import (
    FIELD_DA,
    Author,
    DirectoryNames,
    EditConflict,
    EditError,
    Editor,
    EditRefused,
    FieldChange,
    FieldError,
    HistoryEntry,
    UnitState,
    author_of,
    commit_url,
)
from directory.editing.editor import new_contact_id
from directory.editing.fields import Names, history_scrubber
from directory.rules import weekhours
from ui.escape import md_escape
from ui.widgets import ROLE_DA, SEARCH_PAGE, UNIT_PAGE, unit_picker

KIND_DA = {
    PhoneKind.PUBLIC.value: "Offentligt",
    PhoneKind.FAST_TRACK.value: "Fast-track",
    PhoneKind.INTERNAL.value: "Internt",
}
KIND_OF = {v: k for k, v in KIND_DA.items()}
ROLE_OF = {ROLE_DA[r]: r.value for r in ContactRole}
LIST_SEP = "; "
# The form's fields in the order they are drawn (general problems first).
FORM_FIELDS = [
    "",
    "id",
    "name",
    "description",
    "responsibilities",
    "target_groups",
    "keywords",
    "how_to_refer",
    "hours",
    "phones",
    "contacts",
    "referrals",
]
HOURS_COLUMNS = ["Dag", "Åbner", "Lukker", "Åbner igen", "Lukker igen"]
SPECIAL_COLUMNS = ["Dag", "Åbner", "Lukker"]
RAW_HOURS_LABEL = "Åbningstiden som tekst"
BEKRAEFT_LABEL = "Bekræft: intet er ændret"


def _editor() -> Editor:
    return Editor(ui.serving.data_dir(), cache_dir=ui.serving.cache_dir())


def _key(unit_id: str, name: str) -> str:
    return f"rediger-{unit_id}-{name}"


def _author(viewer: Viewer) -> Author:
    """The commit author: the viewer's name (cleaned) and their token's e-mail."""
    return author_of(viewer.name, viewer.email)


# -- the page's sections ----------------------------------------------------------------------


def edit_section(directory: Directory, unit: Unit, viewer: Viewer) -> None:
    """Rediger and Bekræft and, when open, the form; Ny enhed and Flyt/nedlæg below them.
    Draws nothing for someone who may not edit the unit's department."""
    if not viewer.can_edit(unit.department):
        return
    flash = st.session_state.pop(_key(unit.id, "flash"), None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    flash_state = st.session_state.pop(_key(unit.id, "flash-state"), None)
    if flash_state:
        st.warning(flash_state, icon=":material/database:")
    editor = _editor()
    reason = editor.off_reason()
    if reason is not None:
        st.info(reason, icon=":material/edit_off:")
        return
    open_key = _key(unit.id, "open")
    errors: list[FieldError] = st.session_state.pop(_key(unit.id, "confirm-errors"), [])
    _show_errors(errors, "")
    if not st.session_state.get(open_key):
        left, right = st.columns(2)
        with left:
            if st.button("Rediger", icon=":material/edit:", key=_key(unit.id, "button")):
                st.session_state[open_key] = True
                st.rerun()
        with right:
            if st.button(
                BEKRAEFT_LABEL,
                icon=":material/verified:",
                key=_key(unit.id, "confirm"),
                help="Du har tjekket enheden i dag, og alt passer: sidst kontrolleret bliver i "
                "dag, som én ændring i historikken.",
            ):
                _confirm(editor, unit, viewer)
    else:
        edit_form(directory, unit, viewer, editor)
    with st.expander("Ny enhed under denne", icon=":material/add:"):
        new_unit_form(unit, viewer, editor)
    with st.expander("Flyt eller nedlæg enheden", icon=":material/drive_file_move:"):
        move_form(directory, unit, viewer, editor)


def _confirm(editor: Editor, unit: Unit, viewer: Viewer) -> None:
    try:
        result = editor.confirm(unit.id, _author(viewer))
    except EditError as exc:
        st.session_state[_key(unit.id, "confirm-errors")] = _errors_of(exc)
        st.rerun()
    st.session_state.pop(_key(unit.id, "confirm-errors"), None)
    if result.sha is None:
        st.session_state[_key(unit.id, "flash")] = result.message
    else:
        st.session_state[_key(unit.id, "flash")] = (
            f"Bekræftet: sidst kontrolleret i dag (ændring {result.sha[:10]})."
        )
    st.rerun()


def _errors_of(exc: EditError) -> list[FieldError]:
    return exc.errors if isinstance(exc, EditRefused) else [FieldError("", str(exc))]


def _state(editor: Editor, unit_id: str) -> UnitState:
    key = _key(unit_id, "state")
    if key not in st.session_state:
        st.session_state[key] = editor.open(unit_id)
    return st.session_state[key]


def _close_form(unit_id: str) -> None:
    for name in ("open", "state", "errors", "conflict"):
        st.session_state.pop(_key(unit_id, name), None)
    for name in ("phones", "contacts", "referrals", "hours", "special", "raw-hours", "closed-ph"):
        st.session_state.pop(_key(unit_id, name), None)  # the widgets start from the file


def _show_errors(errors: list[FieldError], field: str) -> None:
    for error in errors:
        if error.field == field or (field == "" and error.field not in FORM_FIELDS):
            label = FIELD_DA.get(error.field, error.field)
            st.error(f"**{md_escape(label)}:** {md_escape(error.message)}")


def _table_editor(
    title: str,
    frame: Any,
    key: str,
    column_config: dict[str, Any],
    errors: list[FieldError],
    field: str,
    *,
    fixed: bool = False,
) -> Any:
    """One of the form's row tables with its errors below."""
    st.markdown(title)
    edited = st.data_editor(
        frame,
        num_rows="fixed" if fixed else "dynamic",
        hide_index=True,
        width="stretch",
        key=key,
        column_config=column_config,
    )
    _show_errors(errors, field)
    return edited


def edit_form(directory: Directory, unit: Unit, viewer: Viewer, editor: Editor) -> None:
    try:
        state = _state(editor, unit.id)
    except EditError as exc:
        st.error(md_escape(exc))
        return
    record = state.record
    errors: list[FieldError] = st.session_state.get(_key(unit.id, "errors"), [])
    conflict: EditConflict | None = st.session_state.get(_key(unit.id, "conflict"))
    names = DirectoryNames(directory)
    st.subheader("Rediger enheden", anchor=False)
    if conflict is not None:
        _show_conflict(conflict, names)
    _show_errors(errors, "")
    contact_labels = backup_options(directory, unit, record)
    unit_labels = unit_options(directory, unit.id)
    with st.form(key=_key(unit.id, "form"), enter_to_submit=False):
        name = st.text_input("Navn", value=record.get("name", ""), key=_key(unit.id, "name"))
        _show_errors(errors, "name")
        description = st.text_area(
            "Beskrivelse", value=record.get("description", ""), key=_key(unit.id, "description")
        )
        _show_errors(errors, "description")
        lists: dict[str, str] = {}
        for field_name in ("responsibilities", "target_groups", "keywords"):
            lists[field_name] = st.text_area(
                FIELD_DA[field_name],
                value="\n".join(record.get(field_name) or []),
                help="Én pr. linje.",
                key=_key(unit.id, field_name),
            )
            _show_errors(errors, field_name)
        how_to_refer = st.text_area(
            FIELD_DA["how_to_refer"],
            value=record.get("how_to_refer", ""),
            key=_key(unit.id, "how_to_refer"),
        )
        _show_errors(errors, "how_to_refer")
        hours = hours_editor(unit.id, str(record.get("hours") or ""))
        _show_errors(errors, "hours")
        phones = _table_editor(
            "**Telefoner**",
            phones_frame(record),
            _key(unit.id, "phones"),
            {
                "_i": None,
                "Type": st.column_config.SelectboxColumn(
                    "Type", options=list(KIND_DA.values()), required=True, default="Offentligt"
                ),
            },
            errors,
            "phones",
        )
        contacts = _table_editor(
            "**Kontaktpersoner** (gatekeepere og backups)",
            contacts_frame(record, contact_labels),
            _key(unit.id, "contacts"),
            {
                "_id": None,
                "Rolle": st.column_config.SelectboxColumn(
                    "Rolle", options=list(ROLE_OF), required=True, default="Kontaktperson"
                ),
                "Backup": st.column_config.SelectboxColumn(
                    "Backup", options=list(contact_labels.values())
                ),
            },
            errors,
            "contacts",
        )
        referrals = _table_editor(
            "**Henvisninger ud**",
            referrals_frame(state, unit_labels),
            _key(unit.id, "referrals"),
            {
                "_origin": None,
                "Til": st.column_config.SelectboxColumn(
                    "Til", options=list(unit_labels.values()), required=True
                ),
            },
            errors,
            "referrals",
        )
        found = ui.state.attempt(
            lambda state: state.open_reports(), failed=REPORTS_UNREAD_DA, show=st.caption
        )
        open_reports = [r for r in found or [] if r.unit_id == unit.id]
        fixes = st.multiselect(
            "Fejlmeldinger, som ændringen retter (lukkes med et link til ændringen)",
            options=[r.id for r in open_reports],
            format_func=lambda rid: next(
                f"{r.reported_at[:10]}: {r.what[:80]}" for r in open_reports if r.id == rid
            ),
            key=_key(unit.id, "fixes"),
        )
        saved = st.form_submit_button("Gem", type="primary", icon=":material/save:")
    if st.button("Luk uden at gemme", key=_key(unit.id, "cancel")):
        _close_form(unit.id)
        st.rerun()
    if not saved:
        return
    try:
        new_hours = hours.value()
    except weekhours.WeekHoursError as exc:
        st.session_state[_key(unit.id, "errors")] = [FieldError("hours", str(exc))]
        st.rerun()
    new_record = form_record(
        record,
        name=name,
        description=description,
        lists=lists,
        hours=new_hours,
        phones=phones,
        contacts=contacts,
        how_to_refer=how_to_refer,
        backups={label: cid for cid, label in contact_labels.items()},
        taken=set(directory.contacts),
    )
    new_referrals = form_referrals(
        state, referrals, {label: uid for uid, label in unit_labels.items()}
    )
    _save(editor, state, unit, viewer, new_record, new_referrals, fixes)


def _save(
    editor: Editor,
    state: UnitState,
    unit: Unit,
    viewer: Viewer,
    record: dict[str, Any],
    referrals: list[dict[str, Any]],
    fixes: list[str],
) -> None:
    try:
        result = editor.save(state, record, referrals, _author(viewer))
    except EditConflict as exc:
        st.session_state[_key(unit.id, "conflict")] = exc
        st.session_state.pop(_key(unit.id, "errors"), None)
        try:  # the next Gem compares with the file as it is now; the input stays
            st.session_state[_key(unit.id, "state")] = editor.open(unit.id)
        except EditError:
            st.session_state.pop(_key(unit.id, "state"), None)
        st.rerun()
    except EditError as exc:
        st.session_state[_key(unit.id, "errors")] = _errors_of(exc)
        st.session_state.pop(_key(unit.id, "conflict"), None)
        st.rerun()
    if result.sha is None:
        st.session_state[_key(unit.id, "errors")] = [FieldError("", result.message)]
        st.rerun()
    closed = _close_reports(fixes, result.sha, viewer, unit.id)
    _close_form(unit.id)
    fields = ", ".join(FIELD_DA.get(f, f) for f in result.fields)
    st.session_state[_key(unit.id, "flash")] = (
        f"Gemt ({fields}) som ændring {result.sha[:10]}." + closed
    )
    st.rerun()


def _close_reports(report_ids: list[str], sha: str, viewer: Viewer, unit_id: str) -> str:
    """After a saved edit: close the reports it fixed. When that fails, the edit is still
    reported as saved, and the failure is said apart (the next run shows both)."""
    if not report_ids:
        return ""
    closed = ui.state.attempt(
        lambda state: state.close_fixed_reports(report_ids, sha, viewer.name or ""), failed=None
    )
    if closed is None:
        st.session_state[_key(unit_id, "flash-state")] = REPORTS_NOT_CLOSED_DA
        return ""
    return f" {len(closed)} fejlmelding(er) er lukket."


REPORTS_UNREAD_DA = "Fejlmeldingerne kan ikke hentes lige nu; du kan stadig gemme ændringen."
REPORTS_NOT_CLOSED_DA = (
    "Fejlmeldingerne kunne ikke lukkes lige nu (ændringen er gemt). Luk dem på Datakvalitet."
)


def _show_conflict(conflict: EditConflict, names: Names) -> None:
    lines = [
        "**Nogen har gemt en ændring, mens du redigerede.** Intet er overskrevet, og dine "
        "felter står, som du skrev dem. Det er ændret i filen:"
    ]
    lines += change_lines(conflict.changes, names) or ["- andre enheder i samme fil"]
    lines.append("Tjek dine felter, og tryk **Gem** igen for at gemme din version.")
    st.warning("\n".join(lines), icon=":material/sync_problem:")


# Fields whose values hold staff-only data (fast-track and internal numbers, contacts'
# phones and e-mail, the owner's address): outside staff, the history names the field and
# leaves the values out.
STAFF_ONLY_FIELDS = frozenset({"phones", "contacts", "owner_email"})


def change_lines(
    changes: list[FieldChange],
    names: Names | None = None,
    *,
    staff: bool = True,
    scrub: Any = None,
) -> list[str]:
    """A readable Danish field diff as markdown bullet lines (data escaped); `scrub` is
    applied to every value shown (the public scrubber for anyone but staff)."""
    out: list[str] = []
    if any(c.field == "id" and not c.old for c in changes):
        return ["- Enheden er oprettet eller flyttet hertil."]

    def shown(text: str) -> str:
        return md_escape(scrub(text) if scrub is not None else text)

    for change in changes:
        if not staff and change.field in STAFF_ONLY_FIELDS:
            out.append(f"- **{md_escape(change.label)}**: ændret (kun synligt for personale)")
            continue
        removed, added = change.lines(names)
        parts = []
        if removed:
            parts.append("før: " + " · ".join(f"»{shown(v)}«" for v in removed))
        if added:
            parts.append("nu: " + " · ".join(f"»{shown(v)}«" for v in added))
        out.append(f"- **{md_escape(change.label)}**: " + "; ".join(parts))
    return out


# -- opening hours: a row per weekday, or the string itself -------------------------------------


class HoursInput:
    """What the hours editor holds when the form is sent: the rows, the holiday box, the
    special days and the string (`value()` gives the string to save)."""

    def __init__(
        self,
        original: str,
        rows: pd.DataFrame | None,
        closed_ph: bool,
        special: pd.DataFrame | None,
        raw: str,
    ) -> None:
        self.original = original
        self.rows = rows
        self.closed_ph = closed_ph
        self.special = special
        self.raw = raw

    def value(self) -> str:
        """The opening hours to save: the string when it was changed (or the rows cannot
        show it), else the rows written as a string. `WeekHoursError` names the row."""
        if self.rows is None or _clean(self.raw) != self.original:
            return _clean(self.raw)
        week = week_from_frames(self.rows, self.closed_ph, self.special)
        unchanged = weekhours.to_rows(self.original)
        return self.original if week == unchanged else weekhours.to_osm(week)


def hours_editor(unit_id: str, hours: str) -> HoursInput:
    """Åbningstider inside the form: a table with a row per weekday, "Lukket på
    helligdage", special days, and the string itself under "Avanceret"."""
    week = weekhours.to_rows(hours)
    st.markdown("**Åbningstider**")
    rows = special = None
    closed_ph = False
    if week is not None and all(len(day) <= 2 for day in week.days):
        rows = st.data_editor(
            hours_frame(week),
            num_rows="fixed",
            hide_index=True,
            width="stretch",
            key=_key(unit_id, "hours"),
            column_config={"Dag": st.column_config.TextColumn("Dag", disabled=True)},
        )
        st.caption("Skriv klokkeslæt som 09:00. Tomme felter: lukket den dag.")
        closed_ph = st.checkbox(
            "Lukket på helligdage", value=week.holidays_closed, key=_key(unit_id, "closed-ph")
        )
        st.markdown("Særlige dage (helligdage med egne tider, eller en dato som 24.12.)")
        special = st.data_editor(
            special_frame(week),
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            key=_key(unit_id, "special"),
        )
    else:
        st.caption(
            "Åbningstiden kan ikke vises som en uge (den bruger mere af formatet): ret den som "
            "tekst herunder."
        )
    with st.expander("Avanceret: åbningstiden som tekst", expanded=rows is None):
        raw = st.text_input(
            RAW_HOURS_LABEL,
            value=hours,
            help='OpenStreetMap-format, fx "Mo-Th 09:00-15:00; Fr 09:00-13:00; PH off". '
            "Ændrer du teksten, gemmes den i stedet for tabellen.",
            key=_key(unit_id, "raw-hours"),
        )
    return HoursInput(hours, rows, closed_ph, special, raw)


def hours_frame(week: weekhours.WeekHours) -> pd.DataFrame:
    rows = []
    for name, spans in zip(weekhours.DAY_DA, week.days, strict=True):
        cells = [*spans, ("", "")][:2] if spans else [("", ""), ("", "")]
        cells += [("", "")] * (2 - len(cells))
        rows.append(
            {"Dag": name, "Åbner": cells[0][0], "Lukker": cells[0][1]}
            | {"Åbner igen": cells[1][0], "Lukker igen": cells[1][1]}
        )
    return pd.DataFrame(rows, columns=HOURS_COLUMNS)


def special_frame(week: weekhours.WeekHours) -> pd.DataFrame:
    rows = [
        {
            "Dag": day.label,
            "Åbner": day.spans[0][0] if day.spans else "",
            "Lukker": day.spans[0][1] if day.spans else "",
        }
        for day in week.special
    ]
    return pd.DataFrame(rows, columns=SPECIAL_COLUMNS)


def week_from_frames(
    rows: pd.DataFrame, closed_ph: bool, special: pd.DataFrame | None
) -> weekhours.WeekHours:
    """The week the form's tables hold; `WeekHoursError` names the row and the fix."""
    days = []
    for i, row in enumerate(rows.to_dict("records")):
        name = weekhours.DAY_DA[i]
        cells = [
            (_cell(row.get("Åbner")), _cell(row.get("Lukker"))),
            (_cell(row.get("Åbner igen")), _cell(row.get("Lukker igen"))),
        ]
        days.append(weekhours.day_spans(name, cells))
    specials = []
    for row in special.to_dict("records") if special is not None else []:
        label = _cell(row.get("Dag"))
        if not label and not _cell(row.get("Åbner")) and not _cell(row.get("Lukker")):
            continue
        when = weekhours.special_when(label)
        if when is None:
            raise weekhours.WeekHoursError(
                f"Særlige dage: »{label or '(tom)'}« er ikke en dag: skriv »Helligdage« eller "
                "en dato som 24.12."
            )
        spans = weekhours.day_spans(label, [(_cell(row.get("Åbner")), _cell(row.get("Lukker")))])
        specials.append(weekhours.SpecialDay(when, spans))
    if closed_ph and any(s.when == weekhours.HOLIDAYS for s in specials):
        raise weekhours.WeekHoursError(
            "Helligdage: vælg enten »Lukket på helligdage« eller en åbningstid på helligdage "
            "under særlige dage, ikke begge"
        )
    return weekhours.WeekHours(tuple(days), closed_ph, tuple(specials))


# -- form <-> record ----------------------------------------------------------------------------


def _clean(text: Any) -> str:
    """A text field's value as saved: browsers' line ends made \\n, ends stripped."""
    return ("" if text is None else str(text)).replace("\r\n", "\n").replace("\r", "\n").strip()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in _clean(text).splitlines() if line.strip()]


def _split(text: Any) -> list[str]:
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return []
    return [part.strip() for part in str(text).split(";") if part.strip()]


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return _clean(value)


def _unique(labels: dict[str, str]) -> dict[str, str]:
    """id -> label with every label unique (a second 'Team Nord' gets ' (2)')."""
    seen: dict[str, int] = {}
    out: dict[str, str] = {}
    for key, label in labels.items():
        count = seen.get(label, 0) + 1
        seen[label] = count
        out[key] = label if count == 1 else f"{label} ({count})"
    return out


def unit_options(directory: Directory, own: str) -> dict[str, str]:
    """unit id -> 'Name (forvaltning)' for every unit but this one: the referral targets."""
    labels: dict[str, str] = {}
    for unit_id, unit in directory.units.items():
        if unit_id == own:
            continue
        department = directory.departments.get(unit.department)
        short = (department.short or department.name) if department else unit.department
        labels[unit_id] = f"{unit.name} ({short})"
    return _unique(labels)


def backup_options(directory: Directory, unit: Unit, record: dict[str, Any]) -> dict[str, str]:
    """contact id -> 'Name (unit)' of the people who can stand in: the unit's own contacts,
    those of its parent, siblings and children, and every backup named now."""
    family = [unit.id]
    if unit.parent:
        family += [unit.parent, *directory.children.get(unit.parent, [])]
    family += directory.children.get(unit.id, [])
    labels: dict[str, str] = {}
    for contact in record.get("contacts") or []:
        if contact.get("id"):
            labels[str(contact["id"])] = f"{contact.get('name', '')} ({unit.name})"
    for unit_id in dict.fromkeys(family):
        other = directory.units.get(unit_id)
        for contact in other.contacts if other else []:
            labels.setdefault(contact.id, f"{contact.name} ({other.name})")  # type: ignore[union-attr]
    for contact in record.get("contacts") or []:
        backup = contact.get("backup")
        if backup and backup not in labels and backup in directory.contacts:
            owner = directory.units[directory.contact_unit[backup]]
            labels[backup] = f"{directory.contacts[backup].name} ({owner.name})"
    return _unique(labels)


def phones_frame(record: dict[str, Any]) -> pd.DataFrame:
    rows = [
        {
            "_i": i,
            "Nummer": p.get("number", ""),
            "Type": KIND_DA.get(p.get("kind", "public"), "Offentligt"),
            "Etiket": p.get("label", ""),
            "Telefontid": p.get("hours", ""),
        }
        for i, p in enumerate(record.get("phones") or [])
    ]
    return pd.DataFrame(rows, columns=["_i", "Nummer", "Type", "Etiket", "Telefontid"])


def contacts_frame(record: dict[str, Any], backups: dict[str, str]) -> pd.DataFrame:
    roles = {r.value: ROLE_DA[r] for r in ContactRole}
    rows = [
        {
            "_id": c.get("id", ""),
            "Navn": c.get("name", ""),
            "Titel": c.get("title", ""),
            "Rolle": roles.get(c.get("role", "contact"), "Kontaktperson"),
            "Områder": LIST_SEP.join(c.get("areas") or []),
            "Telefoner": LIST_SEP.join(p.get("number", "") for p in c.get("phones") or []),
            "E-mail": c.get("email", ""),
            "Backup": backups.get(c.get("backup") or ""),
        }
        for c in record.get("contacts") or []
    ]
    columns = ["_id", "Navn", "Titel", "Rolle", "Områder", "Telefoner", "E-mail", "Backup"]
    return pd.DataFrame(rows, columns=columns)


def referrals_frame(state: UnitState, units: dict[str, str]) -> pd.DataFrame:
    rows = [
        {
            "_origin": r.get("_origin"),
            "Til": units.get(str(r.get("to"))),
            "Behov": LIST_SEP.join(r.get("needs") or []),
            "Kriterier": r.get("criteria", ""),
            "Sådan": r.get("how", ""),
            "Kræver": LIST_SEP.join(r.get("requires") or []),
        }
        for r in state.referrals
    ]
    return pd.DataFrame(rows, columns=["_origin", "Til", "Behov", "Kriterier", "Sådan", "Kræver"])


def _set(out: dict[str, Any], key: str, value: Any) -> None:
    """Set a key, or remove it when the value is empty."""
    if value in (None, "", []):
        out.pop(key, None)
    else:
        out[key] = value


def form_record(
    record: dict[str, Any],
    *,
    name: str,
    description: str,
    lists: dict[str, str],
    hours: str,
    phones: pd.DataFrame,
    contacts: pd.DataFrame,
    how_to_refer: str | None = None,
    backups: dict[str, str] | None = None,
    taken: set[str] | None = None,
) -> dict[str, Any]:
    """The unit record with the form's values (fields the form does not show are kept).
    `backups` maps the Backup column's labels to contact ids; a new contact person gets an
    id made from their name, unique among `taken` and the form's own."""
    out = dict(record)
    out["name"] = _clean(name)
    _set(out, "description", _clean(description))
    for field_name, text in lists.items():
        _set(out, field_name, _lines(text))
    if how_to_refer is not None:
        _set(out, "how_to_refer", _clean(how_to_refer))
    _set(out, "hours", _clean(hours))
    old_phones = record.get("phones") or []
    new_phones = []
    for row in phones.to_dict("records"):
        i = row.get("_i")
        base = dict(old_phones[int(i)]) if _cell(i) and int(i) < len(old_phones) else {}
        kind = KIND_OF.get(_cell(row.get("Type")), "public")
        _set(base, "number", _cell(row.get("Nummer")))
        if kind != "public" or "kind" in base:
            base["kind"] = kind
        _set(base, "label", _cell(row.get("Etiket")))
        _set(base, "hours", _cell(row.get("Telefontid")))
        if base:
            new_phones.append(base)
    _set(out, "phones", new_phones)
    old_contacts = {c.get("id"): c for c in record.get("contacts") or []}
    ids = set(taken or ()) | {str(i) for i in old_contacts if i}
    labels = backups or {}
    new_contacts = []
    for row in contacts.to_dict("records"):
        cid = _cell(row.get("_id"))
        person = _cell(row.get("Navn"))
        if not cid:
            if not person:
                continue
            cid = new_contact_id(str(record.get("id", "")), person, ids)
            ids.add(cid)
        base = dict(old_contacts.get(cid, {}))
        base["id"] = cid
        _set(base, "name", person)
        _set(base, "title", _cell(row.get("Titel")))
        role = ROLE_OF.get(_cell(row.get("Rolle")), "contact")
        if role != "contact" or "role" in base:
            base["role"] = role
        _set(base, "areas", _split(row.get("Områder")))
        old_numbers = {p.get("number"): p for p in base.get("phones") or []}
        numbers = _split(row.get("Telefoner"))
        _set(
            base,
            "phones",
            [old_numbers.get(n) or {"number": n, "kind": "internal"} for n in numbers],
        )
        _set(base, "email", _cell(row.get("E-mail")))
        backup = _cell(row.get("Backup"))
        _set(base, "backup", labels.get(backup, backup) if backup else "")
        new_contacts.append(base)
    _set(out, "contacts", new_contacts)
    return out


def form_referrals(
    state: UnitState, frame: pd.DataFrame, units: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The outgoing referrals the table holds; `units` maps the Til column's labels to ids."""
    old = {r["_origin"]: r for r in state.referrals}
    targets = units or {}
    out = []
    for row in frame.to_dict("records"):
        origin = _cell(row.get("_origin"))
        base = dict(old.get(origin, {}))
        if origin in old:
            base["_origin"] = origin
        target = _cell(row.get("Til"))
        _set(base, "to", targets.get(target, target))
        _set(base, "needs", _split(row.get("Behov")))
        _set(base, "criteria", _cell(row.get("Kriterier")))
        _set(base, "how", _cell(row.get("Sådan")))
        _set(base, "requires", _split(row.get("Kræver")))
        if base.get("to") or base.get("needs"):
            out.append(base)
    return out


# -- Ny enhed, Flyt/nedlæg ----------------------------------------------------------------------


def new_unit_form(unit: Unit, viewer: Viewer, editor: Editor) -> None:
    st.caption(f"Et nyt team under {md_escape(unit.name)}, i samme forvaltning.")
    errors: list[FieldError] = st.session_state.get(_key(unit.id, "new-errors"), [])
    with st.form(key=_key(unit.id, "new"), enter_to_submit=False):
        name = st.text_input("Navn på den nye enhed", key=_key(unit.id, "new-name"))
        _show_errors(errors, "name")
        description = st.text_area("Beskrivelse", key=_key(unit.id, "new-description"))
        _show_errors(errors, "description")
        phone = st.text_input("Telefon", key=_key(unit.id, "new-phone"))
        _show_errors(errors, "phones")
        _show_errors(errors, "")
        created = st.form_submit_button("Opret enhed", icon=":material/add:")
    if not created:
        return
    record: dict[str, Any] = {"name": _clean(name)}
    _set(record, "description", _clean(description))
    if phone.strip():
        record["phones"] = [{"number": phone.strip()}]
    try:
        result = editor.create(unit.id, record, _author(viewer))
    except EditError as exc:
        st.session_state[_key(unit.id, "new-errors")] = _errors_of(exc)
        st.rerun()
    st.session_state.pop(_key(unit.id, "new-errors"), None)
    new_id = result.unit_id or unit.id
    st.session_state[_key(new_id, "flash")] = f"Enheden er oprettet ({(result.sha or '')[:10]})."
    st.switch_page(UNIT_PAGE, query_params={"id": new_id})


def move_form(directory: Directory, unit: Unit, viewer: Viewer, editor: Editor) -> None:
    errors: list[FieldError] = st.session_state.get(_key(unit.id, "move-errors"), [])
    _show_errors(errors, "")
    _show_errors(errors, "parent")
    _show_errors(errors, "department")
    departments = [d for d in directory.departments if viewer.can_edit(d)]
    # No st.form: the parent picker's search box must filter while the coordinator types.
    department = st.selectbox(
        "Forvaltning",
        departments,
        index=departments.index(unit.department) if unit.department in departments else 0,
        format_func=lambda d: directory.departments[d].label,
        key=_key(unit.id, "move-department"),
    )
    parent = unit_picker(
        "Hører under",
        ui.serving.unit_finder(),
        _key(unit.id, "move-parent"),
        selected=unit.parent,
        search_label="Søg efter den nye overordnede enhed",
        none="(ingen: øverst i forvaltningen)",
        exclude=(unit.id,),
    )
    moved = st.button("Flyt", icon=":material/drive_file_move:", key=_key(unit.id, "move"))
    st.markdown(
        "**Nedlæg enheden**: fjerner enheden, dens kontaktpersoner og alle henvisninger til "
        "og fra den. Det kan ikke lade sig gøre, så længe andre enheder ligger under den "
        "eller har dens folk som backup."
    )
    sure = st.checkbox(f"Ja, nedlæg {md_escape(unit.name)}", key=_key(unit.id, "retire-sure"))
    retired = st.button("Nedlæg", disabled=not sure, key=_key(unit.id, "retire"))
    if not moved and not retired:
        return
    try:
        state = editor.open(unit.id)
        if moved:
            result = editor.move(state, department, parent, _author(viewer))
        else:
            result = editor.retire(state, _author(viewer))
    except EditError as exc:
        st.session_state[_key(unit.id, "move-errors")] = _errors_of(exc)
        st.rerun()
    st.session_state.pop(_key(unit.id, "move-errors"), None)
    _close_form(unit.id)
    if retired:
        st.switch_page(SEARCH_PAGE)
    st.session_state[_key(unit.id, "flash")] = f"Enheden er flyttet ({(result.sha or '')[:10]})."
    st.rerun()


# -- Historik -----------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=64)
def _history(root: str, head: str | None, unit_id: str) -> list[HistoryEntry]:
    return Editor(root).history(unit_id)


def history_section(unit: Unit, viewer: Viewer, directory: Directory | None = None) -> None:
    """Historik: when (Copenhagen time) and what changed, in Danish with names; for staff
    also who, for the unit's coordinators an undo. For anyone but staff: no author, no
    phones or contact persons, and the public scrubber over every value."""
    st.subheader("Historik", anchor=False)
    editor = _editor()
    reason = editor.off_reason()
    if reason is not None or editor.repo is None:
        st.caption(reason or "")
        return
    entries = _history(str(editor.root), editor.repo.head(), unit.id)
    if not entries:
        st.caption("Ingen ændringer i historikken endnu.")
        return
    full = directory if directory is not None else ui.serving.served().directory
    names = DirectoryNames(full)
    for entry in entries:
        for record in entry.records:
            names.learn(record)
    scrub = None
    if not viewer.staff:
        scrub = history_scrubber(full, [r for e in entries for r in e.records]).scrub
    may_undo = viewer.can_edit(unit.department)
    errors: list[FieldError] = st.session_state.get(_key(unit.id, "undo-errors"), [])
    _show_errors(errors, "")
    for entry in entries[:15]:
        commit = entry.commit
        head = [f"**{entry.when:%d.%m.%Y kl. %H:%M}**"]
        if viewer.staff:
            head.append(md_escape(commit.author))
            url = commit_url(commit.sha, ui.serving.settings().commit_url)
            head.append(f"[{commit.short}]({url})" if url else f"`{commit.short}`")
        lines = [" · ".join(head)]
        lines += change_lines(entry.changes, names, staff=viewer.staff, scrub=scrub)
        with st.container(border=True):
            st.markdown("\n".join(lines))
            if (
                may_undo
                and entry.undoable
                and st.button("Fortryd denne ændring", key=_key(unit.id, f"undo-{commit.sha}"))
            ):
                _undo(editor, unit, viewer, commit.sha)


def _undo(editor: Editor, unit: Unit, viewer: Viewer, sha: str) -> None:
    try:
        result = editor.undo(unit.id, sha, _author(viewer))
    except EditError as exc:
        st.session_state[_key(unit.id, "undo-errors")] = _errors_of(exc)
        st.rerun()
    st.session_state.pop(_key(unit.id, "undo-errors"), None)
    _close_form(unit.id)
    st.session_state[_key(unit.id, "flash")] = (
        f"Ændringen {sha[:10]} er fortrudt som ændring {(result.sha or '')[:10]}."
    )
    st.rerun()
