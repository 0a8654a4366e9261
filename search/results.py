"""Search hits grouped for display: one result per unit, saying which of its people matched.

`SearchIndex.search` returns a unit and its contacts as separate hits (the contract); a
result list shows each unit once. `group_hits` merges them: the unit's result keeps the
best score of the group, its own hit (if the unit itself matched) and the contacts that
matched, best first. Department and location hits stay results of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from search.index import Field, Hit, HitKind

if TYPE_CHECKING:
    from search.index import SearchIndex

GROUP_FACTOR = 3  # ask the index for this many hits per wanted result (contacts fold in)


@dataclass(frozen=True, slots=True)
class Result:
    """One card: a unit (with the people of it that matched), a department or a location."""

    kind: HitKind  # UNIT for a unit or any of its contacts
    id: str  # the unit's id for a unit result
    score: float
    hit: Hit | None  # the unit's (department's, location's) own hit, None when only people matched
    people: tuple[Hit, ...] = ()  # contact hits of the unit, best first

    @property
    def unit_id(self) -> str | None:
        return self.id if self.kind is HitKind.UNIT else None

    @property
    def explanation(self) -> str:
        """'Fundet på: navn' for the unit, else the best person's 'Fundet på: …'."""
        if self.hit is not None:
            return self.hit.explanation
        return self.people[0].explanation if self.people else "Fundet på: enhedens navn"


def group_hits(hits: Iterable[Hit], limit: int = 10) -> list[Result]:
    """One result per unit (its hit and its people's hits merged), best first, at most `limit`."""
    order: list[tuple[HitKind, str]] = []
    best: dict[tuple[HitKind, str], float] = {}
    own: dict[tuple[HitKind, str], Hit] = {}
    people: dict[tuple[HitKind, str], list[Hit]] = {}
    for hit in hits:
        if hit.kind in (HitKind.UNIT, HitKind.CONTACT) and hit.unit_id is not None:
            group = (HitKind.UNIT, hit.unit_id)
        else:
            group = (hit.kind, hit.id)
        if group not in best:
            order.append(group)
            best[group] = hit.score
        best[group] = max(best[group], hit.score)
        if hit.kind is HitKind.CONTACT:
            people.setdefault(group, []).append(hit)
        else:
            own[group] = hit
    order.sort(key=lambda g: -best[g])  # stable: ties keep the index's order
    for group, found in people.items():
        # a person found only through the unit's own name adds nothing to the unit's card
        personal = [h for h in found if any(m.field is not Field.UNIT for m in h.matches)]
        if personal or group in own:
            people[group] = personal
    return [
        Result(
            kind=kind,
            id=id_,
            score=best[(kind, id_)],
            hit=own.get((kind, id_)),
            people=tuple(people.get((kind, id_), ())),
        )
        for kind, id_ in order[:limit]
    ]


def top_results(index: SearchIndex, query: str, limit: int = 10, **filters: Any) -> list[Result]:
    """The result cards of a search: what the Søg page shows for `query` with these filters
    (`SearchIndex.search`'s keywords), at most `limit`, one per unit."""
    return group_hits(index.search(query, limit=limit * GROUP_FACTOR, **filters), limit)
