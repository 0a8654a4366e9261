"""What several commands share: the settings (read once, in `cli.main`), the validated
directory of `LANDKORT_DATA`, or why not, and counts in Danish."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from directory.loading.loader import Validation, validate_directory
from directory.model import Directory
from directory.rules.areas import CitizenArea, read_area, unknown_area_message
from directory.settings import Settings


def count(n: int, one: str, many: str) -> str:
    """A number with its noun in Danish: '1 advarsel', '2 advarsler'."""
    return f"{n} {one if n == 1 else many}"


def print_errors(result: Validation, root: str) -> None:
    """The errors that stop a command, on stderr, then how many and the fix."""
    for problem in result.errors:
        print(problem, file=sys.stderr)
    print(
        f"fejl: {len(result.errors)} fejl i data i {root}: ret dem (se dem alle med "
        "`python -m directory validate`), og prøv igen",
        file=sys.stderr,
    )


def settings(args: argparse.Namespace) -> Settings:
    """The settings `cli.main` read once for this command."""
    value = args.settings
    assert isinstance(value, Settings)
    return value


def data_dir(args: argparse.Namespace) -> str:
    """The command's DATA_DIR argument, else `LANDKORT_DATA` (default `data`)."""
    return getattr(args, "data_dir", None) or settings(args).data


def validate(args: argparse.Namespace) -> tuple[str, Validation]:
    """The data directory and its validation, with the disk cache of `LANDKORT_CACHE`."""
    root = data_dir(args)
    return root, validate_directory(root, cache_dir=settings(args).cache_dir)


def load_valid_directory(args: argparse.Namespace) -> Directory | None:
    """The directory of the data directory, or None after printing its errors and the fix."""
    root, result = validate(args)
    if result.errors or result.directory is None:
        print_errors(result, root)
        return None
    return result.directory


def moment(text: str) -> dt.datetime:
    """`--at "YYYY-MM-DD HH:MM"`: the moment that replaces the clock for one run (open now
    and helligdage), Copenhagen wall-clock time."""
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'{text!r} er ikke et tidspunkt: skriv det som "ÅÅÅÅ-MM-DD TT:MM", '
            'fx "2026-11-24 02:45"'
        ) from None


def positive(text: str) -> int:
    """A whole number of 0 or more (an age, a limit), or a Danish usage error."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} er ikke et helt tal") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} er negativ: skriv 0 eller mere")
    return value


def add_citizen_options(parser: argparse.ArgumentParser) -> None:
    """`--age`, `--area` and `--at`, the same on `search` and `guide`."""
    parser.add_argument("--age", type=positive, help="borgerens alder i år (streng)")
    parser.add_argument(
        "--area",
        metavar="AREA",
        help="borgerens område: et postnummer, en bydel eller en adresse med postnummer",
    )
    parser.add_argument(
        "--at",
        type=moment,
        metavar='"ÅÅÅÅ-MM-DD TT:MM"',
        help="brug dette tidspunkt i stedet for uret (åben nu og helligdage)",
    )


def load_for_citizen(args: argparse.Namespace) -> tuple[Directory, CitizenArea | None] | None:
    """The directory and the citizen's area (`--area`), or None after printing why not
    (invalid data, an area that names no area of the kommune)."""
    directory = load_valid_directory(args)
    if directory is None:
        return None
    if args.area is None:
        return directory, None
    area = read_area(args.area, directory)
    if area is None:
        print(f"fejl: {unknown_area_message(args.area)}", file=sys.stderr)
        return None
    return directory, area
