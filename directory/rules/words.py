"""Danish word rules: one search key per word, and the base forms that make two words one.

The one home of how words are compared, for the search (`search.index`), the guide
(`search.guide`), the needs vocabulary (`directory.rules.vocabulary`) and the loader's check
that every unit is reached by a need.

- `key()`: staff type `børn`, `boern` or `born`; `Hjemløse`, `hjemloese` or `hjemlose`;
  `café` or `cafe`: all fold to one search key (lower case, accents removed, æ/ø/å and
  their two-letter spellings reduced to a/o/a). Both sides of every comparison go through
  it, so the rare words it conflates are conflated alike.
- `stem()`: Snowball's Danish stemmer on a key, after a table of irregular forms
  (`drak` → `drikke`), keeping a noun in -else apart from its verb (`udsættelse` is not
  `udsatte`, which folds to the same letters), and keeping a word it would cut into another
  word's stem apart (`ledig` is not `leder`).
- `lemma()`: the dictionary form of a word from simplemma's Danish data (shipped in its
  wheel, no download): `slået` → `slå`, `demente` → `dement`, `børnene` → `barn`.
- `derivations()`: words derived by a suffix the stemmer does not undo: `alkoholiker` →
  `alkohol`, `psykotisk` → `psykose`, `dement` → `demens`, `autistisk` → `autisme`,
  `ludoman` → `ludomani`, `prostitueret` → `prostitution`, `depressiv` → `depression`.
- `bases()`: every base key of a word (its stem, its lemma's stem, its derivations'
  stems). Two words are forms of each other when their bases meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

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
RAW_WORD = re.compile(r"§+\s*\d+[a-z]?\b|[^\W_]+")
_SECTION = re.compile(r"§+\s*(\d+)([a-z]?)")
SECTION_PREFIX = "p"  # '§ 110' has the search key 'p110' ('paragraf')


def tokens(text: str) -> list[tuple[str, str]]:
    """(word as written, lower case; its search key) for each word of a text, in order.

    '§ 110' is one word with the key 'p110', so a bare '110' or '99' is not read as a section.
    """
    return [(raw, word) for _, _, raw, word in token_spans(text)]


def token_spans(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, word as written in lower case, search key) for each word of a text:
    `tokens` with where each word stands, for quoting a short excerpt."""
    out: list[tuple[int, int, str, str]] = []
    lowered = text.lower()
    sections = "§" in lowered
    for found in RAW_WORD.finditer(lowered):
        raw = found.group()
        section = _SECTION.match(raw) if sections else None
        if section is not None:
            number, letter = section.groups()
            out.append((found.start(), found.end(), raw, SECTION_PREFIX + number + letter))
            continue
        out.extend((found.start(), found.end(), raw, part) for _, part in _parts(raw))
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
# Words Snowball cuts so short that they meet an unrelated word: search key → the stem they
# keep ('ledig' and 'ledighed' would both be 'led', the stem of 'leder' and 'leddene'; 'det
# gælder' would be 'gæld', debt; 'fyret' would be 'fyr', a guy; 'passer' would be 'pas').
OWN_STEMS = {
    "ledig": "ledig",
    "ledige": "ledig",
    "ledigt": "ledig",
    "ledighed": "ledig",
    "ledigheden": "ledig",
    "ledigheds": "ledig",
    "fyret": "fyret",  # fired (from a job), not 'fyr' (a guy) nor 'fyrre' (forty)
    "fyrede": "fyret",
    "fyres": "fyret",
    "passe": "passe",  # to look after (a child), not 'pas' (a passport)
    "passer": "passe",
    "passede": "passe",
    "passes": "passe",
    "galde": "galde",  # gælde (and galde, bile): æ and a fold alike
    "galder": "galde",
    "galdende": "galde",
    "galdt": "galde",
}
_STEMMER = Stemmer.Stemmer("danish")
MIN_STEM = 3  # words shorter than this are their own stem
# A noun in -else keeps its -els: Snowball would cut 'udsættelse' to the stem of 'udsatte'
# (æ and a fold alike), and 'anbringelse' to that of 'anbringe'.
_ELSE_NOUN = re.compile(r"^(\w{3,}els)e(?:n|r|rne|s|ns|rs|rnes)?$")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Danish stem of a search key ('drikker' → 'drik', 'fogden' → 'foged', 'børnene' → 'born').

    Snowball's Danish stemmer (PyStemmer) on the folded key, after a small table of irregular
    forms; a noun in -else keeps its -els; a word Snowball would cut into another word's stem
    keeps its own (`OWN_STEMS`: 'ledig' is not 'leder'). Numbers and section keys are their
    own stem.
    """
    if len(word) < MIN_STEM or not word.isalpha():
        return word
    own = OWN_STEMS.get(word)
    if own is not None:
        return own
    noun = _ELSE_NOUN.match(word)
    if noun is not None:
        return noun.group(1)
    base = IRREGULAR.get(word, word)
    stemmed = _STEMMER.stemWord(base)
    return stemmed if len(stemmed) >= MIN_STEM else base


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The dictionary form of a lower-case word ('slået' → 'slå', 'demente' → 'dement'):
    simplemma's Danish data (in its wheel; loaded on first use, about 18 MB), the word
    itself when the dictionary does not know it."""
    if len(word) < MIN_STEM or not word.isalpha():
        return word
    import simplemma

    return str(simplemma.lemmatize(word, lang="da", low_memory=True)).lower()


@lru_cache(maxsize=200_000)
def known(word: str) -> bool:
    """Whether simplemma's Danish dictionary knows a lower-case word (a misspelt word it
    does not: 'sygemelt', 'depresion')."""
    import simplemma

    return bool(simplemma.is_known(word, lang="da", low_memory=True))


# Derivations the stemmer leaves apart: (suffix, what replaces it). Each gives the word the
# derivation is made from, and only that: 'udsættelse' is no form of 'udsætte' here.
DERIVATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ikerne", ("", "es")),  # alkoholikerne → alkohol; diabetikerne → diabetes
    ("ikeren", ("", "es")),
    ("ikere", ("", "es")),
    ("iker", ("", "es")),  # alkoholiker → alkohol; diabetiker → diabetes
    ("otiske", ("ose",)),  # psykotiske → psykose
    ("otisk", ("ose",)),  # psykotisk → psykose, neurotisk → neurose
    ("istiske", ("isme",)),
    ("istisk", ("isme",)),  # autistisk → autisme
    ("isterne", ("isme",)),
    ("ister", ("isme",)),
    ("isten", ("isme",)),
    ("ist", ("isme",)),  # autist → autisme
    ("ente", ("ens",)),  # demente → demens
    ("ent", ("ens",)),  # dement → demens
    ("ssive", ("ssion",)),  # depressive → depression
    ("ssiv", ("ssion",)),  # aggressiv → aggression
    ("manerne", ("mani",)),
    ("maner", ("mani",)),  # narkomaner → narkomani
    ("manen", ("mani",)),
    ("man", ("mani",)),  # ludoman → ludomani
    ("uerede", ("ution",)),
    ("ueret", ("ution",)),  # prostitueret → prostitution
    ("erede", ("ation",)),
    ("eret", ("ation",)),  # isoleret → isolation
    ("inelle", ("inalitet",)),
    ("inel", ("inalitet",)),  # kriminel → kriminalitet
    ("ende", ("e",)),  # drikkende → drikke
)
MIN_DERIVED_ROOT = 3  # letters left of a word before its derivational suffix ("dem-ent")


@lru_cache(maxsize=200_000)
def derivations(word: str) -> tuple[str, ...]:
    """The words a lower-case word is derived from by a suffix in `DERIVATIONS`."""
    if not word.isalpha():
        return ()
    for suffix, replacements in DERIVATIONS:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_DERIVED_ROOT:
            root = word[: len(word) - len(suffix)]
            return tuple(root + replacement for replacement in replacements)
    return ()


@lru_cache(maxsize=200_000)
def bases(word: str) -> tuple[str, ...]:
    """Every base key of one word as written (lower case): the stem of its search key, of
    its lemma and of the words it is derived from; the first is the plain stem."""
    out = [stem(key(word))]
    if len(word) >= MIN_STEM and word.isalpha():
        for form in dict.fromkeys((word, lemma(word))):
            for base in (form, *derivations(form)):
                for part in _WORD.findall(key(base)):
                    found = stem(part)
                    if found not in out:
                        out.append(found)
    return tuple(out)


def warm() -> None:
    """Load the lemmatizer's data now (about 0.7 s once per process), not in a search."""
    lemma("hjemløse")


def token_bases(raw: str, key_: str) -> tuple[str, ...]:
    """The bases of one token of `token_spans`: `bases` of a plain word, else its key's stem
    (a number, a section '§ 110' → 'p110', a part of a word with marks)."""
    if raw.isalpha() and key(raw) == key_:
        return bases(raw)
    return (stem(key_),)
