"""Exports a person can read (issue 16): Danish opening hours, vCard names in the right
fields, readable Excel sheet names, the whole landkort as JSON."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from directory.exports.export import (
    call_list,
    call_list_xlsx,
    contact_vcard,
    directory_json,
    directory_json_text,
    person_name,
    units_of_department,
)


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Mette Test", ("Test", "Mette", "")),
        ("Anne-Mette Højgaard Sørensen", ("Sørensen", "Anne-Mette", "Højgaard")),
        ("Inge Lise Høj", ("Høj", "Inge", "Lise")),
        ("Ahmed el Amrani", ("el Amrani", "Ahmed", "")),
        ("Nattevagten", None),
        ("Vagthavende leder", None),
        ("Leder af varmestuen", None),
        ("Vagthavende socialrådgiver (voksne)", None),
        ("Kommunesupport, boligstøtte", None),
    ],
)
def test_person_name_or_function(name: str, parts: tuple[str, str, str] | None) -> None:
    assert person_name(name) == parts


@pytest.mark.parametrize(
    ("name", "n_line"),
    [
        ("Anne-Mette Højgaard Sørensen", "N:Sørensen;Anne-Mette;Højgaard;;"),
        ("Vagthavende socialrådgiver (voksne)", "N:;;;;"),
    ],
)
@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_vcard_puts_the_name_in_the_right_fields(
    small_directory, name: str, n_line: str, version: str
) -> None:
    unit = small_directory.units["sof-bcv"]
    unit.contacts[0].name = name
    lines = contact_vcard(unit.contacts[0], unit, small_directory.departments["sof"], version)
    lines = lines.split("\r\n")
    assert f"FN:{name}" in lines and n_line in lines
    assert "ORG:Socialforvaltningen;Borgercenter Voksne" in lines


@pytest.mark.parametrize(
    ("sheet", "expected"),
    [
        ("Ringeliste SOF", "Ringeliste SOF"),
        ("Ringeliste: søgning »hjemløs«", "Ringeliste - søgning »hjemløs«"),
        ("Ringeliste: Socialforvaltningen (SOF)", "Ringeliste - Socialforvaltning…"),
        (
            "Ringeliste: Beskæftigelses- og Integrationsforvaltningen",
            "Ringeliste - Beskæftigelses…",
        ),
        ("Søgning a/b [c]*?", "Søgning ab c"),
        (":::", "Ringeliste"),
    ],
)
def test_xlsx_sheet_name_is_valid_and_readable(small_directory, sheet: str, expected: str) -> None:
    rows = call_list(small_directory, units_of_department(small_directory, "sof"))
    book = openpyxl.load_workbook(io.BytesIO(call_list_xlsx(rows, "Titel", sheet)))
    assert book.active.title == expected
    assert len(expected) <= 31


def test_call_list_hours_are_danish_and_empty_when_unknown(small_directory) -> None:
    rows = {r.unit_id: r for r in call_list(small_directory, ["sof-dognvagt", "bif-ydelse"])}
    assert rows["sof-dognvagt"].hours == "døgnåbent"
    assert rows["bif-ydelse"].hours == ""


@pytest.mark.parametrize("public", [False, True])
def test_json_text_is_the_directory_json(small_directory, public: bool) -> None:
    text = directory_json_text(small_directory, public=public)
    assert text.endswith("}\n") and "æ" in text or "ø" in text  # UTF-8, not \\u escapes
    assert json.loads(text) == directory_json(small_directory, public=public)
    assert ("33 99 10 01" in text) is not public
