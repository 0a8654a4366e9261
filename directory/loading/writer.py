"""Writing a data directory: YAML the loader reads back exactly as written, and a whole
directory put in place in one rename (a reader never sees half of it).

`to_yaml` writes every string in double quotes (a JSON string is a YAML double-quoted
string), so nothing YAML 1.1 would misread (`8:30`, `no`, `012345`) can reach the loader;
dates (`2026-09-01`) are written bare, as the data files write them. The generator
(`landkort synth`) and the HSDS import (`landkort import hsds`) write through this module.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from json.encoder import encode_basestring as _quote  # a JSON string is a YAML "string"
from pathlib import Path
from typing import Any

from directory.loading.safefile import fsync_dir


def scalar(value: Any) -> str:
    """One value as YAML: strings quoted (dates bare), numbers as written."""
    if type(value) is str:
        return value if _is_date(value) else _quote(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return _quote(str(value))


def _is_date(value: str) -> bool:
    return (
        len(value) == 10
        and value[4] == "-"
        and value[7] == "-"
        and value.replace("-", "").isdigit()
    )


def _emit(lines: list[str], value: dict[str, Any], indent: int) -> None:
    """Append block YAML for a mapping's entries at `indent` spaces."""
    pad = " " * indent
    for key, item in value.items():
        if isinstance(item, dict):  # small mappings of scalars (address, age) in flow style
            lines.append(
                f"{pad}{key}: {{{', '.join(f'{k}: {scalar(v)}' for k, v in item.items())}}}"
            )
        elif isinstance(item, list) and item and isinstance(item[0], dict):
            lines.append(f"{pad}{key}:")
            _emit_list(lines, item, indent + 2)
        elif isinstance(item, list):
            lines.append(f"{pad}{key}: [{', '.join(scalar(v) for v in item)}]")
        else:
            lines.append(f"{pad}{key}: {scalar(item)}")


def _emit_list(lines: list[str], items: Iterable[dict[str, Any]], indent: int) -> None:
    pad = " " * indent
    for item in items:
        start = len(lines)
        _emit(lines, item, indent + 2)
        lines[start] = f"{pad}- {lines[start][indent + 2 :]}"


def to_yaml(
    top_key: str,
    records: list[dict[str, Any]],
    header: dict[str, Any] | None = None,
    *,
    comment: str,
) -> str:
    """A data file: a comment line, optional `x-` keys, then the top-level key with its list."""
    lines = [f"# {comment}"]
    for key, value in (header or {}).items():
        lines.append(f"{key}: {scalar(value)}")
    if not records:
        lines.append(f"{top_key}: []")
    else:
        lines.append(f"{top_key}:")
        _emit_list(lines, records, 0)
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> int:
    data = text.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return len(data)


def check_target(target: Path, *, overwrite: bool) -> None:
    """Refuse a target that is a file, or a non-empty folder unless `overwrite`."""
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"{target} er en fil: skriv en mappe, som datamappen kan skrives i")
    if target.is_dir() and any(target.iterdir()) and not overwrite:
        raise FileExistsError(
            f"{target} er ikke tom: vælg en ny mappe, eller brug --force for at erstatte den"
        )


def staging_dir(target: Path, what: str) -> Path:
    """A new empty folder next to `target` to write a directory into before `put_in_place`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.{what}-", dir=target.parent))


def write_files(folder: Path, files: dict[str, str]) -> int:
    """Write {relative path: text} into `folder`; the bytes written."""
    return sum(_write(folder / rel, text) for rel, text in files.items())


def put_in_place(staging: Path, target: Path) -> None:
    """Replace `target` with the folder `staging` in one rename (the old one removed)."""
    os.chmod(staging, 0o755)
    old = None
    if target.exists():
        old = target.parent / f"{staging.name}-old"
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    fsync_dir(target.parent)
