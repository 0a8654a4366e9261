"""Danish-aware normalisation: one search key per word, whatever way it was typed.

Staff type `børn`, `boern` or `born`; `Hjemløse`, `hjemloese` or `hjemlose`; `café` or
`cafe`. `key()` folds all of them to the same search key: lower case, accents removed,
æ/ø/å and their two-letter spellings (ae/oe/aa) reduced to a/o/a. Both the index and the
query go through the same function, so the rare words it conflates are conflated on both
sides alike.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters NFKD does not decompose, written the way a Danish keyboard-less user would.
_LETTERS = str.maketrans(
    {"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss", "ð": "d", "þ": "th", "œ": "oe", "ł": "l"}
)
_PAIRS = re.compile(r"ae|oe|aa")
_PAIR_TO = {"ae": "a", "oe": "o", "aa": "a"}
_WORD = re.compile(r"[0-9a-z]+")

# Words that carry no meaning for a search (Danish function words and question words).
STOPWORDS = frozenset(
    [
        "og",
        "i",
        "til",
        "for",
        "af",
        "pa",
        "med",
        "en",
        "et",
        "den",
        "det",
        "de",
        "der",
        "som",
        "at",
        "er",
        "har",
        "jeg",
        "vi",
        "du",
        "kan",
        "skal",
        "hvor",
        "hvem",
        "hen",
        "om",
        "fra",
        "ved",
        "eller",
        "min",
        "mit",
        "mine",
        "sin",
        "sit",
        "sine",
        "hans",
        "hendes",
        "ikke",
        "hvad",
        "hvordan",
        "hvilken",
        "hvilke",
        "nar",
        "man",
        "sig",
        "ham",
        "hun",
        "han",
        "dem",
        "os",
        "jer",
        "the",
        "and",
        "of",
        "to",
        "in",
    ]
)


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower case, æ/ø/å spelled ae/oe/aa, accents and other marks removed."""
    lowered = text.lower().translate(_LETTERS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def key(word: str) -> str:
    """The search key of one word: `fold`, then ae/oe/aa → a/o/a ('Børn' → 'born')."""
    return _PAIRS.sub(lambda m: _PAIR_TO[m.group()], fold(word))


_RAW_WORD = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[tuple[str, str]]:
    """(word as written, lower case; its search key) for each word of a text, in order."""
    out: list[tuple[str, str]] = []
    for raw in _RAW_WORD.findall(text.lower()):
        out.extend(_parts(raw))
    return out


@lru_cache(maxsize=200_000)
def _parts(raw: str) -> tuple[tuple[str, str], ...]:
    return tuple((raw, part) for part in _WORD.findall(key(raw)))


def words(text: str) -> list[str]:
    """The search keys of a text's words, in order, stopwords included."""
    return [k for _, k in tokens(text)]


def terms(text: str) -> list[str]:
    """The search keys of a text's meaningful words, in order (stopwords left out)."""
    return [w for w in words(text) if w not in STOPWORDS]


def query_tokens(text: str) -> list[tuple[str, str]]:
    """A query's (word as typed, search key) pairs; stopwords dropped unless nothing else
    is left."""
    all_tokens = tokens(text)
    meaningful = [t for t in all_tokens if t[1] not in STOPWORDS]
    return meaningful or all_tokens


def query_terms(text: str) -> list[str]:
    """A query's search keys; stopwords are dropped unless nothing else is left."""
    return [k for _, k in query_tokens(text)]


def phrase_key(text: str) -> str:
    """A whole phrase as one comparable key: its search keys joined by single spaces."""
    return " ".join(words(text))


def acronym(text: str) -> str | None:
    """Initials of a name's meaningful words ('Borgercenter Børn og Unge' → 'bbu'), if ≥ 2."""
    initials = "".join(w[0] for w in terms(text) if not w.isdigit())
    return initials if len(initials) >= 2 else None
