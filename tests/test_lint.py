"""The layering rule: only app.py, pages/ and ui/ use streamlit (ruff's banned-api rule,
TID251, configured in pyproject.toml), and importing the core never loads it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MESSAGE = "streamlit only in app.py, pages/ and ui/: keep the core free of it"


def _ruff(path: str, source: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--output-format", "concise", "--stdin-filename"]
        + [path, "-"],
        input=source,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout


@pytest.mark.parametrize("path", ["directory/rules/new.py", "search/new.py", "tests/test_new.py"])
@pytest.mark.parametrize(
    "source",
    ["import streamlit as st\n", "from streamlit_folium import st_folium\n", "import ui\n"],
)
def test_the_core_may_not_import_streamlit(path: str, source: str) -> None:
    found = _ruff(path, source)
    assert "TID251" in found, found
    if "ui" not in source:
        assert MESSAGE in found


@pytest.mark.parametrize("path", ["app.py", "pages/new.py", "ui/new.py", "tests/test_page_new.py"])
def test_the_app_may_import_streamlit(path: str) -> None:
    assert "TID251" not in _ruff(path, "import streamlit as st\nimport ui\n")


def test_importing_every_core_module_leaves_streamlit_unloaded() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import directory, search\n"
        "for pkg in (directory, search):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if m.name != 'directory.__main__':\n"
        "            importlib.import_module(m.name)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('streamlit', 'ui')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
