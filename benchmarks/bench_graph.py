"""Referral graph benchmark: the analyses, the figures and the page Henvisningsveje.

For each size (generated data, `directory.devtools.synth`, about 3 referrals per unit) it reports:
- the time to build `ReferralGraph`, and each analysis: betweenness (sampled above 1,000
  units; baseline: exact betweenness, up to 2,000 units), loops of at most 4 units
  (`short_cycles`; baseline: `networkx.simple_cycles(length_bound=4)`, up to 2,000 units),
  hubs + dead ends + unreachable + bus factor + matrix, and one path query (median);
- the whole-graph figure the page draws (aggregated to forvaltninger) against drawing every
  unit (the baseline): build time and JSON size sent to the browser;
- a unit's neighbourhood figure (depth 2 around the biggest hub);
- the page itself under AppTest, in a fresh process: the first run (load, validate, build
  the graph, draw), a rerun, and opening the tabs "Knudepunkter" and "Sløjfer".

`python -m benchmarks.bench_graph [--sizes 2000] [--seed 0]` runs it alone.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import data_dir, row, run_child, timed

ROOT = Path(__file__).resolve().parent.parent

BASELINE_LIMIT = 2000  # exact betweenness and networkx cycles only up to this many units
PAGE = "pages/henvisningsveje.py"


def child_page(path: str) -> dict[str, Any]:
    """Time the page under AppTest on a data directory (run in a fresh process)."""
    import os

    os.environ["LANDKORT_DATA"] = path
    from streamlit.testing.v1 import AppTest

    import ui.henvisningsveje

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    at.switch_page(PAGE)
    out: dict[str, Any] = {}

    def step(name: str) -> None:
        start = time.perf_counter()
        at.run()
        out[name] = time.perf_counter() - start
        if at.exception:
            raise RuntimeError(at.exception[0].value)

    step("first_run")
    step("rerun")
    out["aggregated"] = any(
        el.proto.id.endswith(ui.henvisningsveje.DEPARTMENT_CHART_KEY)
        for el in at.get("plotly_chart")
    )
    for label in ("Knudepunkter", "Sløjfer"):
        at.session_state[ui.henvisningsveje.TABS_KEY] = label
        step(f"tab {label}")
    return out


def _analyses(size: int, seed: int) -> list[dict[str, Any]]:
    import networkx as nx

    from directory.devtools.synth import ANCHOR
    from directory.graph.analysis import ReferralGraph, short_cycles
    from directory.loading.loader import load_directory
    from ui.present import graph_plot as gp

    directory = load_directory(data_dir(size, seed), today=ANCHOR)
    rows = []
    build_s, rg = timed(lambda: ReferralGraph(directory))
    g = rg.graph
    note = f"{len(g)} units, {g.number_of_edges()} links"
    rows.append(row("graph: build ReferralGraph", size, "time_s", build_s, note=note))

    small = size <= BASELINE_LIMIT
    between_s, _ = timed(lambda: rg.betweenness)
    exact_s = timed(lambda: nx.betweenness_centrality(g))[0] if small else None
    sample = f"sampled k={rg.betweenness_sample}" if rg.betweenness_sample else "exact"
    rows.append(
        row(
            "graph: betweenness",
            size,
            "time_s",
            between_s,
            exact_s,
            note=f"{sample}; baseline: exact" if small else sample,
        )
    )

    cycles_s, cycles = timed(lambda: short_cycles(g, 4))
    nx_s = timed(lambda: list(nx.simple_cycles(g, length_bound=4)))[0] if small else None
    rows.append(
        row(
            "graph: loops <= 4 units",
            size,
            "time_s",
            cycles_s,
            nx_s,
            note=f"{len(cycles)} loops; baseline: nx.simple_cycles(length_bound=4)",
        )
    )

    def rest() -> None:
        rg.hubs(15), rg.bottlenecks(15), rg.dead_ends(), rg.unreachable_from_front_doors()
        rg.bus_factor_risks(), rg.department_matrix()

    rows.append(
        row(
            "graph: hubs, dead ends, unreachable, bus factor, matrix",
            size,
            "time_s",
            timed(rest)[0],
        )
    )

    rng = random.Random(seed)
    ids = sorted(g)
    samples = []
    for _ in range(20):
        a, b = rng.sample(ids, 2)
        samples.append(timed(lambda a=a, b=b: rg.shortest_paths(a, b, k=3))[0])
    rows.append(
        row(
            "graph: path query, 3 paths (median)",
            size,
            "time_ms",
            statistics.median(samples) * 1000,
        )
    )

    agg_s, agg = timed(lambda: gp.department_figure(rg))
    if len(g) <= 20000:
        all_s, everything = timed(lambda: gp.unit_figure(rg, g))
        all_kb = len(everything.to_json()) / 1000
    else:
        all_s = all_kb = None
    rows.append(
        row(
            "graph: whole-graph figure",
            size,
            "time_s",
            agg_s,
            all_s,
            note="aggregated to forvaltninger; baseline: every unit drawn",
        )
    )
    rows.append(
        row("graph: whole-graph figure", size, "json_kb", len(agg.to_json()) / 1000, all_kb)
    )

    hub = rg.hubs(1)[0].unit_id
    hood = rg.neighbourhood(hub, 2)
    hood_s, _ = timed(lambda: gp.unit_figure(rg, hood, focus=hub))
    rows.append(
        row(
            "graph: neighbourhood figure (depth 2, biggest hub)",
            size,
            "time_s",
            hood_s,
            note=f"{len(hood)} units",
        )
    )
    return rows


def run(sizes: list[int], seed: int = 0) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for size in sizes:
        rows += _analyses(size, seed)
        page = run_child("benchmarks.bench_graph:child_page", str(data_dir(size, seed)))
        if "error" in page:
            rows.append(row("graph: page Henvisningsveje", size, "error", page["error"]))
            continue
        view = "forvaltninger" if page["aggregated"] else "units"
        rows.append(
            row(
                "graph: page Henvisningsveje, first run",
                size,
                "time_s",
                page["first_run"],
                note=f"AppTest; load + validate + graph; whole view drawn as {view}",
            )
        )
        rows.append(row("graph: page Henvisningsveje, rerun", size, "time_s", page["rerun"]))
        for label in ("Knudepunkter", "Sløjfer"):
            rows.append(
                row(
                    f"graph: page, open tab {label} (first time)",
                    size,
                    "time_s",
                    page[f"tab {label}"],
                )
            )
        rows.append(row("graph: page Henvisningsveje", size, "peak_rss_mb", page["peak_rss_mb"]))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_graph", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--sizes", default="2000", help="unit counts, comma-separated (default 2000)"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    for r in run(sizes, args.seed):
        value = f"{r['value']:.4g}" if isinstance(r["value"], float) else r["value"]
        base = f"  baseline {r['baseline']:.4g}" if isinstance(r["baseline"], int | float) else ""
        print(f"{r['name']:<60} {r['size']:>6} {r['metric']:<12} {value}{base}  {r['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
