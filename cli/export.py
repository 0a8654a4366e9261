"""`python -m directory export json|hsds [--public]` and
`python -m directory schema [DATA_DIR] [--check]`."""

from __future__ import annotations

import argparse
import os
import sys

from cli.common import data_dir, print_errors, validate
from directory.devtools.schema import (
    SCHEMA_DIRNAME,
    add_schema_headers,
    stale_schema_files,
    write_schemas,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser(
        "export",
        help=(
            "udskriv hele vejviseren som JSON (json) eller som Open Referral HSDS 3.1-tjenester "
            "(hsds) på stdout (datamappen fra $LANDKORT_DATA eller data/)"
        ),
    )
    export.add_argument(
        "format",
        choices=["json", "hsds"],
        help="json: landkortets eget format; hsds: en JSON-liste af HSDS 3.1-tjenester "
        "(landkort-profilen, se docs/hsds-profile.md)",
    )
    export.add_argument(
        "--public",
        action="store_true",
        help="den offentlige udgave: uden fast_track- og internal-numre, kontaktpersoner (navne, "
        "telefoner og e-mails) og x-nøgler",
    )
    export.set_defaults(handler=run_export)

    schema = subparsers.add_parser(
        "schema",
        help="skriv JSON Schema-filerne til editorer i DATA_DIR/schema/ (eller tjek dem med "
        "--check)",
    )
    schema.add_argument(
        "data_dir", nargs="?", help="datamappen (standard: $LANDKORT_DATA eller data/)"
    )
    schema.add_argument(
        "--check",
        action="store_true",
        help="skriv intet; afslut med kode 1, hvis en skemafil er forældet",
    )
    schema.add_argument(
        "--headers",
        action="store_true",
        help=("sæt også linjen '# yaml-language-server: $schema=...' øverst i hver datafil"),
    )
    schema.set_defaults(handler=run_schema)


def run_export(args: argparse.Namespace) -> int:
    root, result = validate(args)
    if result.directory is None or result.errors:
        print_errors(result, root)
        return 1
    if args.format == "hsds":
        from directory.exports.hsds.export import hsds_json_text

        sys.stdout.write(hsds_json_text(result.directory, public=args.public))
        return 0
    from directory.exports.export import directory_json_text  # openpyxl: only when exporting

    sys.stdout.write(directory_json_text(result.directory, public=args.public))
    return 0


def run_schema(args: argparse.Namespace) -> int:
    root = data_dir(args)
    if not os.path.isdir(root):
        print(
            f"fejl: datamappen {root!r} findes ikke: skriv stien til en mappe, der findes",
            file=sys.stderr,
        )
        return 1
    folder = os.path.join(root, SCHEMA_DIRNAME)
    if args.check:
        stale = stale_schema_files(folder)
        for name in stale:
            print(
                f"{os.path.join(folder, name)}: forældet: kør `python -m directory schema {root}`"
            )
        return 1 if stale else 0
    for name in write_schemas(folder):
        print(f"skrev {os.path.join(folder, name)}")
    if args.headers:
        for rel in add_schema_headers(root):
            print(f"satte skemalinjen øverst i {os.path.join(root, rel)}")
    return 0
