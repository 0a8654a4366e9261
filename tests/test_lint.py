"""The layers are declared once, in pyproject.toml's import-linter contracts, and checked by
`lint-imports` (in `make test` and `make test-fast`): ui > cli > services > core, the core
and the services never import streamlit or the UI, and benchmarks and tests share helpers
through `testkit`. These tests prove the contracts hold on the tree and catch a violation."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("directory", "search", "ui", "cli", "testkit", "benchmarks", "tests")
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )


def test_the_tree_keeps_every_contract() -> None:
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    for name in PACKAGES:
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


@pytest.mark.parametrize(
    ("path", "source", "contract"),
    [
        ("directory/rules/zz_new.py", "import streamlit\n", "never import streamlit"),
        ("search/zz_new.py", "from streamlit_folium import st_folium\n", "never import"),
        ("directory/rules/zz_new.py", "import ui.escape\n", "Layers"),
        ("directory/loading/zz_new.py", "import search\n", "Layers"),
        ("search/zz_new.py", "import directory.editing\n", "Layers"),
        ("directory/rules/zz_new.py", "import directory.storage\n", "Layers"),
        ("directory/editing/zz_new.py", "import cli\n", "Layers"),
        ("directory/exports/zz_new.py", "import directory.editing\n", "Layers"),
        ("benchmarks/zz_new.py", "import tests.test_guide\n", "testkit"),
    ],
)
def test_a_module_that_climbs_a_layer_breaks_a_contract(
    copy: Path, path: str, source: str, contract: str
) -> None:
    target = copy / path
    target.write_text(source, encoding="utf-8")
    try:
        done = _lint_imports(copy)
    finally:
        target.unlink()
    assert done.returncode != 0, done.stdout
    broken = done.stdout.split("Broken contracts")[-1]
    assert contract in broken, done.stdout


def test_importing_every_core_module_leaves_streamlit_unloaded() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import directory, search, cli\n"
        "for pkg in (directory, search, cli):\n"
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
