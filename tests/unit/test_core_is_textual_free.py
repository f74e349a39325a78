"""The core must import and work with Textual made unimportable.

`pack`, `search`, `state`, `sanitize`, `check` and the printing modes of `cli` are plain
Python: fast to test, fast to start for `--list`, and usable without a terminal. Each
module that exists is imported in a fresh interpreter where `import textual` fails.
Modules still being written are picked up as soon as they exist; the ones the pack
model needs today must exist now.
"""

from __future__ import annotations

import importlib.util
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
REQUIRED = ["reader.pack", "reader.sanitize", "reader.cli", "reader.check"]
WANTED = ["reader.search", "reader.state"]  # being written: tested as soon as they exist
# Every module beside the `ui` and `render` packages is core, so a new one is checked without
# a list (tests/unit/test_rules.py checks what `render` may import).
PRESENT = sorted(
    f"reader.{info.name}"
    for info in pkgutil.iter_modules([str(REPO_ROOT / "reader")])
    if info.name not in ("ui", "render", "__main__")
)


BLOCK_TEXTUAL = "import sys; sys.modules['textual'] = None; "


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK_TEXTUAL + code],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_blocker_really_blocks():
    result = _python("import textual.app")
    assert result.returncode != 0
    assert "ModuleNotFoundError" in result.stderr or "ImportError" in result.stderr


def test_the_modules_the_pack_needs_exist():
    assert set(REQUIRED) <= set(PRESENT)
    for name in WANTED:  # found by the listing too, if and once they exist
        assert (name in PRESENT) == (importlib.util.find_spec(name) is not None)


@pytest.mark.parametrize("module", PRESENT)
def test_core_module_imports_without_textual(module: str):
    code = (
        f"import {module}; "
        "bad = sorted(m for m in sys.modules if m.startswith(('textual', 'reader.ui'))"
        " and sys.modules[m] is not None); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = _python(code)
    assert result.returncode == 0, result.stdout + result.stderr


def test_printing_modes_run_without_textual():
    code = (
        "from reader.cli import main; "
        "codes = [main(['--list']), main(['--print', 'what-filaggrin-does']), main(['check'])]; "
        "sys.exit(max(codes))"
    )
    result = _python(code)
    assert result.returncode == 0, result.stderr
    assert "Autoimmune vs allergic" in result.stdout
    assert "## What filaggrin does" in result.stdout
