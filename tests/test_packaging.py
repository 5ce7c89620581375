"""Every package the code imports directly is declared in pyproject.toml (one that only
arrives as another package's dependency can vanish with that package's next release)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWN = {"crm", "bench", "tests", "wsgi", "migrations"}


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0]).lower()


def _imports(folder: Path) -> set[str]:
    found = set()
    for path in [folder] if folder.is_file() else folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - OWN - set(sys.stdlib_module_names)


def _undeclared(modules: set[str], declared: set[str]) -> list[str]:
    distributions = importlib.metadata.packages_distributions()
    return sorted(m for m in modules
                  if not {_name(d) for d in distributions.get(m, [m])} & declared)


def test_every_directly_imported_package_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    dev = runtime | {_name(r) for r in project["optional-dependencies"]["dev"]}
    app_code = set().union(*(_imports(ROOT / part) for part in ("crm", "bench", "wsgi.py",
                                                                  "migrations")))
    assert "jinja2" in app_code  # the check sees what it must
    assert _undeclared(app_code, runtime) == []
    assert _undeclared(_imports(ROOT / "tests"), dev) == []


def test_license_is_an_spdx_string():
    """setuptools deprecated the table form and warns at every install."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert isinstance(project["license"], str)


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {_name(m.group(1)): m.group(2)
            for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", text, re.M)}


def test_lock_files_pin_every_declared_package_with_hashes():
    """`make` installs the lock files with --require-hashes: a dependency added to
    pyproject.toml without `make lock` would be missing there."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    dev = {_name(r) for r in project["optional-dependencies"]["dev"]}
    production, development = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert runtime - production.keys() == set(), "run `make lock`"
    assert (runtime | dev) - development.keys() == set(), "run `make lock`"
    for name, version in production.items():  # the same versions in production as tested
        assert development.get(name) == version, (name, version, development.get(name))
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text()
        assert text.count("==") <= text.count("--hash=sha256:")
        assert "file://" not in text and "--index-url" not in text and "--find-links" not in text
