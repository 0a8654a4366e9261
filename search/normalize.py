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

import Stemmer

# Only this much of a query is ever looked at: the rule lives in directory.rules.query.
from directory.rules.query import MAX_QUERY_CHARS, MAX_QUERY_WORDS, MAX_WORD_CHARS

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


# A section number ('§ 110', '§81a') is one word; a bare number ('99') is not a section.
_RAW_WORD = re.compile(r"§+\s*\d+[a-z]?\b|[^\W_]+")
_SECTION = re.compile(r"§+\s*(\d+)([a-z]?)")
SECTION_PREFIX = "p"  # '§ 110' has the search key 'p110' ('paragraf')


def tokens(text: str) -> list[tuple[str, str]]:
    """(word as written, lower case; its search key) for each word of a text, in order.

    '§ 110' is one word with the key 'p110', so a bare '110' or '99' is not read as a section.
    """
    out: list[tuple[str, str]] = []
    for raw in _RAW_WORD.findall(text.lower()):
        section = _SECTION.match(raw)
        if section is not None:
            number, letter = section.groups()
            out.append((raw, SECTION_PREFIX + number + letter))
            continue
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
    is left.

    Bounded whatever the input: the first `MAX_QUERY_CHARS` characters, each word cut to
    `MAX_WORD_CHARS`, a repeated word counted once, at most `MAX_QUERY_WORDS` words."""
    unique: dict[str, str] = {}
    for raw, word in tokens(_head(text)):
        unique.setdefault(word[:MAX_WORD_CHARS], raw[:MAX_WORD_CHARS])
    all_tokens = [(raw, word) for word, raw in unique.items()]
    meaningful = [t for t in all_tokens if t[1] not in STOPWORDS]
    return (meaningful or all_tokens)[:MAX_QUERY_WORDS]


def _head(text: str) -> str:
    """The first `MAX_QUERY_CHARS` characters, without a word cut in half at the end."""
    if len(text) <= MAX_QUERY_CHARS:
        return text
    head = text[:MAX_QUERY_CHARS]
    if _RAW_WORD.match(text, MAX_QUERY_CHARS):
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


# Danish forms the Snowball stemmer cannot reach (strong verbs, syncope): search key → the key
# of the base form, which is then stemmed as usual.
IRREGULAR = {
    "drak": "drikke",
    "drukket": "drikke",
    "fogden": "foged",
    "fogdens": "foged",
    "fogder": "foged",
    "fogderne": "foged",
    "fogedens": "foged",
    "barn": "born",
    "barnet": "born",
    "barnets": "born",
    "gik": "ga",
    "gaet": "ga",
    "slog": "sla",
    "slaet": "sla",
    "spillede": "spil",
    "spiller": "spil",
    "spillet": "spil",
    "spillere": "spil",
}
_STEMMER = Stemmer.Stemmer("danish")
MIN_STEM = 3  # words shorter than this are their own stem


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Danish stem of a search key ('drikker' → 'drik', 'fogden' → 'foged', 'børnene' → 'born').

    Snowball's Danish stemmer (PyStemmer) on the folded key, after a small table of irregular
    forms. Numbers and section keys are their own stem.
    """
    if len(word) < MIN_STEM or not word.isalpha():
        return word
    base = IRREGULAR.get(word, word)
    stemmed = _STEMMER.stemWord(base)
    return stemmed if len(stemmed) >= MIN_STEM else base
