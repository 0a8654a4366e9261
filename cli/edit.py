"""`python -m directory edit UNIT FIELD VALUE --author "Name <e-mail>"`: one field of a unit,
for scripts and bulk fixes.

The same validation, write and commit as Gem in the app (`directory.editing.Editor`): the
value is checked by the loader with the rest of the directory, the file changes only where
the value does, the unit's `verified` becomes today, and the change is one commit with the
author given. A refusal exits 1 with a Danish message that names the field and the fix;
nothing is written and nothing is staged.

FIELD is a unit key of the data contract (data/README.md): text fields take VALUE as it
is; lists and records (keywords, age, phones, ...) take it as YAML, e.g. `"[BCV, herberg]"`
or `"{min: 18, max: 29}"`. An empty VALUE removes the field.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from cli.common import data_dir, settings
from directory.editing import FIELD_DA, SETTABLE, EditError, Editor, EditRefused, author_of
from directory.loading.loader import flush_cache_writes
from directory.loading.yamltree import YamlProblem, parse_text, to_python

_AUTHOR = re.compile(r"^\s*([^<>]*?)\s*<([^<>\s]+)>\s*$")
# The fields whose VALUE is text as it is written (every other one is read as YAML).
TEXT_FIELDS = frozenset(
    {"name", "description", "hours", "email", "website", "how_to_refer", "owner"}
)


# Lists of text: one item may be written without the brackets.
LIST_FIELDS = frozenset(
    {"responsibilities", "target_groups", "keywords", "locations", "service_area"}
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "edit",
        help="ret ét felt i en enhed og gem det som én commit (som Gem i appen)",
        description=(
            "Ret ét felt i en enhed: samme tjek, samme skrivning og samme commit som Gem i "
            "appen; enhedens verified bliver i dag. Tekstfelter tager værdien, som den står; "
            'lister og poster skrives som YAML, fx "[BCV, herberg]". En tom værdi fjerner '
            "feltet."
        ),
    )
    parser.add_argument("unit", metavar="UNIT", help="enhedens id")
    parser.add_argument("field", metavar="FIELD", help="feltet: " + ", ".join(SETTABLE))
    parser.add_argument("value", metavar="VALUE", help="den nye værdi")
    parser.add_argument(
        "--author",
        required=True,
        metavar='"NAVN <E-MAIL>"',
        help='hvem der retter, som git skal skrive det, fx "Sara Koordinator <sara@kk.dk>"',
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    match = _AUTHOR.match(args.author)
    if match is None:
        return _fail(
            f'--author {args.author!r} er ikke skrevet som "Navn <e-mail>": skriv fx '
            '--author "Sara Koordinator <sara@kk.dk>"'
        )
    try:
        value = _value(args.field, args.value)
    except ValueError as exc:
        return _fail(str(exc))
    editor = Editor(data_dir(args), cache_dir=settings(args).cache_dir)
    try:
        result = editor.set_field(
            args.unit, args.field, value, author_of(match.group(1), match.group(2))
        )
    except EditRefused as exc:
        for error in exc.errors:
            print(f"fejl: {_label(error.field or args.field)}: {error.message}", file=sys.stderr)
        return 1
    except EditError as exc:
        return _fail(str(exc))
    flush_cache_writes()  # the next command starts from the disk cache
    if result.sha is None:
        print(result.message)
        return 0
    print(f"Gemt: {result.message} (commit {result.sha[:10]})")
    return 0


def _value(field: str, text: str) -> Any:
    """The command line's VALUE as the field holds it: text as it is, else YAML (read the
    one way the loader reads it)."""
    if field in TEXT_FIELDS or not text.strip():
        return text
    try:
        root = parse_text(f"value: {text}\n").root
    except YamlProblem as exc:
        raise ValueError(
            f"{_label(field)}: {text!r} kan ikke læses som YAML ({exc.message}): skriv fx "
            '"[første, anden]" for en liste'
        ) from None
    value = to_python(root.items.get("value")) if root is not None else None  # type: ignore[union-attr]
    if isinstance(value, str) and field in LIST_FIELDS:
        return [value]
    return value


def _label(field: str) -> str:
    label = FIELD_DA.get(field)
    return f"{label} ({field})" if label and field else (label or field)


def _fail(message: str) -> int:
    print(f"fejl: {message}", file=sys.stderr)
    return 1
