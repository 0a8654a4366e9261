"""How much of a typed query is ever looked at: one rule for the search, the map and the
guided referral.

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


# A citizen's situation ("Borgerens situation", `landkort guide`): a few sentences. Only the
# first MAX_SITUATION_CHARS characters are read, and a reason quotes at most
# MAX_EXCERPT_CHARS of a clause.
MAX_SITUATION_CHARS = 1000
MAX_EXCERPT_CHARS = 60


def situation_text(text: str) -> str:
    """The part of a situation that is read: its first MAX_SITUATION_CHARS characters, not
    ending in a word cut in half."""
    if len(text) <= MAX_SITUATION_CHARS:
        return text
    head = text[:MAX_SITUATION_CHARS]
    if not text[MAX_SITUATION_CHARS].isspace() and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head


def excerpt(text: str, limit: int = MAX_EXCERPT_CHARS) -> str:
    """A text as a reason quotes it: at most `limit` characters, cut with '…'."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"
