"""ui.present.mapview: escaping through the whole map HTML, offline assets, tiles, popups,
determinism."""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import textwrap

import pytest
from conftest import SMALL_DATA, write_data
from hypothesis import given
from hypothesis import strategies as st

from directory import load_directory
from directory.geo import places as geo
from ui.present import mapview

AT = dt.datetime(2026, 11, 25, 10, 0)  # a Wednesday morning
HOSTILE = [
    "${alert(1)}",
    "`+alert(2)+`",
    "</script><script>alert(3)</script>",
    '<img src=x onerror="alert(4)">',
    "\\u0060 back\\slash",
    "' onmouseover='alert(5)",
]


def href(unit_id: str) -> str:
    return f"../../enhed?id={unit_id}"


def build(directory, flt: geo.MapFilter | None = None, **kwargs) -> str:
    found = geo.sites(directory, flt or geo.MapFilter(at=AT))
    return mapview.render_html(mapview.build_map(directory, found, unit_href=href, **kwargs))


@pytest.fixture
def hostile_directory(tmp_path):
    """Every text that reaches the map carries a payload: names, addresses, departments."""
    quoted = [yaml_quote(h) for h in HOSTILE]
    data = dict(SMALL_DATA)
    data["departments.yaml"] = SMALL_DATA["departments.yaml"].replace(
        "name: Statslige myndigheder", f"name: {quoted[3]}"
    )
    data["units/stat.yaml"] = f"""
        units:
          - id: stat-kif
            name: {quoted[0]}
            department: stat
            locations: [evil]
            hours: "24/7"
            phones:
              - number: "72 55 55 55"
            verified: 2026-06-01
          - id: stat-two
            name: {quoted[4]}
            department: stat
            locations: [evil]
            verified: 2026-06-01
    """
    data["locations.yaml"] = textwrap.dedent(SMALL_DATA["locations.yaml"]) + textwrap.indent(
        textwrap.dedent(f"""
        - id: evil
          name: {quoted[2]}
          address: {{street: {quoted[5]}, postal_code: "2300", city: {quoted[1]}}}
          lat: 55.655
          lon: 12.59
        """),
        "  ",
    )
    return load_directory(write_data(tmp_path / "data", data))


def yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- escaping --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("Borgercenter Voksne", "Borgercenter Voksne"),
        ("${alert(1)}", "&#36;{alert(1)}"),
        ("`x`", "&#96;x&#96;"),
        ("a\\b", "a&#92;b"),
        ("</script>", "&lt;/script&gt;"),
        ('<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"),
        ("Tom & Jerry's", "Tom &amp; Jerry&#x27;s"),
        ("Ærø Øst", "Ærø Øst"),
        (42, "42"),
    ],
)
def test_escape_js_html(raw, escaped) -> None:
    assert mapview.escape_js_html(raw) == escaped


@given(st.text())
def test_escape_js_html_is_html_escape_plus_template_literal_characters(text: str) -> None:
    expected = (
        html.escape(text, quote=True)
        .replace("$", "&#36;")
        .replace("`", "&#96;")
        .replace("\\", "&#92;")
    )
    assert mapview.escape_js_html(text) == expected
    assert not set("<>\"'`$\\") & set(mapview.escape_js_html(text))


def test_hostile_data_is_escaped_through_the_whole_map_html(hostile_directory) -> None:
    page = build(hostile_directory)
    clean = build(load_directory_from_small())
    for payload in HOSTILE:
        assert payload not in page
    for needle in ("alert(1)", "alert(2)", "alert(3)", "alert(4)", "alert(5)"):
        assert needle in page  # the text is there, as text
    assert "&#36;{alert(1)}" in page and "&#96;+alert(2)+&#96;" in page
    assert "&lt;/script&gt;&lt;script&gt;alert(3)" in page
    assert "back&#92;slash" in page
    # no markup from the data: as many tags and backticks as a map of harmless data
    for token in ("<script", "</script", "<img", 'onerror="', 'onerror=\\"', "`"):
        assert page.count(token) == clean.count(token), token


def load_directory_from_small():
    import tempfile
    from pathlib import Path

    return load_directory(write_data(Path(tempfile.mkdtemp()) / "data", SMALL_DATA))


def test_hostile_legend_and_tooltip_are_escaped(hostile_directory) -> None:
    found = geo.sites(hostile_directory, geo.MapFilter(at=AT))
    legend = mapview.legend_html(hostile_directory, found)
    assert "&lt;img src=x onerror=&quot;alert(4)&quot;&gt;" in legend and "<img" not in legend
    evil = next(site for site in found if site.location.id == "evil")
    assert (
        mapview.tooltip_html(evil)
        == "&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt; · 2 enheder"
    )


# --- offline ---------------------------------------------------------------------------------


def test_the_map_makes_no_request_to_any_other_host(small_directory) -> None:
    page = build(small_directory)
    assert re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", page) == []
    for banned in ("jquery", "bootstrap", "font-awesome", "fontawesome", "awesome-markers", "cdn"):
        assert banned not in page.lower()
    assert '<script src="../../app/static/vendor/leaflet-1.9.4/leaflet.js">' in page


def test_every_asset_is_vendored_with_its_licence() -> None:
    js, css = mapview.asset_links("")
    assert [name for name, _ in js] == ["leaflet", "markerclusterjs"]
    for _, rel in js + css:
        assert (mapview.STATIC_DIR / rel).is_file(), rel
    assert (mapview.STATIC_DIR / "vendor/leaflet-1.9.4/LICENSE").is_file()
    assert (mapview.STATIC_DIR / "vendor/leaflet.markercluster-1.5.3/MIT-LICENCE.txt").is_file()
    assert (mapview.STATIC_DIR / "vendor/leaflet-1.9.4/images/layers.png").is_file()


def test_inline_assets_are_data_uris_of_the_vendored_files(small_directory) -> None:
    js, css = mapview.asset_links(mapview.INLINE)
    for (_, uri), rel in zip(
        js + css, [r for _, r in mapview._VENDOR_JS + mapview._VENDOR_CSS], strict=True
    ):
        mime, data = uri.removeprefix("data:").split(";base64,")
        assert mime == ("text/javascript" if rel.endswith(".js") else "text/css")
        assert base64.b64decode(data) == (mapview.STATIC_DIR / rel).read_bytes()
    page = build(small_directory, assets=mapview.INLINE)
    assert "app/static" not in page and page.count("data:text/javascript;base64,") == 2


def test_no_tiles_by_default_and_a_configured_tile_server(small_directory) -> None:
    assert "L.tileLayer" not in build(small_directory)
    tiles = mapview.Tiles("https://kort.intranet.example/{z}/{x}/{y}.png", "Kortet & <KK>")
    page = build(small_directory, tiles=tiles)
    assert '"https://kort.intranet.example/{z}/{x}/{y}.png"' in page
    assert (
        '"attribution": "Kortet \\u0026amp; \\u0026lt;KK\\u0026gt;"' in page and "<KK>" not in page
    )


@pytest.mark.parametrize(
    ("template", "attribution", "expected"),
    [
        (None, None, None),
        ("  ", None, None),
        (
            "https://t.intra/{z}/{x}/{y}.png",
            None,
            mapview.Tiles(
                "https://t.intra/{z}/{x}/{y}.png", "Baggrundskort: intranettets kortserver"
            ),
        ),
        (
            "/tiles/{z}/{x}/{y}.png",
            "© KK",
            mapview.Tiles("/tiles/{z}/{x}/{y}.png", "© KK"),
        ),
    ],
)
def test_tile_layer_of_the_settings(template, attribution, expected) -> None:
    """LANDKORT_TILES and LANDKORT_TILES_ATTRIBUTION, as the pages pass them."""
    assert mapview.tile_layer(template, attribution) == expected


@pytest.mark.parametrize(
    "url",
    ["tiles.intra/{z}/{x}/{y}.png", "https://t.intra/tiles.png", "javascript:alert(1)//{z}{x}{y}"],
)
def test_tile_layer_refuses_what_is_not_a_tile_template(url) -> None:
    with pytest.raises(mapview.TilesError) as error:
        mapview.tile_layer(url)
    assert str(error.value) == (
        f"LANDKORT_TILES={url!r} er ikke en skabelon for kortfliser: skriv den som "
        "'https://tiles.intranet.example/{z}/{x}/{y}.png' (med {z}, {x} og {y}), "
        "eller fjern indstillingen for at bruge den enkle baggrund"
    )


# --- content ---------------------------------------------------------------------------------


def test_popup_lists_units_with_link_status_hours_and_public_number_only(small_directory) -> None:
    site = geo.sites(small_directory, geo.MapFilter(at=AT))[0]
    popup = mapview.popup_html(site, href)
    assert "<b>Socialcenter København</b>" in popup
    assert "Matthæusgade 1, 1666 København V" in popup
    assert (
        '<a href="../../enhed?id=sof-bcv" target="_blank" rel="noopener">Borgercenter Voksne</a> · '
        "SOF" in popup
    )
    assert '<span class="open">Åben nu · lukker kl. 15:00</span>' in popup
    assert "man-fre 09:00-15:00 · lukket på helligdage" in popup
    assert 'Tlf. <a href="tel:+4533174122">33 17 41 22</a>' in popup
    assert "33 99 10 01" not in popup  # the fast-track line stays off the map
    assert "33 99 10 02" not in popup and "mette.test" not in popup  # contacts too


def test_popup_of_a_closed_unit_and_a_long_list(tmp_path) -> None:
    extra = "".join(
        f"""
          - id: bif-extra-{n}
            name: Ekstra {n}
            department: bif
            locations: [skelbaekgade]
            verified: 2026-07-01
        """
        for n in range(9)
    )
    data = dict(SMALL_DATA, **{"units/bif.yaml": SMALL_DATA["units/bif.yaml"] + extra})
    directory = load_directory(write_data(tmp_path / "d", data))
    evening = dt.datetime(2026, 11, 25, 20, 0)
    site = next(
        s for s in geo.sites(directory, geo.MapFilter(at=evening)) if s.key == "skelbaekgade"
    )
    popup = mapview.popup_html(site, href)
    assert '<span class="closed">Lukket · åbner i morgen kl. 09:00</span>' in popup
    assert popup.count("<li>") == mapview.MAX_UNITS_IN_POPUP + 1
    assert "<li>… og 2 enheder mere</li>" in popup


def test_layers_legend_and_marker_rows(small_directory) -> None:
    page = build(small_directory)
    assert '"Kommunale kontorer (3)"' in page and '"Eksterne samarbejdspartnere (0)"' in page
    assert '"Bydele (navne)"' in page and page.count("landkort-bydel") >= 10
    found = geo.sites(small_directory, geo.MapFilter(at=AT))
    rows = mapview.marker_rows(found, href)
    assert [r[:3] + r[4:] for r in rows] == [
        [55.6705, 12.553, "#b2182b", "Socialcenter København · 2 enheder", 0],
        [55.685, 12.5485, "#b2182b", "Døgnvagten, Åboulevard · 1 enhed", 0],
        [55.6665, 12.5475, "#2166ac", "Jobcenter Skelbækgade · 1 enhed", 0],
    ]
    legend = mapview.legend_html(small_directory, found)
    assert legend.startswith(
        '<span><i style="background:#b2182b"></i>SOF</span><span><i '
        'style="background:#2166ac"></i>BIF</span>'
    )


def test_the_map_sets_max_zoom_for_markercluster(small_directory) -> None:
    # without it Leaflet.markercluster throws "Map has no maxZoom specified" and draws nothing
    assert '"maxZoom": 19' in build(small_directory)


def test_the_chosen_place_is_marked_and_centred(small_directory) -> None:
    place = geo.find_place("Valby")
    page = build(small_directory, place=place)
    assert "Udgangspunkt: Valby" in page and "center: [55.6608, 12.5036]" in page
    assert "Udgangspunkt" not in build(small_directory)


def test_same_input_gives_the_same_html(small_directory) -> None:
    assert build(small_directory) == build(small_directory)
    assert build(small_directory) != build(small_directory, flt=geo.MapFilter(text="jku", at=AT))


def test_marker_rows_cannot_close_the_script(hostile_directory) -> None:
    found = geo.sites(hostile_directory, geo.MapFilter(at=AT))
    marker_layer = mapview._Markers(mapview.marker_rows(found, href), name="x")
    assert "</" not in marker_layer.rows_json and "<\\/b>" in marker_layer.rows_json
