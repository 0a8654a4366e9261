"""No page renders markdown, HTML, LaTeX or links from data or from the URL (issue 17).

Every text field of a small data directory holds a payload of markdown, HTML, LaTeX, bare
URLs and an e-mail address; every page is run with it, and with the payload in every query
parameter. Every string that Streamlit renders as markdown (markdown, captions, headings,
alerts, labels) must hold the payload only in its escaped form (`md_escape`). The
browser test in tests/test_browser.py checks the same on a real page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import element_tree as et

from tests.conftest import app_test
from ui.escape import md_escape

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")

PAYLOAD = (
    "Evil *fed* <b>x</b> [klik](http://evil.example/a) ![b](http://evil.example/i.png) "
    "<img src=http://evil.example/h.png> $x^2$ :red[rød] http://evil.example "
    "www.evil.example a@evil.example"
)
# What an unescaped payload leaves in a markdown source; the escaped one has none of them.
MARKERS = ("evil.example", "<b>", "<img src=", "$x^2$", "](http", ":red[", "*fed*")


def payload(tag: str) -> str:
    return f"{tag} {PAYLOAD}"


def payload_data(root: Path) -> Path:
    """A valid data directory with the payload in every free-text field."""
    files = {
        "departments.yaml": {
            "x-example-data": payload("Eksempel"),
            "departments": [
                {
                    "id": "sof",
                    "name": payload("Forvaltning"),
                    "short": "S<b>",
                    "description": payload("Beskrivelse"),
                    "website": "http://evil.example/sof",
                    "phones": [{"number": "33 66 33 66", "label": payload("Label")}],
                },
                {"id": "bif", "name": payload("Anden"), "kind": "external"},
            ],
        },
        "units/sof.yaml": {
            "units": [
                {
                    "id": "sof-a",
                    "name": payload("Enhed A"),
                    "department": "sof",
                    "description": payload("Om"),
                    "responsibilities": [payload("Ansvar")],
                    "target_groups": [payload("Målgruppe")],
                    "keywords": [payload("Nøgleord")],
                    "locations": ["sted"],
                    "hours": "Mo-Fr 09:00-15:00; PH off",
                    "website": "http://evil.example/a",
                    "how_to_refer": payload("Henvis"),
                    "owner": payload("Ejer"),
                    "email": "kontakt@kk.dk",
                    "phones": [
                        {"number": "33 17 41 22", "label": payload("Tlf")},
                        {"number": "33 99 10 01", "kind": "fast_track", "label": payload("Fast")},
                    ],
                    "contacts": [
                        {
                            "id": "k-1",
                            "name": payload("Kontakt"),
                            "title": payload("Titel"),
                            "role": "gatekeeper",
                            "areas": [payload("Område")],
                            "phones": [{"number": "33 99 10 02", "kind": "internal"}],
                            "backup": "k-2",
                        },
                        {"id": "k-2", "name": payload("Backup")},
                    ],
                    "verified": "2020-01-01",
                },
                {
                    "id": "sof-b",
                    "name": payload("Enhed B"),
                    "department": "sof",
                    "parent": "sof-a",
                    "phones": [{"number": "33 17 33 33"}],
                    "verified": "2026-10-01",
                },
            ]
        },
        "units/bif.yaml": {
            "units": [
                {
                    "id": "bif-c",
                    "name": payload("Kontaktcenter"),
                    "department": "bif",
                    "phones": [{"number": "82 56 40 00"}],
                    "verified": "2026-10-01",
                }
            ]
        },
        "locations.yaml": {
            "locations": [
                {
                    "id": "sted",
                    "name": payload("Sted"),
                    "address": {
                        "street": payload("Gade"),
                        "postal_code": "2200",
                        "city": payload("By"),
                    },
                    "lat": 55.685,
                    "lon": 12.5485,
                    "accessibility": payload("Adgang"),
                    "notes": payload("Note"),
                }
            ]
        },
        "referrals.yaml": {
            "referrals": [
                {
                    "from": "bif-c",
                    "to": "sof-a",
                    "needs": [payload("Behov")],
                    "criteria": payload("Kriterier"),
                    "how": payload("Sådan"),
                    "requires": [payload("Kræver")],
                    "notes": payload("Noter"),
                },
                {"from": "sof-a", "to": "sof-b", "needs": ["bolig"]},
            ]
        },
        "synonyms.yaml": {"synonyms": [["bolig", payload("Synonym")]]},
    }
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def payload_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return payload_data(tmp_path_factory.mktemp("payload") / "data")


def test_payload_data_is_valid(payload_dir: Path) -> None:
    from directory import validate_directory

    result = validate_directory(payload_dir)
    assert result.ok, result.errors


_MARKDOWN_KINDS = (et.Markdown, et.HeadingBase, et.AlertBase, et.Exception)


def _walk(node: object) -> Iterator[object]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _walk(child)


def rendered_markdown(at) -> list[str]:
    """Every string of the run that Streamlit renders as markdown."""
    out: list[str] = []
    for node in _walk(at._tree):
        if isinstance(node, et.Code):  # shown literally (the list of data errors)
            continue
        if isinstance(node, _MARKDOWN_KINDS):
            out.append(str(node.value))
        label = getattr(node, "label", None)
        if isinstance(label, str):
            out.append(label)
        proto = getattr(node, "proto", None)
        for name in ("body", "label", "help"):
            value = getattr(proto, name, None) if proto is not None else None
            if isinstance(value, str):
                out.append(value)
    return out


def assert_only_escaped(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    sources = rendered_markdown(at)
    assert sources
    for source in sources:
        for marker in MARKERS:
            assert marker not in source, f"unescaped {marker!r} in: {source[:300]}"


PAGE_RUNS = [
    ("pages/soeg.py", {}),
    ("pages/soeg.py", {"q": "evil"}),
    ("pages/soeg.py", {"q": "bolig"}),
    ("pages/enhed.py", {"id": "sof-a"}),
    ("pages/enhed.py", {"id": "sof-b"}),
    ("pages/oversigt.py", {}),
    ("pages/oversigt.py", {"forvaltning": "sof"}),
    ("pages/henvisningsveje.py", {}),
    ("pages/henvisningsveje.py", {"enhed": "sof-a"}),
    ("pages/kort.py", {}),
    ("pages/kort.py", {"naer": "2200"}),
    ("pages/ringeliste.py", {}),
    ("pages/ringeliste.py", {"q": "evil"}),
    ("pages/datakvalitet.py", {}),
]


@pytest.mark.parametrize(
    ("page", "params"), PAGE_RUNS, ids=[f"{p[6:-3]}-{'-'.join(q) or 'plain'}" for p, q in PAGE_RUNS]
)
def test_payload_in_every_field_shows_as_text(
    page: str, params: dict[str, str], payload_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(page, payload_dir, monkeypatch, **params)
    assert_only_escaped(at)
    if page == "pages/enhed.py" and params["id"] == "sof-a":
        assert md_escape(payload("Henvis")) in rendered_markdown(at)


URL_PARAMS = {
    "pages/soeg.py": ["q", "forvaltning", "behov", "alder", "aaben"],
    "pages/enhed.py": ["id"],
    "pages/oversigt.py": ["forvaltning"],
    "pages/henvisningsveje.py": ["enhed"],
    "pages/kort.py": ["q", "forvaltning", "behov", "naer", "aaben"],
    "pages/ringeliste.py": ["q", "forvaltning"],
    "pages/datakvalitet.py": ["forvaltning"],
}


@pytest.mark.parametrize("page", list(URL_PARAMS), ids=[p[6:-3] for p in URL_PARAMS])
def test_payload_in_every_query_parameter_shows_as_text(
    page: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(page, data_dir, monkeypatch, **dict.fromkeys(URL_PARAMS[page], PAYLOAD))
    assert_only_escaped(at)


@pytest.mark.parametrize(
    ("page", "param"),
    [("pages/oversigt.py", "forvaltning"), ("pages/ringeliste.py", "q"), ("pages/enhed.py", "id")],
)
def test_url_value_is_quoted_escaped_in_the_message(
    page: str, param: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The value from the link is shown (cut short) as text, not as a link or an image."""
    at = app_test(page, data_dir, monkeypatch, **{param: PAYLOAD})
    shown = " ".join(rendered_markdown(at))
    assert md_escape(PAYLOAD[:40]) in shown


def test_long_query_from_a_link_is_cut_and_said_so(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test("pages/soeg.py", data_dir, monkeypatch, q="hjemløs " * 12_000)
    assert not at.exception
    assert "Søgningen er lang: kun de første 200 tegn og 10 forskellige ord bruges." in [
        c.value for c in at.caption
    ]
