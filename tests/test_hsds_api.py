"""The HSDS API under /api/hsds/ on the app's own server (`streamlit run app.py`, st.App).

Every answer (pages and single objects) is checked against the response schema of the
vendored official openapi.json (its $refs resolved to the vendored schema files, format checks
on); the public view only: the demo data's fast_track/internal numbers and contact names never
appear; CORS for GET; a bounded page size; 401 when sign-in is set up and the access file
does not say `public: true`.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from test_hsds import assert_no_staff_only_value

from directory import load_directory
from directory.exports.hsds.schemas import official, registry
from testkit.browser_support import ROOT, AppServer, write_oidc_secrets
from testkit.nginx_support import get

DEMO = ROOT / "data"


@pytest.fixture(scope="module")
def server() -> Iterator[AppServer]:
    app = AppServer(DEMO).start(timeout=90)
    try:
        yield app
    finally:
        app.stop()


def _json(server: AppServer, path: str, **query: object) -> tuple[int, dict, object]:
    url = f"{server.url}/api/hsds{path}"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    status, headers, body = get(url)
    return status, {k.lower(): v for k, v in headers.items()}, json.loads(body)


def response_validator(path: str) -> Draft202012Validator:
    """The schema of a 200 answer of GET `path` in the official openapi.json."""
    spec = official("openapi.json")
    schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    schema = dict(schema["schema"])
    schema["components"] = spec["components"]  # '#/components/schemas/Page'
    if "allOf" in schema:
        schema["allOf"] = [{"$ref": "#/components/schemas/Page"}]
    return Draft202012Validator(schema, format_checker=FormatChecker(), registry=registry())


def _valid(path: str, body: object) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in response_validator(path).iter_errors(body)
    ]
    assert errors == [], errors[:5]


def test_the_root_declares_version_profile_and_openapi(server: AppServer) -> None:
    status, headers, body = _json(server, "/")
    assert status == 200 and headers["content-type"] == "application/json"
    assert headers["access-control-allow-origin"] == "*"
    assert body == {
        "version": "3.1",
        "profile": f"{server.url}/api/hsds/profile",
        "openapi_url": f"{server.url}/api/hsds/openapi.json",
    }
    _valid("/", body)
    status, _, profile = _json(server, "/profile")
    assert status == 200 and profile["version"] == "1.0.0"
    status, _, spec = _json(server, "/openapi.json")
    assert (
        spec["info"]["title"] == "Kommunalt landkort: HSDS API"
        and "post" not in spec["paths"]["/services"]
    )


def test_every_page_and_object_validates_and_is_public(server: AppServer) -> None:
    seen: list[str] = []
    pages = 0
    number = 1
    while True:
        status, _, body = _json(server, "/services", page=number, per_page=40)
        assert status == 200
        _valid("/services", body)
        seen += [s["id"] for s in body["contents"]]
        pages += 1
        if body["last_page"]:
            break
        number += 1
    assert len(seen) == len(set(seen)) == 113 and pages == 3
    texts: list[str] = []
    for service_id in seen[::7]:
        status, _, service = _json(server, f"/services/{service_id}")
        assert status == 200
        _valid("/services/{id}", service)
        texts.append(json.dumps(service, ensure_ascii=False))
    for path in ("/organizations", "/taxonomies", "/taxonomy_terms", "/service_at_locations"):
        status, _, body = _json(server, path, per_page=100)
        assert status == 200 and body["total_items"] > 0, path
        _valid(path, body)
        texts.append(json.dumps(body, ensure_ascii=False))
        item = body["contents"][0]
        if path in ("/organizations", "/taxonomies", "/taxonomy_terms"):
            status, _, one = _json(server, f"{path}/{item['id']}")
            assert status == 200
            _valid(f"{path}/{{id}}", one)
    status, _, full = _json(server, "/services", full="true", per_page=100)
    texts.append(json.dumps(full, ensure_ascii=False))
    assert_no_staff_only_value("\n".join(texts), load_directory(DEMO))


def test_search_filters_and_bounds(server: AppServer) -> None:
    status, _, found = _json(server, "/services", search="hjemløs", per_page=5)
    assert status == 200 and found["total_items"] > 0
    assert "Hjemløse" in found["contents"][0]["name"]
    term = found["contents"][0]
    status, _, one = _json(server, f"/services/{term['id']}")
    term_id = next(a["taxonomy_term_id"] for a in one["attributes"] if "taxonomy_term_id" in a)
    status, _, tagged = _json(server, "/services", taxonomy_term_id=term_id, per_page=100)
    assert tagged["total_items"] >= 1 and term["id"] in [s["id"] for s in tagged["contents"]]
    org = term["organization_id"]
    status, _, by_org = _json(server, "/services", organization_id=org, per_page=100)
    assert 0 < by_org["total_items"] < 113
    assert term["id"] in [s["id"] for s in by_org["contents"]]
    status, _, recent = _json(server, "/services", modified_after="2026-10-01")
    assert 0 < recent["total_items"] < 113
    assert _json(server, "/services", per_page=1000)[0] == 400
    status, _, bad = _json(server, "/services", page="x")
    assert status == 400 and bad == {"error": "page: 'x' er ikke et helt tal"}
    assert _json(server, "/services/00000000-0000-0000-0000-000000000000")[0] == 404
    assert _json(server, "/nothing")[0] == 404
    status, headers, _ = get(f"{server.url}/api/hsds/services")  # default page size
    assert status == 200


def test_401_when_sign_in_is_set_up_and_the_access_file_is_not_public(tmp_path: Path) -> None:
    secrets = write_oidc_secrets(tmp_path / "secrets.toml", 8999, "http://127.0.0.1:9")
    access = tmp_path / "access.yaml"
    access.write_text("claim: groups\nstaff: [kk-medarbejdere]\npublic: false\n", encoding="utf-8")
    app = AppServer(DEMO, secrets_file=secrets, env={"LANDKORT_ACCESS": str(access)})
    app.start(timeout=90)
    try:
        status, headers, body = _json(app, "/services")
        assert status == 401 and body == {
            "error": "Landkortet kræver log ind: API'et er kun åbent, når adgangsfilen har "
            "'public: true'."
        }
        assert headers["access-control-allow-origin"] == "*"
        access.write_text(
            "claim: groups\nstaff: [kk-medarbejdere]\npublic: true\n", encoding="utf-8"
        )
        status, _, body = _json(app, "/services", per_page=3)
        assert status == 200 and body["size"] == 3
    finally:
        app.stop()
