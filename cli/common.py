"""What several commands share: the validated directory of `LANDKORT_DATA`, or why not, and
counts in Danish."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from directory.loading.loader import Validation, data_dir_from_env, validate_directory
from directory.model import Directory
from directory.rules.areas import CitizenArea, read_area, unknown_area_message


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


def load_valid_directory() -> Directory | None:
    """The directory of the data directory, or None after printing its errors and the fix."""
    root = data_dir_from_env()
    result = validate_directory(root)
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


def add_place_options(parser: argparse.ArgumentParser) -> None:
    """`--area` and `--at`, the same on `search` and `guide`."""
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


def citizen_area(directory: Directory, text: str | None) -> tuple[bool, CitizenArea | None]:
    """(ok, area) for `--area`: (True, None) without one; (False, None) after printing why
    an area names no area of the kommune."""
    if text is None:
        return True, None
    area = read_area(text, directory)
    if area is None:
        print(f"fejl: {unknown_area_message(text)}", file=sys.stderr)
        return False, None
    return True, area
