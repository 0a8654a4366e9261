"""The edit form's fields: Danish labels, the form's rules (the model's own rule functions,
with Danish messages by the field) and a readable field diff for conflicts and history.

Messages here are shown to coordinators as they are, so they are Danish and name the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from directory.model import (
    EMAIL,
    HOURS_EXAMPLE,
    PHONE_EXAMPLE,
    SLUG,
    ContactRole,
    PhoneKind,
    Referral,
    Unit,
    parse_phone,
)
from directory.model import valid_hours as _valid_hours
from directory.rules.personal import CPR  # a CPR number in any spelling: never stored

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
    "hours": "Åbningstider",
    "phones": "Telefoner",
    "email": "E-mail",
    "website": "Hjemmeside",
    "how_to_refer": "Sådan henviser du",
    "contacts": "Kontaktpersoner",
    "verified": "Sidst kontrolleret",
    "owner": "Ansvarlig",
    "referrals": "Henvisninger ud",
    "": "Hele enheden",
}

CPR_MESSAGE = (
    "Teksten ser ud til at indeholde et CPR-nummer. Landkortet må aldrig gemme CPR-numre: "
    "fjern det."
)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@dataclass(frozen=True)
class FieldError:
    """One problem with the form, shown by the field (`field` is a key of FIELD_DA)."""

    field: str
    message: str

    @property
    def label(self) -> str:
        return FIELD_DA.get(self.field, self.field)


def check_unit(
    record: dict[str, Any], referrals: list[dict[str, Any]], unit_ids: set[str]
) -> list[FieldError]:
    """The form's rules for a unit record and its outgoing referrals, in Danish."""
    errors: list[FieldError] = []

    def add(field: str, message: str) -> None:
        errors.append(FieldError(field, message))

    for key, value in record.items():
        if any(CPR.search(text) for text in _strings(value)):
            add(key if key in FIELD_DA else "", CPR_MESSAGE)
    if any(CPR.search(text) for text in _strings(referrals)):
        add("referrals", CPR_MESSAGE)
    if not str(record.get("name") or "").strip():
        add("name", "Skriv enhedens navn.")
    if not SLUG.match(str(record.get("id") or "")):
        add(
            "id",
            "Id skal være små bogstaver a-z, cifre og bindestreg, fx »sof-nyt-team«.",
        )
    hours = record.get("hours")
    if hours is not None and not _valid_hours(str(hours)):
        add("hours", f"»{hours}« kan ikke læses som åbningstid. {HOURS_EXAMPLE}")
    for i, phone in enumerate(record.get("phones") or [], start=1):
        _check_phone(phone, f"række {i}", "phones", add)
    contact_ids: set[str] = set()
    for i, contact in enumerate(record.get("contacts") or [], start=1):
        where = f"række {i}"
        cid = str(contact.get("id") or "")
        if not SLUG.match(cid):
            add(
                "contacts",
                f"{where}: id »{cid}« skal være små bogstaver a-z, cifre og bindestreg, "
                "fx »k-sof-1«.",
            )
        elif cid in contact_ids:
            add("contacts", f"{where}: id »{cid}« står to gange. Giv den ene et andet id.")
        contact_ids.add(cid)
        if not str(contact.get("name") or "").strip():
            add("contacts", f"{where}: skriv personens navn.")
        role = contact.get("role", ContactRole.CONTACT.value)
        if role not in {r.value for r in ContactRole}:
            add("contacts", f"{where}: ukendt rolle »{role}«. Vælg en rolle fra listen.")
        email = contact.get("email")
        if email is not None and not EMAIL.match(str(email)):
            add(
                "contacts",
                f"{where}: »{email}« ligner ikke en e-mailadresse. Skriv den som navn@domæne.dk.",
            )
        if contact.get("backup") is not None and contact.get("backup") == cid:
            add("contacts", f"{where}: en person kan ikke være sin egen backup. Vælg en kollega.")
        for phone in contact.get("phones") or []:
            _check_phone(phone, where, "contacts", add)
    for i, referral in enumerate(referrals, start=1):
        where = f"række {i}"
        target = str(referral.get("to") or "")
        if target not in unit_ids:
            add(
                "referrals",
                f"{where}: enheden »{target}« findes ikke. Skriv id'et på en enhed i landkortet.",
            )
        elif target == record.get("id"):
            add("referrals", f"{where}: en enhed kan ikke henvise til sig selv.")
        if not [n for n in referral.get("needs") or [] if str(n).strip()]:
            add("referrals", f"{where}: skriv mindst ét behov.")
    return errors


def _check_phone(phone: dict[str, Any], where: str, field: str, add: Any) -> None:
    number = str(phone.get("number") or "").strip()
    if not number:
        add(field, f"{where}: skriv et telefonnummer, eller slet rækken.")
    elif parse_phone(number) is None:
        add(field, f"{where}: »{number}« er ikke et gyldigt telefonnummer. {PHONE_EXAMPLE}")
    kind = phone.get("kind", PhoneKind.PUBLIC.value)
    if kind not in {k.value for k in PhoneKind}:
        add(field, f"{where}: ukendt nummertype »{kind}«. Vælg en type fra listen.")
    if phone.get("hours") is not None and not _valid_hours(str(phone["hours"])):
        add(field, f"{where}: »{phone['hours']}« kan ikke læses som telefontid. {HOURS_EXAMPLE}")


# -- readable differences -----------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """What changed in one field: the lines that went and the lines that came."""

    field: str
    removed: tuple[str, ...]
    added: tuple[str, ...]

    @property
    def label(self) -> str:
        return FIELD_DA.get(self.field, self.field)


def render(value: Any) -> list[str]:
    """A field value as readable lines: one per list item, `key: value` inside records."""
    if value is None:
        return []
    if isinstance(value, list):
        lines: list[str] = []
        for item in value:
            lines.extend(render(item) if not isinstance(item, dict) else [_one_line(item)])
        return lines
    if isinstance(value, dict):
        return [_one_line(value)]
    return [str(value)]


def _one_line(record: dict[str, Any]) -> str:
    parts = []
    for key, value in record.items():
        if key.startswith("_"):
            continue
        if isinstance(value, list):
            shown = ", ".join(_one_line(v) if isinstance(v, dict) else str(v) for v in value)
            parts.append(f"{key}: [{shown}]")
        elif isinstance(value, dict):
            parts.append(f"{key}: {{{_one_line(value)}}}")
        else:
            parts.append(f"{key}: {value}")
    return "; ".join(parts)


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
        if old == new:
            continue
        changes.append(_change(key, old, new))
    old_refs = [_strip(r) for r in referrals_before or []]
    new_refs = [_strip(r) for r in referrals_after or []]
    if old_refs != new_refs:
        changes.append(_change("referrals", old_refs, new_refs))
    return changes


def _strip(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not k.startswith("_")}


def _change(key: str, old: Any, new: Any) -> FieldChange:
    old_lines, new_lines = render(old), render(new)
    removed = tuple(line for line in old_lines if line not in new_lines)
    added = tuple(line for line in new_lines if line not in old_lines)
    if not removed and not added:  # same lines, another order
        removed, added = tuple(old_lines), tuple(new_lines)
    return FieldChange(key, removed, added)
