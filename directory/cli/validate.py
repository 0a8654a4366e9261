"""`python -m directory validate [DATA_DIR]`."""

from __future__ import annotations

import argparse
import gc
import sys

from directory.loading.loader import data_dir_from_env, validate_directory


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check a data directory and print every problem as path:line: message",
    )
    parser.add_argument(
        "data_dir", nargs="?", help="data directory (default: $LANDKORT_DATA or data/)"
    )
    parser.add_argument("--quiet", action="store_true", help="print errors only, not warnings")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    result = validate_directory(data_dir_from_env(args.data_dir))
    gc.freeze()  # the result lives until exit: the collector need not scan it again
    for problem in result.problems:
        if args.quiet and problem not in result.errors:
            continue
        print(problem)
    errors, warnings = len(result.errors), len(result.warnings)
    summary = f"{errors} error(s), {warnings} warning(s)"
    if result.directory is not None:
        d = result.directory
        summary += (
            f"; {len(d.departments)} departments, {len(d.units)} units, {len(d.contacts)} "
            "contacts, "
            f"{len(d.locations)} locations, {len(d.referrals)} referrals, {len(d.synonyms)} "
            "synonym groups"
        )
    print(summary, file=sys.stderr)
    return 1 if errors else 0
