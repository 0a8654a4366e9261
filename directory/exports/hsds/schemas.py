"""The vendored HSDS 3.1 schemas, the landkort profile built on them, and checking against both.

`schema/` holds the official files, byte for byte (see `schema/NOTICE.md`, CC BY-SA 4.0);
`profile/` holds the landkort profile as HSDS's profile mechanism asks: one JSON merge patch
(RFC 7386) per HSDS file it changes, named like that file (`service.json`, `phone.json`, ...).
`profile_schema("service")` is the official compiled schema with the patches merged into
every object of that name (a phone inside a contact inside a service is patched too).

Errors are said in Danish with the JSON path (`$[3].phones[0].number`) and the fix
(`danish_error`): the import reports them to the coordinator who runs it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from directory.model import excerpt

HERE = Path(__file__).resolve().parent
SCHEMA_DIR = HERE / "schema"
PROFILE_DIR = HERE / "profile"
HSDS_VERSION = "3.1"
PROFILE_VERSION = "1.0.0"
# The app serves the profile here: its URI is the app's address followed by this path.
PROFILE_PATH = "/api/hsds/profile"
# The official files name each other by these addresses (openapi.json) or by file name.
UPSTREAM_PREFIXES = (
    "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/",
    "https://raw.githubusercontent.com/openreferral/specification/3.1/schema/",
)
PROFILE_FILES = ("service", "organization", "phone", "contact", "location", "taxonomy_term")
_FORMATS = FormatChecker()


def _read(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=16)
def official(name: str) -> Any:
    """An official schema file by its path under schema/ ('compiled/service.json'). Shared:
    read-only."""
    return _read(SCHEMA_DIR / name)


@lru_cache(maxsize=8)
def patch(name: str) -> Any:
    """The profile's merge patch for an HSDS file ('service.json'), or {} when it has none."""
    path = PROFILE_DIR / name
    return _read(path) if path.is_file() else {}


def merge_patch(target: Any, change: Any) -> Any:
    """RFC 7386 JSON Merge Patch: `change` applied to a copy of `target`."""
    if not isinstance(change, dict):
        return copy.deepcopy(change)
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in change.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def _objects(schema: Any) -> Iterator[dict[str, Any]]:
    """Every object schema in a compiled schema (each has a 'name' and 'properties')."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "properties" in node and isinstance(node.get("name"), str):
                yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


@lru_cache(maxsize=4)
def profile_schema(name: str) -> dict[str, Any]:
    """The landkort profile's compiled schema of an HSDS object ('service'): the official
    compiled schema with every object of a patched kind merged with its patch. A patch's
    `{"$ref": "schedule.json"}` becomes the compiled schedule schema."""
    schema: dict[str, Any] = copy.deepcopy(official(f"compiled/{name}.json"))
    compiled = {node["name"]: node for node in _objects(schema)}
    for node in list(_objects(schema)):
        change = patch(f"{node['name']}.json")
        if change:
            merged = merge_patch(node, _inline(change, compiled))
            node.clear()
            node.update(merged)
    return schema


def _inline(change: Any, compiled: dict[str, dict[str, Any]]) -> Any:
    if isinstance(change, dict):
        ref = change.get("$ref")
        if isinstance(ref, str) and ref.endswith(".json") and ref[:-5] in compiled:
            return copy.deepcopy(compiled[ref[:-5]])
        return {k: _inline(v, compiled) for k, v in change.items()}
    if isinstance(change, list):
        return [_inline(v, compiled) for v in change]
    return change


def openapi() -> dict[str, Any]:
    """The API description: the official openapi.json merged with the profile's patch."""
    merged: dict[str, Any] = merge_patch(official("openapi.json"), patch("openapi.json"))
    return merged


def _retrieve(uri: str) -> Resource[Any]:
    """The vendored file an official address or a file name stands for."""
    name = uri
    for prefix in UPSTREAM_PREFIXES:
        name = name.removeprefix(prefix)
    path = (SCHEMA_DIR / name).resolve()
    if SCHEMA_DIR.resolve() not in path.parents or not path.is_file():
        raise LookupError(f"not vendored: {uri}")
    return Resource.from_contents(_read(path), default_specification=DRAFT202012)


@lru_cache(maxsize=1)
def registry() -> Registry[Any]:
    return Registry(retrieve=_retrieve)  # type: ignore[call-arg]


@lru_cache(maxsize=8)
def validator(name: str, *, profile: bool = False) -> Draft202012Validator:
    """A validator (format checks on) for an official schema file ('compiled/service.json',
    'taxonomy.json') or, with `profile`, the profile's compiled schema of that object."""
    if profile:
        schema = profile_schema(name.removeprefix("compiled/").removesuffix(".json"))
    else:
        schema = official(name)
    return Draft202012Validator(schema, format_checker=_FORMATS, registry=registry())


# -- errors in Danish ------------------------------------------------------------------------
_TYPES_DA = {
    "string": "tekst",
    "number": "et tal",
    "integer": "et helt tal",
    "object": "et objekt ({...})",
    "array": "en liste ([...])",
    "boolean": "true eller false",
    "null": "null",
}
_FORMAT_FIX = {
    "uuid": 'et UUID, fx "0b6c3f2e-8a1d-4c5e-9f0a-1b2c3d4e5f60"',
    "email": "en e-mailadresse (navn@domæne.dk)",
    "uri": 'en fuld adresse, fx "https://www.kk.dk/"',
    "date-time": 'et tidspunkt som "2026-09-01T00:00:00+02:00"',
    "date": 'en dato som "2026-09-01"',
}


def json_path(path: Any) -> str:
    """('phones', 0, 'number') -> '.phones[0].number' (after a '$' or a parent's path)."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", dict: "object", list: "array", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def danish_error(error: ValidationError, prefix: str = "$") -> str:
    """One schema error as `<JSON path>: what is wrong: the fix`, in Danish."""
    where = prefix + json_path(error.absolute_path)
    kind = error.validator
    value = error.instance
    rule: Any = error.validator_value
    if kind == "required":
        missing = str(error.message).split("'")[1] if "'" in str(error.message) else "?"
        return f"{where}: feltet '{missing}' mangler: tilføj det (HSDS 3.1 kræver det)"
    if kind == "type":
        names = [rule] if isinstance(rule, str) else list(rule)
        want = " eller ".join(_TYPES_DA.get(n, n) for n in names)
        got = _TYPES_DA.get(_json_type(value), _json_type(value))
        return f"{where}: skal være {want}, ikke {got}: ret værdien"
    if kind == "format":
        fix = _FORMAT_FIX.get(str(rule), str(rule))
        return f"{where}: {excerpt(value)} er ikke {fix}: ret værdien"
    if kind == "enum":
        allowed = ", ".join(repr(v) for v in rule)
        return f"{where}: {excerpt(value)} er ikke tilladt her: skriv en af {allowed}"
    if kind == "pattern":
        return f"{where}: {excerpt(value)} har ikke den form, feltet kræver: ret værdien"
    if kind == "minItems":
        return f"{where}: listen er tom: skriv mindst én værdi"
    return f"{where}: passer ikke med HSDS 3.1 ({kind}): ret værdien"


def schema_errors(
    instance: Any, name: str = "compiled/service.json", *, profile: bool = False, prefix: str = "$"
) -> list[str]:
    """Every error of `instance` against a schema, in Danish, in path order."""
    errors = validator(name, profile=profile).iter_errors(instance)
    ordered = sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])
    return [danish_error(e, prefix) for e in ordered]
