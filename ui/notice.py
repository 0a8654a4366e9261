"""Temporary notices (`notice:` on a unit): how cards, the unit page and the guide show one,
and the small "Opslag" section where a coordinator sets or clears it.

When a notice shows is one rule in the core (`directory.rules.notices.active_notice`: until
and including its `until` day, Copenhagen's date); this module only draws it, with the one
sentence `notice_line` makes. Setting or clearing a notice is an edit like any other: the
editing service validates the whole directory with it, writes the unit's file and makes one
commit as the signed-in coordinator, with a Danish commit message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

import ui.serving
from directory.access import Viewer
from directory.editing import (
    Author,
    EditConflict,
    EditError,
    Editor,
    EditRefused,
    SaveResult,
)
from directory.model import MAX_TEXT_CHARS, Notice, NoticeReferrals, Unit, cut
from directory.rules.notices import PAUSED_DA, active_notice, notice_line, notice_text
from ui.escape import md_escape

SECTION_DA = "Opslag"
SECTION_HELP_DA = (
    "Et midlertidigt opslag vises på enhedens kort i søgningen, på enhedens side og i "
    "Borgerens situation til og med datoen. Dagen efter forsvinder det af sig selv."
)
TEXT_LABEL_DA = "Opslagets tekst"
UNTIL_LABEL_DA = "Vises til og med"
PAUSED_LABEL_DA = "Enheden tager ikke imod henvisninger i perioden"
SAVE_DA = "Gem opslaget"
CLEAR_DA = "Fjern opslaget"
EMPTY_TEXT_DA = "Skriv opslagets tekst, eller fjern opslaget."
PAST_DATE_DA = "Datoen er passeret: vælg i dag eller en senere dag."
SAVED_DA = "Opslaget er gemt som ændring {sha}."
CLEARED_DA = "Opslaget er fjernet som ændring {sha}."
NOTHING_DA = "Opslaget er det samme som før: intet er ændret."
DEFAULT_DAYS = 14  # a new notice lasts two weeks unless the coordinator says otherwise
NOTICE_BADGE_DA = "Opslag"  # a plain notice's badge on a result card
_PAUSED_ICON = ":material/block:"
_PLAIN_ICON = ":material/campaign:"


def notice_box(unit: Unit, today: dt.date, *, compact: bool = False) -> None:
    """The unit's notice, when it shows today: a warning when it pauses referrals, else a
    note. Nothing otherwise.

    `compact` (a result card in a list): one line that starts with a badge, ':orange-badge[
    Tager ikke imod henvisninger lige nu] Ventelisten er fuld. Gælder til og med …', so a
    paused unit's card stays about as tall as the others (three cards above the fold)."""
    notice = active_notice(unit, today)
    if notice is None:
        return
    icon = _PAUSED_ICON if notice.paused else _PLAIN_ICON
    if compact:
        badge = (
            f":orange-badge[{icon} {PAUSED_DA}]"
            if notice.paused
            else f":blue-badge[{icon} {NOTICE_BADGE_DA}]"
        )
        st.markdown(f"{badge} {md_escape(notice_text(notice))}")
    elif notice.paused:
        st.warning(md_escape(notice_line(notice)), icon=icon)
    else:
        st.info(md_escape(notice_line(notice)), icon=icon)


# -- setting and clearing -------------------------------------------------------------------


def notice_record(text: str, until: dt.date, paused: bool) -> dict[str, Any]:
    """The `notice:` mapping as the unit's YAML holds it (`until` a date: written unquoted)."""
    record: dict[str, Any] = {"text": " ".join(text.split()), "until": until}
    if paused:
        record["referrals"] = NoticeReferrals.PAUSED.value
    return record


def check_notice(text: str, until: dt.date, today: dt.date) -> list[str]:
    """The form's own rules (Danish, naming the fix); the whole-directory validation has the
    last word when it is saved."""
    errors = []
    if not text.strip():
        errors.append(EMPTY_TEXT_DA)
    if until < today:
        errors.append(PAST_DATE_DA)
    return errors


def commit_message(unit_name: str, notice: dict[str, Any] | None) -> str:
    """The data repository's commit message (Danish, like every message people read; the
    unit by its name, as in every commit message coordinators read in Historik)."""
    if notice is None:
        return f"Opslag fjernet fra {unit_name}"
    until: dt.date = notice["until"]
    paused = " (tager ikke imod henvisninger)" if notice.get("referrals") else ""
    return f"Opslag på {unit_name} til og med {until:%d.%m.%Y}{paused}: {cut(notice['text'])}"


def save_notice(
    editor: Editor, unit_id: str, notice: dict[str, Any] | None, author: Author
) -> SaveResult:
    """Set (or, with None, clear) a unit's notice through the editing service: the unit as
    it is on disk now, with only `notice` changed, saved as one commit."""
    state = editor.open(unit_id)
    record = dict(state.record)
    if notice is None:
        record.pop("notice", None)
    else:
        record["notice"] = notice
    return editor.save(
        state, record, state.referrals, author, message=commit_message(state.name, notice)
    )


def _key(unit_id: str, name: str) -> str:
    return f"opslag-{unit_id}-{name}"


def notice_section(unit: Unit, viewer: Viewer, today: dt.date) -> None:
    """ "Opslag" on the unit page: coordinators of the unit's department (and admins) set or
    clear its notice. Nothing for anyone else, or when editing is off (Rediger says why)."""
    if not viewer.can_edit(unit.department):
        return
    editor = Editor(ui.serving.data_dir(), cache_dir=ui.serving.cache_dir())
    if editor.off_reason() is not None:
        return
    flash = st.session_state.pop(_key(unit.id, "flash"), None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    errors: list[str] = st.session_state.pop(_key(unit.id, "errors"), [])
    current: Notice | None = unit.notice
    with st.expander(SECTION_DA, icon=":material/campaign:", expanded=bool(errors)):
        st.caption(SECTION_HELP_DA)
        if current is not None and active_notice(unit, today) is None:
            st.caption(
                f"Det gemte opslag gjaldt til og med {current.until:%d.%m.%Y} og vises ikke "
                "længere."
            )
        for error in errors:
            st.error(md_escape(error))
        with st.form(key=_key(unit.id, "form"), enter_to_submit=False):
            text = st.text_area(
                TEXT_LABEL_DA,
                value=current.text if current else "",
                max_chars=MAX_TEXT_CHARS,
                key=_key(unit.id, "text"),
            )
            start = current.until if current else today + dt.timedelta(days=DEFAULT_DAYS)
            until = st.date_input(
                UNTIL_LABEL_DA,
                value=max(start, today),
                min_value=today,
                format="DD.MM.YYYY",
                key=_key(unit.id, "until"),
            )
            paused = st.checkbox(
                PAUSED_LABEL_DA,
                value=bool(current and current.paused),
                key=_key(unit.id, "paused"),
            )
            saved = st.form_submit_button(SAVE_DA, icon=":material/save:")
        cleared = current is not None and st.button(
            CLEAR_DA, icon=":material/delete:", key=_key(unit.id, "clear")
        )
    if saved:
        day = until if isinstance(until, dt.date) else today
        problems = check_notice(text or "", day, today)
        if problems:
            st.session_state[_key(unit.id, "errors")] = problems
            st.rerun()
        _save(editor, unit, viewer, notice_record(text or "", day, paused))
    elif cleared:
        _save(editor, unit, viewer, None)


def _save(editor: Editor, unit: Unit, viewer: Viewer, notice: dict[str, Any] | None) -> None:
    author = Author(viewer.name or "", viewer.email or "")
    try:
        result = save_notice(editor, unit.id, notice, author)
    except EditRefused as exc:
        st.session_state[_key(unit.id, "errors")] = [e.message for e in exc.errors]
        st.rerun()
    except (EditConflict, EditError) as exc:
        st.session_state[_key(unit.id, "errors")] = [str(exc)]
        st.rerun()
    if result.sha is None:
        st.session_state[_key(unit.id, "flash")] = NOTHING_DA
    else:
        done = CLEARED_DA if notice is None else SAVED_DA
        st.session_state[_key(unit.id, "flash")] = done.format(sha=result.sha[:10])
    st.rerun()
