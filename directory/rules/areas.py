"""Areas of Københavns Kommune: what a unit's `service_area` names, where a citizen lives,
and how specifically a unit serves that place.

The kommune is cut into *cells*: one cell per postal code (or K/V postal range) and bydel it
lies in, from the tables in `directory/geo/geodata/` (2200 lies in Nørrebro and Bispebjerg:
two cells). A bydel (one of the ten, by name) is the cells of that bydel; a postal code is
the cells of its postal row. A unit serves a place when their cells meet; a unit without a
service area serves the whole kommune. The fewer cells a unit covers, the more specific it
is: a district unit for Amager before a kommune-wide one.

The citizen's area (`read_area`) is a postal code, a bydel (or a well-known part of town:
Amager, Christianshavn, Nordvest ...) or a street address with its postal code in it, or the
street of a place in the data. No streamlit here; `directory.geo.places` reads the same
tables for the map.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from directory.model import Directory, Unit, cut

GEODATA = Path(__file__).resolve().parent.parent / "geo" / "geodata"
# A unit's extension key: its address is estimated (its parent's or forvaltning's), not its own.
ESTIMATED_LOCATION = "x-estimated-location"
_CODE = re.compile(r"(?<!\d)(\d{4})(?!\d)")

Cell = tuple[int, int]  # (postal row index, bydel code)

# Names of town parts that staff and citizens use but that are not bydele, and the bydele
# they lie in: accepted as the citizen's area (never in a unit's service_area).
PARTS_OF_TOWN: dict[str, tuple[int, ...]] = {
    "amager": (9, 10),
    "amagerbro": (9,),
    "sundby": (9, 10),
    "ørestad": (10,),
    "christianshavn": (1,),
    "city": (1,),
    "indre by og østerbro": (1, 2),
    "vesterbro": (4,),
    "kongens enghave": (4,),
    "sydhavn": (4,),
    "nordhavn": (2,),
    "brønshøj": (7,),
    "husum": (7,),
    "nordvest": (8,),
    "nv": (8,),
}


def read_geodata(name: str) -> list[dict[str, str]]:
    """The rows of one of the shipped geodata tables (`bydele.csv`, `postnumre.csv`)."""
    with (GEODATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True, slots=True)
class PostalRow:
    low: int
    high: int
    city: str
    bydele: tuple[int, ...]

    @property
    def label(self) -> str:
        code = str(self.low) if self.low == self.high else f"{self.low}–{self.high}"
        return f"{code} {self.city}"


@dataclass(frozen=True, slots=True)
class Areas:
    """The kommune's area tables, read once."""

    bydele: dict[int, str]  # code → name, in official order
    postal: tuple[PostalRow, ...]

    def bydel_code(self, name: str) -> int | None:
        wanted = " ".join(name.split()).casefold()
        return next((c for c, n in self.bydele.items() if n.casefold() == wanted), None)

    def postal_row(self, code: int) -> int | None:
        return next((i for i, r in enumerate(self.postal) if r.low <= code <= r.high), None)

    @property
    def all_cells(self) -> frozenset[Cell]:
        return frozenset((i, b) for i, row in enumerate(self.postal) for b in row.bydele)

    def bydel_cells(self, codes: Iterable[int]) -> frozenset[Cell]:
        wanted = set(codes)
        return frozenset(cell for cell in self.all_cells if cell[1] in wanted)

    def postal_cells(self, code: int) -> frozenset[Cell]:
        row = self.postal_row(code)
        if row is None:
            return frozenset()
        return frozenset((row, b) for b in self.postal[row].bydele)


@lru_cache(maxsize=1)
def areas() -> Areas:
    bydele = {int(r["code"]): r["name"] for r in read_geodata("bydele.csv")}
    postal = tuple(
        PostalRow(
            int(r["postal_from"]),
            int(r["postal_to"]),
            r["city"],
            tuple(int(b) for b in r["bydele"].split()),
        )
        for r in read_geodata("postnumre.csv")
    )
    return Areas(bydele, postal)


def bydel_names() -> list[str]:
    """The ten bydele, in official order: what a `service_area` may name besides codes."""
    return list(areas().bydele.values())


def entry_cells(entry: str) -> frozenset[Cell]:
    """The cells one `service_area` entry names (empty when it names none: see
    `unknown_entry`): a bydel by its name, or a four-digit postal code of the kommune."""
    text = entry.strip()
    if re.fullmatch(r"\d{4}", text):
        return areas().postal_cells(int(text))
    code = areas().bydel_code(text)
    return areas().bydel_cells([code]) if code is not None else frozenset()


def unknown_entry(entry: str, hint: str = "") -> str | None:
    """Why a `service_area` entry names no area, with the fix in Danish (None when it names
    one). `hint`: the loader's '; mente du …?' for a misspelt bydel, put before the fix."""
    if entry_cells(entry):
        return None
    text = entry.strip()
    shown = repr(cut(text))
    if re.fullmatch(r"\d{4}", text):
        return (
            f"postnummeret {text} ligger ikke i Københavns Kommune: skriv et af kommunens "
            'postnumre (fx "2300") eller en af de ti bydele'
        )
    parts = PARTS_OF_TOWN.get(" ".join(text.split()).casefold())
    if parts:
        names = " og ".join(repr(areas().bydele[c]) for c in parts)
        return f"{shown} er ikke en af de ti bydele: skriv {names}"
    return (
        f"{shown} er hverken en af de ti bydele eller et postnummer i Københavns Kommune"
        f"{hint}: skriv en bydel (fx 'Nørrebro') eller et postnummer i anførselstegn "
        '(fx "2300")'
    )


def unit_area(directory: Directory, unit: Unit) -> tuple[str, ...]:
    """The service area that holds for a unit: its own, else its nearest ancestor's with one;
    () for a unit of the whole kommune."""
    if unit.service_area:
        return tuple(unit.service_area)
    for ancestor in directory.ancestors(unit.id):
        if ancestor.service_area:
            return tuple(ancestor.service_area)
    return ()


def area_cells(entries: Iterable[str]) -> frozenset[Cell]:
    cells: frozenset[Cell] = frozenset()
    for entry in entries:
        cells |= entry_cells(entry)
    return cells


@dataclass(frozen=True, slots=True)
class CitizenArea:
    """Where the citizen lives, as the caseworker wrote it, and the cells it covers."""

    text: str
    label: str  # Danish: '2300 København S', 'Nørrebro (bydel)'
    cells: frozenset[Cell]
    url_value: str  # what the link keeps (?omraade=2300)


def read_area(text: str | None, directory: Directory | None = None) -> CitizenArea | None:
    """The citizen's area from what the caseworker typed, or None when it names none.

    A postal code ('2300', '2300 København S', 'Lyongade 25, 2300 København S': the first
    four-digit code of the kommune in the text), a bydel ('Nørrebro', 'amager øst'), a part
    of town ('Amager', 'Christianshavn') or, without a code, the street of a place in the
    directory (its postal code: `street_codes`)."""
    if not text or not text.strip():
        return None
    typed = " ".join(text.split())
    table = areas()
    for match in _CODE.finditer(typed):
        code = int(match.group(1))
        row = table.postal_row(code)
        if row is not None:
            return CitizenArea(typed, table.postal[row].label, table.postal_cells(code), str(code))
    folded = typed.casefold().removesuffix(" (bydel)")
    code_of_bydel = table.bydel_code(folded)
    if code_of_bydel is not None:
        name = table.bydele[code_of_bydel]
        return CitizenArea(typed, f"{name} (bydel)", table.bydel_cells([code_of_bydel]), name)
    parts = PARTS_OF_TOWN.get(folded)
    if parts:
        return CitizenArea(typed, typed.title(), table.bydel_cells(parts), typed)
    streets = street_codes(directory) if directory is not None else {}
    street = _street(folded)
    if street in streets:
        found = read_area(streets[street])
        if found is not None:
            return CitizenArea(typed, f"{typed} ({found.label})", found.cells, found.url_value)
    return None


def _street(text: str) -> str:
    """The street name of an address: 'lyongade 25, 2. th' → 'lyongade'."""
    head = text.split(",")[0]
    return re.sub(r"\s+\d.*$", "", head).strip()


def street_codes(directory: Directory) -> dict[str, str]:
    """Street name (case-folded) → postal code, from the places in the data."""
    out: dict[str, str] = {}
    for location in directory.locations.values():
        out.setdefault(_street(location.address.street.casefold()), location.address.postal_code)
    return out


AREA_HELP = "Skriv et postnummer (fx 2300), en bydel (fx Nørrebro) eller en adresse med postnummer."


def unknown_area_message(text: str) -> str:
    """What the pages and the commands say when the citizen's area names no area."""
    return f"Kender ikke området »{text.strip()}« i Københavns Kommune. {AREA_HELP}"


# -- how a unit fits the citizen's area ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fit:
    """How a unit's service area fits the citizen's area."""

    serves: bool  # the unit serves (part of) the area
    cells: int  # how many cells the unit covers: fewer is more specific
    district: bool  # the unit has a service area (its own or an ancestor's)


def fit(directory: Directory, unit: Unit, area: CitizenArea) -> Fit:
    entries = unit_area(directory, unit)
    if not entries:
        return Fit(True, len(areas().all_cells), False)
    cells = area_cells(entries)
    return Fit(bool(cells & area.cells), len(cells), True)


def area_text(directory: Directory, unit: Unit) -> str:
    """'Amager Øst, Amager Vest' (or 'hele kommunen'): the area a unit serves, in words."""
    entries = unit_area(directory, unit)
    return ", ".join(entries) if entries else "hele kommunen"
