"""Guided referral, 'Borgerens situation': from a caseworker's description to whom to call.

    from search.guide import guide
    guidance = guide(index, "hun er blevet banket af kæresten og tør ikke tage hjem", age=29)

The description is cut into clauses (sentences, commas and 'og' between clauses; chosen
needs are clauses of their own); an age written in it ('42 år', '17-årig') is read when none
is given. Each clause is read as needs first (`search.needs`: the needs vocabulary, the
same reader and word rules as the search): words → needs → units. Per need, the units the
need reaches are ranked by how strongly their own words carry it and how specialised they
are, with the clause's own search as a tie-breaker and a unit made for the citizen's age
group ahead; the age is a strict filter (a unit whose age range excludes it is never
suggested). A need that reaches no unit of that age speaks through its broader needs
(angst → psykisk sygdom). When the situation names no need at all, its clauses are searched
as before; when it does, a clause that names none is listed without units (the page offers
to search for it: 'to børn' pulls in no family benefits). Each suggestion says why in plain
Danish
('»blevet banket af kæresten« → Vold i nære relationer → Danner (krisecenter, partnervold)'),
quoting at most a short excerpt. Best first means: each need's best unit (one that answers
several needs first, else in the order the needs were described), then the runners-up.

A situation that holds a CPR number, a phone number or an e-mail address is refused with a
Danish message (`situation_problem`): it is carried in the page's link. Only the first
`MAX_SITUATION_CHARS` characters and `MAX_CLAUSES` clauses are read.

A unit whose temporary notice pauses referrals today (`directory.rules.notices`) is never
the first suggestion while another unit fits: it comes after every unit that takes
referrals (its card says why); when only paused units fit, they are listed all the same.

Order of calls: a unit that every referral into it gates behind something another unit
gives (visitation, an indstilling, a genoptræningsplan, a lægeattest … any requirement that
is not the citizen's consent) comes after that unit; the unit is added as a step of its
own when it was not suggested already. From the caseworker's own unit, each suggestion
gets the shortest referral path (`directory.graph.analysis.ReferralGraph`).

No streamlit here: the page (`ui/situation.py`) and the command (`python -m directory
guide`) both call `guide()`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from directory.model import Directory, Referral, Unit
from directory.rules import clock
from directory.rules.areas import CitizenArea
from directory.rules.calling import CallNumber, number_to_call
from directory.rules.hours import Status, family_status
from directory.rules.notices import is_paused
from directory.rules.personal import personal_kind
from directory.rules.query import MAX_EXCERPT_CHARS, MAX_SITUATION_CHARS, excerpt, situation_text
from directory.rules.vocabulary import Mention, VocabularyNeed
from directory.rules.words import token_spans
from search.index import HitKind, How, SearchIndex
from search.normalize import key, query_terms, stem, terms
from search.placing import AreaFit, open_now, place
from search.results import GROUP_FACTOR, Result, group_hits

if TYPE_CHECKING:
    from directory.graph.analysis import ReferralGraph

_T = TypeVar("_T")
DEFAULT_LIMIT = 5  # suggestions when the caller does not say
PER_NEED = 2  # most units suggested for one need
RUNNER_UP_SHARE = 0.75  # a second unit for a need must score this share of the best
NEED_RUNNER_UP = 0.45  # the same for the units of a named need (weights of one need compare)
PLACED = 4  # a need's best units placed (area, time, districts), per unit it may suggest
MIN_SCORE = 0.03  # a need whose best unit scores less is 'not understood'
MAX_CLAUSES = 12  # clauses of a situation read (its characters: MAX_SITUATION_CHARS)
SITUATION_PHONE_DIGITS = 8  # a phone number in a situation: 8 digits (an amount is no phone)
SEARCH_SHARE = 0.4  # weight of the clause's own search among a need's units
AGE_GROUP_SHARE = 0.2  # a unit made for the citizen's age group (a span of 15 years or less)
AGE_GROUP_YEARS = 15
MAX_AGE = 130  # a larger number is no age
ADULT_AGE = 18  # from this age, the age given for a child's need is a parent's
# Words for a child in a story ('datteren på 10'): an age told of one is the child's (search
# keys: æ, ø, å folded).
CHILD_WORDS = frozenset(
    key(w)
    for w in [
        "søn",
        "sønnen",
        "datter",
        "datteren",
        "barn",
        "barnet",
        "børn",
        "børnene",
        "dreng",
        "drengen",
        "drenge",
        "drengene",
        "piger",
        "pigerne",
        "sønner",
        "sønnerne",
        "døtre",
        "døtrene",
        "unger",
        "ungerne",
        "tvillinger",
        "tvillingerne",
        "pige",
        "pigen",
        "lille",
        "lillebror",
        "lillesøster",
        "lillepigen",
        "lilledrengen",
        "barnebarn",
        "barnebarnet",
        "baby",
        "babyen",
        "plejebarn",
        "plejebarnet",
        "stedsøn",
        "steddatter",
        "nevø",
        "niece",
        "knægt",
        "knægten",
        "unge",
        "ungen",
    ]
)
# Words that tell an age group when no age is given: a presumed age for ranking only (never
# a filter): 'ung hjemløs' prefers a unit for young people.
AGE_WORDS = {
    "ung": 20,
    "unge": 20,
    "ungdom": 20,
    "teenager": 16,
    "teenagere": 16,
    "aeldre": 75,
    "gammel": 80,
    "gamle": 80,
    "pensionist": 72,
    "pensionister": 72,
}
REFUSED = {
    "cpr": "Teksten ligner et CPR-nummer. Fjern det: situationen står i linket og må ikke "
    "rumme CPR-numre.",
    "phone": "Teksten ligner et telefonnummer. Fjern det: situationen står i linket og må ikke "
    "rumme borgerens telefonnummer.",
    "email": "Teksten ligner en e-mailadresse. Fjern den: situationen står i linket og må ikke "
    "rumme borgerens e-mailadresse.",
}
CLIPPED = "Kun de første {chars} tegn af situationen er læst: skriv den kortere."

# Words of a situation that say nothing about the need ('borgeren har brug for hjælp').
_FILLER = (
    "borger",
    "borgeren",
    "borgere",
    "mand",
    "manden",
    "kvinde",
    "kvinden",
    "person",
    "personen",
    "brug",
    "hjælp",
    "meget",
    "lidt",
    "gerne",
    "også",
    "lige",
    "nu",
    "få",
    "fået",
    "havde",
    "været",
    "blevet",
    "bliver",
    "mere",
    "rigtig",
    "stor",
    "store",
    "lille",
    "ny",
    "nye",
    "år",
    "årig",
    "gammel",
    "gamle",
    "snart",
    "stadig",
    "altid",
    "aldrig",
    "nogle",
    "noget",
    "hendes",
    "hans",
    "deres",
    "sin",
    "sit",
    "sine",
    "bor",
    "boede",
    "siger",
    "sagt",
    "fortæller",
    "fortalt",
    "vil",
    "ville",
    "tror",
    "kunne",
    "skulle",
    "må",
    "måske",
    "udsat",
    "tager",
    "tage",
    "taget",
    "tog",
    "går",
    "gå",
    "mangler",
    "får",
    "ikke",
    "have",
    "skal",
    "kan",
)
SITUATION_STOPWORDS = frozenset(stem(key(w)) for w in _FILLER)
# Abbreviations a caseworker writes, read as the words they stand for (their period ends no
# clause): 'sygemeldt m. tarmkræft', 'udskr. fra Riget', 'bagud m. huslejen'.
ABBREVIATIONS = {
    "m": "med",
    "el": "eller",
    "kl": "klokken",
    "ca": "cirka",
    "evt": "eventuelt",
    "mht": "med hensyn til",
    "pga": "på grund af",
    "inkl": "inklusive",
    "ift": "i forhold til",
    "udskr": "udskrevet",
    "indl": "indlagt",
    "mdr": "måneder",
    "md": "måneder",
    "tlf": "telefon",
    "vedr": "vedrørende",
    "iflg": "ifølge",
    "bl.a": "blandt andet",
    "f.eks": "for eksempel",
    "hj.pl": "hjemmepleje",
    "bgr": "borgeren",
}
_ABBREVIATION = re.compile(
    r"(?<![\w.])("
    + "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
    + r")\.(?=[ \t]*\w)",
    re.IGNORECASE,
)


def expand_abbreviations(text: str) -> str:
    """The text with a caseworker's abbreviations written out ('m.' → 'med')."""
    return _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(1).lower()], text)


_CLAUSES = re.compile(
    r"[.,;:!?\n]+|\s+(?:og|samt|men|plus|desuden|der|som|fordi|eller)\s+", re.IGNORECASE
)
# '42 år', '17-årig', 'på 19' (an age as Danes write it in a sentence)
_AGE = re.compile(
    r"(?<![\d.])(?P<years>\d{1,3})\s*-?\s*(?:årig|aarig|år|aar)\b"
    r"|\bpå\s+(?:omkring\s+|ca\.?\s*|cirka\s+|knap\s+|næsten\s+)?(?P<on>\d{1,3})\b(?!\.\s*[a-zæøå])"
    r"(?!\s*(?:kr|%|dage|dg|uger|timer|måneder|mdr|md|sal|etage|sider|meter|km|procent))"
    r"|\b(?:på|er)\s+(?P<infant>\d{1,2})\s*(?:mdr|md|måneder|uger)\b"
    r"|(?P<infant_old>\d{1,2})\s*(?:mdr|md|måneder|uger)\s+gammel"
    r"|\b(?:jeg|han|hun|drengen|pigen|barnet|sønnen|datteren|borgeren)\s+er\s+(?P<is>\d{1,3})"
    r"\b(?![.,]?\d)(?!\s*(?:kr|%|børn|timer|dage|uger|måneder|mdr|gange|minutter|procent))",
    re.IGNORECASE,
)
# Words before 'N år' that make it a span of time, not an age ('i 30 år', 'for 2 år siden',
# 'har boet her i 2 år', 'de sidste 5 år').
_SPAN_BEFORE = frozenset(
    {"i", "for", "om", "efter", "sidste", "seneste", "første", "her", "der", "inden", "over"}
)
CONSENT = "samtykke"  # a requirement with this word is the citizen's consent, not a gate


class UnknownUnit(ValueError):
    """The caseworker's own unit is not in the directory; the message names close ids."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One unit to contact, and why."""

    unit_id: str
    needs: tuple[str, ...]  # the needs of the situation it answers ('' for a step before)
    reason: str  # Danish, one line
    score: float
    before: tuple[str, ...] = ()  # units to contact first (gated referrals)
    requires: tuple[str, ...] = ()  # what the referral into it asks for
    prerequisite_for: str | None = None  # set when the unit is a step before another
    path: tuple[str, ...] | None = None  # referral path from the caseworker's unit
    districts: tuple[str, ...] = ()  # district units folded into it ("vælg bydel")


@dataclass(frozen=True, slots=True)
class NeedResult:
    text: str  # the need: its label, or the clause as written when no need was named
    units: tuple[str, ...]  # suggested units, best first ([] when nothing fits)
    need_id: str | None = None  # the need of the vocabulary, None for a clause searched
    excerpt: str = ""  # the words of the situation that named it (short)


@dataclass(slots=True)
class Guidance:
    text: str
    age: int | None
    from_unit: str | None
    needs: list[NeedResult]
    suggestions: list[Suggestion]  # best first; a step before another unit comes before it
    directory: Directory
    at: dt.datetime = field(default_factory=lambda: clock.now())
    area: CitizenArea | None = None
    refused: str | None = None  # why the situation was not read (a CPR number ...), Danish
    notice: str | None = None  # what the caseworker should know (a situation cut short)

    def suggestion(self, unit_id: str) -> Suggestion:
        return next(s for s in self.suggestions if s.unit_id == unit_id)

    def status(self, unit_id: str) -> Status:
        """Open now, as the placing sees it (an umbrella without hours: its units')."""
        return family_status(self.directory, self.directory.units[unit_id], self.at)

    def public_number(self, unit_id: str) -> CallNumber | None:
        """The number a citizen may be given: the unit's first public one, else its
        ancestor's or forvaltning's (`number_to_call`, public numbers only)."""
        return number_to_call(self.directory, self.directory.units[unit_id], public=True)


def situation_problem(text: str) -> str | None:
    """Why a situation must not be read, in Danish, or None: it holds a CPR number, an
    e-mail address or a phone number (`directory.rules.personal`, the one rule; 8 digits
    here: an amount such as 120.000 kr is no phone number)."""
    kind = personal_kind(text or "", phone_digits=SITUATION_PHONE_DIGITS)
    return REFUSED[kind] if kind else None


def quote(text: str, start: int, end: int, limit: int = MAX_EXCERPT_CHARS) -> str:
    """The words at text[start:end] with up to two words on each side, at most `limit`
    characters, cut at a word (never the whole of a long text; `excerpt` quotes a whole
    clause)."""
    spans = token_spans(text)
    inside = [i for i, (s, e, _, _) in enumerate(spans) if s < end and e > start]
    if not inside:
        return " ".join(text[start:end].split())[:limit]
    first, last = inside[0], inside[-1]
    best = (spans[first][0], spans[last][1])
    for lo, hi in (
        (first - 2, last + 2),
        (first - 1, last + 2),
        (first - 1, last + 1),
        (first, last + 1),
        (first - 1, last),
    ):
        lo, hi = max(lo, 0), min(hi, len(spans) - 1)
        if spans[hi][1] - spans[lo][0] <= limit:
            best = (spans[lo][0], spans[hi][1])
            break
    shown = " ".join(text[best[0] : best[1]].split())
    if len(shown) <= limit:
        return shown
    cut = shown[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip() + "…"


def split_needs(text: str, *, keep_filler: bool = False) -> list[str]:
    """The clauses of a situation that may each be a need, in order, without age phrases;
    without the clauses of filler words only ('har brug for hjælp'), unless `keep_filler`
    (the needs vocabulary reads phrases of common words: 'kan ikke gå')."""
    without_age = _AGE.sub(" ", expand_abbreviations(text or ""))
    out: list[str] = []
    for part in _CLAUSES.split(without_age):
        words = [w for w in terms(part) if keep_filler or stem(w) not in SITUATION_STOPWORDS]
        clause = " ".join(part.split())
        if words and not all(w.isdigit() for w in words) and clause not in out:
            out.append(clause)
    return out


def presumed_age(text: str) -> int | None:
    """An age group a situation names without an age ('ung', 'ældre'), for ranking only."""
    for word in terms(text or ""):
        if word in AGE_WORDS:
            return AGE_WORDS[word]
    return None


def _ages(text: str) -> list[tuple[int, int]]:
    """(position, years) of every age written in a text, in order (see `read_age`)."""
    out: list[tuple[int, int]] = []
    for match in _AGE.finditer(text):
        if match.group("infant") or match.group("infant_old"):
            out.append((match.start(), 0))
            continue
        if match.group("years"):
            before = text[: match.start()].split()[-1:]
            after = text[match.end() :].split()[:1]
            if before and before[0].lower() in _SPAN_BEFORE or after == ["siden"]:
                continue
        years = int(match.group("years") or match.group("on") or match.group("is"))
        if years <= MAX_AGE:
            out.append((match.start(), years))
    return out


def read_age(text: str) -> int | None:
    """An age written in the situation ('42 år', '17-årig', 'en dreng på 6', 'hun er 16', 'den
    lille på 7 mdr' is 0), else None. A span of time is no age ('i 30 år', 'for 2 år siden'),
    nor a floor or an amount ('på 3. sal', 'på 500 kr')."""
    ages = _ages(text or "")
    return ages[0][1] if ages else None


def _of_a_child(text: str, at: int) -> bool:
    before = [key(w) for w in re.findall(r"\w+", text[:at])[-2:]]
    return any(word in CHILD_WORDS for word in before)


def child_in_story(text: str) -> int | None:
    """The age of a child in the story ('datteren på 10', 'to drenge på 6 og 9', 'den lille
    på 7 mdr'): the first age under 18 with a word for a child among the two words before."""
    text = text or ""
    return next(
        (years for at, years in _ages(text) if years < ADULT_AGE and _of_a_child(text, at)),
        None,
    )


def age_of_a_child(text: str) -> bool:
    """Whether the age `read_age` finds is told of a child in the story (`child_in_story`)."""
    ages = _ages(text or "")
    return bool(ages) and ages[0][1] < ADULT_AGE and _of_a_child(text, ages[0][0])


def _fits(unit: Unit, age: int | None) -> bool:
    return age is None or unit.age is None or unit.age.includes(age)


def _age_group(unit: Unit, age: int | None) -> float:
    """1 for a unit made for the citizen's age group (its range holds the age and spans at
    most AGE_GROUP_YEARS), else 0."""
    if age is None or unit.age is None or not unit.age.includes(age):
        return 0.0
    low = unit.age.min if unit.age.min is not None else 0
    high = unit.age.max if unit.age.max is not None else 120
    return 1.0 if high - low <= AGE_GROUP_YEARS else 0.0


def _clean_query(clause: str) -> str:
    """The clause without the situation's filler words, as a search query."""
    kept = [
        raw
        for raw in re.findall(r"§+\s*\d+[a-z]?|[^\W_]+", clause, flags=re.IGNORECASE)
        if not query_terms(raw) or stem(query_terms(raw)[0]) not in SITUATION_STOPWORDS
    ]
    return " ".join(kept) or clause


class _Gates:
    """Referrals into each unit, and which of them gate it behind another unit."""

    def __init__(self, referrals: Iterable[Referral]) -> None:
        self.into: dict[str, list[Referral]] = {}
        for referral in referrals:
            self.into.setdefault(referral.to, []).append(referral)

    @staticmethod
    def gate(referral: Referral) -> list[str]:
        return [r for r in referral.requires if CONSENT not in r.lower()]

    def gated(self, unit_id: str) -> list[Referral]:
        """The referrals into a unit when every one of them is gated, else []."""
        into = self.into.get(unit_id, [])
        if into and all(self.gate(r) for r in into):
            return into
        return []


class Guide:
    """The guided referral over one directory and its search index (build once, reuse)."""

    def __init__(self, index: SearchIndex, graph: ReferralGraph | None = None) -> None:
        """`graph`: the directory's referral graph when the caller has one built (the app
        caches it); else it is built when a path is first asked for."""
        self.index = index
        self.directory = index.directory
        self._gates = _Gates(self.directory.referrals)
        if graph is not None:
            self.graph = graph

    @cached_property
    def graph(self) -> ReferralGraph:  # networkx loads only when a path is asked for
        from directory.graph.analysis import ReferralGraph

        return ReferralGraph(self.directory)

    def check_unit(self, unit_id: str) -> str:
        if unit_id not in self.directory.units:
            from directory.graph.analysis import UnknownUnitError

            raise UnknownUnit(str(UnknownUnitError(unit_id, self.graph.close_matches(unit_id))))
        return unit_id

    def _search_units(
        self, clause: str, age: int | None, at: dt.datetime, meaningful: bool = True
    ) -> list[tuple[str, float, float, str, Result]]:
        """(unit id, share, score, why, result card) of a clause searched, best first.

        The clause is searched as written (without filler words) and, with `meaningful`,
        with only its words that find something on their own; a unit's share is its best
        share of either search's best, so a phrase ('dropper ud') and a single telling
        word both count."""
        cleaned = _clean_query(clause)
        queries = [cleaned]
        if meaningful:
            words = self._meaningful(cleaned)
            if words and words != cleaned:
                queries.append(words)
        merged: dict[str, tuple[float, float, str]] = {}  # unit → (share, score, why)
        found: dict[str, Result] = {}
        for query in queries:
            hits = self.index.search(query, limit=10 * GROUP_FACTOR, age=age, at=at)
            results = [r for r in group_hits(hits, 10) if r.kind is HitKind.UNIT]
            if not results or results[0].score < MIN_SCORE:
                continue
            best = results[0].score
            for result in results:
                share = result.score / best
                if share > merged.get(result.id, (0.0, 0.0, ""))[0]:
                    why = result.explanation.removeprefix("Fundet på: ")
                    merged[result.id] = (share, result.score, why)
                    found[result.id] = result
        ranked = sorted(merged.items(), key=lambda item: (-item[1][0], -item[1][1]))
        return [
            (unit_id, share, score, why, found[unit_id]) for unit_id, (share, score, why) in ranked
        ]

    def _units_for(
        self, need: str, age: int | None, at: dt.datetime, area: CitizenArea | None = None
    ) -> list[tuple[str, float, str, tuple[str, ...]]]:
        """(unit id, score, why, district units folded into it) for a clause that names no
        need, best first, at most PER_NEED: searched (`_search_units`), then placed for the
        citizen's area and the time (`search.placing.place`): district units for another
        area are never suggested."""
        searched = self._search_units(need, age, at)
        merged = {unit_id: (score, why) for unit_id, _, score, why, _ in searched}
        shares = [dataclasses.replace(result, score=share) for _, share, _, _, result in searched]
        out: list[tuple[str, float, str, tuple[str, ...]]] = []
        for card in place(shares, self.directory, at, area=area):
            if card.fit is AreaFit.OTHER or card.result.score < RUNNER_UP_SHARE:
                continue
            own = card.result.id in merged
            score, why = merged[card.result.id if own else card.folded[0]]
            out.append((card.result.id, score, f"»{excerpt(need)}«: {why}", card.folded))
            if len(out) == PER_NEED:
                break
        return out

    # ----------------------------------------------------------------- the needs matching

    def _named_needs(self, clause: str) -> list[tuple[VocabularyNeed, Mention]]:
        """The needs a clause names, each once with its first mention, in its order."""
        out: dict[str, tuple[VocabularyNeed, Mention]] = {}
        for mention in self.index.need_matcher.mentions(clause, typos=True):
            out.setdefault(mention.need.id, (mention.need, mention))
        return list(out.values())

    def _as_child(self, need: VocabularyNeed, age: int | None) -> VocabularyNeed:
        """The need a child's situation makes of an adult's need: told of a citizen younger
        than `as_child`'s age, a parent's drinking or violence at home is a worry for the
        child (the vocabulary's `as_child`); else the need itself."""
        if need.as_child is None or age is None or age >= need.as_child[1]:
            return need
        return self.index.need_matcher.vocabulary.need(need.as_child[0]) or need

    def _need_units(
        self,
        need: VocabularyNeed,
        quoted: str,
        age: int | None,
        shares: dict[str, float],
        at: dt.datetime,
        most: int = PER_NEED,
        group_age: int | None = None,
        area: CitizenArea | None = None,
    ) -> list[tuple[str, float, str, tuple[str, ...]]]:
        """(unit id, score, why, district units folded into it) of the units a named need
        reaches, best first, at most `most`: the need's own ranking
        (`NeedMatcher.ranked_units`), the clause's search share and a unit made for the
        citizen's age group; strict on age. A need that reaches no unit of this age speaks
        through its broader needs (angst → psykisk sygdom, as in FFB). Then placed for the
        citizen's area and the time (`search.placing.place`), as every list of units."""
        matcher = self.index.need_matcher
        if need.child and age is not None and age >= ADULT_AGE:
            age = None  # a parent tells of a child's need: the parent's age filters no unit
        scored = []
        ranked_units = matcher.ranked_units(need.id)
        if not any(_fits(self.directory.units[r.unit_id], age) for r in ranked_units):
            ranked_units = [
                r for broader in matcher.broader(need.id) for r in matcher.ranked_units(broader)
            ]
        for ranked in ranked_units:
            unit = self.directory.units.get(ranked.unit_id)
            if unit is None or not _fits(unit, age):
                continue
            score = (
                ranked.weight
                + SEARCH_SHARE * shares.get(unit.id, 0.0)
                + AGE_GROUP_SHARE * _age_group(unit, age if age is not None else group_age)
            )
            scored.append((score, ranked.reached.phrases, unit))
        scored.sort(key=lambda item: (-item[0], item[2].id))
        if not scored:
            return []
        best = scored[0][0]
        # only the units that can be suggested go to the placing (it reads each one's hours)
        scored = [item for item in scored if item[0] >= NEED_RUNNER_UP * best][: PLACED * most]
        by_id = {unit.id: (score, words) for score, words, unit in scored}
        cards = [Result(HitKind.UNIT, unit.id, score / best, None) for score, _, unit in scored]
        out: list[tuple[str, float, str, tuple[str, ...]]] = []
        for card in place(cards, self.directory, at, area=area):  # area, time, districts
            if card.fit is AreaFit.OTHER or card.result.score < NEED_RUNNER_UP:
                continue
            unit_id = card.result.id
            score, words = by_id[unit_id if unit_id in by_id else card.folded[0]]
            name = self.directory.units[unit_id].name
            why = f"»{quoted}« → {need.label} → {name} ({', '.join(words[:2])})"
            out.append((unit_id, score, why, card.folded))
            if len(out) == most:
                break
        return out

    def _read_clause(
        self,
        clause: str,
        age: int | None,
        at: dt.datetime,
        most: int = PER_NEED,
        search: bool = True,
        area: CitizenArea | None = None,
        child: int | None = None,
    ) -> list[tuple[NeedResult, list[tuple[str, float, str, tuple[str, ...]]], bool]]:
        """Per need a clause names: its result and at most `most` units; a clause that
        names none (or whose needs reach no unit of this age): searched when `search`
        (the situation names no need at all), else listed without units (the page offers
        to search for it). The flag says 'searched'. `child`: the age of a child in the
        story ('datteren på 10'), not the citizen's: it filters no unit, ranks a unit for
        that age group first, and an adult's need told with it is also a worry for the
        child (the mother's drinking: alcohol treatment and the child's counselling)."""
        named = self._named_needs(clause)
        out: list[tuple[NeedResult, list[tuple[str, float, str, tuple[str, ...]]], bool]] = []
        if named:
            shares = {
                unit_id: share
                for unit_id, share, _, _, _ in self._search_units(clause, age, at, meaningful=False)
            }
            group_age = presumed_age(clause) or child
            for named_need, mention in named:
                readings = [self._as_child(named_need, age)]
                if child is not None:
                    readings.append(self._as_child(named_need, child))
                quoted = quote(clause, mention.start, mention.end)
                for need in {n.id: n for n in readings}.values():
                    units = self._need_units(need, quoted, age, shares, at, most, group_age, area)
                    if units:
                        ids = tuple(u for u, _, _, _ in units)
                        out.append((NeedResult(need.label, ids, need.id, quoted), units, False))
        if not out and split_needs(clause):  # a clause of filler words only is no need
            units = self._units_for(clause, age, at, area) if search else []
            short = excerpt(clause)
            ids = tuple(u for u, _, _, _ in units)
            out.append((NeedResult(short, ids, None, short), units, True))
        return out

    def _meaningful(self, clause: str) -> str:
        """The words of a clause that find something on their own, other than by a typo fix
        ('nyankommen flygtning' → 'flygtning'): free text holds words no unit is described by,
        and a guessed typo in a sentence is more often a different word."""
        words = clause.split()
        if len(words) < 2:
            return clause
        hits = self.index.search(clause, limit=1)
        if hits and len(hits[0].matches) == len(query_terms(clause)):  # every word counts
            return clause
        kept = []
        for word in words:
            if not terms(word):  # a stopword ('med', 'i') says nothing alone
                continue
            hits = self.index.search(word, limit=1)
            if hits and any(m.how is not How.FUZZY for m in hits[0].matches):
                kept.append(word)
        return " ".join(kept)

    def _prerequisite(
        self, unit_id: str, need: str, age: int | None, chosen: set[str], own: str | None
    ) -> Referral | None:
        """The gated referral to come through for a unit: from a unit already chosen, else the
        one whose needs share most words with the need; None when the unit is not gated."""
        gated = [
            r
            for r in self._gates.gated(unit_id)
            if r.from_ in self.directory.units and _fits(self.directory.units[r.from_], age)
        ]
        if not gated:
            return None
        words = {stem(w) for w in query_terms(need)}

        def overlap(referral: Referral) -> int:
            return len(words & {stem(w) for n in referral.needs for w in query_terms(n)})

        return max(
            gated,
            key=lambda r: (r.from_ == own, r.from_ in chosen, overlap(r), -gated.index(r)),
        )

    def guide(
        self,
        text: str = "",
        needs: Sequence[str] = (),
        *,
        age: int | None = None,
        from_unit: str | None = None,
        limit: int = DEFAULT_LIMIT,
        at: dt.datetime | None = None,
        area: CitizenArea | None = None,
    ) -> Guidance:
        """Suggestions for a citizen's situation; see the module docstring. `area`: where
        the citizen lives (`directory.rules.areas.read_area`)."""
        moment = at or clock.now()
        if from_unit:
            self.check_unit(from_unit)
        problem = next(
            (p for p in (situation_problem(t) for t in [text, *needs]) if p is not None), None
        )
        if problem is not None:
            return Guidance("", age, from_unit, [], [], self.directory, moment, refused=problem)
        notice = None
        if len(text or "") > MAX_SITUATION_CHARS:
            notice = CLIPPED.format(chars=f"{MAX_SITUATION_CHARS:,}".replace(",", "."))
        text = situation_text(text or "")
        child = child_in_story(text)  # a child in the story: its age ranks, filters nothing
        if age is None and not age_of_a_child(text):
            age = read_age(text)
        clauses = split_needs(text, keep_filler=True)[:MAX_CLAUSES]
        for chosen_need in needs[:MAX_CLAUSES]:
            chosen_need = " ".join(chosen_need.split())[:MAX_SITUATION_CHARS]
            if chosen_need and chosen_need not in clauses:
                clauses.append(chosen_need)
        per_need: list[NeedResult] = []
        found: dict[str, dict] = {}
        rounds: list[list[tuple[str, float]]] = []
        searched: list[list[tuple[str, float]]] = []  # clauses naming no need: after the needs
        # units per need: more when the situation names few needs (one need: up to `limit`)
        named = {n.id for c in clauses for n, _ in self._named_needs(c)}
        unnamed = sum(not self._named_needs(c) for c in clauses)
        most = max(PER_NEED, -(-limit // max(1, len(named) + unnamed)))
        for clause in clauses:
            readings = self._read_clause(clause, age, moment, most, not named, area, child)
            for result, units, by_search in readings:
                if any(r.need_id and r.need_id == result.need_id for r in per_need):
                    continue  # a need named twice counts once
                per_need.append(result)
                for rank, (unit_id, score, why, districts) in enumerate(units):
                    entry = found.setdefault(
                        unit_id, {"needs": [], "whys": [], "score": 0.0, "districts": districts}
                    )
                    entry["needs"].append(result.text)
                    entry["whys"].append(why)
                    entry["score"] = max(entry["score"], score) + (0.1 if entry["needs"][1:] else 0)
                    target = searched if by_search else rounds
                    while len(target) <= rank:
                        target.append([])
                    target[rank].append((unit_id, score))
        # best first: each need's best unit, one open now first (the order of calls: only
        # an open unit can be called now), then a unit that answers several needs, then in
        # the order the needs were described (scores of different needs do not compare);
        # then the runners-up; then the units of clauses that named no need
        ranked: list[str] = []
        for round_ in [*rounds, *searched]:
            for unit_id, _ in sorted(
                round_,
                key=lambda u: (
                    not open_now(self.directory, u[0], moment),
                    -len(found[u[0]]["needs"]),
                ),
            ):
                if unit_id not in ranked:
                    ranked.append(unit_id)
        today = moment.date()
        ranked = paused_last(ranked, lambda u: is_paused(self.directory.units[u], today))
        ranked = ranked[: max(limit, 1)]
        suggestions: list[Suggestion] = []
        chosen = set(ranked)
        for unit_id in ranked:
            entry = found[unit_id]
            gate = self._prerequisite(unit_id, entry["needs"][0], age, chosen, from_unit)
            for district in entry["districts"] if gate is None else ():  # folded: their gate
                gate = self._prerequisite(district, entry["needs"][0], age, chosen, from_unit)
                if gate is not None:
                    break
            requires: tuple[str, ...] = ()
            before: tuple[str, ...] = ()
            if gate is not None:
                requires = tuple(gate.requires)
                before = (gate.from_,)
                if gate.from_ not in chosen and len(suggestions) < limit:
                    chosen.add(gate.from_)
                    name = self.directory.units[unit_id].name
                    suggestions.append(
                        Suggestion(
                            gate.from_,
                            (),
                            f"først, fordi {name} kræver: {', '.join(_Gates.gate(gate))}",
                            entry["score"],
                            prerequisite_for=unit_id,
                            path=self._path(from_unit, gate.from_),
                        )
                    )
            if len(suggestions) >= limit:
                break
            suggestions.append(
                Suggestion(
                    unit_id,
                    tuple(entry["needs"]),
                    "; ".join(entry["whys"]),
                    entry["score"],
                    before=before,
                    requires=requires,
                    path=self._path(from_unit, unit_id),
                    districts=entry["districts"],
                )
            )
        ordered = paused_last(
            _steps_first(suggestions),
            lambda s: is_paused(self.directory.units[s.unit_id], today),
        )
        return Guidance(
            text, age, from_unit, per_need, ordered, self.directory, moment, area, notice=notice
        )

    def _path(self, from_unit: str | None, unit_id: str) -> tuple[str, ...] | None:
        if not from_unit:
            return None
        paths = self.graph.shortest_paths(from_unit, unit_id, k=1)
        return tuple(paths[0]) if paths else ()


def paused_last(items: list[_T], paused: Callable[[_T], bool]) -> list[_T]:
    """The same items, those that take no referrals now moved behind the others (each
    group in its order)."""
    return [i for i in items if not paused(i)] + [i for i in items if paused(i)]


def _steps_first(suggestions: list[Suggestion]) -> list[Suggestion]:
    """The same suggestions, each unit that another must come through moved just before it."""
    out = list(suggestions)
    for suggestion in suggestions:
        for first in suggestion.before:
            at = next((i for i, s in enumerate(out) if s.unit_id == first), None)
            here = next(i for i, s in enumerate(out) if s.unit_id == suggestion.unit_id)
            if at is not None and at > here:
                out.insert(here, out.pop(at))
    return out


def guide(
    index: SearchIndex,
    text: str = "",
    needs: Sequence[str] = (),
    *,
    age: int | None = None,
    from_unit: str | None = None,
    limit: int = DEFAULT_LIMIT,
    at: dt.datetime | None = None,
    area: CitizenArea | None = None,
) -> Guidance:
    """`Guide(index).guide(...)`: one call for scripts and tests."""
    return Guide(index).guide(
        text, needs, age=age, from_unit=from_unit, limit=limit, at=at, area=area
    )


def citizen_summary(guidance: Guidance) -> str:
    """A plain-text summary to print for the citizen: whom to contact, in order, with public
    numbers only (never a fast-track or internal number), address and opening hours."""
    directory = guidance.directory
    lines = ["Hvem kan hjælpe dig", ""]
    if not guidance.suggestions:
        lines.append("Vi fandt ikke et sted at henvise til. Spørg din sagsbehandler.")
    for number, suggestion in enumerate(guidance.suggestions, start=1):
        unit = directory.units[suggestion.unit_id]
        lines.append(f"{number}. {unit.name}")
        if suggestion.needs:
            lines.append(f"   Om: {', '.join(suggestion.needs)}")
        elif suggestion.prerequisite_for:
            lines.append(f"   Først: før {directory.units[suggestion.prerequisite_for].name}")
        call = guidance.public_number(unit.id)
        if call is None:
            lines.append(
                "   Telefon: intet offentligt nummer – din sagsbehandler hjælper med kontakten"
            )
        else:
            notes = [n for n in (call.phone.label, call.note) if n]
            said = f" ({'; '.join(notes)})" if notes else ""
            lines.append(f"   Telefon: {call.phone.display}{said}")
        for location_id in unit.locations[:1]:
            location = directory.locations.get(location_id)
            if location is not None:
                lines.append(f"   Adresse: {location.address.one_line()}")
        if unit.website:
            lines.append(f"   Hjemmeside: {unit.website}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
