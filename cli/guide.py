"""`python -m directory guide [--age N] [--from UNIT] [--limit K] TEXT...`: whom to contact.

Reads the data directory from `LANDKORT_DATA` (default `data/`) and prints the suggestions
of `search.guide` for a citizen's situation, one a line, best first (a unit that another
must come through is printed just before it):

    <unit-id>\\t<reason>                 without --from
    <unit-id>\\t<reason>\\t<a -> b -> c>  with --from: the referral path, empty when none

A unit whose age range excludes --age is never suggested; with --area, a district unit for
another area neither; --at replaces the clock (open now, helligdage) for the run. Exit 1
with a message on stderr when there is no suggestion, an unknown unit id or area or invalid
data, and for a text longer than the page reads (`MAX_SITUATION_CHARS`) or one that holds a
CPR number.
"""

from __future__ import annotations

import argparse
import sys

from cli.common import add_citizen_options, load_for_citizen, positive
from directory.rules.personal import holds_cpr
from directory.rules.query import MAX_SITUATION_CHARS, excerpt


def register(subparsers: argparse._SubParsersAction) -> None:
    guide = subparsers.add_parser(
        "guide",
        help=(
            "udskriv, hvem der skal kontaktes i en borgers situation: enheds-id, hvorfor "
            "(og vejen fra --from)"
        ),
    )
    guide.add_argument("text", nargs="+", metavar="TEXT", help="situationen med danske ord")
    guide.add_argument(
        "--from", dest="from_unit", metavar="UNIT", help="din egen enheds id: udskriv vejen derfra"
    )
    guide.add_argument(
        "--limit",
        type=positive,
        default=5,
        metavar="K",
        help="højst så mange forslag (standard 5)",
    )
    add_citizen_options(guide)
    guide.set_defaults(handler=run_guide)


EMPTY = (
    "fejl: situationen er tom: beskriv borgerens situation med dine egne ord "
    "(fx 'hjemløs', 'gæld', 'misbrug')"
)


def run_guide(args: argparse.Namespace) -> int:
    text = " ".join(args.text)
    if args.limit < 1:
        print("fejl: --limit 0 udskriver intet: skriv 1 eller mere", file=sys.stderr)
        return 1
    if not text.strip():
        print(EMPTY, file=sys.stderr)
        return 1
    if len(text) > MAX_SITUATION_CHARS:
        print(
            f"fejl: situationen er {len(text)} tegn: beskriv den med højst "
            f"{MAX_SITUATION_CHARS} tegn (et par sætninger)",
            file=sys.stderr,
        )
        return 1
    if holds_cpr(text):
        print(
            "fejl: teksten ligner et CPR-nummer: beskriv situationen uden navn og CPR-nummer",
            file=sys.stderr,
        )
        return 1
    from search.guide import Guide, UnknownUnit, situation_problem

    problem = situation_problem(text)  # a phone number or an e-mail address
    if problem is not None:
        print(f"fejl: {problem}", file=sys.stderr)
        return 1
    loaded = load_for_citizen(args)
    if loaded is None:
        return 1
    directory, area = loaded
    from search import SearchIndex

    guide = Guide(SearchIndex(directory))
    try:
        guidance = guide.guide(
            text,
            age=args.age,
            from_unit=args.from_unit,
            limit=args.limit,
            at=args.at,
            area=area,
        )
    except UnknownUnit as exc:
        print(f"fejl: {exc}", file=sys.stderr)
        return 1
    if not guidance.suggestions:
        age = f" i alderen {guidance.age}" if guidance.age is not None else ""
        print(
            f"fejl: ingen enhed passer til {excerpt(text)!r}{age}: beskriv behovet med andre ord "
            "(fx 'hjemløs', 'gæld', 'misbrug'), eller søg efter det på siden Søg",
            file=sys.stderr,
        )
        return 1
    for suggestion in guidance.suggestions:
        columns = [suggestion.unit_id, suggestion.reason]
        if args.from_unit:
            columns.append(" -> ".join(suggestion.path or ()))
        print("\t".join(columns))
    return 0
