"""The import structure (ARCHITECTURE.md): the apps' layering contract in pyproject.toml holds, and
no module imports another that imports it back, directly or through others. A cycle is a failing
test, not an import hidden inside a function."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "config",
    "accounts",
    "sso",
    "courses",
    "quizzes",
    "compliance",
    "certificates",
    "lti",
    "facilitation",
)


CYCLES = """
import grimp, json, sys
graph = grimp.build_graph(*sys.argv[1:], cache_dir=None)
cycles = []
for importer in sorted(graph.modules):
    for imported in sorted(graph.find_modules_directly_imported_by(importer)):
        back = graph.find_shortest_chain(importer=imported, imported=importer)
        if back:
            cycles.append([importer, *back])
print(json.dumps(cycles))
"""


def module_cycles(root: Path) -> list[list[str]]:
    """Every import A -> B for which B also reaches A, with the way back (in a fresh process,
    so that the packages are read from `root`)."""
    result = subprocess.run(
        [sys.executable, "-c", CYCLES, *PACKAGES], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_no_module_imports_itself_back():
    assert module_cycles(ROOT) == []


def test_the_layering_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def tree(tmp_path):
    """A copy of the code, to break on purpose."""
    for name in (*PACKAGES, "pyproject.toml"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    return tmp_path


def test_a_deliberate_cycle_fails_both_checks(tree):
    # accounts is the lowest layer; make its services import the compliance module that imports
    # accounts.services back.
    services = tree / "accounts" / "services.py"
    services.write_text("import compliance.assignments  # noqa\n" + services.read_text())
    assert any(c[0] == "accounts.services" for c in module_cycles(tree))
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "accounts is not allowed to import compliance" in result.stdout
