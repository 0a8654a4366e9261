"""Where offices are: distances, Copenhagen's bydele and postal codes, map filters, nearest office.

Everything the map page needs that is not drawing: which locations ("sites") match the
filters, whether they are open at a moment (Danish holidays through `directory.rules.hours`), and
which open ones are nearest to a bydel or a postal code. Places come from the tables that
ship in `directory/geo/geodata/` (no network geocoding). No streamlit here.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from directory.model import Department, DepartmentKind, Directory, Location, Phone, Unit
from directory.rules import clock, hours
from directory.rules.areas import read_geodata
from directory.rules.colors import department_colors
from directory.rules.needs import serves_need, unit_needs
from directory.rules.query import query_words

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
NO_DEPARTMENT_COLOR = "#d0d0d0"  # a building with no units in the data
_POSTAL = re.compile(r"^\s*(\d{4})\b")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


# --- places: bydele and postal codes -------------------------------------------------------


class PlaceKind(StrEnum):
    BYDEL = "bydel"
    POSTAL = "postnummer"


@dataclass(frozen=True, slots=True)
class Place:
    """A point to measure from: a bydel or a postal code (range) with a representative point."""

    kind: PlaceKind
    key: str  # "bydel-3", "2200", "1050-1199"
    name: str  # "Nørrebro", "2200 København N"
    label: str  # for the select box: "Nørrebro (bydel)", "2200 København N (Nørrebro)"
    lat: float
    lon: float
    estimate: bool  # True when the point is estimated by hand (see geodata/README.md)
    postal_from: int = 0
    postal_to: int = 0


@lru_cache(maxsize=1)
def bydele() -> tuple[Place, ...]:
    """Copenhagen's 10 bydele, in their official order (code 1-10)."""
    return tuple(
        Place(
            PlaceKind.BYDEL,
            f"bydel-{row['code']}",
            row["name"],
            f"{row['name']} (bydel)",
            float(row["lat"]),
            float(row["lon"]),
            row["coord_status"] == "ESTIMATE",
        )
        for row in read_geodata("bydele.csv")
    )


@lru_cache(maxsize=1)
def postal_areas() -> tuple[Place, ...]:
    """Postal codes of Københavns Kommune (ranges in K and V), in numeric order."""
    out = []
    for row in read_geodata("postnumre.csv"):
        low, high = int(row["postal_from"]), int(row["postal_to"])
        code = row["postal_from"] if low == high else f"{low}-{high}"
        name = f"{code.replace('-', '–')} {row['city']}"
        label = name if row["area"] == row["city"] else f"{name} ({row['area']})"
        out.append(
            Place(
                PlaceKind.POSTAL,
                code,
                name,
                label,
                float(row["lat"]),
                float(row["lon"]),
                row["coord_status"] == "ESTIMATE",
                low,
                high,
            )
        )
    return tuple(out)


def places() -> tuple[Place, ...]:
    """Everything 'nearest to' can start from: the bydele, then the postal codes."""
    return bydele() + postal_areas()


def find_place(text: str | None) -> Place | None:
    """The place a key, a name, a label or a postal code names ('bydel-3', 'Nørrebro',
    '2200', '1666', '2200 København N'); None when it is not in Københavns Kommune's tables."""
    if not text or not text.strip():
        return None
    wanted = " ".join(text.split()).casefold()
    for place in places():
        if wanted in (place.key, place.name.casefold(), place.label.casefold()):
            return place
    match = _POSTAL.match(wanted)
    if match:
        number = int(match.group(1))
        for place in postal_areas():
            if place.postal_from <= number <= place.postal_to:
                return place
    return None


# --- sites: locations with the units that match the filters ----------------------------------


@dataclass(frozen=True)
class MapFilter:
    """What the caseworker asked for. Empty values mean 'no filter'."""

    departments: frozenset[str] = frozenset()
    need: str | None = None
    text: str = ""
    open_now: bool = False
    at: dt.datetime | None = None  # the moment for 'open now'; None: now in Copenhagen

    def moment(self) -> dt.datetime:
        return self.at or clock.now()

    @property
    def narrows_units(self) -> bool:
        return bool(self.departments or self.need)


@dataclass(frozen=True)
class UnitHere:
    """A unit at a site, with its status at the filter's moment."""

    unit: Unit
    department: Department | None
    status: hours.Status  # the unit's and the building's hours together (hours.combined_status)

    @property
    def public_phone(self) -> Phone | None:
        return next(iter(self.unit.public_phones), None)


@dataclass
class Site:
    """One marker: a location, and the units of one kind (municipal or external) there."""

    location: Location
    kind: DepartmentKind
    units: list[UnitHere] = field(default_factory=list)
    status: hours.Status | None = None
    color: str = NO_DEPARTMENT_COLOR
    department_id: str | None = None  # the department with the most units here

    @property
    def key(self) -> str:
        return (
            self.location.id if self.kind is DepartmentKind.MUNICIPAL else f"{self.location.id}~ext"
        )

    @property
    def is_open(self) -> bool:
        return bool(self.status and self.status.is_open)


def _haystack(directory: Directory, unit: Unit | None, location: Location) -> str:
    parts: list[str] = [location.name, location.address.one_line()]
    if unit is not None:
        department = directory.departments.get(unit.department)
        parts += [
            unit.name,
            unit.id,
            unit.description or "",
            *unit.keywords,
            *unit.responsibilities,
            *unit_needs(directory, unit),
        ]
        if department is not None:
            parts += [department.name, department.short or ""]
    return " ".join(parts).casefold()


def _text_matches(words: list[str], haystack: str) -> bool:
    return all(word in haystack for word in words)


def sites(directory: Directory, flt: MapFilter | None = None) -> list[Site]:
    """The map's markers: each location with the units that match the filter, split by kind
    (municipal offices and external partners are separate layers). A location with no units
    shows only when no department or need filter is set. Order: the locations' file order."""
    flt = flt or MapFilter()
    at = flt.moment()
    words = query_words(flt.text)
    need = flt.need if flt.need and flt.need.strip() else None
    colors = department_colors(directory)
    out: list[Site] = []
    for location in directory.locations.values():
        by_kind: dict[DepartmentKind, Site] = {}
        for unit_id in directory.units_at.get(location.id, []):
            unit = directory.units[unit_id]
            department = directory.departments.get(unit.department)
            if flt.departments and unit.department not in flt.departments:
                continue
            if need and not serves_need(directory, unit, need):
                continue
            if words and not _text_matches(words, _haystack(directory, unit, location)):
                continue
            status = hours.combined_status(unit.hours, location.hours, at)
            if flt.open_now and not status.is_open:
                continue
            kind = department.kind if department else DepartmentKind.MUNICIPAL
            site = by_kind.setdefault(kind, Site(location, kind))
            site.units.append(UnitHere(unit, department, status))
        if not directory.units_at.get(location.id) and not flt.narrows_units:
            status = hours.status(location.hours, at)
            text_ok = not words or _text_matches(words, _haystack(directory, None, location))
            if text_ok and (status.is_open or not flt.open_now):
                by_kind[DepartmentKind.MUNICIPAL] = Site(location, DepartmentKind.MUNICIPAL)
        for site in by_kind.values():
            _finish(site, colors, at)
            out.append(site)
    return out


def _finish(site: Site, colors: dict[str, str], at: dt.datetime) -> None:
    """Set a site's status (open if any unit there is open) and its colour."""
    if not site.units:
        site.status = hours.status(site.location.hours, at)
        return
    site.status = hours.any_open([u.status for u in site.units], at)
    counts = Counter(u.unit.department for u in site.units)
    department_id = max(counts, key=lambda dep: (counts[dep], -list(counts).index(dep)))
    site.department_id = department_id
    site.color = colors.get(department_id, NO_DEPARTMENT_COLOR)


def units_without_location(directory: Directory, flt: MapFilter | None = None) -> list[Unit]:
    """Units that match the department/need filter but have no address, so are not on the map."""
    flt = flt or MapFilter()
    need = flt.need if flt.need and flt.need.strip() else None
    return [
        unit
        for unit in directory.units.values()
        if not unit.locations
        and (not flt.departments or unit.department in flt.departments)
        and (not need or serves_need(directory, unit, need))
    ]


# --- nearest -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Nearby:
    site: Site
    distance_km: float


def nearest(
    found: Iterable[Site], place: Place, *, limit: int = 10, open_only: bool = True
) -> list[Nearby]:
    """The sites nearest to a place, closest first (ties: file order); open ones only unless
    `open_only` is False. Sites without units (bare buildings) are left out: they serve no need."""
    rows = [
        Nearby(site, haversine_km(place.lat, place.lon, site.location.lat, site.location.lon))
        for site in found
        if site.units and (site.is_open or not open_only)
    ]
    rows.sort(key=lambda row: row.distance_km)
    return rows[:limit]


@dataclass(frozen=True)
class NearestAnswer:
    rows: list[Nearby]
    none_open: bool  # True when nothing matching is open, so `rows` lists closed offices


def nearest_open(found: list[Site], place: Place, *, limit: int = 10) -> NearestAnswer:
    """The nearest open offices; when none is open, the nearest ones anyway (with their
    next opening in the status), flagged so the page can say so."""
    rows = nearest(found, place, limit=limit, open_only=True)
    if rows:
        return NearestAnswer(rows, False)
    return NearestAnswer(nearest(found, place, limit=limit, open_only=False), True)
