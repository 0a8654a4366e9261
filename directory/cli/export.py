"""`python -m directory export json [--public]` and
`python -m directory schema [DATA_DIR] [--check]`."""

from __future__ import annotations

import argparse
import os
import sys

from directory.devtools.schema import (
    SCHEMA_DIRNAME,
    add_schema_headers,
    stale_schema_files,
    write_schemas,
)
from directory.loading.loader import data_dir_from_env, validate_directory


def register(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser(
        "export",
        help=(
            "print the whole directory as JSON on stdout "
            "(data directory from $LANDKORT_DATA or data/)"
        ),
    )
    export.add_argument("format", choices=["json"], help="output format")
    export.add_argument(
        "--public",
        action="store_true",
        help="the public view: leave out fast_track and internal numbers, contacts (their names, "
        "phones and e-mails) and x- keys",
    )
    export.set_defaults(handler=run_export)

    schema = subparsers.add_parser(
        "schema",
        help="write the JSON Schema files for editors into DATA_DIR/schema/ (or --check them)",
    )
    schema.add_argument(
        "data_dir", nargs="?", help="data directory (default: $LANDKORT_DATA or data/)"
    )
    schema.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a schema file is out of date"
    )
    schema.add_argument(
        "--headers",
        action="store_true",
        help=(
            "also put the '# yaml-language-server: $schema=...' line at the top of every data file"
        ),
    )
    schema.set_defaults(handler=run_schema)


def run_export(args: argparse.Namespace) -> int:
    result = validate_directory(data_dir_from_env())
    if result.directory is None or result.errors:
        for problem in result.errors:
            print(problem, file=sys.stderr)
        print(
            f"{len(result.errors)} error(s): fix the data (see `python -m directory validate`) and "
            "export again",
            file=sys.stderr,
        )
        return 1
    from directory.exports.export import directory_json_text  # openpyxl: only when exporting

    sys.stdout.write(directory_json_text(result.directory, public=args.public))
    return 0


def run_schema(args: argparse.Namespace) -> int:
    root = data_dir_from_env(args.data_dir)
    if not os.path.isdir(root):
        print(
            f"error: data directory {root!r} does not exist: give an existing folder",
            file=sys.stderr,
        )
        return 1
    folder = os.path.join(root, SCHEMA_DIRNAME)
    if args.check:
        stale = stale_schema_files(folder)
        for name in stale:
            print(
                f"{os.path.join(folder, name)}: out of date: run `python -m directory schema "
                f"{root}`"
            )
        return 1 if stale else 0
    for name in write_schemas(folder):
        print(f"wrote {os.path.join(folder, name)}")
    if args.headers:
        for rel in add_schema_headers(root):
            print(f"added schema header to {os.path.join(root, rel)}")
    return 0
