"""How much of a typed query is ever looked at: one rule for the search and the map.

A query is what a caseworker types: a few words. A link can carry anything (96 kB of
repeated words took the search 85 s), so only the first `MAX_QUERY_CHARS` characters,
`MAX_QUERY_WORDS` distinct words and `MAX_WORD_CHARS` characters of a word count.
"""

from __future__ import annotations

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 10
MAX_WORD_CHARS = 40


def query_words(text: str) -> list[str]:
    """The distinct case-folded words of a query, bounded as above (the map's text filter)."""
    head = text[:MAX_QUERY_CHARS].casefold().split()
    if len(text) > MAX_QUERY_CHARS and not text[MAX_QUERY_CHARS].isspace() and len(head) > 1:
        head.pop()  # a word cut in half at the limit
    words = (w[:MAX_WORD_CHARS] for w in head)
    return list(dict.fromkeys(words))[:MAX_QUERY_WORDS]
