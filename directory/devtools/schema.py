"""JSON Schema for each data file kind, generated from the models, for editor support.

`python -m directory schema` writes `data/schema/<kind>.schema.json`; `--check` only
compares. Each data file starts with a line such as

    # yaml-language-server: $schema=../schema/units.schema.json

(relative to the file), so editors with the YAML language server (VS Code's YAML
extension, IntelliJ, Neovim, ...) autocomplete keys and flag mistakes while typing.
The schema is an editor aid; `python -m directory validate` remains the authority
(cross-references, phone numbers, opening hours and dates are only checked there).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import typing
from pathlib import Path
from typing import Any

from pydantic import AfterValidator, BaseModel

from directory import model
from directory.loading.loader import classify
from directory.loading.safefile import atomic_write
from directory.rules.areas import bydel_names

SCHEMA_DIRNAME = "schema"
KINDS = tuple(model.FILE_KINDS)
HEADER_PREFIX = "# yaml-language-server: $schema="
EXTENSION_PATTERN = "^x-"
# String rules the models check in validators, repeated here so editors can flag them early.
_RULES: dict[Any, dict[str, Any]] = {
    model._nonempty: {"minLength": 1, "pattern": r"\S"},
    model._slug: {"pattern": model.SLUG.pattern},
    model._email: {"pattern": model.EMAIL.pattern},
    model._color: {"pattern": model.COLOR.pattern},
}


def schema_filename(kind: str) -> str:
    return f"{kind}.schema.json"


def build_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one data file kind (a mapping with the one key, plus `x-` keys)."""
    if kind == "synonyms":
        items: dict[str, Any] = {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "minItems": 1,
        }
        defs: dict[str, Any] = {}
    else:
        model_cls = model.KINDS[kind]
        name = model_cls.__name__
        record = model_cls.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
        defs = record.pop("$defs", {})
        defs[name] = record
        for def_name, definition in defs.items():
            cls = getattr(model, def_name, None)
            if isinstance(cls, type) and issubclass(cls, BaseModel):
                _refine_record(definition, cls)
        items = {"$ref": f"#/$defs/{name}"}
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Kommunalt landkort: {model.FILE_KINDS[kind].where}",
        "description": (
            f"Data contract v1, file kind '{kind}'. Generated from directory/model.py by "
            "`python -m directory schema`; do not edit by hand."
        ),
        "type": "object",
        "properties": {kind: {"type": ["array", "null"], "items": items}},
        "patternProperties": {EXTENSION_PATTERN: {}},
        "additionalProperties": False,
    }
    if defs:
        schema["$defs"] = defs
    return schema


def _refine_record(definition: dict[str, Any], cls: type[BaseModel]) -> None:
    """Drop the internal `extensions` field, allow `x-` keys, add the validators' string rules."""
    properties = definition.get("properties", {})
    properties.pop("extensions", None)
    if "required" in definition:
        definition["required"] = [key for key in definition["required"] if key != "extensions"]
    definition["patternProperties"] = {EXTENSION_PATTERN: {}}
    definition["additionalProperties"] = False
    for field_name, info in cls.model_fields.items():
        key = info.alias or field_name
        if key not in properties:
            continue
        rules = _rules_of(info.metadata)
        if rules:
            _apply_rules(properties[key], rules)
        inner = _inner_rules(info.annotation)
        if inner:
            _apply_rules(properties[key], inner)
        _collapse_nullable(properties[key])
    if cls is model.Unit:
        properties["service_area"]["items"] = _service_area_items()


def _service_area_items() -> dict[str, Any]:
    """A `service_area` entry: one of the ten bydele by name, or a four-digit postal code
    (the validator also checks that the code lies in the kommune)."""
    return {
        "type": "string",
        "anyOf": [{"enum": bydel_names()}, {"pattern": r"^[0-9]{4}$"}],
        "description": 'En af de ti bydele (fx Nørrebro) eller et postnummer (fx "2300")',
    }


def _collapse_nullable(node: dict[str, Any]) -> None:
    """`anyOf: [{type: string, ...}, {type: null}]` → `type: [string, null]`
    (clearer editor messages)."""
    branches = node.get("anyOf", [])
    if len(branches) != 2 or {"type": "null"} not in branches:
        return
    (other,) = [b for b in branches if b != {"type": "null"}]
    if not isinstance(other.get("type"), str) or "$ref" in other:
        return
    del node["anyOf"]
    node.update(other)
    node["type"] = [other["type"], "null"]


def _rules_of(metadata: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, AfterValidator) and item.func in _RULES:
            out.update(_RULES[item.func])
    return out


def _inner_rules(annotation: Any) -> dict[str, Any]:
    """Rules of an `Annotated[str, ...]` inside `X | None` or `list[X]`."""
    for arg in typing.get_args(annotation):
        if typing.get_origin(arg) is typing.Annotated:
            return _rules_of(list(arg.__metadata__))
        found = _inner_rules(arg)
        if found:
            return found
    return {}


def _apply_rules(node: dict[str, Any], rules: dict[str, Any]) -> None:
    """Put string rules on every string schema in a property (through anyOf and items)."""
    if node.get("type") == "string" and "format" not in node:
        node.update(rules)
    for branch in node.get("anyOf", []):
        _apply_rules(branch, rules)
    if isinstance(node.get("items"), dict):
        _apply_rules(node["items"], rules)


def render(schema: dict[str, Any]) -> str:
    """Deterministic text: sorted keys, two-space indent, Danish letters intact, final newline."""
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def expected_files() -> dict[str, str]:
    """File name → text for every schema file."""
    return {schema_filename(kind): render(build_schema(kind)) for kind in KINDS}


def stale_schema_files(schema_dir: str | os.PathLike[str]) -> list[str]:
    """Names of schema files that are missing or differ from what the models generate."""
    folder = Path(schema_dir)
    out: list[str] = []
    for name, text in expected_files().items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            out.append(name)
    return out


def write_schemas(schema_dir: str | os.PathLike[str]) -> list[str]:
    """Write every schema file that changed (atomically); returns the names written."""
    folder = Path(schema_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for name in stale_schema_files(folder):
        atomic_write(folder / name, expected_files()[name].encode("utf-8"))
        written.append(name)
    return written


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def header_for(rel: str) -> str | None:
    """The editor header line for a data file (path relative to the data directory)."""
    kind = classify(rel)
    if kind is None:
        return None
    up = "../" * rel.count("/")
    return f"{HEADER_PREFIX}{up or './'}{SCHEMA_DIRNAME}/{schema_filename(kind)}"


def data_files(data_dir: str | os.PathLike[str]) -> list[str]:
    """Paths (relative, '/'-separated, sorted) of every data file the loader reads."""
    root = Path(data_dir)
    found = (p.relative_to(root).as_posix() for p in root.rglob("*.yaml") if p.is_file())
    return sorted(rel for rel in found if classify(rel) is not None)


_HEADER_LINE = re.compile(rb"^(\xef\xbb\xbf)?# yaml-language-server: \$schema=[^\r\n]*(\r?\n|$)")


def with_header(data: bytes, header: str) -> bytes:
    """The file's bytes with `header` as its first line (an old header line is replaced)."""
    match = _HEADER_LINE.match(data)
    if match:
        bom, ending = match.group(1) or b"", match.group(2) or b"\n"
        return bom + header.encode("utf-8") + ending + data[match.end() :]
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    ending = b"\r\n" if b"\r\n" in data else b"\n"
    return bom + header.encode("utf-8") + ending + data[len(bom) :]


def add_schema_headers(data_dir: str | os.PathLike[str]) -> list[str]:
    """Give every data file its `# yaml-language-server: $schema=...` first line.

    Idempotent; the rest of each file is kept byte for byte; each write is atomic and
    refused when the file changed meanwhile. Returns the relative paths changed.
    """
    root = Path(data_dir)
    changed: list[str] = []
    for rel in data_files(root):
        header = header_for(rel)
        assert header is not None
        path = root / rel
        data = path.read_bytes()
        updated = with_header(data, header)
        if updated != data:
            atomic_write(path, updated, expect_sha256=_sha256(data))
            changed.append(rel)
    return changed


def missing_headers(data_dir: str | os.PathLike[str]) -> list[str]:
    """Relative paths of data files whose first line is not their schema header."""
    root = Path(data_dir)
    out: list[str] = []
    for rel in data_files(root):
        first = (root / rel).read_text(encoding="utf-8-sig").split("\n", 1)[0].rstrip("\r")
        if first != header_for(rel):
            out.append(rel)
    return out
