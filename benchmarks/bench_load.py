"""Load + validate time and peak memory, against plain PyYAML (libyaml) on the same files.

Each measurement runs in its own Python process so that peak memory (ru_maxrss) belongs to
that measurement alone. The baseline is PyYAML's safe loader on libyaml (`CSafeLoader`)
reading every data file: what a loader without validation, line numbers or models would cost.
Cold runs use no disk cache; the warm rows read a cache filled by a run just before (the
restart of an app on unchanged data), against the cold figures. The
experiment row "validate_directory, gc off" disables the collector around the call; since
the loader now does that itself, the two rows should match. The rows that have a target
(issue 14) say in their note whether it is met, or by how much it misses.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Any

from benchmarks.common import data_dir, libyaml_safe_load, row, run_child, target_note, workdir

NAME = "load: validate_directory"
WARM = "load: validate_directory, warm disk cache"
FILL = "load: validate_directory, cold, writing the cache"
# Issue 14: cold validation CPU at most a third of CSafeLoader's at 10k units; at 50k units
# at most 600 MB peak (cold, cold writing the cache, and warm); a warm start well under 1 s.
CPU_RATIO, CPU_SIZE = 0.33, 10_000
PEAK_MB, PEAK_SIZE = 600, 50_000
WARM_S = 1.0


def child_validate(path: str, gc_mode: str = "on", cache: str = "") -> dict[str, Any]:
    """Validate in this process: cold (no disk cache) unless `cache` names a cache folder."""
    from directory.devtools.synth import ANCHOR
    from directory.loading.loader import validate_directory

    if gc_mode == "off":
        gc.disable()
    start, cpu = time.perf_counter(), time.process_time()
    result = validate_directory(path, today=ANCHOR, cache_dir=cache or None)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu_s": cpu,
        "errors": len(result.errors),
        "warnings": len(result.warnings),
    }


def child_yaml(path: str) -> dict[str, Any]:
    files = sorted(Path(path).rglob("*.yaml"))
    start, cpu = time.perf_counter(), time.process_time()
    for file in files:
        libyaml_safe_load(file.read_text(encoding="utf-8"))
    return {
        "seconds": time.perf_counter() - start,
        "cpu_s": time.process_time() - cpu,
        "files": len(files),
    }


def _peak_note(peak_mb: float, size: int) -> str:
    return target_note(
        f"target: <= {PEAK_MB} MB at 50k", peak_mb, PEAK_MB, applies=size == PEAK_SIZE
    )


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
        cpu = row(NAME, size, "cpu_s", ours["cpu_s"], base["cpu_s"] if base_ok else None)
        cpu["note"] = target_note(
            f"target: ratio <= {CPU_RATIO} at 10k (CPU time: steadier on a shared machine)",
            cpu["ratio"],
            CPU_RATIO,
            applies=size == CPU_SIZE,
        )
        rows.append(cpu)
        rows.append(
            row(
                NAME,
                size,
                "peak_rss_mb",
                ours["peak_rss_mb"],
                base["peak_rss_mb"] if base_ok else None,
                note=_peak_note(ours["peak_rss_mb"], size),
            )
        )
        # warm: a first run fills a fresh disk cache, the measured run reads it
        cache = workdir() / f"cache-{size}-{seed}"
        fill = run_child("benchmarks.bench_load:child_validate", str(path), "on", str(cache))
        warm = run_child("benchmarks.bench_load:child_validate", str(path), "on", str(cache))
        if "error" in fill or "error" in warm:
            rows.append(row(WARM, size, "error", warm.get("error") or fill.get("error")))
        else:
            rows.append(
                row(
                    WARM,
                    size,
                    "time_s",
                    warm["seconds"],
                    ours["seconds"],
                    note="baseline: cold validation; "
                    + target_note(f"target: under {WARM_S:g} s", warm["seconds"], WARM_S),
                )
            )
            rows.append(
                row(
                    WARM,
                    size,
                    "peak_rss_mb",
                    warm["peak_rss_mb"],
                    ours["peak_rss_mb"],
                    note="baseline: cold validation; " + _peak_note(warm["peak_rss_mb"], size),
                )
            )
            rows.append(
                row(
                    FILL,
                    size,
                    "time_s",
                    fill["seconds"],
                    ours["seconds"],
                    note="baseline: cold without the cache",
                )
            )
            rows.append(
                row(
                    FILL,
                    size,
                    "peak_rss_mb",
                    fill["peak_rss_mb"],
                    ours["peak_rss_mb"],
                    note="baseline: cold without the cache; "
                    + _peak_note(fill["peak_rss_mb"], size),
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
