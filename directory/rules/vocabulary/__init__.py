"""The needs vocabulary: which needs a text speaks of, and which units each need reaches.

The national vocabulary ships with the program (`needs-national.yaml` beside this file,
anchored in KL's FFB and FSIII classifications, see its header); a data folder's
`needs.yaml` adds to it (`Directory.needs`): a need with a national id gets more words (and
the folder's label), any other id is a need of its own. `vocabulary(directory)` is the
merged vocabulary, built once per loaded directory.

Reading (`Vocabulary.read`): a text's words are compared by their base forms
(`directory.rules.words.bases`: stem, lemma, derivations), so 'banket', 'tæsket' and
'slået' all reach *vold*, 'alkoholikere' reaches *alkohol*. A vocabulary entry of several
words is read as a phrase: its meaningful words in order, at most `MAX_GAP` other words
between two of them ('vold i hjemmet' is a phrase, so 'hjemmet' alone is not read as
home care). A word no entry holds is tried as a compound of two parts
('alkoholproblemer' → alkohol).

Reaching (`reach(directory)`): a need reaches a unit when one of its `words` (not its
`everyday` phrases, which only read situations) stands in the unit's own words: name,
keywords, target groups, responsibilities, the needs of referrals to it, description
(in that order of weight). No tags are needed; an explicit target group or referral need
that is a word of the vocabulary counts like any other word. `landkort validate` and the
page Datakvalitet warn about a unit no need reaches (`check_reach`).

No streamlit and no search here: the search (`search.index`), the guide (`search.guide`),
the page Behov and the loader all read this module.
"""

from __future__ import annotations

import contextlib
import gc
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml
from rapidfuzz.distance import OSA

from directory.model import Directory, Need, Problem, Severity, Unit
from directory.rules.words import (
    STOPWORDS,
    key,
    known,
    lemma,
    stem,
    token_bases,
    token_spans,
    tokens,
)

NATIONAL_FILE = "needs-national.yaml"
MAX_CHILD_AGE = 18  # as_child: a citizen younger than this is a child
LOCAL_AREA = "Lokalt"  # the area of a need only the data folder's needs.yaml has
MAX_GAP = 2  # other words allowed between two words of a phrase
MIN_TYPO_WORD = 6  # a misspelt word of at least this many letters is read as the entry it
# is one edit from ('sygemelt' → sygemeldt); shorter words are too often another word
OF_WORDS = frozenset({"i", "af", "med", "pa", "for", "til"})  # 'X i Y' may be the compound 'YX'
MIN_PART = 4  # shortest part of a compound that is read on its own
LINKING = ("s", "e")  # Danish linking letters between the parts of a compound
MAX_EXCERPT = 40  # characters of the situation quoted for a need
# How much a word of a need counts in each of a unit's fields (the search's field weights).
FIELD_WEIGHTS: dict[str, float] = {
    "name": 10.0,
    "keywords": 7.0,
    "target_groups": 5.0,
    "responsibilities": 5.0,
    "referrals": 4.5,
    "description": 2.0,
}
FURTHER_WORDS = 0.4  # share of a need's further words in a unit, after its best one


class VocabularyError(ValueError):
    """The shipped vocabulary file is broken (a packaging error, never the user's data)."""


@dataclass(frozen=True, slots=True)
class NeedCode:
    """A code a need refers to in one of KL's classifications (FFB or FSIII)."""

    system: str  # 'FFB' or 'FSIII'
    code: str
    display: str  # the code's name, as in the classification
    system_url: str  # the CodeSystem's canonical url ('urn:oid:1.2.208.176.2.22')
    system_version: str

    @property
    def label(self) -> str:
        """The code's name (as `display`), for readers that ask for a label."""
        return self.display

    def term(self) -> dict[str, str]:
        """The code as a taxonomy term: system url, version, code and name."""
        return {
            "system": self.system_url,
            "version": self.system_version,
            "code": self.code,
            "display": self.display,
        }


@dataclass(frozen=True, slots=True)
class VocabularyNeed:
    """One need: its id, label, codes, and the words that stand for it."""

    id: str
    label: str
    area: str
    words: tuple[str, ...]  # read in situations and link units
    everyday: tuple[str, ...] = ()  # read in situations only
    codes: tuple[NeedCode, ...] = ()
    description: str | None = None
    broader: tuple[str, ...] = ()  # needs to turn to when this one reaches no unit
    child: bool = False  # a child's need, often told by a parent: an adult's age filters no unit
    # (need, age): told of a citizen younger than age, this need is a worry for the child and
    # is read as that need ('mor tager stoffer' of a child of 5 is a worry for the child)
    as_child: tuple[str, int] | None = None
    local: bool = False  # the data folder's needs.yaml has it (a need of its own or more words)
    national: bool = True  # the shipped vocabulary has it
    source: Need | None = field(default=None, compare=False)  # the needs.yaml entry, if any

    def taxonomy_terms(self) -> list[dict[str, str]]:
        """The need's codes as taxonomy terms (`NeedCode.term`), for exports."""
        return [code.term() for code in self.codes]

    @property
    def code_text(self) -> str:
        """'FFB Hjemløshed (293bf940-…)' for each code, for people; '' without codes."""
        return "; ".join(f"{c.system} {c.display} ({c.code})" for c in self.codes)


@dataclass(frozen=True, slots=True)
class Mention:
    """Where a text speaks of a need: the characters, and the entry that matched."""

    need: VocabularyNeed
    start: int
    end: int
    phrase: str  # the vocabulary's word or phrase
    words: int  # meaningful words matched (a phrase counts more than a word)
    everyday: bool  # matched an everyday phrase (reads situations, links no unit)
    compound: bool = False  # matched a part of a compound word


@dataclass(frozen=True, slots=True)
class _Pattern:
    need: int  # index into Vocabulary.needs
    phrase: str
    parts: tuple[frozenset[str], ...]  # the bases of each meaningful word
    everyday: bool


# ------------------------------------------------------------------ the national file


@cache
def national_needs() -> tuple[VocabularyNeed, ...]:
    """The shipped vocabulary, read once (safe YAML) and checked."""
    text = resources.files(__package__).joinpath(NATIONAL_FILE).read_text(encoding="utf-8")
    return parse_national(yaml.safe_load(text))


def parse_national(loaded: Any) -> tuple[VocabularyNeed, ...]:
    """The needs of a national vocabulary file's content; VocabularyError when malformed."""
    if not isinstance(loaded, dict) or not isinstance(loaded.get("needs"), list):
        raise VocabularyError(f"{NATIONAL_FILE}: mangler listen 'needs'")
    systems = loaded.get("systems") or {}
    out: list[VocabularyNeed] = []
    seen: set[str] = set()
    for number, entry in enumerate(loaded["needs"], start=1):
        where = f"{NATIONAL_FILE}: behov nr. {number}"
        if not isinstance(entry, dict):
            raise VocabularyError(f"{where}: er ikke en mapping")
        need_id, label = entry.get("id"), entry.get("label")
        if not isinstance(need_id, str) or not isinstance(label, str) or not need_id or not label:
            raise VocabularyError(f"{where}: mangler id eller label")
        if need_id in seen:
            raise VocabularyError(f"{where}: id'et {need_id!r} står to gange")
        seen.add(need_id)
        codes = []
        for code in entry.get("codes") or []:
            system = systems.get(code.get("system")) if isinstance(code, dict) else None
            if not isinstance(system, dict) or not code.get("code") or not code.get("display"):
                raise VocabularyError(
                    f"{where} ({need_id}): en kode mangler system, code eller display"
                )
            codes.append(
                NeedCode(
                    str(code["system"]),
                    str(code["code"]),
                    str(code["display"]),
                    str(system.get("url", "")),
                    str(system.get("version", "")),
                )
            )
        words = _texts(entry.get("words"), where)
        if not words:
            raise VocabularyError(f"{where} ({need_id}): har ingen words")
        out.append(
            VocabularyNeed(
                id=need_id,
                label=label,
                area=str(entry.get("area") or ""),
                words=words,
                everyday=_texts(entry.get("everyday"), where),
                codes=tuple(codes),
                description=entry.get("description"),
                broader=_texts(entry.get("broader"), where),
                child=_flag(entry.get("child", False), f"{where} ({need_id})"),
                as_child=_as_child(entry.get("as_child"), f"{where} ({need_id})"),
            )
        )
    known = {need.id for need in out}
    for need in out:
        if need.as_child is not None and need.as_child[0] not in known:
            raise VocabularyError(
                f"{NATIONAL_FILE}: {need.id}: as_child {need.as_child[0]!r} findes ikke"
            )
        for other in need.broader:
            if other not in known:
                raise VocabularyError(f"{NATIONAL_FILE}: {need.id}: broader {other!r} findes ikke")
    return tuple(out)


def _as_child(value: Any, where: str) -> tuple[str, int] | None:
    if value is None:
        return None
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("need"), str)
        or not isinstance(value.get("under"), int)
        or isinstance(value.get("under"), bool)
        or not 1 <= value["under"] <= MAX_CHILD_AGE
    ):
        raise VocabularyError(
            f"{where}: as_child er {{need: <behovets id>, under: <alder fra 1 til "
            f"{MAX_CHILD_AGE}>}}"
        )
    return (value["need"], value["under"])


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise VocabularyError(f"{where}: child er true eller false")
    return value


def _texts(values: Any, where: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if not isinstance(values, list) or not all(
        isinstance(v, str | int) and not isinstance(v, bool) for v in values
    ):
        raise VocabularyError(
            f"{where}: words og everyday er lister af tekst (sæt true, false, yes, no, on og "
            "off i anførselstegn)"
        )
    return tuple(dict.fromkeys(" ".join(str(v).split()) for v in values if str(v).strip()))


# ------------------------------------------------------------------ the merged vocabulary


def merge(national: Iterable[VocabularyNeed], local: Iterable[Need]) -> list[VocabularyNeed]:
    """The national needs with a data folder's needs.yaml: a local need with a national id
    adds its label and synonyms as words (and its label and description are shown); any
    other local need is a need of its own."""
    merged = {need.id: need for need in national}
    for need in local:
        own = (need.label, *need.synonyms)
        found = merged.get(need.id)
        if found is None:
            merged[need.id] = VocabularyNeed(
                id=need.id,
                label=need.label,
                area=LOCAL_AREA,
                words=tuple(dict.fromkeys(own)),
                description=need.description,
                local=True,
                national=False,
                source=need,
            )
            continue
        merged[need.id] = VocabularyNeed(
            id=found.id,
            label=need.label,
            area=found.area,
            words=tuple(dict.fromkeys((*found.words, *own))),
            everyday=found.everyday,
            codes=found.codes,
            description=need.description or found.description,
            broader=found.broader,
            child=found.child,
            as_child=found.as_child,
            local=True,
            national=True,
            source=need,
        )
    return list(merged.values())


class Vocabulary:
    """The needs of one directory, and the reader of texts (build once, then read-only)."""

    def __init__(self, needs: Sequence[VocabularyNeed]) -> None:
        self.needs: tuple[VocabularyNeed, ...] = tuple(needs)
        self.by_id = {need.id: need for need in self.needs}
        self._index_of = {need.id: i for i, need in enumerate(self.needs)}
        self._first: dict[str, list[_Pattern]] = {}  # a first word's base → patterns
        self._first_words: dict[str, list[_Pattern]] = {}  # the same, `words` only
        self._single: dict[str, list[_Pattern]] = {}  # a one-word pattern's stems → patterns
        for index, need in enumerate(self.needs):
            for phrase, everyday in [
                *((w, False) for w in need.words),
                *((w, True) for w in need.everyday),
            ]:
                found = tokens(phrase)
                if len(found) < 2 and all(k in STOPWORDS for _, k in found):
                    continue
                parts = tuple(frozenset(_entry_bases(raw, k)) for raw, k in found)
                pattern = _Pattern(index, phrase, parts, everyday)
                for base in parts[0]:
                    self._first.setdefault(base, []).append(pattern)
                    if not everyday:
                        self._first_words.setdefault(base, []).append(pattern)
                if len(parts) == 1:
                    for base in parts[0]:
                        self._single.setdefault(base, []).append(pattern)
        self._field_cache: dict[str, tuple[tuple[int, str], ...]] = {}
        self._compounds: dict[tuple[str, bool], tuple[_Pattern, ...]] = {}
        self._single_heads = {base[:3] for base in self._single}  # a quick 'no' for a part
        self._by_length: dict[int, dict[str, list[_Pattern]]] = {}  # one-word entries' keys
        for patterns in self._single.values():
            for pattern in patterns:
                written = key(pattern.phrase)
                if len(written) >= MIN_TYPO_WORD:
                    entries = self._by_length.setdefault(len(written), {})
                    entries.setdefault(written, []).append(pattern)
        self._typos: dict[str, tuple[_Pattern, ...]] = {}

    def __len__(self) -> int:
        return len(self.needs)

    def need(self, need_id: str) -> VocabularyNeed | None:
        return self.by_id.get(need_id)

    def read(self, text: str, *, words_only: bool = False, typos: bool = False) -> list[Mention]:
        """Every place the text speaks of a need, in the order of the text; a phrase that
        holds a shorter match of the same need replaces it. `words_only`: only the needs'
        `words` (how units are linked), not their everyday phrases. `typos`: a word the
        dictionary does not know is also read as the entry it is one edit from (the guide
        reads situations so; the search has its own typo rule)."""
        spans = token_spans(text)
        found = [
            Mention(
                self.needs[pattern.need],
                spans[first][0],
                spans[last][1],
                pattern.phrase,
                last - first + 1,
                pattern.everyday,
                compound,
            )
            for pattern, first, last, compound in self._scan(spans, words_only, typos)
        ]
        return _best_mentions(found)

    def _scan(
        self, spans: list[tuple[int, int, str, str]], words_only: bool, typos: bool = False
    ) -> list[tuple[_Pattern, int, int, bool]]:
        """(pattern, first word, last word, in a compound) of every match in a text's words."""
        seq = [_bases(raw, k) for _, _, raw, k in spans]
        first_words = self._first_words if words_only else self._first
        found: list[tuple[_Pattern, int, int, bool]] = []
        covered: set[int] = set()
        for at, token_bases_ in enumerate(seq):
            for base in token_bases_:
                for pattern in first_words.get(base, ()):
                    last = at if len(pattern.parts) == 1 else _match(seq, at, pattern)
                    if last is not None:
                        covered.update(range(at, last + 1))
                        found.append((pattern, at, last, False))
        for at, (_, _, raw, k) in enumerate(spans):
            if at not in covered and k not in STOPWORDS:
                found.extend((p, at, at, True) for p in self._compound(raw, words_only))
        if typos:  # a situation's misspelt words (the search has its own typo rule)
            read = covered | {at for _, at, _, _ in found}
            for at, (_, _, raw, k) in enumerate(spans):
                if at not in read and len(k) >= MIN_TYPO_WORD and raw.isalpha():
                    found.extend((p, at, at, True) for p in self._misspelt(raw.lower(), k))
        for at in range(len(spans) - 2):  # 'blødning i hjernen' is a 'hjerneblødning'
            head, link, tail = spans[at][2:], spans[at + 1][3], spans[at + 2][2:]
            if link in OF_WORDS and not covered & {at, at + 2}:
                for pattern in self._written_apart(head[0], tail[0], words_only):
                    found.append((pattern, at, at + 2, True))
        return found

    def _misspelt(self, word: str, folded: str) -> tuple[_Pattern, ...]:
        """The one-word entries a word the dictionary does not know is one edit (or one
        swap of two letters) from; cached per word."""
        cached = self._typos.get(folded)
        if cached is not None:
            return cached
        out: list[_Pattern] = []
        if not known(word):
            for length in (len(folded) - 1, len(folded), len(folded) + 1):
                for written, patterns in self._by_length.get(length, {}).items():
                    if OSA.distance(folded, written, score_cutoff=1) <= 1:
                        out.extend(p for p in patterns if p not in out)
        result = tuple(out)
        self._typos[folded] = result
        return result

    def _written_apart(self, head: str, tail: str, words_only: bool) -> tuple[_Pattern, ...]:
        """The one-word entries that 'head of/in tail' is written together as, 'tail' first
        (Danish: 'misbrug af alkohol' → 'alkoholmisbrug', 'skade på hjernen' →
        'hjerneskade'), with or without a linking letter."""
        if not (head.isalpha() and tail.isalpha()) or key(tail) in STOPWORDS:
            return ()
        first = key(lemma(tail.lower()))
        heads = {first, first + "s", first[:-1] if first.endswith("e") else first}
        out: list[_Pattern] = []
        for joined in heads:
            for pattern in self._single.get(stem(joined + key(head)), ()):
                if not (words_only and pattern.everyday) and pattern not in out:
                    out.append(pattern)
        return tuple(out)

    def _compound(self, word: str, words_only: bool) -> tuple[_Pattern, ...]:
        """A word no entry holds, read as two parts: the one-word entries among its parts
        (the cut that explains most of the word's letters); cached per word."""
        cached = self._compounds.get((word, words_only))
        if cached is not None:
            return cached
        best: list[_Pattern] = []
        folded = key(word)  # cut in search keys: no key() per part
        if len(folded) >= 2 * MIN_PART - 1 and folded.isalpha():
            best_letters = 0
            heads_known = self._single_heads
            for cut in range(MIN_PART - 1, len(folded) - MIN_PART + 1):
                head, tail = folded[:cut], folded[cut:]
                heads = [head] + ([head[:-1]] if head.endswith(LINKING) else [])
                found: list[_Pattern] = []
                letters = 0
                for part in [*heads, tail]:
                    if len(part) < MIN_PART or part[:3] not in heads_known:
                        continue
                    for pattern in self._single.get(stem(part), ()):
                        if not (words_only and pattern.everyday):
                            found.append(pattern)
                            letters += len(part)
                if letters > best_letters:
                    best, best_letters = found, letters
        result = tuple(dict.fromkeys(best))
        self._compounds[(word, words_only)] = result
        return result

    def needs_in(self, text: str) -> list[VocabularyNeed]:
        """The needs a text speaks of, each once, in the order of the text."""
        out: dict[str, VocabularyNeed] = {}
        for mention in self.read(text):
            out.setdefault(mention.need.id, mention.need)
        return list(out.values())

    def field_needs(self, text: str) -> tuple[tuple[int, str], ...]:
        """(need index, phrase) of each need's `words` a unit's field text holds (cached:
        the same target group or keyword stands on many units)."""
        cached = self._field_cache.get(text)
        if cached is None:
            found = self._scan(token_spans(text), words_only=True)
            cached = tuple(dict.fromkeys((p.need, p.phrase) for p, _, _, _ in found))
            self._field_cache[text] = cached
        return cached


def _match(seq: list[tuple[str, ...]], at: int, pattern: _Pattern) -> int | None:
    """The index of the last word of `pattern` when it starts at word `at`, else None: each
    further word of the pattern within `MAX_GAP` words of the one before."""
    last = at
    for part in pattern.parts[1:]:
        for following in range(last + 1, min(last + 2 + MAX_GAP, len(seq))):
            if not part.isdisjoint(seq[following]):
                last = following
                break
        else:
            return None
    return last


def _entry_bases(raw: str, key_: str) -> tuple[str, ...]:
    """A word of a vocabulary entry is its plain stem (entries are written in base form):
    the text's words bring their lemmas and derivations to it, never the other way round
    (the entry 'familieretten' must not stand for every 'familie': Snowball cuts its lemma
    'familieret' to 'famili')."""
    return ("~" + key_,) if key_ in STOPWORDS else token_bases(raw, key_)[:1]


def _bases(raw: str, key_: str) -> tuple[str, ...]:
    """A stopword is itself ('i' in 'vold i hjemmet'), apart from every other word's
    bases (the stopword 'dem' is not the stem of 'demens'); any other word its bases."""
    return ("~" + key_,) if key_ in STOPWORDS else token_bases(raw, key_)


def _best_mentions(found: list[Mention]) -> list[Mention]:
    """Each need's mentions without those inside a longer mention of the same need, in the
    order of the text."""
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Mention] = []
    for mention in found:
        if any(
            (o.need.id == mention.need.id or (o.words > 1 and mention.words == 1))
            and o.start <= mention.start
            and mention.end <= o.end
            and (o.words, o.end - o.start) > (mention.words, mention.end - mention.start)
            for o in out
        ):
            continue
        if any(
            o.need.id == mention.need.id and (o.start, o.end) == (mention.start, mention.end)
            for o in out
        ):
            continue
        out.append(mention)
    return out


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """No garbage collection while many small objects are made next to a big directory: a
    collection would scan the directory's millions of objects again and again (10k units:
    0.5 s of work took 2.5 s)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


_BUILT: dict[tuple[Any, ...], Vocabulary] = {}  # the last vocabulary, by its local needs


def _needs_key(needs: Iterable[Need]) -> tuple[Any, ...]:
    return tuple((n.id, n.label, n.description, tuple(n.synonyms)) for n in needs)


def vocabulary(directory: Directory) -> Vocabulary:
    """The national vocabulary merged with the directory's needs.yaml: built once per
    needs.yaml content (a reload after an edit elsewhere reuses it; it is read-only)."""
    cached = directory.__dict__.get("_vocabulary")
    if cached is None or cached[0] is not directory.needs:
        key = _needs_key(directory.needs)
        built = _BUILT.get(key)
        if built is None:
            with _no_collection():
                built = Vocabulary(merge(national_needs(), directory.needs))
            _BUILT.clear()  # keep one: the data folder's needs as they are now
            _BUILT[key] = built
        cached = (directory.needs, built)
        directory.__dict__["_vocabulary"] = cached
    return cached[1]


# ------------------------------------------------------------------ which units a need reaches


@dataclass(frozen=True, slots=True)
class Reached:
    """A unit a need reaches: how strongly, and by which of the unit's words."""

    unit_id: str
    score: float
    phrases: tuple[str, ...]  # the need's words found in the unit, strongest field first


class Reach:
    """Per need, the units it reaches, strongest first; per unit, the needs that reach it."""

    def __init__(self, directory: Directory, vocab: Vocabulary) -> None:
        self.vocabulary = vocab
        per_need: list[dict[str, dict[str, float]]] = [{} for _ in vocab.needs]
        into: dict[str, list[str]] = {}
        for referral in directory.referrals:
            into.setdefault(referral.to, []).extend(referral.needs)
        for unit in directory.units.values():
            for field_name, texts in _unit_fields(unit, into.get(unit.id, ())):
                weight = FIELD_WEIGHTS[field_name]
                for text in texts:
                    for need_index, phrase in vocab.field_needs(text):
                        phrases = per_need[need_index].setdefault(unit.id, {})
                        if weight > phrases.get(phrase, 0.0):
                            phrases[phrase] = weight
        self._units: dict[str, list[Reached]] = {}
        self._needs: dict[str, list[str]] = {}
        for need, units in zip(vocab.needs, per_need, strict=True):
            reached = [
                Reached(unit_id, _score(phrases.values()), _strongest(phrases))
                for unit_id, phrases in units.items()
            ]
            reached.sort(key=lambda r: -r.score)
            self._units[need.id] = reached
            for r in reached:
                self._needs.setdefault(r.unit_id, []).append(need.id)

    def units(self, need_id: str) -> list[Reached]:
        """The units a need reaches, strongest first ([] for an unknown need)."""
        return self._units.get(need_id, [])

    def needs_of(self, unit_id: str) -> list[str]:
        """The ids of the needs that reach a unit, in the vocabulary's order."""
        return self._needs.get(unit_id, [])

    def breadth(self, unit_id: str) -> int:
        """How many needs reach a unit (a unit for everything is no specialist)."""
        return len(self._needs.get(unit_id, ()))


def unit_texts(directory: Directory) -> list[str]:
    """Every text of the units' own words that a need can reach (each once)."""
    into: dict[str, list[str]] = {}
    for referral in directory.referrals:
        into.setdefault(referral.to, []).extend(referral.needs)
    texts = (
        text
        for unit in directory.units.values()
        for _, values in _unit_fields(unit, into.get(unit.id, ()))
        for text in values
    )
    return list(dict.fromkeys(texts))


def _unit_fields(unit: Unit, referral_needs: Iterable[str]) -> list[tuple[str, list[str]]]:
    return [
        ("name", [unit.name]),
        ("keywords", list(unit.keywords)),
        ("target_groups", list(unit.target_groups)),
        ("responsibilities", list(unit.responsibilities)),
        ("referrals", list(referral_needs)),
        ("description", [unit.description] if unit.description else []),
    ]


def _score(weights: Iterable[float]) -> float:
    """A need's best word in a unit, and a share of its further words."""
    ordered = sorted(weights, reverse=True)
    return ordered[0] + FURTHER_WORDS * sum(ordered[1:]) if ordered else 0.0


def _strongest(phrases: dict[str, float]) -> tuple[str, ...]:
    return tuple(p for p, _ in sorted(phrases.items(), key=lambda item: -item[1]))


def reach(directory: Directory) -> Reach:
    """Which units each need of the directory's vocabulary reaches (built once)."""
    vocab = vocabulary(directory)
    cached = directory.__dict__.get("_reach")
    if cached is None or cached[0] is not vocab:
        with _no_collection():
            cached = (vocab, Reach(directory, vocab))
        directory.__dict__["_reach"] = cached
    return cached[1]


def specificity(breadth: int) -> float:
    """Weight of a unit that many needs reach: 1 for a specialist, less for a generalist."""
    return 1.0 / (1.0 + 0.35 * math.log1p(max(breadth - 1, 0)))


# ------------------------------------------------------------------ the check for coordinators

UNREACHED = (
    "ingen behov i behovsordbogen når enheden {name!r}: skriv de ord, kolleger og borgere "
    "bruger om den, i keywords eller target_groups (siden Behov viser ordbogens ord), eller "
    "tilføj enhedens egne ord som synonym under et behov i needs.yaml"
)


def unreached_units(directory: Directory) -> list[Unit]:
    """The units no need of the vocabulary reaches (their own words hold none of its
    `words`), in the files' order. Stops at a unit's first word that reaches a need."""
    vocab = vocabulary(directory)
    into: dict[str, list[str]] = {}
    for referral in directory.referrals:
        into.setdefault(referral.to, []).extend(referral.needs)
    out = []
    with _no_collection():
        for unit in directory.units.values():
            fields = _unit_fields(unit, into.get(unit.id, ()))
            if not any(vocab.field_needs(text) for _, texts in fields for text in texts):
                out.append(unit)
    return out


def check_reach(directory: Directory) -> list[Problem]:
    """A warning (`file:line: warning: message`, naming the fix) for each unit no need of
    the vocabulary reaches. Not part of the loader (it would slow every cold validation):
    `landkort validate` and the page Datakvalitet add it."""
    return [
        Problem(
            unit.source.path,
            unit.source.line_of("name"),
            UNREACHED.format(name=unit.name),
            Severity.WARNING,
        )
        for unit in unreached_units(directory)
    ]
