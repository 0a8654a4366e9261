"""The README documents what there is (as datasette tests its docs): every setting, every
command and its options, every page, and a layout table that matches the folders. Nothing
is generated: when a test here fails, write the missing line in README.md."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from conftest import FIXTURE_LANES

from cli import build_parser
from directory.settings import Settings
from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    """The text under the `## title` heading, up to the next `## ` heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README.md has no '## {title}' section"
    return match.group(1)


def _rows(text: str) -> list[list[str]]:
    """The cells of every markdown table row in text (header and rule rows left out)."""
    rows = []
    for line in (raw.strip() for raw in text.splitlines()):  # a table in a list is indented
        if line.startswith("|") and not re.fullmatch(r"\|[-|: ]+\|", line):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


SETTINGS = Settings.variables()  # the model's fields, by environment variable
SETTING_ROWS = {row[0]: row for row in _rows(README) if row[0].startswith("`LANDKORT_")}
COMMAND_ROWS = [row[0] for row in _rows(README) if row[0].startswith("`.venv/bin/landkort ")]
PAGE_ROWS = [row[0] for row in _rows(_section("Using it"))]
LAYOUT_ROWS = [row[0] for row in _rows(_section("Layout"))][1:]  # after the header


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_every_setting_is_in_the_readme_with_its_default(name: str) -> None:
    row = SETTING_ROWS.get(f"`{name}`")
    assert row, f"{name} is missing from README.md's settings table: add a row for it"
    default = SETTINGS[name].default
    assert row[1] == (f"`{default}`" if default is not None else "unset"), (
        f"README.md gives {name} the default {row[1]}: directory/settings.py says {default!r}"
    )
    assert row[2], f"README.md's row of {name} says nothing about it: write what it is for"


def test_the_readme_lists_no_setting_that_does_not_exist() -> None:
    named = set(re.findall(r"\bLANDKORT_[A-Z_]+\b", README))
    assert named <= set(SETTINGS), f"not in directory/settings.py: {sorted(named - set(SETTINGS))}"


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_command_and_its_options_are_in_the_readme(command: str) -> None:
    rows = [r for r in COMMAND_ROWS if r.startswith(f"`.venv/bin/landkort {command} ")]
    rows += [r for r in COMMAND_ROWS if r == f"`.venv/bin/landkort {command}`"]
    assert len(rows) == 1, (
        f"README.md's command table needs one row `.venv/bin/landkort {command} ...`"
    )
    options = [
        option
        for action in _commands()[command]._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    ]
    missing = [option for option in options if option not in rows[0]]
    assert not missing, f"the README row of `{command}` leaves out {missing}: add them"


def test_the_readme_lists_no_command_that_does_not_exist() -> None:
    named = {row.split()[1].strip("`") for row in COMMAND_ROWS}
    assert named <= set(_commands()), f"no such command: {sorted(named - set(_commands()))}"


@pytest.mark.parametrize("page", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_is_in_the_readme(page) -> None:
    rows = [row for row in PAGE_ROWS if row.split(" (")[0] == page.title]
    assert rows, f"the page {page.title!r} is missing from README.md's page table"
    assert len(rows) == 1, (
        f"README.md's page table has {len(rows)} rows for {page.title!r}: keep one"
    )
    path = "/" if page.default else f"/{page.url_path}"
    assert f"`{path}" in rows[0], f"README.md's row for {page.title!r} should give its URL {path}"


def _layout_paths() -> set[str]:
    return {p for row in LAYOUT_ROWS for p in re.findall(r"`([^`]+)`", row)}


def test_the_layout_table_names_every_package() -> None:
    packages = {
        f"{p.parent.relative_to(ROOT).as_posix()}/"
        for top in ("directory", "search", "ui", "cli", "testkit", "benchmarks")
        for p in (ROOT / top).rglob("__init__.py")
    } - {"directory/"}
    modules = {f"directory/{p.name}" for p in (ROOT / "directory").glob("*.py")}
    modules -= {"directory/__init__.py", "directory/__main__.py"}
    missing = sorted((packages | modules | {"app.py", "pages/"}) - _layout_paths())
    assert not missing, f"README.md's layout table has no row for {missing}"


def test_the_layout_table_names_only_what_exists() -> None:
    gone = sorted(p for p in _layout_paths() if not (ROOT / p).exists())
    assert not gone, f"README.md's layout table names {gone}, which do not exist"


# -- the test lanes: every marker registered, documented, and left out of `make test-fast` --
def _markers() -> dict[str, str]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lines = config["tool"]["pytest"]["ini_options"]["markers"]
    return dict(line.split(": ", 1) for line in lines)


def test_every_marker_is_registered_and_strict() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "--strict-markers" in config["tool"]["pytest"]["ini_options"]["addopts"]
    used = {
        name
        for path in sorted((ROOT / "tests").glob("*.py"))
        for name in re.findall(r"pytest\.mark\.(\w+)", path.read_text(encoding="utf-8"))
    } | set(FIXTURE_LANES.values())
    builtin = {"parametrize", "usefixtures", "skip", "skipif", "xfail", "filterwarnings"}
    assert used - builtin <= set(_markers()), sorted(used - builtin - set(_markers()))


@pytest.mark.parametrize("marker", sorted(_markers()))
def test_every_marker_is_in_the_readme_and_out_of_the_fast_lane(marker: str) -> None:
    rows = {row[0]: row for row in _rows(_section("Development"))}
    assert f"`{marker}`" in rows, f"README.md's Development section has no row for `{marker}`"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    slow = re.search(r"^SLOW := (.*)$", makefile, re.M)
    assert slow and marker in slow.group(1).split(" or "), (
        f"the Makefile's SLOW lane list leaves out `{marker}`: make test-fast would run it"
    )
    assert f'-m "not ({slow.group(1)})"' in README, "README.md gives another fast lane"
