"""Exports: staff and public JSON, call lists as CSV/XLSX/print, vCards."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, SMALL_DATA, write_data

from directory import load_directory
from directory.devtools.synth import synth_files
from directory.exports.export import (
    REDACTED,
    call_list,
    call_list_csv,
    call_list_html,
    call_list_xlsx,
    contact_vcard,
    contacts_vcf,
    digit_variants,
    directory_json,
    fold,
    unit_ids_from_hits,
    units_of_department,
    vcard_escape,
)

HOSTILE = '<script>alert("x")</script> & [link](javascript:alert(1)) =SUM(A1) ${x} `y`'


def _data_dirs(tmp_path: Path) -> list[Path]:
    dirs = [write_data(tmp_path / "small", SMALL_DATA)]
    generated = tmp_path / "generated"
    for rel, text in synth_files(200, seed=3).items():
        (generated / rel).parent.mkdir(parents=True, exist_ok=True)
        (generated / rel).write_text(text, encoding="utf-8")
    dirs.append(generated)
    if (ROOT / "data" / "departments.yaml").exists():
        dirs.append(ROOT / "data")
    return dirs


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)]


def _staff_secrets(directory) -> tuple[set[str], set[str]]:
    numbers: set[str] = set()
    emails: set[str] = set()
    for record in (*directory.departments.values(), *directory.units.values()):
        numbers |= {
            v
            for p in record.phones
            if p.kind.value in ("fast_track", "internal")
            for v in digit_variants(p.number)
        }
    for contact in directory.contacts.values():
        numbers |= {v for p in contact.phones for v in digit_variants(p.number)}
        if contact.email:
            emails.add(contact.email.lower())
    return numbers, emails


def test_no_staff_only_number_or_contact_email_in_the_public_export(tmp_path: Path) -> None:
    checked = 0
    for root in _data_dirs(tmp_path):
        directory = load_directory(root)
        numbers, emails = _staff_secrets(directory)
        assert numbers, f"{root}: test data without staff-only numbers proves nothing"
        text = json.dumps(directory_json(directory, public=True), ensure_ascii=False)
        for value in _strings(json.loads(text)):
            tokens = re.findall(r"\d[\d \-./+]*\d|\d", value)
            found = {v for t in tokens for v in digit_variants(t)} & numbers
            assert not found, f"{root}: staff-only number {found} in public value {value!r}"
            squeezed = re.sub(r"\D", "", value)
            assert not [n for n in numbers if len(n) >= 8 and n in squeezed], value
        lowered = text.lower()
        assert not [e for e in emails if e in lowered]
        assert "fast_track" not in text and '"internal"' not in text
        checked += 1
    assert checked >= 2


def test_staff_export_has_every_number_and_record(small_directory) -> None:
    data = directory_json(small_directory)
    assert list(data) == ["departments", "units", "locations", "referrals", "synonyms", "needs"]
    bcv = next(u for u in data["units"] if u["id"] == "sof-bcv")
    assert bcv == small_directory.units["sof-bcv"].to_record()
    assert {p["kind"] for p in bcv["phones"]} == {"public", "fast_track"}
    assert bcv["contacts"][0]["email"] == "mette.test@eksempel.kk.dk"
    assert len(data["referrals"]) == 6 and data["referrals"][0]["from"] == "stat-kif"
    assert data["synonyms"] == [["hjemløs", "hjemløshed", "herberg"], ["JKU", "Ungecenter"]]


def test_public_export_is_an_allowlist(data_dir: Path) -> None:
    write_data(
        data_dir,
        {
            "units/kff.yaml": """
        x-file-note: hemmelig
        units:
          - id: kff-bib
            name: Biblioteket
            department: sof
            how_to_refer: Ring på fast track 33 99 10 01 eller +45 33991002, ellers 33 17 41 22.
            phones:
              - number: "33 99 10 01"
                x-secret: intern
            contacts:
              - id: k-bib
                name: Bo Bib
                title: Leder
                backup: k-bcv-1
                x-private: privat note
                phones: [{number: "33 99 30 03"}]
                email: bo@eksempel.kk.dk
            verified: 2026-09-01
            x-internal: note
    """
        },
    )
    public = directory_json(load_directory(data_dir), public=True)
    bib = next(u for u in public["units"] if u["id"] == "kff-bib")
    assert bib == {
        "id": "kff-bib",
        "name": "Biblioteket",
        "department": "sof",
        "how_to_refer": f"Ring på fast track {REDACTED} eller {REDACTED}, ellers 33 17 41 22.",
        "verified": "2026-09-01",
    }  # its public phone is a fast-track number elsewhere: left out too; no contacts at all
    assert not [s for s in _strings(public) if s.startswith("x-")]


def test_call_list_staff_and_public(small_directory) -> None:
    ids = units_of_department(small_directory, "sof")
    assert ids == ["sof-bcv", "sof-hjemloese", "sof-dognvagt"]
    staff = call_list(small_directory, ids)
    assert staff[0].call_first == "33 99 10 01 (fast track, Fagpersoner, udenom kø)"
    assert staff[0].gatekeeper == "Mette Test: 33 99 10 02 (internt)"
    assert staff[0].public_number == "33 17 41 22"
    assert (staff[0].owner, staff[0].verified, staff[0].department) == (
        "Datakoordinator SOF",
        "2026-09-01",
        "SOF",
    )
    # from its location, in plain Danish (not the data's opening_hours syntax)
    assert staff[1].hours == "man-fre 09:00-15:00 · lukket på helligdage"
    public = call_list(small_directory, ids, public=True)
    assert public[0].call_first == "33 17 41 22" and public[0].gatekeeper == ""  # no contacts
    assert "33 99" not in repr(public)
    jku = call_list(small_directory, ["bif-jku", "missing"], public=True)
    assert [(r.unit_id, r.call_first, r.public_number) for r in jku] == [("bif-jku", "", "")]


def test_unit_ids_from_hits_keeps_order_without_repeats() -> None:
    class Hit:
        def __init__(self, unit_id):
            self.unit_id = unit_id

    assert unit_ids_from_hits([Hit("b"), Hit(None), Hit("a"), Hit("b")]) == ["b", "a"]


def _hostile_directory(data_dir: Path):
    text = (data_dir / "units" / "sof.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Borgercenter Voksne", f"name: '{HOSTILE}'").replace(
        "owner: Datakoordinator SOF", "owner: '-1+1@evil'"
    )
    (data_dir / "units" / "sof.yaml").write_text(text, encoding="utf-8")
    return load_directory(data_dir)


def test_csv_round_trip_for_danish_excel(data_dir: Path) -> None:
    directory = _hostile_directory(data_dir)
    rows = call_list(directory, units_of_department(directory, "sof"))
    data = call_list_csv(rows)
    assert data.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert read[0] == [
        "Enhed",
        "Forvaltning",
        "Gatekeeper",
        "Ring først",
        "Offentligt nummer",
        "Åbningstid",
        "Ejer",
        "Tjekket",
        "Id",
    ]
    assert read[1][0] == HOSTILE
    assert read[1][6] == "'-1+1@evil"  # no formula
    assert read[2][0] == "Hjemløse- og Udsatteenheden"
    assert read[1][5] == "man-fre 09:00-15:00 · lukket på helligdage"
    assert len(read) == 4


def test_xlsx_reads_back_with_danish_letters_and_no_formulas(data_dir: Path) -> None:
    directory = _hostile_directory(data_dir)
    rows = call_list(directory, units_of_department(directory, "sof"))
    rows[1] = replace(rows[1], unit='=HYPERLINK("http://x")')
    book = openpyxl.load_workbook(io.BytesIO(call_list_xlsx(rows, "Ringeliste: SOF [æøå]")))
    sheet = book.active
    assert sheet.title == "Ringeliste - SOF æøå"
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["Enhed", "Forvaltning", "Gatekeeper", "Ring først"]
    assert values[1][0] == HOSTILE and values[2][0] == '=HYPERLINK("http://x")'
    assert sheet.cell(3, 1).data_type == "s"
    assert values[3][0] == "Døgnvagten"


def test_printable_page_escapes_hostile_data(data_dir: Path) -> None:
    directory = _hostile_directory(data_dir)
    rows = call_list(directory, units_of_department(directory, "sof"))
    page = call_list_html(rows, f"Ringeliste {HOSTILE}")
    assert "<script>" not in page and "javascript:alert(1)" in page  # as text, not a link
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; [link]" in page
    assert "<a " not in page and "href" not in page and "src=" not in page and "@import" not in page
    assert "@media print" in page and 'lang="da"' in page
    assert "Kun til intern brug" in page and "33 99 10 01 (fast track" in page
    public = call_list_html(call_list(directory, ["sof-bcv"], public=True), "x", public=True)
    assert "Offentlig udgave" in public and "33 99" not in public


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a,b;c", "a\\,b\\;c"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines\r\nend", "two\\nlines\\nend"),
        ("Søren Ærø", "Søren Ærø"),
        ("line\u2028separator", "line\\nseparator"),
        ("paragraph\u2029separator", "paragraph\\nseparator"),
        ("next\x85line", "next\\nline"),
        ("cr\ronly", "cr\\nonly"),
        ("tab\x0bvertical\x0cfeed", "tab\\nvertical\\nfeed"),
    ],
)
def test_vcard_escape(raw: str, escaped: str) -> None:
    assert vcard_escape(raw) == escaped


def test_fold_at_75_octets_never_inside_a_letter() -> None:
    line = "NOTE:" + "æ" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert parts[1].startswith(" ") and "".join([parts[0], *(p[1:] for p in parts[1:])]) == line


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_vcard_of_a_contact(small_directory, version: str) -> None:
    unit = small_directory.units["sof-bcv"]
    unit.contacts[0].title = "Leder; team, nord"
    card = contact_vcard(unit.contacts[0], unit, small_directory.departments["sof"], version)
    lines = card.split("\r\n")
    assert lines[:3] == ["BEGIN:VCARD", f"VERSION:{version}", "FN:Mette Test"]
    assert "ORG:Socialforvaltningen;Borgercenter Voksne" in lines
    assert "TITLE:Leder\\; team\\, nord" in lines
    tel = (
        "TEL;VALUE=uri;TYPE=work,voice:tel:+4533991002"
        if version == "4.0"
        else "TEL;TYPE=WORK,VOICE:+4533991002"
    )
    assert tel in lines
    assert "NOTE:Rolle: gatekeeper · Områder: hjemløshed" in lines
    assert lines[-2:] == ["END:VCARD", ""]


def test_vcf_of_units_and_bad_version(small_directory) -> None:
    vcf = contacts_vcf(small_directory, ["sof-bcv", "sof-hjemloese", "nope"])
    assert vcf.count("BEGIN:VCARD") == 3
    with pytest.raises(ValueError, match=r"^ukendt vCard-version '2.1': brug '3.0' eller '4.0'$"):
        contact_vcard(
            small_directory.contacts["k-bcv-1"], small_directory.units["sof-bcv"], None, "2.1"
        )


def test_vcard_has_no_line_break_inside_a_value(data_dir: Path) -> None:
    """A title with U+2028 once started a new vCard property in readers that split on it."""
    path = data_dir / "units" / "stat.yaml"
    path.write_text(
        "units:\n  - id: stat-kif\n    name: KiF\n    department: stat\n"
        "    contacts:\n      - id: k-x\n        name: Eva\n"
        '        title: "Leder\\LEMAIL:evil@example.dk\\NNOTE:x\\Py"\n'
        "    verified: 2026-06-01\n",
        encoding="utf-8",
    )

    vcf = contacts_vcf(load_directory(data_dir), ["stat-kif"])
    assert vcf.splitlines() == vcf.removesuffix("\r\n").split("\r\n")
    assert not any(line.startswith(("EMAIL:evil", "NOTE:x")) for line in vcf.splitlines())
