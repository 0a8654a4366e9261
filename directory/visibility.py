"""Field-level visibility: THE rule for what a viewer may see, in one place.

Staff see the whole directory. Everyone else sees the public view, built from an ALLOWLIST
written as typed models (`PublicUnit`, `PublicPhone`, …; like SQLModel's `HeroPublic`):

- only `public` phones (a number that is `fast_track` or `internal` anywhere, or a
  contact's number, is left out everywhere, even where it is marked `public`);
- no contacts at all (no colleague's name, phone or e-mail: a public visitor must not find
  a unit by a colleague's name either);
- no owner address (`owner_email` of a unit or a department: where reminders go);
- no `x-` extension keys (except the `x-front-door` marker the graph reads), no validation
  warnings;
- free text with a staff-only number quoted in it gets `REDACTED` instead (a unit's
  temporary `notice` is public, its text scrubbed like the rest).

`STAFF_ONLY` names the fields no public model may ever allow: `check_allowlist` refuses an
allowlist that lists one, so adding one to a public model by mistake fails at import.

Every page, every export, the search index, the map and the graph read a `Directory`
through `view_for(directory, viewer)`. A public model's field that the core model does not
have (a renamed field) is an error when this module is imported, and every public field is
required, so a record without it fails validation: nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import gc
from typing import Any

from pydantic import BaseModel, ConfigDict

from directory.access import Viewer
from directory.model import (
    Address,
    Age,
    Department,
    DepartmentKind,
    Directory,
    Location,
    Need,
    Notice,
    Phone,
    PhoneKind,
    Record,
    Referral,
    Unit,
)
from directory.rules.areas import ESTIMATED_LOCATION
from directory.rules.scrub import (  # noqa: F401 (re-exported for exports and tests)
    REDACTED,
    StaffNumbers,
    digit_variants,
    digits,
    staff_numbers,
    staff_only_digits,
    staff_only_phones,
)

EXAMPLE_NOTICE_KEY = "x-example-data"  # the only top-level `x-` key the public view keeps
# The only record `x-` keys the public view keeps: true/false markers the app reads (front
# doors for the graph; an estimated address for the unit page). The public JSON export
# leaves out every `x-` key, these too.
PUBLIC_EXTENSIONS = frozenset({"x-front-door", ESTIMATED_LOCATION})


# -- the allowlist, as typed models --------------------------------------------------------
class _Public(BaseModel):
    """Every field required (no defaults): a record without the attribute fails loudly."""

    model_config = ConfigDict(from_attributes=True, extra="forbid", frozen=True)


class PublicPhone(_Public):
    number: str
    kind: PhoneKind
    label: str | None
    hours: str | None


class PublicDepartment(_Public):
    id: str
    name: str
    short: str | None
    kind: DepartmentKind
    description: str | None
    website: str | None
    email: str | None  # the department's functional mailbox, not a person's
    phones: list[PublicPhone]
    color: str | None
    # no `owner_email`: where the reminders go is for staff only


class PublicUnit(_Public):
    id: str
    name: str
    department: str
    parent: str | None
    description: str | None
    responsibilities: list[str]
    target_groups: list[str]
    age: Age | None
    keywords: list[str]
    locations: list[str]
    service_area: list[str]
    hours: str | None
    phones: list[PublicPhone]
    email: str | None  # the unit's functional mailbox
    website: str | None
    how_to_refer: str | None
    verified: dt.date
    owner: str | None
    notice: Notice | None  # a temporary notice is for everyone (its text is scrubbed)
    # no `contacts`: not their names, phones, e-mails, areas or backups
    # no `owner_email`: where the reminders go is for staff only


class PublicLocation(_Public):
    id: str
    name: str
    address: Address
    lat: float
    lon: float
    hours: str | None
    accessibility: str | None
    notes: str | None


class PublicReferral(_Public):
    from_: str
    to: str
    needs: list[str]
    criteria: str | None
    how: str | None
    requires: list[str]
    notes: str | None
    verified: dt.date | None


class PublicNeed(_Public):
    """A need of the needs vocabulary (`needs.yaml`): the filters' words, nothing staff-only."""

    id: str
    label: str
    description: str | None
    synonyms: list[str]


# (public model, core model) pairs; nested Age and Address hold nothing staff-only.
ALLOWLIST: dict[type[_Public], type[Record]] = {
    PublicPhone: Phone,
    PublicDepartment: Department,
    PublicUnit: Unit,
    PublicLocation: Location,
    PublicReferral: Referral,
    PublicNeed: Need,
}
# Fields that are identifiers, codes or expressions, never free text: not scrubbed.
_NOT_TEXT = frozenset(
    {"id", "department", "parent", "locations", "from_", "to", "number", "kind", "hours", "color"}
)


# Staff-only fields: no public model may allow them (the allowlist leaves them out; this
# says so out loud, and `check_allowlist` refuses a public model that lists one).
STAFF_ONLY: dict[type[Record], frozenset[str]] = {
    Unit: frozenset({"contacts", "owner_email"}),
    Department: frozenset({"owner_email"}),
}


class AllowlistError(RuntimeError):
    """A public model names a field its core model does not have (renamed or removed), or a
    staff-only field."""


def check_allowlist(
    allowlist: dict[type[_Public], type[Record]] = ALLOWLIST,
    staff_only: dict[type[Record], frozenset[str]] = STAFF_ONLY,
) -> None:
    """Raise `AllowlistError` if a public field is not a field of its core model, or is one
    of its staff-only fields."""
    for public, core in allowlist.items():
        missing = sorted(set(public.model_fields) - set(core.model_fields))
        if missing:
            raise AllowlistError(
                f"{public.__name__} allows {', '.join(missing)}, which {core.__name__} does not "
                f"have: rename the field in directory/visibility.py to match directory/model.py"
            )
        secret = sorted(set(public.model_fields) & staff_only.get(core, frozenset()))
        if secret:
            raise AllowlistError(
                f"{public.__name__} allows {', '.join(secret)}, which is staff-only: remove it "
                "from the public model in directory/visibility.py"
            )


check_allowlist()


# -- staff-only numbers: the one scrubber (directory.rules.scrub) ----------------------------
def scrub(text: str, secret: StaffNumbers) -> str:
    """Replace any staff-only number in free text, in any form, with `REDACTED`."""
    return secret.scrub(text)


# -- building the public view ----------------------------------------------------------------
def _is_public_phone(phone: Phone | PublicPhone, secret: StaffNumbers) -> bool:
    return phone.kind is PhoneKind.PUBLIC and not digit_variants(phone.number) & secret.secret


def _value(name: str, value: Any, secret: StaffNumbers) -> Any:
    if name in _NOT_TEXT:
        return value
    if isinstance(value, str):
        return scrub(value, secret)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [scrub(v, secret) for v in value]
    return value


def _core(public: _Public, core: type[Record], source: Record | None, secret: StaffNumbers) -> Any:
    """The core model holding only the public model's fields (x- keys left out)."""
    values: dict[str, Any] = {}
    for name in type(public).model_fields:
        value = getattr(public, name)
        if name == "phones":
            value = [_core(p, Phone, None, secret) for p in value if _is_public_phone(p, secret)]
        elif name == "notice" and value is not None:
            value = _public_notice(value, secret)
        values[name] = _value(name, value, secret)
    extensions = source.extensions.items() if source is not None else ()
    values["extensions"] = {
        k: v for k, v in extensions if k in PUBLIC_EXTENSIONS and isinstance(v, bool)
    }
    for name, info in core.model_fields.items():  # left out (contacts): empty, not absent
        if name not in values:
            factory = info.default_factory
            values[name] = [] if factory is list else {} if factory is dict else info.default
    record = core.model_construct(**values)
    if source is not None:
        record._source = getattr(source, "_source", None)  # a slot: unset on hand-built records
    return record


def _public_notice(notice: Notice, secret: StaffNumbers) -> Notice:
    """A unit's notice as anyone may see it: its text scrubbed, no `x-` keys."""
    public = Notice.model_construct(
        text=scrub(notice.text, secret),
        until=notice.until,
        referrals=notice.referrals,
        extensions={},
    )
    public._source = getattr(notice, "_source", None)
    return public


def _public_record(model: type[_Public], record: Record, secret: StaffNumbers) -> Any:
    return _core(
        model.model_validate(record, from_attributes=True), ALLOWLIST[model], record, secret
    )


def public_view(directory: Directory) -> Directory:
    """The directory as anyone may see it (see the module doc). The source is not changed.

    Like the loader, it runs without the cyclic garbage collector: it builds many small
    objects that are all kept, and rescanning them made 10k units take 16 s instead of 2."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _public_view(directory)
    finally:
        if was_enabled:
            gc.enable()


def _public_view(directory: Directory) -> Directory:
    secret = staff_numbers(directory)
    meta = {k: v for k, v in directory.meta.items() if k == EXAMPLE_NOTICE_KEY}
    return Directory(
        departments={
            k: _public_record(PublicDepartment, d, secret) for k, d in directory.departments.items()
        },
        units={k: _public_record(PublicUnit, u, secret) for k, u in directory.units.items()},
        locations={
            k: _public_record(PublicLocation, loc, secret) for k, loc in directory.locations.items()
        },
        referrals=[_public_record(PublicReferral, r, secret) for r in directory.referrals],
        synonyms=[[scrub(word, secret) for word in group] for group in directory.synonyms],
        warnings=[],
        data_dir=directory.data_dir,
        meta=meta,
        needs=[_public_record(PublicNeed, n, secret) for n in directory.needs],
    )


def view_for(directory: Directory, viewer: Viewer) -> Directory:
    """The directory as this viewer may see it: all of it for staff, else the public view."""
    return directory if viewer.staff else public_view(directory)
