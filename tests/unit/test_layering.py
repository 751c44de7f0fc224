"""The pure core imports no framework: domain modules and the carbon model stay plain Python.

See ../shared/design/architecture.md, "Pure core".
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "flask_sqlalchemy", "sqlalchemy", "pandas", "flask_babel", "flask_login", "wtforms")

PURE_MODULES = sorted(
    [*ROOT.glob("purchasing/domain/*.py"), *ROOT.glob("lifecycle/domain/*.py")]
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_there_are_pure_modules_to_check():
    assert any(p.name == "identifiers.py" for p in PURE_MODULES)


@pytest.mark.parametrize("path", PURE_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_module_imports_no_framework(path):
    offending = sorted(name for name in imported_modules(path) if name.split(".")[0] in FORBIDDEN)
    assert not offending, f"{path.relative_to(ROOT)} imports {offending}: keep the domain pure"


@pytest.mark.parametrize("path", PURE_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_module_imports_nothing_outside_the_domain(path):
    """A domain module may import the standard library and other domain modules, not app modules."""
    for name in imported_modules(path):
        top = name.split(".")[0]
        if top in ("purchasing", "lifecycle"):
            assert ".domain" in name, f"{path.name} imports {name}"


def test_checker_catches_a_framework_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from sqlalchemy import select\nimport pandas as pd\n")
    assert {"sqlalchemy", "pandas"} <= imported_modules(bad)
