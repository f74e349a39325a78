"""The architecture and style rules, checked by machine from `python -m pytest`.

ruff (lint and format), mypy (strict on the core, basic on the UI and the drawing pipeline)
and import-linter's contracts are configured in pyproject.toml. Each runs as a subprocess of
this interpreter from the repository root, so a fresh venv with the `test` extras needs
nothing on PATH; a failure shows the tool's own output. A tool missing from this interpreter
skips its test on a developer machine and fails it under CI=true, so CI cannot go green by
skipping. The last tests check what import-linter cannot express.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = REPO_ROOT / "pyproject.toml"
#: The packages of `reader` that are not core: everything that draws or shows.
NOT_CORE = ("ui", "render")
#: What the drawing pipeline may import from Textual: nothing (its lines are Rich
#: segments; only reader.ui makes them Textual strips).
RENDER_MAY_IMPORT_FROM_TEXTUAL: set[str] = set()
#: The command that runs import-linter's `lint-imports`; the package has no `__main__`.
LINT_IMPORTS = (
    "import sys; from importlinter.cli import lint_imports_command; "
    "sys.exit(lint_imports_command())"
)


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


def _require(module: str, package: str) -> None:
    """Skip when `module` is not importable here, but fail on CI, where it must be."""
    if importlib.util.find_spec(module) is not None:
        return
    message = f"{package} is not installed in this interpreter (pip install -e '.[test]')"
    if _on_ci():
        pytest.fail(f"CI=true but {message}")
    pytest.skip(message)


def _run(*arguments: str) -> subprocess.CompletedProcess[str]:
    """Run `python <arguments>` from the repository root, as a developer would."""
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "NO_COLOR": "1", "TERM": "dumb"},
    )


def _assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    """Fail with the tool's exit code and its own output, not pytest's view of the object."""
    if result.returncode != 0:
        command = " ".join(result.args[1:])
        output = f"{result.stdout}{result.stderr}".strip()
        pytest.fail(f"`python {command}` exited {result.returncode}:\n{output}", pytrace=False)


def test_ruff_finds_no_problem() -> None:
    _require("ruff", "ruff")
    result = _run("-m", "ruff", "check", "--no-cache", "reader", "tests")
    _assert_clean(result)


def test_ruff_format_changes_nothing() -> None:
    _require("ruff", "ruff")
    result = _run("-m", "ruff", "format", "--check", "--no-cache", "reader", "tests")
    _assert_clean(result)


def test_mypy_finds_no_type_error() -> None:
    """Strict on the core, mypy's default checks plus unannotated bodies on the UI."""
    _require("mypy", "mypy")
    # The cache (.mypy_cache, ignored by git) makes a second run take a fraction of the first.
    result = _run("-m", "mypy", "--no-error-summary", "--hide-error-context")
    _assert_clean(result)


def test_import_contracts_are_kept() -> None:
    """The core imports neither Textual nor the UI; render no UI; the UI not the CLI."""
    _require("importlinter", "import-linter")
    result = _run("-c", LINT_IMPORTS)
    _assert_clean(result)


def _core_modules() -> set[str]:
    return {
        f"reader.{info.name}"
        for info in pkgutil.iter_modules([str(REPO_ROOT / "reader")])
        if info.name not in NOT_CORE
    }


def test_the_core_contract_names_every_core_module() -> None:
    """import-linter's forbidden contract lists its modules; a new core module must be one."""
    contracts = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    core_contract = next(
        contract
        for contract in contracts["contracts"]
        if {"textual", "reader.ui"} <= set(contract.get("forbidden_modules", []))
    )
    listed, core = set(core_contract["source_modules"]), _core_modules()
    assert listed == core, (
        f"add to the core contract's source_modules in pyproject.toml: {sorted(core - listed)}; "
        f"remove: {sorted(listed - core)}"
    )


def _textual_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of each import of Textual in one file, at any depth of the code."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            # `from textual import strip` names the module textual.strip, not textual.
            names = names[1:] if node.module == "textual" else names[:1]
        else:
            continue
        found += [(node.lineno, name) for name in names if name.split(".")[0] == "textual"]
    return found


def test_render_imports_nothing_from_textual() -> None:
    """import-linter sees Textual as one module, so this part of the rule is checked here."""
    render = REPO_ROOT / "reader" / "render"
    wrong = [
        f"{path.relative_to(REPO_ROOT)}:{line} imports {module}"
        for path in sorted(render.rglob("*.py"))
        for line, module in _textual_imports(path)
        if module not in RENDER_MAY_IMPORT_FROM_TEXTUAL
    ]
    assert not wrong, "reader/render may use Rich, never Textual:\n" + "\n".join(wrong)


def test_render_loads_no_textual_module_through_what_it_imports() -> None:
    """Not through Rich or markdown-it either: checked by loading every render module."""
    modules = sorted(
        f"reader.render.{info.name}"
        for info in pkgutil.iter_modules([str(REPO_ROOT / "reader" / "render")])
    )
    code = (
        f"import sys, importlib; [importlib.import_module(m) for m in {modules!r}]; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'textual'); "
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    result = _run("-c", code)
    _assert_clean(result)


def test_every_test_module_has_a_name_of_its_own() -> None:
    """pytest imports test modules by their file name (the rootdir import mode): two
    `test_x.py` in different folders stop the whole run at collection, on a fresh clone."""
    names: dict[str, list[str]] = {}
    for path in (REPO_ROOT / "tests").rglob("test_*.py"):
        names.setdefault(path.name, []).append(str(path.relative_to(REPO_ROOT)))
    assert {name: where for name, where in names.items() if len(where) > 1} == {}
