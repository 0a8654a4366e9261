"""'Meld en fejl' widgets: the report form on a unit page and the open-reports list.

Rendering only: storing, validation and grouping live in `directory.quality.reports`. The reports
folder is `LANDKORT_REPORTS` (default `var/reports`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import streamlit as st

import ui
from directory import Directory, Severity, Unit
from directory.exports import export
from directory.quality.health import Health
from directory.quality.reports import (
    MAX_NAME,
    MAX_WHAT,
    Report,
    ReportError,
    ReportProblem,
    ReportStore,
)

# The Danish (klarsprog) message for each refusal from the core.
MESSAGES_DA = {
    ReportProblem.EMPTY_TEXT: "Skriv, hvad der er forkert, før du sender.",
    ReportProblem.TOO_LONG: f"Teksten er for lang. Skriv højst {MAX_WHAT} tegn.",
    ReportProblem.UNKNOWN_UNIT: "Enheden findes ikke længere i data. Genindlæs siden.",
    ReportProblem.NAME_TOO_LONG: f"Navnet er for langt. Skriv højst {MAX_NAME} tegn.",
    ReportProblem.EMPTY_CLOSER: "Skriv dit navn, så man kan se, hvem der lukkede fejlen.",
    ReportProblem.UNKNOWN_REPORT: "Fejlmeldingen findes ikke. Genindlæs siden.",
    ReportProblem.ALREADY_CLOSED: "Fejlmeldingen er allerede lukket.",
}
SAVE_FAILED_DA = (
    "Fejlmeldingen kunne ikke gemmes lige nu. Prøv igen om lidt, eller skriv til enhedens ejer."
)


def report_form(unit: Unit, directory: Directory | None = None) -> None:
    """The 'Meld en fejl' form at the bottom of a unit page."""
    directory = directory or ui.validation().directory
    with st.expander("Meld en fejl", icon=":material/flag:"):
        st.caption(
            "Er et nummer, en person eller en åbningstid forkert? Skriv det her. "
            f"Beskeden går til den, der holder enheden opdateret ({ui.md_escape(unit.owner or 'ingen ejer angivet')})."
        )
        with st.form(key=f"report-{unit.id}", clear_on_submit=False):
            what = st.text_area(
                "Hvad er forkert?", max_chars=MAX_WHAT, key=f"report-what-{unit.id}"
            )
            reporter = st.text_input(
                "Dit navn eller din mail (frivilligt)",
                max_chars=MAX_NAME,
                key=f"report-who-{unit.id}",
            )
            sent = st.form_submit_button("Send fejlmelding")
        if not sent:
            return
        try:
            ReportStore().add(unit.id, what, reporter=reporter, directory=directory)
        except ReportError as exc:
            st.error(MESSAGES_DA[exc.code])
        except OSError:
            st.error(SAVE_FAILED_DA)
        else:
            st.success(
                "Tak! Fejlmeldingen er gemt, og den, der holder enheden opdateret, kan se den."
            )


def close_form(report: Report) -> None:
    """A small form that closes one open report."""
    with st.form(key=f"close-{report.id}"):
        cols = st.columns([3, 4, 1], vertical_alignment="bottom")
        by = cols[0].text_input("Lukket af", max_chars=MAX_NAME, key=f"close-by-{report.id}")
        note = cols[1].text_input(
            "Note (frivilligt)", max_chars=MAX_WHAT, key=f"close-note-{report.id}"
        )
        done = cols[2].form_submit_button("Luk", help="Luk fejlmeldingen, når data er rettet")
    if not done:
        return
    try:
        ReportStore().close(report.id, by=by, note=note)
    except ReportError as exc:
        st.error(MESSAGES_DA[exc.code])
    except OSError:
        st.error(SAVE_FAILED_DA)
    else:
        st.toast("Fejlmeldingen er lukket.")
        st.rerun()


# -- Datakvalitet tables ----------------------------------------------------------------------
_LINK = {"Link": st.column_config.LinkColumn("Link", display_text="Åbn")}


def show_table(rows: list[dict[str, Any]], empty: str, *, links: bool = False) -> None:
    """A plain dataframe (data is never interpreted as markdown), or a line when empty."""
    if not rows:
        st.caption(empty)
        return
    st.dataframe(rows, hide_index=True, width="stretch", column_config=_LINK if links else None)


def problem_rows(health: Health) -> list[dict[str, Any]]:
    kind = {Severity.ERROR: "Fejl", Severity.WARNING: "Advarsel"}
    return [
        {"Fil:linje": p.where, "Type": kind[p.severity], "Besked": p.message}
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
            "Type": s.kind.value,
            "Navn": s.name,
            "Forvaltning": s.department,
            "Ejer": s.owner,
            "Tjekket": s.verified.isoformat(),
            "Dage siden": s.days,
            "Fil:linje": s.where,
        }
        for s in health.stale
    ]


def missing_rows(health: Health) -> list[dict[str, Any]]:
    return [
        {
            "Enhed": m.name,
            "Mangler": ", ".join(x.value for x in m.missing),
            "Forvaltning": m.department,
            "Ejer": m.owner,
            "Link": ui.unit_href(m.unit_id),
        }
        for m in health.missing
    ]


def no_backup_rows(health: Health) -> list[dict[str, Any]]:
    return [
        {
            "Gatekeeper": b.name,
            "Id": b.contact_id,
            "Problem": b.problem,
            "Enhed": b.unit,
            "Forvaltning": b.department,
            "Ejer": b.owner,
            "Link": ui.unit_href(b.unit_id),
        }
        for b in health.no_backup
    ]


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


def open_reports(grouped: dict[str, list[Report]], directory: Directory) -> None:
    """Open reports per owner, each with its close form."""
    if not grouped:
        st.caption("Ingen åbne fejlmeldinger.")
        return
    for owner, reports in grouped.items():
        st.markdown(
            f"**{ui.md_escape(owner)}** · {len(reports)} {'åben' if len(reports) == 1 else 'åbne'}"
        )
        for report in reports:
            _report_card(report, directory)


def _report_card(report: Report, directory: Directory) -> None:
    unit = directory.units.get(report.unit_id)
    with st.container(border=True):
        name = ui.md_escape(unit.name if unit else report.unit_id)
        st.markdown(
            f"[{name}]({ui.unit_href(report.unit_id)}) · meldt {ui.md_escape(report.reported_at[:16].replace('T', ' '))}"
            + (f" af {ui.md_escape(report.reporter)}" if report.reporter else "")
        )
        st.text(report.what)
        close_form(report)


def department_options(ids: Iterable[str], directory: Directory | None) -> dict[str | None, str]:
    """Selectbox choices: all, then each department by name (by id when data has errors)."""
    options: dict[str | None, str] = {None: "Alle forvaltninger"}
    for dept_id in ids:
        dept = directory.departments.get(dept_id) if directory else None
        options[dept_id] = dept.label if dept else dept_id
    return options


# -- Ringelister ----------------------------------------------------------------------------
def call_rows(rows: list[export.CallRow]) -> list[dict[str, Any]]:
    """Call-list rows for the table, the unit id turned into a link to its page."""
    table = export.rows_as_dicts(rows)
    for row, call_row in zip(table, rows, strict=True):
        del row[export.HEADERS_DA["unit_id"]]
        row["Link"] = ui.unit_href(call_row.unit_id)
    return table


def call_list_downloads(
    directory: Directory,
    rows: list[export.CallRow],
    unit_ids: list[str],
    *,
    title: str,
    slug: str,
    public: bool,
) -> None:
    """Download buttons: CSV, Excel, a printable page and (staff only) the contacts as vCard."""
    name = f"ringeliste-{slug}{'-offentlig' if public else ''}"
    cols = st.columns(4)
    cols[0].download_button(
        "CSV (Excel)",
        export.call_list_csv(rows),
        f"{name}.csv",
        "text/csv",
        icon=":material/table:",
    )
    cols[1].download_button(
        "Excel (xlsx)",
        export.call_list_xlsx(rows, title),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/grid_on:",
    )
    cols[2].download_button(
        "Side til udskrift",
        export.call_list_html(rows, title, public=public, generated=dt.date.today()),
        f"{name}.html",
        "text/html",
        icon=":material/print:",
        help="Åbn filen i browseren, og udskriv den (Ctrl+P).",
    )
    contacts = export.contact_count(directory, unit_ids)
    if not public and contacts:
        cols[3].download_button(
            f"Kontakter som vCard ({contacts})",
            export.contacts_vcf(directory, unit_ids, version="3.0"),
            f"kontakter-{slug}.vcf",
            "text/vcard",
            icon=":material/contacts:",
            help="vCard 3.0: kan importeres i Outlook, på iPhone og Android.",
        )
