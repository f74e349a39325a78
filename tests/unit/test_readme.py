"""The README's set-up commands are the ones CI runs, and its keys are the app's keys."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETUP_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/reader"
TEST_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest"
)


def _shell_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)


def test_readme_has_the_two_setup_commands() -> None:
    """One command installs and runs the reader; one installs test extras and runs tests."""
    blocks = _shell_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert blocks[0].strip() == SETUP_COMMAND
    assert blocks[1].strip() == TEST_COMMAND


def test_ci_runs_the_readme_test_command_exactly() -> None:
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1].strip() == TEST_COMMAND


def test_readme_keys_cover_every_app_binding() -> None:
    """Every key the reading screen binds is documented (the help screen is generated)."""
    from reader.ui.app import ReaderApp
    from reader.ui.widgets.document_view import DocumentView

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    keys_section = readme.split("### Keys", 1)[1].split("###", 1)[0]
    names = {
        "question_mark": "?", "slash": "/", "right_square_bracket": "]",
        "left_square_bracket": "[", "backspace": "Backspace", "escape": "Esc",
        "enter": "Enter", "space": "space", "shift+backspace": "Shift+Backspace",
        "f1": "F1", "less_than_sign": "<", "greater_than_sign": ">",
        "tab": "Tab", "shift+tab": "Shift+Tab", "pageup": "PgUp", "pagedown": "PgDn",
        "up": "↑", "down": "↓", "home": "Home", "end": "End",
    }  # fmt: skip
    missing = []
    for binding in [*ReaderApp.BINDINGS, *DocumentView.BINDINGS]:
        for key in binding.key.split(","):
            shown = names.get(key, key)
            if f"`{shown}`" not in keys_section:
                missing.append(key)
    assert not missing, f"keys not in the README: {missing}"
