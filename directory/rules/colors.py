"""Department colours: the one palette of the map and the referral graph.

A department's `color` from departments.yaml wins; a department without one gets a fixed
palette colour by its position in the file, so the map's markers and legend and the graph's
nodes and legend show a forvaltning in the same colour.
"""

from __future__ import annotations

from directory.model import Directory

# Plotly's D3 palette followed by Paul Tol's colour-blind-safe one, as #rrggbb.
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#88ccee",
    "#cc6677",
    "#ddcc77",
    "#117733",
    "#332288",
    "#aa4499",
    "#44aa99",
    "#999933",
    "#882255",
    "#661100",
    "#888888",
)


def department_colors(directory: Directory) -> dict[str, str]:
    """Every department's colour, by id, in file order."""
    return {
        dep_id: dep.color or PALETTE[index % len(PALETTE)]
        for index, (dep_id, dep) in enumerate(directory.departments.items())
    }


def department_color(directory: Directory, department_id: str) -> str:
    """One department's colour (its `color`, else the palette's by file position)."""
    return department_colors(directory)[department_id]
