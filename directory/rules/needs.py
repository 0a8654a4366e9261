"""Needs and target groups: how they are compared and which a unit serves.

The one home of the rule: the map's need filter (`directory.geo.places`), the search's
'behov' picker (`search.index`) and the referral graph's need filter
(`directory.graph.analysis`) compare needs with `need_key`, so a need written "Bolig" in one
file and " bolig" in another is one need everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

from directory.model import Directory, Unit


def need_key(need: str) -> str:
    """How needs are compared: case-insensitive, runs of spaces as one, ends ignored."""
    return " ".join(need.split()).casefold()


def need_text(need: str) -> str:
    """A need as shown: as written, with runs of spaces as one and the ends trimmed."""
    return " ".join(need.split())


def merge_needs(target: list[str], values: Iterable[str]) -> None:
    """Append the values whose `need_key` is not in `target` yet (first spelling kept)."""
    seen = {need_key(v) for v in target}
    for value in values:
        key = need_key(value)
        if key not in seen:
            seen.add(key)
            target.append(value)


def distinct_needs(values: Iterable[str]) -> list[str]:
    """Each need once (first spelling, tidied by `need_text`), sorted by `need_key`."""
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(need_key(value), need_text(value))
    return [seen[key] for key in sorted(seen)]


def unit_needs(directory: Directory, unit: Unit) -> list[str]:
    """What a unit is for, in staff's words: its target groups and the needs referred to it."""
    words = list(unit.target_groups)
    for referral in directory.referrals_to.get(unit.id, []):
        words.extend(referral.needs)
    return words


def serves_need(directory: Directory, unit: Unit, need: str) -> bool:
    """True when one of the unit's target groups or referred needs is `need` (by `need_key`)."""
    key = need_key(need)
    return any(need_key(word) == key for word in unit_needs(directory, unit))


def need_options(directory: Directory) -> list[str]:
    """Every need and target group in the data, once each (by `need_key`), sorted."""
    return distinct_needs(
        word for unit in directory.units.values() for word in unit_needs(directory, unit)
    )
