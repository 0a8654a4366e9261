"""The one visibility rule (directory.visibility): what the public view holds and what not."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from conftest import ROOT, write_data
from pydantic import ValidationError

from directory import Directory, PhoneKind, load_directory
from directory.access import PUBLIC, Viewer
from directory.model import Unit
from directory.visibility import (
    PUBLIC_EXTENSIONS,
    REDACTED,
    AllowlistError,
    PublicUnit,
    _Public,
    check_allowlist,
    digit_variants,
    public_view,
    staff_only_digits,
    view_for,
)
from search import SearchIndex


def _all_strings(directory: Directory) -> list[str]:
    """Every string the view carries, as its records dump it (x- keys included)."""
    out: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for record in (
        *directory.departments.values(),
        *directory.units.values(),
        *directory.locations.values(),
        *directory.referrals,
    ):
        walk(record.to_record())
    walk(directory.synonyms)
    return out


def test_staff_see_the_directory_itself(small_directory) -> None:
    assert view_for(small_directory, Viewer(staff=True)) is small_directory


def test_public_view_has_only_public_phones_and_no_contacts(small_directory) -> None:
    view = view_for(small_directory, PUBLIC)
    assert view is not small_directory
    bcv = view.units["sof-bcv"]
    assert [(p.number, p.kind) for p in bcv.phones] == [("33 17 41 22", PhoneKind.PUBLIC)]
    assert bcv.contacts == [] and view.contacts == {} and bcv.gatekeepers == []
    assert view.units["bif-jku"].phones == [] and view.units["bif-jku"].first_number() is None
    assert bcv.source.path.endswith("units/sof.yaml") and bcv.source.line == 2
    assert view.example_notice == "Eksempeldata til test"
    # the source is untouched
    assert len(small_directory.units["sof-bcv"].phones) == 2
    assert len(small_directory.contacts) == 3


@pytest.mark.parametrize("root", ["small", "demo", "synth"])
def test_no_staff_only_value_anywhere_in_the_public_view(
    root: str, data_dir: Path, tmp_path: Path
) -> None:
    from directory.devtools.synth import synth_directory

    path = {"small": data_dir, "demo": ROOT / "data"}.get(root)
    if path is None:
        path = tmp_path / "synth"
        synth_directory(path, 80, seed=3, today=dt.date(2026, 11, 1))
    directory = load_directory(path)
    secret = staff_only_digits(directory)
    names = {c.name for c in directory.contacts.values()}
    emails = {c.email for c in directory.contacts.values() if c.email}
    emails |= {
        r.owner_email
        for r in (*directory.departments.values(), *directory.units.values())
        if r.owner_email
    }
    assert secret and names, "test data without staff-only values proves nothing"
    view = public_view(directory)
    for text in _all_strings(view):
        squeezed = "".join(ch for ch in text if ch.isdigit())
        assert not [n for n in secret if len(n) >= 8 and n in squeezed], text
        assert text not in names and text not in emails, text
        assert not (text.startswith("x-") and text not in PUBLIC_EXTENSIONS), text
    kinds = {p.kind for r in (*view.departments.values(), *view.units.values()) for p in r.phones}
    assert kinds <= {PhoneKind.PUBLIC}


def test_free_text_quoting_a_staff_number_is_redacted(data_dir: Path) -> None:
    write_data(
        data_dir,
        {
            "units/stat.yaml": """
        units:
          - id: stat-kif
            name: Kriminalforsorgen København
            department: stat
            how_to_refer: Ring 33 99 10 01 (fast track) eller +45 33991002; ellers 72 55 55 55.
            keywords: [kif, "33991001"]
            phones:
              - number: "72 55 55 55"
              - number: "33 99 20 01"
                x-note: samme som JKU's fast track
            verified: 2026-06-01
            x-front-door: true
            x-internal: hemmelig note
    """
        },
    )
    view = public_view(load_directory(data_dir))
    kif = view.units["stat-kif"]
    assert kif.how_to_refer == f"Ring {REDACTED} (fast track) eller {REDACTED}; ellers 72 55 55 55."
    assert kif.keywords == ["kif", REDACTED]
    assert [p.number for p in kif.phones] == ["72 55 55 55"]  # fast track elsewhere: left out
    assert kif.extensions == {"x-front-door": True}  # the graph's marker, nothing else
    assert kif.phones[0].extensions == {}


def test_search_in_the_public_view_finds_no_unit_by_staff_only_values(small_directory) -> None:
    staff = SearchIndex(small_directory)
    public = SearchIndex(public_view(small_directory))
    for query in ("Mette Test", "Ali Test", "Jonas Test"):
        assert staff.search(query, limit=5)[0].name == query  # the colleague, for staff
    for query in ("Mette Test", "Ali Test", "33 99 10 01", "33991002", "mette.test@eksempel.kk.dk"):
        hits = public.search(query, limit=5)
        assert "sof-bcv" not in {h.unit_id for h in hits}, (query, hits)
    assert public.search("herberg", limit=5)[0].unit_id == "sof-bcv"


class _Renamed(_Public):
    id: str
    how_to_refer_citizen: str | None


class _Leaky(_Public):
    id: str
    owner_email: str | None


@pytest.mark.parametrize(
    ("public", "message"),
    [
        (
            _Renamed,
            "_Renamed allows how_to_refer_citizen, which Unit does not have: rename the field "
            "in directory/visibility.py to match directory/model.py",
        ),
        (
            _Leaky,
            "_Leaky allows owner_email, which is staff-only: remove it from the public model in "
            "directory/visibility.py",
        ),
    ],
    ids=["renamed", "staff-only"],
)
def test_a_renamed_or_staff_only_field_fails_loudly(public: type[_Public], message: str) -> None:
    with pytest.raises(AllowlistError) as err:
        check_allowlist({public: Unit})
    assert str(err.value) == message


def test_a_record_without_an_allowed_field_is_an_error_not_a_gap(small_directory) -> None:
    @dataclasses.dataclass
    class OldUnit:  # a unit whose `how_to_refer` was renamed in the core model
        id: str = "x"
        name: str = "X"

    with pytest.raises(ValidationError) as err:
        PublicUnit.model_validate(OldUnit(), from_attributes=True)
    assert "how_to_refer\n  Field required" in str(err.value)


def test_digit_variants() -> None:
    assert digit_variants("+45 33 99 10 01") == {"4533991001", "33991001"}
    assert digit_variants("1813") == {"1813"}


def test_owner_addresses_stay_with_staff(demo_data_dir: Path) -> None:
    """`owner_email` (units and departments) is in the staff view and the staff export,
    never in the public view, the public export or any search index."""
    from directory.exports.export import directory_json_text

    directory = load_directory(demo_data_dir)
    addresses = {
        r.owner_email
        for r in (*directory.departments.values(), *directory.units.values())
        if r.owner_email
    }
    assert {"landkort@sof.kk.example", "frivillig@sof.kk.example"} <= addresses
    staff_json = directory_json_text(directory)
    assert all(a in staff_json for a in addresses)
    public_json = directory_json_text(directory, public=True)
    assert "owner_email" not in public_json
    assert not [a for a in addresses if a in public_json]
    view = public_view(directory)
    assert not {u.owner_email for u in view.units.values()} - {None}
    assert not {d.owner_email for d in view.departments.values()} - {None}
    assert not addresses & set(_all_strings(view))
    for index in (SearchIndex(directory), SearchIndex(view)):  # the staff index too
        for address in ("landkort@sof.kk.example", "frivillig@sof.kk.example"):
            assert index.search(address, limit=5) == [], address


def test_a_notice_is_public_and_its_text_scrubbed(data_dir: Path) -> None:
    stat = data_dir / "units/stat.yaml"
    stat.write_text(
        stat.read_text(encoding="utf-8")
        + "    notice:\n      text: Lukket i juli. Fagpersoner ringer 33 99 10 01.\n"
        "      until: 2027-07-31\n      referrals: paused\n      x-note: intern note\n",
        encoding="utf-8",
    )
    directory = load_directory(data_dir)
    notice = public_view(directory).units["stat-kif"].notice
    assert notice is not None
    assert notice.text == f"Lukket i juli. Fagpersoner ringer {REDACTED}."
    assert (notice.until, notice.paused, notice.extensions) == (dt.date(2027, 7, 31), True, {})
    staff = directory.units["stat-kif"].notice
    assert staff is not None and staff.text.endswith("33 99 10 01.")  # the source is untouched
    assert staff.extensions == {"x-note": "intern note"}
