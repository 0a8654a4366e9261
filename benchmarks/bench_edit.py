"""Editing in the app: saving one edit, the reload after it, and a unit's first Historik.

A generated directory is committed to a fresh git repository; a child process loads it
as the app does (a cold validation that fills a fresh disk cache), saves one description
edit with `Editor.save`, then loads it again (the page after the save). The baseline of
both is one cold validation of the same directory (no disk cache), measured in the same
run. Times are CPU seconds of the process and its git children (steadier than wall time
on a shared machine); wall seconds are in the rows with `time_s`. A save includes storing
its validation in the disk cache (a pickle, as a cold load of the app also writes); that
part is a row of its own.

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

from benchmarks.common import libyaml_safe_load, row, run_child, workdir

SAVE = "edit: Editor.save, one description"
RELOAD = "edit: load after the save"
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
    """Load as the app does (filling the cache), save one edit, load again."""
    from directory.devtools.synth import ANCHOR
    from directory.editing import Author, Editor
    from directory.editing import editor as editor_module
    from directory.loading.loader import validate_directory

    first = validate_directory(path, today=ANCHOR, cache_dir=cache)
    assert first.ok and first.directory is not None, first.errors[:3]
    stored: list[float] = []
    real_remember = editor_module.remember

    def remember(*args: Any, **kwargs: Any) -> None:  # times the save's cache write
        cpu = _cpu()
        real_remember(*args, **kwargs)
        stored.append(_cpu() - cpu)

    editor_module.remember = remember
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
    return {
        "save_s": save_s,
        "save_cpu_s": save_cpu,
        "store_cpu_s": sum(stored),
        "reload_s": time.perf_counter() - start,
        "reload_cpu_s": _cpu() - cpu,
    }


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
        if "error" in base or "error" in save:
            rows.append(row(SAVE, size, "error", save.get("error") or base.get("error")))
        else:
            note = "baseline: one cold validation of the same directory"
            for name, key in ((SAVE, "save"), (RELOAD, "reload")):
                rows.append(
                    row(name, size, "cpu_s", save[f"{key}_cpu_s"], base["cpu_s"], note=note)
                )
                rows.append(row(name, size, "time_s", save[f"{key}_s"], base["seconds"], note=note))
            rows.append(
                row(
                    SAVE + ", of it the cache write",
                    size,
                    "cpu_s",
                    save["store_cpu_s"],
                    save["save_cpu_s"],
                    note="baseline: the whole save; the write makes the next load a cache hit",
                )
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
