"""Ringelister og eksport: the call list of a forvaltning or a search, as CSV, Excel, print, vCard.

`?forvaltning=<id>` or `?q=<search>` makes a shareable link to a list.
"""

import streamlit as st

import ui
import ui.ringeliste
import ui.soeg
from directory.exports import export
from directory.model import cut

directory = ui.require_directory()
st.title("Ringelister og eksport")
ui.example_notice(directory)

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
    unit_ids = export.unit_ids_from_hits(ui.search_index().search(query, limit=50))
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

if ui.viewer().staff:
    public = st.toggle(
        "Offentlig udgave",
        help=(
            "Uden fast track-numre, interne numre og kontaktpersoner: til opslag uden for huset."
        ),
    )
else:
    public = True  # the directory is the public view already: the lists can hold no more
rows = export.call_list(ui.public_directory() if public else directory, unit_ids)
title = f"Ringeliste: {heading}"
st.header(f"Ringeliste: {ui.md_escape(heading)}", anchor=False)
if not rows:
    st.info("Ingen enheder at vise. Prøv en anden søgning eller forvaltning.")
    st.stop()
st.caption(
    f"{len(rows)} enheder. »Ring først« er fast track-nummeret, når der er et (kun for "
    "medarbejdere)."
    if not public
    else f"{len(rows)} enheder. Offentlig udgave: kun offentlige numre."
)
ui.ringeliste.call_table(rows)

ui.ringeliste.call_list_downloads(
    ui.public_directory() if public else directory,
    rows,
    unit_ids,
    title=title,
    sheet=sheet,
    slug=slug,
    public=public,
)
ui.ringeliste.directory_json_download(directory, public=public)
