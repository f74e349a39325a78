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


def test_readme_lists_every_binding_id_with_its_default_keys() -> None:
    """config.toml's [keymap] takes binding ids: the README's table names every one the
    reader checks a keymap against, with the keys it has by default."""
    from reader.ui.app import ReaderApp
    from reader.ui.keymap import known_binding_ids, places
    from reader.ui.textual_compat import class_bindings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("Every binding id and its default keys", 1)[1].split("</details>")[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    documented: dict[str, str] = {}
    for row in rows:
        ids, keys = (cell.strip() for cell in row.strip("|").split("|")[:2])
        names = re.findall(r"`([^`]+)`", ids)
        key_groups = [group.strip() for group in keys.split(" / ")]
        for index, name in enumerate(names):
            documented[name] = key_groups[min(index, len(key_groups) - 1)]
    known = known_binding_ids(ReaderApp)
    assert sorted(set(known) - set(documented)) == [], "binding ids the README does not list"
    assert sorted(set(documented) - set(known)) == [], "README ids no binding has"
    names = {"question_mark": "?", "slash": "/", "right_square_bracket": "]"}
    names |= {"left_square_bracket": "[", "less_than_sign": "<", "greater_than_sign": ">"}
    keys_of: dict[str, list[str]] = {}
    classes = [ReaderApp, *(cls for place in places(ReaderApp) for cls in place.classes)]
    for cls in dict.fromkeys(classes):
        for binding in class_bindings(cls):
            keys = keys_of.setdefault(binding.id or "", [])
            if binding.key and names.get(binding.key, binding.key) not in keys:
                keys.append(names.get(binding.key, binding.key))
    wrong = []
    for binding_id in known:
        keys = keys_of.get(binding_id, [])
        shown = re.findall(r"`([^`]+)`", documented[binding_id])
        if set(keys) != set(shown) and not (not keys and documented[binding_id] == "(none)"):
            wrong.append((binding_id, keys, shown))
    assert not wrong, f"default keys the README gets wrong (id, keys, README): {wrong}"
