"""Widgets of the page Henvisningsveje (streamlit; no caching, no graph logic).

The analyses live in `directory.graph.analysis`, the figures, tables and CSV in
`ui.present.graph_plot`; this module only reads widgets and renders. The page starts
from questions ("Hvor kan en borger med behov X gå hen fra enhed Y?", "Hvilke sløjfer sender
borgere rundt?"). Keys that tests and the browser rely on: `CHART_KEY` (a unit graph),
`DEPARTMENT_CHART_KEY` (the graph aggregated to forvaltninger), `FOCUS_KEY` (the unit the
first tab starts from, shared as the query parameter `?enhed=`).

At 10,000 units the page stays small: a unit picker is a search box and at most
`PICKER_LIMIT` matching units (`ui.widgets.unit_picker`), a table shows its first
`TABLE_LIMIT` rows and says how many there are (the whole table as CSV, made when asked
for), the loops tab shows the first `LOOP_LIMIT` loops as cards, and the graphs show a
labelled part, never thousands of units.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

import ui.auth
import ui.serving
from directory.access import Viewer
from directory.graph.analysis import Reach, ReferralGraph
from ui import widgets
from ui.escape import md_escape
from ui.links import unit_href
from ui.present import graph_plot as gp
from ui.widgets import PICKER_LIMIT as PICKER_LIMIT  # the tests and pages read them here
from ui.widgets import SEARCH_SUFFIX as SEARCH_SUFFIX

CHART_KEY = "henvisningsgraf"
DEPARTMENT_CHART_KEY = "henvisningsgraf-forvaltninger"
MATRIX_KEY = "henvisningsmatrix"
TABS_KEY = "hv_fane"
FOCUS_KEY = "hv_fokus"
FOCUS_PARAM = "enhed"
NEED_KEY = "hv_behov"
STEPS_KEY = "hv_skridt"
SYSTEM_NEED_KEY = "hv_system_behov"
MATRIX_TABLE_KEY = "hv_matrix_tabel"
MATRIX_FROM_KEY = "hv_matrix_fra"
MATRIX_TO_KEY = "hv_matrix_til"
DEPARTMENTS_KEY = "hv_forvaltninger"
TABLE_LIMIT = 50  # a table shows at most this many rows (the whole table as CSV)
LOOP_LIMIT = 20  # the loops tab shows at most this many loops as cards (all in its table)
DOORS_NAMED = 10  # the front doors named in a caption (then "og 109 flere")

Row = TypeVar("Row")


def unit_link(rg: ReferralGraph, unit_id: str) -> str:
    return f"[{md_escape(rg.name(unit_id))}]({unit_href(unit_id)})"


def path_links(rg: ReferralGraph, path: list[str]) -> str:
    return " → ".join(unit_link(rg, u) for u in path)


# The order of the graph's finder (`ReferralGraph.finder`), for the picker's caption.
GRAPH_ORDER = "indgange og enheder med flest henvisninger først"


def unit_picker(
    rg: ReferralGraph,
    label: str,
    key: str,
    search_label: str,
    placeholder: str,
    on_change: Callable[[], None] | None = None,
) -> str | None:
    """The shared unit picker (`ui.widgets.unit_picker`) over the graph's units, front doors
    and the most linked units first."""
    return widgets.unit_picker(
        label,
        rg.finder,
        key,
        search_label=search_label,
        placeholder=placeholder,
        order=GRAPH_ORDER,
        on_change=on_change,
    )


LINK_LABELS = {"id": "Side", "id_fra": "Fra-side", "id_til": "Til-side"}


def unit_table(
    rows: Sequence[Row],
    frame_of: Callable[[Sequence[Row]], pd.DataFrame],
    empty: str,
    download: str,
    noun: str = "rækker",
) -> None:
    """The table of `rows` (`frame_of` makes it): its first `TABLE_LIMIT` rows, and when there
    are more, "Viser 50 af 9.812 {noun}"; unit-id columns (`id`, `id_fra`, `id_til`) become
    "Åbn" links to the unit pages; a button saves the whole table as CSV (`download`.csv),
    made only when clicked."""
    if not rows:
        st.success(empty)
        return
    if len(rows) > TABLE_LIMIT:
        st.caption(
            f"Viser de første {TABLE_LIMIT} af {gp.count_da(len(rows))} {noun}. Hent hele "
            "tabellen som CSV."
        )
    shown = frame_of(rows[:TABLE_LIMIT])
    config: dict[str, Any] = {}
    for column in [c for c in shown.columns if c in LINK_LABELS]:
        shown[column] = shown[column].map(unit_href)
        config[column] = st.column_config.LinkColumn(LINK_LABELS[column], display_text="Åbn")
    st.dataframe(shown, column_config=config, hide_index=True)
    csv_button(lambda: frame_of(rows), download)


def csv_button(frame: Callable[[], pd.DataFrame], name: str) -> None:
    """Save a table as CSV; the table is made when the button is clicked."""
    st.download_button(
        "Hent tabellen som CSV",
        lambda: gp.csv_bytes(frame()),
        f"{name}.csv",
        "text/csv",
        key=f"csv-{name}",
        icon=":material/download:",
        help="Til Excel: felterne er adskilt med semikolon.",
        on_click="ignore",
    )


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


def _sync_focus() -> None:
    focus = st.session_state.get(FOCUS_KEY)
    if focus:
        st.query_params[FOCUS_PARAM] = focus
    elif FOCUS_PARAM in st.query_params:
        del st.query_params[FOCUS_PARAM]


def _focus_and_sync(unit_id: str) -> None:
    _focus(unit_id)
    _sync_focus()


def _open_unit(unit_id: str) -> None:
    """A unit clicked in the whole-system graph: ask the first tab's question from it."""
    _focus_and_sync(unit_id)
    st.session_state[TABS_KEY] = next(iter(SECTIONS))


def question_section(rg: ReferralGraph) -> None:
    """Where can a citizen with need X go from unit Y? A small, labelled graph and tables."""
    st.subheader("Hvor kan en borger gå hen herfra?")
    if FOCUS_KEY not in st.session_state:
        wanted = st.query_params.get(FOCUS_PARAM)
        st.session_state[FOCUS_KEY] = wanted if wanted in rg else rg.default_focus()
    left, middle, right = st.columns([3, 3, 1])
    with left:
        focus = unit_picker(
            rg, "Fra enheden", FOCUS_KEY, "Søg efter enheden", "Vælg en enhed", _sync_focus
        )
    need = middle.selectbox(
        "Borgeren har behovet",
        rg.needs,
        index=None,
        key=NEED_KEY,
        placeholder="Alle behov",
    )
    steps = right.selectbox(
        "Højst skridt",
        [1, 2, 3],
        key=STEPS_KEY,
        help="Hvor mange henvisninger efter hinanden der følges fra enheden",
    )
    if focus is None:
        st.info("Vælg en enhed for at se, hvor borgeren kan henvises hen derfra.")
        return
    reach = rg.reachable(focus, need=need, max_steps=steps)
    drawn = drawn_steps(reach, steps)
    view = rg.reach_view(focus, need, drawn)
    st.markdown(reach_sentence(rg, focus, need, reach, steps))
    if drawn < steps:
        st.info(
            f"{gp.count_da(len(reach))} enheder er for mange at vise i grafen, så den viser "
            f"dem inden for {drawn} skridt. Alle står i tabellen herunder."
        )
    st.caption(
        "Tallene er de henvisningsveje, der er skrevet ned i data, ikke målinger af, hvor "
        "borgerne faktisk går hen. Teksten på pilene er behovet (+ antal flere behov). "
        "Farve = forvaltning · ◆ = indgang for borgere · klik på en enhed for at gå videre "
        "derfra."
    )
    st.plotly_chart(
        gp.unit_figure(rg, view, focus, height=520),
        key=CHART_KEY,
        on_select=_on_select(CHART_KEY, _focus_and_sync),
        selection_mode="points",
    )
    st.markdown("**Enhederne borgeren kan henvises til**")
    unit_table(
        reach,
        lambda rows: gp.reach_frame(rg, list(rows)),
        "Herfra fører ingen henvisninger videre (med de valgte filtre).",
        download=f"henvisninger-fra-{focus}",
        noun="enheder",
    )
    with st.expander(f"Henvisningerne i grafen ({view.number_of_edges()})"):
        unit_table(
            list(view.edges),
            lambda rows: gp.edges_frame(rg, rows),
            "Ingen henvisninger.",
            download=f"henvisningsveje-fra-{focus}",
            noun="henvisninger",
        )


def drawn_steps(reach: list[Reach], steps: int) -> int:
    """How many steps the graph draws: `steps`, or fewer while the units within them are more
    than `graph_plot.UNIT_VIEW_LIMIT` (one step is always drawn)."""
    while steps > 1 and sum(1 for r in reach if r.steps <= steps) >= gp.UNIT_VIEW_LIMIT:
        steps -= 1
    return steps


def reach_sentence(
    rg: ReferralGraph, focus: str, need: str | None, reach: list[Reach], steps: int
) -> str:
    """The answer to the page's question, in one sentence."""
    who = f"En borger med behovet **{md_escape(need)}**" if need else "En borger"
    direct = sum(1 for r in reach if r.steps == 1)
    where = f"fra **{md_escape(rg.name(focus))}**"
    if not reach:
        return f"{who} kan ikke henvises videre {where} efter de dokumenterede henvisningsveje."
    text = f"{who} kan henvises {where} direkte til {direct} enhed{'er' if direct != 1 else ''}"
    if steps > 1:
        text += f" og i alt til {gp.count_da(len(reach))} inden for {steps} skridt"
    return text + "."


def graph_section(rg: ReferralGraph) -> None:
    """The whole system: per forvaltning by default (few labelled nodes, fast), the units of
    the chosen forvaltninger or need when asked."""
    st.subheader("Hele systemet")
    labels = gp.department_labels(rg)
    left, right = st.columns([3, 2])
    departments = left.multiselect(
        "Forvaltninger",
        rg.departments(),
        format_func=labels.get,
        key=DEPARTMENTS_KEY,
        placeholder="Alle forvaltninger",
    )
    need = right.selectbox(
        "Behov", rg.needs, index=None, key=SYSTEM_NEED_KEY, placeholder="Alle behov"
    )
    view = rg.view(departments, need)
    if not len(view):
        st.info("Ingen henvisninger passer til de valgte filtre.")
    per_department = not departments and need is None
    if per_department or len(view) > gp.UNIT_VIEW_LIMIT:
        if not per_department:
            st.info(
                f"{gp.count_da(len(view))} enheder er for mange at vise enkeltvis, så grafen viser "
                "forvaltningerne. Vælg færre forvaltninger eller et behov."
            )
        st.caption(
            "Én cirkel pr. forvaltning; pilens tykkelse er antallet af dokumenterede "
            "henvisninger mellem dem. Klik på en forvaltning for at se dens enheder."
        )
        figure, key = gp.department_figure(rg, view), DEPARTMENT_CHART_KEY
        accept: Callable[[str], None] = _department
    else:
        st.caption(
            "Farve = forvaltning · ◆ = indgang for borgere · teksten på pilene er behovet · "
            "klik på en enhed for at se, hvor borgeren kan gå hen derfra."
        )
        figure, key, accept = gp.unit_figure(rg, view), CHART_KEY, _open_unit
    st.plotly_chart(figure, key=key, on_select=_on_select(key, accept), selection_mode="points")
    with st.expander(f"Henvisninger i visningen ({gp.count_da(view.number_of_edges())})"):
        unit_table(
            sorted(view.edges, key=lambda e: (rg.name(e[0]), rg.name(e[1]))),
            lambda rows: gp.edges_frame(rg, rows),
            "Ingen henvisninger.",
            download="henvisningsveje",
            noun="henvisninger",
        )
    with st.expander(f"Enheder i visningen ({gp.count_da(len(view))})"):
        unit_table(
            sorted(view, key=rg.name),
            lambda rows: gp.units_frame(rg, list(rows)),
            "Ingen enheder.",
            download="enheder-i-visningen",
            noun="enheder",
        )


def path_section(rg: ReferralGraph) -> None:
    st.subheader("Find vej mellem to enheder")
    left, right = st.columns(2)
    with left:
        start = unit_picker(rg, "Fra", "hv_fra", "Søg efter fra-enheden", "Vælg enhed")
    with right:
        goal = unit_picker(rg, "Til", "hv_til", "Søg efter til-enheden", "Vælg enhed")
    if start and goal:
        paths = rg.shortest_paths(start, goal, k=4)
        if not paths:
            st.warning("Der er ingen henvisningsvej mellem de to enheder i data.")
        for i, path in enumerate(paths):
            title = "Korteste vej" if i == 0 else "Alternativ"
            st.markdown(f"**{title}** ({len(path) - 1} skift): {path_links(rg, path)}")


def doors_caption(rg: ReferralGraph) -> str:
    rule = (
        "markeret med x-front-door"
        if rg.front_doors_marked
        else "med Kontaktcenter, Borgerservice eller Jobcenter i navnet"
    )
    front = rg.front_doors()
    doors = ", ".join(md_escape(rg.name(u)) for u in front[:DOORS_NAMED]) or "ingen fundet"
    if len(front) > DOORS_NAMED:
        doors += f" og {gp.count_da(len(front) - DOORS_NAMED)} flere"
    return f"Indgange (enheder {rule}): {doors}."


def titled_table(
    title: str,
    caption: str,
    rows: Sequence[Row],
    frame_of: Callable[[Sequence[Row]], pd.DataFrame],
    empty: str,
    download: str,
    noun: str = "enheder",
) -> None:
    st.subheader(title)
    st.caption(caption)
    unit_table(rows, frame_of, empty, download, noun)


def hubs_section(rg: ReferralGraph) -> None:
    sample = (
        f" Beregnet ud fra {rg.betweenness_sample} tilfældige startenheder."
        if rg.betweenness_sample
        else ""
    )
    titled_table(
        "Knudepunkter",
        "Enheder med flest dokumenterede henvisninger ind og ud.",
        rg.hubs(15),
        lambda rows: gp.stats_frame(rg, list(rows)),
        "Ingen henvisninger.",
        download="knudepunkter",
    )
    bottlenecks = rg.bottlenecks(15)
    titled_table(
        "Flaskehalse",
        "Enheder som mange af de korteste henvisningsveje mellem to andre enheder går igennem. "
        f"Mellemled er andelen af de veje, der går gennem enheden.{sample}",
        bottlenecks,
        lambda rows: gp.stats_frame(rg, list(rows)),
        "Ingen enhed er mellemled.",
        download="flaskehalse",
    )
    if bottlenecks:
        st.markdown(md_escape(gp.betweenness_words(rg, bottlenecks[0])))


def loops_section(rg: ReferralGraph) -> None:
    loops = rg.loops()
    bounces = sum(1 for loop in loops if loop.is_bounce)
    st.subheader("Hvilke sløjfer sender borgere rundt?")
    st.caption(
        "Dokumenterede henvisningsveje, der går i ring mellem op til 4 enheder. "
        f"{gp.BOUNCE}: det samme behov står på hvert skridt, så en borger kan blive sendt hele "
        "vejen rundt. Samarbejde: enhederne henviser til hinanden for forskellige behov. "
        f"{bounces} af {len(loops)} sløjfer er kastebold."
    )
    if not loops:
        st.success("Ingen sløjfer på op til 4 enheder.")
        return
    if len(loops) > LOOP_LIMIT:
        st.caption(
            f"Viser de første {LOOP_LIMIT} af {gp.count_da(len(loops))} sløjfer (kastebold "
            "først). Alle står i tabellen nederst."
        )
    for loop in loops[:LOOP_LIMIT]:
        with st.container(border=True):
            st.markdown(f"**{gp.loop_kind(loop)}**: {path_links(rg, [*loop.units, loop.units[0]])}")
            st.markdown(
                "\n".join(
                    f"- {unit_link(rg, a)} → {unit_link(rg, b)}: {md_escape(', '.join(labels))}"
                    for a, b, labels in loop.hops
                )
            )
            st.caption(md_escape(gp.loop_verdict(rg, loop)))
    with st.expander("Sløjferne som tabel"):
        unit_table(
            loops,
            lambda rows: gp.loops_frame(rg, loops=rows),
            "Ingen sløjfer.",
            download="sloejfer",
            noun="sløjfer",
        )


def dead_ends_section(rg: ReferralGraph) -> None:
    titled_table(
        "Blindgyder",
        "Enheder der modtager borgere, men aldrig henviser videre. Det kan være rigtigt, men tjek "
        "det.",
        rg.dead_ends(),
        lambda rows: gp.units_frame(rg, list(rows)),
        "Ingen blindgyder.",
        download="blindgyder",
    )
    titled_table(
        "Kan ikke nås fra indgangene",
        doors_caption(rg),
        rg.unreachable_from_front_doors(),
        lambda rows: gp.units_frame(rg, list(rows)),
        "Alle enheder kan nås.",
        download="kan-ikke-naas",
    )


def bus_factor_section(rg: ReferralGraph) -> None:
    titled_table(
        "Områder der hænger på én person",
        "Områder med kun én nøgleperson (gatekeeper), som ikke har en stedfortræder.",
        rg.bus_factor_risks(),
        lambda rows: gp.bus_factor_frame(rg, rows),
        "Alle områder har en stedfortræder eller flere nøglepersoner.",
        download="saarbare-omraader",
        noun="områder",
    )


def _pick_cell(rg: ReferralGraph) -> Callable[[], None]:
    """Copy a clicked matrix cell into the "Fra"/"Til" pickers below the matrix."""

    def callback() -> None:
        cells = st.session_state[MATRIX_TABLE_KEY]["selection"]["cells"]
        if not cells:
            return
        cell = gp.matrix_cell(rg, *cells[0])
        if cell is not None:
            st.session_state[MATRIX_FROM_KEY], st.session_state[MATRIX_TO_KEY] = cell

    return callback


def matrix_section(rg: ReferralGraph) -> None:
    st.subheader("Henvisninger mellem forvaltninger")
    st.caption(
        "Antal dokumenterede henvisninger fra forvaltningen i rækken til forvaltningen i "
        "kolonnen. Klik på et tal i tabellen for at se henvisningerne bag det."
    )
    st.plotly_chart(gp.matrix_figure(rg), key=MATRIX_KEY)
    matrix = gp.matrix_frame(rg)
    st.dataframe(
        matrix,
        key=MATRIX_TABLE_KEY,
        on_select=_pick_cell(rg),
        selection_mode="single-cell",
    )
    csv_button(matrix.reset_index, "henvisninger-mellem-forvaltninger")
    labels = gp.department_labels(rg)
    left, right = st.columns(2)
    origin = left.selectbox(
        "Fra forvaltning",
        rg.departments(),
        index=None,
        key=MATRIX_FROM_KEY,
        format_func=labels.get,
        placeholder="Vælg eller klik på et tal",
    )
    target = right.selectbox(
        "Til forvaltning",
        rg.departments(),
        index=None,
        key=MATRIX_TO_KEY,
        format_func=labels.get,
        placeholder="Vælg eller klik på et tal",
    )
    if origin and target:
        edges = rg.department_edges(origin, target)
        st.markdown(
            f"**Henvisninger fra {md_escape(labels[origin])} til {md_escape(labels[target])}** "
            f"({sum(rg.graph.edges[e]['count'] for e in edges)})"
        )
        unit_table(
            edges,
            lambda rows: gp.edges_frame(rg, rows).drop(
                columns=["Fra forvaltning", "Til forvaltning"]
            ),
            "Ingen dokumenterede henvisninger mellem de to forvaltninger.",
            download=f"henvisninger-{origin}-til-{target}",
            noun="henvisninger",
        )


# The page's tabs, in order: label and what renders it (only the open tab is computed).
SECTIONS: dict[str, Callable[[ReferralGraph], None]] = {
    "Hvor kan borgeren gå hen?": question_section,
    "Hele systemet": graph_section,
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


def page() -> None:
    """The page (pages/henvisningsveje.py is its adapter)."""
    directory = ui.serving.require_directory()
    rg = ui.serving.referral_graph()

    st.title("Henvisningsveje")
    st.caption(
        "De dokumenterede henvisningsveje mellem enhederne: hvor en borger kan henvises hen, "
        "hvor henvisningerne samler sig, hvor de går i ring, og hvor de stopper. Tallene er "
        "henvisningsveje skrevet ned i data, ikke målinger af, hvordan borgerne faktisk "
        "bevæger sig."
    )
    ui.serving.example_notice(directory)
    if not directory.referrals:
        st.info("Der er ingen henvisninger i data endnu. Tilføj dem i referrals.yaml.")
        st.stop()

    shown = sections(ui.auth.viewer())
    tabs = st.tabs(list(shown), key=TABS_KEY, on_change="rerun")
    for tab, render in zip(tabs, shown.values(), strict=True):
        if tab.open:
            with tab:
                render(rg)
