"""The package's import direction: data ← analyses ← render ← sphinxext; vcs and cli beside.

An AST walk over ``src/dmsite``: each module's imports are checked against the rules of its
layer, so a forbidden import fails here with the module, line and rule it breaks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from support import REPO_ROOT

PACKAGE = REPO_ROOT / "src" / "dmsite"

# layer → the dmsite layers it may import (top-level modules such as dmsite.errors are everyone's)
ALLOWED = {
    "data": {"data"},
    "analyses": {"data", "analyses"},
    "render": {"data", "analyses", "render"},
    "graphviz": {"data"},
    "vcs": {"data", "analyses", "vcs"},
    "importers": {"data", "analyses", "importers"},
    "cli": {"data", "analyses", "render", "graphviz", "vcs", "importers", "cli"},
    "sphinxext": {"data", "analyses", "render", "graphviz", "vcs", "sphinxext"},
}
SHARED = {"errors", "settings", "atomic", "__init__"}  # exceptions, settings, whole-file writes, the package: every layer's
PURE = {"data", "analyses", "render"}  # start no process, open no repository
NOT_PURE = {"subprocess", "git", "multiprocessing.popen_fork"}
SPHINX = {"sphinx", "docutils"}


def layer_of(module: str) -> str:
    """'dmsite.data.load' → 'data'; 'dmsite.graphviz' → 'graphviz'; 'dmsite' → '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in *path*, relative ones resolved."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = parts if parts[-1] == "__init__" else parts[:-1]
    if package[-1] == "__init__":
        package = package[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.append((node.lineno, module))
            if node.module is None or (node.level and not node.module):  # from . import x: x may be a module
                found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def violations(path: Path, module_layer: str) -> list[str]:
    """Every rule that the imports of *path* (a module of *module_layer*) break."""
    problems = []
    for line, module in imports_of(path):
        top = module.split(".")[0]
        where = f"{path.relative_to(PACKAGE.parent)}:{line}: imports {module}"
        if top == "dmsite":
            target = layer_of(module)
            if target not in SHARED and target not in ALLOWED[module_layer] and (PACKAGE / target).exists() | (
                    PACKAGE / f"{target}.py").exists():
                problems.append(f"{where}: {module_layer} may not import {target}")
        elif top in SPHINX and module_layer != "sphinxext":
            problems.append(f"{where}: only sphinxext imports Sphinx or docutils")
        elif module_layer in PURE and (module in NOT_PURE or top in NOT_PURE):
            problems.append(f"{where}: {module_layer} starts no process and opens no repository")
    return problems


def package_modules() -> list[tuple[Path, str]]:
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        layer = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        if layer in ALLOWED:
            modules.append((path, layer))
    return modules


@pytest.mark.parametrize(("path", "layer"), package_modules(), ids=lambda v: str(v).rsplit("src/dmsite/")[-1])
def test_imports_run_one_way(path: Path, layer: str) -> None:
    assert violations(path, layer) == []


def test_every_module_belongs_to_a_layer() -> None:
    loose = [p.name for p in PACKAGE.glob("*.py") if p.stem not in ALLOWED and p.stem not in SHARED]
    assert loose == []


def test_a_forbidden_import_is_caught(tmp_path: Path) -> None:
    """The checker itself: a render module importing sphinx, a data module importing render and git."""
    fake = PACKAGE / "data" / "_layer_probe.py"
    fake.write_text("import subprocess\nfrom ..render import html\nfrom docutils import nodes\n", encoding="utf-8")
    try:
        found = violations(fake, "data")
    finally:
        fake.unlink()
    assert [p.split(": ", 1)[1] for p in found] == [
        "imports subprocess: data starts no process and opens no repository",
        "imports dmsite.render: data may not import render",
        "imports docutils: only sphinxext imports Sphinx or docutils",
    ]


def test_modules_are_small_and_say_their_job() -> None:
    for path, _ in package_modules():
        text = path.read_text(encoding="utf-8")
        if path.name == "__init__.py" and not text.strip():
            continue
        assert text.count("\n") <= 450, f"{path}: {text.count(chr(10))} lines; split it by job"
        doc = ast.get_docstring(ast.parse(text))
        assert doc, f"{path}: no module docstring saying its one job"
