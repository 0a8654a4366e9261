"""One scrubber for every public output: staff-only numbers never leave in any form.

A staff-only number (a fast_track or internal phone anywhere, any contact's phone) can be
written into free text in many ways: `33 99 26 53`, `33.99.26.53`, `33-99-26-53`,
`+45 33992653`, `0045 3399 2653`, full-width digits `３３９９２６５３`, glued to another
number
(`ring 33 99 26 53 2 gange`) or as a suffix of another number (`33 99 26 52/53`). The public
JSON export, the public call lists (CSV, XLSX, print) and the public pages pass their text
through `scrub_staff_numbers`, which replaces every run of digits that holds a staff-only
number with `REDACTED`. The validator warns where one is written in free text
(`staff_numbers_in_text`).
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections.abc import Iterator

from directory.model import (
    Department,
    Directory,
    Location,
    Phone,
    Record,
    Referral,
    Unit,
    format_phone,
)

REDACTED = "[internt nummer fjernet]"
_MIN_INSIDE = 6  # a staff number this long is found inside a longer run of digits too

# A run of digits, with the separators people write between them (also full-width ones).
_RUN = re.compile(r"[+＋]?\d(?:[\s.\-/()．－／（）]{0,3}\d)*")
_SLASH = re.compile(r"[/／]")


def digits(number: str) -> str:
    """The ASCII digits of a text, whatever digit script it is written in."""
    return "".join(
        str(unicodedata.decimal(ch)) for ch in number if unicodedata.decimal(ch, None) is not None
    )


def digit_variants(number: str) -> set[str]:
    """A number's digit string with and without the Danish 45 / 0045 prefix."""
    d = digits(number)
    out = {d}
    for prefix in ("0045", "45"):
        if d.startswith(prefix) and len(d) > len(prefix) + 2:
            out.add(d[len(prefix) :])
    if len(d) == 8:
        out.add("45" + d)
    return out


def staff_only_phones(directory: Directory) -> list[Phone]:
    """Every fast_track and internal phone anywhere, and every contact's phone."""
    phones: list[Phone] = [
        p for d in directory.departments.values() for p in d.phones if p.is_staff_only
    ]
    for unit in directory.units.values():
        phones += [p for p in unit.phones if p.is_staff_only]
        for contact in unit.contacts:
            phones += contact.phones
    return phones


def staff_only_digits(directory: Directory) -> set[str]:
    """Digit strings (with and without 45) of every staff-only number.

    A number that is staff-only anywhere is treated as staff-only everywhere: a `public`
    phone with the same number is left out of the public view too.
    """
    secret: set[str] = set()
    for phone in staff_only_phones(directory):
        secret |= digit_variants(phone.number)
    return secret


class StaffNumbers:
    """The staff-only numbers of a directory, ready to look for in text."""

    def __init__(self, secret: set[str]) -> None:
        self.secret = frozenset(s for s in secret if s)
        self.long = frozenset(s for s in self.secret if len(s) >= _MIN_INSIDE)
        self.lengths = sorted({len(s) for s in self.long})

    def _readings(self, run: str) -> set[str]:
        """The digit strings a run can stand for: all of it, each '/' part, and each
        suffix form ('33 99 26 52/53' also reads as 33992653)."""
        parts = [digits(p) for p in _SLASH.split(run)]
        out = {"".join(parts), *parts}
        base = parts[0]
        for part in parts[1:]:
            if 0 < len(part) < len(base):
                out.add(base[: -len(part)] + part)
        return out

    def found_in(self, run: str) -> str | None:
        """The staff-only number a run of digits holds, or None."""
        for reading in self._readings(run):
            if reading in self.secret:
                return reading
            for length in self.lengths:
                for i in range(len(reading) - length + 1):
                    if reading[i : i + length] in self.long:
                        return reading[i : i + length]
        return None

    def scrub(self, text: str) -> str:
        if not self.secret or not text:
            return text
        return _RUN.sub(lambda m: REDACTED if self.found_in(m.group()) else m.group(), text)

    def numbers_in(self, text: str) -> list[str]:
        """The staff-only numbers written in a text, as staff read them."""
        found = (self.found_in(m.group()) for m in _RUN.finditer(text))
        return [format_phone(f[-8:] if len(f) > 8 else f) for f in found if f]

    def in_record(self, record: Record) -> list[tuple[str, str]]:
        """(key, number) for each staff-only number in a record's free text. One regex
        pass over all of it (a NUL between fields: a run never spans two)."""
        texts = list(free_texts(record))
        joined = "\0".join(text for _, text in texts)
        out: list[tuple[str, str]] = []
        for match in _RUN.finditer(joined):
            if len(match.group()) < 3 or not self.found_in(match.group()):
                continue
            index = joined.count("\0", 0, match.start())
            out += [(texts[index][0], n) for n in self.numbers_in(match.group())]
        return out


_CACHE: dict[int, tuple[weakref.ref[Directory], StaffNumbers]] = {}


def staff_numbers(directory: Directory) -> StaffNumbers:
    """The staff-only numbers of a directory (computed once per loaded directory)."""
    key = id(directory)
    cached = _CACHE.get(key)
    if cached is not None and cached[0]() is directory:
        return cached[1]
    numbers = StaffNumbers(staff_only_digits(directory))
    _CACHE[key] = (weakref.ref(directory, lambda _: _CACHE.pop(key, None)), numbers)
    return numbers


def scrub_staff_numbers(text: str, directory: Directory) -> str:
    """`text` with every staff-only number of `directory`, in any form, replaced."""
    return staff_numbers(directory).scrub(text)


# Free-text fields per record kind: where a number does not belong (phones hold numbers).
FREE_TEXT: dict[type[Record], tuple[str, ...]] = {
    Department: ("name", "short", "description", "website"),
    Unit: (
        "name",
        "description",
        "responsibilities",
        "target_groups",
        "keywords",
        "website",
        "how_to_refer",
        "owner",
    ),
    Location: ("name", "accessibility", "notes"),
    Referral: ("needs", "criteria", "how", "requires", "notes"),
}


def free_texts(record: Record) -> Iterator[tuple[str, str]]:
    """(key, text) of a record's free-text fields, phone labels included."""
    for key in FREE_TEXT.get(type(record), ()):
        value = getattr(record, key, None)
        if isinstance(value, str):
            yield key, value
        elif isinstance(value, list):
            for item in value:
                yield key, item
    for phone in record.__dict__.get("phones", ()):  # not getattr: pydantic raises slowly
        if phone.label:
            yield "phones", phone.label
    notice = record.__dict__.get("notice")  # a unit's temporary notice (`notice.text`)
    if notice is not None:
        yield "notice", notice.text
