"""The architecture rules of DESIGN.md §3, checked on the source: lower never imports higher."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "src" / "duluan"

# Layer of each top-level module or package (DESIGN.md §3).
LAYERS = {
    "errors": 1,
    "settings": 1,
    "i18n": 1,
    "text": 1,
    "geo": 1,
    "db": 2,
    "auth": 3,
    "ingest": 4,
    "analysis": 4,
    "warning": 4,
    "surveys": 4,
    "network": 4,
    "plans": 4,
    "reports": 4,
    "jobs": 5,
    "demo": 5,  # composes the domains' services into a demo data set (like jobs, below web/cli)
    "web": 6,
    "cli": 6,
}
# Alembic's env.py must see every table, so migrations are outside the rule by design.
EXEMPT = {PACKAGE / "db" / "migrations" / "env.py"}
ONLY_IN = {
    "fastapi": {"web"},
    "starlette": {"web"},
    "docx": {"reports"},
    "weasyprint": {"reports"},
    "matplotlib": {"reports"},
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).parts
        if path in EXEMPT or relative == ("__init__.py",):
            continue
        found.append((relative[0].removesuffix(".py"), path))
    return found


def test_every_module_has_a_layer() -> None:
    assert {top for top, _ in _modules()} <= set(LAYERS)


def test_lower_layers_never_import_higher_ones() -> None:
    violations = []
    for top, path in _modules():
        for name in _imports(path):
            parts = name.split(".")
            inner = parts[1] if parts[0] == "duluan" and len(parts) > 1 else ""
            if inner in LAYERS and LAYERS[inner] > LAYERS[top]:
                violations.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert violations == []


def test_framework_libraries_stay_in_their_layer() -> None:
    violations = []
    for top, path in _modules():
        for name in _imports(path):
            allowed = ONLY_IN.get(name.split(".")[0])
            if allowed is not None and top not in allowed:
                violations.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert violations == []


def test_only_db_creates_engines() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for top, path in _modules()
        if top != "db" and "create_engine(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_every_module_starts_with_a_docstring() -> None:
    missing = [
        str(path.relative_to(PACKAGE))
        for _, path in _modules()
        if path.parent.name != "versions"
        and ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) is None
    ]
    assert missing == []
