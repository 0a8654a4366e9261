"""The referral graph: the documented referral routes between units, and where they stop.

The counts are referral routes written down in the data (`referrals/*.yaml`), not measured
movements of citizens.

`ReferralGraph(directory)` builds a networkx `DiGraph` from a validated `Directory`:

- nodes are unit ids with the attributes `name`, `department` (the forvaltning's id),
  `department_name`, `kind` (the department's kind: `municipal` or `external`) and
  `front_door` (bool);
- an edge `a -> b` exists when at least one referral goes from `a` to `b`; it carries the
  union of those referrals' `needs`, `criteria` and `requires` (first spelling kept, data
  order), `labels` (the needs by their vocabulary label, `directory.rules.needs.need_label`:
  the words the search filter uses) and `count`, the number of referral records behind it.

Front doors (the units citizens usually meet first) follow one documented rule: if any unit
in the data has the extension key `x-front-door`, the front doors are exactly the units
with `x-front-door: true`; otherwise every unit whose name contains "Kontaktcenter",
"Borgerservice" or "Jobcenter" (any case) is one.

The object is shared between Streamlit sessions (cached as a resource): treat it as
read-only. Expensive results (betweenness, cycles) are computed once, on first use.
"""

from __future__ import annotations

import difflib
import gc
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from typing import NamedTuple

import networkx as nx
import pandas as pd

from directory.graph import MAX_LOOP_LEN
from directory.model import Directory
from directory.rules.needs import need_key, need_label
from directory.rules.unit_finder import UnitFinder

FRONT_DOOR_KEY = "x-front-door"
FRONT_DOOR_WORDS = ("kontaktcenter", "borgerservice", "jobcenter")
# Betweenness from this many units on samples k sources (fixed seed), k chosen so that
# k * (units + links) stays near BETWEENNESS_BUDGET, but never below BETWEENNESS_MIN_SAMPLE.
BETWEENNESS_EXACT_LIMIT = 1000
BETWEENNESS_BUDGET = 1_000_000
BETWEENNESS_MIN_SAMPLE = 32
SEED = 42


class UnknownUnitError(KeyError):
    """A unit id that is not in the data; `.suggestions` holds close matches."""

    def __init__(self, unit_id: str, suggestions: list[str]) -> None:
        super().__init__(unit_id)
        self.unit_id = unit_id
        self.suggestions = suggestions

    def __str__(self) -> str:
        hint = ", ".join(repr(s) for s in self.suggestions)
        hint = f"; mente du {hint}?" if hint else "."
        return (
            f"ingen enhed har id'et {self.unit_id!r}{hint} Skriv et enheds-id, som det står i "
            "units/*.yaml."
        )


class Reach(NamedTuple):
    """A unit reachable from a start unit: how many handoffs, and the path (start first)."""

    unit_id: str
    steps: int
    path: list[str]


@dataclass(frozen=True, slots=True)
class UnitStats:
    unit_id: str
    in_degree: int
    out_degree: int
    betweenness: float


@dataclass(frozen=True, slots=True)
class Loop:
    """A referral cycle (`units`, smallest id first) and the needs (labels) on each hop.

    `shared`: the needs on every hop. A loop with a shared need is a **bounce**: a citizen
    with that need can be referred all the way round and end where she started. Without
    one it is a **collaboration**: the units send each other citizens with different needs
    (for two units: a two-way collaboration).
    """

    units: tuple[str, ...]
    hops: tuple[tuple[str, str, tuple[str, ...]], ...]
    shared: tuple[str, ...]

    @property
    def is_bounce(self) -> bool:
        return bool(self.shared)

    @property
    def two_way(self) -> bool:
        return len(self.units) == 2


@dataclass(frozen=True, slots=True)
class BusFactorRisk:
    """An area served by exactly one gatekeeper who has no (existing) backup."""

    area: str
    contact_id: str
    contact_name: str
    unit_id: str


def format_path(path: Iterable[str]) -> str:
    """`a -> b -> c`."""
    return " -> ".join(path)


def format_cycle(cycle: list[str]) -> str:
    """A cycle closed on its first unit: `a -> b -> a`."""
    return format_path([*cycle, cycle[0]])


def short_cycles(graph: nx.DiGraph, max_len: int) -> list[tuple[str, ...]]:
    """Every simple cycle of at most `max_len` nodes, each starting at its smallest node.

    The same cycles as `nx.simple_cycles(graph, length_bound=max_len)` (the tests check
    this), but found by a depth-first search from each node through larger nodes only,
    which is far faster for short cycles on graphs with hubs (see benchmarks/bench_graph.py).
    """
    found: list[tuple[str, ...]] = []
    succ = graph.succ
    for start in graph:
        path = [start]
        on_path = {start}
        stack = [iter(succ[start])]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                on_path.discard(path.pop())
            elif nxt == start:
                if len(path) > 1:
                    found.append(tuple(path))
            elif nxt > start and nxt not in on_path and len(path) < max_len:
                path.append(nxt)
                on_path.add(nxt)
                stack.append(iter(succ[nxt]))
    return found


class ReferralGraph:
    """Analyses of the referral paths between the units of a `Directory`."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        # Like the loader, without the cyclic garbage collector: the graph is 200,000 small
        # containers at 10k units, all kept, and its passes over them cost more than the build.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            self.graph, self.needs = self._build(directory)
        finally:
            if was_enabled:
                gc.enable()
        self._cycle_cache: dict[int, tuple[tuple[str, ...], ...]] = {}

    def _build(self, directory: Directory) -> tuple[nx.DiGraph, list[str]]:
        """The graph (see the module doc) and every need on some referral by its label (as the
        search filter names it), sorted."""
        graph: nx.DiGraph[str] = nx.DiGraph()
        front_doors = set(self._front_door_ids())
        for unit in directory.units.values():
            department = directory.departments.get(unit.department)
            graph.add_node(
                unit.id,
                name=unit.name,
                department=unit.department,
                department_name=department.label if department else unit.department,
                kind=str(department.kind) if department else "municipal",
                front_door=unit.id in front_doors,
            )
        # Each edge's lists keep the first spelling of each need, as `merge_needs` does; each
        # distinct word is keyed and labelled once (30,000 referrals use a few hundred words),
        # and no container lives per edge beyond its lists (the garbage collector's passes
        # over long-lived containers cost more than the work itself): O(referrals).
        key_of: dict[str, str] = {}
        label_of: dict[str, str] = {}
        needs: dict[str, str] = {}  # every label's key -> its first spelling

        def key(value: str) -> str:
            found = key_of.get(value)
            if found is None:
                found = key_of[value] = need_key(value)
            return found

        def add(target: list[str], value: str) -> None:
            wanted = key(value)
            for present in target:
                if key_of[present] == wanted:
                    return
            target.append(value)

        adj = graph.adj
        for referral in directory.referrals:
            a, b = referral.from_, referral.to
            if a not in graph or b not in graph:
                continue  # a validated directory has none; tolerate hand-built ones
            data = adj[a].get(b)
            if data is None:
                graph.add_edge(a, b, needs=[], labels=[], criteria=[], requires=[], count=0)
                data = adj[a][b]
            for value in referral.needs:
                label = label_of.get(value)
                if label is None:
                    label = label_of[value] = need_label(directory, value)
                add(data["needs"], value)
                add(data["labels"], label)
                needs.setdefault(key_of[label], label)
            if referral.criteria:
                add(data["criteria"], referral.criteria)
            for value in referral.requires:
                add(data["requires"], value)
            data["count"] += 1
        return graph, [needs[k] for k in sorted(needs)]

    # --- lookups ---------------------------------------------------------------------

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self.graph

    def name(self, unit_id: str) -> str:
        return str(self.graph.nodes[unit_id]["name"])

    def check(self, unit_id: str) -> str:
        """The id itself if it is a unit, else `UnknownUnitError` with close matches."""
        if unit_id not in self.graph:
            raise UnknownUnitError(unit_id, self.close_matches(unit_id))
        return unit_id

    def close_matches(self, word: str, n: int = 3) -> list[str]:
        """Unit ids close to `word`, by id and by unit name."""
        ids = list(self.graph)
        found = difflib.get_close_matches(word, ids, n=n, cutoff=0.6)
        by_name = {need_key(self.name(u)): u for u in ids}
        for name in difflib.get_close_matches(need_key(word), list(by_name), n=n, cutoff=0.6):
            if by_name[name] not in found:
                found.append(by_name[name])
        return found[:n]

    def _front_door_ids(self) -> list[str]:
        units = self.directory.units.values()
        if any(FRONT_DOOR_KEY in u.extensions for u in units):
            return [u.id for u in units if u.extensions.get(FRONT_DOOR_KEY) is True]
        return [u.id for u in units if any(w in u.name.casefold() for w in FRONT_DOOR_WORDS)]

    @property
    def front_doors_marked(self) -> bool:
        """True when the data marks front doors with `x-front-door` (else names decide)."""
        return any(FRONT_DOOR_KEY in u.extensions for u in self.directory.units.values())

    def front_doors(self) -> list[str]:
        return sorted(u for u, front in self.graph.nodes(data="front_door") if front)

    # --- paths -----------------------------------------------------------------------

    def _by_need(self, need: str | None) -> nx.DiGraph:
        if need is None:
            return self.graph
        key = need_key(need_label(self.directory, need))
        view: nx.DiGraph[str] = nx.subgraph_view(
            self.graph,
            filter_edge=lambda a, b: any(
                need_key(n) == key for n in self.graph.edges[a, b]["labels"]
            ),
        )
        return view

    def shortest_paths(
        self, a: str, b: str, k: int = 3, need: str | None = None
    ) -> list[list[str]]:
        """Up to `k` simple paths from `a` to `b`, fewest handoffs first ([] when none)."""
        self.check(a)
        self.check(b)
        if a == b:
            return [[a]]
        paths: Iterator[list[str]] = nx.shortest_simple_paths(self._by_need(need), a, b)
        try:
            return list(islice(paths, k))
        except nx.NetworkXNoPath:
            return []

    def reachable(
        self, from_unit: str, need: str | None = None, max_steps: int | None = None
    ) -> list[Reach]:
        """Where a citizen can be sent from `from_unit`, nearest first.

        With `need`, only referrals that carry that need are followed (at every step).
        """
        self.check(from_unit)
        paths = nx.single_source_shortest_path(self._by_need(need), from_unit, cutoff=max_steps)
        reach = [Reach(u, len(p) - 1, p) for u, p in paths.items() if u != from_unit]
        return sorted(reach, key=lambda r: (r.steps, r.unit_id))

    # --- hubs and bottlenecks --------------------------------------------------------

    @cached_property
    def betweenness(self) -> dict[str, float]:
        """Normalised betweenness centrality; sampled (fixed seed) on large graphs."""
        g = self.graph
        k = self.betweenness_sample
        return nx.betweenness_centrality(g, k=k, seed=SEED if k else None)

    @property
    def betweenness_sample(self) -> int | None:
        """How many source units betweenness samples (None: exact, every unit)."""
        n = len(self.graph)
        if n < BETWEENNESS_EXACT_LIMIT:
            return None
        k = BETWEENNESS_BUDGET // (n + self.graph.number_of_edges())
        return min(n, max(BETWEENNESS_MIN_SAMPLE, k))

    def unit_stats(self, unit_id: str) -> UnitStats:
        g = self.graph
        return UnitStats(
            unit_id, g.in_degree(unit_id), g.out_degree(unit_id), self.betweenness[unit_id]
        )

    def hubs(self, n: int = 10) -> list[UnitStats]:
        """The units with the most referral links (in + out), ties by betweenness, then id."""
        stats = [self.unit_stats(u) for u in self.graph if self.graph.degree(u)]
        stats.sort(key=lambda s: (-(s.in_degree + s.out_degree), -s.betweenness, s.unit_id))
        return stats[:n]

    def bottlenecks(self, n: int = 10) -> list[UnitStats]:
        """The units that most shortest referral paths pass through (betweenness > 0)."""
        stats = [self.unit_stats(u) for u, b in self.betweenness.items() if b > 0]
        stats.sort(key=lambda s: (-s.betweenness, s.unit_id))
        return stats[:n]

    # --- loops -----------------------------------------------------------------------

    def two_way_pairs(self) -> list[tuple[str, str]]:
        """Pairs of units that refer to each other, `(a, b)` with `a < b`, sorted."""
        g = self.graph
        return sorted((a, b) for a, b in g.edges if a < b and g.has_edge(b, a))

    def cycles(self, max_len: int = 4) -> list[list[str]]:
        """Referral cycles of at most `max_len` units, each rotated to start at its smallest
        id, sorted (two-way pairs are cycles of 2)."""
        return [list(c) for c in self._cycles(max_len)]

    def loops(self, max_len: int = 4) -> list[Loop]:
        """The cycles of `cycles(max_len)` with the needs on each hop: bounces first, then
        shortest, then by unit names."""
        out = []
        for cycle in self._cycles(max_len):
            hops = tuple(
                (a, b, tuple(self.graph.edges[a, b]["labels"]))
                for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True)
            )
            keys = [{need_key(n) for n in labels} for _, _, labels in hops]
            common = set.intersection(*keys)
            shared = tuple(n for n in hops[0][2] if need_key(n) in common)
            out.append(Loop(cycle, hops, shared))
        out.sort(key=lambda c: (not c.is_bounce, len(c.units), [self.name(u) for u in c.units]))
        return out

    def _cycles(self, max_len: int) -> tuple[tuple[str, ...], ...]:
        if max_len > MAX_LOOP_LEN:
            raise ValueError(f"loops of at most {MAX_LOOP_LEN} units, not {max_len}")
        if max_len not in self._cycle_cache:
            self._cycle_cache[max_len] = tuple(sorted(short_cycles(self.graph, max_len)))
        return self._cycle_cache[max_len]

    # --- where citizens stop ---------------------------------------------------------

    def dead_ends(self) -> list[str]:
        """Units that receive referrals but never refer on, sorted by id."""
        g = self.graph
        return sorted(u for u in g if g.in_degree(u) and not g.out_degree(u))

    def isolated(self) -> list[str]:
        """Units with no referral in or out, sorted by id."""
        return sorted(nx.isolates(self.graph))

    def unreachable_from_front_doors(self) -> list[str]:
        """Units no chain of referrals leads to from any front door (none if no front doors)."""
        doors = self.front_doors()
        if not doors:
            return []
        seen = set(doors)
        stack = list(doors)
        successors = self.graph.successors
        while stack:  # one search from all front doors at once: O(units + referrals)
            for nxt in successors(stack.pop()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return sorted(set(self.graph) - seen)

    # --- departments and people ------------------------------------------------------

    def department_matrix(self) -> pd.DataFrame:
        """Referral records from each forvaltning (rows) to each (columns), by department id."""
        ids = self.departments()
        nodes = self.graph.nodes
        counts: Counter[tuple[str, str]] = Counter()
        for a, b, data in self.graph.edges(data=True):
            counts[nodes[a]["department"], nodes[b]["department"]] += data["count"]
        return pd.DataFrame(
            [[counts[row, column] for column in ids] for row in ids],
            index=pd.Index(ids, name="from"),
            columns=pd.Index(ids, name="to"),
        )

    def words_for(self, a: str, b: str, label: str) -> list[str]:
        """The needs as written on the referrals `a -> b` that stand for the need `label`."""
        key = need_key(label)
        return [
            n
            for n in self.graph.edges[a, b]["needs"]
            if need_key(need_label(self.directory, n)) == key
        ]

    def department_edges(self, from_department: str, to_department: str) -> list[tuple[str, str]]:
        """The unit-to-unit links behind one cell of `department_matrix`, most referrals
        first, then by unit names."""
        nodes = self.graph.nodes
        edges = [
            (a, b)
            for a, b in self.graph.edges
            if nodes[a]["department"] == from_department and nodes[b]["department"] == to_department
        ]
        return sorted(
            edges, key=lambda e: (-self.graph.edges[e]["count"], self.name(e[0]), self.name(e[1]))
        )

    def default_focus(self) -> str | None:
        """Where the page starts: the front door with the most referral links, else the unit
        with the most links (None when there are no referrals)."""
        g = self.graph
        linked = [u for u in g if g.degree(u)]
        doors = [u for u in self.front_doors() if g.degree(u)]
        pool = doors or linked
        if not pool:
            return None
        return min(pool, key=lambda u: (-g.degree(u), self.name(u)))

    @cached_property
    def finder(self) -> UnitFinder:
        """Every unit for a picker (`directory.rules.unit_finder`): front doors first, then the
        units with the most referral links, then by name."""
        g = self.graph
        nodes = g.nodes
        order = sorted(
            g, key=lambda u: (not nodes[u]["front_door"], -g.degree(u), need_key(self.name(u)), u)
        )
        return UnitFinder((u, nodes[u]["name"], nodes[u]["department_name"]) for u in order)

    def find_units(self, query: str, limit: int = 50) -> tuple[list[str], int]:
        """The units a picker offers for `query`, best first, at most `limit`, and how many
        matched in all: `UnitFinder.find` in the order of `finder` (an empty query: front
        doors, then the units with the most referral links, then by name)."""
        return self.finder.find(query, limit)

    def reach_view(self, from_unit: str, need: str | None = None, max_steps: int = 1) -> nx.DiGraph:
        """A unit and the units a citizen can be referred to from it in at most `max_steps`
        referrals (only referrals with `need`, if given), with the referrals among them."""
        self.check(from_unit)
        g = self._by_need(need)
        nodes = {r.unit_id for r in self.reachable(from_unit, need, max_steps)} | {from_unit}
        sub: nx.DiGraph[str] = nx.DiGraph()
        sub.add_nodes_from((u, self.graph.nodes[u]) for u in nodes)
        sub.add_edges_from(
            (a, b, self.graph.edges[a, b]) for a, b in g.edges if a in nodes and b in nodes
        )
        return sub

    def departments(self) -> list[str]:
        """Ids of the departments that have units, in the data's order."""
        return [d for d in self.directory.departments if d in self._departments_in_use]

    @cached_property
    def _departments_in_use(self) -> set[str]:
        return {data["department"] for _, data in self.graph.nodes(data=True)}

    def bus_factor_risks(self) -> list[BusFactorRisk]:
        """Areas (from gatekeepers' `areas`) that only one gatekeeper serves, with no backup."""
        contacts = self.directory.contacts
        serving: dict[str, list[tuple[str, str]]] = {}
        for contact_id, contact in contacts.items():
            if contact.is_gatekeeper:
                for area in contact.areas:
                    serving.setdefault(need_key(area), []).append((area, contact_id))
        risks = []
        for entries in serving.values():
            ids = {cid for _, cid in entries}
            if len(ids) != 1:
                continue
            area, contact_id = entries[0]
            contact = contacts[contact_id]
            if contact.backup is None or contact.backup not in contacts:
                unit_id = self.directory.contact_unit[contact_id]
                risks.append(BusFactorRisk(area, contact_id, contact.name, unit_id))
        return sorted(risks, key=lambda r: (need_key(r.area), r.contact_id))

    # --- views for display -----------------------------------------------------------

    def neighbourhood(
        self, unit_id: str, depth: int = 1, graph: nx.DiGraph | None = None
    ) -> nx.DiGraph:
        """The units within `depth` referral links (either direction) of a unit."""
        self.check(unit_id)
        base = self.graph if graph is None else graph
        if unit_id not in base:
            base = self.graph
        ego: nx.DiGraph[str] = nx.ego_graph(base, unit_id, radius=depth, undirected=True)
        return ego

    def view(
        self,
        departments: Iterable[str] | None = None,
        need: str | None = None,
        focus: str | None = None,
        depth: int = 1,
    ) -> nx.DiGraph:
        """The part of the graph a reader asked for.

        `departments`: the referrals that start or end in those forvaltninger (so the
        partners they refer to stay visible), plus all their units. `need`: only referrals
        that carry that need, and the units on them. `focus`: the unit's neighbourhood at
        `depth` inside that view (or in the whole graph if the filters leave the unit out).
        Without any of them it is `graph` itself (no copy: read-only); otherwise a new graph.
        """
        g = self._by_need(need)
        wanted = set(departments or ())
        if not wanted and need is None and focus is None:
            return self.graph  # the whole graph: shared, read-only like the object itself
        if wanted:
            dept = self.graph.nodes
            edges = [
                (a, b)
                for a, b in g.edges
                if dept[a]["department"] in wanted or dept[b]["department"] in wanted
            ]
            nodes = {u for u in g if dept[u]["department"] in wanted} if need is None else set()
        else:
            edges = list(g.edges)
            nodes = set(g) if need is None else set()
        nodes |= {u for e in edges for u in e}
        sub = self.graph.edge_subgraph(edges).copy()
        sub.add_nodes_from((u, self.graph.nodes[u]) for u in nodes if u not in sub)
        if focus is not None:
            return self.neighbourhood(focus, depth, sub)
        return sub

    def aggregate_by_department(self, graph: nx.DiGraph | None = None) -> nx.DiGraph:
        """One node per forvaltning (`units`, `internal` referral count, `name`, `kind`);
        an edge per pair of forvaltninger with `count` referrals and `needs` (Counter).
        The whole graph's (`graph` None or the graph itself) is computed once and shared."""
        if graph is None or graph is self.graph:
            return self._whole_by_department
        return self._aggregate(graph)

    @cached_property
    def _whole_by_department(self) -> nx.DiGraph:
        return self._aggregate(self.graph)

    def _aggregate(self, base: nx.DiGraph) -> nx.DiGraph:
        agg: nx.DiGraph[str] = nx.DiGraph()
        departments = self.directory.departments
        units = Counter(data["department"] for _, data in base.nodes(data=True))
        for dept_id in [d for d in departments if d in units]:
            department = departments[dept_id]
            agg.add_node(
                dept_id,
                name=department.label,
                kind=str(department.kind),
                units=units[dept_id],
                internal=0,
            )
        for a, b, data in base.edges(data=True):
            da, db = base.nodes[a]["department"], base.nodes[b]["department"]
            if da == db:
                agg.nodes[da]["internal"] += data["count"]
                continue
            if not agg.has_edge(da, db):
                agg.add_edge(da, db, count=0, needs=Counter())
            agg.edges[da, db]["count"] += data["count"]
            agg.edges[da, db]["needs"].update(data["labels"])
        return agg
