"""What several commands share: the validated directory of `LANDKORT_DATA`, or why not, and
counts in Danish."""

from __future__ import annotations

import sys

from directory.loading.loader import Validation, data_dir_from_env, validate_directory
from directory.model import Directory


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
