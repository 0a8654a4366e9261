"""Models: documentation coverage, phone formatting, record shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from directory.model import (
    Address,
    Age,
    Contact,
    Department,
    Location,
    Need,
    Notice,
    Phone,
    Referral,
    Unit,
    format_phone,
    suggest_slug,
    tel_uri,
)

README = Path(__file__).resolve().parent.parent / "data" / "README.md"
SECTIONS = {
    Department: "## Forvaltning",
    Unit: "## Enhed",
    Phone: "## Telefon",
    Contact: "## Kontaktperson",
    Location: "## Sted",
    Address: "## Sted",
    Age: "## Enhed",
    Referral: "## Henvisning",
    Need: "## Behov",
    Notice: "## Opslag",
}


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


@pytest.mark.parametrize("model", list(SECTIONS), ids=lambda m: m.__name__)
def test_every_model_field_is_documented(model: type) -> None:
    section = _section(README.read_text(encoding="utf-8"), SECTIONS[model])
    documented = set(re.findall(r"^\| `([a-z_.]+)` \|", section, re.M))
    prefix = "address." if model is Address else ""
    for name, info in model.model_fields.items():
        if name == "extensions":
            continue
        key = info.alias or name
        if model is Age:
            assert "{min" in section and "max" in section
            continue
        assert f"{prefix}{key}" in documented, (
            f"{model.__name__}.{key} is not documented in data/README.md"
        )


@pytest.mark.parametrize(
    ("number", "display", "tel"),
    [
        ("33663366", "33 66 33 66", "tel:+4533663366"),
        ("+45 33 66 33 66", "33 66 33 66", "tel:+4533663366"),
        ("1813", "1813", "tel:1813"),
        ("112", "112", "tel:112"),
        ("+46 8 123 456 78", "+46 8 123 456 78", "tel:+46812345678"),
    ],
)
def test_phone_formatting(number: str, display: str, tel: str) -> None:
    assert format_phone(number) == display
    assert tel_uri(number) == tel


@pytest.mark.parametrize(
    "number",
    [
        "33663366",
        "33 66 33 66",
        "+4533663366",
        "+45 33 66 33 66",
        "+45 3366 3366",
        "20 30 40 50",
        "80 20 30 40",
        "90 12 34 56",
        "10 20 30 40",
        "01 23 45 67",
        "33 66 33 6",
        "+46 8 123 456 78",
        "1813",
    ],
)
def test_plain_danish_numbers_parse_as_phonenumbers_parses_them(number: str) -> None:
    """The shortcut for eight Danish digits gives what phonenumbers' own parse gives."""
    import phonenumbers

    from directory.model import parse_phone

    parse_phone.cache_clear()
    try:
        expected = phonenumbers.parse(number, "DK")
    except phonenumbers.NumberParseException:
        expected = None
    valid = expected is not None and (
        phonenumbers.is_valid_number(expected)
        or phonenumbers.is_valid_short_number_for_region(expected, "DK")
    )
    assert parse_phone(number) == (expected if valid else None)


@pytest.mark.parametrize(
    ("raw", "slug"),
    [("Bif Ungecenter", "bif-ungecenter"), ("Ørestad Syd", "oerestad-syd"), ("!!", "my-id")],
)
def test_suggest_slug(raw: str, slug: str) -> None:
    assert suggest_slug(raw) == slug


def test_to_record_round_trips_like_yaml(small_directory) -> None:
    record = small_directory.units["sof-bcv"].to_record()
    assert record["verified"] == "2026-09-01"
    assert record["age"] == {"min": 18, "max": 65}
    assert record["phones"][1] == {
        "number": "33 99 10 01",
        "kind": "fast_track",
        "label": "Fagpersoner, udenom kø",
    }
    assert record["contacts"][0]["role"] == "gatekeeper"
    referral = small_directory.referrals[0].to_record()
    assert referral["from"] == "stat-kif" and "from_" not in referral
    assert Unit.model_validate({**record, "extensions": {}}).id == "sof-bcv"
