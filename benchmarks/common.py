"""Timing helpers shared by the benchmark modules.

Every benchmark module exposes `run(sizes: list[int], seed: int) -> list[dict]`; each dict is
one row of the table made with `row()`: name, size, metric, value, and where a baseline was
measured in the same run, baseline and ratio (value / baseline).

`data_dir(size, seed)` gives a generated data directory of `size` units, written once per
run into a temporary folder and shared by all modules (cache by size and seed).
"""

from __future__ import annotations

import atexit
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

_cache: dict[tuple[int, int], Path] = {}
_workdir: Path | None = None


def workdir() -> Path:
    """A temporary folder for this run, removed when the process exits."""
    global _workdir
    if _workdir is None:
        _workdir = Path(tempfile.mkdtemp(prefix="landkort-bench-"))
        atexit.register(shutil.rmtree, _workdir, ignore_errors=True)
    return _workdir


def data_dir(size: int, seed: int = 0) -> Path:
    """A generated data directory of `size` units (made once per run)."""
    from directory.devtools.synth import synth_directory

    key = (size, seed)
    if key not in _cache:
        target = workdir() / f"synth-{size}-{seed}"
        synth_directory(target, size, seed)
        _cache[key] = target
    return _cache[key]


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux /proc): a figure the
    other processes on a shared machine do not change."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def row(
    name: str,
    size: int | str,
    metric: str,
    value: float | int | str | None,
    baseline: float | int | None = None,
    *,
    note: str = "",
) -> dict[str, Any]:
    """One table row; the ratio is value / baseline when both are numbers."""
    ratio = None
    if isinstance(value, int | float) and isinstance(baseline, int | float) and baseline:
        ratio = value / baseline
    return {
        "name": name,
        "size": size,
        "metric": metric,
        "value": value,
        "baseline": baseline,
        "ratio": ratio,
        "note": note,
    }


def target_note(target: str, value: float | None, limit: float, *, applies: bool = True) -> str:
    """A row's note: its target and whether the row meets it (`value <= limit`): 'met', or
    by how much it misses; where the target is set for another size, it says so."""
    if not applies:
        return f"{target} (set for another size)"
    if value is None:
        return f"{target}: not measured"
    if value <= limit:
        return f"{target}: met"
    return f"{target}: missed by {(value / limit - 1) * 100:.0f}%"


def libyaml_safe_load(text: str) -> Any:
    """PyYAML's safe loader on libyaml (CSafeLoader): the fast, safe baseline reader."""
    import yaml

    loader = yaml.CSafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """The best wall time in seconds over `repeat` calls, and the last result."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000 if samples else float("nan")


_CHILD = """
import json, resource, sys, time
from {module} import {function} as fn
result = fn(*sys.argv[1:])
result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("BENCH-RESULT " + json.dumps(result))
"""


def run_child(target: str, *args: str, timeout: float = 1800) -> dict[str, Any]:
    """Call `module:function(*args)` in a fresh Python and return its dict result.

    A fresh process per measurement makes peak memory (ru_maxrss, added to the result as
    `peak_rss_mb`) honest: nothing from an earlier measurement is still allocated.
    On failure the result is `{"error": "..."}`.
    """
    module, function = target.split(":")
    code = _CHILD.format(module=module, function=function)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("BENCH-RESULT "):
            return json.loads(line.removeprefix("BENCH-RESULT "))
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {"error": f"exit {proc.returncode}: {tail}"}
