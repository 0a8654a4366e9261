"""Behov: the needs vocabulary, each need with its codes, its words and the units it reaches
(rendering only; the vocabulary is `directory.rules.vocabulary`)."""

from __future__ import annotations

from typing import Any

import streamlit as st

import ui.serving
from directory import Directory
from directory.model import cut
from directory.rules.query import MAX_QUERY_CHARS
from directory.rules.vocabulary import Reach, Vocabulary, VocabularyNeed, reach, vocabulary
from directory.rules.words import key
from ui.escape import md_escape
from ui.links import unit_href
from ui.widgets import show_table

INTRO = (
    "Behovsordbogen er de behov, en borger kan have, og de ord, kolleger og borgere bruger om "
    "dem. Den følger med landkortet og bygger på KL's klassifikationer FFB (det sociale "
    "område) og FSIII (sundheds- og ældreområdet); datamappens `needs.yaml` tilføjer lokale "
    "behov og ord. Et behov når de enheder, hvis egne ord (navn, nøgleord, målgrupper, "
    "ansvarsområder, beskrivelse) rummer et af dets ord. Søg og Borgerens situation læser "
    "borgerens situation med de samme ord."
)
GROW = (
    "Mangler et ord? En datakoordinator tilføjer det på siden Datakvalitet (under »Ord, der "
    "mangler« eller »Søgninger uden resultater«), eller i `needs.yaml`."
)
SHOWN_UNITS = 50  # units listed under a need (the rest: a count)
SHOWN_WORDS = 8  # words in the table's column (all of them under the need)


def source(need: VocabularyNeed) -> str:
    if need.national and need.local:
        return "National + needs.yaml"
    return "needs.yaml" if need.local else "National"


def need_rows(vocab: Vocabulary, found: Reach, query: str = "") -> list[dict[str, Any]]:
    """One row per need (those whose label or words hold `query`, when given)."""
    wanted = key(query.strip()[:MAX_QUERY_CHARS])
    rows = []
    for need in vocab.needs:
        words = [*need.words, *need.everyday]
        if wanted and not any(wanted in key(text) for text in [need.label, need.id, *words]):
            continue
        shown = ", ".join(words[:SHOWN_WORDS]) + (" …" if len(words) > SHOWN_WORDS else "")
        rows.append(
            {
                "Behov": need.label,
                "Område": need.area,
                "Koder": need.code_text or "–",
                "Ord": shown,
                "Enheder": len(found.units(need.id)),
                "Kilde": source(need),
            }
        )
    return rows


def need_details(need: VocabularyNeed, found: Reach, directory: Directory) -> None:
    """One need: its codes, all its words and the units it reaches (with the words found)."""
    st.header(need.label, anchor=False)
    if need.description:
        st.markdown(md_escape(need.description))
    if need.codes:
        st.markdown(
            "**Koder:** "
            + "; ".join(md_escape(f"{c.system} {c.display} ({c.code})") for c in need.codes)
        )
    else:
        st.markdown("**Koder:** ingen (hverken FFB eller FSIII dækker behovet)")
    st.markdown("**Ord, der også kobler enheder:** " + md_escape(", ".join(need.words)))
    if need.everyday:
        st.markdown("**Hverdagsudtryk i en situation:** " + md_escape(", ".join(need.everyday)))
    if need.broader:
        names = [vocab_label(directory, other) for other in need.broader]
        st.markdown("**Når ingen enhed passer, bruges:** " + md_escape(", ".join(names)))
    reached = found.units(need.id)
    if not reached:
        st.caption("Behovet når ingen enhed i data.")
        return
    st.markdown(f"**Enheder, behovet når** ({len(reached)}, stærkest først):")
    rows = [
        {
            "Enhed": unit_href(r.unit_id),
            "Navn": directory.units[r.unit_id].name,
            "Ord i enheden": ", ".join(r.phrases[:4]),
        }
        for r in reached[:SHOWN_UNITS]
        if r.unit_id in directory.units
    ]
    show_table(rows, "Ingen enheder.", links=True)
    if len(reached) > SHOWN_UNITS:
        st.caption(f"Viser {SHOWN_UNITS} af {len(reached)}.")


def vocab_label(directory: Directory, need_id: str) -> str:
    need = vocabulary(directory).need(need_id)
    return need.label if need is not None else need_id


def page() -> None:
    """The page (pages/behov.py is its adapter)."""
    directory = ui.serving.require_directory()
    ui.serving.example_notice(directory)
    st.title("Behov", anchor=False)
    st.markdown(INTRO)
    vocab, found = vocabulary(directory), reach(directory)
    local = sum(need.local for need in vocab.needs)
    reached = sum(1 for unit_id in directory.units if found.needs_of(unit_id))
    st.caption(
        f"{len(vocab.needs)} behov ({local} fra needs.yaml); {reached} af "
        f"{len(directory.units)} enheder nås af mindst ét behov."
    )
    query = st.text_input("Find et behov eller et ord", key="find", max_chars=MAX_QUERY_CHARS)
    rows = need_rows(vocab, found, query or "")
    show_table(rows, "Intet behov har det ord. Prøv et andet.")
    options = {need.id: need.label for need in vocab.needs}
    wanted = st.query_params.get("behov")
    if wanted and wanted not in options:
        st.warning(f"Der findes intet behov med id »{md_escape(cut(wanted))}«. Vælg et herunder.")
        wanted = None
    chosen = st.selectbox(
        "Vis et behov",
        list(options),
        index=list(options).index(wanted) if wanted else None,
        format_func=options.__getitem__,
        placeholder="Vælg et behov",
    )
    if chosen:
        st.query_params["behov"] = chosen
        need = vocab.need(chosen)
        if need is not None:
            need_details(need, found, directory)
    else:
        st.query_params.pop("behov", None)
    st.caption(GROW)
