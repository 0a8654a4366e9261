"""JSON Schema for editors: generated from the models, committed in data/schema/, headers."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT, SMALL_DATA, write_data

from cli import main
from directory import validate_directory
from directory.devtools.schema import (
    KINDS,
    add_schema_headers,
    build_schema,
    data_files,
    expected_files,
    header_for,
    missing_headers,
    stale_schema_files,
    write_schemas,
)
from directory.loading.loader import classify

SCHEMA_DIR = ROOT / "data" / "schema"


def test_committed_schema_files_are_up_to_date() -> None:
    assert stale_schema_files(SCHEMA_DIR) == [], (
        "run `python -m directory schema data` and commit data/schema/"
    )


def test_one_file_per_kind_sorted_keys_and_final_newline() -> None:
    files = expected_files()
    assert sorted(files) == sorted(f"{kind}.schema.json" for kind in KINDS)
    for text in files.values():
        assert text.endswith("}\n")
        assert (
            text
            == json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        )


def test_internal_extensions_field_is_not_in_any_schema() -> None:
    for text in expected_files().values():
        assert '"extensions"' not in text


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = build_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _load(text: str):
    return json.loads(json.dumps(yaml.safe_load(textwrap.dedent(text)), default=str))


@pytest.mark.parametrize("rel", sorted(SMALL_DATA))
def test_valid_data_passes_the_schema(rel: str) -> None:
    kind = rel.split("/")[0].removesuffix(".yaml")
    assert list(_validator(kind).iter_errors(_load(SMALL_DATA[rel]))) == []


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "units",
            "units:\n  - {id: a, name: A, department: sof, verified: 2026-01-01, x-note: "
            "ok}\nx-top: 1\n",
            None,
        ),
        (
            "units",
            "units:\n  - {id: a, name: A, department: sof, verified: 2026-01-01, onwer: me}\n",
            "'onwer' does not match any of the regexes: '^x-'",
        ),
        (
            "units",
            "units:\n  - {id: a, name: A, verified: 2026-01-01}\n",
            "'department' is a required property",
        ),
        (
            "units",
            "units:\n  - {id: Bad Id, name: A, department: sof, verified: 2026-01-01}\n",
            "'Bad Id' does not match '^[a-z0-9][a-z0-9-]*$'",
        ),
        ("units", "enheder: []\n", "'enheder' does not match any of the regexes: '^x-'"),
        (
            "units",
            "units:\n  - {id: a, name: A, department: sof, verified: 2026-01-01, phones: [{number: "
            "'1', kind: secret}]}\n",
            "'secret' is not one of ['public', 'fast_track', 'internal']",
        ),
        ("referrals", "referrals:\n  - {from: a, to: b, needs: []}\n", "[] should be non-empty"),
        ("synonyms", "synonyms:\n  - [a, b]\n  - []\n", "[] should be non-empty"),
        (
            "locations",
            "locations:\n  - {id: l, name: L, address: {street: S, postal_code: '2300', city: K, "
            "x-floor: 2}, lat: 55.6, lon: 12.5}\n",
            None,
        ),
        (
            "departments",
            "departments:\n  - {id: sof, name: SOF, color: red}\n",
            "'red' does not match '^#[0-9a-fA-F]{6}$'",
        ),
    ],
)
def test_schema_flags_what_the_validator_flags(kind: str, text: str, expected: str | None) -> None:
    messages = [e.message for e in _validator(kind).iter_errors(_load(text))]
    assert messages == ([expected] if expected else [])


@pytest.mark.parametrize(
    ("rel", "header"),
    [
        ("departments.yaml", "# yaml-language-server: $schema=./schema/departments.schema.json"),
        ("units/sof.yaml", "# yaml-language-server: $schema=../schema/units.schema.json"),
        ("locations.yaml", "# yaml-language-server: $schema=./schema/locations.schema.json"),
        ("referrals.yaml", "# yaml-language-server: $schema=./schema/referrals.schema.json"),
        ("referrals/sof.yaml", "# yaml-language-server: $schema=../schema/referrals.schema.json"),
        ("synonyms.yaml", "# yaml-language-server: $schema=./schema/synonyms.schema.json"),
        ("units/old.yml", None),
        ("notes.yaml", None),
    ],
)
def test_header_points_relative_to_the_file(rel: str, header: str | None) -> None:
    assert header_for(rel) == header


def test_add_schema_headers_is_idempotent_and_keeps_the_rest(data_dir: Path) -> None:
    (data_dir / "units" / "crlf.yaml").write_bytes(b"# keep me\r\nunits:\r\n")
    (data_dir / "locations.yaml").write_text(
        "# yaml-language-server: $schema=old.json\n"
        + (data_dir / "locations.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    (data_dir / "notes.yaml").write_text("not: read\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in data_dir.rglob("*.yaml")}
    changed = add_schema_headers(data_dir)
    assert changed == [
        "departments.yaml",
        "locations.yaml",
        "referrals.yaml",
        "synonyms.yaml",
        "units/bif.yaml",
        "units/crlf.yaml",
        "units/sof.yaml",
        "units/stat.yaml",
    ]
    assert missing_headers(data_dir) == []
    sof = data_dir / "units" / "sof.yaml"
    assert (
        sof.read_bytes()
        == b"# yaml-language-server: $schema=../schema/units.schema.json\n" + before[sof]
    )
    crlf = data_dir / "units" / "crlf.yaml"
    assert (
        crlf.read_bytes()
        == b"# yaml-language-server: $schema=../schema/units.schema.json\r\n# keep me\r\nunits:\r\n"
    )
    loc = data_dir / "locations.yaml"
    assert (
        loc.read_bytes()
        == b"# yaml-language-server: $schema=./schema/locations.schema.json\n"
        + before[loc].split(b"\n", 1)[1]
    )
    assert (data_dir / "notes.yaml").read_bytes() == before[data_dir / "notes.yaml"]
    after = {p: p.read_bytes() for p in data_dir.rglob("*.yaml")}
    assert add_schema_headers(data_dir) == []
    assert {p: p.read_bytes() for p in data_dir.rglob("*.yaml")} == after
    assert not list(data_dir.rglob("*.tmp"))


def test_headers_do_not_change_what_loads(data_dir: Path) -> None:
    before = validate_directory(data_dir)
    add_schema_headers(data_dir)
    after = validate_directory(data_dir)
    assert after.ok and after.directory.units.keys() == before.directory.units.keys()
    assert [p.message for p in after.problems] == [p.message for p in before.problems]


def test_missing_headers_lists_files_without_one(data_dir: Path) -> None:
    write_data(data_dir, {"units/kff.yaml": "units:\n"})
    add_schema_headers(data_dir)
    (data_dir / "units" / "kff.yaml").write_text("units:\n", encoding="utf-8")
    assert missing_headers(data_dir) == ["units/kff.yaml"]


def test_every_data_file_in_data_has_its_schema_header() -> None:
    assert missing_headers(ROOT / "data") == [], "run `python -m directory schema --headers data`"


def test_cli_checks_and_regenerates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_schemas(tmp_path / "schema")
    assert main(["schema", str(tmp_path), "--check"]) == 0
    (tmp_path / "schema" / "units.schema.json").write_text("{}\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["schema", str(tmp_path), "--check"]) == 1
    out = capsys.readouterr().out
    assert (
        out == f"{tmp_path / 'schema' / 'units.schema.json'}: forældet: "
        f"kør `python -m directory schema {tmp_path}`\n"
    )
    assert main(["schema", str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"skrev {tmp_path / 'schema' / 'units.schema.json'}\n"
    assert stale_schema_files(tmp_path / "schema") == []


def test_cli_schema_headers(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", str(data_dir), "--headers"]) == 0
    assert missing_headers(data_dir) == []
    assert f"satte skemalinjen øverst i {data_dir / 'units/sof.yaml'}" in capsys.readouterr().out


def test_cli_schema_missing_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", str(tmp_path / "nope")]) == 1
    assert (
        capsys.readouterr().err == f"fejl: datamappen {str(tmp_path / 'nope')!r} findes ikke: "
        "skriv stien til en mappe, der findes\n"
    )


def test_demo_data_passes_its_schema() -> None:
    files = data_files(ROOT / "data")
    assert files, "data/ holds no data files"
    for rel in files:
        doc = json.loads(
            json.dumps(
                yaml.safe_load((ROOT / "data" / rel).read_text(encoding="utf-8")), default=str
            )
        )
        assert [e.message for e in _validator(classify(rel)).iter_errors(doc)] == [], rel


def test_pre_commit_config_checks_yaml_validates_and_checks_the_schema() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert hooks["check-yaml"]["entry"] == "check-yaml"
    assert hooks["check-yaml"]["additional_dependencies"] == ["pre-commit-hooks==6.0.0"]
    validate = hooks["landkort-validate"]
    assert validate["entry"] == ".venv/bin/python -m directory validate --quiet data"
    assert validate["pass_filenames"] is False and re.fullmatch(
        validate["files"], "data/units/sof.yaml"
    )
    schema = hooks["landkort-schema"]
    assert schema["entry"] == ".venv/bin/python -m directory schema --check data"
    assert re.fullmatch(schema["files"], "directory/model.py")


def test_pre_commit_validate_hook_fails_on_bad_data(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--quiet", str(data_dir)]) == 0
    write_data(
        data_dir,
        {
            "units/stat.yaml": (
                "units:\n  - {id: stat-kif, name: K, department: nope, verified: 2026-06-01}\n"
            )
        },
    )
    assert main(["validate", "--quiet", str(data_dir)]) == 1
