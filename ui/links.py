"""Links and assets: a unit's and a forvaltning's shareable link, files of the repository
the app serves (favicon, vendored Leaflet), the app's title."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

APP_TITLE = "Kommunalt landkort"


def unit_href(unit_id: str) -> str:
    """Relative link to a unit's page, usable in markdown and shared in a chat."""
    return f"enhed?id={quote(unit_id)}"


def department_href(department_id: str) -> str:
    return f"oversigt?forvaltning={quote(department_id)}"


def asset_path(*parts: str) -> Path:
    return Path(__file__).resolve().parent.parent.joinpath(*parts)
