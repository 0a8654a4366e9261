"""Personal data in free text: one rule for every place that takes text from a person.

The landkort never stores a CPR number: not in the data files (the edit form refuses it),
not in a "Meld en fejl" report, not in the state database's logs of searches and missing
words, and the guided referral ("Borgerens situation", `landkort guide`) refuses it. The
logs of searches and missing words also never keep a phone number or an e-mail address
(they are counted without a user, so a number in them would be personal data with no
owner). Every caller asks this module; `tests/test_personal.py` checks that they agree.

What counts as a CPR number: ten digits whose first six are a date (ddmmyy: day 01-31,
month 01-12), however they are written:

- with any separators people type between the digits, up to three characters of spaces,
  `.`, `-`, `/` or a dash: `010203-1234`, `010203 1234`, `010203.1234`, `010203/1234`,
  `01.02.03-1234`, `010203 - 1234`, `01 02 03 12 34`, `010203–1234` (en dash);
- in any digits: full-width `０１０２０３１２３４`, Arabic-Indic `٠١٠٢٠٣١٢٣٤`, ...;
- split by invisible characters (zero-width space, soft hyphen, word joiner, direction
  marks: Unicode's format characters), which are removed before looking.

A run of digits that is longer than ten (two phone numbers in a row, a list of postal
codes) only holds a CPR number where it is written as one: ten digits in one piece, or six
and four (`ddmmyy-xxxx`, `dd.mm.yy-xxxx`) as groups of their own. So `33 99 10 01 / 21 01
12 34` (two phone numbers) is not one, and neither is `+45 3399 1001` (day 45).

A phone number, for the logs, is a run of at least `PHONE_DIGITS` digits (an 8-digit
number, also `+45 33 99 10 01`, and a ddmmyy date); an e-mail address is any text with `@`.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

PHONE_DIGITS = 6  # a run of this many digits may be a phone number or a birth date
CPR_DIGITS = 10


class Kind(StrEnum):
    """What personal data a text holds (the most serious first)."""

    CPR = "cpr"
    EMAIL = "email"
    PHONE = "phone"


# A run of digits with up to three separator characters between them (after `fold`).
_RUN = re.compile(r"\d(?:[ ./-]{0,3}\d)*")
_GROUPS = re.compile(r"\d+")


def _plain(ch: str) -> str:
    """One character as the rule reads it: digits of any script as ASCII digits, every dash
    as '-', every space as ' '; format characters (zero-width, soft hyphen, bidi) dropped."""
    if ch.isdecimal():
        return str(unicodedata.decimal(ch))
    if ch.isspace():
        return " "
    category = unicodedata.category(ch)
    if category == "Cf":
        return ""
    if category == "Pd" or ch == "\u2212":  # en/em dash, non-breaking hyphen, minus sign
        return "-"
    return ch


def fold(text: str) -> str:
    """The text as the rule reads it: NFKC (full-width letters, digits, `＠`), then `_plain`
    per character."""
    return "".join(_plain(ch) for ch in unicodedata.normalize("NFKC", text or ""))


def _is_date(six: str) -> bool:
    day, month = int(six[:2]), int(six[2:4])
    return 1 <= day <= 31 and 1 <= month <= 12


def _cpr_in_run(run: str) -> str | None:
    """The CPR number (ten digits) written in one run of digits, or None."""
    groups: list[str] = _GROUPS.findall(run)
    digits = "".join(groups)
    if len(digits) == CPR_DIGITS:  # the whole run, however it is grouped
        return digits if _is_date(digits[:6]) else None
    for i, group in enumerate(groups):  # inside a longer run: written as one
        candidates: list[str] = []
        if len(group) == CPR_DIGITS:
            candidates.append(group)
        if len(group) == 6 and i + 1 < len(groups) and len(groups[i + 1]) == 4:
            candidates.append(group + groups[i + 1])
        shape = [len(g) for g in groups[i : i + 4]]
        if shape == [2, 2, 2, 4]:
            candidates.append("".join(groups[i : i + 4]))
        for candidate in candidates:
            if _is_date(candidate[:6]):
                return candidate
    return None


def find_cpr(text: str) -> str | None:
    """The first CPR number in a text, as ten ASCII digits; None when there is none."""
    for run in _RUN.findall(fold(text)):
        found = _cpr_in_run(run)
        if found is not None:
            return found
    return None


def holds_cpr(text: str | None) -> bool:
    """Whether a text holds a CPR number, in any of the spellings above."""
    return find_cpr(text or "") is not None


def personal_kind(text: str | None, phone_digits: int = PHONE_DIGITS) -> Kind | None:
    """What a text holds that a log never keeps: a CPR number, an e-mail address or a phone
    number (a run of `phone_digits` digits; the guided referral asks for 8, so an amount
    is no phone number); None when nothing."""
    folded = fold(text or "")
    if any(_cpr_in_run(run) for run in _RUN.findall(folded)):
        return Kind.CPR
    if "@" in folded:
        return Kind.EMAIL
    if any(sum(ch.isdigit() for ch in run) >= phone_digits for run in _RUN.findall(folded)):
        return Kind.PHONE
    return None


class _CprSearch:
    """`CPR.search(text)`: the first CPR number in a text or None, for callers written
    against a regular expression (the edit form's check)."""

    @staticmethod
    def search(text: str) -> str | None:
        return find_cpr(text)


CPR = _CprSearch()
