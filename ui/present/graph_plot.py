"""Presentation of the referral graph without streamlit: plotly figures, tables and CSV.

Layouts are deterministic (seeded `spring_layout` up to `SPRING_LIMIT` nodes, rings by
distance from the focus or a circle above it) and cached per subgraph. Every piece of data
that reaches plotly's hover text, labels or legend is escaped with `html.escape` (plotly
renders a subset of HTML there). Table columns are Danish; columns named `id` or `id_<n>`
hold unit ids, for the UI to turn into links.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from directory.graph.analysis import (
    SEED,
    BusFactorRisk,
    Loop,
    Reach,
    ReferralGraph,
    UnitStats,
)
from directory.rules.colors import department_colors

SPRING_LIMIT = 250  # above this, spring_layout gets slow (and needs scipy above 500)
UNIT_VIEW_LIMIT = 300  # above this many units, the whole view is drawn per forvaltning
LABEL_LIMIT = 60  # unit names are written on the graph up to this many nodes
EDGE_LABEL_LIMIT = 40  # the needs are written on the arrows up to this many referral links
SPRING_SPREAD = 2.0  # spring_layout's k times sqrt(nodes): higher spreads the nodes more
EDGE_COLOR = "#8a8f98"
ARROW_COLOR = "#4a4f57"
FOCUS_COLOR = "#111111"
MAX_HOVER_ITEMS = 8

Positions = dict[str, tuple[float, float]]


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _short(text: str, width: int = 28) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def node_label(name: str, width: int = 22, lines: int = 3) -> str:
    """A unit name written on the graph: escaped, wrapped over up to `lines` lines."""
    parts = textwrap.wrap(name, width) or [""]
    if len(parts) > lines:
        parts = [*parts[: lines - 1], _short(" ".join(parts[lines - 1 :]), width)]
    return "<br>".join(esc(p) for p in parts)


def _listing(values: Sequence[str]) -> str:
    shown = ", ".join(esc(v) for v in values[:MAX_HOVER_ITEMS])
    more = len(values) - MAX_HOVER_ITEMS
    return shown + (f" og {more} flere" if more > 0 else "")


def department_labels(rg: ReferralGraph) -> dict[str, str]:
    """Short, unique labels for forvaltninger (`short`, else the name)."""
    labels: dict[str, str] = {}
    for dept_id, dept in rg.directory.departments.items():
        label = dept.short or dept.name
        labels[dept_id] = f"{label} ({dept_id})" if label in labels.values() else label
    return labels


# --- layout ----------------------------------------------------------------------------


def layout(graph: nx.DiGraph, focus: str | None = None) -> Positions:
    """Deterministic node positions for a (sub)graph, cached by its nodes and edges."""
    nodes = tuple(sorted(graph))
    edges = tuple(sorted(graph.edges))
    return dict(_layout(nodes, edges, focus if focus in graph else None))


@lru_cache(maxsize=64)
def _layout(
    nodes: tuple[str, ...], edges: tuple[tuple[str, str], ...], focus: str | None
) -> tuple[tuple[str, tuple[float, float]], ...]:
    g: nx.Graph[str] = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from(edges)
    pos: dict[str, Any]  # node -> (x, y), a tuple or a numpy array
    if len(nodes) <= SPRING_LIMIT:
        pos = _packed_spring(g)
    elif focus is not None:
        distance = nx.single_source_shortest_path_length(g, focus)
        rings: dict[int, list[str]] = {}
        for node in nodes:
            rings.setdefault(distance.get(node, max(distance.values()) + 1), []).append(node)
        pos = nx.shell_layout(g, nlist=[rings[d] for d in sorted(rings)])
    else:
        pos = nx.circular_layout(g)
    return tuple((n, (float(pos[n][0]), float(pos[n][1]))) for n in nodes)


def _packed_spring(g: nx.Graph) -> dict[str, tuple[float, float]]:
    """The largest connected part in the middle (spring layout, radius about 1); smaller
    parts and lone units in rows below it, so they do not squeeze the main picture."""
    parts = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c))
    if not parts:
        return {}
    main = g.subgraph(parts[0])
    pos = {
        n: (float(x), float(y))
        for n, (x, y) in nx.spring_layout(
            main, seed=SEED, k=SPRING_SPREAD / math.sqrt(len(main)), iterations=100
        ).items()
    }
    x, y = -1.0, -1.3
    for part in parts[1:]:
        radius = 0.06 * math.sqrt(len(part))
        if x + 2 * radius > 1.0:
            x, y = -1.0, y - 0.3
        center = (x + radius, y)
        if len(part) == 1:
            pos[part[0]] = center
        else:
            sub = nx.spring_layout(g.subgraph(part), seed=SEED, scale=radius, center=center)
            pos.update({n: (float(px), float(py)) for n, (px, py) in sub.items()})
        x += 2 * radius + 0.1
    return pos


# --- figures ---------------------------------------------------------------------------


def _base_figure(height: int) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        hovermode="closest",
        clickmode="event+select",
        dragmode="pan",
        plot_bgcolor="#ffffff",
        legend={"title": {"text": "Forvaltning"}, "orientation": "h", "yanchor": "top", "y": -0.02},
        xaxis={"visible": False},
        yaxis={"visible": False},
        hoverlabel={"align": "left"},
    )
    return fig


def _edge_traces(
    pos: Positions,
    edges: list[tuple[str, str]],
    hover: list[str],
    widths: list[float] | None = None,
) -> list[go.Scatter]:
    """Lines for the edges, and one arrow marker near each head that carries the hover."""
    traces = []
    groups: dict[float, list[tuple[str, str]]] = {}
    for i, edge in enumerate(edges):
        groups.setdefault(widths[i] if widths else 1.0, []).append(edge)
    for width, group in groups.items():
        xs: list[float | None] = []
        ys: list[float | None] = []
        for a, b in group:
            xs += [pos[a][0], pos[b][0], None]
            ys += [pos[a][1], pos[b][1], None]
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": EDGE_COLOR, "width": width},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    # Each arrow is the second of two points (at 69 % and 70 % of the edge) and points away
    # from the first ("previous"), so it follows the line on screen whatever the aspect ratio.
    ax: list[float | None] = []
    ay: list[float | None] = []
    for a, b in edges:
        (x0, y0), (x1, y1) = pos[a], pos[b]
        ax += [x0 + 0.69 * (x1 - x0), x0 + 0.7 * (x1 - x0), None]
        ay += [y0 + 0.69 * (y1 - y0), y0 + 0.7 * (y1 - y0), None]
    traces.append(
        go.Scatter(
            x=ax,
            y=ay,
            mode="markers",
            hovertext=[h for text in hover for h in (text, text, None)],
            hoverinfo="text",
            showlegend=False,
            name="henvisninger",
            customdata=[""] * len(ax),
            marker={
                "symbol": "arrow",
                "size": [0, 11, 0] * len(edges),
                "angleref": "previous",
                "color": ARROW_COLOR,
            },
        )
    )
    return traces


def unit_figure(
    rg: ReferralGraph, graph: nx.DiGraph, focus: str | None = None, height: int = 640
) -> go.Figure:
    """The units of `graph` coloured by forvaltning (legend), referral needs on hover.

    Each node's `customdata` is its unit id (for selection).
    """
    pos = layout(graph, focus)
    nodes = rg.graph.nodes
    edges = list(graph.edges)
    hover = []
    for a, b in edges:
        data = graph.edges[a, b]
        text = (
            f"<b>{esc(nodes[a]['name'])} → {esc(nodes[b]['name'])}</b>"
            f"<br>Behov: {_listing(data['needs'])}"
        )
        if data["requires"]:
            text += f"<br>Kræver: {_listing(data['requires'])}"
        if data["criteria"]:
            text += f"<br>Kriterier: {_listing(data['criteria'])}"
        hover.append(text)
    fig = _base_figure(height)
    fig.add_traces(_edge_traces(pos, edges, hover))
    if edges and len(edges) <= EDGE_LABEL_LIMIT:
        fig.add_trace(_edge_labels(pos, [(a, b, graph.edges[a, b]["labels"]) for a, b in edges]))
    colors = department_colors(rg.directory)
    by_department: dict[str, list[str]] = {}
    for unit_id in sorted(graph):
        by_department.setdefault(nodes[unit_id]["department"], []).append(unit_id)
    labels = len(graph) <= LABEL_LIMIT
    for dept_id in [d for d in rg.directory.departments if d in by_department]:
        units = by_department[dept_id]
        color = colors.get(dept_id, "#777777")
        name = esc(nodes[units[0]]["department_name"])
        fig.add_trace(_legend_entry(dept_id, name, color))
        fig.add_trace(
            go.Scatter(
                x=[pos[u][0] for u in units],
                y=[pos[u][1] for u in units],
                mode="markers+text" if labels else "markers",
                text=[node_label(nodes[u]["name"]) for u in units] if labels else None,
                textposition="top center",
                textfont={"size": 11, "color": "#222222"},
                cliponaxis=False,
                hovertext=[_unit_hover(rg, u) for u in units],
                hoverinfo="text",
                customdata=units,
                name=name,
                legendgroup=dept_id,
                showlegend=False,
                marker={
                    "color": color,
                    "size": [
                        10 + 3 * math.sqrt(rg.graph.degree(u)) + (6 if u == focus else 0)
                        for u in units
                    ],
                    "symbol": ["diamond" if nodes[u]["front_door"] else "circle" for u in units],
                    "line": {
                        "color": FOCUS_COLOR,
                        "width": [3 if u == focus else 0.5 for u in units],
                    },
                },
            )
        )
    return fig


def edge_label(labels: Sequence[str], width: int = 26) -> str:
    """The need written on an arrow: the first need, and how many more."""
    if not labels:
        return ""
    more = f" +{len(labels) - 1}" if len(labels) > 1 else ""
    return _short(labels[0], width) + more


def _edge_labels(pos: Positions, edges: list[tuple[str, str, list[str]]]) -> go.Scatter:
    """The needs written on each arrow (at 40 % of its length, so the two arrows of a two-way
    pair are labelled apart), so the graph reads without hover."""
    return go.Scatter(
        x=[pos[a][0] + 0.4 * (pos[b][0] - pos[a][0]) for a, b, _ in edges],
        y=[pos[a][1] + 0.4 * (pos[b][1] - pos[a][1]) for a, b, _ in edges],
        mode="text",
        text=[esc(edge_label(labels)) for _, _, labels in edges],
        textfont={"size": 10, "color": "#333333"},
        cliponaxis=False,
        hoverinfo="skip",
        showlegend=False,
        name="behov",
    )


def _legend_entry(group: str, name: str, color: str) -> go.Scatter:
    """A legend item only (a plain dot), so the legend does not copy one node's symbol."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={"color": color, "size": 10},
        name=name,
        legendgroup=group,
        hoverinfo="skip",
    )


def _unit_hover(rg: ReferralGraph, unit_id: str) -> str:
    node = rg.graph.nodes[unit_id]
    g = rg.graph
    text = (
        f"<b>{esc(node['name'])}</b><br>{esc(node['department_name'])}<br>"
        f"Modtager fra {g.in_degree(unit_id)} · sender til {g.out_degree(unit_id)} enheder"
    )
    if node["front_door"]:
        text += "<br>Indgang for borgere"
    return text


def department_figure(
    rg: ReferralGraph, graph: nx.DiGraph | None = None, height: int = 640
) -> go.Figure:
    """The view aggregated to forvaltninger; each node's `customdata` is a department id."""
    agg = rg.aggregate_by_department(graph)
    labels = department_labels(rg)
    ordered: nx.Graph[str] = nx.Graph()
    ordered.add_nodes_from(sorted(agg))  # round the circle in id order
    circle = nx.circular_layout(ordered) if len(agg) > 1 else dict.fromkeys(agg, (0.0, 0.0))
    pos = {d: (float(x), float(y)) for d, (x, y) in circle.items()}
    edges = list(agg.edges)
    counts = [agg.edges[e]["count"] for e in edges]
    top = max(counts, default=1)
    hover = [
        f"<b>{esc(labels[a])} → {esc(labels[b])}</b>: {agg.edges[a, b]['count']} henvisninger<br>"
        f"Behov: {_listing([n for n, _ in agg.edges[a, b]['needs'].most_common()])}"
        for a, b in edges
    ]
    widths = [round(1 + 7 * c / top) for c in counts]
    fig = _base_figure(height)
    fig.add_traces(_edge_traces(pos, edges, hover, widths))
    colors = department_colors(rg.directory)
    for dept_id in agg:
        data = agg.nodes[dept_id]
        fig.add_trace(
            go.Scatter(
                x=[pos[dept_id][0]],
                y=[pos[dept_id][1]],
                mode="markers+text",
                text=[esc(labels[dept_id])],
                textposition="top center",
                textfont={"size": 13, "color": "#222222"},
                cliponaxis=False,
                hovertext=[
                    f"<b>{esc(data['name'])}</b><br>{data['units']} enheder<br>"
                    f"{data['internal']} henvisninger internt"
                ],
                hoverinfo="text",
                customdata=[dept_id],
                name=esc(data["name"]),
                legendgroup=dept_id,
                marker={
                    "color": colors.get(dept_id, "#777777"),
                    "size": 14 + 4 * math.sqrt(data["units"]),
                },
            )
        )
    return fig


def matrix_figure(rg: ReferralGraph, height: int = 520) -> go.Figure:
    """Heatmap of referrals from each forvaltning (rows) to each (columns)."""
    matrix = rg.department_matrix()
    labels = department_labels(rg)
    names = [esc(labels[d]) for d in matrix.index]
    fig = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=names,
            y=names,
            colorscale="Blues",
            text=matrix.to_numpy(),
            texttemplate="%{text}",
            hovertemplate="Fra %{y} til %{x}: %{z} henvisninger<extra></extra>",
            colorbar={"title": {"text": "Henvisninger"}},
        )
    )
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"title": {"text": "Til"}, "side": "top"},
        yaxis={"title": {"text": "Fra"}, "autorange": "reversed"},
    )
    return fig


# --- tables ----------------------------------------------------------------------------


def _unit_columns(rg: ReferralGraph, unit_id: str) -> dict[str, object]:
    node = rg.graph.nodes[unit_id]
    return {"Enhed": node["name"], "Forvaltning": node["department_name"]}


def names_path(rg: ReferralGraph, path: Sequence[str]) -> str:
    return " → ".join(rg.name(u) for u in path)


BETWEENNESS_COLUMN = "Mellemled: % af korteste veje"


def betweenness_percent(value: float) -> float:
    """Betweenness as the share of shortest referral routes (between two other units) that
    pass through a unit, in per cent with one decimal."""
    return round(100 * value, 1)


def betweenness_words(rg: ReferralGraph, stat: UnitStats) -> str:
    """What a betweenness number means, in words, for one unit."""
    share = betweenness_percent(stat.betweenness)
    shown = f"{share:.1f}".replace(".", ",").removesuffix(",0")
    return (
        f"Mellemled {shown} % betyder: af de korteste dokumenterede henvisningsveje mellem to "
        f"andre enheder går {shown} % gennem {rg.name(stat.unit_id)}. Lukker den, må de "
        "henvisninger finde en anden vej."
    )


def stats_frame(rg: ReferralGraph, stats: list[UnitStats]) -> pd.DataFrame:
    rows = [
        {
            **_unit_columns(rg, s.unit_id),
            "Modtager fra": s.in_degree,
            "Sender til": s.out_degree,
            BETWEENNESS_COLUMN: betweenness_percent(s.betweenness),
            "id": s.unit_id,
        }
        for s in stats
    ]
    return pd.DataFrame(
        rows,
        columns=["Enhed", "Forvaltning", "Modtager fra", "Sender til", BETWEENNESS_COLUMN, "id"],
    )


def units_frame(rg: ReferralGraph, unit_ids: list[str]) -> pd.DataFrame:
    """Units with their forvaltning and how many units refer to them."""
    rows = [
        {**_unit_columns(rg, u), "Modtager fra": rg.graph.in_degree(u), "id": u} for u in unit_ids
    ]
    return pd.DataFrame(rows, columns=["Enhed", "Forvaltning", "Modtager fra", "id"])


BOUNCE = "Mulig kastebold"
TWO_WAY = "Samarbejde begge veje"
COLLABORATION = "Samarbejde, forskellige behov"


def loop_kind(loop: Loop) -> str:
    """The flag of a loop: a bounce (one need all the way round) or a collaboration."""
    if loop.is_bounce:
        return BOUNCE
    return TWO_WAY if loop.two_way else COLLABORATION


def loop_verdict(rg: ReferralGraph, loop: Loop) -> str:
    """Why a loop got its flag, in words."""
    if not loop.is_bounce:
        return "Henvisningerne gælder forskellige behov, så ingen borger sendes hele vejen rundt."
    need = loop.shared[0]
    words = "; ".join(
        f"{rg.name(a)} → {rg.name(b)}: {', '.join(rg.words_for(a, b, need))}"
        for a, b, _ in loop.hops
    )
    return (
        f"Behovet {need} står på hvert skridt, så en borger kan blive henvist hele vejen rundt "
        f"og ende hos {rg.name(loop.units[0])} igen. Tjek om det er samme borgere ({words})."
    )


def hop_text(rg: ReferralGraph, hop: tuple[str, str, tuple[str, ...]]) -> str:
    a, b, labels = hop
    return f"{rg.name(a)} → {rg.name(b)}: {', '.join(labels)}"


def loops_frame(
    rg: ReferralGraph, max_len: int = 4, loops: Sequence[Loop] | None = None
) -> pd.DataFrame:
    """One row per loop (`loops`, else every loop of `rg.loops(max_len)`): the unit names
    around it, its flag, the needs on each hop and why."""
    rows = [
        {
            "Sløjfe": names_path(rg, [*loop.units, loop.units[0]]),
            "Type": loop_kind(loop),
            "Behov på hvert skridt": " · ".join(hop_text(rg, hop) for hop in loop.hops),
            "Hvorfor": loop_verdict(rg, loop),
            "Enheder": len(loop.units),
        }
        for loop in (rg.loops(max_len) if loops is None else loops)
    ]
    return pd.DataFrame(
        rows, columns=["Sløjfe", "Type", "Behov på hvert skridt", "Hvorfor", "Enheder"]
    )


def edges_frame(rg: ReferralGraph, edges: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """One row per referral link: from, to (names and forvaltninger), the needs, the number
    of referral records, and the two unit ids (`id_fra`, `id_til`) for links and exports."""
    nodes = rg.graph.nodes
    rows = []
    for a, b in edges:
        data = rg.graph.edges[a, b]
        rows.append(
            {
                "Fra": nodes[a]["name"],
                "Fra forvaltning": nodes[a]["department_name"],
                "Til": nodes[b]["name"],
                "Til forvaltning": nodes[b]["department_name"],
                "Behov": ", ".join(data["labels"]),
                "Henvisninger": data["count"],
                "id_fra": a,
                "id_til": b,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "Fra",
            "Fra forvaltning",
            "Til",
            "Til forvaltning",
            "Behov",
            "Henvisninger",
            "id_fra",
            "id_til",
        ],
    )


def count_da(number: int) -> str:
    """A count as Danish writes it: `9.812` (a point between thousands)."""
    return f"{number:,}".replace(",", ".")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV for Excel in Danish: ';' between fields, UTF-8 with a byte order mark."""
    return frame.to_csv(index=False, sep=";").encode("utf-8-sig")


def bus_factor_frame(
    rg: ReferralGraph, risks: Sequence[BusFactorRisk] | None = None
) -> pd.DataFrame:
    """One row per area that hangs on one person (`risks`, else all of them)."""
    rows = [
        {
            "Område": r.area,
            "Eneste nøgleperson": r.contact_name,
            **_unit_columns(rg, r.unit_id),
            "id": r.unit_id,
        }
        for r in (rg.bus_factor_risks() if risks is None else risks)
    ]
    return pd.DataFrame(
        rows, columns=["Område", "Eneste nøgleperson", "Enhed", "Forvaltning", "id"]
    )


def reach_frame(rg: ReferralGraph, reaches: list[Reach]) -> pd.DataFrame:
    rows = [
        {
            **_unit_columns(rg, r.unit_id),
            "Skridt": r.steps,
            "Vej": names_path(rg, r.path),
            "id": r.unit_id,
        }
        for r in reaches
    ]
    return pd.DataFrame(rows, columns=["Enhed", "Forvaltning", "Skridt", "Vej", "id"])


def matrix_cell(rg: ReferralGraph, row: int, column: str) -> tuple[str, str] | None:
    """The (from, to) department ids of a cell of `matrix_frame`, given as the row's position
    and the column's label (as a table selection reports it); None if it is not a cell."""
    ids = rg.departments()
    by_label = {label: d for d, label in department_labels(rg).items() if d in ids}
    if 0 <= row < len(ids) and column in by_label:
        return ids[row], by_label[column]
    return None


def matrix_frame(rg: ReferralGraph) -> pd.DataFrame:
    """The cross-forvaltning matrix with department labels instead of ids."""
    labels = department_labels(rg)
    matrix = rg.department_matrix().rename(index=labels, columns=labels)
    matrix.index.name, matrix.columns.name = "Fra \\ til", None
    return matrix
