"""`python -m directory guide [--age N] [--from UNIT] [--limit K] TEXT...`: whom to contact.

Reads the data directory from `LANDKORT_DATA` (default `data/`) and prints the suggestions
of `search.guide` for a citizen's situation, one a line, best first (a unit that another
must come through is printed just before it):

    <unit-id>\\t<reason>                 without --from
    <unit-id>\\t<reason>\\t<a -> b -> c>  with --from: the referral path, empty when none

A unit whose age range excludes --age is never suggested. Exit 1 with a message on stderr
when there is no suggestion, an unknown unit id or invalid data.
"""

from __future__ import annotations

import argparse
import sys

from directory.cli.common import load_valid_directory


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative: give 0 or more")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    guide = subparsers.add_parser(
        "guide",
        help=(
            "print whom to contact for a citizen's situation: unit id, why "
            "(and the path from --from)"
        ),
    )
    guide.add_argument("text", nargs="+", metavar="TEXT", help="the situation in Danish words")
    guide.add_argument("--age", type=_positive, help="the citizen's age in years (strict)")
    guide.add_argument(
        "--from", dest="from_unit", metavar="UNIT", help="your own unit id: print the path from it"
    )
    guide.add_argument(
        "--limit", type=_positive, default=5, metavar="K", help="most suggestions (default 5)"
    )
    guide.set_defaults(handler=run_guide)


def run_guide(args: argparse.Namespace) -> int:
    directory = load_valid_directory()
    if directory is None:
        return 1
    from search import SearchIndex
    from search.guide import Guide, UnknownUnit

    text = " ".join(args.text)
    if args.limit < 1:
        print("error: --limit 0 prints nothing: give 1 or more", file=sys.stderr)
        return 1
    guide = Guide(SearchIndex(directory))
    try:
        guidance = guide.guide(text, age=args.age, from_unit=args.from_unit, limit=args.limit)
    except UnknownUnit as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not guidance.suggestions:
        age = f" for age {guidance.age}" if guidance.age is not None else ""
        print(
            f"error: no unit fits {text!r}{age}: describe the need in other words "
            "(e.g. 'hjemløs', 'gæld', 'misbrug'), or search for it with the Søg page",
            file=sys.stderr,
        )
        return 1
    for suggestion in guidance.suggestions:
        columns = [suggestion.unit_id, suggestion.reason]
        if args.from_unit:
            columns.append(" -> ".join(suggestion.path or ()))
        print("\t".join(columns))
    return 0
