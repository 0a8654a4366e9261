"""Generate a valid synthetic data directory at any size, for benchmarks and browser tests.

`synth_directory(out_dir, units=N, seed=S)` writes about N/2 locations (at most
`MAX_LOCATIONS`, so that the one locations.yaml stays under 5 MB), 3N referrals and 1.5N
contacts with plausible Danish names and text, spread over the seven forvaltninger of
Københavns Kommune and three groups of external partners. The output depends on the seed
only: the same seed gives byte-identical files (only `random.Random(seed)` is used, never
the clock, and nothing iterates over a set).

Dates: every `verified` date lies within the 330 days before `today`, which defaults to the
fixed anchor `ANCHOR` (2026-06-01) so that the output stays deterministic. Validation on a
later day therefore reports "verified more than 12 months ago" warnings (warnings never fail
validation); pass `today=` (`--today` on the command line) to get fresh dates.

A department with more than `MAX_UNITS_PER_FILE` units is split: the first part stays in
`units/<forvaltning>.yaml`, the rest go to sub-departments `<forvaltning>-omraade-2`, ... with
a file each, so that no file comes near the loader's 5 MB limit.

The YAML is written by hand (much faster than a YAML emitter): every string is written as a
JSON string, which is a valid YAML double-quoted scalar, so nothing can be misread as a
number, a boolean or a date.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from directory.loading import writer
from directory.model import suggest_slug

ANCHOR = dt.date(2026, 6, 1)
MAX_UNITS_PER_FILE = 2000
REFERRALS_PER_FILE = 10000
# The contract allows one locations.yaml only, and a file must stay under 5 MB: at about
# 250 bytes a location, 18,000 locations (4.5 MB) is the most one file holds with room to spare.
MAX_LOCATIONS = 18000
VERIFIED_WITHIN_DAYS = 330
EMAIL_DOMAIN = "eksempel.kk.dk"
# Latitude/longitude box of Copenhagen that every generated location lies in.
BOX_LAT = (55.61, 55.73)
BOX_LON = (12.45, 12.65)

# (id, name, short, kind, colour, share of the units, unit kinds for roots, for children)
_DEPARTMENTS: list[tuple[str, str, str, str, str, float, list[str], list[str]]] = [
    (
        "sof",
        "Socialforvaltningen",
        "SOF",
        "municipal",
        "#b2182b",
        0.22,
        ["Borgercenter", "Socialcenter", "Center for", "Bosted", "Herberg", "Rådgivningen"],
        ["Team", "Enhed", "Sektion", "Opsøgende team"],
    ),
    (
        "bif",
        "Beskæftigelses- og Integrationsforvaltningen",
        "BIF",
        "municipal",
        "#2166ac",
        0.14,
        ["Jobcenter", "Ungecenter", "Ydelsesservice", "Integrationscenter"],
        ["Team", "Enhed", "Jobteam", "Virksomhedsteam"],
    ),
    (
        "suf",
        "Sundheds- og Omsorgsforvaltningen",
        "SUF",
        "municipal",
        "#1b7837",
        0.16,
        ["Sundhedshus", "Plejecenter", "Træningscenter", "Hjemmeplejen", "Forebyggelsescenter"],
        ["Team", "Enhed", "Visitation", "Gruppe"],
    ),
    (
        "buf",
        "Børne- og Ungdomsforvaltningen",
        "BUF",
        "municipal",
        "#e08214",
        0.18,
        ["Børnehus", "PPR", "Sundhedsplejen", "Fritidscenter", "Skole"],
        ["Team", "Enhed", "Familieteam", "Gruppe"],
    ),
    (
        "kff",
        "Kultur- og Fritidsforvaltningen",
        "KFF",
        "municipal",
        "#762a83",
        0.06,
        ["Bibliotek", "Kulturhus", "Borgerservice", "Idrætsanlæg"],
        ["Team", "Enhed"],
    ),
    (
        "tmf",
        "Teknik- og Miljøforvaltningen",
        "TMF",
        "municipal",
        "#35978f",
        0.05,
        ["Byggesag", "Miljøpunkt", "Center for", "Byens Drift"],
        ["Team", "Enhed", "Sektion"],
    ),
    (
        "okf",
        "Økonomiforvaltningen",
        "ØKF",
        "municipal",
        "#8c510a",
        0.04,
        ["Center for", "Kontor for", "Borgerrådgiveren"],
        ["Team", "Enhed"],
    ),
    (
        "stat",
        "Statslige myndigheder",
        "Stat",
        "external",
        "#4d4d4d",
        0.06,
        [
            "Kriminalforsorgen",
            "Udbetaling Danmark",
            "Familieretshuset",
            "Politiet",
            "Skattestyrelsen",
        ],
        ["Afdeling", "Team"],
    ),
    (
        "region",
        "Region Hovedstaden",
        "RegionH",
        "external",
        "#5e3c99",
        0.05,
        ["Psykiatrisk Center", "Distriktspsykiatrien", "Akutmodtagelsen", "Hospitalet"],
        ["Afsnit", "Ambulatorium", "Team"],
    ),
    (
        "frivillige",
        "Frivillige organisationer",
        "Frivillige",
        "external",
        "#807dba",
        0.04,
        ["Kirkens Korshær", "Frelsens Hær", "Mødrehjælpen", "Røde Kors", "Værestedet"],
        ["Café", "Rådgivning", "Gruppe"],
    ),
]

# (label in a name, the need as staff write it, extra keywords, target group)
_TOPICS: list[tuple[str, str, list[str], str]] = [
    ("Bolig", "bolig", ["boligsocial", "boliganvisning"], "boligløse"),
    ("Hjemløshed", "hjemløshed", ["hjemløs", "herberg", "gadeplan"], "hjemløse"),
    ("Misbrug", "misbrug", ["rusmidler", "alkohol", "afhængighed"], "borgere med misbrug"),
    ("Beskæftigelse", "beskæftigelse", ["job", "arbejde", "praktik"], "ledige"),
    (
        "Psykiatri",
        "psykiatri",
        ["psykisk sårbar", "angst", "depression"],
        "borgere med psykisk sårbarhed",
    ),
    ("Gæld", "gældsrådgivning", ["gæld", "økonomi", "budget"], "borgere med gæld"),
    ("Udsættelse", "udsættelse", ["fogedsag", "huslejerestance"], "udsættelsestruede"),
    ("Vold", "vold i nære relationer", ["krisecenter", "partnervold"], "voldsudsatte"),
    ("Handicap", "handicap", ["hjælpemidler", "bostøtte"], "borgere med handicap"),
    ("Ældre", "ældrepleje", ["hjemmehjælp", "plejebolig"], "ældre"),
    ("Børn og Unge", "børn og unge", ["underretning", "forebyggelse"], "børn og unge"),
    ("Familie", "familiestøtte", ["familiebehandling", "forældre"], "familier med børn"),
    ("Integration", "integration", ["danskuddannelse", "flygtning"], "nyankomne"),
    ("Sygedagpenge", "sygedagpenge", ["sygemelding", "arbejdsfastholdelse"], "sygemeldte"),
    ("Kontanthjælp", "kontanthjælp", ["ydelse", "uddannelseshjælp"], "borgere på kontanthjælp"),
    ("Førtidspension", "førtidspension", ["pension", "fleksjob"], "borgere med nedsat arbejdsevne"),
    ("Rehabilitering", "rehabilitering", ["genoptræning", "træning"], "borgere efter sygdom"),
    ("Demens", "demens", ["hukommelse", "pårørende"], "borgere med demens"),
    ("Sundhed", "forebyggelse og sundhed", ["rygestop", "kost", "motion"], "borgere"),
    ("Uddannelse", "uddannelse", ["vejledning", "SU"], "unge under 30"),
    ("Bostøtte", "bostøtte", ["socialpædagogisk støtte", "§ 85"], "udsatte voksne"),
    ("Kriminalitet", "kriminalitetsforebyggelse", ["løsladelse", "SSP"], "unge i risiko"),
    ("Ensomhed", "ensomhed", ["netværk", "frivillig"], "ensomme"),
    ("Prostitution", "prostitution", ["exit", "sexarbejde"], "borgere i prostitution"),
]

# The topics (labels in _TOPICS) a department's units are mostly about.
_DEPARTMENT_TOPICS = {
    "sof": [
        "Hjemløshed",
        "Misbrug",
        "Psykiatri",
        "Udsættelse",
        "Vold",
        "Handicap",
        "Bostøtte",
        "Prostitution",
        "Familie",
        "Børn og Unge",
    ],
    "bif": [
        "Beskæftigelse",
        "Sygedagpenge",
        "Kontanthjælp",
        "Førtidspension",
        "Integration",
        "Uddannelse",
        "Gæld",
    ],
    "suf": ["Ældre", "Demens", "Rehabilitering", "Sundhed", "Misbrug", "Ensomhed"],
    "buf": ["Børn og Unge", "Familie", "Uddannelse", "Sundhed", "Kriminalitet"],
    "kff": ["Ensomhed", "Integration", "Uddannelse"],
    "tmf": ["Bolig", "Udsættelse", "Sundhed"],
    "okf": ["Bolig", "Gæld", "Integration"],
    "stat": ["Kriminalitet", "Kontanthjælp", "Familie", "Gæld", "Førtidspension"],
    "region": ["Psykiatri", "Misbrug", "Rehabilitering", "Sundhed"],
    "frivillige": ["Hjemløshed", "Ensomhed", "Vold", "Familie", "Gæld"],
}

# (area, postal code, city, latitude, longitude, streets)
_AREAS: list[tuple[str, str, str, float, float, list[str]]] = [
    (
        "Indre By",
        "1150",
        "København K",
        55.6800,
        12.5800,
        ["Gothersgade", "Store Kongensgade", "Nørre Voldgade", "Vestergade"],
    ),
    (
        "Christianshavn",
        "1401",
        "København K",
        55.6720,
        12.5920,
        ["Torvegade", "Prinsessegade", "Overgaden neden Vandet"],
    ),
    (
        "Østerbro",
        "2100",
        "København Ø",
        55.7050,
        12.5750,
        ["Østerbrogade", "Blegdamsvej", "Nordre Frihavnsgade", "Strandboulevarden"],
    ),
    (
        "Nørrebro",
        "2200",
        "København N",
        55.6950,
        12.5450,
        ["Nørrebrogade", "Jagtvej", "Mimersgade", "Åboulevard"],
    ),
    (
        "Nordvest",
        "2400",
        "København NV",
        55.7050,
        12.5300,
        ["Rentemestervej", "Tomsgårdsvej", "Lygten", "Hillerødgade"],
    ),
    (
        "Bispebjerg",
        "2400",
        "København NV",
        55.7130,
        12.5400,
        ["Bispebjerg Bakke", "Tagensvej", "Frederiksborgvej"],
    ),
    (
        "Vesterbro",
        "1650",
        "København V",
        55.6680,
        12.5480,
        ["Vesterbrogade", "Istedgade", "Halmtorvet", "Matthæusgade", "Skelbækgade"],
    ),
    (
        "Kongens Enghave",
        "2450",
        "København SV",
        55.6550,
        12.5350,
        ["Enghavevej", "Sydhavnsgade", "Mozartsvej"],
    ),
    (
        "Sydhavn",
        "2450",
        "København SV",
        55.6480,
        12.5400,
        ["Sjælør Boulevard", "Borgbjergsvej", "Sydhavns Plads"],
    ),
    (
        "Valby",
        "2500",
        "Valby",
        55.6620,
        12.5100,
        ["Valby Langgade", "Vigerslev Allé", "Toftegårds Allé", "Folehaven"],
    ),
    (
        "Vanløse",
        "2720",
        "Vanløse",
        55.6860,
        12.4900,
        ["Jernbane Allé", "Ålekistevej", "Vanløse Allé"],
    ),
    (
        "Brønshøj-Husum",
        "2700",
        "Brønshøj",
        55.7050,
        12.4900,
        ["Frederikssundsvej", "Brønshøj Torv", "Husum Torv"],
    ),
    ("Tingbjerg", "2700", "Brønshøj", 55.7160, 12.4800, ["Tingbjerg Allé", "Ruten", "Gavlhusvej"]),
    (
        "Amager Øst",
        "2300",
        "København S",
        55.6600,
        12.6100,
        ["Amagerbrogade", "Holmbladsgade", "Prags Boulevard", "Englandsvej"],
    ),
    (
        "Amager Vest",
        "2300",
        "København S",
        55.6500,
        12.5850,
        ["Sundholmsvej", "Irlandsvej", "Gullfossgade", "Ved Amagerbanen"],
    ),
    (
        "Ørestad",
        "2300",
        "København S",
        55.6300,
        12.5780,
        ["Ørestads Boulevard", "Arne Jacobsens Allé", "Hannemanns Allé"],
    ),
]

_LOCATION_KINDS = ["Borgerhus", "Kontor", "Center", "Hus", "Afdeling", "Lokaler", "Gården"]

_FIRST_NAMES = [
    "Mette",
    "Anne",
    "Hanne",
    "Lene",
    "Susanne",
    "Camilla",
    "Louise",
    "Maria",
    "Sara",
    "Fatima",
    "Ida",
    "Emma",
    "Sofie",
    "Line",
    "Amalie",
    "Aisha",
    "Ayse",
    "Karen",
    "Birgitte",
    "Pia",
    "Jonas",
    "Mads",
    "Rasmus",
    "Peter",
    "Lars",
    "Jens",
    "Søren",
    "Michael",
    "Thomas",
    "Ali",
    "Mohammed",
    "Kasper",
    "Frederik",
    "Mikkel",
    "Anders",
    "Henrik",
    "Morten",
    "Niels",
    "Emil",
    "Jakob",
    "Omar",
    "Ahmad",
    "Bo",
    "Ole",
    "Kim",
    "Jesper",
    "Martin",
    "Christian",
]
_LAST_NAMES = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Østergaard",
    "Holm",
    "Yilmaz",
    "Hussein",
    "Khan",
    "Ahmed",
    "Dahl",
    "Lund",
    "Bech",
    "Kjær",
    "Frandsen",
    "Nørgaard",
]
_TITLES = {
    "gatekeeper": [
        "Visitator",
        "Socialrådgiver, visitation",
        "Indgangen for fagpersoner",
        "Modtagelsen",
    ],
    "contact": [
        "Socialrådgiver",
        "Sagsbehandler",
        "Jobkonsulent",
        "Sundhedsplejerske",
        "Pædagog",
        "Konsulent",
        "Rådgiver",
    ],
    "manager": ["Teamleder", "Afdelingsleder", "Centerchef", "Enhedschef"],
    "coordinator": ["Koordinator", "Datakoordinator", "Tovholder"],
}
_ROLES = ["gatekeeper", "gatekeeper", "contact", "contact", "contact", "manager", "coordinator"]
_TARGET_AGES = [None, None, None, (18, None), (18, 29), (15, 29), (0, 17), (65, None), (18, 64)]

_HOURS = [
    "Mo-Fr 09:00-15:00; PH off",
    "Mo-Th 09:00-15:00; Fr 09:00-13:00; PH off",
    "Mo-Fr 08:00-16:00; PH off",
    "Mo-Th 08:30-15:30; Fr 08:30-14:00; PH off; Dec 24 off",
    "Mo-Fr 10:00-14:00; We 10:00-18:00; PH off",
    "Tu,Th 10:00-13:00; PH off",
    "Mo-Su 07:00-22:00",
    "24/7",
]
_PHONE_HOURS = [
    "Mo-Fr 09:00-12:00; PH off",
    "Mo-Th 10:00-14:00; PH off",
    "Mo-Fr 08:00-10:00; PH off",
]
_PHONE_PREFIXES = ["32", "33", "35", "36", "38", "70", "72", "82", "86", "88"]

_HOW_TO_REFER = [
    "Ring til visitationen og oplys borgerens CPR-nummer.",
    "Send en henvendelse via KMD Nexus med borgerens samtykke.",
    "Skriv til den sikre postkasse; svar inden for to hverdage.",
    "Udfyld henvisningsskemaet på intranettet.",
    "Borgeren kan selv møde op i åbningstiden.",
    "Ring til gatekeeperen; ved akut behov brug fast track-nummeret.",
]
_HOW = ["telefon", "skema på intranettet", "sikker mail", "KMD Nexus", "fremmøde"]
_REQUIRES = [
    ["samtykke fra borgeren"],
    ["visitation"],
    ["samtykke fra borgeren", "visitation"],
    ["lægehenvisning"],
    ["bevilling fra myndighed"],
]
_CRITERIA = [
    "Borgere over 18 år med bopæl i Københavns Kommune.",
    "Unge under 30 år uden uddannelse.",
    "Borgere med et akut behov.",
    "Familier med børn under 18 år.",
    "Borgere, der er visiteret af myndighed.",
]
_DESCRIPTIONS = [
    "{kind} for {target} i {area}. Vi hjælper med {need} og {need2}.",
    "Vi tilbyder rådgivning og støtte om {need} til {target} i {area}.",
    "{kind} med fokus på {need}. Kontakt os ved spørgsmål om {need2}.",
    "Hjælp til {target}: {need}, {need2} og vejledning om næste skridt.",
]
_SYNONYMS = [
    ["hjemløs", "hjemløshed", "herberg", "gadeplan"],
    ["misbrug", "afhængighed", "rusmidler"],
    ["beskæftigelse", "job", "arbejde"],
    ["udsættelse", "fogedsag", "huslejerestance", "udsættelsestruet"],
    ["gæld", "gældsrådgivning", "økonomi"],
    ["psykiatri", "psykisk sårbar", "psykisk sygdom"],
    ["vold i nære relationer", "partnervold", "krisecenter"],
    ["SOF", "Socialforvaltningen"],
    ["BIF", "Beskæftigelses- og Integrationsforvaltningen"],
    ["SUF", "Sundheds- og Omsorgsforvaltningen"],
    ["BUF", "Børne- og Ungdomsforvaltningen"],
]


@dataclass
class _Unit:
    id: str
    name: str
    department: str
    forvaltning: str
    area: int
    topics: list[int]
    parent: str | None = None
    depth: int = 0
    record: dict[str, Any] = field(default_factory=dict)


class _Synth:
    """One generation run; all randomness comes from `self.rng`."""

    def __init__(self, units: int, seed: int, today: dt.date) -> None:
        self.n = units
        self.seed = seed
        self.today = today
        self.rng = random.Random(seed)
        self.phones: set[str] = set()
        self.ids: set[str] = set()
        self.names: set[str] = set()
        self.contact_count = 0

    # -- small pieces ---------------------------------------------------------------
    def date(self) -> str:
        return (
            self.today - dt.timedelta(days=self.rng.randrange(VERIFIED_WITHIN_DAYS))
        ).isoformat()

    def phone_number(self) -> str:
        while True:
            prefix = self.rng.choice(_PHONE_PREFIXES)
            digits = f"{prefix}{self.rng.randrange(1, 10)}{self.rng.randrange(100000):05d}"
            if digits not in self.phones:
                self.phones.add(digits)
                return f"{digits[0:2]} {digits[2:4]} {digits[4:6]} {digits[6:8]}"

    def unique(self, slug: str) -> str:
        candidate, k = slug, 2
        while candidate in self.ids:
            candidate, k = f"{slug}-{k}", k + 1
        self.ids.add(candidate)
        return candidate

    def unique_name(self, name: str) -> str:
        candidate, k = name, 2
        while candidate in self.names:
            candidate, k = f"{name} {k}", k + 1
        self.names.add(candidate)
        return candidate

    # -- departments ----------------------------------------------------------------
    def departments(self) -> tuple[list[dict[str, Any]], list[tuple[str, str, int]]]:
        """Department records and (department id, forvaltning id, unit count) per file."""
        shares = [d[5] for d in _DEPARTMENTS]
        counts = [int(self.n * s) for s in shares]
        for i in range(self.n - sum(counts)):  # hand out the remainder, biggest share first
            counts[sorted(range(len(shares)), key=lambda j: -shares[j])[i % len(shares)]] += 1
        records: list[dict[str, Any]] = []
        files: list[tuple[str, str, int]] = []
        for (dep_id, name, short, kind, color, _, _, _), count in zip(
            _DEPARTMENTS, counts, strict=True
        ):
            record: dict[str, Any] = {
                "id": dep_id,
                "name": name,
                "short": short,
                "kind": kind,
                "color": color,
            }
            if kind == "municipal":
                record["website"] = f"https://www.kk.dk/{suggest_slug(name)}"
                record["phones"] = [{"number": self.phone_number()}]
            records.append(record)
            parts = max(1, -(-count // MAX_UNITS_PER_FILE))
            for part in range(parts):
                size = count // parts + (1 if part < count % parts else 0)
                if part == 0:
                    files.append((dep_id, dep_id, size))
                    continue
                sub_id = f"{dep_id}-omraade-{part + 1}"
                records.append(
                    {
                        "id": sub_id,
                        "name": f"{name}, område {part + 1}",
                        "short": f"{short} {part + 1}",
                        "kind": kind,
                        "color": color,
                    }
                )
                files.append((sub_id, dep_id, size))
        return records, files

    # -- locations --------------------------------------------------------------------
    def locations(self) -> tuple[list[dict[str, Any]], list[list[str]]]:
        count = min(max(1, self.n // 2), MAX_LOCATIONS)
        records: list[dict[str, Any]] = []
        by_area: list[list[str]] = [[] for _ in _AREAS]
        for _ in range(count):
            area = self.rng.randrange(len(_AREAS))
            name_area, postal, city, lat, lon, streets = _AREAS[area]
            street = f"{self.rng.choice(streets)} {self.rng.randrange(1, 400)}"
            name = self.unique_name(f"{self.rng.choice(_LOCATION_KINDS)} {name_area}, {street}")
            loc_id = self.unique(_slug(street))
            lat = min(max(lat + self.rng.uniform(-0.012, 0.012), BOX_LAT[0]), BOX_LAT[1])
            lon = min(max(lon + self.rng.uniform(-0.015, 0.015), BOX_LON[0]), BOX_LON[1])
            record: dict[str, Any] = {
                "id": loc_id,
                "name": name,
                "address": {"street": street, "postal_code": postal, "city": city},
                "lat": round(lat, 6),
                "lon": round(lon, 6),
                "hours": self.rng.choice(_HOURS),
            }
            if self.rng.random() < 0.3:
                record["accessibility"] = self.rng.choice(
                    [
                        "Niveaufri adgang og elevator.",
                        "Trappe til 1. sal, ingen elevator.",
                        "Handicaptoilet i stueetagen.",
                    ]
                )
            records.append(record)
            by_area[area].append(loc_id)
        return records, by_area

    # -- units and contacts -------------------------------------------------------------
    def units(self, files: list[tuple[str, str, int]], by_area: list[list[str]]) -> list[_Unit]:
        kinds = {d[0]: (d[6], d[7], d[2]) for d in _DEPARTMENTS}
        label_index = {t[0]: i for i, t in enumerate(_TOPICS)}
        out: list[_Unit] = []
        for dep_id, forv, count in files:
            roots, children, short = kinds[forv]
            candidates: list[_Unit] = []  # possible parents in this file (depth < 3)
            own_topics = [label_index[label] for label in _DEPARTMENT_TOPICS[forv]]
            for i in range(count):
                parent = None
                if candidates and (i % 12 != 0) and self.rng.random() < 0.8:
                    parent = self.rng.choice(candidates)
                topic = (
                    self.rng.choice(own_topics)
                    if self.rng.random() < 0.75
                    else self.rng.randrange(len(_TOPICS))
                )
                area = (
                    parent.area
                    if parent and self.rng.random() < 0.8
                    else self.rng.randrange(len(_AREAS))
                )
                label = _TOPICS[topic][0]
                kind = self.rng.choice(children if parent else roots)
                name = self.unique_name(f"{kind} {label} {_AREAS[area][0]}")
                unit = _Unit(
                    id=self.unique(_slug(f"{forv} {name}")),
                    name=name,
                    department=dep_id,
                    forvaltning=forv,
                    area=area,
                    topics=[topic, self.rng.choice(own_topics)],
                    parent=parent.id if parent else None,
                    depth=parent.depth + 1 if parent else 0,
                )
                unit.record = self.unit_record(unit, short, by_area)
                out.append(unit)
                if unit.depth < 3:
                    candidates.append(unit)
        self.add_contacts(out)
        return out

    def unit_record(self, unit: _Unit, short: str, by_area: list[list[str]]) -> dict[str, Any]:
        rng = self.rng
        t1, t2 = (_TOPICS[t] for t in unit.topics)
        kind = unit.name.split(" ")[0]
        text = rng.choice(_DESCRIPTIONS).format(
            kind=kind, target=t1[3], area=_AREAS[unit.area][0], need=t1[1], need2=t2[1]
        )
        record: dict[str, Any] = {"id": unit.id, "name": unit.name, "department": unit.department}
        if unit.parent:
            record["parent"] = unit.parent
        record["description"] = text[0].upper() + text[1:]
        record["responsibilities"] = [f"Rådgivning om {t1[1]}", f"Visitation til {t2[1]}"]
        record["target_groups"] = list(dict.fromkeys([t1[3], t2[3]]))
        age = rng.choice(_TARGET_AGES)
        if age is not None:
            record["age"] = {"min": age[0]} if age[1] is None else {"min": age[0], "max": age[1]}
        record["keywords"] = list(dict.fromkeys([t1[1], *t1[2], t2[1], _AREAS[unit.area][0]]))
        pool = by_area[unit.area] or [loc for area in by_area for loc in area]
        if rng.random() < 0.9 and pool:
            record["locations"] = sorted(
                {rng.choice(pool) for _ in range(rng.choice([1, 1, 1, 2]))}
            )
        record["hours"] = rng.choice(_HOURS)
        phones: list[dict[str, Any]] = [{"number": self.phone_number()}]
        if rng.random() < 0.3:
            phones[0]["hours"] = rng.choice(_PHONE_HOURS)
        if rng.random() < 0.25:
            phones.append(
                {
                    "number": self.phone_number(),
                    "kind": "fast_track",
                    "label": "Fagpersoner, udenom kø",
                }
            )
        if rng.random() < 0.1:
            phones.append(
                {"number": self.phone_number(), "kind": "internal", "label": "Intern linje"}
            )
        record["phones"] = phones
        record["email"] = f"{unit.id}@{EMAIL_DOMAIN}"
        if rng.random() < 0.6:
            record["how_to_refer"] = rng.choice(_HOW_TO_REFER)
        record["contacts"] = []
        record["verified"] = self.date()
        record["owner"] = f"Datakoordinator {short}"
        return record

    def add_contacts(self, units: list[_Unit]) -> None:
        """About 1.5 contacts per unit; most gatekeepers get a backup."""
        rng = self.rng
        everyone: list[str] = []
        gatekeepers: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        for unit in units:
            contacts = unit.record["contacts"]
            for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
                self.contact_count += 1
                first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
                role = rng.choice(_ROLES)
                contact: dict[str, Any] = {
                    "id": f"k-{self.contact_count:06d}",
                    "name": f"{first} {last}",
                    "title": rng.choice(_TITLES[role]),
                    "role": role,
                }
                if role == "gatekeeper":
                    contact["areas"] = [_TOPICS[unit.topics[0]][1]]
                phones = (
                    [{"number": self.phone_number(), "kind": "internal"}]
                    if rng.random() < 0.6
                    else []
                )
                if phones:
                    contact["phones"] = phones
                ascii_name = suggest_slug(f"{first}.{last}").replace("-", ".")
                contact["email"] = f"{ascii_name}{self.contact_count % 97}@{EMAIL_DOMAIN}"
                if rng.random() < 0.5:
                    contact["verified"] = self.date()
                contacts.append(contact)
                everyone.append(contact["id"])
                if role == "gatekeeper":
                    gatekeepers.append((contact, contacts))
            if not contacts:
                del unit.record["contacts"]
        for contact, colleagues in gatekeepers:
            if rng.random() < 0.1:
                continue  # a few gatekeepers without a backup: the data-quality page shows them
            others = [c["id"] for c in colleagues if c["id"] != contact["id"]]
            backup = rng.choice(others) if others else rng.choice(everyone)
            if backup != contact["id"]:
                contact["backup"] = backup

    # -- referrals ------------------------------------------------------------------------
    def referrals(self, units: list[_Unit]) -> list[dict[str, Any]]:
        if len(units) < 2:
            return []
        rng = self.rng
        by_forv: dict[str, list[_Unit]] = {}
        for unit in units:
            by_forv.setdefault(unit.forvaltning, []).append(unit)
        seen: set[tuple[str, str]] = set()
        out: list[dict[str, Any]] = []
        target = 3 * len(units)
        max_pairs = len(units) * (len(units) - 1)
        while len(out) < min(target, max_pairs):
            src = rng.choice(units)
            same = by_forv[src.forvaltning]
            dst = rng.choice(same) if len(same) > 1 and rng.random() < 0.5 else rng.choice(units)
            if dst.id == src.id or (src.id, dst.id) in seen:
                continue
            seen.add((src.id, dst.id))
            needs = list(dict.fromkeys(_TOPICS[t][1] for t in dst.topics[: rng.choice([1, 2])]))
            record: dict[str, Any] = {"from": src.id, "to": dst.id, "needs": needs}
            if rng.random() < 0.3:
                record["criteria"] = rng.choice(_CRITERIA)
            if rng.random() < 0.5:
                record["how"] = rng.choice(_HOW)
            if rng.random() < 0.3:
                record["requires"] = rng.choice(_REQUIRES)
            if rng.random() < 0.5:
                record["verified"] = self.date()
            out.append(record)
        return out


# -- YAML writing (directory.loading.writer) ---------------------------------------------------


def _slug(text: str) -> str:
    return suggest_slug(text.replace("é", "e"))[:60].rstrip("-")


def to_yaml(
    top_key: str, records: list[dict[str, Any]], header: dict[str, Any] | None = None
) -> str:
    """A generated data file (see `directory.loading.writer.to_yaml`)."""
    return writer.to_yaml(top_key, records, header, comment=_COMMENT)


_COMMENT = "Syntetiske data: genereret af `python -m directory synth`. Ret ikke i hånden."


def synth_files(units: int, seed: int = 0, today: dt.date = ANCHOR) -> dict[str, str]:
    """The generated data files as {relative path: YAML text}, without touching the disk."""
    return _generate(units, seed, today)[0]


def _generate(units: int, seed: int, today: dt.date) -> tuple[dict[str, str], dict[str, int]]:
    if units < 1:
        raise ValueError(f"--units skal være mindst 1, ikke {units}")
    synth = _Synth(units, seed, today)
    departments, files = synth.departments()
    locations, by_area = synth.locations()
    unit_list = synth.units(files, by_area)
    referrals = synth.referrals(unit_list)
    notice = (
        f"Syntetiske eksempeldata ({units} enheder, seed {seed}): "
        "navne, numre og adresser er opdigtede."
    )
    out = {"departments.yaml": to_yaml("departments", departments, {"x-example-data": notice})}
    for dep_id, _, _ in files:
        records = [u.record for u in unit_list if u.department == dep_id]
        if records:
            out[f"units/{dep_id}.yaml"] = to_yaml("units", records)
    out["locations.yaml"] = to_yaml("locations", locations)
    for start in range(0, len(referrals), REFERRALS_PER_FILE):
        name = f"referrals/synth-{start // REFERRALS_PER_FILE + 1:02d}.yaml"
        out[name] = to_yaml("referrals", referrals[start : start + REFERRALS_PER_FILE])
    out["synonyms.yaml"] = "synonyms:\n" + "".join(
        f"  - [{', '.join(writer.scalar(w) for w in group)}]\n" for group in _SYNONYMS
    )
    counts = {
        "departments": len(departments),
        "units": len(unit_list),
        "contacts": synth.contact_count,
        "locations": len(locations),
        "referrals": len(referrals),
        "synonyms": len(_SYNONYMS),
        "files": len(out),
    }
    return out, counts


def synth_directory(
    out_dir: Path | str,
    units: int,
    seed: int = 0,
    *,
    today: dt.date = ANCHOR,
    overwrite: bool = False,
) -> dict[str, int]:
    """Write a generated data directory of `units` units into `out_dir`; return the counts.

    The files are written into a temporary folder next to `out_dir` and moved into place in
    one rename, so a reader never sees a half-written directory. An existing non-empty
    `out_dir` is replaced only with `overwrite=True`.
    """
    target = Path(out_dir)
    writer.check_target(target, overwrite=overwrite)
    files, counts = _generate(units, seed, today)
    staging = writer.staging_dir(target, "synth")
    try:
        size = writer.write_files(staging, files)
        writer.put_in_place(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return {**counts, "bytes": size}
