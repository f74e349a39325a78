"""Where each key of a TOML text is written: the line of every key path.

tomllib gives values but not lines, and a notice about config.toml ("line 7: unknown key
'colour'") must say where the key is. `key_lines` reads the text once more, keys and
values only (no checks: tomllib has already accepted it), in one linear pass. A module
of its own so that a start without a config file never loads it. No Textual here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

__all__ = ["key_lines"]

#: Key paths are kept this deep at most (config.toml's are 2 or 3): deeper ones, which
#: only a hostile file has, would make each key's path as long as the file.
_MAX_KEY_DEPTH = 8
_BARE_KEY = r"[A-Za-z0-9_-]+"
_BASIC_STRING = r'"((?:[^"\\\n]|\\.)*)"'
_LITERAL_STRING = r"'([^'\n]*)'"
_SCALAR = r"[^,\]\}\s#]+"
_BLANK = r"(?:[ \t\r\n]|#[^\n]*)*"
_SPACES = r"[ \t]*"
_ESCAPES = {
    "\\\\": "\\",
    '\\"': '"',
    "\\n": "\n",
    "\\t": "\t",
    "\\b": "\b",
    "\\f": "\f",
    "\\r": "\r",
}
_ESCAPE = r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)"


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line (from 1) of each key path of a valid TOML text, as tomllib nests it:
    ``[keymap]`` then ``"app.quit" = …`` is ("keymap", "app.quit"), ``keymap.app.quit``
    is ("keymap", "app", "quit"); a table header counts as its table's line, and a key
    written twice (arrays of tables) keeps its first line. One pass, linear in the text;
    made for text tomllib accepted (elsewhere it still ends, with fewer lines).
    """
    newlines = [found.start() for found in re.finditer("\n", text)]
    lines: dict[tuple[str, ...], int] = {}
    scanner = _KeyScanner(text)

    def record(path: tuple[str, ...], at: int) -> None:
        if path:
            lines.setdefault(path, bisect_right(newlines, at - 1) + 1)

    table: tuple[str, ...] = ()
    size = len(text)
    pos = 0
    while True:
        pos = scanner.blank.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= size:
            return lines
        start = pos
        if text[pos] == "[":
            pos += 2 if text.startswith("[[", pos) else 1
            parts, pos = scanner.key(pos)
            table = tuple(parts)[:_MAX_KEY_DEPTH]
            record(table, start)
        else:
            parts, pos = scanner.key(pos)
            record((*table, *parts)[:_MAX_KEY_DEPTH], start)
            pos = scanner.spaces.match(text, pos).end()  # type: ignore[union-attr]
            if pos < size and text[pos] == "=":
                pos = scanner.value(pos + 1, (*table, *parts), record)
        newline = text.find("\n", pos)
        pos = size if newline < 0 else newline + 1


class _KeyScanner:
    """Keys and values of a TOML text, read only to learn where keys are (no checks)."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Compiled here, not on import: a start without a config never needs them.
        self.bare_key = re.compile(_BARE_KEY)
        self.basic_string = re.compile(_BASIC_STRING)
        self.literal_string = re.compile(_LITERAL_STRING)
        self.scalar = re.compile(_SCALAR)
        self.blank = re.compile(_BLANK)
        self.spaces = re.compile(_SPACES)

    def key(self, pos: int) -> tuple[list[str], int]:
        """A dotted key's parts from `pos`, and where it ends (always past `pos`)."""
        text, start = self.text, pos
        parts: list[str] = []
        while pos < len(text):
            pos = self.spaces.match(text, pos).end()  # type: ignore[union-attr]
            for pattern in (self.bare_key, self.basic_string, self.literal_string):
                found = pattern.match(text, pos)
                if found:
                    if len(parts) >= _MAX_KEY_DEPTH:
                        pass  # read past, not kept: paths stay short, the scan linear
                    elif pattern is self.bare_key:
                        parts.append(found.group(0))
                    elif pattern is self.basic_string:
                        parts.append(_unescape(found.group(1)))
                    else:
                        parts.append(found.group(1))
                    pos = found.end()
                    break
            else:
                break
            pos = self.spaces.match(text, pos).end()  # type: ignore[union-attr]
            if not text.startswith(".", pos):
                break
            pos += 1
        return parts, max(pos, start + 1)

    def value(
        self, pos: int, prefix: tuple[str, ...], record: Callable[[tuple[str, ...], int], None]
    ) -> int:
        """Skip the value at `pos` (recording the keys of inline tables under `prefix`);
        where it ends. Iterative: nesting as deep as tomllib allows costs no stack."""
        text, size = self.text, len(self.text)
        # Each open array or inline table, with the key path its tables' keys go under.
        stack: list[tuple[str, tuple[str, ...]]] = []
        owner = prefix
        while pos < size:
            pos = self.blank.match(text, pos).end()  # type: ignore[union-attr]
            if pos >= size:
                break
            char = text[pos]
            if stack and char in "]}":
                stack.pop()
                pos += 1
                if not stack:
                    return pos
                continue
            if stack and char == ",":
                pos += 1
                continue
            owner = stack[-1][1] if stack else prefix
            if stack and stack[-1][0] == "table":  # a key of an inline table, then its value
                start = pos
                parts, pos = self.key(pos)
                owner = (*owner, *parts)[:_MAX_KEY_DEPTH]
                record(owner, start)
                pos = self.spaces.match(text, pos).end()  # type: ignore[union-attr]
                if not text.startswith("=", pos):
                    continue
                pos = self.blank.match(text, pos + 1).end()  # type: ignore[union-attr]
                if pos >= size:
                    break
                char = text[pos]
            if char == "[":
                stack.append(("array", owner))
                pos += 1
            elif char == "{":
                stack.append(("table", owner))
                pos += 1
            else:
                pos = self._scalar(pos)
                if not stack:
                    return pos
        return pos

    def _scalar(self, pos: int) -> int:
        """Past one string, number, date or boolean (always past `pos`)."""
        text = self.text
        for fence in ('"""', "'''"):
            if text.startswith(fence, pos):
                return self._fenced_end(pos + 3, fence)
        for pattern in (self.basic_string, self.literal_string, self.scalar):
            found = pattern.match(text, pos)
            if found and found.end() > pos:
                return found.end()
        return pos + 1

    def _fenced_end(self, pos: int, fence: str) -> int:
        """Past the multi-line string's closing fence (and up to two quotes it ends with)."""
        text = self.text
        while True:
            end = text.find(fence, pos)
            if end < 0:
                return len(text)
            if fence == '"""':
                backslashes = 0
                while end - backslashes - 1 >= pos and text[end - backslashes - 1] == "\\":
                    backslashes += 1
                if backslashes % 2:
                    pos = end + 1
                    continue
            end += 3
            extra = 0
            while extra < 2 and text.startswith(fence[0], end):
                end += 1
                extra += 1
            return end


def _unescape(raw: str) -> str:
    def one(found: re.Match[str]) -> str:
        escape = found.group(0)
        if escape[1] in "uU":
            try:
                return chr(int(escape[2:], 16))
            except ValueError:
                return escape
        return _ESCAPES.get(escape, escape)

    return re.sub(_ESCAPE, one, raw) if "\\" in raw else raw
