"""The read-only HSDS API's answers, without a web framework (`ui/api.py` serves them).

`HsdsApi(catalog, index).get(path, query, base_url)` -> (HTTP status, JSON body) for the
paths of HSDS's OpenAPI under `/api/hsds/`. The catalog and the search index must be built
from the public view (`ui.serving.public_snapshot`): the API never has a staff-only value to
leak. Pages are bounded (`MAX_PER_PAGE`); `search` is the search of Søg (`search.SearchIndex`,
one result per unit, best first).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

from directory.exports.hsds.export import HsdsCatalog, Json
from directory.exports.hsds.schemas import (
    HSDS_VERSION,
    PROFILE_FILES,
    PROFILE_PATH,
    PROFILE_VERSION,
    openapi,
    patch,
    profile_schema,
)
from directory.model import Unit, excerpt
from directory.rules.clock import COPENHAGEN
from search import SearchIndex
from search.results import top_results

API_PATH = "/api/hsds"
DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_SEARCH_RESULTS = 1000  # a search lists at most this many services
Answer = tuple[int, Any]


class BadRequest(ValueError):
    """A query parameter the API cannot use; the message (Danish) says which and why."""


def _int(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name}: {excerpt(raw)} er ikke et helt tal") from None
    if not low <= value <= high:
        raise BadRequest(f"{name}: skal være mellem {low} og {high}, ikke {value}")
    return value


def _moment(raw: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(
            f"modified_after: {excerpt(raw)} er ikke et tidspunkt: skriv fx 2026-09-01 eller "
            "2026-09-01T12:00:00+02:00"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=COPENHAGEN)


def page(items: list[Any], query: Mapping[str, str], build: Callable[[Any], Json]) -> Json:
    """An HSDS `Page` of `items` (built only for the page asked for)."""
    per_page = _int(query, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    total_pages = max(1, math.ceil(len(items) / per_page))
    number = _int(query, "page", 1, 1, 1_000_000)
    shown = items[(number - 1) * per_page : number * per_page]
    return {
        "total_items": len(items),
        "total_pages": total_pages,
        "page_number": number,
        "size": len(shown),
        "first_page": number == 1,
        "last_page": number >= total_pages,
        "empty": not shown,
        "contents": [build(item) for item in shown],
    }


class HsdsApi:
    """The answers of one data version's public view."""

    def __init__(self, catalog: HsdsCatalog, index: SearchIndex | None = None) -> None:
        self.catalog = catalog
        self.index = index
        self.units = catalog.directory.units

    @cached_property
    def _units_of_term(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for unit in self.units.values():
            for term in sorted(self.catalog.unit_terms(unit)):
                out.setdefault(term, []).append(unit.id)
        return out

    def get(self, path: str, query: Mapping[str, str], base_url: str) -> Answer:
        """The answer to GET /api/hsds/<path>?<query>."""
        parts = [p for p in path.strip("/").split("/") if p]
        try:
            return self._route(parts, query, base_url.rstrip("/"))
        except BadRequest as exc:
            return 400, {"error": str(exc)}

    def _route(self, parts: list[str], query: Mapping[str, str], base: str) -> Answer:
        if not parts:
            return 200, {
                "version": HSDS_VERSION,
                "profile": base + PROFILE_PATH,
                "openapi_url": f"{base}{API_PATH}/openapi.json",
            }
        head, rest = parts[0], parts[1:]
        if head == "openapi.json" and not rest:
            return 200, openapi()
        if head == "profile":
            return self._profile(rest, base)
        if head == "services":
            return self._services(query) if not rest else self._one(rest, self._service)
        if head == "organizations":
            if not rest:
                organizations = self.catalog.organizations()
                return 200, page(organizations, query, _scalars)
            return self._one(rest, self.catalog.organization)
        if head == "taxonomies":
            taxonomies = {t["id"]: t for t in self.catalog.taxonomies()}
            if not rest:
                return 200, page(list(taxonomies.values()), query, lambda t: t)
            return self._one(rest, taxonomies.get)
        if head == "taxonomy_terms":
            terms = {t["id"]: t for t in self.catalog.taxonomy_terms()}
            if not rest:
                chosen = [
                    t
                    for t in terms.values()
                    if query.get("taxonomy_id") in (None, t["taxonomy_id"])
                ]
                return 200, page(chosen, query, lambda t: t)
            return self._one(rest, terms.get)
        if head == "service_at_locations" and not rest:
            return 200, page(self._service_at_locations(query), query, self._sal_summary)
        return 404, {
            "error": f"{API_PATH}/{'/'.join(parts)} findes ikke: se {API_PATH}/openapi.json"
        }

    @staticmethod
    def _one(rest: list[str], find: Callable[[str], Json | None]) -> Answer:
        found = find(rest[0]) if len(rest) == 1 else None
        if found is None:
            return 404, {"error": "findes ikke: tjek id'et (et UUID fra en liste)"}
        return 200, found

    def _service(self, service_id: str) -> Json | None:
        unit_id = self.catalog.service_unit.get(service_id)
        return self.catalog.service(self.units[unit_id]) if unit_id in self.units else None

    def _profile(self, rest: list[str], base: str) -> Answer:
        if not rest:
            return 200, {
                "name": "Kommunalt landkort",
                "version": PROFILE_VERSION,
                "hsds_version": HSDS_VERSION,
                "description": "HSDS-profilen for Kommunalt landkort (Københavns Kommune): "
                "henvisningsveje, telefonernes synlighed, nøglepersoner og stedfortrædere, "
                "landkortets id'er. Beskrevet i docs/hsds-profile.md i landkortets repository.",
                "profile": {name: f"{base}{PROFILE_PATH}/{name}.json" for name in PROFILE_FILES}
                | {"openapi": f"{base}{PROFILE_PATH}/openapi.json"},
                "schema": {
                    name: f"{base}{PROFILE_PATH}/schema/{name}.json"
                    for name in ("service", "organization")
                },
            }
        if len(rest) == 1 and rest[0].removesuffix(".json") in (*PROFILE_FILES, "openapi"):
            return 200, patch(rest[0].removesuffix(".json") + ".json")
        if len(rest) == 2 and rest[0] == "schema":
            name = rest[1].removesuffix(".json")
            if name in ("service", "organization"):
                return 200, profile_schema(name)
        return 404, {"error": "findes ikke i profilen: se " + base + PROFILE_PATH}

    # -- services -----------------------------------------------------------------------------
    def _chosen_units(self, query: Mapping[str, str]) -> list[Unit]:
        """The units a /services or /service_at_locations query asks for, in order."""
        text = (query.get("search") or "").strip()
        if text and self.index is not None:
            results = top_results(self.index, text, limit=MAX_SEARCH_RESULTS)
            units = [self.units[r.unit_id] for r in results if r.unit_id in self.units]
        else:
            units = list(self.units.values())
        term = query.get("taxonomy_term_id")
        if term:
            wanted = set(self._units_of_term.get(term, []))
            units = [u for u in units if u.id in wanted]
        taxonomy = query.get("taxonomy_id")
        if taxonomy:
            terms = {
                t.id
                for t in self.catalog.terms.values()
                if self.catalog.taxonomy_ids.get(t.taxonomy) == taxonomy
            }
            wanted = {u for t in terms for u in self._units_of_term.get(t, [])}
            units = [u for u in units if u.id in wanted]
        organization = query.get("organization_id")
        if organization:
            units = [u for u in units if organization in self._organizations_of(u)]
        after = query.get("modified_after")
        if after:
            moment = _moment(after)
            units = [
                u
                for u in units
                if dt.datetime.combine(u.verified, dt.time(23, 59, 59), tzinfo=COPENHAGEN) >= moment
            ]
        return units

    def _organizations_of(self, unit: Unit) -> set[str]:
        """Every organization that provides a unit: its own and those above it."""
        found: set[str] = set()
        current: str | None = self.catalog.organization_id(unit)
        while current is not None and current not in found:
            found.add(current)
            organization = self.catalog.organization(current)
            current = organization.get("parent_organization_id") if organization else None
        return found

    def _services(self, query: Mapping[str, str]) -> Answer:
        units = self._chosen_units(query)
        full = (query.get("full") or "").lower() == "true"
        build = self.catalog.service if full else self.catalog.summary
        return 200, page(units, query, build)

    def _service_at_locations(self, query: Mapping[str, str]) -> list[tuple[Unit, str]]:
        places = self.catalog.directory.locations
        return [
            (unit, location_id)
            for unit in self._chosen_units(query)
            for location_id in unit.locations
            if location_id in places
        ]

    def _sal_summary(self, item: tuple[Unit, str]) -> Json:
        unit, location_id = item
        location = self.catalog.directory.locations[location_id]
        out = self.catalog.service_at_location(unit, location, nested=False)
        out["location"] = _scalars(self.catalog.location(location))
        out["service"] = self.catalog.summary(unit)
        return out


def _scalars(value: Json) -> Json:
    """An object without its arrays (a list item of HSDS)."""
    return {k: v for k, v in value.items() if not isinstance(v, list)}
