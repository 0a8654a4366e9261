"""Open Referral HSDS 3.1: export, import, opening hours as schedules, the landkort profile.

Every exported service is checked against the vendored official compiled `service.json`
(format checks on) and against the profile's schema; the public variant carries no
staff-only value; export -> import -> export keeps names, phones, hours, areas and referral
edges; hostile input gets a clear Danish error and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import uuid
from pathlib import Path

import opening_hours
import pytest
from conftest import ROOT, SMALL_DATA, write_data

from directory import load_directory
from directory.exports.hsds import importer
from directory.exports.hsds.export import (
    NAMESPACE,
    HsdsCatalog,
    hsds_json_text,
    hsds_services,
    need_codes,
    region,
    unit_notice,
)
from directory.exports.hsds.importer import HsdsImportError, import_hsds
from directory.exports.hsds.schedules import to_hours, to_rows
from directory.exports.hsds.schemas import (
    PROFILE_DIR,
    SCHEMA_DIR,
    merge_patch,
    profile_schema,
    schema_errors,
    validator,
)
from directory.visibility import digit_variants

CASES = Path(__file__).parent / "cases" / "hsds"
DEMO = ROOT / "data"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def demo():
    return load_directory(DEMO)


@pytest.fixture(scope="module")
def staff(demo):
    return hsds_services(demo, today=dt.date(2026, 10, 1))


@pytest.fixture(scope="module")
def public(demo):
    return hsds_services(demo, public=True, today=dt.date(2026, 10, 1))


# -- the vendored schemas ---------------------------------------------------------------------
def test_the_vendored_schemas_are_the_official_files_unchanged() -> None:
    notice = (SCHEMA_DIR / "NOTICE.md").read_text(encoding="utf-8")
    sums = dict(
        (name, digest)
        for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", notice, re.MULTILINE)
    )
    files = sorted(p.relative_to(SCHEMA_DIR).as_posix() for p in SCHEMA_DIR.rglob("*.json"))
    assert sorted(sums) == files
    for name in files:
        assert hashlib.sha256((SCHEMA_DIR / name).read_bytes()).hexdigest() == sums[name], name
    assert "CC BY-SA 4.0" in notice
    assert (SCHEMA_DIR / "LICENSE-HSDS.txt").read_text().startswith("The Human Services Data")


def test_the_schemas_reject_what_hsds_forbids() -> None:
    service = json.loads((CASES / "one_service.json").read_text())[0]
    assert schema_errors(service) == []
    bad = {**service, "id": "7", "url": "ikke en adresse", "last_modified": "2026-13-01"}
    assert schema_errors(bad) == [
        "$.id: '7' er ikke et UUID, fx \"0b6c3f2e-8a1d-4c5e-9f0a-1b2c3d4e5f60\": ret værdien",
        "$.last_modified: '2026-13-01' er ikke et tidspunkt som "
        '"2026-09-01T00:00:00+02:00": ret værdien',
        "$.url: 'ikke en adresse' er ikke en fuld adresse, fx \"https://www.kk.dk/\": ret værdien",
    ]
    phone = {**service["phones"][0], "landkort_visibility": "hemmelig"}
    profiled = {**service, "phones": [phone]}
    assert schema_errors(profiled) == []  # the official schema allows additions
    assert schema_errors(profiled, profile=True) == [
        "$.phones[0].landkort_visibility: 'hemmelig' er ikke tilladt her: skriv en af "
        "'public', 'fast_track', 'internal'"
    ]


def test_the_profile_is_merge_patches_named_like_the_hsds_files() -> None:
    assert merge_patch({"a": 1, "b": {"c": 2, "d": 3}}, {"b": {"c": None, "e": 4}, "f": 5}) == {
        "a": 1,
        "b": {"d": 3, "e": 4},
        "f": 5,
    }
    for path in PROFILE_DIR.glob("*.json"):
        hsds_name = path.name
        assert (
            (SCHEMA_DIR / hsds_name).exists()
            or (SCHEMA_DIR / "compiled" / hsds_name).exists()
            or hsds_name in {"phone.json", "contact.json", "location.json"}
        )
        json.loads(path.read_text())
    schema = profile_schema("service")
    contact_phone = schema["properties"]["contacts"]["items"]["properties"]["phones"]["items"]
    assert "landkort_visibility" in contact_phone["properties"]  # nested objects are patched
    phone_schedule = contact_phone["properties"]["schedules"]["items"]
    assert phone_schedule["name"] == "schedule" and "opens_at" in phone_schedule["properties"]


# -- export ------------------------------------------------------------------------------------
def test_every_exported_service_validates_against_the_official_schema(staff, public) -> None:
    assert len(staff) == len(public) == 113
    official = validator("compiled/service.json")
    profiled = validator("compiled/service.json", profile=True)
    for service in staff + public:
        assert list(official.iter_errors(service)) == [], service["landkort_id"]
        assert list(profiled.iter_errors(service)) == [], service["landkort_id"]


def test_generated_data_exports_valid_services(tmp_path: Path) -> None:
    from directory.devtools.synth import synth_directory

    synth_directory(tmp_path / "synth", 150, seed=5)
    services = hsds_services(load_directory(tmp_path / "synth"))
    assert len(services) == 150
    for service in services:
        assert schema_errors(service, profile=True) == []


def test_ids_are_uuid5_of_the_landkort_ids_and_stable(demo, staff) -> None:
    again = hsds_services(load_directory(DEMO), today=dt.date(2026, 10, 1))
    assert again == staff
    bbu = next(s for s in staff if s["landkort_id"] == "sof-bbu-amager")
    assert bbu["id"] == str(uuid.uuid5(NAMESPACE, "service:sof-bbu-amager"))
    ids = [o["id"] for s in staff for o in _objects(s)]
    assert len(ids) > 1000 and all(UUID.match(i) for i in ids)
    # every object's own id is unique within a service
    for service in staff:
        own = [o["id"] for o in _objects(service)]
        assert len(own) == len(set(own)), service["landkort_id"]


def _objects(value: object) -> list[dict]:
    """Every object with an id inside a service, the nested organization/location aside."""
    out: list[dict] = []
    if isinstance(value, dict):
        if "id" in value:
            out.append(value)
        for key, item in value.items():
            if key not in ("organization", "taxonomy_term"):
                out += _objects(item)
    elif isinstance(value, list):
        for item in value:
            out += _objects(item)
    return out


def test_a_service_is_fully_nested(staff) -> None:
    jku = next(s for s in staff if s["landkort_id"] == "bif-jku")
    assert jku["name"] == "Jobcenter København Ungecenter (JKU)"
    assert jku["status"] == "active" and jku["assured_date"] == "2026-10-07"
    assert jku["minimum_age"] == 16 and jku["maximum_age"] == 29
    assert jku["last_modified"] == "2026-10-07T00:00:00.000+02:00"
    # the unit tree: bif-jku sits under bif-jobcenter, an organization under BIF
    organization = jku["organization"]
    assert organization["name"] == "Jobcenter København"
    assert organization["landkort_unit_id"] == jku["landkort_parent_id"]
    catalog = HsdsCatalog(load_directory(DEMO))
    parent = catalog.organization(organization["parent_organization_id"])
    assert parent is not None and parent["landkort_id"] == "bif"
    kinds = {p["landkort_visibility"] for p in jku["phones"]}
    assert kinds == {"fast_track", "internal"}
    fast = next(p for p in jku["phones"] if p["landkort_visibility"] == "fast_track")
    assert fast["description"].startswith("Fagpersoner, udenom kø. Telefontid: man-tor")
    assert [(r["byday"], r["opens_at"], r["closes_at"]) for r in fast["schedules"]] == [
        ("MO,TU,WE,TH", "09:00", "15:00"),
        ("FR", "09:00", "14:00"),
    ]
    assert {r["description"] for r in fast["schedules"]} == {"Lukket på helligdage."}
    (location,) = [sal["location"] for sal in jku["service_at_locations"]]
    (address,) = location["addresses"]
    assert address["country"] == "DK" and address["state_province"] == "Region Hovedstaden"
    assert jku["service_areas"][0]["name"] == "Københavns Kommune"
    amager = next(s for s in staff if s["landkort_id"] == "buf-omraade-amager")  # some bydele
    assert [(a["name"], a["description"]) for a in amager["service_areas"]] == [
        ("Amager Øst", "Borgere i bydelen Amager Øst."),
        ("Amager Vest", "Borgere i bydelen Amager Vest."),
    ]
    assert jku["contacts"] and all(c["landkort_role"] for c in jku["contacts"])
    terms = [a["taxonomy_term"] for a in jku["attributes"] if "taxonomy_term" in a]
    taxonomies = {t["taxonomy"] for t in terms}  # the needs, and their KL codes (issue 22)
    assert terms and "Landkortets behovsordbog" in taxonomies
    assert taxonomies <= {"Landkortets behovsordbog", "FFB", "FSIII"}
    edges = jku["landkort_referrals"]
    assert edges and all(e["from_service_id"] == jku["id"] for e in edges)


def test_the_public_variant_and_the_staff_variant(staff, public) -> None:
    staff_phones = sum(len(s.get("phones", [])) for s in staff)
    public_phones = sum(len(s.get("phones", [])) for s in public)
    assert public_phones < staff_phones
    assert all("contacts" not in s for s in public)
    assert any("contacts" in s for s in staff)
    assert {p["landkort_visibility"] for s in public for p in s.get("phones", [])} == {"public"}


def _staff_only(directory) -> tuple[set[str], set[str]]:
    """The demo data's fast_track/internal numbers (digit forms) and contact names, e-mails."""
    numbers: set[str] = set()
    words: set[str] = set()
    for record in (*directory.departments.values(), *directory.units.values()):
        for phone in record.phones:
            if phone.kind.value != "public":
                numbers |= digit_variants(phone.number)
    for contact in directory.contacts.values():
        words.add(contact.name)
        if contact.email:
            words.add(contact.email)
        for phone in contact.phones:
            numbers |= digit_variants(phone.number)
    return numbers, words


def assert_no_staff_only_value(text: str, directory) -> None:
    """No staff-only number (in any spacing) and no contact's name or e-mail in `text`."""
    numbers, words = _staff_only(directory)
    assert len(numbers) > 50 and len(words) > 100  # the demo data has them
    for token in re.findall(r"\d[\d \-./+]*\d", text):
        found = digit_variants(token) & numbers
        assert not found, f"staff-only number {token!r} in the public output"
    squeezed = re.sub(r"\D", "", text)
    assert not [n for n in numbers if len(n) == 8 and n in squeezed]
    assert not [w for w in words if w in text]
    assert "fast_track" not in text and '"internal"' not in text


def test_the_public_export_has_no_staff_only_value(demo, public) -> None:
    assert_no_staff_only_value(json.dumps(public, ensure_ascii=False), demo)
    staff_text = hsds_json_text(demo)
    numbers, words = _staff_only(demo)
    assert [w for w in words if w in staff_text]  # the check finds them where they are


def test_need_codes_and_notices_are_read_when_the_model_has_them() -> None:
    class Need:
        id = "hjemloeshed"
        codes = {"kl_ffb": ["1.2.3", "1.2.4"], "fsiii": "K7"}

    assert need_codes(Need()) == [  # type: ignore[arg-type]
        ("kl_ffb", "1.2.3", None),
        ("kl_ffb", "1.2.4", None),
        ("fsiii", "K7", None),
    ]

    class Listed:
        codes = [{"system": "FSIII", "code": "K7", "label": "Økonomi"}, "KL_FFB 9.9"]

    assert need_codes(Listed()) == [("FSIII", "K7", "Økonomi"), ("KL_FFB", "9.9", None)]  # type: ignore[arg-type]
    assert need_codes(object()) == []  # type: ignore[arg-type]


def test_a_notice_is_the_service_s_alert_while_it_shows() -> None:
    """The rule of the app's pages (`directory.rules.notices`): until and including `until`."""
    from directory.model import Notice, NoticeReferrals, Unit

    unit = Unit(
        id="x",
        name="X",
        department="d",
        verified=dt.date(2026, 1, 1),
        notice=Notice(text="Lukket i uge 42", until=dt.date(2026, 10, 18)),
    )
    assert unit_notice(unit, dt.date(2026, 10, 1)) == (
        "Lukket i uge 42 Gælder til og med 18.10.2026."
    )
    assert unit_notice(unit, dt.date(2026, 10, 18)) is not None
    assert unit_notice(unit, dt.date(2026, 10, 19)) is None
    assert unit.notice is not None
    unit.notice.referrals = NoticeReferrals.PAUSED
    assert unit_notice(unit, dt.date(2026, 10, 1)) == (
        "Tager ikke imod henvisninger lige nu: Lukket i uge 42 Gælder til og med 18.10.2026."
    )


def test_kl_codes_become_taxonomy_terms(demo) -> None:
    need = next(n for n in demo.needs if n.id == "hjemloeshed")
    object.__setattr__(need, "codes", {"kl_ffb": "32.18.04"})  # as the codes branch adds them
    try:
        catalog = HsdsCatalog(demo)
        unit = next(u for u in demo.units.values() if "hjemloeshed" in catalog_needs(demo, u))
        service = catalog.service(unit)
    finally:
        object.__delattr__(need, "codes")
    (code,) = [
        a
        for a in service["attributes"]
        if a["link_type"] == "classification" and a["value"] == "32.18.04"
    ]
    assert code["value"] == "32.18.04" and code["label"] == "KL FFB"
    assert code["taxonomy_term"]["taxonomy"] == "KL FFB"
    assert "KL FFB" in [t["name"] for t in catalog.taxonomies()]
    assert schema_errors(service, profile=True) == []


def catalog_needs(demo, unit) -> set[str]:
    from directory.rules.needs import need_of

    return {n.id for n in (need_of(demo, w) for w in unit.target_groups) if n is not None}


def test_region_of_a_postal_code() -> None:
    assert region("2200") == "Region Hovedstaden"
    assert region("3700") == "Region Hovedstaden"
    assert region("2670") == ""  # Greve: Region Sjælland
    assert region("8000") == ""


# -- opening hours ------------------------------------------------------------------------------
def _open_intervals(hours: str) -> list[tuple[dt.datetime, dt.datetime]]:
    oh = opening_hours.OpeningHours(hours, country="DK")
    span = oh.intervals(dt.datetime(2026, 1, 1), dt.datetime(2028, 1, 1))
    return [(a, b) for a, b, state, _ in span if str(state) == "State.OPEN"]


def demo_hours() -> set[str]:
    found: set[str] = set()
    for path in DEMO.rglob("*.yaml"):
        found |= set(re.findall(r'hours: "([^"]*)"', path.read_text(encoding="utf-8")))
    return found


def test_every_hours_string_of_the_demo_data_converts_both_ways() -> None:
    hours = demo_hours()
    assert len(hours) > 30
    for text in sorted(hours):
        reading = to_rows(text)
        back, unread = to_hours(reading.rows, reading.remarks)
        assert unread == [], text
        assert back is not None and _open_intervals(back) == _open_intervals(text), text


@pytest.mark.parametrize(
    ("hours", "rows", "remarks"),
    [
        (
            "Mo-We 09:00-15:00; Th 13:00-18:00; Fr 09:00-13:00; PH off",
            [("MO,TU,WE", "09:00", "15:00"), ("TH", "13:00", "18:00"), ("FR", "09:00", "13:00")],
            ("Lukket på helligdage.",),
        ),
        (
            "Mo-Fr 08:00-15:30; Sa,Su,PH 09:00-13:00",
            [("MO,TU,WE,TH,FR", "08:00", "15:30"), ("SA,SU", "09:00", "13:00")],
            ("Åben på helligdage 09:00-13:00.",),
        ),
        ("Mo-Su 15:00-07:00", [("MO,TU,WE,TH,FR,SA,SU", "15:00", "07:00")], ()),
        ("24/7", [("MO,TU,WE,TH,FR,SA,SU", "00:00", "24:00")], ()),
        ("Mo-Fr 09:00-15:00; Tu off", [("MO,WE,TH,FR", "09:00", "15:00")], ()),
        (
            "Mo-Fr 09:00-15:00; Dec 24 off",
            [("MO,TU,WE,TH,FR", "09:00", "15:00")],
            ("Lukket 24. december.",),
        ),
        ("Mo[1] 10:00-12:00", [], ("Desuden gælder: man[1] 10:00-12:00.",)),
    ],
)
def test_hours_as_rows_and_danish_remarks(hours: str, rows: list, remarks: tuple) -> None:
    reading = to_rows(hours)
    assert [(r.byday, r.opens, r.closes) for r in reading.rows] == rows
    assert reading.remarks == remarks


def test_an_exception_with_a_year_is_a_dated_row() -> None:
    reading = to_rows("Mo-Fr 09:00-15:00; 2026 Dec 27-2027 Jan 02 off")
    exception = reading.rows[-1]
    assert (exception.valid_from, exception.valid_to, exception.opens) == (
        dt.date(2026, 12, 27),
        dt.date(2027, 1, 2),
        None,
    )
    back, _ = to_hours(reading.rows, reading.remarks)
    assert back == "Mo-Fr 09:00-15:00; 2026 Dec 27-2027 Jan 02 off"


def test_what_the_rows_cannot_say_is_in_every_rows_description(demo) -> None:
    catalog = HsdsCatalog(demo)
    closed = [loc for loc in demo.locations.values() if loc.hours and "PH off" in loc.hours]
    assert closed
    for location in closed:
        rows = catalog.location(location)["schedules"]
        assert {r["description"] for r in rows} == {"Lukket på helligdage."}


# -- import ------------------------------------------------------------------------------------
def _projection(services: list[dict]) -> dict[str, dict]:
    """What the round trip keeps: names, phones, hours, areas and referral edges."""

    def phones(items: list[dict] | None) -> list[tuple]:
        return [
            (
                p["number"],
                p["landkort_visibility"],
                p.get("landkort_label"),
                [
                    (r.get("byday"), r.get("opens_at"), r.get("closes_at"))
                    for r in p.get("schedules", [])
                ],
            )
            for p in items or []
        ]

    def rows(items: list[dict]) -> list[tuple]:
        return [
            (r.get("byday"), r.get("opens_at"), r.get("closes_at"), r.get("description"))
            for r in items
        ]

    out: dict[str, dict] = {}
    for s in services:
        out[s["landkort_id"]] = {
            "name": s["name"],
            "organization": s["organization"]["name"],
            "phones": phones(s.get("phones", [])),
            "hours": rows(s.get("schedules", [])),
            "locations": [
                (
                    sal["location"]["name"],
                    sal["location"]["addresses"][0]["address_1"],
                    rows(sal["location"].get("schedules", [])),
                )
                for sal in s.get("service_at_locations", [])
            ],
            "areas": [a["name"] for a in s.get("service_areas", [])],
            "contacts": [
                (
                    c["name"],
                    c["landkort_role"],
                    c.get("landkort_areas"),
                    phones(c.get("phones", [])),
                )
                for c in s.get("contacts", [])
            ],
            "referrals": [
                (e["to_service_id"], e["needs"], e.get("criteria"), e.get("how"))
                for e in s.get("landkort_referrals", [])
            ],
            "target_groups": [a.get("value") for a in s.get("attributes", [])],
            "parent": s.get("landkort_parent_id"),
        }
    return out


def test_export_import_export_keeps_the_landkort(demo, staff, tmp_path: Path) -> None:
    source = tmp_path / "landkort.json"
    source.write_text(json.dumps(staff, ensure_ascii=False), encoding="utf-8")
    imported = import_hsds(source, tmp_path / "data", today=dt.date(2026, 10, 1))
    assert imported.counts["units"] == 113 and imported.counts["referrals"] == len(demo.referrals)
    again = hsds_services(load_directory(tmp_path / "data"), today=dt.date(2026, 10, 1))
    assert _projection(again) == _projection(staff)
    assert [s["id"] for s in again] == [s["id"] for s in staff]  # the same ids, too
    assert sum(len(s.get("landkort_referrals", [])) for s in again) == len(demo.referrals)


def test_the_public_variant_imports_too(public, tmp_path: Path) -> None:
    source = tmp_path / "offentlig.json"
    source.write_text(json.dumps(public, ensure_ascii=False), encoding="utf-8")
    imported = import_hsds(source, tmp_path / "data")
    assert imported.counts["units"] == 113 and imported.counts["contacts"] == 0


def test_plain_hsds_without_the_profile_imports(tmp_path: Path) -> None:
    imported = import_hsds(CASES / "one_service.json", tmp_path / "data")
    assert imported.counts == {
        "departments": 1,
        "units": 1,
        "locations": 0,
        "referrals": 0,
        "contacts": 0,
    }
    unit = load_directory(tmp_path / "data").units["raadgivningen"]
    assert unit.department == "socialforvaltningen"
    assert unit.hours == "Mo-Fr 09:00-15:00; PH off"
    assert unit.phones[0].number == "33 17 41 22" and unit.verified == dt.date(2026, 9, 1)


HOSTILE = {
    "not_a_list.json": "$: skal være en liste af tjenester ([{...}]), som `landkort export hsds` "
    "skriver",
    "bad_json.json": "{file}:1:9: ikke gyldig JSON (Expecting value): ret filen",
    "duplicate_key.json": "{file}: nøglen 'name' står to gange i samme objekt: slet den ene",
    "wrong_type.json": "$[0].name: skal være tekst, ikke et tal: ret værdien",
    "not_uuid.json": "$[0].id: 'raadgivning' er ikke et UUID, fx "
    '"0b6c3f2e-8a1d-4c5e-9f0a-1b2c3d4e5f60": ret værdien',
    "duplicate_id.json": "$[1].id: tjenesten '0b6c3f2e-8a1d-4c5e-9f0a-1b2c3d4e5f60' står også i "
    "$[0]: giv hver tjeneste sit eget id, eller slet den ene",
    "slug_collision.json": "$[1]: giver samme enheds-id 'bbu-amager' som $[0]: giv dem "
    "forskellige navne (eller hver sit landkort_id)",
    "no_organization.json": "$[0]: tjenesten har ingen organisation: tilføj 'organization' "
    "(forvaltningen, der leverer den)",
    "bad_byday.json": "$[0].schedules[0].byday: '1MO' er ikke ugedage: skriv dem som "
    "'MO,TU,WE' (MO TU WE TH FR SA SU)",
    "unknown_referral.json": "$[0].landkort_referrals[0].to_service_id: tjenesten står ikke i "
    "filen: tilføj den, eller slet henvisningen",
    "bad_phone.json": "$[0] (units/socialforvaltningen.yaml:8): phones[0].number: '12' er ikke et "
    'gyldigt telefonnummer. Skriv et dansk nummer som "33 66 33 66", et udenlandsk som '
    '"+46 8 123 456 78" eller et kort nummer som "1813".',
    "deep_nesting.json": "$" + "[0]" * 41 + ": ligger mere end 40 niveauer inde: så dybt går "
    "HSDS ikke; ret filen",
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_bad_input_gets_a_clear_error_and_writes_nothing(case: str, tmp_path: Path) -> None:
    source = CASES / case
    with pytest.raises(HsdsImportError) as caught:
        import_hsds(source, tmp_path / "data")
    assert caught.value.problems == [HOSTILE[case].replace("{file}", str(source))]
    assert os.listdir(tmp_path) == []  # no OUTDIR, no half-written temporary folder


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "stor.json"
    with open(huge, "wb") as fh:
        fh.truncate(importer.MAX_BYTES + 1)  # sparse: nothing is written to disk
    with pytest.raises(HsdsImportError) as caught:
        import_hsds(huge, tmp_path / "data")
    assert caught.value.problems == [
        f"{huge}: filen fylder 256 MB, mere end de 256 MB, der kan importeres: del den op"
    ]
    assert sorted(os.listdir(tmp_path)) == ["stor.json"]


def test_a_non_empty_outdir_is_refused(tmp_path: Path) -> None:
    out = write_data(tmp_path / "data", SMALL_DATA)
    with pytest.raises(FileExistsError, match="er ikke tom: vælg en ny mappe"):
        import_hsds(CASES / "one_service.json", out)
    import_hsds(CASES / "one_service.json", out, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == [
        "departments.yaml",
        "locations.yaml",
        "referrals.yaml",
        "units",
    ]
