"""`python -m directory search [--age N] [--area AREA] [--at "YYYY-MM-DD HH:MM"] QUERY...`.

Reads the data directory from `LANDKORT_DATA` (default `data/`) and prints the unit cards
the Søg page shows for the query, in its order (`search.placing.search_cards`: the
citizen's area and the time), one a line:

    <unit-id>\\t<reason>

The reason says what matched and where the card was placed ('dækker 2300 København S',
'lukket nu: åben i stedet er Døgnvagten, børn og unge'). A card of district units folded
into their umbrella (no --area) prints the umbrella's id. Exit 1 with a message on stderr
when nothing is found, the area is unknown or the data is invalid.
"""

from __future__ import annotations

import argparse
import sys

from cli.common import add_citizen_options, load_for_citizen


def register(subparsers: argparse._SubParsersAction) -> None:
    search = subparsers.add_parser(
        "search",
        help=(
            "udskriv Søg-sidens enheder for en søgning, bedste først: enheds-id og hvorfor "
            "(borgerens område og tidspunktet medregnet)"
        ),
    )
    search.add_argument("query", nargs="+", metavar="QUERY", help="det, der søges på")
    add_citizen_options(search)
    search.set_defaults(handler=run_search)


def run_search(args: argparse.Namespace) -> int:
    loaded = load_for_citizen(args)
    if loaded is None:
        return 1
    directory, area = loaded
    from directory.rules import clock
    from search import SearchIndex
    from search.placing import card_reason, search_cards

    query = " ".join(args.query)
    at = args.at or clock.now()
    cards = search_cards(SearchIndex(directory), query, at=at, area=area, age=args.age)
    units = [card for card in cards if card.unit_id is not None]
    if not units:
        age = f" i alderen {args.age}" if args.age is not None else ""
        print(
            f"fejl: ingen enhed passer til {query!r}{age}: prøv et andet ord for det samme, "
            "eller et kortere ord",
            file=sys.stderr,
        )
        return 1
    for card in units:
        print(f"{card.result.id}\t{card_reason(card, directory, area)}")
    return 0
