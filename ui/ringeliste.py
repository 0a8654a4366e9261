"""Ringelister og eksport: the call-list table and its downloads (rendering only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

import ui
from directory import Directory
from directory.exports import export


# -- Ringelister ----------------------------------------------------------------------------
def call_rows(rows: list[export.CallRow]) -> list[dict[str, Any]]:
    """Call-list rows for the table, the unit id turned into a link to its page."""
    table = export.rows_as_dicts(rows)
    for row, call_row in zip(table, rows, strict=True):
        del row[export.HEADERS_DA["unit_id"]]
        row["Link"] = ui.unit_href(call_row.unit_id)
    return table


def call_table(rows: list[export.CallRow]) -> None:
    """The call list on the page: "Ring først" and the gatekeeper wide enough to be read in
    full (a number with its kind and label), the unit's page one click away."""
    st.dataframe(
        call_rows(rows),
        hide_index=True,
        width="stretch",
        column_config={
            export.HEADERS_DA["unit"]: st.column_config.TextColumn(width="medium"),
            export.HEADERS_DA["call_first"]: st.column_config.TextColumn(width="large"),
            export.HEADERS_DA["gatekeeper"]: st.column_config.TextColumn(width="large"),
            export.HEADERS_DA["hours"]: st.column_config.TextColumn(width="large"),
            "Link": st.column_config.LinkColumn("Link", display_text="Åbn"),
        },
    )


def call_list_downloads(
    directory: Directory,
    rows: list[export.CallRow],
    unit_ids: list[str],
    *,
    title: str,
    sheet: str,
    slug: str,
    public: bool,
) -> None:
    """Download buttons: CSV, Excel (its sheet named `sheet`), a printable page and (staff
    only) the contacts as vCard."""
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
        export.call_list_xlsx(rows, title, sheet),
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


def directory_json_download(directory: Directory, *, public: bool) -> None:
    """The whole landkort as JSON (as `landkort export json`): the staff version only for
    staff who have not chosen the public version; everyone else gets the public one."""
    staff = ui.viewer().staff and not public
    st.header("Hele landkortet som JSON")
    st.caption(
        "Alle forvaltninger, enheder, adresser og henvisningsveje i én fil, til andre systemer."
        + (
            " Medarbejderudgave: med fast track-numre, interne numre og kontaktpersoner."
            if staff
            else " Offentlig udgave: uden fast track-numre, interne numre og kontaktpersoners "
            "direkte numre."
        )
    )
    st.download_button(
        "Hent JSON" + ("" if staff else " (offentlig udgave)"),
        export.directory_json_text(directory, public=not staff),
        f"landkort{'' if staff else '-offentlig'}.json",
        "application/json",
        icon=":material/data_object:",
    )
