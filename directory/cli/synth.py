"""`python -m directory synth OUT_DIR --units N [--seed S] [--today YYYY-MM-DD] [--force]`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from directory.devtools.synth import ANCHOR, synth_directory


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-06-01"
        ) from None


def _units(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number: write e.g. --units 1000"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "synth",
        help="write a generated (synthetic) data directory of N units, for tests and benchmarks",
        description=(
            "Write a valid data directory of N units (about N/2 locations, 3N referrals, 1.5N "
            "contacts) with made-up Danish names. The same seed gives identical files. "
            f"'verified' dates lie within 330 days before --today (default {ANCHOR}, fixed so "
            "that the output is deterministic; validation later warns that they are stale)."
        ),
    )
    parser.add_argument("out_dir", metavar="OUT_DIR", help="folder to write (must be new or empty)")
    parser.add_argument("--units", type=_units, required=True, metavar="N", help="number of units")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    parser.add_argument(
        "--today",
        type=_date,
        default=ANCHOR,
        metavar="YYYY-MM-DD",
        help=f"date the 'verified' dates count back from (default {ANCHOR})",
    )
    parser.add_argument("--force", action="store_true", help="replace OUT_DIR if it is not empty")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        counts = synth_directory(
            args.out_dir, args.units, args.seed, today=args.today, overwrite=args.force
        )
    except (FileExistsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"wrote {args.out_dir}: {counts['departments']} departments, {counts['units']} units, "
        f"{counts['contacts']} contacts, {counts['locations']} locations, "
        f"{counts['referrals']} referrals in {counts['files']} files ({counts['bytes'] / 1e6:.1f} "
        "MB)"
    )
    return 0
