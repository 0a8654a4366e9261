"""The landkort as Open Referral HSDS 3.1 objects (with the landkort profile's additions).

    units          -> services (fully nested: organization, phones, schedules,
                      service_at_locations with location and address, contacts,
                      service_areas, attributes with the needs vocabulary's terms)
    departments    -> organizations; a unit with units under it (same department) is an
                      organization too, under its parent's: the unit tree as
                      `parent_organization_id`, and its units' `organization_id`
    needs.yaml     -> the taxonomy "Landkortets behovsordbog" (+ KL codes where a need has them)
    hours (OSM)    -> schedule rows (`schedules.py`), holidays in Danish in `description`
    referrals      -> `landkort_referrals` on the referring service (profile)

Every id is a UUID made from the landkort's own ids (uuid5), the same on every run. A
`HsdsCatalog` maps the directory it is given, as it is: `hsds_services(directory,
public=True)` gives it `directory.visibility.public_view` first (the one visibility rule), so
the public variant has no fast_track/internal number and no contact at all. The objects are
built on demand (the API builds one page at a time).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from directory.exports.hsds.schedules import to_rows
from directory.model import (
    Contact,
    Department,
    DepartmentKind,
    Directory,
    Location,
    Need,
    Phone,
    Referral,
    Unit,
)
from directory.rules import clock
from directory.rules.clock import COPENHAGEN
from directory.rules.hours import danish
from directory.rules.needs import need_key, need_of
from directory.rules.notices import active_notice, notice_line
from directory.rules.scrub import digits
from directory.rules.vocabulary import vocabulary
from directory.visibility import public_view

Json = dict[str, Any]
# Every id is uuid5(NAMESPACE, "<kind>:<landkort id>..."): stable across runs and machines.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:kommunalt-landkort:hsds")
NEEDS_TAXONOMY = "Landkortets behovsordbog"
NEEDS_TAXONOMY_DA = (
    "Landkortets behovsordbog: den korte liste af behov, som filtre og henvisningsgrafen bruger "
    "(needs.yaml)."
)
MUNICIPALITY = "Københavns Kommune"  # the service area of every municipal unit
TARGET_GROUP = "intended_audience"  # the attributes' link_type for a unit's target groups
CODE_LINK = "classification"  # the link_type of a need's outside code (KL FFB, FSIII)
TARGET_GROUP_LABEL = "Målgruppe"


def hsds_id(kind: str, *keys: str) -> str:
    """The HSDS id of a landkort record: hsds_id('service', 'sof-bbu')."""
    return str(uuid.uuid5(NAMESPACE, ":".join((kind, *keys))))


# -- what other branches add, read defensively --------------------------------------------
def need_codes(need: Any) -> list[tuple[str, str, str | None]]:
    """The outside codes of a need (KL FFB, FSIII, ...) as (system, code, label).

    Reads the need's `codes` when the model has it, in any of the shapes it may take: a
    mapping {system: code or [codes]}, a list of 'SYSTEM CODE' strings, or a list of
    objects/mappings with `system` (or `scheme`) and `code` (and `label`). Nothing else."""
    raw = getattr(need, "codes", None)
    out: list[tuple[str, str, str | None]] = []
    if isinstance(raw, dict):
        for system, codes in raw.items():
            for code in codes if isinstance(codes, list) else [codes]:
                if isinstance(code, str | int) and str(code).strip():
                    out.append((str(system), str(code).strip(), None))
    elif isinstance(raw, list | tuple):
        for item in raw:
            if isinstance(item, str) and " " in item.strip():
                system, code = item.strip().split(" ", 1)
                out.append((system, code.strip(), None))
                continue
            get = item.get if isinstance(item, dict) else lambda k, o=item: getattr(o, k, None)
            system = get("system") or get("scheme") or get("kind")
            code = get("code")
            label = get("label") or get("name")
            if system and code:
                out.append((str(system), str(code), str(label) if label else None))
    return out


def system_name(system: str) -> str:
    """'kl_ffb' -> 'KL FFB', 'fsiii' -> 'FSIII'."""
    return " ".join(system.replace("_", " ").replace("-", " ").split()).upper()


def unit_notice(unit: Unit, today: dt.date) -> str | None:
    """The unit's notice as HSDS's `alert` while it shows (`directory.rules.notices`, the
    rule the app's pages follow), in the sentence the pages show; else None."""
    notice = active_notice(unit, today)
    return notice_line(notice) if notice is not None else None


# -- small values ------------------------------------------------------------------------------
def web_address(value: str | None) -> str | None:
    """An absolute http(s) address (HSDS's `uri` format), or None for anything else."""
    if not value:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme in ("http", "https") and parts.netloc and " " not in value.strip():
        return value.strip()
    return None


def region(postal_code: str) -> str:
    """The region of a Danish postal code where the code alone tells it, else ''.

    HSDS requires `state_province`; Danish addresses have none. 1000-2665 and 2700-3799 lie in
    Region Hovedstaden (Copenhagen, Frederiksberg, the suburbs, North Zealand, Bornholm)."""
    try:
        code = int(postal_code)
    except ValueError:
        return ""
    return "Region Hovedstaden" if 1000 <= code <= 2665 or 2700 <= code <= 3799 else ""


def moment(day: dt.date) -> str:
    """Midnight of a day in Copenhagen as an HSDS date-time (millisecond accuracy)."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=COPENHAGEN)
    return start.isoformat(timespec="milliseconds")


def _put(out: Json, key: str, value: Any) -> None:
    """Set a key when there is a value (HSDS leaves out what is unknown)."""
    if value is not None and value != [] and value != "":
        out[key] = value


# -- schedules ---------------------------------------------------------------------------------
def schedule_rows(hours: str | None, owner: str, links: Json) -> list[Json]:
    """An opening-hours expression as HSDS schedules, linked by `links`
    ({'service_id': ...} or {'location_id': ...}); the Danish remarks on every row."""
    if not hours:
        return []
    reading = to_rows(hours)
    out: list[Json] = []
    for i, row in enumerate(reading.rows):
        schedule: Json = {"id": hsds_id("schedule", owner, str(i)), **links}
        if row.valid_from is not None and row.valid_to is not None:
            schedule["valid_from"] = row.valid_from.isoformat()
            schedule["valid_to"] = row.valid_to.isoformat()
        if row.opens is not None:
            schedule["freq"] = "WEEKLY"
            schedule["wkst"] = "MO"
            _put(schedule, "byday", row.byday)
            schedule["opens_at"] = row.opens
            schedule["closes_at"] = row.closes
        notes = [] if row.opens is not None else ["Lukket."]
        _put(schedule, "description", " ".join([*notes, *reading.remarks]))
        out.append(schedule)
    if not out:  # nothing the rows can say: the remarks alone
        out.append(
            {"id": hsds_id("schedule", owner, "0"), **links, "description": reading.description}
        )
    return out


@dataclass(frozen=True, slots=True)
class _Term:
    """A taxonomy term: of the needs vocabulary (need set) or an outside code system."""

    id: str
    code: str
    name: str
    description: str
    taxonomy: str
    need: Need | None = None


class HsdsCatalog:
    """The directory as HSDS objects, built on demand. Read-only once made."""

    def __init__(self, directory: Directory, *, today: dt.date | None = None) -> None:
        self.directory = directory
        self.today = today or clock.today()
        units = directory.units
        self.service_unit = {hsds_id("service", u): u for u in units}
        # a unit with units under it in its own department is an organization too
        self.unit_orgs = {
            parent
            for parent, children in directory.children.items()
            if parent in units
            and any(units[c].department == units[parent].department for c in children)
        }
        self.organization_of: dict[str, tuple[str, str]] = {
            hsds_id("organization", "department", d): ("department", d)
            for d in directory.departments
        }
        for unit_id in self.unit_orgs:
            self.organization_of[hsds_id("organization", "unit", unit_id)] = ("unit", unit_id)

    # -- ids ---------------------------------------------------------------------------------
    @staticmethod
    def service_id(unit_id: str) -> str:
        return hsds_id("service", unit_id)

    def organization_id(self, unit: Unit) -> str:
        """The unit's organization: its parent's when the parent is an organization of the
        same department, else its department."""
        parent = unit.parent
        if parent in self.unit_orgs and self.directory.units[parent].department == unit.department:
            return hsds_id("organization", "unit", parent)
        return hsds_id("organization", "department", unit.department)

    # -- taxonomies --------------------------------------------------------------------------
    @cached_property
    def terms(self) -> dict[str, _Term]:
        """Every taxonomy term by id: the needs vocabulary's, then the outside codes'."""
        out: dict[str, _Term] = {}
        for need in self.directory.needs:
            term_id = hsds_id("taxonomy_term", "need", need.id)
            codes = self.need_codes(need)
            out[term_id] = _Term(
                term_id,
                need.id,
                need.label,
                need.description or need.label,
                NEEDS_TAXONOMY,
                need,
            )
            for system, code, label in codes:
                code_id = hsds_id("taxonomy_term", system, code)
                name = system_name(system)
                out.setdefault(
                    code_id,
                    _Term(code_id, code, label or f"{name} {code}", f"{name}-kode {code}", name),
                )
        return out

    def need_codes(self, need: Need) -> list[tuple[str, str, str | None]]:
        """A need's KL codes: its own, else those of the national need of the same id in
        the needs vocabulary (`directory.rules.vocabulary`: FFB and FSIII)."""
        return need_codes(need) or need_codes(vocabulary(self.directory).need(need.id))

    @cached_property
    def taxonomy_ids(self) -> dict[str, str]:
        """Taxonomy name -> id."""
        names = dict.fromkeys(t.taxonomy for t in self.terms.values())
        return {name: hsds_id("taxonomy", name) for name in names}

    def taxonomies(self) -> list[Json]:
        out = []
        for name, taxonomy_id in self.taxonomy_ids.items():
            description = (
                NEEDS_TAXONOMY_DA
                if name == NEEDS_TAXONOMY
                else f"{name}: koder fra KL's klassifikationer, som landkortets behov henviser til."
            )
            out.append({"id": taxonomy_id, "name": name, "description": description})
        return out

    def taxonomy_term(self, term: _Term) -> Json:
        out: Json = {
            "id": term.id,
            "code": term.code,
            "name": term.name,
            "description": term.description,
            "taxonomy": term.taxonomy,
            "taxonomy_id": self.taxonomy_ids[term.taxonomy],
            "language": "da",
        }
        if term.need is not None:
            _put(out, "landkort_synonyms", list(term.need.synonyms))
        return out

    def taxonomy_terms(self) -> list[Json]:
        return [self.taxonomy_term(t) for t in self.terms.values()]

    def unit_terms(self, unit: Unit) -> set[str]:
        """The ids of the taxonomy terms of a unit's attributes."""
        return {a["taxonomy_term_id"] for a in self._attributes(unit) if "taxonomy_term_id" in a}

    def _attributes(self, unit: Unit) -> list[Json]:
        service_id = self.service_id(unit.id)
        out: list[Json] = []
        seen: set[str] = set()
        for word in unit.target_groups:
            key = need_key(word)
            if key in seen:
                continue
            seen.add(key)
            attribute: Json = {
                "id": hsds_id("attribute", unit.id, key),
                "link_id": service_id,
                "link_type": TARGET_GROUP,
                "link_entity": "service",
                "value": word,
                "label": TARGET_GROUP_LABEL,
            }
            need = need_of(self.directory, word)
            if need is not None:
                term = self.terms[hsds_id("taxonomy_term", "need", need.id)]
                attribute["taxonomy_term_id"] = term.id
                attribute["taxonomy_term"] = self.taxonomy_term(term)
            out.append(attribute)
            for system, code, _ in self.need_codes(need) if need is not None else []:
                term = self.terms[hsds_id("taxonomy_term", system, code)]
                out.append(
                    {
                        "id": hsds_id("attribute", unit.id, key, system, code),
                        "link_id": service_id,
                        "link_type": CODE_LINK,
                        "link_entity": "service",
                        "taxonomy_term_id": term.id,
                        "taxonomy_term": self.taxonomy_term(term),
                        "value": code,
                        "label": system_name(system),
                    }
                )
        return out

    # -- organizations -----------------------------------------------------------------------
    def organization(self, organization_id: str) -> Json | None:
        """An organization (with its phones), or None for an unknown id."""
        found = self.organization_of.get(organization_id)
        if found is None:
            return None
        kind, key = found
        if kind == "department":
            return self._department(self.directory.departments[key])
        return self._unit_organization(self.directory.units[key])

    def organizations(self) -> list[Json]:
        return [o for o in (self.organization(i) for i in self.organization_of) if o is not None]

    def _department(self, department: Department) -> Json:
        org_id = hsds_id("organization", "department", department.id)
        out: Json = {
            "id": org_id,
            "name": department.name,
            "description": department.description or department.name,
        }
        _put(out, "alternate_name", department.short)
        _put(out, "email", department.email)
        _put(out, "website", web_address(department.website))
        _put(
            out,
            "phones",
            self._phones(department.phones, f"department:{department.id}", organization_id=org_id),
        )
        out["landkort_id"] = department.id
        out["landkort_kind"] = department.kind.value
        return out

    def _unit_organization(self, unit: Unit) -> Json:
        parent = self.directory.units.get(unit.parent) if unit.parent else None
        out: Json = {
            "id": hsds_id("organization", "unit", unit.id),
            "name": unit.name,
            "description": unit.description or unit.name,
            "parent_organization_id": self.organization_id(unit)
            if parent is not None
            else hsds_id("organization", "department", unit.department),
        }
        _put(out, "email", unit.email)
        _put(out, "website", web_address(unit.website))
        out["landkort_unit_id"] = self.service_id(unit.id)
        return out

    # -- phones and contacts -----------------------------------------------------------------
    def _phones(self, phones: Iterable[Phone], owner: str, **links: str) -> list[Json]:
        out: list[Json] = []
        seen: Counter[str] = Counter()
        for phone in phones:
            key = digits(phone.number)
            seen[key] += 1
            phone_id = hsds_id("phone", owner, key, str(seen[key]))
            item: Json = {"id": phone_id, **links, "number": phone.display, "type": "voice"}
            said = [phone.label] if phone.label else []
            if phone.hours:
                said.append(f"Telefontid: {danish(phone.hours)}")
            _put(item, "description", ". ".join(said))
            item["landkort_visibility"] = phone.kind.value
            _put(item, "landkort_label", phone.label)
            _put(item, "schedules", schedule_rows(phone.hours, f"phone:{phone_id}", {}))
            out.append(item)
        return out

    def _contact(self, contact: Contact, service_id: str) -> Json:
        contact_id = hsds_id("contact", contact.id)
        out: Json = {"id": contact_id, "service_id": service_id, "name": contact.name}
        _put(out, "title", contact.title)
        _put(out, "email", contact.email)
        phones = self._phones(contact.phones, f"contact:{contact.id}", contact_id=contact_id)
        _put(out, "phones", phones)
        out["landkort_id"] = contact.id
        out["landkort_role"] = contact.role.value
        _put(out, "landkort_areas", list(contact.areas))
        if contact.backup:
            out["landkort_backup_id"] = hsds_id("contact", contact.backup)
        return out

    # -- locations ---------------------------------------------------------------------------
    def location(self, location: Location) -> Json:
        location_id = hsds_id("location", location.id)
        address = location.address
        out: Json = {
            "id": location_id,
            "location_type": "physical",
            "name": location.name,
            "latitude": location.lat,
            "longitude": location.lon,
        }
        _put(out, "description", location.notes)
        out["addresses"] = [
            {
                "id": hsds_id("address", location.id),
                "location_id": location_id,
                "address_1": address.street,
                "city": address.city,
                "state_province": region(address.postal_code),
                "postal_code": address.postal_code,
                "country": "DK",
                "address_type": "physical",
            }
        ]
        if location.accessibility:
            out["accessibility"] = [
                {
                    "id": hsds_id("accessibility", location.id),
                    "location_id": location_id,
                    "description": location.accessibility,
                }
            ]
        _put(
            out,
            "schedules",
            schedule_rows(location.hours, f"location:{location.id}", {"location_id": location_id}),
        )
        out["landkort_id"] = location.id
        return out

    def service_at_location(self, unit: Unit, location: Location, *, nested: bool = True) -> Json:
        out: Json = {
            "id": hsds_id("service_at_location", unit.id, location.id),
            "service_id": self.service_id(unit.id),
            "location_id": hsds_id("location", location.id),
        }
        if nested:
            out["location"] = self.location(location)
        return out

    # -- services ----------------------------------------------------------------------------
    def service(self, unit: Unit) -> Json:
        """A unit as a fully nested HSDS service."""
        service_id = self.service_id(unit.id)
        out = self._service_fields(unit)
        _put(out, "phones", self._phones(unit.phones, f"unit:{unit.id}", service_id=service_id))
        links = {"service_id": service_id}
        _put(out, "schedules", schedule_rows(unit.hours, f"unit:{unit.id}", links))
        _put(out, "service_areas", self._service_areas(unit, service_id))
        places = self.directory.locations
        at = [self.service_at_location(unit, places[i]) for i in unit.locations if i in places]
        _put(out, "service_at_locations", at)
        _put(out, "contacts", [self._contact(c, service_id) for c in unit.contacts])
        _put(out, "attributes", self._attributes(unit))
        _put(out, "landkort_responsibilities", list(unit.responsibilities))
        _put(out, "landkort_keywords", list(unit.keywords))
        _put(out, "landkort_referrals", self._referrals(unit))
        return out

    def _service_areas(self, unit: Unit, service_id: str) -> list[Json]:
        """The unit's own service area (bydele or postal codes: one HSDS service_area each),
        else, for a municipal unit, the whole municipality."""
        if unit.service_area:
            return [
                {
                    "id": hsds_id("service_area", unit.id, area),
                    "service_id": service_id,
                    "name": area,
                    "description": (
                        f"Borgere med postnummer {area}."
                        if area.isdigit()
                        else f"Borgere i bydelen {area}."
                    ),
                }
                for area in unit.service_area
            ]
        department = self.directory.departments.get(unit.department)
        if department is not None and department.kind is DepartmentKind.MUNICIPAL:
            return [
                {
                    "id": hsds_id("service_area", unit.id),
                    "service_id": service_id,
                    "name": MUNICIPALITY,
                    "description": f"Borgere i {MUNICIPALITY}.",
                }
            ]
        return []

    def _service_fields(self, unit: Unit) -> Json:
        """The service's one-to-one fields and its organization (a list item's fields)."""
        org_id = self.organization_id(unit)
        out: Json = {"id": self.service_id(unit.id), "organization_id": org_id, "name": unit.name}
        _put(out, "description", unit.description)
        _put(out, "url", web_address(unit.website))
        _put(out, "email", unit.email)
        out["status"] = "active"
        _put(out, "application_process", unit.how_to_refer)
        _put(out, "eligibility_description", self._eligibility(unit))
        if unit.age is not None:
            _put(out, "minimum_age", unit.age.min)
            _put(out, "maximum_age", unit.age.max)
        out["assured_date"] = unit.verified.isoformat()
        _put(out, "alert", unit_notice(unit, self.today))
        out["last_modified"] = moment(unit.verified)
        organization = self.organization(org_id)
        if organization is not None:
            out["organization"] = organization
        out["landkort_id"] = unit.id
        if unit.parent and unit.parent in self.directory.units:
            out["landkort_parent_id"] = self.service_id(unit.parent)
        _put(out, "landkort_owner", unit.owner)
        return out

    @staticmethod
    def _eligibility(unit: Unit) -> str | None:
        said = []
        if unit.target_groups:
            said.append(f"{TARGET_GROUP_LABEL}: {', '.join(unit.target_groups)}.")
        if unit.age is not None:
            said.append(f"Alder: {unit.age.label()}.")
        return " ".join(said) or None

    def summary(self, unit: Unit) -> Json:
        """A service as a list shows it: the one-to-one fields, its organization's too."""
        out = self._service_fields(unit)
        organization = out.get("organization")
        if isinstance(organization, dict):
            out["organization"] = {k: v for k, v in organization.items() if not isinstance(v, list)}
        return out

    def _referrals(self, unit: Unit) -> list[Json]:
        out: list[Json] = []
        seen: Counter[str] = Counter()
        for referral in self.directory.referrals_from.get(unit.id, []):
            seen[referral.to] += 1
            out.append(self._referral(referral, seen[referral.to]))
        return out

    def _referral(self, referral: Referral, n: int) -> Json:
        out: Json = {
            "id": hsds_id("referral", referral.from_, referral.to, str(n)),
            "from_service_id": self.service_id(referral.from_),
            "to_service_id": self.service_id(referral.to),
            "needs": list(referral.needs),
        }
        _put(out, "criteria", referral.criteria)
        _put(out, "how", referral.how)
        _put(out, "requires", list(referral.requires))
        _put(out, "notes", referral.notes)
        if referral.verified is not None:
            out["verified"] = referral.verified.isoformat()
        return out

    def services(self) -> list[Json]:
        return [self.service(u) for u in self.directory.units.values()]


def catalog(directory: Directory, *, public: bool, today: dt.date | None = None) -> HsdsCatalog:
    """The HSDS catalog of the staff view, or with `public` of the public view
    (`directory.visibility.public_view`: no staff-only number, no contacts)."""
    return HsdsCatalog(public_view(directory) if public else directory, today=today)


def hsds_services(
    directory: Directory, *, public: bool = False, today: dt.date | None = None
) -> list[Json]:
    """Every unit as a fully nested HSDS service, in file order."""
    return catalog(directory, public=public, today=today).services()


def hsds_json_text(
    directory: Directory, *, public: bool = False, today: dt.date | None = None
) -> str:
    """What `landkort export hsds` prints: the services as one JSON array (UTF-8, indented)."""
    services = hsds_services(directory, public=public, today=today)
    return json.dumps(services, ensure_ascii=False, indent=2) + "\n"
