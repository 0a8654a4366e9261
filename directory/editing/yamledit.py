"""Round-trip YAML editing with ruamel.yaml: change a record and leave the rest of the file
as it was (comments, key order, quoting, flow lists, line width).

A record is changed by merging a plain new version of it (dicts, lists, str, int, dates as
ISO strings) into the parsed tree *in place*: values that are equal stay untouched (with
their comments and quoting), changed scalars are replaced, new keys are inserted at their
place in the contract's key order, and `x-` keys are never dropped. New strings are quoted
when the validator's YAML 1.1 reading would turn them into something else (`17:45`,
`no`, `012345`); phone numbers and opening hours are always quoted, as the data files do.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from directory.loading.yamltree import resolve_plain

# Indentation styles tried in turn: the first that reproduces a file exactly is used for it.
_STYLES = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (2, 4, 0))
ALWAYS_QUOTED = frozenset({"number", "hours"})
DATE_KEYS = frozenset({"verified"})


class EditTextError(ValueError):
    """A file cannot be edited by round trip (it does not parse); the message says why."""


def _yaml(style: tuple[int, int, int]) -> YAML:
    yaml = YAML()  # round-trip: keeps comments, order and quoting
    yaml.preserve_quotes = True
    yaml.width = 100_000  # never fold long lines that were written on one line
    yaml.indent(mapping=style[0], sequence=style[1], offset=style[2])
    return yaml


class YamlDoc:
    """One data file parsed for a round-trip edit; `text()` gives it back."""

    def __init__(self, text: str, path: str = "?", rel: str = "") -> None:
        self.path = path
        self.rel = rel or path
        self.original = text
        self.style = _STYLES[0]
        try:
            self.data = _yaml(self.style).load(text)
        except YAMLError as exc:
            raise EditTextError(f"{path}: cannot be read for editing: {exc}") from exc
        if text.strip() and _dump(_yaml(self.style), self.data) != text:
            for style in _STYLES[1:]:
                if _dump(_yaml(style), self.data) == text:
                    self.style = style
                    break
        if self.data is None:
            self.data = CommentedMap()

    def text(self) -> str:
        return _dump(_yaml(self.style), self.data)

    def records(self, kind: str) -> CommentedSeq:
        """The list under the top-level key (`units`, `referrals`), created when missing."""
        if not isinstance(self.data, CommentedMap):
            raise EditTextError(f"{self.path}: the top level is not a mapping with '{kind}:'")
        seq = self.data.get(kind)
        if seq is None:
            seq = CommentedSeq()
            self.data[kind] = seq
        if not isinstance(seq, CommentedSeq):
            raise EditTextError(f"{self.path}: '{kind}' is not a list")
        return seq

    def find(self, kind: str, record_id: str) -> int | None:
        for i, item in enumerate(self.records(kind)):
            if isinstance(item, CommentedMap) and item.get("id") == record_id:
                return i
        return None

    def line_of_item(self, kind: str, index: int) -> int:
        """1-based line where record `index` starts."""
        return int(self.records(kind).lc.item(index)[0]) + 1


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def plain(value: Any) -> Any:
    """A parsed value as plain Python: dicts, lists, str, int, float, bool, ISO dates."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    return value


def needs_quotes(text: str) -> bool:
    """True when the validator's YAML 1.1 reading of `text` unquoted is not that text."""
    return resolve_plain(text, 1).kind != "str" or text != text.strip()


def to_node(value: Any, key: str | None = None, order: Sequence[str] = ()) -> Any:
    """A plain value as a node to insert into a round-trip tree."""
    if isinstance(value, dict):
        node = CommentedMap()
        keys = [k for k in order if k in value] + [k for k in value if k not in order]
        for k in keys:
            node[k] = to_node(value[k], k)
        return node
    if isinstance(value, list):
        seq = CommentedSeq(to_node(v, key) for v in value)
        return seq
    if isinstance(value, str):
        if key in DATE_KEYS:
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return DoubleQuotedScalarString(value)
        if key in ALWAYS_QUOTED or needs_quotes(value):
            return DoubleQuotedScalarString(value)
        return value
    return value


def merge(node: CommentedMap, new: dict[str, Any], order: Sequence[str] = ()) -> list[str]:
    """Make `node` equal to `new` in place; returns the top-level keys that changed.

    Keys missing from `new` are removed, except `x-` keys (the form never shows them).
    """
    changed: list[str] = []
    for key in [k for k in node if k not in new and not str(k).startswith("x-")]:
        del node[key]
        changed.append(str(key))
    for key, value in new.items():
        if key in node:
            if plain(node[key]) == value:
                continue
            current = node[key]
            if isinstance(current, CommentedMap) and isinstance(value, dict):
                merge(current, value)
            elif isinstance(current, CommentedSeq) and isinstance(value, list):
                merge_list(current, value, key)
            else:
                node[key] = to_node(value, key)
        else:
            node.insert(_position(node, key, order), key, to_node(value, key))
        changed.append(key)
    return changed


def merge_list(seq: CommentedSeq, new: list[Any], key: str | None = None) -> None:
    """Make `seq` equal to `new` in place, item by item (keeps flow style and comments)."""
    for i, value in enumerate(new[: len(seq)]):
        if plain(seq[i]) == value:
            continue
        if isinstance(seq[i], CommentedMap) and isinstance(value, dict):
            merge(seq[i], value)
        else:
            seq[i] = to_node(value, key)
    for value in new[len(seq) :]:
        seq.append(to_node(value, key))
    while len(seq) > len(new):
        del seq[len(seq) - 1]


def merge_by_id(seq: CommentedSeq, new: list[dict[str, Any]], order: Sequence[str] = ()) -> None:
    """Make a list of records with ids equal to `new`, matching old and new records by id."""
    old = {item.get("id"): item for item in seq if isinstance(item, CommentedMap)}
    items: list[Any] = []
    for value in new:
        existing = old.get(value.get("id"))
        if existing is not None:
            merge(existing, value, order)
            items.append(existing)
        else:
            items.append(to_node(value, None, order))
    for i, item in enumerate(items):
        if i < len(seq):
            if seq[i] is not item:
                seq[i] = item
        else:
            seq.append(item)
    while len(seq) > len(items):
        del seq[len(seq) - 1]


def _position(node: CommentedMap, key: str, order: Sequence[str]) -> int:
    """Where a new key goes: after the last present key that comes before it in `order`."""
    if key not in order:
        return len(node)
    before = set(order[: list(order).index(key)])
    position = 0
    for i, existing in enumerate(node):
        if existing in before:
            position = i + 1
    return position
