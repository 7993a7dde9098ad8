"""The layout docs/architecture.md describes: core imports no feature, the library no other feature,
and no feature finds another through a string-keyed hook."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "facilitator"
FEATURES = {"library", "planner", "printing", "reflections", "auth", "backup"}
CORE = sorted(p for p in PACKAGE.glob("*.py") if p.name != "__init__.py")  # __init__ builds the app from all


def imported_features(path: Path) -> set[str]:
    """The feature packages a module imports (relative or absolute), at any depth in the file."""
    found = set()
    package_parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                parts = list(base) + (node.module.split(".") if node.module else [])
                names = [parts + [alias.name] for alias in node.names] if not node.module else [parts]
            else:
                names = [(node.module or "").split(".")]
            for parts in names:
                if len(parts) > 1 and parts[0] == "facilitator" and parts[1] in FEATURES:
                    found.add(parts[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if len(parts) > 1 and parts[0] == "facilitator" and parts[1] in FEATURES:
                    found.add(parts[1])
    return found


@pytest.mark.parametrize("module", CORE, ids=lambda p: p.name)
def test_core_modules_import_no_feature(module):
    assert imported_features(module) == set(), f"{module.name} is core: move what it needs from a feature into core"


# The one way the library looks beyond itself: its exercise page offers "Add to a session", so its
# view asks the planner for the facilitator's sessions (docs/architecture.md, the seams).
LIBRARY_SEAMS = {"views.py": {"planner"}}


def test_the_library_imports_no_other_feature_but_its_named_seam():
    for module in (PACKAGE / "library").glob("*.py"):
        assert imported_features(module) <= {"library"} | LIBRARY_SEAMS.get(module.name, set()), module.name
    assert "from ..planner.service import list_sessions" in (PACKAGE / "library" / "views.py").read_text()


def test_every_feature_is_a_package_with_a_docstring():
    for feature in FEATURES:
        init = PACKAGE / feature / "__init__.py"
        assert init.is_file(), f"facilitator/{feature}/ needs an __init__.py"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"say what {feature}/ holds"


def test_no_feature_registers_a_hook_in_app_extensions():
    """app.extensions is Flask's registry for extensions and core services; a feature's hook there
    hides a dependency between features."""
    for module in (m for feature in FEATURES for m in (PACKAGE / feature).rglob("*.py")):
        assert not re.search(r"extensions\[[^\]]+\]\s*=", module.read_text(encoding="utf-8")), module.relative_to(PACKAGE)


def test_the_architecture_page_names_every_feature_folder():
    page = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for feature in FEATURES:
        assert f"facilitator/{feature}/" in page
