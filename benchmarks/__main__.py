"""`python -m benchmarks [--quick] [--sizes 1000,10000,50000] [--seed 0] [--out FILE] [--only a,b]`.

Runs every benchmark module that exists (load, search, relevance, graph, map, app, sessions,
edit), prints
one table (name, size, metric, value, baseline, ratio) and saves it as JSON (default
benchmarks/results/latest.json). `--quick` is a smoke run on tiny data without the browser:
it checks that the harness works, its figures mean nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import math
import os
import platform
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, row
from directory.loading.safefile import atomic_write

# (short name, module); every one exists.
MODULES = [
    ("load", "benchmarks.bench_load"),
    ("search", "benchmarks.bench_search"),
    ("relevance", "benchmarks.bench_relevance"),
    ("graph", "benchmarks.bench_graph"),
    ("map", "benchmarks.bench_map"),
    ("app", "benchmarks.bench_app"),
    ("sessions", "benchmarks.bench_sessions"),
    ("edit", "benchmarks.bench_edit"),
]
BROWSER_MODULES = {"app"}
DEFAULT_SIZES = [1000, 10000, 50000]
QUICK_SIZES = [40]
COLUMNS = ("name", "size", "metric", "value", "baseline", "ratio")


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: write sizes as whole numbers separated by commas, e.g. 1000,10000"
        ) from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give at least one size of 1 or more")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n\n")[1]
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes, no browser: a smoke run of the harness"
    )
    parser.add_argument(
        "--sizes", type=_sizes, help="unit counts, comma-separated (default 1000,10000,50000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "benchmarks" / "results" / "latest.json",
        help="where to save the JSON (default benchmarks/results/latest.json)",
    )
    parser.add_argument(
        "--only", help="comma-separated benchmark names: " + ", ".join(n for n, _ in MODULES)
    )
    return parser


def run_all(
    sizes: list[int], seed: int, only: set[str] | None, browser: bool
) -> tuple[list[dict[str, Any]], list[str]]:
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for name, module_name in MODULES:
        if only is not None and name not in only:
            continue
        if name in BROWSER_MODULES and not browser:
            notes.append(f"{name}: skipped (--quick runs no browser)")
            continue
        module = importlib.import_module(module_name)  # a missing module is an error
        started = time.perf_counter()
        print(f"running {name} on sizes {sizes} …", file=sys.stderr, flush=True)
        try:
            produced = module.run(list(sizes), seed)
        except Exception as exc:  # one failing benchmark must not lose the others' figures
            traceback.print_exc(file=sys.stderr)
            produced = [row(name, "-", "error", f"{type(exc).__name__}: {exc}")]
        rows.extend(normalise(produced))
        notes.append(f"{name}: {time.perf_counter() - started:.1f} s")
    return rows, notes


_ID_KEYS = ("benchmark", "name", "dataset", "engine", "units", "size")


def normalise(produced: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Bring every module's rows into the table's long shape.

    A long row has `metric` and `value` (see `benchmarks.common.row`); missing keys are
    filled and the ratio worked out. A wide row (one dict per engine with several numeric
    metrics, e.g. `{"benchmark": "search", "engine": "SearchIndex", "units": 1000,
    "build_s": 0.2, "p95_ms": 3.1}`) becomes one row per metric; a wide row whose engine
    or name mentions "baseline" gives the baseline of the other rows with the same
    benchmark, dataset and size.
    """
    out: list[dict[str, Any]] = []
    baselines: dict[tuple[Any, ...], dict[str, Any]] = {}
    wide: list[dict[str, Any]] = []
    for item in produced:
        if "metric" in item:
            result = row(
                str(item.get("name", "?")),
                item.get("size", ""),
                str(item["metric"]),
                item.get("value"),
                item.get("baseline"),
                note=str(item.get("note", "")),
            )
            if item.get("ratio") is not None:
                result["ratio"] = item["ratio"]
            out.append(result)
        elif "baseline" in f"{item.get('engine', '')} {item.get('name', '')}".lower():
            baselines[_group(item)] = item
        else:
            wide.append(item)
    for item in wide:
        base = baselines.pop(_group(item), {})
        label = ": ".join(str(item[k]) for k in ("benchmark", "name", "engine") if item.get(k))
        dataset = str(item.get("dataset", ""))
        size = item.get("units", item.get("size", dataset))
        if dataset and not dataset.endswith(str(size)):
            label += f" [{dataset}]"
        note = f"baseline: {base.get('engine') or base.get('name')}" if base else ""
        for key, value in item.items():
            if (
                key not in _ID_KEYS
                and isinstance(value, int | float)
                and not isinstance(value, bool)
            ):
                baseline = base.get(key)
                out.append(
                    row(
                        label,
                        size,
                        key,
                        value,
                        baseline if isinstance(baseline, int | float) else None,
                        note=note,
                    )
                )
    for base in baselines.values():  # a baseline with nothing to compare to: show it as it is
        label = ": ".join(str(base[k]) for k in ("benchmark", "name", "engine") if base.get(k))
        size = base.get("units", base.get("size", ""))
        out.extend(
            row(label, size, k, v)
            for k, v in base.items()
            if k not in _ID_KEYS and isinstance(v, int | float) and not isinstance(v, bool)
        )
    return out


def _group(item: dict[str, Any]) -> tuple[Any, ...]:
    return (item.get("benchmark"), item.get("dataset"), item.get("units", item.get("size")))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if value == 0 or abs(value) >= 100:
            return f"{value:.0f}"
        return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def format_table(rows: list[dict[str, Any]]) -> str:
    cells = [list(COLUMNS)] + [[_cell(r.get(c)) for c in COLUMNS] for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = []
    for n, line in enumerate(cells):
        lines.append(
            "  ".join(
                v.rjust(w) if i >= 3 else v.ljust(w)
                for i, (v, w) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def save(path: Path, payload: dict[str, Any]) -> None:
    """Write the JSON atomically (`directory.loading.safefile.atomic_write`)."""
    atomic_write(path, json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    sizes = args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES)
    only = {part.strip() for part in args.only.split(",")} if args.only else None
    if only is not None and (unknown := only - {n for n, _ in MODULES}):
        print(
            f"error: unknown benchmark(s) {', '.join(sorted(unknown))}: choose from "
            + ", ".join(n for n, _ in MODULES),
            file=sys.stderr,
        )
        return 1
    started = dt.datetime.now(dt.UTC)
    rows, notes = run_all(sizes, args.seed, only, browser=not args.quick)
    print(format_table(rows))
    for note in notes:
        print(f"# {note}")
    payload = {
        "started": started.isoformat(timespec="seconds"),
        "quick": args.quick,
        "sizes": sizes,
        "seed": args.seed,
        "python": sys.version.split()[0],
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "rows": rows,
        "notes": notes,
    }
    save(args.out, payload)
    print(f"# saved {args.out}")
    return 1 if any(r["metric"] == "error" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
