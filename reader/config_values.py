"""The values of a config.toml that exists: parsed, checked, each problem with its line.

reader.config finds the file and holds the result (`UserConfig`); this part, the bigger
one, loads only when there is a file to read, so a start without one never pays for it.
No Textual here.
"""

from __future__ import annotations

import re
from typing import Any

from reader.config import KeymapEntry, UserConfig
from reader.sanitize import sanitize_line
from reader.state import MAX_SIDEBAR_WIDTH, MIN_SIDEBAR_WIDTH

__all__ = ["KNOWN_KEYS", "MAX_KEYS_PER_BINDING", "MAX_KEY_NAME", "read_values"]

#: The top-level keys and tables config.toml accepts.
KNOWN_KEYS = ("theme", "sidebar_width", "keymap", "review")
#: Keys one binding may take ("q,ctrl+q"); more is a mistake, not a wish.
MAX_KEYS_PER_BINDING = 8
#: A key's name: "ctrl+shift+left_square_bracket" fits well within it.
MAX_KEY_NAME = 60
#: Where tomllib's message says the error is: "(at line 7, column 3)", or the end.
_TOML_WHERE = r"\(at line (\d+), column \d+\)|\(at end of document\)"


def read_values(config: UserConfig, text: str) -> None:
    """Parse `text` (config.toml's, already read) into `config`: each usable value
    kept, a problem with its line for each other; TOML that does not parse is one
    problem and every setting at its default."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        config.add_problem(
            _toml_error_line(str(exc), text),
            f"not valid TOML ({_toml_reason(exc)}); defaults used",
            review=True,
        )
        return
    except RecursionError:  # tomllib recurses once per level of nesting
        config.add_problem(None, "nested too deeply; defaults used", review=True)
        return
    from reader.toml_lines import key_lines

    config.lines = key_lines(text)
    _take(config, data)


def _toml_error_line(message: str, text: str) -> int | None:
    """The line tomllib's message names ("(at line 7, column 3)"; the last at the end)."""
    found = re.search(_TOML_WHERE, message)
    if found is None:
        return None
    if found.group(1) is not None:
        return int(found.group(1))
    return text.count("\n") + 1


def _toml_reason(exc: Exception) -> str:
    return sanitize_line(re.sub(_TOML_WHERE, "", str(exc)).strip())[:200]


# --- the values ---------------------------------------------------------------------------


def _take(config: UserConfig, data: dict[str, Any]) -> None:
    """Keep each usable value of `data`, and a problem with its line for each other."""
    for key, value in data.items():
        line = config.line_of(key)
        if key == "theme":
            if isinstance(value, str) and value.strip() and len(value) <= 100:
                config.theme = value.strip()
            else:
                config.add_problem(line, 'theme must be the name of a theme, like "textual-dark"')
        elif key == "sidebar_width":
            if _is_int(value) and MIN_SIDEBAR_WIDTH <= value <= MAX_SIDEBAR_WIDTH:
                config.sidebar_width = value
            else:
                config.add_problem(
                    line,
                    f"sidebar_width must be a whole number from {MIN_SIDEBAR_WIDTH} to "
                    f"{MAX_SIDEBAR_WIDTH}",
                )
        elif key == "keymap":
            _take_keymap(config, value)
        elif key == "review":
            _take_review(config, value)
        else:
            config.add_problem(line, f"unknown key {_quoted(key)}{_suggest(key, KNOWN_KEYS)}")


def _take_keymap(config: UserConfig, table: object) -> None:
    if not isinstance(table, dict):
        config.add_problem(config.line_of("keymap"), "keymap must be a table ([keymap])")
        return
    # `app.quit = "x"` unquoted makes a table {"app": {"quit": "x"}}: the same id.
    pending: list[tuple[tuple[str, ...], object]] = [
        ((key,), value) for key, value in table.items()
    ]
    while pending:
        parts, value = pending.pop(0)
        line = config.line_of("keymap", *parts)
        binding_id = ".".join(parts)
        if isinstance(value, dict):
            pending[0:0] = [((*parts, key), inner) for key, inner in value.items()]
            continue
        keys, problem = _keys_of(value)
        if problem:
            config.add_problem(line, f"[keymap] {_quoted(binding_id)}: {problem}")
        else:
            config.keymap[binding_id] = KeymapEntry(keys, line)


def _keys_of(value: object) -> tuple[str, str | None]:
    """ "q" or "q,ctrl+q" or ["q", "ctrl+q"] as Textual's "q,ctrl+q", or what is wrong."""
    wanted = 'must be a key like "ctrl+q", or a list of keys'
    if isinstance(value, str):
        names = value.split(",")
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        names = list(value)
    else:
        return "", wanted
    names = [name.strip() for name in names]
    if not names or len(names) > MAX_KEYS_PER_BINDING:
        return "", f"must name from 1 to {MAX_KEYS_PER_BINDING} keys"
    for name in names:
        if not name or len(name) > MAX_KEY_NAME or not name.isprintable() or " " in name:
            return "", f'{_quoted(name)} is not a key name (like "ctrl+q", "f2", "j")'
    if len(set(names)) != len(names):
        return "", "names one key twice"
    return ",".join(names), None


def _take_review(config: UserConfig, table: object) -> None:
    if not isinstance(table, dict):
        config.add_problem(
            config.line_of("review"), "review must be a table ([review])", review=True
        )
        return
    from reader.review import ReviewSettings

    scratch = ReviewSettings()
    for key, value in table.items():
        problem = scratch._apply(str(key), value)
        if problem == "unknown setting":
            problem = f"unknown setting{_suggest(key, tuple(ReviewSettings.KEYS))}"
        if problem:
            line = config.line_of("review", key)
            config.add_problem(
                line, f"[review] {_quoted(key)} {problem}; default kept", review=True
            )
        else:
            config.review[key] = value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _quoted(text: str) -> str:
    return "'" + sanitize_line(text)[:80] + "'"


def _suggest(word: str, known: tuple[str, ...]) -> str:
    """ " (did you mean 'theme'?)" for a near miss; nothing otherwise."""
    import difflib

    close = difflib.get_close_matches(word[:100], known, n=1, cutoff=0.6)
    return f" (did you mean {_quoted(close[0])}?)" if close else ""
