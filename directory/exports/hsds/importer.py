"""`landkort import hsds FILE OUTDIR`: HSDS 3.1 services (a JSON array, as `landkort export
hsds` writes it) into a landkort data directory that `landkort validate` accepts.

    organizations      -> departments (an organization that stands for a unit with units
                          under it, `landkort_unit_id`, gives those units their parent)
    services           -> units (the profile's `landkort_id`, else the name made an id)
    service_at_locations -> locations (shared by id), schedules -> OSM `hours`
    phones, contacts   -> phones (the profile's `landkort_visibility`), contacts
    landkort_referrals -> referrals (the landkort profile)
    needs taxonomy     -> needs.yaml

Nothing is written unless all of it works: the input is read with limits (size, nesting,
duplicate keys), checked against the landkort profile's schema (the official HSDS schema
with the profile's additions), turned into data files in a temporary folder next to OUTDIR,
validated there by the landkort's own validator, and only then moved into place in one
rename. Every error names the JSON path (`$[3].phones[0].number`) and the fix, in Danish;
a validator error also says the data file and line it would have had.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from directory.exports.hsds.export import MUNICIPALITY, NEEDS_TAXONOMY, TARGET_GROUP
from directory.exports.hsds.schedules import Row, clock, parse_byday, split_remarks, to_hours
from directory.exports.hsds.schemas import schema_errors
from directory.loading import writer
from directory.loading.loader import validate_directory
from directory.model import SLUG, excerpt, suggest_slug
from directory.rules import clock as copenhagen_clock
from directory.rules.clock import COPENHAGEN
from directory.rules.needs import need_key

Json = dict[str, Any]
MAX_BYTES = 256 * 1024 * 1024  # a fully nested export of 50,000 units is about 150 MB
MAX_DEPTH = 40  # a service nests about 8 levels deep
MAX_SERVICES = 100_000
MAX_ERRORS = 50  # shown; the rest counted
COMMENT = "Importeret fra HSDS af `landkort import hsds`."


class HsdsImportError(Exception):
    """The input cannot be imported; `.problems` lists why, each with its JSON path."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        head = "\n".join(problems[:MAX_ERRORS])
        more = (
            f"\n... og {len(problems) - MAX_ERRORS} fejl mere" if len(problems) > MAX_ERRORS else ""
        )
        super().__init__(f"{len(problems)} fejl i HSDS-filen:\n{head}{more}")


@dataclass
class Imported:
    """What was written, and the warnings (what did not come across, validator warnings)."""

    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)


# -- reading ------------------------------------------------------------------------------------
def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> Json:
    out: Json = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"nøglen {excerpt(key)} står to gange i samme objekt: slet den ene")
        out[key] = value
    return out


def _too_deep(value: Any) -> str | None:
    """The JSON path of the first value nested deeper than `MAX_DEPTH`, or None."""
    stack: list[tuple[Any, str, int]] = [(value, "$", 0)]
    while stack:
        node, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            return path
        if isinstance(node, dict):
            stack.extend((v, f"{path}.{k}", depth + 1) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in enumerate(node))
    return None


def read_hsds(path: str | Path) -> list[Json]:
    """The services of an HSDS file (a JSON array of services, or an API page with
    `contents`), or `HsdsImportError` saying what is wrong with the file itself."""
    file = Path(path)
    name = str(file)
    try:
        size = file.stat().st_size
        if not file.is_file():
            raise HsdsImportError(
                [f"{name}: er ikke en almindelig fil: skriv stien til en JSON-fil"]
            )
        if size > MAX_BYTES:
            raise HsdsImportError(
                [
                    f"{name}: filen fylder {size // (1024 * 1024)} MB, mere end de "
                    f"{MAX_BYTES // (1024 * 1024)} MB, der kan importeres: del den op"
                ]
            )
        with open(file, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise HsdsImportError([f"{name}: filen findes ikke: skriv stien til HSDS-filen"]) from None
    except OSError as exc:
        raise HsdsImportError([f"{name}: kan ikke læses ({exc.strerror}): tjek stien"]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HsdsImportError([f"{name}: er ikke UTF-8-tekst: gem filen som UTF-8"]) from None
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise HsdsImportError(
            [f"{name}:{exc.lineno}:{exc.colno}: ikke gyldig JSON ({exc.msg}): ret filen"]
        ) from None
    except ValueError as exc:  # a duplicate key
        raise HsdsImportError([f"{name}: {exc}"]) from None
    except RecursionError:
        raise HsdsImportError(
            [f"{name}: værdierne ligger for dybt inden i hinanden: højst {MAX_DEPTH} niveauer"]
        ) from None
    deep = _too_deep(value)
    if deep is not None:
        raise HsdsImportError(
            [f"{deep}: ligger mere end {MAX_DEPTH} niveauer inde: så dybt går HSDS ikke; ret filen"]
        )
    if isinstance(value, dict) and isinstance(value.get("contents"), list):
        value = value["contents"]
    if not isinstance(value, list):
        raise HsdsImportError(
            ["$: skal være en liste af tjenester ([{...}]), som `landkort export hsds` skriver"]
        )
    if len(value) > MAX_SERVICES:
        raise HsdsImportError(
            [f"$: {len(value)} tjenester er mere end de {MAX_SERVICES}, der kan importeres"]
        )
    return value


# -- building the data files ----------------------------------------------------------------------
def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _slug_of(value: Any, fallback: str) -> str:
    """The profile's landkort id when it is a valid id, else `fallback` made an id."""
    if isinstance(value, str) and SLUG.fullmatch(value) and len(value) <= 80:
        return value
    return suggest_slug(fallback)[:80].rstrip("-") or "id"


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _moment_day(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(COPENHAGEN).date() if moment.tzinfo else moment.date()


@dataclass
class _Record:
    """A data-file record and the JSON path it came from (a validator error points there)."""

    data: Json
    where: str


class _Builder:
    def __init__(self, services: list[Json], today: dt.date) -> None:
        self.services = services
        self.today = today
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.unit_of: dict[str, str] = {}  # service id -> unit id
        self.unit_where: dict[str, str] = {}  # unit id -> JSON path
        self.orgs: dict[str, tuple[Json, str]] = {}  # org id -> (organization, JSON path)
        self.departments: dict[str, _Record] = {}  # department id -> record
        self.department_of_org: dict[str, str] = {}
        self.locations: dict[str, _Record] = {}  # location id -> record
        self.location_of: dict[str, str] = {}  # HSDS location id -> location id
        self.location_where: dict[str, str] = {}
        self.contact_of: dict[str, str] = {}  # HSDS contact id -> contact id
        self.contact_where: dict[str, str] = {}
        self.needs: dict[str, _Record] = {}
        self.units: dict[str, list[_Record]] = {}  # department id -> units
        self.referrals: list[_Record] = []

    def error(self, message: str) -> None:
        self.errors.append(message)

    def claim(self, taken: dict[str, str], key: str, where: str, what: str) -> bool:
        """Record that `where` makes the id `key`; an error when another place made it."""
        first = taken.get(key)
        if first is not None and first != where:
            self.error(
                f"{where}: giver samme {what}-id {key!r} som {first}: giv dem forskellige navne "
                "(eller hver sit landkort_id)"
            )
            return False
        taken[key] = where
        return True

    # -- pass 1: ids ------------------------------------------------------------------------
    def index(self) -> None:
        seen: dict[str, str] = {}
        ids: dict[str, str] = {}
        for i, service in enumerate(self.services):
            where = f"$[{i}]"
            service_id = service["id"]
            if service_id in seen:
                self.error(
                    f"{where}.id: tjenesten {excerpt(service_id)} står også i {seen[service_id]}: "
                    "giv hver tjeneste sit eget id, eller slet den ene"
                )
                continue
            seen[service_id] = where
            unit_id = _slug_of(service.get("landkort_id"), service["name"])
            if self.claim(ids, unit_id, where, "enheds"):
                self.unit_of[service_id] = unit_id
                self.unit_where[unit_id] = where
            organization = service.get("organization")
            org_id = service.get("organization_id") or (organization or {}).get("id")
            if isinstance(organization, dict):
                self.orgs.setdefault(organization["id"], (organization, f"{where}.organization"))
            elif org_id is None:
                self.error(
                    f"{where}: tjenesten har ingen organisation: tilføj 'organization' "
                    "(forvaltningen, der leverer den)"
                )
            elif org_id not in self.orgs:
                self.orgs.setdefault(org_id, ({}, f"{where}.organization_id"))
        self._departments()

    def _is_unit_org(self, org: Json) -> bool:
        return (
            isinstance(org.get("landkort_unit_id"), str) and org["landkort_unit_id"] in self.unit_of
        )

    def _departments(self) -> None:
        ids: dict[str, str] = {}
        for org_id, (org, where) in self.orgs.items():
            if not org:
                self.error(
                    f"{where}: organisationen {excerpt(org_id)} står ikke i filen: tilføj "
                    "'organization' med navnet på mindst én af dens tjenester"
                )
                continue
            if self._is_unit_org(org):
                continue
            dep_id = _slug_of(org.get("landkort_id"), org.get("alternate_name") or org["name"])
            if not self.claim(ids, dep_id, where, "forvaltnings"):
                continue
            self.department_of_org[org_id] = dep_id
            record: Json = {"id": dep_id, "name": org["name"]}
            _set(record, "short", _text(org.get("alternate_name")))
            if org.get("landkort_kind") in ("municipal", "external"):
                record["kind"] = org["landkort_kind"]
            description = _text(org.get("description"))
            if description and description != org["name"]:
                record["description"] = description
            _set(record, "website", _text(org.get("website")))
            _set(record, "email", _text(org.get("email")))
            _set(record, "phones", self.phones(org.get("phones"), f"{where}.phones"))
            self.departments[dep_id] = _Record(record, where)

    def department(self, org_id: str, where: str) -> str | None:
        """The department of an organization: itself, or up the unit organizations."""
        seen: set[str] = set()
        current: str | None = org_id
        while current is not None and current not in seen:
            seen.add(current)
            if current in self.department_of_org:
                return self.department_of_org[current]
            org = self.orgs.get(current, ({}, ""))[0]
            current = org.get("parent_organization_id")
        self.error(
            f"{where}: organisationen fører ikke til en forvaltning: giv den en "
            "'parent_organization_id' til en organisation i filen"
        )
        return None

    # -- pass 2: records ------------------------------------------------------------------
    def build(self) -> None:
        for i, service in enumerate(self.services):
            if service["id"] in self.unit_of:
                self.unit(service, f"$[{i}]")
        for i, service in enumerate(self.services):
            if service["id"] in self.unit_of:
                self.referrals_of(service, f"$[{i}]")

    def unit(self, service: Json, where: str) -> None:
        unit_id = self.unit_of[service["id"]]
        organization = service.get("organization") or {}
        org_id = service.get("organization_id") or organization.get("id")
        dep_id = self.department(org_id, where) if org_id else None
        if dep_id is None or org_id is None:
            return
        record: Json = {"id": unit_id, "name": service["name"], "department": dep_id}
        _set(record, "parent", self.parent(service, org_id, where))
        _set(record, "description", _text(service.get("description")))
        _set(record, "responsibilities", _texts(service.get("landkort_responsibilities")))
        _set(record, "target_groups", self.target_groups(service, where))
        age = {
            k: int(service[f"{h}_age"])
            for k, h in (("min", "minimum"), ("max", "maximum"))
            if isinstance(service.get(f"{h}_age"), int | float)
            and float(service[f"{h}_age"]).is_integer()
        }
        _set(record, "age", age or None)
        _set(record, "keywords", _texts(service.get("landkort_keywords")))
        _set(record, "locations", self.service_locations(service, where))
        _set(record, "service_area", self.service_area(service))
        _set(record, "hours", self.hours(service.get("schedules"), f"{where}.schedules"))
        _set(record, "phones", self.phones(service.get("phones"), f"{where}.phones"))
        _set(record, "email", _text(service.get("email")))
        _set(record, "website", _text(service.get("url")))
        _set(record, "how_to_refer", _text(service.get("application_process")))
        _set(record, "contacts", self.contacts(service, unit_id, where))
        verified = _date(service.get("assured_date")) or _moment_day(service.get("last_modified"))
        if verified is None:
            verified = self.today
            self.warnings.append(
                f"{where}: hverken assured_date eller last_modified: verified sat til i dag "
                f"({self.today.isoformat()}); tjek posten"
            )
        record["verified"] = verified.isoformat()
        _set(record, "owner", _text(service.get("landkort_owner")))
        self.units.setdefault(dep_id, []).append(_Record(record, where))

    @staticmethod
    def service_area(service: Json) -> list[str]:
        """The named areas a service is for; the whole municipality is no area of its own."""
        areas = service.get("service_areas")
        names = (
            [_text(a.get("name")) for a in areas if isinstance(a, dict)]
            if isinstance(areas, list)
            else []
        )
        return [name for name in names if name and name != MUNICIPALITY]

    def parent(self, service: Json, org_id: str, where: str) -> str | None:
        parent = service.get("landkort_parent_id")
        if isinstance(parent, str):
            if parent in self.unit_of:
                return self.unit_of[parent]
            self.warnings.append(
                f"{where}.landkort_parent_id: tjenesten står ikke i filen: enheden importeres "
                "uden 'parent'"
            )
            return None
        org = self.orgs.get(org_id, ({}, ""))[0]
        if self._is_unit_org(org):
            return self.unit_of[org["landkort_unit_id"]]
        return None

    def target_groups(self, service: Json, where: str) -> list[str]:
        words: list[str] = []
        for j, attribute in enumerate(service.get("attributes") or []):
            term = attribute.get("taxonomy_term")
            if isinstance(term, dict) and term.get("taxonomy") == NEEDS_TAXONOMY:
                self.need(term, f"{where}.attributes[{j}].taxonomy_term")
            value = _text(attribute.get("value"))
            known = {need_key(w) for w in words}
            if (
                attribute.get("link_type") == TARGET_GROUP
                and value
                and need_key(value) not in known
            ):
                words.append(value)
        return words

    def need(self, term: Json, where: str) -> None:
        need_id = _slug_of(term.get("code"), term["name"])
        if need_id in self.needs:
            return
        record: Json = {"id": need_id, "label": term["name"]}
        description = _text(term.get("description"))
        if description and description != term["name"]:
            record["description"] = description
        _set(record, "synonyms", _texts(term.get("landkort_synonyms")))
        self.needs[need_id] = _Record(record, where)

    def service_locations(self, service: Json, where: str) -> list[str]:
        out: list[str] = []
        for j, at in enumerate(service.get("service_at_locations") or []):
            location = at.get("location")
            here = f"{where}.service_at_locations[{j}]"
            if not isinstance(location, dict):
                known = self.location_of.get(at.get("location_id") or "")
                if known is None:
                    self.error(
                        f"{here}: stedet står ikke i filen: tilføj 'location' med navn, adresse "
                        "og koordinater"
                    )
                else:
                    out.append(known)
                continue
            location_id = self.location(location, f"{here}.location")
            if location_id is not None and location_id not in out:
                out.append(location_id)
        return out

    def location(self, location: Json, where: str) -> str | None:
        known = self.location_of.get(location["id"])
        if known is not None:
            return known
        location_id = _slug_of(location.get("landkort_id"), location.get("name") or "sted")
        if not self.claim(self.location_where, location_id, where, "steds"):
            return None
        self.location_of[location["id"]] = location_id
        record: Json = {"id": location_id}
        _set(record, "name", _text(location.get("name")))
        addresses = location.get("addresses") or []
        if addresses:
            first = addresses[0]
            record["address"] = {
                "street": first.get("address_1", ""),
                "postal_code": first.get("postal_code", ""),
                "city": first.get("city", ""),
            }
        _set(record, "lat", location.get("latitude"))
        _set(record, "lon", location.get("longitude"))
        _set(record, "hours", self.hours(location.get("schedules"), f"{where}.schedules"))
        accessibility = [_text(a.get("description")) for a in location.get("accessibility") or []]
        _set(record, "accessibility", " ".join(a for a in accessibility if a) or None)
        _set(record, "notes", _text(location.get("description")))
        self.locations[location_id] = _Record(record, where)
        return location_id

    def phones(self, phones: Any, where: str) -> list[Json]:
        out: list[Json] = []
        for j, phone in enumerate(phones or []):
            record: Json = {"number": phone["number"]}
            kind = phone.get("landkort_visibility")
            if kind in ("fast_track", "internal"):
                record["kind"] = kind
            label = _text(phone.get("landkort_label"))
            if label is None and "landkort_visibility" not in phone:
                label = _text(phone.get("description"))  # plain HSDS: the description
            _set(record, "label", label)
            _set(record, "hours", self.hours(phone.get("schedules"), f"{where}[{j}].schedules"))
            out.append(record)
        return out

    def contacts(self, service: Json, unit_id: str, where: str) -> list[Json]:
        out: list[Json] = []
        for j, contact in enumerate(service.get("contacts") or []):
            here = f"{where}.contacts[{j}]"
            name = _text(contact.get("name")) or _text(contact.get("title")) or "Kontaktperson"
            contact_id = _slug_of(contact.get("landkort_id"), f"k-{unit_id}-{name}")
            if not self.claim(self.contact_where, contact_id, here, "kontaktperson"):
                continue
            self.contact_of[contact["id"]] = contact_id
            record: Json = {"id": contact_id, "name": name}
            _set(record, "title", _text(contact.get("title")))
            if contact.get("landkort_role") in ("gatekeeper", "contact", "manager", "coordinator"):
                record["role"] = contact["landkort_role"]
            _set(record, "areas", _texts(contact.get("landkort_areas")))
            _set(record, "phones", self.phones(contact.get("phones"), f"{here}.phones"))
            _set(record, "email", _text(contact.get("email")))
            backup = contact.get("landkort_backup_id")
            if isinstance(backup, str):
                record["backup"] = backup  # resolved once every contact is known
            out.append(record)
        return out

    def resolve_backups(self) -> None:
        for records in self.units.values():
            for unit in records:
                for contact in unit.data.get("contacts", []):
                    backup = contact.get("backup")
                    if backup is None:
                        continue
                    if backup in self.contact_of:
                        contact["backup"] = self.contact_of[backup]
                    else:
                        del contact["backup"]
                        self.warnings.append(
                            f"{unit.where}: stedfortræderen for {contact['name']!r} står ikke i "
                            "filen: importeret uden 'backup'"
                        )

    def referrals_of(self, service: Json, where: str) -> None:
        for j, edge in enumerate(service.get("landkort_referrals") or []):
            here = f"{where}.landkort_referrals[{j}]"
            target = self.unit_of.get(edge.get("to_service_id"))
            if target is None:
                self.error(
                    f"{here}.to_service_id: tjenesten står ikke i filen: tilføj den, eller "
                    "slet henvisningen"
                )
                continue
            record: Json = {
                "from": self.unit_of[service["id"]],
                "to": target,
                "needs": list(edge.get("needs") or []),
            }
            for key in ("criteria", "how", "notes"):
                _set(record, key, _text(edge.get(key)))
            _set(record, "requires", _texts(edge.get("requires")))
            verified = _date(edge.get("verified"))
            _set(record, "verified", verified.isoformat() if verified else None)
            self.referrals.append(_Record(record, here))

    def hours(self, schedules: Any, where: str) -> str | None:
        rows: list[Row] = []
        remarks: list[str] = []
        for j, schedule in enumerate(schedules or []):
            here = f"{where}[{j}]"
            for remark in split_remarks(schedule.get("description")):
                if remark not in remarks:
                    remarks.append(remark)
            row = self.row(schedule, here)
            if row is not None:
                rows.append(row)
        if not rows and not remarks:
            return None
        hours, unread = to_hours(rows, remarks)
        for remark in unread:
            self.warnings.append(
                f"{where}: teksten {excerpt(remark)} blev ikke til åbningstid: tjek 'hours' "
                "i den importerede post"
            )
        return hours

    def row(self, schedule: Json, where: str) -> Row | None:
        if schedule.get("freq") not in (None, "WEEKLY"):
            self.error(
                f"{where}.freq: {excerpt(schedule['freq'])} kan ikke blive til åbningstid: "
                "skriv ugentlige tider (freq WEEKLY, byday, opens_at, closes_at)"
            )
            return None
        days = parse_byday(schedule.get("byday"))
        if days is None:
            self.error(
                f"{where}.byday: {excerpt(schedule.get('byday'))} er ikke ugedage: skriv dem "
                "som 'MO,TU,WE' (MO TU WE TH FR SA SU)"
            )
            return None
        opens, closes = schedule.get("opens_at"), schedule.get("closes_at")
        start, end = _date(schedule.get("valid_from")), _date(schedule.get("valid_to"))
        if opens is None and closes is None:
            if start is not None and end is not None:
                return Row(days, None, None, start, end)  # an exception: closed
            return None
        if clock(opens) is None or clock(closes) is None:
            bad = "opens_at" if clock(opens) is None else "closes_at"
            self.error(
                f"{where}.{bad}: {excerpt(schedule.get(bad))} er ikke et klokkeslæt: skriv det "
                "som '09:00' (HH:MM, dansk tid)"
            )
            return None
        return Row(days, clock(opens), clock(closes), start, end)

    def files(self) -> tuple[dict[str, str], dict[str, list[tuple[int, str]]]]:
        """The data files, and per file the first line and JSON path of each record."""
        out: dict[str, str] = {}
        where: dict[str, list[tuple[int, str]]] = {}

        def put(rel: str, key: str, records: list[_Record]) -> None:
            text = writer.to_yaml(key, [r.data for r in records], comment=COMMENT)
            out[rel] = text
            starts = [n for n, line in enumerate(text.splitlines(), 1) if line.startswith("- ")]
            where[rel] = list(zip(starts, (r.where for r in records), strict=True))

        put("departments.yaml", "departments", list(self.departments.values()))
        for dep_id, records in self.units.items():
            put(f"units/{dep_id}.yaml", "units", records)
        put("locations.yaml", "locations", list(self.locations.values()))
        put("referrals.yaml", "referrals", self.referrals)
        if self.needs:
            put("needs.yaml", "needs", list(self.needs.values()))
        return out, where


def _set(record: Json, key: str, value: Any) -> None:
    if value is not None and value != [] and value != {}:
        record[key] = value


def _texts(value: Any) -> list[str]:
    return [t for t in (_text(v) for v in value or []) if t]


# -- the whole import ------------------------------------------------------------------------------
def _source(problem: Any, where: dict[str, list[tuple[int, str]]], staging: Path) -> str:
    """A validator problem in the staging folder as '<JSON path> (<file>:<line>): message'."""
    path = Path(problem.path)
    try:
        rel = path.resolve().relative_to(staging.resolve()).as_posix()
    except ValueError:
        rel = path.as_posix()
    origin = "$"
    for start, json_path in where.get(rel, []):
        if start <= problem.line:
            origin = json_path
    return f"{origin} ({rel}:{problem.line}): {problem.message}"


def import_hsds(
    source: str | Path,
    out_dir: str | Path,
    *,
    overwrite: bool = False,
    today: dt.date | None = None,
) -> Imported:
    """Import an HSDS file into a new data directory (see the module doc); raises
    `HsdsImportError` (nothing written) or `FileExistsError` (OUTDIR not empty)."""
    target = Path(out_dir)
    writer.check_target(target, overwrite=overwrite)
    services = read_hsds(source)
    problems: list[str] = []
    for i, service in enumerate(services):
        problems += schema_errors(service, profile=True, prefix=f"$[{i}]")
        if len(problems) >= MAX_ERRORS:
            break
    if problems:
        raise HsdsImportError(problems)
    builder = _Builder(services, today or copenhagen_clock.today())
    builder.index()
    if not builder.errors:
        builder.build()
        builder.resolve_backups()
    if builder.errors:
        raise HsdsImportError(builder.errors)
    files, where = builder.files()
    staging = writer.staging_dir(target, "import")
    try:
        writer.write_files(staging, files)
        result = validate_directory(staging, today=today)
        if result.errors or result.directory is None:
            raise HsdsImportError([_source(p, where, staging) for p in result.errors])
        warnings = builder.warnings + [_source(p, where, staging) for p in result.warnings]
        writer.put_in_place(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    directory = result.directory
    counts = {
        "departments": len(directory.departments),
        "units": len(directory.units),
        "locations": len(directory.locations),
        "referrals": len(directory.referrals),
        "contacts": len(directory.contacts),
    }
    return Imported(counts, warnings)


def summary_da(imported: Imported) -> str:
    """'Importerede 10 forvaltninger, 112 enheder, ...' for the command's last line."""
    c = imported.counts
    return (
        f"{c['departments']} forvaltninger, {c['units']} enheder, {c['locations']} steder, "
        f"{c['contacts']} kontaktpersoner, {c['referrals']} henvisninger"
    )
