"""Reading records out of data files for the editor, the one way the loader reads YAML
(`directory.loading.yamltree`): a record is found by its `key: value` line, then only the
top-level record around that line is parsed, so a unit in a 2,000-unit file costs the
same as in a 5-unit one. A file laid out otherwise (no `kind:` list of `- ` records) is
parsed whole.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from directory.editing.yamledit import plain
from directory.loading.yamltree import YamlProblem, YMap, YSeq, parse_text, to_python


def key_line(key: str, value: str) -> re.Pattern[str]:
    """A line `key: value` (as `- key:` too, the value plain or quoted)."""
    return re.compile(rf"""^[ \t-]*{key}:[ \t]*["']?{re.escape(value)}["']?[ \t]*(?:#.*)?$""", re.M)


ID_LINE = re.compile(r"""^[ \t-]*id:[ \t]*["']?([a-z0-9][a-z0-9-]*)""", re.M)
_DASH = re.compile(r"^( *)-(?:[ \t]|$)", re.M)
_TOP_KEY = re.compile(r"^[^\s#-]", re.M)


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
    if not text:
        return []
    positions = [m.start() for m in key_line(key, value).finditer(text)]
    if not positions:
        return []
    slices = record_slices(text, kind, positions)
    if slices is None:
        return list(enumerate(parsed_records(text, kind)))
    out: list[tuple[int, Any]] = []
    for index, part in slices:
        records = parsed_records(f"{kind}:\n{part}", kind)
        if len(records) == 1:
            out.append((index, records[0]))
    return out


def record_slices(text: str, kind: str, positions: list[int]) -> list[tuple[int, str]] | None:
    """(index, text) of each top-level record holding one of `positions` (None: the
    file's layout is not the plain `kind:` + one dash per record this reads)."""
    top = re.search(rf"^{kind}:[ \t]*(?:#.*)?$", text, re.M)
    first = _DASH.search(text, top.end()) if top else None
    if first is None:
        return None
    end_match = _TOP_KEY.search(text, first.start())
    end = end_match.start() if end_match else len(text)
    column = len(first.group(1))
    starts = [
        m.start()
        for m in re.finditer(rf"^ {{{column}}}-(?:[ \t]|$)", text[:end], re.M)
        if m.start() >= first.start()
    ]
    out: list[tuple[int, str]] = []
    for position in positions:
        if not first.start() <= position < end:
            return None
        i = bisect.bisect_right(starts, position) - 1
        part = text[starts[i] : starts[i + 1] if i + 1 < len(starts) else end]
        if (i, part) not in out:
            out.append((i, part))
    return out
