"""`python -m directory path FROM TO`, `... loops` and `... stats`: the referral graph.

The data directory comes from `LANDKORT_DATA` (default `data/`). Invalid data prints its
problems (`path:line: message`) to stderr and exits 1; so does an unknown unit id or a
missing path.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from directory.cli.common import load_valid_directory

if TYPE_CHECKING:  # networkx and pandas load only when a graph command runs
    from directory.graph.analysis import ReferralGraph, UnitStats


def register(subparsers: argparse._SubParsersAction) -> None:
    path = subparsers.add_parser(
        "path",
        help="print the shortest referral path between two units as a -> b -> c, then alternatives",
    )
    path.add_argument("from_unit", metavar="FROM", help="unit id where the citizen is now")
    path.add_argument("to_unit", metavar="TO", help="unit id the citizen should reach")
    path.add_argument(
        "-k", "--paths", type=int, default=3, help="how many paths to print (default 3)"
    )
    path.add_argument("--need", help="follow only referrals that carry this need")
    path.set_defaults(handler=run_path)

    loops = subparsers.add_parser(
        "loops", help="print each referral cycle (a -> b -> a), one a line"
    )
    loops.add_argument("--max-len", type=int, default=4, help="longest cycle in units (default 4)")
    loops.set_defaults(handler=run_loops)

    stats = subparsers.add_parser(
        "stats", help="print hubs, bottlenecks, dead ends and bus-factor risks"
    )
    stats.add_argument(
        "--top", type=int, default=10, help="how many hubs and bottlenecks (default 10)"
    )
    stats.set_defaults(handler=run_stats)


def load_graph() -> ReferralGraph | None:
    """The graph of the data directory, or None after printing why it cannot be read."""
    directory = load_valid_directory()
    if directory is None:
        return None
    from directory.graph.analysis import ReferralGraph

    return ReferralGraph(directory)


def run_path(args: argparse.Namespace) -> int:
    graph = load_graph()
    if graph is None:
        return 1
    from directory.graph.analysis import UnknownUnitError, format_path

    try:
        paths = graph.shortest_paths(
            args.from_unit, args.to_unit, k=max(args.paths, 1), need=args.need
        )
    except UnknownUnitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not paths:
        carrying = f" that carries the need {args.need!r}" if args.need else ""
        print(
            f"error: no referral path{carrying} from {args.from_unit!r} to {args.to_unit!r}: no "
            "chain "
            "of referrals leads there. If citizens should be sent on, add the referral to "
            "referrals.yaml.",
            file=sys.stderr,
        )
        return 1
    for path in paths:
        print(format_path(path))
    return 0


def run_loops(args: argparse.Namespace) -> int:
    graph = load_graph()
    if graph is None:
        return 1
    from directory.graph.analysis import format_cycle

    cycles = graph.cycles(max(args.max_len, 2))
    for cycle in cycles:
        print(format_cycle(cycle))
    print(f"{len(cycles)} loop(s) of at most {max(args.max_len, 2)} units", file=sys.stderr)
    return 0


def _stats_line(graph: ReferralGraph, s: UnitStats) -> str:
    return (
        f"  {s.unit_id}  in {s.in_degree}  out {s.out_degree}  "
        f"betweenness {s.betweenness:.3f}  ({graph.name(s.unit_id)})"
    )


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"{title}:", *(lines or ["  (none)"]), ""]


def run_stats(args: argparse.Namespace) -> int:
    graph = load_graph()
    if graph is None:
        return 1
    g = graph.graph
    rule = (
        "x-front-door: true"
        if graph.front_doors_marked
        else "name contains Kontaktcenter, Borgerservice or Jobcenter"
    )
    doors = graph.front_doors()
    out = [
        f"{g.number_of_nodes()} units, {len(graph.directory.referrals)} referrals "
        f"({g.number_of_edges()} unit pairs), {len(graph.two_way_pairs())} two-way pairs",
        f"Front doors ({rule}): "
        f"{', '.join(doors) if doors else 'none; mark them with x-front-door: true'}",
        "",
    ]
    out += _section(
        "Hubs (most referral links in and out)",
        [_stats_line(graph, s) for s in graph.hubs(args.top)],
    )
    out += _section(
        "Bottlenecks (most shortest paths pass through)",
        [_stats_line(graph, s) for s in graph.bottlenecks(args.top)],
    )
    out += _section(
        "Dead ends (receive referrals, never refer on)",
        [f"  {u}  ({graph.name(u)})" for u in graph.dead_ends()],
    )
    out += _section(
        "Unreachable from the front doors",
        [f"  {u}  ({graph.name(u)})" for u in graph.unreachable_from_front_doors()],
    )
    out += _section(
        "Bus-factor risks (an area with one gatekeeper and no backup)",
        [
            f"  {r.area}: {r.contact_id} ({r.contact_name}, {r.unit_id})"
            for r in graph.bus_factor_risks()
        ],
    )
    print("\n".join(out).rstrip("\n"))
    return 0
