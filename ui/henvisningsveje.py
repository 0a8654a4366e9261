"""Widgets of the page Henvisningsveje (streamlit; no caching, no graph logic).

The analyses live in `directory.graph.analysis`, the figures and tables in
`directory.present.graph_plot`; this module only reads widgets and renders. Keys that tests
and the browser rely on: `CHART_KEY` (the unit graph), `DEPARTMENT_CHART_KEY` (the graph
aggregated to forvaltninger), `FOCUS_KEY` (the focus unit, shared as the query parameter
`?enhed=`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

import ui
from directory.access import Viewer
from directory.graph.analysis import ReferralGraph
from directory.present import graph_plot as gp

CHART_KEY = "henvisningsgraf"
DEPARTMENT_CHART_KEY = "henvisningsgraf-forvaltninger"
MATRIX_KEY = "henvisningsmatrix"
TABS_KEY = "hv_fane"
FOCUS_KEY = "hv_fokus"
FOCUS_PARAM = "enhed"
NEED_KEY = "hv_behov"
DEPARTMENTS_KEY = "hv_forvaltninger"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md_escape(text: str) -> str:
    """Data made literal in st.markdown (markdown, HTML, LaTeX and :emoji: syntax)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def unit_link(rg: ReferralGraph, unit_id: str) -> str:
    return f"[{md_escape(rg.name(unit_id))}]({ui.unit_href(unit_id)})"


def path_links(rg: ReferralGraph, path: list[str]) -> str:
    return " → ".join(unit_link(rg, u) for u in path)


def _unit_picker(rg: ReferralGraph, label: str, key: str, placeholder: str, **kwargs) -> str | None:
    nodes = rg.graph.nodes
    return st.selectbox(
        label,
        list(rg.graph),
        index=None,
        key=key,
        placeholder=placeholder,
        format_func=lambda u: f"{nodes[u]['name']} · {nodes[u]['department_name']}",
        **kwargs,
    )


def unit_table(frame: pd.DataFrame, empty: str) -> None:
    """A table whose `id`/`id_<n>` columns become links to the unit pages."""
    if frame.empty:
        st.success(empty)
        return
    frame = frame.copy()
    config = {}
    for column in [c for c in frame.columns if c == "id" or c.startswith("id_")]:
        frame[column] = frame[column].map(lambda u: ui.unit_href(u) if isinstance(u, str) else None)
        label = "Side" if column == "id" else f"Enhed {column[3:]}"
        config[column] = st.column_config.LinkColumn(label, display_text=r"enhed\?id=(.*)$")
    st.dataframe(frame, column_config=config, hide_index=True)


def picked(state: Any) -> str | None:
    """The id (`customdata`) of the first selected node in a plotly selection state."""
    for point in state["selection"]["points"]:
        value = point.get("customdata")
        value = value[0] if isinstance(value, list) and value else value
        if isinstance(value, str) and value:
            return value
    return None


def _on_select(key: str, accept: Callable[[str], None]) -> Callable[[], None]:
    def callback() -> None:
        value = picked(st.session_state[key])
        if value is not None:
            accept(value)

    return callback


def _focus(unit_id: str) -> None:
    st.session_state[FOCUS_KEY] = unit_id


def _department(dept_id: str) -> None:
    st.session_state[DEPARTMENTS_KEY] = [dept_id]


def graph_section(rg: ReferralGraph) -> None:
    labels = gp.department_labels(rg)
    left, middle, right, far = st.columns([3, 2, 3, 1])
    departments = left.multiselect(
        "Forvaltninger",
        rg.departments(),
        format_func=labels.get,
        key=DEPARTMENTS_KEY,
        placeholder="Alle forvaltninger",
    )
    need = middle.selectbox("Behov", rg.needs, index=None, key=NEED_KEY, placeholder="Alle behov")
    if FOCUS_KEY not in st.session_state and st.query_params.get(FOCUS_PARAM) in rg:
        st.session_state[FOCUS_KEY] = st.query_params[FOCUS_PARAM]
    with right:
        focus = _unit_picker(rg, "Fokus på enhed", FOCUS_KEY, "Hele systemet")
    if focus:
        st.query_params[FOCUS_PARAM] = focus
    elif FOCUS_PARAM in st.query_params:
        del st.query_params[FOCUS_PARAM]
    depth = far.selectbox(
        "Skridt", [1, 2, 3], key="hv_dybde", help="Hvor mange henvisninger væk fra fokus-enheden"
    )
    view = rg.view(departments, need, focus, depth)
    if focus is None and len(view) > gp.UNIT_VIEW_LIMIT:
        st.info(
            f"{len(view)} enheder er for mange at vise enkeltvis, så grafen viser forvaltningerne. "
            "Klik på en forvaltning, vælg et behov, eller vælg en enhed for at se dens nabolag."
        )
        figure, key, accept = gp.department_figure(rg, view), DEPARTMENT_CHART_KEY, _department
    else:
        figure, key, accept = gp.unit_figure(rg, view, focus), CHART_KEY, _focus
    if not len(view):
        st.info("Ingen henvisninger passer til de valgte filtre.")
    st.caption(
        "Farve = forvaltning · ◆ = indgang for borgere · hold musen over en pil for behov · klik "
        "på en enhed for at fokusere"
    )
    st.plotly_chart(figure, key=key, on_select=_on_select(key, accept), selection_mode="points")
    with st.expander(f"Enheder i grafen ({len(view)})", expanded=focus is not None):
        unit_table(gp.units_frame(rg, sorted(view, key=rg.name)), "Ingen enheder.")


def path_section(rg: ReferralGraph) -> None:
    st.subheader("Find vej mellem to enheder")
    left, right = st.columns(2)
    with left:
        start = _unit_picker(rg, "Fra", "hv_fra", "Vælg enhed")
    with right:
        goal = _unit_picker(rg, "Til", "hv_til", "Vælg enhed")
    if start and goal:
        paths = rg.shortest_paths(start, goal, k=4)
        if not paths:
            st.warning("Der er ingen henvisningsvej mellem de to enheder i data.")
        for i, path in enumerate(paths):
            title = "Korteste vej" if i == 0 else "Alternativ"
            st.markdown(f"**{title}** ({len(path) - 1} skift): {path_links(rg, path)}")
    st.subheader("Hvor kan borgeren sendes hen?")
    left, middle, right = st.columns([3, 2, 1])
    with left:
        origin = _unit_picker(rg, "Fra min enhed", "hv_min_enhed", "Vælg enhed")
    need = middle.selectbox(
        "For behovet", rg.needs, index=None, key="hv_behov_fra", placeholder="Alle behov"
    )
    steps = right.selectbox("Højst skridt", [1, 2, 3, 4, 5], index=2, key="hv_skridt")
    if origin:
        reach = rg.reachable(origin, need=need, max_steps=steps)
        unit_table(
            gp.reach_frame(rg, reach),
            "Herfra fører ingen henvisninger videre (med de valgte filtre).",
        )


def doors_caption(rg: ReferralGraph) -> str:
    rule = (
        "markeret med x-front-door"
        if rg.front_doors_marked
        else "med Kontaktcenter, Borgerservice eller Jobcenter i navnet"
    )
    doors = ", ".join(rg.name(u) for u in rg.front_doors()) or "ingen fundet"
    return f"Indgange (enheder {rule}): {doors}."


def titled_table(title: str, caption: str, frame: pd.DataFrame, empty: str) -> None:
    st.subheader(title)
    st.caption(caption)
    unit_table(frame, empty)


def hubs_section(rg: ReferralGraph) -> None:
    sample = (
        f" Beregnet ud fra {rg.betweenness_sample} tilfældige startenheder."
        if rg.betweenness_sample
        else ""
    )
    titled_table(
        "Knudepunkter",
        "Enheder med flest henvisninger ind og ud.",
        gp.stats_frame(rg, rg.hubs(15)),
        "Ingen henvisninger.",
    )
    titled_table(
        "Flaskehalse",
        "Enheder som mange af de korteste henvisningsveje går igennem (Mellemled: andel af "
        f"vejene).{sample}",
        gp.stats_frame(rg, rg.bottlenecks(15)),
        "Ingen enhed er mellemled.",
    )


def loops_section(rg: ReferralGraph) -> None:
    titled_table(
        "Sløjfer (kastebold)",
        "Henvisninger der kan gå i ring mellem op til 4 enheder, så borgeren ender, hvor hun "
        "startede.",
        gp.loops_frame(rg),
        "Ingen sløjfer på op til 4 enheder.",
    )


def dead_ends_section(rg: ReferralGraph) -> None:
    titled_table(
        "Blindgyder",
        "Enheder der modtager borgere, men aldrig henviser videre. Det kan være rigtigt, men tjek "
        "det.",
        gp.units_frame(rg, rg.dead_ends()),
        "Ingen blindgyder.",
    )
    titled_table(
        "Kan ikke nås fra indgangene",
        doors_caption(rg),
        gp.units_frame(rg, rg.unreachable_from_front_doors()),
        "Alle enheder kan nås.",
    )


def bus_factor_section(rg: ReferralGraph) -> None:
    titled_table(
        "Områder der hænger på én person",
        "Områder med kun én nøgleperson (gatekeeper), som ikke har en stedfortræder.",
        gp.bus_factor_frame(rg),
        "Alle områder har en stedfortræder eller flere nøglepersoner.",
    )


def matrix_section(rg: ReferralGraph) -> None:
    st.subheader("Henvisninger mellem forvaltninger")
    st.caption("Antal henvisninger fra forvaltningen i rækken til forvaltningen i kolonnen.")
    st.plotly_chart(gp.matrix_figure(rg), key=MATRIX_KEY)
    with st.expander("Som tabel"):
        st.dataframe(gp.matrix_frame(rg))


# The page's tabs, in order: label and what renders it (only the open tab is computed).
SECTIONS: dict[str, Callable[[ReferralGraph], None]] = {
    "Graf": graph_section,
    "Find vej": path_section,
    "Knudepunkter": hubs_section,
    "Sløjfer": loops_section,
    "Blindgyder": dead_ends_section,
    "Sårbare områder": bus_factor_section,
    "Mellem forvaltninger": matrix_section,
}
# Tabs about colleagues (gatekeepers and their backups): staff only.
STAFF_SECTIONS = frozenset({"Sårbare områder"})


def sections(viewer: Viewer) -> dict[str, Callable[[ReferralGraph], None]]:
    """The tabs this viewer sees (the public view has no contacts to analyse)."""
    return {k: v for k, v in SECTIONS.items() if viewer.staff or k not in STAFF_SECTIONS}
