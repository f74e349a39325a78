"""The core must import and work with Textual made unimportable.

`pack`, `search`, `state`, `sanitize`, `check` and the printing modes of `cli` (with the
`check`, `cards` and `export` subcommands) are plain Python: fast to test, fast to start
for `--list`, and usable without a terminal. Each module that exists is imported in a
fresh interpreter where `import textual` fails. Modules still being written are picked up
as soon as they exist; the ones the pack model needs today must exist now.
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


def test_cards_and_export_run_without_textual(tmp_path: Path):
    """`reader cards` and `reader export` read the cards and the review state (no state:
    nothing of the user's is touched) and write files without any of the UI."""
    deck, text = tmp_path / "deck.apkg", tmp_path / "cards.tsv"
    code = (
        "import os; "
        f"os.environ['READER_CONFIG_DIR'] = {str(tmp_path / 'config')!r}; "
        "from reader.cli import main; "
        "codes = [main(['cards', '--no-state']), main(['cards', '--due', '--no-state']), "
        f"main(['export', '--anki', {str(deck)!r}]), main(['export', '--tsv', {str(text)!r}])]; "
        "bad = sorted(m for m in sys.modules if m.startswith(('textual', 'reader.ui'))"
        " and sys.modules[m] is not None); "
        "print(bad); sys.exit(max(codes) or bool(bad))"
    )
    result = _python(code)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "[]", "no Textual module, nor any of reader.ui"
    assert sum(line.startswith("new\t") for line in lines) > 20, "every card, then the due ones"
    assert deck.stat().st_size > 0 and text.stat().st_size > 0


def test_review_without_a_terminal_refuses_without_textual():
    """`reader review` says it needs a terminal before it would load the app."""
    result = _python(
        "import os; sys.stdin = open(os.devnull); from reader.cli import main; "
        "sys.exit(main(['review', '--restricted']))"
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("reader: needs an interactive terminal")
