"""One scrubber for every public output (issue 17): staff-only numbers in any form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from directory import load_directory, validate_directory
from directory.exports import export
from directory.rules.scrub import REDACTED, scrub_staff_numbers, staff_numbers

# In the small data: fast track 33 99 10 01 (sof-bcv), internal 33 99 10 02 (a contact),
# fast track 33 99 20 01 (bif-jku); public 33 17 41 22.
FORMS = [
    ("spaced", "ring 33 99 10 01", f"ring {REDACTED}"),
    ("dotted", "ring 33.99.10.01 nu", f"ring {REDACTED} nu"),
    ("dashed", "33-99-10-01", REDACTED),
    ("plain", "tlf. 33991001.", f"tlf. {REDACTED}."),
    ("plus45", "+45 33 99 10 01", REDACTED),
    ("0045", "0045 3399 1001", REDACTED),
    ("paren45", "(+45) 3399 1001", f"({REDACTED}"),
    ("glued", "ring 33 99 10 01 2 gange", f"ring {REDACTED} gange"),
    ("suffix", "ring 33 99 10 00/01", f"ring {REDACTED}"),
    ("suffix_two_digits", "33.99.20.00/01", REDACTED),
    ("fullwidth", "ring ３３９９１００１", f"ring {REDACTED}"),
    ("fullwidth_spaced", "ring ３３　９９　１０　０２", f"ring {REDACTED}"),
    ("arabic_indic", "٣٣٩٩١٠٠١", REDACTED),
    ("two_in_one", "33 99 10 01 eller 33 99 10 02", f"{REDACTED} eller {REDACTED}"),
]
KEPT = [
    ("public_number", "ring 33 17 41 22"),
    ("short_number", "ring 112 eller 1813"),
    ("postal_code", "Matthæusgade 1, 1666 København V"),
    ("date", "tjekket 2026-05-01"),
    ("other_number", "ring 33 66 33 66"),
]


@pytest.mark.parametrize(("text", "expected"), [f[1:] for f in FORMS], ids=[f[0] for f in FORMS])
def test_staff_number_in_any_form_is_scrubbed(text: str, expected: str, small_directory) -> None:
    assert scrub_staff_numbers(text, small_directory) == expected


@pytest.mark.parametrize("text", [k[1] for k in KEPT], ids=[k[0] for k in KEPT])
def test_other_numbers_are_kept(text: str, small_directory) -> None:
    assert scrub_staff_numbers(text, small_directory) == text


def _plant(data_dir: Path) -> None:
    """Staff numbers written into free text of a unit, in the forms that once survived."""
    path = data_dir / "units" / "stat.yaml"
    path.write_text(
        "units:\n  - id: stat-kif\n    name: Kriminalforsorgen København\n    department: stat\n"
        '    how_to_refer: "Ring 33.99.10.00/01 eller ring 33 99 20 01 2 gange"\n'
        '    owner: "Ejer (３３９９１００２)"\n'
        "    phones:\n"
        '      - number: "72 55 55 55"\n'
        '        label: "eller +45 3399 1001"\n'
        "    verified: 2026-06-01\n",
        encoding="utf-8",
    )


def _leaks(text: str, directory) -> list[str]:
    numbers = staff_numbers(directory)
    return [m for m in numbers.numbers_in(text)]


def test_public_json_has_no_staff_number_in_any_form(data_dir: Path) -> None:
    _plant(data_dir)
    directory = load_directory(data_dir)
    staff = json.dumps(export.directory_json(directory), ensure_ascii=False)
    public = json.dumps(export.directory_json(directory, public=True), ensure_ascii=False)
    assert _leaks(staff, directory)  # the staff view has them (the check can fail)
    assert _leaks(public, directory) == []
    assert "Ring [internt nummer fjernet] eller ring [internt nummer fjernet] gange" in public


def test_public_call_lists_have_no_staff_number_in_any_form(data_dir: Path) -> None:
    _plant(data_dir)
    directory = load_directory(data_dir)
    ids = list(directory.units)
    rows = export.call_list(directory, ids, public=True)
    csv_text = export.call_list_csv(rows).decode("utf-8-sig")
    html_text = export.call_list_html(rows, "Ringeliste", public=True)
    xlsx = export.call_list_xlsx(rows)
    from io import BytesIO

    from openpyxl import load_workbook

    cells = " ".join(
        str(c.value) for row in load_workbook(BytesIO(xlsx)).active.iter_rows() for c in row
    )
    for name, text in (("csv", csv_text), ("print", html_text), ("xlsx", cells)):
        assert _leaks(text, directory) == [], name
        assert "Ejer ([internt nummer fjernet])" in text, name
    staff_rows = export.call_list(directory, ids)
    assert _leaks(export.call_list_csv(staff_rows).decode("utf-8-sig"), directory)


def test_validation_warns_where_free_text_quotes_a_staff_number(data_dir: Path) -> None:
    _plant(data_dir)
    result = validate_directory(data_dir)
    assert result.ok, result.errors
    path = data_dir / "units" / "stat.yaml"
    got = [str(w) for w in result.warnings if "kun er for medarbejdere" in w.message]
    tail = (
        "som kun er for medarbejdere, står i teksten; offentlige visninger og eksporter fjerner "
        "det: skriv det kun under 'phones' med kind fast_track eller internal"
    )
    assert got == [
        f"{path}:5: warning: how_to_refer: nummeret 33 99 10 01, {tail}",
        f"{path}:5: warning: how_to_refer: nummeret 33 99 20 01, {tail}",
        f"{path}:6: warning: owner: nummeret 33 99 10 02, {tail}",
        f"{path}:7: warning: phones: nummeret 33 99 10 01, {tail}",
    ]


def test_the_public_scrubber_takes_numbers_and_colleagues_names_out() -> None:
    from directory.rules.scrub import NAME_REDACTED, REDACTED, PublicScrubber

    scrubber = PublicScrubber({"33999334"}, ["Mette Test", "Anne-Mette Hansen", "Bo", "Ali"])
    assert scrubber.scrub("Ring 33 99 93 34 (Mette Test) eller mette  test.") == (
        f"Ring {REDACTED} ({NAME_REDACTED}) eller {NAME_REDACTED}."
    )
    assert scrubber.scrub("Spørg Anne-Mette Hansen, Anne Mette Hansen eller Mette.") == (
        f"Spørg {NAME_REDACTED}, {NAME_REDACTED} eller Mette."
    )
    # a short name is left alone (it would be found inside ordinary words); "Ali" is not
    assert (
        scrubber.scrub("Bo på Bornholm, Ali og Alibi")
        == f"Bo på Bornholm, {NAME_REDACTED} og Alibi"
    )
    assert PublicScrubber(set(), []).scrub("Mette Test") == "Mette Test"
