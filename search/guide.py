"""Guided referral, 'Borgerens situation': from a caseworker's description to whom to call.

    from search.guide import guide
    guidance = guide(index, "lejer har brev fra fogeden, to børn og drikker for meget", age=42)

The description is cut into needs (sentences, commas and 'og' between clauses; chosen needs
are needs of their own); an age written in it ('42 år', '17-årig') is read when none is
given. Each need is searched with the same `SearchIndex` as the Søg page, with the age as a
strict filter: a unit whose age range excludes the citizen's age is never suggested. Per
need the best units (one card per unit, `search.results.group_hits`) become suggestions,
each with why, the number to call first and whether it is open now. Best first means: each
need's best unit (one that answers several needs first, else in the order the needs were
described), then the runners-up.

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
from directory.rules.query import excerpt, situation_text
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
MIN_SCORE = 0.03  # a need whose best unit scores less is 'not understood'

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
_CLAUSES = re.compile(
    r"[.,;:!?\n]+|\s+(?:og|samt|men|plus|desuden|der|som|fordi|eller)\s+", re.IGNORECASE
)
# '42 år', '17-årig', 'på 19' (an age as Danes write it in a sentence)
_AGE = re.compile(
    r"(?<!\d)(\d{1,3})\s*-?\s*(?:årig|aarig|år|aar)\b|\bpå\s+(\d{1,3})\b(?!\s*(?:kr|%|dage|uger|timer|måneder))",
    re.IGNORECASE,
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
    text: str  # the need as the caseworker wrote or chose it
    units: tuple[str, ...]  # suggested units, best first ([] when nothing fits)


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

    def suggestion(self, unit_id: str) -> Suggestion:
        return next(s for s in self.suggestions if s.unit_id == unit_id)

    def status(self, unit_id: str) -> Status:
        """Open now, as the placing sees it (an umbrella without hours: its units')."""
        return family_status(self.directory, self.directory.units[unit_id], self.at)

    def public_number(self, unit_id: str) -> CallNumber | None:
        """The number a citizen may be given: the unit's first public one, else its
        ancestor's or forvaltning's (`number_to_call`, public numbers only)."""
        return number_to_call(self.directory, self.directory.units[unit_id], public=True)


def split_needs(text: str) -> list[str]:
    """The clauses of a situation that may each be a need, in order, without age phrases."""
    without_age = _AGE.sub(" ", text or "")
    out: list[str] = []
    for part in _CLAUSES.split(without_age):
        words = [w for w in query_terms(part) if stem(w) not in SITUATION_STOPWORDS]
        clause = " ".join(part.split())
        if words and not all(w.isdigit() for w in words) and clause not in out:
            out.append(clause)
    return out


def read_age(text: str) -> int | None:
    """An age written in the situation ('42 år', '17-årig'), else None."""
    match = _AGE.search(text or "")
    if match is None:
        return None
    years = int(match.group(1) or match.group(2))
    return years if years <= 130 else None


def _fits(unit: Unit, age: int | None) -> bool:
    return age is None or unit.age is None or unit.age.includes(age)


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

    def _units_for(
        self, need: str, age: int | None, at: dt.datetime, area: CitizenArea | None = None
    ) -> list[tuple[str, float, str, tuple[str, ...]]]:
        """(unit id, score, why, district units folded into it) for one need, best first, at
        most PER_NEED.

        The need is searched as written (without filler words) and with only its words that
        find something on their own; a unit's score is its best share of either search's
        best, so a phrase ('dropper ud') and a single telling word both count. The units are
        then placed for the citizen's area and the time (`search.placing.place`): district
        units for another area are never suggested."""
        cleaned = _clean_query(need)
        queries = [cleaned]
        meaningful = self._meaningful(cleaned)
        if meaningful and meaningful != cleaned:
            queries.append(meaningful)
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
        shares = [dataclasses.replace(found[u], score=share) for u, (share, _, _) in ranked]
        out: list[tuple[str, float, str, tuple[str, ...]]] = []
        for card in place(shares, self.directory, at, area=area):
            if card.fit is AreaFit.OTHER or card.result.score < RUNNER_UP_SHARE:
                continue
            own = card.result.id in merged
            _, score, why = merged[card.result.id if own else card.folded[0]]
            out.append((card.result.id, score, why, card.folded))
            if len(out) == PER_NEED:
                break
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
        text = situation_text(text or "")
        if age is None:
            age = read_age(text)
        clauses = split_needs(text)
        for chosen_need in needs:
            if chosen_need.strip() and chosen_need not in clauses:
                clauses.append(chosen_need.strip())
        per_need: list[NeedResult] = []
        found: dict[str, dict] = {}
        rounds: list[list[tuple[str, float]]] = []
        for clause in clauses:
            units = self._units_for(clause, age, moment, area)
            per_need.append(NeedResult(clause, tuple(u for u, _, _, _ in units)))
            for rank, (unit_id, score, why, districts) in enumerate(units):
                entry = found.setdefault(
                    unit_id, {"needs": [], "whys": [], "score": 0.0, "districts": districts}
                )
                entry["needs"].append(clause)
                entry["whys"].append(f"»{excerpt(clause)}«: {why}")
                entry["score"] = max(entry["score"], score) + (0.1 if entry["needs"][1:] else 0)
                while len(rounds) <= rank:
                    rounds.append([])
                rounds[rank].append((unit_id, score))
        # best first: each need's best unit, one open now first (the order of calls: only
        # an open unit can be called now), then a unit that answers several needs, then in
        # the order the needs were described (scores of different needs do not compare);
        # then the runners-up
        ranked: list[str] = []
        for round_ in rounds:
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
        return Guidance(text, age, from_unit, per_need, ordered, self.directory, moment, area)

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
