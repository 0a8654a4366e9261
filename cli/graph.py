"""`python -m directory path FROM TO`, `... loops` and `... stats`: the referral graph.

The data directory comes from `LANDKORT_DATA` (default `data/`). Invalid data prints its
problems (`path:line: message`) to stderr and exits 1; so does an unknown unit id or a
missing path.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from cli.common import count, load_valid_directory
from directory.graph import MAX_LOOP_LEN

if TYPE_CHECKING:  # networkx and pandas load only when a graph command runs
    from directory.graph.analysis import ReferralGraph, UnitStats


def _loop_len(text: str) -> int:
    """--max-len: a whole number of at most MAX_LOOP_LEN (longer loops take minutes)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} er ikke et helt tal") from None
    if value > MAX_LOOP_LEN:
        raise argparse.ArgumentTypeError(
            f"{value} enheder er for mange: skriv højst {MAX_LOOP_LEN} (antallet af sløjfer og "
            "tiden vokser 2-3 gange for hver enhed mere)"
        )
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    path = subparsers.add_parser(
        "path",
        help="udskriv den korteste henvisningsvej mellem to enheder som a -> b -> c, og "
        "derefter andre veje",
    )
    path.add_argument("from_unit", metavar="FROM", help="id på den enhed, borgeren er hos nu")
    path.add_argument("to_unit", metavar="TO", help="id på den enhed, borgeren skal frem til")
    path.add_argument(
        "-k", "--paths", type=int, default=3, help="hvor mange veje der udskrives (standard 3)"
    )
    path.add_argument("--need", help="følg kun henvisninger med dette behov")
    path.set_defaults(handler=run_path)

    loops = subparsers.add_parser(
        "loops", help="udskriv hver sløjfe af henvisninger (a -> b -> a), én pr. linje"
    )
    loops.add_argument(
        "--max-len",
        type=_loop_len,
        default=4,
        help=f"længste sløjfe i enheder (standard 4, højst {MAX_LOOP_LEN})",
    )
    loops.set_defaults(handler=run_loops)

    stats = subparsers.add_parser(
        "stats", help="udskriv knudepunkter, flaskehalse, blindgyder og sårbare områder"
    )
    stats.add_argument(
        "--top", type=int, default=10, help="hvor mange knudepunkter og flaskehalse (standard 10)"
    )
    stats.set_defaults(handler=run_stats)


def load_graph(args: argparse.Namespace) -> ReferralGraph | None:
    """The graph of the data directory, or None after printing why it cannot be read."""
    directory = load_valid_directory(args)
    if directory is None:
        return None
    from directory.graph.analysis import ReferralGraph

    return ReferralGraph(directory)


def run_path(args: argparse.Namespace) -> int:
    graph = load_graph(args)
    if graph is None:
        return 1
    from directory.graph.analysis import UnknownUnitError, format_path

    try:
        paths = graph.shortest_paths(
            args.from_unit, args.to_unit, k=max(args.paths, 1), need=args.need
        )
    except UnknownUnitError as exc:
        print(f"fejl: {exc}", file=sys.stderr)
        return 1
    if not paths:
        carrying = f" med behovet {args.need!r}" if args.need else ""
        print(
            f"fejl: ingen henvisningsvej{carrying} fra {args.from_unit!r} til {args.to_unit!r}: "
            "ingen kæde af henvisninger fører dertil. Skal borgerne sendes videre, så tilføj "
            "henvisningen i referrals.yaml.",
            file=sys.stderr,
        )
        return 1
    for path in paths:
        print(format_path(path))
    return 0


def run_loops(args: argparse.Namespace) -> int:
    graph = load_graph(args)
    if graph is None:
        return 1
    from directory.graph.analysis import format_cycle

    cycles = graph.cycles(max(args.max_len, 2))
    for cycle in cycles:
        print(format_cycle(cycle))
    most = max(args.max_len, 2)
    print(f"{count(len(cycles), 'sløjfe', 'sløjfer')} på højst {most} enheder", file=sys.stderr)
    return 0


def _stats_line(graph: ReferralGraph, s: UnitStats) -> str:
    return (
        f"  {s.unit_id}  ind {s.in_degree}  ud {s.out_degree}  "
        f"mellemled {s.betweenness:.3f}  ({graph.name(s.unit_id)})"
    )


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"{title}:", *(lines or ["  (ingen)"]), ""]


def run_stats(args: argparse.Namespace) -> int:
    graph = load_graph(args)
    if graph is None:
        return 1
    g = graph.graph
    rule = (
        "x-front-door: true"
        if graph.front_doors_marked
        else "Kontaktcenter, Borgerservice eller Jobcenter i navnet"
    )
    doors = graph.front_doors()
    out = [
        f"{count(g.number_of_nodes(), 'enhed', 'enheder')}, "
        f"{count(len(graph.directory.referrals), 'henvisning', 'henvisninger')} "
        f"({g.number_of_edges()} enhedspar), "
        f"{count(len(graph.two_way_pairs()), 'gensidigt par', 'gensidige par')}",
        f"Indgange ({rule}): "
        f"{', '.join(doors) if doors else 'ingen; marker dem med x-front-door: true'}",
        "",
    ]
    out += _section(
        "Knudepunkter (flest henvisninger ind og ud)",
        [_stats_line(graph, s) for s in graph.hubs(args.top)],
    )
    out += _section(
        "Flaskehalse (flest korteste veje går igennem)",
        [_stats_line(graph, s) for s in graph.bottlenecks(args.top)],
    )
    out += _section(
        "Blindgyder (modtager henvisninger, henviser aldrig videre)",
        [f"  {u}  ({graph.name(u)})" for u in graph.dead_ends()],
    )
    out += _section(
        "Kan ikke nås fra indgangene",
        [f"  {u}  ({graph.name(u)})" for u in graph.unreachable_from_front_doors()],
    )
    out += _section(
        "Områder der hænger på én person (én nøgleperson uden stedfortræder)",
        [
            f"  {r.area}: {r.contact_id} ({r.contact_name}, {r.unit_id})"
            for r in graph.bus_factor_risks()
        ],
    )
    print("\n".join(out).rstrip("\n"))
    return 0
