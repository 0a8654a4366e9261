"""What a text may hold that is never stored or carried in a link: the one rule.

A CPR number, an e-mail address or a phone number in a search, a missing-word note or a
citizen's situation is never stored (`directory.storage`) and a situation that holds one is
refused (`search.guide`). No streamlit, no database here.
"""

from __future__ import annotations

import re
import unicodedata

_EMAIL = re.compile(r"\S@\S")
_DIGIT_RUN = re.compile(r"\d(?:[\s./-]*\d)*")
MAX_DIGITS = 6  # a run of this many digits may be a CPR number, a birth date or a phone
PHONE_DIGITS = 8  # a Danish phone number: a run of 8 digits
_CPR = re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d\d[\s-]?\d{4}(?!\d)")


def contains_cpr(text: str) -> bool:
    """True when a text holds what looks like a CPR number (ddmmyy-xxxx, ddmmyyxxxx, or
    with a space; full-width digits count): such text is never stored."""
    return bool(_CPR.search(unicodedata.normalize("NFKC", text)))


def sensitive_kind(text: str, digits: int = MAX_DIGITS) -> str | None:
    """What a text (a query, a note) holds that is never stored: 'cpr' for a CPR number
    (ddmmyy-xxxx, 10 digits), 'email' for an e-mail address, 'phone' for a phone number or
    a ddmmyy date (a run of `digits` digits, spaces or +45 or not); None when nothing."""
    folded = unicodedata.normalize("NFKC", text)  # full-width digits and @ count too
    if contains_cpr(folded):
        return "cpr"
    if _EMAIL.search(folded) or "@" in folded:
        return "email"
    if any(sum(ch.isdigit() for ch in run) >= digits for run in _DIGIT_RUN.findall(folded)):
        return "phone"
    return None
