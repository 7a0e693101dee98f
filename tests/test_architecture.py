"""The shape of the code stays honest as it grows: small modules, and
stages that import only earlier stages (one-way data flow)."""

from __future__ import annotations

import ast

from conftest import REPO

PACKAGE = REPO / "generator"
# Each stage may import only from stages at its own level or before it.
# The reuse machinery (incremental) comes after every stage: no stage imports it.
ORDER = [
    "error_codes",
    "diagnostics",
    "options",
    "forking",
    "clock",
    "remembered",
    "atomic",
    "files",
    "theme",
    "urls",
    "sanitize",
    "config",
    "schema",
    "rejected",
    "front_matter",
    "placeholders",
    "text_hygiene",
    "markdown_guard",
    "load",
    "validate",
    "links",
    "model",
    "relations",
    "references",
    "dose_words",
    "resolve",
    "view",
    "svg_clean",
    "images",
    "inline_passes",
    "markup",
    "structured_data",
    "outline",
    "jinja_env",
    "page_specs",
    "sharing",
    "render",
    "redirects",
    "feeds",
    "assets",
    "site_links",
    "pdf",
    "builder_data",
    "staging",
    "write",
    "search",
    "lock",
    "incremental",
    "build",
    "check",
    "init",
    "serve",
    "cli",
]


def imports_of(path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level >= 1 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_every_module_is_small():
    sizes = {
        p.relative_to(REPO).as_posix(): len(p.read_text().splitlines())
        for p in PACKAGE.rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > 400} == {}


def test_every_module_has_a_place_in_the_order():
    modules = {p.stem for p in PACKAGE.glob("*.py")} | {
        p.parent.name for p in PACKAGE.glob("*/__init__.py")
    }
    unplaced = modules - set(ORDER) - {"__init__", "__main__", "builder_data", "error_codes"}
    assert unplaced <= {"studies_import", "scaffold", "schema_export", "external"}, unplaced


def test_stages_never_import_a_later_stage():
    rank = {name: i for i, name in enumerate(ORDER)}
    backwards = []
    for name in ORDER:
        path = (
            PACKAGE / f"{name}.py"
            if (PACKAGE / f"{name}.py").exists()
            else PACKAGE / name / "__init__.py"
        )
        files = [path] if path.name != "__init__.py" else list(path.parent.glob("*.py"))
        for file in files:
            for imported in imports_of(file):
                if imported in rank and rank[imported] > rank[name]:
                    backwards.append(f"{file.relative_to(REPO)} imports {imported}")
    assert backwards == []
