"""Danish-aware normalisation of what a searcher types: the query's words, bounded.

The word rules themselves (one search key per word, stems, lemmas, derivations) live in
`directory.rules.words`, shared with the needs vocabulary and the loader; this module adds
what belongs to a query: its limits, stopwords dropped, phrases and initials.
"""

from __future__ import annotations

import re

# Only this much of a query is ever looked at: the rule lives in directory.rules.query.
from directory.rules.query import MAX_QUERY_CHARS, MAX_QUERY_WORDS, MAX_WORD_CHARS
from directory.rules.words import (
    IRREGULAR,
    MIN_STEM,
    RAW_WORD,
    SECTION_PREFIX,
    STOPWORDS,
    bases,
    fold,
    key,
    stem,
    terms,
    tokens,
    words,
)

__all__ = [
    "IRREGULAR",
    "MAX_QUERY_CHARS",
    "MAX_QUERY_WORDS",
    "MAX_WORD_CHARS",
    "MIN_STEM",
    "SECTION_PREFIX",
    "STOPWORDS",
    "acronym",
    "bases",
    "fold",
    "key",
    "phrase_key",
    "query_clipped",
    "query_head",
    "query_terms",
    "query_tokens",
    "stem",
    "terms",
    "tokens",
    "words",
]


def query_tokens(text: str) -> list[tuple[str, str]]:
    """A query's (word as typed, search key) pairs; stopwords dropped unless nothing else
    is left.

    Bounded whatever the input: the first `MAX_QUERY_CHARS` characters, each word cut to
    `MAX_WORD_CHARS`, a repeated word counted once, at most `MAX_QUERY_WORDS` words."""
    unique: dict[str, str] = {}
    for raw, word in tokens(query_head(text)):
        unique.setdefault(word[:MAX_WORD_CHARS], raw[:MAX_WORD_CHARS])
    all_tokens = [(raw, word) for word, raw in unique.items()]
    meaningful = [t for t in all_tokens if t[1] not in STOPWORDS]
    return (meaningful or all_tokens)[:MAX_QUERY_WORDS]


def query_head(text: str) -> str:
    """The first `MAX_QUERY_CHARS` characters, without a word cut in half at the end."""
    if len(text) <= MAX_QUERY_CHARS:
        return text
    head = text[:MAX_QUERY_CHARS]
    if RAW_WORD.match(text, MAX_QUERY_CHARS):
        cut = _LAST_WORD.search(head)
        head = head[: cut.start()] if cut else head
    return head


_LAST_WORD = re.compile(r"[^\W_]+\Z")


def query_clipped(text: str) -> bool:
    """True when `query_tokens` leaves part of the query out (too long or too many words)."""
    if len(text) > MAX_QUERY_CHARS:
        return True
    found = {word for _, word in tokens(text)}
    return len(found) > MAX_QUERY_WORDS or any(len(word) > MAX_WORD_CHARS for word in found)


def query_terms(text: str) -> list[str]:
    """A query's search keys; stopwords are dropped unless nothing else is left."""
    return [k for _, k in query_tokens(text)]


def phrase_key(text: str) -> str:
    """A whole phrase as one comparable key: its search keys joined by single spaces."""
    return " ".join(words(text))


def acronym(text: str) -> str | None:
    """Initials of a name's meaningful words ('Borgercenter Børn og Unge' → 'bbu'), if ≥ 2."""
    initials = "".join(w[0] for w in terms(text) if w.isalpha())
    return initials if len(initials) >= 2 else None
