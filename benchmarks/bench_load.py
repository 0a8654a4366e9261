"""Load + validate time and peak memory, against plain PyYAML (libyaml) on the same files.

Each measurement runs in its own Python process so that peak memory (ru_maxrss) belongs to
that measurement alone. The baseline is PyYAML's safe loader on libyaml (`CSafeLoader`)
reading every data file: what a loader without validation, line numbers or models would cost. The
experiment row "validate_directory, gc off" disables the collector around the call; since
the loader now does that itself, the two rows should match.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Any

from benchmarks.common import data_dir, libyaml_safe_load, row, run_child

NAME = "load: validate_directory"


def child_validate(path: str, gc_mode: str = "on") -> dict[str, Any]:
    from directory.devtools.synth import ANCHOR
    from directory.loading.loader import validate_directory

    if gc_mode == "off":
        gc.disable()
    start = time.perf_counter()
    result = validate_directory(path, today=ANCHOR)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "errors": len(result.errors), "warnings": len(result.warnings)}


def child_yaml(path: str) -> dict[str, Any]:
    files = sorted(Path(path).rglob("*.yaml"))
    start = time.perf_counter()
    for file in files:
        libyaml_safe_load(file.read_text(encoding="utf-8"))
    return {"seconds": time.perf_counter() - start, "files": len(files)}


def _megabytes(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*.yaml")) / 1e6


def run(sizes: list[int], seed: int = 0) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for size in sizes:
        path = data_dir(size, seed)
        ours = run_child("benchmarks.bench_load:child_validate", str(path))
        base = run_child("benchmarks.bench_load:child_yaml", str(path))
        no_gc = run_child("benchmarks.bench_load:child_validate", str(path), "off")
        rows.append(row("load: data size", size, "yaml_mb", round(_megabytes(path), 1)))
        if "error" in ours:
            rows.append(row(NAME, size, "error", ours["error"]))
            continue
        base_ok = "error" not in base
        rows.append(
            row(
                NAME,
                size,
                "time_s",
                ours["seconds"],
                base["seconds"] if base_ok else None,
                note="baseline: libyaml safe loader, same files",
            )
        )
        rows.append(
            row(
                NAME,
                size,
                "peak_rss_mb",
                ours["peak_rss_mb"],
                base["peak_rss_mb"] if base_ok else None,
            )
        )
        rows.append(row(NAME, size, "errors", ours["errors"], note=f"{ours['warnings']} warnings"))
        if "error" not in no_gc:
            rows.append(
                row(
                    "load: validate_directory, gc off (experiment)",
                    size,
                    "time_s",
                    no_gc["seconds"],
                    ours["seconds"],
                    note="baseline: gc on",
                )
            )
    return rows
