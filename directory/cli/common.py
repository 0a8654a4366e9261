"""What several commands share: the validated directory of `LANDKORT_DATA`, or why not."""

from __future__ import annotations

import sys

from directory.loading.loader import data_dir_from_env, validate_directory
from directory.model import Directory


def load_valid_directory() -> Directory | None:
    """The directory of the data directory, or None after printing its errors and the fix."""
    root = data_dir_from_env()
    result = validate_directory(root)
    if result.errors or result.directory is None:
        for problem in result.errors:
            print(problem, file=sys.stderr)
        print(
            f"error: {len(result.errors)} error(s) in the data in {root}: fix them "
            "(list them with `python -m directory validate`) and try again",
            file=sys.stderr,
        )
        return None
    return result.directory
