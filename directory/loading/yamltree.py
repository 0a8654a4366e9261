"""A safe, line-aware YAML 1.1 reader built on PyYAML's parse events.

The directory files are parsed into a small tree of `YMap`, `YSeq` and `YScalar` nodes that
remember their 1-based line. Building from events (instead of `yaml.compose`) is several
times faster, and it lets us refuse what directory data never needs before it can do harm:
anchors and aliases (alias bombs), explicit tags (`!!python/...`), merge keys, several
documents, and duplicate keys. Nothing here constructs Python objects from tags; plain
scalars are resolved with YAML 1.1's implicit rules so that the validator can tell a
coordinator that `8:30` or `no` was read as a number or a boolean.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from sys import intern
from typing import Any

import yaml

from directory.model import cut, excerpt

try:  # libyaml is several times faster; fall back to the pure-Python parser.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 16  # a contact's phone sits 7 levels deep; nothing in directory data needs more
MAX_SCALAR_CHARS = 10_000  # one value or key; the models cap text fields lower
MAX_PROBLEMS = 100  # per file and kind: the first ones are listed, then a count
MAX_NUMBER_CHARS = 30  # an unquoted number longer than this is a mistake (and slow to convert)
# Characters that are invisible or turn text around on screen: C0/C1 controls (escaped
# into quoted values), bidi overrides and isolates, zero-width characters, line separators.
INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)

# YAML 1.1 implicit resolvers, as PyYAML's SafeLoader uses them.
_BOOL = re.compile(
    r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"
)
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_INT = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""",
    re.X,
)
_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_TIMESTAMP = re.compile(
    r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
    (?:[Tt]|[ \t]+)[0-9][0-9]?
    :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
    (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
    re.X,
)
# Characters that can start a non-string plain scalar. Anything else is text at once.
_SPECIAL_START = set("0123456789+-.~yYnNtTfFoO")
_CONSTRUCTOR = yaml.SafeLoader("")


@dataclass(slots=True)
class YScalar:
    """A scalar with its resolved value. `kind` is str, int, float, bool, null or date."""

    value: Any
    line: int
    kind: str
    raw: str
    plain: bool = True


@dataclass(slots=True)
class YSeq:
    items: list[Node]
    line: int


@dataclass(slots=True)
class YMap:
    """A mapping; keys are the raw key text, each with the line of its key."""

    items: dict[str, Node]
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)


Node = YScalar | YSeq | YMap


class YamlProblem(Exception):
    """A problem that stops reading a file (the caller turns it into a `Problem`)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(slots=True)
class Parsed:
    root: Node | None
    problems: list[tuple[int, str]]  # non-fatal problems such as duplicate keys
    warnings: list[tuple[int, str]] = field(default_factory=list)  # invisible characters


def resolve_plain(raw: str, line: int) -> YScalar:
    """Resolve a plain (unquoted) scalar with YAML 1.1's implicit rules."""
    if raw and raw[0] not in _SPECIAL_START:
        return YScalar(raw, line, "str", raw)
    try:
        value, kind = _resolve_special(raw)
    except YamlProblem as exc:  # raised by the cached resolver without a line: give it one
        raise YamlProblem(line, exc.message) from None
    return YScalar(value, line, kind, raw)


@functools.lru_cache(maxsize=1 << 16)
def _resolve_special(raw: str) -> tuple[Any, str]:
    """(value, kind) of a plain scalar that may not be text; cached, as dates, numbers and
    booleans repeat (the values are immutable, so equal scalars share one object)."""
    node = _resolve_uncached(raw, 0)
    return node.value, node.kind


def _resolve_uncached(raw: str, line: int) -> YScalar:
    if _NULL.match(raw):
        return YScalar(None, line, "null", raw)
    if _BOOL.match(raw):
        return YScalar(raw.lower() in ("yes", "true", "on"), line, "bool", raw)
    if (_INT.match(raw) or _FLOAT.match(raw)) and len(raw) > MAX_NUMBER_CHARS:
        raise YamlProblem(
            line,
            f"tallet {cut(raw, 20)} er {len(raw)} tegn langt, mere end {MAX_NUMBER_CHARS}: "
            "er det tekst, så sæt det i anførselstegn",
        )
    if _INT.match(raw):
        node = yaml.ScalarNode("tag:yaml.org,2002:int", raw)
        return YScalar(_CONSTRUCTOR.construct_yaml_int(node), line, "int", raw)
    if _FLOAT.match(raw):
        node = yaml.ScalarNode("tag:yaml.org,2002:float", raw)
        return YScalar(_CONSTRUCTOR.construct_yaml_float(node), line, "float", raw)
    if _TIMESTAMP.match(raw):
        node = yaml.ScalarNode("tag:yaml.org,2002:timestamp", raw)
        try:
            value = _CONSTRUCTOR.construct_yaml_timestamp(node)
        except ValueError:
            return YScalar(raw, line, "baddate", raw)
        kind = (
            "date"
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime)
            else "datetime"
        )
        return YScalar(value, line, kind, raw)
    return YScalar(raw, line, "str", raw)


_CONFLICT = re.compile(r"^(<<<<<<<|=======|>>>>>>>)(?: |$)", re.M)


def parse_text(text: str) -> Parsed:
    """Parse YAML text into a node tree, refusing unsafe or ambiguous constructs.

    Raises `YamlProblem` for anything that makes the whole file unreadable.
    """
    conflict = _CONFLICT.search(text)
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        raise YamlProblem(
            line,
            f"git-konfliktmarkering {conflict.group(1)!r}: løs konflikten, behold én version, "
            "og slet markeringslinjerne",
        )
    problems: list[tuple[int, str]] = []
    warnings: list[tuple[int, str]] = []
    # The container under construction (None at the top), whether it is a mapping, and the
    # key waiting for its value there; `stack` keeps the same of every container around it.
    # Local variables, not the tops of lists: the loop runs once per event (1.4M at 10k).
    cur: Any = None
    cur_map = False
    key: str | None = None
    key_line = 0
    stack: list[tuple[Any, bool, str | None, int]] = []
    root: Node | None = None
    documents = 0
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    doc_start, stream_end = yaml.DocumentStartEvent, yaml.StreamEndEvent
    # A value can hold an invisible character only if the text does, or writes one as an
    # escape ("\u200b"): otherwise no value needs to be searched (a million at 10k units).
    scan = _INVISIBLE_SEARCH(text) is not None or "\\" in text
    event: Any  # dispatched on `type(event) is ...` (fast), which the stubs cannot narrow
    parser = _Loader(text)
    next_event = parser.get_event  # what yaml.parse does, without a generator around it
    try:
        while True:
            event = next_event()
            etype = type(event)
            if etype is scalar_event:
                line = event.start_mark.line + 1
                if event.anchor is not None:
                    raise YamlProblem(line, _ANCHOR_MESSAGE)
                if event.tag is not None:
                    raise YamlProblem(line, _tag_message(event.tag))
                raw = event.value
                if len(raw) > MAX_SCALAR_CHARS:
                    raise YamlProblem(line, _long_message(len(raw)))
                if scan and _INVISIBLE_SEARCH(raw) and len(warnings) < MAX_PROBLEMS:
                    warnings.append((line, invisible_message(raw)))
                if cur_map and key is None:  # a key: no node needed
                    if raw == "<<" and event.implicit[0]:
                        raise YamlProblem(line, _MERGE_MESSAGE)
                    key, key_line = intern(raw), line  # keys repeat: share one string
                    continue
                raw = intern(raw)  # so do ids, references, words and hours (memory at 50k)
                if not event.implicit[0]:
                    node = YScalar(raw, line, "str", raw, False)
                elif raw and raw[0] not in _SPECIAL_START:
                    node = YScalar(raw, line, "str", raw)
                else:
                    node = resolve_plain(raw, line)
                if cur_map:
                    if key in cur.items:  # a duplicate key: reported there
                        _set_value(cur, [(key, key_line)], node, problems)  # type: ignore[list-item]
                    else:  # what _set_value does for a new key, without the call
                        cur.items[key] = node
                        cur.key_lines[key] = key_line
                    key = None
                elif cur is not None:
                    cur.items.append(node)
                else:
                    root = node
            elif etype is map_start or etype is seq_start:
                line = event.start_mark.line + 1
                if event.anchor is not None:
                    raise YamlProblem(line, _ANCHOR_MESSAGE)
                if event.tag is not None:
                    raise YamlProblem(line, _tag_message(event.tag))
                if len(stack) >= MAX_DEPTH:
                    raise YamlProblem(
                        line,
                        f"mere end {MAX_DEPTH} niveauer inden i hinanden: det har data aldrig "
                        "brug for; tjek indrykningen og klammerne på denne linje",
                    )
                container: Node = YMap({}, line) if etype is map_start else YSeq([], line)
                if cur is None:
                    root = container
                elif not cur_map:
                    cur.items.append(container)
                elif key is None:
                    raise YamlProblem(
                        line, "en nøgle skal være almindelig tekst, ikke en liste eller nøgler"
                    )
                else:
                    _set_value(cur, [(key, key_line)], container, problems)
                    key = None
                stack.append((cur, cur_map, key, key_line))
                cur, cur_map, key = container, etype is map_start, None
            elif etype is map_end or etype is seq_end:
                cur, cur_map, key, key_line = stack.pop()
            elif etype is alias_event:
                raise YamlProblem(event.start_mark.line + 1, _ANCHOR_MESSAGE)
            elif etype is stream_end:
                break
            elif etype is doc_start:
                documents += 1
                if documents > 1:
                    raise YamlProblem(
                        event.start_mark.line + 1,
                        "et YAML-dokument mere ('---') i samme fil: hold ét dokument pr. fil, og "
                        "fjern den ekstra '---'-linje",
                    )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and mark and mark.line >= text.count("\n"):
            mark = exc.context_mark  # at the end of the file: where the unclosed value began
        line = mark.line + 1 if mark else 1
        raise YamlProblem(line, f"YAML-syntaksfejl: {syntax_message(exc.problem)}") from None
    except yaml.reader.ReaderError as exc:
        position = exc.position if isinstance(exc.position, int) else 0
        # libyaml counts the position in UTF-8 bytes, the Python reader in characters
        if _Loader is not yaml.SafeLoader:
            line = text.encode("utf-8", "surrogatepass").count(b"\n", 0, position) + 1
        else:
            line = text.count("\n", 0, position) + 1
        code = exc.character if isinstance(exc.character, int) else 0
        raise YamlProblem(line, _control_message(code)) from None
    except yaml.YAMLError:
        raise YamlProblem(1, f"YAML-syntaksfejl: {syntax_message(None)}") from None
    finally:
        parser.dispose()
    return Parsed(root, problems, warnings)


_INVISIBLE_SEARCH = INVISIBLE.search
_CHARACTER_NAMES = {
    0x00: "en NUL-byte",
    0x85: "et NEL-linjeskift",
    0x200B: "et mellemrum uden bredde",
    0x200E: "et venstre-mod-højre-mærke",
    0x200F: "et højre-mod-venstre-mærke",
    0x2028: "en linjeseparator",
    0x2029: "en afsnitsseparator",
    0x202E: "en tvungen højre-mod-venstre-retning",
    0xFEFF: "et byte order mark (BOM)",
}


def character_name(code: int) -> str:
    if code in _CHARACTER_NAMES:
        return _CHARACTER_NAMES[code]
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or code == 0x061C:
        return "et tegn, der styrer tekstens retning"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return "et kontroltegn"
    return "et usynligt tegn"


def invisible_message(text: str) -> str:
    """The warning for a value with invisible or text-turning characters."""
    found = _INVISIBLE_SEARCH(text)
    code = ord(found.group()) if found else 0
    return (
        f"indeholder U+{code:04X} ({character_name(code)}), som er usynligt eller vender "
        "teksten om på skærmen: slet det (skriv teksten omkring det igen)"
    )


def _control_message(code: int) -> str:
    return (
        f"filen indeholder U+{code:04X} ({character_name(code)}), som YAML ikke tillader: "
        "slet det (det kommer ofte med, når man kopierer fra et andet program, eller også er "
        "filen ikke tekst)"
    )


def _long_message(length: int) -> str:
    return (
        f"en værdi på {length} tegn, mere end {MAX_SCALAR_CHARS}: gør den kortere, eller del "
        "den op i flere nøgler"
    )


_MORE_MESSAGE = (
    f"flere nøgler, der står to gange, herfra (kun de første {MAX_PROBLEMS} vises): "
    "ret dem, og tjek igen"
)

_ANCHOR_MESSAGE = (
    "ankre og aliasser ('&navn', '*navn') er ikke tilladt i data: skriv værdierne helt ud"
)


def _tag_message(tag: str) -> str:
    return (
        f"YAML-mærket {excerpt(tag)} er ikke tilladt: fjern det "
        "(sæt værdien i anførselstegn, hvis den skal læses som tekst)"
    )


# PyYAML's and libyaml's problem texts (English) -> what happened and the fix, in Danish.
# The first entry with a phrase that occurs in the problem wins.
_NEW_KEY = (
    "her skulle en ny nøgle begynde: tjek indrykningen, og at intet står efter det sidste "
    "anførselstegn i en værdi"
)
_BACKSLASH = (
    "en omvendt skråstreg (\\) i en tekst i dobbelte anførselstegn kan ikke læses: skriv "
    "\\\\ for en omvendt skråstreg, eller brug enkelte anførselstegn"
)
_DIRECTIVE = "linjer, der begynder med %, bruges ikke i data: slet linjen"
_SYNTAX_MESSAGES: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("tab character",),
        "et tabulatortegn står, hvor der skal være indrykning: ryk ind med mellemrum, ikke "
        "med tabulator",
    ),
    (
        ("mapping values are not allowed",),
        "et ': ' står, hvor der ikke kan begynde en ny nøgle: en tekst med ': ' i skal stå i "
        "anførselstegn",
    ),
    (
        ("block sequence entries are not allowed",),
        "et listepunkt ('- ') står på samme linje som sin nøgle: flyt det ned på næste linje "
        "og ryk det ind, eller sæt teksten i anførselstegn",
    ),
    (
        ("cannot start any token",),
        "en værdi begynder med et tegn, som YAML ikke tillader først (fx @, ` eller %), eller "
        "linjen er rykket ind med tabulator: sæt værdien i anførselstegn, og ryk ind med "
        "mellemrum",
    ),
    (
        ("',' or ']'",),
        "en liste i [ ] bliver ikke lukket: skriv ']' til sidst og komma mellem punkterne",
    ),
    (
        ("',' or '}'",),
        "nøglerne i { } bliver ikke lukket: skriv '}' til sidst og komma mellem nøglerne",
    ),
    (
        ("'-' indicator",),
        "her skulle et nyt listepunkt ('- ') begynde: tjek indrykningen; alle punkter i en "
        "liste skal rykkes lige langt ind",
    ),
    (("expected key", "<block end>"), _NEW_KEY),
    (
        ("expected ':'",),
        "en nøgle står uden ':' efter sig: skriv 'nøgle: værdi', eller tjek indrykningen",
    ),
    (
        ("end of stream",),
        "et anførselstegn eller en klamme bliver aldrig lukket: skriv det afsluttende ' eller "
        '" (eller ] eller })',
    ),
    (("escape", "hexdecimal"), _BACKSLASH),
    (
        ("node content",),
        "her skulle en værdi stå: tjek tegnsætningen (fx et komma for meget), eller sæt "
        "teksten i anførselstegn",
    ),
    (
        ("comment or line break",),
        "efter | eller > må kun stå en kommentar: flyt teksten ned på næste linje",
    ),
    (
        ("document start",),
        "der står noget efter filens slutning (fx en ] eller } for meget, eller '...'): slet det",
    ),
    (
        ("alphabetic or numeric",),
        "& og * er ikke tilladt først i en værdi (ankre og aliasser): sæt værdien i anførselstegn",
    ),
    (("directive", "YAML document"), _DIRECTIVE),
)
_SYNTAX_FALLBACK = "YAML kan ikke læse linjen: tjek indrykningen og anførselstegnene på den"


def syntax_message(problem: str | None) -> str:
    """A YAML parser's problem text as a Danish message that names the fix."""
    for phrases, message in _SYNTAX_MESSAGES:
        if problem and any(phrase in problem for phrase in phrases):
            return message
    return _SYNTAX_FALLBACK


_MERGE_MESSAGE = "flettenøgler ('<<') er ikke tilladt i data: skriv nøglerne helt ud"


def _set_value(
    parent: YMap, keys: list[tuple[str, int] | None], node: Node, problems: list[tuple[int, str]]
) -> None:
    name, key_line = keys[-1]  # type: ignore[misc]
    keys[-1] = None
    if name in parent.items and len(problems) <= MAX_PROBLEMS:
        problems.append(
            (key_line, _MORE_MESSAGE)
            if len(problems) == MAX_PROBLEMS
            else (
                key_line,
                f"nøglen {excerpt(name)} står to gange (første gang på linje "
                f"{parent.key_lines[name]}): YAML ville i stilhed kun beholde den sidste; slet "
                "den ene, eller flet dem sammen",
            )
        )
    parent.items[name] = node
    parent.key_lines[name] = key_line


def to_python(node: Node | None) -> Any:
    """Plain Python values of a node tree (for model validation)."""
    if node is None:
        return None
    if isinstance(node, YScalar):
        return node.value
    if isinstance(node, YSeq):
        return [to_python(item) for item in node.items]
    return {key: to_python(value) for key, value in node.items.items()}


def node_at(node: Node | None, loc: tuple[Any, ...]) -> Node | None:
    """The node at a pydantic-style location (keys and list indexes), or None."""
    for part in loc:
        if isinstance(node, YMap) and isinstance(part, str):
            node = node.items.get(part)  # None: no such key, and so no node
        elif isinstance(node, YSeq) and isinstance(part, int) and 0 <= part < len(node.items):
            node = node.items[part]
        else:
            return None
    return node


def line_at(node: Node | None, loc: tuple[Any, ...], default: int) -> int:
    """The best line for a location: the value's line, else its key's, else the item's."""
    current = node
    best = default
    for part in loc:
        if isinstance(current, YMap) and isinstance(part, str) and part in current.items:
            best = current.key_lines.get(part, best)
            current = current.items[part]
            best = current.line if isinstance(current, YScalar) else best
        elif isinstance(current, YSeq) and isinstance(part, int) and 0 <= part < len(current.items):
            current = current.items[part]
            best = current.line
        else:
            break
    return best
