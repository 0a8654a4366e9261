"""Right place, right now: the order of the result cards by the citizen's area and the time.

Matching (`search.index`, `search.results`) decides which units answer a search and how
well; this step, applied after it, decides which of them to show first for *this* citizen
*now*. The Søg page, Borgerens situation (`search.guide`) and the commands `landkort search`
and `landkort guide` all order through `place()`.

1. The band: the cards that score at least `BAND_SHARE` of the best card answer the same
   need; the order below is applied inside the band, and the rest keep the search's order.
2. Time: in the band, an open unit comes before one that is closed or whose hours are
   unknown (an after-hours or akut unit first at night). A unit without hours of its own is
   as open as its sub-units together (`hours.family_status`). A unit that takes no
   referrals now (a paused notice, `directory.rules.notices`) goes below the others.
3. Area (`directory.rules.areas`): with the citizen's area, a unit that serves it more
   specifically comes first (a district unit for that area before a kommune-wide one), and
   district units for other areas leave the top: they go to the end, and the guide drops
   them. Without an area, district units with the same parent fold into one card for the
   parent ("vælg bydel" opens them), so that they never crowd the entry point out.
4. A closed card says what to do instead: its own number staffed now (`after_hours_phone`),
   else the first open card of the band.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from directory.model import Directory, Phone
from directory.rules import hours
from directory.rules.areas import CitizenArea, Fit, area_text, fit, unit_area
from directory.rules.calling import after_hours_phone
from directory.rules.notices import is_paused
from search.index import HitKind
from search.reason import reason
from search.results import GROUP_FACTOR, Result, group_hits

if TYPE_CHECKING:
    from search.index import SearchIndex

BAND_SHARE = 0.7  # cards scoring at least this share of the best answer the same need
MIN_FOLD = 2  # district units of one parent that fold into its card


class AreaFit(StrEnum):
    NONE = "none"  # no area given, or not a unit
    SPECIFIC = "specific"  # a district unit that serves the citizen's area
    KOMMUNE = "kommune"  # a unit of the whole kommune
    OTHER = "other"  # a district unit for another area


@dataclass(frozen=True, slots=True)
class Instead:
    """What a closed card offers: a number of its own staffed now, or an open unit that
    answers the same search."""

    phone: Phone | None = None
    unit_id: str | None = None


@dataclass(frozen=True, slots=True)
class Card:
    """One placed result card."""

    result: Result  # the parent's result when district units are folded into it
    status: hours.Status | None  # a unit's (`family_status`) or a location's; None otherwise
    fit: AreaFit = AreaFit.NONE
    cells: int = 0  # how many area cells the unit covers (fewer: more specific)
    folded: tuple[str, ...] = ()  # the district units under "vælg bydel", best first
    instead: Instead | None = None
    band: bool = False  # among the cards that answer the same need as the best

    @property
    def unit_id(self) -> str | None:
        return self.result.unit_id

    @property
    def closed(self) -> bool:
        return self.status is not None and not self.status.unknown and not self.status.is_open


def _status_rank(status: hours.Status | None) -> int:
    """Open 0; closed, unknown or without hours 1: only an open unit moves up (a unit whose
    hours are unknown is no better an answer at night than a closed one)."""
    return 0 if status is not None and status.is_open else 1


def _fit(directory: Directory, unit_id: str, area: CitizenArea | None) -> tuple[AreaFit, int]:
    if area is None:
        return AreaFit.NONE, 0
    found: Fit = fit(directory, directory.units[unit_id], area)
    if not found.district:
        return AreaFit.KOMMUNE, found.cells
    return (AreaFit.SPECIFIC if found.serves else AreaFit.OTHER), found.cells


def _fold(results: list[Result], directory: Directory) -> list[tuple[Result, tuple[str, ...]]]:
    """Results with the district units of one parent folded into the parent's result (at the
    place of the best of them, with the best score); other results as they are."""
    families: dict[str, list[Result]] = {}
    for result in results:
        unit = directory.units.get(result.id) if result.kind is HitKind.UNIT else None
        if unit is not None and unit.parent in directory.units and unit.service_area:
            families.setdefault(unit.parent, []).append(result)
    folding = {p: members for p, members in families.items() if len(members) >= MIN_FOLD}
    folded_ids = {m.id for members in folding.values() for m in members}
    own = {r.id: r for r in results if r.kind is HitKind.UNIT and r.id in folding}
    out: list[tuple[Result, tuple[str, ...]]] = []
    done: set[str] = set()
    for result in results:
        parent = None
        if result.kind is HitKind.UNIT and result.id in folded_ids:
            parent = directory.units[result.id].parent
        elif result.kind is HitKind.UNIT and result.id in folding:
            parent = result.id
        if parent is None:
            out.append((result, ()))
            continue
        if parent in done:
            continue
        done.add(parent)
        members = folding[parent]
        best = max(members, key=lambda m: m.score)
        mine = own.get(parent)
        card = Result(
            HitKind.UNIT,
            parent,
            max(best.score, mine.score if mine else 0.0),
            mine.hit if mine and mine.hit else best.hit,
            mine.people if mine else (),
        )
        matched = [m.id for m in sorted(members, key=lambda m: -m.score)]
        others = [
            c
            for c in directory.children.get(parent, [])
            if c not in matched and directory.units[c].service_area
        ]
        out.append((card, tuple(matched + others)))
    return out


def place(
    results: list[Result],
    directory: Directory,
    at: dt.datetime,
    *,
    area: CitizenArea | None = None,
    fold: bool = True,
) -> list[Card]:
    """The cards of a search, best first for this citizen now (see the module doc).

    `fold`: fold district units into their parent's card when no area is given."""
    grouped = _fold(results, directory) if fold and area is None else [(r, ()) for r in results]
    cards: list[Card] = []
    for result, folded in grouped:
        status: hours.Status | None = None
        area_fit, cells = AreaFit.NONE, 0
        if result.kind is HitKind.UNIT:
            status = hours.family_status(directory, directory.units[result.id], at)
            area_fit, cells = _fit(directory, result.id, area)
        elif result.kind is HitKind.LOCATION:
            location = directory.locations[result.id]
            status = hours.status(location.hours, at) if location.hours else None
        cards.append(Card(result, status, area_fit, cells, folded))
    if not cards:
        return []
    scores = [c.result.score for c in cards if c.fit is not AreaFit.OTHER]
    floor = max(scores or [c.result.score for c in cards]) * BAND_SHARE

    def key(item: tuple[int, Card]) -> tuple[Any, ...]:
        index, card = item
        if card.fit is AreaFit.OTHER:
            return (2, index)
        if card.result.score < floor:
            return (1, index)
        specific = 0 if card.fit is AreaFit.SPECIFIC else 1
        return (
            0,
            _paused(card, directory, at),
            _status_rank(card.status),
            specific,
            card.cells,
            index,
        )

    ordered = [card for _, card in sorted(enumerate(cards), key=key)]
    in_band = [c.result.score >= floor and c.fit is not AreaFit.OTHER for c in ordered]
    open_unit = next(
        (c.result.id for c, b in zip(ordered, in_band, strict=True) if b and _is_open_unit(c)),
        None,
    )
    out: list[Card] = []
    for card, band in zip(ordered, in_band, strict=True):
        instead = None
        if card.closed and card.result.kind is HitKind.UNIT:
            phone = after_hours_phone(directory.units[card.result.id], at)
            if phone is not None:
                instead = Instead(phone=phone)
            elif open_unit is not None and band:
                instead = Instead(unit_id=open_unit)
        out.append(dataclasses.replace(card, instead=instead, band=band))
    return out


def _paused(card: Card, directory: Directory, at: dt.datetime) -> bool:
    """A unit that takes no referrals now (`directory.rules.notices.is_paused`) goes below the
    others of the band, as it is never the guide's first suggestion."""
    unit = directory.units.get(card.result.id) if card.result.kind is HitKind.UNIT else None
    return unit is not None and is_paused(unit, at.date())


def open_now(directory: Directory, unit_id: str, at: dt.datetime) -> bool:
    """Whether a unit is open at `at` as the placing sees it (`hours.family_status`)."""
    return hours.family_status(directory, directory.units[unit_id], at).is_open


def _is_open_unit(card: Card) -> bool:
    return card.result.kind is HitKind.UNIT and card.status is not None and card.status.is_open


def search_cards(
    index: SearchIndex,
    query: str,
    *,
    at: dt.datetime,
    area: CitizenArea | None = None,
    limit: int = 10,
    **filters: Any,
) -> list[Card]:
    """The result cards of a search, placed: what the Søg page shows and `landkort search`
    prints (`SearchIndex.search`'s filters as keywords), at most `limit`."""
    hits = index.search(query, limit=limit * GROUP_FACTOR * 2, at=at, **filters)
    return place(group_hits(hits, limit * 2), index.directory, at, area=area)[:limit]


# -- what a card says about its place, in Danish (the cards and the commands) ---------------------


def area_note(card: Card, directory: Directory, area: CitizenArea | None) -> str:
    """'dækker 2300 København S', 'hele kommunen', 'dækker ikke …': '' without an area."""
    if card.result.kind is not HitKind.UNIT:
        return ""
    unit = directory.units[card.result.id]
    if card.folded:
        return f"{len(card.folded)} bydelsenheder: vælg bydel"
    if area is None:
        entries = unit_area(directory, unit)
        return f"dækker {', '.join(entries)}" if entries else ""
    if card.fit is AreaFit.SPECIFIC:
        return f"dækker {area.label}"
    if card.fit is AreaFit.OTHER:
        return f"dækker ikke {area.label}, men {area_text(directory, unit)}"
    return "hele kommunen"


def time_note(card: Card, directory: Directory) -> str:
    """'åben nu', 'lukket nu: ring i stedet til Døgnvagten (33 17 33 33)', 'åbningstid ukendt'."""
    if card.status is None:
        return ""
    if card.status.unknown:
        return "åbningstid ukendt"
    if card.status.is_open:
        return "åben nu"
    if card.instead is not None and card.instead.phone is not None:
        return f"lukket nu: {card.instead.phone.display} er åben"
    if card.instead is not None and card.instead.unit_id is not None:
        return f"lukket nu: åben i stedet er {directory.units[card.instead.unit_id].name}"
    return "lukket nu"


def card_reason(card: Card, directory: Directory, area: CitizenArea | None) -> str:
    """One line for `landkort search`: why the card is shown and where it was placed."""
    hit = card.result.hit or (card.result.people[0] if card.result.people else None)
    parts = [reason(hit) if hit is not None else "Matcher: navnet"]
    notes = (area_note(card, directory, area), time_note(card, directory))
    parts += [note for note in notes if note]
    return " · ".join(parts)
