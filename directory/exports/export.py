"""Exports: the whole directory as JSON (staff or public), call lists and vCards.

The staff view carries every number. Every public export is built from
`directory.visibility.public_view` (the allowlist, in one place): only `public` phones, no
contacts, no `x-` keys, and any staff-only number quoted in free text replaced by
`REDACTED`. The exports of a page are made from the directory the viewer sees
(`view_for`), so a public visitor's downloads never hold more than their page.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from directory.model import (
    FILE_KINDS,
    Contact,
    ContactRole,
    Department,
    Directory,
    Phone,
    PhoneKind,
    Unit,
)
from directory.rules import clock
from directory.rules.calling import CallNumber, number_to_call
from directory.rules.hours import danish, hours_text
from directory.visibility import (  # noqa: F401  (re-exported: the rule lives in visibility)
    REDACTED,
    digit_variants,
    digits,
    public_view,
    staff_only_digits,
    staff_only_phones,
)

KEYS = tuple(FILE_KINDS)


def directory_json(directory: Directory, *, public: bool = False) -> dict[str, Any]:
    """The whole directory as one JSON-ready object, records shaped like the YAML.

    `public=True` exports `directory.visibility.public_view` (the one visibility rule)
    without any `x-` key."""
    if public:
        directory = public_view(directory)
    x = not public
    return {
        "departments": [d.to_record(extensions=x) for d in directory.departments.values()],
        "units": [u.to_record(extensions=x) for u in directory.units.values()],
        "locations": [loc.to_record(extensions=x) for loc in directory.locations.values()],
        "referrals": [r.to_record(extensions=x) for r in directory.referrals],
        "synonyms": [list(group) for group in directory.synonyms],
        "needs": [n.to_record(extensions=x) for n in directory.needs],
    }


def directory_json_text(directory: Directory, *, public: bool = False) -> str:
    """`directory_json` as the text of a .json file (UTF-8, indented): what
    `landkort export json` prints and the Ringelister og eksport page downloads."""
    return json.dumps(directory_json(directory, public=public), ensure_ascii=False, indent=2) + "\n"


# -- call lists ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CallRow:
    """One line of a call list (ringeliste)."""

    unit: str
    department: str
    gatekeeper: str
    call_first: str
    public_number: str
    hours: str
    owner: str
    verified: str
    unit_id: str


HEADERS_DA = {
    "unit": "Enhed",
    "department": "Forvaltning",
    "gatekeeper": "Gatekeeper",
    "call_first": "Ring først",
    "public_number": "Offentligt nummer",
    "hours": "Åbningstid",
    "owner": "Ejer",
    "verified": "Tjekket",
    "unit_id": "Id",
}
COLUMNS = tuple(f.name for f in fields(CallRow))
ROLE_DA = {
    ContactRole.GATEKEEPER: "gatekeeper",
    ContactRole.CONTACT: "kontaktperson",
    ContactRole.MANAGER: "leder",
    ContactRole.COORDINATOR: "koordinator",
}
_KIND_MARK = {PhoneKind.FAST_TRACK: "fast track", PhoneKind.INTERNAL: "internt"}


def units_of_department(directory: Directory, department_id: str) -> list[str]:
    """Ids of the units of one department, in file order."""
    return [u.id for u in directory.units.values() if u.department == department_id]


def unit_ids_from_hits(hits: Iterable[Any]) -> list[str]:
    """Unit ids from search hits (unit and contact hits), best first, without repeats."""
    seen: dict[str, None] = {}
    for hit in hits:
        unit_id = getattr(hit, "unit_id", None)
        if unit_id:
            seen.setdefault(unit_id, None)
    return list(seen)


def phone_text(phone: Phone, *, mark: bool = True) -> str:
    """'33 99 10 01 (fast track, Fagpersoner)' for a staff list; label in parentheses."""
    notes = [_KIND_MARK[phone.kind]] if mark and phone.kind in _KIND_MARK else []
    if phone.label:
        notes.append(phone.label)
    return f"{phone.display} ({', '.join(notes)})" if notes else phone.display


def call_text(call: CallNumber) -> str:
    """The number to call as a call list writes it: '33 17 41 22', or for a fallback whose
    it is: '33 66 33 66 (Københavns Kommune, hovednummer) – forvaltningens hovednummer'."""
    text = phone_text(call.phone)
    return text if call.own else f"{text} – {call.note}"


def _gatekeeper_text(contact: Contact) -> str:
    if not contact.phones:
        return contact.name
    return f"{contact.name}: {phone_text(contact.phones[0])}"


def call_list(
    directory: Directory, unit_ids: Iterable[str], *, public: bool = False
) -> list[CallRow]:
    """The call list for some units, from the directory as given (a viewer's view).

    `public=True` makes it from the public view (`directory.visibility.public_view`): no
    staff-only number, no contacts."""
    if public:
        directory = public_view(directory)
    rows: list[CallRow] = []
    for unit_id in unit_ids:
        unit = directory.units.get(unit_id)
        if unit is None:
            continue
        call = number_to_call(directory, unit)
        public_phone = _first_public(unit)
        rows.append(
            CallRow(
                unit=unit.name,
                department=_department_label(
                    directory.departments.get(unit.department), unit.department
                ),
                gatekeeper="; ".join(_gatekeeper_text(c) for c in unit.gatekeepers),
                call_first=call_text(call) if call else "",
                public_number=phone_text(public_phone, mark=False) if public_phone else "",
                hours=_hours_da(hours_text(directory, unit)),
                owner=unit.owner or "",
                verified=unit.verified.isoformat(),
                unit_id=unit.id,
            )
        )
    return rows


def _hours_da(hours: str | None) -> str:
    """Opening hours as a caseworker reads them ('man-fre 09:00-15:00 · lukket på
    helligdage'), not the data's opening_hours syntax; '' when none are known."""
    return danish(hours) if hours else ""


def _first_public(unit: Unit) -> Phone | None:
    return unit.public_phones[0] if unit.public_phones else None


def _department_label(department: Department | None, fallback: str) -> str:
    return department.short or department.name if department else fallback


def rows_as_dicts(rows: Iterable[CallRow]) -> list[dict[str, str]]:
    """Rows keyed by the Danish column headers (for a table)."""
    return [{HEADERS_DA[c]: v for c, v in zip(COLUMNS, astuple(row), strict=True)} for row in rows]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: str) -> str:
    """Neutralise spreadsheet formula injection: a leading = + - @ becomes text."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def call_list_csv(rows: Iterable[CallRow]) -> bytes:
    """CSV for Danish Excel: UTF-8 with BOM, semicolon separated, CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([HEADERS_DA[c] for c in COLUMNS])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in astuple(row)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def call_list_xlsx(
    rows: Iterable[CallRow], title: str = "Ringeliste", sheet_name: str | None = None
) -> bytes:
    """An Excel workbook with one sheet named `sheet_name` (default: from `title`), made a
    valid, readable Excel name; every cell is text (never a formula)."""
    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook has one sheet
    sheet.title = _sheet_title(sheet_name or title)
    sheet.append([HEADERS_DA[c] for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(HEADERS_DA[c]) for c in COLUMNS]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(astuple(row), start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = value
            cell.data_type = "s"  # a value starting with '=' stays text
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[c - 1] = max(widths[c - 1], min(len(value), 60))
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SHEET_MAX = 31  # Excel's limit for a sheet name


def _sheet_title(title: str) -> str:
    """A readable Excel sheet name: Excel forbids []:*?/\\ and more than 31 characters.

    'Ringeliste: Socialforvaltningen (SOF)' -> 'Ringeliste - Socialforvaltning…';
    a colon becomes ' - ', other forbidden characters go, spaces are collapsed, and a long
    name is cut at a word (or letter) with '…'."""
    text = re.sub(r"\s*:\s*", " - ", title)
    text = re.sub(r"[\[\]*?/\\]", "", text)
    text = " ".join(text.split()).strip(" '-") or "Ringeliste"
    if len(text) <= SHEET_MAX:
        return text
    cut = text[: SHEET_MAX - 1]
    if " " in cut[SHEET_MAX // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" -(") + "…"


_PRINT_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #111;
       margin: 1.5rem; font-size: 11pt; }
h1 { font-size: 16pt; margin: 0 0 .25rem; }
p.meta { color: #333; margin: 0 0 1rem; }
p.warn { font-weight: bold; border: 2px solid #111; padding: .3rem .5rem; display: inline-block; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #555; padding: .25rem .4rem; text-align: left; vertical-align: top; }
th { background: #e8e8e8; }
tr:nth-child(even) td { background: #f6f6f6; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { margin: 0; font-size: 9pt; }
  thead { display: table-header-group; }
  tr { page-break-inside: avoid; }
  th, tr:nth-child(even) td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def call_list_html(
    rows: Iterable[CallRow], title: str, *, public: bool = False, generated: dt.date | None = None
) -> str:
    """A self-contained printable page (no external resources); every value is escaped."""
    e = html.escape
    columns = [c for c in COLUMNS if c != "unit_id"]
    head = "".join(f"<th>{e(HEADERS_DA[c])}</th>" for c in columns)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{e(getattr(row, c))}</td>" for c in columns) + "</tr>"
        for row in rows
    )
    day = (generated or clock.today()).isoformat()
    notice = (
        "Offentlig udgave: uden interne numre og fast track-numre."
        if public
        else "Kun til intern brug: listen indeholder fast track-numre og interne numre."
    )
    return (
        '<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(title)}</title>\n<style>{_PRINT_CSS}</style>\n</head>\n<body>\n"
        f'<h1>{e(title)}</h1>\n<p class="meta">Udskrevet {e(day)} fra Kommunalt landkort.</p>\n'
        f'<p class="warn">{e(notice)}</p>\n'
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n</body>\n</html>\n"
    )


# -- vCard ---------------------------------------------------------------------------------------
def vcard_escape(value: str) -> str:
    """Escape a text value per RFC 6350 3.4: backslash, comma, semicolon and newlines.

    Every kind of line break counts as a newline (CR, LF, CRLF, NEL, line and paragraph
    separators, vertical tab, form feed): a reader that splits lines on any of them must
    not see a new property start inside a value."""
    escaped = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return _LINE_BREAKS.sub("\\\\n", escaped)


_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 6350 3.2), never inside a UTF-8 character."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


_PARTICLES = frozenset({"af", "al", "bin", "da", "de", "del", "den", "der", "di", "du", "el"})
_PARTICLES |= {"ibn", "la", "le", "van", "von"}


def person_name(name: str) -> tuple[str, str, str] | None:
    """(family, given, additional names) of a person's name, or None for a function.

    'Anne-Mette Højgaard Sørensen' -> ('Sørensen', 'Anne-Mette', 'Højgaard'). A name is a
    person's when it has 2-5 words that all start with a capital letter (name particles such
    as 'van' or 'el' before the family name aside) and no comma or parenthesis; 'Nattevagten',
    'Vagthavende socialrådgiver (voksne)' and 'Leder af varmestuen' are functions."""
    words = name.split()
    if not 2 <= len(words) <= 5 or any(c in name for c in ",()/&:;"):
        return None
    family_start = len(words) - 1
    while family_start > 1 and words[family_start - 1] in _PARTICLES:
        family_start -= 1
    names = words[:family_start] + [words[-1]]
    if not all(w[0].isupper() for w in names):
        return None
    return " ".join(words[family_start:]), words[0], " ".join(words[1:family_start])


def contact_vcard(
    contact: Contact, unit: Unit, department: Department | None, version: str = "4.0"
) -> str:
    """One contact as a vCard (version "4.0" or "3.0"), CRLF line ends."""
    if version not in ("3.0", "4.0"):
        raise ValueError(f"ukendt vCard-version {version!r}: brug '3.0' eller '4.0'")
    e = vcard_escape
    org = ";".join(
        e(part) for part in ((department.name if department else unit.department), unit.name)
    )
    parts = person_name(contact.name)
    # a person: N is family;given;additional; a function ('Vagthavende socialrådgiver'):
    # the name is only FN (what address books show) and N stays empty, as for an organisation
    n = ";".join(e(p) for p in parts) + ";;" if parts else ";;;;"
    lines = [
        "BEGIN:VCARD",
        f"VERSION:{version}",
        f"FN:{e(contact.name)}",
        f"N:{n}",
        f"ORG:{org}",
    ]
    if contact.title:
        lines.append(f"TITLE:{e(contact.title)}")
    for phone in contact.phones:
        if version == "4.0":
            lines.append(f"TEL;VALUE=uri;TYPE=work,voice:{phone.tel}")
        else:
            lines.append(f"TEL;TYPE=WORK,VOICE:{e(phone.tel.removeprefix('tel:'))}")
    if contact.email:
        lines.append(
            f"EMAIL;TYPE={'work' if version == '4.0' else 'INTERNET,WORK'}:{e(contact.email)}"
        )
    note = [f"Rolle: {ROLE_DA[contact.role]}"] + (
        [f"Områder: {', '.join(contact.areas)}"] if contact.areas else []
    )
    lines.append(f"NOTE:{e(' · '.join(note))}")
    uid = f"UID;VALUE=text:{e(contact.id)}" if version == "4.0" else f"UID:{e(contact.id)}"
    lines += [uid, "END:VCARD"]
    return "".join(fold(line) + "\r\n" for line in lines)


def contacts_vcf(directory: Directory, unit_ids: Iterable[str], version: str = "4.0") -> str:
    """Every contact of some units as one .vcf text."""
    cards: list[str] = []
    for unit_id in unit_ids:
        unit = directory.units.get(unit_id)
        if unit is None:
            continue
        department = directory.departments.get(unit.department)
        cards += [contact_vcard(c, unit, department, version) for c in unit.contacts]
    return "".join(cards)


def contact_count(directory: Directory, unit_ids: Iterable[str]) -> int:
    return sum(len(directory.units[u].contacts) for u in unit_ids if u in directory.units)
