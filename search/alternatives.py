"""What IS open when "Kun åbne nu" finds nothing: the nearest open alternatives for a query.

A caseworker at 22:00 who searches "herberg" with "Kun åbne nu" needs a place to call now,
not only the advice to remove the filter. In order:

1. open units that match the query when the other filters (forvaltning, behov, alder) are
   left out;
2. open units in the forvaltninger of the best closed matches (often a døgnvagt);
3. the best closed matches themselves, whose cards say when they open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from search.index import Hit, HitKind, SearchIndex

LIMIT = 5


@dataclass(frozen=True)
class Alternatives:
    """Sections of hits, each with a Danish heading; empty sections are left out."""

    sections: tuple[tuple[str, tuple[Hit, ...]], ...]


def open_alternatives(
    index: SearchIndex,
    query: str,
    at: dt.datetime,
    *,
    department: Iterable[str] | None = None,
    need: str | None = None,
    age: int | None = None,
) -> Alternatives:
    """Alternatives for a search whose "Kun åbne nu" found nothing (see the module doc)."""
    departments = list(department or [])
    other_filters = bool(departments or need or age is not None)
    sections: list[tuple[str, tuple[Hit, ...]]] = []
    seen: set[str] = set()

    def add(title: str, hits: list[Hit]) -> None:
        fresh = [h for h in hits if (h.unit_id or h.id) not in seen][:LIMIT]
        seen.update(h.unit_id or h.id for h in fresh)
        if fresh:
            sections.append((title, tuple(fresh)))

    if other_filters and query.strip():
        add(
            "Åbne nu, der passer til søgningen uden de andre filtre",
            index.search(query, limit=LIMIT, open_now=True, at=at),
        )
    closed = [
        h
        for h in index.search(query, limit=LIMIT, department=departments, need=need, age=age)
        if h.kind in (HitKind.UNIT, HitKind.CONTACT)
    ]
    nearby = list(dict.fromkeys(h.department_id for h in closed[:3] if h.department_id))
    if nearby:
        add(
            "Åbne nu i samme forvaltning",
            index.search("", limit=LIMIT * 4, department=nearby, open_now=True, at=at),
        )
    add("Lukket nu, men passer til søgningen", closed)
    return Alternatives(tuple(sections))
