"""Ringelister og eksport: the call-list table and its downloads (rendering only)."""

from __future__ import annotations

from typing import Any

import streamlit as st

import ui.auth
import ui.escape
import ui.links
import ui.serving
import ui.soeg
from directory import Directory
from directory.exports import export
from directory.model import cut
from directory.rules import clock
from ui.escape import md_escape
from ui.links import unit_href


# -- Ringelister ----------------------------------------------------------------------------
def call_rows(rows: list[export.CallRow]) -> list[dict[str, Any]]:
    """Call-list rows for the table, the unit id turned into a link to its page."""
    table = export.rows_as_dicts(rows)
    for row, call_row in zip(table, rows, strict=True):
        del row[export.HEADERS_DA["unit_id"]]
        row["Link"] = unit_href(call_row.unit_id)
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
        export.call_list_html(rows, title, public=public, generated=clock.today()),
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
    staff = ui.auth.viewer().staff and not public
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


def page() -> None:
    """The page (pages/ringeliste.py is its adapter)."""
    directory = ui.serving.require_directory()
    st.title("Ringelister og eksport")
    ui.serving.example_notice(directory)

    query = st.text_input(
        "Ringeliste ud fra en søgning (valgfrit)",
        value=st.query_params.get("q", ""),
        placeholder="fx hjemløs, jobcenter, misbrug",
        help=(
            "Skriv en søgning for at få en ringeliste over de enheder, den finder. "
            "Tom: vælg en forvaltning."
        ),
    ).strip()
    if query:
        st.query_params["q"] = query
        st.query_params.pop("forvaltning", None)
        ui.soeg.clipped_notice(query)
        unit_ids = export.unit_ids_from_hits(ui.serving.search_index().search(query, limit=50))
        heading, slug = f"søgning »{cut(query)}«", "soegning"
        sheet = f"Søgning {cut(query)}"
    else:
        st.query_params.pop("q", None)
        ids = list(directory.departments)
        wanted = st.query_params.get("forvaltning")
        chosen = st.selectbox(
            "Forvaltning",
            ids,
            index=ids.index(wanted) if wanted in ids else 0,
            format_func=lambda d: directory.departments[d].label,
        )
        st.query_params["forvaltning"] = chosen
        unit_ids = export.units_of_department(directory, chosen)
        heading, slug = directory.departments[chosen].label, chosen
        department = directory.departments[chosen]
        sheet = f"Ringeliste {department.short or department.name}"

    if ui.auth.viewer().staff:
        public = st.toggle(
            "Offentlig udgave",
            help=(
                "Uden fast track-numre, interne numre og kontaktpersoner: til opslag uden for "
                "huset."
            ),
        )
    else:
        public = True  # the directory is the public view already: the lists can hold no more
    rows = export.call_list(ui.serving.public_directory() if public else directory, unit_ids)
    title = f"Ringeliste: {heading}"
    st.header(f"Ringeliste: {md_escape(heading)}", anchor=False)
    if not rows:
        st.info("Ingen enheder at vise. Prøv en anden søgning eller forvaltning.")
        st.stop()
    st.caption(
        f"{len(rows)} enheder. »Ring først« er fast track-nummeret, når der er et (kun for "
        "medarbejdere)."
        if not public
        else f"{len(rows)} enheder. Offentlig udgave: kun offentlige numre."
    )
    call_table(rows)

    call_list_downloads(
        ui.serving.public_directory() if public else directory,
        rows,
        unit_ids,
        title=title,
        sheet=sheet,
        slug=slug,
        public=public,
    )
    directory_json_download(directory, public=public)
