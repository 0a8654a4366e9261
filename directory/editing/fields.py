"""The edit form's fields: Danish labels, the editor's own refusals (what the loader only
warns about or never sees: CPR numbers, invisible characters) and a readable Danish field
diff for conflicts and Historik.

Everything else a value must be is checked by the loader, on the typed records it builds
from the changed file (`directory.loading`): one validator, one set of Danish messages.
Messages here are shown to coordinators as they are, so they are Danish and name the fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from directory.loading.yamltree import INVISIBLE, invisible_message
from directory.model import ContactRole, Directory, PhoneKind, Referral, Unit, format_phone
from directory.rules.hours import danish
from directory.rules.personal import holds_cpr  # a CPR number in any spelling: never stored
from directory.rules.scrub import PublicScrubber, digit_variants, staff_numbers

# The contract's key order of each record, for inserting new keys where they belong.
UNIT_ORDER = [info.alias or n for n, info in Unit.model_fields.items() if n != "extensions"]
REFERRAL_ORDER = [info.alias or n for n, info in Referral.model_fields.items() if n != "extensions"]

FIELD_DA = {
    "id": "Id",
    "name": "Navn",
    "department": "Forvaltning",
    "parent": "Hører under",
    "description": "Beskrivelse",
    "responsibilities": "Ansvarsområder",
    "target_groups": "Målgrupper",
    "age": "Alder",
    "keywords": "Nøgleord",
    "locations": "Adresser",
    "service_area": "Betjener områderne",
    "hours": "Åbningstider",
    "phones": "Telefoner",
    "email": "E-mail",
    "website": "Hjemmeside",
    "how_to_refer": "Sådan henviser du",
    "contacts": "Kontaktpersoner",
    "verified": "Sidst kontrolleret",
    "owner": "Ansvarlig",
    "owner_email": "Ansvarligs e-mail",
    "notice": "Opslag",
    "referrals": "Henvisninger ud",
    "": "Hele enheden",
}


def field_word(key: str) -> str:
    """A field's Danish name inside a sentence: 'beskrivelse', 'e-mail'."""
    label = FIELD_DA.get(key, key)
    return label[:1].lower() + label[1:]


CPR_MESSAGE = (
    "Teksten ser ud til at indeholde et CPR-nummer. Landkortet må aldrig gemme CPR-numre: "
    "fjern det."
)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@dataclass(frozen=True)
class FieldError:
    """One problem with the form, shown by the field (`field` is a key of FIELD_DA)."""

    field: str
    message: str

    @property
    def label(self) -> str:
        return FIELD_DA.get(self.field, self.field)


def text_refusals(values: dict[str, Any]) -> list[FieldError]:
    """The editor's own refusals for the values it is about to write (field -> value): a
    CPR number anywhere, and characters that are invisible or turn the text around (NUL,
    ESC, U+202E, ...), which the loader warns about in the files."""
    errors: list[FieldError] = []
    for key, value in values.items():
        where = key if key in FIELD_DA else ""
        texts = list(_strings(value))
        if any(holds_cpr(text) for text in texts):
            errors.append(FieldError(where, CPR_MESSAGE))
        hidden = next((text for text in texts if INVISIBLE.search(text)), None)
        if hidden is not None:
            errors.append(FieldError(where, "Teksten " + invisible_message(hidden) + "."))
    return errors


# -- readable differences -----------------------------------------------------------------


class Names(Protocol):
    """What ids are called, for a readable diff (never an id on the screen)."""

    def unit(self, unit_id: str) -> str: ...

    def location(self, location_id: str) -> str: ...

    def contact(self, contact_id: str) -> str: ...

    def department(self, department_id: str) -> str: ...


GONE_UNIT = "en enhed, der ikke er i landkortet nu"
GONE_LOCATION = "en adresse, der ikke er i landkortet nu"
GONE_CONTACT = "en kontaktperson, der ikke er i landkortet nu"


@dataclass
class DirectoryNames:
    """Names from a directory, and from the versions being compared (`known`: contacts
    and units that exist only there)."""

    directory: Directory | None = None
    known: dict[str, str] = field(default_factory=dict)

    def unit(self, unit_id: str) -> str:
        unit = self.directory.units.get(unit_id) if self.directory else None
        return unit.name if unit is not None else self.known.get(f"unit:{unit_id}", GONE_UNIT)

    def location(self, location_id: str) -> str:
        place = self.directory.locations.get(location_id) if self.directory else None
        return place.name if place is not None else GONE_LOCATION

    def contact(self, contact_id: str) -> str:
        person = self.directory.contacts.get(contact_id) if self.directory else None
        if person is not None:
            return person.name
        return self.known.get(f"contact:{contact_id}", GONE_CONTACT)

    def department(self, department_id: str) -> str:
        found = self.directory.departments.get(department_id) if self.directory else None
        return found.label if found is not None else department_id.upper()

    def learn(self, record: dict[str, Any] | None) -> None:
        """Names a version of a unit holds: its own and its contacts'."""
        if not record:
            return
        if isinstance(record.get("id"), str) and isinstance(record.get("name"), str):
            self.known.setdefault(f"unit:{record['id']}", record["name"])
        for contact in record.get("contacts") or []:
            if isinstance(contact, dict) and isinstance(contact.get("name"), str):
                self.known.setdefault(f"contact:{contact.get('id')}", contact["name"])


KIND_DA = {
    PhoneKind.PUBLIC.value: "offentligt",
    PhoneKind.FAST_TRACK.value: "fast-track",
    PhoneKind.INTERNAL.value: "internt",
}
ROLE_WORD = {
    ContactRole.GATEKEEPER.value: "gatekeeper",
    ContactRole.CONTACT.value: "kontaktperson",
    ContactRole.MANAGER.value: "leder",
    ContactRole.COORDINATOR.value: "koordinator",
}


def describe(key: str, value: Any, names: Names) -> list[str]:
    """A field's value as readable Danish lines: one per list item, names instead of ids,
    phone numbers and dates as staff read them, opening hours in words."""
    if value is None or value == [] or value == "":
        return []
    if isinstance(value, list):
        return [line for item in value for line in _item(key, item, names)]
    return _item(key, value, names)


def _item(key: str, value: Any, names: Names) -> list[str]:
    if key == "phones" and isinstance(value, dict):
        return [_phone(value)]
    if key == "contacts" and isinstance(value, dict):
        return [_contact(value, names)]
    if key == "referrals" and isinstance(value, dict):
        return [_referral(value, names)]
    if key == "age" and isinstance(value, dict):
        return [_age(value)]
    if key == "notice" and isinstance(value, dict):
        return [_notice(value)]
    if key == "locations" and isinstance(value, str):
        return [names.location(value)]
    if key == "parent" and isinstance(value, str):
        return [names.unit(value)]
    if key == "department" and isinstance(value, str):
        return [names.department(value)]
    if key == "hours" and isinstance(value, str):
        return [danish(value)]
    if key == "verified":
        return [_date(value)]
    if isinstance(value, dict):
        return ["; ".join(f"{k}: {v}" for k, v in value.items() if not str(k).startswith("_"))]
    return [str(value)]


def _date(value: Any) -> str:
    try:
        return dt.date.fromisoformat(str(value)).strftime("%d.%m.%Y")
    except ValueError:
        return str(value)


def _phone(phone: dict[str, Any]) -> str:
    parts = [format_phone(str(phone.get("number", "")))]
    parts.append(KIND_DA.get(str(phone.get("kind", "public")), str(phone.get("kind"))))
    if phone.get("label"):
        parts.append(str(phone["label"]))
    if phone.get("hours"):
        parts.append("bemandet " + danish(str(phone["hours"])))
    return " · ".join(parts)


def _contact(contact: dict[str, Any], names: Names) -> str:
    parts = [str(contact.get("name", "")), ROLE_WORD.get(str(contact.get("role", "contact")), "")]
    if contact.get("title"):
        parts.append(str(contact["title"]))
    if contact.get("areas"):
        parts.append("områder: " + ", ".join(map(str, contact["areas"])))
    parts += [format_phone(str(p.get("number", ""))) for p in contact.get("phones") or []]
    if contact.get("email"):
        parts.append(str(contact["email"]))
    if contact.get("backup"):
        parts.append("backup: " + names.contact(str(contact["backup"])))
    return " · ".join(p for p in parts if p)


def _referral(referral: dict[str, Any], names: Names) -> str:
    text = f"til {names.unit(str(referral.get('to', '')))}"
    if referral.get("needs"):
        text += ": " + ", ".join(map(str, referral["needs"]))
    extra = [
        f"{word}: {value}"
        for word, value in (
            ("kriterier", referral.get("criteria")),
            ("sådan", referral.get("how")),
            ("kræver", ", ".join(map(str, referral.get("requires") or []))),
            ("noter", referral.get("notes")),
        )
        if value
    ]
    return text + (f" ({'; '.join(extra)})" if extra else "")


def _notice(notice: dict[str, Any]) -> str:
    text = f"{notice.get('text', '')} (til og med {_date(notice.get('until'))}"
    if notice.get("referrals") == "paused":
        text += "; tager ikke imod henvisninger"
    return text + ")"


def _age(age: dict[str, Any]) -> str:
    low, high = age.get("min"), age.get("max")
    if low is not None and high is not None:
        return f"{low}-{high} år"
    if low is not None:
        return f"fra {low} år"
    return f"op til {high} år"


@dataclass(frozen=True)
class FieldChange:
    """What changed in one field: its value before and after (plain, as in the file)."""

    field: str
    old: Any
    new: Any

    @property
    def label(self) -> str:
        return FIELD_DA.get(self.field, self.field)

    def lines(self, names: Names | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The readable lines that went and the lines that came."""
        names = names or DirectoryNames()
        old_lines, new_lines = (
            describe(self.field, self.old, names),
            describe(self.field, self.new, names),
        )
        removed = tuple(line for line in old_lines if line not in new_lines)
        added = tuple(line for line in new_lines if line not in old_lines)
        if not removed and not added:  # same lines, another order
            removed, added = tuple(old_lines), tuple(new_lines)
        return removed, added

    @property
    def removed(self) -> tuple[str, ...]:
        return self.lines()[0]

    @property
    def added(self) -> tuple[str, ...]:
        return self.lines()[1]


def field_changes(
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    referrals_before: list[dict[str, Any]] | None = None,
    referrals_after: list[dict[str, Any]] | None = None,
) -> list[FieldChange]:
    """The fields that differ between two versions of a unit (and its outgoing referrals)."""
    before, after = before or {}, after or {}
    changes: list[FieldChange] = []
    keys = [k for k in UNIT_ORDER if k in before or k in after]
    keys += [k for k in [*before, *after] if k not in keys and k not in UNIT_ORDER]
    for key in dict.fromkeys(keys):
        old, new = before.get(key), after.get(key)
        if old != new:
            changes.append(FieldChange(key, old, new))
    old_refs = [_strip(r) for r in referrals_before or []]
    new_refs = [_strip(r) for r in referrals_after or []]
    if old_refs != new_refs:
        changes.append(FieldChange("referrals", old_refs, new_refs))
    return changes


def _strip(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not k.startswith("_")}


def history_scrubber(
    directory: Directory | None, records: Iterable[dict[str, Any] | None]
) -> PublicScrubber:
    """The public scrubber for a unit's history: the staff-only numbers and colleagues'
    names of the directory now, and of every version of the unit shown (a number or a
    colleague that has since left the data is still left out)."""
    secret: set[str] = set(staff_numbers(directory).secret) if directory else set()
    names = [c.name for c in directory.contacts.values()] if directory else []
    for record in records:
        if not record:
            continue
        for phone in record.get("phones") or []:
            if isinstance(phone, dict) and phone.get("kind", "public") != "public":
                secret |= digit_variants(str(phone.get("number", "")))
        for contact in record.get("contacts") or []:
            if not isinstance(contact, dict):
                continue
            names.append(str(contact.get("name", "")))
            for phone in contact.get("phones") or []:
                if isinstance(phone, dict):
                    secret |= digit_variants(str(phone.get("number", "")))
    return PublicScrubber(secret, names)
