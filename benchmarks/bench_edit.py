"""Editing in the app: saving one edit, the reload after it, a restart, and a unit's first
Historik.

A generated directory is committed to a fresh git repository; a child process loads it
as the app does (a cold validation that fills a fresh disk cache), saves one description
edit with `Editor.save` (the changed file validated against the rest of the directory,
`directory.loading.incremental`), then loads it again (the page after the save: the new
version is kept in the process). The new version's disk-cache entry is written in the
background after the save returns; its row is the CPU of waiting for it. A second child
then starts fresh on the saved data (a restart: the disk cache). The baseline of all of
them is one cold validation of the same directory (no disk cache), measured in the same
run. Times are CPU seconds of the process and its git children (steadier than wall time
on a shared machine); wall seconds are in the rows with `time_s`.

Targets (issue 25): a one-field save at most a quarter of a cold validation at 10,000
units, at most 3 s at 50,000; a restart on unchanged data stays cache-fast.

For Historik, the repository gets a history first (`COMMITS` commits, one in four editing
the unit or its referrals, the others other units in the same and other files), then
`Editor.history` runs twice in one process: the first view, and the next one (the blobs
read before are not read again). Its baseline is reading the unit's own file once with
libyaml, the cost of one whole-file parse (the old history parsed two per commit).
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import time
from pathlib import Path
from typing import Any

from benchmarks.common import libyaml_safe_load, row, run_child, target_note, workdir

SAVE = "edit: Editor.save, one description"
RELOAD = "edit: load after the save"
STORE = "edit: the new version's disk-cache entry, written after the save"
RESTART = "edit: a restart after the save (disk cache)"
HISTORY = "edit: Editor.history, first view"
HISTORY_AGAIN = "edit: Editor.history, next view"
COMMITS = 50
_START = re.compile(r'^- id: "([^"]+)"$', re.M)


def _git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        **dict.fromkeys(("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"), "Bench"),
        **dict.fromkeys(("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"), "bench@example.org"),
    }
    done = subprocess.run(
        ["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def _cpu() -> float:
    """CPU seconds of this process and its finished children (git)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def make_repo(size: int, seed: int, commits: int = 0) -> tuple[Path, str]:
    """A generated data directory committed to git (and `commits` more commits); returns
    it and the unit whose history the commits write."""
    from directory.devtools.synth import ANCHOR, synth_directory

    root = workdir() / f"edit-{size}-{seed}-{commits}" / "data"
    synth_directory(root, size, seed, today=ANCHOR)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "Initial data")
    files = sorted((root / "units").glob("*.yaml"))
    target = _START.findall(files[0].read_text(encoding="utf-8"))[0]
    for i in range(commits):
        if i % 8 == 3:  # one of the target's referrals
            _edit_referral(root, target, i)
        else:
            file = files[0] if i % 4 == 0 else files[i % len(files)]
            ids = _START.findall(file.read_text(encoding="utf-8"))
            unit = target if i % 4 == 0 else ids[(i * 7) % len(ids)]
            _edit_description(file, unit, i)
        _git(root, "commit", "-qam", f"Bench edit {i}")
    return root, target


def _edit_description(file: Path, unit: str, i: int) -> None:
    text = file.read_text(encoding="utf-8")
    start = text.index(f'- id: "{unit}"\n')
    nxt = _START.search(text, start + 1)
    end = nxt.start() if nxt else len(text)
    record = text[start:end]
    new = re.sub(r"^  description: .*$", f'  description: "Rettet {i}."', record, flags=re.M)
    if new == record:
        new = record.replace("\n", f'\n  description: "Rettet {i}."\n', 1)
    file.write_text(text[:start] + new + text[end:], encoding="utf-8")


def _edit_referral(root: Path, unit: str, i: int) -> None:
    for file in sorted((root / "referrals").glob("*.yaml")):
        text = file.read_text(encoding="utf-8")
        at = text.find(f'- from: "{unit}"\n')
        if at >= 0:
            line_end = text.index("\n", text.index("\n  needs:", at) + 1)
            line_start = text.rindex("\n", 0, line_end) + 1
            text = text[:line_start] + f'  needs: ["behov {i}"]' + text[line_end:]
            file.write_text(text, encoding="utf-8")
            return
    _edit_description(sorted((root / "units").glob("*.yaml"))[0], unit, i)


def child_save(path: str, cache: str) -> dict[str, Any]:
    """Load as the app does (filling the cache), save one edit, load again, wait for the
    disk-cache entry of the new version."""
    from directory.devtools.synth import ANCHOR
    from directory.editing import Author, Editor
    from directory.loading.loader import flush_cache_writes, validate_directory

    first = validate_directory(path, today=ANCHOR, cache_dir=cache)
    assert first.ok and first.directory is not None, first.errors[:3]
    flush_cache_writes()
    editor = Editor(path, today=ANCHOR, cache_dir=cache)
    state = editor.open(sorted(first.directory.units)[len(first.directory.units) // 2])
    record = {**state.record, "description": "Rettet i benchmark."}
    start, cpu = time.perf_counter(), _cpu()
    result = editor.save(state, record, state.referrals, Author("Bench", "bench@example.org"))
    save_s, save_cpu = time.perf_counter() - start, _cpu() - cpu
    assert result.sha is not None
    start, cpu = time.perf_counter(), _cpu()
    after = validate_directory(path, today=ANCHOR, cache_dir=cache)
    assert after.ok
    reload_s, reload_cpu = time.perf_counter() - start, _cpu() - cpu
    start, cpu = time.perf_counter(), _cpu()
    flush_cache_writes()
    return {
        "save_s": save_s,
        "save_cpu_s": save_cpu,
        "reload_s": reload_s,
        "reload_cpu_s": reload_cpu,
        "store_s": time.perf_counter() - start,
        "store_cpu_s": _cpu() - cpu,
    }


def child_restart(path: str, cache: str) -> dict[str, Any]:
    """A fresh process on the saved data: the disk cache has the version the save made."""
    from directory.devtools.synth import ANCHOR
    from directory.loading import loader

    runs: list[int] = []
    real = loader._Checker.run

    def counted(self: Any) -> Any:
        runs.append(1)
        return real(self)

    loader._Checker.run = counted  # type: ignore[method-assign]
    start, cpu = time.perf_counter(), _cpu()
    result = loader.validate_directory(path, today=ANCHOR, cache_dir=cache)
    assert result.ok
    return {"seconds": time.perf_counter() - start, "cpu_s": _cpu() - cpu, "cold": len(runs)}


def child_history(path: str, unit: str) -> dict[str, Any]:
    from directory.editing import Editor

    editor = Editor(path)
    out: dict[str, Any] = {}
    for name in ("first", "next"):
        start, cpu = time.perf_counter(), _cpu()
        entries = editor.history(unit)
        out[f"{name}_s"], out[f"{name}_cpu_s"] = time.perf_counter() - start, _cpu() - cpu
        out["entries"] = len(entries)
    file = next(
        f for f in sorted(Path(path, "units").glob("*.yaml")) if f'- id: "{unit}"' in f.read_text()
    )
    start, cpu = time.perf_counter(), _cpu()
    libyaml_safe_load(file.read_text(encoding="utf-8"))
    out["parse_s"], out["parse_cpu_s"] = time.perf_counter() - start, _cpu() - cpu
    return out


def child_validate(path: str) -> dict[str, Any]:
    """One cold validation (no disk cache): the baseline of a save."""
    from directory.devtools.synth import ANCHOR
    from directory.loading.loader import validate_directory

    start, cpu = time.perf_counter(), _cpu()
    result = validate_directory(path, today=ANCHOR)
    assert result.ok
    return {"seconds": time.perf_counter() - start, "cpu_s": _cpu() - cpu}


def run(sizes: list[int], seed: int = 0) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for size in sizes:
        commits = COMMITS if size >= 1000 else 10
        root, unit = make_repo(size, seed, commits)
        base = run_child("benchmarks.bench_edit:child_validate", str(root))
        cache = workdir() / f"edit-cache-{size}-{seed}"
        save = run_child("benchmarks.bench_edit:child_save", str(root), str(cache))
        history = run_child("benchmarks.bench_edit:child_history", str(root), unit)
        restart = run_child("benchmarks.bench_edit:child_restart", str(root), str(cache))
        if "error" in base or "error" in save or "error" in restart:
            error = save.get("error") or base.get("error") or restart.get("error")
            rows.append(row(SAVE, size, "error", error))
        else:
            note = "baseline: one cold validation of the same directory"
            ratio = save["save_cpu_s"] / base["cpu_s"] if base["cpu_s"] else None
            targets = {
                10000: target_note("target <= 0.25 of a cold validation", ratio, 0.25),
                50000: target_note("target <= 3 s", save["save_s"], 3.0),
            }
            save_note = f"{note}; {targets[size]}" if size in targets else note
            rows.append(row(SAVE, size, "cpu_s", save["save_cpu_s"], base["cpu_s"], note=save_note))
            rows.append(row(SAVE, size, "time_s", save["save_s"], base["seconds"], note=save_note))
            for name, key in ((RELOAD, "reload"), (STORE, "store")):
                rows.append(
                    row(name, size, "cpu_s", save[f"{key}_cpu_s"], base["cpu_s"], note=note)
                )
                rows.append(row(name, size, "time_s", save[f"{key}_s"], base["seconds"], note=note))
            restart_note = (
                f"{note}; a cold validation in the restart: {'yes' if restart['cold'] else 'no'}"
            )
            rows.append(
                row(RESTART, size, "cpu_s", restart["cpu_s"], base["cpu_s"], note=restart_note)
            )
            rows.append(
                row(RESTART, size, "time_s", restart["seconds"], base["seconds"], note=restart_note)
            )
        if "error" in history:
            rows.append(row(HISTORY, size, "error", history["error"]))
            continue
        note = f"{commits} commits; baseline: one libyaml parse of the unit's file"
        for name, key in ((HISTORY, "first"), (HISTORY_AGAIN, "next")):
            rows.append(
                row(name, size, "cpu_s", history[f"{key}_cpu_s"], history["parse_cpu_s"], note=note)
            )
            rows.append(
                row(name, size, "time_s", history[f"{key}_s"], history["parse_s"], note=note)
            )
        rows.append(row(HISTORY, size, "entries", history["entries"], note=f"{commits} commits"))
    return rows
