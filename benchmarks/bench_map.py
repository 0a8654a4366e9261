"""The office map at scale: filter, build and render time, HTML size, and time to markers.

`python -m benchmarks.bench_map [--locations 2000] [--seed 0]` (or through
`python -m benchmarks`, which calls `run(sizes, seed)`).

The data is the shared generated directory (`benchmarks.common.data_dir`: N units, about
N/2 locations). `run()` caps the unit count at 4,000, i.e. about 2,000 locations: the
scale the map page must handle. Rows:

- `map: sites` — `geo.sites()` (filters, open-now status of every unit);
- `map: build` — `mapview.build_map()` + render to HTML (what the page does per rerun),
  against a baseline of the same map drawn the classic way (folium `MarkerCluster` with one
  `Marker` + `Popup` + `Tooltip` object per location);
- `map: html` — the map's HTML in kB as the page sends it (assets served by the app) and as
  one standalone file (assets inlined as data: URIs), against the classic build;
- `map: browser` — in headless Chromium, the standalone file: time until clusters show, and
  time for a zoom-in to finish re-clustering (only from 1,000 locations up, so `--quick`
  stays browser-free).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import data_dir, row, timed

MAX_UNITS = 4000  # about 2,000 locations
BROWSER_FROM = 1000  # locations
AT = dt.datetime(2026, 3, 4, 10, 30)  # a Wednesday morning: most offices open


def _href(unit_id: str) -> str:
    return f"enhed?id={unit_id}"


def classic_map(directory: Any, found: list[Any]) -> Any:
    """The baseline: one folium object per marker, as folium's examples do it."""
    import folium
    from folium.plugins import MarkerCluster

    from ui.present import mapview

    m = folium.Map(location=mapview.CENTER, zoom_start=mapview.ZOOM, tiles=None)
    m.options |= {"max_zoom": mapview.MAX_ZOOM}
    cluster = MarkerCluster(name="Kontorer").add_to(m)
    for site in found:
        folium.Marker(
            (site.location.lat, site.location.lon),
            icon=folium.DivIcon(
                html=f'<span style="background:{site.color}"></span>', class_name="landkort-pin"
            ),
            popup=folium.Popup(mapview.popup_html(site, _href), max_width=320),
            tooltip=folium.Tooltip(mapview.tooltip_html(site)),
        ).add_to(cluster)
    return m


def measure(units: int, seed: int, browser: bool) -> list[dict[str, Any]]:
    from directory import load_directory
    from directory.geo import places as geo
    from ui.present import mapview

    directory = load_directory(data_dir(units, seed))
    flt = geo.MapFilter(at=AT)
    sites_s, found = timed(lambda: geo.sites(directory, flt), repeat=3)
    count = len(directory.locations)
    note = f"{count} locations, {len(found)} markers"

    def build(assets: str = mapview.COMPONENT_STATIC) -> str:
        return mapview.render_html(
            mapview.build_map(directory, found, unit_href=_href, assets=assets)
        )

    build_s, html_page = timed(build, repeat=3)
    html_inline = build(mapview.INLINE)
    classic_s, html_classic = timed(lambda: mapview.render_html(classic_map(directory, found)))
    rows = [
        row("map: locations", units, "count", count, note=note),
        row("map: sites (filter + open now)", units, "time_s", round(sites_s, 4), note=note),
        row(
            "map: build + render",
            units,
            "time_s",
            round(build_s, 4),
            round(classic_s, 4),
            note=f"{note}; baseline: MarkerCluster + Marker/Popup objects",
        ),
        row(
            "map: html as sent by the page",
            units,
            "kB",
            round(len(html_page) / 1e3, 1),
            round(len(html_classic) / 1e3, 1),
            note="assets served from /app/static",
        ),
        row(
            "map: html standalone (inlined assets)",
            units,
            "kB",
            round(len(html_inline) / 1e3, 1),
            note="Leaflet + markercluster as data: URIs",
        ),
    ]
    if browser and count >= BROWSER_FROM:
        shown_s, zoom_s = browser_times(html_inline)
        rows += [
            row("map: browser, until clusters show", units, "time_s", round(shown_s, 3), note=note),
            row(
                "map: browser, zoom in and re-cluster", units, "time_s", round(zoom_s, 3), note=note
            ),
        ]
    return rows


def browser_times(html: str) -> tuple[float, float]:
    """Load the standalone map in headless Chromium; (seconds to clusters, seconds to zoom)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "map.html"
        path.write_text(html, encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                headless=True,
                args=[
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            page = browser.new_page(viewport={"width": 1000, "height": 700})
            start = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_selector(".marker-cluster", state="visible", timeout=60000)
            shown = time.perf_counter() - start
            zoom = page.evaluate(
                """() => new Promise(resolve => {
                    const map = Object.values(window).find(v => v instanceof L.Map);
                    const t0 = performance.now();
                    map.once("zoomend", () => requestAnimationFrame(() =>
                        resolve((performance.now() - t0) / 1000)));
                    map.setZoom(map.getZoom() + 2, {animate: false});
                })"""
            )
            browser.close()
    return shown, float(zoom)


def run(sizes: list[int], seed: int = 0) -> list[dict[str, Any]]:
    """Rows for `python -m benchmarks`: unit counts capped at 4,000 (about 2,000 locations)."""
    rows: list[dict[str, Any]] = []
    for units in sorted({min(size, MAX_UNITS) for size in sizes}):
        rows.extend(measure(units, seed, browser=True))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_map", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--locations", type=int, default=2000, help="about this many locations (default 2000)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium timings")
    args = parser.parse_args(argv)
    for item in measure(max(2, args.locations * 2), args.seed, browser=not args.no_browser):
        value = item["value"]
        base = (
            f"  (baseline {item['baseline']}, ratio {item['ratio']:.2f})" if item["ratio"] else ""
        )
        print(f"{item['name']:<45} {item['metric']:<7} {value}{base}  # {item['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
