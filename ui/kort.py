"""Widgets of the map page (pages/kort.py): filters, the folium map, the office tables.

Rendering only: which offices match, their status and distances come from `directory.geo.places`,
the map itself from `ui.present.mapview`. Every filter is kept in the URL, so a filtered map
is a link that can be shared (`kort?forvaltning=sof&naer=2200&aaben=1`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import ui.serving
from directory import Directory
from directory.geo import places as geo
from directory.rules import clock
from directory.rules.needs import need_options
from ui.escape import md_escape
from ui.links import unit_href
from ui.present import mapview
from ui.widgets import url_flag

MAP_HEIGHT = 560


def filters(directory: Directory) -> tuple[geo.MapFilter, geo.Place | None]:
    """The filter widgets: the filter, and the 'nearest to' place if one is chosen.

    Seeded from the URL (`?q=…&forvaltning=sof&behov=…&naer=2200&aaben=1`) and written
    back to it, so the filtered map is a link to share."""
    departments = directory.departments
    needs = need_options(directory)
    _seed_from_url(directory, needs)
    top = st.columns([3, 3, 3])
    text = top[0].text_input(
        "Søg på kortet", key="kort_q", placeholder="fx jobcenter, herberg, Nørrebro"
    )
    chosen = top[1].multiselect(
        "Forvaltning",
        list(departments),
        key="kort_forvaltning",
        placeholder="Alle forvaltninger",
        format_func=lambda d: departments[d].label,
    )
    need = top[2].selectbox(
        "Behov eller målgruppe", needs, key="kort_behov", placeholder="Alle behov og målgrupper"
    )
    low = st.columns([6, 3])
    labels = {p.key: p.label for p in geo.places()}
    near = low[0].selectbox(
        "Nærmeste åbne kontor fra bydel eller postnummer",
        list(labels),
        key="kort_naer",
        accept_new_options=True,
        format_func=lambda k: labels.get(k, k),
        placeholder="Vælg en bydel, eller skriv et postnummer (fx 2200)",
    )
    open_now = low[1].toggle(
        "Kun åbne nu",
        key="kort_aaben",
        help="Åbningstider med danske helligdage. Et kontor tæller som "
        "åbent, når både enheden og bygningen har åbent.",
    )
    place = geo.find_place(near)
    if near and place is None:
        st.warning(
            f"Kender ikke »{md_escape(near)}« som bydel eller postnummer i Københavns "
            "Kommune. Vælg fra listen (1800–2000 er Frederiksberg Kommune)."
        )
    st.query_params.from_dict(
        {
            key: value
            for key, value in (
                ("q", text.strip()),
                ("forvaltning", chosen),
                ("behov", need or ""),
                ("naer", place.key if place else near or ""),
                ("aaben", "1" if open_now else ""),
            )
            if value
        }
    )
    return geo.MapFilter(frozenset(chosen), need, text, open_now, clock.now()), place


def _seed_from_url(directory: Directory, needs: list[str]) -> None:
    """Set each filter from the URL the first time the page is drawn (widget state is
    dropped when the user leaves the page, so a link opened later seeds it again)."""
    params = st.query_params
    near = params.get("naer") or None
    place = geo.find_place(near)
    seeds = {
        "kort_q": params.get("q", ""),
        "kort_forvaltning": [
            d for d in params.get_all("forvaltning") if d in directory.departments
        ],
        "kort_behov": params.get("behov") if params.get("behov") in needs else None,
        "kort_naer": place.key if place else near,  # unknown: kept, so the page can say so
        "kort_aaben": bool(url_flag(params.get("aaben"))),
    }
    for key, value in seeds.items():
        if key not in st.session_state:
            st.session_state[key] = value


def show_map(directory: Directory, found: list[geo.Site], place: geo.Place | None) -> None:
    try:
        settings = ui.serving.settings()
        tiles = mapview.tile_layer(settings.tiles, settings.tiles_attribution)
    except mapview.TilesError as exc:
        st.warning(f"Kortet vises uden baggrund: {md_escape(exc)}")
        tiles = None
    m = mapview.build_map(
        directory,
        found,
        place=place,
        tiles=tiles,
        unit_href=lambda uid: mapview.COMPONENT_ROOT + unit_href(uid),
    )
    st_folium(m, key="kort", height=MAP_HEIGHT, use_container_width=True, returned_objects=[])
    if tiles is None:
        st.caption("Kortet har ingen baggrund (intet internet); bydelsnavnene viser, hvor man er.")


def office_table(found: list[geo.Site], place: geo.Place | None) -> None:
    """Beside the map: the nearest open offices from the chosen place, else every match."""
    if place is None:
        st.header(f"Kontorer ({len(found)})")
        rows = [_row(site) for site in sorted(found, key=lambda s: s.location.name.casefold())]
    else:
        answer = geo.nearest_open(found, place)
        st.header(f"Nærmeste åbne fra {md_escape(place.name)}")
        if place.estimate:
            st.caption("Afstanden måles fra et omtrentligt midtpunkt af området.")
        if answer.none_open:
            st.info(
                "Ingen af de valgte kontorer har åbent lige nu. Her er de nærmeste, "
                "med hvornår de åbner."
            )
        rows = [_row(n.site, n.distance_km) for n in answer.rows]
    if not rows:
        st.info("Ingen kontorer passer til filtrene. Fjern et filter for at se flere.")
        return
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={
            "Afstand (km)": st.column_config.NumberColumn("km", format="%.1f", width=44),
            "Kontor": st.column_config.TextColumn(width="medium"),
            "Status": st.column_config.TextColumn(width="medium"),
            "Ring": st.column_config.TextColumn(width="small"),
            "Enhed": st.column_config.LinkColumn(
                "Enhed", display_text="Åbn enheden", help="Den første enhed på adressen"
            ),
        },
    )


def _first_public(site: geo.Site) -> tuple[geo.UnitHere | None, str]:
    """The office's first unit, and the first public number of its units ('' if none)."""
    number = next((u.public_phone.display for u in site.units if u.public_phone), "")
    return (site.units[0] if site.units else None), number


def _row(site: geo.Site, distance: float | None = None) -> dict[str, object]:
    row: dict[str, object] = {}
    if distance is not None:
        row["Afstand (km)"] = round(distance, 1)
    first, number = _first_public(site)
    row |= {
        "Kontor": site.location.name,
        "Status": site.status.label if site.status else "",
        "Ring": number or "–",
        "Enhed": unit_href(first.unit.id) if first else None,
        "Enheder": ", ".join(u.unit.name for u in site.units) or "–",
        "Adresse": site.location.address.one_line(),
    }
    return row


MAX_LISTED = 60  # offices in the list alternative; filters narrow it


def office_list(found: list[geo.Site], place: geo.Place | None) -> None:
    """The map as a list (WCAG 1.1.1): every office with its address and status, and each
    unit there as a link with its public number (what the marker's popup shows). Nearest
    first when a place is chosen, else by name."""
    if place is not None:
        ordered = [n.site for n in geo.nearest(found, place, limit=len(found), open_only=False)]
    else:
        ordered = sorted(found, key=lambda s: s.location.name.casefold())
    title = f"Kontorerne som liste ({len(ordered)})"
    with st.expander(title, icon=":material/list:"), st.container(key="kontorliste"):
        if not ordered:
            st.caption("Ingen kontorer passer til filtrene.")
        lines = []
        for site in ordered[:MAX_LISTED]:
            status = f" · {md_escape(site.status.label)}" if site.status else ""
            lines.append(
                f"- **{md_escape(site.location.name)}**, "
                f"{md_escape(site.location.address.one_line())}{status}"
            )
            for here in site.units:
                phone = here.public_phone
                number = f" · Tlf. [{md_escape(phone.display)}]({phone.tel})" if phone else ""
                lines.append(
                    f"  - [{md_escape(here.unit.name)}]({unit_href(here.unit.id)}){number}"
                )
        st.markdown("\n".join(lines))
        if len(ordered) > MAX_LISTED:
            st.caption(
                f"Viser {MAX_LISTED} af {len(ordered)} kontorer. Brug filtrene for at "
                "finde de rigtige."
            )


def page() -> None:
    """The page (pages/kort.py is its adapter)."""
    directory = ui.serving.require_directory()
    st.title("Kort over kontorer og samarbejdspartnere")
    ui.serving.example_notice(directory)

    flt, place = filters(directory)
    found = geo.sites(directory, flt)

    map_col, list_col = st.columns([4, 3], gap="small")
    with map_col:
        show_map(directory, found, place)
    with list_col:
        office_table(found, place)
    office_list(found, place)

    homeless = geo.units_without_location(directory, flt)
    if homeless:
        st.caption(
            f"{len(homeless)} af de valgte enheder har ingen adresse i data og er ikke på "
            "kortet. Find dem under Søg."
        )
    st.caption(f"Åben/lukket gælder kl. {flt.moment():%H:%M} dansk tid, med helligdage.")
