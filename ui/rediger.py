"""Rediger and Historik on a unit's page: the edit form, Ny enhed, Flyt/nedlæg, the unit's
history with undo. The rules live in `directory.editing`; this module only draws and calls.

Only coordinators of the unit's department and admins see the editing controls
(`Viewer.can_edit`); everyone sees the history. Every data value shown in markdown passes
`md_escape`; tables are plain dataframes.
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
    EditConflict,
    EditError,
    Editor,
    EditRefused,
    FieldChange,
    FieldError,
    HistoryEntry,
    UnitState,
    commit_url,
)
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
    "hours",
    "phones",
    "contacts",
    "referrals",
]


def _editor() -> Editor:
    return Editor(ui.serving.data_dir(), cache_dir=ui.serving.cache_dir())


def _key(unit_id: str, name: str) -> str:
    return f"rediger-{unit_id}-{name}"


def author_of(viewer: Viewer) -> Author:
    return Author(viewer.name or "", viewer.email or "")


# -- the page's sections ----------------------------------------------------------------------


def edit_section(directory: Directory, unit: Unit, viewer: Viewer) -> None:
    """The Rediger button and, when open, the form; Ny enhed and Flyt/nedlæg below it.
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
    if not st.session_state.get(open_key):
        if st.button("Rediger", icon=":material/edit:", key=_key(unit.id, "button")):
            st.session_state[open_key] = True
            st.rerun()
        return
    edit_form(directory, unit, viewer, editor)
    with st.expander("Ny enhed under denne", icon=":material/add:"):
        new_unit_form(unit, viewer, editor)
    with st.expander("Flyt eller nedlæg enheden", icon=":material/drive_file_move:"):
        move_form(directory, unit, viewer, editor)


def _state(editor: Editor, unit_id: str) -> UnitState:
    key = _key(unit_id, "state")
    if key not in st.session_state:
        st.session_state[key] = editor.open(unit_id)
    return st.session_state[key]


def _close_form(unit_id: str) -> None:
    for name in ("open", "state", "errors", "conflict"):
        st.session_state.pop(_key(unit_id, name), None)
    for name in ("phones", "contacts", "referrals"):  # the tables start again from the file
        st.session_state.pop(_key(unit_id, name), None)


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
) -> Any:
    """One of the form's row tables (phones, contacts, referrals) with its errors below."""
    st.markdown(title)
    edited = st.data_editor(
        frame,
        num_rows="dynamic",
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
        st.error(str(exc))
        return
    record = state.record
    errors: list[FieldError] = st.session_state.get(_key(unit.id, "errors"), [])
    conflict: EditConflict | None = st.session_state.get(_key(unit.id, "conflict"))
    st.subheader("Rediger enheden", anchor=False)
    if conflict is not None:
        _show_conflict(conflict)
    _show_errors(errors, "")
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
        hours = st.text_input(
            "Åbningstider",
            value=record.get("hours", ""),
            help='OpenStreetMap-format, fx "Mo-Th 09:00-15:00; Fr 09:00-13:00; PH off".',
            key=_key(unit.id, "hours"),
        )
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
            contacts_frame(record),
            _key(unit.id, "contacts"),
            {
                "Rolle": st.column_config.SelectboxColumn(
                    "Rolle", options=list(ROLE_OF), required=True, default="Kontaktperson"
                ),
                "Backup": st.column_config.SelectboxColumn(
                    "Backup", options=sorted(directory.contacts)
                ),
            },
            errors,
            "contacts",
        )
        referrals = _table_editor(
            "**Henvisninger ud**",
            referrals_frame(state),
            _key(unit.id, "referrals"),
            {
                "_origin": None,
                "Til": st.column_config.SelectboxColumn(
                    "Til", options=sorted(directory.units), required=True
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
    new_record = form_record(
        record,
        name=name,
        description=description,
        lists=lists,
        hours=hours,
        phones=phones,
        contacts=contacts,
    )
    new_referrals = form_referrals(state, referrals)
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
        result = editor.save(state, record, referrals, author_of(viewer))
    except EditRefused as exc:
        st.session_state[_key(unit.id, "errors")] = exc.errors
        st.session_state.pop(_key(unit.id, "conflict"), None)
        st.rerun()
    except EditConflict as exc:
        st.session_state[_key(unit.id, "conflict")] = exc
        st.session_state.pop(_key(unit.id, "errors"), None)
        try:  # the next Gem compares with the file as it is now; the input stays
            st.session_state[_key(unit.id, "state")] = editor.open(unit.id)
        except EditError:
            st.session_state.pop(_key(unit.id, "state"), None)
        st.rerun()
    except EditError as exc:
        st.session_state[_key(unit.id, "errors")] = [FieldError("", str(exc))]
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


def _show_conflict(conflict: EditConflict) -> None:
    lines = [
        "**Nogen har gemt en ændring, mens du redigerede.** Intet er overskrevet, og dine "
        "felter står, som du skrev dem. Det er ændret i filen:"
    ]
    lines += change_lines(conflict.changes) or ["- andre enheder i samme fil"]
    lines.append("Tjek dine felter, og tryk **Gem** igen for at gemme din version.")
    st.warning("\n".join(lines), icon=":material/sync_problem:")


# Fields whose values hold staff-only data (fast-track and internal numbers, contacts'
# phones and e-mail): outside staff, the history names the field and leaves the values out.
STAFF_ONLY_FIELDS = frozenset({"phones", "contacts"})


def change_lines(changes: list[FieldChange], *, staff: bool = True) -> list[str]:
    """A readable field diff as markdown bullet lines (data escaped)."""
    out: list[str] = []
    if any(c.field == "id" and not c.removed for c in changes):
        return ["- Enheden er oprettet eller flyttet hertil."]
    for change in changes:
        if not staff and change.field in STAFF_ONLY_FIELDS:
            out.append(f"- **{md_escape(change.label)}**: ændret (kun synligt for personale)")
            continue
        parts = []
        if change.removed:
            parts.append("før: " + " · ".join(f"»{md_escape(v)}«" for v in change.removed))
        if change.added:
            parts.append("nu: " + " · ".join(f"»{md_escape(v)}«" for v in change.added))
        out.append(f"- **{md_escape(change.label)}**: " + "; ".join(parts))
    return out


# -- form <-> record ----------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _split(text: Any) -> list[str]:
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return []
    return [part.strip() for part in str(text).split(";") if part.strip()]


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


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


def contacts_frame(record: dict[str, Any]) -> pd.DataFrame:
    roles = {r.value: ROLE_DA[r] for r in ContactRole}
    rows = [
        {
            "Id": c.get("id", ""),
            "Navn": c.get("name", ""),
            "Titel": c.get("title", ""),
            "Rolle": roles.get(c.get("role", "contact"), "Kontaktperson"),
            "Områder": LIST_SEP.join(c.get("areas") or []),
            "Telefoner": LIST_SEP.join(p.get("number", "") for p in c.get("phones") or []),
            "E-mail": c.get("email", ""),
            "Backup": c.get("backup"),
        }
        for c in record.get("contacts") or []
    ]
    columns = ["Id", "Navn", "Titel", "Rolle", "Områder", "Telefoner", "E-mail", "Backup"]
    return pd.DataFrame(rows, columns=columns)


def referrals_frame(state: UnitState) -> pd.DataFrame:
    rows = [
        {
            "_origin": r.get("_origin"),
            "Til": r.get("to"),
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
) -> dict[str, Any]:
    """The unit record with the form's values (fields the form does not show are kept)."""
    out = dict(record)
    out["name"] = name.strip()
    _set(out, "description", description.strip())
    for field_name, text in lists.items():
        _set(out, field_name, _lines(text))
    _set(out, "hours", hours.strip())
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
    new_contacts = []
    for row in contacts.to_dict("records"):
        cid = _cell(row.get("Id"))
        base = dict(old_contacts.get(cid, {}))
        base["id"] = cid
        _set(base, "name", _cell(row.get("Navn")))
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
        _set(base, "backup", _cell(row.get("Backup")))
        if cid or base.get("name"):
            new_contacts.append(base)
    _set(out, "contacts", new_contacts)
    return out


def form_referrals(state: UnitState, frame: pd.DataFrame) -> list[dict[str, Any]]:
    old = {r["_origin"]: r for r in state.referrals}
    out = []
    for row in frame.to_dict("records"):
        origin = _cell(row.get("_origin"))
        base = dict(old.get(origin, {}))
        if origin in old:
            base["_origin"] = origin
        _set(base, "to", _cell(row.get("Til")))
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
        new_id = st.text_input("Id", placeholder=f"{unit.id}-nyt-team", key=_key(unit.id, "new-id"))
        _show_errors(errors, "id")
        name = st.text_input("Navn", key=_key(unit.id, "new-name"))
        _show_errors(errors, "name")
        description = st.text_area("Beskrivelse", key=_key(unit.id, "new-description"))
        phone = st.text_input("Telefon", key=_key(unit.id, "new-phone"))
        _show_errors(errors, "phones")
        _show_errors(errors, "")
        created = st.form_submit_button("Opret enhed", icon=":material/add:")
    if not created:
        return
    record: dict[str, Any] = {"id": new_id.strip(), "name": name.strip()}
    _set(record, "description", description.strip())
    if phone.strip():
        record["phones"] = [{"number": phone.strip()}]
    try:
        result = editor.create(unit.id, record, author_of(viewer))
    except EditRefused as exc:
        st.session_state[_key(unit.id, "new-errors")] = exc.errors
        st.rerun()
    except EditError as exc:
        st.session_state[_key(unit.id, "new-errors")] = [FieldError("", str(exc))]
        st.rerun()
    st.session_state.pop(_key(unit.id, "new-errors"), None)
    st.session_state[_key(record["id"], "flash")] = f"Enheden er oprettet ({result.sha[:10]})."
    st.switch_page(UNIT_PAGE, query_params={"id": record["id"]})


def move_form(directory: Directory, unit: Unit, viewer: Viewer, editor: Editor) -> None:
    errors: list[FieldError] = st.session_state.get(_key(unit.id, "move-errors"), [])
    _show_errors(errors, "")
    _show_errors(errors, "parent")
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
            result = editor.move(state, department, parent, author_of(viewer))
        else:
            result = editor.retire(state, author_of(viewer))
    except EditRefused as exc:
        st.session_state[_key(unit.id, "move-errors")] = exc.errors
        st.rerun()
    except EditError as exc:
        st.session_state[_key(unit.id, "move-errors")] = [FieldError("", str(exc))]
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


def history_section(unit: Unit, viewer: Viewer) -> None:
    """Historik: who changed the unit, when and what; coordinators can undo a change."""
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
    may_undo = viewer.can_edit(unit.department)
    errors: list[FieldError] = st.session_state.get(_key(unit.id, "undo-errors"), [])
    _show_errors(errors, "")
    for entry in entries[:15]:
        commit = entry.commit
        url = commit_url(commit.sha, ui.serving.settings().commit_url)
        ref = f"[{commit.short}]({url})" if url else f"`{commit.short}`"
        when = commit.when[:16].replace("T", " kl. ")
        lines = [f"**{md_escape(when)}** · {md_escape(commit.author)} · {ref}"]
        lines += change_lines(entry.changes, staff=viewer.staff)
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
        result = editor.undo(unit.id, sha, author_of(viewer))
    except EditRefused as exc:
        st.session_state[_key(unit.id, "undo-errors")] = exc.errors
        st.rerun()
    except EditError as exc:
        st.session_state[_key(unit.id, "undo-errors")] = [FieldError("", str(exc))]
        st.rerun()
    st.session_state.pop(_key(unit.id, "undo-errors"), None)
    _close_form(unit.id)
    st.session_state[_key(unit.id, "flash")] = (
        f"Ændringen {sha[:10]} er fortrudt som ændring {(result.sha or '')[:10]}."
    )
    st.rerun()
