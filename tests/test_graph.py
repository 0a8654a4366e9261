"""The referral graph core (`directory.graph.analysis`) and its figures and tables
(`ui.present.graph_plot`), on small graphs whose answers are known by hand."""

from __future__ import annotations

import datetime as dt
import json

import networkx as nx
import pandas as pd
import pytest

from directory.graph.analysis import (
    BusFactorRisk,
    Reach,
    ReferralGraph,
    UnknownUnitError,
    format_cycle,
    format_path,
    short_cycles,
)
from directory.model import Contact, Department, Directory, Referral, Unit
from directory.rules.colors import PALETTE, department_colors
from ui.present import graph_plot as gp

DAY = dt.date(2026, 1, 1)

# The hand-checked graph (department = the id's first letter):
#
#   a1 -> a2 -> a3 -> b1 -> a1      a1 -> b1      a3 -> b3      b2 -> b1      a9 alone
#
# needs: "bolig" on a1>a2, a2>a3, a3>b3, b1>a1; "job" on a3>b1, a1>b1; a1>a2 twice.
EDGES = [
    ("a1", "a2", ["bolig"]),
    ("a1", "a2", ["Bolig", "gæld"]),
    ("a2", "a3", ["bolig"]),
    ("a3", "b1", ["job"]),
    ("a1", "b1", ["job"]),
    ("b1", "a1", ["bolig"]),
    ("b2", "b1", ["job"]),
    ("a3", "b3", ["bolig"]),
]


def unit(
    unit_id: str, name: str | None = None, contacts: list[Contact] | None = None, **ext: object
) -> Unit:
    made = Unit(
        id=unit_id,
        name=name or unit_id.upper(),
        department=unit_id[0],
        verified=DAY,
        contacts=contacts or [],
    )
    made.extensions = {f"x-{k.replace('_', '-')}": v for k, v in ext.items()}
    return made


def referral(a: str, b: str, needs: list[str], **kw: object) -> Referral:
    return Referral(**{"from": a, "to": b, "needs": needs, **kw})


def make_graph(
    edges=EDGES, units: list[Unit] | None = None, departments=("a", "b")
) -> ReferralGraph:
    ids = sorted({u for a, b, _ in edges for u in (a, b)})
    units = units if units is not None else [unit(u) for u in ids]
    directory = Directory(
        departments={
            d: Department(id=d, name=f"Forvaltning {d.upper()}", short=d.upper())
            for d in departments
        },
        units={u.id: u for u in units},
        locations={},
        referrals=[referral(a, b, needs) for a, b, needs in edges],
        synonyms=[],
    )
    return ReferralGraph(directory)


@pytest.fixture
def rg() -> ReferralGraph:
    ids = sorted({u for a, b, _ in EDGES for u in (a, b)} | {"a9"})
    return make_graph(units=[unit(u, front_door=(u == "a1")) for u in ids])


# --- building --------------------------------------------------------------------------


def test_nodes_carry_forvaltning_and_kind(small_directory) -> None:
    rg = ReferralGraph(small_directory)
    assert rg.graph.nodes["stat-kif"] == {
        "name": "Kriminalforsorgen København",
        "department": "stat",
        "department_name": "Statslige myndigheder",
        "kind": "external",
        "front_door": False,
    }


def test_edges_carry_needs_criteria_requires(small_directory) -> None:
    edge = ReferralGraph(small_directory).graph.edges["stat-kif", "sof-bcv"]
    assert edge == {
        "needs": ["løsladelse", "bolig"],
        "labels": ["løsladelse", "bolig"],
        "criteria": [],
        "requires": ["samtykke fra borgeren"],
        "count": 1,
    }


def test_repeated_referrals_merge_into_one_edge(rg: ReferralGraph) -> None:
    edge = rg.graph.edges["a1", "a2"]
    assert edge["needs"] == ["bolig", "gæld"]  # "Bolig" is the same need as "bolig"
    assert edge["count"] == 2
    assert rg.graph.number_of_edges() == 7


def test_needs_are_sorted_and_unique(rg: ReferralGraph) -> None:
    assert rg.needs == ["bolig", "gæld", "job"]


# --- paths -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "k", "expected"),
    [
        ("a1", "b1", 3, [["a1", "b1"], ["a1", "a2", "a3", "b1"]]),
        ("a1", "b1", 1, [["a1", "b1"]]),
        ("a2", "b3", 3, [["a2", "a3", "b3"]]),
        ("b2", "a3", 3, [["b2", "b1", "a1", "a2", "a3"]]),
        ("b3", "a1", 3, []),
        ("a9", "a1", 3, []),
        ("a1", "a1", 3, [["a1"]]),
    ],
)
def test_shortest_paths(
    rg: ReferralGraph, a: str, b: str, k: int, expected: list[list[str]]
) -> None:
    assert rg.shortest_paths(a, b, k=k) == expected


def test_shortest_paths_by_need(rg: ReferralGraph) -> None:
    assert rg.shortest_paths("a1", "b1", need="bolig") == []
    assert rg.shortest_paths("b1", "a3", need="BOLIG") == [["b1", "a1", "a2", "a3"]]


@pytest.mark.parametrize(
    ("need", "max_steps", "expected"),
    [
        (None, None, [("a2", 1), ("b1", 1), ("a3", 2), ("b3", 3)]),
        (None, 2, [("a2", 1), ("b1", 1), ("a3", 2)]),
        (" Bolig ", None, [("a2", 1), ("a3", 2), ("b3", 3)]),
        ("job", None, [("b1", 1)]),
        ("ukendt behov", None, []),
    ],
)
def test_reachable(
    rg: ReferralGraph, need: str | None, max_steps: int | None, expected: list
) -> None:
    assert [(r.unit_id, r.steps) for r in rg.reachable("a1", need, max_steps)] == expected


def test_reachable_gives_the_path() -> None:
    rg = make_graph()
    assert rg.reachable("a2")[-1] == Reach("a1", 3, ["a2", "a3", "b1", "a1"])


def test_unknown_unit_message_names_close_matches(rg: ReferralGraph) -> None:
    with pytest.raises(UnknownUnitError) as caught:
        rg.shortest_paths("a11", "b1")
    assert (
        str(caught.value)
        == "ingen enhed har id'et 'a11'; mente du 'a1'? Skriv et enheds-id, som det står i "
        "units/*.yaml."
    )
    assert caught.value.suggestions == ["a1"]


def test_unknown_unit_without_close_match(rg: ReferralGraph) -> None:
    with pytest.raises(UnknownUnitError) as caught:
        rg.reachable("zzzzzz")
    assert (
        str(caught.value)
        == "ingen enhed har id'et 'zzzzzz'. Skriv et enheds-id, som det står i units/*.yaml."
    )


def test_close_matches_by_name(small_directory) -> None:
    assert ReferralGraph(small_directory).close_matches("borgercenter voksen") == ["sof-bcv"]


def test_format_path_and_cycle() -> None:
    assert format_path(["a", "b", "c"]) == "a -> b -> c"
    assert format_cycle(["a", "b"]) == "a -> b -> a"


# --- hubs, bottlenecks, loops, dead ends ----------------------------------------------


def test_hubs_by_degree(rg: ReferralGraph) -> None:
    # b1: in from a3, a1, b2; out to a1 = 4 links. a1 and a3 have 3.
    assert [(s.unit_id, s.in_degree, s.out_degree) for s in rg.hubs(3)] == [
        ("b1", 3, 1),
        ("a1", 1, 2),
        ("a3", 1, 2),
    ]


def test_betweenness_on_a_chain() -> None:
    rg = make_graph([("a1", "a2", ["x"]), ("a2", "a3", ["x"])])
    assert rg.betweenness == {"a1": 0.0, "a2": 0.5, "a3": 0.0}
    assert [s.unit_id for s in rg.bottlenecks()] == ["a2"]


def test_betweenness_is_sampled_and_repeatable_on_large_graphs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import directory.graph.analysis as graph_module

    monkeypatch.setattr(graph_module, "BETWEENNESS_EXACT_LIMIT", 5)
    monkeypatch.setattr(graph_module, "BETWEENNESS_BUDGET", 30)
    monkeypatch.setattr(graph_module, "BETWEENNESS_MIN_SAMPLE", 2)
    edges = [(f"a{i}", f"a{i + 1}", ["x"]) for i in range(1, 8)]
    first, second = make_graph(edges).betweenness, make_graph(edges).betweenness
    assert make_graph(edges).betweenness_sample == 30 // (8 + 7)
    assert first == second
    assert first != make_graph(edges[:2]).betweenness


def test_two_way_pairs(rg: ReferralGraph) -> None:
    assert rg.two_way_pairs() == [("a1", "b1")]


@pytest.mark.parametrize(
    ("max_len", "expected"),
    [(4, [["a1", "a2", "a3", "b1"], ["a1", "b1"]]), (3, [["a1", "b1"]]), (2, [["a1", "b1"]])],
)
def test_cycles_rotated_and_sorted(
    rg: ReferralGraph, max_len: int, expected: list[list[str]]
) -> None:
    assert rg.cycles(max_len) == expected


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("max_len", [2, 3, 4, 5])
def test_short_cycles_agree_with_networkx(seed: int, max_len: int) -> None:
    graph = nx.relabel_nodes(
        nx.gnm_random_graph(25, 70, seed=seed, directed=True), lambda i: f"u{i:02d}"
    )
    expected = set()
    for cycle in nx.simple_cycles(graph, length_bound=max_len):
        i = cycle.index(min(cycle))
        expected.add(tuple(cycle[i:] + cycle[:i]))
    found = short_cycles(graph, max_len)
    assert len(found) == len(set(found))
    assert set(found) == expected


def test_cycles_start_at_smallest_id() -> None:
    rg = make_graph([("b3", "a2", ["x"]), ("a2", "b1", ["x"]), ("b1", "b3", ["x"])])
    assert rg.cycles() == [["a2", "b1", "b3"]]


def test_dead_ends_and_isolated(rg: ReferralGraph) -> None:
    assert rg.dead_ends() == ["b3"]
    assert rg.isolated() == ["a9"]


def test_unreachable_from_marked_front_doors(rg: ReferralGraph) -> None:
    assert rg.front_doors_marked
    assert rg.front_doors() == ["a1"]
    assert rg.unreachable_from_front_doors() == ["a9", "b2"]


def test_front_doors_by_name_when_none_marked() -> None:
    units = [
        unit("a1", "Borgerservice Nord"),
        unit("a2", "KONTAKTCENTER"),
        unit("b1", "Jobcenter Ungecenter"),
        unit("b2", "Socialcenter"),
    ]
    rg = make_graph([("a1", "a2", ["x"]), ("b2", "b1", ["x"])], units=units)
    assert not rg.front_doors_marked
    assert rg.front_doors() == ["a1", "a2", "b1"]
    assert rg.unreachable_from_front_doors() == ["b2"]


def test_marked_front_doors_override_names() -> None:
    units = [
        unit("a1", "Borgerservice", front_door=False),
        unit("a2", "Visitation", front_door=True),
    ]
    rg = make_graph([("a2", "a1", ["x"])], units=units)
    assert rg.front_doors() == ["a2"]


def test_no_front_doors_means_nothing_reported() -> None:
    assert make_graph([("a1", "a2", ["x"])]).unreachable_from_front_doors() == []


def test_small_directory_front_doors(small_directory) -> None:
    rg = ReferralGraph(small_directory)
    assert rg.front_doors() == ["bif-jku"]
    assert rg.unreachable_from_front_doors() == ["sof-dognvagt", "stat-kif"]


# --- departments, people, views --------------------------------------------------------


def test_department_matrix_counts_referral_records(rg: ReferralGraph) -> None:
    expected = pd.DataFrame(
        [[3, 3], [1, 1]],
        index=pd.Index(["a", "b"], name="from"),
        columns=pd.Index(["a", "b"], name="to"),
    )
    pd.testing.assert_frame_equal(rg.department_matrix(), expected)


def test_department_matrix_leaves_out_departments_without_units() -> None:
    rg = make_graph([("a1", "a2", ["x"])], departments=("a", "b", "c"))
    assert list(rg.department_matrix().index) == ["a"]


def _gatekeeper(
    cid: str, areas: list[str], backup: str | None = None, role: str = "gatekeeper"
) -> Contact:
    return Contact(id=cid, name=f"Person {cid}", role=role, areas=areas, backup=backup)


def test_bus_factor_risks() -> None:
    units = [
        unit(
            "a1",
            contacts=[
                _gatekeeper("g1", ["Bolig", "job"]),
                _gatekeeper("g3", ["misbrug"], backup="g4"),
            ],
        ),
        unit("a2", contacts=[_gatekeeper("g2", ["bolig "]), _gatekeeper("g4", [], role="contact")]),
        unit(
            "b1",
            contacts=[
                _gatekeeper("g5", ["ungdom"], backup="ghost"),
                _gatekeeper("c1", ["psykiatri"], role="contact"),
            ],
        ),
    ]
    rg = make_graph([("a1", "a2", ["x"])], units=units)
    assert rg.bus_factor_risks() == [
        BusFactorRisk("job", "g1", "Person g1", "a1"),
        BusFactorRisk("ungdom", "g5", "Person g5", "b1"),
    ]


@pytest.mark.parametrize(
    ("unit_id", "depth", "expected"),
    [
        ("a3", 1, {"a2", "a3", "b1", "b3"}),
        ("a3", 2, {"a1", "a2", "a3", "b1", "b2", "b3"}),
        ("a9", 3, {"a9"}),
    ],
)
def test_neighbourhood(rg: ReferralGraph, unit_id: str, depth: int, expected: set[str]) -> None:
    assert set(rg.neighbourhood(unit_id, depth)) == expected


@pytest.mark.parametrize(
    ("kwargs", "nodes", "edges"),
    [
        ({}, {"a1", "a2", "a3", "a9", "b1", "b2", "b3"}, 7),
        ({"departments": ["b"]}, {"a1", "a3", "b1", "b2", "b3"}, 5),
        ({"need": "job"}, {"a1", "a3", "b1", "b2"}, 3),
        ({"departments": ["a"], "need": "job"}, {"a1", "a3", "b1"}, 2),
        ({"need": "job", "focus": "b2", "depth": 1}, {"b1", "b2"}, 1),
        ({"need": "job", "focus": "a2", "depth": 1}, {"a1", "a2", "a3"}, 2),  # a2 not in the view
    ],
)
def test_view(rg: ReferralGraph, kwargs: dict, nodes: set[str], edges: int) -> None:
    view = rg.view(**kwargs)
    assert set(view) == nodes
    assert view.number_of_edges() == edges


def test_aggregate_by_department(rg: ReferralGraph) -> None:
    agg = rg.aggregate_by_department()
    assert dict(agg.nodes(data="units")) == {"a": 4, "b": 3}
    assert dict(agg.nodes(data="internal")) == {"a": 3, "b": 1}
    assert agg.edges["a", "b"]["count"] == 3
    assert agg.edges["a", "b"]["needs"] == {"job": 2, "bolig": 1}
    assert agg.edges["b", "a"]["count"] == 1


def test_whole_view_and_its_aggregate_are_shared_not_copied(rg: ReferralGraph) -> None:
    assert rg.view() is rg.graph and rg.view([], None) is rg.graph
    assert rg.view(["a"]) is not rg.graph
    assert rg.aggregate_by_department() is rg.aggregate_by_department(rg.graph)
    assert rg.aggregate_by_department(rg.view(["a"])) is not rg.aggregate_by_department()


def picker_graph() -> ReferralGraph:
    names = {
        "a1": "Jobcenter Amager",
        "a2": "Borgerservice Valby",
        "a3": "Valby Bibliotek",
        "b1": "Center for job og bolig",
        "b2": "Rådgivning om gæld",
        "b3": "Ungecenter Vest",
        "a9": "Kontor uden henvisninger",
    }
    return make_graph(units=[unit(u, names[u]) for u in sorted(names)])


def test_find_units_empty_query_front_doors_then_most_links() -> None:
    rg = picker_graph()
    # front doors (Jobcenter, Borgerservice in the name), then by links (b1 has 4), then name
    assert rg.find_units("") == (["a1", "a2", "b1", "a3", "b2", "b3", "a9"], 7)
    assert rg.find_units("   ", limit=3) == (["a1", "a2", "b1"], 7)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("valby", ["a3", "a2"]),  # the name starting with it first, then a word starting with it
        ("VALBY  bib", ["a3"]),  # every word, case and spacing ignored
        ("job", ["a1", "b1"]),  # a word start in a front door's name before other matches
        ("(b)", ["b1", "b2", "b3"]),  # the forvaltning's name counts
        ("a9", ["a9"]),  # and the id
        ("gæld", ["b2"]),
        ("findes ikke", []),
    ],
)
def test_find_units_matches_every_word(query: str, expected: list[str]) -> None:
    assert picker_graph().find_units(query) == (expected, len(expected))


def test_find_units_caps_but_counts_all() -> None:
    assert picker_graph().find_units("forvaltning", limit=2) == (["a1", "a2"], 7)


# --- figures and tables ----------------------------------------------------------------


def test_layout_is_deterministic_whatever_the_insertion_order() -> None:
    one = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    two = nx.DiGraph([("c", "d"), ("c", "a"), ("b", "c"), ("a", "b")])
    assert gp.layout(one) == gp.layout(two)


def test_large_focused_layout_puts_focus_in_the_middle() -> None:
    star = nx.DiGraph([("hub", f"u{i}") for i in range(gp.SPRING_LIMIT + 5)])
    assert gp.layout(star, focus="hub")["hub"] == (0.0, 0.0)


HOSTILE = '<img src=x onerror=alert(1)> & "quote"'


def _hostile_graph() -> ReferralGraph:
    units = [unit("a1", HOSTILE), unit("b1", "Modtager")]
    rg = make_graph([("a1", "b1", [HOSTILE])], units=units)
    rg.directory.departments["a"].name = HOSTILE
    rg.directory.departments["a"].short = None
    for _, data in rg.graph.nodes(data=True):
        data["department_name"] = HOSTILE if data["department"] == "a" else data["department_name"]
    return rg


def _strings(fig) -> str:
    """The figure's JSON with characters unescaped ("<" rather than "\\u003c")."""
    return json.dumps(json.loads(fig.to_json()), ensure_ascii=False)


@pytest.mark.parametrize("build", [gp.unit_figure, gp.department_figure, gp.matrix_figure])
def test_figures_escape_data(build) -> None:
    rg = _hostile_graph()
    fig = build(rg, rg.graph) if build is not gp.matrix_figure else build(rg)
    text = _strings(fig)
    assert "<img" not in text
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quote&quot;" in text
    assert "<b>" in text or build is gp.matrix_figure  # the figure's own markup is kept


def test_unit_figure_traces_by_department() -> None:
    rg = make_graph()
    fig = gp.unit_figure(rg, rg.graph, focus="a1")
    legend = [t for t in fig.data if t.showlegend is not False]
    assert [t.name for t in legend] == ["Forvaltning A (A)", "Forvaltning B (B)"]
    nodes = [t for t in fig.data if t.legendgroup and t.showlegend is False]
    assert [t.legendgroup for t in nodes] == ["a", "b"]
    assert list(nodes[0].customdata) == ["a1", "a2", "a3"]
    assert nodes[0].marker.color == department_colors(rg.directory)["a"]
    assert list(nodes[0].marker.line.width) == [3, 0.5, 0.5]
    arrows = next(t for t in fig.data if t.name == "henvisninger")
    assert len(arrows.hovertext) == 3 * 7  # two points and a gap per edge
    assert arrows.hovertext[:3] == ("<b>A1 → A2</b><br>Behov: bolig, gæld",) * 2 + (None,)


def test_department_colors_use_the_data_then_a_palette(small_directory) -> None:
    colors = department_colors(ReferralGraph(small_directory).directory)
    assert colors == {"sof": "#b2182b", "bif": "#2166ac", "stat": "#4d4d4d"}
    assert department_colors(make_graph().directory)["a"] == PALETTE[0]


def test_department_figure_customdata_are_departments(rg: ReferralGraph) -> None:
    fig = gp.department_figure(rg)
    assert [t.customdata[0] for t in fig.data if t.legendgroup] == ["a", "b"]
    arrows = next(t for t in fig.data if t.name == "henvisninger")
    assert list(arrows.hovertext)[1::3] == [
        "<b>A → B</b>: 3 henvisninger<br>Behov: job, bolig",
        "<b>B → A</b>: 1 henvisninger<br>Behov: bolig",
    ]


def test_loops_frame_flags_collaborations_and_names_the_needs_on_each_hop(
    rg: ReferralGraph,
) -> None:
    frame = gp.loops_frame(rg)
    assert frame.to_dict("records") == [
        {
            "Sløjfe": "A1 → B1 → A1",
            "Type": "Samarbejde begge veje",
            "Behov på hvert skridt": "A1 → B1: job · B1 → A1: bolig",
            "Hvorfor": "Henvisningerne gælder forskellige behov, så ingen borger sendes hele "
            "vejen rundt.",
            "Enheder": 2,
        },
        {
            "Sløjfe": "A1 → A2 → A3 → B1 → A1",
            "Type": "Samarbejde, forskellige behov",
            "Behov på hvert skridt": "A1 → A2: bolig, gæld · A2 → A3: bolig · A3 → B1: job · "
            "B1 → A1: bolig",
            "Hvorfor": "Henvisningerne gælder forskellige behov, så ingen borger sendes hele "
            "vejen rundt.",
            "Enheder": 4,
        },
    ]
    assert "None" not in frame.to_csv() and "a1" not in frame.to_csv()


def test_a_loop_with_one_need_all_the_way_round_is_a_bounce() -> None:
    rg = make_graph([("a1", "a2", ["bolig"]), ("a2", "a1", ["Bolig", "gæld"]), ("a1", "b1", ["x"])])
    (loop,) = rg.loops()
    assert loop.units == ("a1", "a2") and loop.shared == ("bolig",) and loop.is_bounce
    assert loop.hops == (("a1", "a2", ("bolig",)), ("a2", "a1", ("Bolig", "gæld")))
    row = gp.loops_frame(rg).iloc[0]
    assert row["Type"] == "Mulig kastebold"
    assert row["Hvorfor"] == (
        "Behovet bolig står på hvert skridt, så en borger kan blive henvist hele vejen rundt og "
        "ende hos A1 igen. Tjek om det er samme borgere (A1 → A2: bolig; A2 → A1: Bolig)."
    )


def test_department_edges_are_the_links_behind_a_matrix_cell(rg: ReferralGraph) -> None:
    assert rg.department_edges("a", "b") == [("a1", "b1"), ("a3", "b1"), ("a3", "b3")]
    assert rg.department_edges("b", "a") == [("b1", "a1")]
    assert rg.department_edges("b", "b") == [("b2", "b1")]
    assert sum(rg.graph.edges[e]["count"] for e in rg.department_edges("a", "b")) == int(
        rg.department_matrix().loc["a", "b"]
    )
    frame = gp.edges_frame(rg, rg.department_edges("b", "a"))
    assert frame.to_dict("records") == [
        {
            "Fra": "B1",
            "Fra forvaltning": "Forvaltning B (B)",
            "Til": "A1",
            "Til forvaltning": "Forvaltning A (A)",
            "Behov": "bolig",
            "Henvisninger": 1,
            "id_fra": "b1",
            "id_til": "a1",
        }
    ]


def test_csv_export_opens_in_danish_excel(rg: ReferralGraph) -> None:
    data = gp.csv_bytes(gp.edges_frame(rg, rg.department_edges("a", "b")))
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Fra;Fra forvaltning;Til;Til forvaltning;Behov;Henvisninger;id_fra;id_til"
    assert lines[1] == "A1;Forvaltning A (A);B1;Forvaltning B (B);job;1;a1;b1"
    assert len(lines) == 4


def test_default_focus_and_reach_view(rg: ReferralGraph) -> None:
    assert rg.default_focus() == "a1"  # the front door with the most links
    assert make_graph([("a1", "a2", ["x"]), ("b1", "a2", ["y"])]).default_focus() == "a2"
    view = rg.reach_view("a1", "bolig", 2)
    assert set(view) == {"a1", "a2", "a3"} and set(view.edges) == {("a1", "a2"), ("a2", "a3")}
    assert set(rg.reach_view("a1", None, 1)) == {"a1", "a2", "b1"}


def test_betweenness_in_words(rg: ReferralGraph) -> None:
    stat = rg.unit_stats("b1")
    share = gp.betweenness_percent(stat.betweenness)
    shown = f"{share:.1f}".replace(".", ",").removesuffix(",0")
    assert gp.betweenness_words(rg, stat) == (
        f"Mellemled {shown} % betyder: af de korteste dokumenterede henvisningsveje mellem to "
        f"andre enheder går {shown} % gennem B1. Lukker den, må de henvisninger finde en anden vej."
    )


def test_unit_figure_writes_names_and_needs_without_hover(rg: ReferralGraph) -> None:
    view = rg.reach_view("a1", None, 1)
    fig = gp.unit_figure(rg, view, "a1")
    names = [t for trace in fig.data if trace.mode == "markers+text" for t in trace.text]
    assert sorted(names) == ["A1", "A2", "B1"]
    (needs,) = [trace for trace in fig.data if trace.name == "behov"]
    assert sorted(needs.text) == ["bolig", "bolig +1", "job"]
    assert gp.edge_label([]) == "" and gp.edge_label(["a" * 40]) == "a" * 25 + "…"
    assert gp.node_label("Center for Rusmiddelbehandling København (CRBK) <b>") == (
        "Center for<br>Rusmiddelbehandling<br>København (CRBK) &lt;b&gt;"
    )


def test_stats_and_reach_frames(rg: ReferralGraph) -> None:
    assert gp.stats_frame(rg, rg.hubs(1)).to_dict("records") == [
        {
            "Enhed": "B1",
            "Forvaltning": "Forvaltning B (B)",
            "Modtager fra": 3,
            "Sender til": 1,
            gp.BETWEENNESS_COLUMN: round(100 * rg.betweenness["b1"], 1),
            "id": "b1",
        }
    ]
    reach = gp.reach_frame(rg, rg.reachable("a1", "job"))
    assert reach.to_dict("records") == [
        {
            "Enhed": "B1",
            "Forvaltning": "Forvaltning B (B)",
            "Skridt": 1,
            "Vej": "A1 → B1",
            "id": "b1",
        }
    ]


def test_empty_frames_keep_their_columns() -> None:
    rg = make_graph([("a1", "a2", ["x"])])
    assert list(gp.loops_frame(rg).columns) == [
        "Sløjfe",
        "Type",
        "Behov på hvert skridt",
        "Hvorfor",
        "Enheder",
    ]
    assert gp.bus_factor_frame(rg).empty


def test_matrix_frame_uses_labels(rg: ReferralGraph) -> None:
    frame = gp.matrix_frame(rg)
    assert list(frame.index) == ["A", "B"]
    assert frame.loc["A", "B"] == 3


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        (0, "B", ("a", "b")),
        (1, "A", ("b", "a")),
        (1, "B", ("b", "b")),
        (2, "A", None),
        (0, "X", None),
    ],
)
def test_matrix_cell(rg: ReferralGraph, row: int, column: str, expected: object) -> None:
    assert gp.matrix_cell(rg, row, column) == expected
