"""The search index: the words staff type, matched against units, contacts, departments, places.

Design (for speed at 50k units, see the field notes):

- Every record is a *document* with weighted fields (name above keywords, keywords above
  responsibilities, responsibilities above description …). Each word goes through
  `normalize.key` (case, accents, æ/ø/å both ways), and the index keeps an inverted list
  per distinct word: the documents it occurs in, with the best field weight and a bit mask
  of the fields (for the 'Fundet på' explanation).
- A query word is matched against the *vocabulary* of distinct words, not against the
  records: exact, then prefix (sorted vocabulary + bisect), then inside a compound (one
  `str.find` over the joined vocabulary), then — only when nothing matched exactly — typos
  (rapidfuzz OSA distance over the words of about the same length). Exact > prefix >
  compound part > typo > synonym.
- Compounds: the index also holds adjacent words of short fields joined ('Step Up' →
  'stepup'); a query joins its adjacent words ('bolig rådgivning' → 'boligradgivning') and
  splits a word that is two known words.
- Synonyms (built-in plus the directory's own) are expanded at query time with a lower
  weight than the literal word.
- Scores are accumulated per query word in numpy vectors over all documents; documents that
  match more of the query's words rank first.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum, StrEnum

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from directory.model import Directory, Phone
from directory.rules import clock
from directory.rules.hours import combined_status, unit_hours
from directory.rules.needs import need_of, need_options, serves_need
from directory.rules.vocabulary import Mention
from directory.rules.words import bases, token_spans
from search.needs import NEED_QUALITY, NeedMatcher
from search.normalize import (
    acronym,
    phrase_key,
    query_head,
    query_terms,
    query_tokens,
    stem,
    tokens,
)
from search.synonyms import BUILTIN_SYNONYMS


class HitKind(StrEnum):
    UNIT = "unit"
    CONTACT = "contact"
    DEPARTMENT = "department"
    LOCATION = "location"


class How(StrEnum):
    """How a query word matched an indexed word."""

    EXACT = "exact"
    STEM = "stem"  # another form of the same word ('drikker' for 'drikke', 'fogden' for 'foged')
    PREFIX = "prefix"
    COMPOUND = "compound"  # joined/split words, or a part inside a compound
    FUZZY = "fuzzy"
    SYNONYM = "synonym"
    NEED = "need"  # a unit the need the word names reaches (search.needs)


class Field(IntEnum):
    """Searchable fields; the value is the bit in a posting's field mask."""

    NAME = 0
    ABBREVIATION = 1
    KEYWORDS = 2
    CONTACT = 3
    RESPONSIBILITIES = 4
    TARGET_GROUPS = 5
    NEEDS = 6
    AREAS = 7
    TITLE = 8
    UNIT = 9
    DEPARTMENT = 10
    DESCRIPTION = 11
    ADDRESS = 12
    PLACE = 13
    HOW_TO_REFER = 14
    NOTES = 15
    PHONE = 16  # looked up whole, never word by word
    EMAIL = 17


# Weight and Danish label of each field, in Field order.
FIELD_WEIGHT = np.array(
    [10, 8, 7, 6, 5, 5, 4.5, 4, 3, 3, 2.5, 2, 6, 1.5, 1, 1, 10, 10], dtype=np.float32
)
FIELD_LABEL = {
    Field.NAME: "navn",
    Field.ABBREVIATION: "forkortelse",
    Field.KEYWORDS: "nøgleord",
    Field.CONTACT: "kontaktperson",
    Field.RESPONSIBILITIES: "ansvarsområde",
    Field.TARGET_GROUPS: "målgruppe",
    Field.NEEDS: "behov",
    Field.AREAS: "område",
    Field.TITLE: "titel",
    Field.UNIT: "enhed",
    Field.DEPARTMENT: "forvaltning",
    Field.DESCRIPTION: "beskrivelse",
    Field.ADDRESS: "adresse",
    Field.PLACE: "adresse",
    Field.HOW_TO_REFER: "henvisning",
    Field.NOTES: "noter",
    Field.PHONE: "telefonnummer",
    Field.EMAIL: "e-mail",
}
# Fields where adjacent words are also indexed joined ('Step Up' → 'stepup').
_JOINED = {
    Field.NAME,
    Field.KEYWORDS,
    Field.RESPONSIBILITIES,
    Field.TARGET_GROUPS,
    Field.NEEDS,
    Field.AREAS,
}
# Fields a `need=`/`target_group=` filter looks in.
_NEED_MASK = sum(
    1 << f
    for f in (Field.KEYWORDS, Field.RESPONSIBILITIES, Field.TARGET_GROUPS, Field.NEEDS, Field.AREAS)
)
_OTHER_FIELDS_SHARE = 0.15  # bonus share for a word found in further fields of a document

QUALITY = {
    How.EXACT: 1.0,
    How.STEM: 0.9,
    How.NEED: NEED_QUALITY,
    How.PREFIX: 0.8,
    How.COMPOUND: 0.65,
    How.FUZZY: 0.55,
}
PART_QUALITY = 0.7  # a query word that is a known part of an indexed compound
FORM_QUALITY = 0.85  # another form by lemma or derivation ('alkoholiker' for 'alkohol')
MIN_COMPOUND = 8  # shortest word split into two parts
MIN_HEAD = 3  # shortest first part of a compound
MIN_TAIL = 4  # shortest last part of a compound
LINKING = ("s", "e")  # Danish linking letters: 'ungdom-s-uddannelse', 'hjemm-e-pleje'
MAX_ABBREVIATION = 5  # a word typed in capitals up to this long is an abbreviation: exact only
SUPPORT_SHARE = 0.05  # share of a query word's other matches added to its best one
SYNONYM_WEIGHT = 0.7  # a synonym counts less than the word itself
KIND_PRIOR = {
    HitKind.UNIT: 1.0,
    HitKind.CONTACT: 1.0,
    HitKind.DEPARTMENT: 0.9,
    HitKind.LOCATION: 0.8,
}
_KIND_ORDER = {HitKind.UNIT: 0, HitKind.CONTACT: 1, HitKind.DEPARTMENT: 2, HitKind.LOCATION: 3}
EXACT_NAME_BONUS = 0.5  # added (per query word) when the whole query is a record's name
MIN_PREFIX = 3  # shortest query word matched as a prefix
MIN_INFIX = 4  # shortest query word looked for inside compounds
MAX_EXPANSIONS = 200  # most vocabulary words one query word may stand for (prefixes)
MAX_INSIDE = 40  # most compounds a query word is looked for inside
NEAREST_CUTOFF = 60  # rapidfuzz ratio (0-100) of a 'nearest match' to a word that found nothing
RELATIVE_CUTOFF = 0.12  # hits scoring below this share of the best one are left out
NEED_VECTORS_KEPT = 24  # scores of the needs named lately, kept (a float per document each)


@dataclass(frozen=True, slots=True)
class Match:
    """Why a hit matched one query word: in which field, on which word, how."""

    field: Field
    word: str  # the indexed word, as written in the data
    query: str  # the query word (search key)
    how: How
    via: str | None = None  # the synonym that led here

    @property
    def label(self) -> str:
        return FIELD_LABEL[self.field]

    def describe(self) -> str:
        """The matched word and how, after the field label ('' for an exact name match)."""
        if self.field is Field.NAME and self.how is How.EXACT:
            return ""
        if self.how is How.NEED:
            return f"'{self.word}'"
        text = f"'{self.word}'"
        if self.how is How.FUZZY:
            text += f" (ligner '{self.query}')"
        elif self.how is How.SYNONYM and self.via:
            text += f" (synonym for '{self.via}')"
        return text


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result, best first. `unit_id` is the unit a unit or contact hit belongs to."""

    kind: HitKind
    id: str
    unit_id: str | None
    score: float
    name: str
    department_id: str | None
    matches: tuple[Match, ...] = ()

    @property
    def explanation(self) -> str:
        """'Fundet på: navn, nøgleord 'herberg'' (Danish, for the result card)."""
        if not self.matches:
            return "Fundet på: filtrene"
        by_label: dict[str, list[str]] = {}
        for match in sorted(self.matches, key=lambda m: (-FIELD_WEIGHT[m.field], m.field)):
            words = by_label.setdefault(match.label, [])
            text = match.describe()
            if text and text not in words:
                words.append(text)
        parts = [
            label + (" " + ", ".join(words) if words else "") for label, words in by_label.items()
        ]
        return "Fundet på: " + ", ".join(parts[:4])

    @property
    def matched_fields(self) -> list[str]:
        return sorted({m.label for m in self.matches})


@dataclass(frozen=True, slots=True)
class _Doc:
    kind: HitKind
    id: str
    unit_id: str | None
    name: str
    department_id: str | None


@dataclass(slots=True)
class _Candidate:
    """An indexed word (or synonym phrase) that a query word stands for."""

    how: How
    quality: float
    term: int = -1  # vocabulary id; -1 for a phrase (then `parts`)
    parts: tuple[_Vector, ...] = ()
    via: str | None = None


@dataclass(slots=True)
class _Vector:
    """Scores of one query word (or candidate) over all documents, and which candidate won."""

    score: np.ndarray
    best: np.ndarray
    candidates: list[_Candidate]


class SearchIndex:
    """Danish-aware search over a directory. Build once; `search()` is read-only and thread-safe."""

    def __init__(
        self, directory: Directory, synonyms: Iterable[Iterable[str]] | None = None
    ) -> None:
        self.directory = directory
        self._docs: list[_Doc] = []
        self._term_ids: dict[str, int] = {}
        self._display: list[str] = []
        self._occurrences: tuple[list[int], list[int], list[int]] = ([], [], [])
        self._text_ids: dict[tuple[str, bool], int] = {}
        self._names: dict[str, list[int]] = {}
        self._text_terms: list[list[int]] = []
        self._unit_doc: dict[str, int] = {}
        self._needs: list[str] | None = None
        self._owners: dict[tuple[Field, str], list[int]] = {}  # phone or e-mail → documents
        collecting = gc.isenabled()
        gc.disable()  # the build makes millions of small objects; collections would cost ~40%
        try:
            self._add_documents(directory)
            self._finish_postings()
            self._build_vocabulary()
        finally:
            if collecting:
                gc.enable()
        groups = list(BUILTIN_SYNONYMS) + [list(g) for g in directory.synonyms]
        groups += [list(g) for g in synonyms or []]
        self._build_synonyms(groups)
        self._build_filters(directory)
        collecting = gc.isenabled()
        gc.disable()
        try:
            self.need_matcher = NeedMatcher(directory, self._unit_doc, len(self._docs))
        finally:
            if collecting:
                gc.enable()

    # ----------------------------------------------------------------- building

    def _doc(
        self, kind: HitKind, id_: str, unit_id: str | None, name: str, dept: str | None
    ) -> int:
        self._docs.append(_Doc(kind, id_, unit_id, name, dept))
        doc = len(self._docs) - 1
        self._names.setdefault(phrase_key(name), []).append(doc)
        return doc

    def _add(self, doc: int, field: Field, *texts: str | None) -> None:
        """Record that `texts` occur in a document's field (words are expanded later)."""
        occ_doc, occ_field, occ_text = self._occurrences
        joined = field in _JOINED
        for text in texts:
            if not text:
                continue
            text_id = self._text_ids.get((text, joined))
            if text_id is None:
                text_id = self._text_ids[(text, joined)] = len(self._text_terms)
                self._text_terms.append(self._term_list(text, joined))
            occ_doc.append(doc)
            occ_field.append(field)
            occ_text.append(text_id)

    def _term_list(self, text: str, joined: bool) -> list[int]:
        """Vocabulary ids of a text's words (and, if `joined`, of adjacent words joined)."""
        out: list[int] = []
        previous: tuple[str, str] | None = None
        for raw, word in tokens(text):
            pairs = [(word, raw)]
            if joined and previous is not None:
                pairs.append((previous[1] + word, f"{previous[0]} {raw}"))
            for term, shown in pairs:
                term_id = self._term_ids.get(term)
                if term_id is None:
                    term_id = self._term_ids[term] = len(self._display)
                    self._display.append(shown)
                out.append(term_id)
            previous = (raw, word)
        return out

    def _own(self, doc: int, phones: Iterable[Phone], email: str | None) -> None:
        """Record the numbers and the e-mail a document owns (only those it was given)."""
        for phone in phones:
            number = phone_key(phone.number)
            if number is not None:
                owners = self._owners.setdefault((Field.PHONE, number), [])
                if doc not in owners:
                    owners.append(doc)
        if email:
            self._owners.setdefault((Field.EMAIL, email.strip().lower()), []).append(doc)

    def _add_documents(self, directory: Directory) -> None:
        departments = directory.departments
        needs: dict[str, list[str]] = {}
        for referral in directory.referrals:
            needs.setdefault(referral.to, []).extend(referral.needs)
        for dept in departments.values():
            doc = self._doc(HitKind.DEPARTMENT, dept.id, None, dept.name, dept.id)
            self._add(doc, Field.NAME, dept.name)
            self._add(doc, Field.ABBREVIATION, dept.short)
            self._add(doc, Field.DESCRIPTION, dept.description)
            self._own(doc, dept.phones, dept.email)
        for unit in directory.units.values():
            unit_dept = departments.get(unit.department)
            doc = self._unit_doc[unit.id] = self._doc(
                HitKind.UNIT, unit.id, unit.id, unit.name, unit.department
            )
            initials = acronym(unit.name)
            self._add(doc, Field.NAME, unit.name)
            self._add(
                doc, Field.ABBREVIATION, initials if initials and len(initials) >= 3 else None
            )
            self._add(doc, Field.KEYWORDS, *unit.keywords)
            self._add(doc, Field.CONTACT, *(c.name for c in unit.contacts))
            self._add(doc, Field.RESPONSIBILITIES, *unit.responsibilities)
            self._add(doc, Field.TARGET_GROUPS, *unit.target_groups)
            self._add(doc, Field.NEEDS, *needs.get(unit.id, []))
            self._add(doc, Field.AREAS, *(a for c in unit.contacts for a in c.areas))
            if unit_dept is not None:
                self._add(doc, Field.DEPARTMENT, unit_dept.name, unit_dept.short)
            self._add(doc, Field.DESCRIPTION, unit.description)
            for location_id in unit.locations:
                location = directory.locations.get(location_id)
                if location is not None:
                    address = location.address
                    self._add(doc, Field.PLACE, address.street, address.postal_code, address.city)
            self._add(doc, Field.HOW_TO_REFER, unit.how_to_refer)
            self._own(doc, unit.phones, unit.email)
            for contact in unit.contacts:
                cdoc = self._doc(
                    HitKind.CONTACT, contact.id, unit.id, contact.name, unit.department
                )
                self._add(cdoc, Field.NAME, contact.name)
                self._add(cdoc, Field.TITLE, contact.title, contact.role.value)
                self._add(cdoc, Field.AREAS, *contact.areas)
                self._add(cdoc, Field.UNIT, unit.name)
                self._own(cdoc, contact.phones, contact.email)
        for location in directory.locations.values():
            doc = self._doc(HitKind.LOCATION, location.id, None, location.name, None)
            address = location.address
            self._add(doc, Field.NAME, location.name)
            self._add(doc, Field.ADDRESS, address.street, address.postal_code, address.city)
            self._add(doc, Field.NOTES, location.notes, location.accessibility)

    def _finish_postings(self) -> None:
        """Expand text occurrences into (word, document, field) postings, sorted by word and
        document; merge a word's fields per document into a bit mask and a weight."""
        lengths_of = np.array([len(t) for t in self._text_terms], dtype=np.int64)
        flat = np.array([i for t in self._text_terms for i in t], dtype=np.int32)
        text_start = np.zeros(len(lengths_of) + 1, dtype=np.int64)
        np.cumsum(lengths_of, out=text_start[1:])
        occ_text = np.array(self._occurrences[2], dtype=np.int64)
        lengths = lengths_of[occ_text] if len(occ_text) else np.zeros(0, dtype=np.int64)
        docs = np.repeat(np.array(self._occurrences[0], dtype=np.int32), lengths)
        fields = np.repeat(np.array(self._occurrences[1], dtype=np.int8), lengths)
        ends = np.cumsum(lengths)
        within = np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - lengths, lengths)
        terms = flat[
            np.repeat(text_start[:-1][occ_text] if len(occ_text) else occ_text, lengths) + within
        ]
        self._occurrences = ([], [], [])
        self._text_terms, self._text_ids = [], {}
        order = np.lexsort((docs, terms))
        terms, docs, fields = terms[order], docs[order], fields[order]
        if len(terms):
            change = np.empty(len(terms), dtype=bool)
            change[0] = True
            change[1:] = (terms[1:] != terms[:-1]) | (docs[1:] != docs[:-1])
            starts = np.flatnonzero(change)
            masks = np.bitwise_or.reduceat(np.left_shift(1, fields.astype(np.int32)), starts)
        else:
            starts = np.zeros(0, dtype=np.int64)
            masks = np.zeros(0, dtype=np.int32)
        kinds_of_mask, inverse = np.unique(masks, return_inverse=True)
        present = (kinds_of_mask[:, None] >> np.arange(len(Field))) & 1  # (masks, fields)
        weighted = present * FIELD_WEIGHT
        best = weighted.max(axis=1) if len(kinds_of_mask) else np.zeros(0, dtype=np.float32)
        total = weighted.sum(axis=1) if len(kinds_of_mask) else np.zeros(0, dtype=np.float32)
        mask_weight = (best + _OTHER_FIELDS_SHARE * (total - best)).astype(np.float32)
        self._pdoc = docs[starts]
        self._pmask = masks.astype(np.int32)
        self._pweight = mask_weight[inverse]
        # start of each vocabulary word's postings
        self._tstart = np.searchsorted(terms[starts], np.arange(len(self._display) + 1)).astype(
            np.int64
        )

    def _build_vocabulary(self) -> None:
        self._keys = [""] * len(self._term_ids)
        for word, term_id in self._term_ids.items():
            self._keys[term_id] = word
        self._vocab = sorted(self._term_ids)
        self._vocab_ids = [self._term_ids[w] for w in self._vocab]
        self._blob = "\n".join(self._vocab) + "\n"
        offsets, position = [], 0
        for word in self._vocab:
            offsets.append(position)
            position += len(word) + 1
        self._offsets = offsets
        by_length: dict[int, list[str]] = {}
        for word in self._vocab:
            by_length.setdefault(len(word), []).append(word)
        self._by_length = by_length
        # Word forms: every vocabulary word under its stem ('fogedretten' under 'fogedret').
        stems: dict[str, list[int]] = {}
        for word, term_id in self._term_ids.items():
            stems.setdefault(stem(word), []).append(term_id)
        self._stems = stems
        # Word forms beyond the stem: the index's words under their lemma's and derivations'
        # stems ('psykotisk' under 'psykos', so 'psykose' finds it), one rule for both sides
        # (`directory.rules.words.bases`).
        forms: dict[str, list[int]] = {}
        for term_id, shown in enumerate(self._display):
            if " " in shown or not shown.isalpha():
                continue
            for base in bases(shown)[1:]:
                forms.setdefault(base, []).append(term_id)
        self._forms = forms
        self._lexicon = {w for w in self._term_ids if len(w) >= MIN_HEAD} | {
            s for s in stems if len(s) >= MIN_HEAD
        }
        # Decompounding on the index side: a compound is also found under the stem of each of
        # its two parts ('uddannelsesvejledning' under 'uddan' and 'vejledning').
        parts: dict[str, list[int]] = {}
        for word, term_id in self._term_ids.items():
            split = self._decompound(word)
            if split is not None:
                for part in split:
                    parts.setdefault(stem(part), []).append(term_id)
        self._parts = parts

    def _known(self, part: str) -> bool:
        """A compound part is known when it is a vocabulary word or has a vocabulary word's stem."""
        return part in self._lexicon or stem(part) in self._stems

    def _decompound(self, word: str) -> tuple[str, str] | None:
        """A word as two known words, the longest first part first ('ungdomsuddannelse' →
        'ungdom' + 'uddannelse', dropping a linking s or e); None when it is no compound.

        Set lookups only (no stemming per cut): a last part is known as written or by the
        end of the whole word's stem ('ungdomsuddannelsen' → stem 'ungdomsuddan' → 'uddan')."""
        if len(word) < MIN_COMPOUND or not word.isalpha():
            return None
        known = self._lexicon
        root = stem(word)
        for cut in range(len(word) - MIN_TAIL, MIN_HEAD - 1, -1):
            tail = word[cut:]
            if tail not in known and not (len(root) - cut >= MIN_HEAD and root[cut:] in known):
                continue
            head = word[:cut]
            if head in known:
                return head, tail
            if head.endswith(LINKING) and len(head) > MIN_HEAD and head[:-1] in known:
                return head[:-1], tail
        return None
        for cut in range(len(word) - MIN_TAIL, MIN_HEAD - 1, -1):
            head, tail = word[:cut], word[cut:]
            if not self._known(tail):
                continue
            if self._known(head):
                return head, tail
            if head.endswith(LINKING) and len(head) > MIN_HEAD and self._known(head[:-1]):
                return head[:-1], tail
        return None

    def _build_synonyms(self, groups: list[list[str]]) -> None:
        """phrase (tuple of keys) → the other phrases of its groups, as written."""
        self._synonyms: dict[tuple[str, ...], list[tuple[tuple[str, ...], str]]] = {}
        for group in groups:
            phrases = [(tuple(query_terms(text)), text) for text in group if query_terms(text)]
            for phrase, _ in phrases:
                for key_ in {phrase, tuple(stem(w) for w in phrase)}:  # 'drikker' → 'drikke'
                    others = self._synonyms.setdefault(key_, [])
                    others.extend(p for p in phrases if p[0] != phrase and p not in others)

    def _build_filters(self, directory: Directory) -> None:
        n = len(self._docs)
        dept_ids = sorted(directory.departments)
        self._dept_index = {d: i for i, d in enumerate(dept_ids)}
        self._doc_dept = np.full(n, -1, dtype=np.int32)
        self._doc_unit = np.full(n, -1, dtype=np.int32)  # the unit document of a unit/contact
        self._age_min = np.full(n, 0, dtype=np.int32)
        self._age_max = np.full(n, 999, dtype=np.int32)
        hours_ids: dict[tuple[str | None, str | None], int] = {}
        unit_hours_id: dict[str, int] = {}
        for unit in directory.units.values():
            hours = unit_hours(directory, unit)
            unit_hours_id[unit.id] = (
                -1 if hours is None else hours_ids.setdefault(hours, len(hours_ids))
            )
        self._hours_list = list(hours_ids)
        self._doc_hours = np.full(n, -1, dtype=np.int32)
        self._kind = np.array([_KIND_ORDER[d.kind] for d in self._docs], dtype=np.int8)
        for i, doc in enumerate(self._docs):
            if doc.department_id is not None:
                self._doc_dept[i] = self._dept_index.get(doc.department_id, -1)
            if doc.unit_id is not None:
                unit = directory.units[doc.unit_id]
                self._doc_unit[i] = self._unit_doc[unit.id]
                self._doc_hours[i] = unit_hours_id[unit.id]
                if unit.age is not None:
                    self._age_min[i] = unit.age.min if unit.age.min is not None else 0
                    self._age_max[i] = unit.age.max if unit.age.max is not None else 999
        self._prior = np.array([KIND_PRIOR[d.kind] for d in self._docs], dtype=np.float32)

    # ----------------------------------------------------------------- matching words

    def __len__(self) -> int:
        return len(self._docs)

    @property
    def vocabulary_size(self) -> int:
        return len(self._vocab)

    def _prefixed(self, word: str) -> list[str]:
        lo = bisect.bisect_left(self._vocab, word)
        hi = bisect.bisect_left(self._vocab, word + "\x7f", lo)
        found = self._vocab[lo:hi]
        if len(found) > MAX_EXPANSIONS:
            found = sorted(found, key=len)[:MAX_EXPANSIONS]
        return found

    def _inside(self, word: str) -> list[str]:
        """Vocabulary words that hold `word` as a later part of a compound: after a first part
        that is itself a word of the data (or a form of one)."""
        found: list[str] = []
        blob, start = self._blob, 0
        while len(found) < MAX_INSIDE:
            at = blob.find(word, start)
            if at < 0:
                break
            index = bisect.bisect_right(self._offsets, at) - 1
            head = blob[self._offsets[index] : at]
            joined = " " in self._display[self._vocab_ids[index]]  # 'maja kristoffersen'
            if head and not joined and self._is_head(head):
                found.append(self._vocab[index])
            start = at + 1
        return found

    def _is_head(self, head: str) -> bool:
        """Whether what comes before a part inside a word can be the first part of a compound
        ('gade' in 'gadeplan': four letters or more, or a known word such as 'ung' in
        'ungdom'), not an accident of spelling ('kri' in 'kristoffersen' is no word)."""
        if len(head) < 2:
            return False
        if len(head) >= MIN_INFIX or self._known(head):
            return True
        return head.endswith(LINKING) and len(head) > 2 and self._known(head[:-1])

    def _fuzzy(self, word: str) -> list[tuple[str, int]]:
        """Vocabulary words within a typo or two of `word` (OSA distance: swaps count once)."""
        if len(word) < 4:
            return []
        limit = 1 if len(word) < 8 else 2
        choices = [
            w
            for n in range(len(word) - limit, len(word) + limit + 1)
            for w in self._by_length.get(n, ())
        ]
        found = process.extract(word, choices, scorer=OSA.distance, score_cutoff=limit, limit=10)
        return [(w, int(d)) for w, d, _ in found if d > 0]

    def _candidates(
        self,
        word: str,
        *,
        loose: bool = True,
        parts: bool = False,
        exact_only: bool = False,
        forms_only: bool = False,
        raw: str | None = None,
    ) -> list[_Candidate]:
        """The vocabulary words a query word stands for, with how well each matches.

        Exact, other forms of the word (same stem, or same lemma or derivation: `raw` is the
        word as typed), prefixes; with `parts` or `loose`, the compounds it is a part of;
        with `loose`, words that hold it and typo fixes. `exact_only` (an abbreviation typed
        in capitals): the word itself only; `forms_only` (a word of a vocabulary phrase):
        the word and its forms, no prefixes, parts or typos."""
        ids = self._term_ids
        out: list[_Candidate] = []
        if word in ids:
            out.append(_Candidate(How.EXACT, QUALITY[How.EXACT], ids[word]))
        if exact_only:
            return out
        seen = {c.term for c in out}
        for term in self._stems.get(stem(word), ()):
            if term not in seen:
                seen.add(term)
                out.append(_Candidate(How.STEM, QUALITY[How.STEM], term))
        for base in bases(raw or word):
            for term in (*self._stems.get(base, ()), *self._forms.get(base, ())):
                if term not in seen:
                    seen.add(term)
                    out.append(_Candidate(How.STEM, FORM_QUALITY, term))
        if forms_only:
            return out
        found_form = bool(out)
        root = stem(word)
        starts = [(word, 1.0)]
        if root != word and len(root) >= MIN_INFIX and not found_form:
            starts.append((root, 0.9))  # 'fogden' → 'foged' → 'fogedretten'
        # a short word that is itself a word of the data ('sof') is that word, not a prefix
        # of longer ones ('sofie'); longer words are prefixes too ('herb' → 'herberg')
        prefixes = len(word) >= MIN_INFIX or (len(word) >= MIN_PREFIX and word not in ids)
        for start, share in starts if prefixes else ():
            for other in self._prefixed(start):
                if ids[other] not in seen:
                    seen.add(ids[other])
                    ratio = len(start) / len(other)
                    quality = QUALITY[How.PREFIX] * (0.8 + 0.2 * ratio) * share
                    out.append(_Candidate(How.PREFIX, quality, ids[other]))
        if loose or parts:
            seen = {c.term for c in out}
            for term in self._parts.get(stem(word), ()) if len(word) >= MIN_HEAD else ():
                if term not in seen:
                    seen.add(term)
                    out.append(_Candidate(How.COMPOUND, PART_QUALITY, term))
        if not loose:
            return out
        if len(word) >= MIN_INFIX:
            seen = {c.term for c in out}
            for other in self._inside(word):
                if ids[other] not in seen:
                    out.append(_Candidate(How.COMPOUND, QUALITY[How.COMPOUND], ids[other]))
        if not found_form:
            for other, distance in self._fuzzy(word):
                out.append(_Candidate(How.FUZZY, QUALITY[How.FUZZY] / distance, ids[other]))
        return out

    def _vector(self, candidates: list[_Candidate]) -> _Vector:
        """Each document's best score over the candidates, and which candidate gave it."""
        n = len(self._docs)
        score = np.zeros(n, dtype=np.float32)
        best = np.zeros(n, dtype=np.int32)
        if len(candidates) == 1 and candidates[0].term >= 0:  # the common case: one word
            cand = candidates[0]
            lo, hi = self._tstart[cand.term], self._tstart[cand.term + 1]
            score[self._pdoc[lo:hi]] = self._pweight[lo:hi] * cand.quality
            return _Vector(score, best, candidates)
        all_docs: list[np.ndarray] = []
        all_values: list[np.ndarray] = []
        lengths: list[int] = []
        docs: np.ndarray
        for cand in candidates:
            if cand.term >= 0:
                lo, hi = self._tstart[cand.term], self._tstart[cand.term + 1]
                docs = self._pdoc[lo:hi]
                values = self._pweight[lo:hi] * cand.quality
            else:
                values = np.minimum.reduce([p.score for p in cand.parts]) * cand.quality
                docs = np.flatnonzero(values)
                values = values[docs]
            all_docs.append(docs)
            all_values.append(values.astype(np.float32, copy=False))
            lengths.append(len(docs))
        if all_docs:
            docs = np.concatenate(all_docs)
            values = np.concatenate(all_values)
            np.maximum.at(score, docs, values)
            winners = values >= score[docs]  # the entries that gave each document its score
            index = np.repeat(np.arange(len(candidates), dtype=np.int32), lengths)
            best[docs[winners]] = index[winners]
        return _Vector(score, best, candidates)

    def _phrase(
        self, phrase: tuple[str, ...], how: How, quality: float, via: str | None
    ) -> _Candidate | None:
        parts = []
        for word in phrase:
            cands = self._candidates(word, loose=False)
            if not cands:
                return None
            parts.append(self._vector(cands))
        return _Candidate(how, quality, parts=tuple(parts), via=via)

    def _synonym_candidates(
        self,
        slots: list[str],
        typed: list[str],
        i: int,
        spellings: list[list[tuple[str, float]]],
    ) -> dict[int, list[_Candidate]]:
        """Synonym phrases for the query words starting at slot i: {phrase length: candidates}.

        A single word also finds its synonyms through a typo fix ('herbeg' → 'herberg') or
        an inflection ('hjemløse' → 'hjemløs'), at a lower weight.
        """
        out: dict[int, list[_Candidate]] = {}
        for length in (3, 2, 1):
            if i + length > len(slots):
                continue
            if length > 1:
                phrase = tuple(slots[i : i + length])
                lookups = [(phrase, 1.0), (tuple(stem(w) for w in phrase), 0.95)]
            else:
                lookups = [((w,), q) for w, q in spellings[i]]
                lookups.append(((stem(slots[i]),), 0.95))
                word, shortest = slots[i], max(MIN_PREFIX, len(slots[i]) - 3)
                lookups += [((word[:cut],), 0.9) for cut in range(len(word) - 1, shortest - 1, -1)]
            via = " ".join(typed[i : i + length])
            seen: set[tuple[str, ...]] = set()
            for phrase, quality in lookups:
                for other, _ in self._synonyms.get(phrase, []):
                    if other in seen or other == phrase:
                        continue
                    seen.add(other)
                    weight = SYNONYM_WEIGHT * quality
                    if len(other) == 1:  # one word: its matches directly, no phrase vector
                        out.setdefault(length, []).extend(
                            _Candidate(How.SYNONYM, weight * c.quality, c.term, via=via)
                            for c in self._candidates(other[0], loose=False)
                        )
                        continue
                    cand = self._phrase(other, How.SYNONYM, weight, via)
                    if cand is not None:
                        out.setdefault(length, []).append(cand)
            if length > 1 and out.get(length):
                break
        return out

    # ----------------------------------------------------------------- searching

    def search(
        self,
        query: str,
        limit: int = 10,
        *,
        department: str | Iterable[str] | None = None,
        need: str | None = None,
        target_group: str | None = None,
        age: int | None = None,
        open_now: bool = False,
        at: dt.datetime | None = None,
        kinds: Iterable[str] | None = None,
    ) -> list[Hit]:
        """Hits best first. Filters keep unit and contact hits whose unit fits them.

        `department`: department id(s); `need`/`target_group`: words looked for in a unit's
        target groups, responsibilities, keywords and the needs of referrals to it; `age`:
        the citizen's age in years (a unit without an age range fits every age);
        `open_now`: only units open at `at` (default now, Copenhagen time); `kinds`: hit kinds.
        With filters and an empty query, every unit that fits is listed by name.
        """
        needs = [text for text in (need, target_group) if text and text.strip()]
        allowed = self._allowed(department, needs, age, open_now, at, kinds)
        owned = owner_key(query or "")
        if owned is not None:  # a number or an e-mail: its owners and nothing else
            return self._owned(owned, query.strip(), allowed, limit)
        typed = query_tokens(query or "")
        slots = [k for _, k in typed]
        if not slots:
            if allowed is None:
                return []
            docs = [int(i) for i in np.flatnonzero(allowed) if self._docs[i].kind is HitKind.UNIT]
            docs.sort(key=lambda i: self._docs[i].name.lower())
            return [self._hit(i, 0.0, ()) for i in docs[:limit]]
        named = self._named_needs(query or "", slots)
        phrased = frozenset(i for covered, mention in named if mention.words > 1 for i in covered)
        vectors = self._slot_vectors(
            slots, [raw for raw, _ in typed], _abbreviations(query), phrased
        )
        for covered, mention in named:
            need_vector = self._need_vector(mention)
            for i in covered:
                vectors[i].append(need_vector)
        total = np.zeros(len(self._docs), dtype=np.float32)
        matched = np.zeros(len(self._docs), dtype=np.float32)
        for slot in vectors:
            scores = [v.score for v in slot]
            best = np.maximum.reduce(scores)
            total += best
            if len(scores) > 1:  # more evidence (e.g. the word and its synonym) breaks ties
                total += SUPPORT_SHARE * (np.add.reduce(scores) - best)
            matched += best > 0
        coverage = matched / len(slots)
        score = total * coverage * coverage * self._prior / (10.0 * len(slots))
        for doc in self._names.get(" ".join(slots), []):
            if score[doc] > 0:
                score[doc] += EXACT_NAME_BONUS
        if allowed is not None:
            score[~allowed] = 0
        return self._top(score, limit, [raw for raw, _ in typed], vectors)

    def named_needs(self, query: str) -> list[str]:
        """The ids of the needs a query names, each once, in its order (what the search
        adds units for; the guide reads a situation with the same reader)."""
        slots = query_terms(query or "")
        return list(dict.fromkeys(m.need.id for _, m in self._named_needs(query or "", slots)))

    def _named_needs(self, query: str, slots: list[str]) -> list[tuple[list[int], Mention]]:
        """The needs a query names (the needs vocabulary's reader, `search.needs`), each with
        the query words (slot numbers) it covers."""
        head = query_head(query)
        mentions = self.need_matcher.mentions(head)
        if not mentions:
            return []
        slot_of = {word: i for i, word in enumerate(slots)}
        spans = token_spans(head)
        out = []
        for mention in mentions:
            covered = sorted(
                {
                    slot_of[word]
                    for start, _, _, word in spans
                    if mention.start <= start < mention.end and word in slot_of
                }
            )
            if covered:
                out.append((covered, mention))
        return out

    def _need_vector(self, mention: Mention) -> _Vector:
        """The units a named need reaches, as one more thing its words can stand for (the
        scores of the needs named lately are kept: `NEED_VECTORS_KEPT`)."""
        need_id = mention.need.id
        kept: OrderedDict[str, np.ndarray] = self.__dict__.setdefault("_need_scores", OrderedDict())
        scores = kept.get(need_id)
        if scores is None:
            scores = self.need_matcher.vector(need_id) * np.float32(QUALITY[How.NEED])
            scores.flags.writeable = False
            kept[need_id] = scores
            if len(kept) > NEED_VECTORS_KEPT:
                kept.popitem(last=False)
        else:
            kept.move_to_end(need_id)
        best = self.__dict__.get("_no_best")
        if best is None:
            best = self.__dict__["_no_best"] = np.zeros(len(self._docs), dtype=np.int32)
            best.flags.writeable = False
        candidate = _Candidate(How.NEED, QUALITY[How.NEED], via=mention.need.label)
        return _Vector(scores, best, [candidate])

    def _owned(
        self, owned: tuple[Field, str], typed: str, allowed: np.ndarray | None, limit: int
    ) -> list[Hit]:
        docs = [d for d in self._owners.get(owned, []) if allowed is None or allowed[d]]
        docs.sort(key=lambda d: (self._kind[d], self._docs[d].name.lower()))
        field, value = owned
        return [self._hit(d, 1.0, (Match(field, typed, value, How.EXACT),)) for d in docs[:limit]]

    def _slot_vectors(
        self,
        slots: list[str],
        typed: list[str],
        abbreviations: frozenset[str] = frozenset(),
        phrased: frozenset[int] = frozenset(),
    ) -> list[list[_Vector]]:
        """For each query word, the score vectors of everything it can stand for.

        A word in `abbreviations` (typed in capitals: 'SOF') matches only itself and its
        synonyms, never a longer word it begins ('Sofie'). A word in a phrase of the needs
        vocabulary (slot numbers in `phrased`: 'hjemmet' in 'vold i hjemmet') matches only
        itself and its forms, never a compound it begins ('hjemmeplejen')."""
        vectors: list[list[_Vector]] = []
        spelled: list[list[tuple[str, float]]] = []
        for i, (word, raw) in enumerate(zip(slots, typed, strict=True)):
            cands = self._candidates(
                word, exact_only=word in abbreviations, forms_only=i in phrased, raw=raw
            )
            vectors.append([self._vector(cands)])
            fixed = [(self._keys[c.term], c.quality) for c in cands if c.how is How.FUZZY]
            spelled.append([(word, 1.0), *sorted(fixed, key=lambda f: -f[1])[:2]])
            if (
                word not in abbreviations
                and i not in phrased
                and not any(c.how in (How.EXACT, How.STEM) for c in cands)
            ):
                split = self._split(word)
                if split:
                    vectors[-1].append(self._vector(split))
        for i in range(len(slots) - 1):  # compounds written apart: 'bolig rådgivning'
            if i in phrased and i + 1 in phrased:
                continue
            joined = slots[i] + slots[i + 1]
            cands = [
                _Candidate(How.COMPOUND, c.quality * 0.95, c.term)
                for c in self._candidates(joined, loose=False)
            ]
            if cands:
                vector = self._vector(cands)
                vectors[i].append(vector)
                vectors[i + 1].append(vector)
        for i in range(len(slots)):
            for length, cands in self._synonym_candidates(slots, typed, i, spelled).items():
                vector = self._vector(cands)
                for j in range(i, i + length):
                    vectors[j].append(vector)
        return vectors

    def _split(self, word: str) -> list[_Candidate]:
        """A word that is two known words written together: 'stepup' → 'step' + 'up', or a
        compound of known words and their forms: 'ungdomsuddannelse' → 'ungdom' + 'uddannelse'
        (each part also found inside indexed compounds: 'hashmisbrug' → 'ungemisbrug')."""
        ids = self._term_ids
        out: list[_Candidate] = []
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            if left in ids and right in ids:
                parts = (
                    self._vector([_Candidate(How.EXACT, 1.0, ids[left])]),
                    self._vector([_Candidate(How.EXACT, 1.0, ids[right])]),
                )
                out.append(_Candidate(How.COMPOUND, QUALITY[How.PREFIX], parts=parts))
                break
        split = self._decompound(word)
        if split is None:
            return out
        vectors = []
        for part in split:
            cands = self._candidates(part, loose=False, parts=True)
            if not cands:
                return out
            vectors.append(self._vector(cands))
        out.append(_Candidate(How.COMPOUND, QUALITY[How.COMPOUND], parts=tuple(vectors)))
        return out

    def _allowed(
        self,
        department: str | Iterable[str] | None,
        needs: list[str],
        age: int | None,
        open_now: bool,
        at: dt.datetime | None,
        kinds: Iterable[str] | None,
    ) -> np.ndarray | None:
        """Which documents pass the filters (None: no filter set)."""
        allowed: np.ndarray | None = None

        def narrow(mask: np.ndarray) -> None:
            nonlocal allowed
            allowed = mask if allowed is None else allowed & mask

        if kinds is not None:
            wanted = {_KIND_ORDER[HitKind(k)] for k in kinds}
            narrow(np.isin(self._kind, list(wanted)))
        unit_filter = bool(department) or bool(needs) or age is not None or open_now
        if not unit_filter:
            return allowed
        narrow(self._doc_unit >= 0)
        if department:
            chosen = [department] if isinstance(department, str) else list(department)
            narrow(np.isin(self._doc_dept, [self._dept_index.get(d, -2) for d in chosen]))
        if age is not None:
            narrow((self._age_min <= age) & (self._age_max >= age))
        for need in needs:
            narrow(self._need_mask(need)[np.maximum(self._doc_unit, 0)])
        if open_now:
            moment = at or clock.now()
            flags = [
                combined_status(own, building, moment).is_open for own, building in self._hours_list
            ]
            open_ids = np.array([*flags, False], dtype=bool)
            narrow(open_ids[self._doc_hours])  # -1 (no hours) picks the trailing False
        return allowed

    def _need_mask(self, need: str) -> np.ndarray:
        """Documents whose need-like fields hold every word of `need` (or a synonym of it);
        for a need of the needs vocabulary (its label, id or a synonym), the units that serve
        it (`serves_need`: the same rule as the map and the referral graph)."""
        vocabulary_need = need_of(self.directory, need)
        if vocabulary_need is not None:
            cache: dict[str, np.ndarray] = self.__dict__.setdefault("_vocabulary_masks", {})
            if vocabulary_need.id not in cache:
                result = np.zeros(len(self._docs), dtype=bool)
                for unit in self.directory.units.values():
                    if serves_need(self.directory, unit, need):
                        result[self._unit_doc[unit.id]] = True
                cache[vocabulary_need.id] = result
            return cache[vocabulary_need.id]
        result = np.ones(len(self._docs), dtype=bool)
        for word in query_terms(need):
            found = np.zeros(len(self._docs), dtype=bool)
            phrases = [(word,)] + [p for p, _ in self._synonyms.get((word,), [])]
            for phrase in phrases:
                hit = np.ones(len(self._docs), dtype=bool)
                for part in phrase:
                    part_hit = np.zeros(len(self._docs), dtype=bool)
                    for cand in self._candidates(part, loose=False):
                        lo, hi = self._tstart[cand.term], self._tstart[cand.term + 1]
                        docs = self._pdoc[lo:hi][(self._pmask[lo:hi] & _NEED_MASK) != 0]
                        part_hit[docs] = True
                    hit &= part_hit
                found |= hit
            result &= found
        return result

    def _top(
        self, score: np.ndarray, limit: int, slots: list[str], vectors: list[list[_Vector]]
    ) -> list[Hit]:
        positive = np.flatnonzero(score > 0)
        if not len(positive):
            return []
        cutoff = float(score[positive].max()) * RELATIVE_CUTOFF
        positive = positive[score[positive] >= cutoff]
        take = min(len(positive), limit * 3)
        if take < len(positive):
            positive = positive[np.argpartition(-score[positive], take - 1)[:take]]
        order = sorted(
            positive.tolist(),
            key=lambda i: (-round(float(score[i]), 6), self._kind[i], self._docs[i].name.lower()),
        )
        return [
            self._hit(i, float(score[i]), self._explain(i, slots, vectors)) for i in order[:limit]
        ]

    def _explain(
        self, doc: int, slots: list[str], vectors: list[list[_Vector]]
    ) -> tuple[Match, ...]:
        matches: list[Match] = []
        for word, slot in zip(slots, vectors, strict=True):
            best = max(slot, key=lambda v: v.score[doc])
            if best.score[doc] <= 0:
                continue
            match = self._match(doc, word, best)
            if match is not None:
                matches.append(match)
        return tuple(matches)

    def _match(self, doc: int, word: str, vector: _Vector, via: str | None = None) -> Match | None:
        cand = vector.candidates[vector.best[doc]]
        if cand.how is How.NEED:  # a unit the named need reaches: name the need
            return Match(Field.NEEDS, cand.via or "", word, How.NEED, cand.via)
        if cand.term < 0:  # a phrase: explain by its first word
            return self._match(doc, word, cand.parts[0], via=cand.via or via)
        lo, hi = self._tstart[cand.term], self._tstart[cand.term + 1]
        at = lo + int(np.searchsorted(self._pdoc[lo:hi], doc))
        mask = int(self._pmask[at])
        field = Field(next(f for f in Field if mask >> f & 1))
        via = via or cand.via
        how = How.SYNONYM if via else cand.how
        return Match(field, self._display[cand.term], word, how, via)

    def _hit(self, doc: int, score: float, matches: tuple[Match, ...]) -> Hit:
        d = self._docs[doc]
        return Hit(d.kind, d.id, d.unit_id, score, d.name, d.department_id, matches)

    def nearest(self, query: str, n: int = 5) -> list[str]:
        """Queries close to one that found nothing, best first: each word replaced by the
        nearest words of the data (a looser threshold than typo matching); only queries
        that find something."""
        typed = query_tokens(query or "")
        scored: list[tuple[float, str]] = []
        for i, (_, word) in enumerate(typed):
            if len(word) < MIN_PREFIX or not word.isalpha():
                continue
            found = process.extract(
                word, self._vocab, scorer=fuzz.ratio, score_cutoff=NEAREST_CUTOFF, limit=n
            )
            for other, score, _ in found:
                if other == word or not other.isalpha():
                    continue
                shown = self._display[self._term_ids[other]]
                if " " in shown:  # two words indexed joined, not a word of the data
                    continue
                text = " ".join(shown if j == i else raw for j, (raw, _) in enumerate(typed))
                scored.append((score, text))
        out: list[str] = []
        for _, text in sorted(scored, key=lambda s: -s[0]):
            if text not in out and self.search(text, limit=1):
                out.append(text)
            if len(out) == n:
                break
        return out

    # ----------------------------------------------------------------- facets for the UI

    def needs(self) -> list[str]:
        """Distinct target groups and referral needs, as written, for a 'behov' picker.

        Worked out once per index (the Søg page asks on every rerun; 10k units: ~0.1 s)."""
        if self._needs is None:
            self._needs = need_options(self.directory)
        return self._needs


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]+$")
MIN_PHONE_DIGITS = 8  # shorter digit strings ('99', '1813', '112') are searched as words


_NOT_DIGIT = re.compile(r"\D")


def phone_key(number: str) -> str | None:
    """One key per phone number however it is written ('33 66 49 20', '+45 33664920',
    '0045 33 66 49 20' → '+4533664920'); a number without a country code is Danish. None
    when there are no digits. Digits only, no parsing: the validator has checked the
    numbers of the data, and the index is built from thousands of them."""
    text = number.strip()
    digits = _NOT_DIGIT.sub("", text)
    if not digits:
        return None
    if text.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    return "+45" + digits


def owner_key(query: str) -> tuple[Field, str] | None:
    """(PHONE, key) for a query that is a phone number of 8+ digits, (EMAIL, address) for an
    e-mail address, else None (a word search)."""
    text = query.strip()
    if _EMAIL.match(text):
        return Field.EMAIL, text.lower()
    if _PHONE_LIKE.match(text) and sum(ch.isdigit() for ch in text) >= MIN_PHONE_DIGITS:
        return Field.PHONE, phone_key(text) or text
    return None


def _abbreviations(query: str) -> frozenset[str]:
    """Search keys of the words typed in capitals ('SOF', 'JKU'): abbreviations, matched exactly."""
    out: set[str] = set()
    for word in query.split():
        letters = "".join(ch for ch in word if ch.isalpha())
        if 2 <= len(letters) <= MAX_ABBREVIATION and letters.isupper():
            out.update(k for _, k in tokens(word))
    return frozenset(out)
