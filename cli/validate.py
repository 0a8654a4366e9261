"""`python -m directory validate [DATA_DIR]`."""

from __future__ import annotations

import argparse
import gc
import sys

from cli.common import count, validate
from directory.loading.loader import problem_order
from directory.model import Problem
from directory.rules.vocabulary import check_reach


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="tjek en datamappe, og udskriv hvert problem som sti:linje: besked",
    )
    parser.add_argument(
        "data_dir", nargs="?", help="datamappen (standard: $LANDKORT_DATA eller data/)"
    )
    parser.add_argument("--quiet", action="store_true", help="udskriv kun fejl, ikke advarsler")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    _, result = validate(args)
    gc.freeze()  # the result lives until exit: the collector need not scan it again
    reach: list[Problem] = []
    if result.directory is not None and not args.quiet:
        reach = check_reach(result.directory)  # units no need of the vocabulary reaches
    for problem in sorted([*result.problems, *reach], key=problem_order):
        if args.quiet and problem not in result.errors:
            continue
        print(problem)
    errors, warnings = len(result.errors), len(result.warnings) + len(reach)
    summary = f"{errors} fejl, {count(warnings, 'advarsel', 'advarsler')}"
    if result.directory is not None:
        d = result.directory
        summary += "; " + ", ".join(
            [
                count(len(d.departments), "forvaltning", "forvaltninger"),
                count(len(d.units), "enhed", "enheder"),
                count(len(d.contacts), "kontaktperson", "kontaktpersoner"),
                count(len(d.locations), "sted", "steder"),
                count(len(d.referrals), "henvisning", "henvisninger"),
                count(len(d.synonyms), "synonymgruppe", "synonymgrupper"),
            ]
        )
    print(summary, file=sys.stderr)
    return 1 if errors else 0
