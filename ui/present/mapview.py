"""The office map as a folium object: offline assets, escaped popups, clustered markers.

Built for streamlit-folium but free of streamlit. What makes it fit a closed intranet:

- Leaflet and Leaflet.markercluster come from the app itself (`static/vendor/`, served by
  Streamlit's static serving) or are inlined as data: URIs; folium's CDN lists (Leaflet,
  jQuery, Bootstrap, awesome-markers, font-awesome) are replaced, and nothing else is loaded.
- No tile layer unless `LANDKORT_TILES` names one (e.g. an intranet tile server); the map
  then has a plain background, and markers, bydel names and the legend work without it.
- Markers are built in the browser from one JSON list (FastMarkerCluster), so 2,000
  locations stay small and fast. Every data value that becomes HTML goes through
  `escape_js_html`.
- Element ids are derived from a counter, so the same input gives the same HTML (a map that
  differs on every rerun reloads forever in streamlit-folium).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import folium
from branca.element import Element, Figure, MacroElement
from folium.plugins import FastMarkerCluster
from folium.template import Template

from directory.geo import places as geo
from directory.model import COLOR, DepartmentKind, Directory, format_phone, tel_uri
from directory.rules import hours
from directory.rules.colors import department_colors

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
# The app's root as seen from inside streamlit-folium's component iframe
# (/component/streamlit_folium.st_folium/index.html): relative, so links and assets also
# work under `server.baseUrlPath`. Static files are at <root>app/static/.
COMPONENT_ROOT = "../../"
COMPONENT_STATIC = COMPONENT_ROOT + "app/static/"
INLINE = "inline"
CENTER = (55.680, 12.555)  # Copenhagen, between Indre By and Nørrebro
ZOOM = 12
MIN_ZOOM = 10
MAX_ZOOM = 19  # markercluster needs the map's maxZoom (tile layers usually set it)
MAX_UNITS_IN_POPUP = 8
TILES_ENV = "LANDKORT_TILES"
LAYER_NAMES = {
    DepartmentKind.MUNICIPAL: "Kommunale kontorer",
    DepartmentKind.EXTERNAL: "Eksterne samarbejdspartnere",
}

_VENDOR_JS = [
    ("leaflet", "vendor/leaflet-1.9.4/leaflet.js"),
    ("markerclusterjs", "vendor/leaflet.markercluster-1.5.3/leaflet.markercluster.js"),
]
_VENDOR_CSS = [
    ("leaflet_css", "vendor/leaflet-1.9.4/leaflet.css"),
    ("markerclustercss", "vendor/leaflet.markercluster-1.5.3/MarkerCluster.css"),
    ("markerclusterdefaultcss", "vendor/leaflet.markercluster-1.5.3/MarkerCluster.Default.css"),
]

_CSS = """<style>
.leaflet-container { background: #eef0ec; font-family: system-ui, sans-serif; }
.landkort-pin span { display: block; width: 14px; height: 14px; border-radius: 50%;
  border: 2px solid #fff; box-shadow: 0 0 0 1px #333; }
.landkort-pin.ext span { border-radius: 2px; transform: rotate(45deg); }
.landkort-here span { display: block; width: 18px; height: 18px; border-radius: 50%;
  background: #111; border: 3px solid #ffd200; }
.landkort-bydel { color: #555; font: 600 13px system-ui, sans-serif; text-align: center;
  white-space: nowrap; text-shadow: 0 0 3px #fff, 0 0 3px #fff; pointer-events: none; }
.leaflet-control-layers, .leaflet-control-scale { font-size: 12px; }
/* Leaflet sizes the layer list from the map's height when it is added, which can be 0 in
   the component's iframe at that moment: a 4 px list. The list is short; let it be. */
.leaflet-control-layers-expanded .leaflet-control-layers-list { height: auto !important; }
.landkort-popup { font-size: 13px; line-height: 1.35; max-width: 300px; }
.landkort-popup ul { margin: 6px 0 0; padding-left: 16px; }
.landkort-popup li { margin-bottom: 6px; }
.landkort-popup .addr, .landkort-popup .hrs { color: #444; font-size: 12px; }
.landkort-popup .open { color: #0a6b2d; font-weight: 600; }
.landkort-popup .closed { color: #a4001d; font-weight: 600; }
.landkort-legend { background: rgba(255,255,255,.92); padding: 4px 8px; border-radius: 4px;
  font-size: 11px; line-height: 1.45; box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 300px;
  display: grid; grid-template-columns: auto auto; column-gap: 10px; }
.landkort-legend span { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.landkort-legend i { display: inline-block; width: 11px; height: 11px; margin-right: 5px;
  border-radius: 50%; vertical-align: -1px; border: 1px solid #333; }
.landkort-legend i.ext { border-radius: 1px; transform: rotate(45deg); }
</style>"""

# One marker per row: [lat, lon, colour, popup HTML, tooltip HTML, is_external].
# The HTML strings are escaped in Python; the colour is a validated #rrggbb. The tooltip's
# text (decoded by DOMParser, which runs nothing) is the marker's `title`: its accessible name.
_MARKER_CALLBACK = """function (row) {
    var icon = L.divIcon({
        className: row[5] ? "landkort-pin ext" : "landkort-pin",
        html: '<span style="background:' + row[2] + '"></span>',
        iconSize: [18, 18], iconAnchor: [9, 9], popupAnchor: [0, -8]
    });
    var name = new DOMParser().parseFromString(row[4], "text/html").body.textContent;
    var marker = L.marker(new L.LatLng(row[0], row[1]), {icon: icon, title: name, alt: name});
    marker.bindPopup(row[3], {maxWidth: 320});
    marker.bindTooltip(row[4], {direction: "top", offset: [0, -8]});
    return marker;
}"""
_CLUSTER_OPTIONS = {"showCoverageOnHover": False, "chunkedLoading": True, "maxClusterRadius": 45}
# A cluster's icon gets an accessible name too: "12 kontorer: klik for at zoome ind".
_CLUSTER_NAMES = """
    cluster.on("animationend layeradd", function () {
        var root = document.querySelectorAll(".marker-cluster");
        for (var j = 0; j < root.length; j++) {
            var count = root[j].textContent.trim();
            root[j].setAttribute("title", count + " kontorer: klik for at zoome ind");
            root[j].setAttribute("aria-label", count + " kontorer: klik for at zoome ind");
        }
    });
"""


_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&#x27;",  # html.escape
        "$": "&#36;",
        "`": "&#96;",
        "\\": "&#92;",  # template literals: ${...}, `, \
    }
)


def escape_js_html(value: object) -> str:
    """Text made safe for HTML inside folium's JavaScript template literals: what
    html.escape(value, quote=True) gives, with `$`, backtick and backslash also as character
    references (one pass of str.translate)."""
    return str(value).translate(_ESCAPES)


# --- tiles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tiles:
    url: str
    attribution: str


class TilesError(ValueError):
    """`LANDKORT_TILES` is set but is not a tile URL template."""


def tile_layer(template: str | None, attribution: str | None = None) -> Tiles | None:
    """The tile layer of the settings `LANDKORT_TILES` (a URL template such as
    `https://tiles.intranet.example/{z}/{x}/{y}.png`) and `LANDKORT_TILES_ATTRIBUTION`, or
    None: no tiles, no tile requests."""
    url = (template or "").strip()
    if not url:
        return None
    if not re.match(r"^(https?:)?/", url) or not all(p in url for p in ("{z}", "{x}", "{y}")):
        raise TilesError(
            f"{TILES_ENV}={url!r} er ikke en skabelon for kortfliser: skriv den som "
            "'https://tiles.intranet.example/{z}/{x}/{y}.png' (med {z}, {x} og {y}), "
            "eller fjern indstillingen for at bruge den enkle baggrund"
        )
    return Tiles(url, (attribution or "Baggrundskort: intranettets kortserver").strip())


# --- assets ----------------------------------------------------------------------------------


def asset_links(
    base: str = COMPONENT_STATIC,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(js, css) lists in folium's `default_js`/`default_css` shape, pointing at the vendored
    files under `base` (a URL prefix ending in '/'), or as data: URIs when base is INLINE."""

    def link(rel: str, mime: str) -> str:
        if base != INLINE:
            return base + rel
        data = base64.b64encode((STATIC_DIR / rel).read_bytes()).decode("ascii")
        return f"data:{mime};base64,{data}"

    return (
        [(name, link(rel, "text/javascript")) for name, rel in _VENDOR_JS],
        [(name, link(rel, "text/css")) for name, rel in _VENDOR_CSS],
    )


class _Markers(FastMarkerCluster):
    """FastMarkerCluster with the rows as compact JSON (no \\u003c for every tag: the HTML in
    the rows is already escaped, and '</' is written '<\\/' so no '</script>' can occur)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = (function(){
                var callback = {{ this.callback_js }};
                var data = {{ this.rows_json }};
                var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
                {{ this.cluster_names_js }}
                for (var i = 0; i < data.length; i++) {
                    callback(data[i]).addTo(cluster);
                }
                cluster.addTo({{ this._parent.get_name() }});
                return cluster;
            })();
        {% endmacro %}
        """
    )

    def __init__(self, rows: list[list], name: str) -> None:
        super().__init__([], name=name, overlay=True, control=True, **_CLUSTER_OPTIONS)
        self.rows_json = (
            json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
            .replace("</", "<\\/")
            .replace("\u2028", "\\u2028")
            .replace("\u2029", "\\u2029")
        )
        self.callback_js = _MARKER_CALLBACK
        self.cluster_names_js = _CLUSTER_NAMES


class _Legend(MacroElement):
    """A Leaflet control with pre-escaped HTML (passed to JS as a JSON string)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.control({position: "bottomleft"});
            {{ this.get_name() }}.onAdd = function () {
                var div = L.DomUtil.create("div", "landkort-legend");
                div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html_text


# --- HTML pieces -----------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _phone_link(number: str) -> str:
    """A public number as a tel: link (cached: phone formatting is the slow part of a popup)."""
    return (
        f'Tlf. <a href="{escape_js_html(tel_uri(number))}">'
        f"{escape_js_html(format_phone(number))}</a>"
    )


def _status_span(status: hours.Status) -> str:
    css = "open" if status.is_open else "closed"
    return f'<span class="{css}">{escape_js_html(status.label)}</span>'


def popup_html(site: geo.Site, unit_href: Callable[[str], str]) -> str:
    """The popup of one marker: the place, then each unit there with its link, status,
    hours and public number. Every data value is escaped."""
    location = site.location
    parts = [
        f'<div class="landkort-popup"><b>{escape_js_html(location.name)}</b><br>',
        f'<span class="addr">{escape_js_html(location.address.one_line())}</span>',
    ]
    if not site.units and site.status is not None:
        parts.append(f"<br>{_status_span(site.status)}")
    if location.hours and site.units:
        parts.append(
            f'<br><span class="hrs">Bygningen: {escape_js_html(hours.danish(location.hours))}'
            "</span>"
        )
    parts.append("<ul>" if site.units else "")
    for here in site.units[:MAX_UNITS_IN_POPUP]:
        href = escape_js_html(unit_href(here.unit.id))
        dep = here.department
        dep_text = f" · {escape_js_html(dep.short or dep.name)}" if dep else ""
        parts.append(
            f'<li><a href="{href}" target="_blank" rel="noopener">'
            f"{escape_js_html(here.unit.name)}</a>{dep_text}"
            f"<br>{_status_span(here.status)}"
        )
        if here.unit.hours:
            parts.append(
                f'<br><span class="hrs">{escape_js_html(hours.danish(here.unit.hours))}</span>'
            )
        phone = here.public_phone
        if phone is not None:
            parts.append(f"<br>{_phone_link(phone.number)}")
        parts.append("</li>")
    if site.units:
        more = len(site.units) - MAX_UNITS_IN_POPUP
        parts.append(f"<li>… og {more} enheder mere</li></ul>" if more > 0 else "</ul>")
    parts.append("</div>")
    return "".join(parts)


def marker_name(site: geo.Site) -> str:
    """The marker's name as plain text: 'Socialcenter København · 3 enheder'."""
    count = len(site.units)
    suffix = f" · {count} enhed{'er' if count != 1 else ''}" if count else ""
    return f"{site.location.name}{suffix}"


def tooltip_html(site: geo.Site) -> str:
    return escape_js_html(marker_name(site))


def legend_html(directory: Directory, found: Iterable[geo.Site]) -> str:
    """Colour per department shown, and the marker shape per layer."""
    found = list(found)
    colors = department_colors(directory)
    shown = {u.unit.department for site in found for u in site.units}
    rows = [
        f'<span><i style="background:{_safe_color(colors[dep_id])}"></i>'
        f"{escape_js_html(dep.short or dep.name)}</span>"
        for dep_id, dep in directory.departments.items()
        if dep_id in shown
    ]
    if any(not site.units for site in found):
        rows.append(
            f'<span><i style="background:{geo.NO_DEPARTMENT_COLOR}"></i>Ingen enheder</span>'
        )
    shapes = (
        '<span><i style="background:#fff"></i>Kommunal</span>'
        '<span><i class="ext" style="background:#fff"></i>Ekstern partner</span>'
    )
    return "".join(rows) + shapes


def _safe_color(value: str) -> str:
    return value if COLOR.fullmatch(value) else geo.NO_DEPARTMENT_COLOR


def marker_rows(found: Iterable[geo.Site], unit_href: Callable[[str], str]) -> list[list]:
    """The JSON rows the marker callback turns into markers."""
    return [
        [
            round(site.location.lat, 6),
            round(site.location.lon, 6),
            _safe_color(site.color),
            popup_html(site, unit_href),
            tooltip_html(site),
            1 if site.kind is DepartmentKind.EXTERNAL else 0,
        ]
        for site in found
    ]


# --- the map ---------------------------------------------------------------------------------


def build_map(
    directory: Directory,
    found: list[geo.Site],
    *,
    unit_href: Callable[[str], str],
    tiles: Tiles | None = None,
    assets: str = COMPONENT_STATIC,
    place: geo.Place | None = None,
    show_bydele: bool = True,
) -> folium.Map:
    """The office map: one clustered layer per kind (municipal, external), bydel names,
    a legend, the chosen 'nearest to' point, and tiles only when configured."""
    center = (place.lat, place.lon) if place else CENTER
    m = folium.Map(
        location=center,
        zoom_start=ZOOM + (1 if place else 0),
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
    )
    m.options |= {"min_zoom": MIN_ZOOM, "max_zoom": MAX_ZOOM}  # folium gives these to tiles only
    js, css = asset_links(assets)
    m.default_js, m.default_css = js, css
    figure = m.get_root()
    assert isinstance(figure, Figure)  # a folium.Map is always the child of a Figure
    figure.header.add_child(Element(_CSS), name="landkort_css")
    if tiles is not None:
        folium.TileLayer(
            tiles=tiles.url,
            attr=escape_js_html(tiles.attribution),
            name="Baggrundskort",
            overlay=False,
            control=False,
            max_zoom=MAX_ZOOM,
        ).add_to(m)
    if show_bydele:
        labels = folium.FeatureGroup(name="Bydele (navne)", overlay=True, control=True)
        for bydel in geo.bydele():
            folium.Marker(
                (bydel.lat, bydel.lon),
                interactive=False,
                keyboard=False,
                icon=folium.DivIcon(
                    html=escape_js_html(bydel.name),
                    class_name="landkort-bydel",
                    icon_size=(160, 18),
                    icon_anchor=(80, 9),
                ),
            ).add_to(labels)
        labels.add_to(m)
    for kind, name in LAYER_NAMES.items():
        rows = marker_rows((s for s in found if s.kind is kind), unit_href)
        cluster = _Markers(rows, name=f"{name} ({len(rows)})")
        cluster.default_js, cluster.default_css = js, css
        cluster.add_to(m)
    if place is not None:
        folium.Marker(
            (place.lat, place.lon),
            keyboard=False,
            title=f"Udgangspunkt: {place.name}",
            icon=folium.DivIcon(
                html="<span></span>",
                class_name="landkort-here",
                icon_size=(24, 24),
                icon_anchor=(12, 12),
            ),
            tooltip=folium.Tooltip(f"Udgangspunkt: {escape_js_html(place.name)}"),
        ).add_to(m)
    _Legend(legend_html(directory, found)).add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    _stable_ids(m)
    return m


def _stable_ids(m: folium.Map) -> None:
    """Give every element an id derived from its position, so equal input renders equal HTML.

    Long hex ids, as folium's own, so streamlit-folium's renaming of `name_<id>` variables
    cannot hit anything else in the script."""
    counter = 0

    def visit(element: Element) -> None:
        nonlocal counter
        element._id = hashlib.sha256(f"landkort-map-{counter}".encode()).hexdigest()[:32]
        counter += 1
        for child in list(element._children.values()):
            visit(child)

    visit(m)


def render_html(m: folium.Map) -> str:
    """The map as one standalone HTML document."""
    return m.get_root().render()
