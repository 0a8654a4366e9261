"""Datakvalitet: tables of problems, stale and missing entries, and the open reports with
their close form (rendering only; the rules live in `directory.quality`)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
import streamlit as st

import ui.auth
import ui.escape
import ui.links
import ui.serving
import ui.state
import ui.widgets
from directory import Directory, Severity
from directory.access import Viewer
from directory.editing import EditError, Editor, EditRefused
from directory.quality.health import (
    Health,
    build_health,
    by_address,
    departments_in,
    in_data_dir,
)
from directory.quality.reports import (
    MAX_NAME,
    MAX_WHAT,
    PAGE_SIZE,
    Report,
    ReportLog,
)
from directory.rules import clock
from directory.rules.owners import address_key
from directory.rules.vocabulary import vocabulary
from ui import widgets
from ui.escape import md_escape
from ui.links import unit_href
from ui.rediger import author_of
from ui.widgets import SAVE_FAILED_DA

NOT_ALLOWED_DA = (
    "Kun en koordinator for enhedens forvaltning eller en administrator kan lukke "
    "fejlmeldingen. Bed forvaltningens koordinator om at lukke den."
)


CLOSED_KEY = "_report_closed"  # session state: the confirmation shown after a close
WORD_ADDED_KEY = "_need_word_added"  # session state: the confirmation after a word was added


def may_close(viewer: Viewer, report: Report, directory: Directory) -> bool:
    """Closing a report needs a coordinator of its unit's department, or an admin (a report
    about a unit that no longer exists: an admin)."""
    unit = directory.units.get(report.unit_id)
    return viewer.admin if unit is None else viewer.can_edit(unit.department)


def closer_name(viewer: Viewer) -> str:
    """Who closes: the signed-in name (or e-mail), never a typed name."""
    return (viewer.name or viewer.email or "")[:MAX_NAME]


def close_form(report: Report, directory: Directory, viewer: Viewer) -> None:
    """A small form that closes one open report, for those who may close it."""
    if not may_close(viewer, report, directory):
        st.caption(NOT_ALLOWED_DA)
        return
    with st.form(key=f"close-{report.id}"):
        cols = st.columns([6, 1], vertical_alignment="bottom")
        note = cols[0].text_input(
            "Note (frivilligt)", max_chars=MAX_WHAT, key=f"close-note-{report.id}"
        )
        done = cols[1].form_submit_button("Luk", help="Luk fejlmeldingen, når data er rettet")
        st.caption(f"Lukkes af {md_escape(closer_name(viewer))}.")
    if not done:
        return
    if not may_close(viewer, report, directory):  # checked again at the call site
        st.error(NOT_ALLOWED_DA)
        return
    closed = ui.state.attempt(
        lambda state: state.close_report(report.id, by=closer_name(viewer), note=note),
        failed=SAVE_FAILED_DA,
    )
    if closed is not None:
        # Said on the next run, where it stays (a toast is gone after a few seconds, and a
        # toast sent just before st.rerun() can be lost under load).
        st.session_state[CLOSED_KEY] = "Fejlmeldingen er lukket."
        st.rerun()


def full_table(rows: list[dict[str, Any]], empty: str) -> None:
    """A table that shows every cell in full (long messages wrap; nothing is cut off), with
    its first column as the row heading. st.table renders markdown: every text is escaped."""
    if not rows:
        st.caption(empty)
        return
    # st.table renders its cells as markdown: every value goes through the one escaping rule
    frame = pd.DataFrame(
        [{k: md_escape(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows]
    )
    st.table(frame.set_index(frame.columns[0]))


def problem_rows(health: Health) -> list[dict[str, Any]]:
    kind = {Severity.ERROR: "Fejl", Severity.WARNING: "Advarsel"}
    return [
        {
            "Fil:linje": in_data_dir(p.where, ui.serving.data_dir()),
            "Type": kind[p.severity],
            "Besked": p.message,
        }
        for p in health.problems
    ]


def stale_summary(health: Health, attribute: str, header: str) -> list[dict[str, Any]]:
    return [
        {
            header: group,
            "Forældede": len(items),
            "Ældste": min(s.verified for s in items).isoformat(),
        }
        for group, items in health.stale_by(attribute).items()
    ]


def stale_rows(health: Health) -> list[dict[str, Any]]:
    return [
        {
            "Navn": s.name,
            "Type": s.kind.value,
            "Forvaltning": health.department_name(s.department),
            "Ejer": s.owner,
            "Tjekket": s.verified.isoformat(),
            "Dage siden": s.days,
            "Fil:linje": in_data_dir(s.where, ui.serving.data_dir()),
        }
        for s in health.stale
    ]


def missing_rows(health: Health) -> list[dict[str, Any]]:
    return [
        {
            "Enhed": m.name,
            "Mangler": ", ".join(x.value for x in m.missing),
            "Forvaltning": health.department_name(m.department),
            "Ejer": m.owner,
            "Link": unit_href(m.unit_id),
        }
        for m in health.missing
    ]


def no_backup_rows(health: Health) -> list[dict[str, Any]]:
    return [
        {
            "Nøgleperson": b.name,
            "Kontakt-id": b.contact_id,
            "Problem": b.problem,
            "Enhed": b.unit,
            "Forvaltning": health.department_name(b.department),
            "Ejer": b.owner,
            "Link": unit_href(b.unit_id),
        }
        for b in health.no_backup
    ]


def due_rows(health: Health, last: dict[str, dt.date]) -> list[dict[str, Any]]:
    """Each owner address's units due for review (what `landkort remind` mails it), with
    the day it was last reminded."""
    rows = []
    for address, units in by_address(health.due).items():
        reminded = last.get(address_key(address))
        for unit in units:
            rows.append(
                {
                    "Ejer": address,
                    "Enhed": unit.name,
                    "Hvorfor": "; ".join(unit.reasons()),
                    "Forvaltning": health.department_name(unit.department),
                    "Sidst påmindet": reminded.isoformat() if reminded else "",
                    "Link": unit_href(unit.unit_id),
                }
            )
    return rows


def no_address_rows(health: Health, directory: Directory) -> list[dict[str, Any]]:
    """The units no reminder reaches (no owner address on them or their department)."""
    due = {u.unit_id: u for u in health.due}
    rows = []
    for unit_id in health.no_address:
        unit = directory.units[unit_id]
        reasons = due[unit_id].reasons() if unit_id in due else []
        rows.append(
            {
                "Enhed": unit.name,
                "Forvaltning": health.department_name(unit.department),
                "Skal tjekkes": "; ".join(reasons) or "nej",
                "Link": unit_href(unit_id),
            }
        )
    return rows


def last_reminders() -> dict[str, dt.date]:
    """Per owner address (key), the last day `landkort remind` mailed it; empty when the
    database cannot be read (the page has said so above)."""
    return ui.state.attempt(lambda state: state.last_reminders(), failed=None) or {}


def count_rows(health: Health) -> list[dict[str, Any]]:
    return [
        {
            "Forvaltning": c.name,
            "Enheder": c.units,
            "Kontakter": c.contacts,
            "Gatekeepere": c.gatekeepers,
            "Henvisninger ud": c.referrals_out,
            "Forældede": c.stale,
            "Mangler oplysninger": c.missing,
            "Uden backup": c.no_backup,
            "Åbne fejlmeldinger": c.open_reports,
            "Fejl": c.errors,
            "Advarsler": c.warnings,
        }
        for c in health.counts
    ]


def open_reports(grouped: dict[str, list[Report]], directory: Directory, viewer: Viewer) -> None:
    """Open reports per owner, each with its close form (for those who may close it),
    PAGE_SIZE to a page (a thousand open reports draw as fast as twenty)."""
    closed = st.session_state.pop(CLOSED_KEY, None)
    if closed:
        st.success(closed, icon=":material/check_circle:")
    if not grouped:
        st.caption("Ingen åbne fejlmeldinger.")
        return
    flat = [(owner, report) for owner, reports in grouped.items() for report in reports]
    pages = max(1, math.ceil(len(flat) / PAGE_SIZE))
    page = 1
    if pages > 1:
        page = int(
            st.number_input(
                f"Side (af {pages}, {PAGE_SIZE} fejlmeldinger pr. side)",
                min_value=1,
                max_value=pages,
                value=1,
                step=1,
                key="fejlmeldinger-side",
            )
        )
    shown = flat[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    if pages > 1:
        first = (page - 1) * PAGE_SIZE
        st.caption(f"Viser {first + 1}–{first + len(shown)} af {len(flat)}.")
    last_owner = None
    for owner, report in shown:
        if owner != last_owner:
            count = len(grouped[owner])
            st.markdown(f"**{md_escape(owner)}** · {count} {'åben' if count == 1 else 'åbne'}")
            last_owner = owner
        _report_card(report, directory, viewer)


SECTION_DOWN_DA = "Kan ikke hentes lige nu."


def zero_hit_rows() -> list[dict[str, Any]] | None:
    """Searches that found nothing in the last 90 days, most searched first (counts only);
    None when the database cannot be read (said under the heading)."""
    found = ui.state.attempt(
        lambda state: state.zero_hits(), failed=SECTION_DOWN_DA, show=st.caption
    )
    if found is None:
        return None
    return [
        {"Søgning": query, "Antal": count, "Senest": day.isoformat()} for query, count, day in found
    ]


def missing_word_rows() -> list[dict[str, Any]] | None:
    """Words searchers reported as missing ('Ordet mangler') in the last 90 days, most
    reported first, with their notes (most written first); None when the database cannot be
    read (said under the heading)."""
    words = ui.state.attempt(
        lambda state: state.missing_words(), failed=SECTION_DOWN_DA, show=st.caption
    )
    if words is None:
        return None
    return [
        {
            "Ord": word.query,
            "Antal": word.count,
            "Senest": word.last.isoformat(),
            "Noter": "; ".join(note if n == 1 else f"{note} ({n})" for note, n in word.notes),
        }
        for word in words
    ]


def _report_card(report: Report, directory: Directory, viewer: Viewer) -> None:
    unit = directory.units.get(report.unit_id)
    with st.container(border=True):
        name = md_escape(unit.name if unit else report.unit_id)
        st.markdown(
            f"[{name}]({unit_href(report.unit_id)}) · meldt "
            f"{md_escape(report.reported_at[:16].replace('T', ' '))}"
            + (f" af {md_escape(report.reporter)}" if report.reporter else "")
        )
        st.text(report.what)
        close_form(report, directory, viewer)


def sections(health: Health, directory: Directory, viewer: Viewer, skipped_lines: int) -> None:
    """The page below the data-file problems (when the data loaded): counts, stale and
    missing entries, key people without a backup, open reports, zero hits, missing words."""
    st.header("Optælling pr. forvaltning")
    full_table(count_rows(health), "Ingen forvaltninger.")

    st.header("Forældede oplysninger")
    st.caption(
        "Tjekket for mere end 12 måneder siden, samlet pr. forvaltning og pr. ejer. Tjek "
        "oplysningerne, og ret datoen i »verified«."
    )
    if not health.stale:
        st.caption("Intet forældet.")
    else:
        full_table(stale_summary(health, "department", "Forvaltning"), "Intet forældet.")
        full_table(stale_summary(health, "owner", "Ejer"), "Intet forældet.")
        with st.expander(f"Alle {len(health.stale)} forældede poster"):
            full_table(stale_rows(health), "Intet forældet.")

    st.header("Enheder, der mangler oplysninger")
    st.caption("Mangler telefon, kontaktperson, åbningstid eller adresse.")
    widgets.show_table(
        missing_rows(health),
        "Alle enheder har telefon, kontakt, åbningstid og adresse.",
        links=True,
    )

    st.header("Nøglepersoner uden stedfortræder")
    st.caption(
        "Nøglepersoner (gatekeepere), der ikke har en stedfortræder (»backup«), der kan tage over "
        "ved fravær."
    )
    widgets.show_table(
        no_backup_rows(health),
        "Alle nøglepersoner har en stedfortræder.",
        links=True,
    )

    st.header("Enheder, der skal tjekkes, pr. ejer")
    st.caption(
        "Forældede, med åbne fejlmeldinger eller manglende oplysninger, samlet pr. ejerens "
        "adresse (enhedens »owner_email«, ellers forvaltningens). Kommandoen "
        "`landkort remind` sender hver adresse én e-mail om dagen med dens enheder."
    )
    widgets.show_table(
        due_rows(health, last_reminders()),
        "Ingen enheder med en ejeradresse skal tjekkes.",
        links=True,
    )

    st.header("Enheder uden ejeradresse")
    st.caption(
        "Ingen påmindelse når frem til disse enheder: skriv »owner_email« på enheden eller på "
        "dens forvaltning i departments.yaml."
    )
    widgets.show_table(
        no_address_rows(health, directory), "Alle enheder har en ejeradresse.", links=True
    )

    st.header("Åbne fejlmeldinger pr. ejer")
    if skipped_lines:
        st.caption(f"{skipped_lines} ulæselige linjer i fejlmeldingsfilen blev sprunget over.")
    open_reports(health.open_reports, directory, viewer)

    st.header("Søgninger uden resultater")
    st.caption(
        "Hvad medarbejderne søgte på de sidste 90 dage uden at finde noget. Tilføj ordet til et "
        "behov herunder, eller som synonym eller nøgleord, så de næste finder svaret. Kun antal "
        "gemmes; søgninger med CPR-nummer, telefonnummer eller e-mail gemmes aldrig."
    )
    zero_hits = zero_hit_rows()
    if zero_hits is not None:
        widgets.show_table(zero_hits, "Ingen søgninger uden resultater.")

    st.header("Ord, der mangler")
    st.caption(
        "Ord, som medarbejderne har meldt som manglende (»Meld ordet som manglende« på Søg) de "
        "sidste 90 dage, med deres noter om, hvad de mente. Tilføj ordet til et behov herunder, "
        "eller som synonym eller nøgleord. Ord og noter med CPR-nummer, telefonnummer eller "
        "e-mail gemmes aldrig."
    )
    missing = missing_word_rows()
    if missing is not None:
        widgets.show_table(missing, "Ingen ord er meldt som manglende.")
    words = [row["Ord"] for row in missing or []] + [row["Søgning"] for row in zero_hits or []]
    add_word_form(directory, viewer, list(dict.fromkeys(words)))


def add_word_form(directory: Directory, viewer: Viewer, words: list[str]) -> None:
    """A coordinator adds a word to a need of the needs vocabulary in one step: validated,
    saved in needs.yaml and committed in their name (`Editor.add_need_word`)."""
    st.header("Tilføj et ord til behovsordbogen")
    added = st.session_state.pop(WORD_ADDED_KEY, None)
    if added:
        st.success(added, icon=":material/check_circle:")
    if not viewer.is_coordinator:
        st.caption(
            "En datakoordinator kan tilføje ordene til et behov her (siden Behov viser dem)."
        )
        return
    editor = Editor(ui.serving.data_dir())
    reason = editor.off_reason()
    if reason is not None:
        st.info(reason, icon=":material/edit_off:")
        return
    vocab = vocabulary(directory)
    labels = {need.id: need.label for need in vocab.needs}
    st.caption(
        "Vælg et ord fra listerne ovenfor (eller skriv et), og det behov, det står for. Ordet "
        "gemmes i needs.yaml som en ændring i dit navn; Søg og Borgerens situation bruger det "
        "med det samme."
    )
    with st.form("behovsord", border=True):
        word = st.selectbox(
            "Ordet",
            words,
            index=None,
            accept_new_options=True,
            placeholder="Vælg eller skriv et ord",
        )
        need_id = st.selectbox(
            "Behovet", list(labels), index=None, format_func=labels.__getitem__, placeholder="Vælg"
        )
        submitted = st.form_submit_button("Tilføj ordet", icon=":material/add:")
    if not submitted:
        return
    if not need_id:
        st.error("Vælg det behov, ordet står for.")
        return
    try:
        result = editor.add_need_word(
            need_id, word or "", author_of(viewer.name, viewer.email), label=labels[need_id]
        )
    except EditRefused as exc:
        st.error(" ".join(error.message for error in exc.errors))
        return
    except EditError as exc:
        st.error(str(exc))
        return
    st.session_state[WORD_ADDED_KEY] = (
        f"»{' '.join((word or '').split())}« er tilføjet til behovet »{labels[need_id]}« "
        f"(ændring {(result.sha or '')[:10]})."
    )
    st.rerun()


def page() -> None:
    """The page (pages/datakvalitet.py is its adapter)."""
    st.title("Datakvalitet")
    viewer = ui.auth.viewer()
    if not viewer.staff:  # app.py leaves the page out of the navigation too
        st.info("Datakvalitet er kun for medarbejdere. Log ind for at se siden.")
        st.stop()
    validation = ui.serving.validation()
    directory = validation.directory
    options = ui.widgets.department_options(departments_in(validation), directory)
    wanted = st.query_params.get("forvaltning")
    department = st.selectbox(
        "Forvaltning",
        list(options),
        index=list(options).index(wanted) if wanted in options else 0,
        format_func=options.__getitem__,
    )
    if department:
        st.query_params["forvaltning"] = department
    else:
        st.query_params.pop("forvaltning", None)

    log = ui.state.attempt(
        lambda state: state.report_log(),
        failed=ui.state.STORAGE_DOWN_DA,
        show=widgets.state_down,
    )
    if log is None:
        log = ReportLog()
    health = build_health(
        validation, today=clock.today(), reports=log.reports, department=department
    )

    cols = st.columns(5)
    cols[0].metric("Fejl", health.error_count)
    cols[1].metric("Advarsler", len(health.problems) - health.error_count)
    cols[2].metric("Forældede", len(health.stale))
    cols[3].metric("Mangler oplysninger", len(health.missing))
    cols[4].metric("Åbne fejlmeldinger", sum(len(r) for r in health.open_reports.values()))

    st.header("Fejl og advarsler i datafilerne")
    st.caption(
        "Ret fejlen i filen og på linjen, der står (stien er inde i datamappen). Kør "
        "`.venv/bin/landkort validate data` for at tjekke igen."
    )
    full_table(problem_rows(health), "Ingen fejl eller advarsler. 👍")
    if directory is None:
        st.warning(
            "Data har fejl, så resten af siden kan først vises, når fejlene ovenfor er rettet. "
            "De andre sider viser fejllisten, indtil da."
        )
        st.stop()

    sections(health, directory, viewer, log.skipped_lines)
