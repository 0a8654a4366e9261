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

import bisect
import datetime as dt
import functools
import io
import re
from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from directory.loading.yamltree import (
    YamlProblem,
    YMap,
    YScalar,
    YSeq,
    parse_text,
    resolve_plain,
    syntax_message,
)

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
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark is not None else path
            problem = getattr(exc, "problem", None)
            raise EditTextError(f"{where}: YAML-syntaksfejl: {syntax_message(problem)}") from exc
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
            raise EditTextError(f"{self.path}: øverst i filen står nøglen '{kind}:' ikke")
        seq = self.data.get(kind)
        if seq is None:
            seq = CommentedSeq()
            self.data[kind] = seq
        if not isinstance(seq, CommentedSeq):
            raise EditTextError(f"{self.path}: '{kind}' er ikke en liste")
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


class SeqFile:
    """A data file whose top-level list (`units:`, `referrals:`) is edited record by record.

    Only the records that are changed are parsed by round trip, each on its own (as a
    one-record file with the same indentation), so a save costs the same in a 50-unit file
    and a 5,000-unit one; every other line of the file is kept byte for byte. In a file laid
    out plainly (`units:` on its own line, then one `- ` per record in one column) a record
    is found by its `id:` line and only the records looked at are read (with the loader's
    reader); any other file is read whole first.
    """

    def __init__(self, text: str, kind: str, path: str = "?", rel: str = "") -> None:
        self.original = text
        self.kind = kind
        self.path = path
        self.rel = rel or path
        self._lines: list[str] | None = None
        self.nodes: dict[int, Any] = {}  # record index -> its node (read when first needed)
        self.offsets: dict[int, int] = {}  # record index -> add to its node's lines
        self._starts: list[int] | None = []
        self.positions: list[int] = []  # a plain file: where each record starts in the text
        self.end_position = len(text)
        self._end: int | None = None
        self.missing_key = True
        layout = _plain_layout(text, kind)
        if layout is not None:
            self.missing_key = False
            self.positions, self.end_position = layout
            self._starts = None  # their lines: counted when first needed
        else:
            self.end = len(self.lines) + 1  # lines as the reader counts them
            self._read_whole(text, kind, path)
        self.docs: dict[int, YamlDoc] = {}
        self.deleted: set[int] = set()
        self.appended: list[Any] = []
        self.order: Sequence[str] = ()

    @property
    def starts(self) -> list[int]:
        """The 1-based line where each record starts."""
        if self._starts is None:
            self._starts, self._end = _lines_at(self.original, self.positions, self.end_position)
        return self._starts

    @starts.setter
    def starts(self, value: list[int]) -> None:
        self._starts = value

    @property
    def end(self) -> int:
        """The 1-based line where the list's region stops."""
        if self._end is None:
            if self._starts is None:
                self.starts  # noqa: B018 (counts the lines, the end's too)
            else:
                text = self.original
                self._end = text.count("\n") + (0 if text.endswith("\n") or not text else 1) + 1
        assert self._end is not None
        return self._end

    @end.setter
    def end(self, value: int) -> None:
        self._end = value

    @property
    def lines(self) -> list[str]:
        """The file's lines (each with its line end), made when an edit needs them."""
        if self._lines is None:
            self._lines = self.original.splitlines(keepends=True)
            if self._lines and not self._lines[-1].endswith("\n"):
                self._lines[-1] += "\n"
        return self._lines

    def _read_whole(self, text: str, kind: str, path: str) -> None:
        try:
            root = parse_text(text).root
        except YamlProblem as exc:
            raise EditTextError(f"{path}:{exc.line}: {exc.message}") from exc
        if root is not None and not isinstance(root, YMap):
            raise EditTextError(f"{path}: øverst i filen står nøglen '{kind}:' ikke")
        if isinstance(root, YMap) and kind in root.key_lines:
            self.missing_key = False
            seq_line = root.key_lines[kind]
            after = [line for line in root.key_lines.values() if line > seq_line]
            if after:
                self.end = min(after)
            seq = root.items.get(kind)
            if isinstance(seq, YSeq):
                self.nodes = dict(enumerate(seq.items))
                self.offsets = dict.fromkeys(self.nodes, 0)
                self.starts = [node.line for node in seq.items]
            if not self.starts and "[" in self.lines[seq_line - 1]:  # `units: []`
                self.lines[seq_line - 1] = f"{kind}:\n"

    def __len__(self) -> int:
        return len(self.positions) if self._starts is None else len(self._starts)

    def node(self, index: int) -> Any:
        """Record `index` as the loader's reader reads it (lines of the whole file)."""
        if index not in self.nodes:
            try:
                root = parse_text(f"{self.kind}:\n{self._slice(index)}").root
            except YamlProblem as exc:
                line = exc.line + self._line_of_record(index) - 2
                raise EditTextError(f"{self.path}:{line}: {exc.message}") from exc
            seq = root.items.get(self.kind) if isinstance(root, YMap) else None
            items = seq.items if isinstance(seq, YSeq) else []
            self.nodes[index] = items[0] if len(items) == 1 else None
            self.offsets[index] = self._line_of_record(index) - 2
        return self.nodes[index]

    def _line_of_record(self, index: int) -> int:
        """The line record `index` starts on (without counting every record's)."""
        if self._starts is not None:
            return self._starts[index]
        return self.original.count("\n", 0, self.positions[index]) + 1

    def key_lines(self, index: int) -> dict[str, int]:
        """Each top-level key of record `index` -> its line in the file."""
        node = self.node(index)
        offset = self.offsets.get(index, 0)
        lines = node.key_lines if isinstance(node, YMap) else {}
        return {key: line + offset for key, line in lines.items()}

    def indexes_with(self, key: str, value: str, *, anywhere: bool = False) -> list[int]:
        """The records (not deleted) whose `key` is `value`; `anywhere`: the records with
        a line `key: value` anywhere in them (a contact's `backup:`, say)."""
        if not self.positions:  # read whole: look at each
            candidates: list[int] = list(range(len(self)))
        else:  # found by their `key: value` lines
            candidates = []
            for at in key_lines_at(self.original, key, value, self.end_position):
                i = bisect.bisect_right(self.positions, at) - 1
                if i >= 0 and i not in candidates:
                    candidates.append(i)
        if anywhere:
            return [i for i in candidates if i not in self.deleted]
        return [i for i in candidates if i not in self.deleted and self.get(i, key) == value]

    def find(self, record_id: str) -> int | None:
        found = self.indexes_with("id", record_id)
        return found[0] if found else None

    def get(self, index: int, key: str) -> Any:
        node = self.node(index)
        value = node.items.get(key) if isinstance(node, YMap) else None
        return value.value if isinstance(value, YScalar) else None

    def _slice(self, index: int) -> str:
        if self.positions:  # a plain file: cut from the text itself
            start = self.positions[index]
            end = (
                self.positions[index + 1] if index + 1 < len(self.positions) else self.end_position
            )
            text = self.original[start:end]
            return text if text.endswith("\n") else text + "\n"
        first = self.starts[index]
        last = self.starts[index + 1] if index + 1 < len(self.starts) else self.end
        return "".join(self.lines[first - 1 : last - 1])

    def _column(self, index: int) -> int:
        """The column of record `index`'s dash."""
        line = self.lines[self.starts[index] - 1]
        return len(line) - len(line.lstrip(" "))

    def item(self, index: int) -> CommentedMap:
        """Record `index` as a round-trip node; changes to it are written back by `text()`.

        The record is parsed alone, moved so its dash is in column 2 (where the round-trip
        writer puts it), and moved back on writing: files that indent the top list
        differently from the lists inside it keep their layout."""
        if index not in self.docs:
            shift = _INNER - self._column(index)
            mini = f"{self.kind}:\n" + _shift(self._slice(index), shift)
            self.docs[index] = YamlDoc(mini, self.path)
        node = self.docs[index].records(self.kind)[0]
        if not isinstance(node, CommentedMap):
            raise EditTextError(f"{self.path}: post nr. {index + 1} består ikke af nøgler")
        return node

    def line_of(self, index: int) -> int:
        return self.starts[index]

    def delete(self, index: int) -> None:
        self.deleted.add(index)

    def append(self, record: dict[str, Any], order: Sequence[str] = ()) -> None:
        self.appended.append(plain(record))
        self.order = order

    def _style(self) -> tuple[int, int, int]:
        if self.docs:
            return next(iter(self.docs.values())).style
        if self.starts:
            shift = _INNER - self._column(0)
            return YamlDoc(f"{self.kind}:\n" + _shift(self._slice(0), shift), self.path).style
        return _STYLES[0]

    def text(self) -> str:
        if not self.docs and not self.deleted and not self.appended:
            return self.original
        first = self.starts[0] if self.starts else self.end
        out = self.lines[: first - 1]
        if self.missing_key and self.appended:
            out.append(f"{self.kind}:\n")
        for i in range(len(self.starts)):
            if i in self.deleted:
                continue
            if i in self.docs:
                out.append(_shift(_body(self.docs[i].text()), self._column(i) - _INNER))
            else:
                out.append(self._slice(i))
        if self.appended:
            yaml = _yaml(self._style())
            seq = CommentedSeq(to_node(r, None, self.order) for r in self.appended)
            column = self._column(0) if self.starts else _INNER
            body = _body(_dump(yaml, CommentedMap([(self.kind, seq)])))
            out.append(_shift(body, column - _yaml_column(body)))
        out += self.lines[self.end - 1 :]
        return "".join(out)


_INNER = 2  # the column of a top-level list's dash in a one-record file


def _yaml_column(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _shift(text: str, delta: int) -> str:
    """Indent every line by `delta` columns (remove up to -delta leading spaces if negative)."""
    if delta == 0:
        return text
    out = []
    for line in text.splitlines(keepends=True):
        if delta > 0:
            out.append(" " * delta + line if line.strip() else line)
        else:
            spaces = len(line) - len(line.lstrip(" "))
            out.append(line[min(spaces, -delta) :])
    return "".join(out)


def _body(text: str) -> str:
    """A one-key file's text without its first line (the `units:` / `referrals:` key)."""
    return text.split("\n", 1)[1] if "\n" in text else ""


# Patterns that begin with a line break: the regex engine jumps from one to the next
# instead of trying every position (a 4 MB file is read many times in Historik).
_TOP_KEY = re.compile(r"\n[^\s#-]")
_DASH_LINE = re.compile(r"\n( *)-(?=[ \t\n]|\Z)")
_OTHER_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # the reader's line breaks too


def _plain_layout(text: str, kind: str) -> tuple[list[int], int] | None:
    """(where each record's dash line starts in the text, where the list ends) when the
    file is laid out plainly: `kind:` alone on its line, then only blank lines and comments,
    then one `- ` per record in one column, up to the next top-level key. None otherwise."""
    if any(ch in text for ch in _OTHER_BREAKS):  # lines counted as the reader counts them
        return None
    top = re.search(rf"^{kind}:[ \t]*(?:#.*)?$", text, re.M)
    if top is None:
        return None
    first = _DASH_LINE.search(text, top.end() - 1)
    if first is None or any(
        line.strip() and not line.lstrip().startswith("#")
        for line in text[top.end() : first.start()].splitlines()
    ):
        return None
    after = _TOP_KEY.search(text, first.start() + 1)
    end = after.start() + 1 if after else len(text)
    dash = re.compile(rf"\n {{{len(first.group(1))}}}-(?=[ \t\n]|\Z)")
    return [m.start() + 1 for m in dash.finditer(text, first.start(), end)], end


def _lines_at(text: str, positions: list[int], end: int) -> tuple[list[int], int]:
    """The 1-based lines of these positions (in order) and of `end` (the end of the text:
    the line after the last)."""
    lines: list[int] = []
    line, counted = 1, 0
    for position in positions:
        line += text.count("\n", counted, position)
        counted = position
        lines.append(line)
    if end < len(text):
        return lines, line + text.count("\n", counted, end)
    return lines, text.count("\n") + (0 if text.endswith("\n") or not text else 1) + 1


def key_lines_at(text: str, key: str, value: str, end: int | None = None) -> list[int]:
    """Where each line `key: value` starts in `text` (before `end`): the value's places
    are found as a string, then their lines are checked (a regular expression tried at
    every position of a 4 MB file costs ten times as much)."""
    stop = len(text) if end is None else end
    line = _line_pattern(key, value)
    out: list[int] = []
    at = text.find(value, 0, stop)
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        finish = text.find("\n", at)
        finish = len(text) if finish == -1 else finish
        if line.fullmatch(text, start, finish):
            out.append(start)
        at = text.find(value, finish, stop)
    return out


@functools.lru_cache(maxsize=256)
def _line_pattern(key: str, value: str) -> re.Pattern[str]:
    return re.compile(
        rf"""[ \t-]*{re.escape(key)}:[ \t]*["']?{re.escape(value)}["']?[ \t]*(?:#.*)?"""
    )
