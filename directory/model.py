"""Typed models of the directory, one per entity, as in the data contract (v1).

Field-level rules (slugs, phone numbers, opening hours, e-mails, dates, coordinates) live
here as validators; cross-references between records are checked in `validate.py`.
Every model keeps `x-` extension keys in `extensions` and its source position in `source`.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any

import opening_hours
import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    field_validator,
    model_validator,
)

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_TEXT_CHARS = 4000  # a description or how_to_refer; a page must stay readable
MAX_NAME_CHARS = 200  # names, titles, labels: one line on a card
MAX_ID_CHARS = 80
MAX_EMAIL_CHARS = 254
LAT_RANGE = (54.5, 57.8)
LON_RANGE = (8.0, 15.3)


EXCERPT_CHARS = 60


def cut(value: object, limit: int = EXCERPT_CHARS) -> str:
    """A value as shown in a message: its first `limit` characters, then '…'."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """A value quoted in a message, cut to a short excerpt (a file's contents never flood
    a message, a page or a terminal)."""
    return repr(cut(value, limit))


def stale_before(today: dt.date) -> dt.date:
    """`verified` dates before this are stale: more than 12 months before `today`."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


# The examples the validator and the edit form give with a bad number or opening time.
PHONE_EXAMPLE = (
    'Skriv et dansk nummer som "33 66 33 66", et udenlandsk som "+46 8 123 456 78" '
    'eller et kort nummer som "1813".'
)
HOURS_EXAMPLE = (
    'Skriv fx "Mo-Th 09:00-15:00; Fr 09:00-13:00; PH off" '
    "(engelske dagforkortelser og 24-timers tid med to cifre)."
)
EMPTY_MESSAGE = "er tom: skriv en værdi, eller fjern nøglen"


def _too_long(value: str, limit: int) -> ValueError:
    return ValueError(
        f"er {len(value)} tegn lang, mere end de {limit} tegn, der er tilladt her: gør den kortere"
    )


def _nonempty(value: str) -> str:
    if not value.strip():
        raise ValueError(EMPTY_MESSAGE)
    if len(value) > MAX_TEXT_CHARS:
        raise _too_long(value, MAX_TEXT_CHARS)
    return value


def _name_length(value: str) -> str:
    if len(value) > MAX_NAME_CHARS:
        raise _too_long(value, MAX_NAME_CHARS)
    return value


def _slug(value: str) -> str:
    if len(value) > MAX_ID_CHARS:
        raise _too_long(value, MAX_ID_CHARS)
    if not SLUG.fullmatch(value):
        raise ValueError(
            f"{excerpt(value)} er ikke et gyldigt id: brug små bogstaver a-z, cifre og '-', og "
            f"begynd med et bogstav eller et ciffer (fx {excerpt(suggest_slug(value))})"
        )
    return value


def _email(value: str) -> str:
    if len(value) > MAX_EMAIL_CHARS or not EMAIL.fullmatch(value):
        raise ValueError(f"{excerpt(value)} ligner ikke en e-mailadresse (navn@domæne.dk)")
    return value


def _hours(value: str) -> str:
    if not valid_hours(value):
        raise ValueError(f"{excerpt(value)} kan ikke læses som åbningstid. {HOURS_EXAMPLE}")
    return value


def _color(value: str) -> str:
    if not COLOR.fullmatch(value):
        raise ValueError(f'{excerpt(value)} er ikke en farve: skriv den som #rrggbb, fx "#1f77b4"')
    return value


Text = Annotated[str, Strict(), AfterValidator(_nonempty)]
Name = Annotated[str, Strict(), AfterValidator(_nonempty), AfterValidator(_name_length)]
Slug = Annotated[str, Strict(), AfterValidator(_slug)]
Email = Annotated[str, Strict(), AfterValidator(_email)]
Hours = Annotated[str, Strict(), AfterValidator(_hours)]
Color = Annotated[str, Strict(), AfterValidator(_color)]
TextList = list[Text]


def suggest_slug(value: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})
    slug = re.sub(r"[^a-z0-9]+", "-", value.translate(table).lower()).strip("-")
    return slug or "my-id"


@lru_cache(maxsize=4096)
def valid_hours(value: str) -> bool:
    return bool(opening_hours.validate(value))


# A Danish number written as eight digits in pairs or in one run, with or without +45:
# what phonenumbers.parse makes of it is known without its (slow) parse (22k numbers at 10k).
_PLAIN_DANISH = re.compile(r"(?:\+45 ?)?([1-9][0-9]) ?([0-9]{2}) ?([0-9]{2}) ?([0-9]{2})")


@lru_cache(maxsize=4096)
def parse_phone(number: str) -> phonenumbers.PhoneNumber | None:
    """The parsed number if it is a valid Danish or international (or Danish short) number."""
    plain = _PLAIN_DANISH.fullmatch(number)
    if plain is not None:
        parsed = phonenumbers.PhoneNumber(
            country_code=45, national_number=int("".join(plain.groups()))
        )
        if phonenumbers.is_valid_number(parsed):
            return parsed
    try:
        parsed = phonenumbers.parse(number, "DK")
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(parsed):
        return parsed
    if parsed.country_code == 45 and phonenumbers.is_valid_short_number_for_region(parsed, "DK"):
        return parsed
    return None


@lru_cache(maxsize=16384)
def format_phone(number: str) -> str:
    """The number as staff read it: '33 66 33 66', '+46 8 123 456 78' or '1813'."""
    parsed = parse_phone(number)
    if parsed is None:
        return number
    if parsed.country_code == 45:
        if not phonenumbers.is_valid_number(parsed):
            return str(parsed.national_number)
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@lru_cache(maxsize=16384)
def tel_uri(number: str) -> str:
    """A `tel:` URI for a number ('tel:+4533663366', 'tel:1813')."""
    parsed = parse_phone(number)
    if parsed is None:
        return "tel:" + re.sub(r"[^0-9+]", "", number)
    if parsed.country_code == 45 and not phonenumbers.is_valid_number(parsed):
        return f"tel:{parsed.national_number}"
    return "tel:" + phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class PhoneKind(StrEnum):
    PUBLIC = "public"
    FAST_TRACK = "fast_track"
    INTERNAL = "internal"


class DepartmentKind(StrEnum):
    MUNICIPAL = "municipal"
    EXTERNAL = "external"


class NoticeReferrals(StrEnum):
    """What a temporary notice says about referrals (the one value: they are paused)."""

    PAUSED = "paused"


class ContactRole(StrEnum):
    GATEKEEPER = "gatekeeper"
    CONTACT = "contact"
    MANAGER = "manager"
    COORDINATOR = "coordinator"


_KEY_TUPLES: dict[tuple[str, ...], tuple[str, ...]] = {}


class SharedFieldsSet(set):
    """A set of field names shared by many records: it refuses to change (a record swaps it
    for a private `set` before a field is assigned, see `Record`)."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("a shared fields set cannot change: give the record its own set first")

    add = discard = remove = pop = clear = update = _refuse
    difference_update = intersection_update = symmetric_difference_update = _refuse
    __ior__ = __iand__ = __isub__ = __ixor__ = _refuse  # type: ignore[assignment]


_FIELD_SETS: dict[frozenset[str], SharedFieldsSet] = {}


@dataclass(slots=True)
class Source:
    """Where a record was defined: the file (as reached from the cwd) and 1-based lines.

    Compact, as there is one per record: the keys are a tuple shared by every record with
    the same keys in the same order, and the line of `keys[i]` is `line + offsets[i]`
    (bytes while every offset is below 256, else a tuple)."""

    path: str
    line: int
    keys: tuple[str, ...] = ()
    offsets: bytes | tuple[int, ...] = b""

    @classmethod
    def of(cls, path: str, line: int, lines: dict[str, int]) -> Source:
        keys = tuple(lines)
        keys = _KEY_TUPLES.setdefault(keys, keys)
        offsets = [at - line for at in lines.values()]
        try:
            packed: bytes | tuple[int, ...] = bytes(offsets)
        except ValueError:  # an offset below 0 or above 255
            packed = tuple(offsets)
        return cls(path, line, keys, packed)

    @property
    def lines(self) -> dict[str, int]:
        """Key -> 1-based line of every key of the record."""
        return {
            key: self.line + offset for key, offset in zip(self.keys, self.offsets, strict=True)
        }

    def line_of(self, key: str) -> int:
        try:
            return self.line + self.offsets[self.keys.index(key)]
        except ValueError:
            return self.line


class Record(BaseModel):
    """Base of every entity: extension keys and source position."""

    model_config = ConfigDict(frozen=False, populate_by_name=True, extra="forbid")

    # The source position lives in a slot, not in a pydantic private attribute: a private
    # attribute costs every instance its own dict and a call when it is built (memory and
    # time at 50k units). Pickling and copying keep it (see below).
    __slots__ = ("_source",)
    if TYPE_CHECKING:  # not at run time: pydantic would make an annotated `_x` private
        _source: Source | None

    extensions: dict[str, Any] = Field(default_factory=dict, exclude=True)

    # Memory: pydantic gives every instance its own set of the fields it was given (728
    # bytes from five fields on). Records share one `SharedFieldsSet` per combination
    # instead, swapped for a private set before a field is assigned or the record copied.
    @model_validator(mode="after")
    def _share_fields_set(self) -> Record:
        given = frozenset(self.__pydantic_fields_set__)
        shared = _FIELD_SETS.get(given)
        if shared is None:
            shared = _FIELD_SETS[given] = SharedFieldsSet(given)
        object.__setattr__(self, "__pydantic_fields_set__", shared)
        return self

    def _own_fields_set(self) -> None:
        if type(self.__pydantic_fields_set__) is SharedFieldsSet:
            object.__setattr__(self, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))

    def __setattr__(self, name: str, value: Any) -> None:
        if name in type(self).__pydantic_fields__:
            self._own_fields_set()
        super().__setattr__(name, value)

    def __copy__(self) -> Record:
        copied = super().__copy__()
        copied._own_fields_set()
        object.__setattr__(copied, "_source", getattr(self, "_source", None))
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Record:
        copied = super().__deepcopy__(memo)
        copied._own_fields_set()
        source = copy.deepcopy(getattr(self, "_source", None), memo)
        object.__setattr__(copied, "_source", source)
        return copied

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the record's own objects, no state dict made for the occasion: the pickler
        keeps every object it made until the end, so at 50k units a dict per record was
        ~100 MB more while the disk cache was written."""
        return (
            _rebuild_record,
            (
                type(self),
                self.__dict__,
                self.__pydantic_fields_set__,
                self.__pydantic_extra__,
                getattr(self, "_source", None),
            ),
        )

    @property
    def source(self) -> Source:
        return getattr(self, "_source", None) or Source("?", 1)

    def to_record(self, *, extensions: bool = True) -> dict[str, Any]:
        """The record shaped like its YAML (JSON-ready): contract keys, then `x-` keys.

        Unset optional keys and empty lists are left out.
        """
        out: dict[str, Any] = {}
        for name, info in type(self).model_fields.items():
            if name == "extensions":
                continue
            value = getattr(self, name)
            if value is None or value == []:
                continue
            out[info.alias or name] = _dump(value, extensions)
        if extensions:
            out.update(self.extensions)
        return out


def _rebuild_record(
    cls: type[Record],
    values: dict[str, Any],
    fields_set: set[str],
    extra: dict[str, Any] | None,
    source: Source | None,
) -> Record:
    """A record from its pickled parts (see `Record.__reduce__`), as pydantic's
    `__setstate__` would rebuild it."""
    record = cls.__new__(cls)
    object.__setattr__(record, "__dict__", values)
    object.__setattr__(record, "__pydantic_fields_set__", fields_set)
    object.__setattr__(record, "__pydantic_extra__", extra)
    object.__setattr__(record, "__pydantic_private__", None)
    object.__setattr__(record, "_source", source)
    return record


def _dump(value: Any, extensions: bool) -> Any:
    if isinstance(value, Record):
        return value.to_record(extensions=extensions)
    if isinstance(value, list):
        return [_dump(item, extensions) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


class Phone(Record):
    number: Text
    kind: PhoneKind = PhoneKind.PUBLIC
    label: Name | None = None
    hours: Hours | None = None

    @field_validator("number")
    @classmethod
    def _valid_number(cls, value: str) -> str:
        if parse_phone(value) is None:
            raise ValueError(f"{excerpt(value)} er ikke et gyldigt telefonnummer. {PHONE_EXAMPLE}")
        return value

    @property
    def is_staff_only(self) -> bool:
        return self.kind is not PhoneKind.PUBLIC

    @property
    def display(self) -> str:
        return format_phone(self.number)

    @property
    def tel(self) -> str:
        return tel_uri(self.number)


class Contact(Record):
    id: Slug
    name: Name
    title: Name | None = None
    role: ContactRole = ContactRole.CONTACT
    areas: TextList = Field(default_factory=list)
    phones: list[Phone] = Field(default_factory=list)
    email: Email | None = None
    backup: Slug | None = None
    verified: dt.date | None = None

    @model_validator(mode="after")
    def _not_own_backup(self) -> Contact:
        if self.backup is not None and self.backup == self.id:
            raise ValueError(
                "backup: en kontaktperson kan ikke være sin egen stedfortræder; skriv en kollegas "
                "kontaktperson-id"
            )
        return self

    @property
    def is_gatekeeper(self) -> bool:
        return self.role is ContactRole.GATEKEEPER


class Age(Record):
    min: Annotated[int, Strict(), Field(ge=0, le=130)] | None = None
    max: Annotated[int, Strict(), Field(ge=0, le=130)] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Age:
        if self.min is None and self.max is None:
            raise ValueError("skal have 'min' og/eller 'max' (hele år), fx {min: 18, max: 29}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} er større end max {self.max}: byt om på dem")
        return self

    def includes(self, years: int) -> bool:
        return (self.min is None or years >= self.min) and (self.max is None or years <= self.max)

    def label(self) -> str:
        if self.min is not None and self.max is not None:
            return f"{self.min}-{self.max} år"
        if self.min is not None:
            return f"fra {self.min} år"
        return f"op til {self.max} år"


class Department(Record):
    id: Slug
    name: Name
    short: Name | None = None
    kind: DepartmentKind = DepartmentKind.MUNICIPAL
    description: Text | None = None
    website: Text | None = None
    email: Email | None = None
    phones: list[Phone] = Field(default_factory=list)
    color: Color | None = None
    owner_email: Email | None = None  # staff-only: where its units' reminders go

    @property
    def label(self) -> str:
        return f"{self.name} ({self.short})" if self.short else self.name


class Notice(Record):
    """A temporary notice on a unit (HSDS's `alert`): shown until and including `until`
    (Copenhagen's date), then gone by itself (`directory.rules.notices`). With
    `referrals: paused` the unit takes no referrals while it lasts."""

    text: Text
    until: dt.date
    referrals: NoticeReferrals | None = None

    @property
    def paused(self) -> bool:
        return self.referrals is NoticeReferrals.PAUSED


class Unit(Record):
    id: Slug
    name: Name
    department: Slug
    parent: Slug | None = None
    description: Text | None = None
    responsibilities: TextList = Field(default_factory=list)
    target_groups: TextList = Field(default_factory=list)
    age: Age | None = None
    keywords: TextList = Field(default_factory=list)
    locations: list[Slug] = Field(default_factory=list)
    service_area: TextList = Field(default_factory=list)
    hours: Hours | None = None
    phones: list[Phone] = Field(default_factory=list)
    email: Email | None = None
    website: Text | None = None
    how_to_refer: Text | None = None
    contacts: list[Contact] = Field(default_factory=list)
    verified: dt.date
    owner: Name | None = None
    owner_email: Email | None = None  # staff-only: where reminders go (else the department's)
    notice: Notice | None = None

    @model_validator(mode="after")
    def _not_own_parent(self) -> Unit:
        if self.parent is not None and self.parent == self.id:
            raise ValueError(
                "parent: en enhed kan ikke ligge under sig selv; fjern 'parent', eller skriv "
                "enheden over den"
            )
        return self

    @property
    def gatekeepers(self) -> list[Contact]:
        return [c for c in self.contacts if c.is_gatekeeper]

    @property
    def public_phones(self) -> list[Phone]:
        return [p for p in self.phones if p.kind is PhoneKind.PUBLIC]

    def first_number(self) -> Phone | None:
        """The number to call first: a fast-track line for staff, else the first public one."""
        for kind in (PhoneKind.FAST_TRACK, PhoneKind.PUBLIC, PhoneKind.INTERNAL):
            for phone in self.phones:
                if phone.kind is kind:
                    return phone
        return None


class Address(Record):
    street: Text
    postal_code: Annotated[str, Strict()]
    city: Text

    @field_validator("postal_code")
    @classmethod
    def _four_digits(cls, value: str) -> str:
        if not re.fullmatch(r"[0-9]{4}", value):
            raise ValueError(
                f"{excerpt(value)} er ikke et dansk postnummer: skriv fire cifre i "
                'anførselstegn, fx "2300"'
            )
        return value

    def one_line(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}"


Number = Annotated[float, Strict()]


class Location(Record):
    id: Slug
    name: Name
    address: Address
    lat: Number
    lon: Number
    hours: Hours | None = None
    accessibility: Text | None = None
    notes: Text | None = None

    @model_validator(mode="after")
    def _inside_denmark(self) -> Location:
        lat_ok = LAT_RANGE[0] <= self.lat <= LAT_RANGE[1]
        lon_ok = LON_RANGE[0] <= self.lon <= LON_RANGE[1]
        if lat_ok and lon_ok:
            return self
        if LAT_RANGE[0] <= self.lon <= LAT_RANGE[1] and LON_RANGE[0] <= self.lat <= LON_RANGE[1]:
            raise ValueError(
                f"lat/lon: lat {self.lat} og lon {self.lon} ser ud til at være byttet om: i "
                "København er lat cirka 55.7 og lon cirka 12.6"
            )
        raise ValueError(
            f"lat/lon: lat {self.lat}, lon {self.lon} ligger uden for Danmark (lat 54.5-57.8, "
            "lon 8.0-15.3): tjek koordinaterne (WGS84, decimalgrader)"
        )


class Referral(Record):
    from_: Slug = Field(alias="from")
    to: Slug
    needs: Annotated[TextList, Field(min_length=1)]
    criteria: Text | None = None
    how: Text | None = None
    requires: TextList = Field(default_factory=list)
    notes: Text | None = None
    verified: dt.date | None = None

    @model_validator(mode="after")
    def _not_self(self) -> Referral:
        if self.from_ == self.to:
            raise ValueError(
                f"to: en enhed kan ikke henvise til sig selv ({self.to!r}); skriv den enhed, der "
                "skal modtage borgeren"
            )
        return self


class Need(Record):
    """One need of the curated needs vocabulary (`needs.yaml`): the words staff use for it."""

    id: Slug
    label: Text
    description: Text | None = None
    synonyms: TextList = Field(default_factory=list)


SynonymGroup = list[str]


@dataclass(frozen=True, slots=True)
class FileKind:
    """One kind of data file: its top-level key, where it lives and what its items are."""

    key: str  # the one top-level key (and the kind's name): 'units'
    word: str  # one item, in (Danish) messages: 'enhed'
    model: type[Record] | None  # the record model; None for synonym groups (lists of words)
    single: str | None  # the one file at the top of the data directory: 'referrals.yaml'
    folder: str | None  # a folder of files, one per department or theme: 'referrals'
    where: str  # the paths, for people: 'referrals.yaml and referrals/*.yaml'


# The data file kinds of the data contract, in the order they are documented and exported.
# The loader, the JSON schemas and the export read this table; nothing else lists the kinds.
FILE_KINDS: dict[str, FileKind] = {
    kind.key: kind
    for kind in (
        FileKind(
            "departments", "forvaltning", Department, "departments.yaml", None, "departments.yaml"
        ),
        FileKind("units", "enhed", Unit, None, "units", "units/*.yaml"),
        FileKind("locations", "sted", Location, "locations.yaml", None, "locations.yaml"),
        FileKind(
            "referrals",
            "henvisning",
            Referral,
            "referrals.yaml",
            "referrals",
            "referrals.yaml and referrals/*.yaml",
        ),
        FileKind("synonyms", "synonymgruppe", None, "synonyms.yaml", None, "synonyms.yaml"),
        FileKind("needs", "behov", Need, "needs.yaml", None, "needs.yaml"),
    )
}
# Which model each record file kind holds (every kind but synonyms).
KINDS: dict[str, type[Record]] = {
    key: kind.model for key, kind in FILE_KINDS.items() if kind.model is not None
}
# The folders that hold one file per department or theme ('units', 'referrals').
FOLDERS: tuple[str, ...] = tuple(k.folder for k in FILE_KINDS.values() if k.folder)


def file_kind(rel: str) -> str | None:
    """The file kind of a path relative to the data directory ('/'-separated), or None if
    the loader does not read it: `departments.yaml` -> 'departments',
    `units/sof.yaml` -> 'units'."""
    parts = rel.split("/")
    for kind in FILE_KINDS.values():
        if len(parts) == 1 and parts[0] == kind.single:
            return kind.key
        if len(parts) == 2 and parts[0] == kind.folder and parts[1].endswith(".yaml"):
            return kind.key
    return None


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation finding, printed as `path:line: message`."""

    path: str
    line: int
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        marker = "warning: " if self.severity is Severity.WARNING else ""
        return f"{self.path}:{self.line}: {marker}{self.message}"


class DirectoryError(Exception):
    """The data directory has errors. `.problems` lists every error, `.warnings` the rest."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        self.problems = list(problems)
        self.warnings = list(warnings or [])
        count = len(self.problems)
        head = "\n".join(str(p) for p in self.problems[:20])
        more = f"\n... og {count - 20} mere" if count > 20 else ""
        super().__init__(f"{count} fejl i data:\n{head}{more}")


@dataclass
class Directory:
    """A validated directory. Dicts are keyed by id and keep the files' order."""

    departments: dict[str, Department]
    units: dict[str, Unit]
    locations: dict[str, Location]
    referrals: list[Referral]
    synonyms: list[SynonymGroup]
    warnings: list[Problem] = field(default_factory=list)
    data_dir: str = "data"
    meta: dict[str, Any] = field(default_factory=dict)  # top-level `x-` keys of departments.yaml
    needs: list[Need] = field(default_factory=list)  # the needs vocabulary (needs.yaml), if any

    def __post_init__(self) -> None:
        self.contacts: dict[str, Contact] = {}
        self.contact_unit: dict[str, str] = {}
        self.children: dict[str, list[str]] = {}
        self.referrals_from: dict[str, list[Referral]] = {}
        self.referrals_to: dict[str, list[Referral]] = {}
        self.units_at: dict[str, list[str]] = {}
        for unit in self.units.values():
            for contact in unit.contacts:
                self.contacts[contact.id] = contact
                self.contact_unit[contact.id] = unit.id
            if unit.parent:
                self.children.setdefault(unit.parent, []).append(unit.id)
            for location_id in unit.locations:
                self.units_at.setdefault(location_id, []).append(unit.id)
        for referral in self.referrals:
            self.referrals_from.setdefault(referral.from_, []).append(referral)
            self.referrals_to.setdefault(referral.to, []).append(referral)

    @property
    def example_notice(self) -> str | None:
        """The data's own 'example data' notice (`x-example-data`), for the UI to show."""
        value = self.meta.get("x-example-data")
        return str(value) if value else None

    def department_of(self, unit: Unit) -> Department:
        return self.departments[unit.department]

    def ancestors(self, unit_id: str) -> list[Unit]:
        """The chain of parents above a unit, nearest first."""
        chain: list[Unit] = []
        parent = self.units[unit_id].parent
        while parent and parent in self.units and len(chain) < len(self.units):
            chain.append(self.units[parent])
            parent = self.units[parent].parent
        return chain
