"""Finding a unit by a few typed words: the matching rule every unit picker shares.

A picker offers at most a few dozen units (a list of 10,000 makes the browser slow and is no
use to a reader), so it asks a `UnitFinder` for the best matches of what was typed and how
many matched in all. The rule lives here, in one place; the Henvisningsveje page builds its
finder in the referral graph's order (front doors and the most linked units first,
`ReferralGraph.find_units`), the other pages by name (`UnitFinder.by_name`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from directory.model import Directory
from directory.rules.needs import need_key


class UnitFinder:
    """The units a picker can offer, in the order an empty query offers them.

    `units` are (id, name, the forvaltning's name) triples. Read-only once built (it is shared
    between sessions)."""

    def __init__(self, units: Iterable[tuple[str, str, str]]) -> None:
        entries = []
        labels = {}
        for unit_id, name, department_name in units:
            entries.append(
                (unit_id, need_key(name), need_key(f"{name} {department_name} {unit_id}"))
            )
            labels[unit_id] = f"{name} · {department_name}"
        self._entries: tuple[tuple[str, str, str], ...] = tuple(entries)
        self._labels: dict[str, str] = labels

    @classmethod
    def by_name(cls, directory: Directory) -> UnitFinder:
        """Every unit of `directory`, an empty query offering them by name (then id)."""
        departments = directory.departments

        def department_name(department_id: str) -> str:
            department = departments.get(department_id)
            return department.label if department else department_id

        units = sorted(directory.units.values(), key=lambda u: (need_key(u.name), u.id))
        return cls((u.id, u.name, department_name(u.department)) for u in units)

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._labels

    def __len__(self) -> int:
        return len(self._entries)

    def label(self, unit_id: str) -> str:
        """How a picker shows the unit: 'Borgercenter Voksne · Socialforvaltningen (SOF)'."""
        return self._labels[unit_id]

    def find(
        self, query: str, limit: int = 50, exclude: Collection[str] = ()
    ) -> tuple[list[str], int]:
        """The units for `query`, best first, at most `limit`, and how many matched in all
        (the units in `exclude` are never offered nor counted).

        A unit matches when every word of the query is part of its name, its forvaltning's
        name or its id (case and spacing ignored). Names that start with the query come
        first, then names with a word that starts with it, then the rest; within each, the
        finder's own order. An empty query matches every unit."""
        wanted = need_key(query)
        words = wanted.split()
        if not words:
            if not exclude:
                return [u for u, _, _ in self._entries[:limit]], len(self._entries)
            kept = [u for u, _, _ in self._entries if u not in exclude]
            return kept[:limit], len(kept)
        ranked: list[tuple[int, int, str]] = []
        for position, (unit_id, name, text) in enumerate(self._entries):
            if all(w in text for w in words) and unit_id not in exclude:
                rank = 0 if name.startswith(wanted) else 1 if f" {wanted}" in f" {name}" else 2
                ranked.append((rank, position, unit_id))
        ranked.sort()
        return [u for _, _, u in ranked[:limit]], len(ranked)
