"""'Ordet mangler': a searcher's report that a word found nothing, for the synonym list.

The stable import path of `directory.storage.missing`, where the reports are counted in
the app's database (`LANDKORT_DB`) under the same privacy rule as the searches that found
nothing: a query or note with a CPR number, a phone number or an e-mail address is never
stored.
"""

from directory.storage.missing import (
    LOG_NAME,
    MAX_NOTE,
    MAX_QUERY,
    MissingProblem,
    MissingWord,
    MissingWordError,
    holds_cpr,
    read_missing_words,
    report_missing_word,
)

__all__ = [
    "LOG_NAME",
    "MAX_NOTE",
    "MAX_QUERY",
    "MissingProblem",
    "MissingWord",
    "MissingWordError",
    "holds_cpr",
    "read_missing_words",
    "report_missing_word",
]
