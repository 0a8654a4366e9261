"""What several commands share: the settings (read once, in `cli.main`), the validated
directory of `LANDKORT_DATA`, or why not, and counts in Danish."""

from __future__ import annotations

import argparse
import sys

from directory.loading.loader import Validation, validate_directory
from directory.model import Directory
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
