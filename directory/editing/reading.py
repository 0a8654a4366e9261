"""Reading records out of data files for the editor, the one way the loader reads YAML
(`directory.loading.yamltree`): a record is found by its `key: value` line, then only the
top-level record around that line is read (`yamledit.SeqFile`), so a unit in a 2,000-unit
file costs the same as in a 5-unit one. A file laid out otherwise is read whole.
"""

from __future__ import annotations

import re
from typing import Any

from directory.editing.yamledit import EditTextError, SeqFile, key_lines_at, plain
from directory.loading.yamltree import YamlProblem, YMap, YSeq, parse_text, to_python

__all__ = ["ID_LINE", "key_lines_at", "parsed_records", "records_with"]

ID_LINE = re.compile(r"""^[ \t-]*id:[ \t]*["']?([a-z0-9][a-z0-9-]*)""", re.M)


def parsed_records(text: str | None, kind: str) -> list[Any]:
    """The records of a whole file as plain values (none when it does not parse)."""
    if not text:
        return []
    try:
        root = parse_text(text).root
    except YamlProblem:
        return []
    items = root.items.get(kind) if isinstance(root, YMap) else None
    return [plain(to_python(item)) for item in items.items] if isinstance(items, YSeq) else []


def records_with(text: str | None, kind: str, key: str, value: str) -> list[tuple[int, Any]]:
    """(index in the file's list, record) of each top-level record that has a line
    `key: value` somewhere in it (the caller checks what the line belongs to)."""
    if not text or value not in text:
        return []
    try:
        doc = SeqFile(text, kind)
        indexes = doc.indexes_with(key, value, anywhere=True)
        return [(i, plain(to_python(doc.node(i)))) for i in indexes if doc.node(i) is not None]
    except EditTextError:
        return []
